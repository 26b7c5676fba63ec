//! A stateful local Salesflow API server, for tests and demos.
//!
//! # What it is for
//!
//! Exercising code that talks to the Salesflow API (the `salesflow` SDK, the generated
//! `salesflow-api` client, or anything speaking HTTP) without the vendor's servers: every
//! operation of `spec/salesflow.yaml` is served under `/api` with an in-memory world
//! (accounts and tokens, campaigns, members, webhooks and their attachments) that the
//! operations change, so that an import shows up in the next list and a second start of a
//! campaign is a 409. One server stands for both vendor hosts (`app` and `mvc`).
//!
//! The spec drives it: the routes are built from
//! [`Operation::ALL`] (each operation's method and path as the
//! spec writes them), with one handler per operation picked by an exhaustive `match`, so an
//! operation added to the spec does not compile here until it has a handler. The world
//! stores the spec's generated types (`salesflow_api::types`), and every answer is one of
//! them serialized, so a field added to the spec is stored and served with no change here.
//!
//! Besides the API it offers, under `/_mock` and as methods of [`MockServer`] (the routes are
//! listed there):
//! - a request log ([`MockState::requests`], `GET /_mock/requests`) with the token redacted,
//!   each request with its [`Operation`];
//! - simulated member events ([`MockState::simulate_event`], `POST /_mock/events`) that
//!   change the member and POST a [`WebhookPayload`](salesflow_webhook_types::WebhookPayload)
//!   to the attached webhooks, each delivery recorded ([`MockState::deliveries`],
//!   `GET /_mock/deliveries`);
//! - fault injection ([`MockState::inject`], `POST /_mock/faults`), per operation, per path or
//!   for every request: latency, 429, 500 with HTML, 502, a dropped connection, truncated or
//!   malformed JSON, an error body under HTTP 200, unknown enum values, extra fields;
//! - the drift mode ([`FaultKind::Drift`], `salesflow-mock --drift`): answers and webhook
//!   payloads carrying what a later vendor release might (extra fields of every JSON type, new
//!   campaign and account statuses, [`DRIFT_FIELDS`]), to rehearse drift reports;
//! - members seeded directly ([`MockState::add_member`], `POST /_mock/members`), with any
//!   fields, without an ImportMember request;
//! - member patches ([`MockState::patch_member`], `PATCH /_mock/members/{member_id}`) that
//!   set any field of a stored member, including fields the SDK does not know yet, which
//!   every operation returning that member then serves.
//!
//! # What it is not
//!
//! Not a faithful copy of the vendor's server: its behaviour follows the vendor's reference
//! and the decisions written in `spec/salesflow.yaml`, and where neither says anything the
//! mock decides (documented on each item). It does not persist anything, does not run
//! campaigns on its own (members change only through the API, simulated events and patches),
//! and is not meant to be exposed to a network: it binds `127.0.0.1` by default and its
//! tokens are public constants.
//!
//! # Behaviour beyond the spec's documented responses
//!
//! - Every request is received through the spec's generated wire types
//!   (`salesflow_api::params`): a request that breaks the spec (a missing or mistyped
//!   parameter, an integer parameter that is not an integer, a string longer than its
//!   `maxLength`, a body that is not the documented JSON, more than 20 `PublicIdentifiers`)
//!   gets HTTP 400 with `{"Status": 400, "Message": "..."}`. Body field names are matched
//!   ignoring case, as the vendor's server does. Authentication is checked first: a
//!   missing/unknown `token`, or an `accountId` the token does not reach, is 403
//!   `{"Status": 403, "Message": "Invalid token/account."}`.
//! - Every request field the resource also has (UpdateContact's body, ImportMember's
//!   parameters) is stored on it and served back, so a field the spec adds to both round-trips
//!   with no change here.
//! - The demo world ([`Seed::Demo`]) is read from `demo.json` at start; a field of a record
//!   type that no demo record names takes the spec's example of it.
//! - An unknown campaign, member, webhook or attachment (or one of another account) is 404
//!   with a `StatusMessage` body.
//! - AttachWebhook: attaching a webhook to a campaign again for the same `runOn`, or a fourth
//!   time, is 409 with a `StatusMessage` body.
//! - ImportMember of a profile (same public identifier, taken from `/in/<slug>` of the URL)
//!   that the account already has creates a new member flagged
//!   `MEMBER_IMPORTED, MEMBER_DUPLICATE` (the original is kept, and is what lookups by public
//!   identifier find). It answers the new member as a `ContactDetails`, as the spec says, so
//!   the flag is in its `Status`. The check is an index lookup (by account and public
//!   identifier), so an import costs the same whatever the number of members.
//! - Fields without a value are left out of answers rather than written as `null` (the
//!   spec allows both: no optional field is required). That includes `Message` of a
//!   success `StatusMessage`: a deletion answers `{"Status": 204}`.
//! - ListContacts (by campaignId) serves each member without `PublicIdentifier`, as the spec
//!   says; every other operation that answers a `Contact` serves the `Contact` projection of
//!   the stored `ContactDetails`.
//!
//! # Example
//!
//! ```no_run
//! use salesflow_mock::{MockServer, DEMO_ACCOUNT_ID, DEMO_TOKEN};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start().await?;
//! let url = format!(
//!     "{}/campaigns/list-campaigns?token={DEMO_TOKEN}&accountId={DEMO_ACCOUNT_ID}",
//!     server.base_url()
//! );
//! let campaigns: Vec<salesflow_api::types::Campaign> = reqwest::get(&url).await?.json().await?;
//! assert!(campaigns[0].is_running());
//! assert_eq!(
//!     server.requests()[0].operation,
//!     Some(salesflow_api::Operation::ListCampaigns)
//! );
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod api;
mod control;
mod error;
mod events;
mod faults;
mod log;
mod world;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use chrono::Utc;
use salesflow_api::operations::Operation;
use salesflow_webhook_types::{
    AccountId, AccountStatus, CampaignId, CampaignStatus, MemberFlags, MemberId, MemberStatus,
};
use serde_json::{Map, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use error::MockError;
pub use events::{Delivery, EventOutcome, MockEvent};
pub use faults::{ActiveFault, DriftValue, Fault, FaultId, FaultKind, DRIFT_FIELDS};
pub use log::RecordedRequest;
pub use world::{
    Seed, DEMO_ACCOUNT_ID, DEMO_BLOCKED_ACCOUNT_ID, DEMO_CAMPAIGN_BLOCKED, DEMO_CAMPAIGN_EMPTY,
    DEMO_CAMPAIGN_PAUSED, DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_ANN, DEMO_MEMBER_JOHN,
    DEMO_MEMBER_NICK, DEMO_OTHER_ACCOUNT_ID, DEMO_OTHER_TOKEN, DEMO_TOKEN,
    DEMO_WEBHOOK_CAMPAIGN_ID, DEMO_WEBHOOK_ID,
};

use world::World;

/// Locks a mutex, recovering the data if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Inner {
    seed: Mutex<Seed>,
    world: Mutex<World>,
    requests: Mutex<Vec<RecordedRequest>>,
    faults: Mutex<Vec<ActiveFault>>,
    deliveries: Mutex<Vec<Delivery>>,
    next_fault_id: AtomicU64,
    http: reqwest::Client,
}

