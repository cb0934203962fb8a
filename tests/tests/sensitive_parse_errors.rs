//! A response that fails to parse never echoes a body that may hold
//! secrets. `200` answers cut short in the middle of a secret (SSO
//! `GetRoleCredentials`' `secretAccessKey`, SSO-OIDC `CreateToken`'s
//! `accessToken`, STS `AssumeRole`'s `SecretAccessKey`), played by a
//! replay transport to the generated clients of `aws-generated` and of the
//! identity crate (through the configuration loader's `IdentityClients`,
//! which the credential chain calls): the error's `Display` and `Debug`,
//! the credentials error a provider makes of it, and everything `tracing`
//! records at TRACE while it happens hold no part of the secret. An
//! operation without `@sensitive` members still shows the start of the body;
//! the runtime's own providers (instance metadata, container endpoints)
//! show none of what they were answered.

use std::sync::{Arc, Mutex, OnceLock};

use aws_generated::cloudwatch_logs::{self as logs, types::PutDestinationInput};
use aws_generated::sso::{self, types::GetRoleCredentialsInput};
use aws_generated::sso_oidc::{self, types::CreateTokenInput};
use aws_generated::sts::{self, types::AssumeRoleInput, types::GetCallerIdentityInput};
use smithy_gen_config::IdentityClients;
use smithy_gen_runtime::credentials::{Credentials, CredentialsError, ProvideCredentials};
use smithy_gen_runtime::credentials::identity_services::{IdentityServices, SsoRoleRequest, SsoTokenRequest};
use smithy_gen_runtime::transport::replay::{Exchange, ReplayTransport};
use smithy_gen_runtime::transport::BoxFuture;
use smithy_gen_runtime::{Config, ErrorKind, OperationError};

const SECRET: &str = "wJalrXUtnFEMIK7MDENGbPxRfiCYSENSITIVEKEY";
const ACCESS_TOKEN: &str = "aoaAAAAAGVSENSITIVEACCESSTOKENeyJraWQiOiJrZXkt";

/// A body cut short in the middle of `secret`'s value.
fn truncated_json(field: &str, secret: &str) -> String {
    format!(r#"{{"roleCredentials": {{"accessKeyId": "ASIAEXAMPLE", "{field}": "{secret}", "sessionToken": "tok"#)
}

/// Whether `text` holds any 6 characters in a row of `secret`.
fn leaks(text: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars.windows(6).any(|w| text.contains(&w.iter().collect::<String>()))
}

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

/// Everything `tracing` records in this process, at TRACE.
fn log() -> String {
    static LOG: OnceLock<Buffer> = OnceLock::new();
    let buffer = LOG.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        buffer
    });
    String::from_utf8_lossy(&buffer.0.lock().unwrap()).into_owned()
}

fn config(replay: Arc<ReplayTransport>) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint("https://replayed.example.com")
        .credentials(Credentials::new("AKIDEXAMPLE", "static-secret", None))
        .transport(replay)
        .max_attempts(1)
        .build()
        .expect("a configuration")
}

fn role_credentials(answer: String) -> Arc<ReplayTransport> {
    Arc::new(ReplayTransport::new(vec![Exchange::new("GET", "/federation/credentials").responds(200, answer)]))
}

#[tokio::test]
async fn sso_role_credentials_cut_short_show_no_secret() {
    let _ = log();
    let replay = role_credentials(truncated_json("secretAccessKey", SECRET));
    let e = sso::Client::new(config(replay.clone()))
        .get_role_credentials_with(GetRoleCredentialsInput::new("role", "123456789012", "bearer"))
        .await
        .expect_err("a body cut short");
    replay.assert_done();
    assert_eq!(e.kind(), ErrorKind::Parse);
    for shown in [e.to_string(), format!("{e:?}"), format!("{e:#?}")] {
        assert!(!leaks(&shown, SECRET), "{shown}");
        assert!(shown.contains("withheld"), "{shown}");
    }
    // A secret where a number belongs: the parser's message quotes it.
    let replay = role_credentials(format!(r#"{{"roleCredentials": {{"expiration": "{SECRET}"}}}}"#));
    let e = sso::Client::new(config(replay)).get_role_credentials_with(GetRoleCredentialsInput::new("role", "123456789012", "bearer")).await.expect_err("a string for a number");
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!leaks(&shown, SECRET), "{shown}");
    }
    assert!(!leaks(&log(), SECRET), "tracing recorded the secret");
}

#[tokio::test]
async fn create_token_and_assume_role_cut_short_show_no_secret() {
    let _ = log();
    let replay = Arc::new(ReplayTransport::new(vec![Exchange::new("POST", "/token")
        .responds(200, format!(r#"{{"accessToken": "{ACCESS_TOKEN}", "expiresIn": 3600, "refreshTok"#))]));
    let e = sso_oidc::Client::new(config(replay))
        .create_token_with(CreateTokenInput::new("client", "client-secret", "refresh_token"))
        .await
        .expect_err("a body cut short");
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!leaks(&shown, ACCESS_TOKEN), "{shown}");
    }
    let xml = format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>\
         <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>tok</Sessi"
    );
    let replay = Arc::new(ReplayTransport::new(vec![Exchange::new("POST", "/").responds(200, xml)]));
    let e = sts::Client::new(config(replay))
        .assume_role_with(AssumeRoleInput::new("arn:aws:iam::123456789012:role/r", "session"))
        .await
        .expect_err("a body cut short");
    assert_eq!(e.kind(), ErrorKind::Parse);
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!leaks(&shown, SECRET), "{shown}");
    }
    let logged = log();
    assert!(!leaks(&logged, SECRET) && !leaks(&logged, ACCESS_TOKEN), "tracing recorded a secret");
}

