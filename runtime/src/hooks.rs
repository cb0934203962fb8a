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

use crate::request::{secret_header, SensitiveNames};

/// One attempt's request, before it is signed. Its `Debug` hides the
/// values of secret headers ([`secret_header`]: `Authorization`,
/// `X-Amz-Security-Token`, S3's customer-provided keys...), of the headers
/// and query parameters that carry `@sensitive` values
/// ([`sensitive_names`](Self::sensitive_names)) or whose names say they
/// hold secrets, and the body when [`sensitive`](Self::sensitive).
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
    /// The operation's input or output may hold `@sensitive` values (the
    /// body may carry them): a hook that logs must not show the body.
    pub sensitive: bool,
    /// The headers and query parameters that carry `@sensitive` values: a
    /// hook that logs must not show their values.
    pub sensitive_names: &'a SensitiveNames,
}

/// What `Debug` shows in place of a secret or `@sensitive` value.
const HIDDEN: &str = "<sensitive>";

impl fmt::Debug for HookRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.sensitive_names;
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(k, v)| (k.as_str(), if secret_header(k) || names.header(k) { HIDDEN } else { v.as_str() })).collect();
        let body: &dyn fmt::Debug = if self.sensitive && !self.body.is_empty() { &HIDDEN } else { &String::from_utf8_lossy(self.body) };
        f.debug_struct("HookRequest")
            .field("service", &self.service)
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("method", &self.method)
            .field("url", &hidden_query(self.url, names))
            .field("headers", &headers)
            .field("body", body)
            .field("sensitive", &self.sensitive)
            .finish()
    }
}

/// `url` with the values of the query parameters that carry `@sensitive`
/// values (`names`) or whose names say they hold secrets replaced.
fn hidden_query(url: &str, names: &SensitiveNames) -> String {
    let Some((base, query)) = url.split_once('?') else { return url.to_string() };
    let params: Vec<String> = query
        .split('&')
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            let decoded = crate::request::percent_decode(name);
            if !value.is_empty() && (names.query(&decoded) || secret_header(&decoded)) {
                format!("{name}={HIDDEN}")
            } else {
                p.to_string()
            }
        })
        .collect();
    format!("{base}?{}", params.join("&"))
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

/// One attempt's response. Its `Debug` hides the values of secret headers
/// (`Set-Cookie`...), of the headers that carry `@sensitive` output
/// members ([`SensitiveNames::response_header`]), and the body when
/// [`sensitive`](Self::sensitive).
pub struct HookResponse<'a> {
    pub service: &'a str,
    pub operation: &'a str,
    pub attempt: u32,
    pub status: u16,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// From sending the request to the end of the response body.
    pub elapsed: Duration,
    /// The operation's input or output may hold `@sensitive` values (the
    /// body may carry them): a hook that logs must not show the body.
    pub sensitive: bool,
    /// The request's [`SensitiveNames`], whose response headers carry
    /// `@sensitive` values: a hook that logs must not show them.
    pub sensitive_names: &'a SensitiveNames,
}

impl fmt::Debug for HookResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.sensitive_names;
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), if secret_header(k) || names.response_header(k) { HIDDEN } else { v.as_str() }))
            .collect();
        let body: &dyn fmt::Debug = if self.sensitive && !self.body.is_empty() { &HIDDEN } else { &String::from_utf8_lossy(self.body) };
        f.debug_struct("HookResponse")
            .field("service", &self.service)
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("status", &self.status)
            .field("headers", &headers)
            .field("body", body)
            .field("elapsed", &self.elapsed)
            .field("sensitive", &self.sensitive)
            .finish()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_and_sensitive_headers_parameters_and_a_sensitive_body() {
        let mut headers = vec![
            ("authorization".to_string(), "AWS4 CANARY1".to_string()),
            ("x-amz-security-token".to_string(), "CANARY2".to_string()),
            ("x-amz-server-side-encryption-customer-key".to_string(), "CANARY3".to_string()),
            ("x-pin".to_string(), "CANARY4".to_string()),
            ("content-type".to_string(), "text/plain".to_string()),
        ];
        let mut names = SensitiveNames::default();
        names.add_header("x-pin");
        names.add_query("token");
        let mut request = HookRequest {
            service: "S3",
            operation: "PutObject",
            attempt: 1,
            method: "PUT",
            url: "https://b.s3.amazonaws.com/k?token=CANARY5&api%2Dkey=CANARY6&page=2",
            headers: &mut headers,
            body: b"BODYCANARY",
            sensitive: true,
            sensitive_names: &names,
        };
        let shown = format!("{request:?}");
        assert!(!shown.contains("CANARY"), "{shown}");
        for kept in ["text/plain", "page=2", "token=<sensitive>", "\"x-pin\", \"<sensitive>\"", "PutObject"] {
            assert!(shown.contains(kept), "{kept}: {shown}");
        }
        request.sensitive = false;
        assert!(format!("{request:?}").contains("BODYCANARY"), "a body without @sensitive members is shown");
    }

    #[test]
    fn response_debug_hides_secret_and_sensitive_headers_and_a_sensitive_body() {
        let headers = vec![
            ("set-cookie".to_string(), "session=CANARY1".to_string()),
            ("x-amz-server-side-encryption-aws-kms-key-id".to_string(), "CANARY2".to_string()),
            ("x-amz-meta-secret-a".to_string(), "CANARY3".to_string()),
            ("x-pin".to_string(), "CANARY4".to_string()),
            ("content-type".to_string(), "application/json".to_string()),
        ];
        let mut names = SensitiveNames::default();
        names.add_response_header("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id");
        names.add_response_prefix("x-amz-meta-secret-");
        names.add_header("x-pin");
        let mut response = HookResponse {
            service: "Secrets Manager",
            operation: "GetSecretValue",
            attempt: 1,
            status: 200,
            headers: &headers,
            body: br#"{"SecretString":"BODYCANARY"}"#,
            elapsed: Duration::from_millis(3),
            sensitive: true,
            sensitive_names: &names,
        };
        let shown = format!("{response:?}");
        assert!(!shown.contains("CANARY"), "{shown}");
        for kept in ["application/json", "\"x-pin\", \"<sensitive>\"", "GetSecretValue", "200"] {
            assert!(shown.contains(kept), "{kept}: {shown}");
        }
        response.sensitive = false;
        assert!(format!("{response:?}").contains("BODYCANARY"), "a body without @sensitive members is shown");
    }
}
