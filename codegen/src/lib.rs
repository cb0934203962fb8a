//! A code generator from Smithy 2.0 models (IDL or JSON AST) of AWS APIs to a Rust
//! crate of types and validators.
//!
//! The pipeline, each stage testable on its own:
//! [`model`] (load and check) → [`lower`] (normalise into the [`ir`]) →
//! [`emit`] (tokens) → [`write`](mod@write) (format, stamp, write or check).
#![forbid(unsafe_code)]

pub mod build_script;
pub mod config;
pub mod diagnostics;
pub mod docs;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod model;
pub mod naming;
pub mod package;
pub mod patterns;
pub mod phases;
pub mod third_party;
pub mod write;

use std::fmt;
use std::path::PathBuf;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use lower::Selection;
pub use model::Model;
pub use package::{Packaging, RuntimeDependency};
pub use write::RenderedFile;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The model files (Smithy IDL `.smithy`, JSON AST, or folders of them).
    pub models: Vec<PathBuf>,
    /// The package name of the generated crate.
    pub crate_name: String,
    /// Which operations to generate (all by default).
    pub selection: Selection,
    /// How the crate names the runtime crate, and whether it is a
    /// workspace of its own.
    pub packaging: Packaging,
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
    generate_reporting(options).map(|g| g.files)
}

/// What generation produced: the files, and what it could not do exactly
/// and left out (one line each, naming the shape).
#[derive(Debug)]
pub struct Generated {
    pub files: Vec<RenderedFile>,
    pub warnings: Vec<String>,
    /// What the generator assumed where the model is silent (see
    /// `ServiceIr::notes`), one line each.
    pub notes: Vec<String>,
    /// The crate's operation features (one per operation, or per resource for
    /// services beyond crates.io's feature limit), in `Cargo.toml` order.
    pub operation_features: Vec<String>,
}

/// [`generate`], with the warnings.
pub fn generate_reporting(options: &Options) -> Result<Generated, Error> {
    let model = phases::time(phases::Phase::Load, || Model::load_files(&options.models))?;
    let ir = phases::time(phases::Phase::Lower, || lower::lower_crate(&model, &options.crate_name, &options.selection))?;
    let warnings = ir.services.iter().flat_map(|s| s.warnings.iter().cloned()).collect();
    let notes = ir.services.iter().flat_map(|s| s.notes.iter().cloned()).collect();
    let mut operation_features = Vec::new();
    for s in &ir.services {
        let own: std::collections::BTreeSet<&String> = s.operations.iter().map(|o| &o.feature).collect();
        operation_features.extend(own.into_iter().cloned());
    }
    let files = render(&ir, &options.packaging)?;
    Ok(Generated { files, warnings, notes, operation_features })
}

/// The IAM policy document (JSON) the operations `selection` chooses need
/// (what the generated crate's `iam_policy()` returns with every feature of
/// such a crate on): each operation's actions (see `lower::iam`), sorted,
/// on every resource.
pub fn iam_policy(model: &Model, selection: &Selection) -> Result<String, Error> {
    let ir = lower::lower_crate(model, "iam-policy", selection)?;
    let per_op: Vec<(&str, Vec<&str>)> = ir
        .services
        .iter()
        .flat_map(|s| s.client_operations())
        .map(|o| (o.name.as_str(), o.iam_actions.iter().map(String::as_str).collect()))
        .collect();
    let table: Vec<(&str, &[&str])> = per_op.iter().map(|(n, a)| (*n, a.as_slice())).collect();
    Ok(smithy_gen_runtime::iam::policy(&[&table]))
}

/// Generate from models given as (file name, JSON text) pairs.
pub fn generate_from_sources(sources: &[(PathBuf, String)], crate_name: &str) -> Result<Vec<RenderedFile>, Error> {
    let model = Model::load_sources(sources)?;
    generate_from_model(&model, crate_name, &Selection::default())
}

/// Generate from an already loaded model, with the default packaging (the
/// runtime from the registry).
pub fn generate_from_model(model: &Model, crate_name: &str, selection: &Selection) -> Result<Vec<RenderedFile>, Error> {
    generate_packaged(model, crate_name, selection, &Packaging::default())
}

/// Generate from an already loaded model, packaged as `packaging` says.
pub fn generate_packaged(model: &Model, crate_name: &str, selection: &Selection, packaging: &Packaging) -> Result<Vec<RenderedFile>, Error> {
    let ir = phases::time(phases::Phase::Lower, || lower::lower_crate(model, crate_name, selection))?;
    render(&ir, packaging)
}

/// Emit and format every file of the crate `ir` describes, on every core
/// (`write::render_planned` times both phases).
fn render(ir: &ir::CrateIr, packaging: &Packaging) -> Result<Vec<RenderedFile>, Error> {
    write::render_planned(&emit::plan_crate(ir, packaging)).map_err(Error::Render)
}
