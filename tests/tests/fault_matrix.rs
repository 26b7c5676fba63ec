//! The SDK against every fault the mock can inject, for reads (`list_campaigns`,
//! `list_contacts_by_campaign`) and for calls that change state (`start_campaign`,
//! `import_member`, `create_webhook`): the typed result, the number of attempts on the wire,
//! the operation every error names, and that the token never shows in an error's `Display` or
//! `Debug`. Plus bulk imports with failures interleaved that must lose no member.
//!
//! Retries use millisecond backoffs so that the whole file runs in a few seconds; the only
//! real waits are one `Retry-After: 1` per read and sub-second client timeouts.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use futures_util::StreamExt;
use salesflow::ops::ImportMember;
use salesflow::{
    ApiErrorKind, CampaignId, CampaignStatus, Client, Error, ImportOptions, ImportResult, MemberId,
    MemberStatus, Operation, RetryPolicy, RunOn,
};
use salesflow_mock::{
    Fault, FaultId, FaultKind, MockServer, MockState, Seed, DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_EMPTY,
    DEMO_CAMPAIGN_PAUSED, DEMO_CAMPAIGN_RUNNING, DEMO_TOKEN,
};

/// Attempts a read makes at most under [`fast_retry`].
const MAX_ATTEMPTS: usize = 3;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Quick retries: 3 attempts, 5 ms backoff; `Retry-After` up to 2 s is honoured.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(MAX_ATTEMPTS as u32)
        .initial_backoff(ms(5))
        .max_backoff(ms(2_000))
        .max_elapsed(Duration::from_secs(10))
}

async fn server() -> MockServer {
    MockServer::start_with(Seed::Demo).await.expect("mock")
}

fn client_with(server: &MockServer, timeout: Duration) -> Client {
    client_counting(server, timeout, Arc::default())
}

/// A client whose every attempt that leaves it (retries included) adds one to `sent`: what
/// the client did, counted on its side. (The mock's own count can miss an attempt that a
/// loaded machine delivered after the client had given up on it.)
fn client_counting(server: &MockServer, timeout: Duration, sent: Arc<AtomicUsize>) -> Client {
    Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(server.base_url())
        .timeout(timeout)
        .retry_policy(fast_retry())
        .layer(salesflow::tower::layer::layer_fn(move |inner| Counting {
            inner,
            sent: sent.clone(),
        }))
        .build()
        .expect("client")
}

/// The service of [`client_counting`]'s layer.
#[derive(Clone)]
struct Counting<S> {
    inner: S,
    sent: Arc<AtomicUsize>,
}

impl<S, R> salesflow::tower::Service<R> for Counting<S>
where
    S: salesflow::tower::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        self.sent.fetch_add(1, Ordering::SeqCst);
        self.inner.call(request)
    }
}

fn client(server: &MockServer) -> Client {
    client_with(server, Duration::from_secs(5))
}

/// The operations under test: two reads and three calls that change state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    ListCampaigns,
    ListContactsByCampaign,
    StartCampaign,
    ImportMember,
    CreateWebhook,
}

const READS: [Op; 2] = [Op::ListCampaigns, Op::ListContactsByCampaign];
const WRITES: [Op; 3] = [Op::StartCampaign, Op::ImportMember, Op::CreateWebhook];
const ALL: [Op; 5] = [
    Op::ListCampaigns,
    Op::ListContactsByCampaign,
    Op::StartCampaign,
    Op::ImportMember,
    Op::CreateWebhook,
];

/// The sample's reads and writes are what the spec says of them (`changes_state`: the method,
/// or the spec's `x-salesflow-changes-state`), not what this file believes.
#[test]
fn the_reads_and_writes_are_the_specs() {
    for op in READS {
        assert!(!op.operation().changes_state(), "{op:?} changes state");
    }
    for op in WRITES {
        assert!(op.operation().changes_state(), "{op:?} changes nothing");
    }
    assert_eq!(READS.len() + WRITES.len(), ALL.len());
}

impl Op {
    /// The operation of the spec: the one name faults, the request log and errors use.
    fn operation(self) -> Operation {
        match self {
            Op::ListCampaigns => Operation::ListCampaigns,
            Op::ListContactsByCampaign => Operation::ListContactsByCampaign,
            Op::StartCampaign => Operation::StartCampaign,
            Op::ImportMember => Operation::ImportMember,
            Op::CreateWebhook => Operation::CreateWebhook,
        }
    }

