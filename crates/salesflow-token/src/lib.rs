//! The Salesflow API token, and the one place where it is found again in any text.
//!
//! **What it is for:** [`ApiToken`], a secret whose `Debug` and `Display` never show it, and
//! [`redact::Redactor`], which takes the token (or any run of [`redact::MIN_RUN`] bytes of it)
//! out of a text however a server or a log echoed it: as is, percent-encoded, decoded,
//! JSON-, Rust- or HTML-escaped. `salesflow-api`, `salesflow` and the CLI put every message,
//! URL, log field and report through it before it is cut, summed up or shown.
//!
//! **What it is not:** a client. It sends nothing and depends on no HTTP client or runtime;
//! most users meet it re-exported as `salesflow::ApiToken` and `salesflow_api::redact`.
//!
//! ```
//! use salesflow_token::{redact::Redactor, ApiToken};
//!
//! let token = ApiToken::new("s3cr3t-t0ken-0123456789");
//! let redactor = Redactor::new(&token);
//! assert_eq!(
//!     redactor.redact("GET /api?token=s3cr3t-t0ken-0123456789 failed"),
//!     "GET /api?token=[REDACTED] failed"
//! );
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;

pub mod redact;

/// The API token: a secret. Its `Debug` and `Display` never show it; the only way to read it
/// is [`ApiToken::expose_secret`].
///
/// Whitespace around the token (a line break read with it from a file or a pipe, a space
/// pasted with it) is no part of it: [`new`](Self::new) trims it.
///
/// ```
/// let token = salesflow_token::ApiToken::new(" abcdefghijklmnop123\n");
/// assert_eq!(token.expose_secret(), "abcdefghijklmnop123");
/// assert_eq!(format!("{token:?}"), "ApiToken(<redacted>)");
/// assert_eq!(token.to_string(), "<redacted>");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wraps a token, without the whitespace around it.
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        let trimmed = token.trim();
        if trimmed.len() == token.len() {
            ApiToken(token)
        } else {
            ApiToken(trimmed.to_owned())
        }
    }

    /// Why the token cannot be sent, if it cannot: it is empty, or holds a control
    /// character (a line break, a tab) inside it, as a token pasted across two lines
    /// would. The message never shows the token.
    ///
    /// ```
    /// use salesflow_token::ApiToken;
    /// assert_eq!(ApiToken::new("ab12").problem(), None);
    /// assert!(ApiToken::new("ab\n12").problem().is_some());
    /// assert!(ApiToken::new(" ").problem().is_some());
    /// ```
    pub fn problem(&self) -> Option<&'static str> {
        if self.0.is_empty() {
            Some("the API token is empty")
        } else if self.0.chars().any(char::is_control) {
            Some("the API token holds a control character (a line break or a tab) inside it")
        } else {
            None
        }
    }

    /// The token itself. Call it only to put the token on the wire.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_trimmed_and_never_shown() {
        let token = ApiToken::new(" \tabc-123\n");
        assert_eq!(token.expose_secret(), "abc-123");
        assert_eq!(format!("{token:?}"), "ApiToken(<redacted>)");
        assert_eq!(format!("{token}"), "<redacted>");
        assert_eq!(ApiToken::new("abc").expose_secret(), "abc");
    }

    #[test]
    fn a_token_that_cannot_be_sent_says_why() {
        assert_eq!(ApiToken::new("abc-123").problem(), None);
        let empty = ApiToken::new("  ").problem().unwrap_or_default();
        assert!(empty.contains("empty"), "{empty}");
        for inside in ["ab\ncd", "ab\tcd", "ab\u{7f}cd"] {
            let why = ApiToken::new(inside).problem().unwrap_or_default();
            assert!(why.contains("control character"), "{inside:?}: {why}");
        }
    }
}
