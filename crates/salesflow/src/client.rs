//! The client, its builder, and the machinery every call goes through (account-id check,
//! retries, error mapping, tracing).

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::{ClientInfo, ResponseValue};
use salesflow_api::middleware::{transport, HttpService};
use salesflow_api::operations::Operation;
use salesflow_api::types::StatusMessage;
use salesflow_api::{ClientState, Hosts};
use salesflow_webhook_types::drift::{DriftLog, DriftReport, Walk};
use salesflow_webhook_types::{AccountId, CampaignId, MemberId, WebhookCampaignId, WebhookId};
use tracing::field::Empty;
use tracing::Instrument;

use crate::call::{CallOptions, Request};
use crate::error::{check_status_message, map_raw_error, Error, RawError, Redactor};
use crate::pacing::{Pacer, Pacing, PacingBackend};
use crate::retry::{should_retry, RetryPolicy};
use crate::ApiToken;

/// The default total timeout of a request: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default `User-Agent`: `salesflow-rs/<version>`, the version of this crate.
pub const DEFAULT_USER_AGENT: &str = concat!("salesflow-rs/", env!("CARGO_PKG_VERSION"));

/// The environment variable holding the token: `SALESFLOW_TOKEN`.
pub const ENV_TOKEN: &str = "SALESFLOW_TOKEN";
/// The environment variable holding the account id: `SALESFLOW_ACCOUNT_ID`.
pub const ENV_ACCOUNT_ID: &str = "SALESFLOW_ACCOUNT_ID";
/// The environment variable overriding the base URL of both hosts: `SALESFLOW_BASE_URL`.
pub const ENV_BASE_URL: &str = "SALESFLOW_BASE_URL";

/// A Salesflow API client: credentials, hosts, HTTP client and retry policy.
///
/// Every operation of the API is a method named after the spec's `operationId` in snake
/// case. Each returns a [`Call`](crate::Call): set optional parameters and per-call options
/// on it, then `.await` it.
///
#[doc = include_str!("generated/operations.md")]
///
/// Cheap to clone (an `Arc` inside); clones share the connection pool. Its `Debug` never
/// shows the token. Build one with [`Client::builder`] or [`Client::from_env`].
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) api: salesflow_api::Client,
    pub(crate) account_id: Option<AccountId>,
    pub(crate) hosts: Hosts,
    pub(crate) retry: RetryPolicy,
    pub(crate) redactor: Redactor,
    /// The total timeout of one attempt, when this crate built the HTTP client.
    pub(crate) timeout: Option<Duration>,
    /// How many redirects the HTTP client follows, when this crate built it.
    pub(crate) redirect_limit: Option<usize>,
    pub(crate) pacer: Option<Arc<dyn PacingBackend>>,
    /// Why the token cannot be sent (see [`ApiToken::problem`]), for a client from
    /// [`Client::for_account`], which cannot fail: each call fails with it instead.
    pub(crate) token_problem: Option<&'static str>,
    /// Where answers holding what this version does not know are recorded.
    pub(crate) drift: Arc<DriftLog>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("token", &"<redacted>")
            .field("account_id", &self.inner.account_id)
            .field("mvc_base_url", &self.inner.hosts.mvc())
            .field("app_base_url", &self.inner.hosts.app())
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// Builds a [`Client`].
///
/// ```no_run
/// use std::time::Duration;
/// # fn demo() -> Result<(), salesflow::Error> {
/// let client = salesflow::Client::builder()
///     .token("my-token")
///     .account_id(321)
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    token: Option<ApiToken>,
    account_id: Option<AccountId>,
    mvc_base_url: Option<String>,
    app_base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    layers: Vec<Layer>,
    pacing: Option<Arc<dyn PacingBackend>>,
    drift: Option<Arc<DriftLog>>,
}

