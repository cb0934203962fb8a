//! Stage 2: raw shapes → checked [`Model`]. Adds the prelude, flattens mixins,
//! applies `apply` statements, parses traits and checks every reference.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::load::{Apply, RawMember, RawModel, RawTraits};
use super::{packages, prelude, traits, Member, Model, Shape, ShapeKind};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub fn resolve(mut raw: RawModel) -> Result<Model, Diagnostics> {
    let mut diags = Diagnostics::default();
    for p in prelude::shapes() {
        if let Some(user) = raw.shapes.get(&p.id) {
            diags.push(Diagnostic::shape(
                user.file.clone(),
                &p.id,
                "redefines a prelude shape; choose another namespace",
            ));
        }
        raw.shapes.insert(p.id.clone(), p);
    }
    // The built-in packages' shapes, where the load has no copy of its own
    // (a JSON AST written by the Smithy CLI carries the ones it uses).
    for p in packages::shapes() {
        raw.shapes.entry(p.id.clone()).or_insert(p);
    }
    // `apply` takes effect before mixins are flattened, as the reference
    // applies it: an applied trait is the shape's (or member's) own, and
    // shapes that use the shape as a mixin inherit it.
    let mut pending: BTreeMap<String, Vec<Apply>> = BTreeMap::new();
    for apply in std::mem::take(&mut raw.applies) {
        let shape = apply.target.split_once('$').map_or(apply.target.as_str(), |(s, _)| s).to_string();
        pending.entry(shape).or_default().push(apply);
    }
    flatten_mixins(&mut raw, &mut pending, &mut diags);
    raw.applies = pending.into_values().flatten().collect();
    apply_statements(&mut raw, &mut diags);

    let mut model = Model::default();
    for (id, shape) in raw.shapes {
        let file = shape.file.clone();
        let (shape_traits, errs) = traits::parse(&shape.traits);
        for (trait_id, msg) in errs {
            diags.push(Diagnostic::shape(file.clone(), id.clone(), format!("trait `{trait_id}`: {msg}")));
        }
        let mut members = Vec::with_capacity(shape.members.len());
        for m in shape.members {
            let (member_traits, errs) = traits::parse(&m.traits);
            for (trait_id, msg) in errs {
                diags.push(Diagnostic::shape(
                    file.clone(),
                    format!("{id}${}", m.name),
                    format!("trait `{trait_id}`: {msg}"),
                ));
            }
            members.push(Member { name: m.name, target: m.target, traits: member_traits });
        }
        model.shapes.insert(id.clone(), Shape { id, kind: shape.kind, traits: shape_traits, members, file });
    }
    check_references(&model, &mut diags);
    // A problem of an existing shape waits for lowering, which reports it if
    // the shape is generated; any other problem fails the loading (with all
    // the others, so nothing is hidden).
    let fatal = diags.0.iter().any(|d| d.shape.as_deref().is_none_or(|s| !model.shapes.contains_key(super::shape_of(s))));
    if fatal {
        return diags.into_result(model);
    }
    diags.0.sort();
    diags.0.dedup();
    model.problems = diags.0;
    Ok(model)
}

/// Copy mixin members and traits into the shapes that use them.
/// Shapes are flattened mixins first (an order found without recursion), so
/// `flatten_one` never recurses and a chain of thousands of mixins needs no
/// deep stack; the mixin that closes a cycle is reported here and skipped.
fn flatten_mixins(raw: &mut RawModel, pending: &mut BTreeMap<String, Vec<Apply>>, diags: &mut Diagnostics) {
    let (order, cut) = mixin_order(raw, diags);
    let mut done = BTreeSet::new();
    for id in order {
        let mut stack = Vec::new();
        flatten_one(raw, &id, &mut done, &mut stack, &cut, pending, diags);
    }
}

