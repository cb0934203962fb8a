//! Waiters (`smithy.waiters#waitable`) on the wire, through a scripted fake
//! transport and a `Sleep` that records each delay instead of sleeping:
//! S3's `BucketExists` (success on an output, retry on the `NotFound` error
//! code), `BucketNotExists` (success on an error) and IAM's `RoleExists`
//! (an awsQuery error code), the schedule (exponential, jittered between the
//! minimum delay and the cap, shortened to leave time for a last attempt,
//! the maximum wait honoured), unexpected errors, and waits that cannot run.
//!
//! Path acceptors (output and inputOutput, projections, flatten, filters,
//! `length`, `contains`, the four comparators, failure states) are checked
//! on a crate generated from `tests/fixtures/valid/waiters.json`, whose own
//! test (written here) drives its waiters the same way.

use std::collections::VecDeque;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_generated::{iam, s3};
use smithy_gen_runtime::config::{Config, Credentials};
use smithy_gen_runtime::error::{TransportError, TransportErrorKind};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Sleep, Transport};
use smithy_gen_runtime::waiters::{Wait, WaiterError};
use smithy_gen_runtime::{ErrorKind, OperationError};

type Answer = Result<RawResponse, SendError>;

/// Records each request's method and path and answers from a queue.
#[derive(Debug, Default)]
struct FakeTransport {
    sent: Mutex<Vec<(String, String)>>,
    answers: Mutex<VecDeque<Answer>>,
}

impl Transport for FakeTransport {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, _max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        self.sent.lock().unwrap().push((request.method().to_string(), request.uri().to_string()));
        let answer = self.answers.lock().unwrap().pop_front();
        Box::pin(async move {
            answer.unwrap_or_else(|| Err(SendError::Transport(TransportError::new(TransportErrorKind::Other, "no canned response left"))))
        })
    }
}

/// Returns at once, recording how long it was asked to sleep.
#[derive(Debug, Default)]
struct RecordingSleep(Mutex<Vec<Duration>>);

impl Sleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }
}

struct Harness {
    transport: Arc<FakeTransport>,
    sleep: Arc<RecordingSleep>,
}

impl Harness {
    fn new(answers: impl IntoIterator<Item = Answer>) -> Harness {
        let transport = Arc::new(FakeTransport::default());
        transport.answers.lock().unwrap().extend(answers);
        Harness { transport, sleep: Arc::new(RecordingSleep::default()) }
    }

    fn config(&self) -> Config {
        Config::builder()
            .region("us-east-1")
            .endpoint("http://127.0.0.1:4566")
            .credentials(Credentials::new("AKID", "secret", None))
            .transport(self.transport.clone())
            .sleep(self.sleep.clone())
            .client_context_param("ForcePathStyle", true)
            .build()
            .expect("valid config")
    }

    fn s3(&self) -> s3::Client {
        s3::Client::new(self.config())
    }

    fn iam(&self) -> iam::Client {
        iam::Client::new(self.config())
    }

    /// The delays slept, in seconds.
    fn delays(&self) -> Vec<f64> {
        self.sleep.0.lock().unwrap().iter().map(Duration::as_secs_f64).collect()
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.transport.sent.lock().unwrap().clone()
    }
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(future)
}

fn status(code: u16) -> Answer {
    Ok(RawResponse::new(code, vec![], Vec::new()))
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

#[test]
fn bucket_exists_retries_not_found_until_the_bucket_answers() {
    let h = Harness::new([status(404), status(404), status(200)]);
    let done = run(h.s3().wait_until_bucket_exists().bucket("b1").wait(Wait::new(secs(300)).jitter(|| 1.0))).expect("bucket exists");
    assert_eq!(done.attempts, 3);
    assert!(done.output().is_some(), "success was reached by an output");
    // minDelay 5: the cap doubles from 5 s; jitter 1.0 takes the cap.
    assert_eq!(h.delays(), [5.0, 10.0]);
    let requests = h.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|(m, uri)| m == "HEAD" && uri.ends_with("/b1")), "{requests:?}");
}

