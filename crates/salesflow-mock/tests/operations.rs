//! Every operation's happy path with its effect on the state, and the documented failures.

mod common;

use common::Api;
use salesflow_api::types::ContactDetails;
use salesflow_api::Operation;
use salesflow_mock::{
    Seed, DEMO_ACCOUNT_ID, DEMO_BLOCKED_ACCOUNT_ID, DEMO_CAMPAIGN_BLOCKED, DEMO_CAMPAIGN_EMPTY,
    DEMO_CAMPAIGN_PAUSED, DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_ANN, DEMO_MEMBER_JOHN,
    DEMO_OTHER_ACCOUNT_ID, DEMO_OTHER_TOKEN, DEMO_TOKEN, DEMO_WEBHOOK_ID,
};
use salesflow_webhook_types::{
    AccountId, CampaignId, CampaignStatus, DotNetDate, MemberFlags, MemberId, MemberStatus, RunOn,
    WebhookId,
};
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
    assert_eq!(ids, [DEMO_ACCOUNT_ID.get(), DEMO_BLOCKED_ACCOUNT_ID.get()]);
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
    assert!(
        created.get("Industry").is_none(),
        "absent, not null: {created}"
    );
    let id = created["MemberId"].as_i64().unwrap();
    // The spec's answer: ContactDetails, with the member's status and campaign.
    let created: ContactDetails = serde_json::from_value(created).unwrap();
    assert_eq!(created.member_id, MemberId::new(id));
    assert_eq!(created.flags(), MemberFlags::IMPORTED);
    assert_eq!(created.campaign_id, Some(DEMO_CAMPAIGN_PAUSED));
    assert_eq!(created.campaign_name.as_deref(), Some("Java developers"));
    assert!(created.extra.is_empty(), "{:?}", created.extra);

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
    assert_eq!(details["CampaignId"], DEMO_CAMPAIGN_PAUSED.get());
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
    assert_ne!(dup["MemberId"], json!(DEMO_MEMBER_JOHN));
    assert!(status_of(&dup).contains(MemberFlags::DUPLICATE), "{dup}");
    let dup_id = dup["MemberId"].as_i64().unwrap();
    let (_, details) = api.get(&format!("/members/{dup_id}"), "").await;
    assert!(status_of(&details).is_duplicate());
    // The original is kept and is what the identifier finds.
    let (_, original) = api.get("/members", "publicIdentifier=john-doe-100").await;
    assert_eq!(original["MemberId"], json!(DEMO_MEMBER_JOHN));
    let (_, john) = api.get(&format!("/members/{DEMO_MEMBER_JOHN}"), "").await;
    assert!(!status_of(&john).is_duplicate());
}

#[tokio::test]
async fn get_contact_returns_details() {
    let api = Api::start().await;
    let (status, ann) = api.get(&format!("/members/{DEMO_MEMBER_ANN}"), "").await;
    assert_eq!(status, 200);
    assert_eq!(ann["Status"], "MEMBER_PENDING, MEMBER_ERROR");
    assert_eq!(ann["CampaignId"], DEMO_CAMPAIGN_RUNNING.get());
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
    assert_eq!(body, json!({"Status": 204}), "no value, no field");
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
    assert!(hook.get("DisableForMutedContacts").is_none(), "{hook}");
    assert_eq!(hook["AttachedWebhookCampaigns"], json!([]));
    let id = WebhookId::new(hook["WebhookId"].as_i64().unwrap());

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
    // An undocumented code counts towards the three as well.
    let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_RUNNING}&runOn=9998");
    assert_eq!(api.post("/webhooks/attach", &q, json!({})).await.0, 409);
    // Another campaign is fine, with a documented code or one the vendor added later (kept).
    let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_PAUSED}&runOn=2");
    assert_eq!(api.post("/webhooks/attach", &q, json!({})).await.0, 200);
    let q = format!("webhookId={id}&campaignId={DEMO_CAMPAIGN_PAUSED}&runOn=9999");
    let (status, a) = api.post("/webhooks/attach", &q, json!({})).await;
    assert_eq!((status, a["RunOn"].clone()), (200, json!(9999)), "{a}");

    let (_, list) = api.get("/webhooks/list", "").await;
    let hooks: Vec<salesflow_api::types::Webhook> = serde_json::from_value(list).unwrap();
    let ours = hooks.iter().find(|h| h.webhook_id == id).unwrap();
    let attached = ours.attached_webhook_campaigns.as_ref().unwrap();
    assert_eq!(attached.len(), 5);
    assert!(attached
        .iter()
        .any(|a| a.campaign_id == DEMO_CAMPAIGN_PAUSED && a.run_on == RunOn::Unknown(9999)));
    assert!(hooks.iter().any(|h| h.webhook_id == DEMO_WEBHOOK_ID));

    let q = format!("webhookCampaignId={}", attachments[1]);
    let (status, body) = api.post("/webhooks/detach", &q, json!({})).await;
    assert_eq!((status, body), (200, json!({"Status": 204})));
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
    assert_eq!((status, body), (200, json!({"Status": 204})));
    let (_, list) = api.get("/webhooks/list", "").await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["WebhookId"] != id.get()));
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

