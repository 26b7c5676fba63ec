//! The mock's in-memory world: accounts and their tokens, campaigns, members, webhooks and
//! their attachments, and the seeds that fill it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use salesflow_webhook_types::{AccountStatus, CampaignStatus, MemberFlags, RunOn};
use serde::{Deserialize, Serialize};

/// The token of the seeded demo world ([`Seed::Demo`]). It reaches [`DEMO_ACCOUNT_ID`] and
/// [`DEMO_BLOCKED_ACCOUNT_ID`]. A made-up value: it is no secret.
pub const DEMO_TOKEN: &str = "demo-token-0123456789";

/// The active account of the demo world, reached with [`DEMO_TOKEN`].
pub const DEMO_ACCOUNT_ID: i64 = 321;

/// A blocked account of the demo world, also reached with [`DEMO_TOKEN`]: its campaign
/// cannot be started (422).
pub const DEMO_BLOCKED_ACCOUNT_ID: i64 = 322;

/// A second token of the demo world, reaching only [`DEMO_OTHER_ACCOUNT_ID`]: use it to check
/// that one account cannot see another's data.
pub const DEMO_OTHER_TOKEN: &str = "other-token-9876543210";

/// The only account reached with [`DEMO_OTHER_TOKEN`].
pub const DEMO_OTHER_ACCOUNT_ID: i64 = 400;

/// Demo campaign "Sales" of [`DEMO_ACCOUNT_ID`]: `CAMPAIGN_RUNNING`, three members.
pub const DEMO_CAMPAIGN_RUNNING: i64 = 29854;

/// Demo campaign "Java developers" of [`DEMO_ACCOUNT_ID`]: `CAMPAIGN_PAUSED`, two members
/// (can be started once; a second start is 409).
pub const DEMO_CAMPAIGN_PAUSED: i64 = 29889;

/// Demo campaign "Empty campaign" of [`DEMO_ACCOUNT_ID`]: `CAMPAIGN_STOPPED`, no members
/// (starting it is 422 "Campaign has no members.").
pub const DEMO_CAMPAIGN_EMPTY: i64 = 29890;

/// Demo campaign "Blocked outreach" of [`DEMO_BLOCKED_ACCOUNT_ID`]: `CAMPAIGN_PAUSED`, one
/// member (starting it is 422 "Account is blocked.").
pub const DEMO_CAMPAIGN_BLOCKED: i64 = 30001;

/// Demo member John Doe (`john-doe-100`) of [`DEMO_CAMPAIGN_RUNNING`]: `MEMBER_INVITATION_SENT`.
pub const DEMO_MEMBER_JOHN: i64 = 46875434;

/// Demo member Nick Foo (`nick-foo-300`) of [`DEMO_CAMPAIGN_RUNNING`]: `MEMBER_CONNECTED`.
pub const DEMO_MEMBER_NICK: i64 = 46875435;

/// Demo member Ann Lee (`ann-lee-200`) of [`DEMO_CAMPAIGN_RUNNING`]:
/// `MEMBER_PENDING, MEMBER_ERROR`, muted.
pub const DEMO_MEMBER_ANN: i64 = 46875436;

/// The demo webhook "Demo CRM" of [`DEMO_ACCOUNT_ID`], attached to [`DEMO_CAMPAIGN_RUNNING`]
/// for `MEMBER_CONNECTED` (1). Its URL, `http://127.0.0.1:9/salesflow-demo`, reaches nothing:
/// deliveries to it are recorded as errors.
pub const DEMO_WEBHOOK_ID: i64 = 8984;

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

#[derive(Clone, Debug)]
pub(crate) struct AccountRec {
    pub(crate) id: i64,
    pub(crate) email: String,
    pub(crate) status: AccountStatus,
    pub(crate) user_db_id: i64,
    pub(crate) user_email: String,
    /// LinkedIn name of the account, for webhook payloads.
    pub(crate) first_name: String,
    pub(crate) last_name: String,
}

