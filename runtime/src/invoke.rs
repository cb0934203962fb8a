//! The call pipeline every operation goes through once its input is
//! serialized: endpoint, signing, sending, retrying.

use std::sync::{Arc, OnceLock};

use crate::config::{Config, ContextParam, Endpoint};
use crate::endpoints::{EndpointError, Params, RuleSet, Value};
use crate::error::{Failure, TimeoutError, TimeoutKind, TransportError, TransportErrorKind};
use crate::hooks::{HookRequest, HookResponse};
use crate::transport::race::{first, First};
use crate::protocols::Protocol;
use crate::request::{PreparedRequest, RawResponse};
use crate::retry::{self, RetryPolicy};
use crate::transport::SendError;

/// What the client needs to know about a service.
#[derive(Debug)]
pub struct ServiceSpec {
    pub protocol: Protocol,
    /// The SigV4 signing name (`aws.auth#sigv4`).
    pub signing_name: &'static str,
    /// `aws.api#service`'s `sdkId` (`STS`; empty without the trait): the
    /// service's name in `AWS_ENDPOINT_URL_<SERVICE>` and in the shared
    /// config's `services` sections.
    pub sdk_id: &'static str,
    /// The endpoint prefix (`aws.api#service`).
    pub endpoint_prefix: &'static str,
    /// The `X-Amz-Target` prefix (awsJson).
    pub target_prefix: &'static str,
    /// Headers every request carries (lower-case names) unless the
    /// operation set them: AWS SDKs' service customisations such as SQS's
    /// `x-amzn-query-mode: true` or Glacier's `x-amz-glacier-version`.
    pub default_headers: &'static [(&'static str, &'static str)],
    /// The model's `smithy.rules#endpointRuleSet` as JSON, if it has one.
    pub endpoint_rules: Option<&'static str>,
    /// The rule set, parsed on first use.
    pub parsed_rules: OnceLock<Result<RuleSet, EndpointError>>,
    /// How SigV4 signs its requests (S3's differ).
    pub signing: crate::signing::SigningOptions,
}

impl ServiceSpec {
    /// Where requests go for `config`: the model's endpoint rules evaluated
    /// with the region, FIPS, dual-stack and endpoint-override settings;
    /// without rules, the override or `https://<prefix>.<region>.amazonaws.com`.
    pub fn resolve_endpoint(&self, config: &Config) -> Result<ResolvedEndpoint, String> {
        self.resolve_endpoint_with(config, &[])
    }

    /// [`ServiceSpec::resolve_endpoint`] with an operation's context
    /// parameters (`@staticContextParams`, and `@contextParam` members of its
    /// input, such as S3's `Bucket`), which win over the configuration's.
    pub fn resolve_endpoint_with(&self, config: &Config, operation: &[(&'static str, Value)]) -> Result<ResolvedEndpoint, String> {
        // A region or endpoint changed to something invalid (see `config::overrides`).
        if let Some(problem) = config.problem() {
            return Err(format!("the configuration cannot be used: {problem}"));
        }
        let Some(text) = self.endpoint_rules else {
            // A service that is not AWS's (no `aws.api#service`) and has no
            // endpoint rules is wherever the builder's endpoint says.
            if self.sdk_id.is_empty() {
                let endpoint = config.endpoint.clone().ok_or_else(|| {
                    format!(
                        "no endpoint: the service `{}` is not an AWS service and its model has no endpoint rules, so its URL must be configured: `Config::builder().endpoint_url(\"https://...\")` (smithy-call: --endpoint-url)",
                        self.signing_name
                    )
                })?;
                return Ok(ResolvedEndpoint { endpoint, headers: Vec::new(), auth: AuthScheme::default() });
            }
            let endpoint = match config.endpoint_for(self.sdk_id) {
                Some(e) => e.clone(),
                None => Endpoint::aws(self.endpoint_prefix, config.required_region()?),
            };
            return Ok(ResolvedEndpoint { endpoint, headers: Vec::new(), auth: AuthScheme::default() });
        };
        let rules = self.parsed_rules.get_or_init(|| RuleSet::from_json(text)).as_ref().map_err(|e| e.to_string())?;
        let mut params = Params::new();
        for p in rules.parameters() {
            if let Some((_, v)) = operation.iter().find(|(n, _)| *n == p.name) {
                params.set(p.name.clone(), v.clone());
                continue;
            }
            if let Some(v) = config.client_context_params.get(&p.name) {
                params.set(p.name.clone(), match v {
                    ContextParam::Bool(b) => Value::Bool(*b),
                    ContextParam::String(s) => Value::String(s.clone()),
                });
                continue;
            }
            let value = match p.built_in.as_deref() {
                Some("AWS::Region") if config.region.is_empty() => continue,
                Some("AWS::Region") => Value::String(config.region.clone()),
                Some("AWS::UseFIPS") => Value::Bool(config.use_fips),
                Some("AWS::UseDualStack") => Value::Bool(config.use_dual_stack),
                Some("SDK::Endpoint") => match config.endpoint_for(self.sdk_id) {
                    Some(e) => Value::String(e.url()),
                    None => continue,
                },
                _ => continue,
            };
            params.set(p.name.clone(), value);
        }
        let resolved = rules.resolve(&params).map_err(|e| match config.required_region() {
            // The rules may have failed for want of the region.
            Err(why) => format!("endpoint resolution: {e} ({why})"),
            Ok(_) => format!("endpoint resolution: {e}"),
        })?;
        let endpoint = Endpoint::parse(&resolved.url).map_err(|e| format!("endpoint resolution: {e}"))?;
        let auth = AuthScheme::from_properties(&resolved.properties)?;
        let headers = resolved.headers.into_iter().flat_map(|(k, vs)| vs.into_iter().map(move |v| (k.clone(), v))).collect();
        Ok(ResolvedEndpoint { endpoint, headers, auth })
    }
}

/// What an endpoint's `authSchemes` property says about signing (the first
/// `sigv4` scheme; the rules list alternatives in order of preference).
/// Unset fields keep the service's SigV4 name, the configured region and
/// the service's signing options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthScheme {
    pub signing_name: Option<String>,
    pub signing_region: Option<String>,
    pub disable_double_encoding: Option<bool>,
    pub disable_normalize_path: Option<bool>,
}

impl AuthScheme {
    fn from_properties(properties: &serde_json::Map<String, serde_json::Value>) -> Result<AuthScheme, String> {
        let Some(schemes) = properties.get("authSchemes").and_then(|s| s.as_array()) else { return Ok(AuthScheme::default()) };
        let names: Vec<&str> = schemes.iter().filter_map(|s| s.get("name")?.as_str()).collect();
        let Some(scheme) = schemes.iter().find(|s| s.get("name").and_then(|n| n.as_str()) == Some("sigv4")) else {
            return if names.is_empty() {
                Ok(AuthScheme::default())
            } else {
                Err(format!("endpoint resolution: the endpoint needs the auth scheme {}, which this client does not support (only sigv4)", names.join(" or ")))
            };
        };
        let text = |k: &str| scheme.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let flag = |k: &str| scheme.get(k).and_then(|v| v.as_bool());
        Ok(AuthScheme {
            signing_name: text("signingName"),
            signing_region: text("signingRegion"),
            disable_double_encoding: flag("disableDoubleEncoding"),
            disable_normalize_path: flag("disableNormalizePath"),
        })
    }
}

/// The error code of an error response in `protocol`, if it has one (what
/// the retry policy looks at).
fn error_code(protocol: Protocol, response: &RawResponse) -> Option<String> {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RestJson1 => crate::protocols::json::error_code(protocol, response),
        #[cfg(feature = "xml")]
        Protocol::AwsQuery | Protocol::Ec2Query | Protocol::RestXml => crate::protocols::xml_errors::error_code(response),
        #[cfg(not(feature = "xml"))]
        Protocol::AwsQuery | Protocol::Ec2Query | Protocol::RestXml => None,
        #[cfg(feature = "cbor")]
        Protocol::RpcV2Cbor => crate::protocols::cbor_responses::error_code(response),
        #[cfg(not(feature = "cbor"))]
        Protocol::RpcV2Cbor => None,
    }
}

pub use crate::transport::Streamed;

/// Where a request goes and what it carries: URL, endpoint, headers, body.
type Target = (String, ResolvedEndpoint, Vec<(String, String)>, bytes::Bytes);

/// A request's headers and body as they go on the wire (before signing).
type WireParts = (Vec<(String, String)>, bytes::Bytes);

