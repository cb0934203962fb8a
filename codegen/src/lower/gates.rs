//! Cargo features: one per operation, and the gate of every generated item
//! (which operation features compile it), from the operation closure. An
//! item needed by every operation of the service is not gated: it compiles
//! with the service module, which is gated by all of them.
//!
//! crates.io accepts at most `MAX_FEATURES` features per crate. When one
//! feature per operation would exceed it (SageMaker alone has 358
//! operations), [`fit_feature_limit`] gives the largest services one feature
//! per *resource* instead: the operation name without its leading verb, so
//! `CreateTrialComponent`, `DescribeTrialComponent` and `ListTrialComponents`
//! share `sagemaker-trial-component`.

use std::collections::{BTreeMap, BTreeSet};

use super::closure::Closure;
use crate::ir::{Check, Gate, ServiceIr, TypeIr, MAX_FEATURES};
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
    narrow_check_fn_gates(ir);
}

/// The check functions a list of checks calls, nested ones included.
fn calls(checks: &[Check], out: &mut BTreeSet<String>) {
    for c in checks {
        match c {
            Check::Call(name) => {
                out.insert(name.clone());
            }
            Check::Each(inner) => calls(inner, out),
            Check::Entries { key, value } => {
                calls(key, out);
                calls(value, out);
            }
            _ => {}
        }
    }
}

/// Either gate's items compile: `None` (always) wins, else the union.
fn union(a: &Gate, b: &Gate) -> Gate {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.iter().chain(b).cloned().collect::<BTreeSet<_>>().into_iter().collect()),
        _ => None,
    }
}

/// A check function compiles exactly when a validator that calls it does.
/// The shape's reach is not enough: a member whose own `@range` or
/// `@length` replaces its target's checks reaches the shape without calling
/// its function, which would then be unused under some features.
fn narrow_check_fn_gates(ir: &mut ServiceIr) {
    let mut gates: BTreeMap<String, Gate> = BTreeMap::new();
    let merge = |gates: &mut BTreeMap<String, Gate>, name: String, g: &Gate| -> bool {
        let new = match gates.get(&name) {
            Some(old) => union(old, g),
            None => g.clone(),
        };
        let changed = gates.get(&name) != Some(&new);
        gates.insert(name, new);
        changed
    };
    for t in &ir.types {
        let (checks, gate): (Vec<&[Check]>, &Gate) = match t {
            TypeIr::Struct(s) => (s.members.iter().map(|m| m.checks.as_slice()).collect(), &s.validate_gate),
            TypeIr::Union(u) => (u.variants.iter().map(|v| v.checks.as_slice()).collect(), &u.validate_gate),
            TypeIr::Enum(e) => (vec![e.checks.as_slice()], &e.gate),
        };
        let mut called = BTreeSet::new();
        for c in checks {
            calls(c, &mut called);
        }
        for name in called {
            merge(&mut gates, name, gate);
        }
    }
    // Check functions call one another (a list's calls its elements'): to a fixpoint.
    loop {
        let mut changed = false;
        for f in &ir.check_fns {
            let Some(g) = gates.get(&f.name).cloned() else { continue };
            let mut called = BTreeSet::new();
            calls(&f.checks, &mut called);
            for name in called {
                changed |= merge(&mut gates, name, &g);
            }
        }
        if !changed {
            break;
        }
    }
    // A gate naming every operation is no gate: the service module's own.
    let all: BTreeSet<&String> = ir.operations.iter().map(|o| &o.feature).collect();
    for f in &mut ir.check_fns {
        if let Some(g) = gates.get(&f.name) {
            f.gate = g.clone().filter(|features| !all.iter().all(|a| features.contains(a)));
        }
    }
}


