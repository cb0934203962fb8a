//! Tests that `@sensitive` values never show in `Debug`: for each structure
//! with sensitive string members (or that is sensitive itself), a test sets
//! them to a canary and checks the canary is absent from `{:?}` and the
//! redaction marker present (`src/<service>/redaction_tests.rs`, `cfg(test)`).

use proc_macro2::TokenStream;
use quote::quote;

use super::gates::cfg;
use super::rust_type::ident;
use crate::ir::{RType, ServiceIr, StructIr, TypeIr};

const CANARY: &str = "sensitive-canary-7f3a";

/// The members a test can fill with the canary: strings that are sensitive
/// (or all strings of a sensitive structure).
fn canary_members(s: &StructIr) -> Vec<&str> {
    s.members
        .iter()
        .filter(|m| m.ty == RType::String && !m.boxed && (s.sensitive || m.sensitive))
        .map(|m| m.rust_name.as_str())
        .collect()
}

/// The test module, or `None` when no structure has a sensitive string.
pub fn redaction_tests_file(svc: &ServiceIr) -> Option<TokenStream> {
    let tests: Vec<TokenStream> = svc
        .types
        .iter()
        .filter_map(|t| match t {
            TypeIr::Struct(s) if !canary_members(s).is_empty() => Some(s),
            _ => None,
        })
        .map(|s| {
            let ty = ident(&s.name);
            let test = ident(&format!("debug_redacts_{}", crate::naming::fn_name(&s.name)));
            let fields = canary_members(s).into_iter().map(|f| {
                let f = ident(f);
                quote!(#f: ::std::option::Option::Some(#CANARY.to_string()),)
            });
            let gate = cfg(&s.gate);
            let rest = (canary_members(s).len() < s.members.len()).then(|| quote!(..::std::default::Default::default()));
            quote! {
                #gate
                #[test]
                fn #test() {
                    let value = super::types::#ty { #(#fields)* #rest };
                    let text = format!("{value:?}");
                    assert!(!text.contains(#CANARY), "{text}");
                    assert!(text.contains("*** Sensitive Data Redacted ***"), "{text}");
                }
            }
        })
        .collect();
    if tests.is_empty() {
        return None;
    }
    Some(quote! {
        //! `@sensitive` values are redacted in `Debug`.
        #(#tests)*
    })
}