/// An endpoint the rules chose, with any headers they add to requests.
#[derive(Debug, Clone)]
pub struct ResolvedEndpoint {
    pub endpoint: Endpoint,
    pub headers: Vec<(String, String)>,
    /// How to sign requests to it.
    pub auth: AuthScheme,
}

/// A configured client for one service; cheap to clone.
#[derive(Debug, Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    service: &'static ServiceSpec,
    /// Resolved once per client: it depends on the config alone.
    endpoint: Result<ResolvedEndpoint, String>,
    /// The endpoints discovered for operations with
    /// `@clientDiscoveredEndpoint` (see the `endpoint_discovery` module).
    #[cfg(feature = "endpoint-discovery")]
    discovered: crate::endpoint_discovery::EndpointCache,
}

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (generated by smithy codegen)");

impl Handle {
    pub fn new(config: Config, service: &'static ServiceSpec) -> Handle {
        let endpoint = service.resolve_endpoint(&config);
        #[cfg(feature = "endpoint-discovery")]
        {
            // Discovered `http://` addresses only beside a regular `http://` endpoint (an emulator).
            let plain_http = endpoint.as_ref().is_ok_and(|e| e.endpoint.url().get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://")));
            let discovered = crate::endpoint_discovery::EndpointCache::new(plain_http);
            Handle { inner: Arc::new(Inner { config, service, endpoint, discovered }) }
        }
        #[cfg(not(feature = "endpoint-discovery"))]
        Handle { inner: Arc::new(Inner { config, service, endpoint }) }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Whether inputs are validated before they are sent.
    pub fn validates(&self) -> bool {
        self.inner.config.validate_input()
    }

    /// A value for an unset `@idempotencyToken` member: the configured
    /// provider's, else a random UUID v4.
    pub fn idempotency_token(&self) -> String {
        match &self.inner.config.idempotency_token {
            Some(provider) => (provider.0)(),
            None => crate::idempotency::token(),
        }
    }

    pub fn service(&self) -> &'static ServiceSpec {
        self.inner.service
    }

    /// The URL requests go to, before the operation's path, or why there is
    /// none (the endpoint rules reject the configuration).
    pub fn endpoint(&self) -> Result<String, String> {
        self.inner.endpoint.as_ref().map(|e| e.endpoint.url()).map_err(Clone::clone)
    }

    /// `request` of `operation` as [`send`](Self::send)'s first attempt
    /// would send it, but unsigned, and neither sent nor signed: no
    /// credentials are fetched. The URL is the endpoint the rules give
    /// (with the operation's context parameters) and the host prefix; the
    /// headers are the serializer's, the service's default headers, the
    /// endpoint's, the length, the compression, `Content-MD5`, the flexible
    /// checksum, what the hooks' `before_sign` sets, `host` and the user
    /// agent: all but the signature's (`authorization`, `x-amz-date`,
    /// `x-amz-security-token`, S3's `x-amz-content-sha256`). The body is
    /// as sent (gzipped where the operation compresses it).
    pub fn dry_run(&self, operation: &'static str, request: &PreparedRequest) -> Result<http::Request<bytes::Bytes>, Failure> {
        let (url, resolved, headers, body) = self.target(request)?;
        self.sign_with(operation, request, 1, &url, &headers, &body, &resolved, None)
    }

    /// `request` of `operation` presigned: SigV4 in the URL's query string,
    /// valid for `presigning`'s expiry, for anyone holding it to send
    /// without credentials (see the [`presign`](crate::signing::presign)
    /// module for what is signed). The request is [`dry_run`](Self::dry_run)'s
    /// (endpoint, host prefix, headers, hooks' `before_sign`); credentials
    /// come from the configuration's provider, once; the signing time is
    /// `presigning`'s start time, else the configuration's (skew-corrected)
    /// clock. An unsigned operation (`@auth([])`), a body no URL can carry
    /// (for S3, any body: the holder sends it), a query parameter named as
    /// one of the signature's, a header value that is not UTF-8 and a
    /// signing time outside the years 1970 to 9999 are errors. The
    /// request's [`expiration`](crate::signing::presign::PresignedRequest::expiration)
    /// is the credentials' expiry when that comes first.
    pub async fn presign(
        &self,
        operation: &'static str,
        request: &PreparedRequest,
        presigning: &crate::signing::presign::PresigningConfig,
    ) -> Result<crate::signing::presign::PresignedRequest, Failure> {
        let invalid = |m: String| Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, m));
        if request.unsigned {
            return Err(invalid(format!("{operation} is sent unsigned (it needs no credentials): there is nothing to presign")));
        }
        let unsigned_payload = self.inner.service.signing.content_sha256_header;
        let request = crate::signing::presign::url_request(operation, request, unsigned_payload).map_err(Failure::Transport)?;
        let (url, resolved, headers, body) = self.target(&request)?;
        let sent = self.sign_with(operation, &request, 1, &url, &headers, &body, &resolved, None)?;
        let credentials = match self.attempt_identity(operation, &request, 1).await? {
            Some(crate::auth::Identity::SigV4(c)) => c,
            Some(other) => return Err(invalid(format!("{operation}: only SigV4 requests can be presigned; this configuration would send it with {}", other.scheme_id()))),
            None => return Err(invalid(format!("{operation}: no credentials to presign with"))),
        };
        let config = &self.inner.config;
        let scope = crate::signing::Scope {
            credentials: &credentials,
            region: match resolved.auth.signing_region.as_deref() {
                Some(r) => r,
                None => config.required_region().map_err(invalid)?,
            },
            signing_name: resolved.auth.signing_name.as_deref().unwrap_or(self.inner.service.signing_name),
            time: presigning.start_time().unwrap_or_else(|| config.clock_skew.now()),
            options: self.signing_options(&resolved.auth),
        };
        crate::signing::presign::presign(&sent, &scope, presigning.expires().as_secs(), unsigned_payload, request.sensitive).map_err(Failure::Transport)
    }

    /// The service's signing options with the endpoint's `auth` overrides.
    fn signing_options(&self, auth: &AuthScheme) -> crate::signing::SigningOptions {
        let mut o = self.inner.service.signing;
        if let Some(d) = auth.disable_double_encoding {
            o.double_uri_encode = !d;
        }
        if let Some(d) = auth.disable_normalize_path {
            o.normalize_path = !d;
        }
        o
    }

    /// Sign and send `request` of `operation`, retrying as the [`retry`]
    /// module describes, within the configuration's operation and attempt
    /// timeouts, through its request hooks, in a `tracing` span. Any HTTP
    /// response comes back as `Ok`, success or not.
    pub async fn send(&self, operation: &'static str, request: &PreparedRequest, policy: &RetryPolicy) -> Result<RawResponse, Failure> {
        use tracing::Instrument;
        let config = &self.inner.config;
        let span = tracing::info_span!(
            "call",
            service = self.service_name(),
            operation,
            region = %config.region,
            endpoint = tracing::field::Empty,
            attempts = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let call = self.attempts(operation, request, policy, &attempts);
        let result = match config.operation_timeout {
            None => call.instrument(span.clone()).await,
            Some(limit) => match first(call.instrument(span.clone()), config.sleep.sleep(limit)).await {
                First::Left(r) => r,
                First::Right(()) => Err(Failure::Timeout(TimeoutError { kind: TimeoutKind::Operation, after: limit, attempts: attempts.load(std::sync::atomic::Ordering::Relaxed).max(1) })),
            },
        };
        span.record("attempts", attempts.load(std::sync::atomic::Ordering::Relaxed));
        span.record(
            "outcome",
            match &result {
                Ok(r) => format!("HTTP {}", r.status),
                Err(Failure::Transport(e)) => format!("transport error: {:?}", e.kind),
                Err(Failure::Timeout(e)) => format!("timeout: {:?}", e.kind),
                Err(_) => "error".to_string(),
            },
        );
        if let Err(Failure::Timeout(e)) = &result {
            tracing::warn!(parent: &span, timeout = ?e.kind, after_ms = e.after.as_millis() as u64, "the call timed out");
        }
        result
    }

    #[cfg(feature = "endpoint-discovery")]
    /// [`send`](Self::send) for an operation with
    /// `@aws.api#clientDiscoveredEndpoint`: the request goes to the endpoint
    /// `discover` (a call of the service's discovery operation) names,
    /// cached for its period, when the configuration's
    /// [`EndpointDiscovery`](crate::config::EndpointDiscovery) setting asks
    /// for discovery and no endpoint is configured for the service; a
    /// response with the invalid-endpoint error evicts it, and the call is
    /// made once more with a fresh one. See the `endpoint_discovery` module
    /// for the rules. `discover` gets the operation and the identifiers to
    /// send (none when the discovery input takes none).
    pub async fn send_discovered<'a>(
        &'a self,
        operation: &'static str,
        request: &PreparedRequest,
        policy: &RetryPolicy,
        discovery: crate::endpoint_discovery::Discovery,
        discover: &(dyn Fn(&'static str, Vec<(String, String)>) -> crate::endpoint_discovery::DiscoveryFuture<'a> + Send + Sync),
    ) -> Result<RawResponse, Failure> {
        use crate::config::EndpointDiscovery;
        let config = &self.inner.config;
        let explicit = config.endpoint_for(self.inner.service.sdk_id).is_some();
        let on = match config.endpoint_discovery {
            _ if explicit => false,
            EndpointDiscovery::Enabled => true,
            EndpointDiscovery::Auto => discovery.required,
            EndpointDiscovery::Disabled if discovery.required => {
                return Err(Failure::Transport(TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    format!(
                        "`{operation}` requires endpoint discovery, which the configuration turns off (endpoint_discovery_enabled / AWS_ENDPOINT_DISCOVERY_ENABLED = false): turn it on, or configure an endpoint for the service"
                    ),
                )))
            }
            EndpointDiscovery::Disabled => false,
        };
        if !on {
            return self.send(operation, request, policy).await;
        }
        // The whole call (discovery, sends, the call after an invalid
        // endpoint) within the operation timeout.
        let call = self.send_to_discovered(operation, request, policy, &discovery, discover);
        match config.operation_timeout {
            None => call.await,
            Some(limit) => match first(call, config.sleep.sleep(limit)).await {
                First::Left(r) => r,
                First::Right(()) => Err(Failure::Timeout(TimeoutError { kind: TimeoutKind::Operation, after: limit, attempts: 1 })),
            },
        }
    }

    /// [`send_discovered`](Self::send_discovered) with discovery on.
    #[cfg(feature = "endpoint-discovery")]
    async fn send_to_discovered<'a>(
        &'a self,
        operation: &'static str,
        request: &PreparedRequest,
        policy: &RetryPolicy,
        discovery: &crate::endpoint_discovery::Discovery,
        discover: &(dyn Fn(&'static str, Vec<(String, String)>) -> crate::endpoint_discovery::DiscoveryFuture<'a> + Send + Sync),
    ) -> Result<RawResponse, Failure> {
        let identifiers = if discovery.keyed { discovery.identifiers.clone() } else { Vec::new() };
        let key = discovery.key();
        let mut evicted = false;
        loop {
            let found = self.inner.discovered.endpoint(discovery, std::time::Instant::now, || discover(operation, identifiers.clone())).await.map_err(|e| {
                // The discovery error's attempts once, at the end.
                let (message, attempts) = crate::endpoint_discovery::split_attempts(&e);
                Failure::Transport(TransportError { attempts, ..TransportError::new(TransportErrorKind::InvalidRequest, message) })
            })?;
            let Some(url) = found else { return self.send(operation, request, policy).await };
            let mut discovered = request.clone();
            discovered.endpoint = Some(url.clone());
            let raw = self.send(operation, &discovered, policy).await?;
            let invalid = !raw.is_success()
                && (raw.status == 421
                    || (!discovery.invalid_endpoint_error.is_empty()
                        && error_code(self.inner.service.protocol, &raw).as_deref() == Some(discovery.invalid_endpoint_error)));
            if invalid {
                tracing::info!(operation, status = raw.status, endpoint = %url, "the service refused the discovered endpoint: forgotten");
                self.inner.discovered.evict(&key, &url);
                if !evicted {
                    evicted = true;
                    continue;
                }
            }
            return Ok(raw);
        }
    }

    /// Sign and send `request` of an operation whose response body is an
    /// event stream: the response once its head is in, its body still
    /// arriving, or an error response read whole (retried as
    /// [`send`](Self::send) retries; a stream that opened is never retried).
    /// An event stream's body ends when it is idle for the configuration's
    /// `event_idle` (see the `streams::stalled` module; off by default).
    pub async fn send_streaming(&self, operation: &'static str, request: &PreparedRequest, policy: &RetryPolicy) -> Result<Streamed, Failure> {
        let config = &self.inner.config;
        Ok(match self.open_stream(operation, request, policy).await? {
            Streamed::Stream(mut r) => {
                r.body = crate::streams::stalled::guard_events(r.body, &config.stalled_streams, Arc::clone(&config.sleep));
                Streamed::Stream(r)
            }
            error => error,
        })
    }

    /// [`send_streaming`](Self::send_streaming) for an operation whose
    /// response body is a streamed blob (S3 GetObject): the body fails with
    /// a timeout when it stalls (the stalled-stream rules for downloads)
    /// and, when the request asked for checksum validation, with a
    /// `ChecksumMismatch` error at its end when the bytes do not match the
    /// response's `x-amz-checksum-*`.
    pub async fn send_download(&self, operation: &'static str, request: &PreparedRequest, policy: &RetryPolicy) -> Result<Streamed, Failure> {
        let config = &self.inner.config;
        Ok(match self.open_stream(operation, request, policy).await? {
            Streamed::Stream(mut r) => {
                let body = crate::streams::stalled::guard_download(r.body, &config.stalled_streams, Arc::clone(&config.sleep));
                r.body = validated_download(request, &r.headers, body);
                Streamed::Stream(r)
            }
            error => error,
        })
    }

    /// The response of a streaming call once its head is in (see
    /// [`send_streaming`](Self::send_streaming)), its body unguarded.
    async fn open_stream(&self, operation: &'static str, request: &PreparedRequest, policy: &RetryPolicy) -> Result<Streamed, Failure> {
        use tracing::Instrument;
        let config = &self.inner.config;
        let span = tracing::info_span!(
            "call",
            service = self.service_name(),
            operation,
            region = %config.region,
            endpoint = tracing::field::Empty,
            streaming = true,
        );
        async move {
            let (url, resolved, headers, body) = self.target(request)?;
            let mut attempt = 1;
            let mut last_retry_cost = None;
            let mut skew_corrected = false;
            loop {
                let signed_offset = config.clock_skew.offset_ms();
                let http_request = self.sign_attempt(operation, request, attempt, &url, &headers, &body, &resolved).await?;
                let started = std::time::Instant::now();
                let reason = match config.transport.send_streaming(http_request).await {
                    Ok(r) if (200..300).contains(&r.status) => {
                        tracing::debug!(status = r.status, attempt, "stream open");
                        config.retry_quota.release(last_retry_cost);
                        return Ok(Streamed::Stream(r));
                    }
                    Ok(r) => {
                        let mut raw = self.read_guarded(r).await?;
                        raw.attempts = attempt;
                        self.after_response(operation, attempt, request, &raw, started.elapsed());
                        tracing::debug!(status = raw.status, request_id = raw.request_id(), attempt, "error response");
                        let code = error_code(self.inner.service.protocol, &raw);
                        if !skew_corrected && config.clock_skew.correct(code.as_deref(), &raw.headers, signed_offset) {
                            skew_corrected = true;
                            attempt += 1;
                            continue;
                        }
                        let throttled = retry::is_throttling(raw.status, code.as_deref());
                        match retry::response_reason(raw.status, code.as_deref(), policy) {
                            Some(reason) if attempt < config.retry.max_attempts && config.retry_quota.take(throttled, &mut last_retry_cost) => reason,
                            _ => return Ok(Streamed::Error(raw)),
                        }
                    }
                    Err(e) => match retry::send_error_reason(&e, policy) {
                        Some(reason) if attempt < config.retry.max_attempts && config.retry_quota.take(false, &mut last_retry_cost) => reason,
                        _ => return Err(failed(e, attempt)),
                    },
                };
                let backoff = retry::backoff(&config.retry, attempt);
                tracing::info!(reason, backoff_ms = backoff.as_millis() as u64, next_attempt = attempt + 1, "retrying");
                config.sleep.sleep(backoff).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// Sign and send `request` of an operation with an input event stream:
    /// the request (signed with the streaming payload hash) goes out at
    /// once, its body is `events`, each written with `marshal` and signed
    /// in a chain from the request's signature, while the response comes
    /// back (an error response read whole). With `initial_request`
    /// (awsJson), the request's serialized body goes first, as the
    /// stream's `initial-request` message. Never retried: the events
    /// cannot be sent again.
    #[cfg(feature = "event-stream")]
    pub async fn send_duplex<T: Send + 'static>(
        &self,
        operation: &'static str,
        request: &PreparedRequest,
        events: crate::streams::event_stream::EventInput<T>,
        marshal: fn(&T) -> Result<crate::streams::event_stream::Message, String>,
        initial_request: bool,
    ) -> Result<Streamed, Failure> {
        use tracing::Instrument;
        let config = &self.inner.config;
        let span = tracing::info_span!("call", service = self.service_name(), operation, region = %config.region, endpoint = tracing::field::Empty, streaming = "duplex");
        async move {
            let (url, resolved, mut headers, mut body) = self.target(request)?;
            // awsJson: the serialized input (its members other than the
            // stream) is the stream's first message, `initial-request`,
            // with the body's content type; the HTTP body is the stream.
            let first = if initial_request {
                let content_type = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.clone()).unwrap_or_else(|| "application/json".into());
                Some(crate::streams::event_stream::initial_request(std::mem::take(&mut body), &content_type))
            } else {
                None
            };
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type") && !k.eq_ignore_ascii_case("content-length"));
            headers.push(("content-type".into(), "application/vnd.amazon.eventstream".into()));
            // One snapshot of the credentials for the whole stream: the
            // request and every event are signed with it, so a refresh in
            // between cannot break the signature chain.
            let identity = self.attempt_identity(operation, request, 1).await?;
            // SigV4's payload hash: no other scheme (nor an unsigned
            // request) sends an x-amz-* signing header.
            if matches!(identity, Some(crate::auth::Identity::SigV4(_))) {
                headers.push(("x-amz-content-sha256".into(), "STREAMING-AWS4-HMAC-SHA256-EVENTS".into()));
            }
            let signed = self.sign_with(operation, request, 1, &url, &headers, &body, &resolved, identity.as_ref())?;
            // Events are signed only under SigV4 (the HTTP schemes sign the
            // request alone).
            let credentials = match identity {
                Some(crate::auth::Identity::SigV4(c)) => Some(c),
                _ => None,
            };
            let signer = credentials.map(|credentials| {
                let seed = signed
                    .headers()
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|a| a.rsplit("Signature=").next())
                    .map(str::to_string)
                    .unwrap_or_default();
                crate::signing::events::EventSigner::new(
                    &seed,
                    credentials,
                    resolved.auth.signing_region.as_deref().unwrap_or(&config.region),
                    resolved.auth.signing_name.as_deref().unwrap_or(self.inner.service.signing_name),
                )
                .with_clock(Arc::clone(&config.clock_skew))
            });
            let body = crate::transport::StreamingBody::new(crate::signing::events::SignedEvents::new(events, marshal, signer, first), None);
            match config.transport.send_duplex(signed.map(|_| ()), body).await {
                Ok(mut r) if (200..300).contains(&r.status) => {
                    tracing::debug!(status = r.status, "event stream open (both ways)");
                    // A success that needed no retry gives the quota its token.
                    config.retry_quota.release(None);
                    r.body = crate::streams::stalled::guard_events(r.body, &config.stalled_streams, Arc::clone(&config.sleep));
                    Ok(Streamed::Stream(r))
                }
                Ok(r) => Ok(Streamed::Error(self.read_guarded(r).await?)),
                Err(e) => Err(e.into()),
            }
        }
        .instrument(span)
        .await
    }

    /// Sign and send `request` with `body` as its payload, sent as it is
    /// produced (its bytes unsigned: they are not known before sending; TLS
    /// protects them), and read the response whole. A flexible checksum
    /// the operation takes (`request.checksum`) and the caller did not give
    /// goes in the trailer of an aws-chunked body, computed as the body
    /// goes out (a body of unknown length goes without one). Retried as
    /// [`send`](Self::send) retries when the body can be produced again
    /// ([`StreamingBody::reopenable`](crate::transport::StreamingBody::reopenable),
    /// a file); a channel's body is sent once.
    pub async fn send_upload(&self, operation: &'static str, request: &PreparedRequest, body: crate::transport::StreamingBody, policy: &RetryPolicy) -> Result<RawResponse, Failure> {
        use tracing::Instrument;
        let config = &self.inner.config;
        let span = tracing::info_span!("call", service = self.service_name(), operation, region = %config.region, endpoint = tracing::field::Empty, streaming = "upload");
        async move {
            // The head without a checksum of the (empty) buffered body.
            let mut head = request.clone();
            head.checksum = None;
            let (url, resolved, mut base_headers, empty) = self.target(&head)?;
            base_headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("content-md5"));
            let reopen = body.reopener();
            let first_length = body.length;
            let mut body = Some(body);
            let mut attempt = 1;
            let mut last_retry_cost = None;
            let mut skew_corrected = false;
            loop {
                let signed_offset = config.clock_skew.offset_ms();
                let source = match body.take() {
                    Some(b) => b,
                    None => {
                        let again = reopen.as_ref().ok_or_else(|| Failure::Transport(TransportError::new(TransportErrorKind::Io, "the body cannot be sent again")))?;
                        let b = again().await.map_err(|e| Failure::Transport(TransportError::new(TransportErrorKind::Io, e)))?;
                        if b.length != first_length {
                            return Err(Failure::Transport(TransportError::new(TransportErrorKind::Io, "the body changed length between attempts")));
                        }
                        b
                    }
                };
                let mut headers = base_headers.clone();
                let source = with_trailer_checksum(request, source, &mut headers, config)?;
                // Per attempt, as `sign_attempt` does; the payload hash
                // header is SigV4's alone.
                let identity = self.attempt_identity(operation, request, attempt).await?;
                if matches!(identity, Some(crate::auth::Identity::SigV4(_))) && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-amz-content-sha256")) {
                    headers.push(("x-amz-content-sha256".into(), "UNSIGNED-PAYLOAD".into()));
                }
                let signed = self.sign_with(operation, request, attempt, &url, &headers, &empty, &resolved, identity.as_ref())?;
                let started = std::time::Instant::now();
                let again = reopen.is_some() && attempt < config.retry.max_attempts;
                // The upload's watchdog: the call ends when the connection
                // takes the body too slowly (stalled-stream rules for uploads).
                let (source, watch) = crate::streams::stalled::guard_upload(source, &config.stalled_streams, Arc::clone(&config.sleep));
                let sending = config.transport.send_duplex(signed.map(|_| ()), source);
                let sent = match watch {
                    Some(watch) => match first(sending, watch.stalled()).await {
                        First::Left(sent) => sent,
                        First::Right(stalled) => Err(stalled),
                    },
                    None => sending.await,
                };
                let reason = match sent {
                    Ok(r) => {
                        let mut raw = self.read_guarded(r).await?;
                        raw.attempts = attempt;
                        self.after_response(operation, attempt, request, &raw, started.elapsed());
                        if (200..300).contains(&raw.status) {
                            config.retry_quota.release(last_retry_cost);
                            return Ok(raw);
                        }
                        tracing::debug!(status = raw.status, request_id = raw.request_id(), attempt, "error response");
                        let code = error_code(self.inner.service.protocol, &raw);
                        if reopen.is_some() && !skew_corrected && config.clock_skew.correct(code.as_deref(), &raw.headers, signed_offset) {
                            skew_corrected = true;
                            attempt += 1;
                            continue;
                        }
                        let throttled = retry::is_throttling(raw.status, code.as_deref());
                        match retry::response_reason(raw.status, code.as_deref(), policy) {
                            Some(reason) if again && config.retry_quota.take(throttled, &mut last_retry_cost) => reason,
                            _ => return Ok(raw),
                        }
                    }
                    Err(e) => match retry::send_error_reason(&e, policy) {
                        Some(reason) if again && config.retry_quota.take(false, &mut last_retry_cost) => reason,
                        _ => return Err(failed(e, attempt)),
                    },
                };
                let backoff = retry::backoff(&config.retry, attempt);
                tracing::info!(reason, backoff_ms = backoff.as_millis() as u64, next_attempt = attempt + 1, "retrying the upload with the body read again");
                config.sleep.sleep(backoff).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// A streaming response read whole (an error response, an upload's
    /// answer), its body under the download stall rule even when download
    /// checks are off: a server that stops mid-body cannot hold the call.
    async fn read_guarded(&self, r: crate::transport::StreamingResponse) -> Result<RawResponse, crate::transport::SendError> {
        let config = &self.inner.config;
        let rules = match config.stalled_streams {
            r if r.grace.is_zero() => crate::streams::stalled::StalledStreams::default(),
            r => r.with_downloads(true),
        };
        let body = crate::streams::stalled::guard_download(r.body, &rules, Arc::clone(&config.sleep));
        crate::transport::StreamingResponse { body, ..r }.read_whole(config.max_response_body).await
    }

    /// The service's name in spans and hooks: its `sdkId`, else its signing name.
    fn service_name(&self) -> &'static str {
        let s = self.inner.service;
        if s.sdk_id.is_empty() {
            s.signing_name
        } else {
            s.sdk_id
        }
    }

    /// The attempts of one call; `count` follows how many were made (for a
    /// timeout that ends them from outside).
    async fn attempts(&self, operation: &'static str, request: &PreparedRequest, policy: &RetryPolicy, count: &std::sync::atomic::AtomicU32) -> Result<RawResponse, Failure> {
        use tracing::Instrument;
        let config = &self.inner.config;
        let (url, resolved, headers, body) = self.target(request)?;
        let resolved = &resolved;
        let mut attempt = 1;
        // What the last retry took from the retry quota, given back on success.
        let mut last_retry_cost = None;
        let mut skew_corrected = false;
        loop {
            count.store(attempt, std::sync::atomic::Ordering::Relaxed);
            let span = tracing::debug_span!(
                "attempt",
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let signed_offset = config.clock_skew.offset_ms();
            let outcome = self.attempt(operation, request, attempt, &url, &headers, &body, resolved).instrument(span.clone()).await?;
            if let Ok(r) = &outcome {
                span.record("status", r.status);
                if let Some(id) = r.request_id() {
                    span.record("request_id", id);
                }
                tracing::debug!(parent: &span, status = r.status, request_id = r.request_id(), body_bytes = r.body.len(), "response");
            }
            // The error response's code, read once for every rule below.
            let code = match &outcome {
                Ok(r) if !r.is_success() => error_code(self.inner.service.protocol, r),
                _ => None,
            };
            let throttled = matches!(&outcome, Ok(r) if !r.is_success() && retry::is_throttling(r.status, code.as_deref()));
            if let (Some(limiter), Ok(_)) = (&config.rate_limiter, &outcome) {
                let rates = limiter.on_response(throttled);
                tracing::debug!(parent: &span, measured_rate = rates.measured_rate, fill_rate = rates.fill_rate, limiting = rates.enabled, "adaptive retry rates");
            }
            // A signature refused for its time, with the service's clock
            // far from ours: corrected, and retried once at once.
            if let Ok(r) = &outcome {
                if !skew_corrected && !r.is_success() && config.clock_skew.correct(code.as_deref(), &r.headers, signed_offset) {
                    skew_corrected = true;
                    attempt += 1;
                    continue;
                }
            }
            let reason = match &outcome {
                // S3's `200` with an `<Error>` document: retried as the error
                // it is (an `InternalError` always, as AWS SDKs do: S3 sends
                // it when it failed after it started answering).
                #[cfg(feature = "xml")]
                Ok(r) if r.is_success() && request.error_in_success && crate::protocols::rest_xml::is_error_document(r) => {
                    let code = crate::protocols::xml_errors::error_code(r);
                    if code.as_deref() == Some("InternalError") {
                        Some("S3 answered 200 with an InternalError document")
                    } else {
                        retry::response_reason(400, code.as_deref(), policy)
                    }
                }
                Ok(r) if r.is_success() => None,
                Ok(r) => retry::response_reason(r.status, code.as_deref(), policy),
                Err(e) => retry::send_error_reason(e, policy),
            };
            if let Some(reason) = reason {
                if attempt >= config.retry.max_attempts {
                    tracing::info!(parent: &span, reason, max_attempts = config.retry.max_attempts, "not retrying: no attempts left");
                } else if config.retry_quota.take(throttled, &mut last_retry_cost) {
                    let backoff = retry::backoff(&config.retry, attempt);
                    tracing::info!(parent: &span, reason, backoff_ms = backoff.as_millis() as u64, next_attempt = attempt + 1, quota_left = config.retry_quota.available(), "retrying");
                    config.sleep.sleep(backoff).await;
                    attempt += 1;
                    continue;
                }
            }
            if matches!(&outcome, Ok(r) if r.is_success()) {
                config.retry_quota.release(last_retry_cost);
            }
            return match outcome {
                Ok(mut r) if r.body.len() > config.max_response_body => {
                    r.body.clear();
                    let mut e = TransportError::new(TransportErrorKind::BodyTooLarge, format!("the response body exceeds the limit of {} bytes", config.max_response_body));
                    e.attempts = attempt;
                    Err(Failure::Transport(e))
                }
                Ok(mut r) => {
                    r.attempts = attempt;
                    check_response_checksum(request, &r)?;
                    Ok(r)
                }
                Err(e) => Err(failed(e, attempt)),
            };
        }
    }

    /// Where `request` goes and what it carries: the URL (endpoint, path,
    /// query, host prefix), the endpoint resolved, the headers and body.
    fn target(&self, request: &PreparedRequest) -> Result<Target, Failure> {
        let config = &self.inner.config;
        let per_call;
        let resolved = if request.endpoint_params.is_empty() {
            &self.inner.endpoint
        } else {
            per_call = self.inner.service.resolve_endpoint_with(config, &request.endpoint_params);
            &per_call
        };
        let resolved = resolved.as_ref().map_err(|e| {
            tracing::warn!(error = %e, "no endpoint");
            Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, e.clone()))
        })?;
        let base = match &request.endpoint {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => resolved.endpoint.url(),
        };
        tracing::Span::current().record("endpoint", base.as_str());
        tracing::debug!(
            endpoint = %base,
            signing_name = resolved.auth.signing_name.as_deref().unwrap_or(self.inner.service.signing_name),
            signing_region = resolved.auth.signing_region.as_deref().unwrap_or(&config.region),
            per_call = !request.endpoint_params.is_empty(),
            "endpoint resolved"
        );
        let path_and_query = request.path_and_query();
        // An empty path (S3 with the bucket in the endpoint) joins a
        // path-style endpoint as is (`…/bucket?list-type=2`) and is `/` on a
        // bare host.
        let base_has_path = base.split_once("://").is_some_and(|(_, rest)| rest.contains('/'));
        let mut url = if path_and_query.starts_with('/') || base_has_path {
            format!("{base}{path_and_query}")
        } else {
            format!("{base}/{path_and_query}")
        };
        if let Some(prefix) = request.host_prefix.as_ref().filter(|_| !config.disable_host_prefix_injection) {
            url = crate::protocols::host_prefix::with_host_prefix(&url, prefix);
        }
        // Headers and body are the same on every attempt (hooks aside); only
        // the signature (its date) changes.
        let (headers, body) = self.wire_parts(request, &resolved.headers)?;
        Ok((url, resolved.clone(), headers, body))
    }

    /// One attempt: wait for the rate limiter, run the hooks, sign, send
    /// (within the attempt timeout), and show the response to the hooks.
    /// `Err` stops the call (no credentials, a hook refused, the request
    /// cannot be built); `Ok(Err)` is a send failure the retry rules judge.
    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        operation: &'static str,
        request: &PreparedRequest,
        attempt: u32,
        url: &str,
        headers: &[(String, String)],
        body: &bytes::Bytes,
        resolved: &ResolvedEndpoint,
    ) -> Result<Result<RawResponse, SendError>, Failure> {
        let config = &self.inner.config;
        // Adaptive retries: wait for a token before signing (the
        // signature's time is the sending time).
        if let Some(limiter) = &config.rate_limiter {
            let wait = limiter.acquire();
            if !wait.is_zero() {
                tracing::debug!(wait_ms = wait.as_millis() as u64, "adaptive retry: waiting for a send token");
                config.sleep.sleep(wait).await;
            }
        }
        let http_request = self.sign_attempt(operation, request, attempt, url, headers, body, resolved).await?;
        let started = std::time::Instant::now();
        let send = config.transport.send(http_request, config.max_response_body);
        let outcome = match config.attempt_timeout {
            None => send.await,
            Some(limit) => match first(send, config.sleep.sleep(limit)).await {
                First::Left(r) => r,
                First::Right(()) => Err(SendError::Timeout(TimeoutError { kind: TimeoutKind::Attempt, after: limit, attempts: attempt })),
            },
        };
        let elapsed = started.elapsed();
        tracing::Span::current().record("duration_ms", elapsed.as_millis() as u64);
        tracing::trace!(duration_ms = elapsed.as_millis() as u64, "attempt finished");
        match &outcome {
            Ok(r) => self.after_response(operation, attempt, request, r, elapsed),
            Err(e) => tracing::debug!(error = %send_error_text(e), "no response"),
        }
        Ok(outcome)
    }

    /// The hooks' view of a response.
    fn after_response(&self, operation: &'static str, attempt: u32, request: &PreparedRequest, r: &RawResponse, elapsed: std::time::Duration) {
        for hook in &self.inner.config.hooks {
            hook.after_response(&HookResponse {
                service: self.service_name(),
                operation,
                attempt,
                status: r.status,
                headers: &r.headers,
                body: &r.body,
                elapsed,
                sensitive: request.sensitive,
                sensitive_names: &request.sensitive_names,
            });
        }
    }

    /// An attempt's request, signed: credentials, the hooks, SigV4.
    #[allow(clippy::too_many_arguments)]
    async fn sign_attempt(
        &self,
        operation: &'static str,
        request: &PreparedRequest,
        attempt: u32,
        url: &str,
        headers: &[(String, String)],
        body: &bytes::Bytes,
        resolved: &ResolvedEndpoint,
    ) -> Result<http::Request<bytes::Bytes>, Failure> {
        // Per attempt: a retry after the credentials were refreshed signs
        // with the new ones.
        let identity = self.attempt_identity(operation, request, attempt).await?;
        self.sign_with(operation, request, attempt, url, headers, body, resolved, identity.as_ref())
    }

    /// The identity an attempt is sent with (none for an unsigned request):
    /// the first of the operation's auth schemes the configuration has one
    /// for (see the `auth` module).
    async fn attempt_identity(&self, operation: &'static str, request: &PreparedRequest, attempt: u32) -> Result<Option<crate::auth::Identity>, Failure> {
        if request.unsigned {
            return Ok(None);
        }
        let options = request.auth.unwrap_or(&[crate::auth::AuthOption::SigV4]);
        let config = &self.inner.config;
        let identities = crate::auth::Identities { anonymous: config.anonymous, credentials: &config.credentials, http: &config.http_identities };
        crate::auth::choose(&identities, operation, options, request.optional_auth).await.map_err(|e| {
            tracing::warn!(operation, error = %e, "no identity to send the request with");
            let mut t = TransportError::new(TransportErrorKind::Credentials, e);
            t.attempts = attempt;
            Failure::Transport(t)
        })
    }

    /// [`sign_attempt`](Self::sign_attempt) with the credentials given.
    #[allow(clippy::too_many_arguments)]
    fn sign_with(
        &self,
        operation: &'static str,
        request: &PreparedRequest,
        attempt: u32,
        url: &str,
        headers: &[(String, String)],
        body: &bytes::Bytes,
        resolved: &ResolvedEndpoint,
        identity: Option<&crate::auth::Identity>,
    ) -> Result<http::Request<bytes::Bytes>, Failure> {
        let config = &self.inner.config;
        let stop = |kind: TransportErrorKind, message: String| {
            let mut t = TransportError::new(kind, message);
            t.attempts = attempt;
            Failure::Transport(t)
        };
        let hooked;
        let headers = if config.hooks.is_empty() {
            headers
        } else {
            let mut h = headers.to_vec();
            for hook in &config.hooks {
                let mut view = HookRequest {
                    service: self.service_name(),
                    operation,
                    attempt,
                    method: request.method,
                    url,
                    headers: &mut h,
                    body,
                    sensitive: request.sensitive,
                    sensitive_names: &request.sensitive_names,
                };
                hook.before_sign(&mut view).map_err(|m| stop(TransportErrorKind::Hook, format!("{hook:?}: {m}")))?;
            }
            hooked = h;
            &hooked[..]
        };
        let mut signed = self.signed(request.method, url, headers, body, &resolved.auth, identity)?;
        if request.sensitive {
            crate::transport::mark_sensitive(&mut signed);
        }
        if !request.sensitive_names.is_empty() {
            // Recordings and presigned requests' `Debug` hide these values.
            signed.extensions_mut().insert(request.sensitive_names.clone());
        }
        Ok(signed)
    }

    /// The request as sent: the serializer's headers, `host`, a user agent
    /// and the SigV4 headers for this moment.
    /// The headers (all but `host` and the signature) and the body `request`
    /// goes with: the service's default headers, the endpoint's, the length,
    /// and the body gzipped and its `Content-MD5` where the operation asks.
    fn wire_parts(&self, request: &PreparedRequest, extra: &[(String, String)]) -> Result<WireParts, Failure> {
        let config = &self.inner.config;
        let mut headers = request.headers.clone();
        for (k, v) in self.inner.service.default_headers {
            if !headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(k)) {
                headers.push((k.to_string(), v.to_string()));
            }
        }
        headers.extend(extra.iter().cloned());
        let mut body = request.body.clone().unwrap_or_default();
        if request.gzip && !config.disable_request_compression && body.len() >= config.request_min_compression_size_bytes {
            if let Some(compressed) = gzip(&body) {
                body = compressed.into();
                // After any encoding the caller set (`custom, gzip`).
                match headers.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case("content-encoding")) {
                    Some((_, v)) => v.push_str(", gzip"),
                    None => headers.push(("content-encoding".into(), "gzip".into())),
                }
            }
        }
        // A request with a body says its length (a transport that frames it
        // otherwise needs it; the protocol tests require it); one without a
        // body, such as a GET, has none.
        if request.body.is_some() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
            headers.push(("content-length".into(), body.len().to_string()));
        }
        if request.content_md5 && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-md5")) {
            if let Some(md5) = content_md5(&body) {
                headers.push(("content-md5".into(), md5));
            }
        }
        // A flexible checksum, unless the caller sent one of their own.
        if let Some(checksum) = &request.checksum {
            let given = headers.iter().any(|(k, _)| k.len() > 15 && k[..15].eq_ignore_ascii_case("x-amz-checksum-"));
            if !given {
                if let Some(header) = flexible_checksum(checksum, config.request_checksum_calculation, &body)? {
                    headers.push(header);
                }
            }
        }
        Ok((headers, body))
    }

    fn signed(
        &self,
        method: &'static str,
        url: &str,
        headers: &[(String, String)],
        body: &bytes::Bytes,
        auth: &AuthScheme,
        identity: Option<&crate::auth::Identity>,
    ) -> Result<http::Request<bytes::Bytes>, Failure> {
        let config = &self.inner.config;
        let invalid = |what: String| Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, what));
        let mut headers = headers.to_vec();
        let credentials = match identity {
            None => None,
            Some(crate::auth::Identity::SigV4(c)) => Some(c),
            Some(http_identity) => {
                // Added after the hooks ran: hooks never see the secret.
                let mut url = url.to_string();
                let secret = crate::auth::apply(http_identity, &mut url, &mut headers);
                let uri: http::Uri = url.parse().map_err(|_| invalid("the request URL with its API key is not a valid URL".into()))?;
                config.http_identities.warn_if_plain_http(&uri, http_identity.scheme_id());
                let host = uri.authority().map(|a| a.as_str().to_string()).unwrap_or_default();
                headers.push(("host".into(), host));
                let mut request = self.request(method, uri, headers.iter(), body)?;
                if let Some(secret) = secret {
                    request.extensions_mut().insert(secret);
                }
                return Ok(request);
            }
        };
        let uri: http::Uri = url.parse().map_err(|e| invalid(format!("the request URL at {:?} is not valid: {e}", crate::request::url_shown(url))))?;
        let host = uri.authority().map(|a| a.as_str().to_string()).unwrap_or_default();
        headers.push(("host".into(), host));
        let Some(credentials) = credentials else {
            return self.request(method, uri, headers.iter(), body);
        };
        let region = match auth.signing_region.as_deref() {
            Some(r) => r,
            None => config.required_region().map_err(|why| Failure::Transport(TransportError::new(TransportErrorKind::Credentials, format!("SigV4 needs a region to sign with: {why}"))))?,
        };
        let signing = crate::signing::signing_headers(
            method,
            url,
            &headers,
            body,
            &crate::signing::Scope {
                credentials,
                region,
                signing_name: auth.signing_name.as_deref().unwrap_or(self.inner.service.signing_name),
                time: config.clock_skew.now(),
                options: self.signing_options(auth),
            },
        )
        .map_err(Failure::Transport)?;
        self.request(method, uri, headers.iter().chain(signing.iter()), body)
    }

    /// The HTTP request: method, URL, a user agent, `headers`, the body.
    fn request<'h>(
        &self,
        method: &'static str,
        uri: http::Uri,
        headers: impl Iterator<Item = &'h (String, String)>,
        body: &bytes::Bytes,
    ) -> Result<http::Request<bytes::Bytes>, Failure> {
        let invalid = |what: String| Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, what));
        let mut builder = http::Request::builder().method(method).uri(uri).header("user-agent", USER_AGENT);
        for (k, v) in headers {
            let name = http::HeaderName::from_bytes(k.as_bytes()).map_err(|_| invalid(format!("header name {k:?}")))?;
            let value = http::HeaderValue::from_str(v)
                .map_err(|_| invalid(format!("the value of header {k:?} contains a character HTTP forbids (such as CR or LF)")))?;
            builder = builder.header(name, value);
        }
        // Shared, not copied: each attempt sends the same bytes.
        builder.body(body.clone()).map_err(|e| invalid(e.to_string()))
    }
}

