//! The mock's in-memory world: accounts and their tokens, campaigns, members, webhooks and
//! their attachments, and the seeds that fill it.
//!
//! Each record is the generated type of the spec (`salesflow_api::types`) that the API
//! answers with, plus the bookkeeping only the mock needs (which account owns it, whether a
//! member is muted, ...). Responses are those records, serialized or projected
//! (`Contact::from(ContactDetails)`), so a field added to the spec is stored and served
//! without a change here.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use salesflow_api::params::Record;
use salesflow_api::types::{Account, Campaign, ContactDetails, Webhook, WebhookCampaign};
use salesflow_webhook_types::{
    AccountId, AccountStatus, CampaignId, CampaignStatus, FlexibleDate, MemberFlags, MemberId,
    MemberStatus, RunOn, WebhookCampaignId, WebhookId,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::MockError;

/// The token of the seeded demo world ([`Seed::Demo`]), `demo-token-0123456789`. It reaches
/// [`DEMO_ACCOUNT_ID`] and [`DEMO_BLOCKED_ACCOUNT_ID`]. A made-up value: it is no secret.
pub const DEMO_TOKEN: &str = "demo-token-0123456789";

/// The active account of the demo world, 321, reached with [`DEMO_TOKEN`].
pub const DEMO_ACCOUNT_ID: AccountId = AccountId::new(321);

/// A blocked account of the demo world, 322, also reached with [`DEMO_TOKEN`]: its campaign
/// cannot be started (422).
pub const DEMO_BLOCKED_ACCOUNT_ID: AccountId = AccountId::new(322);

/// A second token of the demo world, `other-token-9876543210`, reaching only
/// [`DEMO_OTHER_ACCOUNT_ID`]: use it to check that one account cannot see another's data.
pub const DEMO_OTHER_TOKEN: &str = "other-token-9876543210";

/// The only account reached with [`DEMO_OTHER_TOKEN`]: 400.
pub const DEMO_OTHER_ACCOUNT_ID: AccountId = AccountId::new(400);

/// Demo campaign 29854, "Sales", of [`DEMO_ACCOUNT_ID`]: `CAMPAIGN_RUNNING`, three members.
pub const DEMO_CAMPAIGN_RUNNING: CampaignId = CampaignId::new(29854);

/// Demo campaign 29889, "Java developers", of [`DEMO_ACCOUNT_ID`]: `CAMPAIGN_PAUSED`, two members
/// (can be started once; a second start is 409).
pub const DEMO_CAMPAIGN_PAUSED: CampaignId = CampaignId::new(29889);

/// Demo campaign 29890, "Empty campaign", of [`DEMO_ACCOUNT_ID`]: `CAMPAIGN_STOPPED`, no members
/// (starting it is 422 "Campaign has no members.").
pub const DEMO_CAMPAIGN_EMPTY: CampaignId = CampaignId::new(29890);

/// Demo campaign 30001, "Blocked outreach", of [`DEMO_BLOCKED_ACCOUNT_ID`]: `CAMPAIGN_PAUSED`, one
/// member (starting it is 422 "Account is blocked.").
pub const DEMO_CAMPAIGN_BLOCKED: CampaignId = CampaignId::new(30001);

/// Demo member 46875434, John Doe (`john-doe-100`), of [`DEMO_CAMPAIGN_RUNNING`]:
/// `MEMBER_INVITATION_SENT`, with `Custom1` set (seen in webhook payloads).
pub const DEMO_MEMBER_JOHN: MemberId = MemberId::new(46875434);

/// Demo member 46875435, Nick Foo (`nick-foo-300`), of [`DEMO_CAMPAIGN_RUNNING`]:
/// `MEMBER_CONNECTED`.
pub const DEMO_MEMBER_NICK: MemberId = MemberId::new(46875435);

/// Demo member 46875436, Ann Lee (`ann-lee-200`), of [`DEMO_CAMPAIGN_RUNNING`]:
/// `MEMBER_PENDING, MEMBER_ERROR`, muted.
pub const DEMO_MEMBER_ANN: MemberId = MemberId::new(46875436);

/// The demo webhook 8984, "Demo CRM", of [`DEMO_ACCOUNT_ID`], attached to
/// [`DEMO_CAMPAIGN_RUNNING`] for `MEMBER_CONNECTED` (1) by [`DEMO_WEBHOOK_CAMPAIGN_ID`]. Its URL,
/// `http://127.0.0.1:9/salesflow-demo`, reaches nothing: deliveries to it are recorded as
/// errors.
pub const DEMO_WEBHOOK_ID: WebhookId = WebhookId::new(8984);

/// The attachment 17745 of [`DEMO_WEBHOOK_ID`] to [`DEMO_CAMPAIGN_RUNNING`] for `MEMBER_CONNECTED`
/// (what DetachWebhook takes).
pub const DEMO_WEBHOOK_CAMPAIGN_ID: WebhookCampaignId = WebhookCampaignId::new(17745);

/// Which world a mock server starts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seed {
    /// The demo world: see [`DEMO_TOKEN`] and the other `DEMO_*` constants.
    #[default]
    Demo,
    /// Only the demo tokens and accounts ([`DEMO_TOKEN`] reaching [`DEMO_ACCOUNT_ID`] and
    /// [`DEMO_BLOCKED_ACCOUNT_ID`], [`DEMO_OTHER_TOKEN`] reaching [`DEMO_OTHER_ACCOUNT_ID`]),
    /// with no campaign, member or webhook. Add campaigns with
    /// [`MockState::add_campaign`](crate::MockState::add_campaign).
    Empty,
}

