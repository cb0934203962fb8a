//! Endpoint discovery (`aws.api#clientEndpointDiscovery`), end to end: the
//! fixture `tests/fixtures/valid/endpoint_discovery.json` (a ledger service
//! with a discovery operation, operations that require discovery, one with
//! a `@clientEndpointDiscoveryId` member, one where it is optional, one
//! without) and, when the corpus has it, Timestream Write are generated into
//! a crate under `target/endpoint-discovery/`, and a program built against
//! it runs the cases: a local HTTP server serves `DescribeEndpoints` and
//! answers every other call with the host it came to, while the program's
//! transport sends the `https://` requests there (their host in a header,
//! since the default transport's `Host` is the URL's) and notes each URL. Timestream Write is called on moto, whose
//! `DescribeEndpoints` names `ingest.timestream.us-east-1.amazonaws.com`.

use std::path::{Path, PathBuf};
use std::process::Command;

use smithy_gen_codegen::package::{relative_path, LoaderDependency};
use smithy_gen_codegen::{Packaging, RuntimeDependency};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The program: its cases, run one after the other; a failed check panics
/// (a non-zero exit with the message).
const PROGRAM: &str = r##"
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use discovery_fixture::ledger::Client;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Transport};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::{Config, Credentials, EndpointDiscovery};

/// What the server is told and what it saw.
#[derive(Debug, Default)]
struct State {
    /// `DescribeEndpoints`' answer: the address (`{book}` becomes the
    /// `Book` identifier) and the cache period.
    address: String,
    period: i64,
    /// `DescribeEndpoints` fails (500).
    discovery_fails: bool,
    /// The next call to this host gets `InvalidEndpointException` (421).
    invalid_once: Option<String>,
    /// Each request: the operation, its `Host`, its body.
    seen: Vec<(String, String, String)>,
}

fn respond(state: &Mutex<State>, target: &str, host: &str, body: &str) -> (u16, String) {
    let op = target.rsplit('.').next().unwrap_or_default().to_string();
    let mut s = state.lock().unwrap();
    s.seen.push((op.clone(), host.to_string(), body.to_string()));
    match op.as_str() {
        "DescribeEndpoints" if s.discovery_fails => (500, r#"{"__type":"InternalFailure","message":"discovery is down"}"#.into()),
        "DescribeEndpoints" => {
            let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            let book = v["Identifiers"]["Book"].as_str().unwrap_or("none");
            let address = s.address.replace("{book}", book);
            (200, serde_json::json!({"Endpoints": [{"Address": address, "CachePeriodInMinutes": s.period}]}).to_string())
        }
        _ if s.invalid_once.as_deref() == Some(host) => {
            s.invalid_once = None;
            (421, r#"{"__type":"InvalidEndpointException","message":"this endpoint moved"}"#.into())
        }
        "ListBooks" => (200, serde_json::json!({"Books": [host]}).to_string()),
        "Ping" => (200, "{}".into()),
        _ => (200, serde_json::json!({"Id": host}).to_string()),
    }
}

/// An HTTP/1.1 server on 127.0.0.1 answering each request on its own
/// connection; its port.
fn server(state: Arc<Mutex<State>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                let head_end = loop {
                    let Ok(n) = stream.read(&mut buf) else { return };
                    if n == 0 { return }
                    data.extend_from_slice(&buf[..n]);
                    if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") { break i + 4 }
                };
                let head = String::from_utf8_lossy(&data[..head_end]).to_string();
                let header = |name: &str| head.lines().find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                }).unwrap_or_default();
                let length: usize = header("content-length").parse().unwrap_or(0);
                while data.len() < head_end + length {
                    let Ok(n) = stream.read(&mut buf) else { return };
                    if n == 0 { return }
                    data.extend_from_slice(&buf[..n]);
                }
                let body = String::from_utf8_lossy(&data[head_end..head_end + length]).to_string();
                let host = Some(header("x-original-host")).filter(|h| !h.is_empty()).unwrap_or_else(|| header("host"));
                let (status, answer) = respond(&state, &header("x-amz-target"), &host, &body);
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    port
}

/// Sends `https://` requests to `to` (their host in `x-original-host`),
/// others as they are; notes every URL and `X-Amz-Target`.
#[derive(Debug)]
struct Router {
    inner: Arc<dyn Transport>,
    to: String,
    urls: Arc<Mutex<Vec<String>>>,
}

