//! `cargo xtask bench`: this project's generator and generated code measured
//! beside aws-sdk-rust (the peer) in the same run, on the same machine.
//!
//! What is measured, and how (BENCHMARKS.md has the latest figures):
//! - codegen: the release `xtask codegen --model ... --out DIR` as a whole
//!   process, wall time and peak RSS (VmHWM, printed by the process itself),
//!   median of the repeats; for the seed models and both complete models;
//! - clean builds, debug and release, of the one-call programs in `bench/`
//!   (PutDestination through our seed crate, through the crate of the complete
//!   Logs model, and through aws-sdk-cloudwatchlogs pinned by bench/Cargo.lock),
//!   each into an empty target directory, alternating between programs, with
//!   every crate already downloaded (`--offline`);
//! - the stripped size of each release binary;
//! - generated Rust lines per operation (ours: the complete Logs crate,
//!   runtime included; the peer: its crate's `src/`);
//! - PutDestination throughput and CPU time per request over loopback
//!   HTTP/1.1 against a canned-response server in this process, at
//!   concurrency 1 and 32, with the release binaries;
//! - the divan microbenchmarks of `bench/micro` (codec per seed operation);
//! - five services through one shared configuration (`bench/five/`): one
//!   call each to CloudWatch Logs, ECS, Athena (awsJson1_1), EKS and SESv2
//!   (restJson1), through five crates generated from the complete official
//!   models in ../shared/aws-corpus, beside the same program on the five
//!   aws-sdk-* crates with aws-config: clean debug and release builds, the
//!   stripped release binary, and the debug rebuild after touching `main`;
//! - S3 transfers (`bench_transfer.rs`): upload and download of 1 GiB
//!   (`--transfer-size`) through our transfer manager beside boto3's
//!   s3transfer against one s3s-fs server on 127.0.0.1, with the ceiling of
//!   one streamed `PutObject`: throughput, client CPU and peak memory.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{cargo, official_models, root, run};

#[path = "bench_transfer.rs"]
mod transfer;
#[path = "bench_load.rs"]
pub mod load;

pub const USAGE: &str = "  cargo xtask bench [--repeats N] [--only codegen,load,build,lines,throughput,micro,five,buildscript,transfer]
                    [--transfer-size SIZE]
      measure codegen, model loading (IDL beside JSON AST), clean builds, binary size, lines per operation, throughput, the
      codec microbenchmarks beside aws-sdk-cloudwatchlogs, a five-service program beside
      aws-sdk-* with aws-config, the build-script example beside the same operations
      from a committed crate, and S3 transfers of SIZE (default 1GiB) beside boto3's
      s3transfer; prints a table (also written to target/bench-report.md)";

/// The parts `--only` takes.
const PARTS: &[&str] = &["codegen", "load", "build", "lines", "throughput", "micro", "five", "buildscript", "transfer"];

const PEER: &str = "aws-sdk-cloudwatchlogs";

/// The one-call programs, in the order they are built.
const PROGRAMS: &[(&str, &str)] = &[
    ("peer", "aws-sdk-cloudwatchlogs 1.162.0 (default features)"),
    ("seed", "our seed crate (default features)"),
    ("logs", "our complete-Logs crate (default features)"),
    ("logs-one-op", "our complete-Logs crate (one operation's feature)"),
];

struct Options {
    repeats: usize,
    only: Vec<String>,
    transfer_size: u64,
}

