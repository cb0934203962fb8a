//! Chains of assumed roles (`role_arn` with `source_profile` naming another
//! role's profile): followed without recursion, so a long chain in a
//! profile file cannot overflow a thread's stack, and bounded at 64 roles
//! with an error naming the chain's start. A chain of 64 is assumed role by
//! role against a local STS, each `AssumeRole` signed with the credentials
//! the one below it got, on a thread with tokio's 2 MiB stack.

use std::sync::{Arc, Mutex};

use smithy_gen_runtime::config::profile_file::ProfileFiles;

/// This binary's tests clear `AWS_*` variables: one at a time.
static ENV: Mutex<()> = Mutex::new(());

/// The stack of tokio's worker threads (and the default of spawned ones).
const SMALL_STACK: usize = 2 << 20;

fn clear_env() {
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            std::env::remove_var(k);
        }
    }
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
}

/// A scratch directory holding a config file with a chain of `links`
/// roles, `r0000` (selected, with region and STS endpoint) assuming its
/// role with the credentials of `r0001`'s, and so on down to static keys in
/// profile `base`.
struct Chain {
    dir: std::path::PathBuf,
    files: ProfileFiles,
}

impl Chain {
    fn new(test: &str, links: usize, sts: &str) -> Chain {
        let dir = std::env::temp_dir().join(format!("smithy-source-profile-chains-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut config = format!("[services local]\nsts =\n  endpoint_url = {sts}\n");
        for i in 0..links {
            let source = if i + 1 == links { "base".to_string() } else { format!("r{:04}", i + 1) };
            config.push_str(&format!("[profile r{i:04}]\nrole_arn = arn:aws:iam::123456789012:role/r{i:04}\nsource_profile = {source}\nrole_session_name = chain\n"));
            if i == 0 {
                config.push_str("region = us-east-1\nservices = local\n");
            }
        }
        config.push_str("[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = BASESECRET\n");
        let files = ProfileFiles { config: dir.join("config"), credentials: dir.join("credentials") };
        std::fs::write(&files.config, config).expect("write config");
        std::fs::write(&files.credentials, "").expect("write credentials");
        Chain { dir, files }
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Run `f` on a thread with a 2 MiB stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(SMALL_STACK).spawn(f).expect("a thread").join().expect("the thread ended without panicking")
}

/// 1,000 roles: an error naming the profile, the first roles of the chain,
/// the bound and the file, never a stack overflow (which aborts the whole
/// process: this test binary would die).
#[test]
fn a_thousand_role_chain_is_an_error_not_a_crash() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    clear_env();
    let chain = Chain::new("thousand", 1000, "http://127.0.0.1:9");
    let files = chain.files.clone();
    let built = on_small_stack(move || smithy_gen_config::builder().profile_files(files).profile_name("r0000").build().map(|_| ()).map_err(|e| e.to_string()));
    let e = built.expect_err("a chain of 1,000 roles");
    for want in ["the profile `r0000`", "more than 64 roles", "`r0000` → `r0001` → `r0002` → …", "`r0063` → `r0064`", &chain.files.config.display().to_string()] {
        assert!(e.contains(want), "{want:?} not in: {e}");
    }
    assert!(!e.contains("BASESECRET"), "{e}");

    // 65 roles are one too many; a loop is still a loop.
    let chain = Chain::new("sixty-five", 65, "http://127.0.0.1:9");
    let e = smithy_gen_config::builder().profile_files(chain.files.clone()).profile_name("r0000").build().expect_err("65 roles").to_string();
    assert!(e.contains("more than 64 roles") && e.contains("`r0063` → `r0064`"), "{e}");
    std::fs::write(&chain.files.config, "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\nregion = us-east-1\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = b\n").unwrap();
    let e = smithy_gen_config::builder().profile_files(chain.files.clone()).profile_name("a").build().expect_err("a loop").to_string();
    assert!(e.contains("loop: `a` → `b` → `c` → `b`"), "{e}");
}

/// The role of the STS `AssumeRole` form body (`RoleArn=…%2Fr0007&…`).
fn role_of(body: &[u8]) -> String {
    let body = String::from_utf8_lossy(body);
    body.split('&').find_map(|p| p.strip_prefix("RoleArn=")).and_then(|arn| arn.rsplit("%2F").next()).unwrap_or("?").to_string()
}

/// The access key that signed a request (`Credential=KEY/…`).
fn signer_of(head: &str) -> String {
    head.split("Credential=").nth(1).and_then(|c| c.split('/').next()).unwrap_or("?").to_string()
}

/// 64 roles, the most a chain may have, are assumed one by one from the
/// bottom: STS sees 64 calls, each for the next role up and signed with the
/// key the call before it was given; resolved on a 2 MiB stack.
#[test]
fn sixty_four_roles_are_assumed_in_order_on_a_small_stack() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    clear_env();
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    let sts = integration_tests::serve_http_keep_alive(move |head, body| {
        let role = role_of(body);
        if let Ok(mut calls) = seen.lock() {
            calls.push((role.clone(), signer_of(head)));
        }
        let key = format!("ASIA{}", role.to_ascii_uppercase());
        let xml = format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>\
             <AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret-{role}</SecretAccessKey><SessionToken>token-{role}</SessionToken>\
             <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:chain</AssumedRoleId>\
             <Arn>arn:aws:sts::123456789012:assumed-role/{role}/chain</Arn></AssumedRoleUser></AssumeRoleResult>\
             <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>"
        );
        (200, "content-type: text/xml\r\n".to_string(), xml)
    });
    let chain = Chain::new("sixty-four", 64, &sts);
    let files = chain.files.clone();
    let key = on_small_stack(move || {
        let config = smithy_gen_config::builder().profile_files(files).profile_name("r0000").build().expect("a chain of 64 roles");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        runtime.block_on(config.credentials()).map(|c| c.access_key_id().to_string()).map_err(|e| e.to_string())
    });
    assert_eq!(key.as_deref(), Ok("ASIAR0000"));
    let calls = calls.lock().unwrap().clone();
    let want: Vec<(String, String)> = (0..64)
        .rev()
        .map(|i| {
            let signer = if i == 63 { "AKIDBASE".to_string() } else { format!("ASIAR{:04}", i + 1) };
            (format!("r{i:04}"), signer)
        })
        .collect();
    assert_eq!(calls, want);
}
