//! Typed ids: one type per kind of thing the API names by a number.
//!
//! The vendor's ids are 64-bit integers, and several calls take more than one of them
//! (`AttachWebhook` takes a webhook, a campaign and an event). With a type per kind, passing a
//! campaign id where a webhook id is expected does not compile:
//!
//! ```compile_fail
//! use salesflow_webhook_types::{CampaignId, WebhookId};
//! fn attach(webhook: WebhookId, campaign: CampaignId) {}
//! let (webhook, campaign) = (WebhookId::new(10265), CampaignId::new(789));
//! attach(campaign, webhook); // swapped: error[E0308]: mismatched types
//! ```
//!
//! Each id is `#[serde(transparent)]`: on the wire it is the plain integer, as the vendor
//! writes it. A literal converts with `From<i64>` (`CampaignId::from(29854)` or `29854.into()`),
//! and [`get`](CampaignId::get) gives the integer back.
//!
//! ```
//! use salesflow_webhook_types::CampaignId;
//! let id: CampaignId = serde_json::from_str("29854")?;
//! assert_eq!(id, CampaignId::new(29854));
//! assert_eq!(id.get(), 29854);
//! assert_eq!(id.to_string(), "29854");
//! assert_eq!("29854".parse::<CampaignId>()?, id);
//! assert_eq!(serde_json::to_string(&id)?, "29854");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::num::ParseIntError;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! id_types {
    ($($(#[$doc:meta])* $name:ident: $wire:literal;)+) => {$(
        $(#[$doc])*
        #[doc = concat!("\n\nOn the wire: `", $wire, "`, a 64-bit integer.")]
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize,
            Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id with this integer value.
            pub const fn new(value: i64) -> Self {
                Self(value)
            }

            /// The integer value.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                Self(value)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        /// Parses the decimal integer.
        impl FromStr for $name {
            type Err = ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        json_schema_for!($name, { "type": "integer", "format": "int64" });
    )+};
}

id_types! {
    /// A campaign (`CampaignId`).
    CampaignId: "CampaignId";
    /// A campaign member, which the vendor also calls a contact (`MemberId`).
    MemberId: "MemberId";
    /// A webhook (`WebhookId`).
    WebhookId: "WebhookId";
    /// An attachment of a webhook to a campaign for one event (`WebhookCampaignId`): what
    /// DetachWebhook takes, not the webhook's own id.
    WebhookCampaignId: "WebhookCampaignId";
    /// A LinkedIn account connected to Salesflow (`AccountId`): what every call but
    /// ListAccounts sends as `accountId`.
    AccountId: "AccountId";
}
