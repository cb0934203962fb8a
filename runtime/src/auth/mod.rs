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
        let why = match option {
            AuthOption::SigV4 => match identities.credentials.credentials().await {
                Ok(c) => return Ok(Some(Identity::SigV4(c))),
                Err(e) => e.to_string(),
            },
            AuthOption::Bearer => match &identities.http.token {
                Some(cache) => match cache.token().await {
                    Ok(t) => return Ok(Some(Identity::Bearer(t))),
                    Err(e) => e.to_string(),
                },
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
        Identity::Bearer(t) => {
            headers.push(("authorization".into(), format!("Bearer {}", t.token())));
            None
        }
        Identity::Basic(l) => {
            headers.push(("authorization".into(), l.header_value()));
            None
        }
        Identity::ApiKey { key, name, location: ApiKeyLocation::Header, scheme } => {
            let value = match scheme {
                Some(s) => format!("{s} {}", key.key()),
                None => key.key().to_string(),
            };
            let lower = name.to_ascii_lowercase();
            headers.retain(|(k, _)| k != &lower);
            headers.push((lower.clone(), value));
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
        assert!(build(Config::builder().basic_auth("ann", "pass: word")).is_ok());
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
