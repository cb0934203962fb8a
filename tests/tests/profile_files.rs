//! The shared `config` and `credentials` files, read as botocore (the AWS
//! CLI) reads them: for each pair of files, the profiles we parse equal
//! botocore's `full_config` (or both refuse the files), and the region and
//! credentials a `Config` takes from the selected profile (static keys, or
//! what its `credential_process` prints) equal botocore's, and so does the
//! provider the chain picks (assumed role, web identity, SSO, either file's
//! keys, a process, in botocore's order). Secrets never show in the errors.

use std::sync::Mutex;

use serde_json::{json, Map, Value};
use smithy_gen_runtime::config::profile_file::{ProfileFiles, ProfileSet, Section};
use smithy_gen_runtime::Config;

/// This binary's tests read and clear `AWS_*` variables: one at a time.
static ENV: Mutex<()> = Mutex::new(());

/// Only the files count: no setting from the environment.
fn clear_aws_env() {
    for var in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"] {
        std::env::remove_var(var);
    }
}

struct Case {
    name: &'static str,
    config: &'static str,
    credentials: &'static str,
    profile: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "default profile in both files",
            config: "[default]\nregion = eu-west-1\noutput = json\n",
            credentials: "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = secret/default+key\n",
            profile: "default",
        },
        Case {
            name: "a named profile, credentials overriding config",
            config: "[profile dev]\nregion=us-east-2\naws_access_key_id = FROMCONFIG\naws_secret_access_key = config-secret\n[default]\nregion = eu-west-1\n",
            credentials: "[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = creds-secret\naws_session_token = tok+en/==\n",
            profile: "dev",
        },
        Case {
            name: "comments, colons, CRLF, tabs and spacing",
            config: "# top comment\r\n; another\r\n[profile  spaced ]   # after the header\r\n\tRegion:   ap-south-1   \r\n# between\r\nfoo = bar # kept as text\r\n",
            credentials: "\n\n[spaced]\r\n  aws_access_key_id=AKIDSPACED\r\naws_secret_access_key =s3cr3t;x\r\n",
            profile: "spaced",
        },
        Case {
            name: "sub-properties, continuations, sso-session and services sections",
            config: "[default]\nregion = us-west-2\ns3 =\n  addressing_style = path\n  max_concurrent_requests = 20\nnote = first line\n  second line\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://example.awsapps.com/start\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9000\n[not-a-profile]\nregion = nowhere\n",
            credentials: "[default]\naws_access_key_id = AKIDSUB\naws_secret_access_key = sub-secret\n",
            profile: "default",
        },
        Case {
            name: "config only",
            config: "[profile only]\nregion = ca-central-1\naws_access_key_id = AKIDONLY\naws_secret_access_key = only-secret\n",
            credentials: "",
            profile: "only",
        },
        Case { name: "a key twice", config: "[default]\nregion = a\nregion = b\n", credentials: "", profile: "default" },
        Case { name: "a section twice", config: "", credentials: "[default]\nx = 1\n[default]\ny = 2\n", profile: "default" },
        Case { name: "a property before any section", config: "region = x\n[default]\n", credentials: "", profile: "default" },
        Case { name: "a line that is no property", config: "[default]\nregion\n", credentials: "", profile: "default" },
        Case {
            name: "a credential process",
            config: "[profile tool]\nregion = eu-north-1\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKIDPROCESS\",\"SecretAccessKey\":\"process-secret\",\"SessionToken\":\"process-token\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n",
            credentials: "",
            profile: "tool",
        },
        Case {
            name: "an assumed role",
            config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\nregion = us-east-1\n",
            credentials: "[default]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
            profile: "admin",
        },
        Case {
            name: "a role assumed from an assumed role, with static keys beside it",
            config: "[profile second]\nrole_arn = arn:aws:iam::123456789012:role/second\nsource_profile = admin\naws_access_key_id = AKIDIGNORED\naws_secret_access_key = ignored-secret\nregion = us-east-1\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\n",
            credentials: "[default]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
            profile: "second",
        },
        Case {
            name: "a web identity token file in the profile",
            config: "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/web\nweb_identity_token_file = /nonexistent/token\nregion = us-east-1\n",
            credentials: "",
            profile: "web",
        },
        Case {
            name: "an sso-session profile",
            config: "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://example.awsapps.com/start\n",
            credentials: "",
            profile: "sso",
        },
        Case {
            name: "a legacy SSO profile",
            config: "[profile old]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n",
            credentials: "",
            profile: "old",
        },
        Case {
            name: "config-file keys and a credential process: the process wins",
            config: "[profile mixed]\nregion = eu-north-1\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = config-secret\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKIDMIXED\",\"SecretAccessKey\":\"mixed-secret\"}'\n",
            credentials: "",
            profile: "mixed",
        },
        Case {
            name: "settings beside the keys",
            config: "[profile tuned]\nregion = eu-west-1\nmax_attempts = 5\nuse_fips_endpoint = true\nuse_dualstack_endpoint = True\ndisable_host_prefix_injection = TRUE\n",
            credentials: "[tuned]\naws_access_key_id = AKIDTUNED\naws_secret_access_key = tuned-secret\n",
            profile: "tuned",
        },
        Case {
            name: "credentials-file keys and a credential process: the keys win",
            config: "[profile mixed]\nregion = eu-north-1\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKIDMIXED\",\"SecretAccessKey\":\"mixed-secret\"}'\n",
            credentials: "[mixed]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds-secret\n",
            profile: "mixed",
        },
    ]
}

