//! Building a [`Config`]: each setting from the builder, else the
//! environment, else the selected profile of the shared files, else its
//! default; and the credential chain in botocore's order (see
//! [`ConfigBuilder::build`]).

use std::sync::Arc;
use std::time::Duration;

use crate::config::{check_region, Config, ConfigError, ConfiguredEndpoints, ContextParam, Endpoint, RequestChecksumCalculation, RetryConfig, RetryMode, TokenFn};
use crate::credentials::{Credentials, CredentialsCache, NoCredentials, ProvideCredentials, StaticProvider};
use crate::credentials::identity_services::IdentityServices;
use crate::config::profile_file::{ProfileFiles, ProfileSet, Section};
use crate::transport::{Sleep, Transport};

impl Config {
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Everything from the environment and the shared files: the same as
    /// `Config::builder().build()`.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::builder().build()
    }
}

/// Builds a [`Config`]. Anything not set comes from the environment
/// (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...) or has a documented default.
#[derive(Debug, Default, Clone)]
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
    stalled_streams: Option<crate::streams::stalled::StalledStreams>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    disable_request_compression: Option<bool>,
    disable_host_prefix_injection: Option<bool>,
    request_min_compression_size_bytes: Option<usize>,
    idempotency_token: Option<TokenFn>,
    client_context_params: std::collections::BTreeMap<String, ContextParam>,
    request_checksum_calculation: Option<RequestChecksumCalculation>,
    endpoint_discovery: Option<crate::config::EndpointDiscovery>,
    profile_name: Option<String>,
    profile_files: Option<ProfileFiles>,
    identity_services: Option<Arc<dyn IdentityServices>>,
    retry_mode: Option<RetryMode>,
    operation_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    hooks: Vec<Arc<dyn crate::hooks::RequestHook>>,
    anonymous: bool,
    token: Option<Arc<dyn crate::auth::identity::ProvideToken>>,
    api_key: Option<crate::auth::identity::ApiKey>,
    login: Option<crate::auth::identity::Login>,
    /// The token given to `bearer_token`, checked by `build`.
    static_token: Option<crate::auth::identity::Token>,
    /// The configuration is for a service that is not AWS's: nothing of
    /// AWS's is read (see `not_aws`).
    not_aws: bool,
}

/// The shared config and credentials files, read only when a setting has
/// to come from them.
struct ProfileSource {
    files: Option<ProfileFiles>,
    name: String,
    /// Named by the builder or `AWS_PROFILE`: it must exist.
    explicit: bool,
    loaded: Option<ProfileSet>,
    /// Neither the files nor the AWS environment are read (a service that
    /// is not AWS's): every setting is unset.
    off: bool,
}

impl ProfileSource {
    fn new(name: Option<String>, files: Option<ProfileFiles>) -> ProfileSource {
        let env = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
        let explicit = name.is_some() || env.is_some();
        let name = name.or(env).unwrap_or_else(|| "default".to_string());
        ProfileSource { files: files.or_else(ProfileFiles::from_env), name, explicit, loaded: None, off: false }
    }

    /// Reads nothing: for a service that is not AWS's.
    fn off() -> ProfileSource {
        ProfileSource { files: None, name: "default".to_string(), explicit: false, loaded: Some(ProfileSet::default()), off: true }
    }

    fn where_(&self) -> String {
        match &self.files {
            Some(f) => format!("{} or {}", f.config.display(), f.credentials.display()),
            None => "the shared config files (no home directory to find them in)".to_string(),
        }
    }

    /// The selected profile, if the files have it.
    fn profile(&mut self) -> Result<Option<&Section>, ConfigError> {
        if self.off {
            return Ok(None);
        }
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

    /// A setting of the selected profile (no profile, no setting).
    fn setting(&mut self, key: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.profile()?.and_then(|p| p.get(key)).filter(|v| !v.trim().is_empty()).map(|v| v.trim().to_string()))
    }

