//! Support code for the integration tests in `tests/tests/`.
//!
//! - [`interop`]: run a real moto server, and ask botocore for the request
//!   it would build and for a SigV4 signature, so the generated client can
//!   be checked against the reference implementations.

pub mod interop;
