//! Presigned requests (SigV4 in the query string): the URLs of S3
//! `GetObject` and `PutObject` (virtual-hosted and path-style, two regions,
//! with a session token) and of STS and IAM operations equal botocore's
//! `generate_presigned_url` byte for byte for the same credentials, time and
//! input; presigned `PutObject` and `GetObject` URLs work against moto with a
//! plain HTTP/1.1 request and no credentials; expiries beyond 7 days are
//! refused; `Debug` hides the signature, the token and S3's customer key;
//! a body the URL would drop, a signing time past the year 9999 are errors;
//! the expiration is the credentials' when they expire first; `smithy-call
//! --presign` prints a URL botocore agrees with. The botocore and moto tests
//! skip with a notice without the interop Python environment.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use aws_generated::{iam, s3, sts, PresignedRequest, PresigningConfig};
use integration_tests::interop::{botocore_presign, python, Moto, SKIP_NOTICE};
use serde_json::{json, Value};
use smithy_gen_runtime::{Config, Credentials, OperationError};

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// With characters the query string must encode (`/`, `+`, `=`).
const TOKEN: &str = "FwoGZXIvYXdzEJr//////////wEaDH+session/token==";
/// 2026-01-02T03:04:05Z.
const SIGNED_AT: u64 = 1_767_323_045;
const SIGNED_AT_AMZ: &str = "20260102T030405Z";

fn config(region: &str, token: Option<&str>, path_style: bool) -> Config {
    let mut builder = Config::builder().region(region).credentials(Credentials::new(ACCESS_KEY, SECRET_KEY, token.map(str::to_string)));
    if path_style {
        builder = builder.client_context_param("ForcePathStyle", true);
    }
    builder.build().expect("a valid configuration")
}

fn presigning(seconds: u64) -> PresigningConfig {
    PresigningConfig::expires_in(Duration::from_secs(seconds)).expect("a valid expiry").with_start_time(UNIX_EPOCH + Duration::from_secs(SIGNED_AT))
}

/// botocore's case for `service`/`operation` with `params` (the model's
/// member names), as [`config`] configures our client.
fn case(service: &str, operation: &str, params: Value, region: &str, token: Option<&str>, path_style: bool, expires_in: u64) -> Value {
    json!({
        "service": service,
        "operation": operation,
        "params": params,
        "region": region,
        "addressing_style": if service == "s3" { json!(if path_style { "path" } else { "virtual" }) } else { Value::Null },
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "session_token": token,
        "time": SIGNED_AT_AMZ,
        "expires_in": expires_in,
    })
}

