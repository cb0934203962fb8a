//! The seam between the client and an HTTP stack. The default implementation
//! (feature `default-transport`) is in `default_transport`; bring your own by
//! implementing [`Transport`] and [`Sleep`] and setting them on the config.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::error::{TimeoutError, TransportError};
use super::request::RawResponse;

/// A boxed, sendable future, so the traits stay object-safe without macros.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    Transport(TransportError),
    Timeout(TimeoutError),
}

/// Sends one signed HTTP request and returns the whole response.
///
/// An implementation must enforce its own connect and read timeouts and
/// must refuse response bodies over `max_body` bytes with
/// [`TransportErrorKind::BodyTooLarge`](super::error::TransportErrorKind::BodyTooLarge)
/// (the client checks the limit again, but only after the body was read).
/// It must not retry: the client decides about retries.
pub trait Transport: Send + Sync + std::fmt::Debug {
    fn send(&self, request: http::Request<bytes::Bytes>, max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>>;
}

/// Waits between retries, on whatever runtime the transport uses.
pub trait Sleep: Send + Sync + std::fmt::Debug {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}
