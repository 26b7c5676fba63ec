//! The mock's control routes, under `/_mock`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::{Fault, MockError, MockEvent, MockState, Seed};

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            format!("invalid JSON body: {e}"),
        ))
    })
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/requests", get(requests).delete(clear_requests))
        .route("/deliveries", get(deliveries).delete(clear_deliveries))
        .route("/reset", post(reset))
        .route("/events", post(event))
        .route("/members/{id}/mute", post(mute))
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

async fn reset(State(state): State<MockState>, RawQuery(q): RawQuery) -> Response {
    let params = crate::api::Params::parse(q.as_deref());
    let seed = match params_seed(&params) {
        Ok(seed) => seed,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    state.reset_to(seed.unwrap_or_else(|| state.seed()));
    StatusCode::NO_CONTENT.into_response()
}

fn params_seed(params: &crate::api::Params) -> Result<Option<Seed>, String> {
    params.get_raw("seed").map(str::parse).transpose()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventRequest {
    member_id: i64,
    event: MockEvent,
}

async fn event(State(state): State<MockState>, body: Bytes) -> Response {
    let request: EventRequest = match parse(&body) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    match crate::events::simulate(&state, request.member_id, request.event).await {
        Ok(outcome) => Json(outcome).into_response(),
        Err(e @ MockError::UnknownMember(_)) => error(StatusCode::NOT_FOUND, e.to_string()),
    }
}

#[derive(Deserialize)]
struct MuteRequest {
    #[serde(default = "yes")]
    muted: bool,
}

fn yes() -> bool {
    true
}

async fn mute(State(state): State<MockState>, Path(id): Path<i64>, body: Bytes) -> Response {
    let muted = if body.is_empty() {
        true
    } else {
        match parse::<MuteRequest>(&body) {
            Ok(r) => r.muted,
            Err(response) => return *response,
        }
    };
    match state.set_muted(id, muted) {
        Ok(()) => Json(json!({ "memberId": id, "muted": muted })).into_response(),
        Err(e) => error(StatusCode::NOT_FOUND, e.to_string()),
    }
}

async fn faults(State(state): State<MockState>) -> Response {
    Json(state.faults()).into_response()
}

async fn add_fault(State(state): State<MockState>, body: Bytes) -> Response {
    let fault: Fault = match parse(&body) {
        Ok(f) => f,
        Err(response) => return *response,
    };
    match state.inject(fault) {
        Ok(id) => (StatusCode::CREATED, Json(json!({ "id": id }))).into_response(),
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

async fn clear_faults(State(state): State<MockState>) -> StatusCode {
    state.clear_faults();
    StatusCode::NO_CONTENT
}

async fn remove_fault(State(state): State<MockState>, Path(id): Path<u64>) -> Response {
    if state.remove_fault(id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        error(StatusCode::NOT_FOUND, format!("fault {id} not found"))
    }
}
