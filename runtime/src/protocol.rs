//! The wire protocols generated clients speak.

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
