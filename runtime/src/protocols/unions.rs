//! Serde support for unions: a union is a JSON object with exactly one member
//! set. Generated `Serialize`/`Deserialize` impls call these helpers.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// The value of a union member that targets `smithy.api#Unit`: `{}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Empty {}
crate::protocols::structs::json_struct!(Empty {});

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

/// `Deserialize` for a union, given each variant's JSON name (and member name
/// when `@jsonName` differs) and what it holds: `unit` (a `smithy.api#Unit`
/// member, `{}`), `val(T)` or `boxed(T)`. The object must have exactly one
/// member set; `null` members and the `__type` key some services add are
/// skipped. Each member's value is read in place, so an error inside it keeps
/// its path. A member this client does not know becomes `Unknown`, except
/// while reading strictly (an operation's input), where it is an error that
/// lists the members that exist.
#[doc(hidden)]
#[macro_export]
macro_rules! __unions_union_de {
    ($name:ident, $label:literal, { $($v:ident : $json:literal $(| $alias:literal)? => $kind:ident $(($t:ty))?),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("the union ", $label))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        let mut out: ::std::option::Option<($name, ::std::string::String)> = ::std::option::Option::None;
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::protocols::structs::Key<'de>>()? {
                            let k: &str = key.0.as_ref();
                            let value: ::std::option::Option<$name> = match k {
                                "__type" => {
                                    map.next_value::<::serde::de::IgnoredAny>()?;
                                    continue;
                                }
                                $($json $(| $alias)? => $crate::__unions_union_de!(@read map, $name, $v, $kind $(($t))?),)*
                                _ => {
                                    if $crate::protocols::structs::is_strict() {
                                        return ::std::result::Result::Err(<A::Error as ::serde::de::Error>::unknown_field(k, &[$($json),*]));
                                    }
                                    // Skipped whatever it holds (in CBOR, byte strings too).
                                    match map.next_value::<::std::option::Option<::serde::de::IgnoredAny>>()? {
                                        ::std::option::Option::None => ::std::option::Option::None,
                                        ::std::option::Option::Some(_) => ::std::option::Option::Some($name::Unknown(k.to_string())),
                                    }
                                }
                            };
                            if let ::std::option::Option::Some(value) = value {
                                if let ::std::option::Option::Some((_, first)) = &out {
                                    return ::std::result::Result::Err(<A::Error as ::serde::de::Error>::custom(::std::format!(
                                        "union {} must have exactly one member set, found {:?} and {:?}", $label, first, k
                                    )));
                                }
                                out = ::std::option::Option::Some((value, k.to_string()));
                            }
                        }
                        out.map(|(value, _)| value).ok_or_else(|| {
                            <A::Error as ::serde::de::Error>::custom(concat!("union ", $label, " must have exactly one member set, found none"))
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
    (@read $map:ident, $name:ident, $v:ident, unit) => {
        $map.next_value::<::std::option::Option<$crate::protocols::unions::Empty>>()?.map(|_| $name::$v)
    };
    (@read $map:ident, $name:ident, $v:ident, val($t:ty)) => {
        $map.next_value::<::std::option::Option<$t>>()?.map($name::$v)
    };
    (@read $map:ident, $name:ident, $v:ident, float($t:ty)) => {
        $map.next_value::<::std::option::Option<$crate::protocols::json_float::De<$t>>>()?.map(|v| $name::$v(v.0))
    };
    (@read $map:ident, $name:ident, $v:ident, boxed($t:ty)) => {
        $map.next_value::<::std::option::Option<$t>>()?.map(|v| $name::$v(::std::boxed::Box::new(v)))
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __unions_union_de as union_de;

