//! PostgreSQL for what several processes share (the `postgres` feature): the import journal
//! ([`PgJournal`]) and the pacing state of the accounts ([`PgPacer`]).
//!
//! Services run as several replicas on several machines: a file journal and an in-process
//! pacer cannot coordinate them. With one database:
//!
//! - **Import workers** on one job (the same rows, the same campaign) never send a row
//!   twice: each row is claimed by exactly one worker in one statement (`INSERT ... ON
//!   CONFLICT DO UPDATE ... WHERE`, the row lock deciding between two claims of the same
//!   profile), under a lease the worker renews. A worker that dies (or is cut off from the
//!   database for its whole lease) loses its rows: the next worker to meet them claims them
//!   and looks them up on the server before sending anything.
//! - **Pacing**: every request of an account takes its slot from one row (GCRA on the
//!   database's clock), and every import one unit of the account's daily budget.
//!
//! Why leases rather than advisory locks: an advisory lock lives as long as a connection, so
//! a database restart (or a pooled connection dropped) would release every worker's rows
//! while the workers still have requests in flight; a lease stored in a table survives the
//! restart, and a worker that cannot renew it stops sending before it runs out (see
//! [`Lease`]). `FOR UPDATE SKIP LOCKED` suits a queue that workers pull from; here every
//! worker reads its own copy of the input, so a claim is an insert of the row that only one
//! of them can win.
//!
//! # Schema
//!
//! [`PgStore::connect`] (or [`PgStore::migrate`]) applies the migrations this crate ships
//! ([`MIGRATIONS`], `migrations/*.sql` in the package), once per database, inside a
//! transaction holding an advisory lock, and records them in `salesflow_schema_migrations`.
//! The tables: `salesflow_import_workers`, `salesflow_import_rows` (one row per (campaign,
//! profile)), `salesflow_pacing`, `salesflow_budget`; the migration's comments say what each
//! column holds.
//!
//! # Outages
//!
//! A statement that fails because the server cannot be reached (restarting, a dropped
//! connection) is tried again, on a new connection, for up to
//! [`PgStore::outage_tolerance`] (30 s by default); after that the import stops with a
//! [`JournalError`] (rows claimed and not settled are looked up by the next run), and a
//! paced request fails with [`Error::Pacing`] without being sent.
//!
//! ```no_run
//! # async fn demo(client: salesflow::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use salesflow::postgres::PgStore;
//! let store = PgStore::connect("postgres://import@db.internal/salesflow").await?;
//! let members = vec![salesflow::ops::ImportMember::new(29854, "https://www.linkedin.com/in/ann")];
//! let summary = client
//!     .import_job(29854)
//!     .journal(store.journal())
//!     .run_members(members)
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! Connections are plain TCP ([`NoTls`]); for TLS build a [`Pool`] with a TLS connector
//! and use [`PgStore::from_pool`].

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, RecyclingMethod, Runtime};
use futures_util::future::BoxFuture;
use salesflow_api::operations::Operation;
use salesflow_webhook_types::{AccountId, MemberId};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

use crate::import::journal::{
    ClaimRequest, ClaimState, Entry, JobContext, Journal, JournalError, JournalFuture, Lease,
    Opened, Release, Settled,
};
use crate::pacing::{next_utc_midnight, Pacing, PacingBackend};
use crate::Error;

pub use deadpool_postgres::Pool;
pub use tokio_postgres::NoTls;

/// One migration of the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Migration {
    /// Its version (applied in order, once).
    pub version: i32,
    /// What it does.
    pub name: &'static str,
    /// Its SQL.
    pub sql: &'static str,
}

/// The migrations this crate ships, in order: version 1, "import journal and pacing"
/// (its SQL: `include_str!("../migrations/0001_import_journal_and_pacing.sql")`).
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "import journal and pacing",
    sql: include_str!("../migrations/0001_import_journal_and_pacing.sql"),
}];

/// The advisory lock key held while migrating ("salesflo" in ASCII).
const MIGRATION_LOCK: i64 = 0x7361_6c65_7366_6c6f;

/// The default [`PgStore::outage_tolerance`]: 30 seconds.
pub const DEFAULT_OUTAGE_TOLERANCE: Duration = Duration::from_secs(30);

