//! The runtime's `tracing` spans and events: what a user sees while calls
//! run (a span per call with service, operation, region and endpoint; a
//! span per attempt with its status, request id and duration; why an
//! attempt is retried and after what backoff; the endpoint resolved; the
//! credential provider chosen and each fetch; hyper-util's connection
//! reuse), recorded at TRACE by a subscriber that keeps everything, and
//! never a secret key, a session token, a signature or a `@sensitive`
//! value. Also `smithy-call -v`, which prints them to stderr.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use aws_generated::sso::{self, types::GetRoleCredentialsInput};
use aws_generated::sso_oidc::{self, types::CreateTokenInput};
use aws_generated::sts::{self, types::GetCallerIdentityInput};
use smithy_gen_runtime::credentials::{CredentialsError, ProvideCredentials};
use smithy_gen_runtime::transport::BoxFuture;
use smithy_gen_runtime::{Config, Credentials};

const SECRET: &str = "TRACESECRETwJalrXUtnFEMIK7MDENG";
const TOKEN: &str = "TRACESESSIONTOKENFwoGZXIvYXdzE";
const SENSITIVE_TOKEN: &str = "SENSITIVEACCESSTOKENaoaAAAAAGV";
const CLIENT_SECRET: &str = "SENSITIVECLIENTSECRETeyJraWQiOiJrZXkt";

/// Everything every subscriber call wrote, as text.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process-wide subscriber (spawned connection tasks log too), set once.
fn log() -> &'static Buffer {
    static LOG: OnceLock<Buffer> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        buffer
    })
}

/// Credentials valid for six minutes: inside the refresh window after one
/// minute, so a later call fetches again.
#[derive(Debug, Default)]
struct ShortLived(AtomicUsize);

impl ProvideCredentials for ShortLived {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        let c = Credentials::new(format!("AKIDTRACE{n}"), SECRET, Some(TOKEN.into())).with_expiry(SystemTime::now() + Duration::from_secs(200));
        Box::pin(std::future::ready(Ok(c)))
    }

    fn describe(&self) -> String {
        "the test's short-lived provider".into()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_and_events_say_what_happened_and_never_a_secret() {
    let log = log();
    // STS throttles the first request; then answers. SSO and SSO-OIDC answer.
    let calls = Arc::new(AtomicUsize::new(0));
    let signatures = Arc::new(Mutex::new(Vec::new()));
    let (c, sigs) = (calls.clone(), signatures.clone());
    let url = integration_tests::serve_http_keep_alive(move |head, _body| {
        if let Some(auth) = head.lines().find(|l| l.to_ascii_lowercase().starts_with("authorization:")) {
            sigs.lock().unwrap().push(auth.rsplit("Signature=").next().unwrap_or_default().trim().to_string());
        }
        let first = head.lines().next().unwrap_or_default().to_string();
        if first.starts_with("GET /federation/credentials") {
            let body = format!(r#"{{"roleCredentials":{{"accessKeyId":"AKIDSSO","secretAccessKey":"{SECRET}","sessionToken":"{TOKEN}","expiration":1}}}}"#);
            return (200, "content-type: application/json\r\n".into(), body);
        }
        if first.starts_with("POST /token") {
            return (200, "content-type: application/json\r\n".into(), format!(r#"{{"accessToken":"{SENSITIVE_TOKEN}","expiresIn":60}}"#));
        }
        if c.fetch_add(1, Ordering::SeqCst) == 0 {
            let body = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>req-throttled-1</RequestId></ErrorResponse>";
            return (400, "x-amzn-requestid: req-throttled-1\r\n".into(), body.into());
        }
        let body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/tracer</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>req-ok-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
        (200, "x-amzn-requestid: req-ok-2\r\n".into(), body.into())
    });
    let config = Config::builder()
        .region("eu-west-1")
        .endpoint(url)
        .credentials_provider(Arc::new(ShortLived::default()))
        .retry(smithy_gen_runtime::RetryConfig { max_attempts: 3, initial_backoff: Duration::from_millis(5), max_backoff: Duration::from_millis(5) })
        .build()
        .expect("a configuration");
    let sts = sts::Client::new(config.clone());
    let out = sts.get_caller_identity_with(GetCallerIdentityInput::default()).await.expect("after one retry");
    assert_eq!(out.account.as_deref(), Some("123456789012"));
    sts.get_caller_identity_with(GetCallerIdentityInput::default()).await.expect("a second call");
    sso::Client::new(config.clone())
        .get_role_credentials_with(GetRoleCredentialsInput::new("Role", "123456789012", SENSITIVE_TOKEN))
        .await
        .expect("GetRoleCredentials");
    let mut create = CreateTokenInput::new("client-1", CLIENT_SECRET, "refresh_token");
    create.refresh_token = Some(SENSITIVE_TOKEN.into());
    sso_oidc::Client::new(config).create_token_with(create).await.expect("CreateToken");

    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    for want in [
        "call{service=\"STS\" operation=\"GetCallerIdentity\" region=eu-west-1",
        "attempt{attempt=1",
        "attempt{attempt=2",
        "retrying",
        "reason=\"throttling\"",
        "backoff_ms=",
        "request_id=\"req-ok-2\"",
        "status=200",
        "endpoint resolved",
        "credentials fetched",
        "provider=\"the test's short-lived provider\"",
        "operation=\"GetRoleCredentials\"",
        "operation=\"CreateToken\"",
        "reuse idle connection",
    ] {
        assert!(text.contains(want), "{want:?} is not in the log:\n{text}");
    }
    let signatures = signatures.lock().unwrap().clone();
    assert!(signatures.len() >= 3, "signed requests: {signatures:?}");
    for secret in [SECRET, TOKEN, SENSITIVE_TOKEN, CLIENT_SECRET].iter().copied().chain(signatures.iter().map(String::as_str)) {
        assert!(!secret.is_empty() && !text.contains(secret), "a secret ({}…) is in the log", &secret[..8.min(secret.len())]);
    }
}

#[test]
fn smithy_call_verbose_prints_the_events_to_stderr() {
    let url = integration_tests::serve_http_keep_alive(|_, _| {
        let body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
        (200, String::new(), body.into())
    });
    let out = std::process::Command::new(integration_tests::smithy_call_binary())
        .args(["sts", "GetCallerIdentity", "--endpoint", &url, "--region", "us-west-2", "-v"])
        .env("AWS_ACCESS_KEY_ID", "AKIDVERBOSE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .output()
        .expect("run smithy-call");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("123456789012"), "{stdout}");
    assert!(stderr.contains("operation=\"GetCallerIdentity\"") && stderr.contains("endpoint resolved") && stderr.contains("status=200"), "{stderr}");
    assert!(!stderr.contains(SECRET) && !stderr.contains(TOKEN) && !stdout.contains(SECRET), "{stderr}");
}