/// `body` gzipped (`@requestCompression`), or `None` without the
/// `request-compression` feature (the body then goes uncompressed, which
/// the specification allows).
#[cfg(feature = "request-compression")]
fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 2), flate2::Compression::default());
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

#[cfg(not(feature = "request-compression"))]
fn gzip(_body: &[u8]) -> Option<Vec<u8>> {
    None
}

/// The `x-amz-checksum-<algorithm>` header of `body` for an operation with
/// `@httpChecksum`, or `None` when none is due or without the `checksums`
/// feature; an algorithm this client does not know is an error.
#[cfg(feature = "checksums")]
fn flexible_checksum(
    checksum: &crate::request::RequestChecksum,
    calculation: crate::config::RequestChecksumCalculation,
    body: &[u8],
) -> Result<Option<(String, String)>, Failure> {
    let Some(algorithm) = crate::checksums::request_algorithm(checksum, calculation) else { return Ok(None) };
    crate::checksums::checksum_header(&algorithm, body)
        .map(Some)
        .map_err(|e| Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, e)))
}

#[cfg(not(feature = "checksums"))]
fn flexible_checksum(
    _checksum: &crate::request::RequestChecksum,
    _calculation: crate::config::RequestChecksumCalculation,
    _body: &[u8],
) -> Result<Option<(String, String)>, Failure> {
    Ok(None)
}

