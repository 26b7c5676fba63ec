//! The two drills of "one fact, one place", run on a scratch copy of the workspace:
//!
//! 1. **A new optional response field**: `Nickname` is added to the spec's `Contact` and the
//!    code regenerated, with no other edit. A value the mock serves in that field must reach
//!    users of `salesflow` as a field of the returned type, in its `Serialize` output, and in
//!    the CLI's `-o json`.
//! 2. **A new operation**: `pauseCampaign` is added to the spec and the code regenerated. The
//!    compiler must name the mock's handler match and the CLI's command table, and nothing
//!    else; once those two have an arm, the `salesflow` method (generated) works against the
//!    mock, and the snapshot test names the missing snapshots.
//!
//! Each drill copies the workspace's files (those git tracks or would track) to a temporary
//! directory and runs cargo there, with a target directory of their own under this
//! workspace's (`target/drills`): cargo names a path crate's artefacts after its path relative
//! to the workspace root, so a copy sharing this workspace's target directory would overwrite
//! this workspace's artefacts. The drills run one at a time for the same reason.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::codegen::{self, Mode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives under the workspace root")
        .to_path_buf()
}

/// A copy of the workspace's files (tracked, or untracked and not ignored).
fn copy_workspace() -> tempfile::TempDir {
    let root = root();
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(&root)
        .output()
        .expect("git runs");
    assert!(listed.status.success(), "git ls-files failed");
    let dir = tempfile::Builder::new()
        .prefix("salesflow-drill-")
        .tempdir()
        .expect("a temporary directory");
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).expect("UTF-8 file names");
        let from = root.join(name);
        if !from.is_file() {
            continue; // deleted but still in the index
        }
        let to = dir.path().join(name);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(&from, &to).expect("copy");
    }
    dir
}

fn edit(path: &Path, anchor: &str, insert_after: &str) {
    let text = std::fs::read_to_string(path).expect("readable");
    assert!(
        text.contains(anchor),
        "{}: anchor `{anchor}` not found",
        path.display()
    );
    let text = text.replacen(anchor, &format!("{anchor}{insert_after}"), 1);
    std::fs::write(path, text).expect("writable");
}

fn regenerate(copy: &Path) {
    let report = codegen::run(&copy.join("spec/salesflow.yaml"), copy, Mode::Write)
        .expect("the edited spec generates");
    assert!(
        !report.written.is_empty(),
        "the spec edit changed no generated file"
    );
}

/// One drill at a time (they share `target/drills`).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs cargo in the copy, with the drills' target directory.
fn cargo(copy: &Path, args: &[&str]) -> Output {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("drills");
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .arg("--offline")
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .current_dir(copy)
        .output()
        .expect("cargo runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The files named by `error` diagnostics in cargo's short-format output.
fn files_with_errors(output: &str) -> BTreeSet<String> {
    output
        .lines()
        .filter(|l| l.contains(": error"))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect()
}

const NEW_FIELD_SDK_TEST: &str = r#"
use salesflow::Client;
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_JOHN, DEMO_TOKEN};

#[tokio::test]
async fn a_new_field_reaches_users_of_the_sdk() {
    let mock = MockServer::start_with(Seed::Demo).await.unwrap();
    let patch = serde_json::json!({"Nickname": "Jo"}).as_object().unwrap().clone();
    mock.patch_member(DEMO_MEMBER_JOHN, patch).unwrap();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let details = client.get_contact(DEMO_MEMBER_JOHN).await.unwrap();
    assert_eq!(details.nickname.as_deref(), Some("Jo"));
    assert!(!details.extra.contains_key("Nickname"), "a generated field, not an unknown one");
    assert_eq!(serde_json::to_value(&details).unwrap()["Nickname"], "Jo");
    let list = client.list_contacts_by_campaign(DEMO_CAMPAIGN_RUNNING).await.unwrap();
    let john = list.iter().find(|c| c.member_id == DEMO_MEMBER_JOHN).unwrap();
    assert_eq!(john.nickname.as_deref(), Some("Jo"));
}
"#;

const NEW_FIELD_CLI_TEST: &str = r#"
mod common;

use salesflow_mock::DEMO_MEMBER_JOHN;

#[test]
fn a_new_field_reaches_the_cli_json() {
    let mock = common::Mock::start();
    let patch = serde_json::json!({"Nickname": "Jo"}).as_object().unwrap().clone();
    mock.server.patch_member(DEMO_MEMBER_JOHN, patch).unwrap();
    let out = mock
        .cli()
        .args(["contacts", "get", &DEMO_MEMBER_JOHN.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["Nickname"], "Jo");
}
"#;

#[test]
fn drill_a_new_response_field_reaches_every_layer_with_no_hand_edit() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let copy = copy_workspace();
    let copy = copy.path();
    edit(
        &copy.join("spec/salesflow.yaml"),
        "        MemberUrl: { type: string, nullable: true, description: \"Since API 1.8: the LinkedIn profile URL.\" }\n",
        "        Nickname: { type: string, nullable: true, description: \"A drill's field.\" }\n",
    );
    regenerate(copy);
    std::fs::write(
        copy.join("crates/salesflow/tests/drill_new_field.rs"),
        NEW_FIELD_SDK_TEST,
    )
    .unwrap();
    std::fs::write(
        copy.join("crates/salesflow-cli/tests/drill_new_field.rs"),
        NEW_FIELD_CLI_TEST,
    )
    .unwrap();
    let sdk = cargo(
        copy,
        &["test", "-p", "salesflow", "--test", "drill_new_field"],
    );
    assert!(sdk.status.success(), "SDK layer:\n{}", text(&sdk));
    let cli = cargo(
        copy,
        &["test", "-p", "salesflow-cli", "--test", "drill_new_field"],
    );
    assert!(cli.status.success(), "CLI layer:\n{}", text(&cli));
}

const NEW_OPERATION: &str = r##"  /campaigns/pause:
    post:
      operationId: pauseCampaign
      tags: [campaigns]
      summary: PauseCampaign
      description: Pauses a campaign (a drill's operation, not the vendor's).
      parameters:
        - $ref: "#/components/parameters/campaignId"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/EmptyBody"
      responses:
        "200":
          $ref: "#/components/responses/StatusMessage"
        "403":
          $ref: "#/components/responses/Forbidden"
"##;

const NEW_OPERATION_SDK_TEST: &str = r#"
use salesflow::Client;
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_PAUSED, DEMO_TOKEN};