/// Every shape, each after its mixins (depth first, iteratively), and the
/// (shape, mixin) uses that close a mixin cycle, each reported once.
fn mixin_order(raw: &RawModel, diags: &mut Diagnostics) -> (Vec<String>, HashSet<(String, String)>) {
    let mut order = Vec::with_capacity(raw.shapes.len());
    let mut cut = HashSet::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for root in raw.shapes.keys() {
        if !seen.insert(root) {
            continue;
        }
        // The path being explored: each shape with the index of its next
        // mixin to visit.
        let mut path: Vec<(&str, usize)> = vec![(root, 0)];
        let mut open: HashSet<&str> = HashSet::from([root.as_str()]);
        while let Some((id, next)) = path.last_mut() {
            let id: &str = id;
            let mixin = raw.shapes.get(id).and_then(|s| s.mixins.get(*next));
            *next += 1;
            match mixin {
                None => {
                    order.push(id.to_string());
                    open.remove(id);
                    path.pop();
                }
                Some(m) if open.contains(m.as_str()) => {
                    let from = path.iter().position(|(p, _)| *p == m).unwrap_or(0);
                    let cycle: Vec<&str> = path.get(from..).unwrap_or_default().iter().map(|(p, _)| *p).collect();
                    if let Some(shape) = raw.shapes.get(m) {
                        diags.push(Diagnostic::shape(shape.file.clone(), m, format!("mixin cycle: {} → {m}", cycle.join(" → "))));
                    }
                    cut.insert((id.to_string(), m.clone()));
                }
                Some(m) => {
                    if raw.shapes.contains_key(m) && seen.insert(m) {
                        open.insert(m);
                        path.push((m, 0));
                    }
                }
            }
        }
    }
    (order, cut)
}

/// The `apply` statements of shape `id`, before its mixins are flattened
/// into it (`inherited`: the members its mixins give it): traits on the
/// shape or an own member are merged; traits on a member only inherited make
/// an own redefinition of it, whose traits override the mixin's.
fn apply_own(raw: &mut RawModel, id: &str, pending: &mut BTreeMap<String, Vec<Apply>>, inherited: &[RawMember], diags: &mut Diagnostics) {
    let Some(applies) = pending.remove(id) else { return };
    let Some(shape) = raw.shapes.get_mut(id) else { return };
    for apply in applies {
        let err = |msg: String| Diagnostic::shape(Some(apply.file.clone()), apply.target.clone(), msg);
        let member = apply.target.split_once('$').map(|(_, m)| m.to_string());
        let traits = match &member {
            None => &mut shape.traits,
            Some(m) => {
                if !shape.members.iter().any(|x| &x.name == m) {
                    match inherited.iter().find(|x| &x.name == m) {
                        Some(from) => shape.members.push(RawMember { name: m.clone(), target: from.target.clone(), traits: RawTraits::new() }),
                        None => {
                            diags.push(err(format!("`apply` targets member `{m}` of `{id}`, which has no such member")));
                            continue;
                        }
                    }
                }
                match shape.members.iter_mut().find(|x| &x.name == m) {
                    Some(x) => &mut x.traits,
                    None => continue,
                }
            }
        };
        for (k, v) in apply.traits {
            merge_trait(traits, k, v, &mut |msg| diags.push(err(msg)));
        }
    }
}

