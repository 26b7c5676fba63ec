//! The file journal (see [`FileJournal`]).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use salesflow_webhook_types::{CampaignId, MemberId};
use serde::{Deserialize, Serialize};

use super::journal::{
    ClaimRequest, ClaimState, Entry, JobContext, Journal, JournalError, JournalFuture, Opened,
    Release, Settled,
};
use super::keys::{KeyHash, KeyHasher};

/// What an entry of the file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Event {
    Sent,
    Imported,
    Duplicate,
    Found,
    Failed,
    Unknown,
    Released,
}

impl Event {
    /// The state this one event leaves (see [`merge`]).
    fn state(self) -> u8 {
        match self {
            Event::Imported | Event::Duplicate | Event::Found => DONE,
            Event::Sent | Event::Unknown => LAST_SENT,
            Event::Failed | Event::Released => 0,
        }
    }

    fn of(settled: Settled) -> Event {
        match settled {
            Settled::Imported => Event::Imported,
            Settled::Duplicate => Event::Duplicate,
            Settled::Found => Event::Found,
            Settled::Failed => Event::Failed,
            Settled::Unknown => Event::Unknown,
        }
    }
}

/// Done for the campaign (imported, duplicate or found).
const DONE: u8 = 1;
/// The last entry says the request may have been sent, with no answer that settles it.
const LAST_SENT: u8 = 2;

/// The state after `earlier` then `later` (each the state of one or more events in order):
/// once done, done; whether the last word is "sent", the later one says.
fn merge(earlier: u8, later: u8) -> u8 {
    (earlier & DONE) | later
}

fn is_unknown(state: u8) -> bool {
    state & LAST_SENT != 0 && state & DONE == 0
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Line {
    campaign: CampaignId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    event: Option<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    member_id: Option<MemberId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(default)]
    at: String,
    /// The 0.1 format's URL (read, never written).
    #[serde(default, skip_serializing)]
    url: Option<String>,
    /// The 0.1 format's outcome (read, never written).
    #[serde(default, skip_serializing)]
    outcome: Option<Event>,
}

impl Line {
    fn new(campaign: CampaignId, profile: &str, event: Event, row: Option<u64>, at: &str) -> Self {
        Line {
            campaign,
            profile: Some(profile.to_owned()),
            event: Some(event),
            line: row,
            member_id: None,
            error: None,
            at: at.to_owned(),
            url: None,
            outcome: None,
        }
    }

    /// The profile key and event, from either format.
    fn key_and_event(&self) -> Option<(String, Event)> {
        let event = self.event.or(self.outcome)?;
        let key = match &self.profile {
            Some(p) => p.clone(),
            None => crate::validate::canonical_profile_key(self.url.as_deref()?.trim())?,
        };
        Some((key, event))
    }
}

/// Entries read past the last compaction before the table is compacted again (at least;
/// then as many as it holds).
const COMPACT_AFTER: usize = 1 << 16;

/// The time written in entries (RFC 3339).
fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

/// Builds the sorted (hash, state) table of a journal read in order, compacting as it goes
/// so that memory follows the profiles, not the lines.
struct StateTable {
    /// Sorted, distinct entries (sequence 0), then entries in the order read.
    entries: Vec<(KeyHash, u32, u8)>,
    compacted: usize,
    seq: u32,
    /// See [`COMPACT_AFTER`].
    compact_after: usize,
    /// How many times it was compacted.
    compactions: usize,
}

impl StateTable {
    fn new(compact_after: usize) -> Self {
        StateTable {
            entries: Vec::new(),
            compacted: 0,
            seq: 0,
            compact_after,
            compactions: 0,
        }
    }

    fn push(&mut self, hash: KeyHash, state: u8) {
        self.seq += 1;
        self.entries.push((hash, self.seq, state));
        if self.entries.len() - self.compacted > self.compacted.max(self.compact_after) {
            self.compact();
        }
    }

    fn compact(&mut self) {
        self.compactions += 1;
        self.entries.sort_unstable_by_key(|e| (e.0, e.1));
        let mut out = 0;
        for i in 0..self.entries.len() {
            let (hash, _, state) = self.entries[i];
            if out > 0 && self.entries[out - 1].0 == hash {
                let prev = &mut self.entries[out - 1];
                prev.2 = merge(prev.2, state);
            } else {
                self.entries[out] = (hash, 0, state);
                out += 1;
            }
        }
        self.entries.truncate(out);
        self.compacted = out;
        self.seq = 0;
    }

