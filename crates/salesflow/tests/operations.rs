//! Every operation against a local server: the request on the wire (method, host, path,
//! query with auth, body), the answer decoded from the reference's samples, the spec's
//! client-side rules, and the generic layer (`Client::send`, `AnyRequest`).

mod common;

use common::*;
use salesflow::ops::{self, ImportMember};
use salesflow::{
    AccountId, AccountStatus, AnyRequest, ApiErrorKind, CallOptions, CampaignId, CampaignStatus,
    Client, Error, FlexibleDate, MemberFlags, MemberId, Operation, RunOn, ValidationReason,
    WebhookCampaignId, WebhookId,
};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn contact_sample(id: i64, public: &str) -> Value {
    json!({
        "MemberId": id, "FirstName": "John", "LastName": "Doe", "Location": "New York",
        "Occupation": "CEO", "Industry": "marketing", "Email": "john@example.com",
        "Phone": "1555123456", "PublicIdentifier": public
    })
}

fn since() -> FlexibleDate {
    "2024-05-01T10:00:00Z".parse::<FlexibleDate>().unwrap()
}

/// The validation error of `err`, or a panic naming what it was instead.
fn validation(err: &Error) -> &salesflow::ValidationError {
    match err {
        Error::Validation(v) => v,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn get_campaign_statistics_goes_to_app_host_and_decodes_dotnet_date() {
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
    let stats = client.get_campaign_statistics(12345).await.unwrap();
    assert!(requests(&mvc).await.is_empty());
    let req = only_request(&app).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/statistics/GetCampaignStatistics");
    assert_eq!(query(&req), expected_query(&[("campaignId", "12345")]));
    assert_eq!(stats.campaign_id, CampaignId::new(31767));
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
    assert_eq!(out["CampaignId"], 31767);

    // isForceRequest only when asked.
    client
        .get_campaign_statistics(CampaignId::new(1))
        .is_force_request(true)
        .await
        .unwrap();
    let reqs = requests(&app).await;
    assert_eq!(
        query(&reqs[1]),
        expected_query(&[("campaignId", "1"), ("isForceRequest", "true")])
    );
}

#[tokio::test]
async fn import_member_is_a_get_with_query_and_returns_flat_details() {
    let mut body = contact_sample(46875434, "john-smith-123456");
    body["Status"] = json!("MEMBER_IMPORTED");
    body["CampaignId"] = json!(12345);
    body["CampaignName"] = json!("Sales");
    let (server, client) = serve(200, body).await;
    let contact = client
        .import_member(12345, "https://linkedin.com/in/john-smith-123456")
        .first_name("John")
        .last_name("Smith")
        .occupation("CEO")
        .location("US")
        .custom1("a")
        .custom10("j")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/members/Import");
    let want = expected_query(&[
        ("campaignId", "12345"),
        // The canonical form of the URL given (`format: linkedin-profile-url`).
        (
            "linkedInUrl",
            "https://www.linkedin.com/in/john-smith-123456",
        ),
        ("firstName", "John"),
        ("lastName", "Smith"),
        ("occupation", "CEO"),
        ("location", "US"),
        ("custom1", "a"),
        ("custom10", "j"),
    ]);
    assert_eq!(query(&req), want);
    assert!(req.body.is_empty());
    assert_eq!(contact.member_id, MemberId::new(46875434));
    assert!(contact.flags().contains(MemberFlags::IMPORTED));
    assert!(!contact.is_duplicate());
    assert!(!contact.is_error());
    assert_eq!(contact.campaign_id, Some(CampaignId::new(12345)));
    assert_eq!(contact.campaign_name.as_deref(), Some("Sales"));

    // The same parameters built as a struct and sent with `Client::send`: the same request.
    let member = ImportMember::new(12345, "https://linkedin.com/in/john-smith-123456")
        .first_name("John")
        .last_name("Smith")
        .occupation("CEO")
        .location("US")
        .custom1("a")
        .custom10("j");
    let call = client
        .import_member(12345, "https://linkedin.com/in/john-smith-123456")
        .first_name("John")
        .last_name("Smith")
        .occupation("CEO")
        .location("US")
        .custom1("a")
        .custom10("j");
    assert_eq!(call.request(), &member);
    assert_eq!(call.into_request(), member);
    client.send(member).await.unwrap();
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].url.path(), "/api/members/Import");
    assert_eq!(query(&reqs[1]), want);
}

