//! The protocol-level request and response: what a serializer produces and a
//! parser consumes, independent of the endpoint, signing and transport.

/// An HTTP request as the protocol serializer built it: no endpoint, no
/// signing headers. `--dry-run` prints exactly this. Its `Debug` hides the
/// values of the headers and query parameters named in
/// [`sensitive_names`](Self::sensitive_names), and the body when
/// [`sensitive`](Self::sensitive).
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    pub method: &'static str,
    /// The percent-encoded path, starting with `/`.
    pub path: String,
    /// Query parameters in order, not yet encoded; `None`: a name without
    /// `=` (a URI's literal `?flag`).
    pub query: Vec<(String, Option<String>)>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// `None` when the request has no body (and no `Content-Type`). Shared
    /// bytes: a blob payload is not copied on its way to the transport.
    pub body: Option<bytes::Bytes>,
    /// `@endpoint(hostPrefix)`, filled in: put before the endpoint's host.
    pub host_prefix: Option<String>,
    /// A URL that replaces the resolved endpoint for this request (a
    /// service customisation: Machine Learning's `PredictEndpoint`).
    pub endpoint: Option<String>,
    /// `@requestCompression` with gzip: the body may be sent gzipped (see
    /// `Config`'s request compression settings).
    pub gzip: bool,
    /// `@httpChecksumRequired`: send the body's `Content-MD5` (of the body as
    /// sent, after any compression).
    pub content_md5: bool,
    /// The operation's endpoint context parameters (`@staticContextParams`,
    /// `@contextParam` members): the endpoint is resolved for this request.
    pub endpoint_params: Vec<(&'static str, crate::endpoints::Value)>,
    /// A `200` whose body is an `<Error>` document is an error (S3), and is
    /// retried as one.
    pub error_in_success: bool,
    /// `@httpChecksum` on the operation: the request may carry a checksum of
    /// its body (see `Config::request_checksum_calculation`).
    pub checksum: Option<RequestChecksum>,
    /// The caller asked (`requestValidationModeMember`) that the response
    /// body be checked against its `x-amz-checksum-*` header.
    pub validate_response_checksum: bool,
    /// `@auth([])`: the request goes unsigned and needs no credentials.
    pub unsigned: bool,
    /// The operation's auth schemes in order of preference, when they are
    /// not SigV4 alone (`None`: `aws.auth#sigv4`, AWS services' own). See
    /// the `auth` module.
    pub auth: Option<&'static [AuthOption]>,
    /// `@optionalAuth`: without an identity for any of its schemes, the
    /// request goes unsigned instead of failing.
    pub optional_auth: bool,
    /// The request's or the response's body may hold `@sensitive` members
    /// (credentials, tokens): the request goes out marked
    /// [`Sensitive`](crate::transport::Sensitive), so recordings keep
    /// neither body, and no error shows the response's.
    pub sensitive: bool,
    /// The headers and query parameters that carry `@sensitive` members'
    /// values (`http_request!` entries marked `sensitive`): `Debug`,
    /// recordings and presigned requests' `Debug` hide their values. The
    /// request itself carries them.
    pub sensitive_names: SensitiveNames,
}

/// The names of a request's headers and query parameters that carry
/// `@sensitive` values, which nothing but the request itself may show:
/// [`PreparedRequest`]'s `Debug`, [`RecordingTransport`](crate::transport::replay::RecordingTransport)
/// (which leaves such headers out and records such parameters'
/// values as redacted) and a presigned request's `Debug`. It travels with
/// the request sent as an `http::Request` extension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SensitiveNames {
    /// Lower-case header names.
    headers: Vec<String>,
    query: Vec<String>,
    /// Lower-case names of the response's headers that carry `@sensitive`
    /// output members, and prefixes of `@httpPrefixHeaders` ones.
    response_headers: Vec<String>,
    response_prefixes: Vec<String>,
}

impl SensitiveNames {
    /// The header `name` (any case) carries a sensitive value.
    pub fn add_header(&mut self, name: &str) {
        if !self.header(name) {
            self.headers.push(name.to_ascii_lowercase());
        }
    }

