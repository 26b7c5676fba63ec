//! Conversions from the low-level client's types to the domain types (the only place
//! where they are written), and from the domain inputs to the low-level request types
//! (after validation).

use salesflow_api::types;

use crate::model::{
    Account, Campaign, CampaignStatistics, Contact, ContactDetails, ContactUpdate, NewWebhook,
    StatusMessage, Webhook, WebhookCampaign,
};
use crate::validate::{self, ValidationError, ValidationReason};

/// The fields `Contact` and `ContactDetails` of the spec share, moved into a domain
/// [`Contact`]: one list of fields for both generated types.
macro_rules! contact_from {
    ($c:ident, status: $status:expr) => {
        Contact {
            member_id: $c.member_id,
            public_identifier: $c.public_identifier,
            first_name: $c.first_name,
            last_name: $c.last_name,
            location: $c.location,
            occupation: $c.occupation,
            industry: $c.industry,
            email: $c.email,
            phone: $c.phone,
            company: $c.company,
            member_url: $c.member_url,
            last_modified_at: $c.last_modified_at,
            added_at: $c.added_at,
            status: $status,
        }
    };
}

impl From<types::Contact> for Contact {
    fn from(c: types::Contact) -> Self {
        contact_from!(c, status: None)
    }
}

impl From<types::ContactDetails> for ContactDetails {
    fn from(c: types::ContactDetails) -> Self {
        ContactDetails {
            campaign_id: c.campaign_id,
            campaign_name: c.campaign_name,
            contact: contact_from!(c, status: c.status),
        }
    }
}

impl From<types::Campaign> for Campaign {
    fn from(c: types::Campaign) -> Self {
        Campaign {
            campaign_id: c.campaign_id,
            campaign_name: c.campaign_name,
            status: c.status,
            last_modified_at: c.last_modified_at,
        }
    }
}

impl From<types::CampaignStatistics> for CampaignStatistics {
    fn from(s: types::CampaignStatistics) -> Self {
        CampaignStatistics {
            campaign_id: s.campaign_id,
            total: s.total,
            in_mails: s.in_mails,
            imported: s.imported,
            connections: s.connections,
            messages: s.messages,
            pending: s.pending,
            replies: s.replies,
            withdrawn: s.withdrawn,
            invitations: s.invitations,
            updated_at: s.updated_at,
            elapsed: s.elapsed,
        }
    }
}

impl From<types::Account> for Account {
    fn from(a: types::Account) -> Self {
        Account {
            account_id: a.account_id,
            account_email: a.account_email,
            status: a.status,
            user_db_id: a.user_db_id,
            user_email: a.user_email,
        }
    }
}

impl From<types::WebhookCampaign> for WebhookCampaign {
    fn from(w: types::WebhookCampaign) -> Self {
        WebhookCampaign {
            webhook_campaign_id: w.webhook_campaign_id,
            campaign_id: w.campaign_id,
            run_on: w.run_on,
        }
    }
}

impl From<types::Webhook> for Webhook {
    fn from(w: types::Webhook) -> Self {
        Webhook {
            webhook_id: w.webhook_id,
            name: w.name,
            url: w.url,
            disable_for_muted_contacts: w.disable_for_muted_contacts,
            attached_webhook_campaigns: w
                .attached_webhook_campaigns
                .unwrap_or_default()
                .into_iter()
                .map(WebhookCampaign::from)
                .collect(),
        }
    }
}

impl From<types::StatusMessage> for StatusMessage {
    fn from(m: types::StatusMessage) -> Self {
        StatusMessage {
            status: m.status,
            message: m.message,
        }
    }
}

/// Converts a list of low-level values.
pub(crate) fn list<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

/// Validates an update and converts it into the generated request.
pub(crate) fn update_request(
    update: &ContactUpdate,
) -> Result<types::UpdateContactRequest, ValidationError> {
    fn field<T>(
        name: &'static str,
        value: &Option<String>,
        max: usize,
    ) -> Result<Option<T>, ValidationError>
    where
        T: for<'a> TryFrom<&'a str>,
    {
        match value {
            None => Ok(None),
            Some(v) => {
                validate::max_len(name, v, max)?;
                validate::into_generated(name, v, || ValidationReason::TooLong {
                    max,
                    actual: v.chars().count(),
                })
                .map(Some)
            }
        }
    }
    Ok(types::UpdateContactRequest {
        first_name: field("firstName", &update.first_name, 63)?,
        last_name: field("lastName", &update.last_name, 63)?,
        location: field("location", &update.location, 127)?,
        occupation: field("occupation", &update.occupation, 1023)?,
        industry: field("industry", &update.industry, 1023)?,
        email: field("email", &update.email, 1023)?,
        phone: field("phone", &update.phone, 1023)?,
    })
}

/// Validates a webhook and converts it into the generated request.
pub(crate) fn webhook_request(
    hook: &NewWebhook,
) -> Result<types::CreateWebhookRequest, ValidationError> {
    validate::non_blank("Name", &hook.name)?;
    validate::max_len("Name", &hook.name, 255)?;
    validate::non_blank("Url", &hook.url)?;
    validate::max_len("Url", &hook.url, 511)?;
    validate::http_url("Url", &hook.url)?;
    Ok(types::CreateWebhookRequest {
        name: validate::into_generated("Name", &hook.name, || ValidationReason::Empty)?,
        url: validate::into_generated("Url", &hook.url, || ValidationReason::Empty)?,
        disable_for_muted_contacts: hook.disable_for_muted_contacts,
    })
}
