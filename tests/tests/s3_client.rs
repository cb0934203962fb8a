//! The S3 client generated from the official model, against a recording
//! transport. Where it sends requests: the
//! model's endpoint rules, given the `Bucket` context parameter of each call
//! and the configuration's client context parameters, choose virtual-host or
//! path-style addressing, Transfer Acceleration and dual-stack hosts; object
//! keys keep their `/`, `.` and `..` segments and are percent-encoded once,
//! and the request is signed as S3 wants (path as sent,
//! `x-amz-content-sha256`). These are the Smithy S3 compliance cases the
//! suite's own S3 model (which has no endpoint rules) cannot run, plus the
//! cases a user meets (dotted bucket names, IP endpoints). And what it makes
//! of S3's `200 OK` answers that carry an `<Error>`.

use std::sync::{Arc, Mutex};

use aws_generated::s3::{self, types as s3t};
use smithy_gen_runtime::config::{Config, Credentials};
use smithy_gen_runtime::request::RawResponse;
use smithy_gen_runtime::transport::{BoxFuture, SendError, Sleep, Transport};

/// Records requests and answers each with `200`, the body `.1` (by default
/// a listing) and the headers `.2`.
#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<http::Request<smithy_gen_runtime::Bytes>>>, Option<&'static str>, Vec<(String, String)>);

impl Transport for Recorder {
    fn send(&self, request: http::Request<smithy_gen_runtime::Bytes>, _max_body: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        self.0.lock().unwrap().push(request);
        let body = self.1.unwrap_or("<ListBucketResult><KeyCount>0</KeyCount></ListBucketResult>").as_bytes().to_vec();
        Box::pin(std::future::ready(Ok(RawResponse::new(200, self.2.clone(), body))))
    }
}

#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _: std::time::Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

fn client(region: &str, configure: impl FnOnce(smithy_gen_runtime::ConfigBuilder) -> smithy_gen_runtime::ConfigBuilder) -> (s3::Client, Arc<Recorder>) {
    let recorder = Arc::new(Recorder::default());
    let builder = Config::builder()
        .region(region)
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .transport(recorder.clone())
        .sleep(Arc::new(NoSleep))
        .max_attempts(1);
    (s3::Client::new(configure(builder).build().expect("config")), recorder)
}

/// The URL of the one request `call` makes.
async fn url_of<F, Fut, T>(region: &str, configure: impl FnOnce(smithy_gen_runtime::ConfigBuilder) -> smithy_gen_runtime::ConfigBuilder, call: F) -> String
where
    F: FnOnce(s3::Client) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let (client, recorder) = client(region, configure);
    let _ = call(client).await;
    let sent = recorder.0.lock().unwrap();
    assert_eq!(sent.len(), 1, "one request");
    sent[0].uri().to_string()
}

async fn list_url(configure: impl FnOnce(smithy_gen_runtime::ConfigBuilder) -> smithy_gen_runtime::ConfigBuilder, bucket: &str) -> String {
    let bucket = bucket.to_string();
    url_of("us-west-2", configure, |c| async move { c.list_objects_v2_with(s3t::ListObjectsV2Input::new(bucket)).await }).await
}

#[tokio::test]
async fn buckets_are_addressed_by_the_endpoint_rules() {
    // S3DefaultAddressing, S3VirtualHostAddressing
    assert_eq!(list_url(|b| b, "mybucket").await, "https://mybucket.s3.us-west-2.amazonaws.com/?list-type=2");
    // S3PathAddressing
    assert_eq!(
        list_url(|b| b.client_context_param("ForcePathStyle", true), "mybucket").await,
        "https://s3.us-west-2.amazonaws.com/mybucket?list-type=2"
    );
    // S3VirtualHostDualstackAddressing
    assert_eq!(list_url(|b| b.use_dual_stack(true), "mybucket").await, "https://mybucket.s3.dualstack.us-west-2.amazonaws.com/?list-type=2");
    // S3VirtualHostAccelerateAddressing
    assert_eq!(
        list_url(|b| b.client_context_param("Accelerate", true), "mybucket").await,
        "https://mybucket.s3-accelerate.amazonaws.com/?list-type=2"
    );
    // S3VirtualHostDualstackAccelerateAddressing
    assert_eq!(
        list_url(|b| b.client_context_param("Accelerate", true).use_dual_stack(true), "mybucket").await,
        "https://mybucket.s3-accelerate.dualstack.amazonaws.com/?list-type=2"
    );
    // A bucket name with dots cannot be a TLS host name: path-style.
    assert_eq!(list_url(|b| b, "my.dotted.bucket").await, "https://s3.us-west-2.amazonaws.com/my.dotted.bucket?list-type=2");
    // An IP endpoint (a local test server): path-style.
    assert_eq!(list_url(|b| b.endpoint("http://127.0.0.1:9000"), "mybucket").await, "http://127.0.0.1:9000/mybucket?list-type=2");
    // FIPS.
    assert_eq!(list_url(|b| b.use_fips(true), "mybucket").await, "https://mybucket.s3-fips.us-west-2.amazonaws.com/?list-type=2");
}

