//! Large objects at full speed: uploads split into concurrent multipart
//! parts and downloads fetched as concurrent byte ranges, with memory bounded
//! by `concurrency × part size` (the `transfer` feature).
//!
//! The engine knows no generated type: it talks to the object store through
//! [`ObjectStore`], which a generated S3 client implements (its
//! `s3::transfer` module). Each call it makes is an ordinary operation call,
//! so each part and each range is retried on its own by the client's retry
//! policy.
//!
//! - [`TransferManager::upload_file`] / [`TransferManager::upload_bytes`]:
//!   one `PutObject` below [`TransferConfig::multipart_threshold`], else
//!   `CreateMultipartUpload`, parts of [`TransferConfig::part_size`] (grown
//!   so an upload has at most [`MAX_PARTS`] parts; at least
//!   [`MIN_PART_SIZE`] except the last), at most
//!   [`TransferConfig::concurrency`] in flight, then
//!   `CompleteMultipartUpload` with the parts in order. On any failure the
//!   upload is aborted (`AbortMultipartUpload`) before the error returns;
//!   when the upload's future is dropped mid-way, the abort is spawned on the
//!   current tokio runtime.
//! - [`TransferManager::download_file`] / [`TransferManager::download_bytes`]:
//!   `HeadObject` for the size and ETag, then concurrent ranged `GetObject`s
//!   pinned to that ETag with `If-Match`, so an object replaced mid-way is
//!   an error ([`TransferErrorKind::ObjectChanged`]) rather than a file mixing
//!   two versions. Each response must carry the range asked for
//!   (`Content-Range`); a body that breaks off or ends short is asked for
//!   again, up to [`RANGE_RETRIES`] times. A file download writes to a hidden file beside the target
//!   and renames it into place only once whole; on failure (or when dropped)
//!   the hidden file is removed.
//! - [`TransferManager::upload_dir`] / [`TransferManager::download_dir`]
//!   (and their `_with` forms taking [`DirectoryOptions`]): a folder's
//!   files under a key prefix and back, objects concurrently, each
//!   object's result in a [`DirectoryOutput`]; a download writes only
//!   inside its folder (keys that would leave it are refused).
//!
//! Checksums, end to end: a multipart upload is created with
//! `ChecksumAlgorithm: CRC32` and `ChecksumType: FULL_OBJECT`; each part
//! carries the CRC32 computed here from its bytes (which S3 checks),
//! `CompleteMultipartUpload` lists each part's CRC32
//! ([`CompletedPart::checksum_crc32`]) and gives the object's full CRC32,
//! combined from the parts' (which S3 checks against what it assembled), and
//! its size. A single `PutObject` carries its body's CRC32. A download checks
//! the bytes against the object's full-object checksum when `HeadObject`
//! reports one (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256), hashing the
//! ranges in order, before the file is renamed into place
//! ([`TransferErrorKind::ChecksumMismatch`] otherwise; a composite checksum,
//! `…-<parts>`, is not checked: [`DownloadOutput::checksum`] says which was).
//!
//! Directories: [`TransferManager::upload_dir`] and
//! [`TransferManager::download_dir`] (filters with [`DirectoryOptions`]),
//! every object's result in a [`DirectoryOutput`].

mod checksum;
mod directory;
mod download;
mod error;
mod progress;
mod upload;

use std::future::Future;
use std::pin::Pin;

pub use bytes::Bytes;
pub use checksum::FullChecksum;
pub use directory::{DirectoryOptions, DirectoryOutput, ObjectResult, SkipReason, Skipped};
pub use download::read_range;
pub use error::{StoreError, TransferError, TransferErrorKind};
pub use progress::{CancelHandle, Progress};

