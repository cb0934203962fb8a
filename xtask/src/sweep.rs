//! `cargo xtask sweep`: every official model in `../shared/aws-corpus/` (or
//! a directory given) through the generator, each into a crate of its own
//! under `target/sweep/`, then (unless `--generate-only`) each crate checked:
//! `cargo clippy --all-features -- -D warnings` (which compiles everything
//! `cargo check --all-features` does, and fails where it fails, plus the
//! lints), then clippy again with only one operation's feature. Prints a
//! table and a summary and writes it to `SWEEP.md`. Models on protocols the generator does not support yet
//! (awsQuery, restXml) are listed as such, not counted as failures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{cargo, root};

pub const USAGE: &str = "  cargo xtask sweep [--generate-only | --check-fixed] [--models DIR] [--only NAME,...] [--no-write]
      generate every model of ../shared/aws-corpus (or DIR) into target/sweep/, check each crate
      unless --generate-only (cargo clippy -D warnings with --all-features, and with one
      operation's feature only), print a table and write SWEEP.md (not with --no-write);
      fails if a model on a supported protocol does not generate or check.
      --only takes model file names or their prefixes. --check-fixed generates every model but
      checks only the fixed set of hard models that `cargo xtask ci` compiles (FIXED_SET)";

/// The models whose crates `cargo xtask ci` compiles and lints (the rest of
/// the corpus only generates there; `cargo xtask sweep` checks everything).
/// Chosen for the hardest cases the corpus holds, each for the reason given.
pub const FIXED_SET: &[(&str, &str)] = &[
    ("sagemaker-2017-07-24", "the largest: 358 operations (features per resource), most patterns, 2 unchecked"),
    ("quicksight-2018-04-01", "the most shapes and generated lines (restJson1)"),
    ("connect-2017-08-08", "282 operations on restJson1, enum URI labels"),
    ("iot-2015-05-28", "270 operations, Java patterns"),
    ("glue-2017-03-31", "a document, an <Op>Input name collision, Java patterns"),
    ("datazone-2018-05-10", "the most unions, errors listed by both operation and service"),
    ("bedrock-agent-runtime-2023-07-26", "documents, event streams, unions, <Op>Input/<Op>Output collisions"),
    ("transcribe-streaming-2017-10-26", "input and output event streams"),
    ("mediaconnect-2018-11-14", "<Op>Output collisions"),
    ("deadline-2023-10-12", "host prefixes on every operation, validators of list elements"),
    ("cloudwatch-logs-2014-03-28", "the seed service whole: an event stream, a host prefix, paginators"),
    ("ssm-2014-11-06", "144 operations, unchecked patterns"),
    ("lex-models-v2-2020-08-07", "an unchecked pattern, large restJson1"),
    ("timestream-query-2018-11-01", "awsJson1_0 with endpoint discovery"),
    ("s3-2006-03-01", "restXml whole: endpoint context parameters, checksums, namespaces, payloads, unwrapped output"),
    ("rds-2014-10-31", "the largest awsQuery model: 162 operations, flattened lists, @awsQueryError codes"),
];

/// The protocols the generator supports.
const SUPPORTED: &[&str] = &["awsJson1_0", "awsJson1_1", "restJson1", "awsQuery", "ec2Query", "restXml"];

struct Options {
    generate_only: bool,
    check_fixed: bool,
    /// `--models DIR`, else the corpus found through the third-party search order.
    models: Option<PathBuf>,
    only: Vec<String>,
    write: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options { generate_only: false, check_fixed: false, models: None, only: Vec::new(), write: true };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--generate-only" => o.generate_only = true,
            "--check-fixed" => o.check_fixed = true,
            "--no-write" => o.write = false,
            "--models" => o.models = Some(PathBuf::from(it.next().ok_or("--models needs a directory")?)),
            "--only" => o.only = it.next().ok_or("--only needs a list")?.split(',').map(str::to_string).collect(),
            other => return Err(format!("sweep: unknown argument {other:?}\n{USAGE}")),
        }
    }
    if o.generate_only && o.check_fixed {
        return Err("sweep: --generate-only and --check-fixed exclude each other".into());
    }
    Ok(o)
}

/// One model's row.
struct Row {
    model: String,
    protocol: String,
    operations: usize,
    lines: usize,
    generate_ms: f64,
    check_s: Option<f64>,
    /// The operation feature checked alone.
    one_feature: Option<String>,
    /// How many `@pattern`s are left unchecked (warnings).
    unchecked: usize,
    /// How many waiters (`smithy.waiters#waitable`) were generated.
    waiters: usize,
    result: Result<(), String>,
    supported: bool,
}

