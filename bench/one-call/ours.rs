//! One PutDestination call through a crate this project generated (`api` is
//! the seed crate or the complete CloudWatch Logs crate, by Cargo.toml).

#[path = "harness.rs"]
mod harness;

use std::sync::Arc;

use api::cloudwatch_logs::types::PutDestinationInput;
use api::cloudwatch_logs::Client;
use api::{Config, Credentials};

fn main() {
    harness::run(make_client, call);
}

fn make_client(endpoint: &str) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(endpoint)
        .credentials(Credentials::new("AKIDBENCHMARK", "bench-secret", None))
        .build()
        .expect("config");
    Client::new(config)
}

async fn call(client: Arc<Client>) -> Result<String, String> {
    let input = PutDestinationInput::new(
        "bench-destination",
        "arn:aws:kinesis:us-east-1:123456789012:stream/bench",
        "arn:aws:iam::123456789012:role/bench",
    );
    let output = client.put_destination(input).await.map_err(|e| e.to_string())?;
    Ok(output.destination.and_then(|d| d.arn).unwrap_or_default())
}
