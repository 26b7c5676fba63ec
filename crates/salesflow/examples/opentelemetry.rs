//! Exports the SDK's spans with OpenTelemetry (to stdout here; use an OTLP exporter in a
//! service), and propagates the W3C trace context to the API. Needs the `opentelemetry`
//! feature: `cargo run -p salesflow --features opentelemetry --example opentelemetry`.
//!
//! Each call is a `salesflow.request` span (named after the operationId) with one child
//! client span per attempt (`GET /campaigns/list-campaigns`), carrying the OpenTelemetry HTTP
//! client attributes: `http.request.method`, `server.address`, `url.path` (never the token,
//! which travels in the query), `http.response.status_code`, `error.type`.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use salesflow::Client;
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};
use tracing_subscriber::layer::SubscriberExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(opentelemetry_stdout::SpanExporter::default())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("salesflow-example")));
    tracing::subscriber::set_global_default(subscriber)?;

    let mock = MockServer::start_with(Seed::Demo).await?;
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .build()?;
    for campaign in client.list_campaigns().await? {
        client.get_campaign_statistics(campaign.campaign_id).await?;
    }
    let traceparent = mock
        .requests()
        .first()
        .map(|r| r.path.clone())
        .unwrap_or_default();
    println!("calls traced; first request: {traceparent}");
    provider.shutdown()?;
    Ok(())
}
