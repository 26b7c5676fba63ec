//! A tower layer that records each operation's latency and outcome, the way a service would
//! feed its metrics system: `ClientBuilder::layer` wraps every attempt, and the request's
//! extensions say which operation and account it is for. Runs against the built-in mock
//! server: `cargo run -p salesflow --example metrics`.
//!
//! Swap the `Metrics` map for your metrics crate's histogram and counter; the layer stays the
//! same.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use salesflow::salesflow_api::middleware::{observe, Attempt, HttpService};
use salesflow::tower;
use salesflow::{Client, Operation};
use salesflow_mock::{MockServer, Seed};

/// Per operation: attempts, attempts answered with an error status (in the HTTP status or
/// the body) or not answered at all, and the total time spent.
#[derive(Default)]
struct Stats {
    attempts: u32,
    failures: u32,
    total: Duration,
}

type Metrics = Arc<Mutex<BTreeMap<&'static str, Stats>>>;

/// The layer: `observe` times every attempt; here it is counted by the operation's id.
fn metrics_layer(
    metrics: Metrics,
) -> impl tower::Layer<HttpService, Service = HttpService> + Clone {
    // A failure is an attempt not answered, or answered with an error status: the vendor
    // sometimes answers an error with HTTP 200 and `{"Status": 404}` in the body, and
    // `observe` counts the status it means.
    observe(move |attempt: Attempt| {
        let operation = attempt.context.map_or("unknown", |c| c.operation.id());
        if let Ok(mut metrics) = metrics.lock() {
            let stats = metrics.entry(operation).or_default();
            stats.attempts += 1;
            stats.failures += u32::from(attempt.failed);
            stats.total += attempt.elapsed;
        }
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockServer::start_with(Seed::Demo).await?;
    let metrics = Metrics::default();
    let client = Client::builder()
        .token(salesflow_mock::DEMO_TOKEN)
        .account_id(salesflow_mock::DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .layer(metrics_layer(metrics.clone()))
        .build()?;

    // Some traffic: every campaign and its statistics, the webhooks, and one start of a
    // campaign that is already running (an HTTP error the layer counts as a failure).
    for campaign in client.list_campaigns().await? {
        client.get_campaign_statistics(campaign.campaign_id).await?;
    }
    client.list_webhooks().await?;
    let again = client
        .start_campaign(salesflow_mock::DEMO_CAMPAIGN_RUNNING)
        .await;
    println!(
        "start a running campaign: {}",
        match &again {
            Ok(_) => "started".to_owned(),
            Err(e) => e.to_string(),
        }
    );

    println!(
        "\n{:<28} {:>8} {:>8} {:>12}",
        "operation", "attempts", "failed", "mean"
    );
    let metrics = metrics.lock().map_err(|_| "metrics lock poisoned")?;
    for (operation, stats) in metrics.iter() {
        let mean = stats.total / stats.attempts.max(1);
        println!(
            "{operation:<28} {:>8} {:>8} {:>12?}",
            stats.attempts, stats.failures, mean
        );
    }
    // Every operation the example called was recorded under its own name.
    for operation in [
        Operation::ListCampaigns,
        Operation::GetCampaignStatistics,
        Operation::ListWebhooks,
        Operation::StartCampaign,
    ] {
        if !metrics.contains_key(operation.id()) {
            return Err(format!("{operation} was not recorded").into());
        }
    }
    Ok(())
}
