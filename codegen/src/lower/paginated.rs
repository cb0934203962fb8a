//! `@paginated`: merge each operation's trait over the service's defaults,
//! resolve the member paths to Rust fields of the operation's input and
//! output types, and check them as Smithy does (tokens are optional strings
//! or maps of one type,
//! `pageSize` an integer, `items` a list or map; only `outputToken` and
//! `items` may be paths).

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{
    FieldStep, MemberIr, PageItems, PageItemsKind, PageSize, PaginationIr, RType, ServiceIr, StructIr, TypeIr,
};
use crate::model::{Model, Paginated, Shape, ShapeKind};
use crate::naming;

/// Fill `OperationIr::paginated` for every paginated operation with a client
/// method (event-stream operations have none, so they get no paginator).
pub fn resolve(model: &Model, svc: &Shape, ir: &mut ServiceIr, diags: &mut Diagnostics) {
    let defaults = svc.traits.paginated.clone().unwrap_or_default();
    let mut resolved = Vec::new();
    for (i, op) in ir.operations.iter().enumerate() {
        if op.event_stream.is_some() {
            continue;
        }
        let Some(shape) = model.get(&op.shape_id) else { continue };
        let Some(own) = &shape.traits.paginated else { continue };
        let ShapeKind::Operation(o) = &shape.kind else { continue };
        let merged = Paginated {
            input_token: own.input_token.clone().or_else(|| defaults.input_token.clone()),
            output_token: own.output_token.clone().or_else(|| defaults.output_token.clone()),
            items: own.items.clone().or_else(|| defaults.items.clone()),
            page_size: own.page_size.clone().or_else(|| defaults.page_size.clone()),
        };
        let r = Resolver { model, ir, op: shape, service: &svc.id };
        let before = diags.0.len();
        let input = r.side(&o.input, &op.input, "input", diags);
        let output = r.side(&o.output, &op.output, "output", diags);
        let (Some(input), Some(output)) = (input, output) else { continue };
        let input_token = merged
            .input_token
            .as_deref()
            .and_then(|p| r.token(input, p, "inputToken", false, diags))
            .and_then(|(mut v, ty, id)| Some((v.pop()?, ty, id)));
        let output_token = merged.output_token.as_deref().and_then(|p| r.token(output, p, "outputToken", true, diags));
        if let (Some((_, in_ty, in_id)), Some((_, out_ty, out_id))) = (&input_token, &output_token) {
            if in_ty != out_ty {
                diags.push(r.err(format!(
                    "`@paginated` `inputToken` targets `{in_id}` and `outputToken` targets `{out_id}`, which have different types; the output token is sent back as the next input token, so both must be strings or maps of the same key and value types"
                )));
            }
        }
        for (key, value) in [("inputToken", &merged.input_token), ("outputToken", &merged.output_token)] {
            if value.is_none() {
                diags.push(r.err(format!(
                    "`@paginated` has no `{key}`, on the operation or on the service `{}`; set it in one of them",
                    r.service
                )));
            }
        }
        let items = merged.items.as_deref().and_then(|p| r.items(output, p, diags));
        let page_size = merged.page_size.as_deref().and_then(|p| r.page_size(input, p, diags));
        if diags.0.len() != before {
            continue;
        }
        let (Some((input_token, token_ty, _)), Some((output_token, ..))) = (input_token, output_token) else { continue };
        let name = format!("{}Paginator", op.name);
        resolved.push((
            i,
            PaginationIr {
                method: naming::fn_name(&name),
                type_name: naming::type_name(&name),
                input_token,
                output_token,
                token_ty,
                items,
                page_size,
            },
        ));
    }
    // The paginator methods share the client's namespace with the operations.
    let mut methods: BTreeMap<String, String> =
        ir.client_operations().map(|o| (o.fn_name.clone(), format!("the method of operation `{}`", o.name))).collect();
    for (i, p) in &resolved {
        let op = &ir.operations[*i];
        if let Some(prev) = methods.insert(p.method.clone(), format!("the paginator method of `{}`", op.name)) {
            diags.push(Diagnostic::shape(
                model.get(&op.shape_id).and_then(|s| s.file.clone()),
                op.shape_id.clone(),
                format!(
                    "its paginator method `{}` is also {prev} on the client; rename one of the operations with the service's `rename` property",
                    p.method
                ),
            ));
        }
    }
    for (i, p) in resolved {
        ir.operations[i].paginated = Some(p);
    }
}

struct Resolver<'a> {
    model: &'a Model,
    ir: &'a ServiceIr,
    op: &'a Shape,
    service: &'a str,
}

/// A structure along a path: its model shape and its Rust type.
#[derive(Clone, Copy)]
struct Side<'a> {
    shape: &'a Shape,
    rust: &'a StructIr,
}

impl<'a> Resolver<'a> {
    fn err(&self, message: String) -> Diagnostic {
        Diagnostic::shape(self.op.file.clone(), self.op.id.clone(), message)
    }

