//! The import engine: bulk ImportMember with every row accounted for, nothing sent twice
//! across restarts, processes and machines.
//!
//! [`Client::import_job`] builds an [`ImportJob`] for one campaign; [`ImportJob::run`] (or
//! [`run_with`](ImportJob::run_with), [`run_members`](ImportJob::run_members),
//! [`spawn`](ImportJob::spawn)) imports a stream of rows and gives one [`RowOutcome`] per
//! row and an [`JobSummary`] whose counts add up to the rows read.
//!
//! # What it guarantees
//!
//! - **Every row accounted for**, each exactly once: [imported](RowResult::Imported),
//!   [duplicate on the server](RowResult::Duplicate) (the vendor flagged it
//!   `MEMBER_DUPLICATE`), [duplicate of input row N](RowResult::DuplicateOfRow) (sent once,
//!   from its first valid row), [invalid](RowResult::Invalid), [failed with its
//!   cause](RowResult::Failed), [already done](RowResult::AlreadyDone) (by an earlier run or
//!   another worker), [reconciled](RowResult::Reconciled) (its outcome was unknown, a lookup
//!   found it), [unknown](RowResult::Unknown) (in flight when the run gave up on it) or [not
//!   attempted](RowResult::NotAttempted) (after a stop).
//! - **No profile sent twice**: each row is claimed in the [`journal`] before its
//!   request is sent, keyed by (campaign, canonical profile). A row whose outcome is unknown
//!   (in flight when a process died, timed out after sending, a 5xx, a connection lost
//!   mid-answer: see [`Error::may_have_taken_effect`]) is looked up with ListContacts by
//!   public identifiers before anything is sent again: found, it is reconciled, not resent.
//!   Several workers may run the same job at once on a shared journal (PostgreSQL, with the
//!   `postgres` feature): each row is claimed by one of them; the rows of a worker that died
//!   are taken over, and looked up, by the others.
//! - **A graceful stop** ([`StopHandle::stop`]): no new row is started, the rows in flight
//!   finish (for at most the [grace period](ImportJob::grace_period)) and are journaled, the
//!   others are not attempted, and the journal is closed.
//! - **The client's pacing and retry policy** apply to every request (see
//!   [`Pacing`](crate::Pacing), [`RetryPolicy`](crate::RetryPolicy)); ImportMember is retried
//!   only when the server surely did nothing.
//! - An error every other row would meet too (a forbidden token, an unknown campaign, a
//!   spent daily budget, a missing account id) stops the job (see
//!   [`JobSummary::stopped`]).
//!
//! ```no_run
//! # async fn demo(client: salesflow::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use salesflow::import::{FileJournal, ImportEvent, RowResult};
//! use salesflow::ops::ImportMember;
//!
//! let campaign = salesflow::CampaignId::new(29854);
//! let rows = ["john-smith-1", "jane-doe-2"]
//!     .map(|slug| ImportMember::new(campaign, format!("https://www.linkedin.com/in/{slug}")));
//! let summary = client
//!     .import_job(campaign)
//!     .journal(FileJournal::open("import.jsonl", campaign)?)
//!     .concurrency(8)
//!     .run_members_with(rows, |event| {
//!         if let ImportEvent::Row(outcome) = event {
//!             if let RowResult::Failed(err) = &outcome.result {
//!                 eprintln!("row {}: {err}", outcome.row);
//!             }
//!         }
//!     })
//!     .await?;
//! println!("{} imported, {} already there", summary.imported, summary.duplicates);
//! # Ok(()) }
//! ```

mod file;
pub mod journal;
mod keys;
mod rows;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{Stream, StreamExt};
use salesflow_api::types::{Contact, ContactDetails};
use salesflow_webhook_types::{CampaignId, MemberId};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::error::Error;
use crate::ops::ImportMember;
use crate::validate::{canonical_profile_key, linkedin_profile_url, PROFILE_URL_PREFIX};
use crate::{ApiErrorKind, Client, ValidationError};

pub use file::FileJournal;
pub use journal::{
    ClaimRequest, ClaimState, Entry, JobContext, Journal, JournalError, JournalFuture, Lease,
    MemoryJournal, Opened, Release, Settled,
};
pub use keys::{KeyHash, KeyHasher};
pub use rows::{Checked, InputRows};

/// How long a stopped job waits for the rows in flight, by default: 30 seconds.
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(30);

/// How many rows are read and checked ahead of the ones being sent.
const READ_AHEAD: usize = 64;

/// How often rows held by other workers are asked for again.
const HELD_POLL: Duration = Duration::from_millis(200);

/// How often buffered journal entries are written when nothing else writes them.
const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// One row of an import's input: its number (a CSV line, an index; outcomes name it), the
/// member, and a value of the caller's carried through to its outcome (e.g. the CSV record,
/// to write it to a failed-rows file).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ImportRow<T = ()> {
    /// The row's number in the input.
    pub row: u64,
    /// The member to import (its campaign must be the job's).
    pub member: ImportMember,
    /// The caller's value, handed back in the row's [`RowOutcome`].
    pub tag: T,
}

impl ImportRow<()> {
    /// Row `row`: `member`.
    pub fn new(row: u64, member: ImportMember) -> Self {
        ImportRow {
            row,
            member,
            tag: (),
        }
    }
}

