//! The `smithy-gen` command: generate a Rust crate from Smithy models.
//!
//! `cargo xtask codegen` is this command's `generate` with the repository's
//! defaults (`--config models/codegen.toml`, the checkout's runtime), so the
//! two can never disagree. The generator itself is the `smithy-gen-codegen`
//! library; this crate holds only the command line.
#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use codegen::package::absolute;
use codegen::third_party;

/// Generate Rust clients, types and validators from Smithy 2.0 models (IDL or JSON AST), AWS's or your own.
#[derive(Debug, Parser)]
#[command(name = "smithy-gen", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a crate from model files (or from a generation config).
    Generate(GenerateArgs),
    /// List the services of model files and their operations.
    Operations {
        /// A model: Smithy IDL (`.smithy`), JSON AST (`.json`), a folder of them, or `aws:<file>` (an official AWS model).
        #[arg(long = "model", value_name = "PATH", required = true)]
        models: Vec<String>,
    },
    /// Print the IAM policy (JSON) that a crate of these operations needs: each operation's IAM action
    /// (from the model's `aws.iam#iamAction`, else named after it) and the actions the model says it
    /// requires, on every resource.
    IamPolicy {
        /// A model: Smithy IDL (`.smithy`), JSON AST (`.json`), a folder of them, or `aws:<file>` (an official AWS model).
        #[arg(long = "model", value_name = "PATH", required_unless_present = "config")]
        models: Vec<String>,
        /// A generation config (its models and per-service operations) instead of --model.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["models", "operations"])]
        config: Option<PathBuf>,
        /// Only these operations (comma-separated, by name), from whichever services have them.
        #[arg(long, value_name = "OP,...", value_delimiter = ',')]
        operations: Vec<String>,
    },
    /// Print a completion script for a shell (e.g. `smithy-gen completions bash > /etc/bash_completion.d/smithy-gen`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// How the generated crate names the runtime crate `smithy-gen-runtime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuntimeMode {
    /// By a path to a checkout's `runtime/` (found from --runtime-path,
    /// $SMITHY_GEN_RUNTIME_DIR, or the checkout around the current
    /// directory or the output directory).
    Path,
    /// By version from the registry (crates.io).
    Registry,
    /// Copies of the runtime, the loader and the identity clients written into
    /// the crate (`<out>/vendor/`): the output builds with nothing beside it.
    Vendored,
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn workspace_globs() {
        assert!(glob_match("crates/*", "crates/client"));
        assert!(glob_match("client", "client"));
        assert!(glob_match("a/b/client/", "a/b/client"));
        assert!(!glob_match("crates/*", "crates/a/b"));
        assert!(!glob_match("client", "client-two"));
        assert!(glob_match("c?ient*", "client-two"));
    }
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// A model to read (repeatable): a Smithy IDL file (`.smithy`), a JSON AST
    /// file (`.json`), a folder (every such file under it), a Smithy build file
    /// (`smithy-build.json`: its sources and imports), or `aws:<file>`, an
    /// official AWS model found through the third-party search order.
    #[arg(long = "model", value_name = "PATH", required_unless_present = "config")]
    models: Vec<String>,
    /// A generation config (TOML: crate-name, out, models, per-service operations) instead of --model.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["models", "out", "crate_name", "operations", "workspace"])]
    config: Option<PathBuf>,
    /// The directory to write the crate into (created if missing).
    #[arg(long, value_name = "DIR", required_unless_present = "config")]
    out: Option<PathBuf>,
    /// The package name of the crate (default: the output directory's name).
    #[arg(long, value_name = "NAME")]
    crate_name: Option<String>,
    /// Only these operations (comma-separated, by name), from whichever services have them.
    #[arg(long, value_name = "OP,...", value_delimiter = ',')]
    operations: Vec<String>,
    /// How the crate names the runtime (default: path when a runtime is found, else registry).
    #[arg(long, value_enum, value_name = "MODE")]
    runtime: Option<RuntimeMode>,
    /// The runtime crate's directory for --runtime path or vendored.
    #[arg(long, value_name = "DIR")]
    runtime_path: Option<PathBuf>,
    /// End Cargo.toml with an empty `[workspace]`, so the crate builds on its own inside another workspace's
    /// directory (automatic when the output lies in a workspace that does not list it as a member).
    #[arg(long)]
    workspace: bool,
    /// Write nothing; fail and name each stale file if the output is not what would be generated.
    #[arg(long)]
    check: bool,
    /// Write even into a directory holding files smithy-gen did not generate, overwriting those it generates (never removes them).
    #[arg(long)]
    force: bool,
}