/// The fluent wait owns a clone of the client: its future can be spawned.
#[test]
fn a_wait_can_be_spawned() {
    fn assert_spawnable<T: Future + Send + 'static>(_: T) {}
    let h = Harness::new([]);
    assert_spawnable(h.s3().wait_until_bucket_exists().bucket("b").wait(secs(60)));
    assert_spawnable(h.iam().wait_until_role_exists().role_name("r").wait(Wait::new(secs(60)).jitter(|| 0.5)));
}

#[test]
fn bucket_not_exists_succeeds_on_the_not_found_error() {
    let h = Harness::new([status(200), status(200), status(404)]);
    let input = s3::types::HeadBucketInput::builder().bucket("gone").build().expect("input");
    let done = run(h.s3().wait_until_bucket_not_exists_with(input, secs(120))).expect("bucket gone");
    assert_eq!(done.attempts, 3, "an output matches no acceptor of BucketNotExists: retried");
    let err = done.into_result().expect_err("success was reached by an error");
    assert_eq!(err.code(), Some("NotFound"));
    let delays = h.delays();
    assert_eq!(delays.len(), 2);
    assert!(delays[0] >= 5.0 && delays[0] <= 5.0 + 1e-9, "{delays:?}");
    assert!(delays[1] >= 5.0 && delays[1] <= 10.0, "{delays:?}");
}

#[test]
fn an_error_no_acceptor_matches_ends_the_wait_at_once() {
    let h = Harness::new([status(403)]);
    let e = run(h.s3().wait_until_bucket_exists().bucket("b").wait(secs(60))).expect_err("forbidden");
    let WaiterError::UnexpectedError { waiter, attempts, error } = &e else { panic!("unexpected error expected: {e:?}") };
    assert_eq!((*waiter, *attempts), ("BucketExists", 1));
    assert_eq!(error.code(), Some("Forbidden"));
    assert!(e.to_string().starts_with("waiter BucketExists: unexpected error on attempt 1: HeadBucket: Forbidden (HTTP 403)"), "{e}");
    assert!(std::error::Error::source(&e).is_some());
    assert!(h.delays().is_empty());
}

#[test]
fn the_maximum_wait_is_honoured_and_the_last_delay_shortened() {
    let h = Harness::new((0..10).map(|_| status(404)));
    let e = run(h.s3().wait_until_bucket_exists().bucket("b").wait(Wait::new(secs(30)).jitter(|| 1.0))).expect_err("never exists");
    let WaiterError::MaxWaitExceeded { attempts, max_wait, .. } = &e else { panic!("max wait expected: {e:?}") };
    // 5 s, 10 s, then 20 s would leave less than minDelay: 30 - 15 - 5 = 10 s (less the
    // attempts' own time), after which under 5 s is left: no fifth attempt.
    assert_eq!((*attempts, *max_wait), (4, secs(30)));
    let d = h.delays();
    assert_eq!(d.len(), 3, "{d:?}");
    assert_eq!((d[0], d[1]), (5.0, 10.0));
    assert!(d[2] > 9.9 && d[2] <= 10.0, "{d:?}");
    assert!(d.iter().sum::<f64>() <= 30.0);
    assert_eq!(h.requests().len(), 4);
    assert!(
        e.to_string().starts_with("waiter BucketExists: gave up after 4 attempts within the maximum wait of 30.0 s; the last attempt failed: HeadBucket: NotFound (HTTP 404)"),
        "{e}"
    );
    assert!(matches!(e.last_result(), Some(Err(err)) if err.code() == Some("NotFound")));
}

