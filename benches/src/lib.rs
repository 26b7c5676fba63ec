//! Helpers shared by the benchmarks in `benches/` (see BENCHMARKS.md): medians, ratios and
//! reading criterion's own estimates back, so that each benchmark can print the ratio of its
//! two sides; and the hand-written baseline types the benchmarks compare the SDK with
//! ([`HandContact`]).

use std::path::PathBuf;

mod hand;

pub use hand::{list_contacts, send_json, HandContact};

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
}
