//! Crate-level files: `Cargo.toml`, `src/lib.rs` (the public face: the
//! runtime's user-facing types re-exported, the runtime version check) and
//! each service's `mod.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::ident;
use crate::ir::{CrateIr, ServiceIr};
use crate::package::{Packaging, LOADER_CRATE, RUNTIME_CRATE, RUNTIME_VERSION};

/// See [`super::runtime_features`].
pub fn runtime_features(ir: &CrateIr) -> Vec<&'static str> {
    let ops = || ir.services.iter().flat_map(|s| &s.operations);
    let xml = ir.services.iter().any(|s| s.protocol.is_xml());
    let cbor = ir.services.iter().any(|s| s.protocol == crate::ir::Protocol::RpcV2Cbor);
    let streams = ops().any(|o| o.output_stream.is_some() || o.input_stream.is_some());
    let checksums = ops().any(|o| o.checksum.is_some());
    let gzip = ops().any(|o| o.gzip);
    let md5 = ops().any(|o| o.content_md5);
    let transfer = ir.services.iter().any(|s| s.transfer);
    let http2 = ir.services.iter().any(|s| s.http2);
    let discovery = ir.services.iter().any(|s| s.endpoint_discovery.is_some());
    [
        (xml, "xml"),
        (cbor, "cbor"),
        (streams, "event-stream"),
        (checksums, "checksums"),
        (gzip, "request-compression"),
        (md5, "content-md5"),
        (transfer, "transfer"),
        (http2, "http2"),
        (discovery, "endpoint-discovery"),
    ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, f)| f)
        .collect()
}

pub(super) fn cargo_toml(ir: &CrateIr, packaging: &Packaging) -> String {
    // What the code needs is always on; what the operations' traits ask
    // for becomes a default feature of the crate the user can turn off.
    let wanted = runtime_features(ir);
    let has = |f: &str| wanted.contains(&f);
    let (gzip, md5, checksums) = (has("request-compression"), has("content-md5"), has("checksums"));
    // Event streams come with the operation features of the operations
    // that have one (see `feature_needs`): a program calling another
    // operation of the service does not build them.
    let runtime_features: Vec<&str> = wanted.iter().copied().filter(|f| ["xml", "cbor", "transfer", "http2", "endpoint-discovery"].contains(f)).collect();
    let transport = if has("http2") { "HTTP/1.1 and HTTP/2" } else { "HTTP/1.1" };
    let http2_note = if has("http2") {
        "Always on here: the protocol of a service\n# of this crate lists `h2` (`http` or `eventStreamHttp`)."
    } else {
        "Off by default: these services speak\n# HTTP/1.1 (their protocol traits do not list `h2`)."
    };
    let (cli_where, bin) = if packaging.cli_binary {
        ("", "\n[[bin]]\nname = \"smithy-call\"\npath = \"src/bin/smithy-call.rs\"\nrequired-features = [\"cli\"]\n")
    } else {
        (" (the `cli` module; another crate builds the binary)", "")
    };
    let workspace = if packaging.own_workspace { "\n# A workspace of its own.\n[workspace]\n" } else { "" };
    let loader = packaging.loader_dependency_line();
    let (cli_loader, loader_line) = match &loader {
        Some(line) => (
            format!(", \"dep:{LOADER_CRATE}\""),
            format!("# The `smithy-call` tool's configuration: the full credential chain of the AWS\n# CLI (roles, web identity, IAM Identity Center), with the `cli` feature.\n{line}\n"),
        ),
        None => (String::new(), String::new()),
    };
    let (description, publish) = match &packaging.publish {
        Some(d) => (
            d.clone(),
            format!("documentation = \"https://docs.rs/{}\"\n", ir.name) + "readme = false\nkeywords = [\"aws\", \"sdk\", \"smithy\", \"api\", \"client\"]\ncategories = [\"api-bindings\", \"network-programming\"]\n",
        ),
        None => ("Rust clients, types and validators for AWS services, generated from their Smithy models.".to_string(), "publish = false\n".to_string()),
    };
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
rust-version = "{rust_version}"
license = "Apache-2.0"
{publish}description = {description:?}

[package.metadata.docs.rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]

[features]
# Every operation of every service, and the default HTTP transport. For a
# smaller build, turn the defaults off and pick operations (see below).
default = ["default-transport"{compression_default}{md5_default}{checksums_default}{services}]
# The runtime's default HTTP transport: hyper's client ({transport}) on
# tokio, TLS by rustls (ring, Mozilla roots or AWS_CA_BUNDLE), proxies from the
# environment. Turn it off to bring your own `Transport`.
default-transport = ["{runtime}/default-transport"]
# The `smithy-call` command-line tool{cli_where}.
cli = ["default-transport", "{runtime}/cli"{cli_loader}]
# HTTP/2 in the default transport: TLS connections offer `h2` before
# `http/1.1` by ALPN. {http2_note}
http2 = ["{runtime}/http2"]
{compression}{md5}{checksums}{operations}{bin}
[dependencies]
# Everything that does not come from the model: configuration, credentials,
# SigV4, retries, transport, endpoint rules, blobs, timestamps, validation and
# protocol helpers, shared by every generated crate of a program. The exact
# version this crate was generated for.
{dependency}
{loader_line}# The serde traits, which every type implements (through the runtime's
# macros, not derives: no proc-macro build), and JSON, the wire format of
# every supported protocol (both already in the runtime's tree).
serde = "1"
serde_json = "1"
{workspace}"#,
        name = ir.name,
        rust_version = crate::package::RUST_VERSION,
        services = ir.services.iter().map(|s| format!(", {:?}", s.feature)).collect::<String>(),
        operations = operation_features(ir),
        compression = if gzip { format!("# gzip request bodies of the operations with `@requestCompression` (without it\n# they go uncompressed).\nrequest-compression = [\"{RUNTIME_CRATE}/request-compression\"]\n") } else { String::new() },
        compression_default = if gzip { ", \"request-compression\"" } else { "" },
        md5 = if md5 { format!("# `Content-MD5` on the requests of the operations with `@httpChecksumRequired`\n# (the service refuses them without it).\ncontent-md5 = [\"{RUNTIME_CRATE}/content-md5\"]\n") } else { String::new() },
        md5_default = if md5 { ", \"content-md5\"" } else { "" },
        checksums = if checksums { format!("# Flexible checksums (`x-amz-checksum-*`) on the requests of the operations with\n# `@httpChecksum`, and checked on responses when asked.\nchecksums = [\"{RUNTIME_CRATE}/checksums\"]\n") } else { String::new() },
        checksums_default = if checksums { ", \"checksums\"" } else { "" },
        runtime = RUNTIME_CRATE,
        dependency = packaging.runtime_dependency_line(&runtime_features),
    )
}

