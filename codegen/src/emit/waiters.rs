//! Each service's waiters (`src/<service>/waiters.rs`): for every waiter of
//! an operation, a fluent type (`waiter!`, the operation's setters and
//! `wait`), the client's `wait_until_<name>()` and
//! `wait_until_<name>_with(input, wait)`, and the classifier: the
//! acceptors, in model order, as typed Rust over the input and the result.
//! The loop, the schedule and the errors are the runtime's
//! (`smithy_gen_runtime::waiters`).

use std::cell::Cell;

use proc_macro2::TokenStream;
use quote::quote;

use super::client::input_fn;
use super::errors::error_name;
use super::protocol::find_struct;
use super::rust_type::ident;
use super::types::{builder_entries, builder_name};
use crate::ir::{
    AcceptorStateIr, ComparatorIr, CompareOpIr, MatcherIr, OperationIr, ServiceIr, ValueConv, WaiterExpr, WaiterIr,
    WaiterType,
};

pub fn has_waiters(svc: &ServiceIr) -> bool {
    svc.client_operations().any(|o| !o.waiters.is_empty())
}

pub fn waiters_file(svc: &ServiceIr) -> Option<TokenStream> {
    if !has_waiters(svc) {
        return None;
    }
    let items = svc.client_operations().flat_map(|op| op.waiters.iter().filter_map(move |w| waiter(svc, op, w)));
    let items: Vec<TokenStream> = items.collect();
    Some(quote! {
        //! Waiters: `client.wait_until_<waiter>().<member>(value)….wait(max_wait).await`
        //! polls an operation until the resource is in the state waited for.
        //! See `smithy_gen_runtime::waiters` for the schedule and the errors.
        // Acceptors lowered from JMESPath read as chains of `Option`s.
        #![allow(clippy::bind_instead_of_map, clippy::unnecessary_lazy_evaluations, clippy::clone_on_copy)]

        #[allow(unused_imports)]
        use super::{errors, types, Client};
        #[allow(unused_imports)]
        use ::smithy_gen_runtime::waiters::{waiter, AcceptorState, Matched, Wait, Schedule, FinalPoll, WaiterError};
        #(#items)*
    })
}

