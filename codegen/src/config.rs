//! The generation config (`models/codegen.toml`): which model files to read,
//! where the crate goes, and per service which operations to generate.
//!
//! ```toml
//! crate-name = "aws-generated"
//! out = "generated"
//! models = ["cloudwatch-logs.json", "guardduty.json"]   # relative to this file
//! runtime-path = "../runtime"   # optional: the runtime crate by path, else from the registry
//! cli-binary = false            # optional: no `smithy-call` target (another crate builds it)
//!
//! # Optional: per service (by shape id), the operations to generate.
//! # A service not listed gets all of its operations.
//! [services."com.amazonaws.cloudwatchlogs#Logs_20140328"]
//! operations = ["PutDestination", "DescribeDestinations"]
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::lower::Selection;
use crate::package::{relative_path, Packaging, RuntimeDependency};
use crate::Options;

/// A parsed generation config, with paths resolved against its directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub options: Options,
    /// The directory to write the crate into.
    pub out: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    crate_name: String,
    out: PathBuf,
    models: Vec<PathBuf>,
    #[serde(default)]
    services: BTreeMap<String, RawService>,
    #[serde(default)]
    runtime_path: Option<PathBuf>,
    #[serde(default = "yes")]
    cli_binary: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    operations: Vec<String>,
}

/// Read and check the config at `path`. Relative paths in it are relative to
/// the file's directory. Errors name the file and what is wrong.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read the generation config: {e}", path.display()))?;
    parse(path, &text)
}

/// Parse config text; `path` locates relative paths and names the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<Config, String> {
    let raw: Raw = toml::from_str(text).map_err(|e| format!("{}: invalid generation config: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new(""));
    if raw.models.is_empty() {
        return Err(format!("{}: `models` is empty: list the model files to generate from", path.display()));
    }
    if raw.crate_name.is_empty() || !raw.crate_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(format!(
            "{}: `crate-name` {:?} is not a valid package name (ASCII letters, digits, `-`, `_`)",
            path.display(),
            raw.crate_name
        ));
    }
    let mut services = BTreeMap::new();
    for (id, svc) in raw.services {
        if svc.operations.is_empty() {
            return Err(format!(
                "{}: service `{id}` lists no operations; remove its table to generate all of them",
                path.display()
            ));
        }
        services.insert(id, svc.operations.into_iter().collect::<BTreeSet<_>>());
    }
    let out = normalize(&base.join(raw.out));
    let runtime = match raw.runtime_path {
        Some(p) => {
            let runtime = normalize(&base.join(p));
            if !runtime.join("Cargo.toml").is_file() {
                return Err(format!(
                    "{}: `runtime-path` names {}, which holds no Cargo.toml (the runtime crate, `runtime/` in a checkout)",
                    path.display(),
                    runtime.display()
                ));
            }
            RuntimeDependency::Path(relative_path(&out, &runtime))
        }
        None => RuntimeDependency::Registry,
    };
    Ok(Config {
        options: Options {
            models: raw.models.iter().map(|m| normalize(&base.join(m))).collect(),
            crate_name: raw.crate_name,
            selection: Selection { services, anywhere: None },
            packaging: Packaging { runtime, own_workspace: false, cli_binary: raw.cli_binary },
        },
        out,
    })
}

/// Remove `.` and `dir/..` pairs without touching the file system, so
/// messages say `generated/`, not `models/../generated/`.
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_config_and_selection_is_per_service() {
        let c = parse(
            Path::new("models/codegen.toml"),
            "crate-name = \"x\"\nout = \"../generated\"\nmodels = [\"a.json\"]\n[services.\"ns#S\"]\noperations = [\"B\", \"A\"]\n",
        )
        .unwrap();
        assert_eq!(c.options.models, vec![PathBuf::from("models/a.json")]);
        assert_eq!(c.out, PathBuf::from("generated"));
        assert_eq!(c.options.selection.services["ns#S"].iter().collect::<Vec<_>>(), ["A", "B"]);
    }

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let e = parse(Path::new("c.toml"), "crate-name = \"x\"\nout = \"o\"\nmodels = []\n").unwrap_err();
        assert!(e.starts_with("c.toml: `models` is empty"), "{e}");
        let e = parse(Path::new("c.toml"), "crate-name = \"x\"\nout = \"o\"\nmodels = [\"a\"]\nmodel = 1\n").unwrap_err();
        assert!(e.contains("c.toml: invalid generation config") && e.contains("unknown field `model`"), "{e}");
        let e = parse(Path::new("c.toml"), "crate-name = \"a b\"\nout = \"o\"\nmodels = [\"a\"]\n").unwrap_err();
        assert!(e.contains("not a valid package name"), "{e}");
    }
}
