//! Every operation of the spec, served under `/api`.
//!
//! The routes come from [`Operation::ALL`]: each operation's method and path are the spec's
//! (`Operation::method`, `Operation::path`), and [`handler`] picks its handler with one
//! exhaustive `match`, so an operation added to the spec does not compile here until it has
//! one. Every request is received through the spec's generated wire types ([`Request`] over
//! `salesflow_api::params`), and every answer is a generated type of the spec, serialized:
//! no parameter or field is named here by its wire name.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Json, Router};
use chrono::Utc;
use salesflow_api::operations::Operation;
use salesflow_api::params::{self, ApiKeys, Params};
use salesflow_api::types::{CampaignStatistics, Contact, ContactDetails, StatusMessage};
use salesflow_webhook_types::{
    field_names, AccountId, CampaignId, CampaignStatus, DotNetDate, MemberFlags, MemberId,
    MemberStatus, RunOn,
};
use serde_json::Value;

use crate::world::{attachment, merge_fields, public_identifier_of, Member, WebhookEntry};
use crate::MockState;

/// The routes of every operation of the spec, to be nested under `/api`.
pub(crate) fn routes() -> Router<MockState> {
    Operation::ALL
        .iter()
        .fold(Router::new(), |router, &op| match method_filter(op) {
            Some(filter) => router.route(op.path(), handler(op, filter)),
            None => {
                // Only a method outside HTTP's standard ones gets here, which OpenAPI does
                // not allow; `tests::every_operation_has_a_route` guards it.
                tracing::error!("salesflow-mock cannot route {op}: method {}", op.method());
                router
            }
        })
}

/// The axum filter of the operation's method.
fn method_filter(op: Operation) -> Option<MethodFilter> {
    let method = Method::from_bytes(op.method().as_bytes()).ok()?;
    MethodFilter::try_from(method).ok()
}

/// The handler of each operation, for its method. Exhaustive on purpose (no `_` arm): an
/// operation added to the spec is a compile error here until it has a handler.
fn handler(op: Operation, filter: MethodFilter) -> MethodRouter<MockState> {
    match op {
        Operation::GetCampaignStatistics => on(filter, get_campaign_statistics),
        Operation::ImportMember => on(filter, import_member),
        Operation::GetContact => on(filter, get_contact),
        Operation::UpdateContact => on(filter, update_contact),
        Operation::DeleteContact => on(filter, delete_contact),
        Operation::GetContactByPublicIdentifier => on(filter, get_contact_by_public_identifier),
        Operation::ListContactsByCampaign => on(filter, list_contacts_by_campaign),
        Operation::ListContactsByPublicIdentifiers => {
            on(filter, list_contacts_by_public_identifiers)
        }
        Operation::ListCampaigns => on(filter, list_campaigns),
        Operation::StartCampaign => on(filter, start_campaign),
        Operation::ListAccounts => on(filter, list_accounts),
        Operation::CreateWebhook => on(filter, create_webhook),
        Operation::DeleteWebhook => on(filter, delete_webhook),
        Operation::ListWebhooks => on(filter, list_webhooks),
        Operation::AttachWebhook => on(filter, attach_webhook),
        Operation::DetachWebhook => on(filter, detach_webhook),
    }
}

/// The vendor's `StatusMessage` body.
fn status_message(status: u16, message: Option<String>) -> StatusMessage {
    let mut body = StatusMessage::default();
    body.status = i32::from(status);
    body.message = message;
    body
}

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
        let body = status_message(self.status.as_u16(), Some(self.message));
        (self.status, Json(body)).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// A success: `body` as JSON under HTTP 200.
fn ok(body: impl serde::Serialize) -> ApiResult {
    Ok(Json(body).into_response())
}

/// A request of one operation, received through the spec's generated wire types: the path
/// and query parameters in `P` (`salesflow_api::params`), the JSON body in `P::Body`, and the
/// API keys checked. Nothing here names a parameter: a parameter or body field added to the
/// spec is received as soon as the code is regenerated.
///
/// Checked in this order, each failure answered at once: the API keys (403, before anything
/// else), the path and query parameters (400), the body (400: missing, not JSON, not the
/// operation's type, a string property the spec types as a string in another JSON type, an
/// array outside the spec's `minItems`/`maxItems`).
pub(crate) struct Request<P: Params> {
    /// The path and query parameters.
    pub(crate) params: P,
    /// The body (`()` for an operation without one).
    pub(crate) body: P::Body,
    /// The account the keys reach (`None` only for the operation that takes no account).
    account: Option<AccountId>,
    /// The token.
    pub(crate) token: String,
}

