//! TLS in the default transport: certificate checks are on, so a server whose
//! certificate no trusted root signed (a self-signed one here) is refused and
//! nothing is sent to it; there is no setting that turns the checks off. With
//! a private root added, whole calls work over TLS 1.3 and 1.2 with RSA and
//! ECDSA certificates, which checks the transport's reduced crypto provider.

use std::io::Read;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use aws_generated::cloudwatch_logs::errors::PutDestinationError;
use aws_generated::cloudwatch_logs::types::PutDestinationInput;
use aws_generated::cloudwatch_logs::Client;
use smithy_gen_runtime::config::{Config, Credentials};
use smithy_gen_runtime::error::TransportErrorKind;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// A self-signed certificate for 127.0.0.1 (valid until 2126) and its key,
/// made for this test with `openssl req -x509`.
const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBmjCCAUGgAwIBAgIUI2VERk02OkTiFNGH5CroZr2SVaowCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMTA3NTExNVoYDzIxMjYxMDI4\nMDc1MTE1WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAAQX9wzzOk+VyK9qBkPRe8M5g9/6sl8q+KfWUbH4xgcCgZsxPHn3MwUa\nQNMr6yRqlpfmm0FQ++SLjkeOM7g8GinHo28wbTAdBgNVHQ4EFgQUKlbR/9PSEueH\nfgmVR+ZrllrtSBcwHwYDVR0jBBgwFoAUKlbR/9PSEueHfgmVR+ZrllrtSBcwDwYD\nVR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI\nzj0EAwIDRwAwRAIgXV4+8PsKHLXukiEopv0yx4Kzw8E9pf309Ly/1f5sWqACIBxn\nVpZSsCF2NNxB6vlmfHlpbSjWezLRq1ygxpinV04X\n-----END CERTIFICATE-----";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYaroaXlC5V/tqE0h\nw3eZHNTahrO0h9I94gfEmcPM4EGhRANCAAQX9wzzOk+VyK9qBkPRe8M5g9/6sl8q\n+KfWUbH4xgcCgZsxPHn3MwUaQNMr6yRqlpfmm0FQ++SLjkeOM7g8GinH\n-----END PRIVATE KEY-----";

/// A TLS server on 127.0.0.1 that records, per connection, whether the
/// handshake failed or a request arrived.
fn tls_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let config = Arc::new(integration_tests::tls::server_config(CERT, KEY, rustls::DEFAULT_VERSIONS));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let conn = rustls::ServerConnection::new(config.clone()).expect("connection");
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut buf = [0u8; 1024];
            let what = match tls.read(&mut buf) {
                Ok(n) if n > 0 => format!("request: {}", String::from_utf8_lossy(&buf[..n])),
                Ok(_) => "closed".to_string(),
                Err(e) => format!("handshake failed: {e}"),
            };
            seen.lock().unwrap().push(what);
        }
    });
    (port, log)
}

#[test]
fn a_self_signed_certificate_is_refused_and_nothing_is_sent() {
    let (port, log) = tls_server();
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(format!("https://127.0.0.1:{port}"))
        .credentials(Credentials::new("AKID", "tls-test-secret", None))
        .max_attempts(1)
        .build()
        .expect("config");
    let input = PutDestinationInput::new("d", "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:iam::1:role/r");
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(Client::new(config).put_destination_with(input));
    let err = result.expect_err("an untrusted certificate must fail the call");
    let PutDestinationError::Transport(t) = &err else { panic!("expected a Transport error, got {err:?}") };
    assert_eq!(t.kind, TransportErrorKind::Connect, "{t:?}");
    assert!(t.message.to_lowercase().contains("certificate"), "the error says why: {}", t.message);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = log.lock().unwrap();
    assert!(!log.is_empty(), "the client reached the server");
    assert!(log.iter().all(|l| !l.starts_with("request")), "no request may reach an untrusted server: {log:?}");
}

#[test]
fn a_trusted_root_gives_a_full_call_over_tls_1_3_and_1_2_with_rsa_and_ecdsa_certificates() {
    use smithy_gen_runtime::transport::default::{DefaultTransport, Proxies};
    use std::time::Duration;
    let kinds = [
        ("RSA", include_str!("tls/rsa-ca.pem"), include_str!("tls/rsa-leaf.pem"), include_str!("tls/rsa-leaf.key")),
        ("ECDSA", include_str!("tls/ecdsa-ca.pem"), include_str!("tls/ecdsa-leaf.pem"), include_str!("tls/ecdsa-leaf.key")),
    ];
    static TLS13: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
    static TLS12: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS12];
    let versions: [(&str, &'static [&'static rustls::SupportedProtocolVersion]); 2] = [("TLSv1_3", &TLS13), ("TLSv1_2", &TLS12)];
    for (kind, ca, leaf, key) in kinds {
        for (version, only) in versions {
            let (port, log) = integration_tests::tls::answering_tls_server(leaf, key, only);
            let root = CertificateDer::from_pem_slice(ca.as_bytes()).expect("CA certificate");
            let transport = DefaultTransport::builder()
                .connect_timeout(Duration::from_secs(5))
                .read_timeout(Duration::from_secs(10))
                .extra_roots([root])
                .proxies(Proxies::None)
                .build()
                .expect("transport");
            let config = Config::builder()
                .region("us-east-1")
                .endpoint(format!("https://127.0.0.1:{port}"))
                .credentials(Credentials::new("AKID", "tls-test-secret", None))
                .transport(Arc::new(transport))
                .max_attempts(1)
                .build()
                .expect("config");
            let input = PutDestinationInput::new("d", "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:iam::1:role/r");
            let out = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(Client::new(config).put_destination_with(input))
                .unwrap_or_else(|e| panic!("{kind} certificate over {version}: {e:?}"));
            assert_eq!(out.destination.and_then(|d| d.destination_name).as_deref(), Some("over-tls"));
            let log = log.lock().unwrap();
            assert!(log[0].starts_with(&format!("request over Some({version}): POST / HTTP/1.1")), "{kind}/{version}: {log:?}");
        }
    }
}
