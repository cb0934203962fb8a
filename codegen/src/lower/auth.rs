//! Each operation's auth schemes, as the Smithy specification settles them
//! ("Authentication traits"): the auth-definition traits on the service
//! (`aws.auth#sigv4`, `smithy.api#httpBearerAuth`, `httpApiKeyAuth`,
//! `httpBasicAuth`, ...), chosen and ordered by the operation's `@auth`, else
//! the service's, else all of them by shape id; `@auth([])` (or no scheme at
//! all, for a service that is not AWS's) sends requests unsigned;
//! `@optionalAuth` lets them go unsigned when the configuration has no
//! identity. Schemes the runtime cannot use are kept as `Unsupported` (the
//! call says so) with a warning, so they never fall back silently.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{AuthIr, ServiceIr};
use crate::model::{Model, Shape};

/// The auth-definition traits of the Smithy prelude and the AWS traits.
const KNOWN: &[&str] = &[
    "aws.auth#sigv4",
    "aws.auth#sigv4a",
    "smithy.api#httpApiKeyAuth",
    "smithy.api#httpBasicAuth",
    "smithy.api#httpBearerAuth",
    "smithy.api#httpDigestAuth",
];

/// The service's auth schemes by shape id (sorted, as the spec orders them
/// when no `@auth` does).
fn service_schemes(model: &Model, svc: &Shape) -> BTreeMap<String, AuthIr> {
    let mut out = BTreeMap::new();
    for id in svc.traits.raw.keys() {
        let defined_here = model.get(id).is_some_and(|t| t.traits.raw.contains_key("smithy.api#authDefinition"));
        if !KNOWN.contains(&id.as_str()) && !defined_here {
            continue;
        }
        let scheme = match id.as_str() {
            "aws.auth#sigv4" => AuthIr::SigV4,
            "smithy.api#httpBearerAuth" => AuthIr::Bearer,
            "smithy.api#httpBasicAuth" => AuthIr::Basic,
            "smithy.api#httpApiKeyAuth" => match &svc.traits.http_api_key_auth {
                Some(k) => AuthIr::ApiKey { name: k.name.clone(), in_header: k.in_header, scheme: k.scheme.clone() },
                // Malformed: reported by the trait parser.
                None => continue,
            },
            other => AuthIr::Unsupported(other.to_string()),
        };
        out.insert(id.clone(), scheme);
    }
    out
}

/// Fill each operation's `auth`, `optional_auth` and `unsigned`.
pub fn resolve(model: &Model, svc: &Shape, ir: &mut ServiceIr, diags: &mut Diagnostics) {
    let schemes = service_schemes(model, svc);
    let is_aws = svc.traits.aws_service.is_some();
    let pick = |list: &[String], on: &str, diags: &mut Diagnostics| -> Vec<AuthIr> {
        let mut out = Vec::new();
        for id in list {
            match schemes.get(id) {
                Some(s) => out.push(s.clone()),
                None => diags.push(Diagnostic::shape(
                    svc.file.clone(),
                    on,
                    format!(
                        "`@auth` names `{id}`, which is not an auth scheme trait applied to the service `{}` (its schemes: {})",
                        svc.id,
                        if schemes.is_empty() { "none".to_string() } else { schemes.keys().cloned().collect::<Vec<_>>().join(", ") }
                    ),
                )),
            }
        }
        out
    };
    let service_default: Vec<AuthIr> = match &svc.traits.auth {
        Some(list) => pick(list, &svc.id, diags),
        None if schemes.is_empty() && is_aws => vec![AuthIr::SigV4],
        None => schemes.values().cloned().collect(),
    };
    let mut unsupported: Vec<String> = Vec::new();
    for op in &mut ir.operations {
        let Some(shape) = model.get(&op.shape_id) else { continue };
        let list = match &shape.traits.auth {
            Some(list) => pick(list, &op.shape_id, diags),
            None => service_default.clone(),
        };
        for s in &list {
            if let AuthIr::Unsupported(id) = s {
                if !unsupported.contains(id) {
                    unsupported.push(id.clone());
                }
            }
        }
        op.unsigned |= list.is_empty();
        op.optional_auth = shape.traits.optional_auth;
        op.auth = list;
    }
    if !unsupported.is_empty() {
        ir.warnings.push(format!(
            "service `{}`: the auth scheme{} {} cannot be used by the generated client; operations that would need {} fail without a request",
            svc.id,
            if unsupported.len() == 1 { "" } else { "s" },
            unsupported.join(", "),
            if unsupported.len() == 1 { "it" } else { "one of them" },
        ));
    }
}