impl<T> ImportRow<T> {
    /// Row `row`: `member`, with `tag`.
    pub fn tagged(row: u64, member: ImportMember, tag: T) -> Self {
        ImportRow { row, member, tag }
    }
}

/// What happened to one row.
#[derive(Debug)]
#[non_exhaustive]
pub struct RowOutcome<T = ()> {
    /// The row's number in the input.
    pub row: u64,
    /// Its canonical profile key (`None` for an invalid row).
    pub profile: Option<String>,
    /// What happened.
    pub result: RowResult,
    /// The caller's value of [`ImportRow::tag`].
    pub tag: T,
}

/// What happened to one row (see the [module](self)).
#[derive(Debug)]
#[non_exhaustive]
pub enum RowResult {
    /// Imported as a new member.
    Imported(ContactDetails),
    /// The server answered with a member flagged `MEMBER_DUPLICATE`: the profile was already
    /// in the campaign.
    Duplicate(ContactDetails),
    /// An earlier row of the input (this number) holds the same profile: sent once, from
    /// there.
    DuplicateOfRow(u64),
    /// Refused before sending.
    Invalid(ValidationError),
    /// The request failed. [`Error::may_have_taken_effect`] says whether it may have been
    /// carried out: then the journal keeps the row *unknown*, and the next run (or worker)
    /// looks it up before sending it again; otherwise it is sent again by the next run.
    Failed(Error),
    /// Done before this run reached it: by an earlier run, or by another worker.
    AlreadyDone {
        /// The member, when the journal knows it.
        member_id: Option<MemberId>,
    },
    /// Its outcome was unknown (sent by a run that died before the answer, or answered in a
    /// way that may have taken effect), and a lookup found it on the server: not sent again.
    Reconciled {
        /// The member found.
        member_id: MemberId,
    },
    /// Sent, and given up on before its answer came (the grace period after a stop ran out,
    /// or the journal's lease was about to end): the next run looks it up.
    Unknown,
    /// Not attempted: the job was stopped first.
    NotAttempted,
}

/// What [`ImportJob::run_with`] reports as it goes.
// Most events are `Row`s, handed over by value.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportEvent<T = ()> {
    /// Before anything is sent: this many profiles of unknown outcome (left by an earlier
    /// run, or by a worker that is gone) are being looked up on the server.
    LookingUp {
        /// How many.
        profiles: usize,
    },
    /// The lookup of [`LookingUp`](Self::LookingUp) is done.
    LookedUp {
        /// Found on the server: done, not sent again.
        found: usize,
        /// Not found: sent when their rows come.
        not_found: usize,
    },
    /// The answer of a row's request arrived; its journal entry is about to be written.
    Answered {
        /// The row.
        row: u64,
    },
    /// A row is settled (for a row that was sent: journaled).
    Row(RowOutcome<T>),
}

/// Why a job stopped before its end.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// [`StopHandle::stop`] was called.
    Requested,
    /// A row failed with an error every other row would meet too (a forbidden token, an
    /// unknown campaign, a spent budget, a missing account id, unreachable pacing state).
    Fatal {
        /// The row.
        row: u64,
        /// The error's message.
        message: String,
    },
}

/// The counts of an import run: from `imported` to `not_attempted` they add up to `rows`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobSummary {
    /// Rows read.
    pub rows: usize,
    /// Imported as new members.
    pub imported: usize,
    /// Flagged `MEMBER_DUPLICATE` by the server.
    pub duplicates: usize,
    /// Duplicates of an earlier row of the input.
    pub duplicate_rows: usize,
    /// Invalid.
    pub invalid: usize,
    /// Failed.
    pub failed: usize,
    /// Of `failed`: failures that may have taken effect (looked up before they are resent).
    pub failed_unknown: usize,
    /// Done by an earlier run or another worker.
    pub already_done: usize,
    /// Of unknown outcome, found on the server by a lookup.
    pub reconciled: usize,
    /// Given up on in flight.
    pub unknown: usize,
    /// Not attempted.
    pub not_attempted: usize,
    /// Why the job stopped early, if it did.
    pub stopped: Option<StopReason>,
}

impl JobSummary {
    /// The sum of the per-row counts: equal to [`rows`](Self::rows).
    pub fn accounted(&self) -> usize {
        self.imported
            + self.duplicates
            + self.duplicate_rows
            + self.invalid
            + self.failed
            + self.already_done
            + self.reconciled
            + self.unknown
            + self.not_attempted
    }

    fn count(&mut self, result: &RowResult) {
        match result {
            RowResult::Imported(_) => self.imported += 1,
            RowResult::Duplicate(_) => self.duplicates += 1,
            RowResult::DuplicateOfRow(_) => self.duplicate_rows += 1,
            RowResult::Invalid(_) => self.invalid += 1,
            RowResult::Failed(e) => {
                self.failed += 1;
                if e.may_have_taken_effect() {
                    self.failed_unknown += 1;
                }
            }
            RowResult::AlreadyDone { .. } => self.already_done += 1,
            RowResult::Reconciled { .. } => self.reconciled += 1,
            RowResult::Unknown => self.unknown += 1,
            RowResult::NotAttempted => self.not_attempted += 1,
        }
    }
}