/// The protocol of each model file, from `MANIFEST.tsv` when there is one,
/// else from the model's text.
fn protocols(dir: &Path) -> BTreeMap<String, String> {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap_or_default();
    manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((cols.first()?.to_string(), cols.get(4)?.to_string()))
        })
        .collect()
}

fn protocol_of(text: &str) -> String {
    for p in ["awsJson1_0", "awsJson1_1", "restJson1", "awsQuery", "restXml", "ec2Query"] {
        if text.contains(&format!("\"aws.protocols#{p}\"")) {
            return p.to_string();
        }
    }
    "unknown".to_string()
}

/// The corpus of official models the sweep reads by default: the first
/// directory of the third-party search order holding a whole corpus.
pub fn corpus_dir(root: &Path) -> Result<PathBuf, codegen::third_party::Missing> {
    codegen::third_party::aws_corpus(root, 300).map(|(dir, _)| dir)
}

pub fn sweep(args: &[String]) -> Result<(), String> {
    let o = parse(args)?;
    let dir = match &o.models {
        Some(d) => d.clone(),
        None => corpus_dir(&root()).map_err(|e| format!("sweep: {e}"))?,
    };
    let known = protocols(&dir);
    let mut models = crate::json_files(&dir);
    if !o.only.is_empty() {
        models.retain(|m| o.only.iter().any(|n| m.file_name().is_some_and(|f| f.to_string_lossy().starts_with(n.as_str()))));
    }
    if models.is_empty() {
        return Err(format!("no models in {}", dir.display()));
    }
    let out_dir = root().join("target/sweep");
    // The last sweep's crates (hundreds of megabytes) are moved aside and
    // removed while the new ones generate.
    let old = root().join(format!("target/sweep.old-{}", std::process::id()));
    let removal = std::fs::rename(&out_dir, &old).is_ok().then(|| std::thread::spawn(move || std::fs::remove_dir_all(old)));
    let _ = std::fs::remove_dir_all(&out_dir);
    let started = Instant::now();
    let rows = generate_all(&models, &known, &out_dir);
    if let Some(removal) = removal {
        let _ = removal.join();
    }
    let mut rows = rows?;
    let generate_all = started.elapsed().as_secs_f64();
    codegen::phases::report();
    if o.check_fixed {
        let missing: Vec<&str> =
            FIXED_SET.iter().map(|(m, _)| *m).filter(|m| !rows.iter().any(|r| r.model == *m)).collect();
        if !missing.is_empty() {
            return Err(format!("sweep: the fixed set names models not in {}: {}", dir.display(), missing.join(", ")));
        }
        check_all(&out_dir, &mut rows, |r| FIXED_SET.iter().any(|(m, _)| *m == r.model))?;
    } else if !o.generate_only {
        check_all(&out_dir, &mut rows, |_| true)?;
    }
    let command = if o.generate_only {
        "sweep --generate-only"
    } else if o.check_fixed {
        "sweep --check-fixed"
    } else {
        "sweep"
    };
    let report = report(&rows, generate_all, command);
    println!("\n{report}");
    if o.write {
        std::fs::write(root().join("SWEEP.md"), &report).map_err(|e| format!("writing SWEEP.md: {e}"))?;
    }
    let failed = rows.iter().filter(|r| r.supported && r.result.is_err()).count();
    if failed > 0 {
        return Err(format!("sweep: {failed} model(s) on a supported protocol failed"));
    }
    Ok(())
}

/// Generate every model into its crate under `out_dir`: one worker per core,
/// the largest models first (so the last to finish is a small one); the rows
/// come back in the order of `models`, whatever order they finished in.
fn generate_all(models: &[PathBuf], known: &BTreeMap<String, String>, out_dir: &Path) -> Result<Vec<Row>, String> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let mut order: Vec<(u64, usize)> =
        models.iter().enumerate().map(|(i, m)| (std::fs::metadata(m).map_or(0, |md| md.len()), i)).collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let next = std::sync::Mutex::new(order.into_iter().map(|(_, i)| i));
    let done = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (next, done) = (&next, &done);
            scope.spawn(move || {
                while let Some(i) = next.lock().map(|mut it| it.next()).unwrap_or(None) {
                    let row = generate_one(&models[i], known, out_dir);
                    if let Ok(mut d) = done.lock() {
                        d.push((i, row));
                    }
                }
            });
        }
    });
    let mut done = done.into_inner().map_err(|_| "a generation worker panicked".to_string())?;
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, row)| row).collect()
}

