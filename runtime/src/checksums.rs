//! Flexible checksums (`aws.protocols#httpChecksum`): the request body's
//! CRC32, CRC32C, CRC64/NVME, SHA-1 or SHA-256 in an `x-amz-checksum-<algorithm>`
//! header (base64 of the big-endian value or digest), and the same check on
//! a response body when the caller asked for validation.
//!
//! The CRCs are the `crc` crate's (table-driven, pure Rust, its catalogue's
//! parameters: CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME); the digests are
//! ring's, which signing already uses.

use crate::config::RequestChecksumCalculation;
use crate::error::{TransportError, TransportErrorKind};
use crate::request::RequestChecksum;
use crate::transport::{BodyStream, BoxFuture, ReadChunks, SendError};

/// The header carrying `algorithm`'s checksum, and the checksum of `body`,
/// or why it cannot be computed (an algorithm this client does not know).
pub fn checksum_header(algorithm: &str, body: &[u8]) -> Result<(String, String), String> {
    let value = match algorithm.to_ascii_uppercase().as_str() {
        "CRC32" => crc32(body).to_be_bytes().to_vec(),
        "CRC32C" => crc32c(body).to_be_bytes().to_vec(),
        "CRC64NVME" => crc64nvme(body).to_be_bytes().to_vec(),
        "SHA1" => ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, body).as_ref().to_vec(),
        "SHA256" => ring::digest::digest(&ring::digest::SHA256, body).as_ref().to_vec(),
        other => return Err(format!("the checksum algorithm {other:?} is not supported (CRC32, CRC32C, CRC64NVME, SHA1, SHA256 are)")),
    };
    Ok((format!("x-amz-checksum-{}", algorithm.to_ascii_lowercase()), crate::types::blob::encode(&value)))
}

/// The algorithm a request of an operation with `@httpChecksum` uses: the
/// input's, else CRC32 when the configuration or the operation asks for one.
pub fn request_algorithm(checksum: &RequestChecksum, calculation: RequestChecksumCalculation) -> Option<String> {
    match &checksum.algorithm {
        Some(a) => Some(a.clone()),
        None if checksum.required || calculation == RequestChecksumCalculation::WhenSupported => Some("CRC32".to_string()),
        None => None,
    }
}

/// The checksum a response gave that this client can check: the first
/// `x-amz-checksum-*` header of the algorithms it computes, strongest
/// first (a multipart object's composite checksum, `…-<parts>`, cannot be
/// checked from the whole body and is skipped). The algorithm and the value.
fn response_checksum(headers: &[(String, String)]) -> Option<(&'static str, &str)> {
    for algorithm in ["CRC64NVME", "CRC32C", "CRC32", "SHA256", "SHA1"] {
        let name = format!("x-amz-checksum-{}", algorithm.to_ascii_lowercase());
        let Some((_, expected)) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(&name)) else { continue };
        if expected.contains('-') {
            continue;
        }
        return Some((algorithm, expected.trim()));
    }
    None
}

/// Check a response body against the checksum its headers give (the
/// first `x-amz-checksum-*` of an algorithm this client computes, strongest
/// first; composite checksums skipped). `Err` names the algorithm, both values.
pub fn validate_response(headers: &[(String, String)], body: &[u8]) -> Result<(), String> {
    let Some((algorithm, expected)) = response_checksum(headers) else { return Ok(()) };
    let (_, actual) = checksum_header(algorithm, body)?;
    if actual != expected {
        return Err(mismatch(algorithm, &actual, expected));
    }
    Ok(())
}

fn mismatch(algorithm: &str, actual: &str, expected: &str) -> String {
    format!("the body's {algorithm} is {actual}, but the response says {expected}")
}

/// A streamed response body checked as it is read against the checksum its
/// headers give: the read that reaches the end fails with a
/// `ChecksumMismatch` error when the bytes read do not match (the caller
/// must not trust what it read). As it is, without such a header.
pub fn validating(body: BodyStream, headers: &[(String, String)]) -> BodyStream {
    let Some((algorithm, expected)) = response_checksum(headers) else { return body };
    let Ok(hasher) = Hasher::new(algorithm) else { return body };
    BodyStream::new(Validating { inner: body, hasher: Some(hasher), algorithm, expected: expected.to_string() })
}

struct Validating {
    inner: BodyStream,
    /// `None` once the end was checked.
    hasher: Option<Hasher>,
    algorithm: &'static str,
    expected: String,
}

