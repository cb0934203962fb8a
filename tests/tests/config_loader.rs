//! The configuration loader (`smithy_gen_config`) against moto and local
//! servers: a client built by it calls moto's STS `GetCallerIdentity` with
//! credentials from each source in turn, and moto's answer (the identity of
//! the access key that signed) shows which credentials were used. Every
//! source hands out credentials moto issued for a role named after it, so
//! `assumed-role/<source>-role/` in the answer proves the path end to end:
//! static keys in a profile, a role assumed from them (and from that role),
//! a web identity token, a `credential_process`, a container endpoint,
//! instance metadata (region too), and IAM Identity Center's token cache
//! (with a refresh through SSO-OIDC). No secret shows in any `Debug`,
//! error or tool output.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_generated::sts::{self, types::AssumeRoleInput, types::GetCallerIdentityInput};
use integration_tests::interop::Moto;
use integration_tests::serve_http;
use smithy_gen_runtime::config::profile_file::ProfileFiles;
use smithy_gen_runtime::types::timestamp::Timestamp;
use smithy_gen_runtime::Config;

/// This binary's tests set and clear `AWS_*` variables and `HOME`: one at a time.
static ENV: Mutex<()> = Mutex::new(());

fn clear_env(home: &Path) {
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            std::env::remove_var(k);
        }
    }
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("HOME", home);
}

/// Moto's credentials for `arn:aws:iam::123456789012:role/<role>`.
#[derive(Clone)]
struct Issued {
    key: String,
    secret: String,
    token: String,
}

async fn issue(moto: &Moto, role: &str) -> Issued {
    let out = sts::Client::new(moto.config())
        .assume_role_with(AssumeRoleInput::new(format!("arn:aws:iam::123456789012:role/{role}"), "issued"))
        .await
        .expect("moto's AssumeRole");
    let c = out.credentials.expect("credentials");
    Issued { key: c.access_key_id.unwrap(), secret: c.secret_access_key.unwrap(), token: c.session_token.unwrap() }
}

/// The ARN moto says signed a `GetCallerIdentity` sent with `config`.
async fn caller(config: Config) -> String {
    let out = sts::Client::new(config).get_caller_identity_with(GetCallerIdentityInput::default()).await.unwrap_or_else(|e| panic!("GetCallerIdentity: {e}"));
    out.arn.expect("an ARN")
}

fn credentials_json(c: &Issued, expiration: &str) -> String {
    format!(
        r#"{{"Version":1,"Code":"Success","AccessKeyId":"{}","SecretAccessKey":"{}","Token":"{}","SessionToken":"{}","Expiration":"{expiration}"}}"#,
        c.key, c.secret, c.token, c.token
    )
}

fn in_an_hour() -> String {
    Timestamp::from(SystemTime::now() + Duration::from_secs(3600)).fmt_date_time()
}

