//! Client configuration: region, endpoint, credentials, transport, retries,
//! timeouts and validation, as a built [`Config`] holds them. Built with
//! [`Config::builder`] or [`Config::from_env`] (see the `config::builder`
//! module, where each setting's sources and order are).

pub mod builder;
pub mod overrides;
pub mod profile_file;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::transport::{Sleep, Transport};

pub use crate::credentials::Credentials;
use crate::credentials::{CredentialsCache, CredentialsError};

/// How often and how patiently to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in all, including the first (1 disables retries).
    pub max_attempts: u32,
    /// The backoff before the first retry; it doubles with each retry and is
    /// jittered (a uniformly random delay between zero and the backoff).
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig { max_attempts: 3, initial_backoff: Duration::from_millis(500), max_backoff: Duration::from_secs(20) }
    }
}

/// How retries are paced (`AWS_RETRY_MODE`, the profile's `retry_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// Exponential backoff with jitter, throttling and transient errors
    /// retried (`standard`; `legacy` reads as this too).
    #[default]
    Standard,
    /// `standard`, and a client-side rate limiter that slows every request of
    /// the configuration down after throttling errors (`adaptive`).
    Adaptive,
}

/// Why a configuration cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid client configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(feature = "default-transport")]
impl From<crate::transport::default::TlsSetupError> for ConfigError {
    fn from(e: crate::transport::default::TlsSetupError) -> Self {
        ConfigError(e.0)
    }
}

/// A checked client configuration, shared by every service client.
#[derive(Debug, Clone)]
pub struct Config {
    /// Empty when none was found and an endpoint was set instead (a
    /// service that is not AWS's needs none): `no_region` then says why,
    /// for the calls that need one (SigV4, AWS endpoints).
    pub(crate) region: String,
    pub(crate) no_region: Option<String>,
    /// Sign nothing, with any scheme (see the `auth` module).
    pub(crate) anonymous: bool,
    /// Bearer token, API key, user name and password, when set.
    pub(crate) http_identities: crate::auth::HttpIdentities,
    /// Settings given to `with_*` methods that are not valid (by setting):
    /// every call fails with the first, unsent (see the `overrides` module).
    pub(crate) problems: Vec<(&'static str, String)>,
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) credentials: Arc<CredentialsCache>,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) retry: RetryConfig,
    pub(crate) retry_mode: RetryMode,
    /// The whole call, every attempt and backoff included.
    pub(crate) operation_timeout: Option<Duration>,
    /// Each attempt: sending the request and reading the whole response.
    pub(crate) attempt_timeout: Option<Duration>,
    /// Request hooks, in the order they run.
    pub(crate) hooks: Vec<Arc<dyn crate::hooks::RequestHook>>,
    /// `RetryMode::Adaptive`'s limiter, shared by the clients of this
    /// configuration (and of its clones).
    pub(crate) rate_limiter: Option<Arc<crate::retry::adaptive::ClientRateLimiter>>,
    /// The retry quota, shared by the clients of this configuration (and
    /// of its clones).
    pub(crate) retry_quota: Arc<crate::retry::quota::RetryQuota>,
    /// The offset of the services' clock, shared likewise.
    pub(crate) clock_skew: Arc<crate::signing::clock_skew::ClockSkew>,
    pub(crate) validate_input: bool,
    pub(crate) max_response_body: usize,
    /// Which streamed bodies end when they stall (see the `streams::stalled` module).
    pub(crate) stalled_streams: crate::streams::stalled::StalledStreams,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) disable_request_compression: bool,
    pub(crate) request_min_compression_size_bytes: usize,
    pub(crate) disable_host_prefix_injection: bool,
    pub(crate) idempotency_token: Option<TokenFn>,
    pub(crate) client_context_params: std::collections::BTreeMap<String, ContextParam>,
    pub(crate) request_checksum_calculation: RequestChecksumCalculation,
    pub(crate) configured_endpoints: ConfiguredEndpoints,
    pub(crate) endpoint_discovery: EndpointDiscovery,
}

/// Endpoints configured outside code, per service: `AWS_ENDPOINT_URL_<SERVICE>`,
/// then `AWS_ENDPOINT_URL`, then the profile's `services` section, then its
/// `endpoint_url` (none of them with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`
/// or the profile's `ignore_configured_endpoint_urls`, nor for a service
/// that is not AWS's: one without an `sdkId`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ConfiguredEndpoints {
    /// By the service's environment name (`STS`, `COGNITO_IDENTITY`).
    pub(crate) env_by_service: std::collections::BTreeMap<String, Endpoint>,
    pub(crate) env_global: Option<Endpoint>,
    /// By the service's config-file name (`sts`, `cognito_identity`).
    pub(crate) profile_by_service: std::collections::BTreeMap<String, Endpoint>,
    pub(crate) profile_global: Option<Endpoint>,
}

