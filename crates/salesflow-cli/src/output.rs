//! Printing results: aligned tables for people, JSON (the SDK's serde types) for scripts.

use std::io::{self, Write};

use salesflow::{
    Account, Campaign, CampaignStatistics, Contact, ContactDetails, StatusMessage, Webhook,
    WebhookCampaign,
};
use serde::Serialize;

use crate::cli::OutputFormat;

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
    /// characters), no trailing spaces, one line per row ending in `\n`.
    pub fn render(&self) -> String {
        let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(clean(cell).chars().count());
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
                let pad = width - cell.chars().count();
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
    let mut t = Table::new(&["ID", "NAME", "STATUS", "LAST MODIFIED"]);
    for c in campaigns {
        t.row(vec![
            c.campaign_id.to_string(),
            opt(&c.campaign_name),
            opt(&c.status),
            opt(&c.last_modified_at),
        ]);
    }
    t
}

/// The table of `campaigns stats`.
pub fn statistics_table(s: &CampaignStatistics) -> Table {
    record(vec![
        ("CampaignId", s.campaign_id.to_string()),
        ("Total", s.total.to_string()),
        ("Imported", s.imported.to_string()),
        ("Pending", s.pending.to_string()),
        ("Invitations", s.invitations.to_string()),
        ("Connections", s.connections.to_string()),
        ("Messages", s.messages.to_string()),
        ("Replies", s.replies.to_string()),
        ("InMails", s.in_mails.to_string()),
        ("Withdrawn", s.withdrawn.to_string()),
        ("UpdatedAt", s.updated_at.to_utc().to_rfc3339()),
        ("Elapsed", s.elapsed.to_string()),
    ])
}

/// The table of a vendor status body (`campaigns start`, `contacts delete`, ...).
pub fn status_table(s: &StatusMessage) -> Table {
    let mut t = Table::new(&["STATUS", "MESSAGE"]);
    t.row(vec![s.status.to_string(), opt(&s.message)]);
    t
}

fn contact_fields(c: &Contact) -> Vec<(&'static str, String)> {
    vec![
        ("MemberId", c.member_id.to_string()),
        ("PublicIdentifier", opt(&c.public_identifier)),
        ("FirstName", opt(&c.first_name)),
        ("LastName", opt(&c.last_name)),
        ("Occupation", opt(&c.occupation)),
        ("Company", opt(&c.company)),
        ("Location", opt(&c.location)),
        ("Industry", opt(&c.industry)),
        ("Email", opt(&c.email)),
        ("Phone", opt(&c.phone)),
        ("MemberUrl", opt(&c.member_url)),
        ("Status", opt(&c.status)),
        ("AddedAt", opt(&c.added_at)),
        ("LastModifiedAt", opt(&c.last_modified_at)),
    ]
}

/// The table of one contact (`contacts update`).
pub fn contact_table(c: &Contact) -> Table {
    record(contact_fields(c))
}

/// The table of `contacts get`.
pub fn contact_details_table(d: &ContactDetails) -> Table {
    let mut fields = contact_fields(&d.contact);
    fields.push(("CampaignId", opt(&d.campaign_id)));
    fields.push(("CampaignName", opt(&d.campaign_name)));
    record(fields)
}

/// The table of `contacts list` and `contacts find`. PROFILE is the public identifier, or
/// the profile URL where the vendor sends no identifier (ListContacts by campaign); STATUS is
/// shown only when the vendor sent one.
pub fn contacts_table(contacts: &[Contact]) -> Table {
    let with_status = contacts.iter().any(|c| c.status.is_some());
    let mut headers = vec!["MEMBER ID", "NAME", "PROFILE", "OCCUPATION", "LOCATION"];
    if with_status {
        headers.push("STATUS");
    }
    let mut t = Table::new(&headers);
    for c in contacts {
        let profile = c
            .public_identifier
            .clone()
            .or_else(|| c.member_url.clone())
            .unwrap_or_default();
        t.row(vec![
            c.member_id.to_string(),
            name(&c.first_name, &c.last_name),
            profile,
            opt(&c.occupation),
            opt(&c.location),
            opt(&c.status),
        ]);
    }
    t
}

/// The table of `accounts list`.
pub fn accounts_table(accounts: &[Account]) -> Table {
    let mut t = Table::new(&["ACCOUNT ID", "EMAIL", "STATUS", "USER EMAIL"]);
    for a in accounts {
        t.row(vec![
            a.account_id.to_string(),
            opt(&a.account_email),
            opt(&a.status),
            opt(&a.user_email),
        ]);
    }
    t
}

fn attachment_text(a: &WebhookCampaign) -> String {
    format!(
        "{} (campaign {}, {})",
        a.webhook_campaign_id, a.campaign_id, a.run_on
    )
}

/// The table of `webhooks list`.
pub fn webhooks_table(hooks: &[Webhook]) -> Table {
    let mut t = Table::new(&[
        "WEBHOOK ID",
        "NAME",
        "URL",
        "DISABLED FOR MUTED",
        "ATTACHMENTS",
    ]);
    for h in hooks {
        t.row(vec![
            h.webhook_id.to_string(),
            opt(&h.name),
            opt(&h.url),
            opt(&h.disable_for_muted_contacts),
            h.attached_webhook_campaigns
                .iter()
                .map(attachment_text)
                .collect::<Vec<_>>()
                .join("; "),
        ]);
    }
    t
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
    fn tables_align_on_characters_and_trim_trailing_space() {
        let mut t = Table::new(&["ID", "NAME"]);
        t.row(vec!["1".into(), "Zoë".into()]);
        t.row(vec!["12345".into(), "x\ny".into()]);
        assert_eq!(t.render(), "ID     NAME\n1      Zoë\n12345  x y\n");
    }
}
