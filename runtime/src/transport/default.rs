//! The default transport (feature `default-transport`): hyper's HTTP client
//! (HTTP/1.1, and with the `http2` feature HTTP/2 where the server picks it
//! by ALPN) over rustls
//! (the `ring` provider, the Mozilla root certificates from `webpki-roots`
//! or a CA bundle), with proxies from `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY`
//! (CONNECT tunnels for HTTPS, from hyper-util; never for `localhost`,
//! loopback and link-local destinations, where the credential endpoints
//! are), on tokio.
//!
//! HTTP framing is hyper's, which thousands of programs have exercised and
//! fuzzed; this module only connects (TCP, the proxy tunnel, TLS, all under
//! the connect timeout), cleans each request (no user information in the
//! URI, `Host` and `Content-Length` set from the request itself, no
//! hop-by-hop headers from the caller), bounds each response (idle time
//! between reads, total body size) and limits connections per host.
//! Certificates are always verified; there is no switch to turn that off.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_rustls::client::TlsStream;
use tower_service::Service;

use crate::error::{TimeoutError, TimeoutKind, TransportError, TransportErrorKind};
use crate::request::RawResponse;
use crate::transport::{BodyStream, BoxFuture, ReadChunks, SendError, Sleep, StreamingBody, StreamingResponse, Transport};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The default transport: a pooled HTTP/1.1 (and, with the `http2` feature,
/// HTTP/2) client with TLS, proxies, timeouts, a response size bound and a
/// connection limit per host.
/// Needs a tokio runtime. Build it with [`DefaultTransport::builder`].
pub struct DefaultTransport {
    client: hyper_util::client::legacy::Client<Connector, RequestBody>,
    proxies: Option<Arc<Matcher>>,
    read_timeout: Duration,
    connect_timeout: Duration,
    max_per_host: usize,
    /// One semaphore per `scheme://host:port`, each with `max_per_host` permits.
    per_host: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl std::fmt::Debug for DefaultTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Proxy URLs may carry credentials: say only whether there are any.
        f.debug_struct("DefaultTransport")
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("max_connections_per_host", &self.max_per_host)
            .field("proxies", &self.proxies.is_some())
            .finish()
    }
}

/// The TLS setup of a [`DefaultTransport`] failed (an unusable root
/// certificate or CA bundle, a TLS configuration rustls refuses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSetupError(pub String);

impl std::fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TlsSetupError {}

/// Where proxy settings come from. `Debug` never shows a proxy URL's user
/// information, with or without a scheme. Whatever the settings, requests
/// to `localhost` and to loopback and link-local addresses go direct.
#[derive(Clone, PartialEq, Eq)]
pub enum Proxies {
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
    /// lower-case forms), as curl reads them. The default.
    FromEnv,
    /// No proxy, whatever the environment says.
    None,
    /// These proxy URLs (`http://[user:password@]host:port`) for `http://`
    /// and `https://` destinations, except for the hosts of a `NO_PROXY`
    /// style list (`example.com,.internal,10.0.0.0/8`).
    Explicit { http: Option<String>, https: Option<String>, no_proxy: Option<String> },
}

impl std::fmt::Debug for Proxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = |u: &Option<String>| u.as_deref().map(redact_url);
        match self {
            Proxies::FromEnv => f.write_str("FromEnv"),
            Proxies::None => f.write_str("None"),
            Proxies::Explicit { http, https, no_proxy } => f
                .debug_struct("Explicit")
                .field("http", &url(http))
                .field("https", &url(https))
                .field("no_proxy", no_proxy)
                .finish(),
        }
    }
}

/// A proxy URL without its user information (`user:password@`), in any
/// form: `http://user:pw@proxy:3128`, `user:pw@proxy:3128` (no scheme, which
/// proxy variables allow), a password holding `@` or `/`. Everything up to
/// the last `@` after the scheme is hidden (for `Debug` and error messages).
fn redact_url(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].rfind('@') {
        Some(at) => format!("{}***@{}", &url[..start], &url[start + at + 1..]),
        None => url.to_string(),
    }
}

/// Whether a request to `host` (a URI's host; an IPv6 literal with or
/// without brackets) goes direct whatever the proxy settings: `localhost`,
/// and loopback and link-local IP literals, v4 or v6 (IPv4-mapped too),
/// which hold the instance metadata service (169.254.169.254), the ECS and
/// EKS credential endpoints (169.254.170.2, 169.254.170.23) and local
/// credential servers, plus the IPv6 endpoints of the instance metadata
/// service and EKS (`fd00:ec2::254`, `fd00:ec2::23`). A proxy would reach
/// its own loopback or link-local network (its own instance's
/// credentials), never the client's, and would see the credential
/// endpoint's `Authorization` token.
fn never_proxied(host: &str) -> bool {
    use std::net::{IpAddr, Ipv6Addr};
    const IMDS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
    const EKS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23);
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    let name = bare.strip_suffix('.').unwrap_or(bare);
    if name.eq_ignore_ascii_case("localhost") || name.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    // A zone (`fe80::1%eth0`) does not change what the address is.
    let address = bare.split('%').next().unwrap_or(bare);
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback() || v4.is_link_local(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.is_loopback() || v4.is_link_local(),
            None => v6.is_loopback() || v6.is_unicast_link_local() || v6 == IMDS_V6 || v6 == EKS_V6,
        },
        Err(_) => false,
    }
}

