//! Event streams (`application/vnd.amazon.eventstream`, feature
//! `event-stream`): messages read from a response body as it arrives
//! ([`MessageReader`]) and written ([`encode`]). The framing (prelude with
//! lengths and CRC32, typed headers, payload, message CRC32) is
//! `aws-smithy-eventstream`'s, the decoder the AWS SDK for Rust runs; this
//! module adds what a client reading from a network needs: messages split
//! across any chunk boundaries, a bound on a message's declared length
//! checked (with the prelude's CRC) before any of it is waited for, and
//! typed errors that tell a corrupt message from a truncated one and from a
//! dropped connection. None of it panics on any input.

use std::fmt;

use aws_smithy_eventstream::frame::{read_message_from, write_message_to, DecodedFrame, MessageFrameDecoder};
pub use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::{Buf, BytesMut};

use crate::transport::{BodyStream, SendError};

/// The largest message accepted (its total length, as its prelude declares).
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;
/// The smallest possible message: prelude and message CRC.
const MIN_MESSAGE_BYTES: usize = 16;

/// Why a stream of messages ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventStreamError {
    /// A message is malformed (a CRC that does not match, a bad header,
    /// an impossible length): the stream cannot go on.
    Corrupt(String),
    /// The body ended in the middle of a message.
    Truncated { buffered: usize },
    /// The connection failed before the stream's end.
    Transport(String),
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventStreamError::Corrupt(m) => write!(f, "corrupt event stream message: {m}"),
            EventStreamError::Truncated { buffered } => {
                write!(f, "the event stream ended in the middle of a message ({buffered} bytes of it arrived)")
            }
            EventStreamError::Transport(m) => write!(f, "the event stream's connection failed: {m}"),
        }
    }
}

impl std::error::Error for EventStreamError {}

/// Messages from a body that arrives in chunks.
#[derive(Debug)]
pub struct MessageReader {
    body: BodyStream,
    buffer: BytesMut,
    decoder: MessageFrameDecoder,
    /// Bytes of the current message the decoder already took (its prelude).
    taken: usize,
    finished: bool,
}

impl MessageReader {
    pub fn new(body: BodyStream) -> MessageReader {
        MessageReader { body, buffer: BytesMut::new(), decoder: MessageFrameDecoder::new(), taken: 0, finished: false }
    }

    /// The next message; `Ok(None)` at the stream's clean end (between
    /// messages). After an error the reader yields `Ok(None)`.
    pub async fn next_message(&mut self) -> Result<Option<Message>, EventStreamError> {
        if self.finished {
            return Ok(None);
        }
        let out = self.read().await;
        if !matches!(out, Ok(Some(_))) {
            self.finished = true;
        }
        out
    }

    async fn read(&mut self) -> Result<Option<Message>, EventStreamError> {
        loop {
            if self.taken == 0 && self.buffer.len() >= 12 {
                check_prelude(&self.buffer[..12])?;
            }
            let before = self.buffer.len();
            match self.decoder.decode_frame(&mut self.buffer) {
                Ok(DecodedFrame::Complete(message)) => {
                    self.taken = 0;
                    return Ok(Some(message));
                }
                Ok(DecodedFrame::Incomplete) => self.taken += before - self.buffer.len(),
                Err(e) => return Err(EventStreamError::Corrupt(e.to_string())),
            }
            match self.body.next_chunk().await {
                Some(Ok(chunk)) => self.buffer.extend_from_slice(&chunk),
                Some(Err(e)) => {
                    let m = match e {
                        SendError::Transport(t) => t.to_string(),
                        SendError::Timeout(t) => t.to_string(),
                    };
                    return Err(EventStreamError::Transport(m));
                }
                None if self.taken == 0 && self.buffer.is_empty() => return Ok(None),
                None => return Err(EventStreamError::Truncated { buffered: self.taken + self.buffer.len() }),
            }
        }
    }
}

