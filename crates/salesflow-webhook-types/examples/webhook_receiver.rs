//! A small Salesflow webhook receiver (axum).
//!
//! Salesflow signs nothing: anyone who knows a webhook's URL can post to it. So the URL itself
//! carries the secret. Create the webhook with a URL that ends in a long random segment, e.g.
//! `https://hooks.example.com/salesflow/3f9c...e1`, and reject any request whose segment does not
//! match (compared in constant time, so response timing does not reveal how much of a guess was
//! right). Keep the secret out of logs, as you would a password, and use HTTPS.
//!
//! **Logs without the secret.** tower-http's `TraceLayer` with its default span logs each
//! request's URI, and so the secret. This receiver's span ([`request_span`]) names the
//! route's template instead (`/salesflow/{secret}/{account_id}/{event}`), then records the
//! account and the event once they are read; its tests show that no log line holds the
//! secret (and that the default span would).
//!
//! **Which account, which event?** The payload names no Salesflow account, and its
//! `IntegrationRunOn` is documented only for a member who connected; a detected reply and a
//! withdrawn invitation cannot be told apart from the payload. So attach one webhook per
//! account and event, each at its own URL ending in `{account_id}/{event}`
//! (`/salesflow/<secret>/321/member-connected`, `.../321/reply-detected`,
//! `.../321/invitation-withdrawn`: `salesflow::Client::attach_webhooks_per_event` and
//! `reconcile_webhooks_per_event` do it), and read both from the URL, after the secret:
//! `WebhookRoute::verify`. Only the `runOn` codes are needed, which the vendor documents.
//!
//! The handler answers fast: it decodes the payload, hands it to a background task over a
//! bounded channel and returns `204 No Content`; slow work (CRM updates...) happens off the
//! request path.
//!
//! Run it with `SALESFLOW_WEBHOOK_SECRET=<secret> cargo run -p salesflow-webhook-types --example
//! webhook_receiver` (listens on 127.0.0.1:3000, or `PORT`; `RUST_LOG=debug` shows each
//! request's span), then attach webhooks (or the mock server's) at
//! `http://127.0.0.1:3000/salesflow/<secret>` as the base URL.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, State};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::Router;
use salesflow_webhook_types::{WebhookPayload, WebhookRoute, MAX_PAYLOAD_BYTES};
use tokio::sync::mpsc;
use tower_http::trace::TraceLayer;
use tracing::field::Empty;

/// What the worker gets: the account and event of the URL, and the payload.
type Delivery = (WebhookRoute, WebhookPayload);

/// What the receiver shares between requests.
#[derive(Clone)]
struct Receiver {
    secret: Arc<str>,
    events: mpsc::Sender<Delivery>,
}

/// The span of each request: its method and the *template* of the route it matched, never
/// its URI, which holds the secret. The account and the event are recorded by the handler
/// once the secret is checked.
fn request_span(request: &Request<Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("<no route>", MatchedPath::as_str);
    tracing::info_span!(
        "webhook",
        method = %request.method(),
        route,
        account_id = Empty,
        event = Empty,
    )
}

async fn receive(
    State(receiver): State<Receiver>,
    Path((secret, account_id, event)): Path<(String, String, String)>,
    body: Bytes,
) -> StatusCode {
    // The secret first, in constant time; then the account and event, those the webhook at
    // this URL was made for. A wrong secret gets the same answer as any unknown path: do not
    // confirm that the route exists.
    let Some(route) = WebhookRoute::verify(&receiver.secret, &secret, &account_id, &event) else {
        return StatusCode::NOT_FOUND;
    };
    let span = tracing::Span::current();
    span.record("account_id", route.account_id.get());
    span.record("event", route.event.path_segment().as_ref());
    match WebhookPayload::from_slice(&body) {
        Ok(payload) => match receiver.events.try_send((route, payload)) {
            Ok(()) => StatusCode::NO_CONTENT,
            // The worker is behind: ask the sender to come back rather than block.
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        },
        Err(err) => {
            tracing::warn!("rejected a webhook delivery: {err}");
            StatusCode::BAD_REQUEST
        }
    }
}

