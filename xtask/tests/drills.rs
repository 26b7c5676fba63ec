//! The drills of "a vendor release is a spec edit", run on a scratch copy of the workspace:
//! four of the vendor's changes, each carried through as a maintainer would (edit the spec,
//! `cargo xtask codegen`, then only what the compiler names), each checked through every layer
//! (the SDK's value, the mock's round trip, the CLI's flag and `-o json`, the snapshots), and
//! each measuring its hand edits (files, lines added and removed; printed, and the files
//! checked), which the README's "When the vendor changes the API" lists.
//!
//! 1. **New fields** (`drill_new_fields_are_the_spec_alone`): a new optional response field on
//!    contacts (`Tags`, an array of strings, with an example) and a new optional request field
//!    of UpdateContact (`notes`, at most 500 characters) that the contact also has (`Notes`).
//!    The spec is the only edit.
//! 2. **A new operation** (`drill_a_new_operation_is_the_spec_and_one_mock_handler`):
//!    `listContactsByAccountId`. The compiler names the mock's handler `match` and nothing
//!    else; one arm and one handler body later, the SDK method, the CLI command and the
//!    snapshot test (which names its missing snapshots) follow.
//! 3. **A removed field** (`drill_a_removed_field_is_the_spec_and_what_the_compiler_names`):
//!    `Campaign.LastModifiedAt`. The compiler names the mock's world, then the CLI's table
//!    column, and nothing else; one test that pinned the column follows.
//!
//! (The fifth change of the issue, a new webhook event, is `drill_event.rs`'s.)
//!
//! The drills share one scratch copy (`$CARGO_TARGET_DIR/drills-scratch`, the files git tracks
//! or would track, with their modification times, so that cargo reuses what did not change)
//! and one target directory (`$CARGO_TARGET_DIR/drills`, seeded with hard links to this
//! workspace's dependencies: `scratch/mod.rs`), one drill at a time: each adds its change to what the
//! previous ones left, and leaves the copy building. A drill that fails leaves it unusable,
//! and the next starts from a fresh copy.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use xtask::codegen::{self, Mode};

mod scratch;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives under the workspace root")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// A fresh copy of the workspace's files (tracked, or untracked and not ignored) at `dir`,
/// each with its modification time.
fn copy_workspace(dir: &Path) {
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
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("remove the previous scratch copy");
    }
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).expect("UTF-8 file names");
        let from = root.join(name);
        if !from.is_file() {
            continue; // deleted but still in the index
        }
        let to = dir.join(name);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(&from, &to).expect("copy");
        let modified = std::fs::metadata(&from)
            .and_then(|m| m.modified())
            .expect("a modification time");
        std::fs::File::options()
            .write(true)
            .open(&to)
            .and_then(|f| f.set_modified(modified))
            .expect("set the modification time");
    }
}

/// The scratch copy, and whether the last drill left it building.
struct Scratch {
    dir: PathBuf,
    clean: bool,
}

static SCRATCH: Mutex<Option<Scratch>> = Mutex::new(None);

/// Runs `drill` on the shared scratch copy, one drill at a time.
fn on_scratch(drill: impl FnOnce(&Path)) {
    let mut guard = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
    if !guard.as_ref().is_some_and(|s| s.clean) {
        let dir = target_dir().join("drills-scratch");
        copy_workspace(&dir);
        *guard = Some(Scratch { dir, clean: false });
    }
    let scratch = guard.as_mut().expect("a scratch copy");
    scratch.clean = false;
    drill(&scratch.dir);
    scratch.clean = true;
}

/// The hand edits of one drill: lines added and removed, by file.
#[derive(Default)]
struct HandEdits {
    files: BTreeMap<String, (usize, usize)>,
}

