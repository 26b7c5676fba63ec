//! Each fault kind is observable, once/times/always work, and faults can be set over HTTP.

mod common;

use std::time::{Duration, Instant};

use common::Api;
use salesflow_api::Operation;
use salesflow_mock::{Fault, FaultId, FaultKind, MockError, DEMO_CAMPAIGN_PAUSED};
use serde_json::{json, Value};

const CAMPAIGNS: &str = "/campaigns/list-campaigns";

async fn raw(api: &Api, path: &str, query: &str) -> reqwest::Response {
    api.http
        .get(api.url(path, query))
        .send()
        .await
        .expect("a response")
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let api = Api::start().await;
    api.server
        .inject(
            Fault::new(FaultKind::Latency { ms: 300 })
                .for_operation(Operation::ListCampaigns)
                .once(),
        )
        .unwrap();
    let start = Instant::now();
    assert_eq!(api.get(CAMPAIGNS, "").await.0, 200);
    assert!(start.elapsed() >= Duration::from_millis(300));
    let start = Instant::now();
    api.get(CAMPAIGNS, "").await;
    assert!(start.elapsed() < Duration::from_millis(300), "used up");
}

#[tokio::test]
async fn too_many_requests_has_retry_after() {
    let api = Api::start().await;
    api.server
        .inject(
            Fault::new(FaultKind::TooManyRequests {
                retry_after_secs: 7,
            })
            .times(2),
        )
        .unwrap();
    for _ in 0..2 {
        let response = raw(&api, CAMPAIGNS, "").await;
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "7");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Status"], 429);
    }
    assert_eq!(raw(&api, CAMPAIGNS, "").await.status(), 200);
    assert!(api.server.faults().is_empty());
}

