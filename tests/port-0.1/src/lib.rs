//! A program written for `salesflow` 0.1, ported to 0.2 by following CHANGELOG.md's migration
//! notes (its "0.1 -> 0.2" table under **Changed**) and nothing else. Each step names, in a
//! comment, the 0.1 code it replaces. The test (`tests/port.rs`) runs it against the mock.
//!
//! Not an example to copy: `crates/salesflow/examples/` shows the 0.2 way of each task.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use futures_util::StreamExt;
use salesflow::ops::ImportMember;
use salesflow::{AnyRequest, CampaignId, Client, Error, ImportOptions, ImportResult, Operation};

/// What the program saw.
#[derive(Debug, Default)]
pub struct Report {
    /// Campaigns listed.
    pub campaigns: usize,
    /// Members of the campaign, from the statistics.
    pub statistics_total: Option<i64>,
    /// Rows imported, duplicate, failed.
    pub imported: usize,
    /// Rows the server already held.
    pub duplicates: usize,
    /// Rows that failed (the Sales Navigator URL among them).
    pub failed: usize,
    /// The public identifiers of the imported members: 0.2 sends the canonical
    /// `https://www.linkedin.com/in/<lower-case slug>`.
    pub public_identifiers: Vec<String>,
    /// Webhooks after the one this program created.
    pub webhooks: usize,
}

/// A custom field whose number is known only at run time (0.1: `NewMember::custom(n, v)`).
fn with_custom(campaign: CampaignId, url: &str, n: u8, value: &str) -> Result<ImportMember, Error> {
    // 0.2: the parameters by their wire names through `AnyRequest::from_json`.
    let mut parameters = serde_json::json!({ "campaignId": campaign, "linkedInUrl": url });
    parameters[format!("custom{n}")] = value.into();
    match AnyRequest::from_json(Operation::ImportMember, parameters) {
        Ok(AnyRequest::ImportMember(member)) => Ok(member),
        Ok(_) => unreachable!("from_json answers the operation it was given"),
        Err(e) => Err(Error::Config(e.to_string())),
    }
}

/// The ported program: lists campaigns, reads statistics while it imports profiles, updates
/// a contact, creates and removes a webhook.
///
/// # Errors
///
/// The first call that fails.
pub async fn run(
    client: &Client,
    campaign: CampaignId,
    profiles: &[&str],
) -> Result<Report, Error> {
    let mut report = Report::default();

    // 0.1: tokio::spawn({ let c = client.clone(); async move { c.campaign_statistics_with(id,
    //      StatisticsOptions::default().force_refresh(true)).await } })
    let statistics = tokio::spawn(
        client
            .get_campaign_statistics(campaign)
            .is_force_request(true),
    );

    // 0.1: client.campaigns_with(ListOptions::default()).await?
    report.campaigns = client.list_campaigns().await?.len();

    // 0.1: NewMember::new(url).first_name("Ann").custom(2, "from the port")
    let members = profiles
        .iter()
        .map(|url| with_custom(campaign, url, 2, "from the port").map(|m| m.first_name("Ann")))
        .collect::<Result<Vec<_>, _>>()?;
    // 0.1: client.import_members(campaign, members, options)
    let mut outcomes = client.import_members(members, ImportOptions::default().concurrency(2));
    while let Some(outcome) = outcomes.next().await {
        match outcome.result {
            ImportResult::Imported(c) => {
                report.imported += 1;
                // 0.1: client.update_contact(id, &ContactUpdate::new().email(x))
                client
                    .update_contact(c.member_id)
                    .email("ann@example.com")
                    .await?;
                if let Ok(found) = client.get_contact(c.member_id).await {
                    report.public_identifiers.extend(found.public_identifier);
                }
            }
            ImportResult::Duplicate(_) => report.duplicates += 1,
            ImportResult::Failed(_) => report.failed += 1,
            _ => {}
        }
    }

    // 0.1: client.create_webhook(&NewWebhook::new(name, url).disable_for_muted_contacts(true))
    let hook = client
        .create_webhook("port", "https://example.com/hook")
        .disable_for_muted_contacts(true)
        .await?;
    // 0.1: client.webhooks()
    report.webhooks = client.list_webhooks().await?.len();
    client.delete_webhook(hook.webhook_id).await?;

    // 0.1: the spawned task's JoinHandle, then its result.
    let statistics = statistics
        .await
        .map_err(|e| Error::Config(format!("the statistics task: {e}")))??;
    report.statistics_total = Some(statistics.total);
    Ok(report)
}
