//! Uploads: one `PutObject` below the threshold, else a multipart upload
//! whose parts are read in order and sent `concurrency` at a time; aborted on
//! any failure, or when the upload's future is dropped.
//!
//! On a failed part no new part starts, the parts already in flight are let
//! finish, and only then is the upload aborted, so no part lands after the
//! abort. A file must be a regular file, and must neither grow nor shrink
//! while it is read: its size is checked again after the last part (and one
//! more byte read must find its end), else the upload fails (and is aborted).
//!
//! An upload whose future is dropped mid-way spawns its abort on the current
//! tokio runtime, with a `tracing` warning naming the bucket, key and upload
//! id; with no runtime (or one shutting down) the abort cannot run and the
//! warning says so. Such an upload stays open and its parts are billed until
//! aborted: give buckets a lifecycle rule with
//! `AbortIncompleteMultipartUpload` (for example `DaysAfterInitiation: 1`)
//! so S3 removes the uploads no one could abort.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncReadExt, BufReader};
use tokio::task::JoinSet;

use super::checksum::{combine_crc32, crc32, encode_crc32};
use super::progress::{unless_cancelled, Tracker};
use super::{CompletedPart, ObjectStore, PartPlan, StoreError, TransferError, TransferErrorKind, TransferManager, UploadOutput};

const OP: &str = "upload";

/// What a part's task gives: the part, its length and CRC32, or its number and error.
type PartOutcome = Result<(CompletedPart, u64, u32), (u32, StoreError)>;

/// Where an upload's bytes come from: read in order, one part at a time.
enum Source<'r> {
    Bytes(Bytes),
    File { reader: BufReader<tokio::fs::File>, path: PathBuf },
    /// A reader of unknown length: `prefix` (what was read to choose
    /// between one `PutObject` and parts) comes first.
    Reader { prefix: Bytes, reader: Pin<Box<dyn AsyncRead + Send + 'r>> },
}

/// Up to `len` bytes of `reader`: fewer only at its end.
async fn read_up_to(reader: &mut (dyn AsyncRead + Send + Unpin + '_), mut buf: BytesMut, len: usize) -> std::io::Result<Bytes> {
    while buf.len() < len {
        let want = len - buf.len();
        let before = buf.len();
        buf.reserve(want.min(1 << 20));
        let n = (&mut *reader).take(want as u64).read_buf(&mut buf).await?;
        if n == 0 || buf.len() == before {
            break;
        }
    }
    Ok(buf.freeze())
}

impl Source<'_> {
    /// The next `len` bytes (starting at `start` for a buffer; a file or a
    /// reader is read in order). A reader gives fewer at its end.
    async fn take(&mut self, start: u64, len: u64) -> std::io::Result<Bytes> {
        match self {
            // Within the buffer: `start + len <= size` by construction.
            Source::Bytes(b) => {
                let start = to_usize(start)?;
                let end = start.checked_add(to_usize(len)?).filter(|&e| e <= b.len());
                let end = end.ok_or_else(|| std::io::Error::other("a part beyond the buffer's end"))?;
                Ok(b.slice(start..end))
            }
            Source::File { reader, .. } => {
                let mut buf = BytesMut::zeroed(to_usize(len)?);
                reader.read_exact(&mut buf).await?;
                Ok(buf.freeze())
            }
            Source::Reader { prefix, reader } => {
                let len = to_usize(len)?;
                if prefix.len() >= len {
                    return Ok(prefix.split_to(len));
                }
                let mut buf = BytesMut::with_capacity(len);
                buf.extend_from_slice(&std::mem::take(prefix));
                read_up_to(&mut reader.as_mut(), buf, len).await
            }
        }
    }
    /// After the last part: a file must be at its end (one more read finds
    /// nothing) and still `size` bytes long; a file that grew or shrank
    /// while it was read is an error, not a truncated object.
    async fn check_end(&mut self, size: u64) -> std::io::Result<()> {
        if let Source::Reader { prefix, reader } = self {
            let mut one = [0u8; 1];
            if !prefix.is_empty() || reader.read(&mut one).await? != 0 {
                return Err(std::io::Error::other(format!(
                    "the stream is longer than {} parts of {} bytes: raise the part size",
                    super::MAX_PARTS,
                    size / super::MAX_PARTS
                )));
            }
            return Ok(());
        }
        let Source::File { reader, .. } = self else { return Ok(()) };
        let mut one = [0u8; 1];
        if reader.read(&mut one).await? != 0 {
            return Err(std::io::Error::other(format!("the file grew during the upload (past the {size} bytes it had when the upload began)")));
        }
        let now = reader.get_ref().metadata().await?.len();
        if now != size {
            return Err(std::io::Error::other(format!("the file changed size during the upload ({size} bytes when it began, {now} now)")));
        }
        Ok(())
    }
    fn io_error(&self, bucket: &str, key: &str, source: std::io::Error) -> TransferError {
        let kind = match self {
            Source::File { path, .. } => TransferErrorKind::Io { path: path.clone(), source },
            Source::Bytes(_) | Source::Reader { .. } => TransferErrorKind::Invalid(source.to_string()),
        };
        TransferError::new(kind, OP, bucket, key)
    }
}

