//! Fault injection: misbehaviours the mock can be told to show, per operation, per path or
//! for every API request, once, `n` times or always.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What goes wrong.
///
/// In JSON (`POST /_mock/faults`) the variant is the `kind` field in snake case, next to its
/// own fields: `{"kind": "latency", "ms": 250}`, `{"kind": "too_many_requests",
/// "retry_after_secs": 2}`, `{"kind": "error_in_ok", "status": 404, "message": "Not found."}`.
///
/// Faults that answer instead of the handler ([`TooManyRequests`](Self::TooManyRequests),
/// [`ServerError`](Self::ServerError), [`BadGateway`](Self::BadGateway),
/// [`ConnectionReset`](Self::ConnectionReset), [`ErrorInOk`](Self::ErrorInOk)) leave the state
/// untouched. Faults that rewrite the response ([`TruncatedJson`](Self::TruncatedJson),
/// [`MalformedJson`](Self::MalformedJson), [`UnknownEnumValues`](Self::UnknownEnumValues),
/// [`ExtraFields`](Self::ExtraFields)) run the handler first, so its state change happens: the
/// client just cannot read (or fully understand) the answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultKind {
    /// Waits `ms` milliseconds before handling the request (combines with other faults).
    Latency {
        /// The added delay, in milliseconds.
        ms: u64,
    },
    /// HTTP 429 with a `Retry-After` header and a `StatusMessage` body.
    TooManyRequests {
        /// The `Retry-After` value, in seconds.
        #[serde(default = "one")]
        retry_after_secs: u64,
    },
    /// HTTP 500 with an HTML error page (`text/html`), as a crashed ASP.NET server answers.
    ServerError,
    /// HTTP 502 with a proxy's HTML page (`text/html`).
    BadGateway,
    /// The connection is dropped without a complete response: the body stream fails at once,
    /// so the server aborts the connection. Clients see a transport error.
    ConnectionReset,
    /// The handler's JSON response cut in half (a complete HTTP response whose body is
    /// truncated JSON).
    TruncatedJson,
    /// The handler's JSON response made invalid: a comma before its last closing bracket
    /// (`[1,2,]`), like the vendor's ListWebhooks sample.
    MalformedJson,
    /// HTTP 200 with an error `StatusMessage` body, `{"Status": status, "Message": message}`.
    ErrorInOk {
        /// The body's `Status` (default 404).
        #[serde(default = "not_found")]
        status: i32,
        /// The body's `Message` (default "Not found.").
        #[serde(default)]
        message: Option<String>,
    },
    /// Rewrites enum values in the handler's response to values the spec does not list:
    /// campaign `Status` becomes `CAMPAIGN_ARCHIVED`, account `Status` `ACCOUNT_SUSPENDED`,
    /// a member `Status` gains the name `MEMBER_SNOOZED`, and `RunOn` becomes 12.
    UnknownEnumValues,
    /// Adds fields the spec does not list to every object of the handler's response:
    /// `"MockExtraField": "added by salesflow-mock"` and `"MockExtraObject": {"Nested": 1}`.
    ExtraFields,
}

fn one() -> u64 {
    1
}

fn not_found() -> i32 {
    404
}

