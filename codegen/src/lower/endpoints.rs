//! A service's `smithy.rules#endpointRuleSet` (carried to the client as
//! JSON, evaluated by the runtime) and its `smithy.rules#endpointTests`
//! (turned into generated tests).

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{EndpointExpect, EndpointParam, EndpointTestIr};
use crate::model::Shape;

/// The rule set as compact JSON, and the test cases.
pub fn lower(svc: &Shape, diags: &mut Diagnostics) -> (Option<String>, Vec<EndpointTestIr>) {
    let rules = svc.traits.raw.get("smithy.rules#endpointRuleSet").map(Value::to_string);
    let mut tests = Vec::new();
    let Some(spec) = svc.traits.raw.get("smithy.rules#endpointTests") else { return (rules, tests) };
    let err = |msg: String| Diagnostic::shape(svc.file.clone(), svc.id.clone(), format!("trait `smithy.rules#endpointTests`: {msg}"));
    if rules.is_none() {
        diags.push(err("the service has endpoint tests but no `smithy.rules#endpointRuleSet` to run them on; add the rule set or remove the tests".into()));
        return (rules, tests);
    }
    let Some(cases) = spec.get("testCases").and_then(Value::as_array) else {
        diags.push(err("expected an object with a `testCases` array".into()));
        return (rules, tests);
    };
    for (i, case) in cases.iter().enumerate() {
        match test_case(case) {
            Ok(t) => tests.push(t),
            Err(msg) => diags.push(err(format!("testCases[{i}]: {msg}"))),
        }
    }
    (rules, tests)
}

fn test_case(case: &Value) -> Result<EndpointTestIr, String> {
    let docs = case.get("documentation").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut params = Vec::new();
    if let Some(p) = case.get("params") {
        let p = p.as_object().ok_or("`params` is not an object")?;
        for (name, v) in p {
            params.push(match v {
                Value::String(s) => EndpointParam::String(name.clone(), s.clone()),
                Value::Bool(b) => EndpointParam::Bool(name.clone(), *b),
                Value::Array(items) => EndpointParam::StringArray(
                    name.clone(),
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_string).ok_or(format!("param `{name}`: array items must be strings")))
                        .collect::<Result<_, _>>()?,
                ),
                other => return Err(format!("param `{name}`: unsupported value {other}")),
            });
        }
    }
    let expect = case.get("expect").ok_or("no `expect`")?;
    let expect = if let Some(e) = expect.get("error") {
        EndpointExpect::Error(e.as_str().ok_or("`expect.error` is not a string")?.to_string())
    } else if let Some(e) = expect.get("endpoint") {
        let url = e.get("url").and_then(Value::as_str).ok_or("`expect.endpoint.url` is missing")?.to_string();
        let mut headers = Vec::new();
        if let Some(h) = e.get("headers").and_then(Value::as_object) {
            for (k, vs) in h {
                let vs = vs.as_array().ok_or(format!("header `{k}`: expected an array"))?;
                headers.push((k.clone(), vs.iter().filter_map(Value::as_str).map(str::to_string).collect()));
            }
        }
        let properties = e.get("properties").map(Value::to_string);
        EndpointExpect::Endpoint { url, headers, properties }
    } else {
        return Err("`expect` has neither `endpoint` nor `error`".into());
    };
    Ok(EndpointTestIr { docs, params, expect })
}
