//! Errors the generator reports about models: each says which file, which
//! shape (and member), and what is wrong.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The model file the problem comes from (the first file that defined the
    /// shape), or `None` when it cannot be tied to one file.
    pub file: Option<PathBuf>,
    /// Where in the file (1-based line and column), for problems found while
    /// reading a file's text (Smithy IDL syntax and names).
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The shape id, with `$member` when the problem is on a member.
    pub shape: Option<String>,
    /// What is wrong, and where useful, how to fix it.
    pub message: String,
}

impl Diagnostic {
    /// A problem with a whole file (unreadable, not JSON, wrong version, ...).
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic { file: Some(file.into()), line: None, column: None, shape: None, message: message.into() }
    }

    /// A problem at a line and column of a file (shown `file:line:col:`).
    pub fn at(file: impl Into<PathBuf>, line: u32, column: u32, message: impl Into<String>) -> Self {
        Diagnostic { file: Some(file.into()), line: Some(line), column: Some(column), shape: None, message: message.into() }
    }

    /// A problem with one shape or member.
    pub fn shape(
        file: Option<PathBuf>,
        shape: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { file, line: None, column: None, shape: Some(shape.into()), message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            f.write_str(": ")?;
        }
        if let Some(shape) = &self.shape {
            write!(f, "{shape}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in one run. The generator reports all it can find
/// rather than stopping at the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was reported, else the sorted, deduplicated list.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort();
            self.0.dedup();
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "{n} problem{} in the model:", if n == 1 { "" } else { "s" })?;
        for d in &self.0 {
            writeln!(f, "  error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
