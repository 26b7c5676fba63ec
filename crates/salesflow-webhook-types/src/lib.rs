//! Value types of the [Salesflow](https://salesflow.io) API and the typed payload of its
//! webhook calls.
//!
//! # What it is for
//!
//! A service that *receives* Salesflow webhooks needs the payload's types and nothing else.
//! This crate has them, with no HTTP client, no async runtime and no web framework: decode the
//! request body your server already has with [`WebhookPayload::from_slice`]. The value types
//! shared with the API (member [`MemberStatus`], [`CampaignStatus`], [`AccountStatus`],
//! [`RunOn`], the .NET dates) live here too, so the client crate and receivers agree on them.
//!
//! # What it is not
//!
//! It does not call the API (that is the `salesflow-api` crate), does not run a server, and
//! does not authenticate webhook calls: the vendor's reference documents no signature, so put
//! a secret in the webhook URL or check the caller some other way.
//!
//! # Forward compatibility
//!
//! The vendor adds fields and values over time. Every payload field is optional, unknown
//! fields are kept in [`WebhookPayload::extra`], enums keep unknown values in an `Unknown`
//! variant, and [`MemberStatus`] keeps unknown names and bits. A known field whose value has
//! an unexpected shape fails only itself: it is `None` and its raw value is kept in `extra`
//! ([`lenient`]). Decoding fails only on a body that is not JSON or not an object.
//!
//! What a payload carries that this version does not know (an unknown field, an unknown enum
//! value or `IntegrationRunOn`) is noticed and recorded once per process, without personal
//! data, in a report that `cargo xtask drift` turns into a spec edit: see [`drift`].
//!
//! The payload's structs and the enums' values ([`RunOn`]'s events included) are generated
//! from the API's OpenAPI document (`spec/salesflow.yaml` in the repository) by
//! `cargo xtask codegen`: a value or field the vendor adds is a spec edit away.
//!
//! # Example
//!
//! ```
//! use salesflow_webhook_types::{Distance, MemberFlags, RunOn, WebhookPayload};
//!
//! let body = br#"{
//!     "IntegrationType": "INTEGRATION_TYPE_WEBHOOK",
//!     "IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED",
//!     "MemberId": 46875434,
//!     "FirstName": "John",
//!     "LastName": "Smith",
//!     "Status": "MEMBER_CONNECTED",
//!     "Distance": "DISTANCE_3",
//!     "ConnectedAt": "2021-02-18T16:33:44.5905705+00:00",
//!     "MemberCampaigns": [{ "CampaignName": "Test campaign" }],
//!     "SomethingNew": true
//! }"#;
//!
//! let payload = WebhookPayload::from_slice(body)?;
//! assert_eq!(payload.event(), Some(RunOn::MemberConnected));
//! assert_eq!(payload.member_id, Some(46875434));
//! assert!(payload.status.as_ref().is_some_and(|s| s.contains(MemberFlags::CONNECTED)));
//! assert_eq!(payload.distance, Some(Distance::Third));
//! assert_eq!(payload.connected_at.map(|t| t.timestamp()), Some(1613666024));
//! assert_eq!(payload.email, None); // absent fields are None
//! assert_eq!(payload.extra["SomethingNew"], true); // unknown fields are kept
//! # Ok::<(), salesflow_webhook_types::PayloadError>(())
//! ```
//!
//! # Features
//!
//! - `schemars`: implements `schemars::JsonSchema` for [`WebhookPayload`] and every type in it,
//!   and adds `webhook_payload_schema()`, the payload's JSON Schema.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// Implements `schemars::JsonSchema` for a type: named after the type, with the schema
/// `schemars::json_schema!` builds from the JSON given.
macro_rules! json_schema_for {
    ($name:ident, $($schema:tt)+) => {
        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($($schema)+)
            }
        }
    };
}

pub mod date;
pub mod drift;
pub mod enums;
mod field_names;
pub mod ids;
pub mod lenient;
pub mod member;
pub mod payload;
pub mod route;
pub mod secret;
mod strictness;

pub use date::{DotNetDate, FlexibleDate, ParseDateError};
pub use enums::{AccountStatus, CampaignStatus, Distance, IntegrationType, ParseRunOnError, RunOn};
pub use field_names::field_names;
pub use ids::{AccountId, CampaignId, MemberId, WebhookCampaignId, WebhookId};
pub use member::{MemberFlags, MemberStatus, ParseMemberStatusError};
pub use payload::*;
pub use route::WebhookRoute;
pub use secret::secret_matches;

/// The JSON Schema (draft 2020-12) of [`WebhookPayload`], as JSON.
///
/// Enums and member statuses are plain strings (and [`RunOn`] an integer) whose known values
/// are listed in their descriptions and examples, not closed `enum`s, because values the
/// vendor adds later are valid. Unknown properties are allowed.
#[cfg(feature = "schemars")]
pub fn webhook_payload_schema() -> serde_json::Value {
    schemars::schema_for!(WebhookPayload).to_value()
}

/// The crate README's example (its registry page), compiled and run as a doctest so that it
/// stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
