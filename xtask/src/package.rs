//! `cargo xtask package`: every crate a user depends on, packaged as
//! crates.io would receive it, in dependency order, each verified by a
//! build of the packaged sources (`cargo package`, which builds a package
//! against the ones packaged before it); then a crate generated with
//! `--runtime registry` is built against the packaged runtime, identity
//! clients and loader (`[patch.crates-io]` to their unpacked packages), as
//! a user's would be once they are published.

use std::path::Path;

use crate::{cargo, root, run};

pub const USAGE: &str = "  cargo xtask package
      cargo package (with verification builds) of smithy-gen-runtime, smithy-gen-codegen, smithy-gen,
      smithy-gen-identity and smithy-gen-config, in dependency order; then a crate generated with
      --runtime registry is built against the packaged crates";

/// The published crates, each after those it depends on.
pub const PUBLISHED: &[&str] = &["smithy-gen-runtime", "smithy-gen-codegen", "smithy-gen", "smithy-gen-identity", "smithy-gen-config"];

pub fn package(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("package: unexpected arguments {args:?}\n{USAGE}"));
    }
    let root = root();
    let target = root.join("target/package-check");
    forget_earlier_packages()?;
    // Packages of an earlier run, and what was built from them, are never
    // reused: cargo takes a registry crate of the same version as unchanged.
    let _ = std::fs::remove_dir_all(&target);
    let mut c = cargo();
    // `--allow-dirty`: the check is of the sources as they are; publishing
    // itself is done from a clean, tagged commit.
    c.current_dir(&root).env("CARGO_TARGET_DIR", &target).args(["package", "--allow-dirty"]);
    for p in PUBLISHED {
        c.args(["-p", p]);
    }
    run(&mut c)?;
    let version = codegen::package::RUNTIME_VERSION;
    let unpacked = |name: &str| target.join("package").join(format!("{name}-{version}"));
    for p in PUBLISHED {
        if !unpacked(p).join("Cargo.toml").is_file() {
            return Err(format!("package: no packaged {p} in {}", unpacked(p).display()));
        }
    }

    // A user's crate generated for the registry, built against the packages.
    let dir = target.join("registry-crate");
    let _ = std::fs::remove_dir_all(&dir);
    let options = codegen::Options {
        models: vec![root.join("models/guardduty.json")],
        crate_name: "registry-crate".into(),
        selection: codegen::Selection { services: Default::default(), anywhere: Some(["CreateDetector".to_string()].into()) },
        packaging: codegen::Packaging { own_workspace: true, ..codegen::Packaging::default() },
    };
    let files = codegen::generate(&options).map_err(|e| format!("package: {e}"))?;
    codegen::write::write(&dir, &files).map_err(|e| format!("package: {e}"))?;
    let mut c = cargo();
    c.current_dir(&dir).env("CARGO_TARGET_DIR", target.join("registry-target"));
    c.args(["check", "--quiet", "--features", "cli", "--bin", "smithy-call", "--lib"]);
    for p in ["smithy-gen-runtime", "smithy-gen-identity", "smithy-gen-config"] {
        c.arg("--config").arg(format!("patch.crates-io.{p}.path={:?}", path_str(&unpacked(p))));
    }
    run(&mut c)?;
    eprintln!("package: {} packaged and verified; a --runtime registry crate builds against them", PUBLISHED.join(", "));
    Ok(())
}

/// Cargo verifies each package against the ones packaged before it through
/// a temporary local registry, and unpacks them under
/// `$CARGO_HOME/registry/src/-<hash>/` once per registry path and version:
/// an earlier run's sources of the same version would be built instead of
/// today's. Remove those unpacked copies of our own crates (only in the
/// local registries, whose directory names start with `-`; crates.io's are
/// never touched).
fn forget_earlier_packages() -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME").map(std::path::PathBuf::from).or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let Some(src) = home.map(|h| h.join("registry/src")) else { return Ok(()) };
    let Ok(registries) = std::fs::read_dir(&src) else { return Ok(()) };
    let version = codegen::package::RUNTIME_VERSION;
    for registry in registries.flatten().filter(|e| e.file_name().to_string_lossy().starts_with('-')) {
        for p in PUBLISHED {
            let unpacked = registry.path().join(format!("{p}-{version}"));
            if unpacked.is_dir() {
                std::fs::remove_dir_all(&unpacked).map_err(|e| format!("package: cannot remove the stale {}: {e}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}
