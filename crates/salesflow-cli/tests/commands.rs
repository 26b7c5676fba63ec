//! Every subcommand against the mock: JSON output, tables, exit codes, configuration, and the
//! token never printed.

mod common;

use common::{json, salesflow, stderr, stdout, Mock};
use predicates::prelude::*;
use salesflow::Operation;
use salesflow_mock::{DEMO_ACCOUNT_ID, DEMO_MEMBER_JOHN, DEMO_MEMBER_NICK, DEMO_TOKEN};

fn mock_json(args: &[&str]) -> std::process::Output {
    salesflow()
        .args(["--mock", "--output", "json"])
        .args(args)
        .output()
        .unwrap()
}

fn ok_json(args: &[&str]) -> serde_json::Value {
    let out = mock_json(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("note: using the in-process mock server"),
        "{}",
        stderr(&out)
    );
    json(&out)
}

#[test]
fn campaigns_list_stats_start() {
    let list = ok_json(&["campaigns", "list"]);
    let running = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["CampaignId"] == 29854)
        .expect("demo campaign 29854");
    assert_eq!(running["CampaignName"], "Sales");
    assert_eq!(running["Status"], "CAMPAIGN_RUNNING");

    let filtered = ok_json(&["campaigns", "list", "--updated-from", "2999-01-01"]);
    assert_eq!(filtered.as_array().unwrap().len(), 0);

    let stats = ok_json(&["campaigns", "stats", "29854", "--force"]);
    assert_eq!(stats["CampaignId"], 29854);
    assert_eq!(stats["Total"], 3);

    let started = ok_json(&["campaigns", "start", "29889"]);
    assert_eq!(started["Status"], 200);
    assert_eq!(started["Message"], "Campaign has been started.");
}

#[test]
fn starting_a_running_campaign_is_an_api_error_with_the_vendor_message() {
    let out = mock_json(&["campaigns", "start", "29854"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Campaign is already running."),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("Conflict"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    let out = mock_json(&["campaigns", "start", "29890"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Campaign has no members."));
}

#[test]
fn contacts_get_find_list_update_delete() {
    let john = ok_json(&["contacts", "get", "46875434"]);
    assert_eq!(john["FirstName"], "John");
    assert_eq!(john["CampaignName"], "Sales");
    assert_eq!(john["Status"], "MEMBER_INVITATION_SENT");

    let found = ok_json(&["contacts", "find", "nick-foo-300", "john-doe-100"]);
    let ids: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["PublicIdentifier"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["nick-foo-300", "john-doe-100"]);

    let list = ok_json(&["contacts", "list", "--campaign", "29854"]);
    assert_eq!(list.as_array().unwrap().len(), 3);
    // ListContacts by campaign serves no PublicIdentifier: the key is left out, not `null`
    // (fields without a value are no longer written as null).
    for c in list.as_array().unwrap() {
        assert!(c.get("PublicIdentifier").is_none(), "{c}");
    }
    assert_no_nulls(&list);
    let list = ok_json(&[
        "contacts",
        "list",
        "--campaign",
        "29854",
        "--updated-from",
        "2999-01-01T00:00:00Z",
    ]);
    assert_eq!(list.as_array().unwrap().len(), 0);

    let updated = ok_json(&[
        "contacts",
        "update",
        "46875434",
        "--email",
        "j.doe@example.org",
        "--first-name",
        "Johnny",
    ]);
    assert_eq!(updated["Email"], "j.doe@example.org");
    assert_eq!(updated["FirstName"], "Johnny");

    let deleted = ok_json(&["contacts", "delete", "46875434"]);
    assert!(deleted["Status"].as_i64().unwrap() < 400);
    // A success without a message: `{"Status": 204}`, no `"Message": null`.
    assert!(deleted.get("Message").is_none(), "{deleted}");
}

