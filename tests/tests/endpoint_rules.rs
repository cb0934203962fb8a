//! The endpoint rules engine (`smithy_gen_runtime::endpoints`): every
//! `smithy.rules#endpointTests` case of the official models, then focused
//! checks of templates, `getAttr`, the standard library, partitions and the
//! errors a rule set or a resolution can give.

use smithy_gen_runtime::endpoints;
use endpoints::{EndpointErrorKind, Params, RuleSet};
use serde_json::{json, Value};

const CLOUDWATCH_LOGS: &str = "cloudwatch-logs-2014-03-28.json";
const GUARDDUTY: &str = "guardduty-2017-11-28.json";

/// Runs every endpoint test case of the model's service; returns how many
/// ran and a description of each failure.
fn run_endpoint_tests(path: &str) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let model: Value = serde_json::from_str(&text).expect("model is JSON");
    let shapes = model["shapes"].as_object().expect("model has shapes");
    let traits = shapes
        .values()
        .map(|shape| &shape["traits"])
        .find(|traits| traits.get("smithy.rules#endpointRuleSet").is_some())
        .expect("a service shape with smithy.rules#endpointRuleSet");
    let rules = RuleSet::from_value(&traits["smithy.rules#endpointRuleSet"]).expect("the rule set is accepted");
    // The trait value as text goes through `from_json` the same way.
    RuleSet::from_json(&traits["smithy.rules#endpointRuleSet"].to_string()).expect("from_json accepts it too");
    let cases = traits["smithy.rules#endpointTests"]["testCases"].as_array().expect("endpoint test cases");

    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let doc = case["documentation"].as_str().unwrap_or("(no documentation)");
        if let Err(why) = run_case(&rules, case) {
            failures.push(format!("case {i} `{doc}`: {why}"));
        }
    }
    (cases.len(), failures)
}

fn run_case(rules: &RuleSet, case: &Value) -> Result<(), String> {
    let mut params = Params::new();
    if let Some(given) = case.get("params").and_then(Value::as_object) {
        for (name, value) in given {
            params = match value {
                Value::String(s) => params.string(name, s),
                Value::Bool(b) => params.boolean(name, *b),
                Value::Array(items) => params.string_array(
                    name,
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .ok_or("non-string array param")?,
                ),
                other => return Err(format!("unsupported parameter value {other}")),
            };
        }
    }
    let result = rules.resolve(&params);
    let expect = &case["expect"];
    if let Some(message) = expect.get("error").and_then(Value::as_str) {
        return match result {
            Err(e) if e.to_string() == message => Ok(()),
            Err(e) => Err(format!("expected error {message:?}, got error {:?}", e.to_string())),
            Ok(endpoint) => Err(format!("expected error {message:?}, got endpoint {}", endpoint.url)),
        };
    }
    let want = expect.get("endpoint").ok_or("the case expects neither an endpoint nor an error")?;
    let endpoint = result.map_err(|e| format!("expected an endpoint, got error {:?}", e.to_string()))?;
    if want["url"].as_str() != Some(endpoint.url.as_str()) {
        return Err(format!("expected url {}, got {}", want["url"], endpoint.url));
    }
    if let Some(headers) = want.get("headers") {
        let got = json!(endpoint.headers);
        if &got != headers {
            return Err(format!("expected headers {headers}, got {got}"));
        }
    }
    if let Some(properties) = want.get("properties") {
        let got = Value::Object(endpoint.properties.clone());
        if &got != properties {
            return Err(format!("expected properties {properties}, got {got}"));
        }
    }
    Ok(())
}

fn check_model(file: &str) {
    // The official model, found through the third-party search order.
    let Some(path) = integration_tests::third_party::official_model("endpoint rule tests", file) else { return };
    let path = path.to_string_lossy();
    let path = path.as_ref();
    let (count, failures) = run_endpoint_tests(path);
    assert!(count > 0, "{path}: no endpoint test cases found");
    assert!(
        failures.is_empty(),
        "{path}: {} of {count} endpoint test cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{path}: all {count} endpoint test cases passed");
}

#[test]
fn cloudwatch_logs_endpoint_tests_pass() {
    check_model(CLOUDWATCH_LOGS);
}

#[test]
fn guardduty_endpoint_tests_pass() {
    check_model(GUARDDUTY);
}

// ---------------------------------------------------------------------------
// Focused checks
// ---------------------------------------------------------------------------

