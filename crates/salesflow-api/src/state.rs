//! The client's state: credentials and the base URL of each host.

use std::fmt;
use std::time::Duration;

use salesflow_webhook_types::AccountId;

use crate::middleware::HttpService;
use crate::redact::Redactor;
pub use salesflow_token::ApiToken;

/// The vendor's default base URL of the `mvc` host (every operation but one):
/// `https://mvc.salesflow.io/api`.
pub const DEFAULT_MVC_BASE_URL: &str = "https://mvc.salesflow.io/api";
/// The vendor's default base URL of the `app` host (GetCampaignStatistics):
/// `https://app.salesflow.io/api`.
pub const DEFAULT_APP_BASE_URL: &str = "https://app.salesflow.io/api";

/// The base URL of each of the vendor's two hosts.
///
/// ```
/// use salesflow_api::Hosts;
/// // Both hosts on one local server (a mock, a proxy):
/// let hosts = Hosts::single("http://127.0.0.1:8080/api/");
/// assert_eq!(hosts.app(), "http://127.0.0.1:8080/api");
/// assert_eq!(hosts.mvc(), hosts.app());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hosts {
    mvc: String,
    app: String,
}

impl Default for Hosts {
    fn default() -> Self {
        Hosts::new(DEFAULT_MVC_BASE_URL, DEFAULT_APP_BASE_URL)
    }
}

impl Hosts {
    /// Each host at its own base URL (a trailing `/` is ignored).
    pub fn new(mvc: impl Into<String>, app: impl Into<String>) -> Self {
        Hosts {
            mvc: trim(mvc.into()),
            app: trim(app.into()),
        }
    }

    /// Both hosts at one base URL: the override for a local mock or a proxy.
    pub fn single(base_url: impl Into<String>) -> Self {
        let base = trim(base_url.into());
        Hosts {
            mvc: base.clone(),
            app: base,
        }
    }

    /// The base URL of the `mvc` host.
    pub fn mvc(&self) -> &str {
        &self.mvc
    }

    /// The base URL of the `app` host.
    pub fn app(&self) -> &str {
        &self.app
    }
}

fn trim(mut url: String) -> String {
    while url.ends_with('/') {
        url.pop();
    }
    url
}

/// What the generated client carries besides its `mvc` base URL: the credentials and the
/// base URL of the `app` host. Its `Debug` redacts the token.
#[derive(Clone)]
pub struct ClientState {
    pub(crate) token: ApiToken,
    pub(crate) redactor: Redactor,
    pub(crate) account_id: Option<AccountId>,
    pub(crate) app_base_url: String,
    pub(crate) timeout: Option<Duration>,
    pub(crate) service: Option<HttpService>,
}

impl ClientState {
    /// Credentials: the token and, for every operation but ListAccounts, the account id the
    /// token was issued for. The `app` host is the vendor's until
    /// [`with_app_base_url`](Self::with_app_base_url) says otherwise.
    pub fn new(token: ApiToken, account_id: Option<AccountId>) -> Self {
        ClientState {
            redactor: Redactor::new(&token),
            token,
            account_id,
            app_base_url: DEFAULT_APP_BASE_URL.to_owned(),
            timeout: None,
            service: None,
        }
    }

    /// Sends every request through `service` (the HTTP client wrapped in a service's own
    /// layers; see [`middleware`](crate::middleware)) instead of the HTTP client directly.
    pub fn with_service(mut self, service: HttpService) -> Self {
        self.service = Some(service);
        self
    }

    /// Other credentials, the same hosts: a state for another account.
    pub fn with_credentials(mut self, token: ApiToken, account_id: Option<AccountId>) -> Self {
        self.redactor = Redactor::new(&token);
        self.token = token;
        self.account_id = account_id;
        self
    }

    /// A total timeout for each request made with this state, overriding the HTTP client's
    /// (`None`: the HTTP client's own).
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The per-request timeout that overrides the HTTP client's, if any.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Sends the `app` host's operations to another base URL.
    pub fn with_app_base_url(mut self, url: impl Into<String>) -> Self {
        self.app_base_url = trim(url.into());
        self
    }

    /// The account id sent as `accountId`, if any.
    pub fn account_id(&self) -> Option<AccountId> {
        self.account_id
    }

    /// The redactor of this state's token (shared by clones).
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The base URL of the `app` host.
    pub fn app_base_url(&self) -> &str {
        &self.app_base_url
    }
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("token", &self.token)
            .field("account_id", &self.account_id)
            .field("app_base_url", &self.app_base_url)
            .field("timeout", &self.timeout)
            .field("middleware", &self.service.is_some())
            .finish()
    }
}
