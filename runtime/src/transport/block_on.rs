//! Running a future to completion on the current thread, without an
//! executor: what the protocol tests and the runtime's own tests need for
//! futures that finish without waiting on I/O (or on a thread of their own).

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Run a future to completion on this thread, waking when it is woken;
/// panics after 10 s (a test waiting for what never comes).
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let start = std::time::Instant::now();
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        if start.elapsed() > Duration::from_secs(10) {
            panic!("the call did not finish within 10 s (it is waiting for something a protocol test never provides)");
        }
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

