//! `smithy-call s3 cp|upload|download`: the transfer manager from the
//! command line, as `aws s3 cp` works: the direction from which side is an
//! `s3://` address, `--recursive` for a directory and a prefix, a progress
//! bar on standard error when it is a terminal, Ctrl-C cancelling (a
//! multipart upload is aborted, a partial download removed).
//!
//! Exit codes: 0 done, 1 the service refused (or an object of a directory
//! failed, or the object changed during the download), 2 usage or a local
//! file problem, 3 transport failure, 130 cancelled.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::{Args, Outcome};
use crate::transfer::{DirectoryOptions, ObjectStore, Progress, TransferConfig, TransferError, TransferErrorKind, TransferManager};

/// The commands, as the second word of the command line.
pub const COMMANDS: &[&str] = &["cp", "upload", "download"];

pub const USAGE: &str = "usage: smithy-call s3 cp <SOURCE> <TARGET> [--recursive [--include GLOB] [--exclude GLOB]] [--part-size SIZE] [--concurrency N] [--multipart-threshold SIZE] [--no-progress] [--endpoint URL] [--region R] [--profile P]\n       smithy-call s3 upload <FILE|DIR> s3://BUCKET/KEY [OPTIONS]\n       smithy-call s3 download s3://BUCKET/KEY <FILE|DIR> [OPTIONS]";

/// An `s3://bucket/key` address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Address {
    pub bucket: String,
    /// The key, or the prefix with `--recursive` (may be empty).
    pub key: String,
}

/// Which way the bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Direction {
    Upload { from: PathBuf, to: S3Address },
    Download { from: S3Address, to: PathBuf },
}

/// A filter rule of `--include`/`--exclude`, in command-line order.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub include: bool,
    pub pattern: String,
}

/// The parsed transfer command.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyArgs {
    pub direction: Direction,
    pub recursive: bool,
    pub rules: Vec<Rule>,
    pub config: TransferConfig,
    /// Draw a progress bar (standard error, when it is a terminal).
    pub progress: bool,
}

/// The command line of a transfer command.
pub fn command() -> clap::Command {
    use clap::{value_parser, Arg, ArgAction, Command};
    let value = |id: &'static str, name: &'static str, help: &'static str| Arg::new(id).long(id).value_name(name).help(help);
    Command::new("smithy-call")
        .override_usage(USAGE.trim_start_matches("usage: "))
        .about("Copy files to and from S3 with the transfer manager: concurrent multipart uploads and ranged downloads")
        .after_help(
            "`cp` goes the way its arguments say (the s3:// side is the bucket); `upload` and `download` check it. \
             A key ending in / (or an existing directory as the target) takes the source's file name; a missing \
             folder of the target is created. - is standard input (upload; name the key) or standard output \
             (download; nothing else is printed there).\n\
             --recursive copies a directory tree under a prefix, or every object under a prefix into a directory; \
             --include/--exclude filter the relative paths (keys without the prefix), later rules winning, as `aws s3 cp` does \
             (`*` matches across /).\n\
             SIZE is bytes, or a number with KiB, MiB, GiB (KB, MB, GB mean the same, as in the AWS CLI).\n\
             Exit codes: 0 done, 1 the service refused (or an object of a directory failed, or the object changed during \
             the download), 2 usage or a local file problem, 3 transport failure, 130 interrupted (Ctrl-C: a multipart \
             upload is aborted, a partial download removed).",
        )
        .arg(Arg::new("service").required(true).value_name("SERVICE").help("s3"))
        .arg(Arg::new("command").required(true).value_name("COMMAND").value_parser(COMMANDS.to_vec()).help("cp, upload or download"))
        .arg(Arg::new("source").required(true).value_name("SOURCE").help("A local path (- for standard input) or s3://BUCKET/KEY"))
        .arg(Arg::new("target").required(true).value_name("TARGET").help("A local path (- for standard output) or s3://BUCKET/KEY"))
        .arg(Arg::new("recursive").long("recursive").short('r').action(ArgAction::SetTrue).help("Copy a directory tree, or every object under a prefix"))
        .arg(value("include", "GLOB", "With --recursive: copy the paths matching GLOB (after an --exclude)").action(ArgAction::Append))
        .arg(value("exclude", "GLOB", "With --recursive: skip the paths matching GLOB").action(ArgAction::Append))
        .arg(value("part-size", "SIZE", "Each part or range (default 8MiB, at least 5MiB)"))
        .arg(value("multipart-threshold", "SIZE", "Uploads from this size go in parts (default 16MiB)"))
        .arg(value("concurrency", "N", "Parts, ranges or files in flight at once (default 8)").value_parser(value_parser!(usize)))
        .arg(Arg::new("no-progress").long("no-progress").action(ArgAction::SetTrue).help("No progress bar (there is none when standard error is not a terminal)"))
        .arg(value("endpoint", "URL", "Send to this endpoint instead of the resolved one"))
        .arg(value("region", "REGION", "The region (else AWS_REGION, else the profile's)"))
        .arg(value("profile", "PROFILE", "The shared config profile (else AWS_PROFILE, else default)"))
        .arg(Arg::new("verbose").short('v').long("verbose").action(ArgAction::SetTrue).help("Print the calls' spans and events to stderr"))
}

