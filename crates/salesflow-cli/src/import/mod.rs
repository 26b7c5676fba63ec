//! `salesflow import`: a CSV of LinkedIn profiles into a campaign, with nothing lost and
//! nothing doubled, on the CSV files people have. A front-end of the SDK's import engine
//! ([`salesflow::import`]): CSV -> rows -> engine -> report.
//!
//! # Two streaming passes
//!
//! 1. **Validation**: the file is read record by record ([`csvread`]): a file that is not
//!    readable CSV (a quote never closed, text after a closing quote, a row with more or
//!    fewer fields than the header, bytes that are not in its encoding) is refused, naming
//!    the line and column, before any request. Each row is checked with the SDK's
//!    [`ImportMember::validate`] (URL rule and maximum lengths); invalid rows are reported with
//!    line, column and reason.
//! 2. **Import**: the file is read again; each row is invalid (written to the failed-rows
//!    CSV), blank, or handed to the engine ([`ImportJob`]), which sends each profile once
//!    (from its first valid row), at most `--concurrency` at a time, and says what became of
//!    every row: imported, duplicate, duplicate of an earlier line, failed, already done,
//!    unknown or not attempted.
//!
//! Memory does not grow with the file beyond the engine's set of profiles and the journal's
//! (tens of bytes a profile): no row is kept once it is settled.
//!
//! # Every row accounted for
//!
//! The report's counts add up to the file's data rows: imported, duplicates (flagged
//! `MEMBER_DUPLICATE` by the vendor), duplicate rows (same profile as an earlier line),
//! invalid, blank, failed, already done, unknown (sent, answer never received: the next run
//! looks them up) and not attempted (after an interruption or a fatal error).
//!
//! # Resume by identity
//!
//! The journal ([`FileJournal`] by default; `--journal postgres://...` for one shared by
//! several processes) is keyed by (campaign, canonical profile). On start, profiles whose
//! outcome is unknown (sent by a run that died before their answer, or answered in a way
//! that may have taken effect: a timeout after sending, a 5xx) are looked up with
//! ListContacts-by-public-identifiers before anything is sent: found, they are done; not
//! found, they are sent again. On Ctrl-C no new row is started, the rows in flight are
//! waited for (at most [`GRACE_PERIOD`]) and their outcomes journaled; the partial summary
//! is printed and the command exits with 130. A second Ctrl-C exits at once.
//!
//! Testing hooks (environment variables, not flags: they exist for tests):
//! - `SALESFLOW_IMPORT_STOP_AFTER=N`: behaves exactly like Ctrl-C after N completed rows;
//! - `SALESFLOW_IMPORT_ABORT_AFTER=N`: once N answers are journaled, exits with 130 as soon
//!   as the next answer arrives, before journaling it and without waiting for the rows in
//!   flight: a process killed between a response and its journal entry;
//! - `SALESFLOW_IMPORT_KILL_AFTER=N`: the same, by SIGKILL (the process gets no chance to
//!   close anything).

pub mod progress;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use salesflow::import::{
    Checked, FileJournal, ImportEvent, ImportJob, ImportRow, InputRows, Journal, RowResult,
    StopReason,
};
use salesflow::ops::ImportMember;
use salesflow::validate::{canonical_profile_key, linkedin_profile_url, PROFILE_URL_PREFIX};
use salesflow::{CampaignId, ValidationError};
use serde::Serialize;

use crate::cli::{EncodingArg, ImportArgs, OutputFormat};
use crate::context::Context;
use crate::csvread::{self, CsvError, Encoding, FailedRows, Record, RecordReader};
use crate::exit::{self, CliError};

use progress::Progress;

/// How long an interrupted import waits for the rows in flight: 30 s.
pub const GRACE_PERIOD: Duration = Duration::from_secs(30);

/// The testing hook that behaves like Ctrl-C after N completed rows:
/// `SALESFLOW_IMPORT_STOP_AFTER`.
pub const ENV_STOP_AFTER: &str = "SALESFLOW_IMPORT_STOP_AFTER";

/// The testing hook that exits, like a killed process, when the answer after the N-th
/// journaled one arrives (before journaling it): `SALESFLOW_IMPORT_ABORT_AFTER`.
pub const ENV_ABORT_AFTER: &str = "SALESFLOW_IMPORT_ABORT_AFTER";

/// The testing hook that kills the process (SIGKILL) when the answer after the N-th
/// journaled one arrives (before journaling it): the variable `SALESFLOW_IMPORT_KILL_AFTER`.
pub const ENV_KILL_AFTER: &str = "SALESFLOW_IMPORT_KILL_AFTER";

/// At most this many per-row messages (200; invalid rows, duplicate rows, failures) are
/// printed on stderr by each pass; the rest are counted, and all are in the failed-rows CSV.
pub const MAX_PRINTED: usize = 200;

/// At most this many rows (1000) are listed in the JSON report's `Failures` and
/// `DuplicateRows`.
pub const MAX_LISTED: usize = 1000;

/// The column that failed-rows CSVs add (`error`); ignored on input.
pub const ERROR_COLUMN: &str = "error";

/// Where each parameter of an [`ImportMember`] is in the CSV.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    /// The LinkedIn URL column.
    pub url: usize,
    /// First name.
    pub first_name: Option<usize>,
    /// Last name.
    pub last_name: Option<usize>,
    /// Occupation.
    pub occupation: Option<usize>,
    /// Location.
    pub location: Option<usize>,
    /// custom1 .. custom10.
    pub custom: [Option<usize>; 10],
    /// The `error` column of a failed-rows CSV (ignored on input, replaced on output).
    pub error: Option<usize>,
}

