//! The values the client returns and takes.
//!
//! Returned values serialize with the vendor's PascalCase field names (`MemberId`,
//! `CampaignName`), so they can be stored or forwarded as the vendor would send them, and
//! read back. They are converted from the low-level client's types in `convert.rs`.

use serde::{Deserialize, Serialize};

use crate::validate::{self, ValidationError};
use crate::{AccountStatus, CampaignStatus, DotNetDate, FlexibleDate, MemberStatus, RunOn};

/// A contact (campaign member), as ImportMember, UpdateContact, GetContact (by public
/// identifier) and both ListContacts return it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Contact {
    /// The member id.
    pub member_id: i64,
    /// The LinkedIn public identifier (absent in ListContacts-by-campaign items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_identifier: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Occupation (headline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// Industry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Company (since API 1.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// LinkedIn profile URL (since API 1.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_url: Option<String>,
    /// Last change (since API 1.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_at: Option<FlexibleDate>,
    /// When the member was added (since API 1.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_at: Option<FlexibleDate>,
    /// The member status flags. Set by [`Client::import_member`](crate::Client::import_member)
    /// (where `MEMBER_DUPLICATE` tells a duplicate import) and in
    /// [`ContactDetails`]; the other operations' responses are not documented to carry it,
    /// and it is `None` there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MemberStatus>,
}

impl Contact {
    /// Whether the status has `MEMBER_DUPLICATE` (the profile was already imported).
    pub fn is_duplicate(&self) -> bool {
        self.status.as_ref().is_some_and(MemberStatus::is_duplicate)
    }
}

/// A contact with its status and campaign, as GetContact (by memberId) returns it.
///
/// Serialized flat, as the vendor sends it: the contact's fields (with `Status`) plus
/// `CampaignId` and `CampaignName`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactDetails {
    /// The contact; its [`status`](Contact::status) is the member status.
    #[serde(flatten)]
    pub contact: Contact,
    /// The campaign the member belongs to (nullable).
    #[serde(
        rename = "CampaignId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub campaign_id: Option<i64>,
    /// The campaign's name.
    #[serde(
        rename = "CampaignName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub campaign_name: Option<String>,
}

/// A campaign (ListCampaigns).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Campaign {
    /// The campaign id.
    pub campaign_id: i64,
    /// The campaign's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_name: Option<String>,
    /// Running, paused, stopped, or a value this crate does not know (kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CampaignStatus>,
    /// Last change (since API 1.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_at: Option<FlexibleDate>,
}

/// A campaign's statistics (GetCampaignStatistics).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CampaignStatistics {
    /// The campaign id.
    pub campaign_id: i64,
    /// Members in the campaign.
    pub total: i64,
    /// InMails sent.
    pub in_mails: i64,
    /// Members imported.
    pub imported: i64,
    /// Connections made.
    pub connections: i64,
    /// Messages sent.
    pub messages: i64,
    /// Members pending.
    pub pending: i64,
    /// Replies received.
    pub replies: i64,
    /// Invitations withdrawn.
    pub withdrawn: i64,
    /// Invitations sent.
    pub invitations: i64,
    /// When the figures were computed (a .NET date on the wire).
    pub updated_at: DotNetDate,
    /// How long computing them took, as the vendor reports it.
    pub elapsed: f64,
}

/// A LinkedIn account (ListAccounts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Account {
    /// The account id (what other calls send as `accountId`).
    pub account_id: i64,
    /// The account's e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_email: Option<String>,
    /// Active, blocked, or a value this crate does not know (kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AccountStatus>,
    /// The user's id (since API 1.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_db_id: Option<i64>,
    /// The user's e-mail address (since API 1.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
}

/// A webhook (CreateWebhook, ListWebhooks).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Webhook {
    /// The webhook id.
    pub webhook_id: i64,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The URL it calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Whether it is not triggered for muted contacts (nullable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_for_muted_contacts: Option<bool>,
    /// Its attachments to campaigns (empty when the vendor sends none or `null`).
    #[serde(default)]
    pub attached_webhook_campaigns: Vec<WebhookCampaign>,
}

