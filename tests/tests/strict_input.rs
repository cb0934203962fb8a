//! Reading an input from JSON loses nothing: a member the input does not
//! have is an error that names it and lists those it has; a value of the
//! wrong type is an error that names the member's path and the type
//! expected; an empty union names the member that holds it. Responses stay
//! lenient. `smithy-call` exits 2 for all of these and reads `--input` from a
//! file (`@path`) or standard input (`-`).

use std::io::Write;
use std::process::{Command, Stdio};

use aws_generated::cloudwatch_logs::types::{PutDestinationInput, PutDestinationOutput, PutIntegrationInput};
use smithy_gen_runtime::protocols::json::input_from_str;

#[test]
fn an_unknown_member_is_an_error_that_lists_the_members() {
    let text = r#"{"destinationName":"d","targetArn":"a","roleArn":"r","tagz":{"a":"b"}}"#;
    let e = input_from_str::<PutDestinationInput>(text).unwrap_err();
    // From text, serde_json adds where in the text.
    assert_eq!(e.to_string(), "unknown field `tagz`, expected one of `destinationName`, `targetArn`, `roleArn`, `tags` at line 1 column 59");
    // Plain serde reading of an input type is strict too.
    let e = serde_json::from_str::<PutDestinationInput>(text).unwrap_err();
    assert!(e.to_string().contains("unknown field `tagz`"), "{e}");
    // Nested structures inside an input are read strictly.
    let text = r#"{"integrationName":"i","integrationType":"OPENSEARCH","resourceConfig":{"openSearchResourceConfig":{"dataSourceRoleArn":"r","dashboardViewerPrincipals":["p"],"retentionDays":7,"kmsKeyArm":"k"}}}"#;
    let e = input_from_str::<PutIntegrationInput>(text).unwrap_err();
    assert_eq!(e.path, "resourceConfig.openSearchResourceConfig");
    assert!(e.message.starts_with("unknown field `kmsKeyArm`, expected one of `kmsKeyArn`, `dataSourceRoleArn`"), "{e}");
}

#[test]
fn a_type_error_names_the_member_path_and_the_expected_type() {
    let e = input_from_str::<PutDestinationInput>(r#"{"destinationName":"d","targetArn":"a","roleArn":"r","tags":7}"#).unwrap_err();
    assert_eq!(e.to_string(), "tags: invalid type: integer `7`, expected a map at line 1 column 61");
    let text = r#"{"integrationName":"i","integrationType":"OPENSEARCH","resourceConfig":{"openSearchResourceConfig":{"dataSourceRoleArn":"r","dashboardViewerPrincipals":["p"],"retentionDays":"seven"}}}"#;
    let e = input_from_str::<PutIntegrationInput>(text).unwrap_err();
    assert_eq!(e.path, "resourceConfig.openSearchResourceConfig.retentionDays");
    assert!(e.message.starts_with("invalid type: string \"seven\", expected i32"), "{e}");
}

#[test]
fn an_empty_or_unknown_union_names_the_member_that_holds_it() {
    let e = input_from_str::<PutIntegrationInput>(r#"{"integrationName":"i","integrationType":"OPENSEARCH","resourceConfig":{}}"#).unwrap_err();
    assert!(e.to_string().starts_with("resourceConfig: union ResourceConfig must have exactly one member set, found none"), "{e}");
    let e = input_from_str::<PutIntegrationInput>(r#"{"integrationName":"i","integrationType":"OPENSEARCH","resourceConfig":{"s3":{}}}"#).unwrap_err();
    assert!(e.to_string().starts_with("resourceConfig: unknown field `s3`, expected `openSearchResourceConfig`"), "{e}");
}

#[test]
fn responses_stay_lenient() {
    let out: PutDestinationOutput =
        serde_json::from_str(r#"{"destination":{"destinationName":"d","newMember":1},"alsoNew":[1,2]}"#).expect("lenient");
    assert_eq!(out.destination.and_then(|d| d.destination_name).as_deref(), Some("d"));
}

fn smithy_call(input_arg: &str, stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(integration_tests::smithy_call_binary())
        .args(["logs", "PutDestination", "--dry-run", "--input", input_arg])
        .env("AWS_ACCESS_KEY_ID", "AKIDSTRICT")
        .env("AWS_SECRET_ACCESS_KEY", "strict-secret")
        .env("AWS_REGION", "us-east-1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("smithy-call");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(pipe);
    let out = child.wait_with_output().expect("wait");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn smithy_call_refuses_what_it_would_lose_and_reads_files_and_stdin() {
    let (code, _, err) = smithy_call(r#"{"destinationName":"d","targetArn":"a","roleArn":"r","tagz":{"a":"b"}}"#, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown field `tagz`, expected one of `destinationName`, `targetArn`, `roleArn`, `tags`"), "{err}");
    let (code, _, err) = smithy_call(r#"{"destinationName":"d","targetArn":"a","roleArn":"r","tags":7}"#, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("tags: invalid type: integer `7`, expected a map"), "{err}");

    let input = r#"{"destinationName":"from-a-file","targetArn":"a","roleArn":"r"}"#;
    let path = std::env::temp_dir().join(format!("smithy-call-input-{}.json", std::process::id()));
    std::fs::write(&path, input).expect("input file");
    let (code, out, err) = smithy_call(&format!("@{}", path.display()), None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("from-a-file"), "{out}");
    let _ = std::fs::remove_file(&path);
    let (code, out, err) = smithy_call("-", Some(&input.replace("from-a-file", "from-stdin")));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("from-stdin"), "{out}");
    let (code, _, err) = smithy_call("@/nonexistent/input.json", None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--input @/nonexistent/input.json: cannot read the file"), "{err}");
}
