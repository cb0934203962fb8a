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
    let items = ops.iter().map(|(op, p)| gate_items(paginator(svc, op, p), &operation(svc, op)));
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
        //! [`Cursor`](::smithy_gen_runtime::paginate::Cursor)), and after an error, which is
        //! yielded once.

        // Model types are reached through `types::`, so the prelude's names
        // and these imports cannot clash with a shape's name.
        #[allow(unused_imports)]
        use super::{errors, types};
        #(#items)*
    })
}

/// `Option<&Token>`: the output token of `output`, along `path`.
fn token_expr(path: &[FieldStep]) -> TokenStream {
    let mut expr = quote!(output);
    for (n, step) in path.iter().enumerate() {
        let f = ident(&step.rust_name);
        let get = if step.boxed { quote!(as_deref) } else { quote!(as_ref) };
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

fn paginator(svc: &ServiceIr, op: &OperationIr, p: &PaginationIr) -> TokenStream {
    let name = ident(&p.type_name);
    let marker = ident(&format!("{}Pages", p.type_name.strip_suffix("Paginator").unwrap_or(&p.type_name)));
    let method = ident(&p.method);
    let with = super::client::input_fn(svc, op);
    let call = ident(&with);
    let input = ident(&op.input);
    let output = ident(&op.output);
    let error = ident(&super::errors::error_name(op));
    let types = quote!(types::);
    let in_token = ident(&p.input_token.rust_name);
    let out_token = token_expr(&p.output_token);
    let token_ty = value_type(&p.token_ty, &types);
    let (in_name, out_name) = (&p.input_token.name, paths(&p.output_token));

    let method_doc = doc_attrs(Some(&format!(
        "Pages through `{}`: returns a [`{}`] that sends `input` once per page with the previous page's `{out_name}` as `{in_name}`. Nothing is sent until the paginator is polled.",
        op.name, p.type_name
    )));
    let mut type_doc = format!(
        "Pages of `{op}`, from [`Client::{m}`](super::Client::{m}): each page is one call of [`Client::{f}`](super::Client::{f}) with `{in_name}` set to the `{out_name}` of the page before (the first call sends the input as given). See [`Paginator`](::smithy_gen_runtime::paginate::Paginator) for the methods and when paging ends.",
        op = op.name,
        m = p.method,
        f = with,
    );
    let (item_ty, items_impl) = match &p.items {
        None => (quote!(::std::convert::Infallible), TokenStream::new()),
        Some(items) => {
            let raw = items_expr(&items.path);
            let (ty, all, what) = match &items.kind {
                PageItemsKind::List(e) => (value_type(e, &types), quote!(#raw.unwrap_or_default()), "each element of"),
                PageItemsKind::Map(k, v) => {
                    let (k, v) = (value_type(k, &types), value_type(v, &types));
                    (quote!((#k, #v)), quote!(#raw.unwrap_or_default().into_iter().collect()), "each `(key, value)` entry, in key order, of")
                }
            };
            type_doc.push_str(&format!(
                " Its items (`next_item`, `collect_items`) are {what} each page's `{}`.",
                paths(&items.path)
            ));
            let items_impl = quote! {
                impl ::smithy_gen_runtime::paginate::PagedItems for #marker {
                    fn items(output: types::#output) -> ::std::vec::Vec<#ty> {
                        #all
                    }
                }
            };
            (ty, items_impl)
        }
    };
    let page_size = p.page_size.as_ref().map(|ps| {
        let f = ident(&ps.field.rust_name);
        let t = value_type(&ps.ty, &types);
        let doc = doc_attrs(Some(&format!(
            "[`Paginator::page_size`](::smithy_gen_runtime::paginate::Paginator::page_size) sets the input's `{}`.",
            ps.field.name
        )));
        quote! {
            #doc
            impl ::smithy_gen_runtime::paginate::PageSized for #marker {
                type PageSize = #t;
                fn set_page_size(input: &mut types::#input, page_size: #t) {
                    input.#f = Option::Some(page_size);
                }
            }
        }
    });
    let type_doc = doc_attrs(Some(&type_doc));
    let marker_doc = format!(" How [`{}`] pages through `{}`.", p.type_name, op.name);
    // A deprecated operation's paginator method is deprecated with it.
    let deprecated = op.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    quote! {
        impl super::Client {
            #method_doc
            #deprecated
            pub fn #method(&self, input: types::#input) -> #name {
                ::smithy_gen_runtime::paginate::Paginator::new(::std::clone::Clone::clone(self), input)
            }
        }

        #type_doc
        pub type #name = ::smithy_gen_runtime::paginate::Paginator<#marker>;

        #[doc = #marker_doc]
        #[derive(Debug)]
        pub enum #marker {}

        impl ::smithy_gen_runtime::paginate::Paged for #marker {
            type Client = super::Client;
            type Input = types::#input;
            type Output = types::#output;
            type Error = errors::#error;
            type Item = #item_ty;
            type Token = #token_ty;
            fn token(input: &types::#input) -> Option<#token_ty> {
                input.#in_token.clone()
            }
            fn set_token(input: &mut types::#input, token: Option<#token_ty>) {
                input.#in_token = token;
            }
            fn next_token(output: &types::#output) -> Option<&#token_ty> {
                #out_token
            }
            fn call(
                client: &super::Client,
                input: types::#input,
            ) -> impl ::std::future::Future<Output = Result<types::#output, errors::#error>> + ::std::marker::Send + '_ {
                client.#call(input)
            }
        }

        #items_impl
        #page_size
    }
}
