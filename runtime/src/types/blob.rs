//! The Smithy `blob` type and standard base64.
//!
//! [`Blob`] is an owned byte buffer. Text protocols carry blobs as standard
//! base64 (RFC 4648 section 4, alphabet `A–Z a–z 0–9 + /`, padded with `=`),
//! which [`encode`] and [`decode`] implement by hand.
//!
//! [`decode`] is strict and never panics: it accepts exactly the strings that
//! [`encode`] produces, so decoding and re-encoding always gives back the
//! input. It rejects characters outside the alphabet (including whitespace,
//! line breaks and the URL-safe `-` and `_`), missing, misplaced or excess
//! padding, lengths that are not a multiple of four, and final characters
//! whose unused low bits are not zero (RFC 4648 section 3.5).
//!
//! With serde, a `Blob` serializes as its base64 string and deserializes from
//! one (or, for binary formats, from raw bytes).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// The standard base64 alphabet, indexed by 6-bit value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// The padding character.
const PAD: u8 = b'=';
/// How many leading bytes `Debug` shows in hex.
const DEBUG_PREFIX_BYTES: usize = 16;

/// An owned sequence of bytes: the Smithy `blob` type.
///
/// Its `Debug` output shows the length and at most the first 16 bytes in hex,
/// so large or sensitive payloads do not flood logs.
///
/// The bytes are shared ([`bytes::Bytes`]): cloning a blob, sending it as a
/// request body or receiving it as a response payload does not copy them.
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Blob(bytes::Bytes);

impl Blob {
    /// Creates a blob from anything convertible into a byte vector (without
    /// copying a `Vec`).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(bytes::Bytes::from(bytes.into()))
    }

    /// The bytes of the blob.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, shared (no copy).
    pub fn to_bytes(&self) -> bytes::Bytes {
        self.0.clone()
    }

    /// Consumes the blob, returning its bytes (without copying when nothing
    /// else shares them).
    pub fn into_inner(self) -> Vec<u8> {
        Vec::from(self.0)
    }

    /// Number of bytes in the blob.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the blob has no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Blob {
    /// Writes `Blob(<len> bytes: <hex prefix>)`, with `...` when the content
    /// is longer than the prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.0.len();
        write!(f, "Blob({len} byte{}", if len == 1 { "" } else { "s" })?;
        if len > 0 {
            f.write_str(": ")?;
            for byte in self.0.iter().take(DEBUG_PREFIX_BYTES) {
                write!(f, "{byte:02x}")?;
            }
            if len > DEBUG_PREFIX_BYTES {
                f.write_str("...")?;
            }
        }
        f.write_str(")")
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Blob(bytes.into())
    }
}

impl From<bytes::Bytes> for Blob {
    fn from(bytes: bytes::Bytes) -> Self {
        Blob(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Blob(bytes::Bytes::copy_from_slice(bytes))
    }
}

impl<const N: usize> From<[u8; N]> for Blob {
    fn from(bytes: [u8; N]) -> Self {
        Blob(bytes::Bytes::copy_from_slice(&bytes))
    }
}

impl<const N: usize> From<&[u8; N]> for Blob {
    fn from(bytes: &[u8; N]) -> Self {
        Blob(bytes::Bytes::copy_from_slice(bytes))
    }
}

impl From<&str> for Blob {
    /// The UTF-8 bytes of the string.
    fn from(text: &str) -> Self {
        Blob(bytes::Bytes::copy_from_slice(text.as_bytes()))
    }
}

impl From<String> for Blob {
    /// The UTF-8 bytes of the string.
    fn from(text: String) -> Self {
        Blob(text.into_bytes().into())
    }
}

impl From<Blob> for Vec<u8> {
    fn from(blob: Blob) -> Self {
        blob.into_inner()
    }
}

impl From<Blob> for bytes::Bytes {
    fn from(blob: Blob) -> Self {
        blob.0
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Blob {
    /// Serializes as a standard, padded base64 string; in binary formats
    /// (CBOR: `is_human_readable()` false), as a byte string.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !serializer.is_human_readable() {
            return serializer.serialize_bytes(&self.0);
        }
        serializer.serialize_str(&encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Blob {
    /// Deserializes from a base64 string, decoded strictly with [`decode`];
    /// formats that have native byte strings may also supply raw bytes.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if !deserializer.is_human_readable() {
            return deserializer.deserialize_bytes(RawBytesVisitor);
        }
        deserializer.deserialize_str(BlobVisitor)
    }
}

/// Visits a base64 string (or raw bytes).
struct BlobVisitor;

impl Visitor<'_> for BlobVisitor {
    type Value = Blob;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a base64-encoded string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Blob, E> {
        decode(v).map(Blob::from).map_err(E::custom)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Blob, E> {
        Ok(Blob::from(v))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Blob, E> {
        Ok(Blob::from(v))
    }
}

/// Visits raw bytes only (binary formats, where a blob is a byte string
/// and text is the wrong type).
struct RawBytesVisitor;

impl Visitor<'_> for RawBytesVisitor {
    type Value = Blob;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a byte string")
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Blob, E> {
        Ok(Blob::from(v))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Blob, E> {
        Ok(Blob::from(v))
    }
}

/// Encodes `bytes` as standard base64 with padding (RFC 4648 section 4).
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4));
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied();
        let b2 = chunk.get(2).copied();
        let group =
            u32::from(b0) << 16 | u32::from(b1.unwrap_or(0)) << 8 | u32::from(b2.unwrap_or(0));
        out.push(sextet_char(group >> 18));
        out.push(sextet_char(group >> 12));
        out.push(if b1.is_some() {
            sextet_char(group >> 6)
        } else {
            '='
        });
        out.push(if b2.is_some() {
            sextet_char(group)
        } else {
            '='
        });
    }
    out
}