    fn finish(mut self) -> Vec<(KeyHash, u8)> {
        self.compact();
        let table: Vec<(KeyHash, u8)> = self.entries.iter().map(|e| (e.0, e.2)).collect();
        table
    }
}

/// The file journal: one process at a time, JSON lines, read by every version of the
/// CLI's import.
///
/// Before a row's request is sent, a `sent` entry is appended; when its answer arrives, an
/// outcome entry (`imported`, `duplicate`, `failed`, `unknown` for an answer that may have
/// taken effect, or `found` for a profile found on the server by a lookup; `released` for a
/// row claimed and given back unsent). Each is handed to the operating system before the
/// next step, so a killed process loses nothing written. A profile is **done** for a
/// campaign once an entry says `imported`, `duplicate` or `found`; its outcome is **unknown**
/// when its last entry is `sent` or `unknown` (it was in flight when a run died, or its
/// answer may have taken effect). Entries of the 0.1 format (`url` and `outcome`) are read
/// too; the 0.2 format is this one without `unknown` and `released`.
///
/// In memory, a profile is a 128-bit hash of its key: one hash and a state byte (20 bytes)
/// per profile of the campaign, whatever the journal's length.
///
/// ```no_run
/// # async fn demo(client: salesflow::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use salesflow::import::FileJournal;
/// use salesflow::ops::ImportMember;
/// let journal = FileJournal::open("leads.import.jsonl", 29854.into())?;
/// let rows = vec![ImportMember::new(29854, "https://www.linkedin.com/in/john-smith-123456")];
/// let summary = client.import_job(29854).journal(journal).run_members(rows).await?;
/// println!("{} imported", summary.imported);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FileJournal {
    path: PathBuf,
    file: File,
    campaign: CampaignId,
    hasher: KeyHasher,
    /// The state of each profile of the campaign the journal names, sorted by hash.
    states: Vec<(KeyHash, u8)>,
    unknown: Vec<String>,
    unreadable_lines: usize,
    buffer: Vec<u8>,
}

impl FileJournal {
    /// Opens (creating it, and its directory, if needed) the journal at `path`, reading
    /// what it says of `campaign`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or opened for appending: never taken for an empty
    /// journal (every row would be sent again).
    pub fn open(path: impl AsRef<Path>, campaign: CampaignId) -> std::io::Result<FileJournal> {
        FileJournal::open_with(path.as_ref(), campaign, COMPACT_AFTER)
    }