/// The environment variable naming the runtime crate's directory.
pub const RUNTIME_DIR_ENV: &str = "SMITHY_GEN_RUNTIME_DIR";

/// Parse `args` (the program name first) and run; errors are the message to
/// print. Help and usage errors print themselves and exit, as clap does.
pub fn run<I, T>(args: I) -> Result<(), String>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::parse_from(args);
    match cli.command {
        Command::Generate(g) => generate(&g),
        Command::Operations { models } => operations(&models),
        Command::IamPolicy { models, config, operations } => iam_policy(&models, config.as_deref(), &operations),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "smithy-gen", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// A model argument: a path, or `aws:<file>` through the search order.
fn model_path(arg: &str) -> Result<PathBuf, String> {
    match arg.strip_prefix(third_party::AWS_MODEL_PREFIX) {
        Some(file) => {
            let root = third_party::checkout_root(&std::env::current_dir().unwrap_or_default());
            third_party::find_file(third_party::Set::AwsModels, &root, file).map_err(|e| format!("--model {arg}: {e}"))
        }
        None => Ok(PathBuf::from(arg)),
    }
}

/// The runtime crate's directory: the flag, the environment, else the
/// checkout around the current directory or around `out`.
fn runtime_dir(flag: Option<&Path>, out: &Path) -> Option<PathBuf> {
    if let Some(dir) = flag {
        return Some(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(RUNTIME_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    [third_party::checkout_root(&cwd), third_party::checkout_root(&existing_ancestor(out))]
        .into_iter()
        .map(|root| root.join("runtime"))
        .find(|dir| is_runtime(dir))
}

fn existing_ancestor(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    abs.ancestors().find(|a| a.is_dir()).map(Path::to_path_buf).unwrap_or(abs)
}

/// The workspace root above `out` that does not list `out` among its
/// members, if any (Cargo refuses to build a package inside a workspace's
/// directory that is not its member).
fn foreign_workspace(out: &Path) -> Option<PathBuf> {
    let abs = absolute(out);
    for dir in abs.ancestors().skip(1) {
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else { continue };
        let Ok(manifest) = text.parse::<toml::Table>() else { continue };
        let Some(workspace) = manifest.get("workspace").and_then(|w| w.as_table()) else { continue };
        let rel = codegen::package::relative_path(dir, &abs);
        let globs = |key: &str| -> Vec<String> {
            workspace.get(key).and_then(|m| m.as_array()).into_iter().flatten().filter_map(|v| v.as_str()).map(str::to_string).collect()
        };
        let member = globs("members").iter().any(|g| glob_match(g, &rel)) && !globs("exclude").iter().any(|g| glob_match(g, &rel));
        return (!member).then(|| dir.to_path_buf());
    }
    None
}

/// Cargo's workspace globs: `*` and `?` within one path segment, segment by
/// segment (`crates/*` matches `crates/client`).
fn glob_match(glob: &str, path: &str) -> bool {
    fn segment(g: &[u8], s: &[u8]) -> bool {
        match (g.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => segment(&g[1..], s) || (!s.is_empty() && segment(g, &s[1..])),
            (Some(b'?'), Some(_)) => segment(&g[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => segment(&g[1..], &s[1..]),
            _ => false,
        }
    }
    let g: Vec<&str> = glob.trim_end_matches('/').split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let p: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    g.len() == p.len() && g.iter().zip(&p).all(|(g, p)| segment(g.as_bytes(), p.as_bytes()))
}

fn is_runtime(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|t| t.lines().any(|l| l.trim() == format!("name = \"{}\"", codegen::package::RUNTIME_CRATE)))
}

/// The runtime in `dir`, checked: that crate, at the version this generator
/// pins (a runtime of another version would fail the generated crate's
/// build).
fn check_runtime(dir: &Path) -> Result<(), String> {
    if !is_runtime(dir) {
        return Err(format!("{} is not the runtime crate (no `{}` package there)", dir.display(), codegen::package::RUNTIME_CRATE));
    }
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let version = text.lines().find_map(|l| l.trim().strip_prefix("version = \"")).map(|v| v.trim_end_matches('"'));
    match version {
        Some(v) if v == codegen::package::RUNTIME_VERSION => Ok(()),
        other => Err(format!(
            "{} holds {} {}, but this smithy-gen generates for {}: use the runtime of the same checkout or release",
            dir.display(),
            codegen::package::RUNTIME_CRATE,
            other.unwrap_or("of no version"),
            codegen::package::RUNTIME_VERSION
        )),
    }
}

/// The package name derived from an output directory (`My Client` → `my-client`).
fn crate_name_from(out: &Path) -> Option<String> {
    let name = absolute(out).file_name()?.to_string_lossy().to_lowercase();
    let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
    Some(name.trim_matches('-').to_string()).filter(|n| !n.is_empty())
}

fn generate(g: &GenerateArgs) -> Result<(), String> {
    let (options, out) = match &g.config {
        Some(path) => {
            let c = codegen::config::load(path)?;
            (c.options, c.out)
        }
        None => {
            let out = g.out.clone().ok_or("--out DIR is required with --model")?;
            let models = g.models.iter().map(|m| model_path(m)).collect::<Result<Vec<_>, _>>()?;
            let crate_name = match &g.crate_name {
                Some(n) => n.clone(),
                None => {
                    let name = crate_name_from(&out)
                        .ok_or_else(|| format!("cannot derive a crate name from {}; pass --crate-name", out.display()))?;
                    if absolute(&out).file_name().is_some_and(|f| f.to_string_lossy() != name) {
                        eprintln!("note: the crate is named `{name}` after {} (--crate-name to choose)", out.display());
                    }
                    name
                }
            };
            codegen::naming::check_crate_name(&crate_name).map_err(|e| match g.crate_name {
                Some(_) => format!("--crate-name: {e}"),
                None => format!("{e} (derived from --out {}; pass --crate-name)", out.display()),
            })?;
            let anywhere = match g.operations.iter().map(|o| o.trim()).filter(|o| !o.is_empty()).collect::<Vec<_>>() {
                ops if ops.is_empty() && !g.operations.is_empty() => return Err("--operations lists no operation".into()),
                ops if ops.is_empty() => None,
                ops => Some(ops.into_iter().map(str::to_string).collect()),
            };
            let selection = codegen::Selection { services: Default::default(), anywhere };
            let found = runtime_dir(g.runtime_path.as_deref(), &out);
            // The runtime, and the loader the `smithy-call` tool resolves
            // credentials with: beside a checkout's runtime, from the
            // registry with the registry's runtime, vendored with a vendored
            // runtime (in its own workspace, with nothing beside it).
            let registry = codegen::Packaging::default();
            let mut packaging = match (g.runtime, found) {
                (Some(RuntimeMode::Registry), _) => registry,
                (Some(RuntimeMode::Path) | None, Some(dir)) => {
                    check_runtime(&dir)?;
                    codegen::package::checkout_packaging(&out, &dir, false)
                }
                (Some(RuntimeMode::Vendored), Some(dir)) => codegen::Packaging {
                    runtime: {
                        check_runtime(&dir)?;
                        codegen::package::vendored(&dir)?
                    },
                    loader: codegen::package::vendored_loader(&dir)?,
                    own_workspace: true,
                    ..registry
                },
                (None, None) => {
                    eprintln!(
                        "note: no runtime crate found (--runtime-path, ${RUNTIME_DIR_ENV}, or a checkout around here): \
                         the crate names {} {} from crates.io, where it is not published yet; to build it now, \
                         generate with --runtime-path <checkout>/runtime (or --runtime vendored --runtime-path ...)",
                        codegen::package::RUNTIME_CRATE,
                        codegen::package::RUNTIME_VERSION
                    );
                    registry
                }
                (Some(mode), None) => {
                    return Err(format!(
                        "--runtime {}: no runtime crate found; pass --runtime-path DIR (a checkout's runtime/) or set ${RUNTIME_DIR_ENV}",
                        if mode == RuntimeMode::Path { "path" } else { "vendored" }
                    ))
                }
            };
            let own_workspace = g.workspace || {
                let foreign = foreign_workspace(&out);
                if let Some(root) = &foreign {
                    eprintln!(
                        "note: {} lies inside the workspace of {} without being one of its members: \
                         the crate gets an empty [workspace] table to build on its own",
                        out.display(),
                        root.display()
                    );
                }
                foreign.is_some()
            };
            packaging.own_workspace |= own_workspace;
            (codegen::Options { models, crate_name, selection, packaging }, out)
        }
    };
    let generated = codegen::generate_reporting(&options).map_err(|e| format!("cannot generate {}:\n{e}", out.display()))?;
    for w in generated.warnings.iter().chain(&generated.notes) {
        eprintln!("warning: {w}");
    }
    let files = generated.files;
    if g.check {
        let stale = codegen::write::check(&out, &files);
        if stale.is_fresh() {
            println!("{} is up to date ({} files)", out.display(), files.len());
            return Ok(());
        }
        let mut msg = format!("{} is stale:\n", out.display());
        for p in &stale.changed {
            msg.push_str(&format!("  changed: {}\n", p.display()));
        }
        for p in &stale.missing {
            msg.push_str(&format!("  missing: {}\n", p.display()));
        }
        for p in &stale.extra {
            msg.push_str(&format!("  not generated any more: {}\n", p.display()));
        }
        msg.push_str("generate it again (without --check), and commit the result");
        return Err(msg);
    }
    let options = codegen::write::WriteOptions { force: g.force };
    let report = codegen::write::write_with(&out, &files, options).map_err(|e| format!("writing {}: {e}", out.display()))?;
    for p in &report.written {
        println!("wrote     {}", p.display());
    }
    for p in &report.removed {
        println!("removed   {}", p.display());
    }
    println!("{} written, {} unchanged, {} removed", report.written.len(), report.unchanged.len(), report.removed.len());
    Ok(())
}

fn iam_policy(models: &[String], config: Option<&Path>, operations: &[String]) -> Result<(), String> {
    let (paths, selection) = match config {
        Some(path) => {
            let c = codegen::config::load(path)?;
            (c.options.models, c.options.selection)
        }
        None => {
            let paths = models.iter().map(|m| model_path(m)).collect::<Result<Vec<_>, _>>()?;
            let ops: Vec<String> = operations.iter().map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect();
            if ops.is_empty() && !operations.is_empty() {
                return Err("--operations lists no operation".into());
            }
            let anywhere = (!ops.is_empty()).then(|| ops.into_iter().collect());
            (paths, codegen::Selection { services: Default::default(), anywhere })
        }
    };
    let model = codegen::Model::load_files(&paths).map_err(|e| e.to_string())?;
    let policy = codegen::iam_policy(&model, &selection).map_err(|e| e.to_string())?;
    print_out(&format!("{policy}\n"))
}

/// Write `text` to standard output; a reader that went away (`| head`) is
/// not an error.
fn print_out(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("writing to standard output: {e}")),
        _ => Ok(()),
    }
}

fn operations(models: &[String]) -> Result<(), String> {
    let paths = models.iter().map(|m| model_path(m)).collect::<Result<Vec<_>, _>>()?;
    let model = codegen::Model::load_files(&paths).map_err(|e| e.to_string())?;
    let mut text = String::new();
    for svc in model.services() {
        let names = codegen::lower::operation_names(&model, svc);
        text.push_str(&format!("{} ({} operations)\n", svc.id, names.len()));
        for n in names {
            text.push_str(&format!("  {n}\n"));
        }
    }
    print_out(&text)
}