/// A prelude's declared length within bounds, and its CRC right: checked
/// before the rest of the message is waited for.
fn check_prelude(prelude: &[u8]) -> Result<(), EventStreamError> {
    let mut p = prelude;
    let total = p.get_u32() as usize;
    let headers = p.get_u32() as usize;
    let crc = p.get_u32();
    let actual = crc32fast::hash(&prelude[..8]);
    if crc != actual {
        return Err(EventStreamError::Corrupt(format!("prelude checksum 0x{actual:X} does not match 0x{crc:X}")));
    }
    if !(MIN_MESSAGE_BYTES..=MAX_MESSAGE_BYTES).contains(&total) {
        return Err(EventStreamError::Corrupt(format!("a message of {total} bytes (the limit is {MAX_MESSAGE_BYTES})")));
    }
    if headers > total - MIN_MESSAGE_BYTES {
        return Err(EventStreamError::Corrupt(format!("{headers} bytes of headers in a message of {total}")));
    }
    Ok(())
}

/// A message's bytes on the wire.
pub fn encode(message: &Message) -> Result<Vec<u8>, EventStreamError> {
    let mut out = Vec::new();
    write_message_to(message, &mut out).map_err(|e| EventStreamError::Corrupt(e.to_string()))?;
    Ok(out)
}

/// One whole message from its bytes.
pub fn decode(mut bytes: &[u8]) -> Result<Message, EventStreamError> {
    if bytes.len() >= 12 {
        check_prelude(&bytes[..12])?;
    }
    read_message_from(&mut bytes).map_err(|e| EventStreamError::Corrupt(e.to_string()))
}

/// A header's value as text (`:event-type` and the like).
pub fn header_str<'m>(message: &'m Message, name: &str) -> Option<&'m str> {
    message.headers().iter().find(|h| h.name().as_str() == name).and_then(|h| h.value().as_string().ok()).map(|s| s.as_str())
}

/// What a message of an output stream is, by its `:message-type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received<'m> {
    /// `event`, with its `:event-type` (a union member, or `initial-response`).
    Event(&'m str),
    /// `exception`, with its `:exception-type` (a modeled error member).
    Exception(&'m str),
    /// `error`: an unmodeled error, with `:error-code` and `:error-message`.
    Error { code: &'m str, message: Option<&'m str> },
}

/// Classify `message`; a missing or malformed `:message-type` or type
/// header is an error (the stream is then broken).
pub fn classify(message: &Message) -> Result<Received<'_>, String> {
    let header = |name: &str| -> Result<Option<&str>, String> {
        match message.headers().iter().find(|h| h.name().as_str() == name) {
            None => Ok(None),
            Some(h) => match h.value().as_string() {
                Ok(s) => Ok(Some(s.as_str())),
                Err(_) => Err(format!("its {name} header is not a string")),
            },
        }
    };
    let required = |name: &str| header(name)?.ok_or_else(|| format!("the message has no {name} header"));
    match required(":message-type")? {
        "event" => Ok(Received::Event(required(":event-type")?)),
        "exception" => Ok(Received::Exception(required(":exception-type")?)),
        "error" => Ok(Received::Error { code: required(":error-code")?, message: header(":error-message")? }),
        other => Err(format!(":message-type {other:?} is neither event, exception nor error")),
    }
}

