//! `smithy-build.json`, the Smithy build tool's project file: its `sources`
//! and `imports` (model files and folders, relative to the file) are what a
//! load reads when it is given the project file, and its Maven dependencies
//! must be packages this generator has built in (`model/packages.rs`).
//! Projections and plugins belong to the Smithy build tool and are ignored.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::packages;
use crate::diagnostics::Diagnostic;

/// Whether `path` names a Smithy build file (`smithy-build.json`, or any
/// `*smithy-build.json`, as `-c` lets the Smithy CLI read).
pub fn is_build_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with("smithy-build.json"))
}

/// What a build file asks to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmithyBuild {
    /// `sources` then `imports`, resolved against the file's folder.
    pub paths: Vec<PathBuf>,
    /// The built-in packages its Maven dependencies name.
    pub packages: Vec<&'static str>,
}

/// Read a build file: its paths to load, its dependencies checked.
pub fn read(path: &Path) -> Result<SmithyBuild, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::file(path, format!("cannot read the Smithy build file: {e}")))?;
    parse(path, &text, &|name| std::env::var(name).ok())
}

/// Parse build-file text; `env` looks up the `${NAME}` placeholders its
/// strings may hold (as the Smithy build tool does).
pub fn parse(path: &Path, text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<SmithyBuild, Diagnostic> {
    let err = |msg: String| Diagnostic::file(path, msg);
    let doc: Value = serde_json::from_str(text).map_err(|e| err(format!("not valid JSON: {e}")))?;
    let Some(doc) = doc.as_object() else {
        return Err(err("a Smithy build file must be a JSON object".into()));
    };
    match doc.get("version") {
        Some(Value::String(v)) if v == "1.0" || v == "1" || v == "2.0" => {}
        Some(v) => return Err(err(format!("unsupported `version` {v}: expected \"1.0\""))),
        None => return Err(err("missing `version`: a Smithy build file starts with `\"version\": \"1.0\"`".into())),
    }
    let base = path.parent().unwrap_or(Path::new(""));
    let mut paths = Vec::new();
    for key in ["sources", "imports"] {
        for s in strings(doc.get(key), key).map_err(err)? {
            let s = interpolate(&s, env).map_err(|e| err(format!("`{key}`: {e}")))?;
            paths.push(base.join(s));
        }
    }
    let mut packages_named = Vec::new();
    match doc.get("maven") {
        None | Some(Value::Null) => {}
        Some(Value::Object(maven)) => {
            for coordinate in strings(maven.get("dependencies"), "maven.dependencies").map_err(err)? {
                let coordinate = interpolate(&coordinate, env).map_err(|e| err(format!("`maven.dependencies`: {e}")))?;
                // A build plugin or linter (`None`) gives the load nothing.
                if let Some(package) = packages::package_of(&coordinate).map_err(|e| err(format!("`maven.dependencies`: {e}")))? {
                    packages_named.push(package.artifact);
                }
            }
        }
        Some(_) => return Err(err("`maven` must be an object (`{\"dependencies\": [...]}`)".into())),
    }
    if paths.is_empty() {
        return Err(err("no `sources` or `imports`: nothing to load (list model files or folders, relative to this file)".into()));
    }
    Ok(SmithyBuild { paths, packages: packages_named })
}

fn strings(v: Option<&Value>, key: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| item.as_str().map(str::to_string).ok_or_else(|| format!("`{key}[{i}]` must be a string")))
            .collect(),
        Some(_) => Err(format!("`{key}` must be a list of strings")),
    }
}

/// `${NAME}` replaced by the environment variable's value.
fn interpolate(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!("`{s}`: `${{` without a closing `}}`"));
        };
        let name = &after[..end];
        let value = env(name).ok_or_else(|| format!("`{s}` uses the environment variable `{name}`, which is not set"))?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "MODELS").then(|| "shared-models".to_string())
    }

    #[test]
    fn sources_and_imports_resolve_against_the_file() {
        let b = parse(
            Path::new("/p/smithy-build.json"),
            r#"{"version": "1.0", "sources": ["model"], "imports": ["${MODELS}/common.smithy"],
                "maven": {"dependencies": ["software.amazon.smithy:smithy-aws-traits:1.54.0", "software.amazon.smithy:smithy-openapi:1.54.0"]},
                "projections": {"x": {}}, "plugins": {}}"#,
            &env,
        )
        .unwrap();
        assert_eq!(b.paths, [PathBuf::from("/p/model"), PathBuf::from("/p/shared-models/common.smithy")]);
        assert_eq!(b.packages, ["smithy-aws-traits"]);
    }

    #[test]
    fn problems_name_the_file_and_the_field() {
        let p = Path::new("smithy-build.json");
        let e = parse(p, r#"{"version": "1.0", "sources": ["m"], "maven": {"dependencies": ["com.acme:x:1"]}}"#, &env).unwrap_err();
        assert!(e.to_string().starts_with("smithy-build.json: `maven.dependencies`: the Maven dependency `com.acme:x:1` is not built in"), "{e}");
        let e = parse(p, r#"{"version": "1.0", "sources": ["${NOPE}/m"]}"#, &env).unwrap_err();
        assert!(e.message.contains("`NOPE`, which is not set"), "{e}");
        let e = parse(p, r#"{"sources": ["m"]}"#, &env).unwrap_err();
        assert!(e.message.contains("missing `version`"), "{e}");
        let e = parse(p, r#"{"version": "1.0", "sources": "m"}"#, &env).unwrap_err();
        assert!(e.message.contains("`sources` must be a list"), "{e}");
        let e = parse(p, r#"{"version": "1.0"}"#, &env).unwrap_err();
        assert!(e.message.contains("nothing to load"), "{e}");
        let e = parse(p, "{", &env).unwrap_err();
        assert!(e.message.contains("not valid JSON"), "{e}");
    }

    #[test]
    fn build_files_are_known_by_name() {
        assert!(is_build_file(Path::new("a/smithy-build.json")));
        assert!(is_build_file(Path::new("ci-smithy-build.json")));
        assert!(!is_build_file(Path::new("model.json")));
    }
}