/// A size: bytes, or a number with `KiB`/`MiB`/`GiB` (`KB`/`MB`/`GB`, `K`/`M`/`G` the same).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number.parse().map_err(|_| format!("{text:?} is not a size (bytes, or a number with KiB, MiB or GiB)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        other => return Err(format!("{text:?}: unknown unit {other:?} (KiB, MiB or GiB)")),
    };
    n.checked_mul(1 << shift).ok_or_else(|| format!("{text:?} is too large"))
}

/// `s3://bucket/key` (the key may be empty), else `None` for a local path.
pub fn parse_address(text: &str) -> Result<Option<S3Address>, String> {
    let Some(rest) = text.strip_prefix("s3://") else { return Ok(None) };
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("{text:?} names no bucket (s3://BUCKET/KEY)"));
    }
    Ok(Some(S3Address { bucket: bucket.to_string(), key: key.to_string() }))
}

/// The arguments of `smithy-call <service> cp|upload|download …`
/// (`args` without the program name): what to do, and the common
/// [`Args`] (service, endpoint, region, profile) with `copy` set.
pub fn parse(args: &[String]) -> Result<Args, Outcome> {
    let argv = std::iter::once("smithy-call".to_string()).chain(args.iter().cloned());
    let m = match command().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => {
            let text = e.render().to_string();
            return Err(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => Outcome::ok(text),
                _ => Outcome::fail(2, text),
            });
        }
    };
    let get = |id: &str| m.get_one::<String>(id).cloned();
    let fail = |e: String| Outcome::fail(2, format!("{e}\n{USAGE}\n"));
    let command = get("command").unwrap_or_default();
    let (source, target) = (get("source").unwrap_or_default(), get("target").unwrap_or_default());
    let direction = match (parse_address(&source).map_err(fail)?, parse_address(&target).map_err(fail)?) {
        (None, Some(to)) => Direction::Upload { from: PathBuf::from(&source), to },
        (Some(from), None) => Direction::Download { from, to: PathBuf::from(&target) },
        (Some(_), Some(_)) => return Err(fail("copying from S3 to S3 is not a transfer: call CopyObject (smithy-call s3 CopyObject)".into())),
        (None, None) => return Err(fail(format!("one of {source:?} and {target:?} must be an s3://BUCKET/KEY address"))),
    };
    match (&*command, &direction) {
        ("upload", Direction::Download { .. }) => return Err(fail("upload goes from a local path to s3://BUCKET/KEY".into())),
        ("download", Direction::Upload { .. }) => return Err(fail("download goes from s3://BUCKET/KEY to a local path".into())),
        _ => {}
    }
    let recursive = m.get_flag("recursive");
    // Both lists in command-line order: later rules win.
    let mut rules: Vec<(usize, Rule)> = Vec::new();
    for (id, include) in [("include", true), ("exclude", false)] {
        if let (Some(values), Some(indices)) = (m.get_many::<String>(id), m.indices_of(id)) {
            for (pattern, index) in values.zip(indices) {
                glob::Pattern::new(pattern).map_err(|e| fail(format!("--{id} {pattern:?}: {e}")))?;
                rules.push((index, Rule { include, pattern: pattern.clone() }));
            }
        }
    }
    if !recursive && !rules.is_empty() {
        return Err(fail("--include and --exclude filter the files of --recursive".into()));
    }
    rules.sort_by_key(|(index, _)| *index);
    let mut config = TransferConfig::new();
    if let Some(size) = get("part-size") {
        let bytes = parse_size(&size).map_err(|e| fail(format!("--part-size: {e}")))?;
        if !(crate::transfer::MIN_PART_SIZE..=crate::transfer::MAX_PART_SIZE).contains(&bytes) {
            return Err(fail(format!("--part-size {size}: S3 takes parts of 5MiB to 5GiB")));
        }
        config = config.with_part_size(bytes);
    }
    if let Some(size) = get("multipart-threshold") {
        config = config.with_multipart_threshold(parse_size(&size).map_err(|e| fail(format!("--multipart-threshold: {e}")))?);
    }
    if let Some(n) = m.get_one::<usize>("concurrency") {
        if *n == 0 {
            return Err(fail("--concurrency must be at least 1".into()));
        }
        config = config.with_concurrency(*n);
    }
    let copy = CopyArgs { direction, recursive, rules: rules.into_iter().map(|(_, r)| r).collect(), config, progress: !m.get_flag("no-progress") };
    Ok(Args {
        service: get("service").unwrap_or_default(),
        operation: command,
        input: Value::Object(Default::default()),
        endpoint: get("endpoint"),
        region: get("region"),
        profile: get("profile"),
        events: None,
        body: None,
        body_out: None,
        dry_run: false,
        no_sign_request: false,
        presign: false,
        expires_in: None,
        all_pages: false,
        iam_policy: false,
        verbose: m.get_flag("verbose"),
        waiter: None,
        max_wait: None,
        copy: Some(Box::new(copy)),
        base: Default::default(),
    })
}