#[tokio::test]
async fn server_errors_are_html() {
    let api = Api::start().await;
    api.server
        .inject(Fault::new(FaultKind::ServerError).once())
        .unwrap();
    api.server
        .inject(
            Fault::new(FaultKind::BadGateway)
                .for_path("/api/webhooks/list")
                .once(),
        )
        .unwrap();
    let response = raw(&api, CAMPAIGNS, "").await;
    assert_eq!(response.status(), 500);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(response.text().await.unwrap().contains("<html>"));
    // The path-scoped 502 waits for its path.
    assert_eq!(raw(&api, CAMPAIGNS, "").await.status(), 200);
    let response = raw(&api, "/webhooks/list", "").await;
    assert_eq!(response.status(), 502);
    assert!(response.text().await.unwrap().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn connection_reset_is_a_transport_error() {
    let api = Api::start().await;
    api.server
        .inject(Fault::new(FaultKind::ConnectionReset).once())
        .unwrap();
    let result = api.http.get(api.url(CAMPAIGNS, "")).send().await;
    let failed = match result {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(failed, "the client must see a transport error");
    assert_eq!(
        api.get(CAMPAIGNS, "").await.0,
        200,
        "the server still works"
    );
    assert_eq!(api.server.requests()[0].faults, ["connection_reset"]);
}

#[tokio::test]
async fn truncated_and_malformed_json_do_not_parse() {
    let api = Api::start().await;
    for kind in [FaultKind::TruncatedJson, FaultKind::MalformedJson] {
        api.server.inject(Fault::new(kind.clone()).once()).unwrap();
        let response = raw(&api, CAMPAIGNS, "").await;
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.expect("a complete body");
        assert!(!bytes.is_empty());
        assert!(serde_json::from_slice::<Value>(&bytes).is_err(), "{kind:?}");
    }
}

#[tokio::test]
async fn rewriting_faults_still_change_the_state() {
    let api = Api::start().await;
    api.server
        .inject(
            Fault::new(FaultKind::TruncatedJson)
                .for_operation(Operation::StartCampaign)
                .once(),
        )
        .unwrap();
    let q = format!("campaignId={DEMO_CAMPAIGN_PAUSED}");
    let (status, body) = api.post("/campaigns/start", &q, json!({})).await;
    assert_eq!((status, body), (200, Value::Null));
    assert_eq!(api.post("/campaigns/start", &q, json!({})).await.0, 409);
}

#[tokio::test]
async fn error_in_ok_is_http_200_with_an_error_status() {
    let api = Api::start().await;
    api.server
        .inject(
            Fault::new(FaultKind::ErrorInOk {
                status: 404,
                message: Some("Campaign not found.".into()),
            })
            .for_path("/statistics/GetCampaignStatistics")
            .once(),
        )
        .unwrap();
    let (status, body) = api
        .get("/statistics/GetCampaignStatistics", "campaignId=29854")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"Status": 404, "Message": "Campaign not found."})
    );
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields() {
    let api = Api::start().await;
    api.server
        .inject(Fault::new(FaultKind::UnknownEnumValues).times(4))
        .unwrap();
    let (_, campaigns) = api.get(CAMPAIGNS, "").await;
    assert_eq!(campaigns[0]["Status"], "CAMPAIGN_ARCHIVED");
    let (_, member) = api.get("/members/46875434", "").await;
    assert_eq!(member["Status"], "MEMBER_INVITATION_SENT, MEMBER_SNOOZED");
    let details: salesflow_api::types::ContactDetails = serde_json::from_value(member).unwrap();
    assert_eq!(details.status.unwrap().unknown_names(), ["MEMBER_SNOOZED"]);
    let (_, hooks) = api.get("/webhooks/list", "").await;
    assert_eq!(hooks[0]["AttachedWebhookCampaigns"][0]["RunOn"], 9999);
    let url = format!(
        "{}/accounts/list?token={}",
        api.server.base_url(),
        api.token
    );
    let (_, accounts) = api.send(api.http.get(url)).await;
    assert_eq!(accounts[0]["Status"], "ACCOUNT_SUSPENDED");

    api.server
        .inject(Fault::new(FaultKind::ExtraFields).once())
        .unwrap();
    let (_, campaigns) = api.get(CAMPAIGNS, "").await;
    assert_eq!(campaigns[0]["MockExtraField"], "added by salesflow-mock");
    assert_eq!(campaigns[0]["MockExtraObject"]["Nested"], 1);
    let typed: Vec<salesflow_api::types::Campaign> = serde_json::from_value(campaigns).unwrap();
    assert_eq!(typed.len(), 3);
}

#[tokio::test]
async fn faults_over_http() {
    let api = Api::start().await;
    let add = |body: Value| {
        api.http
            .post(api.control("/_mock/faults"))
            .json(&body)
            .send()
    };
    let response = add(json!({"kind": "server_error", "operation": "listWebhooks"}))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let id = FaultId::new(
        response.json::<Value>().await.unwrap()["id"]
            .as_u64()
            .unwrap(),
    );
    for _ in 0..3 {
        assert_eq!(
            raw(&api, "/webhooks/list", "").await.status(),
            500,
            "always"
        );
    }
    assert_eq!(
        raw(&api, CAMPAIGNS, "").await.status(),
        200,
        "other operations untouched"
    );
    let listed: Value = reqwest::get(api.control("/_mock/faults"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["kind"], "server_error");
    assert_eq!(listed[0]["remaining"], Value::Null);
    let removed = api
        .http
        .delete(api.control(&format!("/_mock/faults/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(raw(&api, "/webhooks/list", "").await.status(), 200);

    let response = add(json!({"kind": "too_many_requests", "times": 1}))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(raw(&api, CAMPAIGNS, "").await.status(), 429);
    assert_eq!(raw(&api, CAMPAIGNS, "").await.status(), 200);

    assert_eq!(
        add(json!({"kind": "nonsense"})).await.unwrap().status(),
        400
    );
    let refused = add(json!({"kind": "bad_gateway", "operation": "noSuchOp"}))
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let error = refused.json::<Value>().await.unwrap()["error"].to_string();
    assert!(error.contains("noSuchOp"), "{error}");
    let refused = add(json!({"kind": "bad_gateway", "times": 0}))
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"],
        MockError::FaultNeverApplies.to_string()
    );
    let removed = api
        .http
        .delete(api.control("/_mock/faults/999"))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 404);

    add(json!({"kind": "bad_gateway"})).await.unwrap();
    let cleared = api
        .http
        .delete(api.control("/_mock/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    assert_eq!(raw(&api, CAMPAIGNS, "").await.status(), 200);
}

#[tokio::test]
async fn faults_are_typed() {
    let api = Api::start().await;
    assert_eq!(
        api.server
            .inject(Fault::new(FaultKind::ServerError).times(0)),
        Err(MockError::FaultNeverApplies)
    );
    assert!(api.server.faults().is_empty());
    let id = api
        .server
        .inject(Fault::new(FaultKind::ServerError).for_operation(Operation::GetContact))
        .unwrap();
    let active = api.server.faults();
    assert_eq!(active.len(), 1);
    assert_eq!(
        (active[0].id, active[0].fault.operation),
        (id, Some(Operation::GetContact))
    );
    // Routed by the operation, not by the path: DeleteContact shares GetContact's path.
    let john = "/members/46875434";
    assert_eq!(api.get(john, "").await.0, 500);
    assert_eq!(api.get(john, "").await.0, 500, "always");
    let log = api.server.requests();
    assert_eq!(log[0].operation, Some(Operation::GetContact));
    assert_eq!(log[0].faults, ["server_error"]);
    assert_eq!(api.delete(john, "").await.0, 200);
    assert!(api.server.remove_fault(id));
    assert!(!api.server.remove_fault(id));
}
