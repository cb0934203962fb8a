//! `cargo xtask bench`: this project's generator and generated code measured
//! beside aws-sdk-rust (the peer) in the same run, on the same machine.
//! Every program calls a canned-response server on 127.0.0.1 and is written
//! the way a user writes it: ours get their configuration from the loader
//! `smithy_gen_config::load()`, the peer's from `aws_config::load_defaults`,
//! both from the environment (the benchmark sets the endpoint, region and
//! static credentials there, and keeps the machine's shared files and
//! instance metadata out).
//!
//! What is measured, and how (BENCHMARKS.md has the latest figures):
//! - codegen (`bench_codegen.rs`): the release generator as a whole process
//!   under GNU time, wall time and peak RSS, median of the repeats: for the
//!   seed models, both complete models, and the whole corpus of official
//!   models (`xtask sweep --generate-only --no-write`), with the generator's
//!   own split of the time by phase when it reports one;
//! - model loading (`bench_load.rs`): the Smithy IDL beside the JSON AST;
//! - clean builds, debug and release, of the one-call programs in `bench/`
//!   (`bench_builds.rs`: PutDestination through our seed crate, through the
//!   crate of the complete Logs model whole and with one operation's
//!   feature, and through aws-sdk-cloudwatchlogs pinned by bench/Cargo.lock),
//!   each into an empty target directory, alternating between programs, with
//!   every crate already downloaded (`--offline`), and the stripped size of
//!   each release binary; beside them, debug only, the dependency floor
//!   (`bench/one-call/floor`: the one-op program's third-party crates and
//!   an empty `main`), to show what our own crates add;
//! - generated Rust lines per operation on the complete Logs and S3 models
//!   (`bench_lines.rs`; ours the generated crate, the peer's crate `src/`);
//! - PutDestination throughput and CPU time per request over loopback
//!   HTTP/1.1, at concurrency 1 and 32, with the release binaries
//!   (`bench_throughput.rs`);
//! - the divan microbenchmarks of `bench/micro` (codec per seed operation);
//! - five services through one shared configuration (`bench_five.rs`,
//!   `bench/five/`): one call each to CloudWatch Logs, ECS, Athena, EKS and
//!   SESv2 through five crates generated from the complete official models,
//!   beside the five aws-sdk-* crates with aws-config: clean debug and release
//!   builds, the stripped release binary, and the debug rebuild after
//!   touching `main`;
//! - a giant service (`bench_giant.rs`, `bench/giant/`): one SageMaker call
//!   through the complete model's crate with one operation's feature and
//!   whole, beside aws-sdk-sagemaker: clean debug build time and the
//!   compiler's peak memory;
//! - the build-script example beside the same operations committed;
//! - S3 transfers (`bench_transfer.rs`): upload and download of 1 GiB
//!   (`--transfer-size`) through our transfer manager beside boto3's
//!   s3transfer against one s3s-fs server on 127.0.0.1, with the ceiling of
//!   one streamed `PutObject`: throughput, client CPU and peak memory.
//!
//! Before anything is built, every crate the bench workspace's programs
//! depend on is generated into bench/target/crates/ and the workspace is
//! fetched, whatever `--only` asks for. A part that cannot measure what it
//! was asked for does not stop the others: the report is printed and written
//! with what was measured, and then the command fails, naming the figures
//! that are missing.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::{cargo, root};

#[path = "bench_transfer.rs"]
mod transfer;
#[path = "bench_load.rs"]
pub mod load;
#[path = "bench_prepare.rs"]
mod prepare;
#[path = "bench_server.rs"]
mod server;
#[path = "bench_builds.rs"]
mod builds;
#[path = "bench_throughput.rs"]
mod throughput;
#[path = "bench_lines.rs"]
mod lines;
#[path = "bench_five.rs"]
mod five;
#[path = "bench_giant.rs"]
mod giant;
#[path = "bench_codegen.rs"]
mod codegen_speed;

pub const USAGE: &str = "  cargo xtask bench [--repeats N] [--only codegen,load,build,lines,throughput,micro,five,giant,buildscript,transfer]
                    [--transfer-size SIZE]
      measure codegen (seed models, complete models, the whole corpus), model loading (IDL beside
      JSON AST), clean builds, binary size, lines per operation (Logs, S3), throughput, the codec
      microbenchmarks beside aws-sdk-cloudwatchlogs, a five-service program beside aws-sdk-* with
      aws-config, a giant service (SageMaker: build time and compiler peak memory) beside
      aws-sdk-sagemaker, the build-script example beside the same operations from a committed
      crate, and S3 transfers of SIZE (default 1GiB) beside boto3's s3transfer; prints a table
      (also written to target/bench-report.md); fails if a figure asked for was not measured";

