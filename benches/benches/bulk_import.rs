//! Bulk import: 10,000 members through `Client::import_members` against the in-process mock
//! with 5 ms of added latency on every request (global, always), against the sequential
//! per-call time `t_seq` of `Client::import_member` measured in the same run.
//!
//! Target (issue #13 goal 4): wall time <= 1.1 x N x t_seq / c at concurrency c = 8 and 32.
//! `t_seq` is what one request really holds a slot for (the latency as the timer delivers it,
//! plus the request's own cost), so N x t_seq / c is what c requests in flight would take if
//! nothing else slowed them down. It is measured right before each bulk run, on a sequential
//! block of 200 imports into a fresh campaign with the same latency, so that a change of load
//! hits both; the ratio uses the median of those blocks.
//!
//! The members are built before the timed section, as `ops::ImportMember` values (what
//! `import_members` takes); the sequential loop sends each with `Client::send`, which is what
//! `Client::import_member(..).await` does once it has built them. Each measured import goes to
//! a freshly reset mock (empty world, new campaign, latency re-injected), outside the timed
//! section.
//!
//! Environment: `BULK_CONCURRENCY` (comma-separated, default `8,32`) chooses the concurrency
//! levels measured; `BULK_DIAG=0` skips the diagnostics printed at the end (what a 5 ms
//! `tokio::time::sleep` really takes here, the cost of one import without latency, and a
//! hand-written `reqwest` loop with the same concurrency, to tell the SDK's share of any
//! overhead from the mock's and the machine's).

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use futures_util::StreamExt;
use salesflow::ops::ImportMember;
use salesflow::{CampaignId, Client, ImportOptions, ImportResult};
use salesflow_benches::{criterion_median_ns, fresh_campaign, measuring, median, send_json};
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};
use serde::Deserialize;

const MEMBERS: usize = 10_000;
const SEQUENTIAL_MEMBERS: usize = 1_000;
/// The sequential block measured before each bulk run (t_seq).
const SEQ_BLOCK: usize = 200;
/// Goal 4: wall <= TARGET x N x t_seq / c.
const TARGET: f64 = 1.1;
const LATENCY_MS: u64 = 5;
const GROUP: &str = "bulk_import_10k_5ms";

/// `n` members to import into `campaign`.
fn members(campaign: CampaignId, n: usize) -> Vec<ImportMember> {
    salesflow_benches::members(campaign, "bulk-member", n)
}

async fn bulk(client: &Client, server: &MockServer, concurrency: usize) -> Duration {
    let campaign = fresh_campaign(server, "Bulk", LATENCY_MS);
    let input = members(campaign, MEMBERS);
    let t = Instant::now();
    let outcomes: Vec<_> = client
        .import_members(input, ImportOptions::default().concurrency(concurrency))
        .collect()
        .await;
    let elapsed = t.elapsed();
    assert_eq!(outcomes.len(), MEMBERS);
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o.result, ImportResult::Failed(_)))
        .count();
    assert_eq!(failed, 0, "imports failed");
    elapsed
}

async fn sequential(client: &Client, server: &MockServer, n: usize) -> Duration {
    let campaign = fresh_campaign(server, "Bulk", LATENCY_MS);
    let input = members(campaign, n);
    let t = Instant::now();
    for m in input {
        client.send(m).await.expect("import");
    }
    t.elapsed()
}

/// What a user would decode from ImportMember by hand.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HandImported {
    member_id: i64,
}

