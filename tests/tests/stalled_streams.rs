//! Streamed bodies against servers on 127.0.0.1 that stall, trickle or lie:
//! a streamed download that stops moving ends with a `StalledDownload`
//! timeout instead of waiting forever, while a slow reader or a slow but
//! live server is left alone; an upload whose server stops reading ends
//! with `StalledUpload`; an event stream idle past its limit ends with
//! `EventStreamIdle` (and is left open without one); and a streamed
//! download with `ChecksumMode: ENABLED` fails at its end when its bytes do
//! not match the response's checksum.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use aws_generated::cloudwatch_logs::{self, types as logs};
use aws_generated::s3::{self, types as s3t};
use smithy_gen_runtime::error::{TimeoutKind, TransportErrorKind};
use smithy_gen_runtime::streams::stalled::StalledStreams;
use smithy_gen_runtime::transport::{BodyStream, SendError, StreamingBody};
use smithy_gen_runtime::{Config, ConfigBuilder, Credentials};

/// A server on 127.0.0.1 that reads each request's head and hands the
/// connection to `answer`. Returns its base URL.
fn serve(answer: impl Fn(TcpStream, String) + Send + Sync + 'static) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port on 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                answer(stream, String::from_utf8_lossy(&head).into_owned());
            });
        }
    });
    url
}

fn builder(url: &str, rules: StalledStreams) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .endpoint(url)
        .credentials(Credentials::new("AKID", "stall-secret", None))
        .client_context_param("ForcePathStyle", true)
        .read_timeout(Duration::from_secs(30))
        .max_attempts(1)
        .stalled_streams(rules)
}

fn quick(grace_ms: u64) -> StalledStreams {
    StalledStreams::default().with_min_throughput(1).with_grace(Duration::from_millis(grace_ms))
}

/// Read `body` to its end: the bytes, and the error that ended it. The
/// test fails rather than hangs if it takes 20 s.
async fn drain(mut body: BodyStream, pause: Duration) -> (Vec<u8>, Option<SendError>) {
    let reading = async move {
        let mut out = Vec::new();
        while let Some(chunk) = body.next_chunk().await {
            match chunk {
                Ok(c) => out.extend_from_slice(&c),
                Err(e) => return (out, Some(e)),
            }
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
        }
        (out, None)
    };
    tokio::time::timeout(Duration::from_secs(20), reading).await.expect("the body neither ended nor failed within 20 s: it hangs")
}

fn head(length: usize, extra: &str) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {length}\r\n{extra}\r\n")
}

async fn get(url: &str, rules: StalledStreams, checksum: bool) -> (s3t::GetObjectOutput, BodyStream) {
    let client = s3::Client::new(builder(url, rules).build().unwrap());
    let mut input = s3t::GetObjectInput::new("bucket", "key");
    if checksum {
        input.checksum_mode = Some(s3t::ChecksumMode::Enabled);
    }
    client.get_object_stream(input).await.expect("the response head arrives")
}

