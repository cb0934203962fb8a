//! `cargo xtask compliance`: the Smithy protocol compliance suites of
//! `../shared/protocol-tests/smithy-aws-protocol-tests.json` (or, with
//! `--from-idl`, the same AWS suites read from their Smithy IDL under
//! `idl/smithy-aws-protocol-tests/`) and the rpcv2Cbor suite, which exists
//! only as IDL (`idl/smithy-protocol-tests/model/rpcv2Cbor/`), run against
//! our generated clients. The services on a supported protocol are generated
//! (with the other service shapes dropped) into `target/compliance/crate`,
//! whose `protocol_tests` modules hold one test per client case; their
//! results are compared with `tests/compliance/expected-failures.txt`, the
//! cases known to fail, each with the reason. A failure not listed, or a
//! listed case that now passes, fails the command. Writes `COMPLIANCE.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{cargo, root};

pub const USAGE: &str = "  cargo xtask compliance [--no-write] [--from-idl]
      generate the services of the protocol compliance suites (third-party search order) on supported protocols into target/compliance/crate,
      run their protocol compliance tests, compare with tests/compliance/expected-failures.txt and
      write COMPLIANCE.md (not with --no-write); --from-idl reads the AWS suites from their IDL instead of the JSON AST file
      (the same cases, so the same results)";

/// The protocols the generator supports, as trait ids.
const SUPPORTED: &[&str] = &[
    "aws.protocols#awsJson1_0",
    "aws.protocols#awsJson1_1",
    "aws.protocols#restJson1",
    "aws.protocols#awsQuery",
    "aws.protocols#ec2Query",
    "aws.protocols#restXml",
    "smithy.protocols#rpcv2Cbor",
];

/// The suites only written in IDL, each with the shared files it uses:
/// folders and files under the suites' `idl/` folder.
const IDL_ONLY_SUITES: &[&str] = &["smithy-protocol-tests/model/shared-types.smithy", "smithy-protocol-tests/model/rpcv2Cbor"];

/// The AWS suites as IDL (`--from-idl`), under the suites' `idl/` folder.
const AWS_IDL_SUITES: &str = "smithy-aws-protocol-tests/model";

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

/// A service of the suites we generate: its Rust module and protocols.
struct Service {
    module: String,
    protocol: String,
}

/// The suites' `idl/` folder (beside the JSON AST file in the search order).
fn idl_root() -> Result<PathBuf, String> {
    let shared = codegen::third_party::find_file(codegen::third_party::Set::ProtocolTests, &root(), &format!("idl/{}", IDL_ONLY_SUITES[0]))
        .map_err(|e| format!("compliance: {e}"))?;
    // `<dir>/idl/smithy-protocol-tests/model/shared-types.smithy` -> `<dir>/idl`.
    shared.ancestors().nth(3).map(Path::to_path_buf).ok_or_else(|| format!("compliance: {} has no idl/ folder above it", shared.display()))
}

/// IDL files (and folders of them) as JSON AST documents, names resolved
/// across all of them.
fn idl_documents(paths: &[PathBuf]) -> Result<Vec<(PathBuf, serde_json::Value)>, String> {
    let (sources, problems) = codegen::model::read_sources(paths);
    if !problems.is_empty() {
        return Err(format!("compliance: reading the IDL suites: {problems}"));
    }
    codegen::Model::documents(&sources).map_err(|e| format!("compliance: converting the IDL suites: {e}"))
}

/// The suites' documents, each with only the service shapes on a supported
/// protocol, written as JSON AST files under `out` (one per document, so an
/// `apply` of one file to a shape of another stays as the loader expects).
fn supported_models(out: &Path, from_idl: bool) -> Result<(Vec<PathBuf>, Vec<Service>), String> {
    let idl = idl_root()?;
    let mut docs = Vec::new();
    let mut idl_paths: Vec<PathBuf> = IDL_ONLY_SUITES.iter().map(|p| idl.join(p)).collect();
    if from_idl {
        idl_paths.push(idl.join(AWS_IDL_SUITES));
    } else {
        let path = suite_file().map_err(|e| format!("compliance: {e}"))?;
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let model: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        docs.push((path, model));
    }
    docs.extend(idl_documents(&idl_paths)?);
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    // Files of an earlier run (another source) must not be read again.
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with("suite-") && name.ends_with(".json") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let mut files = Vec::new();
    let mut kept = Vec::new();
    for (n, (_, mut model)) in docs.into_iter().enumerate() {
        if let Some(shapes) = model.get_mut("shapes").and_then(|s| s.as_object_mut()) {
            kept.extend(keep_supported(shapes));
        }
        let file = out.join(format!("suite-{n:03}.json"));
        std::fs::write(&file, model.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
        files.push(file);
    }
    kept.sort_by(|a, b| a.module.cmp(&b.module));
    Ok((files, kept))
}

/// Drop the service shapes on no supported protocol; the kept ones' modules
/// and protocols.
fn keep_supported(shapes: &mut serde_json::Map<String, serde_json::Value>) -> Vec<Service> {
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
            let mut protocol: Vec<&str> = SUPPORTED
                .iter()
                .filter(|p| t.contains_key(**p))
                .map(|p| p.rsplit('#').next().unwrap_or(p))
                .collect();
            if t.contains_key("aws.protocols#awsQueryCompatible") {
                protocol.push("awsQueryCompatible");
            }
            kept.push(Service { module: codegen::naming::service_module(sdk_id, shape_name).unwrap_or_default(), protocol: protocol.join(" + ") });
        }
        keep
    });
    kept
}

pub fn compliance(args: &[String]) -> Result<(), String> {
    let (mut write, mut from_idl) = (true, false);
    for a in args {
        match a.as_str() {
            "--no-write" => write = false,
            "--from-idl" => from_idl = true,
            other => return Err(format!("compliance: unexpected argument {other:?}\n{USAGE}")),
        }
    }
    let out = root().join("target/compliance");
    let (models, services) = supported_models(&out, from_idl)?;
    let dir = out.join("crate");
    let options = codegen::Options {
        models,
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
        "# Protocol compliance\n\n`cargo xtask compliance` on {}: the client cases of the Smithy protocol compliance suites (`../shared/protocol-tests/smithy-aws-protocol-tests.json`, and the rpcv2Cbor suite, written only in IDL: `idl/smithy-protocol-tests/model/rpcv2Cbor/`) for every protocol the generator speaks (awsJson1_0, awsJson1_1, restJson1, awsQuery, ec2Query, restXml, rpcv2Cbor), one test each in the generated crate; `--from-idl` reads the AWS suites from their IDL (`idl/smithy-aws-protocol-tests/`) instead, with the same results. {} of {} pass; the {} that fail are listed below with the reason (`tests/compliance/expected-failures.txt`, the known failures: \"skipped\" below).\n\n| service module | protocol | pass | skipped (known failure) | fail |\n|---|---|---:|---:|---:|\n",
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
