//! Client configuration: region, endpoint, credentials, transport, retries,
//! timeouts and validation. Built with [`Config::builder`] or
//! [`Config::from_env`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::profile_file::{ProfileFiles, ProfileSet, Section};
use super::transport::{Sleep, Transport};

pub use super::credentials::Credentials;
use super::credentials::{CredentialsCache, CredentialsError, ProvideCredentials, StaticProvider};

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
impl From<super::default_transport::TlsSetupError> for ConfigError {
    fn from(e: super::default_transport::TlsSetupError) -> Self {
        ConfigError(e.0)
    }
}

/// A checked client configuration, shared by every service client.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) region: String,
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) credentials: Arc<CredentialsCache>,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) retry: RetryConfig,
    pub(crate) validate_input: bool,
    pub(crate) max_response_body: usize,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) disable_request_compression: bool,
    pub(crate) request_min_compression_size_bytes: usize,
    pub(crate) idempotency_token: Option<TokenFn>,
    pub(crate) client_context_params: std::collections::BTreeMap<String, ContextParam>,
    pub(crate) request_checksum_calculation: RequestChecksumCalculation,
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
fn check_region(region: &str) -> Result<(), ConfigError> {
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
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Region from `AWS_REGION` (or `AWS_DEFAULT_REGION`), credentials from
    /// the standard environment variables, and the default transport.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::builder().build()
    }

    pub fn region(&self) -> &str {
        &self.region
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

    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// The configured endpoint override, if any.
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

    /// When requests of operations with `@httpChecksum` carry a checksum.
    pub fn request_checksum_calculation(&self) -> RequestChecksumCalculation {
        self.request_checksum_calculation
    }

    /// A client context parameter set with [`ConfigBuilder::client_context_param`].
    pub fn client_context_param(&self, name: &str) -> Option<&ContextParam> {
        self.client_context_params.get(name)
    }
}

/// Builds a [`Config`]. Anything not set comes from the environment
/// (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...) or has a documented default.
#[derive(Debug, Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    transport: Option<Arc<dyn Transport>>,
    sleep: Option<Arc<dyn Sleep>>,
    retry: Option<RetryConfig>,
    validate_input: Option<bool>,
    connect_timeout: Option<std::time::Duration>,
    read_timeout: Option<std::time::Duration>,
    max_response_body: Option<usize>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    disable_request_compression: Option<bool>,
    request_min_compression_size_bytes: Option<usize>,
    idempotency_token: Option<TokenFn>,
    client_context_params: std::collections::BTreeMap<String, ContextParam>,
    request_checksum_calculation: Option<RequestChecksumCalculation>,
    profile_name: Option<String>,
    profile_files: Option<ProfileFiles>,
}

/// The shared config and credentials files, read only when a setting has
/// to come from them.
struct ProfileSource {
    files: Option<ProfileFiles>,
    name: String,
    /// Named by the builder or `AWS_PROFILE`: it must exist.
    explicit: bool,
    loaded: Option<ProfileSet>,
}

impl ProfileSource {
    fn new(name: Option<String>, files: Option<ProfileFiles>) -> ProfileSource {
        let env = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
        let explicit = name.is_some() || env.is_some();
        let name = name.or(env).unwrap_or_else(|| "default".to_string());
        ProfileSource { files: files.or_else(ProfileFiles::from_env), name, explicit, loaded: None }
    }

    fn where_(&self) -> String {
        match &self.files {
            Some(f) => format!("{} or {}", f.config.display(), f.credentials.display()),
            None => "the shared config files (no home directory to find them in)".to_string(),
        }
    }

    /// The selected profile, if the files have it.
    fn profile(&mut self) -> Result<Option<&Section>, ConfigError> {
        if self.loaded.is_none() {
            let set = match &self.files {
                Some(f) => ProfileSet::load(f).map_err(|e| ConfigError(format!("the shared config files: {e}")))?,
                None => ProfileSet::default(),
            };
            if self.explicit && !set.profiles.contains_key(&self.name) {
                return Err(ConfigError(format!("the profile `{}` is in neither {}", self.name, self.where_())));
            }
            self.loaded = Some(set);
        }
        Ok(self.loaded.as_ref().and_then(|s| s.profiles.get(&self.name)))
    }

