//! Imports LinkedIn profiles (one URL per line on stdin) into a campaign.
//!
//! ```sh
//! SALESFLOW_TOKEN=... SALESFLOW_ACCOUNT_ID=321 \
//!     cargo run -p salesflow --example import_members -- 12345 < profiles.txt
//! ```

use std::io::BufRead;

use futures_util::StreamExt;
use salesflow::ops::ImportMember;
use salesflow::{CampaignId, Client, ImportOptions, ImportResult};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let campaign_id: CampaignId = std::env::args()
        .nth(1)
        .ok_or("usage: import_members <campaign id> < urls.txt")?
        .parse()?;
    let client = Client::from_env()?;
    let members: Vec<ImportMember> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .filter(|line| !line.trim().is_empty())
        .map(|line| ImportMember::new(campaign_id, line.trim()))
        .collect();

    let mut outcomes = client.import_members(members, ImportOptions::default().concurrency(4));
    let (mut imported, mut duplicates, mut failed) = (0, 0, 0);
    while let Some(outcome) = outcomes.next().await {
        let url = &outcome.input.linked_in_url;
        match &outcome.result {
            ImportResult::Imported(c) => {
                imported += 1;
                println!(
                    "#{} {url}: imported as member {}",
                    outcome.index, c.member_id
                );
            }
            ImportResult::Duplicate(c) => {
                duplicates += 1;
                println!(
                    "#{} {url}: already in the campaign (member {})",
                    outcome.index, c.member_id
                );
            }
            ImportResult::Failed(err) => {
                failed += 1;
                eprintln!("#{} {url}: {err}", outcome.index);
            }
            _ => {}
        }
    }
    println!("{imported} imported, {duplicates} duplicates, {failed} failed");
    Ok(())
}
