//! Doc attributes: one `#[doc]` per line so prettyplease prints `///` lines.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = ...]` lines for Markdown text (nothing for `None`).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    let lines = text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// Doc lines with an extra paragraph appended.
pub fn doc_attrs_with(text: Option<&str>, extra: &str) -> TokenStream {
    match text {
        Some(t) if !t.is_empty() => doc_attrs(Some(&format!("{t}\n\n{extra}"))),
        _ => doc_attrs(Some(extra)),
    }
}