/// A header name reduced for matching: lower case, without spaces, `_` and `-`.
pub fn normalize_header(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Finds the columns in a header row.
///
/// # Errors
///
/// A message when no column holds the LinkedIn URL.
pub fn map_columns(headers: &[String]) -> Result<Columns, String> {
    let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let find = |names: &[&str]| names.iter().find_map(|n| norm.iter().position(|h| h == n));
    let url = find(&[
        "linkedinurl",
        "linkedinprofileurl",
        "linkedinprofile",
        "profileurl",
        "linkedin",
        "url",
    ])
    .ok_or_else(|| {
        format!(
            "no LinkedIn URL column: expected a header such as linkedin_url, \"LinkedIn URL\", \
             linkedInUrl or url (found: {})",
            headers.join(", ")
        )
    })?;
    let mut custom = [None; 10];
    for (i, slot) in custom.iter_mut().enumerate() {
        *slot = find(&[format!("custom{}", i + 1).as_str()]);
    }
    Ok(Columns {
        url,
        first_name: find(&["firstname", "first", "givenname"]),
        last_name: find(&["lastname", "last", "surname", "familyname"]),
        occupation: find(&["occupation", "headline", "title", "jobtitle"]),
        location: find(&["location"]),
        custom,
        error: find(&[ERROR_COLUMN]),
    })
}

/// The column of `field` (a name on the wire, as in a [`ValidationError`]).
fn column_of(columns: &Columns, field: &str) -> Option<usize> {
    match field {
        "linkedInUrl" => Some(columns.url),
        "firstName" => columns.first_name,
        "lastName" => columns.last_name,
        "occupation" => columns.occupation,
        "location" => columns.location,
        f => f
            .strip_prefix("custom")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| columns.custom.get(i).copied().flatten()),
    }
}

/// Why a row is invalid, and in which column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The column (0-based), when one is at fault.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl RowError {
    /// `column 3 (LinkedIn URL): <message>`, with the header's name of the column.
    pub fn describe(&self, headers: &[String]) -> String {
        match self.column {
            Some(c) => format!(
                "column {} ({}): {}",
                c + 1,
                headers.get(c).map_or("?", String::as_str),
                self.message
            ),
            None => self.message.clone(),
        }
    }
}

/// The member a record describes, checked with [`ImportMember::validate`] (so with the
/// canonical URL), and its profile key; or why it is invalid. Cells are trimmed; empty
/// optional cells are left out.
///
/// # Errors
///
/// The reason the row is invalid, with its column.
pub fn member_from_record(
    campaign: CampaignId,
    columns: &Columns,
    rec: &Record,
    encoding: Encoding,
) -> Result<(ImportMember, String), RowError> {
    let cell = |i: Option<usize>| -> Result<Option<String>, RowError> {
        let Some(i) = i else { return Ok(None) };
        let bytes = rec.value(i).unwrap_or_default();
        let text = csvread::decode(bytes, encoding).ok_or_else(|| RowError {
            column: Some(i),
            message: format!("not {} text", encoding.name()),
        })?;
        let text = text.trim();
        Ok((!text.is_empty()).then(|| text.to_owned()))
    };
    let url = cell(Some(columns.url))?.ok_or_else(|| RowError {
        column: Some(columns.url),
        message: "missing LinkedIn URL".to_owned(),
    })?;
    let mut member = ImportMember::new(campaign, url);
    member.first_name = cell(columns.first_name)?;
    member.last_name = cell(columns.last_name)?;
    member.occupation = cell(columns.occupation)?;
    member.location = cell(columns.location)?;
    let custom = [
        &mut member.custom1,
        &mut member.custom2,
        &mut member.custom3,
        &mut member.custom4,
        &mut member.custom5,
        &mut member.custom6,
        &mut member.custom7,
        &mut member.custom8,
        &mut member.custom9,
        &mut member.custom10,
    ];
    for (slot, col) in custom.into_iter().zip(&columns.custom) {
        *slot = cell(*col)?;
    }
    let checked = member.validate().map_err(|e: ValidationError| RowError {
        column: column_of(columns, e.field),
        message: e.to_string(),
    })?;
    let key = canonical_profile_key(&checked.linked_in_url).ok_or_else(|| RowError {
        column: Some(columns.url),
        message: "no public identifier in the LinkedIn URL".to_owned(),
    })?;
    Ok((checked, key))
}

/// A row that was not imported, for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RowFailure {
    /// The row's line number.
    pub line: u64,
    /// The column at fault (1-based), if one is.
    pub column: Option<usize>,
    /// Its LinkedIn URL cell (trimmed; empty when it cannot be read).
    pub url: String,
    /// Why.
    pub error: String,
    /// Whether it was rejected before sending (true) or failed at the API (false).
    pub invalid: bool,
}

/// A row not sent because an earlier row holds the same profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DuplicateRow {
    /// The row's line number.
    pub line: u64,
    /// The line of the first valid row with the same profile (the one sent).
    pub same_as_line: u64,
}

/// What an import did (printed on stderr; on stdout as JSON with `--output json`). The
/// counts from `imported` to `not_attempted` add up to `rows`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportReport {
    /// The CSV file.
    pub csv: String,
    /// The encoding it was read in.
    pub encoding: String,
    /// The field delimiter.
    pub delimiter: String,
    /// The campaign.
    pub campaign_id: CampaignId,
    /// Data rows in the CSV (records after the header; blank lines are not rows).
    pub rows: usize,
    /// Rows imported as new members in this run.
    pub imported: usize,
    /// Rows the vendor flagged `MEMBER_DUPLICATE` in this run (the profile was there).
    pub duplicates: usize,
    /// Rows not sent because an earlier row of the file holds the same profile.
    pub duplicate_rows: usize,
    /// Rows rejected before sending (invalid).
    pub invalid: usize,
    /// Rows whose every field is empty (skipped).
    pub blank: usize,
    /// Rows whose request failed.
    pub failed: usize,
    /// Rows skipped because an earlier run did them (journal, or a lookup).
    pub already_done: usize,
    /// Rows sent whose answer never came (the grace period after Ctrl-C ran out): the next
    /// run looks them up before sending anything.
    pub unknown: usize,
    /// Rows not attempted (the import was interrupted or stopped, or a dry run).
    pub not_attempted: usize,
    /// Of `already_done`: profiles whose outcome was unknown (in flight when an earlier run
    /// died) and that a lookup found on the server.
    pub recovered: usize,
    /// Whether the import was interrupted (Ctrl-C).
    pub interrupted: bool,
    /// Whether only validation was done.
    pub dry_run: bool,
    /// The failed-rows CSV, if one was written.
    pub failed_out: Option<String>,
    /// The resume journal.
    pub journal: Option<String>,
    /// The rows not imported (invalid or failed), by line: at most [`MAX_LISTED`].
    pub failures: Vec<RowFailure>,
    /// The duplicate rows: at most [`MAX_LISTED`].
    pub duplicate_row_lines: Vec<DuplicateRow>,
}

