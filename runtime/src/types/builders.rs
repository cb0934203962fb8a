//! Builders and accessors of generated structures, written once: a
//! service's `types.rs` holds one `accessors!` and one `builder!`
//! invocation per structure, which expand here.
//!
//! A builder wraps the structure it builds (`FooBuilder(Foo)`): a setter per
//! member taking `impl Into<…>` (for a list, an appender of one element;
//! for a map, an inserter of one entry), `set_<member>` taking the whole
//! `Option`, `get_<member>` reading it back, and `build`, which names every
//! required member left unset. The setters are generic, so a program pays
//! in build time only for those it calls.
//!
//! Accessors read a structure as aws-sdk-rust's do: a required string,
//! number, boolean, list or map comes back as its value (`&str`, `i32`,
//! `&[T]`, `&BTreeMap`; its zero when unset, which client error correction
//! makes the case of a response that left it out), an optional one as an
//! `Option` (`Option<&str>`, `Option<i32>`), and a list always as a slice.

use std::fmt;

/// A structure's builder was asked to build with required members unset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// The structure (its Rust name).
    pub structure: &'static str,
    /// The required members left unset, by their model names.
    pub missing: Vec<&'static str>,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.missing.len() == 1 { "" } else { "s" };
        write!(f, "{}: required member{s} not set: {}", self.structure, self.missing.join(", "))
    }
}

impl std::error::Error for BuildError {}

/// Accessor methods of a generated structure, one per member:
/// `name: kind required|optional`, the kind saying what the accessor
/// returns: `str` (`&str` / `Option<&str>`), `copy(T)` (`T` /
/// `Option<T>`), `list(T)` (`&[T]`), `map(M)` (`&M` / `Option<&M>`),
/// `boxed(T)` (`Option<&T>` of a boxed member) and `other(T)`
/// (`Option<&T>`); `field(method)` names the accessor.
#[doc(hidden)]
#[macro_export]
macro_rules! __builders_accessors {
    ($name:ident { $($field:ident ($method:ident) : $kind:ident $(($t:ty))? $req:ident),* $(,)? }) => {
        impl $name {
            $( $crate::types::builders::accessors!(@m $field $method $kind [$($t)?] $req); )*
        }
    };
    (@m $field:ident $method:ident str [] required) => {
        #[doc = concat!(" `", stringify!($field), "` (required; `\"\"` when unset).")]
        #[inline]
        pub fn $method(&self) -> &str { self.$field.as_deref().unwrap_or_default() }
    };
    (@m $field:ident $method:ident str [] optional) => {
        #[doc = concat!(" `", stringify!($field), "`, if set.")]
        #[inline]
        pub fn $method(&self) -> ::std::option::Option<&str> { self.$field.as_deref() }
    };
    (@m $field:ident $method:ident copy [$t:ty] required) => {
        #[doc = concat!(" `", stringify!($field), "` (required; its zero when unset).")]
        #[inline]
        pub fn $method(&self) -> $t { self.$field.unwrap_or_default() }
    };
    (@m $field:ident $method:ident copy [$t:ty] optional) => {
        #[doc = concat!(" `", stringify!($field), "`, if set.")]
        #[inline]
        pub fn $method(&self) -> ::std::option::Option<$t> { self.$field }
    };
    (@m $field:ident $method:ident list [$t:ty] $req:ident) => {
        #[doc = concat!(" `", stringify!($field), "` (empty when unset).")]
        #[inline]
        pub fn $method(&self) -> &[$t] { self.$field.as_deref().unwrap_or_default() }
    };
    (@m $field:ident $method:ident map [$t:ty] required) => {
        #[doc = concat!(" `", stringify!($field), "` (required; empty when unset).")]
        #[inline]
        pub fn $method(&self) -> &$t {
            const EMPTY: &$t = &<$t>::new();
            self.$field.as_ref().unwrap_or(EMPTY)
        }
    };
    (@m $field:ident $method:ident map [$t:ty] optional) => {
        #[doc = concat!(" `", stringify!($field), "`, if set.")]
        #[inline]
        pub fn $method(&self) -> ::std::option::Option<&$t> { self.$field.as_ref() }
    };
    (@m $field:ident $method:ident boxed [$t:ty] $req:ident) => {
        #[doc = concat!(" `", stringify!($field), "`, if set.")]
        #[inline]
        pub fn $method(&self) -> ::std::option::Option<&$t> { self.$field.as_deref() }
    };
    (@m $field:ident $method:ident other [$t:ty] $req:ident) => {
        #[doc = concat!(" `", stringify!($field), "`, if set.")]
        #[inline]
        pub fn $method(&self) -> ::std::option::Option<&$t> { self.$field.as_ref() }
    };
}
#[doc(hidden)]
pub use __builders_accessors as accessors;

