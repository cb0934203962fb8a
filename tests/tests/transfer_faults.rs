//! S3 transfers (`s3::transfer`) through network faults: a local proxy
//! (`integration_tests::fault_proxy`) stands between the client and a real
//! moto server on 127.0.0.1 and, by script, answers a part with 5xx errors,
//! drops a range's connection mid-body, stalls a range, or replaces the
//! object between `HeadObject` and the ranged `GetObject`s. Each test checks
//! the end state on moto itself, bypassing the proxy: no lost or duplicated
//! byte, no multipart upload left open, no object or file left by a failure.
//! Objects are 11 MiB (three ranges or parts of 5, 5 and 1 MiB). Skipped
//! with a notice without the interop Python environment.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_generated::s3::transfer::{TransferConfig, TransferErrorKind, TransferManager, RANGE_RETRIES};
use aws_generated::s3::{self, types as s3t};
use integration_tests::fault_proxy::{self, Fault, FaultProxy, Hits, Rule, Seen};
use integration_tests::files::{self, payload, entries};
use integration_tests::interop::{Moto, SKIP_NOTICE};
use smithy_gen_runtime::config::{Config, Credentials, RetryConfig};
use smithy_gen_runtime::streams::stalled::StalledStreams;

const MIB: usize = 1024 * 1024;
const BUCKET: &str = "faults";
/// The `Range` of the second of three 5 MiB ranges.
const SECOND_RANGE: &str = "bytes=5242880-10485759";
const THIRD_RANGE: &str = "bytes=10485760-";

/// Moto, the proxy in front of it, and a client of each.
struct Setup {
    moto: Moto,
    proxy: FaultProxy,
    /// Through the proxy: 3 attempts with short backoffs, stalled streams
    /// judged over 1 s, a 2 s read timeout.
    client: s3::Client,
    /// Straight to moto: what the tests check the end state with.
    direct: s3::Client,
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    files::scratch("transfer-faults", name)
}

async fn start(rules: Vec<Rule>) -> Option<Setup> {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return None;
    };
    let direct = s3::Client::new(moto.config());
    direct.create_bucket_with(s3t::CreateBucketInput::new(BUCKET)).await.expect("CreateBucket");
    let proxy = FaultProxy::start(&moto.endpoint, rules);
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(proxy.endpoint.clone())
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .retry(RetryConfig { max_attempts: 3, initial_backoff: Duration::from_millis(20), max_backoff: Duration::from_millis(200) })
        .stalled_streams(StalledStreams::default().with_grace(Duration::from_secs(1)))
        .read_timeout(Duration::from_secs(2))
        .build()
        .expect("config");
    Some(Setup { moto, proxy, client: s3::Client::new(config), direct })
}

/// Parts and ranges of 5 MiB, three at a time.
fn small_parts() -> TransferConfig {
    TransferConfig::new().with_multipart_threshold(5 * MIB as u64).with_part_size(5 * MIB as u64).with_concurrency(3)
}

impl Setup {
    fn manager(&self) -> TransferManager<s3::Client> {
        self.client.transfer_manager().with_config(small_parts())
    }

    /// Store `bytes` as `key` without the proxy.
    async fn put(&self, key: &str, bytes: &[u8]) {
        self.direct.transfer_manager().with_config(small_parts()).upload_bytes(BUCKET, key, bytes.to_vec()).await.expect("upload without the proxy");
    }

    /// The object as moto has it (`None`: there is none), read in one `GetObject` without the proxy.
    async fn object(&self, key: &str) -> Option<Vec<u8>> {
        match self.direct.get_object_with(s3t::GetObjectInput::new(BUCKET, key)).await {
            Ok(out) => Some(out.body.map(|b| b.into_inner()).unwrap_or_default()),
            Err(e) if e.to_string().contains("NoSuchKey") => None,
            Err(e) => panic!("GetObject {key}: {e}"),
        }
    }

    /// The multipart uploads moto has open in the bucket (`ListMultipartUploads`, unsigned, without the proxy).
    fn open_uploads(&self) -> Vec<String> {
        let (status, body) = fault_proxy::request(&self.moto.endpoint, "GET", &format!("/{BUCKET}?uploads"), b"").expect("ListMultipartUploads");
        let body = String::from_utf8_lossy(&body).into_owned();
        assert!(status == 200 && body.contains("<ListMultipartUploadsResult"), "ListMultipartUploads: {status} {body}");
        body.split("<Upload>")
            .skip(1)
            .map(|u| u.split_once("<UploadId>").and_then(|(_, rest)| rest.split_once("</UploadId>")).map_or(u, |(id, _)| id).to_string())
            .collect()
    }

    /// The `UploadPart`s the proxy saw, by part number (stable: each part's
    /// attempts in the order they came): body length, status passed back.
    fn part_puts(&self) -> Vec<(u32, usize, Option<u16>)> {
        let log = self.proxy.log();
        let mut parts: Vec<_> = log.iter().filter(|s| s.method == "PUT").filter_map(|s| Some((s.query("partNumber")?.parse().ok()?, s.body_len, s.status))).collect();
        parts.sort_by_key(|(n, _, _)| *n);
        parts
    }

