//! Bulk import in a service: two workers, as two replicas of a service would run, import the
//! same rows into one campaign, sharing one PostgreSQL journal and one pacing budget, against
//! the in-process mock. Each row is sent by one of them; the mock's request log says so.
//!
//! ```sh
//! cargo run -p salesflow --features postgres --example import_service -- postgres://user@localhost/db
//! ```
//!
//! (or `DATABASE_URL=postgres://... cargo run ...`). The schema is created on first use. Run
//! it twice on one database: the second time every row is already done (the journal
//! remembers, though this mock starts empty).

use std::collections::HashMap;

use salesflow::import::{ImportEvent, RowResult};
use salesflow::ops::ImportMember;
use salesflow::postgres::PgStore;
use salesflow::{Client, Operation, Pacing};
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};

/// The demo's empty campaign.
const CAMPAIGN: i64 = 29890;
const ROWS: usize = 500;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(url) = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("DATABASE_URL").ok())
    else {
        eprintln!("usage: import_service postgres://user@host/db   (or set DATABASE_URL)");
        std::process::exit(2);
    };
    let mock = MockServer::start_with(Seed::Demo).await?;

    // Once per process: the pool and the schema.
    let store = PgStore::connect(&url).await?;
    // Every replica builds its client the same way: the account's pace and daily budget
    // are kept in the database, so they hold across replicas.
    let client = |name: &str| {
        println!("{name}: starting");
        Client::builder()
            .token(DEMO_TOKEN)
            .account_id(DEMO_ACCOUNT_ID)
            .base_url(mock.base_url())
            .pacing_backend(
                store
                    .pacer(Pacing::requests_per_second(500.0).daily_imports(10_000))
                    .shared(),
            )
            .build()
    };
    let rows: Vec<ImportMember> = (0..ROWS)
        .map(|i| {
            ImportMember::new(CAMPAIGN, format!("https://www.linkedin.com/in/service-{i}"))
                .first_name(format!("Person {i}"))
        })
        .collect();

    let worker = |name: &'static str, client: Client| {
        let job = client
            .import_job(CAMPAIGN)
            .journal(store.journal())
            .concurrency(8);
        // A service calls `stop.stop()` on shutdown: rows in flight finish and are journaled.
        let stop = job.stop_handle();
        let rows = rows.clone();
        async move {
            let mut failures = 0;
            let summary = job
                .run_members_with(rows, |event| match event {
                    ImportEvent::LookingUp { profiles } => {
                        println!("{name}: looking up {profiles} profile(s) of unknown outcome")
                    }
                    ImportEvent::Row(outcome) => {
                        if let RowResult::Failed(err) = &outcome.result {
                            failures += 1;
                            eprintln!("{name}: row {}: {err}", outcome.row);
                            if failures > 10 {
                                stop.stop();
                            }
                        }
                    }
                    _ => {}
                })
                .await;
            (name, summary)
        }
    };
    let (a, b) = tokio::join!(
        worker("worker a", client("worker a")?),
        worker("worker b", client("worker b")?)
    );
    for (name, summary) in [a, b] {
        let s = summary?;
        println!(
            "{name}: {} rows: {} imported, {} done by the other worker (or an earlier run), {} failed",
            s.rows, s.imported, s.already_done, s.failed
        );
    }

    // The mock's request log: each profile sent once.
    let mut sent: HashMap<String, usize> = HashMap::new();
    for r in mock.requests() {
        if r.operation == Some(Operation::ImportMember) {
            *sent.entry(r.query.unwrap_or_default()).or_insert(0) += 1;
        }
    }
    let twice = sent.values().filter(|n| **n > 1).count();
    println!(
        "the mock received {} ImportMember requests for {} profiles; sent twice: {twice}",
        sent.values().sum::<usize>(),
        sent.len()
    );
    if twice > 0 {
        std::process::exit(1);
    }
    Ok(())
}
