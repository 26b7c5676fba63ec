//! The generated low-level client (`salesflow-api`) against local test servers: for every
//! operation, the request on the wire (method, host, path, query with auth, body) and the typed
//! value decoded from the reference's sample response.

use std::collections::BTreeMap;

use salesflow_api::operations::Host;
use salesflow_api::{types, ApiToken, Client, ClientState, Error, Hosts, Operation, API_VERSION};
use salesflow_webhook_types::{
    AccountId, CampaignId, CampaignStatus, MemberFlags, MemberId, RunOn, WebhookCampaignId,
    WebhookId,
};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok-canary-5f3a9c";
const ACCOUNT: i64 = 321;

/// Two local servers standing in for the vendor's two hosts.
struct Hosts2 {
    app: MockServer,
    mvc: MockServer,
}

impl Hosts2 {
    async fn start() -> Self {
        Hosts2 {
            app: MockServer::start().await,
            mvc: MockServer::start().await,
        }
    }

    fn client(&self) -> Client {
        let hosts = Hosts::new(
            format!("{}/api", self.mvc.uri()),
            format!("{}/api/", self.app.uri()),
        );
        Client::with_hosts(
            &hosts,
            reqwest::Client::new(),
            ClientState::new(ApiToken::new(TOKEN), Some(AccountId::new(ACCOUNT))),
        )
    }

    /// Both servers answer every request with `status` and `body`.
    async fn respond(&self, status: u16, body: Value) {
        for server in [&self.app, &self.mvc] {
            Mock::given(any())
                .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
                .mount(server)
                .await;
        }
    }

    /// The one request that reached either host, and which host it was.
    async fn only_request(&self) -> (&'static str, Request) {
        let app = self.app.received_requests().await.unwrap_or_default();
        let mvc = self.mvc.received_requests().await.unwrap_or_default();
        assert_eq!(
            app.len() + mvc.len(),
            1,
            "expected exactly one request, got app={app:?} mvc={mvc:?}"
        );
        match (app.into_iter().next(), mvc.into_iter().next()) {
            (Some(r), None) => ("app", r),
            (None, Some(r)) => ("mvc", r),
            _ => unreachable!(),
        }
    }
}

fn query(request: &Request) -> BTreeMap<String, String> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn expected_query(extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut q: BTreeMap<String, String> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    q.insert("token".into(), TOKEN.into());
    q.insert("accountId".into(), ACCOUNT.to_string());
    q
}

fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("request body is JSON")
}

fn assert_request(
    (host, request): &(&'static str, Request),
    want_host: &str,
    method: &str,
    path: &str,
    query_pairs: &[(&str, &str)],
) {
    assert_eq!(*host, want_host, "host");
    assert_eq!(request.method.as_str(), method, "method");
    assert_eq!(request.url.path(), path, "path");
    assert_eq!(query(request), expected_query(query_pairs), "query");
    assert_eq!(
        request
            .headers
            .get("api-version")
            .map(|v| v.to_str().unwrap()),
        Some(API_VERSION),
        "api-version header"
    );
}

#[tokio::test]
async fn get_campaign_statistics_goes_to_the_app_host_with_auth() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"CampaignId": 31767, "Total": 555, "InMails": 0, "Imported": 2,
                "Connections": 1, "Messages": 0, "Pending": 552, "Replies": 0, "Withdrawn": 0,
                "Invitations": 0, "UpdatedAt": "/Date(1618336539820)/", "Elapsed": 3.5381}),
        )
        .await;
    let stats = hosts
        .client()
        .get_campaign_statistics(&CampaignId::new(31767), None)
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "app",
        "GET",
        "/api/statistics/GetCampaignStatistics",
        &[("campaignId", "31767")],
    );
    assert!(seen.1.body.is_empty());
    assert_eq!(stats.campaign_id, CampaignId::new(31767));
    assert_eq!(stats.total, 555);
    assert_eq!(stats.pending, 552);
    assert_eq!(stats.updated_at.timestamp_millis(), 1_618_336_539_820);
    assert!((stats.elapsed - 3.5381).abs() < 1e-9);
}