    /// Where the selected profile's credentials come from: an assumed role
    /// first (an error for now: not implemented), then its static keys, then
    /// its `credential_process`; an error for a profile whose credentials
    /// come from somewhere this client cannot go yet.
    fn credentials(&mut self) -> Result<Option<Arc<dyn ProvideCredentials>>, ConfigError> {
        let name = self.name.clone();
        let Some(p) = self.profile()? else { return Ok(None) };
        let unsupported = |key: &str, what: &str| {
            ConfigError(format!(
                "the profile `{name}` gets its credentials from {what} (`{key}`), which this client cannot use yet; set static keys on the builder, in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or in the profile"
            ))
        };
        if p.get("role_arn").is_some() {
            return Err(unsupported("role_arn", "an assumed role"));
        }
        match (p.get("aws_access_key_id"), p.get("aws_secret_access_key")) {
            (Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => {
                let token = p.get("aws_session_token").filter(|t| !t.is_empty()).map(str::to_string);
                return Ok(Some(Arc::new(StaticProvider(Credentials::new(key, secret, token)))));
            }
            (Some(_), _) => {
                return Err(ConfigError(format!("the profile `{name}` has aws_access_key_id but no aws_secret_access_key")));
            }
            _ => {}
        }
        if let Some(command) = p.get("credential_process").filter(|c| !c.trim().is_empty()) {
            return Ok(Some(Arc::new(super::credential_process::ProcessProvider::new(command, format!("profile {name}")))));
        }
        const UNSUPPORTED: &[(&str, &str)] = &[
            ("sso_session", "IAM Identity Center (SSO)"),
            ("sso_start_url", "IAM Identity Center (SSO)"),
            ("web_identity_token_file", "a web identity token"),
        ];
        if let Some((key, what)) = UNSUPPORTED.iter().find(|(k, _)| p.get(k).is_some()) {
            return Err(unsupported(key, what));
        }
        Ok(None)
    }
}

/// The minimum body size to gzip: the builder's, else the environment's, else
/// 10240; more than 10 MiB is an error naming where it came from.
fn min_compression_size(set: Option<usize>) -> Result<usize, ConfigError> {
    const NAME: &str = "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES";
    let (value, from) = match set {
        Some(v) => (v, "request_min_compression_size_bytes".to_string()),
        None => match std::env::var(NAME) {
            Ok(v) if !v.trim().is_empty() => {
                let n = v.trim().parse::<usize>().map_err(|_| ConfigError(format!("{NAME}={v:?}: expected a number of bytes from 0 to {MAX_MIN_COMPRESSION_SIZE}")))?;
                (n, NAME.to_string())
            }
            _ => return Ok(10_240),
        },
    };
    if value > MAX_MIN_COMPRESSION_SIZE {
        return Err(ConfigError(format!("{from} is {value}; it must be from 0 to {MAX_MIN_COMPRESSION_SIZE}")));
    }
    Ok(value)
}

/// A boolean environment variable: `true` or `false` (any case), else unset.
fn env_bool(name: &str) -> Result<Option<bool>, ConfigError> {
    match std::env::var(name) {
        Ok(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Ok(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Err(ConfigError(format!("{name}={v:?}: expected true or false"))),
        Err(_) => Ok(None),
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

/// The most `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES` may be (10 MiB), as the
/// AWS SDKs and tools reference guide defines it.
const MAX_MIN_COMPRESSION_SIZE: usize = 10_485_760;

impl ConfigBuilder {
    /// The profile of the shared config and credentials files that region and
    /// credentials come from when neither the builder nor the environment
    /// gives them (default: `AWS_PROFILE`, else `default`).
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// Where the shared config and credentials files are (default:
    /// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else
    /// `~/.aws/config` and `~/.aws/credentials`).
    pub fn profile_files(mut self, files: ProfileFiles) -> Self {
        self.profile_files = Some(files);
        self
    }

    /// When requests of operations with `@httpChecksum` carry a checksum
    /// (default: `AWS_REQUEST_CHECKSUM_CALCULATION`, else `WhenSupported`).
    pub fn request_checksum_calculation(mut self, when: RequestChecksumCalculation) -> Self {
        self.request_checksum_calculation = Some(when);
        self
    }

    /// Set a parameter of the endpoint rules that a service declares as a
    /// client context parameter (its client's documentation lists them), by
    /// name: for S3, `ForcePathStyle`, `Accelerate`, `UseArnRegion`,
    /// `DisableMultiRegionAccessPoints`, `DisableS3ExpressSessionAuth`; for
    /// S3 Control, `UseArnRegion`. A service whose rules have no such
    /// parameter ignores it.
    ///
    /// ```
    /// # use smithy_gen_runtime::{Config, Credentials};
    /// let config = Config::builder()
    ///     .region("us-east-1")
    ///     .credentials(Credentials::new("AKID", "secret", None))
    ///     .client_context_param("ForcePathStyle", true)
    ///     .build()
    ///     .unwrap();
    /// # let _ = config;
    /// ```
    pub fn client_context_param(mut self, name: impl Into<String>, value: impl Into<ContextParam>) -> Self {
        self.client_context_params.insert(name.into(), value.into());
        self
    }

    /// Never gzip request bodies, even of operations with
    /// `@requestCompression` (default: `AWS_DISABLE_REQUEST_COMPRESSION`,
    /// else `false`).
    pub fn disable_request_compression(mut self, on: bool) -> Self {
        self.disable_request_compression = Some(on);
        self
    }

    /// The smallest body, in bytes, that `@requestCompression` gzips
    /// (0 to 10485760; default: `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`, else
    /// 10240).
    pub fn request_min_compression_size_bytes(mut self, bytes: usize) -> Self {
        self.request_min_compression_size_bytes = Some(bytes);
        self
    }

    /// Where `@idempotencyToken` members left unset get their value
    /// (default: a random UUID v4 per call). A fixed token makes requests
    /// reproducible in tests.
    pub fn idempotency_token_provider(mut self, provider: Arc<dyn Fn() -> String + Send + Sync>) -> Self {
        self.idempotency_token = Some(TokenFn(provider));
        self
    }

    /// Use the service's FIPS endpoint (default: `AWS_USE_FIPS_ENDPOINT`, else
    /// `false`). Resolution fails where the partition has none.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.use_fips = Some(on);
        self
    }

    /// Use the service's dual-stack endpoint (default:
    /// `AWS_USE_DUALSTACK_ENDPOINT`, else `false`).
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.use_dual_stack = Some(on);
        self
    }

    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Send every request to this URL instead of the service's AWS endpoint
    /// (the rule sets' `Endpoint` parameter).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(StaticProvider(credentials)));
        self
    }

    /// Where credentials come from, when they are not fixed: any
    /// [`ProvideCredentials`]. The configuration caches what it provides
    /// (see [`CredentialsCache`]).
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// Use your own HTTP stack. Set a [`Sleep`] too unless the default
    /// transport's (tokio) is available.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Attempts in all, including the first (default 3; 1 disables retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        let mut retry = self.retry.take().unwrap_or_default();
        retry.max_attempts = attempts;
        self.retry = Some(retry);
        self
    }

    /// Check inputs against the model's constraints before sending (default
    /// `true`). Smithy advises that clients may relax this: a model older
    /// than the service can reject values the service now accepts (a new
    /// enum value, a longer name). Turn it off to let the service decide.
    pub fn validate_input(mut self, on: bool) -> Self {
        self.validate_input = Some(on);
        self
    }

    /// How long to wait for a connection (default transport; default 10 s).
    pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take in all: connecting, sending, and
    /// receiving the whole response (default transport; default 60 s).
    pub fn read_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The largest response body accepted, in bytes (default 16 MiB).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// The configuration. Region: the builder's, else `AWS_REGION`, else
    /// `AWS_DEFAULT_REGION`, else the profile's `region`. Credentials: the
    /// builder's, else `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
    /// `AWS_SESSION_TOKEN`, else the profile's static keys. The profile is
    /// [`profile_name`](Self::profile_name) of the shared files, read only
    /// when one of them is needed; a malformed file is an error naming the
    /// file and line.
    pub fn build(self) -> Result<Config, ConfigError> {
        let mut profiles = ProfileSource::new(self.profile_name.clone(), self.profile_files.clone());
        let region = match self.region {
            Some(r) => r,
            None => match std::env::var("AWS_REGION")
                .ok()
                .filter(|v| !v.is_empty())
                .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok().filter(|v| !v.is_empty()))
            {
                Some(r) => r,
                None => profiles.profile()?.and_then(|p| p.get("region")).filter(|r| !r.is_empty()).map(str::to_string).ok_or_else(|| {
                    ConfigError(format!(
                        "no region: set one on the builder, in AWS_REGION, or in the profile `{}` ({})",
                        profiles.name,
                        profiles.where_()
                    ))
                })?,
            },
        };
        check_region(&region)?;
        let endpoint = self.endpoint.as_deref().map(Endpoint::parse).transpose()?;
        let retry = self.retry.unwrap_or_default();
        if retry.max_attempts == 0 {
            return Err(ConfigError("max_attempts must be at least 1".into()));
        }
        let connect_timeout = self.connect_timeout.unwrap_or(Duration::from_secs(10));
        let read_timeout = self.read_timeout.unwrap_or(Duration::from_secs(60));
        let (transport, sleep) = defaults(self.transport, self.sleep, connect_timeout, read_timeout)?;
        // The chain, as the AWS SDKs order it: code, the environment, the
        // profile, a container endpoint, the instance's role.
        let credentials: Arc<dyn ProvideCredentials> = match self.credentials {
            Some(p) => p,
            None => match Credentials::from_env() {
                Some(c) => Arc::new(StaticProvider(c)),
                None => match profiles.credentials()? {
                    Some(p) => p,
                    None => match super::container_credentials::ContainerProvider::from_env(transport.clone(), sleep.clone()) {
                        Some(container) => Arc::new(container.map_err(|e| ConfigError(e.to_string()))?),
                        None => match super::imds_credentials::ImdsProvider::from_env(transport.clone(), sleep.clone()) {
                            Some(imds) => Arc::new(imds),
                            None => {
                                return Err(ConfigError(format!(
                                    "no credentials: set them on the builder, in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, in the profile `{}` ({}), or in a container's AWS_CONTAINER_CREDENTIALS_* variables (instance metadata is off: AWS_EC2_METADATA_DISABLED)",
                                    profiles.name,
                                    profiles.where_()
                                )))
                            }
                        },
                    },
                },
            },
        };
        Ok(Config {
            region,
            endpoint,
            credentials: Arc::new(CredentialsCache::new(credentials)),
            transport,
            sleep,
            retry,
            validate_input: self.validate_input.unwrap_or(true),
            max_response_body: self.max_response_body.unwrap_or(16 << 20),
            use_fips: match self.use_fips {
                Some(v) => v,
                None => env_bool("AWS_USE_FIPS_ENDPOINT")?.unwrap_or(false),
            },
            use_dual_stack: match self.use_dual_stack {
                Some(v) => v,
                None => env_bool("AWS_USE_DUALSTACK_ENDPOINT")?.unwrap_or(false),
            },
            disable_request_compression: match self.disable_request_compression {
                Some(v) => v,
                None => env_bool("AWS_DISABLE_REQUEST_COMPRESSION")?.unwrap_or(false),
            },
            request_min_compression_size_bytes: min_compression_size(self.request_min_compression_size_bytes)?,
            idempotency_token: self.idempotency_token,
            client_context_params: self.client_context_params,
            request_checksum_calculation: match self.request_checksum_calculation {
                Some(v) => v,
                None => match std::env::var("AWS_REQUEST_CHECKSUM_CALCULATION") {
                    Ok(v) if v.eq_ignore_ascii_case("when_supported") => RequestChecksumCalculation::WhenSupported,
                    Ok(v) if v.eq_ignore_ascii_case("when_required") => RequestChecksumCalculation::WhenRequired,
                    Ok(v) if v.is_empty() => RequestChecksumCalculation::WhenSupported,
                    Ok(v) => {
                        return Err(ConfigError(format!(
                            "AWS_REQUEST_CHECKSUM_CALCULATION={v:?}: expected when_supported or when_required"
                        )))
                    }
                    Err(_) => RequestChecksumCalculation::WhenSupported,
                },
            },
        })
    }
}

