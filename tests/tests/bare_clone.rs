//! A clone of this repository with nothing beside it, used as a new user
//! would: the README's quick start (install `smithy-gen`, generate a crate
//! from the repository's own GuardDuty model, the README's test against it,
//! verbatim), and `cargo xtask codegen --check`, which needs the official
//! AWS models and must say so in one line with the command that fetches
//! them. `cargo xtask fetch-models` is checked against a local git
//! repository standing in for aws/api-models-aws.
//!
//! The clone is of the committed `HEAD`; it lives in the system's temporary
//! directory, away from `../shared`. Builds share `target/bare-clone/` so a
//! second run is quick.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("the checkout")
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // Nothing of this checkout's environment may leak into the clone's view:
    // no third-party directories, no requirement to find them.
    for var in ["SMITHY_AWS_MODELS_DIR", "SMITHY_PROTOCOL_TESTS_DIR", "SMITHY_REQUIRE_THIRD_PARTY", "SMITHY_GEN_RUNTIME_DIR", "RUSTFLAGS"] {
        c.env_remove(var);
    }
    c.env("CARGO_TARGET_DIR", checkout().join("target/bare-clone"));
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn ok(cmd: &mut Command) -> Output {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The README's first Rust snippet (the quick start's test), verbatim.
fn readme_test() -> String {
    let readme = std::fs::read_to_string(checkout().join("README.md")).expect("README.md");
    let start = readme.find("```rust").expect("a Rust snippet in the README");
    let body = &readme[start..];
    let body = &body[body.find('\n').expect("fence line") + 1..];
    body[..body.find("\n```").expect("the snippet's end")].to_string()
}

#[test]
fn a_bare_clone_runs_the_quick_start_and_names_what_it_lacks() {
    let root = checkout();
    let tmp = std::env::temp_dir().join(format!("smithy-bare-clone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let clone = tmp.join("smithy-rust-gen");
    ok(Command::new("git").args(["clone", "--quiet", "--no-hardlinks"]).arg(&root).arg(&clone));

    // README, "Install".
    let install = tmp.join("install");
    ok(cargo().current_dir(&clone).args(["install", "--quiet", "--locked", "--path", "smithy-gen", "--root"]).arg(&install));
    let smithy_gen = install.join("bin/smithy-gen");

    // README, "Generate a crate".
    ok(Command::new(&smithy_gen)
        .current_dir(&clone)
        .env_remove("SMITHY_GEN_RUNTIME_DIR")
        .args(["generate", "--model", "models/guardduty.json", "--out", "my-guardduty", "--operations", "CreateDetector"]));
    let manifest = std::fs::read_to_string(clone.join("my-guardduty/Cargo.toml")).expect("the generated crate");
    assert!(manifest.contains("path = \"../runtime\""), "the clone's own runtime, by path:\n{manifest}");

    // README, "Use it": a project of the user's with the README's test.
    let app = tmp.join("my-app");
    std::fs::create_dir_all(app.join("src")).expect("app");
    std::fs::create_dir_all(app.join("tests")).expect("app tests");
    std::fs::write(app.join("src/lib.rs"), "").expect("lib.rs");
    std::fs::write(
        app.join("Cargo.toml"),
        "[package]\nname = \"my-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         my-guardduty = { path = \"../smithy-rust-gen/my-guardduty\" }\n\n[dev-dependencies]\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n\n[workspace]\n",
    )
    .expect("Cargo.toml");
    std::fs::write(app.join("tests/quickstart.rs"), readme_test()).expect("the README's test");
    // The lock file of the clone pins what the app resolves to as well.
    std::fs::copy(clone.join("Cargo.lock"), app.join("Cargo.lock")).expect("Cargo.lock");
    let out = ok(cargo().current_dir(&app).args(["test", "--quiet", "--test", "quickstart"]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 passed"), "the README's test ran and passed:\n{stdout}");

    // `cargo xtask codegen --check` needs the official models: one line
    // that names them and the command that fetches them.
    let out = run(cargo().current_dir(&clone).args(["xtask", "codegen", "--check"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the check cannot pass without the official models");
    assert!(
        stderr.contains("missing third-party files") && stderr.contains("cargo xtask fetch-models") && !stderr.contains("problems in the model"),
        "{stderr}"
    );

    // `cargo xtask fetch-models` against a local repository standing in for
    // aws/api-models-aws, at a given commit; then the check finds the models
    // (and fails only because the stand-ins are not the real ones).
    let remote = tmp.join("api-models-aws");
    let official = ["cloudwatch-logs-2014-03-28.json", "sts-2011-06-15.json"];
    for name in official {
        // aws/api-models-aws's layout: models/<service>/service/<version>/<file>.
        let stem = name.trim_end_matches(".json");
        let (service, version) = (&stem[..stem.len() - 11], &stem[stem.len() - 10..]);
        let dir = remote.join("models").join(service).join("service").join(version);
        std::fs::create_dir_all(&dir).expect("remote dir");
        std::fs::write(dir.join(name), "{\"smithy\": \"2.0\", \"shapes\": {}}").expect("model");
    }
    let git = |args: &[&str]| ok(Command::new("git").current_dir(&remote).args(args));
    git(&["init", "--quiet"]);
    git(&["add", "."]);
    git(&["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "models"]);
    let commit = String::from_utf8_lossy(&git(&["rev-parse", "HEAD"]).stdout).trim().to_string();
    let out = ok(cargo().current_dir(&clone).args(["xtask", "fetch-models", "--only", "aws-models", "--aws-models-url"]).arg(&remote).args(["--aws-models-commit", &commit]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("fetched 2 AWS models"), "{}", String::from_utf8_lossy(&out.stdout));
    for name in official {
        assert!(clone.join("third-party/aws-models").join(name).is_file(), "{name} fetched, flat");
    }
    let leftovers: Vec<String> = std::fs::read_dir(clone.join("third-party"))
        .expect("third-party/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "aws-models")
        .collect();
    assert!(leftovers.is_empty(), "no scratch or partial copies are left: {leftovers:?}");
    // A commit the remote does not have: an error, and the fetched copy stays.
    let out = run(cargo().current_dir(&clone).args(["xtask", "fetch-models", "--only", "aws-models", "--aws-models-url"]).arg(&remote).args(["--aws-models-commit", "0123456789012345678901234567890123456789"]));
    assert!(!out.status.success());
    assert!(clone.join("third-party/aws-models/sts-2011-06-15.json").is_file(), "a failed fetch leaves the previous copy");
    assert_eq!(std::fs::read_dir(clone.join("third-party")).expect("third-party/").count(), 1, "and nothing else");
    // A URL that git would read as an option is refused before git runs.
    let out = run(cargo().current_dir(&clone).args(["xtask", "fetch-models", "--only", "aws-models", "--aws-models-url", "--upload-pack=touch /tmp/x", "--aws-models-commit", &commit]));
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("is not a repository URL"));
    let out = run(cargo().current_dir(&clone).args(["xtask", "codegen", "--check"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing third-party files") && stderr.contains("iam-2010-05-08.json"), "only the models not fetched are named:\n{stderr}");
    assert!(!stderr.contains("sts-2011-06-15.json"), "{stderr}");
    let _ = std::fs::remove_dir_all(&tmp);
}
