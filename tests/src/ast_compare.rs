//! Comparing Smithy JSON AST documents shape by shape: the oracle of the
//! Smithy IDL loader (`tests/tests/idl_loader.rs`). Documents are merged first
//! (every `"apply"` entry folded into its shape or member, absent `members`
//! and `traits` read as empty), then each shape is compared field by field,
//! member by member (names in order, targets, traits) and trait by trait.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Every shape of `docs`, applies folded in and mixins' members copied into
/// the shapes that use them (as the reference's model holds them: mixin
/// members first, a local redefinition in the mixin member's place, member
/// traits inherited), so a member written out in one form and inherited in
/// the other compares equal.
pub fn merge(docs: &[Value]) -> BTreeMap<String, Value> {
    let mut shapes = BTreeMap::new();
    let mut applies = Vec::new();
    for doc in docs {
        let Some(map) = doc.get("shapes").and_then(Value::as_object) else { continue };
        for (id, shape) in map {
            if shape.get("type").and_then(Value::as_str) == Some("apply") {
                applies.push((id.clone(), shape.get("traits").cloned().unwrap_or_default()));
            } else {
                shapes.insert(id.clone(), normalize(shape));
            }
        }
    }
    // Applies to what a shape holds itself, then mixins, then the rest.
    let rest: Vec<(String, Value)> = applies.into_iter().filter(|(t, traits)| !apply(&mut shapes, t, traits)).collect();
    let snapshot = shapes.clone();
    for (id, shape) in shapes.iter_mut() {
        if shape.get("mixins").is_none() {
            continue;
        }
        let members = flattened(&snapshot, id, 0);
        let Some(obj) = shape.as_object_mut() else { continue };
        if obj.contains_key("members") {
            obj.insert("members".into(), Value::Object(members.into_iter().collect()));
        } else {
            for (name, m) in members {
                obj.insert(name, m);
            }
        }
    }
    for (target, traits) in rest {
        if !apply(&mut shapes, &target, &traits) {
            let mut entry = serde_json::json!({"type": "apply", "traits": {}});
            entry["traits"] = traits;
            shapes.insert(target, entry);
        }
    }
    shapes
}

/// What the reference does to a Smithy 1.0 document when it loads it (the
/// same it does to an IDL 1.0 file): number and boolean shapes without
/// `@box` get their zero as default, and so do structure members targeting
/// them or a prelude `Primitive*` shape; a `@box` member gets a null default.
pub fn upgrade_v1(doc: &mut Value) {
    if !matches!(doc.get("smithy").and_then(Value::as_str), Some("1" | "1.0")) {
        return;
    }
    let Some(shapes) = doc.get_mut("shapes").and_then(Value::as_object_mut) else { return };
    let zero = |kind: &str| if kind == "boolean" { serde_json::json!(false) } else { serde_json::json!(0) };
    let numeric = |kind: &str| matches!(kind, "byte" | "short" | "integer" | "long" | "float" | "double" | "boolean");
    let has = |v: &Value, t: &str| v.get("traits").and_then(|x| x.get(t)).is_some();
    let mut unboxed: BTreeMap<String, String> = BTreeMap::new();
    for (id, s) in shapes.iter_mut() {
        let kind = s.get("type").and_then(Value::as_str).unwrap_or("").to_string();
        if numeric(&kind) && !has(s, "smithy.api#box") {
            unboxed.insert(id.clone(), kind.clone());
            if let Some(obj) = s.as_object_mut() {
                let t = obj.entry("traits").or_insert_with(|| Value::Object(Map::new()));
                if let Some(t) = t.as_object_mut() {
                    t.entry("smithy.api#default").or_insert_with(|| zero(&kind));
                }
            }
        }
    }
    for name in ["Boolean", "Byte", "Short", "Integer", "Long", "Float", "Double"] {
        unboxed.insert(format!("smithy.api#Primitive{name}"), name.to_lowercase());
    }
    for s in shapes.values_mut() {
        if s.get("type").and_then(Value::as_str) != Some("structure") {
            continue;
        }
        let Some(ms) = s.get_mut("members").and_then(Value::as_object_mut) else { continue };
        for m in ms.values_mut() {
            let target = m.get("target").and_then(Value::as_str).unwrap_or("").to_string();
            let default = if has(m, "smithy.api#box") {
                Some(Value::Null)
            } else {
                unboxed.get(&target).map(|k| zero(k))
            };
            if let (Some(d), Some(obj)) = (default, m.as_object_mut()) {
                let t = obj.entry("traits").or_insert_with(|| Value::Object(Map::new()));
                if let Some(t) = t.as_object_mut() {
                    t.entry("smithy.api#default").or_insert(d);
                }
            }
        }
    }
}

/// Fold an apply's traits into its target; `false` when the target is not there.
fn apply(shapes: &mut BTreeMap<String, Value>, target: &str, traits: &Value) -> bool {
    let (sid, member) = match target.split_once('$') {
        Some((s, m)) => (s, Some(m)),
        None => (target, None),
    };
    let slot = shapes.get_mut(sid).and_then(|s| match member {
        None => Some(s),
        Some(m) => {
            if s.get("members").is_some() {
                s.get_mut("members").and_then(|ms| ms.get_mut(m))
            } else {
                s.get_mut(m)
            }
        }
    });
    let Some(obj) = slot.and_then(Value::as_object_mut) else { return false };
    let t = obj.entry("traits").or_insert_with(|| Value::Object(Map::new()));
    if let (Some(t), Some(new)) = (t.as_object_mut(), traits.as_object()) {
        for (k, v) in new {
            t.insert(k.clone(), v.clone());
        }
    }
    true
}