fn waiter(svc: &ServiceIr, op: &OperationIr, w: &WaiterIr) -> Option<TokenStream> {
    let input = find_struct(svc, &op.input)?;
    let ty = ident(&w.type_name);
    let method = ident(&w.method);
    let with = ident(&w.with_method);
    let classify = ident(&w.classify_fn);
    let op_with = ident(&input_fn(svc, op));
    let builder = ident(&builder_name(input));
    let in_ty = ident(&op.input);
    let out_ty = ident(&op.output);
    let err_ty = ident(&error_name(op));
    let entries = builder_entries(input, &quote!(types::));
    let cfg = super::gates::cfg(&super::gates::operation(svc, op));
    let dep = w.deprecated.then(|| quote!(#[deprecated(note = "the model deprecates this waiter")]));
    let name = &w.name;
    let (min, max) = (w.min_delay, w.max_delay);
    let summary = w.docs.as_deref().map(|d| format!("{}\n\n", d.trim())).unwrap_or_default();
    let states: Vec<String> = w
        .acceptors
        .iter()
        .map(|a| {
            let state = match a.state {
                AcceptorStateIr::Success => "success",
                AcceptorStateIr::Failure => "failure",
                AcceptorStateIr::Retry => "retry",
            };
            let when = match &a.matcher {
                MatcherIr::Success(true) => "the call succeeds".to_string(),
                MatcherIr::Success(false) => "the call fails".to_string(),
                MatcherIr::ErrorType(codes) => format!("the error is `{}`", codes.join("` or `")),
                MatcherIr::Path { comparator, path, input_output, .. } => {
                    let of = if *input_output { "input and output" } else { "output" };
                    // A code span; JMESPath literals hold backticks, so it takes two.
                    let path = if path.contains('`') { format!("`` {path} ``") } else { format!("`{path}`") };
                    match comparator {
                        ComparatorIr::StringEquals(s) => format!("{path} of the {of} is \"{s}\""),
                        ComparatorIr::BooleanEquals(b) => format!("{path} of the {of} is {b}"),
                        ComparatorIr::AllStringEquals(s) => format!("every value of {path} of the {of} is \"{s}\" (and there is one)"),
                        ComparatorIr::AnyStringEquals(s) => format!("a value of {path} of the {of} is \"{s}\""),
                    }
                }
            };
            format!("- {state} when {when}")
        })
        .collect();
    let doc = format!(
        "{summary}The `{name}` waiter: polls `{}` until its acceptors reach a success state (set the input's members on what this returns, then `wait`), between {min} and {max} seconds apart. Acceptors, the first that matches deciding:\n\n{}",
        op.name,
        states.join("\n")
    );
    let doc_lines: Vec<String> = doc.lines().map(|l| format!(" {l}")).collect();
    let with_doc = format!(
        " The `{name}` waiter with an input built beforehand; see [`{}`](Self::{}).",
        w.method, w.method
    );
    let uses_input = w.acceptors.iter().any(|a| matches!(a.matcher, MatcherIr::Path { input_output: true, .. }));
    let input_param = if uses_input { quote!(input) } else { quote!(_input) };
    let acceptors = w.acceptors.iter().enumerate().map(|(i, a)| {
        let state = match a.state {
            AcceptorStateIr::Success => quote!(AcceptorState::Success),
            AcceptorStateIr::Failure => quote!(AcceptorState::Failure),
            AcceptorStateIr::Retry => quote!(AcceptorState::Retry),
        };
        let cond = matcher(&a.matcher);
        quote! {
            if #cond {
                return ::std::option::Option::Some((#i, #state));
            }
        }
    });
    let classify_doc = format!(" The acceptors of `{name}`, in model order.");
    Some(quote! {
        #cfg
        waiter!(#ty, Client, types::builders::#builder, #with, types::#out_ty, errors::#err_ty, { #(#entries),* });
        #cfg
        impl Client {
            #(#[doc = #doc_lines])*
            #dep
            pub fn #method(&self) -> #ty {
                #ty::new(self)
            }

            #[doc = #with_doc]
            #dep
            pub async fn #with(
                &self,
                input: types::#in_ty,
                wait: impl ::std::convert::Into<Wait>,
            ) -> ::std::result::Result<FinalPoll<types::#out_ty, errors::#err_ty>, WaiterError<types::#out_ty, errors::#err_ty>> {
                ::smithy_gen_runtime::waiters::run(
                    self.config(),
                    #name,
                    Schedule::seconds(#min, #max),
                    wait.into(),
                    || self.#op_with(::std::clone::Clone::clone(&input)),
                    |result| #classify(&input, result),
                )
                .await
            }
        }
        #cfg
        #[doc = #classify_doc]
        fn #classify(
            #input_param: &types::#in_ty,
            result: &::std::result::Result<types::#out_ty, errors::#err_ty>,
        ) -> Matched {
            #(#acceptors)*
            ::std::option::Option::None
        }
    })
}

/// The condition of one acceptor, over `input` and `result`.
fn matcher(m: &MatcherIr) -> TokenStream {
    match m {
        MatcherIr::Success(true) => quote!(result.is_ok()),
        MatcherIr::Success(false) => quote!(result.is_err()),
        MatcherIr::ErrorType(codes) => {
            quote!(result.as_ref().is_err_and(|e| ::smithy_gen_runtime::waiters::error_is(e, &[#(#codes),*])))
        }
        MatcherIr::Path { expr, comparator, input_output, .. } => {
            let g = Gen::default();
            let root = if *input_output { quote!(::std::option::Option::<()>::None) } else { quote!(::std::option::Option::Some(output)) };
            let value = g.expr(expr, &root);
            let test = match comparator {
                ComparatorIr::StringEquals(s) => quote!(#value == ::std::option::Option::Some(#s)),
                ComparatorIr::BooleanEquals(b) => quote!(#value == ::std::option::Option::Some(#b)),
                ComparatorIr::AllStringEquals(s) => {
                    quote!(::smithy_gen_runtime::waiters::all_string_equals((#value).as_deref(), #s))
                }
                ComparatorIr::AnyStringEquals(s) => {
                    quote!(::smithy_gen_runtime::waiters::any_string_equals((#value).as_deref(), #s))
                }
            };
            quote!(result.as_ref().is_ok_and(|output| #test))
        }
    }
}

/// Writes expressions; every closure parameter gets a fresh name, so the
/// current value (an expression naming outer parameters) can be put inside
/// any closure.
#[derive(Default)]
struct Gen {
    n: Cell<usize>,
}

impl Gen {
    fn fresh(&self, base: &str) -> proc_macro2::Ident {
        let n = self.n.get();
        self.n.set(n + 1);
        ident(&format!("{base}{n}"))
    }

    /// `e` evaluated with `cur` (an `Option` of the current value's
    /// representation) as the current value; an `Option` of `e`'s.
    fn expr(&self, e: &WaiterExpr, cur: &TokenStream) -> TokenStream {
        let some = quote!(::std::option::Option::Some);
        match e {
            // `cur` names a value (a parameter, or a binding of `Then`), so
            // reading it again costs a copy, never a re-evaluation.
            WaiterExpr::Current => quote!(::std::clone::Clone::clone(&#cur)),
            WaiterExpr::Input => quote!(#some(input)),
            WaiterExpr::Output => quote!(#some(output)),
            WaiterExpr::Field { of, field, boxed, conv } => {
                let of = self.expr(of, cur);
                let f = ident(field);
                let s = self.fresh("s");
                match conv {
                    ValueConv::Str if !boxed => quote!(#of.and_then(|#s| #s.#f.as_deref())),
                    _ => {
                        let access = if *boxed { quote!(as_deref) } else { quote!(as_ref) };
                        let read = quote!(#of.and_then(|#s| #s.#f.#access()));
                        self.conv_opt(conv, read)
                    }
                }
            }
            WaiterExpr::Then { first, then } => {
                // Evaluated once and bound: `then` may read the current
                // value several times (comparisons, `&&`, `contains`), and
                // pasting `first` into each would double the code per pipe.
                let first = self.expr(first, cur);
                let v = self.fresh("t");
                let then = self.expr(then, &quote!(#v));
                quote!({ let #v = #first; #then })
            }
            WaiterExpr::Project { list, each } => {
                let list = self.expr(list, cur);
                let (l, x) = (self.fresh("l"), self.fresh("e"));
                let each = self.expr(each, &quote!(#some(#x)));
                quote!(#list.map(|#l| #l.into_iter().filter_map(|#x| #each).collect::<::std::vec::Vec<_>>()))
            }
            WaiterExpr::Flatten(x) => {
                let x = self.expr(x, cur);
                let l = self.fresh("l");
                quote!(#x.map(|#l| #l.into_iter().flatten().collect::<::std::vec::Vec<_>>()))
            }
            WaiterExpr::MapValues { map, conv } => {
                let map = self.expr(map, cur);
                let m = self.fresh("m");
                let iter = self.conv_iter(conv);
                quote!(#map.map(|#m| #m.values() #iter .collect::<::std::vec::Vec<_>>()))
            }
            WaiterExpr::Filter { list, cond, cond_ty } => {
                let list = self.expr(list, cur);
                let (l, x) = (self.fresh("l"), self.fresh("e"));
                let cond = self.expr(cond, &quote!(#some(*#x)));
                let truthy = self.truthy(cond_ty, cond);
                quote!(#list.map(|#l| #l.into_iter().filter(|#x| #truthy).collect::<::std::vec::Vec<_>>()))
            }
            WaiterExpr::Index { list, index, elem_copy } => {
                let list = self.expr(list, cur);
                let l = self.fresh("l");
                let get = if *index == 0 {
                    quote!(#l.first())
                } else if *index > 0 {
                    let i = usize::try_from(*index).unwrap_or(usize::MAX);
                    quote!(#l.get(#i))
                } else {
                    let back = usize::try_from(index.unsigned_abs()).unwrap_or(usize::MAX);
                    quote!(#l.len().checked_sub(#back).and_then(|i| #l.get(i)))
                };
                let take = if *elem_copy { quote!(copied) } else { quote!(cloned) };
                quote!(#list.and_then(|#l| #get.#take()))
            }
            WaiterExpr::MultiList(items) => {
                let c = self.fresh("c");
                let items: Vec<TokenStream> = items.iter().map(|i| self.expr(i, &quote!(#some(#c)))).collect();
                quote!(#cur.map(|#c| [#(#items),*].into_iter().flatten().collect::<::std::vec::Vec<_>>()))
            }
            WaiterExpr::Compare { op, lhs, rhs } => {
                let (l, r) = (self.expr(lhs, cur), self.expr(rhs, cur));
                match op {
                    CompareOpIr::Eq => quote!(#some(#l == #r)),
                    CompareOpIr::Ne => quote!(#some(#l != #r)),
                    _ => {
                        let test = match op {
                            CompareOpIr::Lt => quote!(is_lt),
                            CompareOpIr::Le => quote!(is_le),
                            CompareOpIr::Gt => quote!(is_gt),
                            _ => quote!(is_ge),
                        };
                        quote!(::smithy_gen_runtime::waiters::order(#l, #r).map(::std::cmp::Ordering::#test))
                    }
                }
            }
            WaiterExpr::And(l, r) => {
                let (l, r) = (self.expr(l, cur), self.expr(r, cur));
                quote!(::smithy_gen_runtime::waiters::and(#l, #r))
            }
            WaiterExpr::Or(l, r) => {
                let (l, r) = (self.expr(l, cur), self.expr(r, cur));
                quote!(::smithy_gen_runtime::waiters::or(#l, #r))
            }
            WaiterExpr::Not(x, ty) => {
                let x = self.expr(x, cur);
                let v = self.fresh("v");
                match ty {
                    WaiterType::Bool => quote!(#some(#x != #some(true))),
                    WaiterType::Num => quote!(#some(#x.is_none())),
                    _ => quote!(#some(#x.is_none_or(|#v| #v.is_empty()))),
                }
            }
            WaiterExpr::Length(x, ty) => {
                let x = self.expr(x, cur);
                let v = self.fresh("v");
                match ty {
                    WaiterType::Str => quote!(#x.map(|#v| ::smithy_gen_runtime::waiters::Number::from(#v.chars().count()))),
                    _ => quote!(#x.map(|#v| ::smithy_gen_runtime::waiters::Number::from(#v.len()))),
                }
            }
            WaiterExpr::Contains { subject, search, string } => {
                let (s, f) = (self.expr(subject, cur), self.expr(search, cur));
                let (l, v) = (self.fresh("l"), self.fresh("v"));
                let test = if *string { quote!(#l.contains(#v)) } else { quote!(#l.contains(&#v)) };
                quote!(#s.map(|#l| #f.is_some_and(|#v| #test)))
            }
            WaiterExpr::Str(s) => quote!(#some(#s)),
            WaiterExpr::Bool(b) => quote!(#some(#b)),
            WaiterExpr::Num(n) => quote!(#some(::smithy_gen_runtime::waiters::Number::Float(#n))),
            WaiterExpr::Int(n) => quote!(#some(::smithy_gen_runtime::waiters::Number::from(#n))),
        }
    }

    /// JMESPath truthiness of `x` (an `Option` of a value of type `ty`).
    fn truthy(&self, ty: &WaiterType, x: TokenStream) -> TokenStream {
        let v = self.fresh("v");
        match ty {
            WaiterType::Bool => quote!(#x == ::std::option::Option::Some(true)),
            WaiterType::Num => quote!(#x.is_some()),
            _ => quote!(#x.is_some_and(|#v| !#v.is_empty())),
        }
    }

    /// `x`, an `Option<&T>` of a member's Rust value, as an `Option` of
    /// its waiter representation.
    fn conv_opt(&self, conv: &ValueConv, x: TokenStream) -> TokenStream {
        let v = self.fresh("v");
        match conv {
            ValueConv::Str | ValueConv::Enum => quote!(#x.map(|#v| #v.as_str())),
            ValueConv::Bool => quote!(#x.copied()),
            ValueConv::Lossless | ValueConv::Wide | ValueConv::F64 => quote!(#x.map(|#v| ::smithy_gen_runtime::waiters::Number::from(*#v))),
            ValueConv::Struct | ValueConv::Map(_) => x,
            ValueConv::List(e) => {
                let iter = self.conv_iter(e);
                quote!(#x.map(|#v| #v.iter() #iter .collect::<::std::vec::Vec<_>>()))
            }
            ValueConv::Sparse(inner) => self.conv_opt(inner, quote!(#x.and_then(|#v| #v.as_ref()))),
        }
    }

    /// Adapters turning an iterator of `&T` into one of waiter values.
    fn conv_iter(&self, conv: &ValueConv) -> TokenStream {
        let v = self.fresh("v");
        match conv {
            ValueConv::Str | ValueConv::Enum => quote!(.map(|#v| #v.as_str())),
            ValueConv::Bool => quote!(.copied()),
            ValueConv::Lossless | ValueConv::Wide | ValueConv::F64 => quote!(.map(|#v| ::smithy_gen_runtime::waiters::Number::from(*#v))),
            ValueConv::Struct | ValueConv::Map(_) => TokenStream::new(),
            ValueConv::List(e) => {
                let iter = self.conv_iter(e);
                quote!(.map(|#v| #v.iter() #iter .collect::<::std::vec::Vec<_>>()))
            }
            ValueConv::Sparse(inner) => {
                let read = self.conv_opt(inner, quote!(#v.as_ref()));
                quote!(.filter_map(|#v| #read))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::Value;

    use crate::lower::{lower_crate, Selection};
    use crate::model::Model;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/valid/waiters.json");

    /// The waiters file of the fixture with only `path` as a waiter.
    fn file_for(path: &str) -> String {
        let mut model: Value = serde_json::from_str(FIXTURE).expect("fixture is JSON");
        model["shapes"]["com.example.waiters#DescribeThings"]["traits"]["smithy.waiters#waitable"] = serde_json::json!({
            "Piped": {"acceptors": [{"state": "success", "matcher": {"output": {"path": path, "expected": "true", "comparator": "booleanEquals"}}}]}
        });
        let model = Model::load_sources(&[(PathBuf::from("waiters.json"), model.to_string())]).expect("loads");
        let ir = lower_crate(&model, "t", &Selection::default()).unwrap_or_else(|e| panic!("{e}"));
        super::waiters_file(&ir.services[0]).expect("a waiters file").to_string()
    }

    #[test]
    fn code_grows_linearly_with_pipes() {
        // Each pipe reads the current value twice; pasting the left side into
        // each use doubled the code per pipe (17 pipes gave 110 MB).
        let base = file_for("summary.status == 'ACTIVE'").len();
        let ten = file_for(&format!("summary.status == 'ACTIVE'{}", " | @ && @".repeat(10))).len();
        let thirty = file_for(&format!("summary.status == 'ACTIVE'{}", " | @ && @".repeat(30))).len();
        assert!(thirty < 50_000, "{thirty} bytes for 30 pipes");
        let (per10, per30) = (ten - base, thirty - base);
        assert!(per30 < per10 * 4, "not linear: {per10} bytes for 10 pipes, {per30} for 30");
        let eq = file_for(&format!("summary.status{}", " | @ == @".repeat(30))).len();
        assert!(eq < 50_000, "{eq} bytes for 30 comparisons");
    }
}
