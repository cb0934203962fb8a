//! S3 transfers (`s3::transfer`, the runtime's `transfer` engine) against a
//! real moto server on 127.0.0.1: uploads in one `PutObject` and in
//! concurrent multipart parts, downloads in concurrent ranges to a file and
//! to memory, byte for byte; a part that keeps failing aborts the upload
//! (moto then no longer knows it); an object replaced mid-download is an
//! error that leaves no file. Faults come from an `ObjectStore` wrapper
//! around the generated client. Moto (not s3s-fs) because it enforces S3's
//! 5 MiB part minimum, `If-Match` and ranges, and is already the interop
//! server. Skipped with a notice without the interop Python environment.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use aws_generated::s3::transfer::{CompletedPart, ObjectStore, PartResult, StoreError, TransferConfig, TransferManager};
use aws_generated::s3::{self, types as s3t};
use integration_tests::files::{self, payload, entries};
use integration_tests::interop::{Moto, SKIP_NOTICE};
use smithy_gen_runtime::transfer::{BoxFuture, Bytes, ObjectInfo, RangeBody};

const MIB: usize = 1024 * 1024;
const BUCKET: &str = "transfers";

/// The CRC32 of `bytes` as S3 writes it (base64 of the big-endian value).
fn base64_crc32(bytes: &[u8]) -> String {
    smithy_gen_runtime::checksums::checksum_header("CRC32", bytes).expect("CRC32").1
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    files::scratch("transfer", name)
}

async fn start() -> Option<(Moto, s3::Client)> {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return None;
    };
    let client = s3::Client::new(moto.config());
    client.create_bucket_with(s3t::CreateBucketInput::new(BUCKET)).await.expect("CreateBucket");
    Some((moto, client))
}

