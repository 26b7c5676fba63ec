//! The drift loop end to end, on a scratch copy of the workspace: a user of `salesflow` runs
//! against the mock's drift mode (new fields on every answer and webhook payload, new enum
//! values) and writes its drift report; `cargo xtask drift` (this crate's
//! `xtask::drift::run`) turns the report into a spec edit; `cargo xtask codegen` regenerates;
//! then the same user reads the new fields as typed fields and the new values as variants,
//! and its drift report is empty.
//!
//! Like `drill_event.rs`, it copies the workspace's files (those git tracks or would track) to
//! a temporary directory and runs cargo there with the drills' target directory,
//! `<target>/drills`.

mod common;

use common::{copy_of_the_workspace, workspace_files};
use xtask::codegen::{self, Mode};

/// The user's program: calls through the drift mode, decodes a webhook delivery, writes the
/// process's drift report to `$DRIFT_REPORT_OUT`.
const USER: &str = r#"
use salesflow::drift::DriftLog;
use salesflow::{Client, RunOn, WebhookPayload};
use salesflow_mock::{Fault, FaultKind, MockServer, DEMO_ACCOUNT_ID, DEMO_MEMBER_JOHN, DEMO_TOKEN};

pub async fn drive() -> (Client, MockServer, WebhookPayload) {
    let mock = MockServer::start().await.unwrap();
    mock.inject(Fault::new(FaultKind::Drift)).unwrap();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    client.list_campaigns().await.unwrap();
    client.list_accounts().await.unwrap();
    client.get_contact(DEMO_MEMBER_JOHN).await.unwrap();
    let outcome = mock.simulate_event(DEMO_MEMBER_JOHN, RunOn::MemberConnected).await.unwrap();
    let payload: WebhookPayload = serde_json::from_value(outcome.deliveries[0].payload.clone()).unwrap();
    (client, mock, payload)
}

pub fn write_report() -> salesflow::drift::DriftReport {
    let report = DriftLog::global().report();
    let path = std::env::var("DRIFT_REPORT_OUT").unwrap();
    std::fs::write(path, serde_json::to_string(&report).unwrap()).unwrap();
    report
}
"#;

/// Before the edit.
const BEFORE: &str = r#"
#[tokio::test]
async fn the_user_runs_against_the_drift_mode() {
    let (client, _mock, _payload) = drive().await;
    let report = write_report();
    assert!(!report.is_empty());
    assert_eq!(client.drift(), report);
}
"#;

/// After the edit: the same calls, read through the new typed fields and variants.
const AFTER: &str = r#"
#[tokio::test]
async fn the_new_fields_are_typed_and_nothing_is_unknown() {
    use salesflow::{AccountStatus, CampaignStatus};
    let (client, _mock, payload) = drive().await;
    let campaigns = client.list_campaigns().await.unwrap();
    let campaign = &campaigns[0];
    assert_eq!(campaign.drift_count, Some(3));
    assert_eq!(campaign.drift_score, Some(0.5));
    assert_eq!(campaign.drift_flag, Some(true));
    assert!(campaign.drift_note.as_deref().is_some_and(|n| n.starts_with("Jane Drift")));
    assert_eq!(campaign.status, Some(CampaignStatus::Archived));
    assert!(campaign.extra.is_empty(), "{:?}", campaign.extra);
    let accounts = client.list_accounts().await.unwrap();
    assert_eq!(accounts[0].status, Some(AccountStatus::Suspended));
    assert_eq!(accounts[0].drift_count, Some(3));
    let john = client.get_contact(DEMO_MEMBER_JOHN).await.unwrap();
    assert_eq!(john.drift_count, Some(3));
    assert_eq!(payload.drift_count, Some(3));
    assert!(payload.extra.is_empty(), "{:?}", payload.extra);
    let report = write_report();
    assert!(report.is_empty(), "{report:#?}");
}
"#;

const PROBE: &str = "crates/salesflow/tests/drift_probe.rs";

fn probe(copy: &std::path::Path, what: &str, report: &std::path::Path) {
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--offline", "--workspace", "--test", "drift_probe"])
        .env("CARGO_TARGET_DIR", common::drills_target())
        .env("CARGO_TERM_COLOR", "never")
        .env("DRIFT_REPORT_OUT", report)
        .env_remove("RUSTFLAGS")
        .current_dir(copy)
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "{what}:\n{}", common::text(&out));
}

#[test]
fn drill_a_drift_report_becomes_a_spec_edit_and_the_next_report_is_empty() {
    let files = workspace_files();
    let dir = copy_of_the_workspace("salesflow-drill-drift-", &files);
    let copy = dir.path();
    let report = copy.join("drift-report.json");

    // 1. The user's run against the drift mode: its report.
    std::fs::write(copy.join(PROBE), format!("{USER}{BEFORE}")).unwrap();
    probe(copy, "the run before the edit", &report);
    let seen = xtask::drift::read_reports(std::slice::from_ref(&report)).unwrap();
    assert!(
        seen.items.iter().any(|i| i.source == "webhook"),
        "{seen:#?}"
    );

    // 2. cargo xtask drift: the spec edit, everything proposed.
    let spec = copy.join("spec/salesflow.yaml");
    let outcome = xtask::drift::run(&spec, std::slice::from_ref(&report), false).unwrap();
    println!("{}", outcome.summary());
    assert!(outcome.not_proposed.is_empty(), "{}", outcome.summary());
    for line in [
        "Campaign.DriftNote: new optional property, type: string",
        "Campaign.DriftCount: new optional property, type: integer, format: int64",
        "WebhookPayload.DriftFlag: new optional property, type: boolean",
        "CampaignStatus: new value CAMPAIGN_ARCHIVED",
    ] {
        assert!(
            outcome.proposed.iter().any(|p| p == line),
            "{line}: {}",
            outcome.summary()
        );
    }

    // 3. cargo xtask codegen, then the same user, and the next report.
    codegen::run(&spec, copy, Mode::Write).expect("the edited spec generates");
    std::fs::write(copy.join(PROBE), format!("{USER}{AFTER}")).unwrap();
    probe(copy, "the run after the edit", &report);
    let next = xtask::drift::read_reports(std::slice::from_ref(&report)).unwrap();
    assert!(next.items.is_empty(), "{next:#?}");
}