/// The proxy `dst` goes through, if any: the matcher's choice, except for
/// destinations that are [`never_proxied`].
fn proxy_for(proxies: Option<&Matcher>, dst: &http::Uri) -> Option<hyper_util::client::proxy::matcher::Intercept> {
    let proxies = proxies?;
    if dst.host().is_none_or(never_proxied) {
        return None;
    }
    proxies.intercept(dst)
}

/// The protocols TLS connections offer by ALPN, preferred first: HTTP/2
/// only with the `http2` feature (hyper's HTTP/2 client is compiled only
/// then), so without it a server never picks `h2`.
#[cfg(feature = "http2")]
const ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];
#[cfg(not(feature = "http2"))]
const ALPN: &[&[u8]] = &[b"http/1.1"];

/// Options of a [`DefaultTransport`].
#[derive(Debug, Clone)]
pub struct DefaultTransportBuilder {
    connect_timeout: Duration,
    read_timeout: Duration,
    max_per_host: usize,
    proxies: Proxies,
    ca_bundle: Option<Vec<CertificateDer<'static>>>,
    extra_roots: Vec<CertificateDer<'static>>,
    ca_bundle_error: Option<String>,
}

impl Default for DefaultTransportBuilder {
    fn default() -> Self {
        DefaultTransportBuilder {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            max_per_host: 64,
            proxies: Proxies::FromEnv,
            ca_bundle: None,
            extra_roots: Vec::new(),
            ca_bundle_error: None,
        }
    }
}

impl DefaultTransportBuilder {
    /// The longest wait for a connection: TCP, the proxy tunnel and the TLS
    /// handshake together (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest the server may stay silent: before the response head, and
    /// between two reads of its body (default 60 s). A body that keeps
    /// arriving is not cut off, however long it takes.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// At most this many requests in flight to one `scheme://host:port`, and
    /// so at most this many HTTP/1.1 connections to it (default 64); more
    /// wait for one to finish.
    pub fn max_connections_per_host(mut self, max: usize) -> Self {
        self.max_per_host = max.max(1);
        self
    }

    /// Where proxy settings come from (default: the environment).
    pub fn proxies(mut self, proxies: Proxies) -> Self {
        self.proxies = proxies;
        self
    }

    /// Trust exactly the certificates of this PEM bundle instead of the
    /// Mozilla roots (what `AWS_CA_BUNDLE` does).
    pub fn ca_bundle_pem(mut self, pem: &[u8]) -> Self {
        match CertificateDer::pem_slice_iter(pem).collect::<Result<Vec<_>, _>>() {
            Ok(certs) if !certs.is_empty() => self.ca_bundle = Some(certs),
            Ok(_) => self.ca_bundle_error = Some("the CA bundle holds no certificate".into()),
            Err(e) => self.ca_bundle_error = Some(format!("the CA bundle is not valid PEM: {e}")),
        }
        self
    }

