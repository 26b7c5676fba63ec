//! Every operation against a local server: the request on the wire (method, host, path,
//! query with auth, body) and the typed domain value decoded from the reference's samples.

mod common;

use common::*;
use salesflow::{
    AccountStatus, ApiErrorKind, CampaignStatus, Client, ContactUpdate, Error, ListOptions,
    MemberFlags, NewMember, NewWebhook, RunOn, StatisticsOptions,
};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(status: u16, body: Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let c = client(&server);
    (server, c)
}

fn contact_sample(id: i64, public: &str) -> Value {
    json!({
        "MemberId": id, "FirstName": "John", "LastName": "Doe", "Location": "New York",
        "Occupation": "CEO", "Industry": "marketing", "Email": "john@example.com",
        "Phone": "1555123456", "PublicIdentifier": public
    })
}

#[tokio::test]
async fn campaign_statistics_goes_to_app_host_and_decodes_dotnet_date() {
    let app = MockServer::start().await;
    let mvc = MockServer::start().await;
    let body = json!({
        "CampaignId": 31767, "Total": 555, "InMails": 0, "Imported": 2, "Connections": 1,
        "Messages": 0, "Pending": 552, "Replies": 0, "Withdrawn": 0, "Invitations": 0,
        "UpdatedAt": "/Date(1618336539820)/", "Elapsed": 3.5381
    });
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&app)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .mvc_base_url(format!("{}/api", mvc.uri()))
        .app_base_url(format!("{}/api/", app.uri()))
        .build()
        .unwrap();
    let stats = client.campaign_statistics(12345).await.unwrap();
    assert!(requests(&mvc).await.is_empty());
    let req = only_request(&app).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/statistics/GetCampaignStatistics");
    assert_eq!(query(&req), expected_query(&[("campaignId", "12345")]));
    assert_eq!(stats.campaign_id, 31767);
    assert_eq!(stats.total, 555);
    assert_eq!(stats.pending, 552);
    assert_eq!(stats.elapsed, 3.5381);
    assert_eq!(
        stats.updated_at.to_utc().to_rfc3339(),
        "2021-04-13T17:55:39.820+00:00"
    );
    // Serialized back with the vendor's names and date form.
    let out = serde_json::to_value(&stats).unwrap();
    assert_eq!(out["UpdatedAt"], "/Date(1618336539820)/");
    assert_eq!(out["InMails"], 0);

    // isForceRequest only when asked.
    client
        .campaign_statistics_with(1, StatisticsOptions::default().force_refresh(true))
        .await
        .unwrap();
    let reqs = requests(&app).await;
    assert_eq!(
        query(&reqs[1]),
        expected_query(&[("campaignId", "1"), ("isForceRequest", "true")])
    );
}

#[tokio::test]
async fn import_member_is_a_get_with_query_and_returns_status() {
    let mut body = contact_sample(46875434, "john-smith-123456");
    body["Status"] = json!("MEMBER_IMPORTED");
    let (server, client) = serve(200, body).await;
    let member = NewMember::new("https://linkedin.com/in/john-smith-123456")
        .first_name("John")
        .last_name("Smith")
        .occupation("CEO")
        .location("US")
        .custom(1, "a")
        .custom(10, "j");
    let contact = client.import_member(12345, &member).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/members/Import");
    assert_eq!(
        query(&req),
        expected_query(&[
            ("campaignId", "12345"),
            // The canonical form of the URL given (`NewMember::validate`).
            (
                "linkedInUrl",
                "https://www.linkedin.com/in/john-smith-123456"
            ),
            ("firstName", "John"),
            ("lastName", "Smith"),
            ("occupation", "CEO"),
            ("location", "US"),
            ("custom1", "a"),
            ("custom10", "j"),
        ])
    );
    assert!(req.body.is_empty());
    assert_eq!(contact.member_id, 46875434);
    assert!(contact
        .status
        .as_ref()
        .unwrap()
        .contains(MemberFlags::IMPORTED));
    assert!(!contact.is_duplicate());
}

