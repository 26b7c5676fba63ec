//! How answers become errors: the `Status` of an HTTP-200 body, undocumented statuses,
//! blank and non-JSON error bodies, and the transport predicates.

mod common;

use std::time::Duration;

use common::*;
use salesflow::{ApiError, ApiErrorKind, Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answering(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("{}/api", server.uri()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

/// The API error ListWebhooks ends with when every answer is `template`.
async fn api_error(template: ResponseTemplate) -> ApiError {
    let (_server, client) = answering(template).await;
    client
        .list_webhooks()
        .await
        .unwrap_err()
        .as_api()
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn a_200_body_status_below_400_is_a_success_and_400_an_error() {
    for status in [200, 204, 399] {
        let (_s, client) =
            answering(ResponseTemplate::new(200).set_body_json(json!({"Status": status}))).await;
        let msg = client.delete_contact(1).await.unwrap();
        assert_eq!(msg.status, status);
    }
    for (status, kind) in [
        (400, ApiErrorKind::Other),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (500, ApiErrorKind::Server),
    ] {
        let (_s, client) = answering(
            ResponseTemplate::new(200).set_body_json(json!({"Status": status, "Message": "no"})),
        )
        .await;
        let err = client.delete_contact(1).await.unwrap_err();
        let api = err.as_api().unwrap();
        assert_eq!(
            (api.status, api.body_status, api.kind),
            (200, Some(status), kind)
        );
        assert_eq!(api.message.as_deref(), Some("no"));
        assert_eq!(err.http_status(), Some(200));
    }
}

#[tokio::test]
async fn an_undocumented_status_below_400_is_an_error_of_kind_other() {
    let (_s, client) = answering(ResponseTemplate::new(204)).await;
    let err = client.list_webhooks().await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!((api.status, api.kind), (204, ApiErrorKind::Other));
    assert_eq!(api.message.as_deref(), Some("undocumented response status"));
    assert_eq!((api.body_status, api.body.as_deref()), (None, None));

    // A StatusMessage under it: its Status decides only when it is an error.
    let api = api_error(
        ResponseTemplate::new(202).set_body_json(json!({"Status": 200, "Message": "queued"})),
    )
    .await;
    assert_eq!(
        (api.status, api.body_status, api.kind),
        (202, Some(200), ApiErrorKind::Other)
    );
    assert_eq!(api.message.as_deref(), Some("queued"));
    let api = api_error(ResponseTemplate::new(202).set_body_json(json!({"Status": 200}))).await;
    assert_eq!(api.message.as_deref(), Some("undocumented response status"));
    let api = api_error(
        ResponseTemplate::new(202).set_body_json(json!({"Status": 404, "Message": "gone"})),
    )
    .await;
    assert_eq!(
        (api.status, api.body_status, api.kind),
        (202, Some(404), ApiErrorKind::NotFound)
    );
    // 400, the first error Status: the body's error, not an undocumented status.
    let api = api_error(ResponseTemplate::new(202).set_body_json(json!({"Status": 400}))).await;
    assert_eq!(
        (api.status, api.body_status, api.kind),
        (202, Some(400), ApiErrorKind::Other)
    );
    assert_eq!(api.message, None);

    // Plain text: summed up in the message, kept in the body.
    let api = api_error(ResponseTemplate::new(299).set_body_string("moved along")).await;
    assert_eq!((api.status, api.kind), (299, ApiErrorKind::Other));
    assert_eq!(api.message.as_deref(), Some("moved along"));
    assert_eq!(api.body.as_deref(), Some(&b"moved along"[..]));
}

#[tokio::test]
async fn a_blank_error_body_gives_no_message_and_no_body() {
    // 400 is undocumented for ListWebhooks: an error status, not a success-like one.
    for status in [400, 418, 502] {
        let (_s, client) =
            answering(ResponseTemplate::new(status).set_body_string(" \r\n\t ")).await;
        let err = client.list_webhooks().await.unwrap_err();
        let api = err.as_api().unwrap();
        assert_eq!(api.status, status);
        assert_eq!(api.kind, ApiErrorKind::from_status(i64::from(status)));
        assert_eq!((api.message.as_deref(), api.body.as_deref()), (None, None));
    }
    // One visible character is not blank.
    let api = api_error(ResponseTemplate::new(418).set_body_string(" x ")).await;
    assert_eq!(api.message.as_deref(), Some("x"));
    assert_eq!(api.body.as_deref(), Some(&b" x "[..]));
}

#[tokio::test]
async fn an_undocumented_error_status_keeps_its_kind() {
    let api = api_error(
        ResponseTemplate::new(403).set_body_json(json!({"Status": 403, "Message": "denied"})),
    )
    .await;
    assert_eq!((api.status, api.kind), (403, ApiErrorKind::Forbidden));
    let api = api_error(ResponseTemplate::new(451).set_body_string("legal")).await;
    assert_eq!((api.status, api.kind), (451, ApiErrorKind::Other));
    assert_eq!(api.message.as_deref(), Some("legal"));
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_told_apart() {
    let (_s, client) = answering(ResponseTemplate::new(404)).await;
    let api = client.list_webhooks().await.unwrap_err();
    assert!(!api.is_timeout() && !api.is_connect(), "{api:?}");
    assert_eq!(api.transport_cause(), None);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("http://127.0.0.1:{port}/api"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .list_webhooks()
        .await
        .unwrap_err();
    assert!(refused.is_connect() && !refused.is_timeout(), "{refused:?}");
    assert_eq!(refused.http_status(), None);

    let (_s, slow) =
        answering(ResponseTemplate::new(200).set_delay(Duration::from_millis(800))).await;
    let timed_out = slow
        .list_webhooks()
        .timeout(Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(
        timed_out.is_timeout() && !timed_out.is_connect(),
        "{timed_out:?}"
    );
    assert!(matches!(timed_out, Error::Transport { .. }));
}

#[tokio::test]
async fn an_endless_error_body_is_read_up_to_its_cap_and_no_further() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    // A server whose 500 body never ends; it counts what it hands out.
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            // Chunks that do not add up to the cap: the last one read is cut.
            let chunk = axum::body::Bytes::from(vec![b'x'; 10_000]);
            let body = futures_util::stream::repeat_with(move || {
                counter.fetch_add(chunk.len(), Ordering::Relaxed);
                Ok::<_, std::io::Error>(chunk.clone())
            });
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                axum::body::Body::from_stream(body),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("http://{addr}/api"))
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();

    let err = client.list_webhooks().await.unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.status, 500);
    assert_eq!(api.body.as_ref().map(Vec::len), Some(64 * 1024));
    // The call ended at the cap: what the server could push into the socket's buffers
    // meanwhile is a few MiB at most, not what 3 s of reading would take.
    let served = served.load(Ordering::Relaxed);
    assert!(served < 32 * 1024 * 1024, "{served} bytes served");
}