impl Options {
    fn wants(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == part)
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { repeats: 3, only: Vec::new(), transfer_size: transfer::DEFAULT_SIZE };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--repeats" => {
                options.repeats = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--repeats needs a positive number")?
            }
            "--only" => {
                let parts = it.next().ok_or("--only needs a list")?;
                options.only = parts.split(',').map(str::to_string).collect();
                for p in &options.only {
                    if !PARTS.contains(&p.as_str()) {
                        return Err(format!("--only: unknown part {p:?}\n{USAGE}"));
                    }
                }
            }
            "--transfer-size" => options.transfer_size = transfer::parse_size(it.next().ok_or("--transfer-size needs a size (like 256MiB)")?)?,
            other => return Err(format!("bench: unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

/// One row of the report: what, ours, the peer's, and ours / peer.
struct Row {
    what: String,
    ours: String,
    peer: String,
    ratio: String,
    target: String,
}

#[derive(Default)]
struct Report {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    fn row(&mut self, what: impl Into<String>, ours: String, peer: String, ratio: String, target: &str) {
        let row = Row { what: what.into(), ours, peer, ratio, target: target.to_string() };
        println!("  {:<58} {:>14} {:>14} {:>8} {}", row.what, row.ours, row.peer, row.ratio, row.target);
        self.rows.push(row);
    }

    fn note(&mut self, note: String) {
        println!("  note: {note}");
        self.notes.push(note);
    }

    fn markdown(&self) -> String {
        let mut out = String::from("| figure | ours | peer (aws-sdk-rust; boto3's s3transfer for S3 transfers) | ours / peer | target |\n|---|---:|---:|---:|---|\n");
        for r in &self.rows {
            out.push_str(&format!("| {} | {} | {} | {} | {} |\n", r.what, r.ours, r.peer, r.ratio, r.target));
        }
        for n in &self.notes {
            out.push_str(&format!("\n- {n}"));
        }
        out.push('\n');
        out
    }
}

fn ratio(ours: f64, peer: f64) -> String {
    if peer > 0.0 {
        format!("{:.3}", ours / peer)
    } else {
        "-".into()
    }
}

/// The target with its verdict for `value` (a ratio, or the target's own
/// unit): `≤ 0.20: met`. An empty target stays empty; a value that could not
/// be measured (NaN) is "not judged".
fn judge(target: &str, value: f64) -> String {
    let mut parts = target.split_whitespace();
    let (Some(op), Some(bound)) = (parts.next(), parts.next().and_then(|b| b.parse::<f64>().ok())) else {
        return target.to_string();
    };
    let met = match op {
        "≤" => value <= bound,
        "<" => value < bound,
        "≥" => value >= bound,
        ">" => value > bound,
        _ => return target.to_string(),
    };
    let verdict = if value.is_nan() {
        "not judged"
    } else if met {
        "met"
    } else {
        "missed"
    };
    format!("{target}: {verdict}")
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

pub fn bench(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let root = root();
    let bench_dir = root.join("bench");
    let mut report = Report::default();
    println!("machine: {}", machine());

    // The transfer benchmark is a workspace of its own (bench/transfer) that
    // needs neither the official models nor the peer's crates.
    let mut fetched = Ok(());
    if PARTS.iter().any(|p| *p != "transfer" && *p != "load" && options.wants(p)) {
        prepare_logs_crate(&root)?;
        if options.wants("five") {
            prepare_five_crates(&root)?;
        }
        fetched = fetch(&bench_dir);
        if let Err(why) = &fetched {
            report.note(format!("could not download the benchmark's crates ({why}); figures that need them are missing"));
        }
    }

    if options.wants("codegen") {
        codegen_figures(&root, options.repeats, &mut report)?;
    }
    if options.wants("load") {
        load::load_figures(&root, options.repeats, &mut report)?;
    }
    let mut binaries = Vec::new();
    if options.wants("build") && fetched.is_ok() {
        binaries = build_figures(&bench_dir, options.repeats, &mut report)?;
    }
    if options.wants("lines") {
        lines_figures(&root, &bench_dir, &mut report)?;
    }
    if options.wants("throughput") && fetched.is_ok() {
        if binaries.is_empty() {
            binaries = release_binaries(&bench_dir)?;
        }
        throughput_figures(&binaries, options.repeats, &mut report)?;
    }
    if options.wants("five") && fetched.is_ok() {
        five_figures(&bench_dir, options.repeats, &mut report)?;
    }
    if options.wants("buildscript") {
        build_script_figures(&root, options.repeats, &mut report)?;
    }
    if options.wants("transfer") {
        transfer::transfer_figures(&root, options.transfer_size, options.repeats, &mut report)?;
    }
    let mut micro = String::new();
    if options.wants("micro") && fetched.is_ok() {
        micro = micro_figures(&bench_dir, &mut report)?;
    }

    let mut markdown = format!("Measured {} on {}.\n\n{}", today(), machine(), report.markdown());
    if !micro.is_empty() {
        markdown.push_str(&format!("\nCodec microbenchmarks (divan, `bench/micro`):\n\n```text\n{micro}```\n"));
    }
    let out = root.join("target/bench-report.md");
    std::fs::write(&out, &markdown).map_err(|e| format!("writing {}: {e}", out.display()))?;
    println!("\n{markdown}\n(written to {})", out.display());
    Ok(())
}

/// The complete CloudWatch Logs model as a crate the `logs*` programs use.
fn prepare_logs_crate(root: &Path) -> Result<(), String> {
    let model = official_models(root)
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("cloudwatch-logs")))
        .ok_or("no CloudWatch Logs model among the official models")?;
    let dir = root.join("bench/target/crates/logs-complete");
    let packaging = crate::packaging(&dir, false);
    let files = codegen::generate(&codegen::Options { models: vec![model], crate_name: "logs-complete".into(), selection: Default::default(), packaging })
        .map_err(|e| e.to_string())?;
    codegen::write::write(&dir, &files).map_err(|e| e.to_string())?;
    Ok(())
}

/// The five services of the shared-configuration program: (crate name, model
/// file among the official AWS models). CloudWatch Logs is `logs-complete`, from
/// `prepare_logs_crate`.
const FIVE: &[(&str, &str)] = &[
    ("ecs-complete", "ecs-2014-11-13.json"),
    ("eks-complete", "eks-2017-11-01.json"),
    ("athena-complete", "athena-2017-05-18.json"),
    ("sesv2-complete", "sesv2-2019-09-27.json"),
];

/// The complete ECS, EKS, Athena and SESv2 models as crates `five/ours` uses.
fn prepare_five_crates(root: &Path) -> Result<(), String> {
    let files: Vec<&str> = FIVE.iter().map(|(_, f)| *f).collect();
    let found = codegen::third_party::find_files(codegen::third_party::Set::AwsModels, root, &files).map_err(|e| e.to_string())?;
    for ((name, _), model) in FIVE.iter().zip(found) {
        let dir = root.join("bench/target/crates").join(name);
        let packaging = crate::packaging(&dir, false);
        let options = codegen::Options { models: vec![model], crate_name: name.to_string(), selection: Default::default(), packaging };
        let files = codegen::generate(&options).map_err(|e| format!("{name}: {e}"))?;
        codegen::write::write(&dir, &files).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn fetch(bench_dir: &Path) -> Result<(), String> {
    let output = cargo()
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

// ---------------------------------------------------------------- codegen

fn codegen_figures(root: &Path, repeats: usize, report: &mut Report) -> Result<(), String> {
    println!("\n== codegen (release xtask, {} runs each, median)", repeats.max(3));
    run(cargo().args(["build", "--quiet", "--release", "-p", "xtask"]).current_dir(root))?;
    let xtask = root.join("target/release/xtask");
    let seeds = [root.join("models/cloudwatch-logs.json"), root.join("models/guardduty.json")];
    let official = official_models(root).map_err(|e| e.to_string())?;
    let out = root.join("target/bench-codegen");
    let mut figure = |name: &str, models: &[PathBuf], target: &str| -> Result<(), String> {
        let mut times = Vec::new();
        let mut peaks = Vec::new();
        for _ in 0..repeats.max(3) {
            let _ = std::fs::remove_dir_all(&out);
            let mut cmd = Command::new(&xtask);
            cmd.arg("codegen").env("SMITHY_REPORT_PEAK_RSS", "1").stdout(Stdio::null());
            for m in models {
                cmd.arg("--model").arg(m);
            }
            cmd.arg("--out").arg(&out);
            let started = Instant::now();
            let output = cmd.output().map_err(|e| format!("cannot run {}: {e}", xtask.display()))?;
            times.push(started.elapsed().as_secs_f64());
            if !output.status.success() {
                return Err(format!("codegen failed: {}", String::from_utf8_lossy(&output.stderr)));
            }
            let stderr = String::from_utf8_lossy(&output.stderr);
            if let Some(kib) = stderr.lines().find_map(|l| l.strip_prefix("peak_rss_kib=")?.trim().parse::<f64>().ok()) {
                peaks.push(kib / 1024.0);
            }
        }
        let time = median(&mut times);
        let peak = median(&mut peaks);
        report.row(
            format!("codegen wall time, {name}"),
            format!("{:.0} ms", time * 1000.0),
            "not measured".into(),
            "-".into(),
            &judge(target, time * 1000.0),
        );
        report.row(format!("codegen peak memory, {name}"), format!("{peak:.0} MiB"), "not measured".into(), "-".into(), "");
        Ok(())
    };
    figure("seed models (6 operations)", &seeds, "< 50 ms")?;
    figure("both complete official models", &official, "< 500 ms")?;
    report.note(peer_codegen_reason());
    Ok(())
}

/// Why the peer's generator is not run here.
fn peer_codegen_reason() -> String {
    use std::net::ToSocketAddrs;
    let maven = ("repo.maven.apache.org", 443).to_socket_addrs().map(|mut a| a.next().is_some()).unwrap_or(false);
    format!(
        "the peer's codegen (smithy-rs: Kotlin on a JVM, driven by Gradle with plugins and libraries from Maven Central) is not \
         measured: {}",
        if maven {
            "Maven Central resolves from this machine, but running smithy-rs's Gradle build is not automated by this bench"
        } else {
            "Maven Central (repo.maven.apache.org) does not resolve from this machine, so smithy-rs cannot be built here"
        }
    )
}

// ---------------------------------------------------------------- builds

/// Clean debug and release builds of every program, alternating; returns the
/// release binaries (program, path).
fn build_figures(bench_dir: &Path, repeats: usize, report: &mut Report) -> Result<Vec<(String, PathBuf)>, String> {
    let mut binaries = Vec::new();
    for release in [false, true] {
        let profile = if release { "release" } else { "debug" };
        println!("\n== clean {profile} builds ({repeats} each, alternating)");
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); PROGRAMS.len()];
        for round in 0..repeats {
            for (i, (program, _)) in PROGRAMS.iter().enumerate() {
                let target_dir = bench_dir.join(format!("target/clean/{program}-{profile}"));
                let _ = std::fs::remove_dir_all(&target_dir);
                let mut cmd = cargo();
                cmd.args(["build", "--quiet", "--offline", "-p", &format!("one-call-{program}")])
                    .arg("--target-dir")
                    .arg(&target_dir)
                    .current_dir(bench_dir)
                    .env_remove("RUSTFLAGS")
                    .env_remove("CARGO_BUILD_RUSTFLAGS");
                if release {
                    cmd.arg("--release");
                }
                let started = Instant::now();
                let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
                let seconds = started.elapsed().as_secs_f64();
                if !status.success() {
                    return Err(format!("building one-call-{program} ({profile}) failed"));
                }
                println!("  round {} {program:<12} {profile:<8} {seconds:6.1} s", round + 1);
                times[i].push(seconds);
            }
        }
        let medians: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
        for (i, (_, label)) in PROGRAMS.iter().enumerate().skip(1) {
            let target = match (release, i) {
                (false, 1) => "≤ 0.20",
                (false, 2) => "≤ 0.33",
                _ => "",
            };
            report.row(
                format!("clean {profile} build of the one-call program: {label}"),
                format!("{:.1} s", medians[i]),
                format!("{:.1} s", medians[0]),
                ratio(medians[i], medians[0]),
                &judge(target, medians[i] / medians[0]),
            );
        }
        if release {
            binaries = release_binaries(bench_dir)?;
        }
    }
    size_figures(&binaries, report)?;
    Ok(binaries)
}

/// The clean debug build of `examples/build-script` (GuardDuty
/// `CreateDetector` and Logs `PutDestination` generated by its build script,
/// so the generator library is compiled as a build-dependency) beside the
/// same two operations generated once into a crate of their own, as a
/// committed crate would be; each into an empty target directory,
/// alternating.
fn build_script_figures(root: &Path, repeats: usize, report: &mut Report) -> Result<(), String> {
    let dir = root.join("target/bench-build-script/two-ops");
    let options = codegen::Options {
        models: vec![root.join("models/guardduty.json"), root.join("models/cloudwatch-logs.json")],
        crate_name: "two-ops".into(),
        selection: codegen::Selection {
            services: Default::default(),
            anywhere: Some(["CreateDetector", "PutDestination"].iter().map(|s| s.to_string()).collect()),
        },
        packaging: crate::packaging(&dir, true),
    };
    let files = codegen::generate(&options).map_err(|e| e.to_string())?;
    codegen::write::write(&dir, &files).map_err(|e| e.to_string())?;
    println!("\n== clean debug builds: build-script example and the same operations committed ({repeats} each, alternating)");
    let mut times = [Vec::new(), Vec::new()];
    for round in 0..repeats {
        for (i, label) in ["build-script", "committed"].iter().enumerate() {
            let target_dir = root.join(format!("target/bench-build-script/target-{label}"));
            let _ = std::fs::remove_dir_all(&target_dir);
            let mut cmd = cargo();
            cmd.args(["build", "--quiet", "--offline", "--lib"]).arg("--target-dir").arg(&target_dir).env_remove("RUSTFLAGS");
            if i == 0 {
                cmd.current_dir(root).args(["-p", "build-script-example"]);
            } else {
                cmd.arg("--manifest-path").arg(dir.join("Cargo.toml"));
            }
            let started = Instant::now();
            let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
            let seconds = started.elapsed().as_secs_f64();
            if !status.success() {
                return Err(format!("building the {label} crate failed"));
            }
            println!("  round {} {label:<13} {seconds:6.1} s", round + 1);
            times[i].push(seconds);
        }
    }
    let (script, committed) = (median(&mut times[0]), median(&mut times[1]));
    report.row(
        "clean debug build, two operations generated in build.rs (peer column: the same committed)",
        format!("{script:.1} s"),
        format!("{committed:.1} s"),
        ratio(script, committed),
        "",
    );
    report.note(
        "the build-script row's second column is not aws-sdk-rust: it is the same two operations generated once into a crate; \
         the difference is the generator library compiled as a build-dependency"
            .to_string(),
    );
    Ok(())
}

fn release_binaries(bench_dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut out = Vec::new();
    for (program, _) in PROGRAMS {
        let path = bench_dir.join(format!("target/clean/{program}-release/release/one-call-{program}"));
        if !path.exists() {
            // No clean build in this run: build (incrementally) into the same place.
            let mut cmd = cargo();
            cmd.args(["build", "--quiet", "--offline", "--release", "-p", &format!("one-call-{program}")])
                .arg("--target-dir")
                .arg(bench_dir.join(format!("target/clean/{program}-release")))
                .current_dir(bench_dir);
            run(&mut cmd)?;
        }
        out.push((program.to_string(), path));
    }
    Ok(out)
}

fn size_figures(binaries: &[(String, PathBuf)], report: &mut Report) -> Result<(), String> {
    println!("\n== stripped release binaries");
    let mut sizes = Vec::new();
    for (program, path) in binaries {
        let Some(bytes) = stripped_size(path)? else {
            report.note("binary sizes not measured: `strip` (binutils) is not available".into());
            return Ok(());
        };
        sizes.push((program.clone(), bytes));
    }
    let peer = sizes.iter().find(|(p, _)| p == "peer").map_or(0.0, |(_, b)| *b);
    for (program, bytes) in &sizes {
        if program == "peer" {
            continue;
        }
        let label = PROGRAMS.iter().find(|(p, _)| p == program).map_or("", |(_, l)| *l);
        report.row(
            format!("stripped release binary: {label}"),
            mib(*bytes),
            mib(peer),
            ratio(*bytes, peer),
            &judge(if program == "seed" { "≤ 0.25" } else { "" }, *bytes / peer),
        );
    }
    Ok(())
}

/// The size in bytes of a stripped copy of the binary at `path`; `None`
/// when `strip` is not available.
fn stripped_size(path: &Path) -> Result<Option<f64>, String> {
    let stripped = path.with_extension("stripped");
    std::fs::copy(path, &stripped).map_err(|e| format!("copying {}: {e}", path.display()))?;
    match Command::new("strip").arg(&stripped).status() {
        Ok(s) if s.success() => {}
        _ => return Ok(None),
    }
    Ok(Some(std::fs::metadata(&stripped).map_err(|e| e.to_string())?.len() as f64))
}

fn mib(bytes: f64) -> String {
    format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
}

// ---------------------------------------------------------------- lines

fn lines_figures(root: &Path, bench_dir: &Path, report: &mut Report) -> Result<(), String> {
    println!("\n== generated lines per operation");
    let ours_dir = root.join("bench/target/crates/logs-complete/src");
    let ours_lines = rust_lines(&ours_dir);
    // The runtime is a crate of its own now, as the peer's is; counted apart.
    let runtime_lines = rust_lines(&root.join("runtime/src"));
    let model = official_models(root).map_err(|e| e.to_string())?
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("cloudwatch-logs")))
        .ok_or("no CloudWatch Logs model")?;
    let ours_ops = count_operations(&model)?;
    let ours = ours_lines as f64 / ours_ops as f64;
    let peer = match peer_source(bench_dir) {
        Ok(src) => {
            let lines = rust_lines(&src);
            let ops = std::fs::read_dir(src.join("operation"))
                .map(|rd| rd.flatten().filter(|e| e.path().is_dir()).count())
                .unwrap_or(0);
            report.note(format!(
                "lines: ours {ours_lines} lines for the {ours_ops} operations of the official Logs model (its runtime crate, \
                 {runtime_lines} more, is shared by every generated crate); the peer's crate {lines} lines in src/ for its {ops} \
                 operations (its runtime lives in other crates)"
            ));
            (ops > 0).then(|| lines as f64 / ops as f64)
        }
        Err(why) => {
            report.note(format!("the peer's lines are not measured: {why}"));
            None
        }
    };
    report.row(
        "generated lines of Rust per operation (complete Logs)",
        format!("{ours:.0}"),
        peer.map_or("not measured".into(), |p| format!("{p:.0}")),
        peer.map_or("-".into(), |p| ratio(ours, p)),
        &judge("≤ 0.20", peer.map_or(f64::NAN, |p| ours / p)),
    );
    Ok(())
}