    /// The endpoints of the profile's `endpoint_url` and `services` section.
    fn endpoints(&mut self, into: &mut ConfiguredEndpoints) -> Result<(), ConfigError> {
        let name = self.name.clone();
        if let Some(url) = self.setting("endpoint_url")? {
            into.profile_global = Some(Endpoint::parse(&url).map_err(|e| ConfigError(format!("the profile `{name}`'s endpoint_url: {}", e.0)))?);
        }
        let Some(services) = self.setting("services")? else { return Ok(()) };
        let Some(set) = self.loaded.as_ref() else { return Ok(()) };
        let section = set.services.get(&services).ok_or_else(|| ConfigError(format!("the profile `{name}` names services `{services}`, which has no [services {services}] section")))?;
        for (service, value) in &section.properties {
            if let crate::config::profile_file::Value::Sub(subs) = value {
                if let Some(url) = subs.get("endpoint_url") {
                    let e = Endpoint::parse(url).map_err(|e| ConfigError(format!("[services {services}] {service}.endpoint_url: {}", e.0)))?;
                    into.profile_by_service.insert(service.clone(), e);
                }
            }
        }
        Ok(())
    }
}

/// `AWS_ENDPOINT_URL` and every `AWS_ENDPOINT_URL_<SERVICE>`.
fn env_endpoints(into: &mut ConfiguredEndpoints) -> Result<(), ConfigError> {
    for (name, value) in std::env::vars_os() {
        let (Some(name), Some(value)) = (name.to_str(), value.to_str()) else { continue };
        if value.is_empty() {
            continue;
        }
        let parse = || Endpoint::parse(value).map_err(|e| ConfigError(format!("{name}: {}", e.0)));
        if name == "AWS_ENDPOINT_URL" {
            into.env_global = Some(parse()?);
        } else if let Some(service) = name.strip_prefix("AWS_ENDPOINT_URL_") {
            into.env_by_service.insert(service.to_string(), parse()?);
        }
    }
    Ok(())
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

    /// Never put an operation's `@endpoint(hostPrefix)` before the
    /// endpoint's host (for a local emulator or proxy that serves every
    /// operation on one host; default: `AWS_DISABLE_HOST_PREFIX_INJECTION`,
    /// else the profile's `disable_host_prefix_injection`, else `false`).
    /// Hosts that cannot take a prefix (IP addresses, `localhost`) never get
    /// one.
    pub fn disable_host_prefix_injection(mut self, on: bool) -> Self {
        self.disable_host_prefix_injection = Some(on);
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

    /// Whether operations with `@aws.api#clientDiscoveredEndpoint` use the
    /// endpoints the service's discovery operation names (default:
    /// `AWS_ENDPOINT_DISCOVERY_ENABLED`, else the profile's
    /// `endpoint_discovery_enabled`, `true`, `false` or `auto`, else
    /// [`Auto`](crate::config::EndpointDiscovery::Auto): only where required).
    pub fn endpoint_discovery(mut self, setting: crate::config::EndpointDiscovery) -> Self {
        self.endpoint_discovery = Some(setting);
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

    /// The region requests go to and are signed for (default: `AWS_REGION`,
    /// else `AWS_DEFAULT_REGION`, else the profile's `region`).
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

    /// [`endpoint`](Self::endpoint), by the name aws-config gives it.
    pub fn endpoint_url(self, url: impl Into<String>) -> Self {
        self.endpoint(url)
    }

    /// Sign with these credentials, instead of looking for them along the
    /// default chain (the environment, the profile, a container, IMDS).
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

    /// Sign nothing: every call goes unsigned whatever auth schemes its
    /// operation names, and no credentials are looked for (a public S3
    /// bucket, a service open to all). The AWS CLI's `--no-sign-request`.
    ///
    /// ```
    /// # use smithy_gen_runtime::Config;
    /// let config = Config::builder().region("us-east-1").anonymous().build().unwrap();
    /// assert!(config.is_anonymous());
    /// ```
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// The configuration is for a service that is not AWS's (no
    /// `aws.api#service` in its model; such a client's `from_env` sets
    /// this): nothing of AWS's is read, so nothing of AWS's can make
    /// `build` fail. No `AWS_*` environment variable (region, endpoints,
    /// retries, FIPS, ...) and no shared config or credentials file (so
    /// neither a malformed `~/.aws/config` nor an `AWS_PROFILE` naming a
    /// missing profile matters); no default credential chain. Every
    /// setting comes from this builder or has its default; the region and
    /// AWS credentials too, for a service that signs with SigV4 anyway
    /// (without them its calls fail unsent, saying so). The default
    /// transport still honours the proxy variables and `AWS_CA_BUNDLE`.
    ///
    /// ```
    /// # use smithy_gen_runtime::Config;
    /// let config = Config::builder().not_aws().endpoint_url("https://todo.example.com").bearer_token("t0k3n").build().unwrap();
    /// assert_eq!(config.region(), "");
    /// ```
    pub fn not_aws(mut self) -> Self {
        self.not_aws = true;
        self
    }

    /// [`anonymous`](Self::anonymous), by another name.
    pub fn no_credentials(self) -> Self {
        self.anonymous()
    }

    /// The bearer token of operations with `smithy.api#httpBearerAuth`
    /// (sent as `Authorization: Bearer <token>`). For tokens that expire,
    /// use [`token_provider`](Self::token_provider).
    /// `build` refuses a token no header can carry (empty, or with a
    /// control character such as a trailing CR), without showing it.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        let token = crate::auth::identity::Token::new(token);
        let mut b = self.token_provider(Arc::new(crate::auth::identity::StaticToken(token.clone())));
        b.static_token = Some(token);
        b
    }

    /// Where bearer tokens come from: any [`ProvideToken`](crate::auth::identity::ProvideToken).
    /// The configuration keeps each token until shortly before its expiry
    /// (see [`TokenCache`](crate::auth::identity::TokenCache)).
    /// A token it gives that no header can carry fails the call, named
    /// but not shown; a provider that does not answer within
    /// [`TOKEN_FETCH_TIMEOUT`](crate::auth::identity::TOKEN_FETCH_TIMEOUT)
    /// fails it too.
    pub fn token_provider(mut self, provider: Arc<dyn crate::auth::identity::ProvideToken>) -> Self {
        self.static_token = None;
        self.token = Some(provider);
        self
    }

    /// The API key of operations with `smithy.api#httpApiKeyAuth` (the
    /// model says which header or query parameter carries it).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(crate::auth::identity::ApiKey::new(key));
        self
    }

    /// The user name and password of operations with
    /// `smithy.api#httpBasicAuth`.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.login = Some(crate::auth::identity::Login::new(user, password));
        self
    }

    /// Use your own HTTP stack. Set a [`Sleep`] too unless the default
    /// transport's (tokio) is available.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// How the client waits (backoff, timeouts, stalled-stream checks), on
    /// the executor the transport uses (default: tokio's timer, with the
    /// default transport). A `Sleep` must really sleep: the stalled-stream
    /// checks stand down with one that returns at once.
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// Attempts and backoff together (default: 3 attempts, 500 ms initial
    /// backoff, 20 s at most); replaces an earlier [`max_attempts`](Self::max_attempts).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Add a request hook (see the `hooks` module): hooks run in the order
    /// they were added, `before_sign` before each attempt is signed,
    /// `after_response` after each response.
    pub fn hook(mut self, hook: Arc<dyn crate::hooks::RequestHook>) -> Self {
        self.hooks.push(hook);
        self
    }

    /// A limit on each call, every attempt and backoff included (default:
    /// none). When it passes, the call ends with a `Timeout` error of kind
    /// `Operation` that says after how long.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// A limit on each attempt, from sending the request to the end of the
    /// response body (default: none; the connect and read timeouts still
    /// apply). An attempt that passes it is retried as a lost connection
    /// is: when the operation is safe to repeat.
    pub fn operation_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// How retries are paced (default: `AWS_RETRY_MODE`, else the profile's
    /// `retry_mode`, else standard).
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.retry_mode = Some(mode);
        self
    }

    /// What credential providers that call STS or SSO (assumed roles, web
    /// identity, IAM Identity Center) call them with: the `smithy-gen-config`
    /// crate's clients, which `smithy_gen_config::load` sets.
    pub fn identity_services(mut self, services: Arc<dyn IdentityServices>) -> Self {
        self.identity_services = Some(services);
        self
    }

    /// Attempts in all, including the first (default: `AWS_MAX_ATTEMPTS`,
    /// else the profile's `max_attempts`, else 3; 1 disables retries).
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

    /// How long the default transport waits for the server while reading:
    /// for the response head once the request is sent, and between reads of
    /// the body (idle time, not a limit on the whole response; not counted
    /// while a streamed upload's body is being sent). Default 60 s.
    pub fn read_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The largest response body accepted, in bytes (default 16 MiB).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// When streamed bodies count as stalled and end with a timeout error
    /// (default: downloads and uploads under 1 B/s over 20 s; event streams
    /// never). See the `streams::stalled` module for the rules.
    pub fn stalled_streams(mut self, rules: crate::streams::stalled::StalledStreams) -> Self {
        self.stalled_streams = Some(rules);
        self
    }

    /// The configuration. Each setting comes from the builder, else the
    /// environment, else the selected profile of the shared files, else its
    /// default:
    ///
    /// - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`;
    /// - endpoint: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the
    ///   profile's `services` section and `endpoint_url` (none of them with
    ///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls`);
    /// - retries: `AWS_MAX_ATTEMPTS` / `max_attempts`, `AWS_RETRY_MODE` /
    ///   `retry_mode` (`standard`, `legacy` or `adaptive`);
    /// - FIPS and dual-stack endpoints: `AWS_USE_FIPS_ENDPOINT` /
    ///   `use_fips_endpoint`, `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`;
    /// - host prefixes: `AWS_DISABLE_HOST_PREFIX_INJECTION` /
    ///   `disable_host_prefix_injection`;
    /// - endpoint discovery: `AWS_ENDPOINT_DISCOVERY_ENABLED` /
    ///   `endpoint_discovery_enabled` (`true`, `false` or `auto`);
    /// - the default transport's CA bundle: `AWS_CA_BUNDLE` / `ca_bundle`;
    /// - credentials, in botocore's order: the environment's keys; the
    ///   profile's assumed role (`role_arn` with `source_profile` or
    ///   `credential_source`); a web identity token
    ///   (`AWS_WEB_IDENTITY_TOKEN_FILE` / `web_identity_token_file`); IAM
    ///   Identity Center (`sso_session`, `sso_start_url`); the credentials
    ///   file's keys; `credential_process`; the config file's keys; a
    ///   container endpoint; the instance's role (unless
    ///   `AWS_EC2_METADATA_DISABLED`). Roles, web identities and SSO call STS
    ///   and SSO through [`identity_services`](Self::identity_services).
    ///
    /// The profile is [`profile_name`](Self::profile_name) (else
    /// `AWS_PROFILE`, else `default`); a malformed file is an error naming
    /// the file and line.
    pub fn build(self) -> Result<Config, ConfigError> {
        let mut profiles = if self.not_aws { ProfileSource::off() } else { ProfileSource::new(self.profile_name.clone(), self.profile_files.clone()) };
        let mut no_region = None;
        let region = match self.region {
            Some(r) => r,
            None if self.not_aws => {
                no_region = Some("no region: the configuration is for a service that is not AWS's (`not_aws`), which reads none from the environment or the shared files; set one on the builder".to_string());
                String::new()
            }
            None => match std::env::var("AWS_REGION")
                .ok()
                .filter(|v| !v.is_empty())
                .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok().filter(|v| !v.is_empty()))
            {
                Some(r) => r,
                None => match profiles.setting("region")? {
                    Some(r) => r,
                    None => {
                        let why = format!(
                            "no region: set one on the builder, in AWS_REGION, or in the profile `{}` ({}); a service that is not AWS's needs none, only its endpoint URL (`endpoint_url`)",
                            profiles.name,
                            profiles.where_()
                        );
                        // With an endpoint, the calls that need a region
                        // (SigV4, AWS endpoints) fail unsent, saying this.
                        if self.endpoint.is_none() {
                            return Err(ConfigError(why));
                        }
                        no_region = Some(why);
                        String::new()
                    }
                },
            },
        };
        if no_region.is_none() {
            check_region(&region)?;
        }
        let endpoint = self.endpoint.as_deref().map(Endpoint::parse).transpose()?;
        let retry_set = self.retry.is_some();
        let mut retry = self.retry.unwrap_or_default();
        if !retry_set {
            if let Some((n, from)) = setting(&mut profiles, "AWS_MAX_ATTEMPTS", "max_attempts")? {
                retry.max_attempts = n.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| ConfigError(format!("{from} = {n:?}: expected a whole number of attempts, at least 1")))?;
            }
        }
        if retry.max_attempts == 0 {
            return Err(ConfigError("max_attempts must be at least 1".into()));
        }
        let retry_mode = match self.retry_mode {
            Some(m) => m,
            None => match setting(&mut profiles, "AWS_RETRY_MODE", "retry_mode")? {
                None => RetryMode::Standard,
                Some((m, _)) if m.eq_ignore_ascii_case("standard") || m.eq_ignore_ascii_case("legacy") => RetryMode::Standard,
                Some((m, _)) if m.eq_ignore_ascii_case("adaptive") => RetryMode::Adaptive,
                Some((m, from)) => return Err(ConfigError(format!("{from} = {m:?}: expected standard, legacy or adaptive"))),
            },
        };
        let connect_timeout = self.connect_timeout.unwrap_or(Duration::from_secs(10));
        let read_timeout = self.read_timeout.unwrap_or(Duration::from_secs(60));
        let ca_bundle = if self.transport.is_none() { profiles.setting("ca_bundle")? } else { None };
        let (transport, sleep) = defaults(self.transport, self.sleep, connect_timeout, read_timeout, ca_bundle.as_deref())?;
        let mut configured_endpoints = ConfiguredEndpoints::default();
        if !self.not_aws && !flag(&mut profiles, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls")?.unwrap_or(false) {
            env_endpoints(&mut configured_endpoints)?;
            profiles.endpoints(&mut configured_endpoints)?;
        }
        // Checked here, named but never shown: a value HTTP cannot carry
        // would otherwise fail every call.
        let printable = |v: &str| !v.is_empty() && !v.chars().any(char::is_control);
        if self.api_key.as_ref().is_some_and(|k| !printable(k.key())) {
            return Err(ConfigError("api_key: the key is empty or holds a control character (such as CR or LF), which no header or URL can carry".into()));
        }
        if self.static_token.as_ref().is_some_and(|t| !printable(t.token())) {
            return Err(ConfigError("bearer_token: the token is empty or holds a control character (such as CR or LF), which no header can carry".into()));
        }
        if let Some(login) = &self.login {
            // What is wrong, never the value: a user name holding ':' may
            // be a password pasted whole.
            let problem = if login.user().is_empty() {
                Some("the user name is empty")
            } else if login.user().contains(':') {
                Some("the user name holds ':', which RFC 7617 forbids (the password goes in the second argument)")
            } else if login.user().chars().any(char::is_control) {
                Some("the user name holds a control character (such as CR or LF)")
            } else if login.password().chars().any(char::is_control) {
                Some("the password holds a control character (such as CR or LF)")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(ConfigError(format!("basic_auth: {problem}; no header can carry it (RFC 7617)")));
            }
        }
        let http_identities = crate::auth::HttpIdentities {
            token: self.token.map(|p| Arc::new(crate::auth::identity::TokenCache::new(p).with_timeout(sleep.clone(), crate::auth::identity::TOKEN_FETCH_TIMEOUT))),
            api_key: self.api_key,
            login: self.login,
            warned_plain_http: Arc::default(),
        };
        // AWS credentials may be missing when the configuration is set up
        // for a service that is not AWS's (an endpoint or an HTTP identity
        // given): SigV4 calls then fail unsent, saying why.
        let credentials_optional = self.endpoint.is_some() || http_identities.token.is_some() || http_identities.api_key.is_some() || http_identities.login.is_some();
        let mut config = Config {
            region,
            no_region,
            anonymous: self.anonymous,
            http_identities,
            problems: Vec::new(),
            endpoint,
            credentials: Arc::new(CredentialsCache::new(Arc::new(NoCredentials("not resolved yet".into())))),
            transport: transport.clone(),
            sleep: sleep.clone(),
            retry,
            retry_mode,
            operation_timeout: self.operation_timeout,
            attempt_timeout: self.attempt_timeout,
            hooks: self.hooks,
            rate_limiter: (retry_mode == RetryMode::Adaptive).then(|| Arc::new(crate::retry::adaptive::ClientRateLimiter::new())),
            retry_quota: Arc::new(crate::retry::quota::RetryQuota::new()),
            clock_skew: Arc::default(),
            validate_input: self.validate_input.unwrap_or(true),
            max_response_body: self.max_response_body.unwrap_or(16 << 20),
            stalled_streams: match self.stalled_streams {
                Some(rules) => {
                    rules.check().map_err(ConfigError)?;
                    rules
                }
                None => Default::default(),
            },
            use_fips: match self.use_fips {
                Some(v) => v,
                None => flag(&mut profiles, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?.unwrap_or(false),
            },
            use_dual_stack: match self.use_dual_stack {
                Some(v) => v,
                None => flag(&mut profiles, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?.unwrap_or(false),
            },
            disable_request_compression: match self.disable_request_compression {
                Some(v) => v,
                None => flag(&mut profiles, "AWS_DISABLE_REQUEST_COMPRESSION", "disable_request_compression")?.unwrap_or(false),
            },
            request_min_compression_size_bytes: match self.request_min_compression_size_bytes {
                None if self.not_aws => 10_240,
                set => min_compression_size(set)?,
            },
            disable_host_prefix_injection: match self.disable_host_prefix_injection {
                Some(v) => v,
                None => flag(&mut profiles, "AWS_DISABLE_HOST_PREFIX_INJECTION", "disable_host_prefix_injection")?.unwrap_or(false),
            },
            idempotency_token: self.idempotency_token,
            client_context_params: self.client_context_params,
            request_checksum_calculation: match self.request_checksum_calculation {
                Some(v) => v,
                None => match setting(&mut profiles, "AWS_REQUEST_CHECKSUM_CALCULATION", "request_checksum_calculation")? {
                    None => RequestChecksumCalculation::WhenSupported,
                    Some((v, _)) if v.eq_ignore_ascii_case("when_supported") => RequestChecksumCalculation::WhenSupported,
                    Some((v, _)) if v.eq_ignore_ascii_case("when_required") => RequestChecksumCalculation::WhenRequired,
                    Some((v, from)) => return Err(ConfigError(format!("{from} = {v:?}: expected when_supported or when_required"))),
                },
            },
            configured_endpoints,
            endpoint_discovery: match self.endpoint_discovery {
                Some(v) => v,
                None => match setting(&mut profiles, "AWS_ENDPOINT_DISCOVERY_ENABLED", "endpoint_discovery_enabled")? {
                    None => crate::config::EndpointDiscovery::Auto,
                    Some((v, _)) if v.eq_ignore_ascii_case("auto") => crate::config::EndpointDiscovery::Auto,
                    Some((v, _)) if v.eq_ignore_ascii_case("true") => crate::config::EndpointDiscovery::Enabled,
                    Some((v, _)) if v.eq_ignore_ascii_case("false") => crate::config::EndpointDiscovery::Disabled,
                    Some((v, from)) => return Err(ConfigError(format!("{from} = {v:?}: expected true, false or auto"))),
                },
            },
        };
        let credentials: Arc<dyn ProvideCredentials> = match self.credentials {
            Some(p) => p,
            None if self.anonymous => Arc::new(NoCredentials("an anonymous configuration signs nothing".into())),
            None if self.not_aws => Arc::new(NoCredentials(
                "the configuration is for a service that is not AWS's (`not_aws`), which looks for no AWS credentials; give them with `Config::builder().credentials(..)`".into(),
            )),
            None => {
                // The profile files are read only when the chain gets to them.
                let from_env = Credentials::from_env();
                let name = profiles.name.clone();
                let files = profiles.where_();
                if from_env.is_none() {
                    profiles.profile()?;
                }
                let set = profiles.loaded.clone().unwrap_or_default();
                let chain = crate::credentials::chain::default_chain(crate::credentials::chain::Sources {
                    from_env,
                    profiles: &set,
                    profile: &name,
                    files,
                    base: &config,
                    services: self.identity_services.as_ref(),
                    transport: transport.clone(),
                    sleep: sleep.clone(),
                });
                match chain {
                    Ok(p) => p,
                    Err(e) if credentials_optional => Arc::new(NoCredentials(e.0)),
                    Err(e) => return Err(e),
                }
            }
        };
        tracing::debug!(provider = credentials.describe(), "credential provider chosen");
        config.credentials = Arc::new(CredentialsCache::new(credentials));
        Ok(config)
    }
}

