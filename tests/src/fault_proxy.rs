//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1, between a client (pointed
//! at [`FaultProxy::endpoint`] as its endpoint) and a real server (moto),
//! for scripted network faults:
//!
//! ```no_run
//! use integration_tests::fault_proxy::{Fault, FaultProxy, Rule};
//!
//! // The first two `UploadPart`s of part 2 get a 500 InternalError.
//! let proxy = FaultProxy::start("http://127.0.0.1:5000", vec![
//!     Rule::new("PUT", Fault::error(500, "InternalError")).query("partNumber", "2").times(2),
//! ]);
//! // ... a client with `proxy.endpoint` as its endpoint ...
//! assert_eq!(proxy.hits(0).faulted, 2);
//! ```
//!
//! Each request is read whole (a `Content-Length` or `chunked` body), then
//! matched against the rules in order: the first matching rule with faults
//! left applies its [`Fault`]; every other request is forwarded as it came,
//! on a connection of its own to the upstream server (`Connection: close`),
//! and the whole response is read before it is passed back with a
//! `Content-Length`. Client connections are kept alive (several requests
//! each) unless a fault ends them. Everything seen is recorded
//! ([`FaultProxy::log`], [`FaultProxy::hits`]) for tests to assert on.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The longest request or response head read (a runaway peer is an error).
const MAX_HEAD: usize = 64 * 1024;
/// The largest body read whole.
const MAX_BODY: usize = 256 * 1024 * 1024;
/// How long a read from either side may wait.
const IO_TIMEOUT: Duration = Duration::from_secs(60);

/// What a matched rule does to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and an S3 XML error body with this code, without forwarding.
    Error { status: u16, code: String },
    /// Forward, then send the response head (with the whole body's
    /// `Content-Length`) and only the first `n` body bytes, and close the
    /// connection.
    DropAfter(usize),
    /// Forward, then send the response head and the first `after` body
    /// bytes, then nothing for `stall` (the connection open), then close it.
    Stall { after: usize, stall: Duration },
    /// Read the request and answer nothing for this long (the response
    /// head never comes), then close the connection; nothing is forwarded.
    Silence(Duration),
    /// Before forwarding, store these bytes at the request's path on the
    /// upstream server (an unsigned `PUT`: moto takes it as S3's
    /// `PutObject`), so the object changes under the request.
    ReplaceObject(Vec<u8>),
}

impl Fault {
    /// [`Fault::Error`] with `status` and the S3 error `code`.
    pub fn error(status: u16, code: &str) -> Fault {
        Fault::Error { status, code: code.to_string() }
    }

    fn name(&self) -> &'static str {
        match self {
            Fault::Error { .. } => "error",
            Fault::DropAfter(_) => "drop",
            Fault::Stall { .. } => "stall",
            Fault::Silence(_) => "silence",
            Fault::ReplaceObject(_) => "replace",
        }
    }
}

/// A request pattern and the fault it gets: a method, and optionally
/// query parameters, substrings of the request target and header values.
#[derive(Debug, Clone)]
pub struct Rule {
    method: String,
    query: Vec<(String, String)>,
    target: Vec<String>,
    headers: Vec<(String, String)>,
    times: Option<u32>,
    fault: Fault,
}

impl Rule {
    /// Requests with `method` (any target) get `fault`, every time.
    pub fn new(method: &str, fault: Fault) -> Rule {
        Rule { method: method.to_ascii_uppercase(), query: Vec::new(), target: Vec::new(), headers: Vec::new(), times: None, fault }
    }
    /// Only requests whose query has the parameter `name=value` (as sent, percent-encoded).
    pub fn query(mut self, name: &str, value: &str) -> Rule {
        self.query.push((name.to_string(), value.to_string()));
        self
    }
    /// Only requests whose target (path and query) contains `text`.
    pub fn target(mut self, text: &str) -> Rule {
        self.target.push(text.to_string());
        self
    }
    /// Only requests with a header `name` whose value contains `text`
    /// (`header("range", "bytes=5242880-")`).
    pub fn header(mut self, name: &str, text: &str) -> Rule {
        self.headers.push((name.to_ascii_lowercase(), text.to_string()));
        self
    }
    /// Only the first `n` matching requests get the fault; later ones are
    /// forwarded untouched (and still counted as matched).
    pub fn times(mut self, n: u32) -> Rule {
        self.times = Some(n);
        self
    }

