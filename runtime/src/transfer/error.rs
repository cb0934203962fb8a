//! A transfer's errors: [`StoreError`] for one object-store call,
//! [`TransferError`] for the whole transfer (which object, which part, and
//! whether a multipart upload was aborted).

use std::error::Error as StdError;
use std::fmt;
use std::path::PathBuf;

use crate::error::{ErrorKind, OperationError};

/// One [`ObjectStore`](super::ObjectStore) call's failure: the operation, and
/// the service's status, code and message when the service answered.
#[derive(Debug)]
pub struct StoreError {
    operation: &'static str,
    status: Option<u16>,
    code: Option<String>,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
    interrupted: bool,
}

impl StoreError {
    /// From a generated operation's error (`operation` is its name, `UploadPart`).
    pub fn from_operation<E: OperationError + Send + Sync + 'static>(operation: &'static str, error: E) -> Self {
        let meta = error.meta();
        Self {
            operation,
            status: meta.map(|m| m.status),
            code: if error.kind() == ErrorKind::Service { error.code().map(str::to_string) } else { None },
            message: error.to_string(),
            source: Some(Box::new(error)),
            interrupted: false,
        }
    }
    /// A failure that is no operation error (a response without a member the
    /// transfer needs, or one a test double scripts).
    pub fn new(operation: &'static str, message: impl Into<String>) -> Self {
        Self { operation, status: None, code: None, message: message.into(), source: None, interrupted: false }
    }
    /// A response body that broke off (a connection reset) or ended short
    /// after its headers: a download retries such a range (with the same
    /// `If-Match`) a few times before failing.
    pub fn interrupted(operation: &'static str, message: impl Into<String>) -> Self {
        Self { interrupted: true, ..Self::new(operation, message) }
    }
    /// The same error with an HTTP status (for test doubles).
    #[cfg(test)]
    pub(super) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
    /// Whether this is an [interrupted](Self::interrupted) body, worth
    /// asking for again.
    pub fn is_interrupted(&self) -> bool {
        self.interrupted
    }
    /// The operation that failed (`UploadPart`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }
    /// The HTTP status of the service's error response.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
    /// The service's error code (`NoSuchKey`), for a service error.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A generated error's text already names the operation.
        if self.message.starts_with(self.operation) {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.operation, self.message)
        }
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn StdError + 'static))
    }
}

/// What went wrong in a transfer.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransferErrorKind {
    /// An object-store call failed (after the client's retries).
    Store(StoreError),
    /// Reading or writing a local file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The object changed during a download (its ETag no longer matched:
    /// `412 Precondition Failed`).
    ObjectChanged(String),
    /// The transfer cannot be made as asked (an object too large for
    /// [`MAX_PARTS`](super::MAX_PARTS) parts of the largest size).
    Invalid(String),
    /// The downloaded bytes do not have the object's checksum: nothing was
    /// written to the target (a writer got them already).
    ChecksumMismatch {
        /// The algorithm (`CRC32`, `CRC64NVME`…).
        algorithm: String,
        /// The object's checksum, as the store reported it.
        expected: String,
        /// The checksum of the bytes received.
        actual: String,
    },
    /// The transfer was cancelled through its
    /// [`CancelHandle`](super::CancelHandle).
    Cancelled,
}

/// A failed transfer: what went wrong ([`Self::kind`]), on which object and
/// part, and, for a multipart upload, whether it was aborted.
#[derive(Debug)]
pub struct TransferError(Box<Inner>);

/// Boxed: a `Result` with a `TransferError` stays one pointer wide.
#[derive(Debug)]
struct Inner {
    kind: TransferErrorKind,
    operation: &'static str,
    bucket: String,
    key: String,
    part: Option<u64>,
    abort: Option<Result<(), StoreError>>,
}