#[tokio::test]
async fn import_member_rejects_non_linkedin_url_without_request() {
    let (server, client) = serve(200, json!({})).await;
    for url in [
        "https://example.com/in/john",
        "not a url",
        "https://linkedin.com/feed/",
        "https://www.linkedin.com/sales/search/people?query=x",
    ] {
        let err = client
            .import_member(1, &NewMember::new(url))
            .await
            .unwrap_err();
        match err {
            Error::Validation(v) => assert_eq!(v.field, "linkedInUrl"),
            other => panic!("{other:?}"),
        }
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn import_member_checks_every_length_without_request() {
    let (server, client) = serve(200, json!({})).await;
    let url = "https://www.linkedin.com/in/x";
    let cases = [
        ("firstName", NewMember::new(url).first_name("a".repeat(64))),
        ("lastName", NewMember::new(url).last_name("a".repeat(64))),
        ("location", NewMember::new(url).location("a".repeat(128))),
        (
            "occupation",
            NewMember::new(url).occupation("a".repeat(1024)),
        ),
        ("custom1", NewMember::new(url).custom(1, "a".repeat(1024))),
        (
            "custom10",
            NewMember::new(url).custom(10, "a".repeat(100_000)),
        ),
    ];
    for (field, member) in cases {
        match client.import_member(1, &member).await.unwrap_err() {
            Error::Validation(v) => {
                assert_eq!(v.field, field);
                assert!(matches!(
                    v.reason,
                    salesflow::ValidationReason::TooLong { .. }
                ));
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    // At the limits: valid.
    let ok = NewMember::new(url)
        .first_name("é".repeat(63))
        .last_name("a".repeat(63))
        .location("a".repeat(127))
        .occupation("a".repeat(1023))
        .custom(5, "a".repeat(1023));
    assert!(ok.validate().is_ok());
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn update_contact_sends_camel_case_without_unchanged_fields() {
    let (server, client) = serve(200, contact_sample(46875434, "identity100")).await;
    let contact = client
        .update_contact(
            46875434,
            &ContactUpdate::new()
                .last_name("Doe")
                .email("john@example.com"),
        )
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/api/members/46875434");
    assert_eq!(query(&req), expected_query(&[]));
    assert_eq!(
        body_json(&req),
        json!({"lastName": "Doe", "email": "john@example.com"})
    );
    assert_eq!(contact.public_identifier.as_deref(), Some("identity100"));
    assert_eq!(contact.phone.as_deref(), Some("1555123456"));
}

#[tokio::test]
async fn update_contact_rejects_too_long_fields_without_request() {
    let (server, client) = serve(200, json!({})).await;
    let cases = [
        (
            ContactUpdate::new().first_name("x".repeat(64)),
            "firstName",
            63,
        ),
        (
            ContactUpdate::new().last_name("é".repeat(64)),
            "lastName",
            63,
        ),
        (
            ContactUpdate::new().location("x".repeat(128)),
            "location",
            127,
        ),
        (
            ContactUpdate::new().occupation("x".repeat(1024)),
            "occupation",
            1023,
        ),
        (
            ContactUpdate::new().industry("x".repeat(1024)),
            "industry",
            1023,
        ),
        (ContactUpdate::new().email("x".repeat(1024)), "email", 1023),
        (ContactUpdate::new().phone("x".repeat(1024)), "phone", 1023),
    ];
    for (update, field, max) in cases {
        let err = client.update_contact(1, &update).await.unwrap_err();
        let Error::Validation(v) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(v.field, field);
        let shown = err.to_string();
        assert!(
            shown.contains(field) && shown.contains(&max.to_string()),
            "{shown}"
        );
    }
    // At the limit is fine (multi-byte characters count once).
    client
        .update_contact(1, &ContactUpdate::new().first_name("é".repeat(63)))
        .await
        .unwrap_err(); // the server's `{}` does not decode, but the request was sent
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn contact_by_member_id_decodes_details_with_flags() {
    let mut body = contact_sample(46875434, "identity100");
    body["Status"] = json!("MEMBER_PENDING, MEMBER_ERROR, MEMBER_SNOOZED");
    body["CampaignId"] = json!(10);
    body["CampaignName"] = json!("Sale lead");
    let (server, client) = serve(200, body).await;
    let details = client.contact(46875434).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/members/46875434");
    assert_eq!(query(&req), expected_query(&[]));
    let status = details.contact.status.clone().unwrap();
    assert_eq!(status.flags(), MemberFlags::PENDING | MemberFlags::ERROR);
    assert_eq!(status.unknown_names(), ["MEMBER_SNOOZED"]);
    assert_eq!(details.campaign_id, Some(10));
    assert_eq!(details.campaign_name.as_deref(), Some("Sale lead"));
    // Flat, PascalCase serialization that reads back equal.
    let out = serde_json::to_value(&details).unwrap();
    assert_eq!(out["MemberId"], 46875434);
    assert_eq!(out["CampaignName"], "Sale lead");
    assert_eq!(
        out["Status"],
        "MEMBER_PENDING, MEMBER_ERROR, MEMBER_SNOOZED"
    );
    let back: salesflow::ContactDetails = serde_json::from_value(out).unwrap();
    assert_eq!(back, details);
}

#[tokio::test]
async fn contact_accepts_integer_status_and_null_campaign() {
    let mut body = contact_sample(1, "x");
    body["Status"] = json!(2048 + 32);
    body["CampaignId"] = Value::Null;
    let (_server, client) = serve(200, body).await;
    let details = client.contact(1).await.unwrap();
    assert!(details.contact.status.unwrap().is_duplicate());
    assert_eq!(details.campaign_id, None);
}

#[tokio::test]
async fn http_200_with_error_status_body_is_an_error() {
    let (_server, client) = serve(200, json!({"Status": 404, "Message": "Not found"})).await;
    let err = client.contact(7).await.unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.kind, ApiErrorKind::NotFound);
    assert_eq!(api.status, 200);
    assert_eq!(api.body_status, Some(404));
    assert_eq!(api.message.as_deref(), Some("Not found"));
    assert_eq!(api.operation, "GetContact (by memberId)");

    // And for operations that return a StatusMessage.
    let (_server, client) = serve(200, json!({"Status": 404, "Message": null})).await;
    let err = client.delete_contact(7).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound));
    // And for lists.
    let (_server, client) = serve(200, json!({"Status": 403, "Message": "bad token"})).await;
    let err = client.campaigns().await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Forbidden));
}

#[tokio::test]
async fn contact_by_public_identifier() {
    let (server, client) = serve(200, contact_sample(46875434, "identity100")).await;
    let contact = client
        .contact_by_public_identifier("identity500")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/members");
    assert_eq!(
        query(&req),
        expected_query(&[("publicIdentifier", "identity500")])
    );
    assert_eq!(contact.member_id, 46875434);
    assert_eq!(contact.email.as_deref(), Some("john@example.com"));

    let err = client.contact_by_public_identifier(" ").await.unwrap_err();
    assert!(matches!(err, Error::Validation(ref v) if v.field == "publicIdentifier"));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn delete_contact() {
    let (server, client) = serve(200, json!({"Status": 204, "Message": null})).await;
    let msg = client.delete_contact(46875434).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "DELETE");
    assert_eq!(req.url.path(), "/api/members/46875434");
    assert_eq!(query(&req), expected_query(&[]));
    assert_eq!(msg.status, 204);
    assert_eq!(msg.message, None);
}

#[tokio::test]
async fn campaign_contacts_with_nullables_and_updated_from() {
    let body = json!([
        {"MemberId": 46875434, "FirstName": "John", "LastName": "Doe", "Location": "New York",
         "Occupation": "CEO", "Industry": "marketing", "Email": "john@example.com", "Phone": "1555123456"},
        {"MemberId": 46875435, "FirstName": "Nick", "LastName": "Foo", "Location": "London",
         "Occupation": "Full stack .NET developer, open for new opportunities",
         "Industry": null, "Email": null, "Phone": null,
         "LastModifiedAt": "/Date(1618336539820)/", "AddedAt": "2021-02-18T15:33:44.5905705+00:00"}
    ]);
    let (server, client) = serve(200, body).await;
    let contacts = client.campaign_contacts(456).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/members/list-contacts");
    assert_eq!(query(&req), expected_query(&[("campaignId", "456")]));
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0].public_identifier, None);
    assert_eq!(contacts[1].industry, None);
    assert_eq!(contacts[1].email, None);
    assert_eq!(
        contacts[1].last_modified_at.unwrap().timestamp_millis(),
        1618336539820
    );
    assert!(contacts[1].added_at.is_some());

    let since = "2024-05-01T10:00:00Z"
        .parse::<salesflow::FlexibleDate>()
        .unwrap();
    client
        .campaign_contacts_with(456, ListOptions::default().updated_from(since))
        .await
        .unwrap();
    let reqs = requests(&server).await;
    assert_eq!(
        query(&reqs[1]),
        expected_query(&[
            ("campaignId", "456"),
            ("updatedFromDate", "2024-05-01T10:00:00Z")
        ])
    );
}

