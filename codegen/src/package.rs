//! How a generated crate is packaged: how its `Cargo.toml` names the runtime
//! crate (`smithy-gen-runtime`), and whether it is a workspace of its own.
//! Nothing here comes from the model; `emit` reads it when writing
//! `Cargo.toml`, and `generate` adds a vendored runtime's files.

use std::path::{Component, Path, PathBuf};

/// The package name of the runtime crate.
pub const RUNTIME_CRATE: &str = "smithy-gen-runtime";

/// The exact runtime version this generator was built with and writes into
/// every generated crate (`version = "=…"`, and the compile-time check in
/// `lib.rs`).
pub const RUNTIME_VERSION: &str = smithy_gen_runtime::VERSION;

/// The oldest Rust a generated crate builds with: the runtime's.
pub const RUST_VERSION: &str = "1.94";

/// Where a generated crate gets the runtime from. Every form pins the exact
/// [`RUNTIME_VERSION`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path, relative to the generated crate (`/` separators): the
    /// runtime of a checkout of this project.
    Path(String),
    /// The published crate from the registry, by version only.
    Registry,
    /// The runtime's own files (path relative to the runtime crate's root,
    /// contents), written into the generated crate's `smithy-gen-runtime/`
    /// directory, so the output builds with nothing beside it.
    Vendored(Vec<(String, String)>),
}

/// The package name of the configuration loader (`config-loader/` in a
/// checkout): the full credential chain (roles, web identity, SSO) that a
/// generated crate's `smithy-call` resolves credentials with.
pub const LOADER_CRATE: &str = "smithy-gen-config";

/// Where a generated crate's `smithy-call` tool gets the loader from (an
/// optional dependency, on with the `cli` feature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoaderDependency {
    /// No loader: the tool resolves credentials with the runtime's chain
    /// alone (no assumed roles, web identity or SSO).
    None,
    /// A path relative to the generated crate: a checkout's `config-loader/`.
    Path(String),
    /// The published crate, by version.
    Registry,
    /// The loader's and the identity clients' own files (paths relative to
    /// the vendor directory: `config-loader/...`, `identity/...`), written
    /// into the generated crate's `vendor/` beside the vendored runtime, as
    /// in a checkout, so their relative paths to each other hold unchanged.
    Vendored(Vec<(String, String)>),
}

/// The directory of vendored crates inside the generated crate: the
/// runtime in `vendor/runtime/`, the loader in `vendor/config-loader/`, the
/// identity clients in `vendor/identity/`, laid out as in a checkout.
pub const VENDORED_DIR: &str = "vendor";

/// Packaging choices for one generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packaging {
    pub runtime: RuntimeDependency,
    /// End `Cargo.toml` with an empty `[workspace]` table, so the crate
    /// builds as its own workspace even inside another one's directory.
    pub own_workspace: bool,
    /// Write the `smithy-call` binary target (`src/bin/smithy-call.rs`,
    /// feature `cli`). Off when another crate builds the tool from this
    /// crate's `cli` module (this workspace's `smithy-gen-config`, which adds
    /// the credential providers that call STS and SSO).
    pub cli_binary: bool,
    /// Where the `smithy-call` tool's configuration loader comes from.
    pub loader: LoaderDependency,
    /// Ready for crates.io: no `publish = false`, and this description
    /// (else the generic one) with the keywords and categories of the
    /// generated crates.
    pub publish: Option<String>,
}

impl Default for Packaging {
    /// The runtime and the loader from the registry, no `[workspace]` table:
    /// what neither depends on where the crate is written nor on a checkout.
    fn default() -> Self {
        Packaging { runtime: RuntimeDependency::Registry, own_workspace: false, cli_binary: true, loader: LoaderDependency::Registry, publish: None }
    }
}

/// A checkout's runtime (`runtime_dir`) and loader (beside it, in
/// `config-loader/`), named by paths relative to the crate in `out`; no
/// loader when the runtime has none beside it.
pub fn checkout_packaging(out: &Path, runtime_dir: &Path, own_workspace: bool) -> Packaging {
    let loader_dir = runtime_dir.join("../config-loader");
    let loader = match std::fs::read_to_string(loader_dir.join("Cargo.toml")) {
        Ok(text) if text.lines().any(|l| l.trim() == format!("name = \"{LOADER_CRATE}\"")) => {
            LoaderDependency::Path(relative_path(out, &loader_dir))
        }
        _ => LoaderDependency::None,
    };
    Packaging { runtime: RuntimeDependency::Path(relative_path(out, runtime_dir)), own_workspace, cli_binary: true, loader, publish: None }
}

impl Packaging {
    /// The `[dependencies]` line that names the runtime, with the runtime
    /// features the crate always needs (`xml` for the XML protocols).
    pub fn runtime_dependency_line(&self, features: &[&str]) -> String {
        let path = match &self.runtime {
            RuntimeDependency::Path(p) => format!(", path = {p:?}"),
            RuntimeDependency::Registry => String::new(),
            RuntimeDependency::Vendored(_) => format!(", path = \"{VENDORED_DIR}/runtime\""),
        };
        let features = if features.is_empty() {
            String::new()
        } else {
            format!(", features = [{}]", features.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(", "))
        };
        format!("{RUNTIME_CRATE} = {{ version = \"={RUNTIME_VERSION}\"{path}, default-features = false{features} }}")
    }

