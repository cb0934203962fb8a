//! awsJson1_0 / awsJson1_1: the whole input is the JSON body; the output is
//! the JSON body.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::errors::error_name;
use super::super::rust_type::ident;
use crate::ir::{OperationIr, StructIr};

/// The whole of an operation without a host prefix: one invocation of the
/// runtime's `aws_json::operation!`, which writes `prepare_*` and `parse_*`.
pub fn operation(op: &OperationIr, input: Option<&StructIr>) -> TokenStream {
    let prepare = ident(&format!("prepare_{}", op.fn_name));
    let parse = ident(&format!("parse_{}", op.fn_name));
    let name = &op.name;
    let (input_ty, output_ty, error_ty) = (ident(&op.input), ident(&op.output), ident(&error_name(op)));
    let token = input.and_then(|s| s.members.iter().find(|m| m.idempotency_token)).map(|m| {
        let f = ident(&m.rust_name);
        quote!(, token #f)
    });
    quote!(::smithy_gen_runtime::protocols::aws_json::operation!(#prepare, #parse, #name, #input_ty, #output_ty, #error_ty #token);)
}

pub fn serialize(op: &OperationIr) -> TokenStream {
    let name = &op.name;
    quote!(::smithy_gen_runtime::protocols::aws_json::request(&super::client::SERVICE, #name, input))
}

pub fn parse(_op: &OperationIr) -> TokenStream {
    quote!(::smithy_gen_runtime::protocols::json::parse_body)
}
