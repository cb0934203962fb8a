//! Responses a broken, malicious or merely surprising server might send,
//! through the real default transport (runtime/http1.rs) against a tiny HTTP/1.1 server
//! written here on `std::net`. Every case must end in a typed error (or a
//! sensible `Ok`), never a panic, a hang or a stack overflow.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_generated::cloudwatch_logs as logs;
use aws_generated::cloudwatch_logs::errors::{DescribeDestinationsError, PutDestinationError};
use aws_generated::cloudwatch_logs::types::{DescribeDestinationsInput, PutDestinationInput};
use aws_generated::guardduty as gd;
use aws_generated::guardduty::errors::CreateDetectorError;
use aws_generated::guardduty::types::CreateDetectorInput;
use smithy_gen_runtime::config::{Config, Credentials, RetryConfig};
use smithy_gen_runtime::config::builder::ConfigBuilder;
use smithy_gen_runtime::error::{ErrorKind, OperationError, TimeoutKind, TransportErrorKind};

const SECRET: &str = "hostile-test-secret-key";

// ---------------------------------------------------------------------------
// The server

/// What the server does with each connection once a request arrived.
#[derive(Clone)]
enum Behavior {
    /// Read the request, write these bytes, close.
    Respond(Arc<Vec<u8>>),
    /// Read the request, close without a word.
    Close,
    /// Read a little of the request and close with the rest unread, so the
    /// kernel resets the connection.
    Reset,
    /// Read the request and hold the connection open, silent, this long.
    Hang(Duration),
    /// Each connection takes the next behaviour of the script; the last one
    /// is repeated once the script runs out.
    Script(Arc<Mutex<std::collections::VecDeque<Behavior>>>),
}

impl Behavior {
    fn script(steps: impl IntoIterator<Item = Behavior>) -> Behavior {
        Behavior::Script(Arc::new(Mutex::new(steps.into_iter().collect())))
    }

    fn respond(raw: Vec<u8>) -> Behavior {
        Behavior::Respond(Arc::new(raw))
    }

    /// The behaviour for the next connection (scripts resolved).
    fn next(&self) -> Behavior {
        match self {
            Behavior::Script(steps) => {
                let mut steps = steps.lock().unwrap();
                let step = if steps.len() > 1 { steps.pop_front() } else { steps.front().cloned() };
                step.map(|b| b.next()).unwrap_or(Behavior::Close)
            }
            other => other.clone(),
        }
    }
}

struct Server {
    port: u16,
    connections: Arc<AtomicUsize>,
    /// The head (request line and headers) and body of each request read in full.
    heads: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(behavior: Behavior) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (count, log) = (connections.clone(), heads.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let (behavior, log) = (behavior.next(), log.clone());
                std::thread::spawn(move || handle(stream, behavior, &log));
            }
        });
        Server { port, connections, heads }
    }

    fn respond(raw: impl Into<Vec<u8>>) -> Server {
        Server::start(Behavior::Respond(Arc::new(raw.into())))
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Read one request: the head up to the blank line, then `content-length`
/// bytes of body. Returns the head, or `None` if the client went away.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    read_full_request(stream).map(|(head, _)| head)
}

/// Read one request: its head and its body.
fn read_full_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    integration_tests::read_http_request(stream, &mut Vec::new()).ok().flatten()
}

fn handle(mut stream: TcpStream, behavior: Behavior, heads: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    if let Behavior::Reset = behavior {
        let mut one = [0u8; 1];
        let _ = stream.read(&mut one);
        return; // dropped with unread data: RST
    }
    let Some((head, body)) = read_full_request(&mut stream) else { return };
    heads.lock().unwrap().push(format!("{head}{}", String::from_utf8_lossy(&body)));
    match behavior {
        Behavior::Respond(raw) => {
            // The client may hang up mid-way (a body it refuses): ignore.
            let _ = stream.write_all(&raw);
            let _ = stream.flush();
            let _ = stream.shutdown(std::net::Shutdown::Write);
            // Let the client read everything before the socket goes away.
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        }
        Behavior::Close | Behavior::Reset | Behavior::Script(_) => {}
        Behavior::Hang(d) => std::thread::sleep(d),
    }
}

