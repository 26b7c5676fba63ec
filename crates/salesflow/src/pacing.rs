//! Client-side pacing, per account: a steady request rate, and a daily budget of imports.
//!
//! The vendor caps each LinkedIn account's daily activity (invitations, follow-ups, profile
//! views) and answers 429 when an account calls too fast. A service that drives many
//! accounts paces each one itself instead of only reacting to 429: set a [`Pacing`] with
//! [`ClientBuilder::pacing`](crate::ClientBuilder::pacing). Every clone of the client, and
//! every client from [`Client::for_account`](crate::Client::for_account), shares one
//! [`Pacer`], keyed by account, so the limits hold across all of them.
//!
//! Several processes (replicas of a service, workers of one import) share one budget only
//! through a server: give every client the same [`PacingBackend`] with
//! [`ClientBuilder::pacing_backend`](crate::ClientBuilder::pacing_backend), e.g. the
//! PostgreSQL one of the `postgres` feature (`salesflow::postgres::PgPacer`). The in-process
//! [`Pacer`] is the default.
//!
//! ```
//! use salesflow::{Client, Pacing};
//! # fn demo() -> Result<(), salesflow::Error> {
//! let client = Client::builder()
//!     .token("token-of-account-1")
//!     .account_id(1)
//!     .pacing(Pacing::requests_per_second(2.0).burst(5).daily_imports(200))
//!     .build()?;
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::future::BoxFuture;

use chrono::{DateTime, NaiveDate, Utc};
use salesflow_api::operations::Operation;
use salesflow_webhook_types::AccountId;
use tokio::time::Instant;

use crate::Error;

/// The limits of one account (each account has its own).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Pacing {
    /// At most this many requests per second (each attempt counts), spaced evenly; `None`
    /// (or a rate that is not above zero) for no limit.
    pub requests_per_second: Option<f64>,
    /// How many requests may go at once before the spacing applies (at least 1).
    pub burst: u32,
    /// At most this many ImportMember calls per UTC day (retries of one call count once);
    /// `None` for no limit. Over budget, a call fails with [`Error::BudgetExhausted`]
    /// before anything is sent.
    pub daily_imports: Option<u32>,
}

impl Pacing {
    /// At most `rate` requests per second per account, one at a time.
    pub fn requests_per_second(rate: f64) -> Self {
        Pacing {
            requests_per_second: Some(rate),
            burst: 1,
            daily_imports: None,
        }
    }

    /// No request limit; set a daily budget with [`daily_imports`](Self::daily_imports).
    pub fn unlimited() -> Self {
        Pacing {
            burst: 1,
            ..Pacing::default()
        }
    }

    setters! { burst: u32 }

    /// Sets [`daily_imports`](Self::daily_imports).
    pub fn daily_imports(mut self, imports: u32) -> Self {
        self.daily_imports = Some(imports);
        self
    }
}

/// Where the pacing state of the accounts lives, and how a request takes its slot: in this
/// process ([`Pacer`], the default) or in a server every process shares (the `postgres`
/// feature's `PgPacer`). The client calls [`take_import`](Self::take_import) once per
/// ImportMember call and [`acquire`](Self::acquire) before every attempt of every call.
///
/// Implement it to keep the state elsewhere (Redis, another database); errors are returned
/// as [`Error::Pacing`] (or [`Error::BudgetExhausted`]) and nothing is sent.
pub trait PacingBackend: fmt::Debug + Send + Sync {
    /// The limits it applies.
    fn pacing(&self) -> &Pacing;

    /// Waits until `account` may send its next request, reserving that request's slot.
    fn acquire(
        &self,
        operation: Operation,
        account: Option<AccountId>,
    ) -> BoxFuture<'_, Result<(), Error>>;

    /// Takes one import from `account`'s budget of today (UTC).
    ///
    /// # Errors
    ///
    /// [`Error::BudgetExhausted`] when today's budget is spent; [`Error::Pacing`] when the
    /// state cannot be reached.
    fn take_import(
        &self,
        operation: Operation,
        account: Option<AccountId>,
    ) -> BoxFuture<'_, Result<(), Error>>;
}

impl PacingBackend for Pacer {
    fn pacing(&self) -> &Pacing {
        &self.pacing
    }

    fn acquire(
        &self,
        _operation: Operation,
        account: Option<AccountId>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            self.wait(account).await;
            Ok(())
        })
    }

    fn take_import(
        &self,
        operation: Operation,
        account: Option<AccountId>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        let taken = Pacer::take_import(self, operation, account);
        Box::pin(std::future::ready(taken))
    }
}

