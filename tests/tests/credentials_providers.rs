//! Credentials from a provider, through a real client: each request is
//! signed with what the configuration's cache holds at that moment,
//! credentials about to expire are replaced before the call, and a provider
//! that has none stops the call before anything is sent, with an error that
//! names the provider and shows no secret.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_generated::sts::{self, types::GetCallerIdentityInput};
use smithy_gen_runtime::credentials::{CredentialsError, ProvideCredentials};
use smithy_gen_runtime::error::OperationError;
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Sleep, Transport};
use smithy_gen_runtime::{Config, Credentials, ErrorKind};

#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<String>>);

impl Transport for Recorder {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        let auth = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        self.0.lock().unwrap().push(auth);
        let body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
        Box::pin(std::future::ready(Ok(RawResponse::new(200, vec![], body.as_bytes().to_vec()))))
    }
}

#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// `AKID<n>` on the n-th call, valid for `ttl`; or an error.
#[derive(Debug)]
struct Rotating {
    calls: AtomicUsize,
    ttl: Duration,
    fail: bool,
}

impl ProvideCredentials for Rotating {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let out = if self.fail {
            Err(CredentialsError::new("the test's provider", "the token file is empty"))
        } else {
            Ok(Credentials::new(format!("AKIDROTATING{n}"), "ROTATINGSECRET", Some("ROTATINGTOKEN".into())).with_expiry(SystemTime::now() + self.ttl))
        };
        Box::pin(std::future::ready(out))
    }
}

fn client(provider: Arc<Rotating>) -> (sts::Client, Arc<Recorder>) {
    let recorder = Arc::new(Recorder::default());
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(provider)
        .transport(recorder.clone())
        .sleep(Arc::new(NoSleep))
        .build()
        .expect("config");
    (sts::Client::new(config), recorder)
}

#[tokio::test]
async fn each_call_signs_with_fresh_credentials() {
    // Valid for an hour: one provider call for three requests.
    let lasting = Arc::new(Rotating { calls: AtomicUsize::new(0), ttl: Duration::from_secs(3600), fail: false });
    let (c, recorder) = client(lasting.clone());
    for _ in 0..3 {
        c.get_caller_identity(GetCallerIdentityInput::default()).await.expect("call");
    }
    assert_eq!(lasting.calls.load(Ordering::SeqCst), 1);
    assert!(recorder.0.lock().unwrap().iter().all(|a| a.contains("Credential=AKIDROTATING1/")));

    // Expiring within the refresh buffer: replaced before every call.
    let short = Arc::new(Rotating { calls: AtomicUsize::new(0), ttl: Duration::from_secs(30), fail: false });
    let (c, recorder) = client(short.clone());
    c.get_caller_identity(GetCallerIdentityInput::default()).await.expect("call");
    c.get_caller_identity(GetCallerIdentityInput::default()).await.expect("call");
    let sent = recorder.0.lock().unwrap();
    assert!(sent[0].contains("Credential=AKIDROTATING1/") && sent[1].contains("Credential=AKIDROTATING2/"), "{sent:?}");
}

#[tokio::test]
async fn a_provider_without_credentials_stops_the_call() {
    let failing = Arc::new(Rotating { calls: AtomicUsize::new(0), ttl: Duration::from_secs(3600), fail: true });
    let (c, recorder) = client(failing);
    let err = c.get_caller_identity(GetCallerIdentityInput::default()).await.expect_err("no credentials");
    assert_eq!(err.kind(), ErrorKind::Transport);
    let text = err.to_string();
    assert!(text.contains("the test's provider") && text.contains("the token file is empty"), "{text}");
    assert!(recorder.0.lock().unwrap().is_empty(), "nothing was sent");
    let debug = format!("{err:?} {:?}", c.config());
    assert!(!debug.contains("ROTATINGSECRET") && !debug.contains("ROTATINGTOKEN"), "{debug}");
}