/// Generate one model into `out_dir/<name>` and print its line (with its
/// warnings, in one piece: workers print as they finish).
fn generate_one(model: &Path, known: &BTreeMap<String, String>, out_dir: &Path) -> Result<Row, String> {
    let file = model.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let name = file.trim_end_matches(".json").to_string();
    let text = std::fs::read_to_string(model).map_err(|e| format!("{}: {e}", model.display()))?;
    let protocol = known.get(&file).cloned().unwrap_or_else(|| protocol_of(&text));
    let supported = protocol.split(',').any(|p| SUPPORTED.contains(&p.trim()));
    let operations = text.matches("\"type\": \"operation\"").count();
    drop(text);
    let mut row = Row { model: name.clone(), protocol, operations, lines: 0, generate_ms: 0.0, check_s: None, one_feature: None, unchecked: 0, waiters: 0, result: Ok(()), supported };
    if !supported {
        row.result = Err("protocol not supported yet".into());
        return Ok(row);
    }
    let dir = out_dir.join(&name);
    let crate_name = format!("sweep-{}", name.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    // A workspace of its own: it sits inside this repository's directory.
    let packaging = crate::packaging(&dir, true);
    let options = codegen::Options { models: vec![model.to_path_buf()], crate_name, selection: Default::default(), packaging };
    let t = Instant::now();
    let generated = codegen::generate_reporting(&options);
    row.generate_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut message = String::new();
    match generated {
        Ok(codegen::Generated { files, warnings, operation_features, .. }) => {
            row.unchecked = warnings.len();
            row.one_feature = operation_features.into_iter().next();
            for w in &warnings {
                message.push_str(&format!("    warning: {w}\n"));
            }
            row.lines = files.iter().filter(|f| f.path.ends_with(".rs")).map(|f| f.contents.lines().count()).sum();
            // One `waiter!` invocation per waiter (each with its typed classifier).
            row.waiters = files.iter().filter(|f| f.path.ends_with("/waiters.rs")).map(|f| f.contents.matches("waiter!(").count()).sum();
            codegen::write::write(&dir, &files).map_err(|e| format!("writing {}: {e}", dir.display()))?;
        }
        Err(e) => row.result = Err(first_line(&e.to_string())),
    }
    message.push_str(&format!("  {:<44} {:<11} {:>5} ops {:>8.0} ms {}", row.model, row.protocol, row.operations, row.generate_ms, verdict(&row)));
    eprintln!("{message}");
    Ok(row)
}

/// Check every generated crate: clippy with all features (library and
/// `smithy-call`), then with one operation's feature alone. One worker per
/// core, each with a target directory of its own (two cargo processes on one
/// directory would wait for each other's lock); a worker's crates share it, so
/// the runtime and the dependencies build once per worker.
fn check_all(out_dir: &Path, rows: &mut [Row], chosen: impl Fn(&Row) -> bool + Sync) -> Result<(), String> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let todo: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].supported && rows[i].result.is_ok() && chosen(&rows[i])).collect();
    let next = std::sync::Mutex::new(todo.into_iter());
    let done = std::sync::Mutex::new(Vec::new());
    let jobs: Vec<(String, Option<String>)> = rows.iter().map(|r| (r.model.clone(), r.one_feature.clone())).collect();
    std::thread::scope(|scope| {
        for w in 0..workers {
            let (next, done, jobs) = (&next, &done, &jobs);
            scope.spawn(move || {
                let target = root().join(format!("target/sweep-target-{w}"));
                while let Some(i) = next.lock().map(|mut it| it.next()).unwrap_or(None) {
                    let (model, feature) = &jobs[i];
                    let manifest = out_dir.join(model).join("Cargo.toml");
                    let t = Instant::now();
                    let mut result = clippy(&target, &manifest, &["--all-features"]);
                    if let (Ok(()), Some(feature)) = (&result, feature) {
                        result = clippy(&target, &manifest, &["--lib", "--no-default-features", "--features", feature])
                            .map_err(|e| format!("with only `{feature}`: {e}"));
                    }
                    let secs = t.elapsed().as_secs_f64();
                    eprintln!(
                        "  check {model:<38} {secs:>6.1} s {}",
                        match &result {
                            Ok(()) => "ok".to_string(),
                            Err(e) => format!("FAILED: {e}"),
                        }
                    );
                    if let Ok(mut d) = done.lock() {
                        d.push((i, secs, result));
                    }
                }
            });
        }
    });
    for (i, secs, result) in done.into_inner().map_err(|_| "a check worker panicked".to_string())? {
        rows[i].check_s = Some(secs);
        rows[i].result = result;
    }
    Ok(())
}

