//! `Validate` impls and check functions of one service
//! (`src/<service>/validate.rs`). Each check is a call to a small runtime
//! helper in `::smithy_gen_runtime::types::validate`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::gates::{cfg, gate_items};
use super::rust_type::{borrowed_type, ident};
use crate::ir::{Check, LengthUnit, MemberIr, RType, ServiceIr, StructIr, TypeIr, UnionIr};
use crate::ir::Bound;

pub fn validate_file(svc: &ServiceIr) -> TokenStream {
    let types = quote!(super::types::);
    // Not gated: a pattern no enabled operation uses is an unused static,
    // compiled lazily on first use and dropped by the linker.
    let patterns = svc.patterns.iter().enumerate().map(|(i, p)| {
        let name = ident(&format!("PATTERN_{i}"));
        quote! { #[allow(dead_code)] static #name: rt::Pattern = rt::Pattern::new(#p, super::super::unicode_properties::PROPERTIES); }
    });
    let mut impls = Vec::new();
    for t in &svc.types {
        match t {
            TypeIr::Struct(s) if s.validated => impls.push(gate_items(structure(s), &s.validate_gate)),
            TypeIr::Union(u) if u.validated => impls.push(gate_items(union(u), &u.validate_gate)),
            TypeIr::Enum(e) => {
                let name = ident(&e.name);
                let own = checks(&e.checks, &RType::Named(e.name.clone()), quote!(self), quote!(path));
                let unknown = if e.int {
                    quote! {
                        if let super::types::#name::Unknown(v) = self {
                            rt::enum_value(&v.to_string(), &[], path, out);
                        }
                    }
                } else {
                    quote! {
                        if let super::types::#name::Unknown(v) = self {
                            rt::enum_value(v, super::types::#name::VALUES, path, out);
                        }
                    }
                };
                let cfg = cfg(&e.gate);
                if !e.int && e.checks.is_empty() {
                    impls.push(quote!(#cfg rt::validate_enum!(#name);));
                    continue;
                }
                impls.push(quote! {
                    #cfg
                    impl rt::Validate for super::types::#name {
                        fn validate_at(&self, path: &rt::Path<'_>, out: &mut Vec<rt::Violation>) {
                            #unknown
                            #own
                        }
                    }
                });
            }
            _ => {}
        }
    }
    let fns = svc.check_fns.iter().map(|f| {
        let name = ident(&f.name);
        let ty = borrowed_type(&f.ty, &types);
        let doc = format!(" Checks of `{}`.", f.shape_id);
        let body = checks(&f.checks, &f.ty, quote!(v), quote!(path));
        let cfg = cfg(&f.gate);
        quote! {
            #cfg
            #[doc = #doc]
            fn #name(v: #ty, path: &rt::Path<'_>, out: &mut Vec<rt::Violation>) {
                #body
            }
        }
    });
    let title = format!(" Validation of {} inputs against the model's constraints.", svc.title);
    let input_fns = svc.types.iter().filter_map(|t| match t {
        TypeIr::Struct(s) if s.input_of.is_some() => {
            let name = ident(&s.name);
            let label = &s.name;
            let cfg = cfg(&s.gate);
            Some(quote! {
                #cfg
                rt::input_validate!(#name, #label);
            })
        }
        _ => None,
    });
    quote! {
        #![doc = #title]
        // Only runtime names are in scope here (model types are reached through
        // `super::types`), so the prelude's `Some`, `Vec` and `Result` are safe.
        #[allow(unused_imports)]
        use ::smithy_gen_runtime::types::validate as rt;
        #(#patterns)*
        #(#input_fns)*
        #(#impls)*
        #(#fns)*
    }
}

/// The one function a member's checks come down to, when they do: the
/// check function of its shape, or `validate_at` of a nested type.
fn single_check(m: &MemberIr) -> Option<TokenStream> {
    match m.checks.as_slice() {
        [Check::Call(name)] => {
            let f = ident(name);
            Some(quote!(#f))
        }
        [Check::Nested] => Some(quote!(rt::Validate::validate_at)),
        _ => None,
    }
}

fn structure(s: &StructIr) -> TokenStream {
    let name = ident(&s.name);
    let checked: Vec<&MemberIr> = s.members.iter().filter(|m| m.required || !m.checks.is_empty()).collect();
    // The usual case: each member is required, or checked by one function.
    if checked.iter().all(|m| m.checks.is_empty() || single_check(m).is_some()) {
        let entries = checked.iter().map(|m| {
            let f = ident(&m.rust_name);
            let wire = &m.name;
            let req = if m.required { quote!(required) } else { quote!(optional) };
            let check = single_check(m);
            quote!(#f: #wire #req #check)
        });
        return quote!(rt::validate_struct!(#name { #(#entries),* }););
    }
    let members = checked.iter().map(|m| {
        let f = ident(&m.rust_name);
        let wire = &m.name;
        let body = checks(&m.checks, &m.ty, quote!(v), quote!(&p));
        if m.required && m.checks.is_empty() {
            quote! { rt::required(&self.#f, &path.field(#wire), out); }
        } else if m.required {
            quote! {
                let p = path.field(#wire);
                if let Some(v) = rt::required(&self.#f, &p, out) { #body }
            }
        } else {
            quote! {
                if let Some(v) = &self.#f { let p = path.field(#wire); #body }
            }
        }
    });
    quote! {
        impl rt::Validate for super::types::#name {
            fn validate_at(&self, path: &rt::Path<'_>, out: &mut Vec<rt::Violation>) {
                #(#members)*
            }
        }
    }
}

fn union(u: &UnionIr) -> TokenStream {
    let name = ident(&u.name);
    let arms = u.variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let wire = &v.name;
        match &v.ty {
            None => quote!(Self::#vn => {}),
            Some(_) if v.checks.is_empty() => quote!(Self::#vn(_) => {}),
            Some(t) => {
                let body = checks(&v.checks, t, quote!(v), quote!(&p));
                quote!(Self::#vn(v) => { let p = path.field(#wire); #body })
            }
        }
    });
    quote! {
        impl rt::Validate for super::types::#name {
            fn validate_at(&self, path: &rt::Path<'_>, out: &mut Vec<rt::Violation>) {
                match self {
                    #(#arms)*
                    Self::Unknown(m) => rt::union_member(m, path, out),
                }
            }
        }
    }
}

fn opt_u64(v: Option<u64>) -> TokenStream {
    match v {
        Some(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn opt_int(b: Option<Bound>) -> TokenStream {
    match b.and_then(|b| b.int) {
        Some(n) => {
            let n = Literal::i128_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn opt_float(b: Option<Bound>) -> TokenStream {
    match b {
        Some(b) => {
            let n = Literal::f64_unsuffixed(b.float);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// Code running `list` against the value `v` (a reference) at path `p`.
fn checks(list: &[Check], ty: &RType, v: TokenStream, p: TokenStream) -> TokenStream {
    let parts = list.iter().map(|c| one_check(c, ty, &v, &p));
    quote!(#(#parts)*)
}

fn one_check(c: &Check, ty: &RType, v: &TokenStream, p: &TokenStream) -> TokenStream {
    let rt = quote!(rt);
    match c {
        Check::Length { min, max, unit } => {
            let (min, max) = (opt_u64(*min), opt_u64(*max));
            match unit {
                LengthUnit::Chars => match ty {
                    RType::Named(_) => quote!(#rt::length_str(#v.as_str(), #min, #max, #p, out);),
                    _ => quote!(#rt::length_str(#v, #min, #max, #p, out);),
                },
                LengthUnit::Items => quote!(#rt::length(#v.len(), #min, #max, #rt::LengthUnit::Items, #p, out);),
                LengthUnit::Bytes => quote!(#rt::length(#v.len(), #min, #max, #rt::LengthUnit::Bytes, #p, out);),
            }
        }
        Check::Pattern(i) => {
            let name = ident(&format!("PATTERN_{i}"));
            quote!(#name.check(#v, #p, out);)
        }
        Check::Range { min, max, float } => {
            if *float {
                let (min, max) = (opt_float(*min), opt_float(*max));
                let x = if matches!(ty, RType::Float) { quote!(f64::from(*#v)) } else { quote!(*#v) };
                quote!(#rt::range_float(#x, #min, #max, #p, out);)
            } else {
                let (min, max) = (opt_int(*min), opt_int(*max));
                let x = if matches!(ty, RType::BigInteger) { quote!(*#v) } else { quote!(i128::from(*#v)) };
                quote!(#rt::range_int(#x, #min, #max, #p, out);)
            }
        }
        Check::UniqueItems => quote!(#rt::unique_items(#v, #p, out);),
        Check::Nested => quote!(#rt::Validate::validate_at(#v, #p, out);),
        Check::Call(name) => {
            let f = ident(name);
            quote!(#f(#v, #p, out);)
        }
        Check::Each(inner) => {
            let elem = match ty {
                RType::List(e) => e.as_ref().clone(),
                other => other.clone(),
            };
            let body = match &elem {
                // A null element of a `@sparse` list has nothing to check.
                RType::Sparse(inner_ty) => {
                    let body = checks(inner, inner_ty, quote!(e), quote!(&p));
                    quote!(if let ::std::option::Option::Some(e) = e { #body })
                }
                _ => checks(inner, &elem, quote!(e), quote!(&p)),
            };
            quote! {
                for (i, e) in #v.iter().enumerate() {
                    let p = #rt::Path::index(#p, i);
                    #body
                }
            }
        }
        Check::Entries { key, value } => {
            let (kt, vt) = match ty {
                RType::Map(k, v) => (k.as_ref().clone(), v.as_ref().clone()),
                other => (RType::String, other.clone()),
            };
            let key_body = (!key.is_empty()).then(|| {
                let body = checks(key, &kt, quote!(k), quote!(&p));
                quote! { { let p = #rt::Path::map_key(#p, k.as_str()); #body } }
            });
            let value_body = (!value.is_empty()).then(|| {
                let body = match &vt {
                    RType::Sparse(inner_ty) => {
                        let body = checks(value, inner_ty, quote!(e), quote!(&p));
                        quote!(if let ::std::option::Option::Some(e) = e { #body })
                    }
                    _ => checks(value, &vt, quote!(e), quote!(&p)),
                };
                quote! { { let p = #rt::Path::key(#p, k.as_str()); #body } }
            });
            let bind_e = if value.is_empty() { quote!(_) } else { quote!(e) };
            quote! {
                for (k, #bind_e) in #v.iter() {
                    #key_body
                    #value_body
                }
            }
        }
    }
}
