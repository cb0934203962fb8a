//! Stage 4: IR → Rust source files (as token streams, formatted by `write`).
//! One module per concern: `types` (structures, unions, enums), `validators`
//! (`Validate` impls and check functions), `crate_files` (Cargo.toml, lib.rs,
//! service modules, the copied runtime).

mod crate_files;
mod docs;
mod rust_type;
mod types;
mod validators;

use proc_macro2::TokenStream;

use crate::ir::CrateIr;

/// One file of the generated crate, before formatting.
pub enum FileContent {
    /// Rust tokens, formatted with prettyplease by `write`.
    Rust(TokenStream),
    /// Rust source copied verbatim (the runtime).
    RustVerbatim(&'static str),
    /// `Cargo.toml`.
    Toml(String),
}

pub struct EmittedFile {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    pub content: FileContent,
}

/// Every file of the generated crate.
pub fn emit_crate(ir: &CrateIr) -> Vec<EmittedFile> {
    let mut files = crate_files::crate_files(ir);
    for svc in &ir.services {
        let dir = format!("src/{}", svc.module);
        files.push(EmittedFile { path: format!("{dir}/mod.rs"), content: FileContent::Rust(crate_files::service_mod(svc)) });
        files.push(EmittedFile { path: format!("{dir}/types.rs"), content: FileContent::Rust(types::types_file(svc)) });
        files.push(EmittedFile { path: format!("{dir}/validate.rs"), content: FileContent::Rust(validators::validate_file(svc)) });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