/// The receiver's routes: `POST /salesflow/{secret}/{account_id}/{event}`, each request in a
/// span that leaves the secret out ([`request_span`]).
fn router(secret: &str, events: mpsc::Sender<Delivery>) -> Router {
    let receiver = Receiver {
        secret: Arc::from(secret),
        events,
    };
    Router::new()
        .route("/salesflow/{secret}/{account_id}/{event}", post(receive))
        .layer(DefaultBodyLimit::max(MAX_PAYLOAD_BYTES))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
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

    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let (tx, mut rx) = mpsc::channel::<Delivery>(1024);
    tokio::spawn(async move {
        while let Some((route, payload)) = rx.recv().await {
            println!(
                "account {}: {} member {:?} ({} {}), status {}",
                route.account_id,
                route.event,
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
        "listening on http://{}/salesflow/<secret>/<account_id>/<event>",
        listener.local_addr()?
    );
    axum::serve(listener, router(&secret, tx)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use salesflow_webhook_types::{AccountId, RunOn};
    use std::sync::Mutex;
    use tower::ServiceExt;
    use tracing_subscriber::fmt::MakeWriter;

    const SECRET: &str = "s3cret-segment-0123456789";
    const SAMPLE: &str = include_str!("../tests/fixtures/webhook_payload.json");

    async fn post_with(router: Router, path: &str, body: &str) -> StatusCode {
        router
            .oneshot(
                Request::post(path)
                    .header("content-type", "application/json")
                    .body(Body::from(body.to_owned()))
                    .unwrap(),
            )
            .await
            .unwrap()
            .status()
    }

    async fn post_to(path: &str, body: &str) -> (StatusCode, Option<Delivery>) {
        let (tx, mut rx) = mpsc::channel(4);
        let status = post_with(router(SECRET, tx), path, body).await;
        (status, rx.try_recv().ok())
    }

    /// Each of `paths` is answered 404 to a POST of `body`, and nothing reaches the worker.
    async fn assert_not_found(paths: impl IntoIterator<Item = String>, body: &str) {
        for path in paths {
            let (status, received) = post_to(&path, body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(received.is_none(), "{path}");
        }
    }

    /// Everything logged (every level, spans with their fields) while `run` runs on this
    /// thread.
    async fn logged<F: std::future::Future<Output = ()>>(run: F) -> String {
        // tracing-subscriber writes to a `Mutex<Vec<u8>>` itself; this one outlives the
        // subscriber, so that it can be read once the subscriber is gone.
        let log: &'static Mutex<Vec<u8>> = Box::leak(Box::default());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || log.make_writer())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        run.await;
        let bytes = log.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[tokio::test]
    async fn accepts_the_documented_payload_on_the_secret_path() {
        let path = format!("/salesflow/{SECRET}/321/member-connected");
        let (status, received) = post_to(&path, SAMPLE).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (route, payload) = received.expect("payload handed to the worker");
        assert_eq!(route.event, RunOn::MemberConnected);
        assert_eq!(route.account_id, AccountId::new(321));
        assert_eq!(payload.linked_in_member_id, Some(1234567890));
    }

    #[tokio::test]
    async fn tells_the_events_and_accounts_apart_by_the_url_whatever_the_payload_says() {
        // The same payload (with an undocumented IntegrationRunOn) on each event's URL.
        let body = r#"{"IntegrationRunOn": "INTEGRATION_RUN_ON_SOMETHING", "MemberId": 7}"#;
        for account in [321, 400] {
            for event in RunOn::KNOWN {
                let route = WebhookRoute::new(AccountId::new(account), *event);
                let path = route.url(&format!("/salesflow/{SECRET}"));
                let (status, received) = post_to(&path, body).await;
                assert_eq!(status, StatusCode::NO_CONTENT, "{path}");
                let (got, payload) = received.expect("handed to the worker");
                assert_eq!(got, route);
                assert_eq!(payload.event(), None, "the payload alone does not tell");
            }
        }
        let paths = [
            format!("/salesflow/{SECRET}/321/no-such-event"),
            format!("/salesflow/{SECRET}/0321/reply-detected"),
            format!("/salesflow/{SECRET}/reply-detected"),
        ];
        assert_not_found(paths, body).await;
    }

    #[tokio::test]
    async fn rejects_a_wrong_or_truncated_secret_without_decoding() {
        let paths = [
            "/salesflow/wrong/321/member-connected".to_owned(),
            format!(
                "/salesflow/{}/321/member-connected",
                &SECRET[..SECRET.len() - 1]
            ),
            format!("/salesflow/{SECRET}x/321/member-connected"),
            format!("/salesflow/{SECRET}"),
        ];
        assert_not_found(paths, SAMPLE).await;
    }

    #[tokio::test]
    async fn rejects_malformed_json_with_400() {
        let path = format!("/salesflow/{SECRET}/321/reply-detected");
        let (status, payload) = post_to(&path, "{\"MemberId\": ").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(payload.is_none());
    }

    #[tokio::test]
    async fn the_trace_never_logs_the_secret() {
        let (tx, _rx) = mpsc::channel(16);
        let app = router(SECRET, tx);
        let log = logged(async {
            let ok = format!("/salesflow/{SECRET}/321/reply-detected");
            assert_eq!(
                post_with(app.clone(), &ok, SAMPLE).await,
                StatusCode::NO_CONTENT
            );
            let bad_json = format!("/salesflow/{SECRET}/321/member-connected");
            assert_eq!(
                post_with(app.clone(), &bad_json, "{").await,
                StatusCode::BAD_REQUEST
            );
            // No route matches: the span does not fall back to the URI.
            let unmatched = format!("/salesflow/{SECRET}");
            assert_eq!(
                post_with(app.clone(), &unmatched, SAMPLE).await,
                StatusCode::NOT_FOUND
            );
        })
        .await;
        // The requests were traced: the route template, the account and the event...
        assert!(
            log.contains(r#"route="/salesflow/{secret}/{account_id}/{event}""#),
            "{log}"
        );
        assert!(log.contains("account_id=321"), "{log}");
        assert!(log.contains(r#"event="reply-detected""#), "{log}");
        assert!(log.contains("rejected a webhook delivery"), "{log}");
        assert!(log.contains(r#"route="<no route>""#), "{log}");
        // ...and the secret never.
        assert!(!log.contains(SECRET), "{log}");
    }

    #[tokio::test]
    async fn the_default_trace_span_would_log_the_secret() {
        // Why the receiver sets its own span: tower-http's default one records the URI.
        let app = Router::new()
            .route(
                "/salesflow/{secret}/{account_id}/{event}",
                post(|| async { "" }),
            )
            .layer(TraceLayer::new_for_http());
        let log = logged(async {
            let path = format!("/salesflow/{SECRET}/321/reply-detected");
            post_with(app, &path, "{}").await;
        })
        .await;
        assert!(log.contains(SECRET), "{log}");
    }
}
