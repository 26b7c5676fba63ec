//! Webhooks per event: how a receiver tells the events (and the accounts) apart using only
//! what the vendor documents.
//!
//! A webhook payload names its event in `IntegrationRunOn`, but the vendor documents that name
//! only for a member who connected; the names of a detected reply and of a withdrawn invitation
//! are unpublished. What is documented is the `runOn` code of an attachment (1, 2, 7). The
//! payload names no Salesflow account either. So: attach one webhook per account and event,
//! each at its own URL ending in `{account_id}/{event}` ([`WebhookRoute`]), and let the
//! receiver read both from the URL it was called on ([`WebhookRoute::from_path`], in
//! `salesflow-webhook-types`, which needs no HTTP client).

use std::collections::BTreeSet;

use salesflow_webhook_types::{AccountId, CampaignId, RunOn, WebhookRoute};

use crate::{Client, Error, Webhook, WebhookCampaign};

/// One event's webhook and its attachment to a campaign.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EventWebhook {
    /// The event.
    pub event: RunOn,
    /// The URL the vendor calls for it: `{base_url}/{account_id}/{event}` (see
    /// [`WebhookRoute`]).
    pub url: String,
    /// The account and event the receiver reads back from [`url`](Self::url).
    pub route: WebhookRoute,
    /// The webhook (found by its URL, or created).
    pub webhook: Webhook,
    /// Its attachment to the campaign for the event (found, or made).
    pub attachment: WebhookCampaign,
    /// Whether this call made the attachment (AttachWebhook) rather than finding it.
    pub attached_now: bool,
}

impl Client {
    /// Makes sure that each of `events` calls its own URL for `campaign_id`:
    /// `{base_url}/{account_id}/{segment}` (`.../321/member-connected`,
    /// `.../321/reply-detected`, `.../321/invitation-withdrawn`), each URL a webhook attached
    /// to the campaign for that event. The receiver reads the account and the event from the
    /// last two path segments ([`WebhookRoute::from_path`] or
    /// [`WebhookRoute::from_segments`]).
    ///
    /// The same as [`attach_webhooks_per_event_to_campaigns`] with one campaign: for many
    /// campaigns, call that (one ListWebhooks for all of them); for campaigns created later,
    /// see [`reconcile_webhooks_per_event`].
    ///
    /// Idempotent: a webhook that already has the URL is reused (ListWebhooks), and an
    /// attachment that already exists for the campaign and event is kept; only what is missing
    /// is created (CreateWebhook, AttachWebhook). Put a secret in `base_url`
    /// (`https://hooks.example.com/salesflow/<secret>`): the vendor signs nothing.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] before any request when the client has no account id; else the
    /// first error of the calls it makes; what was created before stays (run it again).
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::RunOn;
    /// let hooks = client
    ///     .attach_webhooks_per_event(
    ///         29854,
    ///         "https://hooks.example.com/salesflow/3f9c0d5e8a1b4c2d",
    ///         RunOn::KNOWN,
    ///     )
    ///     .await?;
    /// for hook in &hooks {
    ///     println!("{} -> {}", hook.event, hook.url);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// [`attach_webhooks_per_event_to_campaigns`]: Self::attach_webhooks_per_event_to_campaigns
    /// [`reconcile_webhooks_per_event`]: Self::reconcile_webhooks_per_event
    pub async fn attach_webhooks_per_event(
        &self,
        campaign_id: impl Into<CampaignId>,
        base_url: &str,
        events: &[RunOn],
    ) -> Result<Vec<EventWebhook>, Error> {
        self.attach_webhooks_per_event_to_campaigns([campaign_id.into()], base_url, events)
            .await
    }