#[derive(Clone, Debug)]
pub(crate) struct CampaignRec {
    pub(crate) id: i64,
    pub(crate) account_id: i64,
    pub(crate) name: String,
    pub(crate) status: CampaignStatus,
    pub(crate) last_modified_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct MemberRec {
    pub(crate) id: i64,
    pub(crate) account_id: i64,
    pub(crate) campaign_id: Option<i64>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) occupation: Option<String>,
    pub(crate) industry: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) public_identifier: String,
    pub(crate) member_url: String,
    pub(crate) status: MemberFlags,
    pub(crate) muted: bool,
    pub(crate) has_reply: bool,
    pub(crate) added_at: DateTime<Utc>,
    pub(crate) last_modified_at: DateTime<Utc>,
    pub(crate) connected_at: Option<DateTime<Utc>>,
    pub(crate) custom: [Option<String>; 10],
}

#[derive(Clone, Debug)]
pub(crate) struct WebhookRec {
    pub(crate) id: i64,
    pub(crate) account_id: i64,
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) disable_for_muted: Option<bool>,
}

#[derive(Clone, Debug)]
pub(crate) struct AttachmentRec {
    pub(crate) id: i64,
    pub(crate) webhook_id: i64,
    pub(crate) campaign_id: i64,
    pub(crate) run_on: RunOn,
}

