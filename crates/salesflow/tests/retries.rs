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

/// A client with `policy` whose both hosts are `server`.
fn client_with(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("{}/api", server.uri()))
        .retry_policy(policy)
        .build()
        .unwrap()
}

/// A server answering 429 with `Retry-After: retry_after` once, then `[]`.
async fn rate_limited_once(retry_after: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", retry_after))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn retry_after_just_above_max_backoff_gives_up_even_with_time_to_spare() {
    // max_elapsed (an hour) would allow the wait: max_backoff alone decides.
    let server = rate_limited_once("2").await;
    let policy = fast_retry()
        .max_backoff(Duration::from_secs(1))
        .max_elapsed(Duration::from_secs(3600));
    let started = Instant::now();
    let err = client_with(&server, policy)
        .list_accounts()
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::RateLimited));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(requests(&server).await.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_equal_to_max_backoff_is_waited_for() {
    let server = rate_limited_once("1").await;
    let policy = fast_retry()
        .max_backoff(Duration::from_secs(1))
        .max_elapsed(Duration::from_secs(3600));
    let started = Instant::now();
    client_with(&server, policy).list_accounts().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_500_is_retried_for_a_read_but_a_501_is_not() {
    for (status, attempts) in [(500, 3), (501, 1), (505, 1), (499, 1)] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let err = client(&server).list_campaigns().await.unwrap_err();
        assert_eq!(err.http_status(), Some(status));
        assert_eq!(err.is_retryable(), attempts > 1, "{status}");
        assert_eq!(requests(&server).await.len(), attempts, "{status}");
    }
}

/// What a raw HTTP server does with one connection.
#[derive(Clone, Copy, Debug)]
enum Conn {
    /// Closes it without answering: the request could not be sent (or its answer never
    /// came), a reset while sending.
    Drop,
    /// Sends the head of a 200 promising 100 bytes, two of them, then closes: the body
    /// breaks off.
    CutBody,
    /// Sends the head of a 200 promising 100 bytes, two of them, then waits a second
    /// (longer than the client's timeout) before closing.
    StallBody,
    /// Answers with bytes that are not HTTP.
    Garbage,
    /// Answers 200 with `body`.
    Answer(&'static str),
}

/// A raw HTTP server on `listener` that handles its connections as `script` says (the last
/// entry repeats), and counts them.
fn raw_server(
    listener: std::net::TcpListener,
    script: Vec<Conn>,
) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    listener.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let conn = script[n.min(script.len() - 1)];
            // Each connection on its own task: a stalled one does not hold up the next.
            tokio::spawn(async move {
                // Read the request head (these requests have no body).
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(k) => head.extend_from_slice(&buf[..k]),
                    }
                }
                let response = match conn {
                    Conn::Drop => return,
                    Conn::StallBody => {
                        let _ = socket
                            .write_all(
                                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                  content-length: 100\r\n\r\n[]",
                            )
                            .await;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        return;
                    }
                    Conn::Garbage => "NOT HTTP AT ALL\r\n\r\n".to_owned(),
                    Conn::CutBody => "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: 100\r\nconnection: close\r\n\r\n[]"
                        .to_owned(),
                    Conn::Answer(body) => format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                         connection: close\r\n\r\n{body}",
                        body.len()
                    ),
                };
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    count
}

fn raw_client(port: u16, policy: RetryPolicy) -> Client {
    Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("http://127.0.0.1:{port}/api"))
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn local_listener() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

