//! The Smithy protocol compliance cases (`smithy.test#httpRequestTests` on
//! operations, `smithy.test#httpResponseTests` on operations and errors)
//! that apply to a client on the service's own protocol, turned into IR for
//! `emit::protocol_tests`. A case on an error is run for every operation
//! that can return that error.

use heck::ToSnakeCase;

use super::examples::to_serde;
use crate::ir::{ProtocolTestIr, ProtocolTestKind, RType, ServiceIr, TypeIr};
use crate::model::{HttpTestCase, Model};


/// Fill `OperationIr::protocol_tests` for the client's operations.
pub fn resolve(model: &Model, ir: &mut ServiceIr) {
    let protocol = ir.protocol.trait_id();
    let applies = |c: &&HttpTestCase| c.protocol == protocol && c.applies_to.as_deref() != Some("server");
    let mut all = Vec::new();
    for op in &ir.operations {
        let mut tests = Vec::new();
        let serde_form = |v: Option<&serde_json::Value>, ty: &str| {
            let empty = serde_json::Value::Object(Default::default());
            to_serde(ir, &RType::Named(ty.to_string()), None, v.unwrap_or(&empty), 0).to_string()
        };
        if op.event_stream.is_some() {
            // No client method: only how input events are written.
            if let (Some(stream), Some(shape)) = (&op.input_stream, model.get(&op.shape_id)) {
                tests.extend(input_event_cases(shape, &protocol, &stream.union, &op.input, &serde_form));
            }
            all.push(tests);
            continue;
        }
        let Some(shape) = model.get(&op.shape_id) else {
            all.push(tests);
            continue;
        };
        if let Some(stream) = &op.output_stream {
            tests.extend(event_stream_cases(ir, shape, &protocol, &stream.union, &op.output, &serde_form));
        }
        if let Some(stream) = &op.input_stream {
            tests.extend(input_event_cases(shape, &protocol, &stream.union, &op.input, &serde_form));
        }
        for c in shape.traits.http_request_tests.iter().filter(applies) {
            tests.push(ProtocolTestIr {
                id: c.id.clone(),
                fn_name: format!("{}_request", c.id.to_snake_case()),
                docs: c.documentation.clone(),
                kind: ProtocolTestKind::Request {
                    method: c.method.clone().unwrap_or_default(),
                    uri: c.uri.clone().unwrap_or_default(),
                    host: c.host.clone(),
                    resolved_host: c.resolved_host.clone(),
                    query_params: c.query_params.clone(),
                    forbid_query_params: c.forbid_query_params.clone(),
                    require_query_params: c.require_query_params.clone(),
                    forbid_headers: c.forbid_headers.clone(),
                    require_headers: c.require_headers.clone(),
                },
                headers: c.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                body: c.body.clone(),
                body_media_type: c.body_media_type.clone(),
                params: serde_form(c.params.as_ref(), &op.input),
            });
        }
        let response = |c: &HttpTestCase, ty: &str, error: Option<String>, fn_name: String| ProtocolTestIr {
            id: c.id.clone(),
            fn_name,
            docs: c.documentation.clone(),
            kind: ProtocolTestKind::Response {
                code: c.code.unwrap_or(200),
                error_code: error
                    .as_ref()
                    .and(c.vendor_params.as_ref())
                    .and_then(|v| v.get("code"))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string),
                error,
            },
            headers: c.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            body: c.body.clone(),
            body_media_type: c.body_media_type.clone(),
            params: serde_form(c.params.as_ref(), ty),
        };
        for c in shape.traits.http_response_tests.iter().filter(applies) {
            tests.push(response(c, &op.output, None, format!("{}_response", c.id.to_snake_case())));
        }
        for e in &op.errors {
            let error = ir.types.iter().find_map(|t| match t {
                TypeIr::Struct(s) if &s.name == e && s.error.is_some() => Some(s),
                _ => None,
            });
            let Some(error) = error else { continue };
            let Some(error_shape) = model.get(&error.shape_id) else { continue };
            for c in error_shape.traits.http_response_tests.iter().filter(applies) {
                let fn_name = format!("{}_{}_error", c.id.to_snake_case(), op.fn_name.trim_end_matches('_'));
                tests.push(response(c, e, Some(e.clone()), fn_name));
            }
        }
        all.push(tests);
    }
    for (op, tests) in ir.operations.iter_mut().zip(all) {
        op.protocol_tests = tests;
    }
}

