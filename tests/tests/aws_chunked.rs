//! Streamed uploads with a flexible checksum: the body goes out as
//! `aws-chunked` with the checksum in its trailer, computed as the bytes
//! pass. The encoding is byte for byte botocore's (`AwsChunkedWrapper`) for
//! the same chunk size; moto decodes such a `PutObject`, stores the bytes and
//! reports the trailer's checksum, which is the one S3 computes for them,
//! also for a body read from a file (`StreamingBody::from_file`, and
//! `smithy-call --body @file`, whose `--body-out` writes a download).

use aws_generated::s3::{self, types as s3t};
use integration_tests::interop::{botocore_aws_chunked, Moto, SKIP_NOTICE};
use serde_json::{json, Value};
use smithy_gen_runtime::streams::aws_chunked::{wrap, CHUNK_SIZE};
use smithy_gen_runtime::types::blob::{decode, encode};
use smithy_gen_runtime::checksums::{checksum_header, Hasher};
use smithy_gen_runtime::transport::StreamingBody;

fn data(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()
}

/// Everything `body` produces.
async fn drain(mut body: StreamingBody) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(piece) = std::future::poll_fn(|cx| body.chunks.poll_chunk(cx)).await {
        out.extend_from_slice(&piece.expect("the body's bytes"));
    }
    out
}

/// `bytes` fed through a channel in pieces of `piece` bytes.
fn streamed(bytes: Vec<u8>, piece: usize) -> StreamingBody {
    let (sender, body) = StreamingBody::channel(4, Some(bytes.len() as u64));
    tokio::spawn(async move {
        for c in bytes.chunks(piece) {
            if sender.send(c.to_vec()).await.is_err() {
                return;
            }
        }
    });
    body
}

#[tokio::test]
async fn the_encoding_is_botocores() {
    if integration_tests::interop::python().is_none() {
        eprintln!("{SKIP_NOTICE}");
        return;
    }
    let sizes = [0usize, 1, 11, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE + 4321];
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for size in sizes {
        for algorithm in ["crc32", "sha1", "sha256"] {
            let bytes = data(size);
            cases.push(json!({"data": encode(&bytes), "algorithm": algorithm, "chunk_size": CHUNK_SIZE}));
            let (body, decoded) = wrap(streamed(bytes, 5_000), Hasher::new(algorithm).unwrap()).expect("a known length");
            assert_eq!(decoded, size as u64);
            let stated = body.length;
            let encoded = drain(body).await;
            assert_eq!(stated, Some(encoded.len() as u64), "the stated length is the encoded one ({size} bytes, {algorithm})");
            ours.push(encoded);
        }
    }
    let theirs = botocore_aws_chunked(&Value::Array(cases));
    let theirs: Vec<Vec<u8>> = theirs.as_array().expect("an array").iter().map(|v| decode(v.as_str().unwrap()).unwrap()).collect();
    assert_eq!(theirs.len(), ours.len());
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert!(a == b, "case {i}: ours and botocore's differ\nours:   {:?}\ntheirs: {:?}", String::from_utf8_lossy(&a[a.len().saturating_sub(80)..]), String::from_utf8_lossy(&b[b.len().saturating_sub(80)..]));
    }
}