impl Transport for Router {
    fn send(&self, mut request: http::Request<bytes::Bytes>, max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        self.urls.lock().unwrap().push(format!("{} {target}", request.uri()));
        let host = request.uri().authority().map(|a| a.to_string()).unwrap_or_default();
        if request.uri().scheme_str() == Some("https") && host.starts_with("127.0.0.1:") {
            // A discovered local listener: over plain HTTP.
            let path = request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
            *request.uri_mut() = format!("http://{host}{path}").parse().unwrap();
        } else if request.uri().scheme_str() == Some("https") {
            // The default transport's `Host` is the URL's: the host the
            // call was for travels in a header of its own.
            request.headers_mut().insert("x-original-host", host.parse().unwrap());
            let path = request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
            *request.uri_mut() = format!("{}{path}", self.to).parse().unwrap();
        }
        self.inner.send(request, max_body)
    }
}

fn config(to: &str, urls: &Arc<Mutex<Vec<String>>>, discovery: Option<EndpointDiscovery>) -> smithy_gen_runtime::config::builder::ConfigBuilder {
    let inner = smithy_gen_runtime::transport::default::DefaultTransport::new(std::time::Duration::from_secs(5), std::time::Duration::from_secs(10)).unwrap();
    let router = Router { inner: Arc::new(inner), to: to.to_string(), urls: Arc::clone(urls) };
    let mut b = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .transport(Arc::new(router))
        .max_attempts(1);
    if let Some(d) = discovery {
        b = b.endpoint_discovery(d);
    }
    b
}

