//! Checking the chained SigV4 signatures of an input event stream against
//! `aws-sigv4`, the signer AWS maintains for its SDKs: what the local
//! servers of the event-stream tests do with every envelope they receive.

use smithy_gen_runtime::streams::event_stream::{decode, Message};

/// Who signed, and for what: the credentials and the signing scope.
pub struct Scope<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// Check `envelope`'s `:chunk-signature` against aws-sigv4's for the same
/// message (or the closing empty message), prior signature (hex) and
/// `:date`; returns its signature (hex), the next envelope's prior.
pub fn verify(envelope: &Message, prior: &str, scope: &Scope<'_>) -> Result<String, String> {
    let date = envelope.headers().iter().find(|h| h.name().as_str() == ":date").ok_or("no :date")?;
    let time: std::time::SystemTime = date.value().as_timestamp().map_err(|_| ":date is not a timestamp")?.try_into().map_err(|_| "bad time")?;
    let identity = aws_credential_types::Credentials::new(scope.access_key, scope.secret_key, None, None, "test").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(time)
        .settings(())
        .build()
        .map_err(|e| e.to_string())?;
    let expected = if envelope.payload().is_empty() {
        aws_sigv4::event_stream::sign_empty_message(prior, &params)
    } else {
        aws_sigv4::event_stream::sign_message(&decode(envelope.payload()).map_err(|e| e.to_string())?, prior, &params)
    }
    .map_err(|e| e.to_string())?
    .into_parts()
    .0;
    let sig = |m: &Message| m.headers().iter().find(|h| h.name().as_str() == ":chunk-signature").and_then(|h| h.value().as_byte_array().ok().cloned());
    let (got, want) = (sig(envelope).ok_or("no :chunk-signature")?, sig(&expected).ok_or("aws-sigv4 gave none")?);
    if got != want {
        return Err("the :chunk-signature differs from aws-sigv4's".into());
    }
    Ok(got.iter().map(|b| format!("{b:02x}")).collect())
}

/// The envelopes of one request, checked in order: each signature must
/// chain from the previous one, the first from the request's own.
#[derive(Debug, Default)]
pub struct Chain {
    prior: String,
    /// Envelopes whose signature was right.
    pub verified: usize,
    /// What was wrong, envelope by envelope.
    pub problems: Vec<String>,
    /// The closing signed empty message arrived.
    pub ended_with_empty: bool,
}

impl Chain {
    /// A chain starting from the request's `authorization` header.
    pub fn new(authorization: &str) -> Chain {
        Chain { prior: authorization.rsplit("Signature=").next().unwrap_or_default().to_string(), ..Chain::default() }
    }

    /// Check `envelope`; returns the message inside it (`None` for the
    /// closing empty one, or one that does not decode).
    pub fn check(&mut self, envelope: &Message, scope: &Scope<'_>) -> Option<Message> {
        match verify(envelope, &self.prior, scope) {
            Ok(sig) => {
                self.prior = sig;
                self.verified += 1;
            }
            Err(e) => self.problems.push(e),
        }
        if envelope.payload().is_empty() {
            self.ended_with_empty = true;
            return None;
        }
        match decode(envelope.payload()) {
            Ok(inner) => Some(inner),
            Err(e) => {
                self.problems.push(format!("an envelope's payload is not a message: {e}"));
                None
            }
        }
    }
}