/// A temporary directory for one test: HOME, the shared files, token files.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("smithy-config-loader-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        Scratch(dir)
    }

    /// The shared files with `profiles`, every profile sending STS to moto
    /// and SSO / SSO-OIDC to `sso` through the `services` section.
    fn files(&self, moto: &Moto, sso: &str, profiles: &str) -> ProfileFiles {
        let config = format!(
            "[services local]\nsts =\n  endpoint_url = {}\nsso =\n  endpoint_url = {sso}\nsso_oidc =\n  endpoint_url = {sso}\n{profiles}",
            moto.endpoint
        );
        let files = ProfileFiles { config: self.0.join("config"), credentials: self.0.join("credentials") };
        std::fs::write(&files.config, config).expect("write config");
        std::fs::write(&files.credentials, "").expect("write credentials");
        files
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// No secret of `issued` in `text`.
fn assert_no_secret(text: &str, issued: &[&Issued]) {
    for c in issued {
        assert!(!text.contains(&c.secret), "a secret access key in: {text}");
        assert!(!text.contains(&c.token), "a session token in: {text}");
    }
}

/// A server answering `GET /federation/credentials` (SSO) with `issued`,
/// and `POST /token` (SSO-OIDC) with a new access token; it records each
/// request's head and body.
fn sso_server(issued: Issued, log: Arc<Mutex<Vec<String>>>) -> String {
    serve_http(move |head| {
        log.lock().unwrap().push(head.to_string());
        let first = head.lines().next().unwrap_or_default();
        if first.starts_with("GET /federation/credentials?") {
            if !head.to_ascii_lowercase().contains("x-amz-sso_bearer_token: ssotoken-") {
                return (401, r#"{"message":"no bearer token"}"#.into());
            }
            let expires = (SystemTime::now() + Duration::from_secs(3600)).duration_since(UNIX_EPOCH).unwrap().as_millis();
            let body = format!(
                r#"{{"roleCredentials":{{"accessKeyId":"{}","secretAccessKey":"{}","sessionToken":"{}","expiration":{expires}}}}}"#,
                issued.key, issued.secret, issued.token
            );
            (200, body)
        } else if first.starts_with("POST /token") {
            (200, r#"{"accessToken":"SSOTOKEN-REFRESHED","tokenType":"Bearer","expiresIn":3600,"refreshToken":"REFRESH-2"}"#.into())
        } else {
            (404, "{}".into())
        }
    })
}

#[test]
fn a_client_built_by_the_loader_calls_moto_with_each_source_in_turn() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    rt.block_on(each_source_in_turn());
}

async fn each_source_in_turn() {
    let Some(moto) = Moto::start() else {
        eprintln!("{}", integration_tests::interop::SKIP_NOTICE);
        return;
    };
    let scratch = Scratch::new("sources");
    clear_env(&scratch.0);
    let mut issued = Vec::new();
    for role in ["static", "process", "container", "imds", "sso"] {
        issued.push(issue(&moto, &format!("{role}-role")).await);
    }
    let [static_keys, process, container, imds, sso] = <[Issued; 5]>::try_from(issued.clone()).ok().unwrap();
    let sso_log = Arc::new(Mutex::new(Vec::new()));
    let sso_url = sso_server(sso.clone(), sso_log.clone());
    let token_file = scratch.0.join("web-token");
    std::fs::write(&token_file, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl\n").unwrap();
    let process_file = scratch.0.join("process.json");
    std::fs::write(&process_file, credentials_json(&process, &in_an_hour())).unwrap();
    let profiles = format!(
        "[profile static]\nservices = local\nregion = us-east-1\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n\
         [profile chained]\nservices = local\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/chained-role\nsource_profile = static\nrole_session_name = chain-session\n\
         [profile twice]\nservices = local\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/second-role\nsource_profile = chained\nrole_session_name = second-session\nexternal_id = ext-123\nduration_seconds = 1800\n\
         [profile web]\nservices = local\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/web-role\nweb_identity_token_file = {}\nrole_session_name = web-session\n\
         [profile process]\nservices = local\nregion = us-east-1\ncredential_process = cat {}\n\
         [profile plain]\nservices = local\nregion = us-east-1\n\
         [profile noregion]\nservices = local\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://example.awsapps.com/start\n\
         [profile sso]\nservices = local\nregion = us-east-1\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\n",
        static_keys.key,
        static_keys.secret,
        static_keys.token,
        token_file.display(),
        process_file.display()
    );
    let files = scratch.files(&moto, &sso_url, &profiles);
    let load = |profile: &str| {
        let builder = smithy_gen_config::builder().profile_files(files.clone()).profile_name(profile).max_attempts(1);
        async move { builder.build_async().await.unwrap_or_else(|e| panic!("loading the profile: {e}")) }
    };
    let mut shown = String::new();

    // Static keys.
    let config = load("static").await;
    shown += &format!("{config:?}");
    assert!(caller(config).await.contains(":assumed-role/static-role/"), "static keys");

    // A role assumed with them, and a role assumed with that one.
    let config = load("chained").await;
    shown += &format!("{config:?}");
    assert!(caller(config).await.ends_with(":assumed-role/chained-role/chain-session"), "an assumed role");
    let config = load("twice").await;
    shown += &format!("{config:?}");
    assert!(caller(config).await.ends_with(":assumed-role/second-role/second-session"), "a role chain");

    // A web identity token (profile), then the same from EKS's variables.
    let config = load("web").await;
    shown += &format!("{config:?}");
    assert!(caller(config).await.ends_with(":assumed-role/web-role/web-session"), "web identity (profile)");
    std::env::set_var("AWS_WEB_IDENTITY_TOKEN_FILE", &token_file);
    std::env::set_var("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/eks-role");
    std::env::set_var("AWS_ROLE_SESSION_NAME", "eks-session");
    let config = load("plain").await;
    assert!(caller(config).await.ends_with(":assumed-role/eks-role/eks-session"), "web identity (environment)");
    for v in ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME"] {
        std::env::remove_var(v);
    }

    // A credential process.
    let config = load("process").await;
    assert!(caller(config).await.contains(":assumed-role/process-role/"), "credential_process");

    // A container endpoint (a profile without credentials falls through to it).
    let container_body = credentials_json(&container, &in_an_hour());
    let container_url = serve_http(move |head| {
        if head.starts_with("GET /creds ") && head.to_ascii_lowercase().contains("authorization: container-token") {
            (200, container_body.clone())
        } else {
            (403, "{}".into())
        }
    });
    std::env::set_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{container_url}/creds"));
    std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-token");
    let config = load("plain").await;
    assert!(caller(config).await.contains(":assumed-role/container-role/"), "container credentials");
    std::env::remove_var("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    std::env::remove_var("AWS_CONTAINER_AUTHORIZATION_TOKEN");

    // Instance metadata: credentials, and the region when nothing else has one.
    let imds_body = credentials_json(&imds, &in_an_hour());
    let imds_url = serve_http(move |head| {
        let first = head.lines().next().unwrap_or_default();
        let token_ok = head.to_ascii_lowercase().contains("x-aws-ec2-metadata-token: imds-token");
        match first.split(' ').nth(1).unwrap_or_default() {
            "/latest/api/token" if first.starts_with("PUT") => (200, "imds-token".into()),
            _ if !token_ok => (401, String::new()),
            "/latest/meta-data/iam/security-credentials/" => (200, "imds-role-name".into()),
            "/latest/meta-data/iam/security-credentials/imds-role-name" => (200, imds_body.clone()),
            "/latest/meta-data/placement/region" => (200, "eu-central-1".into()),
            _ => (404, String::new()),
        }
    });
    std::env::remove_var("AWS_EC2_METADATA_DISABLED");
    std::env::set_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds_url);
    let config = load("noregion").await;
    assert_eq!(config.region(), "eu-central-1", "the region from instance metadata");
    assert!(caller(config).await.contains(":assumed-role/imds-role/"), "instance metadata credentials");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_EC2_METADATA_SERVICE_ENDPOINT");

    // IAM Identity Center: the token `aws sso login` cached for the session.
    let cache = scratch.0.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    // SHA-1 of the session name, as the AWS CLI names the file.
    let cache_file = cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    let sha1_name = smithy_gen_runtime::credentials::sso::SsoProvider::cache_file(
        &cache,
        &smithy_gen_runtime::credentials::sso::SsoTokenSource::Session { name: "corp".into() },
    );
    assert_eq!(sha1_name, cache_file, "the cache file's name");
    let token = |access: &str, expires: SystemTime| {
        format!(
            r#"{{"startUrl":"https://example.awsapps.com/start","region":"us-east-1","accessToken":"{access}","expiresAt":"{}","clientId":"client-1","clientSecret":"CLIENTSECRET","registrationExpiresAt":"{}","refreshToken":"REFRESH-1"}}"#,
            Timestamp::from(expires).fmt_date_time(),
            in_an_hour()
        )
    };
    std::fs::write(&cache_file, token("SSOTOKEN-CACHED", SystemTime::now() + Duration::from_secs(3600))).unwrap();
    let config = load("sso").await;
    shown += &format!("{config:?}");
    assert!(caller(config).await.contains(":assumed-role/sso-role/"), "SSO credentials");
    let seen = sso_log.lock().unwrap().join("\n");
    assert!(seen.contains("account_id=123456789012") && seen.contains("role_name=Developer"), "{seen}");
    assert!(seen.to_ascii_lowercase().contains("x-amz-sso_bearer_token: ssotoken-cached"), "the cached token was sent: {seen}");
    assert!(!seen.contains("authorization:"), "SSO calls go unsigned: {seen}");

    // A token about to expire is refreshed through SSO-OIDC and written back.
    std::fs::write(&cache_file, token("SSOTOKEN-OLD", SystemTime::now() + Duration::from_secs(60))).unwrap();
    sso_log.lock().unwrap().clear();
    let config = load("sso").await;
    assert!(caller(config).await.contains(":assumed-role/sso-role/"), "SSO credentials after a refresh");
    let seen = sso_log.lock().unwrap().join("\n");
    assert!(seen.contains("POST /token"), "a CreateToken call: {seen}");
    assert!(seen.to_ascii_lowercase().contains("x-amz-sso_bearer_token: ssotoken-refreshed"), "the new token was sent: {seen}");
    let cached: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cache_file).unwrap()).unwrap();
    assert_eq!(cached["accessToken"], "SSOTOKEN-REFRESHED");
    assert_eq!(cached["refreshToken"], "REFRESH-2");
    assert_eq!(cached["clientId"], "client-1", "the rest of the cache is kept");

    // An expired token that cannot be refreshed: a clear error.
    std::fs::write(&cache_file, token("SSOTOKEN-OLD", SystemTime::now() - Duration::from_secs(60)).replace("REFRESH-1", "")).unwrap();
    let config = load("sso").await;
    let e = sts::Client::new(config).get_caller_identity_with(GetCallerIdentityInput::default()).await.expect_err("an expired token").to_string();
    assert!(e.contains("SSO (profile sso)") && e.contains("expired") && e.contains("aws sso login --sso-session corp"), "{e}");
    shown += &e;

    // A web identity token file that is not there: the call fails before
    // anything is sent, naming the provider and the file.
    let missing_token = scratch.0.join("no-such-token");
    let broken = format!("[profile webmissing]\nservices = local\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/w\nweb_identity_token_file = {}\n", missing_token.display());
    let files = scratch.files(&moto, &sso_url, &format!("{profiles}{broken}"));
    let config = smithy_gen_config::builder().profile_files(files).profile_name("webmissing").build().expect("the file is read at the call");
    let e = sts::Client::new(config).get_caller_identity_with(GetCallerIdentityInput::default()).await.expect_err("no token").to_string();
    assert!(e.contains("web identity (profile webmissing)") && e.contains("no-such-token"), "{e}");

    assert_no_secret(&shown, &[&static_keys, &process, &container, &imds, &sso]);
    assert!(!shown.contains("CLIENTSECRET") && !shown.contains("SSOTOKEN-") && !shown.contains("REFRESH-"), "{shown}");
}