impl HandEdits {
    /// Replaces the first `old` of `file` (relative to `copy`) with `new`, and counts it.
    fn replace(&mut self, copy: &Path, file: &str, old: &str, new: &str) {
        let path = copy.join(file);
        let before = std::fs::read_to_string(&path).expect("readable");
        assert!(
            before.contains(old),
            "{file}: `{old}` not found (the drill is stale)"
        );
        let after = before.replacen(old, new, 1);
        std::fs::write(&path, &after).expect("writable");
        let diff = similar::TextDiff::from_lines(&before, &after);
        let (mut added, mut removed) = (0, 0);
        for change in diff.iter_all_changes() {
            match change.tag() {
                similar::ChangeTag::Insert => added += 1,
                similar::ChangeTag::Delete => removed += 1,
                similar::ChangeTag::Equal => {}
            }
        }
        let entry = self.files.entry(file.to_owned()).or_default();
        entry.0 += added;
        entry.1 += removed;
    }

    /// Inserts `text` after the first `anchor` of `file`.
    fn insert_after(&mut self, copy: &Path, file: &str, anchor: &str, text: &str) {
        self.replace(copy, file, anchor, &format!("{anchor}{text}"));
    }

    /// Prints the edits as a line of the README's table, and returns the files edited.
    fn report(&self, drill: &str) -> BTreeSet<String> {
        let (added, removed) = self
            .files
            .values()
            .fold((0, 0), |(a, r), (fa, fr)| (a + fa, r + fr));
        let files: Vec<String> = self
            .files
            .iter()
            .map(|(f, (a, r))| format!("{f} (+{a}/-{r})"))
            .collect();
        println!(
            "DRILL {drill}: {} hand-edited file(s), +{added}/-{removed} lines: {}",
            self.files.len(),
            files.join(", ")
        );
        self.files.keys().cloned().collect()
    }
}

fn set(files: &[&str]) -> BTreeSet<String> {
    files.iter().map(|f| (*f).to_owned()).collect()
}

fn regenerate(copy: &Path) {
    let report = codegen::run(&copy.join("spec/salesflow.yaml"), copy, Mode::Write)
        .expect("the edited spec generates");
    assert!(
        !report.written.is_empty(),
        "the spec edit changed no generated file"
    );
}

/// Runs cargo in the copy, with the drills' target directory.
fn cargo(copy: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .arg("--offline")
        .env("CARGO_TARGET_DIR", scratch::drills_target(&root()))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .envs(envs.iter().copied())
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

/// Checks the whole workspace; returns whether it compiles, the files the compiler names in
/// errors, and its output.
fn check(copy: &Path) -> (bool, BTreeSet<String>, String) {
    let out = cargo(
        copy,
        &[
            "check",
            "--workspace",
            "--all-targets",
            "--keep-going",
            "--message-format=short",
        ],
        &[],
    );
    let output = text(&out);
    (out.status.success(), files_with_errors(&output), output)
}

/// Writes the drill's probe (a test of the CLI crate, which reaches the SDK, the mock and the
/// built binary) and runs it.
fn probe(copy: &Path, name: &str, source: &str) {
    std::fs::write(
        copy.join(format!("crates/salesflow-cli/tests/{name}.rs")),
        source,
    )
    .expect("write the probe");
    let out = cargo(copy, &["test", "--workspace", "--test", name], &[]);
    assert!(out.status.success(), "{name}:\n{}", text(&out));
}

/// Runs the snapshot test as CI does: it must fail naming each of `named`; then accepts the
/// new snapshots (the review step) and runs it again, which must pass.
fn snapshots_name(copy: &Path, named: &[&str]) {
    let args = ["test", "--workspace", "--test", "snapshots"];
    let out = cargo(copy, &args, &[("INSTA_UPDATE", "no"), ("CI", "true")]);
    let output = text(&out);
    assert!(
        !out.status.success(),
        "the snapshots did not notice:\n{output}"
    );
    for name in named {
        assert!(output.contains(name), "`{name}` not named:\n{output}");
    }
    let out = cargo(copy, &args, &[("INSTA_UPDATE", "always"), ("CI", "")]);
    assert!(out.status.success(), "{}", text(&out));
    let out = cargo(copy, &args, &[("INSTA_UPDATE", "no"), ("CI", "true")]);
    assert!(out.status.success(), "{}", text(&out));
}

const SPEC: &str = "spec/salesflow.yaml";
const MOCK_API: &str = "crates/salesflow-mock/src/api.rs";
const MOCK_WORLD: &str = "crates/salesflow-mock/src/world.rs";
const CLI_OUTPUT: &str = "crates/salesflow-cli/src/output.rs";
const CLI_COMMANDS_TEST: &str = "crates/salesflow-cli/tests/commands.rs";

// ---------------------------------------------------------------------------------------
// 1. New fields: the spec alone
// ---------------------------------------------------------------------------------------

const NEW_FIELDS_PROBE: &str = r#"
mod common;

use common::{salesflow, Mock};
use salesflow::Client;
use salesflow_mock::{DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_JOHN, DEMO_TOKEN};
use serde_json::{json, Value};

fn client(mock: &Mock) -> Client {
    Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.server.base_url())
        .build()
        .unwrap()
}

