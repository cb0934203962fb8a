//! `cargo xtask bench --only transfer`: this project's S3 transfer manager
//! beside boto3's s3transfer, in one run, against one S3-compatible server on
//! 127.0.0.1.
//!
//! - The server is `transfer-server` (bench/transfer/server.rs): s3s-fs, the
//!   `s3s` project's S3 on a directory, with SigV4 checked, serving a fresh
//!   directory under target/bench-transfer. It is Rust on hyper, so it keeps
//!   up with both clients, where moto (Python) would be the bottleneck.
//! - Ours is `transfer-ours` (bench/transfer/ours.rs, release build):
//!   `upload_file` / `download_file` of `s3::Client::transfer_manager()`.
//!   The peer is bench/transfer/boto3_transfer.py in the interop Python
//!   environment: `client.upload_file` / `download_file` with a
//!   `TransferConfig`. Both: multipart from 16 MiB, parts and ranges of
//!   8 MiB, 8 in flight.
//! - The ceiling is one `PutObject` of the same file, streamed from it by
//!   `transfer-ours put-stream` (`put_object_from_stream`): what the server
//!   accepts on one connection without parts.
//! - Each client is its own process; it prints the transfer's wall time and,
//!   from /proc/self, the process's CPU time and peak resident memory.
//!   Every file downloaded is compared with the source byte for byte.
//!
//! - Folders: 1,000 files of 64 KiB through `upload_dir` / `download_dir`
//!   beside the AWS CLI's way with s3transfer (every file submitted to one
//!   s3transfer manager with the same 8 threads; the download's keys listed
//!   with ListObjectsV2), each file compared after the download.
//!
//! The runs alternate (ceiling, ours, peer; then the downloads; then the
//! folders) and each figure is the median of the repeats.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::{judge, median, ratio, Report};
use crate::{cargo, pyenv, run};

const MIB: u64 = 1024 * 1024;
/// The transfer settings of both clients.
const PART_SIZE: u64 = 8 * MIB;
const CONCURRENCY: u64 = 8;
const ACCESS_KEY: &str = "AKIDBENCHTRANSFER";
const SECRET_KEY: &str = "bench/transfer/secret/key/0123456789abcdef";
const BUCKET: &str = "bench";
/// The folder transfers: this many files of this size.
const DIR_FILES: u64 = 1000;
const DIR_FILE_SIZE: u64 = 64 * 1024;

/// The default size of the transferred object: 1 GiB.
pub const DEFAULT_SIZE: u64 = 1024 * MIB;

/// `1GiB`, `256MiB`, `64KiB` or a number of bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" | "k" => 1024,
        "mib" | "m" => MIB,
        "gib" | "g" => 1024 * MIB,
        _ => return Err(format!("--transfer-size: {text:?} is not a size (like 1GiB, 256MiB or 16777216)")),
    };
    let n: u64 = digits.parse().map_err(|_| format!("--transfer-size: {text:?} is not a size (like 1GiB, 256MiB or 16777216)"))?;
    n.checked_mul(factor).filter(|b| *b > 0).ok_or_else(|| format!("--transfer-size: {text:?} must be more than 0 bytes and fit in 64 bits"))
}

/// `1 GiB`, `256 MiB`, `100 KiB` or bytes.
fn size_label(bytes: u64) -> String {
    if bytes.is_multiple_of(1024 * MIB) {
        format!("{} GiB", bytes / (1024 * MIB))
    } else if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

/// What one client run printed.
#[derive(Debug, Clone, Copy)]
struct Run {
    seconds: f64,
    cpu_seconds: f64,
    peak_rss_mib: f64,
    /// The server's CPU time while the client ran.
    server_cpu_seconds: f64,
}

/// The server, killed when dropped.
struct Server {
    child: Child,
    endpoint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The server's user + system CPU time so far (every thread), from
    /// /proc/PID/stat in USER_HZ ticks (100 per second); NaN where unreadable.
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = rest.split_whitespace().collect();
        match (fields.get(11).and_then(|f| f.parse::<u64>().ok()), fields.get(12).and_then(|f| f.parse::<u64>().ok())) {
            (Some(user), Some(system)) => (user + system) as f64 / 100.0,
            _ => f64::NAN,
        }
    }

    fn start(binary: &Path, data: &Path) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .arg(data)
            .args([ACCESS_KEY, SECRET_KEY])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the server's stdout is not piped")?;
        // From here on, dropping `server` stops the child.
        let mut server = Server { child, endpoint: String::new() };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map_err(|e| format!("reading the server's address: {e}"))?;
        server.endpoint = line
            .trim()
            .strip_prefix("listening ")
            .ok_or_else(|| format!("{} did not say where it listens (it printed {line:?})", binary.display()))?
            .to_string();
        Ok(server)
    }
}