#[tokio::test]
async fn import_member_duplicate_is_flagged() {
    let (_server, client) = serve(
        200,
        json!({"MemberId": 5, "Status": "MEMBER_IMPORTED, MEMBER_DUPLICATE", "CampaignId": null}),
    )
    .await;
    let contact = client
        .import_member(1, "https://www.linkedin.com/in/x")
        .await
        .unwrap();
    assert!(contact.is_duplicate());
    assert_eq!(contact.campaign_id, None);
}

#[tokio::test]
async fn import_member_rejects_bad_parameters_without_request() {
    let (server, client) = serve(200, json!({})).await;
    for (url, reason) in [
        (
            "https://example.com/in/john",
            ValidationReason::NotLinkedInHost,
        ),
        (
            "https://linkedin.com/feed/",
            ValidationReason::NotLinkedInProfile,
        ),
        (
            "https://www.linkedin.com/sales/search/people?query=x",
            ValidationReason::SearchPage,
        ),
    ] {
        let err = client.import_member(1, url).await.unwrap_err();
        let v = validation(&err);
        assert_eq!(v.field, "linkedInUrl", "{url}");
        assert_eq!(v.reason, reason, "{url}");
        assert!(err.to_string().contains("linkedInUrl"), "{err}");
    }
    for url in ["not a url", "", " https://linkedin.com/in/john"] {
        let err = client.import_member(1, url).await.unwrap_err();
        assert_eq!(validation(&err).field, "linkedInUrl", "{url:?}");
    }
    // The spec's maxLength of ImportMember's fields.
    let url = "https://www.linkedin.com/in/john";
    let cases: Vec<(ImportMember, &str, usize)> = vec![
        (
            ImportMember::new(1, url).first_name("x".repeat(64)),
            "firstName",
            63,
        ),
        (
            ImportMember::new(1, url).last_name("é".repeat(64)),
            "lastName",
            63,
        ),
        (
            ImportMember::new(1, url).location("x".repeat(128)),
            "location",
            127,
        ),
        (
            ImportMember::new(1, url).occupation("x".repeat(1024)),
            "occupation",
            1023,
        ),
        (
            ImportMember::new(1, url).custom1("x".repeat(1024)),
            "custom1",
            1023,
        ),
        (
            ImportMember::new(1, url).custom10("x".repeat(1024)),
            "custom10",
            1023,
        ),
    ];
    for (member, field, max) in cases {
        let err = client.send(member).await.unwrap_err();
        let v = validation(&err);
        assert_eq!(v.field, field);
        assert_eq!(
            v.reason,
            ValidationReason::TooLong {
                max,
                actual: max + 1
            }
        );
    }
    assert!(requests(&server).await.is_empty());
    // At the limit is fine (multi-byte characters count once): the request is sent.
    let contact = client
        .import_member(1, url)
        .first_name("é".repeat(63))
        .await;
    assert!(matches!(contact, Err(Error::Decode { .. })), "{contact:?}"); // `{}` is no member
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn import_member_checks_every_length_without_request() {
    let (server, client) = serve(200, json!({})).await;
    let url = "https://www.linkedin.com/in/x";
    let cases = [
        (
            "firstName",
            ImportMember::new(1, url).first_name("a".repeat(64)),
        ),
        (
            "lastName",
            ImportMember::new(1, url).last_name("a".repeat(64)),
        ),
        (
            "location",
            ImportMember::new(1, url).location("a".repeat(128)),
        ),
        (
            "occupation",
            ImportMember::new(1, url).occupation("a".repeat(1024)),
        ),
        (
            "custom1",
            ImportMember::new(1, url).custom1("a".repeat(1024)),
        ),
        (
            "custom10",
            ImportMember::new(1, url).custom10("a".repeat(100_000)),
        ),
    ];
    for (field, member) in cases {
        match client.send(member).await.unwrap_err() {
            Error::Validation(v) => {
                assert_eq!(v.field, field);
                assert!(matches!(v.reason, ValidationReason::TooLong { .. }));
                // The message is short, whatever the value's length.
                assert!(v.to_string().len() < 200, "{v}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    // At the limits: valid; validate() gives the parameters as they are sent.
    let ok = ImportMember::new(1, "WWW.LinkedIn.com/in/X/")
        .first_name("é".repeat(63))
        .last_name("a".repeat(63))
        .location("a".repeat(127))
        .occupation("a".repeat(1023))
        .custom5("a".repeat(1023));
    let checked = ok.validate().unwrap();
    assert_eq!(checked.linked_in_url, "https://www.linkedin.com/in/x");
    assert_eq!(checked.first_name, ok.first_name);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn update_contact_sends_camel_case_without_unchanged_fields() {
    let (server, client) = serve(200, contact_sample(46875434, "identity100")).await;
    let contact = client
        .update_contact(46875434)
        .last_name("Doe")
        .email("john@example.com")
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
    assert_eq!(contact.member_id, MemberId::new(46875434));
    assert_eq!(contact.public_identifier.as_deref(), Some("identity100"));
    assert_eq!(contact.phone.as_deref(), Some("1555123456"));
}

#[tokio::test]
async fn update_contact_rejects_too_long_fields_without_request() {
    let (server, client) = serve(200, json!({})).await;
    let cases = [
        (
            ops::UpdateContact::new(1).first_name("x".repeat(64)),
            "firstName",
            63,
        ),
        (
            ops::UpdateContact::new(1).last_name("é".repeat(64)),
            "lastName",
            63,
        ),
        (
            ops::UpdateContact::new(1).location("x".repeat(128)),
            "location",
            127,
        ),
        (
            ops::UpdateContact::new(1).occupation("x".repeat(1024)),
            "occupation",
            1023,
        ),
        (
            ops::UpdateContact::new(1).industry("x".repeat(1024)),
            "industry",
            1023,
        ),
        (
            ops::UpdateContact::new(1).email("x".repeat(1024)),
            "email",
            1023,
        ),
        (
            ops::UpdateContact::new(1).phone("x".repeat(1024)),
            "phone",
            1023,
        ),
    ];
    for (update, field, max) in cases {
        let err = client.send(update).await.unwrap_err();
        let v = validation(&err);
        assert_eq!(v.field, field);
        assert_eq!(v.index, None);
        assert_eq!(
            v.reason,
            ValidationReason::TooLong {
                max,
                actual: max + 1
            }
        );
        let shown = err.to_string();
        assert!(
            shown.contains(field) && shown.contains(&max.to_string()),
            "{shown}"
        );
        // The value itself is never shown.
        assert!(!shown.contains("xxxx"), "{shown}");
    }
    assert!(requests(&server).await.is_empty());
    // At the limit is fine (multi-byte characters count once).
    let err = client
        .update_contact(1)
        .first_name("é".repeat(63))
        .await
        .unwrap_err();
    // The server's `{}` does not decode, but the request was sent.
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn get_contact_decodes_flat_details_with_flags() {
    let mut body = contact_sample(46875434, "identity100");
    body["Status"] = json!("MEMBER_PENDING, MEMBER_ERROR, MEMBER_SNOOZED");
    body["CampaignId"] = json!(10);
    body["CampaignName"] = json!("Sale lead");
    let (server, client) = serve(200, body).await;
    let details = client.get_contact(46875434).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/members/46875434");
    assert_eq!(query(&req), expected_query(&[]));
    assert_eq!(details.flags(), MemberFlags::PENDING | MemberFlags::ERROR);
    assert!(details.is_error());
    assert!(!details.is_duplicate());
    let status = details.status.clone().unwrap();
    assert_eq!(status.unknown_names(), ["MEMBER_SNOOZED"]);
    assert_eq!(details.campaign_id, Some(CampaignId::new(10)));
    assert_eq!(details.campaign_name.as_deref(), Some("Sale lead"));
    assert_eq!(details.email.as_deref(), Some("john@example.com"));
    assert!(details.extra.is_empty(), "{:?}", details.extra);
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
async fn get_contact_accepts_integer_status_and_null_campaign() {
    let mut body = contact_sample(1, "x");
    body["Status"] = json!(2048 + 32);
    body["CampaignId"] = Value::Null;
    let (_server, client) = serve(200, body).await;
    let details = client.get_contact(1).await.unwrap();
    assert!(details.is_duplicate());
    assert_eq!(details.campaign_id, None);
}

#[tokio::test]
async fn unknown_response_fields_are_kept_and_written_back() {
    let mut body = contact_sample(46875434, "identity500");
    body["Nickname"] = json!("Johnny");
    body["Tags"] = json!(["a", {"b": null}]);
    let (_server, client) = serve(200, body.clone()).await;
    let contact = client
        .get_contact_by_public_identifier("identity500")
        .await
        .unwrap();
    assert_eq!(contact.first_name.as_deref(), Some("John"));
    assert_eq!(contact.extra.len(), 2, "{:?}", contact.extra);
    assert_eq!(contact.extra["Nickname"], "Johnny");
    assert_eq!(contact.extra["Tags"], json!(["a", {"b": null}]));
    // Serialize writes them back: the body round-trips exactly.
    assert_eq!(serde_json::to_value(&contact).unwrap(), body);

    // The same for the other answer types, lists included.
    let (_server, client) = serve(
        200,
        json!([{"CampaignId": 1, "CampaignName": "c", "Status": "CAMPAIGN_RUNNING",
                "Owner": {"Id": 7}}]),
    )
    .await;
    let campaigns = client.list_campaigns().await.unwrap();
    assert_eq!(campaigns[0].extra["Owner"], json!({"Id": 7}));
    assert!(campaigns[0].is_running());
    assert_eq!(
        serde_json::to_value(&campaigns[0]).unwrap()["Owner"]["Id"],
        7
    );
    let (_server, client) = serve(
        200,
        json!({"WebhookId": 1, "AttachedWebhookCampaigns": [
            {"WebhookCampaignId": 2, "CampaignId": 3, "RunOn": 1, "Filter": "x"}]}),
    )
    .await;
    let hook = client
        .create_webhook("n", "https://example.com/h")
        .await
        .unwrap();
    assert_eq!(hook.attachments()[0].extra["Filter"], "x");
    assert_eq!(
        serde_json::to_value(&hook).unwrap()["AttachedWebhookCampaigns"][0]["Filter"],
        "x"
    );
}

#[tokio::test]
async fn http_200_with_error_status_body_is_an_error() {
    let (_server, client) = serve(200, json!({"Status": 404, "Message": "Not found"})).await;
    let err = client.get_contact(7).await.unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.kind, ApiErrorKind::NotFound);
    assert_eq!(api.status, 200);
    assert_eq!(api.body_status, Some(404));
    assert_eq!(api.message.as_deref(), Some("Not found"));
    assert_eq!(api.operation, Operation::GetContact);
    assert!(err.to_string().starts_with("getContact "), "{err}");

    // And for operations that return a StatusMessage.
    let (_server, client) = serve(200, json!({"Status": 404, "Message": null})).await;
    let err = client.delete_contact(7).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound));
    assert_eq!(err.as_api().unwrap().operation, Operation::DeleteContact);
    // And for lists.
    let (_server, client) = serve(200, json!({"Status": 403, "Message": "bad token"})).await;
    let err = client.list_campaigns().await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Forbidden));
    assert_eq!(err.as_api().unwrap().operation, Operation::ListCampaigns);
}

#[tokio::test]
async fn get_contact_by_public_identifier() {
    let (server, client) = serve(200, contact_sample(46875434, "identity100")).await;
    let contact = client
        .get_contact_by_public_identifier("identity500")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/members");
    assert_eq!(
        query(&req),
        expected_query(&[("publicIdentifier", "identity500")])
    );
    assert_eq!(contact.member_id, MemberId::new(46875434));
    assert_eq!(contact.email.as_deref(), Some("john@example.com"));

    for blank in [" ", ""] {
        let err = client
            .get_contact_by_public_identifier(blank)
            .await
            .unwrap_err();
        assert_eq!(validation(&err).field, "publicIdentifier", "{blank:?}");
    }
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
    assert!(!msg.is_error());
}

#[tokio::test]
async fn list_contacts_by_campaign_with_nullables_and_updated_from() {
    let body = json!([
        {"MemberId": 46875434, "FirstName": "John", "LastName": "Doe", "Location": "New York",
         "Occupation": "CEO", "Industry": "marketing", "Email": "john@example.com", "Phone": "1555123456"},
        {"MemberId": 46875435, "FirstName": "Nick", "LastName": "Foo", "Location": "London",
         "Occupation": "Full stack .NET developer, open for new opportunities",
         "Industry": null, "Email": null, "Phone": null,
         "LastModifiedAt": "/Date(1618336539820)/", "AddedAt": "2021-02-18T15:33:44.5905705+00:00"}
    ]);
    let (server, client) = serve(200, body).await;
    let contacts = client.list_contacts_by_campaign(456).await.unwrap();
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

    client
        .list_contacts_by_campaign(CampaignId::new(456))
        .updated_from_date(since())
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
async fn list_campaigns_keep_unknown_status() {
    let body = json!([
        {"CampaignId": 29854, "CampaignName": "Sales", "Status": "CAMPAIGN_RUNNING"},
        {"CampaignId": 29889, "Status": "CAMPAIGN_ARCHIVED", "CampaignName": "Java developers"},
        {"CampaignId": 4294967296i64, "CampaignName": null, "Status": "CAMPAIGN_PAUSED",
         "LastModifiedAt": "2024-01-02T03:04:05Z"}
    ]);
    let (server, client) = serve(200, body).await;
    let campaigns = client.list_campaigns().await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/campaigns/list-campaigns");
    assert_eq!(query(&req), expected_query(&[]));
    assert_eq!(campaigns[0].status, Some(CampaignStatus::Running));
    assert!(campaigns[0].is_running());
    assert_eq!(
        campaigns[1].status,
        Some(CampaignStatus::Unknown("CAMPAIGN_ARCHIVED".into()))
    );
    assert!(!campaigns[1].is_running() && !campaigns[1].is_paused());
    assert_eq!(campaigns[2].campaign_id, CampaignId::new(4294967296));
    assert_eq!(campaigns[2].campaign_id.get(), 4294967296);
    assert_eq!(campaigns[2].campaign_name, None);
    assert!(campaigns[2].is_paused());
    let out = serde_json::to_value(&campaigns[1]).unwrap();
    assert_eq!(out["Status"], "CAMPAIGN_ARCHIVED");
    assert_eq!(out["CampaignName"], "Java developers");

    client
        .list_campaigns()
        .updated_from_date(since())
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
        assert_eq!(api.operation, Operation::StartCampaign);
        assert_eq!(api.operation.to_string(), "startCampaign");
    }
}

#[tokio::test]
async fn list_accounts_needs_no_account_id() {
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
    let accounts = client.list_accounts().await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/accounts/list");
    assert_eq!(
        query(&req),
        [("token".to_string(), TOKEN.to_string())].into()
    );
    assert_eq!(accounts[0].account_id, AccountId::new(10));
    assert_eq!(accounts[0].status, Some(AccountStatus::Blocked));
    assert!(!accounts[0].is_active() && accounts[0].is_blocked());
    assert!(accounts[1].is_active());
    assert_eq!(accounts[1].user_db_id, Some(5));
    assert_eq!(
        accounts[2].status,
        Some(AccountStatus::Unknown("ACCOUNT_SUSPENDED".into()))
    );

    // Any other call without an account id fails before sending anything.
    let err = client.list_campaigns().await.unwrap_err();
    assert!(
        matches!(err, Error::Config(ref m) if m.contains("account id") && m.contains("listCampaigns")),
        "{err:?}"
    );
    assert_eq!(requests(&server).await.len(), 1);

    // With an account id, ListAccounts still sends only the token.
    let (server, client) = serve(200, json!([])).await;
    client.list_accounts().await.unwrap();
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
        .create_webhook("Doe", "https://www.somesite.com/abc")
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
    assert_eq!(hook.webhook_id, WebhookId::new(10265));
    assert_eq!(hook.disable_for_muted_contacts, None);
    assert!(hook.attachments().is_empty());

    client
        .create_webhook("n", "http://x.example/h")
        .disable_for_muted_contacts(true)
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
        (
            ops::CreateWebhook::new("", "https://example.com"),
            "Name",
            Some(ValidationReason::Empty),
        ),
        (
            ops::CreateWebhook::new("x".repeat(256), "https://example.com"),
            "Name",
            Some(ValidationReason::TooLong {
                max: 255,
                actual: 256,
            }),
        ),
        (ops::CreateWebhook::new("n", ""), "Url", None),
        (
            ops::CreateWebhook::new("n", long_url),
            "Url",
            Some(ValidationReason::TooLong {
                max: 511,
                actual: 520,
            }),
        ),
        (
            ops::CreateWebhook::new("n", "ftp://example.com/x"),
            "Url",
            Some(ValidationReason::NotHttpUrl),
        ),
        (
            ops::CreateWebhook::new("n", "example.com/x"),
            "Url",
            Some(ValidationReason::NotHttpUrl),
        ),
    ];
    for (hook, field, reason) in cases {
        let err = client.send(hook).await.unwrap_err();
        let v = validation(&err);
        assert_eq!(v.field, field, "{err:?}");
        if let Some(reason) = reason {
            assert_eq!(v.reason, reason, "{field}");
        }
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
async fn list_webhooks_decodes_run_on() {
    let body = json!([
        {"WebhookId": 8984, "Name": "SomeCoolName", "Url": "https://www.somehost.com/abc",
         "DisableForMutedContacts": false, "AttachedWebhookCampaigns": [
            {"WebhookCampaignId": 17745, "CampaignId": 29124, "RunOn": 1},
            {"WebhookCampaignId": 17746, "CampaignId": 29124, "RunOn": 2},
            {"WebhookCampaignId": 17747, "CampaignId": 29124, "RunOn": 7},
            {"WebhookCampaignId": 17812, "CampaignId": 29130, "RunOn": 9999}
        ]},
        {"WebhookId": 8985, "Name": "AnotherCoolName", "Url": "https://www.somehost.com/def",
         "DisableForMutedContacts": null, "AttachedWebhookCampaigns": null}
    ]);
    let (server, client) = serve(200, body).await;
    let hooks = client.list_webhooks().await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), "/api/webhooks/list");
    assert_eq!(query(&req), expected_query(&[]));
    let runs: Vec<RunOn> = hooks[0].attachments().iter().map(|a| a.run_on).collect();
    assert_eq!(
        runs,
        [
            RunOn::MemberConnected,
            RunOn::ReplyDetected,
            RunOn::InvitationWithdrawn,
            RunOn::Unknown(9999)
        ]
    );
    assert_eq!(
        hooks[0].attachments()[0].webhook_campaign_id,
        WebhookCampaignId::new(17745)
    );
    assert_eq!(hooks[0].disable_for_muted_contacts, Some(false));
    assert!(hooks[1].attachments().is_empty());
    assert_eq!(hooks[1].attached_webhook_campaigns, None);
    let out = serde_json::to_value(&hooks[0]).unwrap();
    assert_eq!(out["AttachedWebhookCampaigns"][3]["RunOn"], 9999);
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
    assert_eq!(att.webhook_campaign_id, WebhookCampaignId::new(27830));
    assert_eq!(att.campaign_id, CampaignId::new(789));
    assert_eq!(att.run_on, RunOn::ReplyDetected);

    // An unknown event code is sent and kept.
    let (server, client) = serve(
        200,
        json!({"WebhookCampaignId": 1, "CampaignId": 789, "RunOn": 9}),
    )
    .await;
    let att = client
        .attach_webhook(WebhookId::new(456), CampaignId::new(789), RunOn::Unknown(9))
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
        .respond_with(
            ResponseTemplate::new(500).set_body_raw(page.clone().into_bytes(), "text/html"),
        )
        .mount(&server)
        .await;
    let err = client(&server).list_webhooks().await.unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.status, 500);
    assert_eq!(api.body_status, None);
    assert_eq!(api.operation, Operation::ListWebhooks);
    // The Display is short and clean: the page's text, no markup; the whole page is kept.
    let msg = api.message.as_deref().unwrap();
    assert!(
        msg.starts_with("Internal error Internal error") && msg.chars().count() <= 201,
        "{msg}"
    );
    assert!(!err.to_string().contains('<'), "{err}");
    assert_eq!(api.body.as_deref(), Some(page.as_bytes()));
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), None);
}

