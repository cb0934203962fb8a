//! One call to each of five services through five crates this project
//! generated, all sharing one configuration from the loader,
//! `smithy_gen_config::load()`, as the README tells users (one transport, one
//! connection pool; region, endpoint and credentials from the environment,
//! the full credential chain compiled in): CloudWatch Logs, ECS and Athena
//! (awsJson1_1), EKS and SESv2 (restJson1). Prints `ok 5`.

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        let fail = |e: &dyn std::fmt::Display| -> ! {
            eprintln!("error: {e}");
            std::process::exit(1)
        };
        let config = smithy_gen_config::load().await.unwrap_or_else(|e| fail(&e));
        logs::cloudwatch_logs::Client::new(config.clone()).describe_log_groups().send().await.unwrap_or_else(|e| fail(&e));
        ecs::ecs::Client::new(config.clone()).list_clusters().send().await.unwrap_or_else(|e| fail(&e));
        eks::eks::Client::new(config.clone()).list_clusters().send().await.unwrap_or_else(|e| fail(&e));
        athena::athena::Client::new(config.clone()).list_work_groups().send().await.unwrap_or_else(|e| fail(&e));
        sesv2::sesv2::Client::new(config).list_email_identities().send().await.unwrap_or_else(|e| fail(&e));
        println!("ok 5");
    });
}
