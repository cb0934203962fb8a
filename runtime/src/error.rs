//! Failures of a call that are not modeled errors of the operation: unmodeled
//! service errors, invalid input, transport failures, timeouts and responses
//! that cannot be parsed. Each generated operation error enum has one variant
//! per kind here beside its modeled errors.

use std::fmt;
use std::time::Duration;

use crate::request::RawResponse;

pub use crate::types::validate::ValidationError;

/// What the service said about an error response. `Default` (status 0, no
/// code) is for tests' mocks: `ErrorMeta { status: 404, code: "NoSuchKey".into(), ..Default::default() }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorMeta {
    pub status: u16,
    /// The error code with any `namespace#` prefix and `:suffix` removed.
    pub code: String,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// Attempts made before this response was accepted as final.
    pub attempts: u32,
}

/// What every error's `Display` ends with: the request id when there is
/// one, and how many attempts were made (` (request id R, 2 attempts)`).
fn write_context(f: &mut fmt::Formatter<'_>, request_id: Option<&str>, attempts: u32) -> fmt::Result {
    let plural = if attempts == 1 { "" } else { "s" };
    match request_id {
        Some(id) => write!(f, " (request id {id}, {attempts} attempt{plural})"),
        None => write!(f, " ({attempts} attempt{plural})"),
    }
}

impl fmt::Display for ErrorMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.code, self.status)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        write_context(f, self.request_id.as_deref(), self.attempts.max(1))
    }
}

impl std::error::Error for ErrorMeta {}

/// The members of a modeled error that travel in HTTP headers (restJson1
/// `@httpHeader`, such as a throttling error's `Retry-After`), read after its
/// body. Every generated error structure implements it (most with nothing
/// to read); a header that does not parse leaves its member unset.
pub trait ErrorHeaders {
    fn read_headers(&mut self, _response: &RawResponse) {}
}

/// A modeled error of an operation: the error structure's fields (reachable
/// through `Deref`) and what the response said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Modeled<T> {
    pub error: T,
    pub meta: ErrorMeta,
}

impl<T> Modeled<T> {
    /// A modeled error as a mock: the error structure and what the response
    /// would have said (`Modeled::new(NoSuchKey::builder().build(), ErrorMeta { status: 404, ..Default::default() })`).
    pub fn new(error: T, meta: ErrorMeta) -> Self {
        Modeled { error, meta }
    }
}

impl<T> std::ops::Deref for Modeled<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.error
    }
}

impl<T: fmt::Debug> fmt::Display for Modeled<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.meta, f)
    }
}

impl<T: fmt::Debug> std::error::Error for Modeled<T> {}

/// Why the request could not be sent or its response not received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (nothing was sent).
    Connect,
    /// The connection failed while sending or receiving.
    Io,
    /// The response body is larger than the configured limit.
    BodyTooLarge,
    /// The request could not be built or signed (bad endpoint, header value).
    InvalidRequest,
    /// No credentials to sign with: the provider's error (nothing was sent).
    Credentials,
    /// A request hook refused the request (nothing was sent).
    Hook,
    /// A streamed response body does not match the checksum its response
    /// gave (`x-amz-checksum-*`, with checksum validation on).
    ChecksumMismatch,
    /// The transport reported something else.
    Other,
}

/// Why no response came. `message` says it in words (the cause's chain
/// included); [`source`](std::error::Error::source) gives the cause itself
/// when there is one (the HTTP client's error).
#[derive(Debug, Clone)]
pub struct TransportError {
    pub kind: TransportErrorKind,
    pub message: String,
    pub attempts: u32,
    pub cause: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

/// Kind, message and attempts (causes are not comparable).
impl PartialEq for TransportError {
    fn eq(&self, other: &Self) -> bool {
        (self.kind, &self.message, self.attempts) == (other.kind, &other.message, other.attempts)
    }
}

impl Eq for TransportError {}

impl TransportError {
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into(), attempts: 1, cause: None }
    }

    /// The same error, with the error that caused it.
    pub fn with_cause(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(std::sync::Arc::new(cause));
        self
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "cannot connect",
            TransportErrorKind::Io => "connection failed",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::InvalidRequest => "invalid request",
            TransportErrorKind::Credentials => "cannot sign",
            TransportErrorKind::Hook => "a request hook refused the request",
            TransportErrorKind::ChecksumMismatch => "checksum mismatch",
            TransportErrorKind::Other => "transport error",
        };
        write!(f, "{what}: {}", self.message)?;
        write_context(f, None, self.attempts.max(1))
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|c| c as &(dyn std::error::Error + 'static))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Connecting (the configuration's connect timeout).
    Connect,
    /// Waiting for the response headers or body (its read timeout).
    Read,
    /// One attempt took longer than the configuration's attempt timeout.
    Attempt,
    /// The whole call took longer than the operation timeout.
    Operation,
    /// A streamed response body moved less than the minimum throughput
    /// over the grace period (see the `streams::stalled` module).
    StalledDownload,
    /// A streamed request body was taken by the connection at less than the
    /// minimum throughput over the grace period.
    StalledUpload,
    /// An event stream received nothing for its idle limit.
    EventStreamIdle,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError {
    pub kind: TimeoutKind,
    pub after: Duration,
    pub attempts: u32,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connecting (connect timeout)",
            TimeoutKind::Read => "waiting for the response (read timeout)",
            TimeoutKind::Attempt => "in one attempt (attempt timeout)",
            TimeoutKind::Operation => "in all (operation timeout, every attempt included)",
            TimeoutKind::StalledDownload => "of a stalled download (the streamed body moved less than the minimum throughput; stalled-stream protection)",
            TimeoutKind::StalledUpload => "of a stalled upload (the connection took less of the body than the minimum throughput; stalled-stream protection)",
            TimeoutKind::EventStreamIdle => "without an event (the event stream's idle limit)",
        };
        write!(f, "timed out after {:?} {what}", self.after)?;
        write_context(f, None, self.attempts.max(1))
    }
}