impl<P: Params> Request<P> {
    /// The account the request is for.
    pub(crate) fn account(&self) -> AccountId {
        self.account.unwrap_or_default()
    }
}

impl<P> FromRequest<MockState> for Request<P>
where
    P: Params + Send,
    P::Body: Send,
{
    type Rejection = ApiError;

    async fn from_request(
        request: axum::extract::Request,
        state: &MockState,
    ) -> Result<Self, ApiError> {
        let (mut parts, body) = request.into_parts();
        // The first value of a repeated query name wins; path parameters win over the query.
        let mut seen = BTreeSet::new();
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Ok(path) = RawPathParams::from_request_parts(&mut parts, state).await {
            for (name, value) in &path {
                if seen.insert(name.to_owned()) {
                    pairs.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        let query = parts.uri.query().unwrap_or_default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if seen.insert(name.to_string()) {
                pairs.push((name.into_owned(), value.into_owned()));
            }
        }
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish();

        let keys: ApiKeys = serde_urlencoded::from_str(&form).unwrap_or_default();
        let (token, account) = authenticate(state, P::OPERATION, keys)?;
        let params: P = serde_urlencoded::from_str(&form).map_err(|e| {
            ApiError::bad_request(format!("Invalid path or query parameters: {e}."))
        })?;
        let body = if P::HAS_BODY {
            let bytes = Bytes::from_request(axum::extract::Request::from_parts(parts, body), state)
                .await
                .map_err(|e| ApiError::bad_request(format!("Unreadable request body: {e}.")))?;
            typed_body::<P>(&bytes)?
        } else {
            serde_json::from_value(Value::Null).map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("no body type: {e}"),
                )
            })?
        };
        Ok(Request {
            params,
            body,
            account,
            token,
        })
    }
}

/// Checks the API keys for `op`: the token must be known, and reach the account unless `op`
/// takes none. Returns the token and the account.
fn authenticate(
    state: &MockState,
    op: Operation,
    keys: ApiKeys,
) -> Result<(String, Option<AccountId>), ApiError> {
    let token = keys.token.ok_or_else(ApiError::forbidden)?;
    if !op.needs_account_id() {
        return if state.with_world(|w| w.tokens.contains_key(&token)) {
            Ok((token, None))
        } else {
            Err(ApiError::forbidden())
        };
    }
    let account: AccountId = keys
        .account_id
        .and_then(|a| a.parse().ok())
        .ok_or_else(ApiError::forbidden)?;
    if state.with_world(|w| w.reaches(&token, account)) {
        Ok((token, Some(account)))
    } else {
        Err(ApiError::forbidden())
    }
}

/// The body of an operation: a JSON object whose keys are matched to the body type's field
/// names ignoring ASCII case (as the vendor's server does; a key the type does not name is
/// left for the type to accept or refuse), then decoded into the type, which checks the
/// spec's types, lengths and patterns. What the type reads more leniently than the spec
/// (a date also reads a number) and the array lengths are checked from the spec too.
fn typed_body<P: Params>(body: &Bytes) -> Result<P::Body, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request("A JSON request body is required."));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    // The names are read from the generated type rather than kept here by hand.
    let names = field_names::<P::Body>().unwrap_or_default();
    let mut normalized = serde_json::Map::new();
    for (key, value) in map {
        let name = names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(&key))
            .map_or(key, |n| (*n).to_owned());
        normalized.insert(name, value);
    }
    for (name, nullable) in P::BODY_STRINGS {
        match normalized.get(*name) {
            None | Some(Value::String(_)) => {}
            Some(Value::Null) if *nullable => {}
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "`{name}` must be a string{}.",
                    if *nullable { " or null" } else { "" }
                )))
            }
        }
    }
    for (name, min, max) in P::BODY_ITEMS {
        let Some(Value::Array(items)) = normalized.get(*name) else {
            continue;
        };
        let n = items.len() as u64;
        if min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max) {
            return Err(ApiError::bad_request(format!(
                "`{name}` must have {} items, not {n}.",
                match (min, max) {
                    (Some(min), Some(max)) => format!("{min} to {max}"),
                    (Some(min), None) => format!("at least {min}"),
                    (None, Some(max)) => format!("at most {max}"),
                    (None, None) => "any number of".to_owned(),
                }
            )));
        }
    }
    serde_json::from_value(Value::Object(normalized))
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))
}

