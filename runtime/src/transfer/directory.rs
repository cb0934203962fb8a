//! Directories: a local tree uploaded under a key prefix, and the objects
//! under a prefix downloaded into a directory, concurrently, each object's
//! result reported. The public documentation is on
//! [`TransferManager::upload_dir`] and [`TransferManager::download_dir`]
//! (this module is private).

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tokio::task::JoinSet;

use super::progress::{unless_cancelled, Tracker};
use super::{BoxFuture, ListedObject, ObjectInfo, ObjectStore, PartPlan, TransferError, TransferErrorKind, TransferManager};

const UPLOAD: &str = "upload";
const DOWNLOAD: &str = "download";
const UPLOAD_DIR: &str = "directory upload";
const DOWNLOAD_DIR: &str = "directory download";

type Filter = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Which files or objects a directory transfer takes: a filter, whether
/// subfolders count, whether an upload follows symbolic links.
#[derive(Clone)]
pub struct DirectoryOptions {
    filter: Option<Filter>,
    recursive: bool,
    follow_symlinks: bool,
}

impl Default for DirectoryOptions {
    fn default() -> Self {
        Self { filter: None, recursive: true, follow_symlinks: false }
    }
}

impl fmt::Debug for DirectoryOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectoryOptions")
            .field("filter", &self.filter.as_ref().map(|_| "callback"))
            .field("recursive", &self.recursive)
            .field("follow_symlinks", &self.follow_symlinks)
            .finish()
    }
}

impl DirectoryOptions {
    /// Everything, subfolders included, symbolic links skipped.
    pub fn new() -> Self {
        Self::default()
    }
    /// Take only the files (upload) or objects (download) whose relative
    /// path, with `/` separators (`a/b.txt`: the key without the prefix),
    /// makes `filter` return `true`. Folders are walked whatever it says.
    pub fn with_filter(mut self, filter: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.filter = Some(Arc::new(filter));
        self
    }
    /// Whether subfolders (keys with a `/` after the prefix) count. Default `true`.
    pub fn with_recursive(mut self, recursive: bool) -> Self {
        self.recursive = recursive;
        self
    }
    /// Whether an upload follows symbolic links (to files and folders).
    /// Default `false`: links are skipped and listed in
    /// [`DirectoryOutput::skipped`]. Downloads never write through one.
    pub fn with_follow_symlinks(mut self, follow: bool) -> Self {
        self.follow_symlinks = follow;
        self
    }
    fn wants(&self, relative: &str) -> bool {
        self.filter.as_ref().is_none_or(|f| f(relative))
    }
}

/// Why an entry was left out of a directory transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// A symbolic link, not followed.
    Symlink,
    /// A followed symbolic link to a folder already being walked (a loop).
    SymlinkLoop,
    /// Neither a file nor a folder (a socket, a FIFO, a device).
    NotAFile,
    /// A key ending with `/`: a folder marker, no file's content.
    FolderMarker,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::Symlink => "a symbolic link (not followed)",
            SkipReason::SymlinkLoop => "a symbolic link back to a folder being walked",
            SkipReason::NotAFile => "neither a file nor a folder",
            SkipReason::FolderMarker => "a folder marker (a key ending with '/')",
        })
    }
}

/// An entry a directory transfer left out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// The key (a download's) or the key it would have had (an upload's).
    pub key: String,
    /// The local path, when there is one.
    pub path: Option<PathBuf>,
    /// Why.
    pub reason: SkipReason,
}

/// One object of a directory transfer and how it went.
#[derive(Debug)]
#[non_exhaustive]
pub struct ObjectResult {
    /// Its key.
    pub key: String,
    /// Its local path; `None` for a download key that maps to no safe path.
    pub path: Option<PathBuf>,
    /// Its size when listed (download) or walked (upload).
    pub size: u64,
    /// `Ok` once transferred whole; else why not.
    pub result: Result<(), TransferError>,
}

/// What a directory transfer did: each object's result, in key order, and
/// the entries skipped.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct DirectoryOutput {
    /// Every object attempted (or refused), in key order.
    pub objects: Vec<ObjectResult>,
    /// Symbolic links, special files and folder markers left out.
    pub skipped: Vec<Skipped>,
}

impl DirectoryOutput {
    /// How many objects were transferred.
    pub fn succeeded(&self) -> usize {
        self.objects.iter().filter(|o| o.result.is_ok()).count()
    }
    /// How many objects failed.
    pub fn failed(&self) -> usize {
        self.objects.len() - self.succeeded()
    }
    /// The objects that failed, with their errors.
    pub fn failures(&self) -> impl Iterator<Item = &ObjectResult> {
        self.objects.iter().filter(|o| o.result.is_err())
    }
}

/// A prefix as a folder: `photos` becomes `photos/`; empty stays empty.
fn folder_prefix(prefix: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        prefix.to_string()
    } else {
        format!("{prefix}/")
    }
}

/// Whether Windows refuses `segment` as a file name or reads it as
/// something else (a device, a stream, a drive): reserved characters,
/// control characters, a trailing dot or space, a reserved device name.
fn windows_refuses(segment: &str) -> bool {
    if segment.chars().any(|c| c < ' ' || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')) || segment.ends_with(['.', ' ']) {
        return true;
    }
    let stem = segment.split('.').next().unwrap_or("").trim_end_matches(' ').to_ascii_uppercase();
    let numbered = |base: &str| stem.strip_prefix(base).is_some_and(|n| matches!(n, "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"));
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$") || numbered("COM") || numbered("LPT")
}

