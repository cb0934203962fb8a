//! The configuration loader (`smithy-gen-config`) serves crates generated
//! anywhere: it depends on the identity clients' own crate
//! (`smithy-gen-identity`), never on this repository's example crate, and
//! the `smithy-call` tool of a crate generated with `--out` resolves
//! credentials through it (here a role assumed through moto).

use std::path::{Path, PathBuf};
use std::process::Command;

use integration_tests::interop::{Moto, SKIP_NOTICE};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("the checkout")
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// GuardDuty `CreateDetector` from the repository's own model, generated
/// into `dir/guardduty-lite` as `smithy-gen generate --out` does from a
/// checkout (runtime and loader by path).
fn generate_guardduty(dir: &Path) -> PathBuf {
    let out = dir.join("guardduty-lite");
    let _ = std::fs::remove_dir_all(&out);
    let options = smithy_gen_codegen::Options {
        models: vec![root().join("models/guardduty.json")],
        crate_name: "guardduty-lite".into(),
        selection: smithy_gen_codegen::Selection { services: Default::default(), anywhere: Some(["CreateDetector".to_string()].into()) },
        packaging: smithy_gen_codegen::package::checkout_packaging(&out, &root().join("runtime"), true),
    };
    let files = smithy_gen_codegen::generate(&options).unwrap_or_else(|e| panic!("{e}"));
    smithy_gen_codegen::write::write(&out, &files).unwrap_or_else(|e| panic!("{e}"));
    out
}

/// The packages of `cargo tree` run in `dir` (normal and build edges).
fn tree(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = cargo()
        .current_dir(dir)
        .args(["tree", "--quiet", "--prefix", "none", "--edges", "normal,build"])
        .args(args)
        .output()
        .expect("cargo tree");
    assert!(out.status.success(), "cargo tree in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.split_whitespace().next()).map(str::to_string).collect()
}

#[test]
fn a_program_with_its_own_crate_and_the_loader_compiles_nothing_of_the_example_crate() {
    // The loader alone, in this workspace.
    let loader = tree(&root(), &["-p", "smithy-gen-config"]);
    assert!(loader.iter().any(|p| p == "smithy-gen-identity"), "{loader:?}");
    assert!(!loader.iter().any(|p| p == "aws-generated"), "the loader pulls in the example crate: {loader:?}");

    // A program of a user's: its own generated crate, with `smithy-call`
    // (feature `cli`), and the loader.
    let dir = root().join("target/loader-anywhere");
    let krate = generate_guardduty(&dir);
    let program = dir.join("program");
    std::fs::create_dir_all(program.join("src")).expect("program");
    std::fs::write(program.join("src/main.rs"), "fn main() {}\n").expect("main.rs");
    std::fs::write(
        program.join("Cargo.toml"),
        format!(
            "[package]\nname = \"program\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
             guardduty-lite = {{ path = {:?}, features = [\"cli\"] }}\nsmithy-gen-config = {{ path = {:?} }}\n\n[workspace]\n",
            krate.display().to_string(),
            root().join("config-loader").display().to_string()
        ),
    )
    .expect("Cargo.toml");
    let _ = std::fs::copy(root().join("Cargo.lock"), program.join("Cargo.lock"));
    let packages = tree(&program, &[]);
    for wanted in ["guardduty-lite", "smithy-gen-config", "smithy-gen-identity", "smithy-gen-runtime"] {
        assert!(packages.iter().any(|p| p == wanted), "{wanted} missing: {packages:?}");
    }
    assert!(!packages.iter().any(|p| p == "aws-generated"), "the example crate is compiled: {packages:?}");
}

#[test]
fn an_out_crates_smithy_call_assumes_a_role_through_the_loader() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let dir = root().join("target/loader-anywhere-cli");
    let krate = generate_guardduty(&dir);
    // Build the crate's own tool, sharing the workspace's compiled
    // dependencies.
    let mut cmd = integration_tests::cargo_command();
    cmd.env("CARGO_TARGET_DIR", root().join("target")).args(["--features", "cli", "--bin", "smithy-call", "--manifest-path"]).arg(krate.join("Cargo.toml"));
    let bin = integration_tests::build_binary(cmd);

    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let config = home.join("config");
    let credentials = home.join("credentials");
    std::fs::write(
        &config,
        format!(
            "[services local]\nsts =\n  endpoint_url = {e}\nguardduty =\n  endpoint_url = {e}\n\
             [profile admin]\nservices = local\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/out-crate\n\
             source_profile = base\nrole_session_name = cli\n",
            e = moto.endpoint
        ),
    )
    .expect("config");
    std::fs::write(&credentials, "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = SECRETBASE\n").expect("credentials");
    let mut cmd = Command::new(&bin);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .args(["guardduty", "CreateDetector", "--input", r#"{"enable":true}"#, "--profile", "admin", "-v"])
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run smithy-call");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("detectorId"), "{stdout}");
    assert!(stderr.contains("assume role arn:aws:iam::123456789012:role/out-crate"), "credentials from the assumed role:\n{stderr}");
    assert!(!stderr.contains("SECRETBASE") && !stdout.contains("SECRETBASE"), "no secret printed");
}