/// The shared state of a mock server: its world, request log, injected faults and webhook
/// deliveries. Cheap to clone (an `Arc`); pass it to [`router`] to embed the mock in your
/// own server. [`MockServer`] wraps one.
#[derive(Clone)]
pub struct MockState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for MockState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockState")
            .field("seed", &self.seed())
            .finish_non_exhaustive()
    }
}

impl MockState {
    /// A state holding the world of `seed`.
    pub fn new(seed: Seed) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self {
            inner: Arc::new(Inner {
                seed: Mutex::new(seed),
                world: Mutex::new(World::seeded(seed)),
                requests: Mutex::default(),
                faults: Mutex::default(),
                deliveries: Mutex::default(),
                next_fault_id: AtomicU64::new(1),
                http,
            }),
        }
    }

    pub(crate) fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut lock(&self.inner.world))
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The seed the state was created or last reset with.
    pub fn seed(&self) -> Seed {
        *lock(&self.inner.seed)
    }

    /// Restores the world of the current seed and empties the request log, the faults and
    /// the deliveries.
    pub fn reset(&self) {
        self.reset_to(self.seed());
    }

    /// Like [`reset`](Self::reset), with the world of another seed.
    pub fn reset_to(&self, seed: Seed) {
        *lock(&self.inner.seed) = seed;
        *lock(&self.inner.world) = World::seeded(seed);
        self.clear_requests();
        self.clear_faults();
        self.clear_deliveries();
    }

    /// The requests received under `/api` so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.inner.requests).clone()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        lock(&self.inner.requests).clear();
    }

    pub(crate) fn push_request(&self, request: RecordedRequest) {
        lock(&self.inner.requests).push(request);
    }

    /// The webhook deliveries made so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.inner.deliveries).clone()
    }

    /// Forgets the deliveries made so far.
    pub fn clear_deliveries(&self) {
        lock(&self.inner.deliveries).clear();
    }

    pub(crate) fn push_delivery(&self, delivery: Delivery) {
        lock(&self.inner.deliveries).push(delivery);
    }

    /// Injects a fault and returns its id. Fails with [`MockError::FaultNeverApplies`] if
    /// its `times` is 0.
    pub fn inject(&self, fault: Fault) -> Result<FaultId, MockError> {
        fault.validate()?;
        let id = FaultId::new(self.inner.next_fault_id.fetch_add(1, Ordering::Relaxed));
        let remaining = fault.times;
        lock(&self.inner.faults).push(ActiveFault {
            id,
            fault,
            remaining,
        });
        Ok(id)
    }

    /// Whether the [drift mode](FaultKind::Drift) is on: a drift fault is active.
    pub fn drift_mode(&self) -> bool {
        lock(&self.inner.faults)
            .iter()
            .any(|f| f.fault.kind == FaultKind::Drift)
    }

    /// The faults still active.
    pub fn faults(&self) -> Vec<ActiveFault> {
        lock(&self.inner.faults).clone()
    }

    /// Removes a fault; `false` if there was none with this id.
    pub fn remove_fault(&self, id: FaultId) -> bool {
        let mut faults = lock(&self.inner.faults);
        let before = faults.len();
        faults.retain(|f| f.id != id);
        faults.len() != before
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        lock(&self.inner.faults).clear();
    }

    /// The kinds of the faults matching a request, each use counted (used-up faults are
    /// removed).
    pub(crate) fn take_faults(&self, operation: Option<Operation>, path: &str) -> Vec<FaultKind> {
        let mut faults = lock(&self.inner.faults);
        let mut kinds = Vec::new();
        for active in faults.iter_mut() {
            if active.fault.matches(operation, path) {
                kinds.push(active.fault.kind.clone());
                if let Some(n) = &mut active.remaining {
                    *n = n.saturating_sub(1);
                }
            }
        }
        faults.retain(|f| f.remaining != Some(0));
        kinds
    }

    /// Mutes or unmutes a member (webhooks with `DisableForMutedContacts: true`, and every
    /// reply-detected webhook, skip muted members).
    pub fn set_muted(&self, member_id: MemberId, muted: bool) -> Result<(), MockError> {
        self.with_world(|w| {
            w.update_member(member_id, |m| {
                m.muted = muted;
                m.touch(Utc::now());
            })
            .ok_or(MockError::UnknownMember(member_id))
        })
    }

    /// Merges `patch`, a JSON object in the vendor's field names (`"FirstName"`,
    /// `"Status"`, ...), into the stored record of a member, whatever its account: the
    /// record (a `ContactDetails`) is serialized to JSON, `patch` is applied as a JSON merge
    /// patch (RFC 7396: each key replaces the record's, objects merge, `null` removes the
    /// field), and the result is decoded back. A key the spec does not know is kept in the
    /// record's `extra` and served, like every other field, by each operation that returns
    /// the member (GetContact, ImportMember's duplicates, UpdateContact, GetContact by public
    /// identifier and both ListContacts): the way to test a client against a field the
    /// vendor added before the SDK knows it. Unless the patch sets `LastModifiedAt`, it is
    /// set to now.
    ///
    /// Fails with [`MockError::UnknownMember`], or [`MockError::InvalidPatch`] (the member
    /// unchanged) if the result is no valid `ContactDetails` (a known field of the wrong
    /// type) or changes `MemberId`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use salesflow_mock::{MockState, Seed, DEMO_MEMBER_JOHN};
    ///
    /// let state = MockState::new(Seed::Demo);
    /// let patch = serde_json::json!({"Nickname": "Jo", "Email": null});
    /// state.patch_member(DEMO_MEMBER_JOHN, patch.as_object().cloned().unwrap_or_default())?;
    /// let wrong = serde_json::json!({"FirstName": 5});
    /// assert!(state
    ///     .patch_member(DEMO_MEMBER_JOHN, wrong.as_object().cloned().unwrap_or_default())
    ///     .is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn patch_member(
        &self,
        member_id: MemberId,
        patch: Map<String, Value>,
    ) -> Result<(), MockError> {
        self.with_world(|w| w.patch_member(member_id, patch, Utc::now()))
    }

    /// Adds a member to a campaign directly (no ImportMember request, nothing in the request
    /// log) and returns its id: the way to seed a test's world. The member belongs to the
    /// campaign's account, with `public_identifier` (what lookups by identifier and the
    /// duplicate check of ImportMember read), `MemberUrl` `https://linkedin.com/in/<it>`,
    /// `Status` `MEMBER_IMPORTED`, the campaign's id and name, and `AddedAt` and
    /// `LastModifiedAt` now; then `fields`, a JSON object in the vendor's field names
    /// (`"FirstName"`, `"Status"`, `"Email"`, ...), is merged over that record as in
    /// [`patch_member`](Self::patch_member) (keys the spec does not know included). A member
    /// whose `Status` has `MEMBER_CONNECTED` gets `ConnectedAt` now in webhook payloads.
    ///
    /// Fails with [`MockError::UnknownCampaign`], or [`MockError::InvalidPatch`] (nothing
    /// added) for an empty identifier, a field of the wrong type, or `MemberId` or
    /// `CampaignId` in `fields` (the mock picks the id; the campaign is the argument).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use salesflow_mock::{MockState, Seed, DEMO_CAMPAIGN_RUNNING};
    ///
    /// let state = MockState::new(Seed::Demo);
    /// let fields = serde_json::json!({"FirstName": "Jane", "Status": "MEMBER_CONNECTED"});
    /// let jane = state.add_member(
    ///     DEMO_CAMPAIGN_RUNNING,
    ///     "jane-roe-700",
    ///     fields.as_object().cloned().unwrap_or_default(),
    /// )?;
    /// assert!(jane.get() > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_member(
        &self,
        campaign_id: CampaignId,
        public_identifier: &str,
        fields: Map<String, Value>,
    ) -> Result<MemberId, MockError> {
        let public_identifier = public_identifier.trim();
        if public_identifier.is_empty() {
            return Err(MockError::InvalidPatch(
                "the public identifier is empty".into(),
            ));
        }
        if let Some(key) = ["MemberId", "CampaignId"]
            .into_iter()
            .find(|k| fields.contains_key(*k))
        {
            return Err(MockError::InvalidPatch(format!(
                "`{key}` cannot be given: the mock picks the member id, the campaign is an \
                 argument"
            )));
        }
        self.with_world(|w| {
            let campaign = w
                .campaigns
                .get(&campaign_id)
                .ok_or(MockError::UnknownCampaign(campaign_id))?;
            let account_id = campaign.account_id;
            let now = Utc::now();
            let mut details = salesflow_api::types::ContactDetails::default();
            details.public_identifier = Some(public_identifier.to_owned());
            details.member_url = Some(format!("https://linkedin.com/in/{public_identifier}"));
            details.status = Some(MemberStatus::from_flags(MemberFlags::IMPORTED));
            details.campaign_id = Some(campaign_id);
            details.campaign_name = campaign.campaign.campaign_name.clone();
            details.added_at = Some(now.into());
            details.last_modified_at = Some(now.into());
            let mut json = serde_json::to_value(&details)
                .map_err(|e| MockError::InvalidPatch(e.to_string()))?;
            world::merge_patch(&mut json, Value::Object(fields));
            // Strictly: a field of the wrong shape is refused, not kept aside as the SDK's
            // lenient decoding would.
            let mut details: salesflow_api::types::ContactDetails =
                salesflow_webhook_types::lenient::strict(|| serde_json::from_value(json))
                    .map_err(|e| MockError::InvalidPatch(e.to_string()))?;
            let id = w.next_member_id();
            details.member_id = id;
            let connected = details.flags().contains(MemberFlags::CONNECTED);
            w.insert_member(world::Member {
                details,
                account_id,
                muted: false,
                has_reply: false,
                connected_at: connected.then_some(now),
                custom: Default::default(),
            });
            Ok(id)
        })
    }

    /// Simulates an event for a member: updates it and POSTs the webhook payload to every
    /// webhook attached to its campaign for the event. Any `RunOn` (or [`MockEvent`]): the
    /// spec's events and unknown codes alike.
    pub async fn simulate_event(
        &self,
        member_id: MemberId,
        event: impl Into<MockEvent>,
    ) -> Result<EventOutcome, MockError> {
        events::simulate(self, member_id, event.into()).await
    }

    /// Adds an account reached with `token` (a token may reach several accounts; the
    /// account may already exist, and is then only granted to `token`). A new account is
    /// `ACCOUNT_ACTIVE`.
    pub fn add_account(&self, token: &str, account_id: AccountId, email: &str) {
        self.with_world(|w| {
            w.accounts.entry(account_id).or_insert_with(|| {
                world::AccountEntry::new(
                    account_id,
                    email,
                    AccountStatus::Active,
                    (account_id.get().saturating_add(10_000), email),
                    ("Test", "User"),
                )
            });
            w.grant(token, account_id);
        });
    }

    /// Adds a campaign to an account and returns its id.
    pub fn add_campaign(
        &self,
        account_id: AccountId,
        name: &str,
        status: CampaignStatus,
    ) -> CampaignId {
        self.with_world(|w| {
            let id = w.next_campaign_id();
            let entry = world::CampaignEntry::new(id, account_id, name, status, Utc::now());
            w.campaigns.insert(id, entry);
            id
        })
    }
}

