//! The 16 operations of the spec, served under `/api`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use salesflow_api::types::{
    Account, Campaign, CampaignStatistics, Contact, ContactDetails, CreateWebhookRequest,
    ListContactsRequest, UpdateContactRequest, Webhook, WebhookCampaign,
};
use salesflow_webhook_types::{
    CampaignStatus, DotNetDate, FlexibleDate, MemberFlags, MemberStatus, RunOn,
};
use serde_json::{json, Value};

use crate::world::{public_identifier_of, MemberRec, World};
use crate::MockState;

/// An error answered with the vendor's `StatusMessage` body and the same HTTP status.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "Invalid token/account.")
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "Status": self.status.as_u16(), "Message": self.message });
        (self.status, Json(body)).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// A `StatusMessage` body under HTTP 200, with `Message` written even when null.
fn status_message(status: u16, message: Option<&str>) -> Response {
    Json(json!({ "Status": status, "Message": message })).into_response()
}

/// Serializes `value` and adds `null` for each of `keys` the serializer left out (the vendor
/// writes nulls; the generated types skip `None`).
fn with_nulls<T: serde::Serialize>(value: &T, keys: &[&str]) -> Value {
    let mut json = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut json {
        for key in keys {
            map.entry(key.to_string()).or_insert(Value::Null);
        }
    }
    json
}

const CONTACT_NULLABLE: &[&str] = &[
    "FirstName",
    "LastName",
    "Location",
    "Occupation",
    "Industry",
    "Email",
    "Phone",
    "Company",
];

/// The query string, decoded; the first value of a repeated name wins.
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let mut map = HashMap::new();
        for (k, v) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
        }
        Self(map)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub(crate) fn get_raw(&self, name: &str) -> Option<&str> {
        self.get(name)
    }

    fn required_str(&self, name: &str) -> Result<&str, ApiError> {
        match self.get(name) {
            None => Err(ApiError::bad_request(format!(
                "The query parameter '{name}' is required."
            ))),
            Some("") => Err(ApiError::bad_request(format!(
                "The query parameter '{name}' must not be empty."
            ))),
            Some(v) => Ok(v),
        }
    }

    fn required_i64(&self, name: &str) -> Result<i64, ApiError> {
        let raw = self.required_str(name)?;
        raw.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "The query parameter '{name}' must be a 64-bit integer."
            ))
        })
    }

    fn optional_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::bad_request(format!(
                "The query parameter '{name}' must be `true` or `false`."
            ))),
        }
    }

    fn optional_date(&self, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => raw
                .parse::<FlexibleDate>()
                .map(|d| Some(d.to_utc()))
                .map_err(|e| {
                    ApiError::bad_request(format!("The query parameter '{name}' is invalid: {e}"))
                }),
        }
    }

    fn optional_string(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_string)
    }
}

/// Checks the `token`/`accountId` pair and returns the account id.
fn authenticate(state: &MockState, params: &Params) -> Result<i64, ApiError> {
    let token = params.get("token").ok_or_else(ApiError::forbidden)?;
    let account_id: i64 = params
        .get("accountId")
        .and_then(|a| a.parse().ok())
        .ok_or_else(ApiError::forbidden)?;
    if state.with_world(|w| w.reaches(token, account_id)) {
        Ok(account_id)
    } else {
        Err(ApiError::forbidden())
    }
}

fn parse_member_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::bad_request("The path parameter 'memberId' must be a 64-bit integer.")
    })
}

/// Parses a JSON body; an empty or non-JSON body is a 400.
fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request("A JSON request body is required."));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}")))
}

/// The `EmptyBody` of the spec: exactly `{}`.
fn empty_body(body: &Bytes) -> Result<(), ApiError> {
    match json_body(body)? {
        Value::Object(map) if map.is_empty() => Ok(()),
        _ => Err(ApiError::bad_request(
            "The request body must be an empty JSON object, {}.",
        )),
    }
}

fn campaign_not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("Campaign {id} not found."))
}

fn member_not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("Member {id} not found."))
}

fn contact_of(m: &MemberRec, with_identifier: bool) -> Contact {
    Contact {
        added_at: Some(FlexibleDate::from(m.added_at)),
        company: m.company.clone(),
        email: m.email.clone(),
        first_name: m.first_name.clone(),
        industry: m.industry.clone(),
        last_modified_at: Some(FlexibleDate::from(m.last_modified_at)),
        last_name: m.last_name.clone(),
        location: m.location.clone(),
        member_id: m.id,
        member_url: Some(m.member_url.clone()),
        occupation: m.occupation.clone(),
        phone: m.phone.clone(),
        public_identifier: with_identifier.then(|| m.public_identifier.clone()),
    }
}

