//! An ergonomic async client for the [Salesflow](https://salesflow.io) API (LinkedIn
//! outreach automation): campaigns and their statistics, contacts (campaign members),
//! accounts and webhooks.
//!
//! # What it is for
//!
//! Calling the API from Rust with typed values and typed errors: one method per vendor
//! operation, client-side validation (before anything is sent), retries of reads with
//! backoff, batching helpers ([`Client::contacts_by_public_identifiers`] for any number of
//! identifiers, [`Client::import_members`] for bulk imports), and a `tracing` span per
//! request. The API token never appears in `Debug`/`Display` output, errors or traces.
//!
//! # What it is not
//!
//! It does not receive webhook calls: their payload type is
//! [`WebhookPayload`] (from `salesflow-webhook-types`, re-exported here), to decode in your
//! own server. For operations or parameters this crate does not cover, the generated
//! low-level client is at [`Client::raw`].
//!
//! # Quick start
//!
//! ```no_run
//! use salesflow::{Client, ContactUpdate, NewMember};
//!
//! # async fn demo() -> Result<(), salesflow::Error> {
//! // SALESFLOW_TOKEN, SALESFLOW_ACCOUNT_ID, optionally SALESFLOW_BASE_URL.
//! let client = Client::from_env()?;
//!
//! for campaign in client.campaigns().await? {
//!     let stats = client.campaign_statistics(campaign.campaign_id).await?;
//!     println!("{:?}: {} members", campaign.campaign_name, stats.total);
//! }
//!
//! let member = NewMember::new("https://www.linkedin.com/in/john-smith-123456").first_name("John");
//! let contact = client.import_member(12345, &member).await?;
//! client
//!     .update_contact(contact.member_id, &ContactUpdate::new().email("john@example.com"))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! Every method returns [`Error`]. Server-reported failures are [`Error::Api`] with an
//! [`ApiErrorKind`] to match on; an HTTP 200 whose body is `{"Status": 404, ...}` (or any
//! `Status` of 400 or more) is such an error too. A non-JSON error page (e.g. an HTML 500)
//! is an [`Error::Api`] of kind [`Server`](ApiErrorKind::Server) whose `message` is the first
//! 200 characters of the page, token redacted. A success status with a body that cannot be
//! decoded is [`Error::Decode`].
//!
//! # Retries
//!
//! See [`RetryPolicy`]: reads are retried on transient failures; calls that change state only
//! when the server surely did nothing (a 429, or no connection at all).
//!
//! # Testing code that uses it
//!
//! Nobody can test against the real Salesflow (it would send real LinkedIn invitations). The
//! `salesflow-mock` crate is a stateful local server of all operations, with simulated webhook
//! events and fault injection: start it in-process and point the client at it with
//! [`ClientBuilder::base_url`] (one URL for both vendor hosts).
//!
//! ```ignore
//! let mock = salesflow_mock::MockServer::start_with(salesflow_mock::Seed::Demo).await?;
//! let client = salesflow::Client::builder()
//!     .token(salesflow_mock::DEMO_TOKEN)
//!     .account_id(salesflow_mock::DEMO_ACCOUNT_ID)
//!     .base_url(mock.base_url())
//!     .build()?;
//! assert!(!client.campaigns().await?.is_empty());
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod bulk;
mod client;
mod convert;
mod error;
mod model;
mod ops;
mod retry;
pub mod validate;

pub use bulk::{
    ImportOptions, ImportOutcome, ImportResult, ImportSummary, IDENTIFIER_BATCH_CONCURRENCY,
    MAX_IDENTIFIERS_PER_REQUEST,
};
pub use client::{
    Client, ClientBuilder, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, ENV_ACCOUNT_ID, ENV_BASE_URL,
    ENV_TOKEN,
};
pub use error::{ApiError, ApiErrorKind, DecodeError, Error, SNIPPET_CHARS};
pub use model::{
    Account, Campaign, CampaignStatistics, Contact, ContactDetails, ContactUpdate, ListOptions,
    NewMember, NewWebhook, StatisticsOptions, StatusMessage, Webhook, WebhookCampaign,
};
pub use retry::RetryPolicy;
pub use validate::{ValidationError, ValidationReason};

pub use salesflow_api::ApiToken;
pub use salesflow_webhook_types::{
    AccountStatus, CampaignStatus, DotNetDate, FlexibleDate, MemberFlags, MemberStatus, RunOn,
    WebhookPayload,
};

/// The `chrono` crate, whose date types [`DotNetDate`] and [`FlexibleDate`] convert to and
/// from.
pub use chrono;
/// The generated low-level client crate (see [`Client::raw`]).
pub use salesflow_api;
/// The shared value types and webhook payload crate.
pub use salesflow_webhook_types;

/// The crate README's examples (its registry page), compiled and run as doctests so that
/// they stay true. The README is inside the package, so this works from the packaged crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
