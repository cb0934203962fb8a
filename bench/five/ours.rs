//! One call to each of five services through five crates this project
//! generated, all sharing one configuration (one transport, one connection
//! pool): CloudWatch Logs, ECS and Athena (awsJson1_1), EKS and SESv2
//! (restJson1). Usage: `five-ours ENDPOINT`; prints `ok 5`.

fn main() {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        let config = logs::Config::builder()
            .region("us-east-1")
            .endpoint(endpoint)
            .credentials(logs::Credentials::new("AKIDBENCHMARK", "bench-secret", None))
            .build()
            .expect("config");
        let fail = |e: &dyn std::fmt::Display| -> ! {
            eprintln!("error: {e}");
            std::process::exit(1)
        };
        logs::cloudwatch_logs::Client::new(config.clone())
            .describe_log_groups(Default::default())
            .await
            .unwrap_or_else(|e| fail(&e));
        ecs::ecs::Client::new(config.clone()).list_clusters(Default::default()).await.unwrap_or_else(|e| fail(&e));
        eks::eks::Client::new(config.clone()).list_clusters(Default::default()).await.unwrap_or_else(|e| fail(&e));
        athena::athena::Client::new(config.clone()).list_work_groups(Default::default()).await.unwrap_or_else(|e| fail(&e));
        sesv2::sesv2::Client::new(config).list_email_identities(Default::default()).await.unwrap_or_else(|e| fail(&e));
        println!("ok 5");
    });
}
