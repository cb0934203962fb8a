//! The impls every generated enum shares, written once: string enums
//! (`@enum`, `enum` shapes) and integer enums (`intEnum`). Each enum in a
//! service's `types.rs` is its definition (variants with their docs) and one
//! invocation of a macro here.

/// An enum's text in a URI label, query string or header (restJson1): a
/// string enum's value, an integer enum's number.
pub trait EnumText: Sized {
    /// The text to send.
    fn to_text(&self) -> std::borrow::Cow<'_, str>;
    /// The value of received text (an integer enum refuses what is not an
    /// `i32`; any string is a string enum's value, known or not).
    fn from_text(text: &str) -> Result<Self, String>;
}

/// `VALUES`, `as_str`, `From<&str>`, `From<String>`, `FromStr`, `AsRef<str>`, `Display` and serde for
/// a string enum, given each variant's wire value. Values the model does not
/// define become `Unknown`.
#[doc(hidden)]
#[macro_export]
macro_rules! __enums_string_enum {
    ($name:ident { $($v:ident = $value:literal),* $(,)? }) => {
        impl $name {
            /// Every value the model defines.
            pub const VALUES: &'static [&'static str] = &[$($value),*];
            /// The value on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$v => $value,)*
                    Self::Unknown(v) => v.as_str(),
                }
            }
        }
        impl ::std::convert::From<&str> for $name {
            #[inline]
            fn from(v: &str) -> Self {
                match v {
                    $($value => Self::$v,)*
                    other => Self::Unknown(::std::string::String::from(other)),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for $name {
            #[inline]
            fn from(v: ::std::string::String) -> Self {
                match v.as_str() {
                    $($value => Self::$v,)*
                    _ => Self::Unknown(v),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            /// Any text: values the model does not define become `Unknown`.
            #[inline]
            fn from_str(v: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(v))
            }
        }
        impl ::std::convert::AsRef<str> for $name {
            #[inline]
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl $crate::types::enums::EnumText for $name {
            #[inline]
            fn to_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
            #[inline]
            fn from_text(text: &str) -> ::std::result::Result<Self, ::std::string::String> {
                ::std::result::Result::Ok(Self::from(text))
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __enums_string_enum as string_enum;

/// `VALUES`, `as_i32`, `From<i32>` and serde for an integer enum, given each
/// variant's value. Values the model does not define become `Unknown`.
#[doc(hidden)]
#[macro_export]
macro_rules! __enums_int_enum {
    ($name:ident { $($v:ident = $value:literal),* $(,)? }) => {
        impl $name {
            /// Every value the model defines.
            pub const VALUES: &'static [i32] = &[$($value),*];
            /// The value on the wire.
            #[inline]
            pub fn as_i32(&self) -> i32 {
                match self {
                    $(Self::$v => $value,)*
                    Self::Unknown(v) => *v,
                }
            }
        }
        impl ::std::convert::From<i32> for $name {
            #[inline]
            fn from(v: i32) -> Self {
                match v {
                    $($value => Self::$v,)*
                    other => Self::Unknown(other),
                }
            }
        }
        impl $crate::types::enums::EnumText for $name {
            #[inline]
            fn to_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Owned(self.as_i32().to_string())
            }
            fn from_text(text: &str) -> ::std::result::Result<Self, ::std::string::String> {
                text.trim()
                    .parse::<i32>()
                    .map(Self::from)
                    .map_err(|e| ::std::format!("{text:?} is not an integer enum value: {e}"))
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i32(self.as_i32())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <i32 as ::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __enums_int_enum as int_enum;
