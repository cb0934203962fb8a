//! The S3-compatible server of the transfer benchmark: s3s-fs (the `s3s`
//! project's S3 on a plain directory) on 127.0.0.1, SigV4 checked against one
//! fixed key pair, HTTP/1.1 and HTTP/2 through hyper.
//!
//! Usage: `transfer-server ROOT ACCESS_KEY SECRET_KEY`. It listens on a free
//! port, prints `listening http://127.0.0.1:PORT` once it accepts
//! connections, and serves until killed. Buckets are ROOT's directories.

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use std::io::Write;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, access_key, secret_key] = args.as_slice() else {
        eprintln!("usage: transfer-server ROOT ACCESS_KEY SECRET_KEY");
        std::process::exit(2);
    };
    if let Err(e) = serve(root, access_key, secret_key).await {
        eprintln!("transfer-server: {e}");
        std::process::exit(1);
    }
}

async fn serve(root: &str, access_key: &str, secret_key: &str) -> Result<(), String> {
    let fs = s3s_fs::FileSystem::new(root).map_err(|e| format!("cannot serve {root}: {e:?}"))?;
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(access_key, secret_key));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening http://{addr}");
    let _ = std::io::stdout().flush();
    let http = ConnBuilder::new(TokioExecutor::new());
    loop {
        let (socket, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("transfer-server: accept: {e}");
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let conn = http.serve_connection(TokioIo::new(socket), service.clone()).into_owned();
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}
