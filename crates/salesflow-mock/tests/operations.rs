//! Every operation's happy path with its effect on the state, and the documented failures.

mod common;

use common::Api;
use salesflow_mock::{
    Seed, DEMO_ACCOUNT_ID, DEMO_BLOCKED_ACCOUNT_ID, DEMO_CAMPAIGN_BLOCKED, DEMO_CAMPAIGN_EMPTY,
    DEMO_CAMPAIGN_PAUSED, DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_ANN, DEMO_MEMBER_JOHN,
    DEMO_OTHER_TOKEN, DEMO_TOKEN, DEMO_WEBHOOK_ID,
};
use salesflow_webhook_types::{CampaignStatus, DotNetDate, MemberFlags, MemberStatus};
use serde_json::{json, Value};

fn status_of(v: &Value) -> MemberStatus {
    serde_json::from_value(v["Status"].clone()).expect("a member status")
}

#[tokio::test]
async fn list_accounts_takes_only_the_token() {
    let api = Api::start().await;
    let url = format!("{}/accounts/list?token={DEMO_TOKEN}", api.server.base_url());
    let (status, body) = api.send(api.http.get(url)).await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["AccountId"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [DEMO_ACCOUNT_ID, DEMO_BLOCKED_ACCOUNT_ID]);
    assert_eq!(body[1]["Status"], "ACCOUNT_BLOCKED");
    let accounts: Vec<salesflow_api::types::Account> = serde_json::from_value(body).unwrap();
    assert_eq!(
        accounts[0].account_email.as_deref(),
        Some("active@example.com")
    );
}

#[tokio::test]
async fn statistics_are_computed_from_members() {
    let api = Api::start().await;
    let q = format!("campaignId={DEMO_CAMPAIGN_RUNNING}");
    let (status, before) = api.get("/statistics/GetCampaignStatistics", &q).await;
    assert_eq!(status, 200);
    assert_eq!(before["Total"], 3);
    assert_eq!(before["Connections"], 1);
    assert_eq!(before["Invitations"], 1);
    assert_eq!(before["Pending"], 1);
    let updated = before["UpdatedAt"].as_str().unwrap();
    assert!(
        updated.starts_with("/Date(") && updated.ends_with(")/"),
        "{updated}"
    );
    updated.parse::<DotNetDate>().unwrap();
    let stats: salesflow_api::types::CampaignStatistics =
        serde_json::from_value(before.clone()).unwrap();
    assert_eq!(stats.campaign_id, DEMO_CAMPAIGN_RUNNING);

    let import = format!(
        "campaignId={DEMO_CAMPAIGN_RUNNING}&linkedInUrl=https://linkedin.com/in/new-person-1"
    );
    assert_eq!(api.get("/members/Import", &import).await.0, 200);
    let (_, after) = api.get("/statistics/GetCampaignStatistics", &q).await;
    assert_eq!(after["Total"], 4);
    assert_eq!(after["Imported"], 1);
}

#[tokio::test]
async fn import_then_list_shows_the_member() {
    let api = Api::start().await;
    let q = format!(
        "campaignId={DEMO_CAMPAIGN_PAUSED}&linkedInUrl=https://www.linkedin.com/in/jane-roe-42/\
         &firstName=Jane&lastName=Roe&occupation=CTO&location=Berlin&custom1=vip"
    );
    let (status, created) = api.get("/members/Import", &q).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["PublicIdentifier"], "jane-roe-42");
    assert_eq!(created["FirstName"], "Jane");
    assert_eq!(created["Industry"], Value::Null);
    let id = created["MemberId"].as_i64().unwrap();
    let contact: salesflow_api::types::Contact = serde_json::from_value(created).unwrap();
    assert_eq!(contact.member_id, id);

    let (_, list) = api
        .get(
            "/members/list-contacts",
            &format!("campaignId={DEMO_CAMPAIGN_PAUSED}"),
        )
        .await;
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["MemberId"] == id)
        .expect("the imported member is listed");
    assert!(item.get("PublicIdentifier").is_none(), "{item}");
    assert_eq!(item["Occupation"], "CTO");

    let (status, details) = api.get(&format!("/members/{id}"), "").await;
    assert_eq!(status, 200);
    assert_eq!(details["CampaignId"], DEMO_CAMPAIGN_PAUSED);
    assert_eq!(details["CampaignName"], "Java developers");
    assert_eq!(status_of(&details).flags(), MemberFlags::IMPORTED);

    let (status, by_ident) = api.get("/members", "publicIdentifier=jane-roe-42").await;
    assert_eq!(status, 200);
    assert_eq!(by_ident["MemberId"], id);
}

