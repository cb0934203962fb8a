//! What the generated protocol compliance tests call (the Smithy
//! specification's `smithy.test#httpRequestTests` and
//! `httpResponseTests`): a client configuration whose transport records the
//! request it is given, a small executor, and comparisons that list every
//! difference between the request sent and the one the case expects.
//!
//! Comparison rules, as the specification gives them: query parameters are
//! compared as a multiset of percent-decoded `name=value` pairs (each expected
//! one present; forbidden names absent; required names present); header
//! values are compared after trimming, repeated headers joined with `, `;
//! a body with a JSON media type is compared as parsed JSON (numbers by
//! value), an XML body as a tree, a form as its pairs, a CBOR body (given
//! in base64) as decoded CBOR values (map entries in any order, numbers by
//! value whatever their width, tags kept), any other body byte for byte; no
//! `body` means no assertion.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::config::{Config, Credentials};
use crate::request::RawResponse;
use crate::transport::{BoxFuture, SendError, Sleep, Transport};

/// The request a case expects (empty slices and `None` assert nothing).
#[derive(Debug, Default)]
pub struct ExpectedRequest<'a> {
    pub method: &'a str,
    /// The path, with any query string the case writes into it.
    pub uri: &'a str,
    pub query_params: &'a [&'a str],
    pub forbid_query_params: &'a [&'a str],
    pub require_query_params: &'a [&'a str],
    pub headers: &'a [(&'a str, &'a str)],
    pub forbid_headers: &'a [&'a str],
    pub require_headers: &'a [&'a str],
    pub body: Option<&'a str>,
    pub body_media_type: Option<&'a str>,
    /// XML elements whose order among their siblings means nothing (map
    /// entries): compared in any order.
    pub unordered: &'a [&'a str],
    /// The host the request must go to (`resolvedHost`).
    pub resolved_host: Option<&'a str>,
}

/// Records the one request a test sends and answers it with `200 {}`.
#[derive(Debug, Default)]
struct Recorder {
    sent: Mutex<Vec<http::Request<bytes::Bytes>>>,
}

impl Transport for Recorder {
    fn send(&self, request: http::Request<bytes::Bytes>, _max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(request);
        }
        let answer = RawResponse::new(200, vec![("content-type".into(), "application/json".into())], b"{}".to_vec());
        Box::pin(std::future::ready(Ok(answer)))
    }
}

/// A sleep that never ends: a protocol test never retries.
#[derive(Debug)]
struct Never;

impl Sleep for Never {
    fn sleep(&self, _duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::pending())
    }
}

/// Parse a test's input or expected output from its JSON form.
pub fn value<T: serde::de::DeserializeOwned>(json: &str) -> T {
    match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => panic!("the test case's params do not parse as the shape: {e}\n{json}"),
    }
}

/// Run `call` with a client configuration for `host` (`https://<host>`, or
/// `https://example.com`) whose transport records the request, and return
/// the request it sent. The call's own result is not examined (the canned
/// answer may not be a valid output).
pub fn send<F, Fut, T>(host: Option<&str>, call: F) -> http::Request<bytes::Bytes>
where
    F: FnOnce(Config) -> Fut,
    Fut: Future<Output = T>,
{
    let recorder = Arc::new(Recorder::default());
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(format!("https://{}", host.unwrap_or("example.com")))
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .transport(recorder.clone())
        .sleep(Arc::new(Never))
        // The token the suites expect where an `@idempotencyToken` is unset.
        .idempotency_token_provider(Arc::new(|| "00000000-0000-4000-8000-000000000000".to_string()))
        .build();
    let config = match config {
        Ok(c) => c,
        Err(e) => panic!("the test configuration is invalid: {e}"),
    };
    let _ = block_on(call(config));
    let mut sent = recorder.sent.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
    match sent.len() {
        1 => sent.remove(0),
        0 => panic!("the client sent no request"),
        n => panic!("the client sent {n} requests, not one"),
    }
}

