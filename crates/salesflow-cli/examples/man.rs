//! Writes the man pages of `salesflow` into a directory: `salesflow.1`, and one page per
//! subcommand (`salesflow-campaigns.1`, `salesflow-campaigns-list.1`, ...), from the same
//! clap definition as the binary's `--help`.
//!
//! Run by `cargo xtask man [--out-dir DIR]` (the xtask runs this example rather than
//! depending on the CLI, so that `cargo xtask codegen` never needs the code it generates to
//! compile). By hand: `cargo run -p salesflow-cli --example man -- DIR`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use salesflow_cli::cli;

/// The `salesflow*.1` files in `dir`, sorted.
fn pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("salesflow") && name.ends_with(".1") {
            pages.push(path);
        }
    }
    pages.sort();
    Ok(pages)
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: man OUT_DIR");
        return ExitCode::from(2);
    };
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| {
            // The pages of a previous run go first: a subcommand removed since leaves none.
            for page in pages(&dir)? {
                std::fs::remove_file(page)?;
            }
            clap_mangen::generate_to(cli::command(), &dir)
        })
        .and_then(|()| pages(&dir));
    match written {
        Ok(pages) => {
            for page in pages {
                println!("{}", page.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: cannot write the man pages to {}: {e}",
                dir.display()
            );
            ExitCode::FAILURE
        }
    }
}
