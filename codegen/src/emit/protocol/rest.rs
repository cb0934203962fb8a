//! restJson1 and restXml: members bound by `@httpLabel`, `@httpQuery`,
//! `@httpQueryParams`, `@httpHeader`, `@httpPrefixHeaders`, `@httpPayload`
//! and `@httpResponseCode` travel in the URI, query, headers, payload and
//! status; every other member goes into the body, whose format (and that of
//! structure payloads) is the protocol's: `rest_json` or `rest_xml`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{rest_json, rest_xml};
use crate::emit::rust_type::ident;
use crate::ir::{HttpBinding, MemberIr, OperationIr, Protocol, RType, RequestCustomization, ServiceIr, StructIr, TypeIr};
use crate::ir::{TimestampFormat, UriSegment};

/// A value of type `ty`, borrowed as `v`, as header, label or query text.
/// A timestamp's text may fail (a year its format cannot express), so the
/// expression may use `?` for a violation of `member` of `type_name`.
fn text(ty: &RType, v: TokenStream, fmt: TimestampFormat, member: &str, type_name: &str) -> TokenStream {
    match ty {
        RType::String => quote!(::std::string::String::clone(#v)),
        // Enums, string or integer.
        RType::Named(_) => quote!(::smithy_gen_runtime::types::enums::EnumText::to_text(#v).into_owned()),
        RType::Float => quote!(::smithy_gen_runtime::protocols::rest_json::fmt_float32(*#v)),
        RType::Double | RType::BigDecimal => quote!(::smithy_gen_runtime::protocols::rest_json::fmt_float(*#v)),
        RType::Timestamp => match fmt {
            TimestampFormat::DateTime => quote!(::smithy_gen_runtime::protocols::rest_json::timestamp_text(#v, ::smithy_gen_runtime::types::timestamp::Format::DateTime, #member, #type_name)?),
            TimestampFormat::HttpDate => quote!(::smithy_gen_runtime::protocols::rest_json::timestamp_text(#v, ::smithy_gen_runtime::types::timestamp::Format::HttpDate, #member, #type_name)?),
            TimestampFormat::EpochSeconds => quote!(#v.fmt_epoch_seconds()),
        },
        RType::Blob => quote!(::smithy_gen_runtime::types::blob::encode(#v.as_bytes())),
        RType::Document | RType::List(_) | RType::Map(..) => {
            quote!(::serde_json::to_string(#v).unwrap_or_default())
        }
        _ => quote!(::std::string::ToString::to_string(#v)),
    }
}

/// A closure from header text to a value of `ty`.
fn from_text(ty: &RType, fmt: TimestampFormat) -> TokenStream {
    let f = match fmt {
        TimestampFormat::DateTime => "date-time",
        TimestampFormat::HttpDate => "http-date",
        TimestampFormat::EpochSeconds => "epoch-seconds",
    };
    match ty {
        RType::String => quote!(::smithy_gen_runtime::protocols::rest_json::parse_string),
        RType::Named(n) => {
            let n = ident(n);
            quote!(<types::#n as ::smithy_gen_runtime::types::enums::EnumText>::from_text)
        }
        RType::Bool => quote!(::smithy_gen_runtime::protocols::rest_json::parse_bool),
        RType::Float => quote!(|v: &str| ::smithy_gen_runtime::protocols::rest_json::parse_float(v).map(|f| f as f32)),
        RType::Double | RType::BigDecimal => quote!(::smithy_gen_runtime::protocols::rest_json::parse_float),
        RType::Timestamp => quote!(|v: &str| ::smithy_gen_runtime::protocols::rest_json::parse_timestamp(v, #f)),
        RType::Blob => quote!(|v: &str| ::smithy_gen_runtime::types::blob::decode(v)
            .map(::smithy_gen_runtime::types::blob::Blob::new)
            .map_err(|e| e.to_string())),
        RType::List(inner) => {
            let item = from_text(inner, fmt);
            let ts = matches!(**inner, RType::Timestamp) && fmt == TimestampFormat::HttpDate;
            quote!(|v: &str| {
                let item = #item;
                ::smithy_gen_runtime::protocols::rest_json::split_header_list(v, #ts)
                    .iter()
                    .map(|s| item(s.as_str()))
                    .collect::<::std::result::Result<::std::vec::Vec<_>, ::std::string::String>>()
            })
        }
        RType::Document | RType::Map(..) => quote!(|v: &str| ::serde_json::from_str(v).map_err(|e| e.to_string())),
        _ => quote!(::smithy_gen_runtime::protocols::rest_json::parse_number),
    }
}

fn is_list(ty: &RType) -> Option<&RType> {
    match ty {
        RType::List(inner) => Some(inner),
        _ => None,
    }
}

pub fn serialize(svc: &ServiceIr, op: &OperationIr, input: Option<&StructIr>) -> TokenStream {
    let Some(http) = &op.http else {
        return quote!(::std::result::Result::Err(::smithy_gen_runtime::error::Failure::Transport(
            ::smithy_gen_runtime::error::TransportError::new(::smithy_gen_runtime::error::TransportErrorKind::InvalidRequest, "no @http binding")
        )));
    };
    let members: &[MemberIr] = input.map(|s| s.members.as_slice()).unwrap_or_default();
    let type_name = &op.input;
    let member = |name: &str| members.iter().find(|m| m.name == name);
    let method = http.method.to_ascii_uppercase();

    let mut path = Vec::new();
    for seg in &http.path {
        match seg {
            UriSegment::Literal(l) => {
                let l = format!("/{l}");
                path.push(quote!(path.push_str(#l);));
            }
            UriSegment::Label(name) | UriSegment::Greedy(name) => {
                let greedy = matches!(seg, UriSegment::Greedy(_));
                let Some(m) = member(name) else { continue };
                let f = ident(&m.rust_name);
                let n = &m.name;
                let value = match m.ty {
                    RType::String => quote!(v.as_str()),
                    RType::Named(_) => quote!(&::smithy_gen_runtime::types::enums::EnumText::to_text(v)),
                    _ => {
                        let t = text(&m.ty, quote!(v), m.timestamp_format.unwrap_or(TimestampFormat::DateTime), &m.name, type_name);
                        quote!(&#t)
                    }
                };
                let label_default = op.customizations.iter().find_map(|c| match c {
                    RequestCustomization::LabelDefault { field, value } if *field == m.rust_name => Some(value),
                    _ => None,
                });
                path.push(match label_default {
                    // A service customisation: unset or empty is this value.
                    Some(d) => quote! {
                        path.push('/');
                        let v = input.#f.as_deref().filter(|v| !v.is_empty()).unwrap_or(#d);
                        ::smithy_gen_runtime::protocols::rest_json::label(&mut path, v, #n, #type_name, #greedy)?;
                    },
                    // S3 object keys keep their dot segments (see `label_keeping_dots`).
                    None if greedy && svc.s3_signing => quote! {
                        path.push('/');
                        let v = ::smithy_gen_runtime::protocols::rest_json::required_label(&input.#f, #n, #type_name)?;
                        ::smithy_gen_runtime::protocols::rest_json::label_keeping_dots(&mut path, #value, #n, #type_name)?;
                    },
                    None => quote! {
                        path.push('/');
                        let v = ::smithy_gen_runtime::protocols::rest_json::required_label(&input.#f, #n, #type_name)?;
                        ::smithy_gen_runtime::protocols::rest_json::label(&mut path, #value, #n, #type_name, #greedy)?;
                    },
                });
            }
        }
    }
    let bucket_in_endpoint = op.customizations.contains(&RequestCustomization::S3BucketInEndpoint);
    if (http.path.is_empty() && !bucket_in_endpoint) || (http.uri.split('?').next().is_some_and(|p| p.len() > 1 && p.ends_with('/'))) {
        path.push(quote!(path.push('/');));
    }

    let mut query = Vec::new();
    for (k, v) in &http.query {
        query.push(match v {
            Some(v) => quote!(request.query(#k, #v);),
            None => quote!(request.query_flag(#k);),
        });
    }
    let mut params = Vec::new();
    let mut headers = Vec::new();
    let mut prefix_headers = Vec::new();
    let mut body = Vec::new();
    let mut bound = Vec::new();
    let mut payload = None;
    for m in members {
        let f = ident(&m.rust_name);
        if m.http != HttpBinding::Body {
            bound.push(wire_name(svc, m));
        }
        match &m.http {
            HttpBinding::Body => body.push(m),
            HttpBinding::Label { .. } | HttpBinding::ResponseCode => {}
            HttpBinding::Query(name) => {
                let fmt = m.timestamp_format.unwrap_or(TimestampFormat::DateTime);
                let code = match is_list(&m.ty) {
                    Some(inner) => {
                        let t = text(inner, quote!(item), fmt, &m.name, type_name);
                        quote!(for item in v { request.query(#name, #t); })
                    }
                    None => {
                        let t = text(&m.ty, quote!(v), fmt, &m.name, type_name);
                        quote!(request.query(#name, #t);)
                    }
                };
                query.push(quote!(if let ::std::option::Option::Some(v) = &input.#f { #code }));
            }
            HttpBinding::QueryParams => {
                let code = match &m.ty {
                    RType::Map(_, v) if is_list(v).is_some() => quote! {
                        for item in v { request.query(k, ::std::string::String::clone(item)); }
                    },
                    _ => quote!(request.query(k, ::std::string::String::clone(v));),
                };
                params.push(quote! {
                    if let ::std::option::Option::Some(map) = &input.#f {
                        for (k, v) in map {
                            if !explicit.iter().any(|n| n == k) { #code }
                        }
                    }
                });
            }
            HttpBinding::Header(name) => {
                let fmt = m.timestamp_format.unwrap_or(TimestampFormat::HttpDate);
                let value = match is_list(&m.ty) {
                    Some(inner) => {
                        let t = text(inner, quote!(item), fmt, &m.name, type_name);
                        let ts = matches!(inner, RType::Timestamp) && fmt == TimestampFormat::HttpDate;
                        quote!({
                            let mut items = ::std::vec::Vec::with_capacity(v.len());
                            for item in v {
                                items.push(#t);
                            }
                            ::smithy_gen_runtime::protocols::rest_json::join_header_list(&items, #ts)
                        })
                    }
                    // A string with `@mediaType` travels in a header as base64.
                    None if m.ty == RType::String && m.media_type.is_some() => {
                        quote!(::smithy_gen_runtime::types::blob::encode(v.as_bytes()))
                    }
                    None => text(&m.ty, quote!(v), fmt, &m.name, type_name),
                };
                let member = &m.name;
                headers.push(quote!(if let ::std::option::Option::Some(v) = &input.#f {
                    request.header(#name, ::smithy_gen_runtime::protocols::rest_json::header_text(#value, || #member.to_string(), false, #type_name)?);
                }));
            }
            HttpBinding::PrefixHeaders(prefix) => {
                let member = &m.name;
                // After the members' own headers, which win over an entry of
                // the map with the same name.
                prefix_headers.push(quote! {
                    if let ::std::option::Option::Some(map) = &input.#f {
                        for (k, v) in map {
                            let at = || ::std::format!("{}[{:?}]", #member, k);
                            let name = ::smithy_gen_runtime::protocols::rest_json::header_text(::std::format!("{}{}", #prefix, k), at, true, #type_name)?;
                            request.default_header(&name, &::smithy_gen_runtime::protocols::rest_json::header_text(::std::string::String::clone(v), at, false, #type_name)?);
                        }
                    }
                });
            }
            HttpBinding::Payload => payload = Some(m),
        }
    }
    let body_code = if let Some(m) = payload {
        let f = ident(&m.rust_name);
        let kind = payload_kind(svc, &m.ty);
        let (content_type, bytes) = match kind {
            // Shared with the caller's blob, not copied.
            PayloadKind::Blob => ("application/octet-stream", quote!(v.to_bytes())),
            PayloadKind::Text => ("text/plain", quote!(v.as_bytes().to_vec())),
            PayloadKind::Enum => ("text/plain", quote!(v.as_str().as_bytes().to_vec())),
            PayloadKind::Structure | PayloadKind::Json if svc.protocol == Protocol::RestXml => {
                ("application/xml", rest_xml::payload_bytes(svc, m))
            }
            PayloadKind::Structure | PayloadKind::Json => ("application/json", rest_json::payload_bytes()),
        };
        let content_type = m.media_type.as_deref().unwrap_or(content_type);
        // An unset structure payload is still a JSON object: `{}` (restXml
        // sends no body).
        let unset = (kind == PayloadKind::Structure && svc.protocol == Protocol::RestJson1).then(|| {
            quote! {
                else {
                    request.default_header("content-type", #content_type);
                    request.set_body(&b"{}"[..]);
                }
            }
        });
        quote! {
            if let ::std::option::Option::Some(v) = &input.#f {
                request.default_header("content-type", #content_type);
                request.set_body(#bytes);
            } #unset
        }
    } else if !body.is_empty() {
        match svc.protocol {
            Protocol::RestXml => rest_xml::body(svc, input, &bound),
            _ => rest_json::body(&bound),
        }
    } else {
        quote!()
    };
    let explicit = if params.is_empty() {
        quote!()
    } else {
        quote!(let explicit: ::std::vec::Vec<::std::string::String> = request.query.iter().map(|(k, _)| k.clone()).collect();)
    };
    let uses_input = !members.is_empty();
    let silence = if uses_input { quote!() } else { quote!(let _ = input;) };
    // S3 paths left empty (the bucket in the endpoint) are built by nothing.
    let path_mut = (!path.is_empty()).then(|| quote!(mut));
    quote! {
        #silence
        let #path_mut path = ::std::string::String::new();
        #(#path)*
        #[allow(unused_mut)]
        let mut request = ::smithy_gen_runtime::request::PreparedRequest::new(#method, path);
        #(#query)*
        #explicit
        #(#params)*
        #(#headers)*
        #(#prefix_headers)*
        #body_code
        ::std::result::Result::Ok(request)
    }
}

/// Statements reading an error structure's header-bound members from
/// `response` into `self` (restJson1); a value that does not parse leaves
/// the member unset (the error itself is what matters).
pub fn error_header_reads(s: &StructIr) -> Vec<TokenStream> {
    s.members
        .iter()
        .filter_map(|m| {
            let f = ident(&m.rust_name);
            let value = match response_value(m)? {
                ResponseValue::Fallible(e) => quote!(::std::result::Result::Ok(::std::option::Option::Some(v)) = #e),
                ResponseValue::Optional(e) => quote!(::std::option::Option::Some(v) = #e),
            };
            Some(quote!(if let #value { self.#f = ::std::option::Option::Some(v); }))
        })
        .collect()
}

/// An output or error member's value from the response's status or headers.
enum ResponseValue {
    /// `Result<Option<T>, Failure>`: a header whose text may not parse.
    Fallible(TokenStream),
    /// `Option<T>`.
    Optional(TokenStream),
}

/// The value of a member bound to a header, the prefix headers or the status
/// code (`None` for other bindings).
fn response_value(m: &MemberIr) -> Option<ResponseValue> {
    Some(match &m.http {
        // `@mediaType` strings travel in headers as base64.
        HttpBinding::Header(name) if m.ty == RType::String && m.media_type.is_some() => {
            ResponseValue::Fallible(quote!(::smithy_gen_runtime::protocols::rest_json::header(response, #name, |v: &str| {
                ::smithy_gen_runtime::types::blob::decode(v)
                    .map_err(|e| e.to_string())
                    .and_then(|b| ::std::string::String::from_utf8(b).map_err(|e| e.to_string()))
            })))
        }
        HttpBinding::Header(name) => {
            let conv = from_text(&m.ty, m.timestamp_format.unwrap_or(TimestampFormat::HttpDate));
            ResponseValue::Fallible(quote!(::smithy_gen_runtime::protocols::rest_json::header(response, #name, #conv)))
        }
        HttpBinding::PrefixHeaders(prefix) => {
            ResponseValue::Optional(quote!(::smithy_gen_runtime::protocols::rest_json::prefix_headers(response, #prefix)))
        }
        HttpBinding::ResponseCode => ResponseValue::Optional(quote!(::std::option::Option::Some(i32::from(response.status)))),
        _ => return None,
    })
}

/// How an `@httpPayload` member travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PayloadKind {
    /// Raw bytes.
    Blob,
    /// A string's UTF-8 text.
    Text,
    /// An enum's value, as text.
    Enum,
    /// A structure's JSON object (`{}` when unset).
    Structure,
    /// A union or document, as JSON.
    Json,
}

fn payload_kind(svc: &ServiceIr, ty: &RType) -> PayloadKind {
    match ty {
        RType::Blob => PayloadKind::Blob,
        RType::String => PayloadKind::Text,
        RType::Named(n) => match svc.types.iter().find(|t| t.name() == n) {
            Some(TypeIr::Enum(_)) => PayloadKind::Enum,
            Some(TypeIr::Struct(_)) => PayloadKind::Structure,
            _ => PayloadKind::Json,
        },
        _ => PayloadKind::Json,
    }
}

/// A member's name in the body: its JSON or XML name.
fn wire_name(svc: &ServiceIr, m: &MemberIr) -> String {
    match (&m.xml, svc.protocol) {
        (Some(x), Protocol::RestXml) => x.name.clone(),
        _ => m.json_name.clone(),
    }
}

/// Reading the body's members: `Result<Output, Failure>`.
fn parse_body(svc: &ServiceIr) -> TokenStream {
    match svc.protocol {
        Protocol::RestXml => rest_xml::parse_body(),
        _ => rest_json::parse_body(),
    }
}

pub fn parse(svc: &ServiceIr, output_name: &str, output: Option<&StructIr>) -> TokenStream {
    let ty = ident(output_name);
    let members: &[MemberIr] = output.map(|s| s.members.as_slice()).unwrap_or_default();
    // Query and label bindings mean nothing in a response: such members are
    // read from the body like unbound ones.
    let has_body = members
        .iter()
        .any(|m| matches!(m.http, HttpBinding::Body | HttpBinding::Query(_) | HttpBinding::QueryParams | HttpBinding::Label { .. }));
    // Each member bound outside the JSON body, with the expression giving its value.
    let mut bound = Vec::new();
    for m in members {
        let value = match (&m.http, response_value(m)) {
            (HttpBinding::Payload, _) => payload_value(svc, m),
            (_, Some(ResponseValue::Fallible(e))) => quote!(#e?),
            (_, Some(ResponseValue::Optional(e))) => e,
            (_, None) => continue,
        };
        bound.push((ident(&m.rust_name), value));
    }
    if bound.is_empty() {
        let start = if has_body {
            let p = parse_body(svc);
            quote!(#p?)
        } else {
            // Nothing to read: the output has no member on the wire.
            quote!({
                let _ = response;
                ::std::default::Default::default()
            })
        };
        return quote! {
            #[allow(unused_mut)]
            let mut output: types::#ty = #start;
            ::std::result::Result::Ok(output)
        };
    }
    if has_body {
        let assigns = bound.iter().map(|(f, v)| quote!(output.#f = #v;));
        let p = parse_body(svc);
        return quote! {
            let mut output: types::#ty = #p?;
            #(#assigns)*
            ::std::result::Result::Ok(output)
        };
    }
    // No JSON body: every value comes from the status, headers or payload,
    // so the output is built in one expression.
    let fields = bound.iter().map(|(f, v)| quote!(#f: #v,));
    let rest = (bound.len() < members.len()).then(|| quote!(..::std::default::Default::default()));
    quote! {
        let output = types::#ty { #(#fields)* #rest };
        ::std::result::Result::Ok(output)
    }
}

/// The value of an `@httpPayload` output member, from the whole response
/// body. A blob or string payload with a `@default` (such as a `@streaming`
/// blob defaulting to empty) is always set: an empty body is its value.
fn payload_value(svc: &ServiceIr, m: &MemberIr) -> TokenStream {
    let always = m.default.is_some();
    if let (RType::Named(n), PayloadKind::Enum) = (&m.ty, payload_kind(svc, &m.ty)) {
        let n = ident(n);
        return quote!((!response.body.is_empty()).then(|| types::#n::from(::std::string::String::from_utf8_lossy(&response.body).as_ref())));
    }
    if m.ty == RType::Document {
        return quote!(if response.body.iter().all(u8::is_ascii_whitespace) {
            ::std::option::Option::None
        } else {
            ::std::option::Option::Some(::smithy_gen_runtime::protocols::json::parse_value(response)?)
        });
    }
    match &m.ty {
        RType::Blob if always => quote!(::std::option::Option::Some(::smithy_gen_runtime::types::blob::Blob::from(response.body.clone()))),
        RType::Blob => quote!((!response.body.is_empty()).then(|| ::smithy_gen_runtime::types::blob::Blob::from(response.body.clone()))),
        RType::String if always => {
            quote!(::std::option::Option::Some(::std::string::String::from_utf8_lossy(&response.body).into_owned()))
        }
        RType::String => quote!((!response.body.is_empty()).then(|| ::std::string::String::from_utf8_lossy(&response.body).into_owned())),
        _ if svc.protocol == Protocol::RestXml => rest_xml::parse_payload(),
        _ => quote!(if response.body.iter().all(u8::is_ascii_whitespace) {
            ::std::option::Option::None
        } else {
            ::std::option::Option::Some(::smithy_gen_runtime::protocols::json::parse_body(response)?)
        }),
    }
}