impl std::fmt::Debug for Validating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validating").field("inner", &self.inner).field("algorithm", &self.algorithm).finish()
    }
}

impl ReadChunks for Validating {
    fn next_chunk(&mut self) -> BoxFuture<'_, Option<Result<bytes::Bytes, SendError>>> {
        Box::pin(async move {
            let hasher = self.hasher.as_mut()?;
            match self.inner.next_chunk().await {
                Some(Ok(chunk)) => {
                    hasher.update(&chunk);
                    Some(Ok(chunk))
                }
                Some(Err(e)) => {
                    self.hasher = None;
                    Some(Err(e))
                }
                None => {
                    let actual = self.hasher.take()?.finish();
                    if actual == self.expected {
                        tracing::debug!(algorithm = self.algorithm, "streamed body checksum validated");
                        return None;
                    }
                    let message = format!("the streamed body does not match its checksum: {}", mismatch(self.algorithm, &actual, &self.expected));
                    Some(Err(SendError::Transport(TransportError::new(TransportErrorKind::ChecksumMismatch, message))))
                }
            }
        })
    }
}

// Slice-by-16 tables (16 KiB for a 32-bit CRC, 32 KiB for CRC-64): several
// times the byte-at-a-time table's speed, which matters for parts of megabytes.
static CRC32: crc::Crc<u32, crc::Table<16>> = crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISO_HDLC);
static CRC32C: crc::Crc<u32, crc::Table<16>> = crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISCSI);
static CRC64NVME: crc::Crc<u64, crc::Table<16>> = crc::Crc::<u64, crc::Table<16>>::new(&crc::CRC_64_NVME);

fn crc32(body: &[u8]) -> u32 {
    CRC32.checksum(body)
}

fn crc32c(body: &[u8]) -> u32 {
    CRC32C.checksum(body)
}

fn crc64nvme(body: &[u8]) -> u64 {
    CRC64NVME.checksum(body)
}

/// A checksum computed piece by piece, for a body that is sent as it is
/// produced (the trailer of an aws-chunked body): the same values as
/// [`checksum_header`] gives for the whole.
pub struct Hasher {
    state: State,
    /// `x-amz-checksum-<algorithm>`.
    header: String,
}

enum State {
    Crc32(crc::Digest<'static, u32, crc::Table<16>>),
    Crc32c(crc::Digest<'static, u32, crc::Table<16>>),
    Crc64(crc::Digest<'static, u64, crc::Table<16>>),
    // Boxed: a digest's state is far larger than a CRC's.
    Digest(Box<ring::digest::Context>),
}

impl Hasher {
    /// A hasher of `algorithm` (CRC32, CRC32C, CRC64NVME, SHA1, SHA256).
    pub fn new(algorithm: &str) -> Result<Hasher, String> {
        let state = match algorithm.to_ascii_uppercase().as_str() {
            "CRC32" => State::Crc32(CRC32.digest()),
            "CRC32C" => State::Crc32c(CRC32C.digest()),
            "CRC64NVME" => State::Crc64(CRC64NVME.digest()),
            "SHA1" => State::Digest(Box::new(ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY))),
            "SHA256" => State::Digest(Box::new(ring::digest::Context::new(&ring::digest::SHA256))),
            other => return Err(format!("the checksum algorithm {other:?} is not supported (CRC32, CRC32C, CRC64NVME, SHA1, SHA256 are)")),
        };
        Ok(Hasher { state, header: format!("x-amz-checksum-{}", algorithm.to_ascii_lowercase()) })
    }

    /// The header (trailer) name the checksum goes in.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// The length of the base64 value [`finish`](Self::finish) gives.
    pub fn value_len(&self) -> usize {
        let bytes = match &self.state {
            State::Crc32(_) | State::Crc32c(_) => 4,
            State::Crc64(_) => 8,
            State::Digest(c) => c.algorithm().output_len(),
        };
        bytes.div_ceil(3) * 4
    }

    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc32(d) | State::Crc32c(d) => d.update(data),
            State::Crc64(d) => d.update(data),
            State::Digest(c) => c.update(data),
        }
    }

