//! awsQuery / ec2Query: the input is a form body (`Action`, `Version`, then
//! the members as query pairs); the output is read from the XML response,
//! inside `<OpResult>` (awsQuery) or directly inside `<OpResponse>` (ec2Query).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{OperationIr, Protocol, ServiceIr};

pub fn serialize(svc: &ServiceIr, op: &OperationIr) -> TokenStream {
    let name = &op.name;
    let version = svc.version.as_deref().unwrap_or_default();
    quote!(::smithy_gen_runtime::protocols::aws_query::request(&super::client::SERVICE, #name, #version, input))
}

pub fn parse(svc: &ServiceIr, op: &OperationIr) -> TokenStream {
    let wrapper = match svc.protocol {
        Protocol::Ec2Query => quote!(::std::option::Option::None),
        _ => {
            let result = format!("{}Result", op.name);
            quote!(::std::option::Option::Some(#result))
        }
    };
    quote!(|response| ::smithy_gen_runtime::protocols::aws_query::parse_output(response, #wrapper))
}
