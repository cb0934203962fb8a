//! `cargo xtask fuzz`: build the libFuzzer targets of `fuzz/` and run each for
//! a bounded time, without cargo-fuzz.
//!
//! The fuzz crate is an ordinary crate with one `[[bin]]` per target, each a
//! `libfuzzer_sys::fuzz_target!` (libfuzzer-sys builds and links libFuzzer
//! itself). What cargo-fuzz adds is only the build: the SanitizerCoverage
//! flags libFuzzer needs for its coverage feedback, AddressSanitizer when the
//! toolchain ships its runtime, `--cfg fuzzing`, release mode with debug
//! assertions, and `--target <host>` so that build scripts and proc macros
//! are built without them. `-Z` flags need `RUSTC_BOOTSTRAP=1` on stable.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use super::{cargo, run};

/// Each target and the directories of seed inputs it starts from (beside its
/// own corpus, `fuzz/corpus/<target>`), relative to the repository root.
const TARGETS: &[(&str, &[&str])] = &[
    ("model_bytes", &["models", "tests/fixtures/valid", "tests/fixtures/malformed"]),
    ("model_idl", &["tests/fixtures/idl"]),
    ("model_json", &[]),
    ("responses", &["fuzz/seeds/responses"]),
    ("rest_json_uri_headers", &[]),
    ("xml_responses", &["fuzz/seeds/xml_responses"]),
    ("cbor_responses", &["fuzz/seeds/cbor_responses"]),
    ("event_stream_frames", &["fuzz/seeds/event_stream_frames"]),
    ("profile_file", &["fuzz/seeds/profile_file"]),
];

/// The fixture models the targets drive, each with its crate name and where
/// it goes: `rest_json_uri_headers`'s (it has the header and query bindings
/// the seed operations lack) and `cbor_responses`'s (rpcv2Cbor).
const FIXTURES: &[(&str, &str, &str)] = &[
    ("tests/fixtures/valid/errors_and_http.json", "fuzz-fixture-http", "fuzz/target/fixture-http"),
    ("tests/fixtures/rpc_v2_cbor/rpc_v2_protocol.json", "fuzz-fixture-cbor", "fuzz/target/fixture-cbor"),
];

/// SanitizerCoverage as cargo-fuzz sets it: inline 8-bit counters and the PC
/// table for libFuzzer's coverage, comparison tracing for its value
/// profile and dictionary, stack depth on Linux.
const COVERAGE_FLAGS: &[&str] = &[
    "-Cpasses=sancov-module",
    "-Cllvm-args=-sanitizer-coverage-level=4",
    "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
    "-Cllvm-args=-sanitizer-coverage-pc-table",
    "-Cllvm-args=-sanitizer-coverage-trace-compares",
    "--cfg",
    "fuzzing",
    "-Clink-dead-code",
    "-Cdebug-assertions",
    "-Coverflow-checks",
];

pub const USAGE: &str = "  cargo xtask fuzz [--seconds N] [TARGET...]
      build the libFuzzer targets of fuzz/ (instrumented, release) and run each for N seconds
      (default 30; 0 replays the corpus only); fails if any target crashes.
      Targets: model_bytes, model_idl, model_json, responses, rest_json_uri_headers, xml_responses, cbor_responses,
      event_stream_frames, profile_file (default: all)
  cargo xtask fuzz --check
      build the fuzz crate without instrumentation (`cargo check`), so the targets cannot rot";

struct Args {
    seconds: u64,
    check: bool,
    targets: Vec<&'static str>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut out = Args { seconds: 30, check: false, targets: Vec::new() };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => out.check = true,
            "--seconds" => {
                let v = it.next().ok_or("--seconds needs a value")?;
                out.seconds = v.parse().map_err(|_| format!("--seconds {v}: not a number of seconds"))?;
            }
            name => match TARGETS.iter().find(|(t, _)| *t == name) {
                Some((t, _)) => out.targets.push(t),
                None => {
                    let names: Vec<&str> = TARGETS.iter().map(|(t, _)| *t).collect();
                    return Err(format!("unknown fuzz target `{name}`; the targets are {}\n{USAGE}", names.join(", ")));
                }
            },
        }
    }
    if out.targets.is_empty() {
        out.targets = TARGETS.iter().map(|(t, _)| *t).collect();
    }
    Ok(out)
}

