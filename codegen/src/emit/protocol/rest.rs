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

/// The `http_bindings` kind of a value of type `ty` as header, label or
/// query text (see `runtime/src/protocols/http_bindings.rs`).
fn text_kind(ty: &RType, fmt: TimestampFormat) -> TokenStream {
    match ty {
        RType::String => quote!(str),
        // Enums, string or integer.
        RType::Named(_) => quote!(enum),
        RType::Float => quote!(f32),
        RType::Double | RType::BigDecimal => quote!(f64),
        RType::Timestamp => match fmt {
            TimestampFormat::DateTime => quote!(date_time),
            TimestampFormat::HttpDate => quote!(http_date),
            TimestampFormat::EpochSeconds => quote!(epoch),
        },
        RType::Blob => quote!(blob),
        RType::Document | RType::List(_) | RType::Map(..) => quote!(json),
        _ => quote!(display),
    }
}

/// The `http_bindings` kind reading header text as a value of type `ty`.
fn from_kind(ty: &RType, fmt: TimestampFormat) -> TokenStream {
    let f = match fmt {
        TimestampFormat::DateTime => "date-time",
        TimestampFormat::HttpDate => "http-date",
        TimestampFormat::EpochSeconds => "epoch-seconds",
    };
    match ty {
        RType::String => quote!(str),
        RType::Named(n) => {
            let n = ident(n);
            quote!(enum types::#n)
        }
        RType::Bool => quote!(bool),
        RType::Float => quote!(f32),
        RType::Double | RType::BigDecimal => quote!(f64),
        RType::Timestamp => quote!(ts #f),
        RType::Blob => quote!(blob),
        RType::List(inner) => {
            let item = from_kind(inner, fmt);
            let ts = matches!(**inner, RType::Timestamp) && fmt == TimestampFormat::HttpDate;
            quote!(list #ts (#item))
        }
        RType::Document | RType::Map(..) => quote!(json),
        _ => quote!(num),
    }
}

fn is_list(ty: &RType) -> Option<&RType> {
    match ty {
        RType::List(inner) => Some(inner),
        _ => None,
    }
}

/// The request of a restJson1 or restXml operation: its bindings as one
/// `http_request!` table (labels, query, headers), then its body.
/// Statements declaring `request`; a violation returns with `?`. `None`
/// for an operation without `@http`: `no_binding` is its request.
///
/// The request also names the response headers that carry `@sensitive`
/// members of `output` (`request.sensitive_names.add_response_header(..)`),
/// so recordings redact their values.
pub fn serialize(svc: &ServiceIr, op: &OperationIr, input: Option<&StructIr>, output: Option<&StructIr>) -> Option<TokenStream> {
    let http = op.http.as_ref()?;
    let members: &[MemberIr] = input.map(|s| s.members.as_slice()).unwrap_or_default();
    let type_name = &op.input;
    let member = |name: &str| members.iter().find(|m| m.name == name);
    // Entries of `@sensitive` members (or targets, or of a sensitive input)
    // start with `sensitive`: the request names their headers and query
    // parameters so its `Debug` and recordings hide their values, and no
    // violation shows them.
    let in_sensitive = input.is_some_and(|s| s.sensitive);
    let secret = |m: &MemberIr| (m.sensitive || in_sensitive).then(|| quote!(sensitive));
    let method = http.method.to_ascii_uppercase();

    // The path: literal text (runs of it joined) and labels.
    let mut path = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, path: &mut Vec<TokenStream>| {
        if !text.is_empty() {
            path.push(quote!(text(#text)));
            text.clear();
        }
    };
    for seg in &http.path {
        match seg {
            UriSegment::Literal(l) => {
                text.push('/');
                text.push_str(l);
            }
            UriSegment::Label(name) | UriSegment::Greedy(name) => {
                let greedy = matches!(seg, UriSegment::Greedy(_));
                let Some(m) = member(name) else { continue };
                text.push('/');
                flush(&mut text, &mut path);
                let f = ident(&m.rust_name);
                let n = &m.name;
                let s = secret(m);
                let kind = text_kind(&m.ty, m.timestamp_format.unwrap_or(TimestampFormat::DateTime));
                let label_default = op.customizations.iter().find_map(|c| match c {
                    RequestCustomization::LabelDefault { field, value } if *field == m.rust_name => Some(value),
                    _ => None,
                });
                path.push(match label_default {
                    // A service customisation: unset or empty is this value.
                    Some(d) => quote!(or(#s #f #n #d #greedy)),
                    // S3 object keys keep their dot segments (see `label_keeping_dots`).
                    None if greedy && svc.s3_signing => quote!(keep_dots(#s #f #n #kind)),
                    None if greedy => quote!(greedy(#s #f #n #kind)),
                    None => quote!(label(#s #f #n #kind)),
                });
            }
        }
    }
    let bucket_in_endpoint = op.customizations.contains(&RequestCustomization::S3BucketInEndpoint);
    if (http.path.is_empty() && !bucket_in_endpoint) || (http.uri.split('?').next().is_some_and(|p| p.len() > 1 && p.ends_with('/'))) {
        text.push('/');
    }
    flush(&mut text, &mut path);

    // The other bindings, in the order the request gets them: the URI's own
    // query, the members' query parameters, `@httpQueryParams` (after the
    // members', which win), headers, then prefix headers (after the
    // members' own headers, which win over an entry of the same name).
    let mut query = Vec::new();
    for (k, v) in &http.query {
        query.push(match v {
            Some(v) => quote!(constant(#k #v)),
            None => quote!(flag(#k)),
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
        let n = &m.name;
        let s = secret(m);
        if m.http != HttpBinding::Body {
            bound.push(wire_name(svc, m));
        }
        match &m.http {
            HttpBinding::Body => body.push(m),
            HttpBinding::Label { .. } | HttpBinding::ResponseCode => {}
            HttpBinding::Query(name) => {
                let fmt = m.timestamp_format.unwrap_or(TimestampFormat::DateTime);
                query.push(match is_list(&m.ty) {
                    Some(inner) => {
                        let kind = text_kind(inner, fmt);
                        quote!(query_list(#s #name #f #n #kind))
                    }
                    None => {
                        let kind = text_kind(&m.ty, fmt);
                        quote!(query(#s #name #f #n #kind))
                    }
                });
            }
            HttpBinding::QueryParams => params.push(match &m.ty {
                RType::Map(_, v) if is_list(v).is_some() => quote!(params_list(#s #f)),
                _ => quote!(params(#s #f)),
            }),
            HttpBinding::Header(name) => {
                let fmt = m.timestamp_format.unwrap_or(TimestampFormat::HttpDate);
                headers.push(match is_list(&m.ty) {
                    Some(inner) => {
                        let kind = text_kind(inner, fmt);
                        let ts = matches!(inner, RType::Timestamp) && fmt == TimestampFormat::HttpDate;
                        quote!(header_list(#s #name #f #n #kind #ts))
                    }
                    // A string with `@mediaType` travels in a header as base64.
                    None if m.ty == RType::String && m.media_type.is_some() => quote!(header(#s #name #f #n b64)),
                    None => {
                        let kind = text_kind(&m.ty, fmt);
                        quote!(header(#s #name #f #n #kind))
                    }
                });
            }
            HttpBinding::PrefixHeaders(prefix) => prefix_headers.push(quote!(prefix(#s #prefix #f #n))),
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
    let silence = if members.is_empty() { quote!(let _ = input;) } else { quote!() };
    let bindings = query.into_iter().chain(params).chain(headers).chain(prefix_headers);
    let response_names = sensitive_response_headers(output);
    Some(quote! {
        #silence
        ::smithy_gen_runtime::protocols::http_bindings::http_request!(request = #method, input: #type_name, [#(#path),*] [#(#bindings),*]);
        #(#response_names)*
        #body_code
    })
}

/// Statements naming, in `request.sensitive_names`, the response headers
/// (and header prefixes) that carry `@sensitive` members of `output` (or of
/// a sensitive output): recordings redact their values.
fn sensitive_response_headers(output: Option<&StructIr>) -> Vec<TokenStream> {
    let Some(output) = output else { return Vec::new() };
    output
        .members
        .iter()
        .filter(|m| m.sensitive || output.sensitive)
        .filter_map(|m| match &m.http {
            HttpBinding::Header(name) => Some(quote!(request.sensitive_names.add_response_header(#name);)),
            HttpBinding::PrefixHeaders(prefix) => Some(quote!(request.sensitive_names.add_response_prefix(#prefix);)),
            _ => None,
        })
        .collect()
}

/// The request of an operation without `@http`: `Result<PreparedRequest, Failure>`, an error.
pub fn no_binding() -> TokenStream {
    quote!(::std::result::Result::Err(::smithy_gen_runtime::error::Failure::Transport(
        ::smithy_gen_runtime::error::TransportError::new(::smithy_gen_runtime::error::TransportErrorKind::InvalidRequest, "no @http binding")
    )))
}

/// The statement reading an error structure's header-bound members from
/// `response` into `self` (restJson1), an `error_headers!` table; a value
/// that does not parse leaves the member unset (the error itself is what
/// matters). `None` when no member is bound to a header or the status.
pub fn error_header_reads(s: &StructIr) -> Option<TokenStream> {
    let entries: Vec<TokenStream> = s
        .members
        .iter()
        .filter_map(|m| {
            let f = ident(&m.rust_name);
            let how = response_how(m, s.sensitive)?;
            Some(quote!(#f: #how))
        })
        .collect();
    (!entries.is_empty()).then(|| quote!(::smithy_gen_runtime::protocols::http_bindings::error_headers!(response, self { #(#entries),* });))
}

/// The `http_response!` entry of a member bound to a header, the prefix
/// headers or the status code (`None` for other bindings). A header of a
/// `@sensitive` member (or target, or of a sensitive structure: `in_sensitive`)
/// is marked `sensitive`, so no parse error shows its value.
fn response_how(m: &MemberIr, in_sensitive: bool) -> Option<TokenStream> {
    let secret = (m.sensitive || in_sensitive).then(|| quote!(sensitive));
    Some(match &m.http {
        // `@mediaType` strings travel in headers as base64.
        HttpBinding::Header(name) if m.ty == RType::String && m.media_type.is_some() => quote!(header(#secret #name b64)),
        HttpBinding::Header(name) => {
            let from = from_kind(&m.ty, m.timestamp_format.unwrap_or(TimestampFormat::HttpDate));
            quote!(header(#secret #name #from))
        }
        HttpBinding::PrefixHeaders(prefix) => quote!(prefix(#prefix)),
        HttpBinding::ResponseCode => quote!(status),
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

/// The function reading the body's members: `fn(&RawResponse) -> Result<Output, Failure>`.
fn parse_body(svc: &ServiceIr) -> TokenStream {
    match svc.protocol {
        Protocol::RestXml => rest_xml::parse_body(),
        _ => rest_json::parse_body(),
    }
}

/// How a successful response becomes the output: a function or closure
/// from `&RawResponse` to `Result<Output, Failure>`.
pub fn parse(svc: &ServiceIr, output_name: &str, output: Option<&StructIr>) -> TokenStream {
    let ty = ident(output_name);
    let members: &[MemberIr] = output.map(|s| s.members.as_slice()).unwrap_or_default();
    let in_sensitive = output.is_some_and(|s| s.sensitive);
    // Query and label bindings mean nothing in a response: such members are
    // read from the body like unbound ones.
    let has_body = members
        .iter()
        .any(|m| matches!(m.http, HttpBinding::Body | HttpBinding::Query(_) | HttpBinding::QueryParams | HttpBinding::Label { .. }));
    // Each member bound outside the body, as an `http_response!` entry.
    let mut bound = Vec::new();
    for m in members {
        let f = ident(&m.rust_name);
        let how = match &m.http {
            HttpBinding::Payload => {
                let value = payload_value(svc, m);
                quote!(value(#value))
            }
            _ => match response_how(m, in_sensitive) {
                Some(how) => how,
                None => continue,
            },
        };
        bound.push(quote!(#f: #how));
    }
    if bound.is_empty() {
        // Nothing outside the body: the body's reader itself, or, with
        // no member on the wire, the default output.
        return if has_body { parse_body(svc) } else { quote!(::smithy_gen_runtime::protocols::http_bindings::no_output) };
    }
    let start = if has_body {
        let p = parse_body(svc);
        quote!(#p(response)?)
    } else {
        quote!(::std::default::Default::default())
    };
    quote!(|response| {
        let mut output: types::#ty = #start;
        ::smithy_gen_runtime::protocols::http_bindings::http_response!(response, output { #(#bound),* });
        ::std::result::Result::Ok(output)
    })
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::super::find_struct;
    use crate::lower::{lower_crate, Selection};
    use crate::model::Model;

    /// The response-header entries of a restJson1 output and error, without
    /// spaces: sensitive members (by trait on the member, on the target, or
    /// on the whole structure) carry the `sensitive` marker, the rest none.
    #[test]
    fn sensitive_header_members_are_marked() {
        let header = |name: &str, target: &str| json!({"target": target, "traits": {"smithy.api#httpHeader": name}});
        let mut pin = header("x-pin", "smithy.api#Integer");
        pin["traits"]["smithy.api#sensitive"] = json!({});
        let model = json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Get"}], "traits": {"aws.protocols#restJson1": {}}},
                "ex#Get": {"type": "operation", "output": {"target": "ex#GetOutput"}, "errors": [{"target": "ex#Oops"}],
                    "traits": {"smithy.api#http": {"method": "GET", "uri": "/"}}},
                "ex#GetOutput": {"type": "structure", "members": {
                    "Count": header("x-count", "smithy.api#Integer"),
                    "Pin": pin,
                    "Token": header("x-token", "ex#Secret"),
                    "Tags": header("x-tags", "ex#Tags"),
                }},
                "ex#Secret": {"type": "string", "traits": {"smithy.api#sensitive": {}}},
                "ex#Tags": {"type": "list", "member": {"target": "smithy.api#String"}},
                "ex#Oops": {"type": "structure", "members": {"Code": header("x-code", "smithy.api#Integer")},
                    "traits": {"smithy.api#error": "client", "smithy.api#sensitive": {}}},
            }
        });
        let model = Model::load_sources(&[(PathBuf::from("headers.json"), model.to_string())]).expect("loads");
        let ir = lower_crate(&model, "t", &Selection::default()).unwrap_or_else(|e| panic!("{e}"));
        let svc = &ir.services[0];
        let op = &svc.operations[0];
        let squeeze = |t: proc_macro2::TokenStream| t.to_string().replace(' ', "");
        let parse = squeeze(super::parse(svc, &op.output, find_struct(svc, &op.output)));
        for entry in [r#"count:header("x-count"num)"#, r#"pin:header(sensitive"x-pin"num)"#, r#"token:header(sensitive"x-token"str)"#, r#"tags:header("x-tags"listfalse(str))"#] {
            assert!(parse.contains(entry), "{entry} in {parse}");
        }
        let oops = find_struct(svc, "Oops").expect("the error");
        let reads = squeeze(super::error_header_reads(oops).expect("a header"));
        assert!(reads.contains(r#"code:header(sensitive"x-code"num)"#), "{reads}");
    }

    /// The lowered restJson1 service of one `@http` operation `ex#Op` with
    /// `input` and `output` structures, and `more` shapes.
    fn service(input: serde_json::Value, output: serde_json::Value, more: serde_json::Value) -> crate::ir::CrateIr {
        let mut shapes = json!({
            "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": {"aws.protocols#restJson1": {}}},
            "ex#Op": {"type": "operation", "input": {"target": "ex#OpInput"}, "output": {"target": "ex#OpOutput"},
                "traits": {"smithy.api#http": {"method": "POST", "uri": "/{Id}"}}},
            "ex#OpInput": input,
            "ex#OpOutput": output,
            "ex#Secret": {"type": "string", "traits": {"smithy.api#sensitive": {}}},
        });
        for (k, v) in more.as_object().into_iter().flatten() {
            shapes[k] = v.clone();
        }
        let model = json!({"smithy": "2.0", "shapes": shapes});
        let model = Model::load_sources(&[(PathBuf::from("op.json"), model.to_string())]).expect("loads");
        lower_crate(&model, "t", &Selection::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn squeeze(t: proc_macro2::TokenStream) -> String {
        t.to_string().replace(' ', "")
    }

    fn bound(trait_name: &str, value: serde_json::Value, target: &str) -> serde_json::Value {
        json!({"target": target, "traits": {trait_name: value}})
    }

    fn sensitive(mut member: serde_json::Value) -> serde_json::Value {
        member["traits"]["smithy.api#sensitive"] = json!({});
        member
    }

    /// Response side: a list whose items' target is sensitive, a sensitive
    /// `@mediaType` string, and every header of a sensitive output.
    #[test]
    fn sensitive_lists_media_types_and_outputs_are_marked_in_responses() {
        let id = json!({"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}});
        let more = json!({
            "ex#Pins": {"type": "list", "member": {"target": "ex#Secret"}},
            "ex#Doc": {"type": "string", "traits": {"smithy.api#mediaType": "application/json"}},
        });
        let output = json!({"type": "structure", "members": {
            "Pins": bound("smithy.api#httpHeader", json!("x-pins"), "ex#Pins"),
            "Doc": sensitive(bound("smithy.api#httpHeader", json!("x-doc"), "ex#Doc")),
            "Plain": bound("smithy.api#httpHeader", json!("x-plain"), "ex#Doc"),
        }});
        let ir = service(json!({"type": "structure", "members": {"Id": id}}), output.clone(), more.clone());
        let svc = &ir.services[0];
        let op = &svc.operations[0];
        let parse = squeeze(super::parse(svc, &op.output, find_struct(svc, &op.output)));
        for entry in [r#"pins:header(sensitive"x-pins"listfalse(str))"#, r#"doc:header(sensitive"x-doc"b64)"#, r#"plain:header("x-plain"b64)"#] {
            assert!(parse.contains(entry), "{entry} in {parse}");
        }
        // A sensitive output structure: every header entry is marked.
        let mut secret_output = output;
        secret_output["traits"] = json!({"smithy.api#sensitive": {}});
        let ir = service(json!({"type": "structure", "members": {"Id": id}}), secret_output, more);
        let svc = &ir.services[0];
        let op = &svc.operations[0];
        let parse = squeeze(super::parse(svc, &op.output, find_struct(svc, &op.output)));
        assert!(parse.contains(r#"plain:header(sensitive"x-plain"b64)"#), "{parse}");
        assert!(!parse.contains(r#"header(""#), "no unmarked header: {parse}");
    }

    /// The request names the response headers of sensitive output members
    /// (and prefixes), so recordings redact them; plain ones are not named.
    #[test]
    fn the_request_names_the_sensitive_response_headers() {
        let id = json!({"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}});
        let more = json!({"ex#Meta": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "ex#Secret"}}});
        let output = json!({"type": "structure", "members": {
            "KeyId": sensitive(bound("smithy.api#httpHeader", json!("x-amz-server-side-encryption-aws-kms-key-id"), "smithy.api#String")),
            "Token": bound("smithy.api#httpHeader", json!("x-token"), "ex#Secret"),
            "Meta": bound("smithy.api#httpPrefixHeaders", json!("x-meta-"), "ex#Meta"),
            "Plain": bound("smithy.api#httpHeader", json!("x-plain"), "smithy.api#String"),
            "Body": {"target": "ex#Secret"},
        }});
        let ir = service(json!({"type": "structure", "members": {"Id": id.clone()}}), output.clone(), more.clone());
        let svc = &ir.services[0];
        let op = &svc.operations[0];
        let request = squeeze(super::serialize(svc, op, find_struct(svc, &op.input), find_struct(svc, &op.output)).expect("@http"));
        for named in [
            r#"request.sensitive_names.add_response_header("x-amz-server-side-encryption-aws-kms-key-id");"#,
            r#"request.sensitive_names.add_response_header("x-token");"#,
            r#"request.sensitive_names.add_response_prefix("x-meta-");"#,
        ] {
            assert!(request.contains(named), "{named} in {request}");
        }
        assert!(!request.contains("x-plain") && request.matches("add_response").count() == 3, "{request}");
        // A sensitive output: every header is named.
        let mut secret_output = output;
        secret_output["traits"] = json!({"smithy.api#sensitive": {}});
        let ir = service(json!({"type": "structure", "members": {"Id": id}}), secret_output, more);
        let svc = &ir.services[0];
        let op = &svc.operations[0];
        let request = squeeze(super::serialize(svc, op, find_struct(svc, &op.input), find_struct(svc, &op.output)).expect("@http"));
        assert!(request.contains(r#"add_response_header("x-plain");"#), "{request}");
    }

    /// Request side: entries of sensitive members (label, query, params,
    /// header, list header, prefix headers) start with `sensitive`; those
    /// of plain members do not; a sensitive input marks them all.
    #[test]
    fn sensitive_request_entries_are_marked() {
        let more = json!({
            "ex#Pins": {"type": "list", "member": {"target": "ex#Secret"}},
            "ex#Meta": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "ex#Secret"}},
        });
        let id = sensitive(json!({"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}}));
        let input = json!({"type": "structure", "members": {
            "Id": id,
            "Token": bound("smithy.api#httpQuery", json!("token"), "ex#Secret"),
            "Page": bound("smithy.api#httpQuery", json!("page"), "smithy.api#String"),
            "Extra": bound("smithy.api#httpQueryParams", json!({}), "ex#Meta"),
            "Pin": sensitive(bound("smithy.api#httpHeader", json!("x-pin"), "smithy.api#Integer")),
            "Pins": bound("smithy.api#httpHeader", json!("x-pins"), "ex#Pins"),
            "Plain": bound("smithy.api#httpHeader", json!("x-plain"), "smithy.api#String"),
            "Meta": bound("smithy.api#httpPrefixHeaders", json!("x-meta-"), "ex#Meta"),
        }});
        let ir = service(input.clone(), json!({"type": "structure", "members": {}}), more.clone());
        let svc = &ir.services[0];
        let op = &svc.operations[0];
        let request = squeeze(super::serialize(svc, op, find_struct(svc, &op.input), find_struct(svc, &op.output)).expect("@http"));
        for entry in [
            r#"label(sensitiveid"Id"str)"#,
            r#"query(sensitive"token"token"Token"str)"#,
            r#"query("page"page"Page"str)"#,
            r#"params(sensitiveextra)"#,
            r#"header(sensitive"x-pin"pin"Pin"display)"#,
            r#"header_list(sensitive"x-pins"pins"Pins"strfalse)"#,
            r#"header("x-plain"plain"Plain"str)"#,
            r#"prefix(sensitive"x-meta-"meta"Meta")"#,
        ] {
            assert!(request.contains(entry), "{entry} in {request}");
        }
        let mut secret_input = input;
        secret_input["traits"] = json!({"smithy.api#sensitive": {}});
        let ir = service(secret_input, json!({"type": "structure", "members": {}}), more);
        let svc = &ir.services[0];
        let op = &svc.operations[0];
        let request = squeeze(super::serialize(svc, op, find_struct(svc, &op.input), find_struct(svc, &op.output)).expect("@http"));
        assert!(request.contains(r#"query(sensitive"page"page"Page"str)"#) && request.contains(r#"header(sensitive"x-plain""#), "{request}");
    }
}