/// The alphabet character for the low six bits of `value`.
fn sextet_char(value: u32) -> char {
    // Masked to 0..64, so the lookup always succeeds.
    ALPHABET
        .get((value & 0x3f) as usize)
        .map_or('A', |&byte| char::from(byte))
}

/// The 6-bit value of an alphabet character.
fn sextet_value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes strict standard base64 with padding (RFC 4648 section 4).
///
/// Accepts exactly what [`encode`] produces (the empty string included).
/// Errors report the first problem with its byte offset in `input`: a
/// character outside the alphabet, a misplaced or excess `=`, a length that
/// is not a multiple of four, or non-zero unused bits in the last character.
pub fn decode(input: &str) -> Result<Vec<u8>, Base64Error> {
    let bytes = input.as_bytes();
    // Characters and padding placement.
    let mut first_pad: Option<usize> = None;
    for (offset, &byte) in bytes.iter().enumerate() {
        if byte == PAD {
            if first_pad.is_none() {
                first_pad = Some(offset);
            }
        } else if sextet_value(byte).is_none() {
            // Every earlier byte is ASCII, so `offset` is a char boundary.
            let found = input.get(offset..).and_then(|rest| rest.chars().next());
            return Err(Base64Error::new(ErrorKind::InvalidCharacter(found), offset));
        } else if let Some(pad) = first_pad {
            return Err(Base64Error::new(ErrorKind::DataAfterPadding, pad));
        }
    }
    if !bytes.len().is_multiple_of(4) {
        return Err(Base64Error::new(ErrorKind::InvalidLength, bytes.len()));
    }
    let data_len = first_pad.unwrap_or(bytes.len());
    if bytes.len() - data_len > 2 {
        return Err(Base64Error::new(ErrorKind::ExcessPadding, data_len));
    }
    let data = bytes.get(..data_len).unwrap_or_default();

    let mut out = Vec::with_capacity(data_len / 4 * 3 + 2);
    for (index, chunk) in data.chunks(4).enumerate() {
        let mut group: u32 = 0;
        for &byte in chunk {
            group = group << 6 | u32::from(sextet_value(byte).unwrap_or(0));
        }
        let chunk_start = index * 4;
        match chunk.len() {
            4 => {
                out.push((group >> 16) as u8);
                out.push((group >> 8) as u8);
                out.push(group as u8);
            }
            3 => {
                // 18 bits: 16 of data and 2 that must be zero.
                if group & 0x3 != 0 {
                    return Err(Base64Error::new(
                        ErrorKind::NonZeroTrailingBits,
                        chunk_start + 2,
                    ));
                }
                out.push((group >> 10) as u8);
                out.push((group >> 2) as u8);
            }
            2 => {
                // 12 bits: 8 of data and 4 that must be zero.
                if group & 0xf != 0 {
                    return Err(Base64Error::new(
                        ErrorKind::NonZeroTrailingBits,
                        chunk_start + 1,
                    ));
                }
                out.push((group >> 4) as u8);
            }
            // With a length multiple of four and at most two `=`, a final
            // group always has at least two characters.
            _ => return Err(Base64Error::new(ErrorKind::InvalidLength, chunk_start)),
        }
    }
    Ok(out)
}

