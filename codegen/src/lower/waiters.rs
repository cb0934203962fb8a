//! `smithy.waiters#waitable`: each operation's waiters, checked as the Smithy
//! waiters specification asks (names, delays, one matcher per acceptor,
//! comparators that fit the expression's type), with their JMESPath
//! expressions parsed (`lower::jmespath`) and typed against the operation's
//! input and output structures, so the emitter writes plain Rust for them.
//!
//! An expression outside the subset, or one that does not fit the types
//! (a field the structure lacks, a string compared with a number, a
//! projection of something that is not a list), is a diagnostic naming the
//! operation, the waiter and the acceptor.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::jmespath::{self, Ast, CompareOp};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{
    AcceptorIr, AcceptorStateIr, CompareOpIr, ComparatorIr, MatcherIr, OperationIr, RType, ServiceIr, StructIr,
    TypeIr, ValueConv, WaiterExpr, WaiterIr, WaiterType,
};
use crate::model::Model;
use crate::{docs, naming};

const TRAIT: &str = "smithy.waiters#waitable";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawWaiter {
    #[serde(default)]
    documentation: Option<String>,
    acceptors: Vec<RawAcceptor>,
    #[serde(default = "default_min")]
    min_delay: u64,
    #[serde(default = "default_max")]
    max_delay: u64,
    #[serde(default)]
    deprecated: bool,
}

fn default_min() -> u64 {
    2
}

fn default_max() -> u64 {
    120
}

