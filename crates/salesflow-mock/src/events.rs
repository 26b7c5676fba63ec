//! Simulated member events and the webhook deliveries they cause.

use chrono::{DateTime, Utc};
use salesflow_webhook_types::{
    Distance, IntegrationType, LinkedInAccount, MemberCampaign, MemberFlags, MemberId, RunOn,
    WebhookCampaignId, WebhookId, WebhookPayload,
};
use serde::{Deserialize, Serialize};

use crate::world::{Member, World};
use crate::{MockError, MockState};

/// An event the mock can simulate for a member: any [`RunOn`], the spec's events and codes it
/// does not know alike (`From<RunOn>`).
///
/// What it does to the member, for the events that change one: `MEMBER_CONNECTED` sets the
/// status to `MEMBER_CONNECTED` (the `ERROR` and `DUPLICATE` bits are kept) and `ConnectedAt`;
/// `REPLY_DETECTED` sets `HasReply` (and, as the vendor does, is never delivered for a muted
/// member); `INVITATION_WITHDRAWN` sets the status to `MEMBER_INVITATION_WITHDRAWN`. Any other
/// event only fires the webhooks attached for its code. The payload's `IntegrationRunOn` is
/// [`RunOn::assumed_payload_name`]: the vendor's name where it documents one, the spec's
/// assumption otherwise.
///
/// In JSON (`POST /_mock/events`): any name [`RunOn::from_any_name`] reads (`"connected"`,
/// `"reply_detected"`, `"MEMBER_CONNECTED"`, `"run-on-8"`) or an integer code; written as the
/// event's name in lower case (`"member_connected"`), or its code when unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MockEvent(RunOn);

impl MockEvent {
    /// The webhook attachments' `RunOn` this event fires.
    pub fn run_on(self) -> RunOn {
        self.0
    }

    /// The payload's `IntegrationRunOn` ([`RunOn::assumed_payload_name`]), if the event has
    /// one.
    pub fn integration_run_on(self) -> Option<&'static str> {
        self.0.assumed_payload_name()
    }
}

impl From<RunOn> for MockEvent {
    fn from(run_on: RunOn) -> Self {
        Self(run_on)
    }
}

impl Serialize for MockEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.name() {
            Some(name) => serializer.serialize_str(&name.to_ascii_lowercase()),
            None => serializer.serialize_i64(self.0.code()),
        }
    }
}

impl<'de> Deserialize<'de> for MockEvent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Code(i64),
            Name(String),
        }
        match Form::deserialize(deserializer)? {
            Form::Code(code) => Ok(Self(RunOn::from(code))),
            Form::Name(name) => RunOn::from_any_name(&name).map(Self).ok_or_else(|| {
                let known: Vec<String> = RunOn::KNOWN
                    .iter()
                    .filter_map(|k| k.name())
                    .map(str::to_ascii_lowercase)
                    .collect();
                serde::de::Error::custom(format!(
                    "unknown event `{name}`: one of {} or an integer code",
                    known.join(", ")
                ))
            }),
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
    pub webhook_id: WebhookId,
    /// The attachment that fired it.
    pub webhook_campaign_id: WebhookCampaignId,
    /// The member the event is about.
    pub member_id: MemberId,
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
    pub member_id: MemberId,
    /// The event.
    pub event: MockEvent,
    /// The member's status after the event, in the .NET form.
    pub status: String,
    /// The webhook calls made, in order.
    pub deliveries: Vec<Delivery>,
    /// Webhooks attached for this event that were not called because the member is muted
    /// (the webhook has `DisableForMutedContacts: true`, or the event is a reply, which the
    /// vendor never reports for a muted contact).
    pub skipped_muted: Vec<WebhookId>,
}