#[tokio::test]
async fn html_error_page_with_a_title_shows_the_title() {
    let server = MockServer::start().await;
    let page = "<!DOCTYPE html><html><head><title>Service Unavailable</title></head>\
                <body><h1>503</h1><p>Try again later.</p></body></html>";
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "2")
                .set_body_raw(page, "text/html"),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("{}/api", server.uri()))
        .retry_policy(salesflow::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.list_webhooks().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "listWebhooks failed with HTTP 503, Server: Service Unavailable (retry after 2 s)"
    );
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(2)));
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
    let err = client(&server).list_campaigns().await.unwrap_err();
    assert!(err.to_string().starts_with("listCampaigns: "), "{err}");
    match err {
        Error::Decode {
            operation, snippet, ..
        } => {
            assert_eq!(operation, Operation::ListCampaigns);
            assert_eq!(snippet, "[{\"oops\": 1}]");
        }
        other => panic!("{other:?}"),
    }
}

/// `op.path()` with every path parameter filled in from the spec's example, under the test
/// base URL.
fn wire_path(op: Operation) -> String {
    let example = AnyRequest::example(op)
        .unwrap_or_else(|e| panic!("{op}: {e}"))
        .to_json();
    let mut path = String::from("/api");
    for segment in op.path().split('/').filter(|s| !s.is_empty()) {
        let segment = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => match &example[name] {
                Value::String(s) => s.clone(),
                Value::Null => panic!("{op}: the example has no path parameter `{name}`"),
                other => other.to_string(),
            },
            None => segment.to_owned(),
        };
        path.push('/');
        path.push_str(&segment);
    }
    path
}

