//! The mock's ImportMember at two world sizes: one campaign of 100 members against one of
//! 100,000, per import, through the mock's own router (`salesflow_mock::router`, in process,
//! no TCP: the handler, its request-log middleware and the JSON answer).
//!
//! Each measured batch imports fresh profiles (no duplicates) into the campaign; after the
//! batch, outside the timed section, the imported members are deleted again (DeleteContact
//! through the same router), so that both worlds stay at their size however many batches
//! criterion asks for. The request log is cleared before each batch.
//!
//! Prints criterion's figures, then the ratio of the per-import times (100,000 / 100) from
//! criterion's medians and from an interleaved loop (blocks of 500 imports, the two worlds
//! alternating). Target: <= 1.2.
//!
//! `MOCK_IMPORT_CALLGRIND=<n>` skips criterion and imports `n` members into each world in
//! `#[inline(never)]` functions, for instruction counts under callgrind:
//! `valgrind --tool=callgrind --toggle-collect='*import_block_*' <bench binary> --bench`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use criterion::{BenchmarkId, Criterion};
use salesflow::{CampaignId, CampaignStatus};
use salesflow_benches::{
    criterion_median_ns, measuring, paired_ratios, print_median_ratio, print_ratio, thread_cpu_ns,
};
use salesflow_mock::{MockState, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};
use tower::ServiceExt;

const GROUP: &str = "mock_import_member";
const SIZES: [usize; 2] = [100, 100_000];
const TARGET: f64 = 1.2;

/// A world of `members` members in one campaign, and its router.
struct World {
    state: MockState,
    router: Router,
    campaign: CampaignId,
    /// The next profile number (profiles are never reused).
    next: u64,
}

impl World {
    fn new(members: usize, rt: &tokio::runtime::Runtime) -> Self {
        let state = MockState::new(Seed::Empty);
        let campaign = state.add_campaign(DEMO_ACCOUNT_ID, "Bench", CampaignStatus::Running);
        let router = salesflow_mock::router(state.clone());
        let mut world = World {
            state,
            router,
            campaign,
            next: 0,
        };
        rt.block_on(async {
            for _ in 0..members {
                world.import().await;
            }
        });
        world.state.clear_requests();
        world
    }

    fn import_request(&mut self) -> Request<Body> {
        self.next += 1;
        let uri = format!(
            "/api/members/Import?campaignId={}&linkedInUrl=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fbench-{}&firstName=First&lastName=Last&token={DEMO_TOKEN}&accountId={DEMO_ACCOUNT_ID}",
            self.campaign, self.next
        );
        Request::get(uri).body(Body::empty()).expect("request")
    }

    /// `request` through the router (in process: it cannot fail).
    async fn call(&self, request: Request<Body>) -> axum::response::Response {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible")
    }

    /// One import; returns the new member's id.
    async fn import(&mut self) -> i64 {
        let request = self.import_request();
        imported_id(self.call(request).await).await
    }

    /// `n` imports of fresh profiles, timed; returns the wall time, the CPU time of this
    /// thread (the runtime is single-threaded: all the work is on it) and the last answer.
    async fn imports(&mut self, n: u64) -> (Duration, u64, Option<axum::response::Response>) {
        let requests: Vec<_> = (0..n).map(|_| self.import_request()).collect();
        let cpu = thread_cpu_ns();
        let t = Instant::now();
        let mut last = None;
        for request in requests {
            last = Some(black_box(self.call(request).await));
        }
        (t.elapsed(), thread_cpu_ns() - cpu, last)
    }

    /// `n` imports, timed (wall, CPU ns); the members are deleted afterwards, untimed.
    async fn timed_block(&mut self, n: u64) -> (Duration, u64) {
        self.state.clear_requests();
        let (elapsed, cpu, last) = self.imports(n).await;
        if let Some(response) = last {
            let last_id = imported_id(response).await;
            let first_id = last_id - n as i64 + 1;
            for id in first_id..=last_id {
                let uri =
                    format!("/api/members/{id}?token={DEMO_TOKEN}&accountId={DEMO_ACCOUNT_ID}");
                let request = Request::delete(uri).body(Body::empty()).expect("request");
                let response = self.call(request).await;
                assert_eq!(response.status(), StatusCode::OK, "delete {id}");
            }
        }
        self.state.clear_requests();
        (elapsed, cpu)
    }
}

