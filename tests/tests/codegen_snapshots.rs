//! Snapshot tests of the generator: the generated code for each valid fixture
//! model under `tests/fixtures/valid/`, and the error messages for each model
//! under `tests/fixtures/malformed/`. Review changes with `cargo insta review`.

use std::path::{Path, PathBuf};

fn fixtures(kind: &str) -> Vec<(String, PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(kind);
    let mut out: Vec<(String, PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let stem = p.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            // A stable, relative name so messages do not depend on the checkout.
            let name = PathBuf::from(format!("fixtures/{kind}/{stem}.json"));
            (stem, name, text)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn valid_fixtures_generate_expected_code() {
    let all = fixtures("valid");
    assert!(all.len() >= 8, "expected the valid fixtures, found {}", all.len());
    for (stem, name, text) in all {
        let files = smithy_gen_codegen::generate_from_sources(&[(name.clone(), text)], &format!("fixture-{stem}"))
            .unwrap_or_else(|e| panic!("{}: {e}", name.display()));
        for f in &files {
            let snap = format!("{stem}__{}", f.path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(snap, f.contents);
        }
    }
}

#[test]
fn malformed_fixtures_are_rejected_with_clear_errors() {
    let all = fixtures("malformed");
    assert!(all.len() >= 16, "expected the malformed fixtures, found {}", all.len());
    for (stem, name, text) in all {
        match smithy_gen_codegen::generate_from_sources(&[(name.clone(), text)], "fixture") {
            Ok(_) => panic!("{} was accepted but has a defect", name.display()),
            Err(e) => {
                let msg = e.to_string();
                // Every message names the file.
                assert!(msg.contains(&name.display().to_string()), "{stem}: no file name in:\n{msg}");
                insta::assert_snapshot!(format!("malformed__{stem}"), msg);
            }
        }
    }
}