impl FaultKind {
    /// The kind's snake-case name, as in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Latency { .. } => "latency",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::ServerError => "server_error",
            Self::BadGateway => "bad_gateway",
            Self::ConnectionReset => "connection_reset",
            Self::TruncatedJson => "truncated_json",
            Self::MalformedJson => "malformed_json",
            Self::ErrorInOk { .. } => "error_in_ok",
            Self::UnknownEnumValues => "unknown_enum_values",
            Self::ExtraFields => "extra_fields",
        }
    }

    /// The answer given instead of the handler's, for the faults that short-circuit.
    pub(crate) fn short_circuit(&self) -> Option<Response> {
        match self {
            Self::TooManyRequests { retry_after_secs } => {
                let mut response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    axum::Json(json!({"Status": 429, "Message": "Too many requests."})),
                )
                    .into_response();
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                Some(response)
            }
            Self::ServerError => Some(html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!DOCTYPE html>\n<html><head><title>Runtime Error</title></head>\
                 <body><h1>Server Error in '/' Application.</h1>\
                 <p>An unhandled exception occurred during the execution of the current web \
                 request.</p></body></html>\n",
            )),
            Self::BadGateway => Some(html(
                StatusCode::BAD_GATEWAY,
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                 <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                 </body>\r\n</html>\r\n",
            )),
            Self::ConnectionReset => {
                let stream = futures_util::stream::iter([Err::<Bytes, std::io::Error>(
                    std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "salesflow-mock: injected connection reset",
                    ),
                )]);
                let mut response = Response::new(Body::from_stream(stream));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                Some(response)
            }
            Self::ErrorInOk { status, message } => Some(
                axum::Json(json!({
                    "Status": status,
                    "Message": message.clone().unwrap_or_else(|| "Not found.".into()),
                }))
                .into_response(),
            ),
            _ => None,
        }
    }

    /// Whether this fault rewrites the handler's response body.
    pub(crate) fn rewrites(&self) -> bool {
        matches!(
            self,
            Self::TruncatedJson | Self::MalformedJson | Self::UnknownEnumValues | Self::ExtraFields
        )
    }

    /// Rewrites a response body (JSON text) for the faults that do.
    pub(crate) fn rewrite(&self, body: Bytes) -> Bytes {
        match self {
            Self::TruncatedJson => {
                let keep = (body.len() / 2).min(body.len().saturating_sub(1));
                body.slice(..keep)
            }
            Self::MalformedJson => {
                let mut text = body.to_vec();
                match text.iter().rposition(|b| *b == b']' || *b == b'}') {
                    Some(pos) => text.insert(pos, b','),
                    None => text.extend_from_slice(b",}"),
                }
                Bytes::from(text)
            }
            Self::UnknownEnumValues | Self::ExtraFields => {
                let Ok(mut value) = serde_json::from_slice::<Value>(&body) else {
                    return body;
                };
                if *self == Self::UnknownEnumValues {
                    unknown_enums(&mut value);
                } else {
                    extra_fields(&mut value);
                }
                serde_json::to_vec(&value).map(Bytes::from).unwrap_or(body)
            }
            _ => body,
        }
    }
}

fn html(status: StatusCode, page: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

fn unknown_enums(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(unknown_enums),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), &*v) {
                    ("Status", Value::String(s)) if s.starts_with("CAMPAIGN_") => {
                        *v = Value::String("CAMPAIGN_ARCHIVED".into());
                    }
                    ("Status", Value::String(s)) if s.starts_with("ACCOUNT_") => {
                        *v = Value::String("ACCOUNT_SUSPENDED".into());
                    }
                    ("Status", Value::String(s)) if s.starts_with("MEMBER_") => {
                        *v = Value::String(format!("{s}, MEMBER_SNOOZED"));
                    }
                    ("RunOn", Value::Number(_)) => *v = json!(12),
                    _ => unknown_enums(v),
                }
            }
        }
        _ => {}
    }
}

fn extra_fields(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(extra_fields),
        Value::Object(map) => {
            map.values_mut().for_each(extra_fields);
            map.insert("MockExtraField".into(), json!("added by salesflow-mock"));
            map.insert("MockExtraObject".into(), json!({"Nested": 1}));
        }
        _ => {}
    }
}

