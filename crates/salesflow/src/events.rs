//! Webhooks per event: how a receiver tells the events apart using only what the vendor
//! documents.
//!
//! A webhook payload names its event in `IntegrationRunOn`, but the vendor documents that name
//! only for a member who connected; the names of a detected reply and of a withdrawn invitation
//! are unpublished. What is documented is the `runOn` code of an attachment (1, 2, 7). So:
//! attach one webhook per event, each at its own URL ending in the event's
//! [`RunOn::path_segment`], and let the receiver read the event from the URL it was called on
//! ([`RunOn::from_path_segment`], in `salesflow-webhook-types`, which needs no HTTP client).

use salesflow_webhook_types::{CampaignId, RunOn};

use crate::{Client, Error, Webhook, WebhookCampaign};

/// One event's webhook and its attachment to a campaign.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EventWebhook {
    /// The event.
    pub event: RunOn,
    /// The URL the vendor calls for it: the base URL, `/`, the event's path segment.
    pub url: String,
    /// The webhook (found by its URL, or created).
    pub webhook: Webhook,
    /// Its attachment to the campaign for the event (found, or made).
    pub attachment: WebhookCampaign,
}

impl Client {
    /// Makes sure that each of `events` calls its own URL for `campaign_id`:
    /// `{base_url}/{segment}` (`.../member-connected`, `.../reply-detected`,
    /// `.../invitation-withdrawn`), each URL a webhook attached to the campaign for that
    /// event. The receiver routes by the last path segment (`RunOn::from_path_segment`).
    ///
    /// Idempotent: a webhook that already has the URL is reused (ListWebhooks), and an
    /// attachment that already exists for the campaign and event is kept; only what is missing
    /// is created (CreateWebhook, AttachWebhook). Put a secret in `base_url`
    /// (`https://hooks.example.com/salesflow/<secret>`): the vendor signs nothing.
    ///
    /// # Errors
    ///
    /// The first error of the calls it makes; what was created before stays.
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
    pub async fn attach_webhooks_per_event(
        &self,
        campaign_id: impl Into<CampaignId>,
        base_url: &str,
        events: &[RunOn],
    ) -> Result<Vec<EventWebhook>, Error> {
        let campaign_id = campaign_id.into();
        let base = base_url.trim_end_matches('/');
        let mut existing = self.list_webhooks().await?;
        let mut out = Vec::with_capacity(events.len());
        for &event in events {
            let url = format!("{base}/{}", event.path_segment());
            let webhook = match existing
                .iter()
                .find(|w| w.url.as_deref() == Some(url.as_str()))
            {
                Some(w) => w.clone(),
                None => {
                    let created = self
                        .create_webhook(format!("salesflow {}", event.path_segment()), &url)
                        .await?;
                    existing.push(created.clone());
                    created
                }
            };
            let attached = webhook
                .attachments()
                .iter()
                .find(|a| a.campaign_id == campaign_id && a.run_on == event)
                .cloned();
            let attachment = match attached {
                Some(a) => a,
                None => {
                    self.attach_webhook(webhook.webhook_id, campaign_id, event)
                        .await?
                }
            };
            out.push(EventWebhook {
                event,
                url,
                webhook,
                attachment,
            });
        }
        Ok(out)
    }
}
