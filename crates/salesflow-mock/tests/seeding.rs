//! Members seeded directly (`MockState::add_member`, `POST /_mock/members`): served by the API
//! like imported ones, without an ImportMember request, and refused with a typed error when
//! they cannot be made.

mod common;

use common::Api;
use reqwest::Method;
use salesflow_api::types::ContactDetails;
use salesflow_mock::{
    MockError, Seed, DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_PAUSED, DEMO_CAMPAIGN_RUNNING,
    DEMO_OTHER_ACCOUNT_ID,
};
use salesflow_webhook_types::{CampaignId, MemberFlags, RunOn};
use serde_json::{json, Map, Value};

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_seeded_member_is_served_by_the_api_and_logs_no_request() {
    let api = Api::start().await;
    let id = api
        .server
        .add_member(
            DEMO_CAMPAIGN_PAUSED,
            "jane-roe-700",
            object(json!({"FirstName": "Jane", "Email": "jane@example.com", "Nickname": "J"})),
        )
        .unwrap();
    assert!(api.server.requests().is_empty(), "seeding sends no request");

    let client = api.client();
    let details = client.get_contact(&id).await.unwrap().into_inner();
    assert_eq!(details.first_name.as_deref(), Some("Jane"));
    assert_eq!(details.email.as_deref(), Some("jane@example.com"));
    assert_eq!(details.extra.get("Nickname"), Some(&json!("J")));
    assert_eq!(details.public_identifier.as_deref(), Some("jane-roe-700"));
    assert_eq!(
        details.member_url.as_deref(),
        Some("https://linkedin.com/in/jane-roe-700")
    );
    assert_eq!(details.campaign_id, Some(DEMO_CAMPAIGN_PAUSED));
    assert_eq!(details.campaign_name.as_deref(), Some("Java developers"));
    assert_eq!(details.flags(), MemberFlags::IMPORTED);
    assert!(details.added_at.is_some() && details.last_modified_at.is_some());

    // Found by its identifier, listed in its campaign.
    let found = client
        .get_contact_by_public_identifier(&"jane-roe-700".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(found.member_id, id);
    let listed = client
        .list_contacts_by_campaign(&DEMO_CAMPAIGN_PAUSED, None)
        .await
        .unwrap();
    assert!(listed.iter().any(|c| c.member_id == id));

    // An import of the same profile is a duplicate of the seeded member.
    let query = format!(
        "campaignId={DEMO_CAMPAIGN_PAUSED}&linkedInUrl=https://www.linkedin.com/in/jane-roe-700"
    );
    let (status, imported) = api.get("/members/Import", &query).await;
    assert_eq!(status, 200, "{imported}");
    let imported: ContactDetails = serde_json::from_value(imported).unwrap();
    assert!(imported.is_duplicate(), "{imported:?}");
    assert_eq!(imported.first_name.as_deref(), Some("Jane"));
}

#[tokio::test]
async fn a_seeded_status_is_kept_and_a_connected_member_fires_with_its_date() {
    let api = Api::start().await;
    let id = api
        .server
        .add_member(
            DEMO_CAMPAIGN_RUNNING,
            "kim-lo-800",
            object(json!({"Status": "MEMBER_CONNECTED, MEMBER_ERROR"})),
        )
        .unwrap();
    let details = api.client().get_contact(&id).await.unwrap().into_inner();
    assert_eq!(details.flags(), MemberFlags::CONNECTED | MemberFlags::ERROR);
    // A reply detected for it is delivered with the `ConnectedAt` of its seeding.
    let (status, hook) = api
        .post(
            "/webhooks/create",
            "",
            json!({"Name": "replies", "Url": "http://127.0.0.1:9/replies"}),
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    let q = format!(
        "webhookId={}&campaignId={DEMO_CAMPAIGN_RUNNING}&runOn=2",
        hook["WebhookId"]
    );
    assert_eq!(api.post("/webhooks/attach", &q, json!({})).await.0, 200);
    api.server
        .simulate_event(id, RunOn::ReplyDetected)
        .await
        .unwrap();
    let deliveries = api.server.deliveries();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert_eq!(deliveries[0].member_id, id);
    assert!(
        deliveries[0].payload["ConnectedAt"].is_string(),
        "{}",
        deliveries[0].payload
    );
}

#[tokio::test]
async fn the_control_route_seeds_a_member_and_answers_it() {
    let api = Api::start_with(Seed::Empty).await;
    let campaign = api.server.add_campaign(
        DEMO_OTHER_ACCOUNT_ID,
        "Other's campaign",
        salesflow_webhook_types::CampaignStatus::Running,
    );
    let body = json!({
        "campaign_id": campaign,
        "public_identifier": "lee-park-900",
        "fields": {"LastName": "Park"}
    });
    let (status, member) = api
        .call_control(Method::POST, "/_mock/members", Some(body))
        .await;
    assert_eq!(status, 201, "{member}");
    let member: ContactDetails = serde_json::from_value(member).unwrap();
    assert_eq!(member.last_name.as_deref(), Some("Park"));
    assert_eq!(member.campaign_id, Some(campaign));

    // The member belongs to the campaign's account: another account does not see it.
    let (status, _) = api.get(&format!("/members/{}", member.member_id), "").await;
    assert_eq!(
        status, 404,
        "{DEMO_ACCOUNT_ID} sees a member of {DEMO_OTHER_ACCOUNT_ID}"
    );

    // Without fields; an id without a campaign; fields of the wrong type; a chosen id.
    let (status, _) = api
        .call_control(
            Method::POST,
            "/_mock/members",
            Some(json!({"campaign_id": campaign, "public_identifier": "no-fields"})),
        )
        .await;
    assert_eq!(status, 201);
    let cases = [
        (
            json!({"campaign_id": 1, "public_identifier": "x"}),
            404,
            "campaign 1 not found",
        ),
        (
            json!({"campaign_id": campaign, "public_identifier": "x", "fields": {"FirstName": 5}}),
            400,
            "invalid member patch",
        ),
        (
            json!({"campaign_id": campaign, "public_identifier": "x", "fields": {"MemberId": 5}}),
            400,
            "`MemberId` cannot be given",
        ),
        (
            json!({"campaign_id": campaign, "public_identifier": " "}),
            400,
            "the public identifier is empty",
        ),
        (json!({"campaign_id": campaign}), 400, "invalid JSON body"),
    ];
    for (body, expected_status, expected) in cases {
        let (status, answer) = api
            .call_control(Method::POST, "/_mock/members", Some(body.clone()))
            .await;
        assert_eq!(status, expected_status, "{body} -> {answer}");
        let message = answer["error"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{body} -> {message}");
    }
}

#[test]
fn errors_of_the_method_are_typed_and_add_nothing() {
    let state = salesflow_mock::MockState::new(Seed::Demo);
    assert_eq!(
        state.add_member(CampaignId::new(1), "x", Map::new()),
        Err(MockError::UnknownCampaign(CampaignId::new(1)))
    );
    let wrong = state.add_member(
        DEMO_CAMPAIGN_RUNNING,
        "x",
        object(json!({"CampaignId": 29889})),
    );
    assert!(
        matches!(wrong, Err(MockError::InvalidPatch(_))),
        "{wrong:?}"
    );
    // The ids picked after refusals are the next ones: nothing was consumed.
    let a = state
        .add_member(DEMO_CAMPAIGN_RUNNING, "a", Map::new())
        .unwrap();
    let b = state
        .add_member(DEMO_CAMPAIGN_RUNNING, "b", Map::new())
        .unwrap();
    assert_eq!(b.get(), a.get() + 1);
}
