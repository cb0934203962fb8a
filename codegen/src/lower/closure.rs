//! The closure of a service: its operations (direct and through resources),
//! the errors each can return, and every shape they reach, with how each is
//! used (input side, output side).

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Model, Service, Shape, ShapeKind};

#[derive(Debug, Default)]
pub struct Closure<'m> {
    pub rename: BTreeMap<String, String>,
    /// Operation shapes, sorted by name.
    pub operations: Vec<&'m Shape>,
    /// Errors of the service itself, added to every operation.
    pub service_errors: Vec<String>,
    /// Shapes reachable from inputs (members of inputs, transitively).
    pub input_side: BTreeSet<String>,
    /// Shapes reachable from outputs and errors.
    pub output_side: BTreeSet<String>,
    /// Every error structure of every operation.
    pub errors: BTreeSet<String>,
    /// For each shape, the operations (by name) that reach it, on either side.
    pub reach: BTreeMap<String, BTreeSet<String>>,
    /// For each shape, the operations that reach it from their input.
    pub input_reach: BTreeMap<String, BTreeSet<String>>,
    /// Every shape the generated code comes from: the service, its resources,
    /// the chosen operations, their inputs, outputs and errors, and every
    /// shape those reach.
    pub shapes: BTreeSet<String>,
}

impl Closure<'_> {
    /// The name of a shape inside this service (its `rename`, or its name).
    pub fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.rename.get(id).map_or_else(|| crate::model::shape_id::name_of(id), String::as_str)
    }
}

/// The names of every operation of a service (direct and through resources).
pub fn operation_names(model: &Model, svc: &Shape) -> BTreeSet<String> {
    let ShapeKind::Service(service) = &svc.kind else { return BTreeSet::new() };
    let mut diags = Diagnostics::default();
    let c = collect(model, svc, service, None, &mut diags);
    c.operations.iter().map(|o| c.name_of(&o.id).to_string()).collect()
}

/// The closure of `service`, restricted to the operations named in `only`
/// (by their name in the service, after `rename`) when it is `Some`.
pub fn collect<'m>(
    model: &'m Model,
    svc: &'m Shape,
    service: &'m Service,
    only: Option<&BTreeSet<String>>,
    diags: &mut Diagnostics,
) -> Closure<'m> {
    let mut c = Closure { rename: service.rename.clone(), ..Closure::default() };
    c.service_errors = service.errors.clone();
    let mut ops = BTreeSet::new();
    let mut seen_resources = BTreeSet::new();
    ops.extend(service.operations.iter().cloned());
    let mut stack: Vec<String> = service.resources.clone();
    while let Some(r) = stack.pop() {
        if !seen_resources.insert(r.clone()) {
            continue;
        }
        if let Some(Shape { kind: ShapeKind::Resource(res), .. }) = model.get(&r) {
            ops.extend(res.operations.iter().cloned());
            stack.extend(res.resources.iter().cloned());
        }
    }
    let mut ops: Vec<&Shape> = ops.iter().filter_map(|id| model.get(id)).collect();
    if let Some(only) = only {
        let names: BTreeSet<&str> = ops.iter().map(|o| c.name_of(&o.id)).collect();
        for wanted in only {
            if !names.contains(wanted.as_str()) {
                diags.push(Diagnostic::shape(
                    svc.file.clone(),
                    &svc.id,
                    format!(
                        "the generation asks for operation `{wanted}`, which the service does not have{}; its operations are: {}",
                        crate::naming::suggest(wanted, names.iter().copied()).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default(),
                        names.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        let every = ops.clone();
        ops.retain(|o| only.contains(c.name_of(&o.id)));
        // An operation with a discovered endpoint needs the service's
        // discovery operation (`aws.api#clientEndpointDiscovery`): added.
        if let Some(d) = &svc.traits.client_endpoint_discovery {
            let needed = ops.iter().any(|o| o.traits.client_discovered_endpoint.is_some());
            if needed && !ops.iter().any(|o| o.id == d.operation) {
                ops.extend(every.into_iter().find(|o| o.id == d.operation));
            }
        }
    }
    ops.sort_by(|a, b| c.name_of(&a.id).cmp(c.name_of(&b.id)).then(a.id.cmp(&b.id)));
    for op in &ops {
        let ShapeKind::Operation(o) = &op.kind else { continue };
        let name = c.name_of(&op.id).to_string();
        let (mut input, mut output) = (BTreeSet::new(), BTreeSet::new());
        for (target, set) in [(&o.input, &mut input), (&o.output, &mut output)] {
            if let Some(s) = model.get(target) {
                for m in &s.members {
                    walk(model, &m.target, set);
                }
            }
        }
        for e in o.errors.iter().chain(&service.errors) {
            c.errors.insert(e.clone());
            walk(model, e, &mut output);
        }
        for id in &input {
            c.input_reach.entry(id.clone()).or_default().insert(name.clone());
        }
        for id in input.iter().chain(&output) {
            c.reach.entry(id.clone()).or_default().insert(name.clone());
        }
        c.input_side.extend(input);
        c.output_side.extend(output);
    }
    c.shapes.insert(svc.id.clone());
    c.shapes.extend(seen_resources);
    for op in &ops {
        c.shapes.insert(op.id.clone());
        if let ShapeKind::Operation(o) = &op.kind {
            c.shapes.extend([o.input.clone(), o.output.clone()]);
        }
    }
    c.shapes.extend(c.reach.keys().cloned());
    c.shapes.extend(c.errors.iter().cloned());
    c.operations = ops;
    c
}

fn walk(model: &Model, id: &str, set: &mut BTreeSet<String>) {
    if !set.insert(id.to_string()) {
        return;
    }
    let Some(shape) = model.get(id) else { return };
    // `@streaming` unions (event streams) are walked like any union: their
    // event types are generated, and the operation is left out of the client
    // (see `OperationIr::event_stream`). `@streaming` blobs are buffered.
    for m in &shape.members {
        if m.target != "smithy.api#Unit" {
            walk(model, &m.target, set);
        }
    }
}
