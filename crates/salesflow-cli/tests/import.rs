//! `salesflow import`: validation, failed-rows CSV, exit codes, and resume after an
//! interruption (testing hook, SIGINT, and a process that dies with rows in flight).

mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{json, stderr, stdout, write_profiles, Mock};
use salesflow::Operation;
use salesflow_mock::{Fault, FaultKind};
use serde_json::{json, Value};

/// The empty demo campaign: what it holds after a test is exactly what the test imported.
const EMPTY_CAMPAIGN: &str = "29890";

fn import(mock: &Mock, csv: &Path, extra: &[&str]) -> std::process::Output {
    mock.cli()
        .args([
            "import",
            csv.to_str().unwrap(),
            "--campaign",
            EMPTY_CAMPAIGN,
        ])
        .args(extra)
        .output()
        .unwrap()
}

/// Public identifiers of the members of the empty campaign, with how many members each has.
fn campaign_members(mock: &Mock) -> HashMap<String, usize> {
    let out = mock
        .cli()
        .args(["contacts", "list", "--campaign", EMPTY_CAMPAIGN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut counts = HashMap::new();
    for c in json(&out).as_array().unwrap() {
        let url = c["MemberUrl"].as_str().unwrap();
        let slug = url.rsplit('/').next().unwrap().to_owned();
        *counts.entry(slug).or_insert(0) += 1;
    }
    counts
}

/// The answers (outcome entries) in a journal: each row sent has a `sent` entry before its
/// request and one of these after its answer. Not a `released` entry: a row claimed when a
/// stop came and given back unsent (how many there are depends on the timing of the stop).
fn answers_journaled(journal: &Path) -> usize {
    const ANSWERS: [&str; 5] = ["imported", "duplicate", "failed", "unknown", "found"];
    std::fs::read_to_string(journal).map_or(0, |s| {
        s.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|entry| ANSWERS.iter().any(|a| entry["event"] == *a))
            .count()
    })
}

/// A mock whose first ImportMember answers 200 with `{"Status": 400, "Message": message}`.
fn mock_refusing_one_import(message: &str) -> Mock {
    let mock = Mock::start();
    mock.server
        .inject(
            Fault::new(FaultKind::ErrorInOk {
                status: 400,
                message: Some(message.to_owned()),
            })
            .for_operation(Operation::ImportMember)
            .times(1),
        )
        .unwrap();
    mock
}

/// The journal entry a run writes before it sends `profile` (from `line`) to the empty
/// campaign: a run that died after it left that profile's outcome unknown.
fn sent_entry(profile: &str, line: u32) -> String {
    format!(
        "{{\"campaign\":{EMPTY_CAMPAIGN},\"profile\":\"{profile}\",\"event\":\"sent\",\"line\":{line},\"at\":\"\"}}\n"
    )
}

/// Imports `url` alone (a one-row CSV of its own) into the empty campaign, with the journal
/// `state`; the run must succeed.
fn import_alone(mock: &Mock, url: &str, state: &Path) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("alone.csv");
    std::fs::write(&csv, format!("linkedin_url\n{url}\n")).unwrap();
    let out = import(mock, &csv, &["--state", state.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    out
}

fn slug(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

fn n(report: &Value, key: &str) -> usize {
    report[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {report}")) as usize
}

#[test]
fn bad_rows_are_reported_by_line_written_out_and_re_importable() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("leads.csv");
    std::fs::write(
        &csv,
        "First Name,LinkedIn URL,Company\n\
         Ann,https://www.linkedin.com/in/bad-rows-ann,Acme\n\
         Bob,https://example.com/in/bad-rows-bob,Acme\n\
         Cid,https://www.linkedin.com/in/bad-rows-cid,\"Acme, Inc\"\n\
         Dee,,Acme\n\
         John,https://www.linkedin.com/in/john-doe-100,Doe & Co\n",
    )
    .unwrap();
    let out = import(&mock, &csv, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("line 3, column 2 (LinkedIn URL): invalid `linkedInUrl`"),
        "{err}"
    );
    assert!(
        err.contains("\"https://example.com/in/bad-rows-bob\""),
        "{err}"
    );
    assert!(
        err.contains("line 5, column 2 (LinkedIn URL): missing LinkedIn URL"),
        "{err}"
    );
    assert!(
        !err.contains("line 2,") && !err.contains("line 4,"),
        "{err}"
    );
    let report = json(&out);
    assert_eq!(n(&report, "Rows"), 5);
    assert_eq!(n(&report, "Imported"), 2);
    assert_eq!(
        n(&report, "Duplicates"),
        1,
        "john-doe-100 is in the demo data"
    );
    assert_eq!(n(&report, "Invalid"), 2);
    assert_eq!(n(&report, "Failed"), 0);
    assert!(err.contains("imported"), "summary on stderr: {err}");
    // Invalid rows were never sent.
    let sent: BTreeSet<String> = mock.imported_urls().iter().map(|u| slug(u)).collect();
    assert_eq!(
        sent,
        BTreeSet::from([
            "bad-rows-ann".into(),
            "bad-rows-cid".into(),
            "john-doe-100".into()
        ])
    );

    // The failed-rows CSV: original columns + error, next to the input by default.
    let failed = dir.path().join("leads.failed.csv");
    assert_eq!(report["FailedOut"], failed.to_str().unwrap());
    let mut reader = csv::Reader::from_path(&failed).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["First Name", "LinkedIn URL", "Company", "error"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "Bob");
    assert!(rows[0][3].contains("LinkedIn profile URL"));
    assert_eq!(&rows[1][3], "column 2 (LinkedIn URL): missing LinkedIn URL");

    // Fix the URLs in the failed CSV and feed it back in: the error column is ignored.
    let fixed = std::fs::read_to_string(&failed)
        .unwrap()
        .replace(
            "https://example.com/in/bad-rows-bob",
            "https://www.linkedin.com/in/bad-rows-bob",
        )
        .replace("Dee,,", "Dee,https://www.linkedin.com/in/bad-rows-dee,");
    let fixed_csv = dir.path().join("fixed.csv");
    std::fs::write(&fixed_csv, fixed).unwrap();
    let out = import(&mock, &fixed_csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(n(&report, "Imported"), 2);
    assert!(report["FailedOut"].is_null());

    // Feeding the failed CSV back unchanged reports the same problems, by its own lines.
    let out = import(&mock, &failed, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("line 2,") && err.contains("line 3,"), "{err}");
}

#[test]
fn api_failures_go_to_the_failed_csv_and_a_rerun_retries_them() {
    let mock = Mock::start();
    mock.server
        .inject(
            Fault::new(FaultKind::ServerError)
                .for_operation(Operation::ImportMember)
                .times(2),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let urls = write_profiles(&csv, "api-fail", 6);
    let failed_out = dir.path().join("retry.csv");
    let out = import(
        &mock,
        &csv,
        &[
            "--concurrency",
            "1",
            "--failed-out",
            failed_out.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(n(&report, "Failed"), 2);
    assert_eq!(n(&report, "Imported"), 4);
    // What was read, how, and into which campaign.
    assert_eq!(report["Csv"], csv.display().to_string());
    assert_eq!(
        (&report["Encoding"], &report["Delimiter"]),
        (&json!("UTF-8"), &json!(","))
    );
    assert_eq!(report["CampaignId"], EMPTY_CAMPAIGN.parse::<u64>().unwrap());
    assert_eq!(report["DryRun"], false);
    assert!(stderr(&out).contains("line 2: failed:"), "{}", stderr(&out));
    // A first run resumes nothing.
    assert!(!stderr(&out).contains("resuming"), "{}", stderr(&out));
    let retry = std::fs::read_to_string(&failed_out).unwrap();
    assert_eq!(retry.lines().count(), 3, "{retry}");
    assert!(retry.lines().next().unwrap().ends_with(",error"));

    // The same command again: the journal skips the 4 done rows, the 2 failed ones are sent.
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resuming: 4 profile(s) already done by an earlier run"),
        "{}",
        stderr(&out)
    );
    let report = json(&out);
    assert_eq!(n(&report, "AlreadyDone"), 4);
    assert_eq!(n(&report, "Imported"), 2);
    let members = campaign_members(&mock);
    for u in &urls {
        assert_eq!(members.get(&slug(u)), Some(&1), "{u}");
    }
}

#[test]
fn a_fatal_error_stops_the_import_with_exit_1() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "fatal", 30);
    let out = mock
        .cli()
        .args([
            "import",
            csv.to_str().unwrap(),
            "--campaign",
            "424242",
            "--concurrency",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("NotFound"), "{}", stderr(&out));
    let report = json(&out);
    assert!(n(&report, "NotAttempted") > 0, "{report}");
    assert!(mock.imported_urls().is_empty());
}

#[test]
fn a_csv_without_a_url_column_is_a_usage_error() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(&csv, "name,email\nAnn,ann@example.com\n").unwrap();
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no LinkedIn URL column"));
    // No other delimiter in the header: nothing to suggest.
    assert!(!stderr(&out).contains("--delimiter"), "{}", stderr(&out));
    // Split on the wrong delimiter (forced): the one the header has is suggested.
    std::fs::write(&csv, "linkedin_url;name\nhttps://www.linkedin.com/in/x;X\n").unwrap();
    let out = import(&mock, &csv, &["--delimiter", ","]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("the header was split on `,`; if the file uses `;`, pass --delimiter ';'"),
        "{}",
        stderr(&out)
    );
    let out = import(&mock, &dir.path().join("missing.csv"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(mock.server.requests().is_empty());
}

/// Imports every row exactly once across an interrupted run and a resumed one.
fn check_resumed(mock: &Mock, urls: &[String], first: &Value, second: &Value) {
    let k = n(first, "Imported");
    assert!(k >= 5 && k < urls.len(), "first run imported {k}");
    assert_eq!(first["Interrupted"], true);
    assert_eq!(n(first, "NotAttempted"), urls.len() - k);
    assert_eq!(n(second, "AlreadyDone"), k);
    assert_eq!(n(second, "Imported"), urls.len() - k);
    assert_eq!(n(second, "Duplicates"), 0);
    assert_eq!(second["Interrupted"], false);
    // No one twice, no one missing: one request per profile, one member per profile.
    let mut sent = mock.imported_urls();
    sent.sort();
    let mut expected = urls.to_vec();
    expected.sort();
    assert_eq!(sent, expected);
    let members = campaign_members(mock);
    assert_eq!(members.len(), urls.len());
    assert!(members.values().all(|&c| c == 1), "{members:?}");
}

#[test]
fn an_import_stopped_like_ctrl_c_resumes_without_importing_anyone_twice() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let urls = write_profiles(&csv, "stop-after", 40);
    let first = mock
        .cli()
        .env("SALESFLOW_IMPORT_STOP_AFTER", "5")
        .args([
            "import",
            csv.to_str().unwrap(),
            "--campaign",
            EMPTY_CAMPAIGN,
            "--concurrency",
            "3",
        ])
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(130), "{}", stderr(&first));
    assert!(stderr(&first).contains("Run the same command again to resume"));
    let journal = dir.path().join("p.csv.salesflow-import.jsonl");
    let first = json(&first);
    assert_eq!(answers_journaled(&journal), n(&first, "Imported"));

    let second = import(&mock, &csv, &[]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(stderr(&second).contains("resuming"));
    check_resumed(&mock, &urls, &first, &json(&second));

    // A third run has nothing left to do.
    let third = import(&mock, &csv, &[]);
    assert_eq!(third.status.code(), Some(0));
    assert_eq!(n(&json(&third), "AlreadyDone"), urls.len());
}

#[test]
fn sigint_stops_the_import_cleanly_and_it_resumes() {
    let mock = Mock::start();
    mock.server
        .inject(Fault::new(FaultKind::Latency { ms: 100 }).for_operation(Operation::ImportMember))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let urls = write_profiles(&csv, "sigint", 40);
    let state = dir.path().join("state.jsonl");
    let mut cmd = mock.process();
    cmd.args([
        "import",
        csv.to_str().unwrap(),
        "--campaign",
        EMPTY_CAMPAIGN,
        "--concurrency",
        "2",
        "--state",
        state.to_str().unwrap(),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Wait until a few rows are journaled, then Ctrl-C.
    let started = Instant::now();
    while answers_journaled(&state) < 6 {
        assert!(started.elapsed() < Duration::from_secs(20), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut err = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        err.push_str(&line.unwrap());
        err.push('\n');
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted: finishing the rows in flight"),
        "{err}"
    );
    let first: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Every completed row was journaled, including those in flight at Ctrl-C.
    assert_eq!(answers_journaled(&state), n(&first, "Imported"));

    let second = import(&mock, &csv, &["--state", state.to_str().unwrap()]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    check_resumed(&mock, &urls, &first, &json(&second));
}

#[test]
fn a_process_killed_between_an_answer_and_its_journal_entry_leaves_one_record_per_profile() {
    let mock = Mock::start();
    // Slow imports so that several are in flight when the process dies.
    mock.server
        .inject(Fault::new(FaultKind::Latency { ms: 50 }).for_operation(Operation::ImportMember))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let urls = write_profiles(&csv, "abort", 30);
    let first = mock
        .cli()
        .env("SALESFLOW_IMPORT_ABORT_AFTER", "8")
        .args([
            "import",
            csv.to_str().unwrap(),
            "--campaign",
            EMPTY_CAMPAIGN,
            "--concurrency",
            "8",
        ])
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(130), "{}", stderr(&first));
    let journal = dir.path().join("p.csv.salesflow-import.jsonl");
    assert_eq!(answers_journaled(&journal), 8);
    // Let the server finish what the dead process had sent.
    std::thread::sleep(Duration::from_millis(300));
    let sent_by_first = mock.imported_urls().len();
    let in_flight_done = sent_by_first - 8;
    // At least the row whose answer arrived but was never journaled went through.
    assert!(in_flight_done >= 1);

    let second = import(&mock, &csv, &[]);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(0), "{err}");
    assert!(err.contains("looking them up on the server"), "{err}");
    let second = json(&second);
    // The rows in flight were looked up, not sent again: found ones are done.
    assert_eq!(n(&second, "Recovered"), in_flight_done);
    assert_eq!(n(&second, "AlreadyDone"), 8 + in_flight_done);
    assert_eq!(n(&second, "Duplicates"), 0);
    assert_eq!(n(&second, "Imported"), urls.len() - 8 - in_flight_done);
    assert_eq!(n(&second, "Rows"), urls.len());
    // One ImportMember per profile over both runs, and one member record per profile.
    let mut sent = mock.imported_urls();
    sent.sort();
    let mut expected = urls.clone();
    expected.sort();
    assert_eq!(sent, expected);
    let members = campaign_members(&mock);
    assert_eq!(members.len(), urls.len());
    assert!(members.values().all(|&c| c == 1), "{members:?}");
    // A lookup was made, and only for the profiles of unknown outcome.
    let lookups: Vec<_> = mock
        .server
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(salesflow::Operation::ListContactsByPublicIdentifiers))
        .collect();
    assert_eq!(lookups.len(), 1, "{lookups:?}");
    let asked = lookups[0].body.as_ref().unwrap()["PublicIdentifiers"]
        .as_array()
        .unwrap()
        .len();
    assert!(asked >= in_flight_done && asked <= 8, "{asked}");

    // A third run has nothing left to do and sends nothing.
    let before = mock.server.requests().len();
    let third = import(&mock, &csv, &[]);
    assert_eq!(third.status.code(), Some(0));
    assert_eq!(n(&json(&third), "AlreadyDone"), urls.len());
    assert_eq!(mock.server.requests().len(), before);
}

#[test]
fn with_mock_the_journal_is_temporary_so_a_second_run_imports_again() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "mock-run", 4);
    for _ in 0..2 {
        let out = common::salesflow()
            .args([
                "--mock",
                "-o",
                "json",
                "import",
                csv.to_str().unwrap(),
                "--campaign",
                "29854",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let report = json(&out);
        assert_eq!(n(&report, "Imported"), 4);
        assert_eq!(n(&report, "AlreadyDone"), 0);
        assert!(stderr(&out).contains("temporary file"));
    }
    // Nothing but the CSV next to it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_shipped_samples_show_a_clean_import_and_validation_errors() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let dir = tempfile::tempdir().unwrap();
    let failed = dir.path().join("f.csv");
    let run = |csv: &str| {
        common::salesflow()
            .args(["--mock", "-o", "json", "import"])
            .arg(samples.join(csv))
            .args(["--campaign", "29854"])
            .args(["--failed-out", failed.to_str().unwrap()])
            .output()
            .unwrap()
    };

    // The README's first command: every row valid, one already in the demo data.
    let out = run("contacts.csv");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(n(&report, "Rows"), 36);
    assert_eq!(n(&report, "Invalid"), 0);
    assert_eq!(n(&report, "Duplicates"), 1);
    assert_eq!(n(&report, "Imported"), 35);

    // The same rows plus four bad ones, reported by line number: a partial failure.
    let out = run("contacts-with-errors.csv");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(n(&report, "Rows"), 40);
    assert_eq!(n(&report, "Invalid"), 4);
    assert_eq!(n(&report, "Duplicates"), 1);
    assert_eq!(n(&report, "Imported"), 35);
    let err = stderr(&out);
    for needle in ["line 14,", "line 22,", "line 30,", "line 36,", "duplicates"] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
}

#[test]
fn a_profile_of_unknown_outcome_not_found_on_the_server_is_sent_and_then_settled() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let urls = write_profiles(&csv, "unknown", 3);
    // A run that died right after journaling `sent` for a request that never left.
    let journal = dir.path().join("p.csv.salesflow-import.jsonl");
    std::fs::write(&journal, sent_entry("unknown-1", 3)).unwrap();
    let lookups = |mock: &Mock| {
        mock.server
            .requests()
            .iter()
            .filter(|r| r.operation == Some(salesflow::Operation::ListContactsByPublicIdentifiers))
            .count()
    };
    let out = import(&mock, &csv, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("0 found on the server (done, not sent again); 1 not found (sent)"),
        "{err}"
    );
    let report = json(&out);
    assert_eq!((n(&report, "Imported"), n(&report, "Recovered")), (3, 0));
    assert_eq!(lookups(&mock), 1);
    // The next run has nothing unknown left: no lookup, nothing sent.
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&json(&out), "AlreadyDone"), 3);
    assert_eq!(lookups(&mock), 1);
    assert_eq!(mock.imported_urls().len(), urls.len());
    let members = campaign_members(&mock);
    assert!(
        members.values().all(|&c| c == 1) && members.len() == 3,
        "{members:?}"
    );
}

#[test]
fn every_row_failing_with_a_server_error_is_exit_1_without_a_stop() {
    // A 500 is not fatal: every row is tried; none imported, so the exit code is 1, not 3.
    let mock = Mock::start();
    mock.server
        .inject(
            Fault::new(FaultKind::ServerError)
                .for_operation(Operation::ImportMember)
                .always(),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "all-fail", 5);
    let out = import(&mock, &csv, &["--concurrency", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(n(&report, "Failed"), 5, "{report}");
    assert_eq!(n(&report, "NotAttempted"), 0, "{report}");
    assert!(
        !stderr(&out).contains("stopped after an error"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn invalid_rows_with_every_valid_row_failing_is_a_partial_failure() {
    let mock = Mock::start();
    mock.server
        .inject(
            Fault::new(FaultKind::ServerError)
                .for_operation(Operation::ImportMember)
                .always(),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        "linkedin_url,first_name\nhttps://www.linkedin.com/in/part-fail-0,A\nnot a url,B\n",
    )
    .unwrap();
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(
        (n(&report, "Failed"), n(&report, "Invalid")),
        (1, 1),
        "{report}"
    );
}

#[test]
fn a_fatal_error_waits_for_the_rows_in_flight_and_journals_them() {
    // Both rows in flight fail the same way; the second answer comes after the first (fatal)
    // one and is still waited for (the grace period), journaled and counted.
    let mock = Mock::start();
    mock.server
        .inject(
            Fault::new(FaultKind::Latency { ms: 400 })
                .for_operation(Operation::ImportMember)
                .always(),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "fatal-grace", 6);
    let journal = dir.path().join("state.jsonl");
    let started = Instant::now();
    let out = mock
        .cli()
        .args([
            "import",
            csv.to_str().unwrap(),
            "--campaign",
            "424242",
            "--concurrency",
            "2",
            "--state",
            journal.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(n(&report, "Failed"), 2, "{report}");
    assert_eq!(n(&report, "Unknown"), 0, "{report}");
    assert_eq!(n(&report, "NotAttempted"), 4, "{report}");
    assert_eq!(answers_journaled(&journal), 2);
    assert!(
        stderr(&out).contains("stopped after an error that every row would meet"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_forbidden_token_stops_the_import() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "forbidden", 20);
    let out = common::salesflow()
        .args([
            "--base-url",
            &mock.server.base_url(),
            "--token",
            "not-a-token",
            "--account-id",
            &salesflow_mock::DEMO_ACCOUNT_ID.to_string(),
            "--output",
            "json",
            "import",
            csv.to_str().unwrap(),
            "--campaign",
            EMPTY_CAMPAIGN,
            "--concurrency",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(n(&report, "Failed"), 1, "{report}");
    assert_eq!(n(&report, "NotAttempted"), 19, "{report}");
}

#[test]
fn a_missing_account_id_stops_the_import_at_the_first_row() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "no-account", 20);
    let out = common::salesflow()
        .args(["--base-url", &mock.server.base_url(), "--token"])
        .args([salesflow_mock::DEMO_TOKEN, "-o", "json", "import"])
        .args([csv.to_str().unwrap(), "--campaign", EMPTY_CAMPAIGN])
        .args(["--concurrency", "1"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("needs an account id"), "{err}");
    let report = json(&out);
    assert_eq!(n(&report, "Failed"), 1, "{report}");
    assert_eq!(n(&report, "NotAttempted"), 19, "{report}");
    assert!(mock.imported_urls().is_empty());
}

/// `salesflow -o json import CSV --campaign 29890 --dry-run`: validation only, no server.
fn dry_run(csv: &Path) -> std::process::Output {
    dry_run_with(csv, &[])
}

/// [`dry_run`] with more arguments of `import`.
fn dry_run_with(csv: &Path, extra: &[&str]) -> std::process::Output {
    common::salesflow()
        .args(["-o", "json", "import", csv.to_str().unwrap()])
        .args(["--campaign", EMPTY_CAMPAIGN, "--dry-run"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn invalid_rows_are_counted_once_and_noted_by_validation() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        "linkedin_url,first_name\n\
         https://www.linkedin.com/in/noted-0,A\n\
         not a url,B\n\
         https://www.linkedin.com/in/noted-2,C\n",
    )
    .unwrap();
    let out = dry_run(&csv);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let report = json(&out);
    assert_eq!(n(&report, "Invalid"), 1);
    assert_eq!(report["DryRun"], true);
    // Validation counted the invalid row (so both passes agree) and said so, once.
    assert!(
        err.contains("\n1 of 3 rows are invalid and will not be sent\n"),
        "{err}"
    );
    assert!(!err.contains("warning:"), "{err}");
    // The one message was printed: nothing left over to mention.
    assert_eq!(
        err.matches("line 3, column 1 (linkedin_url)").count(),
        1,
        "{err}"
    );
    assert!(!err.contains("more invalid rows"), "{err}");

    // No invalid row: no such note.
    std::fs::write(&csv, "linkedin_url\nhttps://www.linkedin.com/in/noted-0\n").unwrap();
    let out = dry_run(&csv);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("invalid and will not be sent"));
}

#[test]
fn past_the_caps_invalid_rows_are_counted_not_printed_or_listed() {
    // MAX_PRINTED (200) messages on stderr, MAX_LISTED (1000) rows in the report's Failures;
    // every row counted.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let mut text = String::from("linkedin_url\nhttps://www.linkedin.com/in/capped-0\n");
    for i in 0..1001 {
        text.push_str(&format!("not a url {i}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let out = dry_run(&csv);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let report = json(&out);
    assert_eq!(n(&report, "Rows"), 1002);
    assert_eq!(n(&report, "Invalid"), 1001);
    let printed: Vec<&str> = err.lines().filter(|l| l.starts_with("line ")).collect();
    assert_eq!(printed.len(), 200, "{err}");
    assert!(printed[0].starts_with("line 3, "), "{err}");
    assert!(printed[199].starts_with("line 202, "), "{err}");
    assert!(
        err.contains("\n... and 801 more invalid rows (all in the failed-rows CSV)\n"),
        "{err}"
    );
    assert!(err.contains("\n1001 of 1002 rows are invalid"), "{err}");
    let failures = report["Failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1000);
    assert_eq!(failures[0]["Line"], 3);
    assert_eq!(failures[999]["Line"], 1002);
}

#[test]
fn failures_name_the_column_one_based() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        "first_name,linkedin_url\nAnn,https://www.linkedin.com/in/col-ann\nBob,not a url\n",
    )
    .unwrap();
    let out = dry_run(&csv);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = json(&out);
    let failures = report["Failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{report}");
    assert_eq!(failures[0]["Line"], 3);
    assert_eq!(failures[0]["Column"], 2, "the URL is the second column");
    assert_eq!(failures[0]["Url"], "not a url");
    assert_eq!(failures[0]["Invalid"], true);
}

#[test]
fn a_row_message_quotes_the_url_only_when_the_url_is_at_fault() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let long_name = "N".repeat(300);
    std::fs::write(
        &csv,
        format!(
            "first_name,linkedin_url\n{long_name},https://www.linkedin.com/in/msg-0\nBob,not a url\nEve,\n"
        ),
    )
    .unwrap();
    let out = dry_run(&csv);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("line ")).collect();
    assert_eq!(lines.len(), 3, "{err}");
    // Another column at fault: the URL is not the point.
    assert!(
        lines[0].starts_with("line 2, column 1 (first_name): "),
        "{err}"
    );
    assert!(!lines[0].contains("msg-0"), "{err}");
    // The URL at fault: quoted.
    assert!(
        lines[1].starts_with("line 3, column 2 (linkedin_url): "),
        "{err}"
    );
    assert!(lines[1].ends_with(": \"not a url\""), "{err}");
    // An empty URL: nothing to quote.
    assert!(
        lines[2].starts_with("line 4, column 2 (linkedin_url): "),
        "{err}"
    );
    assert!(!lines[2].ends_with("\"\""), "{err}");
}

#[test]
fn a_header_is_read_in_the_encoding_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        b"pr\xE9nom,linkedin_url\nJos\xE9,https://www.linkedin.com/in/header-latin1\n",
    )
    .unwrap();
    // Not UTF-8: refused at the header, with its place.
    let out = dry_run(&csv);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("line 1, column 3"), "{err}");
    assert!(err.contains("--encoding latin1"), "{err}");
    // Read as Latin-1, as asked: the header is fine.
    let out = dry_run_with(&csv, &["--encoding", "latin1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&json(&out), "Rows"), 1);
}

#[test]
fn long_urls_are_shortened_in_row_messages_with_an_ellipsis() {
    // 120 characters are shown whole; past that, the first 120 and "…".
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let url120 = format!("https://example.com/in/{}", "a".repeat(97));
    assert_eq!(url120.len(), 120);
    std::fs::write(&csv, format!("url\n{url120}\n{url120}b\n{url120}bcd\n")).unwrap();
    let out = dry_run(&csv);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let messages: Vec<&str> = err.lines().filter(|l| l.starts_with("line ")).collect();
    assert_eq!(messages.len(), 3, "{err}");
    let shown = format!(": \"{url120}\"");
    assert!(
        messages[0].starts_with("line 2, ") && messages[0].ends_with(&shown),
        "{err}"
    );
    let shortened = format!("{shown}…");
    assert!(
        messages[1].starts_with("line 3, ") && messages[1].ends_with(&shortened),
        "{err}"
    );
    assert!(
        messages[2].starts_with("line 4, ") && messages[2].ends_with(&shortened),
        "{err}"
    );
}

#[test]
fn an_existing_error_column_is_replaced_in_place_in_the_failed_rows_csv() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        "linkedin_url,error,first_name\n\
         https://www.linkedin.com/in/err-col-0,,A\n\
         not a url,old reason,B\n\
         \"not, a url\",,\"Cid \"\"C\"\"\"\n",
    )
    .unwrap();
    let failed = dir.path().join("f.csv");
    let out = import(&mock, &csv, &["--failed-out", failed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // The other fields as they were written, quotes included.
    assert_eq!(
        std::fs::read_to_string(&failed).unwrap(),
        "linkedin_url,error,first_name\n\
         not a url,\"column 1 (linkedin_url): invalid `linkedInUrl`: must be an absolute \
         http(s) URL\",B\n\
         \"not, a url\",\"column 1 (linkedin_url): invalid `linkedInUrl`: must be an absolute \
         http(s) URL\",\"Cid \"\"C\"\"\"\n"
    );
}

#[test]
fn a_directory_is_refused_not_read_forever() {
    // Reading a directory fails (EISDIR): a usage error at once, not a retry loop.
    let dir = tempfile::tempdir().unwrap();
    let out = common::salesflow()
        .args(["import", dir.path().to_str().unwrap()])
        .args(["--campaign", EMPTY_CAMPAIGN, "--dry-run"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("cannot read {}: ", dir.path().display())),
        "{err}"
    );
}

#[test]
fn the_way_a_file_is_read_is_noted_only_when_it_is_not_plain_utf8_with_commas() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(&csv, "linkedin_url\nhttps://www.linkedin.com/in/plain-0\n").unwrap();
    let out = dry_run(&csv);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("reading "), "{}", stderr(&out));

    std::fs::write(
        &csv,
        "\u{feff}linkedin_url\nhttps://www.linkedin.com/in/plain-0\n",
    )
    .unwrap();
    let out = dry_run(&csv);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "reading {} as UTF-8 (byte order mark), fields separated by `,`\n",
            csv.display()
        )),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        &csv,
        "linkedin_url;first_name\nhttps://www.linkedin.com/in/plain-0;A\n",
    )
    .unwrap();
    let out = dry_run(&csv);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("as UTF-8, fields separated by `;`\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_report_names_the_journal_only_when_it_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "journal-named", 2);

    // Against a server: the journal next to the CSV (or --state), kept, named in the report.
    let mock = Mock::start();
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let journal = dir.path().join("p.csv.salesflow-import.jsonl");
    assert_eq!(json(&out)["Journal"], journal.to_str().unwrap());
    assert!(journal.exists());
    let state = dir.path().join("state.jsonl");
    let out = import(&mock, &csv, &["--state", state.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["Journal"], state.to_str().unwrap());

    // With --mock: a temporary journal, removed at the end, so not named.
    let out = common::salesflow()
        .args(["--mock", "-o", "json", "import", csv.to_str().unwrap()])
        .args(["--campaign", EMPTY_CAMPAIGN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(json(&out)["Journal"].is_null(), "{}", stdout(&out));
}

#[test]
fn failures_with_members_imported_and_duplicates_are_a_partial_failure() {
    // Exit 1 only when nothing succeeded: one row imported and one flagged duplicate next
    // to a failed one is a partial failure (3).
    let mock = Mock::start();
    mock.server
        .inject(
            Fault::new(FaultKind::ServerError)
                .for_operation(Operation::ImportMember)
                .times(1),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        "linkedin_url\n\
         https://www.linkedin.com/in/partial-dup-0\n\
         https://www.linkedin.com/in/john-doe-100\n\
         https://www.linkedin.com/in/partial-dup-2\n",
    )
    .unwrap();
    let out = import(&mock, &csv, &["--concurrency", "1"]);
    let report = json(&out);
    assert_eq!(
        (
            n(&report, "Failed"),
            n(&report, "Duplicates"),
            n(&report, "Imported")
        ),
        (1, 1, 1),
        "{report}"
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn an_error_message_on_several_lines_is_one_cell_of_the_failed_rows_csv() {
    let mock = mock_refusing_one_import("bad \"row\"\r\nsee line two\nand three");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "multiline", 2);
    let out = import(&mock, &csv, &["--concurrency", "1"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let failed = std::fs::read_to_string(dir.path().join("p.failed.csv")).unwrap();
    // The header and one row, each on one line; the message's breaks are spaces and its
    // quotes doubled inside the quoted cell.
    let lines: Vec<&str> = failed.lines().collect();
    assert_eq!(lines.len(), 2, "{failed}");
    assert!(
        lines[1].starts_with("https://www.linkedin.com/in/multiline-0,Person0,\""),
        "{failed}"
    );
    assert!(
        lines[1].contains("bad \"\"row\"\"  see line two and three"),
        "{failed}"
    );
    assert!(lines[1].ends_with('"'), "{failed}");
}

#[test]
fn past_the_caps_notes_about_duplicates_are_counted_not_printed_or_listed() {
    // Notes printed, the line saying how many were not, and the rows the report lists.
    let notes = |duplicates: usize, quiet: bool| {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("p.csv");
        let row = "https://www.linkedin.com/in/dup-cap\n";
        std::fs::write(
            &csv,
            format!("linkedin_url\n{}", row.repeat(duplicates + 1)),
        )
        .unwrap();
        let out = dry_run_with(&csv, if quiet { &["--quiet"] } else { &[] });
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{err}");
        let report = json(&out);
        assert_eq!(n(&report, "DuplicateRows"), duplicates);
        let printed = err
            .lines()
            .filter(|l| l.contains("same profile as line 2"))
            .count();
        let more = err
            .lines()
            .find(|l| l.contains("more per-row messages were not shown"))
            .map(str::to_owned);
        let listed = report["DuplicateRowLines"].as_array().unwrap().len();
        (printed, more, listed)
    };
    // MAX_PRINTED (200) notes, then how many more there were, and only if there were more;
    // MAX_LISTED (1000) rows in the report.
    assert_eq!(notes(200, false), (200, None, 200));
    assert_eq!(
        notes(1001, false),
        (
            200,
            Some("(801 more per-row messages were not shown: see the report)".to_owned()),
            1000
        )
    );
    // --quiet: no note, none said to be hidden; the report still lists them.
    assert_eq!(notes(3, true), (0, None, 3));
}

#[test]
fn only_the_profiles_of_unknown_outcome_found_on_the_server_are_settled() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let urls = write_profiles(&csv, "half-known", 3);
    // half-known-0 reached the server; half-known-1 never left. Both were journaled `sent`
    // by a run that died before their answers.
    import_alone(&mock, &urls[0], &dir.path().join("other.jsonl"));
    let journal = dir.path().join("p.csv.salesflow-import.jsonl");
    let entries = sent_entry("half-known-0", 2) + &sent_entry("half-known-1", 3);
    std::fs::write(&journal, entries).unwrap();

    let out = import(&mock, &csv, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("1 found on the server (done, not sent again); 1 not found (sent)"),
        "{err}"
    );
    let report = json(&out);
    assert_eq!(n(&report, "Recovered"), 1);
    assert_eq!(n(&report, "Imported"), 2);
    // The one found was not sent again; the one not found was.
    let members = campaign_members(&mock);
    assert_eq!(members.len(), 3, "{members:?}");
    assert!(members.values().all(|&c| c == 1), "{members:?}");
    let mut imported = mock.imported_urls();
    imported.sort();
    assert_eq!(imported, urls);
}

#[test]
fn with_mock_a_journal_of_an_earlier_real_run_is_neither_read_nor_removed() {
    // A run against a server (here the test's mock, whose demo data `--mock` shares) keeps
    // its journal next to the CSV.
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "real-then-mock", 3);
    let out = mock
        .cli()
        .args(["import", csv.to_str().unwrap(), "--campaign", "29854"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&json(&out), "Imported"), 3);
    let journal = dir.path().join("p.csv.salesflow-import.jsonl");
    let kept = std::fs::read(&journal).unwrap();

    // `--mock` starts from the demo data: it imports all three, with a journal of its own.
    let out = common::salesflow()
        .args(["--mock", "-o", "json", "import", csv.to_str().unwrap()])
        .args(["--campaign", "29854"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!((n(&report, "Imported"), n(&report, "AlreadyDone")), (3, 0));
    assert_eq!(std::fs::read(&journal).unwrap(), kept);
}

#[test]
fn rows_added_while_the_import_runs_are_counted_and_warned_about() {
    let mock = Mock::start();
    // The lookup of a profile of unknown outcome comes between the validation pass and the
    // import pass: slow, so that the test can change the file in between.
    mock.server
        .inject(
            Fault::new(FaultKind::Latency { ms: 1500 })
                .for_operation(Operation::ListContactsByPublicIdentifiers),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    write_profiles(&csv, "growing", 2);
    let journal = dir.path().join("p.csv.salesflow-import.jsonl");
    std::fs::write(journal, sent_entry("growing-1", 3)).unwrap();
    let mut child = mock
        .process()
        .args([
            "import",
            csv.to_str().unwrap(),
            "--campaign",
            EMPTY_CAMPAIGN,
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(err.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
        if line.contains("looking them up on the server") {
            break;
        }
    }
    // Two rows with empty fields (blank rows) appended: no invalid row more.
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str(",\n,\n");
    std::fs::write(&csv, text).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{seen}{rest}");
    let report = json(&out);
    assert_eq!((n(&report, "Rows"), n(&report, "Blank")), (4, 2));
    assert!(
        rest.contains(
            "warning: 4 rows counted, 4 accounted for, 2 validated (0 then 0 invalid): did \
             the file change during the import?"
        ),
        "{rest}"
    );
}

#[test]
fn a_server_message_is_written_in_the_encoding_of_a_latin1_file() {
    let mock = mock_refusing_one_import("Kontakt ungültig: «Zoë»");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        b"first_name,linkedin_url\r\nZo\xEB,https://www.linkedin.com/in/zoe-server-latin1\r\n",
    )
    .unwrap();
    let out = import(&mock, &csv, &["--encoding", "latin1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let failed = std::fs::read(dir.path().join("p.failed.csv")).unwrap();
    // Windows-1252 throughout: the row's own bytes and the server's words, one byte each.
    let row = b"Zo\xEB,https://www.linkedin.com/in/zoe-server-latin1,\"";
    let at = failed.windows(row.len()).position(|w| w == row);
    assert!(at.is_some(), "{:?}", String::from_utf8_lossy(&failed));
    let expected: &[u8] = b"Kontakt ung\xFCltig: \xABZo\xEB\xBB";
    assert!(
        failed.windows(expected.len()).any(|w| w == expected),
        "{:?}",
        String::from_utf8_lossy(&failed)
    );
    assert!(!failed.contains(&0xC3), "no UTF-8 in a Latin-1 file");
}

#[test]
fn unreadable_journal_lines_are_said_and_skipped_and_only_then() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    let urls = write_profiles(&csv, "torn-journal", 3);
    let journal = dir.path().join("state.jsonl");
    let state = ["--state", journal.to_str().unwrap()];
    let out = import_alone(&mock, &urls[0], &journal);
    assert!(!stderr(&out).contains("unreadable"), "{}", stderr(&out));
    // One good entry of the first run, then lines nobody can read.
    let mut text = std::fs::read_to_string(&journal).unwrap();
    text.push_str("not json\n{\"campaign\":\n");
    std::fs::write(&journal, text).unwrap();
    let out = import(&mock, &csv, &state);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "note: 2 unreadable line(s) in the journal {} ignored",
            journal.display()
        )),
        "{err}"
    );
    let report = json(&out);
    assert_eq!((n(&report, "AlreadyDone"), n(&report, "Imported")), (1, 2));
}
