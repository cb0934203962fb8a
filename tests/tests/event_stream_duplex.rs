//! A Transcribe-style bidirectional event stream over HTTP/2 with a local
//! server on 127.0.0.1 (TLS, ALPN `h2`): the client sends audio events while
//! the server streams transcripts back, each answer sent after the event it
//! answers arrived, so neither side waits for the other to finish. The
//! server checks the request's signature mode and every event's chained
//! signature against `aws-sigv4` (the AWS SDK for Rust's signer), from the
//! request's own signature through the closing empty message.

use std::sync::{Arc, Mutex};

use aws_generated::transcribe_streaming::types::{AudioEvent, AudioStream, MediaEncoding, StartStreamTranscriptionInput, TranscriptResultStream};
use aws_generated::transcribe_streaming::Client;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Bytes, Frame};
use integration_tests::tls::{RSA_CA, RSA_LEAF, RSA_LEAF_KEY};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use smithy_gen_runtime::transport::default::{DefaultTransport, Proxies};
use integration_tests::event_signatures::{Chain, Scope};
use smithy_gen_runtime::streams::event_stream::{decode, encode, header_str, Header, HeaderValue, Message};
use smithy_gen_runtime::{Blob, Config, Credentials};

const SECRET: &str = "duplex-secret-key";

/// What the server saw: the HTTP version, the payload-hash header, and per
/// event its verdict.
#[derive(Debug, Default)]
struct Seen {
    version: String,
    content_sha256: String,
    audio: Vec<Vec<u8>>,
    /// Every envelope's signature, checked with aws-sigv4.
    chain: Chain,
}

fn transcript(text: &str) -> Bytes {
    let payload = format!(r#"{{"Transcript":{{"Results":[{{"ResultId":"r","IsPartial":false,"Alternatives":[{{"Transcript":"{text}"}}]}}]}}}}"#);
    let m = Message::new(payload.into_bytes())
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String("TranscriptEvent".into())))
        .add_header(Header::new(":content-type", HeaderValue::String("application/json".into())));
    Bytes::from(encode(&m).unwrap())
}

const SCOPE: Scope<'static> = Scope { access_key: "AKIDDUPLEX", secret_key: SECRET, region: "us-east-1", service: "transcribe" };

async fn server(seen: Arc<Mutex<Seen>>) -> u16 {
    let mut config = integration_tests::tls::server_config(RSA_LEAF, RSA_LEAF_KEY, rustls::DEFAULT_VERSIONS);
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let Ok((tcp, _)) = listener.accept().await else { return };
        let Ok(tls) = acceptor.accept(tcp).await else { return };
        let service = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
            let seen = Arc::clone(&seen);
            async move {
                let auth = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                {
                    let mut s = seen.lock().unwrap();
                    s.version = format!("{:?}", request.version());
                    s.content_sha256 = request.headers().get("x-amz-content-sha256").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                }
                seen.lock().unwrap().chain = Chain::new(&auth);
                let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, std::convert::Infallible>>(8);
                let mut body = request.into_body();
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    while let Some(Ok(frame)) = body.frame().await {
                        let Ok(data) = frame.into_data() else { continue };
                        buffer.extend_from_slice(&data);
                        // Whole envelopes: answer each audio event at once.
                        while buffer.len() >= 4 {
                            let len = u32::from_be_bytes(buffer[..4].try_into().unwrap()) as usize;
                            if buffer.len() < len {
                                break;
                            }
                            let envelope = decode(&buffer[..len]).unwrap();
                            buffer.drain(..len);
                            let answer = {
                                let mut s = seen.lock().unwrap();
                                let inner = s.chain.check(&envelope, &SCOPE);
                                inner.filter(|m| header_str(m, ":event-type") == Some("AudioEvent")).map(|m| {
                                    s.audio.push(m.payload().to_vec());
                                    transcript(&format!("chunk {}", s.audio.len()))
                                })
                            };
                            if let Some(answer) = answer {
                                let _ = tx.send(Ok(Frame::data(answer))).await;
                            }
                        }
                    }
                    // The request ended: so does the response.
                });
                let stream = futures_from(rx);
                let response = http::Response::builder()
                    .header("content-type", "application/vnd.amazon.eventstream")
                    .header("x-amzn-request-id", "duplex-1")
                    .body(StreamBody::new(stream))
                    .unwrap();
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let io = hyper_util::rt::TokioIo::new(tls);
        let _ = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new()).serve_connection(io, service).await;
    });
    port
}

/// A receiver as the stream `StreamBody` wants.
fn futures_from<T>(rx: tokio::sync::mpsc::Receiver<T>) -> impl futures_core::Stream<Item = T> {
    ReceiverStream(rx)
}

