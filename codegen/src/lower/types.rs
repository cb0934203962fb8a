//! Named types of a service: operation inputs and outputs, structures,
//! unions, enums; their Rust names, member types and boxing.

use std::collections::{BTreeMap, BTreeSet};

use super::checks::Planner;
use super::closure::Closure;
use super::rtype::rtype;
use super::xml;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{
    EndpointParamIr, EnumIr, EnumVariantIr, ErrorIr, HostSegment, HttpBinding, MemberIr, OperationIr, Protocol, RType, ServiceIr, StructIr, TypeIr,
    UnionIr, Usage, VariantIr,
};
use crate::model::{EnumValue, Member, Model, Shape, ShapeKind};
use crate::{docs, naming};

pub fn build(model: &Model, c: &Closure<'_>, ir: &mut ServiceIr, diags: &mut Diagnostics) {
    let mut names = Names::default();
    // Every operation has its own input and output types, `<Op>Input` and
    // `<Op>Output`. A model shape whose name is one of those (Glue's
    // structure `TestConnectionInput` beside the operation `TestConnection`)
    // takes its kind as a suffix (`TestConnectionInputStructure`): a rule
    // that depends only on the service's operations, so names stay put when
    // a model gains shapes.
    let operation_types: BTreeSet<String> = c
        .operations
        .iter()
        .flat_map(|op| {
            let base = naming::type_name(c.name_of(&op.id));
            [format!("{base}Input"), format!("{base}Output")]
        })
        .collect();
    // Named model types.
    let named: BTreeSet<&String> = c.input_side.iter().chain(&c.output_side).collect();
    let mut type_ids = Vec::new();
    for id in named {
        let Some(shape) = model.get(id) else { continue };
        let suffix = match shape.kind {
            ShapeKind::Structure => "Structure",
            ShapeKind::Union => "Union",
            ShapeKind::Enum | ShapeKind::IntEnum => "Enum",
            _ => continue,
        };
        let mut name = naming::type_name(c.name_of(id));
        if operation_types.contains(&name) {
            name.push_str(suffix);
        }
        names.claim(&name, id, shape, diags);
        type_ids.push((id.clone(), name));
    }
    let rust_names: BTreeMap<String, String> = type_ids.iter().cloned().collect();
    // Operation input and output types.
    for op in &c.operations {
        let op_name = c.name_of(&op.id).to_string();
        let base = naming::type_name(&op_name);
        for suffix in ["Input", "Output"] {
            names.claim(&format!("{base}{suffix}"), &op.id, op, diags);
        }
    }
    let ctx = Ctx { model, protocol: ir.protocol, names: &rust_names, cycles: cycles(model, &rust_names) };
    let mut planner = Planner::new(model, c, &rust_names);
    planner.plan_all(&type_ids);

    for (id, name) in &type_ids {
        let Some(shape) = model.get(id) else { continue };
        let usage = Usage { input: c.input_side.contains(id), output: c.output_side.contains(id) };
        let ty = match shape.kind {
            ShapeKind::Structure => TypeIr::Struct(ctx.structure(shape, name.clone(), usage, &mut planner, None, diags)),
            ShapeKind::Union => TypeIr::Union(ctx.union(shape, name.clone(), usage, &mut planner, diags)),
            _ => TypeIr::Enum(ctx.enumeration(shape, name.clone(), &mut planner, diags)),
        };
        ir.types.push(ty);
    }
    for op in &c.operations {
        let ShapeKind::Operation(o) = &op.kind else { continue };
        let op_name = c.name_of(&op.id).to_string();
        let base = naming::type_name(&op_name);
        let mut io = Vec::new();
        for (target, suffix, input) in [(&o.input, "Input", true), (&o.output, "Output", false)] {
            let Some(shape) = model.get(target) else { continue };
            let usage = Usage { input, output: !input };
            let mut s = ctx.structure(shape, format!("{base}{suffix}"), usage, &mut planner, Some(input), diags);
            if input {
                s.input_of = Some(op_name.clone());
            } else {
                s.output_of = Some(op_name.clone());
            }
            io.push(s.name.clone());
            ir.types.push(TypeIr::Struct(s));
        }
        // The operation's own errors, then the service's; an error named by
        // both (DataZone lists `AccessDeniedException` in both) once.
        let mut errors = Vec::new();
        for e in o.errors.iter().chain(&c.service_errors) {
            if let Some(name) = rust_names.get(e) {
                if !errors.contains(name) {
                    errors.push(name.clone());
                }
            }
        }
        let event_stream = [&o.input, &o.output]
            .into_iter()
            .filter_map(|t| model.get(t))
            .flat_map(|s| &s.members)
            .find(|m| {
                model.get(&m.target).is_some_and(|t| t.traits.streaming && matches!(t.kind, ShapeKind::Union))
            })
            .map(|m| m.name.clone());
        let host_prefix = op.traits.host_prefix.as_deref().and_then(|p| host_prefix(model, op, &o.input, p, diags));
        ir.operations.push(OperationIr {
            iam_actions: Vec::new(),
            host_prefix,
            deprecated: deprecation(op.traits.deprecated.as_ref()),
            event_stream,
            shape_id: op.id.clone(),
            name: op_name.clone(),
            fn_name: naming::fn_name(&op_name),
            feature: String::new(),
            docs: op.traits.documentation.as_deref().map(docs::html_to_markdown),
            input: io.first().cloned().unwrap_or_default(),
            output: io.get(1).cloned().unwrap_or_default(),
            errors,
            http: op.traits.http.as_ref().map(Into::into),
            idempotent: op.traits.idempotent,
            readonly: op.traits.readonly,
            paginated: None,
            waiters: Vec::new(),
            examples: Vec::new(),
            protocol_tests: Vec::new(),
            customizations: Vec::new(),
            gzip: op.traits.request_compression.iter().any(|e| e == "gzip"),
            content_md5: op.traits.http_checksum_required,
            endpoint_params: endpoint_params(ctx.model, op),
            unwrapped_output: op.traits.s3_unwrapped_xml_output,
            // Settled with the auth schemes in `lower::auth`.
            unsigned: false,
            auth: Vec::new(),
            optional_auth: false,
            sensitive_body: [&o.input, &o.output].into_iter().any(|s| super::sensitive::body_holds_sensitive(model, ir.protocol, s)),
            unit_input: o.input == "smithy.api#Unit",
            output_stream: None,
            input_stream: None,
            streaming_body: None,
            streaming_input: None,
            checksum: op.traits.http_checksum.as_ref().map(|c| crate::ir::ChecksumIr {
                algorithm_field: c.request_algorithm_member.as_deref().map(naming::field_name),
                required: c.request_checksum_required,
                validation_field: c.request_validation_mode_member.as_deref().map(naming::field_name),
            }),
        });
    }
    ir.types.sort_by(|a, b| a.name().cmp(b.name()));
    let (check_fns, patterns, warnings) = planner.finish();
    ir.check_fns = check_fns;
    ir.patterns = patterns;
    ir.warnings.extend(warnings);
}

