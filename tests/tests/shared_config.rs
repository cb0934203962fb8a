//! One configuration, many clients: a program with two generated service
//! crates (CloudWatch Logs on awsJson1_1 and GuardDuty on restJson1, each
//! generated from its official model into a crate of its own, both naming
//! the runtime crate) builds one `Config` and gives it to a client of each.
//! The program compiles only because both crates use the runtime's one
//! `Config` type; the calls then share one transport, so both go over one
//! kept-alive connection to a local server, signed with the same
//! credentials.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The repository's own model of a service (`models/`): this test needs
/// nothing beside the checkout.
fn own_model(file: &str) -> PathBuf {
    root().join("models").join(file)
}

/// Generate one service crate with the given operations into `dir`, naming
/// the checkout's runtime by path, as `cargo xtask codegen --out` does.
fn generate(dir: &Path, model: PathBuf, name: &str, operations: &[&str]) {
    let out = dir.join(name);
    let options = smithy_gen_codegen::Options {
        models: vec![model],
        crate_name: name.into(),
        selection: smithy_gen_codegen::Selection {
            services: Default::default(),
            anywhere: Some(operations.iter().map(|o| o.to_string()).collect()),
        },
        packaging: smithy_gen_codegen::package::checkout_packaging(&out, &root().join("runtime"), false),
    };
    let files = smithy_gen_codegen::generate(&options).unwrap_or_else(|e| panic!("{name}: {e}"));
    smithy_gen_codegen::write::write(&out, &files).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

const PROGRAM: &str = r#"
use logs_lite::cloudwatch_logs::types::PutDestinationInput;
use guardduty_lite::guardduty::types::CreateDetectorInput;

fn main() {
    let endpoint = std::env::args().nth(1).expect("the endpoint");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio");
    rt.block_on(async {
        // Built once; `guardduty_lite::Config` is the same type.
        let config: guardduty_lite::Config = logs_lite::Config::builder()
            .region("us-east-1")
            .endpoint(endpoint)
            .credentials(logs_lite::Credentials::new("AKIDSHAREDCONFIG", "shared-secret", None))
            .build()
            .expect("config");
        let logs = logs_lite::cloudwatch_logs::Client::new(config.clone());
        let guardduty = guardduty_lite::guardduty::Client::new(config);
        let input = PutDestinationInput::new("d1", "arn:aws:kinesis:us-east-1:123456789012:stream/s", "arn:aws:iam::123456789012:role/r");
        let out = logs.put_destination_with(input).await.expect("PutDestination");
        println!("logs: {}", out.destination.and_then(|d| d.destination_name).unwrap_or_default());
        let out = guardduty.create_detector_with(CreateDetectorInput::new(true)).await.expect("CreateDetector");
        println!("guardduty: {}", out.detector_id.unwrap_or_default());
        let out = logs.put_destination_with(PutDestinationInput::new("d2", "arn:t", "arn:r")).await.expect("PutDestination");
        println!("logs: {}", out.destination.and_then(|d| d.destination_name).unwrap_or_default());
    });
}
"#;

/// Per connection, its requests: request line and `Authorization` credential.
type Seen = Mutex<Vec<Vec<(String, String)>>>;

/// A keep-alive server answering both services; records each connection's
/// requests.
struct Server {
    port: u16,
    connections: Arc<Seen>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let connections = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let index = {
                    let mut all = seen.lock().unwrap();
                    all.push(Vec::new());
                    all.len() - 1
                };
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || serve(stream, index, &seen));
            }
        });
        Server { port, connections }
    }
}

fn serve(mut stream: TcpStream, index: usize, seen: &Seen) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut pending = Vec::new();
    while let Ok(Some((head, body))) = integration_tests::read_http_request(&mut stream, &mut pending) {
        let header = |name: &str| {
            head.lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let first = head.lines().next().unwrap_or_default().to_string();
        let credential = header("authorization").split("Credential=").nth(1).and_then(|c| c.split('/').next()).unwrap_or_default().to_string();
        seen.lock().unwrap()[index].push((first.clone(), credential));
        let body = if header("x-amz-target").ends_with(".PutDestination") {
            let sent: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            format!(r#"{{"destination":{{"destinationName":{}}}}}"#, sent["destinationName"])
        } else if first.starts_with("POST /detector ") {
            r#"{"detectorId":"det-shared"}"#.to_string()
        } else {
            return;
        };
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

#[test]
fn two_generated_crates_share_one_configuration_and_one_connection() {
    let dir = root().join("target/shared-config");
    let _ = std::fs::remove_dir_all(&dir);
    generate(&dir, own_model("cloudwatch-logs.json"), "logs-lite", &["PutDestination"]);
    generate(&dir, own_model("guardduty.json"), "guardduty-lite", &["CreateDetector"]);
    let program = dir.join("program");
    std::fs::create_dir_all(program.join("src")).expect("program dir");
    std::fs::write(program.join("src/main.rs"), PROGRAM).expect("main.rs");
    std::fs::write(
        program.join("Cargo.toml"),
        "[package]\nname = \"program\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n\
         logs-lite = { path = \"../logs-lite\" }\nguardduty-lite = { path = \"../guardduty-lite\" }\n\
         tokio = { version = \"1\", default-features = false, features = [\"rt\"] }\n",
    )
    .expect("Cargo.toml");
    std::fs::write(dir.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"logs-lite\", \"guardduty-lite\", \"program\"]\n")
        .expect("workspace");

    let server = Server::start();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The fixture crates' target directory: the same dependencies, built once.
    let output = Command::new(cargo)
        .env("CARGO_TARGET_DIR", root().join("target/fixture-target"))
        .args(["run", "--quiet", "-p", "program", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--")
        .arg(format!("http://127.0.0.1:{}", server.port))
        .output()
        .expect("cargo run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the program failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout, "logs: d1\nguardduty: det-shared\nlogs: d2\n");

    let connections = server.connections.lock().unwrap().clone();
    assert_eq!(connections.len(), 1, "one shared transport keeps one connection for both clients: {connections:?}");
    let requests = &connections[0];
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests[1].0.starts_with("POST /detector "), "{requests:?}");
    assert!(requests.iter().all(|(_, credential)| credential == "AKIDSHAREDCONFIG"), "{requests:?}");
}