/// The operations the server saw since the last call, with their hosts.
fn take(state: &Mutex<State>) -> Vec<(String, String)> {
    std::mem::take(&mut state.lock().unwrap().seen).into_iter().map(|(o, h, _)| (o, h)).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

const REGULAR: &str = "ledger.us-east-1.amazonaws.com";

async fn fixture() {
    let state = Arc::new(Mutex::new(State { address: "ops.ledger.test".into(), period: 10, ..State::default() }));
    let port = server(Arc::clone(&state));
    let local = format!("http://127.0.0.1:{port}");
    let urls = Arc::new(Mutex::new(Vec::new()));
    let new_client = |d: Option<EndpointDiscovery>| Client::new(config(&local, &urls, d).build().unwrap());

    // Default (auto): a required operation discovers once, then uses the
    // cache; the address gets https://.
    let client = new_client(None);
    assert_eq!(client.config().endpoint_discovery(), EndpointDiscovery::Auto);
    let out = client.get_entry().id("e1").send().await.expect("GetEntry");
    assert_eq!(out.id(), Some("ops.ledger.test"));
    client.get_entry().id("e2").send().await.expect("GetEntry again");
    assert_eq!(take(&state), pairs(&[("DescribeEndpoints", REGULAR), ("GetEntry", "ops.ledger.test"), ("GetEntry", "ops.ledger.test")]));
    assert!(urls.lock().unwrap().contains(&"https://ops.ledger.test/ Ledger.GetEntry".to_string()), "{:?}", urls.lock().unwrap());
    // A clone shares the cache; an operation without the trait never discovers.
    client.clone().get_entry().send().await.expect("GetEntry on a clone");
    client.ping().send().await.expect("Ping");
    assert_eq!(take(&state), pairs(&[("GetEntry", "ops.ledger.test"), ("Ping", REGULAR)]));
    println!("ok: required discovery, cached, https");

    // Optional discovery stays off unless enabled.
    let out = client.list_books().send().await.expect("ListBooks");
    assert_eq!(out.books(), [REGULAR.to_string()]);
    let enabled = new_client(Some(EndpointDiscovery::Enabled));
    let out = enabled.list_books().send().await.expect("ListBooks, enabled");
    assert_eq!(out.books(), ["ops.ledger.test".to_string()]);
    assert_eq!(take(&state), pairs(&[("ListBooks", REGULAR), ("DescribeEndpoints", REGULAR), ("ListBooks", "ops.ledger.test")]));
    println!("ok: optional discovery off by default, on when enabled");

    // Identifiers: sent with the operation's name, and keys of the cache.
    state.lock().unwrap().address = "{book}.ledger.test".into();
    let client = new_client(None);
    for book in ["a", "b", "a"] {
        let out = client.put_entry().book(book).text("x").send().await.expect("PutEntry");
        assert_eq!(out.id(), Some(format!("{book}.ledger.test").as_str()));
    }
    let seen = std::mem::take(&mut state.lock().unwrap().seen);
    let discoveries: Vec<serde_json::Value> = seen.iter().filter(|(o, _, _)| o == "DescribeEndpoints").map(|(_, _, b)| serde_json::from_str(b).unwrap()).collect();
    assert_eq!(discoveries, vec![
        serde_json::json!({"Operation": "PutEntry", "Identifiers": {"Book": "a"}}),
        serde_json::json!({"Operation": "PutEntry", "Identifiers": {"Book": "b"}}),
    ]);
    // Without identifiers, the discovery input is empty.
    client.get_entry().send().await.expect("GetEntry");
    let seen = std::mem::take(&mut state.lock().unwrap().seen);
    assert_eq!(seen[0].2, "{}");
    assert_eq!(seen[1].1, "none.ledger.test");
    println!("ok: identifiers sent and keyed");

    // A period of 0: expired at once, discovered on every call.
    {
        let mut s = state.lock().unwrap();
        s.address = "ops.ledger.test".into();
        s.period = 0;
    }
    let client = new_client(None);
    client.get_entry().send().await.expect("GetEntry");
    client.get_entry().send().await.expect("GetEntry");
    assert_eq!(take(&state).iter().filter(|(o, _)| o == "DescribeEndpoints").count(), 2);
    state.lock().unwrap().period = 10;
    println!("ok: expired endpoints are discovered again");

    // The invalid-endpoint error evicts the endpoint; the call is made again.
    let client = new_client(None);
    client.get_entry().send().await.expect("GetEntry");
    state.lock().unwrap().invalid_once = Some("ops.ledger.test".into());
    let out = client.get_entry().send().await.expect("GetEntry after an invalid endpoint");
    assert_eq!(out.id(), Some("ops.ledger.test"));
    assert_eq!(
        take(&state),
        pairs(&[("DescribeEndpoints", REGULAR), ("GetEntry", "ops.ledger.test"), ("GetEntry", "ops.ledger.test"), ("DescribeEndpoints", REGULAR), ("GetEntry", "ops.ledger.test")])
    );
    println!("ok: invalid endpoint evicted and rediscovered");

    // Concurrent callers share one discovery.
    let client = new_client(None);
    let calls: Vec<_> = (0..6).map(|_| { let c = client.clone(); tokio::spawn(async move { c.get_entry().send().await }) }).collect();
    for c in calls {
        c.await.unwrap().expect("GetEntry");
    }
    assert_eq!(take(&state).iter().filter(|(o, _)| o == "DescribeEndpoints").count(), 1);
    println!("ok: one discovery for concurrent callers");

    // A failed discovery: an error saying so for a required operation, the
    // regular endpoint for an optional one.
    state.lock().unwrap().discovery_fails = true;
    let e = new_client(None).get_entry().send().await.expect_err("no endpoint");
    let text = e.to_string();
    assert!(text.contains("endpoint discovery failed, and `GetEntry` requires a discovered endpoint") && text.contains("discovery is down"), "{text}");
    assert_eq!(text.matches("attempt").count(), 1, "the attempts said once: {text}");
    let out = new_client(Some(EndpointDiscovery::Enabled)).list_books().send().await.expect("ListBooks falls back");
    assert_eq!(out.books(), [REGULAR.to_string()]);
    state.lock().unwrap().discovery_fails = false;
    take(&state);
    println!("ok: failed discovery: {text}");

    // Turned off: a required operation fails without a request.
    let e = new_client(Some(EndpointDiscovery::Disabled)).get_entry().send().await.expect_err("discovery off");
    assert!(e.to_string().contains("`GetEntry` requires endpoint discovery, which the configuration turns off"), "{e}");
    assert!(take(&state).is_empty());
    println!("ok: disabled: {e}");

    // An explicit endpoint turns discovery off.
    let explicit = Client::new(config(&local, &urls, None).endpoint(local.clone()).build().unwrap());
    let out = explicit.get_entry().send().await.expect("GetEntry on the explicit endpoint");
    assert_eq!(out.id(), Some(format!("127.0.0.1:{port}").as_str()));
    assert_eq!(take(&state).len(), 1);
    println!("ok: an explicit endpoint turns discovery off");

    // A host and port: a second listener (which the router reaches over http).
    let second = Arc::new(Mutex::new(State::default()));
    let second_port = server(Arc::clone(&second));
    state.lock().unwrap().address = format!("127.0.0.1:{second_port}");
    new_client(None).get_entry().send().await.expect("GetEntry on the second listener");
    assert_eq!(take(&second), pairs(&[("GetEntry", &format!("127.0.0.1:{second_port}"))]));
    assert!(urls.lock().unwrap().contains(&format!("https://127.0.0.1:{second_port}/ Ledger.GetEntry")));
    println!("ok: a host:port address reaches the second listener");

    // An http:// address (the regular endpoint being https://), or one with
    // more than a host and port, is never called: an error naming it for a
    // required operation, the regular endpoint for an optional one.
    for bad in [format!("http://127.0.0.1:{second_port}"), format!("user@127.0.0.1:{second_port}"), format!("127.0.0.1:{second_port}/x?y#z")] {
        state.lock().unwrap().address = bad.clone();
        let e = new_client(None).get_entry().send().await.expect_err("refused address");
        assert!(e.to_string().contains(&format!("`{bad}`")), "{e}");
        let out = new_client(Some(EndpointDiscovery::Enabled)).list_books().send().await.expect("ListBooks falls back");
        assert_eq!(out.books(), [REGULAR.to_string()]);
    }
    assert!(take(&second).is_empty(), "the refused addresses got no request");
    state.lock().unwrap().address = "ops.ledger.test".into();
    println!("ok: http:// and addresses with user info, a path or a query are refused");

    // The setting from the environment.
    std::env::set_var("AWS_ENDPOINT_DISCOVERY_ENABLED", "TRUE");
    assert_eq!(config(&local, &urls, None).build().unwrap().endpoint_discovery(), EndpointDiscovery::Enabled);
    std::env::set_var("AWS_ENDPOINT_DISCOVERY_ENABLED", "sometimes");
    let e = config(&local, &urls, None).build().unwrap_err();
    assert!(e.to_string().contains("AWS_ENDPOINT_DISCOVERY_ENABLED = \"sometimes\": expected true, false or auto"), "{e}");
    std::env::remove_var("AWS_ENDPOINT_DISCOVERY_ENABLED");
    println!("ok: AWS_ENDPOINT_DISCOVERY_ENABLED");

    // So does an endpoint configured in the environment (unlike botocore,
    // which then still discovers, and leaves the emulator).
    take(&state);
    std::env::set_var("AWS_ENDPOINT_URL_LEDGER", &local);
    let out = new_client(None).get_entry().send().await.expect("GetEntry on AWS_ENDPOINT_URL_LEDGER");
    assert_eq!(out.id(), Some(format!("127.0.0.1:{port}").as_str()));
    assert_eq!(take(&state), pairs(&[("GetEntry", &format!("127.0.0.1:{port}"))]));
    std::env::remove_var("AWS_ENDPOINT_URL_LEDGER");
    println!("ok: an endpoint from the environment turns discovery off");
}

#[cfg(feature = "timestream")]
async fn timestream(moto: &str) {
    let urls = Arc::new(Mutex::new(Vec::new()));
    let client = discovery_fixture::timestream_write::Client::new(config(moto, &urls, None).build().unwrap());
    client.create_database().database_name("ledger").send().await.expect("CreateDatabase");
    let out = client.list_databases().send().await.expect("ListDatabases");
    let names: Vec<&str> = out.databases().iter().filter_map(|d| d.database_name()).collect();
    assert_eq!(names, ["ledger"]);
    let urls = urls.lock().unwrap().clone();
    let host = "https://ingest.timestream.us-east-1.amazonaws.com/ Timestream_20181101";
    assert_eq!(urls, [format!("{host}.DescribeEndpoints"), format!("{host}.CreateDatabase"), format!("{host}.ListDatabases")]);
    println!("ok: Timestream Write on moto: DescribeEndpoints, then CreateDatabase and ListDatabases on its endpoint");
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("fixture") => fixture().await,
        #[cfg(feature = "timestream")]
        Some("timestream") => timestream(&args[2]).await,
        other => panic!("unknown case {other:?}"),
    }
}
"##;

