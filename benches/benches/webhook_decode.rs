//! Webhook payload decoding: `WebhookPayload::from_slice` against serde_json's lex-only floor,
//! `serde_json::from_slice::<serde::de::IgnoredAny>` of the same bytes (it reads every byte,
//! checks the JSON and builds nothing: no decoder of these bytes can be faster on serde_json),
//! and against `serde_json::from_slice::<serde_json::Value>`, in MB/s, on two bodies:
//! - `reference_sample`: the vendor's sample,
//!   `crates/salesflow-webhook-types/tests/fixtures/webhook_payload.json`;
//! - `unknown_fields_10`: the same with 10 fields the crate does not know (strings, numbers,
//!   a bool, a null, an array, an object: what a vendor adding fields would send), which the
//!   typed side keeps in `extra` as `serde_json::Value`s.
//!
//! Prints criterion's figures, then the ratio of the typed decoding to the floor (typed time /
//! IgnoredAny time; target <= 1.6x, issue #20) and its speed-up over `Value` (Value time /
//! typed time; target >= 2.5x, issue #13), from criterion's medians and from a separate
//! interleaved timed loop of the three sides.
//!
//! `WEBHOOK_DECODE_CALLGRIND=<n>` skips criterion and decodes each body `n` times per side in
//! `#[inline(never)]` functions, for instruction counts under callgrind (see BENCHMARKS.md):
//! `valgrind --tool=callgrind --toggle-collect='*count_typed*' <bench binary> --bench` (likewise
//! `count_value`, `count_floor`);
//! `WEBHOOK_DECODE_BODY=reference_sample` (or `unknown_fields_10`) limits it to one body.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use salesflow_benches::{criterion_median_ns, fmt_ns, measuring, median};
use salesflow_webhook_types::WebhookPayload;

/// Issue #13: typed at least this many times faster than `Value`.
const TARGET: f64 = 2.5;
/// Issue #20: typed at most this many times the IgnoredAny floor.
const FLOOR_TARGET: f64 = 1.6;
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

/// serde_json's lex-only floor: every byte read and checked, nothing built.
fn floor(bytes: &[u8]) -> serde::de::IgnoredAny {
    serde_json::from_slice(bytes).expect("lex")
}

fn report_floor(body: &str, what: &str, len: usize, typed_ns: f64, floor_ns: f64) {
    let mbps = |ns: f64| len as f64 / (ns / 1e9) / 1e6;
    let ratio = typed_ns / floor_ns;
    println!(
        "RATIO webhook decode vs floor, {body} ({what}): typed {} ({:.1} MB/s) vs IgnoredAny {} ({:.1} MB/s): typed is {ratio:.2}x the floor (target <= {FLOOR_TARGET}x: {})",
        fmt_ns(typed_ns),
        mbps(typed_ns),
        fmt_ns(floor_ns),
        mbps(floor_ns),
        if ratio <= FLOOR_TARGET { "met" } else { "MISSED" }
    );
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

#[inline(never)]
fn count_floor(bytes: &[u8], n: u32) {
    for _ in 0..n {
        black_box(floor(black_box(bytes)));
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
                count_floor(bytes, n);
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
        g.bench_function(BenchmarkId::from_parameter("ignored_any"), |b| {
            b.iter(|| floor(black_box(bytes)))
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
        if let (Some(t), Some(f)) = (
            criterion_median_ns(&group, "typed"),
            criterion_median_ns(&group, "ignored_any"),
        ) {
            report_floor(name, "criterion medians", bytes.len(), t, f);
        }
    }

    interleaved(&bodies);
}

/// Interleaved loop: 60 rounds of (20,000 decodings per side) per body, the three sides in a
/// rotating order; the medians reported.
fn interleaved(bodies: &[(&str, &[u8])]) {
    // Interleaved loop: 60 rounds of (20,000 decodings per side) per body, the three sides in
    // a rotating order.
    const N: u32 = 20_000;
    for &(name, bytes) in bodies {
        let mut blocks: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for round in 0..60 {
            for side in 0..3 {
                let which = (round + side) % 3;
                let t = Instant::now();
                for _ in 0..N {
                    match which {
                        0 => drop(black_box(typed(black_box(bytes)))),
                        1 => drop(black_box(value(black_box(bytes)))),
                        _ => drop(black_box(floor(black_box(bytes)))),
                    }
                }
                blocks[which].push(t.elapsed().as_nanos() as f64 / f64::from(N));
            }
        }
        let what = "interleaved loop, median of 60 blocks x 20,000";
        let (t, v, f) = (median(&blocks[0]), median(&blocks[1]), median(&blocks[2]));
        report(name, what, bytes.len(), t, v);
        report_floor(name, what, bytes.len(), t, f);
    }
}
