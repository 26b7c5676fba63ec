//! Helpers shared by the benchmarks in `benches/` (see BENCHMARKS.md): medians, ratios and
//! reading criterion's own estimates back, so that each benchmark can print the ratio of its
//! two sides; and the hand-written baseline types the benchmarks compare the SDK with
//! ([`HandContact`]).

use std::path::PathBuf;

mod hand;

pub use hand::{for_campaign, list_contacts, send_json, HandContact};

/// Whether this is a measuring run (`cargo bench`, which passes `--bench`), rather than
/// `cargo test --benches` or criterion's `--test`/`--list`: the benchmarks then only check
/// that they work, and skip their own timed loops.
pub fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list")
}

/// The median of `values` (not necessarily sorted); NaN when empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if mid * 2 == v.len() {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

/// Where criterion writes its results: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion` of the workspace.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

/// Criterion's median estimate (nanoseconds per iteration) of `group/id` from its latest
/// run, if it can be read.
pub fn criterion_median_ns(group: &str, id: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["median"]["point_estimate"].as_f64()
}

/// The CPU time the calling thread has used, in nanoseconds (Linux:
/// `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`). Unlike wall time, it does not count the time the
/// thread waits while other processes run: on a machine shared with builds, it measures what
/// the thread's own work costs (cache and memory contention still show).
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Prints `a / b` with both figures.
pub fn print_ratio(what: &str, a_name: &str, a_ns: f64, b_name: &str, b_ns: f64) {
    println!(
        "RATIO {what}: {a_name} {} / {b_name} {} = {:.3}",
        fmt_ns(a_ns),
        fmt_ns(b_ns),
        a_ns / b_ns
    );
}

/// Prints the ratio of the medians of two sides' blocks ([`print_ratio`] of [`median`]s).
pub fn print_median_ratio(what: &str, a_name: &str, a: &[f64], b_name: &str, b: &[f64]) {
    print_ratio(what, a_name, median(a), b_name, median(b));
}

/// The ratios `a[i] / b[i]` of blocks measured next to each other (an interleaved loop):
/// `median {:.3}, p10 {:.3}, p90 {:.3}`, for a line that names what they are.
///
/// # Panics
///
/// When there are no pairs.
pub fn paired_ratios(a: &[f64], b: &[f64]) -> String {
    let mut paired: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
    assert!(!paired.is_empty(), "no paired blocks");
    paired.sort_by(f64::total_cmp);
    format!(
        "median {:.3}, p10 {:.3}, p90 {:.3}",
        median(&paired),
        paired[paired.len() / 10],
        paired[paired.len() * 9 / 10]
    )
}

/// An interleaved loop: `rounds` rounds of one block of side A and one of side B, A first in
/// even rounds and B first in odd ones, so that neither side always runs on a warmer cache or
/// a quieter machine. `block(true)` measures a block of A, `block(false)` one of B; returns
/// A's measurements and B's, in round order.
pub fn interleaved<T>(rounds: usize, mut block: impl FnMut(bool) -> T) -> (Vec<T>, Vec<T>) {
    let (mut a, mut b) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        for order in 0..2 {
            let a_side = (round + order) % 2 == 0;
            let measured = block(a_side);
            if a_side {
                a.push(measured);
            } else {
                b.push(measured);
            }
        }
    }
    (a, b)
}

/// A duration in nanoseconds, in a readable unit.
pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// `n` members to import into `campaign`, `https://www.linkedin.com/in/<prefix>-<i>` with a
/// first and last name: the input of the import benchmarks.
pub fn members(
    campaign: salesflow::CampaignId,
    prefix: &str,
    n: usize,
) -> Vec<salesflow::ops::ImportMember> {
    (0..n)
        .map(|i| {
            salesflow::ops::ImportMember::new(
                campaign,
                format!("https://www.linkedin.com/in/{prefix}-{i}"),
            )
            .first_name(format!("First{i}"))
            .last_name(format!("Last{i}"))
        })
        .collect()
}

/// Empties `server` (its faults too), adds a running campaign `name` to the demo account and
/// injects `latency_ms` of latency on every answer (0: none); returns the campaign's id.
///
/// # Panics
///
/// When the mock refuses the fault: a benchmark has no other way to say so.
pub fn fresh_campaign(
    server: &salesflow_mock::MockServer,
    name: &str,
    latency_ms: u64,
) -> salesflow::CampaignId {
    use salesflow_mock::{Fault, FaultKind};
    server.reset_to(salesflow_mock::Seed::Empty);
    let id = server.add_campaign(
        salesflow_mock::DEMO_ACCOUNT_ID,
        name,
        salesflow::CampaignStatus::Running,
    );
    if latency_ms > 0 {
        server
            .inject(Fault::new(FaultKind::Latency { ms: latency_ms }).always())
            .expect("latency fault");
    }
    id
}

/// A client of the mock's demo account at `base_url`, on `http` when given.
///
/// # Panics
///
/// When the client cannot be built: a benchmark has no other way to say so.
pub fn demo_client(base_url: &str, http: Option<&reqwest::Client>) -> salesflow::Client {
    let mut builder = salesflow::Client::builder()
        .token(salesflow_mock::DEMO_TOKEN)
        .account_id(salesflow_mock::DEMO_ACCOUNT_ID)
        .base_url(base_url);
    if let Some(http) = http {
        builder = builder.http_client(http.clone());
    }
    builder.build().expect("client")
}

/// The reqwest client both sides of a per-call benchmark share (same pool, the SDK's timeout
/// and user agent).
///
/// # Panics
///
/// When the client cannot be built.
pub fn shared_http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(salesflow::DEFAULT_TIMEOUT)
        .user_agent(salesflow::DEFAULT_USER_AGENT)
        .build()
        .expect("http client")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn interleaved_alternates_which_side_goes_first() {
        let mut order = Vec::new();
        let (a, b) = interleaved(3, |a_side| {
            order.push(a_side);
            order.len()
        });
        assert_eq!(order, [true, false, false, true, true, false]);
        assert_eq!((a, b), (vec![1, 4, 5], vec![2, 3, 6]));
    }

    #[test]
    fn paired_ratios_are_summarized_by_median_and_deciles() {
        let a: Vec<f64> = (1..=10).map(f64::from).collect();
        let b = vec![1.0; 10];
        assert_eq!(paired_ratios(&a, &b), "median 5.500, p10 2.000, p90 10.000");
    }
}