    /// [`attach_webhooks_per_event`](Self::attach_webhooks_per_event) for many campaigns at
    /// once: the webhooks are listed once (one ListWebhooks, whatever the number of
    /// campaigns), then each missing webhook is created and each missing attachment made.
    /// Run again, it sends only the listing. A campaign given twice counts once.
    ///
    /// Answers one [`EventWebhook`] per campaign and event, campaign by campaign in the order
    /// given, each campaign's in the order of `events`.
    ///
    /// # Errors
    ///
    /// As [`attach_webhooks_per_event`](Self::attach_webhooks_per_event).
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::RunOn;
    /// let campaigns = [29854, 29889, 29890];
    /// let hooks = client
    ///     .attach_webhooks_per_event_to_campaigns(
    ///         campaigns,
    ///         "https://hooks.example.com/salesflow/3f9c0d5e8a1b4c2d",
    ///         RunOn::KNOWN,
    ///     )
    ///     .await?;
    /// let new = hooks.iter().filter(|h| h.attached_now).count();
    /// println!("{new} attachments made, {} in place", hooks.len() - new);
    /// # Ok(()) }
    /// ```
    pub async fn attach_webhooks_per_event_to_campaigns<C>(
        &self,
        campaigns: impl IntoIterator<Item = C>,
        base_url: &str,
        events: &[RunOn],
    ) -> Result<Vec<EventWebhook>, Error>
    where
        C: Into<CampaignId>,
    {
        let account_id = self.webhook_account()?;
        let mut seen = BTreeSet::new();
        let campaigns: Vec<CampaignId> = campaigns
            .into_iter()
            .map(Into::into)
            .filter(|c| seen.insert(*c))
            .collect();
        let mut existing = self.list_webhooks().await?;
        let mut out = Vec::with_capacity(campaigns.len() * events.len());
        for campaign_id in campaigns {
            for &event in events {
                let route = WebhookRoute::new(account_id, event);
                let url = route.url(base_url);
                let index = match existing
                    .iter()
                    .position(|w| w.url.as_deref() == Some(url.as_str()))
                {
                    Some(i) => i,
                    None => {
                        let name = format!("salesflow {route}");
                        let created = self.create_webhook(name, &url).await?;
                        existing.push(created);
                        existing.len() - 1
                    }
                };
                let found = existing[index]
                    .attachments()
                    .iter()
                    .find(|a| a.campaign_id == campaign_id && a.run_on == event)
                    .cloned();
                let attached_now = found.is_none();
                let attachment = match found {
                    Some(a) => a,
                    None => {
                        let webhook_id = existing[index].webhook_id;
                        let made = self.attach_webhook(webhook_id, campaign_id, event).await?;
                        // Kept in the listing, so that the webhook returned for the next
                        // campaign shows it.
                        existing[index]
                            .attached_webhook_campaigns
                            .get_or_insert_with(Vec::new)
                            .push(made.clone());
                        made
                    }
                };
                out.push(EventWebhook {
                    event,
                    url,
                    route,
                    webhook: existing[index].clone(),
                    attachment,
                    attached_now,
                });
            }
        }
        Ok(out)
    }

    /// Covers every campaign of the account, those created since the last run included: one
    /// ListCampaigns, then
    /// [`attach_webhooks_per_event_to_campaigns`](Self::attach_webhooks_per_event_to_campaigns)
    /// with all of them (one ListWebhooks). When nothing is missing it sends those two
    /// requests only.
    ///
    /// # Campaigns created later
    ///
    /// Campaigns are created in the Salesflow app (the API has no operation for it), so a
    /// service cannot hook their creation. Two ways to cover them, to combine as needed:
    /// - run this periodically (every few minutes: two requests when nothing changed) in a
    ///   background task, per account;
    /// - call [`attach_webhooks_per_event`](Self::attach_webhooks_per_event) with a campaign
    ///   when the service first meets it (before importing members into it, say), so that
    ///   its events are covered from then on.
    ///
    /// Run by two processes at once, both may create the same webhook (the vendor does not
    /// refuse a second webhook with one URL): run it from one place, or delete the extra one.
    ///
    /// # Errors
    ///
    /// As [`attach_webhooks_per_event`](Self::attach_webhooks_per_event). What was made
    /// before an error stays; the next run completes it.
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use std::time::Duration;
    /// use salesflow::RunOn;
    /// let base = "https://hooks.example.com/salesflow/3f9c0d5e8a1b4c2d";
    /// let mut every = tokio::time::interval(Duration::from_secs(300));
    /// loop {
    ///     every.tick().await;
    ///     match client.reconcile_webhooks_per_event(base, RunOn::KNOWN).await {
    ///         Ok(hooks) => {
    ///             let new = hooks.iter().filter(|h| h.attached_now).count();
    ///             println!("webhooks: {new} attachments made");
    ///         }
    ///         Err(err) => eprintln!("webhooks: {err}"),
    ///     }
    /// }
    /// # }
    /// ```
    pub async fn reconcile_webhooks_per_event(
        &self,
        base_url: &str,
        events: &[RunOn],
    ) -> Result<Vec<EventWebhook>, Error> {
        self.webhook_account()?;
        let campaigns = self.list_campaigns().await?;
        self.attach_webhooks_per_event_to_campaigns(
            campaigns.iter().map(|c| c.campaign_id),
            base_url,
            events,
        )
        .await
    }

    /// The account id the webhook URLs carry.
    fn webhook_account(&self) -> Result<AccountId, Error> {
        self.account_id().ok_or_else(|| {
            Error::Config(
                "webhooks per event need the client's account id (their URLs carry it): set \
                 it with ClientBuilder::account_id or ClientPool::for_account"
                    .into(),
            )
        })
    }
}
