//! A Smithy project as the Smithy build tool lays it out: `smithy-build.json`
//! naming a folder of IDL files and a Maven dependency on the validation
//! model. The generator takes the build file as its model path, loads its
//! sources and imports, and takes `smithy.framework#ValidationException`
//! from its built-in packages: no JVM or Maven needed.

use std::path::{Path, PathBuf};

use smithy_gen_codegen::{generate, Options};

struct Project(PathBuf);

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn project(name: &str, build: &str, files: &[(&str, &str)]) -> Project {
    let dir = std::env::temp_dir().join(format!("smithy-build-file-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(dir.join("smithy-build.json"), build).unwrap();
    Project(dir)
}

const SERVICE: &str = r#"$version: "2"
namespace example.notes

use aws.protocols#restJson1
use smithy.framework#ValidationException

@restJson1
service Notes {
    version: "2026-12-06"
    operations: [PutNote]
}

@http(method: "PUT", uri: "/notes/{id}")
@idempotent
operation PutNote {
    input := {
        @required
        @httpLabel
        id: NoteId

        @required
        text: Text
    }
    errors: [ValidationException]
}
"#;

const TYPES: &str = r#"$version: "2"
namespace example.notes

@length(min: 1, max: 64)
string NoteId
"#;

// An import in the JSON AST, beside the IDL sources.
const IMPORT: &str = r#"{"smithy": "2.0", "shapes": {"example.notes#Text": {"type": "string", "traits": {"smithy.api#length": {"max": 4096}}}}}"#;

fn options(build_file: &Path) -> Options {
    Options {
        models: vec![build_file.to_path_buf()],
        crate_name: "notes".into(),
        selection: Default::default(),
        packaging: Default::default(),
    }
}

fn file<'a>(files: &'a [smithy_gen_codegen::write::RenderedFile], suffix: &str) -> &'a str {
    &files.iter().find(|f| f.path.ends_with(suffix)).unwrap_or_else(|| panic!("no {suffix} among {:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>())).contents
}

#[test]
fn a_build_file_loads_its_sources_imports_and_built_in_packages() {
    let p = project(
        "ok",
        r#"{
            "version": "1.0",
            "sources": ["model"],
            "imports": ["shared/text.json"],
            "maven": {"dependencies": [
                "software.amazon.smithy:smithy-aws-traits:1.54.0",
                "software.amazon.smithy:smithy-validation-model:1.54.0"
            ]},
            "plugins": {"openapi": {"service": "example.notes#Notes"}}
        }"#,
        &[("model/notes.smithy", SERVICE), ("model/types/ids.smithy", TYPES), ("shared/text.json", IMPORT)],
    );
    let files = generate(&options(&p.0.join("smithy-build.json"))).unwrap_or_else(|e| panic!("{e}"));
    let all: String = files.iter().map(|f| f.contents.as_str()).collect();
    // The framework's error from the built-in package, as a typed error of
    // the operation; the constraints of the IDL source and the JSON import.
    assert!(all.contains("pub struct ValidationException"), "ValidationException not generated");
    assert!(file(&files, "errors.rs").contains("ValidationException(ValidationException)"), "not an error of PutNote");
    assert!(file(&files, "Cargo.toml").contains("name = \"notes\""));
    let validate = file(&files, "validate.rs");
    assert!(validate.contains("length_str(v, Some(1), Some(64)"), "the @length of NoteId (IDL, a nested source folder) is not checked");
    assert!(validate.contains("length_str(v, None, Some(4096)"), "the @length of the imported Text (JSON AST) is not checked");
}

#[test]
fn a_dependency_that_is_not_built_in_is_an_error_naming_what_is() {
    let p = project(
        "maven",
        r#"{"version": "1.0", "sources": ["model"], "maven": {"dependencies": ["com.example:shared-shapes:2.1.0"]}}"#,
        &[("model/notes.smithy", SERVICE), ("model/ids.smithy", TYPES)],
    );
    let e = generate(&options(&p.0.join("smithy-build.json"))).unwrap_err().to_string();
    assert!(e.contains("smithy-build.json"), "{e}");
    assert!(e.contains("`com.example:shared-shapes:2.1.0` is not built in"), "{e}");
    assert!(e.contains("smithy-validation-model") && e.contains("smithy-waiters"), "{e}");
}

#[test]
fn a_missing_source_is_named_with_the_build_file() {
    let p = project("missing", r#"{"version": "1.0", "sources": ["model", "other"]}"#, &[("model/notes.smithy", SERVICE)]);
    let e = generate(&options(&p.0.join("smithy-build.json"))).unwrap_err().to_string();
    assert!(e.contains("smithy-build.json: `sources`/`imports` name") && e.contains("other, which does not exist"), "{e}");
}

