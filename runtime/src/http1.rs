//! The default transport (feature `default-transport`): a small pooled
//! HTTP/1.1 client on tokio, with TLS by rustls (the `ring` provider and the
//! Mozilla root certificates from `webpki-roots`). It speaks what AWS
//! endpoints need and nothing more: one request at a time per connection,
//! request bodies with `Content-Length`, and responses framed by
//! `Content-Length`, by chunked encoding, or by the connection closing.
//! Certificates are always verified; there is no switch to turn that off.
//!
//! Responses are read defensively: the head is limited to 64 KiB, the body to
//! the configured maximum, and anything that is not valid HTTP/1.x framing is
//! an error, never a guess.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::error::{TimeoutError, TimeoutKind, TransportError, TransportErrorKind};
use super::request::RawResponse;
use super::transport::{BoxFuture, SendError, Sleep, Transport};

/// The longest response head (status line and headers) accepted.
const MAX_HEAD: usize = 64 * 1024;
/// The longest chunk-size or trailer line accepted.
const MAX_LINE: usize = 4096;
/// Idle connections kept per host, and how long one may stay idle.
const MAX_IDLE_PER_HOST: usize = 64;
const MAX_IDLE_TIME: Duration = Duration::from_secs(30);

/// HTTP/1.1 over TCP or TLS, with connection reuse and connect and read
/// timeouts. Needs a tokio runtime.
pub struct Http1Transport {
    tls: TlsConnector,
    idle: Mutex<HashMap<String, Vec<(Stream, Instant)>>>,
    connect_timeout: Duration,
    read_timeout: Duration,
}

impl std::fmt::Debug for Http1Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http1Transport")
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .finish()
    }
}

/// The TLS setup of an [`Http1Transport`] failed (an unusable extra root
/// certificate, a TLS configuration rustls refuses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSetupError(pub String);

impl std::fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TlsSetupError {}

impl Http1Transport {
    pub fn new(connect_timeout: Duration, read_timeout: Duration) -> Result<Self, TlsSetupError> {
        Self::with_extra_roots(connect_timeout, read_timeout, [])
    }

    /// Like [`new`](Self::new), also trusting the given root certificates
    /// (DER): a private CA, a TLS-intercepting proxy, a local mock server.
    pub fn with_extra_roots(
        connect_timeout: Duration,
        read_timeout: Duration,
        extra_roots: impl IntoIterator<Item = rustls::pki_types::CertificateDer<'static>>,
    ) -> Result<Self, TlsSetupError> {
        let provider = Arc::new(crypto_provider());
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        for (i, cert) in extra_roots.into_iter().enumerate() {
            roots.add(cert).map_err(|e| TlsSetupError(format!("extra root certificate {}: {e}", i + 1)))?;
        }
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsSetupError(format!("cannot set up TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Http1Transport {
            tls: TlsConnector::from(Arc::new(config)),
            idle: Mutex::new(HashMap::new()),
            connect_timeout,
            read_timeout,
        })
    }

    async fn round_trip(&self, request: http::Request<Vec<u8>>, max_body: usize) -> Result<RawResponse, SendError> {
        let target = Target::of(request.uri())?;
        let bytes = encode_request(&request, &target);
        let head_only = request.method() == http::Method::HEAD;
        let (mut stream, reused) = match self.checkout(&target.key) {
            Some(stream) => (stream, true),
            None => (self.connect(&target).await?, false),
        };
        if let Err(e) = stream.write_all(&bytes).await {
            // A pooled connection the server closed while it was idle: the
            // request did not get through, so it is safe to send on a new one.
            if !reused {
                return Err(io(format!("sending the request: {e}")));
            }
            stream = self.connect(&target).await?;
            stream.write_all(&bytes).await.map_err(|e| io(format!("sending the request: {e}")))?;
        }
        let (response, reusable) = read_response(&mut stream, head_only, max_body).await?;
        if reusable {
            self.checkin(target.key, stream);
        }
        Ok(response)
    }

