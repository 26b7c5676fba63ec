//! The JSON body of a webhook call: [`WebhookPayload`], generated from the spec's
//! `WebhookPayload` schema, and how to decode it.
//!
//! The body of a webhook call is the data Salesflow sends about a campaign member when an
//! event happens (see the vendor's "Data sample").
//!
//! # Leniency
//!
//! Every field is optional: a field that is missing or `null` is `None`, so a receiver never
//! rejects a payload because a field is absent. Fields this version of the crate does not know
//! are kept in [`extra`](WebhookPayload::extra) (and likewise in the nested
//! [`LinkedInAccount`] and [`MemberCampaign`]): nothing is lost, and serializing writes them
//! back. A known field whose value has an unexpected shape (an object where a string is
//! expected, a date that does not parse) fails only itself: it is `None`, its raw value is in
//! `extra` under its name, and it is logged ([`crate::lenient`]). The enums keep values they
//! do not know (see [`crate::enums`]), and [`status`](WebhookPayload::status) keeps unknown
//! member-status names.
//!
//! [`date_added`](WebhookPayload::date_added) and
//! [`connected_at`](WebhookPayload::connected_at) are [`DateTime<FixedOffset>`]; the vendor
//! sends ISO 8601 with seven fractional digits, but they are read like a
//! [`FlexibleDate`](crate::FlexibleDate) (the .NET form and ISO 8601 without an offset are
//! accepted too) and written as RFC 3339.
//!
//! Serializing writes the PascalCase names of the vendor's sample and leaves out fields that
//! are `None`.
//!
//! [`DateTime<FixedOffset>`]: chrono::DateTime
//!
//! # Building one
//!
//! The structs are `#[non_exhaustive]`: outside this crate, start from
//! [`WebhookPayload::default()`] and set the public fields.
//!
//! ```
//! use salesflow_webhook_types::{RunOn, WebhookPayload};
//!
//! let mut payload = WebhookPayload::default();
//! payload.integration_run_on = RunOn::MemberConnected.payload_name().map(String::from);
//! payload.first_name = Some("John".to_owned());
//! let json = serde_json::to_string(&payload)?;
//! assert_eq!(json, r#"{"IntegrationRunOn":"INTEGRATION_RUN_ON_CONNECTED","FirstName":"John"}"#);
//! assert_eq!(WebhookPayload::from_str(&json)?, payload);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::str::FromStr;

use crate::RunOn;

/// The largest body [`WebhookPayload::from_slice`] and [`WebhookPayload::from_str`] accept:
/// 1 MiB. The vendor's sample is about 2 KiB; use
/// [`WebhookPayload::from_slice_with_limit`] for another limit.
pub const MAX_PAYLOAD_BYTES: usize = 1024 * 1024;

/// Why a webhook body could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The body is not JSON, or its JSON does not fit the payload (not an object, or a field
    /// of the wrong type, such as a string where an id is expected). The position is where
    /// the JSON decoder stopped; for a field of the wrong type it may be the end of the
    /// enclosing object.
    #[error("invalid webhook payload at line {line}, column {column}")]
    Json {
        /// One-based line of the error (0 if unknown).
        line: usize,
        /// One-based column of the error (0 if unknown).
        column: usize,
        /// What the JSON decoder reported.
        #[source]
        source: serde_json::Error,
    },
    /// The body is larger than the limit; it was not parsed.
    #[error("webhook payload of {len} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The size of the body, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
    },
}

impl PayloadError {
    fn json(source: serde_json::Error) -> Self {
        Self::Json {
            line: source.line(),
            column: source.column(),
            source,
        }
    }
}

// The payload's structs (`WebhookPayload`, `LinkedInAccount`, `MemberCampaign`, any object
// the spec's `WebhookPayload` schema adds) and their `Deserialize`, generated from the spec by
// `cargo xtask codegen` (xtask/src/codegen/webhook.rs): one pass over the keys, unknown ones
// kept in `extra` (`#[serde(flatten)]` would buffer the whole object into an intermediate
// tree first), an optional field of an unexpected shape kept raw (`crate::lenient`).
#[rustfmt::skip]
#[allow(clippy::all)]
#[path = "generated/payload.rs"]
mod generated;
pub use generated::*;

impl WebhookPayload {
    /// Decodes a webhook body of at most [`MAX_PAYLOAD_BYTES`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, PayloadError> {
        Self::from_slice_with_limit(bytes, MAX_PAYLOAD_BYTES)
    }

    /// Decodes a webhook body of at most `max_len` bytes; a larger one is
    /// [`PayloadError::TooLarge`] and is not parsed.
    pub fn from_slice_with_limit(bytes: &[u8], max_len: usize) -> Result<Self, PayloadError> {
        if bytes.len() > max_len {
            return Err(PayloadError::TooLarge {
                len: bytes.len(),
                limit: max_len,
            });
        }
        // serde_json checks the UTF-8 of each string as it reads it, one call per string.
        // Checking the whole body once (ASCII runs go a machine word at a time) and reading
        // it as text is cheaper; a body that is not UTF-8 is read as bytes, so that its error
        // and position are serde_json's own.
        match std::str::from_utf8(bytes) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(bytes),
        }
        .map_err(PayloadError::json)
    }

    /// Decodes a webhook body of at most [`MAX_PAYLOAD_BYTES`] (the same as
    /// [`from_slice`](Self::from_slice); also available through [`FromStr`]).
    #[allow(clippy::should_implement_trait)] // `FromStr` is implemented too; this needs no import.
    pub fn from_str(body: &str) -> Result<Self, PayloadError> {
        Self::from_slice(body.as_bytes())
    }

    /// `Custom1` to `Custom10`, in order.
    pub fn custom_fields(&self) -> [Option<&str>; 10] {
        [
            self.custom1.as_deref(),
            self.custom2.as_deref(),
            self.custom3.as_deref(),
            self.custom4.as_deref(),
            self.custom5.as_deref(),
            self.custom6.as_deref(),
            self.custom7.as_deref(),
            self.custom8.as_deref(),
            self.custom9.as_deref(),
            self.custom10.as_deref(),
        ]
    }

    /// The event the payload names, when the vendor documents that name: only
    /// `INTEGRATION_RUN_ON_CONNECTED` ([`RunOn::MemberConnected`]). For the other events the
    /// payload's names are unpublished, so this is `None` for them (and when `IntegrationRunOn`
    /// is missing): the payload alone cannot tell a reply from a withdrawn invitation. The
    /// receiver can: attach one webhook per event at its own URL and read the event from the
    /// URL (see [`RunOn::from_path_segment`]). The raw name is in
    /// [`integration_run_on`](Self::integration_run_on).
    pub fn event(&self) -> Option<RunOn> {
        self.integration_run_on
            .as_deref()
            .and_then(RunOn::from_payload_name)
    }
}

impl FromStr for WebhookPayload {
    type Err = PayloadError;

    fn from_str(body: &str) -> Result<Self, Self::Err> {
        Self::from_slice(body.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_inclusive() {
        let r = WebhookPayload::from_slice_with_limit(b"{}", 2);
        assert!(r.is_ok(), "{r:?}");
        assert!(matches!(
            WebhookPayload::from_slice_with_limit(b"{} ", 2),
            Err(PayloadError::TooLarge { len: 3, limit: 2 })
        ));
    }

    #[test]
    fn error_keeps_position() {
        let Err(PayloadError::Json { line, column, .. }) =
            WebhookPayload::from_slice(b"{\n  \"MemberId\": ,\n}")
        else {
            panic!("expected a JSON error");
        };
        assert_eq!((line, column), (2, 15));
    }
}