    /// The query parameter `name` carries a sensitive value.
    pub fn add_query(&mut self, name: &str) {
        if !self.query(name) {
            self.query.push(name.to_string());
        }
    }

    /// Whether the header `name` (any case) carries a sensitive value.
    pub fn header(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h.eq_ignore_ascii_case(name))
    }

    /// Whether the query parameter `name` carries a sensitive value.
    pub fn query(&self, name: &str) -> bool {
        self.query.iter().any(|q| q == name)
    }

    /// The response's header `name` (any case) carries a sensitive output
    /// member's value (S3 `PutObject`'s `x-amz-server-side-encryption-aws-kms-key-id`).
    pub fn add_response_header(&mut self, name: &str) {
        if !self.response_headers.iter().any(|h| h.eq_ignore_ascii_case(name)) {
            self.response_headers.push(name.to_ascii_lowercase());
        }
    }

    /// The response's headers starting with `prefix` (any case) carry a
    /// sensitive `@httpPrefixHeaders` output member's values.
    pub fn add_response_prefix(&mut self, prefix: &str) {
        if !self.response_prefixes.iter().any(|h| h.eq_ignore_ascii_case(prefix)) {
            self.response_prefixes.push(prefix.to_ascii_lowercase());
        }
    }

    /// Whether the response's header `name` (any case) carries a sensitive
    /// value: named by [`add_response_header`](Self::add_response_header)
    /// or [`add_response_prefix`](Self::add_response_prefix), or a
    /// sensitive request header's name (a value sent back).
    pub fn response_header(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        self.header(name) || self.response_headers.contains(&lower) || self.response_prefixes.iter().any(|p| lower.starts_with(p.as_str()))
    }

    /// No request header, query parameter or response header is named.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query.is_empty() && self.response_headers.is_empty() && self.response_prefixes.is_empty()
    }
}

/// What `Debug` shows in place of a sensitive value.
const HIDDEN: &str = "<sensitive>";

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = &self.sensitive_names;
        let query: Vec<(&str, Option<&str>)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref().map(|v| if names.query(k) { HIDDEN } else { v })))
            .collect();
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(k, v)| (k.as_str(), if names.header(k) || secret_header(k) { HIDDEN } else { v.as_str() })).collect();
        let body: Option<&dyn std::fmt::Debug> = match &self.body {
            Some(_) if self.sensitive => Some(&HIDDEN),
            Some(b) => Some(b),
            None => None,
        };
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &query)
            .field("headers", &headers)
            .field("body", &body)
            .field("host_prefix", &self.host_prefix)
            .field("endpoint", &self.endpoint)
            .field("gzip", &self.gzip)
            .field("content_md5", &self.content_md5)
            .field("endpoint_params", &self.endpoint_params)
            .field("error_in_success", &self.error_in_success)
            .field("checksum", &self.checksum)
            .field("validate_response_checksum", &self.validate_response_checksum)
            .field("unsigned", &self.unsigned)
            .field("auth", &self.auth)
            .field("optional_auth", &self.optional_auth)
            .field("sensitive", &self.sensitive)
            .field("sensitive_names", &self.sensitive_names)
            .finish()
    }
}

/// Where `smithy.api#httpApiKeyAuth` puts the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
}

/// One auth scheme an operation accepts, as its model defines it (see
/// the `auth` module, which re-exports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthOption {
    /// `aws.auth#sigv4`: the configuration's credentials.
    SigV4,
    /// `smithy.api#httpBearerAuth`: `Authorization: Bearer <token>`.
    Bearer,
    /// `smithy.api#httpApiKeyAuth`: the key in the header or query
    /// parameter `name`; in a header with `scheme`, `<scheme> <key>`.
    ApiKey { name: &'static str, location: ApiKeyLocation, scheme: Option<&'static str> },
    /// `smithy.api#httpBasicAuth`: `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// A scheme of the model this client cannot use (its shape id).
    Unsupported(&'static str),
}

/// What an operation's `@httpChecksum` asks of its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestChecksum {
    /// The algorithm the input names (its `requestAlgorithmMember`), if set.
    pub algorithm: Option<String>,
    /// `requestChecksumRequired`.
    pub required: bool,
}

