//! `cargo xtask fetch-models`: fetch the third-party files the repository
//! does not hold (the official AWS models, the Smithy protocol compliance
//! suites) at their pinned commits into `third-party/`, the last place of
//! the search order (`codegen::third_party`).
//!
//! Each set is fetched with git (`git fetch --depth 1 <url> <commit>`) into a
//! scratch directory, its files are copied into `<dest>/<set>.partial`, and
//! that directory replaces `<dest>/<set>` only when complete: an interrupted
//! fetch leaves the previous copy, never half of one.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::third_party;

use crate::root;

pub const USAGE: &str = "  cargo xtask fetch-models [--only aws-models|protocol-tests] [--dest DIR]
                           [--aws-models-url URL] [--aws-models-commit SHA]
                           [--protocol-tests-url URL] [--protocol-tests-commit SHA]
      fetch the official AWS models (aws/api-models-aws) and the Smithy protocol compliance suites
      (smithy-lang/smithy) at their pinned commits into DIR (default: third-party/, ignored by git),
      where every command and test finds them";

struct Source {
    name: &'static str,
    url: String,
    commit: String,
}

pub fn fetch_models(args: &[String]) -> Result<(), String> {
    let mut dest = root().join("third-party");
    let mut only: Option<String> = None;
    let mut aws = Source { name: "aws-models", url: third_party::AWS_MODELS_REPOSITORY.into(), commit: third_party::AWS_MODELS_COMMIT.into() };
    let mut suites = Source {
        name: "protocol-tests",
        url: third_party::PROTOCOL_TESTS_REPOSITORY.into(),
        commit: third_party::PROTOCOL_TESTS_COMMIT.into(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("fetch-models: {a} needs a value\n{USAGE}"));
        match a.as_str() {
            "--dest" => dest = PathBuf::from(value()?),
            "--only" => only = Some(value()?),
            "--aws-models-url" => aws.url = value()?,
            "--aws-models-commit" => aws.commit = value()?,
            "--protocol-tests-url" => suites.url = value()?,
            "--protocol-tests-commit" => suites.commit = value()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("fetch-models: unknown argument `{other}`\n{USAGE}")),
        }
    }
    let wanted = |s: &Source| only.as_deref().is_none_or(|o| o == s.name);
    if let Some(o) = &only {
        if o != aws.name && o != suites.name {
            return Err(format!("fetch-models: --only {o}: expected aws-models or protocol-tests"));
        }
    }
    std::fs::create_dir_all(&dest).map_err(|e| format!("fetch-models: cannot create {}: {e}", dest.display()))?;
    if wanted(&aws) {
        let n = fetch_set(&dest, &aws, copy_aws_models)?;
        println!("fetched {n} AWS models ({} at {}) into {}", aws.url, short(&aws.commit), dest.join(aws.name).display());
    }
    if wanted(&suites) {
        let n = fetch_set(&dest, &suites, copy_protocol_tests)?;
        println!(
            "fetched {n} protocol test files ({} at {}) into {}",
            suites.url,
            short(&suites.commit),
            dest.join(suites.name).display()
        );
        if !dest.join(suites.name).join("smithy-aws-protocol-tests.json").is_file() {
            println!(
                "note: `cargo xtask compliance` reads the suites as one JSON AST (smithy-aws-protocol-tests.json), which \
                 the Smithy CLI builds from these IDL files (`smithy ast`, a JVM tool); \
                 until the IDL front end lands it finds that file through $SMITHY_PROTOCOL_TESTS_DIR or ../shared/protocol-tests"
            );
        }
    }
    Ok(())
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// Fetch `source` into a scratch checkout, copy its files with `copy` into
/// `<dest>/<name>.partial`, then swap that in for `<dest>/<name>`. Returns
/// how many files were copied.
fn fetch_set(dest: &Path, source: &Source, copy: fn(&Path, &Path) -> Result<usize, String>) -> Result<usize, String> {
    let scratch = dest.join(format!(".{}.git", source.name));
    let partial = dest.join(format!("{}.partial", source.name));
    let final_dir = dest.join(source.name);
    let _ = std::fs::remove_dir_all(&scratch);
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("fetch-models: cannot create {}: {e}", scratch.display()))?;
    eprintln!("fetching {} at {} (this can take minutes for the AWS models)", source.url, short(&source.commit));
    git(&scratch, &["init", "--quiet"])?;
    git(&scratch, &["fetch", "--quiet", "--depth", "1", &source.url, &source.commit])
        .map_err(|e| format!("{e}\n(is {} reachable, and does it have commit {}?)", source.url, source.commit))?;
    git(&scratch, &["checkout", "--quiet", "FETCH_HEAD"])?;
    std::fs::create_dir_all(&partial).map_err(|e| format!("fetch-models: cannot create {}: {e}", partial.display()))?;
    let n = copy(&scratch, &partial)?;
    if n == 0 {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(format!("fetch-models: {} at {} holds none of the expected files", source.url, source.commit));
    }
    for f in ["LICENSE", "NOTICE"] {
        if scratch.join(f).is_file() {
            copy_file(&scratch.join(f), &partial.join(f))?;
        }
    }
    std::fs::write(partial.join("FETCHED"), format!("{}\n{}\n", source.url, source.commit))
        .map_err(|e| format!("fetch-models: {e}"))?;
    let _ = std::fs::remove_dir_all(&final_dir);
    std::fs::rename(&partial, &final_dir)
        .map_err(|e| format!("fetch-models: cannot move {} to {}: {e}", partial.display(), final_dir.display()))?;
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(n)
}

/// aws/api-models-aws keeps each model at
/// `models/<service>/service/<version>/<service>-<version>.json`: copied
/// flat, by file name, as the search order expects.
fn copy_aws_models(checkout: &Path, to: &Path) -> Result<usize, String> {
    let mut n = 0;
    for service in sorted_dirs(&checkout.join("models")) {
        for version in sorted_dirs(&service.join("service")) {
            for model in third_party::json_files(&version) {
                let name = model.file_name().map(|n| n.to_os_string()).unwrap_or_default();
                copy_file(&model, &to.join(name))?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// The suites as written: `smithy-aws-protocol-tests/model/` and
/// `smithy-protocol-tests/model/` under `idl/`.
fn copy_protocol_tests(checkout: &Path, to: &Path) -> Result<usize, String> {
    let mut n = 0;
    for suite in ["smithy-aws-protocol-tests", "smithy-protocol-tests"] {
        n += copy_tree(&checkout.join(suite).join("model"), &to.join("idl").join(suite).join("model"))?;
    }
    Ok(n)
}

fn copy_tree(from: &Path, to: &Path) -> Result<usize, String> {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(0) };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let target = to.join(p.file_name().unwrap_or_default());
        if p.is_dir() {
            n += copy_tree(&p, &target)?;
        } else if p.is_file() {
            copy_file(&p, &target)?;
            n += 1;
        }
    }
    Ok(n)
}

fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("fetch-models: cannot create {}: {e}", parent.display()))?;
    }
    std::fs::copy(from, to).map(|_| ()).map_err(|e| format!("fetch-models: cannot copy {} to {}: {e}", from.display(), to.display()))
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect()).unwrap_or_default();
    dirs.sort();
    dirs
}

fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| format!("fetch-models: cannot run git (is it installed?): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("fetch-models: `git {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}
