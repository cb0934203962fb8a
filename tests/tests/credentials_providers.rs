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
        c.get_caller_identity_with(GetCallerIdentityInput::default()).await.expect("call");
    }
    assert_eq!(lasting.calls.load(Ordering::SeqCst), 1);
    assert!(recorder.0.lock().unwrap().iter().all(|a| a.contains("Credential=AKIDROTATING1/")));

    // Expiring within the refresh buffer: replaced before every call.
    let short = Arc::new(Rotating { calls: AtomicUsize::new(0), ttl: Duration::from_secs(30), fail: false });
    let (c, recorder) = client(short.clone());
    c.get_caller_identity_with(GetCallerIdentityInput::default()).await.expect("call");
    c.get_caller_identity_with(GetCallerIdentityInput::default()).await.expect("call");
    let sent = recorder.0.lock().unwrap();
    assert!(sent[0].contains("Credential=AKIDROTATING1/") && sent[1].contains("Credential=AKIDROTATING2/"), "{sent:?}");
}

#[tokio::test]
async fn a_provider_without_credentials_stops_the_call() {
    let failing = Arc::new(Rotating { calls: AtomicUsize::new(0), ttl: Duration::from_secs(3600), fail: true });
    let (c, recorder) = client(failing);
    let err = c.get_caller_identity_with(GetCallerIdentityInput::default()).await.expect_err("no credentials");
    assert_eq!(err.kind(), ErrorKind::Transport);
    let text = err.to_string();
    assert!(text.contains("the test's provider") && text.contains("the token file is empty"), "{text}");
    assert!(recorder.0.lock().unwrap().is_empty(), "nothing was sent");
    let debug = format!("{err:?} {:?}", c.config());
    assert!(!debug.contains("ROTATINGSECRET") && !debug.contains("ROTATINGTOKEN"), "{debug}");
}

fn has_header(head: &str, name: &str, value: &str) -> bool {
    head.lines().any(|l| l.split_once(':').is_some_and(|(k, v)| k.trim().eq_ignore_ascii_case(name) && v.trim() == value))
}

fn parts() -> (Arc<dyn Transport>, Arc<dyn Sleep>) {
    let transport = smithy_gen_runtime::transport::default::DefaultTransport::new(Duration::from_secs(2), Duration::from_secs(2)).expect("transport");
    (Arc::new(transport), Arc::new(smithy_gen_runtime::transport::default::TokioSleep))
}

const ROLE_CREDENTIALS: &str = r#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-token","Expiration":"2099-01-01T00:00:00Z"}"#;

#[tokio::test]
async fn instance_metadata_v2_gives_the_roles_credentials() {
    use smithy_gen_runtime::credentials::imds::ImdsProvider;
    let url = integration_tests::serve_http(|head| {
        let token = has_header(head, "x-aws-ec2-metadata-token", "TOKEN-1");
        if head.starts_with("PUT /latest/api/token ") && has_header(head, "x-aws-ec2-metadata-token-ttl-seconds", "21600") {
            (200, "TOKEN-1".into())
        } else if head.starts_with("GET /latest/meta-data/iam/security-credentials/ ") && token {
            (200, "app-role\n".into())
        } else if head.starts_with("GET /latest/meta-data/iam/security-credentials/app-role ") && token {
            (200, ROLE_CREDENTIALS.into())
        } else {
            (401, String::new())
        }
    });
    let (transport, sleep) = parts();
    let creds = ImdsProvider::new(url, true, transport, sleep).provide_credentials().await.expect("credentials");
    assert_eq!((creds.access_key_id(), creds.secret_access_key(), creds.session_token()), ("ASIAIMDS", "imds-secret", Some("imds-token")));
    assert!(creds.expiry().is_some());
}

