//! The resume journal, keyed by (campaign, canonical profile), and the compact sets of
//! profiles that keep memory flat at a million rows.
//!
//! The journal is a file of JSON lines. Before a row's request is sent, a `sent` entry is
//! appended; when its answer arrives, an outcome entry (`imported`, `duplicate`, `failed`,
//! or `found` for a profile found on the server by a lookup). Each is written to the
//! operating system before the next step, so a killed process loses nothing written. A
//! profile is **done** for a campaign once an entry says `imported`, `duplicate` or
//! `found`; its outcome is **unknown** when its last entry is `sent` (it was in flight when
//! a run died). Entries of the former line-keyed format (`url` and
//! `outcome`) are read too.
//!
//! In memory, a profile is a 128-bit hash of its key ([`KeyHasher`]). The profiles of the
//! file being imported are a sorted vector ([`ProfileIndex`], 20 bytes a profile with the
//! line of its first row), and the journal is read only for them: one state byte a profile,
//! whatever the journal's length. Entries for profiles that are not in the file are skipped.

use salesflow::{CampaignId, MemberId};
use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A profile key's 128-bit hash.
pub type KeyHash = [u32; 4];

/// Hashes profile keys with two randomly keyed SipHash functions (a collision between two
/// of a million profiles: about 1 in 10^26).
#[derive(Clone, Debug, Default)]
pub struct KeyHasher {
    a: RandomState,
    b: RandomState,
}

impl KeyHasher {
    /// A hasher with fresh random keys.
    pub fn new() -> Self {
        KeyHasher {
            a: RandomState::new(),
            b: RandomState::new(),
        }
    }

    /// The hash of `key`.
    pub fn hash(&self, key: &str) -> KeyHash {
        let one = |s: &RandomState| {
            let mut h = s.build_hasher();
            h.write(key.as_bytes());
            h.finish()
        };
        let (a, b) = (one(&self.a), one(&self.b));
        [(a >> 32) as u32, a as u32, (b >> 32) as u32, b as u32]
    }
}

/// What an entry says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The request is about to be sent.
    Sent,
    /// Imported as a new member.
    Imported,
    /// The vendor flagged it `MEMBER_DUPLICATE` (already there).
    Duplicate,
    /// Its outcome was unknown, and a lookup found the profile on the server.
    Found,
    /// The request failed.
    Failed,
}

impl Event {
    /// Whether a profile with this outcome is done (skipped on resume).
    pub fn is_done(self) -> bool {
        matches!(self, Event::Imported | Event::Duplicate | Event::Found)
    }
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The campaign imported into.
    pub campaign: CampaignId,
    /// The profile's key (`salesflow::validate::canonical_profile_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// What happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// The row's line in the CSV of that run (for people reading the journal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The member id the vendor answered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When (RFC 3339).
    #[serde(default)]
    pub at: String,
    /// The former format's URL (read, never written).
    #[serde(default, skip_serializing)]
    pub url: Option<String>,
    /// The former format's outcome (read, never written).
    #[serde(default, skip_serializing)]
    pub outcome: Option<Event>,
}

impl JournalEntry {
    /// An entry for `profile` of `campaign`, now.
    pub fn new(campaign: CampaignId, profile: &str, event: Event, line: u64) -> Self {
        JournalEntry {
            campaign,
            profile: Some(profile.to_owned()),
            event: Some(event),
            line: Some(line),
            member_id: None,
            error: None,
            at: chrono::Utc::now().to_rfc3339(),
            url: None,
            outcome: None,
        }
    }

    /// The profile key and event, from either format.
    fn key_and_event(&self) -> Option<(String, Event)> {
        let event = self.event.or(self.outcome)?;
        let key = match &self.profile {
            Some(p) => p.clone(),
            None => salesflow::validate::canonical_profile_key(self.url.as_deref()?.trim())?,
        };
        Some((key, event))
    }
}

/// The profiles of a file: each one's hash and the line of its first valid row, sorted by
/// hash.
#[derive(Clone, Debug, Default)]
pub struct ProfileIndex(Vec<(KeyHash, u32)>);