/// A part's length as a buffer length: an error where it does not fit in memory.
fn to_usize(n: u64) -> std::io::Result<usize> {
    usize::try_from(n).map_err(|_| std::io::Error::other(format!("a part of {n} bytes does not fit in this platform's memory")))
}

/// Aborts the multipart upload when dropped while armed (the upload's future
/// dropped mid-way): the abort is spawned on the current tokio runtime, when
/// there is one.
struct AbortOnDrop<S: ObjectStore> {
    store: S,
    bucket: String,
    key: String,
    upload_id: String,
    armed: bool,
}

impl<S: ObjectStore> Drop for AbortOnDrop<S> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let (store, bucket, key, id) = (self.store.clone(), std::mem::take(&mut self.bucket), std::mem::take(&mut self.key), std::mem::take(&mut self.upload_id));
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                tracing::warn!(bucket, key, upload_id = id, "a multipart upload was dropped mid-way: spawning its abort (if the runtime is shutting down it may never run: see AbortIncompleteMultipartUpload)");
                runtime.spawn(async move {
                    if let Err(e) = store.abort_multipart_upload(&bucket, &key, &id).await {
                        tracing::warn!(bucket, key, upload_id = id, error = %e, "could not abort a cancelled multipart upload");
                    }
                });
            }
            Err(_) => {
                tracing::warn!(bucket, key, upload_id = id, "a multipart upload was dropped mid-way outside a tokio runtime: it cannot be aborted and stays open (abort it, or see AbortIncompleteMultipartUpload)");
            }
        }
    }
}

impl<S: ObjectStore> TransferManager<S> {
    /// Upload `body` as `bucket`/`key`: in one `PutObject` below the
    /// multipart threshold, else in concurrent parts (see the
    /// [module](super)). The parts are slices of `body` (no copy).
    /// A multipart upload spawns its parts on the current tokio runtime.
    pub async fn upload_bytes(&self, bucket: &str, key: &str, body: impl Into<Bytes>) -> Result<UploadOutput, TransferError> {
        let body = body.into();
        let size = body.len() as u64;
        let tracker = Tracker::for_object(self.progress.clone());
        self.upload(bucket, key, size, Source::Bytes(body), &tracker).await
    }

    /// Upload the file at `path` as `bucket`/`key`: in one `PutObject` below
    /// the multipart threshold, else in concurrent parts read in order, so at
    /// most `concurrency` parts are in memory at once (see the
    /// [module](super)). A multipart upload spawns its parts on the current
    /// tokio runtime.
    pub async fn upload_file(&self, bucket: &str, key: &str, path: impl AsRef<Path>) -> Result<UploadOutput, TransferError> {
        let tracker = Tracker::for_object(self.progress.clone());
        self.upload_file_tracked(bucket, key, path.as_ref(), &tracker).await
    }

