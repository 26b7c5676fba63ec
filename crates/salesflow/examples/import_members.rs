//! Imports LinkedIn profiles (one URL per line on stdin) into a campaign.
//!
//! ```sh
//! SALESFLOW_TOKEN=... SALESFLOW_ACCOUNT_ID=321 \
//!     cargo run -p salesflow --example import_members -- 12345 < profiles.txt
//! ```

use std::io::BufRead;

use futures_util::StreamExt;
use salesflow::{Client, ImportOptions, ImportResult, NewMember};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let campaign_id: i64 = std::env::args()
        .nth(1)
        .ok_or("usage: import_members <campaign id> < urls.txt")?
        .parse()?;
    let client = Client::from_env()?;
    let members: Vec<NewMember> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .filter(|line| !line.trim().is_empty())
        .map(|line| NewMember::new(line.trim()))
        .collect();

    let mut outcomes = client.import_members(
        campaign_id,
        members,
        ImportOptions::default().concurrency(4),
    );
    let (mut imported, mut duplicates, mut failed) = (0, 0, 0);
    while let Some(outcome) = outcomes.next().await {
        let url = &outcome.input.linkedin_url;
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
