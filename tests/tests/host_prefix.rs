//! `@endpoint(hostPrefix)` on the wire: CloudWatch Logs `StartLiveTail`
//! goes to `streaming-<host>` unless the configuration turns host prefixes
//! off (`disable_host_prefix_injection`, as botocore and the AWS CLI read it
//! from `AWS_DISABLE_HOST_PREFIX_INJECTION` or the profile), for a local
//! emulator or proxy that serves every operation on one host.

use std::sync::{Arc, Mutex};

use aws_generated::cloudwatch_logs::{types::StartLiveTailInput, Client};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Transport};
use smithy_gen_runtime::{Config, Credentials};

/// Keeps each request's URL and answers 400.
#[derive(Debug, Default)]
struct Urls(Mutex<Vec<String>>);

impl Transport for Urls {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        self.0.lock().unwrap().push(request.uri().to_string());
        Box::pin(async { Ok(RawResponse::new(400, vec![], smithy_gen_runtime::Bytes::from_static(br#"{"__type":"InvalidParameterException","message":"no"}"#))) })
    }
}

async fn url_with(disable: Option<bool>) -> String {
    let urls = Arc::new(Urls::default());
    let mut builder = Config::builder()
        .region("us-east-1")
        .endpoint("https://logs.emulator.example")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .max_attempts(1)
        .transport(urls.clone());
    if let Some(d) = disable {
        builder = builder.disable_host_prefix_injection(d);
    }
    let _ = Client::new(builder.build().unwrap()).start_live_tail_with(StartLiveTailInput::new(vec!["arn:aws:logs:us-east-1:1:log-group:g".into()])).await;
    let urls = urls.0.lock().unwrap();
    assert_eq!(urls.len(), 1);
    urls[0].clone()
}

#[tokio::test]
async fn the_host_prefix_goes_before_the_host_unless_turned_off() {
    assert_eq!(url_with(None).await, "https://streaming-logs.emulator.example/");
    assert_eq!(url_with(Some(false)).await, "https://streaming-logs.emulator.example/");
    assert_eq!(url_with(Some(true)).await, "https://logs.emulator.example/");
}
