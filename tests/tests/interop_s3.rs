//! The S3 client generated from the official S3 model (restXml) against a
//! real moto server on 127.0.0.1: the endpoint rules address the bucket
//! (path-style for an IP endpoint), objects of several MiB go up and come
//! back byte for byte, listings page with the paginator, and S3's own error
//! shapes arrive as the modeled errors. Skipped with a notice without the
//! interop Python environment, unless `SMITHY_REQUIRE_INTEROP=1` (as in
//! `cargo xtask ci`).

use aws_generated::s3::{self, errors::GetObjectError, errors::HeadObjectError, types as s3t};
use integration_tests::interop::{Moto, SKIP_NOTICE};
use smithy_gen_runtime::types::blob::Blob;
use smithy_gen_runtime::error::OperationError;


/// 5 MiB of bytes that are not all alike (so a truncation or shuffle shows).
fn payload() -> Vec<u8> {
    (0..5 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect()
}

#[tokio::test]
async fn s3_objects_round_trip_list_with_the_paginator_and_report_modeled_errors() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = s3::Client::new(moto.config());
    client.create_bucket_with(s3t::CreateBucketInput::new("data-bucket")).await.expect("CreateBucket");

    let bytes = payload();
    let mut put = s3t::PutObjectInput::new("data-bucket", "dir/big object.bin");
    put.body = Some(Blob::new(bytes.clone()));
    put.content_type = Some("application/octet-stream".into());
    put.metadata = Some([("origin".to_string(), "interop test".to_string())].into());
    let put = client.put_object_with(put).await.expect("PutObject");
    assert!(put.e_tag.as_deref().is_some_and(|e| e.starts_with('"')), "{:?}", put.e_tag);

    let got = client.get_object_with(s3t::GetObjectInput::new("data-bucket", "dir/big object.bin")).await.expect("GetObject");
    assert_eq!(got.content_length, Some(bytes.len() as i64));
    assert_eq!(got.e_tag, put.e_tag);
    assert_eq!(got.metadata.as_ref().and_then(|m| m.get("origin")).map(String::as_str), Some("interop test"));
    assert!(got.body.as_ref().map(|b| b.as_ref()) == Some(&bytes[..]), "the object comes back byte for byte");

    // Streamed: read as it arrives, with a response limit far below its size.
    let small_limit = s3::Client::new(moto.config()).with_config(|c| c.with_max_response_body(64 * 1024));
    let (out, mut body) = small_limit.get_object_stream(s3t::GetObjectInput::new("data-bucket", "dir/big object.bin")).await.expect("GetObject, streamed");
    assert_eq!((out.content_length, out.body.is_none()), (Some(bytes.len() as i64), true));
    let (mut streamed, mut chunks) = (Vec::new(), 0);
    while let Some(chunk) = body.next_chunk().await {
        streamed.extend_from_slice(&chunk.expect("a chunk"));
        chunks += 1;
    }
    assert!(streamed == bytes, "the streamed object is the object");
    assert!(chunks > 1, "it came in {chunks} chunk(s)");
    let whole = small_limit.get_object_with(s3t::GetObjectInput::new("data-bucket", "dir/big object.bin")).await.expect_err("over the limit");
    assert!(whole.to_string().contains("limit"), "{whole}");
    let missing = small_limit.get_object_stream(s3t::GetObjectInput::new("data-bucket", "no such key")).await.expect_err("no such key");
    assert!(matches!(missing, s3::errors::GetObjectError::NoSuchKey(_)), "{missing:?}");

    // Uploaded as it is produced, 64 KiB at a time, and read back whole.
    let (sender, body) = smithy_gen_runtime::transport::StreamingBody::channel(4, Some(bytes.len() as u64));
    let chunks: Vec<Vec<u8>> = bytes.chunks(64 * 1024).map(<[u8]>::to_vec).collect();
    let feed = tokio::spawn(async move {
        for c in chunks {
            sender.send(c).await.expect("the upload takes it");
        }
    });
    let put = client.put_object_from_stream(s3t::PutObjectInput::new("data-bucket", "streamed.bin"), body).await.expect("PutObject, streamed");
    feed.await.unwrap();
    assert!(put.e_tag.is_some());
    let back = client.get_object_with(s3t::GetObjectInput::new("data-bucket", "streamed.bin")).await.expect("GetObject");
    assert!(back.body.as_ref().map(|b| b.as_ref()) == Some(&bytes[..]), "the streamed upload arrived whole");
    // A body shorter than its stated length is refused, not sent short.
    let (sender, body) = smithy_gen_runtime::transport::StreamingBody::channel(1, Some(10));
    let feed = tokio::spawn(async move { sender.send(vec![1u8; 4]).await.ok() });
    let e = client.put_object_from_stream(s3t::PutObjectInput::new("data-bucket", "short.bin"), body).await.expect_err("short");
    feed.await.unwrap();
    assert!(e.to_string().contains("PutObject: "), "{e}");

    let head = client.head_object_with(s3t::HeadObjectInput::new("data-bucket", "dir/big object.bin")).await.expect("HeadObject");
    assert_eq!(head.content_length, Some(bytes.len() as i64));

    // More than one page of 1,000 keys.
    let keys: Vec<String> = (0..1_205).map(|i| format!("many/key-{i:05}")).collect();
    for key in &keys {
        let mut put = s3t::PutObjectInput::new("data-bucket", key.as_str());
        put.body = Some(Blob::new(key.as_bytes().to_vec()));
        client.put_object_with(put).await.expect("PutObject (small)");
    }
    let mut list = s3t::ListObjectsV2Input::new("data-bucket");
    list.prefix = Some("many/".into());
    let pages = client.list_objects_v2_paginator(list.clone()).collect_pages().await.expect("pages");
    assert!(pages[0].next_continuation_token.is_some() && pages[1].next_continuation_token.is_none());
    assert_eq!(pages[1].key_count, Some(205));
    assert_eq!(pages.len(), 2, "1,205 keys in pages of at most 1,000");
    assert_eq!(pages[0].key_count, Some(1000));
    // The model's @paginated names no items: the keys are each page's Contents.
    let _ = list;
    let listed: Vec<String> =
        pages.into_iter().flat_map(|p| p.contents.unwrap_or_default()).filter_map(|o| o.key).collect();
    assert_eq!(listed, keys, "every key once, in order");

    client.delete_object_with(s3t::DeleteObjectInput::new("data-bucket", "dir/big object.bin")).await.expect("DeleteObject");
    let err = client.get_object_with(s3t::GetObjectInput::new("data-bucket", "dir/big object.bin")).await.expect_err("deleted");
    match &err {
        GetObjectError::NoSuchKey(e) => {
            assert_eq!(e.meta.code, "NoSuchKey");
            assert_eq!(e.meta.status, 404);
        }
        other => panic!("expected the modeled NoSuchKey error, got {other:?}"),
    }
    assert_eq!(err.code(), Some("NoSuchKey"));

    // HEAD answers without a body: the status says what happened.
    let err = client.head_object_with(s3t::HeadObjectInput::new("data-bucket", "dir/big object.bin")).await.expect_err("deleted");
    assert!(matches!(err, HeadObjectError::NotFound(_)), "{err:?}");
}
