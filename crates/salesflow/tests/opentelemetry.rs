//! Feature `opentelemetry`: the spans reach an OpenTelemetry exporter with the HTTP client
//! conventions' attributes, and every request carries the W3C trace context of its span.

mod common;

use common::*;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn spans_are_exported_and_the_trace_context_is_sent() {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    client(&server).list_campaigns().await.unwrap();
    provider.force_flush().unwrap();

    let spans = exporter.get_finished_spans().unwrap();
    let attempt = spans
        .iter()
        .find(|s| s.name == "GET /campaigns/list-campaigns")
        .unwrap_or_else(|| panic!("{:#?}", spans.iter().map(|s| &s.name).collect::<Vec<_>>()));
    assert_eq!(attempt.span_kind, opentelemetry::trace::SpanKind::Client);
    let attr = |key: &str| {
        attempt
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.to_string())
    };
    assert_eq!(attr("http.request.method").as_deref(), Some("GET"));
    assert_eq!(
        attr("url.path").as_deref(),
        Some("/api/campaigns/list-campaigns")
    );
    assert_eq!(attr("server.address").as_deref(), Some("127.0.0.1"));
    assert_eq!(attr("http.response.status_code").as_deref(), Some("200"));
    assert!(attempt
        .attributes
        .iter()
        .all(|kv| !kv.value.to_string().contains(TOKEN)));
    let request = spans
        .iter()
        .find(|s| s.name == "listCampaigns")
        .expect("the call's span");
    assert_eq!(attempt.parent_span_id, request.span_context.span_id());

    // The request carried the attempt span's context.
    let sent = &requests(&server).await[0];
    let traceparent = sent.headers["traceparent"].to_str().unwrap().to_owned();
    let trace_id = attempt.span_context.trace_id().to_string();
    let span_id = attempt.span_context.span_id().to_string();
    assert_eq!(traceparent, format!("00-{trace_id}-{span_id}-01"));
}
