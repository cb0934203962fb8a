//! The generated clients on the wire, through a recording fake transport:
//! the exact requests each seed operation sends (and signs), how responses
//! and every modeled error are parsed, input validation before sending,
//! retries and backoff, and that secrets never leak into `Debug` or errors.
//!
//! The fake transport records every request and answers from a queue of
//! canned responses; the fake sleep returns at once and records how long the
//! client asked to wait.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_generated::cloudwatch_logs as logs;
use aws_generated::cloudwatch_logs::errors::{PutDestinationError, PutIntegrationError};
use aws_generated::cloudwatch_logs::types::{
    DescribeDestinationsInput, IntegrationStatus, IntegrationType, OpenSearchResourceConfig, PutDestinationInput,
    PutDestinationPolicyInput, PutIntegrationInput, ResourceConfig,
};
use aws_generated::guardduty as gd;
use aws_generated::guardduty::errors::{CreateDetectorError, CreatePublishingDestinationError};
use aws_generated::guardduty::types::{
    CreateDetectorInput, CreatePublishingDestinationInput, DataSourceConfigurations, DataSourceStatus,
    DestinationProperties, DestinationType, DetectorFeature, DetectorFeatureConfiguration, FeatureStatus,
    FindingPublishingFrequency, S3LogsConfiguration,
};
use smithy_gen_runtime::config::{Config, Credentials, RetryConfig};
use smithy_gen_runtime::config::builder::ConfigBuilder;
use smithy_gen_runtime::error::{
    ErrorKind, OperationError, TimeoutError, TimeoutKind, TransportError, TransportErrorKind,
};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Sleep, Transport};
use smithy_gen_runtime::types::validate::{LengthUnit, ViolationKind};
use serde_json::{json, Value};

const ENDPOINT: &str = "http://127.0.0.1:4566";
const HOST: &str = "127.0.0.1:4566";
const ACCESS_KEY: &str = "AKID";
const SECRET: &str = "sEcReT-wJalrXUtnFEMI-K7MDENG-bPxRfiCY";
const TOKEN: &str = "sEsSiOn-FwoGZXIvYXdzEJr-tOkEn";
const REQUEST_ID: &str = "req-7f3c0a2e-1b4d";

// ---------------------------------------------------------------------------
// Fakes

/// A request as the transport received it.
#[derive(Debug, Clone)]
struct Sent {
    method: String,
    uri: http::Uri,
    headers: http::HeaderMap,
    body: Vec<u8>,
    max_body: usize,
}

impl Sent {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("header values are ASCII"))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
}

type Answer = Result<RawResponse, SendError>;

#[derive(Debug, Default)]
struct FakeTransport {
    sent: Mutex<Vec<Sent>>,
    answers: Mutex<VecDeque<Answer>>,
}

impl Transport for FakeTransport {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        let (parts, body) = request.into_parts();
        self.sent.lock().unwrap().push(Sent {
            method: parts.method.to_string(),
            uri: parts.uri,
            headers: parts.headers,
            body: body.to_vec(),
            max_body,
        });
        let answer = self.answers.lock().unwrap().pop_front();
        Box::pin(async move {
            answer.unwrap_or_else(|| {
                Err(SendError::Transport(TransportError::new(
                    TransportErrorKind::Other,
                    "the fake transport has no canned response left",
                )))
            })
        })
    }
}

#[derive(Debug, Default)]
struct FakeSleep {
    slept: Mutex<Vec<Duration>>,
}

impl Sleep for FakeSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.slept.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A fake transport and sleep, and configs that use them.
struct Harness {
    transport: Arc<FakeTransport>,
    sleep: Arc<FakeSleep>,
}

impl Harness {
    fn new(answers: impl IntoIterator<Item = Answer>) -> Harness {
        let transport = Arc::new(FakeTransport::default());
        transport.answers.lock().unwrap().extend(answers);
        Harness { transport, sleep: Arc::new(FakeSleep::default()) }
    }

    fn builder(&self) -> ConfigBuilder {
        Config::builder()
            .region("us-east-1")
            .endpoint(ENDPOINT)
            .credentials(Credentials::new(ACCESS_KEY, SECRET, None))
            .transport(self.transport.clone())
            .sleep(self.sleep.clone())
    }

