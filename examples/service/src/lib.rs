//! An example service built on the `salesflow` SDK, as a team would write it: an axum HTTP
//! service driving several Salesflow accounts.
//!
//! # What it is for
//!
//! Reading and copying from. It shows, end to end and tested against the in-process mock
//! (`tests/service.rs`):
//! - several accounts on one [`ClientPool`] (one connection pool, no default account), one
//!   [`Client`] per entry of the service's account configuration ([`Config::accounts`]);
//! - campaign statistics with a per-call timeout ([`Config::stats_timeout`]), and errors
//!   answered with [`Error::public_message`] (no host, URL or id reaches the caller; the
//!   detailed message goes to the log);
//! - a webhook receiver for every campaign of every account: webhooks attached at start and
//!   reconciled periodically ([`Config::reconcile_every`]) for campaigns created later in the
//!   Salesflow app, each delivery's account and event read from its URL ([`WebhookRoute`]),
//!   and a trace span that never logs the secret of the URL;
//! - a metrics layer around every request to Salesflow ([`observe`]), which counts an error the
//!   vendor sent under HTTP 200 as the error it is
//!   ([`BodyStatus::effective_status`](salesflow::salesflow_api::middleware::BodyStatus::effective_status));
//! - pacing: a request rate per account and a daily import budget, whose exhaustion is
//!   answered 429 with `Retry-After` ([`Error::retry_after`]).
//!
//! # What it is not
//!
//! A product: state is in memory, there is no authentication of the service's own callers,
//! and imports are one member per call (a resumable bulk import belongs to the SDK's import
//! engine and the CLI).
//!
//! # Routes
//!
//! | Method | Path | What |
//! |---|---|---|
//! | `GET` | `/accounts/{account_id}/campaigns` | the account's campaigns |
//! | `GET` | `/accounts/{account_id}/campaigns/{campaign_id}/stats` | a campaign's statistics |
//! | `POST` | `/accounts/{account_id}/campaigns/{campaign_id}/members` | imports one member: `{"linkedin_url": "...", "first_name": "..."}` |
//! | `GET` | `/accounts/{account_id}/events` | the webhook events received for the account |
//! | `POST` | `/hooks/{secret}/{account_id}/{event}` | the webhook receiver (the vendor calls it) |
//! | `GET` | `/metrics` | requests to Salesflow per operation, as text |

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, State};
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use salesflow::salesflow_api::middleware::{observe, Attempt, HttpService};
use salesflow::salesflow_webhook_types::MAX_PAYLOAD_BYTES;
use salesflow::tower;
use salesflow::{
    AccountId, ApiErrorKind, CampaignId, Client, ClientPool, Error, Pacing, RunOn, WebhookPayload,
    WebhookRoute,
};
use serde::{Deserialize, Serialize};
use tower_http::trace::TraceLayer;
use tracing::field::Empty;

/// One Salesflow account of the service's configuration.
#[derive(Clone, Deserialize)]
pub struct AccountConfig {
    /// The account's id.
    pub account_id: i64,
    /// The token the vendor issued for it.
    pub token: String,
    /// A name for logs.
    pub name: String,
}

impl std::fmt::Debug for AccountConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountConfig")
            .field("account_id", &self.account_id)
            .field("token", &"<redacted>")
            .field("name", &self.name)
            .finish()
    }
}

/// The service's configuration (JSON, see `main.rs`).
#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    /// The accounts the service drives.
    pub accounts: Vec<AccountConfig>,
    /// The Salesflow base URL of both hosts; `None` for the vendor's.
    #[serde(default)]
    pub salesflow_base_url: Option<String>,
    /// The URL under which Salesflow reaches this service (`https://svc.example.com`);
    /// `None` for the address it listens on.
    #[serde(default)]
    pub public_url: Option<String>,
    /// The secret path segment of the webhook URLs (at least 16 characters).
    pub webhook_secret: String,
    /// The timeout of a statistics call (the vendor computes them; it can be slow).
    #[serde(default = "default_stats_timeout", with = "millis")]
    pub stats_timeout: Duration,
    /// How often the webhooks are reconciled with the accounts' campaigns.
    #[serde(default = "default_reconcile_every", with = "millis")]
    pub reconcile_every: Duration,
    /// At most this many requests per second per account.
    #[serde(default = "default_rate")]
    pub requests_per_second: f64,
    /// At most this many imports per account and UTC day.
    #[serde(default = "default_daily_imports")]
    pub daily_imports: u32,
}

