//! A code generator from Smithy 2.0 JSON AST models of AWS APIs to a Rust
//! crate of types and validators.
//!
//! The pipeline, each stage testable on its own:
//! [`model`] (load and check) → [`lower`] (normalise into the [`ir`]) →
//! [`emit`] (tokens) → [`write`] (format, stamp, write or check).
#![forbid(unsafe_code)]

pub mod config;
pub mod diagnostics;
pub mod docs;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod model;
pub mod naming;
pub mod patterns;
pub mod write;

use std::fmt;
use std::path::PathBuf;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use lower::Selection;
pub use model::Model;
pub use write::RenderedFile;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The model files (JSON AST).
    pub models: Vec<PathBuf>,
    /// The package name of the generated crate.
    pub crate_name: String,
    /// Which operations to generate (all by default).
    pub selection: Selection,
    /// Keep the runtime's own unit tests (`#[cfg(test)] mod tests`) in
    /// `src/runtime/`. The committed crate keeps them, so CI runs them; a
    /// user's crate does without.
    pub runtime_tests: bool,
}

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The models are invalid or use something unsupported.
    Model(Diagnostics),
    /// The generator produced code that does not parse (a generator bug).
    Render(write::RenderError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Model(d) => write!(f, "{d}"),
            Error::Render(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Model(d)
    }
}

/// Load the models and produce every file of the generated crate, in memory.
pub fn generate(options: &Options) -> Result<Vec<RenderedFile>, Error> {
    let model = Model::load_files(&options.models)?;
    let mut files = generate_from_model(&model, &options.crate_name, &options.selection)?;
    if options.runtime_tests {
        // The runtime's unit tests check its serde helpers on derived types.
        if let Some(manifest) = files.iter_mut().find(|f| f.path == "Cargo.toml") {
            manifest.contents.push_str(
                "\n[dev-dependencies]\n# The runtime's unit tests derive serde impls for test types.\nserde = { version = \"1\", features = [\"derive\"] }\n",
            );
        }
    } else {
        for file in files.iter_mut().filter(|f| f.path.starts_with("src/runtime/")) {
            file.contents = without_unit_tests(&file.contents);
        }
    }
    Ok(files)
}

/// `text` without its trailing `#[cfg(test)] mod tests { ... }` (the runtime
/// files end with it when they have one).
fn without_unit_tests(text: &str) -> String {
    match text.find("\n#[cfg(test)]\nmod tests {") {
        Some(i) => text[..=i].to_string(),
        None => text.to_string(),
    }
}

/// Generate from models given as (file name, JSON text) pairs.
pub fn generate_from_sources(sources: &[(PathBuf, String)], crate_name: &str) -> Result<Vec<RenderedFile>, Error> {
    let model = Model::load_sources(sources)?;
    generate_from_model(&model, crate_name, &Selection::default())
}

/// Generate from an already loaded model.
pub fn generate_from_model(model: &Model, crate_name: &str, selection: &Selection) -> Result<Vec<RenderedFile>, Error> {
    let ir = lower::lower_crate(model, crate_name, selection)?;
    write::render(emit::emit_crate(&ir)).map_err(Error::Render)
}