#[derive(Deserialize)]
struct RawAcceptor {
    state: String,
    matcher: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPathMatcher {
    path: String,
    expected: String,
    comparator: String,
}

/// Fill `OperationIr::waiters` for every operation with a client method.
pub fn resolve(model: &Model, ir: &mut ServiceIr, diags: &mut Diagnostics) {
    let mut resolved = Vec::new();
    let mut warnings = Vec::new();
    for (i, op) in ir.operations.iter().enumerate() {
        let Some(shape) = model.get(&op.shape_id) else { continue };
        let Some(raw) = shape.traits.raw.get(TRAIT) else { continue };
        if op.event_stream.is_some() || op.output_stream.is_some() || op.input_stream.is_some() {
            let mut names: Vec<&str> = raw.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
            names.sort_unstable();
            warnings.push(format!(
                "{}: the waiter(s) {} are not generated: the operation streams, and a waiter polls whole responses",
                op.shape_id,
                if names.is_empty() { "of `@smithy.waiters#waitable`".to_string() } else { format!("`{}`", names.join("`, `")) }
            ));
            continue;
        }
        let err = |message: String| Diagnostic::shape(shape.file.clone(), shape.id.clone(), message);
        let Some(map) = raw.as_object() else {
            diags.push(err(format!("`@{TRAIT}` must be a map of waiter names to waiters")));
            continue;
        };
        let mut waiters = Vec::new();
        for (name, value) in map {
            match lower_waiter(ir, op, name, value) {
                Ok(w) => waiters.push(w),
                Err(messages) => {
                    for m in messages {
                        diags.push(err(format!("waiter `{name}` (service `{}`): {m}", ir.shape_id)));
                    }
                }
            }
        }
        waiters.sort_by(|a, b| a.name.cmp(&b.name));
        resolved.push((i, waiters));
    }
    // The waiter methods share the client's namespace with the operations
    // and paginators; waiter names are unique in the service.
    let mut methods: BTreeMap<String, String> = BTreeMap::new();
    for o in ir.client_operations() {
        methods.insert(o.fn_name.clone(), format!("the method of operation `{}`", o.name));
        if let Some(p) = &o.paginated {
            methods.insert(p.method.clone(), format!("the paginator method of `{}`", o.name));
        }
    }
    for (i, waiters) in &resolved {
        let op = &ir.operations[*i];
        for w in waiters {
            for m in [&w.method, &w.with_method, &w.type_name] {
                let what = format!("waiter `{}` of `{}`", w.name, op.name);
                if let Some(prev) = methods.insert(m.clone(), what.clone()) {
                    diags.push(Diagnostic::shape(
                        model.get(&op.shape_id).and_then(|s| s.file.clone()),
                        op.shape_id.clone(),
                        format!("{what}: its name `{m}` is also {prev}; waiter names must be unique in a service"),
                    ));
                }
            }
        }
    }
    for (i, waiters) in resolved {
        ir.operations[i].waiters = waiters;
    }
    ir.warnings.extend(warnings);
}

fn lower_waiter(ir: &ServiceIr, op: &OperationIr, name: &str, value: &serde_json::Value) -> Result<WaiterIr, Vec<String>> {
    let raw: RawWaiter = serde_json::from_value(value.clone()).map_err(|e| vec![format!("not a waiter: {e}")])?;
    let mut errors = Vec::new();
    let name_ok = name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    if !name_ok {
        errors.push("a waiter name must start with an upper-case letter and hold only ASCII letters and digits".to_string());
    }
    if raw.min_delay < 1 || raw.max_delay < 1 {
        errors.push(format!("`minDelay` ({}) and `maxDelay` ({}) must be at least 1", raw.min_delay, raw.max_delay));
    } else if raw.min_delay > raw.max_delay {
        errors.push(format!("`minDelay` ({}) is greater than `maxDelay` ({})", raw.min_delay, raw.max_delay));
    }
    if raw.acceptors.is_empty() {
        errors.push("it has no acceptors".to_string());
    }
    let env = Env { ir, input: find(ir, &op.input), output: find(ir, &op.output) };
    let mut acceptors = Vec::new();
    for (n, a) in raw.acceptors.iter().enumerate() {
        match env.acceptor(op, a) {
            Ok(a) => acceptors.push(a),
            Err(m) => errors.push(format!("acceptor {n}: {m}")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let snake = naming::fn_name(name);
    let snake = snake.trim_start_matches("r#").trim_end_matches('_');
    Ok(WaiterIr {
        name: name.to_string(),
        method: format!("wait_until_{snake}"),
        with_method: format!("wait_until_{snake}_with"),
        type_name: naming::type_name(&format!("{name}Waiter")),
        classify_fn: format!("classify_{snake}"),
        docs: raw.documentation.as_deref().map(docs::html_to_markdown).filter(|d| !d.trim().is_empty()),
        deprecated: raw.deprecated,
        min_delay: raw.min_delay,
        max_delay: raw.max_delay,
        acceptors,
    })
}

fn find<'a>(ir: &'a ServiceIr, name: &str) -> Option<&'a StructIr> {
    ir.types.iter().find_map(|t| match t {
        TypeIr::Struct(s) if s.name == name => Some(s),
        _ => None,
    })
}

struct Env<'a> {
    ir: &'a ServiceIr,
    input: Option<&'a StructIr>,
    output: Option<&'a StructIr>,
}

/// What a type is called in messages.
fn describe(t: &WaiterType) -> String {
    match t {
        WaiterType::Bool => "a boolean".into(),
        WaiterType::Num => "a number".into(),
        WaiterType::Str => "a string".into(),
        WaiterType::Struct(n) => format!("a structure (`{n}`)"),
        WaiterType::List(e) => format!("a list of {}", plural(e)),
        WaiterType::Map(v, _) => format!("a map of {}", plural(v)),
        WaiterType::InputOutput => "`{input, output}`".into(),
    }
}

fn plural(t: &WaiterType) -> String {
    match t {
        WaiterType::Bool => "booleans".into(),
        WaiterType::Num => "numbers".into(),
        WaiterType::Str => "strings".into(),
        WaiterType::Struct(n) => format!("structures (`{n}`)"),
        WaiterType::List(_) => "lists".into(),
        WaiterType::Map(..) => "maps".into(),
        WaiterType::InputOutput => "inputs and outputs".into(),
    }
}

/// Values held by `Copy` Rust values (references and scalars), which
/// filters and multi-select lists can read more than once.
fn is_copy(t: &WaiterType) -> bool {
    !matches!(t, WaiterType::List(_) | WaiterType::InputOutput)
}

fn truthy_ok(t: &WaiterType) -> Result<(), String> {
    match t {
        WaiterType::Bool | WaiterType::Num | WaiterType::Str | WaiterType::List(_) | WaiterType::Map(..) => Ok(()),
        other => Err(format!("the truth of {} is not supported (test one of its members instead)", describe(other))),
    }
}

impl Env<'_> {
    fn acceptor(&self, op: &OperationIr, a: &RawAcceptor) -> Result<AcceptorIr, String> {
        let state = match a.state.as_str() {
            "success" => AcceptorStateIr::Success,
            "failure" => AcceptorStateIr::Failure,
            "retry" => AcceptorStateIr::Retry,
            other => return Err(format!("unknown state \"{other}\" (expected success, failure or retry)")),
        };
        let mut entries = a.matcher.iter();
        let (Some((kind, value)), None) = (entries.next(), entries.next()) else {
            return Err("a matcher must have exactly one member".to_string());
        };
        let matcher = match kind.as_str() {
            "success" => MatcherIr::Success(value.as_bool().ok_or("`success` must be a boolean")?),
            "errorType" => {
                let name = value.as_str().ok_or("`errorType` must be a string")?;
                MatcherIr::ErrorType(self.error_codes(op, name))
            }
            "output" | "inputOutput" => {
                let raw: RawPathMatcher =
                    serde_json::from_value(value.clone()).map_err(|e| format!("`{kind}` is not a path matcher: {e}"))?;
                let input_output = kind == "inputOutput";
                let root = if input_output {
                    if self.input.is_none() {
                        return Err("`inputOutput` needs an input structure".into());
                    }
                    WaiterType::InputOutput
                } else {
                    WaiterType::Struct(self.output.ok_or("`output` needs an output structure")?.name.clone())
                };
                let ast = jmespath::parse(&raw.path).map_err(|e| format!("the path `{}` does not parse ({e})", shown(&raw.path)))?;
                let (expr, ty) = self.lower(&ast, &root).map_err(|e| format!("the path `{}`: {e}", shown(&raw.path)))?;
                let comparator = comparator(&raw, &ty)?;
                MatcherIr::Path { input_output, path: raw.path.clone(), expr, comparator }
            }
            other => return Err(format!("unknown matcher `{other}` (expected output, inputOutput, success or errorType)")),
        };
        Ok(AcceptorIr { state, matcher })
    }

