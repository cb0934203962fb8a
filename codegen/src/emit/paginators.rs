//! Paginators of one service (`src/<service>/paginators.rs`), for the
//! operations with `@paginated`: a `<op>_paginator` method on the `Client`
//! and a paginator type that calls the operation's client method once per
//! page (so validation, signing and retries apply to every page). The paging
//! rules live in the runtime's `paginate::Cursor`; this file only moves
//! tokens and items between the input and output fields the IR names.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::gates::{gate_items, operation};
use super::rust_type::{ident, value_type};
use crate::ir::{FieldStep, OperationIr, PageItemsKind, PaginationIr, ServiceIr};

/// The paginators file, or `None` when no operation of the service is paginated.
pub fn paginators_file(svc: &ServiceIr) -> Option<TokenStream> {
    let ops: Vec<(&OperationIr, &PaginationIr)> =
        svc.client_operations().filter_map(|o| o.paginated.as_ref().map(|p| (o, p))).collect();
    if ops.is_empty() {
        return None;
    }
    let items = ops.iter().map(|(op, p)| gate_items(paginator(op, p), &operation(svc, op)));
    let title = format!(
        " Paginators of {}: one per operation with `@paginated`, started by the `Client`'s `<operation>_paginator` methods.",
        svc.title
    );
    Some(quote! {
        #![doc = #title]
        //!
        //! A paginator sends the operation's input once per page, each time with the
        //! token the previous page returned, through the client's ordinary method.
        //! Paging stops after a page without a token (or with an empty one), after a
        //! page that returns the very token that was sent (see
        //! [`Cursor`](crate::runtime::paginate::Cursor)), and after an error, which is
        //! yielded once.
        #(#items)*
    })
}