/// A structure's builder (see the module's documentation):
/// `Name, NameBuilder, checked|unchecked, { field (setter, set_field,
/// get_field) "MemberName": kind(T) required|optional, ... }` with kinds
/// `value(T)`, `boxed(T)`, `list(T)` (the element) and `map(K, V)`;
/// `checked` when the structure has required members (`build` returns a
/// `Result`), `unchecked` when it has none (`build` returns the structure).
#[doc(hidden)]
#[macro_export]
macro_rules! __builders_builder {
    ($name:ident, $builder:ident, $build:ident, { $($field:ident ($setter:ident, $set:ident, $get:ident) $wire:literal : $kind:ident ($($t:ty),+) $req:ident),* $(,)? }) => {
        #[doc = concat!(" A builder of [`", stringify!($name), "`](super::", stringify!($name), "): a setter per member, then `build`.")]
        #[derive(Clone, Default, PartialEq)]
        pub struct $builder(super::$name);

        impl ::std::fmt::Debug for $builder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($builder)).field(&self.0).finish()
            }
        }

        impl super::$name {
            #[doc = concat!(" A builder of `", stringify!($name), "`, every member unset.")]
            #[inline]
            pub fn builder() -> $builder {
                $builder::default()
            }
        }

        impl $builder {
            $( $crate::types::builders::builder!(@setter $field $setter $set $get $kind ($($t),+)); )*

            /// What is set so far, required members or not (a fluent call's
            /// input, which the client validates).
            #[doc(hidden)]
            #[inline]
            pub fn unchecked(self) -> super::$name {
                self.0
            }

            $crate::types::builders::builder!(@build $build $name { $($field $wire $req),* });
        }
    };
    (@build checked $name:ident { $($field:ident $wire:literal $req:ident),* }) => {
        #[doc = concat!(" The `", stringify!($name), "`, or an error naming each required member left unset.")]
        pub fn build(self) -> ::std::result::Result<super::$name, $crate::types::builders::BuildError> {
            let mut missing = ::std::vec::Vec::new();
            $( $crate::types::builders::builder!(@check self missing $field $wire $req); )*
            if missing.is_empty() {
                ::std::result::Result::Ok(self.0)
            } else {
                ::std::result::Result::Err($crate::types::builders::BuildError { structure: stringify!($name), missing })
            }
        }
    };
    (@build unchecked $name:ident { $($field:ident $wire:literal $req:ident),* }) => {
        #[doc = concat!(" The `", stringify!($name), "` (it has no required member).")]
        #[inline]
        pub fn build(self) -> super::$name {
            self.0
        }
    };
    (@check $self:ident $missing:ident $field:ident $wire:literal required) => {
        if $self.0.$field.is_none() {
            $missing.push($wire);
        }
    };
    (@check $self:ident $missing:ident $field:ident $wire:literal optional) => {};
    (@setter $field:ident $setter:ident $set:ident $get:ident value ($t:ty)) => {
        #[doc = concat!(" Set `", stringify!($field), "`.")]
        #[inline]
        pub fn $setter(mut self, value: impl ::std::convert::Into<$t>) -> Self {
            self.0.$field = ::std::option::Option::Some(value.into());
            self
        }
        $crate::types::builders::builder!(@whole $field $set $get $t);
    };
    (@setter $field:ident $setter:ident $set:ident $get:ident boxed ($t:ty)) => {
        #[doc = concat!(" Set `", stringify!($field), "`.")]
        #[inline]
        pub fn $setter(mut self, value: impl ::std::convert::Into<$t>) -> Self {
            self.0.$field = ::std::option::Option::Some(::std::boxed::Box::new(value.into()));
            self
        }
        $crate::types::builders::builder!(@whole $field $set $get ::std::boxed::Box<$t>);
    };
    (@setter $field:ident $setter:ident $set:ident $get:ident list ($t:ty)) => {
        #[doc = concat!(" Append one element to `", stringify!($field), "` (`", stringify!($set), "` sets the whole list).")]
        #[inline]
        pub fn $setter(mut self, value: impl ::std::convert::Into<$t>) -> Self {
            self.0.$field.get_or_insert_with(::std::vec::Vec::new).push(value.into());
            self
        }
        $crate::types::builders::builder!(@whole $field $set $get ::std::vec::Vec<$t>);
    };
    (@setter $field:ident $setter:ident $set:ident $get:ident map ($k:ty, $v:ty)) => {
        #[doc = concat!(" Insert one entry into `", stringify!($field), "` (`", stringify!($set), "` sets the whole map).")]
        #[inline]
        pub fn $setter(mut self, key: impl ::std::convert::Into<$k>, value: impl ::std::convert::Into<$v>) -> Self {
            self.0.$field.get_or_insert_with(::std::collections::BTreeMap::new).insert(key.into(), value.into());
            self
        }
        $crate::types::builders::builder!(@whole $field $set $get ::std::collections::BTreeMap<$k, $v>);
    };
    (@whole $field:ident $set:ident $get:ident $t:ty) => {
        #[doc = concat!(" Set or unset `", stringify!($field), "` whole.")]
        #[inline]
        pub fn $set(mut self, value: ::std::option::Option<$t>) -> Self {
            self.0.$field = value;
            self
        }
        #[doc = concat!(" `", stringify!($field), "` as set so far.")]
        #[inline]
        pub fn $get(&self) -> &::std::option::Option<$t> {
            &self.0.$field
        }
    };
}
#[doc(hidden)]
pub use __builders_builder as builder;

