//! The replay transport users write unit tests with
//! (`smithy_gen_runtime::transport::replay`): expected requests answered in order, a
//! readable account of any difference, of a request too many and of one
//! that never came; and recording real exchanges (here with moto) to a file
//! once, then replaying them with no server.

use std::sync::Arc;

use aws_generated::cloudwatch_logs::{self as logs, types::PutDestinationInput};
use aws_generated::sts::{self, types::GetCallerIdentityInput};
use smithy_gen_runtime::transport::replay::{Exchange, RecordingTransport, ReplayTransport};
use smithy_gen_runtime::transport::Transport;
use smithy_gen_runtime::{Config, Credentials, ErrorKind, OperationError};

const TARGET: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
const ROLE: &str = "arn:aws:iam::123456789012:role/r";

fn config(transport: Arc<dyn Transport>) -> Config {
    Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "replay-secret", None))
        .transport(transport)
        .max_attempts(1)
        .build()
        .expect("a configuration")
}

fn put_destination() -> Exchange {
    Exchange::new("POST", "/")
        .header("x-amz-target", "Logs_20140328.PutDestination")
        .json_body(&format!(r#"{{"destinationName": "d1", "targetArn": "{TARGET}", "roleArn": "{ROLE}"}}"#))
        .responds(200, r#"{"destination": {"destinationName": "d1", "creationTime": 1700000000000}}"#)
}

/// A unit test as a user writes it (the README shows this one).
#[tokio::test]
async fn a_unit_test_with_the_replay_transport() {
    let replay = Arc::new(ReplayTransport::new(vec![
        put_destination(),
        Exchange::new("POST", "/")
            .header("x-amz-target", "Logs_20140328.PutDestination")
            .responds(400, r#"{"__type": "InvalidParameterException", "message": "bad role"}"#),
    ]));
    let client = logs::Client::new(config(replay.clone()));
    let out = client.put_destination_with(PutDestinationInput::new("d1", TARGET, ROLE)).await.expect("the canned answer");
    assert_eq!(out.destination.and_then(|d| d.destination_name).as_deref(), Some("d1"));
    let e = client.put_destination_with(PutDestinationInput::new("d2", TARGET, ROLE)).await.expect_err("the canned error");
    assert_eq!(e.code(), Some("InvalidParameterException"));
    replay.assert_done();
}

#[tokio::test]
async fn a_different_request_fails_with_the_difference() {
    let replay = Arc::new(ReplayTransport::new(vec![Exchange::new("POST", "/")
        .header("x-amz-target", "Logs_20140328.DeleteDestination")
        .json_body(r#"{"destinationName": "d9"}"#)
        .responds(200, "{}")]));
    let client = logs::Client::new(config(replay.clone()));
    let e = client.put_destination_with(PutDestinationInput::new("d1", TARGET, ROLE)).await.expect_err("not the request expected");
    assert_eq!(e.kind(), ErrorKind::Transport);
    let shown = e.to_string();
    assert!(shown.contains("header x-amz-target: sent \"Logs_20140328.PutDestination\", expected \"Logs_20140328.DeleteDestination\""), "{shown}");
    assert!(shown.contains("body: sent {"), "{shown}");
    let report = replay.check_done().expect_err("a mismatch");
    assert!(report.contains("request 1 (POST") && report.contains("differs from the one expected"), "{report}");
    assert!(!report.contains("replay-secret"), "{report}");
}

#[tokio::test]
async fn too_many_and_too_few_requests_are_reported() {
    let replay = Arc::new(ReplayTransport::new(vec![put_destination()]));
    let client = logs::Client::new(config(replay.clone()));
    client.put_destination_with(PutDestinationInput::new("d1", TARGET, ROLE)).await.expect("the one expected");
    let e = client.put_destination_with(PutDestinationInput::new("d1", TARGET, ROLE)).await.expect_err("one too many");
    assert!(e.to_string().contains("came after every expected one was played"), "{e}");
    assert!(replay.check_done().expect_err("one too many").contains("request 2"));

    let replay = Arc::new(ReplayTransport::new(vec![put_destination(), put_destination()]));
    let client = logs::Client::new(config(replay.clone()));
    client.put_destination_with(PutDestinationInput::new("d1", TARGET, ROLE)).await.expect("the first");
    let report = replay.check_done().expect_err("one never came");
    assert!(report.contains("1 expected request(s) never came: POST /"), "{report}");
    let caught = std::panic::catch_unwind(|| replay.assert_done());
    assert!(caught.is_err(), "assert_done panics");
}

#[tokio::test]
async fn query_paths_and_xml_bodies_are_compared_as_the_protocol_sends_them() {
    // awsQuery: a form body, compared as its pairs in any order.
    let replay = Arc::new(ReplayTransport::new(vec![Exchange::new("POST", "/")
        .body("Version=2011-06-15&Action=GetCallerIdentity")
        .responds(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>")]));
    let out = sts::Client::new(config(replay.clone())).get_caller_identity_with(GetCallerIdentityInput::default()).await.expect("the canned answer");
    assert_eq!(out.account.as_deref(), Some("123456789012"));
    replay.assert_done();
}

/// Recorded once against a real server (moto), replayed with none.
#[tokio::test]
async fn recorded_exchanges_replay_without_the_server() {
    let Some(moto) = integration_tests::interop::Moto::start() else {
        eprintln!("{}", integration_tests::interop::SKIP_NOTICE);
        return;
    };
    let file = std::env::temp_dir().join(format!("smithy-replay-{}.json", std::process::id()));
    let live = moto.config();
    let inner: Arc<dyn Transport> = Arc::new(smithy_gen_runtime::transport::default::DefaultTransport::new(std::time::Duration::from_secs(5), std::time::Duration::from_secs(30)).unwrap());
    let recorder = Arc::new(RecordingTransport::new(inner, &file));
    let recording = Config::builder()
        .region("us-east-1")
        .endpoint(moto.endpoint.clone())
        .credentials(Credentials::new("AKIDEXAMPLE", "recorded-secret-key", Some("recorded-session-token".into())))
        .transport(recorder.clone())
        .max_attempts(1)
        .build()
        .unwrap();
    drop(live);
    let client = logs::Client::new(recording);
    client.put_destination_with(PutDestinationInput::new("recorded", TARGET, ROLE)).await.expect("moto answers");
    let e = client.put_destination_policy_with(logs::types::PutDestinationPolicyInput::new("missing", "{}")).await.expect_err("no such destination");
    let code = e.code().map(str::to_string);
    recorder.save().expect("saved");
    drop(moto);

    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("recorded-secret-key") && !text.contains("recorded-session-token") && !text.to_ascii_lowercase().contains("authorization"), "{text}");
    let replay = Arc::new(ReplayTransport::from_file(&file).expect("the recording reads back"));
    let client = logs::Client::new(Config::builder()
        .region("us-east-1")
        .endpoint("http://127.0.0.1:9")
        .credentials(Credentials::new("AKIDOTHER", "another-secret", None))
        .transport(replay.clone())
        .max_attempts(1)
        .build()
        .unwrap());
    let out = client.put_destination_with(PutDestinationInput::new("recorded", TARGET, ROLE)).await.expect("replayed");
    assert_eq!(out.destination.and_then(|d| d.destination_name).as_deref(), Some("recorded"));
    let e = client.put_destination_policy_with(logs::types::PutDestinationPolicyInput::new("missing", "{}")).await.expect_err("replayed error");
    assert_eq!(e.code().map(str::to_string), code);
    replay.assert_done();
    let _ = std::fs::remove_file(&file);
}

/// Paging through canned pages: each request is checked for the token the
/// previous page gave.
#[tokio::test]
async fn a_paginator_against_canned_pages() {
    let page = |token: Option<&str>, names: &[&str], next: Option<&str>| {
        let body = match token {
            Some(t) => format!(r#"{{"nextToken": "{t}"}}"#),
            None => "{}".to_string(),
        };
        let items: Vec<String> = names.iter().map(|n| format!(r#"{{"destinationName": "{n}"}}"#)).collect();
        let next = next.map(|n| format!(r#", "nextToken": "{n}""#)).unwrap_or_default();
        Exchange::new("POST", "/")
            .header("x-amz-target", "Logs_20140328.DescribeDestinations")
            .json_body(&body)
            .responds(200, format!(r#"{{"destinations": [{}]{next}}}"#, items.join(",")))
    };
    let replay = Arc::new(ReplayTransport::new(vec![
        page(None, &["a", "b"], Some("t1")),
        page(Some("t1"), &["c"], Some("t2")),
        page(Some("t2"), &[], None),
    ]));
    let client = logs::Client::new(config(replay.clone()));
    let names: Vec<String> = client
        .describe_destinations_paginator(logs::types::DescribeDestinationsInput::default())
        .collect_items()
        .await
        .expect("three pages")
        .into_iter()
        .filter_map(|d| d.destination_name)
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    replay.assert_done();
}
