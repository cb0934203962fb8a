//! awsJson input event streams: the input's members other than the stream
//! go first, as the stream's `initial-request` message (with the
//! protocol's JSON content type), signed in the same chain as the events
//! after it, while the HTTP request says `application/vnd.amazon.eventstream`.
//! A local HTTP/1.1 server on 127.0.0.1 checks every envelope's signature
//! with `aws-sigv4` and answers with an `initial-response` and the replies.
//! (No AWS model of the corpus has such an operation yet; the generator's
//! side is the fixture `tests/fixtures/valid/rpc_event_streams.json`, built
//! by `cargo xtask fixtures`.)

use std::sync::{Arc, Mutex, OnceLock};

use http_body_util::BodyExt;
use hyper::body::Bytes;
use integration_tests::event_signatures::{Chain, Scope};
use smithy_gen_runtime::streams::event_stream::{channel, decode, encode, header_str, Header, HeaderValue, Message, MessageReader};
use smithy_gen_runtime::invoke::{Handle, ServiceSpec, Streamed};
use smithy_gen_runtime::protocols::Protocol;
use smithy_gen_runtime::{Config, Credentials};

const SECRET: &str = "initial-request-secret";
const SCOPE: Scope<'static> = Scope { access_key: "AKIDINITIAL", secret_key: SECRET, region: "us-east-1", service: "chat" };

static CHAT: ServiceSpec = ServiceSpec {
    protocol: Protocol::AwsJson1_1,
    signing_name: "chat",
    sdk_id: "Chat",
    endpoint_prefix: "chat",
    target_prefix: "Chat_20240601",
    default_headers: &[],
    endpoint_rules: None,
    parsed_rules: OnceLock::new(),
    signing: smithy_gen_runtime::signing::SigningOptions::DEFAULT,
};

/// What the server saw.
#[derive(Debug, Default)]
struct Seen {
    content_type: String,
    target: String,
    content_sha256: String,
    /// Each inner message: its `:event-type`, `:content-type` and payload.
    messages: Vec<(String, String, String)>,
    chain: Chain,
}