/// A middleware layer, type-erased.
type Layer = Arc<dyn Fn(HttpService) -> HttpService + Send + Sync>;

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("account_id", &self.account_id)
            .field("mvc_base_url", &self.mvc_base_url)
            .field("app_base_url", &self.app_base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<custom>"),
            )
            .field("layers", &self.layers.len())
            .field("pacing", &self.pacing.as_ref().map(|p| p.pacing()))
            .field("drift", &self.drift)
            .finish()
    }
}

impl ClientBuilder {
    /// The API token (required). Whitespace around it is dropped (see [`ApiToken::new`]).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(ApiToken::new(token));
        self
    }

    /// The API token, already wrapped.
    pub fn api_token(mut self, token: ApiToken) -> Self {
        self.token = Some(token);
        self
    }

    /// The account id the token was issued for. Required by every call but
    /// [`Client::list_accounts`]; a call that needs it fails with [`Error::Config`] before any
    /// request when it is missing.
    pub fn account_id(mut self, account_id: impl Into<AccountId>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// One base URL for both hosts (a proxy, a local mock), e.g. `http://127.0.0.1:8080/api`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.mvc_base_url = Some(url.clone());
        self.app_base_url = Some(url);
        self
    }

    /// The base URL of the `mvc` host (every operation but GetCampaignStatistics); default
    /// `https://mvc.salesflow.io/api`.
    pub fn mvc_base_url(mut self, url: impl Into<String>) -> Self {
        self.mvc_base_url = Some(url.into());
        self
    }

    /// The base URL of the `app` host (GetCampaignStatistics); default
    /// `https://app.salesflow.io/api`.
    pub fn app_base_url(mut self, url: impl Into<String>) -> Self {
        self.app_base_url = Some(url.into());
        self
    }

    /// The total timeout of one attempt (default 30 s). With
    /// [`http_client`](Self::http_client), it is set on each request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connection timeout (default: none besides `timeout`). Set it on the HTTP client
    /// instead when giving one: [`build`](Self::build) refuses both.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The `User-Agent` (default `salesflow-rs/<version>`). Set it on the HTTP client instead
    /// when giving one: [`build`](Self::build) refuses both.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses this HTTP client (its connection pool, proxies, TLS settings, connect timeout and
    /// `User-Agent`): to share one pool with other code, or to configure what this builder
    /// does not. [`reqwest`](crate::reqwest) is re-exported, so no dependency of your own is
    /// needed. [`timeout`](Self::timeout) still applies (to each request);
    /// [`connect_timeout`](Self::connect_timeout) and [`user_agent`](Self::user_agent) are
    /// settings of the HTTP client itself, so giving them as well is an error of
    /// [`build`](Self::build), never silently dropped.
    ///
    /// To share one pool between many accounts, prefer [`ClientBuilder::build_pool`] (or
    /// [`Client::for_account`]).
    ///
    /// ```
    /// let http = salesflow::reqwest::Client::builder()
    ///     .user_agent("my-service/1.0")
    ///     .build()?;
    /// let client = salesflow::Client::builder().token("t").http_client(http).build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Wraps every request in a [`tower`] layer: a service's own code around each call
    /// (metrics, request ids, logging, an auth proxy). The layer wraps a
    /// [`HttpService`](salesflow_api::middleware::HttpService) (`http::Request` in,
    /// `http::Response` out); each request's extensions carry a
    /// [`RequestContext`](salesflow_api::middleware::RequestContext) naming its operation
    /// and account. Retries happen outside the layers, so a layer sees every attempt. Layers
    /// added first are outermost (they see the request first). An HTTP 200 whose body is
    /// the vendor's error (`{"Status": 404, ...}`) reaches the layers with a
    /// [`BodyStatus`](salesflow_api::middleware::BodyStatus) in its extensions: count
    /// [`BodyStatus::effective_status`](salesflow_api::middleware::BodyStatus::effective_status)
    /// rather than the HTTP status. See [`salesflow_api::middleware`] for why tower,
    /// [`observe`](salesflow_api::middleware::observe) for a layer that only times and counts
    /// attempts, and `examples/metrics.rs` for one that records each operation's latency.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<HttpService> + Send + Sync + 'static,
        L::Service: tower::Service<
                salesflow_api::middleware::HttpRequest,
                Response = salesflow_api::middleware::HttpResponse,
                Error = reqwest::Error,
            > + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<salesflow_api::middleware::HttpRequest>>::Future:
            Send + 'static,
    {
        self.layers
            .push(Arc::new(move |inner| HttpService::new(layer.layer(inner))));
        self
    }

    /// Paces every account's requests on the client side (see [`Pacing`]): a steady rate,
    /// a daily budget of imports. Every clone of the client, and every client from
    /// [`Client::for_account`], shares the same limits per account.
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = Some(Arc::new(Pacer::new(pacing)));
        self
    }

    /// Paces every account's requests through `backend` instead of an in-process [`Pacer`]:
    /// the way several processes share one account's rate and daily budget (give each the
    /// same backend, e.g. the `postgres` feature's `PgPacer` on one database). Replaces
    /// [`pacing`](Self::pacing), and the other way round.
    pub fn pacing_backend(mut self, backend: Arc<dyn PacingBackend>) -> Self {
        self.pacing = Some(backend);
        self
    }

    /// Records what the answers hold that this version does not know (see
    /// [`Client::drift`]) in `log` instead of the process's log,
    /// [`DriftLog::global`](salesflow_webhook_types::drift::DriftLog::global): to keep one
    /// client's observations apart. Clients from [`Client::for_account`] share their parent's.
    pub fn drift_log(mut self, log: Arc<DriftLog>) -> Self {
        self.drift = Some(log);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the token is missing or empty or holds a control character
    /// (a line break, a tab) inside it, a base URL is not an absolute `http(s)` URL or has a
    /// query or a fragment, or the HTTP client cannot be built. No message shows the token.
    pub fn build(mut self) -> Result<Client, Error> {
        let token = self
            .token
            .take()
            .filter(|t| !t.expose_secret().is_empty())
            .ok_or_else(|| Error::Config("no API token given".into()))?;
        if let Some(problem) = token.problem() {
            return Err(Error::Config(problem.into()));
        }
        self.build_with(token)
    }

    /// Whether a token or an account id was given (which
    /// [`build_pool`](Self::build_pool) refuses).
    pub(crate) fn has_credentials(&self) -> bool {
        self.token.is_some() || self.account_id.is_some()
    }

    /// Builds the client with `token` (the builder's own is ignored).
    pub(crate) fn build_with(self, token: ApiToken) -> Result<Client, Error> {
        let redactor = Redactor::new(&token);
        let defaults = Hosts::default();
        let mvc = check_base_url("mvc base URL", self.mvc_base_url, defaults.mvc(), &redactor)?;
        let app = check_base_url("app base URL", self.app_base_url, defaults.app(), &redactor)?;
        let hosts = Hosts::new(mvc, app);
        let mut per_request_timeout = None;
        // The total timeout of an attempt, when this client knows it (for error messages).
        let (timeout, redirect_limit) = match self.http_client {
            None => (
                Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT)),
                Some(MAX_REDIRECTS),
            ),
            Some(_) => (self.timeout, None),
        };
        let http = match self.http_client {
            Some(client) => {
                if self.connect_timeout.is_some() || self.user_agent.is_some() {
                    return Err(Error::Config(
                        "connect_timeout and user_agent are settings of the HTTP client: set \
                         them on the reqwest::Client given to http_client"
                            .into(),
                    ));
                }
                per_request_timeout = self.timeout;
                client
            }
            None => {
                let mut builder = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .user_agent(
                        self.user_agent
                            .unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned()),
                    );
                if let Some(t) = self.connect_timeout {
                    builder = builder.connect_timeout(t);
                }
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let mut state = ClientState::new(token, self.account_id).with_timeout(per_request_timeout);
        // One redactor for the hooks (URLs, span fields) and the errors.
        let redactor = state.redactor().clone();
        #[allow(unused_mut)]
        let mut layers = self.layers;
        #[cfg(feature = "opentelemetry")]
        layers.insert(
            0,
            Arc::new(|inner| tower::Layer::layer(&crate::otel::TraceContextLayer, inner)),
        );
        if !layers.is_empty() {
            let service = layers
                .iter()
                .rev()
                .fold(transport(http.clone()), |inner, layer| layer(inner));
            state = state.with_service(service);
        }
        let api = salesflow_api::Client::with_hosts(&hosts, http, state);
        Ok(Client {
            inner: Arc::new(Inner {
                api,
                account_id: self.account_id,
                hosts,
                retry: self.retry.unwrap_or_default(),
                redactor,
                timeout,
                redirect_limit,
                pacer: self.pacing,
                token_problem: None,
                drift: self.drift.unwrap_or_else(DriftLog::global),
            }),
        })
    }
}