/// Why an import run could not go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The journal could not be read or written: the rows in flight were waited for, the
    /// others not attempted. Rows claimed and not settled are looked up by the next run.
    #[error("import journal: {0}")]
    Journal(#[from] JournalError),
    /// The lookup of the profiles of unknown outcome failed: nothing was sent.
    #[error("cannot look up the profiles of unknown outcome: {0}")]
    Lookup(Error),
}

/// Stops a running job gracefully (see [`ImportJob::stop_handle`]). Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct StopHandle {
    inner: Arc<StopInner>,
}

#[derive(Debug, Default)]
struct StopInner {
    stopped: AtomicBool,
    notify: tokio::sync::Notify,
}

impl StopHandle {
    /// A handle not stopped yet.
    pub fn new() -> Self {
        StopHandle::default()
    }

    /// Asks the job to stop: no new row is started; the rows in flight finish and are
    /// journaled.
    pub fn stop(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst)
    }

    async fn stopped(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.is_stopped() {
                return;
            }
            notified.await;
        }
    }
}

impl Client {
    /// An import job into `campaign` (see the [`import`](crate::import) module): the
    /// engine that accounts for every row and never sends a profile twice, across restarts
    /// and processes. Give it a [journal](ImportJob::journal) that outlives the process
    /// ([`FileJournal`], or the `postgres` feature's `PgJournal` for several processes);
    /// without one it keeps its journal in memory.
    pub fn import_job(&self, campaign: impl Into<CampaignId>) -> ImportJob {
        ImportJob {
            client: self.clone(),
            campaign: campaign.into(),
            journal: Box::new(MemoryJournal::new()),
            concurrency: 8,
            expected_rows: 0,
            grace: DEFAULT_GRACE_PERIOD,
            stop: StopHandle::new(),
        }
    }
}

/// An import job: the client, the campaign, the journal and the options (see the
/// [module](self)). Built by [`Client::import_job`]; run once.
#[must_use = "an ImportJob does nothing until it is run"]
pub struct ImportJob {
    client: Client,
    campaign: CampaignId,
    journal: Box<dyn Journal>,
    concurrency: usize,
    expected_rows: usize,
    grace: Duration,
    stop: StopHandle,
}

impl fmt::Debug for ImportJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportJob")
            .field("client", &self.client)
            .field("campaign", &self.campaign)
            .field("journal", &self.journal.describe())
            .field("concurrency", &self.concurrency)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

impl ImportJob {
    /// Keeps the rows' state in `journal` (default: in memory).
    pub fn journal(self, journal: impl Journal + 'static) -> Self {
        self.boxed_journal(Box::new(journal))
    }

    /// [`journal`](Self::journal), already boxed (a journal chosen at run time).
    pub fn boxed_journal(mut self, journal: Box<dyn Journal>) -> Self {
        self.journal = journal;
        self
    }

    /// How many requests are in flight at once (default 8; 0 counts as 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// How many distinct profiles the input holds, if known: memory for them is reserved
    /// at once (see [`InputRows::with_capacity`]).
    pub fn expected_rows(mut self, rows: usize) -> Self {
        self.expected_rows = rows;
        self
    }

