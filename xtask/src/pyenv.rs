//! The Python environment of the interop tests: a virtual environment at
//! `target/interop-venv` with `tests/interop/requirements.txt` installed
//! (moto, to run a fake AWS; botocore, as the reference serializer and signer).
//!
//! A stamp file in the environment records the requirements it was built
//! from, so a call with unchanged requirements runs no command at all.
//! The environment is created with `python3` (or `$PYTHON3`, if set).

use std::path::{Path, PathBuf};
use std::process::Command;

const VENV: &str = "target/interop-venv";
const REQUIREMENTS: &str = "tests/interop/requirements.txt";
const STAMP: &str = "requirements.stamp";

/// The interpreter inside a virtual environment.
fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("==> {cmd:?}");
    let status = cmd.status().map_err(|e| format!("error: cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("error: {cmd:?} failed ({status})"))
    }
}

/// Make sure the interop virtual environment exists and has the pinned
/// requirements installed; return the path of its Python interpreter.
pub fn ensure(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join(VENV);
    let requirements = root.join(REQUIREMENTS);
    let stamp = venv.join(STAMP);
    let python = venv_python(&venv);

    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("error: cannot read {}: {e}", requirements.display()))?;
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|have| have == wanted) {
        return Ok(python);
    }

    if !python.exists() {
        let interpreter = std::env::var("PYTHON3").unwrap_or_else(|_| "python3".into());
        run(Command::new(interpreter).arg("-m").arg("venv").arg(&venv))?;
    }
    // Installing may fail half-way: drop the stamp first, so a failed install
    // is retried on the next call.
    let _ = std::fs::remove_file(&stamp);
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))
    .map_err(|e| format!("{e}\n(delete {} to rebuild the environment from scratch)", venv.display()))?;
    std::fs::write(&stamp, &wanted).map_err(|e| format!("error: cannot write {}: {e}", stamp.display()))?;
    Ok(python)
}
