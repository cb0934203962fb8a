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
    // string) and `CachePeriodInMinutes` (a long).
    let endpoints = find_struct(ir, &op.output).and_then(|out| member(out, "Endpoints")).and_then(|m| match &m.ty {
        RType::List(e) => match e.as_ref() {
            RType::Named(n) => find_struct(ir, n).map(|s| (m.rust_name.clone(), s)),
            _ => None,
        },
        _ => None,
    });
    let fields = endpoints.and_then(|(list, e)| {
        let address = member(e, "Address").filter(|m| m.ty == RType::String)?;
        let period = member(e, "CachePeriodInMinutes").filter(|m| m.ty == RType::Long)?;
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
        error_code: spec.error.as_deref().map(|e| {
            let query_code = model.get(e).and_then(|s| s.traits.aws_query_error.as_ref()).map(|(code, _)| code.as_str());
            super::types::wire_error_code(e, query_code, ir.protocol)
        }),
        operation_field,
        identifiers_field,
        endpoints_field,
        address_field,
        period_field,
        operations,
    });
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use serde_json::{json, Value};

    use crate::diagnostics::Diagnostics;
    use crate::ir::CrateIr;
    use crate::lower::{lower_crate, Selection};
    use crate::model::Model;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/valid/endpoint_discovery.json");
    const NS: &str = "com.example.ledger#";

    fn lower(only: Option<&[&str]>, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Result<CrateIr, Diagnostics> {
        let mut model: Value = serde_json::from_str(FIXTURE).expect("fixture is JSON");
        edit(model["shapes"].as_object_mut().expect("shapes"));
        let model = Model::load_sources(&[(PathBuf::from("endpoint_discovery.json"), model.to_string())]).expect("loads");
        let selection = Selection { anywhere: only.map(|o| o.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>()), ..Selection::default() };
        lower_crate(&model, "t", &selection)
    }

    fn errors(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<String> {
        lower(None, edit).expect_err("rejected").0.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn lowers_the_discovery_operation_and_the_discovered_ones() {
        let ir = lower(None, |_| {}).expect("lowers");
        let d = ir.services[0].endpoint_discovery.clone().expect("discovery");
        assert_eq!((d.operation.as_str(), d.error_code.as_deref()), ("DescribeEndpoints", Some("InvalidEndpointException")));
        assert_eq!((d.operation_field.as_deref(), d.identifiers_field.as_deref()), (Some("operation"), Some("identifiers")));
        assert_eq!((d.endpoints_field.as_str(), d.address_field.as_str(), d.period_field.as_str()), ("endpoints", "address", "cache_period_in_minutes"));
        let ops: Vec<(&str, bool)> = d.operations.iter().map(|(n, o)| (n.as_str(), o.required)).collect();
        assert_eq!(ops, [("GetEntry", true), ("ListBooks", false), ("PutEntry", true)]);
        assert!(d.operations["GetEntry"].identifiers.is_empty());
        assert_eq!(d.operations["PutEntry"].identifiers, [("Book".to_string(), "book".to_string())]);
    }

    #[test]
    fn a_selection_that_needs_the_discovery_operation_gets_it() {
        let ir = lower(Some(&["PutEntry"]), |_| {}).expect("lowers");
        let names: Vec<&str> = ir.services[0].operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["DescribeEndpoints", "PutEntry"]);
        // Without a discovered operation, nothing is added and nothing is set.
        let ir = lower(Some(&["Ping"]), |_| {}).expect("lowers");
        let names: Vec<&str> = ir.services[0].operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["Ping"]);
        assert!(ir.services[0].endpoint_discovery.is_none());
    }

    #[test]
    fn rejects_what_the_client_cannot_use() {
        let e = errors(|s| {
            s[&format!("{NS}Ledger")]["traits"]["aws.api#clientEndpointDiscovery"]["operation"] = json!(format!("{NS}Ping"));
        });
        assert!(e.iter().any(|e| e.contains("com.example.ledger#Ping: the discovery operation's output must have `Endpoints`")), "{e:?}");

        let e = errors(|s| {
            s[&format!("{NS}Ledger")]["traits"]["aws.api#clientEndpointDiscovery"]["operation"] = json!(format!("{NS}Elsewhere"));
        });
        assert!(e.iter().any(|e| e.contains("names the discovery operation `com.example.ledger#Elsewhere`, which is not an operation of the service")), "{e:?}");

        let e = errors(|s| {
            s[&format!("{NS}PutEntryInput")]["members"]["Count"] = json!({"target": "smithy.api#Integer", "traits": {"aws.api#clientEndpointDiscoveryId": {}}});
        });
        assert!(e.iter().any(|e| e.contains("com.example.ledger#PutEntryInput$Count: `aws.api#clientEndpointDiscoveryId` must be on a string member")), "{e:?}");

        let e = errors(|s| {
            s[&format!("{NS}PutEntry")]["traits"]["aws.api#clientDiscoveredEndpoint"] = json!({"required": "yes"});
        });
        assert!(e.iter().any(|e| e.contains("`required` must be a boolean, found a string")), "{e:?}");
    }

    #[test]
    fn the_invalid_endpoint_error_code_is_the_wire_code() {
        let query_error = json!({"code": "EndpointMoved", "httpResponseCode": 421});
        // awsQuery: the `@awsQueryError` code.
        let ir = lower(None, |s| {
            let traits = s[&format!("{NS}Ledger")]["traits"].as_object_mut().expect("traits");
            traits.remove("aws.protocols#awsJson1_0");
            traits.insert("aws.protocols#awsQuery".into(), json!({}));
            traits.insert("smithy.api#xmlNamespace".into(), json!({"uri": "https://ledger.example.com/doc/"}));
            s[&format!("{NS}InvalidEndpointException")]["traits"]["aws.protocols#awsQueryError"] = query_error.clone();
        })
        .expect("lowers");
        assert_eq!(ir.services[0].endpoint_discovery.as_ref().and_then(|d| d.error_code.as_deref()), Some("EndpointMoved"));
        // Other protocols: the shape name, whatever `@awsQueryError` says.
        let ir = lower(None, |s| {
            s[&format!("{NS}InvalidEndpointException")]["traits"]["aws.protocols#awsQueryError"] = query_error;
        })
        .expect("lowers");
        assert_eq!(ir.services[0].endpoint_discovery.as_ref().and_then(|d| d.error_code.as_deref()), Some("InvalidEndpointException"));
    }

    #[test]
    fn discovered_operations_without_the_service_trait_are_a_warning() {
        let ir = lower(None, |s| {
            s[&format!("{NS}Ledger")]["traits"].as_object_mut().expect("traits").remove("aws.api#clientEndpointDiscovery");
        })
        .expect("lowers");
        assert!(ir.services[0].endpoint_discovery.is_none());
        assert!(ir.services[0].warnings.iter().any(|w| w.contains("GetEntry, ListBooks, PutEntry, but the service has no `aws.api#clientEndpointDiscovery`")), "{:?}", ir.services[0].warnings);
    }
}
