//! Outputs whose `@httpPayload` is a `@streaming` blob (S3 `GetObject`):
//! besides the method that reads the body whole, the client gets one that
//! hands it over as it arrives (`<op>_stream`). Inputs with such a payload
//! (S3 `PutObject`, not required) get `<op>_from_stream`, which sends a body
//! as it is produced.

use crate::ir::{HttpBinding, RType, ServiceIr, TypeIr};
use crate::model::Model;

pub fn resolve(model: &Model, ir: &mut ServiceIr) {
    if !ir.protocol.is_rest() {
        return;
    }
    let streaming_payload = |name: &str, optional: bool| -> Option<String> {
        let Some(TypeIr::Struct(s)) = ir.types.iter().find(|t| t.name() == name) else { return None };
        let shape = model.get(&s.shape_id)?;
        s.members
            .iter()
            .find(|m| {
                m.http == HttpBinding::Payload
                    && m.ty == RType::Blob
                    && (!optional || !m.required)
                    && shape.member(&m.name).and_then(|sm| model.get(&sm.target)).is_some_and(|t| t.traits.streaming)
            })
            .map(|m| m.rust_name.clone())
    };
    let found: Vec<_> = ir.operations.iter().map(|op| (streaming_payload(&op.output, false), streaming_payload(&op.input, true))).collect();
    for (op, (output, input)) in ir.operations.iter_mut().zip(found) {
        op.streaming_body = output;
        op.streaming_input = input;
    }
}
