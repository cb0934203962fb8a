//! Outputs whose `@httpPayload` is a `@streaming` blob (S3 `GetObject`):
//! besides the method that reads the body whole, the client gets one that
//! hands it over as it arrives (`<op>_stream`).

use crate::ir::{HttpBinding, RType, ServiceIr, TypeIr};
use crate::model::Model;

pub fn resolve(model: &Model, ir: &mut ServiceIr) {
    if !ir.protocol.is_rest() {
        return;
    }
    let mut found = Vec::new();
    for (i, op) in ir.operations.iter().enumerate() {
        let Some(TypeIr::Struct(output)) = ir.types.iter().find(|t| t.name() == op.output) else { continue };
        let Some(shape) = model.get(&output.shape_id) else { continue };
        let field = output.members.iter().find(|m| {
            m.http == HttpBinding::Payload
                && m.ty == RType::Blob
                && shape.member(&m.name).and_then(|sm| model.get(&sm.target)).is_some_and(|t| t.traits.streaming)
        });
        if let Some(m) = field {
            found.push((i, m.rust_name.clone()));
        }
    }
    for (i, field) in found {
        ir.operations[i].streaming_body = Some(field);
    }
}