/// `Err` with the list of differences between `actual` and `expected`.
pub fn check_request(actual: &http::Request<bytes::Bytes>, expected: &ExpectedRequest<'_>) -> Result<(), String> {
    let mut problems = Vec::new();
    if actual.method().as_str() != expected.method {
        problems.push(format!("method: sent {}, expected {}", actual.method(), expected.method));
    }
    let (want_path, want_query) = expected.uri.split_once('?').unwrap_or((expected.uri, ""));
    let path = actual.uri().path();
    if path != want_path {
        problems.push(format!("path: sent {path:?}, expected {want_path:?}"));
    }
    let sent_query: Vec<(String, Option<String>)> = actual.uri().query().map(parse_query).unwrap_or_default();
    let mut remaining = sent_query.clone();
    let wanted = parse_query(want_query).into_iter().chain(expected.query_params.iter().flat_map(|q| parse_query(q)));
    for want in wanted {
        match remaining.iter().position(|p| *p == want) {
            Some(i) => {
                remaining.remove(i);
            }
            None => problems.push(format!("query: missing {}; sent {:?}", show_pair(&want), actual.uri().query().unwrap_or(""))),
        }
    }
    for name in expected.forbid_query_params {
        if sent_query.iter().any(|(k, _)| k == name) {
            problems.push(format!("query: sent the forbidden parameter {name:?}"));
        }
    }
    for name in expected.require_query_params {
        if !sent_query.iter().any(|(k, _)| k == name) {
            problems.push(format!("query: missing the required parameter {name:?}"));
        }
    }
    let headers = actual.headers();
    let joined = |name: &str| -> Option<String> {
        let values: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::trim).collect();
        (!values.is_empty()).then(|| values.join(", "))
    };
    for (name, want) in expected.headers {
        match joined(name) {
            Some(v) if v == want.trim() => {}
            Some(v) => problems.push(format!("header {name}: sent {v:?}, expected {want:?}")),
            None => problems.push(format!("header {name}: missing, expected {want:?}")),
        }
    }
    for name in expected.forbid_headers {
        if let Some(v) = joined(name) {
            problems.push(format!("header {name}: forbidden, but sent {v:?}"));
        }
    }
    for name in expected.require_headers {
        if joined(name).is_none() {
            problems.push(format!("header {name}: required, but missing"));
        }
    }
    if let Some(want) = expected.resolved_host {
        let host = actual.uri().host().unwrap_or("");
        if host != want {
            problems.push(format!("host: sent to {host:?}, expected {want:?}"));
        }
    }
    if let Some(want) = expected.body {
        if let Err(e) = compare_body(actual.body(), want, expected.body_media_type, expected.unordered) {
            problems.push(e);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Panic with every difference between `actual` and `expected`.
pub fn assert_request(actual: &http::Request<bytes::Bytes>, expected: &ExpectedRequest<'_>) {
    if let Err(e) = check_request(actual, expected) {
        panic!("the request differs from the test case:\n{e}\n(sent: {} {})", actual.method(), actual.uri());
    }
}

/// A canned response.
pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> RawResponse {
    RawResponse::new(status, headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), body.as_bytes().to_vec())
}

/// A canned response whose body the case gives in `media_type`: binary
/// media (`application/cbor`) are written in base64 and decoded here; an
/// invalid base64 body panics, naming the case's fault.
pub fn response_in(status: u16, headers: &[(&str, &str)], body: &str, media_type: Option<&str>) -> RawResponse {
    if media_type.is_some_and(|m| m.contains("cbor")) {
        let bytes = crate::types::blob::decode(body.trim()).unwrap_or_else(|e| panic!("the case's CBOR body is not base64: {e}"));
        return RawResponse::new(status, headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), bytes);
    }
    response(status, headers, body)
}

/// Panic unless `actual` and `expected` have the same JSON form (numbers by
/// value; NaN equal to NaN, as both serialise it as `"NaN"`).
pub fn assert_same<T: serde::Serialize>(actual: &T, expected: &T) {
    let a = serde_json::to_value(actual).unwrap_or_else(|e| Value::String(format!("<does not serialise: {e}>")));
    let b = serde_json::to_value(expected).unwrap_or_else(|e| Value::String(format!("<does not serialise: {e}>")));
    if !json_equal(&a, &b) {
        panic!("the parsed value differs from the test case's params:\n parsed: {a}\nexpected: {b}");
    }
}

