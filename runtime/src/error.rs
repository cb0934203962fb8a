//! Failures of a call that are not modeled errors of the operation: unmodeled
//! service errors, invalid input, transport failures, timeouts and responses
//! that cannot be parsed. Each generated operation error enum has one variant
//! per kind here beside its modeled errors.

use std::fmt;
use std::time::Duration;

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
    pub fn new(response: &super::request::RawResponse, message: impl Into<String>) -> Self {
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

/// `Display` and `Error` for a modeled error structure: its name, then its
/// `message` member when it has one and it is set.
#[doc(hidden)]
#[macro_export]
macro_rules! __error_service_error {
    ($name:ident, $label:literal) => {
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($label)
            }
        }
        impl ::std::error::Error for $name {}
    };
    ($name:ident, $label:literal, $message:ident) => {
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($label)?;
                if let ::std::option::Option::Some(m) = &self.$message {
                    write!(f, ": {m}")?;
                }
                ::std::result::Result::Ok(())
            }
        }
        impl ::std::error::Error for $name {}
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __error_service_error as service_error;

/// An operation's error enum (`<Op>Error`): one variant per modeled error
/// (`Variant(Type) = "wire code"`), given the operation's name and the
/// service's protocol, then the failures every operation shares,
/// with `from_response` (which picks the variant for an error response by its
/// code) and the impls (`Display`, `Error`, `From<Failure>`,
/// `OperationError`). Written once here instead of per operation; each
/// operation's file holds one invocation. (Unused when no operation feature is on.)
#[doc(hidden)]
#[macro_export]
macro_rules! __error_operation_error {
    ($name:ident, $operation:literal, $protocol:ident, { $($v:ident($t:ident) = $code:literal),* $(,)? }) => {
        #[doc = concat!(" Errors of `", $operation, "`: the operation's modeled errors, then failures every operation shares.")]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!(" The modeled error `", $code, "`.")]
                $v(::std::boxed::Box<$crate::error::Modeled<super::types::$t>>),
            )*
            /// An error response whose code is not one of the operation's modeled errors.
            Unmodeled(::std::boxed::Box<$crate::error::ErrorMeta>),
            /// The input breaks the model's constraints; nothing was sent.
            Validation($crate::error::ValidationError),
            /// The request could not be sent or the response not received.
            Transport($crate::error::TransportError),
            /// The connection or the response took too long.
            Timeout($crate::error::TimeoutError),
            /// The response does not match the protocol or the model.
            Parse(::std::boxed::Box<$crate::error::ParseError>),
        }

        impl $name {
            /// The error an error response stands for: the modeled error its
            /// code names, parsed, or `Unmodeled` with the response's metadata.
            #[inline]
            pub(crate) fn from_response(response: &$crate::request::RawResponse) -> Self {
                let meta = $crate::json::error_meta($crate::invoke::Protocol::$protocol, response);
                $(
                    if meta.code == $code {
                        return $crate::json::parse_error(response, meta)
                            .map_or_else(Self::from, |e| Self::$v(::std::boxed::Box::new(e)));
                    }
                )*
                Self::Unmodeled(::std::boxed::Box::new(meta))
            }
        }

        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    $(Self::$v(e) => ::std::fmt::Display::fmt(e, f),)*
                    Self::Unmodeled(e) => ::std::fmt::Display::fmt(e, f),
                    Self::Validation(e) => ::std::fmt::Display::fmt(e, f),
                    Self::Transport(e) => ::std::fmt::Display::fmt(e, f),
                    Self::Timeout(e) => ::std::fmt::Display::fmt(e, f),
                    Self::Parse(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }

        impl ::std::error::Error for $name {
            #[inline]
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    $(Self::$v(e) => ::std::option::Option::Some(&e.error),)*
                    Self::Unmodeled(e) => ::std::option::Option::Some(&**e),
                    Self::Validation(e) => ::std::option::Option::Some(e),
                    Self::Transport(e) => ::std::option::Option::Some(e),
                    Self::Timeout(e) => ::std::option::Option::Some(e),
                    Self::Parse(e) => ::std::option::Option::Some(&**e),
                }
            }
        }

        impl ::std::convert::From<$crate::error::Failure> for $name {
            #[inline]
            fn from(f: $crate::error::Failure) -> Self {
                use $crate::error::Failure;
                match f {
                    Failure::Unmodeled(e) => Self::Unmodeled(e),
                    Failure::Validation(e) => Self::Validation(e),
                    Failure::Transport(e) => Self::Transport(e),
                    Failure::Timeout(e) => Self::Timeout(e),
                    Failure::Parse(e) => Self::Parse(e),
                }
            }
        }

        impl $crate::error::OperationError for $name {
            #[inline]
            fn kind(&self) -> $crate::error::ErrorKind {
                use $crate::error::ErrorKind;
                match self {
                    $(Self::$v(_) |)* Self::Unmodeled(_) => ErrorKind::Service,
                    Self::Validation(_) => ErrorKind::Validation,
                    Self::Transport(_) => ErrorKind::Transport,
                    Self::Timeout(_) => ErrorKind::Timeout,
                    Self::Parse(_) => ErrorKind::Parse,
                }
            }
            #[inline]
            fn code(&self) -> ::std::option::Option<&str> {
                self.meta().map(|m| m.code.as_str())
            }
            #[inline]
            fn meta(&self) -> ::std::option::Option<&$crate::error::ErrorMeta> {
                match self {
                    $(Self::$v(e) => ::std::option::Option::Some(&e.meta),)*
                    Self::Unmodeled(e) => ::std::option::Option::Some(&**e),
                    _ => ::std::option::Option::None,
                }
            }
        }
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __error_operation_error as operation_error;
