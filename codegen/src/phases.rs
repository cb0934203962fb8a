//! Where generation spends its time: thread time per pipeline stage, summed
//! over every thread and every crate a process generates. Each stage adds
//! the time of one `Instant` pair to an atomic counter, so the record is
//! always kept (it costs nothing measurable); it is printed only when
//! `SMITHY_REPORT_PHASES=1` (see [`report`]), by the commands that generate
//! (`cargo xtask codegen`, `cargo xtask sweep`), and read by the benchmark.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The environment variable that asks for the report.
pub const REPORT_ENV: &str = "SMITHY_REPORT_PHASES";

/// A stage of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading and checking the models (`model::load`, `model::resolve`).
    Load,
    /// Models to IR (`lower`).
    Lower,
    /// IR to token streams (`emit`).
    Emit,
    /// Token streams to text (`syn` parse and `prettyplease`), headers.
    Format,
    /// Comparing with the disk and writing (`write::write_with`, `write::check`).
    Write,
}

const PHASES: [(Phase, &str); 5] =
    [(Phase::Load, "load"), (Phase::Lower, "lower"), (Phase::Emit, "emit"), (Phase::Format, "format"), (Phase::Write, "write")];

static NANOS: [AtomicU64; 5] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

fn index(phase: Phase) -> usize {
    PHASES.iter().position(|(p, _)| *p == phase).unwrap_or(0)
}

/// Add the time since `start` to `phase`.
pub fn add(phase: Phase, start: Instant) {
    let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    NANOS[index(phase)].fetch_add(nanos, Ordering::Relaxed);
}

/// Run `f`, adding its time to `phase`.
pub fn time<T>(phase: Phase, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    add(phase, start);
    out
}

/// The milliseconds recorded for each phase so far, in pipeline order.
pub fn totals_ms() -> [(&'static str, f64); 5] {
    PHASES.map(|(p, name)| (name, NANOS[index(p)].load(Ordering::Relaxed) as f64 / 1e6))
}

/// The report line: `phases_ms load=<f> lower=<f> emit=<f> format=<f> write=<f>`
/// (milliseconds of thread time, one decimal). The benchmark parses it: keep
/// its form.
pub fn line() -> String {
    let parts: Vec<String> = totals_ms().iter().map(|(name, ms)| format!("{name}={ms:.1}")).collect();
    format!("phases_ms {}", parts.join(" "))
}

/// Whether `SMITHY_REPORT_PHASES=1` asks for the report.
pub fn requested() -> bool {
    std::env::var(REPORT_ENV).is_ok_and(|v| v == "1")
}

/// Print [`line()`] to stderr if [`requested`].
pub fn report() {
    if requested() {
        eprintln!("{}", line());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_every_phase_in_order() {
        time(Phase::Format, || std::thread::sleep(std::time::Duration::from_millis(2)));
        let line = line();
        let names: Vec<&str> = line.trim_start_matches("phases_ms ").split(' ').map(|p| p.split('=').next().unwrap_or("")).collect();
        assert_eq!(names, ["load", "lower", "emit", "format", "write"], "{line}");
        let format: f64 = line.split("format=").nth(1).and_then(|v| v.split(' ').next()).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        assert!(format >= 2.0, "{line}");
        assert!(line.split(' ').skip(1).all(|p| p.split('=').nth(1).is_some_and(|v| v.split('.').nth(1).is_some_and(|d| d.len() == 1))), "{line}");
    }
}
