//! The identities of the Smithy HTTP auth schemes: a bearer [`Token`]
//! (`smithy.api#httpBearerAuth`), an [`ApiKey`] (`smithy.api#httpApiKeyAuth`)
//! and a [`Login`] (`smithy.api#httpBasicAuth`). Each is a secret: `Debug`
//! shows none of it, and nothing in this crate prints it. Tokens can come
//! from a [`ProvideToken`], kept by a [`TokenCache`] until shortly before
//! they expire, as [`CredentialsCache`](crate::credentials::CredentialsCache)
//! keeps credentials.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::transport::BoxFuture;

/// A bearer token (RFC 6750), sent as `Authorization: Bearer <token>`.
/// `Debug` shows only whether it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    token: String,
    expiry: Option<SystemTime>,
}

impl Token {
    pub fn new(token: impl Into<String>) -> Token {
        Token { token: token.into(), expiry: None }
    }

    /// The same token, valid until `expiry` (refreshed before then when it
    /// comes from a [`ProvideToken`]).
    pub fn with_expiry(mut self, expiry: SystemTime) -> Token {
        self.expiry = Some(expiry);
        self
    }

    /// The token itself (a secret: do not log it).
    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token").field("token", &"** redacted **").field("expiry", &self.expiry).finish()
    }
}

/// An API key (`smithy.api#httpApiKeyAuth`): where it goes (header or query
/// parameter, and its name) is the service's, from its model. `Debug` shows
/// none of it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    /// The key itself (a secret: do not log it).
    pub fn key(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(** redacted **)")
    }
}

/// A user name and password for HTTP Basic authentication (RFC 7617,
/// `smithy.api#httpBasicAuth`). `Debug` shows the user name only.
#[derive(Clone, PartialEq, Eq)]
pub struct Login {
    user: String,
    password: String,
}

impl Login {
    pub fn new(user: impl Into<String>, password: impl Into<String>) -> Login {
        Login { user: user.into(), password: password.into() }
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// The password (a secret: do not log it).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// `Basic <base64(user:password)>`, the `Authorization` header's value.
    pub(crate) fn header_value(&self) -> String {
        format!("Basic {}", base64(format!("{}:{}", self.user, self.password).as_bytes()))
    }
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login").field("user", &self.user).field("password", &"** redacted **").finish()
    }
}

/// Standard base64 with padding (RFC 4648 section 4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Why a token provider has no token: which provider, and why (never the
/// token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    pub provider: String,
    pub message: String,
}

impl TokenError {
    pub fn new(provider: impl Into<String>, message: impl Into<String>) -> TokenError {
        TokenError { provider: provider.into(), message: message.into() }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no bearer token from {}: {}", self.provider, self.message)
    }
}

impl std::error::Error for TokenError {}

/// A source of bearer tokens (an OAuth client, a file a sidecar refreshes).
/// Called when the cache has no token fresh enough; it need not cache.
pub trait ProvideToken: Send + Sync + fmt::Debug {
    fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>>;

    /// What the provider is, for logs and errors: never a secret.
    fn describe(&self) -> String {
        "a token provider set in code".to_string()
    }
}

/// A token given in code: always the same.
#[derive(Debug, Clone)]
pub struct StaticToken(pub Token);

impl ProvideToken for StaticToken {
    fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }

    fn describe(&self) -> String {
        "a static token".to_string()
    }
}

/// The token every bearer-authenticated call of a configuration sends: the
/// provider's, kept until [`REFRESH_BUFFER`](crate::credentials::REFRESH_BUFFER)
/// before it expires. Concurrent callers share one refresh; a refresh that
/// fails while the token in hand is still valid keeps it.
pub struct TokenCache {
    provider: Arc<dyn ProvideToken>,
    cached: Mutex<Option<Token>>,
    refreshing: tokio::sync::Mutex<()>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache").field("provider", &self.provider).finish_non_exhaustive()
    }
}

impl TokenCache {
    pub fn new(provider: Arc<dyn ProvideToken>) -> TokenCache {
        TokenCache { provider, cached: Mutex::new(None), refreshing: tokio::sync::Mutex::new(()) }
    }

    pub fn provider(&self) -> &Arc<dyn ProvideToken> {
        &self.provider
    }