impl PreparedRequest {
    pub fn new(method: &'static str, path: impl Into<String>) -> Self {
        PreparedRequest { method, path: path.into(), query: Vec::new(), headers: Vec::new(), body: None, host_prefix: None, endpoint: None, gzip: false, content_md5: false, endpoint_params: Vec::new(), error_in_success: false, checksum: None, validate_response_checksum: false, unsigned: false, auth: None, optional_auth: false, sensitive: false, sensitive_names: SensitiveNames::default() }
    }

    /// Set the body (a `Vec` or a blob's shared bytes; neither is copied).
    pub fn set_body(&mut self, body: impl Into<bytes::Bytes>) {
        self.body = Some(body.into());
    }

    pub fn header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
    }

    /// Set a header unless a member already set it (a modeled
    /// `Content-Type` header wins over the protocol's default).
    pub fn default_header(&mut self, name: &str, value: &str) {
        if !self.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
            self.header(name, value);
        }
    }

    pub fn query(&mut self, name: &str, value: impl Into<String>) {
        self.query.push((name.to_string(), Some(value.into())));
    }

    /// A header carrying a `@sensitive` value: set, and its name kept in
    /// [`sensitive_names`](Self::sensitive_names).
    pub fn sensitive_header(&mut self, name: &str, value: impl Into<String>) {
        self.sensitive_names.add_header(name);
        self.header(name, value);
    }

    /// A query parameter carrying a `@sensitive` value: added, and its name
    /// kept in [`sensitive_names`](Self::sensitive_names).
    pub fn sensitive_query(&mut self, name: &str, value: impl Into<String>) {
        self.sensitive_names.add_query(name);
        self.query(name, value);
    }

    /// A query parameter without a value (`?flag`, not `?flag=`).
    pub fn query_flag(&mut self, name: &str) {
        self.query.push((name.to_string(), None));
    }

    /// The path and the encoded query string, as sent on the request line.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_into(&mut out, k, true);
            if let Some(v) = v {
                out.push('=');
                encode_into(&mut out, v, true);
            }
        }
        out
    }
}

/// `value` percent-encoded: everything but RFC 3986's unreserved characters
/// (and `/` unless `encode_slash`), as `%XX` with upper-case hex digits.
pub fn encode_into(out: &mut String, value: &str, encode_slash: bool) {
    encode_bytes_into(out, value.as_bytes(), encode_slash);
}

