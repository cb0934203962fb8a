//! Directories: a local tree uploaded under a key prefix, and the objects
//! under a prefix downloaded into a directory, concurrently, each object's
//! result reported. The public documentation is on
//! [`TransferManager::upload_dir`] and [`TransferManager::download_dir`]
//! (this module is private).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tokio::task::JoinSet;

use super::progress::{unless_cancelled, Tracker};
use super::{BoxFuture, ListedObject, ObjectInfo, ObjectStore, PartPlan, TransferError, TransferErrorKind, TransferManager};

/// The most path segments the part of a key after the prefix may have in a
/// directory download (`a/b/c` has 3); a key with more is a per-object
/// error. S3 keys are at most 1,024 bytes, so at most 512 segments.
const MAX_KEY_SEGMENTS: usize = 256;

/// Whether the local file system ignores case by default (Windows, macOS):
/// keys that differ only in case then name one file.
const FOLDS_CASE: bool = cfg!(any(windows, target_os = "macos"));

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
    /// Every object attempted (or refused), in key order; for an upload,
    /// also each subfolder that could not be read or named (its key ends
    /// with `/`, its result is the error).
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
    let numbered = |base: &str| stem.strip_prefix(base).is_some_and(|n| matches!(n, "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"));
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
    let segments = relative.split('/').count();
    if segments > MAX_KEY_SEGMENTS {
        return Err(format!("has {segments} path segments, more than the {MAX_KEY_SEGMENTS} a download accepts"));
    }
    let mut path = PathBuf::new();
    for segment in relative.split('/') {
        match segment {
            "" => return Err("has an empty path segment ('//', or nothing)".into()),
            "." | ".." => return Err(format!("has a {segment:?} path segment")),
            s if cfg!(windows) && windows_refuses(s) => return Err(format!("has a segment Windows cannot name a file with ({s:?})")),
            s => path.push(s),
        }
    }
    // Checked again as the platform reads it: plain names only, one per segment.
    if path.is_absolute() || path.components().count() != segments || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("does not map to a path inside the directory".into());
    }
    Ok(path)
}

/// Why a path of a directory download cannot be written, beside the others
/// ([`clashes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clash {
    /// Another path (this index) is under it: it is needed as a folder.
    Folder(usize),
    /// The same path came before it (a listing that repeats a key).
    Twice,
    /// It differs only in case from another path (this index), on a file
    /// system that ignores case: both would write one file.
    Case(usize),
}

/// For each of `paths` (relative, `/`-separated, plain segments), whether it
/// clashes with another: a path that another needs as a folder (`a` beside
/// `a/b`), a path listed twice (the first stays), or, with `fold_case`,
/// paths that differ only in case (each of them). Memory is linear in the
/// paths: they are sorted (case-folded when asked), duplicates are
/// neighbours, and the paths under `p/` are found by a binary search for
/// the first at or after `p/` (not merely the next one: `p-x` sorts between
/// `p` and `p/x`).
fn clashes(paths: &[&str], fold_case: bool) -> Vec<Option<Clash>> {
    let folded: Vec<Cow<'_, str>> = paths.iter().map(|p| if fold_case { Cow::Owned(p.to_lowercase()) } else { Cow::Borrowed(*p) }).collect();
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by(|&a, &b| folded[a].cmp(&folded[b]).then(a.cmp(&b)));
    let mut out = vec![None; paths.len()];
    let mut start = 0;
    while start < order.len() {
        let first = order[start];
        let end = start + order[start..].iter().take_while(|&&i| folded[i] == folded[first]).count();
        let run = &order[start..end];
        // A path spelt otherwise than the first of its run, if any: then every path of the run is refused.
        let other = run.iter().copied().find(|&i| paths[i] != paths[first]);
        for (n, &i) in run.iter().enumerate() {
            out[i] = match other {
                Some(other) if paths[i] == paths[first] => Some(Clash::Case(other)),
                Some(_) => Some(Clash::Case(first)),
                None if n > 0 => Some(Clash::Twice),
                None => None,
            };
        }
        start = end;
    }
    let mut probe = String::new();
    for &i in &order {
        if out[i].is_some() {
            continue;
        }
        probe.clear();
        probe.push_str(&folded[i]);
        probe.push('/');
        let at = order.partition_point(|&o| *folded[o] < *probe);
        if let Some(&under) = order.get(at).filter(|&&o| folded[o].starts_with(probe.as_str())) {
            out[i] = Some(Clash::Folder(under));
        }
    }
    out
}