fn rust_lines(dir: &Path) -> usize {
    let mut total = 0;
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            total += rust_lines(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path).map(|s| s.lines().count()).unwrap_or(0);
        }
    }
    total
}

fn count_operations(model: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(model).map_err(|e| format!("{}: {e}", model.display()))?;
    // Every `"type": "operation"` shape; the official model has one service.
    Ok(text.matches("\"type\": \"operation\"").count())
}

/// The peer's `src/` in cargo's registry, found through `cargo metadata`.
fn peer_source(bench_dir: &Path) -> Result<PathBuf, String> {
    let output = cargo()
        .args(["metadata", "--offline", "--format-version", "1"])
        .current_dir(bench_dir)
        .stderr(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout);
    let needle = format!("/{PEER}-");
    let manifest = text
        .split('"')
        .find(|s| s.contains(&needle) && s.ends_with("Cargo.toml"))
        .ok_or("aws-sdk-cloudwatchlogs is not in cargo's registry cache")?;
    Ok(Path::new(manifest).parent().unwrap_or(Path::new(".")).join("src"))
}

// ---------------------------------------------------------------- five services

/// Clean debug and release builds of `five-ours` and `five-peer` (alternating),
/// their stripped release binaries, the debug rebuild after touching the
/// program's source, and one run of each against the canned-response server.
fn five_figures(bench_dir: &Path, repeats: usize, report: &mut Report) -> Result<(), String> {
    const SIDES: [&str; 2] = ["peer", "ours"];
    let build = |side: &str, profile: &str, clean: bool| -> Result<f64, String> {
        let target_dir = bench_dir.join(format!("target/clean/five-{side}-{profile}"));
        if clean {
            let _ = std::fs::remove_dir_all(&target_dir);
        }
        let mut cmd = cargo();
        cmd.args(["build", "--quiet", "--offline", "-p", &format!("five-{side}")])
            .arg("--target-dir")
            .arg(&target_dir)
            .current_dir(bench_dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS");
        if profile == "release" {
            cmd.arg("--release");
        }
        let started = Instant::now();
        let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("building five-{side} ({profile}) failed"));
        }
        Ok(started.elapsed().as_secs_f64())
    };
    let label = "five services, one shared configuration";
    for profile in ["debug", "release"] {
        println!("\n== {label}: clean {profile} builds ({repeats} each, alternating)");
        let mut times = [Vec::new(), Vec::new()];
        for round in 0..repeats {
            for (i, side) in SIDES.iter().enumerate() {
                let seconds = build(side, profile, true)?;
                println!("  round {} five-{side:<5} {profile:<8} {seconds:6.1} s", round + 1);
                times[i].push(seconds);
            }
        }
        let (peer, ours) = (median(&mut times[0]), median(&mut times[1]));
        let target = if profile == "debug" { "≤ 0.25" } else { "" };
        report.row(
            format!("clean {profile} build, {label}"),
            format!("{ours:.1} s"),
            format!("{peer:.1} s"),
            ratio(ours, peer),
            &judge(target, ours / peer),
        );
    }
    println!("\n== {label}: debug rebuild after touching the program's source");
    let mut rebuilds = [Vec::new(), Vec::new()];
    for _ in 0..repeats {
        for (i, side) in SIDES.iter().enumerate() {
            let source = bench_dir.join(format!("five/{side}.rs"));
            let file = std::fs::File::options().append(true).open(&source).map_err(|e| format!("{}: {e}", source.display()))?;
            file.set_modified(std::time::SystemTime::now()).map_err(|e| format!("touching {}: {e}", source.display()))?;
            let seconds = build(side, "debug", false)?;
            println!("  five-{side:<5} {seconds:6.1} s");
            rebuilds[i].push(seconds);
        }
    }
    let (peer, ours) = (median(&mut rebuilds[0]), median(&mut rebuilds[1]));
    report.row(format!("debug rebuild after touching main.rs, {label}"), format!("{ours:.1} s"), format!("{peer:.1} s"), ratio(ours, peer), "");
    let mut sizes = [0.0, 0.0];
    for (i, side) in SIDES.iter().enumerate() {
        let path = bench_dir.join(format!("target/clean/five-{side}-release/release/five-{side}"));
        let Some(bytes) = stripped_size(&path)? else {
            report.note("five-service binary sizes not measured: `strip` (binutils) is not available".into());
            return Ok(());
        };
        sizes[i] = bytes;
        // Both programs must work, or their figures mean nothing.
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen on loopback: {e}"))?;
        let endpoint = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
        std::thread::spawn(move || serve(listener));
        let output = Command::new(&path).arg(&endpoint).output().map_err(|e| format!("cannot run {}: {e}", path.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || stdout.trim() != "ok 5" {
            return Err(format!("five-{side} failed: {stdout}{}", String::from_utf8_lossy(&output.stderr)));
        }
    }
    report.row(format!("stripped release binary, {label}"), mib(sizes[1]), mib(sizes[0]), ratio(sizes[1], sizes[0]), &judge("≤ 0.33", sizes[1] / sizes[0]));
    report.note(format!(
        "{label}: CloudWatch Logs, ECS, Athena (awsJson1_1), EKS and SESv2 (restJson1), one call each; ours are five crates generated \
         from the complete official models (every operation) sharing one `Config`; the peer is aws-sdk-cloudwatchlogs, -ecs, -eks, \
         -athena and -sesv2 with aws-config, default features, one `SdkConfig`"
    ));
    Ok(())
}

// ---------------------------------------------------------------- throughput

const CANNED_BODY: &str = r#"{"destination":{"destinationName":"bench-destination","targetArn":"arn:aws:kinesis:us-east-1:123456789012:stream/bench","roleArn":"arn:aws:iam::123456789012:role/bench","arn":"arn:aws:logs:us-east-1:123456789012:destination:bench-destination","creationTime":1700000000000}}"#;

fn throughput_figures(binaries: &[(String, PathBuf)], repeats: usize, report: &mut Report) -> Result<(), String> {
    println!("\n== PutDestination over loopback HTTP/1.1 (release binaries, {repeats} runs each, median)");
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let endpoint = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    std::thread::spawn(move || serve(listener));
    for (concurrency, requests) in [(1usize, 5_000usize), (32, 20_000)] {
        let mut figures: Vec<(String, f64, f64)> = Vec::new();
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new(); binaries.len()];
        for _ in 0..repeats {
            for (i, (program, path)) in binaries.iter().enumerate() {
                let output = Command::new(path)
                    .args([&endpoint, &requests.to_string(), &concurrency.to_string()])
                    .output()
                    .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
                let stdout = String::from_utf8_lossy(&output.stdout);
                if !output.status.success() {
                    return Err(format!("{program} failed: {}{}", stdout, String::from_utf8_lossy(&output.stderr)));
                }
                let field = |name: &str| {
                    stdout.split_whitespace().find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse::<f64>().ok())
                };
                let (Some(seconds), Some(cpu)) = (field("seconds"), field("cpu_seconds")) else {
                    return Err(format!("{program}: unexpected output {stdout:?}"));
                };
                runs[i].push((requests as f64 / seconds, cpu / requests as f64 * 1e6));
                println!("  {program:<12} c={concurrency:<3} {:>9.0} req/s {:>7.1} µs CPU/req", requests as f64 / seconds, cpu / requests as f64 * 1e6);
            }
        }
        for (i, (program, _)) in binaries.iter().enumerate() {
            let mut rates: Vec<f64> = runs[i].iter().map(|r| r.0).collect();
            let mut cpus: Vec<f64> = runs[i].iter().map(|r| r.1).collect();
            figures.push((program.clone(), median(&mut rates), median(&mut cpus)));
        }
        let peer = figures.iter().find(|f| f.0 == "peer").cloned().unwrap_or_default();
        for (program, rate, cpu) in figures.iter().filter(|f| f.0 != "peer") {
            let label = PROGRAMS.iter().find(|(p, _)| p == program).map_or("", |(_, l)| *l);
            report.row(
                format!("PutDestination throughput, concurrency {concurrency}: {label}"),
                format!("{rate:.0} req/s"),
                format!("{:.0} req/s", peer.1),
                ratio(*rate, peer.1),
                &judge("≥ 1.00", rate / peer.1),
            );
            report.row(
                format!("client CPU per request, concurrency {concurrency}: {label}"),
                format!("{cpu:.1} µs"),
                format!("{:.1} µs", peer.2),
                ratio(*cpu, peer.2),
                &judge("< 1.00", cpu / peer.2),
            );
        }
    }
    Ok(())
}