impl ImportReport {
    /// The sum of the per-row counts (equal to `rows` when every row is accounted for).
    pub fn accounted(&self) -> usize {
        self.imported
            + self.duplicates
            + self.duplicate_rows
            + self.invalid
            + self.blank
            + self.failed
            + self.already_done
            + self.unknown
            + self.not_attempted
    }

    /// The human summary (several lines).
    pub fn summary_text(&self) -> String {
        let mut s = format!(
            "{} of campaign {} from {}: {} rows\n",
            if self.dry_run {
                "Validation (dry run)"
            } else if self.interrupted {
                "Import (interrupted)"
            } else {
                "Import"
            },
            self.campaign_id,
            self.csv,
            self.rows
        );
        let mut line = |label: &str, n: usize, always: bool| {
            if always || n > 0 {
                s.push_str(&format!("  {label:<16}{n:>7}\n"));
            }
        };
        line("imported", self.imported, !self.dry_run);
        line("duplicates", self.duplicates, !self.dry_run);
        line("duplicate rows", self.duplicate_rows, false);
        line("invalid", self.invalid, true);
        line("blank", self.blank, false);
        line("failed", self.failed, !self.dry_run);
        line("already done", self.already_done, !self.dry_run);
        line("unknown", self.unknown, false);
        line(
            if self.dry_run {
                "to import"
            } else {
                "not attempted"
            },
            self.not_attempted,
            self.dry_run,
        );
        if self.recovered > 0 {
            s.push_str(&format!(
                "  ({} of the rows already done were found on the server by a lookup)\n",
                self.recovered
            ));
        }
        if let Some(p) = &self.failed_out {
            s.push_str(&format!("Rows not imported written to {p}\n"));
        }
        if self.interrupted || self.unknown > 0 {
            s.push_str("Run the same command again to resume.\n");
        }
        s
    }

    fn add_failure(&mut self, failure: RowFailure) {
        if self.failures.len() < MAX_LISTED {
            self.failures.push(failure);
        }
    }
}

fn default_failed_out(csv: &Path) -> PathBuf {
    let stem = csv
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    csv.with_file_name(format!("{stem}.failed.csv"))
}

fn default_journal(csv: &Path) -> PathBuf {
    let name = csv
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import.csv".into());
    csv.with_file_name(format!("{name}.salesflow-import.jsonl"))
}

fn mock_journal() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!(
        "salesflow-mock-import-{}-{nanos}.jsonl",
        std::process::id()
    ))
}

/// How a file is read: its encoding, byte order mark, delimiter and header.
struct Layout {
    encoding: Encoding,
    bom_len: usize,
    delimiter: u8,
    header: Record,
    headers: Vec<String>,
    columns: Columns,
}

fn encoding_of(arg: Option<EncodingArg>) -> Option<Encoding> {
    arg.map(|e| match e {
        EncodingArg::Utf8 => Encoding::Utf8,
        EncodingArg::Latin1 => Encoding::Latin1,
        EncodingArg::Utf16le => Encoding::Utf16Le,
        EncodingArg::Utf16be => Encoding::Utf16Be,
    })
}

fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_owned(),
        d => char::from(d).to_string(),
    }
}

/// Opens the file, positioned after its byte order mark.
fn open_at_start(path: &Path, bom_len: usize) -> Result<(Vec<u8>, File), CliError> {
    let mut file = File::open(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    // The first four bytes (fewer in a shorter file): enough for any byte order mark.
    // `read_to_end` retries a read that a signal interrupted.
    let mut head = Vec::with_capacity(4);
    (&mut file)
        .take(4)
        .read_to_end(&mut head)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    head.drain(..bom_len.min(head.len()));
    Ok((head, file))
}

fn malformed(path: &Path, err: &CsvError) -> CliError {
    CliError::usage(format!(
        "{}: {err}\nthe file is not readable CSV: nothing was sent",
        path.display()
    ))
}

/// Reads the header: encoding, delimiter, columns.
fn read_layout(path: &Path, args: &ImportArgs) -> Result<(Layout, RecordReader), CliError> {
    let (head, _) = open_at_start(path, 0)?;
    let (encoding, bom_len) = csvread::detect_encoding(&head, encoding_of(args.encoding));
    let (head, file) = open_at_start(path, bom_len)?;
    let mut reader = RecordReader::new(head, Box::new(file), encoding, b',');
    let peek = reader.peek_buffer().map_err(|e| malformed(path, &e))?;
    if peek.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CliError::usage(format!(
            "{}: the file is empty: expected a header row (e.g. linkedin_url,first_name) \
             and one row per profile",
            path.display()
        )));
    }
    let delimiter = args
        .delimiter
        .unwrap_or_else(|| csvread::detect_delimiter(peek));
    reader.set_delimiter(delimiter);
    let mut header = Record::default();
    if !reader.read(&mut header).map_err(|e| malformed(path, &e))? {
        return Err(CliError::usage(format!(
            "{}: the file is empty",
            path.display()
        )));
    }
    if encoding != Encoding::Latin1 {
        csvread::check_utf8(&header).map_err(|e| malformed(path, &e))?;
    }
    let headers: Vec<String> = (0..header.len())
        .map(|i| csvread::decode(header.value(i).unwrap_or_default(), encoding).unwrap_or_default())
        .collect();
    let columns =
        map_columns(&headers).map_err(|e| {
            let other = [b',', b';', b'\t']
                .into_iter()
                .find(|d| *d != delimiter && headers.iter().any(|h| h.as_bytes().contains(d)));
            let hint =
                match other {
                    Some(d) => format!(
                "\nthe header was split on `{}`; if the file uses `{}`, pass --delimiter {}",
                delimiter_name(delimiter),
                delimiter_name(d),
                if d == b'\t' { "tab".to_owned() } else { format!("'{}'", char::from(d)) }
            ),
                    None => String::new(),
                };
            CliError::usage(format!("{}: {e}{hint}\nnothing was sent", path.display()))
        })?;
    Ok((
        Layout {
            encoding,
            bom_len,
            delimiter,
            header,
            headers,
            columns,
        },
        reader,
    ))
}

