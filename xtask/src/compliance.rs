//! `cargo xtask compliance`: the Smithy protocol compliance suites of
//! `../shared/protocol-tests/smithy-aws-protocol-tests.json` run against our
//! generated clients. The services on a supported protocol are generated
//! (with the other service shapes dropped) into `target/compliance/crate`,
//! whose `protocol_tests` modules hold one test per client case; their
//! results are compared with `tests/compliance/expected-failures.txt`, the
//! cases known to fail, each with the reason. A failure not listed, or a
//! listed case that now passes, fails the command. Writes `COMPLIANCE.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{cargo, root};

pub const USAGE: &str = "  cargo xtask compliance [--no-write]
      generate the services of the protocol compliance suites (third-party search order) on supported protocols into target/compliance/crate,
      run their protocol compliance tests, compare with tests/compliance/expected-failures.txt and
      write COMPLIANCE.md (not with --no-write)";

/// The protocols the generator supports, as trait ids.
const SUPPORTED: &[&str] = &[
    "aws.protocols#awsJson1_0",
    "aws.protocols#awsJson1_1",
    "aws.protocols#restJson1",
    "aws.protocols#awsQuery",
    "aws.protocols#ec2Query",
    "aws.protocols#restXml",
];

/// The suites as one JSON AST, found through the third-party search order.
pub fn suite_file() -> Result<PathBuf, codegen::third_party::Missing> {
    codegen::third_party::find_file(codegen::third_party::Set::ProtocolTests, &root(), SUITE_FILE)
}

/// The suites' JSON AST file name (built from the IDL by the Smithy CLI).
const SUITE_FILE: &str = "smithy-aws-protocol-tests.json";

fn expected_failures_file() -> PathBuf {
    root().join("tests/compliance/expected-failures.txt")
}

/// `test path -> reason` from the expected-failures file (`path  # reason`).
fn expected_failures() -> Result<BTreeMap<String, String>, String> {
    let path = expected_failures_file();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (test, reason) = line.split_once('#').ok_or_else(|| {
            format!("{}:{}: expected `<test path>  # <reason>`, found {line:?}", path.display(), n + 1)
        })?;
        out.insert(test.trim().to_string(), reason.trim().to_string());
    }
    Ok(out)
}

/// The suite model with only the service shapes on a supported protocol.
/// A service of the suites we generate: its Rust module and protocols.
struct Service {
    module: String,
    protocol: String,
}