/// A send that failed, as the call's failure after `attempt` attempts.
fn failed(e: SendError, attempt: u32) -> Failure {
    match e {
        SendError::Transport(mut t) => {
            t.attempts = attempt;
            Failure::Transport(t)
        }
        SendError::Timeout(mut t) => {
            t.attempts = attempt;
            Failure::Timeout(t)
        }
    }
}

/// A streamed upload's body with its flexible checksum in the trailer (see
/// `aws_chunked`): when the operation takes one, the caller gave none, the
/// configuration or operation asks for one, and the body's length is known.
#[cfg(feature = "checksums")]
fn with_trailer_checksum(
    request: &PreparedRequest,
    body: crate::transport::StreamingBody,
    headers: &mut Vec<(String, String)>,
    config: &Config,
) -> Result<crate::transport::StreamingBody, Failure> {
    let Some(checksum) = &request.checksum else { return Ok(body) };
    if headers.iter().any(|(k, _)| k.len() > 15 && k[..15].eq_ignore_ascii_case("x-amz-checksum-")) {
        return Ok(body);
    }
    let Some(algorithm) = crate::checksums::request_algorithm(checksum, config.request_checksum_calculation) else { return Ok(body) };
    let hasher = crate::checksums::Hasher::new(&algorithm).map_err(|e| Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, e)))?;
    let trailer = hasher.header().to_string();
    match crate::streams::aws_chunked::wrap(body, hasher) {
        Ok((chunked, decoded)) => {
            crate::streams::aws_chunked::headers(headers, decoded, &trailer);
            if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-amz-sdk-checksum-algorithm")) {
                headers.push(("x-amz-sdk-checksum-algorithm".into(), algorithm.to_ascii_uppercase()));
            }
            Ok(chunked)
        }
        // Of unknown length: sent as it is, without a checksum.
        Err(body) => Ok(body),
    }
}

