//! Retry policy: reads are retried on 503/429 (honouring Retry-After); writes only after a 429.

mod common;

use std::time::{Duration, Instant};

use common::*;
use salesflow::{ApiErrorKind, Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{any, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn get_is_retried_after_503_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let webhooks = client(&server).webhooks().await.unwrap();
    assert!(webhooks.is_empty());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let err = client(&server).campaigns().await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Server));
    assert_eq!(err.http_status(), Some(502));
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&server).accounts().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_max_backoff_gives_up_with_the_delay() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .mount(&server)
        .await;
    let err = client(&server).accounts().await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::RateLimited);
    assert_eq!(api.retry_after, Some(Duration::from_secs(120)));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn start_campaign_is_not_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client(&server).start_campaign(1).await.unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn import_member_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let member = salesflow::NewMember::new("https://www.linkedin.com/in/someone");
    client(&server).import_member(1, &member).await.unwrap_err();
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "GET");
}

#[tokio::test]
async fn policy_none_does_not_retry() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client.webhooks().await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_for_reads() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("http://127.0.0.1:{port}/api"))
        .retry_policy(fast_retry())
        .build()
        .unwrap();
    let err = client.webhooks().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
}

#[tokio::test]
async fn timeout_is_identifiable() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(server.uri())
        .timeout(Duration::from_millis(50))
        .retry_policy(fast_retry().max_attempts(2))
        .build()
        .unwrap();
    let err = client.webhooks().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // A timed-out read is retried.
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn import_member_is_retried_after_a_429_the_server_did_nothing() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(
            {"MemberId": 7, "Status": "MEMBER_IMPORTED"}
        )))
        .mount(&server)
        .await;
    let member = salesflow::NewMember::new("https://www.linkedin.com/in/someone");
    let contact = client(&server).import_member(1, &member).await.unwrap();
    assert_eq!(contact.member_id, 7);
    assert_eq!(requests(&server).await.len(), 2);
}
