//! Which auth scheme a request uses, and what it adds to the request. A
//! generated operation names its auth schemes in order of preference (the
//! model's `@auth`, else every scheme of its service, by shape id): the
//! first for which the configuration has an identity is used. None: an
//! `@optionalAuth` operation goes unsigned, any other fails unsent with an
//! error naming each scheme and how to configure it. An
//! [`anonymous`](crate::config::builder::ConfigBuilder::anonymous)
//! configuration signs nothing.
//!
//! SigV4 (`aws.auth#sigv4`) is the `signing` module's; the HTTP schemes
//! (`smithy.api#httpBearerAuth`, `httpApiKeyAuth`, `httpBasicAuth`) are
//! applied here, their identities in [`identity`].

pub mod identity;

use crate::credentials::{Credentials, CredentialsCache};
use identity::{ApiKey, Login, Token};

pub use crate::request::{ApiKeyLocation, AuthOption};

impl AuthOption {
    /// The scheme's shape id in Smithy.
    pub fn shape_id(&self) -> &'static str {
        match self {
            AuthOption::SigV4 => "aws.auth#sigv4",
            AuthOption::Bearer => "smithy.api#httpBearerAuth",
            AuthOption::ApiKey { .. } => "smithy.api#httpApiKeyAuth",
            AuthOption::Basic => "smithy.api#httpBasicAuth",
            AuthOption::Unsupported(id) => id,
        }
    }

    /// How a configuration gets an identity for it (for errors).
    fn how_to_configure(&self) -> &'static str {
        match self {
            AuthOption::SigV4 => "AWS credentials: `Config::builder().credentials(..)` or the default chain (AWS_ACCESS_KEY_ID, the profile, ...)",
            AuthOption::Bearer => "a bearer token: `Config::builder().bearer_token(..)` or `.token_provider(..)`",
            AuthOption::ApiKey { .. } => "an API key: `Config::builder().api_key(..)`",
            AuthOption::Basic => "a user name and password: `Config::builder().basic_auth(..)`",
            AuthOption::Unsupported(_) => "nothing: this client does not implement the scheme",
        }
    }
}

/// The identity a request is sent with.
#[derive(Debug, Clone)]
pub enum Identity {
    /// SigV4 with these credentials.
    SigV4(Credentials),
    Bearer(Token),
    ApiKey { key: ApiKey, name: &'static str, location: ApiKeyLocation, scheme: Option<&'static str> },
    Basic(Login),
}

/// What a configuration has to send requests with.
pub(crate) struct Identities<'a> {
    /// Sign nothing.
    pub(crate) anonymous: bool,
    pub(crate) credentials: &'a CredentialsCache,
    pub(crate) http: &'a HttpIdentities,
}

/// The HTTP identities a configuration holds (set on its builder).
#[derive(Debug, Clone, Default)]
pub(crate) struct HttpIdentities {
    pub(crate) token: Option<std::sync::Arc<identity::TokenCache>>,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) login: Option<Login>,
    /// Whether the plain-HTTP warning was given (once per configuration,
    /// its clones included).
    pub(crate) warned_plain_http: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl HttpIdentities {
    /// Warn, once, when a secret of `scheme` is about to go in clear text:
    /// to an `http://` URL whose host is not this machine (no secret, no
    /// URL in the warning: the host only). Whether it did.
    pub(crate) fn warn_if_plain_http(&self, uri: &http::Uri, scheme: &str) -> bool {
        if uri.scheme_str() != Some("http") || uri.host().is_none_or(is_loopback) {
            return false;
        }
        if self.warned_plain_http.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return false;
        }
        tracing::warn!(scheme, host = uri.host().unwrap_or_default(), "a secret (token, key or password) is sent over plain http:// to a host that is not this machine: anyone on the path can read it; use https://");
        true
    }
}