/// Where the members of an event being sent, other than its headers, go
/// (see the generator's `EventPayloadIr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// A JSON object of the members.
    Implicit,
    /// The bytes of the blob member with this JSON name.
    Blob(&'a str),
    /// The text of the string member with this JSON name.
    Text(&'a str),
    /// The JSON of the structure or union member with this JSON name.
    Json(&'a str),
    /// An XML document, written by the caller (restXml); `None`: no payload.
    Xml(Option<&'a [u8]>),
    /// A CBOR data item, written by the caller (rpcv2Cbor); `None`: no payload.
    Cbor(Option<&'a [u8]>),
    /// No payload (a `Unit` member).
    Unit,
}

/// The JSON form of a timestamp member (its `@timestampFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    EpochSeconds,
    DateTime,
    HttpDate,
}

/// The `@eventHeader` members of an event, read from the message's headers
/// as the event structure `T` (its other members unset): each `(header,
/// JSON field, timestamp form)` of `headers` as the JSON its structure reads
/// (booleans, integers, strings, blobs as base64, timestamps in the
/// member's form). Headers the model does not name are ignored.
pub fn headers_as<T: serde::de::DeserializeOwned>(message: &Message, event_type: &str, headers: &[(&str, &str, Stamp)]) -> Result<T, crate::error::Failure> {
    use serde_json::{Map, Value};
    let mut object = Map::new();
    for (header, field, stamp) in headers {
        let Some(h) = message.headers().iter().find(|h| h.name().as_str() == *header) else { continue };
        let value = match h.value() {
            HeaderValue::Bool(b) => Value::Bool(*b),
            HeaderValue::Byte(n) => Value::from(*n),
            HeaderValue::Int16(n) => Value::from(*n),
            HeaderValue::Int32(n) => Value::from(*n),
            HeaderValue::Int64(n) => Value::from(*n),
            HeaderValue::ByteArray(b) => Value::String(crate::types::blob::encode(b)),
            HeaderValue::String(s) => Value::String(s.as_str().to_string()),
            HeaderValue::Timestamp(t) => {
                let ts = crate::types::timestamp::Timestamp::from_epoch_seconds_f64(t.as_secs_f64())
                    .ok_or_else(|| malformed(format!("the {event_type} event: the header {header} is out of range")))?;
                match stamp {
                    Stamp::EpochSeconds => serde_json::Number::from_f64(t.as_secs_f64()).map(Value::Number).unwrap_or(Value::Null),
                    Stamp::DateTime => Value::String(ts.fmt_date_time()),
                    Stamp::HttpDate => Value::String(ts.fmt_http_date()),
                }
            }
            HeaderValue::Uuid(u) => Value::String(format!("{u:032x}")),
            _ => return Err(malformed(format!("the {event_type} event: the header {header} has a type this client does not know"))),
        };
        object.insert(field.to_string(), value);
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| malformed(format!("the {event_type} event's headers do not fit its type: {e}")))
}

/// An event structure from its payload, a JSON object of its members (an
/// empty payload: no members).
pub fn json_document<T: serde::de::DeserializeOwned + Default>(message: &Message, event_type: &str) -> Result<T, crate::error::Failure> {
    if message.payload().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_slice(message.payload()).map_err(|e| malformed(format!("the {event_type} event does not fit its type: {e}")))
}

/// An event structure from its payload, a CBOR map of its members
/// (rpcv2Cbor; an empty payload: no members).
#[cfg(feature = "cbor")]
pub fn cbor_document<T: serde::de::DeserializeOwned + Default>(message: &Message, event_type: &str) -> Result<T, crate::error::Failure> {
    if message.payload().is_empty() {
        return Ok(T::default());
    }
    crate::protocols::cbor::from_slice(message.payload()).map_err(|e| malformed(format!("the {event_type} event does not fit its type: {e}")))
}

/// An `@eventPayload` structure or union, from its CBOR (rpcv2Cbor; `None`
/// for an empty payload).
#[cfg(feature = "cbor")]
pub fn cbor_payload<T: serde::de::DeserializeOwned>(message: &Message, event_type: &str) -> Result<Option<T>, crate::error::Failure> {
    if message.payload().is_empty() {
        return Ok(None);
    }
    crate::protocols::cbor::from_slice(message.payload())
        .map(Some)
        .map_err(|e| malformed(format!("the {event_type} event's payload does not fit its type: {e}")))
}

/// A modeled exception message of an rpcv2Cbor stream: its payload, a CBOR
/// map, read as the error structure `T`.
#[cfg(feature = "cbor")]
pub fn cbor_exception<T: serde::de::DeserializeOwned + Default + serde::Serialize>(message: &Message, code: &str) -> Result<crate::error::Modeled<T>, crate::error::Failure> {
    let error: T = cbor_document(message, code)?;
    let text = serde_json::to_value(&error).ok().as_ref().and_then(error_text);
    Ok(modeled(error, code, text))
}

/// An event structure from its payload, an XML document of its members
/// (restXml; an empty payload: no members).
#[cfg(feature = "xml")]
pub fn xml_document<T: crate::protocols::xml::XmlStruct + Default>(message: &Message, event_type: &str) -> Result<T, crate::error::Failure> {
    if message.payload().iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    crate::protocols::xml::read_document(message.payload(), |r, root| T::read_xml(r, root)).map_err(|e| malformed(format!("the {event_type} event does not fit its type: {e}")))
}

/// An `@eventPayload` blob: the payload's bytes (shared with the message,
/// not copied).
pub fn blob_payload(message: &Message) -> crate::types::blob::Blob {
    crate::types::blob::Blob::from(message.payload().clone())
}

/// An `@eventPayload` string: the payload's text.
pub fn text_payload<T: From<String>>(message: &Message, event_type: &str) -> Result<T, crate::error::Failure> {
    match std::str::from_utf8(message.payload()) {
        Ok(text) => Ok(T::from(text.to_string())),
        Err(_) => Err(malformed(format!("the {event_type} event's payload is not UTF-8 text"))),
    }
}

/// An `@eventPayload` structure or union, from its JSON (`None` for an
/// empty payload).
pub fn json_payload<T: serde::de::DeserializeOwned>(message: &Message, event_type: &str) -> Result<Option<T>, crate::error::Failure> {
    if message.payload().is_empty() {
        return Ok(None);
    }
    serde_json::from_slice(message.payload()).map(Some).map_err(|e| malformed(format!("the {event_type} event's payload does not fit its type: {e}")))
}

/// An `@eventPayload` structure or union, from its XML document (restXml;
/// `None` for an empty payload).
#[cfg(feature = "xml")]
pub fn xml_payload<T: crate::protocols::xml::XmlStruct>(message: &Message, event_type: &str) -> Result<Option<T>, crate::error::Failure> {
    if message.payload().iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    crate::protocols::xml::read_document(message.payload(), |r, root| T::read_xml(r, root))
        .map(Some)
        .map_err(|e| malformed(format!("the {event_type} event's payload does not fit its type: {e}")))
}

/// A stream failure as the failure of the call it belongs to.
pub fn failure(e: EventStreamError) -> crate::error::Failure {
    use crate::error::{Failure, ParseError, TransportError, TransportErrorKind};
    match e {
        EventStreamError::Corrupt(m) => Failure::Parse(Box::new(ParseError { status: 200, message: m, body_excerpt: String::new(), body_withheld: false, request_id: None, attempts: 1 })),
        other => Failure::Transport(TransportError::new(TransportErrorKind::Io, other.to_string())),
    }
}

/// An event that does not fit its type, as a failure of the call.
pub fn malformed(why: impl Into<String>) -> crate::error::Failure {
    let why = why.into();
    failure(EventStreamError::Corrupt(why))
}

/// A modeled exception message (`:exception-type` `code`): its payload read
/// as the error structure `T`.
pub fn exception<T: serde::de::DeserializeOwned>(message: &Message, code: &str) -> Result<crate::error::Modeled<T>, crate::error::Failure> {
    let error: T = if message.payload().is_empty() {
        serde_json::from_str("{}")
    } else {
        serde_json::from_slice(message.payload())
    }
    .map_err(|e| malformed(format!("the {code} exception event does not fit its type: {e}")))?;
    let text = serde_json::from_slice::<serde_json::Value>(message.payload()).ok().as_ref().and_then(error_text);
    Ok(modeled(error, code, text))
}

/// A modeled exception message of a restXml stream: its payload, an XML
/// document, read as the error structure `T`.
#[cfg(feature = "xml")]
pub fn xml_exception<T: crate::protocols::xml::XmlStruct + Default + serde::Serialize>(message: &Message, code: &str) -> Result<crate::error::Modeled<T>, crate::error::Failure> {
    let error: T = xml_document(message, code)?;
    let text = serde_json::to_value(&error).ok().as_ref().and_then(error_text);
    Ok(modeled(error, code, text))
}

/// The `message` (or `Message`) member of an exception, as JSON.
fn error_text(v: &serde_json::Value) -> Option<String> {
    ["message", "Message"].iter().find_map(|k| v.get(*k).and_then(|m| m.as_str()).map(str::to_string))
}

fn modeled<T>(error: T, code: &str, message: Option<String>) -> crate::error::Modeled<T> {
    crate::error::Modeled { error, meta: crate::error::ErrorMeta { status: 200, code: code.to_string(), message, request_id: None, attempts: 1 } }
}

/// An unmodeled error message or exception, as the call's failure.
pub fn unmodeled(code: &str, message: Option<&str>) -> crate::error::Failure {
    crate::error::Failure::Unmodeled(Box::new(crate::error::ErrorMeta {
        status: 200,
        code: code.to_string(),
        message: message.map(str::to_string),
        request_id: None,
        attempts: 1,
    }))
}

/// The value type of an event header (see the generator's `EventHeaderKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    Bool,
    Byte,
    Short,
    Int,
    Long,
    Blob,
    String,
    /// A timestamp, whose JSON has this form.
    Timestamp(Stamp),
}

/// The message an event is sent as (before signing): `:message-type`
/// `event`, `:event-type`, its `@eventHeader` members as typed headers, the
/// rest as the payload (`:content-type` saying what it is; no payload and no
/// content type when nothing is left).
pub fn event_message<T: serde::Serialize>(event_type: &str, value: &T, headers: &[(&str, &str, HeaderKind)], payload: Payload<'_>) -> Result<Message, String> {
    use serde_json::Value;
    let mut object = match serde_json::to_value(value).map_err(|e| format!("the {event_type} event: {e}"))? {
        Value::Object(m) => m,
        Value::Null => serde_json::Map::new(),
        _ => return Err(format!("the {event_type} event is not a structure")),
    };
    let mut out_headers = vec![
        Header::new(":message-type", HeaderValue::String("event".into())),
        Header::new(":event-type", HeaderValue::String(event_type.to_string().into())),
    ];
    let mut member_headers = Vec::new();
    for (name, field, kind) in headers {
        let Some(v) = object.remove(*field).filter(|v| !v.is_null()) else { continue };
        let bad = || format!("the {event_type} event's header {name} does not hold a {kind:?}");
        let int = |v: &Value| v.as_i64().ok_or_else(bad);
        let value = match kind {
            HeaderKind::Bool => HeaderValue::Bool(v.as_bool().ok_or_else(bad)?),
            HeaderKind::Byte => HeaderValue::Byte(i8::try_from(int(&v)?).map_err(|_| bad())?),
            HeaderKind::Short => HeaderValue::Int16(i16::try_from(int(&v)?).map_err(|_| bad())?),
            HeaderKind::Int => HeaderValue::Int32(i32::try_from(int(&v)?).map_err(|_| bad())?),
            HeaderKind::Long => HeaderValue::Int64(int(&v)?),
            HeaderKind::Blob => HeaderValue::ByteArray(crate::types::blob::decode(v.as_str().ok_or_else(bad)?).map_err(|_| bad())?.into()),
            HeaderKind::String => HeaderValue::String(v.as_str().ok_or_else(bad)?.to_string().into()),
            HeaderKind::Timestamp(stamp) => {
                let ts = match (stamp, &v) {
                    (Stamp::EpochSeconds, Value::Number(n)) => n.as_f64().and_then(crate::types::timestamp::Timestamp::from_epoch_seconds_f64),
                    (Stamp::DateTime, Value::String(t)) => crate::types::timestamp::Timestamp::parse_date_time(t).ok(),
                    (Stamp::HttpDate, Value::String(t)) => crate::types::timestamp::Timestamp::parse_http_date(t).ok(),
                    _ => None,
                }
                .ok_or_else(bad)?;
                let millis = (ts.to_epoch_seconds_f64() * 1000.0).round() as i64;
                HeaderValue::Timestamp(aws_smithy_types::DateTime::from_millis(millis))
            }
        };
        member_headers.push(Header::new(name.to_string(), value));
    }
    let (body, content_type): (Vec<u8>, Option<&str>) = match payload {
        Payload::Unit => (Vec::new(), None),
        Payload::Implicit if object.is_empty() => (Vec::new(), None),
        Payload::Implicit => (serde_json::to_vec(&Value::Object(object)).map_err(|e| e.to_string())?, Some("application/json")),
        Payload::Blob(field) => match object.remove(field) {
            Some(Value::String(b64)) => (crate::types::blob::decode(&b64).map_err(|e| e.to_string())?, Some("application/octet-stream")),
            _ => (Vec::new(), None),
        },
        Payload::Text(field) => match object.remove(field) {
            Some(Value::String(t)) => (t.into_bytes(), Some("text/plain")),
            _ => (Vec::new(), None),
        },
        Payload::Json(field) => match object.remove(field) {
            Some(v) if !v.is_null() => (serde_json::to_vec(&v).map_err(|e| e.to_string())?, Some("application/json")),
            _ => (Vec::new(), None),
        },
        Payload::Xml(Some(document)) => (document.to_vec(), Some("application/xml")),
        Payload::Xml(None) => (Vec::new(), None),
        Payload::Cbor(Some(item)) => (item.to_vec(), Some("application/cbor")),
        Payload::Cbor(None) => (Vec::new(), None),
    };
    if let Some(ct) = content_type {
        out_headers.push(Header::new(":content-type", HeaderValue::String(ct.into())));
    }
    out_headers.extend(member_headers);
    Ok(Message::new_from_parts(out_headers, body))
}

/// awsJson's `initial-request` message: the input's members other than
/// the stream, serialized as the request body would be (`payload`, of
/// `content_type`), sent before the events.
pub fn initial_request(payload: bytes::Bytes, content_type: &str) -> Message {
    Message::new_from_parts(
        vec![
            Header::new(":message-type", HeaderValue::String("event".into())),
            Header::new(":event-type", HeaderValue::String("initial-request".into())),
            Header::new(":content-type", HeaderValue::String(content_type.to_string().into())),
        ],
        payload,
    )
}

/// The message a modeled exception is sent as: `:message-type`
/// `exception`, `:exception-type`, its JSON as the payload.
pub fn exception_message<T: serde::Serialize>(exception_type: &str, value: &T) -> Result<Message, String> {
    let payload = serde_json::to_vec(value).map_err(|e| format!("the {exception_type} exception: {e}"))?;
    Ok(Message::new_from_parts(
        vec![
            Header::new(":message-type", HeaderValue::String("exception".into())),
            Header::new(":exception-type", HeaderValue::String(exception_type.to_string().into())),
            Header::new(":content-type", HeaderValue::String("application/json".into())),
        ],
        payload,
    ))
}

/// The sending side of an input event stream: [`send`](Self::send) each
/// event; dropping every sender ends the stream (the client then sends the
/// closing signed empty message).
#[derive(Debug)]
pub struct EventSender<T>(pub(crate) tokio::sync::mpsc::Sender<T>);

impl<T> Clone for EventSender<T> {
    fn clone(&self) -> Self {
        EventSender(self.0.clone())
    }
}

impl<T> EventSender<T> {
    /// Queue `event` (waiting while `capacity` events are queued); `Err`
    /// gives it back when the call has ended.
    pub async fn send(&self, event: T) -> Result<(), T> {
        self.0.send(event).await.map_err(|e| e.0)
    }
}

/// The events a call sends: give it to the operation's client method.
#[derive(Debug)]
pub struct EventInput<T>(pub(crate) tokio::sync::mpsc::Receiver<T>);

/// A sender and the input it feeds, with room for `capacity` queued events.
pub fn channel<T>(capacity: usize) -> (EventSender<T>, EventInput<T>) {
    let (tx, rx) = tokio::sync::mpsc::channel(capacity.max(1));
    (EventSender(tx), EventInput(rx))
}

/// A response read whole (an input stream's response without an output
/// stream), as the client parses ordinary responses.
pub async fn collect(response: crate::transport::StreamingResponse, max_body: usize) -> Result<crate::request::RawResponse, crate::error::Failure> {
    Ok(response.read_whole(max_body).await?)
}

/// What an operation with an output stream returns, from what the call
/// got: an error response as the operation's error (`error`); else the
/// output (`parse`, of the response's head or, with `initial_message`, of
/// the stream's `initial-response` message) and the receiver of the events
/// (`event` reads each).
pub async fn open<O, T, E: From<crate::error::Failure>>(
    streamed: crate::transport::Streamed,
    error: fn(&crate::request::RawResponse) -> E,
    parse: fn(&crate::request::RawResponse) -> Result<O, E>,
    event: fn(&Message) -> Result<Option<T>, E>,
    initial_message: bool,
) -> Result<(O, EventReceiver<T, E>), E> {
    use crate::request::RawResponse;
    let response = match streamed {
        crate::transport::Streamed::Error(raw) => return Err(error(&raw)),
        crate::transport::Streamed::Stream(response) => response,
    };
    let mut head = RawResponse::new(response.status, response.headers, bytes::Bytes::new());
    let mut events = EventReceiver::new(MessageReader::new(response.body), event);
    if initial_message {
        if let Some(payload) = events.initial_response().await? {
            head = RawResponse::new(head.status, head.headers.clone(), payload);
        }
    }
    Ok((parse(&head)?, events))
}

/// The typed events of an output stream: [`recv`](Self::recv) gives the
/// next event, `Ok(None)` at the stream's end, or the error the stream ended
/// with (a modeled exception, an unmodeled error, a corrupt message, a
/// dropped connection). Events of types this client does not know are
/// skipped.
pub struct EventReceiver<T, E> {
    reader: MessageReader,
    parse: fn(&Message) -> Result<Option<T>, E>,
    /// A message read ahead (awsJson: the first, when it was not an
    /// `initial-response`).
    pending: Option<Message>,
    done: bool,
}

impl<T, E> fmt::Debug for EventReceiver<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventReceiver").field("done", &self.done).finish_non_exhaustive()
    }
}