    fn matches(&self, request: &Request) -> bool {
        request.method == self.method
            && self.target.iter().all(|t| request.target.contains(t.as_str()))
            && self.query.iter().all(|(k, v)| request.query_pairs().any(|(qk, qv)| qk == k && qv == v))
            && self.headers.iter().all(|(k, v)| request.header(k).is_some_and(|h| h.contains(v.as_str())))
    }
}

/// How often a rule matched and how often it applied its fault.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hits {
    /// Requests that matched the rule.
    pub matched: u32,
    /// Requests that got its fault.
    pub faulted: u32,
}

/// One request the proxy saw, and what it did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// The request's headers, as sent.
    pub headers: Vec<(String, String)>,
    /// The request body's length.
    pub body_len: usize,
    /// The rule whose fault it got (its index), if any.
    pub rule: Option<usize>,
    /// That fault's name (`error`, `drop`, `stall`, `silence`, `replace`).
    pub fault: Option<&'static str>,
    /// The status passed back (`None`: not yet, or the upstream failed and
    /// the client got a 502, or a silence).
    pub status: Option<u16>,
    /// What went wrong on the way, if anything.
    pub note: Option<String>,
}

impl Seen {
    /// The value of header `name` (any case), if the request had it.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
    /// The value of query parameter `name`, if the target has it.
    pub fn query(&self, name: &str) -> Option<&str> {
        query_pairs(&self.target).find(|(k, _)| *k == name).map(|(_, v)| v)
    }
}

/// A message's headers, in order, as sent.
type Headers = Vec<(String, String)>;

