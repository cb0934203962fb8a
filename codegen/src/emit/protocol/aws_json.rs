//! awsJson1_0 / awsJson1_1: the whole input is the JSON body; the output is
//! the JSON body.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::OperationIr;

pub fn serialize(op: &OperationIr) -> TokenStream {
    let name = &op.name;
    quote!(crate::runtime::aws_json::request(&super::client::SERVICE, #name, input))
}

pub fn parse(_op: &OperationIr) -> TokenStream {
    quote!(crate::runtime::json::parse_body)
}