/// Everything the mock knows. Guarded by one mutex in [`crate::MockState`].
#[derive(Clone, Debug, Default)]
pub(crate) struct World {
    pub(crate) accounts: BTreeMap<i64, AccountRec>,
    pub(crate) tokens: BTreeMap<String, BTreeSet<i64>>,
    pub(crate) campaigns: BTreeMap<i64, CampaignRec>,
    /// Change only through [`World::insert_member`] and [`World::remove_member`], which keep
    /// `originals` in step.
    pub(crate) members: BTreeMap<i64, MemberRec>,
    /// The original (non-duplicate) member of each (account, public identifier): what
    /// ImportMember and the by-identifier lookups read, in constant time whatever the size
    /// of the world.
    originals: HashMap<(i64, String), i64>,
    pub(crate) webhooks: BTreeMap<i64, WebhookRec>,
    pub(crate) attachments: BTreeMap<i64, AttachmentRec>,
    pub(crate) next_member_id: i64,
    pub(crate) next_campaign_id: i64,
    pub(crate) next_webhook_id: i64,
    pub(crate) next_attachment_id: i64,
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

impl World {
    /// A world filled according to `seed`.
    pub(crate) fn seeded(seed: Seed) -> Self {
        let mut world = World {
            next_member_id: 46875500,
            next_campaign_id: 31000,
            next_webhook_id: 10265,
            next_attachment_id: 27830,
            ..World::default()
        };
        world.add_account_rec(AccountRec {
            id: DEMO_ACCOUNT_ID,
            email: "active@example.com".into(),
            status: AccountStatus::Active,
            user_db_id: 5001,
            user_email: "bob.white@example.com".into(),
            first_name: "Bob".into(),
            last_name: "White".into(),
        });
        world.add_account_rec(AccountRec {
            id: DEMO_BLOCKED_ACCOUNT_ID,
            email: "blocked@example.com".into(),
            status: AccountStatus::Blocked,
            user_db_id: 5001,
            user_email: "bob.white@example.com".into(),
            first_name: "Bob".into(),
            last_name: "White".into(),
        });
        world.add_account_rec(AccountRec {
            id: DEMO_OTHER_ACCOUNT_ID,
            email: "other@example.com".into(),
            status: AccountStatus::Active,
            user_db_id: 5002,
            user_email: "carol.green@example.com".into(),
            first_name: "Carol".into(),
            last_name: "Green".into(),
        });
        world.grant(DEMO_TOKEN, DEMO_ACCOUNT_ID);
        world.grant(DEMO_TOKEN, DEMO_BLOCKED_ACCOUNT_ID);
        world.grant(DEMO_OTHER_TOKEN, DEMO_OTHER_ACCOUNT_ID);
        if seed == Seed::Empty {
            return world;
        }

        let now = Utc::now();
        let day = TimeDelta::days(1);
        for (id, account_id, name, status) in [
            (
                DEMO_CAMPAIGN_RUNNING,
                DEMO_ACCOUNT_ID,
                "Sales",
                CampaignStatus::Running,
            ),
            (
                DEMO_CAMPAIGN_PAUSED,
                DEMO_ACCOUNT_ID,
                "Java developers",
                CampaignStatus::Paused,
            ),
            (
                DEMO_CAMPAIGN_EMPTY,
                DEMO_ACCOUNT_ID,
                "Empty campaign",
                CampaignStatus::Stopped,
            ),
            (
                DEMO_CAMPAIGN_BLOCKED,
                DEMO_BLOCKED_ACCOUNT_ID,
                "Blocked outreach",
                CampaignStatus::Paused,
            ),
        ] {
            world.campaigns.insert(
                id,
                CampaignRec {
                    id,
                    account_id,
                    name: name.into(),
                    status,
                    last_modified_at: now - day * 3,
                },
            );
        }

        let member = |id: i64,
                      campaign: i64,
                      account: i64,
                      first: &str,
                      last: &str,
                      ident: &str,
                      status: MemberFlags| MemberRec {
            id,
            account_id: account,
            campaign_id: Some(campaign),
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            location: Some("New York".into()),
            occupation: Some("CEO".into()),
            industry: None,
            email: None,
            phone: None,
            company: None,
            public_identifier: ident.into(),
            member_url: format!("https://linkedin.com/in/{ident}"),
            status,
            muted: false,
            has_reply: false,
            added_at: now - day * 10,
            last_modified_at: now - day * 2,
            connected_at: None,
            custom: Default::default(),
        };
        let mut john = member(
            DEMO_MEMBER_JOHN,
            DEMO_CAMPAIGN_RUNNING,
            DEMO_ACCOUNT_ID,
            "John",
            "Doe",
            "john-doe-100",
            MemberFlags::INVITATION_SENT,
        );
        john.industry = Some("marketing".into());
        john.email = Some("john.doe@example.com".into());
        john.phone = Some("1555123456".into());
        john.company = Some("Doe & Co".into());
        john.custom[0] = Some("CustomValue1".into());
        let mut nick = member(
            DEMO_MEMBER_NICK,
            DEMO_CAMPAIGN_RUNNING,
            DEMO_ACCOUNT_ID,
            "Nick",
            "Foo",
            "nick-foo-300",
            MemberFlags::CONNECTED,
        );
        nick.location = Some("London".into());
        nick.occupation = Some("Full stack .NET developer, open for new opportunities".into());
        nick.connected_at = Some(now - day * 5);
        let mut ann = member(
            DEMO_MEMBER_ANN,
            DEMO_CAMPAIGN_RUNNING,
            DEMO_ACCOUNT_ID,
            "Ann",
            "Lee",
            "ann-lee-200",
            MemberFlags::PENDING | MemberFlags::ERROR,
        );
        ann.muted = true;
        let mut members = vec![john, nick, ann];
        members.push(member(
            46875437,
            DEMO_CAMPAIGN_PAUSED,
            DEMO_ACCOUNT_ID,
            "Maria",
            "Garcia",
            "maria-garcia-400",
            MemberFlags::IMPORTED,
        ));
        members.push(member(
            46875438,
            DEMO_CAMPAIGN_PAUSED,
            DEMO_ACCOUNT_ID,
            "Li",
            "Wei",
            "li-wei-500",
            MemberFlags::PENDING,
        ));
        members.push(member(
            46875439,
            DEMO_CAMPAIGN_BLOCKED,
            DEMO_BLOCKED_ACCOUNT_ID,
            "Tom",
            "Brown",
            "tom-brown-600",
            MemberFlags::IMPORTED,
        ));
        for m in members {
            world.insert_member(m);
        }

        world.webhooks.insert(
            DEMO_WEBHOOK_ID,
            WebhookRec {
                id: DEMO_WEBHOOK_ID,
                account_id: DEMO_ACCOUNT_ID,
                name: "Demo CRM".into(),
                url: "http://127.0.0.1:9/salesflow-demo".into(),
                disable_for_muted: Some(false),
            },
        );
        world.attachments.insert(
            17745,
            AttachmentRec {
                id: 17745,
                webhook_id: DEMO_WEBHOOK_ID,
                campaign_id: DEMO_CAMPAIGN_RUNNING,
                run_on: RunOn::MemberConnected,
            },
        );
        world
    }

    fn add_account_rec(&mut self, account: AccountRec) {
        self.accounts.insert(account.id, account);
    }

    /// Lets `token` reach `account_id`.
    pub(crate) fn grant(&mut self, token: &str, account_id: i64) {
        self.tokens
            .entry(token.to_string())
            .or_default()
            .insert(account_id);
    }