    fn config(&self, tweak: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Config {
        tweak(self.builder()).build().expect("valid config")
    }

    fn logs(&self) -> logs::Client {
        logs::Client::new(self.config(|b| b))
    }

    fn logs_with(&self, tweak: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> logs::Client {
        logs::Client::new(self.config(tweak))
    }

    fn gd(&self) -> gd::Client {
        gd::Client::new(self.config(|b| b))
    }

    fn gd_with(&self, tweak: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> gd::Client {
        gd::Client::new(self.config(tweak))
    }

    fn sent(&self) -> Vec<Sent> {
        self.transport.sent.lock().unwrap().clone()
    }

    fn only_request(&self) -> Sent {
        let sent = self.sent();
        assert_eq!(sent.len(), 1, "expected exactly one request, got {sent:#?}");
        sent.into_iter().next().unwrap()
    }

    fn slept(&self) -> Vec<Duration> {
        self.sleep.slept.lock().unwrap().clone()
    }
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(future)
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> RawResponse {
    let mut all: Vec<(String, String)> = vec![("x-amzn-requestid".into(), REQUEST_ID.into())];
    all.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    RawResponse::new(status, all, body.as_bytes().to_vec())
}

fn ok(body: &str) -> Answer {
    Ok(response(200, &[("content-type", "application/json")], body))
}

fn status(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
    Ok(response(status, headers, body))
}

fn send_error(kind: TransportErrorKind, message: &str) -> Answer {
    Err(SendError::Transport(TransportError::new(kind, message)))
}

fn timeout(kind: TimeoutKind) -> Answer {
    Err(SendError::Timeout(TimeoutError { kind, after: Duration::from_secs(1), attempts: 1 }))
}

// ---------------------------------------------------------------------------
// Inputs

const TARGET_ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/logs-sink";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/CWLtoKinesisRole";
const DETECTOR_ID: &str = "12abc34d567e8fa901bc2d34eexample";

fn put_destination_input() -> PutDestinationInput {
    let mut input = PutDestinationInput::new("my-destination", TARGET_ARN, ROLE_ARN);
    input.tags = Some([("team".to_string(), "logs".to_string()), ("env".to_string(), "test".to_string())].into());
    input
}

fn put_destination_policy_input() -> PutDestinationPolicyInput {
    let mut input = PutDestinationPolicyInput::new("my-destination", r#"{"Version":"2012-10-17","Statement":[]}"#);
    input.force_update = Some(true);
    input
}

fn put_integration_input() -> PutIntegrationInput {
    let mut config =
        OpenSearchResourceConfig::new(ROLE_ARN, vec!["arn:aws:iam::123456789012:user/viewer".to_string()], 7);
    config.kms_key_arn = Some("arn:aws:kms:us-east-1:123456789012:key/k".into());
    PutIntegrationInput::new(
        "my-integration",
        ResourceConfig::OpenSearchResourceConfig(config),
        IntegrationType::Opensearch,
    )
}

fn describe_destinations_input() -> DescribeDestinationsInput {
    DescribeDestinationsInput::builder().destination_name_prefix("my-").next_token("token-1").limit(10).build()
}

fn destination_properties() -> DestinationProperties {
    DestinationProperties::builder()
        .destination_arn("arn:aws:s3:::DOC-EXAMPLE-BUCKET/findings/")
        .kms_key_arn("arn:aws:kms:us-east-1:123456789012:key/k")
        .build()
}

fn create_publishing_destination_input(detector_id: &str) -> CreatePublishingDestinationInput {
    CreatePublishingDestinationInput::new(detector_id, DestinationType::S3, destination_properties())
}

// `dataSources` is `@deprecated` in the model; the wire test still sends it.
#[allow(deprecated)]
fn create_detector_input() -> CreateDetectorInput {
    let mut input = CreateDetectorInput::new(true);
    input.finding_publishing_frequency = Some(FindingPublishingFrequency::SixHours);
    input.data_sources =
        Some(DataSourceConfigurations::builder().s3_logs(S3LogsConfiguration::new(true)).build());
    input.tags = Some([("team".to_string(), "security".to_string())].into());
    input.features = Some(vec![DetectorFeatureConfiguration::builder()
        .name(DetectorFeature::S3DataEvents)
        .status(FeatureStatus::Enabled)
        .build()]);
    input
}

// ---------------------------------------------------------------------------
// Request assertions

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the epoch of an `x-amz-date` (`yyyymmddThhmmssZ`).
fn amz_date_seconds(date: &str) -> i64 {
    let b = date.as_bytes();
    assert!(
        b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit),
        "x-amz-date {date:?} is not yyyymmddThhmmssZ"
    );
    let n = |r: std::ops::Range<usize>| date[r].parse::<i64>().unwrap();
    days_from_civil(n(0..4), n(4..6), n(6..8)) * 86_400 + n(9..11) * 3600 + n(11..13) * 60 + n(13..15)
}

/// The SigV4 headers: host, a current x-amz-date, an authorization for
/// `AKID/<that date>/us-east-1/<service>/aws4_request`, and the session token
/// when one is configured. The secret never appears anywhere in the request.
fn assert_signed(sent: &Sent, service: &str, token: Option<&str>) {
    assert_eq!(sent.header("host"), Some(HOST));
    let date = sent.header("x-amz-date").expect("x-amz-date is set");
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((amz_date_seconds(date) - now).abs() < 600, "x-amz-date {date} is not now");
    let auth = sent.header("authorization").expect("authorization is set");
    let scope = format!("AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{}/us-east-1/{service}/aws4_request, ", &date[..8]);
    assert!(auth.starts_with(&scope), "authorization {auth:?} does not start with {scope:?}");
    let signed_headers = auth
        .split(", ")
        .find_map(|p| p.strip_prefix("SignedHeaders="))
        .unwrap_or_else(|| panic!("no SignedHeaders in {auth:?}"));
    let signed: Vec<&str> = signed_headers.split(';').collect();
    for h in ["host", "x-amz-date", "content-type"] {
        assert!(signed.contains(&h), "{h} is not signed: {signed_headers}");
    }
    let signature = auth.rsplit("Signature=").next().unwrap();
    assert!(
        signature.len() == 64 && signature.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "signature {signature:?}"
    );
    assert_eq!(sent.header("x-amz-security-token"), token);
    if token.is_some() {
        assert!(signed.contains(&"x-amz-security-token"), "the session token is not signed: {signed_headers}");
    }
    assert!(sent.header("user-agent").is_some_and(|ua| !ua.is_empty()));
    assert_no_secret_in_request(sent);
}

fn assert_no_secret_in_request(sent: &Sent) {
    for (name, value) in &sent.headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        assert!(!value.contains(SECRET), "header {name} carries the secret key");
        if name != "x-amz-security-token" {
            assert!(!value.contains(TOKEN), "header {name} carries the session token");
        }
    }
    let body = String::from_utf8_lossy(&sent.body);
    assert!(!body.contains(SECRET) && !body.contains(TOKEN), "the body carries a secret");
    assert!(!sent.uri.to_string().contains(SECRET));
}

fn assert_logs_request(sent: &Sent, operation: &str, body: Value) {
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.uri.to_string(), format!("{ENDPOINT}/"));
    assert_eq!(sent.uri.path(), "/");
    assert_eq!(sent.uri.query(), None);
    assert_eq!(sent.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(sent.header("x-amz-target"), Some(format!("Logs_20140328.{operation}").as_str()));
    assert_eq!(sent.json(), body);
    assert_signed(sent, "logs", None);
}

/// A canonical lower-case UUID version 4 (RFC 4122 variant).
fn assert_uuid_v4(token: &str) {
    let b = token.as_bytes();
    let ok = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b');
    assert!(ok, "{token:?} is not a UUID v4");
}

/// The body's `clientToken`, removed from `body`.
fn take_client_token(body: &mut Value) -> String {
    let token = body.as_object_mut().and_then(|m| m.remove("clientToken")).expect("body has a clientToken");
    token.as_str().expect("clientToken is a string").to_string()
}

fn assert_gd_request(sent: &Sent, path: &str, mut expected: Value) -> String {
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.uri.path(), path);
    assert_eq!(sent.uri.query(), None);
    assert_eq!(sent.uri.to_string(), format!("{ENDPOINT}{path}"));
    assert_eq!(sent.header("content-type"), Some("application/json"), "a request with a body has a content type");
    assert_eq!(sent.header("x-amz-target"), None, "restJson1 sends no x-amz-target");
    let mut body = sent.json();
    let token = take_client_token(&mut body);
    if let Some(want) = expected.as_object_mut().and_then(|m| m.remove("clientToken")) {
        assert_eq!(token, want.as_str().unwrap());
    } else {
        assert_uuid_v4(&token);
    }
    assert_eq!(body, expected);
    assert_signed(sent, "guardduty", None);
    token
}

// ---------------------------------------------------------------------------
// Requests

#[test]
fn put_destination_request() {
    let h = Harness::new([ok("{}")]);
    run(h.logs().put_destination_with(put_destination_input())).unwrap();
    let sent = h.only_request();
    assert_logs_request(
        &sent,
        "PutDestination",
        json!({
            "destinationName": "my-destination",
            "targetArn": TARGET_ARN,
            "roleArn": ROLE_ARN,
            "tags": {"team": "logs", "env": "test"},
        }),
    );
    assert_eq!(sent.max_body, 16 << 20, "the default body limit reaches the transport");
}

#[test]
fn put_destination_policy_request() {
    let h = Harness::new([ok("")]);
    run(h.logs().put_destination_policy_with(put_destination_policy_input())).unwrap();
    assert_logs_request(
        &h.only_request(),
        "PutDestinationPolicy",
        json!({
            "destinationName": "my-destination",
            "accessPolicy": r#"{"Version":"2012-10-17","Statement":[]}"#,
            "forceUpdate": true,
        }),
    );
}

#[test]
fn put_integration_request() {
    let h = Harness::new([ok(r#"{"integrationName":"my-integration","integrationStatus":"PROVISIONING"}"#)]);
    run(h.logs().put_integration_with(put_integration_input())).unwrap();
    assert_logs_request(
        &h.only_request(),
        "PutIntegration",
        json!({
            "integrationName": "my-integration",
            "resourceConfig": {"openSearchResourceConfig": {
                "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k",
                "dataSourceRoleArn": ROLE_ARN,
                "dashboardViewerPrincipals": ["arn:aws:iam::123456789012:user/viewer"],
                "retentionDays": 7,
            }},
            "integrationType": "OPENSEARCH",
        }),
    );
}

#[test]
fn describe_destinations_requests() {
    let h = Harness::new([ok("{}"), ok("{}")]);
    run(h.logs().describe_destinations_with(describe_destinations_input())).unwrap();
    run(h.logs().describe_destinations_with(DescribeDestinationsInput::default())).unwrap();
    let sent = h.sent();
    assert_eq!(sent.len(), 2);
    assert_logs_request(
        &sent[0],
        "DescribeDestinations",
        json!({"DestinationNamePrefix": "my-", "nextToken": "token-1", "limit": 10}),
    );
    assert_logs_request(&sent[1], "DescribeDestinations", json!({}));
}

#[test]
fn create_publishing_destination_request_fills_in_a_client_token() {
    let h = Harness::new([ok(r#"{"destinationId":"dest-1"}"#), ok(r#"{"destinationId":"dest-2"}"#)]);
    let out = run(h.gd().create_publishing_destination_with(create_publishing_destination_input(DETECTOR_ID))).unwrap();
    assert_eq!(out.destination_id.as_deref(), Some("dest-1"));
    run(h.gd().create_publishing_destination_with(create_publishing_destination_input(DETECTOR_ID))).unwrap();
    let sent = h.sent();
    let expected = json!({
        "destinationType": "S3",
        "destinationProperties": {
            "destinationArn": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/findings/",
            "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k",
        },
    });
    let path = format!("/detector/{DETECTOR_ID}/publishingDestination");
    let first = assert_gd_request(&sent[0], &path, expected.clone());
    let second = assert_gd_request(&sent[1], &path, expected);
    assert_ne!(first, second, "every call gets a fresh token");
}

#[test]
fn create_publishing_destination_request_keeps_a_given_client_token() {
    let h = Harness::new([ok(r#"{"destinationId":"dest-1"}"#)]);
    let mut input = create_publishing_destination_input(DETECTOR_ID);
    input.client_token = Some("my-own-token".into());
    run(h.gd().create_publishing_destination_with(input)).unwrap();
    let token = assert_gd_request(
        &h.only_request(),
        &format!("/detector/{DETECTOR_ID}/publishingDestination"),
        json!({
            "destinationType": "S3",
            "destinationProperties": {
                "destinationArn": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/findings/",
                "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k",
            },
            "clientToken": "my-own-token",
        }),
    );
    assert_eq!(token, "my-own-token");
}

#[test]
fn create_detector_request() {
    let h = Harness::new([ok(r#"{"detectorId":"d-1"}"#), ok(r#"{"detectorId":"d-2"}"#)]);
    let out = run(h.gd().create_detector_with(create_detector_input())).unwrap();
    assert_eq!(out.detector_id.as_deref(), Some("d-1"));
    let mut with_token = CreateDetectorInput::new(false);
    with_token.client_token = Some("tok-123".into());
    run(h.gd().create_detector_with(with_token)).unwrap();
    let sent = h.sent();
    assert_gd_request(
        &sent[0],
        "/detector",
        json!({
            "enable": true,
            "findingPublishingFrequency": "SIX_HOURS",
            "dataSources": {"s3Logs": {"enable": true}},
            "tags": {"team": "security"},
            "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}],
        }),
    );
    assert_gd_request(&sent[1], "/detector", json!({"enable": false, "clientToken": "tok-123"}));
}

#[test]
fn labels_are_percent_encoded_with_slash_as_2f() {
    let h = Harness::new([ok(r#"{"destinationId":"x"}"#)]);
    run(h.gd().create_publishing_destination_with(create_publishing_destination_input("a/b c-é~ü.z"))).unwrap();
    let sent = h.only_request();
    assert_eq!(sent.uri.path(), "/detector/a%2Fb%20c-%C3%A9~%C3%BC.z/publishingDestination");
    assert_signed(&sent, "guardduty", None);
    let body = sent.json();
    assert!(body.get("detectorId").is_none() && body.get("DetectorId").is_none(), "the label stays out of the body");
}

#[test]
fn empty_or_missing_label_is_a_validation_error_even_with_validation_off() {
    let h = Harness::new([]);
    let client = h.gd_with(|b| b.validate_input(false));
    let err = run(client.create_publishing_destination_with(create_publishing_destination_input(""))).unwrap_err();
    let CreatePublishingDestinationError::Validation(v) = &err else { panic!("expected Validation, got {err:?}") };
    assert_eq!(v.violations.len(), 1, "{v}");
    assert_eq!(v.violations[0].path, "DetectorId");
    assert_eq!(v.violations[0].kind, ViolationKind::EmptyLabel);
    assert_eq!(err.kind(), ErrorKind::Validation);

    let mut missing = create_publishing_destination_input("x");
    missing.detector_id = None;
    let err = run(client.create_publishing_destination_with(missing)).unwrap_err();
    let CreatePublishingDestinationError::Validation(v) = &err else { panic!("expected Validation, got {err:?}") };
    assert_eq!(v.violations[0].kind, ViolationKind::Required);
    assert!(h.sent().is_empty(), "nothing is sent without a label");
}

#[test]
fn hostile_label_values_stay_inside_their_path_segment() {
    // Exactly the bytes on the wire: `/`, CR/LF, `?`, `#` and `%` are encoded,
    // so a label cannot add a segment, a query, a fragment or a header line.
    let hostile = "../admin\r\nX-Injected: 1?q=1#f%2F";
    let h = Harness::new([ok(r#"{"destinationId":"x"}"#)]);
    run(h.gd().create_publishing_destination_with(create_publishing_destination_input(hostile))).unwrap();
    let sent = h.only_request();
    assert_eq!(
        sent.uri.to_string(),
        "http://127.0.0.1:4566/detector/..%2Fadmin%0D%0AX-Injected%3A%201%3Fq%3D1%23f%252F/publishingDestination"
    );
    assert!(sent.headers.get("x-injected").is_none());
    assert_eq!(sent.uri.query(), None);

    // `.` and `..` alone would be dot segments, normalised away by servers and
    // proxies: refused even with validation off, and nothing is sent.
    for dots in [".", ".."] {
        let h = Harness::new([]);
        let err = run(h.gd_with(|b| b.validate_input(false)).create_publishing_destination_with(create_publishing_destination_input(dots)))
            .unwrap_err();
        let CreatePublishingDestinationError::Validation(v) = &err else { panic!("expected Validation, got {err:?}") };
        assert_eq!((v.violations[0].path.as_str(), &v.violations[0].kind), ("DetectorId", &ViolationKind::DotSegmentLabel));
        assert!(h.sent().is_empty());
    }
}

#[test]
fn hostile_regions_and_endpoints_are_config_errors() {
    let base = || Config::builder().credentials(Credentials::new(ACCESS_KEY, SECRET, None));
    for region in ["us-east-1\r\nX-Injected: 1", "evil.com/", "us-east-1.evil.com", "a b", "", "-us"] {
        let err = base().region(region).build().expect_err(region);
        assert!(err.to_string().contains("not a valid region name"), "{region:?}: {err}");
    }
    for endpoint in [
        "http://127.0.0.1:4566\r\nHost: evil.com",
        "http://user:pass@evil.com",
        "http://evil.com?x=1",
        "http://evil.com#frag",
        "ftp://evil.com",
        "evil.com",
    ] {
        let err = base().region("us-east-1").endpoint(endpoint).build().expect_err(endpoint);
        assert!(err.to_string().contains("endpoint"), "{endpoint:?}: {err}");
        assert!(!err.to_string().contains(SECRET));
    }
}

#[test]
fn endpoint_base_path_and_default_endpoint() {
    let h = Harness::new([ok("{}"), ok(r#"{"detectorId":"d"}"#), ok("{}")]);
    run(h.logs_with(|b| b.endpoint("http://127.0.0.1:4566/base/")).put_destination_with(put_destination_input())).unwrap();
    run(h.gd_with(|b| b.endpoint("http://127.0.0.1:4566/base")).create_detector_with(CreateDetectorInput::new(true)))
        .unwrap();
    let default = Harness::new([ok("{}")]);
    let config = Config::builder()
        .region("eu-west-3")
        .credentials(Credentials::new(ACCESS_KEY, SECRET, None))
        .transport(default.transport.clone())
        .sleep(default.sleep.clone())
        .build()
        .unwrap();
    let client = logs::Client::new(config);
    assert_eq!(client.endpoint().as_deref(), Ok("https://logs.eu-west-3.amazonaws.com"));
    run(client.put_destination_with(put_destination_input())).unwrap();
    let sent = h.sent();
    assert_eq!(sent[0].uri.to_string(), "http://127.0.0.1:4566/base/");
    assert_eq!(sent[1].uri.to_string(), "http://127.0.0.1:4566/base/detector");
    let aws = default.only_request();
    assert_eq!(aws.uri.to_string(), "https://logs.eu-west-3.amazonaws.com/");
    assert_eq!(aws.header("host"), Some("logs.eu-west-3.amazonaws.com"));
    assert!(aws.header("authorization").unwrap().contains("/eu-west-3/logs/aws4_request"));
}

/// A config without an endpoint override, so the model's endpoint rules decide.
fn rules_config(h: &Harness, region: &str, tweak: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Config {
    tweak(
        Config::builder()
            .region(region)
            .credentials(Credentials::new(ACCESS_KEY, SECRET, None))
            .transport(h.transport.clone())
            .sleep(h.sleep.clone()),
    )
    .build()
    .unwrap()
}

#[test]
fn endpoint_rules_decide_fips_dual_stack_and_partitions() {
    let h = Harness::new([ok("{}"), ok(r#"{"detectorId":"d"}"#)]);
    let logs_at = |region: &str, tweak: fn(ConfigBuilder) -> ConfigBuilder| logs::Client::new(rules_config(&h, region, tweak));
    let gd_at = |region: &str, tweak: fn(ConfigBuilder) -> ConfigBuilder| gd::Client::new(rules_config(&h, region, tweak));
    // The expectations are cases of the models' own endpointTests.
    assert_eq!(logs_at("us-east-1", |b| b.use_fips(true).use_dual_stack(true)).endpoint().as_deref(), Ok("https://logs-fips.us-east-1.api.aws"));
    assert_eq!(logs_at("us-east-1", |b| b.use_dual_stack(true)).endpoint().as_deref(), Ok("https://logs.us-east-1.api.aws"));
    assert_eq!(logs_at("cn-north-1", |b| b).endpoint().as_deref(), Ok("https://logs.cn-north-1.amazonaws.com.cn"));
    assert_eq!(gd_at("us-gov-west-1", |b| b.use_fips(true)).endpoint().as_deref(), Ok("https://guardduty.us-gov-west-1.amazonaws.com"));
    assert_eq!(gd_at("us-east-1", |b| b.use_fips(true).use_dual_stack(true)).endpoint().as_deref(), Ok("https://guardduty-fips.us-east-1.api.aws"));
    // Requests go where the rules say, signed for the configured region.
    run(logs_at("us-east-1", |b| b.use_fips(true)).put_destination_with(put_destination_input())).unwrap();
    run(gd_at("cn-north-1", |b| b).create_detector_with(CreateDetectorInput::new(true))).unwrap();
    let sent = h.sent();
    assert_eq!(sent[0].uri.to_string(), "https://logs-fips.us-east-1.amazonaws.com/");
    assert_eq!(sent[0].header("host"), Some("logs-fips.us-east-1.amazonaws.com"));
    assert_eq!(sent[1].uri.to_string(), "https://guardduty.cn-north-1.amazonaws.com.cn/detector");
    assert!(sent[1].header("authorization").unwrap().contains("/cn-north-1/guardduty/aws4_request"));
}

#[test]
fn endpoint_rule_errors_fail_the_call_before_sending() {
    let h = Harness::new([]);
    // FIPS with a custom endpoint is an error rule of both models.
    let client = logs::Client::new(rules_config(&h, "us-east-1", |b| b.use_fips(true).endpoint("https://example.com")));
    assert_eq!(client.endpoint(), Err("endpoint resolution: Invalid Configuration: FIPS and custom endpoint are not supported".to_string()));
    let err = run(client.put_destination_with(put_destination_input())).unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert_eq!(t.kind, TransportErrorKind::InvalidRequest);
    assert!(t.message.contains("FIPS and custom endpoint are not supported"), "{}", t.message);
    assert!(h.sent().is_empty(), "nothing is sent when the rules give no endpoint");
}

#[test]
fn session_token_is_sent_and_signed() {
    let h = Harness::new([ok("{}"), ok(r#"{"detectorId":"d"}"#)]);
    let with_token = |b: ConfigBuilder| b.credentials(Credentials::new(ACCESS_KEY, SECRET, Some(TOKEN.to_string())));
    run(h.logs_with(with_token).put_destination_with(put_destination_input())).unwrap();
    run(h.gd_with(with_token).create_detector_with(CreateDetectorInput::new(true))).unwrap();
    let sent = h.sent();
    assert_signed(&sent[0], "logs", Some(TOKEN));
    assert_signed(&sent[1], "guardduty", Some(TOKEN));
}

#[test]
fn prepared_requests_match_what_is_sent() {
    let prepared = logs::aws_json::prepare_put_destination(put_destination_input(), true).unwrap();
    assert_eq!((prepared.method, prepared.path.as_str()), ("POST", "/"));
    assert!(prepared.query.is_empty());
    assert_eq!(
        prepared.headers,
        vec![
            ("content-type".to_string(), "application/x-amz-json-1.1".to_string()),
            ("x-amz-target".to_string(), "Logs_20140328.PutDestination".to_string()),
        ]
    );
    let h = Harness::new([ok("{}"), ok(r#"{"destinationId":"x"}"#)]);
    run(h.logs().put_destination_with(put_destination_input())).unwrap();
    let sent = &h.sent()[0];
    assert_eq!(sent.body, prepared.body.clone().unwrap());
    for (k, v) in &prepared.headers {
        assert_eq!(sent.header(k), Some(v.as_str()));
    }

    let mut input = create_publishing_destination_input("a/b");
    input.client_token = Some("fixed".into());
    let prepared = gd::rest_json::prepare_create_publishing_destination(input.clone(), true).unwrap();
    assert_eq!(prepared.path, "/detector/a%2Fb/publishingDestination");
    assert_eq!(prepared.headers, vec![("content-type".to_string(), "application/json".to_string())]);
    run(h.gd().create_publishing_destination_with(input)).unwrap();
    let sent = &h.sent()[1];
    assert_eq!(sent.uri.path(), prepared.path);
    assert_eq!(sent.body, prepared.body.unwrap());

    let unset =
        gd::rest_json::prepare_create_publishing_destination(create_publishing_destination_input("d"), true).unwrap();
    let mut body: Value = serde_json::from_slice(unset.body.as_deref().unwrap()).unwrap();
    assert_uuid_v4(&take_client_token(&mut body));
}

// ---------------------------------------------------------------------------
// Successful responses

#[test]
fn put_destination_output_parses_with_unknown_members() {
    let h = Harness::new([ok(r#"{
        "destination": {
            "destinationName": "my-destination",
            "targetArn": "arn:t",
            "roleArn": "arn:r",
            "accessPolicy": "{}",
            "arn": "arn:aws:logs:us-east-1:123456789012:destination:my-destination",
            "creationTime": 1700000000123,
            "brandNewField": {"nested": [1, 2, {"x": null}]}
        },
        "anotherNewField": true
    }"#)]);
    let out = run(h.logs().put_destination_with(put_destination_input())).unwrap();
    let d = out.destination.expect("destination");
    assert_eq!(d.destination_name.as_deref(), Some("my-destination"));
    assert_eq!(d.target_arn.as_deref(), Some("arn:t"));
    assert_eq!(d.role_arn.as_deref(), Some("arn:r"));
    assert_eq!(d.access_policy.as_deref(), Some("{}"));
    assert_eq!(d.arn.as_deref(), Some("arn:aws:logs:us-east-1:123456789012:destination:my-destination"));
    assert_eq!(d.creation_time, Some(1_700_000_000_123));
}

#[test]
fn describe_destinations_output_parses() {
    let h = Harness::new([ok(r#"{
        "destinations": [
            {"destinationName": "a", "creationTime": 1, "unknown": "x"},
            {"destinationName": "b", "targetArn": "arn:b"}
        ],
        "nextToken": "next",
        "somethingNew": null
    }"#)]);
    let out = run(h.logs().describe_destinations_with(DescribeDestinationsInput::default())).unwrap();
    let names: Vec<_> = out.destinations.unwrap().into_iter().map(|d| d.destination_name.unwrap()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(out.next_token.as_deref(), Some("next"));
}

#[test]
fn put_destination_policy_unit_output_parses_any_object_or_nothing() {
    for body in ["", "{}", "  \n", r#"{"unexpected": {"a": [1]}}"#] {
        let h = Harness::new([ok(body)]);
        run(h.logs().put_destination_policy_with(put_destination_policy_input()))
            .unwrap_or_else(|e| panic!("body {body:?}: {e}"));
    }
}

#[test]
fn put_integration_output_keeps_unknown_enum_values() {
    let h = Harness::new([
        ok(r#"{"integrationName": "i", "integrationStatus": "DELETING", "extra": 1}"#),
        ok(r#"{"integrationName": "i", "integrationStatus": "ACTIVE"}"#),
    ]);
    let out = run(h.logs().put_integration_with(put_integration_input())).unwrap();
    assert_eq!(out.integration_name.as_deref(), Some("i"));
    assert_eq!(out.integration_status, Some(IntegrationStatus::Unknown("DELETING".into())));
    let out = run(h.logs().put_integration_with(put_integration_input())).unwrap();
    assert_eq!(out.integration_status, Some(IntegrationStatus::Active));
}

#[test]
fn create_publishing_destination_output_tolerates_a_missing_required_member() {
    let h = Harness::new([ok("{}"), ok(r#"{"destinationId": "d", "newThing": [1]}"#)]);
    let out = run(h.gd().create_publishing_destination_with(create_publishing_destination_input(DETECTOR_ID))).unwrap();
    assert_eq!(
        out.destination_id.as_deref(),
        Some(""),
        "a missing @required output member still parses, error-corrected to its zero value as the Smithy specification asks"
    );
    let out = run(h.gd().create_publishing_destination_with(create_publishing_destination_input(DETECTOR_ID))).unwrap();
    assert_eq!(out.destination_id.as_deref(), Some("d"));
}

#[test]
fn create_detector_output_parses_nested_unknown_enums() {
    let h = Harness::new([ok(r#"{
        "detectorId": "d-1",
        "unprocessedDataSources": {
            "malwareProtection": {
                "scanEc2InstanceWithFindings": {"ebsVolumes": {"status": "PAUSED", "reason": "r", "more": 1}},
                "serviceRole": "arn:role"
            },
            "somethingElse": {}
        }
    }"#)]);
    let out = run(h.gd().create_detector_with(CreateDetectorInput::new(true))).unwrap();
    assert_eq!(out.detector_id.as_deref(), Some("d-1"));
    let mp = out.unprocessed_data_sources.unwrap().malware_protection.unwrap();
    assert_eq!(mp.service_role.as_deref(), Some("arn:role"));
    let ebs = mp.scan_ec2_instance_with_findings.unwrap().ebs_volumes.unwrap();
    assert_eq!(ebs.status, Some(DataSourceStatus::Unknown("PAUSED".into())));
    assert_eq!(ebs.reason.as_deref(), Some("r"));
}

#[test]
fn wrong_member_types_are_parse_errors() {
    let h = Harness::new([ok(r#"{"destination": 5}"#), ok(r#"{"destinationId": ["x"]}"#)]);
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    let PutDestinationError::Parse(p) = &err else { panic!("expected Parse, got {err:?}") };
    assert_eq!(p.status, 200);
    assert_eq!(p.request_id.as_deref(), Some(REQUEST_ID));
    assert!(p.body_excerpt.contains("destination"), "{p:?}");
    assert_eq!(err.kind(), ErrorKind::Parse);
    let err = run(h.gd().create_publishing_destination_with(create_publishing_destination_input("d"))).unwrap_err();
    assert!(matches!(err, CreatePublishingDestinationError::Parse(_)), "{err:?}");
}

/// A JSON array where the model has a structure is the wrong type, like any
/// other: it must not be read positionally into the structure's members.
#[test]
fn arrays_are_not_accepted_for_structures() {
    let h = Harness::new([
        ok(r#"{"destination": ["d", "arn:t"]}"#),
        ok(r#"{"unprocessedDataSources": [{"serviceRole": "r"}]}"#),
    ]);
    let result = run(h.logs().put_destination_with(put_destination_input()));
    assert!(matches!(result, Err(PutDestinationError::Parse(_))), "{result:?}");
    let result = run(h.gd().create_detector_with(CreateDetectorInput::new(true)));
    assert!(matches!(result, Err(CreateDetectorError::Parse(_))), "{result:?}");
}

// ---------------------------------------------------------------------------
// Error responses

/// An operation run against a config, with its error boxed.
type Call = fn(Config) -> Result<(), Box<dyn OperationError>>;

fn boxed<E: OperationError + 'static>(e: E) -> Box<dyn OperationError> {
    Box::new(e)
}

struct Op {
    name: &'static str,
    rest: bool,
    call: Call,
    /// Modeled errors with a realistic status.
    errors: &'static [(&'static str, u16)],
}

fn ops() -> Vec<Op> {
    vec![
        Op {
            name: "DescribeDestinations",
            rest: false,
            call: |c| {
                run(logs::Client::new(c).describe_destinations_with(describe_destinations_input())).map(drop).map_err(boxed)
            },
            errors: &[("InvalidParameterException", 400), ("ServiceUnavailableException", 503)],
        },
        Op {
            name: "PutDestination",
            rest: false,
            call: |c| run(logs::Client::new(c).put_destination_with(put_destination_input())).map(drop).map_err(boxed),
            errors: &[
                ("InvalidParameterException", 400),
                ("OperationAbortedException", 400),
                ("ServiceUnavailableException", 503),
            ],
        },
        Op {
            name: "PutDestinationPolicy",
            rest: false,
            call: |c| {
                run(logs::Client::new(c).put_destination_policy_with(put_destination_policy_input()))
                    .map(drop)
                    .map_err(boxed)
            },
            errors: &[
                ("InvalidParameterException", 400),
                ("OperationAbortedException", 400),
                ("ServiceUnavailableException", 503),
            ],
        },
        Op {
            name: "PutIntegration",
            rest: false,
            call: |c| run(logs::Client::new(c).put_integration_with(put_integration_input())).map(drop).map_err(boxed),
            errors: &[
                ("InvalidParameterException", 400),
                ("LimitExceededException", 400),
                ("ServiceUnavailableException", 503),
                ("ValidationException", 400),
            ],
        },
        Op {
            name: "CreatePublishingDestination",
            rest: true,
            call: |c| {
                run(gd::Client::new(c).create_publishing_destination_with(create_publishing_destination_input(DETECTOR_ID)))
                    .map(drop)
                    .map_err(boxed)
            },
            errors: &[("BadRequestException", 400), ("InternalServerErrorException", 500)],
        },
        Op {
            name: "CreateDetector",
            rest: true,
            call: |c| run(gd::Client::new(c).create_detector_with(create_detector_input())).map(drop).map_err(boxed),
            errors: &[("BadRequestException", 400), ("InternalServerErrorException", 500)],
        },
    ]
}

/// The ways a service says which error it is, each with message "m".
fn error_forms(rest: bool, code: &str, status: u16) -> Vec<(String, RawResponse)> {
    let suffix = "http://internal.amazon.com/coral/com.amazon.coral.validate/";
    let ns = if rest { "com.amazonaws.guardduty" } else { "com.amazonaws.cloudwatchlogs" };
    let header = |value: String, body: &str| response(status, &[("X-Amzn-ErrorType", value.as_str())], body);
    let body = |body: String| response(status, &[("content-type", "application/json")], &body);
    let mut forms = vec![
        (format!("body __type {ns}#{code}"), body(format!(r#"{{"__type":"{ns}#{code}","message":"m"}}"#))),
        (format!("body __type {code}:suffix"), body(format!(r#"{{"__type":"{ns}#{code}:{suffix}","message":"m"}}"#))),
        ("header".into(), header(code.to_string(), r#"{"message":"m"}"#)),
        ("header with :suffix".into(), header(format!("{code}:{suffix}"), r#"{"message":"m"}"#)),
    ];
    if rest {
        forms.push(("body code".into(), body(format!(r#"{{"code":"{code}","message":"m"}}"#))));
        forms.push(("plain body __type".into(), body(format!(r#"{{"__type":"{code}","message":"m"}}"#))));
        // The header wins over the body's `__type` (GuardDuty's own `Type` member).
        forms.push((
            "header and a __type member".into(),
            header(code.into(), r#"{"__type":"InvalidInputException","message":"m"}"#),
        ));
    }
    forms
}

fn assert_modeled(err: &dyn OperationError, code: &str, status: u16, what: &str) {
    assert_eq!(err.kind(), ErrorKind::Service, "{what}: {err:?}");
    assert_eq!(err.code(), Some(code), "{what}: {err:?}");
    let debug = format!("{err:?}");
    let prefix = format!("{code}(Modeled {{ error: {code} {{ message: Some(\"m\")");
    assert!(debug.starts_with(&prefix), "{what}: expected the {code} variant with message \"m\", got {debug}");
    let meta = err.meta().expect("service errors have meta");
    assert_eq!(meta.status, status, "{what}");
    assert_eq!(meta.message.as_deref(), Some("m"), "{what}");
    assert_eq!(meta.request_id.as_deref(), Some(REQUEST_ID), "{what}");
    assert_eq!(meta.attempts, 1, "{what}");
    let display = err.to_string();
    for part in [code, &status.to_string(), "m", REQUEST_ID] {
        assert!(display.contains(part), "{what}: {display:?} lacks {part:?}");
    }
}

#[test]
fn every_modeled_error_of_every_operation_parses_in_every_form() {
    let mut checked = 0;
    for op in ops() {
        for &(code, status) in op.errors {
            for (form, raw) in error_forms(op.rest, code, status) {
                let h = Harness::new([Ok(raw)]);
                let err = (op.call)(h.config(|b| b.max_attempts(1))).expect_err("an error response");
                assert_modeled(&*err, code, status, &format!("{} {code} ({form})", op.name));
                assert_eq!(h.sent().len(), 1);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * (2 + 3 + 3 + 4) + 7 * (2 + 2));
}

#[test]
fn modeled_error_fields_are_reachable_through_deref() {
    let h = Harness::new([
        status(
            400,
            &[("content-type", "application/x-amz-json-1.1")],
            r#"{"__type":"com.amazonaws.cloudwatchlogs#InvalidParameterException","message":"m"}"#,
        ),
        status(
            400,
            &[("X-Amzn-ErrorType", "BadRequestException")],
            r#"{"message":"bad","__type":"InvalidInputException"}"#,
        ),
        status(400, &[("X-Amzn-ErrorType", "ValidationException")], r#"{"message":"v"}"#),
    ]);
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    let PutDestinationError::InvalidParameterException(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("m"));
    assert_eq!(e.meta.code, "InvalidParameterException");
    assert_eq!(e.meta.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(e.meta.status, 400);
    let source = std::error::Error::source(&err).expect("a source");
    assert_eq!(source.to_string(), "InvalidParameterException: m");

    let err = run(h.gd().create_detector_with(CreateDetectorInput::new(true))).unwrap_err();
    let CreateDetectorError::BadRequestException(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("bad"));
    assert_eq!(e.type_.as_deref(), Some("InvalidInputException"));
    assert_eq!(e.meta.code, "BadRequestException");

    let err = run(h.logs().put_integration_with(put_integration_input())).unwrap_err();
    let PutIntegrationError::ValidationException(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("v"));
}

#[test]
fn request_id_also_comes_from_x_amz_request_id() {
    let raw = RawResponse::new(
        400,
        vec![("x-amz-request-id".into(), "alt-id".into())],
        br#"{"__type":"InvalidParameterException","message":"m"}"#.to_vec(),
    );
    let h = Harness::new([Ok(raw)]);
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    assert_eq!(err.meta().unwrap().request_id.as_deref(), Some("alt-id"));
}

#[test]
fn unknown_codes_are_unmodeled_with_code_message_and_status() {
    for op in ops() {
        let forms = [
            response(400, &[], r#"{"__type":"com.amazonaws.x#SomethingNewException","message":"new"}"#),
            response(400, &[("x-amzn-errortype", "SomethingNewException:meta")], r#"{"Message":"new"}"#),
            response(400, &[], r#"{"code":"SomethingNewException","errorMessage":"new"}"#),
        ];
        for raw in forms {
            let h = Harness::new([Ok(raw.clone())]);
            let err = (op.call)(h.config(|b| b.max_attempts(1))).unwrap_err();
            let what = format!("{} {raw:?}", op.name);
            assert!(format!("{err:?}").starts_with("Unmodeled("), "{what}: {err:?}");
            assert_eq!(err.kind(), ErrorKind::Service, "{what}");
            assert_eq!(err.code(), Some("SomethingNewException"), "{what}");
            let meta = err.meta().unwrap();
            assert_eq!(meta.status, 400, "{what}");
            assert_eq!(meta.message.as_deref(), Some("new"), "{what}");
            assert_eq!(meta.request_id.as_deref(), Some(REQUEST_ID), "{what}");
        }
    }
}

#[test]
fn error_without_any_code_is_unmodeled_unknown() {
    let h = Harness::new([status(400, &[], r#"{"message":"no code here"}"#), status(418, &[], "")]);
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    let PutDestinationError::Unmodeled(meta) = &err else { panic!("{err:?}") };
    assert_eq!((meta.code.as_str(), meta.status, meta.message.as_deref()), ("Unknown", 400, Some("no code here")));
    let err = run(h.gd().create_detector_with(CreateDetectorInput::new(true))).unwrap_err();
    let CreateDetectorError::Unmodeled(meta) = &err else { panic!("{err:?}") };
    assert_eq!((meta.code.as_str(), meta.status, meta.message.as_deref()), ("Unknown", 418, None));
}

/// A restJson1 error body may carry the message under both `message` and
/// `Message` (some services and mocks send both). The error is still the
/// modeled one; at worst the message is taken from one of them. Likewise an
/// output naming a member by both its JSON name and its member name.
#[test]
fn rest_json_error_body_with_both_message_spellings_stays_modeled() {
    let h = Harness::new([
        status(400, &[("X-Amzn-ErrorType", "BadRequestException")], r#"{"message":"m","Message":"m"}"#),
        status(
            400,
            &[("X-Amzn-ErrorType", "BadRequestException")],
            r#"{"__type":"BadRequestException","Type":"InvalidInputException","message":"m"}"#,
        ),
        ok(r#"{"detectorId":"d","DetectorId":"d"}"#),
    ]);
    for _ in 0..2 {
        let err = run(h.gd().create_detector_with(CreateDetectorInput::new(true))).unwrap_err();
        assert!(matches!(err, CreateDetectorError::BadRequestException(_)), "{err:?}");
    }
    // The same holds for outputs: a body naming a member both ways.
    let out = run(h.gd().create_detector_with(CreateDetectorInput::new(true))).unwrap();
    assert_eq!(out.detector_id.as_deref(), Some("d"));
}

// ---------------------------------------------------------------------------
// Validation

#[test]
fn invalid_input_lists_every_violation_and_sends_nothing() {
    let h = Harness::new([ok("{}")]);
    // Built field by field: a builder would refuse the missing `roleArn`.
    let mut input = PutDestinationInput::default();
    input.destination_name = Some("bad:name*".into());
    input.target_arn = Some(String::new());
    input.tags = Some([(String::new(), "v".to_string()), ("ok".to_string(), "x".repeat(257))].into());
    let err = run(h.logs().put_destination_with(input.clone())).unwrap_err();
    assert!(h.sent().is_empty(), "nothing is sent for an invalid input");
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(err.meta().is_none());
    let PutDestinationError::Validation(v) = &err else { panic!("expected Validation, got {err:?}") };
    assert_eq!(v.type_name, "PutDestinationInput");
    let found: Vec<(String, bool, String)> = v
        .violations
        .iter()
        .map(|x| {
            let kind = format!("{:?}", x.kind);
            (x.path.clone(), x.on_map_key, kind.split([' ', '{']).next().unwrap().to_string())
        })
        .collect();
    let expected = [
        ("destinationName", false, "Pattern"),
        ("targetArn", false, "Length"),
        ("roleArn", false, "Required"),
        ("tags[\"\"]", true, "Length"),
        ("tags[\"\"]", true, "Pattern"),
        ("tags[\"ok\"]", false, "Length"),
    ];
    let expected: Vec<(String, bool, String)> =
        expected.iter().map(|(p, k, n)| (p.to_string(), *k, n.to_string())).collect();
    assert_eq!(found, expected, "{v}");
    assert!(v.violations.iter().any(
        |x| x.kind == ViolationKind::Length { min: Some(0), max: Some(256), actual: 257, unit: LengthUnit::Chars }
    ));
    let text = err.to_string();
    assert!(text.contains("6 violations"), "{text}");
    for path in ["destinationName", "targetArn", "roleArn", "tags"] {
        assert!(text.contains(path), "{text} lacks {path}");
    }

    // With validation off the same input goes to the service as it is.
    let err = run(h.logs_with(|b| b.validate_input(false)).put_destination_with(input));
    assert!(err.is_ok(), "{err:?}");
    let sent = h.only_request();
    assert_eq!(sent.json()["destinationName"], "bad:name*");
    assert_eq!(sent.json()["tags"][""], "v");
    assert!(sent.json().get("roleArn").is_none());
}

#[test]
fn invalid_guardduty_inputs_are_rejected_before_sending() {
    let h = Harness::new([ok(r#"{"detectorId":"d"}"#), ok(r#"{"destinationId":"x"}"#)]);
    let mut detector = CreateDetectorInput::new(true);
    detector.client_token = Some("t".repeat(65));
    detector.tags = Some([("aws:reserved".to_string(), "v".to_string())].into());
    let err = run(h.gd().create_detector_with(detector.clone())).unwrap_err();
    let CreateDetectorError::Validation(v) = &err else { panic!("{err:?}") };
    let paths: Vec<&str> = v.violations.iter().map(|x| x.path.as_str()).collect();
    assert_eq!(paths, ["ClientToken", "Tags[\"aws:reserved\"]"], "{v}");

    let mut destination = create_publishing_destination_input(DETECTOR_ID);
    destination.destination_type = Some(DestinationType::Unknown("GCS".into()));
    destination.destination_properties = None;
    let err = run(h.gd().create_publishing_destination_with(destination.clone())).unwrap_err();
    let CreatePublishingDestinationError::Validation(v) = &err else { panic!("{err:?}") };
    assert_eq!(v.violations.len(), 2, "{v}");
    assert!(matches!(&v.violations[0].kind, ViolationKind::EnumValue { value, .. } if value == "GCS"), "{v}");
    assert_eq!(v.violations[1].kind, ViolationKind::Required);
    assert!(h.sent().is_empty());

    run(h.gd_with(|b| b.validate_input(false)).create_detector_with(detector)).unwrap();
    run(h.gd_with(|b| b.validate_input(false)).create_publishing_destination_with(destination)).unwrap();
    let sent = h.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].json()["clientToken"], "t".repeat(65));
    assert_eq!(sent[1].json()["destinationType"], "GCS");
}

#[test]
fn unknown_union_member_is_never_sent() {
    let h = Harness::new([ok("{}")]);
    let mut input = put_integration_input();
    input.resource_config = Some(ResourceConfig::Unknown("newConfig".into()));
    let err = run(h.logs().put_integration_with(input.clone())).unwrap_err();
    let PutIntegrationError::Validation(v) = &err else { panic!("{err:?}") };
    assert!(matches!(&v.violations[0].kind, ViolationKind::UnionMember { member } if member == "newConfig"), "{v}");
    // Without validation it cannot be serialized either: still nothing sent.
    let err = run(h.logs_with(|b| b.validate_input(false)).put_integration_with(input)).unwrap_err();
    let PutIntegrationError::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!(t.kind, TransportErrorKind::InvalidRequest);
    assert!(h.sent().is_empty());
}

// ---------------------------------------------------------------------------
// Retries

const THROTTLED: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;

#[test]
fn throttling_then_success_is_retried_once() {
    let h = Harness::new([status(400, &[], THROTTLED), ok(r#"{"destination":{"destinationName":"d"}}"#)]);
    let out = run(h.logs().put_destination_with(put_destination_input())).unwrap();
    assert_eq!(out.destination.unwrap().destination_name.as_deref(), Some("d"));
    let sent = h.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body);
    assert_eq!(h.slept().len(), 1, "one backoff between the two attempts");
    assert!(h.slept()[0] <= Duration::from_millis(500), "first backoff is within the initial backoff");
    for s in &sent {
        assert_signed(s, "logs", None);
    }
}

#[test]
fn throttling_by_429_header_or_namespaced_code_is_retried() {
    let h = Harness::new([
        status(429, &[], "{}"),
        status(400, &[("x-amzn-errortype", "ThrottlingException")], "{}"),
        ok(r#"{"detectorId":"d"}"#),
    ]);
    run(h.gd().create_detector_with(CreateDetectorInput::new(true))).unwrap();
    assert_eq!(h.sent().len(), 3);
    assert_eq!(h.slept().len(), 2);
    let h = Harness::new([
        status(400, &[], r#"{"__type":"com.amazonaws.cloudwatchlogs#ThrottlingException:http://x/"}"#),
        status(400, &[("x-amzn-errortype", "TooManyRequestsException:meta")], "{}"),
        ok("{}"),
    ]);
    run(h.logs().put_destination_with(put_destination_input())).unwrap();
    assert_eq!(h.sent().len(), 3);
}

#[test]
fn service_unavailable_twice_then_success() {
    let unavailable = || status(503, &[], r#"{"__type":"ServiceUnavailableException","message":"busy"}"#);
    let h = Harness::new([unavailable(), unavailable(), ok("{}")]);
    run(h.logs_with(|b| b.max_attempts(3)).put_destination_with(put_destination_input())).unwrap();
    assert_eq!(h.sent().len(), 3);
    assert_eq!(h.slept().len(), 2);
}

#[test]
fn server_error_on_a_non_idempotent_operation_is_not_retried() {
    let h = Harness::new([status(500, &[], r#"{"__type":"InternalFailure","message":"oops"}"#), ok("{}")]);
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    assert_eq!(h.sent().len(), 1, "PutDestination has no idempotency token: a 500 is final");
    assert!(h.slept().is_empty());
    let PutDestinationError::Unmodeled(meta) = &err else { panic!("{err:?}") };
    assert_eq!((meta.status, meta.code.as_str(), meta.attempts), (500, "InternalFailure", 1));
    assert!(err.to_string().contains("500"), "{err}");
}

#[test]
fn server_error_on_a_token_protected_operation_is_retried_with_the_same_token() {
    for given in [None, Some("caller-token")] {
        let h = Harness::new([
            status(500, &[("X-Amzn-ErrorType", "InternalServerErrorException")], r#"{"message":"oops"}"#),
            status(500, &[], "<html>gateway hiccup</html>"),
            ok(r#"{"destinationId":"dest-9"}"#),
        ]);
        let mut input = create_publishing_destination_input(DETECTOR_ID);
        input.client_token = given.map(str::to_string);
        let out = run(h.gd().create_publishing_destination_with(input)).unwrap();
        assert_eq!(out.destination_id.as_deref(), Some("dest-9"));
        let sent = h.sent();
        assert_eq!(sent.len(), 3);
        let tokens: Vec<String> = sent.iter().map(|s| take_client_token(&mut s.json())).collect();
        assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
        match given {
            Some(t) => assert_eq!(tokens[0], t),
            None => assert_uuid_v4(&tokens[0]),
        }
        assert_eq!(h.slept().len(), 2);
    }
}

#[test]
fn connect_errors_are_retried_for_any_operation() {
    let h = Harness::new([send_error(TransportErrorKind::Connect, "connection refused"), ok("{}")]);
    run(h.logs().put_destination_with(put_destination_input())).unwrap();
    assert_eq!(h.sent().len(), 2);
    let h = Harness::new([timeout(TimeoutKind::Connect), ok("{}")]);
    run(h.logs().put_destination_with(put_destination_input())).unwrap();
    assert_eq!(h.sent().len(), 2);
}

#[test]
fn lost_connections_and_read_timeouts_are_retried_only_when_repeats_are_safe() {
    let h = Harness::new([send_error(TransportErrorKind::Io, "connection reset"), ok("{}")]);
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!((t.kind, t.attempts), (TransportErrorKind::Io, 1));
    assert_eq!(h.sent().len(), 1);

    let h = Harness::new([timeout(TimeoutKind::Read), ok("{}")]);
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    let PutDestinationError::Timeout(t) = &err else { panic!("{err:?}") };
    assert_eq!((t.kind, t.attempts), (TimeoutKind::Read, 1));
    assert_eq!(h.sent().len(), 1);

    let h = Harness::new([
        send_error(TransportErrorKind::Io, "connection reset"),
        timeout(TimeoutKind::Read),
        ok(r#"{"destinationId":"d"}"#),
    ]);
    run(h.gd().create_publishing_destination_with(create_publishing_destination_input(DETECTOR_ID))).unwrap();
    assert_eq!(h.sent().len(), 3);
}

#[test]
fn other_client_errors_are_not_retried() {
    let h = Harness::new([
        status(400, &[], r#"{"__type":"InvalidParameterException","message":"m"}"#),
        send_error(TransportErrorKind::BodyTooLarge, "too big"),
        ok("{}"),
    ]);
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    assert!(matches!(err, PutDestinationError::InvalidParameterException(_)), "{err:?}");
    let err = run(h.gd().create_detector_with(CreateDetectorInput::new(true))).unwrap_err();
    let CreateDetectorError::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!(t.kind, TransportErrorKind::BodyTooLarge);
    assert_eq!(h.sent().len(), 2);
    assert!(h.slept().is_empty());
}

#[test]
fn exhausted_retries_return_the_last_error_with_the_attempt_count() {
    // Service errors: the last response, with attempts in its meta.
    let h = Harness::new([
        status(503, &[], r#"{"__type":"ServiceUnavailableException","message":"first"}"#),
        status(503, &[], r#"{"__type":"ServiceUnavailableException","message":"second"}"#),
        status(503, &[], r#"{"__type":"ServiceUnavailableException","message":"last"}"#),
        ok("{}"),
    ]);
    let err = run(h.logs_with(|b| b.max_attempts(3)).put_destination_with(put_destination_input())).unwrap_err();
    let PutDestinationError::ServiceUnavailableException(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("last"));
    assert_eq!(e.meta.attempts, 3);
    assert!(err.to_string().starts_with("PutDestination: ServiceUnavailableException (HTTP 503): last") && err.to_string().contains("request id req-7f3c0a2e-1b4d, 3 attempts)"), "{err}");
    assert_eq!(h.sent().len(), 3);
    assert_eq!(h.slept().len(), 2);

    // Unmodeled throttling.
    let h = Harness::new((0..5).map(|_| status(400, &[], THROTTLED)));
    let err = run(h.gd_with(|b| b.max_attempts(4)).create_detector_with(CreateDetectorInput::new(true))).unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"));
    assert_eq!(err.meta().unwrap().attempts, 4);
    assert_eq!(h.sent().len(), 4);

    // Transport and timeout failures.
    let h = Harness::new((0..3).map(|i| send_error(TransportErrorKind::Connect, &format!("refused #{i}"))));
    let err = run(h.logs().put_destination_with(put_destination_input())).unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!((t.kind, t.attempts, t.message.as_str()), (TransportErrorKind::Connect, 3, "refused #2"));
    assert!(err.to_string().contains("3 attempts"), "{err}");

    let h = Harness::new((0..2).map(|_| timeout(TimeoutKind::Read)));
    let err = run(h
        .gd_with(|b| b.max_attempts(2))
        .create_publishing_destination_with(create_publishing_destination_input(DETECTOR_ID)))
    .unwrap_err();
    let CreatePublishingDestinationError::Timeout(t) = &err else { panic!("{err:?}") };
    assert_eq!((t.kind, t.attempts), (TimeoutKind::Read, 2));
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[test]
fn max_attempts_one_disables_retries() {
    let h = Harness::new([status(400, &[], THROTTLED), ok("{}")]);
    let err = run(h.logs_with(|b| b.max_attempts(1)).put_destination_with(put_destination_input())).unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"));
    assert_eq!(h.sent().len(), 1);
    assert!(h.slept().is_empty());
    assert!(Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(ACCESS_KEY, SECRET, None))
        .transport(h.transport.clone())
        .sleep(h.sleep.clone())
        .max_attempts(0)
        .build()
        .is_err());
}

#[test]
fn backoffs_grow_but_stay_below_the_maximum() {
    let retry = RetryConfig {
        max_attempts: 8,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(350),
    };
    let mut all = Vec::new();
    for _ in 0..20 {
        let h = Harness::new((0..7).map(|_| status(400, &[], THROTTLED)).chain([ok("{}")]));
        run(h.logs_with(|b| b.retry(retry.clone())).put_destination_with(put_destination_input())).unwrap();
        assert_eq!(h.sent().len(), 8);
        let slept = h.slept();
        assert_eq!(slept.len(), 7);
        for (i, d) in slept.iter().enumerate() {
            let cap = (retry.initial_backoff * (1u32 << i)).min(retry.max_backoff);
            assert!(*d <= cap, "backoff #{i} {d:?} exceeds {cap:?}");
            assert!(*d <= retry.max_backoff);
        }
        all.extend(slept);
    }
    // Full jitter: the waits are spread out, not constant.
    all.sort();
    all.dedup();
    assert!(all.len() > 10, "backoffs look constant: {all:?}");
}

// ---------------------------------------------------------------------------
// Secrets

#[test]
fn secrets_never_appear_in_debug_or_errors() {
    let credentials = Credentials::new(ACCESS_KEY, SECRET, Some(TOKEN.to_string()));
    let h = Harness::new([]);
    let builder = h.builder().credentials(credentials.clone());
    let mut texts = vec![format!("{credentials:?}"), format!("{credentials:#?}"), format!("{builder:?}")];
    let config = builder.build().unwrap();
    texts.push(format!("{config:?}"));
    texts.push(format!("{config:#?}"));
    let resolved = smithy_gen_runtime::protocol_test::block_on(config.credentials()).expect("static credentials");
    assert_eq!(resolved.secret_access_key(), SECRET, "the secret is still there to sign with");
    texts.push(format!("{resolved:?}"));
    texts.push(format!("{:?}", logs::Client::new(config.clone())));
    texts.push(format!("{:?}", gd::Client::new(config.clone())));
    assert!(texts[0].contains(ACCESS_KEY), "the access key id is shown: {}", texts[0]);

    // Errors of every kind, from a client holding the secrets.
    let answers = [
        status(400, &[], r#"{"__type":"InvalidParameterException","message":"m"}"#),
        status(400, &[], r#"{"__type":"AccessDeniedException","message":"denied"}"#),
        ok(r#"{"destination": 5}"#),
        send_error(TransportErrorKind::Io, "connection reset"),
        timeout(TimeoutKind::Read),
        status(
            403,
            &[("x-amzn-errortype", "UnrecognizedClientException")],
            r#"{"message":"The security token included in the request is invalid."}"#,
        ),
        status(500, &[], r#"{"message":"oops"}"#),
    ];
    let h = Harness::new(answers);
    let client = logs::Client::new(h.config(|b| b.credentials(credentials.clone()).max_attempts(1)));
    let mut errors: Vec<Box<dyn OperationError>> = Vec::new();
    for _ in 0..5 {
        errors.push(boxed(run(client.put_destination_with(put_destination_input())).unwrap_err()));
    }
    errors.push(boxed(run(client.put_destination_with(PutDestinationInput::default())).unwrap_err()));
    let gd_client = gd::Client::new(h.config(|b| b.credentials(credentials.clone()).max_attempts(1)));
    errors.push(boxed(run(gd_client.create_detector_with(CreateDetectorInput::new(true))).unwrap_err()));
    errors.push(boxed(
        run(gd_client.create_publishing_destination_with(create_publishing_destination_input(""))).unwrap_err(),
    ));
    errors.push(boxed(run(gd_client.create_detector_with(CreateDetectorInput::new(true))).unwrap_err()));
    let kinds: Vec<ErrorKind> = errors.iter().map(|e| e.kind()).collect();
    for kind in [ErrorKind::Service, ErrorKind::Parse, ErrorKind::Transport, ErrorKind::Timeout, ErrorKind::Validation]
    {
        assert!(kinds.contains(&kind), "no {kind:?} error among {kinds:?}");
    }
    for e in &errors {
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
        texts.push(format!("{e:#?}"));
    }
    for text in &texts {
        assert!(!text.contains(SECRET), "the secret key leaks: {text}");
        assert!(!text.contains(TOKEN), "the session token leaks: {text}");
    }
    for sent in h.sent() {
        assert_signed(&sent, if sent.uri.path() == "/" { "logs" } else { "guardduty" }, Some(TOKEN));
    }
}