impl ConfigBuilder {
    /// [`build`](Self::build), with one more source of the region: when
    /// neither the builder, the environment nor the profile has one, the
    /// instance metadata service's (unless `AWS_EC2_METADATA_DISABLED`), as
    /// the AWS SDKs' region chain ends.
    pub async fn build_async(mut self) -> Result<Config, ConfigError> {
        let env_region = ["AWS_REGION", "AWS_DEFAULT_REGION"].iter().any(|v| std::env::var(v).is_ok_and(|r| !r.is_empty()));
        if self.region.is_none() && !env_region && !self.not_aws {
            let mut profiles = ProfileSource::new(self.profile_name.clone(), self.profile_files.clone());
            if profiles.setting("region")?.is_none() {
                let ca_bundle = if self.transport.is_none() { profiles.setting("ca_bundle")? } else { None };
                let connect = self.connect_timeout.unwrap_or(Duration::from_secs(10));
                let read = self.read_timeout.unwrap_or(Duration::from_secs(60));
                let (transport, sleep) = defaults(self.transport.take(), self.sleep.take(), connect, read, ca_bundle.as_deref())?;
                if let Some(imds) = crate::credentials::imds::ImdsProvider::from_env(transport.clone(), sleep.clone()) {
                    // Not there (not an instance): the error below names
                    // every place a region can come from.
                    if let Ok(region) = imds.region().await {
                        self.region = Some(region);
                    }
                }
                (self.transport, self.sleep) = (Some(transport), Some(sleep));
            }
        }
        self.build()
    }
}

