//! The tokens this process knows of, and the one redaction every text the tool shows goes
//! through: its error messages, clap's usage errors, its `--verbose` / `RUST_LOG` logs.
//!
//! Each token given (`--token`, `SALESFLOW_TOKEN`, `--token-stdin`, a profile's) is
//! [`register`]ed as soon as it is read; [`redact`] then replaces it, in any form (see
//! [`salesflow::salesflow_api::redact::Redactor`]), in any text. The SDK's errors are
//! redacted already (the reports, failed-rows files and journal of an import hold those);
//! this is the net for everything else.

use std::ffi::OsString;
use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};

use salesflow::salesflow_api::redact::Redactor;
use salesflow::ApiToken;

static REDACTORS: Mutex<Vec<(ApiToken, Redactor)>> = Mutex::new(Vec::new());

/// Tokens shorter than this (8 bytes) are not registered: no real token is that short, and hiding a
/// word that may be one (what follows `--token` on a mistyped command line) everywhere would
/// garble every message. (The SDK still hides the token of each client, however short.)
pub const MIN_REGISTERED: usize = 8;

/// Adds `token` to the tokens [`redact`] hides (one shorter than [`MIN_REGISTERED`], or one
/// known already, is ignored).
pub fn register(token: &ApiToken) {
    if token.expose_secret().len() < MIN_REGISTERED {
        return;
    }
    let mut known = REDACTORS.lock().unwrap_or_else(PoisonError::into_inner);
    if !known.iter().any(|(t, _)| t == token) {
        known.push((token.clone(), Redactor::new(token)));
    }
}

/// `text` with every registered token, in any form, replaced by `[REDACTED]`.
pub fn redact(text: &str) -> String {
    let known = REDACTORS.lock().unwrap_or_else(PoisonError::into_inner);
    known
        .iter()
        .fold(text.to_owned(), |text, (_, r)| r.redact(&text))
}

/// Registers what may be a token in the command line `args` (the value of `--token`, given
/// as `--token VALUE` or `--token=VALUE`, even if clap could not parse it) and in
/// `SALESFLOW_TOKEN`: before clap's usage errors, which may quote it, are shown.
pub fn register_from_command_line(args: &[OsString]) {
    let mut next_is_token = false;
    for arg in args {
        let arg = arg.to_string_lossy();
        if next_is_token {
            register(&ApiToken::new(arg.as_ref()));
        }
        next_is_token = arg == "--token";
        if let Some(value) = arg.strip_prefix("--token=") {
            register(&ApiToken::new(value));
        }
    }
    if let Some(value) = std::env::var_os(salesflow::ENV_TOKEN) {
        register(&ApiToken::new(value.to_string_lossy()));
    }
}

/// Standard error, each write redacted: the writer of the logs (the log formatter writes
/// each event whole, in one write).
#[derive(Clone, Copy, Debug, Default)]
pub struct RedactedStderr;

impl Write for RedactedStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = redact(&String::from_utf8_lossy(buf));
        io::stderr().write_all(text.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for RedactedStderr {
    type Writer = RedactedStderr;

    fn make_writer(&'a self) -> Self::Writer {
        RedactedStderr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_tokens_are_hidden_from_any_text() {
        let args: Vec<OsString> = [
            "salesflow",
            "--token",
            "--dash-t0ken-0123456789",
            "--token=another-s3cret-abcdefghij",
            "x",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        register_from_command_line(&args);
        register(&ApiToken::new("short"));
        let text =
            redact("a --dash-t0ken-0123456789 b another-s3cret%2Dabcdefghij c x --token short");
        assert_eq!(text, "a [REDACTED] b [REDACTED] c x --token short");
    }
}