#[tokio::test]
async fn a_streamed_put_object_carries_its_crc32_in_the_trailer() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = s3::Client::new(moto.config());
    client.create_bucket_with(s3t::CreateBucketInput::new("chunked-bucket")).await.expect("CreateBucket");
    let bytes = data(3 * CHUNK_SIZE + 999);
    let (_, crc32) = checksum_header("CRC32", &bytes).unwrap();

    let put = client
        .put_object_from_stream(s3t::PutObjectInput::new("chunked-bucket", "chunked.bin"), streamed(bytes.clone(), 10_000))
        .await
        .expect("PutObject, streamed with a trailer");
    assert_eq!(put.checksum_crc32.as_deref(), Some(crc32.as_str()), "moto read the trailer's CRC32, the body's");

    let mut get = s3t::GetObjectInput::new("chunked-bucket", "chunked.bin");
    get.checksum_mode = Some(s3t::ChecksumMode::Enabled);
    let back = client.get_object_with(get).await.expect("GetObject");
    assert!(back.body.as_ref().map(|b| b.as_ref()) == Some(&bytes[..]), "the stored object is the decoded body, not its encoding");
    assert_eq!(back.checksum_crc32.as_deref(), Some(crc32.as_str()));

    // From a file: read as it is sent, its length from its metadata.
    let path = std::env::temp_dir().join(format!("smithy-aws-chunked-{}.bin", std::process::id()));
    let file_bytes = data(CHUNK_SIZE * 2 + 77);
    std::fs::write(&path, &file_bytes).expect("a temporary file");
    let body = StreamingBody::from_file(&path).await.expect("the file opens");
    assert_eq!(body.length, Some(file_bytes.len() as u64));
    let put = client.put_object_from_stream(s3t::PutObjectInput::new("chunked-bucket", "from-file.bin"), body).await;
    let _ = std::fs::remove_file(&path);
    let put = put.expect("PutObject from a file");
    assert_eq!(put.checksum_crc32, Some(checksum_header("CRC32", &file_bytes).unwrap().1));
    let back = client.get_object_with(s3t::GetObjectInput::new("chunked-bucket", "from-file.bin")).await.expect("GetObject");
    assert!(back.body.as_ref().map(|b| b.as_ref()) == Some(&file_bytes[..]), "the file arrived whole");

    // smithy-call: `--body @file` uploads the file as it is read,
    // `--body-out FILE` writes the object as it arrives.
    let up = std::env::temp_dir().join(format!("smithy-call-up-{}.bin", std::process::id()));
    let down = std::env::temp_dir().join(format!("smithy-call-down-{}.bin", std::process::id()));
    std::fs::write(&up, &file_bytes).unwrap();
    let call = |args: &[&str]| {
        std::process::Command::new(integration_tests::smithy_call_binary())
            .args(args)
            .args(["--endpoint", &moto.endpoint, "--region", "us-east-1"])
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .env("AWS_CONFIG_FILE", "/nonexistent/config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
            .output()
            .expect("run smithy-call")
    };
    let key = r#"{"Bucket":"chunked-bucket","Key":"via-cli.bin"}"#;
    let put = call(&["s3", "PutObject", "--input", key, "--body", &format!("@{}", up.display())]);
    let printed: Value = serde_json::from_slice(&put.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&put.stderr)));
    assert_eq!(printed["ChecksumCRC32"].as_str(), Some(checksum_header("CRC32", &file_bytes).unwrap().1.as_str()), "{printed}");
    let get = call(&["s3", "GetObject", "--input", key, "--body-out", &down.display().to_string()]);
    assert!(get.status.success(), "{}", String::from_utf8_lossy(&get.stderr));
    let printed: Value = serde_json::from_slice(&get.stdout).expect("the output's other members");
    assert_eq!(printed["ContentLength"].as_i64(), Some(file_bytes.len() as i64));
    assert!(printed.get("Body").is_none(), "the body went to the file: {printed}");
    let written = std::fs::read(&down).expect("the file --body-out wrote");
    let _ = (std::fs::remove_file(&up), std::fs::remove_file(&down));
    assert!(written == file_bytes, "the object, byte for byte");
    let wrong = call(&["s3", "HeadObject", "--input", key, "--body-out", "/tmp/never"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--body-out is for operations whose output payload is a streaming blob"));

    // A checksum the caller gives goes as a header, as given; no trailer.
    let small = b"given checksum".to_vec();
    let (_, sha256) = checksum_header("SHA256", &small).unwrap();
    let mut input = s3t::PutObjectInput::new("chunked-bucket", "given.bin");
    input.checksum_algorithm = Some(s3t::ChecksumAlgorithm::Sha256);
    input.checksum_sha256 = Some(sha256.clone());
    let put = client.put_object_from_stream(input, streamed(small.clone(), 4)).await.expect("PutObject with a given checksum");
    assert_eq!(put.checksum_sha256.as_deref(), Some(sha256.as_str()));
    let back = client.get_object_with(s3t::GetObjectInput::new("chunked-bucket", "given.bin")).await.expect("GetObject");
    assert!(back.body.as_ref().map(|b| b.as_ref()) == Some(&small[..]));
}
