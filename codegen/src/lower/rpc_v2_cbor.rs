//! What the generator says of an rpcv2Cbor service's members that the
//! protocol or this runtime cannot carry exactly: `bigDecimal` (an `f64`
//! here, where the protocol has arbitrary precision) and `document` (which
//! the protocol does not support; Smithy's own `rpcv2Cbor.NoDocuments`
//! validator is a DANGER, not an ERROR, so the service is still generated).

use super::closure::Closure;
use crate::model::{Model, ShapeKind};

/// One note per kind, naming every member (`ns#Shape$member`) that targets
/// a `bigDecimal` or a `document`; none when there is none.
pub fn notes(model: &Model, closure: &Closure) -> Vec<String> {
    let mut decimals = Vec::new();
    let mut documents = Vec::new();
    for id in &closure.shapes {
        let Some(shape) = model.get(id) else { continue };
        for member in &shape.members {
            match model.get(&member.target).map(|t| &t.kind) {
                Some(ShapeKind::BigDecimal) => decimals.push(format!("{id}${}", member.name)),
                Some(ShapeKind::Document) => documents.push(format!("{id}${}", member.name)),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if !decimals.is_empty() {
        out.push(format!(
            "rpcv2Cbor: bigDecimal is an f64 in this generator, not arbitrary precision: {} read a decimal fraction (tag 4) only when it is exactly a double, and refuse any other (0.1, 1e400) with an error naming the member",
            decimals.join(", ")
        ));
    }
    if !documents.is_empty() {
        out.push(format!(
            "rpcv2Cbor does not support documents (Smithy's rpcv2Cbor.NoDocuments): {} sent and read as plain CBOR values, which a service may not accept",
            documents.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::lower::lower_crate;
    use crate::model::Model;
    use crate::Selection;

    fn service(query_compatible: bool, members: serde_json::Value) -> crate::ir::ServiceIr {
        let mut traits = serde_json::json!({"smithy.protocols#rpcv2Cbor": {}, "aws.api#service": {"sdkId": "Ex"}});
        if query_compatible {
            traits["aws.protocols#awsQueryCompatible"] = serde_json::json!({});
        }
        let model = serde_json::json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": traits},
                "ex#Op": {"type": "operation", "input": {"target": "ex#OpInput"}, "output": {"target": "smithy.api#Unit"}},
                "ex#OpInput": {"type": "structure", "members": members},
                "ex#Doc": {"type": "document"},
            }
        });
        let model = Model::load_sources(&[(PathBuf::from("cbor.json"), model.to_string())]).expect("loads");
        let mut ir = lower_crate(&model, "t", &Selection::default()).unwrap_or_else(|e| panic!("{e}"));
        ir.services.remove(0)
    }

    #[test]
    fn big_decimals_and_documents_are_noted_by_member() {
        let svc = service(
            false,
            serde_json::json!({"Price": {"target": "smithy.api#BigDecimal"}, "Meta": {"target": "ex#Doc"}, "Name": {"target": "smithy.api#String"}}),
        );
        let [decimal, document] = svc.notes.as_slice() else { panic!("two notes: {:?}", svc.notes) };
        assert!(decimal.contains("ex#OpInput$Price") && decimal.contains("f64") && decimal.contains("tag 4"), "{decimal}");
        assert!(document.contains("ex#OpInput$Meta") && document.contains("documents"), "{document}");
        assert!(!svc.query_compatible);
        let plain = service(true, serde_json::json!({"Name": {"target": "smithy.api#String"}}));
        assert!(plain.notes.is_empty(), "{:?}", plain.notes);
        assert!(plain.query_compatible);
    }
}