#[tokio::test]
async fn a_read_is_retried_after_a_connection_closed_before_the_answer() {
    let (listener, port) = local_listener();
    let count = raw_server(listener, vec![Conn::Drop, Conn::Answer("[]")]);
    let webhooks = raw_client(port, fast_retry())
        .list_webhooks()
        .await
        .unwrap();
    assert!(webhooks.is_empty());
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_read_is_retried_after_a_body_cut_short() {
    let (listener, port) = local_listener();
    let count = raw_server(listener, vec![Conn::CutBody, Conn::Answer("[]")]);
    let webhooks = raw_client(port, fast_retry())
        .list_webhooks()
        .await
        .unwrap();
    assert!(webhooks.is_empty());
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_body_cut_short_or_a_dropped_connection_is_retryable() {
    for conn in [Conn::Drop, Conn::CutBody] {
        let (listener, port) = local_listener();
        let count = raw_server(listener, vec![conn]);
        let err = raw_client(port, RetryPolicy::none())
            .list_webhooks()
            .await
            .unwrap_err();
        assert!(err.is_retryable(), "{conn:?}: {err:?}");
        assert!(!err.is_connect() && !err.is_timeout(), "{conn:?}: {err:?}");
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn a_write_is_not_retried_after_a_connection_closed_before_the_answer() {
    // The request may have been carried out: importing twice must not happen.
    let (listener, port) = local_listener();
    let count = raw_server(
        listener,
        vec![
            Conn::Drop,
            Conn::Answer(r#"{"MemberId": 7, "Status": "MEMBER_IMPORTED"}"#),
        ],
    );
    let err = raw_client(port, fast_retry())
        .import_member(1, "https://www.linkedin.com/in/someone")
        .await
        .unwrap_err();
    assert!(!err.is_connect(), "{err:?}");
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_write_is_retried_after_a_refused_connection() {
    // Nothing listens at first: the server surely did nothing, so ImportMember is retried,
    // and the second attempt finds the server up.
    let (listener, port) = local_listener();
    drop(listener);
    let policy = fast_retry()
        .initial_backoff(Duration::from_millis(600))
        .max_attempts(2);
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        raw_server(
            listener,
            vec![Conn::Answer(
                r#"{"MemberId": 7, "Status": "MEMBER_IMPORTED"}"#,
            )],
        )
    });
    let contact = raw_client(port, policy)
        .import_member(1, "https://www.linkedin.com/in/someone")
        .await
        .unwrap();
    assert_eq!(contact.member_id.get(), 7);
    let count = server.await.unwrap();
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_read_is_retried_after_its_body_timed_out() {
    // The head came in time, the body did not: a timeout that is neither a request nor a
    // body error (reqwest reports a decode error caused by it).
    let (listener, port) = local_listener();
    let count = raw_server(listener, vec![Conn::StallBody, Conn::Answer("[]")]);
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("http://127.0.0.1:{port}/api"))
        .timeout(Duration::from_millis(300))
        .retry_policy(fast_retry())
        .build()
        .unwrap();
    let webhooks = client.list_webhooks().await.unwrap();
    assert!(webhooks.is_empty());
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 2);

    let (listener, port) = local_listener();
    raw_server(listener, vec![Conn::StallBody]);
    let err = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("http://127.0.0.1:{port}/api"))
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .list_webhooks()
        .await
        .unwrap_err();
    assert!(err.is_timeout() && err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn a_read_is_retried_after_an_answer_that_is_not_http() {
    let (listener, port) = local_listener();
    let count = raw_server(listener, vec![Conn::Garbage, Conn::Answer("[]")]);
    let webhooks = raw_client(port, fast_retry())
        .list_webhooks()
        .await
        .unwrap();
    assert!(webhooks.is_empty());
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn a_client_says_which_retry_policy_it_follows() {
    let default = Client::builder().token(TOKEN).build().unwrap();
    assert_eq!(default.retry_policy(), &RetryPolicy::default());
    let policy = RetryPolicy::default()
        .max_attempts(7)
        .initial_backoff(Duration::from_millis(3))
        .jitter(false);
    let client = Client::builder()
        .token(TOKEN)
        .retry_policy(policy.clone())
        .build()
        .unwrap();
    assert_eq!(client.retry_policy(), &policy);
    assert_ne!(client.retry_policy(), default.retry_policy());
}
