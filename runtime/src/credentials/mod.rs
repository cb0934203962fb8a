//! Credentials and where they come from: [`Credentials`] (keys, an optional
//! session token and expiry), the [`ProvideCredentials`] trait a source of
//! them implements, and [`CredentialsCache`], which every client's
//! configuration holds: it keeps credentials until shortly before they
//! expire, has concurrent callers share one refresh, and keeps using
//! credentials that are still valid when a refresh fails.

// One module per source of credentials; the chain's order is in `chain`.
pub mod assume_role;
pub(crate) mod chain;
pub mod container;
pub mod identity_services;
pub mod imds;
pub mod process;
pub(crate) mod profile;
pub mod sso;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::transport::BoxFuture;

/// AWS credentials. `Debug` shows the access key id only.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
}

impl Credentials {
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>, session_token: Option<String>) -> Self {
        Credentials { access_key_id: access_key_id.into(), secret_access_key: secret_access_key.into(), session_token, expiry: None }
    }

    /// The same credentials, valid until `expiry`.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// From `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, if set,
    /// `AWS_SESSION_TOKEN`.
    pub fn from_env() -> Option<Self> {
        let key = std::env::var("AWS_ACCESS_KEY_ID").ok().filter(|v| !v.is_empty())?;
        let secret = std::env::var("AWS_SECRET_ACCESS_KEY").ok().filter(|v| !v.is_empty())?;
        let token = std::env::var("AWS_SESSION_TOKEN").ok().filter(|v| !v.is_empty());
        Some(Credentials::new(key, secret, token))
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When they stop working (`None`: they do not expire).
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.session_token.as_ref().map(|_| "** redacted **"))
            .field("expiry", &self.expiry)
            .finish()
    }
}

/// Why a provider has no credentials: which provider, and why (never a
/// secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    /// The provider's name (`environment`, `profile dev`, `IMDS`, ...).
    pub provider: String,
    pub message: String,
}

impl CredentialsError {
    pub fn new(provider: impl Into<String>, message: impl Into<String>) -> Self {
        CredentialsError { provider: provider.into(), message: message.into() }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no credentials from {}: {}", self.provider, self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// A source of credentials. Called when the cache has none that are fresh
/// enough; it need not cache itself.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;

    /// What the provider is, for logs (`assume role (profile dev)`): never
    /// a secret.
    fn describe(&self) -> String {
        "a provider set in code".to_string()
    }
}

/// Credentials given in code or the environment: always the same.
#[derive(Debug, Clone)]
pub struct StaticProvider(pub Credentials);

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }

    fn describe(&self) -> String {
        "static keys".to_string()
    }
}

/// No credentials: every request for them fails, saying why (`.0`). The
/// provider of configurations whose calls go unsigned.
#[derive(Debug, Clone)]
pub struct NoCredentials(pub String);

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(Err(CredentialsError::new("no credentials", format!("this configuration has none ({})", self.0)))))
    }

    fn describe(&self) -> String {
        "no credentials".to_string()
    }
}

/// One request of a credentials provider (to a metadata or container
/// endpoint) through the configuration's transport, given up after
/// `timeout` (these endpoints answer at once, or are not there).
pub(crate) async fn fetch(
    transport: &dyn crate::transport::Transport,
    sleep: &dyn crate::transport::Sleep,
    request: http::Request<bytes::Bytes>,
    timeout: Duration,
) -> Result<crate::request::RawResponse, String> {
    use crate::transport::race::{first, First};
    match first(transport.send(request, 1 << 20), sleep.sleep(timeout)).await {
        First::Left(r) => r.map_err(|e| match e {
            crate::transport::SendError::Transport(t) => t.to_string(),
            crate::transport::SendError::Timeout(t) => t.to_string(),
        }),
        First::Right(()) => Err(format!("no answer within {timeout:?}")),
    }
}

