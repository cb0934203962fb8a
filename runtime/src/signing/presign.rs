//! Presigned requests: SigV4 in the query string (`X-Amz-Algorithm`,
//! `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
//! `X-Amz-Security-Token`, `X-Amz-Signature`), so that whoever holds the URL
//! can make the call without credentials until it expires, as botocore's
//! `generate_presigned_url` signs it (`SigV4QueryAuth`, and
//! `S3SigV4QueryAuth` for S3): the same URL, byte for byte, for the same
//! credentials, time and input.
//!
//! - The request is the one the call's first attempt would send
//!   ([`Handle::dry_run`](crate::invoke::Handle::dry_run)) without the
//!   flexible checksum, `Content-MD5`, compression and S3's `x-id`
//!   parameter (which botocore's models do not have).
//! - S3 (the services signed with S3's options) signs `UNSIGNED-PAYLOAD`:
//!   the URL leaves the body out, and the holder sends any body
//!   (`PutObject`'s object) with it.
//! - The query protocols (awsQuery, ec2Query) move their form body into the
//!   URL (STS `GetCallerIdentity`); any other body cannot go in a URL and is
//!   an error. Elsewhere the payload signed is the empty body's hash.
//! - Every header the request carries is signed (but `user-agent`,
//!   `content-length`, `expect`, `transfer-encoding`, `x-amzn-trace-id`),
//!   `host` included; [`PresignedRequest::headers`] are those the holder
//!   must send as they are (all but `host`, which the URL gives), such as
//!   `content-type` or `x-amz-server-side-encryption` when the input set them.
//!
//! A presigned URL is a bearer credential for its lifetime: its `Debug`
//! hides the signature and the session token.

use std::fmt;
use std::time::{Duration, SystemTime};

use ring::digest;

use super::{amz_date, canonical_path, canonical_query, hex, hmac_sha256, path_or_root, percent_decode, signing_key, trim_all, Scope, ALGORITHM};
use crate::error::{TransportError, TransportErrorKind};
use crate::request::{encode_bytes_into, encode_into, PreparedRequest};

/// The longest a presigned request may stay valid: 7 days, SigV4's limit.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(7 * 24 * 3600);

/// What S3's presigned URLs sign in place of the payload's hash.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Headers the request may carry that are neither signed nor the holder's
/// to send: the transport's own, and what the signature would add.
const NOT_SIGNED: &[&str] = &[
    "user-agent",
    "content-length",
    "expect",
    "transfer-encoding",
    "x-amzn-trace-id",
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
];

/// How long a presigned request stays valid, and from when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresigningConfig {
    expires_in: Duration,
    start_time: Option<SystemTime>,
}

impl PresigningConfig {
    /// Valid for `expires_in` (whole seconds; at least one second, at most
    /// [`MAX_EXPIRES_IN`], 7 days) from the time it is signed.
    pub fn expires_in(expires_in: Duration) -> Result<PresigningConfig, PresigningConfigError> {
        if expires_in > MAX_EXPIRES_IN {
            return Err(PresigningConfigError(format!(
                "a presigned request expires within 7 days ({} seconds); {} seconds is longer",
                MAX_EXPIRES_IN.as_secs(),
                expires_in.as_secs_f64()
            )));
        }
        if expires_in.as_secs() == 0 {
            return Err(PresigningConfigError(format!(
                "a presigned request must stay valid for at least one second; {} seconds is shorter",
                expires_in.as_secs_f64()
            )));
        }
        Ok(PresigningConfig { expires_in, start_time: None })
    }

    /// Signed as at `start`, not at the configuration's clock (tests; a URL
    /// valid from a later time).
    pub fn with_start_time(mut self, start: SystemTime) -> PresigningConfig {
        self.start_time = Some(start);
        self
    }

    /// How long the request stays valid (`X-Amz-Expires`, whole seconds).
    pub fn expires(&self) -> Duration {
        Duration::from_secs(self.expires_in.as_secs())
    }

    /// The signing time set by [`with_start_time`](Self::with_start_time).
    pub fn start_time(&self) -> Option<SystemTime> {
        self.start_time
    }
}

/// Why a [`PresigningConfig`] cannot be made (its expiry is out of range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresigningConfigError(String);

impl fmt::Display for PresigningConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PresigningConfigError {}

/// A request anyone holding it can send, without credentials, until it
/// expires: the method, the URL (carrying the signature) and the headers
/// to send with it. A body (S3 `PutObject`'s object) is the holder's.
///
/// The URL is a bearer credential: `Debug` shows it with the values of
/// `X-Amz-Signature` and `X-Amz-Security-Token` redacted; [`uri`](Self::uri)
/// gives it whole.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedRequest {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    expiration: SystemTime,
}