/// A shape's members with its mixins' (recursively) first.
fn flattened(shapes: &BTreeMap<String, Value>, id: &str, depth: usize) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let Some(shape) = shapes.get(id).filter(|_| depth < 32) else { return out };
    let mixins: Vec<&str> =
        shape.get("mixins").and_then(Value::as_array).map(|a| a.iter().filter_map(|m| m.get("target")?.as_str()).collect()).unwrap_or_default();
    let add = |out: &mut Vec<(String, Value)>, name: &str, m: &Value| match out.iter_mut().find(|(n, _)| n == name) {
        Some((_, prev)) => {
            if let Some(t) = m.get("target") {
                prev["target"] = t.clone();
            }
            if let (Some(pt), Some(nt)) = (prev.get_mut("traits").and_then(Value::as_object_mut), m.get("traits").and_then(Value::as_object)) {
                for (k, v) in nt {
                    pt.insert(k.clone(), v.clone());
                }
            }
        }
        None => out.push((name.to_string(), m.clone())),
    };
    for mixin in mixins {
        for (name, m) in flattened(shapes, mixin, depth + 1) {
            add(&mut out, &name, &m);
        }
    }
    if let Some(ms) = shape.get("members").and_then(Value::as_object) {
        for (name, m) in ms {
            add(&mut out, name, m);
        }
    } else {
        for key in ["member", "key", "value"] {
            if let Some(m) = shape.get(key) {
                add(&mut out, key, m);
            }
        }
    }
    out
}

fn normalize(shape: &Value) -> Value {
    let mut s = shape.clone();
    if let Some(obj) = s.as_object_mut() {
        let ty = obj.get("type").and_then(Value::as_str).unwrap_or("").to_string();
        if matches!(ty.as_str(), "structure" | "union" | "enum" | "intEnum") {
            obj.entry("members").or_insert_with(|| Value::Object(Map::new()));
        }
        obj.entry("traits").or_insert_with(|| Value::Object(Map::new()));
        if let Some(ms) = obj.get_mut("members").and_then(Value::as_object_mut) {
            for m in ms.values_mut() {
                if let Some(m) = m.as_object_mut() {
                    m.entry("traits").or_insert_with(|| Value::Object(Map::new()));
                }
            }
        }
        for key in ["member", "key", "value"] {
            if let Some(m) = obj.get_mut(key).and_then(Value::as_object_mut) {
                m.entry("traits").or_insert_with(|| Value::Object(Map::new()));
            }
        }
        for key in ["mixins", "operations", "resources", "errors", "collectionOperations"] {
            if obj.get(key).and_then(Value::as_array).is_some_and(|a| a.is_empty()) {
                obj.remove(key);
            }
        }
        // Bindings are sets: the reference writes them sorted.
        for key in ["operations", "resources", "errors", "collectionOperations"] {
            if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
                list.sort_by_key(Value::to_string);
                list.dedup();
            }
        }
        if ty == "operation" {
            for key in ["input", "output"] {
                obj.entry(key).or_insert_with(|| serde_json::json!({"target": "smithy.api#Unit"}));
            }
        }
        for key in ["identifiers", "properties", "rename"] {
            if obj.get(key).and_then(Value::as_object).is_some_and(|a| a.is_empty()) {
                obj.remove(key);
            }
        }
    }
    s
}

/// The differences between two shapes, one line each (empty when equal).
pub fn diff_shape(id: &str, got: &Value, want: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (Some(g), Some(w)) = (got.as_object(), want.as_object()) else {
        if got != want {
            out.push(format!("{id}: {got} != {want}"));
        }
        return out;
    };
    let mut keys: Vec<&String> = g.keys().chain(w.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (gv, wv) = (g.get(key), w.get(key));
        match key.as_str() {
            "members" => {
                let gm = gv.and_then(Value::as_object).cloned().unwrap_or_default();
                let wm = wv.and_then(Value::as_object).cloned().unwrap_or_default();
                let gn: Vec<&String> = gm.keys().collect();
                let wn: Vec<&String> = wm.keys().collect();
                if gn != wn {
                    out.push(format!("{id}: members {gn:?} (IDL) != {wn:?} (JSON)"));
                }
                for (name, m) in &wm {
                    if let Some(gmem) = gm.get(name) {
                        out.extend(diff_member(&format!("{id}${name}"), gmem, m));
                    }
                }
            }
            "member" | "key" | "value" => match (gv, wv) {
                (Some(a), Some(b)) => out.extend(diff_member(&format!("{id}${key}"), a, b)),
                _ => out.push(format!("{id}: `{key}` {gv:?} (IDL) != {wv:?} (JSON)")),
            },
            "traits" => out.extend(diff_traits(id, gv, wv)),
            _ => {
                if gv != wv {
                    out.push(format!("{id}: `{key}` {} (IDL) != {} (JSON)", show(gv), show(wv)));
                }
            }
        }
    }
    out
}

fn diff_member(id: &str, got: &Value, want: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if got.get("target") != want.get("target") {
        out.push(format!("{id}: target {} (IDL) != {} (JSON)", show(got.get("target")), show(want.get("target"))));
    }
    out.extend(diff_traits(id, got.get("traits"), want.get("traits")));
    out
}

fn diff_traits(id: &str, got: Option<&Value>, want: Option<&Value>) -> Vec<String> {
    let empty = Map::new();
    let g = got.and_then(Value::as_object).unwrap_or(&empty);
    let w = want.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = g.keys().chain(w.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| g.get(*k) != w.get(*k))
        .map(|k| format!("{id}: trait `{k}` {} (IDL) != {} (JSON)", show(g.get(k)), show(w.get(k))))
        .collect()
}

fn show(v: Option<&Value>) -> String {
    let s = v.map_or_else(|| "(absent)".to_string(), Value::to_string);
    if s.len() > 300 {
        format!("{}...", &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)])
    } else {
        s
    }
}
