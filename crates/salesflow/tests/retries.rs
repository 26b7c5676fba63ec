//! Retry policy: reads are retried on 503/429 (honouring Retry-After); writes only after a 429.
//! Per-call options: a call's own timeout and retry policy replace the client's.

mod common;

use std::time::{Duration, Instant};

use common::*;
use salesflow::{ApiErrorKind, CallOptions, Client, Operation, RetryPolicy};
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
    let webhooks = client(&server).list_webhooks().await.unwrap();
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
    let err = client(&server).list_campaigns().await.unwrap_err();
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
    client(&server).list_accounts().await.unwrap();
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
    let err = client(&server).list_accounts().await.unwrap_err();
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
    let err = client(&server)
        .import_member(1, "https://www.linkedin.com/in/someone")
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(503));
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
    client.list_webhooks().await.unwrap_err();
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
    let err = client.list_webhooks().await.unwrap_err();
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
    let err = client.list_webhooks().await.unwrap_err();
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
    let contact = client(&server)
        .import_member(1, "https://www.linkedin.com/in/someone")
        .await
        .unwrap();
    assert_eq!(contact.member_id.get(), 7);
    assert_eq!(requests(&server).await.len(), 2);
}

/// A server answering every request with HTTP 503.
async fn unavailable() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn per_call_retry_policy_none_stops_a_retry_the_client_would_do() {
    let server = unavailable().await;
    let client = client(&server);
    let err = client
        .list_webhooks()
        .retry_policy(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    assert_eq!(requests(&server).await.len(), 1);
    // The client's own policy (3 attempts) still applies to the next call.
    client.list_webhooks().await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 1 + 3);
    // The same set through `Call::options`.
    client
        .list_campaigns()
        .options(CallOptions::default().retry_policy(RetryPolicy::none()))
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await.len(), 1 + 3 + 1);
}

#[tokio::test]
async fn per_call_retry_policy_replaces_the_clients() {
    let server = unavailable().await;
    // A client that never retries; one call that may make 5 attempts.
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client
        .get_campaign_statistics(1)
        .retry_policy(fast_retry().max_attempts(5))
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await.len(), 5);
    // A batched call's batches follow the call's policy.
    client
        .list_contacts_by_public_identifiers(["a", "b", "c"])
        .retry_policy(fast_retry().max_attempts(2))
        .await
        .unwrap_err();
    let posts = requests(&server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 2);
}

#[tokio::test]
async fn per_call_retry_policy_does_not_make_writes_retry_unsafely() {
    let server = unavailable().await;
    let err = client(&server)
        .start_campaign(1)
        .retry_policy(fast_retry().max_attempts(5))
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    assert_eq!(requests(&server).await.len(), 1);
}

/// A server that answers `[]` after `delay`, and a client of it whose timeout is
/// `client_timeout`, without retries.
async fn slow(delay: Duration, client_timeout: Duration) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(server.uri())
        .timeout(client_timeout)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn per_call_timeout_shorter_than_the_server_delay_times_out() {
    let (server, client) = slow(Duration::from_millis(400), Duration::from_secs(30)).await;
    // The client's default timeout would wait.
    assert!(client.list_campaigns().await.unwrap().is_empty());
    let started = Instant::now();
    let err = client
        .list_campaigns()
        .timeout(Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(400));
    match &err {
        salesflow::Error::Transport { operation, .. } => {
            assert_eq!(*operation, Operation::ListCampaigns)
        }
        other => panic!("{other:?}"),
    }
    // The per-call timeout did not stick to the client.
    assert!(client.list_campaigns().await.unwrap().is_empty());
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn per_call_timeout_longer_than_the_clients_lets_a_slow_call_finish() {
    let (_server, client) = slow(Duration::from_millis(300), Duration::from_millis(50)).await;
    let err = client.list_webhooks().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let webhooks = client
        .list_webhooks()
        .timeout(Duration::from_secs(5))
        .await
        .unwrap();
    assert!(webhooks.is_empty());
}

#[tokio::test]
async fn per_call_timeout_applies_to_the_generic_and_batched_paths() {
    let (_server, client) = slow(Duration::from_millis(400), Duration::from_secs(30)).await;
    let options = CallOptions::default().timeout(Duration::from_millis(50));
    let err = salesflow::AnyRequest::example(Operation::ListWebhooks)
        .unwrap()
        .send_json(&client, options)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let ids: Vec<String> = (0..45).map(|i| format!("id-{i}")).collect();
    let err = client
        .list_contacts_by_public_identifiers(&ids)
        .timeout(Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}
