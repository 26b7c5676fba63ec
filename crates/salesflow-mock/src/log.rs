//! The request log, and the middleware that records requests and applies injected faults.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{OriginalUri, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use salesflow_api::operations::Operation;

use crate::api::ApiError;
use crate::faults::{operation_for, strip_api};
use crate::MockState;

/// The largest request or response body the middleware reads.
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// One request the mock received under `/api`, as recorded in the request log.
///
/// The `token` query parameter's value is replaced by `REDACTED`; nothing else is changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// When it arrived.
    pub at: DateTime<Utc>,
    /// The HTTP method, e.g. `"GET"`.
    pub method: String,
    /// The `Host` header: which host the client meant (one mock stands for both vendor
    /// hosts, so this is `127.0.0.1:PORT` unless the client sent another name).
    pub host: Option<String>,
    /// The path, with the `/api` prefix, e.g. `"/api/members/46875434"`.
    pub path: String,
    /// The query string (still percent-encoded), with `token=REDACTED`; `None` if there was
    /// none.
    pub query: Option<String>,
    /// The operation of the spec the request was routed to, if any (in JSON its
    /// `operationId`, e.g. `"listCampaigns"`).
    pub operation: Option<Operation>,
    /// The body, if it was JSON.
    pub body: Option<Value>,
    /// The body as text, if it was not empty and not JSON.
    pub body_text: Option<String>,
    /// The HTTP status of the response.
    pub status: u16,
    /// The kinds of the injected faults applied to it (see [`crate::FaultKind::name`]).
    pub faults: Vec<String>,
    /// The client's address (IP and port) on the connection the request came on: requests
    /// with the same `peer` shared one connection. `None` when the router is served without
    /// connection info (see [`MockServer`](crate::MockServer), which always gives it).
    pub peer: Option<std::net::SocketAddr>,
}

/// Replaces the value of every `token` parameter with `REDACTED`.
pub(crate) fn redact_query(query: &str) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if k == "token" {
            out.append_pair(&k, "REDACTED");
        } else {
            out.append_pair(&k, &v);
        }
    }
    out.finish()
}

/// Records the request and applies the injected faults that match it.
pub(crate) async fn record_and_inject(
    State(state): State<MockState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let at = Utc::now();
    let method = parts.method.to_string();
    // Under `Router::nest` the URI lost its `/api` prefix; the original one has it.
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map(|o| o.0.clone())
        .unwrap_or_else(|| parts.uri.clone());
    let path = uri.path().to_string();
    let query = uri.query().map(redact_query);
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let operation = operation_for(&method, strip_api(&path));
    let mut record = RecordedRequest {
        at,
        method,
        host,
        path,
        query,
        operation,
        body: None,
        body_text: None,
        status: 0,
        faults: Vec::new(),
        peer: parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0),
    };
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let response = ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            )
            .into_response();
            record.status = response.status().as_u16();
            state.push_request(record);
            return response;
        }
    };
    if !bytes.is_empty() {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(json) => record.body = Some(json),
            Err(_) => record.body_text = Some(String::from_utf8_lossy(&bytes).into_owned()),
        }
    }

    let faults = state.take_faults(operation, strip_api(&record.path));
    record.faults = faults.iter().map(|k| k.name().to_string()).collect();
    let delay: u64 = faults
        .iter()
        .map(|f| match f {
            crate::FaultKind::Latency { ms } => *ms,
            _ => 0,
        })
        .sum();
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }

    let response = match faults.iter().find_map(|f| f.short_circuit()) {
        Some(response) => response,
        None => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let rewrites: Vec<_> = faults.iter().filter(|f| f.rewrites()).collect();
            if rewrites.is_empty() {
                response
            } else {
                let (mut parts, body) = response.into_parts();
                let mut body = to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
                for fault in rewrites {
                    body = fault.rewrite(body);
                }
                parts.headers.remove(header::CONTENT_LENGTH);
                Response::from_parts(parts, Body::from(body))
            }
        }
    };
    record.status = response.status().as_u16();
    state.push_request(record);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_redacted() {
        assert_eq!(
            redact_query("accountId=321&token=s3cret&campaignId=1"),
            "accountId=321&token=REDACTED&campaignId=1"
        );
        assert_eq!(
            redact_query("token=a&token=b"),
            "token=REDACTED&token=REDACTED"
        );
    }
}
