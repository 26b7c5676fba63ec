//! `cargo xtask`: project automation for salesflow-rs.
//!
//! `cargo xtask codegen` regenerates every checked-in artefact derived from `spec/salesflow.yaml`
//! (the progenitor client and the operation table of `crates/salesflow-api`), and the
//! `Deserialize` of the webhook payload's structs, derived from
//! `crates/salesflow-webhook-types/src/payload.rs`;
//! `cargo xtask codegen --check` regenerates them in memory and fails, naming the stale file and
//! showing a short diff, when the checked-in copy differs. It is not part of the SDK.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::codegen::{self, Mode};

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec PATH] [--out-dir DIR]

  codegen            regenerate the files derived from spec/salesflow.yaml (and the
                     webhook payload's Deserialize, from salesflow-webhook-types' payload.rs)
    --check          do not write; exit 1 and show a diff if a checked-in file is stale
    --spec PATH      the OpenAPI document (default: spec/salesflow.yaml)
    --out-dir DIR    the workspace root to write under (default: this workspace)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(format!("no command given\n{USAGE}"));
    };
    if command != "codegen" {
        return Err(format!("unknown command `{command}`\n{USAGE}"));
    }
    let root = workspace_root();
    let mut spec = root.join("spec/salesflow.yaml");
    let mut out_dir = root.clone();
    let mut mode = Mode::Write;
    let mut iter = rest.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            "--spec" => spec = PathBuf::from(iter.next().ok_or("--spec needs a path")?),
            "--out-dir" => out_dir = PathBuf::from(iter.next().ok_or("--out-dir needs a path")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let report = codegen::run(&spec, &out_dir, mode).map_err(|e| e.to_string())?;
    match mode {
        Mode::Write => {
            for file in &report.written {
                println!("wrote {}", file.display());
            }
            for file in &report.unchanged {
                println!("unchanged {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Mode::Check if report.stale.is_empty() => {
            println!(
                "codegen: {} generated file(s) up to date",
                report.unchanged.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Mode::Check => {
            for stale in &report.stale {
                eprintln!("stale: {}\n{}", stale.path.display(), stale.diff);
            }
            eprintln!(
                "codegen: {} file(s) are stale; run `cargo xtask codegen` and commit the result",
                report.stale.len()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn workspace_root() -> PathBuf {
    // xtask/ sits directly under the workspace root.
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