/// The endpoint parameters `op` sets: its `@staticContextParams`, then the
/// `@contextParam` members of its input that are strings, enums or booleans.
fn endpoint_params(model: &Model, op: &Shape) -> Vec<EndpointParamIr> {
    let mut out: Vec<EndpointParamIr> = op
        .traits
        .static_context_params
        .iter()
        .filter_map(|(name, v)| match v {
            serde_json::Value::Bool(b) => Some(EndpointParamIr::StaticBool { name: name.clone(), value: *b }),
            serde_json::Value::String(s) => Some(EndpointParamIr::StaticString { name: name.clone(), value: s.clone() }),
            _ => None,
        })
        .collect();
    let ShapeKind::Operation(o) = &op.kind else { return out };
    let Some(input) = model.get(&o.input) else { return out };
    for m in &input.members {
        let Some(name) = &m.traits.context_param else { continue };
        let field = naming::field_name(&m.name);
        match model.get(&m.target).map(|t| &t.kind) {
            Some(ShapeKind::String) => out.push(EndpointParamIr::Member { name: name.clone(), field, is_enum: false }),
            Some(ShapeKind::Enum) => out.push(EndpointParamIr::Member { name: name.clone(), field, is_enum: true }),
            Some(ShapeKind::Boolean) => out.push(EndpointParamIr::BoolMember { name: name.clone(), field }),
            _ => {}
        }
    }
    out
}

