//! The request log, simulated events with webhook deliveries, and the control routes.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::routing::post;
use common::Api;
use salesflow_mock::{
    MockEvent, DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_ANN, DEMO_MEMBER_JOHN, DEMO_TOKEN,
    RUN_ON_NAME_INVITATION_WITHDRAWN, RUN_ON_NAME_REPLY_DETECTED,
};
use salesflow_webhook_types::{MemberFlags, RunOn, WebhookPayload};
use serde_json::{json, Value};

/// A webhook receiver: records every body POSTed to `/hook`.
struct Receiver {
    url: String,
    bodies: Arc<Mutex<Vec<Bytes>>>,
}

impl Receiver {
    async fn start() -> Self {
        let bodies: Arc<Mutex<Vec<Bytes>>> = Arc::default();
        let sink = bodies.clone();
        let app = axum::Router::new().route(
            "/hook",
            post(move |body: Bytes| {
                let sink = sink.clone();
                async move {
                    sink.lock().unwrap().push(body);
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, bodies }
    }

    fn payloads(&self) -> Vec<WebhookPayload> {
        self.bodies
            .lock()
            .unwrap()
            .iter()
            .map(|b| WebhookPayload::from_slice(b).expect("a decodable payload"))
            .collect()
    }
}

/// Creates a webhook to `url` and attaches it to the running demo campaign for `run_ons`.
async fn hook(api: &Api, url: &str, disable_for_muted: Option<bool>, run_ons: &[i64]) -> i64 {
    let (status, hook) = api
        .post(
            "/webhooks/create",
            "",
            json!({"Name": "receiver", "Url": url, "DisableForMutedContacts": disable_for_muted}),
        )
        .await;
    assert_eq!(status, 200);
    let id = hook["WebhookId"].as_i64().unwrap();
    for run_on in run_ons {
        let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_RUNNING}&runOn={run_on}");
        assert_eq!(api.post("/webhooks/attach", &q, json!({})).await.0, 200);
    }
    id
}

#[tokio::test]
async fn the_request_log_redacts_the_token() {
    let api = Api::start().await;
    api.get("/campaigns/list-campaigns", "").await;
    api.post("/webhooks/create", "", json!({"Name": "n", "Url": "u"}))
        .await;
    api.send(
        api.http
            .post(api.url("/campaigns/start", "campaignId=1"))
            .body("plain text"),
    )
    .await;

    let log = api.server.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].method, "GET");
    assert_eq!(
        log[0].host.as_deref(),
        Some(api.server.addr().to_string().as_str())
    );
    assert_eq!(log[0].path, "/api/campaigns/list-campaigns");
    assert_eq!(log[0].operation_id.as_deref(), Some("listCampaigns"));
    assert_eq!(log[0].status, 200);
    assert_eq!(log[1].body, Some(json!({"Name": "n", "Url": "u"})));
    assert_eq!(log[2].body_text.as_deref(), Some("plain text"));
    assert_eq!(log[2].status, 400);
    for r in &log {
        let query = r.query.as_deref().unwrap();
        assert!(query.contains("token=REDACTED"), "{query}");
        assert!(!query.contains(DEMO_TOKEN));
    }

