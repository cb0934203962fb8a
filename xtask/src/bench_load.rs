//! `cargo xtask bench --only load`: how long the release generator takes to
//! load the same model from the Smithy IDL and from its JSON AST: the AWS
//! protocol compliance suites (161 `.smithy` files beside the one JSON AST
//! file the Smithy CLI wrote from them). Loading is measured in a child
//! process of the release xtask (`xtask load-time`), so the figure is the
//! optimised code's, not this debug runner's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::{median, ratio, Report};
use crate::{cargo, run};

/// `xtask load-time --repeats N PATH...`: load the model files N times and
/// print the median wall time of one load as `load_ms=<ms>` (the bench's
/// child process; not a user command).
pub fn load_time(args: &[String]) -> Result<(), String> {
    let mut repeats = 5usize;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--repeats" => {
                repeats = it.next().and_then(|n| n.parse().ok()).filter(|n| *n > 0).ok_or("--repeats needs a positive number")?;
            }
            p => paths.push(PathBuf::from(p)),
        }
    }
    if paths.is_empty() {
        return Err("load-time: give the model files or folders to load".into());
    }
    let mut times = Vec::new();
    let mut shapes = 0;
    for _ in 0..repeats {
        let started = Instant::now();
        let model = codegen::Model::load_files(&paths).map_err(|e| e.to_string())?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        shapes = model.shapes.len();
    }
    println!("load_ms={:.3}", median(&mut times));
    println!("shapes={shapes}");
    Ok(())
}

/// The IDL and JSON AST forms of the compliance suites, loaded alternately.
pub(super) fn load_figures(root: &Path, repeats: usize, report: &mut Report) -> Result<(), String> {
    println!("\n== model loading: Smithy IDL beside JSON AST (release xtask)");
    let json = crate::compliance::suite_file().map_err(|e| e.to_string())?;
    let idl = json.parent().map(|d| d.join("idl/smithy-aws-protocol-tests")).ok_or("no suite folder")?;
    if !idl.is_dir() {
        return Err(format!("{} is missing: the IDL form of the suites comes with the protocol tests", idl.display()));
    }
    run(cargo().args(["build", "--quiet", "--release", "-p", "xtask"]).current_dir(root))?;
    let xtask = root.join("target/release/xtask");
    let time = |path: &Path| -> Result<(f64, usize), String> {
        let out = Command::new(&xtask)
            .arg("load-time")
            .arg("--repeats")
            .arg(repeats.max(5).to_string())
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", xtask.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!("loading {} failed: {}", path.display(), String::from_utf8_lossy(&out.stderr)));
        }
        let field = |name: &str| stdout.lines().find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok());
        let ms = field("load_ms=").ok_or("load-time printed no load_ms")?;
        Ok((ms, field("shapes=").unwrap_or(0.0) as usize))
    };
    let (mut idl_ms, mut json_ms) = (Vec::new(), Vec::new());
    let mut counts = (0, 0);
    for _ in 0..repeats.max(3) {
        let (ms, n) = time(&idl)?;
        idl_ms.push(ms);
        counts.0 = n;
        let (ms, n) = time(&json)?;
        json_ms.push(ms);
        counts.1 = n;
    }
    let (i, j) = (median(&mut idl_ms), median(&mut json_ms));
    let files = codegen_files(&idl);
    report.row(
        format!("load the AWS compliance suites: IDL ({files} files) vs JSON AST (1 file)"),
        format!("{i:.1} ms"),
        format!("{j:.1} ms"),
        ratio(i, j),
        "",
    );
    report.note(format!(
        "model loading compares our two front ends, not a peer: the IDL load ({} shapes with the prelude) and the JSON AST load \
         ({} shapes: the JSON also holds the packages' trait definitions) of the same suites, each the median of {} loads in a \
         release process",
        counts.0,
        counts.1,
        repeats.max(5)
    ));
    Ok(())
}

fn codegen_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "smithy") {
                n += 1;
            }
        }
    }
    n
}
