//! Webhook payload decoding: `WebhookPayload::from_slice` against
//! `serde_json::from_slice::<serde_json::Value>` of the same bytes (the reference sample,
//! `crates/salesflow-webhook-types/tests/fixtures/webhook_payload.json`), in MB/s.
//!
//! Prints criterion's figures, then the speed-up of the typed decoding (Value time / typed
//! time) from criterion's medians and from a separate interleaved timed loop.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use salesflow_benches::{criterion_median_ns, fmt_ns, measuring, median};
use salesflow_webhook_types::WebhookPayload;

const GROUP: &str = "webhook_decode_reference_sample";
const FIXTURE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/salesflow-webhook-types/tests/fixtures/webhook_payload.json"
));

fn typed(bytes: &[u8]) -> WebhookPayload {
    WebhookPayload::from_slice(bytes).expect("typed decode")
}

fn value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("value decode")
}

fn report(what: &str, typed_ns: f64, value_ns: f64) {
    let mbps = |ns: f64| FIXTURE.len() as f64 / (ns / 1e9) / 1e6;
    println!(
        "RATIO webhook decode ({what}): typed {} ({:.1} MB/s) vs Value {} ({:.1} MB/s): typed is {:.2}x faster (target >= 1.5x: {})",
        fmt_ns(typed_ns),
        mbps(typed_ns),
        fmt_ns(value_ns),
        mbps(value_ns),
        value_ns / typed_ns,
        if value_ns / typed_ns >= 1.5 { "met" } else { "MISSED" }
    );
}

fn main() {
    // Both decode the fixture, and agree on a field.
    let p = typed(FIXTURE);
    let v = value(FIXTURE);
    assert_eq!(p.first_name.as_deref(), v["FirstName"].as_str());
    println!("fixture: {} bytes", FIXTURE.len());

    let mut c = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    {
        let mut g = c.benchmark_group(GROUP);
        g.throughput(Throughput::Bytes(FIXTURE.len() as u64));
        g.bench_function(BenchmarkId::from_parameter("typed"), |b| {
            b.iter(|| typed(black_box(FIXTURE)))
        });
        g.bench_function(BenchmarkId::from_parameter("value"), |b| {
            b.iter(|| value(black_box(FIXTURE)))
        });
        g.finish();
    }
    c.final_summary();
    if !measuring() {
        return;
    }

    if let (Some(t), Some(v)) = (
        criterion_median_ns(GROUP, "typed"),
        criterion_median_ns(GROUP, "value"),
    ) {
        report("criterion medians", t, v);
    }

    // Interleaved loop: 60 rounds of (20,000 typed, 20,000 Value) decodings.
    const N: u32 = 20_000;
    let mut t_blocks = Vec::new();
    let mut v_blocks = Vec::new();
    for round in 0..60 {
        for side in 0..2 {
            let typed_side = (round + side) % 2 == 0;
            let t = Instant::now();
            for _ in 0..N {
                if typed_side {
                    black_box(typed(black_box(FIXTURE)));
                } else {
                    black_box(value(black_box(FIXTURE)));
                }
            }
            let ns = t.elapsed().as_nanos() as f64 / f64::from(N);
            if typed_side {
                t_blocks.push(ns);
            } else {
                v_blocks.push(ns);
            }
        }
    }
    report(
        "interleaved loop, median of 60 blocks x 20,000",
        median(&t_blocks),
        median(&v_blocks),
    );
}
