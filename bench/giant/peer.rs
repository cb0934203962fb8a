//! One ListDomains call to SageMaker through aws-sdk-sagemaker, configured by
//! aws-config, `aws_config::load_defaults`, as its documentation tells users.
//! Prints `ok 1`.

use aws_config::BehaviorVersion;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
        if let Err(e) = aws_sdk_sagemaker::Client::new(&config).list_domains().send().await {
            eprintln!("error: {:?}", e);
            std::process::exit(1);
        }
        println!("ok 1");
    });
}
