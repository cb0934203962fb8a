//! SigV4 (AWS Signature Version 4) in the `Authorization` header, for a
//! request whose body is in memory. SHA-256 and HMAC-SHA256 come from `ring`,
//! which the default transport already links for TLS; the canonical request
//! follows the SigV4 documentation (path normalised and encoded twice, query
//! parameters re-encoded and sorted, header values trimmed, headers sorted).
//! Tests compare every signature with botocore's and with `aws-sigv4`'s.
//! Presigned requests (SigV4 in the query string) are [`presign`]'s.

pub mod clock_skew;
#[cfg(feature = "event-stream")]
pub mod events;
pub mod presign;

use std::time::{SystemTime, UNIX_EPOCH};

use ring::{digest, hmac};

use crate::credentials::Credentials;
use crate::error::{TransportError, TransportErrorKind};
use crate::request::{encode_bytes_into, percent_decode_bytes as percent_decode};

/// Who signs, where, for which service, and when.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub credentials: &'a Credentials,
    pub region: &'a str,
    pub signing_name: &'a str,
    pub time: SystemTime,
    pub options: SigningOptions,
}

/// Where a service departs from SigV4's defaults (S3 and S3 Control, as
/// their endpoint rules' `disableDoubleEncoding` and `disableNormalizePath`
/// say, and as AWS SDKs sign them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningOptions {
    /// Encode the (already encoded) path a second time.
    pub double_uri_encode: bool,
    /// Remove empty, `.` and `..` segments from the path first.
    pub normalize_path: bool,
    /// Send and sign `x-amz-content-sha256`, the body's SHA-256.
    pub content_sha256_header: bool,
}

impl SigningOptions {
    /// Every service but S3.
    pub const DEFAULT: SigningOptions = SigningOptions { double_uri_encode: true, normalize_path: true, content_sha256_header: false };
    /// S3 and S3 Control: the path as sent, and `x-amz-content-sha256`.
    pub const S3: SigningOptions = SigningOptions { double_uri_encode: false, normalize_path: false, content_sha256_header: true };
}

impl Default for SigningOptions {
    fn default() -> Self {
        SigningOptions::DEFAULT
    }
}

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Headers never signed: they may change on the way (or are the signature).
/// `content-length` as botocore: it signs before the length is set, and a
/// transport may frame the body itself; the payload hash covers the body.
const UNSIGNED: &[&str] = &["authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding", "content-length"];

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
    let fail = |what: String| TransportError::new(TransportErrorKind::InvalidRequest, format!("cannot sign the request: {what}"));
    let Scope { credentials, region, signing_name, time, options } = *scope;
    let (path, query) = split_url(url).ok_or_else(|| fail(format!("the request URL {:?} (its query not shown) is not an absolute URL", crate::request::url_shown(url))))?;
    let amz_date = amz_date(time).ok_or_else(|| fail("the clock is before 1970".to_string()))?;
    let date = &amz_date[..8];

    // A payload hash the request already states (`UNSIGNED-PAYLOAD`, an
    // event stream's `STREAMING-AWS4-HMAC-SHA256-EVENTS`) is what is signed.
    let payload_hash = match headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("x-amz-content-sha256")) {
        Some((_, v)) => v.clone(),
        None => hex(digest::digest(&digest::SHA256, body).as_ref()),
    };
    let mut added = vec![("x-amz-date".to_string(), amz_date.clone())];
    if options.content_sha256_header && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-amz-content-sha256")) {
        added.push(("x-amz-content-sha256".to_string(), payload_hash.clone()));
    }
    if let Some(token) = credentials.session_token() {
        added.push(("x-amz-security-token".to_string(), token.to_string()));
    }
    let mut canonical_headers: Vec<(String, String)> = headers
        .iter()
        .chain(added.iter())
        .map(|(k, v)| (k.to_ascii_lowercase(), trim_all(v)))
        .filter(|(k, _)| !UNSIGNED.contains(&k.as_str()))
        .collect();
    // Stable: values of a repeated header keep their order.
    canonical_headers.sort_by(|a, b| a.0.cmp(&b.0));
    let (header_block, signed_names) = header_block(&canonical_headers);

    let canonical_request = format!(
        "{method}\n{}\n{}\n{header_block}\n{signed_names}\n{}",
        if options.double_uri_encode || options.normalize_path { canonical_path(path, options) } else { path_or_root(path).to_string() },
        canonical_query(query),
        payload_hash,
    );
    let credential_scope = format!("{date}/{region}/{signing_name}/aws4_request");
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{credential_scope}\n{}",
        hex(digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref())
    );
    let key = signing_key(credentials.secret_access_key(), date, region, signing_name);
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    let authorization = format!(
        "{ALGORITHM} Credential={}/{credential_scope}, SignedHeaders={signed_names}, Signature={signature}",
        credentials.access_key_id()
    );
    let mut out = vec![("authorization".to_string(), authorization)];
    out.extend(added);
    Ok(out)
}

