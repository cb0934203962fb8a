//! CBOR (RFC 8949) for the rpcv2Cbor protocol: serde's data model written
//! with minicbor's encoder and read through minicbor's decoder, so every
//! generated type (its `json_struct!` serde) serializes to CBOR unchanged.
//!
//! What is CBOR's own, the types decide through `is_human_readable()` (false
//! here): a `Blob` is a byte string, a timestamp is tag 1 around its epoch
//! seconds (a newtype struct named [`EPOCH_SECONDS`], whatever its
//! `@timestampFormat`), floats are floats (NaN and the infinities too). An
//! `i128` (`bigInteger`) is a bignum (tags 2 and 3).
//!
//! Reading is for hostile input: every length is checked against the bytes
//! left before anything is allocated, nesting (arrays, maps and tags) is
//! limited to [`MAX_DEPTH`], half-precision floats, indefinite-length items,
//! `undefined` (as null) and the tags above are read, and anything else (a
//! value of the wrong type, a truncated item, trailing bytes) is an error.
//! Reading is strict about CBOR's types where serde would be loose: a text
//! string (a string, an enum, a map key, a member name) is never a byte
//! string, a float never the text `"NaN"` (the JSON forms), a timestamp is
//! tag 1 around a number (or, leniently, a bare number; see
//! `epoch_seconds`), and a decimal fraction (tag 4, `bigDecimal`, an `f64`
//! here) must be a double exactly. An error names the member being read
//! (`items[3].count`) and the byte offset.
//!
//! A map that repeats a key is read, the last value winning, as the JSON
//! protocols do: not checked, as the protocol does not ask it.

use std::fmt;

use minicbor::data::{Tag, Type};
use minicbor::decode::Decoder;
use minicbor::encode::Encoder;
use serde::de::{self, DeserializeSeed, Visitor};
use serde::ser::{self, Serialize};

/// The newtype-struct name a timestamp serializes under in CBOR: the
/// serializer writes tag 1 (epoch-based date/time) before the value.
pub use crate::types::timestamp::EPOCH_SECONDS_NAME as EPOCH_SECONDS;

/// How deep arrays, maps and tags may nest in what is read.
pub const MAX_DEPTH: usize = 128;

const TAG_EPOCH: u64 = 1;
const TAG_BIGNUM_POS: u64 = 2;
const TAG_BIGNUM_NEG: u64 = 3;
const TAG_DECIMAL: u64 = 4;

/// The longest message an error keeps (a value quoted by serde, such as a
/// 300-digit float, is cut short).
const MAX_MESSAGE: usize = 160;

/// Why a value could not be written or read as CBOR: what is wrong, the
/// member it was read for (`items[3].count`) and the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    path: Option<String>,
    position: Option<usize>,
}

impl Error {
    fn new(message: impl Into<String>) -> Error {
        let mut message: String = message.into();
        if message.len() > MAX_MESSAGE {
            let mut end = MAX_MESSAGE;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push('…');
        }
        Error { message, path: None, position: None }
    }

    fn at(message: impl fmt::Display, position: usize) -> Error {
        Error { position: Some(position), ..Error::new(message.to_string()) }
    }

    /// What is wrong, without the member or the offset.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The member being read (`items[3].count`), if any.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The byte offset in the input where reading stopped, if known.
    pub fn position(&self) -> Option<usize> {
        self.position
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(p) = self.position {
            write!(f, " (at byte {p})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(msg.to_string())
    }
}

fn decode_error(e: minicbor::decode::Error) -> Error {
    if e.is_end_of_input() {
        Error::new("the CBOR ends in the middle of an item")
    } else {
        Error::new(format!("invalid CBOR: {e}"))
    }
}

// ---------------------------------------------------------------- writing

/// Serialize `value` as one CBOR data item.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut ser = Serializer { enc: Encoder::new(Vec::with_capacity(128)) };
    value.serialize(&mut ser)?;
    Ok(ser.enc.into_writer())
}

/// Writes serde's data model as CBOR. A map or array of unknown length (a
/// structure's members) gets a one-byte header slot, filled in place once
/// the entries are counted: a definite length below 24 (the usual case), or
/// else the indefinite-length form closed by a break. Nothing written is
/// ever moved, so writing is linear in the output however deep it nests.
struct Serializer {
    enc: Encoder<Vec<u8>>,
}

fn infallible<T>(r: Result<T, minicbor::encode::Error<std::convert::Infallible>>) -> Result<(), Error> {
    r.map(|_| ()).map_err(|e| Error::new(format!("cannot write CBOR: {e}")))
}

impl Serializer {
    fn out(&mut self) -> &mut Vec<u8> {
        self.enc.writer_mut()
    }

    /// An array or map of `len` items, or of a length counted as it is
    /// written (`None`): then a one-byte header slot at `start` is filled by
    /// `finish`.
    fn begin(&mut self, major: u8, len: Option<usize>) -> Result<Compound<'_>, Error> {
        match len {
            Some(n) => {
                write_header(self.out(), major, n as u64);
                Ok(Compound { ser: self, major, start: None, count: 0 })
            }
            None => {
                let start = self.out().len();
                self.out().push(major << 5 | INDEFINITE);
                Ok(Compound { ser: self, major, start: Some(start), count: 0 })
            }
        }
    }

    /// A bignum (tag 2 or 3) holding `n`'s magnitude, big-endian, without
    /// leading zeros.
    fn bignum(&mut self, negative: bool, magnitude: u128) -> Result<(), Error> {
        let bytes = magnitude.to_be_bytes();
        let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        let tag = if negative { TAG_BIGNUM_NEG } else { TAG_BIGNUM_POS };
        infallible(self.enc.tag(Tag::new(tag)))?;
        infallible(self.enc.bytes(bytes.get(first..).unwrap_or_default()))
    }
}