fn small_parts() -> TransferConfig {
    TransferConfig::new().with_multipart_threshold(5 * MIB as u64).with_part_size(5 * MIB as u64).with_concurrency(3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_and_buffers_go_up_and_come_back_byte_for_byte() {
    let Some((_moto, client)) = start().await else { return };
    let dir = scratch("round-trip");
    let manager = client.transfer_manager().with_config(small_parts());

    // Below the threshold: one PutObject each.
    let empty = manager.upload_bytes(BUCKET, "empty", Vec::new()).await.expect("0 bytes");
    assert_eq!((empty.size, empty.parts), (0, 0));
    let small = payload(1024, 1);
    let out = manager.upload_bytes(BUCKET, "small", small.clone()).await.expect("1 KiB");
    assert_eq!((out.size, out.parts), (1024, 0));
    assert!(out.e_tag.is_some());

    // 17 MiB from a file: 4 parts of 5, 5, 5 and 2 MiB.
    let big = payload(17 * MIB, 2);
    let source = dir.join("big.bin");
    std::fs::write(&source, &big).unwrap();
    let out = manager.upload_file(BUCKET, "dir/big.bin", &source).await.expect("17 MiB");
    assert_eq!((out.size, out.parts), (17 * MIB as u64, 4));
    // A multipart ETag ends with the number of parts.
    assert!(out.e_tag.as_deref().is_some_and(|e| e.trim_matches('"').ends_with("-4")), "{:?}", out.e_tag);
    let plain = client.get_object_with(s3t::GetObjectInput::new(BUCKET, "dir/big.bin")).await;
    assert!(plain.is_err(), "over the client's 16 MiB whole-body limit: only the transfer reads it");

    for (key, bytes, ranges) in [("empty", &Vec::new(), 0), ("small", &small, 1), ("dir/big.bin", &big, 4)] {
        let target = dir.join(format!("{}.out", key.replace('/', "_")));
        let got = manager.download_file(BUCKET, key, &target).await.unwrap_or_else(|e| panic!("download {key}: {e}"));
        assert_eq!((got.size, got.parts), (bytes.len() as u64, ranges), "{key}");
        // Uploaded with a full-object CRC32 (a multipart one combined from the
        // parts'), which moto keeps and reports: each download was checked.
        let crc = base64_crc32(bytes);
        assert_eq!(got.checksum.map(|c| (c.algorithm, c.value)), Some(("CRC32".to_string(), crc)), "{key}");
        assert!(std::fs::read(&target).unwrap() == *bytes, "{key} comes back byte for byte");
        let in_memory = manager.download_bytes(BUCKET, key).await.unwrap_or_else(|e| panic!("download {key} to memory: {e}"));
        assert!(in_memory == bytes[..], "{key} in memory");
    }
    // Only the targets: no partial file left beside them.
    assert_eq!(entries(&dir), ["big.bin", "dir_big.bin.out", "empty.out", "small.out"]);

    // A download replaces an existing file; a missing object is the service's error.
    let target = dir.join("small.out");
    manager.download_file(BUCKET, "dir/big.bin", &target).await.expect("over an existing file");
    assert!(std::fs::read(&target).unwrap() == big);
    let missing = manager.download_file(BUCKET, "no such key", dir.join("missing.out")).await.expect_err("no such key");
    assert!(missing.to_string().contains("download of s3://transfers/no such key: HeadObject"), "{missing}");
    assert!(!dir.join("missing.out").exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// The generated client, with scripted faults (its trait methods are called
/// as `ObjectStore::…(&client, …)`: the client's fluent `put_object()` and
/// friends have the same names) and a record of the upload id.
#[derive(Clone)]
struct Faulty {
    inner: s3::Client,
    /// `UploadPart` of this part number always fails.
    fail_part: Option<u32>,
    /// After the first range is served, the object is replaced with this.
    replace_with: Option<Bytes>,
    ranges: Arc<AtomicU32>,
    upload_id: Arc<Mutex<Option<String>>>,
    aborts: Arc<AtomicU32>,
}

impl Faulty {
    fn new(inner: s3::Client) -> Self {
        Self { inner, fail_part: None, replace_with: None, ranges: Arc::default(), upload_id: Arc::default(), aborts: Arc::default() }
    }
}

impl ObjectStore for Faulty {
    fn put_object<'a>(&'a self, bucket: &'a str, key: &'a str, body: Bytes, c: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        ObjectStore::put_object(&self.inner, bucket, key, body, c)
    }
    fn create_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str) -> BoxFuture<'a, Result<String, StoreError>> {
        Box::pin(async move {
            let id = ObjectStore::create_multipart_upload(&self.inner, bucket, key).await?;
            *self.upload_id.lock().unwrap() = Some(id.clone());
            Ok(id)
        })
    }
    fn upload_part<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str, part_number: u32, body: Bytes, c: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> {
        if self.fail_part == Some(part_number) {
            return Box::pin(async { Err(StoreError::new("UploadPart", "scripted failure")) });
        }
        ObjectStore::upload_part(&self.inner, bucket, key, upload_id, part_number, body, c)
    }
    fn complete_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str, parts: Vec<CompletedPart>, c: &'a str, z: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        ObjectStore::complete_multipart_upload(&self.inner, bucket, key, upload_id, parts, c, z)
    }
    fn abort_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        self.aborts.fetch_add(1, Ordering::SeqCst);
        ObjectStore::abort_multipart_upload(&self.inner, bucket, key, upload_id)
    }
    fn head_object<'a>(&'a self, bucket: &'a str, key: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> {
        ObjectStore::head_object(&self.inner, bucket, key)
    }
    fn get_object_range<'a>(&'a self, bucket: &'a str, key: &'a str, start: u64, end: u64, size: u64, if_match: Option<&'a str>) -> BoxFuture<'a, Result<RangeBody, StoreError>> {
        Box::pin(async move {
            let got = ObjectStore::get_object_range(&self.inner, bucket, key, start, end, size, if_match).await?;
            if self.ranges.fetch_add(1, Ordering::SeqCst) == 0 {
                if let Some(new) = &self.replace_with {
                    let mut put = s3t::PutObjectInput::new(bucket, key);
                    put.body = Some(new.clone().into());
                    self.inner.put_object_with(put).await.expect("the replacement");
                }
            }
            Ok(got)
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_that_keeps_failing_aborts_the_upload() {
    let Some((_moto, client)) = start().await else { return };
    let store = Faulty { fail_part: Some(3), ..Faulty::new(client.clone()) };
    let manager = TransferManager::new(store.clone()).with_config(small_parts());
    let e = manager.upload_bytes(BUCKET, "doomed", payload(17 * MIB, 3)).await.expect_err("part 3 fails");
    assert_eq!(e.part(), Some(3), "{e}");
    assert_eq!(e.upload_aborted(), Some(true), "{e}");
    assert_eq!(store.aborts.load(Ordering::SeqCst), 1);
    let text = e.to_string();
    assert!(text.starts_with("upload of s3://transfers/doomed, part 3: UploadPart: scripted failure"), "{text}");
    assert!(text.ends_with("the multipart upload was aborted"), "{text}");
    // Moto no longer knows the upload (its parts are gone): aborting it again fails.
    let id = store.upload_id.lock().unwrap().clone().expect("an upload was created");
    let again = client.abort_multipart_upload_with(s3t::AbortMultipartUploadInput::new(BUCKET, "doomed", id)).await.expect_err("already aborted");
    assert!(again.to_string().contains("NoSuchUpload"), "{again}");
    // And no object was made.
    let head = client.head_object_with(s3t::HeadObjectInput::new(BUCKET, "doomed")).await;
    assert!(head.is_err(), "{head:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_replaced_mid_download_is_an_error_and_leaves_no_file() {
    let Some((_moto, client)) = start().await else { return };
    let dir = scratch("replaced");
    let original = payload(12 * MIB, 4);
    client.transfer_manager().upload_bytes(BUCKET, "moving", original).await.expect("upload");
    let store = Faulty { replace_with: Some(Bytes::from(payload(12 * MIB, 5))), ..Faulty::new(client.clone()) };
    // One range at a time: the second is asked for after the replacement.
    let manager = TransferManager::new(store).with_config(small_parts().with_concurrency(1));
    let target = dir.join("moving.bin");
    let e = manager.download_file(BUCKET, "moving", &target).await.expect_err("the object changed");
    assert!(e.is_object_changed(), "{e}");
    assert_eq!(e.part(), Some(2), "{e}");
    assert!(e.to_string().contains("the object changed during the download (its ETag is no longer"), "412 from If-Match: {e}");
    assert_eq!(entries(&dir), Vec::<String>::new(), "no target and no partial file");
    std::fs::remove_dir_all(&dir).ok();
}

/// A scripted S3 for the multipart calls, recording each request: what the
/// wire carries for checksums (no moto needed).
#[derive(Debug, Default)]
struct Scripted(Mutex<Vec<http::Request<smithy_gen_runtime::Bytes>>>);

impl smithy_gen_runtime::transport::Transport for Scripted {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> smithy_gen_runtime::transport::BoxFuture<'_, Result<smithy_gen_runtime::request::RawResponse, smithy_gen_runtime::transport::SendError>> {
        let query = request.uri().query().unwrap_or("").to_string();
        let (headers, body): (Vec<(String, String)>, String) = if request.method() == http::Method::HEAD {
            (vec![("Content-Length".into(), "10".into()), ("ETag".into(), "\"v1\"".into())], String::new())
        } else if request.method() == http::Method::GET {
            // A server that ignores Range: 200 with the whole object, no Content-Range.
            (vec![], "0123456789".into())
        } else if query.contains("uploads") {
            (vec![], "<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>".into())
        } else if let Some(n) = query.split('&').find_map(|p| p.strip_prefix("partNumber=")) {
            // The part's ETag, and its CRC32 echoed as S3 does.
            let crc = request.headers().get("x-amz-checksum-crc32").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            (vec![("ETag".into(), format!("\"e{n}\"")), ("x-amz-checksum-crc32".into(), crc)], String::new())
        } else {
            (vec![], "<CompleteMultipartUploadResult><ETag>\"done-2\"</ETag></CompleteMultipartUploadResult>".into())
        };
        self.0.lock().unwrap().push(request);
        Box::pin(std::future::ready(Ok(smithy_gen_runtime::request::RawResponse::new(200, headers, body.into_bytes()))))
    }
}

fn scripted() -> (s3::Client, Arc<Scripted>) {
    use smithy_gen_runtime::config::{Config, Credentials};
    let scripted = Arc::new(Scripted::default());
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .transport(scripted.clone())
        .max_attempts(1)
        .build()
        .expect("config");
    (s3::Client::new(config), scripted)
}

#[tokio::test]
async fn a_range_answered_with_the_whole_object_is_an_error() {
    let (client, _) = scripted();
    let e = client.transfer_manager().download_bytes("bkt", "k").await.expect_err("no Content-Range");
    assert!(e.to_string().contains("the response has no Content-Range (the whole object?), not \"bytes 0-9/10\""), "{e}");
}

#[tokio::test]
async fn a_multipart_upload_names_crc32_and_completes_with_each_parts_crc32() {
    let (client, scripted) = scripted();
    let manager = client.transfer_manager().with_config(small_parts().with_concurrency(1));
    let out = manager.upload_bytes("bkt", "k", payload(7 * MIB, 9)).await.expect("upload");
    assert_eq!(out.parts, 2);
    let requests = scripted.0.lock().unwrap();
    assert_eq!(requests.len(), 4, "create, two parts, complete");
    let header = |i: usize, name: &str| requests[i].headers().get(name).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(header(0, "x-amz-checksum-algorithm").as_deref(), Some("CRC32"), "CreateMultipartUpload names the parts' algorithm");
    let crcs: Vec<String> = (1..=2).map(|i| header(i, "x-amz-checksum-crc32").expect("each part carries its CRC32")).collect();
    let complete = String::from_utf8(requests[3].body().to_vec()).unwrap();
    for (n, crc) in crcs.iter().enumerate() {
        let part = format!("<ChecksumCRC32>{crc}</ChecksumCRC32>");
        assert!(complete.contains(&part), "part {}'s CRC32 in {complete}", n + 1);
    }
}
