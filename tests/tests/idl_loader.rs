//! The Smithy IDL loader against the reference: the AWS protocol compliance
//! suites exist both as `.smithy` files (`idl/smithy-aws-protocol-tests/`) and
//! as the JSON AST the Smithy reference wrote from them
//! (`smithy-aws-protocol-tests.json`). Loading the IDL files must give the
//! same shapes, member by member (in order) and trait by trait.

use std::path::{Path, PathBuf};

use integration_tests::ast_compare::{diff_shape, merge, upgrade_v1};
use smithy_gen_codegen::model::{self, Model};
use smithy_gen_codegen::third_party::{self, Set};

/// Namespaces whose shapes come from the Smithy project's Maven packages:
/// the IDL suites `use` them, the JSON AST carries copies.
const PACKAGE_NAMESPACES: &[&str] =
    &["smithy.test", "aws.protocols", "aws.api", "aws.auth", "aws.customizations", "smithy.framework", "smithy.protocols", "smithy.rules"];

fn suites(test: &str) -> Option<(PathBuf, PathBuf)> {
    let root = integration_tests::third_party::checkout();
    // The JSON AST and, beside it, the suites as written.
    match third_party::find_files(Set::ProtocolTests, &root, &["smithy-aws-protocol-tests.json", "idl/smithy-aws-protocol-tests/model/shared-types.smithy"]) {
        Ok(p) => Some((p[0].clone(), p[0].parent().unwrap_or(Path::new(".")).join("idl"))),
        Err(missing) => {
            missing.skip(test);
            None
        }
    }
}

fn read(paths: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let (sources, diags) = model::read_sources(paths);
    assert!(diags.is_empty(), "{diags}");
    sources
}

#[test]
fn the_aws_protocol_suites_in_idl_give_the_reference_json_ast() {
    let Some((json, idl)) = suites("the_aws_protocol_suites_in_idl_give_the_reference_json_ast") else { return };
    let idl_sources = read(&[idl.join("smithy-aws-protocol-tests")]);
    assert!(idl_sources.len() > 100, "{} IDL files", idl_sources.len());
    let idl_docs = Model::documents(&idl_sources).unwrap_or_else(|d| panic!("{d}"));
    let json_docs = Model::documents(&read(&[json])).unwrap_or_else(|d| panic!("{d}"));
    let got = merge(&idl_docs.into_iter().map(|(_, d)| d).collect::<Vec<_>>());
    let want = merge(&json_docs.into_iter().map(|(_, d)| d).collect::<Vec<_>>());
    let mut problems = Vec::new();
    let mut from_packages = Vec::new();
    for (id, w) in &want {
        match got.get(id) {
            Some(g) => problems.extend(diff_shape(id, g, w)),
            None if PACKAGE_NAMESPACES.iter().any(|ns| id.split_once('#').is_some_and(|(n, _)| n == *ns)) => {
                from_packages.push(id.as_str())
            }
            None => problems.push(format!("{id}: only in the JSON AST")),
        }
    }
    for id in got.keys().filter(|id| !want.contains_key(*id)) {
        problems.push(format!("{id}: only in the IDL files"));
    }
    assert!(want.len() - from_packages.len() > 900, "only {} shapes compared", want.len() - from_packages.len());
    eprintln!("{} shapes compared; {} shapes only in the JSON AST, from packages: {}", want.len() - from_packages.len(), from_packages.len(), from_packages.join(", "));
    assert!(problems.is_empty(), "{} differences:\n{}", problems.len(), problems.join("\n"));
}

