//! The `adaptive` retry mode: the client-side rate limiter's rates equal
//! botocore's for the same responses at the same times, and a client in
//! that mode slows down after throttling errors (it waits for tokens before
//! sending) while a `standard` one does not.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_generated::sts::{self, types::GetCallerIdentityInput};
use serde_json::{json, Value};
use smithy_gen_runtime::retry::adaptive::ClientRateLimiter;
use smithy_gen_runtime::config::RetryMode;
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Sleep, Transport};
use smithy_gen_runtime::{Config, Credentials};

/// Bursts of successes at 10 to 40 requests a second, throttles among
/// them, quiet spells: the curve's decrease, growth and clamping.
fn events() -> Vec<(f64, bool)> {
    let mut out = Vec::new();
    let mut t = 0.05;
    for i in 0..400 {
        let step = match i / 100 {
            0 => 0.1,
            1 => 0.025,
            2 => 0.05,
            _ => 0.3,
        };
        t += step;
        let throttled = matches!(i, 50 | 51 | 130 | 131 | 132 | 220 | 300 | 350);
        out.push(((t * 1000.0_f64).round() / 1000.0, throttled));
    }
    out
}

#[test]
fn the_rates_equal_botocores() {
    if integration_tests::interop::python().is_none() {
        eprintln!("{}", integration_tests::interop::SKIP_NOTICE);
        return;
    }
    let events = events();
    let theirs = integration_tests::interop::botocore_adaptive(&json!(events.iter().map(|(t, x)| json!([t, x])).collect::<Vec<_>>()));
    let ours = ClientRateLimiter::simulate(&events);
    let theirs = theirs.as_array().expect("an array");
    assert_eq!(theirs.len(), ours.len());
    let close = |a: f64, b: &Value| (a - b.as_f64().expect("a number")).abs() <= 1e-9 * a.abs().max(1.0);
    for (i, (o, t)) in ours.iter().zip(theirs).enumerate() {
        assert!(close(o.measured_rate, &t[0]), "event {i} {:?}: measured rate {} vs botocore {}", events[i], o.measured_rate, t[0]);
        assert!(close(o.fill_rate, &t[1]), "event {i} {:?}: fill rate {} vs botocore {}", events[i], o.fill_rate, t[1]);
        assert_eq!(Some(o.enabled), t[2].as_bool(), "event {i}: enabled");
    }
}

/// Answers every request with a throttling error; records the sleeps asked for.
#[derive(Debug, Default)]
struct Throttling(Mutex<usize>);

impl Transport for Throttling {
    fn send(&self, _: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        *self.0.lock().unwrap() += 1;
        let body = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        Box::pin(std::future::ready(Ok(RawResponse::new(400, vec![], body.as_bytes().to_vec()))))
    }
}

#[derive(Debug, Default)]
struct Sleeps(Mutex<Vec<Duration>>);

impl Sleep for Sleeps {
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().unwrap().push(d);
        Box::pin(std::future::ready(()))
    }
}

fn sleeps_after_throttling(mode: RetryMode) -> Vec<Duration> {
    let sleeps = Arc::new(Sleeps::default());
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .transport(Arc::new(Throttling::default()))
        .sleep(sleeps.clone())
        .retry(smithy_gen_runtime::config::RetryConfig { max_attempts: 3, initial_backoff: Duration::ZERO, max_backoff: Duration::ZERO })
        .retry_mode(mode)
        .build()
        .expect("a configuration");
    let client = sts::Client::new(config);
    for _ in 0..4 {
        let e = smithy_gen_runtime::protocol_test::block_on(client.get_caller_identity_with(GetCallerIdentityInput::default())).expect_err("throttled");
        assert!(e.to_string().contains("Throttling"), "{e}");
    }
    let out = sleeps.0.lock().unwrap().clone();
    out
}

#[test]
fn an_adaptive_client_waits_for_tokens_after_throttling() {
    // Backoffs are zero here: every non-zero sleep is the rate limiter's.
    let standard = sleeps_after_throttling(RetryMode::Standard);
    assert!(standard.iter().all(Duration::is_zero), "{standard:?}");
    let adaptive = sleeps_after_throttling(RetryMode::Adaptive);
    let waits: Vec<&Duration> = adaptive.iter().filter(|d| !d.is_zero()).collect();
    assert!(waits.len() >= 8, "the limiter makes later attempts wait: {adaptive:?}");
    // At the minimum rate (0.5 a second) queued tokens come 2 s apart.
    assert!(waits.iter().any(|d| **d >= Duration::from_secs(2)), "{adaptive:?}");
}
