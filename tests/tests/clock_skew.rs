//! Clock-skew correction against a server on 127.0.0.1 whose clock is an
//! hour ahead of ours, and which refuses signatures more than five minutes
//! from its time as AWS does (`InvalidSignatureException`, "Signature
//! expired"), with its time in the `Date` header: the first call is
//! corrected and retried once, later calls are signed with the corrected
//! time and go through at once, and a refusal whose `Date` agrees with ours
//! (a wrong key, not a clock) is not retried.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_generated::cloudwatch_logs::{self, types::DescribeDestinationsInput};
use smithy_gen_runtime::types::timestamp::Timestamp;
use smithy_gen_runtime::{Config, Credentials, RetryConfig};

fn epoch_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

/// The `x-amz-date` of a request head, in seconds since the epoch.
fn signed_at(head: &str) -> Option<f64> {
    let v = head.lines().find_map(|l| l.strip_prefix("x-amz-date: ").or_else(|| l.strip_prefix("X-Amz-Date: ")))?.trim();
    let iso = format!("{}-{}-{}T{}:{}:{}Z", &v[0..4], &v[4..6], &v[6..8], &v[9..11], &v[11..13], &v[13..15]);
    Some(Timestamp::parse_date_time(&iso).ok()?.to_epoch_seconds_f64())
}

/// A server `ahead` seconds ahead of our clock; its count of requests.
fn server(ahead: f64) -> (String, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let url = integration_tests::serve_http_keep_alive(move |head, _| {
        counter.fetch_add(1, Ordering::SeqCst);
        let now = epoch_now() + ahead;
        let date = Timestamp::from_epoch_seconds_f64(now.floor()).unwrap().fmt_http_date();
        let headers = format!("content-type: application/x-amz-json-1.1\r\ndate: {date}\r\n");
        match signed_at(head) {
            Some(t) if (t - now).abs() <= 300.0 => (200, headers, r#"{"destinations":[]}"#.to_string()),
            _ => (400, headers, r#"{"__type":"InvalidSignatureException","message":"Signature expired: 20261206T070000Z is now earlier than 20261206T080000Z (20261206T081000Z - 5 min.)"}"#.to_string()),
        }
    });
    (url, seen)
}

fn client(url: &str) -> cloudwatch_logs::Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(url)
        .credentials(Credentials::new("AKID", "skew-secret", None))
        .retry(RetryConfig { max_attempts: 1, initial_backoff: Duration::ZERO, max_backoff: Duration::ZERO })
        .build()
        .unwrap();
    cloudwatch_logs::Client::new(config)
}

#[tokio::test]
async fn a_skewed_clock_is_corrected_from_the_date_header_and_retried_once() {
    let (url, seen) = server(3600.0);
    let client = client(&url);
    // Even with retries off (one attempt), the skew correction retries once.
    client.describe_destinations_with(DescribeDestinationsInput::default()).await.expect("corrected and retried");
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    // Later calls sign with the corrected time: one request each.
    client.describe_destinations_with(DescribeDestinationsInput::default()).await.expect("signed with the corrected time");
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    let offset = client.config().clock_skew().offset_ms();
    assert!((offset - 3_600_000).abs() < 3_000, "{offset}");
}

#[tokio::test]
async fn a_refusal_with_an_agreeing_date_is_not_retried() {
    // The server refuses everything (its window cannot be met: an hour
    // ahead, but it says its time is ours): no correction, no retry.
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let url = integration_tests::serve_http_keep_alive(move |_, _| {
        counter.fetch_add(1, Ordering::SeqCst);
        let date = Timestamp::from_epoch_seconds_f64(epoch_now().floor()).unwrap().fmt_http_date();
        let headers = format!("content-type: application/x-amz-json-1.1\r\ndate: {date}\r\n");
        (400, headers, r#"{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match"}"#.to_string())
    });
    let client = client(&url);
    let e = client.describe_destinations_with(DescribeDestinationsInput::default()).await.expect_err("refused");
    assert!(e.to_string().contains("InvalidSignatureException"), "{e}");
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(client.config().clock_skew().offset_ms(), 0);
}
