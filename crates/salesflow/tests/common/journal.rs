//! A journal for tests: wraps another (a `MemoryJournal` by default) and can fail its
//! writes, ask for rows claimed ahead, and note what the engine claimed and gave back.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use salesflow::import::{
    ClaimRequest, ClaimState, Entry, JobContext, Journal, JournalError, JournalFuture, Lease,
    MemoryJournal, Opened, Release,
};

/// `inner` with test behaviours: `record` fails from its n-th call on
/// ([`failing_from`](Self::failing_from)); [`prefetching`](Self::prefetching) replaces the
/// inner journal's prefetch; `ahead` gets, for each claim after the first, how many claimed
/// rows had no answer yet (so `ahead.len() + 1` claims were made); `released` gets the
/// profiles given back.
pub struct TestJournal<J = MemoryJournal> {
    pub inner: J,
    pub ahead: Arc<Mutex<Vec<usize>>>,
    pub released: Arc<Mutex<Vec<String>>>,
    fail_at: Option<usize>,
    prefetch: Option<usize>,
    records: usize,
    claimed: usize,
    recorded: usize,
}

impl<J> TestJournal<J> {
    /// `inner` with no test behaviour but the notes.
    pub fn over(inner: J) -> Self {
        TestJournal {
            inner,
            fail_at: None,
            prefetch: None,
            ahead: Arc::default(),
            released: Arc::default(),
            records: 0,
            claimed: 0,
            recorded: 0,
        }
    }

    /// Its `record` fails from its `n`-th call on ("disk full").
    pub fn failing_from(mut self, n: usize) -> Self {
        self.fail_at = Some(n);
        self
    }

    /// It asks for `n` rows claimed ahead of the free request slots.
    pub fn prefetching(mut self, n: usize) -> Self {
        self.prefetch = Some(n);
        self
    }
}

impl TestJournal {
    /// A `MemoryJournal` with no test behaviour but the notes.
    pub fn memory() -> Self {
        TestJournal::over(MemoryJournal::new())
    }
}

impl<J: Journal> Journal for TestJournal<J> {
    fn open<'a>(&'a mut self, job: &'a JobContext) -> JournalFuture<'a, Opened> {
        self.inner.open(job)
    }
    fn claim<'a>(&'a mut self, rows: &'a [ClaimRequest]) -> JournalFuture<'a, Vec<ClaimState>> {
        if self.claimed > 0 {
            let pending = self.claimed - self.recorded;
            self.ahead.lock().unwrap().push(pending);
        }
        self.claimed += rows.len();
        self.inner.claim(rows)
    }
    fn record<'a>(&'a mut self, entries: &'a [Entry]) -> JournalFuture<'a, ()> {
        self.records += 1;
        if self.fail_at.is_some_and(|n| self.records >= n) {
            return Box::pin(async { Err(JournalError::new("disk full")) });
        }
        self.recorded += entries.len();
        self.inner.record(entries)
    }
    fn release<'a>(&'a mut self, rows: &'a [Release]) -> JournalFuture<'a, ()> {
        let mut released = self.released.lock().unwrap();
        released.extend(rows.iter().map(|r| r.profile.clone()));
        self.inner.release(rows)
    }
    fn flush(&mut self) -> JournalFuture<'_, ()> {
        self.inner.flush()
    }
    fn close(&mut self) -> JournalFuture<'_, ()> {
        self.inner.close()
    }
    fn prefetch(&self) -> usize {
        self.prefetch.unwrap_or_else(|| self.inner.prefetch())
    }
    fn lease(&self) -> Option<Lease> {
        self.inner.lease()
    }
    fn describe(&self) -> String {
        format!("a test journal over {}", self.inner.describe())
    }
}