/// Split `@endpoint(hostPrefix)` into text and labels; each label must name
/// an input member with `@hostLabel` that targets a string.
fn host_prefix(model: &Model, op: &Shape, input: &str, prefix: &str, diags: &mut Diagnostics) -> Option<Vec<HostSegment>> {
    let err = |msg: String| Diagnostic::shape(op.file.clone(), op.id.clone(), format!("trait `smithy.api#endpoint`: {msg}"));
    let members = model.get(input).map(|s| s.members.as_slice()).unwrap_or_default();
    let mut out = Vec::new();
    let mut rest = prefix;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(HostSegment::Literal(rest[..open].to_string()));
        }
        let Some(close) = rest[open..].find('}') else {
            diags.push(err(format!("hostPrefix `{prefix}` has an unclosed `{{`")));
            return None;
        };
        let name = &rest[open + 1..open + close];
        let Some(m) = members.iter().find(|m| m.name == name) else {
            diags.push(err(format!("hostPrefix `{prefix}` names `{name}`, which is not a member of the input; add the member (with `@hostLabel`) or fix the name")));
            return None;
        };
        let is_string = model.get(&m.target).is_some_and(|t| matches!(t.kind, ShapeKind::String));
        if !m.traits.host_label || !is_string {
            diags.push(err(format!(
                "hostPrefix `{prefix}` names `{name}`, which needs `@hostLabel` and a string target to fill a host label; add `@hostLabel` to the member or take `{{{name}}}` out of the prefix"
            )));
            return None;
        }
        out.push(HostSegment::Label { member: name.to_string(), field: naming::field_name(name) });
        rest = &rest[open + close + 1..];
    }
    if rest.contains('}') {
        diags.push(err(format!("hostPrefix `{prefix}` has an unmatched `}}`")));
        return None;
    }
    if !rest.is_empty() {
        out.push(HostSegment::Literal(rest.to_string()));
    }
    Some(out)
}

/// The `#[deprecated]` note for a `@deprecated` trait.
/// The code an error structure has on the wire: its `@awsQueryError` code
/// (`query_code`) under awsQuery and ec2Query, else its shape name.
pub(super) fn wire_error_code(shape_id: &str, query_code: Option<&str>, protocol: crate::ir::Protocol) -> String {
    match query_code.filter(|_| protocol.is_query()) {
        Some(code) => code.to_string(),
        None => crate::model::shape_id::name_of(shape_id).to_string(),
    }
}

fn deprecation(d: Option<&crate::model::Deprecated>) -> Option<String> {
    let d = d?;
    let mut note = d.message.clone().unwrap_or_else(|| "deprecated in the service model".to_string());
    if let Some(since) = &d.since {
        note.push_str(&format!(" (deprecated since {since})"));
    }
    Some(note)
}

/// Rust names claimed in one service module.
#[derive(Default)]
struct Names(BTreeMap<String, String>);

impl Names {
    fn claim(&mut self, name: &str, id: &str, shape: &Shape, diags: &mut Diagnostics) {
        if let Some(prev) = self.0.get(name) {
            if prev != id {
                diags.push(Diagnostic::shape(
                    shape.file.clone(),
                    id,
                    format!(
                        "its Rust type name `{name}` is also the name of `{prev}` in the same service; give one of them another name with the service's `rename` property"
                    ),
                ));
            }
            return;
        }
        self.0.insert(name.to_string(), id.to_string());
    }
}

struct Ctx<'a> {
    model: &'a Model,
    protocol: Protocol,
    names: &'a BTreeMap<String, String>,
    /// Member edges (container id, member name) that close a cycle of
    /// structures/unions and must be boxed.
    cycles: BTreeSet<(String, String)>,
}