/// Through the whole loader (mixins flattened, `apply`, traits parsed): the
/// shapes of the IDL files equal the JSON AST's, and so do their problems.
#[test]
fn the_aws_protocol_suites_load_to_the_same_model_from_idl_and_json() {
    let Some((json, idl)) = suites("the_aws_protocol_suites_load_to_the_same_model_from_idl_and_json") else { return };
    let from_idl = Model::load_sources(&read(&[idl.join("smithy-aws-protocol-tests")])).unwrap_or_else(|d| panic!("{d}"));
    let from_json = Model::load_sources(&read(&[json])).unwrap_or_else(|d| panic!("{d}"));
    let mut compared = 0;
    // Shapes of packages (the built-in `smithy.framework#ValidationException`)
    // are the generator's own copies, compared by the JSON AST test above.
    let of_package = |id: &str| PACKAGE_NAMESPACES.iter().any(|ns| id.split_once('#').is_some_and(|(n, _)| n == *ns));
    for (id, shape) in from_idl.shapes.iter().filter(|(id, _)| !of_package(id)) {
        let Some(other) = from_json.shapes.get(id) else { panic!("{id} is only in the IDL model") };
        let (mut a, mut b) = (shape.clone(), other.clone());
        a.file = None;
        b.file = None;
        if a != b {
            let (da, db) = (format!("{a:?}"), format!("{b:?}"));
            let at = da.bytes().zip(db.bytes()).take_while(|(x, y)| x == y).count();
            let from = da[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
            panic!("{id} differs from the IDL to the JSON AST at:\n  IDL:  {}\n  JSON: {}", &da[from..(at + 120).min(da.len())], &db[from..(at + 120).min(db.len())]);
        }
        compared += 1;
    }
    assert!(compared > 1000, "{compared} shapes");
    let problems = |m: &Model| -> Vec<String> {
        m.problems.iter().filter(|d| d.shape.as_deref().is_none_or(|s| !of_package(s))).map(|d| format!("{:?}: {}", d.shape, d.message)).collect()
    };
    assert_eq!(problems(&from_idl), problems(&from_json));
}

#[test]
fn the_rpcv2_suites_load_from_idl() {
    let Some((_, idl)) = suites("the_rpcv2_suites_load_from_idl") else { return };
    let mut sources = read(&[idl.join("smithy-protocol-tests")]);
    assert!(sources.len() > 5);
    // rpcv2Json's arbitrary-precision cases hold an integer beyond 64 bits
    // (-9223372036854775809), which the generator's JSON values cannot hold:
    // refused where it is written, twice, rather than rounded. The rest of
    // the suites loads.
    let is_json = |p: &Path| p.components().any(|c| c.as_os_str() == "rpcv2Json");
    let json_suite: Vec<_> = sources.iter().filter(|(p, _)| is_json(p) || p.ends_with("shared-types.smithy")).cloned().collect();
    let e = Model::load_sources(&json_suite).expect_err("a number beyond 64 bits is refused").to_string();
    let refused: Vec<&str> = e.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(refused.len(), 2, "{e}");
    assert!(refused.iter().all(|l| l.contains("rpcv2Json/arbitrary-precision.smithy:") && l.contains("integer `-9223372036854775809` is beyond 64 bits")), "{e}");
    sources.retain(|(p, _)| !is_json(p));
    let model = Model::load_sources(&sources).unwrap_or_else(|d| panic!("{d}"));
    assert!(model.problems.is_empty(), "{:#?}", model.problems);
    assert!(model.services().count() >= 1, "the rpcv2Cbor service");
}

/// The Smithy loader's test models, or `None` (with one line saying how to
/// fetch them) when they are missing: they are not in `../shared`, so this
/// skips even where missing third-party files are failures (CI).
fn loader_tests(test: &str) -> Option<PathBuf> {
    let root = integration_tests::third_party::checkout();
    match third_party::find_file(Set::SmithyLoaderTests, &root, "loader/valid/__shared.json") {
        Ok(p) => p.parent().and_then(Path::parent).map(Path::to_path_buf),
        Err(missing) => {
            eprintln!("skipped: {test}: {missing}; fetch them with `cargo xtask fetch-models --only smithy-loader-tests` (optional, also in CI)");
            None
        }
    }
}

fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let (files, diags) = model::files::expand(&[dir]);
    assert!(diags.is_empty(), "{diags:?}");
    files.into_iter().filter(|f| f.extension().is_some_and(|e| e == ext)).collect()
}

/// The listed exceptions: case → reason.
fn expected_failures() -> std::collections::BTreeMap<String, String> {
    let path = integration_tests::third_party::checkout().join("tests/idl/expected-failures.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (case, reason) = l.split_once('#').unwrap_or_else(|| panic!("{l}: every exception needs `# reason`"));
            assert!(!reason.trim().is_empty(), "{l}: the reason is empty");
            (case.trim().to_string(), reason.trim().to_string())
        })
        .collect()
}

