//! Creates a webhook, attaches it to a campaign for every documented event, lists the
//! webhooks, then detaches and deletes it.
//!
//! ```sh
//! SALESFLOW_TOKEN=... SALESFLOW_ACCOUNT_ID=321 \
//!     cargo run -p salesflow --example manage_webhooks -- 12345 https://example.com/hook
//! ```

use salesflow::{ApiErrorKind, CampaignId, Client, Error, RunOn};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: manage_webhooks <campaign id> <url>";
    let campaign_id: CampaignId = args.next().ok_or(usage)?.parse()?;
    let url = args.next().ok_or(usage)?;
    let client = Client::from_env()?;

    let hook = client
        .create_webhook("salesflow-rs example", url)
        .disable_for_muted_contacts(true)
        .await?;
    println!("created webhook {}", hook.webhook_id);

    let mut attachments = Vec::new();
    for event in [
        RunOn::MemberConnected,
        RunOn::ReplyDetected,
        RunOn::InvitationWithdrawn,
    ] {
        match client
            .attach_webhook(hook.webhook_id, campaign_id, event)
            .await
        {
            Ok(a) => {
                println!("attached for {event} as {}", a.webhook_campaign_id);
                attachments.push(a.webhook_campaign_id);
            }
            Err(Error::Api(e)) if e.kind == ApiErrorKind::NotFound => {
                eprintln!("campaign {campaign_id} not found");
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }

    for w in client.list_webhooks().await? {
        println!(
            "{} {:?} -> {:?}: {} attachment(s)",
            w.webhook_id,
            w.name,
            w.url,
            w.attachments().len()
        );
    }

    for id in attachments {
        client.detach_webhook(id).await?;
    }
    client.delete_webhook(hook.webhook_id).await?;
    println!("cleaned up");
    Ok(())
}