fn ok_json(out: std::process::Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_new_response_field_reaches_every_layer() {
    let mock = Mock::start();
    let client = client(&mock);
    // The SDK: a generated field (not an unknown one), which the demo world fills from the
    // spec's example.
    let john = mock.rt.block_on(async { client.get_contact(DEMO_MEMBER_JOHN).await }).unwrap();
    assert_eq!(john.tags, Some(vec!["vip".to_owned(), "london".to_owned()]));
    assert!(!john.extra.contains_key("Tags"));
    assert_eq!(serde_json::to_value(&john).unwrap()["Tags"], json!(["vip", "london"]));
    // The mock stores and serves it: set it, read it back through another operation.
    let patch = json!({"Tags": ["a", "b"]}).as_object().unwrap().clone();
    mock.server.patch_member(DEMO_MEMBER_JOHN, patch).unwrap();
    let list = mock
        .rt
        .block_on(async { client.list_contacts_by_campaign(DEMO_CAMPAIGN_RUNNING).await })
        .unwrap();
    let john = list.iter().find(|c| c.member_id == DEMO_MEMBER_JOHN).unwrap();
    assert_eq!(john.tags, Some(vec!["a".to_owned(), "b".to_owned()]));
    // The CLI's -o json, against this mock and with --mock's demo data.
    let out = mock.cli().args(["contacts", "get", "46875434"]).output().unwrap();
    assert_eq!(ok_json(out)["Tags"], json!(["a", "b"]));
    let out = salesflow()
        .args(["--mock", "-o", "json", "contacts", "get", "46875434"])
        .output()
        .unwrap();
    assert_eq!(ok_json(out)["Tags"], json!(["vip", "london"]));
}

#[test]
fn a_new_request_field_round_trips_and_is_a_flag() {
    let mock = Mock::start();
    let client = client(&mock);
    // The SDK sends it; the mock receives it through the generated type and stores it on the
    // contact; the SDK reads it back, from the answer and from another operation.
    let updated = mock
        .rt
        .block_on(async { client.update_contact(DEMO_MEMBER_JOHN).notes("met at the fair").await })
        .unwrap();
    assert_eq!(updated.notes.as_deref(), Some("met at the fair"));
    let sent = mock.server.requests().pop().unwrap();
    assert_eq!(sent.body.unwrap()["notes"], "met at the fair");
    let john = mock.rt.block_on(async { client.get_contact(DEMO_MEMBER_JOHN).await }).unwrap();
    assert_eq!(john.notes.as_deref(), Some("met at the fair"));
    // The spec's maxLength is checked before anything is sent.
    let before = mock.server.requests().len();
    let err = mock
        .rt
        .block_on(async { client.update_contact(DEMO_MEMBER_JOHN).notes("x".repeat(501)).await })
        .unwrap_err();
    assert!(matches!(err, salesflow::Error::Validation(_)), "{err}");
    assert!(err.to_string().contains("notes"), "{err}");
    assert_eq!(mock.server.requests().len(), before);
    // The CLI: a flag, with the spec's description and limit, and its -o json.
    let out = mock
        .cli()
        .args(["contacts", "update", "46875434", "--notes", "call back"])
        .output()
        .unwrap();
    assert_eq!(ok_json(out)["Notes"], "call back");
    let out = mock.cli().args(["contacts", "get", "46875434"]).output().unwrap();
    assert_eq!(ok_json(out)["Notes"], "call back");
    let out = salesflow().args(["contacts", "update", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--notes") && help.contains("at most 500 characters"), "{help}");
}
"#;

#[test]
fn drill_new_fields_are_the_spec_alone() {
    on_scratch(|copy| {
        // A new optional response field (with an example, which --mock's demo data shows).
        let mut tags = HandEdits::default();
        tags.insert_after(
            copy,
            SPEC,
            "        MemberUrl: { type: string, nullable: true, description: \"Since API 1.8: the LinkedIn profile URL.\" }\n",
            "        Tags: { type: array, nullable: true, items: { type: string }, description: \"The contact's tags.\", example: [vip, london] }\n",
        );
        // A new optional request field of UpdateContact, which the contact also has.
        let mut notes = HandEdits::default();
        notes.insert_after(
            copy,
            SPEC,
            "        MemberUrl: { type: string, nullable: true, description: \"Since API 1.8: the LinkedIn profile URL.\" }\n",
            "        Notes: { type: string, nullable: true, description: \"Notes about the contact.\" }\n",
        );
        notes.insert_after(
            copy,
            SPEC,
            "        phone: { type: string, maxLength: 1023, description: Phone number. }\n",
            "        notes: { type: string, maxLength: 500, description: Notes about the contact. }\n",
        );
        regenerate(copy);
        assert_eq!(tags.report("new response field"), set(&[SPEC]));
        assert_eq!(notes.report("new request field"), set(&[SPEC]));

        probe(copy, "drill_new_fields", NEW_FIELDS_PROBE);
        // The demo world now shows the new field: the snapshots name what changed.
        snapshots_name(copy, &["example__getContact", "getContact__response"]);
    });
}

// ---------------------------------------------------------------------------------------
// 2. A new operation: the spec and one mock handler
// ---------------------------------------------------------------------------------------

const NEW_OPERATION: &str = r##"  /members/list-by-account:
    get:
      operationId: listContactsByAccountId
      tags: [members]
      summary: ListContacts (by accountId)
      description: Lists the contacts (campaign members) of every campaign of the account.
      parameters:
        - $ref: "#/components/parameters/updatedFromDate"
      responses:
        "200":
          description: The account's contacts.
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: "#/components/schemas/Contact"
              example:
                - MemberId: 46875434
                  FirstName: John
                  LastName: Doe
        "403":
          $ref: "#/components/responses/Forbidden"
"##;

const NEW_HANDLER: &str = r#"
async fn list_contacts_by_account_id(
    State(state): State<MockState>,
    req: Request<params::ListContactsByAccountId>,
) -> ApiResult {
    let account = req.account();
    let since = req.params.updated_from_date.map(|d| d.to_utc());
    state.with_world(|w| {
        let items: Vec<Contact> = w
            .members()
            .filter(|m| m.account_id == account && m.changed_since(since))
            .map(contact)
            .collect();
        ok(items)
    })
}
"#;

const NEW_OPERATION_PROBE: &str = r#"
mod common;

use common::{salesflow, Mock};
use salesflow::{Client, Operation};
use salesflow_mock::{DEMO_ACCOUNT_ID, DEMO_TOKEN};
use serde_json::Value;

fn ok_json(out: std::process::Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_new_operation_reaches_every_layer() {
    let op = Operation::ListContactsByAccountId;
    assert!(Operation::ALL.contains(&op));
    assert_eq!(op.path(), "/members/list-by-account");
    assert!(!op.changes_state());
    // The SDK's generated method, against the mock's handler.
    let mock = Mock::start();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.server.base_url())
        .build()
        .unwrap();
    let all = mock.rt.block_on(async { client.list_contacts_by_account_id().await }).unwrap();
    assert_eq!(all.len(), 5, "{all:?}");
    assert_eq!(mock.server.requests()[0].operation, Some(op));
    // The CLI: a command of its own, with the parameter's flag, and -o json.
    let out = mock
        .cli()
        .args(["contacts", "list-contacts-by-account-id"])
        .output()
        .unwrap();
    assert_eq!(ok_json(out).as_array().unwrap().len(), 5);
    let out = mock
        .cli()
        .args(["contacts", "list-contacts-by-account-id", "--updated-from", "2999-01-01"])
        .output()
        .unwrap();
    assert_eq!(ok_json(out).as_array().unwrap().len(), 0);
    let out = salesflow().args(["-o", "json", "call", "--list"]).output().unwrap();
    let listed = ok_json(out);
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["operation"] == "listContactsByAccountId")
        .unwrap();
    assert_eq!(entry["command"], "salesflow contacts list-contacts-by-account-id");
}
"#;

#[test]
fn drill_a_new_operation_is_the_spec_and_one_mock_handler() {
    on_scratch(|copy| {
        let mut edits = HandEdits::default();
        edits.insert_after(copy, SPEC, "paths:\n", NEW_OPERATION);
        regenerate(copy);

        // The compiler names the mock's handler match, and nothing else: the SDK, the CLI
        // and the tests follow from the spec.
        let (ok, files, output) = check(copy);
        assert!(!ok, "a new operation compiled unnoticed");
        assert_eq!(files, set(&[MOCK_API]), "compiler output:\n{output}");
        assert!(output.contains("ListContactsByAccountId"), "{output}");

        // One arm and one handler body.
        let api = std::fs::read_to_string(copy.join(MOCK_API)).unwrap();
        let arm = api
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with("Operation::ListContactsByCampaign =>")
            })
            .expect("the mock's match has a ListContactsByCampaign arm")
            .to_owned();
        let indent = &arm[..arm.len() - arm.trim_start().len()];
        edits.insert_after(
            copy,
            MOCK_API,
            &format!("{arm}\n"),
            &format!(
                "{indent}Operation::ListContactsByAccountId => on(filter, list_contacts_by_account_id),\n"
            ),
        );
        edits.replace(
            copy,
            MOCK_API,
            "\nasync fn list_contacts_by_campaign(",
            &format!("{NEW_HANDLER}\nasync fn list_contacts_by_campaign("),
        );
        let (ok, _, output) = check(copy);
        assert!(ok, "{output}");
        assert_eq!(edits.report("new operation"), set(&[SPEC, MOCK_API]));

        probe(copy, "drill_new_operation", NEW_OPERATION_PROBE);
        // The snapshot tests name the operation's missing snapshots.
        snapshots_name(
            copy,
            &[
                "example__listContactsByAccountId",
                "reference__listContactsByAccountId",
            ],
        );
    });
}

