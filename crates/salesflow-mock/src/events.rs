//! Simulated member events and the webhook deliveries they cause.

use std::fmt;

use chrono::{DateTime, Utc};
use salesflow_webhook_types::{
    Distance, IntegrationRunOn, IntegrationType, LinkedInAccount, MemberCampaign, MemberFlags,
    MemberStatus, RunOn, WebhookPayload,
};
use serde::{Deserialize, Serialize};

use crate::world::{MemberRec, World};
use crate::MockState;

/// `IntegrationRunOn` sent for a reply detected. **A guess**: the vendor documents only
/// `INTEGRATION_RUN_ON_CONNECTED`.
pub const RUN_ON_NAME_REPLY_DETECTED: &str = "INTEGRATION_RUN_ON_REPLY_DETECTED";

/// `IntegrationRunOn` sent for an invitation withdrawn. **A guess**: the vendor documents
/// only `INTEGRATION_RUN_ON_CONNECTED`.
pub const RUN_ON_NAME_INVITATION_WITHDRAWN: &str = "INTEGRATION_RUN_ON_INVITATION_WITHDRAWN";

/// An event the mock can simulate for a member.
///
/// In JSON: `"connected"`, `"reply_detected"` or `"invitation_withdrawn"` (the vendor's
/// names `"MEMBER_CONNECTED"`, `"REPLY_DETECTED"`, `"INVITATION_WITHDRAWN"` are accepted too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MockEvent {
    /// The member accepted the invitation: status becomes `MEMBER_CONNECTED` (the `ERROR`
    /// and `DUPLICATE` bits are kept), `ConnectedAt` is set. Fires `RunOn` 1.
    #[serde(alias = "MEMBER_CONNECTED")]
    Connected,
    /// A reply from the member was detected: `HasReply` becomes true. Fires `RunOn` 2.
    #[serde(alias = "REPLY_DETECTED")]
    ReplyDetected,
    /// The invitation was withdrawn: status becomes `MEMBER_INVITATION_WITHDRAWN`. Fires
    /// `RunOn` 7.
    #[serde(alias = "INVITATION_WITHDRAWN")]
    InvitationWithdrawn,
}

impl MockEvent {
    /// The webhook attachments' `RunOn` this event fires.
    pub fn run_on(self) -> RunOn {
        match self {
            Self::Connected => RunOn::MemberConnected,
            Self::ReplyDetected => RunOn::ReplyDetected,
            Self::InvitationWithdrawn => RunOn::InvitationWithdrawn,
        }
    }

    /// The payload's `IntegrationRunOn` (see [`RUN_ON_NAME_REPLY_DETECTED`] and
    /// [`RUN_ON_NAME_INVITATION_WITHDRAWN`] for the two guessed names).
    pub fn integration_run_on(self) -> &'static str {
        match self {
            Self::Connected => "INTEGRATION_RUN_ON_CONNECTED",
            Self::ReplyDetected => RUN_ON_NAME_REPLY_DETECTED,
            Self::InvitationWithdrawn => RUN_ON_NAME_INVITATION_WITHDRAWN,
        }
    }
}

/// One webhook call the mock made (or tried to make).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Delivery {
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The webhook called.
    pub webhook_id: i64,
    /// The attachment that fired it.
    pub webhook_campaign_id: i64,
    /// The member the event is about.
    pub member_id: i64,
    /// The URL POSTed to.
    pub url: String,
    /// The event.
    pub event: MockEvent,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why the call failed, if it did (connection refused, timeout, ...).
    pub error: Option<String>,
    /// The JSON body sent (a [`WebhookPayload`]).
    pub payload: serde_json::Value,
}

/// What simulating an event did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventOutcome {
    /// The member.
    pub member_id: i64,
    /// The event.
    pub event: MockEvent,
    /// The member's status after the event, in the .NET form.
    pub status: String,
    /// The webhook calls made, in order.
    pub deliveries: Vec<Delivery>,
    /// Webhooks attached for this event that were not called because the member is muted
    /// (the webhook has `DisableForMutedContacts: true`, or the event is a reply, which the
    /// vendor never reports for a muted contact).
    pub skipped_muted: Vec<i64>,
}

/// An error of the mock's own control API.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MockError {
    /// No member has this id.
    UnknownMember(i64),
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownMember(id) => write!(f, "member {id} not found"),
        }
    }
}

impl std::error::Error for MockError {}

