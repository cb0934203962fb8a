//! Syntax trees of every IDL file of a load → JSON AST documents, as the
//! Smithy reference serialises a model: absolute shape ids, members with
//! explicit targets, `"mixins": [{"target": ..}]`, inline operation input and
//! output as shapes of their own, `apply` statements as `"type": "apply"`.
//!
//! Names are resolved here, once every file is parsed: a relative shape id is
//! the `use`d id of that name, else the shape of that name in the file's
//! namespace defined by ANY file of the load (IDL or JSON AST), else the
//! prelude's (`smithy.api#...`). Elided member targets (`$name`) come from
//! the `for` resource's identifiers and properties, then from the mixins'
//! members (wherever they are defined).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::lexer::Pos;
use super::parser::{Body, File, IoRef, MemberDef, Node, NodeKind, Ref, ShapeDef, Statement, TraitApp, TraitValue, Version};
use super::quote;
use crate::diagnostics::Diagnostic;

/// Every shape name of the prelude (`smithy.api`), with its type.
const PRELUDE: &[(&str, &str)] = &[
    ("String", "string"), ("Blob", "blob"), ("BigInteger", "bigInteger"), ("BigDecimal", "bigDecimal"),
    ("Timestamp", "timestamp"), ("Document", "document"), ("Boolean", "boolean"), ("Byte", "byte"), ("Short", "short"),
    ("Integer", "integer"), ("Long", "long"), ("Float", "float"), ("Double", "double"), ("PrimitiveBoolean", "boolean"),
    ("PrimitiveByte", "byte"), ("PrimitiveShort", "short"), ("PrimitiveInteger", "integer"), ("PrimitiveLong", "long"),
    ("PrimitiveFloat", "float"), ("PrimitiveDouble", "double"), ("Unit", "structure"), ("trait", "structure"),
    ("TraitDiffRules", "list"), ("TraitDiffRule", "structure"), ("TraitChangeType", "enum"), ("Severity", "enum"),
    ("StructurallyExclusive", "enum"), ("deprecated", "structure"), ("box", "structure"), ("documentation", "string"),
    ("externalDocumentation", "map"), ("auth", "list"), ("AuthTraitReference", "string"), ("protocolDefinition", "structure"),
    ("TraitShapeIdList", "list"), ("TraitShapeId", "string"), ("authDefinition", "structure"), ("httpBasicAuth", "structure"),
    ("httpDigestAuth", "structure"), ("httpBearerAuth", "structure"), ("httpApiKeyAuth", "structure"),
    ("traitValidators", "map"), ("TraitValidator", "structure"), ("metadata", "structure"), ("ShapeClosures", "list"),
    ("ShapeClosure", "structure"), ("ClosureId", "string"), ("Namespaces", "list"), ("Renames", "map"),
    ("Identifier", "string"), ("default", "document"), ("addedDefault", "structure"), ("clientOptional", "structure"),
    ("HttpApiKeyLocations", "enum"), ("optionalAuth", "structure"), ("examples", "list"), ("Example", "structure"),
    ("ExampleError", "structure"), ("error", "enum"), ("retryable", "structure"), ("readonly", "structure"),
    ("idempotent", "structure"), ("idempotencyToken", "structure"), ("internal", "structure"), ("jsonName", "string"),
    ("xmlAttribute", "structure"), ("xmlFlattened", "structure"), ("xmlName", "string"), ("xmlNamespace", "structure"),
    ("NonEmptyString", "string"), ("noReplace", "structure"), ("mediaType", "string"), ("references", "list"),
    ("Reference", "structure"), ("NonEmptyStringMap", "map"), ("resourceIdentifier", "string"), ("private", "structure"),
    ("sensitive", "structure"), ("since", "string"), ("streaming", "structure"), ("requiresLength", "structure"),
    ("longPoll", "structure"), ("tags", "list"), ("title", "string"), ("enum", "list"), ("EnumDefinition", "structure"),
    ("EnumConstantBodyName", "string"), ("enumValue", "document"), ("length", "structure"), ("range", "structure"),
    ("pattern", "string"), ("required", "structure"), ("property", "structure"), ("notProperty", "structure"),
    ("nestedProperties", "structure"), ("recommended", "structure"), ("sparse", "structure"), ("uniqueItems", "structure"),
    ("unstable", "structure"), ("paginated", "structure"), ("http", "structure"), ("httpLabel", "structure"),
    ("httpQuery", "string"), ("httpQueryParams", "structure"), ("httpHeader", "string"), ("httpPrefixHeaders", "string"),
    ("httpPayload", "structure"), ("httpError", "integer"), ("httpResponseCode", "structure"), ("cors", "structure"),
    ("NonEmptyStringList", "list"), ("eventPayload", "structure"), ("eventHeader", "structure"), ("idRef", "structure"),
    ("timestampFormat", "enum"), ("endpoint", "structure"), ("hostLabel", "structure"), ("suppress", "list"),
    ("httpChecksumRequired", "structure"), ("input", "structure"), ("output", "structure"), ("unitType", "structure"),
    ("mixin", "structure"), ("LocalMixinTraitList", "list"), ("LocalMixinTrait", "string"),
    ("RequestCompressionEncodingsList", "list"), ("requestCompression", "structure"),
];