/// How many redirects a client built here follows before it gives up (reqwest's default).
pub(crate) const MAX_REDIRECTS: usize = 10;

/// `url` if it is an absolute `http(s)` URL without a query or a fragment (the paths of the
/// operations and their query strings are appended to it); the error quotes it redacted.
fn check_base_url(
    what: &str,
    url: Option<String>,
    default: &str,
    redactor: &Redactor,
) -> Result<String, Error> {
    let url = url.unwrap_or_else(|| default.to_owned());
    let problem = match url::Url::parse(&url) {
        Ok(u) if !matches!(u.scheme(), "http" | "https") || !u.has_host() => {
            "not an absolute http(s) URL"
        }
        Ok(u) if u.query().is_some() => {
            "a base URL cannot have a query (`?...`): the operations' paths and parameters are appended to it"
        }
        Ok(u) if u.fragment().is_some() => {
            "a base URL cannot have a fragment (`#...`): the operations' paths are appended to it"
        }
        Ok(_) => return Ok(url),
        Err(_) => "not an absolute http(s) URL",
    };
    Err(Error::Config(format!(
        "invalid {what} `{}`: {problem}",
        redactor.redact(&url)
    )))
}

/// Ids that a request is about, recorded on its span.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ids {
    pub(crate) campaign_id: Option<CampaignId>,
    pub(crate) member_id: Option<MemberId>,
    pub(crate) webhook_id: Option<WebhookId>,
    pub(crate) webhook_campaign_id: Option<WebhookCampaignId>,
}