/// `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The identity for a request accepting `options` (in order), or `None`
/// for an unsigned one (an anonymous configuration; an empty list; an
/// optional auth with no identity). `Err` says, for each scheme, why the
/// configuration has no identity for it and how to give one.
pub(crate) async fn choose(identities: &Identities<'_>, operation: &str, options: &[AuthOption], optional: bool) -> Result<Option<Identity>, String> {
    if identities.anonymous || options.is_empty() {
        return Ok(None);
    }
    // SigV4 alone, required: its own error, as before the other schemes.
    if options == [AuthOption::SigV4] && !optional {
        return identities.credentials.credentials().await.map(|c| Some(Identity::SigV4(c))).map_err(|e| e.to_string());
    }
    let mut missing = Vec::new();
    for option in options {
        // Only a scheme with nothing configured is skipped: a configured
        // identity that fails (a token provider's error) fails the call,
        // optional auth or not, rather than sending it unsigned or with
        // another scheme (as smithy-rs does since smithy-lang/smithy-rs#2808).
        let why = match option {
            // SigV4 keeps falling through on any credentials error: the
            // default chain is always there, and when it finds nothing the
            // AWS SDKs send optional-auth calls unsigned (aws-sdk-go-v2#2410
            // restored that; smithy-rs goes unsigned when no credentials
            // are configured). An explicit provider's error is still named
            // when no other scheme has an identity.
            AuthOption::SigV4 => match identities.credentials.credentials().await {
                Ok(c) => return Ok(Some(Identity::SigV4(c))),
                Err(e) => e.to_string(),
            },
            AuthOption::Bearer => match &identities.http.token {
                Some(cache) => {
                    return match cache.token().await {
                        Ok(t) => Ok(Some(Identity::Bearer(t))),
                        Err(e) => Err(format!("`{operation}`: the configured bearer token could not be had ({e}); nothing was sent")),
                    }
                }
                None => "no bearer token is configured".to_string(),
            },
            AuthOption::ApiKey { name, location, scheme } => match &identities.http.api_key {
                Some(key) => return Ok(Some(Identity::ApiKey { key: key.clone(), name, location: *location, scheme: *scheme })),
                None => "no API key is configured".to_string(),
            },
            AuthOption::Basic => match &identities.http.login {
                Some(login) => return Ok(Some(Identity::Basic(login.clone()))),
                None => "no user name and password are configured".to_string(),
            },
            AuthOption::Unsupported(id) => format!("this client does not implement {id}"),
        };
        missing.push(format!("{} ({why}; give it {})", option.shape_id(), option.how_to_configure()));
    }
    if optional {
        tracing::debug!(operation, "no identity for any auth scheme: sent unsigned (@optionalAuth)");
        return Ok(None);
    }
    Err(format!("`{operation}` needs one of these auth schemes, and the configuration has an identity for none: {}; nothing was sent", missing.join("; ")))
}

/// What an HTTP scheme's identity adds: headers, or a query parameter
/// appended to `url`. The names of the header or parameter that carry the
/// secret are returned, for recordings to leave out.
pub(crate) fn apply(identity: &Identity, url: &mut String, headers: &mut Vec<(String, String)>) -> Option<crate::transport::AuthSecret> {
    match identity {
        Identity::SigV4(_) => None,
        // The scheme's header replaces any of the same name (an
        // `@httpHeader("Authorization")` member, a hook's): one value goes.
        Identity::Bearer(t) => {
            replace_header(headers, "authorization", format!("Bearer {}", t.token()));
            None
        }
        Identity::Basic(l) => {
            replace_header(headers, "authorization", l.header_value());
            None
        }
        Identity::ApiKey { key, name, location: ApiKeyLocation::Header, scheme } => {
            let value = match scheme {
                Some(s) => format!("{s} {}", key.key()),
                None => key.key().to_string(),
            };
            let lower = name.to_ascii_lowercase();
            replace_header(headers, &lower, value);
            Some(crate::transport::AuthSecret::Header(lower))
        }
        Identity::ApiKey { key, name, location: ApiKeyLocation::Query, .. } => {
            url.push(if url.contains('?') { '&' } else { '?' });
            crate::request::encode_into(url, name, true);
            url.push('=');
            crate::request::encode_into(url, key.key(), true);
            Some(crate::transport::AuthSecret::Query(name.to_string()))
        }
    }
}

/// `name: value` in place of every header of that name, in any case.
fn replace_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    headers.push((name.to_string(), value));
}

impl Identity {
    /// The scheme this identity is for (for messages: never the secret).
    pub(crate) fn scheme_id(&self) -> &'static str {
        match self {
            Identity::SigV4(_) => AuthOption::SigV4.shape_id(),
            Identity::Bearer(_) => AuthOption::Bearer.shape_id(),
            Identity::ApiKey { .. } => "smithy.api#httpApiKeyAuth",
            Identity::Basic(_) => AuthOption::Basic.shape_id(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        crate::transport::block_on::block_on(f)
    }

    /// A configuration for a service that is not AWS's: an endpoint, no
    /// region, no AWS credentials (none are looked for to fail the build).
    fn config(b: crate::config::builder::ConfigBuilder) -> Config {
        b.endpoint("http://127.0.0.1:9").profile_files(crate::config::profile_file::ProfileFiles {
            config: "/nonexistent/smithy-gen-test/config".into(),
            credentials: "/nonexistent/smithy-gen-test/credentials".into(),
        }).build().expect("config")
    }

    fn ids(c: &Config) -> Identities<'_> {
        Identities { anonymous: c.anonymous, credentials: &c.credentials, http: &c.http_identities }
    }

