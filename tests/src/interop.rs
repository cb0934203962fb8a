//! Interop with the Python reference implementations: moto, a fake AWS
//! server, and botocore, the AWS SDK for Python's serializer and signer.
//!
//! The Python side lives in `tests/interop/`: `requirements.txt` pins the
//! packages, `cargo xtask interop-env` installs them into
//! `target/interop-venv`, and `cargo xtask ci` does that before the tests
//! and runs them with `SMITHY_INTEROP_PYTHON` set and
//! `SMITHY_REQUIRE_INTEROP=1`, so there they cannot be skipped.
//!
//! A test that needs Python skips itself, with a notice, when there is none:
//!
//! ```no_run
//! use integration_tests::interop::{Moto, SKIP_NOTICE};
//!
//! let Some(moto) = Moto::start() else {
//!     eprintln!("{SKIP_NOTICE}");
//!     return;
//! };
//! println!("moto listens on {}", moto.endpoint);
//! ```
//!
//! What moto (5.2.5) needs from a request, as the tests at the end of this
//! file check:
//!
//! - It picks the service from the credential scope of the `Authorization`
//!   header (`Credential=AKID/20260101/us-east-1/logs/aws4_request`), which
//!   must name the signing name (`logs`, `guardduty`). The `Host` header is
//!   not looked at, and neither is `X-Amz-Target` for routing: a request
//!   without `Authorization` goes to S3. The signature is not checked.
//! - The region comes from the same scope, and each region has its own state.
//! - Within the service, awsJson requests are dispatched on `X-Amz-Target`
//!   and restJson ones on method and path. An operation moto does not
//!   implement answers 500 (HTML body) or 404.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Environment variable naming the Python interpreter to use.
pub const PYTHON_ENV: &str = "SMITHY_INTEROP_PYTHON";
/// Environment variable that, set to `1`, turns a missing Python environment
/// into a failure instead of a skip.
pub const REQUIRE_ENV: &str = "SMITHY_REQUIRE_INTEROP";
/// What a test prints when it skips itself for want of Python.
pub const SKIP_NOTICE: &str =
    "skipped: no interop Python environment (run `cargo xtask interop-env` to create it)";

/// How long moto may take to start answering.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How many times to start moto when the port it was given is taken.
const START_ATTEMPTS: usize = 3;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).expect("tests/ is inside the workspace")
}

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// The Python interpreter of the interop environment: `$SMITHY_INTEROP_PYTHON`
/// if set, else `target/interop-venv/bin/python` if it exists.
///
/// Returns `None` when there is neither (the caller skips, printing
/// [`SKIP_NOTICE`]), unless `SMITHY_REQUIRE_INTEROP=1`, in which case it
/// panics. It also panics when the virtual environment exists but was not
/// (fully) built from the current `tests/interop/requirements.txt`.
pub fn python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os(PYTHON_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(python));
    }
    let venv = workspace_root().join("target").join("interop-venv");
    let python = venv.join("bin").join("python");
    if python.exists() {
        // Written by `cargo xtask interop-env` after a successful install.
        let stamp = std::fs::read_to_string(venv.join("requirements.stamp")).ok();
        let wanted = std::fs::read_to_string(interop_dir().join("requirements.txt")).ok();
        assert!(
            stamp.is_some() && stamp == wanted,
            "{} is not built from the current tests/interop/requirements.txt: run `cargo xtask interop-env`",
            venv.display()
        );
        return Some(python);
    }
    if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
        panic!(
            "{REQUIRE_ENV}=1 but there is no interop Python environment \
             (neither ${PYTHON_ENV} nor {}): run `cargo xtask interop-env`",
            python.display()
        );
    }
    None
}

/// The null device, used as AWS config and credentials file.
fn null_device() -> &'static str {
    if cfg!(windows) {
        "NUL"
    } else {
        "/dev/null"
    }
}

/// Isolate a Python child from the developer's AWS and Python setup: no real
/// credentials, profile or config file, no stray moto settings.
fn hermetic(cmd: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        let Some(text) = name.to_str() else { continue };
        if text.starts_with("AWS_") || text.starts_with("MOTO_") || text == "PYTHONPATH" || text == "PYTHONHOME" {
            cmd.env_remove(&name);
        }
    }
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", null_device())
        .env("AWS_SHARED_CREDENTIALS_FILE", null_device())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PYTHONUTF8", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
}

/// A moto server on 127.0.0.1, killed when dropped. Each one has its own
/// port, process and state, so tests may run their own in parallel.
pub struct Moto {
    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub endpoint: String,
    port: u16,
    child: Child,
    log: PathBuf,
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("cannot bind a port on 127.0.0.1");
    listener.local_addr().expect("bound socket has an address").port()
}

