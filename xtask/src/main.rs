//! `cargo xtask`: the project's tasks.
//!
//! - `cargo xtask codegen [--check]`: regenerate `generated/` from `models/`
//!   (or, with `--check`, write nothing and fail if it is stale).
//! - `cargo xtask fixtures`: generate a crate from each fixture model under
//!   `tests/fixtures/valid/`, build it with clippy and rustdoc, warnings denied,
//!   and run its tests.
//! - `cargo xtask interop-env`: create or update the Python environment of
//!   the interop tests (`target/interop-venv`, with moto and botocore from
//!   `tests/interop/requirements.txt`) and print its interpreter's path.
//! - `cargo xtask ci`: the one test command: freshness check, the interop
//!   environment, tests (with the interop tests required, not skipped),
//!   clippy and rustdoc on the generated crate, a build of the crates
//!   generated from every fixture model, the complete official seed models,
//!   and the generation of every model in ../shared/aws-corpus.
//! - `cargo xtask bench [--repeats N] [--only PARTS]`: measure codegen,
//!   builds, sizes, lines, throughput and codecs beside aws-sdk-rust (see
//!   `bench.rs` and BENCHMARKS.md).
//! - `cargo xtask sweep [--generate-only | --check-fixed] ...`: every official
//!   model through the generator and clippy (see `sweep.rs`).
//! - `cargo xtask fuzz [--seconds N] [--check] [TARGET...]`: build the
//!   libFuzzer targets of `fuzz/` without cargo-fuzz and run each for N
//!   seconds (see `fuzz.rs`).

#![forbid(unsafe_code)]

mod bench;
mod fetch_models;
mod package;
mod fuzz;
mod pyenv;
mod sweep;
mod compliance;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const CRATE_NAME: &str = "aws-generated";
const RUNTIME_CRATE: &str = codegen::package::RUNTIME_CRATE;

/// The checkout this xtask runs for: decided at run time (cargo sets
/// `CARGO_MANIFEST_DIR` for `cargo run`), so a binary built in one checkout
/// never writes that checkout's paths into another's output.
fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).filter(|d| d.join("Cargo.toml").is_file());
    match manifest_dir {
        Some(d) => d.parent().map(Path::to_path_buf).unwrap_or(d),
        None => codegen::third_party::checkout_root(&std::env::current_dir().unwrap_or_default()),
    }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// The usage of `command` (`cargo xtask COMMAND --help`), or of every
/// command for `None` or an unknown one.
fn usage_of(command: Option<&str>) -> String {
    match command {
        Some("fuzz") => fuzz::USAGE.to_string(),
        Some("bench") => bench::USAGE.to_string(),
        Some("sweep") => sweep::USAGE.to_string(),
        Some("compliance") => compliance::USAGE.to_string(),
        Some("fetch-models") => fetch_models::USAGE.to_string(),
        Some("package") => package::USAGE.to_string(),
        Some("load-time") => "  cargo xtask load-time [--repeats N] PATH...\n      load the model files (or folders of them) N times and print the time of each load (what `bench --only load` runs)".to_string(),
        Some("official") => "  cargo xtask official\n      generate the complete official models into target/official-crate and check the crate (clippy, rustdoc, tests, one operation feature)".to_string(),
        Some("ci") => "  cargo xtask ci\n      run every check CI runs (the README's test command; `.ci/run` calls it)".to_string(),
        Some("fixtures") => "  cargo xtask fixtures\n      check the model fixtures of tests/fixtures (valid ones generate, invalid ones fail with their expected messages)".to_string(),
        Some("interop-env") => "  cargo xtask interop-env\n      create (or reuse) the Python virtual environment of the interoperability tests in target/interop-venv and print its python".to_string(),
        _ => format!("{USAGE}\n{}\n{}\n{}\n{}\n{}\n{}", fuzz::USAGE, bench::USAGE, sweep::USAGE, compliance::USAGE, fetch_models::USAGE, package::USAGE),
    }
}

