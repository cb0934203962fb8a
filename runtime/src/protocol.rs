//! The wire protocols generated clients speak.

use super::request::RawResponse;

/// Which protocol a service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
    /// Needs the `xml` feature.
    AwsQuery,
    /// Needs the `xml` feature.
    Ec2Query,
    /// Needs the `xml` feature.
    RestXml,
}

/// The error code of an error response in `protocol`, if it has one (what
/// the retry policy looks at).
pub fn error_code(protocol: Protocol, response: &RawResponse) -> Option<String> {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RestJson1 => super::json::error_code(protocol, response),
        #[cfg(feature = "xml")]
        Protocol::AwsQuery | Protocol::Ec2Query | Protocol::RestXml => super::xml_errors::error_code(response),
        #[cfg(not(feature = "xml"))]
        Protocol::AwsQuery | Protocol::Ec2Query | Protocol::RestXml => None,
    }
}
