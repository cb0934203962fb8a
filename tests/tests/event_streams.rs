//! Output event streams against a local server on 127.0.0.1 through the
//! default transport: a recorded-shape CloudWatch Logs `StartLiveTail`
//! session (an `initial-response`, a `sessionStart`, several
//! `sessionUpdate`s split across TCP writes at awkward offsets, then the
//! modeled `SessionTimeoutException`), read as typed events as they arrive;
//! the end of a stream told apart from a connection dropped mid-message;
//! and `smithy-call` printing the events as JSON lines.

use std::io::Write;
use std::net::TcpListener;
use std::time::Duration;

use aws_generated::cloudwatch_logs::{self as logs, errors::StartLiveTailError, types::StartLiveTailInput, types::StartLiveTailResponseStream};
use smithy_gen_runtime::streams::event_stream::{encode, Header, HeaderValue, Message};
use smithy_gen_runtime::{Config, Credentials, OperationError};

const GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:app";

fn message(kind: &str, type_header: &str, name: &str, payload: &str) -> Vec<u8> {
    let m = Message::new(payload.as_bytes().to_vec())
        .add_header(Header::new(":message-type", HeaderValue::String(kind.to_string().into())))
        .add_header(Header::new(type_header.to_string(), HeaderValue::String(name.to_string().into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/json".into())));
    encode(&m).expect("encodes")
}

/// The session's messages, in order.
fn session(updates: usize) -> Vec<u8> {
    let mut out = message("event", ":event-type", "initial-response", "{}");
    out.extend(message("event", ":event-type", "sessionStart", &format!(r#"{{"requestId":"req-1","sessionId":"sess-1","logGroupIdentifiers":["{GROUP}"]}}"#)));
    for n in 0..updates {
        out.extend(message(
            "event",
            ":event-type",
            "sessionUpdate",
            &format!(r#"{{"sessionMetadata":{{"sampled":false}},"sessionResults":[{{"logStreamName":"web","logGroupIdentifier":"{GROUP}","message":"line {n}","timestamp":1700000000000,"ingestionTime":1700000000500}}]}}"#),
        ));
    }
    // An event type newer than the model: skipped.
    out.extend(message("event", ":event-type", "sessionHeartbeat", "{}"));
    out
}

/// How the server ends the body.
#[derive(Clone, Copy)]
enum End {
    /// The modeled exception, then the chunked body's end.
    Exception,
    /// The chunked body's end, cleanly.
    Clean,
    /// Half a message, then the connection closed (chunked: not ended).
    Dropped,
}

/// A server answering one `StartLiveTail` with `body`, written as chunks of
/// awkward sizes (1, 3, 11, 5, 64, 2, ...), each its own TCP write.
fn serve(body: Vec<u8>, end: End) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return };
        let mut pending = Vec::new();
        let Ok(Some((head, _))) = integration_tests::read_http_request(&mut stream, &mut pending) else { return };
        assert!(head.to_ascii_lowercase().contains("x-amz-target: logs_20140328.startlivetail"), "{head}");
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\nx-amzn-requestid: live-1\r\ntransfer-encoding: chunked\r\n\r\n");
        let mut body = body;
        match end {
            End::Exception => body.extend(message("exception", ":exception-type", "SessionTimeoutException", r#"{"message":"The session timed out after 3 hours"}"#)),
            End::Clean => {}
            End::Dropped => body.extend_from_slice(&message("event", ":event-type", "sessionUpdate", "{}")[..20]),
        }
        integration_tests::write_awkward_chunks(&mut stream, &body, Duration::from_millis(2));
        match end {
            End::Dropped => {
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
            _ => {
                let _ = stream.write_all(b"0\r\n\r\n");
            }
        }
    });
    url
}

fn client(url: &str) -> logs::Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(url)
        .credentials(Credentials::new("AKID", "stream-secret", None))
        .max_attempts(1)
        .build()
        .unwrap();
    logs::Client::new(config)
}

#[tokio::test]
async fn a_live_tail_session_arrives_event_by_event_and_ends_with_its_exception() {
    let url = serve(session(5), End::Exception);
    let (_output, mut events) = client(&url).start_live_tail_with(StartLiveTailInput::new(vec![GROUP.to_string()])).await.expect("the stream opens");
    match events.recv().await.expect("an event") {
        Some(StartLiveTailResponseStream::SessionStart(s)) => {
            assert_eq!((s.session_id.as_deref(), s.log_group_identifiers.as_deref()), (Some("sess-1"), Some(&[GROUP.to_string()][..])));
        }
        other => panic!("{other:?}"),
    }
    for n in 0..5 {
        match events.recv().await.expect("an update") {
            Some(StartLiveTailResponseStream::SessionUpdate(u)) => {
                let results = u.session_results.expect("results");
                assert_eq!(results[0].message.as_deref(), Some(format!("line {n}").as_str()));
                assert_eq!(results[0].timestamp, Some(1_700_000_000_000));
            }
            other => panic!("update {n}: {other:?}"),
        }
    }
    let e = events.recv().await.expect_err("the session's end");
    let StartLiveTailError::SessionTimeoutException(t) = &e else { panic!("{e:?}") };
    assert_eq!(t.message.as_deref(), Some("The session timed out after 3 hours"));
    assert_eq!(e.code(), Some("SessionTimeoutException"));
    assert!(e.to_string().starts_with("StartLiveTail: SessionTimeoutException"), "{e}");
    assert!(events.recv().await.expect("after the error").is_none(), "nothing after the stream's error");
}

#[tokio::test]
async fn the_events_as_a_futures_stream() {
    use futures_core::Stream;
    let url = serve(session(3), End::Exception);
    let (_, events) = client(&url).start_live_tail_with(StartLiveTailInput::new(vec![GROUP.to_string()])).await.expect("the stream opens");
    let mut stream = std::pin::pin!(events.into_stream());
    let mut items = Vec::new();
    while let Some(item) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        items.push(item);
    }
    assert_eq!(items.len(), 5, "sessionStart, three updates, the exception: {items:?}");
    assert!(matches!(items[0], Ok(StartLiveTailResponseStream::SessionStart(_))));
    assert!(items[1..4].iter().all(|i| matches!(i, Ok(StartLiveTailResponseStream::SessionUpdate(_)))));
    assert!(matches!(items[4], Err(StartLiveTailError::SessionTimeoutException(_))), "{:?}", items[4]);
    assert!(std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await.is_none(), "ended for good");
}

#[tokio::test]
async fn the_end_of_a_stream_is_not_a_dropped_connection() {
    let url = serve(session(2), End::Clean);
    let (_, mut events) = client(&url).start_live_tail_with(StartLiveTailInput::new(vec![GROUP.to_string()])).await.unwrap();
    let mut n = 0;
    while events.recv().await.expect("a clean stream").is_some() {
        n += 1;
    }
    assert_eq!(n, 3, "sessionStart and two updates; the unknown event skipped");

    let url = serve(session(2), End::Dropped);
    let (_, mut events) = client(&url).start_live_tail_with(StartLiveTailInput::new(vec![GROUP.to_string()])).await.unwrap();
    for _ in 0..3 {
        events.recv().await.expect("the events before the drop").expect("an event");
    }
    let e = events.recv().await.expect_err("the connection dropped");
    assert_eq!(e.kind(), smithy_gen_runtime::ErrorKind::Transport, "{e}");
    assert!(e.to_string().contains("event stream"), "{e}");
}

#[test]
fn smithy_call_prints_the_events_as_json_lines() {
    let url = serve(session(2), End::Exception);
    let out = std::process::Command::new(integration_tests::smithy_call_binary())
        .args(["logs", "StartLiveTail", "--input", &format!(r#"{{"logGroupIdentifiers":["{GROUP}"]}}"#), "--endpoint", &url, "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", "AKID")
        .env("AWS_SECRET_ACCESS_KEY", "stream-secret")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .output()
        .expect("run smithy-call");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "the output, then three events:\n{stdout}\n{stderr}");
    assert!(lines[1].contains("\"sessionStart\"") && lines[1].contains("sess-1"), "{}", lines[1]);
    assert!(lines[3].contains("\"sessionUpdate\"") && lines[3].contains("line 1"), "{}", lines[3]);
    assert_eq!(out.status.code(), Some(1), "the stream ended with the service's exception");
    assert!(stderr.contains("SessionTimeoutException"), "{stderr}");
}
