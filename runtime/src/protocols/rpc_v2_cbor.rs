//! `smithy.protocols#rpcv2Cbor` requests: `POST /service/<Service>/operation/<Operation>`
//! with `smithy-protocol: rpc-v2-cbor`, the input as a CBOR map (none for a
//! `Unit` input). Responses are read by `cbor_responses` (re-exported here,
//! for generated code), which the call pipeline also uses for error codes.
//! The protocol's constants live there too: `cbor_responses` needs them and
//! this module re-exports it, so defining them here would make the two
//! modules import each other (`tests/tests/module_graph.rs`).

use serde::Serialize;

use crate::error::{Failure, TransportError, TransportErrorKind};
use crate::invoke::ServiceSpec;
use crate::protocols::cbor;
pub use crate::protocols::cbor_responses::{error_code, error_meta, parse_body, parse_error, CONTENT_TYPE, PROTOCOL, PROTOCOL_HEADER};
use crate::request::PreparedRequest;

/// The request of `operation` with `input` as its body; `None` for an
/// operation whose input is `Unit`, which sends no body and no `Content-Type`.
/// The path names the service by its shape name (`service.target_prefix`).
pub fn request<T: Serialize>(service: &ServiceSpec, operation: &str, input: Option<&T>) -> Result<PreparedRequest, Failure> {
    let mut request = PreparedRequest::new("POST", format!("/service/{}/operation/{operation}", service.target_prefix));
    request.header(PROTOCOL_HEADER, PROTOCOL);
    request.header("accept", CONTENT_TYPE);
    if let Some(input) = input {
        let body = cbor::to_vec(input).map_err(|e| {
            Failure::Transport(TransportError::new(TransportErrorKind::InvalidRequest, format!("cannot serialize the input: {e}")))
        })?;
        request.header("content-type", CONTENT_TYPE);
        request.set_body(body);
    }
    Ok(request)
}

/// The request of an operation whose output is an event stream: as
/// [`request`], accepting `application/vnd.amazon.eventstream`.
pub fn event_stream_request<T: Serialize>(service: &ServiceSpec, operation: &str, input: Option<&T>) -> Result<PreparedRequest, Failure> {
    let mut request = request(service, operation, input)?;
    for (name, value) in request.headers.iter_mut() {
        if name == "accept" {
            *value = "application/vnd.amazon.eventstream".to_string();
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::Protocol;
    use std::sync::OnceLock;

    fn service() -> ServiceSpec {
        ServiceSpec {
            protocol: Protocol::RpcV2Cbor,
            signing_name: "svc",
            sdk_id: "Svc",
            endpoint_prefix: "svc",
            target_prefix: "RpcV2Protocol",
            default_headers: &[],
            endpoint_rules: None,
            parsed_rules: OnceLock::new(),
            signing: crate::signing::SigningOptions::default(),
        }
    }

    #[test]
    fn requests_post_to_the_service_and_operation() {
        let r = request(&service(), "SimpleScalarProperties", Some(&std::collections::BTreeMap::from([("a", 1)]))).unwrap();
        assert_eq!((r.method, r.path.as_str()), ("POST", "/service/RpcV2Protocol/operation/SimpleScalarProperties"));
        let h = |n: &str| r.headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!((h("smithy-protocol"), h("accept"), h("content-type")), (Some("rpc-v2-cbor"), Some("application/cbor"), Some("application/cbor")));
        assert_eq!(r.body.as_deref(), Some(&[0xa1, 0x61, b'a', 0x01][..]));
        let unit = request::<()>(&service(), "NoInputOutput", None).unwrap();
        assert!(unit.body.is_none());
        assert!(!unit.headers.iter().any(|(k, _)| k == "content-type"));
        assert!(!unit.headers.iter().any(|(k, _)| k == "x-amz-target"));
        let streaming = event_stream_request(&service(), "Subscribe", Some(&std::collections::BTreeMap::from([("a", 1)]))).unwrap();
        let accept: Vec<&str> = streaming.headers.iter().filter(|(k, _)| k == "accept").map(|(_, v)| v.as_str()).collect();
        assert_eq!(accept, ["application/vnd.amazon.eventstream"]);
    }
}
