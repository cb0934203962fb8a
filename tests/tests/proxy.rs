//! Proxies and CA bundles in the default transport, against a proxy on
//! 127.0.0.1 that this test runs: HTTPS goes through a CONNECT tunnel (with
//! `Proxy-Authorization` from the proxy URL's user information), plain HTTP
//! is sent to the proxy in absolute form, `NO_PROXY` hosts go direct, and
//! `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` and `AWS_CA_BUNDLE` are read from the
//! environment (checked through the `smithy-call` binary, so each case has
//! an environment of its own).
//!
//! Loopback and link-local destinations never go through a proxy (see
//! `credential_endpoints_bypass_proxies.rs`), so the proxied requests here
//! go to `proxied.test`, a name only this test's proxy knows: it connects
//! to 127.0.0.1 instead.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};

use aws_generated::cloudwatch_logs::types::PutDestinationInput;
use aws_generated::cloudwatch_logs::Client;
use integration_tests::tls::{answering_tls_server, RSA_CA, RSA_LEAF, RSA_LEAF_KEY};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use smithy_gen_runtime::transport::default::{DefaultTransport, Proxies};
use smithy_gen_runtime::{Config, Credentials};

static TLS13: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];

/// The host the proxied requests name (see the module's documentation).
const PROXIED: &str = "proxied.test";
/// A private CA and its leaf for `proxied.test`.
const PROXIED_CA: &str = include_str!("tls/proxied-ca.pem");
const PROXIED_LEAF: &str = include_str!("tls/proxied-leaf.pem");
const PROXIED_LEAF_KEY: &str = include_str!("tls/proxied-leaf.key");

/// Where the proxy connects for `authority`: `proxied.test` is 127.0.0.1.
fn upstream(authority: &str) -> String {
    match authority.strip_prefix(PROXIED) {
        Some(port) => format!("127.0.0.1{port}"),
        None => authority.to_string(),
    }
}

/// A forward proxy: CONNECT tunnels, and absolute-form requests forwarded
/// to their origin. Logs each request line with its `Proxy-Authorization`.
struct Proxy {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || proxy_connection(stream, &seen));
            }
        });
        Proxy { port, log }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn proxy_connection(mut client: TcpStream, log: &Mutex<Vec<String>>) {
    let mut pending = Vec::new();
    let Ok(Some((head, body))) = integration_tests::read_http_request(&mut client, &mut pending) else { return };
    let first = head.lines().next().unwrap_or_default().to_string();
    let auth = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authorization"))
        .map_or("none".to_string(), |(_, v)| v.trim().to_string());
    log.lock().unwrap().push(format!("{first} auth={auth}"));
    let mut parts = first.split(' ');
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    if method == "CONNECT" {
        let Ok(upstream) = TcpStream::connect(upstream(target)) else { return };
        let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        pipe(client, upstream);
        return;
    }
    // Absolute form: `http://host:port/path`.
    let Some(rest) = target.strip_prefix("http://") else { return };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let Ok(mut upstream) = TcpStream::connect(upstream(authority)) else { return };
    let mut forwarded = head.replacen(target, if path.is_empty() { "/" } else { path }, 1);
    forwarded = forwarded
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("proxy-authorization:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let _ = upstream.write_all(forwarded.as_bytes());
    let _ = upstream.write_all(&body);
    pipe(client, upstream);
}

/// Copy both ways until either side closes.
fn pipe(client: TcpStream, upstream: TcpStream) {
    let (mut c_read, mut u_write) = (client.try_clone().expect("clone"), upstream.try_clone().expect("clone"));
    let forward = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut u_write);
        let _ = u_write.shutdown(std::net::Shutdown::Write);
    });
    let (mut u_read, mut c_write) = (upstream, client);
    let _ = std::io::copy(&mut u_read, &mut c_write);
    let _ = c_write.shutdown(std::net::Shutdown::Both);
    let _ = forward.join();
}

/// A plain HTTP server answering every PutDestination, closing after each.
fn plain_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut pending = Vec::new();
            if let Ok(Some((head, _))) = integration_tests::read_http_request(&mut stream, &mut pending) {
                seen.lock().unwrap().push(head.lines().next().unwrap_or_default().to_string());
                let body = r#"{"destination":{"destinationName":"plain"}}"#;
                let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            }
        }
    });
    (port, log)
}

fn call(config: Config) -> Result<String, String> {
    let input = PutDestinationInput::new("d", "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:iam::1:role/r");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(Client::new(config).put_destination_with(input))
        .map(|o| o.destination.and_then(|d| d.destination_name).unwrap_or_default())
        .map_err(|e| format!("{e:?}"))
}

fn config(endpoint: String, transport: DefaultTransport) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint(endpoint)
        .credentials(Credentials::new("AKIDPROXY", "proxy-test-secret", None))
        .transport(Arc::new(transport))
        .max_attempts(1)
        .build()
        .expect("config")
}

#[test]
fn https_tunnels_through_the_proxy_with_its_credentials() {
    let (port, server_log) = answering_tls_server(PROXIED_LEAF, PROXIED_LEAF_KEY, &TLS13);
    let proxy = Proxy::start();
    let transport = DefaultTransport::builder()
        .extra_roots([CertificateDer::from_pem_slice(PROXIED_CA.as_bytes()).expect("CA")])
        .proxies(Proxies::Explicit {
            http: None,
            https: Some(format!("http://alice:s3cret@127.0.0.1:{}", proxy.port)),
            no_proxy: None,
        })
        .build()
        .expect("transport");
    assert!(!format!("{transport:?}").contains("s3cret"));
    let config = config(format!("https://{PROXIED}:{port}"), transport);
    assert!(!format!("{config:?}").contains("s3cret"));
    assert_eq!(call(config).expect("a call through the tunnel"), "over-tls");
    // `alice:s3cret` in Basic authentication.
    assert_eq!(proxy.log(), [format!("CONNECT {PROXIED}:{port} HTTP/1.1 auth=Basic YWxpY2U6czNjcmV0")]);
    assert!(server_log.lock().unwrap()[0].contains("POST / HTTP/1.1"), "the request went through the tunnel");
}

