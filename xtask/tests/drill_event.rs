//! The drill of a new webhook event, run on a scratch copy of the workspace: the vendor
//! publishes event 8, `FOLLOWUP`, whose payload names itself `INTEGRATION_RUN_ON_FOLLOWUP` and
//! carries a new field, `FollowupNumber`. The change is made **in the spec alone**, then
//! `cargo xtask codegen` runs in the copy, and the new event is checked through every layer:
//!
//! - `salesflow-webhook-types`: `RunOn::Followup` (code, name, payload name), a receiver decodes
//!   the payload with `FollowupNumber` typed (not in `extra`), and `event()` names it;
//! - the mock simulates it: a webhook attached for runOn 8 receives the payload with the new
//!   payload name;
//! - the CLI: `webhooks attach --run-on followup` sends runOn 8, the event names and
//!   `webhooks listen --mock` (its spec-driven tests, run in the copy) know it;
//! - a receiver URL attached *before* (when 8 was unknown: its segment is read from the copy
//!   before the edit) still reaches the receiver, now as `FOLLOWUP`.
//!
//! Then it counts the hand edits: every file of the copy that differs from this workspace must
//! be the spec or a file `cargo xtask codegen` writes. The goal and the result: zero (the spec
//! only). Before this drill existed the same change took about ten hand-edited places (issue
//! #20).
//!
//! Like `drills.rs`, it copies the workspace's files (those git tracks or would track) to a
//! temporary directory and runs cargo there with a target directory of its own,
//! `<target>/drills` (seeded with hard links to this workspace's dependencies:
//! `scratch/mod.rs`).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{copy_of_the_workspace, replace_once, run_ok, workspace_files};

/// Read in the copy before the edit: what a URL attached for code 8 ends with while 8 is
/// unknown.
const BEFORE_TEST: &str = r#"
use salesflow_webhook_types::RunOn;

#[test]
fn code_8_before_the_edit() {
    let run_on = RunOn::from(8);
    assert!(run_on.is_unknown(), "8 is already known: the drill needs an unknown code");
    println!("SEGMENT={}", run_on.path_segment());
}
"#;

/// The receiver's side, in `salesflow-webhook-types`.
const TYPES_TEST: &str = r##"
use salesflow_webhook_types::{RunOn, WebhookPayload};

