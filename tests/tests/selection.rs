//! Choosing operations: a crate generated for some operations of a complete
//! official model holds exactly their closure (no unused shape), and asking
//! for what the models do not have is an error that says what they do have.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

/// An official model, found through the third-party search order (each
/// test first checks with [`missing`] that they are there).
fn official(name: &str) -> PathBuf {
    smithy_gen_codegen::third_party::find_file(smithy_gen_codegen::third_party::Set::AwsModels, &integration_tests::third_party::checkout(), name)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// True (and the test skipped, saying why) when the official seed models
/// are not found.
fn missing() -> bool {
    integration_tests::third_party::official_models("selection from the official models", integration_tests::third_party::SEED_MODELS).is_none()
}

const LOGS: &str = "cloudwatch-logs-2014-03-28.json";
const LOGS_ID: &str = "com.amazonaws.cloudwatchlogs#Logs_20140328";

fn options(models: &[&str], services: &[(&str, &[&str])], anywhere: Option<&[&str]>) -> smithy_gen_codegen::Options {
    smithy_gen_codegen::Options {
        models: models.iter().map(|m| official(m)).collect(),
        crate_name: "selected".into(),
        selection: smithy_gen_codegen::Selection {
            services: services
                .iter()
                .map(|(id, ops)| (id.to_string(), ops.iter().map(|o| o.to_string()).collect()))
                .collect(),
            anywhere: anywhere.map(|ops| ops.iter().map(|o| o.to_string()).collect()),
        },
        packaging: Default::default(),
    }
}

/// The names of the structures, unions and enums in a generated types file.
fn type_names(files: &[smithy_gen_codegen::RenderedFile], path: &str) -> BTreeSet<String> {
    let file = files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
    file.contents
        .lines()
        .filter_map(|l| l.strip_prefix("pub struct ").or_else(|| l.strip_prefix("pub enum ")))
        .map(|l| l.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or_default().to_string())
        .collect()
}

/// The named shapes (structures, unions, enums) an operation reaches, walked
/// independently of the generator, from the raw JSON AST.
fn closure(model: &Value, ops: &[&str], service_errors: &[String]) -> BTreeSet<String> {
    let shapes = model["shapes"].as_object().expect("shapes");
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = service_errors.to_vec();
    for op in ops {
        let o = &shapes[&format!("com.amazonaws.cloudwatchlogs#{op}")];
        for key in ["input", "output"] {
            if let Some(t) = o[key]["target"].as_str() {
                let io = &shapes[t];
                for m in io["members"].as_object().into_iter().flatten() {
                    stack.push(m.1["target"].as_str().expect("target").to_string());
                }
            }
        }
        for e in o["errors"].as_array().into_iter().flatten() {
            stack.push(e["target"].as_str().expect("target").to_string());
        }
    }
    let mut named = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(shape) = shapes.get(&id) else { continue };
        let ty = shape["type"].as_str().unwrap_or_default();
        if ["structure", "union", "enum", "intEnum"].contains(&ty) {
            named.insert(id.rsplit('#').next().unwrap_or_default().to_string());
        }
        for key in ["member", "key", "value"] {
            if let Some(t) = shape[key]["target"].as_str() {
                stack.push(t.to_string());
            }
        }
        for m in shape["members"].as_object().into_iter().flatten() {
            if ty != "enum" && ty != "intEnum" {
                stack.push(m.1["target"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    named
}

#[test]
fn chosen_operations_emit_exactly_their_closure() {
    if missing() {
        return;
    }
    let ops = ["PutDestination", "DescribeLogGroups", "GetLogEvents"];
    let files = smithy_gen_codegen::generate(&options(&[LOGS], &[(LOGS_ID, &ops)], None)).unwrap_or_else(|e| panic!("{e}"));
    let model: Value = serde_json::from_str(&std::fs::read_to_string(official(LOGS)).expect("model")).expect("json");
    let service_errors: Vec<String> = model["shapes"][LOGS_ID]["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["target"].as_str().map(str::to_string))
        .collect();
    let mut want = closure(&model, &ops, &service_errors);
    for op in ops {
        want.insert(format!("{op}Input"));
        want.insert(format!("{op}Output"));
    }
    let got = type_names(&files, "src/cloudwatch_logs/types.rs");
    assert_eq!(got, want, "generated types differ from the closure of {ops:?}");
    let client = &files.iter().find(|f| f.path == "src/cloudwatch_logs/client.rs").expect("client").contents;
    assert_eq!(client.matches("pub async fn ").count(), ops.len(), "one client method per chosen operation");
    let manifest = &files.iter().find(|f| f.path == "Cargo.toml").expect("manifest").contents;
    assert!(manifest.contains("\"cloudwatch-logs-get-log-events\" = []") && !manifest.contains("put-log-events"));
}

#[test]
fn operations_flag_keeps_only_services_that_have_them() {
    if missing() {
        return;
    }
    let files = smithy_gen_codegen::generate(&options(&[LOGS, "guardduty-2017-11-28.json"], &[], Some(&["ListDetectors"])))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(files.iter().any(|f| f.path == "src/guardduty/client.rs"));
    assert!(!files.iter().any(|f| f.path.starts_with("src/cloudwatch_logs/")), "Logs has no ListDetectors");
}

#[test]
fn unknown_operations_and_services_are_errors_that_list_the_choices() {
    if missing() {
        return;
    }
    let err = smithy_gen_codegen::generate(&options(&[LOGS], &[(LOGS_ID, &["PutDestination", "PutDestinaton"])], None))
        .expect_err("a misspelt operation")
        .to_string();
    assert!(err.contains("cloudwatch-logs-2014-03-28.json"), "{err}");
    assert!(err.contains("operation `PutDestinaton`, which the service does not have"), "{err}");
    assert!(err.contains("PutDestinationPolicy"), "the message lists the service's operations: {err}");

    let err = smithy_gen_codegen::generate(&options(&[LOGS], &[("com.example#Nope", &["X"])], None)).expect_err("no such service").to_string();
    assert!(err.contains("`com.example#Nope`, which no model file defines") && err.contains(LOGS_ID), "{err}");

    let err = smithy_gen_codegen::generate(&options(&[LOGS], &[], Some(&["NoSuchOp"]))).expect_err("no such op").to_string();
    assert!(err.contains("operation `NoSuchOp` was asked for, but no service in the models has"), "{err}");
}

/// The Logs model with broken shapes that only `PutLogEvents` reaches: a
/// member whose target does not exist and a `@range` whose min exceeds its max.
fn logs_broken_in_put_log_events() -> PathBuf {
    let text = std::fs::read_to_string(official(LOGS)).expect("the Logs model");
    let mut model: Value = serde_json::from_str(&text).expect("JSON");
    let shapes = model["shapes"].as_object_mut().expect("shapes");
    let ns = "com.amazonaws.cloudwatchlogs#";
    shapes[&format!("{ns}InputLogEvent")]["members"]["message"]["target"] = Value::from(format!("{ns}NoSuchShape"));
    shapes[&format!("{ns}PutLogEventsRequest")]["members"]["broken"] = serde_json::json!({"target": format!("{ns}BrokenRange")});
    shapes.insert(
        format!("{ns}BrokenRange"),
        serde_json::json!({"type": "integer", "traits": {"smithy.api#range": {"min": 5, "max": 1}}}),
    );
    let dir = std::env::temp_dir().join(format!("selection-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(LOGS);
    std::fs::write(&path, model.to_string()).expect("write the model");
    path
}

#[test]
fn problems_outside_the_chosen_closure_never_block_a_selection() {
    if missing() {
        return;
    }
    let model = logs_broken_in_put_log_events();
    let mut opts = options(&[], &[(LOGS_ID, &["PutDestination", "GetLogEvents"])], None);
    opts.models = vec![model.clone()];

    let generated = smithy_gen_codegen::generate_reporting(&opts).unwrap_or_else(|e| panic!("the broken shapes are not chosen: {e}"));
    assert!(generated.files.iter().any(|f| f.path == "src/cloudwatch_logs/client.rs"));
    let warning = generated.warnings.iter().find(|w| w.contains("outside the generated operations' closure"));
    let warning = warning.unwrap_or_else(|| panic!("the skipped problems are mentioned once: {:?}", generated.warnings));
    assert!(warning.starts_with("2 problems"), "{warning}");

    // Choosing an operation that reaches them reports both, with where and what.
    opts.selection = smithy_gen_codegen::Selection {
        services: [(LOGS_ID.to_string(), ["PutLogEvents".to_string()].into())].into(),
        anywhere: None,
    };
    let err = smithy_gen_codegen::generate(&opts).expect_err("PutLogEvents reaches the broken shapes").to_string();
    assert!(err.contains("InputLogEvent$message: target `com.amazonaws.cloudwatchlogs#NoSuchShape` does not exist"), "{err}");
    assert!(err.contains("BrokenRange: trait `smithy.api#range`: `min` (5) is greater than `max` (1)"), "{err}");
    assert!(err.contains(&model.display().to_string()), "the file is named: {err}");
    // So does generating every operation.
    opts.selection = smithy_gen_codegen::Selection::default();
    assert!(smithy_gen_codegen::generate(&opts).is_err());
    let _ = std::fs::remove_dir_all(model.parent().expect("dir"));
}
