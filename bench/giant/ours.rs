//! One ListDomains call to SageMaker (358 operations) through the crate this
//! project generated from the complete official model (`api`: with one
//! operation's feature, or every operation, by Cargo.toml), configured by the
//! loader, `smithy_gen_config::load()`, as the README tells users. Prints `ok 1`.

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        let fail = |e: &dyn std::fmt::Display| -> ! {
            eprintln!("error: {e}");
            std::process::exit(1)
        };
        let config = smithy_gen_config::load().await.unwrap_or_else(|e| fail(&e));
        api::sagemaker::Client::new(config).list_domains().send().await.unwrap_or_else(|e| fail(&e));
        println!("ok 1");
    });
}