/// An object to transfer (its task is built only when it starts), or
/// already refused.
struct Job {
    key: String,
    path: Option<PathBuf>,
    size: u64,
    large: bool,
    /// What its task needs (an upload's file, a download's path relative to
    /// the folder), or why it is refused.
    source: Result<PathBuf, TransferError>,
}

/// The files of a walked tree, and what was skipped.
#[derive(Default)]
struct Walked {
    /// Key, path, size or a per-file error.
    files: Vec<(String, PathBuf, Result<u64, TransferErrorKind>)>,
    skipped: Vec<Skipped>,
}

/// Walk `root` (a folder), blocking: its files under `prefix` (already a
/// folder prefix); an error when `root` itself cannot be read. A subfolder
/// that cannot be read (permission denied, removed meanwhile) is a
/// per-entry error, keyed `<prefix><its relative path>/`, and the walk goes
/// on with the rest.
fn walk(root: &Path, prefix: &str, options: &DirectoryOptions) -> Result<Walked, (PathBuf, std::io::Error)> {
    let mut out = Walked::default();
    let root_canonical = if options.follow_symlinks { vec![std::fs::canonicalize(root).map_err(|e| (root.to_path_buf(), e))?] } else { Vec::new() };
    // Each folder to read: its path, its relative path ("" or ending with '/'), its canonical ancestors (when following links).
    let mut stack = vec![(root.to_path_buf(), String::new(), root_canonical)];
    while let Some((dir, relative_dir, ancestors)) = stack.pop() {
        // The root unreadable fails the whole; a subfolder, only its own entry.
        let is_root = relative_dir.is_empty();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if is_root => return Err((dir, e)),
            Err(e) => {
                out.files.push((format!("{prefix}{relative_dir}"), dir.clone(), Err(TransferErrorKind::Io { path: dir, source: e })));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) if is_root => return Err((dir, e)),
                Err(e) => {
                    // The folder's remaining entries are left out: its read broke off.
                    out.files.push((format!("{prefix}{relative_dir}"), dir.clone(), Err(TransferErrorKind::Io { path: dir.clone(), source: e })));
                    break;
                }
            };
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
    /// fails as a whole only when `dir` itself cannot be read or the
    /// transfer is cancelled (the files in flight then end too: multipart
    /// uploads are aborted). A subfolder that cannot be read (permission
    /// denied, removed during the walk) is a failed entry of
    /// [`DirectoryOutput::objects`] keyed `<prefix>/<its relative path>/`
    /// (with its path and the error; size 0), and the rest of the tree is
    /// still uploaded. Symbolic links are skipped unless followed (a followed link
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
        let total = walked.files.iter().filter_map(|(_, _, size)| size.as_ref().ok()).fold(0u64, |sum, size| sum.saturating_add(*size));
        let tracker = Tracker::for_many(self.progress.clone(), total);
        let threshold = self.config.multipart_threshold;
        let jobs = walked
            .files
            .into_iter()
            .map(|(key, path, size)| {
                let (size, source) = match size {
                    Ok(size) => (size, Ok(path.clone())),
                    Err(kind) => (0, Err(TransferError::new(kind, UPLOAD, bucket, &key))),
                };
                Job { large: size > 0 && size >= threshold, key, path: Some(path), size, source }
            })
            .collect();
        let start = |job: &Job, path: PathBuf| -> BoxFuture<'static, Result<(), TransferError>> {
            let (manager, bucket, key, tracker) = (self.clone(), bucket.to_string(), job.key.clone(), tracker.clone());
            Box::pin(async move { manager.upload_file_tracked(&bucket, &key, &path, &tracker).await.map(|_| ()) })
        };
        let objects = self.run_jobs(UPLOAD_DIR, bucket, &prefix, jobs, start).await?;
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
    /// a whole only when `dir` cannot be created, the listing fails (or is
    /// not one: a continuation token given twice, or a page whose keys are
    /// not after the previous page's, as S3 lists in key order), or the
    /// transfer is cancelled. `dir` itself may be a symbolic link.
    ///
    /// Keys come from whoever can write to the bucket, so a download writes
    /// only inside `dir`. The part of each key after the prefix must be a
    /// plain relative path of at most 256 segments: one that is absolute
    /// (`/x`), has an empty, `.` or `..` segment (`a//b`, `a/../../x`; with
    /// the prefix `p/`, the key `p//x` has an empty one right after it), a
    /// backslash, a NUL, a drive prefix (`c:`), more segments, or (on
    /// Windows) a character or device name Windows reserves (`CON`, `COM0`…)
    /// maps to no path: a per-object error, and nothing is written for it.
    /// A key ending with `/` (a console's folder marker) is skipped.
    /// Folders are created one at a time, and no existing folder on the way
    /// may be a symbolic link (it could lead outside), nor may the file
    /// itself be one: a per-object error. Two keys that need one path as a
    /// file and as a folder (`a` and `a/b`) make the file's key an error; a
    /// key listed twice is downloaded once. On Windows and macOS, whose file
    /// systems ignore case by default, paths are compared case-folded:
    /// keys that differ only in case (`a.txt`, `A.txt`) are each an error.
    ///
    /// These checks look at `dir` as it is when each object starts: they
    /// stop hostile keys, not another local process changing `dir` at the
    /// same time. On a file system that ignores case elsewhere (a
    /// case-insensitive Linux folder) or normalises Unicode (macOS), keys
    /// that differ only so write the same file, and which one stays depends
    /// on which finishes last, not on the key order.
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
            if !prefix.is_empty() && body.starts_with('/') {
                let why = format!("cannot be written safely under the folder: it has an empty path segment right after the prefix {prefix:?} (another '/')");
                planned.push((object, Err(why)));
                continue;
            }
            match relative_path(body) {
                Ok(path) if marker => skipped.push(Skipped { key: object.key, path: Some(root.join(path)), reason: SkipReason::FolderMarker }),
                Ok(path) => planned.push((object, Ok(path))),
                Err(why) => planned.push((object, Err(format!("cannot be written safely under the folder: its part after the prefix {why}")))),
            }
        }
        // A path some key needs as a folder cannot be another key's file;
        // a path cannot be two keys' (a listing that repeats a key, or, where
        // the file system ignores case, keys that differ only in case).
        let writable: Vec<usize> = (0..planned.len()).filter(|&i| planned[i].1.is_ok()).collect();
        let paths: Vec<&str> = writable.iter().map(|&i| &planned[i].0.key[prefix.len()..]).collect();
        let found = clashes(&paths, FOLDS_CASE);
        let refusals: Vec<(usize, String)> = writable
            .iter()
            .zip(found)
            .filter_map(|(&i, clash)| {
                let other = |n: usize| &planned[writable[n]].0.key;
                let why = match clash? {
                    Clash::Folder(n) => format!("is a file, but other keys are under {}/ (a folder of the same name), such as {:?}", planned[i].0.key, other(n)),
                    Clash::Twice => "is listed twice".to_string(),
                    Clash::Case(n) => format!("differs only in case from the key {:?}: on this file system (which ignores case) both would write one file", other(n)),
                };
                Some((i, why))
            })
            .collect();
        for (i, why) in refusals {
            planned[i].1 = Err(why);
        }
        let total = planned.iter().filter(|(_, p)| p.is_ok()).fold(0u64, |sum, (o, _)| sum.saturating_add(o.size));
        let tracker = Tracker::for_many(self.progress.clone(), total);
        let part_size = self.config.part_size;
        let jobs = planned
            .into_iter()
            .map(|(ListedObject { key, size }, relative)| match relative {
                Ok(relative) => Job { path: Some(root.join(&relative)), key, size, large: PartPlan::download(size, part_size).parts > 1, source: Ok(relative) },
                Err(why) => {
                    let error = TransferError::new(TransferErrorKind::Invalid(format!("the key {key:?} {why}")), DOWNLOAD, bucket, &key);
                    Job { key, path: None, size, large: false, source: Err(error) }
                }
            })
            .collect();
        let start = |job: &Job, relative: PathBuf| -> BoxFuture<'static, Result<(), TransferError>> {
            let (manager, bucket, key, root, tracker) = (self.clone(), bucket.to_string(), job.key.clone(), root.clone(), tracker.clone());
            let (size, large) = (job.size, job.large);
            Box::pin(async move { manager.download_one(&bucket, &key, size, large, &root, &relative, &tracker).await })
        };
        let objects = self.run_jobs(DOWNLOAD_DIR, bucket, &prefix, jobs, start).await?;
        Ok(DirectoryOutput { objects, skipped })
    }

    /// Every object under `prefix`, page after page. A store that loops is
    /// refused (it would grow the list without end): a continuation token
    /// given a second time, or a page with a key not after every key of the
    /// pages before (S3 lists in key order).
    async fn list_all(&self, bucket: &str, prefix: &str) -> Result<Vec<ListedObject>, TransferError> {
        let whole = |kind| TransferError::new(kind, DOWNLOAD_DIR, bucket, prefix);
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        let mut tokens = HashSet::new();
        // The greatest key of the pages so far: the next page's keys come after it.
        let mut last: Option<String> = None;
        for page_number in 1u64.. {
            self.check_cancel(DOWNLOAD_DIR, bucket, prefix)?;
            let page = self.store.list_objects(bucket, prefix, token.as_deref());
            let page = unless_cancelled(page, self.cancel.as_ref()).await.ok_or_else(|| whole(TransferErrorKind::Cancelled))?;
            let page = page.map_err(|e| whole(TransferErrorKind::Store(e)))?;
            if let Some(before) = &last {
                if let Some(back) = page.objects.iter().find(|o| o.key <= *before) {
                    let what = format!(
                        "the listing went back: page {page_number} has the key {:?}, not after {before:?} from the pages before (S3 lists keys in order; a store repeating its objects is refused)",
                        back.key
                    );
                    return Err(whole(TransferErrorKind::Invalid(what)));
                }
            }
            if let Some(greatest) = page.objects.iter().map(|o| &o.key).max() {
                last = Some(greatest.clone());
            }
            objects.extend(page.objects);
            match page.next {
                None => break,
                Some(next) if tokens.contains(&next) => {
                    let what = format!("the listing gave the continuation token {next:?} a second time, after page {page_number} (a loop)");
                    return Err(whole(TransferErrorKind::Invalid(what)));
                }
                Some(next) => {
                    tokens.insert(next.clone());
                    token = Some(next);
                }
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
    /// Each object's task is built by `start` (from the job and its
    /// source) only when it is spawned, so what waits is plain data.
    async fn run_jobs(
        &self,
        operation: &'static str,
        bucket: &str,
        prefix: &str,
        mut jobs: Vec<Job>,
        start: impl Fn(&Job, PathBuf) -> BoxFuture<'static, Result<(), TransferError>>,
    ) -> Result<Vec<ObjectResult>, TransferError> {
        let concurrency = self.config.concurrency();
        let mut results: Vec<Option<Result<(), TransferError>>> = Vec::with_capacity(jobs.len());
        let mut sources: Vec<Option<PathBuf>> = Vec::with_capacity(jobs.len());
        let (mut small, mut large) = (VecDeque::new(), VecDeque::new());
        for (i, job) in jobs.iter_mut().enumerate() {
            // Moved out: the source to `sources`, a refusal to `results` (the empty path left is never read).
            match std::mem::replace(&mut job.source, Ok(PathBuf::new())) {
                Ok(source) => {
                    if job.large { large.push_back(i) } else { small.push_back(i) }
                    sources.push(Some(source));
                    results.push(None);
                }
                Err(e) => {
                    sources.push(None);
                    results.push(Some(Err(e)));
                }
            }
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
                large_running |= jobs[i].large;
                if let Some(source) = sources[i].take() {
                    running.insert(tasks.spawn(start(&jobs[i], source)).id(), i);
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
                if jobs[i].large {
                    large_running = false;
                }
                results[i] = Some(result);
            }
        }
        if cancelled {
            return Err(TransferError::new(TransferErrorKind::Cancelled, operation, bucket, prefix));
        }
        Ok(jobs
            .into_iter()
            .zip(results)
            .map(|(Job { key, path, size, .. }, result)| {
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
        /// The most clones of this store alive at once, seen from its calls
        /// (each object's task holds one).
        max_clones: Arc<AtomicUsize>,
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
        fn count_clones(&self) {
            self.max_clones.fetch_max(Arc::strong_count(&self.objects), Ordering::SeqCst);
        }
    }

    impl ObjectStore for Fake {
        fn put_object<'a>(&'a self, _: &'a str, key: &'a str, body: Bytes, _: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
            Box::pin(async move {
                let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                self.max_in_flight.fetch_max(now, Ordering::SeqCst);
                self.puts.fetch_add(1, Ordering::SeqCst);
                self.count_clones();
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
        fn get_object_range<'a>(&'a self, _: &'a str, key: &'a str, start: u64, end: u64, _: u64, _: Option<&'a str>) -> BoxFuture<'a, Result<super::super::RangeBody, StoreError>> {
            Box::pin(async move {
                self.count_clones();
                let body = self.objects.lock().unwrap().get(key).cloned().ok_or_else(|| StoreError::new("GetObject", "NoSuchKey"))?;
                Ok(body.slice(start as usize..=end as usize).into())
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
        let deepest = vec!["d"; MAX_KEY_SEGMENTS].join("/");
        assert_eq!(relative_path(&deepest).unwrap().components().count(), MAX_KEY_SEGMENTS);
        let e = relative_path(&format!("{deepest}/x")).unwrap_err();
        assert!(e.contains("257 path segments") && e.contains("256"), "{e}");
        for refused in ["CON", "nul.txt", "com1", "COM0", "lpt0.txt", "COM¹", "LPT9.log", "a:b", "a?", "trailing.", "trailing ", "tab\t"] {
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
        let empty_first = out.objects.iter().find(|o| o.key == "p//abs").unwrap().result.as_ref().unwrap_err().to_string();
        assert!(empty_first.contains("an empty path segment right after the prefix \"p/\"") && !empty_first.contains("absolute"), "{empty_first}");
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
            fn get_object_range<'a>(&'a self, b: &'a str, k: &'a str, s: u64, e: u64, n: u64, m: Option<&'a str>) -> BoxFuture<'a, Result<super::super::RangeBody, StoreError>> { self.0.get_object_range(b, k, s, e, n, m) }
        }
        let e = run(TransferManager::new(NoList(Fake::default())).download_dir("bucket", "p", dir.join("d"))).unwrap_err();
        assert!(e.to_string().contains("cannot list objects") && e.to_string().starts_with("directory download of s3://bucket/p/"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    /// A scripted page: its keys and sizes, and the next token.
    type Page = (Vec<(&'static str, u64)>, Option<&'static str>);

    /// A store whose listing is scripted: the page for each continuation
    /// token (the first for `None`), anything else from a [`Fake`]. After
    /// 20 pages it fails, so a listing that would loop ends.
    #[derive(Clone)]
    struct Listing {
        fake: Fake,
        pages: Arc<HashMap<Option<&'static str>, Page>>,
        calls: Arc<AtomicUsize>,
    }

    impl Listing {
        fn new(fake: Fake, pages: impl IntoIterator<Item = (Option<&'static str>, Page)>) -> Self {
            Self { fake, pages: Arc::new(pages.into_iter().collect()), calls: Arc::default() }
        }
    }

    impl ObjectStore for Listing {
        fn put_object<'a>(&'a self, b: &'a str, k: &'a str, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.fake.put_object(b, k, x, c) }
        fn create_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<String, StoreError>> { self.fake.create_multipart_upload(b, k) }
        fn upload_part<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, n: u32, x: Bytes, c: &'a str) -> BoxFuture<'a, Result<PartResult, StoreError>> { self.fake.upload_part(b, k, i, n, x, c) }
        fn complete_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str, p: Vec<CompletedPart>, c: &'a str, z: u64) -> BoxFuture<'a, Result<Option<String>, StoreError>> { self.fake.complete_multipart_upload(b, k, i, p, c, z) }
        fn abort_multipart_upload<'a>(&'a self, b: &'a str, k: &'a str, i: &'a str) -> BoxFuture<'a, Result<(), StoreError>> { self.fake.abort_multipart_upload(b, k, i) }
        fn head_object<'a>(&'a self, b: &'a str, k: &'a str) -> BoxFuture<'a, Result<ObjectInfo, StoreError>> { self.fake.head_object(b, k) }
        fn get_object_range<'a>(&'a self, b: &'a str, k: &'a str, s: u64, e: u64, n: u64, m: Option<&'a str>) -> BoxFuture<'a, Result<super::super::RangeBody, StoreError>> { self.fake.get_object_range(b, k, s, e, n, m) }
        fn list_objects<'a>(&'a self, _: &'a str, _: &'a str, continuation: Option<&'a str>) -> BoxFuture<'a, Result<ObjectPage, StoreError>> {
            Box::pin(async move {
                if self.calls.fetch_add(1, Ordering::SeqCst) >= 20 {
                    return Err(StoreError::new("ListObjectsV2", "the test store stops after 20 pages"));
                }
                let (objects, next) = self.pages.get(&continuation).ok_or_else(|| StoreError::new("ListObjectsV2", format!("no page for {continuation:?}")))?;
                let objects = objects.iter().map(|&(key, size)| ListedObject { key: key.to_string(), size }).collect();
                Ok(ObjectPage { objects, next: next.map(str::to_string) })
            })
        }
    }

    #[test]
    fn a_listing_that_cycles_its_tokens_or_goes_back_is_refused() {
        let dir = scratch("cycling");
        // Tokens A, B, A, B…: each page new keys, but the token A comes back.
        let cycling = Listing::new(Fake::default(), [(None, (vec![("a", 1)], Some("A"))), (Some("A"), (vec![("b", 1)], Some("B"))), (Some("B"), (vec![("c", 1)], Some("A")))]);
        let e = run(TransferManager::new(cycling.clone()).download_dir("bucket", "", dir.join("t1"))).unwrap_err();
        assert!(e.to_string().contains("the continuation token \"A\" a second time, after page 3"), "{e}");
        assert_eq!(cycling.calls.load(Ordering::SeqCst), 3, "no page asked for again");
        // New tokens, but the second page repeats a key of the first.
        let back = Listing::new(Fake::default(), [(None, (vec![("a", 1), ("b", 1)], Some("T"))), (Some("T"), (vec![("c", 1), ("b", 1)], None))]);
        let e = run(TransferManager::new(back).download_dir("bucket", "", dir.join("t2"))).unwrap_err();
        assert!(matches!(e.kind(), TransferErrorKind::Invalid(_)) && e.to_string().contains("page 2 has the key \"b\", not after \"b\""), "{e}");
        // Pages in key order, each token new: listed whole.
        let store = Fake::default();
        for key in ["a", "b", "c"] {
            store.put(key, Bytes::from_static(b"x"));
        }
        let fine = Listing::new(store, [(None, (vec![("a", 1), ("b", 1)], Some("T"))), (Some("T"), (vec![("c", 1)], None))]);
        let out = run(TransferManager::new(fine).download_dir("bucket", "", dir.join("t3"))).unwrap();
        assert_eq!(out.succeeded(), 3, "{out:?}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn listed_sizes_that_add_up_past_u64_do_not_overflow() {
        let dir = scratch("huge-sizes");
        let store = Fake::default();
        store.put("x", Bytes::from_static(b"real"));
        store.put("y", Bytes::from_static(b"bytes"));
        // Two objects listed at 2^63 bytes each: their sum is past u64::MAX.
        let hostile = Listing::new(store, [(None, (vec![("x", 1 << 63), ("y", 1 << 63)], None))]);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let manager = TransferManager::new(hostile).with_progress(move |p: Progress| sink.lock().unwrap().push(p));
        let out = run(manager.download_dir("bucket", "", dir.join("t"))).unwrap();
        // Each was pinned with HeadObject (its listed size is more than one range), which gave the real size.
        assert_eq!((out.succeeded(), out.failed()), (2, 0), "{out:?}");
        assert_eq!(tree(&dir.join("t")), BTreeMap::from([("x".to_string(), b"real".to_vec()), ("y".to_string(), b"bytes".to_vec())]));
        assert!(seen.lock().unwrap().iter().all(|p| p.total == u64::MAX), "the total saturates");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn each_object_task_is_built_only_when_it_starts() {
        let dir = scratch("lazy");
        for i in 0..40 {
            write(&dir.join(format!("f{i:02}")), b"data");
        }
        let store = Fake::default();
        let manager = TransferManager::new(store.clone()).with_config(TransferConfig::new().with_concurrency(2));
        let out = run(manager.upload_dir("bucket", "p", &dir)).unwrap();
        assert_eq!(out.succeeded(), 40);
        // The test's store, the manager's, the call's, and one per task in flight (2): not one per waiting object.
        let max = store.max_clones.load(Ordering::SeqCst);
        assert!(max <= 8, "{max} clones of the store alive at once: the 40 objects' tasks were built up front");
        store.max_clones.store(0, Ordering::SeqCst);
        let out = run(manager.download_dir("bucket", "p", dir.join("back"))).unwrap();
        assert_eq!(out.succeeded(), 40);
        let max = store.max_clones.load(Ordering::SeqCst);
        assert!(max <= 8, "{max} clones of the store alive at once during the download");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn clashes_are_found_in_sorted_order_and_case_folded_when_asked() {
        let paths = ["q", "q-r", "q/s", "a", "a", "b/c", "B/c", "X", "x/y", "deep/er", "deep"];
        use Clash::{Case, Folder, Twice};
        // `q-r` sorts between `q` and `q/s`: the folder `q/` is still found.
        assert_eq!(clashes(&paths, false), [Some(Folder(2)), None, None, None, Some(Twice), None, None, None, None, None, Some(Folder(9))]);
        // Folded: `b/c` and `B/c` are one file (both refused), and `X` is the folder of `x/y`.
        assert_eq!(clashes(&paths, true), [Some(Folder(2)), None, None, None, Some(Twice), Some(Case(6)), Some(Case(5)), Some(Folder(8)), None, None, Some(Folder(9))]);
        // One spelling twice and another once: all three refused.
        assert_eq!(clashes(&["K", "k", "K"], true), [Some(Case(1)), Some(Case(0)), Some(Case(1))]);
        assert_eq!(clashes(&[], true), []);
    }

    #[test]
    fn deep_keys_and_keys_differing_only_in_case_are_refused_per_object() {
        let dir = scratch("deep-and-case");
        let store = Fake::default();
        let deep = format!("p/{}", vec!["d"; MAX_KEY_SEGMENTS + 1].join("/"));
        for key in [deep.as_str(), "p/Read.me", "p/read.me", "p/q", "p/q-r", "p/q/s"] {
            store.put(key, Bytes::from_static(b"x"));
        }
        let out = run(TransferManager::new(store).download_dir("bucket", "p", dir.join("t"))).unwrap();
        let results: BTreeMap<&str, Result<(), String>> = out.objects.iter().map(|o| (o.key.as_str(), o.result.as_ref().map_err(|e| e.to_string()).copied())).collect();
        let e = results[deep.as_str()].as_ref().unwrap_err();
        assert!(e.contains("257 path segments, more than the 256"), "{e}");
        assert!(results["p/q"].as_ref().unwrap_err().contains("other keys are under p/q/ (a folder of the same name), such as \"p/q/s\""), "{results:?}");
        assert!(results["p/q-r"].is_ok() && results["p/q/s"].is_ok(), "{results:?}");
        if FOLDS_CASE {
            assert!(results["p/Read.me"].as_ref().unwrap_err().contains("differs only in case from the key \"p/read.me\""), "{results:?}");
            assert!(results["p/read.me"].as_ref().unwrap_err().contains("differs only in case from the key \"p/Read.me\""), "{results:?}");
        } else {
            assert!(results["p/Read.me"].is_ok() && results["p/read.me"].is_ok(), "{results:?}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_subfolder_is_one_failed_entry_and_the_rest_goes_up() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("unreadable");
        let src = dir.join("src");
        write(&src.join("ok.txt"), b"ok");
        write(&src.join("locked/secret.txt"), b"secret");
        write(&src.join("open/f.txt"), b"f");
        std::fs::set_permissions(src.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
        // As root, permissions do not stop a read: then the folder is simply uploaded.
        let readable = std::fs::read_dir(src.join("locked")).is_ok();
        let store = Fake::default();
        let out = run(TransferManager::new(store.clone()).upload_dir("bucket", "up", &src));
        std::fs::set_permissions(src.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = out.unwrap();
        if readable {
            eprintln!("running with permission to read a mode-000 folder (root?): its failure is not checked");
            assert_eq!(out.succeeded(), 3, "{out:?}");
        } else {
            let results: Vec<(&str, bool)> = out.objects.iter().map(|o| (o.key.as_str(), o.result.is_ok())).collect();
            assert_eq!(results, [("up/locked/", false), ("up/ok.txt", true), ("up/open/f.txt", true)]);
            assert_eq!(out.objects[0].path.as_deref(), Some(src.join("locked").as_path()));
            let e = out.objects[0].result.as_ref().unwrap_err();
            assert!(matches!(e.kind(), TransferErrorKind::Io { path, source } if path == &src.join("locked") && source.kind() == std::io::ErrorKind::PermissionDenied), "{e}");
            assert_eq!(store.keys(), ["up/ok.txt", "up/open/f.txt"]);
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    /// A folder whose path is longer than the system takes (PATH_MAX): it
    /// cannot be read by its path, even as root.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_subfolder_too_deep_to_read_is_one_failed_entry_even_as_root() {
        let dir = scratch("too-long");
        let src = dir.join("src");
        write(&src.join("ok.txt"), b"ok");
        let name = "d".repeat(250);
        // Made from inside (relative mkdir), where no path is ever too long; 20 levels are over 5,000 bytes.
        let made = std::process::Command::new("sh")
            .args(["-c", "cd \"$1\" && for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do mkdir \"$2\" && cd -P \"$2\" || exit 1; done", "sh"])
            .arg(&src)
            .arg(&name)
            .status()
            .unwrap();
        assert!(made.success());
        let store = Fake::default();
        let out = run(TransferManager::new(store.clone()).upload_dir("bucket", "up", &src)).unwrap();
        assert_eq!(out.failed(), 1, "{out:?}");
        let failed = out.failures().next().unwrap();
        assert!(failed.key.starts_with("up/dd") && failed.key.ends_with('/'), "{}", failed.key);
        let path = failed.path.as_deref().unwrap();
        assert!(path.as_os_str().len() >= 4096 && path.starts_with(&src), "{} bytes", path.as_os_str().len());
        assert!(matches!(failed.result.as_ref().unwrap_err().kind(), TransferErrorKind::Io { .. }));
        assert_eq!(store.keys(), ["up/ok.txt"]);
        if std::fs::remove_dir_all(&dir).is_err() {
            let _ = std::process::Command::new("rm").arg("-rf").arg(&dir).status();
        }
    }
}