#[tokio::test]
async fn get_campaign_statistics_sends_is_force_request_when_given() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"CampaignId": 1, "Total": 0, "InMails": 0, "Imported": 0, "Connections": 0,
                "Messages": 0, "Pending": 0, "Replies": 0, "Withdrawn": 0, "Invitations": 0,
                "UpdatedAt": "/Date(0)/", "Elapsed": 0.0}),
        )
        .await;
    hosts
        .client()
        .get_campaign_statistics(&1.into(), Some(true))
        .await
        .unwrap();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "app",
        "GET",
        "/api/statistics/GetCampaignStatistics",
        &[("campaignId", "1"), ("isForceRequest", "true")],
    );
}

#[tokio::test]
async fn import_member_is_a_get_with_query_parameters_on_mvc() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"MemberId": 46875434, "FirstName": "John", "LastName": "Smith",
                "Location": "US", "Occupation": "CEO", "Industry": null, "Email": null,
                "Phone": null, "PublicIdentifier": "john-smith-123456"}),
        )
        .await;
    let url: types::ImportMemberLinkedInUrl =
        "https://linkedin.com/in/john-smith-123456".parse().unwrap();
    let custom1: types::ImportMemberCustom1 = "vip".parse().unwrap();
    let first_name: types::ImportMemberFirstName = "John".parse().unwrap();
    let last_name: types::ImportMemberLastName = "Smith".parse().unwrap();
    let location: types::ImportMemberLocation = "US".parse().unwrap();
    let occupation: types::ImportMemberOccupation = "CEO".parse().unwrap();
    let member = hosts
        .client()
        .import_member(
            &CampaignId::new(12345),
            Some(&custom1),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            Some(&first_name),
            Some(&last_name),
            &url,
            Some(&location),
            Some(&occupation),
        )
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "mvc",
        "GET",
        "/api/members/Import",
        &[
            ("campaignId", "12345"),
            ("linkedInUrl", "https://linkedin.com/in/john-smith-123456"),
            ("firstName", "John"),
            ("lastName", "Smith"),
            ("occupation", "CEO"),
            ("location", "US"),
            ("custom1", "vip"),
        ],
    );
    assert_eq!(member.member_id, MemberId::new(46875434));
    assert_eq!(
        member.public_identifier.as_deref(),
        Some("john-smith-123456")
    );
    assert_eq!(member.industry, None);
}

#[tokio::test]
async fn update_contact_posts_camel_case_body_without_unchanged_fields() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"MemberId": 46875434, "FirstName": "John", "LastName": "Doe",
                "Location": "New York", "Occupation": "CEO", "Industry": "marketing",
                "Email": "john.doe@example.com", "Phone": "1555123456",
                "PublicIdentifier": "identity100"}),
        )
        .await;
    let body = types::UpdateContactRequest {
        first_name: Some("John".parse().unwrap()),
        last_name: Some("Doe".parse().unwrap()),
        ..Default::default()
    };
    let contact = hosts
        .client()
        .update_contact(&MemberId::new(46875434), &body)
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(&seen, "mvc", "POST", "/api/members/46875434", &[]);
    assert_eq!(
        body_json(&seen.1),
        json!({"firstName": "John", "lastName": "Doe"})
    );
    assert_eq!(
        seen.1.headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(contact.location.as_deref(), Some("New York"));
}