/// A CBOR header: major type (0..=7, unshifted: this shifts it into the top
/// three bits) and its argument in the fewest bytes.
fn write_header(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n <= u64::from(u8::MAX) {
        out.extend_from_slice(&[m | 24, n as u8]);
    } else if n <= u64::from(u16::MAX) {
        out.push(m | 25);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= u64::from(u32::MAX) {
        out.push(m | 26);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

const MAJOR_ARRAY: u8 = 4;
const MAJOR_MAP: u8 = 5;
/// The additional information of an indefinite-length item.
const INDEFINITE: u8 = 31;
/// The break that ends an indefinite-length item.
const BREAK: u8 = 0xff;

/// An array or map being written.
struct Compound<'a> {
    ser: &'a mut Serializer,
    major: u8,
    /// Where the header goes when the length was not known at the start.
    start: Option<usize>,
    count: u64,
}

impl Compound<'_> {
    /// Fill the header slot of a counted item: its definite length when it
    /// fits the initial byte, or else leave it indefinite and add the break.
    fn finish(self) -> Result<(), Error> {
        if let Some(start) = self.start {
            let out = self.ser.out();
            match (u8::try_from(self.count), out.get_mut(start)) {
                (Ok(n @ 0..=23), Some(slot)) => *slot = self.major << 5 | n,
                _ => out.push(BREAK),
            }
        }
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Serializer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        infallible(self.enc.bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        infallible(self.enc.i64(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        infallible(self.enc.i64(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        infallible(self.enc.i64(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        infallible(self.enc.i64(v))
    }
    /// `bigInteger`: a bignum, as the protocol asks.
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        if v < 0 {
            // Tag 3 holds -1 - n.
            self.bignum(true, (-1 - v) as u128)
        } else {
            self.bignum(false, v as u128)
        }
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        infallible(self.enc.u64(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        infallible(self.enc.u64(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        infallible(self.enc.u64(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        infallible(self.enc.u64(v))
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.bignum(false, v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        infallible(self.enc.f32(v))
    }
    /// A double that a single holds exactly (NaN and the infinities too)
    /// goes out as a single, as the protocol asks for the smallest form.
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        let single = v as f32;
        if v.is_nan() || f64::from(single) == v {
            infallible(self.enc.f32(single))
        } else {
            infallible(self.enc.f64(v))
        }
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        let mut buf = [0u8; 4];
        infallible(self.enc.str(v.encode_utf8(&mut buf)))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        infallible(self.enc.str(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        infallible(self.enc.bytes(v))
    }
    fn serialize_none(self) -> Result<(), Error> {
        infallible(self.enc.null())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        infallible(self.enc.null())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        infallible(self.enc.null())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Error> {
        infallible(self.enc.str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<(), Error> {
        if name == EPOCH_SECONDS {
            infallible(self.enc.tag(Tag::new(TAG_EPOCH)))?;
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        infallible(self.enc.map(1))?;
        infallible(self.enc.str(variant))?;
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>, Error> {
        self.begin(MAJOR_ARRAY, len)
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Error> {
        self.begin(MAJOR_ARRAY, Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        self.begin(MAJOR_ARRAY, Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        infallible(self.enc.map(1))?;
        infallible(self.enc.str(variant))?;
        self.begin(MAJOR_ARRAY, Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a>, Error> {
        self.begin(MAJOR_MAP, len)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, Error> {
        // Members left unset are skipped, so the count is what is written.
        self.begin(MAJOR_MAP, None)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        infallible(self.enc.map(1))?;
        infallible(self.enc.str(variant))?;
        self.begin(MAJOR_MAP, None)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.count += 1;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.count += 1;
        key.serialize(&mut *self.ser)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        ser::SerializeMap::serialize_entry(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        ser::SerializeMap::serialize_entry(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// A structure's members but those named in `skip` (by wire name) as a CBOR
/// map: an event's payload without its header members. `None` when no
/// member is left to send.
pub fn fields_to_vec<T: crate::protocols::structs::JsonFields + ?Sized>(value: &T, skip: &[&str]) -> Result<Option<Vec<u8>>, Error> {
    let mut ser = Serializer { enc: Encoder::new(Vec::with_capacity(64)) };
    let mut map = ser::Serializer::serialize_map(&mut ser, None)?;
    value.serialize_fields(&mut map, skip)?;
    let empty = map.count == 0;
    ser::SerializeMap::end(map)?;
    Ok((!empty).then(|| ser.enc.into_writer()))
}

/// A CBOR data item as JSON, for people to read (`smithy-call --dry-run`):
/// byte strings as base64 text, tags dropped (a timestamp shows its epoch
/// seconds), NaN and the infinities as the JSON protocols' strings. `None`
/// when `bytes` is not one valid CBOR item.
pub fn to_json(bytes: &[u8]) -> Option<serde_json::Value> {
    from_slice::<JsonView>(bytes).ok().map(|v| v.0)
}

/// A CBOR item read into a `serde_json::Value` (see [`to_json`]).
struct JsonView(serde_json::Value);

impl<'de> de::Deserialize<'de> for JsonView {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_json::Value;
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any CBOR item")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::from(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(Value::from(v))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
                Ok(i64::try_from(v).map_or_else(|_| Value::String(v.to_string()), Value::from))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
                Ok(u64::try_from(v).map_or_else(|_| Value::String(v.to_string()), Value::from))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(serde_json::Number::from_f64(v).map_or_else(
                    || Value::String(if v.is_nan() { "NaN" } else if v > 0.0 { "Infinity" } else { "-Infinity" }.into()),
                    Value::Number,
                ))
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::String(v.to_string()))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
                Ok(Value::String(crate::types::blob::encode(v)))
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(JsonView(v)) = seq.next_element()? {
                    items.push(v);
                }
                Ok(Value::Array(items))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut out = serde_json::Map::new();
                while let Some((JsonView(k), JsonView(v))) = map.next_entry()? {
                    let key = match k {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    out.insert(key, v);
                }
                Ok(Value::Object(out))
            }
        }
        d.deserialize_any(V).map(JsonView)
    }
}

// ---------------------------------------------------------------- reading

/// Read `T` from `bytes`, which must hold exactly one CBOR data item. An
/// error names the member being read (`items[3].count`) and the byte offset.
pub fn from_slice<'de, T: de::Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, Error> {
    let mut d = Deserializer { dec: Decoder::new(bytes), depth: 0 };
    let value = match serde_path_to_error::deserialize(&mut d) {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let mut inner = e.into_inner();
            if inner.position.is_none() {
                inner.position = Some(d.dec.position());
            }
            if path != "." {
                inner.path = Some(path);
            }
            return Err(inner);
        }
    };
    if d.dec.position() != bytes.len() {
        return Err(Error::at("bytes after the CBOR data item", d.dec.position()));
    }
    Ok(value)
}

/// The first bytes of `bytes` as hex (`a1 61 61 01`), `…` after 48 of them:
/// what an error shows of a CBOR body, which as text would be garbled.
pub fn hex_excerpt(bytes: &[u8]) -> String {
    const MAX: usize = 48;
    let mut out = bytes.iter().take(MAX).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ");
    if bytes.len() > MAX {
        out.push_str(" …");
    }
    out
}

/// The major type of the first data item of `bytes` after any tags: what a
/// body is, before it is read as a structure. `None` for empty or invalid input.
pub fn first_type(bytes: &[u8]) -> Option<Type> {
    let mut dec = Decoder::new(bytes);
    for _ in 0..MAX_DEPTH {
        match dec.datatype().ok()? {
            Type::Tag => {
                dec.tag().ok()?;
            }
            t => return Some(t),
        }
    }
    None
}

/// Reads serde's data model from CBOR held in memory (strings and byte
/// strings of definite length are borrowed).
struct Deserializer<'de> {
    dec: Decoder<'de>,
    depth: usize,
}

impl<'de> Deserializer<'de> {
    fn peek(&self) -> Result<Type, Error> {
        self.dec.datatype().map_err(decode_error)
    }

    fn left(&self) -> usize {
        self.dec.input().len().saturating_sub(self.dec.position())
    }

    /// Run `f` one level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::at(format!("the CBOR nests deeper than {MAX_DEPTH} levels"), self.dec.position()));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// Consume a break byte (the end of an indefinite-length item).
    fn skip_break(&mut self) {
        self.dec.set_position(self.dec.position() + 1);
    }

    /// A half-precision float, widened.
    fn f16(&mut self) -> Result<f64, Error> {
        let p = self.dec.position();
        let Some(&[hi, lo]) = self.dec.input().get(p + 1..p + 3) else {
            return Err(Error::new("the CBOR ends in the middle of an item"));
        };
        let bits = u16::from_be_bytes([hi, lo]);
        self.dec.set_position(p + 3);
        Ok(half_to_f64(bits))
    }

    fn float(&mut self) -> Result<f64, Error> {
        match self.peek()? {
            Type::F16 => self.f16(),
            _ => self.dec.f64().map_err(decode_error),
        }
    }

    /// A text string of indefinite length, joined.
    fn joined_str(&mut self) -> Result<String, Error> {
        let mut s = String::new();
        for chunk in self.dec.str_iter().map_err(decode_error)? {
            s.push_str(chunk.map_err(decode_error)?);
        }
        Ok(s)
    }

    fn joined_bytes(&mut self) -> Result<Vec<u8>, Error> {
        let mut v = Vec::new();
        for chunk in self.dec.bytes_iter().map_err(decode_error)? {
            v.extend_from_slice(chunk.map_err(decode_error)?);
        }
        Ok(v)
    }

    /// The bytes of a bignum's byte string as a magnitude (at most 128 bits).
    fn bignum(&mut self) -> Result<u128, Error> {
        let p = self.dec.position();
        let bytes: std::borrow::Cow<'de, [u8]> = match self.peek()? {
            Type::Bytes => self.dec.bytes().map_err(decode_error)?.into(),
            Type::BytesIndef => self.joined_bytes()?.into(),
            t => return Err(Error::at(format!("expected the byte string of a bignum, found {t}"), p)),
        };
        let digits = bytes.iter().skip_while(|b| **b == 0);
        let mut n: u128 = 0;
        for (i, b) in digits.enumerate() {
            if i >= 16 {
                return Err(Error::at("a bignum larger than 128 bits", p));
            }
            n = (n << 8) | u128::from(*b);
        }
        Ok(n)
    }

    /// A decimal fraction (tag 4): `[exponent, mantissa]`, as a double when
    /// it is one exactly (`bigDecimal` is an `f64` here); any other value
    /// (`0.1`, `1e400`) is an error, as the protocol asks of an
    /// implementation without arbitrary precision.
    fn decimal(&mut self) -> Result<f64, Error> {
        let p = self.dec.position();
        if self.dec.array().map_err(decode_error)? != Some(2) {
            return Err(Error::at("a decimal fraction must be an array of two integers", p));
        }
        let exponent = self.dec.i64().map_err(decode_error)?;
        let mantissa: i128 = match self.peek()? {
            Type::Tag => match self.dec.tag().map_err(decode_error)?.as_u64() {
                TAG_BIGNUM_POS => i128::try_from(self.bignum()?).map_err(|_| Error::at("a mantissa out of range", p))?,
                TAG_BIGNUM_NEG => i128::try_from(self.bignum()?).map(|n| -1 - n).map_err(|_| Error::at("a mantissa out of range", p))?,
                t => return Err(Error::at(format!("unexpected tag {t} in a decimal fraction"), p)),
            },
            _ => self.dec.int().map_err(decode_error)?.into(),
        };
        exact_decimal(mantissa, exponent).ok_or_else(|| {
            Error::at(format!("the decimal fraction {mantissa}e{exponent} is not exactly a double (bigDecimal is read as an f64)"), p)
        })
    }

    fn tagged<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let p = self.dec.position();
        let tag = self.dec.tag().map_err(decode_error)?.as_u64();
        self.nested(|me| match tag {
            TAG_BIGNUM_POS => {
                let n = me.bignum()?;
                match u64::try_from(n) {
                    Ok(n) => visitor.visit_u64(n),
                    Err(_) => visitor.visit_u128(n),
                }
            }
            TAG_BIGNUM_NEG => {
                let n = me.bignum()?;
                match i128::try_from(n) {
                    Ok(n) => visitor.visit_i128(-1 - n),
                    Err(_) => Err(Error::at("a negative bignum below the 128-bit range", p)),
                }
            }
            TAG_DECIMAL => visitor.visit_f64(me.decimal()?),
            // Tag 1 (epoch seconds) and tags this protocol does not define:
            // the value inside is what counts.
            _ => me.any(visitor),
        })
    }

    /// Where a text string is expected (strings, enums, map keys, member
    /// names): a byte string or a tagged item is an error, though serde's
    /// string visitors would take UTF-8 bytes.
    fn text<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let p = self.dec.position();
        match self.peek()? {
            Type::Bytes | Type::BytesIndef => Err(Error::at("expected a text string, found a byte string", p)),
            Type::Tag => {
                let tag = self.dec.tag().map_err(decode_error)?.as_u64();
                Err(Error::at(format!("expected a text string, found tag {tag}"), p))
            }
            _ => self.any(visitor),
        }
    }

    /// A timestamp: tag 1 around an integer or a float, as the protocol
    /// writes them. Leniency kept: a bare integer or float (no tag) is read
    /// as epoch seconds too, as other clients do, since its meaning is not in
    /// doubt. Any other tag, a bignum, a decimal fraction, tag 1 around
    /// anything but a number, or a number nested in further tags is an error.
    fn epoch_seconds<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let p = self.dec.position();
        if self.peek()? == Type::Tag {
            let tag = self.dec.tag().map_err(decode_error)?.as_u64();
            if tag != TAG_EPOCH {
                return Err(Error::at(format!("expected a timestamp (tag 1), found tag {tag}"), p));
            }
        }
        let p = self.dec.position();
        match self.peek()? {
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::I8
            | Type::I16
            | Type::I32
            | Type::I64
            | Type::Int
            | Type::F16
            | Type::F32
            | Type::F64 => self.any(visitor),
            Type::Tag => {
                let tag = self.dec.tag().map_err(decode_error)?.as_u64();
                Err(Error::at(format!("expected the epoch seconds of a timestamp, found tag {tag}"), p))
            }
            t => Err(Error::at(format!("expected the epoch seconds of a timestamp, found {t}"), p)),
        }
    }

    fn any<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let p = self.dec.position();
        let e = decode_error;
        match self.peek()? {
            Type::Bool => visitor.visit_bool(self.dec.bool().map_err(e)?),
            Type::Null => {
                self.dec.null().map_err(e)?;
                visitor.visit_unit()
            }
            Type::Undefined => {
                self.dec.undefined().map_err(e)?;
                visitor.visit_unit()
            }
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => visitor.visit_u64(self.dec.u64().map_err(e)?),
            Type::I8 | Type::I16 | Type::I32 | Type::I64 => visitor.visit_i64(self.dec.i64().map_err(e)?),
            Type::Int => visitor.visit_i128(self.dec.int().map_err(e)?.into()),
            Type::F16 | Type::F32 | Type::F64 => visitor.visit_f64(self.float()?),
            Type::Bytes => visitor.visit_borrowed_bytes(self.dec.bytes().map_err(e)?),
            Type::BytesIndef => visitor.visit_byte_buf(self.joined_bytes()?),
            Type::String => visitor.visit_borrowed_str(self.dec.str().map_err(e)?),
            Type::StringIndef => visitor.visit_string(self.joined_str()?),
            Type::Array | Type::ArrayIndef => {
                let len = self.dec.array().map_err(e)?;
                self.nested(|me| {
                    let mut access = Access { de: me, left: len, map: false };
                    let value = visitor.visit_seq(&mut access)?;
                    access.end()?;
                    Ok(value)
                })
            }
            Type::Map | Type::MapIndef => {
                let len = self.dec.map().map_err(e)?;
                self.nested(|me| {
                    let mut access = Access { de: me, left: len, map: true };
                    let value = visitor.visit_map(&mut access)?;
                    access.end()?;
                    Ok(value)
                })
            }
            Type::Tag => self.tagged(visitor),
            Type::Break => Err(Error::at("an unexpected break", p)),
            Type::Simple => Err(Error::at("an unassigned CBOR simple value", p)),
            Type::Unknown(b) => Err(Error::at(format!("an invalid CBOR initial byte 0x{b:02x}"), p)),
        }
    }
}

/// `mantissa × 10^exponent` as a double, if one holds it exactly.
fn exact_decimal(mantissa: i128, exponent: i64) -> Option<f64> {
    if mantissa == 0 {
        return Some(0.0);
    }
    let negative = mantissa < 0;
    let mut odd = mantissa.unsigned_abs();
    let mut twos = i64::from(odd.trailing_zeros());
    odd >>= odd.trailing_zeros();
    // 10^e = 2^e × 5^e: the power of two joins `twos`, the power of five
    // multiplies the odd part (e ≥ 0) or must divide it (e < 0).
    twos = twos.checked_add(exponent)?;
    let five = 5u128.checked_pow(u32::try_from(exponent.unsigned_abs()).ok()?)?;
    if exponent >= 0 {
        odd = odd.checked_mul(five)?;
    } else if odd.is_multiple_of(five) {
        odd /= five;
    } else {
        return None;
    }
    // A double holds `odd × 2^twos` exactly when the odd part has at most 53
    // bits, its top bit is at most 2^1023 and its lowest at least 2^-1074
    // (the finest subnormal).
    let bits = i64::from(128 - odd.leading_zeros());
    if bits > 53 || twos < -1074 || twos + bits - 1 > 1023 {
        return None;
    }
    // Exact: `odd` fits the significand and each step is a power of two in range.
    let mut value = odd as f64;
    let mut e = twos;
    while e != 0 {
        let step = e.clamp(-1000, 1000);
        value *= 2f64.powi(step as i32);
        e -= step;
    }
    Some(if negative { -value } else { value })
}

/// IEEE 754 half precision to double (RFC 8949 appendix D).
fn half_to_f64(bits: u16) -> f64 {
    let exponent = (bits >> 10) & 0x1f;
    let mantissa = f64::from(bits & 0x3ff);
    let value = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mantissa + 1024.0) * 2f64.powi(i32::from(exponent) - 25),
    };
    if bits & 0x8000 != 0 {
        -value
    } else {
        value
    }
}

/// The entries of an array or map being read: `left` items (pairs for a
/// map) of a definite length, or up to the break.
struct Access<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    left: Option<u64>,
    map: bool,
}

impl Access<'_, '_> {
    /// Whether another item (or pair) follows; consumes the break of an
    /// indefinite-length item.
    fn has_next(&mut self) -> Result<bool, Error> {
        match &mut self.left {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
            None if self.de.peek()? == Type::Break => {
                self.de.skip_break();
                self.left = Some(0);
                Ok(false)
            }
            None => Ok(true),
        }
    }

    /// The visitor is done: the items it did not read are skipped, and a
    /// missing break is an error.
    fn end(&mut self) -> Result<(), Error> {
        // Read, not skipped by minicbor: the same checks (nesting, breaks) apply.
        while self.has_next()? {
            de::Deserialize::deserialize(&mut *self.de).map(|_: de::IgnoredAny| ())?;
            if self.map {
                de::Deserialize::deserialize(&mut *self.de).map(|_: de::IgnoredAny| ())?;
            }
        }
        Ok(())
    }

    /// A size hint no larger than what the bytes left could hold (each item
    /// takes at least one byte), so a claimed length allocates nothing.
    fn hint(&self) -> Option<usize> {
        let per = if self.map { 2 } else { 1 };
        self.left.map(|n| usize::try_from(n).unwrap_or(usize::MAX).min(self.de.left() / per))
    }
}

impl<'de> de::SeqAccess<'de> for &mut Access<'_, 'de> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if !self.has_next()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
    fn size_hint(&self) -> Option<usize> {
        self.hint()
    }
}

impl<'de> de::MapAccess<'de> for &mut Access<'_, 'de> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        if !self.has_next()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(&mut *self.de)
    }
    fn size_hint(&self) -> Option<usize> {
        self.hint()
    }
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }

    /// `null` and `undefined` are absent; anything else is present.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.peek()? {
            Type::Null => {
                self.dec.null().map_err(decode_error)?;
                visitor.visit_none()
            }
            Type::Undefined => {
                self.dec.undefined().map_err(decode_error)?;
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    /// A timestamp ([`EPOCH_SECONDS`]) is tag 1 around an integer or a
    /// float; any other newtype is its value.
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Error> {
        if name == EPOCH_SECONDS {
            self.epoch_seconds(visitor)
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn integers_take_the_fewest_bytes() {
        assert_eq!(to_vec(&1i64).unwrap(), hex("01"));
        assert_eq!(to_vec(&-1i32).unwrap(), hex("20"));
        assert_eq!(to_vec(&1000u16).unwrap(), hex("1903e8"));
        assert_eq!(to_vec(&i64::MIN).unwrap(), hex("3b7fffffffffffffff"));
        assert_eq!(from_slice::<i64>(&hex("3b7fffffffffffffff")).unwrap(), i64::MIN);
        assert_eq!(from_slice::<u8>(&hex("1818")).unwrap(), 24);
        assert!(from_slice::<u8>(&hex("190100")).is_err(), "256 is no u8");
        assert!(from_slice::<i32>(&hex("f93c00")).is_err(), "a float is no integer");
    }

    #[test]
    fn bignums_round_trip() {
        for v in [0i128, 1, -1, i128::from(u64::MAX) + 1, -(i128::from(u64::MAX)) - 2, i128::MAX, i128::MIN] {
            let bytes = to_vec(&v).unwrap();
            assert_eq!(from_slice::<i128>(&bytes).unwrap(), v, "{v}");
        }
        // RFC 8949 appendix A: 18446744073709551616 is 0xc249010000000000000000.
        assert_eq!(to_vec(&(i128::from(u64::MAX) + 1)).unwrap(), hex("c249010000000000000000"));
        assert!(from_slice::<i128>(&hex("c2510100000000000000000000000000000000")).is_err(), "17 bytes");
    }

    #[test]
    fn floats_of_every_width_are_read() {
        // RFC 8949 appendix A.
        for (h, v) in [("f90000", 0.0), ("f93c00", 1.0), ("f97bff", 65504.0), ("f90001", 5.960464477539063e-8), ("f9c400", -4.0)] {
            assert_eq!(from_slice::<f64>(&hex(h)).unwrap(), v, "{h}");
        }
        assert_eq!(from_slice::<f64>(&hex("f97c00")).unwrap(), f64::INFINITY);
        assert_eq!(from_slice::<f64>(&hex("f9fc00")).unwrap(), f64::NEG_INFINITY);
        assert!(from_slice::<f64>(&hex("f97e00")).unwrap().is_nan());
        assert_eq!(from_slice::<f32>(&hex("fa47c35000")).unwrap(), 100000.0);
        assert_eq!(from_slice::<f64>(&hex("fb3ff199999999999a")).unwrap(), 1.1);
        assert!(from_slice::<f64>(&to_vec(&f64::NAN).unwrap()).unwrap().is_nan());
        assert_eq!(from_slice::<f64>(&hex("c4822119ea60")).unwrap(), 600.0, "decimal fraction 60000e-2");
    }

    #[test]
    fn decimal_fractions_must_be_exact_doubles() {
        // Exact: 25e-1, -3e0, 1e22 (5^22 < 2^53), a bignum mantissa 2^64.
        for (h, v) in [("c482201819", 2.5), ("c4820022", -3.0), ("c4821601", 1e22), ("c48200c249010000000000000000", 2f64.powi(64))] {
            assert_eq!(from_slice::<f64>(&hex(&h.replace(' ', ""))).unwrap(), v, "{h}");
        }
        assert_eq!(exact_decimal(1, -1074), None, "5^1074 does not divide 1");
        assert_eq!(exact_decimal(5_i128.pow(20) * 3, -20), Some(3.0 * 2f64.powi(-20)));
        assert_eq!(exact_decimal(1 << 52, 0), Some(2f64.powi(52)));
        assert_eq!(exact_decimal((1 << 53) + 1, 0), None, "54 significant bits");
        // 999999999999999999e-20 loses digits; 1e400 is no finite double;
        // 273.15 is no double either.
        for h in ["c482331b0de0b6b3a763ffff", "c48219019001", "c48221196ab3"] {
            let err = from_slice::<f64>(&hex(h)).unwrap_err();
            assert!(err.message().contains("not exactly a double"), "{h}: {err}");
        }
        // The error names the member.
        let mut body = hex("a1");
        body.extend(to_vec("ratio").unwrap());
        body.extend(hex("c482331b0de0b6b3a763ffff"));
        let err = from_slice::<generated::Item>(&body).unwrap_err();
        assert_eq!(err.path(), Some("ratio"), "{err}");
    }

    #[test]
    fn text_is_never_a_byte_string() {
        assert!(from_slice::<String>(&hex("4161")).is_err(), "h'61' is no string");
        assert!(from_slice::<String>(&hex("5f4161ff")).is_err(), "nor an indefinite one");
        assert!(from_slice::<String>(&hex("c06161")).is_err(), "a tagged string");
        assert_eq!(from_slice::<String>(&hex("6161")).unwrap(), "a");
        // A map key, a member name.
        assert!(from_slice::<BTreeMap<String, u8>>(&hex("a1416101")).is_err());
        let mut member = hex("a1");
        member.extend(hex("446e616d65"));
        member.extend(to_vec("x").unwrap());
        assert!(from_slice::<generated::Item>(&member).is_err(), "h'name' is no member name");
    }

    #[test]
    fn floats_are_never_text() {
        use crate::protocols::json_float::De;
        for text in ["NaN", "Infinity", "-Infinity"] {
            let bytes = to_vec(text).unwrap();
            assert!(from_slice::<De<f64>>(&bytes).is_err(), "{text}");
            assert!(from_slice::<De<f32>>(&bytes).is_err(), "{text}");
        }
        assert!(from_slice::<De<f64>>(&hex("f97e00")).unwrap().0.is_nan());
    }

    #[test]
    fn timestamps_are_tag_1_around_a_number() {
        use crate::types::timestamp::Timestamp;
        let item = |value: &str| {
            let mut b = hex("a1");
            b.extend(to_vec("when").unwrap());
            b.extend(hex(value));
            from_slice::<generated::Item>(&b).map(|i| i.when)
        };
        assert_eq!(item("c11a5df817c2").unwrap(), Some(Timestamp::from_secs(1576540098)));
        assert_eq!(item("c1fb3ff8000000000000").unwrap(), Timestamp::from_epoch_seconds_f64(1.5));
        // Leniency kept: a bare number.
        assert_eq!(item("1a5df817c2").unwrap(), Some(Timestamp::from_secs(1576540098)));
        assert_eq!(item("f6").unwrap(), None);
        // Another tag, a bignum, tag 1 around a bignum or a string, tags nested.
        for h in ["c01a5df817c2", "c2415d", "c1c2415d", "c16161", "c1c11a5df817c2", "c64101"] {
            let err = item(h).unwrap_err();
            assert_eq!(err.path(), Some("when"), "{h}: {err}");
        }
    }

    #[test]
    fn errors_name_the_member_and_the_offset() {
        #[derive(Debug, serde::Deserialize)]
        struct Items {
            #[allow(dead_code)]
            items: Vec<generated::Item>,
        }
        let body = to_vec(&serde_json::json!({"items": [{}, {}, {}, {"count": 2147483648u64}]})).unwrap();
        let err = from_slice::<Items>(&body).unwrap_err();
        assert_eq!(err.path(), Some("items[3].count"), "{err}");
        let at = err.position().unwrap();
        assert!(at > 10 && at <= body.len(), "{err}");
        assert!(err.to_string().starts_with("items[3].count: "), "{err}");
        assert!(err.to_string().contains(&format!("(at byte {at})")), "{err}");
        // A 300-digit value quoted by serde is cut short.
        let huge = to_vec(&serde_json::json!({"count": 1e300})).unwrap();
        let err = from_slice::<generated::Item>(&huge).unwrap_err();
        assert!(err.message().chars().count() <= MAX_MESSAGE + 1, "{err}");
        assert_eq!(hex_excerpt(&[0xa1, 0x61]), "a1 61");
        assert!(hex_excerpt(&[0u8; 100]).ends_with(" …"));
    }

    #[test]
    fn counted_items_are_written_in_place() {
        // 24 members or more: an indefinite-length map, nothing moved.
        let wide: BTreeMap<String, u8> = (0..30u8).map(|i| (format!("k{i:02}"), i)).collect();
        struct Counted<'a>(&'a BTreeMap<String, u8>);
        impl serde::Serialize for Counted<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let bytes = to_vec(&Counted(&wide)).unwrap();
        assert_eq!((bytes.first(), bytes.last()), (Some(&0xbf), Some(&0xff)));
        assert_eq!(from_slice::<BTreeMap<String, u8>>(&bytes).unwrap(), wide);
        // 23: definite, in the header byte reserved for it.
        let narrow: BTreeMap<String, u8> = (0..23u8).map(|i| (format!("k{i:02}"), i)).collect();
        assert_eq!(to_vec(&Counted(&narrow)).unwrap().first(), Some(&0xb7));
        // A blob nested 200 structures deep is written once: the output is
        // the blob plus a few bytes a level.
        let mut v = serde_json::Value::Null;
        let _ = &mut v;
        let blob = vec![7u8; 1 << 16];
        struct Nest<'a>(usize, &'a [u8]);
        impl serde::Serialize for Nest<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let mut st = s.serialize_struct("N", 1)?;
                if self.0 == 0 {
                    st.serialize_field("b", &serde_bytes_like::Ref(self.1))?;
                } else {
                    st.serialize_field("n", &Nest(self.0 - 1, self.1))?;
                }
                st.end()
            }
        }
        let out = to_vec(&Nest(200, &blob)).unwrap();
        assert_eq!(out.len(), blob.len() + 5 + 201 * 3);
    }

    #[test]
    fn doubles_a_single_holds_go_out_as_singles() {
        assert_eq!(to_vec(&1.5f64).unwrap(), hex("fa3fc00000"));
        assert_eq!(to_vec(&f64::INFINITY).unwrap(), hex("fa7f800000"));
        assert_eq!(to_vec(&1.1f64).unwrap(), hex("fb3ff199999999999a"));
        assert_eq!(from_slice::<f64>(&to_vec(&1e300f64).unwrap()).unwrap(), 1e300);
    }

    #[test]
    fn strings_bytes_and_indefinite_items() {
        assert_eq!(from_slice::<String>(&hex("7f657374726561646d696e67ff")).unwrap(), "streaming");
        assert_eq!(from_slice::<serde_bytes_like::Buf>(&hex("5f42010243030405ff")).unwrap().0, vec![1, 2, 3, 4, 5]);
        assert!(from_slice::<Vec<u32>>(&hex("9f018202039f0405ffff")).is_err(), "nested arrays are not u32s");
        assert_eq!(from_slice::<Vec<u32>>(&hex("9f0102ff")).unwrap(), vec![1, 2]);
        let v: serde_json::Value = from_slice(&hex("bf61610161629f0203ffff")).unwrap();
        assert_eq!(v, serde_json::json!({"a": 1, "b": [2, 3]}));
        let m: BTreeMap<String, Option<u8>> = from_slice(&hex("bf6161016162f7ff")).unwrap();
        assert_eq!(m, BTreeMap::from([("a".to_string(), Some(1)), ("b".to_string(), None)]), "undefined is null");
        assert!(from_slice::<String>(&hex("7f4161ff")).is_err(), "a byte-string chunk in a text string");
    }

    #[test]
    fn structures_are_definite_maps() {
        #[derive(serde::Serialize)]
        struct S {
            a: u8,
            #[serde(skip_serializing_if = "Option::is_none")]
            b: Option<u8>,
        }
        assert_eq!(to_vec(&S { a: 1, b: None }).unwrap(), hex("a1616101"));
        let mut m = BTreeMap::new();
        m.insert("x", vec![Some(1u8), None]);
        assert_eq!(to_vec(&m).unwrap(), hex("a161788201f6"));
    }

    #[test]
    fn items_read_as_json_for_people() {
        // {"a": h'0102', "t": 1(1.5), "n": NaN, "l": [_ 1, null]}
        let v = to_json(&hex("a461614201026174c1fb3ff8000000000000616efb7ff8000000000000616c9f01f6ff")).unwrap();
        assert_eq!(v, serde_json::json!({"a": "AQI=", "t": 1.5, "n": "NaN", "l": [1, null]}));
        assert_eq!(to_json(&hex("a161")), None);
    }

    #[test]
    fn hostile_input_is_an_error() {
        // Truncated, trailing bytes, a break out of place, a reserved byte.
        for h in ["", "19", "6261", "0101", "ff", "1c", "a161", "9f01"] {
            assert!(from_slice::<serde::de::IgnoredAny>(&hex(h)).is_err(), "{h}");
        }
        // A claimed length of 2^64-1 bytes, elements or pairs allocates nothing.
        for h in ["5bffffffffffffffff", "9bffffffffffffffff", "bbffffffffffffffff", "7bffffffffffffffff"] {
            assert!(from_slice::<serde::de::IgnoredAny>(&hex(h)).is_err(), "{h}");
            assert!(from_slice::<Vec<u8>>(&hex(h)).is_err(), "{h}");
            assert!(from_slice::<BTreeMap<String, u8>>(&hex(h)).is_err(), "{h}");
        }
        // Deep nesting: arrays, maps and tags.
        for unit in ["81", "a16161", "c6"] {
            let deep = hex(&unit.repeat(100_000));
            let err = from_slice::<serde_json::Value>(&deep).unwrap_err();
            assert!(err.to_string().contains("nests deeper") || err.to_string().contains("ends in the middle"), "{err}");
        }
    }

    /// Types as a generated crate writes them (`json_struct!`, `union_de!`).
    mod generated {
        use std::collections::BTreeMap;

        use crate::types::blob::Blob;
        use crate::types::timestamp::Timestamp;

        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Item {
            pub name: Option<String>,
            pub count: Option<i32>,
            pub when: Option<Timestamp>,
            pub stamped: Option<Timestamp>,
            pub data: Option<Blob>,
            pub ratio: Option<f32>,
            pub tags: Option<BTreeMap<String, Option<String>>>,
            pub choice: Option<Choice>,
        }
        crate::protocols::structs::json_struct!(@input Item {
            name: "name", count: "count", when: "when", stamped: "stamped" as DateTime,
            data: "data", ratio: "ratio" as Float, tags: "tags", choice: "choice"
        });

        #[derive(Debug, Clone, PartialEq)]
        pub enum Choice {
            Text(String),
            Raw(Blob),
            Unknown(String),
        }
        impl serde::Serialize for Choice {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    Choice::Text(v) => crate::protocols::unions::serialize_member(s, "text", v),
                    Choice::Raw(v) => crate::protocols::unions::serialize_member(s, "raw", v),
                    Choice::Unknown(m) => Err(crate::protocols::unions::unknown_member("Choice", m)),
                }
            }
        }
        crate::protocols::unions::union_de!(Choice, "Choice", { Text: "text" => val(String), Raw: "raw" => val(Blob) });
    }

    #[test]
    fn generated_types_round_trip_in_cbor_forms() {
        use crate::types::timestamp::Timestamp;
        use generated::{Choice, Item};
        let item = Item {
            name: Some("n".into()),
            count: Some(-7),
            when: Timestamp::from_epoch_seconds_f64(1.5),
            stamped: Some(Timestamp::from_secs(1576540098)),
            data: Some(crate::types::blob::Blob::from(vec![0u8, 255])),
            ratio: Some(f32::NAN),
            tags: Some(BTreeMap::from([("a".to_string(), None), ("b".to_string(), Some("x".to_string()))])),
            choice: Some(Choice::Raw(crate::types::blob::Blob::from(vec![1u8]))),
        };
        let bytes = to_vec(&item).unwrap();
        let back: Item = from_slice(&bytes).unwrap();
        assert!(back.ratio.is_some_and(f32::is_nan));
        assert_eq!(Item { ratio: None, ..back }, Item { ratio: None, ..item.clone() });
        // The CBOR forms: a date-time member is tag 1 too; the blob a byte
        // string; NaN a float; a sparse map's null kept.
        let hex_of = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let h = hex_of(&bytes);
        assert!(h.starts_with("a8"), "a definite map of 8 members: {h}");
        assert!(h.contains("c11a5df817c2"), "stamped: tag 1, integer seconds: {h}");
        assert!(h.contains("c1fa3fc00000"), "when: tag 1, 1.5 as a single (it holds it exactly): {h}");
        assert!(h.contains("4200ff"), "data: a byte string: {h}");
        assert!(h.contains("fa7fc00000"), "ratio: NaN as a single float: {h}");
        assert!(h.contains("6161f6"), "tags: a: null: {h}");
    }

    #[test]
    fn generated_types_refuse_wrong_types() {
        use generated::Item;
        use serde_json::json;
        let cat = |parts: &[Vec<u8>]| parts.concat();
        let wrong = [
            to_vec(&json!({"count": "7"})).unwrap(),
            to_vec(&json!({"count": 2147483648u64})).unwrap(),
            to_vec(&json!({"data": "AAE="})).unwrap(),
            to_vec(&json!({"when": "2019-12-16T23:48:18Z"})).unwrap(),
            to_vec(&json!({"name": ["x"]})).unwrap(),
            // {"choice": {"text": "a", "raw": h'01'}}: a union with two members set.
            cat(&[vec![0xa1], to_vec("choice").unwrap(), vec![0xa2], to_vec("text").unwrap(), to_vec("a").unwrap(), to_vec("raw").unwrap(), vec![0x41, 0x01]]),
        ];
        for bytes in wrong {
            assert!(from_slice::<Item>(&bytes).is_err(), "{bytes:02x?}");
        }
        // An operation's input refuses members it does not have; outputs
        // (read outside `Strict`) skip them, whatever they hold.
        #[derive(Debug, Default)]
        struct Out {
            name: Option<String>,
        }
        crate::protocols::structs::json_struct!(Out { name: "name" });
        let extra = cat(&[vec![0xa2], to_vec("name").unwrap(), to_vec("x").unwrap(), to_vec("extra").unwrap(), vec![0x9f, 0x41, 0x01, 0xa0, 0xff]]);
        assert_eq!(from_slice::<Out>(&extra).unwrap().name.as_deref(), Some("x"));
        assert!(from_slice::<Item>(&extra).unwrap_err().to_string().contains("extra"));
    }

    mod serde_bytes_like {
        pub struct Ref<'a>(pub &'a [u8]);
        impl serde::Serialize for Ref<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        pub struct Buf(pub Vec<u8>);
        impl<'de> serde::Deserialize<'de> for Buf {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = Buf;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("bytes")
                    }
                    fn visit_bytes<E>(self, v: &[u8]) -> Result<Buf, E> {
                        Ok(Buf(v.to_vec()))
                    }
                }
                d.deserialize_bytes(V)
            }
        }
    }
}