fn event(event_type: &str, payload: &str) -> Message {
    Message::new(payload.as_bytes().to_vec())
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String(event_type.to_string().into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/json".into())))
}

/// A server reading the whole request stream, then answering with an
/// `initial-response` and one reply per text event.
async fn server(seen: Arc<Mutex<Seen>>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let Ok((tcp, _)) = listener.accept().await else { return };
        let service = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
            let seen = Arc::clone(&seen);
            async move {
                let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                let auth = header("authorization");
                {
                    let mut s = seen.lock().unwrap();
                    s.content_type = header("content-type");
                    s.target = header("x-amz-target");
                    s.content_sha256 = header("x-amz-content-sha256");
                }
                seen.lock().unwrap().chain = Chain::new(&auth);
                let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                let mut rest = &body[..];
                let mut replies = 0;
                while rest.len() >= 4 {
                    let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
                    let Ok(envelope) = decode(&rest[..len.min(rest.len())]) else {
                        seen.lock().unwrap().chain.problems.push("an envelope does not decode".into());
                        break;
                    };
                    rest = &rest[len.min(rest.len())..];
                    let mut s = seen.lock().unwrap();
                    let Some(inner) = s.chain.check(&envelope, &SCOPE) else { continue };
                    let text = |h| header_str(&inner, h).unwrap_or_default().to_string();
                    s.messages.push((text(":event-type"), text(":content-type"), String::from_utf8_lossy(inner.payload()).into_owned()));
                    replies += usize::from(text(":event-type") == "text");
                }
                let mut out = encode(&event("initial-response", r#"{"sessionId":"s-1"}"#)).unwrap();
                for n in 1..=replies {
                    out.extend(encode(&event("reply", &format!(r#"{{"text":"heard {n}","final":{}}}"#, n == replies))).unwrap());
                }
                let response = http::Response::builder()
                    .header("content-type", "application/vnd.amazon.eventstream")
                    .body(http_body_util::Full::new(Bytes::from(out)))
                    .unwrap();
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let io = hyper_util::rt::TokioIo::new(tcp);
        let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
    });
    port
}

/// A text turn of the conversation (an event of the input stream).
struct Turn(String);

/// A turn as its message (what a generated `marshal_<op>_event` does).
fn marshal(turn: &Turn) -> Result<Message, String> {
    Ok(Message::new(turn.0.clone().into_bytes())
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String("text".into())))
        .add_header(Header::new(":content-type", HeaderValue::String("text/plain".into()))))
}

#[tokio::test]
async fn the_input_goes_first_as_a_signed_initial_request_message() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let port = server(Arc::clone(&seen)).await;
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::new("AKIDINITIAL", SECRET, None))
        .build()
        .expect("config");
    let handle = Handle::new(config, &CHAT);
    let request = smithy_gen_runtime::protocols::aws_json::request(&CHAT, "Converse", &serde_json::json!({"sessionId": "s-1", "language": "en"})).unwrap();
    let (turns, events) = channel::<Turn>(4);
    let feed = tokio::spawn(async move {
        for t in ["hello", "how are you"] {
            turns.send(Turn(t.to_string())).await.map_err(|_| ()).expect("the stream takes it");
        }
    });
    let streamed = handle.send_duplex("Converse", &request, events, marshal, true).await.expect("the stream opens");
    feed.await.unwrap();
    let Streamed::Stream(response) = streamed else { panic!("an error response") };
    let mut reader = MessageReader::new(response.body);
    let mut answers = Vec::new();
    while let Some(m) = reader.next_message().await.expect("whole messages") {
        answers.push((header_str(&m, ":event-type").unwrap_or_default().to_string(), String::from_utf8_lossy(m.payload()).into_owned()));
    }

    let s = seen.lock().unwrap();
    assert!(s.chain.problems.is_empty(), "{:?}", s.chain.problems);
    assert_eq!(s.content_type, "application/vnd.amazon.eventstream", "the HTTP body is the stream");
    assert_eq!(s.target, "Chat_20240601.Converse");
    assert_eq!(s.content_sha256, "STREAMING-AWS4-HMAC-SHA256-EVENTS");
    assert_eq!(
        s.messages,
        vec![
            ("initial-request".to_string(), "application/x-amz-json-1.1".to_string(), r#"{"sessionId":"s-1","language":"en"}"#.to_string()),
            ("text".to_string(), "text/plain".to_string(), "hello".to_string()),
            ("text".to_string(), "text/plain".to_string(), "how are you".to_string()),
        ],
        "the input first, then the events, in order"
    );
    assert!(s.chain.ended_with_empty, "the stream ends with the signed empty message");
    assert_eq!(s.chain.verified, 4, "every envelope's signature, the initial request's included, chains from the request's");
    assert_eq!(answers[0], ("initial-response".to_string(), r#"{"sessionId":"s-1"}"#.to_string()));
    assert_eq!(answers.len(), 3, "{answers:?}");
}

/// Credentials that are stale as soon as they are given (each fetch
/// refreshes): the scope's first, then others. A stream must be signed with
/// one snapshot throughout.
#[derive(Debug, Default)]
struct Rotating(std::sync::atomic::AtomicUsize);

impl smithy_gen_runtime::credentials::ProvideCredentials for Rotating {
    fn provide_credentials(&self) -> smithy_gen_runtime::transport::BoxFuture<'_, Result<Credentials, smithy_gen_runtime::credentials::CredentialsError>> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let expiry = std::time::SystemTime::now() + std::time::Duration::from_secs(1);
        let credentials = match n {
            0 => Credentials::new("AKIDINITIAL", SECRET, None),
            n => Credentials::new(format!("AKIDROTATED{n}"), format!("rotated-secret-{n}"), None),
        };
        Box::pin(async move { Ok(credentials.with_expiry(expiry)) })
    }
}

#[tokio::test]
async fn a_refresh_during_the_stream_does_not_break_its_signature_chain() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let port = server(Arc::clone(&seen)).await;
    let provider = Arc::new(Rotating::default());
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials_provider(provider.clone())
        .build()
        .expect("config");
    let handle = Handle::new(config, &CHAT);
    let request = smithy_gen_runtime::protocols::aws_json::request(&CHAT, "Converse", &serde_json::json!({"sessionId": "s-1"})).unwrap();
    let (turns, events) = channel::<Turn>(4);
    let feed = tokio::spawn(async move {
        turns.send(Turn("hello".to_string())).await.map_err(|_| ()).expect("the stream takes it");
    });
    let streamed = handle.send_duplex("Converse", &request, events, marshal, true).await.expect("the stream opens");
    feed.await.unwrap();
    let Streamed::Stream(response) = streamed else { panic!("an error response") };
    let mut reader = MessageReader::new(response.body);
    while reader.next_message().await.expect("whole messages").is_some() {}
    let s = seen.lock().unwrap();
    assert!(s.chain.problems.is_empty(), "{:?}", s.chain.problems);
    assert_eq!(provider.0.load(std::sync::atomic::Ordering::SeqCst), 1, "the credentials were fetched once for the stream");
    assert_eq!(s.chain.verified, 3, "initial request, event and the closing message, all with the request's key");
}
