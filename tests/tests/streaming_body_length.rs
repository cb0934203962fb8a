//! A streamed request body must be as long as it says: HTTP/1.1 sends
//! `Content-Length` bytes and stops, so a body whose source has more is
//! never cut and reported sent. Against a local server on 127.0.0.1 that
//! answers every whole request `200`: a custom `StreamingBody` that yields
//! more bytes than its stated length fails its call (an S3 upload, and a
//! request straight through the default transport, also when the body's
//! `chunks` were swapped after it was made), and the server never
//! acknowledges a request.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use aws_generated::s3::{self, types as s3t};
use integration_tests::{serve_http_keep_alive, NoSleep};
use smithy_gen_runtime::transport::default::{DefaultTransport, Proxies};
use smithy_gen_runtime::transport::{ProduceChunks, StreamingBody, Transport};
use smithy_gen_runtime::{Bytes, Config, Credentials};

/// A user's body source: these chunks, then the end, whatever length the
/// body claims.
struct Chunks(VecDeque<&'static [u8]>);

impl ProduceChunks for Chunks {
    fn poll_chunk(&mut self, _: &mut Context<'_>) -> Poll<Option<Result<Bytes, String>>> {
        Poll::Ready(self.0.pop_front().map(|c| Ok(Bytes::from_static(c))))
    }
}

fn chunks(pieces: &[&'static [u8]]) -> Chunks {
    Chunks(pieces.iter().copied().collect())
}

/// Every whole request a server got: its head and body.
type Requests = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A server answering each whole request `200`, keeping its head and body.
fn server() -> (String, Requests) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let url = serve_http_keep_alive(move |head, body| {
        log.lock().unwrap().push((head.to_string(), body.to_vec()));
        (200, "etag: \"abc\"\r\n".into(), String::new())
    });
    (url, seen)
}

fn transport() -> DefaultTransport {
    DefaultTransport::builder().proxies(Proxies::None).build().expect("transport")
}

#[tokio::test]
async fn an_upload_longer_than_it_says_fails() {
    let (url, seen) = server();
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(&url)
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .transport(Arc::new(transport()))
        .sleep(Arc::new(NoSleep))
        .max_attempts(1)
        .build()
        .expect("config");
    let client = s3::Client::new(config);
    // 10 bytes said to be 5: the first 5 would fill `Content-Length`.
    let body = StreamingBody::new(chunks(&[b"hello", b"world"]), Some(5));
    let e = client.put_object_from_stream(s3t::PutObjectInput::new("bucket", "long.bin"), body).await.expect_err("a body longer than it says");
    assert!(e.to_string().contains("longer than its stated length of 5 bytes"), "{e}");
    // One chunk past the length, too.
    let body = StreamingBody::new(chunks(&[b"hello!"]), Some(5));
    let e = client.put_object_from_stream(s3t::PutObjectInput::new("bucket", "long.bin"), body).await.expect_err("a body longer than it says");
    assert!(e.to_string().contains("longer than its stated length of 5 bytes"), "{e}");
    assert!(seen.lock().unwrap().is_empty(), "the server acknowledged {:?}", seen.lock().unwrap());
    // The same length exactly goes through.
    let body = StreamingBody::new(chunks(&[b"hel", b"lo"]), Some(5));
    client.put_object_from_stream(s3t::PutObjectInput::new("bucket", "exact.bin"), body).await.expect("an exact body");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_default_transport_refuses_a_body_longer_than_it_says() {
    let (url, seen) = server();
    let t = transport();
    let request = || http::Request::builder().method("PUT").uri(format!("{url}/object")).body(()).expect("request");
    let e = t.send_duplex(request(), StreamingBody::new(chunks(&[b"hello", b"world"]), Some(5))).await.expect_err("too long");
    assert!(format!("{e:?}").contains("longer than its stated length of 5 bytes"), "{e:?}");
    // `chunks` is public: a source swapped in after the body was made is
    // held to the length by the transport itself.
    let mut body = StreamingBody::new(chunks(&[b"12345"]), Some(5));
    body.chunks = Box::new(chunks(&[b"hello", b"world"]));
    let e = t.send_duplex(request(), body).await.expect_err("too long");
    assert!(format!("{e:?}").contains("longer than its stated length of 5 bytes"), "{e:?}");
    let mut body = StreamingBody::new(chunks(&[b"12345"]), Some(5));
    body.chunks = Box::new(chunks(&[b"hel"]));
    let e = t.send_duplex(request(), body).await.expect_err("too short");
    assert!(format!("{e:?}").contains("ended after 3 of its stated 5 bytes"), "{e:?}");
    assert!(seen.lock().unwrap().is_empty(), "the server acknowledged {:?}", seen.lock().unwrap());
    let ok = t.send_duplex(request(), StreamingBody::new(chunks(&[b"hello"]), Some(5))).await.expect("exact");
    assert_eq!(ok.status, 200);
    assert_eq!(seen.lock().unwrap()[0].1, b"hello");
}
