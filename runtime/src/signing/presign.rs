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
//! Refused, with an error saying why: an S3 request with a body (the URL
//! leaves the body to its holder, so a body serialized from the input, as
//! `PutBucketTagging`'s or `DeleteObjects`' XML, or `PutObject`'s `body`
//! set on the input, would be dropped: leave `PutObject`'s body unset and
//! send the object with the URL); an operation's own query parameter named
//! as one of the signature's (`X-Amz-Signature`, in any case); a header
//! value that is not UTF-8; a signing time outside the years 1970 to 9999.
//!
//! A presigned URL is a bearer credential for its lifetime: its `Debug`
//! hides the signature, the session token, the values of headers and
//! parameters whose names say they hold secrets
//! ([`secret_header`]: S3's
//! `x-amz-server-side-encryption-customer-key`, tokens, passwords), and,
//! for operations whose input or output may hold `@sensitive` values, the
//! values of all the operation's own parameters.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::digest;

use super::{amz_date, canonical_path, canonical_query, hex, hmac_sha256, path_or_root, percent_decode, signing_key, trim_all, Scope, ALGORITHM};
use crate::error::{TransportError, TransportErrorKind};
use crate::request::{encode_bytes_into, encode_into, secret_header, PreparedRequest, SensitiveNames};

/// The longest a presigned request may stay valid: 7 days, SigV4's limit.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(7 * 24 * 3600);

/// The query parameters the signature adds: an operation's own parameter of
/// the same name (in any case) is refused.
const AUTH_PARAMS: &[&str] =
    &["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"];

/// The signature's parameters that grant nothing: `Debug` shows them.
const PUBLIC_AUTH_PARAMS: &[&str] = &["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders"];

/// The last second whose `X-Amz-Date` has a four-digit year:
/// 9999-12-31T23:59:59Z.
const LAST_SIGNABLE_SECOND: u64 = 253_402_300_799;

/// What `Debug` shows in place of a secret.
const REDACTED: &str = "** redacted **";

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
/// `X-Amz-Signature`, `X-Amz-Security-Token` and of the parameters and
/// headers whose names say they hold secrets
/// ([`secret_header`], such as S3's
/// `x-amz-server-side-encryption-customer-key`) redacted, and those of all
/// the operation's own parameters when its input or output may hold
/// `@sensitive` values, and otherwise those of the headers and parameters
/// that carry `@sensitive` members (the request's
/// [`SensitiveNames`]); [`uri`](Self::uri)
/// and [`headers`](Self::headers) give them whole.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedRequest {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    expiration: SystemTime,
    /// The operation's input or output may hold `@sensitive` values.
    sensitive: bool,
    /// The headers and query parameters that carry `@sensitive` values.
    sensitive_names: SensitiveNames,
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

    /// When the request stops being valid: its start time plus
    /// `X-Amz-Expires`, or, when the credentials that signed it expire
    /// sooner (temporary credentials: a role's, SSO's, a session token's),
    /// their expiry. The URL still says `X-Amz-Expires` as asked (as
    /// botocore writes it), but the service refuses it once the credentials
    /// have expired; presigning then logs a `tracing` warning.
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }

    /// An [`http::Request`] with the method, URL and headers, and `body`.
    /// It carries the request's
    /// [`SensitiveNames`] as an extension,
    /// and is marked [`Sensitive`](crate::transport::Sensitive) when the
    /// operation's input or output may hold `@sensitive` values, so a
    /// [`RecordingTransport`](crate::transport::replay::RecordingTransport)
    /// sending it keeps none of their values (nor the signature or the
    /// session token).
    pub fn to_http_request<B>(&self, body: B) -> Result<http::Request<B>, http::Error> {
        let mut builder = http::Request::builder().method(self.method.as_str()).uri(self.uri.as_str());
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = builder.extension(self.sensitive_names.clone());
        if self.sensitive {
            builder = builder.extension(crate::transport::Sensitive);
        }
        builder.body(body)
    }
}

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = &self.sensitive_names;
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(k, v)| (k.as_str(), if secret_header(k) || names.header(k) { REDACTED } else { v.as_str() })).collect();
        f.debug_struct("PresignedRequest")
            .field("method", &self.method)
            .field("uri", &redacted(&self.uri, self.sensitive, names))
            .field("headers", &headers)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// `uri` with the values of the parameters that grant access or may hold