#[test]
fn update_contact_body_enforces_the_documented_max_lengths() {
    assert!("x"
        .repeat(63)
        .parse::<types::UpdateContactRequestFirstName>()
        .is_ok());
    assert!("x"
        .repeat(64)
        .parse::<types::UpdateContactRequestFirstName>()
        .is_err());
    assert!("x"
        .repeat(128)
        .parse::<types::UpdateContactRequestLocation>()
        .is_err());
    assert!("x"
        .repeat(1024)
        .parse::<types::UpdateContactRequestEmail>()
        .is_err());
    assert!("x"
        .repeat(256)
        .parse::<types::CreateWebhookRequestName>()
        .is_err());
    assert!("x"
        .repeat(512)
        .parse::<types::CreateWebhookRequestUrl>()
        .is_err());
    // ImportMember's parameters have the same limits since the spec gave them maxLength.
    assert!("é"
        .repeat(63)
        .parse::<types::ImportMemberFirstName>()
        .is_ok());
    assert!("é"
        .repeat(64)
        .parse::<types::ImportMemberFirstName>()
        .is_err());
    assert!("x"
        .repeat(128)
        .parse::<types::ImportMemberLocation>()
        .is_err());
    assert!("x"
        .repeat(1024)
        .parse::<types::ImportMemberCustom10>()
        .is_err());
    // Public identifiers: not empty nor only whitespace.
    for blank in ["", " ", "\t"] {
        assert!(blank
            .parse::<types::ListContactsRequestPublicIdentifiersItem>()
            .is_err());
        assert!(blank
            .parse::<types::GetContactByPublicIdentifierPublicIdentifier>()
            .is_err());
    }
}

#[tokio::test]
async fn get_contact_decodes_status_flags_and_campaign() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"MemberId": 46875434, "FirstName": "John", "LastName": "Doe",
                "Location": "New York", "Occupation": "CEO", "Industry": "marketing",
                "Email": "john.doe@example.com", "Phone": "1555123456",
                "PublicIdentifier": "identity100", "Status": "MEMBER_PENDING, MEMBER_ERROR",
                "CampaignId": 10, "CampaignName": "Sale lead"}),
        )
        .await;
    let details = hosts
        .client()
        .get_contact(&MemberId::new(46875434))
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(&seen, "mvc", "GET", "/api/members/46875434", &[]);
    assert_eq!(details.flags(), MemberFlags::PENDING | MemberFlags::ERROR);
    assert!(details.is_error());
    let status = details.status.expect("status decoded");
    assert_eq!(status.flags(), MemberFlags::PENDING | MemberFlags::ERROR);
    assert_eq!(details.campaign_id, Some(CampaignId::new(10)));
    assert_eq!(details.campaign_name.as_deref(), Some("Sale lead"));
}

#[tokio::test]
async fn get_contact_by_public_identifier_sends_it_as_a_query_parameter() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"MemberId": 46875434, "PublicIdentifier": "identity500"}),
        )
        .await;
    let id: types::GetContactByPublicIdentifierPublicIdentifier = "identity500".parse().unwrap();
    let contact = hosts
        .client()
        .get_contact_by_public_identifier(&id)
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "mvc",
        "GET",
        "/api/members",
        &[("publicIdentifier", "identity500")],
    );
    assert_eq!(contact.member_id, MemberId::new(46875434));
}

#[tokio::test]
async fn delete_contact_puts_the_member_id_in_the_path() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(200, json!({"Status": 204, "Message": null}))
        .await;
    let status = hosts
        .client()
        .delete_contact(&MemberId::new(46875434))
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(&seen, "mvc", "DELETE", "/api/members/46875434", &[]);
    assert_eq!(status.status, 204);
    assert_eq!(status.message, None);
}

#[tokio::test]
async fn list_contacts_by_campaign_uses_mvc_and_campaign_id() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!([{"MemberId": 46875434, "FirstName": "John"},
                   {"MemberId": 46875435, "FirstName": "Nick", "Industry": null}]),
        )
        .await;
    let contacts = hosts
        .client()
        .list_contacts_by_campaign(&CampaignId::new(456), None)
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "mvc",
        "GET",
        "/api/members/list-contacts",
        &[("campaignId", "456")],
    );
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[1].first_name.as_deref(), Some("Nick"));
    assert_eq!(contacts[1].public_identifier, None);
}

#[tokio::test]
async fn list_contacts_by_public_identifiers_posts_them_in_the_body() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!([{"MemberId": 1, "PublicIdentifier": "identity1"}]),
        )
        .await;
    let body = types::ListContactsRequest {
        public_identifiers: vec!["identity1".parse().unwrap(), "identity3".parse().unwrap()],
        updated_from_date: None,
    };
    let contacts = hosts
        .client()
        .list_contacts_by_public_identifiers(&body)
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(&seen, "mvc", "POST", "/api/members/list-contacts", &[]);
    assert_eq!(
        body_json(&seen.1),
        json!({"PublicIdentifiers": ["identity1", "identity3"]})
    );
    assert_eq!(contacts[0].public_identifier.as_deref(), Some("identity1"));
}

