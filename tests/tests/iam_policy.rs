//! The IAM policy a crate needs: each operation's action (the model's
//! `aws.iam#iamAction` name, S3's names from the Service Authorization
//! Reference, else the operation's name under the service's IAM prefix),
//! the actions the model says it requires (`iamAction.requiredActions` and
//! the older `aws.iam#requiredActions`), for the operations compiled in:
//! through the generator's `iam_policy`, the `smithy-gen iam-policy`
//! command, the generated crate's `IAM_ACTIONS`/`iam_policy()`, and
//! `smithy-call <service> --iam-policy`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};
use smithy_gen_codegen::{Model, Selection};

/// A service whose operations use every way a model names IAM actions.
const MODEL: &str = r#"{
    "smithy": "2.0",
    "shapes": {
        "com.example.gadgets#Gadgets": {
            "type": "service",
            "version": "2024-01-01",
            "operations": [
                {"target": "com.example.gadgets#BatchGetGadget"},
                {"target": "com.example.gadgets#CreateGadget"},
                {"target": "com.example.gadgets#DeleteGadget"},
                {"target": "com.example.gadgets#ListGadgets"}
            ],
            "traits": {
                "aws.protocols#awsJson1_0": {},
                "aws.auth#sigv4": {"name": "gadgets-signing"},
                "aws.api#service": {"sdkId": "Gadgets", "endpointPrefix": "gadgets-api", "arnNamespace": "gadgets"}
            }
        },
        "com.example.gadgets#BatchGetGadget": {
            "type": "operation",
            "input": {"target": "smithy.api#Unit"},
            "output": {"target": "smithy.api#Unit"},
            "traits": {"aws.iam#iamAction": {"name": "GetGadget", "documentation": "Grants permission to read gadgets"}}
        },
        "com.example.gadgets#CreateGadget": {
            "type": "operation",
            "input": {"target": "smithy.api#Unit"},
            "output": {"target": "smithy.api#Unit"},
            "traits": {"aws.iam#iamAction": {"requiredActions": ["iam:PassRole", "gadgets:TagResource", "iam:PassRole"]}}
        },
        "com.example.gadgets#DeleteGadget": {
            "type": "operation",
            "input": {"target": "smithy.api#Unit"},
            "output": {"target": "smithy.api#Unit"},
            "traits": {"aws.iam#requiredActions": ["kms:Decrypt"]}
        },
        "com.example.gadgets#ListGadgets": {
            "type": "operation",
            "input": {"target": "smithy.api#Unit"},
            "output": {"target": "smithy.api#Unit"}
        }
    }
}"#;

fn policy_actions(policy: &str) -> Vec<String> {
    let doc: Value = serde_json::from_str(policy).expect("the policy is JSON");
    assert_eq!(doc["Version"], "2012-10-17");
    assert_eq!(doc["Statement"][0]["Effect"], "Allow");
    assert_eq!(doc["Statement"][0]["Resource"], "*");
    doc["Statement"][0]["Action"].as_array().expect("actions").iter().map(|a| a.as_str().expect("a string").to_string()).collect()
}

fn gadgets(only: &[&str]) -> String {
    let model = Model::load_sources(&[(PathBuf::from("gadgets.json"), MODEL.to_string())]).expect("the model loads");
    let selection = Selection { services: Default::default(), anywhere: (!only.is_empty()).then(|| only.iter().map(|s| s.to_string()).collect()) };
    smithy_gen_codegen::iam_policy(&model, &selection).expect("a policy")
}

#[test]
fn iam_action_names_and_required_actions_come_from_the_model() {
    assert_eq!(
        policy_actions(&gadgets(&[])),
        [
            "gadgets:CreateGadget",
            "gadgets:DeleteGadget",
            "gadgets:GetGadget",
            "gadgets:ListGadgets",
            "gadgets:TagResource",
            "iam:PassRole",
            "kms:Decrypt",
        ],
        "the prefix is the arnNamespace (not the signing name or endpoint prefix); `name` renames; both forms of requiredActions count"
    );
    // Only the operations selected.
    assert_eq!(policy_actions(&gadgets(&["BatchGetGadget", "DeleteGadget"])), ["gadgets:DeleteGadget", "gadgets:GetGadget", "kms:Decrypt"]);
}

#[test]
fn a_malformed_iam_action_is_an_error_naming_the_shape() {
    let bad = MODEL.replace(r#""aws.iam#requiredActions": ["kms:Decrypt"]"#, r#""aws.iam#requiredActions": "kms:Decrypt""#);
    let model = Model::load_sources(&[(PathBuf::from("gadgets.json"), bad)]).expect("loads; the problem is kept for the shape");
    let err = smithy_gen_codegen::iam_policy(&model, &Selection::default()).expect_err("a string is not a list");
    let text = err.to_string();
    assert!(text.contains("DeleteGadget") && text.contains("aws.iam#requiredActions"), "{text}");
}

/// The policy of a crate with two S3 operations and one IAM operation, by
/// the generator command a user runs before building anything.
#[test]
fn smithy_gen_iam_policy_for_two_s3_and_one_iam_operation() {
    let Some(models) = integration_tests::third_party::official_models(
        "smithy_gen_iam_policy_for_two_s3_and_one_iam_operation",
        &["s3-2006-03-01.json", "iam-2010-05-08.json"],
    ) else {
        return;
    };
    let mut cmd = integration_tests::cargo_command();
    cmd.current_dir(integration_tests::third_party::checkout()).args(["-p", "smithy-gen", "--bin", "smithy-gen"]);
    let bin = integration_tests::build_binary(cmd);
    let out = Command::new(bin)
        .args(["iam-policy", "--model", &models[0].display().to_string(), "--model", &models[1].display().to_string()])
        .args(["--operations", "ListObjectsV2,PutObject,CreateRole"])
        .output()
        .expect("run smithy-gen");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        policy_actions(&String::from_utf8_lossy(&out.stdout)),
        ["iam:CreateRole", "s3:ListBucket", "s3:PutObject"],
        "S3's ListObjectsV2 is allowed by s3:ListBucket (there is no s3:ListObjectsV2 action)"
    );
}