fn contact_json(m: &MemberRec, with_identifier: bool) -> Value {
    let mut value = with_nulls(&contact_of(m, with_identifier), CONTACT_NULLABLE);
    if with_identifier {
        if let Value::Object(map) = &mut value {
            map.entry("PublicIdentifier").or_insert(Value::Null);
        }
    }
    value
}

fn details_json(world: &World, m: &MemberRec) -> Value {
    let campaign = m.campaign_id.and_then(|id| world.campaigns.get(&id));
    let details = ContactDetails {
        added_at: Some(FlexibleDate::from(m.added_at)),
        campaign_id: m.campaign_id,
        campaign_name: campaign.map(|c| c.name.clone()),
        company: m.company.clone(),
        email: m.email.clone(),
        first_name: m.first_name.clone(),
        industry: m.industry.clone(),
        last_modified_at: Some(FlexibleDate::from(m.last_modified_at)),
        last_name: m.last_name.clone(),
        location: m.location.clone(),
        member_id: m.id,
        member_url: Some(m.member_url.clone()),
        occupation: m.occupation.clone(),
        phone: m.phone.clone(),
        public_identifier: Some(m.public_identifier.clone()),
        status: Some(MemberStatus::from_flags(m.status)),
    };
    let mut keys = CONTACT_NULLABLE.to_vec();
    keys.extend(["CampaignId", "CampaignName"]);
    with_nulls(&details, &keys)
}

fn campaign_json(c: &crate::world::CampaignRec) -> Value {
    serde_json::to_value(Campaign {
        campaign_id: c.id,
        campaign_name: Some(c.name.clone()),
        last_modified_at: Some(FlexibleDate::from(c.last_modified_at)),
        status: Some(c.status.clone()),
    })
    .unwrap_or(Value::Null)
}

fn webhook_json(world: &World, w: &crate::world::WebhookRec) -> Value {
    let attached: Vec<WebhookCampaign> = world
        .attachments
        .values()
        .filter(|a| a.webhook_id == w.id)
        .map(|a| WebhookCampaign {
            campaign_id: a.campaign_id,
            run_on: a.run_on,
            webhook_campaign_id: a.id,
        })
        .collect();
    let webhook = Webhook {
        attached_webhook_campaigns: Some(attached),
        disable_for_muted_contacts: w.disable_for_muted,
        name: Some(w.name.clone()),
        url: Some(w.url.clone()),
        webhook_id: w.id,
    };
    with_nulls(&webhook, &["DisableForMutedContacts"])
}

/// The router of the 16 operations, to be nested under `/api`.
pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route(
            "/statistics/GetCampaignStatistics",
            get(get_campaign_statistics),
        )
        .route("/members/Import", get(import_member))
        .route(
            "/members/list-contacts",
            get(list_contacts_by_campaign).post(list_contacts_by_identifiers),
        )
        .route(
            "/members/{memberId}",
            get(get_contact).post(update_contact).delete(delete_contact),
        )
        .route("/members", get(get_contact_by_identifier))
        .route("/campaigns/list-campaigns", get(list_campaigns))
        .route("/campaigns/start", post(start_campaign))
        .route("/accounts/list", get(list_accounts))
        .route("/webhooks/create", post(create_webhook))
        .route("/webhooks/delete", delete(delete_webhook))
        .route("/webhooks/list", get(list_webhooks))
        .route("/webhooks/attach", post(attach_webhook))
        .route("/webhooks/detach", post(detach_webhook))
}

async fn get_campaign_statistics(
    State(state): State<MockState>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let campaign_id = params.required_i64("campaignId")?;
    params.optional_bool("isForceRequest")?;
    state.with_world(|w| {
        w.campaign(account, campaign_id)
            .ok_or_else(|| campaign_not_found(campaign_id))?;
        let members: Vec<&MemberRec> = w
            .members
            .values()
            .filter(|m| m.campaign_id == Some(campaign_id))
            .collect();
        let count =
            |flag: MemberFlags| members.iter().filter(|m| m.status.contains(flag)).count() as i64;
        let replies = members.iter().filter(|m| m.has_reply).count() as i64;
        let stats = CampaignStatistics {
            campaign_id,
            connections: count(MemberFlags::CONNECTED),
            elapsed: 0.0042,
            imported: count(MemberFlags::IMPORTED),
            in_mails: 0,
            invitations: count(MemberFlags::INVITATION_SENT),
            messages: replies,
            pending: count(MemberFlags::PENDING),
            replies,
            total: members.len() as i64,
            updated_at: DotNetDate::from(Utc::now()),
            withdrawn: count(MemberFlags::INVITATION_WITHDRAWN),
        };
        Ok(Json(stats).into_response())
    })
}

