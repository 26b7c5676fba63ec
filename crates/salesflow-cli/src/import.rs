//! `salesflow import`: a CSV of LinkedIn profiles into a campaign, validated first, imported
//! with bounded concurrency through the SDK's bulk helper ([`salesflow::Client::import_members`]),
//! with progress, a summary, a failed-rows CSV, and resume after an interruption.
//!
//! # Resume: at-least-once with duplicate detection
//!
//! Every completed row is appended to a journal (JSON lines, one [`JournalEntry`] per row:
//! campaign, line number, LinkedIn URL, outcome) and flushed before the next outcome is handled.
//! On start, a row whose line is journaled for the same campaign with the same URL as
//! `imported` or `duplicate` is skipped and counted as "already done"; failed rows are tried
//! again. The key is (campaign, line, URL), so editing other rows of the CSV (fixing the invalid
//! ones, say) does not lose track of what was done, and a row whose URL changed is sent again.
//!
//! On Ctrl-C no new row is started, the rows in flight are waited for (at most
//! [`GRACE_PERIOD`]), and their outcomes journaled; the partial summary is printed and the
//! command exits with 130. A second Ctrl-C exits at once. Rows whose outcome was never
//! journaled (killed process, grace period over) are sent again on the next run: if the first
//! request had reached the vendor, the second one comes back flagged `MEMBER_DUPLICATE` (the
//! vendor, and the mock, keep the original member and flag a re-import), and is counted as a
//! duplicate. So no profile is imported twice as a new member, and none is skipped.
//!
//! Testing hooks (environment variables, not flags: they exist for tests):
//! - `SALESFLOW_IMPORT_STOP_AFTER=N`: behaves exactly like Ctrl-C after N completed rows;
//! - `SALESFLOW_IMPORT_ABORT_AFTER=N`: once N rows are journaled, exits with 130 as soon as
//!   the next outcome arrives, before journaling it and without waiting for the rows in
//!   flight: a process killed between a response and its journal entry.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use salesflow::ops::ImportMember;
use salesflow::{ApiErrorKind, CampaignId, Error, ImportOptions, ImportResult};
use serde::{Deserialize, Serialize};

use crate::cli::{ImportArgs, OutputFormat};
use crate::exit::{self, CliError};
use crate::Context;

/// How long an interrupted import waits for the rows in flight.
pub const GRACE_PERIOD: Duration = Duration::from_secs(30);

/// The testing hook that behaves like Ctrl-C after N completed rows.
pub const ENV_STOP_AFTER: &str = "SALESFLOW_IMPORT_STOP_AFTER";

/// The testing hook that exits, like a killed process, when the outcome after the N-th
/// journaled row arrives (before journaling it).
pub const ENV_ABORT_AFTER: &str = "SALESFLOW_IMPORT_ABORT_AFTER";

/// The column that failed-rows CSVs add; ignored on input.
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

/// One data row of the CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvRow {
    /// Its line number (1-based; the header is line 1).
    pub line: u64,
    /// Its cells as read (invalid UTF-8 replaced).
    pub cells: Vec<String>,
    /// Why its bytes are unreadable, if they are.
    pub unreadable: Option<String>,
}

/// A CSV file: its header and rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvFile {
    /// The header row.
    pub headers: Vec<String>,
    /// The data rows (blank lines are skipped by the reader).
    pub rows: Vec<CsvRow>,
}

/// Reads a CSV file (rows may have more or fewer cells than the header).
///
/// # Errors
///
/// A usage error when the file cannot be read or is not CSV.
pub fn read_csv(path: &Path) -> Result<CsvFile, CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    parse_csv(file).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))
}