#[test]
fn delays_grow_exponentially_between_the_minimum_and_the_cap() {
    let answers: Vec<Answer> = (0..6).map(|_| status(404)).chain([status(200)]).collect();
    // jitter 0.5: halfway between minDelay and the cap 5·2^(n-1), capped at 120.
    let h = Harness::new(answers.clone());
    run(h.s3().wait_until_bucket_exists().bucket("b").wait(Wait::new(secs(3600)).jitter(|| 0.5))).expect("exists");
    let want = [5.0, 7.5, 12.5, 22.5, 42.5, 62.5];
    let got = h.delays();
    assert!(got.iter().zip(want).all(|(g, w)| close(*g, w)) && got.len() == 6, "{got:?}");
    // jitter 0: always the minimum delay.
    let h = Harness::new(answers.clone());
    run(h.s3().wait_until_bucket_exists().bucket("b").wait(Wait::new(secs(3600)).jitter(|| 0.0))).expect("exists");
    assert_eq!(h.delays(), [5.0; 6]);
    // The secure default: each delay within [minDelay, cap].
    let h = Harness::new(answers.clone());
    run(h.s3().wait_until_bucket_exists().bucket("b").wait(secs(3600))).expect("exists");
    for (n, d) in h.delays().iter().enumerate() {
        let cap = (5.0 * 2f64.powi(n as i32)).min(120.0);
        assert!(*d >= 5.0 && *d <= cap, "delay {n}: {d} outside [5, {cap}]");
    }
    // Other delays than the model's.
    let h = Harness::new(answers);
    run(h.s3().wait_until_bucket_exists().bucket("b").wait(Wait::new(secs(3600)).min_delay(secs(1)).max_delay(secs(4)).jitter(|| 1.0)))
        .expect("exists");
    assert_eq!(h.delays(), [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]);
}

