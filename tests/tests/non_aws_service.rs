//! A service that is not AWS's: the to-do list of `models/todo.smithy`,
//! whose client `examples/todo-service` generates in its build script,
//! called against a server on 127.0.0.1 that this test runs. What a user
//! relies on: no region or AWS credentials needed, the bearer token and the
//! API key where the model puts them (and nowhere else), an open operation
//! sent unsigned, a clear error and no request when an identity or the
//! endpoint is missing, typed errors, pagination, a streamed download, and
//! secrets in no `Debug` output, error, recording or `tracing` event.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use todo_service_example::todo;
use todo::todo_service::{errors, types, Client};

const TOKEN: &str = "tok-SECRET-1";
const API_KEY: &str = "key-SECRET-2";

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The attachment: large enough to arrive in several chunks.
fn attachment() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

/// The to-do service: five items, pages of `maxResults`, a 404 for
/// `missing`, the attachment, and the stats behind the API key. Every
/// answer closes its connection.
struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = log.clone();
                std::thread::spawn(move || serve(stream, &log));
            }
        });
        Server { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: std::net::TcpStream, log: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length: usize = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let seen = Seen { method, target, headers };
    log.lock().unwrap().push(seen.clone());
    let (status, extra, content): (u16, Vec<(&str, String)>, Vec<u8>) = route(&seen, &body);
    let mut out = stream;
    let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", content.len());
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = out.write_all(head.as_bytes());
    // The body in pieces, so the client's stream sees more than one chunk.
    for piece in content.chunks(16 * 1024) {
        let _ = out.write_all(piece);
        let _ = out.flush();
    }
}

fn json(status: u16, body: serde_json::Value) -> (u16, Vec<(&'static str, String)>, Vec<u8>) {
    (status, vec![("content-type", "application/json".to_string())], body.to_string().into_bytes())
}

fn route(r: &Seen, body: &[u8]) -> (u16, Vec<(&'static str, String)>, Vec<u8>) {
    let (path, query) = r.target.split_once('?').unwrap_or((r.target.as_str(), ""));
    let param = |name: &str| query.split('&').find_map(|p| p.strip_prefix(&format!("{name}=")).map(str::to_string));
    if path == "/status" {
        return json(200, serde_json::json!({"status": "ok"}));
    }
    if path == "/stats" {
        return match r.header("x-api-key") {
            Some(API_KEY) => json(200, serde_json::json!({"total": 5, "done": 2})),
            _ => json(403, serde_json::json!({"message": "an API key is needed"})),
        };
    }
    if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
        return json(401, serde_json::json!({"message": "a bearer token is needed"}));
    }
    let item = |n: u32| serde_json::json!({"id": format!("t-{n}"), "title": format!("item {n}"), "done": n <= 2});
    match (r.method.as_str(), path) {
        ("GET", "/todos") => {
            let from: u32 = param("nextToken").and_then(|t| t.parse().ok()).unwrap_or(0);
            let size: u32 = param("maxResults").and_then(|t| t.parse().ok()).unwrap_or(100);
            let items: Vec<_> = (from + 1..=5).take(size as usize).map(item).collect();
            let next = from + items.len() as u32;
            let mut page = serde_json::json!({"items": items});
            if next < 5 {
                page["nextToken"] = serde_json::Value::String(next.to_string());
            }
            json(200, page)
        }
        ("POST", "/todos") => {
            let input: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            json(201, serde_json::json!({"todo": {"id": "t-6", "title": input["title"], "done": false}}))
        }
        ("GET", "/todos/missing") | ("GET", "/todos/missing/attachment") => {
            let (status, mut headers, content) = json(404, serde_json::json!({"message": "no such to-do item", "id": "missing"}));
            headers.push(("x-amzn-errortype", "TodoNotFound".to_string()));
            (status, headers, content)
        }
        ("GET", p) if p.ends_with("/attachment") => (200, vec![("content-type", "application/octet-stream".to_string())], attachment()),
        ("GET", p) => json(200, serde_json::json!({"todo": item(p.trim_start_matches("/todos/t-").parse().unwrap_or(1))})),
        _ => json(400, serde_json::json!({"message": "no such route"})),
    }
}

/// A configuration with only what a user of this service has: its URL and
/// (maybe) a token or key. No region, no AWS credentials.
fn config(server: &Server, token: bool, key: bool) -> todo::Config {
    let mut b = todo::Config::builder().endpoint_url(server.url.clone()).max_attempts(1);
    if token {
        b = b.bearer_token(TOKEN);
    }
    if key {
        b = b.api_key(API_KEY);
    }
    b.build().expect("a configuration with an endpoint and no region or AWS credentials")
}

fn no_secret(text: &str) {
    assert!(!text.contains("SECRET"), "a secret shows: {text}");
}

#[tokio::test]
async fn the_open_operation_needs_nothing_and_sends_no_identity() {
    let server = Server::start();
    // A token is configured; the operation's `@auth([])` sends none.
    let client = Client::new(config(&server, true, true));
    let out = client.get_service_status().send().await.expect("status");
    assert_eq!(out.status(), "ok");
    // And with nothing configured at all.
    let out = Client::new(config(&server, false, false)).get_service_status().send().await.expect("status");
    assert_eq!(out.status(), "ok");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(s.header("authorization"), None, "{s:?}");
        assert_eq!(s.header("x-api-key"), None, "{s:?}");
        // Nothing of SigV4 either.
        assert!(!s.headers.iter().any(|(k, _)| k.starts_with("x-amz-")), "{s:?}");
    }
}

