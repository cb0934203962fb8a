//! Downloads: `HeadObject`, then ranged `GetObject`s pinned to the ETag
//! with `If-Match`, `concurrency` at a time, each written at its offset;
//! a file is written beside its target and renamed into place once whole.

use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};
use tokio::task::JoinSet;

use super::{DownloadOutput, ObjectStore, PartPlan, StoreError, TransferError, TransferErrorKind, TransferManager};

const OP: &str = "download";

/// Where the ranges go: a buffer of the object's size, or a file.
enum Sink<'a> {
    Memory(&'a mut [u8]),
    File { file: tokio::fs::File, path: PathBuf },
}

impl Sink<'_> {
    async fn write_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            // Within the buffer: every range lies inside the object's size.
            Sink::Memory(buf) => {
                let at = usize::try_from(offset).ok().and_then(|o| buf.get_mut(o..o.checked_add(bytes.len())?));
                at.ok_or_else(|| std::io::Error::other("a range beyond the object's size"))?.copy_from_slice(bytes);
                Ok(())
            }
            Sink::File { file, .. } => {
                file.seek(SeekFrom::Start(offset)).await?;
                file.write_all(bytes).await
            }
        }
    }
    fn path(&self) -> PathBuf {
        match self {
            Sink::File { path, .. } => path.clone(),
            Sink::Memory(_) => PathBuf::new(),
        }
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
/// process and download.
fn partial_path(target: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "object".into());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}.{}-{n}.partial", std::process::id()))
}

impl<S: ObjectStore> TransferManager<S> {
    /// Download `bucket`/`key` into memory, in concurrent ranges pinned to
    /// the object's ETag (see the [module](super)). The whole object is held
    /// in memory: prefer [`Self::download_file`] for large objects.
    pub async fn download_bytes(&self, bucket: &str, key: &str) -> Result<Bytes, TransferError> {
        let info = self.store.head_object(bucket, key).await.map_err(|e| TransferError::new(TransferErrorKind::Store(e), OP, bucket, key))?;
        let too_large = || TransferError::new(TransferErrorKind::Invalid(format!("{} bytes do not fit in memory", info.size)), OP, bucket, key);
        let len = usize::try_from(info.size).map_err(|_| too_large())?;
        let mut buf = Vec::new();
        buf.try_reserve_exact(len).map_err(|_| too_large())?;
        buf.resize(len, 0);
        self.fetch(bucket, key, info.size, info.e_tag.as_deref(), &mut Sink::Memory(&mut buf)).await?;
        Ok(Bytes::from(buf))
    }