    /// The ranged `GetObject`s the proxy saw with this `Range`.
    fn gets(&self, range: &str) -> Vec<Seen> {
        self.proxy.log().into_iter().filter(|s| s.method == "GET" && s.header("range").is_some_and(|r| r.starts_with(range))).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_refused_twice_with_503_is_retried_and_the_object_is_whole() {
    let rules = vec![Rule::new("PUT", Fault::error(503, "SlowDown")).query("partNumber", "2").times(2)];
    let Some(t) = start(rules).await else { return };
    let data = payload(11 * MIB, 1);
    let out = t.manager().upload_bytes(BUCKET, "slow", data.clone()).await.expect("the retries succeed");
    assert_eq!((out.size, out.parts), (11 * MIB as u64, 3));
    assert_eq!(t.proxy.hits(0), Hits { matched: 3, faulted: 2 });
    let five = 5 * MIB;
    assert_eq!(t.part_puts(), [(1, five, Some(200)), (2, five, Some(503)), (2, five, Some(503)), (2, five, Some(200)), (3, MIB, Some(200))]);
    assert!(t.object("slow").await.as_deref() == Some(&data[..]), "the object is byte for byte the upload");
    assert_eq!(t.open_uploads(), Vec::<String>::new(), "no multipart upload left open");
}

/// `UploadPart` is a `PUT` of a numbered part: sending it again replaces the
/// part with the same bytes, so a 500 is as safe to retry as a 503. The
/// client retries other 5xx only for operations it knows are safe to repeat
/// (`@idempotent`, `@readonly`, GET/HEAD, and S3's repeat-safe writes that
/// the generator marks so, `UploadPart` among them): before that, one 500
/// failed the whole upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_failing_twice_with_500_is_retried_and_the_object_is_whole() {
    let rules = vec![Rule::new("PUT", Fault::error(500, "InternalError")).query("partNumber", "2").times(2)];
    let Some(t) = start(rules).await else { return };
    let data = payload(11 * MIB, 2);
    let out = t.manager().upload_bytes(BUCKET, "twice", data.clone()).await.expect("the retries succeed");
    assert_eq!((out.size, out.parts), (11 * MIB as u64, 3));
    assert_eq!(t.proxy.hits(0), Hits { matched: 3, faulted: 2 });
    assert!(t.object("twice").await.as_deref() == Some(&data[..]), "the object is byte for byte the upload");
    assert_eq!(t.open_uploads(), Vec::<String>::new(), "no multipart upload left open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_that_always_fails_aborts_the_upload_and_leaves_nothing() {
    let rules = vec![Rule::new("PUT", Fault::error(500, "InternalError")).query("partNumber", "2")];
    let Some(t) = start(rules).await else { return };
    // The check below sees an open upload when there is one.
    let open = t.direct.create_multipart_upload_with(s3t::CreateMultipartUploadInput::new(BUCKET, "open")).await.expect("CreateMultipartUpload");
    let id = open.upload_id.expect("an upload id");
    assert_eq!(t.open_uploads(), std::slice::from_ref(&id));
    t.direct.abort_multipart_upload_with(s3t::AbortMultipartUploadInput::new(BUCKET, "open", id)).await.expect("AbortMultipartUpload");
    assert_eq!(t.open_uploads(), Vec::<String>::new());

    let e = t.manager().upload_bytes(BUCKET, "doomed", payload(11 * MIB, 3)).await.expect_err("part 2 always fails");
    assert_eq!(e.part(), Some(2), "{e}");
    assert_eq!(e.upload_aborted(), Some(true), "{e}");
    let text = e.to_string();
    assert!(text.starts_with("upload of s3://faults/doomed, part 2: UploadPart") && text.contains("InternalError"), "{text}");
    assert!(t.proxy.hits(0).faulted >= 1);
    // The abort went through the proxy to moto, once, and moto accepted it.
    let log = t.proxy.log();
    let aborts: Vec<&Seen> = log.iter().filter(|s| s.method == "DELETE" && s.query("uploadId").is_some()).collect();
    assert_eq!(aborts.len(), 1, "{log:#?}");
    assert_eq!(aborts[0].status, Some(204), "{:?}", aborts[0]);
    // Parts 1 and 3 were stored (or not) meanwhile; none of it remains.
    assert_eq!(t.open_uploads(), Vec::<String>::new(), "no multipart upload left open");
    assert_eq!(t.object("doomed").await, None, "no object");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_whose_connection_drops_mid_body_are_asked_for_again() {
    // The second range breaks off after 1 MiB of its 5; the third after its head.
    let rules = vec![
        Rule::new("GET", Fault::DropAfter(MIB)).header("range", SECOND_RANGE).times(1),
        Rule::new("GET", Fault::DropAfter(0)).header("range", THIRD_RANGE).times(1),
    ];
    let Some(t) = start(rules).await else { return };
    let data = payload(11 * MIB, 4);
    t.put("dropped", &data).await;
    let dir = scratch("dropped");
    let target = dir.join("dropped.bin");
    let out = t.manager().download_file(BUCKET, "dropped", &target).await.expect("the ranges are asked for again");
    assert_eq!((out.size, out.parts), (11 * MIB as u64, 3));
    assert!(std::fs::read(&target).unwrap() == data, "the file is byte for byte the object");
    assert_eq!(entries(&dir), ["dropped.bin"], "no partial file left");
    assert_eq!((t.proxy.hits(0), t.proxy.hits(1)), (Hits { matched: 2, faulted: 1 }, Hits { matched: 2, faulted: 1 }));
    // Each retry is pinned to the same ETag as the first ask.
    for range in [SECOND_RANGE, THIRD_RANGE] {
        let gets = t.gets(range);
        assert_eq!(gets.len(), 2, "{gets:#?}");
        let tags: Vec<Option<&str>> = gets.iter().map(|g| g.header("if-match")).collect();
        assert!(tags[0].is_some() && tags[0] == tags[1], "{tags:?}");
        assert!(gets[0].note.as_deref().is_some_and(|n| n.starts_with("dropped after")), "{:?}", gets[0]);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_replaced_mid_download_is_object_changed_and_leaves_no_file() {
    let replacement = payload(11 * MIB, 6);
    let rules = vec![Rule::new("GET", Fault::ReplaceObject(replacement.clone())).header("range", SECOND_RANGE).times(1)];
    let Some(t) = start(rules).await else { return };
    t.put("moving", &payload(11 * MIB, 5)).await;
    let dir = scratch("replaced");
    let target = dir.join("moving.bin");
    // One range at a time: the first is served, the second replaces the object.
    let manager = t.manager().with_config(small_parts().with_concurrency(1));
    let e = manager.download_file(BUCKET, "moving", &target).await.expect_err("the object changed");
    assert!(e.is_object_changed(), "{e}");
    assert!(matches!(e.kind(), TransferErrorKind::ObjectChanged(_)), "{e:?}");
    assert_eq!(e.part(), Some(2), "{e}");
    let gets = t.gets(SECOND_RANGE);
    assert_eq!(gets.len(), 1, "a 412 is not asked for again: {gets:#?}");
    assert_eq!(gets[0].status, Some(412), "{:?}", gets[0]);
    assert!(gets[0].note.as_deref().is_some_and(|n| n.starts_with("replaced /faults/moving")), "{:?}", gets[0]);
    assert!(t.gets(THIRD_RANGE).is_empty(), "no range after the failure");
    assert_eq!(entries(&dir), Vec::<String>::new(), "no target and no partial file");
    assert!(t.object("moving").await.as_deref() == Some(&replacement[..]), "moto has the replacement");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_range_is_cut_off_and_asked_for_again() {
    // The second range stalls after 64 KiB of its body, the third before its head.
    let rules = vec![
        Rule::new("GET", Fault::Stall { after: 64 * 1024, stall: Duration::from_secs(30) }).header("range", SECOND_RANGE).times(1),
        Rule::new("GET", Fault::Silence(Duration::from_secs(30))).header("range", THIRD_RANGE).times(1),
    ];
    let Some(t) = start(rules).await else { return };
    let data = payload(11 * MIB, 7);
    t.put("stalled", &data).await;
    let started = Instant::now();
    let got = t.manager().download_bytes(BUCKET, "stalled").await.expect("the stalled ranges are asked for again");
    let took = started.elapsed();
    assert!(got == data[..], "the download is byte for byte the object");
    // About a second of grace for the body, two seconds of read timeout for the head.
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert_eq!((t.proxy.hits(0), t.proxy.hits(1)), (Hits { matched: 2, faulted: 1 }, Hits { matched: 2, faulted: 1 }));
    let statuses = |range| t.gets(range).iter().map(|g| (g.fault, g.status)).collect::<Vec<_>>();
    // The stalled answer had sent its 206 head; the silent one sent nothing.
    assert_eq!(statuses(SECOND_RANGE), [(Some("stall"), Some(206)), (None, Some(206))]);
    assert_eq!(statuses(THIRD_RANGE), [(Some("silence"), None), (None, Some(206))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_that_always_stalls_fails_in_bounded_time_with_a_clear_error() {
    let rules = vec![Rule::new("GET", Fault::Stall { after: 0, stall: Duration::from_secs(30) }).header("range", SECOND_RANGE)];
    let Some(t) = start(rules).await else { return };
    t.put("stuck", &payload(11 * MIB, 8)).await;
    let dir = scratch("stuck");
    let started = Instant::now();
    let e = t.manager().download_file(BUCKET, "stuck", dir.join("stuck.bin")).await.expect_err("the range never comes");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert_eq!(e.part(), Some(2), "{e}");
    assert!(!e.is_object_changed(), "{e}");
    let text = e.to_string();
    assert!(text.contains("stalled download") && text.contains("stalled-stream protection"), "{text}");
    assert_eq!(t.gets(SECOND_RANGE).len(), 1 + RANGE_RETRIES as usize, "asked for once and retried {RANGE_RETRIES} times");
    assert_eq!(entries(&dir), Vec::<String>::new(), "no target and no partial file");
    std::fs::remove_dir_all(&dir).ok();
}
