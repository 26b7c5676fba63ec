//! Shared helpers of the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use salesflow::{Client, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const TOKEN: &str = "tok-test-1234";
pub const ACCOUNT: i64 = 321;

/// A fast retry policy for tests (3 attempts, no jitter).
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_secs(2))
        .jitter(false)
}

/// A client whose both hosts are `server`.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("{}/api", server.uri()))
        .retry_policy(fast_retry())
        .build()
        .unwrap()
}

/// A server answering every request with `status` and `body`, and a client of it.
pub async fn serve(status: u16, body: Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let c = client(&server);
    (server, c)
}

pub fn query(request: &Request) -> BTreeMap<String, String> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The query a request must have: token, accountId, and `extra`.
pub fn expected_query(extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut q: BTreeMap<String, String> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    q.insert("token".into(), TOKEN.into());
    q.insert("accountId".into(), ACCOUNT.to_string());
    q
}

pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

pub async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected one request, got {all:?}");
    all.remove(0)
}

pub fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}
