//! One PutDestination call through a crate this project generated (`api` is
//! the seed crate or the complete CloudWatch Logs crate, by Cargo.toml), with
//! its configuration from the loader, `smithy_gen_config::load()`, as the
//! README tells users (region, endpoint and credentials from the
//! environment, the full credential chain compiled in).

#[path = "harness.rs"]
mod harness;

use std::sync::Arc;

use api::cloudwatch_logs::Client;

fn main() {
    harness::run(make_client, call);
}

async fn make_client() -> Client {
    let config = smithy_gen_config::load().await.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(1)
    });
    Client::new(config)
}

async fn call(client: Arc<Client>) -> Result<String, String> {
    let output = client
        .put_destination()
        .destination_name("bench-destination")
        .target_arn("arn:aws:kinesis:us-east-1:123456789012:stream/bench")
        .role_arn("arn:aws:iam::123456789012:role/bench")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok(output.destination.and_then(|d| d.arn).unwrap_or_default())
}
