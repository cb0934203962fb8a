//! S3 `SelectObjectContent`: an output event stream on restXml, whose
//! events carry XML documents (`Stats`, `Progress`) and raw bytes
//! (`Records`). Against moto on 127.0.0.1, the events equal the ones
//! botocore reads from the same server for the same query (and `smithy-call`
//! prints the same events as JSON lines); against a local
//! server playing a recorded-shape stream split at awkward offsets, every
//! event type arrives typed, and an error message in the middle of the
//! stream ends it as the call's error with S3's code and message.

use std::io::Write;
use std::net::TcpListener;

use aws_generated::s3::{self, types as s3t};
use integration_tests::interop::{botocore_select, Moto, SKIP_NOTICE};
use serde_json::{json, Value};
use smithy_gen_runtime::types::blob::Blob;
use smithy_gen_runtime::streams::event_stream::{encode, EventReceiver, Header, HeaderValue, Message};
use smithy_gen_runtime::{Config, Credentials, OperationError};

type Receiver = EventReceiver<s3t::SelectObjectContentEventStream, s3::errors::SelectObjectContentError>;

fn query(bucket: &str, key: &str) -> s3t::SelectObjectContentInput {
    s3t::SelectObjectContentInput::new(
        bucket,
        key,
        "SELECT * FROM S3Object",
        s3t::ExpressionType::Sql,
        s3t::InputSerialization::builder()
            .csv(s3t::CsvInput::builder().file_header_info(s3t::FileHeaderInfo::Use).build())
            .build(),
        s3t::OutputSerialization::builder().json(s3t::JsonOutput::default()).build(),
    )
}

/// Every event until the stream's end, as the JSON of its type.
async fn drain(events: &mut Receiver) -> Vec<Value> {
    let mut out = Vec::new();
    while let Some(event) = events.recv().await.expect("an event or the end") {
        out.push(serde_json::to_value(&event).expect("events serialize"));
    }
    out
}