    /// How long a stopped job waits for the rows in flight (default
    /// [`DEFAULT_GRACE_PERIOD`]); those still in flight then are [unknown](RowResult::Unknown).
    pub fn grace_period(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The handle that stops this job gracefully, from anywhere (a Ctrl-C handler, a
    /// shutdown signal).
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Imports `members` (rows numbered from 0) and returns the counts.
    ///
    /// # Errors
    ///
    /// See [`ImportError`].
    pub async fn run_members<I>(self, members: I) -> Result<JobSummary, ImportError>
    where
        I: IntoIterator<Item = ImportMember>,
        I::IntoIter: Send,
    {
        self.run_members_with(members, |_| {}).await
    }

    /// [`run_members`](Self::run_members), reporting each event to `on_event`.
    ///
    /// # Errors
    ///
    /// See [`ImportError`].
    pub async fn run_members_with<I, F>(
        self,
        members: I,
        on_event: F,
    ) -> Result<JobSummary, ImportError>
    where
        I: IntoIterator<Item = ImportMember>,
        I::IntoIter: Send,
        F: FnMut(ImportEvent) + Send,
    {
        let rows = members
            .into_iter()
            .zip(0u64..)
            .map(|(member, row)| ImportRow::new(row, member));
        self.run_with(futures_util::stream::iter(rows), on_event)
            .await
    }

    /// Imports the rows of `rows` and returns the counts.
    ///
    /// # Errors
    ///
    /// See [`ImportError`].
    pub async fn run<T, S>(self, rows: S) -> Result<JobSummary, ImportError>
    where
        T: Send + 'static,
        S: Stream<Item = ImportRow<T>> + Send,
    {
        self.run_with(rows, |_| {}).await
    }

    /// Runs the job on its own task: the outcomes as a stream (in completion order), and
    /// the task's handle, whose result is the summary.
    pub fn spawn<T, S>(
        self,
        rows: S,
    ) -> (
        impl Stream<Item = RowOutcome<T>> + Send + 'static,
        tokio::task::JoinHandle<Result<JobSummary, ImportError>>,
    )
    where
        T: Send + 'static,
        S: Stream<Item = ImportRow<T>> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::spawn(self.run_with(rows, move |event| {
            if let ImportEvent::Row(outcome) = event {
                let _ = tx.send(outcome);
            }
        }));
        (tokio_stream_from(rx), task)
    }

    /// Imports the rows of `rows`, reporting each event to `on_event` (every row gets one
    /// [`ImportEvent::Row`]), and returns the counts.
    ///
    /// # Errors
    ///
    /// See [`ImportError`]. Rows settled before the error were reported.
    pub async fn run_with<T, S, F>(
        self,
        rows: S,
        mut on_event: F,
    ) -> Result<JobSummary, ImportError>
    where
        T: Send + 'static,
        S: Stream<Item = ImportRow<T>> + Send,
        F: FnMut(ImportEvent<T>) + Send,
    {
        let ImportJob {
            client,
            campaign,
            mut journal,
            concurrency,
            expected_rows,
            grace,
            stop,
        } = self;
        let job = JobContext::new(campaign, client.account_id());
        let opened = journal.open(&job).await?;
        let reconciled =
            match reconcile_opened(&client, journal.as_mut(), opened, &mut on_event).await {
                Ok(r) => r,
                Err(e) => {
                    let _ = journal.close().await;
                    return Err(e);
                }
            };
        let engine_client = client.clone();
        let mut engine = Engine {
            client,
            journal,
            stop,
            concurrency,
            grace,
            checker: InputRows::with_capacity(campaign, expected_rows),
            reconciled,
            summary: JobSummary::default(),
            queue: VecDeque::new(),
            ready: VecDeque::new(),
            to_lookup: Vec::new(),
            held: Vec::new(),
            held_poll_at: None,
            flying: Flying {
                client: engine_client,
                lease: None,
                concurrency,
                in_flight: JoinSet::new(),
                flights: HashMap::new(),
                next: 0,
            },
            stash: Vec::new(),
            stopping: None,
            deadline: None,
            last_flush: Instant::now(),
            failure: None,
        };
        let rows = pin!(rows);
        let result = engine.run(rows, &mut on_event).await;
        let closed = engine.journal.close().await;
        match (result, closed) {
            (Err(e), _) => Err(e),
            (Ok(()), Err(e)) => Err(e.into()),
            (Ok(()), Ok(())) => Ok(engine.summary),
        }
    }
}

/// An unbounded receiver as a stream.
fn tokio_stream_from<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<T>,
) -> impl Stream<Item = T> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// A row read and checked, not settled yet.
struct Pending<T> {
    row: u64,
    profile: String,
    member: ImportMember,
    tag: T,
}

/// A row whose request is in flight.
struct Flight<T> {
    row: u64,
    profile: String,
    tag: T,
}

/// What a send task gives back: its flight, and the answer (`None`: given up on because the
/// lease was ending).
type Joined = Result<(u64, Option<Result<ContactDetails, Error>>), tokio::task::JoinError>;

/// The requests in flight, and how to start more.
struct Flying<T> {
    client: Client,
    lease: Option<Lease>,
    concurrency: usize,
    in_flight: JoinSet<(u64, Option<Result<ContactDetails, Error>>)>,
    flights: HashMap<u64, Flight<T>>,
    next: u64,
}

impl<T: Send + 'static> Flying<T> {
    fn len(&self) -> usize {
        self.in_flight.len()
    }

    fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// Starts requests for `ready` rows while there is room (and the lease allows).
    fn fill(&mut self, ready: &mut VecDeque<Pending<T>>) {
        if !self.lease.as_ref().is_none_or(Lease::may_start) {
            return;
        }
        while self.in_flight.len() < self.concurrency {
            let Some(p) = ready.pop_front() else {
                break;
            };
            self.send(p);
        }
    }

    fn send(&mut self, p: Pending<T>) {
        let id = self.next;
        self.next += 1;
        let client = self.client.clone();
        let lease = self.lease.clone();
        let Pending {
            row,
            profile,
            member,
            tag,
        } = p;
        self.flights.insert(id, Flight { row, profile, tag });
        self.in_flight.spawn(async move {
            let send = client.send(member);
            let result = match lease {
                Some(lease) => tokio::select! {
                    r = send => Some(r),
                    () = lease.ending() => None,
                },
                None => Some(send.await),
            };
            (id, result)
        });
    }

    /// Awaits a journal operation while answers keep coming: each answer is stashed (to be
    /// journaled after), and its slot goes to the next ready row (already claimed), so that
    /// the journal's round trips do not hold the requests back.
    async fn drive<R>(
        &mut self,
        op: JournalFuture<'_, R>,
        ready: &mut VecDeque<Pending<T>>,
        stash: &mut Vec<Joined>,
        refill: bool,
    ) -> Result<R, JournalError> {
        let mut op = op;
        loop {
            tokio::select! {
                result = &mut op => return result,
                joined = self.in_flight.join_next(), if !self.in_flight.is_empty() => {
                    if let Some(joined) = joined {
                        stash.push(joined);
                    }
                    if refill {
                        self.fill(ready);
                    }
                }
            }
        }
    }
}

