//! Structures, unions and enums of one service (`src/<service>/types.rs`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, doc_attrs_with};
use super::gates::gate_items;
use super::rust_type::{ident, value_type};
use crate::ir::{EnumIr, MemberIr, Protocol, RType, ServiceIr, StructIr, TypeIr, UnionIr, XmlCodec};
use crate::ir::TimestampFormat;

const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// How many types one part of `types.rs` holds: the parts are emitted and
/// formatted on different threads (see `emit::plan_crate`), since this file
/// is most of a crate.
const TYPES_PER_PART: usize = 100;

/// How many parts `types.rs` is made of: the types, in parts of
/// [`TYPES_PER_PART`] (the first with the file's header), then the builders.
pub fn types_parts(svc: &ServiceIr) -> usize {
    svc.types.len().div_ceil(TYPES_PER_PART).max(1) + 1
}

/// One part of `types.rs` (see [`types_parts`]): whole items only, so the
/// parts formatted one by one are the file formatted whole.
pub fn types_part(svc: &ServiceIr, part: usize) -> TokenStream {
    if part + 1 == types_parts(svc) {
        let builders = svc.types.iter().filter_map(|t| match t {
            TypeIr::Struct(s) => Some(gate_items(builder(s), &s.gate)),
            _ => None,
        });
        return quote! {
            /// Builders of the structures above (`Type::builder()`), for inputs and for outputs and errors in tests.
            pub mod builders {
                #[allow(unused_imports)]
                use super::*;
                #[allow(unused_imports)]
                use ::smithy_gen_runtime::types::builders::builder;
                #(#builders)*
            }
        };
    }
    let items = svc.types.iter().skip(part * TYPES_PER_PART).take(TYPES_PER_PART).map(|t| match t {
        TypeIr::Struct(s) => gate_items(structure(s, svc.protocol), &s.gate),
        TypeIr::Union(u) => gate_items(union(u, svc.protocol), &u.gate),
        TypeIr::Enum(e) => gate_items(enumeration(e), &e.gate),
    });
    if part > 0 {
        return quote!(#(#items)*);
    }
    let title = format!(" Types of {}: operation inputs and outputs, structures, unions, enums and errors.", svc.title);
    quote! {
        #![doc = #title]
        #[allow(unused_imports)]
        use ::smithy_gen_runtime::{types::builders::accessors, types::enums::{int_enum, string_enum}, protocols::structs::json_struct};
        #(#items)*
    }
}

/// A structure's `accessors!` invocation: each member's accessor name, what
/// it returns and whether the member is required.
fn accessors(s: &StructIr) -> TokenStream {
    let name = ident(&s.name);
    let fields: Vec<&str> = s.members.iter().map(|m| m.rust_name.as_str()).collect();
    let methods = crate::naming::accessor_names(&fields);
    let entries = s.members.iter().zip(&methods).map(|(m, method)| {
        let f = ident(&m.rust_name);
        let method = ident(method);
        let kind = match &m.ty {
            _ if m.boxed => {
                let t = value_type(&m.ty, &TokenStream::new());
                quote!(boxed(#t))
            }
            RType::String => quote!(str),
            RType::Bool | RType::Byte | RType::Short | RType::Int | RType::Long | RType::Float | RType::Double | RType::BigInteger | RType::BigDecimal => {
                let t = value_type(&m.ty, &TokenStream::new());
                quote!(copy(#t))
            }
            RType::List(e) => {
                let e = value_type(e, &TokenStream::new());
                quote!(list(#e))
            }
            RType::Map(..) => {
                let t = value_type(&m.ty, &TokenStream::new());
                quote!(map(#t))
            }
            other => {
                let t = value_type(other, &TokenStream::new());
                quote!(other(#t))
            }
        };
        let req = if m.required { quote!(required) } else { quote!(optional) };
        quote!(#f(#method): #kind #req)
    });
    quote!(accessors!(#name { #(#entries),* });)
}

/// A structure's builder (`builders::<Name>Builder`): a `builder!`
/// invocation with each member's setter names, model name, kind and
/// whether it is required.
fn builder(s: &StructIr) -> TokenStream {
    let name = ident(&s.name);
    let builder = ident(&builder_name(s));
    // `super::`: in `builders`, a builder's name shadows a structure of the
    // same name that `use super::*` brings (AppStream's `AppBlockBuilder`
    // beside the builder of `AppBlock`).
    let entries = builder_entries(s, &quote!(super::));
    let build = if s.members.iter().any(|m| m.required) { quote!(checked) } else { quote!(unchecked) };
    quote!(builder!(#name, #builder, #build, { #(#entries),* });)
}

/// The name of a structure's builder in `types::builders` (`Error_`, a
/// name the prelude has, builds with `ErrorBuilder`).
pub fn builder_name(s: &StructIr) -> String {
    format!("{}Builder", s.name.trim_end_matches('_'))
}

/// A structure's members as `builder!` and `fluent!` take them: each
/// member's field, setter names, model name, kind (its types named with the
/// `types` prefix) and whether it is required.
pub fn builder_entries(s: &StructIr, types: &TokenStream) -> Vec<TokenStream> {
    let fields: Vec<&str> = s.members.iter().map(|m| m.rust_name.as_str()).collect();
    let names = crate::naming::builder_method_names(&fields);
    let entries = s.members.iter().zip(&names).map(|(m, (setter, set, get))| {
        let f = ident(&m.rust_name);
        let (setter, set, get) = (ident(setter), ident(set), ident(get));
        let wire = &m.name;
        let kind = match &m.ty {
            RType::List(e) if !m.boxed => {
                let e = value_type(e, types);
                quote!(list(#e))
            }
            RType::Map(k, v) if !m.boxed => {
                let (k, v) = (value_type(k, types), value_type(v, types));
                quote!(map(#k, #v))
            }
            t if m.boxed => {
                let t = value_type(t, types);
                quote!(boxed(#t))
            }
            t => {
                let t = value_type(t, types);
                quote!(value(#t))
            }
        };
        let req = if m.required { quote!(required) } else { quote!(optional) };
        quote!(#f(#setter, #set, #get) #wire: #kind #req)
    });
    entries.collect()
}

fn field_type(m: &MemberIr) -> TokenStream {
    let t = value_type(&m.ty, &TokenStream::new());
    if m.boxed {
        quote!(::std::boxed::Box<#t>)
    } else {
        t
    }
}

/// `#[deprecated]` with the model's note, or nothing.
fn deprecated(note: &Option<String>) -> TokenStream {
    match note {
        Some(n) => quote!(#[deprecated(note = #n)]),
        None => TokenStream::new(),
    }
}

/// The function giving a defaulted member's value when a response omits it.
/// The associated function giving a member's default (or error-correction
/// zero): `Type::default_<member>`, unique because member names are.
fn default_fn_name(m: &MemberIr) -> String {
    format!("default_{}", m.rust_name.trim_start_matches("r#"))
}

/// One member's entry in the structure's `json_struct!` invocation:
/// `field: "jsonName"`, then `| "MemberName"` when `@jsonName` differs,
/// `default f` for a filled-in default, `as Format` for a timestamp format.
fn json_member(m: &MemberIr, default_fn: Option<(&str, String)>) -> TokenStream {
    let f = ident(&m.rust_name);
    let wire = &m.json_name;
    let alias = (m.name != m.json_name).then(|| {
        let a = &m.name;
        quote!(| #a)
    });
    let default = default_fn.map(|(ty, d)| {
        let (ty, d) = (ident(ty), ident(&d));
        quote!(default #ty::#d)
    });
    let format = match (&m.ty, m.timestamp_format) {
        (RType::Timestamp, Some(TimestampFormat::DateTime)) => Some(quote!(as DateTime)),
        (RType::Timestamp, Some(TimestampFormat::HttpDate)) => Some(quote!(as HttpDate)),
        (ty, _) if holds_float(ty) => Some(quote!(as Float)),
        _ => None,
    };
    quote!(#f: #wire #alias #default #format)
}

/// Whether a value of `ty` holds floats (NaN and the infinities then travel
/// as the JSON protocols' strings).
fn holds_float(ty: &RType) -> bool {
    match ty {
        RType::Float | RType::Double | RType::BigDecimal => true,
        RType::List(e) | RType::Sparse(e) => holds_float(e),
        RType::Map(_, v) => holds_float(v),
        _ => false,
    }
}

/// Under an XML protocol, types also get XML (and query) impls.
fn structure(s: &StructIr, protocol: Protocol) -> TokenStream {
    let name = ident(&s.name);
    let mut extra_doc = String::new();
    if let Some(op) = &s.input_of {
        extra_doc = format!("Input of `{op}` (model shape `{}`).", s.shape_id);
    } else if let Some(op) = &s.output_of {
        extra_doc = format!("Output of `{op}` (model shape `{}`).", s.shape_id);
    }
    let has_required = s.members.iter().any(|m| m.required);
    if s.usage.input && has_required {
        extra_doc.push_str("\n\nRequired members are the arguments of `new`; the others start unset.");
    }
    if extra_doc.is_empty() && s.docs.as_deref().is_none_or(|d| d.trim().is_empty()) {
        // Named, and said where it appears, when the model says nothing.
        let used = match (s.usage.input, s.usage.output, s.error.is_some()) {
            (_, _, true) => "an error of the service",
            (true, true, _) => "sent in requests and read from responses",
            (true, false, _) => "sent in requests",
            (false, true, _) => "read from responses",
            (false, false, _) => "defined by the model",
        };
        extra_doc = format!("The model's structure `{}`, {used} (the model documents it no further).", s.shape_id);
    }
    let doc = if extra_doc.is_empty() { doc_attrs(s.docs.as_deref()) } else { doc_attrs_with(s.docs.as_deref(), extra_doc.trim()) };
    let fields = s.members.iter().map(|m| {
        let f = ident(&m.rust_name);
        let ty = field_type(m);
        let mut doc = m.docs.clone().unwrap_or_default();
        let mut notes = Vec::new();
        if m.required {
            notes.push("Required.".to_string());
        }
        if let Some(z) = &m.zero {
            notes.push(format!("Set to `{z}` when a response leaves it out (client error correction), so it is always present in a parsed response."));
        }
        if let Some(d) = &m.default {
            notes.push(format!("Default: `{d}`: sent when the member is unset, and filled in when a response leaves it out."));
        }
        if let Some(d) = &m.service_default {
            notes.push(format!("The service's default: `{d}`, which it applies when the member is not sent."));
        }
        if doc.is_empty() {
            notes.insert(0, format!("The member `{}` (the model documents it no further).", m.name));
        }
        for n in notes {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&n);
        }
        let doc = doc_attrs((!doc.is_empty()).then_some(doc.as_str()));
        let dep = deprecated(&m.deprecated);
        quote! { #doc #dep pub #f: ::std::option::Option<#ty>, }
    });
    let default_fns = s.members.iter().filter(|m| m.default.is_some() || m.zero.is_some()).map(|m| {
        let f = ident(&default_fn_name(m));
        let ty = field_type(m);
        let json = m.default.as_deref().or(m.zero.as_deref()).unwrap_or("null");
        quote! {
            fn #f() -> ::std::option::Option<#ty> {
                ::smithy_gen_runtime::protocols::json::default_value(#json)
            }
        }
    });
    let default_fns: Vec<TokenStream> = default_fns.collect();
    let default_impl = (!default_fns.is_empty()).then(|| quote!(impl #name { #(#default_fns)* }));
    let struct_dep = deprecated(&s.deprecated);
    let sensitive = s.sensitive || s.members.iter().any(|m| m.sensitive);
    let debug_derive = (!sensitive).then(|| quote!(Debug,));
    let debug_impl = sensitive.then(|| debug_impl(s));
    let ctor = (s.usage.input && has_required).then(|| constructor(s));
    let error_impl = s.error.as_ref().map(|_| error_impl(s));
    // An operation's input is read strictly (unknown members are errors).
    let input_marker = s.input_of.is_some().then(|| quote!(@input));
    let json_members = s.members.iter().map(|m| json_member(m, (m.default.is_some() || m.zero.is_some()).then(|| (s.name.as_str(), default_fn_name(m)))));
    let xml = protocol.is_xml().then(|| xml_struct(s, protocol));
    let accessors = accessors(s);
    quote! {
        #doc
        #struct_dep
        #[derive(#debug_derive Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }
        json_struct!(#input_marker #name { #(#json_members),* });
        #accessors
        #xml
        #default_impl
        #debug_impl
        #ctor
        #error_impl
    }
}

fn debug_impl(s: &StructIr) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let body = if s.sensitive {
        quote!(f.write_str(#REDACTED))
    } else {
        let fields = s.members.iter().map(|m| {
            let f = ident(&m.rust_name);
            let n = &m.rust_name;
            if m.sensitive {
                quote!(.field(#n, &self.#f.as_ref().map(|_| #REDACTED)))
            } else {
                quote!(.field(#n, &self.#f))
            }
        });
        quote!(f.debug_struct(#label) #(#fields)* .finish())
    };
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { #body }
        }
    }
}

fn constructor(s: &StructIr) -> TokenStream {
    let name = ident(&s.name);
    let required: Vec<&MemberIr> = s.members.iter().filter(|m| m.required).collect();
    let params = required.iter().map(|m| {
        let f = ident(&m.rust_name);
        let t = value_type(&m.ty, &TokenStream::new());
        quote!(#f: impl ::std::convert::Into<#t>)
    });
    let inits = required.iter().map(|m| {
        let f = ident(&m.rust_name);
        if m.boxed {
            quote!(#f: ::std::option::Option::Some(::std::boxed::Box::new(#f.into())))
        } else {
            quote!(#f: ::std::option::Option::Some(#f.into()))
        }
    });
    let rest = (required.len() < s.members.len()).then(|| quote!(..::std::default::Default::default()));
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let doc = format!(" A `{}` with its required members set and the others unset.", s.name);
    quote! {
        impl #name {
            #[doc = #doc]
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #rest }
            }
        }
    }
}

fn error_impl(s: &StructIr) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let message = s
        .members
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case("message") && m.ty == RType::String)
        .map(|m| ident(&m.rust_name));
    match message {
        Some(m) => quote!(::smithy_gen_runtime::error_macros::service_error!(#name, #label, #m);),
        None => quote!(::smithy_gen_runtime::error_macros::service_error!(#name, #label);),
    }
}

fn union(u: &UnionIr, protocol: Protocol) -> TokenStream {
    let name = ident(&u.name);
    let label = &u.name;
    let doc = doc_attrs_with(
        u.docs.as_deref(),
        "A union: exactly one member is set. `Unknown` holds a member this version of the model does not know (received from a newer service); it cannot be sent.",
    );
    let variants = u.variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let doc = doc_attrs(v.docs.as_deref());
        let dep = deprecated(&v.deprecated);
        let doc = quote!(#doc #dep);
        match &v.ty {
            None => quote!(#doc #vn,),
            Some(t) => {
                let t = value_type(t, &TokenStream::new());
                let t = if v.boxed { quote!(::std::boxed::Box<#t>) } else { t };
                quote!(#doc #vn(#t),)
            }
        }
    });
    let ser_arms = u.variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let json = &v.json_name;
        match &v.ty {
            None => quote!(Self::#vn => ::smithy_gen_runtime::protocols::unions::serialize_member(s, #json, &::smithy_gen_runtime::protocols::unions::Empty {}),),
            Some(t) if holds_float(t) => {
                quote!(Self::#vn(v) => ::smithy_gen_runtime::protocols::unions::serialize_member(s, #json, &::smithy_gen_runtime::protocols::json_float::Ser(v)),)
            }
            Some(_) => quote!(Self::#vn(v) => ::smithy_gen_runtime::protocols::unions::serialize_member(s, #json, v),),
        }
    });
    let de_arms = u.variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let json = &v.json_name;
        let alias = (v.name != v.json_name).then(|| {
            let a = &v.name;
            quote!(| #a)
        });
        let kind = match (&v.ty, v.boxed) {
            (None, _) => quote!(unit),
            (Some(t), false) if holds_float(t) => {
                let t = value_type(t, &TokenStream::new());
                quote!(float(#t))
            }
            (Some(t), false) => {
                let t = value_type(t, &TokenStream::new());
                quote!(val(#t))
            }
            (Some(t), true) => {
                let t = value_type(t, &TokenStream::new());
                quote!(boxed(#t))
            }
        };
        quote!(#vn: #json #alias => #kind)
    });
    let debug_derive = (!u.sensitive).then(|| quote!(Debug,));
    let union_dep = deprecated(&u.deprecated);
    let xml = protocol.is_xml().then(|| xml_union(u, protocol));
    let debug_impl = u.sensitive.then(|| {
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(#REDACTED) }
            }
        }
    });
    quote! {
        #doc
        #[derive(#debug_derive Clone, PartialEq)]
        #[non_exhaustive]
        #union_dep
        // Variants hold the model's structures unboxed (as they are written
        // and matched); only cycles are boxed.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// A member this version of the model does not know, by name.
            Unknown(::std::string::String),
        }
        #debug_impl
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    Self::Unknown(m) => ::std::result::Result::Err(::smithy_gen_runtime::protocols::unions::unknown_member(#label, m)),
                }
            }
        }
        ::smithy_gen_runtime::protocols::unions::union_de!(#name, #label, { #(#de_arms),* });
        #xml
    }
}

/// A codec of the runtime's `xml_struct!` and `query_struct!`.
fn codec(c: &XmlCodec) -> TokenStream {
    match c {
        XmlCodec::Text => quote!(text),
        XmlCodec::Struct => quote!(strukt),
        XmlCodec::Timestamp(f) => {
            let f = ident(match f {
                TimestampFormat::DateTime => "DateTime",
                TimestampFormat::HttpDate => "HttpDate",
                TimestampFormat::EpochSeconds => "EpochSeconds",
            });
            quote!([ts #f])
        }
        XmlCodec::List { member, flat, element } => {
            let flat = flat.then(|| quote!(flat));
            let e = codec(element);
            quote!([list #member #flat #e])
        }
        XmlCodec::Map { key, value, flat, element } => {
            let flat = flat.then(|| quote!(flat));
            let e = codec(element);
            quote!([map #key #value #flat #e])
        }
        XmlCodec::Sparse(inner) => {
            let e = codec(inner);
            quote!([sparse #e])
        }
    }
}

/// For the XML protocols: how a structure is read from XML (when responses
/// carry it) and written as query pairs or XML (when inputs do).
fn xml_struct(s: &StructIr, protocol: Protocol) -> TokenStream {
    let members: Vec<(&MemberIr, &crate::ir::XmlMemberIr)> = s.members.iter().filter_map(|m| Some((m, m.xml.as_ref()?))).collect();
    let name = ident(&s.name);
    let read = s.usage.output.then(|| {
        let ms = members.iter().map(|(m, x)| {
            let f = ident(&m.rust_name);
            let wire = &x.name;
            let kind = ident(if x.attribute { "attr" } else { "elem" });
            let default = (m.default.is_some() || m.zero.is_some()).then(|| {
                let d = ident(&default_fn_name(m));
                quote!(default #name::#d)
            });
            let c = codec(&x.codec);
            quote!(#f: #wire #kind #default => #c)
        });
        quote!(::smithy_gen_runtime::protocols::xml::xml_struct!(#name { #(#ms),* });)
    });
    let write = match (s.usage.input, protocol) {
        (false, _) => None,
        (true, Protocol::RestXml) => {
            let ms = members.iter().map(|(m, x)| {
                let f = ident(&m.rust_name);
                let wire = &x.name;
                let kind = ident(if x.attribute { "attr" } else { "elem" });
                let c = codec(&x.codec);
                quote!(#f: #wire #kind => #c)
            });
            Some(quote!(::smithy_gen_runtime::protocols::xml_write::xml_write_struct!(#name { #(#ms),* });))
        }
        (true, _) => {
            let ms = members.iter().map(|(m, x)| {
                let f = ident(&m.rust_name);
                let wire = &x.query_name;
                let c = codec(&x.query_codec);
                quote!(#f: #wire => #c)
            });
            Some(quote!(::smithy_gen_runtime::protocols::query::query_struct!(#name { #(#ms),* });))
        }
    };
    quote!(#read #write)
}

/// `xml_struct` for a union.
fn xml_union(u: &UnionIr, protocol: Protocol) -> TokenStream {
    let name = ident(&u.name);
    let arms = |query: bool| -> Vec<TokenStream> {
        u.variants
            .iter()
            .filter_map(|v| {
                let x = v.xml.as_ref()?;
                let vn = ident(&v.rust_name);
                let (wire, c) = if query { (&x.query_name, codec(&x.query_codec)) } else { (&x.name, codec(&x.codec)) };
                let c = if v.ty.is_none() { quote!(unit) } else { c };
                Some(quote!(#vn: #wire => #c))
            })
            .collect()
    };
    let read = u.usage.output.then(|| {
        let a = arms(false);
        quote!(::smithy_gen_runtime::protocols::xml::xml_union!(#name { #(#a),* });)
    });
    let write = match (u.usage.input, protocol) {
        (false, _) => None,
        (true, Protocol::RestXml) => {
            let a = arms(false);
            Some(quote!(::smithy_gen_runtime::protocols::xml_write::xml_write_union!(#name { #(#a),* });))
        }
        (true, _) => {
            let a = arms(true);
            Some(quote!(::smithy_gen_runtime::protocols::query::query_union!(#name { #(#a),* });))
        }
    };
    quote!(#read #write)
}

fn enumeration(e: &EnumIr) -> TokenStream {
    let name = ident(&e.name);
    let doc = doc_attrs_with(
        e.docs.as_deref(),
        "`Unknown` keeps a value this version of the model does not know, so responses from a newer service still parse.",
    );
    let variants = e.variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let d = match &v.docs {
            Some(d) => format!("{d}\n\nWire value: `{}`.", v.value),
            None => format!("Wire value: `{}`.", v.value),
        };
        let doc = doc_attrs(Some(&d));
        let dep = deprecated(&v.deprecated);
        quote!(#doc #dep #vn,)
    });
    let vns: Vec<_> = e.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let enum_dep = deprecated(&e.deprecated);
    let debug_derive = (!e.sensitive).then(|| quote!(Debug,));
    let debug_impl = e.sensitive.then(|| {
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(#REDACTED) }
            }
        }
    });
    if e.int {
        let vals: Vec<Literal> =
            e.variants.iter().map(|v| Literal::i32_unsuffixed(v.value.parse().unwrap_or_default())).collect();
        return quote! {
            #doc
            #[derive(#debug_derive Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #enum_dep
        #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                /// A value this version of the model does not know.
                Unknown(i32),
            }
            #debug_impl
            int_enum!(#name { #(#vns = #vals),* });
        };
    }
    let vals: Vec<&String> = e.variants.iter().map(|v| &v.value).collect();
    quote! {
        #doc
        #[derive(#debug_derive Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #enum_dep
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the model does not know.
            Unknown(::std::string::String),
        }
        #debug_impl
        string_enum!(#name { #(#vns = #vals),* });
    }
}