fn default_stats_timeout() -> Duration {
    Duration::from_secs(10)
}

fn default_reconcile_every() -> Duration {
    Duration::from_secs(300)
}

fn default_rate() -> f64 {
    2.0
}

fn default_daily_imports() -> u32 {
    100
}

/// Durations in the configuration are milliseconds.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// Per Salesflow operation: attempts, failed attempts, total time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OperationStats {
    /// Attempts (each retry counts).
    pub attempts: u64,
    /// Attempts answered with an error status (in the HTTP status or in the body) or not
    /// answered at all.
    pub failures: u64,
    /// The time spent, in milliseconds.
    pub total_ms: u64,
}

/// The metrics the layer records, by operation id.
pub type Metrics = Arc<Mutex<BTreeMap<&'static str, OperationStats>>>;

/// The metrics layer: [`observe`] times every attempt, and counts as failed an answer whose
/// HTTP status or body status
/// ([`BodyStatus`](salesflow::salesflow_api::middleware::BodyStatus)) is an error, or no
/// answer at all.
pub fn metrics_layer(
    metrics: Metrics,
) -> impl tower::Layer<HttpService, Service = HttpService> + Clone {
    observe(move |attempt: Attempt| {
        let operation = attempt.context.map_or("unknown", |c| c.operation.id());
        let ms = u64::try_from(attempt.elapsed.as_millis()).unwrap_or(u64::MAX);
        if let Ok(mut metrics) = metrics.lock() {
            let stats = metrics.entry(operation).or_default();
            stats.attempts += 1;
            stats.failures += u64::from(attempt.failed);
            stats.total_ms += ms;
        }
    })
}

/// A webhook event as the service keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceivedEvent {
    /// The event (`member-connected`, ...).
    pub event: String,
    /// The member, if the payload named it.
    pub member_id: Option<i64>,
    /// The member's name, if the payload had it.
    pub name: Option<String>,
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    clients: Arc<BTreeMap<AccountId, Client>>,
    webhook_secret: Arc<str>,
    webhook_base: Arc<str>,
    stats_timeout: Duration,
    metrics: Metrics,
    events: Arc<Mutex<BTreeMap<AccountId, Vec<ReceivedEvent>>>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("accounts", &self.clients.keys().collect::<Vec<_>>())
            .field("webhook_secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Why the service cannot start.
#[derive(Debug)]
pub struct StartError(String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

impl From<Error> for StartError {
    fn from(e: Error) -> Self {
        StartError(e.to_string())
    }
}

impl AppState {
    /// The state of a service with `config`, reached by Salesflow at `public_url`.
    ///
    /// # Errors
    ///
    /// A configuration the SDK refuses (a bad base URL, an account given twice, an empty
    /// token) or a short webhook secret.
    pub fn new(config: &Config, public_url: &str) -> Result<Self, StartError> {
        if config.webhook_secret.len() < 16 {
            return Err(StartError(
                "webhook_secret must be at least 16 characters".into(),
            ));
        }
        let metrics = Metrics::default();
        // One pool for every account: connections, the metrics layer and pacing are shared;
        // the pool itself has no credentials and cannot send.
        let mut builder = Client::builder()
            .layer(metrics_layer(metrics.clone()))
            .pacing(
                Pacing::requests_per_second(config.requests_per_second)
                    .burst(5)
                    .daily_imports(config.daily_imports),
            );
        if let Some(url) = &config.salesflow_base_url {
            builder = builder.base_url(url);
        }
        let pool: ClientPool = builder.build_pool()?;
        let clients = pool.for_accounts(
            config
                .accounts
                .iter()
                .map(|a| (a.account_id, a.token.as_str())),
        )?;
        let webhook_base = format!(
            "{}/hooks/{}",
            public_url.trim_end_matches('/'),
            config.webhook_secret
        );
        Ok(AppState {
            clients: Arc::new(clients),
            webhook_secret: Arc::from(config.webhook_secret.as_str()),
            webhook_base: Arc::from(webhook_base),
            stats_timeout: config.stats_timeout,
            metrics,
            events: Arc::default(),
        })
    }

    /// The client of an account the service drives.
    pub fn client(&self, account_id: AccountId) -> Option<&Client> {
        self.clients.get(&account_id)
    }

    /// The metrics recorded so far.
    pub fn metrics(&self) -> BTreeMap<&'static str, OperationStats> {
        self.metrics.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Attaches a webhook per event to every campaign of every account (one ListCampaigns
    /// and one ListWebhooks per account, plus what is missing), and returns how many
    /// attachments were made. An account that fails is logged and skipped: the next run
    /// completes it.
    pub async fn reconcile_webhooks(&self) -> usize {
        let mut made = 0;
        for (account_id, client) in self.clients.iter() {
            match client
                .reconcile_webhooks_per_event(&self.webhook_base, RunOn::KNOWN)
                .await
            {
                Ok(hooks) => made += hooks.iter().filter(|h| h.attached_now).count(),
                Err(err) => tracing::warn!(%account_id, "webhooks not reconciled: {err}"),
            }
        }
        made
    }
}

/// An error answered to the service's caller: the status, and the SDK error's public message
/// (the detailed one is logged).
struct ApiFailure(Error);

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let err = self.0;
        tracing::warn!(error = %err, "salesflow call failed");
        let status = match &err {
            Error::Validation(_) => StatusCode::BAD_REQUEST,
            Error::BudgetExhausted { .. } => StatusCode::TOO_MANY_REQUESTS,
            _ if err.is_timeout() => StatusCode::GATEWAY_TIMEOUT,
            _ => match err.api_kind() {
                Some(ApiErrorKind::NotFound) => StatusCode::NOT_FOUND,
                Some(ApiErrorKind::RateLimited) => StatusCode::TOO_MANY_REQUESTS,
                Some(ApiErrorKind::Conflict) => StatusCode::CONFLICT,
                Some(ApiErrorKind::Unprocessable) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::BAD_GATEWAY,
            },
        };
        let body = Json(serde_json::json!({ "error": err.public_message().to_string() }));
        let mut response = (status, body).into_response();
        if let Some(wait) = err.retry_after() {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, secs.into());
        }
        response
    }
}

