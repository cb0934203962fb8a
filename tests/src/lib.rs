//! Support code for the integration tests in `tests/tests/`.
//!
//! - [`interop`]: run a real moto server, and ask botocore for the request
//!   it would build and for a SigV4 signature, so the generated client can
//!   be checked against the reference implementations.
//! - [`event_signatures`]: check an input event stream's chained signatures
//!   with `aws-sigv4`.

pub mod ast_compare;
pub mod event_signatures;
pub mod fault_proxy;
pub mod files;
pub mod interop;
pub mod third_party;
pub mod tls;

/// The Rust snippets of the README and of every page in `docs/`, as
/// doctests: `cargo test -p integration-tests --doc` compiles each one and
/// runs those not marked `no_run`. They can use this crate's
/// dev-dependencies (`aws-generated` with `cli`, `smithy-gen-config`,
/// `smithy-gen-runtime`, `tokio`, `serde_json`, `tracing-subscriber`).
#[cfg(doctest)]
mod doc_snippets {
    macro_rules! doc_snippets {
        ($($name:ident = $path:literal,)*) => {
            $(
                #[doc = include_str!($path)]
                pub struct $name;
            )*
        };
    }

    doc_snippets! {
        Readme = "../../README.md",
        Generating = "../../docs/generating.md",
        Clients = "../../docs/clients.md",
        Configuration = "../../docs/configuration.md",
        TestingAndObservability = "../../docs/testing-and-observability.md",
        SmithyCall = "../../docs/smithy-call.md",
        Commands = "../../docs/commands.md",
        LoaderReadme = "../../config-loader/README.md",
        CodegenReadme = "../../codegen/README.md",
        RuntimeReadme = "../../runtime/README.md",
    }
}

/// The `smithy-call` binary (the generated crate's `cli` module with the
/// configuration loader's credential chain), built on first use
/// (`cargo build -p aws-generated --features cli --bin smithy-call`)
/// into the workspace's target directory.
pub fn smithy_call_binary() -> std::path::PathBuf {
    use std::sync::OnceLock;
    static BIN: OnceLock<std::path::PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf();
        let mut cmd = cargo_command();
        cmd.current_dir(&root).args(["-p", "aws-generated", "--features", "cli", "--bin", "smithy-call"]);
        build_binary(cmd)
    })
    .clone()
}

/// `cargo build --quiet --message-format json` (arguments to add: the
/// package or manifest, features, the binary).
pub fn cargo_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["build", "--quiet", "--message-format", "json"]);
    cmd
}

/// Run a [`cargo_command`] that builds one binary, and return the
/// executable's path (from cargo's artifact message, wherever the target
/// directory is).
pub fn build_binary(mut cmd: std::process::Command) -> std::path::PathBuf {
    let out = cmd.output().expect("run cargo build");
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|m| m.get("executable").and_then(|e| e.as_str()).map(std::path::PathBuf::from))
        .unwrap_or_else(|| panic!("{cmd:?} reported no executable"))
}

/// Read one HTTP/1.1 request from `stream`: its head (through the blank
/// line) and as many body bytes as its `content-length` says. `pending`
/// holds bytes read but not yet used, so a kept-alive connection can be read
/// request after request; the request's bytes are taken out of it.
/// `Ok(None)` when the stream ends before a whole request.
pub fn read_http_request(stream: &mut impl std::io::Read, pending: &mut Vec<u8>) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = [0u8; 4096];
    let mut fill = |pending: &mut Vec<u8>| -> std::io::Result<bool> {
        let n = stream.read(&mut buf)?;
        pending.extend_from_slice(&buf[..n]);
        Ok(n > 0)
    };
    let head_end = loop {
        if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if !fill(pending)? {
            return Ok(None);
        }
    };
    let head = String::from_utf8_lossy(&pending[..head_end]).into_owned();
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while pending.len() < head_end + length {
        if !fill(pending)? {
            return Ok(None);
        }
    }
    let body = pending[head_end..head_end + length].to_vec();
    pending.drain(..head_end + length);
    Ok(Some((head, body)))
}

/// A local HTTP/1.1 server on 127.0.0.1 answering each request with
/// `route(head)`, a status and a body, then closing the connection. Returns
/// its base URL (`http://127.0.0.1:PORT`); its thread serves until the test
/// process ends.
pub fn serve_http(route: impl Fn(&str) -> (u16, String) + Send + Sync + 'static) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port on 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut pending = Vec::new();
            if let Ok(Some((head, _))) = read_http_request(&mut stream, &mut pending) {
                let (status, body) = route(&head);
                let _ = write!(stream, "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            }
        }
    });
    url
}

/// A local HTTP/1.1 server on 127.0.0.1 that keeps connections alive: each
/// request (its head and body) is answered with `route`'s status, extra
/// header lines (`"name: value\r\n"` each) and body, and the next request
/// is read from the same connection. Returns its base URL; its threads
/// serve until the test process ends.
pub fn serve_http_keep_alive(route: impl Fn(&str, &[u8]) -> (u16, String, String) + Send + Sync + 'static) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port on 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    let route = std::sync::Arc::new(route);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let route = route.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(30)));
                let mut pending = Vec::new();
                while let Ok(Some((head, body))) = read_http_request(&mut stream, &mut pending) {
                    let (status, headers, body) = route(&head, &body);
                    let response = format!("HTTP/1.1 {status} X\r\n{headers}content-length: {}\r\n\r\n{body}", body.len());
                    if stream.write_all(response.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// A server on 127.0.0.1 that accepts connections and reads requests but
/// never answers. Returns its base URL.
pub fn serve_stalling() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port on 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut sink = [0u8; 4096];
                while let Ok(n) = std::io::Read::read(&mut stream, &mut sink) {
                    if n == 0 {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// A `Sleep` that returns at once: retries and backoffs take no time.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSleep;

impl smithy_gen_runtime::transport::Sleep for NoSleep {
    fn sleep(&self, _: std::time::Duration) -> smithy_gen_runtime::transport::BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// Write `body` to `stream` as an HTTP/1.1 chunked body in chunks of
/// awkward sizes (1, 3, 11, 5, 64, 2, 17, 128, 7, again and again), each
/// its own TCP write followed by `pause`: event-stream messages arrive split
/// at every kind of boundary. The closing empty chunk is the caller's.
pub fn write_awkward_chunks(stream: &mut std::net::TcpStream, body: &[u8], pause: std::time::Duration) {
    use std::io::Write;
    let sizes = [1usize, 3, 11, 5, 64, 2, 17, 128, 7];
    let (mut at, mut i) = (0, 0);
    while at < body.len() {
        let n = sizes[i % sizes.len()].min(body.len() - at);
        let _ = write!(stream, "{n:x}\r\n");
        let _ = stream.write_all(&body[at..at + n]);
        let _ = stream.write_all(b"\r\n");
        let _ = stream.flush();
        if !pause.is_zero() {
            std::thread::sleep(pause);
        }
        at += n;
        i += 1;
    }
}