/// The payload the vendor would send about `m`.
#[allow(clippy::field_reassign_with_default)] // the types are #[non_exhaustive]
pub(crate) fn payload_for(world: &World, m: &MemberRec, event: MockEvent) -> WebhookPayload {
    let campaign = m.campaign_id.and_then(|id| world.campaigns.get(&id));
    let account = world.accounts.get(&m.account_id);
    let mut p = WebhookPayload::default();
    p.integration_type = Some(IntegrationType::Webhook);
    p.integration_run_on = Some(IntegrationRunOn::from(event.integration_run_on()));
    p.member_id = Some(m.id);
    p.linked_in_member_id = Some(1_000_000_000 + m.id % 1_000_000_000);
    p.first_name = m.first_name.clone();
    p.last_name = m.last_name.clone();
    p.occupation = m.occupation.clone();
    p.company = m.company.clone();
    p.location = m.location.clone();
    p.phone_number = m.phone.clone();
    p.email = m.email.clone();
    p.address = Some(String::new());
    p.date_added = Some(m.added_at.fixed_offset());
    p.connected_at = m.connected_at.map(|t| t.fixed_offset());
    p.member_url = Some(m.member_url.clone());
    p.industry = m.industry.clone();
    p.distance = Some(if m.status.contains(MemberFlags::CONNECTED) {
        Distance::First
    } else {
        Distance::Second
    });
    p.current_position = m.occupation.clone();
    p.status = Some(MemberStatus::from_flags(m.status));
    p.has_reply = Some(m.has_reply);
    p.is_muted = Some(m.muted);
    p.is_seen = Some(false);
    p.connections_count = Some(100);
    p.followers_count = Some(100);
    p.is_sales_navigator = Some(false);
    if let Some(account) = account {
        let mut li = LinkedInAccount::default();
        li.first_name = Some(account.first_name.clone());
        li.last_name = Some(account.last_name.clone());
        li.username = Some(account.user_email.clone());
        p.linked_in_account = Some(li);
    }
    let [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] = m.custom.clone();
    (p.custom1, p.custom2, p.custom3, p.custom4, p.custom5) = (c1, c2, c3, c4, c5);
    (p.custom6, p.custom7, p.custom8, p.custom9, p.custom10) = (c6, c7, c8, c9, c10);
    let name = |m: &MemberRec| {
        format!(
            "{} {}",
            m.first_name.as_deref().unwrap_or_default(),
            m.last_name.as_deref().unwrap_or_default()
        )
    };
    let stamp = Utc::now().format("%-m/%-d/%Y %-I:%M %p");
    let mut actions = format!(
        "<p>Connection message [{stamp}]: Hi {}!</p>",
        name(m).trim()
    );
    if m.has_reply {
        actions.push_str(&format!(
            "\r\n\r\n<p>{} [{stamp}]: Thanks for reaching out.</p>",
            name(m).trim()
        ));
    }
    p.member_actions_formatted = Some(actions);
    if let Some(c) = campaign {
        let mut mc = MemberCampaign::default();
        mc.campaign_name = Some(c.name.clone());
        mc.campaign_id = Some(c.id);
        p.member_campaigns = Some(vec![mc]);
    }
    p
}

/// A webhook call to make.
pub(crate) struct Target {
    pub(crate) webhook_id: i64,
    pub(crate) webhook_campaign_id: i64,
    pub(crate) url: String,
}

/// Applies `event` to the member and returns the calls to make, the webhooks skipped for a
/// muted member, the payload and the member's new status.
pub(crate) fn apply_event(
    world: &mut World,
    member_id: i64,
    event: MockEvent,
) -> Result<(Vec<Target>, Vec<i64>, WebhookPayload, String), MockError> {
    let now = Utc::now();
    let m = world
        .members
        .get_mut(&member_id)
        .ok_or(MockError::UnknownMember(member_id))?;
    let kept = m.status & (MemberFlags::ERROR | MemberFlags::DUPLICATE);
    match event {
        MockEvent::Connected => {
            m.status = MemberFlags::CONNECTED | kept;
            m.connected_at = Some(now);
        }
        MockEvent::ReplyDetected => m.has_reply = true,
        MockEvent::InvitationWithdrawn => {
            m.status = MemberFlags::INVITATION_WITHDRAWN | kept;
        }
    }
    m.last_modified_at = now;
    let m = m.clone();
    let run_on = event.run_on();
    let mut targets = Vec::new();
    let mut skipped = Vec::new();
    if let Some(campaign_id) = m.campaign_id {
        for a in world.attachments.values() {
            if a.campaign_id != campaign_id || a.run_on != run_on {
                continue;
            }
            let Some(hook) = world.webhooks.get(&a.webhook_id) else {
                continue;
            };
            let muted_skip = m.muted
                && (hook.disable_for_muted == Some(true) || event == MockEvent::ReplyDetected);
            if muted_skip {
                skipped.push(hook.id);
                continue;
            }
            targets.push(Target {
                webhook_id: hook.id,
                webhook_campaign_id: a.id,
                url: hook.url.clone(),
            });
        }
    }
    let payload = payload_for(world, &m, event);
    Ok((
        targets,
        skipped,
        payload,
        MemberStatus::from_flags(m.status).to_string(),
    ))
}

/// Simulates `event`: updates the member, calls the webhooks and records the deliveries.
pub(crate) async fn simulate(
    state: &MockState,
    member_id: i64,
    event: MockEvent,
) -> Result<EventOutcome, MockError> {
    let (targets, skipped_muted, payload, status) =
        state.with_world(|w| apply_event(w, member_id, event))?;
    let body = serde_json::to_value(&payload).unwrap_or_default();
    let mut deliveries = Vec::new();
    for target in targets {
        let result = state
            .http()
            .post(&target.url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await;
        let (status, error) = match result {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let delivery = Delivery {
            at: Utc::now(),
            webhook_id: target.webhook_id,
            webhook_campaign_id: target.webhook_campaign_id,
            member_id,
            url: target.url,
            event,
            status,
            error,
            payload: body.clone(),
        };
        state.push_delivery(delivery.clone());
        deliveries.push(delivery);
    }
    Ok(EventOutcome {
        member_id,
        event,
        status,
        deliveries,
        skipped_muted,
    })
}
