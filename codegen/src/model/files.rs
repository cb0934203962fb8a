//! Which files a load reads: model files as given, and every `.smithy` and
//! `.json` file under a folder given instead (recursively, sorted, so the
//! load and its output do not depend on the order the system lists them in),
//! hidden folders (`.git`, `.smithy-cache`) left out.
//! A Smithy build file (`smithy-build.json`) given as a path stands for its
//! `sources` and `imports`; one met in a folder's walk is not a model file.

use std::path::{Path, PathBuf};

use super::smithy_build;
use crate::diagnostics::Diagnostic;

/// Whether `path` names a model file a folder's walk picks up.
pub fn is_model_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "smithy" || e == "json") && !smithy_build::is_build_file(path)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}

/// The model files of `paths`: files as they are, folders replaced by the
/// model files under them. A folder that cannot be read, or holds no model
/// file, is a problem.
pub fn expand(paths: &[impl AsRef<Path>]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        let path = path.as_ref();
        if smithy_build::is_build_file(path) {
            match smithy_build::read(path) {
                // Its paths hold no build file of their own to recurse into
                // (a walk skips them; a file named as one is read as a model).
                Ok(build) => {
                    for missing in build.paths.iter().filter(|p| !p.exists()) {
                        diags.push(Diagnostic::file(
                            path,
                            format!("`sources`/`imports` name {}, which does not exist", missing.display()),
                        ));
                    }
                    let present: Vec<&PathBuf> = build.paths.iter().filter(|p| p.exists()).collect();
                    let (files, problems) = expand_plain(&present);
                    out.extend(files);
                    diags.extend(problems);
                }
                Err(d) => diags.push(d),
            }
            continue;
        }
        let (files, problems) = expand_plain(std::slice::from_ref(&path));
        out.extend(files);
        diags.extend(problems);
    }
    (out, diags)
}

/// Files as they are, folders walked.
fn expand_plain(paths: &[impl AsRef<Path>]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        let path = path.as_ref();
        if path.is_dir() {
            let before = out.len();
            walk(path, &mut out, &mut diags, 0);
            if out.len() == before {
                diags.push(Diagnostic::file(path, "the folder holds no model file (`.smithy` or `.json`)"));
            }
        } else {
            out.push(path.to_path_buf());
        }
    }
    (out, diags)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>, depth: usize) {
    if depth > 64 {
        diags.push(Diagnostic::file(dir, "folders nest too deep (64 levels) under a model folder"));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            diags.push(Diagnostic::file(dir, format!("cannot read the model folder: {e}")));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            if !is_hidden(&p) {
                walk(&p, out, diags, depth + 1);
            }
        } else if is_model_file(&p) {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_expand_to_their_model_files_sorted() {
        let base = std::env::temp_dir().join(format!("smithy-model-files-{}", std::process::id()));
        std::fs::create_dir_all(base.join("b/c")).unwrap();
        std::fs::create_dir_all(base.join("b/.git")).unwrap();
        for f in ["b/c/z.smithy", "b/a.json", "b/notes.txt", "b/smithy-build.json", "b/.git/x.json", "top.smithy"] {
            std::fs::write(base.join(f), "").unwrap();
        }
        let (files, diags) = expand(&[base.join("b"), base.join("top.smithy")]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(files, [base.join("b/a.json"), base.join("b/c/z.smithy"), base.join("top.smithy")]);
        std::fs::create_dir_all(base.join("empty")).unwrap();
        let (_, diags) = expand(&[base.join("empty")]);
        assert!(diags[0].message.contains("no model file"), "{diags:?}");
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_build_file_stands_for_its_sources_and_imports() {
        let base = std::env::temp_dir().join(format!("smithy-build-files-{}", std::process::id()));
        std::fs::create_dir_all(base.join("model/nested")).unwrap();
        std::fs::create_dir_all(base.join("shared")).unwrap();
        for f in ["model/a.smithy", "model/nested/b.smithy", "model/smithy-build.json", "shared/common.json"] {
            std::fs::write(base.join(f), "").unwrap();
        }
        std::fs::write(
            base.join("smithy-build.json"),
            r#"{"version": "1.0", "sources": ["model"], "imports": ["shared/common.json"],
                "maven": {"dependencies": ["software.amazon.smithy:smithy-aws-traits:1.54.0"]}}"#,
        )
        .unwrap();
        let (files, diags) = expand(&[base.join("smithy-build.json")]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(files, [base.join("model/a.smithy"), base.join("model/nested/b.smithy"), base.join("shared/common.json")]);
        std::fs::write(base.join("smithy-build.json"), r#"{"version": "1.0", "sources": ["missing"]}"#).unwrap();
        let (_, diags) = expand(&[base.join("smithy-build.json")]);
        assert!(diags[0].to_string().contains("smithy-build.json: `sources`/`imports` name") && diags[0].message.contains("does not exist"), "{diags:?}");
        std::fs::remove_dir_all(&base).unwrap();
    }
}
