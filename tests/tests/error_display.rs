//! What every kind of operation error says (`Display`, as a snapshot): the
//! operation, then the service's code and message, the transport's cause,
//! the timeout, the invalid input or the unparseable response, with the
//! request id where there is one and the attempts made; and that `source()`
//! leads to the cause (down to the HTTP client's error for a refused
//! connection).

use std::error::Error as _;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_generated::cloudwatch_logs::{self as logs, types::PutDestinationInput};
use smithy_gen_runtime::credentials::{CredentialsError, ProvideCredentials};
use smithy_gen_runtime::error::{TimeoutError, TimeoutKind, TransportError, TransportErrorKind};
use smithy_gen_runtime::hooks::{HookRequest, RequestHook};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Transport};
use smithy_gen_runtime::{Config, ConfigBuilder, Credentials};

const TARGET: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
const ROLE: &str = "arn:aws:iam::123456789012:role/r";

/// Answers every request with the same outcome.
#[derive(Debug)]
struct Canned(Mutex<Option<Result<RawResponse, SendError>>>, bool);

impl Transport for Canned {
    fn send(&self, _: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        if self.1 {
            return Box::pin(std::future::pending());
        }
        let outcome = self.0.lock().unwrap().clone().expect("an outcome");
        Box::pin(std::future::ready(outcome))
    }
}

#[derive(Debug)]
struct Failing;

impl ProvideCredentials for Failing {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(Err(CredentialsError::new("the profile `dev`'s credential_process", "exited with exit status: 1"))))
    }
}

#[derive(Debug)]
struct Refuse;

impl RequestHook for Refuse {
    fn before_sign(&self, _: &mut HookRequest<'_>) -> Result<(), String> {
        Err("no calls outside business hours".into())
    }
}

fn builder(outcome: Option<Result<RawResponse, SendError>>) -> ConfigBuilder {
    let hang = outcome.is_none();
    Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "display-secret", None))
        .transport(Arc::new(Canned(Mutex::new(outcome), hang)))
        .sleep(Arc::new(integration_tests::NoSleep))
        .max_attempts(2)
}

fn response(status: u16, body: &str) -> Option<Result<RawResponse, SendError>> {
    Some(Ok(RawResponse::new(status, vec![("x-amzn-requestid".into(), "req-0123".into())], body.as_bytes().to_vec())))
}

fn run<T>(f: impl Future<Output = T>) -> T {
    smithy_gen_runtime::protocol_test::block_on(f)
}

fn shown(config: Config, input: PutDestinationInput) -> (String, bool) {
    let e = run(logs::Client::new(config).put_destination_with(input)).expect_err("an error");
    (e.to_string(), e.source().is_some())
}

fn input() -> PutDestinationInput {
    PutDestinationInput::new("d1", TARGET, ROLE)
}

#[test]
fn each_kind_of_error_says_what_happened() {
    let transport = |kind, message: &str| Some(Err(SendError::Transport(TransportError::new(kind, message))));
    let timeout = |kind| Some(Err(SendError::Timeout(TimeoutError { kind, after: Duration::from_secs(10), attempts: 1 })));
    let cases: Vec<(&str, Config, PutDestinationInput)> = vec![
        ("modeled service error", builder(response(400, r#"{"__type":"InvalidParameterException","message":"The role cannot be assumed"}"#)).build().unwrap(), input()),
        ("unmodeled service error", builder(response(400, r#"{"__type":"SomethingNewException","message":"a code the model does not know"}"#)).build().unwrap(), input()),
        ("retried service error", builder(response(503, r#"{"__type":"ServiceUnavailableException","message":"try later"}"#)).build().unwrap(), input()),
        ("invalid input", builder(response(200, "{}")).build().unwrap(), PutDestinationInput::new("", TARGET, ROLE)),
        ("connection refused", builder(transport(TransportErrorKind::Connect, "tcp connect error: Connection refused (os error 111)")).build().unwrap(), input()),
        ("connection lost", builder(transport(TransportErrorKind::Io, "connection closed before message completed")).build().unwrap(), input()),
        ("body too large", builder(response(200, &"x".repeat(64))).max_response_body(16).build().unwrap(), input()),
        ("no credentials", builder(response(200, "{}")).credentials_provider(Arc::new(Failing)).build().unwrap(), input()),
        ("a hook refused", builder(response(200, "{}")).hook(Arc::new(Refuse)).build().unwrap(), input()),
        ("connect timeout", builder(timeout(TimeoutKind::Connect)).build().unwrap(), input()),
        ("read timeout", builder(timeout(TimeoutKind::Read)).build().unwrap(), input()),
        ("attempt timeout", builder(None).operation_attempt_timeout(Duration::from_secs(2)).build().unwrap(), input()),
        ("operation timeout", builder(None).operation_timeout(Duration::from_secs(30)).build().unwrap(), input()),
        ("unparseable response", builder(response(200, "{\"destination\": [1, 2")).build().unwrap(), input()),
    ];
    let mut out = String::new();
    for (name, config, input) in cases {
        let (text, has_source) = shown(config, input);
        assert!(has_source, "{name}: source() leads to the cause");
        assert!(text.starts_with("PutDestination: "), "{name}: {text}");
        assert!(!text.contains("display-secret"), "{name}: {text}");
        out.push_str(&format!("{name}:\n{text}\n\n"));
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn a_refused_connection_chains_to_the_http_clients_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::new("AKID", "display-secret", None))
        .max_attempts(2)
        .build()
        .unwrap();
    let e = logs::Client::new(config).put_destination_with(input()).await.expect_err("nothing listens");
    let text = e.to_string();
    assert!(text.starts_with("PutDestination: cannot connect: ") && text.ends_with("(2 attempts)"), "{text}");
    let transport = e.source().expect("the transport error");
    let cause = transport.source().expect("the HTTP client's error");
    assert!(format!("{cause:?}").contains("Connect"), "{cause:?}");
}