/// Why the case at `file` fails, or `None` when it passes.
fn valid_case(shared: &Path, json: &Path) -> Option<String> {
    let smithy = json.with_extension("smithy");
    if !smithy.is_file() {
        return None;
    }
    let idl_docs = match Model::documents(&read(&[shared.to_path_buf(), smithy])) {
        Ok(d) => d,
        Err(d) => return Some(format!("refused: {}", d.to_string().replace('\n', " | "))),
    };
    let want_docs = match Model::documents(&read(&[json.to_path_buf()])) {
        Ok(d) => d,
        Err(d) => return Some(format!("the expected JSON AST does not parse: {d}")),
    };
    // Both forms load through the whole loader (a 1.0 JSON AST is not read).
    let v2 = want_docs.iter().all(|(_, d)| matches!(d.get("smithy").and_then(Value::as_str), Some("2" | "2.0")));
    let loads = [Some(json.with_extension("smithy")), v2.then(|| json.to_path_buf())];
    // `__shared.json` is a 1.0 JSON AST: upgraded as the reference upgrades it.
    let mut shared_doc: Value = match serde_json::from_str(&read(&[shared.to_path_buf()])[0].1) {
        Ok(d) => d,
        Err(e) => return Some(format!("__shared.json does not parse: {e}")),
    };
    upgrade_v1(&mut shared_doc);
    shared_doc["smithy"] = Value::from("2.0");
    let mut models = Vec::new();
    for path in loads.into_iter().flatten() {
        let mut sources = read(std::slice::from_ref(&path));
        sources.insert(0, (shared.to_path_buf(), shared_doc.to_string()));
        match Model::load_sources(&sources) {
            Ok(m) => models.push(m),
            Err(d) => return Some(format!("{} does not load: {}", path.display(), d.to_string().replace('\n', " | "))),
        }
    }
    // And to the same model.
    if let [from_idl, from_json] = models.as_slice() {
        for (id, shape) in &from_json.shapes {
            let same = from_idl.shapes.get(id).is_some_and(|s| {
                let (mut a, mut b) = (s.clone(), shape.clone());
                a.file = None;
                b.file = None;
                a == b
            });
            if !same {
                return Some(format!("{id}: another shape from the IDL than from the JSON AST"));
            }
        }
    }
    let got = merge(&idl_docs.into_iter().skip(1).map(|(_, d)| d).collect::<Vec<_>>());
    // The reference upgrades a 1.0 JSON AST as it loads it, as it does the IDL.
    let want = merge(&want_docs.into_iter().map(|(_, mut d)| {
        upgrade_v1(&mut d);
        d
    }).collect::<Vec<_>>());
    let mut problems = Vec::new();
    for (id, w) in &want {
        match got.get(id) {
            Some(g) => problems.extend(diff_shape(id, g, w)),
            None => problems.push(format!("{id}: only in the JSON AST")),
        }
    }
    problems.extend(got.keys().filter(|id| !want.contains_key(*id)).map(|id| format!("{id}: only in the IDL file")));
    let mut want_meta = serde_json::Map::new();
    let mut got_meta = serde_json::Map::new();
    for (docs, meta) in [(&want_docs_meta(json), &mut want_meta), (&idl_meta(shared, json), &mut got_meta)] {
        for d in docs {
            meta.extend(d.clone());
        }
    }
    if want_meta != got_meta {
        problems.push(format!("metadata {} (IDL) != {} (JSON)", Value::Object(got_meta), Value::Object(want_meta)));
    }
    (!problems.is_empty()).then(|| problems.join(" | "))
}

use serde_json::Value;

fn want_docs_meta(json: &Path) -> Vec<serde_json::Map<String, Value>> {
    Model::documents(&read(&[json.to_path_buf()]))
        .map(|d| d.into_iter().filter_map(|(_, d)| d.get("metadata").and_then(Value::as_object).cloned()).collect())
        .unwrap_or_default()
}

fn idl_meta(shared: &Path, json: &Path) -> Vec<serde_json::Map<String, Value>> {
    Model::documents(&read(&[shared.to_path_buf(), json.with_extension("smithy")]))
        .map(|d| d.into_iter().skip(1).filter_map(|(_, d)| d.get("metadata").and_then(Value::as_object).cloned()).collect())
        .unwrap_or_default()
}

/// Why the invalid case at `file` is not refused as the reference refuses
/// it (accepted, or refused at another place than the line and column its
/// first line gives), or `None`.
fn invalid_case(file: &Path) -> Option<String> {
    let sources = read(&[file.to_path_buf()]);
    let expected = sources.first().and_then(|(_, t)| t.lines().next()).unwrap_or("").trim_start_matches("//").trim().to_string();
    let first = match Model::load_sources(&sources) {
        Err(d) => d.0.into_iter().next(),
        Ok(m) => match m.problems.into_iter().next() {
            Some(p) => Some(p),
            None => return Some(format!("accepted; the reference says: {expected}")),
        },
    };
    let want = reference_position(&expected)?;
    let got = first.and_then(|d| Some((d.line?, d.column?)));
    (got != Some(want)).then(|| format!("refused at {got:?}, the reference at {want:?}: {expected}"))
}