impl ProfileIndex {
    /// From (hash, line) pairs in any order, one or more per profile: the lowest line of
    /// each profile is kept.
    pub fn from_vec(mut v: Vec<(KeyHash, u32)>) -> Self {
        v.sort_unstable();
        v.dedup_by_key(|e| e.0);
        v.shrink_to_fit();
        ProfileIndex(v)
    }

    /// Where profile `h` is, if it is in the file.
    pub fn position(&self, h: &KeyHash) -> Option<usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(h)).ok()
    }

    /// The line of the first valid row of the profile at `position`.
    pub fn first_line(&self, position: usize) -> Option<u64> {
        self.0.get(position).map(|(_, line)| u64::from(*line))
    }

    /// How many profiles.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What the journal says of one profile of the file: done.
const DONE: u8 = 1;
/// Its last entry is `sent`.
const LAST_SENT: u8 = 2;

/// The resume journal: what earlier runs did for one campaign, and the file this run
/// appends to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    campaign: CampaignId,
    /// For each profile of the [`ProfileIndex`] (by position): whether it is done for the
    /// campaign.
    pub done: Vec<bool>,
    /// Profiles of the file whose outcome is unknown (sent, never answered), by key.
    pub unknown: Vec<String>,
    /// Lines of the file that could not be read (e.g. cut short by a crash); ignored.
    pub unreadable_lines: usize,
}