    /// [`ca_bundle_pem`](Self::ca_bundle_pem) from a file.
    pub fn ca_bundle_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        let path = path.as_ref();
        match std::fs::read(path) {
            Ok(pem) => {
                self = self.ca_bundle_pem(&pem);
                if let Some(e) = &mut self.ca_bundle_error {
                    *e = format!("{}: {e}", path.display());
                }
            }
            Err(e) => self.ca_bundle_error = Some(format!("cannot read the CA bundle {}: {e}", path.display())),
        }
        self
    }

    /// Also trust these root certificates (DER): a private CA, a
    /// TLS-intercepting proxy, a local mock server.
    pub fn extra_roots(mut self, roots: impl IntoIterator<Item = CertificateDer<'static>>) -> Self {
        self.extra_roots.extend(roots);
        self
    }

    pub fn build(self) -> Result<DefaultTransport, TlsSetupError> {
        if let Some(e) = self.ca_bundle_error {
            return Err(TlsSetupError(e));
        }
        let mut roots = rustls::RootCertStore::empty();
        match self.ca_bundle {
            Some(bundle) => {
                for (i, cert) in bundle.into_iter().enumerate() {
                    roots.add(cert).map_err(|e| TlsSetupError(format!("CA bundle certificate {}: {e}", i + 1)))?;
                }
            }
            None => roots.roots = webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        }
        for (i, cert) in self.extra_roots.into_iter().enumerate() {
            roots.add(cert).map_err(|e| TlsSetupError(format!("extra root certificate {}: {e}", i + 1)))?;
        }
        let mut tls = rustls::ClientConfig::builder_with_provider(Arc::new(crypto_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsSetupError(format!("cannot set up TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        tls.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
        let proxies = match self.proxies {
            Proxies::None => None,
            Proxies::FromEnv => Some(Matcher::from_env()),
            Proxies::Explicit { http, https, no_proxy } => {
                let mut b = Matcher::builder();
                if let Some(h) = http {
                    b = b.http(h);
                }
                if let Some(h) = https {
                    b = b.https(h);
                }
                if let Some(n) = no_proxy {
                    b = b.no(n);
                }
                Some(b.build())
            }
        }
        .map(Arc::new);
        let connector = Connector {
            tls: tokio_rustls::TlsConnector::from(Arc::new(tls)),
            proxies: proxies.clone(),
            connect_timeout: self.connect_timeout,
        };
        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(self.max_per_host)
            .build(connector);
        Ok(DefaultTransport {
            client,
            proxies,
            read_timeout: self.read_timeout,
            connect_timeout: self.connect_timeout,
            max_per_host: self.max_per_host,
            per_host: Mutex::new(HashMap::new()),
        })
    }
}

impl DefaultTransport {
    pub fn builder() -> DefaultTransportBuilder {
        DefaultTransportBuilder::default()
    }

    /// With the given timeouts, proxies from the environment, and the CA
    /// bundle `AWS_CA_BUNDLE` names if it is set.
    pub fn new(connect_timeout: Duration, read_timeout: Duration) -> Result<Self, TlsSetupError> {
        Self::with_ca_bundle(connect_timeout, read_timeout, None)
    }

    /// [`new`](Self::new), with the CA bundle of a profile (`ca_bundle`) when
    /// `AWS_CA_BUNDLE` is not set.
    pub fn with_ca_bundle(connect_timeout: Duration, read_timeout: Duration, profile_bundle: Option<&str>) -> Result<Self, TlsSetupError> {
        let mut b = Self::builder().connect_timeout(connect_timeout).read_timeout(read_timeout);
        let env = std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty());
        if let Some(path) = env.or_else(|| profile_bundle.filter(|p| !p.is_empty()).map(Into::into)) {
            b = b.ca_bundle_file(path);
        }
        b.build()
    }

    fn permits(&self, key: &str) -> Arc<Semaphore> {
        let mut map = self.per_host.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(map.entry(key.to_string()).or_insert_with(|| Arc::new(Semaphore::new(self.max_per_host))))
    }

    /// Send `request` and wait for the response's head: its status, headers
    /// and body, with the connection permit the body holds until it is read.
    async fn open(&self, request: http::Request<RequestBody>) -> Result<Opened, SendError> {
        let key = format!("{}://{}", request.uri().scheme_str().unwrap_or(""), request.uri().authority().map_or("", |a| a.as_str()));
        let permit = self.permits(&key).acquire_owned().await.map_err(|_| io("the connection limit was closed".into()))?;
        // Let the pool's connection tasks see what arrived while the runtime
        // stood still (between two `block_on` calls, say): a connection the
        // server closed, or one it wrote on unasked, is then dropped before
        // this request is written to it, and the request gets a new one.
        tokio::task::yield_now().await;
        let response = match self.head(request).await {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => return Err(client_error(e, self.connect_timeout)),
            Err(()) => return Err(read_timeout(self.read_timeout)),
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        Ok(Opened { status, headers, body: HyperChunks { body: response.into_body(), _permit: permit } })
    }

    async fn round_trip(&self, request: http::Request<bytes::Bytes>, max_body: usize) -> Result<RawResponse, SendError> {
        // The permit is held until the body is read.
        let Opened { status, headers, body: HyperChunks { mut body, _permit } } = self.open(self.clean(request)?).await?;
        let mut out = Vec::new();
        loop {
            let frame = match tokio::time::timeout(self.read_timeout, body.frame()).await {
                Err(_) => return Err(read_timeout(self.read_timeout)),
                Ok(None) => break,
                Ok(Some(Err(e))) => return Err(io(format!("reading the response body: {}", chain(&e)))),
                Ok(Some(Ok(frame))) => frame,
            };
            // Trailers are not used; only data counts toward the limit.
            if let Ok(data) = frame.into_data() {
                if out.len() + data.len() > max_body {
                    // Dropping the body closes the connection mid-response.
                    return Err(SendError::Transport(TransportError::new(
                        TransportErrorKind::BodyTooLarge,
                        format!("the response body is larger than the limit of {max_body} bytes"),
                    )));
                }
                out.extend_from_slice(&data);
            }
        }
        Ok(RawResponse::new(status, headers, out))
    }

    /// Send the request and wait for the response head: the server has the
    /// read timeout to start answering, counted from when the connection is
    /// ready (a new connection's own wait is bounded by the connect timeout
    /// instead). `Err(())` when the read timeout ran out.
    async fn head(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<Result<http::Response<hyper::body::Incoming>, hyper_util::client::legacy::Error>, ()> {
        let phase = Arc::new(Mutex::new(Phase::Waiting(tokio::time::Instant::now())));
        // A streamed body tells when it is being sent: no read timeout then
        // (the stalled-stream watchdog judges an upload), and the wait for
        // the answer starts when its last byte has gone.
        let mut request = request;
        if let RequestBody::Streaming(body) = request.body_mut() {
            body.phase = Some(Arc::clone(&phase));
        }
        let mut sending = std::pin::pin!(WithPhase { phase: Arc::clone(&phase), inner: Box::pin(self.client.request(request)) });
        loop {
            let deadline = match *phase.lock().unwrap_or_else(|p| p.into_inner()) {
                Phase::Waiting(since) => since + self.read_timeout,
                // The connector's own timeout ends a connection that takes too long.
                Phase::Connecting => tokio::time::Instant::now() + self.connect_timeout,
                // Looked at again after a read timeout's time.
                Phase::Sending => tokio::time::Instant::now() + self.read_timeout,
            };
            match tokio::time::timeout_at(deadline, &mut sending).await {
                Ok(result) => return Ok(result),
                Err(_) => {
                    let now = tokio::time::Instant::now();
                    if matches!(*phase.lock().unwrap_or_else(|p| p.into_inner()), Phase::Waiting(since) if since + self.read_timeout <= now) {
                        return Err(());
                    }
                }
            }
        }
    }

    /// The request as hyper gets it: a URI without user information, `Host`
    /// from that URI, `Content-Length` from the body, no hop-by-hop or framing
    /// header from the caller (which could desynchronise a kept-alive
    /// connection), and `Proxy-Authorization` for a plain-HTTP request that
    /// goes through a proxy with credentials.
    fn clean(&self, request: http::Request<bytes::Bytes>) -> Result<http::Request<RequestBody>, SendError> {
        let (parts, body) = request.into_parts();
        let parts = self.clean_parts(parts, Some(body.len()))?;
        Ok(http::Request::from_parts(parts, RequestBody::Whole(Full::new(body))))
    }

    /// The request head cleaned (see [`clean`](Self::clean)); `length`:
    /// the body's, `None` for a body that streams.
    fn clean_parts(&self, mut parts: http::request::Parts, length: Option<usize>) -> Result<http::request::Parts, SendError> {
        let invalid = |what: String| SendError::Transport(TransportError::new(TransportErrorKind::InvalidRequest, what));
        let uri = &parts.uri;
        let scheme = match uri.scheme_str() {
            Some(s @ ("http" | "https")) => s,
            _ => return Err(invalid("the URL's scheme must be http or https".into())),
        };
        let authority = uri.authority().ok_or_else(|| invalid("the URL has no host".into()))?;
        let host_port = match authority.as_str().rsplit_once('@') {
            Some((_, after)) => after,
            None => authority.as_str(),
        };
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let clean: http::Uri = format!("{scheme}://{host_port}{path}").parse().map_err(|e| invalid(format!("the URL is not valid: {e}")))?;
        for name in ["host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "proxy-authorization"] {
            parts.headers.remove(name);
        }
        let host = http::HeaderValue::from_str(host_port).map_err(|e| invalid(format!("the URL's host is not a valid header: {e}")))?;
        parts.headers.insert(http::header::HOST, host);
        if let Some(len) = length {
            let bodiless = len == 0 && matches!(parts.method, http::Method::GET | http::Method::HEAD | http::Method::DELETE | http::Method::OPTIONS);
            if !bodiless {
                parts.headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
            }
        }
        if scheme == "http" {
            if let Some(auth) = proxy_for(self.proxies.as_deref(), &clean).and_then(|i| i.basic_auth().cloned()) {
                parts.headers.insert(http::header::PROXY_AUTHORIZATION, auth);
            }
        }
        parts.uri = clean;
        Ok(parts)
    }
}

impl Transport for DefaultTransport {
    fn send(&self, request: http::Request<bytes::Bytes>, max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        Box::pin(self.round_trip(request, max_body))
    }

    fn send_streaming(&self, request: http::Request<bytes::Bytes>) -> BoxFuture<'_, Result<StreamingResponse, SendError>> {
        Box::pin(async move {
            let Opened { status, headers, body } = self.open(self.clean(request)?).await?;
            Ok(StreamingResponse { status, headers, body: BodyStream::new(body) })
        })
    }

    fn send_duplex(&self, request: http::Request<()>, body: StreamingBody) -> BoxFuture<'_, Result<StreamingResponse, SendError>> {
        Box::pin(async move {
            let (parts, ()) = request.into_parts();
            let length = body.length.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
            let parts = self.clean_parts(parts, length)?;
            // hyper stops reading a body at its `Content-Length`: one that
            // has more must fail the call, not be cut and reported sent
            // (`StreamingBody::new` holds its source to the length too, but
            // `chunks` is public and may have been replaced since).
            let mut body = body;
            body.chunks = crate::transport::exactly(body.chunks, body.length);
            let body = Streaming { body, sent: 0, phase: None };
            let Opened { status, headers, body } = self.open(http::Request::from_parts(parts, RequestBody::Streaming(body))).await?;
            Ok(StreamingResponse { status, headers, body: BodyStream::new(body) })
        })
    }
}

/// A response body as hyper delivers it, holding the connection's permit
/// until the body is done.
struct HyperChunks {
    body: hyper::body::Incoming,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl std::fmt::Debug for HyperChunks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HyperChunks")
    }
}

impl ReadChunks for HyperChunks {
    fn next_chunk(&mut self) -> BoxFuture<'_, Option<Result<bytes::Bytes, SendError>>> {
        Box::pin(async move {
            loop {
                match self.body.frame().await? {
                    Err(e) => return Some(Err(io(format!("reading the response body: {}", chain(&e))))),
                    // Trailers carry nothing the protocols use.
                    Ok(frame) => {
                        if let Ok(data) = frame.into_data() {
                            if !data.is_empty() {
                                return Some(Ok(data));
                            }
                        }
                    }
                }
            }
        })
    }
}

