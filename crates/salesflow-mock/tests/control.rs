//! The request log, simulated events with webhook deliveries, and the control routes.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::routing::post;
use common::Api;
use reqwest::Method;
use salesflow_api::Operation;
use salesflow_mock::{
    MockError, MockEvent, DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_ANN, DEMO_MEMBER_JOHN, DEMO_TOKEN,
};
use salesflow_webhook_types::{MemberFlags, MemberId, RunOn, WebhookId, WebhookPayload};
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
async fn hook(api: &Api, url: &str, disable_for_muted: Option<bool>, run_ons: &[i64]) -> WebhookId {
    let (status, hook) = api
        .post(
            "/webhooks/create",
            "",
            json!({"Name": "receiver", "Url": url, "DisableForMutedContacts": disable_for_muted}),
        )
        .await;
    assert_eq!(status, 200);
    let id = WebhookId::new(hook["WebhookId"].as_i64().unwrap());
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
    assert_eq!(log[0].operation, Some(Operation::ListCampaigns));
    assert_eq!(log[1].operation, Some(Operation::CreateWebhook));
    assert_eq!(log[2].operation, Some(Operation::StartCampaign));
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
    assert_eq!(
        remote[0]["operation"], "listCampaigns",
        "the operationId in JSON"
    );

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
        .json(&json!({"member_id": DEMO_MEMBER_JOHN, "event": "connected"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(outcome["status"], "MEMBER_CONNECTED");
    assert_eq!(outcome["member_id"], DEMO_MEMBER_JOHN.get());

    let payloads = receiver.payloads();
    assert_eq!(payloads.len(), 1);
    let p = &payloads[0];
    assert_eq!(p.event(), Some(RunOn::MemberConnected));
    assert_eq!(p.member_id, Some(DEMO_MEMBER_JOHN.get()));
    assert_eq!(p.custom1.as_deref(), Some("CustomValue1"));
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
        .simulate_event(DEMO_MEMBER_JOHN, RunOn::ReplyDetected)
        .await
        .unwrap();
    assert_eq!(reply.deliveries.len(), 1);
    api.server
        .simulate_event(DEMO_MEMBER_JOHN, RunOn::InvitationWithdrawn)
        .await
        .unwrap();
    // Connected fires only the demo webhook (RunOn 1), not ours.
    api.server
        .simulate_event(DEMO_MEMBER_JOHN, RunOn::MemberConnected)
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
        [
            RunOn::ReplyDetected.assumed_payload_name().unwrap(),
            RunOn::InvitationWithdrawn.assumed_payload_name().unwrap()
        ]
    );
    assert_eq!(payloads[0].has_reply, Some(true));
    assert!(payloads[1]
        .status
        .as_ref()
        .unwrap()
        .contains(MemberFlags::INVITATION_WITHDRAWN));
    assert_eq!(
        api.server
            .simulate_event(MemberId::new(1), RunOn::MemberConnected)
            .await,
        Err(MockError::UnknownMember(MemberId::new(1)))
    );
}

#[tokio::test]
async fn a_muted_member_is_not_delivered_when_the_webhook_disables_muted_contacts() {
    let api = Api::start().await;
    let quiet = Receiver::start().await;
    let loud = Receiver::start().await;
    let quiet_id = hook(&api, &quiet.url, Some(true), &[1]).await;
    hook(&api, &loud.url, Some(false), &[1]).await;

    // Ann is muted in the demo world; mute John through the control route.
    let answer = api
        .call_control(
            Method::POST,
            &format!("/_mock/members/{DEMO_MEMBER_JOHN}/mute"),
            None,
        )
        .await;
    assert_eq!(
        answer,
        (200, json!({"member_id": DEMO_MEMBER_JOHN, "muted": true}))
    );
    for member in [DEMO_MEMBER_ANN, DEMO_MEMBER_JOHN] {
        let outcome = api
            .server
            .simulate_event(member, RunOn::MemberConnected)
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
        .simulate_event(DEMO_MEMBER_JOHN, RunOn::MemberConnected)
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
        .json(&json!({"member_id": 1, "event": "connected"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"error": "member 1 not found"}));
    let response = api
        .http
        .post(api.control("/_mock/events"))
        .json(&json!({"member_id": DEMO_MEMBER_JOHN, "event": "exploded"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // One casing: the camelCase key of earlier versions is refused, with a hint.
    let (status, body) = api
        .call_control(
            Method::POST,
            "/_mock/events",
            Some(json!({"memberId": DEMO_MEMBER_JOHN, "event": "connected"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("member_id"),
        "{body}"
    );
    let (status, body) = api
        .call_control(Method::POST, "/_mock/members/abc/mute", None)
        .await;
    assert_eq!(status, 400);
    assert!(body["error"].is_string(), "{body}");

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

/// Asserts that every key of `value` is snake_case, except inside the vendor's own records
/// (a delivery's `payload`, a recorded request's `body`), which keep the vendor's names.
fn assert_snake_case(value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let snake = key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                assert!(snake, "`{at}.{key}` is not snake_case");
                if key != "payload" && key != "body" {
                    assert_snake_case(value, &format!("{at}.{key}"));
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| assert_snake_case(v, at)),
        _ => {}
    }
}

#[tokio::test]
async fn the_control_api_has_one_casing() {
    let api = Api::start().await;
    let receiver = Receiver::start().await;
    hook(&api, &receiver.url, None, &[2]).await;
    let mut answers = Vec::new();
    let fault = json!({"kind": "too_many_requests", "operation": "getContact", "times": 2});
    answers.push(
        api.call_control(Method::POST, "/_mock/faults", Some(fault))
            .await,
    );
    answers.push(api.call_control(Method::GET, "/_mock/faults", None).await);
    let event = json!({"member_id": DEMO_MEMBER_JOHN, "event": "reply_detected"});
    answers.push(
        api.call_control(Method::POST, "/_mock/events", Some(event))
            .await,
    );
    answers.push(
        api.call_control(Method::GET, "/_mock/deliveries", None)
            .await,
    );
    answers.push(api.call_control(Method::GET, "/_mock/requests", None).await);
    let mute = format!("/_mock/members/{DEMO_MEMBER_ANN}/mute");
    let unmute = json!({"muted": false});
    answers.push(api.call_control(Method::POST, &mute, Some(unmute)).await);
    answers.push(
        api.call_control(Method::POST, "/_mock/events", Some(json!({})))
            .await,
    );
    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, [201, 200, 200, 200, 200, 200, 400]);
    for (i, (_, body)) in answers.iter().enumerate() {
        assert!(!body.is_null(), "answer {i} is JSON");
        assert_snake_case(body, &format!("answer {i}"));
    }
    assert_eq!(
        answers[1].1[0]["retry_after_secs"], 1,
        "a default is written"
    );
    assert_eq!(answers[1].1[0]["operation"], "getContact");
    assert_eq!(
        answers[3].1[0]["webhook_campaign_id"],
        answers[2].1["deliveries"][0]["webhook_campaign_id"]
    );
    assert!(answers[6].1["error"].is_string());
}

#[tokio::test]
async fn a_patched_field_the_sdk_does_not_know_is_served_by_every_operation_returning_the_member() {
    use salesflow_api::types::{ListContactsRequest, UpdateContactRequest};

    let api = Api::start().await;
    let john = format!("/_mock/members/{DEMO_MEMBER_JOHN}");
    let patch = json!({"Nickname": "Jo", "Occupation": "CTO"});
    let (status, patched) = api.call_control(Method::PATCH, &john, Some(patch)).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        (
            &patched["MemberId"],
            &patched["Nickname"],
            &patched["Occupation"]
        ),
        (&json!(DEMO_MEMBER_JOHN), &json!("Jo"), &json!("CTO"))
    );

    // Through the generated client, which keeps unknown fields in `extra`.
    let client = api.client();
    let jo = Some(&json!("Jo"));

    let details = client.get_contact(&DEMO_MEMBER_JOHN).await.unwrap();
    assert_eq!(details.extra.get("Nickname"), jo, "GetContact");
    assert_eq!(details.occupation.as_deref(), Some("CTO"));

    let listed = client
        .list_contacts_by_campaign(&DEMO_CAMPAIGN_RUNNING, None)
        .await
        .unwrap()
        .into_inner();
    let item = listed
        .iter()
        .find(|c| c.member_id == DEMO_MEMBER_JOHN)
        .unwrap();
    assert_eq!(
        item.extra.get("Nickname"),
        jo,
        "ListContacts (by campaignId)"
    );
    assert_eq!(item.public_identifier, None);
    assert!(
        listed
            .iter()
            .filter(|c| c.member_id != DEMO_MEMBER_JOHN)
            .all(|c| c.extra.is_empty()),
        "only John was patched"
    );

    let request = ListContactsRequest {
        public_identifiers: vec!["john-doe-100".parse().unwrap()],
        updated_from_date: None,
    };
    let listed = client
        .list_contacts_by_public_identifiers(&request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].extra.get("Nickname"),
        jo,
        "ListContacts (by public identifiers)"
    );

    let by_identifier = client
        .get_contact_by_public_identifier(&"john-doe-100".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        by_identifier.extra.get("Nickname"),
        jo,
        "GetContact (by public identifier)"
    );

    let update = UpdateContactRequest {
        last_name: Some("Smith".parse().unwrap()),
        ..UpdateContactRequest::default()
    };
    let updated = client
        .update_contact(&DEMO_MEMBER_JOHN, &update)
        .await
        .unwrap();
    assert_eq!(updated.extra.get("Nickname"), jo, "UpdateContact");
    assert_eq!(updated.last_name.as_deref(), Some("Smith"));

    // Through the method: `null` removes a field (JSON merge patch).
    let remove = json!({"Nickname": null}).as_object().cloned().unwrap();
    api.server.patch_member(DEMO_MEMBER_JOHN, remove).unwrap();
    let details = client.get_contact(&DEMO_MEMBER_JOHN).await.unwrap();
    assert!(details.extra.is_empty(), "{:?}", details.extra);
    assert_eq!(
        details.last_name.as_deref(),
        Some("Smith"),
        "the rest stays"
    );

    // Errors: unknown member (404), a known field of the wrong type or a new MemberId (400,
    // nothing changed), a body that is no object (400).
    assert_eq!(
        api.server
            .patch_member(MemberId::new(1), serde_json::Map::new()),
        Err(MockError::UnknownMember(MemberId::new(1)))
    );
    let (status, body) = api
        .call_control(Method::PATCH, "/_mock/members/1", Some(json!({})))
        .await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "member 1 not found"}))
    );
    for bad in [json!({"FirstName": 5}), json!({"MemberId": 7}), json!([1])] {
        let (status, body) = api
            .call_control(Method::PATCH, &john, Some(bad.clone()))
            .await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"].is_string(), "{body}");
    }
    let after = client.get_contact(&DEMO_MEMBER_JOHN).await.unwrap();
    assert_eq!(after.first_name.as_deref(), Some("John"));
}

/// Every event of the spec (`RunOn::KNOWN`, generated from it) is simulated, delivered to the
/// webhooks attached for its code, with the payload name the spec gives it; an unknown code
/// is simulated too.
#[tokio::test]
async fn every_event_of_the_spec_and_an_unknown_code_are_simulated() {
    let api = Api::start().await;
    let events: Vec<RunOn> = RunOn::KNOWN
        .iter()
        .copied()
        .chain([RunOn::Unknown(9999)])
        .collect();
    let mut receivers = Vec::new();
    for event in &events {
        let receiver = Receiver::start().await;
        // One webhook per event: a webhook is attached to a campaign at most three times.
        hook(&api, &receiver.url, Some(false), &[event.code()]).await;
        receivers.push(receiver);
    }
    for (event, receiver) in events.iter().zip(&receivers) {
        let outcome = api
            .server
            .simulate_event(DEMO_MEMBER_JOHN, *event)
            .await
            .unwrap();
        assert_eq!(outcome.event.run_on(), *event);
        let ours = outcome
            .deliveries
            .iter()
            .filter(|d| d.url == receiver.url)
            .count();
        assert_eq!(ours, 1, "{event:?}");
        let payloads = receiver.payloads();
        assert_eq!(payloads.len(), 1, "{event:?}");
        assert_eq!(
            payloads[0].integration_run_on.as_deref(),
            event.assumed_payload_name(),
            "{event:?}"
        );
        assert_eq!(payloads[0].member_id, Some(DEMO_MEMBER_JOHN.get()));
    }
}

#[test]
fn mock_events_read_every_form_of_an_event_name() {
    for (json, want) in [
        (json!("connected"), RunOn::MemberConnected),
        (json!("reply_detected"), RunOn::ReplyDetected),
        (json!("invitation_withdrawn"), RunOn::InvitationWithdrawn),
        (json!("MEMBER_CONNECTED"), RunOn::MemberConnected),
        (json!("run-on-9999"), RunOn::Unknown(9999)),
        (json!(7), RunOn::InvitationWithdrawn),
        (json!(9999), RunOn::Unknown(9999)),
    ] {
        let event: MockEvent = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(event.run_on(), want, "{json}");
        let again: MockEvent =
            serde_json::from_value(serde_json::to_value(event).unwrap()).unwrap();
        assert_eq!(again, event);
    }
    for known in RunOn::KNOWN {
        let event = MockEvent::from(*known);
        assert_eq!(
            serde_json::to_value(event).unwrap(),
            json!(known.name().unwrap().to_ascii_lowercase())
        );
    }
    assert!(serde_json::from_value::<MockEvent>(json!("ZZ_NOT_A_VALUE")).is_err());
}