fn unknown_account() -> Response {
    let body = Json(serde_json::json!({ "error": "unknown account" }));
    (StatusCode::NOT_FOUND, body).into_response()
}

/// The client of the account named in the path, if the service drives it.
fn account(state: &AppState, raw: &str) -> Option<Client> {
    raw.parse::<AccountId>()
        .ok()
        .and_then(|id| state.client(id).cloned())
}

/// A campaign of the account, as the service shows it.
#[derive(Serialize)]
struct CampaignView {
    campaign_id: CampaignId,
    name: Option<String>,
    status: Option<String>,
}

async fn campaigns(State(state): State<AppState>, Path(account_id): Path<String>) -> Response {
    let Some(client) = account(&state, &account_id) else {
        return unknown_account();
    };
    match client.list_campaigns().await {
        Ok(campaigns) => {
            let views: Vec<CampaignView> = campaigns
                .into_iter()
                .map(|c| CampaignView {
                    campaign_id: c.campaign_id,
                    name: c.campaign_name,
                    status: c.status.map(|s| s.to_string()),
                })
                .collect();
            Json(views).into_response()
        }
        Err(err) => ApiFailure(err).into_response(),
    }
}

async fn stats(
    State(state): State<AppState>,
    Path((account_id, campaign_id)): Path<(String, i64)>,
) -> Response {
    let Some(client) = account(&state, &account_id) else {
        return unknown_account();
    };
    // A per-call timeout: the statistics may take long; the other calls keep the client's.
    let answer = client
        .get_campaign_statistics(campaign_id)
        .timeout(state.stats_timeout)
        .await;
    match answer {
        Ok(stats) => Json(stats).into_response(),
        Err(err) => ApiFailure(err).into_response(),
    }
}

/// The body of an import.
#[derive(Deserialize)]
struct ImportRequest {
    linkedin_url: String,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
}

/// The answer of an import.
#[derive(Serialize)]
struct Imported {
    member_id: i64,
    duplicate: bool,
}

async fn import(
    State(state): State<AppState>,
    Path((account_id, campaign_id)): Path<(String, i64)>,
    Json(request): Json<ImportRequest>,
) -> Response {
    let Some(client) = account(&state, &account_id) else {
        return unknown_account();
    };
    let mut call = client.import_member(campaign_id, request.linkedin_url);
    if let Some(first) = request.first_name {
        call = call.first_name(first);
    }
    if let Some(last) = request.last_name {
        call = call.last_name(last);
    }
    match call.await {
        Ok(member) => (
            StatusCode::CREATED,
            Json(Imported {
                member_id: member.member_id.get(),
                duplicate: member.is_duplicate(),
            }),
        )
            .into_response(),
        Err(err) => ApiFailure(err).into_response(),
    }
}