/// A setting from the environment variable `var`, else the profile's `key`,
/// with where it came from (for messages).
fn setting(profiles: &mut ProfileSource, var: &str, key: &str) -> Result<Option<(String, String)>, ConfigError> {
    if profiles.off {
        return Ok(None);
    }
    if let Some(v) = std::env::var(var).ok().filter(|v| !v.trim().is_empty()) {
        return Ok(Some((v.trim().to_string(), var.to_string())));
    }
    let name = profiles.name.clone();
    Ok(profiles.setting(key)?.map(|v| (v, format!("the profile `{name}`'s {key}"))))
}

/// A boolean [`setting`]: `true` or `false`, any case.
fn flag(profiles: &mut ProfileSource, var: &str, key: &str) -> Result<Option<bool>, ConfigError> {
    match setting(profiles, var, key)? {
        None => Ok(None),
        Some((v, _)) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some((v, _)) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some((v, from)) => Err(ConfigError(format!("{from} = {v:?}: expected true or false"))),
    }
}

type Pair = (Arc<dyn Transport>, Arc<dyn Sleep>);

#[cfg(feature = "default-transport")]
fn defaults(
    transport: Option<Arc<dyn Transport>>,
    sleep: Option<Arc<dyn Sleep>>,
    connect: Duration,
    read: Duration,
    ca_bundle: Option<&str>,
) -> Result<Pair, ConfigError> {
    use crate::transport::default::{DefaultTransport, TokioSleep};
    let transport = match transport {
        Some(t) => t,
        None => Arc::new(DefaultTransport::with_ca_bundle(connect, read, ca_bundle)?),
    };
    Ok((transport, sleep.unwrap_or_else(|| Arc::new(TokioSleep))))
}