/// Whether an HTTP server answers on the port.
fn answers_http(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET /moto-api/config HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 8];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

static SERVERS: AtomicUsize = AtomicUsize::new(0);

impl Moto {
    /// A client configuration for this server: `us-east-1`, the example
    /// credentials moto accepts, no retries (a failure shows at once).
    pub fn config(&self) -> smithy_gen_runtime::Config {
        smithy_gen_runtime::Config::builder()
            .region("us-east-1")
            .endpoint(self.endpoint.clone())
            .credentials(smithy_gen_runtime::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
            .max_attempts(1)
            .build()
            .expect("a valid configuration")
    }

    /// Start a moto server and wait until it answers HTTP. Returns `None`
    /// when there is no interop Python (see [`python`]); panics, with the
    /// server's output, when it does not come up.
    pub fn start() -> Option<Moto> {
        let python = python()?;
        let mut last_log = String::new();
        for _ in 0..START_ATTEMPTS {
            match Moto::try_start(&python) {
                Ok(moto) => return Some(moto),
                Err(log) => last_log = log,
            }
        }
        panic!("moto could not get a free port in {START_ATTEMPTS} tries; its last output:\n{last_log}");
    }

    /// One start on a fresh port: `Err` with the output when the port was
    /// taken meanwhile, a panic on any other failure.
    fn try_start(python: &Path) -> Result<Moto, String> {
        let port = free_port();
        let n = SERVERS.fetch_add(1, Ordering::Relaxed);
        let log = std::env::temp_dir().join(format!("smithy-interop-moto-{}-{n}.log", std::process::id()));
        let out = File::create(&log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let err = out.try_clone().unwrap_or_else(|e| panic!("cannot reopen {}: {e}", log.display()));
        let child = hermetic(Command::new(python).args(["-m", "moto.server", "-H", "127.0.0.1", "-p"]).arg(port.to_string()))
            .env("MOTO_PORT", port.to_string())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {} -m moto.server: {e}", python.display()));
        // From here on, dropping `moto` (also while panicking) stops the child.
        let mut moto = Moto { endpoint: format!("http://127.0.0.1:{port}"), port, child, log };

        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let ready = answers_http(moto.port);
            // Checked after the probe: a server that answered while this
            // child had already failed to bind is another test's.
            if let Some(status) = moto.child.try_wait().expect("cannot poll the moto process") {
                let output = moto.log();
                if output.contains("Address already in use") {
                    return Err(output);
                }
                panic!("moto exited ({status}) before it answered on {}; its output:\n{output}", moto.endpoint);
            }
            if ready {
                return Ok(moto);
            }
            if Instant::now() >= deadline {
                panic!(
                    "moto did not answer on {} within {START_TIMEOUT:?}; its output:\n{}",
                    moto.endpoint,
                    moto.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the server has printed so far (its request log and any Python
    /// traceback).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            // Shown with the failing test's output.
            eprintln!("moto at {} printed:\n{}", self.endpoint, self.log());
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Run one of the scripts in `tests/interop/` with `input` as JSON on its
/// stdin, and parse its stdout as JSON.
fn run_script(name: &str, input: &Value) -> Value {
    let python = python()
        .unwrap_or_else(|| panic!("{name}: no interop Python environment; check `interop::python()` first ({SKIP_NOTICE})"));
    let script = interop_dir().join(name);
    let mut child = hermetic(Command::new(&python).arg(&script))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {} {}: {e}", python.display(), script.display()));
    let input = serde_json::to_vec(input).expect("a serde_json::Value serializes");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Written from another thread, so a child that writes a lot before
    // reading everything cannot deadlock with us.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("cannot wait for {name}: {e}"));
    let _ = writer.join();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{name} failed ({}):\n{stderr}", output.status);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{name} printed no JSON ({e}):\n{}\nstderr:\n{stderr}", String::from_utf8_lossy(&output.stdout))
    })
}

/// The requests botocore's serializer builds, one per case.
///
/// `cases` is an array of `{"service": "logs", "operation": "PutDestination",
/// "input": {...}}` (botocore's service name; the input with the model's
/// member names). Each result is `{"method", "path", "query", "headers",
/// "body"}` (header names lower-case, `body` parsed JSON or null) with
/// `sent`, the URL and headers of the request botocore's client would send
/// in us-east-1, or `{"error": "..."}` when botocore's parameter validation
/// rejects the input.
/// A missing idempotency token is filled with
/// `00000000-0000-4000-8000-000000000000`. See
/// `tests/interop/botocore_request.py` for the details.
///
/// Batch the cases: each call starts Python and loads botocore.
/// How botocore reads shared config and credentials files: see
/// `tests/interop/botocore_profiles.py`.
pub fn botocore_profiles(cases: &Value) -> Value {
    run_script("botocore_profiles.py", cases)
}

/// botocore's adaptive retry rates for `[[time, throttled], ...]`: see
/// `tests/interop/botocore_adaptive.py`.
pub fn botocore_adaptive(events: &Value) -> Value {
    run_script("botocore_adaptive.py", events)
}

/// How many requests each of `calls` botocore calls made against the
/// scripted server at `endpoint`: see `tests/interop/botocore_quota.py`.
pub fn botocore_quota(endpoint: &str, calls: usize) -> Value {
    run_script("botocore_quota.py", &serde_json::json!({ "endpoint": endpoint, "calls": calls }))
}

pub fn botocore_requests(cases: &Value) -> Value {
    run_script("botocore_request.py", cases)
}

/// The events botocore reads from S3 `SelectObjectContent` at `endpoint`
/// (a moto server): see `tests/interop/botocore_select.py`.
pub fn botocore_select(endpoint: &str, params: &Value) -> Value {
    run_script("botocore_select.py", &serde_json::json!({ "endpoint": endpoint, "params": params }))
}

/// Bodies as botocore's aws-chunked wrapper encodes them: see
/// `tests/interop/botocore_aws_chunked.py`.
pub fn botocore_aws_chunked(cases: &Value) -> Value {
    run_script("botocore_aws_chunked.py", cases)
}

/// The headers botocore's SigV4 signer adds to a request, at a fixed time.
///
/// `req` is `{"method", "url", "headers": {...}, "body": "<text>",
/// "access_key", "secret_key", "session_token": null | "...", "region",
/// "service", "time": "20150830T123600Z"}`; the result maps lower-case
/// header names (`authorization`, `x-amz-date`, and `x-amz-security-token`
/// with a session token) to values. With `"debug": true` in `req`, it also
/// has `canonical_request` and `string_to_sign`. See
/// `tests/interop/sigv4_sign.py`.
pub fn botocore_sign(req: &Value) -> Value {
    run_script("sigv4_sign.py", req)
}

/// The URLs botocore's `generate_presigned_url` gives, one per case: each
/// case `{"service", "operation", "params", "region", "addressing_style",
/// "access_key", "secret_key", "session_token", "time", "expires_in"}`, each
/// result `{"url"}` or `{"error"}`. See `tests/interop/botocore_presign.py`.
pub fn botocore_presign(cases: &Value) -> Value {
    run_script("botocore_presign.py", cases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Response {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    }

    impl Response {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
        }

        fn json(&self) -> Value {
            serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
        }
    }

    /// One HTTP/1.1 request over a fresh connection.
    fn send(endpoint: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Response {
        let addr = endpoint.strip_prefix("http://").expect("an http:// endpoint");
        let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
        stream.set_read_timeout(Some(Duration::from_secs(60))).expect("set a read timeout");
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).expect("send the request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the response");
        let raw = String::from_utf8(raw).expect("a UTF-8 response");
        let (head, body) = raw.split_once("\r\n\r\n").expect("a complete response head");
        let mut lines = head.split("\r\n");
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status line");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let response = Response { status, headers, body: body.to_string() };
        assert!(response.header("transfer-encoding").is_none(), "chunked responses are not handled here");
        response
    }

    fn authorization(service: &str, region: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/{region}/{service}/aws4_request, \
             SignedHeaders=host, Signature=0"
        )
    }

    fn logs(moto: &Moto, operation: &str, region: &str, body: &str) -> Response {
        let target = format!("Logs_20140328.{operation}");
        let auth = authorization("logs", region);
        let headers = [
            ("X-Amz-Target", target.as_str()),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Authorization", auth.as_str()),
        ];
        send(&moto.endpoint, "POST", "/", &headers, body)
    }

    #[test]
    fn moto_serves_logs_by_credential_scope() {
        let Some(moto) = Moto::start() else {
            eprintln!("{SKIP_NOTICE}");
            return;
        };
        let r = logs(&moto, "DescribeDestinations", "us-east-1", "{}");
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.json()["destinations"].is_array(), "{}", r.body);

        // Without Authorization, X-Amz-Target alone does not reach Logs.
        let unsigned = [("X-Amz-Target", "Logs_20140328.DescribeDestinations"), ("Content-Type", "application/x-amz-json-1.1")];
        let r = send(&moto.endpoint, "POST", "/", &unsigned, "{}");
        assert!(!r.body.contains("destinations"), "{}", r.body);

        // Modeled errors: status, X-Amzn-ErrorType and a JSON body with __type.
        let policy = r#"{"destinationName":"missing","accessPolicy":"{}"}"#;
        let r = logs(&moto, "PutDestinationPolicy", "us-east-1", policy);
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.header("x-amzn-errortype"), Some("ResourceNotFoundException"));
        assert_eq!(r.json()["__type"], "ResourceNotFoundException");

        let destination = json!({
            "destinationName": "d1",
            "targetArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            "roleArn": "arn:aws:iam::123456789012:role/r",
        });
        let r = logs(&moto, "PutDestination", "us-east-1", &destination.to_string());
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["destination"]["destinationName"], "d1");

        // Each region has its own state.
        let r = logs(&moto, "DescribeDestinations", "us-west-2", "{}");
        assert_eq!(r.json()["destinations"], json!([]), "{}", r.body);
    }