/// `value` (a request's parameters or body, serialized with the names on the wire) as a JSON
/// object, without the fields left out.
fn fields_of(value: &impl serde::Serialize) -> serde_json::Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => serde_json::Map::new(),
    }
}

fn campaign_not_found(id: CampaignId) -> ApiError {
    ApiError::not_found(format!("Campaign {id} not found."))
}

fn member_not_found(id: MemberId) -> ApiError {
    ApiError::not_found(format!("Member {id} not found."))
}

/// A member as the operations answering `Contact` serve it.
fn contact(m: &Member) -> Contact {
    Contact::from(m.details.clone())
}

/// A member as ListContacts (by campaignId) serves it: without `PublicIdentifier`.
fn contact_in_campaign_list(m: &Member) -> Contact {
    let mut contact = contact(m);
    contact.public_identifier = None;
    contact
}

async fn get_campaign_statistics(
    State(state): State<MockState>,
    req: Request<params::GetCampaignStatistics>,
) -> ApiResult {
    let account = req.account();
    let campaign_id = req.params.campaign_id;
    state.with_world(|w| {
        w.campaign(account, campaign_id)
            .ok_or_else(|| campaign_not_found(campaign_id))?;
        let members: Vec<&Member> = w
            .members()
            .filter(|m| m.campaign_id() == Some(campaign_id))
            .collect();
        let count = |flag: MemberFlags| {
            let n = members.iter().filter(|m| m.flags().contains(flag)).count();
            i64::try_from(n).unwrap_or(i64::MAX)
        };
        let total = i64::try_from(members.len()).unwrap_or(i64::MAX);
        let replies = members.iter().filter(|m| m.has_reply).count();
        let replies = i64::try_from(replies).unwrap_or(i64::MAX);
        let mut stats = CampaignStatistics::default();
        stats.campaign_id = campaign_id;
        stats.connections = count(MemberFlags::CONNECTED);
        stats.elapsed = 0.0042;
        stats.imported = count(MemberFlags::IMPORTED);
        stats.in_mails = 0;
        stats.invitations = count(MemberFlags::INVITATION_SENT);
        stats.messages = replies;
        stats.pending = count(MemberFlags::PENDING);
        stats.replies = replies;
        stats.total = total;
        stats.updated_at = DotNetDate::from(Utc::now());
        stats.withdrawn = count(MemberFlags::INVITATION_WITHDRAWN);
        ok(stats)
    })
}