    /// The codes an `errorType` matches: the name as written (without a
    /// namespace) and, when it names one of the operation's errors by shape
    /// name or id, that error's code on the wire.
    fn error_codes(&self, op: &OperationIr, name: &str) -> Vec<String> {
        let short = name.rsplit('#').next().unwrap_or(name).to_string();
        let mut codes = vec![short.clone()];
        for e in &op.errors {
            let Some(s) = find(self.ir, e) else { continue };
            let shape_name = s.shape_id.rsplit('#').next().unwrap_or(&s.name);
            if s.shape_id == name || shape_name == short {
                let code = super::types::wire_error_code(&s.shape_id, s.error.as_ref().and_then(|e| e.query_code.as_deref()), self.ir.protocol);
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
        }
        codes
    }

    fn named(&self, name: &str) -> Option<&TypeIr> {
        self.ir.types.iter().find(|t| t.name() == name)
    }

    /// The waiter type of a member's Rust type, and how it converts.
    fn value_type(&self, t: &RType) -> Result<(WaiterType, ValueConv), String> {
        Ok(match t {
            RType::String => (WaiterType::Str, ValueConv::Str),
            RType::Bool => (WaiterType::Bool, ValueConv::Bool),
            RType::Byte | RType::Short | RType::Int | RType::Float => (WaiterType::Num, ValueConv::Lossless),
            RType::Long | RType::BigInteger => (WaiterType::Num, ValueConv::Wide),
            RType::Double | RType::BigDecimal => (WaiterType::Num, ValueConv::F64),
            RType::Blob => return Err("a blob, which waiters cannot read".into()),
            RType::Timestamp => return Err("a timestamp, which waiters cannot read".into()),
            RType::Document => return Err("a document, which waiters cannot read".into()),
            RType::Named(n) => match self.named(n) {
                Some(TypeIr::Struct(s)) => (WaiterType::Struct(s.name.clone()), ValueConv::Struct),
                Some(TypeIr::Enum(e)) if !e.int => (WaiterType::Str, ValueConv::Enum),
                Some(TypeIr::Enum(_)) => return Err(format!("an int enum (`{n}`), which waiters cannot read")),
                Some(TypeIr::Union(_)) => return Err(format!("a union (`{n}`), which waiters cannot read")),
                None => return Err(format!("`{n}`, which is not generated")),
            },
            RType::List(e) => {
                let (et, ec) = self.value_type(e)?;
                (WaiterType::List(Box::new(et)), ValueConv::List(Box::new(ec)))
            }
            RType::Map(_, v) => {
                let (vt, vc) = self.value_type(v)?;
                (WaiterType::Map(Box::new(vt), Box::new(vc.clone())), ValueConv::Map(Box::new(vc)))
            }
            RType::Sparse(x) => {
                let (xt, xc) = self.value_type(x)?;
                (xt, ValueConv::Sparse(Box::new(xc)))
            }
        })
    }

    fn lower(&self, ast: &Ast, cur: &WaiterType) -> Result<(WaiterExpr, WaiterType), String> {
        let b = Box::new;
        Ok(match ast {
            Ast::Current => (WaiterExpr::Current, cur.clone()),
            Ast::Field(name) => match cur {
                WaiterType::Struct(s) => {
                    let st = match self.named(s) {
                        Some(TypeIr::Struct(st)) => st,
                        _ => return Err(format!("`{s}` is not a generated structure")),
                    };
                    let Some(m) = st.members.iter().find(|m| m.name == *name) else {
                        let names: Vec<&str> = st.members.iter().map(|m| m.name.as_str()).collect();
                        return Err(format!(
                            "`{}` has no member `{name}` (its members: {})",
                            st.shape_id,
                            if names.is_empty() { "none".to_string() } else { names.join(", ") }
                        ));
                    };
                    let (ty, conv) = self.value_type(&m.ty).map_err(|e| format!("`{}${name}` is {e}", st.shape_id))?;
                    (WaiterExpr::Field { of: b(WaiterExpr::Current), field: m.rust_name.clone(), boxed: m.boxed, conv }, ty)
                }
                WaiterType::InputOutput => match name.as_str() {
                    "input" => (WaiterExpr::Input, WaiterType::Struct(self.input.map(|s| s.name.clone()).unwrap_or_default())),
                    "output" => match self.output {
                        Some(o) => (WaiterExpr::Output, WaiterType::Struct(o.name.clone())),
                        None => return Err("the operation has no output structure".into()),
                    },
                    other => return Err(format!("an `inputOutput` path starts with `input` or `output`, not `{other}`")),
                },
                other => return Err(format!("`{name}` is read from {}, not a structure", describe(other))),
            },
            Ast::Sub(l, r) | Ast::Pipe(l, r) => {
                let (le, lt) = self.lower(l, cur)?;
                let (re, rt) = self.lower(r, &lt)?;
                (then(le, re), rt)
            }
            Ast::Index(l, index) => {
                let (le, lt) = self.lower(l, cur)?;
                let WaiterType::List(et) = lt else { return Err(format!("`[{index}]` indexes {}, not a list", describe(&lt))) };
                (WaiterExpr::Index { list: b(le), index: *index, elem_copy: is_copy(&et) }, *et)
            }
            Ast::Projection(l, r) => {
                let (le, lt) = self.lower(l, cur)?;
                let WaiterType::List(et) = lt else { return Err(format!("a projection (`[*]` or `[]`) of {}, not a list", describe(&lt))) };
                self.project(le, &et, r)?
            }
            Ast::ValueProjection(l, r) => {
                let (le, lt) = self.lower(l, cur)?;
                let WaiterType::Map(vt, vc) = lt else {
                    return Err(format!("a value projection (`*`) of {}; only maps are supported", describe(&lt)));
                };
                self.project(WaiterExpr::MapValues { map: b(le), conv: *vc }, &vt, r)?
            }
            Ast::Flatten(l) => {
                let (le, lt) = self.lower_flattened(l, cur)?;
                match lt {
                    WaiterType::List(et) => match *et {
                        WaiterType::List(inner) => (WaiterExpr::Flatten(b(le)), WaiterType::List(inner)),
                        other => (le, WaiterType::List(Box::new(other))),
                    },
                    other => return Err(format!("`[]` flattens {}, not a list", describe(&other))),
                }
            }
            Ast::Filter { list, cond, rhs } => {
                let (le, lt) = self.lower(list, cur)?;
                let WaiterType::List(et) = lt else { return Err(format!("a filter (`[?…]`) of {}, not a list", describe(&lt))) };
                if !is_copy(&et) {
                    return Err(format!("a filter of a list of {} is not supported", plural(&et)));
                }
                let (ce, ct) = self.lower(cond, &et)?;
                truthy_ok(&ct)?;
                self.project(WaiterExpr::Filter { list: b(le), cond: b(ce), cond_ty: ct }, &et, rhs)?
            }
            Ast::MultiList(_) => {
                return Err(
                    "a multi-select list (`[a, b]`) is supported only where `[]` flattens it at once (as in `list[].[a, b][]`): \
                     JMESPath keeps its nulls, which these waiters cannot represent"
                        .into(),
                )
            }
            Ast::Compare(op, l, r) => {
                let (le, lt) = self.lower(l, cur)?;
                let (re, rt) = self.lower(r, cur)?;
                let ordering = !matches!(op, CompareOp::Eq | CompareOp::Ne);
                let comparable = match (&lt, &rt) {
                    (WaiterType::Num, WaiterType::Num) => true,
                    (WaiterType::Str, WaiterType::Str) | (WaiterType::Bool, WaiterType::Bool) => !ordering,
                    _ => false,
                };
                if !comparable {
                    return Err(format!("`{}` compares {} with {}", op.symbol(), describe(&lt), describe(&rt)));
                }
                let op = match op {
                    CompareOp::Eq => CompareOpIr::Eq,
                    CompareOp::Ne => CompareOpIr::Ne,
                    CompareOp::Lt => CompareOpIr::Lt,
                    CompareOp::Le => CompareOpIr::Le,
                    CompareOp::Gt => CompareOpIr::Gt,
                    CompareOp::Ge => CompareOpIr::Ge,
                };
                (WaiterExpr::Compare { op, lhs: b(le), rhs: b(re) }, WaiterType::Bool)
            }
            Ast::And(l, r) | Ast::Or(l, r) => {
                let (le, lt) = self.lower(l, cur)?;
                let (re, rt) = self.lower(r, cur)?;
                let sym = if matches!(ast, Ast::And(..)) { "&&" } else { "||" };
                if lt != WaiterType::Bool || rt != WaiterType::Bool {
                    return Err(format!("`{sym}` joins {} and {}; only booleans are supported", describe(&lt), describe(&rt)));
                }
                if sym == "&&" {
                    (WaiterExpr::And(b(le), b(re)), WaiterType::Bool)
                } else {
                    (WaiterExpr::Or(b(le), b(re)), WaiterType::Bool)
                }
            }
            Ast::Not(x) => {
                let (xe, xt) = self.lower(x, cur)?;
                truthy_ok(&xt)?;
                (WaiterExpr::Not(b(xe), xt), WaiterType::Bool)
            }
            Ast::Literal(v) => match v {
                serde_json::Value::String(s) => (WaiterExpr::Str(s.clone()), WaiterType::Str),
                serde_json::Value::Bool(v) => (WaiterExpr::Bool(*v), WaiterType::Bool),
                serde_json::Value::Number(n) if n.as_i64().is_some() => (WaiterExpr::Int(n.as_i64().unwrap_or_default()), WaiterType::Num),
                serde_json::Value::Number(n) => match n.as_f64() {
                    Some(f) if f.is_finite() => (WaiterExpr::Num(f), WaiterType::Num),
                    _ => return Err(format!("the number `{n}` is out of range")),
                },
                other => return Err(format!("the literal `{other}` is not a string, number or boolean")),
            },
            Ast::Function(name, args) => match (name.as_str(), args.as_slice()) {
                ("length", [x]) => {
                    let (xe, xt) = self.lower(x, cur)?;
                    if !matches!(xt, WaiterType::Str | WaiterType::List(_) | WaiterType::Map(..)) {
                        return Err(format!("`length` of {}; it takes a string, list or map", describe(&xt)));
                    }
                    (WaiterExpr::Length(b(xe), xt), WaiterType::Num)
                }
                ("contains", [s, v]) => {
                    let (se, st) = self.lower(s, cur)?;
                    let (ve, vt) = self.lower(v, cur)?;
                    let string = match (&st, &vt) {
                        (WaiterType::Str, WaiterType::Str) => true,
                        (WaiterType::List(e), v) if **e == *v && matches!(v, WaiterType::Str | WaiterType::Num | WaiterType::Bool) => false,
                        _ => return Err(format!("`contains` looks for {} in {}", describe(&vt), describe(&st))),
                    };
                    (WaiterExpr::Contains { subject: b(se), search: b(ve), string }, WaiterType::Bool)
                }
                ("length" | "contains", _) => return Err(format!("`{name}` takes {} argument(s), not {}", if name == "length" { 1 } else { 2 }, args.len())),
                _ => return Err(format!("the function `{name}` is not supported (waiters may use `length` and `contains`)")),
            },
        })
    }

    /// The list `[]` flattens: the one place a multi-select list may be,
    /// directly or as what a projection or sub-expression yields. JMESPath
    /// keeps a multi-select list's nulls; the projection `[]` makes drops
    /// them (after splicing), so dropping them earlier gives the same list.
    fn lower_flattened(&self, ast: &Ast, cur: &WaiterType) -> Result<(WaiterExpr, WaiterType), String> {
        match ast {
            Ast::MultiList(items) => self.multi_list(items, cur),
            Ast::Projection(l, r) if matches!(**r, Ast::MultiList(_)) => {
                let Ast::MultiList(items) = &**r else { return self.lower(ast, cur) };
                let (le, lt) = self.lower(l, cur)?;
                let WaiterType::List(et) = lt else { return Err(format!("a projection (`[*]` or `[]`) of {}, not a list", describe(&lt))) };
                let (each, t) = self.multi_list(items, &et)?;
                Ok((WaiterExpr::Project { list: Box::new(le), each: Box::new(each) }, WaiterType::List(Box::new(t))))
            }
            Ast::Sub(l, r) if matches!(**r, Ast::MultiList(_)) => {
                let Ast::MultiList(items) = &**r else { return self.lower(ast, cur) };
                let (le, lt) = self.lower(l, cur)?;
                let (re, rt) = self.multi_list(items, &lt)?;
                Ok((then(le, re), rt))
            }
            _ => self.lower(ast, cur),
        }
    }

    /// `[a, b]` on `cur`, its nulls dropped (see `lower_flattened`).
    fn multi_list(&self, items: &[Ast], cur: &WaiterType) -> Result<(WaiterExpr, WaiterType), String> {
        let b = Box::new;
        if !is_copy(cur) {
            return Err(format!("a multi-select list on {} is not supported", describe(cur)));
        }
        let mut exprs = Vec::new();
        let mut ty: Option<WaiterType> = None;
        for item in items {
            let (e, t) = self.lower(item, cur)?;
            match &ty {
                Some(prev) if *prev != t => {
                    return Err(format!("a multi-select list mixes {} and {}", plural(prev), plural(&t)));
                }
                _ => ty = Some(t),
            }
            exprs.push(e);
        }
        let ty = ty.ok_or("an empty multi-select list")?;
        Ok((WaiterExpr::MultiList(exprs), WaiterType::List(b(ty))))
    }

    /// `rhs` on each element (of type `elem`) of the list `list`.
    fn project(&self, list: WaiterExpr, elem: &WaiterType, rhs: &Ast) -> Result<(WaiterExpr, WaiterType), String> {
        if *rhs == Ast::Current {
            return Ok((list, WaiterType::List(Box::new(elem.clone()))));
        }
        let (each, t) = self.lower(rhs, elem)?;
        Ok((WaiterExpr::Project { list: Box::new(list), each: Box::new(each) }, WaiterType::List(Box::new(t))))
    }
}

/// `then` evaluated on `first`; a field of the current value reads `first`'s.
fn then(first: WaiterExpr, then_: WaiterExpr) -> WaiterExpr {
    match then_ {
        WaiterExpr::Field { of, field, boxed, conv } if *of == WaiterExpr::Current => {
            WaiterExpr::Field { of: Box::new(first), field, boxed, conv }
        }
        WaiterExpr::Current => first,
        other => WaiterExpr::Then { first: Box::new(first), then: Box::new(other) },
    }
}

/// A path as messages quote it: its first 120 characters and an ellipsis
/// when it is longer.
fn shown(path: &str) -> String {
    match path.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &path[..i]),
        None => path.to_string(),
    }
}

