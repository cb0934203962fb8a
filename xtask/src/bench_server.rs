//! The canned-response server the benchmark programs call: HTTP/1.1 with
//! keep-alive on 127.0.0.1, one thread per connection, every request
//! answered with PutDestination's output as awsJson1_1. The other programs'
//! calls (DescribeLogGroups, ListClusters, ListWorkGroups,
//! ListEmailIdentities, SageMaker's ListDomains) have no required output
//! member, so both sides accept the same body and skip its unknown member.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

const CANNED_BODY: &str = r#"{"destination":{"destinationName":"bench-destination","targetArn":"arn:aws:kinesis:us-east-1:123456789012:stream/bench","roleArn":"arn:aws:iam::123456789012:role/bench","arn":"arn:aws:logs:us-east-1:123456789012:destination:bench-destination","creationTime":1700000000000}}"#;

/// Start the server on a free loopback port; returns its endpoint URL.
pub(super) fn start() -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let endpoint = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    std::thread::spawn(move || serve(listener));
    Ok(endpoint)
}

fn serve(listener: TcpListener) {
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = stream.set_nodelay(true);
            let _ = serve_connection(stream);
        });
    }
}

fn serve_connection(stream: TcpStream) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: 4a1b8f0e-5c3d-4e2f-9a6b-7c8d9e0f1a2b\r\ncontent-length: {}\r\n\r\n{CANNED_BODY}",
        CANNED_BODY.len()
    );
    let mut line = String::new();
    loop {
        let mut content_length = 0usize;
        let mut close = false;
        let mut first = true;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                if first {
                    continue;
                }
                break;
            }
            first = false;
            if let Some((name, value)) = trimmed.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
                    close = true;
                }
            }
        }
        let mut body = vec![0u8; content_length];
        reader.read_exact(&mut body)?;
        writer.write_all(response.as_bytes())?;
        if close {
            return Ok(());
        }
    }
}