/// The relative path a key's part after the prefix maps to, or why it maps
/// to none (see the [module](self)): `/`-separated plain segments only.
fn relative_path(relative: &str) -> Result<PathBuf, String> {
    if relative.contains('\0') {
        return Err("contains a NUL character".into());
    }
    if relative.contains('\\') {
        return Err("contains a backslash (a path separator on Windows)".into());
    }
    if relative.starts_with('/') {
        return Err("is an absolute path (starts with '/')".into());
    }
    let bytes = relative.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err("starts with a drive prefix".into());
    }
    let mut path = PathBuf::new();
    let mut segments = 0;
    for segment in relative.split('/') {
        match segment {
            "" => return Err("has an empty path segment ('//', or nothing)".into()),
            "." | ".." => return Err(format!("has a {segment:?} path segment")),
            s if cfg!(windows) && windows_refuses(s) => return Err(format!("has a segment Windows cannot name a file with ({s:?})")),
            s => path.push(s),
        }
        segments += 1;
    }
    // Checked again as the platform reads it: plain names only, one per segment.
    if path.is_absolute() || path.components().count() != segments || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("does not map to a path inside the directory".into());
    }
    Ok(path)
}

/// An object to transfer, or already refused.
struct Job {
    key: String,
    path: Option<PathBuf>,
    size: u64,
    large: bool,
    work: Result<BoxFuture<'static, Result<(), TransferError>>, TransferError>,
}

/// The files of a walked tree, and what was skipped.
#[derive(Default)]
struct Walked {
    /// Key, path, size or a per-file error.
    files: Vec<(String, PathBuf, Result<u64, TransferErrorKind>)>,
    skipped: Vec<Skipped>,
}

/// Walk `root` (a folder), blocking: its files under `prefix` (already a
/// folder prefix); an error when a folder cannot be read.
fn walk(root: &Path, prefix: &str, options: &DirectoryOptions) -> Result<Walked, (PathBuf, std::io::Error)> {
    let mut out = Walked::default();
    let root_canonical = if options.follow_symlinks { vec![std::fs::canonicalize(root).map_err(|e| (root.to_path_buf(), e))?] } else { Vec::new() };
    // Each folder to read: its path, its relative path ("" or ending with '/'), its canonical ancestors (when following links).
    let mut stack = vec![(root.to_path_buf(), String::new(), root_canonical)];
    while let Some((dir, relative_dir, ancestors)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| (dir.clone(), e))?;
        for entry in entries {
            let entry = entry.map_err(|e| (dir.clone(), e))?;
            let path = entry.path();
            let name = entry.file_name();
            let relative = format!("{relative_dir}{}", name.to_string_lossy());
            let key = format!("{prefix}{relative}");
            let io = |source| TransferErrorKind::Io { path: path.clone(), source };
            let mut file_type = match entry.file_type() {
                Ok(t) => t,
                Err(e) => {
                    out.files.push((key, path.clone(), Err(io(e))));
                    continue;
                }
            };
            let mut metadata = None;
            if file_type.is_symlink() {
                if !options.follow_symlinks {
                    if options.wants(&relative) {
                        out.skipped.push(Skipped { key, path: Some(path), reason: SkipReason::Symlink });
                    }
                    continue;
                }
                match std::fs::metadata(&path) {
                    Ok(m) => {
                        file_type = m.file_type();
                        metadata = Some(m);
                    }
                    Err(e) => {
                        if options.wants(&relative) {
                            out.files.push((key, path.clone(), Err(io(e))));
                        }
                        continue;
                    }
                }
            }
            if file_type.is_dir() {
                if !options.recursive {
                    continue;
                }
                if name.to_str().is_none() {
                    let what = format!("the folder name {:?} is not UTF-8: the files under it cannot be named by keys", name);
                    out.files.push((format!("{key}/"), path, Err(TransferErrorKind::Invalid(what))));
                    continue;
                }
                let mut ancestors = ancestors.clone();
                if options.follow_symlinks {
                    match std::fs::canonicalize(&path) {
                        Ok(canonical) if ancestors.contains(&canonical) => {
                            out.skipped.push(Skipped { key: format!("{key}/"), path: Some(path), reason: SkipReason::SymlinkLoop });
                            continue;
                        }
                        Ok(canonical) => ancestors.push(canonical),
                        Err(e) => {
                            out.files.push((format!("{key}/"), path.clone(), Err(io(e))));
                            continue;
                        }
                    }
                }
                stack.push((path, format!("{relative}/"), ancestors));
            } else if !options.wants(&relative) {
                continue;
            } else if file_type.is_file() {
                if name.to_str().is_none() {
                    let what = format!("the file name {:?} is not UTF-8: it cannot be named by a key", name);
                    out.files.push((key, path, Err(TransferErrorKind::Invalid(what))));
                    continue;
                }
                let size = match metadata {
                    Some(m) => Ok(m.len()),
                    None => entry.metadata().map(|m| m.len()).map_err(io),
                };
                out.files.push((key, path, size));
            } else {
                out.skipped.push(Skipped { key, path: Some(path), reason: SkipReason::NotAFile });
            }
        }
    }
    out.files.sort_by(|a, b| a.0.cmp(&b.0));
    out.skipped.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// The path for `relative` under `root`, its folders created one at a time
/// inside `root`: no existing folder on the way may be a symbolic link or a
/// file, and the target itself may be neither a link nor a folder.
async fn prepare_target(root: &Path, relative: &Path) -> Result<PathBuf, (PathBuf, std::io::Error)> {
    let refuse = |at: &Path, what: &str| Err((at.to_path_buf(), std::io::Error::other(what.to_string())));
    let mut at = root.to_path_buf();
    let mut segments = relative.components().peekable();
    while let Some(segment) = segments.next() {
        at.push(segment);
        let last = segments.peek().is_none();
        let mut created = false;
        loop {
            match tokio::fs::symlink_metadata(&at).await {
                Ok(m) if m.file_type().is_symlink() => {
                    return refuse(&at, "is a symbolic link: a download neither writes through nor replaces one (it could lead outside the directory)");
                }
                Ok(m) if m.is_dir() => {
                    if last {
                        return refuse(&at, "is a folder, where the key needs a file");
                    }
                    break;
                }
                Ok(_) if last => break,
                Ok(_) => return refuse(&at, "is a file, where the key needs a folder"),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && last => break,
                // Created here, or by another object's download meanwhile: looked at again.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !created => {
                    match tokio::fs::create_dir(&at).await {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                        Err(e) => return Err((at, e)),
                    }
                    created = true;
                }
                Err(e) => return Err((at, e)),
            }
        }
    }
    Ok(at)
}

