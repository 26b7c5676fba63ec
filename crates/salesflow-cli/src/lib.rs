//! The `salesflow` command line tool: every operation of the Salesflow API (LinkedIn outreach
//! automation) from the shell, a resumable CSV bulk import, and a webhook receiver.
//!
//! # What it is for
//!
//! The binary `salesflow` (its `main` only calls [`main_entry`]); this library holds its
//! logic so that it can be tested: the command line ([`cli`]), output ([`output`]), exit codes
//! ([`exit`]), the CSV import with its resume journal ([`import`]) and the webhook listener
//! ([`listen`]).
//!
//! # What it is not
//!
//! Not an SDK: every API call goes through the `salesflow` crate (no HTTP request is built
//! here), and programs should use that crate rather than this one. Its Rust API is not
//! stable; the command line, its JSON output and its exit codes are.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

// First: its `note!` macro is used by the modules below.
#[macro_use]
pub mod output;

mod call;
pub mod cli;
pub mod commands;
pub mod config;
mod config_command;
pub mod context;
pub mod csvread;
pub mod drift;
mod entry;
pub mod exit;
pub mod import;
pub mod listen;
pub mod logging;
pub mod overrides;
pub mod secrets;

pub use context::{output_format, Context};
pub use entry::{main_entry, main_entry_with, run};
pub use logging::{log_filter, use_color, SILENCED_LOG_TARGETS};
