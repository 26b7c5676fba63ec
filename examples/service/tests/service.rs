//! The example service against the in-process mock: three accounts on one pool, statistics
//! with a per-call timeout, webhooks for every campaign (and campaigns made later), metrics
//! that see the vendor's in-body errors, the import budget, and logs without the secret.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use salesflow::reqwest;
use salesflow::tower::ServiceExt;
use salesflow::{AccountId, CampaignId, CampaignStatus, Operation, RunOn};
use salesflow_example_service::{app, start, AccountConfig, AppState, Config, Running};
use salesflow_mock::{Fault, FaultKind, MockServer, Seed};
use serde_json::{json, Value};
use tracing_subscriber::fmt::MakeWriter;

const SECRET: &str = "s3cret-webhook-segment-0123";

/// The accounts: (id, token, name, campaigns).
const ACCOUNTS: [(i64, &str, &str, &[&str]); 3] = [
    (
        2001,
        "token-of-2001",
        "Sales EU",
        &["EU spring", "EU autumn"],
    ),
    (2002, "token-of-2002", "Sales US", &["US launch"]),
    (2003, "token-of-2003", "Recruiting", &["Rust engineers"]),
];

struct Setup {
    mock: MockServer,
    service: Running,
    http: reqwest::Client,
    /// Each account's campaigns, in the order of `ACCOUNTS`.
    campaigns: Vec<Vec<CampaignId>>,
}