/// `Syntax error at line 7, column 1: ...` → (7, 1).
fn reference_position(message: &str) -> Option<(u32, u32)> {
    let rest = message.split_once("line ")?.1;
    let (line, rest) = rest.split_once(", column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

#[test]
fn the_smithy_loader_test_models_load_as_the_reference_loads_them() {
    let Some(dir) = loader_tests("the_smithy_loader_test_models_load_as_the_reference_loads_them") else { return };
    let expected = expected_failures();
    let shared = dir.join("valid/__shared.json");
    let mut outcomes = Vec::new();
    for json in files_under(&dir.join("valid"), "json").into_iter().filter(|f| *f != shared) {
        let case = format!("valid/{}", json.strip_prefix(dir.join("valid")).unwrap_or(&json).display());
        outcomes.push((case, valid_case(&shared, &json)));
    }
    for file in files_under(&dir.join("invalid"), "smithy") {
        let case = format!("invalid/{}", file.strip_prefix(dir.join("invalid")).unwrap_or(&file).display());
        outcomes.push((case, invalid_case(&file)));
    }
    let mut problems = Vec::new();
    let (mut passed, mut listed) = (0, 0);
    for (case, failure) in &outcomes {
        match (failure, expected.get(case)) {
            (None, None) => passed += 1,
            (Some(_), Some(_)) => listed += 1,
            (Some(why), None) => problems.push(format!("{case}: {why}")),
            (None, Some(_)) => problems.push(format!("{case}: passes now; remove it from tests/idl/expected-failures.txt")),
        }
    }
    for case in expected.keys().filter(|c| !outcomes.iter().any(|(o, _)| o == *c)) {
        problems.push(format!("{case}: listed in tests/idl/expected-failures.txt but no such case"));
    }
    eprintln!("{} cases: {passed} as the reference, {listed} listed exceptions", outcomes.len());
    assert!(outcomes.len() > 200, "only {} cases", outcomes.len());
    assert!(problems.is_empty(), "{} unexpected outcomes:\n{}", problems.len(), problems.join("\n"));
}

/// A small model written in the IDL and, by hand, as its JSON AST twin:
/// the generated crates are the same, file for file.
#[test]
fn a_crate_generated_from_idl_equals_the_one_from_its_json_twin() {
    let dir = integration_tests::third_party::checkout().join("tests/fixtures/idl");
    let generate = |file: &str| {
        let sources = read(&[dir.join(file)]);
        smithy_gen_codegen::generate_from_sources(&sources, "widgets").unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    let from_idl = generate("widgets.smithy");
    let from_json = generate("widgets.json");
    assert!(from_idl.len() > 3, "{} files", from_idl.len());
    assert_eq!(from_idl.len(), from_json.len());
    for (a, b) in from_idl.iter().zip(&from_json) {
        assert_eq!(a, b, "the generated files differ");
    }
}

/// The reference's mixin cases: `X.smithy` loaded (mixins flattened by the
/// loader) has the shapes of `X.flattened.smithy`, mixins aside.
#[test]
fn the_smithy_mixin_cases_flatten_as_the_reference_flattens_them() {
    let Some(dir) = loader_tests("the_smithy_mixin_cases_flatten_as_the_reference_flattens_them") else { return };
    let expected = expected_failures();
    let mut problems = Vec::new();
    let mut cases = 0;
    for flat in files_under(&dir.join("valid/mixins"), "smithy").into_iter().filter(|f| f.to_string_lossy().ends_with(".flattened.smithy")) {
        cases += 1;
        let name = flat.file_name().and_then(|n| n.to_str()).unwrap_or("").replace(".flattened.smithy", ".smithy");
        let source = flat.with_file_name(&name);
        let case = format!("flattened/{name}");
        let load = |p: &Path| Model::load_sources(&read(&[p.to_path_buf()]));
        let failure = match (load(&source), load(&flat)) {
            (Ok(got), Ok(want)) => {
                let mut diffs = Vec::new();
                for (id, w) in &want.shapes {
                    match got.shapes.get(id) {
                        Some(g) => {
                            let (mut a, mut b) = (g.clone(), w.clone());
                            a.file = None;
                            b.file = None;
                            if a != b {
                                let (da, db) = (format!("{a:?}"), format!("{b:?}"));
                                let at = da.bytes().zip(db.bytes()).take_while(|(x, y)| x == y).count();
                                let from = da[..at].char_indices().rev().nth(60).map_or(0, |(i, _)| i);
                                diffs.push(format!("{id}: from the flattened file `{}` != `{}`", &da[from..(at + 60).min(da.len())], &db[from..(at + 60).min(db.len())]));
                            }
                        }
                        None => diffs.push(format!("{id}: missing")),
                    }
                }
                (!diffs.is_empty()).then(|| diffs.join(" | "))
            }
            (Err(d), _) | (_, Err(d)) => Some(format!("refused: {d}")),
        };
        match (failure, expected.get(&case)) {
            (Some(f), None) => problems.push(format!("{case}: {f}")),
            (None, Some(_)) => problems.push(format!("{case}: passes now; remove it from tests/idl/expected-failures.txt")),
            _ => {}
        }
    }
    assert!(cases >= 10, "{cases} cases");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