/// Without the `checksums` feature, a streamed upload has no checksum.
#[cfg(not(feature = "checksums"))]
fn with_trailer_checksum(
    _request: &PreparedRequest,
    body: crate::transport::StreamingBody,
    _headers: &mut Vec<(String, String)>,
    _config: &Config,
) -> Result<crate::transport::StreamingBody, Failure> {
    Ok(body)
}

/// A streamed download's body, checked against its response's checksum
/// when the request asked for validation (without the `checksums` feature,
/// as it is).
fn validated_download(request: &PreparedRequest, headers: &[(String, String)], body: crate::transport::BodyStream) -> crate::transport::BodyStream {
    #[cfg(feature = "checksums")]
    if request.validate_response_checksum {
        return crate::checksums::validating(body, headers);
    }
    let _ = (request, headers);
    body
}

/// With `validate_response_checksum`, a successful response whose body does
/// not match its `x-amz-checksum-*` header is a parse failure (without the
/// `checksums` feature nothing is checked).
fn check_response_checksum(request: &PreparedRequest, response: &RawResponse) -> Result<(), Failure> {
    #[cfg(feature = "checksums")]
    if request.validate_response_checksum && response.is_success() {
        crate::checksums::validate_response(&response.headers, &response.body)
            .map_err(|e| {
                let error = crate::error::ParseError::new(response, format!("checksum mismatch: {e}"));
                Failure::Parse(Box::new(if request.sensitive { error.withheld() } else { error }))
            })?;
    }
    #[cfg(not(feature = "checksums"))]
    let _ = (request, response);
    Ok(())
}

