//! Webhook payload decoding: `WebhookPayload::from_slice` against
//! `serde_json::from_slice::<serde_json::Value>` of the same bytes, in MB/s, on two bodies:
//! - `reference_sample`: the vendor's sample,
//!   `crates/salesflow-webhook-types/tests/fixtures/webhook_payload.json`;
//! - `unknown_fields_10`: the same with 10 fields the crate does not know (strings, numbers,
//!   a bool, a null, an array, an object: what a vendor adding fields would send), which the
//!   typed side keeps in `extra` as `serde_json::Value`s.
//!
//! Prints criterion's figures, then the speed-up of the typed decoding (Value time / typed
//! time) from criterion's medians and from a separate interleaved timed loop (target >= 2.5x).
//!
//! `WEBHOOK_DECODE_CALLGRIND=<n>` skips criterion and decodes each body `n` times per side in
//! `#[inline(never)]` functions, for instruction counts under callgrind (see BENCHMARKS.md):
//! `valgrind --tool=callgrind --toggle-collect='*count_*' <bench binary> --bench`;
//! `WEBHOOK_DECODE_BODY=reference_sample` (or `unknown_fields_10`) limits it to one body.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use salesflow_benches::{criterion_median_ns, fmt_ns, measuring, median};
use salesflow_webhook_types::WebhookPayload;

const TARGET: f64 = 2.5;
const FIXTURE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/salesflow-webhook-types/tests/fixtures/webhook_payload.json"
));

/// The 10 unknown fields added to the sample for `unknown_fields_10`.
const UNKNOWN_FIELDS: &str = r#"
    "ExternalId": "crm-000123456",
    "Seniority": "SENIORITY_DIRECTOR",
    "LeadScore": 87.25,
    "CreatedTicks": 637493216245905705,
    "IsOpenProfile": true,
    "PremiumSince": null,
    "Tags": ["fintech", "decision-maker", "miami"],
    "Source": {"Kind": "SALES_NAVIGATOR", "SearchId": 991823},
    "Language": "en-US",
    "Timezone": "America/New_York","#;

/// The sample with [`UNKNOWN_FIELDS`] first in the object.
fn with_unknown_fields() -> Vec<u8> {
    let text = std::str::from_utf8(FIXTURE).expect("UTF-8 fixture");
    let open = text.find('{').expect("an object");
    format!("{}{UNKNOWN_FIELDS}{}", &text[..=open], &text[open + 1..]).into_bytes()
}

fn typed(bytes: &[u8]) -> WebhookPayload {
    WebhookPayload::from_slice(bytes).expect("typed decode")
}

fn value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("value decode")
}

fn report(body: &str, what: &str, len: usize, typed_ns: f64, value_ns: f64) {
    let mbps = |ns: f64| len as f64 / (ns / 1e9) / 1e6;
    println!(
        "RATIO webhook decode, {body} ({what}): typed {} ({:.1} MB/s) vs Value {} ({:.1} MB/s): typed is {:.2}x faster (target >= {TARGET}x: {})",
        fmt_ns(typed_ns),
        mbps(typed_ns),
        fmt_ns(value_ns),
        mbps(value_ns),
        value_ns / typed_ns,
        if value_ns / typed_ns >= TARGET { "met" } else { "MISSED" }
    );
}

#[inline(never)]
fn count_typed(bytes: &[u8], n: u32) {
    for _ in 0..n {
        black_box(typed(black_box(bytes)));
    }
}

#[inline(never)]
fn count_value(bytes: &[u8], n: u32) {
    for _ in 0..n {
        black_box(value(black_box(bytes)));
    }
}

fn main() {
    let unknown = with_unknown_fields();
    let bodies: [(&str, &[u8]); 2] = [
        ("reference_sample", FIXTURE),
        ("unknown_fields_10", &unknown),
    ];
    // Both sides decode each body, agree on a field, and the typed side keeps the unknown
    // fields exactly.
    for (name, bytes) in bodies {
        let p = typed(bytes);
        let v = value(bytes);
        assert_eq!(p.first_name.as_deref(), v["FirstName"].as_str());
        let known = 41;
        assert_eq!(
            p.extra.len(),
            v.as_object().unwrap().len() - known,
            "{name}"
        );
        for (key, kept) in &p.extra {
            assert_eq!(kept, &v[key], "{name}: {key}");
        }
        println!(
            "{name}: {} bytes, {} unknown fields",
            bytes.len(),
            p.extra.len()
        );
    }

    if let Some(n) = std::env::var("WEBHOOK_DECODE_CALLGRIND")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        let only = std::env::var("WEBHOOK_DECODE_BODY").ok();
        for (name, bytes) in bodies {
            if only.as_deref().is_none_or(|only| only == name) {
                count_typed(bytes, n);
                count_value(bytes, n);
            }
        }
        return;
    }

    let mut c = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    for (name, bytes) in bodies {
        let mut g = c.benchmark_group(format!("webhook_decode_{name}"));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(BenchmarkId::from_parameter("typed"), |b| {
            b.iter(|| typed(black_box(bytes)))
        });
        g.bench_function(BenchmarkId::from_parameter("value"), |b| {
            b.iter(|| value(black_box(bytes)))
        });
        g.finish();
    }
    c.final_summary();
    if !measuring() {
        return;
    }

    for (name, bytes) in bodies {
        let group = format!("webhook_decode_{name}");
        if let (Some(t), Some(v)) = (
            criterion_median_ns(&group, "typed"),
            criterion_median_ns(&group, "value"),
        ) {
            report(name, "criterion medians", bytes.len(), t, v);
        }
    }

    // Interleaved loop: 60 rounds of (20,000 typed, 20,000 Value) decodings per body.
    const N: u32 = 20_000;
    for (name, bytes) in bodies {
        let mut t_blocks = Vec::new();
        let mut v_blocks = Vec::new();
        for round in 0..60 {
            for side in 0..2 {
                let typed_side = (round + side) % 2 == 0;
                let t = Instant::now();
                for _ in 0..N {
                    if typed_side {
                        black_box(typed(black_box(bytes)));
                    } else {
                        black_box(value(black_box(bytes)));
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
            name,
            "interleaved loop, median of 60 blocks x 20,000",
            bytes.len(),
            median(&t_blocks),
            median(&v_blocks),
        );
    }
}
