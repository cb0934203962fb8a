//! restJson1's bodies (its HTTP bindings are in `rest`): the unbound input
//! members as a JSON object, structure and union payloads as JSON, and the
//! output's members read from a JSON object.

use proc_macro2::TokenStream;
use quote::quote;

/// Statements setting the JSON body of the input's unbound members
/// (`bound`: the JSON names of the members that travel elsewhere).
pub fn body(bound: &[String]) -> TokenStream {
    quote! {
        request.default_header("content-type", "application/json");
        request.set_body(::smithy_gen_runtime::protocols::rest_json::json_body(input, &[#(#bound),*])?);
    }
}

/// The bytes of a structure, union or document payload `v`.
pub fn payload_bytes() -> TokenStream {
    quote!(::smithy_gen_runtime::protocols::aws_json::to_json(v)?)
}

/// The function reading the output's body members:
/// `fn(&RawResponse) -> Result<Output, Failure>`.
pub fn parse_body() -> TokenStream {
    quote!(::smithy_gen_runtime::protocols::json::parse_body)
}
