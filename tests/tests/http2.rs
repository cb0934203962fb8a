//! HTTP/2 by ALPN in the default transport: against a TLS server that offers
//! `h2`, calls go over HTTP/2 (several of them on one connection); against
//! one that offers only HTTP/1.1, over HTTP/1.1.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_generated::cloudwatch_logs::types::PutDestinationInput;
use aws_generated::cloudwatch_logs::Client;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use integration_tests::tls::{RSA_CA, RSA_LEAF, RSA_LEAF_KEY};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use smithy_gen_runtime::transport::default::{DefaultTransport, Proxies};
use smithy_gen_runtime::{Config, Credentials};

/// A TLS server offering `alpn`, serving HTTP/2 or HTTP/1.1 as negotiated
/// with hyper; logs each request's version and `x-amz-target`, counts
/// connections.
async fn server(alpn: &[&[u8]]) -> (u16, Arc<Mutex<Vec<String>>>, Arc<AtomicUsize>) {
    let mut config = integration_tests::tls::server_config(RSA_LEAF, RSA_LEAF_KEY, rustls::DEFAULT_VERSIONS);
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (seen, count) = (Arc::clone(&log), Arc::clone(&connections));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let (acceptor, seen) = (acceptor.clone(), Arc::clone(&seen));
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else { return };
                let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                let service = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
                    let seen = Arc::clone(&seen);
                    async move {
                        let target = request.headers().get("x-amz-target").map(|v| v.to_str().unwrap_or("").to_string());
                        seen.lock().unwrap().push(format!("{:?} {}", request.version(), target.unwrap_or_default()));
                        let _ = request.into_body().collect().await;
                        let body = r#"{"destination":{"destinationName":"over-h2"}}"#;
                        Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(body))))
                    }
                });
                let io = hyper_util::rt::TokioIo::new(tls);
                if h2 {
                    let _ = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new()).serve_connection(io, service).await;
                } else {
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                }
            });
        }
    });
    (port, log, connections)
}

async fn calls(port: u16, n: usize) -> Vec<String> {
    let transport = DefaultTransport::builder()
        .extra_roots([CertificateDer::from_pem_slice(RSA_CA.as_bytes()).expect("CA")])
        .proxies(Proxies::None)
        .build()
        .expect("transport");
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(format!("https://127.0.0.1:{port}"))
        .credentials(Credentials::new("AKIDH2", "h2-test-secret", None))
        .transport(Arc::new(transport))
        .max_attempts(1)
        .build()
        .expect("config");
    let client = Client::new(config);
    let mut out = Vec::new();
    for _ in 0..n {
        let input = PutDestinationInput::new("d", "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:iam::1:role/r");
        let o = client.put_destination_with(input).await.unwrap_or_else(|e| panic!("{e:?}"));
        out.push(o.destination.and_then(|d| d.destination_name).unwrap_or_default());
    }
    out
}

#[tokio::test]
async fn a_server_offering_h2_gets_http2_on_one_connection() {
    let (port, log, connections) = server(&[b"h2", b"http/1.1"]).await;
    assert_eq!(calls(port, 3).await, ["over-h2"; 3]);
    assert_eq!(*log.lock().unwrap(), ["HTTP/2.0 Logs_20140328.PutDestination"; 3]);
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_server_offering_only_http1_gets_http1() {
    let (port, log, _) = server(&[b"http/1.1"]).await;
    assert_eq!(calls(port, 2).await, ["over-h2"; 2]);
    assert_eq!(*log.lock().unwrap(), ["HTTP/1.1 Logs_20140328.PutDestination"; 2]);
}
