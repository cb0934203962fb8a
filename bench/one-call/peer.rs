//! One PutDestination call through aws-sdk-cloudwatchlogs, with its
//! configuration from aws-config, `aws_config::load_defaults`, as its
//! documentation tells users (region, endpoint and credentials from the
//! environment, the full credential chain compiled in).

#[path = "harness.rs"]
mod harness;

use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_sdk_cloudwatchlogs::Client;

fn main() {
    harness::run(make_client, call);
}

async fn make_client() -> Client {
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    Client::new(&config)
}

async fn call(client: Arc<Client>) -> Result<String, String> {
    let output = client
        .put_destination()
        .destination_name("bench-destination")
        .target_arn("arn:aws:kinesis:us-east-1:123456789012:stream/bench")
        .role_arn("arn:aws:iam::123456789012:role/bench")
        .send()
        .await
        .map_err(|e| format!("{}", aws_sdk_cloudwatchlogs::error::DisplayErrorContext(e)))?;
    Ok(output.destination.and_then(|d| d.arn).unwrap_or_default())
}
