//! Tokens for Rust types. Everything from `std` is fully qualified so a model
//! shape named `String` or `Option` cannot change what the code means.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::RType;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The type of a value of `t`, as used in fields. `types` is the path prefix
/// of the service's types module (`` for code inside it, `super::types::`
/// from a sibling).
pub fn value_type(t: &RType, types: &TokenStream) -> TokenStream {
    match t {
        RType::String => quote!(::std::string::String),
        RType::Bool => quote!(bool),
        RType::Byte => quote!(i8),
        RType::Short => quote!(i16),
        RType::Int => quote!(i32),
        RType::Long => quote!(i64),
        RType::Float => quote!(f32),
        RType::Double => quote!(f64),
        RType::BigInteger => quote!(i128),
        RType::BigDecimal => quote!(f64),
        RType::Blob => quote!(::smithy_gen_runtime::types::blob::Blob),
        RType::Timestamp => quote!(::smithy_gen_runtime::types::timestamp::Timestamp),
        RType::Document => quote!(::smithy_gen_runtime::Document),
        RType::Named(n) => {
            let n = ident(n);
            quote!(#types #n)
        }
        RType::List(e) => {
            let e = value_type(e, types);
            quote!(::std::vec::Vec<#e>)
        }
        RType::Map(k, v) => {
            let k = value_type(k, types);
            let v = value_type(v, types);
            quote!(::std::collections::BTreeMap<#k, #v>)
        }
        RType::Sparse(t) => {
            let t = value_type(t, types);
            quote!(::std::option::Option<#t>)
        }
    }
}

/// The parameter type a check function takes for a value of `t`.
pub fn borrowed_type(t: &RType, types: &TokenStream) -> TokenStream {
    match t {
        RType::String => quote!(&str),
        RType::List(e) => {
            let e = value_type(e, types);
            quote!(&[#e])
        }
        other => {
            let t = value_type(other, types);
            quote!(&#t)
        }
    }
}