/// Parses CSV from any reader: the header, then every row with its line number. Cells that
/// are not UTF-8 are kept (lossily) and the row marked unreadable; rows may have more or
/// fewer cells than the header.
///
/// # Errors
///
/// Why the bytes are not readable CSV (I/O error, unterminated quote...).
pub fn parse_csv<R: std::io::Read>(input: R) -> Result<CsvFile, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .byte_headers()
        .map_err(|e| format!("cannot read the header: {e}"))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        let record = record.map_err(|e| format!("not a readable CSV: {e}"))?;
        let line = record.position().map_or(0, csv::Position::line);
        let mut unreadable = None;
        let cells = record
            .iter()
            .map(|c| match std::str::from_utf8(c) {
                Ok(s) => s.to_owned(),
                Err(_) => {
                    unreadable = Some("not valid UTF-8".to_owned());
                    String::from_utf8_lossy(c).into_owned()
                }
            })
            .collect();
        rows.push(CsvRow {
            line,
            cells,
            unreadable,
        });
    }
    Ok(CsvFile { headers, rows })
}

/// The member a row describes, or why it is invalid. Cells are trimmed; empty optional
/// cells are left out; the URL is checked with the SDK's `validate::linkedin_url`.
///
/// # Errors
///
/// The reason the row is invalid.
pub fn member_from_row(
    campaign: CampaignId,
    columns: &Columns,
    row: &CsvRow,
) -> Result<ImportMember, String> {
    if let Some(why) = &row.unreadable {
        return Err(why.clone());
    }
    let cell = |i: Option<usize>| {
        i.and_then(|i| row.cells.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    };
    let url = cell(Some(columns.url)).ok_or_else(|| "missing LinkedIn URL".to_owned())?;
    salesflow::validate::linkedin_profile_url("linkedInUrl", url).map_err(|e| e.to_string())?;
    let mut member = ImportMember::new(campaign, url);
    member.first_name = cell(columns.first_name).map(str::to_owned);
    member.last_name = cell(columns.last_name).map(str::to_owned);
    member.occupation = cell(columns.occupation).map(str::to_owned);
    member.location = cell(columns.location).map(str::to_owned);
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
        *slot = cell(*col).map(str::to_owned);
    }
    Ok(member)
}

/// What happened to a row, as journaled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// Imported as a new member.
    Imported,
    /// The vendor flagged it `MEMBER_DUPLICATE` (already there).
    Duplicate,
    /// The request failed.
    Failed,
}

impl RowOutcome {
    /// Whether a row with this outcome is done (skipped on resume).
    pub fn is_done(self) -> bool {
        matches!(self, RowOutcome::Imported | RowOutcome::Duplicate)
    }
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The campaign imported into.
    pub campaign: i64,
    /// The row's line number in the CSV.
    pub line: u64,
    /// The row's LinkedIn URL (trimmed).
    pub url: String,
    /// What happened.
    pub outcome: RowOutcome,
    /// The member id the vendor answered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When (RFC 3339).
    pub at: String,
}

/// The resume journal: what earlier runs did, and the file this run appends to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    done: HashMap<u64, String>,
    /// Lines of the file that could not be read (e.g. cut short by a crash); ignored.
    pub unreadable_lines: usize,
}

