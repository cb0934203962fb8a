//! awsJson1_0 and awsJson1_1 requests: `POST /`, the input as a JSON object
//! with the model's member names, `X-Amz-Target: <prefix>.<Operation>`.

use serde::Serialize;

use super::error::{Failure, TransportError, TransportErrorKind};
use super::invoke::{Protocol, ServiceSpec};
use super::request::PreparedRequest;

pub fn request<T: Serialize>(service: &ServiceSpec, operation: &str, input: &T) -> Result<PreparedRequest, Failure> {
    let content_type = match service.protocol {
        Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
        _ => "application/x-amz-json-1.1",
    };
    let mut request = PreparedRequest::new("POST", "/");
    request.header("content-type", content_type);
    request.header("x-amz-target", format!("{}.{operation}", service.target_prefix));
    request.body = Some(to_json(input)?);
    Ok(request)
}

/// Serialize a value to JSON bytes.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(value).map_err(|e| {
        Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, format!("cannot serialize the input: {e}")))
    })
}