/// Whether the relative path `path` passes the rules: included unless a
/// rule says otherwise, the last matching rule deciding (`*` matches `/`).
pub fn passes(rules: &[Rule], path: &str) -> bool {
    let options = glob::MatchOptions { case_sensitive: true, require_literal_separator: false, require_literal_leading_dot: false };
    rules.iter().rev().find(|r| glob::Pattern::new(&r.pattern).is_ok_and(|p| p.matches_with(path, options))).is_none_or(|r| r.include)
}

/// The last `/`-separated segment of a key (the file name a download takes).
fn key_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// The exit code and message of a failed transfer.
fn failed(e: &TransferError) -> Outcome {
    let code = match e.kind() {
        TransferErrorKind::Store(s) if s.code().is_some() => 1,
        TransferErrorKind::Store(_) => 3,
        TransferErrorKind::ObjectChanged(_) | TransferErrorKind::ChecksumMismatch { .. } => 1,
        TransferErrorKind::Cancelled => 130,
        _ => 2,
    };
    Outcome::fail(code, format!("{e}\n"))
}

/// A progress bar on standard error (hidden when it is not a terminal).
fn progress_bar(show: bool, what: &str) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    // No length until the first report; the message last, cut to the terminal's width.
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    let style = indicatif::ProgressStyle::with_template("[{bar:25}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta} {wide_msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar
}

/// Run a transfer command with the store `client` makes from the call's configuration.
pub async fn run<S: ObjectStore>(args: &Args, client: impl FnOnce(crate::config::Config) -> S) -> Outcome {
    let Some(copy) = args.copy.as_deref() else { return Outcome::fail(2, format!("not a transfer command\n{USAGE}\n")) };
    let config = match super::config(args).await {
        Ok(c) => c,
        Err(e) => return Outcome::fail(2, format!("{e}\n")),
    };
    let what = match &copy.direction {
        Direction::Upload { from, to } => format!("upload {} to s3://{}/{}", from.display(), to.bucket, to.key),
        Direction::Download { from, to } => format!("download s3://{}/{} to {}", from.bucket, from.key, to.display()),
    };
    let bar = progress_bar(copy.progress, &what);
    let cancel = crate::transfer::CancelHandle::new();
    let drawn = bar.clone();
    let manager = TransferManager::new(client(config)).with_config(copy.config.clone()).with_cancel(cancel.clone()).with_progress(move |p: Progress| {
        drawn.set_length(p.total);
        drawn.set_position(p.transferred);
    });
    // Ctrl-C cancels: the transfer then cleans up (abort, partial file) before exiting.
    let interrupt = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            interrupt.cancel();
        }
    });
    let outcome = if copy.recursive { directory(&manager, copy).await } else { single(&manager, copy).await };
    watcher.abort();
    bar.finish_and_clear();
    outcome
}