/// An answer as JSON (for [`AnyRequest::send_json`](crate::AnyRequest::send_json)).
pub(crate) fn to_json<T: serde::Serialize>(
    op: Operation,
    answer: &T,
) -> Result<serde_json::Value, Error> {
    serde_json::to_value(answer)
        .map_err(|e| Error::Config(format!("{op}: cannot write the answer as JSON: {e}")))
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `SALESFLOW_TOKEN` (required),
    /// `SALESFLOW_ACCOUNT_ID` (an integer; may be left out to call only
    /// [`list_accounts`](Self::list_accounts)) and `SALESFLOW_BASE_URL` (optional, both hosts).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the variable that is missing or malformed (never showing
    /// the token).
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), salesflow::Error> {
    /// let client = salesflow::Client::from_env()?;
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Client, Error> {
        for name in [ENV_TOKEN, ENV_ACCOUNT_ID, ENV_BASE_URL] {
            if let Err(std::env::VarError::NotUnicode(_)) = std::env::var(name) {
                return Err(Error::Config(format!("{name} is not valid UTF-8")));
            }
        }
        Client::from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `var` (for tests, or
    /// another source of configuration).
    ///
    /// ```
    /// let client = salesflow::Client::from_env_with(|name| match name {
    ///     "SALESFLOW_TOKEN" => Some("my-token".into()),
    ///     "SALESFLOW_ACCOUNT_ID" => Some("321".into()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(client.account_id(), Some(salesflow::AccountId::new(321)));
    /// # Ok::<(), salesflow::Error>(())
    /// ```
    pub fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let token = var(ENV_TOKEN)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| Error::Config(format!("{ENV_TOKEN} is not set")))?;
        let mut builder = Client::builder().token(token);
        if let Some(id) = var(ENV_ACCOUNT_ID).filter(|v| !v.trim().is_empty()) {
            let id = id.trim().parse::<AccountId>().map_err(|_| {
                Error::Config(format!("{ENV_ACCOUNT_ID} is not an integer account id"))
            })?;
            builder = builder.account_id(id);
        }
        if let Some(url) = var(ENV_BASE_URL).filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url.trim());
        }
        builder.build()
    }

    /// A client for another account (another token, issued for that account), sharing this
    /// one's connection pool, hosts, middleware, retry policy and pacing. Cheap: no new
    /// HTTP client, no new connections. The vendor issues one token per LinkedIn account, so
    /// a service running many accounts keeps one `Client` and calls this per account (or
    /// keeps the clients it returns). A service with no account of its own builds a
    /// [`ClientPool`](crate::ClientPool) instead ([`ClientBuilder::build_pool`]): it has
    /// no credentials, so it cannot send by mistake.
    ///
    /// The token is trimmed like [`ClientBuilder::token`]'s; one that cannot be sent (see
    /// [`ApiToken::problem`]: empty, a line break inside) makes every call of the returned
    /// client fail with [`Error::Config`] before anything is sent.
    ///
    /// ```
    /// # fn demo() -> Result<(), salesflow::Error> {
    /// let base = salesflow::Client::builder().token("token-of-account-1").account_id(1).build()?;
    /// let other = base.for_account("token-of-account-2", 2);
    /// assert_eq!(other.account_id(), Some(salesflow::AccountId::new(2)));
    /// # Ok(()) }
    /// ```
    pub fn for_account(
        &self,
        token: impl Into<String>,
        account_id: impl Into<AccountId>,
    ) -> Client {
        let token = ApiToken::new(token);
        let account_id = Some(account_id.into());
        let token_problem = token.problem();
        let state = self
            .inner
            .api
            .inner()
            .clone()
            .with_credentials(token, account_id);
        let redactor = state.redactor().clone();
        Client {
            inner: Arc::new(Inner {
                api: self.inner.api.with_state(state),
                account_id,
                hosts: self.inner.hosts.clone(),
                retry: self.inner.retry.clone(),
                redactor,
                timeout: self.inner.timeout,
                redirect_limit: self.inner.redirect_limit,
                pacer: self.inner.pacer.clone(),
                token_problem,
                drift: self.inner.drift.clone(),
            }),
        }
    }

    /// The account id sent as `accountId`, if any.
    pub fn account_id(&self) -> Option<AccountId> {
        self.inner.account_id
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// What the API's answers held that this version of the SDK does not know, so far: each
    /// unknown field (operation, JSON path, JSON type), field of an unexpected type, and
    /// unknown value of an open enum, once, with how often and when it was seen. Never the
    /// value of a field; an enum's value only when it has the shape of a code (see
    /// [`drift`](salesflow_webhook_types::drift)).
    ///
    /// The first sight of each item is also a `tracing` warning (target `salesflow::drift`).
    /// The report is serializable (JSON) and mergeable; `cargo xtask drift REPORT...` in the
    /// repository turns reports into a spec edit. Unless the client was given a log of its
    /// own ([`ClientBuilder::drift_log`]), this is the process's log, which webhook payloads
    /// decoded in the process are recorded in too.
    ///
    /// ```
    /// let client = salesflow::Client::builder().token("t").build()?;
    /// let report = client.drift();
    /// println!("{}", serde_json::to_string_pretty(&report)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn drift(&self) -> DriftReport {
        self.inner.drift.report()
    }

    /// The log this client records drift in (see [`drift`](Self::drift)).
    pub fn drift_log(&self) -> &Arc<DriftLog> {
        &self.inner.drift
    }

    /// The low-level generated client this one drives (token and hosts included), for
    /// what this crate does not cover.
    pub fn raw(&self) -> &salesflow_api::Client {
        &self.inner.api
    }

    /// Sends an operation's parameters (any struct of [`ops`](crate::ops)), with the
    /// client's options. The same as the method named after the operation, then `.await`.
    ///
    /// # Errors
    ///
    /// See [`Error`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::ops::ImportMember;
    /// let member = ImportMember::new(29854, "https://www.linkedin.com/in/john-smith-123456")
    ///     .first_name("John");
    /// let details = client.send(member).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send<R: Request>(&self, request: R) -> Result<R::Response, Error> {
        request.send(self.clone(), CallOptions::default()).await
    }

    /// The generated client to send a call with `options` through: this client's, or for a
    /// per-call timeout a copy (sharing the connection pool) that sets it on each request.
    pub(crate) fn api(&self, options: &CallOptions) -> Cow<'_, salesflow_api::Client> {
        match options.timeout {
            None => Cow::Borrowed(&self.inner.api),
            Some(timeout) => {
                let state = self.inner.api.inner().clone().with_timeout(Some(timeout));
                Cow::Owned(self.inner.api.with_state(state))
            }
        }
    }

    /// An HTTP-200 status body: an error when its `Status` is 400 or more.
    pub(crate) fn check_status_body(
        &self,
        op: Operation,
        message: StatusMessage,
    ) -> Result<StatusMessage, Error> {
        check_status_message(op, message, &self.inner.redactor)
    }

    /// Runs one operation: checks the account id, then sends it through `send` (again, if
    /// the retry policy says so), in a `salesflow.request` span.
    pub(crate) async fn execute<T, F, Fut>(
        &self,
        op: Operation,
        ids: Ids,
        options: &CallOptions,
        mut send: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, RawError>>,
        T: Walk,
    {
        let span = self.request_span(op, &ids);
        self.can_send(op)?;
        let retry = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let account = self.inner.account_id.filter(|_| op.needs_account_id());
        if let (Some(pacer), Operation::ImportMember) = (&self.inner.pacer, op) {
            pacer.take_import(op, account).await?;
        }
        let run = async {
            let started = Instant::now();
            let mut attempt = 0u32;
            let result = loop {
                attempt += 1;
                let attempt_span = attempt_span(op, attempt);
                if let Some(pacer) = &self.inner.pacer {
                    if let Err(err) = pacer.acquire(op, account).await {
                        attempt_span.record("error.type", err.error_type().as_ref());
                        tracing::Span::current().record("error.type", err.error_type().as_ref());
                        break Err(err);
                    }
                }
                let outcome = send().instrument(attempt_span.clone()).await;
                // Right after the decoding, on its thread (no `.await` in between): the mark
                // says whether the answer holds anything unknown; walked only then.
                let unknown = salesflow_webhook_types::drift::take_pending();
                let err = match outcome {
                    Ok(value) => {
                        if unknown {
                            self.inner.drift.observe(op.id(), &*value);
                        }
                        let status = value.status().as_u16();
                        attempt_span.record("http.response.status_code", status);
                        tracing::Span::current().record("http.response.status_code", status);
                        break Ok(value.into_inner());
                    }
                    Err(raw) => {
                        let timeout = options.timeout.or(self.inner.timeout);
                        map_raw_error(
                            op,
                            raw,
                            &self.inner.redactor,
                            timeout,
                            self.inner.redirect_limit,
                        )
                        .await
                    }
                };
                if let Some(status) = err.http_status() {
                    attempt_span.record("http.response.status_code", status);
                }
                attempt_span.record("error.type", err.error_type().as_ref());
                drop(attempt_span);
                let delay = if should_retry(op, &err) {
                    retry.next_delay(attempt, started.elapsed(), err.retry_after())
                } else {
                    None
                };
                match delay {
                    Some(delay) => {
                        tracing::debug!(
                            error = %err,
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            "retrying"
                        );
                        tokio::time::sleep(delay).await;
                    }
                    None => {
                        let current = tracing::Span::current();
                        if let Some(status) = err.http_status() {
                            current.record("http.response.status_code", status);
                        }
                        current.record("error.type", err.error_type().as_ref());
                        break Err(err);
                    }
                }
            };
            let current = tracing::Span::current();
            current.record("salesflow.attempts", attempt);
            let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            current.record("duration_ms", ms);
            match &result {
                Ok(_) => tracing::debug!("request succeeded"),
                Err(err) => tracing::debug!(error = %err, "request failed"),
            }
            result
        };
        run.instrument(span).await
    }

    /// Whether this client can send `op` at all: a token it can send, and an account id when
    /// `op` needs one (a `ClientPool`'s clients get theirs from `for_account`).
    fn can_send(&self, op: Operation) -> Result<(), Error> {
        if let Some(problem) = self.inner.token_problem {
            return Err(Error::Config(format!("{op}: {problem}")));
        }
        if op.needs_account_id() && self.inner.account_id.is_none() {
            return Err(Error::Config(format!(
                "{op} needs an account id: set it with ClientBuilder::account_id or \
                 {ENV_ACCOUNT_ID}, or make the client with ClientPool::for_account"
            )));
        }
        Ok(())
    }

    /// The span of one logical call, `salesflow.request`, with the ids it names.
    fn request_span(&self, op: Operation, ids: &Ids) -> tracing::Span {
        // The logical call: one span, whatever the number of attempts. Field names follow
        // the OpenTelemetry conventions where one exists; the operation and ids are ours.
        let span = tracing::info_span!(
            "salesflow.request",
            otel.name = op.id(),
            salesflow.operation = op.id(),
            salesflow.account_id = Empty,
            salesflow.campaign_id = Empty,
            salesflow.member_id = Empty,
            salesflow.webhook_id = Empty,
            salesflow.webhook_campaign_id = Empty,
            salesflow.attempts = Empty,
            http.response.status_code = Empty,
            error.type = Empty,
            duration_ms = Empty,
        );
        if let Some(id) = self.inner.account_id.filter(|_| op.needs_account_id()) {
            span.record("salesflow.account_id", id.get());
        }
        if let Some(id) = ids.campaign_id {
            span.record("salesflow.campaign_id", id.get());
        }
        if let Some(id) = ids.member_id {
            span.record("salesflow.member_id", id.get());
        }
        if let Some(id) = ids.webhook_id {
            span.record("salesflow.webhook_id", id.get());
        }
        if let Some(id) = ids.webhook_campaign_id {
            span.record("salesflow.webhook_campaign_id", id.get());
        }
        span
    }
}