/// A raw HTTP/1.1 response with a correct `Content-Length`.
fn http(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nx-amzn-requestid: hostile-1\r\nconnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A raw response whose body ends when the connection closes (no length).
fn http_until_close(status: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {status}\r\nconnection: close\r\n\r\n").into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

// ---------------------------------------------------------------------------
// The client

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(future)
}

fn builder(server: &Server) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .endpoint(server.endpoint())
        .credentials(Credentials::new("AKID", SECRET, None))
        .retry(RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .read_timeout(Duration::from_secs(10))
}

fn put_destination(
    server: &Server,
    tweak: impl FnOnce(ConfigBuilder) -> ConfigBuilder,
) -> Result<logs::types::PutDestinationOutput, PutDestinationError> {
    let input = PutDestinationInput::new("d", "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:iam::1:role/r");
    run(async { logs::Client::new(tweak(builder(server)).build().unwrap()).put_destination_with(input).await })
}

fn create_detector(server: &Server) -> Result<gd::types::CreateDetectorOutput, CreateDetectorError> {
    run(async {
        gd::Client::new(builder(server).build().unwrap()).create_detector_with(CreateDetectorInput::new(true)).await
    })
}

/// No error message or debug output may carry the secret or balloon with the body.
fn assert_sane<E: OperationError>(err: &E) {
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.len() < 4096, "the error text is {} bytes long", text.len());
    }
}

// ---------------------------------------------------------------------------
// Sanity: the server and the real transport agree on a normal exchange.

#[test]
fn a_normal_response_works_through_the_real_transport() {
    let body = br#"{"destination":{"destinationName":"d","arn":"arn:x"}}"#;
    let server = Server::respond(http("200 OK", &[("content-type", "application/x-amz-json-1.1")], body));
    let out = put_destination(&server, |b| b).unwrap();
    assert_eq!(out.destination.unwrap().arn.as_deref(), Some("arn:x"));
    assert_eq!(server.connections(), 1);
    let heads = server.heads.lock().unwrap();
    let head = heads[0].to_ascii_lowercase();
    assert!(head.starts_with("post / http/1.1\r\n"), "{head}");
    for needle in [
        "x-amz-target: logs_20140328.putdestination",
        "content-type: application/x-amz-json-1.1",
        &format!("host: 127.0.0.1:{}", server.port),
        "authorization: aws4-hmac-sha256 credential=akid/",
        "x-amz-date: ",
        "content-length: ",
    ] {
        assert!(head.contains(needle), "{needle:?} not in {head}");
    }
}

// ---------------------------------------------------------------------------
// Bodies that are not what the protocol promises

#[test]
fn html_with_200_is_a_parse_error() {
    let page = b"<html><head><title>Welcome</title></head><body>It works!</body></html>";
    let server = Server::respond(http("200 OK", &[("content-type", "text/html")], page));
    let err = put_destination(&server, |b| b).unwrap_err();
    let PutDestinationError::Parse(p) = &err else { panic!("expected Parse, got {err:?}") };
    assert_eq!(p.status, 200);
    assert!(p.body_excerpt.starts_with("<html>"), "{p:?}");
    assert_eq!(p.request_id.as_deref(), Some("hostile-1"));
    assert_eq!(err.kind(), ErrorKind::Parse);
    assert_sane(&err);
}

#[test]
fn html_with_500_is_unmodeled_and_not_retried_for_a_non_idempotent_operation() {
    let page = b"<html><body><h1>500 Internal Server Error</h1></body></html>";
    let server = Server::respond(http("500 Internal Server Error", &[("content-type", "text/html")], page));
    let err = put_destination(&server, |b| b).unwrap_err();
    let PutDestinationError::Unmodeled(meta) = &err else { panic!("expected Unmodeled, got {err:?}") };
    assert_eq!((meta.status, meta.code.as_str(), meta.attempts), (500, "Unknown", 1));
    assert!(meta.message.as_deref().unwrap().contains("500 Internal Server Error"), "{meta:?}");
    assert_eq!(server.connections(), 1);
    assert_sane(&err);
}