struct Engine<T> {
    client: Client,
    journal: Box<dyn Journal>,
    stop: StopHandle,
    concurrency: usize,
    grace: Duration,
    checker: InputRows,
    /// Profiles of unknown outcome found by the opening lookup, with their member.
    reconciled: HashMap<String, MemberId>,
    summary: JobSummary,
    /// Checked rows, not claimed yet.
    queue: VecDeque<Pending<T>>,
    /// Claimed rows, to send.
    ready: VecDeque<Pending<T>>,
    /// Claimed rows of unknown outcome, to look up.
    to_lookup: Vec<Pending<T>>,
    /// Rows another live worker holds.
    held: Vec<Pending<T>>,
    held_poll_at: Option<Instant>,
    /// The requests in flight.
    flying: Flying<T>,
    /// Answers that arrived while the journal was busy, to settle next.
    stash: Vec<Joined>,
    stopping: Option<StopReason>,
    /// When the rows in flight are given up on (after a stop).
    deadline: Option<Instant>,
    last_flush: Instant,
    /// The journal error that ends the run.
    failure: Option<JournalError>,
}

impl<T: Send + 'static> Engine<T> {
    fn settle<F: FnMut(ImportEvent<T>)>(
        &mut self,
        on_event: &mut F,
        row: u64,
        profile: Option<String>,
        result: RowResult,
        tag: T,
    ) {
        self.summary.count(&result);
        on_event(ImportEvent::Row(RowOutcome {
            row,
            profile,
            result,
            tag,
        }));
    }

    /// Settles a row that had got as far as a claim (or the queue): its profile is known.
    fn settle_pending<F: FnMut(ImportEvent<T>)>(
        &mut self,
        on_event: &mut F,
        p: Pending<T>,
        result: RowResult,
    ) {
        self.settle(on_event, p.row, Some(p.profile), result, p.tag);
    }

    fn journal_failed(&mut self, err: JournalError) {
        if self.failure.is_none() {
            self.failure = Some(err);
        }
        self.begin_stop(StopReason::Requested);
    }

    fn begin_stop(&mut self, reason: StopReason) {
        if self.stopping.is_none() {
            self.stopping = Some(reason);
            self.deadline = Some(Instant::now() + self.grace);
        }
    }

    async fn run<S, F>(
        &mut self,
        mut rows: std::pin::Pin<&mut S>,
        on_event: &mut F,
    ) -> Result<(), ImportError>
    where
        S: Stream<Item = ImportRow<T>> + Send,
        F: FnMut(ImportEvent<T>) + Send,
    {
        let prefetch = self.journal.prefetch();
        let lease = self.journal.lease();
        self.flying.lease = lease.clone();
        let mut input_done = false;
        // One timer for the whole run, moved as the next wake-up moves.
        let far = || Instant::now() + Duration::from_secs(86_400);
        let timer = tokio::time::sleep_until(far());
        tokio::pin!(timer);
        let mut timer_at: Option<Instant> = None;
        loop {
            // A long run of rows settled without waiting (a rerun: every row done) still
            // lets the other tasks of this thread run.
            tokio::task::consume_budget().await;
            // Answers that arrived.
            while let Some(joined) = self
                .stash
                .pop()
                .or_else(|| self.flying.in_flight.try_join_next())
            {
                self.answered(joined, on_event).await;
            }
            if self.stopping.is_none() && self.stop.is_stopped() {
                self.begin_stop(StopReason::Requested);
            }
            if self.stopping.is_some() {
                self.wind_down(&mut rows, &mut input_done, on_event).await;
                if self.flying.is_empty() && self.stash.is_empty() {
                    break;
                }
            } else {
                match self
                    .advance(
                        &mut rows,
                        &mut input_done,
                        prefetch,
                        lease.as_ref(),
                        on_event,
                    )
                    .await
                {
                    Step::Again => continue,
                    Step::Finished => break,
                    Step::Wait => {}
                }
            }
            if self.last_flush.elapsed() >= FLUSH_EVERY {
                self.last_flush = Instant::now();
                let refill = self.stopping.is_none();
                let op = self.journal.flush();
                if let Err(e) = self
                    .flying
                    .drive(op, &mut self.ready, &mut self.stash, refill)
                    .await
                {
                    self.journal_failed(e);
                }
                continue;
            }
            if !self.stash.is_empty() {
                continue;
            }
            // Wait for something to happen.
            let wake_at = self.wake_at(lease.as_ref());
            if wake_at != timer_at {
                timer.as_mut().reset(wake_at.unwrap_or_else(far));
                timer_at = wake_at;
            }
            let stopping = self.stopping.is_some();
            tokio::select! {
                joined = self.flying.in_flight.join_next(), if !self.flying.is_empty() => {
                    if let Some(joined) = joined {
                        self.answered(joined, on_event).await;
                    }
                }
                () = self.stop.stopped(), if !stopping => {}
                () = &mut timer => {
                    timer_at = None;
                    if self.deadline.is_some_and(|d| d <= Instant::now()) {
                        self.give_up(on_event);
                    }
                }
            }
        }
        self.finish().await
    }

    /// The end of a run: why it stopped, the first failure of the journal, the last flush.
    async fn finish(&mut self) -> Result<(), ImportError> {
        self.summary.stopped = self.stopping.clone();
        if let Some(err) = self.failure.take() {
            return Err(err.into());
        }
        if let Err(e) = self.journal.flush().await {
            return Err(e.into());
        }
        Ok(())
    }

    /// One step of a run that is not stopping: reads rows ahead, claims, looks up, sends.
    async fn advance<S, F>(
        &mut self,
        rows: &mut std::pin::Pin<&mut S>,
        input_done: &mut bool,
        prefetch: usize,
        lease: Option<&Lease>,
        on_event: &mut F,
    ) -> Step
    where
        S: Stream<Item = ImportRow<T>> + Send,
        F: FnMut(ImportEvent<T>) + Send,
    {
        // Read and check rows ahead.
        while !*input_done && self.queue.len() < READ_AHEAD.max(self.concurrency + prefetch) {
            match rows.next().await {
                None => *input_done = true,
                Some(row) => self.read(row, on_event),
            }
        }
        // Claim as many rows as there are free slots (and `prefetch` more).
        let free = self.concurrency.saturating_sub(self.flying.len());
        let want = (free + prefetch).saturating_sub(self.ready.len());
        let worth_it = if prefetch == 0 {
            want > 0
        } else {
            self.ready.len() < free + prefetch / 2
        };
        if worth_it && !self.queue.is_empty() {
            let batch: Vec<Pending<T>> = self.queue.drain(..want.min(self.queue.len())).collect();
            self.claim(batch, on_event).await;
            return Step::Again;
        }
        if !self.to_lookup.is_empty() {
            self.look_up(on_event).await;
            return Step::Again;
        }
        if !self.held.is_empty() && self.held_poll_at.is_some_and(|at| at <= Instant::now()) {
            let held = std::mem::take(&mut self.held);
            self.held_poll_at = None;
            self.claim(held, on_event).await;
            return Step::Again;
        }
        // Send.
        let lease_ok = lease.is_none_or(Lease::may_start);
        if let Some(l) = lease.filter(|l| l.remaining().is_zero()) {
            self.journal_failed(JournalError::new(format!(
                "the lease of this worker on {} ran out ({} s without renewal): \
                 stopping so that another worker can take its rows over",
                self.journal.describe(),
                l.length().as_secs()
            )));
            return Step::Again;
        }
        if lease_ok {
            self.flying.fill(&mut self.ready);
        }
        if *input_done
            && self.queue.is_empty()
            && self.ready.is_empty()
            && self.to_lookup.is_empty()
            && self.held.is_empty()
            && self.flying.is_empty()
            && self.stash.is_empty()
        {
            return Step::Finished;
        }
        Step::Wait
    }

    /// When the run must wake up even if no answer comes: a held row's next poll, the lease
    /// allowing a send, the stop deadline, the next flush.
    fn wake_at(&self, lease: Option<&Lease>) -> Option<Instant> {
        let lease_wait = lease
            .filter(|l| !self.ready.is_empty() && !l.may_start())
            .map(|_| Instant::now() + Duration::from_millis(50));
        [
            self.held_poll_at.filter(|_| self.stopping.is_none()),
            lease_wait,
            self.deadline,
            Some(self.last_flush + FLUSH_EVERY),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Reads one row: settles it at once (invalid, duplicate of an earlier row, reconciled
    /// by the opening lookup) or queues it.
    fn read<F: FnMut(ImportEvent<T>)>(&mut self, row: ImportRow<T>, on_event: &mut F) {
        self.summary.rows += 1;
        let ImportRow { row, member, tag } = row;
        match self.checker.check(row, &member) {
            Checked::Invalid(e) => self.settle(on_event, row, None, RowResult::Invalid(e), tag),
            Checked::DuplicateOf(first) => {
                let profile = canonical_profile_key(&member.linked_in_url);
                self.settle(
                    on_event,
                    row,
                    profile,
                    RowResult::DuplicateOfRow(first),
                    tag,
                );
            }
            Checked::Ready { member, profile } => match self.reconciled.remove(&profile) {
                Some(member_id) => self.settle(
                    on_event,
                    row,
                    Some(profile),
                    RowResult::Reconciled { member_id },
                    tag,
                ),
                None => self.queue.push_back(Pending {
                    row,
                    profile,
                    member,
                    tag,
                }),
            },
        }
    }

    /// Claims `batch` and sorts its rows by what the journal says.
    async fn claim<F: FnMut(ImportEvent<T>)>(&mut self, batch: Vec<Pending<T>>, on_event: &mut F) {
        if batch.is_empty() {
            return;
        }
        let requests: Vec<ClaimRequest> = batch
            .iter()
            .map(|p| ClaimRequest::new(p.profile.clone(), p.row))
            .collect();
        let refill = self.stopping.is_none();
        let op = self.journal.claim(&requests);
        let claimed = self
            .flying
            .drive(op, &mut self.ready, &mut self.stash, refill)
            .await;
        let claimed = claimed.and_then(|states| {
            if states.len() == batch.len() {
                Ok(states)
            } else {
                Err(JournalError::new(format!(
                    "the journal answered {} claims for {} rows",
                    states.len(),
                    batch.len()
                )))
            }
        });
        let states = match claimed {
            Ok(states) => states,
            Err(e) => {
                self.journal_failed(e);
                // Nothing of this batch is sent.
                for p in batch {
                    self.settle_pending(on_event, p, RowResult::NotAttempted);
                }
                return;
            }
        };
        for (p, state) in batch.into_iter().zip(states) {
            match state {
                ClaimState::Claimed => self.ready.push_back(p),
                ClaimState::ClaimedUnknown => self.to_lookup.push(p),
                ClaimState::Done { member_id } => {
                    self.settle_pending(on_event, p, RowResult::AlreadyDone { member_id });
                }
                ClaimState::Held => {
                    self.held_poll_at
                        .get_or_insert_with(|| Instant::now() + HELD_POLL);
                    self.held.push(p);
                }
            }
        }
    }

    /// Looks up the claimed rows of unknown outcome: found, reconciled; not found, sent.
    async fn look_up<F: FnMut(ImportEvent<T>)>(&mut self, on_event: &mut F) {
        let rows = std::mem::take(&mut self.to_lookup);
        let keys: Vec<String> = rows.iter().map(|p| p.profile.clone()).collect();
        match find_on_server(&self.client, &keys).await {
            Ok(found) => {
                let entries: Vec<Entry> = rows
                    .iter()
                    .filter_map(|p| {
                        found.get(&p.profile).map(|id| {
                            Entry::new(p.profile.clone(), Some(p.row), Settled::Found)
                                .member_id(*id)
                        })
                    })
                    .collect();
                if let Err(e) = self.journal.record(&entries).await {
                    self.journal_failed(e);
                }
                for p in rows {
                    match found.get(&p.profile) {
                        Some(id) => {
                            let member_id = *id;
                            self.settle_pending(on_event, p, RowResult::Reconciled { member_id });
                        }
                        None => self.ready.push_back(p),
                    }
                }
            }
            Err(err) => {
                // Not known either way: left unknown, for the next run.
                let releases: Vec<Release> = rows
                    .iter()
                    .map(|p| Release::new(p.profile.clone(), true))
                    .collect();
                if let Err(e) = self.journal.release(&releases).await {
                    self.journal_failed(e);
                }
                let message = err.to_string();
                let mut rows = rows.into_iter();
                if let Some(p) = rows.next() {
                    self.settle_pending(on_event, p, RowResult::Failed(err));
                }
                for p in rows {
                    let again = Error::Config(format!("the lookup failed: {message}"));
                    self.settle_pending(on_event, p, RowResult::Failed(again));
                }
            }
        }
    }

    /// An answer arrived (or a request was given up on): journal it, report it.
    async fn answered<F: FnMut(ImportEvent<T>)>(
        &mut self,
        joined: Result<(u64, Option<Result<ContactDetails, Error>>), tokio::task::JoinError>,
        on_event: &mut F,
    ) {
        let Ok((id, result)) = joined else {
            // A send task cannot panic on data; one that was aborted is given up on by
            // `give_up`, which already settled its row.
            return;
        };
        let Some(flight) = self.flying.flights.remove(&id) else {
            return;
        };
        on_event(ImportEvent::Answered { row: flight.row });
        let Flight { row, profile, tag } = flight;
        let (entry, result) = match result {
            Some(Ok(c)) => {
                let settled = if c.is_duplicate() {
                    Settled::Duplicate
                } else {
                    Settled::Imported
                };
                let entry = Entry::new(profile.clone(), Some(row), settled).member_id(c.member_id);
                let result = if c.is_duplicate() {
                    RowResult::Duplicate(c)
                } else {
                    RowResult::Imported(c)
                };
                (Some(entry), result)
            }
            Some(Err(err)) => {
                let settled = if err.may_have_taken_effect() {
                    Settled::Unknown
                } else {
                    Settled::Failed
                };
                let text = self.client.inner.redactor.redact(&err.to_string());
                if is_fatal(&err) {
                    self.begin_stop(StopReason::Fatal {
                        row,
                        message: text.clone(),
                    });
                }
                let entry = Entry::new(profile.clone(), Some(row), settled).error(text);
                (Some(entry), RowResult::Failed(err))
            }
            // The lease was about to end: the request may be on the wire.
            None => (
                Some(
                    Entry::new(profile.clone(), Some(row), Settled::Unknown)
                        .error("given up on in flight: the lease was ending"),
                ),
                RowResult::Unknown,
            ),
        };
        if let Some(entry) = entry {
            if self.failure.is_none() {
                let refill = self.stopping.is_none();
                let op = self.journal.record(std::slice::from_ref(&entry));
                if let Err(e) = self
                    .flying
                    .drive(op, &mut self.ready, &mut self.stash, refill)
                    .await
                {
                    self.journal_failed(e);
                }
            }
        }
        self.settle(on_event, row, Some(profile), result, tag);
    }

    /// After a stop: every row not started is settled as not attempted (the rest of the
    /// input read through), and claimed rows are given back.
    async fn wind_down<S, F>(
        &mut self,
        rows: &mut std::pin::Pin<&mut S>,
        input_done: &mut bool,
        on_event: &mut F,
    ) where
        S: Stream<Item = ImportRow<T>> + Send,
        F: FnMut(ImportEvent<T>) + Send,
    {
        let mut releases = Vec::new();
        let ready = std::mem::take(&mut self.ready);
        let to_lookup = std::mem::take(&mut self.to_lookup);
        for (p, unknown) in ready
            .into_iter()
            .map(|p| (p, false))
            .chain(to_lookup.into_iter().map(|p| (p, true)))
        {
            releases.push(Release::new(p.profile.clone(), unknown));
            self.settle_pending(on_event, p, RowResult::NotAttempted);
        }
        if !releases.is_empty() && self.failure.is_none() {
            if let Err(e) = self.journal.release(&releases).await {
                self.journal_failed(e);
            }
        }
        let queued = std::mem::take(&mut self.queue);
        let held = std::mem::take(&mut self.held);
        for p in queued.into_iter().chain(held) {
            self.settle_pending(on_event, p, RowResult::NotAttempted);
        }
        while !*input_done {
            match rows.next().await {
                None => *input_done = true,
                Some(row) => {
                    self.read(row, on_event);
                    if let Some(p) = self.queue.pop_back() {
                        self.settle_pending(on_event, p, RowResult::NotAttempted);
                    }
                }
            }
        }
    }

    /// The grace period ran out: the rows still in flight are given up on (unknown: their
    /// claims stay, and the next run looks them up).
    fn give_up<F: FnMut(ImportEvent<T>)>(&mut self, on_event: &mut F) {
        self.flying.in_flight.abort_all();
        // Answers already in hand are settled as they came.
        let stash = std::mem::take(&mut self.stash);
        let mut flights: Vec<Flight<T>> = Vec::new();
        for (id, _) in stash.into_iter().flatten() {
            if let Some(f) = self.flying.flights.remove(&id) {
                flights.push(f);
            }
        }
        flights.extend(self.flying.flights.drain().map(|(_, f)| f));
        flights.sort_by_key(|f| f.row);
        for f in flights {
            self.settle(on_event, f.row, Some(f.profile), RowResult::Unknown, f.tag);
        }
        self.flying.in_flight = JoinSet::new();
    }
}

/// Whether every other row would fail the same way.
fn is_fatal(err: &Error) -> bool {
    match err {
        Error::Config(_) | Error::BudgetExhausted { .. } | Error::Pacing { .. } => true,
        Error::Api(e) => matches!(e.kind, ApiErrorKind::Forbidden | ApiErrorKind::NotFound),
        _ => false,
    }
}

/// Looks up the profiles of unknown outcome the journal found on opening: found ones are
/// journaled `found`, the others given back (sent when their rows come).
async fn reconcile_opened<T, F: FnMut(ImportEvent<T>)>(
    client: &Client,
    journal: &mut dyn Journal,
    opened: Opened,
    on_event: &mut F,
) -> Result<HashMap<String, MemberId>, ImportError> {
    let unknown = opened.unknown;
    if unknown.is_empty() {
        return Ok(HashMap::new());
    }
    on_event(ImportEvent::LookingUp {
        profiles: unknown.len(),
    });
    let found = match find_on_server(client, &unknown).await {
        Ok(found) => found,
        Err(e) => {
            let releases: Vec<Release> = unknown
                .iter()
                .map(|k| Release::new(k.clone(), true))
                .collect();
            journal.release(&releases).await?;
            return Err(ImportError::Lookup(e));
        }
    };
    let entries: Vec<Entry> = unknown
        .iter()
        .filter_map(|k| {
            found
                .get(k)
                .map(|id| Entry::new(k.clone(), None, Settled::Found).member_id(*id))
        })
        .collect();
    journal.record(&entries).await?;
    let releases: Vec<Release> = unknown
        .iter()
        .filter(|k| !found.contains_key(*k))
        .map(|k| Release::new(k.clone(), false))
        .collect();
    journal.release(&releases).await?;
    journal.flush().await?;
    on_event(ImportEvent::LookedUp {
        found: found.len(),
        not_found: releases.len(),
    });
    Ok(found)
}

/// The profile key of a contact the server returned.
fn contact_key(c: &Contact) -> Option<String> {
    c.public_identifier
        .as_deref()
        .and_then(|p| canonical_profile_key(&format!("{PROFILE_URL_PREFIX}{}", p.trim())))
        .or_else(|| c.member_url.as_deref().and_then(canonical_profile_key))
}

/// Which of `keys` are members of the account, with their member id (ListContacts by
/// public identifiers, in batches).
async fn find_on_server(
    client: &Client,
    keys: &[String],
) -> Result<HashMap<String, MemberId>, Error> {
    // The key (decoded) and, for non-ASCII keys, the form written in URLs.
    let mut ids: Vec<String> = Vec::with_capacity(keys.len());
    for key in keys {
        ids.push(key.clone());
        if let Some(encoded) =
            linkedin_profile_url("linkedInUrl", &format!("{PROFILE_URL_PREFIX}{key}"))
                .ok()
                .and_then(|u| u.strip_prefix(PROFILE_URL_PREFIX).map(str::to_owned))
        {
            if encoded != *key {
                ids.push(encoded);
            }
        }
    }
    let contacts = client.list_contacts_by_public_identifiers(ids).await?;
    let wanted: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
    let mut found = HashMap::new();
    for c in &contacts {
        if let Some(key) = contact_key(c).filter(|k| wanted.contains(k.as_str())) {
            found.entry(key).or_insert(c.member_id);
        }
    }
    Ok(found)
}

/// What a run does after a step of [`advance`](Engine::advance).
enum Step {
    /// Look again at once: something was done.
    Again,
    /// Every row is settled.
    Finished,
    /// Nothing to do but wait for an answer, a stop or the timer.
    Wait,
}
