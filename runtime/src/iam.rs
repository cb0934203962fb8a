//! The IAM policy a build of a generated crate needs: each service module's
//! `IAM_ACTIONS` lists, per operation compiled in, the actions its calls
//! need; [`policy`] turns such lists into a policy document.

/// An IAM policy document (JSON, pretty-printed) allowing every action of
/// `services` (each a service's `IAM_ACTIONS`: operation name, actions),
/// sorted and without repeats, on every resource. The generator cannot
/// know which resources a program touches: narrow `Resource` (and add
/// conditions) before attaching the policy where that matters.
pub fn policy(services: &[&[(&str, &[&str])]]) -> String {
    // Written by hand so the keys keep the order IAM documents use, whatever
    // features serde_json is built with (`preserve_order` or not).
    let actions = actions(services);
    let list: Vec<String> = actions.iter().map(|a| format!("        {}", serde_json::Value::from(a.as_str()))).collect();
    let action = if list.is_empty() { "[]".to_string() } else { format!("[\n{}\n      ]", list.join(",\n")) };
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"SmithyGenOperations\",\n      \"Effect\": \"Allow\",\n      \"Action\": {action},\n      \"Resource\": \"*\"\n    }}\n  ]\n}}"
    )
}

/// The actions of `services` alone (sorted, without repeats).
pub fn actions(services: &[&[(&str, &[&str])]]) -> Vec<String> {
    let mut all: Vec<String> = services.iter().flat_map(|s| s.iter()).flat_map(|(_, a)| a.iter().map(|s| s.to_string())).collect();
    all.sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_policy_allows_each_action_once_in_order() {
        let s3: &[(&str, &[&str])] = &[("GetObject", &["s3:GetObject"]), ("HeadObject", &["s3:GetObject"]), ("ListObjectsV2", &["s3:ListBucket"])];
        let iam: &[(&str, &[&str])] = &[("GetRole", &["iam:GetRole"])];
        let doc: serde_json::Value = serde_json::from_str(&super::policy(&[s3, iam])).expect("JSON");
        assert_eq!(doc["Version"], "2012-10-17");
        let statement = &doc["Statement"][0];
        assert_eq!(statement["Effect"], "Allow");
        assert_eq!(statement["Action"], serde_json::json!(["iam:GetRole", "s3:GetObject", "s3:ListBucket"]));
        assert_eq!(statement["Resource"], "*");
        assert_eq!(super::actions(&[iam, s3]), ["iam:GetRole", "s3:GetObject", "s3:ListBucket"]);
        // IAM's documented key order, and pretty-printed as serde_json prints.
        let text = super::policy(&[s3]);
        let keys: Vec<usize> = ["Version", "Statement", "Sid", "Effect", "Action", "Resource"].iter().map(|k| text.find(&format!("\"{k}\"")).expect("every key")).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(text.contains("\"Action\": [\n        \"s3:GetObject\",\n        \"s3:ListBucket\"\n      ],"), "{text}");
        let empty: serde_json::Value = serde_json::from_str(&super::policy(&[])).expect("JSON without actions");
        assert_eq!(empty["Statement"][0]["Action"], serde_json::json!([]));
    }
}
