//! `salesflow webhooks listen`: a webhook receiver that prints the events it gets.
//!
//! Salesflow signs nothing, so the URL carries a secret: the receiver answers only
//! `POST /salesflow/{secret}/{event}` (or `.../{account_id}/{event}`), comparing the secret in constant time, and 404 for
//! anything else (a wrong secret looks like an unknown path). The event is the last segment
//! (`member-connected`, `reply-detected`, `invitation-withdrawn`, `run-on-<code>` for any
//! other: `RunOn::path_segment`; `run-on-<code>` is answered for every code, so a URL keeps its
//! meaning when its code becomes known): attach one webhook per event at its own URL
//! (`Client::attach_webhooks_per_event`), since the payload names only the connected event in
//! a documented way. A body that is not a webhook
//! payload is 400; a decoded one is printed with its event (one line, or one JSON object per
//! line with `--output json`) and answered 204.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use salesflow::RunOn;
use salesflow_webhook_types::{secret_matches, WebhookPayload, WebhookRoute, MAX_PAYLOAD_BYTES};
use tokio::sync::{mpsc, oneshot};

use crate::cli::{ListenArgs, OutputFormat};
use crate::context::Context;
use crate::exit::{self, CliError};

#[derive(Clone)]
struct Receiver {
    secret: Arc<str>,
    events: mpsc::Sender<(RunOn, WebhookPayload)>,
}

/// `/salesflow/{secret}/{account_id}/{event}`, the URLs `Client::attach_webhooks_per_event`
/// makes: the secret compared first, then the route read ([`WebhookRoute::verify`]).
async fn receive_routed(
    State(receiver): State<Receiver>,
    Path((secret, account_id, event)): Path<(String, String, String)>,
    body: Bytes,
) -> StatusCode {
    match WebhookRoute::verify(&receiver.secret, &secret, &account_id, &event) {
        Some(route) => deliver(&receiver, route.event, &body),
        None => StatusCode::NOT_FOUND,
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    Path((secret, event)): Path<(String, String)>,
    body: Bytes,
) -> StatusCode {
    if !secret_matches(&receiver.secret, &secret) {
        return StatusCode::NOT_FOUND;
    }
    // The event is the one the webhook at this URL was attached for.
    match RunOn::from_path_segment(&event) {
        Some(event) => deliver(&receiver, event, &body),
        None => StatusCode::NOT_FOUND,
    }
}

/// Decodes a delivery for `event` and hands it on: 204, or 400 for a malformed payload, or
/// 503 when the printer is behind.
fn deliver(receiver: &Receiver, event: RunOn, body: &[u8]) -> StatusCode {
    match WebhookPayload::from_slice(body) {
        Ok(payload) => match receiver.events.try_send((event, payload)) {
            Ok(()) => StatusCode::NO_CONTENT,
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        },
        Err(err) => {
            eprintln!("rejected a webhook delivery (400): {err}");
            StatusCode::BAD_REQUEST
        }
    }
}

/// The receiver's routes: `POST /salesflow/{secret}/{event}` and
/// `POST /salesflow/{secret}/{account_id}/{event}` (the URLs the SDK makes); decoded payloads
/// go to `events` with the event of their URL.
pub fn router(secret: &str, events: mpsc::Sender<(RunOn, WebhookPayload)>) -> Router {
    let receiver = Receiver {
        secret: Arc::from(secret),
        events,
    };
    Router::new()
        .route("/salesflow/{secret}/{event}", post(receive))
        .route(
            "/salesflow/{secret}/{account_id}/{event}",
            post(receive_routed),
        )
        .layer(DefaultBodyLimit::max(MAX_PAYLOAD_BYTES))
        .with_state(receiver)
}

/// A random secret: 32 hex digits from the operating system's random source.
///
/// # Errors
///
/// When the operating system gives no random bytes.
pub fn random_secret() -> Result<String, CliError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| CliError::api(format!("no random source for the secret: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// One event as a JSON object: the event (from the URL), its `runOn` code, the payload.
pub fn event_json(event: RunOn, p: &WebhookPayload) -> serde_json::Value {
    serde_json::json!({
        "Event": event.name().map_or_else(|| event.code().to_string(), str::to_owned),
        "RunOn": event.code(),
        "Payload": p,
    })
}

/// One event as a line of text.
pub fn event_line(event: RunOn, p: &WebhookPayload) -> String {
    let name = format!(
        "{} {}",
        p.first_name.as_deref().unwrap_or_default(),
        p.last_name.as_deref().unwrap_or_default()
    );
    let campaigns = p
        .member_campaigns
        .iter()
        .flatten()
        .filter_map(|c| c.campaign_name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{}  {event}  member {}  {}  status {}  campaign {}",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        p.member_id
            .map(|i| i.to_string())
            .unwrap_or_else(|| "?".into()),
        name.trim(),
        p.status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        if campaigns.is_empty() {
            "?"
        } else {
            &campaigns
        },
    )
}

/// Runs `salesflow webhooks listen`.
///
/// # Errors
///
/// When the address cannot be bound (usage error), or with `--mock` when the webhook cannot
/// be created and attached (a bad token, an unknown campaign): at once, before waiting for
/// any event.
pub async fn run(ctx: &Context, args: &ListenArgs) -> Result<i32, CliError> {
    let (secret, generated) = match &args.secret {
        Some(s) => (s.clone(), false),
        None => (random_secret()?, true),
    };
    let listener = tokio::net::TcpListener::bind((args.bind, args.port))
        .await
        .map_err(|e| {
            CliError::usage(format!("cannot listen on {}:{}: {e}", args.bind, args.port))
        })?;
    let addr = listener.local_addr()?;
    let reachable = if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    };
    let url = format!("http://{reachable}/salesflow/{secret}");
    let (tx, rx) = mpsc::channel::<(RunOn, WebhookPayload)>(1024);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, router(&secret, tx))
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .into_future(),
    );
    let stop = move || async move {
        let _ = stop_tx.send(());
        let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
    };
    if generated {
        eprintln!("listening on {url}/<event>");
        note!("(a random secret; create the webhooks with this URL, or choose one with --secret)");
    } else {
        note!("listening on http://{reachable}/salesflow/<secret>/<event>");
    }
    if let Some(mock) = &ctx.mock {
        // Register the webhook before waiting for anything: a failure (a bad token, an
        // unknown campaign) ends the command at once with the reason.
        if let Err(e) = drive_mock(ctx, mock, args.mock_campaign, &url).await {
            stop().await;
            return Err(e);
        }
    }
    let printed = print_events(ctx, args.count, rx).await;
    stop().await;
    printed.map(|()| exit::SUCCESS)
}