/// The credential chain's SSO provider, as far as the error goes: the
/// identity crate's client through `IdentityClients`.
#[derive(Debug)]
struct SsoThroughIdentityClients(Config);

impl ProvideCredentials for SsoThroughIdentityClients {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let request = SsoRoleRequest { access_token: "bearer".into(), account_id: "123456789012".into(), role_name: "role".into() };
            IdentityClients.sso_role_credentials(self.0.clone(), request).await.map_err(|e| CredentialsError::new("SSO (the test's)", e))
        })
    }

    fn describe(&self) -> String {
        "SSO through the identity clients".into()
    }
}

#[tokio::test]
async fn the_credential_chain_and_its_warning_show_no_secret() {
    let _ = log();
    let sso_replay = role_credentials(truncated_json("secretAccessKey", SECRET));
    // A client whose credentials come from SSO: the call stops at them.
    let sts_replay = Arc::new(ReplayTransport::new(Vec::new()));
    let chained = Config::builder()
        .region("us-east-1")
        .endpoint("https://replayed.example.com")
        .credentials_provider(Arc::new(SsoThroughIdentityClients(config(sso_replay.clone()))))
        .transport(sts_replay)
        .max_attempts(1)
        .build()
        .expect("a configuration");
    let e = sts::Client::new(chained).get_caller_identity_with(GetCallerIdentityInput::default()).await.expect_err("no credentials");
    sso_replay.assert_done();
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(shown.contains("withheld"), "{shown}");
        assert!(!leaks(&shown, SECRET), "{shown}");
    }
    // SSO-OIDC's CreateToken through the identity crate.
    let replay = Arc::new(ReplayTransport::new(vec![Exchange::new("POST", "/token")
        .responds(200, format!(r#"{{"accessToken": "{ACCESS_TOKEN}", "expiresIn": 3600, "refreshTok"#))]));
    let request = SsoTokenRequest { client_id: "client".into(), client_secret: "client-secret".into(), refresh_token: "refresh".into() };
    let e = IdentityClients.sso_create_token(config(replay), request).await.expect_err("a body cut short");
    assert!(!leaks(&e, ACCESS_TOKEN), "{e}");
    let logged = log();
    assert!(logged.contains("fetching credentials failed"), "the chain's warning was recorded");
    assert!(!leaks(&logged, SECRET) && !leaks(&logged, ACCESS_TOKEN), "tracing recorded a secret");
}

#[tokio::test]
async fn other_operations_still_show_the_start_of_the_body() {
    let replay = Arc::new(ReplayTransport::new(vec![Exchange::new("POST", "/").responds(200, r#"{"destination": {"destinationName": "d1""#)]));
    let e = logs::Client::new(config(replay))
        .put_destination_with(PutDestinationInput::new("d1", "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:iam::1:role/r"))
        .await
        .expect_err("a body cut short");
    assert!(e.to_string().contains(r#"body starts "{\"destination\""#), "{e}");
}

/// The runtime's own providers never show what they were answered either:
/// instance metadata and a container endpoint answering credentials cut
/// short in the middle of the secret.
#[tokio::test]
async fn instance_metadata_and_container_answers_cut_short_show_no_secret() {
    use smithy_gen_runtime::credentials::container::{AuthToken, ContainerProvider};
    use smithy_gen_runtime::transport::default::{DefaultTransport, Proxies, TokioSleep};
    use smithy_gen_runtime::credentials::imds::ImdsProvider;
    use smithy_gen_runtime::transport::{Sleep, Transport};
    let cut = format!(r#"{{"Code":"Success","AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"{SECRET}","Token":"tok"#);
    let answer = cut.clone();
    let url = integration_tests::serve_http(move |head| {
        if head.starts_with("PUT ") {
            (200, "session".into())
        } else if head.contains("security-credentials/ ") {
            (200, "role".into())
        } else {
            (200, answer.clone())
        }
    });
    let transport: Arc<dyn Transport> = Arc::new(DefaultTransport::builder().proxies(Proxies::None).build().expect("transport"));
    let sleep: Arc<dyn Sleep> = Arc::new(TokioSleep);
    let imds = ImdsProvider::new(url.clone(), false, transport.clone(), sleep.clone()).provide_credentials().await.expect_err("cut short");
    let container = ContainerProvider::new(format!("{url}/creds"), AuthToken::None, transport, sleep)
        .expect("an allowed URL")
        .provide_credentials()
        .await
        .expect_err("cut short");
    for shown in [imds.to_string(), format!("{imds:?}"), container.to_string(), format!("{container:?}")] {
        assert!(shown.contains("not JSON"), "{shown}");
        assert!(!leaks(&shown, SECRET), "{shown}");
    }
}