impl std::str::FromStr for Seed {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Self::Demo),
            "empty" => Ok(Self::Empty),
            other => Err(format!(
                "unknown seed `{other}` (expected `demo` or `empty`)"
            )),
        }
    }
}

/// An account: what ListAccounts answers, and the LinkedIn name webhook payloads carry.
#[derive(Clone, Debug)]
pub(crate) struct AccountEntry {
    pub(crate) account: Account,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
}

impl AccountEntry {
    pub(crate) fn new(
        id: AccountId,
        email: &str,
        status: AccountStatus,
        user: (i64, &str),
        name: (&str, &str),
    ) -> Self {
        let mut account = Account::default();
        account.account_id = id;
        account.account_email = Some(email.to_owned());
        account.status = Some(status);
        account.user_db_id = Some(user.0);
        account.user_email = Some(user.1.to_owned());
        Self {
            account,
            first_name: name.0.to_owned(),
            last_name: name.1.to_owned(),
        }
    }

    pub(crate) fn is_blocked(&self) -> bool {
        self.account.is_blocked()
    }
}

/// A campaign: what ListCampaigns answers, the account that owns it, and when it last
/// changed (what ListCampaigns' `updatedFromDate` compares, whatever fields the record has).
#[derive(Clone, Debug)]
pub(crate) struct CampaignEntry {
    pub(crate) campaign: Campaign,
    pub(crate) account_id: AccountId,
    modified_at: DateTime<Utc>,
}

impl CampaignEntry {
    pub(crate) fn new(
        id: CampaignId,
        account_id: AccountId,
        name: &str,
        status: CampaignStatus,
        last_modified_at: DateTime<Utc>,
    ) -> Self {
        let mut campaign = Campaign::default();
        campaign.campaign_id = id;
        campaign.campaign_name = Some(name.to_owned());
        campaign.status = Some(status);
        Self::of(campaign, account_id, last_modified_at)
    }

    /// An entry of `campaign`, last changed at `modified_at`.
    fn of(campaign: Campaign, account_id: AccountId, modified_at: DateTime<Utc>) -> Self {
        let mut entry = Self {
            campaign,
            account_id,
            modified_at,
        };
        entry.touch(modified_at);
        entry
    }

    pub(crate) fn touch(&mut self, now: DateTime<Utc>) {
        self.modified_at = now;
        self.campaign.last_modified_at = Some(now.into());
    }

    /// Whether it changed at or after `since` (always, without `since`).
    pub(crate) fn changed_since(&self, since: Option<DateTime<Utc>>) -> bool {
        since.is_none_or(|since| self.modified_at >= since)
    }
}