    /// Upload what `reader` gives, to its end, as `bucket`/`key`, its
    /// length unknown ahead: the first [`TransferConfig::multipart_threshold`](super::TransferConfig::multipart_threshold)
    /// bytes are read, and if the reader ends before, they go in one
    /// `PutObject`; else a multipart upload of parts of
    /// [`TransferConfig::part_size`](super::TransferConfig::part_size) (at least [`MIN_PART_SIZE`](super::MIN_PART_SIZE)),
    /// read in order, at most `concurrency` in flight. The size cannot be
    /// known, so parts are not grown: a stream longer than
    /// [`MAX_PARTS`](super::MAX_PARTS) parts fails (and is aborted); raise
    /// the part size for streams over `MAX_PARTS × part size` (80,000 MiB
    /// with the default 8 MiB). A read error fails the upload (aborted).
    /// Progress reports the bytes read so far as the total.
    pub async fn upload_reader(&self, bucket: &str, key: &str, reader: impl AsyncRead + Send) -> Result<UploadOutput, TransferError> {
        let tracker = Tracker::for_object(self.progress.clone());
        self.check_cancel(OP, bucket, key)?;
        let mut source = Source::Reader { prefix: Bytes::new(), reader: Box::pin(reader) };
        let threshold = self.config.multipart_threshold.max(1);
        let first = source.take(0, threshold).await.map_err(|e| source.io_error(bucket, key, e))?;
        let size = first.len() as u64;
        if size < threshold {
            return self.upload(bucket, key, size, Source::Bytes(first), &tracker).await;
        }
        let Source::Reader { prefix, .. } = &mut source else { unreachable!("built as a reader above") };
        *prefix = first;
        let part_size = self.config.part_size.max(super::MIN_PART_SIZE);
        self.multipart(bucket, key, None, PartPlan { part_size, parts: super::MAX_PARTS }, source, &tracker).await
    }

    /// [`Self::upload_file`], counting into `tracker` (a directory's).
    pub(super) async fn upload_file_tracked(&self, bucket: &str, key: &str, path: &Path, tracker: &Arc<Tracker>) -> Result<UploadOutput, TransferError> {
        let path = path.to_path_buf();
        let io = |source| TransferError::new(TransferErrorKind::Io { path: path.clone(), source }, OP, bucket, key);
        let file = tokio::fs::File::open(&path).await.map_err(io)?;
        let meta = file.metadata().await.map_err(io)?;
        if !meta.is_file() {
            let what = format!("{} is not a regular file (its size cannot be known before reading it)", path.display());
            return Err(TransferError::new(TransferErrorKind::Invalid(what), OP, bucket, key));
        }
        let size = meta.len();
        let reader = BufReader::with_capacity(256 * 1024, file);
        self.upload(bucket, key, size, Source::File { reader, path }, tracker).await
    }

    async fn upload(&self, bucket: &str, key: &str, size: u64, mut source: Source<'_>, tracker: &Arc<Tracker>) -> Result<UploadOutput, TransferError> {
        let store_error = |e| TransferError::new(TransferErrorKind::Store(e), OP, bucket, key);
        let cancelled = || TransferError::new(TransferErrorKind::Cancelled, OP, bucket, key);
        self.check_cancel(OP, bucket, key)?;
        tracker.start(size);
        if size == 0 || size < self.config.multipart_threshold {
            let body = source.take(0, size).await.map_err(|e| source.io_error(bucket, key, e))?;
            source.check_end(size).await.map_err(|e| source.io_error(bucket, key, e))?;
            let checksum_crc32 = encode_crc32(crc32(&body));
            let put = self.store.put_object(bucket, key, body, &checksum_crc32);
            let e_tag = unless_cancelled(put, self.cancel.as_ref()).await.ok_or_else(cancelled)?.map_err(store_error)?;
            tracker.advance(size);
            return Ok(UploadOutput { size, parts: 0, e_tag, checksum_crc32 });
        }
        let Some(plan) = PartPlan::upload(size, self.config.part_size) else {
            let what = format!("{size} bytes do not fit in {} parts of at most {} bytes", super::MAX_PARTS, super::MAX_PART_SIZE);
            return Err(TransferError::new(TransferErrorKind::Invalid(what), OP, bucket, key));
        };
        self.multipart(bucket, key, Some(size), plan, source, tracker).await
    }