/// A section as botocore's `full_config` shows it.
fn section_json(s: &Section) -> Value {
    let mut out = Map::new();
    for (k, v) in &s.properties {
        out.insert(
            k.clone(),
            match v {
                smithy_gen_runtime::config::profile_file::Value::Text(t) => json!(t),
                smithy_gen_runtime::config::profile_file::Value::Sub(m) => json!(m),
            },
        );
    }
    Value::Object(out)
}

fn sections_json(m: &std::collections::BTreeMap<String, Section>) -> Value {
    Value::Object(m.iter().map(|(k, s)| (k.clone(), section_json(s))).collect())
}

#[test]
fn profiles_and_their_settings_match_botocore() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    if integration_tests::interop::python().is_none() {
        eprintln!("{}", integration_tests::interop::SKIP_NOTICE);
        return;
    }
    clear_aws_env();
    let cases = cases();
    let batch: Vec<Value> = cases.iter().map(|c| json!({"config": c.config, "credentials": c.credentials, "profile": c.profile})).collect();
    let botocore = integration_tests::interop::botocore_profiles(&Value::Array(batch));
    let botocore = botocore.as_array().expect("botocore's answers");
    let dir = std::env::temp_dir().join(format!("smithy-profile-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    for (case, want) in cases.iter().zip(botocore) {
        let name = case.name;
        let ours = ProfileSet::parse(case.config, "config", case.credentials, "credentials");
        if let Some(e) = want.get("error") {
            let ours = ours.expect_err(&format!("{name}: botocore refuses the files ({e}), so must we"));
            assert!(ours.line > 0, "{name}: the error names the line: {ours}");
            continue;
        }
        let ours = ours.unwrap_or_else(|e| panic!("{name}: botocore reads the files, we say {e}"));
        assert_eq!(sections_json(&ours.profiles), want["profiles"], "{name}: profiles");
        assert_eq!(sections_json(&ours.sso_sessions), want["sso_sessions"], "{name}: sso-session sections");
        assert_eq!(sections_json(&ours.services), want["services"], "{name}: services sections");

        // A configuration from the same files, with nothing set in code.
        let files = ProfileFiles { config: dir.join(format!("{name}.config")), credentials: dir.join(format!("{name}.credentials")) };
        std::fs::write(&files.config, case.config).expect("write config");
        std::fs::write(&files.credentials, case.credentials).expect("write credentials");
        let built = smithy_gen_config::builder().profile_files(files).profile_name(case.profile).build();
        if let (Ok(config), Some(method)) = (&built, want["method"].as_str()) {
            assert_eq!(provider_kind(config), method_kind(method), "{name}: the provider botocore picks ({method})");
        }
        if let Ok(config) = &built {
            // The settings botocore resolves from the same profile (unset: its default).
            let flag = |key: &str| want["settings"][key].as_bool().unwrap_or(false);
            assert_eq!(config.use_fips(), flag("use_fips_endpoint"), "{name}: use_fips_endpoint");
            assert_eq!(config.use_dual_stack(), flag("use_dualstack_endpoint"), "{name}: use_dualstack_endpoint");
            assert_eq!(config.disable_host_prefix_injection(), flag("disable_host_prefix_injection"), "{name}: disable_host_prefix_injection");
            if let Some(n) = want["settings"]["max_attempts"].as_u64() {
                assert_eq!(u64::from(config.retry().max_attempts), n, "{name}: max_attempts");
            }
        }
        match want["method"].as_str() {
            Some("shared-credentials-file" | "config-file" | "custom-process") => {
                let config = built.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(Some(config.region()), want["region"].as_str(), "{name}: region");
                let creds = smithy_gen_runtime::protocol_test::block_on(config.credentials()).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(creds.access_key_id(), want["credentials"]["access_key"], "{name}: access key");
                assert_eq!(creds.secret_access_key(), want["credentials"]["secret_key"], "{name}: secret key");
                assert_eq!(creds.session_token(), want["credentials"]["token"].as_str(), "{name}: session token");
            }
            // The providers that call a service: chosen (above), not called.
            Some(_) => {
                let config = built.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(Some(config.region()), want["region"].as_str(), "{name}: region");
                let shown = format!("{config:?}");
                assert!(!shown.contains("base-secret") && !shown.contains("ignored-secret"), "{name}: a secret in Debug: {shown}");
            }
            None => panic!("{name}: botocore found no credentials: {want}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_name_the_file_and_line_and_never_a_secret() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    clear_aws_env();
    let dir = std::env::temp_dir().join(format!("smithy-profile-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let files = ProfileFiles { config: dir.join("config"), credentials: dir.join("credentials") };
    std::fs::write(&files.config, "[default]\nregion = eu-west-1\n").unwrap();
    std::fs::write(&files.credentials, "[default]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\naws_secret_access_key = TOPSECRET2\n").unwrap();
    let e = Config::builder().profile_files(files.clone()).build().expect_err("a duplicate key").to_string();
    assert!(e.contains(&format!("{}:4", files.credentials.display())) && e.contains("given twice"), "{e}");
    assert!(!e.contains("TOPSECRET"), "{e}");

    // A profile that is not there, when named.
    std::fs::write(&files.credentials, "[default]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\n").unwrap();
    let e = Config::builder().profile_files(files.clone()).profile_name("nope").build().expect_err("no such profile").to_string();
    assert!(e.contains("`nope`"), "{e}");
    // A key without its secret.
    std::fs::write(&files.credentials, "[default]\naws_access_key_id = AKID\n").unwrap();
    let e = Config::builder().profile_files(files.clone()).build().expect_err("half a key").to_string();
    assert!(e.contains("aws_secret_access_key"), "{e}");
    // No files at all: the error says where it looked.
    let missing = ProfileFiles { config: dir.join("none-config"), credentials: dir.join("none-credentials") };
    let e = Config::builder().profile_files(missing).build().expect_err("nothing anywhere").to_string();
    assert!(e.contains("no region") && e.contains("none-config"), "{e}");
    // Settings beyond region and credentials (endpoints, retries, FIPS)
    // come from the profile too, so a broken file is an error even when code
    // gives region and credentials, as the AWS CLI refuses it in every
    // command; the error names the file and line.
    std::fs::write(&files.config, "[default\n").unwrap();
    let e = Config::builder()
        .profile_files(files)
        .region("us-west-1")
        .credentials(smithy_gen_runtime::Credentials::new("AKIDCODE", "code-secret", None))
        .build()
        .expect_err("a broken file")
        .to_string();
    assert!(e.contains("config:1") && e.contains("no closing"), "{e}");
    assert!(!e.contains("code-secret"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// After code, environment and profile: a container's endpoint when its
/// variables are set, else the instance metadata service unless it is
/// turned off (then building fails and says what was tried).
#[test]
fn the_chain_goes_on_to_containers_and_instance_metadata() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    clear_aws_env();
    let none = ProfileFiles { config: std::env::temp_dir().join("no-such-config"), credentials: std::env::temp_dir().join("no-such-credentials") };
    // Answers the IMDS token and role-name requests, and `body` to the rest.
    let serve = |body: &'static str| {
        integration_tests::serve_http(move |head| {
            let answer = if head.starts_with("PUT ") { "TOKEN" } else if head.contains("security-credentials/ ") { "role" } else { body };
            (200, answer.to_string())
        })
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let resolve = |config: Config| runtime.block_on(config.credentials()).map(|c| c.access_key_id().to_string());

    let container = serve(r#"{"AccessKeyId":"ASIAFROMCONTAINER","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#);
    std::env::set_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{container}/creds"));
    let config = Config::builder().region("us-east-1").profile_files(none.clone()).build().expect("a container provider");
    assert_eq!(resolve(config).expect("credentials"), "ASIAFROMCONTAINER");
    std::env::remove_var("AWS_CONTAINER_CREDENTIALS_FULL_URI");

    let imds = serve(r#"{"Code":"Success","AccessKeyId":"ASIAFROMIMDS","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#);
    std::env::set_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds);
    let config = Config::builder().region("us-east-1").profile_files(none.clone()).build().expect("an IMDS provider");
    assert_eq!(resolve(config).expect("credentials"), "ASIAFROMIMDS");
    std::env::remove_var("AWS_EC2_METADATA_SERVICE_ENDPOINT");

    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let e = Config::builder().region("us-east-1").profile_files(none).build().expect_err("nowhere to go").to_string();
    assert!(e.contains("no credentials") && e.contains("AWS_EC2_METADATA_DISABLED"), "{e}");
    std::env::remove_var("AWS_EC2_METADATA_DISABLED");
}

/// The kind of provider a configuration's chain picked (its type's name).
fn provider_kind(config: &Config) -> &'static str {
    let shown = format!("{:?}", config.credentials_cache().provider());
    for (prefix, kind) in [
        ("StaticProvider", "static keys"),
        ("ProcessProvider", "process"),
        ("AssumeRoleProvider", "assume role"),
        ("WebIdentityProvider", "web identity"),
        ("SsoProvider", "sso"),
        ("ContainerProvider", "container"),
        ("ImdsProvider", "instance metadata"),
    ] {
        if shown.starts_with(prefix) {
            return kind;
        }
    }
    panic!("an unknown provider: {shown}")
}

/// The same kinds, by botocore's `Credentials.method`.
fn method_kind(method: &str) -> &'static str {
    match method {
        "shared-credentials-file" | "config-file" | "env" => "static keys",
        "custom-process" => "process",
        "assume-role" => "assume role",
        "assume-role-with-web-identity" => "web identity",
        "sso" => "sso",
        "container-role" => "container",
        "iam-role" => "instance metadata",
        other => panic!("botocore's method {other} is not mapped"),
    }
}