    let remote: Value = api
        .http
        .get(api.control("/_mock/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = remote.to_string();
    assert_eq!(
        remote.as_array().unwrap().len(),
        3,
        "control calls are not logged"
    );
    assert!(!text.contains(DEMO_TOKEN));
    assert_eq!(remote[0]["query"], "token=REDACTED&accountId=321");

    let cleared = api
        .http
        .delete(api.control("/_mock/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(api.server.requests().is_empty());
}

#[tokio::test]
async fn a_connected_member_is_delivered_to_the_attached_webhook() {
    let api = Api::start().await;
    let receiver = Receiver::start().await;
    let id = hook(&api, &receiver.url, None, &[1]).await;

    let response = api
        .http
        .post(api.control("/_mock/events"))
        .json(&json!({"memberId": DEMO_MEMBER_JOHN, "event": "connected"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(outcome["status"], "MEMBER_CONNECTED");

    let payloads = receiver.payloads();
    assert_eq!(payloads.len(), 1);
    let p = &payloads[0];
    assert_eq!(p.event(), Some(RunOn::MemberConnected));
    assert_eq!(p.member_id, Some(DEMO_MEMBER_JOHN));
    assert_eq!(p.first_name.as_deref(), Some("John"));
    assert!(p.status.as_ref().unwrap().contains(MemberFlags::CONNECTED));
    assert!(p.connected_at.is_some());
    assert_eq!(
        p.member_campaigns.as_ref().unwrap()[0]
            .campaign_name
            .as_deref(),
        Some("Sales")
    );
    assert!(p.extra.is_empty(), "only documented fields: {:?}", p.extra);

    // The demo webhook (attached for 1 too) points nowhere: recorded as an error.
    let deliveries = api.server.deliveries();
    assert_eq!(deliveries.len(), 2);
    let ours = deliveries.iter().find(|d| d.webhook_id == id).unwrap();
    assert_eq!(
        (ours.status, ours.url.as_str()),
        (Some(200), receiver.url.as_str())
    );
    let demo = deliveries.iter().find(|d| d.webhook_id != id).unwrap();
    assert!(demo.status.is_none() && demo.error.is_some());
    let remote: Value = reqwest::get(api.control("/_mock/deliveries"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(remote.as_array().unwrap().len(), 2);

    // The state changed.
    let (_, details) = api.get(&format!("/members/{DEMO_MEMBER_JOHN}"), "").await;
    assert_eq!(details["Status"], "MEMBER_CONNECTED");
}

#[tokio::test]
async fn other_events_use_their_run_on_and_guessed_names() {
    let api = Api::start().await;
    let receiver = Receiver::start().await;
    hook(&api, &receiver.url, Some(false), &[2, 7]).await;
    let reply = api
        .server
        .simulate_event(DEMO_MEMBER_JOHN, MockEvent::ReplyDetected)
        .await
        .unwrap();
    assert_eq!(reply.deliveries.len(), 1);
    api.server
        .simulate_event(DEMO_MEMBER_JOHN, MockEvent::InvitationWithdrawn)
        .await
        .unwrap();
    // Connected fires only the demo webhook (RunOn 1), not ours.
    api.server
        .simulate_event(DEMO_MEMBER_JOHN, MockEvent::Connected)
        .await
        .unwrap();
    let payloads = receiver.payloads();
    assert_eq!(payloads.len(), 2);
    let names: Vec<&str> = payloads
        .iter()
        .map(|p| p.integration_run_on.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(
        names,
        [RUN_ON_NAME_REPLY_DETECTED, RUN_ON_NAME_INVITATION_WITHDRAWN]
    );
    assert_eq!(payloads[0].has_reply, Some(true));
    assert!(payloads[1]
        .status
        .as_ref()
        .unwrap()
        .contains(MemberFlags::INVITATION_WITHDRAWN));
    assert!(api
        .server
        .simulate_event(1, MockEvent::Connected)
        .await
        .is_err());
}

#[tokio::test]
async fn a_muted_member_is_not_delivered_when_the_webhook_disables_muted_contacts() {
    let api = Api::start().await;
    let quiet = Receiver::start().await;
    let loud = Receiver::start().await;
    let quiet_id = hook(&api, &quiet.url, Some(true), &[1]).await;
    hook(&api, &loud.url, Some(false), &[1]).await;

    // Ann is muted in the demo world; mute John through the control route.
    let response = api
        .http
        .post(api.control(&format!("/_mock/members/{DEMO_MEMBER_JOHN}/mute")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for member in [DEMO_MEMBER_ANN, DEMO_MEMBER_JOHN] {
        let outcome = api
            .server
            .simulate_event(member, MockEvent::Connected)
            .await
            .unwrap();
        assert_eq!(outcome.skipped_muted, [quiet_id]);
    }
    assert!(quiet.payloads().is_empty());
    let loud_payloads = loud.payloads();
    assert_eq!(loud_payloads.len(), 2);
    assert!(loud_payloads.iter().all(|p| p.is_muted == Some(true)));

    // Unmuted, the quiet webhook is called.
    api.server.set_muted(DEMO_MEMBER_JOHN, false).unwrap();
    api.server
        .simulate_event(DEMO_MEMBER_JOHN, MockEvent::Connected)
        .await
        .unwrap();
    assert_eq!(quiet.payloads().len(), 1);
}

#[tokio::test]
async fn control_route_errors_and_reset() {
    let api = Api::start().await;
    let response = api
        .http
        .post(api.control("/_mock/events"))
        .json(&json!({"memberId": 1, "event": "connected"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = api
        .http
        .post(api.control("/_mock/events"))
        .json(&json!({"memberId": DEMO_MEMBER_JOHN, "event": "exploded"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    api.delete(&format!("/members/{DEMO_MEMBER_JOHN}"), "")
        .await;
    assert_eq!(
        api.get(&format!("/members/{DEMO_MEMBER_JOHN}"), "").await.0,
        404
    );
    let response = api
        .http
        .post(api.control("/_mock/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(
        api.get(&format!("/members/{DEMO_MEMBER_JOHN}"), "").await.0,
        200
    );
    assert_eq!(
        api.server.requests().len(),
        1,
        "the log was emptied by the reset"
    );

    let response = api
        .http
        .post(api.control("/_mock/reset?seed=empty"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(
        api.get("/campaigns/list-campaigns", "").await,
        (200, json!([]))
    );
}