impl Journal {
    /// Opens (creating it if needed) the journal at `path`, reading what it says was done
    /// for `campaign`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or opened for appending.
    pub fn open(path: &Path, campaign: i64) -> std::io::Result<Journal> {
        let mut done = HashMap::new();
        let mut unreadable_lines = 0;
        match File::open(path) {
            Ok(f) => {
                for line in BufReader::new(f).lines() {
                    let line = line?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    match serde_json::from_str::<JournalEntry>(&line) {
                        Ok(e) if e.campaign == campaign && e.outcome.is_done() => {
                            done.insert(e.line, e.url);
                        }
                        Ok(_) => {}
                        Err(_) => unreadable_lines += 1,
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        // A previous run killed mid-write may have left a partial last line: start ours on
        // a fresh one.
        if unreadable_lines > 0 {
            file.write_all(b"\n")?;
        }
        Ok(Journal {
            path: path.to_owned(),
            file,
            done,
            unreadable_lines,
        })
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the row at `line` with this URL was imported (or found duplicate) before.
    pub fn is_done(&self, line: u64, url: &str) -> bool {
        self.done.get(&line).is_some_and(|u| u == url)
    }

    /// Appends an entry and flushes it to the operating system.
    ///
    /// # Errors
    ///
    /// When writing fails.
    pub fn record(&mut self, entry: &JournalEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.flush()?;
        if entry.outcome.is_done() {
            self.done.insert(entry.line, entry.url.clone());
        }
        Ok(())
    }
}

/// A row that was not imported, for the report and the failed-rows CSV.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RowFailure {
    /// The row's line number.
    pub line: u64,
    /// Its LinkedIn URL cell (trimmed), if any.
    pub url: String,
    /// Why.
    pub error: String,
    /// Whether it was rejected before sending (true) or failed at the API (false).
    pub invalid: bool,
}

/// What an import did (printed on stderr; on stdout as JSON with `--output json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportReport {
    /// The CSV file.
    pub csv: String,
    /// The campaign.
    pub campaign_id: i64,
    /// Data rows in the CSV.
    pub rows: usize,
    /// Rows imported as new members in this run.
    pub imported: usize,
    /// Rows the vendor flagged `MEMBER_DUPLICATE` in this run.
    pub duplicates: usize,
    /// Rows rejected before sending (invalid).
    pub invalid: usize,
    /// Rows whose request failed.
    pub failed: usize,
    /// Rows skipped because an earlier run imported them (journal).
    pub already_done: usize,
    /// Rows not attempted (the import was interrupted or stopped).
    pub not_attempted: usize,
    /// Whether the import was interrupted (Ctrl-C).
    pub interrupted: bool,
    /// Whether only validation was done.
    pub dry_run: bool,
    /// The failed-rows CSV, if one was written.
    pub failed_out: Option<String>,
    /// The resume journal.
    pub journal: Option<String>,
    /// The rows not imported, by line.
    pub failures: Vec<RowFailure>,
}

impl ImportReport {
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
        let mut line = |label: &str, n: usize| s.push_str(&format!("  {label:<14}{n:>6}\n"));
        line("imported", self.imported);
        line("duplicates", self.duplicates);
        line("invalid", self.invalid);
        line("failed", self.failed);
        line("already done", self.already_done);
        if self.not_attempted > 0 {
            line("not attempted", self.not_attempted);
        }
        if let Some(p) = &self.failed_out {
            s.push_str(&format!("Rows not imported written to {p}\n"));
        }
        if self.interrupted {
            s.push_str("Run the same command again to resume.\n");
        }
        s
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

/// Writes the rows not imported: the original columns plus `error` (replacing an existing
/// `error` column), in line order.
///
/// # Errors
///
/// When the file cannot be written.
pub fn write_failed_csv(
    path: &Path,
    csv: &CsvFile,
    columns: &Columns,
    failures: &[RowFailure],
) -> Result<(), CliError> {
    let write = || -> Result<(), csv::Error> {
        let mut w = csv::WriterBuilder::new().flexible(true).from_path(path)?;
        let mut headers = csv.headers.clone();
        let error_at = match columns.error {
            Some(i) => i,
            None => {
                headers.push(ERROR_COLUMN.to_owned());
                headers.len() - 1
            }
        };
        w.write_record(&headers)?;
        let by_line: HashMap<u64, &CsvRow> = csv.rows.iter().map(|r| (r.line, r)).collect();
        for f in failures {
            let mut cells = by_line
                .get(&f.line)
                .map(|r| r.cells.clone())
                .unwrap_or_default();
            if cells.len() <= error_at {
                cells.resize(error_at + 1, String::new());
            }
            cells[error_at] = f.error.clone();
            w.write_record(&cells)?;
        }
        w.flush()?;
        Ok(())
    };
    write().map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))
}

/// Progress on stderr: a bar on a terminal, a plain line every 2 s or 10 % otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    started: Instant,
    last_line: Instant,
    last_decile: u64,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} rows  {per_sec}  ETA {eta}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            started: Instant::now(),
            last_line: Instant::now(),
            last_decile: 0,
        }
    }

    fn println(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    fn inc(&mut self) {
        self.done += 1;
        if let Some(bar) = &self.bar {
            bar.inc(1);
            return;
        }
        let decile = (self.done * 10).checked_div(self.total).unwrap_or(10);
        if decile > self.last_decile || self.last_line.elapsed() >= Duration::from_secs(2) {
            self.last_decile = decile;
            self.last_line = Instant::now();
            let secs = self.started.elapsed().as_secs_f64().max(1e-3);
            let rate = self.done as f64 / secs;
            let left = self.total.saturating_sub(self.done);
            let eta = if rate > 0.0 {
                format!("{:.0}s", left as f64 / rate)
            } else {
                "?".into()
            };
            eprintln!(
                "progress: {}/{} rows ({}%), {rate:.1} rows/s, ETA {eta}",
                self.done,
                self.total,
                (self.done * 100).checked_div(self.total).unwrap_or(100)
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn env_count(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Whether an error means every other row would fail the same way.
fn is_fatal(err: &Error) -> bool {
    match err {
        Error::Config(_) => true,
        Error::Api(e) => matches!(e.kind, ApiErrorKind::Forbidden | ApiErrorKind::NotFound),
        _ => false,
    }
}

/// Runs `salesflow import`.
///
/// # Errors
///
/// Usage errors (unreadable CSV, no URL column, no token); row failures are not errors but
/// part of the report (exit code 3).
pub async fn run(ctx: &Context, args: &ImportArgs) -> Result<i32, CliError> {
    let csv = read_csv(&args.csv)?;
    let columns = map_columns(&csv.headers)
        .map_err(|e| CliError::usage(format!("{}: {e}", args.csv.display())))?;

    let mut report = ImportReport {
        csv: args.csv.display().to_string(),
        campaign_id: args.campaign.get(),
        rows: csv.rows.len(),
        dry_run: args.dry_run,
        ..ImportReport::default()
    };

    // 1. Validate every row.
    let mut good: Vec<(u64, ImportMember)> = Vec::new();
    for row in &csv.rows {
        match member_from_row(args.campaign, &columns, row) {
            Ok(member) => good.push((row.line, member)),
            Err(why) => {
                let url = row
                    .cells
                    .get(columns.url)
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default();
                if url.is_empty() {
                    eprintln!("line {}: {why}", row.line);
                } else {
                    eprintln!("line {}: {url:?}: {why}", row.line);
                }
                report.failures.push(RowFailure {
                    line: row.line,
                    url,
                    error: why,
                    invalid: true,
                });
            }
        }
    }
    report.invalid = report.failures.len();
    if report.invalid > 0 {
        eprintln!(
            "{} of {} rows are invalid and will not be sent",
            report.invalid, report.rows
        );
    }

    if args.dry_run {
        return finish(ctx, &csv, &columns, args, report, None);
    }

    // 2. Skip what an earlier run did.
    let client = ctx.client()?;
    let temp_journal = ctx.mock.is_some() && args.state.is_none();
    let journal_path = match &args.state {
        Some(p) => p.clone(),
        None if temp_journal => mock_journal(),
        None => default_journal(&args.csv),
    };
    if temp_journal {
        eprintln!(
            "note: --mock: the resume journal is a temporary file ({}), removed at the end: \
             the mock starts from its demo data every run, so there is nothing to resume",
            journal_path.display()
        );
    }
    let mut journal = Journal::open(&journal_path, args.campaign.get()).map_err(|e| {
        CliError::usage(format!(
            "cannot open the journal {}: {e}",
            journal_path.display()
        ))
    })?;
    if journal.unreadable_lines > 0 {
        eprintln!(
            "note: {} unreadable line(s) in the journal {} ignored",
            journal.unreadable_lines,
            journal_path.display()
        );
    }
    report.journal = (!temp_journal).then(|| journal_path.display().to_string());
    let (todo, skipped): (Vec<_>, Vec<_>) = good
        .into_iter()
        .partition(|(line, m)| !journal.is_done(*line, &m.linked_in_url));
    report.already_done = skipped.len();
    if report.already_done > 0 {
        eprintln!(
            "resuming: {} rows already imported by an earlier run (journal {}) are skipped",
            report.already_done,
            journal_path.display()
        );
    }

    // 3. Import, stopping cleanly on Ctrl-C.
    let lines: Vec<u64> = todo.iter().map(|(l, _)| *l).collect();
    let members: Vec<ImportMember> = todo.into_iter().map(|(_, m)| m).collect();
    let total = members.len();
    let stop = Arc::new(AtomicBool::new(false));
    let notify = Arc::new(tokio::sync::Notify::new());
    let signal_task = {
        let stop = stop.clone();
        let notify = notify.clone();
        tokio::spawn(async move {
            let mut presses = 0;
            while tokio::signal::ctrl_c().await.is_ok() {
                presses += 1;
                if presses == 1 {
                    eprintln!(
                        "interrupted: finishing the rows in flight (Ctrl-C again to quit at once)"
                    );
                    stop.store(true, Ordering::SeqCst);
                    notify.notify_one();
                } else {
                    eprintln!("interrupted again: quitting; run the same command to resume");
                    std::process::exit(exit::INTERRUPTED);
                }
            }
        })
    };
    let feed_stop = stop.clone();
    let feed = members
        .into_iter()
        .take_while(move |_| !feed_stop.load(Ordering::SeqCst));
    let options = ImportOptions::default().concurrency(usize::from(args.concurrency));
    let mut outcomes = Box::pin(client.import_members(feed, options));

    let stop_after = env_count(ENV_STOP_AFTER);
    let abort_after = env_count(ENV_ABORT_AFTER);
    let mut progress = Progress::new(total as u64);
    let mut completed = 0usize;
    let mut deadline: Option<tokio::time::Instant> = None;
    let mut fatal: Option<String> = None;
    let mut grace_over = false;
    loop {
        let next = tokio::select! {
            next = outcomes.next() => next,
            () = notify.notified(), if deadline.is_none() => {
                deadline = Some(tokio::time::Instant::now() + GRACE_PERIOD);
                continue;
            }
            () = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            } => {
                grace_over = true;
                break;
            }
        };
        let Some(outcome) = next else { break };
        if abort_after.is_some_and(|n| completed >= n) {
            // The testing hook: die between a response and its journal entry, with more
            // rows in flight, as a killed process may.
            progress.finish();
            eprintln!(
                "{ENV_ABORT_AFTER}: exiting before journaling line {}",
                lines[outcome.index]
            );
            std::process::exit(exit::INTERRUPTED);
        }
        let line = lines[outcome.index];
        let url = outcome.input.linked_in_url.clone();
        let (kind, member_id, error) = match &outcome.result {
            ImportResult::Imported(c) => (RowOutcome::Imported, Some(c.member_id), None),
            ImportResult::Duplicate(c) => (RowOutcome::Duplicate, Some(c.member_id), None),
            ImportResult::Failed(e) => (RowOutcome::Failed, None, Some(e.to_string())),
            _ => (
                RowOutcome::Failed,
                None,
                Some("unknown import result".to_owned()),
            ),
        };
        journal
            .record(&JournalEntry {
                campaign: args.campaign.get(),
                line,
                url: url.clone(),
                outcome: kind,
                member_id: member_id.map(salesflow::MemberId::get),
                error: error.clone(),
                at: chrono::Utc::now().to_rfc3339(),
            })
            .map_err(|e| {
                CliError::usage(format!(
                    "cannot write the journal {}: {e}",
                    journal_path.display()
                ))
            })?;
        match kind {
            RowOutcome::Imported => report.imported += 1,
            RowOutcome::Duplicate => report.duplicates += 1,
            RowOutcome::Failed => {
                let error = error.unwrap_or_default();
                progress.println(&format!("line {line}: failed: {error}"));
                if let ImportResult::Failed(e) = &outcome.result {
                    if is_fatal(e) && fatal.is_none() {
                        fatal = Some(error.clone());
                        stop.store(true, Ordering::SeqCst);
                        deadline.get_or_insert(tokio::time::Instant::now() + GRACE_PERIOD);
                    }
                }
                report.failed += 1;
                report.failures.push(RowFailure {
                    line,
                    url,
                    error,
                    invalid: false,
                });
            }
        }
        progress.inc();
        completed += 1;
        if stop_after.is_some_and(|n| completed >= n) && !stop.load(Ordering::SeqCst) {
            progress.println(&format!(
                "{ENV_STOP_AFTER}: stopping as on Ctrl-C after {completed} rows"
            ));
            stop.store(true, Ordering::SeqCst);
            deadline.get_or_insert(tokio::time::Instant::now() + GRACE_PERIOD);
        }
    }
    drop(outcomes);
    signal_task.abort();
    progress.finish();
    if grace_over {
        eprintln!(
            "gave up waiting for the rows in flight after {} s: they will be sent again on \
             resume (and counted as duplicates if they went through)",
            GRACE_PERIOD.as_secs()
        );
    }
    let stopped = stop.load(Ordering::SeqCst);
    report.not_attempted = total - completed;
    report.interrupted = stopped && fatal.is_none();
    let result = finish(ctx, &csv, &columns, args, report, fatal.as_deref());
    if temp_journal {
        let _ = std::fs::remove_file(&journal_path);
    }
    result
}

fn finish(
    ctx: &Context,
    csv: &CsvFile,
    columns: &Columns,
    args: &ImportArgs,
    mut report: ImportReport,
    fatal: Option<&str>,
) -> Result<i32, CliError> {
    report.failures.sort_by_key(|f| f.line);
    if !report.failures.is_empty() && !report.dry_run {
        let path = args
            .failed_out
            .clone()
            .unwrap_or_else(|| default_failed_out(&args.csv));
        write_failed_csv(&path, csv, columns, &report.failures)?;
        report.failed_out = Some(path.display().to_string());
    }
    eprint!("{}", report.summary_text());
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
    let code = if report.interrupted {
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

    #[test]
    fn rows_are_validated_with_the_sdk() {
        let c = map_columns(&headers(&["url", "first_name", "custom1"])).unwrap();
        let row = |cells: &[&str]| CsvRow {
            line: 2,
            cells: cells.iter().map(|s| (*s).to_owned()).collect(),
            unreadable: None,
        };
        let m =
            member_from_row(&c, &row(&[" https://www.linkedin.com/in/ann ", "Ann", ""])).unwrap();
        assert_eq!(m.linkedin_url, "https://www.linkedin.com/in/ann");
        assert_eq!(m.first_name.as_deref(), Some("Ann"));
        assert_eq!(m.custom[0], None);
        assert_eq!(
            member_from_row(&c, &row(&["", "Ann"])).unwrap_err(),
            "missing LinkedIn URL"
        );
        assert!(member_from_row(&c, &row(&["https://example.com/in/ann"]))
            .unwrap_err()
            .contains("LinkedIn profile URL"));
    }

    #[test]
    fn the_journal_remembers_done_rows_per_campaign() {
        let dir = std::env::temp_dir().join(format!("sf-journal-test-{}", std::process::id()));
        let path = dir.join("j.jsonl");
        let _ = std::fs::remove_file(&path);
        let entry = |line, outcome| JournalEntry {
            campaign: 1,
            line,
            url: format!("https://linkedin.com/in/u{line}"),
            outcome,
            member_id: None,
            error: None,
            at: String::new(),
        };
        {
            let mut j = Journal::open(&path, 1).unwrap();
            j.record(&entry(2, RowOutcome::Imported)).unwrap();
            j.record(&entry(3, RowOutcome::Failed)).unwrap();
            j.record(&entry(4, RowOutcome::Duplicate)).unwrap();
        }
        // A crash mid-write leaves a partial line.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"campaign\":1,\"li")
            .unwrap();
        let j = Journal::open(&path, 1).unwrap();
        assert_eq!(j.unreadable_lines, 1);
        assert!(j.is_done(2, "https://linkedin.com/in/u2"));
        assert!(!j.is_done(2, "https://linkedin.com/in/other"));
        assert!(!j.is_done(3, "https://linkedin.com/in/u3"));
        assert!(j.is_done(4, "https://linkedin.com/in/u4"));
        let other = Journal::open(&path, 2).unwrap();
        assert!(!other.is_done(2, "https://linkedin.com/in/u2"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
