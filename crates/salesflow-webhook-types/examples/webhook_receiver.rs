//! A small Salesflow webhook receiver (axum).
//!
//! Salesflow signs nothing: anyone who knows a webhook's URL can post to it. So the URL itself
//! carries the secret. Create the webhook with a URL that ends in a long random segment, e.g.
//! `https://hooks.example.com/salesflow/3f9c...e1`, and reject any request whose segment does not
//! match (compared in constant time, so response timing does not reveal how much of a guess was
//! right). Keep the secret out of logs, as you would a password, and use HTTPS.
//!
//! **Which event?** The payload's `IntegrationRunOn` is documented only for a member who
//! connected; a detected reply and a withdrawn invitation cannot be told apart from the
//! payload. So attach one webhook per event, each at its own URL ending in the event's path
//! segment (`/salesflow/<secret>/member-connected`, `.../reply-detected`,
//! `.../invitation-withdrawn`: `salesflow::Client::attach_webhooks_per_event` does it), and
//! read the event from the URL: `RunOn::from_path_segment`. Only the `runOn` codes are
//! needed, which the vendor documents.
//!
//! The handler answers fast: it decodes the payload, hands it to a background task over a
//! bounded channel and returns `204 No Content`; slow work (CRM updates...) happens off the
//! request path.
//!
//! Run it with `SALESFLOW_WEBHOOK_SECRET=<secret> cargo run -p salesflow-webhook-types --example
//! webhook_receiver` (listens on 127.0.0.1:3000, or `PORT`), then attach webhooks (or the mock
//! server's) at `http://127.0.0.1:3000/salesflow/<secret>/<event>`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use salesflow_webhook_types::{secret_matches, RunOn, WebhookPayload, MAX_PAYLOAD_BYTES};
use tokio::sync::mpsc;

/// What the receiver shares between requests.
#[derive(Clone)]
struct Receiver {
    secret: Arc<str>,
    events: mpsc::Sender<(RunOn, WebhookPayload)>,
}

async fn receive(
    State(receiver): State<Receiver>,
    Path((secret, event)): Path<(String, String)>,
    body: Bytes,
) -> StatusCode {
    if !secret_matches(&receiver.secret, &secret) {
        // Same answer as for any unknown path: do not confirm that the route exists.
        return StatusCode::NOT_FOUND;
    }
    // The event is the one the webhook at this URL was attached for.
    let Some(event) = RunOn::from_path_segment(&event) else {
        return StatusCode::NOT_FOUND;
    };
    match WebhookPayload::from_slice(&body) {
        Ok(payload) => match receiver.events.try_send((event, payload)) {
            Ok(()) => StatusCode::NO_CONTENT,
            // The worker is behind: ask the sender to come back rather than block.
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        },
        Err(err) => {
            eprintln!("rejected a webhook delivery: {err}");
            StatusCode::BAD_REQUEST
        }
    }
}

/// The receiver's routes: `POST /salesflow/{secret}/{event}`.
fn router(secret: &str, events: mpsc::Sender<(RunOn, WebhookPayload)>) -> Router {
    let receiver = Receiver {
        secret: Arc::from(secret),
        events,
    };
    Router::new()
        .route("/salesflow/{secret}/{event}", post(receive))
        .layer(DefaultBodyLimit::max(MAX_PAYLOAD_BYTES))
        .with_state(receiver)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("SALESFLOW_WEBHOOK_SECRET")
        .map_err(|_| "set SALESFLOW_WEBHOOK_SECRET to a long random string")?;
    if secret.len() < 16 {
        return Err("SALESFLOW_WEBHOOK_SECRET must be at least 16 characters".into());
    }
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);

    let (tx, mut rx) = mpsc::channel::<(RunOn, WebhookPayload)>(1024);
    tokio::spawn(async move {
        while let Some((event, payload)) = rx.recv().await {
            println!(
                "{event} member {:?} ({} {}), status {}",
                payload.member_id,
                payload.first_name.as_deref().unwrap_or("?"),
                payload.last_name.as_deref().unwrap_or("?"),
                payload
                    .status
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            );
        }
    });

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://{}/salesflow/<secret>/<event>",
        listener.local_addr()?
    );
    axum::serve(listener, router(&secret, tx)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    const SECRET: &str = "s3cret-segment-0123456789";
    const SAMPLE: &str = include_str!("../tests/fixtures/webhook_payload.json");

    async fn post_to(path: &str, body: &str) -> (StatusCode, Option<(RunOn, WebhookPayload)>) {
        let (tx, mut rx) = mpsc::channel(4);
        let response = router(SECRET, tx)
            .oneshot(
                Request::post(path)
                    .header("content-type", "application/json")
                    .body(Body::from(body.to_owned()))
                    .unwrap(),
            )
            .await
            .unwrap();
        (response.status(), rx.try_recv().ok())
    }

    #[tokio::test]
    async fn accepts_the_documented_payload_on_the_secret_path() {
        let path = format!("/salesflow/{SECRET}/member-connected");
        let (status, received) = post_to(&path, SAMPLE).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (event, payload) = received.expect("payload handed to the worker");
        assert_eq!(event, RunOn::MemberConnected);
        assert_eq!(payload.linked_in_member_id, Some(1234567890));
    }

    #[tokio::test]
    async fn tells_the_three_events_apart_by_the_url_whatever_the_payload_says() {
        // The same payload (with an undocumented IntegrationRunOn) on each event's URL.
        let body = r#"{"IntegrationRunOn": "INTEGRATION_RUN_ON_SOMETHING", "MemberId": 7}"#;
        for event in RunOn::KNOWN {
            let path = format!("/salesflow/{SECRET}/{}", event.path_segment());
            let (status, received) = post_to(&path, body).await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{path}");
            let (got, payload) = received.expect("handed to the worker");
            assert_eq!(got, *event);
            assert_eq!(payload.event(), None, "the payload alone does not tell");
        }
        let (status, received) = post_to(&format!("/salesflow/{SECRET}/no-such-event"), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(received.is_none());
    }

    #[tokio::test]
    async fn rejects_a_wrong_or_truncated_secret_without_decoding() {
        for path in [
            "/salesflow/wrong/member-connected".to_owned(),
            format!(
                "/salesflow/{}/member-connected",
                &SECRET[..SECRET.len() - 1]
            ),
            format!("/salesflow/{SECRET}x/member-connected"),
            format!("/salesflow/{SECRET}"),
        ] {
            let (status, payload) = post_to(&path, SAMPLE).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(payload.is_none());
        }
    }

    #[tokio::test]
    async fn rejects_malformed_json_with_400() {
        let path = format!("/salesflow/{SECRET}/reply-detected");
        let (status, payload) = post_to(&path, "{\"MemberId\": ").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(payload.is_none());
    }
}
