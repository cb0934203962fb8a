//! Stage 4: IR → Rust source files (as token streams, formatted by `write`).
//! One module per concern: `types` (structures, unions, enums), `validators`
//! (`Validate` impls and check functions), `crate_files` (Cargo.toml, lib.rs,
//! service modules).

mod cli;
mod client;
mod crate_files;
mod docs;
mod endpoint_tests;
mod example_tests;
mod protocol_tests;
mod errors;
mod fluent;
mod gates;
mod paginators;
mod transfer;
mod protocol;
mod redaction_tests;
mod rust_type;
mod types;
mod validators;
mod waiters;

use proc_macro2::TokenStream;

use crate::ir::CrateIr;
use crate::package::{LoaderDependency, Packaging, RuntimeDependency, VENDORED_DIR};

/// One file of the generated crate, before formatting.
pub enum FileContent {
    /// Rust tokens, formatted with prettyplease by `write`.
    Rust(TokenStream),
    /// A file copied as it is, without the generated-file header (a
    /// vendored runtime's files).
    Copied(String),
    /// `Cargo.toml`.
    Toml(String),
}

pub struct EmittedFile {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    pub content: FileContent,
}

/// The runtime features a crate of `ir` turns on: those its code needs
/// (`xml`, `cbor`, `event-stream`, `transfer` for S3) and those its operations' traits ask for
/// (`checksums`, `request-compression`, `content-md5`).
pub fn runtime_features(ir: &CrateIr) -> Vec<&'static str> {
    crate_files::runtime_features(ir)
}

/// Every file of the generated crate.
pub fn emit_crate(ir: &CrateIr, packaging: &Packaging) -> Vec<EmittedFile> {
    let mut files = crate_files::crate_files(ir, packaging);
    if let RuntimeDependency::Vendored(runtime) = &packaging.runtime {
        for (path, text) in runtime {
            files.push(EmittedFile { path: format!("{VENDORED_DIR}/runtime/{path}"), content: FileContent::Copied(text.clone()) });
        }
    }
    if let LoaderDependency::Vendored(loader) = &packaging.loader {
        for (path, text) in loader {
            files.push(EmittedFile { path: format!("{VENDORED_DIR}/{path}"), content: FileContent::Copied(text.clone()) });
        }
    }
    for svc in &ir.services {
        let dir = format!("src/{}", svc.module);
        files.push(EmittedFile { path: format!("{dir}/mod.rs"), content: FileContent::Rust(crate_files::service_mod(svc)) });
        files.push(EmittedFile { path: format!("{dir}/types.rs"), content: FileContent::Rust(types::types_file(svc)) });
        files.push(EmittedFile { path: format!("{dir}/validate.rs"), content: FileContent::Rust(validators::validate_file(svc)) });
        files.push(EmittedFile { path: format!("{dir}/client.rs"), content: FileContent::Rust(client::client_file(svc)) });
        files.push(EmittedFile { path: format!("{dir}/fluent.rs"), content: FileContent::Rust(fluent::fluent_file(svc)) });
        files.push(EmittedFile { path: format!("{dir}/errors.rs"), content: FileContent::Rust(errors::errors_file(svc)) });
        files.push(EmittedFile { path: format!("{dir}/cli.rs"), content: FileContent::Rust(cli::service_cli(svc)) });
        files.push(EmittedFile {
            path: format!("{dir}/{}.rs", protocol::module_name(svc)),
            content: FileContent::Rust(protocol::protocol_file(svc)),
        });
        if let Some(tokens) = redaction_tests::redaction_tests_file(svc) {
            files.push(EmittedFile { path: format!("{dir}/redaction_tests.rs"), content: FileContent::Rust(tokens) });
        }
        if let Some(tokens) = endpoint_tests::endpoint_tests_file(svc) {
            files.push(EmittedFile { path: format!("{dir}/endpoint_tests.rs"), content: FileContent::Rust(tokens) });
        }
        if let Some(tokens) = example_tests::example_tests_file(svc) {
            files.push(EmittedFile { path: format!("{dir}/example_tests.rs"), content: FileContent::Rust(tokens) });
        }
        if let Some(tokens) = protocol_tests::protocol_tests_file(svc) {
            files.push(EmittedFile { path: format!("{dir}/protocol_tests.rs"), content: FileContent::Rust(tokens) });
        }
        if let Some(tokens) = paginators::paginators_file(svc) {
            files.push(EmittedFile { path: format!("{dir}/paginators.rs"), content: FileContent::Rust(tokens) });
        }
        if let Some(tokens) = waiters::waiters_file(svc) {
            files.push(EmittedFile { path: format!("{dir}/waiters.rs"), content: FileContent::Rust(tokens) });
        }
        if let Some(tokens) = transfer::transfer_file(svc) {
            files.push(EmittedFile { path: format!("{dir}/transfer.rs"), content: FileContent::Rust(tokens) });
        }
    }
    // Deprecated items stay usable inside the crate without warnings; users
    // of the crate see the deprecation.
    for f in &mut files {
        let Some(svc) = ir.services.iter().find(|s| f.path.starts_with(&format!("src/{}/", s.module))) else { continue };
        if let (true, FileContent::Rust(tokens)) = (svc.has_deprecated(), &mut f.content) {
            *tokens = quote::quote!(#![allow(deprecated)] #tokens);
        }
    }
    files.push(EmittedFile { path: "src/cli.rs".into(), content: FileContent::Rust(cli::crate_cli(ir)) });
    if packaging.cli_binary {
        files.push(EmittedFile { path: "src/bin/smithy-call.rs".into(), content: FileContent::Rust(cli::bin_file(ir, packaging.loader_dependency_line().is_some())) });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