/// Parse `seconds=S ... cpu_seconds=C peak_rss_kib=M`.
fn parse_run(who: &str, stdout: &str) -> Result<Run, String> {
    let field = |name: &str| stdout.split_whitespace().find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse::<f64>().ok());
    match (field("seconds"), field("cpu_seconds"), field("peak_rss_kib")) {
        (Some(seconds), Some(cpu_seconds), Some(kib)) => Ok(Run { seconds, cpu_seconds, peak_rss_mib: kib / 1024.0, server_cpu_seconds: f64::NAN }),
        _ => Err(format!("{who}: unexpected output {stdout:?}")),
    }
}

fn output_of(who: &str, cmd: &mut Command) -> Result<String, String> {
    let output = cmd.stdin(Stdio::null()).output().map_err(|e| format!("cannot run {who}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    if !output.status.success() {
        return Err(format!("{who} failed ({}): {stdout}{}", output.status, String::from_utf8_lossy(&output.stderr)));
    }
    Ok(stdout)
}

/// `size` bytes of xorshift noise (no two MiB alike; `seed` picks which) in `path`.
fn write_source(path: &Path, size: u64, seed: u64) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(MIB as usize, file);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let mut left = size;
    let mut chunk = vec![0u8; MIB as usize];
    while left > 0 {
        for word in chunk.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes()[..word.len()]);
        }
        let n = left.min(MIB) as usize;
        out.write_all(&chunk[..n]).map_err(|e| format!("{}: {e}", path.display()))?;
        left -= n as u64;
    }
    out.flush().map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether two files hold the same bytes.
