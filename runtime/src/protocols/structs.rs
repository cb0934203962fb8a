//! serde for generated structures, written once: each structure in a
//! service's `types.rs` is its definition and one `json_struct!` invocation.
//!
//! On the wire a structure is a JSON object. Every member is optional in
//! Rust; unset members are left out, `null` reads as unset, unknown keys are
//! skipped (a newer service may send more), and anything but an object is an
//! error (serde's derive would also take an array, member by position).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, Visitor};

/// A JSON object key, borrowed from the input when it has no escapes.
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

std::thread_local! {
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While a `Strict` is alive on this thread, structures read from JSON
/// refuse members they do not have (serde's "unknown field" error, which
/// names the member and lists those that exist). An operation's input type
/// enters it for its whole reading, so what a user writes loses nothing
/// silently; responses, read outside it, stay lenient (a newer service may
/// send more). Nested: dropping restores what was before.
pub struct Strict(bool);

impl Strict {
    pub fn enter() -> Strict {
        Strict(STRICT.with(|s| s.replace(true)))
    }
}

impl Drop for Strict {
    fn drop(&mut self) {
        STRICT.with(|s| s.set(self.0));
    }
}

/// Whether structures read now refuse unknown members.
pub fn is_strict() -> bool {
    STRICT.with(|s| s.get())
}

/// A structure's members written into a JSON object that is already open,
/// leaving out those named in `skip` (by JSON name): how a restJson1 body
/// is written in one pass without its HTTP-bound members. `Serialize` is
/// this with nothing skipped. Implemented by [`json_struct!`](crate::protocols::structs::json_struct).
pub trait JsonFields {
    fn serialize_fields<M: serde::ser::SerializeMap>(&self, map: &mut M, skip: &[&str]) -> Result<(), M::Error>;
}

/// `Serialize` and `Deserialize` for a structure, given each member's field
/// and JSON name, and optionally:
/// - `| "Alias"`: a second name accepted when reading (the member name,
///   where `@jsonName` differs); the JSON name wins when both are present;
/// - `default Type::f`: the member's `@default`, `f()`: sent when the member is
///   unset, and filled in when what is read leaves it out;
/// - `as Format`: a timestamp in that `timestamp::Format`;
/// - `as Float`: a value holding floats, with NaN and the infinities as the
///   JSON protocols write them (`json_float`).
#[doc(hidden)]
#[macro_export]
macro_rules! __structs_json_struct {
    (@input $name:ident { $($body:tt)* }) => {
        $crate::__structs_json_struct!(@impl $name, true, { $($body)* });
    };
    ($name:ident { $($body:tt)* }) => {
        $crate::__structs_json_struct!(@impl $name, false, { $($body)* });
    };
    (@impl $name:ident, $input:literal, { $($f:ident : $wire:literal $(| $alias:literal)? $(default $dflt:path)? $(as $fmt:ident)?),* $(,)? }) => {
        impl $crate::protocols::structs::JsonFields for $name {
            #[allow(unused_variables)]
            fn serialize_fields<M: ::serde::ser::SerializeMap>(&self, map: &mut M, skip: &[&str]) -> ::std::result::Result<(), M::Error> {
                $($crate::__structs_json_struct!(@ser map, skip, &self.$f, $wire, [$($fmt)?], [$($dflt)?]);)*
                ::std::result::Result::Ok(())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = s.serialize_map(::std::option::Option::None)?;
                $crate::protocols::structs::JsonFields::serialize_fields(self, &mut map, &[])?;
                map.end()
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        // An operation's input is read strictly, members and all.
                        let _strict = $input.then($crate::protocols::structs::Strict::enter);
                        #[allow(unused_mut)]
                        let mut out = $name::default();
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::protocols::structs::Key<'de>>()? {
                            #[allow(unused_variables)]
                            let k: &str = key.0.as_ref();
                            $($crate::__structs_json_struct!(@de map, out, k, $f, $wire $(| $alias)? $(as $fmt)?);)*
                            if $crate::protocols::structs::is_strict() {
                                return ::std::result::Result::Err(<A::Error as ::serde::de::Error>::unknown_field(k, &[$($wire),*]));
                            }
                            map.next_value::<::serde::de::IgnoredAny>()?;
                        }
                        $($(if out.$f.is_none() {
                            out.$f = $dflt();
                        })?)*
                        ::std::result::Result::Ok(out)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
    (@ser $map:ident, $skip:ident, $v:expr, $wire:literal) => {
        if let ::std::option::Option::Some(v) = $v {
            if !$skip.contains(&$wire) {
                $map.serialize_entry($wire, v)?;
            }
        }
    };
    // A member with a default is sent with it when unset.
    (@ser $map:ident, $skip:ident, $v:expr, $wire:literal, [$($fmt:ident)?], [$dflt:path]) => {
        if !$skip.contains(&$wire) {
            let filled;
            let v: &::std::option::Option<_> = if $v.is_some() {
                $v
            } else {
                filled = $dflt();
                &filled
            };
            $crate::__structs_json_struct!(@entry $map, $wire, v $(, $fmt)?);
        }
    };
    (@ser $map:ident, $skip:ident, $v:expr, $wire:literal, [$($fmt:ident)?], []) => {
        if !$skip.contains(&$wire) {
            $crate::__structs_json_struct!(@entry $map, $wire, $v $(, $fmt)?);
        }
    };
    (@entry $map:ident, $wire:literal, $v:expr) => {
        if let ::std::option::Option::Some(v) = $v {
            $map.serialize_entry($wire, v)?;
        }
    };
    (@entry $map:ident, $wire:literal, $v:expr, Float) => {
        if let ::std::option::Option::Some(v) = $v {
            $map.serialize_entry($wire, &$crate::protocols::json_float::Ser(v))?;
        }
    };
    (@entry $map:ident, $wire:literal, $v:expr, $fmt:ident) => {
        if $v.is_some() {
            $map.serialize_entry($wire, &$crate::types::timestamp::Formatted($v, $crate::types::timestamp::Format::$fmt))?;
        }
    };
    (@de $map:ident, $out:ident, $k:ident, $f:ident, $wire:literal $(as $fmt:ident)?) => {
        if $k == $wire {
            $out.$f = $crate::__structs_json_struct!(@value $map $(, $fmt)?);
            continue;
        }
    };
    (@de $map:ident, $out:ident, $k:ident, $f:ident, $wire:literal | $alias:literal $(as $fmt:ident)?) => {
        $crate::__structs_json_struct!(@de $map, $out, $k, $f, $wire $(as $fmt)?);
        if $k == $alias {
            let value = $crate::__structs_json_struct!(@value $map $(, $fmt)?);
            if $out.$f.is_none() {
                $out.$f = value;
            }
            continue;
        }
    };
    (@value $map:ident) => {
        $map.next_value()?
    };
    (@value $map:ident, Float) => {
        $map.next_value::<::std::option::Option<$crate::protocols::json_float::De<_>>>()?.map(|v| v.0)
    };
    (@value $map:ident, $fmt:ident) => {
        $map.next_value_seed($crate::types::timestamp::FormatSeed($crate::types::timestamp::Format::$fmt))?
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __structs_json_struct as json_struct;
