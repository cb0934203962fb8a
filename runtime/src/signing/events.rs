//! SigV4 signatures of the messages of an input event stream (what
//! Transcribe Streaming and Lex require): each message is wrapped in a
//! message whose headers are `:date` and `:chunk-signature` and whose
//! payload is the message's bytes; the signature chains from the HTTP
//! request's own (the seed) through every message, and the stream ends with
//! a signed empty message.
//!
//! The string to sign, per message: `AWS4-HMAC-SHA256-PAYLOAD`, the date
//! (`YYYYMMDDTHHMMSSZ`), the credential scope, the prior signature (hex), the
//! SHA-256 of the encoded `:date` header, the SHA-256 of the payload.

use std::time::SystemTime;

use aws_smithy_types::DateTime;
use ring::digest;

use crate::credentials::Credentials;
use crate::streams::event_stream::{encode, EventStreamError, Header, HeaderValue, Message};
use crate::signing::{amz_date, hex, hmac_sha256, signing_key};

/// Signs the messages of one stream, in order.
pub struct EventSigner {
    credentials: Credentials,
    region: String,
    service: String,
    /// The last signature (hex): the request's seed signature at first.
    prior: String,
    /// The configuration's corrected clock, if the signer has one.
    clock: Option<std::sync::Arc<crate::signing::clock_skew::ClockSkew>>,
}

impl std::fmt::Debug for EventSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSigner").field("region", &self.region).field("service", &self.service).finish_non_exhaustive()
    }
}

impl EventSigner {
    /// A signer chaining from `seed_signature`, the hex signature of the
    /// HTTP request that opened the stream.
    pub fn new(seed_signature: &str, credentials: Credentials, region: &str, service: &str) -> EventSigner {
        EventSigner { credentials, region: region.to_string(), service: service.to_string(), prior: seed_signature.to_string(), clock: None }
    }

    /// The same signer, signing at the configuration's clock corrected for
    /// skew (see [`ClockSkew`](crate::signing::clock_skew::ClockSkew)).
    pub fn with_clock(mut self, clock: std::sync::Arc<crate::signing::clock_skew::ClockSkew>) -> EventSigner {
        self.clock = Some(clock);
        self
    }

    /// The time to sign the next message at.
    fn now(&self) -> SystemTime {
        self.clock.as_ref().map_or_else(SystemTime::now, |c| c.now())
    }

    /// The signed envelope of `message` (`None`: the empty message that ends
    /// the stream), at `time`.
    pub fn sign(&mut self, message: Option<&Message>, time: SystemTime) -> Result<Message, EventStreamError> {
        let payload = match message {
            Some(m) => encode(m)?,
            None => Vec::new(),
        };
        let secs = time.duration_since(SystemTime::UNIX_EPOCH).map_err(|_| EventStreamError::Corrupt("the clock is before 1970".into()))?;
        // Whole seconds: the date header and the string to sign agree.
        let date = DateTime::from_secs(i64::try_from(secs.as_secs()).unwrap_or(i64::MAX));
        let date_header = Header::new(":date", HeaderValue::Timestamp(date));
        let amz = amz_date(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs.as_secs()))
            .ok_or_else(|| EventStreamError::Corrupt("the clock is before 1970".into()))?;
        let day = &amz[..8];
        let scope = format!("{day}/{}/{}/aws4_request", self.region, self.service);
        let mut encoded_date = Vec::new();
        aws_smithy_eventstream::frame::write_headers_to(std::slice::from_ref(&date_header), &mut encoded_date)
            .map_err(|e| EventStreamError::Corrupt(e.to_string()))?;
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{amz}\n{scope}\n{}\n{}\n{}",
            self.prior,
            hex(digest::digest(&digest::SHA256, &encoded_date).as_ref()),
            hex(digest::digest(&digest::SHA256, &payload).as_ref()),
        );
        let key = signing_key(self.credentials.secret_access_key(), day, &self.region, &self.service);
        let signature = hmac_sha256(&key, string_to_sign.as_bytes());
        self.prior = hex(&signature);
        // The order the AWS SDKs write them in.
        Ok(Message::new(payload)
            .add_header(Header::new(":chunk-signature", HeaderValue::ByteArray(signature.into())))
            .add_header(date_header))
    }
}

/// The request body of an input stream: each event written as its message
/// and, when the request is signed, wrapped in its signed envelope; the
/// signed empty message last.
pub(crate) struct SignedEvents<T> {
    events: tokio::sync::mpsc::Receiver<T>,
    marshal: fn(&T) -> Result<Message, String>,
    signer: Option<EventSigner>,
    /// A message sent before the events (awsJson's `initial-request`).
    first: Option<Message>,
    ended: bool,
}

impl<T> SignedEvents<T> {
    pub(crate) fn new(
        events: crate::streams::event_stream::EventInput<T>,
        marshal: fn(&T) -> Result<Message, String>,
        signer: Option<EventSigner>,
        first: Option<Message>,
    ) -> Self {
        SignedEvents { events: events.0, marshal, signer, first, ended: false }
    }

    fn frame(&mut self, message: Option<&Message>) -> Result<bytes::Bytes, String> {
        let out = match (&mut self.signer, message) {
            (Some(signer), m) => {
                let now = signer.now();
                encode(&signer.sign(m, now).map_err(|e| e.to_string())?)
            }
            (None, Some(m)) => encode(m),
            (None, None) => return Ok(bytes::Bytes::new()),
        };
        out.map(bytes::Bytes::from).map_err(|e| e.to_string())
    }
}

impl<T: Send> crate::transport::ProduceChunks for SignedEvents<T> {
    fn poll_chunk(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<bytes::Bytes, String>>> {
        use std::task::Poll;
        if self.ended {
            return Poll::Ready(None);
        }
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(self.frame(Some(&first))));
        }
        match self.events.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(event)) => Poll::Ready(Some((self.marshal)(&event).and_then(|m| self.frame(Some(&m))))),
            Poll::Ready(None) => {
                self.ended = true;
                match self.frame(None) {
                    Ok(b) if b.is_empty() => Poll::Ready(None),
                    other => Poll::Ready(Some(other)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_signed_at_the_corrected_clock() {
        let skew = std::sync::Arc::new(crate::signing::clock_skew::ClockSkew::default());
        let ahead = SystemTime::now() + std::time::Duration::from_secs(3600);
        let secs = ahead.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs_f64();
        let date = crate::types::timestamp::Timestamp::from_epoch_seconds_f64(secs.floor()).unwrap().fmt_http_date();
        assert!(skew.correct(Some("InvalidSignatureException"), &[("date".to_string(), date)], 0));
        let credentials = Credentials::new("AKID", "secret", None);
        let plain = EventSigner::new("seed", credentials.clone(), "us-east-1", "transcribe");
        let corrected = EventSigner::new("seed", credentials, "us-east-1", "transcribe").with_clock(skew);
        let gap = corrected.now().duration_since(plain.now()).expect("the corrected clock is ahead");
        assert!(gap.as_secs().abs_diff(3600) <= 2, "{gap:?}");
    }
}
