//! The protocol compliance cases as tests of the generated crate
//! (`src/<service>/protocol_tests.rs`, compiled under `cfg(test)`). A request
//! case calls the client method with the case's input over a transport that
//! records the request, and compares it with the case (the runtime's
//! `protocol_test` module lists every difference). A response case parses the
//! case's response with the operation's parser and compares the output, or
//! the error, with the case's params.

use proc_macro2::TokenStream;
use quote::quote;

use super::gates;
use super::rust_type::ident;
use crate::ir::{OperationIr, ProtocolTestIr, ProtocolTestKind, ServiceIr};

/// Whether any operation of the service has a case.
pub fn has_protocol_tests(svc: &ServiceIr) -> bool {
    svc.operations.iter().any(|o| !o.protocol_tests.is_empty())
}

/// The test module, or `None` without cases.
pub fn protocol_tests_file(svc: &ServiceIr) -> Option<TokenStream> {
    if !has_protocol_tests(svc) {
        return None;
    }
    let proto = ident(super::protocol::module_name(svc));
    let tests = svc.operations.iter().flat_map(|op| {
        let cfg = gates::cfg(&gates::operation(svc, op));
        let proto = proto.clone();
        op.protocol_tests.iter().map(move |t| {
            let body = match &t.kind {
                ProtocolTestKind::Request { .. } => request_test(svc, op, t),
                ProtocolTestKind::EventStreamInput { messages, events } => input_event_test(op, messages, events, &proto),
                ProtocolTestKind::EventStreamInitialRequest { method, uri } => initial_request_test(op, t, method, uri, &proto),
                ProtocolTestKind::EventStreamOutput { code, messages, events, initial, failure } => {
                    event_stream_test(op, t, *code, messages, events, initial.as_deref(), failure.as_ref(), &proto)
                }
                ProtocolTestKind::Response { code, error, error_code } => {
                    response_test(op, t, *code, error.as_deref(), error_code.as_deref(), &proto)
                }
            };
            let name = ident(&t.fn_name);
            let doc = format!(" `{}` ({}){}", t.id, op.name, t.docs.as_deref().map(|d| format!(": {}", d.trim())).unwrap_or_default());
            quote! {
                #cfg
                #[doc = #doc]
                #[test]
                fn #name() {
                    #body
                }
            }
        })
    });
    Some(quote! {
        //! The Smithy protocol compliance cases of this service's operations
        //! (`smithy.test#httpRequestTests`, `smithy.test#httpResponseTests`).

        use ::smithy_gen_runtime::protocol_test as pt;
        #(#tests)*
    })
}