pub fn fuzz(root: &Path, args: &[String]) -> Result<(), String> {
    let args = parse_args(args)?;
    let fuzz_dir = root.join("fuzz");
    let manifest = fuzz_dir.join("Cargo.toml");
    let target_dir = fuzz_dir.join("target");
    generate_fixture(root)?;
    if args.check {
        let started = Instant::now();
        run(cargo().env("CARGO_TARGET_DIR", &target_dir).args(["check", "--bins", "--lib", "--manifest-path"]).arg(&manifest))?;
        eprintln!("fuzz targets check in {:.1?}", started.elapsed());
        return Ok(());
    }

    let triple = host_triple()?;
    let mut rustflags: Vec<String> = COVERAGE_FLAGS.iter().map(|s| s.to_string()).collect();
    if triple.contains("-linux-") {
        rustflags.push("-Cllvm-args=-sanitizer-coverage-stack-depth".into());
    }
    let asan = asan_works(&triple, &target_dir);
    if asan {
        rustflags.push("-Zsanitizer=address".into());
    } else {
        eprintln!("note: this toolchain cannot build with AddressSanitizer; fuzzing without it");
    }
    let mut build = cargo();
    build
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTFLAGS", rustflags.join(" "))
        .env("CARGO_TARGET_DIR", &target_dir)
        .args(["build", "--release", "--config", "profile.release.debug=\"line-tables-only\"", "--target", &triple])
        .arg("--manifest-path")
        .arg(&manifest);
    for t in &args.targets {
        build.args(["--bin", t]);
    }
    let started = Instant::now();
    run(&mut build)?;
    eprintln!("built the fuzz targets in {:.0?}", started.elapsed());

    let bin_dir = target_dir.join(&triple).join("release");
    let mut rows = Vec::new();
    for t in &args.targets {
        let seeds = TARGETS.iter().find(|(n, _)| n == t).map(|(_, s)| *s).unwrap_or_default();
        rows.push(run_target(root, &bin_dir, t, seeds, args.seconds, asan)?);
    }

    println!("\n{:<24} {:>12} {:>8} {:>8} {:>14} {:>8}", "target", "executions", "cov", "ft", "corpus", "crashes");
    for r in &rows {
        println!(
            "{:<24} {:>12} {:>8} {:>8} {:>14} {:>8}",
            r.target,
            r.executions.map_or("?".into(), |n| n.to_string()),
            r.cov.map_or("?".into(), |n| n.to_string()),
            r.ft.map_or("?".into(), |n| n.to_string()),
            r.corpus.as_deref().unwrap_or("?"),
            r.crashes.len()
        );
    }
    let crashed: Vec<&Row> = rows.iter().filter(|r| !r.crashes.is_empty() || !r.clean_exit).collect();
    if crashed.is_empty() {
        return Ok(());
    }
    let mut msg = String::from("\nfuzzing found crashes:\n");
    for r in crashed {
        let bin = bin_dir.join(r.target);
        if r.crashes.is_empty() {
            msg.push_str(&format!("  {}: libFuzzer failed without an artifact; see {}\n", r.target, r.log.display()));
        }
        for c in &r.crashes {
            msg.push_str(&format!(
                "  {}: {}\n    reproduce: {} {}\n    minimise:  {} -minimize_crash=1 -runs=20000 {}\n",
                r.target,
                c.display(),
                bin.display(),
                c.display(),
                bin.display(),
                c.display()
            ));
        }
    }
    msg.push_str("fix the bug and add the input to tests/tests/fuzz_regressions.rs");
    Err(msg)
}

/// Generate the fixture crates the fuzz crate depends on (before any cargo
/// command on it, which would otherwise miss the path dependencies).
fn generate_fixture(root: &Path) -> Result<(), String> {
    for (model, name, dir) in FIXTURES {
        let files = codegen::generate(&codegen::Options {
            models: vec![root.join(model)],
            crate_name: (*name).into(),
            selection: Default::default(),
            packaging: crate::packaging(&root.join(dir), false),
        })
        .map_err(|e| format!("error: cannot generate {model}:\n{e}"))?;
        codegen::write::write(&root.join(dir), &files).map_err(|e| format!("error: writing {dir}: {e}"))?;
    }
    Ok(())
}

