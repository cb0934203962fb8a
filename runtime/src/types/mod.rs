//! The values generated types are made of and the code they share:
//! timestamps, blobs, enums, builders and accessors, validation against the
//! model's constraints, and the `@pattern` engine.

pub mod blob;
pub mod builders;
#[doc(hidden)]
pub mod enums;
#[doc(hidden)]
pub mod pattern;
pub mod timestamp;
pub mod validate;
