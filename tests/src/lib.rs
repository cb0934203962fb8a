//! Support code for the integration tests in `tests/tests/`.
//!
//! - [`interop`]: run a real moto server, and ask botocore for the request
//!   it would build and for a SigV4 signature, so the generated client can
//!   be checked against the reference implementations.

pub mod interop;

/// The `smithy-call` binary of the generated crate, built on first use
/// (`cargo build -p aws-generated --features cli --bin smithy-call`) into
/// the workspace's target directory.
pub fn smithy_call_binary() -> std::path::PathBuf {
    use std::sync::OnceLock;
    static BIN: OnceLock<std::path::PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = std::process::Command::new(cargo)
            .current_dir(&root)
            .args(["build", "--quiet", "-p", "aws-generated", "--features", "cli", "--bin", "smithy-call", "--message-format", "json"])
            .output()
            .expect("run cargo build");
        assert!(out.status.success(), "building smithy-call failed:\n{}", String::from_utf8_lossy(&out.stderr));
        // The artifact message names the executable, wherever the target directory is.
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find_map(|m| m.get("executable").and_then(|e| e.as_str()).map(std::path::PathBuf::from))
            .expect("cargo reported the smithy-call executable")
    })
    .clone()
}