/// A request body: whole, or produced as it is sent.
enum RequestBody {
    Whole(Full<Bytes>),
    Streaming(Streaming),
}

/// A streamed request body, and the phase of its request to keep up to
/// date: `Sending` while its bytes go out, `Waiting` from its last one.
struct Streaming {
    body: StreamingBody,
    sent: u64,
    phase: Option<Arc<Mutex<Phase>>>,
}

impl Streaming {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, String>>> {
        let poll = self.body.chunks.poll_chunk(cx);
        let done = match &poll {
            Poll::Pending => return poll,
            Poll::Ready(Some(Ok(chunk))) => {
                self.sent = self.sent.saturating_add(chunk.len() as u64);
                // A body of known length is done with its last byte: hyper
                // need not ask again for its end.
                self.body.length.is_some_and(|n| self.sent >= n)
            }
            Poll::Ready(_) => true,
        };
        if let Some(phase) = &self.phase {
            *phase.lock().unwrap_or_else(|p| p.into_inner()) = if done { Phase::Waiting(tokio::time::Instant::now()) } else { Phase::Sending };
        }
        poll
    }
}

impl hyper::body::Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<hyper::body::Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            RequestBody::Whole(full) => Pin::new(full).poll_frame(cx).map_err(|never| match never {}),
            RequestBody::Streaming(s) => s.poll_chunk(cx).map(|chunk| chunk.map(|c| c.map(hyper::body::Frame::data).map_err(BoxError::from))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            RequestBody::Whole(full) => full.is_end_stream(),
            RequestBody::Streaming(_) => false,
        }
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            RequestBody::Whole(full) => full.size_hint(),
            RequestBody::Streaming(s) => s.body.length.map_or_else(hyper::body::SizeHint::default, hyper::body::SizeHint::with_exact),
        }
    }
}

