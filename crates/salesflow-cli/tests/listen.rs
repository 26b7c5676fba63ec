//! `salesflow webhooks listen`: receives the mock's webhook calls and prints them.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{json, stderr, Mock};
use salesflow::RunOn;
use salesflow_cli::cli::parse_run_on;
use salesflow_mock::DEMO_MEMBER_JOHN;
use serde_json::Value;

const SECRET: &str = "test-secret-0123456789abcdef";

/// Spawns the binary and returns it with the first stderr line starting with
/// "listening on " (the rest of stderr is forwarded on a channel).
fn spawn_listener(args: &[&str]) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("salesflow"))
        .env_remove("SALESFLOW_WEBHOOK_SECRET")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let listening = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the listener announces its address");
        if let Some(rest) = line.strip_prefix("listening on ") {
            break rest.to_owned();
        }
    };
    (child, listening, rx)
}

fn wait(mut child: Child, secs: u64) -> (Option<i32>, String) {
    for _ in 0..secs * 20 {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            return (status.code(), out);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the listener did not exit");
}

#[test]
fn listen_prints_a_simulated_event_and_exits_after_count() {
    let mock = Mock::start();
    let (child, listening, _stderr) = spawn_listener(&[
        "--output", "json", "webhooks", "listen", "--port", "0", "--secret", SECRET, "--count", "1",
    ]);
    // The secret given is not echoed.
    assert!(
        listening.ends_with("/salesflow/<secret>/<event>"),
        "{listening}"
    );
    let base = listening
        .trim_end_matches("/salesflow/<secret>/<event>")
        .to_owned();
    let url = format!("{base}/salesflow/{SECRET}/member-connected");

    // Wrong secret: 404; malformed body: 400; neither counts as an event.
    let http = reqwest::Client::new();
    let status = |u: String, body: &'static str| {
        let http = http.clone();
        mock.rt.block_on(async move {
            http.post(u)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    };
    assert_eq!(
        status(
            format!("{base}/salesflow/not-the-secret-000000/member-connected"),
            "{}"
        ),
        404
    );
    // The secret without an event, or an event that does not exist: 404.
    assert_eq!(status(format!("{base}/salesflow/{SECRET}"), "{}"), 404);
    assert_eq!(
        status(format!("{base}/salesflow/{SECRET}/nothing"), "{}"),
        404
    );
    assert_eq!(status(url.clone(), "{\"MemberId\": "), 400);
    assert_eq!(status(format!("{base}/other"), "{}"), 404);

    // A webhook pointing at the listener, attached to the demo campaign, through the CLI.
    let out = mock
        .cli()
        .args(["webhooks", "create", "--name", "listener", "--url", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = json(&out)["WebhookId"].as_i64().unwrap().to_string();
    let out = mock
        .cli()
        .args([
            "webhooks",
            "attach",
            &id,
            "--campaign",
            "29854",
            "--run-on",
            "connected",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let outcome = mock
        .rt
        .block_on(
            mock.server
                .simulate_event(DEMO_MEMBER_JOHN, RunOn::MemberConnected),
        )
        .unwrap();
    let ours = outcome
        .deliveries
        .iter()
        .find(|d| d.url == url)
        .expect("delivered to the listener");
    assert_eq!(ours.status, Some(204), "{ours:?}");

    let (code, out) = wait(child, 10);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    let event: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(event["Event"], "MEMBER_CONNECTED");
    assert_eq!(event["RunOn"], 1);
    assert_eq!(event["Payload"]["MemberId"], DEMO_MEMBER_JOHN.get());
    assert_eq!(
        event["Payload"]["IntegrationRunOn"],
        "INTEGRATION_RUN_ON_CONNECTED"
    );
    assert_eq!(event["Payload"]["Status"], "MEMBER_CONNECTED");
}

#[test]
fn listen_with_mock_tells_every_event_apart() {
    // With --mock: one webhook per event of the spec at its own URL, attached to the demo
    // campaign, and each event simulated once. The payloads of the reply and the withdrawal
    // carry names the vendor does not document; the listener still tells them apart, by the URL.
    let count = RunOn::KNOWN.len().to_string();
    let (child, listening, _stderr) = spawn_listener(&[
        "--mock", "--output", "table", "webhooks", "listen", "--port", "0", "--count", &count,
    ]);
    // A generated secret is shown, since the user needs it.
    let secret = listening
        .trim_end_matches("/<event>")
        .rsplit('/')
        .next()
        .unwrap();
    assert_eq!(secret.len(), 32, "{listening}");
    let (code, out) = wait(child, 20);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), RunOn::KNOWN.len(), "{out}");
    for (line, event) in lines
        .iter()
        .zip(RunOn::KNOWN.iter().map(|k| k.name().unwrap()))
    {
        assert!(line.contains(&format!("  {event}  ")), "{line}");
        assert!(line.contains("member 46875434"), "{line}");
        assert!(line.contains("campaign Sales"), "{line}");
    }
}

#[test]
fn listen_prints_the_event_of_each_url_as_json() {
    let mock = Mock::start();
    let count = RunOn::KNOWN.len().to_string();
    let (child, listening, _stderr) = spawn_listener(&[
        "--output", "json", "webhooks", "listen", "--port", "0", "--secret", SECRET, "--count",
        &count,
    ]);
    let base = listening
        .trim_end_matches("/salesflow/<secret>/<event>")
        .to_owned();
    // The SDK's helper attaches one webhook per event to the listener.
    let client = salesflow::Client::builder()
        .token(salesflow_mock::DEMO_TOKEN)
        .account_id(salesflow_mock::DEMO_ACCOUNT_ID)
        .base_url(mock.server.base_url())
        .build()
        .unwrap();
    let hooks = mock
        .rt
        .block_on(client.attach_webhooks_per_event(
            salesflow_mock::DEMO_CAMPAIGN_RUNNING,
            &format!("{base}/salesflow/{SECRET}"),
            salesflow::RunOn::KNOWN,
        ))
        .unwrap();
    assert_eq!(hooks.len(), RunOn::KNOWN.len());
    // Idempotent: a second call finds them all and creates nothing.
    let before = mock.server.requests().len();
    let again = mock
        .rt
        .block_on(client.attach_webhooks_per_event(
            salesflow_mock::DEMO_CAMPAIGN_RUNNING,
            &format!("{base}/salesflow/{SECRET}/"),
            salesflow::RunOn::KNOWN,
        ))
        .unwrap();
    let key = |h: &salesflow::EventWebhook| {
        (
            h.event,
            h.url.clone(),
            h.webhook.webhook_id,
            h.attachment.clone(),
        )
    };
    assert_eq!(
        again.iter().map(key).collect::<Vec<_>>(),
        hooks.iter().map(key).collect::<Vec<_>>()
    );
    assert_eq!(
        mock.server.requests().len(),
        before + 1,
        "only ListWebhooks"
    );
    // In reverse order: each line names the event of the URL it came to.
    for &event in RunOn::KNOWN.iter().rev() {
        mock.rt
            .block_on(mock.server.simulate_event(DEMO_MEMBER_JOHN, event))
            .unwrap();
    }
    let (code, out) = wait(child, 10);
    assert_eq!(code, Some(0));
    let events: Vec<(String, i64)> = out
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["Event"].as_str().unwrap().to_owned(),
                v["RunOn"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, i64)> = RunOn::KNOWN
        .iter()
        .rev()
        .map(|k| (k.name().unwrap().to_owned(), k.code()))
        .collect();
    assert_eq!(events, expected);
}

#[test]
fn listen_rejects_a_short_secret() {
    common::salesflow()
        .args(["webhooks", "listen", "--secret", "short"])
        .assert()
        .code(2);
}

#[test]
fn listen_with_mock_fails_fast_when_it_cannot_register_its_webhook() {
    for (args, needle) in [
        (&["--token", "not-a-token-of-the-mock"][..], "Forbidden"),
        (&["--mock-campaign", "424242"][..], "NotFound"),
    ] {
        let started = std::time::Instant::now();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("salesflow"))
            .env_remove("SALESFLOW_WEBHOOK_SECRET")
            .env_remove("SALESFLOW_TOKEN")
            .args(["--mock", "webhooks", "listen", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let (code, _) = wait(child, 20);
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(
            err.contains("error: cannot register the webhooks with the mock"),
            "{err}"
        );
        assert!(err.contains(needle), "{err}");
        assert!(!err.contains("not-a-token-of-the-mock"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(15));
    }
}

/// `--run-on` reads an event by its name in any case, its code or an alias, for every event `RunOn::KNOWN` holds (the spec's), and lists them all when
/// it does not know the text. The event drill (xtask/tests/drill_event.rs) runs this file after
/// adding an event to the spec.
#[test]
fn the_cli_reads_every_event_of_the_spec_by_name_and_code() {
    assert_eq!(parse_run_on("connected"), Ok(RunOn::MemberConnected));
    assert_eq!(parse_run_on("reply"), Ok(RunOn::ReplyDetected));
    assert_eq!(parse_run_on("withdrawn"), Ok(RunOn::InvitationWithdrawn));
    assert_eq!(parse_run_on("7"), Ok(RunOn::InvitationWithdrawn));
    assert_eq!(parse_run_on("9999"), Ok(RunOn::Unknown(9999)));
    assert_eq!(parse_run_on("MEMBER_CONNECTED"), Ok(RunOn::MemberConnected));
    for known in RunOn::KNOWN {
        let name = known.name().unwrap();
        assert_eq!(parse_run_on(name), Ok(*known));
        assert_eq!(parse_run_on(&name.to_ascii_lowercase()), Ok(*known));
        assert_eq!(parse_run_on(&known.code().to_string()), Ok(*known));
    }
    let err = parse_run_on("ZZ_NOT_A_VALUE").unwrap_err();
    for known in RunOn::KNOWN {
        assert!(err.contains(known.name().unwrap()), "{err}");
    }
}