#[tokio::test]
async fn list_campaigns_decodes_known_and_unknown_statuses() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!([{"CampaignId": 29854, "CampaignName": "Sales", "Status": "CAMPAIGN_RUNNING"},
                   {"CampaignId": 29889, "Status": "CAMPAIGN_ARCHIVED", "CampaignName": "Java developers"}]),
        )
        .await;
    let campaigns = hosts
        .client()
        .list_campaigns(None)
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(&seen, "mvc", "GET", "/api/campaigns/list-campaigns", &[]);
    assert_eq!(campaigns[0].status, Some(CampaignStatus::Running));
    assert_eq!(
        campaigns[1].status,
        Some(CampaignStatus::Unknown("CAMPAIGN_ARCHIVED".into()))
    );
}

#[tokio::test]
async fn start_campaign_posts_an_empty_object() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"Status": 200, "Message": "Campaign has been started."}),
        )
        .await;
    let status = hosts
        .client()
        .start_campaign(&CampaignId::new(456), &types::EmptyBody {})
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "mvc",
        "POST",
        "/api/campaigns/start",
        &[("campaignId", "456")],
    );
    assert_eq!(body_json(&seen.1), json!({}));
    assert_eq!(
        status.message.as_deref(),
        Some("Campaign has been started.")
    );
}

#[tokio::test]
async fn start_campaign_documented_failures_arrive_as_typed_error_responses() {
    for (code, message) in [
        (403, "Invalid token/account."),
        (404, "Campaign not found."),
        (409, "Campaign is already running."),
        (422, "Campaign has no members."),
    ] {
        let hosts = Hosts2::start().await;
        hosts
            .respond(code, json!({"Status": code, "Message": message}))
            .await;
        let err = hosts
            .client()
            .start_campaign(&CampaignId::new(456), &types::EmptyBody {})
            .await
            .unwrap_err();
        let seen = hosts.only_request().await;
        assert_request(
            &seen,
            "mvc",
            "POST",
            "/api/campaigns/start",
            &[("campaignId", "456")],
        );
        match err {
            Error::ErrorResponse(response) => {
                assert_eq!(response.status().as_u16(), code);
                let body = response.into_inner();
                assert_eq!(body.status, i32::from(code));
                assert_eq!(body.message.as_deref(), Some(message));
            }
            other => panic!("{code}: expected ErrorResponse, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn list_accounts_sends_the_token_without_account_id() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!([{"AccountId": 10, "AccountEmail": "blocked@example.com", "Status": "ACCOUNT_BLOCKED"}]),
        )
        .await;
    let accounts = hosts.client().list_accounts().await.unwrap().into_inner();
    let (host, request) = hosts.only_request().await;
    assert_eq!(host, "mvc");
    assert_eq!(request.url.path(), "/api/accounts/list");
    assert_eq!(
        query(&request),
        BTreeMap::from([("token".to_string(), TOKEN.to_string())])
    );
    assert_eq!(accounts[0].account_id, AccountId::new(10));
    assert!(accounts[0].is_blocked());
}

#[tokio::test]
async fn create_webhook_is_a_post_with_a_json_body() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"WebhookId": 10265, "Name": "Doe", "Url": "https://www.somesite.com/abc",
                "DisableForMutedContacts": null, "AttachedWebhookCampaigns": []}),
        )
        .await;
    let body = types::CreateWebhookRequest {
        name: "Doe".parse().unwrap(),
        url: "https://www.somesite.com/abc".parse().unwrap(),
        disable_for_muted_contacts: Some(true),
    };
    let webhook = hosts
        .client()
        .create_webhook(&body)
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(&seen, "mvc", "POST", "/api/webhooks/create", &[]);
    assert_eq!(
        body_json(&seen.1),
        json!({"Name": "Doe", "Url": "https://www.somesite.com/abc", "DisableForMutedContacts": true})
    );
    assert_eq!(webhook.webhook_id, WebhookId::new(10265));
    assert!(webhook.attachments().is_empty());
    assert_eq!(webhook.disable_for_muted_contacts, None);
}