#[tokio::test]
async fn bearer_token_pagination_typed_errors_and_input() {
    let server = Server::start();
    let client = Client::new(config(&server, true, false));
    let items = client.list_todos_paginator(types::ListTodosInput::default()).page_size(2).collect_items().await.expect("every page");
    let ids: Vec<&str> = items.iter().map(|t| t.id()).collect();
    assert_eq!(ids, ["t-1", "t-2", "t-3", "t-4", "t-5"]);
    let pages: Vec<String> = server.seen().iter().map(|s| s.target.clone()).collect();
    assert_eq!(pages, ["/todos?maxResults=2", "/todos?nextToken=2&maxResults=2", "/todos?nextToken=4&maxResults=2"]);

    let created = client.create_todo().title("water the plants").send().await.expect("created");
    let todo = created.todo().expect("the new item");
    assert_eq!((todo.id(), todo.title()), ("t-6", "water the plants"));

    match client.get_todo().id("missing").send().await {
        Err(errors::GetTodoError::TodoNotFound(e)) => {
            assert_eq!(e.error.message(), "no such to-do item");
            assert_eq!(e.error.id(), Some("missing"));
            assert_eq!(e.meta.status, 404);
        }
        other => panic!("expected TodoNotFound, got {other:?}"),
    }
    // Every one of these carried the token, and only as the model says.
    for s in server.seen() {
        assert_eq!(s.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()), "{s:?}");
        assert_eq!(s.header("x-api-key"), None, "{s:?}");
    }
}

#[tokio::test]
async fn the_api_key_goes_in_its_header_only_where_the_model_asks() {
    let server = Server::start();
    let client = Client::new(config(&server, true, true));
    let stats = client.get_stats().send().await.expect("stats");
    assert_eq!((stats.total(), stats.done()), (5, 2));
    let seen = server.seen();
    assert_eq!(seen[0].header("x-api-key"), Some(API_KEY));
    assert_eq!(seen[0].header("authorization"), None, "only the operation's own scheme");
}

#[tokio::test]
async fn a_missing_identity_fails_unsent_naming_the_scheme_and_the_fix() {
    let server = Server::start();
    // A token but no key: GetStats needs the key.
    let client = Client::new(config(&server, true, false));
    let e = client.get_stats().send().await.expect_err("no API key");
    let text = e.to_string();
    assert!(matches!(&e, errors::GetStatsError::Transport(t) if t.kind == smithy_gen_runtime::error::TransportErrorKind::Credentials), "{e:?}");
    assert!(text.contains("smithy.api#httpApiKeyAuth") && text.contains("api_key"), "{text}");
    no_secret(&text);
    // No token: the bearer operations fail the same way.
    let e = Client::new(config(&server, false, true)).list_todos().send().await.expect_err("no token").to_string();
    assert!(e.contains("smithy.api#httpBearerAuth") && e.contains("bearer_token"), "{e}");
    assert!(server.seen().is_empty(), "nothing may be sent: {:?}", server.seen());
}

