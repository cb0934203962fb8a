//! `#[cfg(feature = ...)]` attributes from the IR's gates (see
//! `lower::gates`), on single items or on every item of a token stream.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Gate, OperationIr, ServiceIr};

/// The `#[cfg(...)]` attribute of a gate (nothing for an ungated item).
pub fn cfg(gate: &Gate) -> TokenStream {
    match gate {
        None => TokenStream::new(),
        Some(features) if features.len() == 1 => {
            let f = &features[0];
            quote!(#[cfg(feature = #f)])
        }
        Some(features) => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

/// Put the gate's attribute on every item of `items` (structs, impls,
/// functions, macro calls), so a type and all its impls come and go together.
///
/// The items are found on the tokens (see [`split_items`]), not by parsing
/// them with `syn`: `write` parses every file once, and a second parse here
/// cost an eighth of the generator's time. What `split_items` does not
/// recognise goes through `syn` as before.
pub fn gate_items(items: TokenStream, gate: &Gate) -> TokenStream {
    if gate.is_none() {
        return items;
    }
    let attr = cfg(gate);
    let Some(split) = split_items(items.clone()) else { return gate_parsed(items, &attr) };
    let mut out = TokenStream::new();
    for item in split {
        out.extend(attr.clone());
        out.extend(item);
    }
    out
}

/// [`gate_items`] through `syn`: any item Rust has.
fn gate_parsed(items: TokenStream, attr: &TokenStream) -> TokenStream {
    let file: syn::File = match syn::parse2(items.clone()) {
        Ok(f) => f,
        // Not parseable as items: leave it to `write` to report.
        Err(_) => return items,
    };
    let gated = file.items.iter().map(|item| quote!(#attr #item));
    quote!(#(#gated)*)
}

/// The items of `tokens`, each with its outer attributes, split where each
/// ends: at its first `;` or `{ ... }` outside any group (structs, enums,
/// unions, traits, impls, functions, modules, macro calls), or, for `const`,
/// `static`, `use` and `type` (whose `;` may follow braces), at its `;`.
/// `None` for anything else (an inner attribute, a stray token, an item
/// without its end), which the caller leaves to `syn`.
fn split_items(tokens: TokenStream) -> Option<Vec<TokenStream>> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut items = Vec::new();
    let mut it = tokens.into_iter().peekable();
    while it.peek().is_some() {
        let mut item = Vec::new();
        // Outer attributes: `#` and a bracketed group.
        while matches!(it.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
            item.push(it.next()?);
            match it.next()? {
                TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => item.push(TokenTree::Group(g)),
                _ => return None,
            }
        }
        // Visibility (`pub`, `pub(crate)`), then the keyword that says how
        // the item ends: `Some(true)` at its `;` only.
        let mut semicolon_only = None;
        loop {
            let tree = it.next()?;
            match &tree {
                TokenTree::Ident(word) if semicolon_only.is_none() => {
                    if word != "pub" {
                        // `const fn` ends at its body.
                        let fn_follows = matches!(it.peek(), Some(TokenTree::Ident(n)) if n == "fn" || n == "unsafe" || n == "async");
                        let statement = word == "const" || word == "static" || word == "use" || word == "type";
                        semicolon_only = Some(statement && !fn_follows);
                    }
                    item.push(tree);
                }
                TokenTree::Group(g) if semicolon_only.is_none() && g.delimiter() == Delimiter::Parenthesis => item.push(tree),
                _ if semicolon_only.is_none() => return None,
                TokenTree::Punct(p) if p.as_char() == ';' => {
                    item.push(tree);
                    break;
                }
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace && semicolon_only == Some(false) => {
                    item.push(tree);
                    break;
                }
                _ => item.push(tree),
            }
        }
        items.push(item.into_iter().collect());
    }
    Some(items)
}

/// The gate of an operation's own items: its feature, unless it is the only
/// operation of the service (then the service module's gate is enough).
pub fn operation(svc: &ServiceIr, op: &OperationIr) -> Gate {
    (svc.operations.len() > 1).then(|| vec![op.feature.clone()])
}

/// The gate of the whole service module: any of its operations.
pub fn service(svc: &ServiceIr) -> Gate {
    let features: std::collections::BTreeSet<String> = svc.operations.iter().map(|o| o.feature.clone()).collect();
    Some(features.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The token split gates exactly the items `syn` finds.
    #[test]
    fn gating_on_tokens_is_gating_parsed_items() {
        let items = quote! {
            #[doc = " A struct."]
            #[derive(Debug)]
            pub struct A { pub x: u8 }
            pub struct B(pub u8);
            pub(crate) struct C;
            impl<T> X for A where T: Fn() -> u8 { fn f(&self) -> [u8; 2] { [0; 2] } }
            pub const D: A = A { x: 1 };
            pub const fn e() -> u8 { 1 }
            const unsafe fn g() {}
            static H: &[u8] = &[1; 3];
            use a::{b, c};
            pub type I = Vec<u8>;
            enum J { K { l: u8 }, M }
            mac!(a; b);
            mac! { a; b }
            macro_rules! n { () => {}; }
            mod o;
            mod p { fn q() {} }
            trait R { fn s(); }
        };
        let gate = Some(vec!["a".to_string(), "b".to_string()]);
        let attr = cfg(&gate);
        let split = split_items(items.clone()).map(|i| i.len());
        assert_eq!(split, Some(17));
        assert_eq!(gate_items(items.clone(), &gate).to_string(), gate_parsed(items, &attr).to_string());
        // What the split does not know goes through syn.
        assert!(split_items(quote!(#![allow(x)] struct A;)).is_none());
        assert!(split_items(quote!(struct A)).is_none());
    }
}