/// The span of one attempt of `op` (OpenTelemetry: each resend is its own HTTP client span,
/// so that no field is recorded twice). The hook fills in the URL parts.
fn attempt_span(op: Operation, attempt: u32) -> tracing::Span {
    let span = tracing::info_span!(
        "salesflow.attempt",
        otel.name = %format_args!("{} {}", op.method(), op.path()),
        otel.kind = "client",
        http.request.method = op.method(),
        url.template = op.path(),
        server.address = Empty,
        server.port = Empty,
        url.path = Empty,
        http.request.resend_count = Empty,
        http.response.status_code = Empty,
        error.type = Empty,
    );
    if attempt > 1 {
        span.record("http.request.resend_count", attempt - 1);
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `Debug` of a client and of its builder show their settings and never the token
    /// (`tests/redaction.rs` checks every other place a token could show).
    #[test]
    fn debug_shows_the_settings_and_never_the_token() {
        let token = "tok-0123456789abcdefghij";
        let builder = Client::builder().token(token).account_id(321);
        let client = builder.clone().build().expect("a client");
        for (name, shown) in [
            ("ClientBuilder {", format!("{builder:?}")),
            ("Client {", format!("{client:?}")),
        ] {
            assert!(shown.starts_with(name), "{shown}");
            assert!(
                shown.contains("<redacted>") && shown.contains("321"),
                "{shown}"
            );
            assert!(!shown.contains(token), "{shown}");
        }
    }
}
