//! Stage 1: JSON AST text (or a Smithy IDL file's document, `idl`) → raw shapes. Checks the document structure (types
//! of fields, shape ids, shape types) but not references or trait values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::shape_id::is_shape_id;
use super::{Operation, Resource, Service, ShapeKind};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Trait values before they are checked: trait id → JSON value.
pub type RawTraits = Map<String, Value>;

#[derive(Debug, Clone)]
pub struct RawMember {
    pub name: String,
    pub target: String,
    pub traits: RawTraits,
}

#[derive(Debug, Clone)]
pub struct RawShape {
    pub id: String,
    pub kind: ShapeKind,
    pub members: Vec<RawMember>,
    pub traits: RawTraits,
    pub mixins: Vec<String>,
    pub file: Option<PathBuf>,
}

/// An `apply` statement: traits to add to a shape or member defined elsewhere.
#[derive(Debug, Clone)]
pub struct Apply {
    /// `ns#Shape` or `ns#Shape$member`.
    pub target: String,
    pub traits: RawTraits,
    pub file: PathBuf,
}

#[derive(Debug, Default)]
pub struct RawModel {
    pub shapes: BTreeMap<String, RawShape>,
    pub applies: Vec<Apply>,
}

/// Every file as a JSON AST document: JSON files parsed, Smithy IDL files
/// (`.smithy`) converted (their names resolved across all the files).
pub fn documents(sources: &[(PathBuf, String)], diags: &mut Diagnostics) -> Vec<(PathBuf, Value)> {
    let mut json = Vec::new();
    let mut idl = Vec::new();
    // Where each source's document comes from, to keep the sources' order.
    let mut order = Vec::with_capacity(sources.len());
    for (path, text) in sources {
        if super::idl::is_idl(path) {
            order.push((true, idl.len()));
            idl.push((path.clone(), text.as_str()));
        } else {
            match parse_json(path, text) {
                Ok(doc) => {
                    order.push((false, json.len()));
                    json.push((path.clone(), doc));
                }
                Err(d) => diags.push(d),
            }
        }
    }
    let (idl_docs, idl_diags) = super::idl::to_documents(&idl, &json);
    for d in idl_diags {
        diags.push(d);
    }
    let mut idl_docs: Vec<Option<(PathBuf, Value)>> = idl_docs.into_iter().map(Some).collect();
    let mut json: Vec<Option<(PathBuf, Value)>> = json.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(is_idl, i)| if is_idl { idl_docs.get_mut(i)?.take() } else { json.get_mut(i)?.take() })
        .collect()
}

/// Parse every file; report every structural problem found.
pub fn parse_files(sources: &[(PathBuf, String)]) -> Result<RawModel, Diagnostics> {
    let mut model = RawModel::default();
    let mut diags = Diagnostics::default();
    for (path, doc) in documents(sources, &mut diags) {
        parse_document(&path, &doc, &mut model, &mut diags);
    }
    diags.into_result(model)
}

/// JSON AST text → its document.
fn parse_json(path: &Path, text: &str) -> Result<Value, Diagnostic> {
    serde_json::from_str(text).map_err(|e| {
        let start = text.trim_start();
        let hint = if ["$version", "namespace", "metadata", "$operation"].iter().any(|w| start.starts_with(w)) {
            " (it reads like Smithy IDL: name it `.smithy`)"
        } else {
            ""
        };
        Diagnostic::file(path, format!("not valid JSON: {e}{hint}"))
    })
}

/// A JSON AST document → raw shapes and `apply` statements.
fn parse_document(path: &Path, doc: &Value, model: &mut RawModel, diags: &mut Diagnostics) {
    let Some(doc) = doc.as_object() else {
        diags.push(Diagnostic::file(path, "a Smithy JSON AST file must be a JSON object"));
        return;
    };
    match doc.get("smithy") {
        Some(Value::String(v)) if v == "2.0" || v == "2" => {}
        Some(Value::String(v)) => {
            diags.push(Diagnostic::file(
                path,
                format!("unsupported Smithy IDL version \"{v}\": this generator reads Smithy 2.0 JSON AST (\"smithy\": \"2.0\")"),
            ));
            return;
        }
        _ => {
            diags.push(Diagnostic::file(
                path,
                "missing or non-string \"smithy\" version: expected \"smithy\": \"2.0\"",
            ));
            return;
        }
    }
    let shapes = match doc.get("shapes") {
        None => return,
        Some(Value::Object(shapes)) => shapes,
        Some(_) => {
            diags.push(Diagnostic::file(path, "\"shapes\" must be an object of shape id → shape"));
            return;
        }
    };
    for (id, value) in shapes {
        let ctx = Ctx { path, id };
        let is_apply = value.get("type").and_then(Value::as_str) == Some("apply");
        let valid_id = match id.split_once('$') {
            Some((shape, member)) if is_apply => is_shape_id(shape) && super::shape_id::is_identifier(member),
            _ => is_shape_id(id),
        };
        if !valid_id {
            diags.push(ctx.err(
                "not a valid absolute shape id: expected `namespace#Name`, e.g. `com.example#Widget`",
            ));
            continue;
        }
        let Some(obj) = value.as_object() else {
            diags.push(ctx.err("a shape must be a JSON object with a \"type\""));
            continue;
        };
        let Some(ty) = obj.get("type").and_then(Value::as_str) else {
            diags.push(ctx.err("missing or non-string \"type\""));
            continue;
        };
        if ty == "apply" {
            if let Some(traits) = ctx.traits(obj.get("traits"), diags) {
                model.applies.push(Apply { target: id.clone(), traits, file: path.to_path_buf() });
            }
            continue;
        }
        match parse_shape(&ctx, ty, obj, diags) {
            Some(shape) => {
                if let Some(prev) = model.shapes.get(id) {
                    let where_ = prev
                        .file
                        .as_ref()
                        .map_or_else(String::new, |f| format!(" (first defined in {})", f.display()));
                    diags.push(ctx.err(format!("shape is defined twice{where_}")));
                } else {
                    model.shapes.insert(id.clone(), shape);
                }
            }
            None => continue,
        }
    }
}

