//! One call to each of five services through aws-sdk-rust, all clients made
//! from one configuration from aws-config, `aws_config::load_defaults`, as its
//! documentation tells users (region, endpoint and credentials from the
//! environment, the full credential chain compiled in). Prints `ok 5`.

use aws_config::BehaviorVersion;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
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