/// An HTTP/1.1 request, read whole.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
    fn query_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        query_pairs(&self.target)
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn query_pairs(target: &str) -> impl Iterator<Item = (&str, &str)> {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// Headers that describe one hop's connection or framing, never forwarded.
fn hop_by_hop(name: &str) -> bool {
    ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect", "content-length"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

fn invalid(what: impl Into<String>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.into())
}

/// A socket's bytes, read a buffer at a time, with what was read but not
/// yet used kept for the next message.
struct Wire {
    stream: TcpStream,
    pending: Vec<u8>,
}

impl Wire {
    fn new(stream: TcpStream) -> Wire {
        Wire { stream, pending: Vec::new() }
    }

    /// Read more: `false` at the end of the stream.
    fn fill(&mut self) -> std::io::Result<bool> {
        let mut buf = [0u8; 64 * 1024];
        let n = self.stream.read(&mut buf)?;
        self.pending.extend_from_slice(&buf[..n]);
        Ok(n > 0)
    }

    /// A message head (through the blank line), parsed into its start line
    /// and headers; `None` when the stream ends cleanly before one begins.
    fn head(&mut self) -> std::io::Result<Option<(String, Headers)>> {
        let end = loop {
            if let Some(i) = self.pending.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if self.pending.len() > MAX_HEAD {
                return Err(invalid(format!("a message head longer than {MAX_HEAD} bytes")));
            }
            if !self.fill()? {
                return if self.pending.is_empty() { Ok(None) } else { Err(invalid("the stream ended inside a message head")) };
            }
        };
        let text = String::from_utf8_lossy(&self.pending[..end]).into_owned();
        self.pending.drain(..end);
        let mut lines = text.split("\r\n");
        let start = lines.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        for line in lines.filter(|l| !l.is_empty()) {
            let (name, value) = line.split_once(':').ok_or_else(|| invalid(format!("a header line without a colon: {line:?}")))?;
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
        Ok(Some((start, headers)))
    }

    /// Exactly `n` bytes.
    fn take(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        if n > MAX_BODY {
            return Err(invalid(format!("a body of {n} bytes (more than {MAX_BODY})")));
        }
        while self.pending.len() < n {
            if !self.fill()? {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, format!("the stream ended after {} of {n} body bytes", self.pending.len())));
            }
        }
        Ok(self.pending.drain(..n).collect())
    }

    /// One line, without its CRLF.
    fn line(&mut self) -> std::io::Result<String> {
        loop {
            if let Some(i) = self.pending.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.pending[..i]).into_owned();
                self.pending.drain(..i + 2);
                return Ok(line);
            }
            if self.pending.len() > MAX_HEAD || !self.fill()? {
                return Err(invalid("the stream ended inside a chunk-size line"));
            }
        }
    }

    /// A `chunked` body, decoded (trailers read and dropped).
    fn chunked(&mut self) -> std::io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.line()?;
            let size = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16).map_err(|_| invalid(format!("a bad chunk size line: {line:?}")))?;
            if size == 0 {
                while !self.line()?.is_empty() {}
                return Ok(body);
            }
            if body.len() + size > MAX_BODY {
                return Err(invalid(format!("a chunked body of more than {MAX_BODY} bytes")));
            }
            body.extend(self.take(size)?);
            if !self.line()?.is_empty() {
                return Err(invalid("a chunk not followed by CRLF"));
            }
        }
    }

    /// Everything until the stream ends.
    fn rest(&mut self) -> std::io::Result<Vec<u8>> {
        while self.fill()? {
            if self.pending.len() > MAX_BODY {
                return Err(invalid(format!("a body of more than {MAX_BODY} bytes")));
            }
        }
        Ok(std::mem::take(&mut self.pending))
    }

    /// The body that follows `headers`: chunked, of a `Content-Length`, or
    /// (`to_end`, responses only) until the stream ends.
    fn body(&mut self, headers: &[(String, String)], to_end: bool) -> std::io::Result<Vec<u8>> {
        if header(headers, "transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
            return self.chunked();
        }
        match header(headers, "content-length") {
            Some(n) => self.take(n.parse().map_err(|_| invalid(format!("a bad Content-Length: {n:?}")))?),
            None if to_end => self.rest(),
            None => Ok(Vec::new()),
        }
    }

    /// A whole request; `None` when the client closed the connection between requests.
    fn request(&mut self) -> std::io::Result<Option<Request>> {
        let Some((start, headers)) = self.head()? else { return Ok(None) };
        let mut parts = start.split(' ');
        let (Some(method), Some(target), Some(_version)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid(format!("a bad request line: {start:?}")));
        };
        let (method, target) = (method.to_string(), target.to_string());
        if header(&headers, "expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
            self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let body = self.body(&headers, false)?;
        Ok(Some(Request { method, target, headers, body }))
    }

    /// A whole response to a request with `method`.
    fn response(&mut self, method: &str) -> std::io::Result<Response> {
        let (start, headers) = self.head()?.ok_or_else(|| invalid("the upstream closed the connection without answering"))?;
        let mut parts = start.splitn(3, ' ');
        let status = parts.nth(1).and_then(|s| s.parse::<u16>().ok()).ok_or_else(|| invalid(format!("a bad status line: {start:?}")))?;
        let reason = parts.next().unwrap_or("").to_string();
        if (100..200).contains(&status) {
            // An interim response (100 Continue): the real one follows.
            return self.response(method);
        }
        let body = if bodiless(method, status) { Vec::new() } else { self.body(&headers, true)? };
        Ok(Response { status, reason, headers, body })
    }
}

/// A response that has no body whatever its headers say.
fn bodiless(method: &str, status: u16) -> bool {
    method == "HEAD" || status == 204 || status == 304
}