impl ConfiguredEndpoints {
    fn for_service(&self, sdk_id: &str) -> Option<&Endpoint> {
        // A service that is not AWS's (no `sdkId`): the AWS endpoint
        // settings are for AWS services, and would send its token there.
        if sdk_id.is_empty() {
            return None;
        }
        let key: String = sdk_id.chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect();
        let by_env = self.env_by_service.get(&key.to_ascii_uppercase());
        let by_profile = self.profile_by_service.get(&key.to_ascii_lowercase());
        by_env.or(self.env_global.as_ref()).or(by_profile).or(self.profile_global.as_ref())
    }
}

/// Whether operations with `@aws.api#clientDiscoveredEndpoint` go to an
/// endpoint the service's discovery operation names (see the
/// `endpoint_discovery` module; `AWS_ENDPOINT_DISCOVERY_ENABLED`, the
/// profile's `endpoint_discovery_enabled`: `true`, `false` or `auto`). An
/// endpoint configured for the service turns discovery off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointDiscovery {
    /// Only for the operations that require it (the AWS SDKs' default).
    #[default]
    Auto,
    /// For every operation that can use it, optional ones too.
    Enabled,
    /// Never: operations that require it fail without a request.
    Disabled,
}

/// When requests of operations with `@httpChecksum` carry a checksum
/// (`AWS_REQUEST_CHECKSUM_CALCULATION`: `when_supported` or `when_required`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestChecksumCalculation {
    /// Every such operation (CRC32 unless the input names another
    /// algorithm): the AWS SDKs' default.
    #[default]
    WhenSupported,
    /// Only where the operation requires one, or the input names an algorithm.
    WhenRequired,
}

/// The value of a client context parameter of a service's endpoint rules
/// (`smithy.rules#clientContextParams`, such as S3's `ForcePathStyle`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextParam {
    Bool(bool),
    String(String),
}

impl From<bool> for ContextParam {
    fn from(v: bool) -> Self {
        ContextParam::Bool(v)
    }
}

impl From<&str> for ContextParam {
    fn from(v: &str) -> Self {
        ContextParam::String(v.to_string())
    }
}

impl From<String> for ContextParam {
    fn from(v: String) -> Self {
        ContextParam::String(v)
    }
}

/// A checked endpoint: scheme and authority, and a base path without a
/// trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub(crate) origin: String,
    pub(crate) base_path: String,
}

impl Endpoint {
    /// Check an endpoint URL: `http` or `https`, a host, no query or fragment.
    pub fn parse(url: &str) -> Result<Endpoint, ConfigError> {
        let bad = |why: &str| ConfigError(format!("endpoint {url:?}: {why}"));
        let uri: http::Uri = url.parse().map_err(|e| bad(&format!("not a URL ({e})")))?;
        let scheme = uri.scheme_str().ok_or_else(|| bad("no scheme; use http:// or https://"))?;
        if scheme != "http" && scheme != "https" {
            return Err(bad("the scheme must be http or https"));
        }
        let authority = uri.authority().ok_or_else(|| bad("no host"))?;
        if authority.as_str().contains('@') {
            return Err(bad("user information is not allowed in an endpoint"));
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(bad("an endpoint cannot have a query or fragment"));
        }
        let base_path = uri.path().trim_end_matches('/').to_string();
        Ok(Endpoint { origin: format!("{scheme}://{authority}"), base_path })
    }

    /// `https://<prefix>.<region>.amazonaws.com`, the default for a service.
    pub(crate) fn aws(prefix: &str, region: &str) -> Endpoint {
        Endpoint { origin: format!("https://{prefix}.{region}.amazonaws.com"), base_path: String::new() }
    }

    pub fn url(&self) -> String {
        format!("{}{}", self.origin, self.base_path)
    }
}

/// Regions are host labels: letters, digits and `-`, so a region can never
/// change the endpoint's host or inject anything.
pub(crate) fn check_region(region: &str) -> Result<(), ConfigError> {
    let ok = !region.is_empty()
        && region.len() <= 63
        && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError(format!("region {region:?} is not a valid region name (letters, digits and '-')")))
    }
}

impl Config {
    /// The region (empty when none was configured: allowed with an
    /// endpoint URL set on the builder, for services that are not AWS's).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The region, or why there is none (for SigV4 and AWS endpoints).
    pub(crate) fn required_region(&self) -> Result<&str, String> {
        match &self.no_region {
            Some(why) if self.region.is_empty() => Err(why.clone()),
            _ => Ok(&self.region),
        }
    }

    /// Whether calls go unsigned whatever their auth schemes
    /// ([`ConfigBuilder::anonymous`](crate::config::builder::ConfigBuilder::anonymous)).
    pub fn is_anonymous(&self) -> bool {
        self.anonymous
    }

    /// The cache in front of the bearer token provider, if one is set.
    pub fn token_cache(&self) -> Option<&crate::auth::identity::TokenCache> {
        self.http_identities.token.as_deref()
    }

