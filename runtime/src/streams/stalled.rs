//! Stalled-stream protection: a streamed body that stops moving ends with a
//! timeout error instead of waiting forever.
//!
//! The connect and read timeouts bound a call until its response head
//! arrives, and a body read whole frame by frame; a streamed body is read
//! (or produced) at the caller's pace, for as long as it takes, so it needs
//! its own rule. Which rule applies is decided per operation from the model,
//! by the generated client:
//!
//! - **Streamed blobs** (an output or input member with `@streaming` on a
//!   blob: S3 GetObject and PutObject, `smithy-call --body-out`): the
//!   transfer must keep at least [`StalledStreams::min_throughput`] bytes a
//!   second over every window of [`StalledStreams::grace`] (default: 1 B/s
//!   over 20 s, so only a transfer that has all but stopped fails). Only time
//!   spent waiting on the network counts: a caller that reads slowly (writing
//!   to a slow disk) or an upload source that produces slowly never trips
//!   it. On by default for downloads and uploads.
//! - **Event streams** (a `@streaming` union: Logs StartLiveTail, Transcribe,
//!   S3 SelectObjectContent): a live stream may rightly be silent for hours,
//!   so the only rule is an idle limit, [`StalledStreams::event_idle`]: no
//!   message for that long ends the stream. Off by default.
//! - **Everything else** (bodies read whole, such as CopyObject's, whose
//!   server may think for minutes before it answers): the transport's read
//!   timeout, counted between frames, with no throughput rule, so a slow
//!   but live server is never cut off.
//!
//! A stalled stream ends with [`TimeoutError`]s of kind
//! [`TimeoutKind::StalledDownload`], [`TimeoutKind::StalledUpload`] or
//! [`TimeoutKind::EventStreamIdle`].

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{TimeoutError, TimeoutKind};
use crate::transport::race::{first, First};
use crate::transport::{BodyStream, BoxFuture, ProduceChunks, ReadChunks, SendError, Sleep, StreamingBody};

/// The stalled-stream rules of a configuration (see the module's
/// documentation for which applies where). Built from the default with the
/// `with_*` methods:
/// `StalledStreams::default().with_min_throughput(1024).with_event_idle(Some(Duration::from_secs(600)))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StalledStreams {
    /// Check streamed response bodies (downloads).
    pub downloads: bool,
    /// Check streamed request bodies (uploads).
    pub uploads: bool,
    /// The least a streamed blob must move, in bytes a second, averaged
    /// over [`grace`](Self::grace).
    pub min_throughput: u64,
    /// The window the throughput is measured over; also how long a stream
    /// has at its start before it is judged.
    pub grace: Duration,
    /// End an event stream that receives no message for this long (`None`:
    /// never).
    pub event_idle: Option<Duration>,
}

impl Default for StalledStreams {
    fn default() -> Self {
        StalledStreams { downloads: true, uploads: true, min_throughput: 1, grace: Duration::from_secs(20), event_idle: None }
    }
}

impl StalledStreams {
    /// No stalled-stream checks at all.
    pub fn disabled() -> Self {
        StalledStreams { downloads: false, uploads: false, event_idle: None, ..StalledStreams::default() }
    }

    /// The same rules with downloads checked or not.
    pub fn with_downloads(mut self, on: bool) -> Self {
        self.downloads = on;
        self
    }

    /// The same rules with uploads checked or not.
    pub fn with_uploads(mut self, on: bool) -> Self {
        self.uploads = on;
        self
    }

    /// The same rules with another minimum throughput (bytes a second).
    pub fn with_min_throughput(mut self, bytes_per_second: u64) -> Self {
        self.min_throughput = bytes_per_second;
        self
    }

    /// The same rules with another grace period (more than zero).
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The same rules with another idle limit for event streams (more than
    /// zero; `None`: none).
    pub fn with_event_idle(mut self, idle: Option<Duration>) -> Self {
        self.event_idle = idle;
        self
    }

    /// Why these rules cannot be used (a zero grace period or idle limit
    /// would end every stream at its first wait).
    pub fn check(&self) -> Result<(), String> {
        if (self.downloads || self.uploads) && self.grace.is_zero() {
            return Err("stalled_streams: the grace period must be more than zero (turn downloads and uploads off to disable the checks)".into());
        }
        if self.event_idle.is_some_and(|d| d.is_zero()) {
            return Err("stalled_streams: the event-stream idle limit must be more than zero (None disables it)".into());
        }
        Ok(())
    }

    /// The bytes a window of `grace` must hold (at least 1).
    fn threshold(&self) -> u64 {
        let bytes = (self.min_throughput as f64 * self.grace.as_secs_f64()).ceil();
        (bytes as u64).max(1)
    }
}

/// The longest single sleep a guard asks for; a longer wait is slept in
/// turns (a `Sleep` need not take `Duration::MAX`).
const MAX_SLEEP: Duration = Duration::from_secs(24 * 60 * 60);

/// Bytes moved over time, where time is only what was spent waiting on the
/// network (a "virtual" clock the caller advances).
#[derive(Debug)]
struct Throughput {
    grace: Duration,
    threshold: u64,
    /// Waiting time so far.
    clock: Duration,
    /// (when, bytes) within the last `grace` of waiting time.
    window: VecDeque<(Duration, u64)>,
}

impl Throughput {
    fn new(rules: &StalledStreams) -> Self {
        Throughput { grace: rules.grace, threshold: rules.threshold(), clock: Duration::ZERO, window: VecDeque::new() }
    }

