//! Failures of a call that are not modeled errors of the operation: unmodeled
//! service errors, invalid input, transport failures, timeouts and responses
//! that cannot be parsed. Each generated operation error enum has one variant
//! per kind here beside its modeled errors.

use std::fmt;
use std::time::Duration;

use super::request::RawResponse;

pub use super::validate::ValidationError;

/// What the service said about an error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMeta {
    pub status: u16,
    /// The error code with any `namespace#` prefix and `:suffix` removed.
    pub code: String,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// Attempts made before this response was accepted as final.
    pub attempts: u32,
}

impl fmt::Display for ErrorMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.code, self.status)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
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
    /// The transport reported something else.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub kind: TransportErrorKind,
    pub message: String,
    pub attempts: u32,
}

impl TransportError {
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into(), attempts: 1 }
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
            TransportErrorKind::Other => "transport error",
        };
        write!(f, "{what}: {}", self.message)?;
        if self.attempts > 1 {
            write!(f, " (gave up after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    Connect,
    /// Waiting for the response headers or body.
    Read,
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
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Read => "waiting for the response",
        };
        write!(f, "timed out after {:?} {what}", self.after)?;
        if self.attempts > 1 {
            write!(f, " (gave up after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for TimeoutError {}

/// A response that does not match what the protocol and model promise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub status: u16,
    /// What could not be parsed and why.
    pub message: String,
    /// The start of the body, lossily decoded, for diagnosis.
    pub body_excerpt: String,
    pub request_id: Option<String>,
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
            request_id: response.request_id().map(str::to_string),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot parse the response (HTTP {}): {}", self.status, self.message)?;
        if !self.body_excerpt.is_empty() {
            write!(f, "; body starts {:?}", self.body_excerpt)?;
        }
        Ok(())
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