fn comparator(raw: &RawPathMatcher, ty: &WaiterType) -> Result<ComparatorIr, String> {
    let want = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("`{}` needs {what}, but the path `{}` gives {}", raw.comparator, shown(&raw.path), describe(ty)))
        }
    };
    let strings = matches!(ty, WaiterType::List(e) if **e == WaiterType::Str);
    match raw.comparator.as_str() {
        "stringEquals" => want(*ty == WaiterType::Str, "a string").map(|()| ComparatorIr::StringEquals(raw.expected.clone())),
        "booleanEquals" => {
            want(*ty == WaiterType::Bool, "a boolean")?;
            match raw.expected.as_str() {
                "true" => Ok(ComparatorIr::BooleanEquals(true)),
                "false" => Ok(ComparatorIr::BooleanEquals(false)),
                other => Err(format!("`booleanEquals` expects \"true\" or \"false\", not \"{other}\"")),
            }
        }
        "allStringEquals" => want(strings, "a list of strings").map(|()| ComparatorIr::AllStringEquals(raw.expected.clone())),
        "anyStringEquals" => want(strings, "a list of strings").map(|()| ComparatorIr::AnyStringEquals(raw.expected.clone())),
        other => Err(format!(
            "unknown comparator \"{other}\" (expected stringEquals, booleanEquals, allStringEquals or anyStringEquals)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::{json, Value};

    use crate::diagnostics::Diagnostics;
    use crate::ir::{AcceptorStateIr, ComparatorIr, CrateIr, MatcherIr};
    use crate::lower::{lower_crate, Selection};
    use crate::model::Model;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/valid/waiters.json");
    const OP: &str = "com.example.waiters#DescribeThings";

    fn lower(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Result<CrateIr, Diagnostics> {
        let mut model: Value = serde_json::from_str(FIXTURE).expect("fixture is JSON");
        let waiters = model["shapes"][OP]["traits"]["smithy.waiters#waitable"].as_object_mut().expect("waiters");
        edit(waiters);
        let model = Model::load_sources(&[(PathBuf::from("waiters.json"), model.to_string())]).expect("loads");
        lower_crate(&model, "t", &Selection::default())
    }

    fn errors(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<String> {
        lower(edit).expect_err("rejected").0.iter().map(ToString::to_string).collect()
    }

    fn one(path: &str, comparator: &str, expected: &str) -> Value {
        json!({"minDelay": 1, "acceptors": [
            {"state": "success", "matcher": {"output": {"path": path, "expected": expected, "comparator": comparator}}}
        ]})
    }

    #[test]
    fn lowers_every_waiter_of_the_fixture() {
        let ir = lower(|_| {}).expect("lowers");
        let op = ir.services[0].operations.iter().find(|o| o.name == "DescribeThings").expect("operation");
        let names: Vec<&str> = op.waiters.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "AttributesVerified",
                "FirstThingReady",
                "HeavyThingExists",
                "Labelled",
                "NamedThingExists",
                "NotDeleted",
                "PartsInService",
                "Piped",
                "TagFound",
                "ThingsActive",
                "ThingsStable",
                "VersionReached"
            ]
        );
        let w = op.waiters.iter().find(|w| w.name == "ThingsActive").expect("ThingsActive");
        assert_eq!((w.method.as_str(), w.with_method.as_str(), w.type_name.as_str()), ("wait_until_things_active", "wait_until_things_active_with", "ThingsActiveWaiter"));
        assert_eq!((w.min_delay, w.max_delay), (1, 10));
        assert_eq!(w.acceptors[0].state, AcceptorStateIr::Failure);
        assert!(matches!(&w.acceptors[2].matcher, MatcherIr::Path { comparator: ComparatorIr::AllStringEquals(s), input_output: false, .. } if s == "ACTIVE"));
        let stable = op.waiters.iter().find(|w| w.name == "ThingsStable").expect("ThingsStable");
        assert_eq!(stable.max_delay, 120, "the default maxDelay");
        let named = op.waiters.iter().find(|w| w.name == "NamedThingExists").expect("NamedThingExists");
        assert_eq!(named.acceptors[1].matcher, MatcherIr::ErrorType(vec!["ThingNotFound".into()]));
    }

    #[test]
    fn expressions_outside_the_subset_or_the_types_are_errors() {
        let e = errors(|w| {
            w.insert("Bad".into(), one("things[].nope", "allStringEquals", "x"));
        });
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("com.example.waiters#DescribeThings: waiter `Bad` (service `com.example.waiters#Waiters`): acceptor 0: the path `things[].nope`: `com.example.waiters#Thing` has no member `nope` (its members: name, status, count, min, ready, parts, tags, weight)"),
            "{e:?}"
        );
        let e = errors(|w| {
            w.insert("Bad".into(), one("sort_by(things, &name)", "stringEquals", "x"));
        });
        assert!(e[0].contains("acceptor 0: the path `sort_by(things, &name)` does not parse (at byte 16: expression references"), "{e:?}");
        let e = errors(|w| {
            w.insert("Bad".into(), one("things[].status", "stringEquals", "x"));
        });
        assert!(e[0].contains("`stringEquals` needs a string, but the path `things[].status` gives a list of strings"), "{e:?}");
        let e = errors(|w| {
            w.insert("Bad".into(), one("length(things) == 'x'", "booleanEquals", "true"));
        });
        assert!(e[0].contains("`==` compares a number with a string"), "{e:?}");
        let e = errors(|w| {
            w.insert("Bad".into(), one("summary.note.length", "stringEquals", "x"));
        });
        assert!(e[0].contains("`length` is read from a string, not a structure"), "{e:?}");
        let e = errors(|w| {
            w.insert("Bad".into(), one("abs(things)", "stringEquals", "x"));
        });
        assert!(e[0].contains("the function `abs` is not supported"), "{e:?}");
        let e = errors(|w| {
            w.insert("Bad".into(), one("summary.status", "booleanEquals", "yes"));
        });
        assert!(e[0].contains("`booleanEquals` needs a boolean"), "{e:?}");
    }

    #[test]
    fn multi_select_lists_only_where_flattened_at_once() {
        // JMESPath keeps a multi-select list's nulls (`[summary.status, summary.note]`
        // is `['ACTIVE', null]`), so anything reading the list itself is refused.
        for path in ["[summary.status, summary.note]", "length([summary.status, summary.note])", "[summary.status, summary.note][1]", "summary.[status, note]"] {
            let e = errors(|w| {
                w.insert("Multi".into(), one(path, "allStringEquals", "ACTIVE"));
            });
            assert!(e[0].contains("a multi-select list (`[a, b]`) is supported only where `[]` flattens it at once"), "{path}: {e:?}");
        }
        // A path too long is quoted shortened.
        let e = errors(|w| {
            w.insert("Long".into(), one(&format!("summary{}", "|summary".repeat(1000)), "stringEquals", "x"));
        });
        assert!(e[0].contains("|summary|…` does not parse (at byte 4096: the expression is 8007 bytes long"), "{e:?}");
        assert!(e[0].len() < 400, "{e:?}");
        // Flattened by `[]` at once, the nulls go anyway.
        for path in ["[summary.status, summary.note][]", "summary.[status, note][]", "things[].[name, status][]"] {
            lower(|w| {
                w.insert("Multi".into(), one(path, "allStringEquals", "ACTIVE"));
            })
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }

    #[test]
    fn waiters_of_a_streaming_operation_are_a_warning() {
        let mut model: Value = serde_json::from_str(FIXTURE).expect("fixture is JSON");
        model["shapes"]["com.example.waiters#Events"] =
            json!({"type": "union", "members": {"tick": {"target": "com.example.waiters#Tick"}}, "traits": {"smithy.api#streaming": {}}});
        model["shapes"]["com.example.waiters#Tick"] = json!({"type": "structure", "members": {"n": {"target": "smithy.api#Integer"}}});
        model["shapes"]["com.example.waiters#DescribeThingsOutput"]["members"]["events"] = json!({"target": "com.example.waiters#Events"});
        let model = Model::load_sources(&[(PathBuf::from("waiters.json"), model.to_string())]).expect("loads");
        let ir = lower_crate(&model, "t", &Selection::default()).unwrap_or_else(|e| panic!("{e}"));
        let svc = &ir.services[0];
        assert!(svc.operations.iter().all(|o| o.waiters.is_empty()));
        let w: Vec<&String> = svc.warnings.iter().filter(|w| w.contains("waiter")).collect();
        assert_eq!(w.len(), 1, "{:?}", svc.warnings);
        assert!(w[0].starts_with("com.example.waiters#DescribeThings: the waiter(s) `AttributesVerified`, `FirstThingReady`,"), "{}", w[0]);
        assert!(w[0].ends_with("are not generated: the operation streams, and a waiter polls whole responses"), "{}", w[0]);
    }

    #[test]
    fn waiters_themselves_are_checked() {
        let e = errors(|w| {
            w.insert("Slow".into(), json!({"minDelay": 30, "maxDelay": 10, "acceptors": [{"state": "success", "matcher": {"success": true}}]}));
        });
        assert!(e[0].contains("waiter `Slow` (service `com.example.waiters#Waiters`): `minDelay` (30) is greater than `maxDelay` (10)"), "{e:?}");
        let e = errors(|w| {
            w.insert("lower".into(), json!({"acceptors": []}));
        });
        assert_eq!(e.len(), 2, "{e:?}");
        let e = errors(|w| {
            w.insert("Two".into(), json!({"acceptors": [{"state": "done", "matcher": {"success": true, "errorType": "X"}}]}));
        });
        assert!(e[0].contains("acceptor 0: unknown state \"done\""), "{e:?}");
        let e = errors(|w| {
            w.insert("Two".into(), json!({"acceptors": [{"state": "success", "matcher": {"success": true, "errorType": "X"}}]}));
        });
        assert!(e[0].contains("acceptor 0: a matcher must have exactly one member"), "{e:?}");
    }
}