    fn wait(&mut self, waited: Duration) {
        self.clock = self.clock.saturating_add(waited);
        while self.window.front().is_some_and(|(t, _)| t.saturating_add(self.grace) <= self.clock) {
            self.window.pop_front();
        }
    }

    fn moved(&mut self, bytes: u64) {
        if bytes > 0 {
            self.window.push_back((self.clock, bytes));
        }
    }

    /// How much more waiting the stream may take, with nothing more moving,
    /// before it counts as stalled (zero: it has).
    fn allowance(&self) -> Duration {
        // The newest samples that together make the threshold: the stream
        // stalls when the oldest of them leaves the window.
        let mut sum = 0u64;
        let mut stall_at = self.grace; // the start's grace
        for (t, bytes) in self.window.iter().rev() {
            sum = sum.saturating_add(*bytes);
            if sum >= self.threshold {
                stall_at = stall_at.max(t.saturating_add(self.grace));
                break;
            }
        }
        stall_at.saturating_sub(self.clock)
    }
}

/// How a guard's timer went.
enum Timer {
    /// The time asked for has passed.
    Expired,
    /// The `Sleep` returned well before the time asked for: it does not
    /// really sleep (a test's instant `Sleep`), so it cannot time a stall
    /// and the guard stands down rather than fail or spin.
    Unreliable,
}

/// Sleep `remaining` with `sleep`, in turns of at most a day.
async fn sleep_for(sleep: &dyn Sleep, remaining: Duration) -> Timer {
    let asked = remaining.min(MAX_SLEEP);
    let started = Instant::now();
    sleep.sleep(asked).await;
    if started.elapsed() < asked / 2 {
        Timer::Unreliable
    } else {
        Timer::Expired
    }
}

/// The next chunk of `inner`, or `None` when the wait begun at `since`
/// reaches `limit` first. With a `Sleep` that does not sleep,
/// `standing_down` is set and the wait goes unguarded.
async fn next_within(
    inner: &mut BodyStream,
    sleep: &dyn Sleep,
    standing_down: &mut bool,
    since: Instant,
    limit: Duration,
) -> Option<Option<Result<bytes::Bytes, SendError>>> {
    loop {
        if *standing_down {
            return Some(inner.next_chunk().await);
        }
        let remaining = limit.saturating_sub(since.elapsed());
        if remaining.is_zero() {
            return None;
        }
        match first(inner.next_chunk(), sleep_for(sleep, remaining)).await {
            First::Left(chunk) => return Some(chunk),
            First::Right(Timer::Expired) => {}
            First::Right(Timer::Unreliable) => *standing_down = true,
        }
    }
}

/// `body` checked as a streamed blob download: it fails with a
/// [`TimeoutKind::StalledDownload`] error when it moves less than the
/// configuration's minimum throughput over its grace period.
pub fn guard_download(body: BodyStream, rules: &StalledStreams, sleep: Arc<dyn Sleep>) -> BodyStream {
    if !rules.downloads {
        return body;
    }
    BodyStream::new(Download { inner: body, meter: Throughput::new(rules), sleep, waiting_since: None, standing_down: false, done: false })
}

struct Download {
    inner: BodyStream,
    meter: Throughput,
    sleep: Arc<dyn Sleep>,
    /// When the current wait for a chunk began (kept across a cancelled
    /// `next_chunk`, so a caller that polls in a `select!` loop cannot
    /// restart the clock).
    waiting_since: Option<Instant>,
    /// The `Sleep` proved unable to time anything: no more checks.
    standing_down: bool,
    done: bool,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download").field("inner", &self.inner).field("meter", &self.meter).finish()
    }
}

