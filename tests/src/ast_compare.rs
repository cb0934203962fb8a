//! Comparing Smithy JSON AST documents shape by shape: the oracle of the
//! Smithy IDL loader (`tests/tests/idl_loader.rs`). Documents are merged first
//! (every `"apply"` entry folded into its shape or member, absent `members`
//! and `traits` read as empty), then each shape is compared field by field,
//! member by member (names in order, targets, traits) and trait by trait.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Every shape of `docs`, applies folded in. Applies to members a shape does
/// not hold itself (mixin members) are kept as `"ns#S$m"` entries.
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
    for (target, traits) in applies {
        let (sid, member) = match target.split_once('$') {
            Some((s, m)) => (s.to_string(), Some(m.to_string())),
            None => (target.clone(), None),
        };
        let slot = shapes.get_mut(&sid).and_then(|s| match &member {
            None => Some(s),
            Some(m) => {
                if s.get("members").and_then(|ms| ms.get(m)).is_some() {
                    s.get_mut("members").and_then(|ms| ms.get_mut(m))
                } else {
                    s.get_mut(m.as_str())
                }
            }
        });
        let slot = match slot {
            Some(s) => s,
            None => shapes.entry(target.clone()).or_insert_with(|| serde_json::json!({"type": "apply", "traits": {}})),
        };
        if let (Some(obj), Some(new)) = (slot.as_object_mut(), traits.as_object()) {
            let t = obj.entry("traits").or_insert_with(|| Value::Object(Map::new()));
            if let Some(t) = t.as_object_mut() {
                for (k, v) in new {
                    t.insert(k.clone(), v.clone());
                }
            }
        }
    }
    shapes
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