/// Checks a data record's shape and encoding.
fn check_record(rec: &Record, layout: &Layout) -> Result<(), CsvError> {
    if layout.encoding != Encoding::Latin1 {
        csvread::check_utf8(rec)?;
    }
    if rec.len() != layout.header.len() && !rec.is_blank() {
        return Err(CsvError {
            line: rec.line,
            column: None,
            message: format!(
                "{} fields where the header has {} (a missing or extra `{}`, or a field holding \
                 `{}` without quotes)",
                rec.len(),
                layout.header.len(),
                delimiter_name(layout.delimiter),
                delimiter_name(layout.delimiter),
            ),
        });
    }
    Ok(())
}

fn url_cell(layout: &Layout, rec: &Record) -> String {
    rec.value(layout.columns.url)
        .and_then(|b| csvread::decode(b, layout.encoding))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// A per-row message, with the URL when it helps (shortened).
fn row_message(line: u64, layout: &Layout, rec: &Record, err: &RowError) -> String {
    let url = url_cell(layout, rec);
    let shown: String = url.chars().take(120).collect();
    let ellipsis = if url.chars().count() > 120 { "…" } else { "" };
    if err.column == Some(layout.columns.url) && !url.is_empty() {
        format!(
            "line {line}, {}: {shown:?}{ellipsis}",
            err.describe(&layout.headers)
        )
    } else {
        format!("line {line}, {}", err.describe(&layout.headers))
    }
}

/// Pass 1: every record checked, invalid rows reported.
struct Validated {
    rows: usize,
    invalid: usize,
}

fn validate_pass(
    campaign: CampaignId,
    path: &Path,
    layout: &Layout,
    mut reader: RecordReader,
) -> Result<Validated, CliError> {
    let mut rec = Record::default();
    let (mut rows, mut invalid, mut printed) = (0, 0, 0);
    while reader.read(&mut rec).map_err(|e| malformed(path, &e))? {
        check_record(&rec, layout).map_err(|e| malformed(path, &e))?;
        rows += 1;
        if rec.is_blank() {
            continue;
        }
        if let Err(e) = member_from_record(campaign, &layout.columns, &rec, layout.encoding) {
            invalid += 1;
            if printed < MAX_PRINTED {
                printed += 1;
                eprintln!("{}", row_message(rec.line, layout, &rec, &e));
            }
        }
    }
    if invalid > printed {
        eprintln!(
            "... and {} more invalid rows (all in the failed-rows CSV)",
            invalid - printed
        );
    }
    if invalid > 0 {
        note!("{invalid} of {rows} rows are invalid and will not be sent");
    }
    Ok(Validated { rows, invalid })
}

/// What pass 2 and the engine's outcomes write to.
struct Shared {
    report: ImportReport,
    failed: Option<FailedRows>,
    progress: Progress,
    /// Notes printed, at most [`MAX_PRINTED`], and those left out past it.
    printed: usize,
    hidden: usize,
    /// Rows sent and settled (the testing hooks count them).
    completed: usize,
    /// An error that ends the import (the file changed, the failed-rows CSV cannot be
    /// written).
    error: Option<CliError>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// A note about one row (not an error: left out with `--quiet`).
    fn print(&mut self, text: &str) {
        if crate::output::quiet() {
            return;
        }
        if self.printed < MAX_PRINTED {
            self.printed += 1;
            self.progress.println(text);
        } else {
            self.hidden += 1;
        }
    }

    fn write_failed(&mut self, rec: &Record, text: &str) {
        let Some(failed) = self.failed.as_mut() else {
            return;
        };
        if let Err(io) = failed.write(rec, text) {
            let path = failed.path.display().to_string();
            self.error
                .get_or_insert_with(|| CliError::usage(format!("cannot write {path}: {io}")));
        }
    }

    /// A row refused before it is sent.
    fn invalid(&mut self, layout: &Layout, rec: &Record, err: &RowError) {
        self.report.invalid += 1;
        let text = err.describe(&layout.headers);
        self.write_failed(rec, &text);
        self.report.add_failure(RowFailure {
            line: rec.line,
            column: err.column.map(|c| c + 1),
            url: url_cell(layout, rec),
            error: text,
            invalid: true,
        });
    }

    /// What the engine (or the dry run) says of a row.
    fn outcome(
        &mut self,
        layout: &Layout,
        line: u64,
        profile: Option<&str>,
        result: RowResult,
        rec: &Record,
    ) {
        let url = || profile.map_or_else(|| url_cell(layout, rec), profile_url);
        let sent = matches!(
            result,
            RowResult::Imported(_) | RowResult::Duplicate(_) | RowResult::Failed(_)
        );
        match result {
            RowResult::Imported(_) => self.report.imported += 1,
            RowResult::Duplicate(_) => self.report.duplicates += 1,
            RowResult::DuplicateOfRow(first) => {
                self.report.duplicate_rows += 1;
                if self.report.duplicate_row_lines.len() < MAX_LISTED {
                    self.report.duplicate_row_lines.push(DuplicateRow {
                        line,
                        same_as_line: first,
                    });
                }
                self.print(&format!(
                    "line {line}: same profile as line {first} ({}): sent once, from line {first}",
                    url()
                ));
            }
            RowResult::Invalid(e) => {
                let err = RowError {
                    column: column_of(&layout.columns, e.field),
                    message: e.to_string(),
                };
                self.invalid(layout, rec, &err);
            }
            RowResult::Failed(e) => {
                let text = e.to_string();
                self.report.failed += 1;
                self.progress
                    .println(&format!("line {line}: failed: {text}"));
                self.write_failed(rec, &text);
                self.report.add_failure(RowFailure {
                    line,
                    column: None,
                    url: url(),
                    error: text,
                    invalid: false,
                });
            }
            RowResult::AlreadyDone { .. } => self.report.already_done += 1,
            RowResult::Reconciled { .. } => {
                self.report.already_done += 1;
                self.report.recovered += 1;
            }
            RowResult::Unknown => self.report.unknown += 1,
            _ => {
                self.report.not_attempted += 1;
                return;
            }
        }
        if sent {
            self.completed += 1;
        }
        self.progress.inc();
    }
}

/// The canonical URL of a profile key.
fn profile_url(profile: &str) -> String {
    linkedin_profile_url("linkedInUrl", &format!("{PROFILE_URL_PREFIX}{profile}"))
        .unwrap_or_else(|_| format!("{PROFILE_URL_PREFIX}{profile}"))
}

/// Pass 2's reader: settles invalid and blank rows, and hands out the others.
struct Rows {
    campaign: CampaignId,
    path: PathBuf,
    layout: Arc<Layout>,
    reader: RecordReader,
    rec: Record,
    shared: Arc<Mutex<Shared>>,
}

impl Iterator for Rows {
    type Item = ImportRow<Record>;

    fn next(&mut self) -> Option<ImportRow<Record>> {
        loop {
            let read = self
                .reader
                .read(&mut self.rec)
                .map_err(|e| malformed(&self.path, &e));
            let read = read.and_then(|more| {
                check_record(&self.rec, &self.layout)
                    .map(|()| more)
                    .map_err(|e| {
                        CliError::usage(format!(
                            "{}: {e}\nthe file changed during the import",
                            self.path.display()
                        ))
                    })
            });
            let mut shared = lock(&self.shared);
            match read {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    shared.error.get_or_insert(e);
                    return None;
                }
            }
            shared.report.rows += 1;
            if self.rec.is_blank() {
                shared.report.blank += 1;
                continue;
            }
            let layout = &self.layout;
            match member_from_record(self.campaign, &layout.columns, &self.rec, layout.encoding) {
                Ok((member, _)) => {
                    return Some(ImportRow::tagged(self.rec.line, member, self.rec.clone()))
                }
                Err(e) => shared.invalid(layout, &self.rec, &e),
            }
        }
    }
}

