//! One error enum per operation (`<Op>Error`): a variant per modeled error,
//! carrying its fields and the response's metadata, then the variants every
//! operation shares (unmodeled service error, validation, transport,
//! timeout, parse), and the function that picks the variant for an error
//! response. Each is one invocation of the runtime's `operation_error!`,
//! which holds the enum's shape and impls once for every operation.

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
            // awsQuery and ec2Query give `@awsQueryError`'s code, when the error has one.
            let query_code = shape.and_then(|s| s.error.as_ref()?.query_code.clone()).filter(|_| svc.protocol.is_query());
            let code = query_code.unwrap_or_else(|| shape.and_then(|s| s.shape_id.rsplit('#').next()).unwrap_or(name).to_string());
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
    // The runtime's macro reads `x-amzn-query-error` only for an
    // `@awsQueryCompatible` rpcv2Cbor service (the JSON protocols always do).
    let protocol = match svc.protocol {
        crate::ir::Protocol::RpcV2Cbor if svc.query_compatible => ident("RpcV2CborQueryCompatible"),
        p => ident(p.variant()),
    };
    let enums = svc.client_operations().map(|op| gates::gate_items(operation_error(svc, op, &protocol), &gates::operation(svc, op)));
    quote! {
        //! Errors of each operation.
        #(#enums)*
    }
}

fn operation_error(svc: &ServiceIr, op: &OperationIr, protocol: &proc_macro2::Ident) -> TokenStream {
    let name = ident(&error_name(op));
    let op_name = &op.name;
    let variants = modeled_errors(svc, op).into_iter().map(|e| {
        let (v, t, code) = (ident(&e.variant), ident(&e.ty), e.code);
        quote!(#v(#t) = #code)
    });
    quote! {
        ::smithy_gen_runtime::error_macros::operation_error!(#name, #op_name, #protocol, { #(#variants),* });
    }
}
