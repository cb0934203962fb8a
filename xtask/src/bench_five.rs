//! The five-service program as a user writes it (`bench/five/`): one call
//! each to CloudWatch Logs, ECS, Athena (awsJson1_1), EKS and SESv2
//! (restJson1) through five crates generated from the complete official
//! models and one configuration from the loader `smithy_gen_config::load()`,
//! beside the same program on the five aws-sdk-* crates with
//! `aws_config::load_defaults`. Clean debug and release builds (alternating),
//! the stripped release binaries, the debug rebuild after touching the
//! program's source, and one run of each against the canned-response server.

use std::path::Path;
use std::time::Instant;

use super::builds::{mib, stripped_size};
use super::prepare::{build_command, check_program};
use super::{judge, median, ratio, server, Report};

pub(super) fn five_figures(bench_dir: &Path, repeats: usize, report: &mut Report) -> Result<(), String> {
    const SIDES: [&str; 2] = ["peer", "ours"];
    let build = |side: &str, profile: &str, clean: bool| -> Result<f64, String> {
        let mut cmd = build_command(bench_dir, &format!("five-{side}"), &format!("five-{side}-{profile}"), profile == "release", clean);
        let started = Instant::now();
        let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("building five-{side} ({profile}) failed"));
        }
        Ok(started.elapsed().as_secs_f64())
    };
    let label = "five services, one shared configuration from the loader";
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
        let target = if profile == "debug" { "≤ 0.20" } else { "" };
        report.row(format!("clean {profile} build, {label}"), format!("{ours:.1} s"), format!("{peer:.1} s"), ratio(ours, peer), &judge(target, ours / peer));
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
    let endpoint = server::start()?;
    let mut sizes = [0.0, 0.0];
    for (i, side) in SIDES.iter().enumerate() {
        let path = bench_dir.join(format!("target/clean/five-{side}-release/release/five-{side}"));
        sizes[i] = stripped_size(&path)?;
        check_program(&path, &endpoint, "ok 5")?;
    }
    report.row(format!("stripped release binary, {label}"), mib(sizes[1]), mib(sizes[0]), ratio(sizes[1], sizes[0]), &judge("≤ 0.25", sizes[1] / sizes[0]));
    report.note(format!(
        "{label}: CloudWatch Logs, ECS, Athena (awsJson1_1), EKS and SESv2 (restJson1), one call each; ours are five crates generated \
         from the complete official models (every operation) sharing one `Config` from `smithy_gen_config::load()` (the full \
         credential chain, with the STS/SSO/SSO-OIDC clients it calls); the peer is aws-sdk-cloudwatchlogs, -ecs, -eks, -athena and \
         -sesv2 with `aws_config::load_defaults`, default features; both read endpoint, region and credentials from the environment"
    ));
    Ok(())
}