/// A boxed, sendable future: what [`ObjectStore`]'s methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The smallest part S3 accepts, except for an upload's last part: 5 MiB.
/// A smaller [`TransferConfig::part_size`] is raised to it.
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// The largest part S3 accepts: 5 GiB.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;
/// How many times a download asks again for a range whose body broke off
/// or ended short (a [`StoreError::interrupted`]), with the same `If-Match`.
pub const RANGE_RETRIES: u32 = 3;
/// The most parts one multipart upload may have.
pub const MAX_PARTS: u64 = 10_000;

/// What `UploadPart` returned for a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartResult {
    /// The part's ETag.
    pub e_tag: String,
    /// The part's CRC32 (base64, `x-amz-checksum-crc32`), when the store
    /// gave one; passed on to `CompleteMultipartUpload`.
    pub checksum_crc32: Option<String>,
}

/// A part uploaded: its number (from 1), the ETag and the CRC32 the store
/// returned, as `CompleteMultipartUpload` needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    /// The part's number, from 1.
    pub part_number: u32,
    /// The ETag `UploadPart` returned.
    pub e_tag: String,
    /// The CRC32 `UploadPart` returned (base64), if any.
    pub checksum_crc32: Option<String>,
}

/// A range's bytes as they arrived: the body's chunks in order, not copied
/// into one buffer (no allocation of a part's size per range, and one copy
/// fewer), written to a file chunk by chunk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeBody {
    chunks: Vec<Bytes>,
    len: u64,
}

impl RangeBody {
    /// No bytes yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// `chunk` after the bytes so far.
    pub fn push(&mut self, chunk: Bytes) {
        self.len += chunk.len() as u64;
        if !chunk.is_empty() {
            self.chunks.push(chunk);
        }
    }
    /// How many bytes.
    pub fn len(&self) -> u64 {
        self.len
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The chunks, in order.
    pub fn chunks(&self) -> &[Bytes] {
        &self.chunks
    }
}

impl From<Bytes> for RangeBody {
    fn from(bytes: Bytes) -> Self {
        let mut body = Self::new();
        body.push(bytes);
        body
    }
}

/// An object's size, ETag and full-object checksum, from `HeadObject`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The object's size in bytes.
    pub size: u64,
    /// The object's ETag, when the store gave one.
    pub e_tag: Option<String>,
    /// The object's full-object checksum, when the store gave one (asked
    /// for with `ChecksumMode: ENABLED`; see [`FullChecksum::full_object`]).
    pub checksum: Option<FullChecksum>,
}

/// One object of a listing ([`ObjectStore::list_objects`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    /// The object's key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
}

/// One page of a listing: the objects, and the token of the next page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectPage {
    /// The objects of this page, in key order.
    pub objects: Vec<ListedObject>,
    /// The continuation token of the next page; `None` on the last.
    pub next: Option<String>,
}