impl Setup {
    async fn start(change: impl FnOnce(&mut Config)) -> Setup {
        let mock = MockServer::start_with(Seed::Empty).await.unwrap();
        let mut campaigns = Vec::new();
        for (id, token, name, names) in ACCOUNTS {
            let id = AccountId::new(id);
            mock.add_account(token, id, &format!("{name}@example.com"));
            campaigns.push(
                names
                    .iter()
                    .map(|n| mock.add_campaign(id, n, CampaignStatus::Running))
                    .collect(),
            );
        }
        let mut config = Config {
            accounts: ACCOUNTS
                .iter()
                .map(|(id, token, name, _)| AccountConfig {
                    account_id: *id,
                    token: (*token).into(),
                    name: (*name).into(),
                })
                .collect(),
            salesflow_base_url: Some(mock.base_url()),
            public_url: None,
            webhook_secret: SECRET.into(),
            stats_timeout: Duration::from_millis(300),
            reconcile_every: Duration::from_secs(3600),
            requests_per_second: 200.0,
            daily_imports: 100,
        };
        change(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let service = start(&config, listener).await.unwrap();
        Setup {
            mock,
            service,
            http: reqwest::Client::new(),
            campaigns,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.service.addr)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The operations the mock received, and forgets them.
    fn operations(&self) -> Vec<Operation> {
        let ops = self
            .mock
            .requests()
            .iter()
            .filter_map(|r| r.operation)
            .collect();
        self.mock.clear_requests();
        ops
    }
}

fn count(ops: &[Operation], op: Operation) -> usize {
    ops.iter().filter(|o| **o == op).count()
}

/// Asserts that a body shown to a caller holds nothing of the request.
fn assert_shows_no_internals(body: &Value, setup: &Setup) {
    let text = body.to_string();
    let port = setup.mock.addr().port().to_string();
    for secret in [
        "127.0.0.1",
        port.as_str(),
        "http",
        "token",
        "2001",
        "2002",
        "REDACTED",
    ] {
        assert!(!text.contains(secret), "{text} shows {secret}");
    }
    for campaigns in &setup.campaigns {
        for c in campaigns {
            assert!(!text.contains(&c.to_string()), "{text} shows campaign {c}");
        }
    }
}

#[tokio::test]
async fn each_account_sees_its_own_campaigns_over_one_pool() {
    let setup = Setup::start(|_| {}).await;
    setup.mock.clear_requests();
    for (id, _, _, names) in ACCOUNTS {
        let (status, body) = setup.get(&format!("/accounts/{id}/campaigns")).await;
        assert_eq!(status, 200, "{body}");
        let got: Vec<&str> = body
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(got, names, "account {id}");
    }
    let requests = setup.mock.requests();
    let accounts: Vec<String> = requests
        .iter()
        .filter_map(|r| {
            r.query
                .as_deref()?
                .split('&')
                .find_map(|kv| kv.strip_prefix("accountId=").map(str::to_owned))
        })
        .collect();
    assert_eq!(accounts, ["2001", "2002", "2003"]);
    // One pool: the three accounts' requests came over one connection.
    let peers: BTreeSet<_> = requests.iter().map(|r| r.peer).collect();
    assert_eq!(peers.len(), 1, "{peers:?}");

    let (status, body) = setup.get("/accounts/9999/campaigns").await;
    assert_eq!((status, body), (404, json!({"error": "unknown account"})));
    assert!(
        setup.mock.requests().len() == 3,
        "an unknown account sends nothing"
    );
}

#[tokio::test]
async fn statistics_have_their_own_timeout_and_errors_show_no_internals() {
    let setup = Setup::start(|_| {}).await;
    let campaign = setup.campaigns[0][0];
    let (status, stats) = setup
        .get(&format!("/accounts/2001/campaigns/{campaign}/stats"))
        .await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["CampaignId"], json!(campaign));

    // Slow statistics: each attempt gives up after the per-call timeout (300 ms; a read is
    // tried three times), and the service answers 504 with a short message.
    let slow = setup
        .mock
        .inject(
            Fault::new(FaultKind::Latency { ms: 5_000 })
                .for_operation(Operation::GetCampaignStatistics)
                .always(),
        )
        .unwrap();
    let started = std::time::Instant::now();
    let (status, body) = setup
        .get(&format!("/accounts/2001/campaigns/{campaign}/stats"))
        .await;
    assert_eq!(status, 504, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // The metrics layer saw the three attempts fail (the mock logs none: each was dropped
    // before it was answered).
    let stats = setup.service.state.metrics()["getCampaignStatistics"];
    assert_eq!((stats.attempts, stats.failures), (1 + 3, 3));
    setup.mock.remove_fault(slow);
    assert_eq!(body, json!({"error": "Salesflow did not answer in time"}));
    assert_shows_no_internals(&body, &setup);

    // The timeout is the statistics' only: a slower list still answers.
    setup
        .mock
        .inject(
            Fault::new(FaultKind::Latency { ms: 500 })
                .for_operation(Operation::ListCampaigns)
                .once(),
        )
        .unwrap();
    let (status, _) = setup.get("/accounts/2001/campaigns").await;
    assert_eq!(status, 200);

    // Another account's campaign is not found for this one.
    let theirs = setup.campaigns[1][0];
    let (status, body) = setup
        .get(&format!("/accounts/2001/campaigns/{theirs}/stats"))
        .await;
    assert_eq!(
        (status, &body),
        (404, &json!({"error": "not found in Salesflow"}))
    );
    assert_shows_no_internals(&body, &setup);
}

#[tokio::test]
async fn webhooks_cover_every_campaign_and_campaigns_created_later() {
    let setup = Setup::start(|c| c.reconcile_every = Duration::from_millis(100)).await;
    // At start: per account one ListCampaigns and one ListWebhooks; a webhook per event,
    // attached to each campaign.
    let ops = setup.operations();
    assert_eq!(count(&ops, Operation::ListCampaigns), 3, "{ops:?}");
    assert_eq!(count(&ops, Operation::ListWebhooks), 3, "{ops:?}");
    assert_eq!(count(&ops, Operation::CreateWebhook), 9, "{ops:?}");
    assert_eq!(count(&ops, Operation::AttachWebhook), 4 * 3, "{ops:?}");

    // A campaign created later in the Salesflow app: the periodic reconcile attaches it.
    let us = AccountId::new(2002);
    let later = setup
        .mock
        .add_campaign(us, "US later", CampaignStatus::Running);
    let client = setup.service.state.client(us).unwrap().clone();
    let mut attached = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let hooks = client.list_webhooks().await.unwrap();
        if hooks
            .iter()
            .all(|h| h.attachments().iter().any(|a| a.campaign_id == later))
        {
            attached = true;
            break;
        }
    }
    assert!(attached, "the new campaign was not covered");

    // A member of it connects: the vendor calls the service, which files the event under
    // the account of the URL.
    let member = setup
        .mock
        .add_member(
            later,
            "new-lead-1",
            json!({"FirstName": "Ada", "LastName": "Byron"})
                .as_object()
                .cloned()
                .unwrap(),
        )
        .unwrap();
    let outcome = setup
        .mock
        .simulate_event(member, RunOn::MemberConnected)
        .await
        .unwrap();
    let deliveries = setup.mock.deliveries();
    assert_eq!(deliveries.len(), 1, "{outcome:?}");
    assert_eq!(deliveries[0].status, Some(204), "{deliveries:?}");
    let (status, events) = setup.get("/accounts/2002/events").await;
    assert_eq!(status, 200);
    assert_eq!(
        events,
        json!([{"event": "member-connected", "member_id": member, "name": "Ada Byron"}])
    );
    let (_, none) = setup.get("/accounts/2001/events").await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn metrics_count_an_error_sent_under_http_200() {
    let setup = Setup::start(|_| {}).await;
    setup
        .mock
        .inject(
            Fault::new(FaultKind::ErrorInOk {
                status: 404,
                message: None,
            })
            .for_operation(Operation::ListCampaigns)
            .once(),
        )
        .unwrap();
    let before = setup.service.state.metrics()["listCampaigns"];
    let (status, body) = setup.get("/accounts/2003/campaigns").await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "not found in Salesflow"}))
    );
    let (status, _) = setup.get("/accounts/2003/campaigns").await;
    assert_eq!(status, 200);
    let after = setup.service.state.metrics()["listCampaigns"];
    assert_eq!(after.attempts - before.attempts, 2);
    assert_eq!(
        after.failures - before.failures,
        1,
        "the 200 with Status 404 failed"
    );

    let text = setup
        .http
        .get(setup.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(&format!(
            "salesflow_failures{{operation=\"listCampaigns\"}} {}",
            after.failures
        )),
        "{text}"
    );
}

