//! The exit codes of the `salesflow` command, and how errors map onto them.
//!
//! They are stable: scripts may rely on them.

use std::fmt;

/// 0: success.
pub const SUCCESS: i32 = 0;
/// 1: the API reported an error, or it could not be reached (transport error, timeout, a
/// response that could not be decoded). Also: an import in which no row could be imported
/// because every request failed with such an error (e.g. an invalid token).
pub const API_ERROR: i32 = 1;
/// 2: usage, validation or configuration error: a bad flag (clap's own usage errors are
/// 2 too), a missing token or account id, an argument the SDK rejected before sending
/// anything, a CSV without a LinkedIn URL column.
pub const USAGE: i32 = 2;
/// 3: partial failure: an import in which some rows were invalid or failed (see the
/// failed-rows CSV).
pub const PARTIAL: i32 = 3;
/// 130: interrupted (Ctrl-C): an import stopped early; run it again to resume.
pub const INTERRUPTED: i32 = 130;

/// The `after_help` text that documents the exit codes.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    API error (the server answered with an error, or could not be reached)
  2    usage, validation or configuration error
  3    partial failure (import: some rows were invalid or failed)
  130  interrupted (Ctrl-C); an interrupted import resumes when run again";

/// An error of the command line tool, with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    /// The exit code.
    pub code: i32,
    /// What to print on stderr (after `error: `).
    pub message: String,
}

impl CliError {
    /// A usage/configuration error (exit code [`USAGE`]).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: USAGE,
            message: message.into(),
        }
    }

    /// An API error (exit code [`API_ERROR`]).
    pub fn api(message: impl Into<String>) -> Self {
        CliError {
            code: API_ERROR,
            message: message.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// The exit code for an SDK error: [`USAGE`] for errors raised before any request
/// (validation, configuration), [`API_ERROR`] for everything else.
pub fn code_for(err: &salesflow::Error) -> i32 {
    match err {
        salesflow::Error::Validation(_) | salesflow::Error::Config(_) => USAGE,
        _ => API_ERROR,
    }
}

impl From<salesflow::Error> for CliError {
    fn from(err: salesflow::Error) -> Self {
        CliError {
            code: code_for(&err),
            message: err.to_string(),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        CliError::usage(err.to_string())
    }
}
