//! `cargo xtask man`: the man pages of the `salesflow` command (`salesflow.1`, and one page
//! per subcommand such as `salesflow-campaigns-list.1`).
//!
//! They are rendered by the CLI crate's `man` example (`crates/salesflow-cli/examples/man.rs`:
//! clap_mangen over `Cli::command()`, the definition behind `--help`), which this builds and
//! runs. The xtask does not depend on the CLI itself: `cargo xtask codegen` has to build even
//! when the code it generates does not compile yet.
//!
//! The example is built with `--workspace`, so with the features the whole workspace unifies
//! to: the build `cargo test --workspace` has already made is reused, not redone with another
//! feature set.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The example that renders the pages, in the `salesflow-cli` package.
pub const EXAMPLE: &str = "man";

/// Builds the `man` example with `cargo` in the workspace at `root`, runs it to write the
/// pages into `out_dir` (created if need be; earlier `salesflow*.1` pages there are replaced),
/// and returns the pages written. On error, cargo's diagnostics are on stderr.
pub fn generate(cargo: &OsStr, root: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let out_dir = std::path::absolute(out_dir).map_err(|e| format!("no current directory: {e}"))?;
    let build = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--workspace",
            "--example",
            EXAMPLE,
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !build.status.success() {
        return Err(format!(
            "building the `{EXAMPLE}` example of salesflow-cli failed"
        ));
    }
    let executable = example_executable(&String::from_utf8_lossy(&build.stdout))
        .ok_or_else(|| format!("cargo built no `{EXAMPLE}` example of salesflow-cli"))?;
    let run = Command::new(&executable)
        .arg(&out_dir)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", executable.display()))?;
    if !run.status.success() {
        return Err(format!(
            "writing the man pages into {} failed",
            out_dir.display()
        ));
    }
    Ok(String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(PathBuf::from)
        .collect())
}

/// The executable of the `man` example of salesflow-cli, from cargo's JSON messages.
fn example_executable(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| m["target"]["name"] == EXAMPLE)
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "example"))
        })
        .filter(|m| {
            m["manifest_path"].as_str().is_some_and(|p| {
                Path::new(p).ends_with(Path::new("crates/salesflow-cli/Cargo.toml"))
            })
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_found_in_cargos_messages() {
        let messages = r#"{"reason":"compiler-artifact","manifest_path":"/w/crates/salesflow/Cargo.toml","target":{"name":"man","kind":["example"]},"executable":"/t/other"}
not json
{"reason":"compiler-artifact","manifest_path":"/w/crates/salesflow-cli/Cargo.toml","target":{"name":"salesflow_cli","kind":["lib"]},"executable":null}
{"reason":"compiler-artifact","manifest_path":"/w/crates/salesflow-cli/Cargo.toml","target":{"name":"man","kind":["example"]},"executable":"/t/debug/examples/man"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            example_executable(messages),
            Some(PathBuf::from("/t/debug/examples/man"))
        );
        assert_eq!(example_executable("{}"), None);
    }
}
