//! Downloads: `HeadObject`, then ranged `GetObject`s pinned to the ETag
//! with `If-Match`, `concurrency` at a time, each written at its offset;
//! a file is written beside its target and renamed into place once whole.

use std::collections::BTreeMap;
use std::io::SeekFrom;
use std::pin::Pin;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::task::JoinSet;

use super::checksum::{FullChecksum, Verifier};
use super::progress::{unless_cancelled, Tracker};
use super::{DownloadOutput, ObjectInfo, ObjectStore, RangeBody, PartPlan, StoreError, TransferError, TransferErrorKind, TransferManager, RANGE_RETRIES};

const OP: &str = "download";

/// Where the ranges go: a buffer of the object's size, a file, or a
/// writer (in order: ranges that arrive early wait in `pending`).
enum Sink<'a> {
    Memory(&'a mut [u8]),
    /// Shared with the range tasks, which (on unix) write their range
    /// themselves at its offset (`pwrite`), concurrently.
    File { file: Arc<std::fs::File>, path: PathBuf },
    Writer { writer: Pin<&'a mut (dyn AsyncWrite + Send + 'a)>, written: u64, pending: BTreeMap<u64, RangeBody> },
}

impl Sink<'_> {
    async fn write_at(&mut self, offset: u64, body: &RangeBody) -> std::io::Result<()> {
        match self {
            // Within the buffer: every range lies inside the object's size.
            Sink::Memory(buf) => {
                let mut at = usize::try_from(offset).map_err(|_| std::io::Error::other("a range beyond the object's size"))?;
                for chunk in body.chunks() {
                    let to = at.checked_add(chunk.len()).and_then(|end| buf.get_mut(at..end));
                    to.ok_or_else(|| std::io::Error::other("a range beyond the object's size"))?.copy_from_slice(chunk);
                    at += chunk.len();
                }
                Ok(())
            }
            // Written by the range's task on unix: here only elsewhere, one
            // range at a time (the file's cursor is shared).
            Sink::File { file, .. } => {
                let (file, body) = (file.clone(), body.clone());
                blocking(move || {
                    use std::io::{Seek, Write};
                    let mut f: &std::fs::File = &file;
                    f.seek(SeekFrom::Start(offset))?;
                    body.chunks().iter().try_for_each(|chunk| f.write_all(chunk))
                })
                .await
            }
            Sink::Writer { writer, written, pending } => {
                pending.insert(offset, body.clone());
                while let Some(next) = pending.remove(written) {
                    for chunk in next.chunks() {
                        writer.write_all(chunk).await?;
                    }
                    *written += next.len();
                }
                Ok(())
            }
        }
    }
    /// The file a range's task writes its range into itself (unix: a
    /// positional write needs no shared cursor).
    fn positional(&self) -> Option<Arc<std::fs::File>> {
        match self {
            #[cfg(unix)]
            Sink::File { file, .. } => Some(file.clone()),
            _ => None,
        }
    }
    /// For a writer, the offset written up to (ranges are fetched at most
    /// `concurrency` ranges past it, so what waits stays bounded).
    fn written(&self) -> Option<u64> {
        match self {
            Sink::Writer { written, .. } => Some(*written),
            _ => None,
        }
    }
    fn path(&self) -> PathBuf {
        match self {
            Sink::File { path, .. } => path.clone(),
            Sink::Memory(_) | Sink::Writer { .. } => PathBuf::new(),
        }
    }
}

/// `bytes` written into `file` at `offset`, whatever its cursor (only
/// unix: elsewhere [`Sink::positional`] is `None` and this is not called).
#[cfg(unix)]
fn write_all_at(file: &std::fs::File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(not(unix))]
fn write_all_at(_: &std::fs::File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::Error::other("positional writes are only used on unix"))
}

/// `work` (file IO) on tokio's blocking pool.
async fn blocking(work: impl FnOnce() -> std::io::Result<()> + Send + 'static) -> std::io::Result<()> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(join) => Err(std::io::Error::other(format!("a file write ended without a result: {join}"))),
    }
}