#[tokio::test]
async fn presigned_urls_equal_botocores_byte_for_byte() {
    if python().is_none() {
        eprintln!("{SKIP_NOTICE}");
        return;
    }
    let mut ours: Vec<(String, PresignedRequest)> = Vec::new();
    let mut cases = Vec::new();
    for (region, path_style) in [("us-east-1", false), ("eu-west-1", true), ("eu-west-1", false)] {
        let client = s3::Client::new(config(region, Some(TOKEN), path_style));
        let get = client.get_object().bucket("my-bucket").key("dir/a b+c~d.txt").presigned(presigning(3600)).await.expect("GetObject presigned");
        ours.push((format!("GetObject {region} path-style {path_style}"), get));
        cases.push(case("s3", "GetObject", json!({"Bucket": "my-bucket", "Key": "dir/a b+c~d.txt"}), region, Some(TOKEN), path_style, 3600));

        let get = client
            .get_object()
            .bucket("my-bucket")
            .key("k")
            .version_id("v 1")
            .response_content_disposition("attachment; filename=\"x.txt\"")
            .presigned(presigning(60))
            .await
            .expect("GetObject with query parameters presigned");
        ours.push((format!("GetObject (response-content-disposition, versionId) {region}"), get));
        cases.push(case(
            "s3",
            "GetObject",
            // botocore writes query parameters in the order of its input's
            // keys (the signature does not depend on it); ours follow the model.
            json!({"Bucket": "my-bucket", "Key": "k", "ResponseContentDisposition": "attachment; filename=\"x.txt\"", "VersionId": "v 1"}),
            region,
            Some(TOKEN),
            path_style,
            60,
        ));

        let put = client
            .put_object()
            .bucket("my-bucket")
            .key("up/load.txt")
            .content_type("text/plain")
            .server_side_encryption(s3::types::ServerSideEncryption::Aes256)
            .presigned(presigning(604_800))
            .await
            .expect("PutObject presigned");
        assert_eq!(
            put.headers(),
            [("content-type".to_string(), "text/plain".to_string()), ("x-amz-server-side-encryption".to_string(), "AES256".to_string())],
            "the holder sends the signed headers the input set"
        );
        assert_eq!(put.method(), "PUT");
        ours.push((format!("PutObject {region} path-style {path_style}"), put));
        cases.push(case(
            "s3",
            "PutObject",
            json!({"Bucket": "my-bucket", "Key": "up/load.txt", "ContentType": "text/plain", "ServerSideEncryption": "AES256"}),
            region,
            Some(TOKEN),
            path_style,
            604_800,
        ));
    }
    // Without a session token, and outside S3 (the query protocols' form
    // moves into the URL; the payload signed is the empty body's).
    let client = s3::Client::new(config("eu-west-1", None, false));
    ours.push(("GetObject without a token".into(), client.get_object().bucket("b").key("k").presigned(presigning(900)).await.expect("presigned")));
    cases.push(case("s3", "GetObject", json!({"Bucket": "b", "Key": "k"}), "eu-west-1", None, false, 900));
    let client = sts::Client::new(config("eu-west-1", Some(TOKEN), false));
    ours.push(("STS GetCallerIdentity".into(), client.get_caller_identity().presigned(presigning(3600)).await.expect("presigned")));
    cases.push(case("sts", "GetCallerIdentity", json!({}), "eu-west-1", Some(TOKEN), false, 3600));
    ours.push((
        "STS GetSessionToken".into(),
        client.get_session_token().duration_seconds(900).serial_number("arn:aws:iam::123456789012:mfa/user").presigned(presigning(300)).await.expect("presigned"),
    ));
    cases.push(case("sts", "GetSessionToken", json!({"DurationSeconds": 900, "SerialNumber": "arn:aws:iam::123456789012:mfa/user"}), "eu-west-1", Some(TOKEN), false, 300));
    let client = iam::Client::new(config("us-east-1", None, false));
    ours.push(("IAM GetRole".into(), client.get_role().role_name("my-role").presigned(presigning(3600)).await.expect("presigned")));
    cases.push(case("iam", "GetRole", json!({"RoleName": "my-role"}), "us-east-1", None, false, 3600));

    let theirs = botocore_presign(&Value::Array(cases));
    let theirs = theirs.as_array().expect("an array");
    assert_eq!(theirs.len(), ours.len());
    for ((name, ours), theirs) in ours.iter().zip(theirs) {
        let Some(url) = theirs["url"].as_str() else { panic!("{name}: botocore: {theirs}") };
        assert_eq!(ours.uri(), url, "{name}");
    }
    // The query protocols sign their method, as botocore does.
    assert_eq!(ours.iter().find(|(n, _)| n == "STS GetCallerIdentity").map(|(_, p)| p.method()), Some("POST"));
}

/// One HTTP/1.1 request over a new connection, as a holder of the URL
/// would send it: no credentials, only the URL and the given headers.
/// Returns the status and the body.
fn http_request(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> (u16, Vec<u8>) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (authority, target) = rest.split_at(rest.find('/').expect("a path"));
    let mut stream = std::net::TcpStream::connect(authority).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write the head");
    stream.write_all(body).expect("write the body");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read the response");
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let mut body = response[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut decoded = Vec::new();
        let mut rest = &body[..];
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n").expect("a chunk size");
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16).expect("a hex chunk size");
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest = &rest[line_end + 2 + size + 2..];
        }
        body = decoded;
    }
    (status, body)
}

#[tokio::test]
async fn presigned_put_and_get_work_against_moto_with_a_plain_http_client() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = s3::Client::new(moto.config());
    client.create_bucket().bucket("presigned").send().await.expect("CreateBucket");
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let config = PresigningConfig::expires_in(Duration::from_secs(900)).expect("valid");

    let put = client.put_object().bucket("presigned").key("dir/an object.bin").content_type("application/x-test").presigned(config).await.expect("PutObject presigned");
    assert!(put.uri().starts_with(&format!("{}/presigned/dir/an%20object.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&", moto.endpoint)), "{}", put.uri());
    let (status, body) = http_request(put.method(), put.uri(), put.headers(), &bytes);
    assert_eq!(status, 200, "PUT: {}\n{}", String::from_utf8_lossy(&body), moto.log());

    let get = client.get_object().bucket("presigned").key("dir/an object.bin").presigned(config).await.expect("GetObject presigned");
    assert_eq!((get.method(), get.headers()), ("GET", &[][..]));
    let (status, body) = http_request(get.method(), get.uri(), get.headers(), b"");
    assert_eq!(status, 200, "GET: {}", String::from_utf8_lossy(&body));
    assert!(body == bytes, "the object comes back byte for byte ({} bytes of {})", body.len(), bytes.len());
    // What the presigned PUT stored is what the client reads.
    let head = client.head_object().bucket("presigned").key("dir/an object.bin").send().await.expect("HeadObject");
    assert_eq!((head.content_length, head.content_type.as_deref()), (Some(bytes.len() as i64), Some("application/x-test")));
}

