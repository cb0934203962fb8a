//! Structures that contain themselves through `@required` members (without
//! a default) have no finite value: Smithy rejects such models, and so does
//! the generator, naming the cycle and the fix.

use std::collections::BTreeSet;

use super::closure::Closure;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Model, ShapeKind};

/// One step of a cycle: a structure and its member.
type Step = (String, String);

pub fn check_required_cycles(model: &Model, c: &Closure<'_>, diags: &mut Diagnostics) {
    let structures: BTreeSet<&String> = c
        .input_side
        .iter()
        .chain(&c.output_side)
        .filter(|id| model.get(id).is_some_and(|s| matches!(s.kind, ShapeKind::Structure)))
        .collect();
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in &structures {
        let mut path = Vec::new();
        find(model, start, start, &mut path, &mut BTreeSet::new(), &mut |cycle: &[Step]| {
            // One report per cycle, whichever structure it is found from.
            let mut key: Vec<String> = cycle.iter().map(|(s, m)| format!("{s}${m}")).collect();
            key.sort();
            if reported.insert(key) {
                let Some(shape) = model.get(start) else { return };
                let chain: Vec<String> = cycle.iter().map(|(s, m)| format!("{s}${m}")).collect();
                diags.push(Diagnostic::shape(
                    shape.file.clone(),
                    start.as_str(),
                    format!(
                        "contains itself through required members ({} → {start}), so no finite value exists; make one of these members optional (remove `@required`) or give it a `@default`",
                        chain.join(" → ")
                    ),
                ));
            }
        });
    }
}

/// Depth-first search for paths from `at` back to `start` along required,
/// default-less members targeting structures.
fn find(
    model: &Model,
    start: &str,
    at: &str,
    path: &mut Vec<Step>,
    visited: &mut BTreeSet<String>,
    found: &mut dyn FnMut(&[Step]),
) {
    let Some(shape) = model.get(at) else { return };
    for m in &shape.members {
        let has_default = m.traits.default.as_ref().is_some_and(|d| !d.is_null());
        if !m.traits.required || has_default {
            continue;
        }
        let Some(target) = model.get(&m.target) else { continue };
        if !matches!(target.kind, ShapeKind::Structure) {
            continue;
        }
        path.push((at.to_string(), m.name.clone()));
        if m.target == start {
            found(path);
        } else if visited.insert(m.target.clone()) {
            find(model, start, &m.target, path, visited, found);
        }
        path.pop();
    }
}