/// The parts `--only` takes.
const PARTS: &[&str] = &["codegen", "load", "build", "lines", "throughput", "micro", "five", "giant", "buildscript", "transfer"];

/// The parts that need the bench workspace (its generated crates and the
/// peer's crates downloaded).
const WORKSPACE_PARTS: &[&str] = &["build", "lines", "throughput", "micro", "five", "giant"];

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
    /// The parts (and why) whose figures were asked for and not measured.
    missing: Vec<String>,
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

    /// Record a part's failure: its figures are missing, and the command
    /// fails once the report is written.
    fn outcome(&mut self, part: &str, result: Result<(), String>) {
        if let Err(why) = result {
            eprintln!("  {part}: not measured: {why}");
            self.missing.push(format!("{part}: {why}"));
        }
    }

    fn markdown(&self) -> String {
        let mut out = String::from("| figure | ours | peer (aws-sdk-rust; boto3's s3transfer for S3 transfers) | ours / peer | target |\n|---|---:|---:|---:|---|\n");
        for r in &self.rows {
            out.push_str(&format!("| {} | {} | {} | {} | {} |\n", r.what, r.ours, r.peer, r.ratio, r.target));
        }
        for n in &self.notes {
            out.push_str(&format!("\n- {n}"));
        }
        for m in &self.missing {
            out.push_str(&format!("\n- NOT MEASURED, {m}"));
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

    // Every crate the bench workspace's members depend on is generated
    // first, whatever `--only` asks for: `cargo fetch` resolves the whole
    // workspace. The transfer benchmark (bench/transfer) and model loading
    // need neither.
    let mut workspace = Ok(());
    if WORKSPACE_PARTS.iter().any(|p| options.wants(p)) {
        workspace = prepare::generate_crates(&root).and_then(|()| prepare::fetch(&bench_dir));
    }
    // A part whose preparation failed is missing, like one that failed itself.
    let ready = || workspace.clone().map_err(|why| format!("the bench workspace is not ready: {why}"));

    if options.wants("codegen") {
        let result = codegen_speed::codegen_figures(&root, options.repeats, &mut report);
        report.outcome("codegen", result);
    }
    if options.wants("load") {
        let result = load::load_figures(&root, options.repeats, &mut report);
        report.outcome("load", result);
    }
    let mut binaries = Vec::new();
    if options.wants("build") {
        let result = ready().and_then(|()| builds::build_figures(&bench_dir, options.repeats, &mut report));
        report.outcome("build", result.map(|b| binaries = b));
    }
    if options.wants("lines") {
        let result = ready().and_then(|()| lines::lines_figures(&root, &bench_dir, &mut report));
        report.outcome("lines", result);
    }
    if options.wants("throughput") {
        let result = ready().and_then(|()| {
            if binaries.is_empty() {
                binaries = builds::release_binaries(&bench_dir)?;
            }
            throughput::throughput_figures(&binaries, options.repeats, &mut report)
        });
        report.outcome("throughput", result);
    }
    if options.wants("five") {
        let result = ready().and_then(|()| five::five_figures(&bench_dir, options.repeats, &mut report));
        report.outcome("five", result);
    }
    if options.wants("giant") {
        let result = ready().and_then(|()| giant::giant_figures(&bench_dir, options.repeats, &mut report));
        report.outcome("giant", result);
    }
    if options.wants("buildscript") {
        let result = builds::build_script_figures(&root, options.repeats, &mut report);
        report.outcome("buildscript", result);
    }
    if options.wants("transfer") {
        let result = transfer::transfer_figures(&root, options.transfer_size, options.repeats, &mut report);
        report.outcome("transfer", result);
    }
    let mut micro = String::new();
    if options.wants("micro") {
        let result = ready().and_then(|()| micro_figures(&bench_dir, &mut report));
        report.outcome("micro", result.map(|text| micro = text));
    }

    let mut markdown = format!("Measured {} on {}.\n\n{}", today(), machine(), report.markdown());
    if !micro.is_empty() {
        markdown.push_str(&format!("\nCodec microbenchmarks (divan, `bench/micro`):\n\n```text\n{micro}```\n"));
    }
    let out = root.join("target/bench-report.md");
    std::fs::write(&out, &markdown).map_err(|e| format!("writing {}: {e}", out.display()))?;
    println!("\n{markdown}\n(written to {})", out.display());
    if report.missing.is_empty() {
        Ok(())
    } else {
        Err(format!("bench: figures asked for and not measured:\n{}", report.missing.iter().map(|m| format!("  - {m}")).collect::<Vec<_>>().join("\n")))
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
