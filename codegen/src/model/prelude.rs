//! The Smithy 2.0 prelude shapes (`smithy.api#String`, `smithy.api#Unit`, ...).

use serde_json::{json, Map, Value};

use super::load::RawShape;
use super::ShapeKind;

/// Every prelude shape, as raw shapes without a file.
pub fn shapes() -> Vec<RawShape> {
    let simple: [(&str, ShapeKind, Option<Value>); 20] = [
        ("String", ShapeKind::String, None),
        ("Blob", ShapeKind::Blob, None),
        ("BigInteger", ShapeKind::BigInteger, None),
        ("BigDecimal", ShapeKind::BigDecimal, None),
        ("Timestamp", ShapeKind::Timestamp, None),
        ("Document", ShapeKind::Document, None),
        ("Boolean", ShapeKind::Boolean, None),
        ("PrimitiveBoolean", ShapeKind::Boolean, Some(json!(false))),
        ("Byte", ShapeKind::Byte, None),
        ("PrimitiveByte", ShapeKind::Byte, Some(json!(0))),
        ("Short", ShapeKind::Short, None),
        ("PrimitiveShort", ShapeKind::Short, Some(json!(0))),
        ("Integer", ShapeKind::Integer, None),
        ("PrimitiveInteger", ShapeKind::Integer, Some(json!(0))),
        ("Long", ShapeKind::Long, None),
        ("PrimitiveLong", ShapeKind::Long, Some(json!(0))),
        ("Float", ShapeKind::Float, None),
        ("PrimitiveFloat", ShapeKind::Float, Some(json!(0))),
        ("Double", ShapeKind::Double, None),
        ("PrimitiveDouble", ShapeKind::Double, Some(json!(0))),
    ];
    let mut out: Vec<RawShape> = simple
        .into_iter()
        .map(|(name, kind, default)| {
            let mut traits = Map::new();
            if let Some(d) = default {
                traits.insert("smithy.api#default".into(), d);
            }
            RawShape {
                id: format!("smithy.api#{name}"),
                kind,
                members: Vec::new(),
                traits,
                mixins: Vec::new(),
                file: None,
            }
        })
        .collect();
    let mut unit_traits = Map::new();
    unit_traits.insert("smithy.api#unitType".into(), json!({}));
    out.push(RawShape {
        id: "smithy.api#Unit".into(),
        kind: ShapeKind::Structure,
        members: Vec::new(),
        traits: unit_traits,
        mixins: Vec::new(),
        file: None,
    });
    out
}