/// A member: the full record GetContact answers (every other operation answers a projection
/// of it), and what only the mock keeps.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    /// The record, `PublicIdentifier`, `Status` and `CampaignId` included.
    pub(crate) details: ContactDetails,
    pub(crate) account_id: AccountId,
    /// Muted members get no reply-detected webhook, nor any from a webhook with
    /// `DisableForMutedContacts: true`.
    pub(crate) muted: bool,
    /// Set by a simulated reply; counted as a reply in the statistics.
    pub(crate) has_reply: bool,
    /// Set by a simulated connection; sent as the payload's `ConnectedAt`.
    pub(crate) connected_at: Option<DateTime<Utc>>,
    /// `custom1`..`custom10` of ImportMember; sent as the payload's `Custom1`..`Custom10`.
    pub(crate) custom: [Option<String>; 10],
}

impl Member {
    pub(crate) fn id(&self) -> MemberId {
        self.details.member_id
    }

    pub(crate) fn flags(&self) -> MemberFlags {
        self.details.flags()
    }

    pub(crate) fn set_flags(&mut self, flags: MemberFlags) {
        self.details.status = Some(MemberStatus::from_flags(flags));
    }

    pub(crate) fn campaign_id(&self) -> Option<CampaignId> {
        self.details.campaign_id
    }

    pub(crate) fn touch(&mut self, now: DateTime<Utc>) {
        self.details.last_modified_at = Some(now.into());
    }

    /// Whether it changed at or after `since` (a member without `LastModifiedAt`, which only
    /// a patch can make, always counts as changed).
    pub(crate) fn changed_since(&self, since: Option<DateTime<Utc>>) -> bool {
        match (since, self.details.last_modified_at) {
            (Some(since), Some(at)) => at.to_utc() >= since,
            _ => true,
        }
    }

    /// The key of the duplicate index: members that are no duplicate, by account and public
    /// identifier.
    fn original_key(&self) -> Option<(AccountId, &str)> {
        if self.flags().contains(MemberFlags::DUPLICATE) {
            return None;
        }
        let identifier = self.details.public_identifier.as_deref()?;
        Some((self.account_id, identifier))
    }
}

/// A webhook with its attachments (`AttachedWebhookCampaigns`, always `Some`): what
/// ListWebhooks answers, and the account that owns it.
#[derive(Clone, Debug)]
pub(crate) struct WebhookEntry {
    pub(crate) webhook: Webhook,
    pub(crate) account_id: AccountId,
}

impl WebhookEntry {
    pub(crate) fn new(
        id: WebhookId,
        account_id: AccountId,
        name: &str,
        url: &str,
        disable_for_muted: Option<bool>,
    ) -> Self {
        let mut webhook = Webhook::default();
        webhook.webhook_id = id;
        webhook.name = Some(name.to_owned());
        webhook.url = Some(url.to_owned());
        webhook.disable_for_muted_contacts = disable_for_muted;
        webhook.attached_webhook_campaigns = Some(Vec::new());
        Self {
            webhook,
            account_id,
        }
    }

    pub(crate) fn attachments(&self) -> &[WebhookCampaign] {
        self.webhook.attachments()
    }

    pub(crate) fn attachments_mut(&mut self) -> &mut Vec<WebhookCampaign> {
        self.webhook
            .attached_webhook_campaigns
            .get_or_insert_with(Vec::new)
    }
}

/// A new attachment record.
pub(crate) fn attachment(
    id: WebhookCampaignId,
    campaign_id: CampaignId,
    run_on: RunOn,
) -> WebhookCampaign {
    let mut a = WebhookCampaign::default();
    a.webhook_campaign_id = id;
    a.campaign_id = campaign_id;
    a.run_on = run_on;
    a
}

/// Everything the mock knows. Guarded by one mutex in [`crate::MockState`].
///
/// Members are private to this module so that every change goes through
/// [`insert_member`](Self::insert_member), [`update_member`](Self::update_member) or
/// [`remove_member`](Self::remove_member), which keep the duplicate index in step.
#[derive(Clone, Debug, Default)]
pub(crate) struct World {
    pub(crate) accounts: BTreeMap<AccountId, AccountEntry>,
    pub(crate) tokens: BTreeMap<String, BTreeSet<AccountId>>,
    pub(crate) campaigns: BTreeMap<CampaignId, CampaignEntry>,
    members: BTreeMap<MemberId, Member>,
    /// The members that are no duplicate, by account and public identifier: what
    /// ImportMember's duplicate check and the lookups by identifier read, without scanning
    /// every member. Normally one member per key; a patch can make more, and then the
    /// lowest id is "the" original.
    originals: HashMap<AccountId, HashMap<String, BTreeSet<MemberId>>>,
    pub(crate) webhooks: BTreeMap<WebhookId, WebhookEntry>,
    next_member_id: i64,
    next_campaign_id: i64,
    next_webhook_id: i64,
    next_attachment_id: i64,
}