    /// The credentials to sign with now, from the configured provider
    /// through the cache (see [`CredentialsCache`]).
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.credentials.credentials().await
    }

    /// The cache in front of the credentials provider.
    pub fn credentials_cache(&self) -> &CredentialsCache {
        &self.credentials
    }

    pub fn validate_input(&self) -> bool {
        self.validate_input
    }

    /// The largest response body accepted, in bytes.
    pub fn max_response_body(&self) -> usize {
        self.max_response_body
    }

    /// The limit on a whole call, all attempts and backoffs included.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }

    /// The limit on each attempt (sending and the whole response).
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The same configuration with another limit on whole calls (`None`:
    /// none). With a generated client's `with_config`, for one call:
    /// `client.with_config(|c| c.with_operation_timeout(Some(Duration::from_secs(5)))).operation(input)`.
    pub fn with_operation_timeout(mut self, timeout: Option<Duration>) -> Config {
        self.operation_timeout = timeout;
        self
    }

    /// The same configuration with another limit on each attempt.
    pub fn with_attempt_timeout(mut self, timeout: Option<Duration>) -> Config {
        self.attempt_timeout = timeout;
        self
    }

    /// The same configuration with another limit on response bodies read
    /// whole.
    pub fn with_max_response_body(mut self, bytes: usize) -> Config {
        self.max_response_body = bytes;
        self
    }

    /// The stalled-stream rules (see the `streams::stalled` module).
    pub fn stalled_streams(&self) -> &crate::streams::stalled::StalledStreams {
        &self.stalled_streams
    }

    /// The same configuration with other stalled-stream rules (for one
    /// call: `client.with_config(|c| c.with_stalled_streams(StalledStreams::disabled()))`).
    /// Rules that fail [`StalledStreams::check`](crate::streams::stalled::StalledStreams::check)
    /// (a zero grace period) are not taken: the configuration keeps its own,
    /// with a warning.
    pub fn with_stalled_streams(mut self, rules: crate::streams::stalled::StalledStreams) -> Config {
        match rules.check() {
            Ok(()) => self.stalled_streams = rules,
            Err(e) => tracing::warn!(error = %e, "stalled-stream rules not taken"),
        }
        self
    }

    /// The same configuration with another number of attempts (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Config {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// The retry quota its clients share (see the `retry::quota` module).
    pub fn retry_quota(&self) -> &crate::retry::quota::RetryQuota {
        &self.retry_quota
    }

    /// The clock-skew correction its clients share (see the `signing::clock_skew` module).
    pub fn clock_skew(&self) -> &crate::signing::clock_skew::ClockSkew {
        &self.clock_skew
    }

    pub fn retry_mode(&self) -> RetryMode {
        self.retry_mode
    }

    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// The configured endpoint override, if any.
    /// The endpoint requests to the service with this `sdkId` go to, when
    /// one is configured: the builder's, else the environment's or the
    /// profile's (see [`ConfigBuilder::build`](crate::config::builder::ConfigBuilder::build)).
    pub fn endpoint_for(&self, sdk_id: &str) -> Option<&Endpoint> {
        self.endpoint.as_ref().or_else(|| self.configured_endpoints.for_service(sdk_id))
    }

    pub fn endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }

    /// Whether to use FIPS endpoints (the rule sets' `UseFIPS`).
    pub fn use_fips(&self) -> bool {
        self.use_fips
    }

    /// Whether to use dual-stack (IPv4 and IPv6) endpoints (`UseDualStack`).
    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    /// Whether operations' host prefixes are left off the endpoint.
    pub fn disable_host_prefix_injection(&self) -> bool {
        self.disable_host_prefix_injection
    }

    /// Whether operations with discovered endpoints use them (see [`EndpointDiscovery`]).
    pub fn endpoint_discovery(&self) -> EndpointDiscovery {
        self.endpoint_discovery
    }

    /// The same configuration with another endpoint discovery setting
    /// (clients made from it afterwards use it).
    pub fn with_endpoint_discovery(mut self, setting: EndpointDiscovery) -> Config {
        self.endpoint_discovery = setting;
        self
    }

    /// When requests of operations with `@httpChecksum` carry a checksum.
    pub fn request_checksum_calculation(&self) -> RequestChecksumCalculation {
        self.request_checksum_calculation
    }

    /// A client context parameter set with [`ConfigBuilder::client_context_param`](crate::config::builder::ConfigBuilder::client_context_param).
    pub fn client_context_param(&self, name: &str) -> Option<&ContextParam> {
        self.client_context_params.get(name)
    }
}

/// A configured idempotency token provider.
#[derive(Clone)]
pub(crate) struct TokenFn(pub(crate) Arc<dyn Fn() -> String + Send + Sync>);

impl std::fmt::Debug for TokenFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<idempotency token provider>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_global_aws_endpoint_settings_are_not_for_services_that_are_not_aws() {
        let e = |u: &str| Endpoint::parse(u).expect("an endpoint");
        let mut c = ConfiguredEndpoints { env_global: Some(e("http://aws-env.example")), profile_global: Some(e("http://aws-profile.example")), ..Default::default() };
        c.env_by_service.insert("STS".into(), e("http://sts.example"));
        assert_eq!(c.for_service("STS"), Some(&e("http://sts.example")));
        assert_eq!(c.for_service("Queue"), Some(&e("http://aws-env.example")));
        assert_eq!(c.for_service(""), None);
        c.env_global = None;
        assert_eq!(c.for_service("Queue"), Some(&e("http://aws-profile.example")));
        assert_eq!(c.for_service(""), None);
    }
}
