//! Event streams on restJson1, awsJson1_0, awsJson1_1, restXml and
//! rpcv2Cbor: for
//! each operation whose output or input has a `@streaming` union member,
//! how each message maps to the union (`:event-type` names the member;
//! `@eventHeader` members come from message headers, an `@eventPayload`
//! member or the other members from the payload, a JSON or XML document)
//! and which members are modeled exceptions (`:exception-type`). An
//! operation with an output stream gets a client method that returns the
//! output and an event receiver, so its `event_stream` mark (no client
//! method) is cleared here; so does an operation with an input stream (its
//! method takes the events to send; on awsJson the input's other members
//! go first, as an `initial-request` message; on restXml events are XML;
//! rpcv2Cbor is awsJson's way with CBOR payloads).
//! Only the query protocols, which have no event streams, keep the mark.

use crate::ir::{EventErrorIr, EventHeaderIr, EventIr, EventMemberIr, EventPayloadIr, EventStreamIr, Protocol, ServiceIr, TypeIr};
use crate::model::{Model, ShapeKind};

pub fn resolve(model: &Model, ir: &mut ServiceIr) {
    if !matches!(ir.protocol, Protocol::RestJson1 | Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RestXml | Protocol::RpcV2Cbor) {
        return;
    }
    let initial_message = matches!(ir.protocol, Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RpcV2Cbor);
    let xml = ir.protocol == Protocol::RestXml;
    let cbor = ir.protocol == Protocol::RpcV2Cbor;
    let mut found = Vec::new();
    for (i, op) in ir.operations.iter().enumerate() {
        if op.event_stream.is_none() {
            continue;
        }
        let stream_of = |name: &str| -> Option<EventStreamIr> {
            let Some(TypeIr::Struct(s)) = ir.types.iter().find(|t| t.name() == name) else { return None };
            s.members.iter().find_map(|m| {
                let crate::ir::RType::Named(union_name) = &m.ty else { return None };
                let Some(TypeIr::Union(u)) = ir.types.iter().find(|t| t.name() == union_name) else { return None };
                model.get(&u.shape_id).filter(|shape| shape.traits.streaming)?;
                stream(model, ir, u, &m.rust_name, initial_message, xml, cbor)
            })
        };
        found.push((i, stream_of(&op.input), stream_of(&op.output)));
    }
    for (i, input, output) in found {
        // The events come through the client method's `events`: the
        // input's stream member is never set, so never required.
        if let Some(stream) = &input {
            let input_name = ir.operations[i].input.clone();
            if let Some(TypeIr::Struct(s)) = ir.types.iter_mut().find(|t| t.name() == input_name) {
                for m in s.members.iter_mut().filter(|m| m.rust_name == stream.field) {
                    m.required = false;
                }
            }
        }
        let op = &mut ir.operations[i];
        if let Some(stream) = &output {
            for e in &stream.errors {
                if !op.errors.contains(&e.error) {
                    op.errors.push(e.error.clone());
                }
            }
        }
        // A client method reads the output stream and sends the input
        // stream.
        if input.is_some() || output.is_some() {
            op.event_stream = None;
        }
        op.output_stream = output;
        op.input_stream = input;
    }
}

/// How the messages of the stream `union` map to its members.
fn stream(model: &Model, ir: &ServiceIr, union: &crate::ir::UnionIr, field: &str, initial_message: bool, xml: bool, cbor: bool) -> Option<EventStreamIr> {
    let union_shape = model.get(&union.shape_id)?;
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for v in &union.variants {
        let Some(shape_member) = union_shape.member(&v.name) else { continue };
        let target = model.get(&shape_member.target);
        if target.is_some_and(|t| t.traits.error.is_some()) {
            if let Some(crate::ir::RType::Named(e)) = &v.ty {
                errors.push(EventErrorIr { name: v.name.clone(), error: e.clone(), variant: v.rust_name.clone() });
            }
            continue;
        }
        let (ty, other_members, headers, payload) = match (target, &v.ty) {
            (_, None) => (None, false, Vec::new(), EventPayloadIr::Unit),
            (Some(t), Some(crate::ir::RType::Named(struct_name))) if t.kind == ShapeKind::Structure => {
                let Some(TypeIr::Struct(s)) = ir.types.iter().find(|t| t.name() == struct_name) else { continue };
                let mut headers = Vec::new();
                let mut payload = EventPayloadIr::Implicit;
                for em in &t.members {
                    let Some(f) = s.members.iter().find(|f| f.name == em.name) else { continue };
                    if em.traits.raw.contains_key("smithy.api#eventHeader") {
                        use crate::ir::{EventHeaderKind as K, RType};
                        let kind = match &f.ty {
                            RType::Bool => K::Bool,
                            RType::Byte => K::Byte,
                            RType::Short => K::Short,
                            RType::Int => K::Int,
                            RType::Long => K::Long,
                            RType::Blob => K::Blob,
                            RType::Timestamp => K::Timestamp,
                            _ => K::String,
                        };
                        let format = (kind == K::Timestamp).then(|| f.timestamp_format.unwrap_or(crate::ir::TimestampFormat::EpochSeconds));
                        headers.push(EventHeaderIr { name: em.name.clone(), field: f.json_name.clone(), rust_field: f.rust_name.clone(), kind, format });
                    } else if em.traits.raw.contains_key("smithy.api#eventPayload") {
                        let member = EventMemberIr { json: f.json_name.clone(), rust: f.rust_name.clone() };
                        payload = match model.get(&em.target).map(|t| &t.kind) {
                            Some(ShapeKind::Blob) => EventPayloadIr::Blob(member),
                            Some(ShapeKind::String | ShapeKind::Enum) => EventPayloadIr::Text(member),
                            _ => EventPayloadIr::Document(member),
                        };
                    }
                }
                let payload_member = usize::from(matches!(payload, EventPayloadIr::Blob(_) | EventPayloadIr::Text(_) | EventPayloadIr::Document(_)));
                (Some(s.name.clone()), s.members.len() > headers.len() + payload_member, headers, payload)
            }
            _ => continue,
        };
        events.push(EventIr { name: v.name.clone(), variant: v.rust_name.clone(), ty, other_members, headers, payload });
    }
    Some(EventStreamIr { field: field.to_string(), union: union.name.clone(), events, errors, initial_message, xml, cbor })
}
