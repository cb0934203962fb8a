//! Streamed uploads and retries: a body that can be read again (a file) is
//! sent again, whole and with the same trailing checksum, when S3 answers
//! `503 SlowDown`; a body that cannot (a channel) is sent once and the
//! error is the call's. Against a local S3-like server on 127.0.0.1 that
//! keeps every request it gets.

use std::sync::{Arc, Mutex};

use aws_generated::s3::{self, types as s3t};
use integration_tests::{serve_http_keep_alive, NoSleep};
use smithy_gen_runtime::checksums::checksum_header;
use smithy_gen_runtime::transport::StreamingBody;
use smithy_gen_runtime::{Config, Credentials, OperationError};

const SLOW_DOWN: &str = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>r-1</RequestId></Error>";

/// Every request a server got: its head and body.
type Requests = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A server that answers the first `failures` requests with 503 SlowDown
/// and the rest with 200 and an ETag; every request's head and body kept.
fn server(failures: usize) -> (String, Requests) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let url = serve_http_keep_alive(move |head, body| {
        let mut log = log.lock().unwrap();
        log.push((head.to_string(), body.to_vec()));
        if log.len() <= failures {
            (503, "content-type: application/xml\r\n".into(), SLOW_DOWN.into())
        } else {
            (200, "etag: \"abc\"\r\n".into(), String::new())
        }
    });
    (url, seen)
}

fn client(url: &str) -> s3::Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(url)
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .max_attempts(3)
        .sleep(Arc::new(NoSleep))
        .build()
        .expect("config");
    s3::Client::new(config)
}

/// The bytes of an aws-chunked body and its trailer line.
fn decode_chunked(mut rest: &[u8]) -> (Vec<u8>, String) {
    let mut out = Vec::new();
    loop {
        let line = rest.iter().position(|&b| b == b'\r').expect("a chunk header");
        let n = usize::from_str_radix(std::str::from_utf8(&rest[..line]).unwrap(), 16).expect("a hex length");
        rest = &rest[line + 2..];
        if n == 0 {
            return (out, String::from_utf8_lossy(rest).trim().to_string());
        }
        out.extend_from_slice(&rest[..n]);
        rest = &rest[n + 2..];
    }
}

#[tokio::test]
async fn a_file_is_read_again_for_each_attempt() {
    let (url, seen) = server(2);
    let bytes: Vec<u8> = (0..150_000u32).map(|i| (i % 241) as u8).collect();
    let path = std::env::temp_dir().join(format!("smithy-upload-retry-{}.bin", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let body = StreamingBody::from_file(&path).await.expect("opens");
    let put = client(&url).put_object_from_stream(s3t::PutObjectInput::new("bucket", "retried.bin"), body).await;
    let _ = std::fs::remove_file(&path);
    let put = put.expect("the third attempt succeeds");
    assert_eq!(put.e_tag.as_deref(), Some("\"abc\""));

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3, "two 503s, then the upload");
    let (_, crc32) = checksum_header("CRC32", &bytes).unwrap();
    for (head, body) in seen.iter() {
        assert!(head.starts_with("PUT /bucket/retried.bin?"), "{head}");
        assert!(head.to_ascii_lowercase().contains("x-amz-content-sha256: streaming-unsigned-payload-trailer"), "{head}");
        let (decoded, trailer) = decode_chunked(body);
        assert!(decoded == bytes, "every attempt sends the whole file");
        assert_eq!(trailer, format!("x-amz-checksum-crc32:{crc32}"));
    }
}

#[tokio::test]
async fn a_channel_is_sent_once() {
    let (url, seen) = server(usize::MAX);
    let (sender, body) = StreamingBody::channel(4, Some(5));
    let feed = tokio::spawn(async move { sender.send(b"hello".to_vec()).await.ok() });
    let err = client(&url).put_object_from_stream(s3t::PutObjectInput::new("bucket", "once.bin"), body).await.expect_err("503");
    feed.await.unwrap();
    assert_eq!(err.code(), Some("SlowDown"));
    assert_eq!(seen.lock().unwrap().len(), 1, "a channel's body cannot be sent again");
}