impl PresignedRequest {
    /// The HTTP method to send (`GET`, `PUT`; `POST` for the query protocols,
    /// as botocore signs them).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The whole URL, signature included.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The headers to send exactly as they are (lower-case names, signed):
    /// the operation's own headers, such as `content-type`. Not `host`.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// When the request stops being valid.
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }

    /// An [`http::Request`] with the method, URL and headers, and `body`.
    pub fn to_http_request<B>(&self, body: B) -> Result<http::Request<B>, http::Error> {
        let mut builder = http::Request::builder().method(self.method.as_str()).uri(self.uri.as_str());
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(body)
    }
}

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedRequest")
            .field("method", &self.method)
            .field("uri", &redacted(&self.uri))
            .field("headers", &self.headers)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// `uri` with the values of the parameters that grant access replaced.
fn redacted(uri: &str) -> String {
    let Some((base, query)) = uri.split_once('?') else { return uri.to_string() };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((name, _)) if name == "X-Amz-Signature" || name == "X-Amz-Security-Token" => format!("{name}=** redacted **"),
            _ => p.to_string(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

/// `request` as a presigned URL carries it: no flexible checksum, no
/// `Content-MD5` and no compression (the body is not the URL's, or moves
/// into it), no `x-id` query parameter, and for S3 (`unsigned_payload`) no
/// body.
pub(crate) fn url_request(request: &PreparedRequest, unsigned_payload: bool) -> PreparedRequest {
    let mut request = request.clone();
    request.checksum = None;
    request.content_md5 = false;
    request.gzip = false;
    request.query.retain(|(name, _)| name != "x-id");
    if unsigned_payload {
        request.body = None;
    }
    request
}

/// `sent` (a request as [`Handle::dry_run`](crate::invoke::Handle::dry_run)
/// builds it, with its `host` header) presigned for `expires` seconds by
/// `scope`: S3's `UNSIGNED-PAYLOAD` when `unsigned_payload`.
pub(crate) fn presign(sent: &http::Request<bytes::Bytes>, scope: &Scope<'_>, expires: u64, unsigned_payload: bool) -> Result<PresignedRequest, TransportError> {
    let fail = |what: String| TransportError::new(TransportErrorKind::InvalidRequest, format!("cannot presign the request: {what}"));
    let Scope { credentials, region, signing_name, time, options } = *scope;
    let amz_date = amz_date(time).ok_or_else(|| fail("the clock is before 1970".to_string()))?;
    let date = &amz_date[..8];
    let url = sent.uri().to_string();
    let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let path = sent.uri().path();

    let mut headers: Vec<(String, String)> = sent
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .filter(|(k, _)| !NOT_SIGNED.contains(&k.as_str()))
        .collect();
    // The operation's parameters first, as given (a name without `=` gets
    // one, as botocore writes it), then the signature's.
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| if p.contains('=') { p.to_string() } else { format!("{p}=") })
        .collect();
    let body = sent.body();
    if !unsigned_payload && !body.is_empty() {
        let content_type = headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.clone()).unwrap_or_default();
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(fail(format!(
                "its body ({} bytes of {}) cannot go in a URL: only requests without a body, S3's, and the query protocols' (whose form moves into the URL) can be presigned",
                body.len(),
                if content_type.is_empty() { "unknown type" } else { content_type.as_str() }
            )));
        }
        for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            let mut param = String::new();
            encode_bytes_into(&mut param, &form_decode(name), true);
            param.push('=');
            encode_bytes_into(&mut param, &form_decode(value), true);
            params.push(param);
        }
        headers.retain(|(k, _)| k != "content-type");
    }
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let canonical: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.clone(), trim_all(v))).collect();
    let (header_block, signed_names) = super::header_block(&canonical);

    let credential_scope = format!("{date}/{region}/{signing_name}/aws4_request");
    let mut auth = vec![
        ("X-Amz-Algorithm", ALGORITHM.to_string()),
        ("X-Amz-Credential", format!("{}/{credential_scope}", credentials.access_key_id())),
        ("X-Amz-Date", amz_date.clone()),
        ("X-Amz-Expires", expires.to_string()),
        ("X-Amz-SignedHeaders", signed_names.clone()),
    ];
    if let Some(token) = credentials.session_token() {
        auth.push(("X-Amz-Security-Token", token.to_string()));
    }
    for (name, value) in &auth {
        let mut param = format!("{name}=");
        encode_into(&mut param, value, true);
        params.push(param);
    }
    let query = params.join("&");
    let payload_hash = if unsigned_payload { UNSIGNED_PAYLOAD.to_string() } else { hex(digest::digest(&digest::SHA256, b"").as_ref()) };
    let canonical_request = format!(
        "{}\n{}\n{}\n{header_block}\n{signed_names}\n{payload_hash}",
        sent.method().as_str(),
        if options.double_uri_encode || options.normalize_path { canonical_path(path, options) } else { path_or_root(path).to_string() },
        canonical_query(&query),
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{credential_scope}\n{}",
        hex(digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref())
    );
    let key = signing_key(credentials.secret_access_key(), date, region, signing_name);
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    headers.retain(|(k, _)| k != "host");
    Ok(PresignedRequest {
        method: sent.method().as_str().to_string(),
        uri: format!("{base}?{query}&X-Amz-Signature={signature}"),
        headers,
        expiration: time + Duration::from_secs(expires),
    })
}