/// The list traits of the built-in packages (`model/packages.rs`, defined by
/// no file of a load): with the package on its class path the reference
/// writes an annotation of one as `[]`.
const PACKAGE_LIST_TRAITS: &[&str] = &[
    "aws.auth#cognitoUserPoolsScopes",
    "aws.iam#conditionKeys",
    "aws.iam#requiredActions",
    "aws.iam#serviceResolvedConditionKeys",
    "aws.iam#supportedPrincipalTypes",
    "smithy.test#eventStreamTests",
    "smithy.test#httpMalformedRequestTests",
    "smithy.test#httpRequestTests",
    "smithy.test#httpResponseTests",
    "smithy.test#smokeTests",
];

fn prelude_kind(name: &str) -> Option<&'static str> {
    PRELUDE.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

/// One shape definition somewhere in the load.
#[derive(Clone, Copy)]
enum Def<'a> {
    Idl { file: usize, shape: &'a ShapeDef },
    Json(&'a Map<String, Value>),
}

/// What one IDL file's names resolve against.
struct Scope<'a> {
    path: &'a Path,
    ns: &'a str,
    uses: HashMap<&'a str, &'a str>,
    version: Version,
}

struct Converter<'a> {
    defs: HashMap<String, Def<'a>>,
    namespaces: HashSet<&'a str>,
    scopes: Vec<Scope<'a>>,
    diags: Vec<Diagnostic>,
    /// Every shape's members with their targets, inherited ones included,
    /// each computed once (mixins first, in topological order).
    resolved: RefCell<HashMap<String, Rc<Members>>>,
    /// Shapes whose mixins lead back to themselves, or to such a shape: the
    /// model's resolution reports the cycle, so a member they cannot find
    /// is not reported again here.
    cyclic: RefCell<HashSet<String>>,
    /// Shapes whose statements did not parse (already reported).
    broken: HashSet<String>,
}

