//! Operation and attempt timeouts against a server that accepts requests
//! and never answers: no call hangs, the error says which timeout fired and
//! after how long, an attempt timeout is retried when the operation is safe
//! to repeat, and a per-call override (`Client::with_config`) wins over the
//! configuration.

use std::time::{Duration, Instant};

use aws_generated::guardduty::{self, errors::CreateDetectorError, types::CreateDetectorInput};
use aws_generated::sts::{self, errors::GetCallerIdentityError, types::GetCallerIdentityInput};
use smithy_gen_runtime::error::TimeoutKind;
use smithy_gen_runtime::{Config, ConfigBuilder, Credentials};

fn builder(url: &str) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .endpoint(url)
        .credentials(Credentials::new("AKID", "timeout-secret", None))
        .read_timeout(Duration::from_secs(30))
        .retry(smithy_gen_runtime::RetryConfig { max_attempts: 3, initial_backoff: Duration::from_millis(10), max_backoff: Duration::from_millis(10) })
}

#[tokio::test]
async fn the_operation_timeout_ends_the_call_whatever_the_attempts() {
    let url = integration_tests::serve_stalling();
    let config = builder(&url).operation_timeout(Duration::from_millis(400)).operation_attempt_timeout(Duration::from_millis(150)).build().unwrap();
    let started = Instant::now();
    let e = guardduty::Client::new(config).create_detector_with(CreateDetectorInput::new(true)).await.expect_err("no answer");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(3), "{elapsed:?}");
    let CreateDetectorError::Timeout(t) = &e else { panic!("{e:?}") };
    assert_eq!((t.kind, t.after), (TimeoutKind::Operation, Duration::from_millis(400)));
    assert!(t.attempts >= 2, "attempt timeouts were retried inside: {t:?}");
    let shown = e.to_string();
    assert!(shown.starts_with("CreateDetector: timed out after 400ms in all (operation timeout"), "{shown}");
}

#[tokio::test]
async fn an_attempt_timeout_is_retried_when_the_operation_is_safe_to_repeat() {
    let url = integration_tests::serve_stalling();
    let config = builder(&url).operation_attempt_timeout(Duration::from_millis(100)).build().unwrap();
    // CreateDetector has an idempotency token: retried, three attempts.
    let started = Instant::now();
    let e = guardduty::Client::new(config.clone()).create_detector_with(CreateDetectorInput::new(true)).await.expect_err("no answer");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    let CreateDetectorError::Timeout(t) = &e else { panic!("{e:?}") };
    assert_eq!((t.kind, t.after, t.attempts), (TimeoutKind::Attempt, Duration::from_millis(100), 3));
    assert!(e.to_string().contains("timed out after 100ms in one attempt (attempt timeout) (3 attempts)"), "{e}");
    // GetCallerIdentity is not marked safe to repeat: one attempt.
    let e = sts::Client::new(config).get_caller_identity_with(GetCallerIdentityInput::default()).await.expect_err("no answer");
    let GetCallerIdentityError::Timeout(t) = &e else { panic!("{e:?}") };
    assert_eq!((t.kind, t.attempts), (TimeoutKind::Attempt, 1));
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_configuration() {
    let url = integration_tests::serve_stalling();
    let client = sts::Client::new(builder(&url).build().unwrap());
    let started = Instant::now();
    let e = client
        .with_config(|c| c.with_operation_timeout(Some(Duration::from_millis(200))))
        .get_caller_identity_with(GetCallerIdentityInput::default())
        .await
        .expect_err("no answer");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let GetCallerIdentityError::Timeout(t) = &e else { panic!("{e:?}") };
    assert_eq!((t.kind, t.after), (TimeoutKind::Operation, Duration::from_millis(200)));
    assert_eq!(client.config().operation_timeout(), None, "the client itself is unchanged");
}
