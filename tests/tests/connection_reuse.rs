//! Connection reuse in the default transport (runtime/src/transport/default.rs): calls share
//! a kept-alive connection, and a connection the server closed while it sat
//! idle in the pool is never used for a request, so no call fails for it.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_generated::cloudwatch_logs as logs;
use aws_generated::cloudwatch_logs::types::PutDestinationInput;
use smithy_gen_runtime::config::{Config, Credentials};

/// What the server does after answering a request on a connection.
#[derive(Clone, Copy)]
enum After {
    /// Wait for the next request on the same connection.
    KeepServing,
    /// Close the connection although the response did not say so.
    CloseSilently,
}

/// A keep-alive server: counts connections and requests, answers every
/// request with a PutDestination response naming the request's number.
struct Server {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Server {
    fn start(after: After, extra_headers: &'static str) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                counter.fetch_add(1, Ordering::SeqCst);
                let requests = Arc::clone(&requests);
                std::thread::spawn(move || serve(stream, after, extra_headers, &requests));
            }
        });
        Server { port, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, after: After, extra_headers: &str, requests: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut pending = Vec::new();
    // One request after another on the same connection.
    while let Ok(Some(_)) = integration_tests::read_http_request(&mut stream, &mut pending) {
        let n = requests.fetch_add(1, Ordering::SeqCst) + 1;
        let body = format!(r#"{{"destination":{{"destinationName":"call-{n}"}}}}"#);
        let response =
            format!("HTTP/1.1 200 OK\r\n{extra_headers}content-length: {}\r\n\r\n{body}", body.len());
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
        if let After::CloseSilently = after {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

fn client(server: &Server) -> logs::Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint(format!("http://127.0.0.1:{}", server.port))
        .credentials(Credentials::new("AKID", "reuse-test-secret", None))
        .max_attempts(1)
        .build()
        .unwrap();
    logs::Client::new(config)
}

/// Makes `calls` PutDestination calls one after another on one client and
/// returns the destination names the server sent back.
fn calls(server: &Server, calls: usize, pause: Duration) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = client(server);
        let mut names = Vec::new();
        for _ in 0..calls {
            let input = PutDestinationInput::new("d", "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:iam::1:role/r");
            let out = client.put_destination_with(input).await.unwrap_or_else(|e| panic!("call {}: {e:?}", names.len() + 1));
            names.push(out.destination.unwrap().destination_name.unwrap());
            tokio::time::sleep(pause).await;
        }
        names
    })
}

#[test]
fn consecutive_calls_share_one_kept_alive_connection() {
    let server = Server::start(After::KeepServing, "");
    let names = calls(&server, 5, Duration::ZERO);
    assert_eq!(names, ["call-1", "call-2", "call-3", "call-4", "call-5"]);
    assert_eq!(server.connections(), 1, "every call after the first reuses the connection");
}

#[test]
fn a_response_saying_connection_close_is_not_reused() {
    let server = Server::start(After::CloseSilently, "connection: close\r\n");
    let names = calls(&server, 3, Duration::ZERO);
    assert_eq!(names.len(), 3);
    assert_eq!(server.connections(), 3);
}

#[test]
fn a_connection_the_server_closed_while_idle_is_not_used_and_no_call_fails() {
    // The server closes each connection right after its response without
    // saying so; the client only learns of it when it next looks at the
    // idle connection. With max_attempts(1), a call sent on the dead
    // connection would fail.
    let server = Server::start(After::CloseSilently, "");
    let names = calls(&server, 4, Duration::from_millis(50));
    assert_eq!(names, ["call-1", "call-2", "call-3", "call-4"]);
    assert_eq!(server.connections(), 4);
}
