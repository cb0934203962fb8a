//! restXml's bodies (its HTTP bindings are in `rest`): the unbound input
//! members as an XML document whose root is the input shape's element (with
//! the service's namespace when the shape has none), structure and union
//! payloads as the document (named by the member's `@xmlName`, else the
//! target's), and outputs read from the response's document.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust_type::ident;
use crate::ir::{MemberIr, RType, ServiceIr, StructIr, TypeIr};

/// Statements setting the XML body of the input's unbound members (`bound`:
/// the XML names of the members that travel elsewhere).
pub fn body(svc: &ServiceIr, input: Option<&StructIr>, bound: &[String]) -> TokenStream {
    let spec = match input {
        Some(s) => root_spec(&s.xml_root, s.xml_ns.as_deref(), svc),
        None => String::new(),
    };
    quote! {
        request.default_header("content-type", "application/xml");
        request.set_body(::smithy_gen_runtime::protocols::rest_xml::xml_body(input, #spec, &[#(#bound),*]));
    }
}

/// A root element's spec: its name, with the shape's own namespace, else
/// the service's (a nested shape's namespace is not declared).
fn root_spec(name: &str, own_ns: Option<&str>, svc: &ServiceIr) -> String {
    match own_ns.or(svc.xml_ns.as_deref()) {
        Some(ns) => format!("{name} {ns}"),
        None => name.to_string(),
    }
}

/// The spec of a document of structure `s` (an event's members, say): its
/// root element and namespace.
pub fn document_spec(svc: &ServiceIr, s: &StructIr) -> String {
    root_spec(&s.xml_root, s.xml_ns.as_deref(), svc)
}

/// The bytes of a structure or union payload `v` of member `m`: a document
/// named by the member's `@xmlName`, else by the target shape.
pub fn payload_bytes(svc: &ServiceIr, m: &MemberIr) -> TokenStream {
    let target = match &m.ty {
        RType::Named(n) => svc.types.iter().find(|t| t.name() == n),
        _ => None,
    };
    let (root, own_ns) = match target {
        Some(TypeIr::Struct(s)) => (s.xml_root.clone(), s.xml_ns.as_deref()),
        Some(TypeIr::Union(u)) => (u.xml_root.clone(), u.xml_ns.as_deref()),
        _ => (m.name.clone(), None),
    };
    let name = match &m.xml {
        Some(x) if x.renamed => x.name.clone(),
        _ => root,
    };
    let spec = root_spec(&name, own_ns, svc);
    quote!(::smithy_gen_runtime::protocols::rest_xml::xml_body(v, #spec, &[]))
}

/// The function reading the output's body members:
/// `fn(&RawResponse) -> Result<Output, Failure>`.
pub fn parse_body() -> TokenStream {
    quote!(::smithy_gen_runtime::protocols::rest_xml::parse_body)
}

/// A structure or union payload: `Option<T>` (`None` for an empty body).
pub fn parse_payload() -> TokenStream {
    quote!(::smithy_gen_runtime::protocols::rest_xml::parse_payload(response)?)
}

/// An output read from a document whose root element is its one body member
/// (`aws.customizations#s3UnwrappedXmlOutput`: S3 `GetBucketLocation`'s
/// `<LocationConstraint>…</LocationConstraint>`); other members come from
/// headers as usual (none, for that operation).
pub fn parse_unwrapped(output_name: &str, output: Option<&StructIr>) -> TokenStream {
    let ty = ident(output_name);
    let member = output.and_then(|s| s.members.iter().find(|m| m.http == crate::ir::HttpBinding::Body));
    match member {
        Some(m) => {
            let f = ident(&m.rust_name);
            let rest = output.is_some_and(|s| s.members.len() > 1).then(|| quote!(..::std::default::Default::default()));
            quote! {
                let output = types::#ty { #f: ::smithy_gen_runtime::protocols::rest_xml::parse_unwrapped(response)?, #rest };
                ::std::result::Result::Ok(output)
            }
        }
        None => quote! {
            let _ = response;
            ::std::result::Result::Ok(types::#ty::default())
        },
    }
}