impl TransferError {
    pub(super) fn new(kind: TransferErrorKind, operation: &'static str, bucket: &str, key: &str) -> Self {
        Self(Box::new(Inner { kind, operation, bucket: bucket.to_string(), key: key.to_string(), part: None, abort: None }))
    }
    pub(super) fn in_part(mut self, part: u64) -> Self {
        self.0.part = Some(part);
        self
    }
    pub(super) fn with_abort(mut self, abort: Result<(), StoreError>) -> Self {
        self.0.abort = Some(abort);
        self
    }
    /// What went wrong.
    pub fn kind(&self) -> &TransferErrorKind {
        &self.0.kind
    }
    /// The part or range (from 1) whose call failed.
    pub fn part(&self) -> Option<u64> {
        self.0.part
    }
    /// The bucket.
    pub fn bucket(&self) -> &str {
        &self.0.bucket
    }
    /// The object's key.
    pub fn key(&self) -> &str {
        &self.0.key
    }
    /// For a failed multipart upload: `Some(true)` when it was aborted (no
    /// parts left stored), `Some(false)` when the abort failed too (see
    /// [`Self::abort_error`]); `None` when no multipart upload was open.
    pub fn upload_aborted(&self) -> Option<bool> {
        self.0.abort.as_ref().map(Result::is_ok)
    }
    /// Why the abort of the failed multipart upload failed.
    pub fn abort_error(&self) -> Option<&StoreError> {
        self.0.abort.as_ref().and_then(|r| r.as_ref().err())
    }
    /// The service's error code, when an object-store call failed with one.
    pub fn code(&self) -> Option<&str> {
        match &self.0.kind {
            TransferErrorKind::Store(e) => e.code(),
            _ => None,
        }
    }
    /// Whether the transfer was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.0.kind, TransferErrorKind::Cancelled)
    }
    /// Whether the object changed during a download.
    pub fn is_object_changed(&self) -> bool {
        matches!(self.0.kind, TransferErrorKind::ObjectChanged(_))
    }
}

/// `text` safe to print on a terminal or in a log: control characters
/// (a key may hold ESC, CR, LF) and the bidirectional formatting characters
/// that reorder what is shown come out as `\u{…}`.
pub(super) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of s3://{}/{}", self.0.operation, printable(&self.0.bucket), printable(&self.0.key))?;
        if let Some(part) = self.0.part {
            write!(f, ", part {part}")?;
        }
        match &self.0.kind {
            TransferErrorKind::Store(e) => write!(f, ": {e}")?,
            // A writer's or a reader's error: no path to name.
            TransferErrorKind::Io { path, source } if path.as_os_str().is_empty() => write!(f, ": {source}")?,
            TransferErrorKind::Io { path, source } => write!(f, ": {}: {source}", printable(&path.display().to_string()))?,
            TransferErrorKind::ObjectChanged(what) => write!(f, ": the object changed during the download ({what})")?,
            TransferErrorKind::Invalid(what) => write!(f, ": {}", printable(what))?,
            TransferErrorKind::Cancelled => f.write_str(": cancelled")?,
            TransferErrorKind::ChecksumMismatch { algorithm, expected, actual } => {
                write!(f, ": the bytes received have the {algorithm} {actual}, the object's is {expected}: corrupted on the way")?
            }
        }
        match &self.0.abort {
            Some(Ok(())) => f.write_str("; the multipart upload was aborted"),
            Some(Err(e)) => write!(f, "; the multipart upload could not be aborted either ({e}): abort it to stop paying for its parts"),
            None => Ok(()),
        }
    }
}

impl StdError for TransferError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.0.kind {
            TransferErrorKind::Store(e) => Some(e),
            TransferErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_drive_the_terminal() {
        assert_eq!(printable("photos/a b.jpg"), "photos/a b.jpg");
        assert_eq!(printable("p/\u{1b}]0;title\u{7}x\nERROR: fake"), "p/\\u{1b}]0;title\\u{7}x\\u{a}ERROR: fake");
        assert_eq!(printable("evil\u{202E}gpj.exe"), "evil\\u{202e}gpj.exe");
        let e = TransferError::new(TransferErrorKind::Cancelled, "download", "b", "k\r\nforged line");
        assert_eq!(e.to_string(), "download of s3://b/k\\u{d}\\u{a}forged line: cancelled");
    }
}
