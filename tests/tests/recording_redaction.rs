//! A `RecordingTransport` file holds no secret, so it can be committed as a
//! fixture. A run of the configuration loader's credential chain records
//! through it (the providers use the configured transport): a role assumed
//! from static keys with a session token, a web identity token, IAM
//! Identity Center's cached token (SSO `GetRoleCredentials`), an SSO-OIDC
//! `CreateToken` refresh, instance metadata and a container endpoint, each
//! followed by a signed `GetCallerIdentity`; all against a local fake of
//! those services on 127.0.0.1. The file then holds none of the secrets
//! (keys, session tokens, the metadata and bearer tokens, the web identity
//! token, the client secret and refresh tokens, the container's
//! authorization token, a cookie, a signature), still shows each call, is
//! readable by its owner only, and a replay of a redacted exchange says why
//! it cannot answer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_generated::sts::{self, types::AssumeRoleInput, types::GetCallerIdentityInput};
use smithy_gen_config::IdentityClients;
use smithy_gen_runtime::credentials::container::{AuthToken, ContainerProvider};
use smithy_gen_runtime::credentials::{Credentials, ProvideCredentials, StaticProvider};
use smithy_gen_runtime::transport::default::{DefaultTransport, Proxies, TokioSleep};
use smithy_gen_runtime::credentials::identity_services::{IdentityServices, SsoTokenRequest};
use smithy_gen_runtime::credentials::imds::ImdsProvider;
use smithy_gen_runtime::config::profile_file::ProfileFiles;
use smithy_gen_runtime::transport::replay::{RecordingTransport, ReplayTransport, REDACTED};
use smithy_gen_runtime::types::timestamp::Timestamp;
use smithy_gen_runtime::transport::{Sleep, Transport};
use smithy_gen_runtime::Config;

/// This binary's tests set `HOME` and clear `AWS_*` variables: one at a time.
static ENV: Mutex<()> = Mutex::new(());

const SOURCE_SECRET: &str = "SOURCESECRETwJalrXUtnFEMIK7MDENG";
const SOURCE_TOKEN: &str = "SOURCESESSIONTOKENFwoGZXIvYXdzE";
const ASSUMED_SECRET: &str = "ASSUMEDSECRETbPxRfiCYEXAMPLEKEY";
const ASSUMED_TOKEN: &str = "ASSUMEDSESSIONTOKENIQoJb3JpZ2lu";
const WEB_IDENTITY_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJXRUJJREVOVElUWSJ9.c2lnbmF0dXJlV0VC";
const WEB_SECRET: &str = "WEBROLESECRETxjFIGsQnA8sK9HSw";
const WEB_TOKEN: &str = "WEBROLESESSIONTOKENH4sIAAAAAAA";
const SSO_BEARER: &str = "SSOBEARERTOKENaoaAAAAAGVmZjE2";
const SSO_SECRET: &str = "SSOROLESECRETq8Hc2Jv4yF0ZP1m";
const SSO_TOKEN: &str = "SSOROLESESSIONTOKENdGVzdHRva2Vu";
const CLIENT_SECRET: &str = "OIDCCLIENTSECRETeyJraWQiOiJrZXkt";
const REFRESH_TOKEN: &str = "OIDCREFRESHTOKENAoAAAAAGWk9S";
const NEW_ACCESS_TOKEN: &str = "OIDCNEWACCESSTOKENaoaAAAAAGWk9T";
const NEW_REFRESH_TOKEN: &str = "OIDCNEWREFRESHTOKENAoAAAAAGWk9U";
const IMDS_SESSION: &str = "IMDSSESSIONTOKENAQAEAHhKd3E2";
const IMDS_SECRET: &str = "IMDSROLESECRETz9ZPe2lxbTw6BFb";
const IMDS_TOKEN: &str = "IMDSROLESESSIONTOKENIQoJb3Jp";
const CONTAINER_AUTH: &str = "CONTAINERAUTHTOKENeyJhbGciOiJIUzI1";
const CONTAINER_SECRET: &str = "CONTAINERROLESECRETkR7pQ2sVbN";
const CONTAINER_TOKEN: &str = "CONTAINERSESSIONTOKENQm9keVRv";
const COOKIE: &str = "AWSALBCOOKIESECRETdGhlY29va2ll";