/// The output-stream cases of `smithy.test#eventStreamTests` that apply to
/// a client: those without request events (input streams are not sent yet).
fn event_stream_cases(
    ir: &ServiceIr,
    shape: &crate::model::Shape,
    protocol: &str,
    union: &str,
    output: &str,
    serde_form: &dyn Fn(Option<&serde_json::Value>, &str) -> String,
) -> Vec<ProtocolTestIr> {
    use serde_json::Value;
    let Some(Value::Array(cases)) = shape.traits.raw.get("smithy.test#eventStreamTests") else { return Vec::new() };
    let mut out = Vec::new();
    for c in cases {
        let text = |k: &str| c.get(k).and_then(Value::as_str);
        if text("protocol") != Some(protocol) || text("appliesTo") == Some("server") {
            continue;
        }
        let events = c.get("events").and_then(Value::as_array).cloned().unwrap_or_default();
        if c.get("initialRequest").is_some() || events.iter().any(|e| e.get("type").and_then(Value::as_str) != Some("response")) {
            continue;
        }
        let Some(id) = text("id") else { continue };
        let initial = c.get("initialResponse");
        let headers = initial
            .and_then(|i| i.get("headers"))
            .and_then(Value::as_object)
            .map(|h| h.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
            .unwrap_or_default();
        let failure = c.get("expectation").and_then(|e| e.get("failure")).map(|f| {
            f.get("errorId").and_then(Value::as_str).and_then(|id| {
                ir.types.iter().find_map(|t| match t {
                    TypeIr::Struct(s) if s.shape_id == id => Some(s.name.clone()),
                    _ => None,
                })
            })
        });
        out.push(ProtocolTestIr {
            id: id.to_string(),
            fn_name: format!("{}_event_stream", id.to_snake_case()),
            docs: text("documentation").map(str::to_string),
            kind: ProtocolTestKind::EventStreamOutput {
                code: initial.and_then(|i| i.get("code")).and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()).unwrap_or(200),
                messages: events.iter().filter_map(|e| e.get("bytes").and_then(Value::as_str).map(str::to_string)).collect(),
                events: events.iter().filter_map(|e| e.get("params")).map(|p| serde_form(Some(p), union)).collect(),
                initial: c.get("initialResponseParams").map(|p| serde_form(Some(p), output)),
                failure,
            },
            headers,
            body: initial.and_then(|i| i.get("body")).and_then(Value::as_str).map(str::to_string),
            body_media_type: initial.and_then(|i| i.get("bodyMediaType")).and_then(Value::as_str).map(str::to_string),
            params: String::new(),
        });
    }
    out
}

/// The cases of `smithy.test#eventStreamTests` whose events are all
/// requests (no initial request): how each event is written.
fn input_event_cases(
    shape: &crate::model::Shape,
    protocol: &str,
    union: &str,
    input: &str,
    serde_form: &dyn Fn(Option<&serde_json::Value>, &str) -> String,
) -> Vec<ProtocolTestIr> {
    use serde_json::Value;
    let Some(Value::Array(cases)) = shape.traits.raw.get("smithy.test#eventStreamTests") else { return Vec::new() };
    let mut out = Vec::new();
    for c in cases {
        let text = |k: &str| c.get(k).and_then(Value::as_str);
        if text("protocol") != Some(protocol) || text("appliesTo") == Some("server") || c.get("expectation").is_some() {
            continue;
        }
        if let (Some(id), Some(initial)) = (text("id"), c.get("initialRequest")) {
            let field = |k: &str| initial.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            out.push(ProtocolTestIr {
                id: id.to_string(),
                fn_name: format!("{}_event_stream", id.to_snake_case()),
                docs: text("documentation").map(str::to_string),
                kind: ProtocolTestKind::EventStreamInitialRequest { method: field("method"), uri: field("uri") },
                headers: initial
                    .get("headers")
                    .and_then(Value::as_object)
                    .map(|h| h.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
                    .unwrap_or_default(),
                body: None,
                body_media_type: None,
                params: serde_form(c.get("initialRequestParams"), input),
            });
            continue;
        }
        let events = c.get("events").and_then(Value::as_array).cloned().unwrap_or_default();
        if events.is_empty() || events.iter().any(|e| e.get("type").and_then(Value::as_str) != Some("request") || e.get("params").is_none()) {
            continue;
        }
        let Some(id) = text("id") else { continue };
        out.push(ProtocolTestIr {
            id: id.to_string(),
            fn_name: format!("{}_event_stream", id.to_snake_case()),
            docs: text("documentation").map(str::to_string),
            kind: ProtocolTestKind::EventStreamInput {
                messages: events.iter().filter_map(|e| e.get("bytes").and_then(Value::as_str).map(str::to_string)).collect(),
                events: events.iter().filter_map(|e| e.get("params")).map(|p| serde_form(Some(p), union)).collect(),
            },
            headers: Vec::new(),
            body: None,
            body_media_type: None,
            params: String::new(),
        });
    }
    out
}
