//! The default transport (`smithy_gen_runtime::transport::default`, hyper's
//! client) against what a hostile or broken server does, one test per defect
//! a review found in the runtime's former own HTTP/1.1 client: an unsolicited
//! response on an idle connection, a chunk size that overflows, unbounded
//! chunk extensions and trailers, user information in the `Host` header,
//! caller framing headers, the read timeout bounding the whole exchange
//! rather than idle time; and the limit on connections per host.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use smithy_gen_runtime::transport::default::{DefaultTransport, Proxies};
use smithy_gen_runtime::error::{TimeoutKind, TransportErrorKind};
use smithy_gen_runtime::transport::{SendError, Transport};

fn transport() -> DefaultTransport {
    DefaultTransport::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(5))
        .proxies(Proxies::None)
        .build()
        .expect("transport")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

fn post(port: u16, body: &[u8]) -> http::Request<smithy_gen_runtime::Bytes> {
    http::Request::builder().method("POST").uri(format!("http://127.0.0.1:{port}/")).body(smithy_gen_runtime::Bytes::copy_from_slice(body)).expect("request")
}

/// A server running `serve` on each accepted connection (with its index),
/// counting connections.
fn server(serve: impl Fn(TcpStream, usize) + Send + Sync + 'static) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let serve = Arc::clone(&serve);
            std::thread::spawn(move || serve(stream, n));
        }
    });
    (port, count)
}

fn ok(body: &str) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}", body.len())
}

/// This process's resident memory, in bytes.
fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kib| kib * 1024)
}

