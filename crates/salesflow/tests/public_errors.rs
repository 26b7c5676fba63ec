//! Errors a service can show and count: `Error::public_message` (short, no URL, host, id or
//! token) for every kind of failure the mock can make, `retry_after` of an exhausted budget,
//! and the vendor's in-body status as a tower layer sees it (`BodyStatus`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use salesflow::salesflow_api::middleware::{BodyStatus, HttpRequest, HttpService, RequestContext};
use salesflow::{Client, Error, MemberId, Operation, Pacing, RetryPolicy};
use salesflow_mock::{
    Fault, FaultKind, MockServer, DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_EMPTY, DEMO_CAMPAIGN_PAUSED,
    DEMO_CAMPAIGN_RUNNING, DEMO_MEMBER_JOHN, DEMO_TOKEN, DEMO_WEBHOOK_ID,
};
use tower::ServiceExt;

fn client_of(mock: &MockServer) -> Client {
    Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Checks that `err`'s public message is `expected` and holds nothing of the request.
fn assert_public(mock: &MockServer, err: &Error, expected: &str) {
    let public = err.public_message().to_string();
    assert_eq!(public, expected, "for {err:?}");
    let port = mock.addr().port().to_string();
    let forbidden = [
        "127.0.0.1",
        port.as_str(),
        "http",
        "/api",
        "REDACTED",
        DEMO_TOKEN,
        "321",
        "29854",
        "29889",
        "29890",
        "46875434",
        "8984",
        "statistics",
        "Campaign",
        "Contact",
        "Webhook",
    ];
    for f in forbidden {
        assert!(!public.contains(f), "`{public}` shows `{f}` (from {err})");
    }
}

#[tokio::test]
async fn every_kind_of_failure_has_a_short_public_message() {
    let mock = MockServer::start().await.unwrap();
    let client = client_of(&mock);

    // A timeout: the detailed message names the operation (and, for logs, the request);
    // the public one says only what happened.
    mock.inject(
        Fault::new(FaultKind::Latency { ms: 2_000 })
            .for_operation(Operation::GetCampaignStatistics)
            .once(),
    )
    .unwrap();
    let err = client
        .get_campaign_statistics(DEMO_CAMPAIGN_RUNNING)
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.to_string().contains("getCampaignStatistics"), "{err}");
    assert_public(&mock, &err, "Salesflow did not answer in time");

    let err = client.get_contact(MemberId::new(1)).await.unwrap_err();
    assert_public(&mock, &err, "not found in Salesflow");

    // The vendor's error under HTTP 200 is the same error, with the same message.
    mock.inject(
        Fault::new(FaultKind::ErrorInOk {
            status: 404,
            message: Some("Campaign 29854 not found for account 321".into()),
        })
        .for_operation(Operation::ListCampaigns)
        .once(),
    )
    .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert_eq!(err.http_status(), Some(200));
    assert!(err.to_string().contains("29854"), "the log keeps it: {err}");
    assert_public(&mock, &err, "not found in Salesflow");

    mock.inject(
        Fault::new(FaultKind::TooManyRequests {
            retry_after_secs: 3,
        })
        .once(),
    )
    .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert_public(
        &mock,
        &err,
        "too many requests to Salesflow; try again in 3 s",
    );

    mock.inject(Fault::new(FaultKind::ServerError).once())
        .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert_public(
        &mock,
        &err,
        "Salesflow failed (a server error); try again later",
    );

    mock.inject(Fault::new(FaultKind::ConnectionReset).once())
        .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert_eq!(
        err.transport_cause(),
        Some(salesflow::TransportCause::ConnectionReset),
        "{err:?}"
    );
    assert_public(
        &mock,
        &err,
        "the connection to Salesflow broke before the answer was complete",
    );

    mock.inject(Fault::new(FaultKind::MalformedJson).once())
        .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_public(
        &mock,
        &err,
        "Salesflow gave an answer that could not be read",
    );

    client.start_campaign(DEMO_CAMPAIGN_PAUSED).await.unwrap();
    let err = client
        .start_campaign(DEMO_CAMPAIGN_PAUSED)
        .await
        .unwrap_err();
    assert_public(
        &mock,
        &err,
        "Salesflow reported a conflict with the current state",
    );
    let err = client
        .start_campaign(DEMO_CAMPAIGN_EMPTY)
        .await
        .unwrap_err();
    assert_public(&mock, &err, "Salesflow cannot carry out this request");

    let wrong = client.for_account("not-a-token", DEMO_ACCOUNT_ID);
    let err = wrong.list_webhooks().await.unwrap_err();
    assert_public(
        &mock,
        &err,
        "Salesflow refused the credentials of the account",
    );

    // The caller's own mistake: the field and the rule, never the value.
    let err = client
        .import_member(DEMO_CAMPAIGN_RUNNING, "https://example.com/29854")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert_eq!(err.public_message().to_string(), err.to_string());
    assert_public(&mock, &err, &err.to_string());

    let no_account = Client::builder()
        .token(DEMO_TOKEN)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let err = no_account.list_campaigns().await.unwrap_err();
    assert_public(&mock, &err, "the Salesflow client is misconfigured");

    // Nothing listens there (port 9, discard, is closed on test machines).
    let gone = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url("http://127.0.0.1:9/api")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = gone.list_webhooks().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_public(&mock, &err, "Salesflow could not be reached");
}