fn env_count(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// The journal `args` name (a path, or a `postgres://` URL), opened.
async fn open_journal(
    ctx: &Context,
    args: &ImportArgs,
    csv: &Path,
) -> Result<
    (
        Box<dyn Journal>,
        Option<PathBuf>,
        Option<salesflow::postgres::PgStore>,
    ),
    CliError,
> {
    let temp = ctx.mock.is_some() && args.state.is_none();
    let path = match &args.state {
        Some(p) if is_postgres_url(p) => {
            let url = p.to_string_lossy();
            let store = salesflow::postgres::PgStore::connect(&url)
                .await
                .map_err(|e| CliError::usage(format!("cannot use the journal database: {e}")))?;
            let mut journal = store.journal();
            if let Some(lease) = args.lease {
                journal = journal.lease_length(lease);
            }
            return Ok((Box::new(journal), None, Some(store)));
        }
        Some(p) => p.clone(),
        None if temp => mock_journal(),
        None => default_journal(csv),
    };
    if temp {
        note!(
            "note: --mock: the resume journal is a temporary file ({}), removed at the end: \
             the mock starts from its demo data every run, so there is nothing to resume",
            path.display()
        );
    }
    let journal = FileJournal::open(&path, args.campaign)
        .map_err(|e| CliError::usage(format!("cannot open the journal {}: {e}", path.display())))?;
    if journal.unreadable_lines() > 0 {
        note!(
            "note: {} unreadable line(s) in the journal {} ignored",
            journal.unreadable_lines(),
            path.display()
        );
    }
    Ok((Box::new(journal), Some(path), None))
}

fn is_postgres_url(p: &Path) -> bool {
    p.to_str()
        .is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// Runs `salesflow import`.
///
/// # Errors
///
/// Usage errors (unreadable or malformed CSV, no URL column, no token, a journal that
/// cannot be read or written), and a failed lookup of profiles of unknown outcome; row
/// failures are not errors but part of the report (exit code 3).
pub async fn run(ctx: &Context, args: &ImportArgs) -> Result<i32, CliError> {
    let path = args.csv.as_path();
    let (layout, reader) = read_layout(path, args)?;
    if layout.encoding != Encoding::Utf8 || layout.bom_len > 0 || layout.delimiter != b',' {
        note!(
            "reading {} as {}{}, fields separated by `{}`",
            path.display(),
            layout.encoding.name(),
            if layout.bom_len > 0 {
                " (byte order mark)"
            } else {
                ""
            },
            delimiter_name(layout.delimiter)
        );
    }

    // 1. Validate every row; refuse a malformed file before anything is sent.
    let validated = validate_pass(args.campaign, path, &layout, reader)?;
    let report = ImportReport {
        csv: path.display().to_string(),
        encoding: layout.encoding.name().to_owned(),
        delimiter: delimiter_name(layout.delimiter),
        campaign_id: args.campaign,
        dry_run: args.dry_run,
        ..ImportReport::default()
    };
    let failed = FailedRows::new(
        args.failed_out
            .clone()
            .unwrap_or_else(|| default_failed_out(path)),
        (layout.encoding, layout.bom_len > 0, layout.delimiter),
        layout.header.clone(),
        layout.columns.error,
        ERROR_COLUMN,
    );
    let shared = Arc::new(Mutex::new(Shared {
        report,
        failed: (!args.dry_run).then_some(failed),
        progress: Progress::new((validated.rows - validated.invalid) as u64),
        printed: 0,
        hidden: 0,
        completed: 0,
        error: None,
    }));

    // 2. Stream the file again, into the engine (or, for a dry run, only its checks).
    let (head, file) = open_at_start(path, layout.bom_len)?;
    let mut reader = RecordReader::new(head, Box::new(file), layout.encoding, layout.delimiter);
    let mut header = Record::default();
    reader.read(&mut header).map_err(|e| malformed(path, &e))?;
    let layout = Arc::new(layout);
    let rows = Rows {
        campaign: args.campaign,
        path: path.to_owned(),
        layout: layout.clone(),
        reader,
        rec: Record::default(),
        shared: shared.clone(),
    };
    let (fatal, temp_journal) = if args.dry_run {
        dry_run(args.campaign, rows, &shared, &layout, validated.rows);
        (None, None)
    } else {
        send(ctx, args, rows, &shared, &layout, validated.rows).await?
    };
    let mut shared = Arc::try_unwrap(shared)
        .map_err(|_| CliError::usage("the import is still running".to_owned()))?
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    shared.progress.finish();
    if let Some(e) = shared.error.take() {
        return Err(e);
    }
    if shared.hidden > 0 {
        shared.progress.println(&format!(
            "({} more per-row messages were not shown: see the report)",
            shared.hidden
        ));
    }
    let mut report = shared.report;
    closing_notes(&report, &validated);
    if let Some(failed) = shared.failed.as_mut() {
        if failed
            .finish()
            .map_err(|e| CliError::usage(format!("cannot write {}: {e}", failed.path.display())))?
        {
            report.failed_out = Some(failed.path.display().to_string());
        }
    }
    let result = finish(ctx, report, fatal.as_deref());
    if let Some(p) = temp_journal {
        let _ = std::fs::remove_file(p);
    }
    result
}

/// `--dry-run`: only the checks of each row (valid, not a duplicate of an earlier one).
fn dry_run(
    campaign: CampaignId,
    rows: Rows,
    shared: &Mutex<Shared>,
    layout: &Layout,
    expected_rows: usize,
) {
    let mut checker = InputRows::with_capacity(campaign, expected_rows);
    for row in rows {
        let result = match checker.check(row.row, &row.member) {
            Checked::Ready { .. } => RowResult::NotAttempted,
            Checked::DuplicateOf(first) => RowResult::DuplicateOfRow(first),
            Checked::Invalid(e) => RowResult::Invalid(e),
            _ => RowResult::NotAttempted,
        };
        let profile = canonical_profile_key(&row.member.linked_in_url);
        lock(shared).outcome(layout, row.row, profile.as_deref(), result, &row.tag);
    }
}

/// Sends the rows through the SDK's import engine, journaled (a temporary journal with
/// `--mock` and no `--state`): the fatal error that stopped it, if any, and the temporary
/// journal to remove.
async fn send(
    ctx: &Context,
    args: &ImportArgs,
    rows: Rows,
    shared: &Arc<Mutex<Shared>>,
    layout: &Arc<Layout>,
    expected_rows: usize,
) -> Result<(Option<String>, Option<PathBuf>), CliError> {
    let path = args.csv.as_path();
    let (journal, journal_path, store) = open_journal(ctx, args, path).await?;
    let is_temp = ctx.mock.is_some() && args.state.is_none();
    lock(shared).report.journal = match (&journal_path, is_temp) {
        (_, true) => None,
        (Some(p), false) => Some(p.display().to_string()),
        (None, false) => Some(journal.describe()),
    };
    let mut builder = ctx.client_builder()?;
    if let Some(pacing) = pacing_of(args) {
        builder = match &store {
            Some(store) => builder.pacing_backend(Arc::new(store.pacer(pacing))),
            None => builder.pacing(pacing),
        };
    }
    let client = builder.build()?;
    let job = client
        .import_job(args.campaign)
        .boxed_journal(journal)
        .concurrency(usize::from(args.concurrency))
        .expected_rows(expected_rows)
        .grace_period(GRACE_PERIOD);
    let summary = import(job, rows, shared, layout).await;
    let temp_journal = if is_temp { journal_path } else { None };
    match summary {
        Ok(summary) => {
            if let Some(StopReason::Fatal { message, .. }) = summary.stopped {
                return Ok((Some(message), temp_journal));
            }
            lock(shared).report.interrupted = summary.stopped.is_some();
            Ok((None, temp_journal))
        }
        Err(salesflow::import::ImportError::Lookup(e)) => Err(CliError::api(format!(
            "cannot look up the profiles of unknown outcome: {e}\nnothing was sent; \
             run the same command again"
        ))),
        Err(e) => Err(CliError::usage(e.to_string())),
    }
}

/// The notes after an import: rows given up on, rows done by an earlier run, and a warning
/// when the counts do not add up.
fn closing_notes(report: &ImportReport, validated: &Validated) {
    if report.unknown > 0 {
        eprintln!(
            "gave up waiting for {} row(s) in flight after {} s: the next run looks them up \
             before sending anything",
            report.unknown,
            GRACE_PERIOD.as_secs()
        );
    }
    if report.already_done > 0 {
        note!(
            "resuming: {} profile(s) already done by an earlier run (journal {}) were skipped",
            report.already_done,
            report.journal.as_deref().unwrap_or("temporary")
        );
    }
    if report.accounted() != report.rows
        || report.rows != validated.rows
        || report.invalid != validated.invalid
    {
        eprintln!(
            "warning: {} rows counted, {} accounted for, {} validated ({} then {} invalid): \
             did the file change during the import?",
            report.rows,
            report.accounted(),
            validated.rows,
            validated.invalid,
            report.invalid
        );
    }
}

/// The pacing `--rate` and `--daily-limit` ask for.
fn pacing_of(args: &ImportArgs) -> Option<salesflow::Pacing> {
    let mut pacing = match args.rate {
        Some(rate) => salesflow::Pacing::requests_per_second(rate),
        None if args.daily_limit.is_some() => salesflow::Pacing::unlimited(),
        None => return None,
    };
    if let Some(limit) = args.daily_limit {
        pacing = pacing.daily_imports(limit);
    }
    Some(pacing)
}

/// Runs the engine on pass 2's rows, with Ctrl-C and the testing hooks.
async fn import(
    job: ImportJob,
    rows: Rows,
    shared: &Arc<Mutex<Shared>>,
    layout: &Layout,
) -> Result<salesflow::import::JobSummary, salesflow::import::ImportError> {
    let stop = job.stop_handle();
    let signal_task = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut presses = 0;
            while tokio::signal::ctrl_c().await.is_ok() {
                presses += 1;
                if presses == 1 {
                    eprintln!(
                        "interrupted: finishing the rows in flight (Ctrl-C again to quit at once)"
                    );
                    stop.stop();
                } else {
                    eprintln!("interrupted again: quitting; run the same command to resume");
                    std::process::exit(exit::INTERRUPTED);
                }
            }
        })
    };
    let stop_after = env_count(ENV_STOP_AFTER);
    let abort_after = env_count(ENV_ABORT_AFTER);
    let kill_after = env_count(ENV_KILL_AFTER);
    let on_event = |event: ImportEvent<Record>| match event {
        ImportEvent::LookingUp { profiles } => note!(
            "{profiles} profile(s) were sent by an earlier run that stopped before their \
             answer: looking them up on the server before sending anything"
        ),
        ImportEvent::LookedUp { found, not_found } => note!(
            "{found} found on the server (done, not sent again); {not_found} not found (sent)"
        ),
        ImportEvent::Answered { row } => {
            let shared = lock(shared);
            if abort_after.is_some_and(|n| shared.completed >= n) {
                // The testing hook: die between a response and its journal entry, with more
                // rows in flight, as a killed process may.
                shared.progress.finish();
                eprintln!("{ENV_ABORT_AFTER}: exiting before journaling line {row}");
                std::process::exit(exit::INTERRUPTED);
            }
            if kill_after.is_some_and(|n| shared.completed >= n) {
                eprintln!("{ENV_KILL_AFTER}: killing this process before journaling line {row}");
                let pid = std::process::id().to_string();
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid])
                    .status();
                std::process::exit(exit::INTERRUPTED);
            }
        }
        ImportEvent::Row(outcome) => {
            let mut shared = lock(shared);
            shared.outcome(
                layout,
                outcome.row,
                outcome.profile.as_deref(),
                outcome.result,
                &outcome.tag,
            );
            if shared.error.is_some() {
                stop.stop();
            }
            let completed = shared.completed;
            if stop_after.is_some_and(|n| completed >= n) && !stop.is_stopped() {
                shared.progress.println(&format!(
                    "{ENV_STOP_AFTER}: stopping as on Ctrl-C after {completed} rows"
                ));
                stop.stop();
            }
        }
        _ => {}
    };
    let summary = job
        .run_with(futures_util::stream::iter(rows), on_event)
        .await;
    signal_task.abort();
    summary
}

