//! The generator's own speed, with the release xtask as users and the sweep
//! run it, each run a whole process under GNU time (wall time and peak
//! resident memory), median of the repeats: `xtask codegen --model ... --out
//! DIR` for the seed models and both complete official models, and
//! `xtask sweep --generate-only --no-write` for the whole corpus (writing
//! every crate to target/sweep/, checking none). With SMITHY_REPORT_PHASES=1
//! the generator prints where its time goes (`phases_ms load=.. lower=..
//! emit=.. format=.. write=..`, thread time summed over threads); the corpus
//! row's note carries it when it is there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::prepare::{measured, tail};
use super::{judge, median, Report};
use crate::{cargo, official_models, run};

pub(super) fn codegen_figures(root: &Path, repeats: usize, report: &mut Report) -> Result<(), String> {
    println!("\n== codegen (release xtask, median of {} runs; the whole corpus {repeats})", repeats.max(3));
    run(cargo().args(["build", "--quiet", "--release", "-p", "xtask"]).current_dir(root))?;
    let xtask = root.join("target/release/xtask");
    let record = root.join("target/bench-codegen-time.txt");
    let out = root.join("target/bench-codegen");
    let seeds = [root.join("models/cloudwatch-logs.json"), root.join("models/guardduty.json")];
    let official = official_models(root).map_err(|e| e.to_string())?;
    let one = |models: &[PathBuf]| {
        let _ = std::fs::remove_dir_all(&out);
        let mut cmd = Command::new(&xtask);
        cmd.arg("codegen").stdout(Stdio::null());
        for m in models {
            cmd.arg("--model").arg(m);
        }
        cmd.arg("--out").arg(&out);
        cmd
    };
    let mut missing = Vec::new();
    for (name, models, target) in
        [("seed models (6 operations)", &seeds[..], "< 50 ms"), ("both complete official models", &official[..], "< 500 ms")]
    {
        let (time, peak, _) = runs(&one(models), &record, repeats.max(3), || ())?;
        report.row(format!("codegen wall time, {name}"), format!("{:.0} ms", time * 1000.0), "not measured".into(), "-".into(), &judge(target, time * 1000.0));
        if peak.is_nan() {
            missing.push(format!("codegen peak memory, {name}"));
        }
        report.row(format!("codegen peak memory, {name}"), format!("{peak:.0} MiB"), "not measured".into(), "-".into(), "");
    }

    // The whole corpus, as the sweep generates it.
    let corpus = crate::sweep::corpus_dir(root).map_err(|e| e.to_string())?;
    let models = crate::json_files(&corpus).len();
    let mut sweep = Command::new(&xtask);
    sweep.args(["sweep", "--generate-only", "--no-write"]).env("SMITHY_REPORT_PHASES", "1").stdout(Stdio::null());
    // Each run starts without the last run's crates: deleting hundreds of
    // megabytes is not generation, and the sweep would do it while it
    // generates (on this 2-core machine, 2-6 s of wall time).
    let sweep_out = root.join("target/sweep");
    let (time, peak, phases) = runs(&sweep, &record, repeats, || {
        let _ = std::fs::remove_dir_all(&sweep_out);
    })?;
    let name = format!("the whole corpus ({models} models)");
    report.row(format!("codegen wall time, {name}"), format!("{time:.1} s"), "not measured".into(), "-".into(), &judge("< 10 s", time));
    if peak.is_nan() {
        missing.push(format!("codegen peak memory, {name}"));
    }
    report.row(format!("codegen peak memory, {name}"), format!("{peak:.0} MiB"), "not measured".into(), "-".into(), "");
    report.note(match phases {
        Some(p) => format!("where the corpus's codegen time goes (thread time summed over threads, last run): {p}"),
        None => "where the corpus's codegen time goes: the phase split was not reported (the generator printed no `phases_ms` line \
                 with SMITHY_REPORT_PHASES=1)"
            .into(),
    });
    report.note(format!(
        "the corpus row is `xtask sweep --generate-only --no-write` (release) over {}: every model generated and written to \
         target/sweep/ (emptied before each run, untimed), none checked",
        corpus.display()
    ));
    report.note(peer_codegen_reason());
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("{} not measured: no figures from /usr/bin/time", missing.join(", ")))
    }
}

/// Run `cmd` `n` times under GNU time, each after `before` (untimed):
/// median wall seconds, median peak MiB (NaN without GNU time), and the
/// phase line of the last run's stderr.
fn runs(cmd: &Command, record: &Path, n: usize, before: impl Fn()) -> Result<(f64, f64, Option<String>), String> {
    let (mut times, mut peaks, mut phases) = (Vec::new(), Vec::new(), None);
    for _ in 0..n {
        before();
        let m = measured(cmd, record)?;
        if !m.output.status.success() {
            return Err(format!("{:?} failed:\n{}", cmd.get_args().next().unwrap_or_default(), tail(&m.output)));
        }
        times.push(m.seconds);
        peaks.extend(m.peak_mib);
        phases = phase_line(&String::from_utf8_lossy(&m.output.stderr));
    }
    Ok((median(&mut times), median(&mut peaks), phases))
}

/// `phases_ms load=<f> lower=<f> emit=<f> format=<f> write=<f>` as
/// `load 1234 ms, lower ...`; `None` when no such line was printed.
fn phase_line(stderr: &str) -> Option<String> {
    let line = stderr.lines().rev().find_map(|l| l.trim().strip_prefix("phases_ms "))?;
    let parts: Vec<String> = line
        .split_whitespace()
        .filter_map(|kv| {
            let (name, ms) = kv.split_once('=')?;
            Some(format!("{name} {:.0} ms", ms.parse::<f64>().ok()?))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
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

#[cfg(test)]
mod tests {
    use super::phase_line;

    #[test]
    fn the_phase_line_is_read_when_present() {
        let stderr = "  s3 restXml 100 ops 12 ms ok\nphases_ms load=812.4 lower=1200 emit=9000.4 format=3000 write=400\n";
        assert_eq!(phase_line(stderr).as_deref(), Some("load 812 ms, lower 1200 ms, emit 9000 ms, format 3000 ms, write 400 ms"));
        assert_eq!(phase_line("nothing here\n"), None);
    }
}