/// A fault to inject: what goes wrong ([`FaultKind`]), for which requests, how many times.
///
/// Without [`operation`](Self::operation) or [`path`](Self::path) it applies to every
/// request under `/api`. Without [`times`](Self::times) it applies until removed.
///
/// ```
/// use salesflow_mock::{Fault, FaultKind};
///
/// let fault = Fault::new(FaultKind::ServerError).for_operation("startCampaign").once();
/// assert_eq!(
///     serde_json::to_value(&fault).unwrap(),
///     serde_json::json!({"kind": "server_error", "operation": "startCampaign", "times": 1}),
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fault {
    /// What goes wrong.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only requests of this operation: its `operationId` (`"listCampaigns"`) or generated
    /// method name (`"list_campaigns"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Only requests to this path, with or without the `/api` prefix, either concrete
    /// (`/members/46875434`) or a spec template (`/members/{memberId}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How many requests it applies to; `None` for all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

impl Fault {
    /// A fault of this kind for every API request, until removed.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            operation: None,
            path: None,
            times: None,
        }
    }

    /// Restricts it to one operation (`operationId` or generated method name).
    pub fn for_operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Restricts it to one path (concrete or template, with or without `/api`).
    pub fn for_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Applies it to the next matching request only.
    pub fn once(self) -> Self {
        self.times(1)
    }

    /// Applies it to the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Applies it to every matching request until removed (the default).
    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }

    /// Checks that the operation exists and `times` is not zero.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(op) = &self.operation {
            if salesflow_api::operations::find(op).is_none() {
                return Err(format!("unknown operation `{op}`"));
            }
        }
        if self.times == Some(0) {
            return Err("`times` must be at least 1 (omit it for always)".into());
        }
        Ok(())
    }

    /// Whether it applies to a request of `operation` (if resolved) at `path` (without `/api`).
    pub(crate) fn matches(
        &self,
        operation: Option<&salesflow_api::operations::Operation>,
        path: &str,
    ) -> bool {
        if let Some(wanted) = &self.operation {
            let Some(op) = operation else { return false };
            if op.id != wanted && op.rust_name != wanted {
                return false;
            }
        }
        if let Some(wanted) = &self.path {
            let wanted = strip_api(wanted);
            let template_match = operation.is_some_and(|op| op.path == wanted);
            if wanted != path && !template_match {
                return false;
            }
        }
        true
    }
}

/// An injected fault with its id and how many uses it has left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActiveFault {
    /// Its id, to remove it with `DELETE /_mock/faults/{id}` or
    /// [`MockState::remove_fault`](crate::MockState::remove_fault).
    pub id: u64,
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// Uses left; `None` for always.
    pub remaining: Option<u32>,
}

/// `path` without a leading `/api`.
pub(crate) fn strip_api(path: &str) -> &str {
    match path.strip_prefix("/api") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
        _ => path,
    }
}

/// The operation of the spec a request is for, by method and path (without `/api`).
pub(crate) fn operation_for(
    method: &str,
    path: &str,
) -> Option<&'static salesflow_api::operations::Operation> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let matching = |template: &str| {
        let t: Vec<&str> = template.split('/').collect();
        t.len() == segments.len()
            && t.iter()
                .zip(&segments)
                .all(|(t, s)| (t.starts_with('{') && t.ends_with('}')) || t == s)
    };
    // Static paths first: `/members/Import` must not be taken for `/members/{memberId}`.
    let ops = salesflow_api::operations::OPERATIONS;
    ops.iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method) && !op.path.contains('{'))
        .find(|op| matching(op.path))
        .or_else(|| {
            ops.iter()
                .filter(|op| op.method.eq_ignore_ascii_case(method))
                .find(|op| matching(op.path))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_resolve() {
        assert_eq!(
            operation_for("GET", "/members/Import").map(|o| o.id),
            Some("importMember")
        );
        assert_eq!(
            operation_for("GET", "/members/12").map(|o| o.id),
            Some("getContact")
        );
        assert_eq!(
            operation_for("POST", "/members/list-contacts").map(|o| o.id),
            Some("listContactsByPublicIdentifiers")
        );
        assert_eq!(operation_for("PUT", "/members/12"), None);
    }

    #[test]
    fn rewrites_break_json() {
        let body = Bytes::from_static(br#"[{"A":1}]"#);
        let truncated = FaultKind::TruncatedJson.rewrite(body.clone());
        assert!(serde_json::from_slice::<Value>(&truncated).is_err());
        let malformed = FaultKind::MalformedJson.rewrite(body);
        assert!(serde_json::from_slice::<Value>(&malformed).is_err());
    }

    #[test]
    fn fault_json_round_trips() {
        let fault: Fault = serde_json::from_value(
            json!({"kind": "latency", "ms": 5, "path": "/api/accounts/list"}),
        )
        .unwrap();
        assert_eq!(fault.kind, FaultKind::Latency { ms: 5 });
        assert!(fault.matches(None, "/accounts/list"));
        assert!(!fault.matches(None, "/webhooks/list"));
    }
}
