//! What every part of `cargo xtask bench` stands on: the crates generated
//! from the complete official models that the bench workspace's programs
//! depend on, `cargo fetch`, the environment the programs read their
//! configuration from, and a child process measured for wall time, CPU time
//! and peak memory.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use crate::official_models;

/// The crates of `bench/target/crates/`: (crate name, model file among the
/// official AWS models). Every one is written before `cargo fetch`, whatever
/// `--only` asks for, because the bench workspace's members depend on them
/// (s3-complete is only counted, by the lines part).
const CRATES: &[(&str, &str)] = &[
    ("logs-complete", "cloudwatch-logs-2014-03-28.json"),
    ("ecs-complete", "ecs-2014-11-13.json"),
    ("eks-complete", "eks-2017-11-01.json"),
    ("athena-complete", "athena-2017-05-18.json"),
    ("sesv2-complete", "sesv2-2019-09-27.json"),
    ("sagemaker-complete", "sagemaker-2017-07-24.json"),
    ("s3-complete", "s3-2006-03-01.json"),
];

/// The model file of one of `CRATES`.
pub(super) fn model_of(root: &Path, crate_name: &str) -> Result<std::path::PathBuf, String> {
    let (_, file) = CRATES.iter().find(|(n, _)| *n == crate_name).ok_or_else(|| format!("no model for {crate_name}"))?;
    // The CloudWatch Logs model is also among the two official models every
    // checkout has; the others need the corpus.
    if let Some(path) = official_models(root).map_err(|e| e.to_string())?.into_iter().find(|p| p.ends_with(file)) {
        return Ok(path);
    }
    let found = codegen::third_party::find_files(codegen::third_party::Set::AwsModels, root, &[file]).map_err(|e| e.to_string())?;
    found.into_iter().next().ok_or_else(|| format!("{file} is not among the official models"))
}

/// Generate every crate of `CRATES` into bench/target/crates/ (a few
/// seconds: the generator is fast, SageMaker is large).
pub(super) fn generate_crates(root: &Path) -> Result<(), String> {
    for (name, _) in CRATES {
        let model = model_of(root, name)?;
        let dir = root.join("bench/target/crates").join(name);
        let packaging = crate::packaging(&dir, false);
        let options = codegen::Options { models: vec![model], crate_name: name.to_string(), selection: Default::default(), packaging };
        let files = codegen::generate(&options).map_err(|e| format!("{name}: {e}"))?;
        codegen::write::write(&dir, &files).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// Download every crate of the bench workspace, so the builds can be
/// `--offline` and the peer's sources can be counted.
pub(super) fn fetch(bench_dir: &Path) -> Result<(), String> {
    let output = crate::cargo()
        .args(["fetch"])
        .current_dir(bench_dir)
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo fetch: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let text = String::from_utf8_lossy(&output.stderr);
        Err(text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("cargo fetch failed").trim().to_string())
    }
}

/// Point a benchmark program at the canned-response server through the
/// environment both configuration loaders read (smithy_gen_config::load and
/// aws_config::load_defaults), and keep everything else of the machine's
/// configuration out: no AWS_* variable of this process, no shared files, no
/// instance metadata.
pub(super) fn program_env(cmd: &mut Command, endpoint: &str) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIDBENCHMARK")
        .env("AWS_SECRET_ACCESS_KEY", "bench-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent/smithy-gen-bench/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/smithy-gen-bench/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

/// `cargo build` of a bench package into `target/clean/TARGET` (emptied
/// first when `clean`), offline, without the caller's RUSTFLAGS.
pub(super) fn build_command(bench_dir: &Path, package: &str, target: &str, release: bool, clean: bool) -> Command {
    let target_dir = bench_dir.join("target/clean").join(target);
    if clean {
        let _ = std::fs::remove_dir_all(&target_dir);
    }
    let mut cmd = crate::cargo();
    cmd.args(["build", "--quiet", "--offline", "-p", package])
        .arg("--target-dir")
        .arg(&target_dir)
        .current_dir(bench_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS");
    if release {
        cmd.arg("--release");
    }
    cmd
}

/// Run a built bench program against the canned server at `endpoint`: it
/// must succeed and print `expected` (`ok N`), or its figures mean nothing.
pub(super) fn check_program(path: &Path, endpoint: &str, expected: &str) -> Result<(), String> {
    let mut cmd = Command::new(path);
    program_env(&mut cmd, endpoint);
    let output = cmd.output().map_err(|e| format!("cannot run {}: {e}", path.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || stdout.trim() != expected {
        return Err(format!("{} failed: {stdout}{}", path.display(), String::from_utf8_lossy(&output.stderr)));
    }
    Ok(())
}

/// A finished child process: wall time, and from GNU time (the kernel's
/// rusage of the child and every descendant it waited for) its largest
/// resident set and its CPU time.
pub(super) struct Measured {
    pub seconds: f64,
    /// The largest peak RSS of the process or any descendant (for a cargo
    /// build: the largest rustc), in MiB; `None` without /usr/bin/time.
    pub peak_mib: Option<f64>,
    /// User + system CPU time of the process and its descendants.
    pub cpu_seconds: Option<f64>,
    pub output: Output,
}

const GNU_TIME: &str = "/usr/bin/time";

/// Run `cmd` (program, arguments, environment and directory) under
/// /usr/bin/time when there is one, writing its figures to `record`.
pub(super) fn measured(cmd: &Command, record: &Path) -> Result<Measured, String> {
    let timed = Path::new(GNU_TIME).is_file();
    let mut wrapped = if timed {
        let mut w = Command::new(GNU_TIME);
        w.args(["-f", "%M %U %S", "-o"]).arg(record).arg(cmd.get_program());
        w
    } else {
        Command::new(cmd.get_program())
    };
    wrapped.args(cmd.get_args());
    for (name, value) in cmd.get_envs() {
        match value {
            Some(v) => wrapped.env(name, v),
            None => wrapped.env_remove(name),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    let _ = std::fs::remove_file(record);
    let started = Instant::now();
    let output = wrapped.stdin(Stdio::null()).output().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    let seconds = started.elapsed().as_secs_f64();
    let (mut peak_mib, mut cpu_seconds) = (None, None);
    if timed {
        // GNU time puts "Command exited with non-zero status N" before the
        // figures when the command fails: the figures are the last line.
        let text = std::fs::read_to_string(record).unwrap_or_default();
        let fields: Vec<f64> = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").split_whitespace().filter_map(|f| f.parse().ok()).collect();
        if let [kib, user, system] = fields[..] {
            peak_mib = Some(kib / 1024.0);
            cpu_seconds = Some(user + system);
        }
    }
    Ok(Measured { seconds, peak_mib, cpu_seconds, output })
}

/// The last non-empty lines of a failed command's stderr, for its error.
pub(super) fn tail(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(12)..].join("\n")
}