async fn get_url(key: &str) -> String {
    let key = key.to_string();
    url_of("us-west-2", |b| b, |c| async move {
        c.get_object_with(s3t::GetObjectInput::new("mybucket", key)).await
    })
    .await
}

#[tokio::test]
async fn object_keys_keep_their_segments_and_are_encoded_once() {
    // S3EscapeObjectKeyInUriLabel, S3EscapePathObjectKeyInUriLabel
    assert_eq!(get_url("my key.txt").await, "https://mybucket.s3.us-west-2.amazonaws.com/my%20key.txt?x-id=GetObject");
    assert_eq!(get_url("foo/bar/my key.txt").await, "https://mybucket.s3.us-west-2.amazonaws.com/foo/bar/my%20key.txt?x-id=GetObject");
    // S3PreservesLeadingDotSegmentInUriLabel, S3PreservesEmbeddedDotSegmentInUriLabel
    assert_eq!(get_url("../key.txt").await, "https://mybucket.s3.us-west-2.amazonaws.com/../key.txt?x-id=GetObject");
    assert_eq!(get_url("foo/../key.txt").await, "https://mybucket.s3.us-west-2.amazonaws.com/foo/../key.txt?x-id=GetObject");
}

#[tokio::test]
async fn requests_are_signed_as_s3_wants() {
    let (client, recorder) = client("us-west-2", |b| b);
    let mut put = s3t::PutObjectInput::new("mybucket", "a b/../c");
    put.body = Some(smithy_gen_runtime::Blob::new(b"hello".to_vec()));
    let _ = client.put_object_with(put).await;
    let sent = recorder.0.lock().unwrap();
    let headers = sent[0].headers();
    // SHA-256 of "hello".
    assert_eq!(
        headers.get("x-amz-content-sha256").and_then(|v| v.to_str().ok()),
        Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    );
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(auth.contains("x-amz-content-sha256") && auth.contains("/us-west-2/s3/aws4_request"), "{auth}");
    assert_eq!(sent[0].uri().path(), "/a%20b/../c");
}

const INTERNAL_ERROR: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>656c76696e6727732072657175657374</RequestId></Error>";

fn answering(body: &'static str, attempts: u32) -> (s3::Client, Arc<Recorder>) {
    answering_with(body, vec![], attempts, |b| b)
}

fn answering_with(
    body: &'static str,
    headers: Vec<(String, String)>,
    attempts: u32,
    configure: impl FnOnce(smithy_gen_runtime::ConfigBuilder) -> smithy_gen_runtime::ConfigBuilder,
) -> (s3::Client, Arc<Recorder>) {
    let recorder = Arc::new(Recorder(Mutex::default(), Some(body), headers));
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .transport(recorder.clone())
        .sleep(Arc::new(NoSleep))
        .max_attempts(attempts);
    (s3::Client::new(configure(config).build().expect("config")), recorder)
}

#[tokio::test]
async fn a_200_with_an_error_document_is_an_error_and_is_retried() {
    use smithy_gen_runtime::error::OperationError;
    let (client, recorder) = answering(INTERNAL_ERROR, 3);
    let copy = s3t::CopyObjectInput::new("dst", "src/key", "copy");
    let err = client.copy_object_with(copy).await.expect_err("an error in a 200");
    assert_eq!(err.code(), Some("InternalError"), "{err}");
    let meta = err.meta().expect("service error");
    assert_eq!((meta.status, meta.request_id.as_deref(), meta.attempts), (200, Some("656c76696e6727732072657175657374"), 3));
    assert_eq!(recorder.0.lock().unwrap().len(), 3, "retried as an internal error");

    let (client, _) = answering(INTERNAL_ERROR, 1);
    let part = s3t::CompletedPart::builder().part_number(1).e_tag("\"e\"").build();
    let parts = s3t::CompletedMultipartUpload::builder().parts(part).build();
    let mut complete = s3t::CompleteMultipartUploadInput::new("b", "k", "upload-1");
    complete.multipart_upload = Some(parts);
    assert_eq!(client.complete_multipart_upload_with(complete).await.expect_err("error").code(), Some("InternalError"));
}

