//! The default transport (feature `default-transport`): hyper's pooled
//! HTTP/1.1 client over rustls with the `ring` provider and the Mozilla root
//! certificates from `webpki-roots`. Certificates are always verified; there
//! is no switch to turn that off.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::config::ConfigError;
use super::error::{TimeoutError, TimeoutKind, TransportError, TransportErrorKind};
use super::request::RawResponse;
use super::transport::{BoxFuture, SendError, Sleep, Transport};

/// hyper + rustls, with connect and read timeouts. Needs a tokio runtime.
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    connect_timeout: Duration,
    read_timeout: Duration,
}

impl std::fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperTransport")
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .finish()
    }
}

impl HyperTransport {
    pub fn new(connect_timeout: Duration, read_timeout: Duration) -> Result<Self, ConfigError> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_nodelay(true);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| ConfigError(format!("cannot set up TLS: {e}")))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(https);
        Ok(HyperTransport { client, connect_timeout, read_timeout })
    }

    async fn round_trip(&self, request: http::Request<Vec<u8>>, max_body: usize) -> Result<RawResponse, SendError> {
        let request = request.map(|b| Full::new(Bytes::from(b)));
        let response = self.client.request(request).await.map_err(|e| self.classify(&e))?;
        let (parts, body) = response.into_parts();
        let declared = parts.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > max_body as u64) {
            return Err(too_large(max_body));
        }
        let body = Limited::new(body, max_body).collect().await.map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                too_large(max_body)
            } else {
                SendError::Transport(TransportError::new(
                    TransportErrorKind::Io,
                    format!("reading the response body: {}", chain(&*e)),
                ))
            }
        })?;
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        Ok(RawResponse::new(parts.status.as_u16(), headers, body.to_bytes().to_vec()))
    }

    fn classify(&self, e: &hyper_util::client::legacy::Error) -> SendError {
        let text = chain(e);
        if e.is_connect() {
            if has_timed_out(e) {
                return SendError::Timeout(TimeoutError { kind: TimeoutKind::Connect, after: self.connect_timeout, attempts: 1 });
            }
            return SendError::Transport(TransportError::new(TransportErrorKind::Connect, text));
        }
        SendError::Transport(TransportError::new(TransportErrorKind::Io, text))
    }
}

fn too_large(max: usize) -> SendError {
    SendError::Transport(TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("the response body exceeds the limit of {max} bytes"),
    ))
}

/// The error and its sources, joined: hyper's own message alone is vague.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn has_timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut) {
            return true;
        }
        source = s.source();
    }
    false
}

impl Transport for HyperTransport {
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        Box::pin(async move {
            match tokio::time::timeout(self.read_timeout, self.round_trip(request, max_body)).await {
                Ok(result) => result,
                Err(_) => Err(SendError::Timeout(TimeoutError { kind: TimeoutKind::Read, after: self.read_timeout, attempts: 1 })),
            }
        })
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
