//! Stage 3: checked model → IR, one service at a time. Here the generator
//! decides everything about the output: the operation closure, the type of
//! every member, names, boxing, HTTP bindings and validation plans.

mod auth;
mod checks;
mod closure;
/// The names of a service's operations (for listings and "did you mean").
pub use closure::operation_names;
mod convert;
mod customizations;
mod event_streams;
mod streaming_bodies;
mod recursion;
mod sensitive;
mod rtype;
mod endpoint_discovery;
mod endpoints;
mod examples;
mod gates;
mod http;
mod iam;
mod paginated;
mod jmespath;
mod waiters;
mod protocol_tests;
mod rpc_v2_cbor;
mod types;
mod xml;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{CrateIr, ServiceIr};
use crate::model::{Model, Protocol, Shape, ShapeKind};
use crate::{docs, naming};

/// Lower the services of the model into one crate, with the operations
/// `selection` chooses.
pub fn lower_crate(model: &Model, crate_name: &str, selection: &Selection) -> Result<CrateIr, Diagnostics> {
    let mut diags = Diagnostics::default();
    naming::check_crate_name(crate_name).map_err(|m| Diagnostic { file: None, line: None, column: None, shape: None, message: m })?;
    let mut services = Vec::new();
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    let all: Vec<&Shape> = model.services().collect();
    for wanted in selection.services.keys() {
        if !all.iter().any(|s| &s.id == wanted) {
            diags.push(Diagnostic {
                file: None,
                line: None,
                column: None,
                shape: Some(wanted.clone()),
                message: format!(
                    "the generation config selects operations of service `{wanted}`, which no model file defines; the services are: {}",
                    all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }
    let mut found_anywhere: BTreeSet<String> = BTreeSet::new();
    for svc in all {
        let mut only = selection.services.get(&svc.id).cloned();
        if let Some(anywhere) = &selection.anywhere {
            let names = closure::operation_names(model, svc);
            let here: BTreeSet<String> = anywhere.iter().filter(|n| names.contains(*n)).cloned().collect();
            if here.is_empty() {
                continue;
            }
            found_anywhere.extend(here.iter().cloned());
            only = Some(match only {
                Some(o) => o.intersection(&here).cloned().collect(),
                None => here,
            });
        }
        match lower_service(model, svc, only.as_ref()) {
            Ok(ir) => {
                if let Some(prev) = modules.insert(ir.module.clone(), svc.id.clone()) {
                    diags.push(Diagnostic::shape(
                        svc.file.clone(),
                        &svc.id,
                        format!("its Rust module `{}` is also the module of service `{prev}`", ir.module),
                    ));
                }
                services.push(ir);
            }
            Err(d) => diags.0.extend(d.0),
        }
    }
    if let Some(anywhere) = &selection.anywhere {
        let missing: Vec<&String> = anywhere.difference(&found_anywhere).collect();
        if !missing.is_empty() {
            // Every operation of every service, to choose from.
            let mut names: Vec<String> = model.services().flat_map(|svc| closure::operation_names(model, svc)).collect();
            names.sort();
            names.dedup();
            for m in missing {
                let hint = naming::suggest(m, names.iter().map(String::as_str)).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
                diags.push(Diagnostic {
                    file: None,
                    line: None,
                    column: None,
                    shape: None,
                    message: format!(
                        "operation `{m}` was asked for, but no service in the models has an operation of that name{hint}; the operations are: {}",
                        names.join(", ")
                    ),
                });
            }
        }
    }
    if services.is_empty() && diags.is_empty() {
        diags.push(Diagnostic {
            file: None,
            line: None,
            column: None,
            shape: None,
            message: "the models define no service shape: there is nothing to generate".into(),
        });
    }
    gates::fit_feature_limit(&mut services);
    // Without errors, any problem the model has lies in shapes no generated
    // service uses: said once, without stopping the generation.
    if diags.is_empty() && !model.problems.is_empty() {
        if let Some(first) = services.first_mut() {
            let n = model.problems.len();
            first.warnings.push(format!(
                "{n} problem{} in shapes outside the generated operations' closure, not checked further (the first: {})",
                if n == 1 { "" } else { "s" },
                model.problems[0]
            ));
        }
    }
    // Cargo features share one namespace: the generator's own, one per
    // service, one per operation (`<service>-<operation>`, so a service
    // `a_b` and an operation `BX` of a service `a` could meet).
    let mut features: BTreeMap<String, String> =
        naming::RESERVED_FEATURES.iter().map(|f| (f.to_string(), "a feature the generator defines itself".to_string())).collect();
    for ir in &services {
        let service = std::iter::once((&ir.feature, format!("service `{}`", ir.shape_id)));
        let mut operations: Vec<(&String, String)> = Vec::new();
        for o in &ir.operations {
            // Operations on one resource share its feature.
            if !operations.iter().any(|(f, _)| *f == &o.feature) {
                operations.push((&o.feature, format!("operation `{}` of service `{}`", o.name, ir.shape_id)));
            }
        }
        for (feature, what) in service.chain(operations) {
            if let Some(prev) = features.insert(feature.clone(), format!("the feature of {what}")) {
                diags.push(Diagnostic {
                    file: None,
                    line: None,
                    column: None,
                    shape: Some(ir.shape_id.clone()),
                    message: format!(
                        "the Cargo feature `{feature}` of {what} is also {prev}; features are named from the `sdkId` and the operation names"
                    ),
                });
            }
        }
    }
    services.sort_by(|a, b| a.module.cmp(&b.module));
    diags.into_result(CrateIr { name: crate_name.to_string(), services })
}

/// Which operations to generate (everything by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Per service shape id, the operations to generate (by name in the
    /// service); a service not listed gets all of its operations.
    pub services: BTreeMap<String, BTreeSet<String>>,
    /// Operations to generate from whichever services have them (the
    /// `--operations` flag); services with none of them are left out.
    pub anywhere: Option<BTreeSet<String>>,
}

/// Lower one service shape, with all of its operations or only those in `only`.
pub fn lower_service(model: &Model, svc: &Shape, only: Option<&BTreeSet<String>>) -> Result<ServiceIr, Diagnostics> {
    let mut diags = Diagnostics::default();
    let err = |msg: String| Diagnostic::shape(svc.file.clone(), svc.id.clone(), msg);
    let ShapeKind::Service(service) = &svc.kind else {
        return Err(err("not a service".into()).into());
    };
    let protocol = match pick_protocol(&svc.traits.protocols) {
        Some(p) => p,
        None => {
            return Err(err(
                "unsupported protocol: the service has none of the protocol traits `aws.protocols#awsJson1_0`, `aws.protocols#awsJson1_1`, `aws.protocols#restJson1`, `aws.protocols#restXml`, `aws.protocols#awsQuery`, `aws.protocols#ec2Query`, `smithy.protocols#rpcv2Cbor`; add one of them".into(),
            )
            .into())
        }
    };
    let title = svc
        .traits
        .aws_service
        .as_ref()
        .map(|a| a.sdk_id.clone())
        .or_else(|| svc.traits.title.clone())
        .unwrap_or_else(|| crate::model::shape_id::name_of(&svc.id).to_string());
    let module_source =
        svc.traits.aws_service.as_ref().map_or_else(|| crate::model::shape_id::name_of(&svc.id).to_string(), |a| a.sdk_id.clone());
    let sdk_id = svc.traits.aws_service.as_ref().map(|a| a.sdk_id.as_str());
    let Some(module) = naming::service_module(sdk_id, crate::model::shape_id::name_of(&svc.id)) else {
        return Err(err(format!(
            "`aws.api#service` has the sdkId \"{module_source}\", which has no ASCII letter or digit to name the service's Rust module; give it a name such as \"{}\"",
            crate::model::shape_id::name_of(&svc.id)
        ))
        .into());
    };

    let closure = closure::collect(model, svc, service, only, &mut diags);
    // The model's problems in the shapes generated here stop the service;
    // those elsewhere do not (see `Model::problems`).
    diags.0.extend(model.problems_in(&closure.shapes));
    if !diags.is_empty() {
        return Err(diags);
    }
    recursion::check_required_cycles(model, &closure, &mut diags);
    let mut ir = ServiceIr {
        shape_id: svc.id.clone(),
        module,
        title: svc.traits.title.clone().unwrap_or(title),
        docs: svc.traits.documentation.as_deref().map(docs::html_to_markdown),
        version: service.version.clone(),
        protocol: protocol.into(),
        feature: String::new(),
        features_by_resource: false,
        default_headers: customizations::default_headers(svc, service.version.as_deref()),
        sigv4_name: svc.traits.sigv4_name.clone(),
        sdk_id: svc.traits.aws_service.as_ref().map(|a| a.sdk_id.clone()),
        endpoint_prefix: svc.traits.aws_service.as_ref().and_then(|a| a.endpoint_prefix.clone()),
        target_prefix: crate::model::shape_id::name_of(&svc.id).to_string(),
        operations: Vec::new(),
        types: Vec::new(),
        check_fns: Vec::new(),
        patterns: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
        query_compatible: svc.traits.aws_query_compatible,
        endpoint_rules: None,
        endpoint_tests: Vec::new(),
        xml_ns: xml::namespace_attrs(svc.traits.xml_namespace.as_ref()),
        client_context_params: svc.traits.client_context_params.clone(),
        s3_signing: customizations::s3_signing(svc),
        endpoint_discovery: None,
        transfer: false,
        http2: speaks_http2(svc, protocol),
    };
    (ir.endpoint_rules, ir.endpoint_tests) = endpoints::lower(svc, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    types::build(model, &closure, &mut ir, &mut diags);
    auth::resolve(model, svc, &mut ir, &mut diags);
    if svc.traits.aws_service.is_none() {
        ir.notes.push(not_aws_warning(svc, &ir));
    }
    if protocol == Protocol::RpcV2Cbor {
        ir.notes.extend(rpc_v2_cbor::notes(model, &closure));
    }
    event_streams::resolve(model, &mut ir);
    streaming_bodies::resolve(model, &mut ir);
    examples::resolve(model, &mut ir, &mut diags);
    protocol_tests::resolve(model, &mut ir);
    customizations::resolve(svc, &mut ir);
    iam::resolve(model, svc, &mut ir);
    paginated::resolve(model, svc, &mut ir, &mut diags);
    waiters::resolve(model, &mut ir, &mut diags);
    endpoint_discovery::resolve(model, svc, &mut ir, &mut diags);
    gates::assign(&closure, &mut ir);
    if matches!(protocol, Protocol::RestJson1 | Protocol::RestXml) {
        http::check_bindings(model, &closure, &mut diags);
    }
    diags.into_result(ir)
}

/// What the generator assumed of a service without `aws.api#service`.
fn not_aws_warning(svc: &Shape, ir: &ServiceIr) -> String {
    let endpoint = if ir.endpoint_rules.is_some() {
        "its endpoint from its endpoint rules"
    } else {
        "no endpoint rules, so its URL is required in the configuration (`Config::builder().endpoint_url(..)`; smithy-call --endpoint-url)"
    };
    let mut schemes: Vec<&str> = Vec::new();
    for op in &ir.operations {
        for a in &op.auth {
            let name = match a {
                crate::ir::AuthIr::SigV4 => "aws.auth#sigv4",
                crate::ir::AuthIr::Bearer => "smithy.api#httpBearerAuth",
                crate::ir::AuthIr::ApiKey { .. } => "smithy.api#httpApiKeyAuth",
                crate::ir::AuthIr::Basic => "smithy.api#httpBasicAuth",
                crate::ir::AuthIr::Unsupported(id) => id.as_str(),
            };
            if !schemes.contains(&name) {
                schemes.push(name);
            }
        }
    }
    let auth = if schemes.is_empty() { "no auth (requests unsigned)".to_string() } else { format!("auth schemes {}", schemes.join(", ")) };
    format!(
        "service `{}` has no `aws.api#service` trait: generated as a service that is not AWS's, with the Rust module `{}` (from its shape name), {endpoint}, {auth}, and no AWS region or credentials needed",
        svc.id, ir.module
    )
}

/// Whether the protocol trait's `http` or `eventStreamHttp` list (ALPN
/// protocol ids, in order of preference) names `h2`.
fn speaks_http2(svc: &Shape, protocol: Protocol) -> bool {
    let Some(value) = svc.traits.raw.get(&crate::ir::Protocol::from(protocol).trait_id()) else { return false };
    ["http", "eventStreamHttp"]
        .iter()
        .filter_map(|list| value.get(list).and_then(serde_json::Value::as_array))
        .flatten()
        .any(|id| id.as_str() == Some("h2"))
}

fn pick_protocol(protocols: &[Protocol]) -> Option<Protocol> {
    // rpcv2Cbor last: a service that also keeps an older protocol is
    // generated as before.
    [Protocol::RestJson1, Protocol::AwsJson1_1, Protocol::AwsJson1_0, Protocol::RestXml, Protocol::AwsQuery, Protocol::Ec2Query, Protocol::RpcV2Cbor]
        .into_iter()
        .find(|p| protocols.contains(p))
}
