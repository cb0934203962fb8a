//! JSON bodies and error responses, shared by awsJson1_0, awsJson1_1 and
//! restJson1.

use serde::de::DeserializeOwned;

use crate::error::{ErrorHeaders, ErrorMeta, Failure, Modeled, ParseError};
use crate::protocols::Protocol;
use crate::request::RawResponse;

/// Read an operation's input (or any structure a user writes) from JSON: a
/// member the type does not have is an error that names it and lists those
/// it has, and a value of the wrong type is an error that names the member's
/// path (`tags`, `resourceConfig.openSearchResourceConfig.retentionDays`) and
/// the type expected. Responses are read leniently elsewhere.
pub fn input_from_str<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let _strict = crate::protocols::structs::Strict::enter();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(InputError::from)?;
    de.end().map_err(|e| InputError { path: String::new(), message: e.to_string() })?;
    Ok(value)
}

/// [`input_from_str`] from an already parsed JSON value.
pub fn input_from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, InputError> {
    let _strict = crate::protocols::structs::Strict::enter();
    serde_path_to_error::deserialize(value).map_err(InputError::from)
}

/// Why JSON does not fit an input: where (a member path, empty for the whole
/// document) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl<E: std::fmt::Display> From<serde_path_to_error::Error<E>> for InputError {
    fn from(e: serde_path_to_error::Error<E>) -> Self {
        let path = e.path().to_string();
        InputError { path: if path == "." { String::new() } else { path }, message: e.inner().to_string() }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for InputError {}

/// A member's `@default` (the model's JSON), read with the member's own
/// deserializer: what a response that leaves the member out means.
pub fn default_value<T: DeserializeOwned>(json: &str) -> Option<T> {
    serde_json::from_str(json).ok()
}

/// Parse a response body (an empty body counts as `{}`) into `T`. Unknown
/// members are ignored; a body that is not a JSON object is an error.
pub fn parse_body<T: DeserializeOwned>(response: &RawResponse) -> Result<T, Failure> {
    let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &response.body };
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Failure::Parse(Box::new(ParseError::new(response, "the body is not a JSON object"))));
    }
    serde_json::from_slice(body).map_err(|e| Failure::Parse(Box::new(ParseError::new(response, format!("invalid body: {e}")))))
}

/// Parse a whole response body that is any JSON value (a document payload).
pub fn parse_value<T: DeserializeOwned>(response: &RawResponse) -> Result<T, Failure> {
    serde_json::from_slice(&response.body).map_err(|e| Failure::Parse(Box::new(ParseError::new(response, format!("invalid body: {e}")))))
}

/// Remove a `namespace#` prefix and a `:suffix` from an error code, as the
/// AWS JSON protocols require.
pub fn sanitize_code(raw: &str) -> &str {
    let code = raw.split(':').next().unwrap_or(raw);
    let code = code.rsplit('#').next().unwrap_or(code);
    code.trim()
}

fn string_field<'a>(body: Option<&'a serde_json::Value>, key: &str) -> Option<&'a str> {
    body?.get(key)?.as_str()
}

fn code_from(protocol: Protocol, response: &RawResponse, body: Option<&serde_json::Value>) -> Option<String> {
    let header = response.header("x-amzn-errortype");
    let raw = match protocol {
        // awsJson: the body's `__type`, else the header.
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
            string_field(body, "__type").or(header).or_else(|| string_field(body, "code"))
        }
        // restJson1: the header, then `code`, then `__type`.
        Protocol::RestJson1 => header.or_else(|| string_field(body, "code")).or_else(|| string_field(body, "__type")),
        // Not JSON protocols: their codes are read from XML or CBOR.
        Protocol::AwsQuery | Protocol::Ec2Query | Protocol::RestXml | Protocol::RpcV2Cbor => None,
    }?;
    let code = sanitize_code(raw);
    (!code.is_empty()).then(|| code.to_string())
}

/// The error code of an error response, if it has one.
pub fn error_code(protocol: Protocol, response: &RawResponse) -> Option<String> {
    code_from(protocol, response, response.json_object())
}

/// Everything an error response says about the error. Without a code (an
/// HTML error page, say) the code is `Unknown` and the message is the start
/// of the body.
pub fn error_meta(protocol: Protocol, response: &RawResponse) -> ErrorMeta {
    let body = response.json_object();
    let code = code_from(protocol, response, body);
    let message = ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|k| string_field(body, k))
        .map(str::to_string)
        .or_else(|| code.is_none().then(|| ParseError::new(response, "").body_excerpt).filter(|s| !s.is_empty()));
    ErrorMeta {
        status: response.status,
        code: code.unwrap_or_else(|| "Unknown".to_string()),
        message,
        request_id: response.request_id().map(str::to_string),
        attempts: response.attempts,
    }
}

/// The error code an `@awsQueryCompatible` service (SQS) gives in its
/// `x-amzn-query-error: <Code>;<Fault>` header, which AWS SDKs report instead
/// of the JSON error type (after the modeled error is chosen by that type).
pub fn with_query_error_code(mut meta: ErrorMeta, response: &RawResponse) -> ErrorMeta {
    if let Some(code) = response.header("x-amzn-query-error").and_then(|h| h.split(';').next()).map(str::trim) {
        if !code.is_empty() {
            meta.code = code.to_string();
        }
    }
    meta
}

/// Parse a modeled error's members from the body (from the JSON the code
/// and message were read from, not from the bytes again).
pub fn parse_error<T: DeserializeOwned + ErrorHeaders>(response: &RawResponse, meta: ErrorMeta) -> Result<Modeled<T>, Failure> {
    let mut error: T = match response.json_object() {
        Some(body) => T::deserialize(body)
            .map_err(|e| Failure::Parse(Box::new(ParseError::new(response, format!("invalid body: {e}")))))?,
        // Not a JSON object: the same error a successful response's body gets.
        None => parse_body(response)?,
    };
    error.read_headers(response);
    Ok(Modeled { error, meta })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sanitized() {
        assert_eq!(sanitize_code("aws.protocoltests#FooError:http://internal.amazon.com/x"), "FooError");
        assert_eq!(sanitize_code("FooError"), "FooError");
        assert_eq!(sanitize_code("com.amazon#FooError"), "FooError");
    }

    #[test]
    fn rest_json_prefers_the_header() {
        let r = RawResponse::new(
            400,
            vec![("x-amzn-errortype".into(), "HeaderError:meta".into())],
            br#"{"code":"CodeError","__type":"TypeError","Message":"m"}"#.to_vec(),
        );
        let m = error_meta(Protocol::RestJson1, &r);
        assert_eq!((m.code.as_str(), m.message.as_deref()), ("HeaderError", Some("m")));
        assert_eq!(error_meta(Protocol::AwsJson1_1, &r).code, "TypeError");
    }

    #[test]
    fn html_error_pages_keep_their_status_and_text() {
        let r = RawResponse::new(500, vec![], b"<html><body>Internal Server Error</body></html>".to_vec());
        let m = error_meta(Protocol::AwsJson1_1, &r);
        assert_eq!(m.code, "Unknown");
        assert_eq!(m.status, 500);
        assert!(m.message.unwrap().contains("Internal Server Error"));
    }

    #[test]
    fn non_objects_are_parse_errors() {
        for body in [&b"[]"[..], b"null", b"<html>", b"{\"a\":", b"\"x\""] {
            let r = RawResponse::new(200, vec![], body.to_vec());
            assert!(matches!(parse_body::<serde_json::Value>(&r), Err(Failure::Parse(_))), "{body:?}");
        }
    }
}
