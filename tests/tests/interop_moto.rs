//! The generated clients against a real moto server (started per test on a
//! free 127.0.0.1 port, stopped when the test ends): Logs destinations and
//! their policy, GuardDuty detectors, the unmodeled-error path, and the
//! `smithy-call` binary. Skipped with a notice when there is no interop
//! Python environment, unless `SMITHY_REQUIRE_INTEROP=1` (as in
//! `cargo xtask ci`), where a missing environment fails.

use aws_generated::cloudwatch_logs::{self, errors::PutDestinationPolicyError, types as logs};
use aws_generated::guardduty::{self, types as gd};
use integration_tests::interop::{Moto, SKIP_NOTICE};

const TARGET: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
const ROLE: &str = "arn:aws:iam::123456789012:role/r";
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"logs:PutSubscriptionFilter","Resource":"*"}]}"#;


#[tokio::test]
async fn logs_destination_policy_round_trip_and_missing_destination_error() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = cloudwatch_logs::Client::new(moto.config());

    let put = client
        .put_destination_with(logs::PutDestinationInput::new("dest-1", TARGET, ROLE))
        .await
        .expect("PutDestination");
    let destination = put.destination.expect("the output has the destination");
    assert_eq!(destination.destination_name.as_deref(), Some("dest-1"));
    assert_eq!(destination.arn.as_deref(), Some("arn:aws:logs:us-east-1:123456789012:destination:dest-1"));
    assert_eq!(destination.target_arn.as_deref(), Some(TARGET));

    client
        .put_destination_policy_with(logs::PutDestinationPolicyInput::new("dest-1", POLICY))
        .await
        .expect("PutDestinationPolicy");

    let describe = logs::DescribeDestinationsInput::builder().destination_name_prefix("dest-").build();
    let listed = client.describe_destinations_with(describe).await.expect("DescribeDestinations");
    let destinations = listed.destinations.expect("destinations");
    assert_eq!(destinations.len(), 1);
    assert_eq!(destinations[0].access_policy.as_deref(), Some(POLICY));
    assert_eq!(destinations[0].role_arn.as_deref(), Some(ROLE));

    let err = client
        .put_destination_policy_with(logs::PutDestinationPolicyInput::new("no-such-destination", POLICY))
        .await
        .expect_err("a missing destination is an error");
    match &err {
        PutDestinationPolicyError::Unmodeled(meta) => {
            assert_eq!(meta.code, "ResourceNotFoundException");
            assert_eq!(meta.status, 400);
            assert_eq!(meta.message.as_deref(), Some("The specified log group does not exist."));
            assert!(meta.request_id.is_some(), "moto sends x-amzn-requestid");
        }
        other => panic!("expected the unmodeled-error variant, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("ResourceNotFoundException") && text.contains("HTTP 400"), "{text}");
}

#[tokio::test]
async fn guardduty_create_detector() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = guardduty::Client::new(moto.config());
    let mut input = gd::CreateDetectorInput::new(true);
    input.finding_publishing_frequency = Some(gd::FindingPublishingFrequency::SixHours);
    let out = client.create_detector_with(input).await.expect("CreateDetector");
    let id = out.detector_id.expect("a detector id");
    assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
}

#[tokio::test]
async fn validation_failures_never_reach_the_server() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = cloudwatch_logs::Client::new(moto.config());
    let err = client
        .put_destination_with(logs::PutDestinationInput::new("bad:name", TARGET, ROLE))
        .await
        .expect_err("':' is outside the destination name pattern");
    assert!(matches!(err, cloudwatch_logs::errors::PutDestinationError::Validation(_)), "{err:?}");
    let listed = client.describe_destinations_with(Default::default()).await.expect("DescribeDestinations");
    assert!(listed.destinations.unwrap_or_default().is_empty(), "nothing was created");
}

/// The `smithy-call` binary, built from the generated crate with the `cli`
/// feature, returns the destination with its ARN.
#[test]
fn smithy_call_put_destination_against_moto() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let bin = integration_tests::smithy_call_binary();
    let input = serde_json::json!({ "destinationName": "cli-dest", "targetArn": TARGET, "roleArn": ROLE }).to_string();
    let out = std::process::Command::new(&bin)
        .args(["logs", "PutDestination", "--input", &input, "--endpoint", &moto.endpoint, "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("run smithy-call");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "exit {:?}\nstdout: {stdout}\nstderr: {}", out.status, String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(json["destination"]["arn"], "arn:aws:logs:us-east-1:123456789012:destination:cli-dest");

    // The error path: exit 1, code and message on stderr.
    let input = serde_json::json!({ "destinationName": "missing", "accessPolicy": POLICY }).to_string();
    let out = std::process::Command::new(&bin)
        .args(["logs", "PutDestinationPolicy", "--input", &input, "--endpoint", &moto.endpoint, "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .output()
        .expect("run smithy-call");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("ResourceNotFoundException: The specified log group does not exist."), "{stderr}");
}