/// Send `request` to `upstream` (`host:port`) on a new connection, and read the whole response.
fn exchange(upstream: &str, request: &Request) -> std::io::Result<Response> {
    let stream = TcpStream::connect(upstream)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    let mut wire = Wire::new(stream);
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    for (name, value) in request.headers.iter().filter(|(n, _)| !hop_by_hop(n)) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", request.body.len()));
    wire.stream.write_all(head.as_bytes())?;
    wire.stream.write_all(&request.body)?;
    wire.stream.flush()?;
    wire.response(&request.method)
}

/// Send one request to the HTTP server at `endpoint` (`http://host:port`)
/// and return its status and body: for what a test checks on the server
/// itself, bypassing the client (moto takes an unsigned request as S3's:
/// `request(&moto.endpoint, "GET", "/bucket?uploads", b"")` is
/// `ListMultipartUploads`).
pub fn request(endpoint: &str, method: &str, target: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    let host = endpoint.strip_prefix("http://").unwrap_or(endpoint).trim_end_matches('/');
    let request = Request { method: method.to_string(), target: target.to_string(), headers: vec![("Host".into(), host.into())], body: body.to_vec() };
    let response = exchange(host, &request)?;
    Ok((response.status, response.body))
}

/// The S3 XML error body of `code`.
fn s3_error(code: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>scripted by the fault proxy</Message><RequestId>fault-proxy</RequestId></Error>")
}