/// A form component decoded: `+` is a space, `%XX` a byte.
fn form_decode(component: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = component.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    percent_decode(&String::from_utf8_lossy(&spaced))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_beyond_seven_days_or_under_a_second_are_refused() {
        assert!(PresigningConfig::expires_in(MAX_EXPIRES_IN).is_ok());
        let long = PresigningConfig::expires_in(MAX_EXPIRES_IN + Duration::from_secs(1)).unwrap_err();
        assert_eq!(long.to_string(), "a presigned request expires within 7 days (604800 seconds); 604801 seconds is longer");
        assert!(PresigningConfig::expires_in(Duration::from_millis(999)).unwrap_err().to_string().contains("at least one second"));
        assert_eq!(PresigningConfig::expires_in(Duration::from_millis(1500)).unwrap().expires(), Duration::from_secs(1));
    }

    #[test]
    fn debug_hides_the_signature_and_the_token() {
        let r = PresignedRequest {
            method: "GET".into(),
            uri: "https://b.s3.amazonaws.com/k?X-Amz-Date=1&X-Amz-Security-Token=tok&X-Amz-Signature=abc".into(),
            headers: vec![],
            expiration: SystemTime::UNIX_EPOCH,
        };
        let shown = format!("{r:?}");
        assert!(!shown.contains("tok") && !shown.contains("abc"), "{shown}");
        assert!(shown.contains("X-Amz-Date=1&X-Amz-Security-Token=** redacted **&X-Amz-Signature=** redacted **"), "{shown}");
    }

    fn sent(content_type: &str, body: &'static [u8]) -> http::Request<bytes::Bytes> {
        http::Request::builder()
            .method("POST")
            .uri("https://sts.eu-west-1.amazonaws.com/")
            .header("host", "sts.eu-west-1.amazonaws.com")
            .header("content-type", content_type)
            .header("content-length", body.len())
            .header("user-agent", "ua")
            .body(bytes::Bytes::from_static(body))
            .expect("a request")
    }

    fn scope(credentials: &crate::credentials::Credentials) -> Scope<'_> {
        Scope { credentials, region: "eu-west-1", signing_name: "sts", time: SystemTime::UNIX_EPOCH, options: super::super::SigningOptions::DEFAULT }
    }

    #[test]
    fn a_form_body_moves_into_the_url_and_any_other_body_is_refused() {
        let credentials = crate::credentials::Credentials::new("AKID", "secret", None);
        let form = presign(&sent("application/x-www-form-urlencoded", b"Action=GetCallerIdentity&Version=2011-06-15&X=a+b%2F"), &scope(&credentials), 60, false).expect("presigned");
        assert!(
            form.uri().starts_with("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X=a%20b%2F&X-Amz-Algorithm=AWS4-HMAC-SHA256&"),
            "{}",
            form.uri()
        );
        assert!(form.uri().contains("&X-Amz-SignedHeaders=host&"), "{}", form.uri());
        assert_eq!((form.method(), form.headers()), ("POST", &[][..]));
        let json = presign(&sent("application/x-amz-json-1.1", b"{}"), &scope(&credentials), 60, false).unwrap_err();
        assert!(json.to_string().contains("its body (2 bytes of application/x-amz-json-1.1) cannot go in a URL"), "{json}");
        // S3 leaves the payload out: a body is the holder's.
        assert!(presign(&sent("application/xml", b"<a/>"), &scope(&credentials), 60, true).is_ok());
    }

    #[test]
    fn form_components_decode_plus_and_percent() {
        assert_eq!(form_decode(b"a+b%2Fc"), b"a b/c");
    }
}
