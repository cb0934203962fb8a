//! A transport for users' tests: [`ReplayTransport`] answers each request
//! with the next canned response, after checking that the request is the
//! one expected (method, path, query, the headers given, the body compared
//! as JSON, XML or form data where its `Content-Type` says so). A request
//! that differs, one too many, or one too few (see
//! [`ReplayTransport::assert_done`]) fails with a readable account of the
//! difference. [`RecordingTransport`] records real exchanges to a file once;
//! [`ReplayTransport::from_file`] replays them later. Recordings are meant
//! to be committed as fixtures, so they hold no secret: secret headers are
//! left out (or their values replaced by [`REDACTED`] in responses), and
//! the bodies of exchanges that carry credentials or `@sensitive` values
//! are replaced by [`REDACTED`].
//!
//! ```
//! use std::sync::Arc;
//! use smithy_gen_runtime::transport::replay::{Exchange, ReplayTransport};
//!
//! let replay = Arc::new(ReplayTransport::new(vec![Exchange::new("POST", "/")
//!     .header("x-amz-target", "Logs_20140328.DeleteDestination")
//!     .json_body(r#"{"destinationName": "d1"}"#)
//!     .responds(200, "{}")]));
//! let config = smithy_gen_runtime::Config::builder()
//!     .region("us-east-1")
//!     .credentials(smithy_gen_runtime::Credentials::new("AKID", "SECRET", None))
//!     .transport(replay.clone())
//!     .build();
//! // ... call the client under test with `config`, then:
//! // replay.assert_done();
//! # let _ = config;
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::request::RawResponse;
use crate::transport::{BoxFuture, SendError, Transport};
use crate::error::{TransportError, TransportErrorKind};

/// Headers a recording leaves out: they change with every request, so a
/// replay could never match them. (Secret headers are left out too: see
/// [`secret_header`].)
const VOLATILE: &[&str] = &["x-amz-date", "x-amz-content-sha256", "user-agent", "content-length", "host", "amz-sdk-invocation-id", "amz-sdk-request"];

/// What a recording holds in place of a secret: a response header's value,
/// and both bodies of an exchange marked
/// [`Sensitive`](crate::transport::Sensitive) (a credential provider's
/// request, or an operation whose bodies may hold `@sensitive` members). A
/// replayed request body given as this is not compared; a replayed
/// response body given as this fails the request, saying what to do.
pub const REDACTED: &str = "<redacted by RecordingTransport: it carries credentials or @sensitive values>";

/// Whether a header carries a secret a recording must not keep (shared
/// with the presigned requests' `Debug`; see its documentation).
pub use crate::request::secret_header;

/// One expected request and the response it gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub method: String,
    /// The path, percent-encoded as sent, without the query.
    pub path: String,
    /// The query's pairs as sent (decoded), in any order; `None`: not checked.
    pub query: Option<Vec<(String, String)>>,
    /// Headers the request must carry with these values (names in any case);
    /// others are not checked.
    pub headers: Vec<(String, String)>,
    /// The body expected; `None`: not checked.
    pub body: Option<String>,
    /// How to compare the body: a media type (`application/json`,
    /// `text/xml`, `application/x-www-form-urlencoded`); else the request's
    /// `Content-Type`; byte for byte when neither says.
    pub media_type: Option<String>,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Vec<u8>,
}

impl Exchange {
    /// A `method` request to `path` (query not checked) answered `200` with
    /// an empty body until told otherwise.
    pub fn new(method: &str, path: &str) -> Exchange {
        Exchange {
            method: method.to_string(),
            path: path.to_string(),
            query: None,
            headers: Vec::new(),
            body: None,
            media_type: None,
            status: 200,
            response_headers: Vec::new(),
            response_body: Vec::new(),
        }
    }

    /// The request carries the query parameter `name=value`; given once, the
    /// query must hold exactly the parameters given.
    pub fn query(mut self, name: &str, value: &str) -> Exchange {
        self.query.get_or_insert_with(Vec::new).push((name.to_string(), value.to_string()));
        self
    }