/// The base64 MD5 of `body` (`@httpChecksumRequired`), or `None` without the
/// `content-md5` feature.
#[cfg(feature = "content-md5")]
fn content_md5(body: &[u8]) -> Option<String> {
    use md5::Digest;
    Some(crate::types::blob::encode(&md5::Md5::digest(body)))
}

#[cfg(not(feature = "content-md5"))]
fn content_md5(_body: &[u8]) -> Option<String> {
    None
}

#[cfg(all(test, feature = "content-md5"))]
mod md5_tests {
    #[test]
    fn content_md5_is_the_base64_digest() {
        // RFC 1321's test vector "abc", base64.
        assert_eq!(super::content_md5(b"abc").as_deref(), Some("kAFQmDzST7DWlj99KOF/cg=="));
        assert_eq!(super::content_md5(b"").as_deref(), Some("1B2M2Y8AsgTpgAmY7PhCfg=="));
    }
}

#[cfg(all(test, feature = "request-compression"))]
mod tests {
    #[test]
    fn gzip_bodies_decompress_to_the_original() {
        use std::io::Read;
        let body = b"{\"data\":\"".iter().chain(&[b'x'; 20_000]).chain(b"\"}").copied().collect::<Vec<u8>>();
        let compressed = super::gzip(&body).expect("compresses");
        assert!(compressed.len() < body.len() / 10);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice()).read_to_end(&mut back).expect("a gzip stream");
        assert_eq!(back, body);
    }
}