/// The LinkedIn public identifier of a profile URL: the segment after `/in/`
/// (`https://linkedin.com/in/john-smith-123456/` gives `john-smith-123456`); for a text
/// without `/in/`, its last non-empty path segment. `None` if nothing is left.
pub(crate) fn public_identifier_of(url: &str) -> Option<String> {
    let without_query = url.split(['?', '#']).next().unwrap_or_default();
    let tail = match without_query.find("/in/") {
        Some(pos) => &without_query[pos + 4..],
        None => without_query,
    };
    let segment = if without_query.contains("/in/") {
        tail.split('/').find(|s| !s.is_empty())
    } else {
        tail.rsplit('/').find(|s| !s.is_empty())
    };
    segment
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Applies a JSON merge patch (RFC 7396, by [`json_patch::merge`]): each key of an object
/// patch replaces the target's (objects merge recursively), and `null` removes the key.
pub(crate) fn merge_patch(target: &mut Value, patch: Value) {
    json_patch::merge(target, &patch);
}

/// `record` with every field of `fields` that `R` has set (names matched ignoring ASCII case,
/// as the vendor's server matches them; `null` values skipped): how a request's parameters or
/// body are stored on the resource they describe, with no field named here. A field `R` does
/// not have is left out.
pub(crate) fn merge_fields<R>(
    record: &R,
    fields: &Map<String, Value>,
) -> Result<R, serde_json::Error>
where
    R: Record + Serialize + DeserializeOwned,
{
    let mut json = serde_json::to_value(record)?;
    if let Value::Object(target) = &mut json {
        for (name, value) in fields {
            if let (Some(field), false) = (R::field(name), value.is_null()) {
                target.insert(field.to_owned(), value.clone());
            }
        }
    }
    serde_json::from_value(json)
}

/// The demo world (`demo.json`): records in the vendor's field names, and what only the mock
/// keeps.
#[derive(Deserialize)]
struct Demo {
    tokens: BTreeMap<String, Vec<AccountId>>,
    accounts: Vec<DemoAccount>,
    campaigns: Vec<DemoCampaign>,
    members: Vec<DemoMember>,
    webhooks: Vec<DemoWebhook>,
    next_ids: NextIds,
}

#[derive(Deserialize)]
struct DemoAccount {
    linkedin_name: (String, String),
    record: Value,
}

#[derive(Deserialize)]
struct DemoCampaign {
    account: AccountId,
    modified_days_ago: i64,
    record: Value,
}

#[derive(Deserialize)]
struct DemoMember {
    account: AccountId,
    added_days_ago: i64,
    modified_days_ago: i64,
    #[serde(default)]
    connected_days_ago: Option<i64>,
    #[serde(default)]
    muted: bool,
    #[serde(default)]
    custom: Vec<String>,
    record: Value,
}

#[derive(Deserialize)]
struct DemoWebhook {
    account: AccountId,
    record: Value,
}

#[derive(Deserialize)]
struct NextIds {
    member: i64,
    campaign: i64,
    webhook: i64,
    attachment: i64,
}

/// `days` days before `now`.
fn days_ago(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    now - TimeDelta::try_days(days).unwrap_or_default()
}

/// The demo world, as `demo.json` writes it.
const DEMO: &str = include_str!("demo.json");

/// The records of one type, decoded: each field that no record names is first filled from the
/// spec's example of it (so a field added to the spec shows in the demo world).
fn records<R: Record + DeserializeOwned>(raw: Vec<Value>) -> Result<Vec<R>, serde_json::Error> {
    let named: BTreeSet<String> = raw
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|m| m.keys().cloned())
        .collect();
    let example = R::example();
    raw.into_iter()
        .map(|mut value| {
            if let Value::Object(map) = &mut value {
                for (name, v) in &example {
                    if !named.contains(name) && R::FIELDS.contains(&name.as_str()) {
                        map.insert(name.clone(), v.clone());
                    }
                }
            }
            serde_json::from_value(value)
        })
        .collect()
}