#[tokio::test]
async fn expiries_beyond_seven_days_are_refused_and_debug_hides_the_credential() {
    let err = PresigningConfig::expires_in(Duration::from_secs(604_801)).expect_err("8 days is too long");
    assert!(err.to_string().contains("7 days"), "{err}");
    assert!(PresigningConfig::expires_in(Duration::ZERO).is_err());
    assert!(PresigningConfig::expires_in(Duration::from_secs(604_800)).is_ok());

    let client = s3::Client::new(config("eu-west-1", Some(TOKEN), false));
    let get = client.get_object().bucket("b").key("k").presigned(presigning(600)).await.expect("presigned");
    assert_eq!(get.expiration(), UNIX_EPOCH + Duration::from_secs(SIGNED_AT + 600));
    let signature = get.uri().rsplit("X-Amz-Signature=").next().expect("a signature").to_string();
    assert_eq!(signature.len(), 64, "{}", get.uri());
    let shown = format!("{get:?}");
    assert!(!shown.contains(&signature) && !shown.contains("FwoGZXIvYXdzEJr"), "{shown}");
    assert!(shown.contains("X-Amz-Security-Token=** redacted **") && shown.contains("X-Amz-Signature=** redacted **"), "{shown}");
    assert!(shown.contains("X-Amz-Credential=AKIDEXAMPLE%2F20260102%2Feu-west-1%2Fs3%2Faws4_request"), "{shown}");

    // An input that fails validation is the operation's validation error.
    let missing = client.get_object().bucket("b").presigned(presigning(600)).await.expect_err("Key is required");
    assert_eq!(missing.kind(), smithy_gen_runtime::ErrorKind::Validation, "{missing}");
}