#[tokio::test]
async fn an_anonymous_configuration_sends_no_token() {
    let server = Server::start();
    let config = todo::Config::builder().endpoint_url(server.url.clone()).bearer_token(TOKEN).anonymous().max_attempts(1).build().expect("config");
    let e = Client::new(config).list_todos().send().await.expect_err("the server wants a token");
    assert!(matches!(&e, errors::ListTodosError::Unmodeled(m) if m.status == 401), "{e:?}");
    assert_eq!(server.seen()[0].header("authorization"), None);
}

#[tokio::test]
async fn a_streamed_download() {
    let server = Server::start();
    let client = Client::new(config(&server, true, false));
    let (out, mut body) = client.get_attachment_stream(types::GetAttachmentInput::builder().id("t-1").build().expect("input")).await.expect("download");
    assert_eq!(out.content_type(), Some("application/octet-stream"));
    let mut got = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = body.next_chunk().await {
        got.extend_from_slice(&chunk.expect("chunk"));
        chunks += 1;
    }
    assert_eq!(got, attachment());
    assert!(chunks >= 1);
    // A typed error from the streaming form too.
    let e = client.get_attachment_stream(types::GetAttachmentInput::builder().id("missing").build().expect("input")).await.expect_err("404");
    assert!(matches!(e, errors::GetAttachmentError::TodoNotFound(_)), "{e:?}");
}

#[tokio::test]
async fn without_an_endpoint_nothing_is_sent_and_the_error_says_what_to_set() {
    // A region alone (as an AWS user might have in the environment) is no
    // endpoint for this service.
    let config = todo::Config::builder().region("us-east-1").bearer_token(TOKEN).build().expect("config");
    let e = Client::new(config).list_todos().send().await.expect_err("no endpoint").to_string();
    assert!(e.contains("endpoint_url") && e.contains("not an AWS service"), "{e}");
    no_secret(&e);
}

#[test]
fn secrets_show_in_no_debug_output() {
    let config = todo::Config::builder()
        .endpoint_url("http://127.0.0.1:9")
        .bearer_token(TOKEN)
        .api_key(API_KEY)
        .basic_auth("ann", "pw-SECRET-3")
        .build()
        .expect("config");
    no_secret(&format!("{config:?}"));
    no_secret(&format!("{:?}", Client::new(config)));
}

#[test]
fn no_iam_actions_for_a_service_without_sigv4() {
    // IAM authorizes SigV4 calls only: a bearer token or API key needs none.
    assert_eq!(todo::todo_service::OPERATIONS.len(), 6);
    assert!(todo::todo_service::IAM_ACTIONS.iter().all(|(_, actions)| actions.is_empty()), "{:?}", todo::todo_service::IAM_ACTIONS);
}

/// A service whose API key travels in a query parameter or a header of a
/// name no list of secret names knows: recordings keep neither.
static PLAIN: smithy_gen_runtime::invoke::ServiceSpec = smithy_gen_runtime::invoke::ServiceSpec {
    protocol: smithy_gen_runtime::protocols::Protocol::RestJson1,
    signing_name: "plain",
    sdk_id: "",
    endpoint_prefix: "plain",
    target_prefix: "Plain",
    default_headers: &[],
    endpoint_rules: None,
    parsed_rules: std::sync::OnceLock::new(),
    signing: smithy_gen_runtime::signing::SigningOptions::DEFAULT,
};