impl World {
    /// A world filled according to `seed`, from `demo.json`.
    pub(crate) fn seeded(seed: Seed) -> Self {
        match Self::from_demo(seed, Utc::now()) {
            Ok(world) => world,
            Err(e) => {
                // `demo.json` is part of the crate and checked by its tests.
                tracing::error!("salesflow-mock: the demo world does not decode: {e}");
                World::default()
            }
        }
    }

    /// The demo world (only its tokens and accounts for [`Seed::Empty`]), dated from `now`.
    fn from_demo(seed: Seed, now: DateTime<Utc>) -> Result<Self, serde_json::Error> {
        let demo: Demo = serde_json::from_str(DEMO)?;
        let mut world = World {
            next_member_id: demo.next_ids.member,
            next_campaign_id: demo.next_ids.campaign,
            next_webhook_id: demo.next_ids.webhook,
            next_attachment_id: demo.next_ids.attachment,
            ..World::default()
        };
        let (names, raw): (Vec<_>, Vec<_>) = demo
            .accounts
            .into_iter()
            .map(|a| (a.linkedin_name, a.record))
            .unzip();
        for ((first_name, last_name), account) in names.into_iter().zip(records::<Account>(raw)?) {
            let entry = AccountEntry {
                account,
                first_name,
                last_name,
            };
            world.accounts.insert(entry.account.account_id, entry);
        }
        for (token, accounts) in &demo.tokens {
            for account in accounts {
                world.grant(token, *account);
            }
        }
        if seed == Seed::Empty {
            return Ok(world);
        }

        let (meta, raw): (Vec<_>, Vec<_>) = demo
            .campaigns
            .into_iter()
            .map(|c| ((c.account, c.modified_days_ago), c.record))
            .unzip();
        for ((account, days), campaign) in meta.into_iter().zip(records::<Campaign>(raw)?) {
            let entry = CampaignEntry::of(campaign, account, days_ago(now, days));
            world.campaigns.insert(entry.campaign.campaign_id, entry);
        }

        let (meta, raw): (Vec<_>, Vec<_>) = demo
            .members
            .into_iter()
            .map(|m| {
                let record = m.record.clone();
                (m, record)
            })
            .unzip();
        for (m, mut details) in meta.into_iter().zip(records::<ContactDetails>(raw)?) {
            details.added_at = Some(FlexibleDate::from(days_ago(now, m.added_days_ago)));
            let mut custom: [Option<String>; 10] = Default::default();
            for (slot, value) in custom.iter_mut().zip(m.custom) {
                *slot = Some(value);
            }
            let mut member = Member {
                details,
                account_id: m.account,
                muted: m.muted,
                has_reply: false,
                connected_at: m.connected_days_ago.map(|d| days_ago(now, d)),
                custom,
            };
            member.touch(days_ago(now, m.modified_days_ago));
            world.insert_member(member);
        }

        let (accounts, raw): (Vec<_>, Vec<_>) = demo
            .webhooks
            .into_iter()
            .map(|h| (h.account, h.record))
            .unzip();
        for (account_id, webhook) in accounts.into_iter().zip(records::<Webhook>(raw)?) {
            let mut entry = WebhookEntry {
                webhook,
                account_id,
            };
            entry.attachments_mut();
            world.webhooks.insert(entry.webhook.webhook_id, entry);
        }
        Ok(world)
    }

    /// Lets `token` reach `account_id`.
    pub(crate) fn grant(&mut self, token: &str, account_id: AccountId) {
        self.tokens
            .entry(token.to_string())
            .or_default()
            .insert(account_id);
    }

