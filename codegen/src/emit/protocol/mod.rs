//! Protocol serializers and parsers, one file per protocol: `aws_json`
//! (awsJson1_0 and awsJson1_1), `rest_json` (restJson1), `rest_xml`,
//! `aws_query` (awsQuery, ec2Query) and `rpc_v2_cbor` (rpcv2Cbor). Each service gets
//! one generated module named after its protocol, with per operation:
//! `prepare_<op>` (fill the idempotency token, validate, serialize) and
//! `parse_<op>` (a response into the output or the operation's error).

mod aws_json;
mod aws_query;
mod event_stream;
mod rest;
mod rest_json;
mod rest_xml;
mod rpc_v2_cbor;

use proc_macro2::TokenStream;
use quote::quote;

use super::errors::error_name;
use super::rust_type::ident;
use crate::ir::{EndpointParamIr, HostSegment, OperationIr, RequestCustomization, ServiceIr, StructIr, TypeIr};
use crate::ir::Protocol;

/// The generated module's name for a service's protocol.
pub fn module_name(svc: &ServiceIr) -> &'static str {
    match svc.protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => "aws_json",
        Protocol::RestJson1 => "rest_json",
        Protocol::RestXml => "rest_xml",
        Protocol::AwsQuery | Protocol::Ec2Query => "aws_query",
        Protocol::RpcV2Cbor => "rpc_v2_cbor",
    }
}

