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

use crate::ir::{CrateIr, ServiceIr};
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
/// (`xml`, `cbor`, `transfer` for S3, `http2` when a protocol trait lists `h2`,
/// `endpoint-discovery` for `@aws.api#clientEndpointDiscovery`) and those its
/// operations' traits ask for (`checksums`, `request-compression`, `content-md5`); `event-stream`
/// is turned on by the features of the operations that have an event stream, not here.
pub fn runtime_features(ir: &CrateIr) -> Vec<&'static str> {
    crate_files::runtime_features(ir)
}

/// Every file of the generated crate.
pub fn emit_crate(ir: &CrateIr, packaging: &Packaging) -> Vec<EmittedFile> {
    plan_crate(ir, packaging).into_iter().filter_map(|job| Some(EmittedFile { content: job.emit()?, path: job.path })).collect()
}

/// How one file's tokens are built: on the thread that formats them (token
/// streams cannot cross threads), from the IR, which can. `None`: the crate
/// has no such file (a service without paginators has no `paginators.rs`).
type MakeTokens<'a> = Box<dyn Fn() -> Option<TokenStream> + Send + Sync + 'a>;

/// One file of the generated crate, not emitted yet (see [`plan_crate`]).
pub struct FileJob<'a> {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    content: Planned<'a>,
}

enum Planned<'a> {
    Copied(String),
    Toml(String),
    /// Rust, in parts of whole items: the parts formatted one by one and
    /// put end to end are the file formatted whole (prettyplease puts
    /// nothing between top-level items), so they can be formatted on
    /// different threads.
    Rust(Vec<MakeTokens<'a>>),
}

impl FileJob<'_> {
    /// The file's content (its tokens built now), or `None` if the crate
    /// has no such file after all.
    pub fn emit(&self) -> Option<FileContent> {
        Some(match &self.content {
            Planned::Rust(parts) => FileContent::Rust(parts.iter().map(|make| make()).collect::<Option<TokenStream>>()?),
            _ => self.emit_part(0)?,
        })
    }

    /// How many parts the file is emitted in (see [`FileJob::emit_part`]).
    pub fn parts(&self) -> usize {
        match &self.content {
            Planned::Rust(parts) => parts.len(),
            _ => 1,
        }
    }

    /// One part of the file: the Rust files that are most of a crate come
    /// in parts of whole items, which format to the file's text put end to
    /// end; other files in one part.
    pub fn emit_part(&self, part: usize) -> Option<FileContent> {
        Some(match &self.content {
            Planned::Copied(t) => FileContent::Copied(t.clone()),
            Planned::Toml(t) => FileContent::Toml(t.clone()),
            Planned::Rust(parts) => FileContent::Rust(parts.get(part)?()?),
        })
    }

    /// A guess at how long the file takes to emit and format, to start the
    /// long ones first when files are formatted in parallel: a service's
    /// types are most of a crate.
    pub fn weight(&self) -> u8 {
        match self.path.rsplit('/').next().unwrap_or_default() {
            "types.rs" => 0,
            "validate.rs" | "fluent.rs" | "client.rs" => 1,
            _ => 2,
        }
    }
}

/// Every file of the generated crate, sorted by path, each to be emitted by
/// [`FileJob::emit`] (on any thread: a plan is `Sync`).
pub fn plan_crate<'a>(ir: &'a CrateIr, packaging: &'a Packaging) -> Vec<FileJob<'a>> {
    let copied = |path: String, text: &String| FileJob { path, content: Planned::Copied(text.clone()) };
    let mut files: Vec<FileJob<'a>> = vec![
        FileJob { path: "Cargo.toml".into(), content: Planned::Toml(crate_files::cargo_toml(ir, packaging)) },
        FileJob { path: "src/lib.rs".into(), content: Planned::Rust(vec![Box::new(move || Some(crate_files::lib_rs(ir)))]) },
        FileJob {
            path: "src/unicode_properties.rs".into(),
            content: Planned::Rust(vec![Box::new(move || Some(crate_files::unicode_properties(ir)))]),
        },
    ];
    if let RuntimeDependency::Vendored(runtime) = &packaging.runtime {
        for (path, t) in runtime {
            files.push(copied(format!("{VENDORED_DIR}/runtime/{path}"), t));
        }
    }
    if let LoaderDependency::Vendored(loader) = &packaging.loader {
        for (path, t) in loader {
            files.push(copied(format!("{VENDORED_DIR}/{path}"), t));
        }
    }
    for svc in &ir.services {
        let dir = format!("src/{}", svc.module);
        // Deprecated items stay usable inside the crate without warnings;
        // users of the crate see the deprecation.
        let deprecated = svc.has_deprecated();
        let parts = |name: String, mut parts: Vec<MakeTokens<'a>>| {
            if deprecated && !parts.is_empty() {
                let first = parts.remove(0);
                parts.insert(
                    0,
                    Box::new(move || {
                        let tokens = first()?;
                        Some(quote::quote!(#![allow(deprecated)] #tokens))
                    }),
                );
            }
            FileJob { path: format!("{dir}/{name}"), content: Planned::Rust(parts) }
        };
        let rust = |name: String, make: MakeTokens<'a>| parts(name, vec![make]);
        files.push(rust("mod.rs".into(), Box::new(move || Some(crate_files::service_mod(svc)))));
        let types = (0..types::types_parts(svc)).map(|part| -> MakeTokens<'a> { Box::new(move || Some(types::types_part(svc, part))) });
        files.push(parts("types.rs".into(), types.collect()));
        files.push(rust("validate.rs".into(), Box::new(move || Some(validators::validate_file(svc)))));
        files.push(rust("client.rs".into(), Box::new(move || Some(client::client_file(svc)))));
        files.push(rust("fluent.rs".into(), Box::new(move || Some(fluent::fluent_file(svc)))));
        files.push(rust("errors.rs".into(), Box::new(move || Some(errors::errors_file(svc)))));
        files.push(rust("cli.rs".into(), Box::new(move || Some(cli::service_cli(svc)))));
        files.push(rust(format!("{}.rs", protocol::module_name(svc)), Box::new(move || Some(protocol::protocol_file(svc)))));
        // The files a service may not have: `None` when it has not.
        type Optional = fn(&ServiceIr) -> Option<TokenStream>;
        let optional: [(&str, Optional); 7] = [
            ("redaction_tests.rs", redaction_tests::redaction_tests_file),
            ("endpoint_tests.rs", endpoint_tests::endpoint_tests_file),
            ("example_tests.rs", example_tests::example_tests_file),
            ("protocol_tests.rs", protocol_tests::protocol_tests_file),
            ("paginators.rs", paginators::paginators_file),
            ("waiters.rs", waiters::waiters_file),
            ("transfer.rs", transfer::transfer_file),
        ];
        for (name, make) in optional {
            files.push(rust(name.into(), Box::new(move || make(svc))));
        }
    }
    files.push(FileJob { path: "src/cli.rs".into(), content: Planned::Rust(vec![Box::new(move || Some(cli::crate_cli(ir)))]) });
    if packaging.cli_binary {
        let loader = packaging.loader_dependency_line().is_some();
        files.push(FileJob { path: "src/bin/smithy-call.rs".into(), content: Planned::Rust(vec![Box::new(move || Some(cli::bin_file(ir, loader)))]) });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