/// Generate the crate from `models` into `dir`.
fn generate(models: Vec<PathBuf>, dir: &Path) {
    let options = smithy_gen_codegen::Options {
        models,
        crate_name: "discovery_fixture".into(),
        selection: Default::default(),
        packaging: Packaging {
            runtime: RuntimeDependency::Path(relative_path(dir, &root().join("runtime"))),
            loader: LoaderDependency::Path(relative_path(dir, &root().join("config-loader"))),
            own_workspace: true,
            ..Packaging::default()
        },
    };
    let files = smithy_gen_codegen::generate(&options).unwrap_or_else(|e| panic!("{e}"));
    smithy_gen_codegen::write::write(dir, &files).unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
}

/// The program built against the generated crate (with Timestream Write
/// when `timestream`).
fn program(timestream: bool) -> PathBuf {
    let base = root().join("target/endpoint-discovery");
    let _ = std::fs::remove_dir_all(&base);
    let (krate, user) = (base.join("discovery_fixture"), base.join("driver"));
    std::fs::create_dir_all(user.join("src")).unwrap();
    let mut models = vec![root().join("tests/fixtures/valid/endpoint_discovery.json")];
    if timestream {
        models.extend(integration_tests::third_party::official_model("endpoint_discovery", "timestream-write-2018-11-01.json"));
    }
    generate(models, &krate);
    let runtime = relative_path(&user, &root().join("runtime"));
    std::fs::write(
        user.join("Cargo.toml"),
        format!(
            "[package]\nname = \"discovery-driver\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[features]\ntimestream = []\n\n\
             [dependencies]\ndiscovery_fixture = {{ path = \"../discovery_fixture\" }}\nsmithy-gen-runtime = {{ path = {runtime:?} }}\n\
             tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\nhttp = \"1\"\nbytes = \"1\"\nserde_json = \"1\"\n\n[workspace]\n"
        ),
    )
    .unwrap();
    // The checkout's lock file: the versions already built.
    std::fs::copy(root().join("Cargo.lock"), user.join("Cargo.lock")).unwrap();
    std::fs::write(user.join("src/main.rs"), PROGRAM).unwrap();
    let mut cmd = integration_tests::cargo_command();
    cmd.env("CARGO_TARGET_DIR", root().join("target/fixture-target")).arg("--manifest-path").arg(user.join("Cargo.toml"));
    if timestream {
        cmd.args(["--features", "timestream"]);
    }
    integration_tests::build_binary(cmd)
}