/// The start of the UTC day after `now`: when a daily budget resets.
pub(crate) fn next_utc_midnight(now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    now.date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// One account's state.
#[derive(Debug)]
struct AccountPace {
    /// The theoretical arrival time of the next request (GCRA).
    next: Instant,
    /// The UTC day of `imports`, and how many imports were made on it.
    day: NaiveDate,
    imports: u32,
}

/// The shared state of a [`Pacing`]: what every clone of a client waits on.
///
/// Usable alone, to pace other work by the same rules: [`wait`](Self::wait) before each
/// request, [`take_import`](Self::take_import) before each import.
#[derive(Debug)]
pub struct Pacer {
    pacing: Pacing,
    accounts: Mutex<HashMap<Option<AccountId>, AccountPace>>,
    today: fn() -> DateTime<Utc>,
}

impl Pacer {
    /// A pacer with these limits, for any number of accounts.
    pub fn new(pacing: Pacing) -> Self {
        Pacer {
            pacing,
            accounts: Mutex::new(HashMap::new()),
            today: Utc::now,
        }
    }

    /// The limits.
    pub fn pacing(&self) -> &Pacing {
        &self.pacing
    }

    fn with_account<R>(
        &self,
        account: Option<AccountId>,
        f: impl FnOnce(&mut AccountPace) -> R,
    ) -> R {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        let entry = accounts.entry(account).or_insert_with(|| AccountPace {
            next: Instant::now(),
            day: (self.today)().date_naive(),
            imports: 0,
        });
        f(entry)
    }

    /// How long the next request of `account` must wait, reserving its slot.
    fn reserve(&self, account: Option<AccountId>) -> Duration {
        let Some(rate) = self.pacing.requests_per_second.filter(|r| *r > 0.0) else {
            return Duration::ZERO;
        };
        let interval = Duration::from_secs_f64(1.0 / rate);
        let tolerance = interval.saturating_mul(self.pacing.burst.max(1) - 1);
        let now = Instant::now();
        self.with_account(account, |pace| {
            let tat = pace.next.max(now);
            let allowed_at = tat.checked_sub(tolerance).unwrap_or(now).max(now);
            pace.next = tat + interval;
            allowed_at - now
        })
    }

    /// Waits until `account` may send its next request (at once without a rate limit).
    pub async fn wait(&self, account: Option<AccountId>) {
        let delay = self.reserve(account);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }

    /// Takes one import from `account`'s budget of today (UTC).
    ///
    /// # Errors
    ///
    /// [`Error::BudgetExhausted`] when today's budget is spent.
    pub fn take_import(
        &self,
        operation: Operation,
        account: Option<AccountId>,
    ) -> Result<(), Error> {
        let Some(limit) = self.pacing.daily_imports else {
            return Ok(());
        };
        let now = (self.today)();
        self.with_account(account, |pace| {
            if pace.day != now.date_naive() {
                pace.day = now.date_naive();
                pace.imports = 0;
            }
            if pace.imports >= limit {
                let resets_at = next_utc_midnight(now);
                return Err(Error::BudgetExhausted {
                    operation,
                    account_id: account,
                    limit,
                    resets_at,
                });
            }
            pace.imports += 1;
            Ok(())
        })
    }

    #[cfg(test)]
    fn with_clock(mut self, today: fn() -> DateTime<Utc>) -> Self {
        self.today = today;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_resets_on_the_next_utc_day() {
        fn monday() -> DateTime<Utc> {
            "2026-11-23T23:59:00Z".parse().unwrap()
        }
        fn tuesday() -> DateTime<Utc> {
            "2026-11-24T00:01:00Z".parse().unwrap()
        }
        let pacer = Pacer::new(Pacing::unlimited().daily_imports(2)).with_clock(monday);
        let account = Some(AccountId::new(1));
        assert!(pacer.take_import(Operation::ImportMember, account).is_ok());
        assert!(pacer.take_import(Operation::ImportMember, account).is_ok());
        match pacer.take_import(Operation::ImportMember, account) {
            Err(Error::BudgetExhausted {
                limit: 2,
                resets_at,
                ..
            }) => {
                assert_eq!(resets_at, Some("2026-11-24T00:00:00Z".parse().unwrap()));
            }
            other => panic!("{other:?}"),
        }
        // Another account has its own budget.
        assert!(pacer
            .take_import(Operation::ImportMember, Some(AccountId::new(2)))
            .is_ok());
        let pacer = Pacer {
            today: tuesday,
            ..pacer
        };
        assert!(pacer.take_import(Operation::ImportMember, account).is_ok());
    }
}