/// `smithy-call --profile` resolves credentials as the loader does (here a
/// role assumed through moto) and prints no secret.
#[test]
fn smithy_call_uses_the_profile_chain() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let Some(moto) = Moto::start() else {
        eprintln!("{}", integration_tests::interop::SKIP_NOTICE);
        return;
    };
    let scratch = Scratch::new("cli");
    clear_env(&scratch.0);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let base = rt.block_on(issue(&moto, "cli-base-role"));
    let profiles = format!(
        "[profile base]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n\
         [profile admin]\nservices = local\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/cli-admin\nsource_profile = base\nrole_session_name = cli\n",
        base.key, base.secret, base.token
    );
    let files = scratch.files(&moto, "http://127.0.0.1:9", &profiles);
    let out = std::process::Command::new(integration_tests::smithy_call_binary())
        .args(["sts", "GetCallerIdentity", "--profile", "admin"])
        .env("AWS_CONFIG_FILE", &files.config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &files.credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run smithy-call");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains(":assumed-role/cli-admin/cli"), "{stdout}");
    assert_no_secret(&format!("{stdout}{stderr}"), &[&base]);

    // A profile that is not there: exit 2, and the message names it.
    let out = std::process::Command::new(integration_tests::smithy_call_binary())
        .args(["sts", "GetCallerIdentity", "--profile", "nope"])
        .env("AWS_CONFIG_FILE", &files.config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &files.credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run smithy-call");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nope`"));
}

