//! Checks of restJson1 HTTP bindings: every operation has `@http`, URI labels
//! and `@httpLabel` members match one to one, at most one `@httpPayload`.

use super::closure::Closure;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Model, ShapeKind, UriSegment};

pub fn check_bindings(model: &Model, c: &Closure<'_>, diags: &mut Diagnostics) {
    for op in &c.operations {
        let ShapeKind::Operation(o) = &op.kind else { continue };
        let err = |msg: String| Diagnostic::shape(op.file.clone(), op.id.clone(), msg);
        let Some(http) = &op.traits.http else {
            diags.push(err("restJson1 operations need the `smithy.api#http` trait (method and URI)".into()));
            continue;
        };
        let Some(input) = model.get(&o.input) else { continue };
        for seg in &http.path {
            let (UriSegment::Label(name) | UriSegment::Greedy(name)) = seg else { continue };
            match input.member(name) {
                None => diags.push(err(format!(
                    "the URI `{}` has the label `{{{name}}}` but the input `{}` has no member `{name}`; add the member (with `@httpLabel` and `@required`) or remove the label",
                    http.uri, input.id
                ))),
                Some(m) if !m.traits.http_label => diags.push(Diagnostic::shape(
                    input.file.clone(),
                    format!("{}${name}", input.id),
                    format!("is bound to the URI label `{{{name}}}` of `{}` but lacks `@httpLabel`", op.id),
                )),
                Some(m) if !m.traits.required => diags.push(Diagnostic::shape(
                    input.file.clone(),
                    format!("{}${name}", input.id),
                    "an `@httpLabel` member must be `@required`".to_string(),
                )),
                Some(_) => {}
            }
        }
        let mut payloads = Vec::new();
        let mut body = Vec::new();
        // Header names (case-insensitive) and query keys, each bound once.
        let mut headers: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
        let mut queries: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
        for m in &input.members {
            let dup = |what: &str, key: &str, other: &str| {
                Diagnostic::shape(
                    input.file.clone(),
                    format!("{}${}", input.id, m.name),
                    format!("binds the {what} `{key}`, which member `{other}` binds too; each {what} can carry one member, so rename one of them"),
                )
            };
            if let Some(h) = &m.traits.http_header {
                if let Some(other) = headers.insert(h.to_ascii_lowercase(), &m.name) {
                    diags.push(dup("HTTP header", h, other));
                }
            }
            if let Some(q) = &m.traits.http_query {
                if let Some(other) = queries.insert(q, &m.name) {
                    diags.push(dup("query parameter", q, other));
                }
            }
            let t = &m.traits;
            let in_uri = http
                .path
                .iter()
                .any(|s| matches!(s, UriSegment::Label(n) | UriSegment::Greedy(n) if n == &m.name));
            if t.http_label && !in_uri {
                diags.push(Diagnostic::shape(
                    input.file.clone(),
                    format!("{}${}", input.id, m.name),
                    format!(
                        "has `@httpLabel` but the URI `{}` of `{}` has no `{{{}}}` label; add it to the URI or remove the trait",
                        http.uri, op.id, m.name
                    ),
                ));
            }
            let bindings = [
                t.http_label,
                t.http_query.is_some(),
                t.http_query_params,
                t.http_header.is_some(),
                t.http_prefix_headers.is_some(),
                t.http_payload,
            ];
            let n = bindings.iter().filter(|b| **b).count();
            if n > 1 {
                diags.push(Diagnostic::shape(
                    input.file.clone(),
                    format!("{}${}", input.id, m.name),
                    "has more than one HTTP binding trait; keep one".to_string(),
                ));
            }
            if t.http_payload {
                payloads.push(m.name.clone());
            } else if n == 0 {
                body.push(m.name.clone());
            }
        }
        if payloads.len() > 1 {
            diags.push(Diagnostic::shape(
                input.file.clone(),
                input.id.clone(),
                format!("more than one `@httpPayload` member: {}", payloads.join(", ")),
            ));
        }
        if !payloads.is_empty() && !body.is_empty() {
            diags.push(Diagnostic::shape(
                input.file.clone(),
                input.id.clone(),
                format!(
                    "has an `@httpPayload` member (`{}`) and unbound body members ({}); bind them to the URI, query or headers",
                    payloads[0],
                    body.join(", ")
                ),
            ));
        }
    }
}
