//! The model's `smithy.rules#endpointTests` as tests of the generated crate
//! (`src/<service>/endpoint_tests.rs`, compiled under `cfg(test)`): each
//! case resolves its parameters with the service's rule set and checks the
//! URL, headers and properties, or the error message.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type::ident;
use crate::ir::{EndpointExpect, EndpointParam, ServiceIr};

/// The test module, or `None` when the model has no endpoint tests.
pub fn endpoint_tests_file(svc: &ServiceIr) -> Option<TokenStream> {
    if svc.endpoint_tests.is_empty() || svc.endpoint_rules.is_none() {
        return None;
    }
    let width = svc.endpoint_tests.len().to_string().len();
    let cases = svc.endpoint_tests.iter().enumerate().map(|(i, case)| {
        let name = ident(&format!("case_{i:0width$}"));
        let doc = format!(" {}", if case.docs.is_empty() { "(no documentation)" } else { &case.docs });
        let params = case.params.iter().map(|p| match p {
            EndpointParam::String(n, v) => quote!(.string(#n, #v)),
            EndpointParam::Bool(n, v) => quote!(.boolean(#n, #v)),
            EndpointParam::StringArray(n, v) => quote!(.string_array(#n, [#(#v),*])),
        });
        let check = match &case.expect {
            EndpointExpect::Error(msg) => quote!(expect_error(got, #msg);),
            EndpointExpect::Endpoint { url, headers, properties } => {
                let headers = headers.iter().map(|(k, vs)| quote!((#k, &[#(#vs),*][..])));
                let properties = properties.as_deref().unwrap_or("{}");
                quote!(expect_endpoint(got, #url, &[#(#headers),*], #properties);)
            }
        };
        quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                let got = resolve(::smithy_gen_runtime::endpoints::Params::new() #(#params)*);
                #check
            }
        }
    });
    Some(quote! {
        //! The model's `smithy.rules#endpointTests`, one test per case.

        use ::smithy_gen_runtime::endpoints::test_support::{expect_endpoint, expect_error};
        use ::smithy_gen_runtime::endpoints::{Endpoint, EndpointError, Params};

        fn resolve(params: Params) -> ::std::result::Result<Endpoint, EndpointError> {
            ::smithy_gen_runtime::endpoints::test_support::resolve(super::client::SERVICE.endpoint_rules, params)
        }

        #(#cases)*
    })
}
