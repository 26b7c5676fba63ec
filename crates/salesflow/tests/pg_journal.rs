//! The PostgreSQL journal and pacing (`postgres` feature) against a real server started by
//! the test (see `common/pg.rs`): the migration, two workers on one job, a dead worker's rows
//! taken over and looked up, a closed worker's rows handed over, shared pacing, bursts and
//! budget, an outage waited out.

#[path = "common/journal.rs"]
mod journal;
#[path = "common/pg.rs"]
mod pg;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use journal::TestJournal;
use salesflow::import::{ClaimRequest, ClaimState, JobContext, Journal, RowResult};
use salesflow::ops::ImportMember;
use salesflow::pacing::PacingBackend;
use salesflow::postgres::{PgStore, MIGRATIONS};
use salesflow::{CampaignId, Client, Error, Operation, Pacing};
use salesflow_mock::{Fault, FaultKind, MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};

const CAMPAIGN: CampaignId = CampaignId::new(29890);

async fn mock() -> (MockServer, Client) {
    let server = MockServer::start_with(Seed::Demo).await.unwrap();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(server.base_url())
        .build()
        .unwrap();
    (server, client)
}

fn members(prefix: &str, n: usize) -> Vec<ImportMember> {
    (0..n)
        .map(|i| {
            ImportMember::new(
                CAMPAIGN,
                format!("https://www.linkedin.com/in/{prefix}-{i}"),
            )
        })
        .collect()
}