    #[test]
    fn moto_serves_guardduty_by_credential_scope() {
        let Some(moto) = Moto::start() else {
            eprintln!("{SKIP_NOTICE}");
            return;
        };
        let auth = authorization("guardduty", "us-east-1");
        let headers = [("Content-Type", "application/json"), ("Authorization", auth.as_str())];
        let r = send(&moto.endpoint, "POST", "/detector", &headers, r#"{"enable":true}"#);
        assert_eq!(r.status, 200, "{}", r.body);
        let id = r.json()["detectorId"].as_str().expect("a detectorId").to_string();

        let r = send(&moto.endpoint, "GET", "/detector", &[("Authorization", auth.as_str())], "");
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["detectorIds"], json!([id]));
    }

    #[test]
    fn moto_servers_are_independent() {
        let start = || std::thread::spawn(Moto::start);
        let (a, b) = (start(), start());
        let (Some(a), Some(b)) = (a.join().expect("start a"), b.join().expect("start b")) else {
            eprintln!("{SKIP_NOTICE}");
            return;
        };
        assert_ne!(a.endpoint, b.endpoint);
        let destination = json!({
            "destinationName": "only-in-a",
            "targetArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            "roleArn": "arn:aws:iam::123456789012:role/r",
        });
        assert_eq!(logs(&a, "PutDestination", "us-east-1", &destination.to_string()).status, 200);
        let r = logs(&b, "DescribeDestinations", "us-east-1", "{}");
        assert_eq!(r.json()["destinations"], json!([]), "{}", r.body);
    }