    async fn connect(&self, target: &Target) -> Result<Stream, SendError> {
        let connecting = async {
            let tcp = TcpStream::connect((target.host.as_str(), target.port))
                .await
                .map_err(|e| connect_error(format!("connecting to {}:{}: {e}", target.host, target.port)))?;
            let _ = tcp.set_nodelay(true);
            if !target.tls {
                return Ok(Stream::Plain(tcp));
            }
            let name = rustls::pki_types::ServerName::try_from(target.host.clone())
                .map_err(|e| connect_error(format!("{:?} is not a valid TLS server name: {e}", target.host)))?;
            let tls = self
                .tls
                .connect(name, tcp)
                .await
                .map_err(|e| connect_error(format!("TLS handshake with {}: {e}", target.host)))?;
            Ok(Stream::Tls(Box::new(tls)))
        };
        match tokio::time::timeout(self.connect_timeout, connecting).await {
            Ok(result) => result,
            Err(_) => Err(SendError::Timeout(TimeoutError { kind: TimeoutKind::Connect, after: self.connect_timeout, attempts: 1 })),
        }
    }

    /// The most recently used idle connection to `key` that is still open.
    fn checkout(&self, key: &str) -> Option<Stream> {
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let streams = idle.get_mut(key)?;
        while let Some((stream, since)) = streams.pop() {
            if since.elapsed() < MAX_IDLE_TIME && stream.is_quiet() {
                return Some(stream);
            }
        }
        None
    }

    fn checkin(&self, key: String, stream: Stream) {
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let streams = idle.entry(key).or_default();
        if streams.len() < MAX_IDLE_PER_HOST {
            streams.push((stream, Instant::now()));
        }
    }
}

impl Transport for Http1Transport {
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        Box::pin(async move {
            match tokio::time::timeout(self.read_timeout, self.round_trip(request, max_body)).await {
                Ok(result) => result,
                Err(_) => Err(SendError::Timeout(TimeoutError { kind: TimeoutKind::Read, after: self.read_timeout, attempts: 1 })),
            }
        })
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

/// Where a request goes.
struct Target {
    tls: bool,
    host: String,
    port: u16,
    /// `scheme://host:port`, the key of the connection pool.
    key: String,
    /// The `Host` header's value.
    authority: String,
}

impl Target {
    fn of(uri: &http::Uri) -> Result<Target, SendError> {
        let invalid = |what: &str| SendError::Transport(TransportError::new(TransportErrorKind::InvalidRequest, format!("URL {uri}: {what}")));
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(invalid("the scheme must be http or https")),
        };
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
        let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_string();
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let key = format!("{}://{}:{port}", if tls { "https" } else { "http" }, authority.host());
        Ok(Target { tls, host, port, key, authority: authority.as_str().to_string() })
    }
}

/// The request line, the headers (with `Host` and `Content-Length` added
/// when missing) and the body, as one buffer: one write, one TLS record.
fn encode_request(request: &http::Request<Vec<u8>>, target: &Target) -> Vec<u8> {
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let body = request.body();
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(format!("{} {path} HTTP/1.1\r\n", request.method()).as_bytes());
    let headers = request.headers();
    let mut line = |name: &[u8], value: &[u8]| {
        out.extend_from_slice(name);
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    };
    if !headers.contains_key(http::header::HOST) {
        line(b"host", target.authority.as_bytes());
    }
    for (name, value) in headers {
        line(name.as_str().as_bytes(), value.as_bytes());
    }
    let bodiless = matches!(*request.method(), http::Method::GET | http::Method::HEAD | http::Method::DELETE | http::Method::OPTIONS);
    let length_implied = bodiless && body.is_empty();
    if !length_implied && !headers.contains_key(http::header::CONTENT_LENGTH) {
        line(b"content-length", body.len().to_string().as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// A TCP connection, with or without TLS.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf).await,
            Stream::Tls(s) => s.read(buf).await,
        }
    }

    async fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(data).await,
            Stream::Tls(s) => {
                s.write_all(data).await?;
                s.flush().await
            }
        }
    }

    /// Whether an idle connection can carry another request: the server has
    /// neither closed it nor sent anything unasked (such as a TLS alert).
    fn is_quiet(&self) -> bool {
        let tcp = match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_ref().0,
        };
        let mut probe = [0u8; 1];
        matches!(tcp.try_read(&mut probe), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    }
}

/// Bytes received and not yet consumed.
struct Received {
    buf: Vec<u8>,
    pos: usize,
}

impl Received {
    fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Read more from the stream; `Ok(0)` at the end of the stream.
    async fn fill(&mut self, stream: &mut Stream) -> Result<usize, SendError> {
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        let start = self.buf.len();
        self.buf.resize(start + 16 * 1024, 0);
        let result = stream.read(&mut self.buf[start..]).await;
        let n = *result.as_ref().unwrap_or(&0);
        self.buf.truncate(start + n);
        result.map_err(|e| io(format!("reading the response: {e}")))
    }