/// With `--mock`: attaches a webhook at `url` to `campaign` for every event, then has the
/// mock simulate each event for the campaign's first member (in the background).
async fn drive_mock(
    ctx: &Context,
    mock: &salesflow_mock::MockServer,
    campaign: salesflow::CampaignId,
    url: &str,
) -> Result<(), CliError> {
    let client = ctx.client()?;
    let hooks = client
        .attach_webhooks_per_event(campaign, url, RunOn::KNOWN)
        .await
        .map_err(|e| CliError {
            code: exit::code_for(&e),
            message: format!("cannot register the webhooks with the mock: {e}"),
        })?;
    for hook in &hooks {
        note!(
            "mock: webhook {} attached to campaign {campaign} for {} (attachment {})",
            hook.webhook.webhook_id,
            hook.event,
            hook.attachment.webhook_campaign_id
        );
    }
    let state = mock.state().clone();
    tokio::spawn(async move {
        match client.list_contacts_by_campaign(campaign).await {
            Ok(members) => match members.first().map(|m| m.member_id) {
                Some(member) => {
                    // Every event of the spec, in its order.
                    for &event in RunOn::KNOWN {
                        note!("mock: simulating {event} for member {member}");
                        if let Err(e) = state.simulate_event(member, event).await {
                            eprintln!("mock: cannot simulate an event: {e}");
                        }
                    }
                }
                None => eprintln!("mock: campaign {campaign} has no member to simulate"),
            },
            Err(e) => eprintln!("mock: cannot list the members to simulate an event: {e}"),
        }
    });
    Ok(())
}

