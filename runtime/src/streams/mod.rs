//! Bodies that stream: event streams (messages read and written as they
//! arrive and go), `aws-chunked` upload bodies with a trailing checksum, and
//! the stalled-stream rules that end a stream which stops moving.

#[cfg(feature = "checksums")]
#[doc(hidden)]
pub mod aws_chunked;
#[cfg(feature = "event-stream")]
pub mod event_stream;
pub mod stalled;