struct State {
    upstream: String,
    rules: Vec<Rule>,
    hits: Mutex<Vec<Hits>>,
    log: Mutex<Vec<Seen>>,
    stop: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding it leaves the data usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl State {
    /// The rule whose fault `request` gets, if any; counts the hits.
    fn decide(&self, request: &Request) -> Option<(usize, Fault)> {
        let mut hits = lock(&self.hits);
        let mut chosen = None;
        for (i, rule) in self.rules.iter().enumerate() {
            if !rule.matches(request) {
                continue;
            }
            hits[i].matched += 1;
            if chosen.is_none() && rule.times.is_none_or(|n| hits[i].faulted < n) {
                hits[i].faulted += 1;
                chosen = Some((i, rule.fault.clone()));
            }
        }
        chosen
    }

    /// Sleep for `time`, or until the proxy is dropped.
    fn wait(&self, time: Duration) {
        let until = Instant::now() + time;
        while Instant::now() < until && !self.stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Serve one client connection, request after request.
    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let mut wire = Wire::new(stream);
        while !self.stop.load(Ordering::SeqCst) {
            let request = match wire.request() {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) => {
                    lock(&self.log).push(Seen { method: String::new(), target: String::new(), headers: Vec::new(), body_len: 0, rule: None, fault: None, status: None, note: Some(format!("a request could not be read: {e}")) });
                    return;
                }
            };
            let close = request.header("connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
            let chosen = self.decide(&request);
            let mut seen = Seen {
                method: request.method.clone(),
                target: request.target.clone(),
                headers: request.headers.clone(),
                body_len: request.body.len(),
                rule: chosen.as_ref().map(|(i, _)| *i),
                fault: chosen.as_ref().map(|(_, f)| f.name()),
                status: None,
                note: None,
            };
            // Logged at once (a stalled answer shows while it stalls), completed after.
            let at = {
                let mut log = lock(&self.log);
                log.push(seen.clone());
                log.len() - 1
            };
            let keep = self.answer(&mut wire, &request, chosen.map(|(_, f)| f), &mut seen, at);
            self.record(at, &seen);
            if !keep || close {
                let _ = wire.stream.shutdown(Shutdown::Both);
                return;
            }
        }
    }

    /// Update log entry `at`.
    fn record(&self, at: usize, seen: &Seen) {
        if let Some(entry) = lock(&self.log).get_mut(at) {
            *entry = seen.clone();
        }
    }

    /// Answer `request` (with `fault`, if any; its log entry is `at`);
    /// `false` when the connection must end.
    fn answer(&self, wire: &mut Wire, request: &Request, fault: Option<Fault>, seen: &mut Seen, at: usize) -> bool {
        if let Some(Fault::Error { status, code }) = &fault {
            seen.status = Some(*status);
            self.record(at, seen);
            let body = s3_error(code);
            let head = format!("HTTP/1.1 {status} Scripted\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n", body.len());
            return wire.stream.write_all(head.as_bytes()).and_then(|()| wire.stream.write_all(body.as_bytes())).is_ok();
        }
        if let Some(Fault::Silence(silence)) = &fault {
            seen.note = Some(format!("answering nothing for {silence:?}"));
            self.record(at, seen);
            self.wait(*silence);
            seen.note = Some(format!("answered nothing for {silence:?}, then closed"));
            return false;
        }
        if let Some(Fault::ReplaceObject(bytes)) = &fault {
            let path = request.target.split('?').next().unwrap_or("/");
            let put = Request { method: "PUT".into(), target: path.to_string(), headers: vec![("Host".into(), self.upstream.clone())], body: bytes.clone() };
            match exchange(&self.upstream, &put) {
                Ok(r) if r.status == 200 => seen.note = Some(format!("replaced {path} with {} bytes", bytes.len())),
                Ok(r) => seen.note = Some(format!("the replacing PUT of {path} got {}: {}", r.status, String::from_utf8_lossy(&r.body))),
                Err(e) => seen.note = Some(format!("the replacing PUT of {path} failed: {e}")),
            }
        }
        let response = match exchange(&self.upstream, request) {
            Ok(r) => r,
            Err(e) => {
                seen.note = Some(format!("the upstream failed: {e}"));
                let body = format!("fault proxy: the upstream failed: {e}");
                let head = format!("HTTP/1.1 502 Bad Gateway\r\nContent-Length: {}\r\n\r\n", body.len());
                return wire.stream.write_all(head.as_bytes()).and_then(|()| wire.stream.write_all(body.as_bytes())).is_ok();
            }
        };
        seen.status = Some(response.status);
        // Recorded before the client can see the answer: a test that reads
        // the log once its call returns finds the status there.
        self.record(at, seen);
        let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, response.reason);
        let keep_length = bodiless(&request.method, response.status);
        for (name, value) in response.headers.iter().filter(|(n, _)| !hop_by_hop(n) || (keep_length && n.eq_ignore_ascii_case("content-length"))) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !keep_length {
            head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
        }
        head.push_str("\r\n");
        let (send, then) = match &fault {
            Some(Fault::DropAfter(n)) => (response.body.len().min(*n), None),
            Some(Fault::Stall { after, stall }) => (response.body.len().min(*after), Some(*stall)),
            _ => (response.body.len(), None),
        };
        let sent = wire.stream.write_all(head.as_bytes()).and_then(|()| wire.stream.write_all(&response.body[..send])).and_then(|()| wire.stream.flush());
        if sent.is_err() {
            seen.note = Some("the client went away before the response was sent".into());
            return false;
        }
        match (&fault, then) {
            (Some(Fault::DropAfter(_)), _) => {
                seen.note = Some(format!("dropped after {send} of {} body bytes", response.body.len()));
                false
            }
            (_, Some(stall)) => {
                seen.note = Some(format!("stalling after {send} of {} body bytes", response.body.len()));
                self.record(at, seen);
                self.wait(stall);
                seen.note = Some(format!("stalled after {send} of {} body bytes, then closed", response.body.len()));
                false
            }
            _ => true,
        }
    }
}

/// A fault-injecting proxy on 127.0.0.1 in front of an HTTP server (see the
/// [module](self)); it stops accepting when dropped.
pub struct FaultProxy {
    /// The proxy's base URL, `http://127.0.0.1:PORT`: the client's endpoint.
    pub endpoint: String,
    state: Arc<State>,
}