fn strs(items: &[String]) -> TokenStream {
    quote!(&[#(#items),*])
}

fn opt(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    }
}

fn headers(h: &[(String, String)]) -> TokenStream {
    let pairs = h.iter().map(|(k, v)| quote!((#k, #v)));
    quote!(&[#(#pairs),*])
}

/// The XML elements whose order among their siblings means nothing: map
/// entries (`entry`, and the elements of flattened maps).
fn unordered_elements(svc: &ServiceIr) -> Vec<String> {
    let mut names = std::collections::BTreeSet::from(["entry".to_string()]);
    for t in &svc.types {
        if let crate::ir::TypeIr::Struct(s) = t {
            for m in &s.members {
                if let Some(x) = &m.xml {
                    if let crate::ir::XmlCodec::Map { flat: true, .. } = x.codec {
                        names.insert(x.name.split(' ').next().unwrap_or_default().to_string());
                    }
                }
            }
        }
    }
    names.into_iter().collect()
}

fn request_test(svc: &ServiceIr, op: &OperationIr, t: &ProtocolTestIr) -> TokenStream {
    let ProtocolTestKind::Request {
        method,
        uri,
        host,
        resolved_host,
        query_params,
        forbid_query_params,
        require_query_params,
        forbid_headers,
        require_headers,
    } = &t.kind
    else {
        return TokenStream::new();
    };
    let input_ty = ident(&op.input);
    let call = ident(&super::client::input_fn(svc, op));
    let params = &t.params;
    let (host, resolved_host) = (opt(host), opt(resolved_host));
    let (body, media) = (opt(&t.body), opt(&t.body_media_type));
    let (qp, fqp, rqp) = (strs(query_params), strs(forbid_query_params), strs(require_query_params));
    let (fh, rh) = (strs(forbid_headers), strs(require_headers));
    let hs = headers(&t.headers);
    let unordered = if svc.protocol.is_xml() { unordered_elements(svc) } else { Vec::new() };
    quote! {
        let input: super::types::#input_ty = pt::value(#params);
        let sent = pt::send(#host, |config| async move { super::Client::new(config).#call(input).await });
        pt::assert_request(&sent, &pt::ExpectedRequest {
            method: #method,
            uri: #uri,
            query_params: #qp,
            forbid_query_params: #fqp,
            require_query_params: #rqp,
            headers: #hs,
            forbid_headers: #fh,
            require_headers: #rh,
            body: #body,
            body_media_type: #media,
            unordered: &[#(#unordered),*],
            resolved_host: #resolved_host,
        });
    }
}

fn response_test(
    op: &OperationIr,
    t: &ProtocolTestIr,
    code: u16,
    error: Option<&str>,
    error_code: Option<&str>,
    proto: &proc_macro2::Ident,
) -> TokenStream {
    let parse = ident(&format!("parse_{}", op.fn_name));
    let params = &t.params;
    let body = t.body.clone().unwrap_or_default();
    let hs = headers(&t.headers);
    let response = match t.body_media_type.as_deref() {
        Some(media) => quote!(let response = pt::response_in(#code, #hs, #body, ::std::option::Option::Some(#media));),
        None => quote!(let response = pt::response(#code, #hs, #body);),
    };
    match error {
        None => {
            let output_ty = ident(&op.output);
            quote! {
                #response
                let expected: super::types::#output_ty = pt::value(#params);
                match super::#proto::#parse(&response) {
                    ::std::result::Result::Ok(output) => pt::assert_same(&output, &expected),
                    ::std::result::Result::Err(e) => panic!("the response does not parse: {e}"),
                }
            }
        }
        Some(e) => {
            let error_ty = ident(e);
            let enum_ty = ident(&super::errors::error_name(op));
            let check_code = error_code.map(|c| quote!(assert_eq!(error.meta.code, #c, "the error code the client reports");));
            quote! {
                #response
                let expected: super::types::#error_ty = pt::value(#params);
                match super::#proto::#parse(&response) {
                    ::std::result::Result::Err(super::errors::#enum_ty::#error_ty(error)) => {
                        pt::assert_same(&error.error, &expected);
                        #check_code
                    }
                    ::std::result::Result::Err(other) => panic!("parsed as another error: {other}"),
                    ::std::result::Result::Ok(_) => panic!("the error response parsed as a success"),
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn event_stream_test(
    op: &OperationIr,
    t: &ProtocolTestIr,
    code: u16,
    messages: &[String],
    events: &[String],
    initial: Option<&str>,
    failure: Option<&Option<String>>,
    proto: &proc_macro2::Ident,
) -> TokenStream {
    let Some(stream) = &op.output_stream else { return TokenStream::new() };
    let open = ident(&format!("open_{}", op.fn_name));
    let union = ident(&stream.union);
    let output_ty = ident(&op.output);
    let enum_ty = ident(&super::errors::error_name(op));
    let body = t.body.clone().unwrap_or_default();
    let hs = headers(&t.headers);
    let run = quote! {
        let messages: &[&str] = &[#(#messages),*];
        let outcome = pt::block_on(async {
            let (output, mut events) = super::#proto::#open(pt::event_stream_response(#code, #hs, #body, messages)).await?;
            let mut got = ::std::vec::Vec::new();
            while let ::std::option::Option::Some(e) = events.recv().await? {
                got.push(e);
            }
            ::std::result::Result::Ok::<_, super::errors::#enum_ty>((output, got))
        });
    };
    match failure {
        None => {
            let check_initial = initial.map(|p| quote! {
                let expected: super::types::#output_ty = pt::value(#p);
                pt::assert_same(&output, &expected);
            });
            quote! {
                #run
                let (output, got) = outcome.unwrap_or_else(|e| panic!("the stream failed: {e}"));
                let _ = &output;
                let expected: ::std::vec::Vec<super::types::#union> = ::std::vec![#(pt::value(#events)),*];
                assert_eq!(got.len(), expected.len(), "events received: {got:?}");
                for (g, e) in got.iter().zip(&expected) {
                    pt::assert_same(g, e);
                }
                #check_initial
            }
        }
        Some(None) => quote! {
            #run
            if let ::std::result::Result::Ok((_, got)) = outcome {
                panic!("the stream should have failed; it gave {got:?}");
            }
        },
        Some(Some(error)) => {
            let variant = ident(error);
            quote! {
                #run
                match outcome {
                    ::std::result::Result::Err(super::errors::#enum_ty::#variant(_)) => {}
                    ::std::result::Result::Err(other) => panic!("failed with another error: {other}"),
                    ::std::result::Result::Ok((_, got)) => panic!("the stream should have failed with {}; it gave {got:?}", #error),
                }
            }
        }
    }
}

fn input_event_test(op: &OperationIr, messages: &[String], events: &[String], proto: &proc_macro2::Ident) -> TokenStream {
    let Some(stream) = &op.input_stream else { return TokenStream::new() };
    let marshal = ident(&format!("marshal_{}_event", op.fn_name));
    let union = ident(&stream.union);
    quote! {
        let events: ::std::vec::Vec<super::types::#union> = ::std::vec![#(pt::value(#events)),*];
        let messages: &[&str] = &[#(#messages),*];
        assert_eq!(events.len(), messages.len());
        for (event, expected) in events.iter().zip(messages) {
            let message = super::#proto::#marshal(event).unwrap_or_else(|e| panic!("cannot write the event: {e}"));
            pt::assert_same_message(&message, expected);
        }
    }
}

fn initial_request_test(op: &OperationIr, t: &ProtocolTestIr, method: &str, uri: &str, proto: &proc_macro2::Ident) -> TokenStream {
    let prepare = ident(&format!("prepare_{}", op.fn_name));
    let input_ty = ident(&op.input);
    let params = &t.params;
    let hs = headers(&t.headers);
    quote! {
        let input: super::types::#input_ty = pt::value(#params);
        let request = super::#proto::#prepare(input, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(request.method, #method);
        assert_eq!(request.path_and_query(), #uri);
        let expected: &[(&str, &str)] = #hs;
        for (name, value) in expected {
            let sent = request.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
            assert_eq!(sent, ::std::option::Option::Some(*value), "header {name}");
        }
    }
}
