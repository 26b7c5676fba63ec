//! Lists the account's campaigns with their statistics.
//!
//! ```sh
//! SALESFLOW_TOKEN=... SALESFLOW_ACCOUNT_ID=321 cargo run -p salesflow --example list_campaigns
//! ```

use salesflow::Client;

#[tokio::main]
async fn main() -> Result<(), salesflow::Error> {
    let client = Client::from_env()?;
    for campaign in client.list_campaigns().await? {
        let name = campaign.campaign_name.as_deref().unwrap_or("(unnamed)");
        let status = campaign
            .status
            .as_ref()
            .map_or("?".to_owned(), |s| s.to_string());
        match client.get_campaign_statistics(campaign.campaign_id).await {
            Ok(stats) => println!(
                "{:>8} {name:<30} {status:<18} total {:>5}, connections {:>4}, replies {:>4} (as of {})",
                campaign.campaign_id,
                stats.total,
                stats.connections,
                stats.replies,
                stats.updated_at.to_utc()
            ),
            Err(err) => println!(
                "{:>8} {name:<30} {status:<18} statistics unavailable: {err}",
                campaign.campaign_id
            ),
        }
    }
    Ok(())
}
