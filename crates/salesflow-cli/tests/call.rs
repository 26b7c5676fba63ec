//! `salesflow call`: any operation by its operationId with NAME=VALUE parameters, `call --list`,
//! and the command of every operation (`salesflow_cli::cli::command_of`).

mod common;

use common::{json, salesflow, stderr, stdout, Mock};
use salesflow::Operation;
use salesflow_cli::cli::command_of;
use salesflow_mock::{DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_JOHN};

fn run(mock: &Mock, args: &[&str]) -> std::process::Output {
    mock.cli().arg("call").args(args).output().unwrap()
}

fn ok(mock: &Mock, args: &[&str]) -> serde_json::Value {
    let out = run(mock, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    json(&out)
}

#[test]
fn call_reads_by_operation_id_or_method_name() {
    let mock = Mock::start();
    let stats = ok(
        &mock,
        &[
            "getCampaignStatistics",
            "campaignId=29854",
            "isForceRequest=true",
        ],
    );
    assert_eq!(stats["CampaignId"], DEMO_CAMPAIGN_RUNNING.get());
    assert_eq!(stats["Total"], 3);
    let requests = mock.server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].operation,
        Some(Operation::GetCampaignStatistics)
    );
    let query = requests[0].query.as_deref().unwrap();
    assert!(query.contains("campaignId=29854"), "{query}");
    assert!(query.contains("isForceRequest=true"), "{query}");

    // The generated method name reaches the same operation.
    let john = ok(&mock, &["get_contact", "memberId=46875434"]);
    assert_eq!(john["MemberId"], DEMO_MEMBER_JOHN.get());
    assert_eq!(john["FirstName"], "John");
    assert_eq!(
        mock.server.requests()[1].operation,
        Some(Operation::GetContact)
    );

    // A JSON array value.
    let found = ok(
        &mock,
        &[
            "listContactsByPublicIdentifiers",
            r#"PublicIdentifiers=["nick-foo-300","john-doe-100"]"#,
        ],
    );
    let ids: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["PublicIdentifier"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["nick-foo-300", "john-doe-100"]);
}

#[test]
fn call_writes_and_the_change_is_kept() {
    let mock = Mock::start();
    let updated = ok(
        &mock,
        &[
            "updateContact",
            "memberId=46875434",
            "email=jo@example.org",
            "firstName=Jo",
        ],
    );
    assert_eq!(updated["Email"], "jo@example.org");
    assert_eq!(updated["FirstName"], "Jo");
    let request = &mock.server.requests()[0];
    assert_eq!(request.operation, Some(Operation::UpdateContact));
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/members/46875434");
    // Body properties are sent in the body, only those given.
    assert_eq!(
        request.body,
        Some(serde_json::json!({"email": "jo@example.org", "firstName": "Jo"}))
    );

    let out = mock
        .cli()
        .args(["contacts", "get", "46875434"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["Email"], "jo@example.org");

    // A write that the vendor refuses is an API error.
    let out = run(&mock, &["startCampaign", "campaignId=29854"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("Campaign is already running."));
}

#[test]
fn call_validation_errors_exit_2_naming_the_parameter_and_send_nothing() {
    let mock = Mock::start();
    for (args, name) in [
        // The spec's pattern, checked by the SDK before sending.
        (
            &[
                "importMember",
                "campaignId=29854",
                "linkedInUrl=https://example.com/in/someone",
            ][..],
            "linkedInUrl",
        ),
        // The spec's maximum length.
        (
            &[
                "updateContact",
                "memberId=46875434",
                &format!("firstName={}", "x".repeat(64)),
            ][..],
            "firstName",
        ),
        // A value of the wrong type.
        (&["getContact", "memberId=abc"][..], "memberId"),
        // A required parameter left out.
        (&["getCampaignStatistics"][..], "campaignId"),
    ] {
        let out = run(&mock, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(name), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(mock.server.requests().is_empty());
}

#[test]
fn call_refuses_an_unknown_parameter_name() {
    let mock = Mock::start();
    for (args, name) in [
        (&["getContact", "memberId=46875434", "bogus=1"][..], "bogus"),
        // Names are the wire names: the body's camelCase, not the answer's PascalCase.
        (
            &["updateContact", "memberId=46875434", "Email=jo@example.org"][..],
            "Email",
        ),
    ] {
        let out = run(&mock, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("unknown field `{name}`")),
            "{args:?}: {err}"
        );
    }
    // An unknown operation is a usage error too.
    let out = run(&mock, &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown operation"),
        "{}",
        stderr(&out)
    );
    assert!(mock.server.requests().is_empty());
}

#[test]
fn call_list_names_every_operation_with_its_command() {
    // No token needed: nothing is sent. JSON when piped (the default off a terminal)...
    let out = salesflow().args(["call", "--list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        Operation::ALL.iter().map(|op| op.id()).collect::<Vec<_>>()
    );
    // ...and a table on request.
    let out = salesflow()
        .args(["--output", "table", "call", "--list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("OPERATION"), "{text}");
    assert!(lines[0].contains("COMMAND"), "{text}");
    assert_eq!(lines.len(), Operation::ALL.len() + 1, "{text}");
    for op in Operation::ALL {
        let line = lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(op.id()))
            .unwrap_or_else(|| panic!("{op} not listed:\n{text}"));
        let command = match command_of(*op) {
            Some(path) => format!("salesflow {}", path.join(" ")),
            None => format!("salesflow call {}", op.id()),
        };
        assert!(line.ends_with(&command), "{op}: {line}");
        assert!(line.contains(op.path()), "{op}: {line}");
        assert!(line.contains(op.method()), "{op}: {line}");
    }
}

#[test]
fn the_command_of_every_operation_runs_its_help() {
    for op in Operation::ALL {
        let Some(path) = command_of(*op) else {
            continue;
        };
        let out = salesflow().args(path).arg("--help").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{op}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains(&format!("Usage: salesflow {}", path.join(" "))),
            "{op}: {text}"
        );
    }
    // And `call` reaches every operation.
    for op in Operation::ALL {
        let out = salesflow()
            .args(["call", op.id(), "--help"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{op}: {}", stderr(&out));
    }
}