    /// The request carries header `name` with `value`.
    pub fn header(mut self, name: &str, value: &str) -> Exchange {
        self.headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// The body, compared as JSON values.
    pub fn json_body(mut self, body: &str) -> Exchange {
        self.body = Some(body.to_string());
        self.media_type = Some("application/json".into());
        self
    }

    /// The body, compared as XML trees.
    pub fn xml_body(mut self, body: &str) -> Exchange {
        self.body = Some(body.to_string());
        self.media_type = Some("application/xml".into());
        self
    }

    /// The body, compared as the media type of the request's `Content-Type`.
    pub fn body(mut self, body: &str) -> Exchange {
        self.body = Some(body.to_string());
        self
    }

    /// The answer: `status` and `body`.
    pub fn responds(mut self, status: u16, body: impl Into<Vec<u8>>) -> Exchange {
        self.status = status;
        self.response_body = body.into();
        self
    }

    /// A header of the answer.
    pub fn response_header(mut self, name: &str, value: &str) -> Exchange {
        self.response_headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// What differs between `request` and this expectation, one line each.
    fn differences(&self, request: &http::Request<bytes::Bytes>) -> Vec<String> {
        let mut out = Vec::new();
        if !request.method().as_str().eq_ignore_ascii_case(&self.method) {
            out.push(format!("method: sent {}, expected {}", request.method(), self.method));
        }
        if request.uri().path() != self.path {
            out.push(format!("path: sent {}, expected {}", request.uri().path(), self.path));
        }
        let secret = request.extensions().get::<crate::transport::AuthSecret>();
        if let Some(want) = &self.query {
            let mut sent = query_pairs(request.uri().query().unwrap_or_default());
            // A recorded secret (an API key) matches whatever is sent.
            for (k, v) in &mut sent {
                if want.iter().any(|(wk, wv)| wk == k && wv == REDACTED) {
                    *v = REDACTED.to_string();
                }
            }
            let mut want = want.clone();
            sent.sort();
            want.sort();
            if sent != want {
                out.push(format!("query: sent {}, expected {}", show_pairs(&masked(sent, request)), show_pairs(&masked(want, request))));
            }
        }
        for (name, value) in &self.headers {
            let sent: Vec<&str> = request.headers().get_all(name.as_str()).iter().filter_map(|v| v.to_str().ok()).collect();
            if !sent.contains(&value.as_str()) {
                let hidden = secret_header(name)
                    || matches!(secret, Some(crate::transport::AuthSecret::Header(h)) if h.eq_ignore_ascii_case(name))
                    || sensitive_names(request).is_some_and(|n| n.header(name));
                let problem = match (sent.is_empty(), hidden) {
                    (true, _) if hidden => format!("header {name}: sent nothing, expected a value (not shown: it carries a secret)"),
                    (true, _) => format!("header {name}: sent nothing, expected {value:?}"),
                    (false, true) => format!("header {name}: sent a value other than the one expected (neither shown: it carries a secret)"),
                    (false, false) => format!("header {name}: sent {:?}, expected {value:?}", sent.join(", ")),
                };
                out.push(problem);
            }
        }
        if let Some(want) = self.body.as_ref().filter(|b| b.as_str() != REDACTED) {
            let content_type = request.headers().get("content-type").and_then(|v| v.to_str().ok());
            let media_type = self.media_type.as_deref().or(content_type);
            if let Err(e) = crate::protocol_test::body_equivalent(request.body(), want, media_type) {
                // The difference quotes the body sent, which may hold
                // `@sensitive` values.
                out.push(if crate::transport::is_sensitive(request) {
                    "body: differs from the one expected (neither shown: the request may hold @sensitive values)".to_string()
                } else {
                    e
                });
            }
        }
        out
    }

    fn response(&self) -> RawResponse {
        RawResponse::new(self.status, self.response_headers.clone(), self.response_body.clone())
    }

    fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query.as_ref().map(|q| q.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>()),
            "headers": self.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "body": self.body,
            "media_type": self.media_type,
            "status": self.status,
            "response_headers": self.response_headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "response_body": String::from_utf8_lossy(&self.response_body),
        })
    }

    fn from_json(v: &Value, at: &str) -> Result<Exchange, String> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let pairs = |k: &str| -> Result<Vec<(String, String)>, String> {
            match v.get(k) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|p| match p.as_array().map(Vec::as_slice) {
                        Some([Value::String(a), Value::String(b)]) => Ok((a.clone(), b.clone())),
                        _ => Err(format!("{at}: `{k}` holds something other than [name, value] pairs")),
                    })
                    .collect(),
                Some(_) => Err(format!("{at}: `{k}` is not a list")),
            }
        };
        Ok(Exchange {
            method: text("method").ok_or_else(|| format!("{at}: no method"))?,
            path: text("path").ok_or_else(|| format!("{at}: no path"))?,
            query: if v.get("query").is_some_and(|q| !q.is_null()) { Some(pairs("query")?) } else { None },
            headers: pairs("headers")?,
            body: text("body"),
            media_type: text("media_type"),
            status: v.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok()).ok_or_else(|| format!("{at}: no status"))?,
            response_headers: pairs("response_headers")?,
            response_body: text("response_body").unwrap_or_default().into_bytes(),
        })
    }
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (crate::request::percent_decode(k), crate::request::percent_decode(v))
        })
        .collect()
}

