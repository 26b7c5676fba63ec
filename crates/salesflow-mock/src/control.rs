//! The mock's control routes, under `/_mock` (listed on [`MockServer`](crate::MockServer)).
//!
//! One casing: every JSON key of the control API is snake_case. The only PascalCase keys are
//! the vendor's own records carried inside it (a webhook payload in a delivery, a member's
//! fields in a patch), which keep the vendor's names.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use salesflow_webhook_types::{CampaignId, MemberId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Fault, FaultId, MockError, MockEvent, MockState, Seed};

/// A control route's error: `{"error": "..."}`.
#[derive(Serialize)]
struct ErrorBody {
    error: String,
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        error: message.into(),
    };
    (status, Json(body)).into_response()
}

fn mock_error(e: &MockError) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    error(status, e.to_string())
}

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            format!("invalid JSON body: {e}"),
        ))
    })
}

fn parse_id<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, Box<Response>> {
    raw.parse().map_err(|_| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            format!("invalid {what} `{raw}`: expected an integer"),
        ))
    })
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/requests", get(requests).delete(clear_requests))
        .route("/deliveries", get(deliveries).delete(clear_deliveries))
        .route("/reset", post(reset))
        .route("/events", post(event))
        .route("/members", post(add_member))
        .route("/members/{member_id}", axum::routing::patch(patch_member))
        .route("/members/{member_id}/mute", post(mute))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/faults/{id}", delete(remove_fault))
}

async fn requests(State(state): State<MockState>) -> Response {
    Json(state.requests()).into_response()
}

async fn clear_requests(State(state): State<MockState>) -> StatusCode {
    state.clear_requests();
    StatusCode::NO_CONTENT
}

async fn deliveries(State(state): State<MockState>) -> Response {
    Json(state.deliveries()).into_response()
}

async fn clear_deliveries(State(state): State<MockState>) -> StatusCode {
    state.clear_deliveries();
    StatusCode::NO_CONTENT
}

/// The query of `POST /_mock/reset`.
#[derive(Deserialize)]
struct ResetQuery {
    seed: Option<String>,
}

async fn reset(State(state): State<MockState>, RawQuery(q): RawQuery) -> Response {
    let query: ResetQuery = match serde_urlencoded::from_str(q.as_deref().unwrap_or_default()) {
        Ok(query) => query,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let seed = match query.seed.as_deref().map(str::parse::<Seed>).transpose() {
        Ok(seed) => seed,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    state.reset_to(seed.unwrap_or_else(|| state.seed()));
    StatusCode::NO_CONTENT.into_response()
}

/// The body of `POST /_mock/events`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRequest {
    member_id: MemberId,
    event: MockEvent,
}

async fn event(State(state): State<MockState>, body: Bytes) -> Response {
    let request: EventRequest = match parse(&body) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    match crate::events::simulate(&state, request.member_id, request.event).await {
        Ok(outcome) => Json(outcome).into_response(),
        Err(e) => mock_error(&e),
    }
}

/// The body of `POST /_mock/members/{member_id}/mute` (optional; `muted` defaults to true).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MuteRequest {
    #[serde(default = "yes")]
    muted: bool,
}

fn yes() -> bool {
    true
}

/// The answer of `POST /_mock/members/{member_id}/mute`.
#[derive(Serialize)]
struct MuteAnswer {
    member_id: MemberId,
    muted: bool,
}

async fn mute(State(state): State<MockState>, Path(id): Path<String>, body: Bytes) -> Response {
    let member_id = match parse_id::<MemberId>(&id, "member id") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let muted = if body.is_empty() {
        true
    } else {
        match parse::<MuteRequest>(&body) {
            Ok(r) => r.muted,
            Err(response) => return *response,
        }
    };
    match state.set_muted(member_id, muted) {
        Ok(()) => Json(MuteAnswer { member_id, muted }).into_response(),
        Err(e) => mock_error(&e),
    }
}

/// The body of `POST /_mock/members`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMember {
    campaign_id: CampaignId,
    public_identifier: String,
    #[serde(default)]
    fields: Map<String, Value>,
}

async fn add_member(State(state): State<MockState>, body: Bytes) -> Response {
    let new: NewMember = match parse(&body) {
        Ok(new) => new,
        Err(response) => return *response,
    };
    let added = state
        .add_member(new.campaign_id, &new.public_identifier, new.fields)
        .and_then(|id| {
            state.with_world(|w| {
                w.any_member(id)
                    .map(|m| m.details.clone())
                    .ok_or(MockError::UnknownMember(id))
            })
        });
    match added {
        Ok(details) => (StatusCode::CREATED, Json(details)).into_response(),
        Err(e) => mock_error(&e),
    }
}

async fn patch_member(
    State(state): State<MockState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let member_id = match parse_id::<MemberId>(&id, "member id") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let patch: Map<String, Value> = match parse(&body) {
        Ok(patch) => patch,
        Err(response) => return *response,
    };
    let patched = state.with_world(|w| {
        w.patch_member(member_id, patch, chrono::Utc::now())?;
        w.any_member(member_id)
            .map(|m| m.details.clone())
            .ok_or(MockError::UnknownMember(member_id))
    });
    match patched {
        Ok(details) => Json(details).into_response(),
        Err(e) => mock_error(&e),
    }
}

async fn faults(State(state): State<MockState>) -> Response {
    Json(state.faults()).into_response()
}

/// The answer of `POST /_mock/faults`.
#[derive(Serialize)]
struct FaultCreated {
    id: FaultId,
}

async fn add_fault(State(state): State<MockState>, body: Bytes) -> Response {
    let fault: Fault = match parse(&body) {
        Ok(f) => f,
        Err(response) => return *response,
    };
    match state.inject(fault) {
        Ok(id) => (StatusCode::CREATED, Json(FaultCreated { id })).into_response(),
        Err(e) => mock_error(&e),
    }
}

async fn clear_faults(State(state): State<MockState>) -> StatusCode {
    state.clear_faults();
    StatusCode::NO_CONTENT
}

async fn remove_fault(State(state): State<MockState>, Path(id): Path<String>) -> Response {
    let id = match parse_id::<FaultId>(&id, "fault id") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    if state.remove_fault(id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        error(StatusCode::NOT_FOUND, format!("fault {id} not found"))
    }
}