/// Credentials from the JSON providers answer with (`AccessKeyId`,
/// `SecretAccessKey`, the session token under `token_field` — `Token` for
/// the container endpoint and instance metadata, `SessionToken` for a
/// credential process — and `Expiration`); `Err` names what is missing,
/// never a value.
pub(crate) fn from_json(json: &serde_json::Value, token_field: &str) -> Result<Credentials, String> {
    let field = |name: &str| json.get(name).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    let key = field("AccessKeyId").ok_or("the answer has no AccessKeyId")?;
    let secret = field("SecretAccessKey").ok_or("the answer has no SecretAccessKey")?;
    let credentials = Credentials::new(key, secret, field(token_field).map(str::to_string));
    Ok(match field("Expiration") {
        None => credentials,
        Some(text) => {
            let when = crate::types::timestamp::Timestamp::parse_date_time(text).map_err(|e| format!("its Expiration is not an RFC 3339 time: {e}"))?;
            credentials.with_expiry(SystemTime::try_from(when).map_err(|_| "its Expiration is out of range".to_string())?)
        }
    })
}

/// [`from_json`] of a body that must be JSON.
pub(crate) fn from_json_body(body: &[u8]) -> Result<Credentials, String> {
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON ({} bytes; {e})", body.len()))?;
    from_json(&json, "Token")
}

/// How long before expiry credentials are refreshed, at the least.
pub const REFRESH_BUFFER: Duration = Duration::from_secs(5 * 60);
/// At most this much more is added, at random per set of credentials, so
/// that many clients do not refresh at the same moment.
pub const REFRESH_JITTER: Duration = Duration::from_secs(60);

/// Credentials in hand, and when to replace them.
#[derive(Debug, Clone)]
struct Cached {
    credentials: Credentials,
    /// `None`: never (credentials that do not expire).
    refresh_at: Option<SystemTime>,
}

/// The credentials every call of a configuration signs with: the provider's,
/// kept until [`REFRESH_BUFFER`] (plus up to [`REFRESH_JITTER`]) before they
/// expire. Concurrent callers share one refresh; when a refresh fails while
/// the credentials in hand are still valid, they are used (and the refresh
/// is tried again by the next call); an error says which provider failed.
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    cached: Mutex<Option<Cached>>,
    /// Held by the one caller refreshing (tokio's lock: it runs on any
    /// executor, and a caller that gives up waiting leaves no one stranded).
    refreshing: tokio::sync::Mutex<()>,
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache").field("provider", &self.provider).finish_non_exhaustive()
    }
}

impl CredentialsCache {
    pub fn new(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsCache { provider, cached: Mutex::new(None), refreshing: tokio::sync::Mutex::new(()) }
    }

    /// The provider behind the cache.
    pub fn provider(&self) -> &Arc<dyn ProvideCredentials> {
        &self.provider
    }

    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let cached = self.cached.lock().ok()?;
        let c = cached.as_ref()?;
        match c.refresh_at {
            Some(at) if now >= at => None,
            _ => Some(c.credentials.clone()),
        }
    }

    /// Credentials to sign with now.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some(c) = self.fresh(SystemTime::now()) {
            return Ok(c);
        }
        let _turn = self.refreshing.lock().await;
        // Another caller may have refreshed while this one waited.
        if let Some(c) = self.fresh(SystemTime::now()) {
            return Ok(c);
        }
        let provider = self.provider.describe();
        tracing::debug!(provider, "fetching credentials");
        match self.provider.provide_credentials().await {
            Ok(credentials) => {
                let refresh_at = credentials.expiry().map(|e| e.checked_sub(REFRESH_BUFFER + jitter()).unwrap_or(SystemTime::UNIX_EPOCH));
                let expires_in_s = credentials.expiry().and_then(|e| e.duration_since(SystemTime::now()).ok()).map(|d| d.as_secs());
                tracing::info!(provider, expires_in_s, "credentials fetched");
                if let Ok(mut cached) = self.cached.lock() {
                    *cached = Some(Cached { credentials: credentials.clone(), refresh_at });
                }
                Ok(credentials)
            }
            Err(e) => {
                // Credentials in hand that have not expired yet still work.
                let now = SystemTime::now();
                let still_valid = self.cached.lock().ok().and_then(|c| c.as_ref().map(|c| c.credentials.clone())).filter(|c| c.expiry().is_none_or(|x| now < x));
                tracing::warn!(provider, error = %e, keeping_valid_credentials = still_valid.is_some(), "fetching credentials failed");
                still_valid.ok_or(e)
            }
        }
    }
}