/// The canned-response server: HTTP/1.1 with keep-alive, one thread per
/// connection, every request answered with PutDestination's output.
fn serve(listener: TcpListener) {
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = stream.set_nodelay(true);
            let _ = serve_connection(stream);
        });
    }
}

fn serve_connection(stream: TcpStream) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: 4a1b8f0e-5c3d-4e2f-9a6b-7c8d9e0f1a2b\r\ncontent-length: {}\r\n\r\n{CANNED_BODY}",
        CANNED_BODY.len()
    );
    let mut line = String::new();
    loop {
        let mut content_length = 0usize;
        let mut close = false;
        let mut first = true;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                if first {
                    continue;
                }
                break;
            }
            first = false;
            if let Some((name, value)) = trimmed.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
                    close = true;
                }
            }
        }
        let mut body = vec![0u8; content_length];
        reader.read_exact(&mut body)?;
        writer.write_all(response.as_bytes())?;
        if close {
            return Ok(());
        }
    }
}

// ---------------------------------------------------------------- micro

fn micro_figures(bench_dir: &Path, report: &mut Report) -> Result<String, String> {
    println!("\n== codec microbenchmarks (divan)");
    let output = cargo()
        .args(["bench", "--quiet", "--offline", "-p", "micro", "--bench", "codec"])
        .current_dir(bench_dir)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    print!("{text}");
    if !output.status.success() {
        return Err("the microbenchmarks failed".into());
    }
    report.note(
        "codec microbenchmarks: the peer's serializers and parsers are crate-private (`pub(crate) mod protocol_serde` in \
         aws-sdk-cloudwatchlogs), so they cannot be called alone; its codec cost is inside the throughput figures"
            .into(),
    );
    Ok(text)
}