/// The names of `request`'s headers and query parameters that carry
/// `@sensitive` values, when it has any.
fn sensitive_names(request: &http::Request<bytes::Bytes>) -> Option<&crate::request::SensitiveNames> {
    request.extensions().get::<crate::request::SensitiveNames>()
}

/// Query parameters of a presigned URL that are recorded redacted: the
/// signature and the session token grant access; the credential names the
/// access key (not a secret, but it identifies the account, and the
/// `Authorization` header that carries it otherwise is left out), so a
/// recording replays with any credentials.
const SIGNING_QUERY: &[&str] = &["X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Credential"];

/// Whether `request`'s query parameter `name` carries a secret: the API key
/// (the request's [`AuthSecret`](crate::transport::AuthSecret)), a
/// `@sensitive` value, a presigned URL's signature, session token or
/// credential, or a parameter whose name says it holds a secret (the
/// [`secret_header`] rule: `Password`, `x-api-key`...).
fn secret_query(request: &http::Request<bytes::Bytes>, name: &str) -> bool {
    matches!(request.extensions().get::<crate::transport::AuthSecret>(), Some(crate::transport::AuthSecret::Query(q)) if q == name)
        || sensitive_names(request).is_some_and(|n| n.query(name))
        || SIGNING_QUERY.iter().any(|s| s.eq_ignore_ascii_case(name))
        || secret_header(name)
}

/// `pairs` with the values of `request`'s secret query parameters hidden.
fn masked(mut pairs: Vec<(String, String)>, request: &http::Request<bytes::Bytes>) -> Vec<(String, String)> {
    for (k, v) in &mut pairs {
        if v != REDACTED && secret_query(request, k) {
            *v = HIDDEN.to_string();
        }
    }
    pairs
}

/// What messages show in place of a secret sent.
const HIDDEN: &str = "<secret, not shown>";

