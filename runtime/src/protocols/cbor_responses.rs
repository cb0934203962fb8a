//! rpcv2Cbor responses: a successful (`200`) response's CBOR map read into
//! the output, an error named by its `__type` member. A response without
//! `smithy-protocol: rpc-v2-cbor` is malformed: its error is judged by its
//! status alone, nothing of its body or headers is read. Any other 2xx
//! status is not success in this protocol: such a response is an error.

use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::error::{ErrorHeaders, ErrorMeta, Failure, Modeled, ParseError};
use crate::protocols::cbor;
use crate::request::RawResponse;

/// The `smithy-protocol` header every request and response carries.
pub const PROTOCOL_HEADER: &str = "smithy-protocol";
/// Its value for this protocol.
pub const PROTOCOL: &str = "rpc-v2-cbor";
/// The media type of bodies.
pub const CONTENT_TYPE: &str = "application/cbor";

/// Whether the response says it speaks this protocol. One that does not is
/// malformed: its error is judged by its status alone.
fn speaks_protocol(response: &RawResponse) -> bool {
    response.header(PROTOCOL_HEADER).is_some_and(|v| v.trim().eq_ignore_ascii_case(PROTOCOL))
}

/// A failure to read the response, showing the start of its (binary) body
/// as hex.
fn parse_failure(response: &RawResponse, message: impl Into<String>) -> Failure {
    let mut error = ParseError::new(response, message);
    error.body_excerpt = cbor::hex_excerpt(&response.body);
    Failure::Parse(Box::new(error))
}

/// Whether `body` is one CBOR map (after any tags).
fn is_map(body: &[u8]) -> bool {
    matches!(cbor::first_type(body), Some(minicbor::data::Type::Map | minicbor::data::Type::MapIndef))
}

/// Read a successful response's body (an empty body counts as an empty map)
/// into `T`. Unknown members are skipped; a body that is not one CBOR map,
/// or a response without `smithy-protocol: rpc-v2-cbor`, is an error. A
/// status other than `200` (a `201` or `204` that the caller took for
/// success) is read as the error response it is in this protocol.
pub fn parse_body<T: DeserializeOwned>(response: &RawResponse) -> Result<T, Failure> {
    if response.status != 200 {
        return Err(Failure::Unmodeled(Box::new(error_meta(response))));
    }
    read_body(response)
}

/// A response's body as `T`, whatever its status (see [`parse_body`]).
fn read_body<T: DeserializeOwned>(response: &RawResponse) -> Result<T, Failure> {
    if !speaks_protocol(response) {
        return Err(parse_failure(response, format!("the response has no `{PROTOCOL_HEADER}: {PROTOCOL}` header")));
    }
    let body: &[u8] = if response.body.is_empty() { &[0xa0] } else { &response.body };
    if !is_map(body) {
        return Err(parse_failure(response, "the body is not a CBOR map"));
    }
    cbor::from_slice(body).map_err(|e| parse_failure(response, format!("invalid body: {e}")))
}

/// The `__type` and message of an error body; other members are skipped.
#[derive(Default)]
struct ErrorFields {
    type_: Option<String>,
    message: Option<String>,
}

/// A string, or nothing for a value of any other type (skipped whole).
struct LooseString(Option<String>);