    const KEY: AuthOption = AuthOption::ApiKey { name: "X-Key", location: ApiKeyLocation::Header, scheme: None };

    #[test]
    fn the_first_scheme_with_an_identity_wins_in_the_operations_order() {
        let c = config(Config::builder().bearer_token("t").api_key("k"));
        let got = block_on(choose(&ids(&c), "Op", &[KEY, AuthOption::Bearer], false)).expect("an identity");
        assert!(matches!(got, Some(Identity::ApiKey { .. })), "{got:?}");
        let got = block_on(choose(&ids(&c), "Op", &[AuthOption::Basic, AuthOption::Bearer], false)).expect("an identity");
        assert!(matches!(got, Some(Identity::Bearer(_))), "{got:?}");
    }

    #[test]
    fn no_identity_is_an_error_naming_every_scheme_unless_auth_is_optional() {
        let c = config(Config::builder().bearer_token("TOPSECRET"));
        let e = block_on(choose(&ids(&c), "Op", &[KEY, AuthOption::Basic, AuthOption::Unsupported("smithy.api#httpDigestAuth")], false)).expect_err("none");
        for part in ["`Op`", "smithy.api#httpApiKeyAuth", ".api_key(", "smithy.api#httpBasicAuth", ".basic_auth(", "smithy.api#httpDigestAuth", "nothing was sent"] {
            assert!(e.contains(part), "{part}: {e}");
        }
        assert!(!e.contains("TOPSECRET"), "{e}");
        assert!(block_on(choose(&ids(&c), "Op", &[KEY], true)).expect("optional").is_none());
        // An empty list needs nothing.
        assert!(block_on(choose(&ids(&c), "Op", &[], false)).expect("unsigned").is_none());
    }

    #[test]
    fn sigv4_without_credentials_falls_through_to_the_next_scheme() {
        // (No chain: it could reach for instance metadata.)
        let none = std::sync::Arc::new(crate::credentials::NoCredentials("none here".into()));
        let c = config(Config::builder().bearer_token("t").credentials_provider(none));
        let got = block_on(choose(&ids(&c), "Op", &[AuthOption::SigV4, AuthOption::Bearer], false)).expect("the token");
        assert!(matches!(got, Some(Identity::Bearer(_))), "{got:?}");
        // SigV4 alone keeps its own error (the credential chain's).
        let e = block_on(choose(&ids(&c), "Op", &[AuthOption::SigV4], false)).expect_err("no credentials");
        assert!(e.contains("no credentials"), "{e}");
    }

    #[test]
    fn keys_and_logins_http_cannot_carry_are_refused_when_built_without_showing_them() {
        let build = |b: crate::config::builder::ConfigBuilder| b.endpoint("http://127.0.0.1:9").build().map(|_| ()).map_err(|e| e.to_string());
        let e = build(Config::builder().api_key("SECRET\r\nx-injected: 1")).expect_err("a line break");
        assert!(e.contains("api_key") && !e.contains("SECRET"), "{e}");
        let e = build(Config::builder().basic_auth("ann:x", "SECRET")).expect_err("a colon in the user name");
        assert!(e.contains("RFC 7617") && !e.contains("SECRET"), "{e}");
        // A password pasted whole into the user name is not shown either.
        let e = build(Config::builder().basic_auth("alice:hunter2", "")).expect_err("a colon in the user name");
        assert!(e.contains("basic_auth") && e.contains("':'") && !e.contains("hunter2") && !e.contains("alice"), "{e}");
        assert!(build(Config::builder().basic_auth("ann", "pass: word")).is_ok());
        for bad in ["", "TOPSECRET\r", "TOP\nSECRET", "\tTOPSECRET"] {
            let e = build(Config::builder().bearer_token(bad)).expect_err("a token no header can carry");
            assert!(e.contains("bearer_token") && !e.contains("TOP"), "{e}");
        }
        assert!(build(Config::builder().bearer_token("a.b-c_d~e+f/g=")).is_ok());
    }

    /// A provider that always fails.
    #[derive(Debug)]
    struct Failing;