fn run(program: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new(program);
    cmd.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    let missing = root().join("target/endpoint-discovery/no-such-file");
    cmd.env("AWS_CONFIG_FILE", &missing).env("AWS_SHARED_CREDENTIALS_FILE", &missing).env("AWS_EC2_METADATA_DISABLED", "true");
    let out = cmd.output().expect("run the program");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{program:?} {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

#[test]
fn discovered_endpoints_are_found_cached_refreshed_and_evicted() {
    let moto = integration_tests::interop::Moto::start();
    if moto.is_none() {
        println!("skipped: the moto case (no interop Python: run `cargo xtask interop-env`)");
    }
    let corpus = moto.is_some() && smithy_gen_codegen::third_party::find_file(smithy_gen_codegen::third_party::Set::AwsModels, &root(), "timestream-write-2018-11-01.json").is_ok();
    if moto.is_some() && !corpus {
        // Says which file is missing and how to fetch it.
        integration_tests::third_party::official_model("endpoint_discovery (Timestream Write on moto)", "timestream-write-2018-11-01.json");
    }
    let program = program(corpus);
    let out = run(&program, &["fixture"]);
    print!("{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("ok: ")).count(), 13, "{out}");
    if let (Some(moto), true) = (&moto, corpus) {
        let out = run(&program, &["timestream", &moto.endpoint]);
        print!("{out}");
        assert!(out.contains("ok: Timestream Write on moto"), "{out}\n{}", moto.log());
    }
}
