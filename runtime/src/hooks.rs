//! Request hooks: code of the user's that sees each attempt of every call a
//! configuration makes, registered with `ConfigBuilder::hook` and run in the
//! order registered. `before_sign` may add, change or remove headers (the
//! signature then covers them); `after_response` sees each HTTP response,
//! success or error, before the client reads it.
//!
//! ```
//! use std::sync::Arc;
//! use smithy_gen_runtime::hooks::{HookRequest, HookResponse, RequestHook};
//!
//! /// Tags every request, and counts throttling answers.
//! #[derive(Debug, Default)]
//! struct Tagging(std::sync::atomic::AtomicUsize);
//!
//! impl RequestHook for Tagging {
//!     fn before_sign(&self, request: &mut HookRequest<'_>) -> Result<(), String> {
//!         request.set_header("x-team", "payments");
//!         Ok(())
//!     }
//!     fn after_response(&self, response: &HookResponse<'_>) {
//!         if response.status == 429 {
//!             self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
//!         }
//!     }
//! }
//!
//! let config = smithy_gen_runtime::Config::builder()
//!     .region("us-east-1")
//!     .credentials(smithy_gen_runtime::Credentials::new("AKID", "SECRET", None))
//!     .hook(Arc::new(Tagging::default()))
//!     .build();
//! # let _ = config;
//! ```

use std::fmt;
use std::time::Duration;

/// One attempt's request, before it is signed.
#[derive(Debug)]
pub struct HookRequest<'a> {
    /// The service's `sdkId` (`STS`) or, without one, its signing name.
    pub service: &'a str,
    /// The operation (`GetCallerIdentity`).
    pub operation: &'a str,
    /// 1 for the first attempt.
    pub attempt: u32,
    pub method: &'a str,
    pub url: &'a str,
    /// Lower-case names; `host` and the signature's headers are added after
    /// the hooks.
    pub headers: &'a mut Vec<(String, String)>,
    pub body: &'a [u8],
}

impl HookRequest<'_> {
    /// Set `name` (any case) to `value`, replacing what it had.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(k, _)| *k != name);
        self.headers.push((name, value.into()));
    }

    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One attempt's response.
#[derive(Debug)]
pub struct HookResponse<'a> {
    pub service: &'a str,
    pub operation: &'a str,
    pub attempt: u32,
    pub status: u16,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// From sending the request to the end of the response body.
    pub elapsed: Duration,
}

impl HookResponse<'_> {
    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A request hook. Both methods do nothing unless implemented.
pub trait RequestHook: Send + Sync + fmt::Debug {
    /// Before each attempt is signed. An `Err` stops the call before
    /// anything is sent (a `Transport` error of kind `Hook` with the message).
    fn before_sign(&self, _request: &mut HookRequest<'_>) -> Result<(), String> {
        Ok(())
    }

    /// After each attempt's response arrived (whatever its status).
    fn after_response(&self, _response: &HookResponse<'_>) {}
}
