//! `salesflow webhooks listen`: receives the mock's webhook calls and prints them.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{json, stderr, Mock};
use salesflow_mock::{MockEvent, DEMO_MEMBER_JOHN};
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
    assert!(listening.ends_with("/salesflow/<secret>"), "{listening}");
    let base = listening.trim_end_matches("/salesflow/<secret>").to_owned();
    let url = format!("{base}/salesflow/{SECRET}");

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
        status(format!("{base}/salesflow/not-the-secret-000000"), "{}"),
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
                .simulate_event(DEMO_MEMBER_JOHN, MockEvent::Connected),
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
    assert_eq!(event["MemberId"], DEMO_MEMBER_JOHN.get());
    assert_eq!(event["IntegrationRunOn"], "INTEGRATION_RUN_ON_CONNECTED");
    assert_eq!(event["Status"], "MEMBER_CONNECTED");
}

#[test]
fn listen_with_mock_runs_the_whole_loop_and_prints_a_table_line() {
    let (child, listening, _stderr) = spawn_listener(&[
        "--mock", "--output", "table", "webhooks", "listen", "--port", "0", "--count", "1",
    ]);
    // A generated secret is shown, since the user needs it.
    let secret = listening.rsplit('/').next().unwrap();
    assert_eq!(secret.len(), 32, "{listening}");
    let (code, out) = wait(child, 20);
    assert_eq!(code, Some(0));
    assert!(out.contains("INTEGRATION_RUN_ON_CONNECTED"), "{out}");
    assert!(out.contains("member 46875434"), "{out}");
    assert!(out.contains("campaign Sales"), "{out}");
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
            err.contains("error: cannot register the webhook with the mock"),
            "{err}"
        );
        assert!(err.contains(needle), "{err}");
        assert!(!err.contains("not-a-token-of-the-mock"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(15));
    }
}
