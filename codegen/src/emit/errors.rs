//! One error enum per operation (`<Op>Error`): a variant per modeled error,
//! carrying its fields and the response's metadata, then the variants every
//! operation shares (unmodeled service error, validation, transport,
//! timeout, parse). Also the function that picks the variant for an error
//! response.

use proc_macro2::TokenStream;
use quote::quote;

use super::gates;

use super::rust_type::ident;
use crate::ir::{OperationIr, ServiceIr, TypeIr};

/// Variant names every operation error has; a modeled error with one of
/// these names gets an `Error` suffix.
const SHARED: &[&str] = &["Unmodeled", "Validation", "Transport", "Timeout", "Parse"];

/// A modeled error of an operation: Rust type, variant name, wire code.
pub struct ModeledError {
    pub ty: String,
    pub variant: String,
    pub code: String,
    pub retryable: bool,
}

pub fn modeled_errors(svc: &ServiceIr, op: &OperationIr) -> Vec<ModeledError> {
    op.errors
        .iter()
        .map(|name| {
            let shape = svc.types.iter().find_map(|t| match t {
                TypeIr::Struct(s) if &s.name == name => Some(s),
                _ => None,
            });
            let code = shape
                .and_then(|s| s.shape_id.rsplit('#').next())
                .unwrap_or(name)
                .to_string();
            let retryable = shape.and_then(|s| s.error.as_ref()).is_some_and(|e| e.retryable);
            let variant = if SHARED.contains(&name.as_str()) { format!("{name}Error") } else { name.clone() };
            ModeledError { ty: name.clone(), variant, code, retryable }
        })
        .collect()
}

pub fn error_name(op: &OperationIr) -> String {
    format!("{}Error", op.input.strip_suffix("Input").unwrap_or(&op.input))
}

pub fn errors_file(svc: &ServiceIr) -> TokenStream {
    let protocol = super::client::protocol_tokens(svc);
    let enums = svc.client_operations().map(|op| gates::gate_items(operation_error(svc, op, &protocol), &gates::operation(svc, op)));
    quote! {
        //! Errors of each operation.
        #(#enums)*
    }
}

fn operation_error(svc: &ServiceIr, op: &OperationIr, protocol: &TokenStream) -> TokenStream {
    let name = ident(&error_name(op));
    let errors = modeled_errors(svc, op);
    let doc = format!(" Errors of `{}`: the operation's modeled errors, then failures every operation shares.", op.name);
    let variants = errors.iter().map(|e| {
        let v = ident(&e.variant);
        let t = ident(&e.ty);
        let d = format!(" The modeled error `{}`.", e.code);
        quote!(#[doc = #d] #v(::std::boxed::Box<crate::runtime::error::Modeled<super::types::#t>>),)
    });
    let vs: Vec<_> = errors.iter().map(|e| ident(&e.variant)).collect();
    let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    let pick = if errors.is_empty() {
        quote!(Self::Unmodeled(::std::boxed::Box::new(meta)))
    } else {
        quote! {
            match meta.code.as_str() {
                #(#codes => crate::runtime::json::parse_error(response, meta).map_or_else(Self::from, |e| Self::#vs(::std::boxed::Box::new(e))),)*
                _ => Self::Unmodeled(::std::boxed::Box::new(meta)),
            }
        }
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An error response whose code is not one of the operation's modeled errors.
            Unmodeled(::std::boxed::Box<crate::runtime::error::ErrorMeta>),
            /// The input breaks the model's constraints; nothing was sent.
            Validation(crate::runtime::error::ValidationError),
            /// The request could not be sent or the response not received.
            Transport(crate::runtime::error::TransportError),
            /// The connection or the response took too long.
            Timeout(crate::runtime::error::TimeoutError),
            /// The response does not match the protocol or the model.
            Parse(::std::boxed::Box<crate::runtime::error::ParseError>),
        }

        impl #name {
            pub(crate) fn from_response(response: &crate::runtime::request::RawResponse) -> Self {
                let meta = crate::runtime::json::error_meta(#protocol, response);
                #pick
            }
        }

        crate::runtime::error::operation_error!(#name { #(#vs),* });
    }
}