impl std::error::Error for TimeoutError {}

/// A response that does not match what the protocol and model promise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub status: u16,
    /// What could not be parsed and why.
    pub message: String,
    /// The start of the body, lossily decoded, for diagnosis (empty when
    /// `body_withheld`).
    pub body_excerpt: String,
    /// The body may hold secrets (the operation's output has `@sensitive`
    /// members): no part of it is shown, and quoted values in `message` are
    /// hidden too (see [`withhold_body`]).
    pub body_withheld: bool,
    pub request_id: Option<String>,
    /// Attempts made before this response.
    pub attempts: u32,
}

impl ParseError {
    pub fn new(response: &RawResponse, message: impl Into<String>) -> Self {
        const MAX: usize = 200;
        let text = String::from_utf8_lossy(&response.body[..response.body.len().min(MAX)]).into_owned();
        let body_excerpt = if response.body.len() > MAX { format!("{text}…") } else { text };
        ParseError {
            status: response.status,
            message: message.into(),
            body_excerpt,
            body_withheld: false,
            request_id: response.request_id().map(str::to_string),
            attempts: response.attempts.max(1),
        }
    }

    /// The same error without any part of the body: no excerpt, and every
    /// quoted value in the message (a JSON parser's `invalid type: string
    /// "…"`) hidden. A header's error keeps its leading ``header `name`
    /// (member `field`): `` (names from the model, not the response).
    pub fn withheld(mut self) -> Self {
        self.body_excerpt.clear();
        let (names, rest) = self.message.split_at(header_names_len(&self.message));
        self.message = format!("{names}{}", hide_quoted(rest));
        self.body_withheld = true;
        self
    }
}

/// The length of the ``header `name` (member `field`): `` a header's parse
/// error starts with (`rest_json::header`), or 0: the name a token, the
/// field a Rust identifier, so no value of the response fits in them.
fn header_names_len(message: &str) -> usize {
    let quoted = |text: &str, allowed: fn(u8) -> bool| -> Option<usize> {
        let inner = text.strip_prefix('`')?;
        let end = inner.find('`')?;
        (end > 0 && inner.as_bytes()[..end].iter().all(|b| allowed(*b))).then_some(end + 2)
    };
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_|~".contains(&b);
    let field = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let parse = || -> Option<usize> {
        let mut at = "header ".len();
        let rest = message.strip_prefix("header ")?;
        let name = quoted(rest, token)?;
        at += name;
        let rest = message[at..].strip_prefix(" (member ")?;
        at += " (member ".len();
        let member = quoted(rest, field)?;
        at += member;
        message[at..].starts_with("): ").then_some(at + "): ".len())
    };
    parse().unwrap_or(0)
}

/// `text` with what stands between double quotes or backticks replaced by
/// `…` (an unclosed quote hides the rest). Inside double quotes, `\`
/// escapes the next character (`"a\"b"` is one quoted value).
fn hide_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match open {
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    open = Some(c);
                }
            }
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => {
                out.push('…');
                out.push(c);
                open = None;
            }
            Some(_) => {}
        }
    }
    if open.is_some() {
        out.push('…');
    }
    out
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot parse the response (HTTP {}): {}", self.status, self.message)?;
        if self.body_withheld {
            f.write_str("; body withheld: the output holds sensitive members")?;
        } else if !self.body_excerpt.is_empty() {
            write!(f, "; body starts {:?}", self.body_excerpt)?;
        }
        write_context(f, self.request_id.as_deref(), self.attempts)
    }
}

impl std::error::Error for ParseError {}

/// Every way a call fails other than a modeled error. Generated operation
/// errors convert from it.
#[derive(Debug)]
pub enum Failure {
    Unmodeled(Box<ErrorMeta>),
    Validation(ValidationError),
    Transport(TransportError),
    Timeout(TimeoutError),
    Parse(Box<ParseError>),
}

/// The broad class of an operation error, for callers that treat all
/// operations alike (the `smithy-call` tool maps it to an exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The service answered with an error (modeled or not).
    Service,
    Validation,
    Transport,
    Timeout,
    Parse,
}

