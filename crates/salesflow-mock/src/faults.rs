//! Fault injection: misbehaviours the mock can be told to show, per operation, per path or
//! for every API request, once, `n` times or always.

use std::fmt;
use std::num::ParseIntError;
use std::str::FromStr;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use salesflow_api::operations::Operation;
use salesflow_api::types::StatusMessage;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::MockError;

/// The id of an injected fault: what [`MockState::inject`](crate::MockState::inject) and
/// `POST /_mock/faults` answer, and what removes it
/// ([`MockState::remove_fault`](crate::MockState::remove_fault),
/// `DELETE /_mock/faults/{id}`). In JSON, a plain integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FaultId(u64);

impl FaultId {
    /// The id with this integer value.
    pub const fn new(value: u64) -> Self {
        Self(value)
    }

    /// The integer value.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for FaultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Parses the decimal integer.
impl FromStr for FaultId {
    type Err = ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// A `StatusMessage` body under `status`.
fn status_response(status: StatusCode, body_status: i32, message: String) -> Response {
    let mut body = StatusMessage::default();
    body.status = body_status;
    body.message = Some(message);
    (status, axum::Json(body)).into_response()
}

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
    /// a member `Status` gains the name `MEMBER_SNOOZED`, and `RunOn` becomes 9999.
    UnknownEnumValues,
    /// Adds fields the spec does not list to every object of the handler's response:
    /// `"MockExtraField": "added by salesflow-mock"` and `"MockExtraObject": {"Nested": 1}`.
    ExtraFields,
    /// The drift mode: the API as a later version of the vendor's might answer, to rehearse
    /// drift reports (`salesflow::Client::drift`) and `cargo xtask drift`. Every object of the
    /// handler's response gains the fields of [`DRIFT_FIELDS`] (a string that looks like
    /// personal data, an integer, a number, a boolean); a campaign's `Status` becomes
    /// `CAMPAIGN_ARCHIVED` and an account's `ACCOUNT_SUSPENDED`. While a drift fault is
    /// active (whatever its operation or path), simulated events' webhook payloads gain the
    /// same fields. Everything it adds can be described by a spec edit, so once
    /// `cargo xtask drift` proposed it and the SDK was regenerated, nothing is unknown any more.
    Drift,
}

/// The fields the [drift mode](FaultKind::Drift) adds to every object, name and value:
/// `"DriftNote": "Jane Drift, jane.drift@example.com, +1 555 0100"` (a string that looks like
/// personal data), `"DriftCount": 3`, `"DriftScore": 0.5`, `"DriftFlag": true`.
pub const DRIFT_FIELDS: [(&str, DriftValue); 4] = [
    (
        "DriftNote",
        DriftValue::Text("Jane Drift, jane.drift@example.com, +1 555 0100"),
    ),
    ("DriftCount", DriftValue::Integer(3)),
    ("DriftScore", DriftValue::Number(0.5)),
    ("DriftFlag", DriftValue::Boolean(true)),
];

/// A value of [`DRIFT_FIELDS`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum DriftValue {
    /// A string.
    Text(&'static str),
    /// An integer.
    Integer(i64),
    /// A number with a fraction.
    Number(f64),
    /// A boolean.
    Boolean(bool),
}

impl DriftValue {
    fn to_json(self) -> Value {
        match self {
            Self::Text(t) => json!(t),
            Self::Integer(i) => json!(i),
            Self::Number(n) => json!(n),
            Self::Boolean(b) => json!(b),
        }
    }
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
            Self::Drift => "drift",
        }
    }

    /// The answer given instead of the handler's, for the faults that short-circuit.
    pub(crate) fn short_circuit(&self) -> Option<Response> {
        match self {
            Self::TooManyRequests { retry_after_secs } => {
                let mut response = status_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    429,
                    "Too many requests.".into(),
                );
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
            Self::ErrorInOk { status, message } => Some(status_response(
                StatusCode::OK,
                *status,
                message.clone().unwrap_or_else(|| "Not found.".into()),
            )),
            _ => None,
        }
    }

    /// Whether this fault rewrites the handler's response body.
    pub(crate) fn rewrites(&self) -> bool {
        matches!(
            self,
            Self::TruncatedJson
                | Self::MalformedJson
                | Self::UnknownEnumValues
                | Self::ExtraFields
                | Self::Drift
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
            Self::UnknownEnumValues | Self::ExtraFields | Self::Drift => {
                let Ok(mut value) = serde_json::from_slice::<Value>(&body) else {
                    return body;
                };
                match self {
                    Self::UnknownEnumValues => unknown_enums(&mut value),
                    Self::ExtraFields => extra_fields(&mut value),
                    _ => drift(&mut value),
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

/// Calls `f` on every JSON object in `value`, each after the objects inside it.
fn each_object(value: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| each_object(v, f)),
        Value::Object(map) => {
            map.values_mut().for_each(|v| each_object(v, f));
            f(map);
        }
        _ => {}
    }
}

/// A campaign's or an account's `Status` as one the SDK does not know, for the field `key`
/// holding `value`; `None` for any other field.
fn unknown_status(key: &str, value: &Value) -> Option<Value> {
    match (key, value) {
        ("Status", Value::String(s)) if s.starts_with("CAMPAIGN_") => {
            Some(json!("CAMPAIGN_ARCHIVED"))
        }
        ("Status", Value::String(s)) if s.starts_with("ACCOUNT_") => {
            Some(json!("ACCOUNT_SUSPENDED"))
        }
        _ => None,
    }
}

fn unknown_enums(value: &mut Value) {
    each_object(value, &mut |map| {
        for (key, v) in map.iter_mut() {
            let unknown = unknown_status(key, v).or_else(|| match (key.as_str(), &*v) {
                ("Status", Value::String(s)) if s.starts_with("MEMBER_") => {
                    Some(Value::String(format!("{s}, MEMBER_SNOOZED")))
                }
                ("RunOn", Value::Number(_)) => Some(json!(9999)),
                _ => None,
            });
            if let Some(unknown) = unknown {
                *v = unknown;
            }
        }
    });
}

fn extra_fields(value: &mut Value) {
    each_object(value, &mut |map| {
        map.insert("MockExtraField".into(), json!("added by salesflow-mock"));
        map.insert("MockExtraObject".into(), json!({"Nested": 1}));
    });
}

/// What the [drift mode](FaultKind::Drift) does to a response or payload.
pub(crate) fn drift(value: &mut Value) {
    each_object(value, &mut |map| {
        for (key, v) in map.iter_mut() {
            if let Some(unknown) = unknown_status(key, v) {
                *v = unknown;
            }
        }
        for (name, value) in DRIFT_FIELDS {
            map.insert(name.into(), value.to_json());
        }
    });
}

/// A fault to inject: what goes wrong ([`FaultKind`]), for which requests, how many times.
///
/// Without [`operation`](Self::operation) or [`path`](Self::path) it applies to every
/// request under `/api`. Without [`times`](Self::times) it applies until removed.
///
/// An operation is an [`Operation`] of the spec. In JSON (`POST /_mock/faults`) it is the
/// spec's `operationId` (`"startCampaign"`; the generated method name, `"start_campaign"`,
/// is read too): [`Operation::ALL`] lists them all, and `Operation::id` gives each name.
/// An unknown name is refused when the fault is decoded.
///
/// ```
/// use salesflow_api::Operation;
/// use salesflow_mock::{Fault, FaultKind};
///
/// let fault = Fault::new(FaultKind::ServerError)
///     .for_operation(Operation::StartCampaign)
///     .once();
/// assert_eq!(
///     serde_json::to_value(&fault)?,
///     serde_json::json!({"kind": "server_error", "operation": "startCampaign", "times": 1}),
/// );
/// let names: Vec<&str> = Operation::ALL.iter().map(|op| op.id()).collect();
/// assert!(names.contains(&"listCampaigns"));
/// let unknown = r#"{"kind": "bad_gateway", "operation": "noSuchOp"}"#;
/// assert!(serde_json::from_str::<Fault>(unknown).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fault {
    /// What goes wrong.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only requests of this operation (in JSON its `operationId`, `"listCampaigns"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Operation>,
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

    /// Restricts it to one operation.
    pub fn for_operation(mut self, operation: Operation) -> Self {
        self.operation = Some(operation);
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

    /// Checks that `times` is not zero.
    pub(crate) fn validate(&self) -> Result<(), MockError> {
        if self.times == Some(0) {
            return Err(MockError::FaultNeverApplies);
        }
        Ok(())
    }

    /// Whether it applies to a request of `operation` (if resolved) at `path` (without `/api`).
    pub(crate) fn matches(&self, operation: Option<Operation>, path: &str) -> bool {
        if self.operation.is_some() && self.operation != operation {
            return false;
        }
        if let Some(wanted) = &self.path {
            let wanted = strip_api(wanted);
            let template_match = operation.is_some_and(|op| op.path() == wanted);
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
    pub id: FaultId,
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

/// The operation of the spec a request is for, by method and path (without `/api`): the
/// operation of [`Operation::ALL`] whose method is `method` and whose path template matches
/// `path`, a template without parameters winning (`/members/Import` is ImportMember, not
/// GetContact of member "Import").
pub(crate) fn operation_for(method: &str, path: &str) -> Option<Operation> {
    let path = path.strip_suffix('/').unwrap_or(path);
    let matches = |op: &Operation| {
        op.method().eq_ignore_ascii_case(method) && {
            let mut template = op.path().split('/');
            let mut segments = path.split('/');
            loop {
                match (template.next(), segments.next()) {
                    (None, None) => break true,
                    (Some(t), Some(s)) if t == s || (t.starts_with('{') && t.ends_with('}')) => {}
                    _ => break false,
                }
            }
        }
    };
    let mut candidates = Operation::ALL.iter().copied().filter(matches);
    candidates
        .clone()
        .find(|op| !op.path().contains('{'))
        .or_else(|| candidates.next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_resolve() {
        assert_eq!(
            operation_for("GET", "/members/Import"),
            Some(Operation::ImportMember)
        );
        assert_eq!(
            operation_for("GET", "/members/12"),
            Some(Operation::GetContact)
        );
        assert_eq!(
            operation_for("delete", "/members/12/"),
            Some(Operation::DeleteContact)
        );
        assert_eq!(
            operation_for("POST", "/members/list-contacts"),
            Some(Operation::ListContactsByPublicIdentifiers)
        );
        assert_eq!(operation_for("PUT", "/members/12"), None);
        assert_eq!(operation_for("GET", "/members/12/x"), None);
        assert_eq!(operation_for("GET", "/"), None);
    }

    #[test]
    fn every_operation_resolves_from_its_own_method_and_path() {
        for op in Operation::ALL {
            let concrete: Vec<&str> = op
                .path()
                .split('/')
                .map(|s| if s.starts_with('{') { "46875434" } else { s })
                .collect();
            let concrete = concrete.join("/");
            assert_eq!(operation_for(op.method(), &concrete), Some(*op), "{op}");
        }
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

        let text = json!({"kind": "server_error", "operation": "list_webhooks", "times": 2});
        let fault: Fault = serde_json::from_value(text).unwrap();
        assert_eq!(fault.operation, Some(Operation::ListWebhooks));
        assert_eq!(
            serde_json::to_value(&fault).unwrap(),
            json!({"kind": "server_error", "operation": "listWebhooks", "times": 2})
        );
        assert!(fault.matches(Some(Operation::ListWebhooks), "/webhooks/list"));
        assert!(!fault.matches(Some(Operation::ListCampaigns), "/campaigns/list-campaigns"));
        assert!(!fault.matches(None, "/webhooks/list"));
        let by_template = Fault::new(FaultKind::ServerError).for_path("/api/members/{memberId}");
        assert!(by_template.matches(Some(Operation::DeleteContact), "/members/1"));
        assert!(!by_template.matches(None, "/members/1"));
    }
}