    /// A multipart upload of `size` bytes in `plan`'s parts; of a reader's
    /// bytes (`size` unknown) in parts of `plan.part_size` until it ends,
    /// at most `plan.parts` of them.
    async fn multipart(&self, bucket: &str, key: &str, size: Option<u64>, plan: PartPlan, mut source: Source<'_>, tracker: &Arc<Tracker>) -> Result<UploadOutput, TransferError> {
        let store_error = |e| TransferError::new(TransferErrorKind::Store(e), OP, bucket, key);
        // Not cancelled mid-way: an upload created unseen could not be aborted.
        let upload_id = self.store.create_multipart_upload(bucket, key).await.map_err(store_error)?;
        let mut guard = AbortOnDrop { store: self.store.clone(), bucket: bucket.into(), key: key.into(), upload_id: upload_id.clone(), armed: true };
        let mut tasks = JoinSet::new();
        let sent = match self.send_parts(bucket, key, &upload_id, size, plan, &mut source, &mut tasks, tracker).await {
            Ok((parts, sent)) => source.check_end(size.unwrap_or(plan.part_size * plan.parts)).await.map(|()| (parts, sent)).map_err(|e| source.io_error(bucket, key, e)),
            Err(e) => Err(e),
        };
        let result = match sent {
            Ok((parts, sent)) => {
                let count = parts.len() as u64;
                // The object's CRC32 from the parts', in order: S3 checks it
                // against the object it assembles.
                let whole = encode_crc32(combine_crc32(parts.iter().map(|(_, len, crc)| (*crc, *len))));
                let parts = parts.into_iter().map(|(part, _, _)| part).collect();
                let completed = self.store.complete_multipart_upload(bucket, key, &upload_id, parts, &whole, sent).await;
                completed.map(|e_tag| (e_tag, count, sent, whole)).map_err(store_error)
            }
            Err(e) => Err(e),
        };
        match result {
            Ok((e_tag, parts, size, checksum_crc32)) => {
                // Completed: a drop from here on must not abort it.
                guard.armed = false;
                Ok(UploadOutput { size, parts, e_tag, checksum_crc32 })
            }
            Err(e) => {
                // No new part starts; the parts in flight finish (a part
                // cancelled mid-request may still be stored after the
                // abort), then the upload is aborted. The guard stays armed
                // until the abort has returned: a drop meanwhile spawns it.
                // When cancelled, the parts in flight are dropped at once
                // (and the abort removes whatever of them was stored).
                if e.is_cancelled() {
                    tasks.abort_all();
                }
                while tasks.join_next().await.is_some() {}
                let abort = self.store.abort_multipart_upload(bucket, key, &upload_id).await;
                guard.armed = false;
                Err(e.with_abort(abort))
            }
        }
    }