    /// The checksum of everything given, base64 of the big-endian value or
    /// digest.
    pub fn finish(self) -> String {
        let value = match self.state {
            State::Crc32(d) | State::Crc32c(d) => d.finalize().to_be_bytes().to_vec(),
            State::Crc64(d) => d.finalize().to_be_bytes().to_vec(),
            State::Digest(c) => c.finish().as_ref().to_vec(),
        };
        crate::types::blob::encode(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piece_by_piece_equals_whole() {
        let body: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for algorithm in ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] {
            let mut h = Hasher::new(algorithm).unwrap();
            for piece in body.chunks(997) {
                h.update(piece);
            }
            let (header, whole) = checksum_header(algorithm, &body).unwrap();
            assert_eq!(h.header(), header);
            assert_eq!(h.value_len(), whole.len(), "{algorithm}");
            assert_eq!(h.finish(), whole, "{algorithm}");
        }
        assert!(Hasher::new("MD5").is_err());
    }

    #[test]
    fn known_values() {
        // The catalogue's check values (the CRC of "123456789").
        assert_eq!(crc32(b"123456789"), 0xcbf43926);
        assert_eq!(crc32c(b"123456789"), 0xe3069283);
        assert_eq!(crc64nvme(b"123456789"), 0xae8b14860a799888);
        // Values AWS documents for "Hello world" (S3 user guide, checking object integrity).
        assert_eq!(checksum_header("CRC32", b"Hello world").unwrap(), ("x-amz-checksum-crc32".into(), "i9aeUg==".into()));
        assert_eq!(checksum_header("sha256", b"").unwrap().1, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert!(checksum_header("MD4", b"").is_err());
    }

    #[test]
    fn requests_default_to_crc32_when_supported() {
        let optional = RequestChecksum { algorithm: None, required: false };
        assert_eq!(request_algorithm(&optional, RequestChecksumCalculation::WhenSupported).as_deref(), Some("CRC32"));
        assert_eq!(request_algorithm(&optional, RequestChecksumCalculation::WhenRequired), None);
        let required = RequestChecksum { algorithm: None, required: true };
        assert_eq!(request_algorithm(&required, RequestChecksumCalculation::WhenRequired).as_deref(), Some("CRC32"));
        let chosen = RequestChecksum { algorithm: Some("SHA256".into()), required: false };
        assert_eq!(request_algorithm(&chosen, RequestChecksumCalculation::WhenRequired).as_deref(), Some("SHA256"));
    }

    #[test]
    fn responses_are_checked() {
        let good = vec![("x-amz-checksum-crc32".to_string(), "i9aeUg==".to_string())];
        assert!(validate_response(&good, b"Hello world").is_ok());
        assert!(validate_response(&good, b"Hello World").unwrap_err().contains("CRC32"));
        let composite = vec![("x-amz-checksum-crc32".to_string(), "AAAAAA==-3".to_string())];
        assert!(validate_response(&composite, b"anything").is_ok());
        assert!(validate_response(&[], b"anything").is_ok());
    }

    /// Every chunk of `body`, then the error that ended it, if any.
    fn read(mut body: BodyStream) -> (Vec<u8>, Option<SendError>) {
        crate::transport::block_on::block_on(async move {
            let mut out = Vec::new();
            while let Some(chunk) = body.next_chunk().await {
                match chunk {
                    Ok(c) => out.extend_from_slice(&c),
                    Err(e) => return (out, Some(e)),
                }
            }
            (out, None)
        })
    }

    #[test]
    fn streamed_bodies_are_checked_at_their_end() {
        let chunks = || vec![bytes::Bytes::from_static(b"Hello "), bytes::Bytes::from_static(b"world")];
        let (_, crc) = checksum_header("CRC32", b"Hello world").unwrap();
        let good = vec![("x-amz-checksum-crc32".to_string(), crc.clone())];
        let (body, error) = read(validating(BodyStream::chunks(chunks()), &good));
        assert!(body == b"Hello world" && error.is_none());
        let (_, other) = checksum_header("CRC32", b"Hello World").unwrap();
        let bad = vec![("x-amz-checksum-crc32".to_string(), other)];
        let (body, error) = read(validating(BodyStream::chunks(chunks()), &bad));
        assert_eq!(body, b"Hello world");
        match error {
            Some(SendError::Transport(t)) => {
                assert_eq!(t.kind, TransportErrorKind::ChecksumMismatch);
                assert!(t.message.contains("CRC32") && t.message.contains(&crc), "{}", t.message);
            }
            other => panic!("expected a checksum mismatch, got {other:?}"),
        }
        // A composite checksum (multipart) or none: nothing to check.
        let composite = vec![("x-amz-checksum-crc32".to_string(), "AAAAAA==-3".to_string())];
        assert!(read(validating(BodyStream::chunks(chunks()), &composite)).1.is_none());
        assert!(read(validating(BodyStream::chunks(chunks()), &[])).1.is_none());
    }
}