#[tokio::test]
async fn campaigns_keep_unknown_status() {
    let body = json!([
        {"CampaignId": 29854, "CampaignName": "Sales", "Status": "CAMPAIGN_RUNNING"},
        {"CampaignId": 29889, "Status": "CAMPAIGN_ARCHIVED", "CampaignName": "Java developers"},
        {"CampaignId": 4294967296i64, "CampaignName": null, "Status": "CAMPAIGN_PAUSED",
         "LastModifiedAt": "2024-01-02T03:04:05Z"}
    ]);
    let (server, client) = serve(200, body).await;
    let campaigns = client.campaigns().await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/campaigns/list-campaigns");
    assert_eq!(query(&req), expected_query(&[]));
    assert_eq!(campaigns[0].status, Some(CampaignStatus::Running));
    assert_eq!(
        campaigns[1].status,
        Some(CampaignStatus::Unknown("CAMPAIGN_ARCHIVED".into()))
    );
    assert_eq!(campaigns[2].campaign_id, 4294967296);
    assert_eq!(campaigns[2].campaign_name, None);
    let out = serde_json::to_value(&campaigns[1]).unwrap();
    assert_eq!(out["Status"], "CAMPAIGN_ARCHIVED");
    assert_eq!(out["CampaignName"], "Java developers");

    let since = "2024-05-01T10:00:00Z"
        .parse::<salesflow::FlexibleDate>()
        .unwrap();
    client
        .campaigns_with(ListOptions::default().updated_from(since))
        .await
        .unwrap();
    assert_eq!(
        query(&requests(&server).await[1]),
        expected_query(&[("updatedFromDate", "2024-05-01T10:00:00Z")])
    );
}