    /// Read and send every part, at most `concurrency` in flight; the parts
    /// in order and the bytes sent, or the first failure. With `size`
    /// unknown (a reader), parts are read until one comes back short.
    #[allow(clippy::too_many_arguments)]
    async fn send_parts(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        size: Option<u64>,
        plan: PartPlan,
        source: &mut Source<'_>,
        tasks: &mut JoinSet<PartOutcome>,
        tracker: &Tracker,
    ) -> Result<(Vec<(CompletedPart, u64, u32)>, u64), TransferError> {
        let ids: (Arc<str>, Arc<str>, Arc<str>) = (bucket.into(), key.into(), upload_id.into());
        let concurrency = self.config.concurrency();
        let mut parts = Vec::with_capacity(size.map_or(16, |_| plan.parts as usize));
        let (mut next, mut sent, mut ended) = (0u64, 0u64, false);
        loop {
            while !ended && next < plan.parts && tasks.len() < concurrency {
                let (start, len) = match size {
                    Some(size) => plan.range(next, size),
                    None => (next * plan.part_size, plan.part_size),
                };
                self.check_cancel(OP, bucket, key)?;
                let body = source.take(start, len).await.map_err(|e| source.io_error(bucket, key, e).in_part(next + 1))?;
                let len = body.len() as u64;
                if size.is_none() {
                    // A reader: a short part is its last; an empty one (the
                    // reader ended on a part boundary) is not sent.
                    ended = len < plan.part_size;
                    if len == 0 {
                        break;
                    }
                    tracker.start(len);
                }
                sent += len;
                // At most MAX_PARTS parts: the number fits.
                let number = (next + 1) as u32;
                let (store, (b, k, id)) = (self.store.clone(), ids.clone());
                tasks.spawn(async move {
                    // Computed in the part's task: on a multi-threaded
                    // runtime the parts' CRCs are computed in parallel.
                    let crc = crc32(&body);
                    let checksum = encode_crc32(crc);
                    match store.upload_part(&b, &k, &id, number, body, &checksum).await {
                        Ok(part) => Ok((CompletedPart { part_number: number, e_tag: part.e_tag, checksum_crc32: Some(checksum) }, len, crc)),
                        Err(e) => Err((number, e)),
                    }
                });
                next += 1;
            }
            let joined = unless_cancelled(tasks.join_next(), self.cancel.as_ref()).await;
            let Some(joined) = joined else { return Err(TransferError::new(TransferErrorKind::Cancelled, OP, bucket, key)) };
            match joined {
                None => break,
                Some(Ok(Ok((part, len, crc)))) => {
                    tracker.advance(len);
                    parts.push((part, len, crc));
                }
                Some(Ok(Err((number, e)))) => {
                    return Err(TransferError::new(TransferErrorKind::Store(e), OP, bucket, key).in_part(u64::from(number)));
                }
                Some(Err(join)) => {
                    // The part's number is not known here: the task panicked or was cancelled.
                    let what = format!("a part's task ended without a result: {join}");
                    return Err(TransferError::new(TransferErrorKind::Invalid(what), OP, bucket, key));
                }
            }
        }
        parts.sort_by_key(|(p, _, _)| p.part_number);
        Ok((parts, sent))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use super::super::{BoxFuture, ObjectInfo, PartResult, TransferConfig};
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[derive(Default)]
    struct State {
        in_flight: usize,
        max_in_flight: usize,
        parts: BTreeMap<u32, usize>,
        completed: Option<Vec<u32>>,
        aborted: u32,
        puts: Vec<usize>,
        /// Parts in flight and parts stored when each abort began.
        at_abort: Vec<(usize, usize)>,
        /// The full-object CRC32 and size Complete was given.
        whole: Option<(String, u64)>,
    }

    /// An in-memory store: records parts, concurrency and aborts; part
    /// `fail` fails, part `hang` never answers.
    #[derive(Clone, Default)]
    struct Fake {
        state: Arc<Mutex<State>>,
        fail: Option<u32>,
        hang: Option<u32>,
        /// The first abort never answers.
        hang_abort: bool,
        /// Part 1 appends a byte to this file (a file growing mid-upload).
        grow: Option<PathBuf>,
    }

    impl ObjectStore for Fake {
        fn put_object<'a>(&'a self, _: &'a str, _: &'a str, body: Bytes, c: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            assert_eq!(c, encode_crc32(crc32(&body)), "the body's CRC32");
            self.state.lock().unwrap().puts.push(body.len());
            Box::pin(async { Ok(Some("\"put\"".into())) })
        }
        fn create_multipart_upload<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<String, StoreError>> {
            Box::pin(async { Ok("upload-1".into()) })
        }
        fn upload_part<'a>(&'a self, _: &'a str, _: &'a str, id: &'a str, n: u32, body: Bytes, c: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> {
            assert_eq!(c, encode_crc32(crc32(&body)), "the part's CRC32");
            Box::pin(async move {
                assert_eq!(id, "upload-1");
                if self.hang == Some(n) {
                    std::future::pending::<()>().await;
                }
                if let (1, Some(path)) = (n, &self.grow) {
                    use std::io::Write;
                    std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(b"+").unwrap();
                }
                {
                    let mut s = self.state.lock().unwrap();
                    s.in_flight += 1;
                    s.max_in_flight = s.max_in_flight.max(s.in_flight);
                }
                for _ in 0..5 {
                    tokio::task::yield_now().await;
                }
                let mut s = self.state.lock().unwrap();
                s.in_flight -= 1;
                if self.fail == Some(n) {
                    return Err(StoreError::new("UploadPart", "scripted"));
                }
                s.parts.insert(n, body.len());
                Ok(PartResult { e_tag: format!("\"etag-{n}\""), checksum_crc32: Some(format!("crc-{n}")) })
            })
        }
        fn complete_multipart_upload<'a>(&'a self, _: &'a str, _: &'a str, _: &'a str, parts: Vec<CompletedPart>, c: &'a str, z: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            for p in &parts {
                assert_eq!(p.e_tag, format!("\"etag-{}\"", p.part_number));
                assert!(p.checksum_crc32.as_ref().is_some_and(|c| c.len() == 8), "each part's CRC32 goes to Complete: {p:?}");
            }
            self.state.lock().unwrap().whole = Some((c.to_string(), z));
            self.state.lock().unwrap().completed = Some(parts.iter().map(|p| p.part_number).collect());
            Box::pin(async { Ok(Some("\"done-5\"".into())) })
        }
        fn abort_multipart_upload<'a>(&'a self, _: &'a str, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
            let first = {
                let mut s = self.state.lock().unwrap();
                s.aborted += 1;
                let at = (s.in_flight, s.parts.len());
                s.at_abort.push(at);
                s.aborted == 1
            };
            Box::pin(async move {
                if self.hang_abort && first {
                    std::future::pending::<()>().await;
                }
                Ok(())
            })
        }
        fn head_object<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> {
            Box::pin(async { Err(StoreError::new("HeadObject", "not in this fake")) })
        }
        fn get_object_range<'a>(&'a self, _: &'a str, _: &'a str, _: u64, _: u64, _: u64, _: Option<&'a str>) -> BoxFuture<'a, Result<super::super::RangeBody, StoreError>> {
            Box::pin(async { Err(StoreError::new("GetObject", "not in this fake")) })
        }
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    fn config() -> TransferConfig {
        TransferConfig::new().with_part_size(5 * MIB).with_concurrency(2)
    }

    #[test]
    fn parts_go_at_most_concurrency_at_a_time_and_complete_in_order() {
        let fake = Fake::default();
        let manager = TransferManager::new(fake.clone()).with_config(config());
        let out = run(manager.upload_bytes("b", "k", vec![7u8; (23 * MIB) as usize])).unwrap();
        assert_eq!((out.size, out.parts, out.e_tag.as_deref()), (23 * MIB, 5, Some("\"done-5\"")));
        let s = fake.state.lock().unwrap();
        assert_eq!(s.completed.as_deref(), Some(&[1, 2, 3, 4, 5][..]));
        let sizes: Vec<usize> = s.parts.values().copied().collect();
        assert_eq!(sizes, [5, 5, 5, 5, 3].map(|m| (m * MIB) as usize));
        assert_eq!(s.max_in_flight, 2, "two parts in flight, never more");
        let whole = encode_crc32(crc32(&vec![7u8; (23 * MIB) as usize]));
        assert_eq!(s.whole, Some((whole.clone(), 23 * MIB)), "the object's CRC32 combined from the parts', and its size");
        assert_eq!(out.checksum_crc32, whole);
        assert_eq!((s.aborted, s.puts.len()), (0, 0));
    }

    #[test]
    fn below_the_threshold_one_put_and_an_empty_body_too() {
        let fake = Fake::default();
        let manager = TransferManager::new(fake.clone()).with_config(config().with_multipart_threshold(0));
        assert_eq!(run(manager.upload_bytes("b", "k", Vec::new())).unwrap().parts, 0);
        let manager = manager.with_config(config());
        assert_eq!(run(manager.upload_bytes("b", "k", vec![1u8; 1024])).unwrap().parts, 0);
        assert_eq!(fake.state.lock().unwrap().puts, [0, 1024]);
    }

    #[test]
    fn a_failed_part_aborts_the_upload_and_says_so() {
        let fake = Fake { fail: Some(2), ..Fake::default() };
        let manager = TransferManager::new(fake.clone()).with_config(config());
        let e = run(manager.upload_bytes("b", "k", vec![7u8; (23 * MIB) as usize])).unwrap_err();
        assert_eq!((e.part(), e.upload_aborted()), (Some(2), Some(true)));
        assert_eq!(e.to_string(), "upload of s3://b/k, part 2: UploadPart: scripted; the multipart upload was aborted");
        let s = fake.state.lock().unwrap();
        assert_eq!((s.aborted, s.completed.is_none()), (1, true));
    }

    #[test]
    fn a_dropped_upload_is_aborted() {
        let fake = Fake { hang: Some(1), ..Fake::default() };
        let manager = TransferManager::new(fake.clone()).with_config(config());
        run(async move {
            let task = tokio::spawn(async move { manager.upload_bytes("b", "k", vec![7u8; (23 * MIB) as usize]).await });
            for _ in 0..50 {
                tokio::task::yield_now().await;
            }
            task.abort();
            assert!(task.await.unwrap_err().is_cancelled());
            for _ in 0..50 {
                tokio::task::yield_now().await;
            }
        });
        assert_eq!(fake.state.lock().unwrap().aborted, 1, "the abort was spawned when the upload was dropped");
    }

    #[test]
    fn parts_in_flight_finish_before_the_abort() {
        // Part 1 fails while part 2 is in flight: part 2 is let finish (not
        // cancelled mid-request), part 3 never starts, then the abort.
        let fake = Fake { fail: Some(1), ..Fake::default() };
        let manager = TransferManager::new(fake.clone()).with_config(config());
        let e = run(manager.upload_bytes("b", "k", vec![7u8; (23 * MIB) as usize])).unwrap_err();
        assert_eq!((e.part(), e.upload_aborted()), (Some(1), Some(true)));
        let s = fake.state.lock().unwrap();
        let stored: Vec<u32> = s.parts.keys().copied().collect();
        assert_eq!(s.at_abort, [(0, stored.len())], "nothing in flight at the abort, every started part stored before it");
        // Part 2 was in flight with part 1 (and part 3 started if part 2 ended first); no later part started.
        assert!(stored == [2] || stored == [2, 3], "{stored:?}");
    }

    #[test]
    fn a_drop_during_the_abort_spawns_another() {
        let fake = Fake { fail: Some(2), hang_abort: true, ..Fake::default() };
        let manager = TransferManager::new(fake.clone()).with_config(config());
        let state = fake.state.clone();
        run(async move {
            let task = tokio::spawn(async move { manager.upload_bytes("b", "k", vec![7u8; (23 * MIB) as usize]).await });
            for _ in 0..200 {
                tokio::task::yield_now().await;
            }
            assert_eq!(state.lock().unwrap().aborted, 1, "the abort is awaited (and hangs)");
            task.abort();
            assert!(task.await.unwrap_err().is_cancelled());
            for _ in 0..50 {
                tokio::task::yield_now().await;
            }
        });
        assert_eq!(fake.state.lock().unwrap().aborted, 2, "the guard was still armed while the abort was awaited");
    }

    #[test]
    fn a_completed_upload_is_never_aborted() {
        let fake = Fake::default();
        let manager = TransferManager::new(fake.clone()).with_config(config());
        run(manager.upload_bytes("b", "k", vec![7u8; (12 * MIB) as usize])).unwrap();
        assert_eq!(fake.state.lock().unwrap().aborted, 0);
    }

    #[test]
    fn progress_reaches_the_total_in_part_steps() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let manager = TransferManager::new(Fake::default()).with_config(config().with_multipart_threshold(5 * MIB)).with_progress(move |p| sink.lock().unwrap().push((p.transferred, p.total)));
        run(manager.upload_bytes("b", "k", vec![7u8; (12 * MIB) as usize])).unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.first(), Some(&(0, 12 * MIB)), "{seen:?}");
        assert_eq!(seen.last(), Some(&(12 * MIB, 12 * MIB)), "{seen:?}");
        assert_eq!(seen.len(), 4, "a start and one report per part: {seen:?}");
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
    }

    #[test]
    fn a_cancelled_upload_stops_its_parts_and_is_aborted() {
        // Part 2 never answers; the cancel must not wait for it.
        let fake = Fake { hang: Some(2), ..Fake::default() };
        let handle = super::super::CancelHandle::new();
        let manager = TransferManager::new(fake.clone()).with_config(config()).with_cancel(handle.clone());
        let e = run(async move {
            let task = tokio::spawn(async move { manager.upload_bytes("b", "k", vec![7u8; (23 * MIB) as usize]).await });
            for _ in 0..50 {
                tokio::task::yield_now().await;
            }
            handle.cancel();
            task.await.unwrap().unwrap_err()
        });
        assert!(e.is_cancelled() && e.upload_aborted() == Some(true), "{e}");
        assert_eq!(e.to_string(), "upload of s3://b/k: cancelled; the multipart upload was aborted");
        let s = fake.state.lock().unwrap();
        assert_eq!((s.aborted, s.completed.is_none()), (1, true));
        // A manager whose handle is already cancelled sends nothing.
        drop(s);
        let cancelled = super::super::CancelHandle::new();
        cancelled.cancel();
        let manager = TransferManager::new(fake.clone()).with_cancel(cancelled);
        assert!(run(manager.upload_bytes("b", "k", vec![1u8; 10])).unwrap_err().is_cancelled());
        assert!(fake.state.lock().unwrap().puts.is_empty());
    }

    /// A reader that gives `len` bytes in uneven reads.
    fn uneven_reader(len: usize) -> impl AsyncRead + Send {
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        tokio_util_like::Uneven { data, at: 0, step: 0 }
    }

    mod tokio_util_like {
        /// Reads of 1, 1000, 70000, 1, ... bytes.
        pub struct Uneven {
            pub data: Vec<u8>,
            pub at: usize,
            pub step: usize,
        }
        impl tokio::io::AsyncRead for Uneven {
            fn poll_read(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>, buf: &mut tokio::io::ReadBuf<'_>) -> std::task::Poll<std::io::Result<()>> {
                let sizes = [1usize, 1000, 70_000];
                let n = sizes[self.step % 3].min(buf.remaining()).min(self.data.len() - self.at);
                let at = self.at;
                buf.put_slice(&self.data[at..at + n]);
                self.at += n;
                self.step += 1;
                std::task::Poll::Ready(Ok(()))
            }
        }
    }

    #[test]
    fn a_reader_goes_in_one_put_below_the_threshold_and_in_parts_above() {
        let fake = Fake::default();
        let manager = TransferManager::new(fake.clone()).with_config(config().with_multipart_threshold(5 * MIB));
        let out = run(manager.upload_reader("b", "k", uneven_reader(1000))).unwrap();
        assert_eq!((out.size, out.parts), (1000, 0));
        // 12 MiB + 1: parts of 5, 5, 2 MiB + 1 byte.
        let out = run(manager.upload_reader("b", "k", uneven_reader((12 * MIB + 1) as usize))).unwrap();
        assert_eq!((out.size, out.parts), (12 * MIB + 1, 3));
        // Exactly two parts: no empty third part.
        let out = run(manager.upload_reader("b", "k", uneven_reader((10 * MIB) as usize))).unwrap();
        assert_eq!((out.size, out.parts), (10 * MIB, 2));
        let s = fake.state.lock().unwrap();
        assert_eq!(s.puts, [1000]);
        assert_eq!(s.completed.as_deref(), Some(&[1, 2][..]));
        assert_eq!(s.parts.values().copied().collect::<Vec<_>>(), [5 * MIB as usize, 5 * MIB as usize, (2 * MIB + 1) as usize], "the last upload's parts overwrote 1 and 2; part 3 is the 12 MiB upload's");
    }

    #[test]
    fn a_reader_that_fails_aborts_the_upload() {
        struct Broken(usize);
        impl AsyncRead for Broken {
            fn poll_read(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>, buf: &mut tokio::io::ReadBuf<'_>) -> std::task::Poll<std::io::Result<()>> {
                if self.0 == 0 {
                    return std::task::Poll::Ready(Err(std::io::Error::other("disk on fire")));
                }
                let n = self.0.min(buf.remaining());
                buf.put_slice(&vec![1u8; n]);
                self.0 -= n;
                std::task::Poll::Ready(Ok(()))
            }
        }
        let fake = Fake::default();
        let manager = TransferManager::new(fake.clone()).with_config(config().with_multipart_threshold(5 * MIB));
        let e = run(manager.upload_reader("b", "k", Broken((7 * MIB) as usize))).unwrap_err();
        assert_eq!(e.to_string(), "upload of s3://b/k, part 2: disk on fire; the multipart upload was aborted");
        assert_eq!(fake.state.lock().unwrap().aborted, 1);
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("smithy-upload-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn only_a_regular_file_is_uploaded() {
        let dir = scratch("not-regular");
        let manager = TransferManager::new(Fake::default()).with_config(config());
        let e = run(manager.upload_file("b", "k", &dir)).unwrap_err();
        assert!(e.to_string().contains("is not a regular file"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_file_that_grows_during_the_upload_fails_and_is_aborted() {
        let dir = scratch("grows");
        let path = dir.join("f.bin");
        std::fs::write(&path, vec![1u8; (12 * MIB) as usize]).unwrap();
        let fake = Fake { grow: Some(path.clone()), ..Fake::default() };
        let manager = TransferManager::new(fake.clone()).with_config(config().with_multipart_threshold(5 * MIB));
        let e = run(manager.upload_file("b", "k", &path)).unwrap_err();
        assert!(e.to_string().contains("the file grew during the upload"), "{e}");
        assert_eq!(e.upload_aborted(), Some(true), "{e}");
        assert!(fake.state.lock().unwrap().completed.is_none());
        std::fs::remove_dir_all(&dir).ok();
    }
}