/// Sends the spec's example request of `op` (`AnyRequest::example`, which names the demo
/// world) through the SDK, with this `Api`'s credentials and no retry; answers the HTTP
/// status and the answer as JSON (a `StatusMessage` for an error). Driven by the spec, so an
/// operation added to it needs nothing here.
async fn call(api: &Api, op: Operation) -> (u16, Value) {
    let client = salesflow::Client::builder()
        .token(api.token.clone())
        .account_id(api.account_id)
        .base_url(api.server.base_url())
        .retry_policy(salesflow::RetryPolicy::none())
        .build()
        .unwrap();
    let request = salesflow::AnyRequest::example(op).unwrap();
    match request
        .send_json(&client, salesflow::CallOptions::default())
        .await
    {
        Ok(answer) => (200, answer),
        Err(salesflow::Error::Api(e)) => (
            e.status,
            json!({"Status": e.body_status, "Message": e.message}),
        ),
        Err(other) => panic!("{op}: {other}"),
    }
}

#[tokio::test]
async fn every_operation_is_forbidden_with_a_bad_token() {
    let mut api = Api::start().await;
    for (token, account) in [
        ("wrong", DEMO_ACCOUNT_ID),
        (DEMO_OTHER_TOKEN, DEMO_ACCOUNT_ID),
        (DEMO_TOKEN, AccountId::new(999)),
    ] {
        api.token = token.to_string();
        api.account_id = account;
        for &op in Operation::ALL {
            if !op.needs_account_id() && token != "wrong" {
                continue; // ListAccounts takes the token alone
            }
            let (status, answer) = call(&api, op).await;
            assert_eq!(status, 403, "{op} with {token}/{account}");
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

/// Every operation of the spec is routed to its handler, answers its example with a success,
/// and the answer decodes into the generated type the spec gives it (the SDK decodes it
/// before writing it back as JSON).
#[tokio::test]
async fn every_operation_of_the_spec_is_routed_to_its_handler() {
    for &op in Operation::ALL {
        // A fresh world each time: the samples delete what others read.
        let api = Api::start().await;
        let (status, answer) = call(&api, op).await;
        assert_eq!(
            status,
            200,
            "{op} ({} {}): {answer}",
            op.method(),
            op.path()
        );
        let log = api.server.requests();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].operation, Some(op), "the log names the operation");
    }
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405() {
    let api = Api::start().await;
    let response = api
        .http
        .put(api.url("/webhooks/list", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET"), "{allow}");
    let response = api
        .http
        .put(api.url(&format!("/members/{DEMO_MEMBER_JOHN}"), ""))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    for method in ["GET", "POST", "DELETE"] {
        assert!(allow.contains(method), "{allow}");
    }
    assert_eq!(api.server.requests()[0].operation, None);
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
    api.account_id = DEMO_OTHER_ACCOUNT_ID;
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
    assert_eq!(list[0]["CampaignId"], id.get());
}

/// Imports a profile by its public identifier and returns the answer.
async fn import(api: &Api, campaign: CampaignId, identifier: &str) -> ContactDetails {
    let q = format!("campaignId={campaign}&linkedInUrl=https://linkedin.com/in/{identifier}");
    let (status, body) = api.get("/members/Import", &q).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn the_duplicate_rule_holds_after_delete_and_reimport() {
    let api = Api::start().await;
    let original = import(&api, DEMO_CAMPAIGN_RUNNING, "kim-park-7").await;
    assert!(!original.is_duplicate());
    let dup = import(&api, DEMO_CAMPAIGN_PAUSED, "kim-park-7").await;
    assert!(dup.is_duplicate());

    // Deleting a duplicate leaves the original in place.
    api.delete(&format!("/members/{}", dup.member_id), "").await;
    assert!(import(&api, DEMO_CAMPAIGN_PAUSED, "kim-park-7")
        .await
        .is_duplicate());

    // Deleting the original: the profile is new again, then the next import is a duplicate
    // of the new original, which is what the identifier finds.
    let (status, _) = api
        .delete(&format!("/members/{}", original.member_id), "")
        .await;
    assert_eq!(status, 200);
    let (status, _) = api.get("/members", "publicIdentifier=kim-park-7").await;
    assert_eq!(status, 404, "duplicates are not found by identifier");
    let again = import(&api, DEMO_CAMPAIGN_RUNNING, "kim-park-7").await;
    assert!(!again.is_duplicate(), "{again:?}");
    assert_ne!(again.member_id, original.member_id);
    assert!(import(&api, DEMO_CAMPAIGN_RUNNING, "kim-park-7")
        .await
        .is_duplicate());
    let (_, found) = api.get("/members", "publicIdentifier=kim-park-7").await;
    assert_eq!(found["MemberId"], json!(again.member_id));

    // A patched public identifier moves the member in the index.
    let patch = json!({"PublicIdentifier": "kim-park-8"});
    api.server
        .patch_member(again.member_id, patch.as_object().cloned().unwrap())
        .unwrap();
    assert!(
        !import(&api, DEMO_CAMPAIGN_RUNNING, "kim-park-7")
            .await
            .is_duplicate(),
        "kim-park-7 is free"
    );
    let moved = import(&api, DEMO_CAMPAIGN_RUNNING, "kim-park-8").await;
    assert!(moved.is_duplicate(), "{moved:?}");

    // Another account has its own profiles.
    let mut other = Api::start().await;
    other
        .server
        .add_account("t2", AccountId::new(77), "x@example.com");
    let campaign = other
        .server
        .add_campaign(AccountId::new(77), "Other", CampaignStatus::Paused);
    other.token = "t2".into();
    other.account_id = AccountId::new(77);
    let q = format!("campaignId={campaign}&linkedInUrl=https://linkedin.com/in/john-doe-100");
    let (status, body) = other.get("/members/Import", &q).await;
    assert_eq!(status, 200, "{body}");
    assert!(!serde_json::from_value::<ContactDetails>(body)
        .unwrap()
        .is_duplicate());
}
