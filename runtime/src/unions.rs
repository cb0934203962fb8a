//! Serde support for unions: a union is a JSON object with exactly one member
//! set. Generated `Serialize`/`Deserialize` impls call these helpers.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The value of a union member that targets `smithy.api#Unit`: `{}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Empty {}
super::structs::json_struct!(Empty {});

/// Serialize `{ name: value }`.
pub fn serialize_member<S: Serializer, T: Serialize + ?Sized>(s: S, name: &str, value: &T) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(1))?;
    map.serialize_entry(name, value)?;
    map.end()
}

/// The error for serializing a union holding a member this client does not know.
pub fn unknown_member<E: serde::ser::Error>(type_name: &str, member: &str) -> E {
    E::custom(format!("cannot serialize union {type_name}: member {member:?} is not known to this client"))
}

/// Read a union object: its one set member's name and value. Members whose
/// value is `null`, and the `__type` key some services add, are ignored.
pub fn take_member<'de, D: Deserializer<'de>>(d: D, type_name: &str) -> Result<(String, serde_json::Value), D::Error> {
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    let mut set = map.into_iter().filter(|(k, v)| !v.is_null() && k != "__type");
    let Some((name, value)) = set.next() else {
        return Err(D::Error::custom(format!("union {type_name} must have exactly one member set, found none")));
    };
    if let Some((other, _)) = set.next() {
        return Err(D::Error::custom(format!(
            "union {type_name} must have exactly one member set, found {name:?} and {other:?}"
        )));
    }
    Ok((name, value))
}

/// Turn a member's JSON value into its Rust type.
pub fn member_value<T: DeserializeOwned, E: serde::de::Error>(type_name: &str, member: &str, value: serde_json::Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(|e| E::custom(format!("union {type_name} member {member:?}: {e}")))
}
