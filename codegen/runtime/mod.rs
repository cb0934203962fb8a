//! Runtime support shared by every generated service module: blobs,
//! timestamps, documents, union serde, validation, and the client pipeline
//! (configuration, protocols, signing, retries, transport). Hand-written in
//! the generator's `codegen/runtime/` and copied here unchanged.

pub mod aws_json;
pub mod blob;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod endpoints;
pub mod enums;
pub mod error;
#[cfg(feature = "default-transport")]
pub mod http1;
pub mod idempotency;
pub mod invoke;
pub mod json;
pub mod paginate;
pub mod pattern;
pub mod request;
pub mod rest_json;
pub mod retry;
pub mod signing;
pub mod structs;
pub mod timestamp;
pub mod transport;
pub mod unions;
pub mod validate;

/// A Smithy `document`: untyped JSON-like data.
pub type Document = serde_json::Value;
