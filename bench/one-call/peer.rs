//! One PutDestination call through aws-sdk-cloudwatchlogs, configured the way
//! its documentation shows for a fixed endpoint and static credentials.

#[path = "harness.rs"]
mod harness;

use std::sync::Arc;

use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatchlogs::{Client, Config};

fn main() {
    harness::run(make_client, call);
}

fn make_client(endpoint: &str) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("AKIDBENCHMARK", "bench-secret", None, None, "bench"))
        .build();
    Client::from_conf(config)
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
