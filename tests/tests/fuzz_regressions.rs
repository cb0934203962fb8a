//! Inputs the fuzz targets of `fuzz/` (`cargo xtask fuzz`) found to break
//! an invariant, minimised, one test each, so the bugs stay fixed without a
//! fuzzer. Each test names the target and the artifact it came from.

use std::collections::BTreeSet;

/// A model with one service and nothing else, with the given `sdkId`.
fn service_with_sdk_id(sdk_id: &str) -> String {
    let model = serde_json::json!({
        "smithy": "2.0",
        "shapes": {
            "fz.test#Service": {
                "type": "service",
                "version": "2024-01-01",
                "traits": {
                    "aws.protocols#restJson1": {},
                    "aws.api#service": {"sdkId": sdk_id},
                    "aws.auth#sigv4": {"name": "fuzz"}
                }
            }
        }
    });
    model.to_string()
}

fn generate(model: String) -> Result<Vec<smithy_gen_codegen::RenderedFile>, smithy_gen_codegen::Error> {
    smithy_gen_codegen::generate_from_sources(&[("fuzz.json".into(), model)], "fuzz-crate")
}

/// The message of a model error; panics on success or on a render error (a
/// generator bug).
fn model_error(model: String) -> String {
    match generate(model) {
        Err(smithy_gen_codegen::Error::Model(d)) => d.to_string(),
        Err(smithy_gen_codegen::Error::Render(e)) => panic!("the generator emitted code that does not parse: {e}"),
        Ok(_) => panic!("the model was accepted"),
    }
}

/// `model_json`, crash-ffa0ef4ff951342f06114127179697b21041e313: an empty
/// `sdkId` named the service module `_`, which is not an identifier, so the
/// generated `src/cli.rs` did not parse ("internal error: generated code for
/// src/cli.rs does not parse: expected identifier, found keyword `_`").
#[test]
fn empty_sdk_id_is_a_model_error() {
    for sdk_id in ["", " ", "é", "-"] {
        let message = model_error(service_with_sdk_id(sdk_id));
        assert!(message.contains("fz.test#Service"), "{message}");
        assert!(message.contains("no ASCII letter or digit"), "{message}");
    }
}

/// Found while reducing the crash above, and checked by `model_json` since:
/// an `sdkId` of `Runtime` made the service module `runtime`, whose files
/// overwrote the crate's own copy of the runtime (two files with one path).
/// The runtime is a crate of its own now, so `runtime` is an ordinary module
/// name; the crate's own root modules still get a `_` suffix.
#[test]
fn sdk_id_of_a_root_module_does_not_overwrite_it() {
    for (sdk_id, module, own) in [
        ("Runtime", "src/runtime/mod.rs", None),
        ("Unicode Properties", "src/unicode_properties_/mod.rs", Some("src/unicode_properties.rs")),
        ("CLI", "src/cli_/mod.rs", Some("src/cli.rs")),
    ] {
        let Ok(files) = generate(service_with_sdk_id(sdk_id)) else {
            // `CLI` is refused for its feature name (see below).
            assert_eq!(sdk_id, "CLI");
            continue;
        };
        let mut paths = BTreeSet::new();
        for f in &files {
            assert!(paths.insert(f.path.as_str()), "two generated files are {}", f.path);
        }
        assert!(paths.contains(module) && own.is_none_or(|p| paths.contains(p)), "{sdk_id}: {paths:?}");
    }
}

/// Likewise: an `sdkId` of `CLI` or `Default` gave the service a Cargo
/// feature (`cli`, `default`) the generator defines itself, so `Cargo.toml`
/// defined it twice. Any clash of feature names is now a model error.
#[test]
fn sdk_id_whose_feature_clashes_is_a_model_error() {
    for (sdk_id, feature) in [("CLI", "cli"), ("Default", "default"), ("Default Transport", "default-transport")] {
        let message = model_error(service_with_sdk_id(sdk_id));
        assert!(message.contains(&format!("the Cargo feature `{feature}` of service `fz.test#Service`")), "{message}");
    }
}

/// `xml_responses`, crash-4f8ed5828271c7efc9d70bdf688e31f60dd05584: a
/// response header whose name is not ASCII (a user's transport may hand one
/// over) made reading S3's `x-amz-meta-` prefix headers slice a string inside
/// a character.
#[tokio::test]
async fn prefix_headers_with_non_ascii_names() {
    use aws_generated::s3::{self, types as s3t};
    use smithy_gen_runtime::request::RawResponse;
    use smithy_gen_runtime::transport::{BoxFuture, SendError, Sleep, Transport};
    use std::sync::Arc;

    #[derive(Debug)]
    struct Answer;
    impl Transport for Answer {
        fn send(&self, _: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
            // Byte 11, the prefix's length, falls inside the `é` of the first name.
            let headers = vec![("x-amz-metaé-x".to_string(), "v".to_string()), ("x-amz-meta-é".to_string(), "w".to_string())];
            Box::pin(std::future::ready(Ok(RawResponse::new(200, headers, &b"body"[..]))))
        }
    }
    #[derive(Debug)]
    struct NoSleep;
    impl Sleep for NoSleep {
        fn sleep(&self, _: std::time::Duration) -> BoxFuture<'static, ()> {
            Box::pin(std::future::ready(()))
        }
    }
    let config = smithy_gen_runtime::Config::builder()
        .region("us-east-1")
        .credentials(smithy_gen_runtime::Credentials::new("AKID", "secret", None))
        .transport(Arc::new(Answer))
        .sleep(Arc::new(NoSleep))
        .build()
        .expect("config");
    let out = s3::Client::new(config).get_object_with(s3t::GetObjectInput::new("b", "k")).await.expect("an object");
    assert_eq!(out.metadata.unwrap_or_default().get("é").map(String::as_str), Some("w"));
}