    /// Whether `token` reaches `account_id`.
    pub(crate) fn reaches(&self, token: &str, account_id: AccountId) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|accounts| accounts.contains(&account_id))
            && self.accounts.contains_key(&account_id)
    }

    /// The campaign `id` if it belongs to `account_id`.
    pub(crate) fn campaign(&self, account_id: AccountId, id: CampaignId) -> Option<&CampaignEntry> {
        self.campaigns
            .get(&id)
            .filter(|c| c.account_id == account_id)
    }

    /// Every member, by id.
    pub(crate) fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    /// The member `id`, whichever account it belongs to.
    pub(crate) fn any_member(&self, id: MemberId) -> Option<&Member> {
        self.members.get(&id)
    }

    /// The member `id` if it belongs to `account_id`.
    pub(crate) fn member(&self, account_id: AccountId, id: MemberId) -> Option<&Member> {
        self.members.get(&id).filter(|m| m.account_id == account_id)
    }

    /// The original (non-duplicate) member of `account_id` with this public identifier: an
    /// index lookup, whatever the number of members.
    pub(crate) fn original_member(
        &self,
        account_id: AccountId,
        identifier: &str,
    ) -> Option<&Member> {
        let id = self.originals.get(&account_id)?.get(identifier)?.first()?;
        self.members.get(id)
    }

    /// Adds (or replaces) a member.
    pub(crate) fn insert_member(&mut self, member: Member) {
        let id = member.id();
        self.remove_member(id);
        self.index(&member);
        self.members.insert(id, member);
    }

    /// Removes a member.
    pub(crate) fn remove_member(&mut self, id: MemberId) -> Option<Member> {
        let member = self.members.remove(&id)?;
        self.unindex(&member);
        Some(member)
    }

    /// Changes a member with `change` (which must not change its id), keeping the index in
    /// step; `None` if there is no such member.
    pub(crate) fn update_member<R>(
        &mut self,
        id: MemberId,
        change: impl FnOnce(&mut Member) -> R,
    ) -> Option<R> {
        let mut member = self.remove_member(id)?;
        let result = change(&mut member);
        member.details.member_id = id;
        self.index(&member);
        self.members.insert(id, member);
        Some(result)
    }

    /// Merges `patch` into the stored record of member `id` (see
    /// [`MockState::patch_member`](crate::MockState::patch_member)).
    pub(crate) fn patch_member(
        &mut self,
        id: MemberId,
        patch: Map<String, Value>,
        now: DateTime<Utc>,
    ) -> Result<(), MockError> {
        let member = self.members.get(&id).ok_or(MockError::UnknownMember(id))?;
        let before = member.details.last_modified_at;
        let mut json = serde_json::to_value(&member.details)
            .map_err(|e| MockError::InvalidPatch(e.to_string()))?;
        merge_patch(&mut json, Value::Object(patch));
        // Strictly: a known field of the wrong shape is refused, not kept raw in `extra`.
        let mut details: ContactDetails =
            salesflow_webhook_types::lenient::strict(|| serde_json::from_value(json))
                .map_err(|e| MockError::InvalidPatch(e.to_string()))?;
        if details.member_id != id {
            return Err(MockError::InvalidPatch(format!(
                "`MemberId` cannot be changed (member {id})"
            )));
        }
        // Unless the patch changed `LastModifiedAt`, the member changed now.
        if details.last_modified_at == before {
            details.last_modified_at = Some(now.into());
        }
        self.update_member(id, |m| m.details = details);
        Ok(())
    }

    fn index(&mut self, member: &Member) {
        if let Some((account, identifier)) = member.original_key() {
            self.originals
                .entry(account)
                .or_default()
                .entry(identifier.to_owned())
                .or_default()
                .insert(member.id());
        }
    }

    fn unindex(&mut self, member: &Member) {
        let Some((account, identifier)) = member.original_key() else {
            return;
        };
        let Some(by_identifier) = self.originals.get_mut(&account) else {
            return;
        };
        if let Some(ids) = by_identifier.get_mut(identifier) {
            ids.remove(&member.id());
            if ids.is_empty() {
                by_identifier.remove(identifier);
            }
        }
    }

    /// The webhook `id` if it belongs to `account_id`.
    pub(crate) fn webhook(&self, account_id: AccountId, id: WebhookId) -> Option<&WebhookEntry> {
        self.webhooks
            .get(&id)
            .filter(|w| w.account_id == account_id)
    }

    pub(crate) fn next_member_id(&mut self) -> MemberId {
        MemberId::new(take_next(&mut self.next_member_id))
    }

    pub(crate) fn next_campaign_id(&mut self) -> CampaignId {
        CampaignId::new(take_next(&mut self.next_campaign_id))
    }

    pub(crate) fn next_webhook_id(&mut self) -> WebhookId {
        WebhookId::new(take_next(&mut self.next_webhook_id))
    }

    pub(crate) fn next_attachment_id(&mut self) -> WebhookCampaignId {
        WebhookCampaignId::new(take_next(&mut self.next_attachment_id))
    }
}