#[test]
fn the_new_event_and_its_payload_field_are_typed() {
    let event = RunOn::Followup;
    assert_eq!(event.code(), 8);
    assert_eq!(RunOn::from(8), event);
    assert_eq!(event.name(), Some("FOLLOWUP"));
    assert_eq!(event.payload_name(), Some("INTEGRATION_RUN_ON_FOLLOWUP"));
    assert!(RunOn::KNOWN.contains(&event));
    assert_eq!(RunOn::from_any_name("followup"), Some(event));

    let body = br#"{"IntegrationRunOn": "INTEGRATION_RUN_ON_FOLLOWUP", "MemberId": 7, "FollowupNumber": 3}"#;
    let payload = WebhookPayload::from_slice(body).unwrap();
    let number: Option<i32> = payload.followup_number;
    assert_eq!(number, Some(3));
    assert!(payload.extra.is_empty(), "a generated field, not an unknown one: {:?}", payload.extra);
    assert_eq!(payload.event(), Some(event));
    assert_eq!(serde_json::to_value(&payload).unwrap()["FollowupNumber"], 3);
    // An odd value of the new field fails only itself.
    let odd = WebhookPayload::from_slice(br#"{"FollowupNumber": {"n": 3}, "MemberId": 7}"#).unwrap();
    assert_eq!(odd.followup_number, None);
    assert_eq!(odd.member_id, Some(7));
}
"##;

/// The mock, the SDK and the CLI, in `salesflow-cli`'s tests (its dev-dependencies have them
/// all). `SEGMENT_BEFORE` is replaced by the segment read before the edit.
const LAYERS_TEST: &str = r#"
mod common;

use salesflow::RunOn;
use salesflow_mock::{DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_JOHN, DEMO_TOKEN};
use salesflow_webhook_types::WebhookPayload;

const SECRET: &str = "drill-secret-0123456789";

#[test]
fn the_new_event_goes_through_the_mock_the_sdk_the_cli_and_a_url_attached_before() {
    let mock = common::Mock::start();
    let client = salesflow::Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.server.base_url())
        .build()
        .unwrap();

    // The CLI's receiver, as `webhooks listen` serves it.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(RunOn, WebhookPayload)>(8);
    let listener = mock.rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    mock.rt.spawn(async move {
        axum::serve(listener, salesflow_cli::listen::router(SECRET, tx)).await
    });

    // A URL attached when 8 was unknown (its segment then), attached through the SDK.
    let before = format!("http://{addr}/salesflow/{SECRET}/SEGMENT_BEFORE");
    let hook = mock
        .rt
        .block_on(async { client.create_webhook("before", &before).await })
        .unwrap();
    let attached = mock
        .rt
        .block_on(async {
            client
                .attach_webhook(hook.webhook_id, DEMO_CAMPAIGN_RUNNING, RunOn::Followup)
                .await
        })
        .unwrap();
    assert_eq!(attached.run_on, RunOn::Followup);

    // The mock simulates the new event; the receiver gets it as FOLLOWUP, at the old URL.
    let outcome = mock
        .rt
        .block_on(mock.server.simulate_event(DEMO_MEMBER_JOHN, RunOn::Followup))
        .unwrap();
    let ours = outcome.deliveries.iter().find(|d| d.url == before).expect("delivered");
    assert_eq!(ours.status, Some(204), "{ours:?}");
    let (event, payload) = rx.try_recv().expect("the receiver got the event");
    assert_eq!(event, RunOn::Followup);
    assert_eq!(payload.integration_run_on.as_deref(), Some("INTEGRATION_RUN_ON_FOLLOWUP"));
    assert_eq!(payload.event(), Some(RunOn::Followup));
    assert_eq!(payload.member_id, Some(DEMO_MEMBER_JOHN.get()));

    // The CLI's event names: `--run-on followup` sends 8.
    assert_eq!(salesflow_cli::cli::parse_run_on("followup"), Ok(RunOn::Followup));
    assert_eq!(salesflow_cli::cli::parse_run_on("FOLLOWUP"), Ok(RunOn::Followup));
    let hook = mock
        .rt
        .block_on(async { client.create_webhook("cli", "https://example.com/x").await })
        .unwrap();
    let out = mock
        .cli()
        .args([
            "webhooks",
            "attach",
            &hook.webhook_id.to_string(),
            "--campaign",
            &DEMO_CAMPAIGN_RUNNING.to_string(),
            "--run-on",
            "followup",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["RunOn"], 8, "{json}");
}
"#;

/// The files `cargo xtask codegen` writes (they are never hand edits).
fn generated_files(copy: &Path) -> BTreeSet<String> {
    let spec = std::fs::read_to_string(copy.join("spec/salesflow.yaml")).unwrap();
    let mut files: BTreeSet<String> = xtask::codegen::generate(&spec)
        .expect("the edited spec generates")
        .into_iter()
        .map(|a| a.path.to_owned())
        .collect();
    files.insert(xtask::codegen::PAYLOAD_SCHEMA_PATH.to_owned());
    files
}

#[test]
fn drill_a_new_event_is_a_spec_edit_and_reaches_every_layer() {
    let files = workspace_files();
    let dir = copy_of_the_workspace("salesflow-drill-event-", &files);
    let copy = dir.path();
    // What the copy holds before the edit, to tell afterwards what changed.
    let originals: std::collections::BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|f| (f.clone(), std::fs::read(copy.join(f)).expect("copied")))
        .collect();
    let segment = segment_before_the_edit(copy);
    add_event_8_to_the_spec(copy);

    // 2. Regenerate, as the README says.
    run_ok(copy, "cargo xtask codegen", &["xtask", "codegen"]);
    run_ok(
        copy,
        "cargo xtask codegen --check",
        &["xtask", "codegen", "--check"],
    );

    only_the_spec_is_edited_by_hand(copy, &originals);
    every_layer_knows_event_8(copy, &segment);
}

