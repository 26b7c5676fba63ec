//! `salesflow import --journal postgres://...`: several worker processes on one job, one
//! mock, one PostgreSQL server started by the test (see `salesflow/tests/common/pg.rs`).
//! The mock's request log is the judge: no profile imported twice, one member per profile,
//! and the shared pace held.

mod common;

#[path = "../../salesflow/tests/common/pg.rs"]
mod pg;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use common::{json, stderr, write_profiles, Mock};
use salesflow::Operation;
use salesflow_mock::{Fault, FaultKind};
use serde_json::Value;

/// The demo's empty campaign.
const CAMPAIGN: &str = "29890";

/// `salesflow import CSV --campaign 29890 --journal URL` with `extra`, spawned.
fn worker(mock: &Mock, csv: &Path, url: &str, extra: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = mock.process();
    cmd.args(["import", csv.to_str().unwrap(), "--campaign", CAMPAIGN])
        .args(["--journal", url])
        .args(extra)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

fn n(report: &Value, key: &str) -> usize {
    report[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {report}")) as usize
}

/// ImportMember requests the mock answered with 200, per profile slug.
fn imports(mock: &Mock) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for url in mock.imported_urls() {
        *counts
            .entry(url.rsplit('/').next().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

/// The campaign's members per profile slug.
fn members(mock: &Mock) -> HashMap<String, usize> {
    let out = mock
        .cli()
        .args(["contacts", "list", "--campaign", CAMPAIGN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut counts = HashMap::new();
    for c in json(&out).as_array().unwrap() {
        let slug = c["MemberUrl"].as_str().unwrap().rsplit('/').next().unwrap();
        *counts.entry(slug.to_owned()).or_insert(0) += 1;
    }
    counts
}

/// Every profile of `urls` exactly once: in the request log and in the campaign.
fn each_once(mock: &Mock, urls: &[String]) {
    let sent = imports(mock);
    let twice: Vec<_> = sent.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(sent.len(), urls.len(), "profiles sent");
    let members = members(mock);
    assert_eq!(members.len(), urls.len(), "members");
    assert!(
        members.values().all(|c| *c == 1),
        "a profile has two members"
    );
}

fn finished(child: Child) -> (Output, Value) {
    let out = child.wait_with_output().unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, report)
}

#[test]
fn two_worker_processes_on_one_job_send_each_row_once() {
    let Some(pg) = pg::PgServer::start("two_worker_processes_on_one_job_send_each_row_once") else {
        return;
    };
    let url = pg.create_db("two_workers");
    let mock = Mock::start();
    mock.server
        .inject(Fault::new(FaultKind::Latency { ms: 2 }).for_operation(Operation::ImportMember))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("job.csv");
    let urls = write_profiles(&csv, "pg-two", 2000);
    let a = worker(&mock, &csv, &url, &["--concurrency", "8"], &[]);
    let b = worker(&mock, &csv, &url, &["--concurrency", "8"], &[]);
    let (a, ra) = finished(a);
    let (b, rb) = finished(b);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    for r in [&ra, &rb] {
        assert_eq!(n(r, "Rows"), 2000);
        assert_eq!(n(r, "Imported") + n(r, "AlreadyDone"), 2000, "{r}");
        assert_eq!(r["Journal"], "PostgreSQL");
    }
    assert_eq!(n(&ra, "Imported") + n(&rb, "Imported"), 2000);
    assert!(n(&ra, "Imported") > 0 && n(&rb, "Imported") > 0);
    each_once(&mock, &urls);
}

#[test]
fn a_worker_killed_between_an_answer_and_its_journal_write_is_finished_by_another() {
    let Some(pg) = pg::PgServer::start("a_worker_killed_between_an_answer_and_its_journal_write")
    else {
        return;
    };
    let url = pg.create_db("killed");
    let mock = Mock::start();
    // Slow answers: several rows are in flight when the worker dies.
    mock.server
        .inject(Fault::new(FaultKind::Latency { ms: 30 }).for_operation(Operation::ImportMember))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("job.csv");
    let urls = write_profiles(&csv, "pg-kill", 300);
    let lease = ["--lease", "2s", "--concurrency", "8"];
    let killed = worker(
        &mock,
        &csv,
        &url,
        &lease,
        &[("SALESFLOW_IMPORT_KILL_AFTER", "40")],
    );
    let (out, _) = finished(killed);
    assert_eq!(
        out.status.code(),
        None,
        "killed by a signal: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("SALESFLOW_IMPORT_KILL_AFTER: killing this process"),
        "{}",
        stderr(&out)
    );
    // Let the server finish what the dead worker had sent.
    std::thread::sleep(Duration::from_millis(200));
    let before = imports(&mock).len();
    assert!(before >= 40, "{before}");
    let other = worker(&mock, &csv, &url, &lease, &[]);
    let (out, report) = finished(other);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&report, "Rows"), 300);
    // What the dead worker did is done, found by a lookup or settled before it died; the
    // rest imported now.
    assert_eq!(
        n(&report, "Imported") + n(&report, "AlreadyDone"),
        300,
        "{report}"
    );
    assert_eq!(n(&report, "Imported"), 300 - before, "{report}");
    assert!(n(&report, "Recovered") >= 1, "{report}");
    each_once(&mock, &urls);
}

#[test]
fn a_database_restart_mid_job_loses_and_doubles_nothing() {
    let Some(pg) = pg::PgServer::start("a_database_restart_mid_job_loses_and_doubles_nothing")
    else {
        return;
    };
    let url = pg.create_db("restart");
    let mock = Mock::start();
    mock.server
        .inject(Fault::new(FaultKind::Latency { ms: 10 }).for_operation(Operation::ImportMember))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("job.csv");
    let urls = write_profiles(&csv, "pg-restart", 1500);
    let child = worker(&mock, &csv, &url, &["--concurrency", "8"], &[]);
    // Restart the server once a few hundred rows are through.
    let started = std::time::Instant::now();
    while imports(&mock).len() < 300 {
        assert!(started.elapsed() < Duration::from_secs(60), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    pg.restart();
    let (out, report) = finished(child);
    let err = stderr(&out);
    // Either the worker rode the restart out (the statements are tried again), or it
    // stopped with a clear error: then the same command finishes the job.
    eprintln!("after the restart: exit {:?}", out.status.code());
    if out.status.code() != Some(0) {
        assert!(err.contains("journal"), "{err}");
        let again = worker(&mock, &csv, &url, &["--concurrency", "8"], &[]);
        let (out, report) = finished(again);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(n(&report, "Imported") + n(&report, "AlreadyDone"), 1500);
    } else {
        assert_eq!(n(&report, "Imported"), 1500, "{report}\n{err}");
    }
    each_once(&mock, &urls);
}

#[test]
fn three_processes_pace_one_account_at_20_requests_per_second() {
    let Some(pg) = pg::PgServer::start("three_processes_pace_one_account") else {
        return;
    };
    let url = pg.create_db("pacing");
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    // Three jobs (three files) of one account: 200 requests at 20/s, about 10 s.
    let children: Vec<Child> = (0..3)
        .map(|i| {
            let csv = dir.path().join(format!("job{i}.csv"));
            write_profiles(&csv, &format!("pg-pace{i}"), if i == 0 { 68 } else { 66 });
            worker(
                &mock,
                &csv,
                &url,
                &["--rate", "20", "--concurrency", "4"],
                &[],
            )
        })
        .collect();
    for child in children {
        let (out, _) = finished(child);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let mut at: Vec<chrono::DateTime<chrono::Utc>> = mock
        .server
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::ImportMember))
        .map(|r| r.at)
        .collect();
    at.sort();
    assert_eq!(at.len(), 200);
    // Over the whole run, and in any 10 s window: at most 5% over 20 requests/s.
    let span = (at[199] - at[0]).num_milliseconds() as f64 / 1000.0;
    let rate = 199.0 / span;
    assert!(rate <= 21.0, "{rate:.2} requests/s over {span:.2} s");
    let window = chrono::Duration::seconds(10);
    let busiest = (0..at.len())
        .map(|i| at[i..].iter().take_while(|t| **t - at[i] < window).count())
        .max()
        .unwrap();
    eprintln!("paced: {rate:.2} requests/s over {span:.2} s; busiest 10 s: {busiest} requests");
    assert!(busiest <= 210, "{busiest} requests in 10 s");
    // And not far under it either: the three shared the rate rather than each waiting on
    // its own.
    assert!(rate >= 15.0, "{rate:.2} requests/s");
}
