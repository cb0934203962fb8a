//! The Rust type of a shape (`RType`), shared by the type lowering and the
//! validation planner.

use std::collections::BTreeMap;

use crate::ir::RType;
use crate::model::{Model, ShapeKind};

/// An element type, nullable when its collection is `@sparse`.
fn sparse(is_sparse: bool, t: RType) -> RType {
    if is_sparse {
        RType::Sparse(Box::new(t))
    } else {
        t
    }
}

/// The Rust type of a value of shape `target`.
pub(super) fn rtype(model: &Model, names: &BTreeMap<String, String>, target: &str) -> RType {
    let Some(shape) = model.get(target) else { return RType::Document };
    match &shape.kind {
        ShapeKind::Blob => RType::Blob,
        ShapeKind::Boolean => RType::Bool,
        ShapeKind::String => RType::String,
        ShapeKind::Byte => RType::Byte,
        ShapeKind::Short => RType::Short,
        ShapeKind::Integer => RType::Int,
        ShapeKind::Long => RType::Long,
        ShapeKind::Float => RType::Float,
        ShapeKind::Double => RType::Double,
        ShapeKind::BigInteger => RType::BigInteger,
        ShapeKind::BigDecimal => RType::BigDecimal,
        ShapeKind::Timestamp => RType::Timestamp,
        ShapeKind::Document => RType::Document,
        ShapeKind::Enum | ShapeKind::IntEnum | ShapeKind::Structure | ShapeKind::Union => {
            RType::Named(names.get(target).cloned().unwrap_or_default())
        }
        ShapeKind::List => {
            let e = shape.members.first().map_or(RType::Document, |m| rtype(model, names, &m.target));
            RType::List(Box::new(sparse(shape.traits.sparse, e)))
        }
        ShapeKind::Map => {
            let k = shape.member("key").map_or(RType::String, |m| rtype(model, names, &m.target));
            let v = shape.member("value").map_or(RType::Document, |m| rtype(model, names, &m.target));
            RType::Map(Box::new(k), Box::new(sparse(shape.traits.sparse, v)))
        }
        ShapeKind::Service(_) | ShapeKind::Operation(_) | ShapeKind::Resource(_) => RType::Document,
    }
}