/// `METHOD URI` for messages, the values of secret query parameters (the
/// API key, `@sensitive` members', a presigned URL's signature) hidden.
fn shown(request: &http::Request<bytes::Bytes>) -> String {
    let uri = request.uri();
    let base = format!("{} {}{}", request.method(), uri.authority().map(|a| format!("{}://{a}", uri.scheme_str().unwrap_or("http"))).unwrap_or_default(), uri.path());
    let Some(query) = uri.query() else { return base };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            let decoded = query_pairs(key).into_iter().next().map(|(k, _)| k).unwrap_or_default();
            if secret_query(request, &decoded) {
                format!("{key}={HIDDEN}")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

fn show_pairs(pairs: &[(String, String)]) -> String {
    let items: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("[{}]", items.join(", "))
}

#[derive(Debug, Default)]
struct State {
    pending: VecDeque<Exchange>,
    /// Requests answered so far.
    served: usize,
    /// Everything that did not go as expected, in order.
    problems: Vec<String>,
}

/// Plays a list of [`Exchange`]s in order. Cheap to share (`Arc`).
#[derive(Debug)]
pub struct ReplayTransport {
    state: Mutex<State>,
}

impl ReplayTransport {
    pub fn new(exchanges: Vec<Exchange>) -> ReplayTransport {
        ReplayTransport { state: Mutex::new(State { pending: exchanges.into(), ..State::default() }) }
    }

    /// The exchanges a [`RecordingTransport`] saved.
    pub fn from_file(path: impl AsRef<Path>) -> Result<ReplayTransport, String> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON ({e})", path.display()))?;
        let items = json.as_array().ok_or_else(|| format!("{}: not a list of exchanges", path.display()))?;
        let exchanges = items
            .iter()
            .enumerate()
            .map(|(i, v)| Exchange::from_json(v, &format!("{} exchange {}", path.display(), i + 1)))
            .collect::<Result<_, _>>()?;
        Ok(ReplayTransport::new(exchanges))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Panic, with every difference, unless each exchange was played in
    /// order with the request expected and no request came beyond them.
    #[track_caller]
    pub fn assert_done(&self) {
        if let Err(e) = self.check_done() {
            panic!("{e}");
        }
    }

    /// [`assert_done`](Self::assert_done) as a `Result`.
    pub fn check_done(&self) -> Result<(), String> {
        let s = self.state();
        let mut problems = s.problems.clone();
        if !s.pending.is_empty() {
            let left: Vec<String> = s.pending.iter().map(|e| format!("{} {}", e.method, e.path)).collect();
            problems.push(format!("{} expected request(s) never came: {}", left.len(), left.join("; ")));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("the replay did not go as expected ({} request(s) answered):\n- {}", s.served, problems.join("\n- ")))
        }
    }

    fn answer(&self, request: &http::Request<bytes::Bytes>) -> Result<RawResponse, SendError> {
        let mut s = self.state();
        let n = s.served + s.problems.len() + 1;
        // Never the API key a query carries (the headers are not shown).
        let shown = shown(request);
        let Some(next) = s.pending.pop_front() else {
            let problem = format!("request {n} ({shown}) came after every expected one was played");
            s.problems.push(problem.clone());
            return Err(SendError::Transport(TransportError::new(TransportErrorKind::Other, format!("replay: {problem}"))));
        };
        let diff = next.differences(request);
        if diff.is_empty() && next.response_body == REDACTED.as_bytes() {
            let problem = format!(
                "request {n} ({shown}) was recorded with its bodies redacted (it carries credentials or @sensitive values): \
                 replace the exchange's response_body with a made-up answer, or give the replayed configuration static credentials and remove the exchange"
            );
            s.problems.push(problem.clone());
            return Err(SendError::Transport(TransportError::new(TransportErrorKind::Other, format!("replay: {problem}"))));
        }
        if diff.is_empty() {
            s.served += 1;
            return Ok(next.response());
        }
        let problem = format!("request {n} ({shown}) differs from the one expected:\n    {}", diff.join("\n    "));
        s.problems.push(problem.clone());
        Err(SendError::Transport(TransportError::new(TransportErrorKind::Other, format!("replay: {problem}"))))
    }
}

impl Transport for ReplayTransport {
    fn send(&self, request: http::Request<bytes::Bytes>, _max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        Box::pin(std::future::ready(self.answer(&request)))
    }
}

/// Sends through another transport and records each exchange, for
/// [`ReplayTransport::from_file`]: method, path, query, the headers that do
/// not change from one request to the next, the body, and the response.
/// Written by [`save`](Self::save) to a file only its owner can read
/// (`0600` on Unix).
///
/// A recording holds no secret, so it can be committed as a fixture:
/// - request headers that carry secrets ([`secret_header`]:
///   `Authorization`, `X-Amz-Security-Token`, `x-aws-ec2-metadata-token`,
///   `x-amz-sso_bearer_token`, cookies...) are left out, and the values of
///   such response headers (`Set-Cookie`) are [`REDACTED`];
/// - request headers that carry `@sensitive` members' values are left
///   out, and such query parameters' values are [`REDACTED`] (the request's
///   [`SensitiveNames`](crate::request::SensitiveNames)), as are the
///   values of the response headers that carry `@sensitive` output members
///   (S3 `PutObject`'s `x-amz-server-side-encryption-aws-kms-key-id`);
/// - an exchange marked [`Sensitive`](crate::transport::Sensitive) (every
///   request of the credential providers, which use the configuration's
///   transport: instance metadata, container endpoints, STS `AssumeRole*`,
///   SSO, SSO-OIDC; and every operation whose bodies may hold `@sensitive`
///   members) is kept with both bodies [`REDACTED`]: the file shows that
///   the call was made and how it was answered, never what it carried. A
///   replay does not compare such a request body, and fails a request whose
///   recorded answer is redacted, saying so: replays run with static
///   credentials, or with made-up answers written in place of the marker.
pub struct RecordingTransport {
    inner: Arc<dyn Transport>,
    path: PathBuf,
    exchanges: Mutex<Vec<Exchange>>,
}

impl fmt::Debug for RecordingTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingTransport").field("path", &self.path).finish_non_exhaustive()
    }
}