/// Who sends the imports of [`timed_bulk`].
#[derive(Clone, Copy)]
enum Side<'a> {
    /// The SDK's bulk import (`Client::import_members`).
    Sdk(&'a Client),
    /// The same imports as [`bulk`], written by hand over `reqwest` with the same concurrency
    /// (`buffer_unordered`).
    Hand(&'a reqwest::Client),
}

/// `n` imports by `side` with `concurrency` on a reset mock with `latency_ms` of latency (0:
/// none); the time they took.
async fn timed_bulk(
    side: Side<'_>,
    server: &MockServer,
    n: usize,
    concurrency: usize,
    latency_ms: u64,
) -> Duration {
    let campaign = fresh_campaign(server, "Bulk", latency_ms);
    let url = format!("{}/members/Import", server.base_url());
    let account = DEMO_ACCOUNT_ID.to_string();
    let t = Instant::now();
    let input = members(campaign, n);
    let done = match side {
        Side::Sdk(client) => {
            let outcomes: Vec<_> = client
                .import_members(input, ImportOptions::default().concurrency(concurrency))
                .collect()
                .await;
            outcomes.len()
        }
        Side::Hand(http) => {
            let ids: Vec<i64> = futures_util::stream::iter(input)
                .map(|m| {
                    let (url, account) = (&url, &account);
                    async move {
                        let campaign = m.campaign_id.to_string();
                        let first = m.first_name.clone().unwrap_or_default();
                        let last = m.last_name.clone().unwrap_or_default();
                        let request = http.get(url.as_str()).query(&[
                            ("campaignId", campaign.as_str()),
                            ("firstName", first.as_str()),
                            ("lastName", last.as_str()),
                            ("linkedInUrl", m.linked_in_url.as_str()),
                            ("token", DEMO_TOKEN),
                            ("accountId", account.as_str()),
                        ]);
                        send_json::<HandImported>(request).await.member_id
                    }
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
            ids.len()
        }
    };
    let elapsed = t.elapsed();
    assert_eq!(done, n);
    elapsed
}

fn diagnostics(rt: &tokio::runtime::Runtime, client: &Client, server: &MockServer) {
    println!("--- diagnostics ---");
    // 1. The timer: what `sleep(5 ms)` (the mock's latency) takes on this machine.
    let sleeps: Vec<f64> = rt.block_on(async {
        let mut v = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            tokio::time::sleep(Duration::from_millis(LATENCY_MS)).await;
            v.push(t.elapsed().as_secs_f64() * 1e3);
        }
        v
    });
    println!(
        "tokio sleep({LATENCY_MS} ms): median {:.3} ms, max {:.3} ms (200 sleeps)",
        median(&sleeps),
        sleeps.iter().copied().fold(0.0, f64::max)
    );
    // 2. One import without latency: the request/response cost (client + mock).
    let seq0 = rt.block_on(async {
        let campaign = fresh_campaign(server, "Bulk", 0);
        let input = members(campaign, SEQUENTIAL_MEMBERS);
        let t = Instant::now();
        for m in input {
            client.send(m).await.expect("import");
        }
        t.elapsed()
    });
    println!(
        "sequential import_member without latency: {:.3} ms/call ({SEQUENTIAL_MEMBERS} calls)",
        seq0.as_secs_f64() * 1e3 / SEQUENTIAL_MEMBERS as f64
    );
    let http = reqwest::Client::new();
    // 3. Throughput without latency (CPU bound: client + mock on the same 2 cores).
    for conc in [8, 32] {
        let sdk = rt.block_on(timed_bulk(Side::Sdk(client), server, MEMBERS, conc, 0));
        let hand = rt.block_on(timed_bulk(Side::Hand(&http), server, MEMBERS, conc, 0));
        println!(
            "{MEMBERS} imports without latency, concurrency {conc}: sdk {:.3} s ({:.0} µs/import), hand-written {:.3} s ({:.0} µs/import), sdk/hand {:.3}",
            sdk.as_secs_f64(),
            sdk.as_secs_f64() * 1e6 / MEMBERS as f64,
            hand.as_secs_f64(),
            hand.as_secs_f64() * 1e6 / MEMBERS as f64,
            sdk.as_secs_f64() / hand.as_secs_f64()
        );
    }
    // 4. Hand-written loop with the same latency and concurrency: the SDK's share.
    for conc in [8, 32] {
        let n = 4_000;
        let sdk = rt.block_on(timed_bulk(Side::Sdk(client), server, n, conc, LATENCY_MS));
        let hand = rt.block_on(timed_bulk(Side::Hand(&http), server, n, conc, LATENCY_MS));
        let ideal = n as f64 * LATENCY_MS as f64 / 1e3 / conc as f64;
        println!(
            "{n} imports with {LATENCY_MS} ms latency, concurrency {conc}: sdk {:.3} s, hand-written {:.3} s, ideal {ideal:.3} s; sdk/hand {:.3}, hand/ideal {:.3}",
            sdk.as_secs_f64(),
            hand.as_secs_f64(),
            sdk.as_secs_f64() / hand.as_secs_f64(),
            hand.as_secs_f64() / ideal
        );
    }
    // 5. The mock's ImportMember looks duplicates up by account and public identifier (an
    //    index): the cost of one import into an empty campaign against one after 10,000
    //    members, which should be the same.
    let (first, last) = rt.block_on(async {
        let campaign = fresh_campaign(server, "Bulk", 0);
        let input = members(campaign, MEMBERS + 200);
        let mut first = Vec::new();
        let mut last = Vec::new();
        for (i, m) in input.into_iter().enumerate() {
            let t = Instant::now();
            client.send(m).await.expect("import");
            let us = t.elapsed().as_secs_f64() * 1e6;
            if i < 200 {
                first.push(us);
            } else if i >= MEMBERS {
                last.push(us);
            }
        }
        (first, last)
    });
    println!(
        "import_member latency without fault: first 200 members median {:.0} µs, after {MEMBERS} members median {:.0} µs",
        median(&first),
        median(&last)
    );
}

fn main() {
    let concurrencies: Vec<usize> = std::env::var("BULK_CONCURRENCY")
        .unwrap_or_else(|_| "8,32".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt
        .block_on(MockServer::start_with(Seed::Empty))
        .expect("mock");
    let client = salesflow_benches::demo_client(&server.base_url(), None);

    if !measuring() {
        // `cargo test --benches`: a small import through the same path, no timing.
        let d = rt.block_on(timed_bulk(Side::Sdk(&client), &server, 200, 8, LATENCY_MS));
        println!("smoke: 200 imports with {LATENCY_MS} ms latency in {d:?}");
        return;
    }
    // Sequential baseline first, measured once on 1,000 members, extrapolated x10 (for the
    // speed-up figure); t_seq for the target is measured again before each bulk run.
    let seq = rt.block_on(sequential(&client, &server, SEQUENTIAL_MEMBERS));
    let seq_per_call = seq.as_secs_f64() / SEQUENTIAL_MEMBERS as f64;
    let seq_10k = seq_per_call * MEMBERS as f64;
    println!(
        "sequential import_member: {SEQUENTIAL_MEMBERS} members in {:.3} s ({:.3} ms/call); \
         extrapolated to {MEMBERS}: {seq_10k:.2} s",
        seq.as_secs_f64(),
        seq_per_call * 1e3
    );

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    // Per concurrency: (bulk wall times, t_seq measured right before each).
    let mut manual: Vec<(usize, Vec<f64>, Vec<f64>)> = Vec::new();
    {
        let mut g = c.benchmark_group(GROUP);
        for &conc in &concurrencies {
            let mut samples = Vec::new();
            let mut t_seqs = Vec::new();
            g.bench_function(BenchmarkId::from_parameter(conc), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let block = rt.block_on(sequential(&client, &server, SEQ_BLOCK));
                        t_seqs.push(block.as_secs_f64() / SEQ_BLOCK as f64);
                        let d = rt.block_on(bulk(&client, &server, conc));
                        samples.push(d.as_secs_f64());
                        total += d;
                    }
                    total
                })
            });
            manual.push((conc, samples, t_seqs));
        }
        g.finish();
    }
    c.final_summary();

    for (conc, samples, t_seqs) in &manual {
        report(*conc, samples, t_seqs, seq_10k);
    }
    if std::env::var("BULK_DIAG").as_deref() != Ok("0") {
        diagnostics(&rt, &client, &server);
    }
}