#[test]
fn moto_like_html_error_pages_are_unmodeled_with_the_start_of_the_page() {
    let page = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n\
                <p>The requested URL was not found on the server. If you entered the URL manually please check \
                your spelling and try again.</p>\n";
    let server =
        Server::respond(http("404 NOT FOUND", &[("content-type", "text/html; charset=utf-8")], page.as_bytes()));
    let err = put_destination(&server, |b| b).unwrap_err();
    let PutDestinationError::Unmodeled(meta) = &err else { panic!("expected Unmodeled, got {err:?}") };
    assert_eq!((meta.status, meta.code.as_str()), (404, "Unknown"));
    let message = meta.message.as_deref().unwrap();
    assert!(message.starts_with("<!doctype html>\n<html lang=en>\n<title>404 Not Found"), "{message:?}");
    assert!(err.to_string().contains("404"), "{err}");

    // GuardDuty: CreateDetector is token-protected, so a 500 page is retried
    // (three attempts) and the last one is reported.
    let page = b"<html><head><title>500 Internal Server Error</title></head><body>boom</body></html>";
    let server = Server::respond(http("500 INTERNAL SERVER ERROR", &[("content-type", "text/html")], page));
    let err = create_detector(&server).unwrap_err();
    let CreateDetectorError::Unmodeled(meta) = &err else { panic!("expected Unmodeled, got {err:?}") };
    assert_eq!((meta.status, meta.code.as_str(), meta.attempts), (500, "Unknown", 3));
    assert!(meta.message.as_deref().unwrap().starts_with("<html><head><title>500"), "{meta:?}");
    assert_eq!(server.connections(), 3);
    assert_sane(&err);
}

#[test]
fn wrong_json_types_are_parse_errors() {
    for body in [
        &br#"{"destination": 5}"#[..],
        br#"{"destination": {"creationTime": "yesterday"}}"#,
        br#"{"destination": {"destinationName": ["a"]}}"#,
        b"[]",
        b"null",
        b"42",
        br#""a string""#,
        b"{\"destination\": {\"destinationName\": \"d\"",
    ] {
        let server = Server::respond(http("200 OK", &[], body));
        let err = put_destination(&server, |b| b).unwrap_err();
        assert!(matches!(err, PutDestinationError::Parse(_)), "{:?}: {err:?}", String::from_utf8_lossy(body));
        assert_sane(&err);
    }
}

#[test]
fn binary_and_invalid_utf8_bodies_are_parse_errors() {
    let mut garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    garbage.insert(0, b'{');
    for body in [
        &b"\xff\xfe\x00\x01\x80binary\xc3"[..],
        b"{\"destination\":{\"destinationName\":\"\xff\xfe\"}}",
        b"{\xc3\x28: 1}",
        &garbage,
    ] {
        let server = Server::respond(http("200 OK", &[("content-type", "application/octet-stream")], body));
        let err = put_destination(&server, |b| b).unwrap_err();
        let PutDestinationError::Parse(p) = &err else { panic!("expected Parse, got {err:?}") };
        assert!(p.body_excerpt.chars().count() <= 201, "excerpt is bounded: {}", p.body_excerpt.len());
        assert_sane(&err);
    }
    // An error response in binary, with a header value that is not UTF-8.
    let server = Server::respond(http("400 Bad Request", &[("x-amzn-errortype", "Bad\u{fffd}Type")], b"\xff\x00\xfe"));
    let err = put_destination(&server, |b| b).unwrap_err();
    let PutDestinationError::Unmodeled(meta) = &err else { panic!("expected Unmodeled, got {err:?}") };
    assert_eq!(meta.status, 400);
    let raw = b"HTTP/1.1 400 Bad Request\r\nx-amzn-requestid: \xff\xfe\r\nconnection: close\r\ncontent-length: 2\r\n\r\n\x80\x81";
    let server = Server::respond(raw.to_vec());
    let err = put_destination(&server, |b| b).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.meta().unwrap().status, 400);
}

#[test]
fn empty_body_with_200_parses_as_all_none() {
    let server = Server::respond(http("200 OK", &[], b""));
    let out = put_destination(&server, |b| b).unwrap();
    assert_eq!(out.destination, None);
    let server = Server::respond(http_until_close("200 OK", b""));
    let out = put_destination(&server, |b| b).unwrap();
    assert_eq!(out.destination, None);
    let server = Server::respond(http("200 OK", &[], b" \r\n "));
    let out = run(async {
        logs::Client::new(builder(&server).build().unwrap())
            .describe_destinations_with(DescribeDestinationsInput::default())
            .await
    })
    .unwrap();
    assert_eq!((out.destinations, out.next_token), (None, None));
    let server = Server::respond(http("200 OK", &[], b""));
    assert_eq!(create_detector(&server).unwrap(), gd::types::CreateDetectorOutput::default());
}

