//! rpcv2Cbor: the whole input is the CBOR body (none for a `Unit` input),
//! sent to `/service/<Service>/operation/<Operation>`; the output is the
//! CBOR body.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::rust_type::ident;
use crate::ir::OperationIr;

/// The request: `input` serialized, or no body when the operation's input is `Unit`.
pub fn serialize(op: &OperationIr) -> TokenStream {
    let name = &op.name;
    // An output event stream is accepted as such.
    let request = if op.output_stream.is_some() { quote!(event_stream_request) } else { quote!(request) };
    if op.unit_input {
        // The input type is empty: nothing of it is sent.
        let ty = ident(&op.input);
        return quote!({
            let _: &types::#ty = input;
            ::smithy_gen_runtime::protocols::rpc_v2_cbor::#request::<()>(&super::client::SERVICE, #name, ::std::option::Option::None)
        });
    }
    quote!(::smithy_gen_runtime::protocols::rpc_v2_cbor::#request(&super::client::SERVICE, #name, ::std::option::Option::Some(input)))
}

pub fn parse(_op: &OperationIr) -> TokenStream {
    quote!(::smithy_gen_runtime::protocols::rpc_v2_cbor::parse_body)
}