/// The id `counter` holds, the counter moved on to the next one.
fn take_next(counter: &mut i64) -> i64 {
    *counter += 1;
    *counter - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_demo_data_decodes_and_names_the_demo_constants() {
        let world = World::from_demo(Seed::Demo, Utc::now()).unwrap();
        assert!(world.reaches(DEMO_TOKEN, DEMO_ACCOUNT_ID));
        assert!(world.reaches(DEMO_TOKEN, DEMO_BLOCKED_ACCOUNT_ID));
        assert!(world.reaches(DEMO_OTHER_TOKEN, DEMO_OTHER_ACCOUNT_ID));
        assert!(!world.reaches(DEMO_OTHER_TOKEN, DEMO_ACCOUNT_ID));
        assert!(world.accounts[&DEMO_BLOCKED_ACCOUNT_ID].is_blocked());
        for (id, account, status) in [
            (
                DEMO_CAMPAIGN_RUNNING,
                DEMO_ACCOUNT_ID,
                CampaignStatus::Running,
            ),
            (
                DEMO_CAMPAIGN_PAUSED,
                DEMO_ACCOUNT_ID,
                CampaignStatus::Paused,
            ),
            (
                DEMO_CAMPAIGN_EMPTY,
                DEMO_ACCOUNT_ID,
                CampaignStatus::Stopped,
            ),
            (
                DEMO_CAMPAIGN_BLOCKED,
                DEMO_BLOCKED_ACCOUNT_ID,
                CampaignStatus::Paused,
            ),
        ] {
            let c = world.campaign(account, id).unwrap();
            assert_eq!(c.campaign.status, Some(status), "{id}");
        }
        let in_campaign = |id| {
            world
                .members()
                .filter(|m| m.campaign_id() == Some(id))
                .count()
        };
        assert_eq!(in_campaign(DEMO_CAMPAIGN_RUNNING), 3);
        assert_eq!(in_campaign(DEMO_CAMPAIGN_PAUSED), 2);
        assert_eq!(in_campaign(DEMO_CAMPAIGN_EMPTY), 0);
        let john = world.member(DEMO_ACCOUNT_ID, DEMO_MEMBER_JOHN).unwrap();
        assert_eq!(john.flags(), MemberFlags::INVITATION_SENT);
        assert_eq!(john.custom[0].as_deref(), Some("CustomValue1"));
        assert_eq!(
            john.details.public_identifier.as_deref(),
            Some("john-doe-100")
        );
        let nick = world.member(DEMO_ACCOUNT_ID, DEMO_MEMBER_NICK).unwrap();
        assert_eq!(nick.flags(), MemberFlags::CONNECTED);
        assert!(nick.connected_at.is_some());
        let ann = world.member(DEMO_ACCOUNT_ID, DEMO_MEMBER_ANN).unwrap();
        assert_eq!(ann.flags(), MemberFlags::PENDING | MemberFlags::ERROR);
        assert!(ann.muted);
        let hook = world.webhook(DEMO_ACCOUNT_ID, DEMO_WEBHOOK_ID).unwrap();
        assert_eq!(
            hook.attachments()[0].webhook_campaign_id,
            DEMO_WEBHOOK_CAMPAIGN_ID
        );
        assert_eq!(hook.attachments()[0].run_on, RunOn::MemberConnected);

        let empty = World::from_demo(Seed::Empty, Utc::now()).unwrap();
        assert!(empty.reaches(DEMO_TOKEN, DEMO_ACCOUNT_ID));
        assert!(empty.campaigns.is_empty() && empty.webhooks.is_empty());
        assert_eq!(empty.members().count(), 0);
    }

    #[test]
    fn fields_no_demo_record_names_come_from_the_spec_examples() {
        let raw = vec![
            json!({"MemberId": 1, "FirstName": "A"}),
            json!({"MemberId": 2}),
        ];
        let filled: Vec<ContactDetails> = records(raw).unwrap();
        // Named by a record: kept as the records say (absent from the second).
        assert_eq!(filled[0].first_name.as_deref(), Some("A"));
        assert_eq!(filled[1].first_name, None);
        // Named by none: the spec's example, on every record.
        let example = ContactDetails::example();
        assert_eq!(
            filled[1].occupation.as_deref(),
            example["Occupation"].as_str()
        );
        assert_eq!(filled[0].member_id, MemberId::new(1));
    }

    #[test]
    fn request_fields_are_stored_on_the_record_that_has_them() {
        let mut fields = Map::new();
        fields.insert("firstname".into(), json!("Jo"));
        fields.insert("linkedInUrl".into(), json!("https://x"));
        fields.insert("email".into(), Value::Null);
        let mut before = ContactDetails::default();
        before.email = Some("kept@example.com".into());
        let after = merge_fields(&before, &fields).unwrap();
        assert_eq!(after.first_name.as_deref(), Some("Jo"));
        assert_eq!(after.email.as_deref(), Some("kept@example.com"));
        assert!(after.extra.is_empty(), "{:?}", after.extra);
    }

    #[test]
    fn public_identifiers() {
        let cases = [
            (
                "https://linkedin.com/in/john-smith-123456",
                Some("john-smith-123456"),
            ),
            ("https://www.linkedin.com/in/john/?utm=1", Some("john")),
            ("linkedin.com/in/abc/details", Some("abc")),
            ("plain-slug", Some("plain-slug")),
            ("https://linkedin.com/in/", None),
            ("///", None),
        ];
        for (url, expected) in cases {
            assert_eq!(public_identifier_of(url).as_deref(), expected, "{url}");
        }
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(
            &mut target,
            json!({"a": "z", "c": {"f": null, "h": 1}, "i": [1]}),
        );
        assert_eq!(target, json!({"a": "z", "c": {"d": "e", "h": 1}, "i": [1]}));
    }

    #[test]
    fn the_duplicate_index_follows_every_change() {
        let mut world = World::seeded(Seed::Demo);
        let john = |w: &World| {
            w.original_member(DEMO_ACCOUNT_ID, "john-doe-100")
                .map(Member::id)
        };
        assert_eq!(john(&world), Some(DEMO_MEMBER_JOHN));
        assert_eq!(
            world
                .original_member(DEMO_OTHER_ACCOUNT_ID, "john-doe-100")
                .map(Member::id),
            None
        );

        // A duplicate is not indexed.
        let mut dup = world.any_member(DEMO_MEMBER_JOHN).cloned().unwrap();
        dup.details.member_id = MemberId::new(1);
        dup.set_flags(MemberFlags::IMPORTED | MemberFlags::DUPLICATE);
        world.insert_member(dup);
        assert_eq!(john(&world), Some(DEMO_MEMBER_JOHN));

        // A change of identifier moves the entry.
        world
            .patch_member(
                DEMO_MEMBER_JOHN,
                json!({"PublicIdentifier": "johnny"})
                    .as_object()
                    .cloned()
                    .unwrap(),
                Utc::now(),
            )
            .unwrap();
        assert_eq!(john(&world), None);
        assert_eq!(
            world
                .original_member(DEMO_ACCOUNT_ID, "johnny")
                .map(Member::id),
            Some(DEMO_MEMBER_JOHN)
        );

        // Removing the duplicate flag makes a member an original.
        world.update_member(MemberId::new(1), |m| m.set_flags(MemberFlags::IMPORTED));
        assert_eq!(john(&world), Some(MemberId::new(1)));

        world.remove_member(MemberId::new(1));
        assert_eq!(john(&world), None);
        assert!(!world.originals[&DEMO_ACCOUNT_ID].contains_key("john-doe-100"));
    }

    #[test]
    fn a_patch_that_breaks_the_record_changes_nothing() {
        let mut world = World::seeded(Seed::Demo);
        let before = world.any_member(DEMO_MEMBER_JOHN).unwrap().details.clone();
        for patch in [
            json!({"FirstName": 5}),
            json!({"MemberId": 1}),
            json!({"MemberId": null}),
        ] {
            let patch = patch.as_object().cloned().unwrap();
            let err = world
                .patch_member(DEMO_MEMBER_JOHN, patch, Utc::now())
                .unwrap_err();
            assert!(matches!(err, MockError::InvalidPatch(_)), "{err}");
        }
        assert_eq!(world.any_member(DEMO_MEMBER_JOHN).unwrap().details, before);
        assert_eq!(
            world.patch_member(MemberId::new(1), Map::new(), Utc::now()),
            Err(MockError::UnknownMember(MemberId::new(1)))
        );
    }
}
