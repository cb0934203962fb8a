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

pub const USAGE: &str = "  cargo xtask fetch-models [--only aws-models|protocol-tests|smithy-loader-tests] [--dest DIR]
                           [--aws-models-url URL] [--aws-models-commit SHA]
                           [--protocol-tests-url URL] [--protocol-tests-commit SHA]
      fetch the official AWS models (aws/api-models-aws) and the Smithy protocol compliance suites
      (smithy-lang/smithy) at their pinned commits into DIR (default: third-party/, ignored by git),
      where every command and test finds them; `--only smithy-loader-tests` fetches the Smithy
      loader's test models (same repository, URL and commit as the protocol tests; never fetched
      without --only)";

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
    for source in [&aws, &suites] {
        // Neither may be read by git as an option.
        if source.url.starts_with('-') || source.url.is_empty() {
            return Err(format!("fetch-models: {:?} is not a repository URL or path", source.url));
        }
        if !(7..=40).contains(&source.commit.len()) || !source.commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("fetch-models: {:?} is not a commit (7 to 40 hexadecimal digits)", source.commit));
        }
    }
    let loader = Source { name: LOADER_TESTS, url: suites.url.clone(), commit: suites.commit.clone() };
    let wanted = |s: &Source| only.as_deref().is_none_or(|o| o == s.name);
    if let Some(o) = &only {
        if o != aws.name && o != suites.name && o != loader.name {
            return Err(format!("fetch-models: --only {o}: expected aws-models, protocol-tests or {LOADER_TESTS}"));
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
                 the Smithy CLI builds from these IDL files (`smithy ast`, a JVM tool) and which it finds through \
                 $SMITHY_PROTOCOL_TESTS_DIR or ../shared/protocol-tests; `cargo xtask compliance --from-idl` reads \
                 these IDL files instead"
            );
        }
    }
    // Only when asked: the loader's tests matter to the IDL front end alone.
    if only.as_deref() == Some(loader.name) {
        let n = fetch_set(&dest, &loader, copy_loader_tests)?;
        println!("fetched {n} Smithy loader test files ({} at {}) into {}", loader.url, short(&loader.commit), dest.join(loader.name).display());
    }
    Ok(())
}

/// The set of the Smithy loader's test models.
const LOADER_TESTS: &str = "smithy-loader-tests";

/// Where the loader's test models are in the Smithy repository.
const LOADER_TESTS_DIR: &str = "smithy-model/src/test/resources/software/amazon/smithy/model/loader";

/// The loader's `valid/` and `invalid/` test models, under `loader/`.
fn copy_loader_tests(checkout: &Path, to: &Path) -> Result<usize, String> {
    let mut n = 0;
    for dir in ["valid", "invalid"] {
        n += copy_tree(&checkout.join(LOADER_TESTS_DIR).join(dir), &to.join("loader").join(dir))?;
    }
    Ok(n)
}

fn short(commit: &str) -> String {
    commit.chars().take(12).collect()
}

/// Fetch `source` into a scratch checkout, copy its files with `copy` into
/// `<dest>/<name>.partial`, then swap that in for `<dest>/<name>`. Returns
/// how many files were copied.
fn fetch_set(dest: &Path, source: &Source, copy: fn(&Path, &Path) -> Result<usize, String>) -> Result<usize, String> {
    let final_dir = dest.join(source.name);
    // Only a copy this command made (it holds FETCHED) is ever replaced.
    if final_dir.exists() && !final_dir.join("FETCHED").is_file() {
        return Err(format!(
            "fetch-models: {} exists and was not made by fetch-models (no FETCHED file in it): move it away or choose another --dest",
            final_dir.display()
        ));
    }
    // Names of this run's own, so two runs never share a scratch directory.
    let run = format!("{}-{}", source.name, std::process::id());
    let scratch = dest.join(format!(".{run}.git"));
    let partial = dest.join(format!(".{run}.partial"));
    let result = fetch_into(&scratch, &partial, source, copy).and_then(|n| {
        // Swap: the old copy aside, the new one in, then the old one gone.
        let old = dest.join(format!(".{run}.old"));
        if final_dir.exists() {
            std::fs::rename(&final_dir, &old).map_err(|e| format!("fetch-models: cannot move {} aside: {e}", final_dir.display()))?;
        }
        if let Err(e) = std::fs::rename(&partial, &final_dir) {
            let _ = std::fs::rename(&old, &final_dir);
            return Err(format!("fetch-models: cannot move the new copy to {}: {e}", final_dir.display()));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(n)
    });
    let _ = std::fs::remove_dir_all(&scratch);
    let _ = std::fs::remove_dir_all(&partial);
    result
}

/// Fetch `source` into the scratch checkout and copy its files into `partial`.
fn fetch_into(scratch: &Path, partial: &Path, source: &Source, copy: fn(&Path, &Path) -> Result<usize, String>) -> Result<usize, String> {
    std::fs::create_dir_all(scratch).map_err(|e| format!("fetch-models: cannot create {}: {e}", scratch.display()))?;
    eprintln!("fetching {} at {} (this can take minutes for the AWS models)", source.url, short(&source.commit));
    git(scratch, &["init", "--quiet"])?;
    git(scratch, &["fetch", "--quiet", "--depth", "1", "--", &source.url, &source.commit])
        .map_err(|e| format!("{e}\n(is {} reachable, and does it have commit {}?)", source.url, source.commit))?;
    git(scratch, &["checkout", "--quiet", "FETCH_HEAD"])?;
    std::fs::create_dir_all(partial).map_err(|e| format!("fetch-models: cannot create {}: {e}", partial.display()))?;
    let n = copy(scratch, partial)?;
    if n == 0 {
        return Err(format!("fetch-models: {} at {} holds none of the expected files", source.url, source.commit));
    }
    for f in ["LICENSE", "NOTICE"] {
        if is_regular(&scratch.join(f)) {
            copy_file(&scratch.join(f), &partial.join(f))?;
        }
    }
    std::fs::write(partial.join("FETCHED"), format!("{}\n{}\n", source.url, source.commit)).map_err(|e| format!("fetch-models: {e}"))?;
    Ok(n)
}

/// A regular file, not a link to one.
fn is_regular(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file())
}

/// aws/api-models-aws keeps each model at
/// `models/<service>/service/<version>/<service>-<version>.json`: copied
/// flat, by file name, as the search order expects.
fn copy_aws_models(checkout: &Path, to: &Path) -> Result<usize, String> {
    let mut n = 0;
    for service in sorted_dirs(&checkout.join("models")) {
        for version in sorted_dirs(&service.join("service")) {
            for model in third_party::json_files(&version).into_iter().filter(|m| is_regular(m)) {
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

/// Regular files and directories only: a link in a fetched repository is
/// skipped, never followed (it could point anywhere, or loop).
fn copy_tree(from: &Path, to: &Path) -> Result<usize, String> {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(0) };
    let mut entries: Vec<_> = entries.flatten().filter_map(|e| Some((e.path(), e.file_type().ok()?))).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, kind) in entries {
        let target = to.join(p.file_name().unwrap_or_default());
        if kind.is_dir() {
            n += copy_tree(&p, &target)?;
        } else if kind.is_file() {
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
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = Command::new("git");
    // Only this scratch repository: no repository or work tree from the
    // environment (a git hook's GIT_DIR would otherwise be checked out).
    for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES", "GIT_NAMESPACE", "GIT_COMMON_DIR"] {
        cmd.env_remove(var);
    }
    let out = cmd
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
