//! `--drift-report FILE`: each run of the built binary appends what the answers held that this
//! version does not know, one JSON report a line, merge-safe; nothing when nothing was seen.

mod common;

use common::Mock;
use salesflow::drift::{DriftKind, DriftReport};
use salesflow_mock::{Fault, FaultKind};

fn reports(path: &std::path::Path) -> Vec<DriftReport> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn each_run_appends_its_report_and_the_reports_merge() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("drift.jsonl");
    let arg = file.to_str().unwrap();

    // Nothing unknown: the file is created, empty.
    let out = mock
        .cli()
        .args(["--drift-report", arg, "campaigns", "list"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "");

    mock.server.inject(Fault::new(FaultKind::Drift)).unwrap();
    for _ in 0..2 {
        let out = mock
            .cli()
            .args(["campaigns", "list", "--drift-report", arg])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The environment variable works too.
    let out = mock
        .cli()
        .env("SALESFLOW_DRIFT_REPORT", &file)
        .args(["accounts", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = reports(&file);
    assert_eq!(lines.len(), 3);
    let mut merged = DriftReport::default();
    for report in lines {
        merged.merge(report);
    }
    let note = merged
        .items
        .iter()
        .find(|i| i.source == "listCampaigns" && i.field == "DriftNote")
        .unwrap();
    assert_eq!(note.kind, DriftKind::UnknownField);
    assert_eq!(note.count, 2);
    assert!(merged
        .items
        .iter()
        .any(|i| i.source == "listAccounts" && i.value.as_deref() == Some("ACCOUNT_SUSPENDED")));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("jane.drift"), "{text}");

    // A file that cannot be written is an error naming it.
    let out = mock
        .cli()
        .args([
            "--drift-report",
            dir.path().to_str().unwrap(),
            "campaigns",
            "list",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the drift report"));
}