/// An operation's fluent call (`client.get_widget().widget_id("w").send()`),
/// which holds a clone of the client (clones share everything), so the
/// call's future is `'static` and can be spawned:
/// `Name, Client, InputBuilder, with_fn, Ret, plain|events(EventInput),
/// { members as for builder! }`, and optionally
/// `presign("Operation", prepare_fn, Error)`. Each setter sets the input's
/// member; `send` makes the call with `Client::with_fn` (and the input event
/// stream, for `events`); with `presign`, `presigned` presigns it instead
/// (`prepare_fn` serializes the input, the client's `handle` signs).
/// Missing required members are the call's validation error, as for an
/// input built by hand.
#[doc(hidden)]
#[macro_export]
macro_rules! __builders_fluent {
    ($name:ident, $client:ty, $builder:ty, $with:ident, $ret:ty, $kind:ident $(($events:ty))?, { $($field:ident ($setter:ident, $set:ident, $get:ident) $wire:literal : $mkind:ident ($($t:ty),+) $req:ident),* $(,)? } $(, presign($op:literal, $prepare:path, $error:ty))? $(,)?) => {
        #[doc = concat!(" A `", stringify!($name), "` call being set up: set the input's members, then `send`.")]
        #[derive(Debug, Clone)]
        pub struct $name {
            client: $client,
            input: $builder,
        }

        impl $name {
            #[doc(hidden)]
            pub fn new(client: &$client) -> Self {
                $name { client: ::std::clone::Clone::clone(client), input: ::std::default::Default::default() }
            }

            /// The input as set so far.
            pub fn as_input(&self) -> &$builder {
                &self.input
            }

            $( $crate::types::builders::fluent!(@setter $setter $set $get $mkind ($($t),+)); )*

            $crate::types::builders::fluent!(@send $with $ret, $kind $(($events))?);

            $(
                /// Presign the call instead of making it: the method, URL
                /// and headers of a request that anyone holding them can
                /// send, without credentials, until `config`'s expiry (at
                /// most 7 days). The `presign` module of the runtime's
                /// `signing` says what is signed; the URL is a bearer
                /// credential.
                pub async fn presigned(
                    self,
                    config: $crate::signing::presign::PresigningConfig,
                ) -> ::std::result::Result<$crate::signing::presign::PresignedRequest, $error> {
                    let request = $prepare(self.input.unchecked(), self.client.handle.validates())?;
                    ::std::result::Result::Ok(self.client.handle.presign($op, &request, &config).await?)
                }
            )?
        }
    };
    (@send $with:ident $ret:ty, plain) => {
        /// Make the call.
        pub async fn send(self) -> $ret {
            self.client.$with(self.input.unchecked()).await
        }
    };
    (@send $with:ident $ret:ty, events($events:ty)) => {
        /// Make the call, with `events` as the input's event stream.
        pub async fn send(self, events: $events) -> $ret {
            self.client.$with(self.input.unchecked(), events).await
        }
    };
    (@setter $setter:ident $set:ident $get:ident map ($k:ty, $v:ty)) => {
        #[doc = concat!(" Insert one entry into the input's `", stringify!($setter), "`.")]
        #[inline]
        pub fn $setter(mut self, key: impl ::std::convert::Into<$k>, value: impl ::std::convert::Into<$v>) -> Self {
            self.input = self.input.$setter(key, value);
            self
        }
        $crate::types::builders::fluent!(@whole $set $get ::std::collections::BTreeMap<$k, $v>);
    };
    (@setter $setter:ident $set:ident $get:ident list ($t:ty)) => {
        #[doc = concat!(" Append one element to the input's `", stringify!($setter), "`.")]
        #[inline]
        pub fn $setter(mut self, value: impl ::std::convert::Into<$t>) -> Self {
            self.input = self.input.$setter(value);
            self
        }
        $crate::types::builders::fluent!(@whole $set $get ::std::vec::Vec<$t>);
    };
    (@setter $setter:ident $set:ident $get:ident boxed ($t:ty)) => {
        #[doc = concat!(" Set the input's `", stringify!($setter), "`.")]
        #[inline]
        pub fn $setter(mut self, value: impl ::std::convert::Into<$t>) -> Self {
            self.input = self.input.$setter(value);
            self
        }
        $crate::types::builders::fluent!(@whole $set $get ::std::boxed::Box<$t>);
    };
    (@setter $setter:ident $set:ident $get:ident value ($t:ty)) => {
        #[doc = concat!(" Set the input's `", stringify!($setter), "`.")]
        #[inline]
        pub fn $setter(mut self, value: impl ::std::convert::Into<$t>) -> Self {
            self.input = self.input.$setter(value);
            self
        }
        $crate::types::builders::fluent!(@whole $set $get $t);
    };
    (@whole $set:ident $get:ident $t:ty) => {
        #[doc = concat!(" `", stringify!($set), "` on the input.")]
        #[inline]
        pub fn $set(mut self, value: ::std::option::Option<$t>) -> Self {
            self.input = self.input.$set(value);
            self
        }
        #[doc = concat!(" `", stringify!($get), "` of the input.")]
        #[inline]
        pub fn $get(&self) -> &::std::option::Option<$t> {
            self.input.$get()
        }
    };
}
#[doc(hidden)]
pub use __builders_fluent as fluent;
