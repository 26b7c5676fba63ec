//! A transport error names its cause (timed out after N s, connection refused, DNS, TLS,
//! connection reset) in `Error::transport_cause` and in its `Display`, never the token.

use std::time::Duration;

use salesflow::{Client, Error, RetryPolicy, TransportCause};
use salesflow_mock::{Fault, FaultKind, MockServer, DEMO_ACCOUNT_ID, DEMO_TOKEN};

fn client(base_url: &str, timeout: Duration) -> Client {
    Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(base_url)
        .timeout(timeout)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Calls ListCampaigns and returns the error with its message.
async fn fail(client: &Client) -> (Error, String) {
    let err = client.list_campaigns().await.unwrap_err();
    let text = err.to_string();
    assert!(!text.contains(DEMO_TOKEN), "{text}");
    assert!(!format!("{err:?}").contains(DEMO_TOKEN), "{err:?}");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    (err, text)
}

#[tokio::test]
async fn a_timeout_says_after_how_long() {
    let mock = MockServer::start().await.unwrap();
    mock.inject(
        Fault::new(FaultKind::Latency { ms: 2_000 })
            .for_operation(salesflow::Operation::ListCampaigns),
    )
    .unwrap();
    let (err, text) = fail(&client(&mock.base_url(), Duration::from_millis(300))).await;
    assert_eq!(
        err.transport_cause(),
        Some(TransportCause::Timeout {
            after: Some(Duration::from_millis(300))
        })
    );
    assert!(err.is_timeout());
    assert!(
        text.starts_with("listCampaigns: transport error: timed out after 0.3 s"),
        "{text}"
    );
}

#[tokio::test]
async fn a_refused_connection_says_so() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (err, text) = fail(&client(
        &format!("http://127.0.0.1:{port}/api"),
        Duration::from_secs(5),
    ))
    .await;
    assert_eq!(
        err.transport_cause(),
        Some(TransportCause::ConnectionRefused)
    );
    assert!(
        text.contains("transport error: connection refused"),
        "{text}"
    );
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_tls_failure() {
    let mock = MockServer::start().await.unwrap();
    let https = mock.base_url().replacen("http://", "https://", 1);
    let (err, text) = fail(&client(&https, Duration::from_secs(5))).await;
    assert_eq!(err.transport_cause(), Some(TransportCause::Tls), "{err:?}");
    assert!(text.contains("TLS failure"), "{text}");
}

#[tokio::test]
async fn an_unknown_host_is_a_dns_failure() {
    let (err, text) = fail(&client(
        "http://no-such-host.invalid/api",
        Duration::from_secs(10),
    ))
    .await;
    assert_eq!(err.transport_cause(), Some(TransportCause::Dns), "{err:?}");
    assert!(text.contains("DNS failure"), "{text}");
}

#[tokio::test]
async fn a_dropped_connection_is_a_reset() {
    let mock = MockServer::start().await.unwrap();
    mock.inject(
        Fault::new(FaultKind::ConnectionReset).for_operation(salesflow::Operation::ListCampaigns),
    )
    .unwrap();
    let (err, text) = fail(&client(&mock.base_url(), Duration::from_secs(5))).await;
    assert_eq!(
        err.transport_cause(),
        Some(TransportCause::ConnectionReset),
        "{err:?}"
    );
    assert!(text.contains("connection reset"), "{text}");
}

#[tokio::test]
async fn other_errors_have_no_transport_cause() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock.base_url(), Duration::from_secs(5));
    let err = c.start_campaign(424242).await.unwrap_err();
    assert_eq!(err.transport_cause(), None);
}
