//! The import engine (`Client::import_job`) against the stateful mock: every row accounted
//! for, a profile sent once, answers that may have taken effect looked up before a resend,
//! graceful stop, the outcome stream.

#[path = "common/journal.rs"]
mod journal;

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use journal::TestJournal;
use salesflow::import::{
    ClaimRequest, ClaimState, Entry, FileJournal, ImportError, ImportEvent, ImportRow, JobContext,
    JobSummary, Journal, MemoryJournal, RowResult, Settled, StopReason,
};
use salesflow::ops::ImportMember;
use salesflow::{CampaignId, Client, Operation};
use salesflow_mock::{Fault, FaultKind, MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};

/// The demo's empty campaign.
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

fn member(slug: &str) -> ImportMember {
    ImportMember::new(CAMPAIGN, format!("https://www.linkedin.com/in/{slug}"))
}

fn members(prefix: &str, n: usize) -> Vec<ImportMember> {
    (0..n).map(|i| member(&format!("{prefix}-{i}"))).collect()
}

/// How many ImportMember requests the mock answered for each profile slug.
fn sent(server: &MockServer) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in server.requests() {
        if r.operation != Some(Operation::ImportMember) {
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

/// The members of the campaign, by profile slug.
async fn in_campaign(client: &Client) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for c in client.list_contacts_by_campaign(CAMPAIGN).await.unwrap() {
        let url = c.member_url.unwrap_or_default();
        *counts
            .entry(url.rsplit('/').next().unwrap_or_default().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

fn temp_journal() -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!("sf-engine-{}-{nanos}.jsonl", std::process::id()))
}

#[tokio::test]
async fn every_row_is_accounted_for_once() {
    let (server, client) = mock().await;
    server
        .inject(
            Fault::new(FaultKind::ErrorInOk {
                status: 400,
                message: Some("refused".into()),
            })
            .for_operation(Operation::ImportMember)
            .times(1),
        )
        .unwrap();
    let rows = vec![
        member("acc-refused"),
        member("acc-1"),
        member("ACC-1/"),
        ImportMember::new(CAMPAIGN, "https://example.com/in/acc-x"),
        ImportMember::new(29854, "https://www.linkedin.com/in/acc-other"),
        // In the demo data already: the server flags it.
        ImportMember::new(CAMPAIGN, "https://www.linkedin.com/in/john-doe-100"),
        member("acc-2"),
    ];
    let mut results: Vec<(u64, String)> = Vec::new();
    let summary = client
        .import_job(CAMPAIGN)
        .concurrency(1)
        .run_members_with(rows, |event| {
            if let ImportEvent::Row(o) = event {
                let what = match &o.result {
                    RowResult::Imported(_) => "imported".to_owned(),
                    RowResult::Duplicate(_) => "duplicate".to_owned(),
                    RowResult::DuplicateOfRow(n) => format!("same as {n}"),
                    RowResult::Invalid(e) => format!("invalid {}", e.field),
                    RowResult::Failed(e) => format!("failed {}", e.may_have_taken_effect()),
                    other => format!("{other:?}"),
                };
                results.push((o.row, what));
            }
        })
        .await
        .unwrap();
    results.sort();
    let expected: Vec<(u64, String)> = [
        (0, "failed false"),
        (1, "imported"),
        (2, "same as 1"),
        (3, "invalid linkedInUrl"),
        (4, "invalid campaignId"),
        (5, "duplicate"),
        (6, "imported"),
    ]
    .iter()
    .map(|(n, s)| (*n, (*s).to_owned()))
    .collect();
    assert_eq!(results, expected);
    assert_eq!(
        (
            summary.rows,
            summary.imported,
            summary.duplicates,
            summary.duplicate_rows,
            summary.invalid,
            summary.failed,
            summary.failed_unknown
        ),
        (7, 2, 1, 1, 2, 1, 0)
    );
    assert_eq!(summary.accounted(), summary.rows);
    assert_eq!(summary.stopped, None);
    // acc-1 was sent once, from its first row.
    assert_eq!(sent(&server).get("acc-1"), Some(&1));
}

#[tokio::test]
async fn an_answer_that_may_have_taken_effect_is_looked_up_not_resent() {
    let (server, client) = mock().await;
    // The member is created, the answer cut short: the client cannot tell.
    server
        .inject(
            Fault::new(FaultKind::TruncatedJson)
                .for_operation(Operation::ImportMember)
                .times(1),
        )
        .unwrap();
    let path = temp_journal();
    let rows = members("cut", 3);
    let first = client
        .import_job(CAMPAIGN)
        .journal(FileJournal::open(&path, CAMPAIGN).unwrap())
        .concurrency(1)
        .run_members(rows.clone())
        .await
        .unwrap();
    assert_eq!(
        (first.failed, first.failed_unknown, first.imported),
        (1, 1, 2)
    );
    let journal = FileJournal::open(&path, CAMPAIGN).unwrap();
    assert_eq!(journal.unknown(), ["cut-0"]);

    let mut events = Vec::new();
    let second = client
        .import_job(CAMPAIGN)
        .journal(journal)
        .run_members_with(rows, |e| match e {
            ImportEvent::LookingUp { profiles } => events.push(format!("looking up {profiles}")),
            ImportEvent::LookedUp { found, not_found } => {
                events.push(format!("found {found}, not {not_found}"))
            }
            _ => {}
        })
        .await
        .unwrap();
    assert_eq!(events, ["looking up 1", "found 1, not 0"]);
    assert_eq!(
        (second.reconciled, second.already_done, second.imported),
        (1, 2, 0)
    );
    // The reconciled row is one of the rows the summary accounts for.
    assert_eq!(second.accounted(), second.rows, "{second:?}");
    // One request and one member per profile.
    assert!(
        sent(&server).values().all(|n| *n == 1),
        "{:?}",
        sent(&server)
    );
    let members = in_campaign(&client).await;
    assert_eq!(members.len(), 3);
    assert!(members.values().all(|n| *n == 1), "{members:?}");
    // Nothing is left unknown.
    assert!(FileJournal::open(&path, CAMPAIGN)
        .unwrap()
        .unknown()
        .is_empty());
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_stop_lets_the_rows_in_flight_finish_and_the_next_run_resumes() {
    let (server, client) = mock().await;
    server
        .inject(Fault::new(FaultKind::Latency { ms: 50 }).for_operation(Operation::ImportMember))
        .unwrap();
    let path = temp_journal();
    let rows = members("stop", 20);
    let job = client
        .import_job(CAMPAIGN)
        .journal(FileJournal::open(&path, CAMPAIGN).unwrap())
        .concurrency(2);
    let stop = job.stop_handle();
    let mut answered = 0;
    let first = job
        .run_members_with(rows.clone(), |e| {
            if let ImportEvent::Row(o) = e {
                if matches!(o.result, RowResult::Imported(_)) {
                    answered += 1;
                    if answered == 3 {
                        stop.stop();
                    }
                }
            }
        })
        .await
        .unwrap();
    assert_eq!(first.stopped, Some(StopReason::Requested));
    // The one still in flight at the stop finished.
    assert!(first.imported >= 3 && first.imported <= 4, "{first:?}");
    assert_eq!(first.not_attempted, 20 - first.imported);
    assert_eq!(first.accounted(), 20);

    let second = client
        .import_job(CAMPAIGN)
        .journal(FileJournal::open(&path, CAMPAIGN).unwrap())
        .run_members(rows)
        .await
        .unwrap();
    assert_eq!(second.already_done, first.imported);
    assert_eq!(second.imported, 20 - first.imported);
    assert!(sent(&server).values().all(|n| *n == 1));
    assert_eq!(in_campaign(&client).await.len(), 20);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn rows_given_up_on_after_the_grace_period_are_unknown_and_looked_up_next_time() {
    let (server, client) = mock().await;
    server
        .inject(Fault::new(FaultKind::Latency { ms: 700 }).for_operation(Operation::ImportMember))
        .unwrap();
    let path = temp_journal();
    let rows = members("grace", 6);
    let job = client
        .import_job(CAMPAIGN)
        .journal(FileJournal::open(&path, CAMPAIGN).unwrap())
        .concurrency(2)
        .grace_period(Duration::from_millis(50));
    let stop = job.stop_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        stop.stop();
    });
    let first = job.run_members(rows.clone()).await.unwrap();
    assert_eq!((first.unknown, first.not_attempted), (2, 4), "{first:?}");
    assert_eq!(first.stopped, Some(StopReason::Requested));
    let journal = FileJournal::open(&path, CAMPAIGN).unwrap();
    assert_eq!(journal.unknown().len(), 2);
    server.clear_faults();
    let mut looked_up = Vec::new();
    let second = client
        .import_job(CAMPAIGN)
        .journal(journal)
        .run_members_with(rows, |e| {
            if let ImportEvent::LookedUp { found, not_found } = e {
                looked_up.push((found, not_found));
            }
        })
        .await
        .unwrap();
    // The two given up on were looked up first: the mock dropped them with the connection
    // (a real server may not), so they were not found, and sent.
    assert_eq!(looked_up, [(0, 2)]);
    assert_eq!((second.reconciled, second.imported), (0, 6), "{second:?}");
    assert!(
        sent(&server).values().all(|n| *n == 1),
        "{:?}",
        sent(&server)
    );
    assert_eq!(in_campaign(&client).await.len(), 6);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn an_error_every_row_would_meet_stops_the_job() {
    let (_server, client) = mock().await;
    let rows: Vec<ImportMember> = (0..10)
        .map(|i| ImportMember::new(424242, format!("https://www.linkedin.com/in/fatal-{i}")))
        .collect();
    let summary = client
        .import_job(424242)
        .concurrency(1)
        .run_members(rows)
        .await
        .unwrap();
    match &summary.stopped {
        Some(StopReason::Fatal { row: 0, message }) => {
            assert!(message.contains("NotFound"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((summary.failed, summary.not_attempted), (1, 9));
}

#[tokio::test]
async fn spawn_streams_one_outcome_per_row_and_tags_come_back() {
    let (_server, client) = mock().await;
    let rows: Vec<ImportRow<String>> = members("spawn", 5)
        .into_iter()
        .enumerate()
        .map(|(i, m)| ImportRow::tagged(100 + i as u64, m, format!("tag{i}")))
        .chain([ImportRow::tagged(200, member("spawn-0"), "dup".to_owned())])
        .collect();
    let (outcomes, task) = client
        .import_job(CAMPAIGN)
        .journal(MemoryJournal::new())
        .spawn(futures_util::stream::iter(rows));
    let mut outcomes: Vec<_> = outcomes.collect().await;
    let summary: JobSummary = task.await.unwrap().unwrap();
    outcomes.sort_by_key(|o| o.row);
    assert_eq!(outcomes.len(), 6);
    assert_eq!(outcomes[0].tag, "tag0");
    assert_eq!(outcomes[0].profile.as_deref(), Some("spawn-0"));
    assert!(matches!(outcomes[5].result, RowResult::DuplicateOfRow(100)));
    assert_eq!(outcomes[5].tag, "dup");
    assert_eq!((summary.imported, summary.duplicate_rows), (5, 1));
}

#[tokio::test]
async fn pacing_and_the_daily_budget_of_the_client_apply() {
    let (server, _) = mock().await;
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(server.base_url())
        .pacing(salesflow::Pacing::requests_per_second(50.0).daily_imports(4))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let summary = client
        .import_job(CAMPAIGN)
        .concurrency(4)
        .run_members(members("paced", 8))
        .await
        .unwrap();
    // Four imports, then the budget stops the job (the rows already past the pacer fail
    // too): nothing else is sent.
    assert_eq!(summary.imported, 4, "{summary:?}");
    assert!(summary.failed >= 1, "{summary:?}");
    assert_eq!(summary.failed + summary.not_attempted, 4, "{summary:?}");
    assert!(matches!(summary.stopped, Some(StopReason::Fatal { .. })));
    assert_eq!(sent(&server).len(), 4);
    // 50 requests/s: the fourth waited 60 ms at least.
    assert!(started.elapsed() >= Duration::from_millis(60));
}

#[tokio::test]
async fn a_journal_that_fails_stops_the_run_and_says_so() {
    let (server, client) = mock().await;
    let result = client
        .import_job(CAMPAIGN)
        .concurrency(1)
        .journal(TestJournal::memory().failing_from(3))
        .run_members(members("jf", 20))
        .await;
    match result {
        Err(ImportError::Journal(e)) => assert_eq!(e.to_string(), "disk full"),
        other => panic!("expected the journal's error, got {other:?}"),
    }
    // The rows after the failure were not attempted, and none was sent twice.
    let sent = sent(&server);
    assert!(sent.len() < 20, "{sent:?}");
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
}

#[tokio::test]
async fn a_journal_with_costly_claims_is_claimed_from_ahead_of_need() {
    let (server, client) = mock().await;
    // Claims are expensive: 8 rows claimed ahead of the free request slots.
    let journal = TestJournal::memory().prefetching(8);
    let ahead = journal.ahead.clone();
    let summary = client
        .import_job(CAMPAIGN)
        .concurrency(1)
        .journal(journal)
        .run_members(members("pf", 30))
        .await
        .unwrap();
    assert_eq!(summary.imported, 30, "{summary:?}");
    assert_eq!(sent(&server).len(), 30);
    // Few claims, each made while rows claimed before still waited to be sent (more than the
    // one request in flight): the next batch is claimed before the slot goes idle.
    let ahead = ahead.lock().unwrap().clone();
    assert!(!ahead.is_empty() && ahead.len() < 10, "{ahead:?}");
    assert!(ahead.iter().all(|&n| n > 1), "{ahead:?}");
}

#[tokio::test]
async fn the_memory_journal_claims_a_profile_once_and_again_after_a_sure_failure() {
    let mut j = MemoryJournal::new();
    j.open(&JobContext::new(CAMPAIGN, None)).await.unwrap();
    let a = [ClaimRequest::new("a", 0)];
    assert_eq!(j.claim(&a).await.unwrap(), [ClaimState::Claimed]);
    // Claimed and not settled: held, not claimed twice.
    assert_eq!(j.claim(&a).await.unwrap(), [ClaimState::Held]);
    // A failure that surely did nothing: claimed again, to be sent again.
    j.record(&[Entry::new("a", Some(0), Settled::Failed)])
        .await
        .unwrap();
    assert_eq!(j.settled("a"), Some(Settled::Failed));
    assert_eq!(j.claim(&a).await.unwrap(), [ClaimState::Claimed]);
    // An outcome that is not known: claimed to be looked up first.
    j.record(&[Entry::new("a", Some(0), Settled::Unknown)])
        .await
        .unwrap();
    assert_eq!(j.claim(&a).await.unwrap(), [ClaimState::ClaimedUnknown]);
    // Done: never claimed again.
    j.record(&[Entry::new("a", Some(0), Settled::Found)])
        .await
        .unwrap();
    let states = j.claim(&a).await.unwrap();
    assert!(
        matches!(states[..], [ClaimState::Done { .. }]),
        "{states:?}"
    );
    let done: Vec<bool> = [
        Settled::Imported,
        Settled::Duplicate,
        Settled::Found,
        Settled::Failed,
        Settled::Unknown,
    ]
    .into_iter()
    .map(Settled::is_done)
    .collect();
    assert_eq!(done, [true, true, true, false, false]);
}

#[tokio::test]
async fn no_more_requests_are_in_flight_than_the_concurrency() {
    let (server, client) = mock().await;
    server
        .inject(Fault::new(FaultKind::Latency { ms: 300 }).for_operation(Operation::ImportMember))
        .unwrap();
    let started = std::time::Instant::now();
    // Rows claimed ahead (prefetch) wait in the ready queue: only free slots may take them.
    let summary = client
        .import_job(CAMPAIGN)
        .concurrency(2)
        .journal(TestJournal::memory().prefetching(8))
        .run_members(members("cc", 6))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(summary.imported, 6, "{summary:?}");
    // Three rounds of two 300 ms requests: a third one in flight would make it two rounds, one
    // at a time six.
    assert!(elapsed >= Duration::from_millis(850), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1750), "{elapsed:?}");
}

#[tokio::test]
async fn a_stop_gives_the_rows_claimed_ahead_back_unsent() {
    let (server, client) = mock().await;
    server
        .inject(Fault::new(FaultKind::Latency { ms: 100 }).for_operation(Operation::ImportMember))
        .unwrap();
    let journal = TestJournal::memory().prefetching(8);
    let released = journal.released.clone();
    let job = client.import_job(CAMPAIGN).concurrency(1).journal(journal);
    let stop = job.stop_handle();
    let summary = job
        .run_members_with(members("rl", 20), |e| {
            if let ImportEvent::Row(o) = e {
                if matches!(o.result, RowResult::Imported(_)) {
                    stop.stop();
                }
            }
        })
        .await
        .unwrap();
    // The rows claimed ahead and not sent when the stop came are released, not left claimed
    // (which the next run would have to look up).
    let released = released.lock().unwrap().clone();
    assert!(!released.is_empty(), "{summary:?}");
    assert!(
        released.len() <= summary.not_attempted,
        "{released:?} {summary:?}"
    );
    assert_eq!(summary.accounted(), 20, "{summary:?}");
    assert_eq!(sent(&server).len(), summary.imported, "{summary:?}");
}
