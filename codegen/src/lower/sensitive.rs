//! Which operations' bodies may carry secrets: those whose input or output
//! reaches a `@sensitive` member or shape through the members sent in the
//! body. The runtime keeps such bodies out of errors and recordings.

use std::collections::BTreeSet;

use crate::ir::Protocol;
use crate::model::{Model, ShapeKind};

/// Whether the body of `structure` (an operation's input or output) may hold
/// a `@sensitive` value. On restJson1 and restXml, members bound to headers,
/// the query, the URI or the status code travel outside the body and are
/// not counted; on the other protocols every member is in the body.
pub fn body_holds_sensitive(model: &Model, protocol: Protocol, structure: &str) -> bool {
    let Some(shape) = model.get(structure) else { return false };
    if shape.traits.sensitive {
        return true;
    }
    let mut seen = BTreeSet::new();
    shape.members.iter().any(|m| {
        let t = &m.traits;
        let outside = protocol.is_rest()
            && (t.http_header.is_some() || t.http_query.is_some() || t.http_query_params || t.http_label || t.http_prefix_headers.is_some() || t.http_response_code);
        !outside && (t.sensitive || holds_sensitive(model, &m.target, &mut seen))
    })
}

/// Whether the shape `id` is `@sensitive` or reaches a `@sensitive` member or
/// shape through its members (lists, maps, structures, unions; each shape
/// looked at once, so recursive shapes end).
fn holds_sensitive(model: &Model, id: &str, seen: &mut BTreeSet<String>) -> bool {
    if !seen.insert(id.to_string()) {
        return false;
    }
    let Some(shape) = model.get(id) else { return false };
    if shape.traits.sensitive {
        return true;
    }
    if !matches!(shape.kind, ShapeKind::Structure | ShapeKind::Union | ShapeKind::List | ShapeKind::Map) {
        return false;
    }
    shape.members.iter().any(|m| m.traits.sensitive || holds_sensitive(model, &m.target, seen))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::body_holds_sensitive;
    use crate::ir::Protocol;
    use crate::model::Model;

    fn model() -> Model {
        let secret = json!({"type": "string", "traits": {"smithy.api#sensitive": {}}});
        let model = json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Secret": secret,
                "ex#Plain": {"type": "string"},
                "ex#InBody": {"type": "structure", "members": {"name": {"target": "ex#Plain"}, "creds": {"target": "ex#Creds"}}},
                "ex#Creds": {"type": "structure", "members": {"key": {"target": "ex#Plain"}, "secret": {"target": "ex#Secret"}}},
                "ex#InList": {"type": "structure", "members": {"all": {"target": "ex#CredsList"}}},
                "ex#CredsList": {"type": "list", "member": {"target": "ex#Creds"}},
                "ex#MemberTrait": {"type": "structure", "members": {"pin": {"target": "ex#Plain", "traits": {"smithy.api#sensitive": {}}}}},
                "ex#InHeader": {"type": "structure", "members": {
                    "token": {"target": "ex#Secret", "traits": {"smithy.api#httpHeader": "x-token"}},
                    "name": {"target": "ex#Plain"}
                }},
                "ex#Recursive": {"type": "structure", "members": {"next": {"target": "ex#Recursive"}, "name": {"target": "ex#Plain"}}},
            }
        });
        Model::load_sources(&[(PathBuf::from("sensitive.json"), model.to_string())]).expect("the model loads")
    }

    #[test]
    fn sensitive_members_count_where_they_travel_in_the_body() {
        let m = model();
        for (shape, rest, other) in [
            ("ex#InBody", true, true),
            ("ex#InList", true, true),
            ("ex#MemberTrait", true, true),
            // A header is not the body on restJson1 and restXml.
            ("ex#InHeader", false, true),
            ("ex#Recursive", false, false),
            ("ex#Creds", true, true),
        ] {
            assert_eq!(body_holds_sensitive(&m, Protocol::RestJson1, shape), rest, "{shape} on restJson1");
            assert_eq!(body_holds_sensitive(&m, Protocol::AwsJson1_1, shape), other, "{shape} on awsJson1_1");
        }
    }
}
