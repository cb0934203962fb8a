//! Drift check: our hand-maintained seed models in `models/` must agree with
//! the official AWS Smithy models (Smithy 2.0 JSON AST) kept in
//! found through the third-party search order (`smithy_gen_codegen::third_party`).
//!
//! For every shape in our file the official model must have the same shape id
//! with the same type, the same member names in the same order, the same
//! member targets and the same values of the constraint and binding traits
//! (on the shape and on each member). Operations must have the same input,
//! output and errors; the service the same version, protocol, `aws.auth#sigv4`
//! and `aws.api#service` traits. All differences are collected and reported
//! at once.
//! The test is skipped, saying so, when the official models are not found
//! (a bare clone; `cargo xtask fetch-models` fetches them), and fails then
//! under `SMITHY_REQUIRE_THIRD_PARTY=1` (CI).

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Our model file (relative to the workspace root) and the official file name.
const MODELS: &[(&str, &str)] = &[
    (
        "models/cloudwatch-logs.json",
        "cloudwatch-logs-2014-03-28.json",
    ),
    ("models/guardduty.json", "guardduty-2017-11-28.json"),
];

/// Traits whose JSON values must be identical on shapes and members.
const COMPARED_TRAITS: &[&str] = &[
    "smithy.api#required",
    "smithy.api#length",
    "smithy.api#pattern",
    "smithy.api#range",
    "smithy.api#enumValue",
    "smithy.api#default",
    "smithy.api#clientOptional",
    "smithy.api#idempotencyToken",
    "smithy.api#http",
    "smithy.api#httpLabel",
    "smithy.api#httpQuery",
    "smithy.api#httpQueryParams",
    "smithy.api#httpHeader",
    "smithy.api#httpPrefixHeaders",
    "smithy.api#httpPayload",
    "smithy.api#httpResponseCode",
    "smithy.api#jsonName",
    "smithy.api#error",
    "smithy.api#httpError",
    "smithy.api#sensitive",
    "smithy.api#uniqueItems",
    "smithy.api#timestampFormat",
    "smithy.api#streaming",
    "smithy.api#input",
    "smithy.api#output",
];

/// Service-level traits that must be identical (plus any `aws.protocols#*`).
const SERVICE_TRAITS: &[&str] = &["aws.api#service", "aws.auth#sigv4", "smithy.rules#endpointRuleSet", "smithy.rules#endpointTests"];

const PRELUDE_NAMESPACE: &str = "smithy.api#";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

/// Member order is only meaningful if serde_json keeps object keys in
/// document order (the `preserve_order` feature).
fn assert_json_key_order_preserved() {
    let v: Value = serde_json::from_str(r#"{"b":1,"a":2}"#).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["b", "a"],
        "serde_json must be built with the `preserve_order` feature for member order checks"
    );
}

