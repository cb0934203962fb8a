//! What every one-call program shares: arguments, the request loop, and the
//! figures it prints. Only `call` differs between the programs.
//!
//! Usage: `<program> [REQUESTS CONCURRENCY]`. The client is configured the
//! way a user's program is, from the environment (the benchmark sets
//! AWS_ENDPOINT_URL to its canned-response server and static credentials in
//! AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), through the configuration
//! loader of each side. With one request it makes one PutDestination call and
//! prints what came back; with more it warms up, then sends REQUESTS calls
//! from CONCURRENCY tasks and prints `requests=N seconds=S cpu_seconds=C` (C
//! is this process's user+system time from /proc/self/stat, in units of
//! 10 ms).

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

pub fn run<C, M, Fut>(make_client: fn() -> M, call: fn(Arc<C>) -> Fut)
where
    C: Send + Sync + 'static,
    M: Future<Output = C>,
    Fut: Future<Output = Result<String, String>> + Send + 'static,
{
    let args: Vec<String> = std::env::args().skip(1).collect();
    let requests: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(1);
    let concurrency: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        let client = Arc::new(make_client().await);
        if requests == 1 {
            match call(client).await {
                Ok(arn) => println!("ok {arn}"),
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(1);
                }
            }
            return;
        }
        load(&client, call, concurrency, 20 * concurrency).await;
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        load(&client, call, concurrency, requests).await;
        let seconds = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        println!("requests={requests} seconds={seconds:.6} cpu_seconds={cpu:.2}");
    });
}

async fn load<C, Fut>(client: &Arc<C>, call: fn(Arc<C>) -> Fut, concurrency: usize, requests: usize)
where
    C: Send + Sync + 'static,
    Fut: Future<Output = Result<String, String>> + Send + 'static,
{
    let mut tasks = Vec::with_capacity(concurrency);
    for worker in 0..concurrency {
        let share = requests / concurrency + usize::from(worker < requests % concurrency);
        let client = Arc::clone(client);
        tasks.push(tokio::spawn(async move {
            for _ in 0..share {
                if let Err(e) = call(Arc::clone(&client)).await {
                    eprintln!("error: {e}");
                    std::process::exit(1);
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("worker task");
    }
}

/// User + system CPU time of this process. Linux reports both in USER_HZ
/// ticks, which is 100 per second on every architecture.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces; count fields after its ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15; after ')' they are at 11 and 12.
    (ticks(11) + ticks(12)) as f64 / 100.0
}