    impl identity::ProvideToken for Failing {
        fn provide_token(&self) -> crate::transport::BoxFuture<'_, Result<Token, identity::TokenError>> {
            Box::pin(std::future::ready(Err(identity::TokenError::new("the token file", "unreadable"))))
        }
    }

    #[test]
    fn a_configured_identity_that_fails_is_an_error_even_with_optional_auth() {
        let c = config(Config::builder().token_provider(std::sync::Arc::new(Failing)).api_key("k"));
        for optional in [true, false] {
            let e = block_on(choose(&ids(&c), "Op", &[AuthOption::Bearer, KEY], optional)).expect_err("the provider failed");
            assert!(e.contains("`Op`") && e.contains("the token file") && e.contains("unreadable") && e.contains("nothing was sent"), "{e}");
        }
        // A scheme with nothing configured is still skipped.
        let c = config(Config::builder().api_key("k"));
        assert!(block_on(choose(&ids(&c), "Op", &[AuthOption::Bearer], true)).expect("optional").is_none());
        let got = block_on(choose(&ids(&c), "Op", &[AuthOption::Bearer, KEY], true)).expect("the key");
        assert!(matches!(got, Some(Identity::ApiKey { .. })), "{got:?}");
    }

    #[test]
    fn bearer_and_basic_replace_an_authorization_header_already_there() {
        for identity in [Identity::Bearer(Token::new("t0k")), Identity::Basic(Login::new("Aladdin", "open sesame"))] {
            let (mut url, mut headers) = ("https://h/p".to_string(), vec![("Authorization".to_string(), "from a member".to_string()), ("x-other".to_string(), "1".to_string())]);
            apply(&identity, &mut url, &mut headers);
            let auth: Vec<&(String, String)> = headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("authorization")).collect();
            assert_eq!(auth.len(), 1, "{headers:?}");
            assert!(auth[0].1.starts_with("Bearer ") || auth[0].1.starts_with("Basic "), "{headers:?}");
            assert!(headers.iter().any(|(k, _)| k == "x-other"));
        }
        let key = Identity::ApiKey { key: ApiKey::new("k"), name: "X-Api-Key", location: ApiKeyLocation::Header, scheme: None };
        let (mut url, mut headers) = ("https://h/p".to_string(), vec![("X-API-KEY".to_string(), "old".to_string())]);
        apply(&key, &mut url, &mut headers);
        assert_eq!(headers, [("x-api-key".to_string(), "k".to_string())]);
    }

    #[test]
    fn secrets_to_plain_http_hosts_are_warned_of_once_per_configuration() {
        let c = config(Config::builder().bearer_token("t"));
        let uri = |u: &str| u.parse::<http::Uri>().expect("a URI");
        for local in ["http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]:8080/x", "https://todo.example.com/x"] {
            assert!(!c.http_identities.warn_if_plain_http(&uri(local), "smithy.api#httpBearerAuth"), "{local}");
        }
        assert!(c.http_identities.warn_if_plain_http(&uri("http://todo.example.com/x"), "smithy.api#httpBearerAuth"));
        // Once: not again, nor for a clone of the configuration.
        assert!(!c.http_identities.warn_if_plain_http(&uri("http://10.0.0.1/x"), "smithy.api#httpBearerAuth"));
        assert!(!c.clone().http_identities.warn_if_plain_http(&uri("http://todo.example.com/x"), "smithy.api#httpApiKeyAuth"));
        let other = config(Config::builder().api_key("k"));
        assert!(other.http_identities.warn_if_plain_http(&uri("http://todo.example.com/x"), "smithy.api#httpApiKeyAuth"));
    }

    #[test]
    fn an_anonymous_configuration_uses_no_identity() {
        let c = config(Config::builder().anonymous().bearer_token("t").credentials(crate::credentials::Credentials::new("AKID", "s", None)));
        assert!(block_on(choose(&ids(&c), "Op", &[AuthOption::Bearer, AuthOption::SigV4], false)).expect("unsigned").is_none());
        assert!(block_on(choose(&ids(&c), "Op", &[AuthOption::SigV4], false)).expect("unsigned").is_none());
    }

    #[test]
    fn api_keys_go_where_the_model_says() {
        let key = |location, scheme| Identity::ApiKey { key: ApiKey::new("k&1"), name: "X-Api-Key", location, scheme };
        let (mut url, mut headers) = ("https://h/p".to_string(), Vec::new());
        let secret = apply(&key(ApiKeyLocation::Header, Some("ApiKey")), &mut url, &mut headers);
        assert_eq!(headers, [("x-api-key".to_string(), "ApiKey k&1".to_string())]);
        assert_eq!(secret, Some(crate::transport::AuthSecret::Header("x-api-key".into())));
        let (mut url, mut headers) = ("https://h/p?a=b".to_string(), Vec::new());
        apply(&key(ApiKeyLocation::Query, None), &mut url, &mut headers);
        assert_eq!(url, "https://h/p?a=b&X-Api-Key=k%261");
        assert!(headers.is_empty());
        let (mut url, mut headers) = ("https://h/p".to_string(), Vec::new());
        apply(&Identity::Bearer(Token::new("t0k")), &mut url, &mut headers);
        assert_eq!(headers, [("authorization".to_string(), "Bearer t0k".to_string())]);
    }
}
