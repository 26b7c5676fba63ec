//! The client, its builder, and the machinery every call goes through (account-id check,
//! retries, error mapping, tracing).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::ResponseValue;
use salesflow_api::operations::{self, Operation};
use salesflow_api::{ClientState, Hosts};
use tracing::field::Empty;
use tracing::Instrument;

use crate::error::{map_raw_error, Error, RawError, Redactor};
use crate::retry::{should_retry, RetryPolicy};
use crate::ApiToken;

/// The default total timeout of a request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("salesflow-rs/", env!("CARGO_PKG_VERSION"));

/// The environment variable holding the token.
pub const ENV_TOKEN: &str = "SALESFLOW_TOKEN";
/// The environment variable holding the account id.
pub const ENV_ACCOUNT_ID: &str = "SALESFLOW_ACCOUNT_ID";
/// The environment variable overriding the base URL of both hosts.
pub const ENV_BASE_URL: &str = "SALESFLOW_BASE_URL";

/// A Salesflow API client: credentials, hosts, HTTP client and retry policy.
///
/// Cheap to clone (an `Arc` inside); clones share the connection pool. Its `Debug` never
/// shows the token. Build one with [`Client::builder`] or [`Client::from_env`].
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) api: salesflow_api::Client,
    pub(crate) account_id: Option<i64>,
    pub(crate) hosts: Hosts,
    pub(crate) retry: RetryPolicy,
    pub(crate) redactor: Redactor,
    /// The total timeout of one attempt, when this crate built the HTTP client.
    pub(crate) timeout: Option<Duration>,
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
    account_id: Option<i64>,
    mvc_base_url: Option<String>,
    app_base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
}

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
            .finish()
    }
}

