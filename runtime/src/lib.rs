//! The runtime of the Rust crates that `smithy-rust-gen` generates from
//! Smithy 2.0 models of AWS APIs.
//!
//! A generated crate holds only what comes from its model (types,
//! validators, serializers, clients); everything else lives here, once, so
//! that every generated crate in a program shares one set of types: one
//! [`Config`] serves the clients of several service crates, with one
//! transport (one connection pool) and one set of credentials.
//!
//! ```no_run
//! # fn clients() -> Result<(), smithy_gen_runtime::ConfigError> {
//! use smithy_gen_runtime::{Config, Credentials};
//!
//! let config = Config::builder()
//!     .region("eu-west-1")
//!     .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
//!     .build()?;
//! // Then, with two generated crates:
//! // let logs = logs_crate::cloudwatch_logs::Client::new(config.clone());
//! // let ecs = ecs_crate::ecs::Client::new(config);
//! # Ok(()) }
//! ```
//!
//! The modules follow the runtime's concerns: [`config`] (the built
//! configuration, its builder and the shared files), [`credentials`] (one
//! module per source, the chain's order in `credentials::chain`),
//! [`endpoints`] (rule sets), [`signing`] (SigV4, event signatures, clock
//! skew), [`retry`] (rules, the quota, adaptive rates), [`transport`] (the
//! HTTP seam, the default client, replay), [`streams`] (event streams,
//! chunked uploads, stalled streams), [`protocols`] (the wire formats),
//! [`types`] (timestamps, blobs, builders, validation) and [`waiters`] (the
//! schedule and loop of `smithy.waiters#waitable` waiters).
//!
//! What users name is at the crate root ([`Config`], [`Credentials`],
//! [`Blob`], [`Timestamp`], [`Document`], the error traits) and re-exported
//! by every generated crate. Modules hidden from these docs hold what only
//! generated code calls (protocol serializers, the macros that implement a
//! model's types); they follow this crate's version like the rest, but are
//! not meant to be called by hand.
//!
//! # Features
//!
//! - `default-transport` (default): [`transport::default::DefaultTransport`],
//!   hyper's HTTP/1.1 client over rustls on tokio, with proxies from the
//!   environment and `AWS_CA_BUNDLE`, and [`transport::default::TokioSleep`].
//!   Without it, set a [`Transport`] and a [`Sleep`] on the configuration.
//! - `http2`: HTTP/2 in the default transport, offered by ALPN before
//!   HTTP/1.1; generated crates of services whose protocol lists `h2`
//!   (bidirectional event streams) turn it on.
//! - `cli`: the engine of the `smithy-call` tool of generated crates.
//! - `xml`: the awsQuery, ec2Query and restXml protocols (XML read with quick-xml);
//!   generated crates of services on them turn it on.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
pub mod config;
pub mod credentials;
#[cfg(feature = "endpoint-discovery")]
#[cfg_attr(docsrs, doc(cfg(feature = "endpoint-discovery")))]
pub mod endpoint_discovery;
pub mod endpoints;
pub mod error;
pub mod hooks;
pub mod paginate;
pub mod iam;
pub mod protocols;
pub mod request;
pub mod retry;
pub mod signing;
pub mod streams;
pub mod transport;
pub mod types;
pub mod waiters;

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "checksums")]
#[doc(hidden)]
pub mod checksums;
#[cfg(feature = "transfer")]
pub mod transfer;
#[doc(hidden)]
pub mod error_macros;
#[doc(hidden)]
pub mod idempotency;
#[doc(hidden)]
pub mod invoke;
#[doc(hidden)]
pub mod protocol_test;

pub use types::blob::Blob;
/// Shared bytes: request and response bodies (the [`Transport`] trait's).
pub use bytes::Bytes;
pub use config::{Config, ConfigError, ContextParam, Credentials, EndpointDiscovery, RequestChecksumCalculation, RetryConfig, RetryMode};
pub use error::{ErrorKind, ErrorMeta, Modeled, OperationError, ParseError, TimeoutError, TransportError};
pub use config::builder::ConfigBuilder;
pub use types::builders::BuildError;
pub use paginate::Paginator;
pub use signing::presign::{PresignedRequest, PresigningConfig, PresigningConfigError};
pub use types::timestamp::Timestamp;
pub use transport::{Sleep, Transport};
pub use types::validate::{Validate, ValidationError, Violation};

/// A Smithy `document`: untyped JSON-like data.
pub type Document = serde_json::Value;

/// This crate's version. A generated crate names the exact version it was
/// generated for in its `Cargo.toml` and checks at compile time that the
/// runtime it is built with is compatible (see [`assert_compatible`]).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Fails the build (as a constant evaluation) when a crate generated for
/// runtime version `generated_for` is compiled with an incompatible runtime:
/// one whose semver-breaking component differs (the minor version while the
/// major is 0, else the major). Every generated `lib.rs` calls it.
#[doc(hidden)]
pub const fn assert_compatible(generated_for: &str) {
    if !compatible(generated_for.as_bytes(), VERSION.as_bytes()) {
        panic!(
            "this crate was generated for another, incompatible version of smithy-gen-runtime: \
             depend on the runtime version named in the assert_compatible call (its Cargo.toml does), \
             or generate the crate again with the generator of the runtime you use"
        );
    }
}

/// Whether versions `a` and `b` agree up to their semver-breaking component.
const fn compatible(a: &[u8], b: &[u8]) -> bool {
    let (ea, eb) = (breaking_end(a), breaking_end(b));
    if ea != eb {
        return false;
    }
    let mut i = 0;
    while i < ea {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The length of the prefix of a version that semver treats as breaking:
/// `0.3` of `0.3.1`, `2` of `2.5.0`.
const fn breaking_end(v: &[u8]) -> usize {
    let dots = if v.len() >= 2 && v[0] == b'0' && v[1] == b'.' { 2 } else { 1 };
    let (mut i, mut seen) = (0, 0);
    while i < v.len() {
        if v[i] == b'.' {
            seen += 1;
            if seen == dots {
                return i;
            }
        }
        i += 1;
    }
    v.len()
}

#[cfg(test)]
mod tests {
    use super::compatible;

    #[test]
    fn versions_are_compatible_up_to_their_breaking_component() {
        assert!(compatible(b"0.1.0", b"0.1.7"));
        assert!(!compatible(b"0.1.0", b"0.2.0"));
        assert!(!compatible(b"0.1.0", b"0.10.0"));
        assert!(compatible(b"1.2.0", b"1.9.3"));
        assert!(!compatible(b"1.2.0", b"2.0.0"));
        assert!(!compatible(b"0.1.0", b"1.1.0"));
        super::assert_compatible(super::VERSION);
    }
}