impl Ctx<'_> {
    fn rtype(&self, target: &str) -> RType {
        rtype(self.model, self.names, target)
    }

    /// A note for a member whose `@pattern` the validators cannot check.
    fn unchecked_pattern_note(&self, m: &Member) -> Option<String> {
        let target = self.model.get(&m.target)?;
        if target.kind != ShapeKind::String {
            return None;
        }
        let p = m.traits.pattern.as_deref().or(target.traits.pattern.as_deref())?;
        let why = crate::patterns::checkable(p).err()?;
        let code = if p.contains('`') { format!("`` {p} ``") } else { format!("`{p}`") };
        let why = if why.contains('`') { why } else { format!("`{why}`") };
        Some(format!("The model's `@pattern` {code} is not checked by this client ({why}); the service checks it."))
    }

    fn json_name(&self, m: &Member) -> String {
        match (self.protocol, &m.traits.json_name) {
            (Protocol::RestJson1, Some(j)) => j.clone(),
            _ => m.name.clone(),
        }
    }

    /// Is the value of this member sensitive (the member, its target, or
    /// what a list or map target holds)?
    fn sensitive(&self, m: &Member) -> bool {
        m.traits.sensitive || self.target_sensitive(&m.target, 0)
    }

    fn target_sensitive(&self, id: &str, depth: usize) -> bool {
        let Some(s) = self.model.get(id) else { return false };
        if s.traits.sensitive {
            return true;
        }
        if depth > 32 {
            return false;
        }
        matches!(s.kind, ShapeKind::List | ShapeKind::Map)
            && s.members.iter().any(|m| m.traits.sensitive || self.target_sensitive(&m.target, depth + 1))
    }

    fn check_unique_fields<'x>(
        &self,
        shape: &Shape,
        names: impl Iterator<Item = (&'x str, &'x str)>,
        what: &str,
        diags: &mut Diagnostics,
    ) {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (member, rust) in names {
            if let Some(prev) = seen.insert(rust, member) {
                diags.push(Diagnostic::shape(
                    shape.file.clone(),
                    format!("{}${member}", shape.id),
                    format!(
                        "members `{prev}` and `{member}` both become the Rust {what} `{rust}`; rename one of them in the model"
                    ),
                ));
            }
        }
    }

    /// The zero value of a shape for client error correction, as JSON (none
    /// for enums, unions and documents, which have no obvious zero).
    fn zero_value(&self, target: &str) -> Option<String> {
        let shape = self.model.get(target)?;
        let zero = match shape.kind {
            ShapeKind::String | ShapeKind::Blob => "\"\"",
            ShapeKind::Boolean => "false",
            ShapeKind::Byte
            | ShapeKind::Short
            | ShapeKind::Integer
            | ShapeKind::Long
            | ShapeKind::Float
            | ShapeKind::Double
            | ShapeKind::BigInteger
            | ShapeKind::BigDecimal
            | ShapeKind::Timestamp => "0",
            ShapeKind::List => "[]",
            ShapeKind::Map | ShapeKind::Structure => "{}",
            _ => return None,
        };
        Some(zero.to_string())
    }

    /// `copy_for_op`: `Some(is_input)` when building an operation's own
    /// input/output type from `shape` (never boxed: nothing refers to it).
    fn structure(
        &self,
        shape: &Shape,
        name: String,
        usage: Usage,
        planner: &mut Planner<'_>,
        copy_for_op: Option<bool>,
        diags: &mut Diagnostics,
    ) -> StructIr {
        let mut members = Vec::new();
        for m in &shape.members {
            let rust_name = naming::field_name(&m.name);
            // restJson1 binds the members of inputs, outputs and errors.
            let http = if self.protocol.is_rest() && (copy_for_op.is_some() || shape.traits.error.is_some()) {
                binding(m)
            } else {
                HttpBinding::Body
            };
            // Members of an `@input` structure are client-optional (Smithy
            // 2.0): an unset one is left out, and the service applies its default.
            let default = m
                .traits
                .default
                .as_ref()
                .filter(|d| !d.is_null() && !m.traits.client_optional && !shape.traits.input)
                .map(|d| d.to_string());
            let service_default = match &default {
                Some(_) => None,
                None => m.traits.default.as_ref().filter(|d| !d.is_null()).map(|d| d.to_string()),
            };
            let ty = self.rtype(&m.target);
            let required = m.traits.required && m.traits.default.as_ref().is_none_or(|d| d.is_null());
            let zero = (required && usage.output && !usage.input).then(|| self.zero_value(&m.target)).flatten();
            members.push(MemberIr {
                zero,
                service_default,
                deprecated: deprecation(m.traits.deprecated.as_ref()),
                default,
                name: m.name.clone(),
                rust_name,
                json_name: self.json_name(m),
                ty,
                docs: with_note(
                    m.traits
                        .documentation
                        .as_deref()
                        .or_else(|| self.model.get(&m.target).and_then(|t| t.traits.documentation.as_deref()))
                        .map(docs::html_to_markdown),
                    self.unchecked_pattern_note(m),
                ),
                required,
                sensitive: self.sensitive(m),
                boxed: copy_for_op.is_none() && self.cycles.contains(&(shape.id.clone(), m.name.clone())),
                idempotency_token: m.traits.idempotency_token,
                timestamp_format: m
                    .traits
                    .timestamp_format
                    .or_else(|| self.model.get(&m.target).and_then(|t| t.traits.timestamp_format))
                    .map(Into::into),
                media_type: self.model.get(&m.target).and_then(|t| t.traits.media_type.clone()),
                http,
                xml: xml::member(self.model, self.protocol, m),
                checks: if usage.input { planner.member_checks(m) } else { Vec::new() },
            });
        }
        self.check_unique_fields(shape, members.iter().map(|m| (m.name.as_str(), m.rust_name.as_str())), "field", diags);
        let validated = usage.input && (copy_for_op == Some(true) || planner.is_validated(&shape.id));
        StructIr {
            deprecated: deprecation(shape.traits.deprecated.as_ref()),
            gate: None,
            validate_gate: None,
            shape_id: shape.id.clone(),
            name,
            docs: shape.traits.documentation.as_deref().map(docs::html_to_markdown),
            members,
            usage,
            error: shape.traits.error.map(|fault| ErrorIr {
                query_code: shape.traits.aws_query_error.as_ref().map(|(code, _)| code.clone()),
                fault: fault.into(),
                http_status: shape.traits.http_error,
                retryable: shape.traits.retryable,
            }),
            sensitive: shape.traits.sensitive,
            validated,
            input_of: None,
            output_of: None,
            xml_root: xml::root_name(shape),
            xml_ns: xml::namespace_attrs(shape.traits.xml_namespace.as_ref()),
        }
    }

    fn union(&self, shape: &Shape, name: String, usage: Usage, planner: &mut Planner<'_>, diags: &mut Diagnostics) -> UnionIr {
        let variants: Vec<VariantIr> = shape
            .members
            .iter()
            .map(|m| VariantIr {
                deprecated: deprecation(m.traits.deprecated.as_ref()),
                name: m.name.clone(),
                rust_name: naming::variant_name(&m.name),
                json_name: self.json_name(m),
                ty: (m.target != "smithy.api#Unit").then(|| self.rtype(&m.target)),
                docs: m.traits.documentation.as_deref().map(docs::html_to_markdown),
                boxed: self.cycles.contains(&(shape.id.clone(), m.name.clone())),
                xml: xml::member(self.model, self.protocol, m),
                checks: if usage.input { planner.member_checks(m) } else { Vec::new() },
            })
            .collect();
        self.check_unique_fields(shape, variants.iter().map(|v| (v.name.as_str(), v.rust_name.as_str())), "variant", diags);
        UnionIr {
            deprecated: deprecation(shape.traits.deprecated.as_ref()),
            gate: None,
            validate_gate: None,
            shape_id: shape.id.clone(),
            name,
            docs: shape.traits.documentation.as_deref().map(docs::html_to_markdown),
            variants,
            usage,
            sensitive: shape.traits.sensitive,
            validated: usage.input,
            xml_root: xml::root_name(shape),
            xml_ns: xml::namespace_attrs(shape.traits.xml_namespace.as_ref()),
        }
    }

    fn enumeration(&self, shape: &Shape, name: String, planner: &mut Planner<'_>, diags: &mut Diagnostics) -> EnumIr {
        let int = shape.kind == ShapeKind::IntEnum;
        let variants: Vec<EnumVariantIr> = shape
            .members
            .iter()
            .map(|m| EnumVariantIr {
                deprecated: deprecation(m.traits.deprecated.as_ref()),
                rust_name: naming::variant_name(&m.name),
                value: match &m.traits.enum_value {
                    Some(EnumValue::String(s)) => s.clone(),
                    Some(EnumValue::Int(i)) => i.to_string(),
                    None => m.name.clone(),
                },
                docs: m.traits.documentation.as_deref().map(docs::html_to_markdown),
            })
            .collect();
        let pairs: Vec<(String, String)> =
            shape.members.iter().zip(&variants).map(|(m, v)| (m.name.clone(), v.rust_name.clone())).collect();
        self.check_unique_fields(shape, pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())), "variant", diags);
        EnumIr {
            deprecated: deprecation(shape.traits.deprecated.as_ref()),
            gate: None,
            shape_id: shape.id.clone(),
            name,
            docs: shape.traits.documentation.as_deref().map(docs::html_to_markdown),
            int,
            variants,
            checks: planner.enum_checks(shape),
            sensitive: shape.traits.sensitive,
        }
    }
}

