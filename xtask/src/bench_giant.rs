//! `cargo xtask bench --only giant`: a giant service, SageMaker (358
//! operations in the official model), in a one-call program (ListDomains,
//! with the loader) on the crate generated from the complete model with one
//! operation's feature and with every operation, beside aws-sdk-sagemaker
//! with aws-config (`bench/giant/`). Clean debug builds, alternating, each
//! under GNU time: wall time, CPU time, and the compiler's peak memory (the
//! largest resident set among cargo and every rustc and build script it ran:
//! the kernel's rusage of the waited-for descendants). Each program then
//! makes its call against the canned-response server, or its figures mean
//! nothing.

use std::path::Path;

use super::prepare::{build_command, check_program, measured, tail};
use super::{judge, median, ratio, server, Report};

/// (package, label, build target, memory target); the peer first.
const PROGRAMS: &[(&str, &str, &str, &str)] = &[
    ("giant-peer", "aws-sdk-sagemaker with aws-config", "", ""),
    ("giant-ours-one-op", "one operation's feature (`sagemaker-domain`, the feature holding ListDomains)", "≤ 0.10", "≤ 0.25"),
    ("giant-ours-whole", "every operation (default features)", "", ""),
];

pub(super) fn giant_figures(bench_dir: &Path, repeats: usize, report: &mut Report) -> Result<(), String> {
    println!("\n== giant service (SageMaker): clean debug builds ({repeats} each, alternating), peak memory of the compiler");
    let record = bench_dir.join("target/clean/giant-time.txt");
    std::fs::create_dir_all(bench_dir.join("target/clean")).map_err(|e| e.to_string())?;
    // Per program: wall seconds, CPU seconds, peak MiB of each run.
    let mut figures: Vec<[Vec<f64>; 3]> = vec![Default::default(); PROGRAMS.len()];
    for round in 0..repeats {
        for (i, (package, ..)) in PROGRAMS.iter().enumerate() {
            let cmd = build_command(bench_dir, package, &format!("{package}-debug"), false, true);
            let m = measured(&cmd, &record)?;
            if !m.output.status.success() {
                return Err(format!("building {package} failed:\n{}", tail(&m.output)));
            }
            println!(
                "  round {} {package:<18} {:7.1} s wall {:>9} CPU {:>10} peak",
                round + 1,
                m.seconds,
                m.cpu_seconds.map_or("?".into(), |c| format!("{c:.1} s")),
                m.peak_mib.map_or("?".into(), |p| format!("{p:.0} MiB")),
            );
            figures[i][0].push(m.seconds);
            figures[i][1].extend(m.cpu_seconds);
            figures[i][2].extend(m.peak_mib);
        }
    }
    let endpoint = server::start()?;
    for (package, ..) in PROGRAMS {
        let path = bench_dir.join(format!("target/clean/{package}-debug/debug/{package}"));
        check_program(&path, &endpoint, "ok 1")?;
    }
    let summary: Vec<(f64, f64, f64)> =
        figures.iter_mut().map(|[wall, cpu, peak]| (median(wall), median(cpu), median(peak))).collect();
    let (peer_s, peer_cpu, peer_mib) = summary[0];
    let mut missing = Vec::new();
    for (i, (_, label, time_target, memory_target)) in PROGRAMS.iter().enumerate().skip(1) {
        let (s, cpu, peak) = summary[i];
        report.row(
            format!("clean debug build, SageMaker one-call program: ours with {label}"),
            format!("{s:.1} s"),
            format!("{peer_s:.1} s"),
            ratio(s, peer_s),
            &judge(time_target, s / peer_s),
        );
        if peak.is_nan() || peer_mib.is_nan() {
            missing.push(format!("compiler peak memory, SageMaker, {label} (no figures from {})", "/usr/bin/time"));
        }
        report.row(
            format!("compiler peak memory, SageMaker one-call program: ours with {label}"),
            format!("{peak:.0} MiB"),
            format!("{peer_mib:.0} MiB"),
            ratio(peak, peer_mib),
            &judge(memory_target, peak / peer_mib),
        );
        report.note(format!("SageMaker, ours with {label}: {cpu:.1} s CPU for the clean debug build, the peer's {peer_cpu:.1} s ({} CPU)", ratio(cpu, peer_cpu)));
    }
    report.note(
        "giant service: one ListDomains call to SageMaker (358 operations) with the configuration from each side's loader; ours \
         from the complete official model; peak memory is the largest resident set of any process of the build (in practice the \
         largest rustc), from GNU time; wall time is disturbed by other load on the machine, CPU time much less"
            .into(),
    );
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("; "))
    }
}