struct Ctx<'a> {
    path: &'a Path,
    id: &'a str,
}

impl Ctx<'_> {
    fn err(&self, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::shape(Some(self.path.to_path_buf()), self.id, msg)
    }

    fn member_err(&self, member: &str, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::shape(Some(self.path.to_path_buf()), format!("{}${member}", self.id), msg)
    }

    fn traits(&self, v: Option<&Value>, diags: &mut Diagnostics) -> Option<RawTraits> {
        match v {
            None => Some(RawTraits::new()),
            Some(Value::Object(m)) => Some(m.clone()),
            Some(_) => {
                diags.push(self.err("\"traits\" must be an object of trait id → value"));
                None
            }
        }
    }

    /// `{"target": "ns#X"}` → `ns#X`.
    fn target(&self, field: &str, v: &Value, diags: &mut Diagnostics) -> Option<String> {
        match v.get("target").and_then(Value::as_str) {
            Some(t) if is_shape_id(t) => Some(t.to_string()),
            Some(t) => {
                diags.push(self.err(format!("\"{field}\" targets `{t}`, which is not a valid shape id")));
                None
            }
            None => {
                diags.push(self.err(format!("\"{field}\" must be an object {{\"target\": \"ns#Shape\"}}")));
                None
            }
        }
    }

    fn target_list(&self, field: &str, v: Option<&Value>, diags: &mut Diagnostics) -> Vec<String> {
        match v {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                items.iter().filter_map(|i| self.target(field, i, diags)).collect()
            }
            Some(_) => {
                diags.push(self.err(format!("\"{field}\" must be an array of {{\"target\": ...}}")));
                Vec::new()
            }
        }
    }

    fn optional_target(&self, field: &str, obj: &Map<String, Value>, diags: &mut Diagnostics) -> Option<String> {
        obj.get(field).and_then(|v| self.target(field, v, diags))
    }

    fn member(&self, name: &str, v: &Value, diags: &mut Diagnostics) -> Option<RawMember> {
        if !super::shape_id::is_identifier(name) {
            diags.push(self.member_err(name, "member name is not a valid Smithy identifier"));
            return None;
        }
        let Some(obj) = v.as_object() else {
            diags.push(self.member_err(name, "a member must be an object with a \"target\""));
            return None;
        };
        let target = match obj.get("target").and_then(Value::as_str) {
            Some(t) if is_shape_id(t) => t.to_string(),
            Some(t) => {
                diags.push(self.member_err(name, format!("target `{t}` is not a valid shape id")));
                return None;
            }
            None => {
                diags.push(self.member_err(name, "missing or non-string \"target\""));
                return None;
            }
        };
        let traits = match obj.get("traits") {
            None => RawTraits::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                diags.push(self.member_err(name, "\"traits\" must be an object"));
                return None;
            }
        };
        Some(RawMember { name: name.to_string(), target, traits })
    }
}