/// A feature per service (all its operations) and one per operation (its
/// types, validators, serializers, client method and error enum), or per
/// resource for a service too large for crates.io's feature limit; each line
/// of the `[features]` table.
fn operation_features(ir: &CrateIr) -> String {
    let mut out = String::new();
    for s in &ir.services {
        // Feature -> its operations, in feature order.
        let mut features: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
        for o in &s.operations {
            features.entry(o.feature.as_str()).or_default().push(o.name.as_str());
        }
        let all: Vec<String> = features.keys().map(|f| format!("{f:?}")).collect();
        out.push_str(&format!("# {}: every operation.\n{:?} = [{}]\n", s.title, s.feature, all.join(", ")));
        if s.features_by_resource {
            out.push_str(&format!(
                "# {}: one feature per resource, the operations on it (one per operation would\n# exceed crates.io's limit of {} features per crate).\n",
                s.title,
                crate::ir::MAX_FEATURES
            ));
            for (f, ops) in &features {
                out.push_str(&format!("{f:?} = [{}] # {}\n", feature_needs(s, f), ops.join(", ")));
            }
        } else {
            out.push_str(&format!("# {}: one feature per operation.\n", s.title));
            for f in features.keys() {
                out.push_str(&format!("{f:?} = [{}]\n", feature_needs(s, f)));
            }
        }
    }
    out
}

/// What an operation feature turns on beyond its own operations (quoted,
/// comma-separated, or empty): the service's endpoint discovery operation's
/// feature, when one of them uses a discovered endpoint, and the runtime's
/// `event-stream` when one of them has an event stream.
fn feature_needs(s: &crate::ir::ServiceIr, feature: &str) -> String {
    let mut needs = Vec::new();
    if let Some(discovery) = discovery_dependency(s, feature) {
        needs.push(format!("{discovery:?}"));
    }
    let ops = || s.operations.iter().filter(|o| o.feature == feature);
    if ops().any(|o| o.output_stream.is_some() || o.input_stream.is_some()) {
        needs.push(format!("\"{RUNTIME_CRATE}/event-stream\""));
    }
    needs.join(", ")
}

/// The service's endpoint discovery operation's feature, when an operation
/// of `feature` uses a discovered endpoint and it is another feature.
fn discovery_dependency<'a>(s: &'a crate::ir::ServiceIr, feature: &str) -> Option<&'a str> {
    let d = s.endpoint_discovery.as_ref()?;
    let discovery = s.operations.iter().find(|o| o.name == d.operation)?;
    let needs = s.operations.iter().any(|o| o.feature == feature && d.operations.contains_key(&o.name));
    (needs && discovery.feature != feature).then_some(discovery.feature.as_str())
}

