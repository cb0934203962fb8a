//! Progress reports and cancellation: [`Progress`] passed to the callback
//! of [`TransferManager::with_progress`](super::TransferManager::with_progress),
//! and [`CancelHandle`], given to
//! [`TransferManager::with_cancel`](super::TransferManager::with_cancel).

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// How far a transfer has come: called after each part or range (and once
/// at the end of an object sent in one `PutObject`), so a progress bar moves
/// by part-sized steps. For a directory, the sum over its objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// The bytes sent or received and stored so far.
    pub transferred: u64,
    /// The bytes of the whole transfer.
    pub total: u64,
}

/// A progress callback, shared by the transfers of one manager.
pub(super) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Cancels transfers: every transfer of a manager given this handle (with
/// [`TransferManager::with_cancel`](super::TransferManager::with_cancel))
/// stops once [`Self::cancel`] is called, with
/// [`TransferErrorKind::Cancelled`](super::TransferErrorKind::Cancelled):
/// a multipart upload is aborted (its parts in flight are dropped), a
/// download's partial file removed. Cloning shares the handle; a cancelled
/// handle stays cancelled.
#[derive(Clone, Default)]
pub struct CancelHandle {
    inner: Arc<CancelInner>,
}

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    notify: tokio::sync::Notify,
}

impl fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelHandle").field("cancelled", &self.is_cancelled()).finish()
    }
}

impl CancelHandle {
    /// A handle not cancelled yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Cancel every transfer that uses this handle, now and later.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }
    /// Whether [`Self::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }
    /// Completes once the handle is cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so a cancel in between is not missed.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// `work`'s output, or `None` when `cancel` is cancelled first (`work` is
/// then dropped).
pub(super) async fn unless_cancelled<F: std::future::Future>(work: F, cancel: Option<&CancelHandle>) -> Option<F::Output> {
    let Some(handle) = cancel else { return Some(work.await) };
    let stop = handle.cancelled();
    let (mut work, mut stop) = (std::pin::pin!(work), std::pin::pin!(stop));
    std::future::poll_fn(|cx| {
        if stop.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(None);
        }
        work.as_mut().poll(cx).map(Some)
    })
    .await
}

/// The running count of one transfer (or of a directory's objects), passed
/// to the callback after each step.
pub(super) struct Tracker {
    callback: Option<ProgressFn>,
    transferred: AtomicU64,
    total: AtomicU64,
    /// Whether each object adds its size to the total as it starts (a
    /// single transfer); a directory sets its total up front.
    objects_add_total: bool,
}

impl Tracker {
    /// For one object: its size becomes the total when known.
    pub(super) fn for_object(callback: Option<ProgressFn>) -> Arc<Self> {
        Arc::new(Self { callback, transferred: AtomicU64::new(0), total: AtomicU64::new(0), objects_add_total: true })
    }
    /// For many objects of `total` bytes in all.
    pub(super) fn for_many(callback: Option<ProgressFn>, total: u64) -> Arc<Self> {
        Arc::new(Self { callback, transferred: AtomicU64::new(0), total: AtomicU64::new(total), objects_add_total: false })
    }
    /// An object of `size` bytes starts: reported once (0 of the size) for a single transfer.
    pub(super) fn start(&self, size: u64) {
        if self.objects_add_total {
            self.total.fetch_add(size, Ordering::SeqCst);
            self.report(self.transferred.load(Ordering::SeqCst));
        }
    }
    /// `bytes` more are done.
    pub(super) fn advance(&self, bytes: u64) {
        let now = self.transferred.fetch_add(bytes, Ordering::SeqCst) + bytes;
        self.report(now);
    }
    fn report(&self, transferred: u64) {
        if let Some(callback) = &self.callback {
            callback(Progress { transferred, total: self.total.load(Ordering::SeqCst) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_wakes_every_waiter_and_later_ones_return_at_once() {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
            let handle = CancelHandle::new();
            let waiters: Vec<_> = (0..3).map(|_| tokio::spawn({
                let h = handle.clone();
                async move { h.cancelled().await }
            })).collect();
            tokio::task::yield_now().await;
            assert!(!handle.is_cancelled());
            handle.cancel();
            for w in waiters {
                w.await.unwrap();
            }
            handle.cancelled().await;
            assert_eq!(unless_cancelled(async { 1 }, None).await, Some(1));
            assert_eq!(unless_cancelled(std::future::pending::<()>(), Some(&handle)).await, None);
            assert!(handle.is_cancelled() && format!("{handle:?}").contains("cancelled: true"));
        });
    }

    #[test]
    fn a_tracker_reports_running_totals() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let one = Tracker::for_object(Some(Arc::new(move |p: Progress| sink.lock().unwrap().push((p.transferred, p.total)))));
        one.start(10);
        one.advance(4);
        one.advance(6);
        assert_eq!(*seen.lock().unwrap(), [(0, 10), (4, 10), (10, 10)]);
        let many = Tracker::for_many(None, 100);
        many.start(10);
        many.advance(10);
        assert_eq!((many.transferred.load(Ordering::SeqCst), many.total.load(Ordering::SeqCst)), (10, 100));
    }
}