/// The features a crate of `services` defines: the generator's own, one per
/// service, one per distinct operation feature.
fn feature_count(services: &[ServiceIr]) -> usize {
    naming::RESERVED_FEATURES.len()
        + services
            .iter()
            .map(|s| 1 + s.operations.iter().map(|o| o.feature.as_str()).collect::<BTreeSet<_>>().len())
            .sum::<usize>()
}

/// Group the operation features of the largest services by resource until
/// the crate's features fit crates.io's limit (see the module docs); a
/// warning if even that is not enough.
pub fn fit_feature_limit(services: &mut [ServiceIr]) {
    while feature_count(services) > MAX_FEATURES {
        let largest = services
            .iter_mut()
            .filter(|s| !s.features_by_resource)
            .max_by(|a, b| a.operations.len().cmp(&b.operations.len()).then_with(|| b.module.cmp(&a.module)));
        let Some(svc) = largest else { break };
        group_by_resource(svc);
    }
    let count = feature_count(services);
    if count > MAX_FEATURES {
        if let Some(first) = services.first_mut() {
            first.warnings.push(format!(
                "the crate defines {count} Cargo features, more than crates.io's limit of {MAX_FEATURES}, even with one feature per resource; generate fewer services into one crate (several crates can share one `Config`)"
            ));
        }
    }
}

/// The resource of an operation, in kebab case: its name without the leading
/// verb (`list-trial-components` -> `trial-components`), in the singular when
/// another operation of the service names the singular (`trial-component`).
fn resources(ops: &[String]) -> Vec<String> {
    let nouns: Vec<String> =
        ops.iter().map(|op| op.split_once('-').map_or(op.as_str(), |(_, rest)| rest).to_string()).collect();
    let known: BTreeSet<&str> = nouns.iter().map(String::as_str).collect();
    nouns
        .iter()
        .map(|n| {
            let singular = [
                n.strip_suffix("ies").map(|s| format!("{s}y")),
                n.strip_suffix("es").map(str::to_string),
                n.strip_suffix('s').map(str::to_string),
            ];
            singular.into_iter().flatten().find(|c| known.contains(c.as_str())).unwrap_or_else(|| n.clone())
        })
        .collect()
}

/// Give `svc` one feature per resource and rename every gate to match.
fn group_by_resource(svc: &mut ServiceIr) {
    let ops: Vec<String> = svc.operations.iter().map(|o| naming::feature_name(&o.name)).collect();
    let renamed: BTreeMap<String, String> = svc
        .operations
        .iter()
        .zip(resources(&ops))
        .map(|(o, r)| (o.feature.clone(), format!("{}-{r}", svc.feature)))
        .collect();
    let rename = |gate: &mut Gate| {
        if let Some(features) = gate {
            let set: BTreeSet<String> = features.iter().map(|f| renamed.get(f).cloned().unwrap_or_else(|| f.clone())).collect();
            *features = set.into_iter().collect();
        }
    };
    for t in &mut svc.types {
        match t {
            TypeIr::Struct(s) => {
                rename(&mut s.gate);
                rename(&mut s.validate_gate);
            }
            TypeIr::Union(u) => {
                rename(&mut u.gate);
                rename(&mut u.validate_gate);
            }
            TypeIr::Enum(e) => rename(&mut e.gate),
        }
    }
    for f in &mut svc.check_fns {
        rename(&mut f.gate);
    }
    for op in &mut svc.operations {
        if let Some(new) = renamed.get(&op.feature) {
            op.feature = new.clone();
        }
    }
    svc.features_by_resource = true;
}

#[cfg(test)]
mod tests {
    use super::resources;

    #[test]
    fn resources_are_names_without_the_verb_in_the_singular_the_service_uses() {
        let ops = ["create-trial-component", "list-trial-components", "list-policies", "get-policy", "list-aliases", "delete-alias", "get-status", "invoke"];
        let ops: Vec<String> = ops.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            resources(&ops),
            ["trial-component", "trial-component", "policy", "policy", "alias", "alias", "status", "invoke"]
        );
    }
}
