//! The import journal: what the engine asks of the place where it keeps each row's state, so
//! that a restarted process, or another worker on another machine, never sends a row twice.
//!
//! Rows are keyed by (campaign, canonical profile): the same profile is one row however it is
//! written, on whatever line of whatever input. A row's life in a journal:
//!
//! 1. **claimed** by one worker before its request is sent ([`Journal::claim`]): from then
//!    on it *may have been sent*;
//! 2. **settled** when its answer arrives ([`Journal::record`]): `imported`, `duplicate` (the
//!    server flagged it `MEMBER_DUPLICATE`), `found` (its outcome was unknown and a lookup
//!    found it on the server), `failed` (nothing happened: it may be sent again) or
//!    `unknown` (the request may have been carried out: a timeout after sending, a 5xx, a
//!    connection lost mid-answer);
//! 3. a row that is still claimed by a worker that is gone, or `unknown`, is **looked up**
//!    before it is sent again (the engine does it with ListContacts by public identifiers).
//!
//! Two implementations ship: [`FileJournal`](crate::import::FileJournal) (one process, JSON
//! lines) and, with the `postgres` feature, `salesflow::postgres::PgJournal` (any number of
//! processes and machines). [`MemoryJournal`] keeps nothing past the process.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use salesflow_webhook_types::{AccountId, CampaignId, MemberId};

/// The future a [`Journal`] method returns.
pub type JournalFuture<'a, T> = BoxFuture<'a, Result<T, JournalError>>;

/// The journal could not be read or written. The engine stops (the rows in flight finish)
/// and returns it; nothing is lost: rows claimed and not settled are looked up by the next
/// run.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct JournalError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl JournalError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        JournalError {
            message: message.into(),
            source: None,
        }
    }

    /// An error with this message, caused by `source`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        JournalError {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

/// What an import run is about, given to [`Journal::open`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobContext {
    /// The campaign imported into.
    pub campaign: CampaignId,
    /// The account of the client.
    pub account: Option<AccountId>,
    /// This worker's name (unique per run: host, process id and a random part).
    pub worker: String,
}

impl JobContext {
    /// A context for `campaign`, with a fresh worker name.
    pub fn new(campaign: CampaignId, account: Option<AccountId>) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        JobContext {
            campaign,
            account,
            worker: format!("{host}-{}-{:08x}", std::process::id(), fastrand::u32(..)),
        }
    }
}

/// What [`Journal::open`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Opened {
    /// Profiles whose outcome is unknown (claimed by a run that is gone, or answered in a way
    /// that may have taken effect), now claimed by this worker: the engine looks them up
    /// before anything is sent, then records them `found` or [releases](Journal::release)
    /// them.
    pub unknown: Vec<String>,
}

impl Opened {
    /// Found these profiles of unknown outcome.
    pub fn with_unknown(unknown: Vec<String>) -> Self {
        Opened { unknown }
    }
}

/// One row to claim: its profile key and its row number in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimRequest {
    /// The canonical profile key.
    pub profile: String,
    /// The row (its number in the input, e.g. a CSV line).
    pub row: u64,
}

impl ClaimRequest {
    /// A request for `profile` from `row`.
    pub fn new(profile: impl Into<String>, row: u64) -> Self {
        ClaimRequest {
            profile: profile.into(),
            row,
        }
    }
}

/// What a journal says of a row it was asked to claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimState {
    /// Claimed by this worker; never sent (or failed without effect): send it.
    Claimed,
    /// Claimed by this worker, but it may have been sent before (its outcome is unknown):
    /// look it up before sending.
    ClaimedUnknown,
    /// Done: imported, flagged duplicate or found by an earlier run or another worker.
    Done {
        /// The member, when the journal knows it.
        member_id: Option<MemberId>,
    },
    /// Another worker that is alive holds it: ask again later.
    Held,
}

/// What happened to a claimed row, as [`Journal::record`] writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Settled {
    /// Imported as a new member.
    Imported,
    /// The server answered with a member flagged `MEMBER_DUPLICATE`.
    Duplicate,
    /// Its outcome was unknown, and a lookup found the profile on the server.
    Found,
    /// The request failed and surely did nothing: it may be sent again.
    Failed,
    /// The request may have been carried out (see
    /// [`Error::may_have_taken_effect`](crate::Error::may_have_taken_effect)): look it up
    /// before sending it again.
    Unknown,
}

impl Settled {
    /// Whether the row is done (never sent again).
    pub fn is_done(self) -> bool {
        matches!(
            self,
            Settled::Imported | Settled::Duplicate | Settled::Found
        )
    }
}