#[tokio::test]
async fn the_new_operation_is_a_generated_method() {
    let mock = MockServer::start_with(Seed::Demo).await.unwrap();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let answer = client.pause_campaign(DEMO_CAMPAIGN_PAUSED).await.unwrap();
    assert!(answer.status < 400);
    let op = salesflow::Operation::PauseCampaign;
    assert_eq!(op.path(), "/campaigns/pause");
    assert!(salesflow::Operation::ALL.contains(&op));
}
"#;

#[test]
fn drill_a_new_operation_is_named_by_the_compiler_then_by_the_snapshot_test() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let copy = copy_workspace();
    let copy = copy.path();
    edit(&copy.join("spec/salesflow.yaml"), "paths:\n", NEW_OPERATION);
    regenerate(copy);

    // Checks the whole workspace and returns the files the compiler names in errors.
    let check_errors = || {
        let check = cargo(
            copy,
            &[
                "check",
                "--workspace",
                "--all-targets",
                "--keep-going",
                "--message-format=short",
            ],
        );
        let output = text(&check);
        (check.status.success(), files_with_errors(&output), output)
    };
    let only = |file: &str| BTreeSet::from([file.to_owned()]);

    // 1. The mock's handler match is named (the CLI, which depends on the mock, is checked
    //    once the mock compiles); the generated layers compile.
    let (ok, files, output) = check_errors();
    assert!(!ok, "a new operation compiled unnoticed");
    assert_eq!(
        files,
        only("crates/salesflow-mock/src/api.rs"),
        "compiler output:\n{output}"
    );
    assert!(output.contains("PauseCampaign"), "{output}");

    // 2. One arm in the mock (StartCampaign's handler answers a StatusMessage too): now the
    //    CLI's table of commands is named, and nothing else.
    let mock_api = copy.join("crates/salesflow-mock/src/api.rs");
    let mock_text = std::fs::read_to_string(&mock_api).unwrap();
    let arm = mock_text
        .lines()
        .find(|l| l.trim_start().starts_with("Operation::StartCampaign =>"))
        .expect("the mock's match has a StartCampaign arm")
        .to_owned();
    edit(
        &mock_api,
        &format!("{arm}\n"),
        &format!("{}\n", arm.replacen("StartCampaign", "PauseCampaign", 1)),
    );
    let (ok, files, output) = check_errors();
    assert!(!ok, "the CLI compiled without naming the new operation");
    assert_eq!(
        files,
        only("crates/salesflow-cli/src/cli.rs"),
        "compiler output:\n{output}"
    );
    assert!(output.contains("PauseCampaign"), "{output}");

    // 3. One line in the CLI (no command of its own: `salesflow call pauseCampaign` reaches
    //    it): everything compiles.
    edit(
        &copy.join("crates/salesflow-cli/src/cli.rs"),
        "Operation::StartCampaign => &[\"campaigns\", \"start\"],\n",
        "        Operation::PauseCampaign => return None,\n",
    );
    std::fs::write(
        copy.join("crates/salesflow/tests/drill_new_operation.rs"),
        NEW_OPERATION_SDK_TEST,
    )
    .unwrap();
    let check = cargo(copy, &["check", "--workspace", "--all-targets"]);
    assert!(check.status.success(), "{}", text(&check));

    // 4. The generated method works against the mock.
    let sdk = cargo(
        copy,
        &["test", "-p", "salesflow", "--test", "drill_new_operation"],
    );
    assert!(sdk.status.success(), "{}", text(&sdk));

    // 5. The snapshot test names the operation that has no snapshot.
    let snapshots = cargo(
        copy,
        &[
            "test",
            "-p",
            "salesflow-tests",
            "--test",
            "snapshots",
            "every_operation",
        ],
    );
    let output = text(&snapshots);
    assert!(!snapshots.status.success(), "{output}");
    assert!(output.contains("pauseCampaign"), "{output}");
}
