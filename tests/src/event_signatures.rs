//! Checking the chained SigV4 signatures of an input event stream against
//! `aws-sigv4`, the signer AWS maintains for its SDKs: what the local
//! servers of the event-stream tests do with every envelope they receive.

use smithy_gen_runtime::event_stream::{decode, Message};

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