#[test]
fn the_generated_crate_lists_the_actions_of_its_operations() {
    use aws_generated::{iam, s3};
    fn find(table: &'static [(&'static str, &'static [&'static str])], op: &str) -> Option<Vec<&'static str>> {
        table.iter().find(|(o, _)| *o == op).map(|(_, a)| a.to_vec())
    }
    assert_eq!(find(s3::IAM_ACTIONS, "ListObjectsV2"), Some(vec!["s3:ListBucket"]));
    assert_eq!(find(s3::IAM_ACTIONS, "HeadObject"), Some(vec!["s3:GetObject"]));
    assert_eq!(find(s3::IAM_ACTIONS, "CopyObject"), Some(vec!["s3:GetObject", "s3:PutObject"]));
    assert_eq!(find(iam::IAM_ACTIONS, "GetRole"), Some(vec!["iam:GetRole"]));
    assert_eq!(s3::IAM_ACTIONS.len(), s3::OPERATIONS.len(), "one entry per operation compiled in");
    let all = policy_actions(&aws_generated::iam_policy());
    for action in ["logs:PutDestination", "guardduty:CreatePublishingDestination", "s3:ListBucket", "iam:GetRole", "sts:AssumeRole"] {
        assert!(all.iter().any(|a| a == action), "{action} in {all:?}");
    }
    assert_eq!(policy_actions(&s3::iam_policy()).iter().filter(|a| !a.starts_with("s3:")).count(), 0);
}

#[test]
fn smithy_call_prints_the_policy_of_a_service_or_one_operation() {
    let bin = integration_tests::smithy_call_binary();
    let out = Command::new(&bin).args(["s3", "--iam-policy"]).output().expect("run smithy-call");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let actions = policy_actions(&String::from_utf8_lossy(&out.stdout));
    assert!(actions.contains(&"s3:ListAllMyBuckets".to_string()) && actions.contains(&"s3:PutObject".to_string()), "{actions:?}");
    let out = Command::new(&bin).args(["s3", "CopyObject", "--iam-policy"]).output().expect("run smithy-call");
    assert_eq!(policy_actions(&String::from_utf8_lossy(&out.stdout)), ["s3:GetObject", "s3:PutObject"]);
    let out = Command::new(&bin).args(["s3", "NoSuchOperation", "--iam-policy"]).output().expect("run smithy-call");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json!(String::from_utf8_lossy(&out.stdout)), json!(""));
}

/// S3's model names no `aws.iam#iamAction`, but each operation's
/// documentation names the permissions it needs: every action the generator
/// gives an S3 operation whose documentation names some must be one of them
/// (`DeleteBucketOwnershipControls` needs `s3:PutBucketOwnershipControls`,
/// `CreateSession` `s3express:CreateSession`).
#[test]
fn s3_actions_are_those_its_documentation_names() {
    let Some(model_path) = integration_tests::third_party::official_model("s3_actions_are_those_its_documentation_names", "s3-2006-03-01.json") else {
        return;
    };
    let text = std::fs::read_to_string(&model_path).expect("the S3 model");
    let json: Value = serde_json::from_str(&text).expect("JSON");
    let model = Model::load_sources(&[(model_path, text)]).expect("the model loads");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (id, shape) in json["shapes"].as_object().expect("shapes") {
        if shape["type"] != "operation" {
            continue;
        }
        let op = id.rsplit('#').next().expect("a name");
        let docs = shape["traits"]["smithy.api#documentation"].as_str().unwrap_or_default();
        let named: Vec<&str> = docs
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-'))
            .filter(|w| ["s3:", "s3express:", "s3-object-lambda:"].iter().any(|p| w.starts_with(p)) && w.len() > 4)
            .collect();
        let ours = policy_actions(&smithy_gen_codegen::iam_policy(&model, &Selection { services: Default::default(), anywhere: Some([op.to_string()].into()) }).expect("a policy"));
        // Only the `s3:` family documents S3's own needs (S3 Express's session aside).
        let documented: Vec<&str> = named.iter().copied().filter(|a| !a.starts_with("s3express:") || !ours.iter().any(|o| o.starts_with("s3:"))).collect();
        if documented.is_empty() {
            continue;
        }
        checked += 1;
        if ours.iter().any(|a| !documented.contains(&a.as_str())) {
            wrong.push(format!("{op}: ours {ours:?}, documented {documented:?}"));
        }
    }
    assert!(checked > 60, "only {checked} operations name their permissions");
    assert!(wrong.is_empty(), "actions the documentation does not name:\n{}", wrong.join("\n"));
}

#[test]
fn unsigned_operations_need_no_action() {
    let sts = aws_generated::sts::IAM_ACTIONS;
    let of = |op: &str| sts.iter().find(|(o, _)| *o == op).map(|(_, a)| a.len());
    assert_eq!(of("AssumeRoleWithWebIdentity"), Some(0), "called without credentials: no IAM permission of the caller is checked");
    assert_eq!(of("AssumeRole"), Some(1));
    assert!(!policy_actions(&aws_generated::iam_policy()).iter().any(|a| a == "sts:AssumeRoleWithWebIdentity" || a == "sso-oauth:CreateToken"));
}
