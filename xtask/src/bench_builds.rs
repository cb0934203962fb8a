//! The one-call programs of `bench/one-call/` (PutDestination through our
//! seed crate, through the complete-Logs crate whole and with one
//! operation's feature, each with the loader `smithy-gen-config`; through
//! aws-sdk-cloudwatchlogs with aws-config): clean debug and release builds,
//! alternating, and the stripped release binaries; the dependency floor
//! (debug only: the one-op program's third-party crates alone); and the build-script
//! example beside the same operations committed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::prepare::build_command;
use super::{judge, median, ratio, Report};
use crate::{cargo, run};

/// The one-call programs, in the order they are built: (program, label,
/// target for the clean debug build, target for the stripped binary). The
/// targets are issue 33's for "the one-call program": one operation's
/// feature of the complete Logs model with the loader.
pub(super) const PROGRAMS: &[(&str, &str, &str, &str)] = &[
    ("peer", "aws-sdk-cloudwatchlogs 1.162.0 with aws-config (default features)", "", ""),
    ("seed", "our seed crate (default features) with the loader", "", ""),
    ("logs", "our complete-Logs crate (default features) with the loader", "", ""),
    ("logs-one-op", "our complete-Logs crate (one operation's feature) with the loader", "≤ 0.20", "≤ 0.25"),
];

/// The dependency floor's program (bench/one-call/floor): the one-op
/// program's third-party crates and an empty `main`.
const FLOOR: &str = "floor";

/// One clean build of `one-call-PROGRAM` into its own target directory, in
/// seconds of wall time.
fn clean_build(bench_dir: &Path, program: &str, profile: &str, release: bool, round: usize) -> Result<f64, String> {
    let mut cmd = build_command(bench_dir, &format!("one-call-{program}"), &format!("{program}-{profile}"), release, true);
    let seconds = timed(&mut cmd, &format!("one-call-{program} ({profile})"))?;
    println!("  round {} {program:<12} {profile:<8} {seconds:6.1} s", round + 1);
    Ok(seconds)
}

/// Run a build, in seconds of wall time; an error naming `what` if it fails.
fn timed(cmd: &mut Command, what: &str) -> Result<f64, String> {
    let started = Instant::now();
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("building {what} failed"));
    }
    Ok(seconds)
}

pub(super) fn label(program: &str) -> &'static str {
    PROGRAMS.iter().find(|p| p.0 == program).map_or("", |p| p.1)
}

/// Clean debug and release builds of every program, alternating; returns the
/// release binaries (program, path).
pub(super) fn build_figures(bench_dir: &Path, repeats: usize, report: &mut Report) -> Result<Vec<(String, PathBuf)>, String> {
    let mut binaries = Vec::new();
    for release in [false, true] {
        let profile = if release { "release" } else { "debug" };
        println!("\n== clean {profile} builds ({repeats} each, alternating)");
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); PROGRAMS.len()];
        let mut floor = Vec::new();
        for round in 0..repeats {
            for (i, (program, ..)) in PROGRAMS.iter().enumerate() {
                times[i].push(clean_build(bench_dir, program, profile, release, round)?);
            }
            // The dependency floor, debug only: it has nothing to run.
            if !release {
                floor.push(clean_build(bench_dir, FLOOR, profile, release, round)?);
            }
        }
        let medians: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
        if !release {
            let floor = median(&mut floor);
            report.row(
                "clean debug build of the dependency floor: the third-party crates of the one-op program alone, empty main",
                format!("{floor:.1} s"),
                format!("{:.1} s", medians[0]),
                ratio(floor, medians[0]),
                "",
            );
            report.note(format!(
                "the dependency floor (bench/one-call/floor) compiles exactly the third-party crates, with the same features, that the \
                 one-op Logs program compiles (the runtime's dependencies with `default-transport` and `xml`, tokio's \
                 `rt-multi-thread`) and nothing of ours; at the target (0.20 of the peer's {:.1} s, {:.1} s) our crates (runtime, \
                 identity clients, loader, generated crate) could add {:.1} s to it",
                medians[0],
                0.2 * medians[0],
                0.2 * medians[0] - floor
            ));
        }
        for (i, (_, label, debug_target, _)) in PROGRAMS.iter().enumerate().skip(1) {
            let target = if release { "" } else { debug_target };
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

/// The release binaries of the one-call programs, built (incrementally)
/// where no clean build of this run left them.
pub(super) fn release_binaries(bench_dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut out = Vec::new();
    for (program, ..) in PROGRAMS {
        let path = bench_dir.join(format!("target/clean/{program}-release/release/one-call-{program}"));
        // Always ask cargo: a binary of an earlier run may be stale.
        let mut cmd = cargo();
        cmd.args(["build", "--quiet", "--offline", "--release", "-p", &format!("one-call-{program}")])
            .arg("--target-dir")
            .arg(bench_dir.join(format!("target/clean/{program}-release")))
            .current_dir(bench_dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS");
        run(&mut cmd)?;
        out.push((program.to_string(), path));
    }
    Ok(out)
}

fn size_figures(binaries: &[(String, PathBuf)], report: &mut Report) -> Result<(), String> {
    println!("\n== stripped release binaries");
    let mut sizes = Vec::new();
    for (program, path) in binaries {
        sizes.push((program.clone(), stripped_size(path)?));
    }
    let peer = sizes.iter().find(|(p, _)| p == "peer").map_or(0.0, |(_, b)| *b);
    for (program, bytes) in &sizes {
        let Some((_, label, _, target)) = PROGRAMS.iter().find(|p| p.0 == program).filter(|p| p.0 != "peer") else { continue };
        report.row(format!("stripped release binary: {label}"), mib(*bytes), mib(peer), ratio(*bytes, peer), &judge(target, *bytes / peer));
    }
    Ok(())
}

/// The size in bytes of a stripped copy of the binary at `path`.
pub(super) fn stripped_size(path: &Path) -> Result<f64, String> {
    let stripped = path.with_extension("stripped");
    std::fs::copy(path, &stripped).map_err(|e| format!("copying {}: {e}", path.display()))?;
    match Command::new("strip").arg(&stripped).status() {
        Ok(s) if s.success() => {}
        _ => return Err("binary sizes not measured: `strip` (binutils) is not available".into()),
    }
    Ok(std::fs::metadata(&stripped).map_err(|e| e.to_string())?.len() as f64)
}

pub(super) fn mib(bytes: f64) -> String {
    format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
}

/// The clean debug build of `examples/build-script` (GuardDuty
/// `CreateDetector` and Logs `PutDestination` generated by its build script,
/// so the generator library is compiled as a build-dependency) beside the
/// same two operations generated once into a crate of their own, as a
/// committed crate would be; each into an empty target directory,
/// alternating.
pub(super) fn build_script_figures(root: &Path, repeats: usize, report: &mut Report) -> Result<(), String> {
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
            let seconds = timed(&mut cmd, &format!("the {label} crate"))?;
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