impl FaultProxy {
    /// A proxy in front of `upstream` (`http://host:port`) applying `rules`.
    pub fn start(upstream: &str, rules: Vec<Rule>) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a port on 127.0.0.1");
        let endpoint = format!("http://{}", listener.local_addr().expect("a bound address"));
        let upstream = upstream.strip_prefix("http://").unwrap_or(upstream).trim_end_matches('/').to_string();
        let hits = Mutex::new(vec![Hits::default(); rules.len()]);
        let state = Arc::new(State { upstream, rules, hits, log: Mutex::new(Vec::new()), stop: AtomicBool::new(false) });
        let accepting = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accepting.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let state = accepting.clone();
                std::thread::spawn(move || state.serve(stream));
            }
        });
        FaultProxy { endpoint, state }
    }

    /// Every request seen so far, in the order they came (a request being
    /// answered has no status yet).
    pub fn log(&self) -> Vec<Seen> {
        lock(&self.state.log).clone()
    }

    /// How often rule `index` (in the order given) matched and applied.
    pub fn hits(&self, index: usize) -> Hits {
        lock(&self.state.hits).get(index).copied().unwrap_or_default()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread so it sees the flag.
        if let Some(addr) = self.endpoint.strip_prefix("http://") {
            let _ = TcpStream::connect(addr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upstream that echoes each request's method, target and body length.
    fn echo() -> String {
        crate::serve_http_keep_alive(|head, body| {
            let line = head.lines().next().unwrap_or_default().to_string();
            (200, "x-echo: yes\r\n".into(), format!("{line} {}", body.len()))
        })
    }

    fn send(stream: &mut TcpStream, raw: &str) {
        stream.write_all(raw.as_bytes()).unwrap();
    }

    #[test]
    fn forwards_requests_on_a_kept_alive_connection_and_applies_faults_in_order() {
        let proxy = FaultProxy::start(&echo(), vec![Rule::new("PUT", Fault::error(503, "SlowDown")).query("partNumber", "2").times(1)]);
        let mut client = Wire::new(TcpStream::connect(proxy.endpoint.strip_prefix("http://").unwrap()).unwrap());
        // A chunked body, then two PUTs of part 2 on the same connection.
        send(&mut client.stream, "POST /b/k?uploads HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        let r = client.response("POST").unwrap();
        assert_eq!((r.status, String::from_utf8(r.body).unwrap()), (200, "POST /b/k?uploads HTTP/1.1 5".to_string()));
        assert_eq!(header(&r.headers, "x-echo"), Some("yes"));
        for expected in [503, 200] {
            send(&mut client.stream, "PUT /b/k?partNumber=2&uploadId=u HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nwxyz");
            let r = client.response("PUT").unwrap();
            assert_eq!(r.status, expected);
            if expected == 503 {
                assert!(String::from_utf8_lossy(&r.body).contains("<Code>SlowDown</Code>"));
            }
        }
        assert_eq!(proxy.hits(0), Hits { matched: 2, faulted: 1 });
        let log = proxy.log();
        assert_eq!(log.len(), 3);
        assert_eq!((log[0].body_len, log[1].fault, log[2].fault), (5, Some("error"), None));
        assert_eq!(log[1].query("partNumber"), Some("2"));
    }

    #[test]
    fn a_dropped_response_ends_mid_body() {
        let proxy = FaultProxy::start(&echo(), vec![Rule::new("GET", Fault::DropAfter(3))]);
        let mut client = Wire::new(TcpStream::connect(proxy.endpoint.strip_prefix("http://").unwrap()).unwrap());
        send(&mut client.stream, "GET /b/k HTTP/1.1\r\nHost: x\r\n\r\n");
        let e = client.response("GET").unwrap_err();
        assert!(e.to_string().contains("ended after 3 of"), "{e}");
        assert!(proxy.log()[0].note.as_deref().is_some_and(|n| n.starts_with("dropped after 3 of")), "{:?}", proxy.log());
    }
}