// ---------------------------------------------------------------------------------------
// 3. A removed field: the spec and what the compiler names
// ---------------------------------------------------------------------------------------

const REMOVED_FIELD_PROBE: &str = r#"
mod common;

use common::{salesflow, Mock};
use salesflow::Client;
use salesflow_mock::{DEMO_ACCOUNT_ID, DEMO_TOKEN};
use serde_json::Value;

fn ok_json(out: std::process::Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_removed_field_is_gone_from_every_layer() {
    let mock = Mock::start();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.server.base_url())
        .build()
        .unwrap();
    // The SDK's type has no such field, and the mock no longer serves it: nothing lands in
    // `extra` either.
    let campaigns = mock.rt.block_on(async { client.list_campaigns().await }).unwrap();
    assert!(!campaigns.is_empty());
    for c in &campaigns {
        assert!(c.extra.is_empty(), "{:?}", c.extra);
        assert!(serde_json::to_value(c).unwrap().get("LastModifiedAt").is_none());
    }
    // The mock still filters by when a campaign changed.
    let out = mock
        .cli()
        .args(["campaigns", "list", "--updated-from", "2999-01-01"])
        .output()
        .unwrap();
    assert_eq!(ok_json(out).as_array().unwrap().len(), 0);
    // The CLI: no such key in -o json, no such column in the table.
    let out = salesflow().args(["--mock", "-o", "json", "campaigns", "list"]).output().unwrap();
    let list = ok_json(out);
    assert!(list.as_array().unwrap().iter().all(|c| c.get("LastModifiedAt").is_none()));
    let out = salesflow().args(["--mock", "-o", "table", "campaigns", "list"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!table.contains("LAST MODIFIED"), "{table}");
    assert!(table.lines().next().unwrap().contains("STATUS"), "{table}");
}
"#;

#[test]
fn drill_a_removed_field_is_the_spec_and_what_the_compiler_names() {
    on_scratch(|copy| {
        let mut edits = HandEdits::default();
        edits.replace(
            copy,
            SPEC,
            "        Status:\n          $ref: \"#/components/schemas/CampaignStatus\"\n        LastModifiedAt:\n          $ref: \"#/components/schemas/FlexibleDate\"\n",
            "        Status:\n          $ref: \"#/components/schemas/CampaignStatus\"\n",
        );
        regenerate(copy);

        // The compiler names the mock's world, which set it (the CLI, which depends on the
        // mock, is checked once the mock compiles)...
        let (ok, files, output) = check(copy);
        assert!(!ok, "a removed field compiled unnoticed");
        assert_eq!(files, set(&[MOCK_WORLD]), "compiler output:\n{output}");
        edits.replace(
            copy,
            MOCK_WORLD,
            "        self.campaign.last_modified_at = Some(now.into());\n",
            "",
        );
        // ...then the CLI's table column, and nothing else.
        let (ok, files, output) = check(copy);
        assert!(!ok, "the CLI compiled without naming the removed field");
        assert_eq!(files, set(&[CLI_OUTPUT]), "compiler output:\n{output}");
        edits.replace(
            copy,
            CLI_OUTPUT,
            "[\"ID\", \"NAME\", \"STATUS\", \"LAST MODIFIED\"]",
            "[\"ID\", \"NAME\", \"STATUS\"]",
        );
        edits.replace(
            copy,
            CLI_OUTPUT,
            "            opt(&c.last_modified_at),\n",
            "",
        );
        let (ok, _, output) = check(copy);
        assert!(ok, "{output}");
        assert_eq!(
            edits.report("removed response field"),
            set(&[SPEC, MOCK_WORLD, CLI_OUTPUT])
        );

        // A test that pinned the column (not product code: counted apart).
        let mut tests = HandEdits::default();
        tests.replace(
            copy,
            CLI_COMMANDS_TEST,
            "[\"ID\", \"NAME\", \"STATUS\", \"LAST MODIFIED\"]",
            "[\"ID\", \"NAME\", \"STATUS\"]",
        );
        tests.report("removed response field, tests");
        let out = cargo(
            copy,
            &[
                "test",
                "--workspace",
                "--test",
                "commands",
                "table_output_has_aligned_columns",
            ],
            &[],
        );
        assert!(out.status.success(), "{}", text(&out));

        probe(copy, "drill_removed_field", REMOVED_FIELD_PROBE);
        snapshots_name(
            copy,
            &["listCampaigns__response", "reference__listCampaigns"],
        );
    });
}
