//! The Smithy IDL loader against the reference: the AWS protocol compliance
//! suites exist both as `.smithy` files (`idl/smithy-aws-protocol-tests/`) and
//! as the JSON AST the Smithy reference wrote from them
//! (`smithy-aws-protocol-tests.json`). Loading the IDL files must give the
//! same shapes, member by member (in order) and trait by trait.

use std::path::{Path, PathBuf};

use integration_tests::ast_compare::{diff_shape, merge};
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

#[test]
fn the_rpcv2_suites_load_from_idl() {
    let Some((_, idl)) = suites("the_rpcv2_suites_load_from_idl") else { return };
    let sources = read(&[idl.join("smithy-protocol-tests")]);
    assert!(sources.len() > 5);
    if let Err(d) = Model::load_sources(&sources) {
        panic!("{d}");
    }
}
