//! One call to each of five services through aws-sdk-rust, all clients made
//! from one `aws_config` configuration, the way its documentation shows for a
//! fixed endpoint and static credentials. Usage: `five-peer ENDPOINT`;
//! prints `ok 5`.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudwatchlogs::config::Credentials;

fn main() {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(Credentials::new("AKIDBENCHMARK", "bench-secret", None, None, "bench"))
            .load()
            .await;
        let fail = |e: &dyn std::error::Error| -> ! {
            eprintln!("error: {e:?}");
            std::process::exit(1)
        };
        aws_sdk_cloudwatchlogs::Client::new(&config).describe_log_groups().send().await.unwrap_or_else(|e| fail(&e));
        aws_sdk_ecs::Client::new(&config).list_clusters().send().await.unwrap_or_else(|e| fail(&e));
        aws_sdk_eks::Client::new(&config).list_clusters().send().await.unwrap_or_else(|e| fail(&e));
        aws_sdk_athena::Client::new(&config).list_work_groups().send().await.unwrap_or_else(|e| fail(&e));
        aws_sdk_sesv2::Client::new(&config).list_email_identities().send().await.unwrap_or_else(|e| fail(&e));
        println!("ok 5");
    });
}