fn binding(m: &Member) -> HttpBinding {
    let t = &m.traits;
    if t.http_label {
        HttpBinding::Label { greedy: false }
    } else if let Some(q) = &t.http_query {
        HttpBinding::Query(q.clone())
    } else if t.http_query_params {
        HttpBinding::QueryParams
    } else if let Some(h) = &t.http_header {
        HttpBinding::Header(h.clone())
    } else if let Some(p) = &t.http_prefix_headers {
        HttpBinding::PrefixHeaders(p.clone())
    } else if t.http_payload {
        HttpBinding::Payload
    } else if t.http_response_code {
        HttpBinding::ResponseCode
    } else {
        HttpBinding::Body
    }
}

/// Member edges between structures/unions that lie on a cycle: the target can
/// reach the container again through direct (unboxed) members.
fn cycles(model: &Model, named: &BTreeMap<String, String>) -> BTreeSet<(String, String)> {
    let direct = |id: &str| -> Vec<String> {
        model.get(id).map_or_else(Vec::new, |s| {
            if !matches!(s.kind, ShapeKind::Structure | ShapeKind::Union) {
                return Vec::new();
            }
            s.members
                .iter()
                .filter(|m| {
                    model.get(&m.target).is_some_and(|t| matches!(t.kind, ShapeKind::Structure | ShapeKind::Union))
                })
                .map(|m| m.target.clone())
                .collect()
        })
    };
    let mut reach: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for id in named.keys() {
        let mut seen = BTreeSet::new();
        let mut stack = direct(id);
        while let Some(n) = stack.pop() {
            if seen.insert(n.clone()) {
                stack.extend(direct(&n));
            }
        }
        reach.insert(id, seen);
    }
    let mut out = BTreeSet::new();
    for id in named.keys() {
        let Some(s) = model.get(id) else { continue };
        for m in &s.members {
            if reach.get(m.target.as_str()).is_some_and(|r| r.contains(id)) {
                out.insert((id.clone(), m.name.clone()));
            }
        }
    }
    out
}

/// Documentation with a note appended as its own paragraph.
fn with_note(docs: Option<String>, note: Option<String>) -> Option<String> {
    match (docs, note) {
        (Some(d), Some(n)) => Some(format!("{d}\n\n{n}")),
        (d, n) => d.or(n),
    }
}
