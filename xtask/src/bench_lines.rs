//! Generated Rust lines per operation, ours beside the peer's, on the
//! complete CloudWatch Logs and S3 models: ours the crate generated into
//! bench/target/crates/ (its runtime, shared by every generated crate, counted
//! apart), the peer's the `src/` of aws-sdk-cloudwatchlogs and aws-sdk-s3 as
//! bench/Cargo.lock pins them, found in cargo's registry through
//! `cargo metadata`.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use super::prepare::model_of;
use super::{judge, ratio, Report};
use crate::cargo;

/// (service, our crate, the peer's crate).
const SERVICES: &[(&str, &str, &str)] =
    &[("complete Logs", "logs-complete", "aws-sdk-cloudwatchlogs"), ("complete S3", "s3-complete", "aws-sdk-s3")];

pub(super) fn lines_figures(root: &Path, bench_dir: &Path, report: &mut Report) -> Result<(), String> {
    println!("\n== generated lines per operation");
    // The runtime is a crate of its own, as the peer's is; counted apart.
    let runtime_lines = rust_lines(&root.join("runtime/src"));
    let metadata = metadata(bench_dir);
    let mut missing = Vec::new();
    for (service, ours_crate, peer_crate) in SERVICES {
        let ours_lines = rust_lines(&root.join("bench/target/crates").join(ours_crate).join("src"));
        let ours_ops = count_operations(&model_of(root, ours_crate)?)?;
        let ours = ours_lines as f64 / ours_ops as f64;
        let peer = match metadata.as_deref().map_err(Clone::clone).and_then(|m| peer_source(m, peer_crate)) {
            Ok(src) => {
                let lines = rust_lines(&src);
                let ops = std::fs::read_dir(src.join("operation")).map(|rd| rd.flatten().filter(|e| e.path().is_dir()).count()).unwrap_or(0);
                report.note(format!(
                    "lines, {service}: ours {ours_lines} lines for the {ours_ops} operations of the official model (its runtime \
                     crate, {runtime_lines} more, is shared by every generated crate); {peer_crate} {lines} lines in src/ for its \
                     {ops} operations (its runtime lives in other crates)"
                ));
                (ops > 0).then(|| lines as f64 / ops as f64).ok_or_else(|| format!("{peer_crate} has no operations in {}", src.display()))
            }
            Err(why) => Err(why),
        };
        if let Err(why) = &peer {
            missing.push(format!("the peer's lines per operation, {service} ({why})"));
        }
        let peer = peer.ok();
        report.row(
            format!("generated lines of Rust per operation ({service})"),
            format!("{ours:.0}"),
            peer.map_or("not measured".into(), |p| format!("{p:.0}")),
            peer.map_or("-".into(), |p| ratio(ours, p)),
            &judge("≤ 0.10", peer.map_or(f64::NAN, |p| ours / p)),
        );
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("; "))
    }
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
    // Every `"type": "operation"` shape; an official model has one service.
    Ok(text.matches("\"type\": \"operation\"").count())
}

/// `cargo metadata` of the bench workspace (offline: `cargo fetch` ran).
fn metadata(bench_dir: &Path) -> Result<String, String> {
    let output = cargo()
        .args(["metadata", "--offline", "--format-version", "1"])
        .current_dir(bench_dir)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", super::prepare::tail(&output)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The `src/` of `krate` in cargo's registry, from the metadata's manifest
/// paths (`.../<krate>-<version>/Cargo.toml`).
fn peer_source(metadata: &str, krate: &str) -> Result<PathBuf, String> {
    let needle = format!("/{krate}-");
    let manifest = metadata
        .split('"')
        .find(|s| {
            s.ends_with("/Cargo.toml")
                && s.rsplit_once(&needle).is_some_and(|(_, rest)| rest.split('/').next().is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit())))
        })
        .ok_or_else(|| format!("{krate} is not in cargo's registry cache"))?;
    Ok(Path::new(manifest).parent().unwrap_or(Path::new(".")).join("src"))
}

#[cfg(test)]
mod tests {
    use super::peer_source;

    #[test]
    fn the_peer_crate_is_found_by_its_exact_name() {
        let metadata = r#"{"manifest_path":"/r/aws-sdk-s3control-1.2.0/Cargo.toml"},{"manifest_path":"/r/aws-sdk-s3-1.157.0/Cargo.toml"}"#;
        assert_eq!(peer_source(metadata, "aws-sdk-s3").unwrap(), std::path::Path::new("/r/aws-sdk-s3-1.157.0/src"));
        assert!(peer_source(metadata, "aws-sdk-sagemaker").is_err());
    }
}
