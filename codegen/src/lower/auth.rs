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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::ir::AuthIr;
    use crate::lower::{lower_crate, Selection};
    use crate::model::Model;

    /// A restJson1 service with these service traits and one GET operation
    /// per entry of `ops` (its name, its own traits).
    fn model(service: serde_json::Value, ops: &[(&str, serde_json::Value)]) -> Model {
        let mut shapes = serde_json::Map::new();
        let mut traits = service;
        traits["aws.protocols#restJson1"] = serde_json::json!({});
        shapes.insert(
            "ex#Svc".into(),
            serde_json::json!({"type": "service", "version": "1", "operations": ops.iter().map(|(n, _)| serde_json::json!({"target": format!("ex#{n}")})).collect::<Vec<_>>(), "traits": traits}),
        );
        for (name, op_traits) in ops {
            let mut t = op_traits.clone();
            t["smithy.api#http"] = serde_json::json!({"method": "GET", "uri": format!("/{name}")});
            shapes.insert(format!("ex#{name}"), serde_json::json!({"type": "operation", "traits": t}));
        }
        let text = serde_json::json!({"smithy": "2.0", "shapes": shapes}).to_string();
        Model::load_sources(&[(PathBuf::from("auth.json"), text)]).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Each operation's name, schemes, `unsigned` and `optional_auth`.
    type Lowered = Vec<(String, Vec<AuthIr>, bool, bool)>;

    fn auth_of(model: &Model) -> Result<Lowered, String> {
        let ir = lower_crate(model, "t", &Selection::default()).map_err(|e| e.to_string())?;
        Ok(ir.services[0].operations.iter().map(|o| (o.name.clone(), o.auth.clone(), o.unsigned, o.optional_auth)).collect())
    }

    #[test]
    fn effective_schemes_follow_the_specification() {
        let key = serde_json::json!({"name": "x-key", "in": "header", "scheme": "Key"});
        let m = model(
            serde_json::json!({"smithy.api#httpBearerAuth": {}, "smithy.api#httpApiKeyAuth": key, "smithy.api#httpBasicAuth": {}}),
            &[
                ("A", serde_json::json!({})),
                ("B", serde_json::json!({"smithy.api#auth": ["smithy.api#httpBearerAuth"], "smithy.api#optionalAuth": {}})),
                ("C", serde_json::json!({"smithy.api#auth": []})),
            ],
        );
        let api_key = AuthIr::ApiKey { name: "x-key".into(), in_header: true, scheme: Some("Key".into()) };
        assert_eq!(
            auth_of(&m).expect("lowers"),
            [
                // No @auth anywhere: every scheme of the service, by shape id.
                ("A".to_string(), vec![api_key, AuthIr::Basic, AuthIr::Bearer], false, false),
                ("B".to_string(), vec![AuthIr::Bearer], false, true),
                ("C".to_string(), vec![], true, false),
            ]
        );
        // The service's @auth orders its operations' schemes.
        let m = model(
            serde_json::json!({"smithy.api#httpBearerAuth": {}, "smithy.api#httpBasicAuth": {}, "smithy.api#auth": ["smithy.api#httpBearerAuth", "smithy.api#httpBasicAuth"]}),
            &[("A", serde_json::json!({}))],
        );
        assert_eq!(auth_of(&m).expect("lowers")[0].1, [AuthIr::Bearer, AuthIr::Basic]);
        // No scheme at all: unsigned (a service that is not AWS's).
        let m = model(serde_json::json!({}), &[("A", serde_json::json!({}))]);
        assert_eq!(auth_of(&m).expect("lowers")[0], ("A".to_string(), vec![], true, false));
        // A scheme the runtime cannot use is kept, so the call says so.
        let m = model(serde_json::json!({"smithy.api#httpDigestAuth": {}}), &[("A", serde_json::json!({}))]);
        assert_eq!(auth_of(&m).expect("lowers")[0].1, [AuthIr::Unsupported("smithy.api#httpDigestAuth".into())]);
    }

    #[test]
    fn auth_naming_a_scheme_the_service_lacks_is_an_error() {
        let m = model(serde_json::json!({"smithy.api#httpBearerAuth": {}}), &[("A", serde_json::json!({"smithy.api#auth": ["smithy.api#httpBasicAuth"]}))]);
        let e = auth_of(&m).expect_err("not a scheme of the service");
        assert!(e.contains("ex#A") && e.contains("smithy.api#httpBasicAuth") && e.contains("smithy.api#httpBearerAuth"), "{e}");
    }

    #[test]
    fn api_key_traits_are_checked() {
        for (value, says) in [
            (serde_json::json!({"name": "k", "in": "body"}), "`in` must be"),
            (serde_json::json!({"name": "k", "in": "query", "scheme": "Key"}), "only be set when `in` is"),
            (serde_json::json!({"name": "bad header", "in": "header"}), "not a valid HTTP header name"),
            (serde_json::json!({"in": "header"}), "`name` must be"),
        ] {
            let m = model(serde_json::json!({"smithy.api#httpApiKeyAuth": value}), &[("A", serde_json::json!({}))]);
            let e = auth_of(&m).expect_err("a malformed trait");
            assert!(e.contains(says) && e.contains("httpApiKeyAuth"), "{says}: {e}");
        }
    }
}