impl ReadChunks for Download {
    fn next_chunk(&mut self) -> BoxFuture<'_, Option<Result<bytes::Bytes, SendError>>> {
        Box::pin(async move {
            if self.done {
                return None;
            }
            let since = *self.waiting_since.get_or_insert_with(Instant::now);
            let allowance = self.meter.allowance();
            let outcome = next_within(&mut self.inner, self.sleep.as_ref(), &mut self.standing_down, since, allowance).await;
            self.waiting_since = None;
            self.meter.wait(since.elapsed());
            match outcome {
                Some(Some(Ok(chunk))) => {
                    self.meter.moved(chunk.len() as u64);
                    Some(Ok(chunk))
                }
                Some(other) => {
                    self.done = true;
                    other
                }
                None => {
                    self.done = true;
                    tracing::warn!(grace_ms = self.meter.grace.as_millis() as u64, min_bytes = self.meter.threshold, "stalled download: the streamed body moved too little");
                    Some(Err(SendError::Timeout(TimeoutError { kind: TimeoutKind::StalledDownload, after: self.meter.grace, attempts: 1 })))
                }
            }
        })
    }
}

/// `body` of an event stream, ended with a [`TimeoutKind::EventStreamIdle`]
/// error when nothing arrives for the configuration's `event_idle` (as it
/// is, without one).
pub fn guard_events(body: BodyStream, rules: &StalledStreams, sleep: Arc<dyn Sleep>) -> BodyStream {
    match rules.event_idle {
        Some(idle) => BodyStream::new(Events { inner: body, idle, sleep, idle_since: None, standing_down: false, done: false }),
        None => body,
    }
}

struct Events {
    inner: BodyStream,
    idle: Duration,
    sleep: Arc<dyn Sleep>,
    /// Since when nothing has arrived (kept across a cancelled `next_chunk`).
    idle_since: Option<Instant>,
    standing_down: bool,
    done: bool,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").field("inner", &self.inner).field("idle", &self.idle).finish()
    }
}

impl ReadChunks for Events {
    fn next_chunk(&mut self) -> BoxFuture<'_, Option<Result<bytes::Bytes, SendError>>> {
        Box::pin(async move {
            if self.done {
                return None;
            }
            let since = *self.idle_since.get_or_insert_with(Instant::now);
            let outcome = next_within(&mut self.inner, self.sleep.as_ref(), &mut self.standing_down, since, self.idle).await;
            self.idle_since = None;
            match outcome {
                Some(Some(Ok(chunk))) => Some(Ok(chunk)),
                Some(other) => {
                    self.done = true;
                    other
                }
                None => {
                    self.done = true;
                    Some(Err(SendError::Timeout(TimeoutError { kind: TimeoutKind::EventStreamIdle, after: self.idle, attempts: 1 })))
                }
            }
        })
    }
}

/// What an upload's body tells its watchdog.
#[derive(Debug)]
struct Progress {
    /// Bytes handed to the transport since the watchdog last looked.
    moved: u64,
    /// The source has nothing ready for the transport (it has not asked
    /// yet, or the source is producing): the wait is not the network's.
    source_waiting: bool,
    /// The body has been handed over whole (or failed): no longer judged.
    ended: bool,
}

/// An upload's body and its watchdog: the body reports what the transport
/// takes; [`UploadWatch::stalled`] finishes when the transfer has stalled.
pub struct UploadWatch {
    progress: Arc<Mutex<Progress>>,
    rules: StalledStreams,
    sleep: Arc<dyn Sleep>,
}

/// The most of a chunk handed to the transport at once: an HTTP client
/// takes a whole chunk into its buffer and asks again only once it is
/// written, so a large chunk would look like a long silence.
const WATCHED_PIECE: usize = 64 << 10;

/// An upload's `body`, watched: the body to send, and the watchdog to race
/// the send against (`None` when uploads are not checked).
pub fn guard_upload(body: StreamingBody, rules: &StalledStreams, sleep: Arc<dyn Sleep>) -> (StreamingBody, Option<UploadWatch>) {
    if !rules.uploads {
        return (body, None);
    }
    // Until the transport first asks for the body (the connection may wait
    // for a free slot), nothing is judged.
    let progress = Arc::new(Mutex::new(Progress { moved: 0, source_waiting: true, ended: false }));
    let watched = Arc::clone(&progress);
    let length = body.length;
    let body = body.map_chunks(move |inner| Box::new(Watched { inner, progress: watched, rest: bytes::Bytes::new(), total: 0, length }));
    (body, Some(UploadWatch { progress, rules: *rules, sleep }))
}

struct Watched {
    inner: Box<dyn ProduceChunks>,
    progress: Arc<Mutex<Progress>>,
    /// What is left of the source's last chunk.
    rest: bytes::Bytes,
    total: u64,
    length: Option<u64>,
}

