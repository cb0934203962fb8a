//! End-to-end checksums of transfers.
//!
//! Uploads: each part's CRC32 is computed here (crc32fast) and sent with the
//! part, which S3 checks; the object's full-object CRC32 is combined from
//! the parts' (no second pass over the bytes) and sent with
//! `CompleteMultipartUpload` (`ChecksumType: FULL_OBJECT`), which S3 checks
//! against the parts it assembled. A single `PutObject` carries the body's
//! CRC32.
//!
//! Downloads: when `HeadObject` (with `ChecksumMode: ENABLED`) gives a
//! full-object checksum (CRC32, CRC32C, CRC64NVME, SHA-1 or SHA-256; not a
//! multipart object's composite `…-<parts>` checksum, which needs the part
//! boundaries), the ranges are hashed in order as they arrive and the result
//! compared before the download is declared whole.

use std::collections::BTreeMap;

use super::RangeBody;

/// An object's full-object checksum: the algorithm (`CRC32`, `CRC32C`,
/// `CRC64NVME`, `SHA1`, `SHA256`) and its value (base64 of the big-endian
/// value or digest), as S3 reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullChecksum {
    /// `CRC32`, `CRC32C`, `CRC64NVME`, `SHA1` or `SHA256`.
    pub algorithm: String,
    /// The value, base64.
    pub value: String,
}

impl FullChecksum {
    /// The checksum S3 reports in `algorithm`'s member, unless it is a
    /// composite one (`…-<parts>`, or `checksum_type` saying `COMPOSITE`).
    pub fn full_object(algorithm: &str, value: Option<&str>, checksum_type: Option<&str>) -> Option<Self> {
        let value = value?.trim();
        if value.is_empty() || value.contains('-') || checksum_type.is_some_and(|t| t.eq_ignore_ascii_case("COMPOSITE")) {
            return None;
        }
        Some(Self { algorithm: algorithm.to_ascii_uppercase(), value: value.to_string() })
    }
}

/// The CRC32 of `bytes`.
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// A CRC32 as S3 writes it: base64 of the big-endian value.
pub(super) fn encode_crc32(value: u32) -> String {
    crate::types::blob::encode(&value.to_be_bytes())
}

/// The CRC32 of parts laid end to end, from each part's CRC32 and length.
pub(super) fn combine_crc32(parts: impl IntoIterator<Item = (u32, u64)>) -> u32 {
    let mut whole = crc32fast::Hasher::new();
    for (crc, len) in parts {
        whole.combine(&crc32fast::Hasher::new_with_initial_len(crc, len));
    }
    whole.finalize()
}

enum Hash {
    /// CRC32: each range's CRC and length by offset, combined at the end,
    /// so ranges need not come in order (nothing waits).
    Crc32(BTreeMap<u64, (u32, u64)>),
    Other(crate::checksums::Hasher),
}

/// Checks a download's ranges against the object's checksum: a CRC32 from
/// the ranges' CRCs combined (in any order), any other algorithm by hashing
/// the ranges in order (a range that arrives early waits in `pending`).
pub(super) struct Verifier {
    expected: FullChecksum,
    hash: Hash,
    hashed: u64,
    pending: BTreeMap<u64, RangeBody>,
}