#[tokio::test]
async fn recordings_leave_out_api_keys_wherever_the_model_puts_them() {
    use smithy_gen_runtime::auth::{ApiKeyLocation, AuthOption};
    use smithy_gen_runtime::transport::default::DefaultTransport;
    use smithy_gen_runtime::transport::replay::{RecordingTransport, REDACTED};
    static IN_QUERY: &[AuthOption] = &[AuthOption::ApiKey { name: "key", location: ApiKeyLocation::Query, scheme: None }];
    static IN_HEADER: &[AuthOption] = &[AuthOption::ApiKey { name: "X-Team-Pass", location: ApiKeyLocation::Header, scheme: Some("Pass") }];
    let server = Server::start();
    let dir = std::env::temp_dir().join(format!("non-aws-recording-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let file = dir.join("calls.json");
    let inner = Arc::new(DefaultTransport::new(std::time::Duration::from_secs(5), std::time::Duration::from_secs(5)).expect("transport"));
    let recorder = Arc::new(RecordingTransport::new(inner, &file));
    let config = todo::Config::builder().endpoint_url(server.url.clone()).api_key(API_KEY).transport(recorder.clone()).max_attempts(1).build().expect("config");
    let handle = smithy_gen_runtime::invoke::Handle::new(config, &PLAIN);
    let policy = smithy_gen_runtime::retry::RetryPolicy::new(true, &[]);
    for auth in [IN_QUERY, IN_HEADER] {
        let mut request = smithy_gen_runtime::request::PreparedRequest::new("GET", "/stats");
        request.query("a", "b");
        request.auth = Some(auth);
        handle.send("GetStats", &request, &policy).await.expect("an answer");
    }
    // The server got the key where the model said.
    let seen = server.seen();
    assert_eq!(seen[0].target, format!("/stats?a=b&key={API_KEY}"));
    assert_eq!(seen[1].header("x-team-pass"), Some(format!("Pass {API_KEY}").as_str()));
    recorder.save().expect("saved");
    let text = std::fs::read_to_string(&file).expect("the recording");
    no_secret(&text);
    assert!(text.contains(REDACTED) && text.contains("/stats"), "{text}");
    assert!(!text.to_ascii_lowercase().contains("x-team-pass"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn replay_mismatches_never_show_the_api_key() {
    use smithy_gen_runtime::auth::{ApiKeyLocation, AuthOption};
    use smithy_gen_runtime::transport::replay::{Exchange, ReplayTransport};
    static IN_QUERY: &[AuthOption] = &[AuthOption::ApiKey { name: "key", location: ApiKeyLocation::Query, scheme: None }];
    let replay = Arc::new(ReplayTransport::new(vec![Exchange::new("GET", "/stats").query("key", "another").query("a", "c")]));
    let config = todo::Config::builder().not_aws().endpoint_url("http://127.0.0.1:9").api_key(API_KEY).transport(replay.clone()).max_attempts(1).build().expect("config");
    let handle = smithy_gen_runtime::invoke::Handle::new(config, &PLAIN);
    let mut request = smithy_gen_runtime::request::PreparedRequest::new("GET", "/stats");
    request.query("a", "b");
    request.auth = Some(IN_QUERY);
    let e = handle.send("GetStats", &request, &smithy_gen_runtime::retry::RetryPolicy::new(true, &[])).await.expect_err("a mismatch");
    let text = format!("{e:?}");
    assert!(text.contains("/stats") && text.contains("a=b"), "{text}");
    no_secret(&text);
    let done = replay.check_done().expect_err("a mismatch");
    no_secret(&done);
}

/// Fails, as a token file that cannot be read does.
#[derive(Debug)]
struct BrokenTokenSource;

impl smithy_gen_runtime::auth::identity::ProvideToken for BrokenTokenSource {
    fn provide_token(&self) -> smithy_gen_runtime::transport::BoxFuture<'_, Result<smithy_gen_runtime::auth::identity::Token, smithy_gen_runtime::auth::identity::TokenError>> {
        Box::pin(std::future::ready(Err(smithy_gen_runtime::auth::identity::TokenError::new("the token file", "unreadable"))))
    }
}

#[tokio::test]
async fn a_token_provider_that_fails_fails_the_call_unsent() {
    let server = Server::start();
    let config = todo::Config::builder().endpoint_url(server.url.clone()).token_provider(Arc::new(BrokenTokenSource)).max_attempts(1).build().expect("config");
    let e = Client::new(config).list_todos().send().await.expect_err("no token").to_string();
    assert!(e.contains("the token file") && e.contains("unreadable") && e.contains("nothing was sent"), "{e}");
    assert!(server.seen().is_empty(), "{:?}", server.seen());
}

/// Sets its own `Authorization`, as a hook or an `@httpHeader` member can.
#[derive(Debug)]
struct OwnAuthorization;

impl smithy_gen_runtime::hooks::RequestHook for OwnAuthorization {
    fn before_sign(&self, request: &mut smithy_gen_runtime::hooks::HookRequest<'_>) -> Result<(), String> {
        request.set_header("Authorization", "from-a-hook");
        Ok(())
    }
}

#[tokio::test]
async fn the_bearer_token_replaces_an_authorization_header_already_there() {
    let server = Server::start();
    let config = todo::Config::builder().endpoint_url(server.url.clone()).bearer_token(TOKEN).hook(Arc::new(OwnAuthorization)).max_attempts(1).build().expect("config");
    Client::new(config).list_todos().send().await.expect("a page");
    let seen = server.seen();
    let auth: Vec<&str> = seen[0].headers.iter().filter(|(k, _)| k == "authorization").map(|(_, v)| v.as_str()).collect();
    assert_eq!(auth, [format!("Bearer {TOKEN}").as_str()]);
}

#[tokio::test]
async fn a_client_of_a_service_not_aws_fails_on_no_aws_setting() {
    let server = Server::start();
    // A malformed ~/.aws/config and a profile that is nowhere.
    let dir = std::env::temp_dir().join(format!("non-aws-broken-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    std::fs::write(dir.join("config"), "[profile broken\nregion = us-east-1\n").expect("written");
    let files = smithy_gen_runtime::config::profile_file::ProfileFiles { config: dir.join("config"), credentials: dir.join("credentials") };
    let builder = || todo::Config::builder().endpoint_url(server.url.clone()).bearer_token(TOKEN).profile_files(files.clone()).profile_name("missing").max_attempts(1);
    assert!(builder().build().is_err(), "an AWS configuration reads the files");
    let client = Client::new(builder().not_aws().build().expect("nothing of AWS's read"));
    assert_eq!(client.config().region(), "");
    client.list_todos().send().await.expect("a page");
    // The generated client's own constructor needs no region and no AWS
    // credentials either (a service without `aws.api#service`).
    let from_env = Client::from_env().expect("no region, no AWS credentials");
    assert_eq!(from_env.config().region(), "");
    let e = from_env.list_todos().send().await.expect_err("no endpoint").to_string();
    assert!(e.contains("endpoint_url"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Everything the process-wide subscriber wrote.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_at_trace_shows_the_calls_and_no_secret() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = Server::start();
    let client = Client::new(config(&server, true, true));
    client.get_stats().send().await.expect("stats");
    client.list_todos().send().await.expect("a page");
    let _ = client.get_todo().id("missing").send().await.expect_err("404");
    let _ = Client::new(config(&server, false, false)).get_stats().send().await.expect_err("no key");
    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(text.contains("GetStats") && text.contains("ListTodos") && text.contains("httpApiKeyAuth"), "{text}");
    no_secret(&text);
}

#[test]
fn the_generator_says_what_it_assumed_for_a_service_that_is_not_aws() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let options = smithy_gen_codegen::Options {
        models: vec![root.join("models/todo.smithy")],
        crate_name: "todo-client".into(),
        selection: Default::default(),
        packaging: Default::default(),
    };
    let generated = smithy_gen_codegen::generate_reporting(&options).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let [note] = generated.notes.as_slice() else { panic!("one note: {:?}", generated.notes) };
    for part in ["example.todo#TodoService", "no `aws.api#service`", "`todo_service`", "endpoint_url", "smithy.api#httpBearerAuth", "smithy.api#httpApiKeyAuth"] {
        assert!(note.contains(part), "{part}: {note}");
    }
}

/// Answers every request with `200` and `body`, keeping the requests.
#[derive(Debug, Default)]
struct Capture(Mutex<Vec<http::Request<smithy_gen_runtime::Bytes>>>);

impl smithy_gen_runtime::transport::Transport for Capture {
    fn send(
        &self,
        request: http::Request<smithy_gen_runtime::Bytes>,
        _max_body: usize,
    ) -> smithy_gen_runtime::transport::BoxFuture<'_, Result<smithy_gen_runtime::request::RawResponse, smithy_gen_runtime::transport::SendError>> {
        self.0.lock().unwrap().push(request);
        Box::pin(std::future::ready(Ok(smithy_gen_runtime::request::RawResponse::new(200, vec![], &b"public bytes"[..]))))
    }
}

#[tokio::test]
async fn an_anonymous_configuration_reads_a_public_s3_object_unsigned() {
    use aws_generated::s3;
    let capture = Arc::new(Capture::default());
    // No credentials anywhere: none are looked for.
    let config = aws_generated::Config::builder().region("us-east-1").anonymous().transport(capture.clone()).build().expect("config");
    let out = s3::Client::new(config).get_object_with(s3::types::GetObjectInput::new("public-bucket", "data.txt")).await.expect("object");
    assert_eq!(out.body.as_ref().map(|b| b.as_ref()), Some(&b"public bytes"[..]));
    let sent = capture.0.lock().unwrap();
    assert_eq!(sent[0].uri().to_string(), "https://public-bucket.s3.us-east-1.amazonaws.com/data.txt?x-id=GetObject");
    for header in ["authorization", "x-amz-date", "x-amz-security-token"] {
        assert!(sent[0].headers().get(header).is_none(), "{header} sent: {:?}", sent[0].headers());
    }
}

/// The `smithy-call` of a crate generated from `models/todo.smithy` with
/// `--out` (feature `cli`), built sharing the workspace's compiled
/// dependencies.
fn todo_smithy_call() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/non-aws-cli/todo-cli");
    let _ = std::fs::remove_dir_all(&out);
    let options = smithy_gen_codegen::Options {
        models: vec![root.join("models/todo.smithy")],
        crate_name: "todo-cli".into(),
        selection: Default::default(),
        packaging: smithy_gen_codegen::package::checkout_packaging(&out, &root.join("runtime"), true),
    };
    let files = smithy_gen_codegen::generate(&options).unwrap_or_else(|e| panic!("{e}"));
    smithy_gen_codegen::write::write(&out, &files).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = integration_tests::cargo_command();
    cmd.env("CARGO_TARGET_DIR", root.join("target")).args(["--features", "cli", "--bin", "smithy-call", "--manifest-path"]).arg(out.join("Cargo.toml"));
    integration_tests::build_binary(cmd)
}

#[test]
fn smithy_call_needs_only_the_endpoint_and_reads_secrets_from_the_environment() {
    let bin = todo_smithy_call();
    let server = Server::start();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(&bin);
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") || k.starts_with("SMITHY_CALL_") {
                cmd.env_remove(k);
            }
        }
        // No AWS files either.
        cmd.env("AWS_CONFIG_FILE", "/nonexistent/non-aws-cli/config").env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/non-aws-cli/credentials");
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        let out = cmd.args(args).args(["--endpoint-url", &server.url]).envs(env.iter().copied()).output().expect("run smithy-call");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
        no_secret(&stdout);
        no_secret(&stderr);
        (out.status.code(), stdout, stderr)
    };
    let token = [("SMITHY_CALL_BEARER_TOKEN", TOKEN)];
    let (code, stdout, stderr) = run(&["todo_service", "ListTodos", "--input", "{}", "--all-pages", "-v"], &token);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("t-1") && stdout.contains("t-5"), "{stdout}");
    let (code, stdout, stderr) = run(&["todo_service", "get-stats", "--input", "{}"], &[("SMITHY_CALL_API_KEY", API_KEY)]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("\"total\":5") || stdout.contains("\"total\": 5"), "{stdout}");
    // The dry run shows the request without the token.
    let (code, stdout, _) = run(&["todo_service", "GetTodo", "--input", r#"{"id":"t-1"}"#, "--dry-run"], &token);
    assert_eq!(code, Some(0));
    assert!(!stdout.to_ascii_lowercase().contains("authorization"), "{stdout}");
    // Without the key: exit 3, the scheme and the variable named, nothing sent.
    let sent = server.seen().len();
    let (code, _, stderr) = run(&["todo_service", "GetStats", "--input", "{}"], &token);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("smithy.api#httpApiKeyAuth") && stderr.contains("SMITHY_CALL_API_KEY"), "{stderr}");
    assert_eq!(server.seen().len(), sent, "nothing sent");
    // The service's 404 as the modelled error (exit 1).
    let (code, _, stderr) = run(&["todo_service", "GetTodo", "--input", r#"{"id":"missing"}"#], &token);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("TodoNotFound"), "{stderr}");
    // No service here is AWS's: a malformed ~/.aws/config and an AWS_PROFILE
    // naming a missing profile change nothing.
    let dir = std::env::temp_dir().join(format!("non-aws-cli-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let broken = dir.join("config");
    std::fs::write(&broken, "[profile broken\nregion = us-east-1\n").expect("written");
    let broken = broken.to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&["todo_service", "ListTodos", "--input", "{}"], &[("SMITHY_CALL_BEARER_TOKEN", TOKEN), ("AWS_CONFIG_FILE", &broken), ("AWS_PROFILE", "missing")]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // Half a login: a one-line warning naming the variables, no value.
    let (code, _, stderr) = run(&["todo_service", "ListTodos", "--input", "{}"], &[("SMITHY_CALL_BEARER_TOKEN", TOKEN), ("SMITHY_CALL_USERNAME", "ann-SECRET-4")]);
    assert_eq!(code, Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning") && l.contains("SMITHY_CALL_PASSWORD")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