fn parse_shape(ctx: &Ctx<'_>, ty: &str, obj: &Map<String, Value>, diags: &mut Diagnostics) -> Option<RawShape> {
    let before = diags.0.len();
    let traits = ctx.traits(obj.get("traits"), diags)?;
    let mixins = ctx.target_list("mixins", obj.get("mixins"), diags);
    let mut members = Vec::new();
    let kind = match ty {
        "blob" => ShapeKind::Blob,
        "boolean" => ShapeKind::Boolean,
        "string" => ShapeKind::String,
        "byte" => ShapeKind::Byte,
        "short" => ShapeKind::Short,
        "integer" => ShapeKind::Integer,
        "long" => ShapeKind::Long,
        "float" => ShapeKind::Float,
        "double" => ShapeKind::Double,
        "bigInteger" => ShapeKind::BigInteger,
        "bigDecimal" => ShapeKind::BigDecimal,
        "timestamp" => ShapeKind::Timestamp,
        "document" => ShapeKind::Document,
        // A member a mixin gives is inherited when mixins are flattened: the
        // reference leaves it out of the shape.
        "list" | "set" => {
            match obj.get("member") {
                Some(m) => members.push(ctx.member("member", m, diags)?),
                None if !mixins.is_empty() => {}
                None => {
                    diags.push(ctx.err(format!("a {ty} needs a \"member\"; add `\"member\": {{\"target\": \"...\"}}`")));
                    return None;
                }
            }
            ShapeKind::List
        }
        "map" => {
            for key in ["key", "value"] {
                match obj.get(key) {
                    Some(m) => members.push(ctx.member(key, m, diags)?),
                    None if !mixins.is_empty() => {}
                    None => {
                        diags.push(ctx.err(format!("a map needs a \"{key}\" member")));
                        return None;
                    }
                }
            }
            ShapeKind::Map
        }
        "structure" | "union" | "enum" | "intEnum" => {
            match obj.get("members") {
                None => {}
                Some(Value::Object(ms)) => {
                    for (name, m) in ms {
                        if let Some(m) = ctx.member(name, m, diags) {
                            members.push(m);
                        }
                    }
                }
                Some(_) => diags.push(ctx.err("\"members\" must be an object of name → member")),
            }
            match ty {
                "structure" => ShapeKind::Structure,
                "union" => ShapeKind::Union,
                "enum" => ShapeKind::Enum,
                _ => ShapeKind::IntEnum,
            }
        }
        "service" => {
            let version = obj.get("version").and_then(Value::as_str).map(str::to_string);
            let mut rename = BTreeMap::new();
            match obj.get("rename") {
                None => {}
                Some(Value::Object(r)) => {
                    for (k, v) in r {
                        match v.as_str() {
                            Some(name) => {
                                rename.insert(k.clone(), name.to_string());
                            }
                            None => diags.push(ctx.err(format!("\"rename\" of `{k}` must be a string"))),
                        }
                    }
                }
                Some(_) => diags.push(ctx.err("\"rename\" must be an object of shape id → name")),
            }
            ShapeKind::Service(Service {
                version,
                operations: ctx.target_list("operations", obj.get("operations"), diags),
                resources: ctx.target_list("resources", obj.get("resources"), diags),
                errors: ctx.target_list("errors", obj.get("errors"), diags),
                rename,
            })
        }
        "operation" => ShapeKind::Operation(Operation {
            input: ctx.optional_target("input", obj, diags).unwrap_or_else(|| "smithy.api#Unit".into()),
            output: ctx.optional_target("output", obj, diags).unwrap_or_else(|| "smithy.api#Unit".into()),
            errors: ctx.target_list("errors", obj.get("errors"), diags),
        }),
        "resource" => {
            let mut identifiers = BTreeMap::new();
            if let Some(ids) = obj.get("identifiers") {
                match ids.as_object() {
                    Some(ids) => {
                        for (name, v) in ids {
                            if let Some(t) = ctx.target("identifiers", v, diags) {
                                identifiers.insert(name.clone(), t);
                            }
                        }
                    }
                    None => diags.push(ctx.err("\"identifiers\" must be an object")),
                }
            }
            let mut operations = Vec::new();
            for field in ["create", "put", "read", "update", "delete", "list"] {
                operations.extend(ctx.optional_target(field, obj, diags));
            }
            operations.extend(ctx.target_list("operations", obj.get("operations"), diags));
            operations.extend(ctx.target_list("collectionOperations", obj.get("collectionOperations"), diags));
            ShapeKind::Resource(Resource {
                identifiers,
                operations,
                resources: ctx.target_list("resources", obj.get("resources"), diags),
            })
        }
        other => {
            diags.push(ctx.err(format!(
                "unknown shape type \"{other}\": expected one of blob, boolean, string, byte, short, integer, long, float, double, bigInteger, bigDecimal, timestamp, document, enum, intEnum, list, map, structure, union, service, operation, resource, apply"
            )));
            return None;
        }
    };
    let mut traits = traits;
    if ty == "set" {
        // Smithy 2.0 treats `set` as a list with unique items.
        traits.insert("smithy.api#uniqueItems".into(), Value::Object(Map::new()));
    }
    (diags.0.len() == before).then(|| RawShape {
        id: ctx.id.to_string(),
        kind,
        members,
        traits,
        mixins,
        file: Some(ctx.path.to_path_buf()),
    })
}