async fn import_member(State(state): State<MockState>, RawQuery(q): RawQuery) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let campaign_id = params.required_i64("campaignId")?;
    let url = params.required_str("linkedInUrl")?.to_string();
    // The spec takes any non-empty string; a URL with no `/in/<slug>` (or no path at all) is
    // its own identity, so importing it twice is still a duplicate.
    let identifier = public_identifier_of(&url).unwrap_or_else(|| url.clone());
    let mut custom: [Option<String>; 10] = Default::default();
    for (i, slot) in custom.iter_mut().enumerate() {
        *slot = params.optional_string(&format!("custom{}", i + 1));
    }
    state.with_world(|w| {
        w.campaign(account, campaign_id)
            .ok_or_else(|| campaign_not_found(campaign_id))?;
        let now = Utc::now();
        let original = w.member_by_identifier(account, &identifier).cloned();
        let id = w.next_member_id();
        let member = match original {
            // The vendor flags a re-import instead of failing; the original is kept.
            Some(original) => MemberRec {
                id,
                campaign_id: Some(campaign_id),
                status: MemberFlags::IMPORTED | MemberFlags::DUPLICATE,
                added_at: now,
                last_modified_at: now,
                connected_at: None,
                has_reply: false,
                ..original
            },
            None => MemberRec {
                id,
                account_id: account,
                campaign_id: Some(campaign_id),
                first_name: params.optional_string("firstName"),
                last_name: params.optional_string("lastName"),
                location: params.optional_string("location"),
                occupation: params.optional_string("occupation"),
                public_identifier: identifier.clone(),
                member_url: format!("https://linkedin.com/in/{identifier}"),
                status: MemberFlags::IMPORTED,
                added_at: now,
                last_modified_at: now,
                custom,
                ..MemberRec::default()
            },
        };
        let mut body = contact_json(&member, true);
        if let Value::Object(map) = &mut body {
            // Not in the spec's Contact (extra properties are allowed): lets a client see
            // the MEMBER_DUPLICATE flag of a re-import.
            map.insert(
                "Status".into(),
                Value::String(MemberStatus::from_flags(member.status).to_string()),
            );
        }
        w.insert_member(member);
        if let Some(c) = w.campaigns.get_mut(&campaign_id) {
            c.last_modified_at = now;
        }
        Ok(Json(body).into_response())
    })
}

async fn get_contact(
    State(state): State<MockState>,
    Path(member_id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let member_id = parse_member_id(&member_id)?;
    state.with_world(|w| {
        let m = w
            .member(account, member_id)
            .ok_or_else(|| member_not_found(member_id))?;
        Ok(Json(details_json(w, m)).into_response())
    })
}

/// UpdateContact's body: field names are matched case-insensitively (as the vendor's server
/// does), then checked against the spec's `UpdateContactRequest`.
fn update_request(body: &Bytes) -> Result<UpdateContactRequest, ApiError> {
    const NAMES: [&str; 7] = [
        "firstName",
        "lastName",
        "location",
        "occupation",
        "industry",
        "email",
        "phone",
    ];
    let Value::Object(map) = json_body(body)? else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    let mut normalized = serde_json::Map::new();
    for (key, value) in map {
        let Some(name) = NAMES.iter().find(|n| n.eq_ignore_ascii_case(&key)) else {
            return Err(ApiError::bad_request(format!("Unknown field '{key}'.")));
        };
        if !value.is_string() {
            return Err(ApiError::bad_request(format!(
                "Field '{key}' must be a string."
            )));
        }
        normalized.insert((*name).to_string(), value);
    }
    serde_json::from_value(Value::Object(normalized))
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))
}