/// Every secret the run handles.
const SECRETS: &[&str] = &[
    SOURCE_SECRET,
    SOURCE_TOKEN,
    ASSUMED_SECRET,
    ASSUMED_TOKEN,
    WEB_IDENTITY_TOKEN,
    WEB_SECRET,
    WEB_TOKEN,
    SSO_BEARER,
    SSO_SECRET,
    SSO_TOKEN,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    NEW_ACCESS_TOKEN,
    NEW_REFRESH_TOKEN,
    IMDS_SESSION,
    IMDS_SECRET,
    IMDS_TOKEN,
    CONTAINER_AUTH,
    CONTAINER_SECRET,
    CONTAINER_TOKEN,
    COOKIE,
];

fn sts_credentials(action: &str, key: &str, secret: &str, token: &str) -> String {
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result><Credentials>\
         <AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>\
         <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></{action}Result>\
         <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></{action}Response>"
    )
}

fn json_credentials(key: &str, secret: &str, token: &str) -> String {
    format!(r#"{{"Code":"Success","AccessKeyId":"{key}","SecretAccessKey":"{secret}","Token":"{token}","Expiration":"2099-01-01T00:00:00Z"}}"#)
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().filter_map(|l| l.split_once(':')).find(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string())
}

/// A fake STS, SSO, SSO-OIDC, instance metadata service and container
/// endpoint in one server.
fn fake_services() -> String {
    integration_tests::serve_http_keep_alive(|head, body| {
        let body = String::from_utf8_lossy(body);
        let first = head.lines().next().unwrap_or_default();
        let xml = "content-type: text/xml\r\n".to_string();
        let json = "content-type: application/json\r\n".to_string();
        if first.starts_with("POST / ") && body.contains("Action=AssumeRoleWithWebIdentity") {
            let ok = body.contains(WEB_IDENTITY_TOKEN);
            return if ok { (200, xml, sts_credentials("AssumeRoleWithWebIdentity", "ASIAWEB", WEB_SECRET, WEB_TOKEN)) } else { (400, xml, String::new()) };
        }
        if first.starts_with("POST / ") && body.contains("Action=AssumeRole") {
            let ok = header(head, "x-amz-security-token").as_deref() == Some(SOURCE_TOKEN);
            return if ok { (200, xml, sts_credentials("AssumeRole", "ASIAASSUMED", ASSUMED_SECRET, ASSUMED_TOKEN)) } else { (403, xml, String::new()) };
        }
        if first.starts_with("POST / ") && body.contains("Action=GetCallerIdentity") {
            // The key that signed, in the ARN.
            let auth = header(head, "authorization").unwrap_or_default();
            let key = auth.split("Credential=").nth(1).and_then(|c| c.split('/').next()).unwrap_or("none").to_string();
            let answer = format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
                 <Arn>arn:aws:sts::123456789012:assumed-role/{key}/session</Arn><UserId>AROA:s</UserId><Account>123456789012</Account>\
                 </GetCallerIdentityResult><ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            );
            return (200, format!("{xml}set-cookie: AWSALB={COOKIE}; Path=/\r\n"), answer);
        }
        if first.starts_with("GET /federation/credentials?") {
            if header(head, "x-amz-sso_bearer_token").as_deref() != Some(SSO_BEARER) {
                return (401, json, r#"{"message":"no bearer token"}"#.into());
            }
            let answer = format!(r#"{{"roleCredentials":{{"accessKeyId":"ASIASSO","secretAccessKey":"{SSO_SECRET}","sessionToken":"{SSO_TOKEN}","expiration":4102444800000}}}}"#);
            return (200, json, answer);
        }
        if first.starts_with("POST /token ") {
            let answer = format!(r#"{{"accessToken":"{NEW_ACCESS_TOKEN}","tokenType":"Bearer","expiresIn":3600,"refreshToken":"{NEW_REFRESH_TOKEN}"}}"#);
            return if body.contains(CLIENT_SECRET) && body.contains(REFRESH_TOKEN) { (200, json, answer) } else { (400, json, "{}".into()) };
        }
        if first.starts_with("PUT /latest/api/token ") {
            return (200, String::new(), IMDS_SESSION.into());
        }
        let imds = header(head, "x-aws-ec2-metadata-token").as_deref() == Some(IMDS_SESSION);
        if first.starts_with("GET /latest/meta-data/iam/security-credentials/ ") && imds {
            return (200, String::new(), "app-role".into());
        }
        if first.starts_with("GET /latest/meta-data/iam/security-credentials/app-role ") && imds {
            return (200, json, json_credentials("ASIAIMDS", IMDS_SECRET, IMDS_TOKEN));
        }
        if first.starts_with("GET /creds ") && header(head, "authorization").as_deref() == Some(CONTAINER_AUTH) {
            return (200, json, json_credentials("ASIACONTAINER", CONTAINER_SECRET, CONTAINER_TOKEN));
        }
        (404, String::new(), String::new())
    })
}

/// A scratch directory: `HOME`, the shared files, the web identity token.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn shared_files(dir: &Path, server: &str) -> ProfileFiles {
    let token_file = dir.join("web-token");
    std::fs::write(&token_file, WEB_IDENTITY_TOKEN).unwrap();
    let config = format!(
        "[services local]\nsts =\n  endpoint_url = {server}\nsso =\n  endpoint_url = {server}\nsso_oidc =\n  endpoint_url = {server}\n\
         [profile static]\nservices = local\nregion = us-east-1\naws_access_key_id = AKIASOURCE\naws_secret_access_key = {SOURCE_SECRET}\naws_session_token = {SOURCE_TOKEN}\n\
         [profile chained]\nservices = local\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/chained\nsource_profile = static\nrole_session_name = session\n\
         [profile web]\nservices = local\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/web\nweb_identity_token_file = {}\nrole_session_name = session\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://example.awsapps.com/start\n\
         [profile sso]\nservices = local\nregion = us-east-1\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\n",
        token_file.display()
    );
    let files = ProfileFiles { config: dir.join("config"), credentials: dir.join("credentials") };
    std::fs::write(&files.config, config).unwrap();
    std::fs::write(&files.credentials, "").unwrap();
    // The token `aws sso login` cached for the session `corp` (SHA-1 of its name).
    let cache = dir.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let in_an_hour = Timestamp::from(SystemTime::now() + Duration::from_secs(3600)).fmt_date_time();
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        format!(r#"{{"startUrl":"https://example.awsapps.com/start","region":"us-east-1","accessToken":"{SSO_BEARER}","expiresAt":"{in_an_hour}"}}"#),
    )
    .unwrap();
    files
}

/// The ARN `GetCallerIdentity` answers with `config`: the signing key's.
async fn caller(config: Config) -> String {
    let out = sts::Client::new(config).get_caller_identity_with(GetCallerIdentityInput::default()).await.unwrap_or_else(|e| panic!("GetCallerIdentity: {e}"));
    out.arn.expect("an ARN")
}

#[test]
fn a_recorded_credential_chain_holds_no_secret() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let scratch = Scratch(std::env::temp_dir().join(format!("smithy-recording-redaction-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&scratch.0);
    std::fs::create_dir_all(&scratch.0).unwrap();
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            std::env::remove_var(k);
        }
    }
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("HOME", &scratch.0);
    let server = fake_services();
    let files = shared_files(&scratch.0, &server);
    let path = scratch.0.join("recording.json");
    // A file that was there, readable by all: narrowed by the save.
    std::fs::write(&path, "[]").unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let inner: Arc<dyn Transport> = Arc::new(DefaultTransport::builder().proxies(Proxies::None).build().expect("transport"));
    let recording = Arc::new(RecordingTransport::new(inner, &path));
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let load = |profile: &str| {
            let builder = smithy_gen_config::builder().profile_files(files.clone()).profile_name(profile).transport(recording.clone()).max_attempts(1);
            async move { builder.build_async().await.unwrap_or_else(|e| panic!("loading the profile: {e}")) }
        };
        assert!(caller(load("chained").await).await.contains("/ASIAASSUMED/"), "the assumed role signed");
        assert!(caller(load("web").await).await.contains("/ASIAWEB/"), "the web identity role signed");
        assert!(caller(load("sso").await).await.contains("/ASIASSO/"), "the SSO role signed");

        // A refresh of the SSO token, through the identity crate's client.
        let oidc = Config::builder()
            .region("us-east-1")
            .endpoint(&server)
            .credentials(Credentials::new("AKIAUNUSED", "unused", None))
            .transport(recording.clone())
            .max_attempts(1)
            .build()
            .expect("config");
        let request = SsoTokenRequest { client_id: "client-1".into(), client_secret: CLIENT_SECRET.into(), refresh_token: REFRESH_TOKEN.into() };
        let token = IdentityClients.sso_create_token(oidc, request).await.expect("CreateToken");
        assert_eq!(token.access_token, NEW_ACCESS_TOKEN);

        // Instance metadata and a container endpoint, then calls signed with
        // what they gave.
        let transport: Arc<dyn Transport> = recording.clone();
        let sleep: Arc<dyn Sleep> = Arc::new(TokioSleep);
        let imds = ImdsProvider::new(server.clone(), false, transport.clone(), sleep.clone()).provide_credentials().await.expect("instance metadata");
        let container = ContainerProvider::new(format!("{server}/creds"), AuthToken::Value(CONTAINER_AUTH.into()), transport, sleep)
            .expect("an allowed URL")
            .provide_credentials()
            .await
            .expect("container credentials");
        for (creds, key) in [(imds, "ASIAIMDS"), (container, "ASIACONTAINER")] {
            let config = Config::builder()
                .region("us-east-1")
                .endpoint(&server)
                .credentials_provider(Arc::new(StaticProvider(creds)))
                .transport(recording.clone())
                .max_attempts(1)
                .build()
                .expect("config");
            assert!(caller(config).await.contains(&format!("/{key}/")), "{key} signed");
        }
    });
    recording.save().expect("saved");

    let text = std::fs::read_to_string(&path).unwrap();
    for secret in SECRETS {
        assert!(!text.contains(secret), "the recording holds {secret}:\n{text}");
    }
    assert!(!text.contains("Signature="), "the recording holds a signature:\n{text}");
    // Each call is there, with what is not secret.
    let exchanges: serde_json::Value = serde_json::from_str(&text).unwrap();
    let exchanges = exchanges.as_array().expect("a list");
    assert!(exchanges.len() >= 12, "{} exchanges:\n{text}", exchanges.len());
    for path in ["/federation/credentials", "/token", "/latest/api/token", "/latest/meta-data/iam/security-credentials/app-role", "/creds"] {
        assert!(exchanges.iter().any(|e| e["path"] == path), "{path} not recorded:\n{text}");
    }
    assert!(text.contains("Action=GetCallerIdentity") && text.contains("assumed-role/ASIASSO/session"), "ordinary exchanges are recorded whole:\n{text}");
    assert!(text.contains(REDACTED), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the recording is its owner's only: {mode:o}");
    }

    // A replay of the recording meets the redacted AssumeRole first, and
    // says why it cannot answer it.
    let replay = Arc::new(ReplayTransport::from_file(&path).expect("a recording"));
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(&server)
        .credentials(Credentials::new("AKIASOURCE", "replayed", Some("replayed".into())))
        .transport(replay.clone())
        .max_attempts(1)
        .build()
        .expect("config");
    let e = rt
        .block_on(sts::Client::new(config).assume_role_with(AssumeRoleInput::new("arn:aws:iam::123456789012:role/chained", "session")))
        .expect_err("a redacted answer");
    assert!(e.to_string().contains("recorded with its bodies redacted"), "{e}");
    std::env::remove_var("HOME");
    std::env::remove_var("AWS_EC2_METADATA_DISABLED");
}
