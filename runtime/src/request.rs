//! The protocol-level request and response: what a serializer produces and a
//! parser consumes, independent of the endpoint, signing and transport.

/// An HTTP request as the protocol serializer built it: no endpoint, no
/// signing headers. `--dry-run` prints exactly this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    pub method: &'static str,
    /// The percent-encoded path, starting with `/`.
    pub path: String,
    /// Query parameters in order, not yet encoded.
    pub query: Vec<(String, String)>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// `None` when the request has no body (and no `Content-Type`).
    pub body: Option<Vec<u8>>,
    /// `@endpoint(hostPrefix)`, filled in: put before the endpoint's host.
    pub host_prefix: Option<String>,
}

impl PreparedRequest {
    pub fn new(method: &'static str, path: impl Into<String>) -> Self {
        PreparedRequest { method, path: path.into(), query: Vec::new(), headers: Vec::new(), body: None, host_prefix: None }
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
        self.query.push((name.to_string(), value.into()));
    }

    /// The path and the encoded query string, as sent on the request line.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_into(&mut out, k, true);
            out.push('=');
            encode_into(&mut out, v, true);
        }
        out
    }
}

/// Percent-encode `value` as RFC 3986 requires: unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) stay, every other byte of the UTF-8 becomes
/// `%XX`. With `encode_slash` false, `/` stays (greedy labels).
/// A `@hostLabel` member's value for a host prefix: set, and 1 to 63
/// letters, digits or `-`, so it cannot change the host beyond its own label
/// (reported even when validation is off).
pub fn host_label<'v>(
    value: &'v Option<String>,
    member: &'static str,
    type_name: &'static str,
) -> Result<&'v str, super::error::Failure> {
    use super::validate::{ValidationError, Violation, ViolationKind};
    let fail = |kind| {
        super::error::Failure::Validation(ValidationError {
            type_name,
            violations: vec![Violation { path: member.to_string(), on_map_key: false, kind }],
        })
    };
    let v = value.as_deref().ok_or_else(|| fail(ViolationKind::Required))?;
    if v.is_empty() || v.len() > 63 || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(fail(ViolationKind::HostLabel));
    }
    Ok(v)
}

/// `url` with `prefix` put before its host (`https://h/x` → `https://<prefix>h/x`).
pub fn with_host_prefix(url: &str, prefix: &str) -> String {
    match url.find("://") {
        Some(i) => format!("{}{prefix}{}", &url[..i + 3], &url[i + 3..]),
        None => format!("{prefix}{url}"),
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

/// A response as received: status, headers (names in lower case) and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How many attempts the client made (1 when there was no retry).
    pub attempts: u32,
}

/// An operation's result from its response: a non-2xx response becomes the
/// operation's error (`error`), a 2xx one is read with `parse`, whose
/// failures convert into the operation's error too.
pub fn output<T, E: From<super::error::Failure>>(
    response: &RawResponse,
    error: fn(&RawResponse) -> E,
    parse: impl FnOnce(&RawResponse) -> Result<T, super::error::Failure>,
) -> Result<T, E> {
    if !response.is_success() {
        return Err(error(response));
    }
    parse(response).map_err(E::from)
}

impl RawResponse {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: impl Into<Vec<u8>>) -> Self {
        RawResponse { status, headers, body: body.into(), attempts: 1 }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The request id AWS services return, under any of its usual names.
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-amzn-requestid").or_else(|| self.header("x-amz-request-id"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_prefixes_go_before_the_host_and_labels_cannot_escape() {
        use super::{host_label, with_host_prefix};
        assert_eq!(with_host_prefix("https://svc.us-east-1.amazonaws.com/a/b", "123.data-"), "https://123.data-svc.us-east-1.amazonaws.com/a/b");
        assert_eq!(host_label(&Some("123456789012".into()), "AccountId", "In").ok(), Some("123456789012"));
        for hostile in ["", "a.b", "a/b", "evil.com#", "a\r\nx: y", "x@y", &"a".repeat(64)] {
            assert!(host_label(&Some(hostile.to_string()), "AccountId", "In").is_err(), "{hostile:?} must be rejected");
        }
        assert!(host_label(&None, "AccountId", "In").is_err());
    }

    use super::*;

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