fn flatten_one(
    raw: &mut RawModel,
    id: &str,
    done: &mut BTreeSet<String>,
    stack: &mut Vec<String>,
    cut: &HashSet<(String, String)>,
    pending: &mut BTreeMap<String, Vec<Apply>>,
    diags: &mut Diagnostics,
) {
    if done.contains(id) {
        return;
    }
    let Some(shape) = raw.shapes.get(id) else { return };
    if shape.mixins.is_empty() {
        apply_own(raw, id, pending, &[], diags);
        done.insert(id.to_string());
        return;
    }
    if stack.iter().any(|s| s == id) {
        diags.push(Diagnostic::shape(
            shape.file.clone(),
            id,
            format!("mixin cycle: {} → {id}", stack.join(" → ")),
        ));
        apply_own(raw, id, pending, &[], diags);
        done.insert(id.to_string());
        return;
    }
    stack.push(id.to_string());
    let mixins = shape.mixins.clone();
    let file = shape.file.clone();
    let mut members: Vec<RawMember> = Vec::new();
    // Where each member name is in `members`: thousands of members stay
    // linear.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut inherited = RawTraits::new();
    // The mixins' service, operation and resource bindings.
    let mut inherited_kind = Vec::new();
    for mixin_id in &mixins {
        if cut.contains(&(id.to_string(), mixin_id.clone())) {
            continue;
        }
        flatten_one(raw, mixin_id, done, stack, cut, pending, diags);
        let Some(mixin) = raw.shapes.get(mixin_id) else {
            diags.push(Diagnostic::shape(
                file.clone(),
                id,
                format!("mixin `{mixin_id}` does not exist; define it or remove it from `mixins`"),
            ));
            continue;
        };
        if !mixin.traits.contains_key("smithy.api#mixin") {
            diags.push(Diagnostic::shape(
                file.clone(),
                id,
                format!("`{mixin_id}` is used as a mixin but has no `smithy.api#mixin` trait"),
            ));
            continue;
        }
        if mixin.kind.ast_name() != raw.shapes[id].kind.ast_name() {
            diags.push(Diagnostic::shape(
                file.clone(),
                id,
                format!(
                    "mixin `{mixin_id}` is {} but this shape is {}",
                    mixin.kind.with_article(),
                    raw.shapes[id].kind.with_article()
                ),
            ));
            continue;
        }
        // The mixin trait itself is not inherited, nor are the traits its
        // `localTraits` names.
        let local: Vec<&str> = mixin
            .traits
            .get("smithy.api#mixin")
            .and_then(|m| m.get("localTraits"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (k, v) in &mixin.traits {
            if k != "smithy.api#mixin" && !local.contains(&k.as_str()) {
                inherited.insert(k.clone(), v.clone());
            }
        }
        for m in &mixin.members {
            // A member two mixins share has the traits of both (the later's
            // win).
            match index.get(&m.name).and_then(|i| members.get_mut(*i)) {
                Some(existing) => {
                    for (k, v) in &m.traits {
                        existing.traits.insert(k.clone(), v.clone());
                    }
                }
                None => {
                    index.insert(m.name.clone(), members.len());
                    members.push(m.clone());
                }
            }
        }
        inherited_kind.push(mixin.kind.clone());
    }
    stack.pop();
    apply_own(raw, id, pending, &members, diags);
    let Some(shape) = raw.shapes.get_mut(id) else { return };
    for own in std::mem::take(&mut shape.members) {
        if let Some(existing) = index.get(&own.name).and_then(|i| members.get_mut(*i)) {
            if existing.target != own.target {
                diags.push(Diagnostic::shape(
                    file.clone(),
                    format!("{id}${}", own.name),
                    format!(
                        "redefines mixin member `{}` with target `{}` (the mixin's is `{}`)",
                        own.name, own.target, existing.target
                    ),
                ));
            }
            for (k, v) in own.traits {
                existing.traits.insert(k, v);
            }
        } else {
            index.insert(own.name.clone(), members.len());
            members.push(own);
        }
    }
    shape.members = members;
    for kind in inherited_kind {
        inherit_bindings(&mut shape.kind, kind);
    }
    for (k, v) in std::mem::take(&mut shape.traits) {
        inherited.insert(k, v);
    }
    shape.traits = inherited;
    done.insert(id.to_string());
}

/// What a service, operation or resource takes from a mixin of its kind:
/// the mixin's bindings and errors beside its own, a version it lacks.
fn inherit_bindings(kind: &mut ShapeKind, from: ShapeKind) {
    fn join(own: &mut Vec<String>, more: Vec<String>) {
        // A set: thousands of errors on both sides stay linear.
        let mut seen: std::collections::HashSet<String> = own.iter().cloned().collect();
        for id in more {
            if seen.insert(id.clone()) {
                own.push(id);
            }
        }
    }
    match (kind, from) {
        (ShapeKind::Service(own), ShapeKind::Service(m)) => {
            if own.version.is_none() {
                own.version = m.version;
            }
            join(&mut own.operations, m.operations);
            join(&mut own.resources, m.resources);
            join(&mut own.errors, m.errors);
            for (k, v) in m.rename {
                own.rename.entry(k).or_insert(v);
            }
        }
        (ShapeKind::Operation(own), ShapeKind::Operation(m)) => join(&mut own.errors, m.errors),
        (ShapeKind::Resource(own), ShapeKind::Resource(m)) => {
            join(&mut own.operations, m.operations);
            join(&mut own.resources, m.resources);
            for (k, v) in m.identifiers {
                own.identifiers.entry(k).or_insert(v);
            }
        }
        _ => {}
    }
}

fn apply_statements(raw: &mut RawModel, diags: &mut Diagnostics) {
    for apply in std::mem::take(&mut raw.applies) {
        let (shape_id, member) = match apply.target.split_once('$') {
            Some((s, m)) => (s.to_string(), Some(m.to_string())),
            None => (apply.target.clone(), None),
        };
        let err = |msg: String| Diagnostic::shape(Some(apply.file.clone()), apply.target.clone(), msg);
        let Some(shape) = raw.shapes.get_mut(&shape_id) else {
            diags.push(err(format!("`apply` targets shape `{shape_id}`, which does not exist; define the shape or fix the id in `apply`")));
            continue;
        };
        let traits = match &member {
            None => &mut shape.traits,
            Some(m) => match shape.members.iter_mut().find(|x| &x.name == m) {
                Some(x) => &mut x.traits,
                None => {
                    diags.push(err(format!("`apply` targets member `{m}` of `{shape_id}`, which has no such member")));
                    continue;
                }
            },
        };
        for (k, v) in apply.traits {
            merge_trait(traits, k, v, &mut |msg| diags.push(err(msg)));
        }
    }
}

fn merge_trait(traits: &mut RawTraits, k: String, v: Value, err: &mut dyn FnMut(String)) {
    match traits.get_mut(&k) {
        None => {
            traits.insert(k, v);
        }
        Some(existing) if *existing == v => {}
        Some(Value::Array(existing)) if v.is_array() => {
            if let Value::Array(more) = v {
                existing.extend(more);
            }
        }
        Some(_) => err(format!("`apply` sets trait `{k}` to a value that conflicts with the one already there")),
    }
}

fn check_references(model: &Model, diags: &mut Diagnostics) {
    let exists = |id: &str| model.shapes.get(id);
    // Rust-name clashes need the naming module: they are checked in `lower`.
    for shape in model.shapes.values() {
        let err = |msg: String| Diagnostic::shape(shape.file.clone(), shape.id.clone(), msg);
        let member_err =
            |m: &Member, msg: String| Diagnostic::shape(shape.file.clone(), format!("{}${}", shape.id, m.name), msg);
        match &shape.kind {
            ShapeKind::Structure | ShapeKind::Union | ShapeKind::List | ShapeKind::Map => {
                for m in &shape.members {
                    match exists(&m.target) {
                        None => diags.push(member_err(m, format!("target `{}` does not exist; define that shape or point the member at an existing one", m.target))),
                        Some(t) if !t.kind.is_member_target() => diags.push(member_err(
                            m,
                            format!("targets `{}`, {}; members can only target data shapes", m.target, t.kind.with_article()),
                        )),
                        Some(t) if t.traits.mixin => diags.push(member_err(
                            m,
                            format!("targets `{}`, a mixin; mixins can only be used in `mixins`", m.target),
                        )),
                        Some(t) if shape.kind == ShapeKind::Map && m.name == "key" => {
                            if !matches!(t.kind, ShapeKind::String | ShapeKind::Enum) {
                                diags.push(member_err(
                                    m,
                                    format!("map keys must target a string or enum shape, but `{}` is {}", m.target, t.kind.with_article()),
                                ));
                            }
                        }
                        Some(t) if t.traits.unit_type && shape.kind != ShapeKind::Union => diags.push(member_err(
                            m,
                            "only union members may target `smithy.api#Unit`".to_string(),
                        )),
                        Some(_) => {}
                    }
                }
                if shape.kind == ShapeKind::Union && shape.members.is_empty() && !shape.traits.mixin {
                    diags.push(err("a union needs at least one member; add one".into()));
                }
            }
            ShapeKind::Enum | ShapeKind::IntEnum => {
                let is_int = shape.kind == ShapeKind::IntEnum;
                if shape.members.is_empty() && !shape.traits.mixin {
                    diags.push(err(format!("an {} needs at least one member; add one, or make it a plain string or integer", shape.kind.ast_name())));
                }
                let mut values = BTreeMap::new();
                for m in &shape.members {
                    if m.target != "smithy.api#Unit" {
                        diags.push(member_err(m, format!("enum members must target `smithy.api#Unit`, not `{}`", m.target)));
                    }
                    let value = match (&m.traits.enum_value, is_int) {
                        (Some(traits::EnumValue::String(s)), false) => s.clone(),
                        (None, false) => m.name.clone(),
                        (Some(traits::EnumValue::Int(i)), true) => i.to_string(),
                        (None, true) => {
                            diags.push(member_err(m, "intEnum members need an integer `smithy.api#enumValue`".into()));
                            continue;
                        }
                        (Some(_), _) => {
                            diags.push(member_err(
                                m,
                                format!("`smithy.api#enumValue` must be {} in an {}", if is_int { "an integer" } else { "a string" }, shape.kind.ast_name()),
                            ));
                            continue;
                        }
                    };
                    if let Some(prev) = values.insert(value.clone(), m.name.clone()) {
                        diags.push(member_err(m, format!("value `{value}` is also used by member `{prev}`")));
                    }
                }
            }
            ShapeKind::Operation(op) => {
                for (field, target) in [("input", &op.input), ("output", &op.output)] {
                    match exists(target) {
                        None => diags.push(err(format!("{field} `{target}` does not exist; define it, or use `smithy.api#Unit` for no {field}"))),
                        Some(t) if t.kind != ShapeKind::Structure => {
                            diags.push(err(format!("{field} `{target}` must be a structure, not {}", t.kind.with_article())))
                        }
                        Some(_) => {}
                    }
                }
                check_errors(model, &op.errors, &err, diags);
            }
            ShapeKind::Service(svc) => {
                check_kind(model, &svc.operations, "operation", &err, diags);
                check_kind(model, &svc.resources, "resource", &err, diags);
                check_errors(model, &svc.errors, &err, diags);
            }
            ShapeKind::Resource(res) => {
                check_kind(model, &res.operations, "operation", &err, diags);
                check_kind(model, &res.resources, "resource", &err, diags);
                for (name, target) in &res.identifiers {
                    if exists(target).is_none() {
                        diags.push(err(format!("identifier `{name}` targets `{target}`, which does not exist; define it or fix the target")));
                    }
                }
            }
            _ => {}
        }
    }
}

fn check_kind(model: &Model, ids: &[String], kind: &str, err: &dyn Fn(String) -> Diagnostic, diags: &mut Diagnostics) {
    for id in ids {
        match model.shapes.get(id) {
            None => diags.push(err(format!("{kind} `{id}` does not exist; define it or remove it from the list"))),
            Some(s) if s.kind.ast_name() != kind => {
                diags.push(err(format!("`{id}` is listed as a {kind} but is {}", s.kind.with_article())))
            }
            Some(_) => {}
        }
    }
}

fn check_errors(model: &Model, ids: &[String], err: &dyn Fn(String) -> Diagnostic, diags: &mut Diagnostics) {
    for id in ids {
        match model.shapes.get(id) {
            None => diags.push(err(format!("error `{id}` does not exist; define it (a structure with `smithy.api#error`) or remove it from `errors`"))),
            Some(s) if s.kind != ShapeKind::Structure || s.traits.error.is_none() => diags.push(err(format!(
                "`{id}` is listed as an error but is not a structure with the `smithy.api#error` trait"
            ))),
            Some(_) => {}
        }
    }
}