impl<S: ObjectStore> TransferManager<S> {
    /// Upload every file under `dir` (subfolders included) as
    /// `<prefix>/<relative path>`: `photos` and `photos/` both put
    /// `dir/a/b.jpg` at `photos/a/b.jpg`; the empty prefix puts it at
    /// `a/b.jpg`. [`Self::upload_dir_with`] takes [`DirectoryOptions`]: a
    /// filter, subfolders or not, symbolic links followed or not.
    ///
    /// Every file is attempted: the output lists each one's result, in key
    /// order ([`DirectoryOutput::failed`]), and what was skipped. The call
    /// fails as a whole only when a folder cannot be read or the transfer is
    /// cancelled (the files in flight then end too: multipart uploads are
    /// aborted). Symbolic links are skipped unless followed (a followed link
    /// back to a folder being walked is skipped, not looped), and so is what
    /// is neither a file nor a folder (sockets, FIFOs, devices). A name that
    /// is not UTF-8 cannot be a key: a per-file error.
    ///
    /// Files go concurrently: at most [`TransferConfig::concurrency`](super::TransferConfig::concurrency)
    /// at once, of which at most one at or above the multipart threshold
    /// (its parts themselves up to `concurrency` in flight). Memory stays
    /// under `(concurrency − 1) × multipart threshold` for the small files
    /// (each read whole) plus `concurrency × part size` for the large one.
    /// Progress ([`Self::with_progress`]) is the sum over all files.
    pub async fn upload_dir(&self, bucket: &str, prefix: &str, dir: impl AsRef<Path>) -> Result<DirectoryOutput, TransferError> {
        self.upload_dir_with(bucket, prefix, dir, &DirectoryOptions::default()).await
    }

    /// [`Self::upload_dir`] of the files `options` takes.
    pub async fn upload_dir_with(&self, bucket: &str, prefix: &str, dir: impl AsRef<Path>, options: &DirectoryOptions) -> Result<DirectoryOutput, TransferError> {
        let prefix = folder_prefix(prefix);
        let whole = |kind| TransferError::new(kind, UPLOAD_DIR, bucket, &prefix);
        self.check_cancel(UPLOAD_DIR, bucket, &prefix)?;
        let root = dir.as_ref().to_path_buf();
        let meta = tokio::fs::metadata(&root).await.map_err(|source| whole(TransferErrorKind::Io { path: root.clone(), source }))?;
        if !meta.is_dir() {
            let source = std::io::Error::other("is not a folder");
            return Err(whole(TransferErrorKind::Io { path: root, source }));
        }
        let walked = {
            let (root, prefix, options) = (root.clone(), prefix.clone(), options.clone());
            tokio::task::spawn_blocking(move || walk(&root, &prefix, &options)).await
        };
        let walked = match walked {
            Ok(Ok(w)) => w,
            Ok(Err((path, source))) => return Err(whole(TransferErrorKind::Io { path, source })),
            Err(join) => return Err(whole(TransferErrorKind::Invalid(format!("the walk of the folder ended without a result: {join}")))),
        };
        let total = walked.files.iter().filter_map(|(_, _, size)| size.as_ref().ok()).sum();
        let tracker = Tracker::for_many(self.progress.clone(), total);
        let threshold = self.config.multipart_threshold;
        let jobs = walked
            .files
            .into_iter()
            .map(|(key, path, size)| {
                let (size, work) = match size {
                    Ok(size) => {
                        let (manager, bucket, key, path, tracker) = (self.clone(), bucket.to_string(), key.clone(), path.clone(), tracker.clone());
                        let work: BoxFuture<'static, _> = Box::pin(async move { manager.upload_file_tracked(&bucket, &key, &path, &tracker).await.map(|_| ()) });
                        (size, Ok(work))
                    }
                    Err(kind) => (0, Err(TransferError::new(kind, UPLOAD, bucket, &key))),
                };
                Job { large: size > 0 && size >= threshold, key, path: Some(path), size, work }
            })
            .collect();
        let objects = self.run_jobs(UPLOAD_DIR, bucket, &prefix, jobs).await?;
        Ok(DirectoryOutput { objects, skipped: walked.skipped })
    }

    /// Download every object under `prefix` into `dir` (created if
    /// missing) as `dir/<key without the prefix>`: with the prefix `photos`
    /// (or `photos/`), `photos/a/b.jpg` becomes `dir/a/b.jpg`, creating
    /// `dir/a`. Each file is written as [`Self::download_file`] writes
    /// (beside its target, renamed into place once whole); an object of
    /// more than one range is pinned to its ETag (`HeadObject` first).
    /// [`Self::download_dir_with`] takes [`DirectoryOptions`] (a filter,
    /// subfolders or not). Every object is attempted, concurrently, as
    /// [`Self::upload_dir`] says (one object of more than one range at a
    /// time; each object's ranges up to `concurrency` in flight, so memory
    /// stays under `(2 × concurrency − 1) × part size`); the call fails as
    /// a whole only when `dir` cannot be created, the listing fails, or the
    /// transfer is cancelled. `dir` itself may be a symbolic link.
    ///
    /// Keys come from whoever can write to the bucket, so a download writes
    /// only inside `dir`. The part of each key after the prefix must be a
    /// plain relative path: one that is absolute (`/x`), has an empty, `.`
    /// or `..` segment (`a//b`, `a/../../x`), a backslash, a NUL, a drive
    /// prefix (`c:`), or (on Windows) a character or device name Windows
    /// reserves maps to no path: a per-object error, and nothing is written
    /// for it. A key ending with `/` (a console's folder marker) is skipped.
    /// Folders are created one at a time, and no existing folder on the way
    /// may be a symbolic link (it could lead outside), nor may the file
    /// itself be one: a per-object error. Two keys that need one path as a
    /// file and as a folder (`a` and `a/b`) make the file's key an error.
    ///
    /// These checks look at `dir` as it is when each object starts: they
    /// stop hostile keys, not another local process changing `dir` at the
    /// same time. On file systems that fold case or normalise Unicode, keys
    /// that differ only so write the same file (the last one stays).
    pub async fn download_dir(&self, bucket: &str, prefix: &str, dir: impl AsRef<Path>) -> Result<DirectoryOutput, TransferError> {
        self.download_dir_with(bucket, prefix, dir, &DirectoryOptions::default()).await
    }

