//! Third-party files this repository does not hold, and the one order in
//! which every command and test looks for them.
//!
//! - The official AWS models (aws/api-models-aws): one Smithy JSON AST file
//!   per service, named `<service>-<version>.json` (`sts-2011-06-15.json`).
//! - The Smithy project's protocol compliance suites (smithy-lang/smithy):
//!   `smithy-aws-protocol-tests.json` (the suites as one JSON AST) and
//!   `idl/` (the suites as written).
//! - The Smithy reference loader's own test models (smithy-lang/smithy, same
//!   commit): `loader/valid/**` (IDL files with the JSON AST each must load
//!   to) and `loader/invalid/**` (IDL files each must be refused). Not in
//!   `../shared`: only `cargo xtask fetch-models --only smithy-loader-tests`
//!   brings them, and their test skips without them even in CI.
//!
//! The search order, first match wins:
//!
//! 1. the environment variable ([`Set::env_var`]: `SMITHY_AWS_MODELS_DIR`,
//!    `SMITHY_PROTOCOL_TESTS_DIR`, `SMITHY_LOADER_TESTS_DIR`): when it is set, only there (a file it
//!    lacks is missing, never taken from elsewhere);
//! 2. `../shared/aws-corpus` (then `../shared/aws-models`) or
//!    `../shared/protocol-tests` beside the checkout;
//! 3. `third-party/aws-models` or `third-party/protocol-tests` inside the
//!    checkout, where `cargo xtask fetch-models` puts them (ignored by git).
//!
//! Nothing here is copied into the repository: what is missing is named in
//! one line with the command that fetches it.

use std::fmt;
use std::path::{Path, PathBuf};

/// aws/api-models-aws: the commit `cargo xtask fetch-models` checks out
/// (the one `../shared/aws-corpus` was copied from).
pub const AWS_MODELS_REPOSITORY: &str = "https://github.com/aws/api-models-aws.git";
pub const AWS_MODELS_COMMIT: &str = "56c8953e87aeead95ae5e66a3ca6a355731db6ad";
/// smithy-lang/smithy: the commit of the protocol compliance suites (and of
/// the loader's test models).
pub const PROTOCOL_TESTS_REPOSITORY: &str = "https://github.com/smithy-lang/smithy.git";
pub const PROTOCOL_TESTS_COMMIT: &str = "77e7e9dd0f21175a990e131501c1edfdc8b3527a";

/// The command that fetches what is missing.
pub const FETCH_COMMAND: &str = "cargo xtask fetch-models";

/// Set this to `1` to turn every "missing, skipped" into a failure (CI).
pub const REQUIRE_ENV: &str = "SMITHY_REQUIRE_THIRD_PARTY";

/// A set of third-party files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// The official AWS models.
    AwsModels,
    /// The Smithy protocol compliance suites.
    ProtocolTests,
    /// The Smithy reference loader's test models (`loader/valid`, `loader/invalid`).
    SmithyLoaderTests,
}

impl Set {
    /// The environment variable that names the set's directory.
    pub fn env_var(self) -> &'static str {
        match self {
            Set::AwsModels => "SMITHY_AWS_MODELS_DIR",
            Set::ProtocolTests => "SMITHY_PROTOCOL_TESTS_DIR",
            Set::SmithyLoaderTests => "SMITHY_LOADER_TESTS_DIR",
        }
    }

    /// The set's directory under `third-party/` (where `fetch-models` writes).
    pub fn fetched_dir(self) -> &'static str {
        match self {
            Set::AwsModels => "third-party/aws-models",
            Set::ProtocolTests => "third-party/protocol-tests",
            Set::SmithyLoaderTests => "third-party/smithy-loader-tests",
        }
    }

    fn beside(self) -> &'static [&'static str] {
        match self {
            Set::AwsModels => &["../shared/aws-corpus", "../shared/aws-models"],
            Set::ProtocolTests => &["../shared/protocol-tests"],
            Set::SmithyLoaderTests => &["../shared/smithy-loader-tests"],
        }
    }

    fn what(self) -> &'static str {
        match self {
            Set::AwsModels => "the official AWS models",
            Set::ProtocolTests => "the Smithy protocol compliance suites",
            Set::SmithyLoaderTests => "the Smithy loader's test models (`--only smithy-loader-tests`)",
        }
    }
}

/// The directories to look in, in order, for a checkout at `root`: each with
/// how a message names it.
pub fn search_dirs(set: Set, root: &Path) -> Vec<(PathBuf, String)> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os(set.env_var()).filter(|d| !d.is_empty()) {
        dirs.push((PathBuf::from(&d), format!("${} ({})", set.env_var(), PathBuf::from(&d).display())));
        return dirs;
    }
    for rel in set.beside().iter().chain([&set.fetched_dir()]) {
        dirs.push((root.join(rel), (*rel).to_string()));
    }
    dirs
}