    /// Download `bucket`/`key` to the file at `path`, in concurrent ranges
    /// pinned to the object's ETag (see the [module](super)): written to a
    /// hidden file beside `path` and renamed over it once whole, so `path`
    /// never holds a partial or mixed object; on failure nothing is left.
    pub async fn download_file(&self, bucket: &str, key: &str, path: impl AsRef<Path>) -> Result<DownloadOutput, TransferError> {
        let target = path.as_ref();
        let info = self.store.head_object(bucket, key).await.map_err(|e| TransferError::new(TransferErrorKind::Store(e), OP, bucket, key))?;
        let partial = partial_path(target);
        let io = |path: &Path, source| TransferError::new(TransferErrorKind::Io { path: path.to_path_buf(), source }, OP, bucket, key);
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&partial).await.map_err(|e| io(&partial, e))?;
        let mut guard = RemoveOnDrop { path: partial.clone(), armed: true };
        file.set_len(info.size).await.map_err(|e| io(&partial, e))?;
        let mut sink = Sink::File { file, path: partial.clone() };
        let parts = self.fetch(bucket, key, info.size, info.e_tag.as_deref(), &mut sink).await?;
        if let Sink::File { mut file, .. } = sink {
            file.flush().await.map_err(|e| io(&partial, e))?;
            file.sync_all().await.map_err(|e| io(&partial, e))?;
        }
        tokio::fs::rename(&partial, target).await.map_err(|e| io(target, e))?;
        guard.armed = false;
        Ok(DownloadOutput { size: info.size, parts, e_tag: info.e_tag })
    }

    /// Fetch every range of an object of `size` bytes into `sink`, at most
    /// `concurrency` in flight; how many ranges.
    async fn fetch(&self, bucket: &str, key: &str, size: u64, e_tag: Option<&str>, sink: &mut Sink<'_>) -> Result<u64, TransferError> {
        let plan = PartPlan::download(size, self.config.part_size);
        let ids: (Arc<str>, Arc<str>, Option<Arc<str>>) = (bucket.into(), key.into(), e_tag.map(Arc::from));
        let concurrency = self.config.concurrency();
        let mut tasks: JoinSet<(u64, Result<Bytes, StoreError>)> = JoinSet::new();
        let mut next = 0u64;
        loop {
            while next < plan.parts && tasks.len() < concurrency {
                let (start, len) = plan.range(next, size);
                let (store, (b, k, tag)) = (self.store.clone(), ids.clone());
                let index = next;
                tasks.spawn(async move { (index, store.get_object_range(&b, &k, start, start + len - 1, tag.as_deref()).await) });
                next += 1;
            }
            let (index, result) = match tasks.join_next().await {
                None => break,
                Some(Ok(done)) => done,
                Some(Err(join)) => {
                    let what = format!("a range's task ended without a result: {join}");
                    return Err(TransferError::new(TransferErrorKind::Invalid(what), OP, bucket, key));
                }
            };
            let (start, len) = plan.range(index, size);
            let fail = |kind| TransferError::new(kind, OP, bucket, key).in_part(index + 1);
            let bytes = result.map_err(|e| {
                if e.status() == Some(412) || e.code() == Some("PreconditionFailed") {
                    fail(TransferErrorKind::ObjectChanged(format!("its ETag is no longer {}: {e}", e_tag.unwrap_or("the one HeadObject gave"))))
                } else {
                    fail(TransferErrorKind::Store(e))
                }
            })?;
            if bytes.len() as u64 != len {
                let what = format!("bytes {start}-{} came back as {} bytes, not {len}", start + len - 1, bytes.len());
                return Err(fail(TransferErrorKind::ObjectChanged(what)));
            }
            sink.write_at(start, &bytes).await.map_err(|source| fail(TransferErrorKind::Io { path: sink.path(), source }))?;
        }
        Ok(plan.parts)
    }
}

/// The bytes of a ranged `GetObject`'s streamed body, read whole, for an
/// [`ObjectStore::get_object_range`] implementation: at most `expected`
/// bytes are buffered (a longer body is an error, not a larger buffer).
pub async fn read_range(mut body: crate::transport::BodyStream, expected: u64) -> Result<Bytes, StoreError> {
    let mut buf = bytes::BytesMut::with_capacity(usize::try_from(expected).unwrap_or(0));
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.map_err(|e| StoreError::new("GetObject", format!("the body ended early after {} bytes: {}", buf.len(), match e { crate::transport::SendError::Transport(t) => t.to_string(), crate::transport::SendError::Timeout(t) => t.to_string() })))?;
        if (buf.len() + chunk.len()) as u64 > expected {
            return Err(StoreError::new("GetObject", format!("the body is longer than the {expected} bytes asked for")));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
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
    }

    #[test]
    fn a_range_body_is_read_whole_and_never_past_its_length() {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
        let body = crate::transport::BodyStream::chunks(vec![Bytes::from_static(b"abc"), Bytes::from_static(b"de")]);
        assert_eq!(read_range(body, 5).await.unwrap(), Bytes::from_static(b"abcde"));
        let body = crate::transport::BodyStream::chunks(vec![Bytes::from_static(b"abc"), Bytes::from_static(b"def")]);
        let e = read_range(body, 5).await.unwrap_err();
        assert!(e.to_string().contains("longer than the 5 bytes"), "{e}");
        });
    }
}