pub(super) fn lib_rs(ir: &CrateIr) -> TokenStream {
    let mods = ir.services.iter().map(|s| {
        let m = ident(&s.module);
        let doc = format!(" {} (`{}`).", s.title, s.shape_id);
        let cfg = super::gates::cfg(&super::gates::service(s));
        quote!(#[doc = #doc] #cfg pub mod #m;)
    });
    let iam = ir.services.iter().map(|s| {
        let m = ident(&s.module);
        let cfg = super::gates::cfg(&super::gates::service(s));
        // `self::`: the crate root here, the enclosing module when a build
        // script inlines the crate into one module.
        quote!(#cfg self::#m::IAM_ACTIONS)
    });
    let list: String = ir
        .services
        .iter()
        .map(|s| format!("\n - [`{}`], {} (`{}`)", s.module, s.title, s.shape_id))
        .collect();
    let runtime = RUNTIME_CRATE;
    let transport = if ir.services.iter().any(|s| s.http2) { "HTTP/1.1 and HTTP/2" } else { "HTTP/1.1" };
    let doc = format!(
        "Clients, types and validators for AWS services, generated from their Smithy 2.0 models by smithy-gen.\n\nServices:{list}\n\nEach service module has a `Client` with one async method per operation, an error enum per operation in `errors`, and the protocol's `prepare_*` functions that build a request without sending it. Every operation has an input type with `new` (taking the required members) and `validate` (checking every constraint of the model and reporting all violations at once), and an output type that tolerates missing and unknown members.\n\nThe configuration, credentials and other types that do not come from a model are those of the runtime crate, `{runtime}`, re-exported here ([`Config`], [`Credentials`], [`Blob`], [`Timestamp`], [`Document`], the error traits): one [`Config`] serves the clients of every generated crate in a program.\n\nFeatures: `default-transport` (default; hyper's {transport} client over rustls on tokio, with proxies from the environment) `http2` (HTTP/2 by ALPN; on by default only for services whose protocol lists `h2`), `cli` (the `smithy-call` tool), and one feature per operation or resource (an event-stream operation's feature also builds the runtime's event streams)."
    );
    let transport_doc = format!(" The default transport (hyper's {transport} client over");
    let version = RUNTIME_VERSION;
    let doc_lines = doc.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! {
        #(#![doc = #doc_lines])*
        #![forbid(unsafe_code)]
        #![cfg_attr(docsrs, feature(doc_cfg))]
        // Names come from the models, which may call a member `foo`.
        #![allow(clippy::disallowed_names)]
        // Fails the build, with the reason, on a runtime this crate was not generated for.
        const _: () = ::smithy_gen_runtime::assert_compatible(#version);
        pub use ::smithy_gen_runtime::{
            Blob, BuildError, Config, ConfigBuilder, ConfigError, Credentials, Document, EndpointDiscovery, ErrorKind, ErrorMeta, Modeled,
            OperationError, Paginator, ParseError, PresignedRequest, PresigningConfig, PresigningConfigError, RetryConfig, RetryMode, Sleep, TimeoutError, Timestamp, Transport,
            TransportError, Validate, ValidationError, Violation,
        };
        /// What waiters take and return (`client.wait_until_<waiter>()…wait(max_wait)`).
        pub use ::smithy_gen_runtime::waiters::{FinalPoll, Wait, WaiterError};
        #[doc = #transport_doc]
        /// rustls on tokio), for its options: proxies, a CA bundle, extra
        /// root certificates, the connection limit per host.
        #[cfg(feature = "default-transport")]
        pub use ::smithy_gen_runtime::transport::default::{DefaultTransport, Proxies};
        /// The runtime crate, for what the crate root does not re-export.
        pub use ::smithy_gen_runtime;
        // The engine of the crate's `smithy-call` binary.
        #[cfg(feature = "cli")]
        #[doc(hidden)]
        pub mod cli;
        #[doc(hidden)]
        pub mod unicode_properties;
        #(#mods)*
        /// A least-privilege IAM policy document (JSON) for every operation
        /// compiled into this build, of every service (each service module's
        /// `IAM_ACTIONS`), on every resource (narrow `Resource` before use).
        pub fn iam_policy() -> ::std::string::String {
            ::smithy_gen_runtime::iam::policy(&[#(#iam),*])
        }
    }
}

/// The Unicode property tables the crate's patterns use (`\p{L}` ...).
pub(super) fn unicode_properties(ir: &CrateIr) -> TokenStream {
    let tables = crate::patterns::property_tables(ir.services.iter().flat_map(|s| s.patterns.iter().map(String::as_str)));
    let entries = tables.iter().map(|(name, ranges)| quote!((#name, #ranges)));
    quote! {
        //! Unicode property tables for `\p{…}` in the model's `@pattern`s, only
        //! those the patterns use (from the Unicode data of the generator's
        //! `regex-syntax`): the name as written, then the ranges as pairs of
        //! characters (first, last, first, last, ...).
        pub static PROPERTIES: &[(&str, &str)] = &[#(#entries),*];
    }
}

pub fn service_mod(svc: &ServiceIr) -> TokenStream {
    let inner_docs: Vec<TokenStream> = match &svc.docs {
        Some(_) => {
            // Module docs go inside the file as `//!` lines.
            let lines: Vec<String> = svc
                .docs
                .as_deref()
                .unwrap_or_default()
                .lines()
                .map(|l| if l.is_empty() { String::new() } else { format!(" {l}") })
                .collect();
            lines.iter().map(|l| quote!(#![doc = #l])).collect()
        }
        None => Vec::new(),
    };
    let protocol = svc.protocol.smithy_name();
    let shape_id = &svc.shape_id;
    let target = &svc.target_prefix;
    let opt = |v: &Option<String>| match v {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    };
    let signing = opt(&svc.sigv4_name);
    let prefix = opt(&svc.endpoint_prefix);
    let version = opt(&svc.version);
    let ops = svc.client_operations().map(|o| {
        let (name, cfg) = (&o.name, super::gates::cfg(&super::gates::operation(svc, o)));
        quote!(#cfg #name)
    });
    let iam: Vec<TokenStream> = svc
        .client_operations()
        .map(|o| {
            let (name, actions, cfg) = (&o.name, &o.iam_actions, super::gates::cfg(&super::gates::operation(svc, o)));
            quote!(#cfg (#name, &[#(#actions),*]))
        })
        .collect();
    let proto_mod = ident(super::protocol::module_name(svc));
    let redaction_tests = super::redaction_tests::redaction_tests_file(svc).map(|_| quote!(#[cfg(test)] mod redaction_tests;));
    let endpoint_tests = (!svc.endpoint_tests.is_empty() && svc.endpoint_rules.is_some()).then(|| quote!(#[cfg(test)] mod endpoint_tests;));
    let example_tests = super::example_tests::has_example_tests(svc).then(|| quote!(#[cfg(test)] mod example_tests;));
    let protocol_tests = super::protocol_tests::has_protocol_tests(svc).then(|| quote!(#[cfg(test)] mod protocol_tests;));
    let paginators = svc.client_operations().any(|o| o.paginated.is_some()).then(|| quote!(pub mod paginators;));
    let waiters = super::waiters::has_waiters(svc).then(|| quote!(pub mod waiters;));
    let transfer = svc.transfer.then(|| {
        let cfg = super::transfer::module_cfg(svc);
        quote!(#cfg pub mod transfer;)
    });
    quote! {
        #(#inner_docs)*
        pub mod types;
        mod validate;
        pub mod errors;
        mod client;
        pub mod fluent;
        // The request writers and response readers the client calls
        // (public for fuzzing and wire tests, not part of the API).
        #[doc(hidden)]
        pub mod #proto_mod;
        #paginators
        #waiters
        #transfer
        #[cfg(feature = "cli")]
        pub(crate) mod cli;
        #endpoint_tests
        #redaction_tests
        #example_tests
        #protocol_tests

        pub use client::Client;

        /// The service's shape id in the model.
        pub const SHAPE_ID: &str = #shape_id;
        /// The service's protocol (`aws.protocols#...`).
        pub const PROTOCOL: &str = #protocol;
        /// The SigV4 signing name (`aws.auth#sigv4`).
        pub const SIGNING_NAME: ::std::option::Option<&str> = #signing;
        /// The endpoint prefix (`aws.api#service`).
        pub const ENDPOINT_PREFIX: ::std::option::Option<&str> = #prefix;
        /// The API version.
        pub const API_VERSION: ::std::option::Option<&str> = #version;
        /// The `X-Amz-Target` prefix for awsJson protocols (the service shape's name).
        #[doc(hidden)]
        pub const TARGET_PREFIX: &str = #target;
        /// Every operation the client can call, by its name in the model.
        pub const OPERATIONS: &[&str] = &[#(#ops),*];
        /// The IAM actions each operation compiled into this build needs
        /// (from the model's `aws.iam#iamAction`, else named after the
        /// operation), by operation name.
        pub const IAM_ACTIONS: &[(&str, &[&str])] = &[#(#iam),*];
        /// A least-privilege IAM policy document (JSON) for the operations
        /// compiled into this build: every action of [`IAM_ACTIONS`], on
        /// every resource (narrow `Resource` before use).
        pub fn iam_policy() -> ::std::string::String {
            ::smithy_gen_runtime::iam::policy(&[IAM_ACTIONS])
        }
    }
}