#[tokio::test]
async fn an_exhausted_budget_says_when_to_try_again() {
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .pacing(Pacing::unlimited().daily_imports(0))
        .build()
        .unwrap();
    let err = client
        .import_member(
            DEMO_CAMPAIGN_RUNNING,
            "https://www.linkedin.com/in/jane-roe",
        )
        .await
        .unwrap_err();
    let Error::BudgetExhausted {
        resets_at: Some(resets_at),
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    let wait = err
        .retry_after()
        .expect("a budget error says when it resets");
    let expected = (*resets_at - chrono::Utc::now()).to_std().unwrap();
    assert!(wait <= Duration::from_secs(24 * 3600), "{wait:?}");
    assert!(
        wait.abs_diff(expected) < Duration::from_secs(5),
        "{wait:?} vs {expected:?}"
    );
    assert!(wait > Duration::ZERO || expected < Duration::from_secs(5));
    assert_eq!(
        err.public_message().to_string(),
        format!(
            "the account's daily budget of this operation is spent; it resets at {}",
            resets_at.format("%Y-%m-%d 00:00 UTC")
        )
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
    // A budget error whose reset time is unknown says nothing.
    let unknown = Error::BudgetExhausted {
        operation: Operation::ImportMember,
        account_id: None,
        limit: 1,
        resets_at: None,
    };
    assert_eq!(unknown.retry_after(), None);
    // One whose reset time has passed: at once.
    let passed = Error::BudgetExhausted {
        operation: Operation::ImportMember,
        account_id: None,
        limit: 1,
        resets_at: Some(chrono::Utc::now() - chrono::TimeDelta::hours(1)),
    };
    assert_eq!(passed.retry_after(), Some(Duration::ZERO));
}

/// What the counting layer saw of one attempt: the operation, the HTTP status, the body's
/// status and the status to count.
type Seen = (Operation, u16, Option<i32>, u16);

fn counting(log: Arc<Mutex<Vec<Seen>>>) -> impl tower::Layer<HttpService, Service = HttpService> {
    tower::layer::layer_fn(move |inner: HttpService| {
        let log = log.clone();
        HttpService::new(tower::service_fn(move |request: HttpRequest| {
            let inner = inner.clone();
            let log = log.clone();
            async move {
                let operation = request
                    .extensions()
                    .get::<RequestContext>()
                    .map(|c| c.operation);
                let response = inner.oneshot(request).await?;
                let body_status = response.extensions().get::<BodyStatus>().map(|s| s.get());
                if let Some(op) = operation {
                    log.lock().unwrap().push((
                        op,
                        response.status().as_u16(),
                        body_status,
                        BodyStatus::effective_status(&response),
                    ));
                }
                Ok(response)
            }
        }))
    })
}

#[tokio::test]
async fn a_layer_sees_the_vendors_status_in_the_body() {
    let mock = MockServer::start().await.unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .layer(counting(log.clone()))
        .build()
        .unwrap();

    mock.inject(
        Fault::new(FaultKind::ErrorInOk {
            status: 404,
            message: None,
        })
        .for_operation(Operation::ListCampaigns)
        .once(),
    )
    .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert_eq!(err.api_kind(), Some(salesflow::ApiErrorKind::NotFound));
    // The answers the layers saw are still decoded as before.
    assert_eq!(client.list_campaigns().await.unwrap().len(), 3);
    let john = client.get_contact(DEMO_MEMBER_JOHN).await.unwrap();
    assert_eq!(john.member_id, DEMO_MEMBER_JOHN);
    client.delete_webhook(DEMO_WEBHOOK_ID).await.unwrap();

    let seen = log.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            // HTTP 200, counted as the 404 it is.
            (Operation::ListCampaigns, 200, Some(404), 404),
            // A list: no body status.
            (Operation::ListCampaigns, 200, None, 200),
            // A member's `Status` is its flags (a string), not a status.
            (Operation::GetContact, 200, None, 200),
            // A success StatusMessage: seen, not an error.
            (Operation::DeleteWebhook, 200, Some(204), 200),
        ]
    );
}