/// An attachment of a webhook to a campaign for one event (AttachWebhook).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct WebhookCampaign {
    /// The attachment's id: what [`Client::detach_webhook`](crate::Client::detach_webhook)
    /// takes.
    pub webhook_campaign_id: i64,
    /// The campaign.
    pub campaign_id: i64,
    /// The event (unknown codes are kept).
    pub run_on: RunOn,
}

/// The vendor's status body (`{"Status": 204, "Message": null}`), returned by the
/// operations that have nothing else to return. A `Status` of 400 or more is never
/// returned as a value: it is an [`Error::Api`](crate::Error::Api).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct StatusMessage {
    /// The status, like an HTTP status (200, 204).
    pub status: i32,
    /// A message, e.g. `"Campaign has been started."`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A contact to import (ImportMember).
///
/// ```
/// let member = salesflow::NewMember::new("https://www.linkedin.com/in/john-smith-123456")
///     .first_name("John")
///     .last_name("Smith")
///     .custom(1, "lead source: webinar");
/// assert_eq!(member.custom_field(1), Some("lead source: webinar"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewMember {
    /// The LinkedIn profile URL (required; checked as described in
    /// [`validate`](crate::validate)).
    pub linkedin_url: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Occupation.
    pub occupation: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Custom fields 1 to 10 (since API 1.10), at indexes 0 to 9.
    pub custom: [Option<String>; 10],
}

impl NewMember {
    /// A member to import from its LinkedIn profile URL.
    pub fn new(linkedin_url: impl Into<String>) -> Self {
        NewMember {
            linkedin_url: linkedin_url.into(),
            ..NewMember::default()
        }
    }

    /// Sets the first name.
    pub fn first_name(mut self, value: impl Into<String>) -> Self {
        self.first_name = Some(value.into());
        self
    }

    /// Sets the last name.
    pub fn last_name(mut self, value: impl Into<String>) -> Self {
        self.last_name = Some(value.into());
        self
    }

    /// Sets the occupation.
    pub fn occupation(mut self, value: impl Into<String>) -> Self {
        self.occupation = Some(value.into());
        self
    }

    /// Sets the location.
    pub fn location(mut self, value: impl Into<String>) -> Self {
        self.location = Some(value.into());
        self
    }

    /// Sets custom field `n` (1 to 10, sent as `custom<n>`). An `n` outside 1..=10 is
    /// ignored.
    pub fn custom(mut self, n: usize, value: impl Into<String>) -> Self {
        if let Some(slot) = n.checked_sub(1).and_then(|i| self.custom.get_mut(i)) {
            *slot = Some(value.into());
        }
        self
    }

    /// Custom field `n` (1 to 10).
    pub fn custom_field(&self, n: usize) -> Option<&str> {
        n.checked_sub(1)
            .and_then(|i| self.custom.get(i))
            .and_then(|v| v.as_deref())
    }

