//! Output event streams on the JSON protocols (restJson1, awsJson1_0,
//! awsJson1_1): for each operation whose output has a `@streaming` union
//! member, how each message maps to the union (`:event-type` names the
//! member; `@eventHeader` members come from message headers, an
//! `@eventPayload` member or the other members from the payload) and which
//! members are modeled exceptions (`:exception-type`). Such an operation
//! gets a client method that returns the output and an event receiver, so
//! its `event_stream` mark (no client method) is cleared here. Input streams
//! keep it.

use crate::ir::{EventErrorIr, EventIr, EventPayloadIr, EventStreamIr, Protocol, ServiceIr, TypeIr};
use crate::model::{Model, ShapeKind};

pub fn resolve(model: &Model, ir: &mut ServiceIr) {
    if !matches!(ir.protocol, Protocol::RestJson1 | Protocol::AwsJson1_0 | Protocol::AwsJson1_1) {
        return;
    }
    let initial_message = ir.protocol != Protocol::RestJson1;
    let mut found = Vec::new();
    for (i, op) in ir.operations.iter().enumerate() {
        let Some(member) = &op.event_stream else { continue };
        // An input stream (alone or beside an output stream) is not sent yet.
        let input_streams = model.get(&op.shape_id).and_then(|s| match &s.kind {
            ShapeKind::Operation(o) => model.get(&o.input),
            _ => None,
        });
        if input_streams.is_some_and(|i| i.members.iter().any(|m| model.get(&m.target).is_some_and(|t| t.traits.streaming && t.kind == ShapeKind::Union))) {
            continue;
        }
        let Some(TypeIr::Struct(output)) = ir.types.iter().find(|t| t.name() == op.output) else { continue };
        // Only output streams (the member is the output's, not the input's).
        let Some(m) = output.members.iter().find(|m| &m.name == member) else { continue };
        let crate::ir::RType::Named(union_name) = &m.ty else { continue };
        let Some(TypeIr::Union(union)) = ir.types.iter().find(|t| t.name() == union_name) else { continue };
        let Some(union_shape) = model.get(&union.shape_id) else { continue };
        let mut events = Vec::new();
        let mut errors = Vec::new();
        for v in &union.variants {
            let Some(shape_member) = union_shape.member(&v.name) else { continue };
            let target = model.get(&shape_member.target);
            if target.is_some_and(|t| t.traits.error.is_some()) {
                if let Some(crate::ir::RType::Named(e)) = &v.ty {
                    errors.push(EventErrorIr { name: v.name.clone(), error: e.clone() });
                }
                continue;
            }
            let (headers, payload) = match (target, &v.ty) {
                (_, None) => (Vec::new(), EventPayloadIr::Unit),
                (Some(t), Some(crate::ir::RType::Named(struct_name))) if t.kind == ShapeKind::Structure => {
                    let Some(TypeIr::Struct(s)) = ir.types.iter().find(|t| t.name() == struct_name) else { continue };
                    let mut headers = Vec::new();
                    let mut payload = EventPayloadIr::Implicit;
                    for em in &t.members {
                        let Some(field) = s.members.iter().find(|f| f.name == em.name) else { continue };
                        if em.traits.raw.contains_key("smithy.api#eventHeader") {
                            let format = (field.ty == crate::ir::RType::Timestamp).then(|| field.timestamp_format.unwrap_or(crate::ir::TimestampFormat::EpochSeconds));
                            headers.push((em.name.clone(), field.json_name.clone(), format));
                        } else if em.traits.raw.contains_key("smithy.api#eventPayload") {
                            let json = field.json_name.clone();
                            payload = match model.get(&em.target).map(|t| &t.kind) {
                                Some(ShapeKind::Blob) => EventPayloadIr::Blob(json),
                                Some(ShapeKind::String | ShapeKind::Enum) => EventPayloadIr::Text(json),
                                _ => EventPayloadIr::Json(json),
                            };
                        }
                    }
                    (headers, payload)
                }
                _ => continue,
            };
            events.push(EventIr { name: v.name.clone(), json_name: v.json_name.clone(), headers, payload });
        }
        found.push((i, EventStreamIr { field: m.rust_name.clone(), union: union.name.clone(), events, errors, initial_message }));
    }
    for (i, stream) in found {
        let op = &mut ir.operations[i];
        for e in &stream.errors {
            if !op.errors.contains(&e.error) {
                op.errors.push(e.error.clone());
            }
        }
        op.event_stream = None;
        op.output_stream = Some(stream);
    }
}