    /// Whether `token` reaches `account_id`.
    pub(crate) fn reaches(&self, token: &str, account_id: i64) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|accounts| accounts.contains(&account_id))
            && self.accounts.contains_key(&account_id)
    }

    /// The campaign `id` if it belongs to `account_id`.
    pub(crate) fn campaign(&self, account_id: i64, id: i64) -> Option<&CampaignRec> {
        self.campaigns
            .get(&id)
            .filter(|c| c.account_id == account_id)
    }

    /// The member `id` if it belongs to `account_id`.
    pub(crate) fn member(&self, account_id: i64, id: i64) -> Option<&MemberRec> {
        self.members.get(&id).filter(|m| m.account_id == account_id)
    }

    /// The webhook `id` if it belongs to `account_id`.
    pub(crate) fn webhook(&self, account_id: i64, id: i64) -> Option<&WebhookRec> {
        self.webhooks
            .get(&id)
            .filter(|w| w.account_id == account_id)
    }

    /// The original (non-duplicate) member of `account_id` with this public identifier.
    pub(crate) fn member_by_identifier(
        &self,
        account_id: i64,
        identifier: &str,
    ) -> Option<&MemberRec> {
        self.originals
            .get(&(account_id, identifier.to_owned()))
            .and_then(|id| self.members.get(id))
    }

    /// Adds (or replaces) a member, indexing it by public identifier unless it is flagged
    /// `MEMBER_DUPLICATE` or its identifier already has an original.
    pub(crate) fn insert_member(&mut self, member: MemberRec) {
        if let Some(old) = self.members.remove(&member.id) {
            self.unindex(&old);
        }
        if !member.status.contains(MemberFlags::DUPLICATE) {
            self.originals
                .entry((member.account_id, member.public_identifier.clone()))
                .or_insert(member.id);
        }
        self.members.insert(member.id, member);
    }

    /// Removes a member (and its index entry).
    pub(crate) fn remove_member(&mut self, id: i64) -> Option<MemberRec> {
        let member = self.members.remove(&id)?;
        self.unindex(&member);
        Some(member)
    }

    fn unindex(&mut self, member: &MemberRec) {
        let key = (member.account_id, member.public_identifier.clone());
        if self.originals.get(&key) == Some(&member.id) {
            self.originals.remove(&key);
            // Another original of the same identifier (possible only through seeding or
            // `insert_member`) takes its place, as the former linear scan would have found.
            if let Some(next) = self.members.values().find(|m| {
                m.account_id == key.0
                    && m.public_identifier == key.1
                    && !m.status.contains(MemberFlags::DUPLICATE)
            }) {
                self.originals.insert(key, next.id);
            }
        }
    }

    pub(crate) fn next_member_id(&mut self) -> i64 {
        let id = self.next_member_id;
        self.next_member_id += 1;
        id
    }

    pub(crate) fn next_campaign_id(&mut self) -> i64 {
        let id = self.next_campaign_id;
        self.next_campaign_id += 1;
        id
    }

    pub(crate) fn next_webhook_id(&mut self) -> i64 {
        let id = self.next_webhook_id;
        self.next_webhook_id += 1;
        id
    }

    pub(crate) fn next_attachment_id(&mut self) -> i64 {
        let id = self.next_attachment_id;
        self.next_attachment_id += 1;
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_identifier_index_follows_inserts_and_removals() {
        let mut w = World::seeded(Seed::Empty);
        let rec = |id, status| MemberRec {
            id,
            account_id: DEMO_ACCOUNT_ID,
            public_identifier: "ann".into(),
            status,
            ..MemberRec::default()
        };
        w.insert_member(rec(1, MemberFlags::IMPORTED));
        w.insert_member(rec(2, MemberFlags::IMPORTED | MemberFlags::DUPLICATE));
        assert_eq!(
            w.member_by_identifier(DEMO_ACCOUNT_ID, "ann").map(|m| m.id),
            Some(1)
        );
        assert!(w
            .member_by_identifier(DEMO_OTHER_ACCOUNT_ID, "ann")
            .is_none());
        assert!(w.member_by_identifier(DEMO_ACCOUNT_ID, "bob").is_none());
        w.remove_member(1);
        assert!(w.member_by_identifier(DEMO_ACCOUNT_ID, "ann").is_none());
        w.insert_member(rec(3, MemberFlags::IMPORTED));
        assert_eq!(
            w.member_by_identifier(DEMO_ACCOUNT_ID, "ann").map(|m| m.id),
            Some(3)
        );
    }
}
