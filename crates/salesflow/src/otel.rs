//! OpenTelemetry trace context on every request (feature `opentelemetry`).
//!
//! With the feature on, every client sends the W3C `traceparent` (and `tracestate`) header
//! of the current `tracing` span's OpenTelemetry context, through the propagator installed
//! with `opentelemetry::global::set_text_map_propagator`; the spans themselves
//! (`salesflow.request`, one `salesflow.attempt` per attempt, with the OpenTelemetry HTTP
//! client field names) reach an exporter through a `tracing_opentelemetry` layer. See
//! `examples/opentelemetry.rs`.

use opentelemetry::propagation::Injector;
use salesflow_api::middleware::{HttpRequest, HttpService};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The layer [`ClientBuilder::build`](crate::ClientBuilder::build) puts outermost when the
/// feature is on: injects the current span's trace context into each request's headers.
#[derive(Clone, Copy, Debug, Default)]
pub struct TraceContextLayer;

impl tower::Layer<HttpService> for TraceContextLayer {
    type Service = HttpService;

    fn layer(&self, inner: HttpService) -> HttpService {
        HttpService::new(tower::util::MapRequest::new(inner, inject))
    }
}

struct Headers<'a>(&'a mut http::HeaderMap);

impl Injector for Headers<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(key.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            self.0.insert(name, value);
        }
    }
}

fn inject(mut request: HttpRequest) -> HttpRequest {
    let context = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&context, &mut Headers(request.headers_mut()));
    });
    request
}
