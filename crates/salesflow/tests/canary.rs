//! The token never leaks: every error kind, Debug of the client and builder, and a
//! TRACE-level trace, checked for a canary token.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use salesflow::{AnyRequest, CallOptions, Client, Error, Operation, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CANARY: &str = "canary-7f3e9a1b-d00d";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn builder(base: &str) -> salesflow::ClientBuilder {
    Client::builder()
        .token(CANARY)
        .account_id(321)
        .base_url(base)
        .timeout(Duration::from_millis(200))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1)),
        )
}

fn check(what: &str, text: &str) {
    assert!(!text.contains(CANARY), "{what} leaks the token: {text}");
}

fn check_error(what: &str, err: &Error, shown: &mut Vec<String>) {
    check(what, &err.to_string());
    check(what, &format!("{err:?}"));
    check(what, &format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        check(what, &s.to_string());
        check(what, &format!("{s:?}"));
        source = s.source();
    }
    shown.push(format!("{what}: {err}"));
}

#[tokio::test]
async fn the_token_appears_nowhere() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Installed globally, with the `log` bridge: what reqwest, hyper and rustls log through
    // the `log` crate at TRACE is captured too (the only test of this binary, so no race).
    tracing::subscriber::set_global_default(subscriber).unwrap();
    tracing_log::LogTracer::init().unwrap();

    let mut shown = Vec::new();
    let echo = format!("<html><body>Error for token={CANARY} at /api?token={CANARY}</body></html>");

    let server = MockServer::start().await;
    Mock::given(path("/html500"))
        .respond_with(
            ResponseTemplate::new(500).set_body_raw(echo.clone().into_bytes(), "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/forbidden/webhooks/list"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(
                json!({"Status": 403, "Message": format!("invalid token {CANARY}")}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/decode/campaigns/list-campaigns"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"CampaignId": CANARY, "CampaignName": CANARY}])),
        )
        .mount(&server)
        .await;
    Mock::given(path("/status404/members/5"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"Status": 404, "Message": format!("no member for {CANARY}")}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/slow/webhooks/list"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    Mock::given(path("/limited/accounts/list"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "3600")
                .set_body_string(format!("slow down {CANARY}")),
        )
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_string(format!("bad gateway {CANARY}")))
        .mount(&server)
        .await;

    // 5xx with an HTML body echoing the token (both hosts on one path).
    let client = builder(&format!("{}/html500", server.uri()))
        .build()
        .unwrap();
    let err = client.get_campaign_statistics(1).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(salesflow::ApiErrorKind::Server));
    assert!(err.to_string().contains("[REDACTED]"), "{err}");
    check_error("html 500", &err, &mut shown);
    check("client Debug", &format!("{client:?}"));

    // 4xx with the token in the message.
    let client = builder(&format!("{}/forbidden", server.uri()))
        .build()
        .unwrap();
    let err = client.list_webhooks().await.unwrap_err();
    assert_eq!(err.api_kind(), Some(salesflow::ApiErrorKind::Forbidden));
    check_error("403", &err, &mut shown);

    // Decode error on a body holding the token.
    let client = builder(&format!("{}/decode", server.uri()))
        .build()
        .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    check_error("decode", &err, &mut shown);

    // HTTP 200 with {"Status": 404}.
    let client = builder(&format!("{}/status404", server.uri()))
        .build()
        .unwrap();
    let err = client.get_contact(5).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(salesflow::ApiErrorKind::NotFound));
    check_error("200+404", &err, &mut shown);

    // Timeout.
    let client = builder(&format!("{}/slow", server.uri())).build().unwrap();
    let err = client.list_webhooks().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    check_error("timeout", &err, &mut shown);
    // A per-call timeout on a client whose own would not expire.
    let client = builder(&format!("{}/slow", server.uri()))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let err = client
        .list_webhooks()
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    check_error("per-call timeout", &err, &mut shown);

    // 429.
    let client = builder(&format!("{}/limited", server.uri()))
        .build()
        .unwrap();
    let err = client.list_accounts().await.unwrap_err();
    assert_eq!(err.api_kind(), Some(salesflow::ApiErrorKind::RateLimited));
    check_error("429", &err, &mut shown);

    // 502 on writes (import goes through its own request path).
    let client = builder(&format!("{}/other", server.uri())).build().unwrap();
    let err = client
        .import_member(1, "https://www.linkedin.com/in/x")
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(502));
    check_error("import 502", &err, &mut shown);
    let err = client.update_contact(1).first_name("x").await.unwrap_err();
    assert_eq!(err.http_status(), Some(502));
    check_error("update 502", &err, &mut shown);
    // The generic path: AnyRequest, answer as JSON.
    let err = AnyRequest::example(Operation::ListCampaigns)
        .unwrap()
        .send_json(&client, CallOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(502));
    check_error("send_json 502", &err, &mut shown);
    // Batched: every batch fails.
    let ids: Vec<String> = (0..45).map(|i| format!("id-{i}")).collect();
    let err = client
        .list_contacts_by_public_identifiers(&ids)
        .await
        .unwrap_err();
    check_error("batch 502", &err, &mut shown);

    // Connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = builder(&format!("http://127.0.0.1:{port}/api"))
        .build()
        .unwrap();
    let err = client.list_webhooks().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    check_error("connection refused", &err, &mut shown);
    let err = client
        .import_member(1, "https://www.linkedin.com/in/x")
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    check_error("import refused", &err, &mut shown);

    // Validation and configuration errors.
    let err = client
        .update_contact(1)
        .first_name(CANARY.repeat(10))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    check_error("validation", &err, &mut shown);
    let err = client
        .import_member(1, format!("https://example.com/in/{CANARY}"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    check_error("validation of a URL", &err, &mut shown);
    let err = Client::from_env_with(|name| match name {
        "SALESFLOW_TOKEN" => Some(CANARY.into()),
        "SALESFLOW_ACCOUNT_ID" => Some(CANARY.into()),
        _ => None,
    })
    .unwrap_err();
    check_error("from_env", &err, &mut shown);
    let err = Client::builder()
        .token(CANARY)
        .base_url("nope")
        .build()
        .unwrap_err();
    check_error("config", &err, &mut shown);

    // Debug of the builder and the client.
    let b = builder("http://127.0.0.1:1/api");
    check("builder Debug", &format!("{b:?}"));
    check("client Debug", &format!("{:#?}", b.build().unwrap()));

    let trace = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        trace.contains("salesflow.request"),
        "nothing traced: {trace}"
    );
    assert!(
        trace.contains("salesflow.operation=\"listWebhooks\""),
        "{trace}"
    );
    // Every field of the spans is there (OpenTelemetry names), and none holds the token.
    for field in [
        "otel.name=",
        "salesflow.account_id=",
        "salesflow.campaign_id=",
        "salesflow.member_id=",
        "salesflow.attempts=",
        "duration_ms=",
        "salesflow.attempt",
        "otel.kind=",
        "http.request.method=",
        "url.template=",
        "url.path=",
        "server.address=",
        "server.port=",
        "http.request.resend_count=",
        "http.response.status_code=",
        "error.type=",
    ] {
        assert!(trace.contains(field), "no `{field}` in the trace: {trace}");
    }
    check("trace", &trace);
    // The `log` bridge works: the HTTP stack's own records are in the trace too.
    assert!(
        trace.contains("hyper") || trace.contains("reqwest"),
        "{trace}"
    );
    assert!(shown.len() >= 17, "{shown:#?}");
}