/// `Option<&str>`: the output token of `output`, along `path`.
fn token_expr(path: &[FieldStep]) -> TokenStream {
    let last = path.len().saturating_sub(1);
    let mut expr = quote!(output);
    for (n, step) in path.iter().enumerate() {
        let f = ident(&step.rust_name);
        let get = if n == last || step.boxed { quote!(as_deref) } else { quote!(as_ref) };
        expr = if n == 0 { quote!(#expr.#f.#get()) } else { quote!(#expr.and_then(|v| v.#f.#get())) };
    }
    expr
}

/// `Option<T>`: the items member of `output`, moved out along `path`.
fn items_expr(path: &[FieldStep]) -> TokenStream {
    let mut expr = quote!(output);
    for (n, step) in path.iter().enumerate() {
        let f = ident(&step.rust_name);
        expr = if n == 0 { quote!(#expr.#f) } else { quote!(#expr.and_then(|v| v.#f)) };
        if step.boxed {
            expr = quote!(#expr.map(|v| *v));
        }
    }
    expr
}

fn paths(path: &[FieldStep]) -> String {
    path.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(".")
}

fn paginator(op: &OperationIr, p: &PaginationIr) -> TokenStream {
    let name = ident(&p.type_name);
    let method = ident(&p.method);
    let call = ident(&op.fn_name);
    let input = ident(&op.input);
    let output = ident(&op.output);
    let error = ident(&super::errors::error_name(op));
    let types = quote!(super::types::);
    let in_token = ident(&p.input_token.rust_name);
    let out_token = token_expr(&p.output_token);
    let (in_name, out_name) = (&p.input_token.name, paths(&p.output_token));

    let method_doc = doc_attrs(Some(&format!(
        "Pages through `{}`: returns a [`{}`] that sends `input` once per page with the previous page's `{out_name}` as `{in_name}`. Nothing is sent until the paginator is polled.",
        op.name, p.type_name
    )));
    let mut type_doc = format!(
        "Pages of `{op}`, from [`Client::{m}`](super::Client::{m}).\n\nEach page is one call of [`Client::{f}`](super::Client::{f}) with `{in_name}` set to the `{out_name}` of the page before (the first call sends the input as given). Paging ends after a page with no or an empty `{out_name}`, after a page whose `{out_name}` is the token just sent (see [`stopped_on_repeated_token`](Self::stopped_on_repeated_token)), and after an error, which is yielded once.",
        op = op.name,
        m = p.method,
        f = op.fn_name,
    );
    let item_parts = p.items.as_ref().map(|items| {
        let items_path = paths(&items.path);
        let raw = items_expr(&items.path);
        let (ty, buffer, what) = match &items.kind {
            PageItemsKind::List(e) => {
                let e = value_type(e, &types);
                (e, quote!(#raw.unwrap_or_default().into_iter()), "each element of")
            }
            PageItemsKind::Map(k, v) => {
                let (k, v) = (value_type(k, &types), value_type(v, &types));
                (
                    quote!((#k, #v)),
                    quote!(#raw.unwrap_or_default().into_iter().collect::<::std::vec::Vec<_>>().into_iter()),
                    "each `(key, value)` entry, in key order, of",
                )
            }
        };
        type_doc.push_str(&format!(
            "\n\nThe items are {what} each page's `{items_path}`; [`next_item`](Self::next_item) and [`collect_items`](Self::collect_items) go through them across pages."
        ));
        let next_doc = doc_attrs(Some(&format!(
            "The next item ({what} `{items_path}`), fetching pages as needed and skipping empty ones; `None` once the last page's items are used up.\n\nAn error is returned once and ends paging. Pages fetched here are not returned by [`next_page`](Self::next_page), which fetches the page after them."
        )));
        let collect_doc = doc_attrs(Some(
            "Every remaining item of every remaining page, or the first error.",
        ));
        let field = quote! {
            /// Items of the last page not yet returned by `next_item`.
            items: ::std::vec::IntoIter<#ty>,
        };
        let init = quote!(items: ::std::vec::Vec::new().into_iter(),);
        let methods = quote! {
            #next_doc
            pub async fn next_item(
                &mut self,
            ) -> ::std::option::Option<::std::result::Result<#ty, super::errors::#error>> {
                loop {
                    if let ::std::option::Option::Some(item) = self.items.next() {
                        return ::std::option::Option::Some(::std::result::Result::Ok(item));
                    }
                    match self.next_page().await? {
                        ::std::result::Result::Ok(output) => self.items = #buffer,
                        ::std::result::Result::Err(e) => {
                            return ::std::option::Option::Some(::std::result::Result::Err(e))
                        }
                    }
                }
            }

            #collect_doc
            pub async fn collect_items(
                mut self,
            ) -> ::std::result::Result<::std::vec::Vec<#ty>, super::errors::#error> {
                let mut all = ::std::vec::Vec::new();
                while let ::std::option::Option::Some(item) = self.next_item().await {
                    all.push(item?);
                }
                ::std::result::Result::Ok(all)
            }
        };
        (field, init, methods)
    });
    let (items_field, items_init, items_methods) = match item_parts {
        Some((f, i, m)) => (f, i, m),
        None => (TokenStream::new(), TokenStream::new(), TokenStream::new()),
    };
    let page_size = p.page_size.as_ref().map(|ps| {
        let f = ident(&ps.field.rust_name);
        let t = value_type(&ps.ty, &types);
        let doc = doc_attrs(Some(&format!(
            "Asks for at most `page_size` results per page: sets the input's `{}` (the service may return fewer).",
            ps.field.name
        )));
        quote! {
            #doc
            pub fn page_size(mut self, page_size: #t) -> Self {
                self.input.#f = ::std::option::Option::Some(page_size);
                self
            }
        }
    });
    let type_doc = doc_attrs(Some(&type_doc));
    // A deprecated operation's paginator method is deprecated with it.
    let deprecated = op.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    quote! {
        impl super::Client {
            #method_doc
            #deprecated
            pub fn #method(&self, input: super::types::#input) -> #name {
                #name {
                    client: ::std::clone::Clone::clone(self),
                    cursor: crate::runtime::paginate::Cursor::new(input.#in_token.clone()),
                    input,
                    #items_init
                }
            }
        }

        #type_doc
        #[derive(Debug)]
        #[must_use = "a paginator sends nothing until `next_page` or `next_item` is awaited"]
        pub struct #name {
            client: super::Client,
            /// The input sent with every page, with the token replaced.
            input: super::types::#input,
            cursor: crate::runtime::paginate::Cursor,
            #items_field
        }

        impl #name {
            #page_size

            /// The next page, or `None` when paging has ended (after the last page or an error).
            pub async fn next_page(
                &mut self,
            ) -> ::std::option::Option<::std::result::Result<super::types::#output, super::errors::#error>> {
                if self.cursor.is_done() {
                    return ::std::option::Option::None;
                }
                let mut input = ::std::clone::Clone::clone(&self.input);
                input.#in_token = self.cursor.token();
                match self.client.#call(input).await {
                    ::std::result::Result::Ok(output) => {
                        self.cursor.page_received(#out_token);
                        ::std::option::Option::Some(::std::result::Result::Ok(output))
                    }
                    ::std::result::Result::Err(e) => {
                        self.cursor.failed();
                        ::std::option::Option::Some(::std::result::Result::Err(e))
                    }
                }
            }

            /// Every remaining page, or the first error.
            pub async fn collect_pages(
                mut self,
            ) -> ::std::result::Result<::std::vec::Vec<super::types::#output>, super::errors::#error> {
                let mut all = ::std::vec::Vec::new();
                while let ::std::option::Option::Some(page) = self.next_page().await {
                    all.push(page?);
                }
                ::std::result::Result::Ok(all)
            }

            #items_methods

            /// Paging ended because the service returned the same token that was just
            /// sent (it would have returned the same page forever), rather than no token.
            pub fn stopped_on_repeated_token(&self) -> bool {
                self.cursor.repeated_token()
            }

            /// Pages received so far.
            pub fn pages_received(&self) -> u64 {
                self.cursor.pages()
            }
        }
    }
}
