//! An ergonomic async client for the [Salesflow](https://salesflow.io) API (LinkedIn
//! outreach automation): campaigns and their statistics, contacts (campaign members),
//! accounts and webhooks.
//!
//! # What it is for
//!
//! Calling the API from Rust with typed values and typed errors. Every operation of the spec
//! (`spec/salesflow.yaml`) is a method of [`Client`] named after its `operationId`
//! (`getCampaignStatistics` is [`Client::get_campaign_statistics`]; the table is on
//! [`Client`]), generated from the spec together with its parameters ([`ops`]), their
//! client-side validation (before anything is sent) and its answer type. On top: retries
//! that are safe, per-call options ([`Call`]), batching of the operations the spec marks
//! (ListContacts by any number of public identifiers), bulk imports
//! ([`Client::import_members`]), and a `tracing` span per request. The API token never
//! appears in `Debug`/`Display` output, errors or traces.
//!
//! # What it is not
//!
//! It does not receive webhook calls: their payload type is [`WebhookPayload`] (from
//! `salesflow-webhook-types`, re-exported here), to decode in your own server. The
//! generated low-level client is at [`Client::raw`], for the rare case this crate does not
//! cover.
//!
//! # Quick start
//!
//! ```no_run
//! use salesflow::Client;
//!
//! # async fn demo() -> Result<(), salesflow::Error> {
//! // SALESFLOW_TOKEN, SALESFLOW_ACCOUNT_ID, optionally SALESFLOW_BASE_URL.
//! let client = Client::from_env()?;
//!
//! for campaign in client.list_campaigns().await? {
//!     let stats = client.get_campaign_statistics(campaign.campaign_id).await?;
//!     println!("{:?}: {} members", campaign.campaign_name, stats.total);
//! }
//!
//! let member = client
//!     .import_member(29854, "https://www.linkedin.com/in/john-smith-123456")
//!     .first_name("John")
//!     .await?;
//! client.update_contact(member.member_id).email("john@example.com").await?;
//! # Ok(()) }
//! ```
//!
//! # Answers keep what this version does not know
//!
//! The answer types ([`Contact`], [`Campaign`], ...) are the spec's schemas. Fields the vendor
//! adds before this crate is regenerated are kept in their `extra` map (and written back when
//! serialized); unknown enum values are kept too (see [`CampaignStatus`]).
//!
//! # Errors
//!
//! Every call returns [`Error`]. Server-reported failures are [`Error::Api`] with an
//! [`ApiErrorKind`] to match on; an HTTP 200 whose body is `{"Status": 404, ...}` (or any
//! `Status` of 400 or more) is such an error too. A non-JSON error page (e.g. an HTML 500)
//! is an [`Error::Api`] of kind [`Server`](ApiErrorKind::Server) whose `message` sums the
//! page up: an HTML page's `<title>` (else its first text), plain text's beginning, whitespace
//! collapsed, at most 200 characters, redacted before it is cut (the body itself, redacted, is
//! in [`ApiError::body`]). A success status with a body that cannot be
//! decoded is [`Error::Decode`]. Every error names its [`Operation`].
//!
//! An error's `Display` is the detailed message, for logs (it may name the request's host
//! and ids). To answer a service's own caller, use [`Error::public_message`]: a short text
//! with no URL, host, id or token ("Salesflow did not answer in time").
//!
//! # Many accounts
//!
//! The vendor issues one token per account. A service driving many accounts builds one
//! [`ClientPool`] ([`ClientBuilder::build_pool`]: connection pool, layers, retries, pacing,
//! and no credentials) and makes a [`Client`] per account from it
//! ([`ClientPool::for_accounts`] maps a service's account configuration in one call).
//!
//! # Webhooks
//!
//! [`Client::reconcile_webhooks_per_event`] attaches one webhook per account and event to
//! every campaign of an account (run it periodically: campaigns are created in the
//! Salesflow app); the receiver reads the account and the event back from the URL it is
//! called on with [`WebhookRoute`].
//!
//! # Retries
//!
//! See [`RetryPolicy`]: reads are retried on transient failures; calls that change state only
//! when the server surely did nothing (a 429, or no connection at all).
//!
//! # Testing code that uses it
//!
//! Nobody can test against the real Salesflow (it would send real LinkedIn invitations). The
//! `salesflow-mock` crate is a stateful local server of every operation, with simulated
//! webhook events and fault injection: start it in-process and point the client at it with
//! [`ClientBuilder::base_url`] (one URL for both vendor hosts).
//!
//! ```ignore
//! let mock = salesflow_mock::MockServer::start_with(salesflow_mock::Seed::Demo).await?;
//! let client = salesflow::Client::builder()
//!     .token(salesflow_mock::DEMO_TOKEN)
//!     .account_id(salesflow_mock::DEMO_ACCOUNT_ID)
//!     .base_url(mock.base_url())
//!     .build()?;
//! assert!(!client.list_campaigns().await?.is_empty());
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// Builder methods of an options struct, one per public field given: `field(value)` sets
/// `field` to `value` and returns the struct, documented "Sets [`field`](Self::field).".
macro_rules! setters {
    ($($field:ident: $ty:ty),+ $(,)?) => {$(
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ").")]
        pub fn $field(mut self, value: $ty) -> Self {
            self.$field = value;
            self
        }
    )+};
}

mod bulk;
mod call;
mod client;
mod error;
mod events;
pub mod import;
#[cfg(feature = "opentelemetry")]
pub mod otel;
pub mod pacing;
mod pool;
#[cfg(feature = "postgres")]
pub mod postgres;
mod public;
mod retry;
mod transport;
pub mod validate;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, unused_imports)]
#[path = "generated/operations.rs"]
mod generated;

pub use bulk::{ImportOptions, ImportOutcome, ImportResult, ImportSummary, BATCH_CONCURRENCY};
pub use call::{Call, CallOptions, ParametersError, Request};
pub use client::{
    Client, ClientBuilder, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, ENV_ACCOUNT_ID, ENV_BASE_URL,
    ENV_TOKEN,
};
pub use error::{ApiError, ApiErrorKind, DecodeError, Error, SNIPPET_CHARS};
pub use events::EventWebhook;
pub use generated::*;
pub use pacing::{Pacer, Pacing, PacingBackend};
pub use pool::ClientPool;
pub use public::PublicMessage;
pub use retry::RetryPolicy;
pub use transport::TransportCause;
pub use validate::{ValidationError, ValidationReason};

pub use salesflow_api::operations::{Operation, API_VERSION};
pub use salesflow_api::ApiToken;
/// Drift reports: what the API sends that this version does not know ([`Client::drift`]).
pub use salesflow_webhook_types::drift;
pub use salesflow_webhook_types::{
    AccountId, AccountStatus, CampaignId, CampaignStatus, DotNetDate, FlexibleDate, MemberFlags,
    MemberId, MemberStatus, RunOn, WebhookCampaignId, WebhookId, WebhookPayload, WebhookRoute,
};

/// The `chrono` crate, whose date types [`DotNetDate`] and [`FlexibleDate`] convert to and
/// from.
pub use chrono;
/// The HTTP client crate, for [`ClientBuilder::http_client`] without a dependency of your own.
pub use reqwest;
/// The generated low-level client crate (see [`Client::raw`]).
pub use salesflow_api;
/// The shared value types and webhook payload crate.
pub use salesflow_webhook_types;
/// The middleware crate of [`ClientBuilder::layer`].
pub use tower;

/// The crate README's examples (its registry page), compiled and run as doctests so that
/// they stay true. The README is inside the package, so this works from the packaged crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
