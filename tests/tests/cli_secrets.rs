//! What `smithy-call` prints (its only log) never carries the secret key or
//! the session token, whatever happens: a dry run, invalid input, a service
//! error, a refused connection.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

const SECRET: &str = "cli-secret-key-5c1e";
const TOKEN: &str = "cli-session-token-9d2b";

fn smithy_call(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(integration_tests::smithy_call_binary())
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .output()
        .expect("run smithy-call");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

/// A server that answers every request with a service error.
fn error_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 65536];
            let _ = stream.read(&mut buf);
            let body = r#"{"__type":"InvalidParameterException","message":"bad destination"}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn smithy_call_output_never_carries_credentials() {
    let valid = r#"{"destinationName":"d","targetArn":"arn:aws:kinesis:us-east-1:1:stream/s","roleArn":"arn:aws:iam::1:role/r"}"#;
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://127.0.0.1:{}", l.local_addr().expect("address").port())
    };
    let server = error_server();
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["logs", "PutDestination", "--input", valid, "--region", "us-east-1", "--dry-run"], 0),
        (vec!["logs", "PutDestination", "--input", r#"{"destinationName":""}"#, "--region", "us-east-1"], 2),
        (vec!["logs", "PutDestination", "--input", valid, "--region", "us-east-1", "--endpoint", &server], 1),
        (vec!["logs", "PutDestination", "--input", valid, "--region", "us-east-1", "--endpoint", &closed], 3),
    ];
    for (args, code) in cases {
        let (status, text) = smithy_call(&args);
        assert_eq!(status, Some(code), "{args:?}: {text}");
        assert!(!text.is_empty(), "{args:?} printed something");
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{args:?} leaked a credential: {text}");
    }
}