/// The canonical headers block (`name:value1,value2\n` per name) and the
/// signed header names (`a;b`) of `sorted` (lower-case names, trimmed
/// values, sorted by name).
fn header_block(sorted: &[(String, String)]) -> (String, String) {
    let mut header_block = String::new();
    let mut signed_names = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let name = &sorted[i].0;
        let mut values = Vec::new();
        while i < sorted.len() && &sorted[i].0 == name {
            values.push(sorted[i].1.as_str());
            i += 1;
        }
        header_block.push_str(name);
        header_block.push(':');
        header_block.push_str(&values.join(","));
        header_block.push('\n');
        if !signed_names.is_empty() {
            signed_names.push(';');
        }
        signed_names.push_str(name);
    }
    (header_block, signed_names)
}

/// The SigV4 signing key of a day (`YYYYMMDD`), region and service.
pub(crate) fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in [date, region, service, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    key
}

pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data).as_ref().to_vec()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// The path and the query (without `?`) of an absolute URL; no fragment.
fn split_url(url: &str) -> Option<(&str, &str)> {
    let after_scheme = &url[url.find("://")? + 3..];
    let rest = after_scheme.find(['/', '?']).map_or("", |i| &after_scheme[i..]);
    let rest = rest.split('#').next().unwrap_or("");
    Some(match rest.split_once('?') {
        Some((path, query)) => (path, query),
        None => (rest, ""),
    })
}

/// `YYYYMMDDTHHMMSSZ` in UTC.
pub(crate) fn amz_date(time: SystemTime) -> Option<String> {
    let secs = i64::try_from(time.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()?;
    let (year, month, day) = crate::types::timestamp::civil_from_days(secs.div_euclid(86_400));
    let of_day = secs.rem_euclid(86_400);
    Some(format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    ))
}

/// Leading and trailing whitespace removed, runs of spaces made one.
fn trim_all(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An empty path is `/`.
fn path_or_root(path: &str) -> &str {
    if path.is_empty() {
        "/"
    } else {
        path
    }
}

/// The path without empty, `.` and `..` segments, then percent-encoded
/// again (so `%2F` becomes `%252F`), as SigV4 wants for every service but
/// S3 (which `options` turn off one by one).
fn canonical_path(path: &str, options: SigningOptions) -> String {
    if !options.normalize_path {
        let path = path_or_root(path);
        let mut out = String::with_capacity(path.len() + 8);
        encode_bytes_into(&mut out, path.as_bytes(), false);
        return out;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut normalized = format!("/{}", segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        normalized.push('/');
    }
    if !options.double_uri_encode {
        return normalized;
    }
    let mut out = String::with_capacity(normalized.len() + 8);
    encode_bytes_into(&mut out, normalized.as_bytes(), false);
    out
}

/// Each parameter decoded and encoded again the canonical way, then sorted
/// by name and value.
fn canonical_query(query: &str) -> String {
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (reencode(name), reencode(value))
        })
        .collect();
    params.sort();
    let mut out = String::new();
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

fn reencode(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    encode_bytes_into(&mut out, &percent_decode(component), true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical_path_default(path: &str) -> String {
        canonical_path(path, SigningOptions::DEFAULT)
    }

    #[test]
    fn s3_paths_are_signed_as_sent() {
        let s3 = |p: &str| if SigningOptions::S3.double_uri_encode || SigningOptions::S3.normalize_path { canonical_path(p, SigningOptions::S3) } else { path_or_root(p).to_string() };
        assert_eq!(s3("/foo/../my%20key.txt"), "/foo/../my%20key.txt");
        assert_eq!(s3(""), "/");
        assert_eq!(canonical_path("/a/./b%20c", SigningOptions { double_uri_encode: false, ..SigningOptions::DEFAULT }), "/a/b%20c");
    }

    #[test]
    fn paths_are_normalised_then_encoded_twice() {
        assert_eq!(canonical_path_default(""), "/");
        assert_eq!(canonical_path_default("/"), "/");
        assert_eq!(canonical_path_default("/a//b/./c/../d/"), "/a/b/d/");
        assert_eq!(canonical_path_default("/detector/a%20b%2Fc"), "/detector/a%2520b%252Fc");
    }

    #[test]
    fn query_parameters_are_reencoded_and_sorted() {
        assert_eq!(canonical_query("b=2&a=%7e&a=1&c"), "a=1&a=~&b=2&c=");
        assert_eq!(canonical_query("k=a b%2"), "k=a%20b%252");
    }

    #[test]
    fn urls_split_into_path_and_query() {
        assert_eq!(split_url("https://h.example/p/q?x=1#f"), Some(("/p/q", "x=1")));
        assert_eq!(split_url("http://127.0.0.1:5000?x=1"), Some(("", "x=1")));
        assert_eq!(split_url("https://h.example"), Some(("", "")));
        assert_eq!(split_url("h.example/p"), None);
    }

    #[test]
    fn dates_are_utc_basic_format() {
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
        assert_eq!(amz_date(t).as_deref(), Some("20150830T123600Z"));
    }
}