/// Convert every IDL file; `json` are the load's JSON AST documents, whose
/// shapes names may resolve to. Returns one document per IDL file, in order.
pub fn convert(idl: &[(PathBuf, File)], json: &[(PathBuf, Value)]) -> (Vec<(PathBuf, Value)>, Vec<Diagnostic>) {
    let mut c = Converter {
        defs: HashMap::new(),
        namespaces: HashSet::new(),
        scopes: Vec::new(),
        diags: Vec::new(),
        resolved: RefCell::new(HashMap::new()),
        cyclic: RefCell::new(HashSet::new()),
        broken: HashSet::new(),
    };
    for (_, doc) in json {
        if let Some(shapes) = doc.get("shapes").and_then(Value::as_object) {
            for (id, s) in shapes {
                if let (Some(obj), Some((ns, _))) = (s.as_object(), id.split_once('#')) {
                    if obj.get("type").and_then(Value::as_str) != Some("apply") {
                        c.defs.insert(id.clone(), Def::Json(obj));
                        c.namespaces.insert(ns);
                    }
                }
            }
        }
    }
    for (i, (path, file)) in idl.iter().enumerate() {
        let ns = file.namespace.as_deref().unwrap_or("");
        let mut uses = HashMap::new();
        for u in &file.uses {
            let name = u.text.split_once('#').map_or(u.text.as_str(), |(_, n)| n);
            if let Some(prev) = uses.insert(name, u.text.as_str()) {
                c.diags.push(at(path, u.pos, format!("`use {}` conflicts with `use {prev}`: both are named `{name}`", u.text)));
            }
        }
        c.scopes.push(Scope { path, ns, uses, version: file.version });
        c.broken.extend(file.broken.iter().map(|name| format!("{ns}#{name}")));
        if file.namespace.is_some() {
            c.namespaces.insert(ns);
        }
        for s in &file.statements {
            let Statement::Shape(shape) = s else { continue };
            c.define(i, path, ns, shape);
            if let Body::Operation { input, output, .. } = &shape.body {
                for io in [input, output].into_iter().flatten() {
                    if let IoRef::Inline(inline) = io {
                        c.define(i, path, ns, inline);
                    }
                }
            }
        }
    }
    // A `use` of a namespace the load defines must name a shape of it; other
    // namespaces come from packages (traits, protocol definitions).
    for (i, (_, file)) in idl.iter().enumerate() {
        for u in &file.uses {
            let ns = u.text.split_once('#').map_or("", |(ns, _)| ns);
            if c.namespaces.contains(ns) && !c.defs.contains_key(&u.text) && !c.broken.contains(&u.text) {
                let d = at(c.scope(i).path, u.pos, format!("`use {}`: namespace `{ns}` has no shape named so in this load", u.text));
                c.diags.push(d);
            }
            if let Some(name) = u.text.split_once('#').map(|(_, n)| n) {
                if file.namespace.as_deref().is_some_and(|own| c.defs.contains_key(&format!("{own}#{name}"))) {
                    if let Some(shape) = file.statements.iter().find_map(|s| match s {
                        Statement::Shape(sh) if sh.name == name => Some(sh),
                        _ => None,
                    }) {
                        let d = at(c.scope(i).path, shape.pos, format!("shape `{name}` conflicts with `use {}`", u.text));
                        c.diags.push(d);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for (i, (path, file)) in idl.iter().enumerate() {
        out.push((path.clone(), c.document(i, file)));
    }
    (out, c.diags)
}

fn at(path: &Path, pos: Pos, message: impl Into<String>) -> Diagnostic {
    Diagnostic::at(path, pos.line, pos.col, message)
}

impl<'a> Converter<'a> {
    fn scope(&self, file: usize) -> &Scope<'a> {
        &self.scopes[file]
    }

    fn define(&mut self, file: usize, path: &Path, ns: &str, shape: &'a ShapeDef) {
        let id = format!("{ns}#{}", shape.name);
        if let Some(prev) = self.defs.get(&id) {
            let where_ = match prev {
                Def::Idl { file: f, shape: s } => {
                    format!(" (first at {}:{}:{})", self.scopes.get(*f).map_or_else(|| path.display().to_string(), |s| s.path.display().to_string()), s.pos.line, s.pos.col)
                }
                Def::Json(_) => " (also in a JSON AST file)".into(),
            };
            self.diags.push(at(path, shape.pos, format!("shape `{id}` is defined twice{where_}")));
            return;
        }
        self.defs.insert(id, Def::Idl { file, shape });
    }

    /// A shape id as written in `file` → the absolute id, or `None` when it
    /// names nothing the load, its `use` statements or the prelude has.
    fn resolve(&self, file: usize, text: &str) -> Option<String> {
        if text.contains('#') {
            return Some(text.to_string());
        }
        let (base, member) = match text.split_once('$') {
            Some((b, m)) => (b, Some(m)),
            None => (text, None),
        };
        let scope = self.scope(file);
        let abs = if let Some(u) = scope.uses.get(base) {
            (*u).to_string()
        } else if self.defs.contains_key(&format!("{}#{base}", scope.ns)) || self.broken.contains(&format!("{}#{base}", scope.ns)) {
            format!("{}#{base}", scope.ns)
        } else if prelude_kind(base).is_some() {
            format!("smithy.api#{base}")
        } else {
            return None;
        };
        Some(match member {
            Some(m) => format!("{abs}${m}"),
            None => abs,
        })
    }

    /// Resolve a reference to a shape, reporting one that names nothing.
    fn target(&mut self, file: usize, r: &Ref, what: &str) -> String {
        match self.resolve(file, &r.text) {
            Some(id) => id,
            None => {
                let scope = self.scope(file);
                let d = at(
                    scope.path,
                    r.pos,
                    format!(
                        "{what} `{}` names no shape: none of that name in namespace `{}` (in any file of the load), no `use` of it, none in the prelude",
                        quote(&r.text), quote(scope.ns)
                    ),
                );
                let fallback = format!("{}#{}", scope.ns, r.text);
                self.diags.push(d);
                fallback
            }
        }
    }

    fn kind_of(&self, id: &str) -> Option<&str> {
        if let Some(name) = id.strip_prefix("smithy.api#") {
            if let Some(k) = prelude_kind(name) {
                return Some(k);
            }
        }
        match self.defs.get(id)? {
            Def::Idl { shape, .. } => Some(shape.kind.as_str()),
            Def::Json(obj) => obj.get("type").and_then(Value::as_str),
        }
    }

    fn node(&mut self, file: usize, n: &Node) -> Value {
        match &n.kind {
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Num(x) => Value::Number(x.clone()),
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Null => Value::Null,
            NodeKind::Ident(id) => match self.resolve(file, id) {
                Some(abs) => Value::String(abs),
                None => {
                    let scope = self.scope(file);
                    let d = at(
                        scope.path,
                        n.pos,
                        format!(
                            "`{}` is an unquoted shape id that names no shape (namespace `{}`, `use` statements, prelude); quote it if it is a string",
                            quote(id),
                            quote(scope.ns)
                        ),
                    );
                    self.diags.push(d);
                    Value::String(id.clone())
                }
            },
            NodeKind::Array(items) => Value::Array(items.iter().map(|i| self.node(file, i)).collect()),
            NodeKind::Object(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    let v = self.node(file, v);
                    m.insert(k.clone(), v);
                }
                Value::Object(m)
            }
        }
    }

    fn traits(&mut self, file: usize, apps: &[TraitApp], out: &mut Map<String, Value>) {
        for t in apps {
            let id = self.target(file, &t.name, "trait");
            let value = match &t.value {
                TraitValue::Doc(d) => Value::String(d.clone()),
                TraitValue::Value(n) => self.node(file, n),
                // As the reference coerces an annotation: `[]` for a list
                // trait, `{}` for any other, and for a trait it has no
                // definition of.
                TraitValue::Annotation => match self.kind_of(&id) {
                    Some("list" | "set") => json!([]),
                    None if PACKAGE_LIST_TRAITS.contains(&id.as_str()) => json!([]),
                    _ => json!({}),
                },
            };
            if let Err(msg) = add_trait(out, &id, value) {
                let d = at(self.scope(file).path, t.name.pos, msg);
                self.diags.push(d);
            }
        }
    }

    fn document(&mut self, file: usize, f: &File) -> Value {
        let mut doc = Map::new();
        doc.insert("smithy".into(), json!("2.0"));
        if !f.metadata.is_empty() {
            let mut meta = Map::new();
            for (k, v) in &f.metadata {
                let v = self.node(file, v);
                match meta.get_mut(k) {
                    // The reference merges lists given twice.
                    Some(Value::Array(prev)) if v.is_array() => prev.extend(v.as_array().cloned().unwrap_or_default()),
                    Some(prev) if *prev == v => {}
                    Some(_) => {
                        let d = at(self.scope(file).path, v_pos(&f.metadata, k), format!("metadata `{}` is set twice", quote(k)));
                        self.diags.push(d);
                    }
                    None => {
                        meta.insert(k.clone(), v);
                    }
                }
            }
            doc.insert("metadata".into(), Value::Object(meta));
        }
        let mut shapes = Map::new();
        for s in &f.statements {
            if let Statement::Shape(shape) = s {
                self.shape(file, shape, &mut shapes);
            }
        }
        for s in &f.statements {
            if let Statement::Apply(a) = s {
                let target = self.target(file, &a.target, "`apply` target");
                let mut traits = Map::new();
                self.traits(file, &a.traits, &mut traits);
                if let Err(msg) = apply_into(&mut shapes, &target, traits) {
                    let d = at(self.scope(file).path, a.target.pos, msg);
                    self.diags.push(d);
                }
            }
        }
        doc.insert("shapes".into(), Value::Object(shapes));
        Value::Object(doc)
    }

    fn shape(&mut self, file: usize, shape: &ShapeDef, shapes: &mut Map<String, Value>) {
        let scope = self.scope(file);
        let (ns, path, version) = (scope.ns.to_string(), scope.path.to_path_buf(), scope.version);
        let id = format!("{ns}#{}", shape.name);
        let mut obj = Map::new();
        obj.insert("type".into(), json!(shape.kind));
        if !shape.mixins.is_empty() {
            let mixins: Vec<Value> =
                shape.mixins.iter().map(|m| json!({"target": self.target(file, m, "mixin")})).collect();
            obj.insert("mixins".into(), Value::Array(mixins));
        }
        match &shape.body {
            Body::None => {}
            Body::Members(members) => self.members(file, shape, members, &mut obj),
            Body::Properties(node) => self.properties(file, shape, node, &mut obj),
            Body::Operation { input, output, errors } => {
                for (key, io) in [("input", input), ("output", output)] {
                    let target = match io {
                        // As the reference writes it: no input is `Unit`.
                        None => "smithy.api#Unit".to_string(),
                        Some(IoRef::Target(r)) => self.target(file, r, key),
                        Some(IoRef::Inline(inline)) => {
                            self.shape(file, inline, shapes);
                            format!("{ns}#{}", inline.name)
                        }
                    };
                    obj.insert(key.into(), json!({ "target": target }));
                }
                if let Some(errors) = errors {
                    let ids: Vec<String> = errors.iter().map(|e| self.target(file, e, "error")).collect();
                    obj.insert("errors".into(), target_set(ids));
                }
            }
        }
        let mut traits = Map::new();
        self.traits(file, &shape.traits, &mut traits);
        self.mixin_conflicts(file, shape);
        if let Some(r) = &shape.for_resource {
            let rid = self.target(file, r, "`for` resource");
            match self.kind_of(&rid) {
                Some("resource") | None => {}
                Some(other) => {
                    let d = format!("`{} for {}`: `for` names a resource, and `{}` is a {other}", shape.name, r.text, r.text);
                    self.diags.push(at(&path, r.pos, d));
                }
            }
        }
        let is_mixin = traits.contains_key("smithy.api#mixin");
        if is_mixin && version == Version::V1 {
            self.diags.push(at(&path, shape.pos, format!("`@mixin` on `{}` needs `$version: \"2.0\"`: mixins came with Smithy 2.0", shape.name)));
        }
        if is_mixin && shape.kind == "operation" && ["input", "output"].iter().any(|k| obj.get(*k).and_then(|v| v.get("target")) != Some(&json!("smithy.api#Unit"))) {
            self.diags.push(at(&path, shape.pos, format!("operation mixin `{}` cannot have an input or output (they must be `smithy.api#Unit`)", shape.name)));
        }
        if is_mixin && shape.kind == "resource" && obj.keys().any(|k| k != "type" && k != "mixins") {
            let d = format!("resource mixin `{}` cannot bind anything (identifiers, properties, operations, resources)", shape.name);
            self.diags.push(at(&path, shape.pos, d));
        }
        if shape.kind == "resource" && obj.contains_key("properties") && version == Version::V1 {
            self.diags.push(at(&path, shape.pos, format!("resource `{}`: properties need `$version: \"2.0\"`", shape.name)));
        }
        if version == Version::V1 && is_unboxed_kind(&shape.kind) && !traits.contains_key("smithy.api#box") {
            // IDL 1.0: a number or boolean shape without `@box` has a zero
            // default (the reference's upgrade to 2.0).
            traits.entry("smithy.api#default").or_insert_with(|| zero_of(&shape.kind));
        }
        if !traits.is_empty() {
            obj.insert("traits".into(), Value::Object(traits));
        }
        // A second definition was reported once, where the load's shapes
        // were collected.
        if !shapes.contains_key(&id) {
            shapes.insert(id, Value::Object(obj));
        }
    }

    fn members(&mut self, file: usize, shape: &ShapeDef, members: &[MemberDef], obj: &mut Map<String, Value>) {
        let path = self.scope(file).path.to_path_buf();
        let version = self.scope(file).version;
        let mut out = Map::new();
        for m in members {
            let target = match (&m.target, shape.kind.as_str()) {
                (_, "enum" | "intEnum") => "smithy.api#Unit".to_string(),
                (Some(r), _) => self.target(file, r, "member target"),
                (None, _) => match self.elided(file, shape, &m.name) {
                    Some(t) => t,
                    // The model's resolution reports the mixin cycle.
                    None if self.in_cycle(file, shape) => continue,
                    None => {
                        self.diags.push(at(
                            &path,
                            m.pos,
                            format!(
                                "member `${}` of `{}` elides its target, but neither its `for` resource (identifiers, properties) nor its mixins have a member `{}`",
                                m.name, shape.name, m.name
                            ),
                        ));
                        continue;
                    }
                },
            };
            let mut traits = Map::new();
            self.traits(file, &m.traits, &mut traits);
            match (&m.value, shape.kind.as_str()) {
                (Some(v), "enum" | "intEnum") => {
                    let v = self.node(file, v);
                    insert_or_report(&mut traits, "smithy.api#enumValue", v, &path, m.pos, &mut self.diags);
                }
                (None, "enum") if !traits.contains_key("smithy.api#enumValue") && self.elided(file, shape, &m.name).is_none() => {
                    traits.insert("smithy.api#enumValue".into(), json!(m.name));
                }
                (Some(v), _) => {
                    let v = self.node(file, v);
                    insert_or_report(&mut traits, "smithy.api#default", v, &path, m.pos, &mut self.diags);
                }
                (None, _) => {}
            }
            // IDL 1.0 structure members, upgraded as the reference does.
            if version == Version::V1 && shape.kind == "structure" {
                if traits.contains_key("smithy.api#box") {
                    traits.entry("smithy.api#default").or_insert(Value::Null);
                } else if let Some(zero) = self.v1_member_default(&target, traits.contains_key("smithy.api#required")) {
                    traits.entry("smithy.api#default").or_insert(zero);
                }
            }
            let mut member = Map::new();
            member.insert("target".into(), json!(target));
            if !traits.is_empty() {
                member.insert("traits".into(), Value::Object(traits));
            }
            out.insert(m.name.clone(), Value::Object(member));
        }
        match shape.kind.as_str() {
            "list" | "set" | "map" => {
                let allowed: &[&str] = if shape.kind == "map" { &["key", "value"] } else { &["member"] };
                let missing: Vec<&str> = allowed
                    .iter()
                    .filter(|n| !members.iter().any(|m| m.name == **n) && self.elided(file, shape, n).is_none())
                    .copied()
                    .collect();
                if !missing.is_empty() {
                    let how = if shape.kind == "map" { "`key: String` and `value: Target`" } else { "`member: Target`" };
                    let d = format!("{} `{}` needs its {} ({how})", shape.kind, shape.name, missing.join(" and "));
                    self.diags.push(at(&path, shape.pos, d));
                }
                for m in members {
                    if !allowed.contains(&m.name.as_str()) {
                        self.diags.push(at(
                            &path,
                            m.pos,
                            format!("{} `{}` cannot have a member `{}`: its members are {}", shape.kind, shape.name, m.name, allowed.join(" and ")),
                        ));
                    }
                }
                for (name, v) in out {
                    obj.insert(name, v);
                }
                // A member only inherited from a mixin is written out with
                // its target (the JSON AST's list and map carry theirs).
                for name in allowed {
                    if !obj.contains_key(*name) {
                        if let Some(t) = self.elided(file, shape, name) {
                            obj.insert((*name).to_string(), json!({ "target": t }));
                        }
                    }
                }
            }
            _ => {
                obj.insert("members".into(), Value::Object(out));
            }
        }
    }

    /// IDL 1.0: a member targeting a number or boolean shape without `@box`
    /// gets that shape's zero as its default.
    fn v1_member_default(&self, target: &str, required: bool) -> Option<Value> {
        if let Some(name) = target.strip_prefix("smithy.api#") {
            let k = prelude_kind(name)?;
            return (name.starts_with("Primitive") && is_unboxed_kind(k)).then(|| zero_of(k));
        }
        match self.defs.get(target)? {
            Def::Idl { file, shape } => {
                // Trait names as resolved: a model's own `box` is not the
                // prelude's.
                let has = |shape: &ShapeDef, t: &str| {
                    shape.traits.iter().any(|a| self.resolve(*file, &a.name.text).is_some_and(|id| id.strip_prefix("smithy.api#") == Some(t)))
                };
                // A streaming blob implies a default in 2.0.
                if shape.kind == "blob" && has(shape, "streaming") && !required {
                    return Some(json!(""));
                }
                let v1 = self.scopes.get(*file).is_some_and(|s| s.version == Version::V1);
                // A 2.0 shape is boxed unless its default is its zero.
                let zero_default = shape.traits.iter().any(|a| {
                    self.resolve(*file, &a.name.text).as_deref() == Some("smithy.api#default")
                        && matches!(&a.value, TraitValue::Value(n) if matches!(&n.kind, NodeKind::Bool(false)) || matches!(&n.kind, NodeKind::Num(x) if x.as_f64() == Some(0.0)))
                });
                let boxed = has(shape, "box") || (!v1 && !zero_default);
                (is_unboxed_kind(&shape.kind) && !boxed).then(|| zero_of(&shape.kind))
            }
            Def::Json(obj) => {
                let traits = obj.get("traits").and_then(Value::as_object);
                let kind = obj.get("type").and_then(Value::as_str).unwrap_or("");
                let default = traits.and_then(|t| t.get("smithy.api#default"));
                let zero = default.is_some_and(|d| *d == json!(false) || d.as_f64() == Some(0.0));
                (is_unboxed_kind(kind) && zero && !traits.is_some_and(|t| t.contains_key("smithy.api#box"))).then(|| zero_of(kind))
            }
        }
    }

    /// The mixins of shape `id`, as absolute ids.
    fn mixin_ids(&self, id: &str) -> Vec<String> {
        match self.defs.get(id) {
            None => Vec::new(),
            Some(Def::Idl { file, shape }) => shape.mixins.iter().filter_map(|m| self.resolve(*file, &m.text)).collect(),
            Some(Def::Json(obj)) => obj
                .get("mixins")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|m| Some(m.get("target")?.as_str()?.to_string())).collect())
                .unwrap_or_default(),
        }
    }

    /// Every member of shape `id` with its target, its mixins' first.
    /// Computed once per shape: the mixins it depends on are resolved
    /// first, depth first without recursion (a chain of thousands of mixins
    /// needs no deep stack); a mixin that leads back to a shape being
    /// resolved (a cycle) counts as having no members, and the shapes
    /// concerned are remembered in `cyclic`.
    fn members_of(&self, id: &str) -> Rc<Members> {
        if let Some(done) = self.resolved.borrow().get(id) {
            return Rc::clone(done);
        }
        // (shape, whether its mixins are already pushed)
        let mut stack: Vec<(String, bool)> = vec![(id.to_string(), false)];
        let mut open: HashSet<String> = HashSet::new();
        while let Some((cur, expanded)) = stack.pop() {
            if self.resolved.borrow().contains_key(&cur) {
                continue;
            }
            let mixins = self.mixin_ids(&cur);
            if !expanded {
                open.insert(cur.clone());
                stack.push((cur.clone(), true));
                for m in mixins.iter().rev() {
                    if open.contains(m) {
                        // Every shape whose expansion is under way is an
                        // ancestor of this one: `m` closes a cycle.
                        self.cyclic.borrow_mut().insert(cur.clone());
                    } else if !self.resolved.borrow().contains_key(m) {
                        stack.push((m.clone(), false));
                    }
                }
                continue;
            }
            let members = self.compute_members(&cur, &mixins);
            if mixins.iter().any(|m| self.cyclic.borrow().contains(m)) {
                self.cyclic.borrow_mut().insert(cur.clone());
            }
            open.remove(&cur);
            self.resolved.borrow_mut().insert(cur, Rc::new(members));
        }
        self.resolved.borrow().get(id).cloned().unwrap_or_default()
    }

    /// Whether a mixin of `shape` is part of (or leads to) a mixin cycle.
    fn in_cycle(&self, file: usize, shape: &ShapeDef) -> bool {
        shape.mixins.iter().filter_map(|m| self.resolve(file, &m.text)).any(|mid| {
            self.members_of(&mid);
            self.cyclic.borrow().contains(&mid)
        })
    }

    /// The members of `id` once its mixins' are resolved (a mixin not
    /// resolved is one of a cycle: it gives nothing).
    fn compute_members(&self, id: &str, mixins: &[String]) -> Members {
        let mut out = Members::default();
        let done = |m: &str| self.resolved.borrow().get(m).cloned();
        for m in mixins {
            if let Some(from) = done(m) {
                for (n, t) in &from.list {
                    out.add_inherited(n, t.clone());
                }
            }
        }
        let own: Vec<NamedTarget> = match self.defs.get(id) {
            None => Vec::new(),
            Some(Def::Idl { file, shape }) => match &shape.body {
                Body::Members(ms) => ms
                    .iter()
                    .map(|m| {
                        let t = match &m.target {
                            Some(r) => self.resolve(*file, &r.text),
                            None => self.elided_in(*file, shape, &m.name, &done),
                        };
                        (m.name.clone(), t)
                    })
                    .collect(),
                _ => Vec::new(),
            },
            Some(Def::Json(obj)) => obj
                .get("members")
                .and_then(Value::as_object)
                .map(|ms| ms.iter().map(|(n, m)| (n.clone(), m.get("target").and_then(Value::as_str).map(str::to_string))).collect())
                .unwrap_or_else(|| {
                    ["member", "key", "value"]
                        .iter()
                        .filter_map(|k| Some((k.to_string(), Some(obj.get(*k)?.get("target")?.as_str()?.to_string()))))
                        .collect()
                }),
        };
        for (n, t) in own {
            out.add_own(n, t);
        }
        out
    }

    /// Members a shape's mixins (and its own definition) give one name with
    /// different targets: the reference refuses them.
    fn mixin_conflicts(&mut self, file: usize, shape: &ShapeDef) {
        if shape.mixins.is_empty() || matches!(shape.kind.as_str(), "enum" | "intEnum") {
            return;
        }
        let mut seen: HashMap<String, (String, String)> = HashMap::new();
        let mut sources: Vec<(String, Vec<NamedTarget>)> = Vec::new();
        for m in &shape.mixins {
            if let Some(mid) = self.resolve(file, &m.text) {
                let ms = self.members_of(&mid).list.clone();
                sources.push((mid, ms));
            }
        }
        if let Body::Members(ms) = &shape.body {
            let own = ms.iter().filter_map(|m| Some((m.name.clone(), Some(self.resolve(file, &m.target.as_ref()?.text)?)))).collect();
            sources.push((shape.name.clone(), own));
        }
        for (from, members) in sources {
            for (name, target) in members {
                let Some(target) = target else { continue };
                if let Some((prev_from, prev_target)) = seen.get(&name) {
                    if *prev_target != target {
                        let d = at(
                            self.scope(file).path,
                            shape.pos,
                            format!(
                                "member `{name}` of `{}` conflicts with an inherited mixin member: `{prev_from}${name}` targets `{prev_target}`, `{from}${name}` targets `{target}`",
                                shape.name
                            ),
                        );
                        self.diags.push(d);
                    }
                } else {
                    seen.insert(name, (from.clone(), target));
                }
            }
        }
    }

    /// The target of an elided member `name` of `shape`: the `for`
    /// resource's identifier or property of that name, else its mixins'
    /// member (a `for` that names no resource is reported where the shape
    /// is converted; the mixins are still searched).
    fn elided(&self, file: usize, shape: &ShapeDef, name: &str) -> Option<String> {
        self.elided_in(file, shape, name, &|m: &str| Some(self.members_of(m)))
    }

    /// [`Self::elided`] with the mixins' members from `members`.
    fn elided_in(&self, file: usize, shape: &ShapeDef, name: &str, members: &dyn Fn(&str) -> Option<Rc<Members>>) -> Option<String> {
        if let Some(r) = &shape.for_resource {
            let rid = self.resolve(file, &r.text).filter(|id| self.kind_of(id) == Some("resource"));
            if let Some(t) = rid.and_then(|rid| self.resource_member(&rid, name)) {
                return Some(t);
            }
        }
        shape.mixins.iter().find_map(|m| {
            let mid = self.resolve(file, &m.text)?;
            members(&mid)?.get(name)
        })
    }

    /// A resource's identifier or property `name`: its target.
    fn resource_member(&self, id: &str, name: &str) -> Option<String> {
        match self.defs.get(id)? {
            Def::Idl { file, shape } => {
                let Body::Properties(Node { kind: NodeKind::Object(entries), .. }) = &shape.body else { return None };
                for key in ["identifiers", "properties"] {
                    let found = entries.iter().find(|(k, _)| k == key).and_then(|(_, v)| match &v.kind {
                        NodeKind::Object(es) => es.iter().find(|(k, _)| k == name).map(|(_, v)| v),
                        _ => None,
                    });
                    if let Some(NodeKind::Ident(t) | NodeKind::Str(t)) = found.map(|n| &n.kind) {
                        return self.resolve(*file, t);
                    }
                }
                None
            }
            Def::Json(obj) => ["identifiers", "properties"].iter().find_map(|key| {
                obj.get(*key)?.get(name)?.get("target")?.as_str().map(str::to_string)
            }),
        }
    }

    /// A service's or resource's properties into the JSON AST.
    fn properties(&mut self, file: usize, shape: &ShapeDef, node: &Node, obj: &mut Map<String, Value>) {
        let path = self.scope(file).path.to_path_buf();
        let NodeKind::Object(entries) = &node.kind else {
            self.diags.push(at(&path, node.pos, format!("the body of {} `{}` must be an object", shape.kind, shape.name)));
            return;
        };
        let service = shape.kind == "service";
        for (key, value) in entries {
            let kind = match (service, key.as_str()) {
                (true, "version") => Prop::Str,
                (true, "rename") => Prop::Rename,
                (true, "operations" | "resources" | "errors") | (false, "operations" | "collectionOperations" | "resources") => Prop::List,
                (false, "create" | "put" | "read" | "update" | "delete" | "list") => Prop::One,
                (false, "identifiers" | "properties") => Prop::Map,
                _ => {
                    let known = if service {
                        "version, operations, resources, errors, rename"
                    } else {
                        "identifiers, properties, create, put, read, update, delete, list, operations, collectionOperations, resources"
                    };
                    self.diags.push(at(&path, value.pos, format!("unknown property `{}` of {} `{}`: expected one of {known}", quote(key), shape.kind, shape.name)));
                    continue;
                }
            };
            let v = match (kind, &value.kind) {
                (Prop::Str, NodeKind::Str(s)) => json!(s),
                (Prop::One, NodeKind::Str(s) | NodeKind::Ident(s)) => {
                    json!({"target": self.target(file, &Ref { text: s.clone(), pos: value.pos }, key)})
                }
                (Prop::List, NodeKind::Array(items)) => {
                    let mut ids = Vec::new();
                    for item in items {
                        match &item.kind {
                            NodeKind::Str(s) | NodeKind::Ident(s) => {
                                ids.push(self.target(file, &Ref { text: s.clone(), pos: item.pos }, key));
                            }
                            _ => self.diags.push(at(&path, item.pos, format!("`{key}` must list shape ids"))),
                        }
                    }
                    target_set(ids)
                }
                (Prop::Map, NodeKind::Object(es)) => {
                    let mut m = Map::new();
                    for (name, t) in es {
                        match &t.kind {
                            NodeKind::Str(s) | NodeKind::Ident(s) => {
                                let target = self.target(file, &Ref { text: s.clone(), pos: t.pos }, key);
                                m.insert(name.clone(), json!({ "target": target }));
                            }
                            _ => self.diags.push(at(&path, t.pos, format!("`{key}` must map names to shape ids"))),
                        }
                    }
                    Value::Object(m)
                }
                (Prop::Rename, NodeKind::Object(es)) => {
                    let mut m = Map::new();
                    for (from, to) in es {
                        match &to.kind {
                            NodeKind::Str(s) => {
                                m.insert(from.clone(), json!(s));
                            }
                            _ => self.diags.push(at(&path, to.pos, "`rename` must map absolute shape ids to strings")),
                        }
                    }
                    Value::Object(m)
                }
                _ => {
                    let want = match kind {
                        Prop::Str => "a string",
                        Prop::One => "a shape id",
                        Prop::List => "a list of shape ids",
                        Prop::Map => "an object of name → shape id",
                        Prop::Rename => "an object of shape id → name",
                    };
                    self.diags.push(at(&path, value.pos, format!("`{key}` of {} `{}` must be {want}", shape.kind, shape.name)));
                    continue;
                }
            };
            obj.insert(key.clone(), v);
        }
    }
}

/// A member name and its target (`None`: elided and not found).
type NamedTarget = (String, Option<String>);

/// A shape's members in order, found by name in constant time.
#[derive(Default)]
struct Members {
    list: Vec<NamedTarget>,
    index: HashMap<String, usize>,
}

impl Members {
    /// The target of member `name`, when it has one.
    fn get(&self, name: &str) -> Option<String> {
        self.list.get(*self.index.get(name)?).and_then(|(_, t)| t.clone())
    }

    /// A mixin's member: the first mixin to give a name keeps it.
    fn add_inherited(&mut self, name: &str, target: Option<String>) {
        if !self.index.contains_key(name) {
            self.index.insert(name.to_string(), self.list.len());
            self.list.push((name.to_string(), target));
        }
    }

    /// The shape's own member: its target wins over an inherited one.
    fn add_own(&mut self, name: String, target: Option<String>) {
        match self.index.get(&name).and_then(|i| self.list.get_mut(*i)) {
            Some(slot) => slot.1 = target.or(slot.1.take()),
            None => {
                self.index.insert(name.clone(), self.list.len());
                self.list.push((name, target));
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Prop {
    Str,
    One,
    List,
    Map,
    Rename,
}

/// Bindings and errors are sets in the reference's model, which writes them
/// each once, in shape id order (ignoring case first, as its `ShapeId`
/// compares).
fn target_set(mut ids: Vec<String>) -> Value {
    ids.sort_by(|a, b| a.to_lowercase().cmp(&b.to_lowercase()).then_with(|| a.cmp(b)));
    ids.dedup();
    Value::Array(ids.into_iter().map(|t| json!({ "target": t })).collect())
}

fn v_pos(meta: &[(String, Node)], key: &str) -> Pos {
    meta.iter().rev().find(|(k, _)| k == key).map_or_else(Pos::default, |(_, n)| n.pos)
}

fn is_unboxed_kind(kind: &str) -> bool {
    matches!(kind, "byte" | "short" | "integer" | "long" | "float" | "double" | "boolean")
}

fn zero_of(kind: &str) -> Value {
    if kind == "boolean" {
        json!(false)
    } else {
        json!(0)
    }
}

fn insert_or_report(traits: &mut Map<String, Value>, id: &str, v: Value, path: &Path, pos: Pos, diags: &mut Vec<Diagnostic>) {
    if let Err(msg) = add_trait(traits, id, v) {
        diags.push(at(path, pos, msg));
    }
}

/// Add a trait; the same trait twice must agree (lists are joined).
fn add_trait(traits: &mut Map<String, Value>, id: &str, value: Value) -> Result<(), String> {
    match traits.get_mut(id) {
        None => {
            traits.insert(id.to_string(), value);
            Ok(())
        }
        Some(prev) if *prev == value => Ok(()),
        Some(Value::Array(prev)) if value.is_array() => {
            prev.extend(value.as_array().cloned().unwrap_or_default());
            Ok(())
        }
        Some(_) => Err(format!("trait `{id}` is applied twice with different values")),
    }
}

/// An `apply` of `traits` to `target`: into the shape (or member) when this
/// document defines it, else as an `"apply"` entry.
fn apply_into(shapes: &mut Map<String, Value>, target: &str, traits: Map<String, Value>) -> Result<(), String> {
    let (shape_id, member) = match target.split_once('$') {
        Some((s, m)) => (s, Some(m)),
        None => (target, None),
    };
    let local = shapes.get_mut(shape_id).and_then(Value::as_object_mut).and_then(|obj| match member {
        None => Some(obj),
        Some(m) => {
            if obj.get("members").and_then(|ms| ms.get(m)).is_some() {
                obj.get_mut("members").and_then(|ms| ms.get_mut(m)).and_then(Value::as_object_mut)
            } else {
                obj.get_mut(m).and_then(Value::as_object_mut).filter(|_| matches!(m, "member" | "key" | "value"))
            }
        }
    });
    let entry = match local {
        Some(obj) => obj,
        None => shapes
            .entry(target.to_string())
            .or_insert_with(|| json!({"type": "apply", "traits": {}}))
            .as_object_mut()
            .ok_or_else(|| "`apply` target is not a shape".to_string())?,
    };
    let existing = entry.entry("traits").or_insert_with(|| json!({}));
    let Some(existing) = existing.as_object_mut() else { return Err("`traits` is not an object".into()) };
    for (id, v) in traits {
        add_trait(existing, &id, v)?;
    }
    Ok(())
}

#[cfg(test)]
mod prelude_tests {
    use super::{prelude_kind, PRELUDE};

    /// The shapes the model's prelude defines (`model/prelude.rs`) are named
    /// here with the same type: names resolve to what the model has. (The
    /// table also holds the prelude's traits and their helper shapes, which
    /// `prelude.rs` leaves out; all 127 agree with the reference's
    /// `prelude.smithy`.)
    #[test]
    fn the_idl_prelude_table_agrees_with_the_models_prelude() {
        let shapes = crate::model::prelude::shapes();
        assert!(shapes.len() > 20);
        for s in shapes {
            let name = s.id.strip_prefix("smithy.api#").unwrap_or(&s.id);
            assert_eq!(prelude_kind(name), Some(s.kind.ast_name()), "{}", s.id);
        }
        let mut names: Vec<&str> = PRELUDE.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PRELUDE.len(), "a name twice in PRELUDE");
    }
}
