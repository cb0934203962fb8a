//! The macros that write a service's error types: `Display` and `Error` for
//! each modeled error structure (`service_error!`), and each operation's
//! error enum with its response dispatch (`operation_error!`). Generated code
//! invokes them; they expand to paths into `error`, `json` and `protocol`.

/// `Display` and `Error` for a modeled error structure: its name, then its
/// `message` member when it has one and it is set.
#[doc(hidden)]
#[macro_export]
macro_rules! __error_macros_service_error {
    ($name:ident, $label:literal) => {
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($label)
            }
        }
        impl ::std::error::Error for $name {}
    };
    ($name:ident, $label:literal, $message:ident) => {
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($label)?;
                if let ::std::option::Option::Some(m) = &self.$message {
                    write!(f, ": {m}")?;
                }
                ::std::result::Result::Ok(())
            }
        }
        impl ::std::error::Error for $name {}
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __error_macros_service_error as service_error;

/// An operation's error enum (`<Op>Error`): one variant per modeled error
/// (`Variant(Type) = "wire code"`), given the operation's name and the
/// service's protocol, then the failures every operation shares,
/// with `from_response` (which picks the variant for an error response by its
/// code) and the impls (`Display`, `Error`, `From<Failure>`,
/// `OperationError`). Written once here instead of per operation; each
/// operation's file holds one invocation. (Unused when no operation feature is on.)
#[doc(hidden)]
#[macro_export]
macro_rules! __error_macros_operation_error {
    ($name:ident, $operation:literal, $protocol:ident, { $($v:ident($t:ident) = $code:literal),* $(,)? }) => {
        #[doc = concat!(" Errors of `", $operation, "`: the operation's modeled errors, then failures every operation shares.")]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!(" The modeled error `", $code, "`.")]
                $v(::std::boxed::Box<$crate::error::Modeled<super::types::$t>>),
            )*
            /// An error response whose code is not one of the operation's modeled errors.
            Unmodeled(::std::boxed::Box<$crate::error::ErrorMeta>),
            /// The input breaks the model's constraints; nothing was sent.
            Validation($crate::error::ValidationError),
            /// The request could not be sent or the response not received.
            Transport($crate::error::TransportError),
            /// The connection or the response took too long.
            Timeout($crate::error::TimeoutError),
            /// The response does not match the protocol or the model.
            Parse(::std::boxed::Box<$crate::error::ParseError>),
        }

        impl $name {
            /// The error an error response stands for: the modeled error its
            /// code names, parsed, or `Unmodeled` with the response's metadata.
            #[inline]
            pub(crate) fn from_response(response: &$crate::request::RawResponse) -> Self {
                let meta = $crate::__error_macros_operation_error!(@meta $protocol, response);
                $(
                    if meta.code == $code {
                        return $crate::__error_macros_operation_error!(@parse $protocol, response, meta)
                            .map_or_else(Self::from, |e| Self::$v(::std::boxed::Box::new(e)));
                    }
                )*
                Self::Unmodeled(::std::boxed::Box::new($crate::__error_macros_operation_error!(@unmodeled $protocol, response, meta)))
            }
        }

        /// `<Operation>: ` and what went wrong: the service's code and
        /// message, the transport's cause, the timeout, the invalid input or
        /// the unparseable response, with the request id and the attempts made.
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!($operation, ": "))?;
                match self {
                    $(Self::$v(e) => ::std::fmt::Display::fmt(e, f),)*
                    Self::Unmodeled(e) => ::std::fmt::Display::fmt(e, f),
                    Self::Validation(e) => write!(f, "nothing was sent: {e}"),
                    Self::Transport(e) => ::std::fmt::Display::fmt(e, f),
                    Self::Timeout(e) => ::std::fmt::Display::fmt(e, f),
                    Self::Parse(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }

        impl ::std::error::Error for $name {
            #[inline]
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    $(Self::$v(e) => ::std::option::Option::Some(&e.error),)*
                    Self::Unmodeled(e) => ::std::option::Option::Some(&**e),
                    Self::Validation(e) => ::std::option::Option::Some(e),
                    Self::Transport(e) => ::std::option::Option::Some(e),
                    Self::Timeout(e) => ::std::option::Option::Some(e),
                    Self::Parse(e) => ::std::option::Option::Some(&**e),
                }
            }
        }

        impl ::std::convert::From<$crate::error::Failure> for $name {
            #[inline]
            fn from(f: $crate::error::Failure) -> Self {
                use $crate::error::Failure;
                match f {
                    Failure::Unmodeled(e) => Self::Unmodeled(e),
                    Failure::Validation(e) => Self::Validation(e),
                    Failure::Transport(e) => Self::Transport(e),
                    Failure::Timeout(e) => Self::Timeout(e),
                    Failure::Parse(e) => Self::Parse(e),
                }
            }
        }

        impl $crate::error::OperationError for $name {
            #[inline]
            fn kind(&self) -> $crate::error::ErrorKind {
                use $crate::error::ErrorKind;
                match self {
                    $(Self::$v(_) |)* Self::Unmodeled(_) => ErrorKind::Service,
                    Self::Validation(_) => ErrorKind::Validation,
                    Self::Transport(_) => ErrorKind::Transport,
                    Self::Timeout(_) => ErrorKind::Timeout,
                    Self::Parse(_) => ErrorKind::Parse,
                }
            }
            #[inline]
            fn code(&self) -> ::std::option::Option<&str> {
                self.meta().map(|m| m.code.as_str())
            }
            #[inline]
            fn meta(&self) -> ::std::option::Option<&$crate::error::ErrorMeta> {
                match self {
                    $(Self::$v(e) => ::std::option::Option::Some(&e.meta),)*
                    Self::Unmodeled(e) => ::std::option::Option::Some(&**e),
                    _ => ::std::option::Option::None,
                }
            }
        }
    };
    // How each protocol reads an error response: its metadata, a modeled
    // error's members, and what an unmodeled error reports.
    (@meta AwsQuery, $response:ident) => { $crate::protocols::xml_errors::error_meta($response) };
    (@meta Ec2Query, $response:ident) => { $crate::protocols::xml_errors::error_meta($response) };
    (@meta RestXml, $response:ident) => { $crate::protocols::xml_errors::error_meta($response) };
    (@meta RpcV2Cbor, $response:ident) => { $crate::protocols::cbor_responses::error_meta($response) };
    // rpcv2Cbor of an `@awsQueryCompatible` service: the code of
    // `x-amzn-query-error` replaces `__type`'s once the modeled error is chosen.
    (@meta RpcV2CborQueryCompatible, $response:ident) => { $crate::protocols::cbor_responses::error_meta($response) };
    (@meta $protocol:ident, $response:ident) => { $crate::protocols::json::error_meta($crate::protocols::Protocol::$protocol, $response) };
    (@parse AwsQuery, $response:ident, $meta:ident) => { $crate::protocols::xml_errors::parse_error($response, $meta) };
    (@parse Ec2Query, $response:ident, $meta:ident) => { $crate::protocols::xml_errors::parse_error($response, $meta) };
    (@parse RestXml, $response:ident, $meta:ident) => { $crate::protocols::xml_errors::parse_error($response, $meta) };
    (@parse RpcV2Cbor, $response:ident, $meta:ident) => { $crate::protocols::cbor_responses::parse_error($response, $meta) };
    (@parse RpcV2CborQueryCompatible, $response:ident, $meta:ident) => { $crate::protocols::cbor_responses::parse_error($response, $crate::protocols::cbor_responses::with_query_error_code($meta, $response)) };
    (@parse $protocol:ident, $response:ident, $meta:ident) => { $crate::protocols::json::parse_error($response, $crate::protocols::json::with_query_error_code($meta, $response)) };
    (@unmodeled AwsQuery, $response:ident, $meta:ident) => { $meta };
    (@unmodeled Ec2Query, $response:ident, $meta:ident) => { $meta };
    (@unmodeled RestXml, $response:ident, $meta:ident) => { $meta };
    (@unmodeled RpcV2Cbor, $response:ident, $meta:ident) => { $meta };
    (@unmodeled RpcV2CborQueryCompatible, $response:ident, $meta:ident) => { $crate::protocols::cbor_responses::with_query_error_code($meta, $response) };
    (@unmodeled $protocol:ident, $response:ident, $meta:ident) => { $crate::protocols::json::with_query_error_code($meta, $response) };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __error_macros_operation_error as operation_error;