#[tokio::test]
async fn an_object_whose_bytes_are_an_error_document_is_just_data() {
    let (client, _) = answering(INTERNAL_ERROR, 1);
    let got = client.get_object_with(s3t::GetObjectInput::new("b", "stored-error.xml")).await.expect("an object");
    assert_eq!(got.body.as_ref().map(|b| b.as_ref()), Some(INTERNAL_ERROR.as_bytes()));
}

fn header(request: &http::Request<smithy_gen_runtime::Bytes>, name: &str) -> Option<String> {
    request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

#[tokio::test]
async fn request_bodies_carry_flexible_checksums() {
    use smithy_gen_runtime::RequestChecksumCalculation;
    // By default (when supported): CRC32 of the body.
    let (client, recorder) = answering("", 1);
    let mut put = s3t::PutObjectInput::new("b", "k");
    put.body = Some(smithy_gen_runtime::Blob::new(b"Hello world".to_vec()));
    client.put_object_with(put.clone()).await.expect("PutObject");
    // The algorithm the input names.
    put.checksum_algorithm = Some(s3t::ChecksumAlgorithm::Sha256);
    client.put_object_with(put.clone()).await.expect("PutObject");
    put.checksum_algorithm = Some(s3t::ChecksumAlgorithm::Crc64nvme);
    client.put_object_with(put.clone()).await.expect("PutObject");
    {
        let sent = recorder.0.lock().unwrap();
        assert_eq!(header(&sent[0], "x-amz-checksum-crc32").as_deref(), Some("i9aeUg=="));
        assert_eq!(header(&sent[1], "x-amz-checksum-sha256").as_deref(), Some("ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="));
        assert_eq!(header(&sent[1], "x-amz-sdk-checksum-algorithm").as_deref(), Some("SHA256"));
        assert!(header(&sent[2], "x-amz-checksum-crc64nvme").is_some());
        let signed = header(&sent[0], "authorization").unwrap_or_default();
        assert!(signed.contains("x-amz-checksum-crc32"), "the checksum is signed: {signed}");
    }

    // Only when required: PutObject goes without, DeleteObjects (required) with CRC32.
    let (client, recorder) = answering_with("<DeleteResult/>", vec![], 1, |b| b.request_checksum_calculation(RequestChecksumCalculation::WhenRequired));
    let mut put = s3t::PutObjectInput::new("b", "k");
    put.body = Some(smithy_gen_runtime::Blob::new(b"Hello world".to_vec()));
    client.put_object_with(put).await.expect("PutObject");
    let delete = s3t::Delete::builder().objects(s3t::ObjectIdentifier::new("k")).build().expect("objects set");
    client.delete_objects_with(s3t::DeleteObjectsInput::new("b", delete)).await.expect("DeleteObjects");
    let sent = recorder.0.lock().unwrap();
    assert!(!sent[0].headers().keys().any(|k| k.as_str().starts_with("x-amz-checksum-")));
    assert!(header(&sent[1], "x-amz-checksum-crc32").is_some());
}

#[tokio::test]
async fn response_checksums_are_checked_when_asked() {
    let crc = vec![("x-amz-checksum-crc32".to_string(), "i9aeUg==".to_string())];
    let (client, recorder) = answering_with("Hello world", crc.clone(), 1, |b| b);
    let mut get = s3t::GetObjectInput::new("b", "k");
    get.checksum_mode = Some(s3t::ChecksumMode::Enabled);
    assert!(client.get_object_with(get.clone()).await.is_ok());
    // GetObject's `@httpChecksum` is about the response: the request carries
    // no checksum of its own (it had `x-amz-checksum-crc32` of its empty body).
    let sent = recorder.0.lock().unwrap().remove(0);
    let checksums = sent.headers().keys().filter(|k| k.as_str().starts_with("x-amz-checksum-") && k.as_str() != "x-amz-checksum-mode").count();
    assert_eq!(checksums, 0, "{:?}", sent.headers());
    let (client, _) = answering_with("Hello World", crc.clone(), 1, |b| b);
    let err = client.get_object_with(get.clone()).await.expect_err("corrupted");
    assert!(err.to_string().contains("checksum mismatch"), "{err}");
    // Not asked: not checked.
    let (client, _) = answering_with("Hello World", crc, 1, |b| b);
    assert!(client.get_object_with(s3t::GetObjectInput::new("b", "k")).await.is_ok());
}

#[tokio::test]
async fn the_endpoint_rules_auth_scheme_decides_the_signing_region() {
    // `aws-global`: the global endpoint, signed for us-east-1 as its
    // authSchemes property says.
    let (client, recorder) = client("aws-global", |b| b);
    let _ = client.list_objects_v2_with(s3t::ListObjectsV2Input::new("mybucket")).await;
    let sent = recorder.0.lock().unwrap();
    assert_eq!(sent[0].uri().host(), Some("mybucket.s3.amazonaws.com"));
    let auth = sent[0].headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(auth.contains("/us-east-1/s3/aws4_request"), "{auth}");
}

#[tokio::test]
async fn an_auth_scheme_this_client_lacks_is_a_clear_error() {
    use smithy_gen_runtime::error::OperationError;
    // An S3 Express One Zone bucket needs its session auth scheme.
    let (client, recorder) = client("us-east-1", |b| b);
    let err = client.list_objects_v2_with(s3t::ListObjectsV2Input::new("mybucket--use1-az4--x-s3")).await.expect_err("not supported");
    assert_eq!(err.kind(), smithy_gen_runtime::ErrorKind::Transport, "{err}");
    assert!(err.to_string().contains("sigv4-s3express"), "{err}");
    assert!(recorder.0.lock().unwrap().is_empty(), "nothing is sent");
}

/// Answers `500 InternalError` once, then `200` with `body`.
#[derive(Debug, Default)]
struct FailsOnce(Mutex<usize>);

impl Transport for FailsOnce {
    fn send(&self, _: http::Request<smithy_gen_runtime::Bytes>, _: usize) -> BoxFuture<'_, Result<RawResponse, SendError>> {
        let mut n = self.0.lock().unwrap();
        *n += 1;
        let r = if *n == 1 {
            RawResponse::new(500, vec![], b"<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>".to_vec())
        } else {
            RawResponse::new(200, vec![], b"object bytes".to_vec())
        };
        Box::pin(std::future::ready(Ok(r)))
    }
}