#[test]
fn an_unsolicited_response_on_an_idle_connection_is_never_the_next_calls_answer() {
    let (port, connections) = server(|mut stream, n| {
        let mut pending = Vec::new();
        while let Ok(Some(_)) = integration_tests::read_http_request(&mut stream, &mut pending) {
            let _ = stream.write_all(ok(&format!("answer-{n}")).as_bytes());
            // Then, unasked, a second response on the now idle connection.
            let _ = stream.write_all(ok("evil").as_bytes());
        }
    });
    let t = transport();
    let rt = runtime();
    let first = rt.block_on(t.send(post(port, b"{}"), 1 << 20)).expect("first call");
    assert_eq!(&first.body[..], b"answer-0");
    // The runtime stands still while the server writes on the idle connection.
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..3 {
        let next = rt.block_on(t.send(post(port, b"{}"), 1 << 20)).expect("the next call succeeds");
        assert_ne!(&next.body[..], b"evil", "an unsolicited response was read as a call's answer");
        assert!(next.body.starts_with(b"answer-"), "{:?}", String::from_utf8_lossy(&next.body));
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(connections.load(Ordering::SeqCst) >= 2, "the poisoned connection was replaced");
}

#[test]
fn a_connection_the_server_closed_while_idle_is_replaced_without_an_error() {
    let (port, connections) = server(|mut stream, n| {
        let mut pending = Vec::new();
        if let Ok(Some(_)) = integration_tests::read_http_request(&mut stream, &mut pending) {
            let _ = stream.write_all(ok(&format!("answer-{n}")).as_bytes());
        }
        // Closed without `connection: close`.
    });
    let t = transport();
    let rt = runtime();
    for i in 0..3 {
        let r = rt.block_on(t.send(post(port, b"{}"), 1 << 20)).unwrap_or_else(|e| panic!("call {i}: {e:?}"));
        assert_eq!(r.body, format!("answer-{i}").as_bytes());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}

/// Serve one response head, then `tail` (written in pieces until the client
/// goes away or `cap` bytes were written).
fn hostile_body(head: &'static str, tail: impl Fn(usize) -> Vec<u8> + Send + Sync + 'static, cap: usize) -> u16 {
    let (port, _) = server(move |mut stream, _| {
        let mut pending = Vec::new();
        if let Ok(Some(_)) = integration_tests::read_http_request(&mut stream, &mut pending) {
            let _ = stream.write_all(head.as_bytes());
            let mut written = 0;
            let mut i = 0;
            while written < cap {
                let piece = tail(i);
                if piece.is_empty() || stream.write_all(&piece).is_err() {
                    break;
                }
                written += piece.len();
                i += 1;
            }
        }
    });
    port
}

#[test]
fn a_chunk_size_that_overflows_is_a_clear_error() {
    let port = hostile_body(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffff\r\nb\r\n0\r\n\r\n",
        |_| Vec::new(),
        0,
    );
    let err = runtime().block_on(transport().send(post(port, b"{}"), 1 << 20)).unwrap_err();
    let SendError::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind, TransportErrorKind::Io, "{e}");
    assert!(e.message.contains("reading the response body"), "{e}");
}

#[test]
fn chunk_extension_and_trailer_floods_end_in_an_error_with_bounded_memory() {
    const FLOOD: usize = 256 << 20;
    type Case = (&'static str, &'static str, fn(usize) -> Vec<u8>);
    let cases: [Case; 2] = [
        ("chunk extension", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1;", |_| vec![b'x'; 64 * 1024]),
        ("trailer", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n0\r\n", |i| {
            format!("x-flood-{i}: {}\r\n", "y".repeat(8 * 1024)).into_bytes()
        }),
    ];
    for (what, head, tail) in cases {
        let port = hostile_body(head, tail, FLOOD);
        let before = rss();
        let started = Instant::now();
        let result = runtime().block_on(transport().send(post(port, b"{}"), 1 << 20));
        let grown = rss().saturating_sub(before);
        let err = result.expect_err(what);
        assert!(matches!(&err, SendError::Transport(e) if e.kind == TransportErrorKind::Io), "{what}: {err:?}");
        assert!(grown < 64 << 20, "{what}: memory grew by {} MiB", grown >> 20);
        assert!(started.elapsed() < Duration::from_secs(10), "{what}: took {:?}", started.elapsed());
    }
}

#[test]
fn user_information_never_reaches_the_server() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let (port, _) = server(move |mut stream, _| {
        let mut pending = Vec::new();
        while let Ok(Some((head, body))) = integration_tests::read_http_request(&mut stream, &mut pending) {
            log.lock().unwrap().push(format!("{head}{}", String::from_utf8_lossy(&body)));
            let _ = stream.write_all(ok("{}").as_bytes());
        }
    });
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://user:secret@127.0.0.1:{port}/path"))
        .body(smithy_gen_runtime::Bytes::from_static(b"{}"))
        .expect("request");
    runtime().block_on(transport().send(request, 1 << 20)).expect("call");
    let seen = seen.lock().unwrap();
    assert!(seen[0].starts_with("POST /path HTTP/1.1\r\n"), "{seen:?}");
    assert!(seen[0].to_ascii_lowercase().contains(&format!("host: 127.0.0.1:{port}\r\n")), "{seen:?}");
    assert!(!seen[0].contains("secret") && !seen[0].contains("user"), "{seen:?}");
}