#[test]
fn waits_that_cannot_run_send_nothing() {
    let h = Harness::new([status(200)]);
    let e = run(h.s3().wait_until_bucket_exists().bucket("b").wait(secs(4))).expect_err("4 s < minDelay 5 s");
    assert!(matches!(e, WaiterError::InvalidWait { waiter: "BucketExists", .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "waiter BucketExists: the maximum wait (4.0 s) is shorter than the minimum delay between attempts (5.0 s); nothing was sent"
    );
    let e = run(h.s3().wait_until_bucket_exists().bucket("b").wait(Wait::new(secs(60)).min_delay(secs(10)).max_delay(secs(2))))
        .expect_err("min over max");
    assert!(matches!(e, WaiterError::InvalidWait { .. }), "{e:?}");
    assert!(h.requests().is_empty());
    // A missing required member is the operation's validation error: no
    // acceptor matches it, so the wait ends on the first attempt.
    let e = run(h.s3().wait_until_bucket_exists().wait(secs(60))).expect_err("no bucket");
    let WaiterError::UnexpectedError { error, .. } = &e else { panic!("{e:?}") };
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(h.requests().is_empty());
}

#[test]
fn role_exists_retries_the_awsquery_error_code() {
    let no_such_entity = Ok(RawResponse::new(
        404,
        vec![("content-type".into(), "text/xml".into())],
        b"<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name r cannot be found.</Message></Error><RequestId>1</RequestId></ErrorResponse>".to_vec(),
    ));
    let role = Ok(RawResponse::new(
        200,
        vec![("content-type".into(), "text/xml".into())],
        b"<GetRoleResponse><GetRoleResult><Role><Path>/</Path><RoleName>r</RoleName><RoleId>AROA1</RoleId><Arn>arn:aws:iam::123456789012:role/r</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></Role></GetRoleResult></GetRoleResponse>".to_vec(),
    ));
    let h = Harness::new([no_such_entity, role]);
    let done = run(h.iam().wait_until_role_exists().role_name("r").wait(Wait::new(secs(60)).jitter(|| 0.0))).expect("role exists");
    assert_eq!(done.attempts, 2);
    assert_eq!(done.output().and_then(|o| o.role()).map(|r| r.role_name()), Some("r"));
    assert_eq!(h.delays(), [1.0], "RoleExists: minDelay 1");
}

// ---------------------------------------------------------------------------
// Path acceptors, on a crate generated from tests/fixtures/valid/waiters.json.

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The fixture crate's own test: drives each waiter with canned JSON
/// answers (awsJson1_0) and checks the state reached.
const FIXTURE_TEST: &str = include_str!("../fixtures/waiters_acceptors.rs");

#[test]
fn path_acceptors_of_a_generated_crate() {
    use smithy_gen_codegen::package::{relative_path, LoaderDependency};
    use smithy_gen_codegen::{Packaging, RuntimeDependency};
    let dir = root().join("target/waiters-fixture");
    let options = smithy_gen_codegen::Options {
        models: vec![root().join("tests/fixtures/valid/waiters.json")],
        crate_name: "waiters-fixture".into(),
        selection: Default::default(),
        packaging: Packaging {
            runtime: RuntimeDependency::Path(relative_path(&dir, &root().join("runtime"))),
            loader: LoaderDependency::Path(relative_path(&dir, &root().join("config-loader"))),
            own_workspace: true,
            ..Packaging::default()
        },
    };
    let files = smithy_gen_codegen::generate(&options).unwrap_or_else(|e| panic!("{e}"));
    smithy_gen_codegen::write::write(&dir, &files).unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("tests/acceptors.rs"), FIXTURE_TEST).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .env("CARGO_TARGET_DIR", root().join("target/fixture-target"))
        .args(["test", "--quiet", "--all-features", "--test", "acceptors", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .output()
        .expect("cargo test");
    assert!(
        out.status.success(),
        "the fixture's acceptor tests failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------
// The official models: every waiter lowers (each acceptor's expression
// parses and fits the operation's types). Which crates compile with clippy
// is the sweep's (`cargo xtask sweep --only <models>`).

#[test]
fn every_waiter_of_the_official_models_lowers() {
    use smithy_gen_codegen::ir::MatcherIr;
    let Some(s3_model) = integration_tests::third_party::official_model("every_waiter_of_the_official_models_lowers", "s3-2006-03-01.json") else {
        return;
    };
    let dir = s3_model.parent().expect("the models' directory");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the models' directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("\"smithy.waiters#waitable\"")))
        .collect();
    files.sort();
    let (mut waiters, mut operations, mut paths, mut failures) = (0, 0, 0, Vec::new());
    for file in &files {
        let model = smithy_gen_codegen::Model::load_files(&[file]).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        match smithy_gen_codegen::lower::lower_crate(&model, "corpus", &Default::default()) {
            Ok(ir) => {
                for op in ir.services.iter().flat_map(|s| &s.operations).filter(|o| !o.waiters.is_empty()) {
                    operations += 1;
                    waiters += op.waiters.len();
                    paths += op.waiters.iter().flat_map(|w| &w.acceptors).filter(|a| matches!(a.matcher, MatcherIr::Path { .. })).count();
                }
            }
            Err(e) => failures.push(format!("{}: {e}", file.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{} models, {operations} waitable operations, {waiters} waiters, {paths} path acceptors lowered", files.len());
    if files.len() >= 52 {
        // The corpus as fetched: 52 models, 133 operations, 232 waiters.
        assert!(operations >= 133 && waiters >= 232, "{operations} operations, {waiters} waiters");
    }
}

// ---------------------------------------------------------------------------
// Against moto (skipped with a notice without the interop environment).

mod moto {
    use std::time::Duration;

    use aws_generated::{iam, s3};
    use integration_tests::interop::{Moto, SKIP_NOTICE};
    use smithy_gen_runtime::waiters::WaiterError;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

    #[tokio::test]
    async fn bucket_exists_after_create_and_not_after_delete() {
        let Some(moto) = Moto::start() else {
            eprintln!("{SKIP_NOTICE}");
            return;
        };
        let client = s3::Client::new(moto.config());
        // Not created yet: BucketNotExists is satisfied by the NotFound error at once.
        let gone = client.wait_until_bucket_not_exists().bucket("waited-bucket").wait(Duration::from_secs(10)).await.expect("not there yet");
        assert_eq!(gone.attempts, 1);
        client.create_bucket().bucket("waited-bucket").send().await.expect("CreateBucket");
        let done = client.wait_until_bucket_exists().bucket("waited-bucket").wait(Duration::from_secs(30)).await.expect("bucket exists");
        assert_eq!(done.attempts, 1);
        client.put_object().bucket("waited-bucket").key("k").body(b"v".to_vec()).send().await.expect("PutObject");
        client.wait_until_object_exists().bucket("waited-bucket").key("k").wait(Duration::from_secs(30)).await.expect("object exists");
        client.delete_object().bucket("waited-bucket").key("k").send().await.expect("DeleteObject");
        client.wait_until_object_not_exists().bucket("waited-bucket").key("k").wait(Duration::from_secs(30)).await.expect("object gone");
        client.delete_bucket().bucket("waited-bucket").send().await.expect("DeleteBucket");
        let gone = client.wait_until_bucket_not_exists().bucket("waited-bucket").wait(Duration::from_secs(30)).await.expect("bucket gone");
        assert!(gone.output().is_none(), "satisfied by the NotFound error");
    }

    #[tokio::test]
    async fn role_exists_after_create_and_a_missing_role_times_out() {
        let Some(moto) = Moto::start() else {
            eprintln!("{SKIP_NOTICE}");
            return;
        };
        let client = iam::Client::new(moto.config());
        client.create_role().role_name("waited-role").assume_role_policy_document(TRUST).send().await.expect("CreateRole");
        let done = client.wait_until_role_exists().role_name("waited-role").wait(Duration::from_secs(30)).await.expect("role exists");
        assert_eq!(done.output().and_then(|o| o.role()).map(|r| r.role_name()), Some("waited-role"));
        // minDelay 1 s: a few real attempts within 3 s, each NoSuchEntity.
        let e = client.wait_until_role_exists().role_name("no-such-role").wait(Duration::from_secs(3)).await.expect_err("never exists");
        let WaiterError::MaxWaitExceeded { attempts, .. } = &e else { panic!("{e:?}") };
        assert!(*attempts >= 2, "{e}");
        assert!(e.to_string().contains("NoSuchEntity"), "{e}");
    }

    #[tokio::test]
    async fn smithy_call_wait_exits_as_aws_wait_does() {
        let Some(moto) = Moto::start() else {
            eprintln!("{SKIP_NOTICE}");
            return;
        };
        let client = s3::Client::new(moto.config());
        client.create_bucket().bucket("cli-bucket").send().await.expect("CreateBucket");
        let bin = integration_tests::smithy_call_binary();
        let call = |args: &[&str]| {
            std::process::Command::new(&bin)
                .args(args)
                .args(["--endpoint", &moto.endpoint, "--region", "us-east-1"])
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                .env("AWS_SECRET_ACCESS_KEY", "secret")
                .env_remove("AWS_SESSION_TOKEN")
                .output()
                .expect("run smithy-call")
        };
        let text = |o: &std::process::Output| format!("stdout: {}\nstderr: {}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        let out = call(&["s3", "wait", "BucketExists", "--input", r#"{"Bucket":"cli-bucket"}"#, "--max-wait", "5"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(out.stdout.is_empty(), "nothing printed, as `aws s3api wait` prints nothing");
        // A bucket that never comes: minDelay 5 s leaves no room for a second attempt in 5 s.
        let out = call(&["s3", "wait", "BucketExists", "--input", r#"{"Bucket":"never-bucket"}"#, "--max-wait", "5"]);
        assert_eq!(out.status.code(), Some(6), "{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("waiter BucketExists: gave up after 1 attempt"), "{}", text(&out));
        let out = call(&["s3", "wait", "BucketNotExists", "--input", r#"{"Bucket":"never-bucket"}"#]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        // The AWS CLI's spelling names the same waiter (`aws s3api wait bucket-exists`).
        let out = call(&["s3", "wait", "bucket-exists", "--input", r#"{"Bucket":"cli-bucket"}"#]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let out = call(&["s3", "wait", "bucket-appears", "--input", r#"{"Bucket":"cli-bucket"}"#]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("service s3 has no waiter \"bucket-appears\"; it has: BucketExists, BucketNotExists, ObjectExists, ObjectNotExists"), "{stderr}");
        // And of operations.
        let out = call(&["s3", "head-bucket", "--input", r#"{"Bucket":"cli-bucket"}"#]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let out = call(&["s3", "HeadBucket", "extra", "--input", r#"{"Bucket":"cli-bucket"}"#]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        // IAM too (awsQuery).
        let iam = iam::Client::new(moto.config());
        iam.create_role().role_name("cli-role").assume_role_policy_document(TRUST).send().await.expect("CreateRole");
        let out = call(&["iam", "wait", "RoleExists", "--input", r#"{"RoleName":"cli-role"}"#, "--max-wait", "10"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
}