    /// The next line (without its line ending), at most `limit` bytes long.
    async fn line(&mut self, stream: &mut Stream, limit: usize, what: &str) -> Result<Vec<u8>, SendError> {
        loop {
            if let Some(i) = self.pending().iter().position(|b| *b == b'\n') {
                let line = self.pending()[..i].strip_suffix(b"\r").unwrap_or(&self.pending()[..i]).to_vec();
                self.pos += i + 1;
                return Ok(line);
            }
            if self.pending().len() > limit {
                return Err(invalid(format!("a {what} line is longer than {limit} bytes")));
            }
            if self.fill(stream).await? == 0 {
                return Err(io(format!("the connection closed in the middle of a {what} line")));
            }
        }
    }
}

/// The status line and headers of a response.
struct Head {
    minor_version: u8,
    status: u16,
    /// Names in lower case, values as sent (invalid UTF-8 replaced).
    headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether a comma-separated header lists `token` (case-insensitive).
    fn lists(&self, name: &str, token: &str) -> bool {
        self.values(name).flat_map(|v| v.split(',')).any(|t| t.trim().eq_ignore_ascii_case(token))
    }
}

/// How the body of a response ends.
enum Framing {
    Empty,
    Length(u64),
    Chunked,
    UntilClose,
}

/// Reads one response; says whether the connection can be reused.
async fn read_response(stream: &mut Stream, head_only: bool, max_body: usize) -> Result<(RawResponse, bool), SendError> {
    let mut received = Received { buf: Vec::with_capacity(16 * 1024), pos: 0 };
    let head = loop {
        let head = read_head(stream, &mut received).await?;
        match head.status {
            101 => return Err(invalid("the server switched protocols (101) unasked".into())),
            // Interim responses (100 Continue, 103 Early Hints): the final one follows.
            100..=199 => continue,
            _ => break head,
        }
    };
    let framing = framing(&head, head_only)?;
    let body = match framing {
        Framing::Empty => Vec::new(),
        Framing::Length(n) => read_length(stream, &mut received, n, max_body).await?,
        Framing::Chunked => read_chunked(stream, &mut received, max_body).await?,
        Framing::UntilClose => read_until_close(stream, &mut received, max_body).await?,
    };
    let reusable = head.minor_version == 1
        && !head.lists("connection", "close")
        && !matches!(framing, Framing::UntilClose)
        && received.pending().is_empty();
    Ok((RawResponse::new(head.status, head.headers, body), reusable))
}

async fn read_head(stream: &mut Stream, received: &mut Received) -> Result<Head, SendError> {
    loop {
        if let Some(end) = head_end(received.pending()) {
            let head = parse_head(&received.pending()[..end])?;
            received.pos += end;
            return Ok(head);
        }
        if received.pending().len() > MAX_HEAD {
            return Err(invalid(format!("the response head is longer than {MAX_HEAD} bytes")));
        }
        let before = received.pending().len();
        if received.fill(stream).await? == 0 {
            return Err(io(if before == 0 {
                "the connection closed without a response".to_string()
            } else {
                "the connection closed in the middle of the response head".to_string()
            }));
        }
    }
}

/// The length of the head (through its blank line), if all of it is here.
fn head_end(data: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = data[from..].iter().position(|b| *b == b'\n') {
        let at = from + i + 1;
        match data.get(at..) {
            Some([b'\n', ..]) => return Some(at + 1),
            Some([b'\r', b'\n', ..]) => return Some(at + 2),
            _ => from = at,
        }
    }
    None
}

fn parse_head(raw: &[u8]) -> Result<Head, SendError> {
    let mut lines = raw.split(|b| *b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = lines.next().unwrap_or_default();
    let (minor_version, status) = parse_status_line(status_line).ok_or_else(|| {
        let shown = String::from_utf8_lossy(&status_line[..status_line.len().min(60)]).into_owned();
        invalid(format!("not an HTTP/1.x status line: {shown:?}"))
    })?;
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if line[0] == b' ' || line[0] == b'\t' {
            return Err(invalid("a folded header line (obsolete in HTTP/1.1)".into()));
        }
        let colon = line.iter().position(|b| *b == b':').ok_or_else(|| invalid("a header line without ':'".into()))?;
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|b| b.is_ascii_graphic() && !b"\"(),/:;<=>?@[\\]{}".contains(b)) {
            return Err(invalid(format!("an invalid header name {:?}", String::from_utf8_lossy(name))));
        }
        let value = String::from_utf8_lossy(&line[colon + 1..]).trim_matches([' ', '\t']).to_string();
        headers.push((String::from_utf8_lossy(name).to_ascii_lowercase(), value));
    }
    Ok(Head { minor_version, status, headers })
}

