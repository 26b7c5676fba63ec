//! Per-call overhead: `salesflow::Client::list_contacts_by_campaign` against a hand-written
//! `reqwest` + `serde` call of the same ListContacts (by campaignId) request decoded into
//! `salesflow_benches::HandContact` (the baseline; why it exists beside the generated
//! `Contact` is written at its definition, `src/hand.rs`), both against the in-process mock
//! with a campaign of 100 members, both over the same `reqwest::Client`.
//!
//! Prints criterion's figures, then the ratio of the medians (SDK / hand-written) from
//! criterion's estimates and from a separate interleaved timed loop (A/B blocks alternate, so
//! that contention from other processes hits both sides alike). `PER_CALL_LOOP=0` skips that
//! loop (for profiling one side with criterion's `--profile-time`).

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use futures_util::StreamExt;
use salesflow::ops::ImportMember;
use salesflow::{CampaignId, CampaignStatus, Client, ImportOptions, ImportResult};
use salesflow_benches::{
    criterion_median_ns, interleaved, list_contacts, measuring, paired_ratios, print_median_ratio,
    print_ratio, HandContact,
};
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};

const MEMBERS: usize = 100;
const GROUP: &str = "per_call_list_contacts_100";

struct Setup {
    _server: MockServer,
    sdk: Client,
    http: reqwest::Client,
    url: String,
    campaign_id: CampaignId,
}

impl Setup {
    async fn hand(&self) -> Vec<HandContact> {
        list_contacts(
            &self.http,
            &self.url,
            DEMO_TOKEN,
            DEMO_ACCOUNT_ID,
            self.campaign_id,
        )
        .await
    }

    async fn sdk(&self) -> Vec<salesflow::Contact> {
        self.sdk
            .list_contacts_by_campaign(self.campaign_id)
            .await
            .expect("sdk call")
    }
}

async fn setup() -> Setup {
    let server = MockServer::start_with(Seed::Empty).await.expect("mock");
    let campaign_id = server.add_campaign(DEMO_ACCOUNT_ID, "Bench", CampaignStatus::Running);
    // One reqwest::Client for both sides (same pool, same timeouts).
    let http = salesflow_benches::shared_http();
    let sdk = salesflow_benches::demo_client(&server.base_url(), Some(&http));
    let members = (0..MEMBERS).map(move |i| {
        ImportMember::new(
            campaign_id,
            format!("https://www.linkedin.com/in/bench-member-{i}"),
        )
        .first_name(format!("First{i}"))
        .last_name(format!("Last{i}"))
        .occupation("Engineer at Example Corp")
        .location("Berlin, Germany")
    });
    let outcomes: Vec<_> = sdk
        .import_members(members, ImportOptions::default())
        .collect()
        .await;
    assert_eq!(outcomes.len(), MEMBERS);
    assert!(outcomes
        .iter()
        .all(|o| matches!(o.result, ImportResult::Imported(_))));
    server.clear_requests();
    let url = format!("{}/members/list-contacts", server.base_url());
    Setup {
        _server: server,
        sdk,
        http,
        url,
        campaign_id,
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let s = rt.block_on(setup());
    // Sanity: both sides see the same 100 members.
    let (a, b) = rt.block_on(async { (s.sdk().await, s.hand().await) });
    assert_eq!(a.len(), MEMBERS);
    assert_eq!(b.len(), MEMBERS);
    assert!(a.iter().zip(&b).all(|(x, y)| x.member_id == y.member_id));

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    {
        let mut g = c.benchmark_group(GROUP);
        g.bench_function(BenchmarkId::from_parameter("sdk"), |b| {
            b.to_async(&rt).iter(|| s.sdk())
        });
        g.bench_function(BenchmarkId::from_parameter("hand"), |b| {
            b.to_async(&rt).iter(|| s.hand())
        });
        g.finish();
    }
    c.final_summary();
    if !measuring() || std::env::var("PER_CALL_LOOP").as_deref() == Ok("0") {
        return; // e.g. under `perf record ... -- --profile-time 10 sdk`
    }

    if let (Some(sdk), Some(hand)) = (
        criterion_median_ns(GROUP, "sdk"),
        criterion_median_ns(GROUP, "hand"),
    ) {
        print_ratio("per-call (criterion medians)", "sdk", sdk, "hand", hand);
    }

    // Interleaved loop: 40 rounds of (200 SDK calls, 200 hand calls), in alternating order.
    const CALLS: u32 = 200;
    let (sdk_blocks, hand_blocks) = interleaved(40, |sdk_side| {
        rt.block_on(async {
            let t = Instant::now();
            for _ in 0..CALLS {
                if sdk_side {
                    std::hint::black_box(s.sdk().await);
                } else {
                    std::hint::black_box(s.hand().await);
                }
            }
            t.elapsed().as_nanos() as f64 / f64::from(CALLS)
        })
    });
    print_median_ratio(
        "per-call (interleaved loop, median of 40 blocks x 200 calls)",
        "sdk",
        &sdk_blocks,
        "hand",
        &hand_blocks,
    );
    // Paired ratio: each round's SDK block over the hand block next to it.
    println!(
        "per-call paired ratios sdk/hand: {} (target median <= 1.03)",
        paired_ratios(&sdk_blocks, &hand_blocks)
    );
}