/// Removes the partial file when dropped while armed (a failed or cancelled download).
struct RemoveOnDrop {
    path: PathBuf,
    armed: bool,
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The hidden file a download writes before it is whole: in the target's
/// directory (so the rename stays on one file system), unique to this
/// process and download, with a random-ish suffix (the clock's nanoseconds
/// mixed with a counter) so its name cannot be guessed ahead; the target's
/// name is cut to 64 bytes so the whole stays well under name limits.
fn partial_path(target: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "object".into());
    let mut cut = name.len().min(64);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let noise = (nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    target.with_file_name(format!(".{}.{}-{n}-{noise:016x}.partial", &name[..cut], std::process::id()))
}

/// The permissions the downloaded file gets: the replaced target's
/// permission bits (never its setuid, setgid or sticky bits: a file planted
/// with them must not lend them to downloaded bytes), when there was one;
/// else (unix) what a new file gets from this process's umask (`0666` less
/// the umask, as `open` would give; `0644` if that cannot be found out).
async fn final_permissions(target: &Path) -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match tokio::fs::metadata(target).await {
            Ok(meta) if meta.is_file() => meta.permissions().mode() & 0o777,
            _ => new_file_mode(),
        };
        Some(std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        match tokio::fs::metadata(target).await {
            Ok(meta) if meta.is_file() => Some(meta.permissions()),
            _ => None,
        }
    }
}

/// The mode a file created with `0666` gets here (the umask applied), found
/// once by creating such a file in the temporary directory: the umask cannot
/// be read without changing it.
#[cfg(unix)]
fn new_file_mode() -> u32 {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    static MODE: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *MODE.get_or_init(|| {
        let probe = partial_path(&std::env::temp_dir().join("umask-probe"));
        let created = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o666).open(&probe);
        let mode = created.and_then(|f| f.metadata()).map(|m| m.permissions().mode() & 0o777);
        let _ = std::fs::remove_file(&probe);
        mode.unwrap_or(0o644)
    })
}

/// After a rename: the directory's entry made durable too (unix; best
/// effort: a file system that cannot sync a directory is not an error).
async fn sync_parent(target: &Path) {
    #[cfg(unix)]
    if let Some(parent) = target.parent() {
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        if let Ok(dir) = tokio::fs::File::open(parent).await {
            let _ = dir.sync_all().await;
        }
    }
    #[cfg(not(unix))]
    let _ = target;
}

impl<S: ObjectStore> TransferManager<S> {
    /// Download `bucket`/`key` into memory, in concurrent ranges pinned to
    /// the object's ETag (see the [module](super)). The whole object is held
    /// in memory: prefer [`Self::download_file`] for large objects.
    pub async fn download_bytes(&self, bucket: &str, key: &str) -> Result<Bytes, TransferError> {
        self.check_cancel(OP, bucket, key)?;
        let info = self.store.head_object(bucket, key).await.map_err(|e| TransferError::new(TransferErrorKind::Store(e), OP, bucket, key))?;
        let too_large = || TransferError::new(TransferErrorKind::Invalid(format!("{} bytes do not fit in memory", info.size)), OP, bucket, key);
        let len = usize::try_from(info.size).map_err(|_| too_large())?;
        let mut buf = Vec::new();
        buf.try_reserve_exact(len).map_err(|_| too_large())?;
        buf.resize(len, 0);
        let tracker = Tracker::for_object(self.progress.clone());
        self.fetch(bucket, key, &info, &mut Sink::Memory(&mut buf), &tracker).await?;
        Ok(Bytes::from(buf))
    }

    /// Download `bucket`/`key` into `writer`, in concurrent ranges pinned to
    /// the object's ETag (see the [module](super)), written in order: at
    /// most `concurrency` ranges are fetched or waiting at once, so memory
    /// stays under `concurrency × part size`. The writer is flushed at the
    /// end; on failure it holds a prefix of the object (say so to whoever
    /// reads it: nothing here can take written bytes back).
    pub async fn download_to_writer(&self, bucket: &str, key: &str, writer: impl AsyncWrite + Send) -> Result<DownloadOutput, TransferError> {
        self.check_cancel(OP, bucket, key)?;
        let info = self.store.head_object(bucket, key).await.map_err(|e| TransferError::new(TransferErrorKind::Store(e), OP, bucket, key))?;
        let tracker = Tracker::for_object(self.progress.clone());
        let mut writer = std::pin::pin!(writer);
        let mut sink = Sink::Writer { writer: writer.as_mut(), written: 0, pending: BTreeMap::new() };
        let (parts, checksum) = self.fetch(bucket, key, &info, &mut sink, &tracker).await?;
        drop(sink);
        writer.flush().await.map_err(|source| TransferError::new(TransferErrorKind::Io { path: PathBuf::new(), source }, OP, bucket, key))?;
        Ok(DownloadOutput { size: info.size, parts, e_tag: info.e_tag, checksum })
    }