/// One settled row.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Entry {
    /// The canonical profile key.
    pub profile: String,
    /// The row in this run's input (`None` for a profile settled by the opening lookup).
    pub row: Option<u64>,
    /// What happened.
    pub settled: Settled,
    /// The member the server answered with, or found.
    pub member_id: Option<MemberId>,
    /// Why it failed (token redacted).
    pub error: Option<String>,
}

impl Entry {
    /// An entry for `profile`.
    pub fn new(profile: impl Into<String>, row: Option<u64>, settled: Settled) -> Self {
        Entry {
            profile: profile.into(),
            row,
            settled,
            member_id: None,
            error: None,
        }
    }

    /// Sets [`member_id`](Self::member_id).
    pub fn member_id(mut self, member_id: MemberId) -> Self {
        self.member_id = Some(member_id);
        self
    }

    /// Sets [`error`](Self::error).
    pub fn error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }
}

/// A claimed row given back without being sent (after a stop).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Release {
    /// The canonical profile key.
    pub profile: String,
    /// Whether its outcome is still unknown (claimed for a lookup that was not made).
    pub unknown: bool,
}

impl Release {
    /// A release of `profile`.
    pub fn new(profile: impl Into<String>, unknown: bool) -> Self {
        Release {
            profile: profile.into(),
            unknown,
        }
    }
}

/// Where an import keeps the state of its rows (see the [module](self) for the life of a
/// row). The engine calls [`open`](Self::open) once, then [`claim`](Self::claim) before
/// sending rows and [`record`](Self::record) when their answers arrive, and
/// [`close`](Self::close) at the end (also after a stop).
///
/// A claim must be durable before the claimed rows are sent: a journal that buffers must do
/// so only for [`record`](Self::record) (a row claimed and not settled is looked up, never
/// resent blindly).
pub trait Journal: Send {
    /// Starts a run: reads what earlier runs left for `job.campaign`, and claims for this
    /// worker the profiles of unknown outcome that no live worker holds.
    fn open<'a>(&'a mut self, job: &'a JobContext) -> JournalFuture<'a, Opened>;

    /// Claims rows for sending, in one go: one [`ClaimState`] per request, in order. The
    /// requests hold distinct profiles.
    fn claim<'a>(&'a mut self, rows: &'a [ClaimRequest]) -> JournalFuture<'a, Vec<ClaimState>>;

    /// Settles claimed rows. May buffer (then [`flush`](Self::flush) writes them).
    fn record<'a>(&'a mut self, entries: &'a [Entry]) -> JournalFuture<'a, ()>;

    /// Gives claimed rows back without sending them.
    fn release<'a>(&'a mut self, rows: &'a [Release]) -> JournalFuture<'a, ()>;

    /// Writes what [`record`](Self::record) buffered.
    fn flush(&mut self) -> JournalFuture<'_, ()>;

    /// Ends the run: flushes, and lets the rows this worker still holds be taken over.
    fn close(&mut self) -> JournalFuture<'_, ()>;

    /// How many rows to claim ahead of the free request slots (one round trip for many
    /// rows): 0 for a journal whose claims are cheap, so that only rows about to be sent are
    /// claimed (and only those are looked up after a crash).
    fn prefetch(&self) -> usize {
        0
    }

    /// The lease this worker holds its rows under, for a journal shared by several workers:
    /// the engine starts no request unless the lease is valid for at least half its length,
    /// and gives up on a request still in flight when it ends (its row's outcome is then
    /// unknown), so that no request of this worker is in flight once another may take its
    /// rows over.
    fn lease(&self) -> Option<Lease> {
        None
    }

    /// A short description for messages (a path, a database), without secrets.
    fn describe(&self) -> String;
}

/// A worker's lease on the rows it claimed: renewed by the journal while it can reach its
/// store; others take the rows over once it has not been renewed for its whole length.
#[derive(Clone)]
pub struct Lease {
    inner: Arc<LeaseState>,
}

struct LeaseState {
    length: Duration,
    start: tokio::time::Instant,
    /// Milliseconds from `start` to the last renewal.
    renewed_ms: AtomicU64,
}

impl fmt::Debug for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lease")
            .field("length", &self.inner.length)
            .field("remaining", &self.remaining())
            .finish()
    }
}

impl Lease {
    /// A lease of `length`, renewed now.
    pub fn new(length: Duration) -> Self {
        Lease {
            inner: Arc::new(LeaseState {
                length,
                start: tokio::time::Instant::now(),
                renewed_ms: AtomicU64::new(0),
            }),
        }
    }