impl<T, E: From<crate::error::Failure>> EventReceiver<T, E> {
    /// Events from `reader`, each read with `parse` (`Ok(None)`: an event
    /// type to skip).
    pub fn new(reader: MessageReader, parse: fn(&Message) -> Result<Option<T>, E>) -> Self {
        EventReceiver { reader, parse, pending: None, done: false }
    }

    /// Read the first message now: `Some` when it is an `initial-response`
    /// (its payload returned), else kept for [`recv`](Self::recv).
    pub async fn initial_response(&mut self) -> Result<Option<bytes::Bytes>, E> {
        match self.reader.next_message().await.map_err(|e| E::from(failure(e)))? {
            Some(m) if header_str(&m, ":event-type") == Some("initial-response") && header_str(&m, ":message-type") == Some("event") => {
                Ok(Some(m.payload().clone()))
            }
            Some(m) => {
                self.pending = Some(m);
                Ok(None)
            }
            None => {
                self.done = true;
                Ok(None)
            }
        }
    }

    /// The next event; `Ok(None)` once the stream ended cleanly.
    pub async fn recv(&mut self) -> Result<Option<T>, E> {
        while !self.done {
            let message = match self.pending.take() {
                Some(m) => m,
                None => match self.reader.next_message().await {
                    Ok(Some(m)) => m,
                    Ok(None) => break,
                    Err(e) => {
                        self.done = true;
                        return Err(E::from(failure(e)));
                    }
                },
            };
            match (self.parse)(&message) {
                Ok(Some(event)) => return Ok(Some(event)),
                Ok(None) => continue,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            }
        }
        self.done = true;
        Ok(None)
    }
}