/// The object-store calls a transfer makes; a generated S3 client implements
/// it (each method one operation call). Implement it over a client to
/// observe or script calls in tests.
pub trait ObjectStore: Clone + Send + Sync + 'static {
    /// `PutObject`: the whole object in one request, with its CRC32
    /// (`checksum_crc32`, base64); returns its ETag.
    fn put_object<'a>(&'a self, bucket: &'a str, key: &'a str, body: Bytes, checksum_crc32: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>>;
    /// `CreateMultipartUpload` with `ChecksumAlgorithm: CRC32` and
    /// `ChecksumType: FULL_OBJECT`: returns the upload id.
    fn create_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str) -> BoxFuture<'a, Result<String, StoreError>>;
    /// `UploadPart` with the part's CRC32 (`checksum_crc32`, base64):
    /// returns its ETag and the CRC32 the store acknowledged.
    fn upload_part<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str, part_number: u32, body: Bytes, checksum_crc32: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>>;
    /// `CompleteMultipartUpload` with `parts` in order (each with its ETag
    /// and CRC32), the object's full CRC32 (`checksum_crc32`, base64,
    /// `ChecksumType: FULL_OBJECT`) and its size (`size`, for
    /// `MpuObjectSize`); returns the object's ETag.
    fn complete_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str, parts: Vec<CompletedPart>, checksum_crc32: &'a str, size: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>>;
    /// `AbortMultipartUpload`.
    fn abort_multipart_upload<'a>(&'a self, bucket: &'a str, key: &'a str, upload_id: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    /// `HeadObject` with `ChecksumMode: ENABLED`: the object's size, ETag
    /// and full-object checksum.
    fn head_object<'a>(&'a self, bucket: &'a str, key: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>>;
    /// `GetObject` of the bytes `start..=end` of an object of `size` bytes
    /// (`Range: bytes=start-end`), with `If-Match: if_match` when given;
    /// returns the range's bytes (as they came). The response must be that range
    /// (`Content-Range: bytes start-end/size`; [`read_range`] checks it),
    /// and a body that breaks off or ends short is a
    /// [`StoreError::interrupted`], which the download retries.
    fn get_object_range<'a>(&'a self, bucket: &'a str, key: &'a str, start: u64, end: u64, size: u64, if_match: Option<&'a str>) -> BoxFuture<'a, Result<RangeBody, StoreError>>;
    /// `ListObjectsV2`: one page of the objects whose keys start with
    /// `prefix`, from the page `continuation` names (the first page with
    /// `None`). Used by directory downloads; a store that cannot list says so.
    fn list_objects<'a>(&'a self, bucket: &'a str, prefix: &'a str, continuation: Option<&'a str>) -> BoxFuture<'a, Result<ObjectPage, StoreError>> {
        let _ = (bucket, prefix, continuation);
        Box::pin(async { Err(StoreError::new("ListObjectsV2", "this store cannot list objects")) })
    }
}

/// How transfers split and schedule their work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferConfig {
    multipart_threshold: u64,
    part_size: u64,
    concurrency: usize,
}

impl Default for TransferConfig {
    fn default() -> Self {
        Self { multipart_threshold: 16 * 1024 * 1024, part_size: 8 * 1024 * 1024, concurrency: 8 }
    }
}

impl TransferConfig {
    /// The defaults: multipart from 16 MiB, parts of 8 MiB, 8 in flight.
    pub fn new() -> Self {
        Self::default()
    }
    /// Uploads of at least this many bytes go in parts; smaller ones in one
    /// `PutObject`. Default 16 MiB; at most 5 GiB ([`MAX_PART_SIZE`], the
    /// largest `PutObject`): a larger value is lowered to it.
    pub fn with_multipart_threshold(mut self, bytes: u64) -> Self {
        self.multipart_threshold = bytes.min(MAX_PART_SIZE);
        self
    }
    /// The size of each part and range. Default 8 MiB; raised to
    /// [`MIN_PART_SIZE`], and, for uploads, grown so an upload has at most
    /// [`MAX_PARTS`] parts. At most [`MAX_PART_SIZE`] (5 GiB): a larger
    /// value is lowered to it.
    pub fn with_part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes.min(MAX_PART_SIZE);
        self
    }
    /// The most parts or ranges in flight at once (at least 1). Default 8.
    /// Buffered data stays under `concurrency × part size`.
    pub fn with_concurrency(mut self, parts: usize) -> Self {
        self.concurrency = parts;
        self
    }
    /// See [`Self::with_multipart_threshold`].
    pub fn multipart_threshold(&self) -> u64 {
        self.multipart_threshold
    }
    /// See [`Self::with_part_size`] (the size as set and capped, before any raising).
    pub fn part_size(&self) -> u64 {
        self.part_size
    }
    /// See [`Self::with_concurrency`].
    pub fn concurrency(&self) -> usize {
        self.concurrency.max(1)
    }
}

/// How an object of `size` bytes is cut: parts of `part_size` bytes (the
/// last one shorter), `parts` of them (none for an empty object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartPlan {
    /// Each part's size except the last's.
    pub part_size: u64,
    /// How many parts.
    pub parts: u64,
}

