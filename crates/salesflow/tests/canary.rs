//! The token never leaks: every error kind, Debug of the client and builder, and a
//! TRACE-level trace, checked for a canary token; and for a token with every character that
//! gets escaped (given with whitespace around it), echoed by hostile servers in every form,
//! cut across the 200-character summaries, in bodies, redirects and broken answers: no run
//! of 12 bytes of it anywhere, trace included.

#[path = "../../salesflow-token/tests/echo/mod.rs"]
mod echo;

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

    // A token with every character that gets escaped, given with whitespace around it.
    let odd = "c4n4ry+t0k/en=Z&q#9%x <\"y'> 0123456789";
    let runs = echo::Runs::of(odd);
    let odd_builder = |base: &str| {
        Client::builder()
            .token(format!("\n {odd}\t"))
            .account_id(321)
            .base_url(base)
            .timeout(Duration::from_secs(5))
            .retry_policy(RetryPolicy::none())
    };
    let check_runs = |what: &str, err: &Error, shown: &mut Vec<String>| {
        let mut texts = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
        if let Some(api) = err.as_api() {
            texts.extend(api.message.clone());
            texts.extend(
                api.body
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned()),
            );
        }
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            texts.push(format!("{s} {s:?}"));
            source = s.source();
        }
        for text in texts {
            assert_eq!(runs.leaked(&text), None, "{what} leaks the token: {text}");
        }
        shown.push(format!("{what}: {err}"));
    };
    // Every form, cut across the summary's 200th character, in each kind of body.
    let odd_server = MockServer::start().await;
    for (i, (name, form)) in echo::echoes(odd).into_iter().enumerate() {
        let pad = "·".repeat(185 + i);
        let bodies = [
            (
                500,
                "text/plain",
                format!("GET /api/accounts/list?{pad}token={form}"),
            ),
            (
                502,
                "text/html",
                format!("<html><title>{pad}{form}</title></html>"),
            ),
            (
                400,
                "application/problem+json",
                format!(
                    r#"{{"title":"One or more validation errors occurred.","errors":{{"token":["The value '{pad}{form}' is not valid."]}}}}"#
                ),
            ),
            (
                403,
                "application/json",
                format!(r#"{{"Status":403,"Message":"Invalid token '{form}'"}}"#),
            ),
        ];
        for (j, (status, kind, body)) in bodies.into_iter().enumerate() {
            let route = format!("/odd{i}-{j}");
            Mock::given(wiremock::matchers::path_regex(format!("^{route}/")))
                .respond_with(ResponseTemplate::new(status).set_body_raw(body.into_bytes(), kind))
                .mount(&odd_server)
                .await;
            let client = odd_builder(&format!("{}{route}", odd_server.uri()))
                .build()
                .unwrap();
            let err = client.list_accounts().await.unwrap_err();
            check_runs(&format!("{name} echo in a {status}"), &err, &mut shown);
        }
    }
    // Broken answers and a redirect loop whose Location holds the token.
    for answer in [
        "HTTP/1.1 2x0 {token}\r\n\r\n".to_owned(),
        "HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n[\"{token}".to_owned(),
        "HTTP/1.1 302 Found\r\nLocation: /api/accounts/list?again={token}\r\nContent-Length: 0\r\n\r\n".to_owned(),
    ] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/api", listener.local_addr().unwrap());
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = vec![0u8; 8192];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let token = head.split("token=").nth(1).unwrap_or("").split(['&', ' ']).next().unwrap_or("").to_owned();
                let _ = socket.write_all(answer.replace("{token}", &token).as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        let err = odd_builder(&base).build().unwrap().list_accounts().await.unwrap_err();
        assert!(err.transport_cause().is_some(), "{err:?}");
        check_runs("a broken answer", &err, &mut shown);
    }
    // A base URL with the token in a query it may not have.
    let err = odd_builder(&format!("http://127.0.0.1:1/api?key={odd}"))
        .build()
        .unwrap_err();
    check_runs("a base URL with a query", &err, &mut shown);

    let trace = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    for line in trace.lines() {
        assert_eq!(
            runs.leaked(line),
            None,
            "the trace leaks the odd token: {line}"
        );
    }
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
    assert!(shown.len() >= 17 + 4 * 10 + 4, "{shown:#?}");
}