#[test]
fn plain_http_goes_to_the_proxy_in_absolute_form() {
    let (port, server_log) = plain_server();
    let proxy = Proxy::start();
    let transport = DefaultTransport::builder()
        .proxies(Proxies::Explicit { http: Some(format!("http://bob:pw@127.0.0.1:{}", proxy.port)), https: None, no_proxy: None })
        .build()
        .expect("transport");
    assert_eq!(call(config(format!("http://{PROXIED}:{port}"), transport)).expect("a call through the proxy"), "plain");
    assert_eq!(proxy.log(), [format!("POST http://{PROXIED}:{port}/ HTTP/1.1 auth=Basic Ym9iOnB3")]);
    assert_eq!(*server_log.lock().unwrap(), ["POST / HTTP/1.1"]);
}

#[test]
fn no_proxy_hosts_go_direct() {
    // Direct to `proxied.test`, which only the proxy knows: a failure to
    // connect, and nothing at the proxy.
    let (port, server_log) = plain_server();
    let proxy = Proxy::start();
    let transport = DefaultTransport::builder()
        .proxies(Proxies::Explicit { http: Some(proxy.url()), https: Some(proxy.url()), no_proxy: Some(format!("localhost,{PROXIED}")) })
        .build()
        .expect("transport");
    let e = call(config(format!("http://{PROXIED}:{port}"), transport)).expect_err("a direct call to a name no resolver knows");
    assert!(e.contains(PROXIED), "{e}");
    assert!(proxy.log().is_empty(), "{:?}", proxy.log());
    assert!(server_log.lock().unwrap().is_empty());
}

/// `smithy-call logs PutDestination` against `endpoint` with `env`; returns
/// the exit code and what it printed.
fn smithy_call(endpoint: &str, env: &[(&str, String)]) -> (i32, String) {
    let mut cmd = Command::new(integration_tests::smithy_call_binary());
    cmd.args([
        "logs",
        "PutDestination",
        "--input",
        r#"{"destinationName":"d","targetArn":"arn:aws:kinesis:us-east-1:1:stream/s","roleArn":"arn:aws:iam::1:role/r"}"#,
        "--endpoint",
        endpoint,
        "--region",
        "us-east-1",
    ])
    .env("AWS_ACCESS_KEY_ID", "AKIDPROXY")
    .env("AWS_SECRET_ACCESS_KEY", "proxy-test-secret");
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy", "AWS_CA_BUNDLE"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run smithy-call");
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn proxy_variables_are_read_from_the_environment() {
    let (port, _) = plain_server();
    let endpoint = format!("http://{PROXIED}:{port}");
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        let proxy = Proxy::start();
        let (code, out) = smithy_call(&endpoint, &[(var, proxy.url())]);
        assert_eq!(code, 0, "{var}: {out}");
        assert_eq!(proxy.log(), [format!("POST http://{PROXIED}:{port}/ HTTP/1.1 auth=none")], "{var}");
    }
    // Direct: a name no resolver knows fails to connect.
    let proxy = Proxy::start();
    let (code, out) = smithy_call(&endpoint, &[("HTTP_PROXY", proxy.url()), ("NO_PROXY", PROXIED.into())]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains(PROXIED), "{out}");
    assert!(proxy.log().is_empty(), "NO_PROXY: {:?}", proxy.log());
    // A loopback endpoint goes direct whatever the variables say.
    let proxy = Proxy::start();
    let (code, out) = smithy_call(&format!("http://127.0.0.1:{port}"), &[("HTTP_PROXY", proxy.url())]);
    assert_eq!(code, 0, "{out}");
    assert!(proxy.log().is_empty(), "loopback: {:?}", proxy.log());
}

#[test]
fn aws_ca_bundle_and_https_proxy_from_the_environment() {
    let (port, _) = answering_tls_server(RSA_LEAF, RSA_LEAF_KEY, &TLS13);
    let endpoint = format!("https://127.0.0.1:{port}");
    let dir = std::env::temp_dir().join(format!("smithy-ca-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, format!("{RSA_CA}{PROXIED_CA}")).expect("bundle");
    // Without the bundle the private CA is unknown: a certificate error, exit 3.
    let (code, out) = smithy_call(&endpoint, &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.to_lowercase().contains("certificate"), "{out}");
    // With it, through a proxy named by the lower-case variable.
    let (port, _) = answering_tls_server(PROXIED_LEAF, PROXIED_LEAF_KEY, &TLS13);
    let proxy = Proxy::start();
    let (code, out) = smithy_call(
        &format!("https://{PROXIED}:{port}"),
        &[("AWS_CA_BUNDLE", bundle.display().to_string()), ("https_proxy", proxy.url())],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("over-tls"), "{out}");
    assert_eq!(proxy.log(), [format!("CONNECT {PROXIED}:{port} HTTP/1.1 auth=none")]);
    // A bundle that cannot be read is a configuration error that names it.
    let (code, out) = smithy_call(&endpoint, &[("AWS_CA_BUNDLE", dir.join("missing.pem").display().to_string())]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("missing.pem"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