fn supported_model(out: &Path) -> Result<(PathBuf, Vec<Service>), String> {
    let path = suite_file().map_err(|e| format!("compliance: {e}"))?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut model: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let shapes = model.get_mut("shapes").and_then(|s| s.as_object_mut()).ok_or("the suite model has no shapes")?;
    let mut kept = Vec::new();
    shapes.retain(|id, shape| {
        if shape.get("type").and_then(|t| t.as_str()) != Some("service") {
            return true;
        }
        let traits = shape.get("traits").and_then(|t| t.as_object());
        let keep = traits.is_some_and(|t| SUPPORTED.iter().any(|p| t.contains_key(*p)));
        if let (true, Some(t)) = (keep, traits) {
            // The module is named from the sdkId, else the shape's name, as the generator does.
            let sdk_id = t.get("aws.api#service").and_then(|a| a.get("sdkId")).and_then(|v| v.as_str());
            let shape_name = id.rsplit('#').next().unwrap_or(id);
            let mut protocol: Vec<&str> =
                SUPPORTED.iter().filter(|p| t.contains_key(**p)).map(|p| p.trim_start_matches("aws.protocols#")).collect();
            if t.contains_key("aws.protocols#awsQueryCompatible") {
                protocol.push("awsQueryCompatible");
            }
            kept.push(Service { module: codegen::naming::service_module(sdk_id, shape_name).unwrap_or_default(), protocol: protocol.join(" + ") });
        }
        keep
    });
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let file = out.join("smithy-aws-protocol-tests.json");
    std::fs::write(&file, model.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok((file, kept))
}

pub fn compliance(args: &[String]) -> Result<(), String> {
    let write = match args {
        [] => true,
        [a] if a == "--no-write" => false,
        other => return Err(format!("compliance: unexpected arguments {other:?}\n{USAGE}")),
    };
    let out = root().join("target/compliance");
    let (model, services) = supported_model(&out)?;
    let dir = out.join("crate");
    let options = codegen::Options {
        models: vec![model],
        crate_name: "protocol-compliance".into(),
        selection: Default::default(),
        packaging: crate::packaging(&dir, true),
    };
    let files = codegen::generate(&options).map_err(|e| format!("generating the suites' services: {e}"))?;
    codegen::write::write(&dir, &files).map_err(|e| format!("writing {}: {e}", dir.display()))?;
    eprintln!("==> compliance: {} services generated into {}", services.len(), dir.display());
    let output = cargo()
        .env("CARGO_TARGET_DIR", root().join("target/compliance-target"))
        .args(["test", "--lib", "--all-features", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(["--", "protocol_tests::", "--test-threads", "2"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut results: BTreeMap<String, bool> = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else { continue };
        let Some((name, outcome)) = rest.split_once(" ... ") else { continue };
        if name.contains("::protocol_tests::") {
            results.insert(name.to_string(), outcome.trim() == "ok");
        }
    }
    if results.is_empty() {
        return Err(format!(
            "compliance: no test ran; the crate does not build?\n{}",
            String::from_utf8_lossy(&output.stderr).lines().filter(|l| l.starts_with("error")).take(20).collect::<Vec<_>>().join("\n")
        ));
    }
    let expected = expected_failures()?;
    let mut unexpected = Vec::new();
    let mut now_pass = Vec::new();
    for (name, passed) in &results {
        match (passed, expected.contains_key(name)) {
            (false, false) => unexpected.push(name.clone()),
            (true, true) => now_pass.push(name.clone()),
            _ => {}
        }
    }
    let missing: Vec<&String> = expected.keys().filter(|k| !results.contains_key(*k)).collect();
    let report = report(&results, &expected, &services);
    println!("{report}");
    if write {
        std::fs::write(root().join("COMPLIANCE.md"), &report).map_err(|e| format!("writing COMPLIANCE.md: {e}"))?;
    }
    let mut problems = Vec::new();
    if !unexpected.is_empty() {
        // The failures' own messages, for the ones not expected.
        for name in &unexpected {
            let short = name.rsplit("::").next().unwrap_or(name);
            if let Some(i) = stdout.find(&format!("---- {name} stdout ----")) {
                let block: String = stdout[i..].lines().skip(1).take_while(|l| !l.starts_with("note:") && !l.starts_with("----")).take(12).collect::<Vec<_>>().join("\n    ");
                eprintln!("  {short}:\n    {block}");
            }
        }
        problems.push(format!("{} case(s) fail that tests/compliance/expected-failures.txt does not list: {}", unexpected.len(), unexpected.join(", ")));
    }
    if !now_pass.is_empty() {
        problems.push(format!("{} listed case(s) now pass; remove them from tests/compliance/expected-failures.txt: {}", now_pass.len(), now_pass.join(", ")));
    }
    if !missing.is_empty() {
        problems.push(format!("{} listed case(s) no longer exist: {}", missing.len(), missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("compliance:\n{}", problems.join("\n")))
    }
}

fn report(results: &BTreeMap<String, bool>, expected: &BTreeMap<String, String>, services: &[Service]) -> String {
    // Per service module: (passed, listed as known failures, failed unlisted).
    let mut by_service: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (name, passed) in results {
        let service = name.split("::").next().unwrap_or(name);
        let e = by_service.entry(service).or_default();
        match (passed, expected.contains_key(name)) {
            (true, _) => e.0 += 1,
            (false, true) => e.1 += 1,
            (false, false) => e.2 += 1,
        }
    }
    let passed = results.values().filter(|p| **p).count();
    let mut out = format!(
        "# Protocol compliance\n\n`cargo xtask compliance` on {}: the client cases of the Smithy protocol compliance suites (`../shared/protocol-tests/smithy-aws-protocol-tests.json`) for every protocol the generator speaks (awsJson1_0, awsJson1_1, restJson1, awsQuery, ec2Query, restXml), one test each in the generated crate. {} of {} pass; the {} that fail are listed below with the reason (`tests/compliance/expected-failures.txt`, the known failures: \"skipped\" below).\n\n| service module | protocol | pass | skipped (known failure) | fail |\n|---|---|---:|---:|---:|\n",
        crate::bench::today(),
        passed,
        results.len(),
        results.len() - passed
    );
    for (service, (p, k, f)) in &by_service {
        let protocol = services.iter().find(|s| s.module == *service).map_or("?", |s| s.protocol.as_str());
        out.push_str(&format!("| {service} | {protocol} | {p} | {k} | {f} |\n"));
    }
    let total_streams = event_stream_cases();
    let run_streams = results.keys().filter(|k| k.ends_with("_event_stream")).count();
    if total_streams == run_streams {
        out.push_str(&format!("\nEvent streams: all {total_streams} client cases of `smithy.test#eventStreamTests` run above (the suite's other cases test servers).\n"));
    } else {
        out.push_str(&format!(
            "\nEvent streams: {run_streams} of the {total_streams} client cases of `smithy.test#eventStreamTests` run above (output streams read by client methods; input events written as the messages they are sent as). Not generated yet: the {} others, cases with an initial request or initial messages, and cases that expect the sending side to fail.\n",
            total_streams - run_streams
        ));
    }
    out.push_str("\n## Known failures\n\n");
    if passed == results.len() {
        out.push_str("None: every case passes.\n");
        return out;
    }
    out.push_str("| case | reason |\n|---|---|\n");
    for (name, passed) in results {
        if !passed {
            let reason = expected.get(name).map_or("(not listed)", String::as_str);
            out.push_str(&format!("| `{name}` | {} |\n", reason.replace('|', "\\|")));
        }
    }
    out
}

/// How many `smithy.test#eventStreamTests` cases of the suite apply to a
/// client (the others test servers).
fn event_stream_cases() -> usize {
    let Ok(text) = suite_file().map(std::fs::read_to_string) else { return 0 };
    let Ok(text) = text else { return 0 };
    let Ok(model) = serde_json::from_str::<serde_json::Value>(&text) else { return 0 };
    let Some(shapes) = model.get("shapes").and_then(|s| s.as_object()) else { return 0 };
    shapes
        .values()
        .filter_map(|shape| shape.pointer("/traits/smithy.test#eventStreamTests").and_then(|c| c.as_array()))
        .flatten()
        .filter(|c| c.get("appliesTo").and_then(|a| a.as_str()) != Some("server"))
        .count()
}