#[tokio::test]
async fn start_campaign_success_and_documented_failures() {
    let (server, client) = serve(
        200,
        json!({"Status": 200, "Message": "Campaign has been started."}),
    )
    .await;
    let msg = client.start_campaign(456).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/api/campaigns/start");
    assert_eq!(query(&req), expected_query(&[("campaignId", "456")]));
    assert_eq!(body_json(&req), json!({}));
    assert_eq!(msg.message.as_deref(), Some("Campaign has been started."));

    for (status, kind) in [
        (403, ApiErrorKind::Forbidden),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (422, ApiErrorKind::Unprocessable),
    ] {
        let (_server, client) = serve(status, json!({"Status": status, "Message": "why"})).await;
        let err = client.start_campaign(456).await.unwrap_err();
        let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(api.kind, kind);
        assert_eq!(api.status, status);
        assert_eq!(api.message.as_deref(), Some("why"));
    }
}

#[tokio::test]
async fn accounts_need_no_account_id() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"AccountId": 10, "AccountEmail": "a@example.com", "Status": "ACCOUNT_BLOCKED"},
            {"AccountId": 11, "AccountEmail": "b@example.com", "Status": "ACCOUNT_ACTIVE",
             "UserDbId": 5, "UserEmail": "u@example.com"},
            {"AccountId": 12, "Status": "ACCOUNT_SUSPENDED"}
        ])))
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap();
    let accounts = client.accounts().await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/accounts/list");
    assert_eq!(
        query(&req),
        [("token".to_string(), TOKEN.to_string())].into()
    );
    assert_eq!(accounts[0].status, Some(AccountStatus::Blocked));
    assert_eq!(accounts[1].user_db_id, Some(5));
    assert_eq!(
        accounts[2].status,
        Some(AccountStatus::Unknown("ACCOUNT_SUSPENDED".into()))
    );

    // Any other call without an account id fails before sending anything.
    let err = client.campaigns().await.unwrap_err();
    assert!(
        matches!(err, Error::Config(ref m) if m.contains("account id")),
        "{err:?}"
    );
    assert_eq!(requests(&server).await.len(), 1);

    // With an account id, ListAccounts still sends only the token.
    let (server, client) = serve(200, json!([])).await;
    client.accounts().await.unwrap();
    assert_eq!(
        query(&only_request(&server).await),
        [("token".to_string(), TOKEN.to_string())].into()
    );
}

