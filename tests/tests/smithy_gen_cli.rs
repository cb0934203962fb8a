//! The `smithy-gen` command as a user meets it: help, clear errors (never a
//! panic) for a bad crate name or an operation the model lacks, a directory
//! it did not write left untouched, and the runtime found at run time (not
//! baked into the binary).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("the checkout")
}

/// The `smithy-gen` binary, built once.
fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let mut cmd = integration_tests::cargo_command();
        cmd.current_dir(root()).args(["-p", "smithy-gen", "--bin", "smithy-gen"]);
        integration_tests::build_binary(cmd)
    })
    .clone()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smithy-gen-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

fn smithy_gen(cwd: &Path, args: &[&str]) -> Output {
    Command::new(binary()).current_dir(cwd).env_remove("SMITHY_GEN_RUNTIME_DIR").args(args).output().expect("run smithy-gen")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn model() -> String {
    root().join("models/guardduty.json").display().to_string()
}

#[test]
fn help_and_usage_errors() {
    let o = smithy_gen(&root(), &["--help"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("generate"));
    let o = smithy_gen(&root(), &["genrate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a similar subcommand exists: 'generate'"), "{}", stderr(&o));
    let o = smithy_gen(&root(), &["generate", "--model", &model(), "--out", "x", "--operatons", "A"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("'--operations'"), "{}", stderr(&o));
}

#[test]
fn bad_names_are_errors_that_say_what_to_do() {
    let dir = scratch("names");
    for bad in ["my.crate", "1abc", "My Crate"] {
        let out = dir.join("out").display().to_string();
        let o = smithy_gen(&dir, &["generate", "--model", &model(), "--out", &out, "--crate-name", bad]);
        assert_eq!(o.status.code(), Some(1), "{bad}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("not a valid crate name") && !e.contains("panicked"), "{bad}: {e}");
        assert!(!dir.join("out").exists(), "nothing written for {bad}");
    }
    // A directory whose name is no crate name: derived, then checked.
    let out = dir.join("My Client").display().to_string();
    let o = smithy_gen(&dir, &["generate", "--model", &model(), "--out", &out, "--operations", "CreateDetector"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(dir.join("My Client/Cargo.toml")).unwrap().contains("name = \"my-client\""));
    // An operation in the wrong case: the right one suggested, every one listed.
    let out = dir.join("ops").display().to_string();
    let o = smithy_gen(&dir, &["generate", "--model", &model(), "--out", &out, "--operations", "createDetector"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("did you mean `CreateDetector`?") && e.contains("CreatePublishingDestination"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_directory_it_did_not_write_is_left_alone() {
    let dir = scratch("foreign");
    let app = dir.join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(app.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
    std::fs::write(app.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(app.join("src/helpers.rs"), "pub fn h() {}\n").unwrap();
    let o = smithy_gen(&dir, &["generate", "--model", &model(), "--out", "app"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force") && stderr(&o).contains("nothing was written"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(app.join("Cargo.toml")).unwrap(), "[package]\nname = \"app\"\n");
    assert!(!app.join("src/lib.rs").exists());

    // With --force it writes its files, and keeps the user's.
    let o = smithy_gen(&dir, &["generate", "--model", &model(), "--out", "app", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(app.join("src/lib.rs").is_file() && app.join(".smithy-gen-files").is_file());
    assert_eq!(std::fs::read_to_string(app.join("src/main.rs")).unwrap(), "fn main() {}\n");
    assert_eq!(std::fs::read_to_string(app.join("src/helpers.rs")).unwrap(), "pub fn h() {}\n");

    // Generating again with fewer operations removes only its own files.
    let o = smithy_gen(&dir, &["generate", "--model", &model(), "--out", "app", "--operations", "CreateDetector"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(app.join("src/helpers.rs").is_file() && app.join("src/main.rs").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn generating_again_inside_another_workspace_is_stable() {
    let dir = scratch("again");
    std::fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = [\"app\"]\n").unwrap();
    let model = model();
    let generate = |extra: &[&str]| {
        let mut args = vec!["generate", "--model", model.as_str(), "--out", "gd", "--operations", "CreateDetector"];
        args.extend_from_slice(extra);
        smithy_gen(&dir, &args)
    };
    for round in 0..2 {
        let o = generate(&[]);
        assert!(o.status.success(), "round {round}: {}", stderr(&o));
        let manifest = std::fs::read_to_string(dir.join("gd/Cargo.toml")).unwrap();
        assert!(manifest.contains("\n[workspace]\n"), "round {round}: a workspace of its own:\n{manifest}");
        let o = generate(&["--check"]);
        assert!(o.status.success(), "round {round}: fresh right after generating: {}", stderr(&o));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_runtime_is_found_at_run_time() {
    let dir = scratch("runtime");
    // Outside any checkout, nothing set: the registry's runtime, said once.
    let o = smithy_gen(&dir, &["generate", "--model", &model(), "--out", "registry"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("no runtime crate found"), "{}", stderr(&o));
    let manifest = std::fs::read_to_string(dir.join("registry/Cargo.toml")).unwrap();
    let line = manifest.lines().find(|l| l.starts_with("smithy-gen-runtime = ")).expect("the runtime dependency");
    assert!(line.contains("version = \"=") && !line.contains("path ="), "{line}");

    // A runtime named by the environment: by path, with the loader beside it.
    let o = Command::new(binary())
        .current_dir(&dir)
        .env("SMITHY_GEN_RUNTIME_DIR", root().join("runtime"))
        .args(["generate", "--model", &model(), "--out", "pathed"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = std::fs::read_to_string(dir.join("pathed/Cargo.toml")).unwrap();
    let runtime = smithy_gen_codegen::package::relative_path(&dir.join("pathed"), &root().join("runtime"));
    assert!(manifest.contains(&format!("path = {runtime:?}")), "{manifest}");
    assert!(manifest.contains("smithy-gen-config = {"), "{manifest}");

    // --runtime path with nothing to find is an error, not a guess.
    let o = smithy_gen(&dir, &["generate", "--model", &model(), "--out", "nothing", "--runtime", "path"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--runtime-path"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