impl PartPlan {
    /// The parts of an upload of `size` bytes with parts of about
    /// `wanted` bytes: at least [`MIN_PART_SIZE`], grown (to a whole MiB) so
    /// there are at most [`MAX_PARTS`]; `None` when even parts of
    /// [`MAX_PART_SIZE`] could not hold the object.
    pub fn upload(size: u64, wanted: u64) -> Option<Self> {
        let mut part_size = wanted.max(MIN_PART_SIZE);
        if size.div_ceil(part_size) > MAX_PARTS {
            const MIB: u64 = 1024 * 1024;
            part_size = size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
        }
        (part_size <= MAX_PART_SIZE).then(|| Self { part_size, parts: size.div_ceil(part_size) })
    }

    /// The ranges of a download of `size` bytes with ranges of `wanted`
    /// bytes (at least [`MIN_PART_SIZE`]; no limit on their number).
    pub fn download(size: u64, wanted: u64) -> Self {
        let part_size = wanted.max(MIN_PART_SIZE);
        Self { part_size, parts: size.div_ceil(part_size) }
    }

    /// The first byte and length of part `index` (from 0) of an object of `size` bytes.
    pub fn range(&self, index: u64, size: u64) -> (u64, u64) {
        let start = index * self.part_size;
        (start, self.part_size.min(size.saturating_sub(start)))
    }
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadOutput {
    /// The bytes uploaded.
    pub size: u64,
    /// The parts (0 for a single `PutObject`).
    pub parts: u64,
    /// The new object's ETag, when the store gave one.
    pub e_tag: Option<String>,
    /// The object's full CRC32 (base64), as sent and checked by the store.
    pub checksum_crc32: String,
}

/// What a download did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadOutput {
    /// The bytes downloaded.
    pub size: u64,
    /// The ranged `GetObject`s made.
    pub parts: u64,
    /// The ETag every range was pinned to.
    pub e_tag: Option<String>,
    /// The object's full-object checksum the bytes were checked against;
    /// `None` when the object has none (or only a composite one).
    pub checksum: Option<FullChecksum>,
}

/// Uploads and downloads of whole objects through an [`ObjectStore`] (a
/// generated S3 client), in concurrent parts; see the [module](self).
///
/// Cloning is cheap (the store is a client, the callback shared): give a
/// clone its own progress callback or cancel handle for one transfer.
#[derive(Clone)]
pub struct TransferManager<S> {
    store: S,
    config: TransferConfig,
    progress: Option<progress::ProgressFn>,
    cancel: Option<CancelHandle>,
}