impl<T: Send + 'static, E: From<crate::error::Failure> + Send + 'static> EventReceiver<T, E> {
    /// The events as a [`futures_core::Stream`] of `Result<T, E>` (for
    /// `StreamExt` combinators, `select!` and the like): each event, then
    /// the error the stream ended with, if any, then the end.
    pub fn into_stream(self) -> EventStream<T, E> {
        EventStream { state: StreamState::Idle(Some(self)) }
    }
}

/// An [`EventReceiver`] as a [`futures_core::Stream`] (see
/// [`EventReceiver::into_stream`]).
pub struct EventStream<T, E> {
    state: StreamState<T, E>,
}

type Next<T, E> = std::pin::Pin<Box<dyn std::future::Future<Output = (EventReceiver<T, E>, Result<Option<T>, E>)> + Send>>;

enum StreamState<T, E> {
    Idle(Option<EventReceiver<T, E>>),
    Busy(Next<T, E>),
    Done,
}

impl<T, E> fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("done", &matches!(self.state, StreamState::Done)).finish_non_exhaustive()
    }
}

// Nothing in it is pinned in place: the receiver is moved into and out of
// a boxed future.
impl<T, E> Unpin for EventStream<T, E> {}

impl<T: Send + 'static, E: From<crate::error::Failure> + Send + 'static> futures_core::Stream for EventStream<T, E> {
    type Item = Result<T, E>;

    fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        loop {
            match &mut this.state {
                StreamState::Idle(receiver) => {
                    let Some(mut receiver) = receiver.take() else {
                        this.state = StreamState::Done;
                        continue;
                    };
                    this.state = StreamState::Busy(Box::pin(async move {
                        let next = receiver.recv().await;
                        (receiver, next)
                    }));
                }
                StreamState::Busy(next) => match next.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready((receiver, Ok(Some(event)))) => {
                        this.state = StreamState::Idle(Some(receiver));
                        return Poll::Ready(Some(Ok(event)));
                    }
                    Poll::Ready((_, Ok(None))) => {
                        this.state = StreamState::Done;
                        return Poll::Ready(None);
                    }
                    Poll::Ready((_, Err(e))) => {
                        this.state = StreamState::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                },
                StreamState::Done => return Poll::Ready(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(n: u8) -> Message {
        Message::new(vec![b'x'; usize::from(n)])
            .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
            .add_header(Header::new(":event-type", HeaderValue::String(format!("e{n}").into())))
            .add_header(Header::new("flag", HeaderValue::Bool(n.is_multiple_of(2))))
            .add_header(Header::new("count", HeaderValue::Int64(i64::from(n) * 1000)))
            .add_header(Header::new("id", HeaderValue::Uuid(u128::from(n))))
    }

    fn read_all(chunks: Vec<bytes::Bytes>) -> (Vec<Message>, Result<(), EventStreamError>) {
        let mut reader = MessageReader::new(BodyStream::chunks(chunks));
        let mut out = Vec::new();
        loop {
            match crate::transport::block_on::block_on(reader.next_message()) {
                Ok(Some(m)) => out.push(m),
                Ok(None) => return (out, Ok(())),
                Err(e) => return (out, Err(e)),
            }
        }
    }

    #[test]
    fn messages_split_at_every_offset_read_the_same() {
        let messages: Vec<Message> = (0..3).map(message).collect();
        let wire: Vec<u8> = messages.iter().flat_map(|m| encode(m).unwrap()).collect();
        for cut in 0..=wire.len() {
            for second in [cut, (cut + 7).min(wire.len())] {
                let chunks = vec![
                    bytes::Bytes::copy_from_slice(&wire[..cut]),
                    bytes::Bytes::copy_from_slice(&wire[cut..second]),
                    bytes::Bytes::copy_from_slice(&wire[second..]),
                ];
                let (got, end) = read_all(chunks);
                assert_eq!(end, Ok(()), "cut at {cut}/{second}");
                assert_eq!(got, messages, "cut at {cut}/{second}");
            }
        }
        // One byte at a time.
        let (got, end) = read_all(wire.iter().map(|b| bytes::Bytes::copy_from_slice(&[*b])).collect());
        assert_eq!((got, end), (messages, Ok(())));
    }

    #[test]
    fn corrupt_truncated_and_oversized_messages_end_the_stream_with_a_typed_error() {
        let good = encode(&message(5)).unwrap();
        // Every single bit flipped: an error or (in the payload/headers) a
        // message, never a panic; a flipped CRC byte is always caught.
        for i in 0..good.len() {
            for bit in 0..8 {
                let mut bad = good.clone();
                bad[i] ^= 1 << bit;
                let (_, end) = read_all(vec![bad.into()]);
                if i >= good.len() - 4 || i < 12 {
                    assert!(matches!(end, Err(EventStreamError::Corrupt(_))), "byte {i} bit {bit}: {end:?}");
                }
            }
        }
        // Truncated anywhere: Truncated, with what arrived.
        for cut in 1..good.len() {
            let (got, end) = read_all(vec![bytes::Bytes::copy_from_slice(&good[..cut])]);
            assert!(got.is_empty());
            match end {
                Err(EventStreamError::Truncated { buffered }) => assert_eq!(buffered, cut),
                Err(EventStreamError::Corrupt(_)) if cut >= 12 => panic!("cut {cut}: a truncated message is not corrupt"),
                other => assert!(cut < 12 && matches!(other, Err(EventStreamError::Truncated { .. })), "cut {cut}: {other:?}"),
            }
        }
        // A prelude declaring 4 GiB (with a right CRC) is refused at once.
        let mut huge = Vec::new();
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        huge.extend_from_slice(&0u32.to_be_bytes());
        huge.extend_from_slice(&crc32fast::hash(&huge[..8]).to_be_bytes());
        let (_, end) = read_all(vec![huge.into()]);
        assert!(matches!(&end, Err(EventStreamError::Corrupt(m)) if m.contains("limit")), "{end:?}");
        // A dropped connection is neither.
        #[derive(Debug)]
        struct Drops(bool);
        impl crate::transport::ReadChunks for Drops {
            fn next_chunk(&mut self) -> crate::transport::BoxFuture<'_, Option<Result<bytes::Bytes, SendError>>> {
                let first = std::mem::replace(&mut self.0, false);
                Box::pin(std::future::ready(Some(if first {
                    Ok(bytes::Bytes::from_static(b"\0\0"))
                } else {
                    Err(SendError::Transport(crate::error::TransportError::new(crate::error::TransportErrorKind::Io, "connection reset")))
                })))
            }
        }
        let mut reader = MessageReader::new(BodyStream::new(Drops(true)));
        let e = crate::transport::block_on::block_on(reader.next_message()).unwrap_err();
        assert!(matches!(&e, EventStreamError::Transport(m) if m.contains("connection reset")), "{e:?}");
        assert_eq!(crate::transport::block_on::block_on(reader.next_message()), Ok(None), "finished after an error");
    }
}
