//! A tour of the SDK against the built-in local mock server: no account, nothing leaves the
//! machine. Run it with `cargo run -p salesflow --example demo`.
//!
//! It starts `salesflow-mock` in-process (seeded with a demo account), then: lists accounts,
//! campaigns and their statistics; imports members in bulk (one of them already in the
//! campaign, so it comes back as a duplicate, and one with a bad URL, rejected before any
//! request); starts a campaign twice (the second start is a typed "already running" error);
//! creates a webhook pointing at a small local receiver, attaches it, and has the mock fire a
//! "member connected" event that the receiver decodes.

use std::time::Duration;

use axum::body::Bytes;
use axum::routing::post;
use salesflow::ops::ImportMember;
use salesflow::{
    ApiErrorKind, CampaignId, Client, Error, ImportOptions, ImportResult, RunOn, WebhookPayload,
};
use salesflow_mock::{MockServer, Seed};
use tokio::sync::mpsc;

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

#[tokio::main]
async fn main() -> Result {
    let mock = MockServer::start_with(Seed::Demo).await?;
    println!("local mock server at {} (demo data)\n", mock.base_url());

    let client = Client::builder()
        .token(salesflow_mock::DEMO_TOKEN)
        .account_id(salesflow_mock::DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .build()?;

    accounts_and_campaigns(&client).await?;
    let campaign = salesflow_mock::DEMO_CAMPAIGN_RUNNING;
    bulk_import(&client, campaign).await;
    start_twice(&client).await?;
    webhooks(&client, &mock, campaign).await?;
    println!("\nrequests served by the mock: {}", mock.requests().len());
    Ok(())
}

/// Lists the accounts, the campaigns and their statistics.
async fn accounts_and_campaigns(client: &Client) -> Result {
    println!("== accounts");
    for account in client.list_accounts().await? {
        println!(
            "  {:>6}  {:<28} {}",
            account.account_id,
            account.account_email.as_deref().unwrap_or("-"),
            account.status.as_ref().map(|s| s.as_str()).unwrap_or("-")
        );
    }

    println!("\n== campaigns and their statistics");
    for campaign in client.list_campaigns().await? {
        let stats = client.get_campaign_statistics(campaign.campaign_id).await?;
        println!(
            "  {:>6}  {:<18} {:<17} {:>3} members, {} connected (updated {})",
            campaign.campaign_id,
            campaign.campaign_name.as_deref().unwrap_or("-"),
            campaign.status.as_ref().map(|s| s.as_str()).unwrap_or("-"),
            stats.total,
            stats.connections,
            stats.updated_at.to_utc().format("%Y-%m-%d %H:%M"),
        );
    }

    Ok(())
}

/// Imports members in bulk: one already in the campaign, one with a bad URL.
async fn bulk_import(client: &Client, campaign: CampaignId) {
    println!("\n== bulk import into campaign {campaign}");
    let members = [
        "https://www.linkedin.com/in/ada-lovelace-1815",
        "https://www.linkedin.com/in/alan-turing-1912",
        "https://www.linkedin.com/in/john-doe-100", // already in the campaign
        "https://example.com/not-a-profile",        // rejected before any request
        "https://www.linkedin.com/in/grace-hopper-1906",
    ]
    .map(|url| ImportMember::new(campaign, url));
    let summary = client
        .import_members_summary(members, ImportOptions::default())
        .await;
    for outcome in &summary.outcomes {
        let line = match &outcome.result {
            ImportResult::Imported(c) => format!("imported as member {}", c.member_id),
            ImportResult::Duplicate(c) => format!("duplicate (member {})", c.member_id),
            ImportResult::Failed(e) => format!("failed: {e}"),
            other => format!("{other:?}"),
        };
        println!("  {:<48} {line}", outcome.input.linked_in_url);
    }
    println!(
        "  => {} imported, {} duplicates, {} failed",
        summary.imported, summary.duplicates, summary.failed
    );
}

/// Starts a paused campaign twice: the second start is a typed "already running" error.
async fn start_twice(client: &Client) -> Result {
    println!("\n== start a campaign twice");
    let paused = salesflow_mock::DEMO_CAMPAIGN_PAUSED;
    let started = client.start_campaign(paused).await?;
    println!(
        "  first start: {}",
        started.message.as_deref().unwrap_or("ok")
    );
    match client.start_campaign(paused).await {
        Err(Error::Api(e)) if e.kind == ApiErrorKind::Conflict => {
            println!("  second start: already running ({})", e)
        }
        other => println!("  second start: unexpected {other:?}"),
    }

    Ok(())
}

/// A local receiver, a webhook attached for MEMBER_CONNECTED, and the mock firing the event.
async fn webhooks(client: &Client, mock: &MockServer, campaign: CampaignId) -> Result {
    println!("\n== webhooks: a local receiver, attached for MEMBER_CONNECTED");
    let (tx, mut rx) = mpsc::channel::<WebhookPayload>(8);
    let receiver = axum::Router::new().route(
        "/hooks/salesflow",
        post(move |body: Bytes| {
            let tx = tx.clone();
            async move {
                if let Ok(payload) = WebhookPayload::from_slice(&body) {
                    let _ = tx.send(payload).await;
                }
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://{}/hooks/salesflow", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let webhook = client.create_webhook("demo receiver", &hook_url).await?;
    let attachment = client
        .attach_webhook(webhook.webhook_id, campaign, RunOn::MemberConnected)
        .await?;
    println!(
        "  webhook {} -> {hook_url}, attachment {}",
        webhook.webhook_id, attachment.webhook_campaign_id
    );

    let member = client
        .list_contacts_by_campaign(campaign)
        .await?
        .into_iter()
        .next()
        .ok_or("the demo campaign has members")?;
    mock.simulate_event(member.member_id, RunOn::MemberConnected)
        .await?;
    match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
        Ok(Some(payload)) => println!(
            "  received {:?} for {} {} (member {:?}, status {})",
            payload.event(),
            payload.first_name.as_deref().unwrap_or("?"),
            payload.last_name.as_deref().unwrap_or("?"),
            payload.member_id,
            payload
                .status
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        _ => println!("  no delivery within 5 s"),
    }
    Ok(())
}