/// A send error in words.
fn send_error_text(e: &SendError) -> String {
    match e {
        SendError::Transport(t) => t.to_string(),
        SendError::Timeout(t) => t.to_string(),
    }
}

#[cfg(test)]
mod dry_run_tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, OnceLock};

    use super::{Handle, ServiceSpec};
    use crate::config::Config;
    use crate::credentials::{Credentials, CredentialsError, ProvideCredentials};
    use crate::hooks::{HookRequest, RequestHook};
    use crate::protocols::Protocol;
    use crate::request::{PreparedRequest, RawResponse};
    use crate::transport::{BoxFuture, SendError, Transport};

    static QUEUE: ServiceSpec = ServiceSpec {
        protocol: Protocol::AwsJson1_0,
        signing_name: "queue",
        sdk_id: "Queue",
        endpoint_prefix: "queue",
        target_prefix: "Queue",
        default_headers: &[("x-amzn-query-mode", "true"), ("x-amz-api-version", "default")],
        endpoint_rules: None,
        parsed_rules: OnceLock::new(),
        signing: crate::signing::SigningOptions::DEFAULT,
    };

    /// Counts what a dry run must never do: fetch credentials, send.
    #[derive(Debug, Default)]
    struct Watch(AtomicUsize);

    impl ProvideCredentials for Watch {
        fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(std::future::ready(Ok(Credentials::new("AKID", "SECRET", Some("TOKEN".into())))))
        }
    }

    impl Transport for Watch {
        fn send(&self, _request: http::Request<bytes::Bytes>, _max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(std::future::ready(Ok(RawResponse::new(200, vec![], &b"{}"[..]))))
        }
    }

    #[derive(Debug)]
    struct Tag;

    impl RequestHook for Tag {
        fn before_sign(&self, request: &mut HookRequest<'_>) -> Result<(), String> {
            request.set_header("x-team", format!("{} {}", request.operation, request.attempt));
            Ok(())
        }
    }

    #[test]
    fn a_dry_run_shows_the_request_as_sent_without_the_signature_or_credentials() {
        let watch = Arc::new(Watch::default());
        let config = Config::builder()
            .region("eu-west-1")
            .credentials_provider(watch.clone())
            .transport(watch.clone())
            .hook(Arc::new(Tag))
            .build()
            .expect("a configuration");
        let handle = Handle::new(config, &QUEUE);
        let mut request = PreparedRequest::new("POST", "/");
        request.header("content-type", "application/x-amz-json-1.0");
        request.header("x-amz-api-version", "mine");
        request.query("a b", "c");
        request.set_body(&b"{\"QueueName\":\"q\"}"[..]);
        request.host_prefix = Some("data-q.".into());
        let sent = handle.dry_run("CreateQueue", &request).expect("a dry run");
        assert_eq!(sent.method(), "POST");
        assert_eq!(sent.uri().to_string(), "https://data-q.queue.eu-west-1.amazonaws.com/?a%20b=c");
        let header = |name: &str| sent.headers().get_all(name).iter().map(|v| v.to_str().unwrap_or("?")).collect::<Vec<_>>();
        // The service's default header, unless the request set its own.
        assert_eq!(header("x-amzn-query-mode"), ["true"]);
        assert_eq!(header("x-amz-api-version"), ["mine"]);
        assert_eq!(header("host"), ["data-q.queue.eu-west-1.amazonaws.com"]);
        assert_eq!(header("content-length"), ["17"]);
        assert_eq!(header("content-type"), ["application/x-amz-json-1.0"]);
        assert_eq!(header("x-team"), ["CreateQueue 1"], "the hooks run as for a first attempt");
        assert_eq!(header("user-agent").len(), 1);
        for signature in ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"] {
            assert!(sent.headers().get(signature).is_none(), "{signature} is the signature's");
        }
        assert_eq!(sent.body().as_ref(), b"{\"QueueName\":\"q\"}");
        assert_eq!(watch.0.load(Ordering::SeqCst), 0, "no credentials fetched, nothing sent");

        // Host prefixes turned off: the endpoint's own host.
        let mut config = handle.config().clone();
        config.disable_host_prefix_injection = true;
        let handle = Handle::new(config, &QUEUE);
        let sent = handle.dry_run("CreateQueue", &request).expect("a dry run");
        assert_eq!(sent.uri().host(), Some("queue.eu-west-1.amazonaws.com"));
    }

    #[test]
    fn a_presigned_request_fetches_credentials_once_signs_what_the_holder_sends_and_sends_nothing() {
        use crate::signing::presign::PresigningConfig;
        let watch = Arc::new(Watch::default());
        let config = Config::builder()
            .region("eu-west-1")
            .credentials_provider(watch.clone())
            .transport(watch.clone())
            .hook(Arc::new(Tag))
            .build()
            .expect("a configuration");
        let handle = Handle::new(config, &QUEUE);
        let presigning = PresigningConfig::expires_in(std::time::Duration::from_secs(60)).expect("valid");
        let mut request = PreparedRequest::new("GET", "/queues/q");
        request.query("x-id", "GetQueue");
        request.query("flag", "");
        request.host_prefix = Some("data-q.".into());
        let presigned = crate::transport::block_on::block_on(handle.presign("GetQueue", &request, &presigning)).expect("presigned");
        assert!(
            presigned.uri().starts_with("https://data-q.queue.eu-west-1.amazonaws.com/queues/q?flag=&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F"),
            "no x-id: {}",
            presigned.uri()
        );
        assert!(presigned.uri().contains("&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-amz-api-version%3Bx-amzn-query-mode%3Bx-team&X-Amz-Security-Token=TOKEN&X-Amz-Signature="), "{}", presigned.uri());
        let headers: Vec<(&str, &str)> = presigned.headers().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(headers, [("x-amz-api-version", "default"), ("x-amzn-query-mode", "true"), ("x-team", "GetQueue 1")]);
        assert_eq!(watch.0.load(Ordering::SeqCst), 1, "credentials fetched once, nothing sent");

        // A JSON body cannot go in a URL; an unsigned operation has nothing to presign.
        let mut json = PreparedRequest::new("POST", "/");
        json.header("content-type", "application/x-amz-json-1.0");
        json.set_body(&b"{}"[..]);
        let refused = crate::transport::block_on::block_on(handle.presign("CreateQueue", &json, &presigning)).expect_err("a body");
        assert!(format!("{refused:?}").contains("cannot go in a URL"), "{refused:?}");
        request.unsigned = true;
        let refused = crate::transport::block_on::block_on(handle.presign("GetQueue", &request, &presigning)).expect_err("unsigned");
        assert!(format!("{refused:?}").contains("nothing to presign"), "{refused:?}");
    }
}

