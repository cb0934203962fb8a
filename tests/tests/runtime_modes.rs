//! The documented ways a crate written with `--out` names the runtime crate
//! (README, "The runtime crate"): each builds outside this workspace, and a
//! runtime of an incompatible version fails the build with a message that
//! says so.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use smithy_gen_codegen::package::{relative_path, vendored, vendored_loader, RUNTIME_VERSION};
use smithy_gen_codegen::package::LoaderDependency;
use smithy_gen_codegen::{Packaging, RuntimeDependency};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn runtime_dir() -> PathBuf {
    root().join("runtime")
}

/// Generate the small awsJson1_0 fixture into `target/runtime-modes/<name>`,
/// a workspace of its own.
fn generate(name: &str, runtime: RuntimeDependency) -> PathBuf {
    let dir = root().join("target/runtime-modes").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let options = smithy_gen_codegen::Options {
        models: vec![root().join("tests/fixtures/valid/aws_json_1_0.json")],
        crate_name: format!("mode-{name}"),
        selection: Default::default(),
        packaging: Packaging { loader: loader_for(&runtime, &dir), runtime, own_workspace: true, ..Packaging::default() },
    };
    let files = smithy_gen_codegen::generate(&options).unwrap_or_else(|e| panic!("{e}"));
    smithy_gen_codegen::write::write(&dir, &files).unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
    dir
}

/// The loader as each mode names it: beside the runtime by path, by
/// version from the registry, none when vendored.
fn loader_for(runtime: &RuntimeDependency, dir: &Path) -> LoaderDependency {
    match runtime {
        RuntimeDependency::Path(_) => LoaderDependency::Path(smithy_gen_codegen::package::relative_path(dir, &root().join("config-loader"))),
        RuntimeDependency::Registry => LoaderDependency::Registry,
        RuntimeDependency::Vendored(_) => LoaderDependency::None,
    }
}