/// Profiles the chain refuses, each with an error that names the profile
/// and the cause, and never a secret.
#[test]
fn broken_profiles_say_what_is_wrong() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let scratch = Scratch::new("broken");
    clear_env(&scratch.0);
    let keys = "aws_access_key_id = AKIDBROKEN\naws_secret_access_key = BROKENSECRET\n";
    let cases: &[(&str, &str, &[&str])] = &[
        ("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n", "a", &["loop", "`a`", "`b`"]),
        ("[profile m]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = k\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile k]\nKEYS", "m", &["`m`", "mfa_serial"]),
        ("[profile n]\nrole_arn = arn:aws:iam::1:role/n\n", "n", &["`n`", "needs `source_profile` or `credential_source`"]),
        ("[profile c]\nrole_arn = arn:aws:iam::1:role/c\ncredential_source = Somewhere\n", "c", &["`c`", "Somewhere", "Ec2InstanceMetadata"]),
        ("[profile e]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Environment\n", "e", &["`e`", "AWS_ACCESS_KEY_ID"]),
        ("[profile s]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = missing\n", "s", &["`s`", "`missing` does not exist"]),
        ("[profile d]\nrole_arn = arn:aws:iam::1:role/d\nsource_profile = k\nduration_seconds = forever\n[profile k]\nKEYS", "d", &["`d`", "duration_seconds", "forever"]),
        ("[profile x]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\n", "x", &["`x`", "[sso-session nowhere]"]),
        ("[profile y]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n", "y", &["`y`", "sso_account_id and sso_role_name"]),
        ("[profile z]\nmax_attempts = many\nKEYS", "z", &["`z`", "max_attempts", "many"]),
        ("[profile r]\nretry_mode = eager\nKEYS", "r", &["retry_mode", "eager", "adaptive"]),
        ("[profile u]\nendpoint_url = ftp://example.com\nKEYS", "u", &["`u`", "endpoint_url"]),
        ("[profile v]\nservices = gone\nKEYS", "v", &["[services gone]"]),
    ];
    for (config, profile, expected) in cases {
        let config = format!("{}\n", config.replace("KEYS", keys));
        let files = ProfileFiles { config: scratch.0.join("config"), credentials: scratch.0.join("credentials") };
        std::fs::write(&files.config, &config).unwrap();
        std::fs::write(&files.credentials, "").unwrap();
        let e = smithy_gen_config::builder()
            .profile_files(files)
            .profile_name(*profile)
            .region("us-east-1")
            .build()
            .expect_err(&format!("profile {profile} of\n{config}"))
            .to_string();
        for want in *expected {
            assert!(e.contains(want), "profile {profile}: {want:?} not in: {e}");
        }
        assert!(!e.contains("BROKENSECRET"), "{e}");
    }

    // Without the loader's STS and SSO clients, such a profile says what is missing.
    let files = ProfileFiles { config: scratch.0.join("config"), credentials: scratch.0.join("credentials") };
    std::fs::write(&files.config, format!("[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = k\n[profile k]\n{keys}")).unwrap();
    let e = Config::builder().profile_files(files).profile_name("role").region("us-east-1").build().expect_err("no STS client").to_string();
    assert!(e.contains("`role`") && e.contains("smithy-gen-config"), "{e}");
}