/// One file or object.
async fn single<S: ObjectStore>(manager: &TransferManager<S>, copy: &CopyArgs) -> Outcome {
    match &copy.direction {
        // `-`: standard input, as `aws s3 cp - s3://…` reads it (the key must be named).
        Direction::Upload { from, to } if from.as_os_str() == "-" => {
            if to.key.is_empty() || to.key.ends_with('/') {
                return Outcome::fail(2, "uploading standard input (-) needs the key: s3://BUCKET/KEY, not a folder\n");
            }
            match manager.upload_reader(&to.bucket, &to.key, tokio::io::stdin()).await {
                Ok(out) => printed(json!({"upload": "-", "to": format!("s3://{}/{}", to.bucket, to.key), "size": out.size, "parts": out.parts, "eTag": out.e_tag, "checksumCRC32": out.checksum_crc32})),
                Err(e) => failed(&e),
            }
        }
        Direction::Upload { from, .. } if from.is_dir() => {
            Outcome::fail(2, format!("{} is a directory: add --recursive to upload the files under it\n", from.display()))
        }
        Direction::Upload { from, to } => {
            // A key ending in `/` (or none) takes the file's name, as `aws s3 cp` does.
            let mut key = to.key.clone();
            if key.is_empty() || key.ends_with('/') {
                match from.file_name().and_then(|n| n.to_str()) {
                    Some(name) => key.push_str(name),
                    None => return Outcome::fail(2, format!("{} has no file name to make the key of; name the key\n", from.display())),
                }
            }
            match manager.upload_file(&to.bucket, &key, from).await {
                Ok(out) => printed(json!({"upload": from.display().to_string(), "to": format!("s3://{}/{key}", to.bucket), "size": out.size, "parts": out.parts, "eTag": out.e_tag, "checksumCRC32": out.checksum_crc32})),
                Err(e) => failed(&e),
            }
        }
        Direction::Download { from, to } => {
            if from.key.is_empty() || from.key.ends_with('/') {
                return Outcome::fail(2, format!("s3://{}/{} names a prefix, not an object: add --recursive to download what is under it\n", from.bucket, from.key));
            }
            // `-`: the object goes to standard output, and nothing else does.
            if to.as_os_str() == "-" {
                let mut out = tokio::io::stdout();
                return match manager.download_to_writer(&from.bucket, &from.key, &mut out).await {
                    Ok(_) => Outcome::ok(String::new()),
                    Err(e) => failed(&e),
                };
            }
            let target = if to.is_dir() || to.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR) { to.join(key_name(&from.key)) } else { to.clone() };
            // The target's folder is made if missing, as `aws s3 cp` does.
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                if let Err(e) = tokio::fs::create_dir_all(parent).await {
                    return Outcome::fail(2, format!("cannot create the folder {}: {e}\n", parent.display()));
                }
            }
            match manager.download_file(&from.bucket, &from.key, &target).await {
                Ok(out) => printed(json!({"download": format!("s3://{}/{}", from.bucket, from.key), "to": target.display().to_string(), "size": out.size, "parts": out.parts, "eTag": out.e_tag, "checksumVerified": out.checksum.map(|c| json!({"algorithm": c.algorithm, "value": c.value}))})),
                Err(e) => failed(&e),
            }
        }
    }
}

/// A directory tree or a prefix: every object's result printed; exit 1
/// when any failed.
async fn directory<S: ObjectStore>(manager: &TransferManager<S>, copy: &CopyArgs) -> Outcome {
    let rules = copy.rules.clone();
    let options = DirectoryOptions::new().with_filter(move |relative| passes(&rules, relative));
    let (done, from, to) = match &copy.direction {
        Direction::Upload { from, to } => {
            if !from.is_dir() {
                return Outcome::fail(2, format!("{} is not a directory: --recursive uploads a directory tree\n", from.display()));
            }
            let done = manager.upload_dir_with(&to.bucket, &to.key, from, &options).await;
            (done, from.display().to_string(), format!("s3://{}/{}", to.bucket, to.key))
        }
        Direction::Download { from, to } => {
            let done = manager.download_dir_with(&from.bucket, &from.key, to, &options).await;
            (done, format!("s3://{}/{}", from.bucket, from.key), to.display().to_string())
        }
    };
    let done = match done {
        Ok(d) => d,
        Err(e) => return failed(&e),
    };
    let objects: Vec<Value> = done
        .objects
        .iter()
        .map(|o| {
            let mut v = json!({"key": o.key, "path": o.path.as_ref().map(|p| p.display().to_string()), "size": o.size});
            if let Err(e) = &o.result {
                v["error"] = Value::String(e.to_string());
            }
            v
        })
        .collect();
    let skipped: Vec<Value> = done.skipped.iter().map(|s| json!({"key": s.key, "path": s.path.as_ref().map(|p| p.display().to_string()), "reason": s.reason.to_string()})).collect();
    let summary = json!({"from": from, "to": to, "succeeded": done.succeeded(), "failed": done.failed(), "objects": objects, "skipped": skipped});
    let mut outcome = printed(summary);
    if done.failed() > 0 {
        outcome.code = 1;
        outcome.stderr = done.failures().filter_map(|o| o.result.as_ref().err()).map(|e| format!("{e}\n")).collect();
    }
    outcome
}