/// Implemented by every generated operation error.
pub trait OperationError: std::error::Error {
    fn kind(&self) -> ErrorKind;
    /// The service's error code, for service errors.
    fn code(&self) -> Option<&str>;
    /// What the service said about a service error.
    fn meta(&self) -> Option<&ErrorMeta>;

    /// The service's message about a service error, if it sent one
    /// (modelled or not: `err.message()` where aws-sdk-rust has
    /// `ProvideErrorMetadata::message`).
    fn message(&self) -> Option<&str> {
        self.meta().and_then(|m| m.message.as_deref())
    }
}

/// An operation's result from its response: a non-2xx response becomes the
/// operation's error (`error`), a 2xx one is read with `parse`, whose
/// failures convert into the operation's error too.
pub fn output<T, E: From<Failure>>(
    response: &RawResponse,
    error: fn(&RawResponse) -> E,
    parse: impl FnOnce(&RawResponse) -> Result<T, Failure>,
) -> Result<T, E> {
    if !response.is_success() {
        return Err(error(response));
    }
    parse(response).map_err(E::from)
}

/// `parse` (a successful response to an output) for an operation whose
/// output holds `@sensitive` members (the generator passes every such
/// operation's parser through it): a failure shows no part of the body,
/// which may hold credentials or tokens (SSO `GetRoleCredentials`, STS
/// `AssumeRole`, SSO-OIDC `CreateToken`), in its `Display`, its `Debug` or
/// anything that logs them.
pub fn withhold_body<T>(parse: impl FnOnce(&RawResponse) -> Result<T, Failure>) -> impl FnOnce(&RawResponse) -> Result<T, Failure> {
    move |response| {
        parse(response).map_err(|e| match e {
            Failure::Parse(p) => Failure::Parse(Box::new(p.withheld())),
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output of numbers only: a string value fails with the value quoted.
    type Out = std::collections::BTreeMap<String, u64>;

    fn parse(body: &str) -> Result<Out, Failure> {
        let response = RawResponse::new(200, vec![("x-amzn-requestid".into(), "R1".into())], body.as_bytes().to_vec());
        let error = |_: &RawResponse| Failure::Validation(ValidationError { type_name: "Out", violations: Vec::new() });
        output(&response, error, withhold_body(crate::protocols::json::parse_body))
    }

    #[test]
    fn a_withheld_body_shows_nowhere() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWITHHELD";
        for body in [
            format!(r#"{{"secretAccessKey": "{secret}", "expiration": 17"#),
            format!(r#"{{"secretAccessKey": "{secret}", "expiration": "{secret}"}}"#),
            format!(r#"{{"secretAccessKey": 5, "expiration": "{secret}"}}"#),
            format!("<html>{secret}"),
        ] {
            let Err(Failure::Parse(e)) = parse(&body) else { panic!("a parse error for {body}") };
            assert!(e.body_withheld && e.body_excerpt.is_empty());
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("wJalrXUtnFEMI") && !shown.contains("WITHHELD"), "{shown}");
            assert!(shown.contains("body withheld: the output holds sensitive members") && shown.contains("request id R1"), "{shown}");
        }
        // Without the marking, the excerpt helps diagnosis.
        let response = RawResponse::new(200, Vec::new(), b"{\"a\": 1".to_vec());
        let plain = ParseError::new(&response, "invalid body");
        assert!(plain.to_string().contains(r#"body starts "{\"a\": 1""#), "{plain}");
    }

    #[test]
    fn quoted_values_are_hidden() {
        assert_eq!(hide_quoted(r#"invalid type: string "s3cret", expected u64"#), r#"invalid type: string "…", expected u64"#);
        assert_eq!(hide_quoted("unknown variant `s3cret`, expected one of `A`"), "unknown variant `…`, expected one of `…`");
        assert_eq!(hide_quoted(r#"unclosed "s3cret"#), r#"unclosed "…"#);
        assert_eq!(hide_quoted("EOF while parsing a string at line 1 column 40"), "EOF while parsing a string at line 1 column 40");
        // An escaped quote does not end the value.
        assert_eq!(hide_quoted(r#"string "a\"b", expected u64"#), r#"string "…", expected u64"#);
        assert_eq!(hide_quoted(r#"string "a\\" then "b""#), r#"string "…" then "…""#);
    }

    #[test]
    fn a_withheld_header_error_keeps_the_header_and_member_names() {
        let response = RawResponse::new(200, Vec::new(), b"{}".to_vec());
        let e = ParseError::new(&response, r#"header `x-count` (member `count`): "12ab\"secret": not a valid number"#).withheld();
        assert_eq!(e.message, r#"header `x-count` (member `count`): "…": not a valid number"#);
        // Anything else is hidden as before, also a look-alike whose names
        // could hold a value.
        let e = ParseError::new(&response, "header `x count` (member `c`): `v`").withheld();
        assert_eq!(e.message, "header `…` (member `…`): `…`");
        let e = ParseError::new(&response, "invalid type: string \"s3cret\"").withheld();
        assert_eq!(e.message, "invalid type: string \"…\"");
    }
}