#[tokio::test]
async fn a_download_that_stops_moving_ends_with_a_stall_timeout() {
    // 100 of 1,000 bytes, then nothing, the connection held open.
    let url = serve(|mut s, _| {
        let _ = s.write_all(head(1000, "").as_bytes());
        let _ = s.write_all(&[7u8; 100]);
        let _ = s.flush();
        std::thread::sleep(Duration::from_secs(30));
    });
    let (_, body) = get(&url, quick(300), false).await;
    let started = Instant::now();
    let (got, error) = drain(body, Duration::ZERO).await;
    assert_eq!(got.len(), 100);
    match error {
        Some(SendError::Timeout(t)) => assert_eq!((t.kind, t.after), (TimeoutKind::StalledDownload, Duration::from_millis(300))),
        other => panic!("expected a stalled-download timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let shown = SendError::Timeout(smithy_gen_runtime::error::TimeoutError { kind: TimeoutKind::StalledDownload, after: Duration::from_millis(300), attempts: 1 });
    let shown = match shown {
        SendError::Timeout(t) => t.to_string(),
        SendError::Transport(t) => t.to_string(),
    };
    assert!(shown.contains("stalled download") && shown.contains("stalled-stream protection"), "{shown}");
}

#[tokio::test]
async fn a_slow_reader_or_a_slow_live_server_is_not_a_stall() {
    // The whole body at once; the caller takes 0.5 s over each chunk (more
    // than the grace period): only the network's waits count.
    let url = serve(|mut s, _| {
        let _ = s.write_all(head(3 * 16384, "").as_bytes());
        for _ in 0..3 {
            let _ = s.write_all(&[1u8; 16384]);
            let _ = s.flush();
        }
        std::thread::sleep(Duration::from_secs(5));
    });
    let (_, body) = get(&url, quick(300), false).await;
    let (got, error) = drain(body, Duration::from_millis(600)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got.len(), 3 * 16384);
    // A byte every 100 ms for 3 s: slow, but over 1 B/s in every second.
    let url = serve(|mut s, _| {
        let _ = s.write_all(head(30, "").as_bytes());
        for _ in 0..30 {
            let _ = s.write_all(b"x");
            let _ = s.flush();
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let (_, body) = get(&url, quick(1000), false).await;
    let (got, error) = drain(body, Duration::ZERO).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, vec![b'x'; 30]);
    // The same stalling server with the rules off: still waiting after 1 s.
    let url = serve(|mut s, _| {
        let _ = s.write_all(head(1000, "").as_bytes());
        let _ = s.write_all(&[7u8; 10]);
        std::thread::sleep(Duration::from_secs(30));
    });
    let (_, mut body) = get(&url, StalledStreams::disabled(), false).await;
    assert_eq!(body.next_chunk().await.unwrap().unwrap().len(), 10);
    assert!(tokio::time::timeout(Duration::from_secs(1), body.next_chunk()).await.is_err(), "with the rules off, nothing ends the wait");
}

#[tokio::test]
async fn a_streamed_download_is_checked_against_its_checksum_when_asked() {
    // "Hello world" with the CRC32 of "Hello World".
    let (_, wrong) = smithy_gen_runtime::checksums::checksum_header("CRC32", b"Hello World").unwrap();
    let (_, right) = smithy_gen_runtime::checksums::checksum_header("CRC32", b"Hello world").unwrap();
    let server = |crc: String| {
        serve(move |mut s, _| {
            let _ = s.write_all(head(11, &format!("x-amz-checksum-crc32: {crc}\r\n")).as_bytes());
            let _ = s.write_all(b"Hello ");
            let _ = s.flush();
            std::thread::sleep(Duration::from_millis(20));
            let _ = s.write_all(b"world");
        })
    };
    let (_, body) = get(&server(wrong.clone()), StalledStreams::default(), true).await;
    let (got, error) = drain(body, Duration::ZERO).await;
    assert_eq!(got, b"Hello world");
    match error {
        Some(SendError::Transport(t)) => {
            assert_eq!(t.kind, TransportErrorKind::ChecksumMismatch);
            assert!(t.message.contains(&wrong) && t.message.contains(&right), "{}", t.message);
        }
        other => panic!("expected a checksum mismatch, got {other:?}"),
    }
    let (_, body) = get(&server(right), StalledStreams::default(), true).await;
    let (got, error) = drain(body, Duration::ZERO).await;
    assert!(error.is_none() && got == b"Hello world", "{error:?}");
    // Without ChecksumMode the body is not checked (as botocore).
    let (_, body) = get(&server(wrong), StalledStreams::default(), false).await;
    assert!(drain(body, Duration::ZERO).await.1.is_none());
}

#[tokio::test]
async fn an_upload_the_server_stops_reading_ends_with_a_stall_timeout() {
    // The server reads the head and never the body: once the socket
    // buffers are full, the connection takes nothing more.
    let url = serve(|_s, _| std::thread::sleep(Duration::from_secs(60)));
    let client = s3::Client::new(builder(&url, quick(300)).build().unwrap());
    let size = 64 << 20;
    let body = StreamingBody::from_reader(std::io::Cursor::new(vec![0u8; size]), Some(size as u64));
    let started = Instant::now();
    let call = client.put_object_from_stream(s3t::PutObjectInput::new("bucket", "key"), body);
    let e = tokio::time::timeout(Duration::from_secs(20), call).await.expect("the upload neither ended nor failed within 20 s: it hangs").expect_err("stalled");
    let s3::errors::PutObjectError::Timeout(t) = &e else { panic!("{e:?}") };
    assert_eq!(t.kind, TimeoutKind::StalledUpload);
    assert!(e.to_string().contains("stalled upload"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}

#[tokio::test]
async fn an_idle_event_stream_ends_at_its_idle_limit_and_only_with_one() {
    // The stream opens, then no message ever comes.
    let server = || {
        serve(|mut s, _| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\ntransfer-encoding: chunked\r\n\r\n");
            let _ = s.flush();
            std::thread::sleep(Duration::from_secs(30));
        })
    };
    let input = || logs::StartLiveTailInput::new(vec!["arn:aws:logs:us-east-1:123456789012:log-group:g".to_string()]);
    let rules = StalledStreams::default().with_event_idle(Some(Duration::from_millis(300)));
    let client = cloudwatch_logs::Client::new(builder(&server(), rules).build().unwrap());
    // The stream's first message (its initial response) is awaited as it
    // opens, so the limit may end the call there or at the first `recv`.
    let started = Instant::now();
    let waiting = async {
        let (_, mut events) = client.start_live_tail_with(input()).await?;
        events.recv().await.map(|_| ())
    };
    let e = tokio::time::timeout(Duration::from_secs(10), waiting).await.expect("the idle limit ends the wait").expect_err("idle");
    assert!(e.to_string().contains("without an event (the event stream's idle limit)"), "{e}");
    assert!(started.elapsed() >= Duration::from_millis(300) && started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    // By default a live tail may be silent as long as it likes.
    let client = cloudwatch_logs::Client::new(builder(&server(), StalledStreams::default()).build().unwrap());
    let waiting = async {
        let (_, mut events) = client.start_live_tail_with(input()).await?;
        events.recv().await.map(|_| ())
    };
    assert!(tokio::time::timeout(Duration::from_secs(1), waiting).await.is_err(), "no idle limit by default");
}

/// A server that reads the first `slow` bytes of each request's body (its
/// `content-length`) at about `rate` bytes a second, the rest at once,
/// then answers 200.
fn slow_reader(rate: usize, slow: usize) -> String {
    serve(move |mut s, head| {
        let length: usize = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse().unwrap_or(0)))
            .unwrap_or(0);
        let piece = (rate / 20).max(1);
        let mut buf = vec![0u8; 1 << 20];
        let mut read = 0;
        while read < length {
            let want = if read < slow { piece } else { buf.len() };
            match s.read(&mut buf[..want.min(length - read)]) {
                Ok(0) | Err(_) => return,
                Ok(n) => read += n,
            }
            if read < slow {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
    })
}

/// A source of `pieces` chunks of `size` bytes each.
struct Chunks {
    left: usize,
    size: usize,
}

impl smithy_gen_runtime::transport::ProduceChunks for Chunks {
    fn poll_chunk(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<smithy_gen_runtime::Bytes, String>>> {
        if self.left == 0 {
            return std::task::Poll::Ready(None);
        }
        self.left -= 1;
        std::task::Poll::Ready(Some(Ok(smithy_gen_runtime::Bytes::from(vec![1u8; self.size]))))
    }
}

#[tokio::test]
async fn a_long_upload_to_a_slow_server_is_neither_a_read_timeout_nor_a_stall() {
    // 24 MiB, its first 12 read at about 4 MB/s: three times the 1 s read
    // timeout, with the bytes moving all the time, in two chunks far larger
    // than what the connection takes at once. (The rest, once sent, fits in
    // the sockets' buffers and is read at once: waiting for the answer after
    // the last byte is the read timeout's business.)
    let url = slow_reader(4_000_000, 12 << 20);
    let rules = quick(1000);
    let client = s3::Client::new(builder(&url, rules).read_timeout(Duration::from_secs(1)).build().unwrap());
    let size = 24 << 20;
    let body = StreamingBody::new(Chunks { left: 2, size: size / 2 }, Some(size as u64));
    let started = Instant::now();
    let call = client.put_object_from_stream(s3t::PutObjectInput::new("bucket", "key"), body);
    tokio::time::timeout(Duration::from_secs(30), call).await.expect("no hang").expect("the upload goes through");
    assert!(started.elapsed() > Duration::from_secs(1), "the upload took longer than the read timeout: {:?}", started.elapsed());
}

#[tokio::test]
async fn an_upload_waiting_for_a_connection_is_not_a_stall() {
    // One connection per host, held by an open download for 2 s; the
    // upload waits for it past its 1 s grace, then goes through.
    let url = serve(|mut s, head| {
        if head.starts_with("GET") {
            let _ = s.write_all(head_line(100).as_bytes());
            let _ = s.write_all(&[0u8; 10]);
            std::thread::sleep(Duration::from_secs(30));
        } else {
            let mut sink = [0u8; 1000];
            let _ = s.read_exact(&mut sink);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let transport = smithy_gen_runtime::transport::default::DefaultTransport::builder().max_connections_per_host(1).build().unwrap();
    let config = builder(&url, quick(1000)).transport(std::sync::Arc::new(transport)).build().unwrap();
    let client = s3::Client::new(config);
    let (_, body) = client.get_object_stream(s3t::GetObjectInput::new("bucket", "held")).await.expect("the download opens");
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        drop(body);
    });
    let upload = StreamingBody::from_reader(std::io::Cursor::new(vec![0u8; 1000]), Some(1000));
    let call = client.put_object_from_stream(s3t::PutObjectInput::new("bucket", "key"), upload);
    tokio::time::timeout(Duration::from_secs(20), call).await.expect("no hang").expect("the upload waits for the connection, then goes through");
    release.await.unwrap();
}

fn head_line(length: usize) -> String {
    head(length, "")
}

#[tokio::test]
async fn an_error_body_that_stalls_ends_the_call() {
    // A 500 whose body stops after 10 of its 100 bytes.
    let url = serve(|mut s, _| {
        let _ = s.write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/xml\r\ncontent-length: 100\r\n\r\n<Error><Co");
        let _ = s.flush();
        std::thread::sleep(Duration::from_secs(30));
    });
    let client = s3::Client::new(builder(&url, quick(1000).with_downloads(false)).build().unwrap());
    let call = client.get_object_stream(s3t::GetObjectInput::new("bucket", "key"));
    let e = tokio::time::timeout(Duration::from_secs(20), call).await.expect("the stalled error body does not hold the call").expect_err("an error");
    assert!(e.to_string().contains("stalled download"), "{e}");
}

#[tokio::test]
async fn a_sleep_that_does_not_sleep_never_fails_or_hangs_a_stream() {
    // A test's instant Sleep cannot time a stall: the guards stand down
    // instead of failing every wait or spinning.
    let url = serve(|mut s, _| {
        let _ = s.write_all(head(30, "").as_bytes());
        for _ in 0..3 {
            let _ = s.write_all(&[b'x'; 10]);
            let _ = s.flush();
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let config = builder(&url, quick(1000)).sleep(std::sync::Arc::new(integration_tests::NoSleep)).build().unwrap();
    let (_, body) = s3::Client::new(config).get_object_stream(s3t::GetObjectInput::new("bucket", "key")).await.expect("opens");
    let (got, error) = drain(body, Duration::ZERO).await;
    assert!(error.is_none() && got.len() == 30, "{error:?}");
    let url = slow_reader(2_000_000, 200_000);
    let config = builder(&url, quick(1000)).sleep(std::sync::Arc::new(integration_tests::NoSleep)).build().unwrap();
    let upload = StreamingBody::from_reader(std::io::Cursor::new(vec![0u8; 200_000]), Some(200_000));
    let client = s3::Client::new(config);
    let call = client.put_object_from_stream(s3t::PutObjectInput::new("bucket", "key"), upload);
    tokio::time::timeout(Duration::from_secs(20), call).await.expect("no hang").expect("goes through");
}

#[tokio::test]
async fn a_reader_polling_in_a_select_loop_still_sees_the_stall() {
    let url = serve(|mut s, _| {
        let _ = s.write_all(head(1000, "").as_bytes());
        let _ = s.write_all(&[7u8; 10]);
        let _ = s.flush();
        std::thread::sleep(Duration::from_secs(30));
    });
    let (_, mut body) = get(&url, quick(1000), false).await;
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    let error = loop {
        tokio::select! {
            chunk = body.next_chunk() => match chunk {
                Some(Ok(_)) => {}
                Some(Err(e)) => break e,
                None => panic!("the body ended"),
            },
            _ = ticker.tick() => {}
        }
        assert!(started.elapsed() < Duration::from_secs(15), "cancelled reads restarted the stall clock");
    };
    assert!(matches!(error, SendError::Timeout(ref t) if t.kind == TimeoutKind::StalledDownload), "{error:?}");
}

#[test]
fn body_out_never_leaves_a_corrupt_or_partial_file() {
    // The lying server: "Hello world" with the CRC32 of "Hello World".
    let (_, wrong) = smithy_gen_runtime::checksums::checksum_header("CRC32", b"Hello World").unwrap();
    let (_, right) = smithy_gen_runtime::checksums::checksum_header("CRC32", b"Hello world").unwrap();
    let server = |crc: String| {
        serve(move |mut s, _| {
            let _ = s.write_all(head(11, &format!("x-amz-checksum-crc32: {crc}\r\n")).as_bytes());
            let _ = s.write_all(b"Hello world");
        })
    };
    let dir = std::env::temp_dir().join(format!("body-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("object.txt");
    std::fs::write(&target, b"the user's older copy").unwrap();
    let call = |url: &str| {
        std::process::Command::new(integration_tests::smithy_call_binary())
            .args(["s3", "GetObject", "--input", r#"{"Bucket":"b","Key":"k","ChecksumMode":"ENABLED"}"#, "--body-out"])
            .arg(&target)
            .args(["--endpoint", url, "--region", "us-east-1"])
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "body-out-secret")
            .env("AWS_S3_FORCE_PATH_STYLE", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
            .output()
            .expect("run smithy-call")
    };
    let bad = call(&server(wrong));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("does not match its checksum") && stderr.contains("nothing written to"), "{stderr}");
    assert_eq!(std::fs::read(&target).unwrap(), b"the user's older copy", "the older file is untouched");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 1, "no partial file left: {left:?}");
    let good = call(&server(right));
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    assert_eq!(std::fs::read(&target).unwrap(), b"Hello world");
    let _ = std::fs::remove_dir_all(&dir);
}