    /// Download `bucket`/`key` to the file at `path`, in concurrent ranges
    /// pinned to the object's ETag (see the [module](super)): written to a
    /// hidden file beside `path` (mode `0600` on unix while written) and
    /// renamed over it once whole, so `path` never holds a partial or mixed
    /// object; on failure nothing is left. The file gets the mode of the
    /// file it replaces (without setuid, setgid or sticky bits), else what
    /// a new file gets from the process's umask (unix).
    pub async fn download_file(&self, bucket: &str, key: &str, path: impl AsRef<Path>) -> Result<DownloadOutput, TransferError> {
        let tracker = Tracker::for_object(self.progress.clone());
        self.check_cancel(OP, bucket, key)?;
        let info = self.store.head_object(bucket, key).await.map_err(|e| TransferError::new(TransferErrorKind::Store(e), OP, bucket, key))?;
        self.download_file_tracked(bucket, key, info, path.as_ref(), &tracker).await
    }

    /// [`Self::download_file`] of an object whose size and ETag are known
    /// (`info`, from `HeadObject`), counting into `tracker` (a directory's).
    pub(super) async fn download_file_tracked(&self, bucket: &str, key: &str, info: ObjectInfo, target: &Path, tracker: &Arc<Tracker>) -> Result<DownloadOutput, TransferError> {
        self.check_cancel(OP, bucket, key)?;
        let io = |path: &Path, source| TransferError::new(TransferErrorKind::Io { path: path.to_path_buf(), source }, OP, bucket, key);
        if tokio::fs::metadata(target).await.is_ok_and(|m| m.is_dir()) {
            return Err(io(target, std::io::Error::other("is a directory: name the file to write")));
        }
        let partial = partial_path(target);
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        // Only its owner can read the partial file while it is written.
        #[cfg(unix)]
        options.mode(0o600);
        let file = match options.open(&partial).await {
            Ok(file) => file,
            // Say which folder is missing, not the hidden file's name.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                return Err(io(folder, std::io::Error::new(e.kind(), format!("the folder to write {} in does not exist", target.display()))));
            }
            Err(e) => return Err(io(&partial, e)),
        };
        let mut guard = RemoveOnDrop { path: partial.clone(), armed: true };
        file.set_len(info.size).await.map_err(|e| io(&partial, e))?;
        let file = Arc::new(file.into_std().await);
        let mut sink = Sink::File { file: file.clone(), path: partial.clone() };
        let (parts, checksum) = self.fetch(bucket, key, &info, &mut sink, tracker).await?;
        drop(sink);
        blocking(move || file.sync_all()).await.map_err(|e| io(&partial, e))?;
        if let Some(permissions) = final_permissions(target).await {
            tokio::fs::set_permissions(&partial, permissions).await.map_err(|e| io(&partial, e))?;
        }
        tokio::fs::rename(&partial, target).await.map_err(|e| io(target, e))?;
        guard.armed = false;
        sync_parent(target).await;
        Ok(DownloadOutput { size: info.size, parts, e_tag: info.e_tag, checksum })
    }

    /// Fetch every range of an object of `size` bytes into `sink`, at most
    /// `concurrency` in flight; how many ranges.
    async fn fetch(&self, bucket: &str, key: &str, info: &ObjectInfo, sink: &mut Sink<'_>, tracker: &Tracker) -> Result<(u64, Option<FullChecksum>), TransferError> {
        let (size, e_tag) = (info.size, info.e_tag.as_deref());
        // The object's full checksum, checked as the ranges come (a CRC32 in any order, others in order).
        let mut verifier = info.checksum.clone().and_then(Verifier::new);
        tracker.start(size);
        let plan = PartPlan::download(size, self.config.part_size);
        let ids: (Arc<str>, Arc<str>, Option<Arc<str>>) = (bucket.into(), key.into(), e_tag.map(Arc::from));
        let concurrency = self.config.concurrency();
        // Each task's range, or the store's error, or (written by the task)
        // the file's error.
        let mut tasks: JoinSet<(u64, Result<RangeBody, StoreError>, Option<std::io::Error>)> = JoinSet::new();
        let positional = sink.positional();
        let mut next = 0u64;
        loop {
            while next < plan.parts && tasks.len() < concurrency {
                let (start, len) = plan.range(next, size);
                // A writer takes the ranges in order: no range starts more
                // than `concurrency` ranges past what it has written.
                // So does the checksum.
                let done = match (sink.written(), verifier.as_ref().and_then(Verifier::hashed)) {
                    (Some(w), Some(h)) => Some(w.min(h)),
                    (w, h) => w.or(h),
                };
                if done.is_some_and(|w| start >= w.saturating_add(plan.part_size.saturating_mul(concurrency as u64))) {
                    break;
                }
                self.check_cancel(OP, bucket, key)?;
                let (store, (b, k, tag)) = (self.store.clone(), ids.clone());
                let index = next;
                let file = positional.clone();
                tasks.spawn(async move {
                    let got = get_range(&store, &b, &k, start, len, size, tag.as_deref()).await;
                    let (Ok(body), Some(file)) = (&got, file) else { return (index, got, None) };
                    let written = body.clone();
                    let error = blocking(move || {
                        let mut at = start;
                        for chunk in written.chunks() {
                            write_all_at(&file, chunk, at)?;
                            at += chunk.len() as u64;
                        }
                        Ok(())
                    })
                    .await
                    .err();
                    (index, got, error)
                });
                next += 1;
            }
            // Cancelled: the ranges in flight are dropped with `tasks`.
            let joined = unless_cancelled(tasks.join_next(), self.cancel.as_ref()).await;
            let Some(joined) = joined else { return Err(TransferError::new(TransferErrorKind::Cancelled, OP, bucket, key)) };
            let (index, result, written) = match joined {
                None => break,
                Some(Ok(done)) => done,
                Some(Err(join)) => {
                    let what = format!("a range's task ended without a result: {join}");
                    return Err(TransferError::new(TransferErrorKind::Invalid(what), OP, bucket, key));
                }
            };
            let (start, _) = plan.range(index, size);
            let fail = |kind| TransferError::new(kind, OP, bucket, key).in_part(index + 1);
            let bytes = result.map_err(|e| {
                if e.status() == Some(412) || e.code() == Some("PreconditionFailed") {
                    fail(TransferErrorKind::ObjectChanged(format!("its ETag is no longer {}: {e}", e_tag.unwrap_or("the one HeadObject gave"))))
                } else {
                    fail(TransferErrorKind::Store(e))
                }
            })?;
            if let Some(source) = written {
                return Err(fail(TransferErrorKind::Io { path: sink.path(), source }));
            }
            if positional.is_none() {
                sink.write_at(start, &bytes).await.map_err(|source| fail(TransferErrorKind::Io { path: sink.path(), source }))?;
            }
            tracker.advance(bytes.len());
            if let Some(v) = verifier.as_mut() {
                v.add(start, bytes);
            }
        }
        let checked = match verifier.map(Verifier::finish) {
            None => None,
            Some(Ok(checksum)) => Some(checksum),
            Some(Err((expected, actual))) => {
                let kind = TransferErrorKind::ChecksumMismatch { algorithm: expected.algorithm, expected: expected.value, actual };
                return Err(TransferError::new(kind, OP, bucket, key));
            }
        };
        Ok((plan.parts, checked))
    }
}