// ---------------------------------------------------------------- machine

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map(|(_, v)| v.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or("?".into(), |kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0));
    let rustc = Command::new("rustc").arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    format!("{cores} cores ({cpu}), {memory} RAM, {rustc}")
}

pub(crate) fn today() -> String {
    Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Peak resident memory of this process, for `SMITHY_REPORT_PEAK_RSS`.
pub fn report_peak_rss() {
    if std::env::var_os("SMITHY_REPORT_PEAK_RSS").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kib) = status.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
        eprintln!("peak_rss_kib={}", kib.trim().trim_end_matches("kB").trim());
    }
}

#[cfg(test)]
mod tests {
    use super::judge;

    #[test]
    fn targets_are_judged_on_the_exact_value() {
        assert_eq!(judge("≤ 0.20", 0.2), "≤ 0.20: met");
        assert_eq!(judge("≤ 0.20", 0.2004), "≤ 0.20: missed");
        assert_eq!(judge("< 1.00", 1.0), "< 1.00: missed");
        assert_eq!(judge("≥ 1.00", 3.4), "≥ 1.00: met");
        assert_eq!(judge("< 50 ms", 23.0), "< 50 ms: met");
        assert_eq!(judge("≤ 0.20", f64::NAN), "≤ 0.20: not judged");
        assert_eq!(judge("", 0.5), "");
    }
}