/// 0. Before the edit: the segment of a URL attached for code 8.
fn segment_before_the_edit(copy: &Path) -> String {
    let before_test = "crates/salesflow-webhook-types/tests/drill_event_before.rs";
    std::fs::write(copy.join(before_test), BEFORE_TEST).unwrap();
    let out = run_ok(
        copy,
        "before the edit",
        &[
            "test",
            "--workspace",
            "--test",
            "drill_event_before",
            "--",
            "--nocapture",
        ],
    );
    let segment = out
        .lines()
        .find_map(|l| l.strip_prefix("SEGMENT="))
        .expect("the before test prints the segment")
        .trim()
        .to_owned();
    std::fs::remove_file(copy.join(before_test)).unwrap();
    segment
}

/// 1. The vendor's release, in the spec alone: event 8 and its payload field.
fn add_event_8_to_the_spec(copy: &Path) {
    let spec = SPEC;
    replace_once(
        copy,
        spec,
        "        - enum: [1, 2, 7]\n",
        "        - enum: [1, 2, 7, 8]\n",
    );
    replace_once(
        copy,
        spec,
        "          aliases: [withdrawn]\n",
        "          aliases: [withdrawn]\n        \"8\":\n          name: FOLLOWUP\n          description: A follow-up message was sent to the member.\n          payload-name: INTEGRATION_RUN_ON_FOLLOWUP\n",
    );
    replace_once(
        copy,
        spec,
        "        IsSalesNavigator: { type: boolean, nullable: true }\n",
        "        IsSalesNavigator: { type: boolean, nullable: true }\n        FollowupNumber: { type: integer, format: int32, nullable: true, description: Which follow-up was sent. }\n",
    );
}

/// 3. The hand edits: every changed file is the spec or a generated one.
fn only_the_spec_is_edited_by_hand(
    copy: &Path,
    originals: &std::collections::BTreeMap<String, Vec<u8>>,
) {
    let generated = generated_files(copy);
    let changed: BTreeSet<String> = originals
        .iter()
        .filter(|(f, original)| std::fs::read(copy.join(f)).ok().as_ref() != Some(*original))
        .map(|(f, _)| f.clone())
        .collect();
    let hand_edited: BTreeSet<&String> = changed.difference(&generated).collect();
    println!(
        "drill_event: changed files {changed:?}; hand-edited {} ({hand_edited:?})",
        hand_edited.len()
    );
    assert_eq!(
        hand_edited,
        BTreeSet::from([&SPEC.to_owned()]),
        "a new event must be a spec edit only"
    );
    assert!(
        changed.contains(xtask::codegen::ENUMS_PATH)
            && changed.contains(xtask::codegen::PAYLOAD_PATH),
        "{changed:?}"
    );
}

/// 4. Every layer, through tests written into the copy (scaffolding, not product code).
fn every_layer_knows_event_8(copy: &Path, segment: &str) {
    std::fs::write(
        copy.join("crates/salesflow-webhook-types/tests/drill_event_types.rs"),
        TYPES_TEST,
    )
    .unwrap();
    std::fs::write(
        copy.join("crates/salesflow-cli/tests/drill_event_layers.rs"),
        LAYERS_TEST.replace("SEGMENT_BEFORE", segment),
    )
    .unwrap();
    run_ok(
        copy,
        "the receiver's types",
        &["test", "--workspace", "--test", "drill_event_types"],
    );
    run_ok(
        copy,
        "mock, SDK, CLI and the URL attached before",
        &["test", "--workspace", "--test", "drill_event_layers"],
    );
    // The spec-driven tests of the layers, which loop over `RunOn::KNOWN`, now include 8:
    // the mock simulates every event, `webhooks listen --mock` attaches, simulates and prints
    // every one, the CLI parses every name.
    run_ok(
        copy,
        "the mock's events",
        &[
            "test",
            "--workspace",
            "--test",
            "control",
            "every_event_of_the_spec",
        ],
    );
    // `webhooks listen`, and the CLI's event names (`--run-on`), in one test target: a
    // `-p salesflow-cli` selection would build tokio, hyper, syn and the workspace's crates
    // again with other features (cargo unifies them over the packages a command selects).
    run_ok(
        copy,
        "webhooks listen and the CLI's event names",
        &["test", "--workspace", "--test", "listen"],
    );
    run_ok(
        copy,
        "the webhook types' own tests",
        &["test", "-p", "salesflow-webhook-types", "--all-features"],
    );
}

/// The spec, relative to the workspace root.
const SPEC: &str = "spec/salesflow.yaml";