    /// Checks every rule of ImportMember before anything is sent, and returns a copy whose
    /// `linkedin_url` is the canonical URL to send: the profile URL rule of
    /// [`validate::linkedin_profile_url`](crate::validate::linkedin_profile_url) for
    /// `linkedInUrl`, then the maximum lengths of
    /// [`validate::MEMBER_FIELD_LIMITS`](crate::validate::MEMBER_FIELD_LIMITS)
    /// (`firstName`, `lastName`, `location`, `occupation`, `custom1`..`custom10`), in that
    /// order. [`Client::import_member`](crate::Client::import_member) and
    /// [`Client::import_members`](crate::Client::import_members) call it.
    ///
    /// ```
    /// let member = salesflow::NewMember::new("www.linkedin.com/in/John-Smith/").first_name("John");
    /// let checked = member.validate()?;
    /// assert_eq!(checked.linkedin_url, "https://www.linkedin.com/in/john-smith");
    /// let err = salesflow::NewMember::new("https://www.linkedin.com/in/x")
    ///     .first_name("x".repeat(64))
    ///     .validate()
    ///     .unwrap_err();
    /// assert_eq!(err.field, "firstName");
    /// # Ok::<(), salesflow::ValidationError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first rule broken, naming the field by its name on the wire.
    pub fn validate(&self) -> Result<NewMember, ValidationError> {
        let linkedin_url = validate::linkedin_profile_url("linkedInUrl", &self.linkedin_url)?;
        let fields = [
            &self.first_name,
            &self.last_name,
            &self.location,
            &self.occupation,
        ]
        .into_iter()
        .chain(self.custom.iter());
        for (limit, value) in validate::MEMBER_FIELD_LIMITS.iter().zip(fields) {
            if let Some(v) = value {
                validate::max_len(limit.field, v, limit.max_chars)?;
            }
        }
        Ok(NewMember {
            linkedin_url,
            ..self.clone()
        })
    }
}

/// The fields of a contact to change (UpdateContact); `None` fields are left as they are
/// and not sent.
///
/// ```
/// let update = salesflow::ContactUpdate::new().email("john@example.com").phone("1555123456");
/// assert!(update.first_name.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactUpdate {
    /// First name, at most 63 characters.
    pub first_name: Option<String>,
    /// Last name, at most 63 characters.
    pub last_name: Option<String>,
    /// Location, at most 127 characters.
    pub location: Option<String>,
    /// Occupation, at most 1023 characters.
    pub occupation: Option<String>,
    /// Industry, at most 1023 characters.
    pub industry: Option<String>,
    /// E-mail address, at most 1023 characters.
    pub email: Option<String>,
    /// Phone number, at most 1023 characters.
    pub phone: Option<String>,
}

macro_rules! setters {
    ($ty:ident: $($field:ident),+) => {
        impl $ty {
            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )+
        }
    };
}

impl ContactUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        ContactUpdate::default()
    }
}

setters!(ContactUpdate: first_name, last_name, location, occupation, industry, email, phone);

/// A webhook to create (CreateWebhook).
///
/// ```
/// let hook = salesflow::NewWebhook::new("crm-sync", "https://crm.example.com/hooks/salesflow")
///     .disable_for_muted_contacts(true);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewWebhook {
    /// The name, 1 to 255 characters.
    pub name: String,
    /// The URL to call, an `http(s)` URL of 1 to 511 characters.
    pub url: String,
    /// If true, the webhook is not triggered for muted contacts.
    pub disable_for_muted_contacts: Option<bool>,
}

impl NewWebhook {
    /// A webhook with a name and URL.
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        NewWebhook {
            name: name.into(),
            url: url.into(),
            disable_for_muted_contacts: None,
        }
    }

    /// Sets `DisableForMutedContacts`.
    pub fn disable_for_muted_contacts(mut self, value: bool) -> Self {
        self.disable_for_muted_contacts = Some(value);
        self
    }
}

/// Options of GetCampaignStatistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatisticsOptions {
    /// Ask the server to recompute the figures instead of serving cached ones
    /// (`isForceRequest`, since API 1.11). Sent only when `true`.
    pub force_refresh: bool,
}

impl StatisticsOptions {
    /// Sets [`force_refresh`](Self::force_refresh).
    pub fn force_refresh(mut self, value: bool) -> Self {
        self.force_refresh = value;
        self
    }
}

/// Options of the list operations (ListContacts, ListCampaigns).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListOptions {
    /// Only items changed at or after this moment (`UpdatedFromDate`, since API 1.8/1.9),
    /// sent as ISO 8601.
    pub updated_from: Option<FlexibleDate>,
}

impl ListOptions {
    /// Only items changed at or after `date` (e.g. a `chrono::DateTime<Utc>`).
    pub fn updated_from(mut self, date: impl Into<FlexibleDate>) -> Self {
        self.updated_from = Some(date.into());
        self
    }
}
