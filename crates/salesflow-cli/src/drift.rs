//! `--drift-report FILE`: what the API's answers (and webhook payloads) held that this version
//! does not know, appended to a file at the end of the command (see `salesflow::drift`).

use std::io::Write;
use std::path::Path;

use salesflow::drift::{DriftLog, DriftReport};

use crate::exit::CliError;

/// Appends the process's drift report to `path` as one line of JSON, if it holds anything;
/// creates the file (empty) otherwise, so that an empty file says "nothing seen".
///
/// Each run appends one complete line with one write to a file opened for appending, so runs
/// that share a file (several commands, several machines' copies concatenated) never cut into
/// each other's lines; `cargo xtask drift FILE` merges them all.
///
/// # Errors
///
/// The file cannot be opened or written.
pub fn append(path: &Path) -> Result<(), CliError> {
    append_report(path, &DriftLog::global().report())
}

/// [`append`] with a given report.
pub(crate) fn append_report(path: &Path, report: &DriftReport) -> Result<(), CliError> {
    let fail = |e: std::io::Error| {
        CliError::usage(format!(
            "cannot write the drift report to {}: {e}",
            path.display()
        ))
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(fail)?;
    if report.is_empty() {
        return Ok(());
    }
    let mut line = serde_json::to_vec(report)
        .map_err(|e| CliError::usage(format!("cannot write the drift report: {e}")))?;
    line.push(b'\n');
    file.write_all(&line).map_err(fail)
}