/// The payload the vendor would send about `m`.
#[allow(clippy::field_reassign_with_default)] // the types are #[non_exhaustive]
pub(crate) fn payload_for(world: &World, m: &Member, event: MockEvent) -> WebhookPayload {
    let d = &m.details;
    let campaign = m.campaign_id().and_then(|id| world.campaigns.get(&id));
    let account = world.accounts.get(&m.account_id);
    let flags = m.flags();
    let mut p = WebhookPayload::default();
    p.integration_type = Some(IntegrationType::Webhook);
    p.integration_run_on = event.integration_run_on().map(str::to_owned);
    p.member_id = Some(m.id().get());
    p.linked_in_member_id = Some(1_000_000_000 + m.id().get().rem_euclid(1_000_000_000));
    p.first_name = d.first_name.clone();
    p.last_name = d.last_name.clone();
    p.occupation = d.occupation.clone();
    p.company = d.company.clone();
    p.location = d.location.clone();
    p.phone_number = d.phone.clone();
    p.email = d.email.clone();
    p.address = Some(String::new());
    p.date_added = d.added_at.map(|t| t.as_datetime());
    p.connected_at = m.connected_at.map(|t| t.fixed_offset());
    p.member_url = d.member_url.clone();
    p.industry = d.industry.clone();
    p.distance = Some(if flags.contains(MemberFlags::CONNECTED) {
        Distance::First
    } else {
        Distance::Second
    });
    p.current_position = d.occupation.clone();
    p.status = d.status.clone();
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
        li.username = account.account.user_email.clone();
        p.linked_in_account = Some(li);
    }
    let [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] = m.custom.clone();
    (p.custom1, p.custom2, p.custom3, p.custom4, p.custom5) = (c1, c2, c3, c4, c5);
    (p.custom6, p.custom7, p.custom8, p.custom9, p.custom10) = (c6, c7, c8, c9, c10);
    let name = format!(
        "{} {}",
        d.first_name.as_deref().unwrap_or_default(),
        d.last_name.as_deref().unwrap_or_default()
    );
    let name = name.trim();
    let stamp = Utc::now().format("%-m/%-d/%Y %-I:%M %p");
    let mut actions = format!("<p>Connection message [{stamp}]: Hi {name}!</p>");
    if m.has_reply {
        actions.push_str(&format!(
            "\r\n\r\n<p>{name} [{stamp}]: Thanks for reaching out.</p>"
        ));
    }
    p.member_actions_formatted = Some(actions);
    if let Some(c) = campaign {
        let mut mc = MemberCampaign::default();
        mc.campaign_name = c.campaign.campaign_name.clone();
        mc.campaign_id = Some(c.campaign.campaign_id.get());
        p.member_campaigns = Some(vec![mc]);
    }
    p
}

/// A webhook call to make.
pub(crate) struct Target {
    pub(crate) webhook_id: WebhookId,
    pub(crate) webhook_campaign_id: WebhookCampaignId,
    pub(crate) url: String,
}

/// What applying an event decided: the calls to make, the webhooks skipped for a muted
/// member, the payload and the member's new status.
pub(crate) struct Applied {
    targets: Vec<Target>,
    skipped_muted: Vec<WebhookId>,
    payload: WebhookPayload,
    status: String,
}

/// Applies `event` to the member and decides what to deliver.
pub(crate) fn apply_event(
    world: &mut World,
    member_id: MemberId,
    event: MockEvent,
) -> Result<Applied, MockError> {
    let now = Utc::now();
    let m = world
        .update_member(member_id, |m| {
            let kept = m.flags() & (MemberFlags::ERROR | MemberFlags::DUPLICATE);
            // The events that change a member; any other only fires its webhooks.
            match event.run_on() {
                RunOn::MemberConnected => {
                    m.set_flags(MemberFlags::CONNECTED | kept);
                    m.connected_at = Some(now);
                }
                RunOn::ReplyDetected => m.has_reply = true,
                RunOn::InvitationWithdrawn => {
                    m.set_flags(MemberFlags::INVITATION_WITHDRAWN | kept);
                }
                _ => {}
            }
            m.touch(now);
            m.clone()
        })
        .ok_or(MockError::UnknownMember(member_id))?;
    let run_on = event.run_on();
    let mut targets = Vec::new();
    let mut skipped_muted = Vec::new();
    if let Some(campaign_id) = m.campaign_id() {
        for hook in world.webhooks.values() {
            let firing = hook
                .attachments()
                .iter()
                .filter(|a| a.campaign_id == campaign_id && a.run_on == run_on);
            for a in firing {
                let muted_skip = m.muted
                    && (hook.webhook.disable_for_muted_contacts == Some(true)
                        || event.run_on() == RunOn::ReplyDetected);
                if muted_skip {
                    skipped_muted.push(hook.webhook.webhook_id);
                    continue;
                }
                targets.push(Target {
                    webhook_id: hook.webhook.webhook_id,
                    webhook_campaign_id: a.webhook_campaign_id,
                    url: hook.webhook.url.clone().unwrap_or_default(),
                });
            }
        }
    }
    // In the order the attachments were made.
    targets.sort_by_key(|t| t.webhook_campaign_id);
    let payload = payload_for(world, &m, event);
    let status = m.details.status.clone().unwrap_or_default().to_string();
    Ok(Applied {
        targets,
        skipped_muted,
        payload,
        status,
    })
}

/// Simulates `event`: updates the member, calls the webhooks and records the deliveries.
pub(crate) async fn simulate(
    state: &MockState,
    member_id: MemberId,
    event: MockEvent,
) -> Result<EventOutcome, MockError> {
    let Applied {
        targets,
        skipped_muted,
        payload,
        status,
    } = state.with_world(|w| apply_event(w, member_id, event))?;
    let mut body = serde_json::to_value(&payload).unwrap_or_default();
    if state.drift_mode() {
        crate::faults::drift(&mut body);
    }
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
