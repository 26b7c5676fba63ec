//! The JSON body of a webhook call.

use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Distance, IntegrationType, MemberStatus, RunOn};

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

/// The body of a webhook call: the data Salesflow sends about a campaign member when an event
/// happens (see the vendor's "Data sample").
///
/// # Leniency
///
/// Every field is optional: a field that is missing or `null` is `None`, so a receiver never
/// rejects a payload because a field is absent. Fields this version of the crate does not know
/// are kept in [`extra`](Self::extra) (and likewise in the nested
/// [`LinkedInAccount`] and [`MemberCampaign`]): nothing is lost, and serializing writes them
/// back. The enums keep values they do not know (see [`crate::enums`]), and [`status`]
/// keeps unknown member-status names.
///
/// [`date_added`](Self::date_added) and [`connected_at`](Self::connected_at) are
/// [`DateTime<FixedOffset>`]; the vendor sends ISO 8601 with seven fractional digits, but they
/// are read like a [`FlexibleDate`](crate::FlexibleDate) (the .NET form and ISO 8601 without
/// an offset are accepted too) and written as RFC 3339.
///
/// Serializing writes the PascalCase names of the vendor's sample and leaves out fields that
/// are `None`.
///
/// # Building one
///
/// The struct is `#[non_exhaustive]`: outside this crate, start from
/// [`WebhookPayload::default()`] and set the public fields.
///
/// ```
/// use salesflow_webhook_types::{RunOn, WebhookPayload};
///
/// let mut payload = WebhookPayload::default();
/// payload.integration_run_on = RunOn::MemberConnected.payload_name().map(String::from);
/// payload.first_name = Some("John".to_owned());
/// let json = serde_json::to_string(&payload)?;
/// assert_eq!(json, r#"{"IntegrationRunOn":"INTEGRATION_RUN_ON_CONNECTED","FirstName":"John"}"#);
/// assert_eq!(WebhookPayload::from_str(&json)?, payload);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`status`]: Self::status
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(
        title = "WebhookPayload",
        description = "The JSON body of a Salesflow webhook call. Every property may be missing or \
            null, and properties not listed here may appear."
    )
)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct WebhookPayload {
    /// `IntegrationType`: the kind of integration, `INTEGRATION_TYPE_WEBHOOK`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_type: Option<IntegrationType>,
    /// `IntegrationRunOn`: the name of the event that triggered the call, as sent. Only
    /// `INTEGRATION_RUN_ON_CONNECTED` is documented: see [`WebhookPayload::event`] and, to tell
    /// every event apart, [`RunOn`]'s path segments.
    #[cfg_attr(
        feature = "schemars",
        schemars(
            description = "`IntegrationRunOn`: the name of the event that triggered the call. \
                Only INTEGRATION_RUN_ON_CONNECTED is documented; tell events apart by the URL \
                of the webhook each is attached with."
        )
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_run_on: Option<String>,
    /// `MemberId`: the campaign member's id in Salesflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    /// `LinkedInMemberId`: the member's LinkedIn id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_in_member_id: Option<i64>,
    /// `FirstName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// `LastName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `Occupation`: the LinkedIn headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// `Company`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// `Location`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `PhoneNumber`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// `Email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `Address` (the sample has an empty string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `BirthdayYear`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday_year: Option<i32>,
    /// `BirthdayMonth` (1–12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday_month: Option<i32>,
    /// `BirthdayDay` (1–31).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday_day: Option<i32>,
    /// `DateAdded`: when the member was added to the campaign.
    #[serde(
        with = "crate::date::flexible_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<crate::FlexibleDate>"))]
    pub date_added: Option<DateTime<FixedOffset>>,
    /// `ConnectedAt`: when the member accepted the connection request.
    #[serde(
        with = "crate::date::flexible_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<crate::FlexibleDate>"))]
    pub connected_at: Option<DateTime<FixedOffset>>,
    /// `MemberUrl`: the member's LinkedIn profile URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_url: Option<String>,
    /// `Industry`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// `Distance`: the LinkedIn network distance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<Distance>,
    /// `CurrentPosition`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_position: Option<String>,
    /// `Status`: the member's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MemberStatus>,
    /// `HasReply`: whether the member replied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_reply: Option<bool>,
    /// `IsMuted`: whether the member is muted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_muted: Option<bool>,
    /// `IsSeen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_seen: Option<bool>,
    /// `ConnectionsCount`: the member's number of LinkedIn connections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections_count: Option<i64>,
    /// `FollowersCount`: the member's number of LinkedIn followers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers_count: Option<i64>,
    /// `IsSalesNavigator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_sales_navigator: Option<bool>,
    /// `LinkedInAccount`: the Salesflow user's LinkedIn account that ran the campaign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_in_account: Option<LinkedInAccount>,
    /// `Custom1`: custom field 1 (see [`WebhookPayload::custom_fields`]).
    #[cfg_attr(
        feature = "schemars",
        schemars(description = "`Custom1`: custom field 1.")
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom1: Option<String>,
    /// `Custom2`: custom field 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom2: Option<String>,
    /// `Custom3`: custom field 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom3: Option<String>,
    /// `Custom4`: custom field 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom4: Option<String>,
    /// `Custom5`: custom field 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom5: Option<String>,
    /// `Custom6`: custom field 6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom6: Option<String>,
    /// `Custom7`: custom field 7.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom7: Option<String>,
    /// `Custom8`: custom field 8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom8: Option<String>,
    /// `Custom9`: custom field 9.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom9: Option<String>,
    /// `Custom10`: custom field 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom10: Option<String>,
    /// `MemberActionsFormatted`: the conversation and actions so far, as HTML (not
    /// sanitized: escape or sanitize it before showing it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_actions_formatted: Option<String>,
    /// `MemberCampaigns`: the campaigns the member is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_campaigns: Option<Vec<MemberCampaign>>,
    /// Fields this version of the crate does not know, by name, as received. Serializing
    /// writes them back after the known fields. Do not put a known field's name here: it
    /// would be written twice.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The Salesflow user's LinkedIn account in a [`WebhookPayload`] (`LinkedInAccount`).
///
/// Outside this crate, build one from [`LinkedInAccount::default()`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(description = "The Salesflow user's LinkedIn account that ran the campaign.")
)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct LinkedInAccount {
    /// `FirstName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// `LastName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `Username`: the account's login, an e-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Fields this version of the crate does not know, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A campaign the member is in, in a [`WebhookPayload`] (an item of `MemberCampaigns`).
///
/// Outside this crate, build one from [`MemberCampaign::default()`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(description = "A campaign the member is in.")
)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct MemberCampaign {
    /// `CampaignName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_name: Option<String>,
    /// `CampaignId`: not in the vendor's sample; read if the server sends it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<i64>,
    /// Fields this version of the crate does not know, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

// The `Deserialize` of the structs above, generated from this file by `cargo xtask codegen`:
// one pass over the keys, unknown ones kept in `extra` (`#[serde(flatten)]` would buffer the
// whole object into an intermediate tree first). See xtask/src/codegen/payload_de.rs.
#[rustfmt::skip]
#[allow(clippy::all)]
#[path = "generated/payload_de.rs"]
mod payload_de;

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
        assert!(WebhookPayload::from_slice_with_limit(b"{}", 2).is_ok());
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