/// The default lease of a [`PgJournal`]'s worker: 60 seconds.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// How many journal entries are buffered before they are written.
const RECORD_BATCH: usize = 128;

/// How many rows are claimed ahead of the free request slots.
const PREFETCH: usize = 32;

/// The database could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct PgError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl PgError {
    fn db(what: &str, err: tokio_postgres::Error) -> Self {
        PgError {
            message: format!("{what}: {}", describe(&err)),
            source: Some(Box::new(err)),
        }
    }
}

impl From<PgError> for JournalError {
    fn from(e: PgError) -> Self {
        JournalError::with_source(e.message.clone(), e)
    }
}

/// A database error's text, with the server's message when there is one.
fn describe(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            let mut text = err.to_string();
            let mut source = std::error::Error::source(err);
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            text
        }
    }
}

/// Whether trying the statement again (on another connection) may succeed: the server could
/// not be reached or is restarting, or the statement lost a deadlock or a serialization race.
fn is_transient(err: &tokio_postgres::Error) -> bool {
    match err.code() {
        Some(code) => [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::CONNECTION_EXCEPTION,
            SqlState::CONNECTION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::T_R_SERIALIZATION_FAILURE,
        ]
        .contains(code),
        // No SQLSTATE: the connection itself failed.
        None => true,
    }
}