fn show(v: Option<&Value>) -> String {
    match v {
        Some(v) => v.to_string(),
        None => "(absent)".to_string(),
    }
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

fn traits_of(v: &Value) -> &Map<String, Value> {
    v.get("traits")
        .and_then(Value::as_object)
        .unwrap_or_else(|| empty_map())
}

fn target_of(v: Option<&Value>) -> Option<&str> {
    v.and_then(|v| v.get("target")).and_then(Value::as_str)
}

fn shapes_of(model: &Value) -> Option<&Map<String, Value>> {
    model.get("shapes").and_then(Value::as_object)
}

/// Compare the selected traits of `ours` and `official`; `at` names the
/// shape or member in messages.
fn compare_traits(
    diffs: &mut Vec<String>,
    label: &str,
    at: &str,
    names: &mut dyn Iterator<Item = &str>,
    ours: &Map<String, Value>,
    official: &Map<String, Value>,
) {
    for name in names {
        let (a, b) = (ours.get(name), official.get(name));
        if a != b {
            diffs.push(format!(
                "{label}: {at}: trait {name} differs: ours {}, official {}",
                show(a),
                show(b)
            ));
        }
    }
}

/// Every difference between our model and the official one, as readable
/// lines prefixed with `label` (the path of our file).
pub fn compare_models(label: &str, ours: &Value, official: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    if ours.get("smithy").and_then(Value::as_str) != Some("2.0") {
        diffs.push(format!(
            "{label}: \"smithy\" version is {}, expected \"2.0\"",
            show(ours.get("smithy"))
        ));
    }
    let Some(our_shapes) = shapes_of(ours) else {
        diffs.push(format!("{label}: no \"shapes\" object"));
        return diffs;
    };
    let Some(official_shapes) = shapes_of(official) else {
        diffs.push(format!("{label}: official model has no \"shapes\" object"));
        return diffs;
    };
    if our_shapes.is_empty() {
        diffs.push(format!("{label}: model has no shapes"));
    }

    let mut services = 0;
    for (id, ours) in our_shapes {
        let Some(off) = official_shapes.get(id) else {
            diffs.push(format!("{label}: {id}: shape not in the official model"));
            continue;
        };
        let our_type = ours.get("type").and_then(Value::as_str).unwrap_or("");
        let off_type = off.get("type").and_then(Value::as_str).unwrap_or("");
        if our_type != off_type {
            diffs.push(format!(
                "{label}: {id}: type differs: ours {}, official {}",
                show(ours.get("type")),
                show(off.get("type"))
            ));
            continue;
        }

        // References must resolve within our file (or the prelude).
        for r in references(ours) {
            if !r.starts_with(PRELUDE_NAMESPACE) && !our_shapes.contains_key(r) {
                diffs.push(format!(
                    "{label}: {id}: refers to {r}, which is not in the model"
                ));
            }
        }

        compare_traits(
            &mut diffs,
            label,
            id,
            &mut COMPARED_TRAITS.iter().copied(),
            traits_of(ours),
            traits_of(off),
        );

        // Aggregate members (structure, union, enum, intEnum).
        let our_members = ours.get("members").and_then(Value::as_object);
        let off_members = off.get("members").and_then(Value::as_object);
        if our_members.is_some() || off_members.is_some() {
            let om = our_members.unwrap_or_else(|| empty_map());
            let fm = off_members.unwrap_or_else(|| empty_map());
            let on: Vec<&String> = om.keys().collect();
            let fn_: Vec<&String> = fm.keys().collect();
            if on != fn_ {
                diffs.push(format!(
                    "{label}: {id}: member names/order differ: ours {on:?}, official {fn_:?}"
                ));
            }
            for (name, m) in om {
                let Some(fmem) = fm.get(name) else { continue };
                compare_member(&mut diffs, label, &format!("{id}${name}"), m, fmem);
            }
        }

        // Collection members (list member, map key and value).
        for part in ["member", "key", "value"] {
            let (a, b) = (ours.get(part), off.get(part));
            if a.is_none() && b.is_none() {
                continue;
            }
            let at = format!("{id}${part}");
            match (a, b) {
                (Some(a), Some(b)) => compare_member(&mut diffs, label, &at, a, b),
                _ => diffs.push(format!(
                    "{label}: {at}: differs: ours {}, official {}",
                    show(a),
                    show(b)
                )),
            }
        }

        match our_type {
            "operation" => {
                for part in ["input", "output", "errors"] {
                    let (a, b) = (ours.get(part), off.get(part));
                    if a != b {
                        diffs.push(format!(
                            "{label}: {id}: operation {part} differs: ours {}, official {}",
                            show(a),
                            show(b)
                        ));
                    }
                }
            }
            "service" => {
                services += 1;
                compare_service(&mut diffs, label, id, ours, off, our_shapes);
            }
            _ => {}
        }
    }
    if services != 1 {
        diffs.push(format!(
            "{label}: expected exactly one service shape, found {services}"
        ));
    }
    diffs
}

fn compare_member(diffs: &mut Vec<String>, label: &str, at: &str, ours: &Value, off: &Value) {
    let (a, b) = (target_of(Some(ours)), target_of(Some(off)));
    if a != b {
        diffs.push(format!(
            "{label}: {at}: target differs: ours {}, official {}",
            a.unwrap_or("(absent)"),
            b.unwrap_or("(absent)")
        ));
    }
    compare_traits(
        diffs,
        label,
        at,
        &mut COMPARED_TRAITS.iter().copied(),
        traits_of(ours),
        traits_of(off),
    );
}

fn compare_service(
    diffs: &mut Vec<String>,
    label: &str,
    id: &str,
    ours: &Value,
    off: &Value,
    our_shapes: &Map<String, Value>,
) {
    if ours.get("version") != off.get("version") {
        diffs.push(format!(
            "{label}: {id}: service version differs: ours {}, official {}",
            show(ours.get("version")),
            show(off.get("version"))
        ));
    }
    let (ot, ft) = (traits_of(ours), traits_of(off));
    let protocols: Vec<&str> = ot
        .keys()
        .chain(ft.keys())
        .map(String::as_str)
        .filter(|k| k.starts_with("aws.protocols#"))
        .collect();
    let mut names = SERVICE_TRAITS.iter().copied().chain(protocols);
    compare_traits(diffs, label, id, &mut names, ot, ft);
    if ours.get("errors") != off.get("errors") {
        diffs.push(format!(
            "{label}: {id}: service errors differ: ours {}, official {}",
            show(ours.get("errors")),
            show(off.get("errors"))
        ));
    }

    let ops = ours.get("operations").and_then(Value::as_array);
    let official_ops: Vec<&str> = off
        .get("operations")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(|o| target_of(Some(o))).collect())
        .unwrap_or_default();
    match ops {
        None => diffs.push(format!("{label}: {id}: service lists no operations")),
        Some(ops) if ops.is_empty() => {
            diffs.push(format!("{label}: {id}: service lists no operations"))
        }
        Some(ops) => {
            for op in ops {
                let Some(t) = target_of(Some(op)) else {
                    diffs.push(format!("{label}: {id}: malformed operation entry {op}"));
                    continue;
                };
                if !official_ops.contains(&t) {
                    diffs.push(format!(
                        "{label}: {id}: operation {t} is not an operation of the official service"
                    ));
                }
                match our_shapes
                    .get(t)
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str)
                {
                    Some("operation") => {}
                    Some(other) => diffs.push(format!(
                        "{label}: {id}: operation {t} is a {other} shape in our model"
                    )),
                    None => diffs.push(format!(
                        "{label}: {id}: operation {t} is missing from our model"
                    )),
                }
            }
        }
    }
}

