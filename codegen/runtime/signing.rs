//! SigV4 signing through `aws-sigv4`, the signer AWS maintains for its SDKs.

use std::time::SystemTime;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use super::config::Credentials;
use super::error::{TransportError, TransportErrorKind};

/// Who signs, where, for which service, and when.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub credentials: &'a Credentials,
    pub region: &'a str,
    pub signing_name: &'a str,
    pub time: SystemTime,
}

/// The headers SigV4 adds to a request (`authorization`, `x-amz-date` and,
/// with a session token, `x-amz-security-token`), for the request given by
/// `method`, the full `url` (already percent-encoded), its `headers` and
/// `body`.
pub fn signing_headers(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    scope: &Scope<'_>,
) -> Result<Vec<(String, String)>, TransportError> {
    let Scope { credentials, region, signing_name, time } = *scope;
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        TransportError::new(TransportErrorKind::InvalidRequest, format!("cannot sign the request: {what}: {e}"))
    };
    let identity = aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        credentials.session_token().map(str::to_string),
        None,
        "config",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| fail("parameters", &e))?
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .map_err(|e| fail("request", &e))?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| fail("signature", &e))?.into_parts();
    Ok(instructions.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}