/// [`encode_into`] for bytes that need not be UTF-8.
pub fn encode_bytes_into(out: &mut String, value: &[u8], encode_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value {
        let keep = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || (b == b'/' && !encode_slash);
        if keep {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

/// `url` as messages may show it: its scheme and host (`https://host:port`,
/// without user information), or, when it has no `scheme://`, the text
/// before its query or fragment. Never its query, whose values may be
/// secrets (a presigned signature, an API key, `@sensitive` members).
pub fn url_shown(url: &str) -> String {
    let Some(start) = url.find("://") else { return url.split(['?', '#']).next().unwrap_or_default().to_string() };
    let after = &url[start + 3..];
    let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
    // User information (`user:password@`) is left out.
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    format!("{}://{host}", &url[..start])
}

/// Whether a header (by name, in any case) carries a secret that must not
/// be shown or kept: credentials and signatures (`Authorization`,
/// `Proxy-Authorization`, `X-Amz-Security-Token`), the instance metadata
/// session token, the SSO bearer token, cookies, S3's customer-provided
/// encryption keys and encryption context, and any header whose name says
/// it holds a secret, password, bearer or session token, or API key.
/// Recordings ([`transport::replay`](crate::transport::replay)) leave such
/// headers out; a presigned request's `Debug` hides their values.
pub fn secret_header(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-amz-security-token",
        "x-aws-ec2-metadata-token",
        "x-amz-sso_bearer_token",
        "x-amz-server-side-encryption-context",
    ];
    const PARTS: &[&str] = &["authorization", "cookie", "secret", "password", "passwd", "security-token", "session-token", "bearer", "api-key", "apikey", "customer-key", "metadata-token"];
    let name = name.to_ascii_lowercase();
    EXACT.contains(&name.as_str()) || PARTS.iter().any(|p| name.contains(p))
}

use std::sync::OnceLock;

/// A response as received: status, headers (names in lower case) and body.
#[derive(Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Shared bytes: a blob payload of the output takes them without a copy.
    pub body: bytes::Bytes,
    /// How many attempts the client made (1 when there was no retry).
    pub attempts: u32,
    /// The body as a JSON object, parsed on first use (see [`json_object`](Self::json_object)).
    json: OnceLock<Option<serde_json::Value>>,
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl PartialEq for RawResponse {
    fn eq(&self, other: &Self) -> bool {
        (self.status, &self.headers, &self.body, self.attempts) == (other.status, &other.headers, &other.body, other.attempts)
    }
}

impl Eq for RawResponse {}

impl RawResponse {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: impl Into<bytes::Bytes>) -> Self {
        RawResponse { status, headers, body: body.into(), attempts: 1, json: OnceLock::new() }
    }

    /// The body as a JSON object (an empty body as `{}`), or `None` when it
    /// is not one. Parsed once, on first use: an error response's code (for
    /// the retry decision), its message and its modeled members all come
    /// from this one parse. The body must not change after the first call.
    pub fn json_object(&self) -> Option<&serde_json::Value> {
        self.json
            .get_or_init(|| {
                if self.body.iter().all(u8::is_ascii_whitespace) {
                    return Some(serde_json::Value::Object(serde_json::Map::new()));
                }
                serde_json::from_slice::<serde_json::Value>(&self.body).ok().filter(serde_json::Value::is_object)
            })
            .as_ref()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of a header, by case-insensitive name (the first
    /// field line of that name; see [`header_combined`](Self::header_combined)
    /// for all of them).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).next()
    }

    /// Every value of a header, by case-insensitive name: one per field
    /// line, in the order received.
    pub fn header_values<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.headers.iter().filter(move |(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// A header's field lines combined as HTTP combines them (RFC 9110,
    /// section 5.3): their values in order, joined by `, `, so `X-Foo: a`
    /// and `X-Foo: b` read as `a, b`; `None` when absent. Borrowed when
    /// there is one line. Every line is kept as it is, empty ones too (the
    /// result can end in `, `), and a single-valued field's own commas (an
    /// http-date, a `Set-Cookie`) run into the joins. The generated parsers
    /// read lines with [`header_values`](Self::header_values) instead:
    /// `rest_json::header_list` splits each line on its own, and
    /// `rest_json::header` joins a single value's lines this way only when
    /// its non-empty lines disagree.
    pub fn header_combined(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        let mut values = self.header_values(name);
        let first = values.next()?;
        let Some(second) = values.next() else { return Some(std::borrow::Cow::Borrowed(first)) };
        let mut joined = format!("{first}, {second}");
        for v in values {
            joined.push_str(", ");
            joined.push_str(v);
        }
        Some(std::borrow::Cow::Owned(joined))
    }

    /// The request id AWS services return, under any of its usual names.
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-amzn-requestid").or_else(|| self.header("x-amz-request-id"))
    }
}

/// Percent-decoding (`+` stays `+`: AWS encodes spaces as `%20`), as text
/// (bytes that are not UTF-8 become U+FFFD).
pub fn percent_decode(s: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(s)).into_owned()
}

/// `%XX` decoded to bytes; a `%` not followed by two hex digits stays as it is.
pub fn percent_decode_bytes(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_at = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex_at(i + 1), hex_at(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_url_shown_keeps_only_its_scheme_and_host() {
        use super::url_shown;
        assert_eq!(url_shown("https://b.s3.amazonaws.com:443/k?X-Amz-Security-Token=TOK#f"), "https://b.s3.amazonaws.com:443");
        assert_eq!(url_shown("https://user:PW@host/p?q=1"), "https://host");
        assert_eq!(url_shown("http://host?token=TOK"), "http://host");
        assert_eq!(url_shown("/path?token=TOK"), "/path");
    }

    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Thrown {
        reason: Option<String>,
    }
    crate::protocols::structs::json_struct!(Thrown { reason: "reason" });
    impl crate::error::ErrorHeaders for Thrown {}

    #[test]
    fn an_error_body_is_parsed_once_for_code_message_and_members() {
        use crate::protocols::json::{error_code, error_meta, parse_error};
        use crate::protocols::Protocol;
        let r = RawResponse::new(400, vec![], &br#"{"__type":"ns#Thrown","message":"no","reason":"r"}"#[..]);
        assert!(r.json.get().is_none(), "nothing is parsed before it is needed");
        // The retry decision reads the code ...
        assert_eq!(error_code(Protocol::AwsJson1_1, &r).as_deref(), Some("Thrown"));
        let parsed = r.json.get().and_then(Option::as_ref).map(|v| v as *const serde_json::Value);
        assert!(parsed.is_some());
        // ... and the error dispatch reuses that very value.
        let meta = error_meta(Protocol::AwsJson1_1, &r);
        assert_eq!((meta.code.as_str(), meta.message.as_deref()), ("Thrown", Some("no")));
        let error: crate::error::Modeled<Thrown> = parse_error(&r, meta).expect("parses");
        assert_eq!(error.error.reason.as_deref(), Some("r"));
        assert_eq!(r.json_object().map(|v| v as *const serde_json::Value), parsed);
        // A body that is not an object: no code from it, and a parse error.
        let html = RawResponse::new(500, vec![], &b"<html>oops</html>"[..]);
        assert_eq!(error_code(Protocol::RestJson1, &html), None);
        assert!(parse_error::<Thrown>(&html, error_meta(Protocol::RestJson1, &html)).is_err());
    }

    #[test]
    fn a_headers_field_lines_combine_in_order() {
        let h = |k: &str, v: &str| (k.to_string(), v.to_string());
        let r = RawResponse::new(200, vec![h("x-foo", "a"), h("x-bar", "z"), h("X-Foo", "b, c"), h("x-foo", "d")], &b""[..]);
        assert_eq!(r.header("X-FOO"), Some("a"), "the first line");
        assert_eq!(r.header_values("x-foo").collect::<Vec<_>>(), ["a", "b, c", "d"]);
        assert_eq!(r.header_combined("x-foo").as_deref(), Some("a, b, c, d"));
        assert!(matches!(r.header_combined("x-bar"), Some(std::borrow::Cow::Borrowed("z"))), "one line is not copied");
        assert_eq!(r.header_combined("x-baz"), None);
    }

    #[test]
    fn debug_hides_sensitive_headers_parameters_and_bodies() {
        let mut r = PreparedRequest::new("PUT", "/k");
        r.sensitive_header("X-Pin", "PINCANARY");
        r.sensitive_query("token", "TOKENCANARY");
        r.header("x-plain", "shown-header");
        r.query("page", "2");
        r.set_body(&b"BODY-SHOWN"[..]);
        let shown = format!("{r:?}");
        assert!(!shown.contains("CANARY") && shown.contains("shown-header") && shown.contains("BODY-SHOWN"), "{shown}");
        assert!(shown.contains(r#"("x-pin", "<sensitive>")"#) && shown.contains(r#"("token", Some("<sensitive>"))"#), "{shown}");
        r.sensitive = true;
        r.set_body(&b"BODYCANARY"[..]);
        assert!(!format!("{r:?}").contains("CANARY"), "a sensitive body is hidden");
        assert!(r.headers.contains(&("x-pin".to_string(), "PINCANARY".to_string())), "the request keeps the value");
    }

    #[test]
    fn encodes_reserved_and_non_ascii() {
        let mut s = String::new();
        encode_into(&mut s, "a b/c?d=é~", true);
        assert_eq!(s, "a%20b%2Fc%3Fd%3D%C3%A9~");
        let mut g = String::new();
        encode_into(&mut g, "a/b c", false);
        assert_eq!(g, "a/b%20c");
    }

    #[test]
    fn path_and_query_encodes_both_sides() {
        let mut r = PreparedRequest::new("GET", "/x");
        r.query("a b", "c&d");
        r.query("e", "");
        assert_eq!(r.path_and_query(), "/x?a%20b=c%26d&e=");
    }
}
