//! awsJson1_0 and awsJson1_1 requests: `POST /`, the input as a JSON object
//! with the model's member names, `X-Amz-Target: <prefix>.<Operation>`.

use serde::Serialize;

use crate::error::{Failure, TransportError, TransportErrorKind};
use crate::invoke::ServiceSpec;
use crate::protocols::Protocol;
use crate::request::PreparedRequest;

pub fn request<T: Serialize>(service: &ServiceSpec, operation: &str, input: &T) -> Result<PreparedRequest, Failure> {
    let content_type = match service.protocol {
        Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
        _ => "application/x-amz-json-1.1",
    };
    let mut request = PreparedRequest::new("POST", "/");
    request.header("content-type", content_type);
    request.header("x-amz-target", format!("{}.{operation}", service.target_prefix));
    request.set_body(to_json(input)?);
    Ok(request)
}

/// Serialize a value to JSON bytes.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(value).map_err(|e| {
        Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, format!("cannot serialize the input: {e}")))
    })
}

/// `prepare_<op>` and `parse_<op>` of an awsJson operation, given the two
/// function names, the operation's name, its input, output and error types
/// (in the service's `types` and `errors` modules), and, for an input with an
/// `@idempotencyToken` member, `token <field>`.
#[doc(hidden)]
#[macro_export]
macro_rules! __aws_json_operation {
    ($prepare:ident, $parse:ident, $op:literal, $input:ident, $output:ident, $error:ident $(, token $token:ident)?) => {
        #[doc = concat!(" The request `", $op, "` sends for `input`: the idempotency token filled in if unset, the input checked when `validate` is true, then serialized.")]
        #[allow(unused_mut)]
        pub fn $prepare(mut input: types::$input, validate: bool) -> ::std::result::Result<$crate::request::PreparedRequest, errors::$error> {
            $(if input.$token.is_none() {
                input.$token = ::std::option::Option::Some($crate::idempotency::token());
            })?
            if validate {
                input.validate().map_err($crate::error::Failure::Validation)?;
            }
            ::std::result::Result::Ok($crate::protocols::aws_json::request(&super::client::SERVICE, $op, &input)?)
        }

        #[doc = concat!(" What a response to `", $op, "` means: its output, or the operation's error (modeled, unmodeled, or the body failing to parse).")]
        pub fn $parse(response: &$crate::request::RawResponse) -> ::std::result::Result<types::$output, errors::$error> {
            $crate::error::output(response, errors::$error::from_response, $crate::protocols::json::parse_body)
        }
    };
}
#[allow(unused_imports)]
#[doc(hidden)]
pub use __aws_json_operation as operation;
