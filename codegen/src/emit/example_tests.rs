//! The model's `@examples` as tests of the generated crate
//! (`src/<service>/example_tests.rs`, compiled under `cfg(test)`): each
//! example without an error parses as its operation's input type and passes
//! `validate()`, and its output, if any, parses as the output type.

use proc_macro2::TokenStream;
use quote::quote;

use super::gates;
use super::rust_type::ident;
use crate::ir::ServiceIr;

/// Whether any example of the service gets a test.
pub fn has_example_tests(svc: &ServiceIr) -> bool {
    svc.operations.iter().flat_map(|o| &o.examples).any(|e| e.test.is_some())
}

/// The test module, or `None` when no example gets a test.
pub fn example_tests_file(svc: &ServiceIr) -> Option<TokenStream> {
    if !has_example_tests(svc) {
        return None;
    }
    let tests = svc.operations.iter().flat_map(|op| {
        let cfg = gates::cfg(&gates::operation(svc, op));
        let input_ty = ident(&op.input);
        let output_ty = ident(&op.output);
        op.examples.iter().enumerate().filter_map(move |(i, ex)| {
            let t = ex.test.as_ref()?;
            let name = ident(&format!("{}_example_{i}", op.fn_name.trim_end_matches('_')));
            let doc = format!(" `{}`: {}", op.name, ex.title.trim());
            let input = &t.input;
            let validate = t.validate.then(|| {
                quote! {
                    if let ::std::result::Result::Err(e) = input.validate() {
                        panic!("the example input is not valid: {e}");
                    }
                }
            });
            let unused = (!t.validate).then(|| quote!(let _ = input;));
            let output = t.output.as_ref().map(|o| {
                quote! {
                    let output: ::std::result::Result<super::types::#output_ty, _> = ::serde_json::from_str(#o);
                    if let ::std::result::Result::Err(e) = output {
                        panic!("the example output does not parse: {e}");
                    }
                }
            });
            Some(quote! {
                #cfg
                #[doc = #doc]
                #[test]
                fn #name() {
                    let input: super::types::#input_ty = match ::serde_json::from_str(#input) {
                        ::std::result::Result::Ok(v) => v,
                        ::std::result::Result::Err(e) => panic!("the example input does not parse: {e}"),
                    };
                    #validate
                    #unused
                    #output
                }
            })
        })
    });
    Some(quote! {
        //! The model's `@examples`: the input of each example without an error
        //! parses as its operation's input and passes `validate()`; its output,
        //! if given, parses as the operation's output.

        #(#tests)*
    })
}
