//! One transfer through this project's S3 transfer manager
//! (`s3::Client::transfer_manager()`), timed, for `cargo xtask bench --only
//! transfer`; or the benchmark's setup calls.
//!
//! Usage: `transfer-ours ENDPOINT ACCESS_KEY SECRET_KEY MODE BUCKET [KEY FILE [PART_SIZE CONCURRENCY]]`
//! with MODE one of:
//! - `create-bucket`: CreateBucket BUCKET;
//! - `upload` / `download`: FILE to or from s3://BUCKET/KEY through the
//!   transfer manager, multipart from 16 MiB, parts and ranges of PART_SIZE
//!   bytes, CONCURRENCY in flight;
//! - `put-stream`: FILE in one `PutObject`, streamed from the file
//!   (`put_object_from_stream`): the ceiling the transfers are held to;
//! - `upload-dir` / `download-dir`: the folder FILE to or from the prefix KEY
//!   (`upload_dir` / `download_dir`, CONCURRENCY objects at once); `bytes`
//!   is the objects' total size and `parts` their number, and any object
//!   that failed is an error.
//!
//! A timed mode prints `seconds=S bytes=N parts=P cpu_seconds=C peak_rss_kib=M`:
//! S is the transfer's wall time (the client is built before the clock
//! starts), C this process's user+system CPU time and M its peak resident
//! memory, both for the whole process, from /proc/self.

use std::time::Instant;

use api::s3::transfer::TransferConfig;
use api::s3::{self, types as s3t};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    match runtime.block_on(run(&args)) {
        Ok(line) => println!("{line}"),
        Err(e) => {
            eprintln!("transfer-ours: {e}");
            std::process::exit(1);
        }
    }
}

async fn run(args: &[String]) -> Result<String, String> {
    let [endpoint, access_key, secret_key, mode, bucket, rest @ ..] = args else {
        return Err("usage: transfer-ours ENDPOINT ACCESS_KEY SECRET_KEY MODE BUCKET [KEY FILE [PART_SIZE CONCURRENCY]]".into());
    };
    let config = api::Config::builder()
        .region("us-east-1")
        .endpoint(endpoint.clone())
        .credentials(api::Credentials::new(access_key.clone(), secret_key.clone(), None))
        .max_attempts(1)
        .build()
        .map_err(|e| format!("configuration: {e}"))?;
    let client = s3::Client::new(config);
    if mode == "create-bucket" {
        client.create_bucket_with(s3t::CreateBucketInput::new(bucket.clone())).await.map_err(|e| format!("CreateBucket {bucket}: {e}"))?;
        return Ok(format!("created {bucket}"));
    }
    let [key, file, tuning @ ..] = rest else {
        return Err(format!("{mode}: needs KEY and FILE"));
    };
    let number = |i: usize, default: u64| -> Result<u64, String> {
        tuning.get(i).map_or(Ok(default), |s| s.parse().map_err(|_| format!("not a number: {s:?}")))
    };
    let transfer = TransferConfig::new()
        .with_multipart_threshold(16 * 1024 * 1024)
        .with_part_size(number(0, 8 * 1024 * 1024)?)
        .with_concurrency(number(1, 8)? as usize);
    let manager = client.transfer_manager().with_config(transfer);
    let started = Instant::now();
    let (bytes, parts) = match mode.as_str() {
        "upload" => {
            let out = manager.upload_file(bucket, key, file).await.map_err(|e| e.to_string())?;
            (out.size, out.parts)
        }
        "download" => {
            let out = manager.download_file(bucket, key, file).await.map_err(|e| e.to_string())?;
            (out.size, out.parts)
        }
        "put-stream" => {
            let body = api::smithy_gen_runtime::transport::StreamingBody::from_file(file).await.map_err(|e| format!("{file}: {e}"))?;
            client.put_object_from_stream(s3t::PutObjectInput::new(bucket.clone(), key.clone()), body).await.map_err(|e| format!("PutObject: {e}"))?;
            (std::fs::metadata(file).map_err(|e| format!("{file}: {e}"))?.len(), 1)
        }
        "upload-dir" | "download-dir" => {
            let out = if mode == "upload-dir" { manager.upload_dir(bucket, key, file).await } else { manager.download_dir(bucket, key, file).await }
                .map_err(|e| e.to_string())?;
            if let Some(failed) = out.failures().next() {
                return Err(format!("{} of {} objects failed; {}: {:?}", out.failed(), out.objects.len(), failed.key, failed.result));
            }
            (out.objects.iter().map(|o| o.size).sum(), out.objects.len() as u64)
        }
        other => return Err(format!("unknown mode {other:?}")),
    };
    let seconds = started.elapsed().as_secs_f64();
    Ok(format!("seconds={seconds:.6} bytes={bytes} parts={parts} cpu_seconds={:.2} peak_rss_kib={}", cpu_seconds(), peak_rss_kib()))
}

/// User + system CPU time of this process (every thread), from
/// /proc/self/stat, in USER_HZ ticks (100 per second on every architecture).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces; count fields after its ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15; after ')' they are at 11 and 12.
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// Peak resident memory of this process (VmHWM), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0)
}