struct ReceiverStream<T>(tokio::sync::mpsc::Receiver<T>);

impl<T> futures_core::Stream for ReceiverStream<T> {
    type Item = T;
    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<T>> {
        self.0.poll_recv(cx)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audio_goes_out_while_transcripts_come_back_over_http2_each_event_signed() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let port = server(Arc::clone(&seen)).await;
    let transport = DefaultTransport::builder()
        .extra_roots([CertificateDer::from_pem_slice(RSA_CA.as_bytes()).expect("CA")])
        .proxies(Proxies::None)
        .build()
        .unwrap();
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(format!("https://127.0.0.1:{port}"))
        .credentials(Credentials::new("AKIDDUPLEX", SECRET, None))
        .transport(Arc::new(transport))
        .max_attempts(1)
        .build()
        .unwrap();
    let (sender, events) = smithy_gen_runtime::streams::event_stream::channel(4);
    let audio = |n: u8| AudioStream::AudioEvent(AudioEvent::builder().audio_chunk(Blob::new(vec![n; 320])).build());
    // The first event is queued before the call: the stream starts with it.
    sender.send(audio(1)).await.unwrap();
    let client = Client::new(config);
    let call = client.start_stream_transcription_with(StartStreamTranscriptionInput::new(16_000, MediaEncoding::Pcm), events);
    let (_output, mut transcripts) = call.await.expect("the stream opens");
    // Each transcript arrives before the next audio event is sent.
    for n in 1..=3u8 {
        match transcripts.recv().await.expect("a transcript") {
            Some(TranscriptResultStream::TranscriptEvent(t)) => {
                let text = t.transcript.and_then(|t| t.results).and_then(|r| r.into_iter().next()).and_then(|r| r.alternatives).and_then(|a| a.into_iter().next()).and_then(|a| a.transcript);
                assert_eq!(text.as_deref(), Some(format!("chunk {n}").as_str()));
            }
            other => panic!("{other:?}"),
        }
        if n < 3 {
            sender.send(audio(n + 1)).await.unwrap();
        }
    }
    drop(sender);
    assert!(transcripts.recv().await.expect("a clean end").is_none());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.version, "HTTP/2.0");
    assert_eq!(seen.content_sha256, "STREAMING-AWS4-HMAC-SHA256-EVENTS");
    assert_eq!(seen.audio, vec![vec![1u8; 320], vec![2u8; 320], vec![3u8; 320]]);
    assert!(seen.chain.problems.is_empty(), "{:?}", seen.chain.problems);
    assert_eq!(seen.chain.verified, 4, "three events and the closing empty message, each signed");
    assert!(seen.chain.ended_with_empty);
}

/// `smithy-call --events @file` sends each line as an event of the input
/// stream and prints the output and each transcript as a JSON line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smithy_call_sends_events_from_a_file_and_prints_the_answers() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let port = server(Arc::clone(&seen)).await;
    let dir = std::env::temp_dir().join(format!("smithy-duplex-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, events) = (dir.join("ca.pem"), dir.join("events.jsonl"));
    std::fs::write(&ca, RSA_CA).unwrap();
    let line = |n: u8| format!(r#"{{"AudioEvent":{{"AudioChunk":"{}"}}}}"#, smithy_gen_runtime::types::blob::encode(&[n; 320]));
    std::fs::write(&events, format!("{}\n{}\n\n{}\n", line(1), line(2), line(3))).unwrap();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(integration_tests::smithy_call_binary())
            .args(["transcribe", "StartStreamTranscription", "--input", r#"{"MediaSampleRateHertz":16000,"MediaEncoding":"pcm"}"#])
            .args(["--endpoint", &format!("https://127.0.0.1:{port}"), "--region", "us-east-1", "--events"])
            .arg(format!("@{}", events.display()))
            .env("AWS_ACCESS_KEY_ID", "AKIDDUPLEX")
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_CA_BUNDLE", &ca)
            .env("AWS_CONFIG_FILE", "/nonexistent/config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .output()
            .expect("run smithy-call")
    })
    .await
    .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "the output, then a transcript per event:\n{stdout}");
    assert!(lines[3].contains("chunk 3"), "{}", lines[3]);
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    let seen = seen.lock().unwrap();
    assert!(seen.chain.problems.is_empty(), "{:?}", seen.chain.problems);
    assert_eq!((seen.audio.len(), seen.chain.verified, seen.chain.ended_with_empty), (3, 4, true));
    let _ = std::fs::remove_dir_all(&dir);
}