impl Verifier {
    /// A verifier of `expected`, or `None` for an algorithm this client does not compute.
    pub(super) fn new(expected: FullChecksum) -> Option<Self> {
        let hash = match expected.algorithm.as_str() {
            "CRC32" => Hash::Crc32(BTreeMap::new()),
            other => Hash::Other(crate::checksums::Hasher::new(other).ok()?),
        };
        Some(Self { expected, hash, hashed: 0, pending: BTreeMap::new() })
    }
    /// The offset hashed up to (in order), or `None` when ranges are
    /// taken in any order (CRC32): the fetch window need not wait for it.
    pub(super) fn hashed(&self) -> Option<u64> {
        match self.hash {
            Hash::Crc32(_) => None,
            Hash::Other(_) => Some(self.hashed),
        }
    }
    /// The range at `offset`: hashed now if it comes next, else kept until it does.
    pub(super) fn add(&mut self, offset: u64, body: RangeBody) {
        if let Hash::Crc32(ranges) = &mut self.hash {
            let mut crc = crc32fast::Hasher::new();
            body.chunks().iter().for_each(|chunk| crc.update(chunk));
            ranges.insert(offset, (crc.finalize(), body.len()));
            return;
        }
        self.pending.insert(offset, body);
        while let Some(next) = self.pending.remove(&self.hashed) {
            if let Hash::Other(h) = &mut self.hash {
                next.chunks().iter().for_each(|chunk| h.update(chunk));
            }
            self.hashed += next.len();
        }
    }
    /// The checksum checked: `Ok` with it, or `Err((expected, actual))`.
    pub(super) fn finish(self) -> Result<FullChecksum, (FullChecksum, String)> {
        let actual = match self.hash {
            // The ranges tile the object from 0 (each starts where the last ended).
            Hash::Crc32(ranges) => {
                let mut at = 0u64;
                let mut contiguous = true;
                for (offset, (_, len)) in &ranges {
                    contiguous &= *offset == at;
                    at = at.saturating_add(*len);
                }
                if !contiguous {
                    return Err((self.expected, "(ranges missing or overlapping)".to_string()));
                }
                encode_crc32(combine_crc32(ranges.into_values()))
            }
            Hash::Other(h) => h.finish(),
        };
        if actual == self.expected.value {
            Ok(self.expected)
        } else {
            Err((self.expected, actual))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_crcs_combine_into_the_whole_objects() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let parts = [&data[..30_000], &data[30_000..30_001], &data[30_001..]];
        let combined = combine_crc32(parts.iter().map(|p| (crc32(p), p.len() as u64)));
        assert_eq!(combined, crc32(&data));
        assert_eq!(combine_crc32([]), crc32(b""));
        // S3's form: base64 of the big-endian value ("123456789" is the CRC-32 check string).
        assert_eq!(encode_crc32(crc32(b"123456789")), "y/Q5Jg==");
    }

    #[test]
    fn ranges_are_verified_in_order_whatever_order_they_come_in() {
        let data = bytes::Bytes::from((0..50_000u32).map(|i| (i % 253) as u8).collect::<Vec<u8>>());
        for algorithm in ["CRC32", "CRC32C", "CRC64NVME", "SHA256", "SHA1"] {
            let (_, value) = crate::checksums::checksum_header(algorithm, &data).unwrap();
            let expected = FullChecksum::full_object(algorithm, Some(&value), Some("FULL_OBJECT")).unwrap();
            let mut v = Verifier::new(expected.clone()).unwrap();
            v.add(40_000, data.slice(40_000..).into());
            let mut middle = RangeBody::new();
            middle.push(data.slice(20_000..30_000));
            middle.push(data.slice(30_000..40_000));
            v.add(20_000, middle);
            let in_order = algorithm != "CRC32";
            assert_eq!(v.hashed(), in_order.then_some(0), "waiting for the first range (not a CRC32)");
            v.add(0, data.slice(..20_000).into());
            assert_eq!(v.hashed(), in_order.then_some(50_000));
            assert_eq!(v.finish(), Ok(expected.clone()), "{algorithm}");
            // One byte changed: a mismatch naming both values.
            let mut v = Verifier::new(expected.clone()).unwrap();
            let mut bad = data.to_vec();
            bad[12_345] ^= 1;
            v.add(0, bytes::Bytes::from(bad).into());
            let (want, got) = v.finish().unwrap_err();
            assert!(want == expected && got != expected.value, "{algorithm}");
        }
    }

    #[test]
    fn composite_checksums_are_not_full_object_ones() {
        assert_eq!(FullChecksum::full_object("crc32", Some("abcd-3"), None), None);
        assert_eq!(FullChecksum::full_object("CRC32", Some("abcd"), Some("COMPOSITE")), None);
        assert_eq!(FullChecksum::full_object("CRC32", None, Some("FULL_OBJECT")), None);
        assert_eq!(FullChecksum::full_object("crc64nvme", Some("abcd"), None).map(|c| c.algorithm), Some("CRC64NVME".into()));
        assert!(Verifier::new(FullChecksum { algorithm: "MD5".into(), value: "x".into() }).is_none());
    }
}