    /// The `operationId`, as errors display it.
    fn id(self) -> &'static str {
        self.operation().id()
    }

    /// Runs the operation; the value is returned as its `Debug` text.
    async fn run(self, client: &Client) -> Result<String, Error> {
        match self {
            Op::ListCampaigns => client.list_campaigns().await.map(|v| format!("{v:?}")),
            Op::ListContactsByCampaign => client
                .list_contacts_by_campaign(DEMO_CAMPAIGN_RUNNING)
                .await
                .map(|v| format!("{v:?}")),
            Op::StartCampaign => client
                .start_campaign(DEMO_CAMPAIGN_PAUSED)
                .await
                .map(|v| format!("{v:?}")),
            Op::ImportMember => client
                .import_member(
                    DEMO_CAMPAIGN_RUNNING,
                    "https://www.linkedin.com/in/fault-matrix-1",
                )
                .first_name("F")
                .await
                .map(|v| format!("{v:?}")),
            Op::CreateWebhook => client
                .create_webhook("fault", "https://crm.example.com/hook")
                .await
                .map(|v| format!("{v:?}")),
        }
    }
}

/// Panics if the token shows in the result: the value's `Debug`, or the error's `Display`,
/// `Debug` and every `source()`.
fn assert_no_token(ctx: &str, result: &Result<String, Error>) {
    match result {
        Ok(value) => assert!(!value.contains(DEMO_TOKEN), "{ctx}: token in value {value}"),
        Err(err) => assert_error_has_no_token(ctx, err),
    }
}