/// Every parameter the member record has a field for (names matched ignoring case, as the
/// vendor's server does) is stored on the new member: a parameter added to the spec that the
/// contact also has is stored and served with no change here.
async fn import_member(
    State(state): State<MockState>,
    req: Request<params::ImportMember>,
) -> ApiResult {
    let account = req.account();
    let p = req.params;
    let campaign_id = p.campaign_id;
    let url: String = p.linked_in_url.to_string();
    // The spec takes any non-empty string; a URL with no `/in/<slug>` (or no path at all) is
    // its own identity, so importing it twice is still a duplicate.
    let identifier = public_identifier_of(&url).unwrap_or_else(|| url.clone());
    let fields = fields_of(&p);
    // The payload's `Custom1`..`Custom10` (the mock's webhook events send them).
    let custom = [
        p.custom1.map(String::from),
        p.custom2.map(String::from),
        p.custom3.map(String::from),
        p.custom4.map(String::from),
        p.custom5.map(String::from),
        p.custom6.map(String::from),
        p.custom7.map(String::from),
        p.custom8.map(String::from),
        p.custom9.map(String::from),
        p.custom10.map(String::from),
    ];
    state.with_world(|w| {
        let campaign_name = w
            .campaign(account, campaign_id)
            .ok_or_else(|| campaign_not_found(campaign_id))?
            .campaign
            .campaign_name
            .clone();
        let now = Utc::now();
        let id = w.next_member_id();
        // The duplicate check is an index lookup (by account and public identifier), not a
        // scan of the members.
        let member = match w.original_member(account, &identifier) {
            // The vendor flags a re-import instead of failing; the original is kept.
            Some(original) => {
                let mut member = original.clone();
                member.details.member_id = id;
                member.set_flags(MemberFlags::IMPORTED | MemberFlags::DUPLICATE);
                member.connected_at = None;
                member.has_reply = false;
                member
            }
            None => {
                let mut details = merge_fields(&ContactDetails::default(), &fields)
                    .map_err(|e| ApiError::bad_request(format!("Invalid member: {e}")))?;
                details.member_id = id;
                details.member_url = Some(format!("https://linkedin.com/in/{identifier}"));
                details.public_identifier = Some(identifier);
                details.status = Some(MemberStatus::from_flags(MemberFlags::IMPORTED));
                Member {
                    details,
                    account_id: account,
                    muted: false,
                    has_reply: false,
                    connected_at: None,
                    custom,
                }
            }
        };
        let mut member = member;
        member.details.campaign_id = Some(campaign_id);
        member.details.campaign_name = campaign_name;
        member.details.added_at = Some(now.into());
        member.touch(now);
        let body = member.details.clone();
        w.insert_member(member);
        if let Some(c) = w.campaigns.get_mut(&campaign_id) {
            c.touch(now);
        }
        ok(body)
    })
}

async fn get_contact(
    State(state): State<MockState>,
    req: Request<params::GetContact>,
) -> ApiResult {
    let account = req.account();
    let member_id = req.params.member_id;
    state.with_world(|w| {
        let m = w
            .member(account, member_id)
            .ok_or_else(|| member_not_found(member_id))?;
        ok(&m.details)
    })
}

/// Every field of the body is stored on the member (names matched ignoring case, as the
/// vendor's server does), so a request field added to the spec that the contact also has is
/// stored and served back with no change here.
async fn update_contact(
    State(state): State<MockState>,
    req: Request<params::UpdateContact>,
) -> ApiResult {
    let account = req.account();
    let member_id = req.params.member_id;
    let fields = fields_of(&req.body);
    state.with_world(|w| {
        let current = w
            .member(account, member_id)
            .ok_or_else(|| member_not_found(member_id))?;
        let details = merge_fields(&current.details, &fields)
            .map_err(|e| ApiError::bad_request(format!("Invalid update: {e}")))?;
        let updated = w.update_member(member_id, |m| {
            m.details = details;
            m.touch(Utc::now());
            contact(m)
        });
        updated.map_or_else(|| Err(member_not_found(member_id)), ok)
    })
}

async fn delete_contact(
    State(state): State<MockState>,
    req: Request<params::DeleteContact>,
) -> ApiResult {
    let account = req.account();
    let member_id = req.params.member_id;
    state.with_world(|w| {
        w.member(account, member_id)
            .ok_or_else(|| member_not_found(member_id))?;
        w.remove_member(member_id);
        ok(status_message(204, None))
    })
}

async fn get_contact_by_public_identifier(
    State(state): State<MockState>,
    req: Request<params::GetContactByPublicIdentifier>,
) -> ApiResult {
    let account = req.account();
    let identifier: &str = &req.params.public_identifier;
    state.with_world(|w| {
        let m = w
            .original_member(account, identifier)
            .ok_or_else(|| ApiError::not_found(format!("Member '{identifier}' not found.")))?;
        ok(contact(m))
    })
}

async fn list_contacts_by_campaign(
    State(state): State<MockState>,
    req: Request<params::ListContactsByCampaign>,
) -> ApiResult {
    let account = req.account();
    let campaign_id = req.params.campaign_id;
    let since = req.params.updated_from_date.map(|d| d.to_utc());
    state.with_world(|w| {
        w.campaign(account, campaign_id)
            .ok_or_else(|| campaign_not_found(campaign_id))?;
        let items: Vec<Contact> = w
            .members()
            .filter(|m| m.campaign_id() == Some(campaign_id) && m.changed_since(since))
            .map(contact_in_campaign_list)
            .collect();
        ok(items)
    })
}

