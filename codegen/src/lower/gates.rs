//! Cargo features: one per operation, and the gate of every generated item
//! (which operation features compile it), from the operation closure. An
//! item needed by every operation of the service is not gated: it compiles
//! with the service module, which is gated by all of them.

use std::collections::BTreeSet;

use super::closure::Closure;
use crate::ir::{Gate, ServiceIr, TypeIr};
use crate::naming;

/// Name the features and set every gate of `ir`.
pub fn assign(c: &Closure<'_>, ir: &mut ServiceIr) {
    ir.feature = naming::feature_name(&ir.module);
    for op in &mut ir.operations {
        op.feature = format!("{}-{}", ir.feature, naming::feature_name(&op.name));
    }
    let feature_of = |op: &str| -> Option<String> {
        ir.operations.iter().find(|o| o.name == op).map(|o| o.feature.clone())
    };
    let all = ir.operations.len();
    let gate = |ops: Option<&BTreeSet<String>>| -> Gate {
        let ops = ops?;
        if ops.len() >= all {
            return None;
        }
        let mut features: Vec<String> = ops.iter().filter_map(|o| feature_of(o)).collect();
        features.sort();
        Some(features)
    };
    let own = |op: &Option<String>| op.as_ref().and_then(|o| feature_of(o)).map(|f| vec![f]);
    let only_one = all == 1;
    let mut gates = Vec::with_capacity(ir.types.len());
    for t in &ir.types {
        gates.push(match t {
            TypeIr::Struct(s) if s.input_of.is_some() || s.output_of.is_some() => {
                let g = if only_one { None } else { own(&s.input_of).or_else(|| own(&s.output_of)) };
                (g.clone(), g)
            }
            TypeIr::Struct(s) => (gate(c.reach.get(&s.shape_id)), gate(c.input_reach.get(&s.shape_id))),
            TypeIr::Union(u) => (gate(c.reach.get(&u.shape_id)), gate(c.input_reach.get(&u.shape_id))),
            TypeIr::Enum(e) => (gate(c.reach.get(&e.shape_id)), None),
        });
    }
    for (t, (g, v)) in ir.types.iter_mut().zip(gates) {
        match t {
            TypeIr::Struct(s) => {
                s.gate = g;
                s.validate_gate = v;
            }
            TypeIr::Union(u) => {
                u.gate = g;
                u.validate_gate = v;
            }
            TypeIr::Enum(e) => e.gate = g,
        }
    }
    for f in &mut ir.check_fns {
        f.gate = gate(c.input_reach.get(&f.shape_id));
    }
}