#[test]
fn deeply_nested_json_is_a_parse_error_not_a_stack_overflow() {
    let deep = |prefix: &str, open: &str| {
        let mut body = prefix.to_string();
        body.push_str(&open.repeat(100_000));
        body.into_bytes()
    };
    for body in [
        deep("", "["),
        deep("", "{\"a\":"),
        deep("{\"destination\":", "["),
        deep("{\"destination\":", "{\"destinationName\":"),
        deep("{\"unknown\":", "["),
        deep("{\"unknown\":", "{\"a\":"),
    ] {
        let server = Server::respond(http("200 OK", &[], &body));
        let err = put_destination(&server, |b| b).unwrap_err();
        assert!(matches!(err, PutDestinationError::Parse(_)), "{:?}…: {err:?}", &body[..20]);
        assert_sane(&err);
    }
    // Deep but well-formed nesting in a member the client ignores is fine.
    let body = format!("{{\"unknown\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let server = Server::respond(http("200 OK", &[], body.as_bytes()));
    assert!(put_destination(&server, |b| b).is_ok());
    // And in an error response.
    let server = Server::respond(http("400 Bad Request", &[], &deep("{\"__type\":", "[")));
    let err = put_destination(&server, |b| b).unwrap_err();
    assert!(matches!(err, PutDestinationError::Unmodeled(_)), "{err:?}");
    assert_sane(&err);
}

// ---------------------------------------------------------------------------
// Large bodies

fn ten_megabytes_of_garbage() -> Vec<u8> {
    let mut body = b"{\"destination\":\"".to_vec();
    // No closing quote: the parser has to scan all of it before failing.
    body.extend((0..10 << 20).map(|i: u32| b"abcdefghijklmnopqrstuvwxyz0123456789"[(i % 36) as usize]));
    body
}

#[test]
fn a_ten_megabyte_garbage_body_is_a_parse_error() {
    let server = Server::respond(http("200 OK", &[], &ten_megabytes_of_garbage()));
    let err = put_destination(&server, |b| b).unwrap_err();
    let PutDestinationError::Parse(p) = &err else { panic!("expected Parse, got {err:?}") };
    assert!(p.body_excerpt.starts_with("{\"destination\":\"abc"), "{p:?}");
    assert_sane(&err);
}

#[test]
fn a_body_over_the_limit_is_body_too_large() {
    // Declared too large by Content-Length.
    let server = Server::respond(http("200 OK", &[], &ten_megabytes_of_garbage()));
    let err = put_destination(&server, |b| b.max_response_body(1 << 20)).unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert_eq!(t.kind, TransportErrorKind::BodyTooLarge, "{t:?}");
    assert_eq!(server.connections(), 1, "a body too large is not retried");
    assert_sane(&err);

    // No Content-Length: the body runs until the connection closes.
    let server = Server::respond(http_until_close("200 OK", &ten_megabytes_of_garbage()));
    let err = put_destination(&server, |b| b.max_response_body(1 << 20)).unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert_eq!(t.kind, TransportErrorKind::BodyTooLarge, "{t:?}");

    // Also for error responses.
    let mut big = b"{\"__type\":\"InvalidParameterException\",\"message\":\"".to_vec();
    big.resize(2 << 20, b'x');
    let server = Server::respond(http("400 Bad Request", &[], &big));
    let err = put_destination(&server, |b| b.max_response_body(1 << 20)).unwrap_err();
    assert!(matches!(&err, PutDestinationError::Transport(t) if t.kind == TransportErrorKind::BodyTooLarge), "{err:?}");
}

// ---------------------------------------------------------------------------
// Connections that fail

#[test]
fn a_truncated_body_is_a_transport_io_error() {
    let raw =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: 100\r\n\r\n{\"destination\":{"
            .to_vec();
    let server = Server::respond(raw);
    let err = put_destination(&server, |b| b).unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert_eq!(t.kind, TransportErrorKind::Io, "{t:?}");
    assert_eq!(server.connections(), 1, "the request may have been acted on: no retry");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_sane(&err);
}

#[test]
fn a_closed_connection_without_a_response_is_a_transport_error() {
    let server = Server::start(Behavior::Close);
    let err = put_destination(&server, |b| b).unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert_eq!(t.kind, TransportErrorKind::Io, "{t:?}");
    assert_eq!(server.connections(), 1);
    assert_sane(&err);
}

#[test]
fn a_reset_connection_is_a_transport_error() {
    let server = Server::start(Behavior::Reset);
    let err = put_destination(&server, |b| b).unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert!(matches!(t.kind, TransportErrorKind::Io | TransportErrorKind::Connect), "{t:?}");
    assert_sane(&err);
}

#[test]
fn responses_that_are_not_valid_http_are_transport_errors() {
    let mut huge_headers = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..20_000 {
        huge_headers.extend_from_slice(format!("x-filler-{i}: {}\r\n", "v".repeat(40)).as_bytes());
    }
    huge_headers.extend_from_slice(b"content-length: 2\r\n\r\n{}");
    for raw in [
        b"SSH-2.0-OpenSSH_9.6\r\n".to_vec(),
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03garbage".to_vec(),
        b"HTTP/1.1 abc Nope\r\ncontent-length: 2\r\n\r\n{}".to_vec(),
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 5\r\n\r\n{}".to_vec(),
        b"HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n{}".to_vec(),
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".to_vec(),
        huge_headers,
    ] {
        let server = Server::respond(raw.clone());
        let err = put_destination(&server, |b| b).unwrap_err();
        let what = String::from_utf8_lossy(&raw[..raw.len().min(60)]).into_owned();
        let PutDestinationError::Transport(t) = &err else { panic!("{what:?}: expected Transport, got {err:?}") };
        assert_eq!(t.kind, TransportErrorKind::Io, "{what:?}: {t:?}");
        assert_sane(&err);
    }
}

#[test]
fn unusual_but_valid_http_is_understood() {
    let body = br#"{"destination":{"destinationName":"d"}}"#;
    let mut chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    for part in body.chunks(7) {
        chunked.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        chunked.extend_from_slice(part);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut continued = b"HTTP/1.1 100 Continue\r\n\r\n".to_vec();
    continued.extend(http("200 OK", &[], body));
    let mut http10 = format!("HTTP/1.0 200 OK\r\ncontent-length: {}\r\n\r\n", body.len()).into_bytes();
    http10.extend_from_slice(body);
    for raw in [chunked, continued, http10, http_until_close("200 OK", body)] {
        let server = Server::respond(raw.clone());
        let out = put_destination(&server, |b| b)
            .unwrap_or_else(|e| panic!("{:?}: {e:?}", String::from_utf8_lossy(&raw[..40])));
        assert_eq!(out.destination.unwrap().destination_name.as_deref(), Some("d"));
    }
}

#[test]
fn a_refused_connection_is_a_connect_error_retried_to_the_limit() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let input = PutDestinationInput::new("d", "arn:t", "arn:r");
    let err = run(async {
        let config = Config::builder()
            .region("us-east-1")
            .endpoint(format!("http://127.0.0.1:{port}"))
            .credentials(Credentials::new("AKID", SECRET, None))
            .retry(RetryConfig {
                max_attempts: 3,
                initial_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(20),
            })
            .build()
            .unwrap();
        logs::Client::new(config).put_destination_with(input).await
    })
    .unwrap_err();
    let PutDestinationError::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert_eq!((t.kind, t.attempts), (TransportErrorKind::Connect, 3), "{t:?}");
    assert_sane(&err);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = Server::start(Behavior::Hang(Duration::from_secs(20)));
    let started = Instant::now();
    let err = put_destination(&server, |b| b.read_timeout(Duration::from_millis(300)).max_attempts(1)).unwrap_err();
    let elapsed = started.elapsed();
    let PutDestinationError::Timeout(t) = &err else { panic!("expected Timeout, got {err:?}") };
    assert_eq!((t.kind, t.after, t.attempts), (TimeoutKind::Read, Duration::from_millis(300), 1));
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert!(elapsed >= Duration::from_millis(290), "gave up early, after {elapsed:?}");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_sane(&err);
}

#[test]
fn a_server_that_stalls_mid_body_times_out() {
    // Headers promptly, then part of the body, then silence with the
    // connection held open.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            read_request(&mut stream);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n{\"destination\":");
            std::thread::sleep(Duration::from_secs(20));
        }
    });
    let input = DescribeDestinationsInput::default();
    let started = Instant::now();
    let err = run(async {
        let config = Config::builder()
            .region("us-east-1")
            .endpoint(format!("http://127.0.0.1:{port}"))
            .credentials(Credentials::new("AKID", SECRET, None))
            .read_timeout(Duration::from_millis(300))
            .max_attempts(1)
            .build()
            .unwrap();
        logs::Client::new(config).describe_destinations_with(input).await
    })
    .unwrap_err();
    let DescribeDestinationsError::Timeout(t) = &err else { panic!("expected Timeout, got {err:?}") };
    assert_eq!(t.kind, TimeoutKind::Read);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------