#[tokio::test]
async fn select_against_moto_reads_the_events_botocore_reads() {
    let Some(moto) = Moto::start() else {
        eprintln!("{SKIP_NOTICE}");
        return;
    };
    let client = s3::Client::new(moto.config());
    client.create_bucket_with(s3t::CreateBucketInput::new("select-bucket")).await.expect("CreateBucket");
    let mut csv = String::from("name,city,n\n");
    for i in 0..500 {
        csv.push_str(&format!("user-{i},city-{},{i}\n", i % 7));
    }
    let mut put = s3t::PutObjectInput::new("select-bucket", "people.csv");
    put.body = Some(Blob::new(csv.into_bytes()));
    client.put_object_with(put).await.expect("PutObject");

    let (output, mut events) = client.select_object_content_with(query("select-bucket", "people.csv")).await.expect("SelectObjectContent");
    assert!(output.payload.is_none(), "the events come through the receiver");
    let ours = drain(&mut events).await;
    assert!(events.recv().await.expect("still the end").is_none(), "the end stays the end");

    let theirs = botocore_select(
        &moto.endpoint,
        &json!({
            "Bucket": "select-bucket", "Key": "people.csv", "Expression": "SELECT * FROM S3Object", "ExpressionType": "SQL",
            "InputSerialization": {"CSV": {"FileHeaderInfo": "USE"}}, "OutputSerialization": {"JSON": {}},
        }),
    );
    assert_eq!(Value::Array(ours.clone()), theirs, "the same events as botocore, in the same order");

    // What the records say (their bytes are the query's answer).
    let records: Vec<u8> = ours
        .iter()
        .filter_map(|e| e.pointer("/Records/Payload").and_then(Value::as_str))
        .flat_map(|b64| smithy_gen_runtime::types::blob::decode(b64).expect("base64"))
        .collect();
    let text = String::from_utf8(records).expect("JSON lines");
    assert!(text.contains(r#"{"name":"user-0","city":"city-0","n":"0"}"#), "{text:.200}");
    assert!(text.contains(r#""name":"user-499""#));
    let stats = ours.iter().find_map(|e| e.pointer("/Stats/Details")).expect("a Stats event");
    assert!(stats["BytesScanned"].as_i64().unwrap_or(0) > 0, "{stats}");
    assert_eq!(ours.last(), Some(&json!({"End": {}})), "the stream ends with End");

    // smithy-call prints the output, then each event as a JSON line.
    let out = std::process::Command::new(integration_tests::smithy_call_binary())
        .args([
            "s3",
            "SelectObjectContent",
            "--input",
            r#"{"Bucket":"select-bucket","Key":"people.csv","Expression":"SELECT * FROM S3Object","ExpressionType":"SQL","InputSerialization":{"CSV":{"FileHeaderInfo":"USE"}},"OutputSerialization":{"JSON":{}}}"#,
            "--endpoint",
            &moto.endpoint,
            "--region",
            "us-east-1",
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .output()
        .expect("run smithy-call");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let printed: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON lines")).collect();
    assert_eq!(&printed[1..], &ours[..], "the output, then the same events");

    // An object that is not there: S3's error, before any stream.
    let err = client.select_object_content_with(query("select-bucket", "missing.csv")).await.expect_err("no such key");
    assert_eq!(err.code(), Some("NoSuchKey"), "{err}");
}

fn event(name: &str, content_type: Option<&str>, payload: &[u8]) -> Vec<u8> {
    let mut m = Message::new(payload.to_vec())
        .add_header(Header::new(":message-type", HeaderValue::String("event".into())))
        .add_header(Header::new(":event-type", HeaderValue::String(name.to_string().into())));
    if let Some(ct) = content_type {
        m = m.add_header(Header::new(":content-type", HeaderValue::String(ct.to_string().into())));
    }
    encode(&m).expect("encodes")
}

/// A server answering one `SelectObjectContent` with `body`, written as
/// chunks of awkward sizes, each its own TCP write.
fn serve(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return };
        let mut pending = Vec::new();
        let Ok(Some((head, request_body))) = integration_tests::read_http_request(&mut stream, &mut pending) else { return };
        assert!(head.starts_with("POST /select-bucket/people.csv?select&select-type=2 "), "{head}");
        let xml = String::from_utf8_lossy(&request_body);
        assert!(xml.contains("<Expression>SELECT * FROM S3Object</Expression>"), "{xml}");
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nx-amz-request-id: sel-1\r\ntransfer-encoding: chunked\r\n\r\n");
        integration_tests::write_awkward_chunks(&mut stream, &body, std::time::Duration::ZERO);
        let _ = stream.write_all(b"0\r\n\r\n");
    });
    url
}

fn local_client(url: &str) -> s3::Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(url)
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
        .max_attempts(1)
        .build()
        .expect("config");
    s3::Client::new(config)
}

const STATS: &str = "<Stats xmlns=\"\"><BytesScanned>1024</BytesScanned><BytesProcessed>1000</BytesProcessed><BytesReturned>64</BytesReturned></Stats>";

#[tokio::test]
async fn every_event_type_arrives_typed_across_awkward_splits() {
    let mut body = event("Records", Some("application/octet-stream"), b"{\"a\":1}\n");
    body.extend(event("Cont", None, b""));
    body.extend(event(
        "Progress",
        Some("text/xml"),
        b"<Progress xmlns=\"\"><BytesScanned>512</BytesScanned><BytesProcessed>500</BytesProcessed><BytesReturned>8</BytesReturned></Progress>",
    ));
    body.extend(event("Records", Some("application/octet-stream"), &[0xff, 0, b'\n']));
    // An event type newer than the model: skipped.
    body.extend(event("Heartbeat", None, b""));
    body.extend(event("Stats", Some("text/xml"), STATS.as_bytes()));
    body.extend(event("End", None, b""));
    let client = local_client(&serve(body));
    let (_, mut events) = client.select_object_content_with(query("select-bucket", "people.csv")).await.expect("SelectObjectContent");
    use s3t::SelectObjectContentEventStream as E;
    let mut seen = Vec::new();
    while let Some(e) = events.recv().await.expect("an event or the end") {
        seen.push(e);
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(matches!(&seen[0], E::Records(r) if r.payload.as_ref().map(Blob::as_bytes) == Some(&b"{\"a\":1}\n"[..])), "{:?}", seen[0]);
    assert!(matches!(&seen[1], E::Cont(_)));
    let E::Progress(p) = &seen[2] else { panic!("{:?}", seen[2]) };
    let details = p.details.as_ref().expect("the progress document");
    assert_eq!((details.bytes_scanned, details.bytes_processed, details.bytes_returned), (Some(512), Some(500), Some(8)));
    assert!(matches!(&seen[3], E::Records(r) if r.payload.as_ref().map(Blob::as_bytes) == Some(&[0xff, 0, b'\n'][..])), "bytes, not text");
    let E::Stats(s) = &seen[4] else { panic!("{:?}", seen[4]) };
    assert_eq!(s.details.as_ref().and_then(|d| d.bytes_scanned), Some(1024));
    assert!(matches!(&seen[5], E::End(_)));
}

#[tokio::test]
async fn an_error_message_mid_stream_is_the_calls_error() {
    let mut body = event("Records", Some("application/octet-stream"), b"{\"a\":1}\n");
    let error = Message::new(Vec::new())
        .add_header(Header::new(":message-type", HeaderValue::String("error".into())))
        .add_header(Header::new(":error-code", HeaderValue::String("CSVParsingError".into())))
        .add_header(Header::new(":error-message", HeaderValue::String("Encountered an error parsing the CSV file".into())));
    body.extend(encode(&error).unwrap());
    let client = local_client(&serve(body));
    let (_, mut events) = client.select_object_content_with(query("select-bucket", "people.csv")).await.expect("SelectObjectContent");
    assert!(matches!(events.recv().await, Ok(Some(s3t::SelectObjectContentEventStream::Records(_)))));
    let err = events.recv().await.expect_err("the error message");
    assert_eq!(err.code(), Some("CSVParsingError"));
    assert!(err.to_string().contains("Encountered an error parsing the CSV file"), "{err}");

    // A Stats document that is not XML: a parse failure that says which event.
    let body = event("Stats", Some("text/xml"), b"<Stats><BytesScanned>12</Stats>");
    let client = local_client(&serve(body));
    let (_, mut events) = client.select_object_content_with(query("select-bucket", "people.csv")).await.expect("SelectObjectContent");
    let err = events.recv().await.expect_err("malformed");
    assert!(err.to_string().contains("Stats"), "{err}");
}