/// A random duration up to [`REFRESH_JITTER`].
fn jitter() -> Duration {
    let mut b = [0u8; 2];
    if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b).is_err() {
        return Duration::ZERO;
    }
    REFRESH_JITTER.mul_f64(f64::from(u16::from_be_bytes(b)) / f64::from(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Hands out `AKID<n>` on the n-th call, expiring `ttl` later, or fails
    /// when told to.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        ttl: Option<Duration>,
        fail: std::sync::atomic::AtomicBool,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let out = if self.fail.load(Ordering::SeqCst) {
                Err(CredentialsError::new("counting", "told to fail"))
            } else {
                let c = Credentials::new(format!("AKID{n}"), "secret", None);
                Ok(match self.ttl {
                    Some(t) => c.with_expiry(SystemTime::now() + t),
                    None => c,
                })
            };
            Box::pin(std::future::ready(out))
        }
    }

    fn counting(ttl: Option<Duration>) -> Arc<Counting> {
        Arc::new(Counting { calls: AtomicUsize::new(0), ttl, fail: std::sync::atomic::AtomicBool::new(false) })
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        crate::transport::block_on::block_on(f)
    }

    #[test]
    fn credentials_are_kept_until_shortly_before_they_expire() {
        let lasting = counting(Some(Duration::from_secs(3600)));
        let cache = CredentialsCache::new(lasting.clone());
        for _ in 0..3 {
            assert_eq!(block_on(cache.credentials()).unwrap().access_key_id(), "AKID1");
        }
        assert_eq!(lasting.calls.load(Ordering::SeqCst), 1);
        // Within the buffer of their expiry: refreshed on every call.
        let short = counting(Some(Duration::from_secs(60)));
        let cache = CredentialsCache::new(short.clone());
        assert_eq!(block_on(cache.credentials()).unwrap().access_key_id(), "AKID1");
        assert_eq!(block_on(cache.credentials()).unwrap().access_key_id(), "AKID2");
        // Without expiry: never again.
        let forever = counting(None);
        let cache = CredentialsCache::new(forever.clone());
        block_on(cache.credentials()).unwrap();
        block_on(cache.credentials()).unwrap();
        assert_eq!(forever.calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_failed_refresh_keeps_valid_credentials_and_names_the_provider() {
        let short = counting(Some(Duration::from_secs(120)));
        let cache = CredentialsCache::new(short.clone());
        assert_eq!(block_on(cache.credentials()).unwrap().access_key_id(), "AKID1");
        short.fail.store(true, Ordering::SeqCst);
        // Due for refresh, the refresh fails, the credentials still work.
        assert_eq!(block_on(cache.credentials()).unwrap().access_key_id(), "AKID1");
        // Nothing in hand: the provider's error.
        let failing = counting(None);
        failing.fail.store(true, Ordering::SeqCst);
        let e = block_on(CredentialsCache::new(failing).credentials()).unwrap_err();
        assert_eq!(e.to_string(), "no credentials from counting: told to fail");
    }

    #[test]
    fn concurrent_callers_share_one_refresh() {
        /// Answers only once released, counting calls.
        #[derive(Debug)]
        struct Slow {
            calls: AtomicUsize,
            gate: std::sync::Mutex<Option<std::sync::mpsc::Receiver<()>>>,
        }
        impl ProvideCredentials for Slow {
            fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
                self.calls.fetch_add(1, Ordering::SeqCst);
                let rx = self.gate.lock().unwrap().take();
                Box::pin(async move {
                    if let Some(rx) = rx {
                        let _ = rx.recv();
                    }
                    Ok(Credentials::new("AKIDSLOW", "secret", None))
                })
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let slow = Arc::new(Slow { calls: AtomicUsize::new(0), gate: std::sync::Mutex::new(Some(rx)) });
        let cache = Arc::new(CredentialsCache::new(slow.clone()));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let cache = cache.clone();
                std::thread::spawn(move || block_on(cache.credentials()).unwrap().access_key_id().to_string())
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        tx.send(()).unwrap();
        for t in threads {
            assert_eq!(t.join().unwrap(), "AKIDSLOW");
        }
        assert_eq!(slow.calls.load(Ordering::SeqCst), 1, "one refresh for eight callers");
    }

    #[test]
    fn debug_shows_no_secret() {
        let c = Credentials::new("AKID", "TOPSECRET", Some("TOKENSECRET".into()));
        let shown = format!("{c:?} {:?}", CredentialsCache::new(Arc::new(StaticProvider(c.clone()))));
        assert!(!shown.contains("TOPSECRET") && !shown.contains("TOKENSECRET"), "{shown}");
    }
}