#[test]
fn wire_paths_fill_every_path_parameter() {
    for op in Operation::ALL {
        let path = wire_path(*op);
        assert!(!path.contains(['{', '}']), "{op}: {path}");
        assert_eq!(
            path.split('/').count(),
            op.path().split('/').count() + 1,
            "{op}: {path}"
        );
    }
}

#[tokio::test]
async fn every_spec_example_decodes_passes_validation_and_is_sent() {
    // Every request reaches the server and is refused: an API error (not a validation or
    // configuration error) proves the example passed the client-side checks.
    let (server, client) = serve(404, json!({"Status": 404, "Message": "nope"})).await;
    for (i, op) in Operation::ALL.iter().copied().enumerate() {
        let request = AnyRequest::example(op).unwrap_or_else(|e| panic!("{op}: {e}"));
        assert_eq!(request.operation(), op);
        let err = request
            .send_json(&client, CallOptions::default())
            .await
            .unwrap_err();
        let api = err.as_api().unwrap_or_else(|| panic!("{op}: {err:?}"));
        assert_eq!(api.operation, op);
        assert_eq!(api.kind, ApiErrorKind::NotFound, "{op}");
        let reqs = requests(&server).await;
        assert_eq!(reqs.len(), i + 1, "{op}: one request each");
        let last = &reqs[i];
        assert_eq!(last.method.as_str(), op.method(), "{op}");
        assert_eq!(last.url.path(), wire_path(op), "{op}");
        assert_eq!(query(last)["token"], TOKEN, "{op}");
    }
}

