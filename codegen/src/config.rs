//! The generation config (`models/codegen.toml`): which model files to read,
//! where the crate goes, and per service which operations to generate.
//!
//! ```toml
//! crate-name = "aws-generated"
//! out = "generated"
//! models = ["cloudwatch-logs.json", "guardduty.json"]   # relative to this file
//! # Smithy IDL files and folders (every `.smithy`/`.json` under them) too:
//! # models = ["model/main.smithy", "model/shapes/"]
//! # or an official AWS model, found through the third-party search order:
//! # models = ["aws:sts-2011-06-15.json"]
//! runtime-path = "../runtime"   # optional: the runtime crate by path, else from the registry
//! cli-binary = false            # optional: no `smithy-call` target (another crate builds it)
//! publish = true                # optional: ready for crates.io (no `publish = false`)
//! description = "..."           # optional, with publish: the package description
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
use crate::package::Packaging;
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
    /// Ready for crates.io (no `publish = false`), with this description.
    #[serde(default)]
    publish: bool,
    #[serde(default)]
    description: Option<String>,
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
    let models = resolve_models(path, base, &raw.models)?;
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
            crate::package::checkout_packaging(&out, &runtime, false)
        }
        None => Packaging::default(),
    };
    if raw.description.is_some() && !raw.publish {
        return Err(format!("{}: `description` goes with `publish = true`", path.display()));
    }
    let publish = raw.publish.then(|| {
        raw.description.unwrap_or_else(|| "Rust clients, types and validators for AWS services, generated from their Smithy models.".into())
    });
    Ok(Config {
        options: Options {
            models,
            crate_name: raw.crate_name,
            selection: Selection { services, anywhere: None },
            // Without the binary, no loader: the crate that builds the tool
            // supplies the configuration (and may be the loader itself).
            packaging: Packaging {
                cli_binary: raw.cli_binary,
                publish,
                loader: if raw.cli_binary { runtime.loader.clone() } else { crate::package::LoaderDependency::None },
                ..runtime
            },
        },
        out,
    })
}

/// The official AWS models (`aws:<file>`) the config at `path` names that
/// the third-party search order does not find, if any (`None` also when the
/// config cannot be read: loading it says why).
pub fn missing_third_party(path: &Path) -> Option<crate::third_party::Missing> {
    let text = std::fs::read_to_string(path).ok()?;
    let raw: Raw = toml::from_str(&text).ok()?;
    find_official(path.parent().unwrap_or(Path::new("")), &raw.models).err()
}

/// The official AWS models (`aws:<file>`) among `models`, found through the
/// third-party search order from the checkout `base` (the config's
/// directory) is in, in the order listed.
fn find_official(base: &Path, models: &[PathBuf]) -> Result<Vec<PathBuf>, crate::third_party::Missing> {
    use crate::third_party::{self, Set, AWS_MODEL_PREFIX};
    let official: Vec<&str> =
        models.iter().filter_map(|m| m.to_str().and_then(|s| s.strip_prefix(AWS_MODEL_PREFIX))).collect();
    if official.is_empty() {
        return Ok(Vec::new());
    }
    let root = third_party::checkout_root(if base.as_os_str().is_empty() { Path::new(".") } else { base });
    third_party::find_files(Set::AwsModels, &root, &official)
}

/// The config's model files: paths relative to its directory, and
/// `aws:<file>` entries found through the third-party search order from the
/// checkout the config is in. Every missing official model is named in one
/// line with the command that fetches them.
fn resolve_models(path: &Path, base: &Path, models: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = find_official(base, models).map_err(|e| format!("{}: {e}", path.display()))?.into_iter();
    Ok(models
        .iter()
        .map(|m| match m.to_str().is_some_and(|s| s.starts_with(crate::third_party::AWS_MODEL_PREFIX)) {
            true => found.next().unwrap_or_default(),
            false => normalize(&base.join(m)),
        })
        .collect())
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