/// Whether two bodies say the same for `media_type`: JSON as values, XML as
/// trees (structure members in any order, map `entry` elements unordered),
/// forms as their pairs, anything else byte for byte.
pub fn body_equivalent(sent: &[u8], want: &str, media_type: Option<&str>) -> Result<(), String> {
    compare_body(sent, want, media_type, &["entry"])
}

fn compare_body(sent: &[u8], want: &str, media_type: Option<&str>, unordered: &[&str]) -> Result<(), String> {
    if want.trim().is_empty() && sent.is_empty() {
        return Ok(());
    }
    let is_json = media_type.is_some_and(|m| m.contains("json"));
    if is_json {
        let want_json: Value = serde_json::from_str(want).map_err(|e| format!("body: the case's JSON body does not parse: {e}"))?;
        let sent_json: Value = if sent.is_empty() {
            return Err(format!("body: sent nothing, expected JSON {want}"));
        } else {
            serde_json::from_slice(sent).map_err(|e| format!("body: sent {:?}, which is not JSON ({e})", String::from_utf8_lossy(sent)))?
        };
        if json_equal(&sent_json, &want_json) {
            Ok(())
        } else {
            Err(format!("body: sent {sent_json}, expected {want_json}"))
        }
    } else if media_type.is_some_and(|m| m.contains("cbor")) {
        cbor_equal(sent, want)
    } else if media_type.is_some_and(|m| m.contains("xml")) {
        xml_equal(sent, want, unordered)
    } else if media_type.is_some_and(|m| m.contains("x-www-form-urlencoded")) {
        // Form bodies compare as their decoded pairs, in any order.
        let sent_text = String::from_utf8_lossy(sent);
        let (mut a, mut b) = (parse_query(&sent_text), parse_query(want.trim()));
        a.sort();
        b.sort();
        if a == b {
            Ok(())
        } else {
            Err(format!("body: sent {sent_text:?}, expected {want:?}"))
        }
    } else if sent == want.as_bytes() {
        Ok(())
    } else {
        Err(format!("body: sent {:?}, expected {want:?}", String::from_utf8_lossy(sent)))
    }
}

/// A CBOR body against the case's base64: equal as decoded values.
#[cfg(feature = "cbor")]
fn cbor_equal(sent: &[u8], want: &str) -> Result<(), String> {
    let want_bytes = crate::types::blob::decode(want.trim()).map_err(|e| format!("body: the case's CBOR body is not base64: {e}"))?;
    let want_value = cbor_value::read(&want_bytes).map_err(|e| format!("body: the case's CBOR body does not decode: {e}"))?;
    let sent_value = cbor_value::read(sent).map_err(|e| format!("body: sent {sent:02x?}, which is not CBOR ({e})"))?;
    if sent_value == want_value {
        Ok(())
    } else {
        Err(format!("body: sent {sent_value:?}, expected {want_value:?}"))
    }
}

#[cfg(not(feature = "cbor"))]
fn cbor_equal(sent: &[u8], want: &str) -> Result<(), String> {
    let _ = (sent, want);
    Err("body: comparing CBOR bodies needs the runtime's `cbor` feature".into())
}

/// CBOR data items as compared by the tests (RFC 8949's data model, read
/// with minicbor's decoder, tags kept).
#[cfg(feature = "cbor")]
mod cbor_value {
    use minicbor::data::Type;
    use minicbor::decode::Decoder;

    #[derive(Debug, Clone)]
    pub enum CborValue {
        Int(i128),
        Float(f64),
        Bytes(Vec<u8>),
        Text(String),
        Array(Vec<CborValue>),
        Map(Vec<(CborValue, CborValue)>),
        Tag(u64, Box<CborValue>),
        Bool(bool),
        Null,
    }

    /// Numbers by value (an integer equals the float of the same value; NaN
    /// equals NaN), maps as sets of entries, `undefined` as `null`.
    impl PartialEq for CborValue {
        fn eq(&self, other: &Self) -> bool {
            use CborValue::*;
            match (self, other) {
                (Int(a), Int(b)) => a == b,
                (Float(a), Float(b)) => a == b || (a.is_nan() && b.is_nan()),
                (Int(i), Float(f)) | (Float(f), Int(i)) => (*i as f64) == *f,
                (Bytes(a), Bytes(b)) => a == b,
                (Text(a), Text(b)) => a == b,
                (Array(a), Array(b)) => a == b,
                (Map(a), Map(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2)),
                (Tag(t, a), Tag(u, b)) => t == u && a == b,
                (Bool(a), Bool(b)) => a == b,
                (Null, Null) => true,
                _ => false,
            }
        }
    }