async fn update_contact(
    State(state): State<MockState>,
    Path(member_id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let member_id = parse_member_id(&member_id)?;
    let update = update_request(&body)?;
    state.with_world(|w| {
        w.member(account, member_id)
            .ok_or_else(|| member_not_found(member_id))?;
        let m = w
            .members
            .get_mut(&member_id)
            .ok_or_else(|| member_not_found(member_id))?;
        let set = |slot: &mut Option<String>, value: Option<String>| {
            if let Some(v) = value {
                *slot = Some(v);
            }
        };
        set(&mut m.first_name, update.first_name.map(String::from));
        set(&mut m.last_name, update.last_name.map(String::from));
        set(&mut m.location, update.location.map(String::from));
        set(&mut m.occupation, update.occupation.map(String::from));
        set(&mut m.industry, update.industry.map(String::from));
        set(&mut m.email, update.email.map(String::from));
        set(&mut m.phone, update.phone.map(String::from));
        m.last_modified_at = Utc::now();
        Ok(Json(contact_json(m, true)).into_response())
    })
}

async fn delete_contact(
    State(state): State<MockState>,
    Path(member_id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let member_id = parse_member_id(&member_id)?;
    state.with_world(|w| {
        w.member(account, member_id)
            .ok_or_else(|| member_not_found(member_id))?;
        w.remove_member(member_id);
        Ok(status_message(204, None))
    })
}

async fn get_contact_by_identifier(
    State(state): State<MockState>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let identifier = params.required_str("publicIdentifier")?;
    state.with_world(|w| {
        let m = w
            .member_by_identifier(account, identifier)
            .ok_or_else(|| ApiError::not_found(format!("Member '{identifier}' not found.")))?;
        Ok(Json(contact_json(m, true)).into_response())
    })
}

async fn list_contacts_by_campaign(
    State(state): State<MockState>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let campaign_id = params.required_i64("campaignId")?;
    let since = params.optional_date("updatedFromDate")?;
    state.with_world(|w| {
        w.campaign(account, campaign_id)
            .ok_or_else(|| campaign_not_found(campaign_id))?;
        let items: Vec<Value> = w
            .members
            .values()
            .filter(|m| m.campaign_id == Some(campaign_id))
            .filter(|m| since.is_none_or(|s| m.last_modified_at >= s))
            .map(|m| contact_json(m, false))
            .collect();
        Ok(Json(items).into_response())
    })
}

async fn list_contacts_by_identifiers(
    State(state): State<MockState>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let body = json_body(&body)?;
    // The SDK's date type also reads epoch milliseconds; the API takes a string (or null).
    if body
        .get("UpdatedFromDate")
        .is_some_and(|d| !d.is_string() && !d.is_null())
    {
        return Err(ApiError::bad_request(
            "UpdatedFromDate must be an ISO 8601 date string.",
        ));
    }
    let request: ListContactsRequest = serde_json::from_value(body)
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
    if request.public_identifiers.is_empty() {
        return Err(ApiError::bad_request(
            "PublicIdentifiers can't be null or empty.",
        ));
    }
    if request.public_identifiers.len() > 20 {
        return Err(ApiError::bad_request(
            "PublicIdentifiers can't have more than 20 elements.",
        ));
    }
    let since = request.updated_from_date.map(|d| d.to_utc());
    state.with_world(|w| {
        let mut items = Vec::new();
        for identifier in &request.public_identifiers {
            if let Some(m) = w.member_by_identifier(account, identifier) {
                if since.is_none_or(|s| m.last_modified_at >= s)
                    && !items.iter().any(|(id, _)| *id == m.id)
                {
                    items.push((m.id, contact_json(m, true)));
                }
            }
        }
        let items: Vec<Value> = items.into_iter().map(|(_, v)| v).collect();
        Ok(Json(items).into_response())
    })
}

async fn list_campaigns(State(state): State<MockState>, RawQuery(q): RawQuery) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let since = params.optional_date("updatedFromDate")?;
    state.with_world(|w| {
        let items: Vec<Value> = w
            .campaigns
            .values()
            .filter(|c| c.account_id == account)
            .filter(|c| since.is_none_or(|s| c.last_modified_at >= s))
            .map(campaign_json)
            .collect();
        Ok(Json(items).into_response())
    })
}

async fn start_campaign(
    State(state): State<MockState>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let campaign_id = params.required_i64("campaignId")?;
    empty_body(&body)?;
    state.with_world(|w| {
        let campaign = w
            .campaign(account, campaign_id)
            .ok_or_else(|| ApiError::not_found("Campaign not found."))?;
        if campaign.status == CampaignStatus::Running {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "Campaign is already running.",
            ));
        }
        let blocked = w
            .accounts
            .get(&account)
            .is_some_and(|a| a.status == salesflow_webhook_types::AccountStatus::Blocked);
        if blocked {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Account is blocked.",
            ));
        }
        let has_members = w.members.values().any(|m| {
            m.campaign_id == Some(campaign_id) && !m.status.contains(MemberFlags::DUPLICATE)
        });
        if !has_members {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Campaign has no members.",
            ));
        }
        if let Some(c) = w.campaigns.get_mut(&campaign_id) {
            c.status = CampaignStatus::Running;
            c.last_modified_at = Utc::now();
        }
        Ok(status_message(200, Some("Campaign has been started.")))
    })
}