/// One range, asked for again (up to [`RANGE_RETRIES`] times) while its
/// body breaks off or ends short; a body of the wrong length from a store
/// that does not say so is an interrupted body too.
async fn get_range<S: ObjectStore>(store: &S, bucket: &str, key: &str, start: u64, len: u64, size: u64, if_match: Option<&str>) -> Result<RangeBody, StoreError> {
    let end = start + len - 1;
    let mut retries = 0;
    loop {
        let error = match store.get_object_range(bucket, key, start, end, size, if_match).await {
            Ok(body) if body.len() == len => return Ok(body),
            Ok(body) => StoreError::interrupted("GetObject", format!("bytes {start}-{end} came back as {} bytes, not {len}", body.len())),
            Err(e) => e,
        };
        if !error.is_interrupted() || retries >= RANGE_RETRIES {
            return Err(error);
        }
        retries += 1;
        tracing::debug!(bucket, key, start, end, retries, error = %error, "asking again for a range whose body broke off");
    }
}

/// The bytes of a ranged `GetObject`'s streamed body, read whole, for an
/// [`ObjectStore::get_object_range`] implementation of the bytes
/// `start..=end` of an object of `size` bytes. The response's
/// `Content-Range` must be `bytes start-end/size` (a `200` with the whole
/// object, or another range, is an error). At most the range's length is
/// buffered (a longer body is an error, not a larger buffer); a body that
/// breaks off or ends short is a [`StoreError::interrupted`].
pub async fn read_range(content_range: Option<&str>, mut body: crate::transport::BodyStream, start: u64, end: u64, size: u64) -> Result<RangeBody, StoreError> {
    let wanted = format!("bytes {start}-{end}/{size}");
    if content_range != Some(wanted.as_str()) {
        let got = content_range.map_or_else(|| "no Content-Range (the whole object?)".to_string(), |r| format!("Content-Range {r:?}"));
        return Err(StoreError::new("GetObject", format!("the response has {got}, not {wanted:?}")));
    }
    let expected = end.saturating_sub(start) + 1;
    // The chunks as hyper hands them over: no buffer of the range's size.
    let mut got = RangeBody::new();
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.map_err(|e| StoreError::interrupted("GetObject", format!("the body broke off after {} bytes: {}", got.len(), match e { crate::transport::SendError::Transport(t) => t.to_string(), crate::transport::SendError::Timeout(t) => t.to_string() })))?;
        if got.len() + chunk.len() as u64 > expected {
            return Err(StoreError::new("GetObject", format!("the body is longer than the {expected} bytes asked for")));
        }
        got.push(chunk);
    }
    if got.len() < expected {
        return Err(StoreError::interrupted("GetObject", format!("the body ended after {} of the {expected} bytes asked for", got.len())));
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_files_are_hidden_beside_the_target_and_unique() {
        let a = partial_path(Path::new("/data/out/big.bin"));
        let b = partial_path(Path::new("/data/out/big.bin"));
        assert_eq!(a.parent(), Some(Path::new("/data/out")));
        assert!(a.file_name().unwrap().to_string_lossy().starts_with(".big.bin."), "{a:?}");
        assert_ne!(a, b);
        let long = partial_path(&Path::new("/d").join("é".repeat(200)));
        let name = long.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.len() < 130 && name.starts_with(&format!(".{}.", "é".repeat(32))), "{name}");
    }

    #[cfg(unix)]
    #[test]
    fn the_partial_file_is_private_and_the_result_keeps_the_replaced_files_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("smithy-download-{}-modes", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = ranges(0, false);
        let manager = TransferManager::new(store).with_config(TransferConfig::new().with_part_size(5 * MIB));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // A new file: what `std::fs::write` gives a new file here (0666 less the umask).
        let fresh = dir.join("fresh.bin");
        run(manager.download_file("b", "k", &fresh)).unwrap();
        std::fs::write(dir.join("plain"), b"").unwrap();
        assert_eq!(mode(&fresh), mode(&dir.join("plain")));
        std::fs::remove_file(dir.join("plain")).unwrap();
        // A replaced file keeps its mode, without setuid or setgid.
        let kept = dir.join("kept.bin");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o600)).unwrap();
        run(manager.download_file("b", "k", &kept)).unwrap();
        assert_eq!((mode(&kept), std::fs::metadata(&kept).unwrap().len()), (0o600, 12 * MIB));
        let planted = dir.join("planted.bin");
        std::fs::write(&planted, b"old").unwrap();
        std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o6755)).unwrap();
        run(manager.download_file("b", "k", &planted)).unwrap();
        assert_eq!(std::fs::metadata(&planted).unwrap().permissions().mode() & 0o7777, 0o755, "no setuid or setgid lent to downloaded bytes");
        // The partial file is created 0600: seen from inside a range fetch.
        let seen = Arc::new(Mutex::new(None));
        #[derive(Clone)]
        struct Peek(Ranges, PathBuf, Arc<Mutex<Option<u32>>>);
        impl ObjectStore for Peek {
            fn put_object<'a>(&'a self, b: &'a str, k: &'a str, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.0.put_object(b, k, x, c) }
            fn create_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<String, StoreError>> { self.0.create_multipart_upload(b, k) }
            fn upload_part<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, n: u32, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> { self.0.upload_part(b, k, i, n, x, c) }
            fn complete_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, p: Vec<CompletedPart>, c: &'a str, z: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.0.complete_multipart_upload(b, k, i, p, c, z) }
            fn abort_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str) -> BoxFuture<'a, Result<(), StoreError>> { self.0.abort_multipart_upload(b, k, i) }
            fn head_object<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> { self.0.head_object(b, k) }
            fn get_object_range<'a>(&'a self, b: &'a str, k: &'a str, s: u64, e: u64, n: u64, m: Option<&'a str>) -> BoxFuture<'a, Result<RangeBody, StoreError>> {
                for entry in std::fs::read_dir(&self.1).unwrap() {
                    let entry = entry.unwrap();
                    if entry.file_name().to_string_lossy().ends_with(".partial") {
                        *self.2.lock().unwrap() = Some(entry.metadata().unwrap().permissions().mode() & 0o777);
                    }
                }
                self.0.get_object_range(b, k, s, e, n, m)
            }
        }
        let manager = TransferManager::new(Peek(ranges(0, false), dir.clone(), seen.clone())).with_config(TransferConfig::new().with_part_size(5 * MIB));
        run(manager.download_file("b", "k", dir.join("peeked.bin"))).unwrap();
        assert_eq!(*seen.lock().unwrap(), Some(0o600));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_range_body_is_read_whole_and_never_past_its_length() {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
        let chunks = |c: &[&'static [u8]]| crate::transport::BodyStream::chunks(c.iter().map(|b| Bytes::from_static(b)).collect());
        let range = Some("bytes 10-14/100");
        let got = read_range(range, chunks(&[b"abc", b"de"]), 10, 14, 100).await.unwrap();
        assert_eq!((got.len(), got.chunks()), (5, &[Bytes::from_static(b"abc"), Bytes::from_static(b"de")][..]), "the chunks as they came, not copied");
        let e = read_range(range, chunks(&[b"abc", b"def"]), 10, 14, 100).await.unwrap_err();
        assert!(e.to_string().contains("longer than the 5 bytes") && !e.is_interrupted(), "{e}");
        let e = read_range(range, chunks(&[b"abc"]), 10, 14, 100).await.unwrap_err();
        assert!(e.to_string().contains("the body ended after 3 of the 5 bytes") && e.is_interrupted(), "{e}");
        // A 200 with the whole object, or another range: not the range asked for.
        let e = read_range(None, chunks(&[b"abcde"]), 10, 14, 100).await.unwrap_err();
        assert!(e.to_string().contains("no Content-Range") && !e.is_interrupted(), "{e}");
        let e = read_range(Some("bytes 10-14/101"), chunks(&[b"abcde"]), 10, 14, 100).await.unwrap_err();
        assert!(e.to_string().contains("not \"bytes 10-14/100\""), "{e}");
        });
    }

    use std::sync::Mutex;

    use super::super::{BoxFuture, CompletedPart, FullChecksum, ObjectInfo, PartResult, TransferConfig};

    const MIB: u64 = 1024 * 1024;

    /// A range asked for: its first byte and its `If-Match`.
    type Ask = (u64, Option<String>);

    /// An object in memory; the first `breaks` asks for each range break
    /// off, or (`changed`) every ask after the first gets a 412.
    #[derive(Clone)]
    struct Ranges {
        object: Bytes,
        breaks: u32,
        changed: bool,
        asks: Arc<Mutex<Vec<Ask>>>,
    }

    impl ObjectStore for Ranges {
        fn put_object<'a>(&'a self, _: &'a str, _: &'a str, _: Bytes, _: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            unreachable!()
        }
        fn create_multipart_upload<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<String, StoreError>> {
            unreachable!()
        }
        fn upload_part<'a>(&'a self, _: &'a str, _: &'a str, _: &'a str, _: u32, _: Bytes, _: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> {
            unreachable!()
        }
        fn complete_multipart_upload<'a>(&'a self, _: &'a str, _: &'a str, _: &'a str, _: Vec<CompletedPart>, _: &'a str, _: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            unreachable!()
        }
        fn abort_multipart_upload<'a>(&'a self, _: &'a str, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
            unreachable!()
        }
        fn head_object<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> {
            Box::pin(async { Ok(ObjectInfo { size: self.object.len() as u64, e_tag: Some("\"v1\"".into()), checksum: None }) })
        }
        fn get_object_range<'a>(&'a self, _: &'a str, _: &'a str, start: u64, end: u64, _: u64, if_match: Option<&'a str>) -> BoxFuture<'a, Result<RangeBody, StoreError>> {
            Box::pin(async move {
                let asked = {
                    let mut asks = self.asks.lock().unwrap();
                    asks.push((start, if_match.map(str::to_string)));
                    asks.iter().filter(|(s, _)| *s == start).count() as u32
                };
                let whole = self.object.slice(start as usize..=end as usize);
                if self.changed && asked > 1 {
                    return Err(StoreError::new("GetObject", "PreconditionFailed").with_status(412));
                }
                if asked <= self.breaks {
                    // Alternately a reset connection and a short body.
                    return if asked % 2 == 1 { Err(StoreError::interrupted("GetObject", "connection reset")) } else { Ok(whole.slice(..1).into()) };
                }
                Ok(whole.into())
            })
        }
    }

    fn ranges(breaks: u32, changed: bool) -> Ranges {
        Ranges { object: (0..12 * MIB).map(|i| (i % 251) as u8).collect::<Vec<u8>>().into(), breaks, changed, asks: Arc::default() }
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn a_cancelled_download_leaves_no_file_and_progress_counts_ranges() {
        let dir = std::env::temp_dir().join(format!("smithy-download-{}-cancel", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let manager = TransferManager::new(ranges(0, false)).with_config(TransferConfig::new().with_part_size(5 * MIB)).with_progress(move |p| sink.lock().unwrap().push(p.transferred));
        run(manager.download_file("b", "k", dir.join("whole.bin"))).unwrap();
        // A start, then one report per range in the order they land (5, 5 and 2 MiB).
        let seen = seen.lock().unwrap().clone();
        assert_eq!((seen.len(), seen.first(), seen.last()), (4, Some(&0), Some(&(12 * MIB))), "{seen:?}");
        assert!(seen.windows(2).all(|w| [2 * MIB, 5 * MIB].contains(&(w[1] - w[0])) || w[0] == 0), "{seen:?}");
        // Cancelled from the progress callback, after the first range.
        let handle = super::super::CancelHandle::new();
        let h = handle.clone();
        let manager = TransferManager::new(ranges(0, false)).with_config(TransferConfig::new().with_part_size(5 * MIB).with_concurrency(1)).with_cancel(handle).with_progress(move |p| if p.transferred > 0 { h.cancel() });
        let e = run(manager.download_file("b", "k", dir.join("cut.bin"))).unwrap_err();
        assert!(e.is_cancelled(), "{e}");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["whole.bin"], "no target and no partial file");
        // A directory as the target: an error before anything is fetched.
        let store = ranges(0, false);
        let e = run(TransferManager::new(store.clone()).download_file("b", "k", &dir)).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        assert!(store.asks.lock().unwrap().is_empty());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_writer_gets_the_ranges_in_order_whatever_order_they_arrive_in() {
        // Ranges answer in reverse order of asking (the first waits longest).
        #[derive(Clone)]
        struct Late(Ranges);
        impl ObjectStore for Late {
            fn put_object<'a>(&'a self, b: &'a str, k: &'a str, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.0.put_object(b, k, x, c) }
            fn create_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<String, StoreError>> { self.0.create_multipart_upload(b, k) }
            fn upload_part<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, n: u32, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> { self.0.upload_part(b, k, i, n, x, c) }
            fn complete_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, p: Vec<CompletedPart>, c: &'a str, z: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.0.complete_multipart_upload(b, k, i, p, c, z) }
            fn abort_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str) -> BoxFuture<'a, Result<(), StoreError>> { self.0.abort_multipart_upload(b, k, i) }
            fn head_object<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> { self.0.head_object(b, k) }
            fn get_object_range<'a>(&'a self, b: &'a str, k: &'a str, s: u64, e: u64, n: u64, m: Option<&'a str>) -> BoxFuture<'a, Result<RangeBody, StoreError>> {
                Box::pin(async move {
                    let waits = 40 - (s / MIB) as usize;
                    for _ in 0..waits {
                        tokio::task::yield_now().await;
                    }
                    self.0.get_object_range(b, k, s, e, n, m).await
                })
            }
        }
        let store = ranges(0, false);
        let manager = TransferManager::new(Late(store.clone())).with_config(TransferConfig::new().with_part_size(5 * MIB).with_concurrency(2));
        let mut out = Vec::new();
        let done = run(manager.download_to_writer("b", "k", &mut out)).unwrap();
        assert_eq!((done.size, done.parts), (12 * MIB, 3));
        assert!(out == store.object, "in order and whole");
        // A writer that fails: the error says so, with no empty path.
        struct Full;
        impl AsyncWrite for Full {
            fn poll_write(self: Pin<&mut Self>, _: &mut std::task::Context<'_>, _: &[u8]) -> std::task::Poll<std::io::Result<usize>> { std::task::Poll::Ready(Err(std::io::Error::other("no space left"))) }
            fn poll_flush(self: Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> { std::task::Poll::Ready(Ok(())) }
            fn poll_shutdown(self: Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> { std::task::Poll::Ready(Ok(())) }
        }
        let e = run(TransferManager::new(store).with_config(TransferConfig::new().with_part_size(5 * MIB)).download_to_writer("b", "k", Full)).unwrap_err();
        assert_eq!(e.to_string(), "download of s3://b/k, part 1: no space left");
    }

    #[test]
    fn a_download_is_checked_against_the_objects_full_checksum() {
        // HeadObject reports a checksum: right, or one of another object.
        #[derive(Clone)]
        struct Summed(Ranges, String);
        impl ObjectStore for Summed {
            fn put_object<'a>(&'a self, b: &'a str, k: &'a str, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.0.put_object(b, k, x, c) }
            fn create_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<String, StoreError>> { self.0.create_multipart_upload(b, k) }
            fn upload_part<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, n: u32, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> { self.0.upload_part(b, k, i, n, x, c) }
            fn complete_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, p: Vec<CompletedPart>, c: &'a str, z: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.0.complete_multipart_upload(b, k, i, p, c, z) }
            fn abort_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str) -> BoxFuture<'a, Result<(), StoreError>> { self.0.abort_multipart_upload(b, k, i) }
            fn head_object<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> {
                Box::pin(async move {
                    let info = self.0.head_object(b, k).await?;
                    Ok(ObjectInfo { checksum: FullChecksum::full_object("CRC64NVME", Some(&self.1), Some("FULL_OBJECT")), ..info })
                })
            }
            fn get_object_range<'a>(&'a self, b: &'a str, k: &'a str, s: u64, e: u64, n: u64, m: Option<&'a str>) -> BoxFuture<'a, Result<RangeBody, StoreError>> { self.0.get_object_range(b, k, s, e, n, m) }
        }
        let store = ranges(0, false);
        let (_, right) = crate::checksums::checksum_header("CRC64NVME", &store.object).unwrap();
        let (_, wrong) = crate::checksums::checksum_header("CRC64NVME", b"another object").unwrap();
        let config = TransferConfig::new().with_part_size(5 * MIB);
        let dir = std::env::temp_dir().join(format!("smithy-download-{}-checksum", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let manager = TransferManager::new(Summed(store.clone(), right.clone())).with_config(config.clone());
        let out = run(manager.download_file("b", "k", dir.join("good.bin"))).unwrap();
        assert_eq!(out.checksum.map(|c| (c.algorithm, c.value)), Some(("CRC64NVME".to_string(), right.clone())));
        let manager = TransferManager::new(Summed(store, wrong.clone())).with_config(config);
        let e = run(manager.download_file("b", "k", dir.join("bad.bin"))).unwrap_err();
        assert!(matches!(e.kind(), TransferErrorKind::ChecksumMismatch { expected, actual, .. } if *expected == wrong && *actual == right), "{e}");
        assert!(e.to_string().contains("corrupted on the way"), "{e}");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["good.bin"], "nothing written for the mismatch");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_range_whose_body_breaks_off_is_asked_for_again_with_the_same_if_match() {
        let store = ranges(RANGE_RETRIES, false);
        let manager = TransferManager::new(store.clone()).with_config(TransferConfig::new().with_part_size(5 * MIB));
        let got = run(manager.download_bytes("b", "k")).unwrap();
        assert!(got == store.object, "the retried ranges are whole");
        let asks = store.asks.lock().unwrap();
        assert_eq!(asks.len(), 3 * (1 + RANGE_RETRIES as usize), "each of 3 ranges asked for 1 + {RANGE_RETRIES} times");
        assert!(asks.iter().all(|(_, tag)| tag.as_deref() == Some("\"v1\"")), "{asks:?}");
    }

    #[test]
    fn a_range_that_keeps_breaking_off_fails_and_a_412_is_object_changed() {
        let manager = TransferManager::new(ranges(RANGE_RETRIES + 1, false)).with_config(TransferConfig::new().with_part_size(5 * MIB).with_concurrency(1));
        let e = run(manager.download_bytes("b", "k")).unwrap_err();
        assert!(!e.is_object_changed() && e.part() == Some(1), "{e}");
        // The fourth ask (the last retry) came back short.
        assert!(matches!(e.kind(), TransferErrorKind::Store(s) if s.is_interrupted()), "{e}");
        assert!(e.to_string().contains("came back as 1 bytes, not 5242880"), "{e}");
        // A break, then a 412 on the retry: the object changed.
        let manager = TransferManager::new(ranges(1, true)).with_config(TransferConfig::new().with_part_size(5 * MIB).with_concurrency(1));
        let e = run(manager.download_bytes("b", "k")).unwrap_err();
        assert!(e.is_object_changed(), "{e}");
    }
}
