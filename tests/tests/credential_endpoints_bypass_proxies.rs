//! Credential endpoints on loopback and link-local addresses never go
//! through a proxy: with `HTTP_PROXY` (and `HTTPS_PROXY`, `ALL_PROXY`)
//! pointing at a proxy that records whatever reaches it and answers with
//! credentials of its own, and `NO_PROXY` unset, the container provider
//! (`AWS_CONTAINER_CREDENTIALS_FULL_URI` on 127.0.0.1) and the instance
//! metadata provider (`AWS_EC2_METADATA_SERVICE_ENDPOINT` on 127.0.0.1)
//! fetch from the real server, and the proxy sees nothing: neither the
//! container's `Authorization` token nor the metadata session token.

use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use smithy_gen_runtime::credentials::container::ContainerProvider;
use smithy_gen_runtime::credentials::ProvideCredentials;
use smithy_gen_runtime::transport::default::{DefaultTransport, TokioSleep};
use smithy_gen_runtime::credentials::imds::ImdsProvider;
use smithy_gen_runtime::transport::{Sleep, Transport};

/// This binary's tests set proxy and `AWS_*` variables: one at a time.
static ENV: Mutex<()> = Mutex::new(());

const TOKEN: &str = "container-authorization-token-PROXYTEST";
const REAL: &str = r#"{"Code":"Success","AccessKeyId":"ASIAREAL","SecretAccessKey":"real-secret","Token":"real-token","Expiration":"2099-01-01T00:00:00Z"}"#;
const FROM_PROXY: &str = r#"{"Code":"Success","AccessKeyId":"ASIAFROMPROXY","SecretAccessKey":"proxy-secret","Token":"proxy-token","Expiration":"2099-01-01T00:00:00Z"}"#;

/// A proxy that records every request head that reaches it and answers
/// each with credentials of its own (what a hostile proxy would do).
fn recording_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut pending = Vec::new();
            match integration_tests::read_http_request(&mut stream, &mut pending) {
                Ok(Some((head, _))) => seen.lock().unwrap().push(head),
                _ => seen.lock().unwrap().push("a connection".into()),
            }
            let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{FROM_PROXY}", FROM_PROXY.len());
        }
    });
    (url, log)
}

/// Remove the proxy and `AWS_*` variables.
fn clear() {
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") || k.to_ascii_lowercase().ends_with("_proxy") {
            std::env::remove_var(k);
        }
    }
}

/// Point every proxy variable at `proxy`, and none of the others is set.
fn proxy_everything(proxy: &str) {
    clear();
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        std::env::set_var(var, proxy);
    }
}

/// The default transport as the configuration loader makes it: proxies
/// from the environment.
fn parts() -> (Arc<dyn Transport>, Arc<dyn Sleep>) {
    let transport = DefaultTransport::new(Duration::from_secs(2), Duration::from_secs(2)).expect("transport");
    (Arc::new(transport), Arc::new(TokioSleep))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

#[test]
fn the_container_endpoint_is_never_proxied() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let (proxy, proxy_log) = recording_proxy();
    let served = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&served);
    let server = integration_tests::serve_http(move |head| {
        seen.lock().unwrap().push(head.to_string());
        if head.starts_with("GET /creds ") && head.lines().any(|l| l.eq_ignore_ascii_case(&format!("authorization: {TOKEN}"))) {
            (200, REAL.into())
        } else {
            (403, r#"{"message":"bad token"}"#.into())
        }
    });
    proxy_everything(&proxy);
    std::env::set_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{server}/creds"));
    std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN);
    let (transport, sleep) = parts();
    let provider = ContainerProvider::from_env(transport, sleep).expect("the variables are set").expect("an allowed URL");
    let result = runtime().block_on(provider.provide_credentials());
    clear();
    let creds = result.expect("credentials");
    assert!(proxy_log.lock().unwrap().is_empty(), "the proxy saw {:?}", proxy_log.lock().unwrap());
    assert_eq!((creds.access_key_id(), creds.secret_access_key()), ("ASIAREAL", "real-secret"));
    assert_eq!(served.lock().unwrap().len(), 1);
}

#[test]
fn the_instance_metadata_service_is_never_proxied() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let (proxy, proxy_log) = recording_proxy();
    let server = integration_tests::serve_http(|head| {
        let token = head.lines().any(|l| l.eq_ignore_ascii_case("x-aws-ec2-metadata-token: SESSION-TOKEN"));
        if head.starts_with("PUT /latest/api/token ") {
            (200, "SESSION-TOKEN".into())
        } else if head.starts_with("GET /latest/meta-data/iam/security-credentials/ ") && token {
            (200, "app-role".into())
        } else if head.starts_with("GET /latest/meta-data/iam/security-credentials/app-role ") && token {
            (200, REAL.into())
        } else {
            (401, String::new())
        }
    });
    proxy_everything(&proxy);
    std::env::set_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server);
    let (transport, sleep) = parts();
    let provider = ImdsProvider::from_env(transport, sleep).expect("not disabled");
    let result = runtime().block_on(provider.provide_credentials());
    clear();
    let creds = result.expect("credentials");
    assert!(proxy_log.lock().unwrap().is_empty(), "the proxy saw {:?}", proxy_log.lock().unwrap());
    assert_eq!(creds.access_key_id(), "ASIAREAL");
}