/// No `null` anywhere in `value`: fields without a value are left out of the JSON output.
fn assert_no_nulls(value: &serde_json::Value) {
    match value {
        serde_json::Value::Null => panic!("a null in the JSON output"),
        serde_json::Value::Array(items) => items.iter().for_each(assert_no_nulls),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                assert!(!v.is_null(), "`{k}` is null in {value}");
                assert_no_nulls(v);
            }
        }
        _ => {}
    }
}

#[test]
fn contacts_get_by_identifier() {
    let john = ok_json(&["contacts", "get-by-identifier", "john-doe-100"]);
    assert_eq!(john["MemberId"], DEMO_MEMBER_JOHN.get());
    assert_eq!(john["PublicIdentifier"], "john-doe-100");
    assert_eq!(john["FirstName"], "John");
    assert_no_nulls(&john);

    let mock = Mock::start();
    let out = mock
        .cli()
        .args(["contacts", "get-by-identifier", "nick-foo-300"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["MemberId"], DEMO_MEMBER_NICK.get());
    let request = &mock.server.requests()[0];
    assert_eq!(
        request.operation,
        Some(Operation::GetContactByPublicIdentifier)
    );
    assert!(
        request
            .query
            .as_deref()
            .unwrap()
            .contains("publicIdentifier=nick-foo-300"),
        "{request:?}"
    );

    // Unknown: the vendor's 404.
    let out = mock
        .cli()
        .args(["contacts", "get-by-identifier", "nobody-here-404"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("NotFound"), "{}", stderr(&out));
    // Blank: refused by the SDK's validation before any request.
    mock.server.clear_requests();
    let out = mock
        .cli()
        .args(["contacts", "get-by-identifier", " "])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("publicIdentifier"),
        "{}",
        stderr(&out)
    );
    assert!(mock.server.requests().is_empty());
}

#[test]
fn fields_the_sdk_does_not_know_reach_the_output() {
    let mock = Mock::start();
    let patch = serde_json::json!({"Nickname": "Jo", "Email": null});
    mock.server
        .patch_member(DEMO_MEMBER_JOHN, patch.as_object().cloned().unwrap())
        .unwrap();

    // `-o json` of a single record: the unknown field kept, the removed one absent.
    let out = mock
        .cli()
        .args(["contacts", "get", "46875434"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let john = json(&out);
    assert_eq!(john["Nickname"], "Jo");
    assert_eq!(john["FirstName"], "John");
    assert!(john.get("Email").is_none(), "{john}");

    // The same through the other reads of the member.
    for args in [
        vec!["contacts", "get-by-identifier", "john-doe-100"],
        vec!["call", "getContact", "memberId=46875434"],
    ] {
        let out = mock.cli().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(json(&out)["Nickname"], "Jo", "{args:?}");
    }
    let out = mock
        .cli()
        .args(["contacts", "find", "john-doe-100"])
        .output()
        .unwrap();
    assert_eq!(json(&out)[0]["Nickname"], "Jo");

    // The table of a single record lists it too (one row per field of the JSON).
    let out = mock
        .cli_as("table")
        .args(["contacts", "get", "46875434"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let row = text
        .lines()
        .find(|l| l.starts_with("Nickname "))
        .unwrap_or_else(|| panic!("no Nickname row:\n{text}"));
    assert_eq!(row.split_whitespace().nth(1), Some("Jo"), "{row}");
}

#[test]
fn unknown_member_is_an_api_error() {
    let out = mock_json(&["contacts", "get", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("NotFound"), "{}", stderr(&out));
}

#[test]
fn accounts_and_webhooks() {
    let accounts = ok_json(&["accounts", "list"]);
    assert!(accounts
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["AccountId"] == DEMO_ACCOUNT_ID.get() && a["Status"] == "ACCOUNT_ACTIVE"));

    let hooks = ok_json(&["webhooks", "list"]);
    let demo = &hooks.as_array().unwrap()[0];
    assert_eq!(demo["WebhookId"], 8984);
    assert_eq!(
        demo["AttachedWebhookCampaigns"][0]["WebhookCampaignId"],
        17745
    );
    assert_eq!(demo["AttachedWebhookCampaigns"][0]["RunOn"], 1);

    let created = ok_json(&[
        "webhooks",
        "create",
        "--name",
        "crm",
        "--url",
        "https://hooks.example.com/salesflow/abc",
        "--disable-for-muted",
    ]);
    assert!(created["WebhookId"].as_i64().unwrap() > 0);
    assert_eq!(created["DisableForMutedContacts"], true);

    let attached = ok_json(&[
        "webhooks",
        "attach",
        "8984",
        "--campaign",
        "29889",
        "--run-on",
        "reply",
    ]);
    assert_eq!(attached["CampaignId"], 29889);
    assert_eq!(attached["RunOn"], 2);

    let detached = ok_json(&["webhooks", "detach", "17745"]);
    assert!(detached["Status"].as_i64().unwrap() < 400);

    let deleted = ok_json(&["webhooks", "delete", "8984"]);
    assert!(deleted["Status"].as_i64().unwrap() < 400);
}

#[test]
fn webhook_lifecycle_keeps_state_across_commands() {
    let mock = Mock::start();
    let out = mock
        .cli()
        .args([
            "webhooks",
            "create",
            "--name",
            "n1",
            "--url",
            "https://example.com/h/1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = json(&out)["WebhookId"].as_i64().unwrap();

    let out = mock
        .cli()
        .args([
            "webhooks",
            "attach",
            &id.to_string(),
            "--campaign",
            "29854",
            "--run-on",
            "7",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let attachment = json(&out)["WebhookCampaignId"].as_i64().unwrap();
    assert_eq!(json(&out)["RunOn"], 7);

    let out = mock.cli().args(["webhooks", "list"]).output().unwrap();
    let list = json(&out);
    let hook = list
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["WebhookId"] == id)
        .expect("the new webhook is listed");
    assert_eq!(
        hook["AttachedWebhookCampaigns"][0]["WebhookCampaignId"],
        attachment
    );

    // Attaching again for the same event is a vendor conflict.
    let out = mock
        .cli()
        .args([
            "webhooks",
            "attach",
            &id.to_string(),
            "--campaign",
            "29854",
            "--run-on",
            "withdrawn",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    for args in [
        vec![
            "webhooks".to_owned(),
            "detach".into(),
            attachment.to_string(),
        ],
        vec!["webhooks".to_owned(), "delete".into(), id.to_string()],
    ] {
        let out = mock.cli().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    let ops: Vec<Operation> = mock
        .server
        .requests()
        .into_iter()
        .filter_map(|r| r.operation)
        .collect();
    assert_eq!(
        ops,
        [
            Operation::CreateWebhook,
            Operation::AttachWebhook,
            Operation::ListWebhooks,
            Operation::AttachWebhook,
            Operation::DetachWebhook,
            Operation::DeleteWebhook
        ]
    );
}

#[test]
fn stats_force_sends_is_force_request() {
    let mock = Mock::start();
    let out = mock
        .cli()
        .args(["campaigns", "stats", "29854", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let req = &mock.server.requests()[0];
    assert_eq!(req.operation, Some(Operation::GetCampaignStatistics));
    assert!(req
        .query
        .as_deref()
        .unwrap()
        .contains("isForceRequest=true"));
    assert!(req.query.as_deref().unwrap().contains("token=REDACTED"));
}

#[test]
fn contacts_find_batches_through_the_sdk() {
    let mock = Mock::start();
    let ids: Vec<String> = (0..45).map(|i| format!("nobody-{i}")).collect();
    let out = mock
        .cli()
        .args(["contacts", "find"])
        .args(&ids)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let batches = mock
        .server
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::ListContactsByPublicIdentifiers))
        .count();
    assert_eq!(batches, 3);
}

#[test]
fn table_output_has_aligned_columns() {
    let out = salesflow()
        .args(["--mock", "--output", "table", "campaigns", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    for col in ["ID", "NAME", "STATUS", "LAST MODIFIED"] {
        assert!(header.contains(col), "{header}");
    }
    let row = text.lines().find(|l| l.starts_with("29854")).unwrap();
    assert!(
        row.contains("Sales") && row.contains("CAMPAIGN_RUNNING"),
        "{row}"
    );
    // Aligned: the STATUS column starts at the same offset on every line.
    let at = header.find("STATUS").unwrap();
    assert_eq!(&row[at..at + "CAMPAIGN_".len()], "CAMPAIGN_");

    for (args, cols) in [
        (
            vec!["contacts", "list", "--campaign", "29854"],
            vec!["MEMBER ID", "NAME", "LOCATION"],
        ),
        (
            vec!["accounts", "list"],
            vec!["ACCOUNT ID", "EMAIL", "STATUS"],
        ),
        (
            vec!["webhooks", "list"],
            vec!["WEBHOOK ID", "URL", "ATTACHMENTS"],
        ),
        (
            vec!["campaigns", "stats", "29854"],
            vec!["FIELD", "VALUE", "Connections"],
        ),
    ] {
        let out = salesflow()
            .args(["--mock", "-o", "table"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = stdout(&out);
        for c in cols {
            assert!(text.contains(c), "{args:?}: {text}");
        }
    }

    // The contacts tables are a summary without a STATUS column (a Contact has no status).
    for args in [
        &["contacts", "list", "--campaign", "29854"][..],
        &["contacts", "find", "john-doe-100"],
    ] {
        let out = salesflow()
            .args(["--mock", "-o", "table"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let header: Vec<String> = stdout(&out)
            .lines()
            .next()
            .unwrap()
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        assert_eq!(
            header,
            ["MEMBER ID", "NAME", "PROFILE", "OCCUPATION", "LOCATION"],
            "{args:?}"
        );
    }

    // A single record (`contacts get`, now printed from its JSON field by field): one
    // FIELD/VALUE row per field of its `-o json`, in the same order, and nothing else.
    let record = ok_json(&["contacts", "get", "46875434"]);
    let out = salesflow()
        .args(["--mock", "-o", "table", "contacts", "get", "46875434"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap().split_whitespace().collect::<Vec<_>>(),
        ["FIELD", "VALUE"]
    );
    let fields: Vec<&str> = lines
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let keys: Vec<&str> = record
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields, keys, "{text}");
    for key in ["CampaignName", "Status", "PublicIdentifier", "AddedAt"] {
        assert!(keys.contains(&key), "{key}: {record}");
    }
    let status = text.lines().find(|l| l.starts_with("Status ")).unwrap();
    assert!(status.ends_with("MEMBER_INVITATION_SENT"), "{status}");
}

#[test]
fn json_is_the_default_when_stdout_is_not_a_terminal() {
    let out = salesflow()
        .args(["--mock", "accounts", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(json(&out).is_array());
}

#[test]
fn usage_errors_exit_2() {
    salesflow().assert().code(2);
    salesflow()
        .args(["campaigns", "frobnicate"])
        .assert()
        .code(2);
    salesflow()
        .args(["--mock", "campaigns", "stats", "not-a-number"])
        .assert()
        .code(2);
    salesflow()
        .args([
            "--mock",
            "webhooks",
            "attach",
            "1",
            "--campaign",
            "2",
            "--run-on",
            "never",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("connected, reply, withdrawn"));
    salesflow()
        .args(["--mock", "contacts", "update", "46875434"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to update"));
    // Rejected by the SDK's validation before any request.
    salesflow()
        .args([
            "--mock",
            "webhooks",
            "create",
            "--name",
            "x",
            "--url",
            "not a url",
        ])
        .assert()
        .code(2);
    // No token.
    salesflow()
        .args(["campaigns", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SALESFLOW_TOKEN"));
    // A token but no account id: the SDK's configuration error.
    let mock = Mock::start();
    salesflow()
        .args([
            "--base-url",
            &mock.server.base_url(),
            "--token",
            DEMO_TOKEN,
            "campaigns",
            "list",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("account id"));
    assert!(mock.server.requests().is_empty());
    // ListAccounts needs no account id.
    salesflow()
        .args([
            "--base-url",
            &mock.server.base_url(),
            "--token",
            DEMO_TOKEN,
            "accounts",
            "list",
        ])
        .assert()
        .code(0);
}

#[test]
fn transport_errors_exit_1() {
    salesflow()
        .args([
            "--base-url",
            "http://127.0.0.1:9/api",
            "--token",
            "t",
            "--account-id",
            "1",
            "--timeout",
            "2s",
            "campaigns",
            "list",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "transport error: connection refused",
        ));
}

#[test]
fn a_timeout_says_after_how_long_without_the_token() {
    let mock = Mock::start();
    mock.server
        .inject(
            salesflow_mock::Fault::new(salesflow_mock::FaultKind::Latency { ms: 3_000 })
                .for_operation(salesflow::Operation::ListCampaigns),
        )
        .unwrap();
    let out = salesflow()
        .args(["--base-url", &mock.server.base_url()])
        .args(["--token", DEMO_TOKEN, "--account-id", "321"])
        .args(["--timeout", "300ms", "campaigns", "list"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("listCampaigns: transport error: timed out after 0.3 s"),
        "{err}"
    );
    assert!(!err.contains(DEMO_TOKEN), "{err}");
}

#[test]
fn environment_variables_are_honoured() {
    let mock = Mock::start();
    let out = salesflow()
        .env("SALESFLOW_TOKEN", DEMO_TOKEN)
        .env("SALESFLOW_ACCOUNT_ID", DEMO_ACCOUNT_ID.to_string())
        .env("SALESFLOW_BASE_URL", mock.server.base_url())
        .args(["campaigns", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out).as_array().unwrap().len(), 3);
    assert_eq!(mock.server.requests().len(), 1);
    assert!(mock.server.requests()[0]
        .query
        .as_deref()
        .unwrap()
        .contains("accountId=321"));

    salesflow()
        .env("SALESFLOW_TOKEN", DEMO_TOKEN)
        .env("SALESFLOW_ACCOUNT_ID", "not-a-number")
        .args(["campaigns", "list"])
        .assert()
        .code(2);
}

#[test]
fn help_documents_exit_codes_and_examples_and_hides_the_token() {
    let out = salesflow()
        .env("SALESFLOW_TOKEN", "help-canary-token-123")
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "Exit codes:",
        "130",
        "Examples:",
        "--mock",
        "SALESFLOW_TOKEN",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert!(!text.contains("help-canary-token-123"));
    let out = salesflow().args(["import", "--help"]).output().unwrap();
    let text = stdout(&out);
    for needle in [
        "Resume",
        "MEMBER_DUPLICATE",
        "SALESFLOW_IMPORT_STOP_AFTER",
        "error",
        "--encoding latin1",
        "--delimiter",
        "Sales Navigator",
        "ListContacts by public identifiers",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

#[test]
fn completions_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = salesflow().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout(&out);
        assert!(
            text.contains("salesflow") && text.contains("campaigns"),
            "{shell}"
        );
    }
}

const CANARY: &str = "canary-tok-5e1f-XYZZY";

#[test]
fn verbose_output_never_shows_the_token() {
    let mock = Mock::start();
    mock.server
        .add_account(CANARY, DEMO_ACCOUNT_ID, "canary@example.com");
    let base = mock.server.base_url();
    let run = |args: &[&str]| {
        salesflow()
            .args([
                "--verbose",
                "--base-url",
                &base,
                "--token",
                CANARY,
                "--account-id",
                "321",
            ])
            .args(args)
            .output()
            .unwrap()
    };
    let mut shown = String::new();
    for args in [
        &["campaigns", "list"][..],
        &["contacts", "get", "46875434"],
        &["contacts", "get", "1"],
        &["campaigns", "start", "29854"],
    ] {
        let out = run(args);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(CANARY), "{args:?} leaks the token:\n{all}");
        shown.push_str(&all);
    }
    // The summaries are there.
    assert!(shown.contains("salesflow.request"), "{shown}");
    // The span names the operation by its operationId, and the ids it is about.
    assert!(
        shown.contains("salesflow.operation=\"listCampaigns\""),
        "{shown}"
    );
    assert!(shown.contains("salesflow.member_id=46875434"), "{shown}");
    assert!(shown.contains("http.response.status_code=200"), "{shown}");
    assert!(shown.contains("duration_ms"), "{shown}");

    // With --mock and a token the mock does not know: a 403, still no token anywhere.
    let out = salesflow()
        .args([
            "--mock",
            "--verbose",
            "--token",
            CANARY,
            "campaigns",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("Forbidden"), "{all}");
    assert!(!all.contains(CANARY), "{all}");

    // An import, verbose.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    common::write_profiles(&csv, "verbose-canary", 3);
    let out = run(&["import", csv.to_str().unwrap(), "--campaign", "29890"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains(CANARY), "{all}");
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!text.contains(CANARY));
    }
}

#[test]
fn rust_log_sets_the_log_filter_and_never_turns_on_the_http_stack() {
    let mock = Mock::start();
    mock.server
        .add_account(CANARY, DEMO_ACCOUNT_ID, "canary@example.com");
    let base = mock.server.base_url();
    let run = |rust_log: Option<&str>, verbose: &[&str]| {
        let mut cmd = salesflow();
        cmd.env_remove("RUST_LOG");
        if let Some(v) = rust_log {
            cmd.env("RUST_LOG", v);
        }
        let out = cmd
            .args(verbose)
            .args([
                "--base-url",
                &base,
                "--token",
                CANARY,
                "--account-id",
                "321",
            ])
            .args(["campaigns", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.contains(CANARY), "{err}");
        err
    };
    // Nothing by default; one line per request with -v or with RUST_LOG alone.
    assert!(!run(None, &[]).contains("salesflow.request"));
    assert!(run(None, &["-v"]).contains("salesflow.request"));
    assert!(run(Some("salesflow=debug"), &[]).contains("salesflow.request"));
    // RUST_LOG is the filter: it can also silence what -v would show.
    assert!(!run(Some("salesflow=warn"), &["-v"]).contains("salesflow.request"));
    // Everything on: still no record of the HTTP stack (whose URLs hold the token).
    let all = run(Some("trace"), &[]);
    assert!(all.contains("salesflow.request"), "{all}");
    for target in ["reqwest", "hyper", "h2"] {
        assert!(
            !all.lines().any(|l| l.contains(&format!("{target}::"))),
            "{target}: {all}"
        );
    }
    // A span filter turns on every event inside the span, but not the HTTP stack's.
    let spans = run(
        Some("[salesflow.attempt]=trace,[salesflow.request]=trace"),
        &[],
    );
    assert!(spans.contains("salesflow.attempt"), "{spans}");
    for target in ["reqwest", "hyper", "h2"] {
        assert!(
            !spans.lines().any(|l| l.contains(&format!(" {target}::"))),
            "{target}: {spans}"
        );
    }
    // Named by its own target, a crate of the HTTP stack logs (through the redaction).
    let named = run(Some("salesflow=debug,hyper_util=trace,reqwest=trace"), &[]);
    assert!(
        named
            .lines()
            .any(|l| l.contains(" hyper_util::") || l.contains(" reqwest::")),
        "{named}"
    );
    // A filter that cannot be parsed is said so, and the command still works.
    assert!(run(Some("salesflow=notalevel"), &[]).contains("RUST_LOG is not a valid log filter"));
}