#[tokio::test]
async fn any_request_sends_what_the_typed_call_sends() {
    let mut body = contact_sample(46875434, "identity500");
    body["Nickname"] = json!("Johnny");
    let (server, client) = serve(200, body.clone()).await;
    let request = AnyRequest::from_json(
        Operation::GetContactByPublicIdentifier,
        json!({"publicIdentifier": "identity500"}),
    )
    .unwrap();
    assert_eq!(
        request,
        AnyRequest::from(ops::GetContactByPublicIdentifier::new("identity500"))
    );
    // The answer as JSON: the vendor's names, unknown fields included.
    let answer = request
        .send_json(&client, CallOptions::default())
        .await
        .unwrap();
    assert_eq!(answer, body);
    client
        .get_contact_by_public_identifier("identity500")
        .await
        .unwrap();
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(query(&reqs[0]), query(&reqs[1]));
    assert_eq!(reqs[0].url.path(), reqs[1].url.path());

    // Optional parameters and typed values from JSON.
    let request = AnyRequest::from_json(
        Operation::GetCampaignStatistics,
        json!({"campaignId": 29854, "isForceRequest": true}),
    )
    .unwrap();
    assert_eq!(
        request,
        AnyRequest::GetCampaignStatistics(
            ops::GetCampaignStatistics::new(29854).is_force_request(true)
        )
    );
    let request = AnyRequest::from_json(
        Operation::AttachWebhook,
        json!({"webhookId": 1, "campaignId": 2, "runOn": 7}),
    )
    .unwrap();
    assert_eq!(
        request,
        AnyRequest::from(ops::AttachWebhook::new(1, 2, RunOn::InvitationWithdrawn))
    );

    // Client-side validation applies to what came from JSON too.
    let request = AnyRequest::from_json(
        Operation::UpdateContact,
        json!({"memberId": 1, "firstName": "x".repeat(64)}),
    )
    .unwrap();
    let err = request
        .send_json(&client, CallOptions::default())
        .await
        .unwrap_err();
    assert_eq!(validation(&err).field, "firstName");
    assert_eq!(requests(&server).await.len(), 2);
}

