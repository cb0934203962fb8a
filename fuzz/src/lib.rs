//! Support shared by the fuzz targets in `fuzz_targets/`: a fake transport
//! and sleep for the generated clients, a single-threaded `block_on` for
//! their futures (which the fakes make ready at once), the response format of
//! the `responses` target, and URI helpers for the invariants of
//! `rest_json_uri_headers`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Run a future whose leaves are all ready at once (the fakes below): poll it
/// a bounded number of times; still pending means the client waits on
/// something that never comes, which is a bug.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("the client future is still pending with a transport and sleep that never wait");
}

/// A fake transport and sleep for one generated crate's runtime (each crate
/// has its own copy of the runtime, so its own traits): the transport records
/// the last request and answers with the response set by `answer`.
#[macro_export]
macro_rules! fakes {
    ($runtime:path) => {
        pub mod fakes {
            use std::sync::{Arc, Mutex};
            use std::time::Duration;

            use $runtime as runtime;
            use runtime::config::{Config, Credentials};
            use runtime::error::{TransportError, TransportErrorKind};
            use runtime::request::RawResponse;
            use runtime::transport::{BoxFuture, SendError, Sleep, Transport};

            #[derive(Debug, Default)]
            pub struct FakeTransport {
                pub answer: Mutex<Option<RawResponse>>,
                pub sent: Mutex<Option<http::Request<smithy_gen_runtime::Bytes>>>,
            }

            impl Transport for FakeTransport {
                fn send(
                    &self,
                    request: http::Request<smithy_gen_runtime::Bytes>,
                    _max_body: usize,
                ) -> BoxFuture<'_, Result<RawResponse, SendError>> {
                    *self.sent.lock().unwrap() = Some(request);
                    let answer = self.answer.lock().unwrap().take();
                    Box::pin(std::future::ready(answer.ok_or_else(|| {
                        SendError::Transport(TransportError::new(TransportErrorKind::Other, "no canned response"))
                    })))
                }
            }

            #[derive(Debug, Default)]
            pub struct FakeSleep;

            impl Sleep for FakeSleep {
                fn sleep(&self, _duration: Duration) -> BoxFuture<'static, ()> {
                    Box::pin(std::future::ready(()))
                }
            }

            /// A config on `transport`: one attempt, validation as given.
            pub fn config(transport: Arc<FakeTransport>, validate: bool) -> Config {
                Config::builder()
                    .region("us-east-1")
                    .endpoint($crate::ENDPOINT)
                    .credentials(Credentials::new("AKID", "secret", None))
                    .transport(transport)
                    .sleep(Arc::new(FakeSleep))
                    .max_attempts(1)
                    .validate_input(validate)
                    .build()
                    .expect("a valid config")
            }
        }
    };
}

/// The endpoint the fake clients use.
pub const ENDPOINT: &str = "http://127.0.0.1:4566";

/// A response as the `responses` target reads its input: the first byte picks
/// the operation (its value modulo the number of operations, so `0`..`5` in
/// a text seed), then a status after a space on the first line, then
/// `name: value` header lines, an empty line and the body (raw bytes). Any
/// input is some response; missing parts are defaults (status 200, no
/// headers, empty body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzResponse {
    pub operation: u8,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl FuzzResponse {
    pub fn parse(data: &[u8]) -> FuzzResponse {
        let Some((&operation, rest)) = data.split_first() else {
            return FuzzResponse { operation: 0, status: 200, headers: Vec::new(), body: Vec::new() };
        };
        let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
            Some(i) => (&rest[..i], &rest[i + 2..]),
            None => (rest, &[][..]),
        };
        let head = String::from_utf8_lossy(head);
        let mut lines = head.split('\n');
        let status = lines.next().and_then(|l| l.trim().parse::<u16>().ok()).unwrap_or(200);
        let headers = lines
            .take(16)
            .map(|l| match l.split_once(':') {
                Some((k, v)) => (k.to_string(), v.strip_prefix(' ').unwrap_or(v).to_string()),
                None => (l.to_string(), String::new()),
            })
            .collect();
        FuzzResponse { operation, status, headers, body: body.to_vec() }
    }
}

/// Percent-decode `s` into bytes; `None` if an escape is malformed.
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Whether `s` is made only of RFC 3986 unreserved characters and `%XX`
/// escapes (and `/` when `slash` is allowed).
pub fn only_unreserved_and_escapes(s: &str, slash: bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
                    return false;
                }
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') || (slash && c == b'/') => i += 1,
            _ => return false,
        }
    }
    true
}

/// RFC 3986 §5.2.4 `remove_dot_segments`: what a server or a SigV4 signer
/// that normalises paths makes of `path`. A label that changes the result
/// has escaped its segment.
pub fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments() {
        assert_eq!(remove_dot_segments("/a/b/../c"), "/a/c");
        assert_eq!(remove_dot_segments("/a/./b"), "/a/b");
        assert_eq!(remove_dot_segments("/a/.."), "/");
        assert_eq!(remove_dot_segments("/../../x"), "/x");
        assert_eq!(remove_dot_segments("/a/%2E%2E/b"), "/a/%2E%2E/b");
    }

    #[test]
    fn responses_parse() {
        let r = FuzzResponse::parse(b"3 404\nx-amzn-errortype: Nope\nodd\n\n{\"a\":1}");
        assert_eq!(r.operation % 6, 3);
        assert_eq!(r.status, 404);
        assert_eq!(r.headers, vec![("x-amzn-errortype".into(), "Nope".into()), ("odd".into(), String::new())]);
        assert_eq!(r.body, b"{\"a\":1}");
    }
}
