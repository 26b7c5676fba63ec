//! A client without credentials of its own: what a service driving many accounts shares
//! (connection pool, hosts, layers, retry policy, pacing), and from which it makes one
//! [`Client`] per account.

use std::collections::BTreeMap;
use std::fmt;

use salesflow_webhook_types::AccountId;

use crate::{ApiToken, Client, ClientBuilder, Error, RetryPolicy};

/// The shared part of many accounts' clients, with no token or account of its own: a
/// connection pool, the hosts, the layers, the retry policy and the pacing. It has no
/// operation methods, so nothing can be sent without an account: make a [`Client`] per
/// account with [`for_account`](Self::for_account), or one per entry of a service's account
/// configuration with [`for_accounts`](Self::for_accounts). Those clients are cheap (no new
/// HTTP client, no new connection) and share everything but the credentials; their pacing is
/// kept per account.
///
/// Build one with [`ClientBuilder::build_pool`]. Cheap to clone; its `Debug` shows no token
/// (it has none).
///
/// # Why a type of its own
///
/// A [`Client`] built without an account id refuses every call but ListAccounts with
/// [`Error::Config`] before anything is sent; that is found when the call is made. A pool
/// makes the mistake impossible to write: the type that can send always has an account, the
/// type that has none cannot send. It costs one line (`pool.for_account(...)`), which a
/// multi-account service writes anyway.
///
/// ```compile_fail
/// # async fn demo() -> Result<(), salesflow::Error> {
/// let pool = salesflow::Client::builder().build_pool()?;
/// pool.list_campaigns().await?; // a pool has no operation methods: this does not compile
/// # Ok(()) }
/// ```
///
/// ```no_run
/// # async fn demo() -> Result<(), salesflow::Error> {
/// let pool = salesflow::Client::builder().build_pool()?;
/// pool.for_account("token-of-account-7", 7).list_campaigns().await?; // this does
/// # Ok(()) }
/// ```
///
/// # Example: the accounts of a service's configuration
///
/// ```
/// use std::time::Duration;
/// use salesflow::{AccountId, Client, Pacing};
///
/// /// One entry of the service's own configuration file.
/// #[derive(serde::Deserialize)]
/// struct AccountConfig {
///     account_id: i64,
///     token: String,
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config: Vec<AccountConfig> = serde_json::from_str(
///     r#"[{"account_id": 1001, "token": "token-of-1001"},
///         {"account_id": 1002, "token": "token-of-1002"}]"#,
/// )?;
/// let pool = Client::builder()
///     .timeout(Duration::from_secs(20))
///     .pacing(Pacing::requests_per_second(2.0))
///     .build_pool()?;
/// let clients = pool.for_accounts(config.iter().map(|a| (a.account_id, a.token.as_str())))?;
/// let client = &clients[&AccountId::new(1002)];
/// assert_eq!(client.account_id(), Some(AccountId::new(1002)));
/// // Every client sends with its own token and account, over the pool's connections.
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientPool {
    /// A client whose credentials are never used: only [`Client::for_account`] is called on
    /// it.
    base: Client,
}

impl fmt::Debug for ClientPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientPool")
            .field("mvc_base_url", &self.base.inner.hosts.mvc())
            .field("app_base_url", &self.base.inner.hosts.app())
            .field("retry", &self.base.inner.retry)
            .field(
                "pacing",
                &self.base.inner.pacer.as_ref().map(|p| p.pacing()),
            )
            .finish()
    }
}

impl ClientBuilder {
    /// Builds a [`ClientPool`]: everything but the credentials, which each account's client
    /// gets from [`ClientPool::for_account`].
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a token or an account id was given (they belong to the
    /// accounts' clients, so they would be ignored), and for the reasons of
    /// [`build`](Self::build) other than the token.
    ///
    /// ```
    /// let pool = salesflow::Client::builder().build_pool()?;
    /// let client = pool.for_account("token-of-account-7", 7);
    /// assert_eq!(client.account_id(), Some(salesflow::AccountId::new(7)));
    /// assert!(salesflow::Client::builder().token("t").build_pool().is_err());
    /// # Ok::<(), salesflow::Error>(())
    /// ```
    pub fn build_pool(self) -> Result<ClientPool, Error> {
        if self.has_credentials() {
            return Err(Error::Config(
                "a client pool has no token or account id of its own: give them to \
                 ClientPool::for_account instead"
                    .into(),
            ));
        }
        let base = self.build_with(ApiToken::new(String::new()))?;
        Ok(ClientPool { base })
    }
}

impl ClientPool {
    /// The client of one account: its token (issued for that account) and id, over the
    /// pool's connections, hosts, layers, retry policy and pacing.
    pub fn for_account(
        &self,
        token: impl Into<String>,
        account_id: impl Into<AccountId>,
    ) -> Client {
        self.base.for_account(token, account_id)
    }

    /// The client of each `(account id, token)`, by account id: a service's account
    /// configuration in one call.
    ///
    /// # Errors
    ///
    /// [`Error::Config`], naming the account (never the token), when an account is given
    /// twice or with an empty token: a configuration mistake is reported rather than one
    /// entry silently winning.
    ///
    /// ```
    /// let pool = salesflow::Client::builder().build_pool()?;
    /// let twice = pool.for_accounts([(1, "a"), (2, "b"), (1, "c")]).unwrap_err();
    /// assert_eq!(
    ///     twice.to_string(),
    ///     "configuration error: account 1 is given twice"
    /// );
    /// # Ok::<(), salesflow::Error>(())
    /// ```
    pub fn for_accounts<A, T>(
        &self,
        accounts: impl IntoIterator<Item = (A, T)>,
    ) -> Result<BTreeMap<AccountId, Client>, Error>
    where
        A: Into<AccountId>,
        T: Into<String>,
    {
        let mut clients = BTreeMap::new();
        for (account_id, token) in accounts {
            let account_id = account_id.into();
            let token = token.into();
            if token.trim().is_empty() {
                return Err(Error::Config(format!(
                    "account {account_id} has an empty token"
                )));
            }
            if clients.contains_key(&account_id) {
                return Err(Error::Config(format!(
                    "account {account_id} is given twice"
                )));
            }
            clients.insert(account_id, self.for_account(token, account_id));
        }
        Ok(clients)
    }

    /// The retry policy every account's client starts with.
    pub fn retry_policy(&self) -> &RetryPolicy {
        self.base.retry_policy()
    }
}