    fn open_with(
        path: &Path,
        campaign: CampaignId,
        compact_after: usize,
    ) -> std::io::Result<FileJournal> {
        let hasher = KeyHasher::new();
        let mut table = StateTable::new(compact_after);
        let mut unreadable_lines = 0;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        // One handle, to read what earlier runs wrote and to append to.
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        for line in BufReader::new(&file).split(b'\n') {
            let line = line?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let Ok(entry) = serde_json::from_slice::<Line>(&line) else {
                unreadable_lines += 1;
                continue;
            };
            if entry.campaign != campaign {
                continue;
            }
            let Some((key, event)) = entry.key_and_event() else {
                unreadable_lines += 1;
                continue;
            };
            table.push(hasher.hash(&key), event.state());
        }
        let states = table.finish();
        let state_of = |h: &KeyHash| {
            states
                .binary_search_by(|(k, _)| k.cmp(h))
                .ok()
                .map(|i| states[i].1)
        };
        let mut unknown = Vec::new();
        if states.iter().any(|(_, s)| is_unknown(*s)) {
            // A second read for the few keys whose outcome is unknown.
            file.seek(SeekFrom::Start(0))?;
            for line in BufReader::new(&file).split(b'\n') {
                let Ok(entry) = serde_json::from_slice::<Line>(&line?) else {
                    continue;
                };
                if entry.campaign != campaign {
                    continue;
                }
                if let Some((key, _)) = entry.key_and_event() {
                    if state_of(&hasher.hash(&key)).is_some_and(is_unknown)
                        && !unknown.contains(&key)
                    {
                        unknown.push(key);
                    }
                }
            }
        }
        // A previous run killed mid-write may have left a partial last line: start ours on
        // a fresh one.
        if unreadable_lines > 0 {
            file.write_all(b"\n")?;
        }
        Ok(FileJournal {
            path: path.to_owned(),
            file,
            campaign,
            hasher,
            states,
            unknown,
            unreadable_lines,
            buffer: Vec::new(),
        })
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The campaign it is read for.
    pub fn campaign(&self) -> CampaignId {
        self.campaign
    }

    /// Lines of the file that could not be read (e.g. cut short by a crash); ignored.
    pub fn unreadable_lines(&self) -> usize {
        self.unreadable_lines
    }

    /// The profiles whose outcome is unknown (sent by a run that stopped before their
    /// answer, or answered in a way that may have taken effect).
    pub fn unknown(&self) -> &[String] {
        &self.unknown
    }

    /// Whether `profile` is done for the campaign.
    pub fn is_done(&self, profile: &str) -> bool {
        self.state(profile).is_some_and(|s| s & DONE != 0)
    }

    fn position(&self, profile: &str) -> Option<usize> {
        let h = self.hasher.hash(profile);
        self.states.binary_search_by(|(k, _)| k.cmp(&h)).ok()
    }

    fn state(&self, profile: &str) -> Option<u8> {
        self.position(profile).map(|i| self.states[i].1)
    }

    /// Updates the in-memory state of a profile the file named before this run.
    fn apply(&mut self, profile: &str, event: Event) {
        if let Some(i) = self.position(profile) {
            let s = &mut self.states[i].1;
            *s = merge(*s, event.state());
        }
    }

    fn push(&mut self, line: &Line) -> Result<(), JournalError> {
        serde_json::to_writer(&mut self.buffer, line).map_err(|e| {
            JournalError::with_source(
                format!("cannot write the journal {}", self.path.display()),
                e,
            )
        })?;
        self.buffer.push(b'\n');
        Ok(())
    }

    /// Appends the buffered lines with one write, handed to the operating system.
    fn write_out(&mut self) -> Result<(), JournalError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let result = self
            .file
            .write_all(&self.buffer)
            .and_then(|()| self.file.flush());
        self.buffer.clear();
        result.map_err(|e| {
            JournalError::with_source(
                format!("cannot write the journal {}: {e}", self.path.display()),
                e,
            )
        })
    }

    fn claim_now(&mut self, rows: &[ClaimRequest]) -> Result<Vec<ClaimState>, JournalError> {
        let at = now();
        let mut states = Vec::with_capacity(rows.len());
        for r in rows {
            let state = self.state(&r.profile).unwrap_or(0);
            if state & DONE != 0 {
                states.push(ClaimState::Done { member_id: None });
                continue;
            }
            let line = Line::new(self.campaign, &r.profile, Event::Sent, Some(r.row), &at);
            self.push(&line)?;
            states.push(if is_unknown(state) {
                ClaimState::ClaimedUnknown
            } else {
                ClaimState::Claimed
            });
        }
        self.write_out()?;
        Ok(states)
    }

    fn record_now(&mut self, entries: &[Entry]) -> Result<(), JournalError> {
        let at = now();
        for e in entries {
            let event = Event::of(e.settled);
            let mut line = Line::new(self.campaign, &e.profile, event, e.row, &at);
            line.member_id = e.member_id;
            line.error.clone_from(&e.error);
            self.push(&line)?;
            self.apply(&e.profile, event);
        }
        self.write_out()
    }

    fn release_now(&mut self, rows: &[Release]) -> Result<(), JournalError> {
        let at = now();
        for r in rows {
            let event = if r.unknown {
                Event::Unknown
            } else {
                Event::Released
            };
            let line = Line::new(self.campaign, &r.profile, event, None, &at);
            self.push(&line)?;
            self.apply(&r.profile, event);
        }
        self.write_out()
    }
}

impl Journal for FileJournal {
    fn open<'a>(&'a mut self, job: &'a JobContext) -> JournalFuture<'a, Opened> {
        let result = if job.campaign == self.campaign {
            Ok(Opened::with_unknown(std::mem::take(&mut self.unknown)))
        } else {
            Err(JournalError::new(format!(
                "the journal {} was opened for campaign {}, not {}",
                self.path.display(),
                self.campaign,
                job.campaign
            )))
        };
        Box::pin(std::future::ready(result))
    }

    fn claim<'a>(&'a mut self, rows: &'a [ClaimRequest]) -> JournalFuture<'a, Vec<ClaimState>> {
        Box::pin(std::future::ready(self.claim_now(rows)))
    }