    pub fn read(bytes: &[u8]) -> Result<CborValue, String> {
        let mut d = Decoder::new(bytes);
        let v = item(&mut d, 0)?;
        if d.position() != bytes.len() {
            return Err(format!("{} bytes after the data item", bytes.len() - d.position()));
        }
        Ok(v)
    }

    fn item(d: &mut Decoder<'_>, depth: usize) -> Result<CborValue, String> {
        if depth > 64 {
            return Err("nested too deeply".into());
        }
        let e = |e: minicbor::decode::Error| e.to_string();
        Ok(match d.datatype().map_err(e)? {
            Type::Bool => CborValue::Bool(d.bool().map_err(e)?),
            Type::Null => {
                d.null().map_err(e)?;
                CborValue::Null
            }
            Type::Undefined => {
                d.undefined().map_err(e)?;
                CborValue::Null
            }
            Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
                CborValue::Int(d.int().map_err(e)?.into())
            }
            Type::F16 => {
                let p = d.position();
                let Some(&[hi, lo]) = d.input().get(p + 1..p + 3) else { return Err("a truncated half float".into()) };
                d.set_position(p + 3);
                // Through the runtime's decoder, which widens half floats.
                CborValue::Float(crate::protocols::cbor::from_slice::<f64>(&[0xf9, hi, lo]).map_err(|e| e.to_string())?)
            }
            Type::F32 | Type::F64 => CborValue::Float(d.f64().map_err(e)?),
            Type::Bytes | Type::BytesIndef => {
                let mut v = Vec::new();
                for chunk in d.bytes_iter().map_err(e)? {
                    v.extend_from_slice(chunk.map_err(e)?);
                }
                CborValue::Bytes(v)
            }
            Type::String | Type::StringIndef => {
                let mut s = String::new();
                for chunk in d.str_iter().map_err(e)? {
                    s.push_str(chunk.map_err(e)?);
                }
                CborValue::Text(s)
            }
            Type::Array | Type::ArrayIndef => {
                let len = d.array().map_err(e)?;
                let mut items = Vec::new();
                loop {
                    if len.is_some_and(|n| items.len() as u64 >= n) {
                        break;
                    }
                    if len.is_none() && d.datatype().map_err(e)? == Type::Break {
                        d.set_position(d.position() + 1);
                        break;
                    }
                    items.push(item(d, depth + 1)?);
                }
                CborValue::Array(items)
            }
            Type::Map | Type::MapIndef => {
                let len = d.map().map_err(e)?;
                let mut entries = Vec::new();
                loop {
                    if len.is_some_and(|n| entries.len() as u64 >= n) {
                        break;
                    }
                    if len.is_none() && d.datatype().map_err(e)? == Type::Break {
                        d.set_position(d.position() + 1);
                        break;
                    }
                    let k = item(d, depth + 1)?;
                    entries.push((k, item(d, depth + 1)?));
                }
                CborValue::Map(entries)
            }
            Type::Tag => {
                let t = d.tag().map_err(e)?.as_u64();
                CborValue::Tag(t, Box::new(item(d, depth + 1)?))
            }
            other => return Err(format!("unexpected {other}")),
        })
    }
}

/// An XML element as compared: name, attributes in order of name, text
/// (trimmed; whitespace between elements is not content) and children.
#[cfg(feature = "xml")]
#[derive(Debug, PartialEq)]
struct XmlNode {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<XmlNode>,
}

