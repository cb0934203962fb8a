//! Credentials from IAM Identity Center (SSO): the access token that
//! `aws sso login` leaves in `~/.aws/sso/cache/<sha1>.json`, traded for role
//! credentials by SSO `GetRoleCredentials`. A profile with an
//! `sso_session` names a `[sso-session]` section: its token's file is named
//! by the SHA-1 of the session name, and the token is refreshed through
//! SSO-OIDC `CreateToken` (and written back, readable by its owner only)
//! when it is within five minutes of expiry. A legacy profile
//! (`sso_start_url` in the profile) uses the file named by the SHA-1 of the
//! start URL, and cannot refresh it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::config::Config;
use crate::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::credentials::identity_services::{IdentityServices, SsoRoleRequest, SsoTokenRequest};
use crate::types::timestamp::Timestamp;
use crate::transport::BoxFuture;

/// A token this close to expiry is refreshed (when it can be).
const REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// Where the token comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoTokenSource {
    /// `sso_session = NAME`: refreshable.
    Session { name: String },
    /// `sso_start_url` in the profile: used until it expires.
    Legacy { start_url: String },
}

/// `GetRoleCredentials` for one account and role.
#[derive(Debug)]
pub struct SsoProvider {
    services: Arc<dyn IdentityServices>,
    /// Unsigned calls in the SSO region.
    sso: Config,
    account_id: String,
    role_name: String,
    source: SsoTokenSource,
    cache_dir: PathBuf,
    profile: String,
    /// One refresh at a time (it rewrites the cache file).
    refresh: tokio::sync::Mutex<()>,
}

impl SsoProvider {
    pub fn new(
        services: Arc<dyn IdentityServices>,
        sso: Config,
        account_id: String,
        role_name: String,
        source: SsoTokenSource,
        cache_dir: PathBuf,
        profile: String,
    ) -> Self {
        SsoProvider { services, sso, account_id, role_name, source, cache_dir, profile, refresh: tokio::sync::Mutex::new(()) }
    }

    /// `~/.aws/sso/cache` (`HOME`, else `USERPROFILE`).
    pub fn default_cache_dir() -> Option<PathBuf> {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).or_else(|| std::env::var_os("USERPROFILE").filter(|h| !h.is_empty()))?;
        Some(Path::new(&home).join(".aws").join("sso").join("cache"))
    }

    /// The cache file of `source`: the hex SHA-1 of the session name or start URL.
    pub fn cache_file(cache_dir: &Path, source: &SsoTokenSource) -> PathBuf {
        let key = match source {
            SsoTokenSource::Session { name } => name,
            SsoTokenSource::Legacy { start_url } => start_url,
        };
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        cache_dir.join(format!("{hex}.json"))
    }

    fn name(&self) -> String {
        format!("SSO (profile {})", self.profile)
    }

    fn login_hint(&self) -> String {
        match &self.source {
            SsoTokenSource::Session { name } => format!("run `aws sso login --sso-session {name}`"),
            SsoTokenSource::Legacy { .. } => format!("run `aws sso login --profile {}`", self.profile),
        }
    }

    async fn access_token(&self) -> Result<String, CredentialsError> {
        let _one = self.refresh.lock().await;
        let err = |m: String| CredentialsError::new(self.name(), m);
        let file = Self::cache_file(&self.cache_dir, &self.source);
        let shown = file.display();
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(err(format!("no cached SSO token ({shown} does not exist): {}", self.login_hint())))
            }
            Err(e) => return Err(err(format!("cannot read the SSO token cache {shown}: {e}"))),
        };
        let mut json: Value = serde_json::from_str(&text).map_err(|e| err(format!("the SSO token cache {shown} is not JSON ({e})")))?;
        let field = |json: &Value, k: &str| json.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
        let token = field(&json, "accessToken").ok_or_else(|| err(format!("the SSO token cache {shown} has no accessToken")))?;
        let expires_at = time(&json, "expiresAt").map_err(|e| err(format!("the SSO token cache {shown}: {e}")))?;
        let now = SystemTime::now();
        let fresh = expires_at.duration_since(now).is_ok_and(|left| left > REFRESH_WINDOW);
        if fresh || matches!(self.source, SsoTokenSource::Legacy { .. }) {
            if expires_at <= now {
                return Err(err(format!("the SSO token in {shown} expired at {}: {}", Timestamp::from(expires_at).fmt_date_time(), self.login_hint())));
            }
            return Ok(token);
        }
        // Within the refresh window, or expired: refresh through SSO-OIDC.
        let refreshed = self.refresh_token(&json).await;
        match refreshed {
            Ok(new) => {
                json["accessToken"] = Value::String(new.access_token.clone());
                json["expiresAt"] = Value::String(Timestamp::from(new.expires_at).fmt_date_time());
                if let Some(r) = &new.refresh_token {
                    json["refreshToken"] = Value::String(r.clone());
                }
                write_cache(&file, &json).map_err(|e| err(format!("cannot write the refreshed SSO token to {shown}: {e}")))?;
                Ok(new.access_token)
            }
            // A token that still works is used while refreshing fails.
            Err(_) if expires_at > now => Ok(token),
            Err(why) => Err(err(format!(
                "the SSO token in {shown} expired at {} and could not be refreshed ({why}): {}",
                Timestamp::from(expires_at).fmt_date_time(),
                self.login_hint()
            ))),
        }
    }

    async fn refresh_token(&self, json: &Value) -> Result<crate::credentials::identity_services::SsoToken, String> {
        let field = |k: &str| json.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
        let (Some(client_id), Some(client_secret), Some(refresh_token)) = (field("clientId"), field("clientSecret"), field("refreshToken")) else {
            return Err("the cache has no client registration or refresh token".into());
        };
        if let Ok(registration) = time(json, "registrationExpiresAt") {
            if registration <= SystemTime::now() {
                return Err("the client registration expired".into());
            }
        }
        self.services
            .sso_create_token(self.sso.clone(), SsoTokenRequest { client_id, client_secret, refresh_token })
            .await
            .map_err(|e| format!("SSO-OIDC CreateToken: {e}"))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let access_token = self.access_token().await?;
        let request = SsoRoleRequest { access_token, account_id: self.account_id.clone(), role_name: self.role_name.clone() };
        self.services.sso_role_credentials(self.sso.clone(), request).await.map_err(|e| {
            CredentialsError::new(self.name(), format!("SSO GetRoleCredentials of role {} in account {}: {e}", self.role_name, self.account_id))
        })
    }
}

