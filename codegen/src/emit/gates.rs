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
pub fn gate_items(items: TokenStream, gate: &Gate) -> TokenStream {
    if gate.is_none() {
        return items;
    }
    let attr = cfg(gate);
    let file: syn::File = match syn::parse2(items.clone()) {
        Ok(f) => f,
        // Not parseable as items: leave it to `write` to report.
        Err(_) => return items,
    };
    let gated = file.items.iter().map(|item| quote!(#attr #item));
    quote!(#(#gated)*)
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
