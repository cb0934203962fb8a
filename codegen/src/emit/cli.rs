//! The `smithy-call` tool (feature `cli`): a dispatch per service from
//! operation name to the operation's `prepare_*` and client method, the
//! crate-level dispatch by signing name, and the binary.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::signing_name;
use super::protocol::module_name;
use super::rust_type::ident;
use crate::ir::{CrateIr, ServiceIr};

pub fn service_cli(svc: &ServiceIr) -> TokenStream {
    let proto_mod = ident(module_name(svc));
    // Each arm names the service's spec and the operation, which a dry run
    // resolves the request's endpoint and headers with.
    // Operations that send events read them from `--events`; the output
    // is printed, then the events streamed back, if any.
    let arms = svc.client_operations().map(|op| {
        let name = &op.name;
        let target = quote!(args, SERVICE, #name);
        let f = ident(&super::client::input_fn(svc, op));
        let prepare = ident(&format!("prepare_{}", op.fn_name));
        let cfg = super::gates::cfg(&super::gates::operation(svc, op));
        if op.input_stream.is_some() {
            let whole = op.output_stream.is_none().then(|| quote!(, whole));
            return quote! {
                #cfg
                #name => ::smithy_gen_runtime::cli::duplex_op!(#target, #prepare, #f #whole),
            };
        }
        if op.output_stream.is_some() {
            return quote! {
                #cfg
                #name => ::smithy_gen_runtime::cli::stream_op!(#target, #prepare, #f),
            };
        }
        // A streaming blob payload: `--body @file` / `--body-out FILE`.
        let base = op.fn_name.trim_end_matches('_');
        if op.streaming_input.is_some() {
            let upload = ident(&format!("{base}_from_stream"));
            return quote! {
                #cfg
                #name => ::smithy_gen_runtime::cli::body_op!(#target, #prepare, #f, upload #upload),
            };
        }
        if let Some(field) = &op.streaming_body {
            let download = ident(&format!("{base}_stream"));
            // The payload's JSON name, left out of the printed output.
            let json = svc
                .types
                .iter()
                .find_map(|t| match t {
                    crate::ir::TypeIr::Struct(s) if s.name == op.output => s.members.iter().find(|m| &m.rust_name == field).map(|m| m.json_name.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            return quote! {
                #cfg
                #name => ::smithy_gen_runtime::cli::body_op!(#target, #prepare, #f, download #download #json),
            };
        }
        // A paginated operation: `--all-pages` pages through it.
        if let Some(p) = &op.paginated {
            let paginator = ident(&p.method);
            let what = if p.items.is_some() { quote!(items) } else { quote!(pages) };
            return quote! {
                #cfg
                #name => op!(#target, #prepare, #f, paged #paginator #what),
            };
        }
        quote! {
            #cfg
            #name => op!(#target, #prepare, #f),
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    let wait = wait_dispatch(svc);
    // S3's transfer commands (`cp`, `upload`, `download`) run its transfer manager.
    let wait = if svc.transfer {
        let cfg = super::transfer::module_cfg(svc);
        quote! {
            #cfg
            if args.copy.is_some() {
                return ::std::option::Option::Some(::smithy_gen_runtime::cli::transfer::run(args, super::Client::new).await);
            }
            #wait
        }
    } else {
        wait
    };
    let body = if arms.is_empty() {
        // Nothing the tool can call (every operation sends events).
        quote! {
            if args.iam_policy {
                return ::smithy_gen_runtime::cli::iam_policy(args, super::IAM_ACTIONS);
            }
            #wait
            ::std::option::Option::None
        }
    } else {
        quote! {
            if args.iam_policy {
                return ::smithy_gen_runtime::cli::iam_policy(args, super::IAM_ACTIONS);
            }
            #wait
            ::std::option::Option::Some(match args.operation.as_str() {
                #(#arms)*
                _ => return ::std::option::Option::None,
            })
        }
    };
    quote! {
        //! `smithy-call` dispatch for this service.

        #[allow(unused_imports)]
        use super::#proto_mod as protocol;
        #[allow(unused_imports)]
        use ::smithy_gen_runtime::cli::op;
        #[allow(unused_imports)]
        use super::client::SERVICE;

        /// Run the operation `args` names, or `None` if the service has no such operation.
        pub(crate) async fn call(args: &::smithy_gen_runtime::cli::Args) -> ::std::option::Option<::smithy_gen_runtime::cli::Outcome> {
            #body
        }
    }
}

pub fn crate_cli(ir: &CrateIr) -> TokenStream {
    // Services that are none of them AWS's (no `aws.api#service`): nothing
    // of AWS's is read (`ConfigBuilder::not_aws`), so no AWS setting can
    // fail a call.
    let main = if none_aws(ir) {
        quote! {
            /// The binary's entry point: configurations start from
            /// `Config::builder().not_aws()` (no service here is AWS's: no
            /// `AWS_*` variable or shared AWS file is read).
            pub fn main() -> ::std::process::ExitCode {
                main_with(|| ::smithy_gen_runtime::config::Config::builder().not_aws())
            }
        }
    } else {
        quote! {
            /// The binary's entry point: configurations start from `Config::builder`.
            pub fn main() -> ::std::process::ExitCode {
                main_with(::smithy_gen_runtime::config::Config::builder)
            }
        }
    };
    let arms = ir.services.iter().map(|s| {
        let name = signing_name(s);
        let m = ident(&s.module);
        let cfg = super::gates::cfg(&super::gates::service(s));
        quote!(#cfg #name => crate::#m::cli::call(args).await,)
    });
    let services = ir.services.iter().map(|s| {
        let name = signing_name(s);
        let m = ident(&s.module);
        let cfg = super::gates::cfg(&super::gates::service(s));
        quote!(#cfg (#name, crate::#m::OPERATIONS))
    });
    quote! {
        //! The `smithy-call` command-line tool:
        //! `smithy-call <service> <Operation> --input '<json>' [--endpoint URL] [--region R] [--profile P] [--dry-run]`.
        //!
        //! `<service>` is the service's SigV4 signing name; the input uses the
        //! model's member names. `--dry-run` prints the request as it would be
        //! sent (URL, every header but the signature's, body), fetching no
        //! credentials and sending nothing. Exit codes: 0 success, 1 service error,
        //! 2 invalid input or usage, 3 transport failure or timeout,
        //! 4 unparseable response.

        /// Every service by signing name, with its operations.
        pub const SERVICES: &[(&str, &[&str])] = &[#(#services),*];

        fn dispatch(args: &::smithy_gen_runtime::cli::Args) -> ::smithy_gen_runtime::transport::BoxFuture<'_, ::std::option::Option<::smithy_gen_runtime::cli::Outcome>> {
            ::std::boxed::Box::pin(async move {
                match args.service.as_str() {
                    #(#arms)*
                    _ => ::std::option::Option::None,
                }
            })
        }

        /// Run the tool on `args` (without the program name) and return what it
        /// would print and its exit code.
        pub async fn run(args: &[::std::string::String]) -> ::smithy_gen_runtime::cli::Outcome {
            ::smithy_gen_runtime::cli::run_args(args, dispatch, SERVICES, ::std::default::Default::default()).await
        }

        #main

        /// The binary's entry point, configurations starting from `base` (a
        /// builder with the STS and SSO clients for the credential chain).
        pub fn main_with(base: fn() -> ::smithy_gen_runtime::config::builder::ConfigBuilder) -> ::std::process::ExitCode {
            ::smithy_gen_runtime::cli::main(dispatch, SERVICES, ::smithy_gen_runtime::cli::BaseConfig(base))
        }
    }
}

/// Whether no service of the crate is AWS's (none has `aws.api#service`):
/// `smithy-call` then reads nothing of AWS's (`ConfigBuilder::not_aws`).
fn none_aws(ir: &CrateIr) -> bool {
    !ir.services.is_empty() && ir.services.iter().all(|s| s.sdk_id.is_none())
}

pub fn bin_file(ir: &CrateIr, with_loader: bool) -> TokenStream {
    let krate = ident(&ir.name.replace('-', "_"));
    let base = if none_aws(ir) { quote!(|| ::smithy_gen_config::builder().not_aws()) } else { quote!(::smithy_gen_config::builder) };
    if with_loader {
        quote! {
            //! `smithy-call`: see the crate's `cli` module. Configurations come from
            //! the `smithy-gen-config` loader: the credential chain of the AWS CLI,
            //! roles, web identity and IAM Identity Center included.
            fn main() -> ::std::process::ExitCode {
                #krate::cli::main_with(#base)
            }
        }
    } else {
        quote! {
            //! `smithy-call`: see the crate's `cli` module (the runtime's credential
            //! chain, without the loader's roles, web identity and SSO).
            fn main() -> ::std::process::ExitCode {
                #krate::cli::main()
            }
        }
    }
}

/// `wait <WAITER>`: an arm per waiter (under its operation's feature)
/// calling `wait_until_<waiter>_with`; nothing for a service without waiters.
fn wait_dispatch(svc: &ServiceIr) -> TokenStream {
    let mut arms = Vec::new();
    let mut names = Vec::new();
    for op in svc.client_operations() {
        for w in &op.waiters {
            let (name, waiter) = (&op.name, &w.name);
            let prepare = ident(&format!("prepare_{}", op.fn_name));
            let with = ident(&w.with_method);
            let cfg = super::gates::cfg(&super::gates::operation(svc, op));
            let allow = w.deprecated.then(|| quote!(#[allow(deprecated)]));
            arms.push(quote! {
                #cfg
                #allow
                #waiter => ::smithy_gen_runtime::cli::wait_op!(args, SERVICE, #name, #prepare, #with),
            });
            let on = match super::gates::operation(svc, op) {
                None => quote!(true),
                Some(features) => quote!(cfg!(any(#(feature = #features),*))),
            };
            names.push(quote!((#waiter, #on)));
        }
    }
    if arms.is_empty() {
        return TokenStream::new();
    }
    quote! {
        if args.operation == "wait" {
            // Each waiter, and whether this build compiles it.
            const WAITERS: &[(&str, bool)] = &[#(#names),*];
            let given = args.waiter.as_deref().unwrap_or_default();
            return ::std::option::Option::Some(match ::smithy_gen_runtime::cli::canonical_name(given, WAITERS.iter().map(|w| w.0)) {
                #(#arms)*
                _ => ::smithy_gen_runtime::cli::unknown_waiter(args, WAITERS),
            });
        }
    }
}