/// A response whose head arrived.
struct Opened {
    status: u16,
    headers: Vec<(String, String)>,
    body: HyperChunks,
}

fn io(message: String) -> SendError {
    SendError::Transport(TransportError::new(TransportErrorKind::Io, message))
}

fn read_timeout(after: Duration) -> SendError {
    SendError::Timeout(TimeoutError { kind: TimeoutKind::Read, after, attempts: 1 })
}

/// An error and its sources, as one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// What a failed `request` means to the client's retry rules: a failure to
/// connect (nothing was sent), a connect timeout, or a failure after the
/// connection was made.
fn client_error(e: hyper_util::client::legacy::Error, connect_timeout: Duration) -> SendError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    while let Some(s) = source {
        if s.is::<ConnectTimedOut>() {
            return SendError::Timeout(TimeoutError { kind: TimeoutKind::Connect, after: connect_timeout, attempts: 1 });
        }
        source = s.source();
    }
    let kind = if e.is_connect() { TransportErrorKind::Connect } else { TransportErrorKind::Io };
    SendError::Transport(TransportError::new(kind, chain(&e)).with_cause(e))
}

/// Where a request is while it waits for its response head.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for the server (or for a pooled connection) since then.
    Waiting(tokio::time::Instant),
    /// A new connection for it is being made.
    Connecting,
    /// Its streamed body is being sent.
    Sending,
}

std::thread_local! {
    /// The phase of the request whose future is being polled on this thread,
    /// so the connector, which hyper calls from inside that poll, can say
    /// when a connection starts and ends.
    static CURRENT: std::cell::RefCell<Option<Arc<Mutex<Phase>>>> = const { std::cell::RefCell::new(None) };
}

