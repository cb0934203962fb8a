//! Generate the clients this crate uses, from the repository's own models,
//! into `$OUT_DIR/aws.rs` (included by `src/lib.rs`). Cargo runs this again
//! when a model changes.

fn main() {
    let generated = smithy_gen_codegen::build_script::Builder::new("aws")
        .model("../../models/guardduty.json")
        .model("../../models/cloudwatch-logs.json")
        .operations(["CreateDetector", "PutDestination"])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    // The runtime features the clients need must be on in Cargo.toml.
    assert!(generated.runtime_features.is_empty(), "turn on {:?} of smithy-gen-runtime", generated.runtime_features);
}