#[test]
fn caller_framing_headers_cannot_desynchronise_a_kept_alive_connection() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let (port, connections) = server(move |mut stream, _| {
        let mut pending = Vec::new();
        while let Ok(Some((_, body))) = integration_tests::read_http_request(&mut stream, &mut pending) {
            log.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
            let _ = stream.write_all(ok("{}").as_bytes());
        }
    });
    let t = transport();
    let rt = runtime();
    let lying = |body: &str, headers: &[(&str, &str)]| {
        let mut b = http::Request::builder().method("POST").uri(format!("http://127.0.0.1:{port}/"));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(smithy_gen_runtime::Bytes::copy_from_slice(body.as_bytes())).expect("request")
    };
    rt.block_on(t.send(lying(r#"{"first":1}"#, &[("content-length", "3")]), 1 << 20)).expect("first");
    rt.block_on(t.send(lying(r#"{"second":2}"#, &[("transfer-encoding", "chunked"), ("connection", "close")]), 1 << 20))
        .expect("second");
    rt.block_on(t.send(lying(r#"{"third":3}"#, &[("content-length", "999")]), 1 << 20)).expect("third");
    assert_eq!(*seen.lock().unwrap(), [r#"{"first":1}"#, r#"{"second":2}"#, r#"{"third":3}"#]);
    assert_eq!(connections.load(Ordering::SeqCst), 1, "one kept-alive connection served all three");
}

#[test]
fn the_read_timeout_is_idle_time_not_the_whole_exchange() {
    // Twenty body bytes, one every 100 ms: two seconds in all, never 500 ms of silence.
    let (port, _) = server(|mut stream, _| {
        let mut pending = Vec::new();
        if let Ok(Some(_)) = integration_tests::read_http_request(&mut stream, &mut pending) {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n");
            for _ in 0..20 {
                std::thread::sleep(Duration::from_millis(100));
                if stream.write_all(b"x").is_err() {
                    return;
                }
            }
        }
    });
    let t = DefaultTransport::builder().read_timeout(Duration::from_millis(500)).proxies(Proxies::None).build().expect("transport");
    let started = Instant::now();
    let r = runtime().block_on(t.send(post(port, b"{}"), 1 << 20)).expect("a slow but steady body is read whole");
    assert_eq!(r.body, vec![b'x'; 20]);
    assert!(started.elapsed() >= Duration::from_millis(1900), "{:?}", started.elapsed());
    // Silence longer than the read timeout mid-body is a read timeout.
    let (port, _) = server(|mut stream, _| {
        let mut pending = Vec::new();
        if let Ok(Some(_)) = integration_tests::read_http_request(&mut stream, &mut pending) {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\nxx");
            std::thread::sleep(Duration::from_secs(3));
        }
    });
    let started = Instant::now();
    let err = runtime().block_on(t.send(post(port, b"{}"), 1 << 20)).unwrap_err();
    assert!(matches!(&err, SendError::Timeout(t) if t.kind == TimeoutKind::Read), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
}

#[test]
fn connections_per_host_are_limited() {
    let open = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (o, m) = (Arc::clone(&open), Arc::clone(&most));
    let (port, _) = server(move |mut stream, _| {
        let now = o.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(now, Ordering::SeqCst);
        let mut pending = Vec::new();
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        while let Ok(Some(_)) = integration_tests::read_http_request(&mut stream, &mut pending) {
            std::thread::sleep(Duration::from_millis(100));
            if stream.write_all(ok("{}").as_bytes()).is_err() {
                break;
            }
        }
        o.fetch_sub(1, Ordering::SeqCst);
    });
    let t = Arc::new(
        DefaultTransport::builder().max_connections_per_host(2).proxies(Proxies::None).build().expect("transport"),
    );
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let t = Arc::clone(&t);
                tokio::spawn(async move { t.send(post(port, b"{}"), 1 << 20).await })
            })
            .collect();
        for c in calls {
            c.await.expect("task").expect("call");
        }
    });
    assert!(most.load(Ordering::SeqCst) <= 2, "{} connections at once", most.load(Ordering::SeqCst));
}

#[test]
fn a_body_over_the_limit_stops_the_read() {
    let port = hostile_body("HTTP/1.1 200 OK\r\ncontent-length: 1000000000\r\n\r\n", |_| vec![b'z'; 64 * 1024], 1 << 30);
    let before = rss();
    let err = runtime().block_on(transport().send(post(port, b"{}"), 1 << 20)).unwrap_err();
    assert!(matches!(&err, SendError::Transport(e) if e.kind == TransportErrorKind::BodyTooLarge), "{err:?}");
    assert!(rss().saturating_sub(before) < 32 << 20);
}