async fn list_accounts(State(state): State<MockState>, RawQuery(q): RawQuery) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let token = params.get("token").ok_or_else(ApiError::forbidden)?;
    state.with_world(|w| {
        let ids = w.tokens.get(token).ok_or_else(ApiError::forbidden)?;
        let items: Vec<Account> = ids
            .iter()
            .filter_map(|id| w.accounts.get(id))
            .map(|a| Account {
                account_email: Some(a.email.clone()),
                account_id: a.id,
                status: Some(a.status.clone()),
                user_db_id: Some(a.user_db_id),
                user_email: Some(a.user_email.clone()),
            })
            .collect();
        Ok(Json(items).into_response())
    })
}

async fn create_webhook(
    State(state): State<MockState>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let request: CreateWebhookRequest = serde_json::from_value(json_body(&body)?)
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
    state.with_world(|w| {
        let id = w.next_webhook_id();
        let webhook = crate::world::WebhookRec {
            id,
            account_id: account,
            name: request.name.to_string(),
            url: request.url.to_string(),
            disable_for_muted: request.disable_for_muted_contacts,
        };
        let body = webhook_json(w, &webhook);
        w.webhooks.insert(id, webhook);
        Ok(Json(body).into_response())
    })
}

async fn delete_webhook(State(state): State<MockState>, RawQuery(q): RawQuery) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let webhook_id = params.required_i64("webhookId")?;
    state.with_world(|w| {
        w.webhook(account, webhook_id)
            .ok_or_else(|| ApiError::not_found(format!("Webhook {webhook_id} not found.")))?;
        w.webhooks.remove(&webhook_id);
        w.attachments.retain(|_, a| a.webhook_id != webhook_id);
        Ok(status_message(204, None))
    })
}

async fn list_webhooks(State(state): State<MockState>, RawQuery(q): RawQuery) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    state.with_world(|w| {
        let items: Vec<Value> = w
            .webhooks
            .values()
            .filter(|h| h.account_id == account)
            .map(|h| webhook_json(w, h))
            .collect();
        Ok(Json(items).into_response())
    })
}

async fn attach_webhook(
    State(state): State<MockState>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let webhook_id = params.required_i64("webhookId")?;
    let campaign_id = params.required_i64("campaignId")?;
    let run_on = RunOn::from(params.required_i64("runOn")?);
    if run_on.is_unknown() {
        return Err(ApiError::bad_request(
            "The query parameter 'runOn' must be 1, 2 or 7.",
        ));
    }
    empty_body(&body)?;
    state.with_world(|w| {
        w.webhook(account, webhook_id)
            .ok_or_else(|| ApiError::not_found(format!("Webhook {webhook_id} not found.")))?;
        w.campaign(account, campaign_id)
            .ok_or_else(|| campaign_not_found(campaign_id))?;
        let existing: Vec<RunOn> = w
            .attachments
            .values()
            .filter(|a| a.webhook_id == webhook_id && a.campaign_id == campaign_id)
            .map(|a| a.run_on)
            .collect();
        if existing.contains(&run_on) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!(
                    "Webhook {webhook_id} is already attached to campaign {campaign_id} for runOn {}.",
                    run_on.code()
                ),
            ));
        }
        if existing.len() >= 3 {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "A webhook can be attached to a campaign at most three times.",
            ));
        }
        let id = w.next_attachment_id();
        w.attachments.insert(
            id,
            crate::world::AttachmentRec {
                id,
                webhook_id,
                campaign_id,
                run_on,
            },
        );
        Ok(Json(WebhookCampaign {
            campaign_id,
            run_on,
            webhook_campaign_id: id,
        })
        .into_response())
    })
}

async fn detach_webhook(
    State(state): State<MockState>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    let params = Params::parse(q.as_deref());
    let account = authenticate(&state, &params)?;
    let attachment_id = params.required_i64("webhookCampaignId")?;
    empty_body(&body)?;
    state.with_world(|w| {
        let owned = w.attachments.get(&attachment_id).is_some_and(|a| {
            w.webhooks
                .get(&a.webhook_id)
                .is_some_and(|h| h.account_id == account)
        });
        if !owned {
            return Err(ApiError::not_found(format!(
                "Webhook attachment {attachment_id} not found."
            )));
        }
        w.attachments.remove(&attachment_id);
        Ok(status_message(204, None))
    })
}
