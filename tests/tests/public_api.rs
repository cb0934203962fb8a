//! The public API of generated crates, as `cargo doc` shows it, in a
//! snapshot: every public module, type, function and constant, each type's
//! fields, variants and inherent methods, and the traits it implements. A
//! change to what users can name shows in review (`cargo insta review`),
//! and what the client uses internally (protocol functions, tables) stays
//! out of it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use smithy_gen_codegen::package::{relative_path, LoaderDependency};
use smithy_gen_codegen::{Packaging, RuntimeDependency};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Generate the fixture `name` into `target/public-api/<name>` and document
/// it; the directory of its HTML.
fn document(name: &str) -> PathBuf {
    let dir = root().join("target/public-api").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let options = smithy_gen_codegen::Options {
        models: vec![root().join(format!("tests/fixtures/valid/{name}.json"))],
        crate_name: format!("api-{}", name.replace('_', "-")),
        selection: Default::default(),
        packaging: Packaging {
            runtime: RuntimeDependency::Path(relative_path(&dir, &root().join("runtime"))),
            loader: LoaderDependency::Path(relative_path(&dir, &root().join("config-loader"))),
            own_workspace: true,
            ..Packaging::default()
        },
    };
    let files = smithy_gen_codegen::generate(&options).unwrap_or_else(|e| panic!("{e}"));
    smithy_gen_codegen::write::write(&dir, &files).unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
    let target = root().join("target/fixture-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--quiet", "--no-deps", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .output()
        .expect("cargo doc");
    assert!(out.status.success(), "cargo doc of {name}:\n{}", String::from_utf8_lossy(&out.stderr));
    target.join("doc").join(format!("api_{name}"))
}

/// `id="<kind>.<name>"` anchors of `html`.
fn anchors<'a>(html: &'a str, kind: &str) -> BTreeSet<&'a str> {
    let needle = format!("id=\"{kind}.");
    let mut out = BTreeSet::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        let tail = &rest[at + needle.len()..];
        let end = tail.find('"').unwrap_or(0);
        out.insert(&tail[..end]);
        rest = &tail[end..];
    }
    out
}

/// The traits a type implements itself (not the blanket ones).
fn traits(html: &str) -> BTreeSet<String> {
    let Some(start) = html.find("id=\"trait-implementations\"") else { return BTreeSet::new() };
    let end = html.find("id=\"synthetic-implementations\"").or_else(|| html.find("id=\"blanket-implementations\"")).unwrap_or(html.len());
    let section = &html[start..end.max(start)];
    let mut out = BTreeSet::new();
    let mut rest = section;
    while let Some(at) = rest.find("id=\"impl-") {
        let tail = &rest[at + 9..];
        let id = &tail[..tail.find('"').unwrap_or(0)];
        // `impl-Clone-for-Name`, `impl-From%3C%26str%3E-for-Name`.
        let name = id.split("-for-").next().unwrap_or(id).replace("%3C", "<").replace("%3E", ">").replace("%26", "&").replace("%20", " ");
        out.insert(name);
        rest = &tail[id.len()..];
    }
    out
}

/// The API of the crate documented in `doc`: one line per item, sorted.
fn api(doc: &Path) -> String {
    let mut lines = Vec::new();
    let mut stack = vec![doc.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            let module = path.parent().unwrap().strip_prefix(doc.parent().unwrap()).unwrap().to_string_lossy().replace('/', "::");
            let Some((kind, rest)) = file.split_once('.') else { continue };
            let Some(name) = rest.strip_suffix(".html") else { continue };
            if file == "index.html" {
                lines.push(format!("mod {module}"));
                continue;
            }
            if !matches!(kind, "struct" | "enum" | "fn" | "constant" | "trait" | "type" | "macro" | "static") {
                continue;
            }
            let html = std::fs::read_to_string(&path).unwrap();
            // A page that only redirects to where a re-exported item lives.
            if html.contains("http-equiv=\"refresh\"") {
                continue;
            }
            let item = format!("{kind} {module}::{name}");
            lines.push(item.clone());
            // Inherent items come before the trait implementations.
            let own = &html[..html.find("id=\"trait-implementations\"").unwrap_or(html.len())];
            for (k, label) in [("structfield", "field"), ("variant", "variant"), ("method", "fn"), ("associatedconstant", "const")] {
                for a in anchors(own, k) {
                    lines.push(format!("{item}: {label} {a}"));
                }
            }
            for t in traits(&html) {
                lines.push(format!("{item}: impl {t}"));
            }
        }
    }
    lines.sort();
    lines.dedup();
    lines.join("\n") + "\n"
}

#[test]
fn the_public_api_of_generated_crates_is_reviewed() {
    for fixture in ["aws_json_1_0", "paginated"] {
        let listing = api(&document(fixture));
        assert!(!listing.contains("fn prepare_") && !listing.contains("::aws_json"), "protocol functions are not public API:\n{listing}");
        assert!(listing.contains(": fn builder"), "{listing}");
        insta::assert_snapshot!(format!("public_api_{fixture}"), listing);
    }
}