pub fn protocol_file(svc: &ServiceIr) -> TokenStream {
    let ops = svc.client_operations().map(|op| {
        let input = find_struct(svc, &op.input);
        let output = find_struct(svc, &op.output);
        let gate = super::gates::operation(svc, op);
        let stream = op.output_stream.as_ref().map(|s| super::gates::gate_items(event_stream::functions(op, s), &gate));
        if matches!(svc.protocol, Protocol::AwsJson1_0 | Protocol::AwsJson1_1)
            && op.host_prefix.is_none()
            && op.customizations.is_empty()
            && !op.gzip
            && !op.content_md5
            && op.endpoint_params.is_empty()
            && op.checksum.is_none()
            && !op.sensitive_body
        {
            let items = super::gates::gate_items(aws_json::operation(op, input), &gate);
            return quote!(#items #stream);
        }
        let (serialize, parse) = match svc.protocol {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => (Serialize::Expr(aws_json::serialize(op)), aws_json::parse(op)),
            Protocol::RestJson1 | Protocol::RestXml => {
                let serialize = match rest::serialize(svc, op, input, output) {
                    Some(statements) => Serialize::Statements(statements),
                    None => Serialize::Expr(rest::no_binding()),
                };
                let parse = if op.unwrapped_output {
                    let parse = rest_xml::parse_unwrapped(&op.output, output);
                    quote!(|response| { #parse })
                } else {
                    rest::parse(svc, &op.output, output)
                };
                (serialize, parse)
            }
            Protocol::AwsQuery | Protocol::Ec2Query => (Serialize::Expr(aws_query::serialize(svc, op)), aws_query::parse(svc, op)),
            Protocol::RpcV2Cbor => (Serialize::Expr(rpc_v2_cbor::serialize(op)), rpc_v2_cbor::parse(op)),
        };
        let items = super::gates::gate_items(operation(op, input, serialize, parse), &gate);
        quote!(#items #stream)
    });
    // Input streams: how each event is written as a message.
    let marshals = svc.operations.iter().filter_map(|op| {
        let stream = op.input_stream.as_ref()?;
        Some(super::gates::gate_items(event_stream::marshal(svc, op, stream), &super::gates::operation(svc, op)))
    });
    // How each error structure reads its header-bound members (restJson1;
    // nothing elsewhere), with the structure's own gate.
    let error_headers = svc.types.iter().filter_map(|t| match t {
        TypeIr::Struct(s) if s.error.is_some() => Some(s),
        _ => None,
    }).map(|s| {
        let name = ident(&s.name);
        let cfg = super::gates::cfg(&s.gate);
        match svc.protocol.is_rest().then(|| rest::error_header_reads(s)).flatten() {
            None => quote!(#cfg impl ::smithy_gen_runtime::error::ErrorHeaders for types::#name {}),
            Some(reads) => quote! {
                #cfg
                impl ::smithy_gen_runtime::error::ErrorHeaders for types::#name {
                    fn read_headers(&mut self, response: &RawResponse) {
                        #reads
                    }
                }
            },
        }
    });
    let doc = svc.protocol.smithy_name();
    let doc = format!(" Requests and responses of each operation in {doc}. `prepare_*` builds the request an operation would send, without sending it.");
    quote! {
        #![doc = #doc]
        // Model types are reached through `types::`, so the prelude's names
        // and these imports cannot clash with a shape's name.
        #[allow(unused_imports)]
        use super::{errors, types};
        #[allow(unused_imports)]
        use ::smithy_gen_runtime::error::{output, Failure};
        #[allow(unused_imports)]
        use ::smithy_gen_runtime::request::{PreparedRequest, RawResponse};
        #(#ops)*
        #(#marshals)*
        #(#error_headers)*
    }
}

/// For an input with an `@idempotencyToken` member: `mut` for the `input`
/// binding, and the statement setting the token from `source` when unset.
/// Nothing for other inputs.
pub fn token_fill(input: Option<&StructIr>, source: TokenStream) -> (TokenStream, TokenStream) {
    match input.and_then(|s| s.members.iter().find(|m| m.idempotency_token)) {
        Some(m) => {
            let f = ident(&m.rust_name);
            (
                quote!(mut),
                quote! {
                    if input.#f.is_none() {
                        input.#f = ::std::option::Option::Some(#source);
                    }
                },
            )
        }
        None => (quote!(), quote!()),
    }
}

pub fn find_struct<'a>(svc: &'a ServiceIr, name: &str) -> Option<&'a StructIr> {
    svc.types.iter().find_map(|t| match t {
        TypeIr::Struct(s) if s.name == name => Some(s),
        _ => None,
    })
}

/// What a protocol's serializer gives `operation`, reading `input: &Input`.
enum Serialize {
    /// An expression: `Result<PreparedRequest, Failure>`.
    Expr(TokenStream),
    /// Statements declaring `mut request`, a `PreparedRequest`; a failure
    /// returns with `?` (the operation's error is `From<Failure>`).
    Statements(TokenStream),
}

/// `prepare_<op>` and `parse_<op>` around the protocol's `serialize` body
/// and `parse` function (a path or closure from a successful `response` to
/// `Result<Output, Failure>`).
fn operation(op: &OperationIr, input: Option<&StructIr>, serialize: Serialize, parse: TokenStream) -> TokenStream {
    let input_ty = ident(&op.input);
    let output_ty = ident(&op.output);
    let error_ty = ident(&error_name(op));
    let prepare = ident(&format!("prepare_{}", op.fn_name));
    let parse_fn = ident(&format!("parse_{}", op.fn_name));
    let (mutability, fill) = token_fill(input, quote!(::smithy_gen_runtime::idempotency::token()));
    // What the request gets after serialization: the host prefix, service
    // customisations, compression and checksum flags.
    let mut after = Vec::new();
    if let Some(segments) = &op.host_prefix {
        let type_name = &op.input;
        let parts = segments.iter().map(|s| match s {
            HostSegment::Literal(text) => match text.chars().collect::<Vec<_>>()[..] {
                [c] => quote!(prefix.push(#c);),
                _ => quote!(prefix.push_str(#text);),
            },
            HostSegment::Label { member, field } => {
                let f = ident(field);
                quote!(prefix.push_str(::smithy_gen_runtime::protocols::host_prefix::host_label(&input.#f, #member, #type_name)?);)
            }
        });
        after.push(quote! {
            let mut prefix = ::std::string::String::new();
            #(#parts)*
            request.host_prefix = ::std::option::Option::Some(prefix);
        });
    }
    for c in &op.customizations {
        match c {
            RequestCustomization::LabelDefault { .. } | RequestCustomization::S3BucketInEndpoint => {}
            RequestCustomization::S3ErrorsInSuccess => after.push(quote!(request.error_in_success = true;)),
            RequestCustomization::GlacierChecksums => {
                after.push(quote!(::smithy_gen_runtime::protocols::customizations::glacier_checksums(&mut request);));
            }
            RequestCustomization::EndpointFromMember { field } => {
                let f = ident(field);
                after.push(quote!(request.endpoint = ::std::clone::Clone::clone(&input.#f);));
            }
        }
    }
    // The endpoint parameters as one `endpoint_params!` table.
    let params = op.endpoint_params.iter().map(|p| match p {
        EndpointParamIr::StaticBool { name, value } => quote!(bool(#name #value)),
        EndpointParamIr::StaticString { name, value } => quote!(string(#name #value)),
        EndpointParamIr::Member { name, field, is_enum } => {
            let f = ident(field);
            if *is_enum { quote!(enum(#name #f)) } else { quote!(str(#name #f)) }
        }
        EndpointParamIr::BoolMember { name, field } => {
            let f = ident(field);
            quote!(flag(#name #f))
        }
    });
    if !op.endpoint_params.is_empty() {
        after.push(quote!(::smithy_gen_runtime::protocols::endpoint_params::endpoint_params!(request, input [#(#params),*]);));
    }
    if let Some(c) = &op.checksum {
        let required = c.required;
        let algorithm = match &c.algorithm_field {
            Some(f) => {
                let f = ident(f);
                quote!(input.#f.as_ref().map(|v| ::smithy_gen_runtime::types::enums::EnumText::to_text(v).into_owned()))
            }
            None => quote!(::std::option::Option::None),
        };
        // A request checksum where the operation takes one (it names an
        // algorithm member) or requires one; an operation with only
        // `requestValidationModeMember` (S3 `GetObject`) sends none, as the
        // AWS SDKs do.
        if c.algorithm_field.is_some() || c.required {
            after.push(quote! {
                request.checksum = ::std::option::Option::Some(::smithy_gen_runtime::request::RequestChecksum { algorithm: #algorithm, required: #required });
            });
        }
        if let Some(f) = &c.validation_field {
            let f = ident(f);
            after.push(quote! {
                request.validate_response_checksum = input.#f.as_ref().is_some_and(|v| ::smithy_gen_runtime::types::enums::EnumText::to_text(v) == "ENABLED");
            });
        }
    }
    if op.gzip {
        after.push(quote!(request.gzip = true;));
    }
    if op.content_md5 {
        after.push(quote!(request.content_md5 = true;));
    }
    if op.unsigned {
        after.push(quote!(request.unsigned = true;));
    } else if op.auth != [crate::ir::AuthIr::SigV4] {
        // SigV4 alone is the runtime's default (`auth: None`).
        let options = op.auth.iter().map(auth_option);
        after.push(quote!(request.auth = ::std::option::Option::Some(&[#(#options),*]);));
    }
    if op.optional_auth && !op.unsigned {
        after.push(quote!(request.optional_auth = true;));
    }
    let parse = if op.sensitive_body {
        after.push(quote!(request.sensitive = true;));
        quote!(::smithy_gen_runtime::error::withhold_body(#parse))
    } else {
        parse
    };
    let body = match serialize {
        Serialize::Statements(statements) => quote! {
            #statements
            #(#after)*
            Ok(request)
        },
        Serialize::Expr(e) if after.is_empty() => quote! {
            let request: Result<PreparedRequest, Failure> = #e;
            Ok(request?)
        },
        Serialize::Expr(e) => quote! {
            let request: Result<PreparedRequest, Failure> = #e;
            let mut request = request?;
            #(#after)*
            Ok(request)
        },
    };
    let output_fn = if op.customizations.contains(&RequestCustomization::S3ErrorsInSuccess) {
        quote!(::smithy_gen_runtime::protocols::rest_xml::output_or_error_document)
    } else {
        quote!(output)
    };
    let doc = format!(
        " The request `{}` sends for `input`: the idempotency token filled in if unset, the input checked when `validate` is true, then serialized.",
        op.name
    );
    let parse_doc = format!(
        " What a response to `{}` means: its output, or the operation's error (modeled, unmodeled, or the body failing to parse).",
        op.name
    );
    quote! {
        #[doc = #doc]
        pub fn #prepare(#mutability input: types::#input_ty, validate: bool) -> Result<PreparedRequest, errors::#error_ty> {
            #fill
            if validate {
                input.validate().map_err(Failure::Validation)?;
            }
            let input = &input;
            #body
        }

        #[doc = #parse_doc]
        pub fn #parse_fn(response: &RawResponse) -> Result<types::#output_ty, errors::#error_ty> {
            #output_fn(response, errors::#error_ty::from_response, #parse)
        }
    }
}


/// An auth scheme as the runtime's `AuthOption`.
fn auth_option(a: &crate::ir::AuthIr) -> TokenStream {
    use crate::ir::AuthIr;
    match a {
        AuthIr::SigV4 => quote!(::smithy_gen_runtime::auth::AuthOption::SigV4),
        AuthIr::Bearer => quote!(::smithy_gen_runtime::auth::AuthOption::Bearer),
        AuthIr::Basic => quote!(::smithy_gen_runtime::auth::AuthOption::Basic),
        AuthIr::ApiKey { name, in_header, scheme } => {
            let location = if *in_header { quote!(Header) } else { quote!(Query) };
            let scheme = match scheme {
                Some(s) => quote!(::std::option::Option::Some(#s)),
                None => quote!(::std::option::Option::None),
            };
            quote!(::smithy_gen_runtime::auth::AuthOption::ApiKey { name: #name, location: ::smithy_gen_runtime::auth::ApiKeyLocation::#location, scheme: #scheme })
        }
        AuthIr::Unsupported(id) => quote!(::smithy_gen_runtime::auth::AuthOption::Unsupported(#id)),
    }
}