impl<'de> Deserialize<'de> for LooseString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LooseString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<LooseString, E> {
                Ok(LooseString(Some(v.to_string())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_i128<E>(self, _: i128) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_u128<E>(self, _: u128) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_bytes<E>(self, _: &[u8]) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_unit<E>(self) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_none<E>(self) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LooseString, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LooseString(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LooseString, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LooseString(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for ErrorFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ErrorFields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an error map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ErrorFields, A::Error> {
                let mut out = ErrorFields::default();
                while let Some(key) = map.next_key::<crate::protocols::structs::Key<'de>>()? {
                    match key.0.as_ref() {
                        "__type" => out.type_ = map.next_value::<LooseString>()?.0,
                        "message" | "Message" if out.message.is_none() => out.message = map.next_value::<LooseString>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// The `__type` and message of an error response that speaks the protocol
/// and has a CBOR map body; nothing for any other.
fn error_fields(response: &RawResponse) -> ErrorFields {
    if !speaks_protocol(response) || !is_map(&response.body) {
        return ErrorFields::default();
    }
    cbor::from_slice(&response.body).unwrap_or_default()
}

/// The error code `__type` gives (`ns#Name` or `Name`, with any `:suffix`
/// removed), if the response has one.
pub fn error_code(response: &RawResponse) -> Option<String> {
    code_of(&error_fields(response))
}

fn code_of(fields: &ErrorFields) -> Option<String> {
    let code = crate::protocols::json::sanitize_code(fields.type_.as_deref()?);
    (!code.is_empty()).then(|| code.to_string())
}

/// Everything an error response says about the error. A response without
/// the protocol's header or a readable `__type` has the code `Unknown`, so
/// only its status tells what happened.
pub fn error_meta(response: &RawResponse) -> ErrorMeta {
    let fields = error_fields(response);
    let code = code_of(&fields);
    // Without a code, the start of a body that is text (a proxy's HTML
    // page) says what happened; binary CBOR would only garble a terminal.
    let is_text = std::str::from_utf8(&response.body).is_ok_and(|t| !t.chars().any(|c| c.is_control() && !c.is_whitespace()));
    let message = fields
        .message
        .or_else(|| (code.is_none() && is_text).then(|| ParseError::new(response, "").body_excerpt).filter(|s| !s.is_empty()));
    ErrorMeta {
        status: response.status,
        code: code.unwrap_or_else(|| "Unknown".to_string()),
        message,
        request_id: response.request_id().map(str::to_string),
        attempts: response.attempts,
    }
}

/// A modeled error's members, read from the body (`__type` and unknown
/// members skipped).
pub fn parse_error<T: DeserializeOwned + ErrorHeaders>(response: &RawResponse, meta: ErrorMeta) -> Result<Modeled<T>, Failure> {
    let mut error: T = read_body(response)?;
    error.read_headers(response);
    Ok(Modeled { error, meta })
}

/// For an `@awsQueryCompatible` service: the code of its
/// `x-amzn-query-error` header in place of `__type`'s, as the JSON protocols
/// do. A malformed response (without `smithy-protocol: rpc-v2-cbor`) keeps
/// `meta`: none of its headers is interpreted.
pub fn with_query_error_code(meta: ErrorMeta, response: &RawResponse) -> ErrorMeta {
    if speaks_protocol(response) {
        crate::protocols::json::with_query_error_code(meta, response)
    } else {
        meta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: Vec<u8>) -> RawResponse {
        RawResponse::new(status, vec![("Smithy-Protocol".into(), "rpc-v2-cbor".into())], body)
    }

    #[test]
    fn errors_are_named_by_type() {
        // {"__type": "smithy.protocoltests.rpcv2Cbor#InvalidGreeting", "Message": "Hi"}
        let mut body = vec![0xa2];
        body.extend(cbor::to_vec("__type").unwrap());
        body.extend(cbor::to_vec("smithy.protocoltests.rpcv2Cbor#InvalidGreeting:http://x").unwrap());
        body.extend(cbor::to_vec("Message").unwrap());
        body.extend(cbor::to_vec("Hi").unwrap());
        let m = error_meta(&response(400, body.clone()));
        assert_eq!((m.code.as_str(), m.message.as_deref()), ("InvalidGreeting", Some("Hi")));
        // Without the protocol header the body is not looked at.
        let r = RawResponse::new(400, vec![], body);
        assert_eq!(error_meta(&r).code, "Unknown");
        // Garbage bodies: Unknown, never a panic, and no binary in the message.
        for b in [vec![], vec![0xff], vec![0xa1, 0x66], vec![0x9f], vec![0xa1, 0x61, b'a', 0x01]] {
            let m = error_meta(&response(500, b));
            assert_eq!((m.code.as_str(), m.message), ("Unknown", None));
        }
        let html = RawResponse::new(502, vec![], b"<html>Bad Gateway</html>".to_vec());
        assert_eq!(error_meta(&html).message.as_deref(), Some("<html>Bad Gateway</html>"));
    }

    #[test]
    fn bodies_must_be_maps() {
        type M = std::collections::BTreeMap<String, u8>;
        assert_eq!(parse_body::<M>(&response(200, vec![])).unwrap(), M::new());
        for b in [vec![0x80], vec![0x01], vec![0xa1], vec![0xa0, 0x00]] {
            assert!(matches!(parse_body::<M>(&response(200, b.clone())), Err(Failure::Parse(_))), "{b:?}");
        }
        assert!(matches!(parse_body::<M>(&RawResponse::new(200, vec![], vec![0xa0])), Err(Failure::Parse(_))));
    }

    #[test]
    fn only_200_is_success() {
        type M = std::collections::BTreeMap<String, u8>;
        for status in [201, 204] {
            match parse_body::<M>(&response(status, vec![])) {
                Err(Failure::Unmodeled(meta)) => assert_eq!((meta.status, meta.code.as_str()), (status, "Unknown")),
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn failures_show_the_body_as_hex() {
        #[derive(Debug, serde::Deserialize)]
        struct Out {
            #[allow(dead_code)]
            n: Option<i32>,
        }
        // {"n": "x"}
        let Err(Failure::Parse(e)) = parse_body::<Out>(&response(200, vec![0xa1, 0x61, b'n', 0x61, b'x'])) else { panic!() };
        assert_eq!(e.body_excerpt, "a1 61 6e 61 78");
        assert!(e.message.contains("n: "), "{}", e.message);
    }

    #[test]
    fn query_error_codes_need_the_protocol_header() {
        let meta = || ErrorMeta { status: 400, code: "Greeting".into(), message: None, request_id: None, attempts: 1 };
        let header = ("x-amzn-query-error".to_string(), "AWS.SimpleQueueService.NonExistentQueue;Sender".to_string());
        let ok = RawResponse::new(400, vec![("smithy-protocol".into(), "rpc-v2-cbor".into()), header.clone()], vec![]);
        assert_eq!(with_query_error_code(meta(), &ok).code, "AWS.SimpleQueueService.NonExistentQueue");
        let malformed = RawResponse::new(400, vec![header], vec![]);
        assert_eq!(with_query_error_code(meta(), &malformed).code, "Greeting");
    }
}