fn rule_set(parameters: Value, rules: Value) -> RuleSet {
    let doc = json!({ "version": "1.0", "parameters": parameters, "rules": rules });
    RuleSet::from_value(&doc).unwrap_or_else(|e| panic!("rule set rejected: {e}"))
}

fn rejected(parameters: Value, rules: Value) -> String {
    let doc = json!({ "version": "1.0", "parameters": parameters, "rules": rules });
    let err = RuleSet::from_json(&doc.to_string()).expect_err("the rule set should be rejected");
    assert_eq!(err.kind(), EndpointErrorKind::InvalidRuleSet);
    err.to_string()
}

/// The value of one function call (a condition that assigns it), or `None`
/// when the condition does not hold (the result is unset or `false`).
fn outcome(call: Value) -> Option<Value> {
    let mut condition = call;
    condition["assign"] = json!("Out");
    let rules = rule_set(
        json!({}),
        json!([
            { "type": "endpoint", "conditions": [condition], "endpoint": { "url": "https://x", "properties": { "out": "{Out}" } } },
            { "type": "error", "conditions": [], "error": "did not hold" }
        ]),
    );
    match rules.resolve(&Params::new()) {
        Ok(endpoint) => Some(endpoint.properties["out"].clone()),
        Err(e) if e.to_string() == "did not hold" => None,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn region_param() -> Value {
    json!({ "Region": { "type": "String", "required": true, "documentation": "The region." } })
}

#[test]
fn templates_expand_placeholders_and_escapes() {
    let rules = rule_set(
        region_param(),
        json!([
            { "type": "error", "conditions": [{ "fn": "stringEquals", "argv": [{ "ref": "Region" }, "bad"] }],
              "error": "no endpoint for {Region} ({{not a placeholder}})" },
            { "type": "endpoint", "conditions": [],
              "endpoint": {
                "url": "https://{{literal}}.{Region}.example.com/{{}}x}}",
                "headers": { "x-region": ["{Region}", "{{Region}}", "{{{Region}}}"] },
                "properties": {
                  "authSchemes": [{ "name": "sigv4", "signingRegion": "{Region}", "flags": [true, 3, null, "{{{Region}}}"] }],
                  "plain": "no placeholders"
                }
              } }
        ]),
    );
    let endpoint = rules.resolve(&Params::new().string("Region", "us-west-2")).expect("resolves");
    assert_eq!(endpoint.url, "https://{literal}.us-west-2.example.com/{}x}");
    assert_eq!(endpoint.headers["x-region"], vec!["us-west-2", "{Region}", "{us-west-2}"]);
    assert_eq!(
        Value::Object(endpoint.properties),
        json!({
            "authSchemes": [{ "name": "sigv4", "signingRegion": "us-west-2", "flags": [true, 3, null, "{us-west-2}"] }],
            "plain": "no placeholders"
        })
    );
    let err = rules.resolve(&Params::new().string("Region", "bad")).expect_err("error rule");
    assert_eq!(err.kind(), EndpointErrorKind::Rule);
    assert_eq!(err.to_string(), "no endpoint for bad ({not a placeholder})");

    for (url, why) in [
        ("https://{Region", "unclosed `{`"),
        ("https://x}.com", "unmatched `}`"),
        ("https://{Nope}.com", "undefined name `Nope`"),
        ("https://{Region#a..b}.com", "invalid path"),
    ] {
        let message =
            rejected(region_param(), json!([{ "type": "endpoint", "conditions": [], "endpoint": { "url": url } }]));
        assert!(message.contains(why), "{url}: {message}");
        assert!(message.contains("rules[0].endpoint.url"), "{message}");
    }
}

#[test]
fn get_attr_paths() {
    let arn = "arn:aws:s3:us-east-2:012345678:outpost/op-1234:extra";
    let parsed = outcome(json!({ "fn": "aws.parseArn", "argv": [arn] })).expect("parses");
    assert_eq!(
        parsed,
        json!({ "partition": "aws", "service": "s3", "region": "us-east-2", "accountId": "012345678",
                "resourceId": ["outpost", "op-1234", "extra"] })
    );
    let get = |path: &str| outcome(json!({ "fn": "getAttr", "argv": [{ "fn": "aws.parseArn", "argv": [arn] }, path] }));
    assert_eq!(get("resourceId[1]"), Some(json!("op-1234")));
    assert_eq!(get("resourceId[0]"), Some(json!("outpost")));
    assert_eq!(get("resourceId[3]"), None, "an index past the end is unset");
    assert_eq!(get("region"), Some(json!("us-east-2")));
    assert_eq!(get("nothere"), None);
    assert_eq!(get("resourceId"), Some(json!(["outpost", "op-1234", "extra"])));

    // Nested keys, through parseURL and template shorthand.
    let rules = rule_set(
        json!({ "Endpoint": { "type": "String", "required": false, "documentation": "Override." } }),
        json!([
            { "type": "endpoint",
              "conditions": [
                { "fn": "isSet", "argv": [{ "ref": "Endpoint" }] },
                { "fn": "parseURL", "argv": [{ "ref": "Endpoint" }], "assign": "url" },
                { "fn": "aws.parseArn", "argv": ["arn:aws:s3:::bucket/key"], "assign": "arn" },
                { "fn": "booleanEquals", "argv": [{ "fn": "getAttr", "argv": [{ "ref": "url" }, "isIp"] }, false] }
              ],
              "endpoint": { "url": "{url#scheme}://{arn#resourceId[0]}.{url#authority}{url#normalizedPath}{arn#resourceId[1]}" } },
            { "type": "error", "conditions": [], "error": "no endpoint" }
        ]),
    );
    let endpoint = rules.resolve(&Params::new().string("Endpoint", "https://example.com:8443/base")).expect("resolves");
    assert_eq!(endpoint.url, "https://bucket.example.com:8443/base/key");
    let err = rules.resolve(&Params::new().string("Endpoint", "https://10.0.0.1/base")).expect_err("isIp");
    assert_eq!(err.to_string(), "no endpoint");

    for path in ["resourceId[0].x", "a..b", "a[x]", "a[0", "", "a[]"] {
        let message = rejected(
            json!({}),
            json!([{ "type": "endpoint",
                     "conditions": [{ "fn": "getAttr", "argv": [{ "fn": "aws.parseArn", "argv": ["arn:a:b:c:d:e"] }, path] }],
                     "endpoint": { "url": "https://x" } }]),
        );
        assert!(message.contains("invalid `getAttr` path"), "{path:?}: {message}");
    }
}

#[test]
fn substring_edge_cases() {
    let sub = |input: &str, start: i64, stop: i64, reverse: bool| {
        outcome(json!({ "fn": "substring", "argv": [input, start, stop, reverse] }))
            .map(|v| v.as_str().unwrap_or_default().to_string())
    };
    assert_eq!(sub("hello", 0, 2, false).as_deref(), Some("he"));
    assert_eq!(sub("hello", 0, 2, true).as_deref(), Some("lo"));
    assert_eq!(sub("hello", 0, 5, false).as_deref(), Some("hello"));
    assert_eq!(sub("hello", 0, 5, true).as_deref(), Some("hello"));
    assert_eq!(sub("abcdef", 1, 3, true).as_deref(), Some("de"));
    assert_eq!(sub("hello", 0, 6, false), None, "stop past the end");
    assert_eq!(sub("hello", 0, 6, true), None, "stop past the end, reversed");
    assert_eq!(sub("hello", 2, 2, false), None, "empty range");
    assert_eq!(sub("hello", 3, 1, false), None, "reversed range");
    assert_eq!(sub("hello", -1, 2, false), None, "negative start");
    assert_eq!(sub("héllo", 0, 1, false), None, "non-ASCII input");
    assert_eq!(sub("", 0, 1, false), None);
    assert_eq!(sub("hello", i64::MAX - 1, i64::MAX, true), None);

    let message = rejected(
        json!({}),
        json!([{ "type": "endpoint", "conditions": [{ "fn": "substring", "argv": ["abc", "0", 1, false] }], "endpoint": { "url": "https://x" } }]),
    );
    assert!(message.contains("`substring` expects an integer here, found a string"), "{message}");
}

#[test]
fn parse_url_accepts_http_urls_and_rejects_queries() {
    let parse = |url: &str| outcome(json!({ "fn": "parseURL", "argv": [url] }));
    assert_eq!(
        parse("https://example.com"),
        Some(
            json!({ "scheme": "https", "authority": "example.com", "path": "", "normalizedPath": "/", "isIp": false })
        )
    );
    assert_eq!(
        parse("http://example.com:80/foo/bar"),
        Some(
            json!({ "scheme": "http", "authority": "example.com:80", "path": "/foo/bar", "normalizedPath": "/foo/bar/", "isIp": false })
        )
    );
    assert_eq!(
        parse("https://127.0.0.1/"),
        Some(json!({ "scheme": "https", "authority": "127.0.0.1", "path": "/", "normalizedPath": "/", "isIp": true }))
    );
    assert_eq!(
        parse("https://[fe80::1]:8443"),
        Some(
            json!({ "scheme": "https", "authority": "[fe80::1]:8443", "path": "", "normalizedPath": "/", "isIp": true })
        )
    );
    assert_eq!(parse("HTTPS://example.com").and_then(|u| u.get("scheme").cloned()), Some(json!("https")));
    for bad in [
        "https://example.com:8443?foo=bar&faz=baz",
        "https://example.com/path?x=1",
        "https://example.com/#frag",
        "ftp://example.com",
        "https://",
        "https://:443",
        "https://exa mple.com",
        "https://example.com:99999",
        "https://example.com:",
        "https://[not-ipv6]",
        "example.com",
        "",
    ] {
        assert_eq!(parse(bad), None, "{bad:?} should not parse");
    }
}

#[test]
fn missing_required_parameter_is_reported() {
    let rules = rule_set(
        json!({
            "Bucket": { "type": "String", "required": true, "documentation": "The bucket." },
            "UseFIPS": { "type": "Boolean", "required": true, "default": false, "documentation": "FIPS." },
            "Names": { "type": "stringArray", "required": false, "documentation": "Names." }
        }),
        json!([
            { "type": "endpoint", "conditions": [{ "fn": "booleanEquals", "argv": [{ "ref": "UseFIPS" }, true] }],
              "endpoint": { "url": "https://{Bucket}.fips.example.com" } },
            { "type": "endpoint", "conditions": [{ "fn": "getAttr", "argv": [{ "ref": "Names" }, "[1]"], "assign": "second" }],
              "endpoint": { "url": "https://{Bucket}.{second}.example.com" } },
            { "type": "endpoint", "conditions": [], "endpoint": { "url": "https://{Bucket}.example.com" } }
        ]),
    );
    let err = rules.resolve(&Params::new()).expect_err("Bucket is required");
    assert_eq!(err.kind(), EndpointErrorKind::MissingParameter);
    assert_eq!(err.to_string(), "missing required endpoint parameter `Bucket`");

    // The default fills UseFIPS; a given value overrides it.
    assert_eq!(
        rules.resolve(&Params::new().string("Bucket", "b")).map(|e| e.url),
        Ok("https://b.example.com".to_string())
    );
    let fips = Params::new().string("Bucket", "b").boolean("UseFIPS", true);
    assert_eq!(rules.resolve(&fips).map(|e| e.url), Ok("https://b.fips.example.com".to_string()));
    let names = Params::new().string("Bucket", "b").string_array("Names", ["x", "y"]);
    assert_eq!(rules.resolve(&names).map(|e| e.url), Ok("https://b.y.example.com".to_string()));

    let err = rules.resolve(&Params::new().boolean("Bucket", true)).expect_err("wrong type");
    assert_eq!(err.kind(), EndpointErrorKind::InvalidParameter);
    assert_eq!(err.to_string(), "endpoint parameter `Bucket` must be a string, found a boolean");

    let declared: Vec<_> = rules.parameters().map(|p| (p.name.as_str(), p.required, p.default.is_some())).collect();
    assert_eq!(declared, [("Bucket", true, false), ("Names", false, false), ("UseFIPS", true, true)]);
}

#[test]
fn unknown_function_is_rejected_when_read() {
    let message = rejected(
        region_param(),
        json!([{ "type": "tree", "conditions": [{ "fn": "isSet", "argv": [{ "ref": "Region" }] }],
                 "rules": [{ "type": "endpoint",
                             "conditions": [{ "fn": "aws.frobnicate", "argv": [{ "ref": "Region" }] }],
                             "endpoint": { "url": "https://x" } }] }]),
    );
    assert!(message.contains("unknown function `aws.frobnicate`"), "{message}");
    assert!(message.contains("rules[0].rules[0].conditions[0]"), "{message}");

    // Nested inside an argument, too.
    let message = rejected(
        region_param(),
        json!([{ "type": "endpoint",
                 "conditions": [{ "fn": "not", "argv": [{ "fn": "coalesce", "argv": [{ "ref": "Region" }, "x"] }] }],
                 "endpoint": { "url": "https://x" } }]),
    );
    assert!(message.contains("unknown function `coalesce`"), "{message}");
}

#[test]
fn malformed_rule_sets_are_errors_not_panics() {
    for text in [
        "",
        "{",
        "[]",
        "null",
        r#"{"version": "1.0"}"#,
        r#"{"version": "9.9", "parameters": {}, "rules": []}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": []}"#,
        r#"{"version": "1.0", "parameters": {"A": {"type": "Integer"}}, "rules": [{"type": "error", "conditions": [], "error": "x"}]}"#,
        r#"{"version": "1.0", "parameters": {"A": {"type": "String", "default": true, "required": true}}, "rules": [{"type": "error", "conditions": [], "error": "x"}]}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "nope", "conditions": []}]}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [{"ref": "A"}], "endpoint": {"url": "https://x"}}]}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [{"fn": "not", "argv": [true, false]}], "endpoint": {"url": "https://x"}}]}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [{"fn": "not", "argv": [null]}], "endpoint": {"url": "https://x"}}]}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [{"fn": "not", "argv": [1.5]}], "endpoint": {"url": "https://x"}}]}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "tree", "conditions": [], "rules": []}]}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"headers": {}}}]}"#,
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://x", "headers": {"h": "v"}}}]}"#,
    ] {
        let err = RuleSet::from_json(text).err().unwrap_or_else(|| panic!("{text:?} should be rejected"));
        assert_eq!(err.kind(), EndpointErrorKind::InvalidRuleSet, "{text}: {err}");
    }

    // Nesting far deeper than any real rule set.
    let mut expr = json!(true);
    for _ in 0..500 {
        expr = json!({ "fn": "not", "argv": [expr] });
    }
    let doc = json!({ "version": "1.0", "parameters": {},
                      "rules": [{ "type": "endpoint", "conditions": [expr], "endpoint": { "url": "https://x" } }] });
    let err = RuleSet::from_value(&doc).expect_err("too deep");
    assert!(err.to_string().contains("nested too deeply"), "{err}");
    // As text, the JSON parser's own nesting limit stops it first.
    assert_eq!(RuleSet::from_json(&doc.to_string()).err().map(|e| e.kind()), Some(EndpointErrorKind::InvalidRuleSet));

    // Runtime type mistakes are errors too.
    let rules = rule_set(
        region_param(),
        json!([{ "type": "endpoint", "conditions": [], "endpoint": { "url": { "fn": "isSet", "argv": [{ "ref": "Region" }] } } }]),
    );
    let err = rules.resolve(&Params::new().string("Region", "r")).expect_err("url must be a string");
    assert_eq!(err.kind(), EndpointErrorKind::Evaluation);
    assert_eq!(err.to_string(), "the endpoint url must be a string, found a boolean");
}

#[test]
fn scopes_and_tree_exhaustion() {
    // An assignment is visible in the rest of its rule and under it, not in
    // sibling rules.
    let message = rejected(
        region_param(),
        json!([
            { "type": "endpoint", "conditions": [{ "fn": "aws.partition", "argv": [{ "ref": "Region" }], "assign": "p" }],
              "endpoint": { "url": "https://{p#dnsSuffix}" } },
            { "type": "endpoint", "conditions": [], "endpoint": { "url": "https://{p#dnsSuffix}" } }
        ]),
    );
    assert!(message.contains("undefined name `p`") && message.contains("rules[1]"), "{message}");
    let message = rejected(
        region_param(),
        json!([{ "type": "endpoint", "conditions": [{ "fn": "isSet", "argv": [{ "ref": "Region" }], "assign": "Region" }],
                 "endpoint": { "url": "https://x" } }]),
    );
    assert!(message.contains("`Region` is already defined"), "{message}");

    // A tree whose rules all fail ends resolution: later rules are not tried.
    let rules = rule_set(
        region_param(),
        json!([
            { "type": "tree", "conditions": [{ "fn": "aws.partition", "argv": [{ "ref": "Region" }], "assign": "p" }],
              "rules": [{ "type": "endpoint", "conditions": [{ "fn": "stringEquals", "argv": ["{p#name}", "aws-cn"] }],
                          "endpoint": { "url": "https://{Region}.{p#dnsSuffix}" } }] },
            { "type": "endpoint", "conditions": [], "endpoint": { "url": "https://fallback" } }
        ]),
    );
    assert_eq!(
        rules.resolve(&Params::new().string("Region", "cn-north-1")).map(|e| e.url),
        Ok("https://cn-north-1.amazonaws.com.cn".into())
    );
    let err = rules.resolve(&Params::new().string("Region", "us-east-1")).expect_err("tree exhausted");
    assert_eq!(err.kind(), EndpointErrorKind::NoMatch);
    assert!(err.to_string().contains("rules[0]"), "{err}");
}

#[test]
fn partitions() {
    let partition =
        |region: &str| outcome(json!({ "fn": "aws.partition", "argv": [region] })).expect("always a partition");
    let name = |region: &str| partition(region)["name"].as_str().unwrap_or_default().to_string();
    for (region, expected) in [
        ("us-east-1", "aws"),
        ("aws-global", "aws"),
        ("mx-central-1", "aws"),
        ("il-central-9", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-south-7", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-foo-5", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-iso-north-2", "aws-iso"),
        ("us-isob-west-3", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("eu-isoe-north-4", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
        ("us-isof-north-9", "aws-iso-f"),
        ("eusc-de-east-1", "aws-eusc"),
        ("eusc-de-south-2", "aws-eusc"),
        ("eusc-fr-south-2", "aws"),
        ("mars-central-1", "aws"),
        ("us-east-1a", "aws"),
        ("", "aws"),
    ] {
        assert_eq!(name(region), expected, "{region}");
    }
    assert_eq!(
        partition("us-iso-east-1"),
        json!({ "name": "aws-iso", "dnsSuffix": "c2s.ic.gov", "dualStackDnsSuffix": "c2s.ic.gov", "supportsFIPS": true,
                "supportsDualStack": false, "implicitGlobalRegion": "us-iso-east-1" })
    );
    assert_eq!(partition("cn-northwest-1")["dualStackDnsSuffix"], json!("api.amazonwebservices.com.cn"));
}

#[test]
fn host_labels_buckets_and_uri_encoding() {
    let holds = |call: Value| outcome(call).is_some();
    let label = |s: &str, sub: bool| holds(json!({ "fn": "isValidHostLabel", "argv": [s, sub] }));
    assert!(label("abc-123", false));
    assert!(label("a.b.c", true));
    assert!(!label("a.b", false));
    assert!(!label("a.b.", true));
    assert!(!label("", false));
    assert!(!label("-abc", false));
    assert!(!label("a_b", true));
    assert!(!label(&"a".repeat(64), false));
    assert!(label(&format!("{0}.{0}", "a".repeat(63)), true));

    let bucket = |s: &str, sub: bool| holds(json!({ "fn": "aws.isVirtualHostableS3Bucket", "argv": [s, sub] }));
    assert!(bucket("my-bucket", false));
    assert!(bucket("a--b--x-s3", false));
    assert!(bucket("my.bucket.name", true));
    assert!(!bucket("my.bucket", false));
    assert!(!bucket("MyBucket", false));
    assert!(!bucket("ab", false));
    assert!(!bucket("a-.b-.c", true));
    assert!(!bucket("192.168.1.1", true));
    assert!(!bucket("bucket-", false));
    assert!(!bucket("a..b", true));
    assert!(bucket("a.b", true), "three characters is long enough");
    assert!(!bucket(&"a".repeat(64), false));

    let encode = |s: &str| outcome(json!({ "fn": "uriEncode", "argv": [s] }));
    assert_eq!(encode("a-b_c.d~e"), Some(json!("a-b_c.d~e")));
    assert_eq!(encode("a b/c?d=é"), Some(json!("a%20b%2Fc%3Fd%3D%C3%A9")));
    // String arguments are templates, so the braces are escaped.
    assert_eq!(
        encode("{{}}|@!$&'()*+;=%<>\"^`\\"),
        Some(json!("%7B%7D%7C%40%21%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C"))
    );

    assert_eq!(outcome(json!({ "fn": "aws.parseArn", "argv": ["11111111-2222-3333-4444-555555555555"] })), None);
    assert_eq!(outcome(json!({ "fn": "aws.parseArn", "argv": ["arn:aws:s3:us-east-2:012345678:"] })), None);
    assert_eq!(
        outcome(json!({ "fn": "aws.parseArn", "argv": ["arn:aws:iam::012345678910:user/johndoe"] })),
        Some(
            json!({ "partition": "aws", "service": "iam", "region": "", "accountId": "012345678910", "resourceId": ["user", "johndoe"] })
        )
    );
    // Functions given an unset argument are unset; `not` of false holds.
    assert!(holds(json!({ "fn": "not", "argv": [false] })));
    assert!(!holds(json!({ "fn": "not", "argv": [true] })));
    assert!(!holds(
        json!({ "fn": "not", "argv": [{ "fn": "getAttr", "argv": [{ "fn": "aws.partition", "argv": ["x"] }, "nothere"] }] })
    ));
}