/// `cargo clippy <args> -- -D warnings` on one crate; the first error line.
fn clippy(target: &Path, manifest: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new(cargo_path())
        .env("CARGO_TARGET_DIR", target)
        // A one-shot check: incremental caches would only fill the disk
        // (gigabytes over the whole corpus).
        .env("CARGO_INCREMENTAL", "0")
        .args(["clippy", "--quiet", "--manifest-path"])
        .arg(manifest)
        .args(args)
        .args(["--", "-D", "warnings"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.lines().find(|l| l.starts_with("error")).unwrap_or("cargo clippy failed");
    Err(first.to_string())
}

fn cargo_path() -> String {
    cargo().get_program().to_string_lossy().to_string()
}

/// The first problem of an error report (past a "N problems in the model:"
/// heading), cut to a table cell.
fn first_line(s: &str) -> String {
    let mut lines = s.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut line = lines.next().unwrap_or("");
    if line.ends_with("in the model:") {
        line = lines.next().unwrap_or(line);
    }
    // The model file is the row's; the message is what follows its path.
    if let Some(i) = line.find(".json: ") {
        line = &line[i + ".json: ".len()..];
    }
    line.chars().take(200).collect()
}

fn verdict(row: &Row) -> String {
    match &row.result {
        Ok(()) => "ok".into(),
        Err(e) if !row.supported => e.clone(),
        Err(e) => format!("FAILED: {e}"),
    }
}

fn report(rows: &[Row], generate_all: f64, command: &str) -> String {
    let supported: Vec<&Row> = rows.iter().filter(|r| r.supported).collect();
    let generated = supported.iter().filter(|r| r.lines > 0).count();
    let checked: Vec<&&Row> = supported.iter().filter(|r| r.check_s.is_some()).collect();
    let failed = supported.iter().filter(|r| r.result.is_err()).count();
    let mut out = format!(
        "# The sweep: every official model through the generator\n\n`cargo xtask {command}` on {}: {} models, {} on a supported protocol; {} generated; {} of {} checked compiled and clippy-clean; {} failed; {} on protocols not supported yet. Generating all of them took {:.1} s.\n\n",
        crate::bench::today(),
        rows.len(),
        supported.len(),
        generated,
        checked.iter().filter(|r| r.result.is_ok()).count(),
        checked.len(),
        failed,
        rows.len() - supported.len(),
        generate_all,
    );
    out.push_str(&format!(
        "{} waiters (`smithy.waiters#waitable`) generated, in {} models: every acceptor's JMESPath typed into Rust (a waiter outside the subset fails its model's generation).\n\n",
        rows.iter().map(|r| r.waiters).sum::<usize>(),
        rows.iter().filter(|r| r.waiters > 0).count()
    ));
    out.push_str(&format!(
        "{} `@pattern`s are left unchecked (the validators cannot check them exactly; `cargo xtask codegen` names each).\n\n",
        rows.iter().map(|r| r.unchecked).sum::<usize>()
    ));
    if !checked.is_empty() {
        out.push_str("*check* is `cargo clippy --all-features -- -D warnings` (everything `cargo check --all-features` compiles, plus the lints) and `cargo clippy --lib --no-default-features --features <one operation's feature> -- -D warnings`, together, in one target directory per worker (one worker per core; the first crate of each pays for the dependencies).\n\n");
    }
    out.push_str("| model | protocol | operations | generated lines | unchecked patterns | waiters | generate | check | result |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.model,
            r.protocol,
            r.operations,
            if r.lines > 0 { r.lines.to_string() } else { "-".into() },
            if r.supported { r.unchecked.to_string() } else { "-".into() },
            if r.lines > 0 { r.waiters.to_string() } else { "-".into() },
            if r.supported { format!("{:.0} ms", r.generate_ms) } else { "-".into() },
            r.check_s.map_or("-".into(), |s| format!("{s:.1} s")),
            verdict(r).replace('|', "\\|"),
        ));
    }
    out
}