/// Commands that take no arguments refuse any, rather than run anyway.
fn no_arguments(command: &str, args: &[String]) -> Result<(), String> {
    match args.first() {
        None => Ok(()),
        Some(a) => Err(format!("{command}: unexpected argument {a:?}\n{}", usage_of(Some(command)))),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str);
    // `--help`/`-h` anywhere prints the command's usage (`codegen` passes
    // it on to `smithy-gen generate`'s own help).
    if command != Some("codegen") && args.iter().any(|a| a == "--help" || a == "-h" || a == "help") {
        let command = command.filter(|c| !matches!(*c, "--help" | "-h" | "help"));
        println!("{}", usage_of(command));
        return ExitCode::SUCCESS;
    }
    let rest = args.get(1..).unwrap_or_default();
    let result = match command {
        Some("codegen") => codegen(&args[1..]),
        Some("ci") => no_arguments("ci", rest).and_then(|()| ci()),
        Some("fixtures") => no_arguments("fixtures", rest).and_then(|()| fixtures()),
        Some("official") => no_arguments("official", rest).and_then(|()| official()),
        Some("fuzz") => fuzz::fuzz(&root(), &args[1..]),
        Some("fetch-models") => fetch_models::fetch_models(&args[1..]),
        Some("package") => package::package(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("load-time") => bench::load::load_time(&args[1..]),
        Some("sweep") => sweep::sweep(&args[1..]),
        Some("compliance") => compliance::compliance(&args[1..]),
        Some("interop-env") => no_arguments("interop-env", rest).and_then(|()| pyenv::ensure(&root()).map(|python| println!("{}", python.display()))),
        other => {
            if let Some(other) = other {
                eprintln!("unknown command {other:?}");
            }
            eprintln!("{}", usage_of(None));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--force] [--config FILE]
      generate the crate described by FILE (default: models/codegen.toml)
  cargo xtask codegen [--check] [--force] --model PATH [--model PATH ...] --out DIR [--crate-name NAME]
                      [--operations Op1,Op2,...] [--runtime path|registry|vendored] [--workspace]
      `smithy-gen generate` with this checkout's runtime (see `cargo xtask codegen --help`)
      (with SMITHY_REPORT_PHASES=1, codegen and sweep print the thread time of each stage to stderr:
      `phases_ms load=<ms> lower=<ms> emit=<ms> format=<ms> write=<ms>`)
  cargo xtask official
      generate the complete official models in ../shared/aws-models into target/official-crate
      and check the crate: clippy, rustdoc, its tests, and a build with one operation feature
  cargo xtask fixtures | interop-env | ci";

/// The runtime crate of this checkout.
fn runtime_dir() -> PathBuf {
    root().join("runtime")
}

/// This checkout's runtime and loader, by paths relative to the crate in `out`.
fn packaging(out: &Path, own_workspace: bool) -> codegen::Packaging {
    codegen::package::checkout_packaging(out, &runtime_dir(), own_workspace)
}



/// The generation configs of the committed crates: the example crate
/// (`generated/`) and the identity clients the loader calls (`identity/`).
pub const CONFIGS: &[&str] = &["models/codegen.toml", "models/identity.toml"];

/// `cargo xtask codegen [ARGS]`: the `smithy-gen generate` command with this
/// checkout's defaults: without `--model` or `--config`, the crate
/// `models/codegen.toml` describes (from the checkout's root); with
/// `--model`, the checkout's runtime unless `--runtime-path` says otherwise.
fn codegen(args: &[String]) -> Result<(), String> {
    let root = root();
    let mut argv: Vec<String> = vec!["cargo xtask codegen".into(), "generate".into()];
    argv.extend(args.iter().cloned());
    let has = |flag: &str| args.iter().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
    if !has("--model") && !has("--config") && !has("--help") && !has("-h") {
        // Work from the root, so messages and output do not depend on
        // where the checkout lives; every committed crate in turn.
        std::env::set_current_dir(&root).map_err(|e| format!("cannot enter {}: {e}", root.display()))?;
        for config in CONFIGS {
            let mut argv = argv.clone();
            argv.extend(["--config".into(), config.to_string()]);
            smithy_gen::run(argv).map_err(|e| format!("error: {e}"))?;
        }
        bench::report_peak_rss();
        codegen::phases::report();
        return Ok(());
    } else if has("--model") && !has("--runtime-path") {
        argv.extend(["--runtime-path".into(), runtime_dir().display().to_string()]);
    }
    smithy_gen::run(argv).map_err(|e| format!("error: {e}"))?;
    bench::report_peak_rss();
    codegen::phases::report();
    Ok(())
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("\n==> {cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("failed: {cmd:?} ({status})"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Generate each valid fixture model (and the rpcv2Cbor fixture, which is
/// not snapshotted) into its own crate under `target/fixture-crates/` (a
/// workspace of its own), to be built.
fn fixture_crates(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/fixture-crates");
    let _ = std::fs::remove_dir_all(&dir);
    let mut members = Vec::new();
    let models = json_files(&root.join("tests/fixtures/valid")).into_iter().chain(json_files(&root.join("tests/fixtures/rpc_v2_cbor")));
    for model in models {
        let stem = model.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let name = format!("fixture-{}", stem.replace('_', "-"));
        let packaging = crate::packaging(&dir.join(&name), false);
        let files = codegen::generate(&codegen::Options { models: vec![model.clone()], crate_name: name.clone(), selection: Default::default(), packaging })
            .map_err(|e| format!("fixture {}: {e}", model.display()))?;
        codegen::write::write(&dir.join(&name), &files).map_err(|e| e.to_string())?;
        members.push(format!("{name:?}"));
    }
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    Ok(dir)
}

fn ci() -> Result<(), String> {
    let root = root();
    // A CI run builds the workspace and a dozen crates of its own once each:
    // incremental caches and full debug info would only fill the disk (a
    // fresh-clone run used 22 GB with them; CI's machine has run out).
    // Line tables keep backtraces readable. What the caller set wins.
    for (var, value) in [("CARGO_INCREMENTAL", "0"), ("CARGO_PROFILE_DEV_DEBUG", "line-tables-only"), ("CARGO_PROFILE_TEST_DEBUG", "line-tables-only")] {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, value);
        }
    }
    // A step's own target directory is removed once the step has passed,
    // unless SMITHY_CI_KEEP_TARGETS=1 (to rerun steps quickly by hand).
    let keep = std::env::var("SMITHY_CI_KEEP_TARGETS").is_ok_and(|v| v == "1");
    let done = |dirs: &[&str]| {
        if !keep {
            for d in dirs {
                let _ = std::fs::remove_dir_all(root.join("target").join(d));
            }
        }
    };
    // Steps that need third-party files run when they are found, and are
    // skipped with one line each when not (a bare clone), unless
    // SMITHY_REQUIRE_THIRD_PARTY=1 (`.ci/run`) makes a missing file fatal.
    let mut skipped = Vec::new();
    let mut needs = |step: &str, missing: Option<codegen::third_party::Missing>| -> Result<bool, String> {
        let Some(m) = missing else { return Ok(true) };
        if std::env::var(codegen::third_party::REQUIRE_ENV).is_ok_and(|v| v == "1") {
            return Err(format!("ci: {step}: {m}"));
        }
        eprintln!("skipped: {step}: {m}");
        skipped.push(step.to_string());
        Ok(false)
    };
    let missing = CONFIGS.iter().find_map(|c| codegen::config::missing_third_party(&root.join(c)));
    if needs("the freshness of generated/ and identity/", missing)? {
        codegen(&["--check".to_string()])?;
    }
    let python = pyenv::ensure(&root)?;
    run(cargo()
        .current_dir(&root)
        .env("SMITHY_INTEROP_PYTHON", python)
        .env("SMITHY_REQUIRE_INTEROP", "1")
        .args(["test", "--workspace", "--all-targets", "--no-fail-fast"]))?;
    // Doctests (`--all-targets` leaves them out): every Rust snippet of the
    // README and docs/ (tests/src/lib.rs), and the crates' own examples.
    run(cargo().current_dir(&root).args(["test", "--workspace", "--doc"]))?;
    run(cargo().current_dir(&root).args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    // The runtime alone with its default features: the workspace's tests turn
    // `http2` on (features unify), so code for builds without it (ALPN offering
    // only http/1.1) is compiled and tested here.
    run(cargo().current_dir(&root).args(["test", "-p", RUNTIME_CRATE, "--lib"]))?;
    // The runtime's optional features (request compression, Content-MD5, the
    // CLI engine) with their own unit tests.
    run(cargo().current_dir(&root).args(["test", "-p", RUNTIME_CRATE, "--all-features", "--lib"]))?;
    run(cargo().current_dir(&root).args(["clippy", "-p", RUNTIME_CRATE, "--all-features", "--all-targets", "--", "-D", "warnings"]))?;
    run(cargo()
        .current_dir(&root)
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--no-deps", "-p", CRATE_NAME, "-p", RUNTIME_CRATE, "-p", "smithy-gen-config", "-p", "smithy-gen-identity", "-p", "smithy-gen-codegen", "-p", "smithy-gen", "--all-features"]))?;
    // Every public item of a generated crate is documented (the model's
    // words, or a sentence naming the shape).
    run(cargo()
        .current_dir(&root)
        .env("RUSTDOCFLAGS", "-D warnings -D missing_docs")
        .args(["doc", "--no-deps", "-p", CRATE_NAME, "-p", "smithy-gen-identity", "--all-features"]))?;
    fixtures()?;
    done(&["fixture-target", "fixture-crates", "runtime-modes", "shared-config", "bare-clone", "loader-anywhere", "loader-anywhere-cli"]);
    // The published crates, packaged and verified as crates.io would get
    // them, and a registry-mode crate built against them.
    package::package(&[])?;
    done(&["package-check"]);
    if needs("cargo xtask official", official_models(&root).err())? {
        official()?;
        done(&["official-target", "official-crate"]);
    }
    // The fuzz targets still build against today's runtime and generator.
    fuzz::fuzz(&root, &["--check".to_string()])?;
    done(&["../fuzz/target"]);
    // The protocol compliance suites: every case passes or is a listed,
    // explained known failure.
    if needs("cargo xtask compliance", compliance::suite_file().err())? {
        compliance::compliance(&["--no-write".to_string()])?;
        done(&["compliance-target", "compliance"]);
    }
    // Every official model on a supported protocol must generate, and the
    // fixed set of hard models compile clippy-clean (the compile checks of the
    // whole corpus are `cargo xtask sweep`'s, not CI's).
    if needs("cargo xtask sweep --check-fixed", sweep::corpus_dir(&root).err())? {
        sweep::sweep(&["--check-fixed".to_string(), "--no-write".to_string()])?;
        done(&["sweep-target-0", "sweep-target-1", "sweep"]);
    }
    if skipped.is_empty() {
        eprintln!("\nci: all checks passed");
    } else {
        eprintln!(
            "\nci: every check that ran passed; {} skipped for missing third-party files ({}): `{}` fetches them",
            skipped.len(),
            skipped.join("; "),
            codegen::third_party::FETCH_COMMAND
        );
    }
    Ok(())
}

/// The complete official models of the two seed services, which `cargo
/// xtask official` generates whole.
const SEED_MODELS: &[&str] = &["cloudwatch-logs-2014-03-28.json", "guardduty-2017-11-28.json"];

/// The complete official AWS models the generator must handle (found through
/// the third-party search order).
fn official_models(root: &Path) -> Result<Vec<PathBuf>, codegen::third_party::Missing> {
    codegen::third_party::find_files(codegen::third_party::Set::AwsModels, root, SEED_MODELS)
}

/// Generate every official model into one crate (not committed) and check it
/// as a user would: clippy and rustdoc with warnings denied, its tests (the
/// models' endpoint test cases among them), and a build with only one
/// operation's feature.
fn official() -> Result<(), String> {
    let root = root();
    let models = official_models(&root).map_err(|e| format!("official: {e}"))?;
    let dir = root.join("target/official-crate");
    let _ = std::fs::remove_dir_all(&dir);
    let started = std::time::Instant::now();
    let fail = |e: &dyn std::fmt::Display| format!("error: cannot generate the official models:\n{e}");
    let model = codegen::Model::load_files(&models).map_err(|e| fail(&e))?;
    // A workspace of its own, so it builds as it would outside this repository.
    let packaging = crate::packaging(&dir, true);
    let selection = codegen::Selection::default();
    let files = codegen::generate_packaged(&model, "aws-official", &selection, &packaging).map_err(|e| fail(&e))?;
    // The first operation's feature, for the build with that one alone.
    let ir = codegen::lower::lower_crate(&model, "aws-official", &selection).map_err(|e| fail(&e))?;
    let feature = ir.services.iter().flat_map(|s| &s.operations).map(|o| o.feature.clone()).next();
    let feature = feature.ok_or("the official models have no operation")?;
    eprintln!("generated the official models ({} files) in {:.2?}", files.len(), started.elapsed());
    codegen::write::write(&dir, &files).map_err(|e| e.to_string())?;
    let manifest = dir.join("Cargo.toml");
    let target = root.join("target/official-target");
    let mut c = cargo();
    c.env("CARGO_TARGET_DIR", &target).args(["clippy", "--all-targets", "--all-features", "--manifest-path"]).arg(&manifest).args(["--", "-D", "warnings"]);
    run(&mut c)?;
    let mut c = cargo();
    c.env("CARGO_TARGET_DIR", &target).env("RUSTDOCFLAGS", "-D warnings").args(["doc", "--no-deps", "--manifest-path"]).arg(&manifest);
    run(&mut c)?;
    let mut c = cargo();
    c.env("CARGO_TARGET_DIR", &target).args(["test", "--manifest-path"]).arg(&manifest);
    run(&mut c)?;
    // One operation alone: everything it needs, nothing unused.
    let mut c = cargo();
    c.env("CARGO_TARGET_DIR", &target)
        .args(["clippy", "--no-default-features", "--features", &feature, "--manifest-path"])
        .arg(&manifest)
        .args(["--", "-D", "warnings"]);
    run(&mut c)?;
    Ok(())
}

/// Generate a crate from each valid fixture model, build it with clippy
/// (`-D warnings`) and rustdoc (`-D warnings`), and run its tests.
fn fixtures() -> Result<(), String> {
    let root = root();
    let fixtures = fixture_crates(&root)?;
    let target = root.join("target/fixture-target");
    let manifest = fixtures.join("Cargo.toml");
    run(cargo()
        .env("CARGO_TARGET_DIR", &target)
        .args(["clippy", "--workspace", "--all-targets", "--manifest-path"])
        .arg(&manifest)
        .args(["--", "-D", "warnings"]))?;
    run(cargo()
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--workspace", "--no-deps", "--manifest-path"])
        .arg(&manifest))?;
    // The tests generated from the models (endpoint tests, examples) and the runtime's own.
    run(cargo().env("CARGO_TARGET_DIR", &target).args(["test", "--workspace", "--manifest-path"]).arg(&manifest))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{no_arguments, usage_of};

    #[test]
    fn every_command_has_a_usage_naming_it() {
        for command in ["fuzz", "bench", "sweep", "compliance", "fetch-models", "package", "load-time", "official", "ci", "fixtures", "interop-env"] {
            let usage = usage_of(Some(command));
            assert!(usage.contains(&format!("cargo xtask {command}")), "{command}: {usage}");
        }
        assert!(usage_of(None).contains("cargo xtask bench"));
        assert!(usage_of(None).contains("cargo xtask codegen"));
    }

    #[test]
    fn commands_without_arguments_refuse_one() {
        assert!(no_arguments("ci", &[]).is_ok());
        let e = no_arguments("ci", &["--fast".to_string()]).unwrap_err();
        assert!(e.contains("unexpected argument \"--fast\"") && e.contains("cargo xtask ci"), "{e}");
    }
}