/// The endpoint settings, in the order the SDKs define: code, then
/// `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
/// `services` section, its `endpoint_url`; and none of the configured ones
/// with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`.
#[test]
fn endpoint_urls_come_from_code_environment_and_profile_in_order() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let scratch = Scratch::new("endpoints");
    clear_env(&scratch.0);
    let files = ProfileFiles { config: scratch.0.join("config"), credentials: scratch.0.join("credentials") };
    std::fs::write(
        &files.config,
        "[profile p]\nregion = us-east-1\naws_access_key_id = AKID\naws_secret_access_key = SECRET\nendpoint_url = http://profile-global:1\nservices = s\n[services s]\nsts =\n  endpoint_url = http://profile-sts:2\nsso_oidc =\n  endpoint_url = http://profile-oidc:3\n",
    )
    .unwrap();
    let build = || smithy_gen_config::builder().profile_files(files.clone()).profile_name("p").build().expect("a configuration");
    let url = |c: &Config, sdk_id: &str| c.endpoint_for(sdk_id).map(|e| e.url());
    let c = build();
    assert_eq!(url(&c, "STS").as_deref(), Some("http://profile-sts:2"));
    assert_eq!(url(&c, "SSO OIDC").as_deref(), Some("http://profile-oidc:3"));
    assert_eq!(url(&c, "S3").as_deref(), Some("http://profile-global:1"));
    std::env::set_var("AWS_ENDPOINT_URL", "http://env-global:4");
    std::env::set_var("AWS_ENDPOINT_URL_SSO_OIDC", "http://env-oidc:5");
    let c = build();
    assert_eq!(url(&c, "STS").as_deref(), Some("http://env-global:4"));
    assert_eq!(url(&c, "SSO OIDC").as_deref(), Some("http://env-oidc:5"));
    let c = smithy_gen_config::builder().profile_files(files.clone()).profile_name("p").endpoint("http://code:6").build().unwrap();
    assert_eq!(url(&c, "SSO OIDC").as_deref(), Some("http://code:6"));
    std::env::set_var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    let c = build();
    assert_eq!(url(&c, "STS"), None);
    std::env::remove_var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    std::env::set_var("AWS_ENDPOINT_URL_STS", "not a url");
    let e = smithy_gen_config::builder().profile_files(files.clone()).profile_name("p").build().expect_err("a bad URL").to_string();
    assert!(e.contains("AWS_ENDPOINT_URL_STS"), "{e}");
}

