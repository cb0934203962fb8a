//! The retry quota against a server on 127.0.0.1 that fails on a script:
//! during an outage the clients of one configuration stop retrying once
//! the quota is spent (one request a call instead of three), successes
//! refill it, throttling errors cost less than others, and a retried
//! success gives its cost back, request for request as botocore's standard
//! retry mode does against the same script.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_generated::cloudwatch_logs::{self, types::DescribeDestinationsInput};
use smithy_gen_runtime::{Config, Credentials, RetryConfig};

/// What request `i` gets: an outage of 503s, ten successes, a spell of
/// throttling, then one request in three failing.
fn answer(i: usize) -> (u16, &'static str) {
    const DOWN: (u16, &str) = (503, r#"{"__type":"ServiceUnavailableException","message":"down"}"#);
    const THROTTLED: (u16, &str) = (400, r#"{"__type":"ThrottlingException","message":"slow down"}"#);
    const OK: (u16, &str) = (200, r#"{"destinations":[]}"#);
    match i {
        0..60 => DOWN,
        60..70 => OK,
        70..110 => THROTTLED,
        _ if i.is_multiple_of(3) => DOWN,
        _ => OK,
    }
}

const CALLS: usize = 90;

/// A server answering by the script; its count of requests.
fn scripted() -> (String, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let url = integration_tests::serve_http_keep_alive(move |_, _| {
        let i = counter.fetch_add(1, Ordering::SeqCst);
        let (status, body) = answer(i);
        (status, "content-type: application/x-amz-json-1.1\r\n".to_string(), body.to_string())
    });
    (url, seen)
}

/// Requests per call during the outage, for a client with the quota: 17
/// calls take 2 retries of 14 tokens each (476), the 18th one (10 left),
/// then none until the outage ends.
fn outage() -> Vec<usize> {
    let mut v = vec![3; 17];
    v.push(2);
    v.extend([1; 7]);
    v
}

#[tokio::test]
async fn retries_stop_when_the_quota_is_spent_as_botocores_do() {
    let (url, seen) = scripted();
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(&url)
        .credentials(Credentials::new("AKID", "quota-secret", None))
        .retry(RetryConfig { max_attempts: 3, initial_backoff: Duration::ZERO, max_backoff: Duration::ZERO })
        .build()
        .unwrap();
    // Two clients of one configuration share its quota.
    let clients = [cloudwatch_logs::Client::new(config.clone()), cloudwatch_logs::Client::new(config.clone())];
    let mut ours = Vec::new();
    for call in 0..CALLS {
        let before = seen.load(Ordering::SeqCst);
        let _ = clients[call % 2].describe_destinations_with(DescribeDestinationsInput::default()).await;
        ours.push(seen.load(Ordering::SeqCst) - before);
    }
    assert_eq!(ours[..25], outage()[..]);
    assert!(ours[25..35].iter().all(|n| *n == 1), "successes: {ours:?}");
    assert!(ours[35..].contains(&3), "the successes refilled the quota for throttling retries: {ours:?}");

    if integration_tests::interop::python().is_none() {
        eprintln!("{}", integration_tests::interop::SKIP_NOTICE);
        return;
    }
    let (url, _) = scripted();
    let theirs: Vec<usize> = serde_json::from_value(integration_tests::interop::botocore_quota(&url, CALLS)).expect("an array of counts");
    assert_eq!(ours, theirs, "requests per call: ours, then botocore's");
}

#[tokio::test]
async fn throttling_retries_cost_less_than_others() {
    let q = smithy_gen_runtime::retry::quota::RetryQuota::new();
    let mut last = None;
    assert!(q.take(false, &mut last));
    assert_eq!((last, q.available()), (Some(14), 486));
    assert!(q.take(true, &mut last));
    assert_eq!((last, q.available()), (Some(5), 481));
    q.release(last);
    assert_eq!(q.available(), 486);
}