/// A pool of connections to one database, with the schema this crate needs: makes
/// [`PgJournal`]s and [`PgPacer`]s. Cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    outage: Duration,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("status", &self.pool.status())
            .field("outage", &self.outage)
            .finish()
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`, or the
    /// `key=value` form), without TLS, and applies the [migrations](MIGRATIONS).
    ///
    /// # Errors
    ///
    /// A URL that cannot be parsed, a server that cannot be reached (after
    /// [`DEFAULT_OUTAGE_TOLERANCE`]), a migration that fails.
    pub async fn connect(url: &str) -> Result<PgStore, PgError> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| PgError::db("not a PostgreSQL connection URL", e))?;
        // Every statement of this module finds its rows by primary key: an index scan
        // whatever the table's statistics say (a table that grew from empty in this run is
        // still "empty" until autovacuum analyses it, and a sequential scan per row of a
        // batch would make an import quadratic).
        let options = config.get_options().unwrap_or_default().to_owned();
        config.options(format!("{options} -c enable_seqscan=off").trim());
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(8)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(|e| PgError {
                message: format!("cannot build the connection pool: {e}"),
                source: Some(Box::new(e)),
            })?;
        let store = PgStore::from_pool(pool);
        store.migrate().await?;
        Ok(store)
    }

    /// A store on a pool built by the caller (TLS, other settings). Call
    /// [`migrate`](Self::migrate) once before use. Give its connections the option
    /// `-c enable_seqscan=off` (as [`connect`](Self::connect) does): every statement here
    /// finds its rows by primary key, and with the statistics of a table that grew from
    /// empty the planner may scan it whole for each row.
    pub fn from_pool(pool: Pool) -> PgStore {
        PgStore {
            pool,
            outage: DEFAULT_OUTAGE_TOLERANCE,
        }
    }

    /// How long a statement is tried again while the server cannot be reached (default
    /// [`DEFAULT_OUTAGE_TOLERANCE`]).
    pub fn outage_tolerance(mut self, tolerance: Duration) -> Self {
        self.outage = tolerance;
        self
    }

    /// The pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Applies the migrations not applied yet, in order, each in a transaction holding an
    /// advisory lock (two processes starting at once do not apply one twice).
    ///
    /// # Errors
    ///
    /// A server that cannot be reached, a migration that fails (nothing of it is kept).
    pub async fn migrate(&self) -> Result<(), PgError> {
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| PgError::db("cannot migrate", e))?;
        let step = |what: &'static str| move |e| PgError::db(what, e);
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(step("cannot take the migration lock"))?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS salesflow_schema_migrations (
                 version    integer PRIMARY KEY,
                 name       text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(step("cannot create salesflow_schema_migrations"))?;
        let applied: Vec<i32> = tx
            .query("SELECT version FROM salesflow_schema_migrations", &[])
            .await
            .map_err(step("cannot read salesflow_schema_migrations"))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
            tx.batch_execute(m.sql)
                .await
                .map_err(|e| PgError::db(&format!("migration {} ({})", m.version, m.name), e))?;
            tx.execute(
                "INSERT INTO salesflow_schema_migrations (version, name) VALUES ($1, $2)",
                &[&m.version, &m.name],
            )
            .await
            .map_err(step("cannot record a migration"))?;
        }
        tx.commit()
            .await
            .map_err(step("cannot commit the migrations"))
    }

    /// A connection, waiting (up to the outage tolerance) while the server cannot be
    /// reached.
    async fn client(&self) -> Result<Object, PgError> {
        let started = tokio::time::Instant::now();
        let mut wait = Duration::from_millis(50);
        loop {
            match self.pool.get().await {
                Ok(c) => return Ok(c),
                Err(e) if started.elapsed() + wait > self.outage => {
                    return Err(PgError {
                        message: format!(
                            "cannot connect to the database (for {} s): {e}",
                            started.elapsed().as_secs()
                        ),
                        source: Some(Box::new(e)),
                    })
                }
                Err(e) => tracing::debug!(error = %e, "database unreachable; trying again"),
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(1));
        }
    }

    /// Runs `op` on a connection, again on a new one while it fails for a reason that may
    /// pass (the server restarting, a dropped connection, a deadlock), up to the outage
    /// tolerance. `op` must be safe to repeat.
    async fn run<T, F, Fut>(&self, what: &str, op: F) -> Result<T, PgError>
    where
        F: Fn(Object) -> Fut,
        Fut: Future<Output = Result<T, tokio_postgres::Error>>,
    {
        let started = tokio::time::Instant::now();
        let mut wait = Duration::from_millis(50);
        loop {
            let client = self.client().await?;
            match op(client).await {
                Ok(v) => return Ok(v),
                Err(e) if is_transient(&e) && started.elapsed() + wait <= self.outage => {
                    tracing::debug!(error = %describe(&e), what, "database statement failed; trying again");
                }
                Err(e) => return Err(PgError::db(what, e)),
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(1));
        }
    }

    /// A journal on this database (one per import run; see [`PgJournal`]).
    pub fn journal(&self) -> PgJournal {
        PgJournal {
            store: self.clone(),
            lease_length: DEFAULT_LEASE,
            job: None,
            lease: None,
            heartbeat: None,
            buffer: Vec::new(),
        }
    }

    /// A pacing backend on this database, with these limits per account (see [`PgPacer`]).
    pub fn pacer(&self, pacing: Pacing) -> PgPacer {
        PgPacer {
            store: self.clone(),
            pacing,
        }
    }
}

/// The import journal in PostgreSQL: several workers (processes, machines) on one job, each
/// row claimed by one of them (see the [module](self)). Made by [`PgStore::journal`]; give
/// it to [`ImportJob::journal`](crate::import::ImportJob::journal).
pub struct PgJournal {
    store: PgStore,
    lease_length: Duration,
    job: Option<JobContext>,
    lease: Option<Lease>,
    heartbeat: Option<tokio::task::JoinHandle<()>>,
    buffer: Vec<Entry>,
}

impl fmt::Debug for PgJournal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgJournal")
            .field("lease_length", &self.lease_length)
            .field("job", &self.job)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

impl Drop for PgJournal {
    fn drop(&mut self) {
        if let Some(h) = self.heartbeat.take() {
            h.abort();
        }
    }
}

/// A row another claim holds or settled: its state, member id, whether this worker holds it,
/// and whether its outcome needs a lookup.
type OtherRow = (String, Option<i64>, bool, bool);

/// A row's claim state: `claimed` says whether this claim took it (and whether it needs a
/// lookup), else `other` is the row as it stands.
fn claim_state(claimed: Option<&bool>, other: Option<&OtherRow>) -> ClaimState {
    match claimed {
        Some(true) => ClaimState::ClaimedUnknown,
        Some(false) => ClaimState::Claimed,
        None => match other {
            Some((state, member_id, _, _))
                if matches!(state.as_str(), "imported" | "duplicate" | "found") =>
            {
                ClaimState::Done {
                    member_id: member_id.map(MemberId::new),
                }
            }
            // Claimed by this worker already (a claim tried again after its answer was
            // lost).
            Some((state, _, true, needs_lookup)) if state == "claimed" => {
                if *needs_lookup {
                    ClaimState::ClaimedUnknown
                } else {
                    ClaimState::Claimed
                }
            }
            _ => ClaimState::Held,
        },
    }
}

impl PgJournal {
    /// How long this worker holds its rows without renewing its lease (default
    /// [`DEFAULT_LEASE`]; renewed every quarter of it). A worker that dies is taken over this
    /// long after its last renewal; one cut off from the database starts no request once
    /// half of it has passed. It must be well above the time one request can take (the
    /// client's timeout, its retries and pacing waits).
    pub fn lease_length(mut self, length: Duration) -> Self {
        self.lease_length = length.max(Duration::from_secs(1));
        self
    }

    fn job(&self) -> Result<&JobContext, JournalError> {
        self.job
            .as_ref()
            .ok_or_else(|| JournalError::new("the PostgreSQL journal was not opened"))
    }

    async fn open_now(&mut self, job: &JobContext) -> Result<Opened, JournalError> {
        let campaign = job.campaign.get();
        let worker = job.worker.clone();
        let lease_s = self.lease_length.as_secs_f64();
        self.store
            .run("cannot register the import worker", |c| {
                let worker = worker.clone();
                async move {
                    c.execute(
                        "INSERT INTO salesflow_import_workers (worker, campaign_id, lease)
                         VALUES ($1, $2, make_interval(secs => $3))
                         ON CONFLICT (worker) DO UPDATE SET renewed_at = now(), closed_at = NULL",
                        &[&worker, &campaign, &lease_s],
                    )
                    .await
                }
            })
            .await?;
        let lease = Lease::new(self.lease_length);
        lease.renewed(tokio::time::Instant::now());
        self.heartbeat = Some(tokio::spawn(heartbeat(
            self.store.clone(),
            worker.clone(),
            lease.clone(),
        )));
        self.lease = Some(lease);
        self.job = Some(job.clone());
        // The rows of unknown outcome, and those of workers that are gone: this worker's
        // now, to look up.
        let unknown: Vec<String> = self
            .store
            .run("cannot read the rows of unknown outcome", |c| {
                let worker = worker.clone();
                async move {
                    c.query(
                        "UPDATE salesflow_import_rows AS r
                         SET state = 'claimed', worker = $2, needs_lookup = true,
                             updated_at = now()
                         WHERE r.campaign_id = $1
                           AND (r.state = 'unknown'
                                OR (r.state = 'claimed' AND r.worker = $2 AND r.needs_lookup)
                                OR (r.state = 'claimed' AND r.worker IS DISTINCT FROM $2
                                    AND NOT EXISTS (
                                        SELECT 1 FROM salesflow_import_workers w
                                        WHERE w.worker = r.worker AND w.closed_at IS NULL
                                          AND w.renewed_at + w.lease > now())))
                         RETURNING r.profile",
                        &[&campaign, &worker],
                    )
                    .await
                }
            })
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok(Opened::with_unknown(unknown))
    }

    async fn claim_now(&mut self, rows: &[ClaimRequest]) -> Result<Vec<ClaimState>, JournalError> {
        let job = self.job()?.clone();
        let campaign = job.campaign.get();
        let profiles: Vec<&str> = rows.iter().map(|r| r.profile.as_str()).collect();
        let numbers: Vec<i64> = rows
            .iter()
            .map(|r| i64::try_from(r.row).unwrap_or(i64::MAX))
            .collect();
        let (profiles, numbers) = (&profiles, &numbers);
        let claimed: HashMap<String, bool> = self
            .store
            .run("cannot claim rows", |c| {
                let worker = job.worker.as_str();
                async move {
                    let statement = c
                        .prepare_cached(
                            "INSERT INTO salesflow_import_rows AS r
                                 (campaign_id, profile, state, worker, row_number, needs_lookup)
                             SELECT $1, t.profile, 'claimed', $2, t.row_number, false
                             FROM unnest($3::text[], $4::bigint[]) AS t(profile, row_number)
                             ORDER BY t.profile
                             ON CONFLICT (campaign_id, profile) DO UPDATE
                             SET state = 'claimed', worker = EXCLUDED.worker,
                                 row_number = EXCLUDED.row_number, error = NULL,
                                 needs_lookup = r.state IN ('claimed', 'unknown'),
                                 updated_at = now()
                             WHERE r.state IN ('failed', 'unknown')
                                OR (r.state = 'claimed' AND r.worker IS DISTINCT FROM $2
                                    AND NOT EXISTS (
                                        SELECT 1 FROM salesflow_import_workers w
                                        WHERE w.worker = r.worker AND w.closed_at IS NULL
                                          AND w.renewed_at + w.lease > now()))
                             RETURNING r.profile, r.needs_lookup",
                        )
                        .await?;
                    c.query(&statement, &[&campaign, &worker, profiles, numbers])
                        .await
                }
            })
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut others: HashMap<String, OtherRow> = HashMap::new();
        if claimed.len() < rows.len() {
            let rest: Vec<&str> = rows
                .iter()
                .map(|r| r.profile.as_str())
                .filter(|p| !claimed.contains_key(*p))
                .collect();
            let rest = &rest;
            others = self
                .store
                .run("cannot read rows", |c| {
                    let worker = job.worker.as_str();
                    async move {
                        c.query(
                            "SELECT profile, state, member_id, worker = $2, needs_lookup
                             FROM salesflow_import_rows
                             WHERE campaign_id = $1 AND profile = ANY($3)",
                            &[&campaign, &worker, rest],
                        )
                        .await
                    }
                })
                .await?
                .iter()
                .map(|r| {
                    let mine: Option<bool> = r.get(3);
                    (
                        r.get::<_, String>(0),
                        (r.get(1), r.get(2), mine.unwrap_or(false), r.get(4)),
                    )
                })
                .collect();
        }
        Ok(rows
            .iter()
            .map(|r| claim_state(claimed.get(&r.profile), others.get(&r.profile)))
            .collect())
    }

    async fn flush_now(&mut self) -> Result<(), JournalError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let job = self.job()?.clone();
        let campaign = job.campaign.get();
        let mut entries = std::mem::take(&mut self.buffer);
        entries.sort_by(|a, b| a.profile.cmp(&b.profile));
        let entries_ref = &entries;
        // One point update per row (by primary key: an index scan whatever the statistics),
        // pipelined on one connection, in one transaction.
        let result = self
            .store
            .run("cannot record outcomes", |mut c| {
                let worker = job.worker.as_str();
                async move {
                    let tx = c.transaction().await?;
                    let statement = tx
                        .prepare_cached(
                            "UPDATE salesflow_import_rows
                             SET state = $4, member_id = $5, error = $6,
                                 row_number = coalesce($7, row_number),
                                 needs_lookup = false, updated_at = now()
                             WHERE campaign_id = $1 AND profile = $3 AND worker = $2",
                        )
                        .await?;
                    let rows: Vec<RecordParams<'_>> = entries_ref
                        .iter()
                        .map(|e| {
                            (
                                e.profile.as_str(),
                                state_name(e.settled),
                                e.member_id.map(MemberId::get),
                                e.error.as_deref(),
                                e.row.and_then(|r| i64::try_from(r).ok()),
                            )
                        })
                        .collect();
                    let params: Vec<[&(dyn ToSql + Sync); 7]> = rows
                        .iter()
                        .map(|(profile, state, member, error, number)| {
                            [
                                &campaign as &(dyn ToSql + Sync),
                                &worker,
                                profile,
                                state,
                                member,
                                error,
                                number,
                            ]
                        })
                        .collect();
                    let updates = params.iter().map(|p| tx.execute(&statement, p));
                    futures_util::future::try_join_all(updates).await?;
                    tx.commit().await
                }
            })
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                self.buffer = entries;
                Err(e.into())
            }
        }
    }

    async fn release_now(&mut self, rows: &[Release]) -> Result<(), JournalError> {
        let job = self.job()?.clone();
        let campaign = job.campaign.get();
        let unknown: Vec<&str> = rows
            .iter()
            .filter(|r| r.unknown)
            .map(|r| r.profile.as_str())
            .collect();
        let free: Vec<&str> = rows
            .iter()
            .filter(|r| !r.unknown)
            .map(|r| r.profile.as_str())
            .collect();
        let (unknown, free) = (&unknown, &free);
        self.store
            .run("cannot release rows", |c| {
                let worker = job.worker.as_str();
                async move {
                    c.execute(
                        "UPDATE salesflow_import_rows SET state = 'unknown', updated_at = now()
                         WHERE campaign_id = $1 AND worker = $2 AND state = 'claimed'
                           AND profile = ANY($3)",
                        &[&campaign, &worker, unknown],
                    )
                    .await?;
                    c.execute(
                        "DELETE FROM salesflow_import_rows
                         WHERE campaign_id = $1 AND worker = $2 AND state = 'claimed'
                           AND profile = ANY($3)",
                        &[&campaign, &worker, free],
                    )
                    .await
                }
            })
            .await?;
        Ok(())
    }

    async fn close_now(&mut self) -> Result<(), JournalError> {
        if let Some(h) = self.heartbeat.take() {
            h.abort();
        }
        let Some(job) = self.job.clone() else {
            return Ok(());
        };
        self.flush_now().await?;
        let campaign = job.campaign.get();
        self.store
            .run("cannot close the import worker", |c| {
                let worker = job.worker.as_str();
                async move {
                    // Rows still claimed were given up on in flight: unknown, so that the
                    // next worker looks them up without waiting for the lease.
                    c.execute(
                        "UPDATE salesflow_import_rows SET state = 'unknown', updated_at = now()
                         WHERE campaign_id = $1 AND worker = $2 AND state = 'claimed'",
                        &[&campaign, &worker],
                    )
                    .await?;
                    c.execute(
                        "UPDATE salesflow_import_workers SET closed_at = now() WHERE worker = $1",
                        &[&worker],
                    )
                    .await
                }
            })
            .await?;
        self.job = None;
        Ok(())
    }
}

/// One settled row's parameters: profile, state, member id, error, row number.
type RecordParams<'a> = (
    &'a str,
    &'static str,
    Option<i64>,
    Option<&'a str>,
    Option<i64>,
);

fn state_name(settled: Settled) -> &'static str {
    match settled {
        Settled::Imported => "imported",
        Settled::Duplicate => "duplicate",
        Settled::Found => "found",
        Settled::Failed => "failed",
        Settled::Unknown => "unknown",
    }
}

/// Renews `worker`'s lease every quarter of its length, for as long as the run lasts.
async fn heartbeat(store: PgStore, worker: String, lease: Lease) {
    let every = lease.length() / 4;
    loop {
        tokio::time::sleep(every).await;
        let sent_at = tokio::time::Instant::now();
        let renewed = match store.pool.get().await {
            Ok(c) => c
                .execute(
                    "UPDATE salesflow_import_workers SET renewed_at = now() WHERE worker = $1",
                    &[&worker],
                )
                .await
                .map_err(|e| describe(&e)),
            Err(e) => Err(e.to_string()),
        };
        match renewed {
            Ok(_) => lease.renewed(sent_at),
            Err(e) => tracing::warn!(error = %e, worker, "cannot renew the import lease"),
        }
    }
}

impl Journal for PgJournal {
    fn open<'a>(&'a mut self, job: &'a JobContext) -> JournalFuture<'a, Opened> {
        Box::pin(self.open_now(job))
    }

    fn claim<'a>(&'a mut self, rows: &'a [ClaimRequest]) -> JournalFuture<'a, Vec<ClaimState>> {
        Box::pin(self.claim_now(rows))
    }

    fn record<'a>(&'a mut self, entries: &'a [Entry]) -> JournalFuture<'a, ()> {
        Box::pin(async move {
            self.buffer.extend_from_slice(entries);
            if self.buffer.len() >= RECORD_BATCH {
                self.flush_now().await?;
            }
            Ok(())
        })
    }

    fn release<'a>(&'a mut self, rows: &'a [Release]) -> JournalFuture<'a, ()> {
        Box::pin(self.release_now(rows))
    }

    fn flush(&mut self) -> JournalFuture<'_, ()> {
        Box::pin(self.flush_now())
    }

    fn close(&mut self) -> JournalFuture<'_, ()> {
        Box::pin(self.close_now())
    }

    fn prefetch(&self) -> usize {
        PREFETCH
    }

    fn lease(&self) -> Option<Lease> {
        self.lease.clone()
    }

    fn describe(&self) -> String {
        "PostgreSQL".into()
    }
}

/// Pacing shared through PostgreSQL: every process that paces an account with a `PgPacer`
/// on the same database takes its requests' slots from one row (GCRA on the database's
/// clock) and its imports from one daily budget. Give it to
/// [`ClientBuilder::pacing_backend`](crate::ClientBuilder::pacing_backend).
#[derive(Clone, Debug)]
pub struct PgPacer {
    store: PgStore,
    pacing: Pacing,
}

impl PgPacer {
    /// Wraps it for [`ClientBuilder::pacing_backend`](crate::ClientBuilder::pacing_backend).
    pub fn shared(self) -> Arc<dyn PacingBackend> {
        Arc::new(self)
    }
}

fn account_key(account: Option<AccountId>) -> String {
    account.map(|a| a.get().to_string()).unwrap_or_default()
}

impl PacingBackend for PgPacer {
    fn pacing(&self) -> &Pacing {
        &self.pacing
    }

    fn acquire(
        &self,
        operation: Operation,
        account: Option<AccountId>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let Some(rate) = self.pacing.requests_per_second.filter(|r| *r > 0.0) else {
                return Ok(());
            };
            let interval = 1.0 / rate;
            let tolerance = interval * f64::from(self.pacing.burst.max(1) - 1);
            let key = account_key(account);
            let key = &key;
            let wait: f64 = self
                .store
                .run("cannot take a request slot", |c| async move {
                    let statement = c
                        .prepare_cached(
                            "INSERT INTO salesflow_pacing AS p (account_key, tat)
                             VALUES ($1, clock_timestamp() + make_interval(secs => $2))
                             ON CONFLICT (account_key) DO UPDATE
                             SET tat = greatest(p.tat, clock_timestamp())
                                       + make_interval(secs => $2)
                             RETURNING extract(epoch FROM p.tat - clock_timestamp())::float8
                                       - $2 - $3",
                        )
                        .await?;
                    let row = c
                        .query_one(&statement, &[key, &interval, &tolerance])
                        .await?;
                    Ok(row.get(0))
                })
                .await
                .map_err(|e| Error::Pacing {
                    operation,
                    message: e.to_string(),
                })?;
            if wait > 0.0 {
                tokio::time::sleep(Duration::from_secs_f64(wait.min(86_400.0))).await;
            }
            Ok(())
        })
    }

    fn take_import(
        &self,
        operation: Operation,
        account: Option<AccountId>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let Some(limit) = self.pacing.daily_imports else {
                return Ok(());
            };
            let exhausted = || Error::BudgetExhausted {
                operation,
                account_id: account,
                limit,
                resets_at: next_utc_midnight(chrono::Utc::now()),
            };
            if limit == 0 {
                return Err(exhausted());
            }
            let key = account_key(account);
            let key = &key;
            let limit_i = i32::try_from(limit).unwrap_or(i32::MAX);
            let taken = self
                .store
                .run("cannot take from the daily budget", |c| async move {
                    c.query_opt(
                        "INSERT INTO salesflow_budget AS b (account_key, day, used)
                         VALUES ($1, (now() AT TIME ZONE 'UTC')::date, 1)
                         ON CONFLICT (account_key, day) DO UPDATE SET used = b.used + 1
                         WHERE b.used < $2
                         RETURNING b.used",
                        &[key, &limit_i],
                    )
                    .await
                })
                .await
                .map_err(|e| Error::Pacing {
                    operation,
                    message: e.to_string(),
                })?;
            match taken {
                Some(_) => Ok(()),
                None => Err(exhausted()),
            }
        })
    }
}
