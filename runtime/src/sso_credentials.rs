//! Credentials from IAM Identity Center (SSO): the access token that
//! `aws sso login` leaves in `~/.aws/sso/cache/<sha1>.json`, traded for role
//! credentials by SSO `GetRoleCredentials`. A profile with an
//! `sso_session` names a `[sso-session]` section: its token's file is named
//! by the SHA-1 of the session name, and the token is refreshed through
//! SSO-OIDC `CreateToken` (and written back) when it is within five minutes
//! of expiry. A legacy profile (`sso_start_url` in the profile) uses the
//! file named by the SHA-1 of the start URL, and cannot refresh it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::config::Config;
use super::credentials::{Credentials, CredentialsError, ProvideCredentials};
use super::identity_services::{IdentityServices, SsoRoleRequest, SsoTokenRequest};
use super::timestamp::Timestamp;
use super::transport::BoxFuture;

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

    async fn refresh_token(&self, json: &Value) -> Result<super::identity_services::SsoToken, String> {
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

/// Replace the cache file: written beside it, then renamed over it.
fn write_cache(file: &Path, json: &Value) -> std::io::Result<()> {
    let tmp = file.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&tmp, serde_json::to_vec_pretty(json).map_err(std::io::Error::other)?)?;
    std::fs::rename(&tmp, file)
}