impl ProvideCredentials for SsoProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn describe(&self) -> String {
        self.name()
    }
}

/// An RFC 3339 time field of the cache.
fn time(json: &Value, key: &str) -> Result<SystemTime, String> {
    let text = json.get(key).and_then(Value::as_str).ok_or_else(|| format!("no {key}"))?;
    let t = Timestamp::parse_date_time(text).map_err(|e| format!("{key} is not an RFC 3339 time: {e}"))?;
    SystemTime::try_from(t).map_err(|_| format!("{key} is out of range"))
}

/// Replace the cache file, which holds the access and refresh tokens and
/// the client secret: written to a new file beside it that only its owner
/// may read or write (mode 0600, whatever the umask), then renamed over it,
/// so the tokens are never readable by others, not even for a moment. A
/// failed write leaves the old file and no temporary one.
fn write_cache(file: &Path, json: &Value) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(json).map_err(std::io::Error::other)?;
    let (tmp, mut out) = create_private_beside(file)?;
    let written = out.write_all(&bytes).and_then(|()| out.sync_all()).and_then(|()| {
        drop(out);
        std::fs::rename(&tmp, file)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A new file in `file`'s directory, created for this write only
/// (`create_new`: never an existing file or a link planted there) with
/// mode 0600 on unix.
fn create_private_beside(file: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut attempt = 0u32;
    loop {
        let tmp = file.with_extension(format!("json.{}.{attempt}.tmp", std::process::id()));
        match options.open(&tmp) {
            Ok(out) => return Ok((tmp, out)),
            // Another writer's, or one left by a process that died: another name.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::credentials::identity_services::{AssumeRoleRequest, SsoToken, WebIdentityRequest};
    use crate::transport::{SendError, Sleep, Transport};

    /// SSO-OIDC answers a refresh with `NEWTOKEN`; SSO checks that token.
    #[derive(Debug)]
    struct FakeSso;

    impl IdentityServices for FakeSso {
        fn assume_role(&self, _: Config, _: AssumeRoleRequest) -> BoxFuture<'static, Result<Credentials, String>> {
            Box::pin(std::future::ready(Err("not here".into())))
        }
        fn assume_role_with_web_identity(&self, _: Config, _: WebIdentityRequest) -> BoxFuture<'static, Result<Credentials, String>> {
            Box::pin(std::future::ready(Err("not here".into())))
        }
        fn sso_role_credentials(&self, _: Config, request: SsoRoleRequest) -> BoxFuture<'static, Result<Credentials, String>> {
            let answer = if request.access_token == "NEWTOKEN" { Ok(Credentials::new("AKIDSSO", "sso-secret", None)) } else { Err("an old token".into()) };
            Box::pin(std::future::ready(answer))
        }
        fn sso_create_token(&self, _: Config, request: SsoTokenRequest) -> BoxFuture<'static, Result<SsoToken, String>> {
            let answer = if request.refresh_token == "REFRESH-1" && request.client_secret == "CLIENTSECRET" {
                Ok(SsoToken { access_token: "NEWTOKEN".into(), expires_at: SystemTime::now() + Duration::from_secs(3600), refresh_token: Some("REFRESH-2".into()) })
            } else {
                Err("unexpected request".into())
            };
            Box::pin(std::future::ready(answer))
        }
    }

    /// The configuration's transport and sleep: never used (the fake makes the calls).
    #[derive(Debug)]
    struct Unused;

    impl Transport for Unused {
        fn send(&self, _: http::Request<bytes::Bytes>, _: usize) -> BoxFuture<'_, Result<crate::request::RawResponse, SendError>> {
            unreachable!("the fake identity services make no request")
        }
    }

    impl Sleep for Unused {
        fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
            Box::pin(std::future::pending())
        }
    }

    /// Under umask 022 (the usual one, under which a plain write makes
    /// the file 0644), the refreshed cache is 0600 and no temporary file
    /// is left beside it. The umask belongs to the process: the test runs
    /// itself again in a child process with it.
    #[test]
    fn a_refresh_rewrites_the_cache_readable_by_its_owner_only() {
        const CHILD: &str = "SMITHY_SSO_CACHE_TEST_UMASK_022";
        let name = concat!(module_path!(), "::a_refresh_rewrites_the_cache_readable_by_its_owner_only").trim_start_matches("smithy_gen_runtime::");
        if std::env::var_os(CHILD).is_none() {
            let exe = std::env::current_exe().expect("the test binary");
            let out = std::process::Command::new("sh")
                .args(["-c", "umask 022 && exec \"$0\" \"$@\""])
                .arg(exe)
                .args(["--exact", name, "--nocapture", "--test-threads=1"])
                .env(CHILD, "1")
                .output()
                .expect("run the test binary again");
            let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(out.status.success() && shown.contains("1 passed"), "{shown}");
            return;
        }
        if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
            assert!(status.lines().any(|l| l.split_whitespace().eq(["Umask:", "0022"])), "{status}");
        }

        let dir = std::env::temp_dir().join(format!("smithy-sso-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let source = SsoTokenSource::Session { name: "corp".into() };
        let file = SsoProvider::cache_file(&dir, &source);
        let soon = Timestamp::from(SystemTime::now() + Duration::from_secs(60)).fmt_date_time();
        let cached = serde_json::json!({
            "startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "OLDTOKEN", "expiresAt": soon,
            "clientId": "CLIENTID", "clientSecret": "CLIENTSECRET", "refreshToken": "REFRESH-1", "registrationExpiresAt": "2099-01-01T00:00:00Z",
        });
        std::fs::write(&file, cached.to_string()).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let config_file = dir.join("config");
        std::fs::write(&config_file, "[default]\n").unwrap();
        let config = Config::builder()
            .region("us-east-1")
            .profile_files(crate::config::profile_file::ProfileFiles { config: config_file, credentials: dir.join("credentials") })
            .profile_name("default")
            .credentials(Credentials::new("AKIDUNUSED", "unused", None))
            .transport(Arc::new(Unused))
            .sleep(Arc::new(Unused))
            .build()
            .unwrap();
        let provider = SsoProvider::new(Arc::new(FakeSso), config, "123456789012".into(), "Dev".into(), source, dir.clone(), "sso".into());
        let credentials = crate::transport::block_on::block_on(provider.provide_credentials()).unwrap();
        assert_eq!(credentials.access_key_id(), "AKIDSSO");

        let rewritten: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!((rewritten["accessToken"].as_str(), rewritten["refreshToken"].as_str()), (Some("NEWTOKEN"), Some("REFRESH-2")));
        assert_eq!(rewritten["clientSecret"], "CLIENTSECRET");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the refreshed cache is {mode:o}");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).filter(|n| n.to_string_lossy().ends_with(".tmp")).collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