#[tokio::test]
async fn instance_metadata_v1_fallback_and_failures() {
    use smithy_gen_runtime::credentials::imds::ImdsProvider;
    // An IMDSv1-only service refuses the token request.
    let v1 = integration_tests::serve_http(|head| {
        if head.starts_with("PUT ") {
            (403, String::new())
        } else if head.starts_with("GET /latest/meta-data/iam/security-credentials/ ") {
            (200, "app-role".into())
        } else if head.starts_with("GET /latest/meta-data/iam/security-credentials/app-role ") {
            (200, ROLE_CREDENTIALS.into())
        } else {
            (404, String::new())
        }
    });
    let (transport, sleep) = parts();
    let creds = ImdsProvider::new(v1.clone(), true, transport.clone(), sleep.clone()).provide_credentials().await.expect("v1 fallback");
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    let e = ImdsProvider::new(v1, false, transport.clone(), sleep.clone()).provide_credentials().await.expect_err("v1 disabled").to_string();
    assert!(e.contains("EC2 instance metadata") && e.contains("403"), "{e}");

    let no_role = integration_tests::serve_http(|head| if head.starts_with("PUT ") { (200, "T".into()) } else { (404, String::new()) });
    let e = ImdsProvider::new(no_role, true, transport.clone(), sleep.clone()).provide_credentials().await.expect_err("no role").to_string();
    assert!(e.contains("no IAM role"), "{e}");

    let garbage = integration_tests::serve_http(|head| if head.starts_with("PUT ") { (200, "T".into()) } else if head.contains("credentials/ ") { (200, "r".into()) } else { (200, "{\"AccessKeyId\": 5".into()) });
    let e = ImdsProvider::new(garbage, true, transport.clone(), sleep.clone()).provide_credentials().await.expect_err("garbage").to_string();
    assert!(e.contains("not JSON"), "{e}");

    // Nothing answers: given up after a second.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", silent.local_addr().unwrap());
    let started = std::time::Instant::now();
    let e = ImdsProvider::new(url, true, transport, sleep).provide_credentials().await.expect_err("silent").to_string();
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(e.contains("no answer within 1s") || e.contains("timed out"), "{e}");
    drop(silent);
}

#[tokio::test]
async fn container_endpoints_need_their_token() {
    use smithy_gen_runtime::credentials::container::{AuthToken, ContainerProvider};
    let url = integration_tests::serve_http(|head| {
        if head.starts_with("GET /v2/credentials/task ") && has_header(head, "authorization", "Bearer-ish token") {
            (200, r#"{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"container-secret","Token":"container-token","Expiration":"2099-01-01T00:00:00Z","RoleArn":"arn:aws:iam::1:role/task"}"#.into())
        } else {
            (403, r#"{"code":"AccessDenied","message":"bad token"}"#.into())
        }
    });
    let (transport, sleep) = parts();
    let dir = std::env::temp_dir().join(format!("smithy-container-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, "Bearer-ish token\n").unwrap();
    let p = ContainerProvider::new(format!("{url}/v2/credentials/task"), AuthToken::File(token_file.clone()), transport.clone(), sleep.clone()).unwrap();
    let creds = p.provide_credentials().await.expect("credentials");
    assert_eq!((creds.access_key_id(), creds.session_token()), ("ASIACONTAINER", Some("container-token")));
    // The file is read again on each refresh: a rotated token is used.
    std::fs::write(&token_file, "stale").unwrap();
    let e = p.provide_credentials().await.expect_err("wrong token").to_string();
    assert!(e.contains("HTTP 403") && e.contains("bad token"), "{e}");
    assert!(!format!("{p:?}").contains("Bearer-ish"), "the token is not in Debug");
    let p = ContainerProvider::new(format!("{url}/v2/credentials/task"), AuthToken::Value("Bearer-ish token".into()), transport.clone(), sleep.clone()).unwrap();
    assert!(p.provide_credentials().await.is_ok());
    // Plain HTTP elsewhere than the allowed hosts is refused up front.
    let e = ContainerProvider::new("http://example.com/creds", AuthToken::None, transport, sleep).expect_err("not allowed").to_string();
    assert!(e.contains("plain HTTP is allowed only"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
