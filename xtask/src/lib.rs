//! Library half of `cargo xtask`, so that its behaviour (determinism, drift detection, spec
//! diffs, release steps, the man pages, the mutation check) is tested like any other code.
//! Not part of the SDK.

#![deny(missing_docs)]

pub mod codegen;
pub mod drift;
pub mod man;
pub mod msrv;
pub mod mutants;
pub mod release;
pub mod spec;
pub mod spec_diff;

use std::process::Command;

/// The cargo that runs this (`cargo xtask` sets `CARGO`), for the cargo commands the tasks run.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `command` and returns its standard output (bytes that are not UTF-8 replaced); an
/// error, with its standard error, when it cannot start or fails. `what` names it in the
/// error (`git show X`).
pub fn output(command: &mut Command, what: &str) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run `{what}`: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("`{what}` failed: {}", stderr.trim()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs `command`, its output shown; an error when it cannot start or fails. `what` names it
/// in the error.
pub fn status(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run `{what}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` failed ({status})"))
    }
}