#[tokio::test]
async fn importing_the_same_profile_twice_flags_a_duplicate() {
    let api = Api::start().await;
    // john-doe-100 is already in the running campaign; import him into another one.
    let q = format!(
        "campaignId={DEMO_CAMPAIGN_PAUSED}&linkedInUrl=https://linkedin.com/in/john-doe-100"
    );
    let (status, dup) = api.get("/members/Import", &q).await;
    assert_eq!(status, 200);
    assert_ne!(dup["MemberId"], DEMO_MEMBER_JOHN);
    assert!(status_of(&dup).contains(MemberFlags::DUPLICATE), "{dup}");
    let dup_id = dup["MemberId"].as_i64().unwrap();
    let (_, details) = api.get(&format!("/members/{dup_id}"), "").await;
    assert!(status_of(&details).is_duplicate());
    // The original is kept and is what the identifier finds.
    let (_, original) = api.get("/members", "publicIdentifier=john-doe-100").await;
    assert_eq!(original["MemberId"], DEMO_MEMBER_JOHN);
    let (_, john) = api.get(&format!("/members/{DEMO_MEMBER_JOHN}"), "").await;
    assert!(!status_of(&john).is_duplicate());
}

#[tokio::test]
async fn get_contact_returns_details() {
    let api = Api::start().await;
    let (status, ann) = api.get(&format!("/members/{DEMO_MEMBER_ANN}"), "").await;
    assert_eq!(status, 200);
    assert_eq!(ann["Status"], "MEMBER_PENDING, MEMBER_ERROR");
    assert_eq!(ann["CampaignId"], DEMO_CAMPAIGN_RUNNING);
    assert_eq!(ann["CampaignName"], "Sales");
    let details: salesflow_api::types::ContactDetails = serde_json::from_value(ann).unwrap();
    assert!(details.status.unwrap().is_error());
    let (status, missing) = api.get("/members/1", "").await;
    assert_eq!((status, missing["Status"].clone()), (404, json!(404)));
    let (status, _) = api.get("/members", "publicIdentifier=nobody").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn update_contact_changes_the_member() {
    let api = Api::start().await;
    let path = format!("/members/{DEMO_MEMBER_JOHN}");
    // Field names are case-insensitive, as the vendor's example mixes them.
    let (status, updated) = api
        .post(
            &path,
            "",
            json!({"lastName": "Smith", "FirstName": "Johnny", "email": "j@example.com"}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["FirstName"], "Johnny");
    assert_eq!(updated["LastName"], "Smith");
    assert_eq!(updated["Occupation"], "CEO", "untouched fields stay");
    let (_, again) = api.get(&path, "").await;
    assert_eq!(again["Email"], "j@example.com");
    let (status, err) = api.post(&path, "", json!({"nickname": "J"})).await;
    assert_eq!((status, err["Status"].clone()), (400, json!(400)));
    let (status, _) = api.post(&path, "", json!({"firstName": 5})).await;
    assert_eq!(status, 400);
    let long = "x".repeat(64);
    let (status, _) = api.post(&path, "", json!({ "firstName": long })).await;
    assert_eq!(status, 400);
    let (status, _) = api.post("/members/1", "", json!({"firstName": "A"})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn delete_contact_removes_the_member() {
    let api = Api::start().await;
    let path = format!("/members/{DEMO_MEMBER_JOHN}");
    let (status, body) = api.delete(&path, "").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"Status": 204, "Message": null}));
    assert_eq!(api.get(&path, "").await.0, 404);
    assert_eq!(api.delete(&path, "").await.0, 404);
}

#[tokio::test]
async fn list_contacts_by_public_identifiers() {
    let api = Api::start().await;
    let (status, list) = api
        .post(
            "/members/list-contacts",
            "",
            json!({"PublicIdentifiers": ["john-doe-100", "nobody", "ann-lee-200"]}),
        )
        .await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["PublicIdentifier"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["john-doe-100", "ann-lee-200"]);

    let many: Vec<String> = (0..21).map(|i| format!("id{i}")).collect();
    let (status, body) = api
        .post(
            "/members/list-contacts",
            "",
            json!({ "PublicIdentifiers": many }),
        )
        .await;
    assert_eq!((status, body["Status"].clone()), (400, json!(400)));
    let (status, _) = api
        .post(
            "/members/list-contacts",
            "",
            json!({ "PublicIdentifiers": [] }),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = api
        .post(
            "/members/list-contacts",
            "",
            json!({ "PublicIdentifiers": [""] }),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = api.post("/members/list-contacts", "", json!({})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn list_campaigns_shows_statuses_and_filters_by_date() {
    let api = Api::start().await;
    let (status, list) = api.get("/campaigns/list-campaigns", "").await;
    assert_eq!(status, 200);
    let campaigns: Vec<salesflow_api::types::Campaign> = serde_json::from_value(list).unwrap();
    assert_eq!(campaigns.len(), 3);
    assert_eq!(campaigns[0].status, Some(CampaignStatus::Running));
    assert_eq!(campaigns[1].status, Some(CampaignStatus::Paused));
    assert_eq!(campaigns[2].status, Some(CampaignStatus::Stopped));
    let (status, recent) = api
        .get(
            "/campaigns/list-campaigns",
            "updatedFromDate=2999-01-01T00:00:00Z",
        )
        .await;
    assert_eq!((status, recent), (200, json!([])));
    let (status, _) = api
        .get("/campaigns/list-campaigns", "updatedFromDate=yesterday")
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn start_campaign_then_start_again_conflicts() {
    let api = Api::start().await;
    let q = format!("campaignId={DEMO_CAMPAIGN_PAUSED}");
    let (status, body) = api.post("/campaigns/start", &q, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"Status": 200, "Message": "Campaign has been started."})
    );
    let (_, list) = api.get("/campaigns/list-campaigns", "").await;
    assert_eq!(list[1]["Status"], "CAMPAIGN_RUNNING");
    let (status, body) = api.post("/campaigns/start", &q, json!({})).await;
    assert_eq!((status, body["Status"].clone()), (409, json!(409)));

    let (status, body) = api
        .post("/campaigns/start", "campaignId=1", json!({}))
        .await;
    assert_eq!((status, body["Status"].clone()), (404, json!(404)));
    let q = format!("campaignId={DEMO_CAMPAIGN_EMPTY}");
    let (status, body) = api.post("/campaigns/start", &q, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(body["Message"], "Campaign has no members.");
    let (status, _) = api
        .post("/campaigns/start", &q, json!({"unexpected": true}))
        .await;
    assert_eq!(status, 400, "EmptyBody admits no property");
}

#[tokio::test]
async fn start_campaign_of_a_blocked_account_is_unprocessable() {
    let mut api = Api::start().await;
    api.account_id = DEMO_BLOCKED_ACCOUNT_ID;
    let q = format!("campaignId={DEMO_CAMPAIGN_BLOCKED}");
    let (status, body) = api.post("/campaigns/start", &q, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(body["Message"], "Account is blocked.");
}

#[tokio::test]
async fn webhook_lifecycle_with_the_three_attachment_rule() {
    let api = Api::start().await;
    let (status, hook) = api
        .post(
            "/webhooks/create",
            "",
            json!({"Name": "CRM", "Url": "https://example.com/h"}),
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    assert_eq!(hook["DisableForMutedContacts"], Value::Null);
    assert_eq!(hook["AttachedWebhookCampaigns"], json!([]));
    let id = hook["WebhookId"].as_i64().unwrap();

    let mut attachments = Vec::new();
    for run_on in [1, 2, 7] {
        let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_RUNNING}&runOn={run_on}");
        let (status, a) = api.post("/webhooks/attach", &q, json!({})).await;
        assert_eq!(status, 200, "{a}");
        assert_eq!(a["RunOn"], run_on);
        let typed: salesflow_api::types::WebhookCampaign = serde_json::from_value(a).unwrap();
        attachments.push(typed.webhook_campaign_id);
    }
    let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_RUNNING}&runOn=2");
    let (status, body) = api.post("/webhooks/attach", &q, json!({})).await;
    assert_eq!(
        (status, body["Status"].clone()),
        (409, json!(409)),
        "a 4th attachment"
    );
    let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_RUNNING}&runOn=3");
    assert_eq!(api.post("/webhooks/attach", &q, json!({})).await.0, 400);
    // Another campaign is fine.
    let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_PAUSED}&runOn=2");
    assert_eq!(api.post("/webhooks/attach", &q, json!({})).await.0, 200);

    let (_, list) = api.get("/webhooks/list", "").await;
    let hooks: Vec<salesflow_api::types::Webhook> = serde_json::from_value(list).unwrap();
    let ours = hooks.iter().find(|h| h.webhook_id == id).unwrap();
    assert_eq!(ours.attached_webhook_campaigns.as_ref().unwrap().len(), 4);
    assert!(hooks.iter().any(|h| h.webhook_id == DEMO_WEBHOOK_ID));

    let q = format!("webhookCampaignId={}", attachments[1]);
    let (status, body) = api.post("/webhooks/detach", &q, json!({})).await;
    assert_eq!(
        (status, body),
        (200, json!({"Status": 204, "Message": null}))
    );
    assert_eq!(api.post("/webhooks/detach", &q, json!({})).await.0, 404);
    let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_RUNNING}&runOn=2");
    assert_eq!(
        api.post("/webhooks/attach", &q, json!({})).await.0,
        200,
        "room again"
    );

    let (status, body) = api
        .delete("/webhooks/delete", &format!("webhookId={id}"))
        .await;
    assert_eq!(
        (status, body),
        (200, json!({"Status": 204, "Message": null}))
    );
    let (_, list) = api.get("/webhooks/list", "").await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["WebhookId"] != id));
    assert_eq!(
        api.delete("/webhooks/delete", &format!("webhookId={id}"))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn create_webhook_validates_its_body() {
    let api = Api::start().await;
    for body in [
        json!({"Name": "A"}),
        json!({"Name": "", "Url": "https://e.com"}),
        json!({"Name": "A", "Url": "x".repeat(512)}),
        json!({"Name": "A", "Url": "https://e.com", "DisableForMutedContacts": "yes"}),
    ] {
        let (status, answer) = api.post("/webhooks/create", "", body.clone()).await;
        assert_eq!(
            (status, answer["Status"].clone()),
            (400, json!(400)),
            "{body}"
        );
    }
}

/// Every operation, with the query and body a valid call needs besides the credentials.
fn all_operations() -> Vec<(&'static str, String, String, Option<Value>)> {
    let c = DEMO_CAMPAIGN_RUNNING;
    let m = DEMO_MEMBER_JOHN;
    let w = DEMO_WEBHOOK_ID;
    vec![
        (
            "GET",
            "/statistics/GetCampaignStatistics".into(),
            format!("campaignId={c}"),
            None,
        ),
        (
            "GET",
            "/members/Import".into(),
            format!("campaignId={c}&linkedInUrl=https://linkedin.com/in/x"),
            None,
        ),
        ("GET", format!("/members/{m}"), String::new(), None),
        (
            "POST",
            format!("/members/{m}"),
            String::new(),
            Some(json!({"firstName": "A"})),
        ),
        ("DELETE", format!("/members/{m}"), String::new(), None),
        (
            "GET",
            "/members".into(),
            "publicIdentifier=nick-foo-300".into(),
            None,
        ),
        (
            "GET",
            "/members/list-contacts".into(),
            format!("campaignId={c}"),
            None,
        ),
        (
            "POST",
            "/members/list-contacts".into(),
            String::new(),
            Some(json!({"PublicIdentifiers": ["a"]})),
        ),
        (
            "GET",
            "/campaigns/list-campaigns".into(),
            String::new(),
            None,
        ),
        (
            "POST",
            "/campaigns/start".into(),
            format!("campaignId={DEMO_CAMPAIGN_PAUSED}"),
            Some(json!({})),
        ),
        ("GET", "/accounts/list".into(), String::new(), None),
        (
            "POST",
            "/webhooks/create".into(),
            String::new(),
            Some(json!({"Name": "n", "Url": "u"})),
        ),
        ("GET", "/webhooks/list".into(), String::new(), None),
        (
            "POST",
            "/webhooks/attach".into(),
            format!("webhookId={w}&campaignId={c}&runOn=2"),
            Some(json!({})),
        ),
        (
            "POST",
            "/webhooks/detach".into(),
            "webhookCampaignId=17745".into(),
            Some(json!({})),
        ),
        (
            "DELETE",
            "/webhooks/delete".into(),
            format!("webhookId={w}"),
            None,
        ),
    ]
}

async fn call(
    api: &Api,
    method: &str,
    path: &str,
    query: &str,
    body: &Option<Value>,
) -> (u16, Value) {
    let url = api.url(path, query);
    let request = match method {
        "GET" => api.http.get(url),
        "POST" => api.http.post(url),
        _ => api.http.delete(url),
    };
    let request = match body {
        Some(b) => request.json(b),
        None => request,
    };
    api.send(request).await
}

#[tokio::test]
async fn every_operation_is_forbidden_with_a_bad_token() {
    let mut api = Api::start().await;
    let operations = all_operations();
    assert_eq!(
        operations.len(),
        salesflow_api::operations::OPERATIONS.len()
    );
    for (token, account) in [
        ("wrong", DEMO_ACCOUNT_ID),
        (DEMO_OTHER_TOKEN, DEMO_ACCOUNT_ID),
        (DEMO_TOKEN, 999),
    ] {
        api.token = token.to_string();
        api.account_id = account;
        for (method, path, query, body) in &operations {
            if path == "/accounts/list" && token != "wrong" {
                continue; // ListAccounts takes the token alone
            }
            let (status, answer) = call(&api, method, path, query, body).await;
            assert_eq!(status, 403, "{method} {path} with {token}/{account}");
            assert_eq!(
                answer,
                json!({"Status": 403, "Message": "Invalid token/account."})
            );
        }
    }
    // No token at all.
    let url = format!(
        "{}/webhooks/list?accountId={DEMO_ACCOUNT_ID}",
        api.server.base_url()
    );
    assert_eq!(api.send(api.http.get(url)).await.0, 403);
    // Nothing changed.
    api.token = DEMO_TOKEN.to_string();
    api.account_id = DEMO_ACCOUNT_ID;
    assert_eq!(
        api.get(&format!("/members/{DEMO_MEMBER_JOHN}"), "").await.0,
        200
    );
}

#[tokio::test]
async fn every_operation_succeeds_with_valid_input() {
    let api = Api::start().await;
    for (method, path, query, body) in all_operations() {
        let (status, answer) = call(&api, method, &path, &query, &body).await;
        assert_eq!(status, 200, "{method} {path}: {answer}");
    }
    let ops: Vec<String> = api
        .server
        .requests()
        .into_iter()
        .filter_map(|r| r.operation_id)
        .collect();
    let expected: Vec<&str> = salesflow_api::operations::OPERATIONS
        .iter()
        .map(|o| o.id)
        .collect();
    let mut sorted_ops = ops.clone();
    sorted_ops.sort();
    let mut sorted_expected = expected.clone();
    sorted_expected.sort();
    assert_eq!(
        sorted_ops, sorted_expected,
        "each request routed to its operation"
    );
}

#[tokio::test]
async fn requests_that_break_the_spec_are_bad_requests() {
    let api = Api::start().await;
    let cases = [
        ("/statistics/GetCampaignStatistics", ""),
        ("/statistics/GetCampaignStatistics", "campaignId=abc"),
        (
            "/statistics/GetCampaignStatistics",
            "campaignId=1&isForceRequest=maybe",
        ),
        ("/members/Import", "campaignId=29854"),
        ("/members/Import", "campaignId=29854&linkedInUrl="),
        ("/members", ""),
        ("/members/list-contacts", ""),
        ("/members/abc", ""),
    ];
    for (path, query) in cases {
        let (status, body) = api.get(path, query).await;
        assert_eq!(status, 400, "{path}?{query}: {body}");
        assert_eq!(body["Status"], 400);
        assert!(body["Message"].is_string());
    }
    let (status, _) = api
        .send(
            api.http
                .post(api.url("/campaigns/start", "campaignId=29889"))
                .body("not json"),
        )
        .await;
    assert_eq!(status, 400);
    let (status, body) = api.get("/no/such/route", "").await;
    assert_eq!((status, body["Status"].clone()), (404, json!(404)));
}

#[tokio::test]
async fn accounts_do_not_see_each_other() {
    let mut api = Api::start().await;
    api.token = DEMO_OTHER_TOKEN.to_string();
    api.account_id = salesflow_mock::DEMO_OTHER_ACCOUNT_ID;
    let (status, list) = api.get("/campaigns/list-campaigns", "").await;
    assert_eq!((status, list), (200, json!([])));
    let (status, _) = api.get(&format!("/members/{DEMO_MEMBER_JOHN}"), "").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn empty_seed_has_accounts_only() {
    let api = Api::start_with(Seed::Empty).await;
    assert_eq!(
        api.get("/campaigns/list-campaigns", "").await,
        (200, json!([]))
    );
    assert_eq!(api.get("/webhooks/list", "").await, (200, json!([])));
    let id = api
        .server
        .add_campaign(DEMO_ACCOUNT_ID, "Fresh", CampaignStatus::Paused);
    let (_, list) = api.get("/campaigns/list-campaigns", "").await;
    assert_eq!(list[0]["CampaignId"], id);
}