async fn list_contacts_by_public_identifiers(
    State(state): State<MockState>,
    req: Request<params::ListContactsByPublicIdentifiers>,
) -> ApiResult {
    let account = req.account();
    let request = req.body;
    let since = request.updated_from_date.map(|d| d.to_utc());
    state.with_world(|w| {
        let mut items: Vec<Contact> = Vec::new();
        for identifier in &request.public_identifiers {
            let Some(m) = w.original_member(account, identifier) else {
                continue;
            };
            if m.changed_since(since) && !items.iter().any(|c| c.member_id == m.id()) {
                items.push(contact(m));
            }
        }
        ok(items)
    })
}

async fn list_campaigns(
    State(state): State<MockState>,
    req: Request<params::ListCampaigns>,
) -> ApiResult {
    let account = req.account();
    let since = req.params.updated_from_date.map(|d| d.to_utc());
    state.with_world(|w| {
        let items: Vec<_> = w
            .campaigns
            .values()
            .filter(|c| c.account_id == account && c.changed_since(since))
            .map(|c| &c.campaign)
            .collect();
        ok(items)
    })
}

async fn start_campaign(
    State(state): State<MockState>,
    req: Request<params::StartCampaign>,
) -> ApiResult {
    let account = req.account();
    let campaign_id = req.params.campaign_id;
    state.with_world(|w| {
        let campaign = w
            .campaign(account, campaign_id)
            .ok_or_else(|| ApiError::not_found("Campaign not found."))?;
        if campaign.campaign.is_running() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "Campaign is already running.",
            ));
        }
        if w.accounts.get(&account).is_some_and(|a| a.is_blocked()) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Account is blocked.",
            ));
        }
        let has_members = w.members().any(|m| {
            m.campaign_id() == Some(campaign_id) && !m.flags().contains(MemberFlags::DUPLICATE)
        });
        if !has_members {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Campaign has no members.",
            ));
        }
        if let Some(c) = w.campaigns.get_mut(&campaign_id) {
            c.campaign.status = Some(CampaignStatus::Running);
            c.touch(Utc::now());
        }
        ok(status_message(
            200,
            Some("Campaign has been started.".into()),
        ))
    })
}

async fn list_accounts(
    State(state): State<MockState>,
    req: Request<params::ListAccounts>,
) -> ApiResult {
    state.with_world(|w| {
        let ids = w.tokens.get(&req.token).ok_or_else(ApiError::forbidden)?;
        let items: Vec<_> = ids
            .iter()
            .filter_map(|id| w.accounts.get(id))
            .map(|a| &a.account)
            .collect();
        ok(items)
    })
}

async fn create_webhook(
    State(state): State<MockState>,
    req: Request<params::CreateWebhook>,
) -> ApiResult {
    let account = req.account();
    let request = req.body;
    state.with_world(|w| {
        let id = w.next_webhook_id();
        let entry = WebhookEntry::new(
            id,
            account,
            &request.name,
            &request.url,
            request.disable_for_muted_contacts,
        );
        let body = entry.webhook.clone();
        w.webhooks.insert(id, entry);
        ok(body)
    })
}

async fn delete_webhook(
    State(state): State<MockState>,
    req: Request<params::DeleteWebhook>,
) -> ApiResult {
    let account = req.account();
    let webhook_id = req.params.webhook_id;
    state.with_world(|w| {
        w.webhook(account, webhook_id)
            .ok_or_else(|| ApiError::not_found(format!("Webhook {webhook_id} not found.")))?;
        w.webhooks.remove(&webhook_id);
        ok(status_message(204, None))
    })
}

async fn list_webhooks(
    State(state): State<MockState>,
    req: Request<params::ListWebhooks>,
) -> ApiResult {
    let account = req.account();
    state.with_world(|w| {
        let items: Vec<_> = w
            .webhooks
            .values()
            .filter(|h| h.account_id == account)
            .map(|h| &h.webhook)
            .collect();
        ok(items)
    })
}