/// The `MemberId` of an ImportMember answer, which must be a success.
async fn imported_id(response: axum::response::Response) -> i64 {
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let details: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    details["MemberId"].as_i64().expect("MemberId")
}

#[inline(never)]
fn import_block_100(rt: &tokio::runtime::Runtime, world: &mut World, n: u64) {
    black_box(rt.block_on(world.imports(n)));
}

#[inline(never)]
fn import_block_100000(rt: &tokio::runtime::Runtime, world: &mut World, n: u64) {
    black_box(rt.block_on(world.imports(n)));
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let t = Instant::now();
    let mut small = World::new(SIZES[0], &rt);
    let mut large = World::new(SIZES[1], &rt);
    println!(
        "worlds of {} and {} members filled in {:.1} s",
        SIZES[0],
        SIZES[1],
        t.elapsed().as_secs_f64()
    );

    if let Some(n) = std::env::var("MOCK_IMPORT_CALLGRIND")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        import_block_100(&rt, &mut small, n);
        import_block_100000(&rt, &mut large, n);
        return;
    }

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    {
        let mut g = c.benchmark_group(GROUP);
        for (size, world) in [(SIZES[0], &mut small), (SIZES[1], &mut large)] {
            g.bench_function(BenchmarkId::new("members", size), |b| {
                b.iter_custom(|iters| rt.block_on(world.timed_block(iters)).0)
            });
        }
        g.finish();
    }
    c.final_summary();
    if !measuring() {
        return;
    }

    let small_id = format!("members/{}", SIZES[0]);
    let large_id = format!("members/{}", SIZES[1]);
    if let (Some(s), Some(l)) = (
        criterion_median_ns(GROUP, &small_id),
        criterion_median_ns(GROUP, &large_id),
    ) {
        print_ratio(
            &format!("mock ImportMember per import (criterion medians; target <= {TARGET})"),
            "100,000 members",
            l,
            "100 members",
            s,
        );
    }

    interleaved(&rt, &mut small, &mut large);
}

/// Interleaved loop: 40 rounds of (500 imports into each world), alternating the order; wall
/// time and the thread's CPU time per import, their ratios printed.
fn interleaved(rt: &tokio::runtime::Runtime, small: &mut World, large: &mut World) {
    // Interleaved loop: 40 rounds of (500 imports into each world), alternating the order;
    // wall time and the thread's CPU time per import.
    const BLOCK: u64 = 500;
    let (small_blocks, large_blocks) = salesflow_benches::interleaved(40, |small_side| {
        let world = if small_side { &mut *small } else { &mut *large };
        let (wall, cpu) = rt.block_on(world.timed_block(BLOCK));
        (
            wall.as_nanos() as f64 / BLOCK as f64,
            cpu as f64 / BLOCK as f64,
        )
    });
    let (small_wall, small_cpu): (Vec<f64>, Vec<f64>) = small_blocks.into_iter().unzip();
    let (large_wall, large_cpu): (Vec<f64>, Vec<f64>) = large_blocks.into_iter().unzip();
    for (what, large, small) in [
        ("wall time", &large_wall, &small_wall),
        ("thread CPU time", &large_cpu, &small_cpu),
    ] {
        let what = format!(
            "mock ImportMember per import, {what} (interleaved loop, median of 40 blocks x {BLOCK}; target <= {TARGET})"
        );
        print_median_ratio(&what, "100,000 members", large, "100 members", small);
        println!(
            "mock ImportMember paired ratios 100,000/100, {what}: {}",
            paired_ratios(large, small)
        );
    }
}