/// Prints each event received, until `count` were (if given), the receiver stops or Ctrl-C.
async fn print_events(
    ctx: &Context,
    count: Option<u64>,
    mut rx: mpsc::Receiver<(RunOn, WebhookPayload)>,
) -> Result<(), CliError> {
    let mut seen = 0u64;
    let done = |seen: u64| count.is_some_and(|n| seen >= n);
    while !done(seen) {
        tokio::select! {
            received = rx.recv() => {
                let Some((event, payload)) = received else { break };
                let line = match ctx.output {
                    OutputFormat::Json => serde_json::to_string(&event_json(event, &payload))
                        .map_err(std::io::Error::other)?,
                    OutputFormat::Table => event_line(event, &payload),
                };
                crate::output::write_stdout(&format!("{line}\n"))?;
                seen += 1;
            }
            _ = tokio::signal::ctrl_c() => {
                note!("stopped");
                break;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower_test_shim::oneshot;

    mod tower_test_shim {
        //! `Router::oneshot` without a tower dependency: serve on a real socket.
        use super::*;

        pub async fn oneshot(router: Router, req: Request<Body>) -> StatusCode {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, router).await });
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            let client = reqwest::Client::new();
            let resp = client
                .request(
                    reqwest::Method::from_bytes(parts.method.as_str().as_bytes()).unwrap(),
                    format!("http://{addr}{}", parts.uri),
                )
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            StatusCode::from_u16(resp.status().as_u16()).unwrap()
        }
    }

    const SECRET: &str = "0123456789abcdef0123";

    async fn post_to(path: &str, body: &str) -> (StatusCode, Option<(RunOn, WebhookPayload)>) {
        let (tx, mut rx) = mpsc::channel(4);
        let status = oneshot(
            router(SECRET, tx),
            Request::post(path)
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await;
        (status, rx.try_recv().ok())
    }

    #[tokio::test]
    async fn secret_path_payloads_and_errors() {
        let body = r#"{"MemberId": 7, "FirstName": "Ann", "IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED"}"#;
        let (status, payload) = post_to(&format!("/salesflow/{SECRET}/reply-detected"), body).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (event, payload) = payload.unwrap();
        assert_eq!(event, RunOn::ReplyDetected);
        assert_eq!(payload.member_id, Some(7));
        let (status, payload) =
            post_to("/salesflow/wrong-secret-0123456789/reply-detected", body).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(payload.is_none());
        let (status, _) = post_to(
            &format!("/salesflow/{SECRET}/member-connected"),
            "{\"MemberId\": ",
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn every_event_is_routed_by_its_segment_and_by_its_code() {
        // `run-on-<code>` is what a URL attached while the code was unknown ends with: it
        // still reaches the receiver once the code is known, as that event.
        let body = r#"{"MemberId": 7}"#;
        for &known in RunOn::KNOWN.iter().chain(&[RunOn::Unknown(9999)]) {
            for segment in [
                known.path_segment().into_owned(),
                format!("run-on-{}", known.code()),
            ] {
                let (status, got) = post_to(&format!("/salesflow/{SECRET}/{segment}"), body).await;
                assert_eq!(status, StatusCode::NO_CONTENT, "{segment}");
                assert_eq!(got.map(|(event, _)| event), Some(known), "{segment}");
            }
        }
        let (status, _) = post_to(&format!("/salesflow/{SECRET}/zz-not-a-value"), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn secrets_and_lines() {
        let a = random_secret().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, random_secret().unwrap());
        let p = WebhookPayload::from_slice(
            br#"{"MemberId": 7, "FirstName": "Ann", "LastName": "Lee", "IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED", "Status": "MEMBER_CONNECTED"}"#,
        )
        .unwrap();
        let line = event_line(RunOn::ReplyDetected, &p);
        assert!(
            line.contains("  REPLY_DETECTED  member 7  Ann Lee  status MEMBER_CONNECTED"),
            "{line}"
        );
        let json = event_json(RunOn::Unknown(9999), &p);
        assert_eq!(json["Event"], "9999");
        assert_eq!(json["RunOn"], 9999);
        assert_eq!(json["Payload"]["MemberId"], 7);
    }
}