async fn attach_webhook(
    State(state): State<MockState>,
    req: Request<params::AttachWebhook>,
) -> ApiResult {
    let account = req.account();
    let (webhook_id, campaign_id) = (req.params.webhook_id, req.params.campaign_id);
    // A code the reference does not document (API 1.12's "Followup" has an unpublished one)
    // is kept, as the spec's open `RunOn` allows; the mock fires no event for it.
    let run_on: RunOn = req.params.run_on;
    state.with_world(|w| {
        let hook = w
            .webhook(account, webhook_id)
            .ok_or_else(|| ApiError::not_found(format!("Webhook {webhook_id} not found.")))?;
        w.campaign(account, campaign_id)
            .ok_or_else(|| campaign_not_found(campaign_id))?;
        let existing: Vec<RunOn> = hook
            .attachments()
            .iter()
            .filter(|a| a.campaign_id == campaign_id)
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
        let created = attachment(id, campaign_id, run_on);
        if let Some(hook) = w.webhooks.get_mut(&webhook_id) {
            hook.attachments_mut().push(created.clone());
        }
        ok(created)
    })
}

async fn detach_webhook(
    State(state): State<MockState>,
    req: Request<params::DetachWebhook>,
) -> ApiResult {
    let account = req.account();
    let attachment_id = req.params.webhook_campaign_id;
    state.with_world(|w| {
        let detached = w
            .webhooks
            .values_mut()
            .filter(|h| h.account_id == account)
            .any(|h| {
                let attachments = h.attachments_mut();
                let before = attachments.len();
                attachments.retain(|a| a.webhook_campaign_id != attachment_id);
                attachments.len() != before
            });
        if !detached {
            return Err(ApiError::not_found(format!(
                "Webhook attachment {attachment_id} not found."
            )));
        }
        ok(status_message(204, None))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use salesflow_api::types::UpdateContactRequest;

    #[test]
    fn every_operation_has_a_route() {
        for op in Operation::ALL {
            assert!(method_filter(*op).is_some(), "{op}: {}", op.method());
        }
    }

    #[test]
    fn body_field_names_come_from_the_generated_type() {
        let names = field_names::<UpdateContactRequest>().unwrap_or_default();
        assert!(
            names.contains(&"firstName") && names.contains(&"phone"),
            "{names:?}"
        );
        let body = Bytes::from_static(br#"{"FIRSTNAME": "A", "Email": "a@b.c"}"#);
        let request = typed_body::<params::UpdateContact>(&body).unwrap();
        assert_eq!(request.first_name.as_deref().map(String::as_str), Some("A"));
        let unknown = Bytes::from_static(br#"{"nickname": "J"}"#);
        assert!(typed_body::<params::UpdateContact>(&unknown).is_err());
    }

    #[test]
    fn bodies_are_as_strict_as_the_spec() {
        let number_date =
            Bytes::from_static(br#"{"PublicIdentifiers": ["a"], "UpdatedFromDate": 5}"#);
        assert!(typed_body::<params::ListContactsByPublicIdentifiers>(&number_date).is_err());
        let null_date =
            Bytes::from_static(br#"{"PublicIdentifiers": ["a"], "UpdatedFromDate": null}"#);
        assert!(typed_body::<params::ListContactsByPublicIdentifiers>(&null_date).is_ok());
        let none = Bytes::from_static(br#"{"PublicIdentifiers": []}"#);
        assert!(typed_body::<params::ListContactsByPublicIdentifiers>(&none).is_err());
        let many = format!(
            r#"{{"PublicIdentifiers": [{}]}}"#,
            vec!["\"a\""; 21].join(",")
        );
        assert!(typed_body::<params::ListContactsByPublicIdentifiers>(&Bytes::from(many)).is_err());
        assert!(typed_body::<params::StartCampaign>(&Bytes::from_static(b"{}")).is_ok());
        assert!(typed_body::<params::StartCampaign>(&Bytes::from_static(br#"{"a": 1}"#)).is_err());
        assert!(typed_body::<params::StartCampaign>(&Bytes::new()).is_err());
    }
}
