//! Floats in JSON as the AWS JSON protocols write them: a finite value as a
//! number, NaN and the infinities as the strings `"NaN"`, `"Infinity"` and
//! `"-Infinity"` (JSON has no literal for them; serde_json alone would write
//! `null` and refuse the strings). A structure member whose type holds a
//! float (`f32`, `f64`, or lists and maps of them) goes through
//! [`JsonFloat`] (`as Float` in `json_struct!`).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeOwned, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

/// A value that holds floats, written and read with the protocols' text for
/// NaN and the infinities.
pub trait JsonFloat: Sized {
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Serialize `T` with [`JsonFloat`].
pub struct Ser<'a, T>(pub &'a T);

impl<T: JsonFloat> Serialize for Ser<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.ser(s)
    }
}

/// Deserialize `T` with [`JsonFloat`].
pub struct De<T>(pub T);

impl<'de, T: JsonFloat> serde::Deserialize<'de> for De<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::de(d).map(De)
    }
}

fn non_finite(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("Infinity")
    } else if v == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// A float, or (in a human-readable format only: JSON) the text forms of
/// NaN and the infinities. A binary format (CBOR) has them as floats, so
/// text there is a wrong type.
struct FloatVisitor {
    text: bool,
}

impl Visitor<'_> for FloatVisitor {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.text {
            f.write_str("a number, or \"NaN\", \"Infinity\" or \"-Infinity\"")
        } else {
            f.write_str("a number")
        }
    }
    fn visit_f64<E>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    fn visit_i64<E>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<f64, E> {
        if !self.text {
            return Err(E::invalid_type(serde::de::Unexpected::Str(v), &self));
        }
        match v {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            other => Err(E::invalid_value(serde::de::Unexpected::Str(other), &self)),
        }
    }
}

impl JsonFloat for f64 {
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Binary formats (CBOR) have NaN and the infinities as floats.
        match non_finite(*self) {
            Some(text) if s.is_human_readable() => s.serialize_str(text),
            _ => s.serialize_f64(*self),
        }
    }
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = d.is_human_readable();
        d.deserialize_any(FloatVisitor { text })
    }
}

impl JsonFloat for f32 {
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match non_finite(f64::from(*self)) {
            Some(text) if s.is_human_readable() => s.serialize_str(text),
            _ => s.serialize_f32(*self),
        }
    }
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = d.is_human_readable();
        let v = d.deserialize_any(FloatVisitor { text })?;
        // A finite value beyond f32 is out of range, not infinity.
        if v.is_finite() && v.abs() > f64::from(f32::MAX) {
            return Err(D::Error::custom(format!("{v} is out of range for a float")));
        }
        Ok(v as f32)
    }
}

impl<T: JsonFloat> JsonFloat for Option<T> {
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => v.ser(s),
            None => s.serialize_none(),
        }
    }
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Option<De<T>> as serde::Deserialize>::deserialize(d).map(|o| o.map(|De(v)| v))
    }
}

impl<T: JsonFloat> JsonFloat for Vec<T> {
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for v in self {
            seq.serialize_element(&Ser(v))?;
        }
        seq.end()
    }
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: JsonFloat> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(De(v)) = seq.next_element::<De<T>>()? {
                    out.push(v);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

impl<K: Serialize + DeserializeOwned + Ord, T: JsonFloat> JsonFloat for BTreeMap<K, T> {
    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, &Ser(v))?;
        }
        map.end()
    }
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<K, T>(std::marker::PhantomData<(K, T)>);
        impl<'de, K: DeserializeOwned + Ord, T: JsonFloat> Visitor<'de> for V<K, T> {
            type Value = BTreeMap<K, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BTreeMap<K, T>, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, De(v))) = map.next_entry::<K, De<T>>()? {
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_values_travel_as_strings() {
        let v = vec![1.5f64, f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        assert_eq!(serde_json::to_string(&Ser(&v)).expect("serializes"), r#"[1.5,"NaN","Infinity","-Infinity"]"#);
        let De(back): De<Vec<f64>> = serde_json::from_str(r#"[1.5,"NaN","Infinity","-Infinity",2]"#).expect("parses");
        assert!(back[1].is_nan() && back[2] == f64::INFINITY && back[3] == f64::NEG_INFINITY && back[4] == 2.0);
        let De(f): De<f32> = serde_json::from_str("1.1").expect("parses");
        assert_eq!(f, 1.1f32);
        assert!(serde_json::from_str::<De<f32>>("1e300").is_err(), "out of range is an error, not infinity");
        assert!(serde_json::from_str::<De<f64>>(r#""nan""#).is_err(), "only the exact texts");
        let m = BTreeMap::from([("a".to_string(), f32::NAN)]);
        assert_eq!(serde_json::to_string(&Ser(&m)).expect("serializes"), r#"{"a":"NaN"}"#);
    }
}

#[cfg(test)]
mod round_trip {
    /// Every double survives JSON both ways, bit for bit (serde_json's
    /// `float_roundtrip`): the default parser reads this one a bit off.
    #[test]
    fn doubles_round_trip_exactly() {
        for text in ["919664553.5092857", "0.1", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "123456789.12345679"] {
            let v: f64 = serde_json::from_str(text).expect("a number");
            let expected: f64 = text.parse().expect("Rust's parser is correctly rounded");
            assert_eq!(v.to_bits(), expected.to_bits(), "{text}");
            let back: f64 = serde_json::from_str(&serde_json::to_string(&v).expect("serializes")).expect("parses");
            assert_eq!(back.to_bits(), v.to_bits(), "{text} round trip");
        }
    }
}