/// Shape ids a shape refers to (member targets, operation input/output/errors,
/// service resources/errors, mixins). Service operations are checked separately.
fn references(shape: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    for part in ["member", "key", "value", "input", "output"] {
        out.extend(target_of(shape.get(part)));
    }
    if let Some(ms) = shape.get("members").and_then(Value::as_object) {
        out.extend(ms.values().filter_map(|m| target_of(Some(m))));
    }
    for part in ["errors", "resources", "mixins"] {
        if let Some(list) = shape.get(part).and_then(Value::as_array) {
            out.extend(list.iter().filter_map(|e| target_of(Some(e))));
        }
    }
    out
}

fn load_pair(ours: &str, official: &Path) -> (Value, Value) {
    (load_json(&workspace_root().join(ours)), load_json(official))
}

#[test]
fn seed_models_match_official_aws_models() {
    assert_json_key_order_preserved();
    let names: Vec<&str> = MODELS.iter().map(|(_, official)| *official).collect();
    let Some(officials) = integration_tests::third_party::official_models("model drift", &names) else { return };
    let mut all = Vec::new();
    for ((ours_path, _), official_path) in MODELS.iter().zip(&officials) {
        let (ours, official) = load_pair(ours_path, official_path);
        let count = shapes_of(&ours).map_or(0, Map::len);
        assert!(count > 0, "{ours_path}: no shapes");
        all.extend(compare_models(ours_path, &ours, &official));
    }
    assert!(
        all.is_empty(),
        "{} difference(s) between our models and the official AWS models:\n  {}",
        all.len(),
        all.join("\n  ")
    );
}

#[test]
fn drift_checker_reports_mutations() {
    assert_json_key_order_preserved();
    let label = "models/guardduty.json";
    let Some(path) = integration_tests::third_party::official_model("the drift checker", "guardduty-2017-11-28.json") else { return };
    let (mut ours, official) = load_pair(label, &path);
    assert_eq!(
        compare_models(label, &ours, &official),
        Vec::<String>::new(),
        "unmutated model must match"
    );

    let shapes = ours["shapes"].as_object_mut().unwrap();
    // 1. Change a length bound.
    shapes["com.amazonaws.guardduty#DetectorId"]["traits"]["smithy.api#length"]["max"] =
        Value::from(301);
    // 2. Retarget a member to another (existing) shape.
    shapes["com.amazonaws.guardduty#CreatePublishingDestinationRequest"]["members"]
        ["ClientToken"]["target"] = Value::from("com.amazonaws.guardduty#String");

    let diffs = compare_models(label, &ours, &official);
    assert_eq!(
        diffs,
        vec![
            "models/guardduty.json: com.amazonaws.guardduty#CreatePublishingDestinationRequest$ClientToken: \
             target differs: ours com.amazonaws.guardduty#String, official com.amazonaws.guardduty#ClientToken"
                .to_string(),
            "models/guardduty.json: com.amazonaws.guardduty#DetectorId: trait smithy.api#length differs: \
             ours {\"min\":1,\"max\":301}, official {\"min\":1,\"max\":300}"
                .to_string(),
        ]
    );
}