impl ClientBuilder {
    /// The API token (required).
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
    /// [`Client::accounts`]; a call that needs it fails with [`Error::Config`] before any
    /// request when it is missing.
    pub fn account_id(mut self, account_id: i64) -> Self {
        self.account_id = Some(account_id);
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

    /// The total timeout of one attempt (default 30 s). Ignored with
    /// [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connection timeout (default: none besides `timeout`). Ignored with
    /// [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The `User-Agent` (default `salesflow-rs/<version>`). Ignored with
    /// [`http_client`](Self::http_client).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses this HTTP client as it is (its timeouts, proxies, TLS and `User-Agent`);
    /// [`timeout`](Self::timeout), [`connect_timeout`](Self::connect_timeout) and
    /// [`user_agent`](Self::user_agent) are then ignored.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the token is missing or empty, a base URL is not an absolute
    /// `http(s)` URL, or the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let token = self
            .token
            .filter(|t| !t.expose_secret().trim().is_empty())
            .ok_or_else(|| Error::Config("no API token given".into()))?;
        let defaults = Hosts::default();
        let mvc = check_base_url("mvc base URL", self.mvc_base_url, defaults.mvc())?;
        let app = check_base_url("app base URL", self.app_base_url, defaults.app())?;
        let hosts = Hosts::new(mvc, app);
        let timeout = self
            .http_client
            .is_none()
            .then(|| self.timeout.unwrap_or(DEFAULT_TIMEOUT));
        let http = match self.http_client {
            Some(client) => client,
            None => {
                let mut builder = reqwest::Client::builder()
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
        let redactor = Redactor::new(token.expose_secret());
        let state = ClientState::new(token, self.account_id);
        let api = salesflow_api::Client::with_hosts(&hosts, http, state);
        Ok(Client {
            inner: Arc::new(Inner {
                api,
                account_id: self.account_id,
                hosts,
                retry: self.retry.unwrap_or_default(),
                redactor,
                timeout,
            }),
        })
    }
}

fn check_base_url(what: &str, url: Option<String>, default: &str) -> Result<String, Error> {
    let url = url.unwrap_or_else(|| default.to_owned());
    match url::Url::parse(&url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(url),
        _ => Err(Error::Config(format!(
            "invalid {what} `{url}`: not an absolute http(s) URL"
        ))),
    }
}

/// Ids that a request is about, recorded on its span.
#[derive(Clone, Copy, Default)]
pub(crate) struct Ids {
    pub(crate) campaign_id: Option<i64>,
    pub(crate) member_id: Option<i64>,
    pub(crate) webhook_id: Option<i64>,
}

impl Ids {
    pub(crate) fn campaign(id: i64) -> Self {
        Ids {
            campaign_id: Some(id),
            ..Ids::default()
        }
    }
    pub(crate) fn member(id: i64) -> Self {
        Ids {
            member_id: Some(id),
            ..Ids::default()
        }
    }
    pub(crate) fn webhook(id: i64) -> Self {
        Ids {
            webhook_id: Some(id),
            ..Ids::default()
        }
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `SALESFLOW_TOKEN` (required),
    /// `SALESFLOW_ACCOUNT_ID` (an integer; may be left out to call only
    /// [`accounts`](Self::accounts)) and `SALESFLOW_BASE_URL` (optional, both hosts).
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
    /// assert_eq!(client.account_id(), Some(321));
    /// # Ok::<(), salesflow::Error>(())
    /// ```
    pub fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let token = var(ENV_TOKEN)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| Error::Config(format!("{ENV_TOKEN} is not set")))?;
        let mut builder = Client::builder().token(token);
        if let Some(id) = var(ENV_ACCOUNT_ID).filter(|v| !v.trim().is_empty()) {
            let id = id.trim().parse::<i64>().map_err(|_| {
                Error::Config(format!("{ENV_ACCOUNT_ID} is not an integer account id"))
            })?;
            builder = builder.account_id(id);
        }
        if let Some(url) = var(ENV_BASE_URL).filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url.trim());
        }
        builder.build()
    }

    /// The account id sent as `accountId`, if any.
    pub fn account_id(&self) -> Option<i64> {
        self.inner.account_id
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The low-level generated client this one drives (token and hosts included), for
    /// what this crate does not cover.
    pub fn raw(&self) -> &salesflow_api::Client {
        &self.inner.api
    }

    pub(crate) fn operation(&self, id: &'static str) -> Result<&'static Operation, Error> {
        operations::find(id)
            .ok_or_else(|| Error::Config(format!("operation `{id}` missing from the table")))
    }

    /// Runs one operation: checks the account id, then sends it through `send` (again,
    /// for reads, under the retry policy), in a `salesflow.request` span.
    pub(crate) async fn call<T, F, Fut>(
        &self,
        op_id: &'static str,
        ids: Ids,
        mut send: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, RawError>>,
    {
        let op = self.operation(op_id)?;
        let span = tracing::info_span!(
            "salesflow.request",
            operation = op.vendor_name,
            campaign_id = Empty,
            member_id = Empty,
            webhook_id = Empty,
            status = Empty,
            attempt = Empty,
            duration_ms = Empty,
        );
        if let Some(id) = ids.campaign_id {
            span.record("campaign_id", id);
        }
        if let Some(id) = ids.member_id {
            span.record("member_id", id);
        }
        if let Some(id) = ids.webhook_id {
            span.record("webhook_id", id);
        }
        if op.needs_account_id && self.inner.account_id.is_none() {
            return Err(Error::Config(format!(
                "{} needs an account id: set it with ClientBuilder::account_id or {ENV_ACCOUNT_ID}",
                op.vendor_name
            )));
        }
        let run = async {
            let started = Instant::now();
            let mut attempt = 0u32;
            let result = loop {
                attempt += 1;
                tracing::Span::current().record("attempt", attempt);
                let err = match send().await {
                    Ok(value) => {
                        tracing::Span::current().record("status", value.status().as_u16());
                        break Ok(value.into_inner());
                    }
                    Err(raw) => {
                        map_raw_error(op, raw, &self.inner.redactor, self.inner.timeout).await
                    }
                };
                if let Some(status) = err.http_status() {
                    tracing::Span::current().record("status", status);
                }
                let delay = if should_retry(op, &err) {
                    self.inner
                        .retry
                        .next_delay(attempt, started.elapsed(), err.retry_after())
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
                    None => break Err(err),
                }
            };
            let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            tracing::Span::current().record("duration_ms", ms);
            match &result {
                Ok(_) => tracing::debug!("request succeeded"),
                Err(err) => tracing::debug!(error = %err, "request failed"),
            }
            result
        };
        run.instrument(span).await
    }
}