#[tokio::test]
async fn the_daily_import_budget_is_answered_429_with_retry_after() {
    let setup = Setup::start(|c| c.daily_imports = 1).await;
    let campaign = setup.campaigns[0][0];
    let path = format!("/accounts/2001/campaigns/{campaign}/members");
    let import = |url: &str| {
        setup
            .http
            .post(setup.url(&path))
            .json(&json!({"linkedin_url": url, "first_name": "Grace"}))
            .send()
    };
    let first = import("https://www.linkedin.com/in/grace-hopper")
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 201);
    setup.mock.clear_requests();

    let second = import("https://www.linkedin.com/in/alan-turing")
        .await
        .unwrap();
    assert_eq!(second.status().as_u16(), 429);
    let wait: u64 = second.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=24 * 3600).contains(&wait), "{wait}");
    let body: Value = second.json().await.unwrap();
    let message = body["error"].as_str().unwrap();
    assert!(
        message.starts_with("the account's daily budget"),
        "{message}"
    );
    assert!(setup.mock.requests().is_empty(), "nothing was sent");

    // Another account has its own budget; a malformed URL is the caller's mistake.
    let theirs = setup.campaigns[1][0];
    let other = setup
        .http
        .post(setup.url(&format!("/accounts/2002/campaigns/{theirs}/members")))
        .json(&json!({"linkedin_url": "https://example.com/not-a-profile"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 400);
    let body: Value = other.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("linkedInUrl"),
        "{body}"
    );
}

#[tokio::test]
async fn the_trace_never_logs_the_webhook_secret() {
    let config = Config {
        accounts: vec![AccountConfig {
            account_id: 2001,
            token: "token-of-2001".into(),
            name: "Sales EU".into(),
        }],
        salesflow_base_url: Some("http://127.0.0.1:9/api".into()),
        public_url: None,
        webhook_secret: SECRET.into(),
        stats_timeout: Duration::from_secs(1),
        reconcile_every: Duration::from_secs(3600),
        requests_per_second: 10.0,
        daily_imports: 1,
    };
    let state = AppState::new(&config, "https://svc.example.com").unwrap();
    // tracing-subscriber writes to a `Mutex<Vec<u8>>` itself; this one outlives the
    // subscriber, so that it can be read once the subscriber is gone.
    let sink: &'static Mutex<Vec<u8>> = Box::leak(Box::default());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::NEW)
        .with_ansi(false)
        .with_writer(move || sink.make_writer())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    for (path, body, expected) in [
        (
            "/hooks/{SECRET}/2001/reply-detected",
            r#"{"MemberId": 7}"#,
            204,
        ),
        ("/hooks/{SECRET}/2001/reply-detected", "{", 400),
        ("/hooks/{SECRET}/9999/reply-detected", "{}", 404),
        ("/hooks/{SECRET}", "{}", 404),
    ] {
        let path = path.replace("{SECRET}", SECRET);
        let response = app(state.clone())
            .oneshot(
                axum::http::Request::post(&path)
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expected, "{path}");
    }
    drop(guard);
    let log = String::from_utf8(sink.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains(r#"route="/hooks/{secret}/{account_id}/{event}""#),
        "{log}"
    );
    assert!(log.contains(r#"event="reply-detected""#), "{log}");
    assert!(log.contains("rejected a webhook delivery"), "{log}");
    assert!(!log.contains(SECRET), "{log}");
}