/// `HTTP/1.x SSS reason`: the minor version and the status code.
fn parse_status_line(line: &[u8]) -> Option<(u8, u16)> {
    let rest = line.strip_prefix(b"HTTP/1.")?;
    let (&minor, rest) = rest.split_first()?;
    let rest = rest.strip_prefix(b" ")?;
    let code = rest.get(..3)?;
    if !code.iter().all(u8::is_ascii_digit) || !matches!(rest.get(3), None | Some(b' ')) || !matches!(minor, b'0' | b'1') {
        return None;
    }
    let status = code.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    (100..=599).contains(&status).then_some((minor - b'0', status))
}

fn framing(head: &Head, head_only: bool) -> Result<Framing, SendError> {
    if head_only || head.status == 204 || head.status == 304 {
        return Ok(Framing::Empty);
    }
    if head.values("transfer-encoding").next().is_some() {
        // RFC 9112 6.3: chunked must be the last coding; anything else is
        // delimited by the connection closing. It overrides Content-Length.
        let last = head.values("transfer-encoding").flat_map(|v| v.split(',')).last().unwrap_or("");
        return Ok(if last.trim().eq_ignore_ascii_case("chunked") { Framing::Chunked } else { Framing::UntilClose });
    }
    let mut length = None;
    for value in head.values("content-length").flat_map(|v| v.split(',')) {
        let value = value.trim();
        let n = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| invalid(format!("an invalid Content-Length {value:?}")))?;
        if length.is_some_and(|l| l != n) {
            return Err(invalid("Content-Length headers that disagree".into()));
        }
        length = Some(n);
    }
    Ok(length.map_or(Framing::UntilClose, Framing::Length))
}

async fn read_length(stream: &mut Stream, received: &mut Received, length: u64, max_body: usize) -> Result<Vec<u8>, SendError> {
    if length > max_body as u64 {
        return Err(too_large(max_body));
    }
    let length = length as usize;
    while received.pending().len() < length {
        if received.fill(stream).await? == 0 {
            let got = received.pending().len();
            return Err(io(format!("the connection closed after {got} of {length} body bytes")));
        }
    }
    let body = received.pending()[..length].to_vec();
    received.pos += length;
    Ok(body)
}

async fn read_chunked(stream: &mut Stream, received: &mut Received, max_body: usize) -> Result<Vec<u8>, SendError> {
    let mut body = Vec::new();
    loop {
        let line = received.line(stream, MAX_LINE, "chunk size").await?;
        let size = line.split(|b| *b == b';').next().unwrap_or_default();
        let size = std::str::from_utf8(size).unwrap_or("").trim_matches([' ', '\t']);
        let size = (!size.is_empty() && size.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u64::from_str_radix(size, 16).ok())
            .flatten()
            .ok_or_else(|| invalid(format!("an invalid chunk size {:?}", String::from_utf8_lossy(&line))))?;
        if size == 0 {
            // Trailer fields, up to the blank line; they are not kept.
            while !received.line(stream, MAX_LINE, "trailer").await?.is_empty() {}
            return Ok(body);
        }
        if body.len() as u64 + size > max_body as u64 {
            return Err(too_large(max_body));
        }
        let chunk = read_length(stream, received, size, max_body).await?;
        body.extend_from_slice(&chunk);
        if !received.line(stream, MAX_LINE, "chunk end").await?.is_empty() {
            return Err(invalid("a chunk longer than its size".into()));
        }
    }
}

async fn read_until_close(stream: &mut Stream, received: &mut Received, max_body: usize) -> Result<Vec<u8>, SendError> {
    loop {
        if received.pending().len() > max_body {
            return Err(too_large(max_body));
        }
        if received.fill(stream).await? == 0 {
            return Ok(received.pending().to_vec());
        }
    }
}

fn io(message: String) -> SendError {
    SendError::Transport(TransportError::new(TransportErrorKind::Io, message))
}

fn invalid(message: String) -> SendError {
    io(format!("invalid HTTP response: {message}"))
}

fn connect_error(message: String) -> SendError {
    SendError::Transport(TransportError::new(TransportErrorKind::Connect, message))
}

fn too_large(max: usize) -> SendError {
    SendError::Transport(TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("the response body exceeds the limit of {max} bytes"),
    ))
}
