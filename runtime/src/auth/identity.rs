//! The identities of the Smithy HTTP auth schemes: a bearer [`Token`]
//! (`smithy.api#httpBearerAuth`), an [`ApiKey`] (`smithy.api#httpApiKeyAuth`)
//! and a [`Login`] (`smithy.api#httpBasicAuth`). Each is a secret: `Debug`
//! shows none of it, and nothing in this crate prints it. Tokens can come
//! from a [`ProvideToken`], kept by a [`TokenCache`] until shortly before
//! they expire, as [`CredentialsCache`](crate::credentials::CredentialsCache)
//! keeps credentials.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::transport::{BoxFuture, Sleep};
// Basic auth's credentials are standard, padded base64, as blobs are.
use crate::types::blob::encode as base64;

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

/// How long a [`TokenCache`] made by a configuration waits for its
/// provider before the call fails (the lock other callers wait on is held
/// that long at most).
pub const TOKEN_FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// After a failed fetch, for this long the same error is returned to every
/// caller instead of asking the failing provider again (callers waiting
/// for the refresh share its failure).
pub const TOKEN_FAILURE_WINDOW: Duration = Duration::from_secs(5);

/// A token in hand, and when to replace it.
#[derive(Clone)]
struct Cached {
    token: Token,
    /// `None`: never (a token without expiry).
    refresh_at: Option<SystemTime>,
}

/// The token every bearer-authenticated call of a configuration sends: the
/// provider's, kept until shortly before it expires:
/// [`REFRESH_BUFFER`](crate::credentials::REFRESH_BUFFER) before, or a
/// quarter of its lifetime before when that is less (a token valid for a
/// minute is used for 45 seconds, not fetched again at every call).
/// Concurrent callers share one refresh, which fails after
/// [`TOKEN_FETCH_TIMEOUT`] (when the cache has a [`Sleep`] to time it with,
/// as a configuration's has); a failed refresh is shared for
/// [`TOKEN_FAILURE_WINDOW`]; a refresh that fails while the token in hand
/// is still valid keeps it. A token that no header can carry (empty, a
/// control character) is a failure of the provider (never shown).
pub struct TokenCache {
    provider: Arc<dyn ProvideToken>,
    cached: Mutex<Option<Cached>>,
    /// The last failure, and when it happened.
    failed: Mutex<Option<(SystemTime, TokenError)>>,
    refreshing: tokio::sync::Mutex<()>,
    sleep: Option<Arc<dyn Sleep>>,
    fetch_timeout: Duration,
    failure_window: Duration,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache").field("provider", &self.provider).field("fetch_timeout", &self.fetch_timeout).finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cache without a fetch timeout (it has no [`Sleep`] to time one);
    /// a configuration's cache has [`TOKEN_FETCH_TIMEOUT`].
    pub fn new(provider: Arc<dyn ProvideToken>) -> TokenCache {
        TokenCache {
            provider,
            cached: Mutex::new(None),
            failed: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            sleep: None,
            fetch_timeout: TOKEN_FETCH_TIMEOUT,
            failure_window: TOKEN_FAILURE_WINDOW,
        }
    }

    /// The same cache, giving up on the provider after `timeout`, timed by `sleep`.
    pub(crate) fn with_timeout(mut self, sleep: Arc<dyn Sleep>, timeout: Duration) -> TokenCache {
        self.sleep = Some(sleep);
        self.fetch_timeout = timeout;
        self
    }

    pub fn provider(&self) -> &Arc<dyn ProvideToken> {
        &self.provider
    }

    fn fresh(&self, now: SystemTime) -> Option<Token> {
        let cached = self.cached.lock().ok()?;
        let c = cached.as_ref()?;
        match c.refresh_at {
            Some(at) if now >= at => None,
            _ => Some(c.token.clone()),
        }
    }

    /// The token in hand if it has not expired yet.
    fn still_valid(&self, now: SystemTime) -> Option<Token> {
        self.cached.lock().ok().and_then(|c| c.as_ref().map(|c| c.token.clone())).filter(|t| t.expiry.is_none_or(|x| now < x))
    }