/// What could not be found: says in one line what is missing, where it was
/// looked for and the command that gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub set: Set,
    /// The files (or directory contents) asked for.
    pub files: Vec<String>,
    /// Where they were looked for, in order.
    pub looked_in: Vec<String>,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = match self.files.len() {
            0 => String::new(),
            1..=3 => format!(" ({})", self.files.join(", ")),
            n => format!(" ({}, ... {} files in all)", self.files[..3].join(", "), n),
        };
        let looked = if self.looked_in.is_empty() { String::new() } else { format!(" in {}", self.looked_in.join(", ")) };
        write!(
            f,
            "missing third-party files: {}{files}, not found{looked} (set ${}, or run `{FETCH_COMMAND}`)",
            self.set.what(),
            self.set.env_var()
        )
    }
}

impl std::error::Error for Missing {}

impl Missing {
    /// A test's way out: in CI ([`REQUIRE_ENV`] is `1`) this panics with the
    /// message; otherwise it prints `skipped: <what>: <message>` and returns,
    /// so the caller can return early.
    pub fn skip(&self, what: &str) {
        if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
            panic!("{what}: {self} (and ${REQUIRE_ENV}=1 forbids skipping)");
        }
        eprintln!("skipped: {what}: {self}");
    }
}

/// The first directory of the search order that holds every one of
/// `files` (the files' paths in it, in the order asked).
pub fn find_files(set: Set, root: &Path, files: &[&str]) -> Result<Vec<PathBuf>, Missing> {
    let dirs = search_dirs(set, root);
    for (dir, _) in &dirs {
        if files.iter().all(|f| dir.join(f).is_file()) {
            return Ok(files.iter().map(|f| dir.join(f)).collect());
        }
    }
    // Name only the files no directory has, when some directory has some.
    let missing: Vec<String> =
        files.iter().filter(|f| !dirs.iter().any(|(d, _)| d.join(f).is_file())).map(|f| f.to_string()).collect();
    let files = if missing.is_empty() { files.iter().map(|f| f.to_string()).collect() } else { missing };
    Err(Missing { set, files, looked_in: dirs.into_iter().map(|(_, name)| name).collect() })
}

/// One file of the set.
pub fn find_file(set: Set, root: &Path, file: &str) -> Result<PathBuf, Missing> {
    find_files(set, root, &[file]).map(|mut v| v.remove(0))
}

/// The whole corpus of official AWS models: the first directory of the
/// search order with at least `min` model files, and its `*.json` files,
/// sorted. (`../shared/aws-models`, which holds two, is not a corpus.)
pub fn aws_corpus(root: &Path, min: usize) -> Result<(PathBuf, Vec<PathBuf>), Missing> {
    let dirs = search_dirs(Set::AwsModels, root);
    for (dir, _) in &dirs {
        let files = json_files(dir);
        if files.len() >= min {
            return Ok((dir.clone(), files));
        }
    }
    Err(Missing {
        set: Set::AwsModels,
        files: vec![format!("the whole corpus, {min} or more models")],
        looked_in: dirs.into_iter().map(|(_, name)| name).collect(),
    })
}

/// The `*.json` files directly in `dir`, sorted (none if it cannot be read).
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// The checkout `start` is in: the nearest ancestor (or `start` itself)
/// whose `Cargo.toml` declares a `[workspace]`, else `start`.
pub fn checkout_root(start: &Path) -> PathBuf {
    let start = if start.is_absolute() { start.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(start) };
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]")) {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start
}

/// A model reference in a generation config or on the command line:
/// `aws:<file>` names an official AWS model found through the search order.
pub const AWS_MODEL_PREFIX: &str = "aws:";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_files_are_named_in_one_line_with_the_fetch_command() {
        let m = Missing {
            set: Set::AwsModels,
            files: vec!["sts-2011-06-15.json".into()],
            looked_in: vec!["../shared/aws-corpus".into(), "third-party/aws-models".into()],
        };
        let s = m.to_string();
        assert!(!s.contains('\n'));
        assert!(s.contains("sts-2011-06-15.json") && s.contains("../shared/aws-corpus") && s.contains(FETCH_COMMAND), "{s}");
    }

    #[test]
    fn the_first_directory_holding_every_file_wins() {
        let base = std::env::temp_dir().join(format!("smithy-third-party-{}", std::process::id()));
        let root = base.join("checkout");
        let fetched = root.join("third-party/aws-models");
        std::fs::create_dir_all(&fetched).unwrap();
        std::fs::create_dir_all(base.join("shared/aws-models")).unwrap();
        std::fs::write(fetched.join("a.json"), "{}").unwrap();
        std::fs::write(fetched.join("b.json"), "{}").unwrap();
        std::fs::write(base.join("shared/aws-models/a.json"), "{}").unwrap();
        // Only the fetched directory has both.
        let found = find_files(Set::AwsModels, &root, &["a.json", "b.json"]).unwrap();
        assert_eq!(found[0], fetched.join("a.json"));
        // `a.json` alone: the directory beside the checkout comes first.
        assert_eq!(find_file(Set::AwsModels, &root, "a.json").unwrap(), root.join("../shared/aws-models/a.json"));
        let e = find_file(Set::AwsModels, &root, "c.json").unwrap_err();
        assert_eq!(e.files, ["c.json"]);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