async fn events(State(state): State<AppState>, Path(account_id): Path<String>) -> Response {
    let Some(id) = account_id
        .parse::<AccountId>()
        .ok()
        .filter(|id| state.client(*id).is_some())
    else {
        return unknown_account();
    };
    let events = state
        .events
        .lock()
        .map(|e| e.get(&id).cloned().unwrap_or_default())
        .unwrap_or_default();
    Json(events).into_response()
}

/// The webhook receiver: the secret checked in constant time, the account and event read
/// from the URL, the payload decoded and kept.
async fn receive(
    State(state): State<AppState>,
    Path((secret, account_id, event)): Path<(String, String, String)>,
    body: Bytes,
) -> StatusCode {
    let Some(route) = WebhookRoute::verify(&state.webhook_secret, &secret, &account_id, &event)
    else {
        return StatusCode::NOT_FOUND;
    };
    if state.client(route.account_id).is_none() {
        return StatusCode::NOT_FOUND;
    }
    let span = tracing::Span::current();
    span.record("account_id", route.account_id.get());
    span.record("event", route.event.path_segment().as_ref());
    let payload = match WebhookPayload::from_slice(&body) {
        Ok(p) => p,
        Err(err) => {
            tracing::warn!("rejected a webhook delivery: {err}");
            return StatusCode::BAD_REQUEST;
        }
    };
    let received = ReceivedEvent {
        event: route.event.path_segment().into_owned(),
        member_id: payload.member_id,
        name: match (&payload.first_name, &payload.last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(n), None) | (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        },
    };
    if let Ok(mut events) = state.events.lock() {
        events.entry(route.account_id).or_default().push(received);
    }
    StatusCode::NO_CONTENT
}

async fn metrics(State(state): State<AppState>) -> String {
    let mut out = String::new();
    for (operation, s) in state.metrics() {
        let _ = writeln!(
            out,
            "salesflow_attempts{{operation=\"{operation}\"}} {}\n\
             salesflow_failures{{operation=\"{operation}\"}} {}\n\
             salesflow_time_ms{{operation=\"{operation}\"}} {}",
            s.attempts, s.failures, s.total_ms
        );
    }
    out
}

/// The span of each request: the method and the route's *template*, never the URI (the
/// webhook URLs hold the secret). The receiver records the account and the event.
fn request_span(request: &Request<Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("<no route>", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        account_id = Empty,
        event = Empty,
    )
}

/// The service's routes (see the [crate's documentation](crate)).
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/accounts/{account_id}/campaigns", get(campaigns))
        .route(
            "/accounts/{account_id}/campaigns/{campaign_id}/stats",
            get(stats),
        )
        .route(
            "/accounts/{account_id}/campaigns/{campaign_id}/members",
            post(import),
        )
        .route("/accounts/{account_id}/events", get(events))
        .route(
            "/hooks/{secret}/{account_id}/{event}",
            post(receive).layer(DefaultBodyLimit::max(MAX_PAYLOAD_BYTES)),
        )
        .route("/metrics", get(metrics))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// A running service.
#[derive(Debug)]
pub struct Running {
    /// Its address.
    pub addr: SocketAddr,
    /// Its state.
    pub state: AppState,
    server: tokio::task::JoinHandle<()>,
    reconciler: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops the server and the reconciler.
    pub fn stop(self) {
        self.server.abort();
        self.reconciler.abort();
    }
}

/// Starts the service on `listener`: attaches the webhooks (a first reconcile), then serves,
/// reconciling every [`Config::reconcile_every`].
///
/// # Errors
///
/// See [`AppState::new`]; and when the listener has no address.
pub async fn start(
    config: &Config,
    listener: tokio::net::TcpListener,
) -> Result<Running, StartError> {
    let addr = listener
        .local_addr()
        .map_err(|e| StartError(format!("no local address: {e}")))?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let state = AppState::new(config, &public_url)?;
    let server = tokio::spawn({
        let app = app(state.clone());
        async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("server stopped: {e}");
            }
        }
    });
    let made = state.reconcile_webhooks().await;
    tracing::info!(made, "webhooks attached");
    let reconciler = tokio::spawn({
        let state = state.clone();
        let every = config.reconcile_every;
        async move {
            let mut ticks = tokio::time::interval(every);
            ticks.tick().await; // the first tick is now: the reconcile above
            loop {
                ticks.tick().await;
                let made = state.reconcile_webhooks().await;
                if made > 0 {
                    tracing::info!(made, "webhooks attached to new campaigns");
                }
            }
        }
    });
    Ok(Running {
        addr,
        state,
        server,
        reconciler,
    })
}