fn finish(ctx: &Context, mut report: ImportReport, fatal: Option<&str>) -> Result<i32, CliError> {
    report.failures.sort_by_key(|f| f.line);
    if !crate::output::quiet() {
        eprint!("{}", report.summary_text());
    }
    if ctx.output == OutputFormat::Json {
        let mut text = serde_json::to_string_pretty(&report).map_err(std::io::Error::other)?;
        text.push('\n');
        crate::output::write_stdout(&text)?;
    }
    if let Some(err) = fatal {
        eprintln!(
            "error: stopped after an error that every row would meet: {err}\n\
             fix it and run the same command again to resume"
        );
        return Ok(exit::API_ERROR);
    }
    let code = if report.interrupted || report.unknown > 0 {
        exit::INTERRUPTED
    } else if report.invalid + report.failed == 0 {
        exit::SUCCESS
    } else if report.invalid == 0 && report.imported + report.duplicates + report.already_done == 0
    {
        exit::API_ERROR
    } else {
        exit::PARTIAL
    };
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn header_names_are_matched_loosely() {
        for url in [
            "linkedin_url",
            "LinkedIn URL",
            "linkedInUrl",
            "url",
            " URL ",
        ] {
            let c = map_columns(&headers(&["First Name", url, "last_name"])).unwrap();
            assert_eq!(c.url, 1, "{url}");
            assert_eq!(c.first_name, Some(0));
            assert_eq!(c.last_name, Some(2));
        }
        let c = map_columns(&headers(&["url", "Custom 3", "custom10", "error"])).unwrap();
        assert_eq!(c.custom[2], Some(1));
        assert_eq!(c.custom[9], Some(2));
        assert_eq!(c.custom[0], None);
        assert_eq!(c.error, Some(3));
        assert!(map_columns(&headers(&["name", "email"])).is_err());
    }

    fn record(line: &str) -> Record {
        let mut r = RecordReader::new(
            line.as_bytes().to_vec(),
            Box::new(std::io::empty()),
            Encoding::Utf8,
            b',',
        );
        let mut rec = Record::default();
        assert!(r.read(&mut rec).unwrap());
        rec
    }

    #[test]
    fn rows_are_validated_with_the_sdk_and_name_their_column() {
        let c = map_columns(&headers(&["url", "first_name", "custom1"])).unwrap();
        let campaign = CampaignId::new(7);
        let (m, key) = member_from_record(
            campaign,
            &c,
            &record(" HTTPS://WWW.linkedin.com/in/Ann/ ,Ann,"),
            Encoding::Utf8,
        )
        .unwrap();
        assert_eq!(m.linked_in_url, "https://www.linkedin.com/in/ann");
        assert_eq!(m.campaign_id, campaign);
        assert_eq!(key, "ann");
        assert_eq!(m.first_name.as_deref(), Some("Ann"));
        assert_eq!(m.custom1, None);
        let err = member_from_record(campaign, &c, &record(",Ann,"), Encoding::Utf8).unwrap_err();
        assert_eq!(err.column, Some(0));
        assert_eq!(err.message, "missing LinkedIn URL");
        let long = format!("linkedin.com/in/x,Ann,{}", "y".repeat(1024));
        let err = member_from_record(campaign, &c, &record(&long), Encoding::Utf8).unwrap_err();
        assert_eq!(err.column, Some(2));
        assert_eq!(
            err.describe(&headers(&["url", "first_name", "custom1"])),
            "column 3 (custom1): invalid `custom1`: at most 1023 characters allowed, got 1024"
        );
    }

    fn report() -> ImportReport {
        ImportReport {
            csv: "c.csv".into(),
            campaign_id: CampaignId::new(7),
            rows: 999,
            imported: 1,
            duplicates: 2,
            duplicate_rows: 4,
            invalid: 8,
            blank: 16,
            failed: 32,
            already_done: 64,
            unknown: 128,
            not_attempted: 256,
            ..ImportReport::default()
        }
    }

    #[test]
    fn every_count_is_accounted_once() {
        assert_eq!(report().accounted(), 511);
        assert_eq!(ImportReport::default().accounted(), 0);
    }

    #[test]
    fn the_summary_shows_the_counts_that_matter() {
        let full = report().summary_text();
        assert_eq!(
            full,
            "Import of campaign 7 from c.csv: 999 rows\n\
             \x20 imported              1\n\
             \x20 duplicates            2\n\
             \x20 duplicate rows        4\n\
             \x20 invalid               8\n\
             \x20 blank                16\n\
             \x20 failed               32\n\
             \x20 already done         64\n\
             \x20 unknown             128\n\
             \x20 not attempted       256\n\
             Run the same command again to resume.\n"
        );
        // Zero counts: only those always shown; nothing to resume.
        let empty = ImportReport {
            csv: "c.csv".into(),
            rows: 3,
            imported: 3,
            recovered: 2,
            failed_out: Some("f.csv".into()),
            ..ImportReport::default()
        }
        .summary_text();
        assert_eq!(
            empty,
            "Import of campaign 0 from c.csv: 3 rows\n\
             \x20 imported              3\n\
             \x20 duplicates            0\n\
             \x20 invalid               0\n\
             \x20 failed                0\n\
             \x20 already done          0\n\
             \x20 (2 of the rows already done were found on the server by a lookup)\n\
             Rows not imported written to f.csv\n"
        );
        let dry = ImportReport {
            dry_run: true,
            not_attempted: 5,
            ..ImportReport::default()
        }
        .summary_text();
        assert!(
            dry.starts_with("Validation (dry run) of campaign 0"),
            "{dry}"
        );
        assert!(dry.contains("  to import             5\n"), "{dry}");
        assert!(
            !dry.contains("imported") && !dry.contains("failed"),
            "{dry}"
        );
        let interrupted = ImportReport {
            interrupted: true,
            ..ImportReport::default()
        }
        .summary_text();
        assert!(
            interrupted.starts_with("Import (interrupted) of"),
            "{interrupted}"
        );
        assert!(interrupted.ends_with("Run the same command again to resume.\n"));
    }

    #[test]
    fn the_exit_code_follows_the_report() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "salesflow",
            "-o",
            "table",
            "import",
            "c.csv",
            "--campaign",
            "7",
        ])
        .unwrap();
        let ctx = Context {
            global: cli.global,
            output: OutputFormat::Table,
            mock: None,
            profile: None,
        };
        let code = |report: ImportReport| finish(&ctx, report, None).unwrap();
        let done = ImportReport {
            rows: 2,
            imported: 1,
            duplicates: 1,
            ..ImportReport::default()
        };
        assert_eq!(code(done.clone()), exit::SUCCESS);
        // Rows whose answer never came: the next run must look them up, so not a success,
        // even when the import was not interrupted.
        let unknown = ImportReport {
            rows: 3,
            unknown: 1,
            ..done.clone()
        };
        assert_eq!(code(unknown), exit::INTERRUPTED);
        let interrupted = ImportReport {
            rows: 3,
            not_attempted: 1,
            interrupted: true,
            ..done.clone()
        };
        assert_eq!(code(interrupted), exit::INTERRUPTED);
        let some_failed = ImportReport {
            rows: 3,
            failed: 1,
            ..done.clone()
        };
        assert_eq!(code(some_failed), exit::PARTIAL);
        let all_failed = ImportReport {
            rows: 2,
            failed: 2,
            ..ImportReport::default()
        };
        assert_eq!(code(all_failed), exit::API_ERROR);
        let some_invalid = ImportReport {
            rows: 2,
            invalid: 1,
            failed: 1,
            ..ImportReport::default()
        };
        assert_eq!(code(some_invalid), exit::PARTIAL);
        // Failures next to rows that are in the campaign, whichever way they got there: this
        // run, an earlier run (resumed), or before any run (duplicates).
        for (imported, duplicates, already_done) in [(1, 0, 0), (0, 1, 0), (0, 0, 2), (1, 0, 1)] {
            let mixed = ImportReport {
                rows: imported + duplicates + already_done + 2,
                imported,
                duplicates,
                already_done,
                failed: 2,
                ..ImportReport::default()
            };
            assert_eq!(
                code(mixed),
                exit::PARTIAL,
                "{imported} {duplicates} {already_done}"
            );
        }
        assert_eq!(
            finish(&ctx, done, Some("forbidden")).unwrap(),
            exit::API_ERROR
        );
    }
}
