//! The tracing spans: OpenTelemetry HTTP client field names, one span per attempt, and each
//! field recorded at most once per span (a retried call used to record `attempt` and `status`
//! twice in one span).

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::*;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A span's name and each field with the value it was given, in order.
type SpanRecord = (String, Vec<(String, String)>);

/// Every span, by id.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<HashMap<u64, SpanRecord>>>);

struct Collect<'a>(&'a mut Vec<(String, String)>);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl<S: tracing::Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Vec::new();
        attrs.record(&mut Collect(&mut fields));
        self.0
            .lock()
            .unwrap()
            .insert(id.into_u64(), (attrs.metadata().name().to_owned(), fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some((_, fields)) = self.0.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Collect(fields));
        }
    }
}

fn values<'a>(fields: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[tokio::test]
async fn a_retried_read_has_one_span_per_attempt_and_no_field_twice() {
    let spans = Spans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500).set_body_string("<html><title>Oops</title></html>"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    // A read is retried after a 500 (like after a 502).
    client(&server).list_campaigns().await.unwrap();
    assert_eq!(requests(&server).await.len(), 2);

    let spans = spans.0.lock().unwrap().clone();
    let requests: Vec<_> = spans
        .values()
        .filter(|(name, _)| name == "salesflow.request")
        .collect();
    let attempts: Vec<_> = spans
        .values()
        .filter(|(name, _)| name == "salesflow.attempt")
        .collect();
    assert_eq!(requests.len(), 1);
    assert_eq!(attempts.len(), 2);
    for (name, fields) in spans.values() {
        let mut seen = std::collections::BTreeSet::new();
        for (field, _) in fields {
            assert!(
                seen.insert(field),
                "{name}: `{field}` recorded twice: {fields:?}"
            );
        }
    }
    let request = &requests[0].1;
    assert_eq!(
        values(request, "salesflow.operation"),
        ["\"listCampaigns\""]
    );
    assert_eq!(values(request, "http.response.status_code"), ["200"]);
    assert_eq!(values(request, "salesflow.attempts"), ["2"]);
    assert_eq!(
        values(request, "salesflow.account_id"),
        [ACCOUNT.to_string()]
    );

    let mut statuses: Vec<&str> = attempts
        .iter()
        .flat_map(|(_, f)| values(f, "http.response.status_code"))
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["200", "500"]);
    let failed = attempts
        .iter()
        .find(|(_, f)| values(f, "http.response.status_code") == ["500"])
        .unwrap();
    assert_eq!(values(&failed.1, "error.type"), ["\"500\""]);
    // The first attempt is not a resend: no resend count at all.
    assert!(values(&failed.1, "http.request.resend_count").is_empty());
    for (_, fields) in &attempts {
        assert_eq!(values(fields, "http.request.method"), ["\"GET\""]);
        assert_eq!(
            values(fields, "url.path"),
            ["\"/api/campaigns/list-campaigns\""]
        );
        assert_eq!(values(fields, "server.address"), ["\"127.0.0.1\""]);
        assert_eq!(
            values(fields, "url.template"),
            ["\"/campaigns/list-campaigns\""]
        );
        assert!(fields.iter().all(|(_, v)| !v.contains(TOKEN)));
    }
    let resent = attempts
        .iter()
        .filter(|(_, f)| values(f, "http.request.resend_count") == ["1"])
        .count();
    assert_eq!(resent, 1);
}

#[tokio::test]
async fn a_transport_failure_or_a_timeout_names_its_cause_in_error_type() {
    let spans = Spans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));

    let mock = salesflow_mock::MockServer::start().await.unwrap();
    mock.inject(
        salesflow_mock::Fault::new(salesflow_mock::FaultKind::ConnectionReset)
            .for_operation(salesflow::Operation::ListCampaigns),
    )
    .unwrap();
    let client = salesflow::Client::builder()
        .token(salesflow_mock::DEMO_TOKEN)
        .account_id(salesflow_mock::DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .retry_policy(salesflow::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert_eq!(
        err.transport_cause(),
        Some(salesflow::TransportCause::ConnectionReset),
        "{err:?}"
    );
    // A timeout, the other cause a span must tell apart from a failed connection.
    mock.inject(
        salesflow_mock::Fault::new(salesflow_mock::FaultKind::Latency { ms: 5_000 })
            .for_operation(salesflow::Operation::ListWebhooks),
    )
    .unwrap();
    let err = client
        .list_webhooks()
        .timeout(std::time::Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // And three connections that fail before any answer: a port nothing listens on (any
    // more), a host name that does not resolve (`.invalid` never does), TLS spoken to a
    // server that answers in plain HTTP.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    for (base_url, cause) in [
        (
            format!("http://{closed}/api"),
            salesflow::TransportCause::ConnectionRefused,
        ),
        (
            "http://salesflow-sdk-test.invalid/api".to_owned(),
            salesflow::TransportCause::Dns,
        ),
        (
            mock.base_url().replacen("http://", "https://", 1),
            salesflow::TransportCause::Tls,
        ),
    ] {
        let failing = salesflow::Client::builder()
            .token(salesflow_mock::DEMO_TOKEN)
            .account_id(salesflow_mock::DEMO_ACCOUNT_ID)
            .base_url(base_url)
            .retry_policy(salesflow::RetryPolicy::none())
            .build()
            .unwrap();
        let err = failing.list_campaigns().await.unwrap_err();
        assert_eq!(err.transport_cause(), Some(cause), "{err:?}");
    }

    let spans = spans.0.lock().unwrap().clone();
    let mut error_types: Vec<_> = spans
        .values()
        .filter(|(name, _)| name == "salesflow.attempt")
        .map(|(_, fields)| values(fields, "error.type"))
        .collect();
    error_types.sort();
    let expected = [
        "\"connection_refused\"",
        "\"connection_reset\"",
        "\"dns\"",
        "\"timeout\"",
        "\"tls\"",
    ];
    assert_eq!(error_types, expected.map(|t| [t]));
}