#[tokio::test]
async fn delete_webhook_is_a_delete_with_the_id_in_the_query() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(200, json!({"Status": 204, "Message": null}))
        .await;
    let status = hosts
        .client()
        .delete_webhook(&WebhookId::new(789))
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "mvc",
        "DELETE",
        "/api/webhooks/delete",
        &[("webhookId", "789")],
    );
    assert_eq!(status.status, 204);
}

#[tokio::test]
async fn list_webhooks_decodes_attachments_with_run_on() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!([{"WebhookId": 8984, "Name": "SomeCoolName", "Url": "https://www.somehost.com/abc",
                "DisableForMutedContacts": false, "AttachedWebhookCampaigns": [
                    {"WebhookCampaignId": 17745, "CampaignId": 29124, "RunOn": 1},
                    {"WebhookCampaignId": 17747, "CampaignId": 29124, "RunOn": 7},
                    {"WebhookCampaignId": 17812, "CampaignId": 29130, "RunOn": 9}]}]),
        )
        .await;
    let webhooks = hosts.client().list_webhooks().await.unwrap().into_inner();
    let seen = hosts.only_request().await;
    assert_request(&seen, "mvc", "GET", "/api/webhooks/list", &[]);
    let run_on: Vec<RunOn> = webhooks[0].attachments().iter().map(|a| a.run_on).collect();
    assert_eq!(
        run_on,
        vec![
            RunOn::MemberConnected,
            RunOn::InvitationWithdrawn,
            RunOn::Unknown(9)
        ]
    );
}

#[tokio::test]
async fn attach_webhook_sends_ids_and_run_on_in_the_query() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(
            200,
            json!({"WebhookCampaignId": 27830, "CampaignId": 789, "RunOn": 2}),
        )
        .await;
    let attachment = hosts
        .client()
        .attach_webhook(
            &CampaignId::new(789),
            &RunOn::ReplyDetected,
            &WebhookId::new(456),
            &types::EmptyBody {},
        )
        .await
        .unwrap()
        .into_inner();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "mvc",
        "POST",
        "/api/webhooks/attach",
        &[("webhookId", "456"), ("campaignId", "789"), ("runOn", "2")],
    );
    assert_eq!(body_json(&seen.1), json!({}));
    assert_eq!(
        attachment.webhook_campaign_id,
        WebhookCampaignId::new(27830)
    );
    assert_eq!(attachment.campaign_id, CampaignId::new(789));
    assert_eq!(attachment.run_on, RunOn::ReplyDetected);
}

#[tokio::test]
async fn detach_webhook_sends_the_attachment_id() {
    let hosts = Hosts2::start().await;
    hosts
        .respond(200, json!({"Status": 204, "Message": null}))
        .await;
    hosts
        .client()
        .detach_webhook(&WebhookCampaignId::new(17745), &types::EmptyBody {})
        .await
        .unwrap();
    let seen = hosts.only_request().await;
    assert_request(
        &seen,
        "mvc",
        "POST",
        "/api/webhooks/detach",
        &[("webhookCampaignId", "17745")],
    );
    assert_eq!(body_json(&seen.1), json!({}));
}

#[tokio::test]
async fn one_override_serves_both_hosts() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "CampaignId": 1, "Total": 0, "InMails": 0, "Imported": 0, "Connections": 0,
            "Messages": 0, "Pending": 0, "Replies": 0, "Withdrawn": 0, "Invitations": 0,
            "UpdatedAt": "/Date(0)/", "Elapsed": 0.0})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = Client::with_hosts(
        &Hosts::single(format!("{}/api", server.uri())),
        reqwest::Client::new(),
        ClientState::new(ApiToken::new(TOKEN), Some(AccountId::new(ACCOUNT))),
    );
    client
        .get_campaign_statistics(&CampaignId::new(1), None)
        .await
        .unwrap();
    client.list_campaigns(None).await.unwrap();
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/statistics/GetCampaignStatistics",
            "/api/campaigns/list-campaigns"
        ]
    );
}

