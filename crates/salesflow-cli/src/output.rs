//! Printing results: aligned tables for people, JSON (the SDK's serde types) for scripts.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use salesflow::{Account, Campaign, Contact, StatusMessage, Webhook, WebhookCampaign};
use serde::Serialize;
use serde_json::Value;

/// How results are printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// An aligned, human-readable table.
    Table,
    /// JSON (the SDK's types, PascalCase field names as the vendor's).
    Json,
}

/// `eprintln!` unless `--quiet`: for progress, notes and summaries (not for errors and
/// warnings, which are always printed).
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::output::quiet() {
            eprintln!($($arg)*);
        }
    };
}

static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets `--quiet` for the process: progress, notes and summaries on stderr are left out.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` is in force.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A table: a header row and data rows, printed with aligned columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are blank, extra cells are dropped).
    pub fn row(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// The table as text: columns separated by two spaces, padded to the widest cell (in
    /// terminal columns, by [`unicode_width`]: a CJK character or an emoji takes two, a
    /// combining mark none), no trailing spaces, one line per row ending in `\n`.
    pub fn render(&self) -> String {
        use unicode_width::UnicodeWidthStr as _;
        let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(clean(cell).width());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = String::new();
            for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
                let cell = clean(cell);
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(&cell);
                let pad = width - cell.width();
                line.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A two-column FIELD/VALUE table, for a single record.
pub fn record(fields: Vec<(&str, String)>) -> Table {
    let mut t = Table::new(&["FIELD", "VALUE"]);
    for (k, v) in fields {
        t.row(vec![k.to_owned(), v]);
    }
    t
}

/// Writes `text` to stdout; a closed pipe (`salesflow ... | head`) is not an error.
pub fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Prints `value` as pretty JSON, or `table()` as a table.
pub fn emit<T: Serialize + ?Sized>(
    format: OutputFormat,
    value: &T,
    table: impl FnOnce() -> Table,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => {
            let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
            text.push('\n');
            write_stdout(&text)
        }
        OutputFormat::Table => write_stdout(&table().render()),
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn name(first: &Option<String>, last: &Option<String>) -> String {
    format!(
        "{} {}",
        first.as_deref().unwrap_or_default(),
        last.as_deref().unwrap_or_default()
    )
    .trim()
    .to_owned()
}

/// The table of `campaigns list`.
pub fn campaigns_table(campaigns: &[Campaign]) -> Table {
    table_of(&["ID", "NAME", "STATUS", "LAST MODIFIED"], campaigns, |c| {
        vec![
            c.campaign_id.to_string(),
            opt(&c.campaign_name),
            opt(&c.status),
            opt(&c.last_modified_at),
        ]
    })
}

/// A table of `items`, a row each from `row`, under `headers`.
fn table_of<T>(headers: &[&str], items: &[T], row: impl Fn(&T) -> Vec<String>) -> Table {
    let mut t = Table::new(headers);
    for item in items {
        t.row(row(item));
    }
    t
}

/// A JSON value as table text: strings as they are, `null` as blank, the rest as JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One record as a FIELD/VALUE table of every field it serializes (the vendor's names, the
/// fields this version does not know included), so that no field is left out.
pub fn record_of<T: Serialize>(value: &T) -> Table {
    table_of_json(&serde_json::to_value(value).unwrap_or(Value::Null))
}

/// Any answer as a table: a list of objects with one column per field (in order of first
/// appearance), an object as FIELD/VALUE, anything else as one VALUE cell.
pub fn table_of_json(value: &Value) -> Table {
    match value {
        Value::Object(map) => {
            let mut t = Table::new(&["FIELD", "VALUE"]);
            for (k, v) in map {
                t.row(vec![k.clone(), cell(v)]);
            }
            t
        }
        Value::Array(items) if items.iter().all(Value::is_object) => {
            let mut headers: Vec<String> = Vec::new();
            for item in items {
                for key in item.as_object().into_iter().flat_map(|m| m.keys()) {
                    if !headers.contains(key) {
                        headers.push(key.clone());
                    }
                }
            }
            let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            table_of(&refs, items, |item| {
                headers.iter().map(|h| cell(&item[h.as_str()])).collect()
            })
        }
        other => {
            let mut t = Table::new(&["VALUE"]);
            t.row(vec![cell(other)]);
            t
        }
    }
}

/// The table of a vendor status body (`campaigns start`, `contacts delete`, ...).
pub fn status_table(s: &StatusMessage) -> Table {
    let mut t = Table::new(&["STATUS", "MESSAGE"]);
    t.row(vec![s.status.to_string(), opt(&s.message)]);
    t
}

/// The table of `contacts list` and `contacts find` (a summary; `--output json` has every
/// field). PROFILE is the public identifier, or the profile URL where the vendor sends no
/// identifier (ListContacts by campaign).
pub fn contacts_table(contacts: &[Contact]) -> Table {
    let headers = ["MEMBER ID", "NAME", "PROFILE", "OCCUPATION", "LOCATION"];
    table_of(&headers, contacts, |c| {
        let profile = c
            .public_identifier
            .clone()
            .or_else(|| c.member_url.clone())
            .unwrap_or_default();
        vec![
            c.member_id.to_string(),
            name(&c.first_name, &c.last_name),
            profile,
            opt(&c.occupation),
            opt(&c.location),
        ]
    })
}

/// The table of `accounts list`.
pub fn accounts_table(accounts: &[Account]) -> Table {
    table_of(
        &["ACCOUNT ID", "EMAIL", "STATUS", "USER EMAIL"],
        accounts,
        |a| {
            vec![
                a.account_id.to_string(),
                opt(&a.account_email),
                opt(&a.status),
                opt(&a.user_email),
            ]
        },
    )
}

fn attachment_text(a: &WebhookCampaign) -> String {
    format!(
        "{} (campaign {}, {})",
        a.webhook_campaign_id, a.campaign_id, a.run_on
    )
}

/// The table of `webhooks list`.
pub fn webhooks_table(hooks: &[Webhook]) -> Table {
    let headers = [
        "WEBHOOK ID",
        "NAME",
        "URL",
        "DISABLED FOR MUTED",
        "ATTACHMENTS",
    ];
    table_of(&headers, hooks, |h| {
        vec![
            h.webhook_id.to_string(),
            opt(&h.name),
            opt(&h.url),
            opt(&h.disable_for_muted_contacts),
            h.attachments()
                .iter()
                .map(attachment_text)
                .collect::<Vec<_>>()
                .join("; "),
        ]
    })
}

/// The table of `webhooks attach`.
pub fn attachment_table(a: &WebhookCampaign) -> Table {
    let mut t = Table::new(&["WEBHOOK CAMPAIGN ID", "CAMPAIGN ID", "RUN ON"]);
    t.row(vec![
        a.webhook_campaign_id.to_string(),
        a.campaign_id.to_string(),
        format!("{} ({})", a.run_on, a.run_on.code()),
    ]);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_tables_keep_every_field() {
        let list = serde_json::json!([{"A": 1, "B": "x"}, {"A": 2, "C": null, "D": [1]}]);
        assert_eq!(
            table_of_json(&list).render(),
            "A  B  C  D\n1  x\n2        [1]\n"
        );
        let record = serde_json::json!({"MemberId": 7, "Nickname": "Jo"});
        assert_eq!(
            table_of_json(&record).render(),
            "FIELD     VALUE\nMemberId  7\nNickname  Jo\n"
        );
    }

    #[test]
    fn tables_align_on_characters_and_trim_trailing_space() {
        let mut t = Table::new(&["ID", "NAME"]);
        t.row(vec!["1".into(), "Zoë".into()]);
        t.row(vec!["12345".into(), "x\ny".into()]);
        assert_eq!(t.render(), "ID     NAME\n1      Zoë\n12345  x y\n");
    }

    #[test]
    fn wide_characters_take_two_columns_and_combining_marks_none() {
        use unicode_width::UnicodeWidthStr as _;
        let mut t = Table::new(&["NAME", "ID"]);
        t.row(vec!["山田太郎".into(), "1".into()]);
        t.row(vec!["Zoe\u{308}".into(), "2".into()]);
        t.row(vec!["🙂 ok".into(), "3".into()]);
        let text = t.render();
        assert_eq!(
            text,
            "NAME      ID\n山田太郎  1\nZoe\u{308}       2\n🙂 ok     3\n"
        );
        // On a terminal, the second column starts at the same place on every line.
        for line in text.lines() {
            let (name, id) = line.rsplit_once(' ').unwrap();
            assert_eq!(name.width(), 9, "{line}");
            assert!(!id.is_empty());
        }
    }
}