    /// Its length.
    pub fn length(&self) -> Duration {
        self.inner.length
    }

    /// Records a renewal that the store confirmed, made at `sent_at` (the renewal's request
    /// was sent then: the store's clock counts from no earlier).
    pub fn renewed(&self, sent_at: tokio::time::Instant) {
        let ms = u64::try_from(
            sent_at
                .saturating_duration_since(self.inner.start)
                .as_millis(),
        )
        .unwrap_or(u64::MAX);
        self.inner.renewed_ms.fetch_max(ms, Ordering::SeqCst);
    }

    /// How long it stays valid without another renewal.
    pub fn remaining(&self) -> Duration {
        let renewed =
            self.inner.start + Duration::from_millis(self.inner.renewed_ms.load(Ordering::SeqCst));
        (renewed + self.inner.length).saturating_duration_since(tokio::time::Instant::now())
    }

    /// Whether a request may start now: at least half the lease is left.
    pub fn may_start(&self) -> bool {
        self.remaining() * 2 >= self.inner.length
    }

    /// Completes when less than a tenth of the lease is left (a request still in flight
    /// then is given up).
    pub async fn ending(&self) {
        loop {
            let left = self.remaining();
            let margin = self.inner.length / 10;
            if left <= margin {
                return;
            }
            tokio::time::sleep(left - margin).await;
        }
    }
}

/// A journal in memory: claims and outcomes within one process, nothing kept after it
/// (a restarted process sends everything again). For tests and one-off imports.
#[derive(Debug, Default)]
pub struct MemoryJournal {
    rows: HashMap<String, MemoryRow>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MemoryRow {
    Claimed,
    Settled(Settled, Option<MemberId>),
}

impl MemoryJournal {
    /// An empty journal.
    pub fn new() -> Self {
        MemoryJournal::default()
    }

    /// How `profile` was settled, if it was.
    pub fn settled(&self, profile: &str) -> Option<Settled> {
        match self.rows.get(profile) {
            Some(MemoryRow::Settled(s, _)) => Some(*s),
            _ => None,
        }
    }
}

impl Journal for MemoryJournal {
    fn open<'a>(&'a mut self, _job: &'a JobContext) -> JournalFuture<'a, Opened> {
        let mut unknown: Vec<String> = self
            .rows
            .iter()
            .filter(|(_, r)| {
                matches!(
                    r,
                    MemoryRow::Claimed | MemoryRow::Settled(Settled::Unknown, _)
                )
            })
            .map(|(k, _)| k.clone())
            .collect();
        unknown.sort();
        for key in &unknown {
            self.rows.insert(key.clone(), MemoryRow::Claimed);
        }
        Box::pin(std::future::ready(Ok(Opened::with_unknown(unknown))))
    }

    fn claim<'a>(&'a mut self, rows: &'a [ClaimRequest]) -> JournalFuture<'a, Vec<ClaimState>> {
        let states = rows
            .iter()
            .map(|r| match self.rows.get(&r.profile).copied() {
                Some(MemoryRow::Settled(s, member_id)) if s.is_done() => {
                    ClaimState::Done { member_id }
                }
                Some(MemoryRow::Settled(Settled::Unknown, _)) => {
                    self.rows.insert(r.profile.clone(), MemoryRow::Claimed);
                    ClaimState::ClaimedUnknown
                }
                Some(MemoryRow::Claimed) => ClaimState::Held,
                _ => {
                    self.rows.insert(r.profile.clone(), MemoryRow::Claimed);
                    ClaimState::Claimed
                }
            })
            .collect();
        Box::pin(std::future::ready(Ok(states)))
    }

    fn record<'a>(&'a mut self, entries: &'a [Entry]) -> JournalFuture<'a, ()> {
        for e in entries {
            self.rows.insert(
                e.profile.clone(),
                MemoryRow::Settled(e.settled, e.member_id),
            );
        }
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(&'a mut self, rows: &'a [Release]) -> JournalFuture<'a, ()> {
        for r in rows {
            if r.unknown {
                self.rows.insert(
                    r.profile.clone(),
                    MemoryRow::Settled(Settled::Unknown, None),
                );
            } else {
                self.rows.remove(&r.profile);
            }
        }
        Box::pin(std::future::ready(Ok(())))
    }

    fn flush(&mut self) -> JournalFuture<'_, ()> {
        Box::pin(std::future::ready(Ok(())))
    }

    fn close(&mut self) -> JournalFuture<'_, ()> {
        Box::pin(std::future::ready(Ok(())))
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}