/// Prints the figures of the bulk runs at concurrency `conc`: their wall times against the
/// floor `N x t_seq / c` of the t_seq measured before each, and against the sequential run.
fn report(conc: usize, samples: &[f64], t_seqs: &[f64], seq_10k: f64) {
    let t_seq = median(t_seqs);
    let floor = MEMBERS as f64 * t_seq / conc as f64;
    let bound = TARGET * floor;
    let crit = criterion_median_ns(GROUP, &conc.to_string()).map(|ns| ns / 1e9);
    let med = median(samples);
    // Each run against the t_seq measured just before it.
    let mut paired: Vec<f64> = samples
        .iter()
        .zip(t_seqs)
        .map(|(wall, t)| wall / (MEMBERS as f64 * t / conc as f64))
        .collect();
    paired.sort_by(f64::total_cmp);
    println!(
        "RATIO bulk import concurrency {conc}: wall median {:.3} s (min {:.3}, max {:.3}, {} runs; criterion {}); \
         t_seq median {:.3} ms (min {:.3}, max {:.3}); N x t_seq / c = {floor:.3} s; \
         wall / (N x t_seq / c) = {:.3} (paired runs: median {:.3}, min {:.3}, max {:.3}; target <= {TARGET}: {})",
        med,
        samples.iter().copied().fold(f64::INFINITY, f64::min),
        samples.iter().copied().fold(0.0, f64::max),
        samples.len(),
        crit.map(|s| format!("{s:.3} s")).unwrap_or_else(|| "n/a".into()),
        t_seq * 1e3,
        t_seqs.iter().copied().fold(f64::INFINITY, f64::min) * 1e3,
        t_seqs.iter().copied().fold(0.0, f64::max) * 1e3,
        med / floor,
        median(&paired),
        paired[0],
        paired[paired.len() - 1],
        if med <= bound { "met" } else { "MISSED" },
    );
    let ideal = MEMBERS as f64 * LATENCY_MS as f64 / 1e3 / conc as f64;
    println!(
        "  nominal ideal (N x {LATENCY_MS} ms / c) {ideal:.3} s, wall / nominal = {:.3}; \
         speed-up vs sequential (extrapolated {seq_10k:.2} s) = {:.1}x",
        med / ideal,
        seq_10k / med,
    );
}
