//! SigV4: our signer (aws-sigv4 through the runtime) gives exactly the
//! headers botocore's signer gives for the same request, credentials and
//! time; and one published AWS test vector (`get-vanilla`) checked directly.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_generated::runtime::config::Credentials;
use aws_generated::runtime::signing::{signing_headers, Scope};
use serde_json::{json, Value};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// 2015-08-30T12:36:00Z, the time of the AWS test suite.
fn test_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn sign(method: &str, url: &str, headers: &[(&str, &str)], body: &str, creds: &Credentials, region: &str, service: &str) -> Vec<(String, String)> {
    let headers: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let scope = Scope { credentials: creds, region, signing_name: service, time: test_time() };
    let mut out = signing_headers(method, url, &headers, body.as_bytes(), &scope).expect("signs");
    out.sort();
    out
}

#[test]
fn get_vanilla_test_vector() {
    let creds = Credentials::new(KEY, SECRET, None);
    let headers = sign("GET", "https://example.amazonaws.com/", &[("host", "example.amazonaws.com")], "", &creds, "us-east-1", "service");
    let auth = headers.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.as_str()).unwrap();
    assert_eq!(
        auth,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
}

#[test]
fn signatures_equal_botocore() {
    if integration_tests::interop::python().is_none() {
        eprintln!("{}", integration_tests::interop::SKIP_NOTICE);
        return;
    }
    let token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN/+=";
    type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, &'a str, Option<&'a str>, &'a str, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            "POST",
            "https://logs.us-east-1.amazonaws.com/",
            vec![("host", "logs.us-east-1.amazonaws.com"), ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "Logs_20140328.PutDestination")],
            r#"{"destinationName":"d1","roleArn":"r","targetArn":"t"}"#,
            None,
            "us-east-1",
            "logs",
        ),
        (
            "POST",
            "https://guardduty.eu-west-1.amazonaws.com/detector/a%20b%2Fc/publishingDestination",
            vec![("host", "guardduty.eu-west-1.amazonaws.com"), ("content-type", "application/json")],
            r#"{"destinationType":"S3","destinationProperties":{"destinationArn":"arn:aws:s3:::b"}}"#,
            Some(token),
            "eu-west-1",
            "guardduty",
        ),
        (
            "GET",
            "http://127.0.0.1:5000/detector?maxResults=5&nextToken=a%20b",
            vec![("host", "127.0.0.1:5000")],
            "",
            None,
            "us-east-1",
            "guardduty",
        ),
    ];
    for (method, url, headers, body, session, region, service) in cases {
        let creds = Credentials::new(KEY, SECRET, session.map(str::to_string));
        let ours = sign(method, url, &headers, body, &creds, region, service);
        let header_map: serde_json::Map<String, Value> = headers.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        let theirs = integration_tests::interop::botocore_sign(&json!({
            "method": method, "url": url, "headers": header_map, "body": body,
            "access_key": KEY, "secret_key": SECRET, "session_token": session,
            "region": region, "service": service, "time": "20150830T123600Z"
        }));
        let mut theirs: Vec<(String, String)> = theirs
            .as_object()
            .expect("object")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        theirs.sort();
        assert_eq!(ours, theirs, "{method} {url}");
    }
}