impl RecordingTransport {
    pub fn new(inner: Arc<dyn Transport>, path: impl Into<PathBuf>) -> RecordingTransport {
        RecordingTransport { inner, path: path.into(), exchanges: Mutex::new(Vec::new()) }
    }

    /// Write what was recorded so far to the file (replacing it), readable
    /// by its owner only (`0600` on Unix, also when the file was there).
    pub fn save(&self) -> Result<(), String> {
        use std::io::Write;
        let exchanges = self.exchanges.lock().unwrap_or_else(|p| p.into_inner());
        let json = Value::Array(exchanges.iter().map(Exchange::to_json).collect());
        let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
        let at = |e: std::io::Error| format!("{}: {e}", self.path.display());
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path).map_err(at)?;
        // A file that was there keeps its mode on open: narrow it before
        // anything is written.
        #[cfg(unix)]
        file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600)).map_err(at)?;
        file.write_all(text.as_bytes()).map_err(at)
    }

    async fn record(&self, request: http::Request<bytes::Bytes>, max_body: usize) -> Result<RawResponse, SendError> {
        let sensitive = crate::transport::is_sensitive(&request);
        let auth_secret = request.extensions().get::<crate::transport::AuthSecret>().cloned();
        let mut exchange = Exchange::new(request.method().as_str(), request.uri().path());
        let mut query = query_pairs(request.uri().query().unwrap_or_default());
        for (k, v) in &mut query {
            if secret_query(&request, k) {
                *v = REDACTED.to_string();
            }
        }
        exchange.query = Some(query);
        let sensitive_header = |name: &str| sensitive_names(&request).is_some_and(|n| n.header(name));
        let secret_name = match &auth_secret {
            Some(crate::transport::AuthSecret::Header(h)) => Some(h.as_str()),
            _ => None,
        };
        for (name, value) in request.headers() {
            if !VOLATILE.contains(&name.as_str()) && !secret_header(name.as_str()) && secret_name != Some(name.as_str()) && !sensitive_header(name.as_str()) {
                if let Ok(v) = value.to_str() {
                    exchange.headers.push((name.as_str().to_string(), v.to_string()));
                }
            }
        }
        if !request.body().is_empty() {
            exchange.body = Some(if sensitive { REDACTED.to_string() } else { String::from_utf8_lossy(request.body()).into_owned() });
        }
        let names = sensitive_names(&request).cloned().unwrap_or_default();
        let response = self.inner.send(request, max_body).await?;
        exchange.status = response.status;
        exchange.response_headers = response
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), if secret_header(k) || names.response_header(k) { REDACTED.to_string() } else { v.clone() }))
            .collect();
        exchange.response_body = if sensitive && !response.body.is_empty() { REDACTED.as_bytes().to_vec() } else { response.body.to_vec() };
        self.exchanges.lock().unwrap_or_else(|p| p.into_inner()).push(exchange);
        Ok(response)
    }
}