/// The mock's router: the API under `/api` (requests recorded, faults applied) and the
/// control routes under `/_mock` (listed on [`MockServer`]). Serve it yourself to embed the
/// mock; an unknown path is 404 with a `StatusMessage` body, a known path with another
/// method is 405 with an `Allow` header (and no body).
pub fn router(state: MockState) -> Router {
    let api = api::routes()
        .fallback(api_not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            log::record_and_inject,
        ));
    Router::new()
        .nest("/api", api)
        .nest("/_mock", control::routes())
        .fallback(api_not_found)
        .with_state(state)
}

async fn api_not_found() -> axum::response::Response {
    use axum::response::IntoResponse;
    api::ApiError::new(axum::http::StatusCode::NOT_FOUND, "Resource not found.").into_response()
}

/// A mock server running on a background task, bound to `127.0.0.1` on a free port. Dropping
/// it stops the server.
///
/// Its methods that read or change the state ([`requests`](MockState::requests),
/// [`inject`](MockState::inject), ...) are those of [`MockState`], reached through `Deref`.
///
/// # The API
///
/// Every operation of the spec, under [`base_url`](Self::base_url) (`/api`), with the
/// spec's method and path ([`Operation::method`], [`Operation::path`]).
///
/// # Control routes
///
/// The same features over HTTP, under [`root_url`](Self::root_url) (for a mock run as a
/// separate process, `salesflow-mock --port 8080`). Every JSON key of the control API is
/// snake_case; the vendor's own records inside it (a delivery's `payload`, a member patch)
/// keep the vendor's PascalCase names. An error answers `{"error": "<message>"}` with 400
/// (a malformed body or id, or a [`MockError`] such as a fault with `"times": 0`) or 404
/// (an unknown member or fault).
///
/// | Method | Path | Body | Answer |
/// |---|---|---|---|
/// | `GET` | `/_mock/requests` | | 200, the request log: an array of [`RecordedRequest`] |
/// | `DELETE` | `/_mock/requests` | | 204; empties the log |
/// | `GET` | `/_mock/deliveries` | | 200, the webhook calls made: an array of [`Delivery`] |
/// | `DELETE` | `/_mock/deliveries` | | 204; forgets them |
/// | `POST` | `/_mock/reset[?seed=demo\|empty]` | | 204; the world of the seed (default: the current one), log, faults and deliveries emptied |
/// | `POST` | `/_mock/events` | `{"member_id": 46875434, "event": "connected"}` ([`MockEvent`]) | 200, an [`EventOutcome`] |
/// | `POST` | `/_mock/members` | `{"campaign_id": 29854, "public_identifier": "jane-roe-700", "fields": {"FirstName": "Jane"}}` (`fields` optional; see [`MockState::add_member`]) | 201, the new member as GetContact serves it |
/// | `POST` | `/_mock/members/{member_id}/mute` | optional, `{"muted": false}` (default `true`) | 200, `{"member_id": 46875434, "muted": true}` |
/// | `PATCH` | `/_mock/members/{member_id}` | a JSON object of member fields in the vendor's names, `{"Nickname": "Jo"}` (see [`MockState::patch_member`]) | 200, the patched member as GetContact serves it |
/// | `GET` | `/_mock/faults` | | 200, the active faults: an array of [`ActiveFault`] |
/// | `POST` | `/_mock/faults` | a [`Fault`], `{"kind": "server_error", "operation": "listWebhooks", "times": 1}` | 201, `{"id": 1}` ([`FaultId`]) |
/// | `DELETE` | `/_mock/faults` | | 204; removes every fault |
/// | `DELETE` | `/_mock/faults/{id}` | | 204, or 404 if there is no such fault |
///
/// # Operation names
///
/// Faults ([`Fault::for_operation`], `"operation"` in JSON) and the request log
/// ([`RecordedRequest::operation`]) name operations by [`Operation`], the spec's operation
/// enum, which is also what the SDK's errors carry. In JSON an operation is its
/// `operationId` (`"listCampaigns"`; a fault also accepts the generated method name,
/// `"list_campaigns"`). Every name, from [`Operation::ALL`]:
///
/// ```
/// use salesflow_api::Operation;
///
/// for op in Operation::ALL {
///     println!("{:<35} {:<6} {}", op.id(), op.method(), op.path());
/// }
/// assert_eq!("listCampaigns".parse::<Operation>(), Ok(Operation::ListCampaigns));
/// ```
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: MockState,
    shutdown: Option<oneshot::Sender<()>>,
}

impl MockServer {
    /// Starts a server with the demo world ([`Seed::Demo`]).
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(Seed::Demo).await
    }

    /// Starts a server with the world of `seed`.
    pub async fn start_with(seed: Seed) -> std::io::Result<Self> {
        Self::start_on(([127, 0, 0, 1], 0).into(), seed).await
    }

    /// Starts a server on `addr` (port 0 for a free one) with the world of `seed`.
    pub async fn start_on(addr: SocketAddr, seed: Seed) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = MockState::new(seed);
        let app = router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
            if let Err(e) = served {
                tracing::warn!("salesflow-mock server stopped: {e}");
            }
        });
        Ok(Self {
            addr,
            state,
            shutdown: Some(tx),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API's base URL, `http://127.0.0.1:PORT/api`: use it for both the `app` and the
    /// `mvc` host.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// The server's root URL, `http://127.0.0.1:PORT` (the control routes are under
    /// `/_mock`).
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server's state.
    pub fn state(&self) -> &MockState {
        &self.state
    }
}

impl std::ops::Deref for MockServer {
    type Target = MockState;

    fn deref(&self) -> &MockState {
        &self.state
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The crate README's example (its registry page), compiled and run as a doctest so that it
/// stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