impl<S: std::fmt::Debug> std::fmt::Debug for TransferManager<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferManager")
            .field("store", &self.store)
            .field("config", &self.config)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl<S: ObjectStore> TransferManager<S> {
    /// A manager over `store` with the default [`TransferConfig`].
    pub fn new(store: S) -> Self {
        Self { store, config: TransferConfig::default(), progress: None, cancel: None }
    }
    /// The same manager with `config`.
    pub fn with_config(mut self, config: TransferConfig) -> Self {
        self.config = config;
        self
    }
    /// The same manager calling `callback` with each transfer's [`Progress`]
    /// (bytes done, total) after each part or range, from the task that
    /// drives the transfer: keep it quick (update a counter or a progress
    /// bar). A directory transfer reports its objects' sum.
    pub fn with_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(std::sync::Arc::new(callback));
        self
    }
    /// The same manager stopped by `handle`: once it is cancelled, each
    /// transfer ends with [`TransferErrorKind::Cancelled`], a multipart
    /// upload aborted and a download's partial file removed.
    pub fn with_cancel(mut self, handle: CancelHandle) -> Self {
        self.cancel = Some(handle);
        self
    }
    /// The error of a transfer that finds its handle cancelled.
    fn check_cancel(&self, operation: &'static str, bucket: &str, key: &str) -> Result<(), TransferError> {
        match &self.cancel {
            Some(handle) if handle.is_cancelled() => Err(TransferError::new(TransferErrorKind::Cancelled, operation, bucket, key)),
            _ => Ok(()),
        }
    }
    /// The configuration.
    pub fn config(&self) -> &TransferConfig {
        &self.config
    }
    /// The store (client) it calls.
    pub fn store(&self) -> &S {
        &self.store
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn parts_are_the_size_asked_with_a_shorter_last_one() {
        let plan = PartPlan::upload(17 * MIB, 5 * MIB).unwrap();
        assert_eq!(plan, PartPlan { part_size: 5 * MIB, parts: 4 });
        assert_eq!(plan.range(0, 17 * MIB), (0, 5 * MIB));
        assert_eq!(plan.range(3, 17 * MIB), (15 * MIB, 2 * MIB));
        // An exact multiple has no empty last part.
        assert_eq!(PartPlan::upload(16 * MIB, 8 * MIB).unwrap().parts, 2);
    }

    #[test]
    fn parts_are_at_least_five_mib() {
        assert_eq!(PartPlan::upload(12 * MIB, 1024).unwrap(), PartPlan { part_size: MIN_PART_SIZE, parts: 3 });
        assert_eq!(PartPlan::download(12 * MIB, 0), PartPlan { part_size: MIN_PART_SIZE, parts: 3 });
    }

    #[test]
    fn parts_grow_so_an_upload_has_at_most_ten_thousand() {
        // 100 GiB in 8 MiB parts would be 12,800 parts.
        let size = 100 * 1024 * MIB;
        let plan = PartPlan::upload(size, 8 * MIB).unwrap();
        assert!(plan.parts <= MAX_PARTS, "{plan:?}");
        assert_eq!(plan.part_size % MIB, 0, "whole MiB: {plan:?}");
        assert_eq!(plan.part_size, 11 * MIB);
        assert_eq!(plan.parts, size.div_ceil(11 * MIB));
        // Exactly 10,000 parts of the size asked: no growth.
        assert_eq!(PartPlan::upload(MAX_PARTS * 8 * MIB, 8 * MIB).unwrap(), PartPlan { part_size: 8 * MIB, parts: MAX_PARTS });
        // One byte more: grown.
        assert_eq!(PartPlan::upload(MAX_PARTS * 8 * MIB + 1, 8 * MIB).unwrap().part_size, 9 * MIB);
        // The largest object fits; a byte more does not.
        assert_eq!(PartPlan::upload(MAX_PARTS * MAX_PART_SIZE, 8 * MIB).unwrap().part_size, MAX_PART_SIZE);
        assert_eq!(PartPlan::upload(MAX_PARTS * MAX_PART_SIZE + 1, 8 * MIB), None);
    }

    #[test]
    fn an_empty_object_has_no_parts() {
        assert_eq!(PartPlan::upload(0, 8 * MIB).unwrap().parts, 0);
        assert_eq!(PartPlan::download(0, 8 * MIB).parts, 0);
        assert_eq!(PartPlan::download(1, 8 * MIB).range(0, 1), (0, 1));
    }

    #[test]
    fn the_config_has_the_documented_defaults_and_at_least_one_part_in_flight() {
        let c = TransferConfig::new();
        assert_eq!((c.multipart_threshold(), c.part_size(), c.concurrency()), (16 * MIB, 8 * MIB, 8));
        assert_eq!(TransferConfig::new().with_concurrency(0).concurrency(), 1);
        let big = TransferConfig::new().with_multipart_threshold(u64::MAX).with_part_size(6 * 1024 * MIB);
        assert_eq!((big.multipart_threshold(), big.part_size()), (MAX_PART_SIZE, MAX_PART_SIZE), "capped at 5 GiB");
    }
}