fn same_bytes(a: &Path, b: &Path) -> Result<bool, String> {
    let open = |p: &Path| std::fs::File::open(p).map(|f| BufReader::with_capacity(MIB as usize, f)).map_err(|e| format!("{}: {e}", p.display()));
    let (mut x, mut y) = (open(a)?, open(b)?);
    let (mut bx, mut by) = (vec![0u8; MIB as usize], vec![0u8; MIB as usize]);
    loop {
        let n = read_full(&mut x, &mut bx).map_err(|e| format!("{}: {e}", a.display()))?;
        let m = read_full(&mut y, &mut by).map_err(|e| format!("{}: {e}", b.display()))?;
        if n != m || bx[..n] != by[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The transfer figures: `size` bytes up and down, `repeats` times each.
pub fn transfer_figures(root: &Path, size: u64, repeats: usize, report: &mut Report) -> Result<(), String> {
    let label = size_label(size);
    println!("\n== S3 transfers of {label}: ours beside boto3's s3transfer ({repeats} runs each, median)");
    let python = pyenv::ensure(root)?;
    let manifest = root.join("bench/transfer/Cargo.toml");
    run(cargo().args(["build", "--quiet", "--release", "--manifest-path"]).arg(&manifest))?;
    let bin = root.join("bench/transfer/target/release");
    let (ours, server_bin) = (bin.join("transfer-ours"), bin.join("transfer-server"));
    let script = root.join("bench/transfer/boto3_transfer.py");

    let work = root.join("target/bench-transfer");
    let _ = std::fs::remove_dir_all(&work);
    let data = work.join("server");
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let result = measure(&MeasureIn { python: &python, ours: &ours, server_bin: &server_bin, script: &script, work: &work, data: &data }, size, repeats);
    let _ = std::fs::remove_dir_all(&work);
    let figures = result?;

    let rate = |r: &[Run]| {
        let mut rates: Vec<f64> = r.iter().map(|r| size as f64 / MIB as f64 / r.seconds).collect();
        median(&mut rates)
    };
    let cpu = |r: &[Run]| median(&mut r.iter().map(|r| r.cpu_seconds).collect::<Vec<_>>());
    let peak = |r: &[Run]| median(&mut r.iter().map(|r| r.peak_rss_mib).collect::<Vec<_>>());
    let ceiling = rate(&figures.ceiling);
    let memory_bound = (CONCURRENCY * PART_SIZE / MIB + 64) as f64;
    let server = |r: &[Run]| median(&mut r.iter().map(|r| r.server_cpu_seconds).collect::<Vec<_>>());
    let wall = |r: &[Run]| median(&mut r.iter().map(|r| r.seconds).collect::<Vec<_>>());
    report.row(format!("S3 streamed PutObject of {label} (the ceiling)"), format!("{ceiling:.0} MiB/s"), "-".into(), "-".into(), "");
    report.row(
        format!("S3 streamed PutObject of {label}: wall, server CPU"),
        format!("{:.2} s, {:.2} s", wall(&figures.ceiling), server(&figures.ceiling)),
        "-".into(),
        "-".into(),
        "",
    );
    for (what, ours_runs, peer_runs) in [("upload", &figures.ours_up, &figures.peer_up), ("download", &figures.ours_down, &figures.peer_down)] {
        let (o, p) = (rate(ours_runs), rate(peer_runs));
        report.row(format!("S3 {what} of {label}: throughput"), format!("{o:.0} MiB/s"), format!("{p:.0} MiB/s"), ratio(o, p), &judge("≥ 2.00", o / p));
        report.row(
            format!("S3 {what} of {label}: throughput / the ceiling"),
            format!("{:.2}", o / ceiling),
            format!("{:.2}", p / ceiling),
            "-".into(),
            &judge("≥ 0.90", o / ceiling),
        );
        let (o, p) = (cpu(ours_runs), cpu(peer_runs));
        report.row(format!("S3 {what} of {label}: client CPU (whole process)"), format!("{o:.2} s"), format!("{p:.2} s"), ratio(o, p), "");
        let (o, p) = (server(ours_runs), server(peer_runs));
        report.row(format!("S3 {what} of {label}: server CPU meanwhile"), format!("{o:.2} s"), format!("{p:.2} s"), ratio(o, p), "");
        let (o, p) = (peak(ours_runs), peak(peer_runs));
        report.row(
            format!("S3 {what} of {label}: client peak memory"),
            format!("{o:.0} MiB"),
            format!("{p:.0} MiB"),
            ratio(o, p),
            &judge(&format!("≤ {memory_bound:.0} MiB"), o),
        );
    }
    let dir_label = format!("{DIR_FILES} files of {}", size_label(DIR_FILE_SIZE));
    let objects = |r: &[Run]| median(&mut r.iter().map(|r| DIR_FILES as f64 / r.seconds).collect::<Vec<_>>());
    for (what, ours_runs, peer_runs) in [("upload_dir", &figures.ours_dir_up, &figures.peer_dir_up), ("download_dir", &figures.ours_dir_down, &figures.peer_dir_down)] {
        let (o, p) = (objects(ours_runs), objects(peer_runs));
        report.row(format!("S3 {what} of {dir_label}: throughput"), format!("{o:.0} objects/s"), format!("{p:.0} objects/s"), ratio(o, p), &judge("≥ 2.00", o / p));
        let (o, p) = (cpu(ours_runs), cpu(peer_runs));
        report.row(format!("S3 {what} of {dir_label}: client CPU (whole process)"), format!("{o:.2} s"), format!("{p:.2} s"), ratio(o, p), "");
        let (o, p) = (server(ours_runs), server(peer_runs));
        report.row(format!("S3 {what} of {dir_label}: server CPU meanwhile"), format!("{o:.2} s"), format!("{p:.2} s"), ratio(o, p), "");
        let (o, p) = (peak(ours_runs), peak(peer_runs));
        report.row(
            format!("S3 {what} of {dir_label}: client peak memory"),
            format!("{o:.0} MiB"),
            format!("{p:.0} MiB"),
            ratio(o, p),
            &judge(&format!("≤ {memory_bound:.0} MiB"), o),
        );
    }
    report.note(format!(
        "S3 folders: ours is `upload_dir`/`download_dir`; boto3 has none, so the peer submits every file to one s3transfer \
         manager with the same {CONCURRENCY} threads, as the AWS CLI's `s3 cp --recursive` does (keys listed with ListObjectsV2 \
         for the download); every file downloaded was compared with its source"
    ));
    report.note(format!(
        "S3 transfers: the peer is boto3 {} (s3transfer {}) `upload_file`/`download_file`; both clients with parts and ranges of \
         {} MiB, {CONCURRENCY} in flight, multipart from 16 MiB, each in its own process against one s3s-fs 0.14.1 server \
         (`bench/transfer/server.rs`) on 127.0.0.1, sharing the machine's cores with it; the ceiling is one `PutObject` streamed \
         from the file by our client (`put_object_from_stream`); CPU and peak memory are the whole client process's, from \
         /proc/self; every download was compared with the source byte for byte",
        figures.boto3_version.0,
        figures.boto3_version.1,
        PART_SIZE / MIB
    ));
    Ok(())
}

struct MeasureIn<'a> {
    python: &'a Path,
    ours: &'a Path,
    server_bin: &'a Path,
    script: &'a Path,
    work: &'a Path,
    data: &'a Path,
}

#[derive(Default)]
struct Figures {
    ceiling: Vec<Run>,
    ours_up: Vec<Run>,
    peer_up: Vec<Run>,
    ours_down: Vec<Run>,
    peer_down: Vec<Run>,
    ours_dir_up: Vec<Run>,
    peer_dir_up: Vec<Run>,
    ours_dir_down: Vec<Run>,
    peer_dir_down: Vec<Run>,
    boto3_version: (String, String),
}

fn measure(p: &MeasureIn, size: u64, repeats: usize) -> Result<Figures, String> {
    let source = p.work.join("source.bin");
    write_source(&source, size, 0)?;
    let folder = p.work.join("folder");
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    for i in 0..DIR_FILES {
        write_source(&folder.join(format!("f{i:04}.bin")), DIR_FILE_SIZE, i + 1)?;
    }
    let server = Server::start(p.server_bin, p.data)?;
    let endpoint = server.endpoint.as_str();
    let ours = |args: &[&str]| -> Result<String, String> {
        output_of("transfer-ours", Command::new(p.ours).args([endpoint, ACCESS_KEY, SECRET_KEY]).args(args))
    };
    // A client run with the server's CPU time over it.
    let timed = |who: &str, f: &dyn Fn() -> Result<String, String>| -> Result<Run, String> {
        let before = server.cpu_seconds();
        let mut run = parse_run(who, &f()?)?;
        run.server_cpu_seconds = server.cpu_seconds() - before;
        Ok(run)
    };
    ours(&["create-bucket", BUCKET])?;
    let (part, concurrency) = (PART_SIZE.to_string(), CONCURRENCY.to_string());
    let peer = |mode: &str, key: &str, file: &Path| -> Result<String, String> {
        let mut cmd = Command::new(p.python);
        cmd.arg(p.script).args([endpoint, ACCESS_KEY, SECRET_KEY, mode, BUCKET, key]).arg(file).args([&part, &concurrency]);
        // No developer AWS settings or Python paths leak into the peer.
        for (name, _) in std::env::vars_os() {
            let text = name.to_string_lossy();
            if text.starts_with("AWS_") || text == "PYTHONPATH" || text == "PYTHONHOME" {
                cmd.env_remove(&name);
            }
        }
        cmd.env("AWS_CONFIG_FILE", "/dev/null").env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null").env("AWS_EC2_METADATA_DISABLED", "true");
        output_of(&format!("boto3 {mode}"), &mut cmd)
    };
    let file = |f: &Path| f.to_string_lossy().to_string();
    let mut figures = Figures::default();
    let version = output_of(
        "the interop Python",
        Command::new(p.python).args(["-c", "import boto3, s3transfer; print(boto3.__version__, s3transfer.__version__)"]),
    )?;
    let mut words = version.split_whitespace().map(str::to_string);
    figures.boto3_version = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
    for round in 1..=repeats {
        let ceiling = timed("ceiling", &|| ours(&["put-stream", BUCKET, "ceiling", &file(&source)]))?;
        let ours_up = timed("ours", &|| ours(&["upload", BUCKET, "ours", &file(&source), &part, &concurrency]))?;
        let peer_up = timed("boto3", &|| peer("upload", "peer", &source))?;
        let target = p.work.join("ours.out");
        let ours_down = timed("ours", &|| ours(&["download", BUCKET, "ours", &file(&target), &part, &concurrency]))?;
        if !same_bytes(&source, &target)? {
            return Err(format!("transfer-ours: the object it uploaded came back different ({})", target.display()));
        }
        let _ = std::fs::remove_file(&target);
        let target = p.work.join("peer.out");
        let peer_down = timed("boto3", &|| peer("download", "peer", &target))?;
        if !same_bytes(&source, &target)? {
            return Err(format!("boto3: the object it uploaded came back different ({})", target.display()));
        }
        let _ = std::fs::remove_file(&target);
        let show = |what: &str, r: &Run| {
            println!(
                "  round {round} {what:<15} {:>6.0} MiB/s {:>6.2} s {:>6.2} s client CPU {:>5.0} MiB peak {:>6.2} s server CPU",
                size as f64 / MIB as f64 / r.seconds,
                r.seconds,
                r.cpu_seconds,
                r.peak_rss_mib,
                r.server_cpu_seconds
            )
        };
        show("ceiling", &ceiling);
        show("upload ours", &ours_up);
        show("upload boto3", &peer_up);
        show("download ours", &ours_down);
        show("download boto3", &peer_down);
        figures.ceiling.push(ceiling);
        figures.ours_up.push(ours_up);
        figures.peer_up.push(peer_up);
        figures.ours_down.push(ours_down);
        figures.peer_down.push(peer_down);
    }
    for round in 1..=repeats {
        let mut runs = Vec::new();
        for (who, mode) in [("ours", "upload-dir"), ("boto3", "upload-dir"), ("ours", "download-dir"), ("boto3", "download-dir")] {
            let prefix = format!("{who}-folder");
            let local = if mode == "upload-dir" { folder.clone() } else { p.work.join(format!("{who}-folder.out")) };
            let _ = std::fs::remove_dir_all(p.work.join(format!("{who}-folder.out")));
            let run = if who == "ours" {
                timed(who, &|| ours(&[mode, BUCKET, &prefix, &file(&local), &part, &concurrency]))?
            } else {
                timed(who, &|| peer(mode, &prefix, &local))?
            };
            if mode == "download-dir" {
                for i in 0..DIR_FILES {
                    let name = format!("f{i:04}.bin");
                    if !same_bytes(&folder.join(&name), &local.join(&name))? {
                        return Err(format!("{who}: {name} of the folder came back different ({})", local.display()));
                    }
                }
                let _ = std::fs::remove_dir_all(&local);
            }
            println!(
                "  round {round} {mode} {who:<6} {:>6.0} objects/s {:>6.2} s {:>6.2} s client CPU {:>5.0} MiB peak {:>6.2} s server CPU",
                DIR_FILES as f64 / run.seconds,
                run.seconds,
                run.cpu_seconds,
                run.peak_rss_mib,
                run.server_cpu_seconds
            );
            runs.push(run);
        }
        figures.ours_dir_up.push(runs[0]);
        figures.peer_dir_up.push(runs[1]);
        figures.ours_dir_down.push(runs[2]);
        figures.peer_dir_down.push(runs[3]);
    }
    drop(server);
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::{parse_size, size_label};

    #[test]
    fn sizes_parse_with_binary_units_and_round_trip_through_their_labels() {
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("64 KiB"), Ok(64 << 10));
        assert_eq!(parse_size("16777216"), Ok(16 << 20));
        assert!(parse_size("0MiB").is_err());
        assert!(parse_size("1.5GiB").is_err());
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("99999999999999GiB").is_err());
        assert_eq!(size_label(1 << 30), "1 GiB");
        assert_eq!(size_label(256 << 20), "256 MiB");
        assert_eq!(size_label(1000), "1000 B");
    }
}
