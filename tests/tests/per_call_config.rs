//! Per-call configuration: `client.with_config(|c| c.with_…())` changes the
//! region, endpoint, credentials provider, retry mode and attempts,
//! timeouts and hooks of the calls made through the returned client, with
//! the endpoint resolved again, and leaves the original client as it was.
//! Through a recording fake transport (the approach of `client_wire.rs`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_generated::cloudwatch_logs as logs;
use smithy_gen_runtime::config::{Config, Credentials, RetryMode};
use smithy_gen_runtime::error::{TransportError, TransportErrorKind};
use smithy_gen_runtime::hooks::{HookRequest, RequestHook};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Sleep, Transport};

type Answer = Result<RawResponse, SendError>;

/// Records each request's URI and headers; answers from a queue, else 200 `{}`.
#[derive(Debug, Default)]
struct FakeTransport {
    sent: Mutex<Vec<(String, http::HeaderMap)>>,
    answers: Mutex<VecDeque<Answer>>,
}

impl Transport for FakeTransport {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, _max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        let (parts, _) = request.into_parts();
        self.sent.lock().unwrap().push((parts.uri.to_string(), parts.headers));
        let answer = self.answers.lock().unwrap().pop_front().unwrap_or_else(|| Ok(ok()));
        Box::pin(async move { answer })
    }
}

fn ok() -> RawResponse {
    RawResponse::new(200, vec![("content-type".into(), "application/x-amz-json-1.1".into())], b"{}".to_vec())
}