// Fault injection: scripted failures, then what the client does about them

/// The `clientToken` of each CreateDetector request the server read in full.
fn client_tokens(server: &Server) -> Vec<String> {
    server
        .heads
        .lock()
        .unwrap()
        .iter()
        .filter_map(|r| r.split_once("\r\n\r\n").map(|(_, body)| body.to_string()))
        .filter_map(|body| serde_json::from_str::<serde_json::Value>(&body).ok())
        .filter_map(|v| v["clientToken"].as_str().map(str::to_string))
        .collect()
}

fn truncated_200() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"detector".to_vec()
}

#[test]
fn a_token_protected_operation_survives_resets_5xx_throttling_and_partial_bodies_with_one_token() {
    let server = Server::start(Behavior::script([
        Behavior::Close,
        Behavior::respond(http("500 Internal Server Error", &[("x-amzn-errortype", "InternalServerErrorException")], b"{}")),
        Behavior::respond(truncated_200()),
        Behavior::respond(http("429 Too Many Requests", &[("x-amzn-errortype", "ThrottlingException")], b"{}")),
        Behavior::respond(http("200 OK", &[("content-type", "application/json")], br#"{"detectorId":"d-1"}"#)),
    ]));
    let out = run(async {
        let config = builder(&server).max_attempts(5).build().unwrap();
        gd::Client::new(config).create_detector_with(CreateDetectorInput::new(true)).await
    })
    .expect("the fifth attempt succeeds");
    assert_eq!(out.detector_id.as_deref(), Some("d-1"));
    assert_eq!(server.connections(), 5);
    let tokens = client_tokens(&server);
    assert_eq!(tokens.len(), 5, "every attempt was read in full");
    assert!(tokens.iter().all(|t| t == &tokens[0]), "one idempotency token for every attempt: {tokens:?}");
}

#[test]
fn retries_are_bounded_and_the_error_says_why() {
    let server = Server::respond(http("503 Service Unavailable", &[("x-amzn-errortype", "ServiceUnavailable")], b"{}"));
    let err = put_destination(&server, |b| b.max_attempts(4)).unwrap_err();
    assert_eq!(server.connections(), 4, "503 is retried, up to max_attempts in all");
    let PutDestinationError::Unmodeled(e) = &err else { panic!("expected Unmodeled, got {err:?}") };
    assert_eq!((e.status, e.code.as_str(), e.attempts), (503, "ServiceUnavailable", 4));
    let text = err.to_string();
    assert!(text.contains("503") && text.contains("ServiceUnavailable"), "{text}");
    assert_sane(&err);
}

#[test]
fn an_unprotected_operation_is_never_sent_twice_after_it_may_have_been_acted_on() {
    // PutDestination is neither idempotent nor token-protected: a lost
    // response, a 500 or a cut-off body must not cause a second request.
    for first in [
        Behavior::Close,
        Behavior::respond(http("500 Internal Server Error", &[], b"{}")),
        Behavior::respond(truncated_200()),
    ] {
        let ok = Behavior::respond(http("200 OK", &[], b"{}"));
        let server = Server::start(Behavior::script([first, ok]));
        let err = put_destination(&server, |b| b.max_attempts(5)).unwrap_err();
        assert_eq!(server.connections(), 1, "sent once: {err:?}");
        assert_sane(&err);
    }
    // Throttling means the service did not act: that is retried.
    let server = Server::start(Behavior::script([
        Behavior::respond(http("400 Bad Request", &[("x-amzn-errortype", "ThrottlingException")], b"{}")),
        Behavior::respond(http("200 OK", &[], b"{}")),
    ]));
    put_destination(&server, |b| b).expect("retried after throttling");
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_stall_on_one_attempt_times_out_and_a_token_protected_call_retries() {
    let server = Server::start(Behavior::script([
        Behavior::Hang(Duration::from_secs(5)),
        Behavior::respond(http("200 OK", &[("content-type", "application/json")], br#"{"detectorId":"d-2"}"#)),
    ]));
    let started = Instant::now();
    let out = run(async {
        let config = builder(&server).read_timeout(Duration::from_millis(300)).build().unwrap();
        gd::Client::new(config).create_detector_with(CreateDetectorInput::new(true)).await
    })
    .expect("the second attempt succeeds");
    assert_eq!(out.detector_id.as_deref(), Some("d-2"));
    assert!(started.elapsed() < Duration::from_secs(4), "the stalled attempt was cut at the read timeout");
    let tokens = client_tokens(&server);
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0], tokens[1]);
}