fn host_triple() -> Result<String, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(&rustc).arg("-vV").output().map_err(|e| format!("cannot run {rustc} -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| format!("{rustc} -vV names no host"))
}

/// Whether rustc can build and link a program with AddressSanitizer here (it
/// needs the sanitizer runtime in the toolchain's sysroot).
fn asan_works(triple: &str, target_dir: &Path) -> bool {
    if std::env::var("SMITHY_FUZZ_NO_ASAN").is_ok_and(|v| !v.is_empty()) {
        return false;
    }
    let dir = target_dir.join("asan-probe");
    if std::fs::create_dir_all(&dir).is_err() || std::fs::write(dir.join("probe.rs"), "fn main() {}\n").is_err() {
        return false;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .current_dir(&dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["-Zsanitizer=address", "--target", triple, "-o", "probe", "probe.rs"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// What one run of a target gave.
struct Row {
    target: &'static str,
    executions: Option<u64>,
    cov: Option<u64>,
    ft: Option<u64>,
    /// `corp: N/SIZE` of the last status line.
    corpus: Option<String>,
    crashes: Vec<PathBuf>,
    clean_exit: bool,
    log: PathBuf,
}

/// The number after `key` in a libFuzzer status line (`cov: 123`).
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let i = line.find(key)?;
    line[i + key.len()..].split_whitespace().next()
}

fn run_target(root: &Path, bin_dir: &Path, target: &'static str, seeds: &[&str], seconds: u64, asan: bool) -> Result<Row, String> {
    let fuzz_dir = root.join("fuzz");
    let corpus = fuzz_dir.join("corpus").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let logs = fuzz_dir.join("target").join("logs");
    for d in [&corpus, &artifacts, &logs] {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let log_path = logs.join(format!("{target}.log"));
    let mut log = std::fs::File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let before = SystemTime::now();

    let mut cmd = Command::new(bin_dir.join(target));
    // `-max_total_time=0` would mean "no limit": 0 replays the corpus instead.
    if seconds == 0 {
        cmd.arg("-runs=0");
    } else {
        cmd.arg(format!("-max_total_time={seconds}"));
    }
    let mut prefix = artifacts.clone().into_os_string();
    prefix.push("/");
    let mut artifact_arg = std::ffi::OsString::from("-artifact_prefix=");
    artifact_arg.push(prefix);
    cmd.args(["-print_final_stats=1", "-timeout=30", "-rss_limit_mb=3072"]).arg(artifact_arg).arg(&corpus);
    for s in seeds {
        cmd.arg(root.join(s));
    }
    if asan {
        let mut opts = std::env::var("ASAN_OPTIONS").unwrap_or_default();
        if !opts.is_empty() {
            opts.push(':');
        }
        opts.push_str("detect_odr_violation=0");
        cmd.env("ASAN_OPTIONS", opts);
    }
    eprintln!("\n==> fuzzing {target} for {seconds} s (log: {})", log_path.display());
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let mut row = Row { target, executions: None, cov: None, ft: None, corpus: None, crashes: Vec::new(), clean_exit: false, log: log_path.clone() };
    let mut tail: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = writeln!(log, "{line}");
            if line.starts_with('#') && line.contains("cov: ") {
                row.cov = field(&line, "cov: ").and_then(|v| v.parse().ok());
                row.ft = field(&line, "ft: ").and_then(|v| v.parse().ok()).or(row.ft);
                row.corpus = field(&line, "corp: ").map(str::to_string).or(row.corpus.take());
            }
            if let Some(n) = field(&line, "stat::number_of_executed_units:") {
                row.executions = n.parse().ok();
            }
            tail.push_back(line);
            if tail.len() > 60 {
                tail.pop_front();
            }
        }
    }
    let status = child.wait().map_err(|e| format!("waiting for {target}: {e}"))?;
    row.clean_exit = status.success();
    row.crashes = new_artifacts(&artifacts, before);
    if !row.clean_exit || !row.crashes.is_empty() {
        eprintln!("{target} failed ({status}); the end of its output:");
        for l in &tail {
            eprintln!("  | {l}");
        }
    }
    Ok(row)
}

/// Artifacts (`crash-*`, `leak-*`, `timeout-*`, `oom-*`) written since `since`.
fn new_artifacts(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.metadata().and_then(|m| m.modified()).is_ok_and(|m| m >= since))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}