/// The error returned by [`decode`] for input that is not strict, padded,
/// standard base64.
///
/// Its `Display` says what is wrong and at which byte offset, e.g.
/// `invalid base64: invalid character '-' at offset 2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base64Error {
    /// What is wrong.
    kind: ErrorKind,
    /// Byte offset in the input where the problem was found.
    offset: usize,
}

/// What a [`Base64Error`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ErrorKind {
    /// A character outside the alphabet (the character, if any).
    InvalidCharacter(Option<char>),
    /// An alphabet character after a `=`.
    DataAfterPadding,
    /// More than two `=`.
    ExcessPadding,
    /// The length is not a multiple of four.
    InvalidLength,
    /// The last character has non-zero unused bits.
    NonZeroTrailingBits,
}

impl Base64Error {
    /// Builds an error.
    fn new(kind: ErrorKind, offset: usize) -> Self {
        Base64Error { kind, offset }
    }

    /// Byte offset in the input at which the problem was found (for a bad
    /// length, the input's length). All bytes before it are ASCII, so it is
    /// also the character offset.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid base64: ")?;
        let offset = self.offset;
        match self.kind {
            ErrorKind::InvalidCharacter(Some(c)) => {
                write!(
                    f,
                    "invalid character '{}' at offset {offset}",
                    c.escape_debug()
                )
            }
            ErrorKind::InvalidCharacter(None) => write!(f, "invalid character at offset {offset}"),
            ErrorKind::DataAfterPadding => {
                write!(f, "padding '=' at offset {offset} is followed by data")
            }
            ErrorKind::ExcessPadding => {
                write!(
                    f,
                    "too much padding: more than two '=' from offset {offset}"
                )
            }
            ErrorKind::InvalidLength => write!(
                f,
                "unexpected end of input at offset {offset} (the length must be a multiple of 4)"
            ),
            ErrorKind::NonZeroTrailingBits => {
                write!(
                    f,
                    "non-zero unused bits in the final character at offset {offset}"
                )
            }
        }
    }
}

impl std::error::Error for Base64Error {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic 64-bit LCG (Knuth's MMIX constants).
    struct Lcg(u64);

    impl Lcg {
        fn next_u64(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 ^ (self.0 >> 33)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
    }

    const RFC4648: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc4648_vectors() {
        for (plain, encoded) in RFC4648 {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).as_deref(), Ok(plain.as_bytes()));
        }
    }

    #[test]
    fn more_vectors() {
        assert_eq!(encode(&[0]), "AA==");
        assert_eq!(encode(&[0xff]), "/w==");
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
        assert_eq!(encode(&[0xff, 0xff, 0xff]), "////");
        assert_eq!(encode(&[0, 0, 0]), "AAAA");
        assert_eq!(encode(b"Hello, World!"), "SGVsbG8sIFdvcmxkIQ==");
        assert_eq!(
            decode("SGVsbG8sIFdvcmxkIQ==").as_deref(),
            Ok(&b"Hello, World!"[..])
        );
        assert_eq!(decode("+/8=").as_deref(), Ok(&[0xfb_u8, 0xff][..]));
    }

    #[test]
    fn all_byte_values_round_trip() {
        for byte in 0..=255_u8 {
            let single = [byte];
            assert_eq!(decode(&encode(&single)).as_deref(), Ok(&single[..]));
            let pair = [byte, byte.wrapping_mul(7)];
            assert_eq!(decode(&encode(&pair)).as_deref(), Ok(&pair[..]));
            let triple = [byte, 255 - byte, byte.rotate_left(3)];
            assert_eq!(decode(&encode(&triple)).as_deref(), Ok(&triple[..]));
        }
        let all: Vec<u8> = (0..=255).collect();
        let encoded = encode(&all);
        assert_eq!(encoded.len(), 344);
        assert_eq!(decode(&encoded), Ok(all.clone()));
        // Every length and alignment.
        for start in 0..3 {
            for end in start..all.len() {
                let slice = &all[start..end];
                assert_eq!(decode(&encode(slice)).as_deref(), Ok(slice));
            }
        }
    }