impl ProduceChunks for Watched {
    fn poll_chunk(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<bytes::Bytes, String>>> {
        use std::task::Poll;
        let poll = if self.rest.is_empty() {
            match self.inner.poll_chunk(cx) {
                Poll::Ready(Some(Ok(mut chunk))) if chunk.len() > WATCHED_PIECE => {
                    let piece = chunk.split_to(WATCHED_PIECE);
                    self.rest = chunk;
                    Poll::Ready(Some(Ok(piece)))
                }
                other => other,
            }
        } else {
            let n = self.rest.len().min(WATCHED_PIECE);
            Poll::Ready(Some(Ok(self.rest.split_to(n))))
        };
        let mut p = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        match &poll {
            Poll::Pending => p.source_waiting = true,
            Poll::Ready(Some(Ok(chunk))) => {
                p.source_waiting = false;
                p.moved = p.moved.saturating_add(chunk.len() as u64);
                self.total = self.total.saturating_add(chunk.len() as u64);
                // A transport may stop asking once it has the stated length.
                if self.length.is_some_and(|n| self.total >= n) && self.rest.is_empty() {
                    p.ended = true;
                }
            }
            Poll::Ready(_) => p.ended = true,
        }
        poll
    }
}

impl UploadWatch {
    /// Finishes (with the error to end the call with) when the upload has
    /// moved less than the minimum throughput over the grace period, counting
    /// only the time the transport, not the source, held it up; never
    /// finishes once the body has been handed over whole, or with a `Sleep`
    /// that does not sleep.
    pub async fn stalled(self) -> SendError {
        let mut meter = Throughput::new(&self.rules);
        // Looked at a few times per grace period: a stall is reported at
        // most a quarter of it late.
        let tick = (self.rules.grace / 4).clamp(Duration::from_millis(1), Duration::from_secs(1));
        loop {
            let started = Instant::now();
            let asked = tick.min(meter.allowance().max(Duration::from_millis(1)));
            if let Timer::Unreliable = sleep_for(self.sleep.as_ref(), asked).await {
                return std::future::pending().await;
            }
            let (moved, source_waiting, ended) = {
                let mut p = self.progress.lock().unwrap_or_else(|e| e.into_inner());
                (std::mem::take(&mut p.moved), p.source_waiting, p.ended)
            };
            if ended {
                return std::future::pending().await;
            }
            if !source_waiting {
                meter.wait(started.elapsed());
            }
            meter.moved(moved);
            if meter.allowance().is_zero() {
                tracing::warn!(grace_ms = self.rules.grace.as_millis() as u64, min_bytes = meter.threshold, "stalled upload: the transport took too little of the body");
                return SendError::Timeout(TimeoutError { kind: TimeoutKind::StalledUpload, after: self.rules.grace, attempts: 1 });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(min: u64, grace_ms: u64) -> StalledStreams {
        StalledStreams::default().with_min_throughput(min).with_grace(Duration::from_millis(grace_ms))
    }

    #[test]
    fn the_start_has_its_grace_then_the_window_must_hold_the_threshold() {
        // 100 B/s over 1 s: 100 bytes in every second of waiting.
        let mut m = Throughput::new(&rules(100, 1000));
        assert_eq!(m.allowance(), Duration::from_secs(1));
        m.wait(Duration::from_millis(400));
        assert_eq!(m.allowance(), Duration::from_millis(600));
        m.moved(60);
        m.wait(Duration::from_millis(200));
        m.moved(60);
        // 120 bytes in the window, the older 60 needed: stalls when it leaves
        // (at 0.4 s + 1 s), unless more arrive.
        assert_eq!(m.allowance(), Duration::from_millis(800));
        m.wait(Duration::from_millis(800));
        assert!(m.allowance().is_zero());
    }

    #[test]
    fn a_slow_trickle_below_the_minimum_stalls() {
        let mut m = Throughput::new(&rules(100, 1000));
        for _ in 0..10 {
            m.wait(Duration::from_millis(100));
            m.moved(5); // 50 B/s
        }
        assert!(m.allowance().is_zero());
        let mut m = Throughput::new(&rules(100, 1000));
        for _ in 0..50 {
            m.wait(Duration::from_millis(100));
            m.moved(15); // 150 B/s
            assert!(!m.allowance().is_zero());
        }
    }

    #[test]
    fn thresholds_and_checks() {
        let r = StalledStreams::disabled();
        assert!(!r.downloads && !r.uploads && r.event_idle.is_none() && r.check().is_ok());
        assert_eq!(rules(1, 20_000).threshold(), 20);
        assert_eq!(rules(0, 20_000).threshold(), 1);
        assert!(rules(1, 0).check().unwrap_err().contains("grace period must be more than zero"));
        assert!(StalledStreams::default().with_event_idle(Some(Duration::ZERO)).check().is_err());
        // `Duration::MAX` means "never": no overflow anywhere.
        let mut m = Throughput::new(&StalledStreams::default().with_grace(Duration::MAX));
        m.moved(10);
        m.wait(Duration::from_secs(3600));
        assert!(m.allowance() > Duration::from_secs(1 << 40));
        assert!(rules(u64::MAX, 20_000).threshold() > 0);
    }
}