#[tokio::test]
async fn the_token_never_appears_in_low_level_errors() {
    // Connection refused: bind a port, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::with_hosts(
        &Hosts::single(format!("http://127.0.0.1:{port}/api")),
        reqwest::Client::new(),
        ClientState::new(ApiToken::new(TOKEN), Some(AccountId::new(ACCOUNT))),
    );
    let err = client.list_campaigns(None).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::CommunicationError(_)), "{shown}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    assert!(shown.contains("REDACTED"), "URL kept, redacted: {shown}");

    // An undocumented status arrives as a whole response: its Debug must not show the token.
    let hosts = Hosts2::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .mount(&hosts.mvc)
        .await;
    let err = hosts.client().list_campaigns(None).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::UnexpectedResponse(_)), "{shown}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");

    // The client's own Debug.
    let shown = format!("{:?}", hosts.client());
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
}

/// The decisions of the spec that shape the operation table, one by one (the table as a whole
/// is compared with the spec by `coverage.rs`, with no list written there either).
#[test]
fn the_operation_table_matches_the_decisions() {
    // GetCampaignStatistics is served by the `app` host; ListAccounts takes no account.
    assert_eq!(Operation::GetCampaignStatistics.host(), Host::App);
    assert_eq!(Operation::ListCampaigns.host(), Host::Mvc);
    assert!(!Operation::ListAccounts.needs_account_id());
    assert!(Operation::ListCampaigns.needs_account_id());
    let import: Operation = "importMember".parse().unwrap();
    assert_eq!(import, Operation::ImportMember);
    assert_eq!((import.method(), import.changes_state()), ("GET", true));
    assert!(!Operation::ListCampaigns.changes_state());
    assert!(Operation::StartCampaign.changes_state());
    assert_eq!(Operation::CreateWebhook.method(), "POST");
    // A POST that reads: the spec's `x-salesflow-changes-state: false`.
    let by_ids = Operation::ListContactsByPublicIdentifiers;
    assert_eq!((by_ids.method(), by_ids.changes_state()), ("POST", false));
    // The names: Display and serde use the operationId; the method name parses too.
    assert_eq!(Operation::StartCampaign.to_string(), "startCampaign");
    assert_eq!(
        Operation::from_name("start_campaign"),
        Some(Operation::StartCampaign)
    );
    assert_eq!(Operation::from_name("StartCampaign"), None);
    assert!("nope".parse::<Operation>().is_err());
    for op in Operation::ALL {
        assert_eq!(op.id().parse::<Operation>(), Ok(*op));
        assert_eq!(op.rust_name().parse::<Operation>(), Ok(*op));
        assert_eq!(
            serde_json::to_value(op).unwrap(),
            Value::from(op.id()),
            "{op}"
        );
    }
}

#[tokio::test]
async fn unknown_response_fields_are_kept_in_extra_and_written_back() {
    let hosts = Hosts2::start().await;
    let body = json!({"MemberId": 46875434, "PublicIdentifier": "identity500",
        "Nickname": "Johnny", "Score": 4.5, "Labels": ["a", null]});
    hosts.respond(200, body.clone()).await;
    let id: types::GetContactByPublicIdentifierPublicIdentifier = "identity500".parse().unwrap();
    let contact = hosts
        .client()
        .get_contact_by_public_identifier(&id)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(contact.member_id, MemberId::new(46875434));
    assert_eq!(contact.extra.len(), 3, "{:?}", contact.extra);
    assert_eq!(contact.extra["Nickname"], "Johnny");
    assert_eq!(contact.extra["Score"], 4.5);
    assert_eq!(contact.extra["Labels"], json!(["a", null]));
    assert_eq!(serde_json::to_value(&contact).unwrap(), body);
    // Known fields are never in `extra`, even when null.
    let details: types::ContactDetails = serde_json::from_value(
        json!({"MemberId": 1, "CampaignId": null, "Status": null, "New": 1}),
    )
    .unwrap();
    assert_eq!(details.extra.keys().collect::<Vec<_>>(), ["New"]);
    assert_eq!(details.campaign_id, None);
}