/// A request future that makes its phase current while it is polled.
struct WithPhase<F> {
    phase: Arc<Mutex<Phase>>,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for WithPhase<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let previous = CURRENT.with(|c| c.replace(Some(Arc::clone(&this.phase))));
        let result = this.inner.as_mut().poll(cx);
        CURRENT.with(|c| *c.borrow_mut() = previous);
        result
    }
}

/// The connect timeout ran out (TCP, proxy tunnel and TLS together).
#[derive(Debug)]
struct ConnectTimedOut;

impl std::fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the connection was not made within the connect timeout")
    }
}

impl std::error::Error for ConnectTimedOut {}

/// Makes connections for hyper: TCP, or a CONNECT tunnel through a proxy,
/// then TLS for `https`, all under the connect timeout.
#[derive(Clone)]
struct Connector {
    tls: tokio_rustls::TlsConnector,
    proxies: Option<Arc<Matcher>>,
    connect_timeout: Duration,
}

impl Service<http::Uri> for Connector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: http::Uri) -> Self::Future {
        let this = self.clone();
        // The request that asked for this connection (if hyper called us from
        // inside its poll) waits for the connection, not for the server.
        let phase = CURRENT.with(|c| c.borrow().clone());
        if let Some(p) = &phase {
            *p.lock().unwrap_or_else(|p| p.into_inner()) = Phase::Connecting;
        }
        Box::pin(async move {
            let result = match tokio::time::timeout(this.connect_timeout, this.connect(dst)).await {
                Ok(result) => result,
                Err(_) => Err(Box::new(ConnectTimedOut) as BoxError),
            };
            if let Some(p) = phase {
                *p.lock().unwrap_or_else(|p| p.into_inner()) = Phase::Waiting(tokio::time::Instant::now());
            }
            result
        })
    }
}

impl Connector {
    async fn connect(&self, dst: http::Uri) -> Result<Stream, BoxError> {
        let https = dst.scheme_str() == Some("https");
        let host = dst.host().ok_or("the URL has no host")?.trim_start_matches('[').trim_end_matches(']').to_string();
        let port = dst.port_u16().unwrap_or(if https { 443 } else { 80 });
        let intercept = proxy_for(self.proxies.as_deref(), &dst);
        let (tcp, proxied) = match intercept {
            None => (tcp(&host, port).await?, false),
            Some(proxy) => {
                let proxy_uri = proxy.uri().clone();
                if proxy_uri.scheme_str() != Some("http") {
                    return Err(format!("proxy {}: only http:// proxies are supported", redact_url(&proxy_uri.to_string())).into());
                }
                if https {
                    let mut tunnel = Tunnel::new(proxy_uri.clone(), plain_connector());
                    if let Some(auth) = proxy.basic_auth() {
                        tunnel = tunnel.with_auth(auth.clone());
                    }
                    let io = tunnel.call(dst.clone()).await.map_err(|e| format!("proxy {}: {}", redact_url(&proxy_uri.to_string()), chain(&e)))?;
                    (io.into_inner(), false)
                } else {
                    let proxy_host = proxy_uri.host().ok_or("the proxy URL has no host")?.to_string();
                    (tcp(&proxy_host, proxy_uri.port_u16().unwrap_or(80)).await?, true)
                }
            }
        };
        if !https {
            return Ok(Stream::Plain { io: TokioIo::new(tcp), proxied });
        }
        let name = rustls::pki_types::ServerName::try_from(host.clone()).map_err(|e| format!("{host:?} is not a valid TLS server name: {e}"))?;
        let tls = self.tls.connect(name, tcp).await.map_err(|e| format!("TLS handshake with {host}: {e}"))?;
        let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
        Ok(Stream::Tls { io: Box::new(TokioIo::new(tls)), h2 })
    }
}

async fn tcp(host: &str, port: u16) -> Result<TcpStream, BoxError> {
    let stream = TcpStream::connect((host, port)).await.map_err(|e| format!("connecting to {host}:{port}: {e}"))?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// TCP to the proxy, for hyper-util's CONNECT tunnel.
fn plain_connector() -> HttpConnector {
    let mut c = HttpConnector::new();
    c.enforce_http(false);
    c.set_nodelay(true);
    c
}

/// A connection: plain TCP (perhaps to a proxy) or TLS.
enum Stream {
    Plain { io: TokioIo<TcpStream>, proxied: bool },
    Tls { io: Box<TokioIo<TlsStream<TcpStream>>>, h2: bool },
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        match self {
            Stream::Plain { proxied, .. } => Connected::new().proxy(*proxied),
            Stream::Tls { h2: true, .. } => Connected::new().negotiated_h2(),
            Stream::Tls { .. } => Connected::new(),
        }
    }
}

