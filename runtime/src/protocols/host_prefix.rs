//! Host prefixes (`@endpoint(hostPrefix: ...)`): a `@hostLabel` member's
//! value checked to be one DNS label, and the prefix put before the
//! endpoint's host.

use crate::error::Failure;
use crate::types::validate::{ValidationError, Violation, ViolationKind};

/// A `@hostLabel` member's value for a host prefix: set, and 1 to 63
/// letters, digits or `-`, so it cannot change the host beyond its own label
/// (reported even when validation is off).
pub fn host_label<'v>(
    value: &'v Option<String>,
    member: &'static str,
    type_name: &'static str,
) -> Result<&'v str, Failure> {
    let fail = |kind| {
        Failure::Validation(ValidationError {
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
/// A host that cannot take a subdomain (an IP address, `localhost`: an
/// endpoint on the local machine or network) keeps its URL unchanged.
pub fn with_host_prefix(url: &str, prefix: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let authority = rest.split(['/', '?']).next().unwrap_or_default();
            let host = match authority.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or_default(),
                None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
            };
            if host.parse::<std::net::IpAddr>().is_ok() || host.eq_ignore_ascii_case("localhost") {
                return url.to_string();
            }
            format!("{}{prefix}{rest}", &url[..i + 3])
        }
        None => format!("{prefix}{url}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_prefixes_go_before_the_host_and_labels_cannot_escape() {
        use super::{host_label, with_host_prefix};
        assert_eq!(with_host_prefix("https://svc.us-east-1.amazonaws.com/a/b", "123.data-"), "https://123.data-svc.us-east-1.amazonaws.com/a/b");
        for local in ["http://127.0.0.1:4566/", "http://[::1]:80/x", "http://localhost:9000"] {
            assert_eq!(with_host_prefix(local, "streaming-"), local, "a local endpoint takes no prefix");
        }
        assert_eq!(host_label(&Some("123456789012".into()), "AccountId", "In").ok(), Some("123456789012"));
        for hostile in ["", "a.b", "a/b", "evil.com#", "a\r\nx: y", "x@y", &"a".repeat(64)] {
            assert!(host_label(&Some(hostile.to_string()), "AccountId", "In").is_err(), "{hostile:?} must be rejected");
        }
        assert!(host_label(&None, "AccountId", "In").is_err());
    }
}