/// GET and HEAD are safe to repeat by HTTP's definition: a 500 on
/// `GetObject` (neither `@readonly` nor `@idempotent` in S3's model) is
/// retried; so is one on `PutObject`, one of S3's writes the generator
/// marks safe to repeat (the same bytes under the same key, as botocore
/// retries it); on `CreateBucket` (PUT, not marked) it is not.
#[tokio::test]
async fn a_server_error_on_a_get_is_retried_and_on_an_unmarked_put_is_not() {
    let build = |t: Arc<FailsOnce>| {
        Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
            .transport(t)
            .sleep(Arc::new(NoSleep))
            .max_attempts(3)
            .build()
            .unwrap()
    };
    let t = Arc::new(FailsOnce::default());
    let out = s3::Client::new(build(t.clone())).get_object_with(s3t::GetObjectInput::new("b", "k")).await.expect("retried");
    assert_eq!(out.body.map(|b| b.into_inner()), Some(b"object bytes".to_vec()));
    assert_eq!(*t.0.lock().unwrap(), 2);
    let t = Arc::new(FailsOnce::default());
    s3::Client::new(build(t.clone())).put_object_with(s3t::PutObjectInput::new("b", "k")).await.expect("PutObject is retried");
    assert_eq!(*t.0.lock().unwrap(), 2);
    let t = Arc::new(FailsOnce::default());
    let e = s3::Client::new(build(t.clone())).create_bucket_with(s3t::CreateBucketInput::new("b")).await.expect_err("not retried");
    assert!(e.to_string().contains("InternalError"), "{e}");
    assert_eq!(*t.0.lock().unwrap(), 1);
}