impl hyper::rt::Read for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: hyper::rt::ReadBufCursor<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_read(cx, buf),
            Stream::Tls { io, .. } => Pin::new(io.as_mut()).poll_read(cx, buf),
        }
    }
}

impl hyper::rt::Write for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_write(cx, buf),
            Stream::Tls { io, .. } => Pin::new(io.as_mut()).poll_write(cx, buf),
        }
    }

    // Forwarded: without them hyper falls back to copying each body chunk
    // into its own buffer before writing it (an 8 MiB part was held twice).
    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain { io, .. } => io.is_write_vectored(),
            Stream::Tls { io, .. } => io.is_write_vectored(),
        }
    }

    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[std::io::IoSlice<'_>]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_write_vectored(cx, bufs),
            Stream::Tls { io, .. } => Pin::new(io.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_flush(cx),
            Stream::Tls { io, .. } => Pin::new(io.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain { io, .. } => Pin::new(io).poll_shutdown(cx),
            Stream::Tls { io, .. } => Pin::new(io.as_mut()).poll_shutdown(cx),
        }
    }
}

/// rustls on *ring* with what AWS endpoints use and nothing else, so the
/// rest is left out of the binary: AES-GCM cipher suites (TLS 1.3, and TLS
/// 1.2 with ECDHE), X25519 and NIST P-256/P-384 key exchange, and RSA and
/// ECDSA certificate signatures (public CAs issue no Ed25519 certificates).
fn crypto_provider() -> rustls::crypto::CryptoProvider {
    use rustls::crypto::ring::{cipher_suite as suite, kx_group};
    use rustls::SignatureScheme as Scheme;
    use webpki::ring as alg;
    static SIGNATURES: rustls::crypto::WebPkiSupportedAlgorithms = rustls::crypto::WebPkiSupportedAlgorithms {
        all: &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
            alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ],
        mapping: &[
            (Scheme::ECDSA_NISTP384_SHA384, &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384]),
            (Scheme::ECDSA_NISTP256_SHA256, &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256]),
            (Scheme::RSA_PSS_SHA512, &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
            (Scheme::RSA_PSS_SHA384, &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
            (Scheme::RSA_PSS_SHA256, &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
            (Scheme::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
            (Scheme::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
            (Scheme::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
        ],
    };
    rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            suite::TLS13_AES_128_GCM_SHA256,
            suite::TLS13_AES_256_GCM_SHA384,
            suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1],
        signature_verification_algorithms: SIGNATURES,
        secure_random: &RingRandom,
        key_provider: &NoClientKeys,
    }
}

/// Randomness for TLS, from *ring* (the operating system's generator).
#[derive(Debug)]
struct RingRandom;

impl rustls::crypto::SecureRandom for RingRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), buf).map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

/// The client never authenticates with a certificate of its own.
#[derive(Debug)]
struct NoClientKeys;

impl rustls::crypto::KeyProvider for NoClientKeys {
    fn load_private_key(
        &self,
        _key: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General("client certificates are not supported".into()))
    }
}