/// secrets replaced: the signature, the session token, any parameter whose
/// name says it holds a secret, those that carry `@sensitive` members
/// (`names`: query parameters; a header name too, should one appear in
/// the query), and,
/// when `sensitive`, every parameter but the signature's
/// public ones.
fn redacted(uri: &str, sensitive: bool, names: &SensitiveNames) -> String {
    let Some((base, query)) = uri.split_once('?') else { return uri.to_string() };
    let params: Vec<String> = query
        .split('&')
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            let decoded = String::from_utf8_lossy(&percent_decode(name)).into_owned();
            let public = PUBLIC_AUTH_PARAMS.contains(&decoded.as_str());
            let secret = decoded == "X-Amz-Signature" || secret_header(&decoded) || names.query(&decoded) || names.header(&decoded) || (sensitive && !public);
            if secret && !value.is_empty() {
                format!("{name}={REDACTED}")
            } else {
                p.to_string()
            }
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

/// `request` as a presigned URL carries it: no flexible checksum, no
/// `Content-MD5` and no compression (the body is not the URL's, or moves
/// into it), no `x-id` query parameter, and for S3 (`unsigned_payload`) no
/// body. For S3, a request with a body is refused: the URL leaves the body
/// to its holder, and a [`PreparedRequest`] does not say whether its body is
/// the holder's (`PutObject`'s object) or serialized from the input's
/// members (`PutBucketTagging`'s XML), which the URL would silently drop.
pub(crate) fn url_request(operation: &str, request: &PreparedRequest, unsigned_payload: bool) -> Result<PreparedRequest, TransportError> {
    if let Some(name) = request.query.iter().map(|(name, _)| name).find(|name| AUTH_PARAMS.iter().any(|a| a.eq_ignore_ascii_case(name))) {
        return Err(invalid(format!(
            "{operation} has its own query parameter `{name}`, which the signature's would duplicate: a request with a parameter named X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token or X-Amz-Signature (in any case) cannot be presigned"
        )));
    }
    if unsigned_payload {
        if let Some(body) = request.body.as_ref().filter(|b| !b.is_empty()) {
            return Err(invalid(format!(
                "{operation} has a {}-byte body: an S3 presigned URL leaves the body to whoever holds it, so the body must not come from the input (leave PutObject's and UploadPart's `body` unset and send the bytes with the URL; an operation whose input serializes to a body, such as PutBucketTagging or DeleteObjects, cannot be presigned)",
                body.len()
            )));
        }
    }
    let mut request = request.clone();
    request.checksum = None;
    request.content_md5 = false;
    request.gzip = false;
    request.query.retain(|(name, _)| name != "x-id");
    if unsigned_payload {
        request.body = None;
    }
    Ok(request)
}

/// An [`InvalidRequest`](TransportErrorKind::InvalidRequest) that says the
/// request cannot be presigned, and why.
fn invalid(what: String) -> TransportError {
    TransportError::new(TransportErrorKind::InvalidRequest, format!("cannot presign the request: {what}"))
}

/// `sent` (a request as [`Handle::dry_run`](crate::invoke::Handle::dry_run)
/// builds it, with its `host` header) presigned for `expires` seconds by
/// `scope`: S3's `UNSIGNED-PAYLOAD` when `unsigned_payload`; its `Debug`
/// hides all the operation's parameters when `sensitive`.
pub(crate) fn presign(
    sent: &http::Request<bytes::Bytes>,
    scope: &Scope<'_>,
    expires: u64,
    unsigned_payload: bool,
    sensitive: bool,
) -> Result<PresignedRequest, TransportError> {
    let fail = invalid;
    let Scope { credentials, region, signing_name, time, options } = *scope;
    let seconds = time.duration_since(UNIX_EPOCH).map(|d| d.as_secs());
    if !seconds.as_ref().is_ok_and(|s| *s <= LAST_SIGNABLE_SECOND) {
        let when = match seconds {
            Ok(s) => format!("{s} seconds after"),
            Err(e) => format!("{} seconds before", e.duration().as_secs_f64()),
        };
        return Err(fail(format!(
            "its signing time ({when} 1970-01-01T00:00:00Z) is outside the years 1970 to 9999 that X-Amz-Date can write (check the presigning start time or the clock)"
        )));
    }
    let expiration = time.checked_add(Duration::from_secs(expires)).ok_or_else(|| fail(format!("its expiry ({expires} seconds after the signing time) is beyond the clock's range")))?;
    let amz_date = amz_date(time).filter(|d| d.len() == 16).ok_or_else(|| fail("its signing time cannot be written as X-Amz-Date".to_string()))?;
    let date = &amz_date[..8];
    let url = sent.uri().to_string();
    let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let path = sent.uri().path();

    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in sent.headers() {
        let name = name.as_str().to_ascii_lowercase();
        if NOT_SIGNED.contains(&name.as_str()) {
            continue;
        }
        let Ok(value) = std::str::from_utf8(value.as_bytes()) else {
            return Err(fail(format!("the value of its `{name}` header is not UTF-8 text, so it cannot be signed as the holder will send it")));
        };
        headers.push((name, value.to_string()));
    }
    // The operation's parameters first, as given (a name without `=` gets
    // one, as botocore writes it), then the signature's.
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| if p.contains('=') { p.to_string() } else { format!("{p}=") })
        .collect();
    let body = sent.body();
    if unsigned_payload && !body.is_empty() {
        return Err(fail(format!("its {}-byte body would be left out of the URL: an S3 presigned URL leaves the body to whoever holds it", body.len())));
    }
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
    // The signature's parameter names (a hook may have added one).
    if let Some(name) = params.iter().map(|p| p.split('=').next().unwrap_or("")).find(|name| {
        let decoded = percent_decode(name);
        AUTH_PARAMS.iter().any(|a| a.as_bytes().eq_ignore_ascii_case(&decoded))
    }) {
        return Err(fail(format!(
            "it has its own query parameter `{name}`, which the signature's would duplicate (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token and X-Amz-Signature are the signature's, in any case)"
        )));
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
    let expiration = match credentials.expiry() {
        Some(expiry) if expiry < expiration => {
            let early = expiration.duration_since(expiry).map(|d| d.as_secs()).unwrap_or(0);
            tracing::warn!(
                service = signing_name,
                region,
                expires_in = expires,
                seconds_early = early,
                "the credentials that presigned this request expire {early} seconds before its X-Amz-Expires of {expires} seconds: the request stops working when they do"
            );
            expiry
        }
        _ => expiration,
    };
    Ok(PresignedRequest {
        method: sent.method().as_str().to_string(),
        uri: format!("{base}?{query}&X-Amz-Signature={signature}"),
        headers,
        expiration,
        sensitive,
        sensitive_names: sent.extensions().get::<SensitiveNames>().cloned().unwrap_or_default(),
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
            sensitive: false,
            sensitive_names: SensitiveNames::default(),
        };
        let shown = format!("{r:?}");
        assert!(!shown.contains("tok") && !shown.contains("abc"), "{shown}");
        assert!(shown.contains("X-Amz-Date=1&X-Amz-Security-Token=** redacted **&X-Amz-Signature=** redacted **"), "{shown}");
    }

    #[test]
    fn debug_hides_secret_headers_and_parameters_and_a_sensitive_operations_parameters() {
        let mut r = PresignedRequest {
            method: "GET".into(),
            uri: "https://b.s3.amazonaws.com/k?Password=pw1&x-api%2Dkey=key2&UserName=bob&X-Amz-Date=20260102T030405Z&X-Amz-Expires=60&X-Amz-Signature=abc".into(),
            headers: vec![
                ("x-amz-server-side-encryption-customer-algorithm".into(), "AES256".into()),
                ("x-amz-server-side-encryption-customer-key".into(), "S3CR3TKEYBASE64==".into()),
                ("x-amz-server-side-encryption-customer-key-md5".into(), "MD5OFKEY==".into()),
                ("x-my-session-token".into(), "sess-tok".into()),
                ("content-type".into(), "text/plain".into()),
            ],
            expiration: SystemTime::UNIX_EPOCH,
            sensitive: false,
            sensitive_names: SensitiveNames::default(),
        };
        let shown = format!("{r:?}");
        for secret in ["S3CR3TKEYBASE64", "MD5OFKEY", "sess-tok", "pw1", "key2", "abc"] {
            assert!(!shown.contains(secret), "{secret}: {shown}");
        }
        for shown_as_is in ["AES256", "text/plain", "UserName=bob", "X-Amz-Date=20260102T030405Z", "X-Amz-Expires=60", "Password=** redacted **"] {
            assert!(shown.contains(shown_as_is), "{shown_as_is}: {shown}");
        }
        assert!(shown.contains(r#"("x-amz-server-side-encryption-customer-key", "** redacted **")"#), "{shown}");
        // An operation whose input or output may hold @sensitive values: all
        // its own parameters are hidden, not the signature's public ones.
        r.sensitive = true;
        let shown = format!("{r:?}");
        assert!(!shown.contains("bob") && shown.contains("UserName=** redacted **"), "{shown}");
        assert!(shown.contains("X-Amz-Date=20260102T030405Z&X-Amz-Expires=60&X-Amz-Signature=** redacted **"), "{shown}");
    }

    #[test]
    fn debug_hides_sensitive_members_headers_and_parameters_the_url_keeps_them() {
        let mut sent = http::Request::builder()
            .method("GET")
            .uri("https://b.s3.amazonaws.com/k?pin=QUERYCANARY&page=2")
            .header("host", "b.s3.amazonaws.com")
            .header("x-amz-server-side-encryption-aws-kms-key-id", "KMSCANARY")
            .body(bytes::Bytes::new())
            .expect("a request");
        let mut names = SensitiveNames::default();
        names.add_query("pin");
        names.add_header("x-amz-server-side-encryption-aws-kms-key-id");
        sent.extensions_mut().insert(names);
        let credentials = crate::credentials::Credentials::new("AKID", "secret", None);
        let r = presign(&sent, &scope(&credentials), 60, true, false).expect("presigned");
        assert!(r.uri().contains("pin=QUERYCANARY"), "the URL carries the value: {}", r.uri());
        let shown = format!("{r:?}");
        assert!(!shown.contains("CANARY"), "{shown}");
        assert!(shown.contains("pin=** redacted **") && shown.contains("page=2"), "{shown}");
    }

    #[test]
    fn a_presigned_request_recorded_keeps_no_token_signature_credential_or_sensitive_value() {
        use crate::transport::replay::{Exchange, RecordingTransport, ReplayTransport};
        let mut sent = http::Request::builder()
            .method("GET")
            .uri("https://b.s3.amazonaws.com/k?pin=QUERYCANARY&Password=PWCANARY&page=2")
            .header("host", "b.s3.amazonaws.com")
            .body(bytes::Bytes::new())
            .expect("a request");
        let mut names = SensitiveNames::default();
        names.add_query("pin");
        sent.extensions_mut().insert(names);
        let credentials = crate::credentials::Credentials::new("AKIDCANARY", "secret", Some("TOKENCANARY".into()));
        let r = presign(&sent, &scope(&credentials), 60, true, true).expect("presigned");
        let signature = r.uri().rsplit_once("X-Amz-Signature=").expect("signed").1.to_string();
        let request = r.to_http_request(bytes::Bytes::new()).expect("a request");
        assert!(request.extensions().get::<SensitiveNames>().is_some_and(|n| n.query("pin")));
        assert!(crate::transport::is_sensitive(&request));
        let path = std::env::temp_dir().join(format!("presigned-recording-{}.json", std::process::id()));
        let inner = std::sync::Arc::new(ReplayTransport::new(vec![Exchange::new("GET", "/k").responds(200, "")]));
        let recorder = RecordingTransport::new(inner, &path);
        crate::transport::block_on::block_on(crate::transport::Transport::send(&recorder, request, 1 << 20)).expect("answered");
        recorder.save().expect("saved");
        let text = std::fs::read_to_string(&path).expect("read");
        let _ = std::fs::remove_file(&path);
        for secret in ["CANARY", signature.as_str()] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        assert!(text.contains("X-Amz-Security-Token") && text.contains("X-Amz-Date") && text.contains("page"), "{text}");
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
        let form = presign(&sent("application/x-www-form-urlencoded", b"Action=GetCallerIdentity&Version=2011-06-15&X=a+b%2F"), &scope(&credentials), 60, false, false).expect("presigned");
        assert!(
            form.uri().starts_with("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X=a%20b%2F&X-Amz-Algorithm=AWS4-HMAC-SHA256&"),
            "{}",
            form.uri()
        );
        assert!(form.uri().contains("&X-Amz-SignedHeaders=host&"), "{}", form.uri());
        assert_eq!((form.method(), form.headers()), ("POST", &[][..]));
        let json = presign(&sent("application/x-amz-json-1.1", b"{}"), &scope(&credentials), 60, false, false).unwrap_err();
        assert!(json.to_string().contains("its body (2 bytes of application/x-amz-json-1.1) cannot go in a URL"), "{json}");
        // S3 leaves the payload out: a body would be dropped, so it is refused.
        let xml = presign(&sent("application/xml", b"<a/>"), &scope(&credentials), 60, true, false).unwrap_err();
        assert!(xml.to_string().contains("its 4-byte body would be left out of the URL"), "{xml}");
        assert!(presign(&sent("application/xml", b""), &scope(&credentials), 60, true, false).is_ok());
    }

    #[test]
    fn an_s3_request_with_a_body_or_an_operation_parameter_named_as_the_signatures_is_refused() {
        let mut tagging = PreparedRequest::new("PUT", "/");
        tagging.query("tagging", "");
        tagging.set_body(&b"<Tagging><TagSet/></Tagging>"[..]);
        let err = url_request("PutBucketTagging", &tagging, true).unwrap_err();
        assert!(err.to_string().contains("PutBucketTagging has a 28-byte body: an S3 presigned URL leaves the body to whoever holds it"), "{err}");
        // Outside S3, a body is presign's to move into the URL or refuse.
        assert!(url_request("PutBucketTagging", &tagging, false).is_ok_and(|r| r.body.is_some()));
        tagging.body = Some(bytes::Bytes::new());
        assert!(url_request("PutBucketTagging", &tagging, true).is_ok_and(|r| r.body.is_none()));

        for name in ["X-Amz-Signature", "x-amz-date", "X-AMZ-EXPIRES", "x-Amz-Security-Token", "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Algorithm"] {
            let mut get = PreparedRequest::new("GET", "/k");
            get.query(name, "1");
            let err = url_request("GetObject", &get, true).unwrap_err();
            assert!(err.to_string().contains(&format!("GetObject has its own query parameter `{name}`, which the signature's would duplicate")), "{err}");
        }
        // A hook's or a query form's parameter reaches presign itself.
        let credentials = crate::credentials::Credentials::new("AKID", "secret", None);
        let form = presign(&sent("application/x-www-form-urlencoded", b"Action=A&x-amz-expires=9"), &scope(&credentials), 60, false, false).unwrap_err();
        assert!(form.to_string().contains("its own query parameter `x-amz-expires`"), "{form}");
        let mut hooked = sent("application/xml", b"");
        *hooked.uri_mut() = "https://sts.eu-west-1.amazonaws.com/?X%2DAmz%2DSignature=x".parse().expect("a URI");
        assert!(presign(&hooked, &scope(&credentials), 60, true, false).unwrap_err().to_string().contains("`X%2DAmz%2DSignature`"));
    }

    #[test]
    fn a_header_value_that_is_not_utf8_is_refused_not_signed_lossily() {
        let credentials = crate::credentials::Credentials::new("AKID", "secret", None);
        let mut request = sent("application/xml", b"");
        request.headers_mut().insert("x-amz-meta-name", http::HeaderValue::from_bytes(b"caf\xe9").expect("obs-text is a valid header value"));
        let err = presign(&request, &scope(&credentials), 60, true, false).unwrap_err();
        assert!(err.to_string().contains("the value of its `x-amz-meta-name` header is not UTF-8 text"), "{err}");
        // UTF-8 beyond ASCII is signed as it is.
        request.headers_mut().insert("x-amz-meta-name", http::HeaderValue::from_bytes("café".as_bytes()).expect("a header value"));
        let ok = presign(&request, &scope(&credentials), 60, true, false).expect("presigned");
        assert!(ok.headers().contains(&("x-amz-meta-name".to_string(), "café".to_string())), "{:?}", ok.headers());
    }

    #[test]
    fn a_signing_time_outside_the_years_1970_to_9999_is_an_error_not_a_panic() {
        let credentials = crate::credentials::Credentials::new("AKID", "secret", None);
        let at = |time: SystemTime, expires: u64| presign(&sent("application/xml", b""), &Scope { time, ..scope(&credentials) }, expires, true, false);
        let huge = UNIX_EPOCH + Duration::from_secs(i64::MAX as u64 - 10);
        for (time, expires) in [(huge, 604_800), (huge, 1), (UNIX_EPOCH + Duration::from_secs(LAST_SIGNABLE_SECOND + 1), 60), (UNIX_EPOCH - Duration::from_secs(1), 60)] {
            let err = at(time, expires).unwrap_err();
            assert!(err.to_string().contains("is outside the years 1970 to 9999 that X-Amz-Date can write"), "{err}");
        }
        let last = at(UNIX_EPOCH + Duration::from_secs(LAST_SIGNABLE_SECOND), 604_800).expect("the last second of 9999");
        assert!(last.uri().contains("%2F99991231%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=99991231T235959Z&X-Amz-Expires=604800&"), "{}", last.uri());
        assert_eq!(last.expiration(), UNIX_EPOCH + Duration::from_secs(LAST_SIGNABLE_SECOND + 604_800));
        let first = at(UNIX_EPOCH, 1).expect("the epoch");
        assert!(first.uri().contains("X-Amz-Date=19700101T000000Z"), "{}", first.uri());
    }

    #[test]
    fn the_expiration_is_the_credentials_expiry_when_it_comes_first_and_the_url_keeps_its_expires() {
        let start = UNIX_EPOCH + Duration::from_secs(1_767_323_045);
        let expiring = crate::credentials::Credentials::new("AKID", "secret", Some("tok".into())).with_expiry(start + Duration::from_secs(3600));
        let at = |credentials: &crate::credentials::Credentials, expires: u64| {
            presign(&sent("application/xml", b""), &Scope { time: start, ..scope(credentials) }, expires, true, false).expect("presigned")
        };
        let week = at(&expiring, 604_800);
        assert!(week.uri().contains("&X-Amz-Expires=604800&"), "{}", week.uri());
        assert_eq!(week.expiration(), start + Duration::from_secs(3600));
        assert_eq!(at(&expiring, 600).expiration(), start + Duration::from_secs(600));
        let lasting = crate::credentials::Credentials::new("AKID", "secret", None);
        assert_eq!(at(&lasting, 604_800).expiration(), start + Duration::from_secs(604_800));
    }

    #[test]
    fn form_components_decode_plus_and_percent() {
        assert_eq!(form_decode(b"a+b%2Fc"), b"a b/c");
    }
}