    /// The `[dependencies]` line that names the loader (optional, for the
    /// `cli` feature), if the crate has one.
    pub fn loader_dependency_line(&self) -> Option<String> {
        let path = match &self.loader {
            LoaderDependency::None => return None,
            LoaderDependency::Path(p) => format!(", path = {p:?}"),
            LoaderDependency::Registry => String::new(),
            LoaderDependency::Vendored(_) => format!(", path = \"{VENDORED_DIR}/config-loader\""),
        };
        Some(format!("{LOADER_CRATE} = {{ version = \"={RUNTIME_VERSION}\"{path}, optional = true }}"))
    }
}

/// The runtime crate in `dir` (a checkout's `runtime/`) to vendor: its
/// manifest, README and sources, read from disk.
pub fn vendored(dir: &Path) -> Result<RuntimeDependency, String> {
    Ok(RuntimeDependency::Vendored(crate_files(dir, "")?))
}

/// The loader and the identity clients beside the runtime crate in
/// `runtime_dir` (a checkout's `config-loader/` and `identity/`) to vendor,
/// or [`LoaderDependency::None`] when the runtime has none beside it.
pub fn vendored_loader(runtime_dir: &Path) -> Result<LoaderDependency, String> {
    let base = runtime_dir.join("..");
    if !base.join("config-loader/Cargo.toml").is_file() || !base.join("identity/Cargo.toml").is_file() {
        return Ok(LoaderDependency::None);
    }
    let mut files = crate_files(&base.join("config-loader"), "config-loader/")?;
    files.extend(crate_files(&base.join("identity"), "identity/")?);
    Ok(LoaderDependency::Vendored(files))
}

/// A crate's `Cargo.toml`, `README.md` (if any) and every file under `src/`,
/// as (`prefix` + path relative to `dir`, contents), sorted by path.
fn crate_files(dir: &Path, prefix: &str) -> Result<Vec<(String, String)>, String> {
    let read = |rel: &str| std::fs::read_to_string(dir.join(rel)).map_err(|e| format!("cannot read {}: {e}", dir.join(rel).display()));
    let mut files = vec![(format!("{prefix}Cargo.toml"), read("Cargo.toml")?)];
    if dir.join("README.md").is_file() {
        files.push((format!("{prefix}README.md"), read("README.md")?));
    }
    let mut stack = vec!["src".to_string()];
    let mut sources = Vec::new();
    while let Some(rel) = stack.pop() {
        let abs = dir.join(&rel);
        for e in std::fs::read_dir(&abs).map_err(|e| format!("cannot read {}: {e}", abs.display()))?.flatten() {
            let name = format!("{rel}/{}", e.file_name().to_string_lossy());
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(name),
                Ok(t) if t.is_file() => sources.push(name),
                _ => {}
            }
        }
    }
    sources.sort();
    for rel in sources {
        files.push((format!("{prefix}{rel}"), read(&rel)?));
    }
    Ok(files)
}

/// `p` as an absolute path (against the current directory), `.` and `..`
/// resolved lexically, without touching the file system.
pub fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `to` as a path relative to the directory `from` (both relative to the
/// same base, or both absolute), with `/` separators: `../runtime` from
/// `generated` to `runtime`. Lexical: `..` in `from` is resolved against
/// the current directory when it cannot be cancelled.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let (from, to) = (absolute(from), absolute(to));
    let (a, b): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    parts.extend(b[common..].iter().map(|c| c.as_os_str().to_string_lossy().to_string()));
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_crates_ask_for_the_runtimes_rust_version() {
        let runtime = include_str!("../../runtime/Cargo.toml");
        assert!(runtime.lines().any(|l| l == format!("rust-version = \"{RUST_VERSION}\"")), "runtime/Cargo.toml's rust-version");
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path(Path::new("/a/generated"), Path::new("/a/runtime")), "../runtime");
        assert_eq!(relative_path(Path::new("/a/target/fixture-crates/x"), Path::new("/a/runtime")), "../../../runtime");
        assert_eq!(relative_path(Path::new("/a/b/../generated"), Path::new("/a/runtime")), "../runtime");
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a")), ".");
    }

    #[test]
    fn dependency_lines_pin_the_exact_version() {
        let v = RUNTIME_VERSION;
        let line = |runtime| Packaging { runtime, ..Packaging::default() }.runtime_dependency_line(&[]);
        assert_eq!(
            line(RuntimeDependency::Path("../runtime".into())),
            format!("smithy-gen-runtime = {{ version = \"={v}\", path = \"../runtime\", default-features = false }}")
        );
        assert_eq!(line(RuntimeDependency::Registry), format!("smithy-gen-runtime = {{ version = \"={v}\", default-features = false }}"));
        assert!(line(RuntimeDependency::Vendored(Vec::new())).contains("path = \"vendor/runtime\""));
    }
}