#[test]
fn any_request_from_json_errors_name_the_missing_parameter() {
    for (op, params, name) in [
        (Operation::GetCampaignStatistics, json!({}), "campaignId"),
        (
            Operation::GetCampaignStatistics,
            json!({"isForceRequest": true}),
            "campaignId",
        ),
        (
            Operation::ImportMember,
            json!({"campaignId": 1}),
            "linkedInUrl",
        ),
        (
            Operation::ListContactsByPublicIdentifiers,
            json!({"UpdatedFromDate": "2024-05-01T10:00:00Z"}),
            "PublicIdentifiers",
        ),
        (Operation::CreateWebhook, json!({"Name": "n"}), "Url"),
        (
            Operation::AttachWebhook,
            json!({"webhookId": 1, "campaignId": 2}),
            "runOn",
        ),
        (Operation::DetachWebhook, json!({}), "webhookCampaignId"),
        (
            Operation::UpdateContact,
            json!({"firstName": "J"}),
            "memberId",
        ),
    ] {
        let err = AnyRequest::from_json(op, params).unwrap_err();
        assert!(
            err.to_string().contains(&format!("`{name}`")),
            "{op}: {err}"
        );
    }
    // Not an object at all.
    assert!(AnyRequest::from_json(Operation::GetContact, json!(46875434)).is_err());
    assert!(AnyRequest::from_json(Operation::ListAccounts, json!({})).is_ok());
}

#[test]
fn any_request_from_json_errors_name_a_parameter_of_the_wrong_type() {
    for (op, params, name) in [
        (
            Operation::GetCampaignStatistics,
            json!({"campaignId": "abc"}),
            "campaignId",
        ),
        (
            Operation::GetCampaignStatistics,
            json!({"campaignId": 1, "isForceRequest": "yes"}),
            "isForceRequest",
        ),
        (
            Operation::ListContactsByPublicIdentifiers,
            json!({"PublicIdentifiers": "identity1"}),
            "PublicIdentifiers",
        ),
        (
            Operation::ListCampaigns,
            json!({"updatedFromDate": "yesterday"}),
            "updatedFromDate",
        ),
    ] {
        let err = AnyRequest::from_json(op, params).unwrap_err();
        assert!(err.to_string().contains(name), "{op}: {err}");
    }
}
