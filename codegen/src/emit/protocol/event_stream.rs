//! The two functions an operation with an output event stream gets beside
//! `prepare_*` and `parse_*`: `open_<op>` (the response's head, or the
//! awsJson `initial-response` message, read into the output; the rest of the
//! body handed to an event receiver) and `event_<op>` (one message into the
//! stream's union, a modeled exception, or an unmodeled error; `None` for an
//! event type the model does not know, which the receiver skips).

use proc_macro2::TokenStream;
use quote::quote;

use super::super::errors::error_name;
use super::super::rust_type::ident;
use crate::ir::{EventPayloadIr, EventStreamIr, OperationIr, ServiceIr};

pub fn functions(op: &OperationIr, stream: &EventStreamIr) -> TokenStream {
    let open = ident(&format!("open_{}", op.fn_name));
    let event = ident(&format!("event_{}", op.fn_name));
    let parse = ident(&format!("parse_{}", op.fn_name));
    let output = ident(&op.output);
    let union = ident(&stream.union);
    let error = ident(&error_name(op));
    let initial = stream.initial_message;
    let (xml, cbor) = (stream.xml, stream.cbor);
    let arms = stream.events.iter().map(|e| {
        let name = &e.name;
        let variant = ident(&e.variant);
        let Some(ty) = &e.ty else {
            return quote!(es::Received::Event(#name) => ::std::result::Result::Ok(::std::option::Option::Some(types::#union::#variant)),);
        };
        let ty = ident(ty);
        // `@eventHeader` members, read from the message's headers into a
        // value of the structure.
        let headers = (!e.headers.is_empty()).then(|| {
            let specs = e.headers.iter().map(|h| {
                let (name, field) = (&h.name, &h.field);
                let stamp = match h.format {
                    Some(crate::ir::TimestampFormat::DateTime) => quote!(es::Stamp::DateTime),
                    Some(crate::ir::TimestampFormat::HttpDate) => quote!(es::Stamp::HttpDate),
                    _ => quote!(es::Stamp::EpochSeconds),
                };
                quote!((#name, #field, #stamp))
            });
            quote!(es::headers_as::<types::#ty>(message, #name, &[#(#specs),*])?)
        });
        // The payload: the structure's document (the headers' members then
        // copied in), or one member's value (the rest from the headers).
        let member = |m: &crate::ir::EventMemberIr, value: TokenStream| {
            let field = ident(&m.rust);
            let rest = match &headers {
                Some(h) => Some(quote!(..#h)),
                None => e.other_members.then(|| quote!(..::std::default::Default::default())),
            };
            quote!(types::#ty { #field: #value, #rest })
        };
        let value = match &e.payload {
            EventPayloadIr::Implicit => {
                let document = if xml {
                    quote!(es::xml_document(message, #name)?)
                } else if cbor {
                    quote!(es::cbor_document(message, #name)?)
                } else {
                    quote!(es::json_document(message, #name)?)
                };
                match &headers {
                    None => document,
                    Some(h) => {
                        let fields: Vec<_> = e.headers.iter().map(|h| ident(&h.rust_field)).collect();
                        quote! {{
                            let mut v: types::#ty = #document;
                            let h = #h;
                            #(v.#fields = h.#fields;)*
                            v
                        }}
                    }
                }
            }
            // (A `Unit` member has no structure: handled above.)
            EventPayloadIr::Unit => quote!(<types::#ty as ::std::default::Default>::default()),
            EventPayloadIr::Blob(m) => member(m, quote!(::std::option::Option::Some(es::blob_payload(message)))),
            EventPayloadIr::Text(m) => member(m, quote!(::std::option::Option::Some(es::text_payload(message, #name)?))),
            EventPayloadIr::Document(m) if xml => member(m, quote!(es::xml_payload(message, #name)?)),
            EventPayloadIr::Document(m) if cbor => member(m, quote!(es::cbor_payload(message, #name)?)),
            EventPayloadIr::Document(m) => member(m, quote!(es::json_payload(message, #name)?)),
        };
        quote! {
            es::Received::Event(#name) => ::std::result::Result::Ok(::std::option::Option::Some(types::#union::#variant(#value))),
        }
    });
    let exceptions = stream.errors.iter().map(|e| {
        let name = &e.name;
        let variant = ident(&e.error);
        let read = if xml {
            quote!(es::xml_exception)
        } else if cbor {
            quote!(es::cbor_exception)
        } else {
            quote!(es::exception)
        };
        quote!(es::Received::Exception(#name) => ::std::result::Result::Err(errors::#error::#variant(::std::boxed::Box::new(#read(message, #name)?))),)
    });
    quote! {
        /// The output (from the response's head, or the stream's initial
        /// message) and the receiver of the stream's events.
        pub async fn #open(
            streamed: ::smithy_gen_runtime::invoke::Streamed,
        ) -> ::std::result::Result<(types::#output, ::smithy_gen_runtime::streams::event_stream::EventReceiver<types::#union, errors::#error>), errors::#error> {
            ::smithy_gen_runtime::streams::event_stream::open(streamed, errors::#error::from_response, #parse, #event, #initial).await
        }

        /// One message of the stream: an event, an exception, or an error.
        pub fn #event(message: &::smithy_gen_runtime::streams::event_stream::Message) -> ::std::result::Result<::std::option::Option<types::#union>, errors::#error> {
            use ::smithy_gen_runtime::streams::event_stream as es;
            match es::classify(message).map_err(es::malformed)? {
                #(#arms)*
                // An event type this model does not know: skipped.
                es::Received::Event(_) => ::std::result::Result::Ok(::std::option::Option::None),
                #(#exceptions)*
                es::Received::Exception(code) => ::std::result::Result::Err(es::unmodeled(code, ::std::option::Option::None).into()),
                es::Received::Error { code, message } => ::std::result::Result::Err(es::unmodeled(code, message).into()),
            }
        }
    }
}

/// The structure of event `e`.
fn event_struct<'a>(svc: &'a ServiceIr, e: &crate::ir::EventIr) -> Option<&'a crate::ir::StructIr> {
    let ty = e.ty.as_deref()?;
    svc.types.iter().find_map(|t| match t {
        crate::ir::TypeIr::Struct(s) if s.name == ty => Some(s),
        _ => None,
    })
}

/// `marshal_<op>_event`: the message an event of the operation's input
/// stream is sent as, before signing.
pub fn marshal(svc: &ServiceIr, op: &OperationIr, stream: &EventStreamIr) -> TokenStream {
    let f = ident(&format!("marshal_{}_event", op.fn_name));
    let union = ident(&stream.union);
    let arms = stream.events.iter().map(|e| {
        let name = &e.name;
        let variant = ident(&e.variant);
        let headers = e.headers.iter().map(|h| {
            let (n, field) = (&h.name, &h.field);
            use crate::ir::EventHeaderKind as K;
            let kind = match h.kind {
                K::Bool => quote!(Bool),
                K::Byte => quote!(Byte),
                K::Short => quote!(Short),
                K::Int => quote!(Int),
                K::Long => quote!(Long),
                K::Blob => quote!(Blob),
                K::String => quote!(String),
                K::Timestamp => match h.format {
                    Some(crate::ir::TimestampFormat::DateTime) => quote!(Timestamp(es::Stamp::DateTime)),
                    Some(crate::ir::TimestampFormat::HttpDate) => quote!(Timestamp(es::Stamp::HttpDate)),
                    _ => quote!(Timestamp(es::Stamp::EpochSeconds)),
                },
            };
            quote!((#n, #field, es::HeaderKind::#kind))
        });
        match &e.payload {
            EventPayloadIr::Unit => quote!(types::#union::#variant => es::event_message(#name, &(), &[], es::Payload::Unit),),
            p => {
                let payload = match p {
                    EventPayloadIr::Blob(crate::ir::EventMemberIr { json, .. }) => quote!(es::Payload::Blob(#json)),
                    EventPayloadIr::Text(crate::ir::EventMemberIr { json, .. }) => quote!(es::Payload::Text(#json)),
                    EventPayloadIr::Document(m) if stream.xml => {
                        // restXml: the member's XML document.
                        let field = ident(&m.rust);
                        let member = event_struct(svc, e).and_then(|s| s.members.iter().find(|f| f.rust_name == m.rust));
                        let bytes = member.map(|member| super::rest_xml::payload_bytes(svc, member)).unwrap_or_else(|| quote!(::std::vec::Vec::new()));
                        quote!(es::Payload::Xml(v.#field.as_ref().map(|v| #bytes).as_deref()))
                    }
                    EventPayloadIr::Document(m) if stream.cbor => {
                        // rpcv2Cbor: the member's CBOR.
                        let field = ident(&m.rust);
                        quote!(es::Payload::Cbor(v.#field.as_ref().map(::smithy_gen_runtime::protocols::cbor::to_vec).transpose().map_err(|e| e.to_string())?.as_deref()))
                    }
                    EventPayloadIr::Document(crate::ir::EventMemberIr { json, .. }) => quote!(es::Payload::Json(#json)),
                    _ if stream.xml => {
                        // restXml: the structure's XML document, without
                        // the members sent as headers.
                        let s = event_struct(svc, e);
                        let spec = s.map(|s| super::rest_xml::document_spec(svc, s)).unwrap_or_default();
                        let skip: Vec<String> = s
                            .map(|s| {
                                s.members
                                    .iter()
                                    .filter(|m| e.headers.iter().any(|h| h.rust_field == m.rust_name))
                                    .map(|m| m.xml.as_ref().map(|x| x.name.clone()).unwrap_or_else(|| m.name.clone()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        quote!(es::Payload::Xml(::std::option::Option::Some(&::smithy_gen_runtime::protocols::xml_write::document(v, #spec, &[#(#skip),*]))))
                    }
                    _ if stream.cbor => {
                        // rpcv2Cbor: the structure's CBOR map, without the
                        // members sent as headers.
                        let skip = e.headers.iter().map(|h| &h.field);
                        quote!(es::Payload::Cbor(::smithy_gen_runtime::protocols::cbor::fields_to_vec(v, &[#(#skip),*]).map_err(|e| e.to_string())?.as_deref()))
                    }
                    _ => quote!(es::Payload::Implicit),
                };
                quote!(types::#union::#variant(v) => es::event_message(#name, v, &[#(#headers),*], #payload),)
            }
        }
    });
    // Exceptions a client sends (JSON protocols only; on restXml and
    // rpcv2Cbor they fall to the catch-all error).
    let errors = stream.errors.iter().filter(|_| !stream.xml && !stream.cbor).map(|e| {
        let name = &e.name;
        let variant = ident(&e.variant);
        quote!(types::#union::#variant(v) => es::exception_message(#name, v),)
    });
    let doc = format!(" The message an event of `{}`'s input stream is sent as, before signing.", op.name);
    quote! {
        #[doc = #doc]
        pub fn #f(event: &types::#union) -> ::std::result::Result<::smithy_gen_runtime::streams::event_stream::Message, ::std::string::String> {
            use ::smithy_gen_runtime::streams::event_stream as es;
            #[allow(unreachable_patterns)]
            match event {
                #(#arms)*
                #(#errors)*
                other => ::std::result::Result::Err(::std::format!("{other:?} is not an event this client can send")),
            }
        }
    }
}