    /// A failure recent enough to be shared.
    fn recent_failure(&self, now: SystemTime) -> Option<TokenError> {
        let failed = self.failed.lock().ok()?;
        let (at, e) = failed.as_ref()?;
        (now.duration_since(*at).unwrap_or_default() < self.failure_window).then(|| e.clone())
    }

    /// The provider's token, checked, within the timeout.
    async fn fetch(&self, provider: &str) -> Result<Token, TokenError> {
        let token = match &self.sleep {
            None => self.provider.provide_token().await,
            Some(sleep) => {
                use crate::transport::race::{first, First};
                // The timer starts when first polled, after the provider was:
                // a provider that answers at once needs no timer (nor a
                // runtime for one).
                match first(self.provider.provide_token(), async { sleep.sleep(self.fetch_timeout).await }).await {
                    First::Left(t) => t,
                    First::Right(()) => Err(TokenError::new(provider, format!("no token within {:?}", self.fetch_timeout))),
                }
            }
        }?;
        if token.token.is_empty() || token.token.chars().any(char::is_control) {
            return Err(TokenError::new(provider, "the token it gave is empty or holds a control character (such as CR or LF), which no header can carry"));
        }
        Ok(token)
    }

    /// The token to send now.
    pub async fn token(&self) -> Result<Token, TokenError> {
        if let Some(t) = self.fresh(SystemTime::now()) {
            return Ok(t);
        }
        let _turn = self.refreshing.lock().await;
        let now = SystemTime::now();
        if let Some(t) = self.fresh(now) {
            return Ok(t);
        }
        // The refresh that just failed (while this caller waited, or a
        // moment ago): the same answer, the provider left alone.
        if let Some(e) = self.recent_failure(now) {
            return self.still_valid(now).ok_or(e);
        }
        let provider = self.provider.describe();
        match self.fetch(&provider).await {
            Ok(token) => {
                tracing::debug!(provider, "bearer token fetched");
                let now = SystemTime::now();
                let refresh_at = token.expiry.map(|expiry| {
                    let lifetime = expiry.duration_since(now).unwrap_or_default();
                    expiry.checked_sub(crate::credentials::REFRESH_BUFFER.min(lifetime / 4)).unwrap_or(SystemTime::UNIX_EPOCH)
                });
                if let Ok(mut cached) = self.cached.lock() {
                    *cached = Some(Cached { token: token.clone(), refresh_at });
                }
                if let Ok(mut failed) = self.failed.lock() {
                    *failed = None;
                }
                Ok(token)
            }
            Err(e) => {
                let now = SystemTime::now();
                let still_valid = self.still_valid(now);
                tracing::warn!(provider, error = %e, keeping_valid_token = still_valid.is_some(), "fetching a bearer token failed");
                if let Ok(mut failed) = self.failed.lock() {
                    *failed = Some((now, e.clone()));
                }
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
        // A token shorter-lived than the refresh buffer is kept for three
        // quarters of its lifetime, not fetched again at every call.
        let short = Arc::new(Counting { calls: AtomicUsize::new(0), ttl: Some(Duration::from_secs(60)), fail_after: usize::MAX });
        let cache = TokenCache::new(short.clone());
        assert_eq!(block_on(cache.token()).unwrap().token(), "T1");
        assert_eq!(block_on(cache.token()).unwrap().token(), "T1");
        assert_eq!(short.calls.load(Ordering::SeqCst), 1);
        let at = cache.cached.lock().unwrap().as_ref().and_then(|c| c.refresh_at).expect("a refresh time");
        let left = at.duration_since(SystemTime::now()).expect("in the future");
        assert!(left > Duration::from_secs(40) && left <= Duration::from_secs(45), "{left:?}");
        // Due: fetched again.
        make_due(&cache);
        assert_eq!(block_on(cache.token()).unwrap().token(), "T2");
    }

    /// The token in hand is due for refresh (still valid).
    fn make_due(cache: &TokenCache) {
        if let Some(c) = cache.cached.lock().unwrap().as_mut() {
            c.refresh_at = Some(SystemTime::UNIX_EPOCH);
        }
    }

    #[test]
    fn a_failed_refresh_keeps_a_valid_token_and_says_which_provider_failed() {
        let short = Arc::new(Counting { calls: AtomicUsize::new(0), ttl: Some(Duration::from_secs(60)), fail_after: 1 });
        let cache = TokenCache::new(short);
        assert_eq!(block_on(cache.token()).unwrap().token(), "T1");
        // The refresh fails; T1 has not expired yet.
        make_due(&cache);
        assert_eq!(block_on(cache.token()).unwrap().token(), "T1");
        let none = Arc::new(Counting { calls: AtomicUsize::new(0), ttl: None, fail_after: 0 });
        let e = block_on(TokenCache::new(none).token()).expect_err("no token");
        assert_eq!(e.to_string(), "no bearer token from counting: told to fail");
    }

    #[test]
    fn a_failure_is_shared_for_a_moment_instead_of_asking_the_provider_again() {
        let failing = Arc::new(Counting { calls: AtomicUsize::new(0), ttl: None, fail_after: 0 });
        let cache = TokenCache::new(failing.clone());
        let first = block_on(cache.token()).expect_err("fails");
        let second = block_on(cache.token()).expect_err("fails");
        assert_eq!(first, second);
        assert_eq!(failing.calls.load(Ordering::SeqCst), 1, "the provider asked once");
        // After the window: asked again.
        let mut cache = TokenCache::new(failing.clone());
        cache.failure_window = Duration::ZERO;
        block_on(cache.token()).expect_err("fails");
        block_on(cache.token()).expect_err("fails");
        assert_eq!(failing.calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn callers_waiting_for_a_failing_refresh_share_its_failure() {
        /// Fails once released, counting calls.
        #[derive(Debug)]
        struct SlowFailure {
            calls: AtomicUsize,
            gate: Mutex<Option<std::sync::mpsc::Receiver<()>>>,
        }
        impl ProvideToken for SlowFailure {
            fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
                self.calls.fetch_add(1, Ordering::SeqCst);
                let rx = self.gate.lock().unwrap().take();
                Box::pin(async move {
                    if let Some(rx) = rx {
                        let _ = rx.recv();
                    }
                    Err(TokenError::new("slow", "down"))
                })
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let slow = Arc::new(SlowFailure { calls: AtomicUsize::new(0), gate: Mutex::new(Some(rx)) });
        let cache = Arc::new(TokenCache::new(slow.clone()));
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let cache = cache.clone();
                std::thread::spawn(move || block_on(cache.token()).expect_err("fails").to_string())
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        tx.send(()).unwrap();
        for t in threads {
            assert_eq!(t.join().unwrap(), "no bearer token from slow: down");
        }
        assert_eq!(slow.calls.load(Ordering::SeqCst), 1, "one fetch for six callers");
    }

    #[derive(Debug)]
    struct Never;

    impl ProvideToken for Never {
        fn provide_token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
            Box::pin(std::future::pending())
        }

        fn describe(&self) -> String {
            "a provider that never answers".into()
        }
    }

    /// A sleep that is over at once: the timeout passes before the provider answers.
    #[derive(Debug)]
    struct Instant;

    impl Sleep for Instant {
        fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
            Box::pin(std::future::ready(()))
        }
    }

    #[test]
    fn a_provider_that_does_not_answer_times_out() {
        let cache = TokenCache::new(Arc::new(Never)).with_timeout(Arc::new(Instant), Duration::from_secs(7));
        let e = block_on(cache.token()).expect_err("timed out");
        assert_eq!(e.to_string(), "no bearer token from a provider that never answers: no token within 7s");
    }

    #[test]
    fn a_token_no_header_can_carry_is_refused_without_showing_it() {
        for bad in ["", "TOPSECRET\r", "TOP\nSECRET"] {
            let cache = TokenCache::new(Arc::new(StaticToken(Token::new(bad))));
            let e = block_on(cache.token()).expect_err("refused").to_string();
            assert!(e.contains("control character") && !e.contains("TOP"), "{e}");
        }
    }
}