#[cfg(feature = "xml")]
fn xml_tree(doc: &[u8]) -> Result<XmlNode, String> {
    use quick_xml::events::{BytesStart, Event};
    let text = std::str::from_utf8(doc).map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    let node = |s: &BytesStart<'_>| -> Result<XmlNode, String> {
        let mut attrs = Vec::new();
        for a in s.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
            attrs.push((a.key.into_inner().to_string(), v.into_owned()));
        }
        attrs.sort();
        Ok(XmlNode { name: s.name().into_inner().to_string(), attrs, text: String::new(), children: Vec::new() })
    };
    let mut stack: Vec<XmlNode> = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(s) => stack.push(node(&s)?),
            Event::Empty(s) => {
                let n = node(&s)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(n),
                    None => return Ok(n),
                }
            }
            Event::End(_) => {
                let mut n = stack.pop().ok_or("unbalanced end tag")?;
                n.text = n.text.trim().to_string();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(n),
                    None => return Ok(n),
                }
            }
            Event::Text(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push(crate::protocols::xml::resolve_reference(&r)?);
                }
            }
            Event::Eof => return Err("no root element".into()),
            _ => {}
        }
    }
}

/// `node` in a form where what XML documents of the protocols leave
/// unordered compares equal, at every level: children sorted by name (the
/// members of a structure come in any order), keeping the order of children
/// of the same name (a list's elements), except those named in `unordered`
/// (map entries), sorted by content too.
#[cfg(feature = "xml")]
fn canonical(mut node: XmlNode, unordered: &[&str]) -> XmlNode {
    node.children = node.children.into_iter().map(|c| canonical(c, unordered)).collect();
    node.children.sort_by(|a, b| a.name.cmp(&b.name));
    node.children.sort_by(|a, b| {
        if a.name == b.name && unordered.contains(&a.name.as_str()) {
            format!("{a:?}").cmp(&format!("{b:?}"))
        } else {
            a.name.cmp(&b.name)
        }
    });
    node
}

#[cfg(feature = "xml")]
fn xml_equal(sent: &[u8], want: &str, unordered: &[&str]) -> Result<(), String> {
    let sent_text = String::from_utf8_lossy(sent);
    let w = canonical(xml_tree(want.as_bytes()).map_err(|e| format!("body: the case's XML body does not parse: {e}"))?, unordered);
    match xml_tree(sent).map(|s| canonical(s, unordered)) {
        Ok(s) if s == w => Ok(()),
        Ok(_) => Err(format!("body: sent {sent_text:?}, expected {want:?}")),
        Err(e) => Err(format!("body: sent {sent_text:?}, which is not XML ({e}), expected {want:?}")),
    }
}

#[cfg(not(feature = "xml"))]
fn xml_equal(sent: &[u8], want: &str, _unordered: &[&str]) -> Result<(), String> {
    if sent == want.as_bytes() {
        Ok(())
    } else {
        Err(format!("body: sent {:?}, expected {want:?}", String::from_utf8_lossy(sent)))
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
            (Some(x), Some(y), ..) => x == y,
            (.., Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// `a=1&b&c=%20` as decoded (name, value) pairs; a name without `=` has no value.
fn parse_query(q: &str) -> Vec<(String, Option<String>)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), Some(percent_decode(v))),
            None => (percent_decode(p), None),
        })
        .collect()
}

fn show_pair((k, v): &(String, Option<String>)) -> String {
    match v {
        Some(v) => format!("{k}={v}"),
        None => k.clone(),
    }
}

pub use crate::request::percent_decode;

pub use crate::transport::block_on::block_on;

/// What an event-stream call gets for a compliance case: an error response
/// (status 300 and up) read whole, or a stream whose body is the messages
/// (base64), each arriving as its own chunk.
#[cfg(feature = "event-stream")]
pub fn event_stream_response(status: u16, headers: &[(&str, &str)], body: &str, messages: &[&str]) -> crate::invoke::Streamed {
    let headers: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect();
    if status >= 300 {
        return crate::invoke::Streamed::Error(RawResponse::new(status, headers, body.as_bytes().to_vec()));
    }
    let chunks = messages.iter().map(|m| bytes::Bytes::from(crate::types::blob::decode(m).expect("the case's message is base64"))).collect();
    crate::invoke::Streamed::Stream(crate::transport::StreamingResponse { status, headers, body: crate::transport::BodyStream::chunks(chunks) })
}