    /// [`Self::download_dir`] of the objects `options` takes.
    pub async fn download_dir_with(&self, bucket: &str, prefix: &str, dir: impl AsRef<Path>, options: &DirectoryOptions) -> Result<DirectoryOutput, TransferError> {
        let prefix = folder_prefix(prefix);
        let whole = |kind| TransferError::new(kind, DOWNLOAD_DIR, bucket, &prefix);
        self.check_cancel(DOWNLOAD_DIR, bucket, &prefix)?;
        let root = dir.as_ref().to_path_buf();
        tokio::fs::create_dir_all(&root).await.map_err(|source| whole(TransferErrorKind::Io { path: root.clone(), source }))?;
        let listed = self.list_all(bucket, &prefix).await?;
        let mut skipped = Vec::new();
        // Key, size, and the relative path or why there is none.
        let mut planned: Vec<(ListedObject, Result<PathBuf, String>)> = Vec::new();
        for object in listed {
            let Some(relative) = object.key.strip_prefix(prefix.as_str()) else {
                planned.push((object, Err(format!("is not under the prefix {prefix:?} listed"))));
                continue;
            };
            if relative.is_empty() {
                skipped.push(Skipped { key: object.key, path: Some(root.clone()), reason: SkipReason::FolderMarker });
                continue;
            }
            let (body, marker) = match relative.strip_suffix('/') {
                Some(body) => (body, true),
                None => (relative, false),
            };
            if (!options.recursive && body.contains('/')) || !options.wants(relative) {
                continue;
            }
            match relative_path(body) {
                Ok(path) if marker => skipped.push(Skipped { key: object.key, path: Some(root.join(path)), reason: SkipReason::FolderMarker }),
                Ok(path) => planned.push((object, Ok(path))),
                Err(why) => planned.push((object, Err(format!("cannot be written safely under the folder: its part after the prefix {why}")))),
            }
        }
        // A path some key needs as a folder cannot be another key's file;
        // a path cannot be two keys' (a listing that repeats a key).
        let folders: HashSet<PathBuf> = planned.iter().filter_map(|(_, p)| p.as_ref().ok()).flat_map(|p| p.ancestors().skip(1).map(Path::to_path_buf)).collect();
        let mut files = HashSet::new();
        for (object, path) in &mut planned {
            if let Ok(p) = path {
                if folders.contains(p.as_path()) {
                    *path = Err(format!("is a file, but other keys are under {}/ (a folder of the same name)", object.key));
                } else if !files.insert(p.clone()) {
                    *path = Err("is listed twice".into());
                }
            }
        }
        let total = planned.iter().filter(|(_, p)| p.is_ok()).map(|(o, _)| o.size).sum();
        let tracker = Tracker::for_many(self.progress.clone(), total);
        let part_size = self.config.part_size;
        let jobs = planned
            .into_iter()
            .map(|(ListedObject { key, size }, relative)| {
                let large = PartPlan::download(size, part_size).parts > 1;
                match relative {
                    Ok(relative) => {
                        let path = root.join(&relative);
                        let (manager, bucket, k, root, tracker) = (self.clone(), bucket.to_string(), key.clone(), root.clone(), tracker.clone());
                        let work: BoxFuture<'static, _> = Box::pin(async move { manager.download_one(&bucket, &k, size, large, &root, &relative, &tracker).await });
                        Job { path: Some(path), key, size, large, work: Ok(work) }
                    }
                    Err(why) => {
                        let error = TransferError::new(TransferErrorKind::Invalid(format!("the key {key:?} {why}")), DOWNLOAD, bucket, &key);
                        Job { key, path: None, size, large: false, work: Err(error) }
                    }
                }
            })
            .collect();
        let objects = self.run_jobs(DOWNLOAD_DIR, bucket, &prefix, jobs).await?;
        Ok(DirectoryOutput { objects, skipped })
    }