fn unavailable() -> Answer {
    Ok(RawResponse::new(503, vec![("content-type".into(), "application/x-amz-json-1.1".into())], br#"{"__type":"ServiceUnavailableException"}"#.to_vec()))
}

#[derive(Debug, Default)]
struct FakeSleep;

impl Sleep for FakeSleep {
    fn sleep(&self, _duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// A hook that tags every request it sees.
#[derive(Debug)]
struct Tag(&'static str);

impl RequestHook for Tag {
    fn before_sign(&self, request: &mut HookRequest<'_>) -> Result<(), String> {
        request.headers.push(("x-test-tag".into(), self.0.into()));
        Ok(())
    }
}

fn client(transport: &Arc<FakeTransport>) -> logs::Client {
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDBASE", "secret", None))
        .transport(transport.clone())
        .sleep(Arc::new(FakeSleep))
        .build()
        .expect("valid config");
    logs::Client::new(config)
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(future)
}

fn sent(t: &FakeTransport) -> Vec<(String, String, Option<String>)> {
    t.sent
        .lock()
        .unwrap()
        .iter()
        .map(|(uri, h)| {
            let auth = h.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let tag = h.get("x-test-tag").and_then(|v| v.to_str().ok()).map(str::to_string);
            (uri.clone(), auth, tag)
        })
        .collect()
}

#[test]
fn two_calls_of_one_client_go_to_two_regions() {
    let t = Arc::new(FakeTransport::default());
    let client = client(&t);
    run(async {
        client.describe_destinations().send().await.expect("first call");
        client.with_config(|c| c.with_region("eu-west-1")).describe_destinations().send().await.expect("second call");
        client.describe_destinations().send().await.expect("third call, the client as it was");
    });
    let sent = sent(&t);
    assert_eq!(sent[0].0, "https://logs.us-east-1.amazonaws.com/");
    assert_eq!(sent[1].0, "https://logs.eu-west-1.amazonaws.com/", "the endpoint is resolved again");
    assert!(sent[1].1.contains("/eu-west-1/logs/aws4_request"), "signed for the new region: {}", sent[1].1);
    assert!(sent[0].1.contains("/us-east-1/logs/aws4_request"));
    assert_eq!(sent[2].0, sent[0].0, "the original client is unchanged");
    assert_eq!(client.config().region(), "us-east-1");
}

#[test]
fn endpoint_credentials_and_hooks_for_one_call() {
    let t = Arc::new(FakeTransport::default());
    let client = client(&t);
    let other = client.with_config(|c| {
        c.with_endpoint("http://127.0.0.1:4566")
            .with_credentials(Credentials::new("AKIDOTHER", "other-secret", None))
            .with_hook(Arc::new(Tag("per-call")))
    });
    assert_eq!(other.endpoint().as_deref(), Ok("http://127.0.0.1:4566"));
    run(async {
        other.describe_destinations().send().await.expect("overridden call");
        client.describe_destinations().send().await.expect("plain call");
    });
    let sent = sent(&t);
    assert_eq!(sent[0].0, "http://127.0.0.1:4566/");
    assert!(sent[0].1.contains("Credential=AKIDOTHER/"), "{}", sent[0].1);
    assert_eq!(sent[0].2.as_deref(), Some("per-call"));
    assert!(sent[1].1.contains("Credential=AKIDBASE/"), "{}", sent[1].1);
    assert_eq!(sent[1].2, None, "the hook was for the one call");
    // Back to the rules' endpoint.
    assert_eq!(other.with_config(|c| c.without_endpoint()).endpoint().as_deref(), Ok("https://logs.us-east-1.amazonaws.com"));
}

#[test]
fn attempts_and_retry_mode_for_one_call() {
    let t = Arc::new(FakeTransport::default());
    let client = client(&t);
    t.answers.lock().unwrap().extend([unavailable(), unavailable(), unavailable(), unavailable()]);
    let more = client.with_config(|c| c.with_max_attempts(5).with_retry_mode(RetryMode::Adaptive));
    assert_eq!(more.config().retry_mode(), RetryMode::Adaptive);
    run(async { more.describe_destinations().send().await.expect("the fifth attempt succeeds") });
    assert_eq!(sent(&t).len(), 5);
    t.sent.lock().unwrap().clear();
    t.answers.lock().unwrap().extend([unavailable(), unavailable()]);
    let once = client.with_config(|c| c.with_max_attempts(1));
    let err = run(async { once.describe_destinations().send().await.expect_err("no retry") });
    assert!(err.to_string().contains("ServiceUnavailable"), "{err}");
    assert_eq!(sent(&t).len(), 1, "one attempt only");
    assert_eq!(client.config().retry().max_attempts, 3, "the original keeps its attempts");
    assert_eq!(client.config().retry_mode(), RetryMode::Standard);
}

#[test]
fn timeouts_for_one_call() {
    // A transport that never answers: the per-call operation timeout ends the call.
    #[derive(Debug)]
    struct Never;
    impl Transport for Never {
        fn send(&self, _: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
            Box::pin(std::future::pending())
        }
    }
    let config = Config::builder().region("us-east-1").credentials(Credentials::new("AKID", "s", None)).transport(Arc::new(Never)).build().expect("config");
    let client = logs::Client::new(config);
    let quick = client.with_config(|c| c.with_timeouts(Some(Duration::from_millis(50)), None));
    assert_eq!(quick.config().operation_timeout(), Some(Duration::from_millis(50)));
    let err = run(async { quick.describe_destinations().send().await.expect_err("times out") });
    assert!(err.to_string().contains("timed out") || err.to_string().contains("timeout"), "{err}");
    assert_eq!(client.config().operation_timeout(), None);
}

#[test]
fn an_invalid_region_or_endpoint_fails_every_call_unsent() {
    let t = Arc::new(FakeTransport::default());
    let client = client(&t);
    let bad = client.with_config(|c| c.with_region("eu west/1"));
    let err = run(async { bad.describe_destinations().send().await.expect_err("invalid region") });
    let text = err.to_string();
    assert!(text.contains("region \"eu west/1\" is not a valid region name"), "{text}");
    let bad = client.with_config(|c| c.with_endpoint("not a url"));
    assert!(bad.config().problem().is_some_and(|p| p.contains("endpoint")));
    assert!(run(async { bad.describe_destinations().send().await }).is_err());
    assert!(sent(&t).is_empty(), "nothing was sent");
    // Corrected later, the configuration works again.
    let fixed = client.with_config(|c| c.with_region("eu west/1").with_region("eu-west-1"));
    assert_eq!(fixed.config().problem(), None);
    run(async { fixed.describe_destinations().send().await.expect("valid again") });
    assert_eq!(sent(&t)[0].0, "https://logs.eu-west-1.amazonaws.com/");
}

#[test]
fn an_unusable_override_is_an_invalid_request_error() {
    // `TransportError` stays the type of an unsent call's error: users match on its kind.
    let t = Arc::new(FakeTransport::default());
    let bad = client(&t).with_config(|c| c.with_region(""));
    let err = run(async { bad.describe_destinations().send().await.expect_err("empty region") });
    match err {
        logs::errors::DescribeDestinationsError::Transport(TransportError { kind: TransportErrorKind::InvalidRequest, .. }) => {}
        other => panic!("expected an InvalidRequest transport error, got {other:?}"),
    }
}