impl Transport for RecordingTransport {
    fn send(&self, request: http::Request<bytes::Bytes>, max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        Box::pin(self.record(request, max_body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::AuthSecret;

    fn request(uri: &str, header: Option<(&str, &str)>, secret: AuthSecret) -> http::Request<bytes::Bytes> {
        let mut b = http::Request::builder().method("GET").uri(uri);
        if let Some((k, v)) = header {
            b = b.header(k, v);
        }
        let mut r = b.body(bytes::Bytes::new()).expect("a request");
        r.extensions_mut().insert(secret);
        r
    }

    fn send(replay: &ReplayTransport, r: http::Request<bytes::Bytes>) -> String {
        match replay.answer(&r) {
            Err(SendError::Transport(t)) => t.to_string(),
            other => panic!("expected a mismatch, got {:?}", other.map(|r| r.status)),
        }
    }

    #[test]
    fn mismatches_never_show_the_api_key_of_a_query_or_header() {
        let replay = ReplayTransport::new(vec![
            Exchange::new("GET", "/stats").query("api_key", "expected-key").query("page", "2"),
            Exchange::new("GET", "/stats").header("x-team-token", "EXPECTEDSECRET"),
            Exchange::new("GET", "/stats").header("authorization", "Bearer EXPECTEDSECRET"),
        ]);
        let e = send(&replay, request("http://127.0.0.1:9/stats?page=1&api_key=TOPSECRET1", None, AuthSecret::Query("api_key".into())));
        assert!(!e.contains("TOPSECRET") && !e.contains("expected-key") && e.contains("page=1") && e.contains("/stats"), "{e}");
        let e = send(&replay, request("http://127.0.0.1:9/stats", Some(("x-team-token", "TOPSECRET2")), AuthSecret::Header("x-team-token".into())));
        assert!(!e.contains("TOPSECRET") && !e.contains("EXPECTEDSECRET") && e.contains("x-team-token"), "{e}");
        let e = send(&replay, request("http://127.0.0.1:9/stats", Some(("authorization", "Bearer TOPSECRET3")), AuthSecret::Header("x-other".into())));
        assert!(!e.contains("TOPSECRET") && !e.contains("EXPECTEDSECRET"), "{e}");
        // One too many: the URI shown without the key.
        let e = send(&replay, request("http://127.0.0.1:9/stats?api_key=TOPSECRET4", None, AuthSecret::Query("api_key".into())));
        assert!(!e.contains("TOPSECRET") && e.contains("api_key="), "{e}");
        let done = replay.check_done().expect_err("mismatches");
        assert!(!done.contains("TOPSECRET") && !done.contains("EXPECTEDSECRET"), "{done}");
    }

    /// A request whose `x-pin` header and `token` query parameter carry
    /// `@sensitive` values (as `http_request!` marks them).
    fn sensitive_request() -> http::Request<bytes::Bytes> {
        let mut r = http::Request::builder()
            .method("GET")
            .uri("http://127.0.0.1:9/pins?token=QUERYCANARY&page=2")
            .header("x-pin", "HEADERCANARY")
            .header("x-plain", "shown")
            .body(bytes::Bytes::new())
            .expect("a request");
        let mut names = crate::request::SensitiveNames::default();
        names.add_header("X-Pin");
        names.add_query("token");
        r.extensions_mut().insert(names);
        r
    }

    #[test]
    fn recordings_hold_no_sensitive_header_or_query_value() {
        let inner = Arc::new(ReplayTransport::new(vec![Exchange::new("GET", "/pins").responds(200, "{}")]));
        let recorder = RecordingTransport::new(inner, std::env::temp_dir().join("unused-recording.json"));
        crate::transport::block_on::block_on(recorder.record(sensitive_request(), 1 << 20)).expect("answered");
        let exchanges = recorder.exchanges.lock().expect("not poisoned");
        let text = serde_json::to_string(&exchanges[0].to_json()).expect("json");
        assert!(!text.contains("CANARY"), "{text}");
        assert!(exchanges[0].headers.iter().all(|(k, _)| k != "x-pin"), "the header is left out");
        assert!(exchanges[0].headers.contains(&("x-plain".to_string(), "shown".to_string())));
        let query = exchanges[0].query.as_ref().expect("recorded");
        assert!(query.contains(&("token".to_string(), REDACTED.to_string())) && query.contains(&("page".to_string(), "2".to_string())), "{query:?}");
        // The recording replays: a redacted query value matches any.
        let replay = ReplayTransport::new(exchanges.clone());
        assert!(replay.answer(&sensitive_request()).is_ok());
    }

    #[test]
    fn mismatches_never_show_sensitive_values() {
        let replay = ReplayTransport::new(vec![Exchange::new("GET", "/pins").query("token", "WANTED").header("x-pin", "WANTEDPIN")]);
        let e = match replay.answer(&sensitive_request()) {
            Err(SendError::Transport(t)) => t.to_string(),
            other => panic!("expected a mismatch, got {:?}", other.map(|r| r.status)),
        };
        assert!(!e.contains("CANARY") && !e.contains("WANTED") && e.contains("page=2") && e.contains("x-pin"), "{e}");
    }

    #[test]
    fn the_uri_shown_hides_signing_parameters_and_adds_no_bare_question_mark() {
        let mut r = sensitive_request();
        *r.uri_mut() = "http://127.0.0.1:9/pins".parse().expect("a uri");
        assert_eq!(shown(&r), "GET http://127.0.0.1:9/pins");
        *r.uri_mut() = "http://127.0.0.1:9/k?X-Amz-Date=1&X-Amz-Security-Token=TOK&X-Amz-Signature=SIG&api%2Dkey=KEY".parse().expect("a uri");
        let s = shown(&r);
        assert!(!s.contains("TOK") && !s.contains("SIG") && !s.contains("KEY") && s.contains("X-Amz-Date=1"), "{s}");
    }

    #[test]
    fn recordings_redact_sensitive_output_headers() {
        let mut r = sensitive_request();
        if let Some(names) = r.extensions_mut().get_mut::<crate::request::SensitiveNames>() {
            names.add_response_header("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id");
            names.add_response_prefix("x-secret-");
        }
        let answer = Exchange::new("GET", "/pins")
            .responds(200, "")
            .response_header("x-amz-server-side-encryption-aws-kms-key-id", "KMSCANARY")
            .response_header("x-secret-a", "PREFIXCANARY")
            .response_header("x-pin", "ECHOCANARY")
            .response_header("etag", "shown");
        let recorder = RecordingTransport::new(Arc::new(ReplayTransport::new(vec![answer])), std::env::temp_dir().join("unused-recording.json"));
        crate::transport::block_on::block_on(recorder.record(r, 1 << 20)).expect("answered");
        let exchanges = recorder.exchanges.lock().expect("not poisoned");
        let text = serde_json::to_string(&exchanges[0].to_json()).expect("json");
        assert!(!text.contains("CANARY") && text.contains("shown"), "{text}");
    }

    #[test]
    fn a_sensitive_requests_body_mismatch_does_not_show_the_body() {
        let replay = ReplayTransport::new(vec![Exchange::new("POST", "/pins").json_body(r#"{"Pin":"WANTED"}"#)]);
        let mut r = http::Request::builder().method("POST").uri("http://127.0.0.1:9/pins").body(bytes::Bytes::from_static(br#"{"Pin":"BODYCANARY"}"#)).expect("a request");
        crate::transport::mark_sensitive(&mut r);
        let e = match replay.answer(&r) {
            Err(SendError::Transport(t)) => t.to_string(),
            other => panic!("expected a mismatch, got {:?}", other.map(|r| r.status)),
        };
        assert!(!e.contains("CANARY") && !e.contains("WANTED") && e.contains("body: differs"), "{e}");
    }
}