#[tokio::test]
async fn debug_hides_s3s_customer_key_and_the_tokens_of_headers() {
    let client = s3::Client::new(config("eu-west-1", Some(TOKEN), false));
    let key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";
    let get = client
        .get_object()
        .bucket("b")
        .key("k")
        .sse_customer_algorithm("AES256")
        .sse_customer_key(key)
        .sse_customer_key_md5("c2VjcmV0LW1kNQ==")
        .presigned(presigning(600))
        .await
        .expect("presigned");
    assert!(get.headers().iter().any(|(k, v)| k == "x-amz-server-side-encryption-customer-key" && v == key), "the holder sends it: {:?}", get.headers());
    let shown = format!("{get:?}");
    assert!(!shown.contains("MDEyMzQ1Njc4OTAx") && !shown.contains("c2VjcmV0LW1kNQ"), "{shown}");
    assert!(shown.contains(r#"("x-amz-server-side-encryption-customer-algorithm", "AES256")"#), "{shown}");
    assert!(shown.contains(r#"("x-amz-server-side-encryption-customer-key", "** redacted **")"#), "{shown}");
}

#[tokio::test]
async fn a_body_the_url_would_drop_and_a_signing_time_past_9999_are_errors_not_a_silent_url_or_a_panic() {
    let client = s3::Client::new(config("eu-west-1", None, false));
    // CreateBucket's XML comes from its input: the URL would leave it out.
    // (DeleteObjects, whose XML body is required, has no `presigned`.)
    let mut location = s3::types::CreateBucketConfiguration::default();
    location.location_constraint = Some(s3::types::BucketLocationConstraint::EuWest1);
    let err = client.create_bucket().bucket("b").create_bucket_configuration(location).presigned(presigning(600)).await.expect_err("a body");
    assert!(format!("{err}").contains("CreateBucket has a") && format!("{err}").contains("an S3 presigned URL leaves the body to whoever holds it"), "{err}");
    assert!(client.create_bucket().bucket("b").presigned(presigning(600)).await.is_ok(), "without a configuration, no body");
    // PutObject's object is the holder's to send, not the input's.
    let err = client.put_object().bucket("b").key("k").body(b"data".to_vec()).presigned(presigning(600)).await.expect_err("a body");
    assert!(format!("{err}").contains("PutObject has a 4-byte body"), "{err}");

    for start in [UNIX_EPOCH + Duration::from_secs(i64::MAX as u64 - 10), UNIX_EPOCH + Duration::from_secs(253_402_300_800)] {
        let config = PresigningConfig::expires_in(Duration::from_secs(604_800)).expect("valid").with_start_time(start);
        let err = client.get_object().bucket("b").key("k").presigned(config).await.expect_err("beyond 9999");
        assert!(format!("{err}").contains("is outside the years 1970 to 9999 that X-Amz-Date can write"), "{err}");
    }
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("the log").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_expiration_is_the_credentials_expiry_when_they_expire_first_and_a_warning_says_so() {
    let credentials_expire = UNIX_EPOCH + Duration::from_secs(SIGNED_AT + 3600);
    let expiring = Credentials::new(ACCESS_KEY, SECRET_KEY, Some(TOKEN.to_string())).with_expiry(credentials_expire);
    let client = s3::Client::new(Config::builder().region("eu-west-1").credentials(expiring).build().expect("a configuration"));
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::WARN).with_writer(move || writer.clone()).finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let week = client.get_object().bucket("b").key("k").presigned(presigning(604_800)).await.expect("presigned");
    drop(guard);
    // The URL says what was asked, as botocore's does (the same URL as with
    // credentials that do not expire); the expiration is the credentials'.
    let lasting = s3::Client::new(config("eu-west-1", Some(TOKEN), false));
    let same = lasting.get_object().bucket("b").key("k").presigned(presigning(604_800)).await.expect("presigned");
    assert_eq!(week.uri(), same.uri());
    assert!(week.uri().contains("&X-Amz-Expires=604800&"), "{}", week.uri());
    assert_eq!(week.expiration(), credentials_expire);
    assert_eq!(same.expiration(), UNIX_EPOCH + Duration::from_secs(SIGNED_AT + 604_800));
    let logged = String::from_utf8_lossy(&log.0.lock().expect("the log")).into_owned();
    assert!(logged.contains("WARN") && logged.contains("expire 601200 seconds before its X-Amz-Expires of 604800 seconds"), "{logged}");
    assert!(!logged.contains(SECRET_KEY) && !logged.contains("FwoGZXIvYXdzEJr") && !logged.contains("X-Amz-Signature"), "{logged}");
    // Credentials that outlast the URL change nothing.
    let short = client.get_object().bucket("b").key("k").presigned(presigning(600)).await.expect("presigned");
    assert_eq!(short.expiration(), UNIX_EPOCH + Duration::from_secs(SIGNED_AT + 600));
}

fn smithy_call(args: &[&str]) -> std::process::Output {
    std::process::Command::new(integration_tests::smithy_call_binary())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .output()
        .expect("run smithy-call")
}

#[test]
fn smithy_call_presign_prints_the_url_method_and_headers() {
    let out = smithy_call(&[
        "s3",
        "PutObject",
        "--region",
        "eu-west-1",
        "--input",
        r#"{"Bucket":"my-bucket","Key":"k","ContentType":"text/plain"}"#,
        "--presign",
        "--expires-in",
        "900",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!((&printed["method"], &printed["headers"], &printed["expires_in"]), (&json!("PUT"), &json!({"content-type": "text/plain"}), &json!(900)));
    let url = printed["url"].as_str().expect("a URL");
    assert!(url.starts_with("https://my-bucket.s3.eu-west-1.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F"), "{url}");
    assert!(url.contains("&X-Amz-Expires=900&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Security-Token="), "{url}");
    // Signed at the tool's clock: botocore, at the same time, agrees.
    if python().is_some() {
        let date = url.split("X-Amz-Date=").nth(1).and_then(|d| d.get(..16)).expect("X-Amz-Date");
        let mut case = case("s3", "PutObject", json!({"Bucket": "my-bucket", "Key": "k", "ContentType": "text/plain"}), "eu-west-1", Some(TOKEN), false, 900);
        case["time"] = json!(date);
        let theirs = botocore_presign(&json!([case]));
        assert_eq!(theirs[0]["url"].as_str(), Some(url), "{theirs}");
    }

    let long = smithy_call(&["s3", "GetObject", "--input", r#"{"Bucket":"b","Key":"k"}"#, "--presign", "--expires-in", "604801"]);
    let stderr = String::from_utf8_lossy(&long.stderr);
    assert_eq!(long.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--expires-in 604801") && stderr.contains("7 days"), "{stderr}");

    let stream = smithy_call(&["logs", "StartLiveTail", "--region", "eu-west-1", "--input", r#"{"logGroupIdentifiers":["g"]}"#, "--presign"]);
    let stderr = String::from_utf8_lossy(&stream.stderr);
    assert_eq!(stream.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("StartLiveTail has an event stream: it cannot be presigned"), "{stderr}");

    let both = smithy_call(&["s3", "GetObject", "--input", r#"{"Bucket":"b","Key":"k"}"#, "--presign", "--dry-run"]);
    assert_eq!(both.status.code(), Some(2), "{}", String::from_utf8_lossy(&both.stderr));

    // A presign the runtime refuses (a body the URL would drop) is the
    // input's fault and sends nothing: exit 2, as for invalid input, not 3.
    let body = smithy_call(&["s3", "DeleteObjects", "--region", "eu-west-1", "--input", r#"{"Bucket":"b","Delete":{"Objects":[{"Key":"k"}]}}"#, "--presign"]);
    let stderr = String::from_utf8_lossy(&body.stderr);
    assert_eq!(body.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("body"), "{stderr}");
}