fn printed(v: Value) -> Outcome {
    match serde_json::to_string_pretty(&v) {
        Ok(text) => Outcome::ok(text + "\n"),
        Err(e) => Outcome::fail(4, format!("cannot print the result: {e}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sizes_take_binary_units_as_the_aws_cli_does() {
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert_eq!(parse_size("8MiB").unwrap(), 8 << 20);
        assert_eq!(parse_size("8MB").unwrap(), 8 << 20);
        assert_eq!(parse_size("2 g").unwrap(), 2 << 30);
        assert!(parse_size("8XB").unwrap_err().contains("unknown unit"));
        assert!(parse_size("MiB").unwrap_err().contains("is not a size"));
        assert!(parse_size(&format!("{}GiB", u64::MAX)).is_err());
    }

    #[test]
    fn the_direction_comes_from_the_s3_side() {
        let a = parse(&args(&["s3", "cp", "big.bin", "s3://bkt/dir/", "--part-size", "5MiB", "--concurrency", "3"])).unwrap();
        let copy = a.copy.unwrap();
        assert_eq!(copy.direction, Direction::Upload { from: "big.bin".into(), to: S3Address { bucket: "bkt".into(), key: "dir/".into() } });
        assert_eq!((copy.config.part_size(), copy.config.concurrency()), (5 << 20, 3));
        let a = parse(&args(&["s3", "download", "s3://bkt/k", "out", "--region", "eu-west-1"])).unwrap();
        assert_eq!(a.region.as_deref(), Some("eu-west-1"));
        assert!(matches!(a.copy.unwrap().direction, Direction::Download { .. }));
        for (line, says) in [
            (&["s3", "upload", "s3://b/k", "f"][..], "upload goes from a local path"),
            (&["s3", "cp", "a", "b"][..], "must be an s3://BUCKET/KEY address"),
            (&["s3", "cp", "s3://a/x", "s3://b/y"][..], "CopyObject"),
            (&["s3", "cp", "s3:///x", "f"][..], "names no bucket"),
            (&["s3", "cp", "f", "s3://b/k", "--exclude", "*.tmp"][..], "filter the files of --recursive"),
            (&["s3", "cp", "f", "s3://b/k", "--concurrency", "0"][..], "at least 1"),
            (&["s3", "cp", "f", "s3://b/k", "--part-size", "lots"][..], "--part-size"),
        ] {
            let e = parse(&args(line)).unwrap_err();
            assert!(e.code == 2 && e.stderr.contains(says), "{line:?}: {}", e.stderr);
        }
        assert_eq!(parse(&args(&["s3", "cp", "--help"])).unwrap_err().code, 0);
    }

    #[test]
    fn filters_apply_in_command_line_order_the_last_match_winning() {
        let a = parse(&args(&["s3", "cp", "dir", "s3://b/p", "-r", "--exclude", "*", "--include", "*.txt", "--exclude", "tmp/*"])).unwrap();
        let rules = a.copy.unwrap().rules;
        assert_eq!(rules.iter().map(|r| (r.include, r.pattern.as_str())).collect::<Vec<_>>(), [(false, "*"), (true, "*.txt"), (false, "tmp/*")]);
        assert!(passes(&rules, "notes.txt") && passes(&rules, "deep/er/notes.txt"));
        assert!(!passes(&rules, "image.png") && !passes(&rules, "tmp/notes.txt"));
        assert!(passes(&[], "anything"));
    }
}
