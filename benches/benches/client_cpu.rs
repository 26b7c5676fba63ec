//! The client's own CPU per call: the SDK against hand-written `reqwest` + `serde`, for
//! ListContacts (by campaignId, 100 contacts, decoded into `salesflow_benches::HandContact` by
//! hand) and for a small call, StartCampaign (an empty JSON body out, a `StatusMessage` in).
//!
//! The server is not the mock: it answers every request at once with pre-encoded bytes (axum on
//! its own thread and runtime, the body chosen by the path, nothing parsed), so that the client
//! dominates. The ListContacts body was captured once from the mock (100 members imported), so
//! it is what the SDK really decodes. Both sides share one `reqwest::Client` and send the same
//! request (`campaignId`, `token`, `accountId`, `Accept: application/json`, `api-version`).
//!
//! The client runs on a single-threaded runtime on the benchmark's own thread, so the CPU time
//! of that thread (`CLOCK_THREAD_CPUTIME_ID`) is the client's CPU, connection handling
//! included, and none of the server's. Criterion measures that CPU time (`iter_custom`); an
//! interleaved loop (blocks of 200 calls, the sides alternating) prints both CPU and wall time.
//! Targets: SDK / hand <= 1.05 for ListContacts, <= 1.10 for StartCampaign.
//!
//! `CLIENT_CPU_CALLGRIND=<n>` skips criterion and makes `n` calls per side and operation in
//! `#[inline(never)]` functions, for instruction counts under callgrind (the server's thread
//! is outside them): `valgrind --tool=callgrind --toggle-collect='*count_*' <binary> --bench`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use criterion::{BenchmarkId, Criterion};
use futures_util::StreamExt;
use salesflow::ops::ImportMember;
use salesflow::{CampaignStatus, Client, ImportOptions};
use salesflow_benches::{
    criterion_median_ns, for_campaign, list_contacts, measuring, paired_ratios, print_median_ratio,
    print_ratio, send_json, thread_cpu_ns, HandContact,
};
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};
use serde::{Deserialize, Serialize};

const MEMBERS: usize = 100;
const CAMPAIGN: i64 = 29854;
const START_ANSWER: &[u8] = br#"{"Status":200,"Message":"Campaign has been started."}"#;

/// StartCampaign's answer, by hand.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct HandStatus {
    status: i32,
    #[serde(default)]
    message: Option<String>,
}

/// StartCampaign's body, by hand (`{}`).
#[derive(Serialize)]
struct Empty {}

/// ListContacts' answer for a campaign of 100 members, as the mock encodes it.
fn contacts_body() -> Bytes {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let server = MockServer::start_with(Seed::Empty).await.expect("mock");
        let campaign = server.add_campaign(DEMO_ACCOUNT_ID, "Bench", CampaignStatus::Running);
        let client = salesflow_benches::demo_client(&server.base_url(), None);
        let members = (0..MEMBERS).map(move |i| {
            ImportMember::new(campaign, format!("https://www.linkedin.com/in/bench-member-{i}"))
                .first_name(format!("First{i}"))
                .last_name(format!("Last{i}"))
                .occupation("Engineer at Example Corp")
                .location("Berlin, Germany")
        });
        let imported = client
            .import_members(members, ImportOptions::default())
            .count()
            .await;
        assert_eq!(imported, MEMBERS);
        let url = format!(
            "{}/members/list-contacts?campaignId={campaign}&token={DEMO_TOKEN}&accountId={DEMO_ACCOUNT_ID}",
            server.base_url()
        );
        reqwest::get(url).await.expect("get").bytes().await.expect("body")
    })
}

/// Starts the fixed-answer server on its own thread; returns its base URL (`.../api`).
fn start_server(contacts: Bytes) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
                let body = if uri.path().ends_with("/list-contacts") {
                    contacts.clone()
                } else {
                    Bytes::from_static(START_ANSWER)
                };
                async move { ([(CONTENT_TYPE, "application/json")], body) }
            });
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    format!("http://{addr}/api")
}

struct Setup {
    sdk: Client,
    http: reqwest::Client,
    base: String,
}

impl Setup {
    async fn sdk_contacts(&self) -> Vec<salesflow::Contact> {
        self.sdk
            .list_contacts_by_campaign(CAMPAIGN)
            .await
            .expect("sdk call")
    }

    async fn hand_contacts(&self) -> Vec<HandContact> {
        let url = format!("{}/members/list-contacts", self.base);
        list_contacts(
            &self.http,
            &url,
            DEMO_TOKEN,
            DEMO_ACCOUNT_ID,
            CAMPAIGN.into(),
        )
        .await
    }

    async fn sdk_start(&self) -> salesflow::salesflow_api::types::StatusMessage {
        self.sdk.start_campaign(CAMPAIGN).await.expect("sdk call")
    }

    async fn hand_start(&self) -> HandStatus {
        let request = self.http.post(format!("{}/campaigns/start", self.base));
        let request = for_campaign(request, DEMO_TOKEN, DEMO_ACCOUNT_ID, CAMPAIGN.into());
        let status: HandStatus = send_json(request.json(&Empty {})).await;
        assert!(status.status < 400, "{status:?}");
        status
    }

