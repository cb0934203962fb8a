//! PutDestination throughput and client CPU per request of the one-call
//! programs' release binaries, over loopback HTTP/1.1 against the
//! canned-response server, at concurrency 1 and 32. Each program gets its
//! configuration from its loader, pointed at the server by the environment.

use std::path::PathBuf;
use std::process::Command;

use super::builds::label;
use super::prepare::program_env;
use super::{judge, median, ratio, server, Report};

pub(super) fn throughput_figures(binaries: &[(String, PathBuf)], repeats: usize, report: &mut Report) -> Result<(), String> {
    println!("\n== PutDestination over loopback HTTP/1.1 (release binaries, {repeats} runs each, median)");
    let endpoint = server::start()?;
    for (concurrency, requests) in [(1usize, 5_000usize), (32, 20_000)] {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new(); binaries.len()];
        for _ in 0..repeats {
            for (i, (program, path)) in binaries.iter().enumerate() {
                let mut cmd = Command::new(path);
                cmd.args([requests.to_string(), concurrency.to_string()]);
                program_env(&mut cmd, &endpoint);
                let output = cmd.output().map_err(|e| format!("cannot run {}: {e}", path.display()))?;
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
        let mut figures: Vec<(String, f64, f64)> = Vec::new();
        for (i, (program, _)) in binaries.iter().enumerate() {
            let mut rates: Vec<f64> = runs[i].iter().map(|r| r.0).collect();
            let mut cpus: Vec<f64> = runs[i].iter().map(|r| r.1).collect();
            figures.push((program.clone(), median(&mut rates), median(&mut cpus)));
        }
        let peer = figures.iter().find(|f| f.0 == "peer").cloned().ok_or("the peer's one-call program was not run")?;
        for (program, rate, cpu) in figures.iter().filter(|f| f.0 != "peer") {
            let label = label(program);
            // Issue 33: stay ahead of the peer by 2x on both.
            report.row(
                format!("PutDestination throughput, concurrency {concurrency}: {label}"),
                format!("{rate:.0} req/s"),
                format!("{:.0} req/s", peer.1),
                ratio(*rate, peer.1),
                &judge("≥ 2.00", rate / peer.1),
            );
            report.row(
                format!("client CPU per request, concurrency {concurrency}: {label}"),
                format!("{cpu:.1} µs"),
                format!("{:.1} µs", peer.2),
                ratio(*cpu, peer.2),
                &judge("≤ 0.50", cpu / peer.2),
            );
        }
    }
    Ok(())
}