/// `cargo check` of the crate in `dir`, with extra arguments, sharing the
/// fixture crates' target directory (the same dependencies, built once).
fn check(dir: &Path, extra: &[String]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .env("CARGO_TARGET_DIR", root().join("target/fixture-target"))
        .args(["check", "--quiet", "--lib", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(extra)
        .output()
        .expect("cargo check")
}

fn assert_builds(dir: &Path, extra: &[String]) {
    let out = check(dir, extra);
    assert!(out.status.success(), "{} does not build:\n{}", dir.display(), String::from_utf8_lossy(&out.stderr));
}

fn manifest(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml")
}

#[test]
fn path_mode_names_the_checkout_runtime_and_builds() {
    let dir = root().join("target/runtime-modes/path");
    let dir = generate("path", RuntimeDependency::Path(relative_path(&dir, &runtime_dir())));
    let toml = manifest(&dir);
    let want = format!("smithy-gen-runtime = {{ version = \"={RUNTIME_VERSION}\", path = \"../../../runtime\", default-features = false }}");
    assert!(toml.contains(&want), "{toml}");
    assert!(toml.contains("\n[workspace]\n"), "{toml}");
    assert_builds(&dir, &[]);
}

#[test]
fn registry_mode_names_a_version_only_and_builds_with_that_version() {
    let dir = generate("registry", RuntimeDependency::Registry);
    let toml = manifest(&dir);
    let want = format!("smithy-gen-runtime = {{ version = \"={RUNTIME_VERSION}\", default-features = false }}");
    assert!(toml.contains(&want), "{toml}");
    // Until the runtime is published, stand this checkout's in for the
    // registry's: what a user gets once it is, with the same version.
    let patch = format!("patch.crates-io.smithy-gen-runtime.path={:?}", runtime_dir().display().to_string());
    let loader = format!("patch.crates-io.smithy-gen-config.path={:?}", root().join("config-loader").display().to_string());
    assert_builds(&dir, &["--config".into(), patch, "--config".into(), loader]);
}

#[test]
fn vendored_mode_builds_with_nothing_beside_it() {
    let packaging = || Packaging {
        runtime: vendored(&runtime_dir()).expect("the runtime's files"),
        loader: vendored_loader(&runtime_dir()).expect("the loader's files"),
        own_workspace: true,
        ..Packaging::default()
    };
    let dir = root().join("target/runtime-modes/vendored");
    let _ = std::fs::remove_dir_all(&dir);
    let options = || smithy_gen_codegen::Options {
        models: vec![root().join("tests/fixtures/valid/aws_json_1_0.json")],
        crate_name: "mode-vendored".into(),
        selection: Default::default(),
        packaging: packaging(),
    };
    let files = smithy_gen_codegen::generate(&options()).expect("generates");
    smithy_gen_codegen::write::write(&dir, &files).expect("writes");
    let toml = manifest(&dir);
    assert!(toml.contains("path = \"vendor/runtime\"") && toml.contains("path = \"vendor/config-loader\""), "{toml}");
    // The copies are the crates as they are, manifests included.
    for (from, file) in [("runtime", "Cargo.toml"), ("runtime", "README.md"), ("runtime", "src/lib.rs"), ("runtime", "src/config/mod.rs"), ("runtime", "src/credentials/chain.rs"), ("config-loader", "Cargo.toml"), ("identity", "src/sts/client.rs")] {
        let ours = std::fs::read_to_string(root().join(from).join(file)).expect("original file");
        let copy = std::fs::read_to_string(dir.join("vendor").join(from).join(file)).expect("vendored file");
        assert_eq!(ours, copy, "{from}/{file}");
    }
    // Moved somewhere else, it still builds: nothing points outside it.
    let moved = root().join("target/runtime-modes/vendored-moved/deeper");
    let _ = std::fs::remove_dir_all(root().join("target/runtime-modes/vendored-moved"));
    std::fs::create_dir_all(moved.parent().expect("parent")).expect("dir");
    std::fs::rename(&dir, &moved).expect("move");
    assert_builds(&moved, &[]);
    // Its `smithy-call` has the loader's chain, vendored too.
    assert_builds(&moved, &["--features".into(), "cli".into(), "--bin".into(), "smithy-call".into()]);
    // And `--check` sees a stale or missing vendored file.
    std::fs::write(moved.join("vendor/runtime/src/lib.rs"), "// edited\n").expect("edit");
    let files = smithy_gen_codegen::generate(&options()).expect("generates");
    let stale = smithy_gen_codegen::write::check(&moved, &files);
    assert_eq!(stale.changed, vec![moved.join("vendor/runtime/src/lib.rs")], "{stale:?}");
}

#[test]
fn an_incompatible_runtime_fails_the_build_with_a_clear_message() {
    let dir = generate("mismatch", vendored(&runtime_dir()).expect("the runtime's files"));
    // A user who loosens the pin and builds with a runtime of another
    // breaking version (0.x: another minor version).
    let runtime_toml = dir.join("vendor/runtime/Cargo.toml");
    let text = std::fs::read_to_string(&runtime_toml).expect("runtime manifest");
    let other = "0.99.0";
    std::fs::write(&runtime_toml, text.replacen(&format!("version = \"{RUNTIME_VERSION}\""), &format!("version = \"{other}\""), 1))
        .expect("write");
    let toml = manifest(&dir).replace(&format!("version = \"={RUNTIME_VERSION}\""), &format!("version = \"{other}\""));
    std::fs::write(dir.join("Cargo.toml"), toml).expect("write");
    let out = check(&dir, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "built with an incompatible runtime");
    assert!(stderr.contains("this crate was generated for another, incompatible version of smithy-gen-runtime"), "{stderr}");
    assert!(stderr.contains(&format!("assert_compatible(\"{RUNTIME_VERSION}\")")), "{stderr}");
}