type Pair = (Arc<dyn Transport>, Arc<dyn Sleep>);

#[cfg(feature = "default-transport")]
fn defaults(
    transport: Option<Arc<dyn Transport>>,
    sleep: Option<Arc<dyn Sleep>>,
    connect: Duration,
    read: Duration,
) -> Result<Pair, ConfigError> {
    use super::default_transport::{DefaultTransport, TokioSleep};
    let transport = match transport {
        Some(t) => t,
        None => Arc::new(DefaultTransport::new(connect, read)?),
    };
    Ok((transport, sleep.unwrap_or_else(|| Arc::new(TokioSleep))))
}

#[cfg(not(feature = "default-transport"))]
fn defaults(
    transport: Option<Arc<dyn Transport>>,
    sleep: Option<Arc<dyn Sleep>>,
    _connect: Duration,
    _read: Duration,
) -> Result<Pair, ConfigError> {
    match (transport, sleep) {
        (Some(t), Some(s)) => Ok((t, s)),
        _ => Err(ConfigError(
            "no transport: enable the `default-transport` feature or set both a transport and a sleep".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::min_compression_size;

    #[test]
    fn request_compression_threshold_is_checked() {
        assert_eq!(min_compression_size(Some(0)), Ok(0));
        assert_eq!(min_compression_size(Some(10_485_760)), Ok(10_485_760));
        let e = min_compression_size(Some(10_485_761)).expect_err("over 10 MiB");
        assert!(e.0.contains("request_min_compression_size_bytes is 10485761"), "{e:?}");
    }
}