/// Retries, FIPS, dual-stack, host prefixes and the CA bundle from the
/// profile, each under its environment variable, each under code.
#[test]
fn settings_come_from_the_profile_under_the_environment_and_code() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let scratch = Scratch::new("settings");
    clear_env(&scratch.0);
    let files = ProfileFiles { config: scratch.0.join("config"), credentials: scratch.0.join("credentials") };
    std::fs::write(
        &files.config,
        "[default]\nregion = eu-west-3\naws_access_key_id = AKID\naws_secret_access_key = SECRET\nmax_attempts = 7\nretry_mode = adaptive\nuse_fips_endpoint = true\nuse_dualstack_endpoint = TRUE\n",
    )
    .unwrap();
    let build = || smithy_gen_config::builder().profile_files(files.clone()).build().expect("a configuration");
    let c = build();
    assert_eq!((c.region(), c.retry().max_attempts, c.retry_mode(), c.use_fips(), c.use_dual_stack()), ("eu-west-3", 7, smithy_gen_runtime::config::RetryMode::Adaptive, true, true));
    std::env::set_var("AWS_MAX_ATTEMPTS", "2");
    std::env::set_var("AWS_RETRY_MODE", "standard");
    std::env::set_var("AWS_USE_FIPS_ENDPOINT", "false");
    let c = build();
    assert_eq!((c.retry().max_attempts, c.retry_mode(), c.use_fips(), c.use_dual_stack()), (2, smithy_gen_runtime::config::RetryMode::Standard, false, true));
    let c = smithy_gen_config::builder().profile_files(files.clone()).max_attempts(4).use_fips(true).build().unwrap();
    assert_eq!((c.retry().max_attempts, c.use_fips()), (4, true));
    // Host prefixes: on unless turned off (profile, then environment, then code).
    assert!(!c.disable_host_prefix_injection());
    let mut text = std::fs::read_to_string(&files.config).unwrap();
    text.push_str("disable_host_prefix_injection = true\n");
    std::fs::write(&files.config, text).unwrap();
    assert!(build().disable_host_prefix_injection());
    std::env::set_var("AWS_DISABLE_HOST_PREFIX_INJECTION", "false");
    assert!(!build().disable_host_prefix_injection());
    let c = smithy_gen_config::builder().profile_files(files.clone()).disable_host_prefix_injection(true).build().unwrap();
    assert!(c.disable_host_prefix_injection());
    std::env::set_var("AWS_DISABLE_HOST_PREFIX_INJECTION", "maybe");
    let e = smithy_gen_config::builder().profile_files(files.clone()).build().expect_err("not a boolean").to_string();
    assert!(e.contains("AWS_DISABLE_HOST_PREFIX_INJECTION"), "{e}");
    std::env::remove_var("AWS_DISABLE_HOST_PREFIX_INJECTION");
    std::env::set_var("AWS_MAX_ATTEMPTS", "0");
    let e = smithy_gen_config::builder().profile_files(files.clone()).build().expect_err("zero attempts").to_string();
    assert!(e.contains("AWS_MAX_ATTEMPTS") && e.contains("at least 1"), "{e}");
    std::env::remove_var("AWS_MAX_ATTEMPTS");

    // The profile's CA bundle is what the default transport trusts.
    let mut text = std::fs::read_to_string(&files.config).unwrap();
    text.push_str(&format!("ca_bundle = {}\n", scratch.0.join("no-such-bundle.pem").display()));
    std::fs::write(&files.config, text).unwrap();
    let e = smithy_gen_config::builder().profile_files(files.clone()).build().expect_err("a missing bundle").to_string();
    assert!(e.contains("no-such-bundle.pem"), "{e}");
    std::env::set_var("AWS_CA_BUNDLE", scratch.0.join("env-bundle.pem"));
    let e = smithy_gen_config::builder().profile_files(files).build().expect_err("the environment's bundle wins").to_string();
    assert!(e.contains("env-bundle.pem"), "{e}");
}