    /// The operation's input or output structure, model and Rust.
    fn side(&self, target: &str, rust: &str, what: &str, diags: &mut Diagnostics) -> Option<Side<'a>> {
        let shape = self.model.get(target).filter(|s| !s.traits.unit_type && target != "smithy.api#Unit");
        let rust = self.ir.types.iter().find_map(|t| match t {
            TypeIr::Struct(s) if s.name == rust => Some(s),
            _ => None,
        });
        match (shape, rust) {
            (Some(shape), Some(rust)) => Some(Side { shape, rust }),
            _ => {
                diags.push(self.err(format!(
                    "`@paginated` needs an {what} structure, but the operation's {what} is `{target}`; give the operation an {what} with the paginated members"
                )));
                None
            }
        }
    }

    /// The named structure type of a nested shape.
    fn named_struct(&self, id: &str) -> Option<&'a StructIr> {
        self.ir.types.iter().find_map(|t| match t {
            TypeIr::Struct(s) if s.shape_id == id && s.input_of.is_none() && s.output_of.is_none() => Some(s),
            _ => None,
        })
    }

    /// Walk `path` from `side`; every step but the last must target a
    /// structure. Returns the steps, the last member's target and its field.
    fn walk(
        &self,
        side: Side<'a>,
        path: &str,
        key: &str,
        paths_allowed: bool,
        diags: &mut Diagnostics,
    ) -> Option<(Vec<FieldStep>, &'a Shape, &'a MemberIr)> {
        let what = if side.rust.input_of.is_some() { "input" } else { "output" };
        if !paths_allowed && path.contains('.') {
            diags.push(self.err(format!(
                "`@paginated` `{key}` is \"{path}\", but `{key}` must name a top-level {what} member, not a path"
            )));
            return None;
        }
        let mut steps = Vec::new();
        let (mut shape, mut rust) = (side.shape, side.rust);
        let segments: Vec<&str> = path.split('.').collect();
        for (n, seg) in segments.iter().enumerate() {
            let member = shape.member(seg);
            let field = rust.members.iter().find(|m| m.name == *seg);
            let (Some(member), Some(field)) = (member, field) else {
                let names: Vec<&str> = shape.members.iter().map(|m| m.name.as_str()).collect();
                diags.push(self.err(format!(
                    "`@paginated` `{key}` is \"{path}\", but `{}` has no member `{seg}` (its members: {}); name an existing member",
                    shape.id,
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                )));
                return None;
            };
            steps.push(FieldStep { name: member.name.clone(), rust_name: field.rust_name.clone(), boxed: field.boxed });
            let target = self.model.get(&member.target)?;
            if n + 1 == segments.len() {
                return Some((steps, target, field));
            }
            let next = match target.kind {
                ShapeKind::Structure => self.named_struct(&target.id),
                _ => None,
            };
            let Some(next) = next else {
                diags.push(self.err(format!(
                    "`@paginated` `{key}` is \"{path}\", but `{}${seg}` targets {} (`{}`), so the path cannot go on; every member but the last must target a structure",
                    shape.id,
                    target.kind.with_article(),
                    target.id
                )));
                return None;
            };
            shape = target;
            rust = next;
        }
        None
    }

    /// `inputToken` or `outputToken`: an optional string or map member (the
    /// Smithy specification allows both; DynamoDB's keys are maps).
    fn token(
        &self,
        side: Side<'a>,
        path: &str,
        key: &str,
        paths: bool,
        diags: &mut Diagnostics,
    ) -> Option<(Vec<FieldStep>, RType, String)> {
        let (steps, target, field) = self.walk(side, path, key, paths, diags)?;
        if !matches!((&target.kind, &field.ty), (ShapeKind::String, RType::String) | (ShapeKind::Map, RType::Map(..))) {
            diags.push(self.err(format!(
                "`@paginated` `{key}` is \"{path}\", which targets {} (`{}`); a pagination token must target a string or map shape",
                target.kind.with_article(),
                target.id
            )));
            return None;
        }
        if field.required {
            diags.push(self.err(format!(
                "`@paginated` `{key}` is \"{path}\", which is `@required`; a pagination token must be optional (remove `@required`)"
            )));
            return None;
        }
        Some((steps, field.ty.clone(), target.id.clone()))
    }

    /// `items`: a member targeting a list or a map.
    fn items(&self, side: Side<'a>, path: &str, diags: &mut Diagnostics) -> Option<PageItems> {
        let (steps, target, field) = self.walk(side, path, "items", true, diags)?;
        let kind = match (&target.kind, &field.ty) {
            (ShapeKind::List, RType::List(e)) => PageItemsKind::List((**e).clone()),
            (ShapeKind::Map, RType::Map(k, v)) => PageItemsKind::Map((**k).clone(), (**v).clone()),
            _ => {
                diags.push(self.err(format!(
                    "`@paginated` `items` is \"{path}\", which targets {} (`{}`); `items` must target a list or a map",
                    target.kind.with_article(),
                    target.id
                )));
                return None;
            }
        };
        Some(PageItems { path: steps, kind })
    }

    /// `pageSize`: a top-level integer input member (a `long` too, as AWS
    /// models have it and the AWS SDKs accept: the paginator's `page_size`
    /// then takes an `i64`).
    fn page_size(&self, side: Side<'a>, path: &str, diags: &mut Diagnostics) -> Option<PageSize> {
        let (mut steps, target, field) = self.walk(side, path, "pageSize", false, diags)?;
        if !matches!(target.kind, ShapeKind::Integer | ShapeKind::Long) {
            diags.push(self.err(format!(
                "`@paginated` `pageSize` is \"{path}\", which targets {} (`{}`); `pageSize` must target an integer (or long) shape",
                target.kind.with_article(),
                target.id
            )));
            return None;
        }
        Some(PageSize { field: steps.pop()?, ty: field.ty.clone() })
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::{json, Value};

    use crate::diagnostics::Diagnostics;
    use crate::ir::{CrateIr, PageItemsKind, RType};
    use crate::lower::{lower_crate, Selection};
    use crate::model::Model;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/valid/paginated.json");
    const NS: &str = "com.example.pager#";

    fn lower(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Result<CrateIr, Diagnostics> {
        let mut model: Value = serde_json::from_str(FIXTURE).expect("fixture is JSON");
        edit(model["shapes"].as_object_mut().expect("shapes"));
        let model = Model::load_sources(&[(PathBuf::from("paginated.json"), model.to_string())]).expect("loads");
        lower_crate(&model, "t", &Selection::default())
    }

    fn errors(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<String> {
        lower(edit).expect_err("rejected").0.iter().map(ToString::to_string).collect()
    }

    fn set_paginated(shapes: &mut serde_json::Map<String, Value>, op: &str, value: Value) {
        shapes[&format!("{NS}{op}")]["traits"]["smithy.api#paginated"] = value;
    }

    #[test]
    fn merges_service_defaults_and_resolves_paths() {
        let ir = lower(|_| {}).expect("lowers");
        let ops = &ir.services[0].operations;
        let op = |n: &str| ops.iter().find(|o| o.name == n).expect("operation");
        let things = op("ListThings").paginated.clone().expect("ListThings is paginated");
        assert_eq!((things.method.as_str(), things.type_name.as_str()), ("list_things_paginator", "ListThingsPaginator"));
        assert_eq!(things.input_token.rust_name, "next_token", "from the service's defaults");
        let path: Vec<_> = things.output_token.iter().map(|s| s.rust_name.as_str()).collect();
        assert_eq!(path, ["page", "next_token"]);
        assert_eq!(things.items.expect("items").kind, PageItemsKind::List(RType::Named("Thing".into())));
        assert_eq!(things.page_size.expect("page size").field.rust_name, "max_results");
        let tags = op("ListTags").paginated.clone().expect("ListTags is paginated");
        assert_eq!(tags.items.expect("items").kind, PageItemsKind::Map(RType::String, RType::String));
        let events = op("GetEvents").paginated.clone().expect("GetEvents is paginated");
        assert_eq!(events.input_token.rust_name, "cursor", "the operation's value wins");
        assert!(events.items.is_none());
        assert!(op("DeleteThing").paginated.is_none(), "service defaults alone paginate nothing");
    }

    #[test]
    fn rejects_bad_paths_and_targets() {
        let e = errors(|s| set_paginated(s, "ListTags", json!({"outputToken": "nextToken", "items": "nextToken"})));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("com.example.pager#ListTags: `@paginated` `items` is \"nextToken\", which targets a string"), "{e:?}");

        let e = errors(|s| set_paginated(s, "ListThings", json!({"outputToken": "page.nextTokn"})));
        assert!(e[0].contains("`com.example.pager#PageInfo` has no member `nextTokn` (its members: nextToken, count)"), "{e:?}");

        let e = errors(|s| set_paginated(s, "ListThings", json!({"outputToken": "things.id"})));
        assert!(e[0].contains("targets a list (`com.example.pager#ThingList`), so the path cannot go on"), "{e:?}");

        let e = errors(|s| set_paginated(s, "GetEvents", json!({"inputToken": "a.b", "outputToken": "nextCursor"})));
        assert!(e[0].contains("`inputToken` must name a top-level input member, not a path"), "{e:?}");

        let e = errors(|s| set_paginated(s, "GetEvents", json!({"inputToken": "cursor", "outputToken": "nextCursor", "pageSize": "cursor"})));
        assert!(e[0].contains("`pageSize` must target an integer (or long) shape"), "{e:?}");

        let e = errors(|s| {
            s[&format!("{NS}ListTagsInput")]["members"]["nextToken"]["traits"]["smithy.api#required"] = json!({});
        });
        assert!(e[0].contains("which is `@required`; a pagination token must be optional"), "{e:?}");
    }

    #[test]
    fn needs_both_tokens_after_merging() {
        let e = errors(|s| {
            s[&format!("{NS}Pager")]["traits"].as_object_mut().expect("traits").remove("smithy.api#paginated");
        });
        // ListThings and ListTags lose their inputToken; GetEvents has its own.
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e.iter().all(|m| m.contains("`@paginated` has no `inputToken`, on the operation or on the service `com.example.pager#Pager`")), "{e:?}");
    }
}
