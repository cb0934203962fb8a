//! SigV4: the runtime's own signer gives exactly the headers botocore's
//! signer gives for the same request, credentials and time, and exactly the
//! signature `aws-sigv4` (AWS's Rust signer) gives for random requests; and
//! one published AWS test vector (`get-vanilla`) checked directly.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smithy_gen_runtime::config::Credentials;
use smithy_gen_runtime::signing::{signing_headers, Scope};
use serde_json::{json, Value};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// 2015-08-30T12:36:00Z, the time of the AWS test suite.
fn test_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn sign(method: &str, url: &str, headers: &[(&str, &str)], body: &str, creds: &Credentials, region: &str, service: &str) -> Vec<(String, String)> {
    let headers: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let scope = Scope { credentials: creds, region, signing_name: service, time: test_time(), options: Default::default() };
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

/// The `authorization` header `aws-sigv4` computes for the same request.
fn aws_sigv4_authorization(method: &str, url: &str, headers: &[(String, String)], body: &[u8], creds: &Credentials, region: &str, service: &str) -> String {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let identity = aws_credential_types::Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        creds.session_token().map(str::to_string),
        None,
        "test",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(test_time())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(method, url, headers.iter().map(|(k, v)| (k.as_str(), v.as_str())), SignableBody::Bytes(body)).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let authorization = instructions.headers().find(|(k, _)| *k == "authorization").map(|(_, v)| v.to_string());
    authorization.unwrap()
}

mod against_aws_sigv4 {
    use super::*;
    use proptest::prelude::*;

    /// A path segment as our serializers write them: unreserved characters
    /// and `%XX` escapes of the UTF-8 of any character (`/`, `%`, `+` and
    /// astral ones included). Escapes of invalid UTF-8 are left out: our
    /// serializers never write them, and aws-sigv4 would decode them lossily.
    fn segment() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                3 => proptest::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()).prop_map(|c| c.to_string()),
                1 => prop_oneof![Just("-"), Just("_"), Just("~"), Just(".")].prop_map(str::to_string),
                1 => any::<char>().prop_map(|c| c.to_string().bytes().map(|b| format!("%{b:02X}")).collect::<String>()),
            ],
            1..8,
        )
        .prop_map(|parts| parts.concat())
        .prop_filter("dot segments are refused before signing", |s| s != "." && s != "..")
    }

    fn query() -> impl Strategy<Value = String> {
        proptest::collection::vec((segment(), proptest::option::of(segment())), 0..5).prop_map(|params| {
            params.iter().map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or(""))).collect::<Vec<_>>().join("&")
        })
    }

    fn header_value() -> impl Strategy<Value = String> {
        "[ -~]{0,20}".prop_map(|v| v.trim().to_string())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn same_signature_as_aws_sigv4(
            method in prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE")],
            segments in proptest::collection::vec(segment(), 0..4),
            trailing_slash in any::<bool>(),
            query in query(),
            extra in proptest::collection::vec(("x-amz-[a-z]{1,8}", header_value()), 0..4),
            body in proptest::collection::vec(any::<u8>(), 0..64),
            session in proptest::option::of("[A-Za-z0-9/+=]{8,40}"),
            region in prop_oneof![Just("us-east-1"), Just("eu-west-3"), Just("cn-north-1")],
            service in prop_oneof![Just("logs"), Just("guardduty")],
        ) {
            let mut path = format!("/{}", segments.join("/"));
            if trailing_slash && !segments.is_empty() {
                path.push('/');
            }
            let url = if query.is_empty() {
                format!("https://svc.example.com{path}")
            } else {
                format!("https://svc.example.com{path}?{query}")
            };
            let mut headers = vec![
                ("host".to_string(), "svc.example.com".to_string()),
                ("content-type".to_string(), "application/json".to_string()),
            ];
            headers.extend(extra);
            let creds = Credentials::new(KEY, SECRET, session);
            let scope = Scope { credentials: &creds, region, signing_name: service, time: test_time(), options: Default::default() };
            let ours = signing_headers(method, &url, &headers, &body, &scope).expect("signs");
            let ours = ours.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.clone()).unwrap();
            let theirs = aws_sigv4_authorization(method, &url, &headers, &body, &creds, region, service);
            prop_assert_eq!(ours, theirs, "{} {}", method, url);
        }
    }
}