/// ImportMember requests the mock answered with 200, per profile slug.
fn sent(server: &MockServer) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in server.requests() {
        if r.operation != Some(Operation::ImportMember) || r.status != 200 {
            continue;
        }
        let q = r.query.unwrap_or_default();
        let url = url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "linkedInUrl")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        *counts
            .entry(url.rsplit('/').next().unwrap_or_default().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_is_a_migration_applied_once() {
    let Some(server) = pg::PgServer::start("the_schema_is_a_migration_applied_once") else {
        return;
    };
    let url = server.create_db("migrations");
    // Two processes starting at once: one applies it, the other finds it applied.
    let (a, b) = tokio::join!(PgStore::connect(&url), PgStore::connect(&url));
    let store = a.unwrap();
    b.unwrap();
    PgStore::connect(&url).await.unwrap();
    // Its `Debug` shows the pool's state and the outage tolerance, not where it connects.
    let shown = format!("{store:?}");
    assert!(
        shown.starts_with("PgStore {") && shown.contains("status") && shown.contains("outage"),
        "{shown}"
    );
    assert!(
        !shown.contains("postgres://") && !shown.contains(&url),
        "{shown}"
    );
    let c = store.pool().get().await.unwrap();
    let rows = c
        .query("SELECT version, name FROM salesflow_schema_migrations", &[])
        .await
        .unwrap();
    let applied: Vec<(i32, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let shipped: Vec<(i32, String)> = MIGRATIONS
        .iter()
        .map(|m| (m.version, m.name.to_owned()))
        .collect();
    assert_eq!(applied, shipped);
    for table in [
        "salesflow_import_workers",
        "salesflow_import_rows",
        "salesflow_pacing",
        "salesflow_budget",
    ] {
        let n: i64 = c
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "{table}");
    }
    // A URL that is not one is refused with a clear error.
    let err = PgStore::connect("not a url at all").await.unwrap_err();
    assert!(
        err.to_string().contains("not a PostgreSQL connection URL"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_job_send_each_row_once() {
    let Some(pg) = pg::PgServer::start("two_workers_on_one_job_send_each_row_once") else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("two")).await.unwrap();
    let (server, client) = mock().await;
    server
        .inject(Fault::new(FaultKind::Latency { ms: 2 }).for_operation(Operation::ImportMember))
        .unwrap();
    let rows = members("two", 400);
    let job = |rows: Vec<ImportMember>| {
        client
            .import_job(CAMPAIGN)
            .journal(store.journal())
            .concurrency(8)
            .run_members(rows)
    };
    let (a, b) = tokio::join!(job(rows.clone()), job(rows.clone()));
    let (a, b) = (a.unwrap(), b.unwrap());
    for s in [&a, &b] {
        assert_eq!(s.accounted(), 400, "{s:?}");
        assert_eq!(s.imported + s.already_done, 400, "{s:?}");
    }
    assert_eq!(a.imported + b.imported, 400, "{a:?} {b:?}");
    let sent = sent(&server);
    assert_eq!(sent.len(), 400);
    assert!(sent.values().all(|n| *n == 1), "a profile sent twice");
    // Both did part of the work.
    assert!(a.imported > 0 && b.imported > 0, "{a:?} {b:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rows_of_a_dead_worker_are_looked_up_by_the_next_one() {
    let Some(pg) = pg::PgServer::start("the_rows_of_a_dead_worker_are_looked_up_by_the_next_one")
    else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("dead")).await.unwrap();
    let (server, client) = mock().await;
    let rows = members("dead", 10);
    // A worker claims the ten rows, sends five, and dies before journaling anything.
    {
        let mut dead = store.journal().lease_length(Duration::from_secs(1));
        let job = JobContext::new(CAMPAIGN, Some(DEMO_ACCOUNT_ID));
        assert!(dead.open(&job).await.unwrap().unknown.is_empty());
        let claims: Vec<ClaimRequest> = (0..10)
            .map(|i| ClaimRequest::new(format!("dead-{i}"), i))
            .collect();
        let states = dead.claim(&claims).await.unwrap();
        assert!(
            states.iter().all(|s| *s == ClaimState::Claimed),
            "{states:?}"
        );
        for m in &rows[..5] {
            client.send(m.clone()).await.unwrap();
        }
        // Dropped without `close`: its lease is no longer renewed.
    }
    // Another worker, on the same job, while the dead one's lease still runs: it waits for
    // the lease to end, then looks the rows up.
    let started = Instant::now();
    let mut results: HashMap<&'static str, usize> = HashMap::new();
    let summary = client
        .import_job(CAMPAIGN)
        .journal(store.journal().lease_length(Duration::from_secs(1)))
        .run_members_with(rows, |e| {
            if let salesflow::import::ImportEvent::Row(o) = e {
                let what = match o.result {
                    RowResult::Reconciled { .. } => "reconciled",
                    RowResult::Imported(_) => "imported",
                    _ => "other",
                };
                *results.entry(what).or_insert(0) += 1;
            }
        })
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(results.get("reconciled"), Some(&5), "{summary:?}");
    assert_eq!(results.get("imported"), Some(&5), "{summary:?}");
    assert_eq!(
        (summary.reconciled, summary.imported),
        (5, 5),
        "{summary:?}"
    );
    assert_eq!(summary.accounted(), summary.rows, "{summary:?}");
    let sent = sent(&server);
    assert_eq!(sent.len(), 10);
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacing_and_the_daily_budget_are_shared_by_every_pacer_of_the_database() {
    let Some(pg) = pg::PgServer::start("pacing_is_shared") else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("pacing")).await.unwrap();
    let pacing = Pacing::requests_per_second(20.0).daily_imports(5);
    let a: Arc<dyn PacingBackend> = store.pacer(pacing).shared();
    let b: Arc<dyn PacingBackend> = store.pacer(pacing).shared();
    assert_eq!(a.pacing(), &pacing);
    let account = Some(DEMO_ACCOUNT_ID);
    // 20 requests through two pacers at 20/s: the last one 19 intervals after the first.
    let started = Instant::now();
    let take = |p: Arc<dyn PacingBackend>| async move {
        for _ in 0..10 {
            p.acquire(Operation::ListCampaigns, account).await.unwrap();
        }
    };
    tokio::join!(take(a.clone()), take(b.clone()));
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    // Another account has its own rate.
    let started = Instant::now();
    a.acquire(Operation::ListCampaigns, Some(7.into()))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(300));
    // Five imports a day, whichever pacer takes them.
    for p in [&a, &b, &a, &b, &a] {
        p.take_import(Operation::ImportMember, account)
            .await
            .unwrap();
    }
    match b.take_import(Operation::ImportMember, account).await {
        Err(Error::BudgetExhausted {
            limit: 5,
            resets_at: Some(_),
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    // A client whose pacing backend is shared.
    let (_server, _) = mock().await;
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(_server.base_url())
        .pacing_backend(store.pacer(Pacing::unlimited().daily_imports(5)).shared())
        .build()
        .unwrap();
    let err = client
        .import_member(CAMPAIGN, "https://www.linkedin.com/in/over-budget")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BudgetExhausted { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_is_a_clear_pacing_error_and_nothing_is_sent() {
    let Some(pg) = pg::PgServer::start("unreachable_pacing") else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("gone"))
        .await
        .unwrap()
        .outage_tolerance(Duration::from_millis(300));
    let (server, _) = mock().await;
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(server.base_url())
        .pacing_backend(store.pacer(Pacing::requests_per_second(10.0)).shared())
        .build()
        .unwrap();
    client.list_campaigns().await.unwrap();
    pg.stop("fast");
    let err = client.list_campaigns().await.unwrap_err();
    assert!(matches!(err, Error::Pacing { .. }), "{err:?}");
    assert!(err.to_string().contains("pacing"), "{err}");
    assert!(!err.may_have_taken_effect());
    assert_eq!(server.requests().len(), 1);
    pg.start_again();
    client.list_campaigns().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_goes_at_once_then_requests_are_spaced() {
    let Some(pg) = pg::PgServer::start("a_burst_goes_at_once") else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("burst")).await.unwrap();
    // 1 request per second, 3 at once.
    let mut pacing = Pacing::requests_per_second(1.0);
    pacing.burst = 3;
    let p = store.pacer(pacing);
    let account = Some(DEMO_ACCOUNT_ID);
    let started = Instant::now();
    for _ in 0..3 {
        p.acquire(Operation::ListCampaigns, account).await.unwrap();
    }
    let burst = started.elapsed();
    assert!(burst < Duration::from_millis(800), "{burst:?}");
    p.acquire(Operation::ListCampaigns, account).await.unwrap();
    let fourth = started.elapsed();
    assert!(fourth >= Duration::from_millis(800), "{fourth:?}");
    // One at a time (burst 1): the second request waits an interval.
    let one = store.pacer(Pacing::requests_per_second(1.0));
    // Another account (its own rate: its first request goes at once, though the first
    // account's next slot is a second away).
    let other = Some(7.into());
    let started = Instant::now();
    one.acquire(Operation::ListCampaigns, other).await.unwrap();
    let first = started.elapsed();
    assert!(first < Duration::from_millis(800), "{first:?}");
    one.acquire(Operation::ListCampaigns, other).await.unwrap();
    let second = started.elapsed();
    assert!(second >= Duration::from_millis(800), "{second:?}");
    // A rate that is not above zero is no limit.
    let unlimited = store.pacer(Pacing::requests_per_second(0.0));
    let started = Instant::now();
    for _ in 0..5 {
        unlimited
            .acquire(Operation::ListCampaigns, account)
            .await
            .unwrap();
    }
    let five = started.elapsed();
    assert!(five < Duration::from_millis(800), "{five:?}");
}

/// Counts the events `salesflow::postgres` logs (each a retry after a failed connection or
/// statement).
struct Retries(Arc<std::sync::atomic::AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Retries {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "salesflow::postgres" {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_outage_shorter_than_the_tolerance_is_waited_out_with_backoff() {
    use tracing_subscriber::layer::SubscriberExt;
    let Some(pg) = pg::PgServer::start("an_outage_is_waited_out") else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("outage"))
        .await
        .unwrap()
        .outage_tolerance(Duration::from_secs(30));
    let p = store.pacer(Pacing::requests_per_second(100.0));
    let account = Some(DEMO_ACCOUNT_ID);
    p.acquire(Operation::ListCampaigns, account).await.unwrap();
    let retries = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let _log = tracing::subscriber::set_default(
        tracing_subscriber::registry().with(Retries(retries.clone())),
    );
    // The server is down for 1.5 s; the next request slot waits for it.
    pg.stop("fast");
    let pg = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        pg.start_again();
        pg
    });
    let started = Instant::now();
    p.acquire(Operation::ListCampaigns, account).await.unwrap();
    let waited = started.elapsed();
    let _pg = pg.join().unwrap();
    assert!(waited >= Duration::from_millis(1400), "{waited:?}");
    // Backing off (50 ms, doubling, at most 1 s apart): a few tries, not a busy loop.
    let tries = retries.load(std::sync::atomic::Ordering::SeqCst);
    assert!((1..=20).contains(&tries), "{tries} tries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_worker_hands_its_claimed_rows_to_the_next_at_once() {
    let Some(pg) = pg::PgServer::start("a_closed_worker_hands_over") else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("closed")).await.unwrap();
    let job = JobContext::new(CAMPAIGN, Some(DEMO_ACCOUNT_ID));
    // A worker with a long lease claims three rows, sends none, and closes.
    let mut first = store.journal().lease_length(Duration::from_secs(60));
    assert!(first.open(&job).await.unwrap().unknown.is_empty());
    let claims: Vec<ClaimRequest> = (0..3)
        .map(|i| ClaimRequest::new(format!("closed-{i}"), i))
        .collect();
    let states = first.claim(&claims).await.unwrap();
    assert!(
        states.iter().all(|s| *s == ClaimState::Claimed),
        "{states:?}"
    );
    // The same claim made again by the same worker (as when its answer was lost): the same
    // answer, not `Held` by itself.
    assert_eq!(first.claim(&claims).await.unwrap(), states);
    first.close().await.unwrap();
    // The next worker, well within that lease, is given them to look up.
    let mut next = store.journal().lease_length(Duration::from_secs(60));
    let started = Instant::now();
    let mut unknown = next
        .open(&JobContext::new(CAMPAIGN, Some(DEMO_ACCOUNT_ID)))
        .await
        .unwrap()
        .unknown;
    unknown.sort();
    assert_eq!(unknown, ["closed-0", "closed-1", "closed-2"]);
    assert!(started.elapsed() < Duration::from_secs(30));
    next.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_that_cannot_succeed_fails_at_once() {
    let Some(pg) = pg::PgServer::start("a_statement_that_cannot_succeed") else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("broken"))
        .await
        .unwrap()
        .outage_tolerance(Duration::from_secs(60));
    let p = store.pacer(Pacing::requests_per_second(10.0));
    // Not a passing condition (the server up, the table gone): not tried again for the
    // outage tolerance, but reported at once.
    store
        .pool()
        .get()
        .await
        .unwrap()
        .batch_execute("DROP TABLE salesflow_pacing")
        .await
        .unwrap();
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        p.acquire(Operation::ListCampaigns, Some(DEMO_ACCOUNT_ID)),
    )
    .await;
    match result {
        Ok(Err(err @ Error::Pacing { .. })) => assert!(err.to_string().contains("pacing"), "{err}"),
        other => panic!("expected a pacing error at once, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_journal_claims_many_rows_per_round_trip() {
    let Some(pg) = pg::PgServer::start("many_rows_per_claim") else {
        return;
    };
    let store = PgStore::connect(&pg.create_db("prefetch")).await.unwrap();
    let (server, client) = mock().await;
    let journal = TestJournal::over(store.journal());
    let ahead = journal.ahead.clone();
    let summary = client
        .import_job(CAMPAIGN)
        .concurrency(2)
        .journal(journal)
        .run_members(members("many", 100))
        .await
        .unwrap();
    assert_eq!(summary.imported, 100, "{summary:?}");
    assert_eq!(sent(&server).len(), 100);
    // Rows are claimed ahead of the free slots, many per statement: not one claim per row.
    let claims = ahead.lock().unwrap().len() + 1;
    assert!(claims <= 20, "{claims} claims for 100 rows");
}
