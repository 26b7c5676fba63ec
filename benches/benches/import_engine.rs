//! The import engine (`Client::import_job`) against the bare stream
//! (`Client::import_members`): 100,000 rows against the in-process mock with 5 ms of latency
//! on every ImportMember, at the same concurrency (32), the engine once with the file journal
//! and once with the PostgreSQL journal (a server this benchmark starts, as the tests do).
//!
//! Targets (issue #21): engine / bare stream <= 1.10 with the file journal, <= 1.30 with
//! PostgreSQL. The three sides run interleaved in one process (bare, file, pg, then pg,
//! file, bare, per round), each on a freshly reset mock and a fresh journal, so that the load
//! of the machine hits them alike; the ratios are of the medians.
//!
//! Environment: `IMPORT_ENGINE_ROWS` (default 100000), `IMPORT_ENGINE_CONCURRENCY` (32),
//! `IMPORT_ENGINE_ROUNDS` (2), `IMPORT_ENGINE_LATENCY_MS` (5).

#[path = "../../crates/salesflow/tests/common/pg.rs"]
mod pg;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use salesflow::import::FileJournal;
use salesflow::ops::ImportMember;
use salesflow::postgres::PgStore;
use salesflow::{CampaignId, Client, ImportOptions, ImportResult};
use salesflow_benches::{fresh_campaign, measuring, median};
use salesflow_mock::{MockServer, Seed};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `n` members to import into `campaign`.
fn members(campaign: CampaignId, n: usize) -> Vec<ImportMember> {
    salesflow_benches::members(campaign, "engine-member", n)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Side {
    Bare,
    File,
    Postgres,
}

struct Bench {
    server: MockServer,
    client: Client,
    store: PgStore,
    rows: usize,
    concurrency: usize,
    latency_ms: u64,
}

impl Bench {
    async fn run(&self, side: Side) -> Duration {
        let campaign = fresh_campaign(&self.server, "Engine", self.latency_ms);
        let input = members(campaign, self.rows);
        let journal_path = std::env::temp_dir().join(format!(
            "salesflow-bench-journal-{}.jsonl",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&journal_path);
        if side == Side::Postgres {
            let c = self.store.pool().get().await.expect("connection");
            c.batch_execute("TRUNCATE salesflow_import_rows, salesflow_import_workers")
                .await
                .expect("truncate");
        }
        let t = Instant::now();
        let imported = match side {
            Side::Bare => {
                let outcomes: Vec<_> = self
                    .client
                    .import_members(
                        input,
                        ImportOptions::default().concurrency(self.concurrency),
                    )
                    .collect()
                    .await;
                outcomes
                    .iter()
                    .filter(|o| matches!(o.result, ImportResult::Imported(_)))
                    .count()
            }
            Side::File | Side::Postgres => {
                let job = self
                    .client
                    .import_job(campaign)
                    .concurrency(self.concurrency)
                    .expected_rows(self.rows);
                let job = if side == Side::File {
                    job.journal(FileJournal::open(&journal_path, campaign).expect("journal"))
                } else {
                    job.journal(self.store.journal())
                };
                job.run_members(input).await.expect("import").imported
            }
        };
        let elapsed = t.elapsed();
        assert_eq!(imported, self.rows, "{side:?}: not every row imported");
        let _ = std::fs::remove_file(&journal_path);
        elapsed
    }
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let Some(pg) = pg::PgServer::start("import_engine benchmark") else {
        return;
    };
    let measuring = measuring();
    let bench = rt.block_on(async {
        let server = MockServer::start_with(Seed::Empty).await.expect("mock");
        let client = salesflow_benches::demo_client(&server.base_url(), None);
        let store = PgStore::connect(&pg.create_db("bench"))
            .await
            .expect("database");
        Bench {
            server,
            client,
            store,
            rows: if measuring {
                env("IMPORT_ENGINE_ROWS", 100_000)
            } else {
                200
            },
            concurrency: env("IMPORT_ENGINE_CONCURRENCY", 32),
            latency_ms: env("IMPORT_ENGINE_LATENCY_MS", 5) as u64,
        }
    });
    if !measuring {
        for side in [Side::Bare, Side::File, Side::Postgres] {
            let d = rt.block_on(bench.run(side));
            println!("smoke: {side:?}, 200 rows in {d:?}");
        }
        return;
    }
    let rounds = env("IMPORT_ENGINE_ROUNDS", 2);
    println!(
        "{} rows, concurrency {}, {} ms latency, {rounds} rounds; load before: {}",
        bench.rows,
        bench.concurrency,
        bench.latency_ms,
        load()
    );
    let mut times: Vec<(Side, f64)> = Vec::new();
    for _ in 0..rounds {
        for side in [
            Side::Bare,
            Side::File,
            Side::Postgres,
            Side::Postgres,
            Side::File,
            Side::Bare,
        ] {
            let d = rt.block_on(bench.run(side)).as_secs_f64();
            println!("  {side:?}: {d:.3} s (load {})", load());
            times.push((side, d));
        }
    }
    let of = |side: Side| -> Vec<f64> {
        times
            .iter()
            .filter(|(s, _)| *s == side)
            .map(|(_, d)| *d)
            .collect()
    };
    let (bare, file, postgres) = (
        median(&of(Side::Bare)),
        median(&of(Side::File)),
        median(&of(Side::Postgres)),
    );
    let ideal = bench.rows as f64 * bench.latency_ms as f64 / 1e3 / bench.concurrency as f64;
    println!(
        "medians: bare {bare:.3} s, engine + file journal {file:.3} s, engine + PostgreSQL \
         {postgres:.3} s (N x latency / c = {ideal:.3} s); load after: {}",
        load()
    );
    println!(
        "RATIO engine (file journal) / bare stream = {:.3} (target <= 1.10: {})",
        file / bare,
        if file / bare <= 1.10 { "met" } else { "MISSED" }
    );
    println!(
        "RATIO engine (PostgreSQL journal) / bare stream = {:.3} (target <= 1.30: {})",
        postgres / bare,
        if postgres / bare <= 1.30 {
            "met"
        } else {
            "MISSED"
        }
    );
}