    /// `n` calls of one side of one operation.
    async fn run(&self, side: Side, n: u64) {
        for _ in 0..n {
            match side {
                Side::SdkContacts => drop(black_box(self.sdk_contacts().await)),
                Side::HandContacts => drop(black_box(self.hand_contacts().await)),
                Side::SdkStart => drop(black_box(self.sdk_start().await)),
                Side::HandStart => drop(black_box(self.hand_start().await)),
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    SdkContacts,
    HandContacts,
    SdkStart,
    HandStart,
}

#[inline(never)]
fn count_sdk_contacts(rt: &tokio::runtime::Runtime, s: &Setup, n: u64) {
    rt.block_on(s.run(Side::SdkContacts, n));
}

#[inline(never)]
fn count_hand_contacts(rt: &tokio::runtime::Runtime, s: &Setup, n: u64) {
    rt.block_on(s.run(Side::HandContacts, n));
}

#[inline(never)]
fn count_sdk_start(rt: &tokio::runtime::Runtime, s: &Setup, n: u64) {
    rt.block_on(s.run(Side::SdkStart, n));
}

#[inline(never)]
fn count_hand_start(rt: &tokio::runtime::Runtime, s: &Setup, n: u64) {
    rt.block_on(s.run(Side::HandStart, n));
}

/// `n` calls; (wall, this thread's CPU).
fn measure(rt: &tokio::runtime::Runtime, s: &Setup, side: Side, n: u64) -> (Duration, Duration) {
    let cpu = thread_cpu_ns();
    let t = Instant::now();
    rt.block_on(s.run(side, n));
    (t.elapsed(), Duration::from_nanos(thread_cpu_ns() - cpu))
}

fn main() {
    let contacts = contacts_body();
    let base = start_server(contacts.clone());
    // The client: a single-threaded runtime on this thread.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = salesflow_benches::shared_http();
    let sdk = salesflow_benches::demo_client(&base, Some(&http));
    let s = Setup { sdk, http, base };
    // Sanity: both sides decode the same 100 contacts, and the start answer.
    let (a, b) = rt.block_on(async { (s.sdk_contacts().await, s.hand_contacts().await) });
    assert_eq!(a.len(), MEMBERS);
    assert!(a.iter().zip(&b).all(|(x, y)| x.member_id == y.member_id));
    rt.block_on(async { (s.sdk_start().await, s.hand_start().await) });
    println!(
        "ListContacts answer: {} bytes, {MEMBERS} contacts",
        contacts.len()
    );

    if let Some(n) = std::env::var("CLIENT_CPU_CALLGRIND")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        count_sdk_contacts(&rt, &s, n);
        count_hand_contacts(&rt, &s, n);
        count_sdk_start(&rt, &s, n);
        count_hand_start(&rt, &s, n);
        return;
    }

    let operations = [
        (
            "list_contacts_100",
            Side::SdkContacts,
            Side::HandContacts,
            1.05,
        ),
        ("start_campaign", Side::SdkStart, Side::HandStart, 1.10),
    ];
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    for (name, sdk, hand, _) in operations {
        let mut g = c.benchmark_group(format!("client_cpu_{name}"));
        for (id, side) in [("sdk", sdk), ("hand", hand)] {
            g.bench_function(BenchmarkId::from_parameter(id), |b| {
                b.iter_custom(|iters| measure(&rt, &s, side, iters).1)
            });
        }
        g.finish();
    }
    c.final_summary();
    if !measuring() {
        return;
    }

    for (name, _, _, target) in operations {
        let group = format!("client_cpu_{name}");
        if let (Some(sdk), Some(hand)) = (
            criterion_median_ns(&group, "sdk"),
            criterion_median_ns(&group, "hand"),
        ) {
            print_ratio(
                &format!("{name} client CPU per call (criterion medians; target <= {target})"),
                "sdk",
                sdk,
                "hand",
                hand,
            );
        }
    }

    interleaved(&rt, &s, &operations);
}

/// Interleaved loop: 40 rounds of (200 SDK calls, 200 hand calls) per operation, the ratios
/// of their medians printed.
fn interleaved(rt: &tokio::runtime::Runtime, s: &Setup, operations: &[(&str, Side, Side, f64)]) {
    // Interleaved loop: 40 rounds of (200 SDK calls, 200 hand calls) per operation.
    const CALLS: u64 = 200;
    for &(name, sdk, hand, target) in operations {
        let (sdk_blocks, hand_blocks) = salesflow_benches::interleaved(40, |sdk_side| {
            let (wall, cpu) = measure(rt, s, if sdk_side { sdk } else { hand }, CALLS);
            (
                wall.as_nanos() as f64 / CALLS as f64,
                cpu.as_nanos() as f64 / CALLS as f64,
            )
        });
        let (sdk_wall, sdk_cpu): (Vec<f64>, Vec<f64>) = sdk_blocks.into_iter().unzip();
        let (hand_wall, hand_cpu): (Vec<f64>, Vec<f64>) = hand_blocks.into_iter().unzip();
        for (what, a, b) in [
            ("client CPU", &sdk_cpu, &hand_cpu),
            ("wall", &sdk_wall, &hand_wall),
        ] {
            let what = format!(
                "{name} {what} per call (interleaved loop, median of 40 blocks x {CALLS}; target <= {target})"
            );
            print_median_ratio(&what, "sdk", a, "hand", b);
        }
        println!(
            "{name} paired client-CPU ratios sdk/hand: {}",
            paired_ratios(&sdk_cpu, &hand_cpu)
        );
    }
}