    #[test]
    fn botocore_builds_requests() {
        if python().is_none() {
            eprintln!("{SKIP_NOTICE}");
            return;
        }
        let cases = json!([
            {"service": "logs", "operation": "PutDestination", "input": {
                "destinationName": "d1",
                "targetArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
                "roleArn": "arn:aws:iam::123456789012:role/r",
            }},
            {"service": "guardduty", "operation": "GetDetector", "input": {"DetectorId": "a b/c"}},
            {"service": "guardduty", "operation": "CreateDetector", "input": {"Enable": true}},
            {"service": "logs", "operation": "PutDestination", "input": {"destinationName": "d1"}},
        ]);
        let out = botocore_requests(&cases);
        assert_eq!(out[0]["method"], "POST");
        assert_eq!(out[0]["path"], "/");
        assert_eq!(out[0]["headers"]["x-amz-target"], "Logs_20140328.PutDestination");
        assert_eq!(out[0]["headers"]["content-type"], "application/x-amz-json-1.1");
        assert_eq!(out[0]["body"]["destinationName"], "d1");
        assert_eq!(out[1]["method"], "GET");
        assert_eq!(out[1]["path"], "/detector/a%20b%2Fc");
        assert_eq!(out[1]["body"], Value::Null);
        assert_eq!(out[2]["path"], "/detector");
        assert_eq!(out[2]["body"]["enable"], true);
        assert!(out[2]["body"]["clientToken"].is_string(), "{}", out[2]);
        let error = out[3]["error"].as_str().expect("a validation error");
        assert!(error.contains("targetArn"), "{error}");
    }

    #[test]
    fn botocore_signs_aws_test_vector() {
        if python().is_none() {
            eprintln!("{SKIP_NOTICE}");
            return;
        }
        // The get-vanilla case of the AWS SigV4 test suite.
        let signed = botocore_sign(&json!({
            "method": "GET",
            "url": "https://example.amazonaws.com/",
            "headers": {},
            "body": "",
            "access_key": "AKIDEXAMPLE",
            "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "session_token": null,
            "region": "us-east-1",
            "service": "service",
            "time": "20150830T123600Z",
        }));
        assert_eq!(
            signed,
            json!({
                "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                    SignedHeaders=host;x-amz-date, \
                    Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                "x-amz-date": "20150830T123600Z",
            })
        );
    }
}
