//! Endpoint discovery: `aws.api#clientEndpointDiscovery` on the service
//! (its discovery operation and invalid-endpoint error),
//! `aws.api#clientDiscoveredEndpoint` on operations and
//! `aws.api#clientEndpointDiscoveryId` on their input members, checked and
//! turned into the service's [`EndpointDiscoveryIr`]. The closure adds the
//! discovery operation when a selected operation needs it
//! (`lower::closure`); the generated client calls it through the runtime's
//! `endpoint_discovery` cache.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{DiscoveredEndpointIr, EndpointDiscoveryIr, MemberIr, RType, ServiceIr, StructIr, TypeIr};
use crate::model::{Model, Shape};

fn find_struct<'a>(ir: &'a ServiceIr, name: &str) -> Option<&'a StructIr> {
    ir.types.iter().find_map(|t| match t {
        TypeIr::Struct(s) if s.name == name => Some(s),
        _ => None,
    })
}

fn member<'a>(s: &'a StructIr, name: &str) -> Option<&'a MemberIr> {
    s.members.iter().find(|m| m.name == name && !m.boxed)
}

/// Fill `ir.endpoint_discovery` when a generated operation has a
/// discovered endpoint.
pub fn resolve(model: &Model, svc: &Shape, ir: &mut ServiceIr, diags: &mut Diagnostics) {
    let discovered: Vec<(String, String, bool)> = ir
        .client_operations()
        .filter_map(|o| Some((o.name.clone(), o.shape_id.clone(), model.get(&o.shape_id)?.traits.client_discovered_endpoint?)))
        .collect();
    if discovered.is_empty() {
        return;
    }
    let Some(spec) = &svc.traits.client_endpoint_discovery else {
        let names: Vec<&str> = discovered.iter().map(|(n, _, _)| n.as_str()).collect();
        ir.warnings.push(format!(
            "{}: `aws.api#clientDiscoveredEndpoint` on {}, but the service has no `aws.api#clientEndpointDiscovery`: they use the regular endpoint",
            svc.id,
            names.join(", ")
        ));
        return;
    };
    let err = |shape: &str, message: String| Diagnostic::shape(svc.file.clone(), shape, message);
    let Some(op) = ir.client_operations().find(|o| o.shape_id == spec.operation) else {
        diags.push(err(
            &svc.id,
            format!("`aws.api#clientEndpointDiscovery` names the discovery operation `{}`, which is not an operation of the service", spec.operation),
        ));
        return;
    };
    let discovery_op = op.name.clone();
    // The output: `Endpoints`, a list of structures with `Address` (a
    // string) and `CachePeriodInMinutes` (a long or an integer).
    let endpoints = find_struct(ir, &op.output).and_then(|out| member(out, "Endpoints")).and_then(|m| match &m.ty {
        RType::List(e) => match e.as_ref() {
            RType::Named(n) => find_struct(ir, n).map(|s| (m.rust_name.clone(), s)),
            _ => None,
        },
        _ => None,
    });
    let fields = endpoints.and_then(|(list, e)| {
        let address = member(e, "Address").filter(|m| m.ty == RType::String)?;
        let period = member(e, "CachePeriodInMinutes").filter(|m| matches!(m.ty, RType::Long | RType::Int))?;
        Some((list, address.rust_name.clone(), period.rust_name.clone()))
    });
    let Some((endpoints_field, address_field, period_field)) = fields else {
        diags.push(err(
            &spec.operation,
            "the discovery operation's output must have `Endpoints`, a list of structures with `Address` (a string) and `CachePeriodInMinutes` (a long)".into(),
        ));
        return;
    };
    // The input: `Operation` (a string) and `Identifiers` (a map of
    // strings), both optional; nothing else the client would have to fill.
    let (mut operation_field, mut identifiers_field) = (None, None);
    if let Some(input) = find_struct(ir, &op.input) {
        for m in &input.members {
            match (m.name.as_str(), &m.ty) {
                ("Operation", RType::String) => operation_field = Some(m.rust_name.clone()),
                ("Identifiers", RType::Map(k, v)) if **k == RType::String && **v == RType::String => identifiers_field = Some(m.rust_name.clone()),
                _ if m.required && m.default.is_none() => diags.push(err(
                    &format!("{}${}", input.shape_id, m.name),
                    "the discovery operation's input may only have `Operation` (a string) and `Identifiers` (a map of strings): the client cannot fill this required member".into(),
                )),
                _ => {}
            }
        }
    }
    let mut operations = BTreeMap::new();
    for (name, shape_id, required) in discovered {
        if name == discovery_op {
            continue;
        }
        let mut identifiers = Vec::new();
        let input = ir.client_operations().find(|o| o.name == name).and_then(|o| find_struct(ir, &o.input));
        if let Some(input) = input {
            let model_members = model.get(&input.shape_id).map(|s| s.members.as_slice()).unwrap_or_default();
            for m in &input.members {
                if !model_members.iter().any(|mm| mm.name == m.name && mm.traits.client_endpoint_discovery_id) {
                    continue;
                }
                if m.ty != RType::String {
                    diags.push(err(&format!("{}${}", input.shape_id, m.name), "`aws.api#clientEndpointDiscoveryId` must be on a string member".into()));
                    continue;
                }
                identifiers.push((m.name.clone(), m.rust_name.clone()));
            }
        }
        let streams = ir.operations.iter().find(|o| o.name == name).is_some_and(|o| o.input_stream.is_some() || o.output_stream.is_some() || o.streaming_input.is_some() || o.streaming_body.is_some());
        if streams {
            ir.warnings.push(format!("{shape_id}: the streaming forms of `{name}` use the regular endpoint, not a discovered one"));
        }
        operations.insert(name, DiscoveredEndpointIr { required, identifiers });
    }
    if operations.is_empty() {
        return;
    }
    ir.endpoint_discovery = Some(EndpointDiscoveryIr {
        operation: discovery_op,
        error_code: spec.error.as_deref().map(|e| crate::model::shape_id::name_of(e).to_string()),
        operation_field,
        identifiers_field,
        endpoints_field,
        address_field,
        period_field,
        operations,
    });
}
