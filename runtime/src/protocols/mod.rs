//! The wire protocols generated clients speak.

#[doc(hidden)]
pub mod aws_json;
#[cfg(feature = "xml")]
#[doc(hidden)]
pub mod aws_query;
#[cfg(feature = "cbor")]
#[doc(hidden)]
pub mod cbor;
#[cfg(feature = "cbor")]
#[doc(hidden)]
pub mod cbor_responses;
#[doc(hidden)]
pub mod customizations;
#[doc(hidden)]
pub mod endpoint_params;
#[doc(hidden)]
pub mod host_prefix;
#[doc(hidden)]
pub mod http_bindings;
#[doc(hidden)]
pub mod json;
#[doc(hidden)]
pub mod json_float;
#[cfg(feature = "xml")]
#[doc(hidden)]
pub mod query;
#[doc(hidden)]
pub mod rest_json;
#[cfg(feature = "cbor")]
#[doc(hidden)]
pub mod rpc_v2_cbor;
#[cfg(feature = "xml")]
#[doc(hidden)]
pub mod rest_xml;
#[doc(hidden)]
pub mod structs;
#[doc(hidden)]
pub mod unions;
#[cfg(feature = "xml")]
#[doc(hidden)]
pub mod xml;
#[cfg(feature = "xml")]
#[doc(hidden)]
pub mod xml_errors;
#[cfg(feature = "xml")]
#[doc(hidden)]
pub mod xml_write;

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
    /// `smithy.protocols#rpcv2Cbor`. Needs the `cbor` feature.
    RpcV2Cbor,
}