    fn record<'a>(&'a mut self, entries: &'a [Entry]) -> JournalFuture<'a, ()> {
        Box::pin(std::future::ready(self.record_now(entries)))
    }

    fn release<'a>(&'a mut self, rows: &'a [Release]) -> JournalFuture<'a, ()> {
        Box::pin(std::future::ready(self.release_now(rows)))
    }

    fn flush(&mut self) -> JournalFuture<'_, ()> {
        Box::pin(std::future::ready(self.write_out()))
    }

    fn close(&mut self) -> JournalFuture<'_, ()> {
        Box::pin(std::future::ready(self.write_out()))
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(n: i64) -> CampaignId {
        CampaignId::new(n)
    }

    fn entry(campaign: i64, profile: &str, event: &str) -> String {
        format!("{{\"campaign\":{campaign},\"profile\":\"{profile}\",\"event\":\"{event}\",\"at\":\"\"}}\n")
    }

    fn claim(j: &mut FileJournal, keys: &[&str]) -> Vec<ClaimState> {
        let rows: Vec<ClaimRequest> = keys.iter().map(|k| ClaimRequest::new(*k, 2)).collect();
        j.claim_now(&rows).unwrap()
    }

    #[test]
    fn done_and_unknown_profiles_per_campaign() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        let mut text = String::new();
        for (key, events) in [
            ("ann", &["sent", "imported"][..]),
            ("bob", &["sent", "failed"]),
            ("cid", &["sent"]),
            ("dee", &["sent", "failed", "sent"]),
            ("eve", &["sent", "duplicate"]),
            // Unknown, looked up, not found, sent again and failed: settled.
            ("hal", &["sent", "sent", "failed"]),
            // Done twice (imported, then found by a lookup): still done.
            ("ida", &["sent", "imported", "found"]),
            // Sent twice, never answered: unknown.
            ("jon", &["sent", "sent"]),
            // An answer that may have taken effect: unknown.
            ("kim", &["sent", "unknown"]),
            // Claimed and given back unsent: neither.
            ("lou", &["sent", "released"]),
        ] {
            for e in events {
                text.push_str(&entry(1, key, e));
            }
        }
        text.push_str(&entry(2, "fay", "imported"));
        // The 0.1 format, and a partial line left by a crash.
        text.push_str("{\"campaign\":1,\"line\":9,\"url\":\"https://www.linkedin.com/in/Gus/\",\"outcome\":\"imported\",\"at\":\"\"}\n{\"campaign\":1,\"pro");
        std::fs::write(&path, text).unwrap();
        let j = FileJournal::open(&path, c(1)).unwrap();
        assert_eq!(j.unreadable_lines(), 1);
        for (key, done) in [
            ("ann", true),
            ("bob", false),
            ("cid", false),
            ("dee", false),
            ("eve", true),
            ("fay", false),
            ("gus", true),
            ("hal", false),
            ("ida", true),
            ("jon", false),
            ("kim", false),
            ("lou", false),
            ("zed", false),
        ] {
            assert_eq!(j.is_done(key), done, "{key}");
        }
        let mut unknown = j.unknown().to_vec();
        unknown.sort();
        assert_eq!(unknown, ["cid", "dee", "jon", "kim"]);
        let other = FileJournal::open(&path, c(2)).unwrap();
        assert!(other.is_done("fay") && !other.is_done("ann"));
        assert!(other.unknown().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_long_journal_is_compacted_without_losing_the_order_of_events() {
        // Many compactions (every 16 lines at first), with each profile's events far apart:
        // the order of a profile's events still decides.
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        let n = 400;
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&entry(1, &format!("p{i}"), "sent"));
        }
        for i in 0..n {
            let event = match i % 4 {
                0 => "imported",
                1 => "failed",
                2 => "unknown",
                _ => "sent",
            };
            text.push_str(&entry(1, &format!("p{i}"), event));
        }
        for i in (0..n).step_by(4) {
            text.push_str(&entry(1, &format!("p{i}"), "sent"));
        }
        std::fs::write(&path, text).unwrap();
        let j = FileJournal::open_with(&path, c(1), 16).unwrap();
        assert_eq!(j.states.len(), n);
        for i in 0..8 {
            assert_eq!(j.is_done(&format!("p{i}")), i % 4 == 0, "p{i}");
        }
        assert_eq!(j.unknown().len(), n / 2);
        assert!(j.unknown().contains(&"p2".to_owned()) && j.unknown().contains(&"p3".to_owned()));
        assert!(!j.unknown().contains(&"p0".to_owned()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_state_table_merges_runs_in_order() {
        assert_eq!(merge(DONE, LAST_SENT), DONE | LAST_SENT);
        assert_eq!(merge(LAST_SENT, 0), 0);
        assert_eq!(merge(DONE | LAST_SENT, 0), DONE);
        assert_eq!(merge(0, LAST_SENT), LAST_SENT);
        let mut t = StateTable::new(16);
        let (a, b) = ([0, 0, 0, 1], [0, 0, 0, 2]);
        t.push(b, LAST_SENT);
        t.push(a, DONE);
        t.compact();
        t.push(b, 0);
        t.push(a, LAST_SENT);
        assert_eq!(t.finish(), vec![(a, DONE | LAST_SENT), (b, 0)]);
        assert!(!is_unknown(DONE | LAST_SENT) && is_unknown(LAST_SENT) && !is_unknown(0));
    }

    #[test]
    fn the_table_is_compacted_once_its_tail_outgrows_it() {
        // Ten profiles, a thousand entries: compacted each time 17 entries are read past the
        // last compaction (more than max(10, 16)), so it never holds more than 27.
        let mut t = StateTable::new(16);
        for i in 0..1000u32 {
            t.push([0, 0, 0, i % 10], LAST_SENT);
            assert!(t.entries.len() <= 27, "{}", t.entries.len());
        }
        assert_eq!(t.compactions, 1000 / 17);
        // The real threshold: 65,536 distinct profiles are read without a compaction, the
        // next one compacts.
        let mut t = StateTable::new(COMPACT_AFTER);
        for i in 0..=(1u32 << 16) {
            t.push([i, 0, 0, 0], DONE);
            assert_eq!(t.compactions, usize::from(i == 1 << 16));
        }
        assert_eq!(t.finish().len(), (1 << 16) + 1);
    }

    #[test]
    fn entries_say_when_they_were_written() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        let mut j = FileJournal::open(&path, c(1)).unwrap();
        claim(&mut j, &["ann"]);
        let text = std::fs::read_to_string(&path).unwrap();
        let line: Line = serde_json::from_str(text.trim()).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339(&line.at).unwrap();
        let age = chrono::Utc::now() - at.with_timezone(&chrono::Utc);
        assert!(
            age >= chrono::Duration::zero() && age < chrono::Duration::seconds(60),
            "{at}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn claims_write_sent_entries_and_skip_done_profiles() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        std::fs::write(
            &path,
            entry(1, "ann", "imported") + &entry(1, "bob", "sent"),
        )
        .unwrap();
        let mut j = FileJournal::open(&path, c(1)).unwrap();
        assert_eq!(j.unknown(), ["bob"]);
        let states = claim(&mut j, &["ann", "bob", "cid"]);
        assert_eq!(
            states,
            [
                ClaimState::Done { member_id: None },
                ClaimState::ClaimedUnknown,
                ClaimState::Claimed
            ]
        );
        // bob was looked up and not found: given back, it is an ordinary row again.
        j.release_now(&[Release::new("bob", false)]).unwrap();
        assert_eq!(claim(&mut j, &["bob"]), [ClaimState::Claimed]);
        j.record_now(&[
            Entry::new("bob", Some(3), Settled::Imported).member_id(MemberId::new(7)),
            Entry::new("cid", Some(4), Settled::Unknown).error("timed out"),
        ])
        .unwrap();
        assert!(j.is_done("bob"));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2 + 2 + 1 + 1 + 2, "{text}");
        assert!(
            lines[2].contains("\"profile\":\"bob\",\"event\":\"sent\",\"line\":2"),
            "{text}"
        );
        assert!(lines[4].contains("\"event\":\"released\""), "{text}");
        assert!(
            lines[6].contains("\"event\":\"imported\",\"line\":3,\"member_id\":7"),
            "{text}"
        );
        assert!(
            lines[7].contains("\"event\":\"unknown\",\"line\":4,\"error\":\"timed out\""),
            "{text}"
        );
        // Read again: bob done, cid unknown (its answer may have taken effect), ann done.
        let j = FileJournal::open(&path, c(1)).unwrap();
        assert_eq!(j.unknown(), ["cid"]);
        assert!(j.is_done("ann") && j.is_done("bob") && !j.is_done("cid"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_entry_after_a_torn_last_line_is_not_lost() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        // A run killed in the middle of writing an entry.
        std::fs::write(
            &path,
            b"{\"campaign\":1,\"profile\":\"ann\",\"event\":\"sent\",\"at\":\"\"}\n{\"campaign\":1,\"pro",
        )
        .unwrap();
        {
            let mut j = FileJournal::open(&path, c(1)).unwrap();
            assert_eq!(j.unreadable_lines(), 1);
            assert_eq!(j.unknown(), ["ann"]);
            j.record_now(&[Entry::new("ann", Some(2), Settled::Imported)])
                .unwrap();
        }
        let j = FileJournal::open(&path, c(1)).unwrap();
        assert!(
            j.is_done("ann"),
            "the entry written after the torn line was lost"
        );
        assert!(!j.is_done("bob"));
        assert!(j.unknown().is_empty());
        assert_eq!(j.unreadable_lines(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_clean_journal_gets_one_line_per_entry_and_no_blank_line() {
        let dir = tempfile_dir();
        let path = dir.join("sub").join("j.jsonl");
        for settled in [None, Some(Settled::Imported)] {
            let mut j = FileJournal::open(&path, c(1)).unwrap();
            assert_eq!(j.unreadable_lines(), 0);
            assert_eq!(j.path(), path);
            assert_eq!(j.campaign(), c(1));
            assert_eq!(j.describe(), path.display().to_string());
            match settled {
                None => {
                    claim(&mut j, &["ann"]);
                }
                Some(s) => j.record_now(&[Entry::new("ann", Some(2), s)]).unwrap(),
            }
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.lines().all(|l| l.starts_with('{')), "{text}");
        assert!(text.ends_with("}\n"), "{text}");
        let j = FileJournal::open(&path, c(1)).unwrap();
        assert!(j.is_done("ann"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_journal_that_cannot_be_read_is_an_error_not_an_empty_journal() {
        // Ignoring it would send every row again.
        let dir = tempfile_dir();
        // A directory opens but cannot be read.
        let err = FileJournal::open(&dir, c(1)).unwrap_err();
        assert_ne!(err.kind(), std::io::ErrorKind::NotFound);
        // Not UTF-8 is only an unreadable line, a missing file an empty journal.
        let path = dir.join("j.jsonl");
        std::fs::write(&path, b"\xff\xfe\n").unwrap();
        let j = FileJournal::open(&path, c(1)).unwrap();
        assert_eq!(j.unreadable_lines(), 1);
        let j = FileJournal::open(dir.join("new.jsonl"), c(1)).unwrap();
        assert_eq!((j.is_done("ann"), j.unreadable_lines()), (false, 0));
        assert!(dir.join("new.jsonl").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_entry_without_a_profile_or_event_is_unreadable() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        std::fs::write(
            &path,
            concat!(
                "{\"campaign\":1,\"profile\":\"ann\",\"at\":\"\"}\n",
                "{\"campaign\":1,\"event\":\"imported\",\"at\":\"\"}\n",
                "{\"campaign\":1,\"url\":\"not a profile\",\"outcome\":\"imported\",\"at\":\"\"}\n",
                "   \n",
                "{\"campaign\":2,\"event\":\"imported\",\"at\":\"\"}\n",
                "{\"campaign\":1,\"profile\":\"bob\",\"event\":\"duplicate\",\"at\":\"\"}\n",
            ),
        )
        .unwrap();
        let j = FileJournal::open(&path, c(1)).unwrap();
        // Lines for another campaign are skipped unread; the blank line is not counted.
        assert_eq!(j.unreadable_lines(), 3);
        assert!(!j.is_done("ann"));
        assert!(j.is_done("bob"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn the_journal_is_opened_for_its_own_campaign_only() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        std::fs::write(&path, entry(1, "ann", "sent")).unwrap();
        let mut j = FileJournal::open(&path, c(1)).unwrap();
        let err = j
            .open(&JobContext::new(c(2), None))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("opened for campaign 1, not 2"), "{err}");
        let opened = j.open(&JobContext::new(c(1), None)).await.unwrap();
        assert_eq!(opened.unknown, ["ann"]);
        assert_eq!(j.prefetch(), 0);
        assert!(j.lease().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "sf-journal-{}-{nanos}-{}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