#[cfg(test)]
mod signing_header_tests {
    use std::sync::{Arc, Mutex, OnceLock};

    use super::{Handle, ServiceSpec};
    use crate::auth::AuthOption;
    use crate::config::Config;
    use crate::request::{PreparedRequest, RawResponse};
    use crate::transport::{BoxFuture, SendError, Sleep, StreamingBody, StreamingResponse, Transport};

    static TODO: ServiceSpec = ServiceSpec {
        protocol: crate::protocols::Protocol::RestJson1,
        signing_name: "todo",
        sdk_id: "",
        endpoint_prefix: "todo",
        target_prefix: "Todo",
        default_headers: &[],
        endpoint_rules: None,
        parsed_rules: OnceLock::new(),
        signing: crate::signing::SigningOptions::DEFAULT,
    };

    /// Keeps the heads of streamed uploads, answers none.
    #[derive(Debug, Default)]
    struct Heads(Mutex<Vec<http::HeaderMap>>);

    impl Transport for Heads {
        fn send(&self, _: http::Request<bytes::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
            Box::pin(std::future::ready(Ok(RawResponse::new(200, vec![], &b"{}"[..]))))
        }

        fn send_duplex(&self, request: http::Request<()>, _body: StreamingBody) -> BoxFuture<'_, Result<StreamingResponse, SendError>> {
            self.0.lock().unwrap().push(request.headers().clone());
            let stop = crate::error::TransportError::new(crate::error::TransportErrorKind::Other, "kept");
            Box::pin(std::future::ready(Err(SendError::Transport(stop))))
        }
    }

    /// Never over (nothing here waits for it).
    #[derive(Debug)]
    struct Pending;

    impl Sleep for Pending {
        fn sleep(&self, _: std::time::Duration) -> BoxFuture<'static, ()> {
            Box::pin(std::future::pending())
        }
    }

    fn upload_head(builder: crate::config::builder::ConfigBuilder, auth: &'static [AuthOption]) -> http::HeaderMap {
        let heads = Arc::new(Heads::default());
        let config = builder.endpoint("http://127.0.0.1:9").max_attempts(1).transport(heads.clone()).sleep(Arc::new(Pending)).build().expect("config");
        let handle = Handle::new(config, &TODO);
        let mut request = PreparedRequest::new("PUT", "/attachment");
        request.auth = Some(auth);
        let body = StreamingBody::from_reader(std::io::Cursor::new(vec![1u8, 2, 3]), Some(3));
        let policy = crate::retry::RetryPolicy::new(false, &[]);
        let _ = crate::transport::block_on::block_on(handle.send_upload("PutAttachment", &request, body, &policy));
        let mut heads = heads.0.lock().unwrap();
        assert_eq!(heads.len(), 1, "one upload");
        heads.remove(0)
    }

    #[test]
    fn an_upload_carries_sigv4_payload_headers_only_under_sigv4() {
        const BEARER: &[AuthOption] = &[AuthOption::Bearer];
        const SIGV4: &[AuthOption] = &[AuthOption::SigV4];
        let head = upload_head(Config::builder().bearer_token("t0k"), BEARER);
        assert_eq!(head.get("authorization").map(|v| v.to_str().unwrap_or("?")), Some("Bearer t0k"));
        assert!(!head.keys().any(|k| k.as_str().starts_with("x-amz-")), "{head:?}");
        let head = upload_head(Config::builder().bearer_token("t0k").anonymous(), BEARER);
        assert!(head.get("authorization").is_none() && !head.keys().any(|k| k.as_str().starts_with("x-amz-")), "{head:?}");
        let head = upload_head(Config::builder().region("us-east-1").credentials(crate::credentials::Credentials::new("AKID", "s", None)), SIGV4);
        assert_eq!(head.get("x-amz-content-sha256").map(|v| v.to_str().unwrap_or("?")), Some("UNSIGNED-PAYLOAD"));
        assert!(head.get("authorization").is_some_and(|v| v.to_str().unwrap_or("").starts_with("AWS4-HMAC-SHA256")), "{head:?}");
    }
}
