//! Runtime support shared by every generated service module: blobs,
//! timestamps, documents, union serde and validation. Hand-written in the
//! generator's `codegen/runtime/` and copied here unchanged.

pub mod blob;
pub mod timestamp;
pub mod unions;
pub mod validate;

/// A Smithy `document`: untyped JSON-like data.
pub type Document = serde_json::Value;