/// Compare a message with the case's (base64): the same headers in any
/// order, and the same payload (as JSON when its content type says so).
#[cfg(feature = "event-stream")]
pub fn assert_same_message(message: &crate::streams::event_stream::Message, expected_base64: &str) {
    use crate::streams::event_stream::{decode, header_str};
    let bytes = crate::types::blob::decode(expected_base64).expect("the case's message is base64");
    let expected = decode(&bytes).expect("the case's message decodes");
    let sorted = |m: &crate::streams::event_stream::Message| {
        let mut h: Vec<String> = m.headers().iter().map(|h| format!("{}={:?}", h.name().as_str(), h.value())).collect();
        h.sort();
        h
    };
    assert_eq!(sorted(message), sorted(&expected), "headers");
    let json = header_str(&expected, ":content-type").is_some_and(|c| c.contains("json"));
    let cbor = header_str(&expected, ":content-type").is_some_and(|c| c.contains("cbor"));
    if cbor {
        let want = crate::types::blob::encode(expected.payload());
        if let Err(e) = cbor_equal(message.payload(), &want) {
            panic!("payload: {e}");
        }
    } else if json {
        let a: Value = serde_json::from_slice(message.payload()).expect("the payload sent is JSON");
        let b: Value = serde_json::from_slice(expected.payload()).expect("the case's payload is JSON");
        assert!(json_equal(&a, &b), "payload: sent {a}, expected {b}");
    } else {
        assert_eq!(message.payload(), expected.payload(), "payload");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> http::Request<bytes::Bytes> {
        let mut b = http::Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(bytes::Bytes::copy_from_slice(body.as_bytes())).expect("a request")
    }

    #[test]
    fn lists_every_difference() {
        let sent = request("POST", "https://example.com/a?x=1&y=%20z&flag", &[("X-A", "1"), ("X-A", "2")], r#"{"n": 1.0}"#);
        let ok = ExpectedRequest {
            method: "POST",
            uri: "/a",
            query_params: &["y=%20z", "x=1", "flag"],
            headers: &[("x-a", "1, 2")],
            body: Some(r#"{"n":1}"#),
            body_media_type: Some("application/json"),
            unordered: &[],
            resolved_host: Some("example.com"),
            ..Default::default()
        };
        assert_eq!(check_request(&sent, &ok), Ok(()));
        let bad = ExpectedRequest {
            method: "PUT",
            uri: "/b",
            query_params: &["x=2"],
            forbid_query_params: &["flag"],
            require_headers: &["X-B"],
            forbid_headers: &["X-A"],
            body: Some(r#"{"n":2}"#),
            body_media_type: Some("application/json"),
            unordered: &[],
            ..Default::default()
        };
        let e = check_request(&sent, &bad).expect_err("differs");
        for part in ["method", "path", "missing x=2", "forbidden parameter", "X-B", "forbidden, but sent", "body"] {
            assert!(e.contains(part), "{part}: {e}");
        }
    }

    #[test]
    fn bodies_without_a_json_media_type_compare_bytes() {
        assert!(compare_body(b"abc", "abc", None, &[]).is_ok());
        assert!(compare_body(b"{\"a\":1}", "{\"a\": 1}", None, &[]).is_err());
        assert!(compare_body(b"", "{}", Some("application/json"), &[]).is_err());
    }

    #[cfg(feature = "xml")]
    #[test]
    fn xml_bodies_compare_as_trees() {
        let xml = Some("application/xml");
        let want = "<R a=\"1\">\n  <b>x</b>\n  <l><m>1</m><m>2</m></l>\n  <map><entry><k>a</k></entry><entry><k>b</k></entry></map>\n</R>";
        // Members in another order, attributes quoted differently, entries swapped: equal.
        let same = b"<R a='1'><map><entry><k>b</k></entry><entry><k>a</k></entry></map><l><m>1</m><m>2</m></l><b>x</b></R>";
        assert!(compare_body(same, want, xml, &["entry"]).is_ok());
        // A list's order matters, and so do values and attributes.
        for bad in [
            &b"<R a='1'><b>x</b><l><m>2</m><m>1</m></l><map><entry><k>a</k></entry><entry><k>b</k></entry></map></R>"[..],
            b"<R a='2'><b>x</b><l><m>1</m><m>2</m></l><map><entry><k>a</k></entry><entry><k>b</k></entry></map></R>",
            b"<R a='1'><b>y</b><l><m>1</m><m>2</m></l><map><entry><k>a</k></entry><entry><k>b</k></entry></map></R>",
            b"<R a='1'><b>x</b>",
        ] {
            assert!(compare_body(bad, want, xml, &["entry"]).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