#[cfg(not(feature = "default-transport"))]
fn defaults(
    transport: Option<Arc<dyn Transport>>,
    sleep: Option<Arc<dyn Sleep>>,
    _connect: Duration,
    _read: Duration,
    _ca_bundle: Option<&str>,
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

    #[test]
    fn endpoint_url_is_endpoint_by_aws_configs_name() {
        let build = |b: super::ConfigBuilder| {
            b.region("us-east-1").credentials(super::Credentials::new("AKID", "secret", None)).sleep(std::sync::Arc::new(NoSleep)).build().expect("config")
        };
        let a = build(crate::config::Config::builder().endpoint_url("http://127.0.0.1:4566"));
        let b = build(crate::config::Config::builder().endpoint("http://127.0.0.1:4566"));
        assert_eq!(a.endpoint().map(|e| e.url()).as_deref(), Some("http://127.0.0.1:4566"));
        assert_eq!(a.endpoint(), b.endpoint());
    }

    #[test]
    fn a_configuration_for_a_service_not_aws_reads_no_aws_settings() {
        // A malformed config file, a credentials file, and a profile named
        // that is in neither: an AWS configuration cannot be built.
        let dir = std::env::temp_dir().join(format!("smithy-gen-not-aws-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let (config, credentials) = (dir.join("config"), dir.join("credentials"));
        std::fs::write(&config, "[profile broken\nregion = us-east-1\n").expect("written");
        std::fs::write(&credentials, "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\n").expect("written");
        let files = crate::config::profile_file::ProfileFiles { config, credentials };
        let base = || crate::config::Config::builder().endpoint("https://todo.example.com").bearer_token("t").profile_files(files.clone()).profile_name("missing").sleep(std::sync::Arc::new(NoSleep));
        let e = base().build().expect_err("the AWS settings are read");
        assert!(e.0.contains("config") || e.0.contains("missing"), "{e:?}");
        let c = base().not_aws().build().expect("nothing of AWS's is read");
        assert_eq!(c.region(), "");
        assert!(c.required_region().is_err());
        // No AWS credentials were looked for: SigV4 would say why.
        let e = crate::transport::block_on::block_on(c.credentials()).expect_err("none");
        assert!(e.to_string().contains("not_aws"), "{e}");
        // Nor an endpoint from the AWS settings; the builder's is used.
        assert_eq!(c.endpoint().map(|e| e.url()).as_deref(), Some("https://todo.example.com"));
        // Without an endpoint (a service with endpoint rules) it still builds.
        assert!(crate::config::Config::builder().not_aws().profile_name("missing").sleep(std::sync::Arc::new(NoSleep)).build().is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[derive(Debug)]
    struct NoSleep;

    impl crate::transport::Sleep for NoSleep {
        fn sleep(&self, _: std::time::Duration) -> crate::transport::BoxFuture<'static, ()> {
            Box::pin(std::future::ready(()))
        }
    }
}