/// Sleeps on the tokio timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_offers_h2_only_with_the_http2_feature() {
        assert_eq!(ALPN.contains(&&b"h2"[..]), cfg!(feature = "http2"));
        assert_eq!(ALPN.last(), Some(&&b"http/1.1"[..]));
    }

    fn transport() -> DefaultTransport {
        DefaultTransport::builder().proxies(Proxies::None).build().expect("transport")
    }

    #[test]
    fn requests_lose_user_information_and_caller_framing_headers() {
        let t = transport();
        let request = http::Request::builder()
            .method("POST")
            .uri("http://user:secret@127.0.0.1:9/a?b=c")
            .header("host", "evil.example")
            .header("content-length", "1")
            .header("transfer-encoding", "chunked")
            .header("connection", "upgrade")
            .header("x-amz-target", "T")
            .body(bytes::Bytes::from_static(b"{}"))
            .expect("request");
        let clean = t.clean(request).expect("cleaned");
        assert_eq!(clean.uri().to_string(), "http://127.0.0.1:9/a?b=c");
        let headers = clean.headers();
        assert_eq!(headers["host"], "127.0.0.1:9");
        assert_eq!(headers["content-length"], "2");
        assert!(headers.get("transfer-encoding").is_none() && headers.get("connection").is_none());
        assert_eq!(headers["x-amz-target"], "T");
        assert!(!format!("{headers:?}").contains("secret"));
    }

    #[test]
    fn explicit_proxies_and_no_proxy() {
        let proxies = Proxies::Explicit {
            http: Some("http://u:p@127.0.0.1:3128".into()),
            https: Some("http://127.0.0.1:3129".into()),
            no_proxy: Some("internal.example,10.0.0.0/8".into()),
        };
        let t = DefaultTransport::builder().proxies(proxies).build().expect("transport");
        let m = t.proxies.as_ref().expect("a matcher");
        let uri = |s: &str| s.parse::<http::Uri>().expect("uri");
        assert_eq!(m.intercept(&uri("https://logs.us-east-1.amazonaws.com/")).map(|i| i.uri().to_string()), Some("http://127.0.0.1:3129/".into()));
        assert!(m.intercept(&uri("https://api.internal.example/")).is_none());
        assert!(m.intercept(&uri("http://10.1.2.3/")).is_none());
        // Credentials for a plain-HTTP request through the proxy, never in Debug.
        let request = http::Request::builder().uri("http://example.com/").body(bytes::Bytes::new()).expect("request");
        let clean = t.clean(request).expect("cleaned");
        assert!(clean.headers().contains_key("proxy-authorization"));
        assert!(!format!("{t:?}").contains("u:p"));
        let builder = DefaultTransport::builder().proxies(Proxies::Explicit {
            http: Some("http://user:s3cret@proxy:3128".into()),
            https: None,
            no_proxy: None,
        });
        let shown = format!("{builder:?}");
        assert!(!shown.contains("s3cret") && shown.contains("http://***@proxy:3128"), "{shown}");
    }

    #[test]
    fn proxy_passwords_never_show_whatever_the_form() {
        for (url, shown) in [
            ("http://user:s3cret@proxy:3128", "http://***@proxy:3128"),
            ("user:s3cret@proxy:3128", "***@proxy:3128"),
            ("user:s3c@ret@proxy:3128", "***@proxy:3128"),
            ("http://user:s3c/ret@proxy:3128", "http://***@proxy:3128"),
            ("socks5://user:s3cret@proxy", "socks5://***@proxy"),
            ("http://proxy:3128", "http://proxy:3128"),
            ("proxy:3128", "proxy:3128"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
        for (http, https) in [("user:s3cret@proxy:3128", "bob:s3cret@[::1]:3128"), ("http://user:s3cret@proxy:3128", "https://u:s3cret@p")] {
            let proxies = Proxies::Explicit { http: Some(http.into()), https: Some(https.into()), no_proxy: Some("x".into()) };
            let builder = DefaultTransport::builder().proxies(proxies.clone());
            let transport = DefaultTransport::builder().proxies(proxies.clone()).build().expect("transport");
            for shown in [format!("{proxies:?}"), format!("{proxies:#?}"), format!("{builder:?}"), format!("{transport:?}")] {
                assert!(!shown.contains("s3cret"), "{shown}");
            }
        }
    }

    #[test]
    fn loopback_and_link_local_destinations_are_never_proxied() {
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "169.254.169.254",
            "169.254.170.2",
            "169.254.170.23",
            "[::1]",
            "::1",
            "[fe80::1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:169.254.169.254]",
            "[fd00:ec2::254]",
            "[fd00:ec2::23]",
            "localhost",
            "LOCALHOST.",
            "creds.localhost",
        ] {
            assert!(never_proxied(host), "{host}");
        }
        for host in ["10.0.0.1", "192.0.2.2", "[fd00::2]", "[2001:db8::1]", "example.com", "localhost.example.com", "169.255.0.1"] {
            assert!(!never_proxied(host), "{host}");
        }
        // Whatever the settings say: everything through the proxy, nothing excepted.
        let proxies = Proxies::Explicit { http: Some("http://u:p@10.9.9.9:3128".into()), https: Some("http://10.9.9.9:3128".into()), no_proxy: None };
        let t = DefaultTransport::builder().proxies(proxies).build().expect("transport");
        let m = t.proxies.as_deref();
        let uri = |s: &str| s.parse::<http::Uri>().expect("uri");
        for direct in ["http://169.254.170.2/v2/credentials/x", "http://169.254.169.254/latest/api/token", "https://127.0.0.1:8443/", "http://[fd00:ec2::23]/v1/credentials"] {
            assert!(proxy_for(m, &uri(direct)).is_none(), "{direct}");
        }
        assert!(proxy_for(m, &uri("https://sts.amazonaws.com/")).is_some());
        // Nor does a plain-HTTP request to them carry the proxy's credentials.
        let request = http::Request::builder().uri("http://169.254.170.2/v2/credentials/x").body(bytes::Bytes::new()).expect("request");
        assert!(!t.clean(request).expect("cleaned").headers().contains_key("proxy-authorization"));
    }

    #[test]
    fn ca_bundles_must_hold_certificates() {
        let e = DefaultTransport::builder().ca_bundle_pem(b"not pem").build().unwrap_err();
        assert!(e.0.contains("no certificate") || e.0.contains("not valid PEM"), "{e}");
        let e = DefaultTransport::builder().ca_bundle_file("/nonexistent/bundle.pem").build().unwrap_err();
        assert!(e.0.contains("cannot read the CA bundle /nonexistent/bundle.pem"), "{e}");
    }
}