    /// Every object under `prefix`, page after page.
    async fn list_all(&self, bucket: &str, prefix: &str) -> Result<Vec<ListedObject>, TransferError> {
        let whole = |kind| TransferError::new(kind, DOWNLOAD_DIR, bucket, prefix);
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.check_cancel(DOWNLOAD_DIR, bucket, prefix)?;
            let page = self.store.list_objects(bucket, prefix, token.as_deref());
            let page = unless_cancelled(page, self.cancel.as_ref()).await.ok_or_else(|| whole(TransferErrorKind::Cancelled))?;
            let page = page.map_err(|e| whole(TransferErrorKind::Store(e)))?;
            objects.extend(page.objects);
            match page.next {
                None => break,
                Some(next) if token.as_deref() == Some(next.as_str()) => {
                    return Err(whole(TransferErrorKind::Invalid(format!("the listing gave the same continuation token twice ({next:?})"))));
                }
                Some(next) => token = Some(next),
            }
        }
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(objects)
    }

    /// One object of a directory download: its folders made, then a
    /// download pinned to its ETag when it takes more than one range
    /// (`HeadObject` first; a single range is checked against the listed
    /// size by its `Content-Range`).
    #[allow(clippy::too_many_arguments)]
    async fn download_one(&self, bucket: &str, key: &str, size: u64, large: bool, root: &Path, relative: &Path, tracker: &Arc<Tracker>) -> Result<(), TransferError> {
        self.check_cancel(DOWNLOAD, bucket, key)?;
        let target = prepare_target(root, relative).await.map_err(|(path, source)| TransferError::new(TransferErrorKind::Io { path, source }, DOWNLOAD, bucket, key))?;
        let info = if large {
            self.store.head_object(bucket, key).await.map_err(|e| TransferError::new(TransferErrorKind::Store(e), DOWNLOAD, bucket, key))?
        } else {
            ObjectInfo { size, e_tag: None, checksum: None }
        };
        self.download_file_tracked(bucket, key, info, &target, tracker).await.map(|_| ())
    }

    /// Run `jobs`, at most `concurrency` at once of which one large; each
    /// one's result in order. Cancelled: none starts, those in flight end
    /// (each sees the cancel: uploads aborted, partial files removed), then
    /// the whole is an error.
    async fn run_jobs(&self, operation: &'static str, bucket: &str, prefix: &str, jobs: Vec<Job>) -> Result<Vec<ObjectResult>, TransferError> {
        let concurrency = self.config.concurrency();
        let mut results: Vec<Option<Result<(), TransferError>>> = Vec::with_capacity(jobs.len());
        let mut heads = Vec::with_capacity(jobs.len());
        let (mut small, mut large) = (VecDeque::new(), VecDeque::new());
        let mut work = Vec::with_capacity(jobs.len());
        for (i, job) in jobs.into_iter().enumerate() {
            match job.work {
                Ok(w) => {
                    if job.large { large.push_back(i) } else { small.push_back(i) }
                    work.push(Some(w));
                    results.push(None);
                }
                Err(e) => {
                    work.push(None);
                    results.push(Some(Err(e)));
                }
            }
            heads.push((job.key, job.path, job.size, job.large));
        }
        let mut tasks = JoinSet::new();
        let mut running: HashMap<tokio::task::Id, usize> = HashMap::new();
        let mut large_running = false;
        let mut cancelled = false;
        loop {
            cancelled |= self.cancel.as_ref().is_some_and(|c| c.is_cancelled());
            while !cancelled && tasks.len() < concurrency {
                let next = if large_running { None } else { large.pop_front() };
                let Some(i) = next.or_else(|| small.pop_front()) else { break };
                large_running |= heads[i].3;
                if let Some(w) = work[i].take() {
                    running.insert(tasks.spawn(w).id(), i);
                }
            }
            if tasks.is_empty() {
                break;
            }
            let joined = if cancelled { Some(tasks.join_next_with_id().await) } else { unless_cancelled(tasks.join_next_with_id(), self.cancel.as_ref()).await };
            let (id, result) = match joined {
                None => {
                    cancelled = true;
                    continue;
                }
                Some(None) => break,
                Some(Some(Ok((id, result)))) => (id, result),
                Some(Some(Err(join))) => {
                    let what = format!("the object's task ended without a result: {join}");
                    (join.id(), Err(TransferError::new(TransferErrorKind::Invalid(what), operation, bucket, prefix)))
                }
            };
            if let Some(i) = running.remove(&id) {
                if heads[i].3 {
                    large_running = false;
                }
                results[i] = Some(result);
            }
        }
        if cancelled {
            return Err(TransferError::new(TransferErrorKind::Cancelled, operation, bucket, prefix));
        }
        Ok(heads
            .into_iter()
            .zip(results)
            .map(|((key, path, size, _), result)| {
                let result = match result {
                    Some(result) => result,
                    None => Err(TransferError::new(TransferErrorKind::Invalid("the object was never started".into()), operation, bucket, &key)),
                };
                ObjectResult { key, path, size, result }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use bytes::Bytes;

    use super::super::{CancelHandle, CompletedPart, ObjectPage, PartResult, Progress, StoreError, TransferConfig};
    use super::*;

    const MIB: usize = 1024 * 1024;

    /// A multipart upload in progress: its key and parts.
    type Upload = (String, BTreeMap<u32, Bytes>);

    /// An in-memory bucket: objects by key, multipart uploads by id; lists
    /// two keys a page; counts the objects in flight.
    #[derive(Clone, Default)]
    struct Fake {
        objects: Arc<Mutex<BTreeMap<String, Bytes>>>,
        uploads: Arc<Mutex<BTreeMap<String, Upload>>>,
        in_flight: Arc<AtomicUsize>,
        max_in_flight: Arc<AtomicUsize>,
        puts: Arc<AtomicUsize>,
        heads: Arc<AtomicUsize>,
        /// Keys whose put fails.
        fail: Option<&'static str>,
    }

    impl Fake {
        fn keys(&self) -> Vec<String> {
            self.objects.lock().unwrap().keys().cloned().collect()
        }
        fn put(&self, key: &str, body: impl Into<Bytes>) {
            self.objects.lock().unwrap().insert(key.to_string(), body.into());
        }
    }

    impl ObjectStore for Fake {
        fn put_object<'a>(&'a self, _: &'a str, key: &'a str, body: Bytes, _: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            Box::pin(async move {
                let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                self.max_in_flight.fetch_max(now, Ordering::SeqCst);
                self.puts.fetch_add(1, Ordering::SeqCst);
                for _ in 0..5 {
                    tokio::task::yield_now().await;
                }
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
                if self.fail == Some(key) {
                    return Err(StoreError::new("PutObject", "AccessDenied"));
                }
                self.put(key, body);
                Ok(Some("\"etag\"".into()))
            })
        }
        fn create_multipart_upload<'a>(&'a self, _: &'a str, key: &'a str) -> BoxFuture<'a, Result<String, StoreError>> {
            Box::pin(async move {
                let mut uploads = self.uploads.lock().unwrap();
                let id = format!("upload-{}", uploads.len());
                uploads.insert(id.clone(), (key.to_string(), BTreeMap::new()));
                Ok(id)
            })
        }
        fn upload_part<'a>(&'a self, _: &'a str, _: &'a str, id: &'a str, n: u32, body: Bytes, _: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> {
            Box::pin(async move {
                self.uploads.lock().unwrap().get_mut(id).ok_or_else(|| StoreError::new("UploadPart", "NoSuchUpload"))?.1.insert(n, body);
                Ok(PartResult { e_tag: format!("\"p{n}\""), checksum_crc32: None })
            })
        }
        fn complete_multipart_upload<'a>(&'a self, _: &'a str, _: &'a str, id: &'a str, parts: Vec<CompletedPart>, _: &'a str, _: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            Box::pin(async move {
                let (key, stored) = self.uploads.lock().unwrap().remove(id).ok_or_else(|| StoreError::new("CompleteMultipartUpload", "NoSuchUpload"))?;
                let mut whole = Vec::new();
                for p in parts {
                    whole.extend_from_slice(&stored[&p.part_number]);
                }
                self.put(&key, whole);
                Ok(Some("\"mp\"".into()))
            })
        }
        fn abort_multipart_upload<'a>(&'a self, _: &'a str, _: &'a str, id: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async move {
                self.uploads.lock().unwrap().remove(id);
                Ok(())
            })
        }
        fn head_object<'a>(&'a self, _: &'a str, key: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> {
            Box::pin(async move {
                self.heads.fetch_add(1, Ordering::SeqCst);
                let size = self.objects.lock().unwrap().get(key).map(|b| b.len() as u64).ok_or_else(|| StoreError::new("HeadObject", "NotFound"))?;
                Ok(ObjectInfo { size, e_tag: Some("\"v1\"".into()), checksum: None })
            })
        }
        fn get_object_range<'a>(&'a self, _: &'a str, key: &'a str, start: u64, end: u64, _: u64, _: Option<&'a str>) -> BoxFuture<'a, Result<Bytes, StoreError>> {
            Box::pin(async move {
                let body = self.objects.lock().unwrap().get(key).cloned().ok_or_else(|| StoreError::new("GetObject", "NoSuchKey"))?;
                Ok(body.slice(start as usize..=end as usize))
            })
        }
        fn list_objects<'a>(&'a self, _: &'a str, prefix: &'a str, continuation: Option<&'a str>) -> BoxFuture<'a, Result<ObjectPage, StoreError>> {
            Box::pin(async move {
                let objects = self.objects.lock().unwrap();
                let mut keys = objects.iter().filter(|(k, _)| k.starts_with(prefix) && continuation.is_none_or(|c| k.as_str() > c));
                let page: Vec<ListedObject> = keys.by_ref().take(2).map(|(k, b)| ListedObject { key: k.clone(), size: b.len() as u64 }).collect();
                let next = if keys.next().is_some() { page.last().map(|o| o.key.clone()) } else { None };
                Ok(ObjectPage { objects: page, next })
            })
        }
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("smithy-dirs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(path: &Path, body: &[u8]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }

    /// Every file under `dir`: relative path (with '/') and contents.
    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![(dir.to_path_buf(), String::new())];
        while let Some((d, rel)) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let e = e.unwrap();
                let name = format!("{rel}{}", e.file_name().to_string_lossy());
                let t = e.file_type().unwrap();
                if t.is_dir() {
                    stack.push((e.path(), format!("{name}/")));
                } else if t.is_file() {
                    out.insert(name, std::fs::read(e.path()).unwrap());
                } else {
                    out.insert(format!("{name}@"), Vec::new());
                }
            }
        }
        out
    }

    #[test]
    fn keys_map_to_plain_relative_paths_only() {
        for good in ["a", "a/b/c.txt", "é/ü", "a b", "..a", "a..", ".hidden", "ab:c", "a/c:"] {
            assert_eq!(relative_path(good).unwrap(), good.split('/').collect::<PathBuf>(), "{good}");
        }
        let bad = [
            ("", "empty"),
            ("..", "\"..\""),
            (".", "\".\""),
            ("../escape", "\"..\""),
            ("a/../../x", "\"..\""),
            ("a/./b", "\".\""),
            ("a//b", "empty"),
            ("a/", "empty"),
            ("/abs", "absolute"),
            ("//abs", "absolute"),
            ("a\\..\\..\\x", "backslash"),
            ("nul\0byte", "NUL"),
            ("C:/Windows", "drive"),
            ("c:x", "drive"),
        ];
        for (key, why) in bad {
            let e = relative_path(key).unwrap_err();
            assert!(e.contains(why), "{key:?}: {e}");
        }
        for refused in ["CON", "nul.txt", "com1", "LPT9.log", "a:b", "a?", "trailing.", "trailing ", "tab\t"] {
            assert!(windows_refuses(refused), "{refused}");
        }
        for fine in ["CONSOLE", "com10", "a.b", "nul_", "x"] {
            assert!(!windows_refuses(fine), "{fine}");
        }
        assert_eq!((folder_prefix(""), folder_prefix("p"), folder_prefix("p/")), (String::new(), "p/".to_string(), "p/".to_string()));
    }

    #[test]
    fn a_tree_goes_up_under_the_prefix_and_comes_back_byte_for_byte() {
        let dir = scratch("round-trip");
        let src = dir.join("src");
        let big: Vec<u8> = (0..6 * MIB).map(|i| (i % 251) as u8).collect();
        write(&src.join("top.txt"), b"top");
        write(&src.join("empty"), b"");
        write(&src.join("a/b/deep.txt"), b"deep");
        write(&src.join("a/big.bin"), &big);
        write(&src.join("a/skip.tmp"), b"filtered out");
        std::fs::create_dir_all(src.join("empty-dir")).unwrap();
        let store = Fake::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let config = TransferConfig::new().with_multipart_threshold(5 * MIB as u64).with_part_size(5 * MIB as u64).with_concurrency(3);
        let manager = TransferManager::new(store.clone()).with_config(config).with_progress(move |p: Progress| sink.lock().unwrap().push(p));
        let options = DirectoryOptions::new().with_filter(|rel| !rel.ends_with(".tmp"));
        let out = run(manager.upload_dir_with("bucket", "backup", &src, &options)).unwrap();
        assert_eq!((out.succeeded(), out.failed()), (4, 0), "{out:?}");
        let keys: Vec<&str> = out.objects.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["backup/a/b/deep.txt", "backup/a/big.bin", "backup/empty", "backup/top.txt"]);
        assert_eq!(store.keys(), keys);
        assert_eq!(out.objects[1].path.as_deref(), Some(src.join("a/big.bin").as_path()));
        assert_eq!(out.objects[1].size, 6 * MIB as u64);
        assert!(store.uploads.lock().unwrap().is_empty(), "the big file went in parts, completed");
        let total = (6 * MIB + 7) as u64;
        let last = *seen.lock().unwrap().last().unwrap();
        assert_eq!((last.transferred, last.total), (total, total));

        // Back into a fresh folder (created), with a folder marker skipped.
        store.put("backup/a/", Bytes::new());
        let back = dir.join("back/nested");
        let out = run(manager.download_dir("bucket", "backup/", &back)).unwrap();
        assert_eq!((out.succeeded(), out.failed()), (4, 0), "{out:?}");
        assert_eq!(out.skipped.iter().map(|s| (s.key.as_str(), s.reason)).collect::<Vec<_>>(), [("backup/a/", SkipReason::FolderMarker)]);
        let mut expected = tree(&src);
        expected.remove("a/skip.tmp");
        assert_eq!(tree(&back), expected);
        assert_eq!(store.heads.load(Ordering::SeqCst), 1, "only the object of two ranges is pinned with HeadObject");

        // Without subfolders, and with the empty prefix (the whole bucket).
        let flat = dir.join("flat");
        let out = run(manager.download_dir_with("bucket", "backup", &flat, &DirectoryOptions::new().with_recursive(false))).unwrap();
        assert_eq!(out.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), ["backup/empty", "backup/top.txt"]);
        assert_eq!(tree(&flat).into_keys().collect::<Vec<_>>(), ["empty", "top.txt"]);
        let all = dir.join("all");
        let out = run(manager.download_dir("bucket", "", &all)).unwrap();
        assert_eq!(out.succeeded(), 4);
        assert!(all.join("backup/a/b/deep.txt").is_file());
        let out = run(manager.upload_dir_with("bucket", "", src.join("a/b"), &DirectoryOptions::new())).unwrap();
        assert_eq!(out.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), ["deep.txt"]);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn hostile_keys_are_refused_one_by_one_and_nothing_is_written_outside() {
        let dir = scratch("hostile");
        let target = dir.join("target");
        let store = Fake::default();
        for key in ["p/../escape", "p/a/../../x", "p//abs", "p/dir/", "p/a\\..\\..\\w", "p/nul\0", "p/c:x", "p/ok.txt", "p/x", "p/x/y", "p/d/./e", "p/", "q/outside-prefix"] {
            store.put(key, Bytes::from_static(b"evil"));
        }
        let manager = TransferManager::new(store);
        let out = run(manager.download_dir("bucket", "p", &target)).unwrap();
        let results: BTreeMap<&str, bool> = out.objects.iter().map(|o| (o.key.as_str(), o.result.is_ok())).collect();
        let expected: BTreeMap<&str, bool> = [
            ("p/../escape", false),
            ("p/a/../../x", false),
            ("p//abs", false),
            ("p/a\\..\\..\\w", false),
            ("p/nul\0", false),
            ("p/c:x", false),
            ("p/ok.txt", true),
            ("p/x", false),
            ("p/x/y", true),
            ("p/d/./e", false),
        ]
        .into_iter()
        .collect();
        assert_eq!(results, expected);
        for failed in out.failures() {
            let e = failed.result.as_ref().unwrap_err();
            assert!(failed.key == "p/x" || failed.path.is_none(), "{failed:?}");
            assert!(e.to_string().contains("cannot be written safely") || e.to_string().contains("other keys are under p/x/"), "{e}");
        }
        assert_eq!(out.skipped.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["p/", "p/dir/"]);
        // Only the two good objects, inside the target; nothing beside it.
        assert_eq!(tree(&target).into_keys().collect::<Vec<_>>(), ["ok.txt", "x/y"]);
        let mut beside: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        beside.sort();
        assert_eq!(beside, ["target"]);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn a_download_never_writes_through_a_symlink_in_the_target() {
        let dir = scratch("symlinks");
        let (target, outside) = (dir.join("target"), dir.join("outside"));
        std::fs::create_dir_all(&target).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("victim"), b"keep").unwrap();
        std::os::unix::fs::symlink(&outside, target.join("link")).unwrap();
        std::os::unix::fs::symlink(outside.join("victim"), target.join("file-link")).unwrap();
        let store = Fake::default();
        for key in ["link/planted", "link/sub/planted", "file-link", "fine"] {
            store.put(key, Bytes::from_static(b"evil"));
        }
        let out = run(TransferManager::new(store).download_dir("bucket", "", &target)).unwrap();
        let failed: Vec<&str> = out.failures().map(|o| o.key.as_str()).collect();
        assert_eq!(failed, ["file-link", "link/planted", "link/sub/planted"]);
        for o in out.failures() {
            assert!(o.result.as_ref().unwrap_err().to_string().contains("is a symbolic link"), "{o:?}");
        }
        assert_eq!(tree(&outside), BTreeMap::from([("victim".to_string(), b"keep".to_vec())]));
        assert_eq!(std::fs::read(target.join("fine")).unwrap(), b"evil");
        assert!(std::fs::symlink_metadata(target.join("file-link")).unwrap().file_type().is_symlink(), "the link is left as it was");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn an_upload_skips_links_unless_asked_and_never_loops() {
        use std::os::unix::ffi::OsStrExt;
        let dir = scratch("upload-links");
        let src = dir.join("src");
        write(&src.join("real/f.txt"), b"f");
        std::os::unix::fs::symlink(src.join("real"), src.join("dir-link")).unwrap();
        std::os::unix::fs::symlink(src.join("real/f.txt"), src.join("file-link")).unwrap();
        std::os::unix::fs::symlink(&src, src.join("real/loop")).unwrap();
        std::fs::write(src.join(std::ffi::OsStr::from_bytes(b"bad\xff.txt")), b"x").unwrap();
        let store = Fake::default();
        let manager = TransferManager::new(store.clone());
        let out = run(manager.upload_dir(
            "bucket", "up", &src)).unwrap();
        assert_eq!(out.objects.iter().map(|o| (o.key.as_str(), o.result.is_ok())).collect::<Vec<_>>(), [("up/bad\u{FFFD}.txt", false), ("up/real/f.txt", true)]);
        let e = out.objects[0].result.as_ref().unwrap_err();
        assert!(e.to_string().contains("is not UTF-8"), "{e}");
        let skipped: Vec<(&str, SkipReason)> = out.skipped.iter().map(|s| (s.key.as_str(), s.reason)).collect();
        assert_eq!(skipped, [("up/dir-link", SkipReason::Symlink), ("up/file-link", SkipReason::Symlink), ("up/real/loop", SkipReason::Symlink)]);
        assert_eq!(store.keys(), ["up/real/f.txt"]);

        let out = run(manager.upload_dir_with("bucket", "follow", &src, &DirectoryOptions::new().with_follow_symlinks(true))).unwrap();
        let keys: Vec<&str> = out.objects.iter().filter(|o| o.result.is_ok()).map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["follow/dir-link/f.txt", "follow/file-link", "follow/real/f.txt"]);
        assert_eq!(out.skipped.iter().map(|s| (s.key.as_str(), s.reason)).collect::<Vec<_>>(), [("follow/dir-link/loop/", SkipReason::SymlinkLoop), ("follow/real/loop/", SkipReason::SymlinkLoop)]);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn small_files_go_concurrently_and_one_failure_does_not_stop_the_rest() {
        let dir = scratch("many");
        for i in 0..20 {
            write(&dir.join(format!("f{i:02}")), &[i as u8; 100]);
        }
        let store = Fake { fail: Some("f07"), ..Fake::default() };
        let manager = TransferManager::new(store.clone()).with_config(TransferConfig::new().with_concurrency(4));
        let out = run(manager.upload_dir("bucket", "", &dir)).unwrap();
        assert_eq!((out.succeeded(), out.failed(), store.puts.load(Ordering::SeqCst)), (19, 1, 20));
        let failed = out.failures().next().unwrap();
        assert_eq!(failed.key, "f07");
        assert!(failed.result.as_ref().unwrap_err().to_string().contains("AccessDenied"));
        let max = store.max_in_flight.load(Ordering::SeqCst);
        assert!(max > 1 && max <= 4, "{max} objects in flight at most");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_cancel_stops_new_objects_and_fails_the_whole() {
        let dir = scratch("cancel");
        for i in 0..10 {
            write(&dir.join(format!("f{i}")), b"data");
        }
        let store = Fake::default();
        let handle = CancelHandle::new();
        let cancel = handle.clone();
        // Cancelled once the first object is done.
        let manager = TransferManager::new(store.clone())
            .with_config(TransferConfig::new().with_concurrency(2))
            .with_cancel(handle.clone())
            .with_progress(move |_| cancel.cancel());
        let e = run(manager.upload_dir("bucket", "p", &dir)).unwrap_err();
        assert!(e.is_cancelled() && e.to_string().starts_with("directory upload of s3://bucket/p/"), "{e}");
        assert!(store.puts.load(Ordering::SeqCst) <= 3, "no object started after the cancel: {}", store.puts.load(Ordering::SeqCst));
        let e = run(manager.download_dir("bucket", "p", dir.join("d"))).unwrap_err();
        assert!(e.is_cancelled(), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_missing_folder_or_a_failed_listing_fails_the_whole() {
        let dir = scratch("whole");
        let manager = TransferManager::new(Fake::default());
        let e = run(manager.upload_dir("bucket", "p", dir.join("missing"))).unwrap_err();
        assert!(matches!(e.kind(), TransferErrorKind::Io { .. }) && e.to_string().contains("missing"), "{e}");
        std::fs::write(dir.join("file"), b"x").unwrap();
        let e = run(manager.upload_dir("bucket", "p", dir.join("file"))).unwrap_err();
        assert!(e.to_string().contains("is not a folder"), "{e}");
        let e = run(manager.download_dir("bucket", "p", dir.join("file"))).unwrap_err();
        assert!(matches!(e.kind(), TransferErrorKind::Io { .. }), "{e}");
        /// A store that cannot list (the trait's default).
        #[derive(Clone)]
        struct NoList(Fake);
        impl ObjectStore for NoList {
            fn put_object<'a>(&'a self, b: &'a str, k: &'a str, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.0.put_object(b, k, x, c) }
            fn create_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<String, StoreError>> { self.0.create_multipart_upload(b, k) }
            fn upload_part<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, n: u32, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> { self.0.upload_part(b, k, i, n, x, c) }
            fn complete_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, p: Vec<CompletedPart>, c: &'a str, z: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.0.complete_multipart_upload(b, k, i, p, c, z) }
            fn abort_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str) -> BoxFuture<'a, Result<(), StoreError>> { self.0.abort_multipart_upload(b, k, i) }
            fn head_object<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> { self.0.head_object(b, k) }
            fn get_object_range<'a>(&'a self, b: &'a str, k: &'a str, s: u64, e: u64, n: u64, m: Option<&'a str>) -> BoxFuture<'a, Result<Bytes, StoreError>> { self.0.get_object_range(b, k, s, e, n, m) }
        }
        let e = run(TransferManager::new(NoList(Fake::default())).download_dir("bucket", "p", dir.join("d"))).unwrap_err();
        assert!(e.to_string().contains("cannot list objects") && e.to_string().starts_with("directory download of s3://bucket/p/"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