impl Journal {
    /// Opens (creating it if needed) the journal at `path`, reading what it says of the
    /// profiles of `index` for `campaign`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or opened for appending.
    pub fn open(
        path: &Path,
        campaign: CampaignId,
        hasher: &KeyHasher,
        index: &ProfileIndex,
    ) -> std::io::Result<Journal> {
        let mut state = vec![0u8; index.len()];
        let mut unreadable_lines = 0;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        // One handle, to read what earlier runs wrote and to append to: an error opening or
        // reading the journal is returned, never taken for an empty journal (every row
        // would be sent again).
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
            let Ok(entry) = serde_json::from_slice::<JournalEntry>(&line) else {
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
            let Some(i) = index.position(&hasher.hash(&key)) else {
                continue;
            };
            // Entries are in the order they were written: once done, done; whether the last
            // one is `sent`, the last one says.
            if event.is_done() {
                state[i] |= DONE;
            }
            if event == Event::Sent {
                state[i] |= LAST_SENT;
            } else {
                state[i] &= !LAST_SENT;
            }
        }
        let is_unknown = |s: u8| s & LAST_SENT != 0 && s & DONE == 0;
        let mut unknown = Vec::new();
        if state.iter().any(|s| is_unknown(*s)) {
            // A second read for the few keys whose outcome is unknown.
            file.seek(SeekFrom::Start(0))?;
            for line in BufReader::new(&file).split(b'\n') {
                let Ok(entry) = serde_json::from_slice::<JournalEntry>(&line?) else {
                    continue;
                };
                if entry.campaign != campaign {
                    continue;
                }
                if let Some((key, _)) = entry.key_and_event() {
                    let i = index.position(&hasher.hash(&key));
                    if i.is_some_and(|i| is_unknown(state[i])) && !unknown.contains(&key) {
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
        Ok(Journal {
            path: path.to_owned(),
            file,
            campaign,
            done: state.iter().map(|s| s & DONE != 0).collect(),
            unknown,
            unreadable_lines,
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

    /// Appends an entry and hands it to the operating system (one write).
    ///
    /// # Errors
    ///
    /// When writing fails.
    pub fn record(&mut self, entry: &JournalEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_and_unknown_profiles_per_campaign() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        let hasher = KeyHasher::new();
        {
            let mut j = Journal::open(&path, CampaignId::new(1), &hasher, &ProfileIndex::default())
                .unwrap();
            for (key, events) in [
                ("ann", &[Event::Sent, Event::Imported][..]),
                ("bob", &[Event::Sent, Event::Failed]),
                ("cid", &[Event::Sent]),
                ("dee", &[Event::Sent, Event::Failed, Event::Sent]),
                ("eve", &[Event::Sent, Event::Duplicate]),
                // Unknown, looked up, not found, sent again and failed: settled.
                ("hal", &[Event::Sent, Event::Sent, Event::Failed]),
                // Done twice (imported, then found by a lookup): still done.
                ("ida", &[Event::Sent, Event::Imported, Event::Found]),
                // Sent twice, never answered: unknown.
                ("jon", &[Event::Sent, Event::Sent]),
            ] {
                for e in events {
                    j.record(&JournalEntry::new(CampaignId::new(1), key, *e, 2))
                        .unwrap();
                }
            }
            j.record(&JournalEntry::new(
                CampaignId::new(2),
                "fay",
                Event::Imported,
                2,
            ))
            .unwrap();
        }
        // The former format, and a partial line left by a crash.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(
            b"{\"campaign\":1,\"line\":9,\"url\":\"https://www.linkedin.com/in/Gus/\",\"outcome\":\"imported\",\"at\":\"\"}\n{\"campaign\":1,\"pro",
        )
        .unwrap();
        let keys = [
            "ann", "bob", "cid", "dee", "eve", "fay", "gus", "hal", "ida", "jon",
        ];
        let index = ProfileIndex::from_vec(
            keys.iter()
                .enumerate()
                .map(|(i, k)| (hasher.hash(k), i as u32 + 2))
                .collect(),
        );
        let j = Journal::open(&path, CampaignId::new(1), &hasher, &index).unwrap();
        assert_eq!(j.unreadable_lines, 1);
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
        ] {
            let i = index.position(&hasher.hash(key)).unwrap();
            assert_eq!(j.done[i], done, "{key}");
        }
        let mut unknown = j.unknown.clone();
        unknown.sort();
        assert_eq!(unknown, ["cid", "dee", "jon"]);
        let other = Journal::open(&path, CampaignId::new(2), &hasher, &index).unwrap();
        assert_eq!(other.done.iter().filter(|d| **d).count(), 1);
        assert!(other.done[index.position(&hasher.hash("fay")).unwrap()]);
        // Profiles not in the file are not read.
        let small = ProfileIndex::from_vec(vec![(hasher.hash("ann"), 2)]);
        let j = Journal::open(&path, CampaignId::new(1), &hasher, &small).unwrap();
        assert_eq!(j.done, [true]);
        assert!(j.unknown.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn index_of(hasher: &KeyHasher, keys: &[&str]) -> ProfileIndex {
        ProfileIndex::from_vec(
            keys.iter()
                .enumerate()
                .map(|(i, k)| (hasher.hash(k), i as u32 + 2))
                .collect(),
        )
    }

    #[test]
    fn an_entry_after_a_torn_last_line_is_not_lost() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        let hasher = KeyHasher::new();
        let index = index_of(&hasher, &["ann", "bob"]);
        let campaign = CampaignId::new(1);
        // A run killed in the middle of writing an entry.
        std::fs::write(
            &path,
            b"{\"campaign\":1,\"profile\":\"ann\",\"event\":\"sent\",\"at\":\"\"}\n{\"campaign\":1,\"pro",
        )
        .unwrap();
        {
            let mut j = Journal::open(&path, campaign, &hasher, &index).unwrap();
            assert_eq!(j.unreadable_lines, 1);
            assert_eq!(j.unknown, ["ann"]);
            j.record(&JournalEntry::new(campaign, "ann", Event::Imported, 2))
                .unwrap();
        }
        let j = Journal::open(&path, campaign, &hasher, &index).unwrap();
        let ann = index.position(&hasher.hash("ann")).unwrap();
        let bob = index.position(&hasher.hash("bob")).unwrap();
        assert!(
            j.done[ann],
            "the entry written after the torn line was lost"
        );
        assert!(!j.done[bob]);
        assert!(j.unknown.is_empty());
        assert_eq!(j.unreadable_lines, 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_clean_journal_gets_one_line_per_entry_and_no_blank_line() {
        let dir = tempfile_dir();
        let path = dir.join("sub").join("j.jsonl");
        let hasher = KeyHasher::new();
        let index = index_of(&hasher, &["ann"]);
        let campaign = CampaignId::new(1);
        for event in [Event::Sent, Event::Imported] {
            let mut j = Journal::open(&path, campaign, &hasher, &index).unwrap();
            assert_eq!(j.unreadable_lines, 0);
            assert_eq!(j.path(), path);
            assert_eq!(j.campaign(), campaign);
            j.record(&JournalEntry::new(campaign, "ann", event, 2))
                .unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.lines().all(|l| l.starts_with('{')), "{text}");
        assert!(text.ends_with("}\n"), "{text}");
        let j = Journal::open(&path, campaign, &hasher, &index).unwrap();
        assert_eq!(j.done, [true]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_journal_that_cannot_be_read_is_an_error_not_an_empty_journal() {
        // Ignoring it would send every row again.
        let dir = tempfile_dir();
        let hasher = KeyHasher::new();
        let index = index_of(&hasher, &["ann"]);
        // A directory opens but cannot be read.
        let err = Journal::open(&dir, CampaignId::new(1), &hasher, &index).unwrap_err();
        assert_ne!(err.kind(), std::io::ErrorKind::NotFound);
        // Not UTF-8 is only an unreadable line, a missing file an empty journal.
        let path = dir.join("j.jsonl");
        std::fs::write(&path, b"\xff\xfe\n").unwrap();
        let j = Journal::open(&path, CampaignId::new(1), &hasher, &index).unwrap();
        assert_eq!(j.unreadable_lines, 1);
        let j = Journal::open(&dir.join("new.jsonl"), CampaignId::new(1), &hasher, &index).unwrap();
        assert_eq!((j.done.as_slice(), j.unreadable_lines), (&[false][..], 0));
        assert!(dir.join("new.jsonl").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_entry_without_a_profile_or_event_is_unreadable() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        let hasher = KeyHasher::new();
        let index = index_of(&hasher, &["ann", "bob"]);
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
        let j = Journal::open(&path, CampaignId::new(1), &hasher, &index).unwrap();
        // Lines for another campaign are skipped unread; the blank line is not counted.
        assert_eq!(j.unreadable_lines, 3);
        let ann = index.position(&hasher.hash("ann")).unwrap();
        let bob = index.position(&hasher.hash("bob")).unwrap();
        assert!(!j.done[ann]);
        assert!(j.done[bob]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn done_events() {
        assert!(Event::Imported.is_done());
        assert!(Event::Duplicate.is_done());
        assert!(Event::Found.is_done());
        assert!(!Event::Sent.is_done());
        assert!(!Event::Failed.is_done());
    }

    #[test]
    fn the_index_keeps_the_first_line_of_each_profile() {
        let hasher = KeyHasher::new();
        let (a, b, c) = (hasher.hash("a"), hasher.hash("b"), hasher.hash("c"));
        let index = ProfileIndex::from_vec(vec![(b, 9), (a, 7), (b, 3), (a, 12)]);
        assert_eq!(index.len(), 2);
        assert!(!index.is_empty());
        assert!(ProfileIndex::default().is_empty());
        assert_eq!(ProfileIndex::default().len(), 0);
        let (pa, pb) = (index.position(&a).unwrap(), index.position(&b).unwrap());
        assert_ne!(pa, pb);
        assert_eq!(index.first_line(pa), Some(7));
        assert_eq!(index.first_line(pb), Some(3));
        assert_eq!(index.position(&c), None);
        assert_eq!(index.first_line(2), None);
    }

    #[test]
    fn hashes_use_all_128_bits_and_differ_between_keys() {
        let hasher = KeyHasher::new();
        assert_eq!(hasher.hash("ann"), hasher.hash("ann"));
        let hashes: Vec<KeyHash> = (0..32).map(|i| hasher.hash(&format!("key{i}"))).collect();
        let distinct: std::collections::BTreeSet<_> = hashes.iter().collect();
        assert_eq!(distinct.len(), hashes.len());
        for word in 0..4 {
            assert!(
                hashes.iter().any(|h| h[word] != 0) && hashes.iter().any(|h| h[word] >= 1 << 31),
                "word {word} is not used: {hashes:?}"
            );
        }
    }

    fn tempfile_dir() -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("sf-journal-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