    fn fresh(&self, now: SystemTime) -> Option<Token> {
        let cached = self.cached.lock().ok()?;
        let t = cached.as_ref()?;
        match t.expiry.and_then(|e| e.checked_sub(crate::credentials::REFRESH_BUFFER)) {
            Some(refresh_at) if now >= refresh_at => None,
            // An expiry within the buffer of the epoch: refreshed every time.
            None if t.expiry.is_some() => None,
            _ => Some(t.clone()),
        }
    }

    /// The token to send now.
    pub async fn token(&self) -> Result<Token, TokenError> {
        if let Some(t) = self.fresh(SystemTime::now()) {
            return Ok(t);
        }
        let _turn = self.refreshing.lock().await;
        if let Some(t) = self.fresh(SystemTime::now()) {
            return Ok(t);
        }
        let provider = self.provider.describe();
        match self.provider.provide_token().await {
            Ok(token) => {
                tracing::debug!(provider, "bearer token fetched");
                if let Ok(mut cached) = self.cached.lock() {
                    *cached = Some(token.clone());
                }
                Ok(token)
            }
            Err(e) => {
                let now = SystemTime::now();
                let still_valid = self.cached.lock().ok().and_then(|c| c.clone()).filter(|t| t.expiry.is_none_or(|x| now < x));
                tracing::warn!(provider, error = %e, keeping_valid_token = still_valid.is_some(), "fetching a bearer token failed");
                still_valid.ok_or(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn secrets_are_not_shown() {
        let shown = format!("{:?} {:?} {:?}", Token::new("TOPSECRET1"), ApiKey::new("TOPSECRET2"), Login::new("ann", "TOPSECRET3"));
        assert!(!shown.contains("TOPSECRET"), "{shown}");
        assert!(shown.contains("ann"), "{shown}");
    }

    #[test]
    fn basic_header_is_rfc_7617() {
        // RFC 7617 section 2's example.
        assert_eq!(Login::new("Aladdin", "open sesame").header_value(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }

    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        ttl: Option<Duration>,
        fail_after: usize,
    }

    impl ProvideToken for Counting {
        fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let out = if n > self.fail_after {
                Err(TokenError::new("counting", "told to fail"))
            } else {
                let t = Token::new(format!("T{n}"));
                Ok(match self.ttl {
                    Some(ttl) => t.with_expiry(SystemTime::now() + ttl),
                    None => t,
                })
            };
            Box::pin(std::future::ready(out))
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        crate::transport::block_on::block_on(f)
    }

    #[test]
    fn tokens_are_cached_and_refreshed_before_expiry() {
        let lasting = Arc::new(Counting { calls: AtomicUsize::new(0), ttl: Some(Duration::from_secs(3600)), fail_after: usize::MAX });
        let cache = TokenCache::new(lasting.clone());
        for _ in 0..3 {
            assert_eq!(block_on(cache.token()).unwrap().token(), "T1");
        }
        assert_eq!(lasting.calls.load(Ordering::SeqCst), 1);
        // Expiring within the refresh buffer: fetched again each time.
        let short = Arc::new(Counting { calls: AtomicUsize::new(0), ttl: Some(Duration::from_secs(60)), fail_after: usize::MAX });
        let cache = TokenCache::new(short);
        assert_eq!(block_on(cache.token()).unwrap().token(), "T1");
        assert_eq!(block_on(cache.token()).unwrap().token(), "T2");
    }

    #[test]
    fn a_failed_refresh_keeps_a_valid_token_and_says_which_provider_failed() {
        let short = Arc::new(Counting { calls: AtomicUsize::new(0), ttl: Some(Duration::from_secs(60)), fail_after: 1 });
        let cache = TokenCache::new(short);
        assert_eq!(block_on(cache.token()).unwrap().token(), "T1");
        // The refresh fails; T1 has not expired yet.
        assert_eq!(block_on(cache.token()).unwrap().token(), "T1");
        let none = Arc::new(Counting { calls: AtomicUsize::new(0), ttl: None, fail_after: 0 });
        let e = block_on(TokenCache::new(none).token()).expect_err("no token");
        assert_eq!(e.to_string(), "no bearer token from counting: told to fail");
    }
}