fn assert_error_has_no_token(ctx: &str, err: &(dyn std::error::Error + 'static)) {
    let display = err.to_string();
    let debug = format!("{err:?}");
    assert!(
        !display.contains(DEMO_TOKEN),
        "{ctx}: token in Display: {display}"
    );
    assert!(
        !debug.contains(DEMO_TOKEN),
        "{ctx}: token in Debug: {debug}"
    );
    if let Some(source) = err.source() {
        assert_error_has_no_token(ctx, source);
    }
}

/// Requests of `op` the mock received.
fn attempts(state: &MockState, op: Op) -> usize {
    state
        .requests()
        .iter()
        .filter(|r| r.operation == Some(op.operation()))
        .count()
}

/// What a call under a fault did: its result, the requests of the operation the mock logged
/// (a request whose client gave up before the answer, e.g. on a timeout, is not logged), and
/// how many requests the fault hit (`None` for a fault without `times`).
struct Run {
    result: Result<String, Error>,
    /// Attempts the client sent (its own count, retries included).
    sent: usize,
    logged: usize,
    server: MockServer,
    fault_id: FaultId,
    times: Option<u32>,
}

impl Run {
    /// How many requests the fault hit so far (`None` for a fault without `times`).
    fn fault_hits(&self) -> Option<u32> {
        let remaining = self
            .server
            .faults()
            .iter()
            .find(|f| f.id == self.fault_id)
            .map_or(Some(0), |f| f.remaining);
        self.times.zip(remaining).map(|(t, r)| t - r)
    }

    /// [`fault_hits`](Self::fault_hits) once it reached `expected` (waiting up to 3 s: a
    /// request the client gave up on may reach the server's middleware a little later on a
    /// loaded machine), and 50 ms more to catch any extra hit.
    async fn settled_fault_hits(&self, expected: u32) -> Option<u32> {
        let deadline = Instant::now() + Duration::from_secs(3);
        while self.fault_hits().is_some_and(|h| h < expected) && Instant::now() < deadline {
            tokio::time::sleep(ms(10)).await;
        }
        tokio::time::sleep(ms(50)).await;
        self.fault_hits()
    }
}

/// A fresh server, `fault` injected for `op` only, one call.
async fn run_with(op: Op, kind: FaultKind, times: Option<u32>, timeout: Duration) -> Run {
    let server = server().await;
    let fault = Fault::new(kind).for_operation(op.operation());
    let fault = match times {
        Some(n) => fault.times(n),
        None => fault.always(),
    };
    let id = server.inject(fault).expect("inject");
    let sent = Arc::new(AtomicUsize::new(0));
    let client = client_counting(&server, timeout, sent.clone());
    let result = op.run(&client).await;
    let ctx = format!("{op:?}");
    assert_no_token(&ctx, &result);
    Run {
        result,
        sent: sent.load(Ordering::SeqCst),
        logged: attempts(&server, op),
        server,
        fault_id: id,
        times,
    }
}

async fn run_fault(op: Op, kind: FaultKind, times: Option<u32>) -> (Result<String, Error>, usize) {
    let run = run_with(op, kind, times, Duration::from_secs(5)).await;
    (run.result, run.logged)
}

fn api_error(op: Op, result: Result<String, Error>) -> salesflow::ApiError {
    match result {
        Err(Error::Api(e)) => {
            assert_eq!(e.operation, op.operation(), "{op:?}");
            e
        }
        other => panic!("{op:?}: expected Error::Api, got {other:?}"),
    }
}

// ---- 429 with Retry-After ------------------------------------------------------------------

#[tokio::test]
async fn too_many_requests_once_read_is_retried_after_retry_after() {
    let runs = READS.map(|op| async move {
        let started = Instant::now();
        let (result, n) = run_fault(
            op,
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
            Some(1),
        )
        .await;
        (op, result, n, started.elapsed())
    });
    for (op, result, n, elapsed) in join_all(runs).await {
        assert!(result.is_ok(), "{op:?}: {result:?}");
        assert_eq!(n, 2, "{op:?}: one 429, one retry");
        assert!(
            elapsed >= ms(950),
            "{op:?}: Retry-After: 1 not honoured ({elapsed:?})"
        );
    }
}

#[tokio::test]
async fn too_many_requests_read_gives_up_when_retry_after_is_too_long() {
    for op in READS {
        let (result, n) = run_fault(
            op,
            FaultKind::TooManyRequests {
                retry_after_secs: 60,
            },
            Some(1),
        )
        .await;
        let e = api_error(op, result);
        assert_eq!(e.kind, ApiErrorKind::RateLimited, "{op:?}");
        assert_eq!(e.status, 429);
        assert_eq!(e.retry_after, Some(Duration::from_secs(60)), "{op:?}");
        assert_eq!(n, 1, "{op:?}: no retry past max_backoff");
    }
}

#[tokio::test]
async fn too_many_requests_once_write_is_retried_since_the_server_did_nothing() {
    for op in WRITES {
        let (result, n) = run_fault(
            op,
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
            Some(1),
        )
        .await;
        assert!(result.is_ok(), "{op:?}: {result:?}");
        assert_eq!(n, 2, "{op:?}: one 429, one retry");
    }
}

#[tokio::test]
async fn too_many_requests_always_write_gives_up_rate_limited() {
    for op in WRITES {
        let (result, n) = run_fault(
            op,
            FaultKind::TooManyRequests {
                retry_after_secs: 60,
            },
            None,
        )
        .await;
        let e = api_error(op, result);
        assert_eq!(e.kind, ApiErrorKind::RateLimited, "{op:?}");
        assert_eq!(e.status, 429, "{op:?}");
        assert_eq!(e.retry_after, Some(Duration::from_secs(60)), "{op:?}");
        assert_eq!(n, 1, "{op:?}: Retry-After past max_backoff: no retry");
    }
}

// ---- 500 with an HTML page -----------------------------------------------------------------

#[tokio::test]
async fn server_error_html_is_a_server_api_error_with_a_snippet() {
    for op in ALL {
        let (result, n) = run_fault(op, FaultKind::ServerError, None).await;
        let e = api_error(op, result);
        assert_eq!(e.kind, ApiErrorKind::Server, "{op:?}");
        assert_eq!(e.status, 500, "{op:?}");
        assert_eq!(e.body_status, None, "{op:?}");
        let message = e.message.as_deref().expect("snippet of the page");
        assert_eq!(message, "Runtime Error", "{op:?}: the page's title");
        assert!(
            message.chars().count() <= salesflow::SNIPPET_CHARS + 1,
            "{op:?}: {message}"
        );
        // A read is retried after a 500 (AWS's standard mode counts it as transient); a call
        // that changes state is not (the server may have done it).
        let expected = if READS.contains(&op) { MAX_ATTEMPTS } else { 1 };
        assert_eq!(n, expected, "{op:?}");
        // The Display is the page's title, not its markup; the page is kept whole.
        assert!(!e.to_string().contains('<'), "{op:?}: {e}");
        assert!(
            e.body.as_deref().is_some_and(|b| b.starts_with(b"<")),
            "{op:?}"
        );
    }
}

// ---- 502 -----------------------------------------------------------------------------------

#[tokio::test]
async fn bad_gateway_once_read_is_retried() {
    for op in READS {
        let (result, n) = run_fault(op, FaultKind::BadGateway, Some(1)).await;
        assert!(result.is_ok(), "{op:?}: {result:?}");
        assert_eq!(n, 2, "{op:?}");
    }
}

#[tokio::test]
async fn bad_gateway_always_read_gives_up_after_max_attempts() {
    for op in READS {
        let (result, n) = run_fault(op, FaultKind::BadGateway, None).await;
        let e = api_error(op, result);
        assert_eq!(e.kind, ApiErrorKind::Server, "{op:?}");
        assert_eq!(e.status, 502, "{op:?}");
        assert!(
            e.message.as_deref().is_some_and(|m| m.contains("502")),
            "{op:?}: {e}"
        );
        assert_eq!(n, MAX_ATTEMPTS, "{op:?}");
    }
}

#[tokio::test]
async fn bad_gateway_write_is_an_error_and_not_retried() {
    for op in WRITES {
        let (result, n) = run_fault(op, FaultKind::BadGateway, Some(1)).await;
        let e = api_error(op, result);
        assert_eq!(e.kind, ApiErrorKind::Server, "{op:?}");
        assert_eq!(e.status, 502, "{op:?}");
        assert_eq!(n, 1, "{op:?}");
    }
}

// ---- connection reset ----------------------------------------------------------------------

fn assert_transport(op: Op, result: &Result<String, Error>) {
    match result {
        Err(Error::Transport { operation, .. }) => {
            assert_eq!(*operation, op.operation(), "{op:?}")
        }
        other => panic!("{op:?}: expected Error::Transport, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_reset_always_read_is_a_transport_error() {
    for op in READS {
        let (result, _) = run_fault(op, FaultKind::ConnectionReset, None).await;
        assert_transport(op, &result);
        let e = result.unwrap_err();
        assert!(!e.is_timeout(), "{op:?}");
        assert!(!e.is_connect(), "{op:?}");
        assert!(e.to_string().contains(op.id()), "{op:?}: {e}");
        // What the retry test below needs the SDK to treat as transient: the connection was
        // dropped while sending/receiving (hyper's IncompleteMessage), reported by reqwest as a
        // request or body error, neither `is_connect()` nor `is_timeout()`.
        let Error::Transport { source, .. } = &e else {
            unreachable!()
        };
        assert!(
            source.is_request() || source.is_body(),
            "{op:?}: {source:?}"
        );
    }
}

/// A read whose connection was reset changed nothing: it is retried (the SDK's
/// `is_transient` counts request and body errors as transient; `should_retry` keeps writes
/// out).
#[tokio::test]
async fn connection_reset_once_read_is_retried() {
    for op in READS {
        let (result, n) = run_fault(op, FaultKind::ConnectionReset, Some(1)).await;
        assert!(result.is_ok(), "{op:?}: {result:?}");
        assert_eq!(n, 2, "{op:?}");
    }
}

#[tokio::test]
async fn connection_reset_write_is_a_transport_error_and_not_retried() {
    for op in WRITES {
        let (result, n) = run_fault(op, FaultKind::ConnectionReset, Some(1)).await;
        assert_transport(op, &result);
        assert_eq!(n, 1, "{op:?}");
    }
}

// ---- timeout -------------------------------------------------------------------------------

const SHORT_TIMEOUT: Duration = Duration::from_millis(300);
const LONG_LATENCY: FaultKind = FaultKind::Latency { ms: 2_000 };

/// "Always" for the timeout tests: more hits than any call makes, counted.
const MANY: u32 = 10;

#[tokio::test]
async fn timeout_always_read_is_a_timeout_after_max_attempts() {
    let runs = READS.map(|op| async move {
        let r = run_with(op, LONG_LATENCY, Some(MANY), SHORT_TIMEOUT).await;
        (op, r)
    });
    for (op, run) in join_all(runs).await {
        assert_transport(op, &run.result);
        assert!(run.result.as_ref().unwrap_err().is_timeout(), "{op:?}");
        assert_eq!(
            run.sent, MAX_ATTEMPTS,
            "{op:?}: timeouts of reads are retried, up to the policy's attempts"
        );
        // The mock saw no more than that (on a loaded machine an attempt the client gave up
        // on may never reach it).
        let hits = run.settled_fault_hits(MAX_ATTEMPTS as u32).await;
        assert!(
            hits.is_some_and(|h| (1..=MAX_ATTEMPTS as u32).contains(&h)),
            "{op:?}: fault hits {hits:?}"
        );
    }
}

#[tokio::test]
async fn timeout_once_read_is_retried() {
    let runs = READS.map(|op| async move {
        let r = run_with(op, LONG_LATENCY, Some(1), SHORT_TIMEOUT).await;
        (op, r)
    });
    for (op, run) in join_all(runs).await {
        assert!(run.result.is_ok(), "{op:?}: {:?}", run.result);
        assert!(run.sent >= 2, "{op:?}: the timed-out attempt was retried");
        assert_eq!(run.settled_fault_hits(1).await, Some(1), "{op:?}");
        assert!(run.logged >= 1, "{op:?}: the retry was answered");
    }
}

#[tokio::test]
async fn timeout_write_is_a_timeout_and_not_retried() {
    let runs = WRITES.map(|op| async move {
        let r = run_with(op, LONG_LATENCY, Some(MANY), SHORT_TIMEOUT).await;
        (op, r)
    });
    for (op, run) in join_all(runs).await {
        assert_transport(op, &run.result);
        let e = run.result.as_ref().unwrap_err();
        assert!(e.is_timeout(), "{op:?}: {e:?}");
        assert!(!e.is_connect(), "{op:?}");
        assert_eq!(run.sent, 1, "{op:?}: a write is never retried");
        // On a loaded machine the client's timeout can expire before the mock has counted
        // the request at all; what must never happen is a second attempt.
        let hits = run.settled_fault_hits(1).await;
        assert!(
            matches!(hits, Some(0 | 1)),
            "{op:?}: a write is never retried (fault hits: {hits:?})"
        );
    }
}

// ---- truncated and malformed JSON ----------------------------------------------------------

fn assert_decode(op: Op, result: Result<String, Error>) {
    match result {
        Err(e @ Error::Decode { .. }) => {
            let Error::Decode {
                operation, snippet, ..
            } = &e
            else {
                unreachable!()
            };
            assert_eq!(*operation, op.operation(), "{op:?}");
            assert!(!snippet.is_empty(), "{op:?}");
            assert!(
                e.to_string().starts_with(op.id()),
                "{op:?}: Display names the operation: {e}"
            );
            assert!(
                std::error::Error::source(&e).is_some(),
                "{op:?}: the JSON error is the source"
            );
        }
        other => panic!("{op:?}: expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_naming_the_operation() {
    for op in ALL {
        let (result, n) = run_fault(op, FaultKind::TruncatedJson, Some(1)).await;
        assert_decode(op, result);
        assert_eq!(n, 1, "{op:?}: decode errors are not retried");
    }
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_operation() {
    for op in ALL {
        let (result, n) = run_fault(op, FaultKind::MalformedJson, Some(1)).await;
        assert_decode(op, result);
        assert_eq!(n, 1, "{op:?}");
    }
}

// ---- HTTP 200 with {"Status": 404} ---------------------------------------------------------

#[tokio::test]
async fn error_in_ok_is_not_found() {
    for op in ALL {
        let (result, n) = run_fault(
            op,
            FaultKind::ErrorInOk {
                status: 404,
                message: Some("Not found.".into()),
            },
            Some(1),
        )
        .await;
        let e = api_error(op, result);
        assert_eq!(e.kind, ApiErrorKind::NotFound, "{op:?}");
        assert_eq!(e.status, 200, "{op:?}");
        assert_eq!(e.body_status, Some(404), "{op:?}");
        assert_eq!(e.message.as_deref(), Some("Not found."), "{op:?}");
        assert_eq!(n, 1, "{op:?}");
    }
}

/// A vendor message that echoes the token is redacted.
#[tokio::test]
async fn error_in_ok_message_echoing_the_token_is_redacted() {
    for op in ALL {
        let (result, _) = run_fault(
            op,
            FaultKind::ErrorInOk {
                status: 403,
                message: Some(format!("Invalid token {DEMO_TOKEN}.")),
            },
            Some(1),
        )
        .await;
        let e = api_error(op, result);
        assert_eq!(e.kind, ApiErrorKind::Forbidden, "{op:?}");
        assert!(
            e.message
                .as_deref()
                .is_some_and(|m| m.contains("[REDACTED]")),
            "{op:?}: {e}"
        );
    }
}

// ---- unknown enum values -------------------------------------------------------------------

#[tokio::test]
async fn unknown_enum_values_are_kept() {
    let server = server().await;
    let client = client(&server);
    server
        .inject(Fault::new(FaultKind::UnknownEnumValues).always())
        .expect("inject");

    let campaigns = client.list_campaigns().await.expect("campaigns");
    assert!(!campaigns.is_empty());
    for c in &campaigns {
        assert_eq!(
            c.status,
            Some(CampaignStatus::Unknown("CAMPAIGN_ARCHIVED".into())),
            "{c:?}"
        );
        assert!(c.status.as_ref().is_some_and(CampaignStatus::is_unknown));
    }

    let contacts = client
        .list_contacts_by_campaign(DEMO_CAMPAIGN_RUNNING)
        .await
        .expect("contacts");
    assert_eq!(contacts.len(), 3);

    let contact = client
        .import_member(
            DEMO_CAMPAIGN_RUNNING,
            "https://www.linkedin.com/in/unknown-enum-1",
        )
        .await
        .expect("import");
    let status: &MemberStatus = contact.status.as_ref().expect("import has a status");
    assert!(
        status.unknown_names().iter().any(|n| n == "MEMBER_SNOOZED"),
        "{status:?}"
    );
    assert!(status.flags().contains(salesflow::MemberFlags::IMPORTED));

    let hooks = client.list_webhooks().await.expect("webhooks");
    let run_ons: Vec<RunOn> = hooks
        .iter()
        .flat_map(|h| h.attachments().iter().map(|a| a.run_on))
        .collect();
    assert!(!run_ons.is_empty());
    assert!(
        run_ons.iter().all(|r| *r == RunOn::Unknown(9999)),
        "{run_ons:?}"
    );

    client
        .start_campaign(DEMO_CAMPAIGN_PAUSED)
        .await
        .expect("start");
    client
        .create_webhook("unknown", "https://crm.example.com/u")
        .await
        .expect("create webhook");
}

// ---- extra fields --------------------------------------------------------------------------

/// Fields the spec does not list decode, into each answer's `extra`, apart from the known
/// fields (which are the same as without them).
#[tokio::test]
async fn extra_fields_are_kept_apart() {
    let plain = server().await;
    let extra = server().await;
    extra
        .inject(Fault::new(FaultKind::ExtraFields).always())
        .expect("inject");
    let (a, b) = (client(&plain), client(&extra));

    // The two servers' worlds differ only in their timestamps.
    let key = |v: Vec<salesflow::Campaign>| {
        v.into_iter()
            .map(|c| (c.campaign_id, c.campaign_name, c.status))
            .collect::<Vec<_>>()
    };
    let plain_campaigns = a.list_campaigns().await.expect("plain");
    let extra_campaigns = b.list_campaigns().await.expect("extra");
    assert!(plain_campaigns.iter().all(|c| c.extra.is_empty()));
    for c in &extra_campaigns {
        assert_eq!(
            c.extra.get("MockExtraField"),
            Some(&serde_json::json!("added by salesflow-mock")),
            "{c:?}"
        );
    }
    assert_eq!(key(plain_campaigns), key(extra_campaigns));
    let strip = |v: Vec<salesflow::Contact>| {
        v.into_iter()
            .map(|c| (c.member_id, c.first_name, c.last_name))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(
            a.list_contacts_by_campaign(DEMO_CAMPAIGN_RUNNING)
                .await
                .unwrap()
        ),
        strip(
            b.list_contacts_by_campaign(DEMO_CAMPAIGN_RUNNING)
                .await
                .unwrap()
        )
    );
    for op in WRITES {
        let result = op.run(&b).await;
        assert_no_token("extra fields", &result);
        assert!(result.is_ok(), "{op:?}: {result:?}");
    }
}

// ---- the token never leaks, whatever the fault ---------------------------------------------

#[tokio::test]
async fn no_fault_leaks_the_token_or_panics() {
    let kinds = [
        FaultKind::TooManyRequests {
            retry_after_secs: 60,
        },
        FaultKind::ServerError,
        FaultKind::BadGateway,
        FaultKind::ConnectionReset,
        FaultKind::TruncatedJson,
        FaultKind::MalformedJson,
        FaultKind::ErrorInOk {
            status: 404,
            message: None,
        },
        FaultKind::UnknownEnumValues,
        FaultKind::ExtraFields,
    ];
    let runs = kinds.iter().flat_map(|kind| {
        ALL.map(|op| {
            let kind = kind.clone();
            async move {
                // run_fault checks Display and Debug of the error (and its sources).
                let (result, _) = run_fault(op, kind.clone(), None).await;
                (kind, op, result.is_ok())
            }
        })
    });
    let results = join_all(runs).await;
    assert_eq!(results.len(), kinds.len() * ALL.len());
    for (kind, op, ok) in results {
        let should_succeed = matches!(kind, FaultKind::UnknownEnumValues | FaultKind::ExtraFields);
        assert_eq!(ok, should_succeed, "{kind:?} {op:?}");
    }
}

// ---- bulk import with failures interleaved -------------------------------------------------

const BULK: usize = 200;

/// 200 members of `campaign`: 190 distinct profiles, 8 repeats of earlier ones
/// (duplicates), 2 invalid URLs (failed before any request).
fn bulk_members(campaign: CampaignId) -> Vec<ImportMember> {
    let profile = |slug: String| format!("https://www.linkedin.com/in/{slug}");
    (0..BULK)
        .map(|i| match i {
            50 | 150 => {
                ImportMember::new(campaign, format!("https://example.com/not-linkedin-{i}"))
            }
            i if i % 25 == 24 => ImportMember::new(campaign, profile(format!("bulk-{}", i - 20))),
            i => ImportMember::new(campaign, profile(format!("bulk-{i}")))
                .first_name(format!("N{i}")),
        })
        .collect()
}

/// Yields the members and, before every 10th one, injects a one-shot fault (cycling through
/// 500, reset, 429, 502, truncated JSON) for ImportMember: read lazily by `import_members`, so
/// the faults land between requests.
struct FaultEvery10 {
    members: std::vec::IntoIter<ImportMember>,
    index: usize,
    state: MockState,
    injected: usize,
}

impl Iterator for FaultEvery10 {
    type Item = ImportMember;

    fn next(&mut self) -> Option<ImportMember> {
        let member = self.members.next()?;
        let i = self.index;
        self.index += 1;
        // Never before an invalid URL (50, 150): it sends nothing, so the fault would hit the
        // next member instead.
        if i % 10 == 9 {
            let kind = match self.injected % 5 {
                0 => FaultKind::ServerError,
                1 => FaultKind::ConnectionReset,
                2 => FaultKind::TooManyRequests {
                    retry_after_secs: 3,
                },
                3 => FaultKind::BadGateway,
                _ => FaultKind::TruncatedJson,
            };
            self.state
                .inject(
                    Fault::new(kind)
                        .for_operation(Operation::ImportMember)
                        .once(),
                )
                .expect("inject");
            self.injected += 1;
        }
        Some(member)
    }
}

/// Imports [`bulk_members`] with the faults interleaved; checks that no member is lost and
/// returns (failed by a fault, requests that carried a fault).
async fn bulk_import_loses_nothing(concurrency: usize) -> (usize, usize) {
    let server = server().await;
    let client = client(&server);
    let campaign = server.add_campaign(DEMO_ACCOUNT_ID, "Bulk", CampaignStatus::Running);
    let input = bulk_members(campaign);
    let members = FaultEvery10 {
        members: input.clone().into_iter(),
        index: 0,
        state: server.state().clone(),
        injected: 0,
    };
    let outcomes: Vec<_> = client
        .import_members(members, ImportOptions::default().concurrency(concurrency))
        .collect()
        .await;

    // One outcome per input, each index once, each carrying its own input.
    assert_eq!(outcomes.len(), BULK);
    let indexes: BTreeSet<usize> = outcomes.iter().map(|o| o.index).collect();
    assert_eq!(indexes, (0..BULK).collect());
    for o in &outcomes {
        assert_eq!(
            o.input, input[o.index],
            "outcome {} has another input",
            o.index
        );
    }

    let (mut imported, mut duplicates, mut validation, mut faulted) = (0, 0, 0, 0);
    let mut member_ids: BTreeSet<MemberId> = BTreeSet::new();
    for o in &outcomes {
        match &o.result {
            ImportResult::Imported(c) => {
                imported += 1;
                assert!(!c.is_duplicate());
                assert!(member_ids.insert(c.member_id));
            }
            ImportResult::Duplicate(c) => {
                duplicates += 1;
                assert!(c.is_duplicate());
                assert!(member_ids.insert(c.member_id));
            }
            ImportResult::Failed(err) => {
                let ctx = format!("bulk #{}", o.index);
                assert_error_has_no_token(&ctx, err);
                assert!(!err.to_string().is_empty(), "{ctx}: a reason");
                match err {
                    Error::Validation(_) => {
                        assert!(o.index == 50 || o.index == 150, "{ctx}: {err}");
                        validation += 1;
                    }
                    Error::Api(e) => {
                        assert!(
                            matches!(e.kind, ApiErrorKind::Server | ApiErrorKind::RateLimited),
                            "{ctx}: {e}"
                        );
                        faulted += 1;
                    }
                    Error::Transport { .. } | Error::Decode { .. } => faulted += 1,
                    other => panic!("{ctx}: unexpected error {other:?}"),
                }
            }
            other => panic!("unexpected result {other:?}"),
        }
    }
    assert_eq!(imported + duplicates + validation + faulted, BULK);
    assert_eq!(validation, 2);
    assert!(duplicates > 0, "the repeats were imported as duplicates");

    // Every failure from a fault matches a request that carried one, and nothing was sent
    // twice (imports are not retried).
    let requests: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::ImportMember))
        .collect();
    assert_eq!(requests.len(), BULK - validation);
    let with_fault = requests.iter().filter(|r| !r.faults.is_empty()).count();
    assert_eq!(faulted, with_fault);

    // Every imported or duplicate member is in the campaign.
    let listed: BTreeSet<MemberId> = client
        .list_contacts_by_campaign(campaign)
        .await
        .expect("list")
        .into_iter()
        .map(|c| c.member_id)
        .collect();
    assert!(member_ids.is_subset(&listed));
    (faulted, with_fault)
}

#[tokio::test]
async fn bulk_import_with_10_percent_failures_loses_no_member() {
    // One request at a time: each injected fault hits exactly the member it was injected
    // before, so exactly 20 of the 198 requests fail (10%).
    let (faulted, _) = bulk_import_loses_nothing(1).await;
    assert_eq!(faulted, 20);
}

#[tokio::test]
async fn bulk_import_concurrent_with_failures_loses_no_member() {
    // Eight at a time: the faults land on whichever requests arrive next; still one outcome
    // per member, and one failure per faulted request.
    let (faulted, with_fault) = bulk_import_loses_nothing(8).await;
    assert!(faulted > 0 && faulted <= 20, "{faulted}");
    assert_eq!(faulted, with_fault);
}

/// Keeps the generic helpers honest: a fault for another operation does not touch this one.
#[tokio::test]
async fn faults_apply_only_to_their_operation() {
    let server = server().await;
    server
        .inject(Fault::new(FaultKind::ServerError).for_operation(Operation::StartCampaign))
        .expect("inject");
    let client = client(&server);
    assert!(client.list_campaigns().await.is_ok());
    let result = client.start_campaign(DEMO_CAMPAIGN_EMPTY).await;
    let e = result.expect_err("500");
    assert_eq!(e.api_kind(), Some(ApiErrorKind::Server));
    assert_error_has_no_token("startCampaign", &e);
}
