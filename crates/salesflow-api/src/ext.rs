//! Hand-written methods on the generated response types: the checks users make on them.
//!
//! They live here, in the types' crate, so that they are inherent methods (no trait to
//! import). Each reads fields the spec defines; if a regeneration renames or removes one,
//! this file stops compiling.

use salesflow_webhook_types::{AccountStatus, CampaignStatus, MemberFlags};

use crate::types::{Account, Campaign, ContactDetails, StatusMessage, Webhook, WebhookCampaign};

impl ContactDetails {
    /// The member's status flags (empty when the answer carried no `Status`).
    ///
    /// ```
    /// use salesflow_api::types::ContactDetails;
    /// use salesflow_webhook_types::MemberFlags;
    /// let details: ContactDetails =
    ///     serde_json::from_str(r#"{"MemberId": 1, "Status": "MEMBER_IMPORTED, MEMBER_DUPLICATE"}"#)?;
    /// assert!(details.flags().contains(MemberFlags::IMPORTED));
    /// assert!(details.is_duplicate());
    /// assert!(!details.is_error());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn flags(&self) -> MemberFlags {
        self.status.as_ref().map(|s| s.flags()).unwrap_or_default()
    }

    /// Whether the status has `MEMBER_DUPLICATE`: ImportMember found the profile already
    /// imported (the vendor keeps the original member).
    pub fn is_duplicate(&self) -> bool {
        self.flags().contains(MemberFlags::DUPLICATE)
    }

    /// Whether the status has `MEMBER_ERROR`.
    pub fn is_error(&self) -> bool {
        self.flags().contains(MemberFlags::ERROR)
    }

    /// Whether the status has `MEMBER_CONNECTED`.
    pub fn is_connected(&self) -> bool {
        self.flags().contains(MemberFlags::CONNECTED)
    }
}

impl Campaign {
    /// Whether the status is `CAMPAIGN_RUNNING`.
    ///
    /// ```
    /// let c: salesflow_api::types::Campaign =
    ///     serde_json::from_str(r#"{"CampaignId": 1, "Status": "CAMPAIGN_RUNNING"}"#)?;
    /// assert!(c.is_running() && !c.is_paused() && !c.is_stopped());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn is_running(&self) -> bool {
        self.status == Some(CampaignStatus::Running)
    }

    /// Whether the status is `CAMPAIGN_PAUSED` (it starts at its scheduled time).
    pub fn is_paused(&self) -> bool {
        self.status == Some(CampaignStatus::Paused)
    }

    /// Whether the status is `CAMPAIGN_STOPPED`.
    pub fn is_stopped(&self) -> bool {
        self.status == Some(CampaignStatus::Stopped)
    }
}

impl Account {
    /// Whether the status is `ACCOUNT_ACTIVE`.
    ///
    /// ```
    /// let a: salesflow_api::types::Account =
    ///     serde_json::from_str(r#"{"AccountId": 11, "Status": "ACCOUNT_BLOCKED"}"#)?;
    /// assert!(a.is_blocked() && !a.is_active());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn is_active(&self) -> bool {
        self.status == Some(AccountStatus::Active)
    }

    /// Whether the status is `ACCOUNT_BLOCKED`.
    pub fn is_blocked(&self) -> bool {
        self.status == Some(AccountStatus::Blocked)
    }
}

impl Webhook {
    /// Its attachments to campaigns (none when the answer had `null` or nothing).
    pub fn attachments(&self) -> &[WebhookCampaign] {
        self.attached_webhook_campaigns
            .as_deref()
            .unwrap_or_default()
    }
}

impl StatusMessage {
    /// Whether the body reports an error (`Status` of 400 or more), whatever the HTTP
    /// status was.
    pub fn is_error(&self) -> bool {
        self.status >= 400
    }
}
