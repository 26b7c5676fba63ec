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

/// A server that answers every connection with `answer` (after reading the request's head),
/// then closes it; counts the requests.
struct RawServer {
    base_url: String,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

async fn raw_server(answer: Vec<u8>) -> RawServer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/api", listener.local_addr().unwrap());
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = socket.write_all(&answer).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    RawServer { base_url, requests }
}

/// A token with characters a URL escapes.
const ODD_TOKEN: &str = "odd+tok/en=0123456789&x";

/// ListCampaigns against `base_url` (with the token above): the transport error and its
/// message, which names the request's URL with the token redacted.
async fn fail_at(client: Client) -> (Error, String) {
    let err = client.list_campaigns().await.unwrap_err();
    let text = err.to_string();
    for form in [ODD_TOKEN, "odd%2Btok%2Fen%3D0123456789%26x", "0123456789"] {
        assert!(!text.contains(form), "{text}");
        assert!(!format!("{err:?}").contains(form), "{err:?}");
    }
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    (err, text)
}

fn odd_client(base_url: &str) -> Client {
    Client::builder()
        .token(ODD_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(base_url)
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_misbehaving_server_is_named_by_what_it_did() {
    let mut big_header = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
    big_header.extend(std::iter::repeat_n(b'a', 1 << 20));
    big_header.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n[]");
    let cases: Vec<(&str, Vec<u8>, TransportCause, &str)> = vec![
        (
            "garbage",
            b"\x00\x01\x02\xffgarbage\r\n\r\n".to_vec(),
            TransportCause::InvalidStatusLine,
            "no valid HTTP/1 status line",
        ),
        (
            "HTTP/0.9",
            b"[{\"CampaignId\": 1}]".to_vec(),
            TransportCause::InvalidStatusLine,
            "no valid HTTP/1 status line",
        ),
        (
            "bad status code",
            b"HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\n[]".to_vec(),
            TransportCause::InvalidStatusLine,
            "no valid HTTP/1 status line",
        ),
        (
            "bad header",
            b"HTTP/1.1 200 OK\r\nBad Header Line\r\nContent-Length: 2\r\n\r\n[]".to_vec(),
            TransportCause::InvalidHeader,
            "invalid header",
        ),
        (
            "bad content-length",
            b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n[]".to_vec(),
            TransportCause::InvalidHeader,
            "invalid header",
        ),
        (
            "1 MiB header",
            big_header,
            TransportCause::HeaderTooLarge,
            "headers are larger than the client accepts",
        ),
        (
            "body cut short",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"Campaign"
                .to_vec(),
            TransportCause::BodyCutShort,
            "body of the answer was cut short",
        ),
        (
            "chunked body cut short",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n[{\"CampaignId\":"
                .to_vec(),
            TransportCause::BodyCutShort,
            "body of the answer was cut short",
        ),
        (
            // A body that breaks the chunked framing, not one cut short: not a cut. (reqwest
            // names it a body error or a decoding error, as the read goes.)
            "bad chunk size",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n"
                .to_vec(),
            TransportCause::Other,
            "response body",
        ),
    ];
    for (what, answer, cause, phrase) in cases {
        let server = raw_server(answer).await;
        let (err, text) = fail_at(odd_client(&server.base_url)).await;
        assert_eq!(err.transport_cause(), Some(cause), "{what}: {err:?}");
        // A read whose answer broke off may succeed when sent again.
        if cause == TransportCause::BodyCutShort {
            assert!(err.is_retryable(), "{what}");
        }
        assert!(text.contains(phrase), "{what}: {text}");
        // The request's own URL, token redacted (not reqwest's placeholder).
        let url = format!(
            "{}/campaigns/list-campaigns?token=REDACTED",
            server.base_url
        );
        assert!(text.contains(&url), "{what}: {text}");
        assert!(!text.contains("no.url.provided"), "{what}: {text}");
    }
}

#[tokio::test]
async fn a_redirect_loop_says_after_how_many_redirects() {
    let server =
        raw_server(b"HTTP/1.1 302 Found\r\nLocation: /api/campaigns/list-campaigns?again=1\r\nContent-Length: 0\r\n\r\n".to_vec())
            .await;
    let (err, text) = fail_at(odd_client(&server.base_url)).await;
    assert_eq!(
        err.transport_cause(),
        Some(TransportCause::TooManyRedirects { limit: Some(10) })
    );
    assert!(
        text.contains("redirect loop: more than 10 redirects"),
        "{text}"
    );
    assert_eq!(
        server.requests.load(std::sync::atomic::Ordering::SeqCst),
        11
    );
    // With an HTTP client of its own, the client does not know the limit.
    let http = salesflow::reqwest::Client::builder()
        .redirect(salesflow::reqwest::redirect::Policy::limited(2))
        .build()
        .unwrap();
    let client = Client::builder()
        .token(ODD_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(&server.base_url)
        .http_client(http)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let (err, text) = fail_at(client).await;
    assert_eq!(
        err.transport_cause(),
        Some(TransportCause::TooManyRedirects { limit: None })
    );
    assert!(text.contains("redirect loop: too many redirects"), "{text}");
}

#[tokio::test]
async fn a_proxy_that_refuses_the_tunnel_says_so() {
    for answer in [
        &b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"[..],
        &b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"[..],
    ] {
        let proxy = raw_server(answer.to_vec()).await;
        let proxy_url = proxy.base_url.trim_end_matches("/api").to_owned();
        let http = salesflow::reqwest::Client::builder()
            .proxy(salesflow::reqwest::Proxy::https(&proxy_url).unwrap())
            .build()
            .unwrap();
        let client = Client::builder()
            .token(ODD_TOKEN)
            .account_id(DEMO_ACCOUNT_ID)
            .base_url("https://api.salesflow.invalid/api")
            .http_client(http)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        let (err, text) = fail_at(client).await;
        assert_eq!(
            err.transport_cause(),
            Some(TransportCause::ProxyRefused),
            "{err:?}"
        );
        assert!(
            text.contains("the proxy refused to open a tunnel"),
            "{text}"
        );
        assert!(
            text.contains(
                "https://api.salesflow.invalid/api/campaigns/list-campaigns?token=REDACTED"
            ),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_body_cut_short_shows_the_url_with_the_token_redacted_wherever_it_is() {
    // The token in the base URL's path too (a gateway that routes by key).
    let token = "plain0secret0token0123";
    let server = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"
            .to_vec(),
    )
    .await;
    let base = format!("{}/{token}", server.base_url);
    // Without layers, and with one (the body of a success is then read below the layers, to
    // find its in-body status; the `opentelemetry` feature adds a layer of its own).
    for layered in [false, true] {
        let builder = Client::builder()
            .token(token)
            .account_id(DEMO_ACCOUNT_ID)
            .base_url(&base)
            .retry_policy(RetryPolicy::none());
        let builder = if layered {
            builder.layer(tower::layer::util::Identity::new())
        } else {
            builder
        };
        let client = builder.build().unwrap();
        let err = client.list_campaigns().await.unwrap_err();
        assert_eq!(
            err.transport_cause(),
            Some(TransportCause::BodyCutShort),
            "layered: {layered}: {err:?}"
        );
        let text = format!("{err} {err:?}");
        assert!(!text.contains(token), "{text}");
        let url = format!(
            "{}/REDACTED/campaigns/list-campaigns?token=REDACTED",
            server.base_url
        );
        assert!(err.to_string().contains(&url), "layered: {layered}: {err}");
    }
}