    #[test]
    fn random_round_trips() {
        let mut rng = Lcg(7);
        for _ in 0..2_000 {
            let len = rng.below(100);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let encoded = encode(&bytes);
            assert_eq!(encoded.len(), len.div_ceil(3) * 4);
            assert_eq!(decode(&encoded), Ok(bytes));
        }
    }

    #[test]
    fn rejects() {
        let cases: [(&str, usize); 30] = [
            ("Zg=", 3),
            ("Zg", 2),
            ("Z", 1),
            ("Zm9vY", 5),
            ("Z===", 1),
            ("====", 0),
            ("=", 1),
            ("Zg==Zg==", 2),
            ("Zg=a", 2),
            ("Z=g=", 1),
            ("Zh==", 1),
            ("Zm9=", 2),
            ("AB==", 1),
            ("AAB=", 2),
            ("Zm9v\n", 4),
            ("Zm 9v", 2),
            (" Zm9v", 0),
            ("Zm9v ", 4),
            ("Zm9v\r\nYmFy", 4),
            ("-_8=", 0),
            ("+_8=", 1),
            ("Zm9vé", 4),
            ("é", 0),
            ("Zg==\0", 4),
            ("Zm9v.", 4),
            ("Zg=\u{3d}\u{3d}", 5),
            ("Zm9vYmFy=", 9),
            ("Zm9vYmFy====", 8),
            ("Zm9vYmF=y", 7),
            ("YQ==YQ", 2),
        ];
        for (input, offset) in cases {
            match decode(input) {
                Ok(bytes) => panic!("accepted {input:?} as {bytes:?}"),
                Err(err) => assert_eq!(err.offset(), offset, "{input:?}: {err}"),
            }
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            decode("Zm-v").expect_err("bad char").to_string(),
            "invalid base64: invalid character '-' at offset 2"
        );
        assert_eq!(
            decode("Zm9v\n").expect_err("newline").to_string(),
            "invalid base64: invalid character '\\n' at offset 4"
        );
        assert_eq!(
            decode("Zm9vé").expect_err("non-ascii").to_string(),
            "invalid base64: invalid character 'é' at offset 4"
        );
        assert_eq!(
            decode("Zm9vY").expect_err("length").to_string(),
            "invalid base64: unexpected end of input at offset 5 (the length must be a multiple of 4)"
        );
        assert_eq!(
            decode("Zg==Zg==").expect_err("data after pad").to_string(),
            "invalid base64: padding '=' at offset 2 is followed by data"
        );
        assert_eq!(
            decode("Z===").expect_err("excess").to_string(),
            "invalid base64: too much padding: more than two '=' from offset 1"
        );
        assert_eq!(
            decode("Zh==").expect_err("bits").to_string(),
            "invalid base64: non-zero unused bits in the final character at offset 1"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(decode("!").expect_err("bad"));
        assert!(boxed.to_string().starts_with("invalid base64"));
    }

    #[test]
    fn no_panic_on_garbage() {
        let mut rng = Lcg(0xb10b);
        let alphabet: Vec<char> = "ABCXYZabcxyz0189+/=== -_\n\0é€".chars().collect();
        for round in 0..100_000 {
            let len = rng.below(24);
            let mut input: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            if round % 3 == 0 {
                // Mostly-valid input with a single corruption.
                let valid_len = rng.below(20);
                let bytes: Vec<u8> = (0..valid_len).map(|_| rng.next_u64() as u8).collect();
                input = encode(&bytes);
                let at = rng.below(input.len() + 1);
                let replacement = alphabet[rng.below(alphabet.len())];
                let mut chars: Vec<char> = input.chars().collect();
                match rng.below(3) {
                    0 if at < chars.len() => chars[at] = replacement,
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ => chars.insert(at, replacement),
                }
                input = chars.into_iter().collect();
            }
            match decode(&input) {
                // Strictness means decoding is injective: re-encoding gives
                // back exactly the input.
                Ok(bytes) => assert_eq!(encode(&bytes), input),
                Err(err) => {
                    assert!(err.offset() <= input.len());
                    assert!(!err.to_string().is_empty());
                }
            }
        }
    }

    #[test]
    fn blob_api() {
        let blob = Blob::new("hello");
        assert_eq!(blob.as_bytes(), b"hello");
        assert_eq!(blob.len(), 5);
        assert!(!blob.is_empty());
        assert_eq!(blob.as_ref(), b"hello");
        assert_eq!(blob.clone().into_inner(), b"hello".to_vec());
        assert_eq!(Vec::<u8>::from(blob.clone()), b"hello".to_vec());
        assert_eq!(Blob::from(b"hello".to_vec()), blob);
        assert_eq!(Blob::from(&b"hello"[..]), blob);
        assert_eq!(Blob::from(b"hello"), blob);
        assert_eq!(Blob::from(*b"hello"), blob);
        assert_eq!(Blob::from("hello"), blob);
        assert_eq!(Blob::from(String::from("hello")), blob);
        assert_eq!(Blob::new(vec![1_u8, 2]), Blob::from(vec![1_u8, 2]));
        assert!(Blob::default().is_empty());
        assert_eq!(Blob::default().len(), 0);
        assert!(Blob::from("a") < Blob::from("b"));
        assert!(Blob::from("a") < Blob::from("aa"));
        let mut set = std::collections::HashSet::new();
        set.insert(Blob::from("x"));
        assert!(set.contains(&Blob::from("x")));
    }

    #[test]
    fn blob_debug() {
        assert_eq!(format!("{:?}", Blob::default()), "Blob(0 bytes)");
        assert_eq!(format!("{:?}", Blob::from("A")), "Blob(1 byte: 41)");
        assert_eq!(
            format!("{:?}", Blob::from("hello")),
            "Blob(5 bytes: 68656c6c6f)"
        );
        let big = Blob::new((0..=255_u8).collect::<Vec<_>>());
        assert_eq!(
            format!("{big:?}"),
            "Blob(256 bytes: 000102030405060708090a0b0c0d0e0f...)"
        );
        let exactly_sixteen = Blob::new(vec![0xab_u8; 16]);
        assert_eq!(
            format!("{exactly_sixteen:?}"),
            "Blob(16 bytes: abababababababababababababababab)"
        );
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Shape {
        data: Blob,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        maybe: Option<Blob>,
        #[serde(default)]
        many: Vec<Blob>,
    }

    #[test]
    fn serde_json() {
        assert_eq!(
            serde_json::to_string(&Blob::from("foobar")).expect("json"),
            "\"Zm9vYmFy\""
        );
        assert_eq!(
            serde_json::to_string(&Blob::default()).expect("json"),
            "\"\""
        );
        assert_eq!(
            serde_json::from_str::<Blob>("\"Zm9vYmFy\"").expect("json"),
            Blob::from("foobar")
        );
        assert_eq!(
            serde_json::from_str::<Blob>("\"\"").expect("json"),
            Blob::default()
        );
        let value = Shape {
            data: Blob::from("f"),
            maybe: Some(Blob::from("fo")),
            many: vec![Blob::from("foo"), Blob::default()],
        };
        let json = serde_json::to_string(&value).expect("json");
        assert_eq!(json, r#"{"data":"Zg==","maybe":"Zm8=","many":["Zm9v",""]}"#);
        assert_eq!(
            serde_json::from_str::<Shape>(&json).expect("round trip"),
            value
        );
        let minimal: Shape = serde_json::from_str(r#"{"data":"","maybe":null}"#).expect("minimal");
        assert_eq!(minimal.maybe, None);
        assert_eq!(
            serde_json::to_string(&minimal).expect("json"),
            r#"{"data":"","many":[]}"#
        );
    }

    #[test]
    fn serde_json_errors() {
        let err = serde_json::from_str::<Blob>("\"Zm9v!\"")
            .expect_err("bad")
            .to_string();
        assert!(
            err.contains("invalid base64: invalid character '!' at offset 4"),
            "{err}"
        );
        let err = serde_json::from_str::<Blob>("5")
            .expect_err("number")
            .to_string();
        assert!(err.contains("base64"), "{err}");
        assert!(serde_json::from_str::<Blob>("null").is_err());
        assert!(serde_json::from_str::<Blob>("[1,2]").is_err());
        assert!(serde_json::from_str::<Shape>(r#"{"data":"Zg="}"#).is_err());
    }

    #[test]
    fn serde_raw_bytes() {
        use serde::de::value::{BytesDeserializer, Error as ValueError};
        let raw = [0_u8, 159, 146, 150];
        let blob = Blob::deserialize(BytesDeserializer::<ValueError>::new(&raw)).expect("bytes");
        assert_eq!(blob.as_bytes(), &raw);
    }
}