#[tokio::test]
async fn create_webhook_is_a_post_with_json_body() {
    let body = json!({
        "WebhookId": 10265, "Name": "Doe", "Url": "https://www.somesite.com/abc",
        "DisableForMutedContacts": null, "AttachedWebhookCampaigns": []
    });
    let (server, client) = serve(200, body).await;
    let hook = client
        .create_webhook(&NewWebhook::new("Doe", "https://www.somesite.com/abc"))
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/api/webhooks/create");
    assert_eq!(query(&req), expected_query(&[]));
    assert_eq!(
        body_json(&req),
        json!({"Name": "Doe", "Url": "https://www.somesite.com/abc"})
    );
    assert_eq!(hook.webhook_id, 10265);
    assert_eq!(hook.disable_for_muted_contacts, None);
    assert!(hook.attached_webhook_campaigns.is_empty());

    client
        .create_webhook(
            &NewWebhook::new("n", "http://x.example/h").disable_for_muted_contacts(true),
        )
        .await
        .unwrap();
    assert_eq!(
        body_json(&requests(&server).await[1]),
        json!({"Name": "n", "Url": "http://x.example/h", "DisableForMutedContacts": true})
    );
}

#[tokio::test]
async fn create_webhook_validation_without_request() {
    let (server, client) = serve(200, json!({})).await;
    let long_url = format!("https://example.com/{}", "a".repeat(500));
    let cases = [
        (NewWebhook::new("", "https://example.com"), "Name"),
        (
            NewWebhook::new("x".repeat(256), "https://example.com"),
            "Name",
        ),
        (NewWebhook::new("n", ""), "Url"),
        (NewWebhook::new("n", long_url), "Url"),
        (NewWebhook::new("n", "ftp://example.com/x"), "Url"),
        (NewWebhook::new("n", "example.com/x"), "Url"),
    ];
    for (hook, field) in cases {
        let err = client.create_webhook(&hook).await.unwrap_err();
        assert!(
            matches!(err, Error::Validation(ref v) if v.field == field),
            "{field}: {err:?}"
        );
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn delete_webhook() {
    let (server, client) = serve(200, json!({"Status": 204, "Message": null})).await;
    let msg = client.delete_webhook(789).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "DELETE");
    assert_eq!(req.url.path(), "/api/webhooks/delete");
    assert_eq!(query(&req), expected_query(&[("webhookId", "789")]));
    assert_eq!(msg.status, 204);
}

#[tokio::test]
async fn webhooks_list_decodes_run_on() {
    let body = json!([
        {"WebhookId": 8984, "Name": "SomeCoolName", "Url": "https://www.somehost.com/abc",
         "DisableForMutedContacts": false, "AttachedWebhookCampaigns": [
            {"WebhookCampaignId": 17745, "CampaignId": 29124, "RunOn": 1},
            {"WebhookCampaignId": 17746, "CampaignId": 29124, "RunOn": 2},
            {"WebhookCampaignId": 17747, "CampaignId": 29124, "RunOn": 7},
            {"WebhookCampaignId": 17812, "CampaignId": 29130, "RunOn": 12}
        ]},
        {"WebhookId": 8985, "Name": "AnotherCoolName", "Url": "https://www.somehost.com/def",
         "DisableForMutedContacts": null, "AttachedWebhookCampaigns": null}
    ]);
    let (server, client) = serve(200, body).await;
    let hooks = client.webhooks().await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/webhooks/list");
    assert_eq!(query(&req), expected_query(&[]));
    let runs: Vec<RunOn> = hooks[0]
        .attached_webhook_campaigns
        .iter()
        .map(|a| a.run_on)
        .collect();
    assert_eq!(
        runs,
        [
            RunOn::MemberConnected,
            RunOn::ReplyDetected,
            RunOn::InvitationWithdrawn,
            RunOn::Unknown(12)
        ]
    );
    assert_eq!(hooks[0].disable_for_muted_contacts, Some(false));
    assert!(hooks[1].attached_webhook_campaigns.is_empty());
    let out = serde_json::to_value(&hooks[0]).unwrap();
    assert_eq!(out["AttachedWebhookCampaigns"][3]["RunOn"], 12);
}

#[tokio::test]
async fn attach_webhook() {
    let (server, client) = serve(
        200,
        json!({"WebhookCampaignId": 27830, "CampaignId": 789, "RunOn": 2}),
    )
    .await;
    let att = client
        .attach_webhook(456, 789, RunOn::ReplyDetected)
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/api/webhooks/attach");
    assert_eq!(
        query(&req),
        expected_query(&[("webhookId", "456"), ("campaignId", "789"), ("runOn", "2")])
    );
    assert_eq!(body_json(&req), json!({}));
    assert_eq!(att.webhook_campaign_id, 27830);
    assert_eq!(att.run_on, RunOn::ReplyDetected);

    // An unknown event code is sent and kept.
    let (server, client) = serve(
        200,
        json!({"WebhookCampaignId": 1, "CampaignId": 789, "RunOn": 9}),
    )
    .await;
    let att = client
        .attach_webhook(456, 789, RunOn::Unknown(9))
        .await
        .unwrap();
    assert_eq!(att.run_on, RunOn::Unknown(9));
    assert_eq!(query(&only_request(&server).await)["runOn"], "9");
}

#[tokio::test]
async fn detach_webhook() {
    let (server, client) = serve(200, json!({"Status": 204, "Message": null})).await;
    client.detach_webhook(456).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/api/webhooks/detach");
    assert_eq!(query(&req), expected_query(&[("webhookCampaignId", "456")]));
    assert_eq!(body_json(&req), json!({}));
}

#[tokio::test]
async fn html_error_page_is_a_server_error_with_short_message() {
    let server = MockServer::start().await;
    let page = format!(
        "<html><body>{}</body></html>",
        "Internal error ".repeat(100)
    );
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_raw(page.into_bytes(), "text/html"))
        .mount(&server)
        .await;
    let err = client(&server).webhooks().await.unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.status, 500);
    assert_eq!(api.body_status, None);
    let msg = api.message.as_deref().unwrap();
    assert!(
        msg.starts_with("<html>") && msg.chars().count() <= 201,
        "{msg}"
    );
}

#[tokio::test]
async fn undecodable_success_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("[{\"oops\": 1}]", "application/json"),
        )
        .mount(&server)
        .await;
    let err = client(&server).campaigns().await.unwrap_err();
    match err {
        Error::Decode {
            operation, snippet, ..
        } => {
            assert_eq!(operation, "ListCampaigns");
            assert_eq!(snippet, "[{\"oops\": 1}]");
        }
        other => panic!("{other:?}"),
    }
}
