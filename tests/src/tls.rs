//! A TLS server on 127.0.0.1 for the transport tests (TLS versions and
//! certificates, proxies, CA bundles), and the test certificates.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A private CA and a leaf certificate it signed for 127.0.0.1 and
/// localhost (RSA), with the leaf's key.
pub const RSA_CA: &str = include_str!("../tests/tls/rsa-ca.pem");
pub const RSA_LEAF: &str = include_str!("../tests/tls/rsa-leaf.pem");
pub const RSA_LEAF_KEY: &str = include_str!("../tests/tls/rsa-leaf.key");

/// A rustls server configuration for `cert` and `key` (PEM), speaking the
/// given protocol versions.
pub fn server_config(cert: &str, key: &str, versions: &[&'static rustls::SupportedProtocolVersion]) -> rustls::ServerConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(cert.as_bytes()).expect("certificate")],
            PrivateKeyDer::from_pem_slice(key.as_bytes()).expect("key"),
        )
        .expect("server config")
}

/// A TLS server for `leaf` (PEM certificate and key), speaking only the
/// given protocol versions, that answers one PutDestination request per
/// connection.
pub fn answering_tls_server(
    cert: &str,
    key: &str,
    versions: &'static [&'static rustls::SupportedProtocolVersion],
) -> (u16, Arc<Mutex<Vec<String>>>) {
    let config = Arc::new(server_config(cert, key, versions));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let conn = rustls::ServerConnection::new(config.clone()).expect("connection");
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let request = match crate::read_http_request(&mut tls, &mut Vec::new()) {
                Ok(Some((head, body))) => format!("{head}{}", String::from_utf8_lossy(&body)),
                Ok(None) => {
                    seen.lock().unwrap().push("closed".to_string());
                    continue;
                }
                Err(e) => {
                    seen.lock().unwrap().push(format!("handshake failed: {e}"));
                    continue;
                }
            };
            let version = format!("{:?}", tls.conn.protocol_version());
            seen.lock().unwrap().push(format!("request over {version}: {request}"));
            let body = r#"{"destination":{"destinationName":"over-tls"}}"#;
            let response = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            let _ = std::io::Write::write_all(&mut tls, response.as_bytes());
            tls.conn.send_close_notify();
            let _ = std::io::Write::flush(&mut tls);
        }
    });
    (port, log)
}

