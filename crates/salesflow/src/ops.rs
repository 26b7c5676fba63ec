//! One method per operation.

use salesflow_api::types;

use crate::client::{Client, Ids};
use crate::convert;
use crate::error::{check_status_message, Error};
use crate::model::{
    Account, Campaign, CampaignStatistics, Contact, ContactDetails, ContactUpdate, ListOptions,
    NewMember, NewWebhook, StatisticsOptions, StatusMessage, Webhook, WebhookCampaign,
};
use crate::validate::{self, ValidationReason};
use crate::RunOn;

impl Client {
    /// A campaign's statistics (vendor operation **GetCampaignStatistics**, served by the
    /// `app` host).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] without an account id; [`Error::Api`] (403 [`Forbidden`],
    /// [`NotFound`] in a 200 body, ...), [`Error::Transport`], [`Error::Decode`]. Retried
    /// under the [`RetryPolicy`](crate::RetryPolicy).
    ///
    /// [`Forbidden`]: crate::ApiErrorKind::Forbidden
    /// [`NotFound`]: crate::ApiErrorKind::NotFound
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let stats = client.campaign_statistics(12345).await?;
    /// println!("{} of {} connected", stats.connections, stats.total);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetCampaignStatistics", alias = "getCampaignStatistics")]
    pub async fn campaign_statistics(&self, campaign_id: i64) -> Result<CampaignStatistics, Error> {
        self.campaign_statistics_with(campaign_id, StatisticsOptions::default())
            .await
    }

    /// [`campaign_statistics`](Self::campaign_statistics) with options (vendor operation
    /// **GetCampaignStatistics**): `force_refresh` sends `isForceRequest=true`.
    ///
    /// # Errors
    ///
    /// As [`campaign_statistics`](Self::campaign_statistics).
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::StatisticsOptions;
    /// let fresh = client
    ///     .campaign_statistics_with(12345, StatisticsOptions::default().force_refresh(true))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetCampaignStatistics", alias = "getCampaignStatistics")]
    pub async fn campaign_statistics_with(
        &self,
        campaign_id: i64,
        options: StatisticsOptions,
    ) -> Result<CampaignStatistics, Error> {
        let api = &self.inner.api;
        let force = options.force_refresh.then_some(true);
        self.call("getCampaignStatistics", Ids::campaign(campaign_id), || {
            api.get_campaign_statistics(campaign_id, force)
        })
        .await
        .map(CampaignStatistics::from)
    }

    /// Imports one contact into a campaign (vendor operation **ImportMember**, a GET that
    /// changes state) and returns the created member with its status: check
    /// [`Contact::is_duplicate`] for a profile that was already imported.
    ///
    /// Not retried blindly: only after a 429 or a refused connection, when the server did
    /// nothing (see [`RetryPolicy`](crate::RetryPolicy)). For many members use
    /// [`import_members`](Self::import_members).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for a URL that is not a LinkedIn profile or a field over its
    /// maximum length (see [`NewMember::validate`]), before any request; the URL sent is
    /// the canonical one it returns. [`Error::Config`] without an account id;
    /// [`Error::Api`], [`Error::Transport`], [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::NewMember;
    /// let member = NewMember::new("https://www.linkedin.com/in/john-smith-123456")
    ///     .first_name("John")
    ///     .last_name("Smith");
    /// let contact = client.import_member(12345, &member).await?;
    /// println!("member {} (duplicate: {})", contact.member_id, contact.is_duplicate());
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ImportMember", alias = "importMember")]
    pub async fn import_member(
        &self,
        campaign_id: i64,
        member: &NewMember,
    ) -> Result<Contact, Error> {
        let member = &member.validate()?;
        let url: types::ImportMemberLinkedInUrl = member.linkedin_url.parse().map_err(|_| {
            Error::Validation(validate::ValidationError::new(
                "linkedInUrl",
                ValidationReason::Empty,
            ))
        })?;
        let api = &self.inner.api;
        let custom = |i: usize| member.custom[i].as_deref();
        self.call("importMember", Ids::campaign(campaign_id), || {
            api.import_member(
                campaign_id,
                custom(0),
                custom(9),
                custom(1),
                custom(2),
                custom(3),
                custom(4),
                custom(5),
                custom(6),
                custom(7),
                custom(8),
                member.first_name.as_deref(),
                member.last_name.as_deref(),
                &url,
                member.location.as_deref(),
                member.occupation.as_deref(),
            )
        })
        .await
        .map(|details| ContactDetails::from(details).contact)
    }

    /// Changes a contact's fields (vendor operation **UpdateContact**, a POST with a camelCase
    /// JSON body holding only the fields that are `Some`) and returns the contact.
    ///
    /// Not retried blindly: only after a 429 or a refused connection, when the server did
    /// nothing (see [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for a field over its maximum length (see
    /// [`validate`](crate::validate)), before any request; [`Error::Config`],
    /// [`Error::Api`], [`Error::Transport`], [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::ContactUpdate;
    /// let contact = client
    ///     .update_contact(46875434, &ContactUpdate::new().email("john@example.com"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "UpdateContact", alias = "updateContact")]
    pub async fn update_contact(
        &self,
        member_id: i64,
        update: &ContactUpdate,
    ) -> Result<Contact, Error> {
        let body = convert::update_request(update)?;
        let api = &self.inner.api;
        self.call("updateContact", Ids::member(member_id), || {
            api.update_contact(member_id, &body)
        })
        .await
        .map(Contact::from)
    }

    /// One contact with its status and campaign (vendor operation **GetContact (by
    /// memberId)**).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with [`NotFound`](crate::ApiErrorKind::NotFound) for an unknown member
    /// (also when the server answers HTTP 200 with `{"Status": 404}`); [`Error::Config`],
    /// [`Error::Transport`], [`Error::Decode`]. Retried.
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let details = client.contact(46875434).await?;
    /// println!("{:?} in {:?}", details.contact.status, details.campaign_name);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetContact", alias = "getContact")]
    pub async fn contact(&self, member_id: i64) -> Result<ContactDetails, Error> {
        let api = &self.inner.api;
        self.call("getContact", Ids::member(member_id), || {
            api.get_contact(member_id)
        })
        .await
        .map(ContactDetails::from)
    }

    /// One contact by its LinkedIn public identifier (vendor operation **GetContact (by
    /// public identifier)**).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for an empty identifier, before any request; otherwise as
    /// [`contact`](Self::contact).
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let contact = client.contact_by_public_identifier("identity500").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetContact", alias = "getContactByPublicIdentifier")]
    pub async fn contact_by_public_identifier(
        &self,
        public_identifier: &str,
    ) -> Result<Contact, Error> {
        validate::non_blank("publicIdentifier", public_identifier)?;
        let id: types::GetContactByPublicIdentifierPublicIdentifier =
            validate::into_generated("publicIdentifier", public_identifier, || {
                ValidationReason::Empty
            })?;
        let api = &self.inner.api;
        self.call("getContactByPublicIdentifier", Ids::default(), || {
            api.get_contact_by_public_identifier(&id)
        })
        .await
        .map(Contact::from)
    }

    /// Deletes a contact (vendor operation **DeleteContact**) and returns the vendor's status
    /// body (`{"Status": 204}` on success).
    ///
    /// Not retried blindly: only after a 429 or a refused connection, when the server did
    /// nothing (see [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an HTTP error or a body `Status` of 400 or more; [`Error::Config`],
    /// [`Error::Transport`], [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// client.delete_contact(46875434).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DeleteContact", alias = "deleteContact")]
    pub async fn delete_contact(&self, member_id: i64) -> Result<StatusMessage, Error> {
        let api = &self.inner.api;
        let msg = self
            .call("deleteContact", Ids::member(member_id), || {
                api.delete_contact(member_id)
            })
            .await?;
        self.status_message("deleteContact", msg)
    }

    /// The contacts of a campaign (vendor operation **ListContacts (by campaignId)**). Items
    /// carry no public identifier.
    ///
    /// # Errors
    ///
    /// [`Error::Config`], [`Error::Api`], [`Error::Transport`], [`Error::Decode`]. Retried.
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// for contact in client.campaign_contacts(456).await? {
    ///     println!("{} {:?}", contact.member_id, contact.first_name);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ListContacts", alias = "listContactsByCampaign")]
    pub async fn campaign_contacts(&self, campaign_id: i64) -> Result<Vec<Contact>, Error> {
        self.campaign_contacts_with(campaign_id, ListOptions::default())
            .await
    }

    /// [`campaign_contacts`](Self::campaign_contacts) with options (vendor operation
    /// **ListContacts (by campaignId)**): `updated_from` sends `updatedFromDate` as ISO 8601.
    ///
    /// # Errors
    ///
    /// As [`campaign_contacts`](Self::campaign_contacts).
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let since = chrono::Utc::now() - chrono::Duration::days(1);
    /// let changed = client
    ///     .campaign_contacts_with(456, salesflow::ListOptions::default().updated_from(since))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ListContacts", alias = "listContactsByCampaign")]
    pub async fn campaign_contacts_with(
        &self,
        campaign_id: i64,
        options: ListOptions,
    ) -> Result<Vec<Contact>, Error> {
        let api = &self.inner.api;
        let from = options.updated_from;
        self.call("listContactsByCampaign", Ids::campaign(campaign_id), || {
            api.list_contacts_by_campaign(campaign_id, from.as_ref())
        })
        .await
        .map(convert::list)
    }

    /// The account's campaigns (vendor operation **ListCampaigns**).
    ///
    /// # Errors
    ///
    /// [`Error::Config`], [`Error::Api`], [`Error::Transport`], [`Error::Decode`]. Retried.
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// for campaign in client.campaigns().await? {
    ///     println!("{} {:?} {:?}", campaign.campaign_id, campaign.campaign_name, campaign.status);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ListCampaigns", alias = "listCampaigns")]
    pub async fn campaigns(&self) -> Result<Vec<Campaign>, Error> {
        self.campaigns_with(ListOptions::default()).await
    }

    /// [`campaigns`](Self::campaigns) with options (vendor operation **ListCampaigns**):
    /// `updated_from` sends `updatedFromDate` as ISO 8601.
    ///
    /// # Errors
    ///
    /// As [`campaigns`](Self::campaigns).
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let since = chrono::Utc::now() - chrono::Duration::days(7);
    /// let changed = client.campaigns_with(salesflow::ListOptions::default().updated_from(since)).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ListCampaigns", alias = "listCampaigns")]
    pub async fn campaigns_with(&self, options: ListOptions) -> Result<Vec<Campaign>, Error> {
        let api = &self.inner.api;
        let from = options.updated_from;
        self.call("listCampaigns", Ids::default(), || {
            api.list_campaigns(from.as_ref())
        })
        .await
        .map(convert::list)
    }

    /// Starts a campaign (vendor operation **Start campaign**) and returns the vendor's
    /// status body (`{"Status": 200, "Message": "Campaign has been started."}`).
    ///
    /// Not retried blindly: only after a 429 or a refused connection, when the server did
    /// nothing (see [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] whose [`kind`](crate::ApiError::kind) tells the documented failures:
    /// [`Forbidden`](crate::ApiErrorKind::Forbidden) (403, invalid token or account),
    /// [`NotFound`](crate::ApiErrorKind::NotFound) (404),
    /// [`Conflict`](crate::ApiErrorKind::Conflict) (409, already running),
    /// [`Unprocessable`](crate::ApiErrorKind::Unprocessable) (422, `message` may say why);
    /// also [`Error::Config`], [`Error::Transport`], [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::{ApiErrorKind, Error};
    /// match client.start_campaign(456).await {
    ///     Ok(_) => println!("started"),
    ///     Err(Error::Api(e)) if e.kind == ApiErrorKind::Conflict => println!("already running"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(
        alias = "StartCampaign",
        alias = "Start campaign",
        alias = "startCampaign"
    )]
    pub async fn start_campaign(&self, campaign_id: i64) -> Result<StatusMessage, Error> {
        let api = &self.inner.api;
        let body = types::EmptyBody {};
        let msg = self
            .call("startCampaign", Ids::campaign(campaign_id), || {
                api.start_campaign(campaign_id, &body)
            })
            .await?;
        self.status_message("startCampaign", msg)
    }

    /// The accounts reachable with the token (vendor operation **List Accounts**), the only
    /// call that needs no account id.
    ///
    /// # Errors
    ///
    /// [`Error::Api`], [`Error::Transport`], [`Error::Decode`]. Retried.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), salesflow::Error> {
    /// let client = salesflow::Client::builder().token("my-token").build()?;
    /// for account in client.accounts().await? {
    ///     println!("{} {:?}", account.account_id, account.status);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(
        alias = "ListAccounts",
        alias = "List Accounts",
        alias = "listAccounts"
    )]
    pub async fn accounts(&self) -> Result<Vec<Account>, Error> {
        let api = &self.inner.api;
        self.call("listAccounts", Ids::default(), || api.list_accounts())
            .await
            .map(convert::list)
    }

    /// Creates a webhook (vendor operation **CreateWebhook**, a POST).
    ///
    /// Not retried blindly: only after a 429 or a refused connection, when the server did
    /// nothing (see [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for a name or URL that is empty, too long, or (URL) not an
    /// `http(s)` URL, before any request; [`Error::Config`], [`Error::Api`],
    /// [`Error::Transport`], [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let hook = client
    ///     .create_webhook(&salesflow::NewWebhook::new("crm", "https://crm.example.com/hook"))
    ///     .await?;
    /// println!("webhook {}", hook.webhook_id);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "CreateWebhook", alias = "createWebhook")]
    pub async fn create_webhook(&self, webhook: &NewWebhook) -> Result<Webhook, Error> {
        let body = convert::webhook_request(webhook)?;
        let api = &self.inner.api;
        self.call("createWebhook", Ids::default(), || {
            api.create_webhook(&body)
        })
        .await
        .map(Webhook::from)
    }

    /// Deletes a webhook (vendor operation **DeleteWebhook**) and returns the vendor's status
    /// body.
    ///
    /// Not retried blindly: only after a 429 or a refused connection, when the server did
    /// nothing (see [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an HTTP error or a body `Status` of 400 or more; [`Error::Config`],
    /// [`Error::Transport`], [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// client.delete_webhook(10265).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DeleteWebhook", alias = "deleteWebhook")]
    pub async fn delete_webhook(&self, webhook_id: i64) -> Result<StatusMessage, Error> {
        let api = &self.inner.api;
        let msg = self
            .call("deleteWebhook", Ids::webhook(webhook_id), || {
                api.delete_webhook(webhook_id)
            })
            .await?;
        self.status_message("deleteWebhook", msg)
    }

    /// The account's webhooks with their attachments (vendor operation **ListWebhooks**).
    ///
    /// # Errors
    ///
    /// [`Error::Config`], [`Error::Api`], [`Error::Transport`], [`Error::Decode`]. Retried.
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// for hook in client.webhooks().await? {
    ///     println!("{} -> {:?}", hook.webhook_id, hook.url);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ListWebhooks", alias = "listWebhooks")]
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, Error> {
        let api = &self.inner.api;
        self.call("listWebhooks", Ids::default(), || api.list_webhooks())
            .await
            .map(convert::list)
    }

    /// Attaches a webhook to a campaign for one event (vendor operation **AttachWebhook**). A
    /// webhook can be attached to a campaign at most three times, each with another `run_on`.
    ///
    /// Not retried blindly: only after a 429 or a refused connection, when the server did
    /// nothing (see [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// # Errors
    ///
    /// [`Error::Config`], [`Error::Api`], [`Error::Transport`], [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::RunOn;
    /// let attachment = client.attach_webhook(10265, 789, RunOn::ReplyDetected).await?;
    /// println!("detach later with {}", attachment.webhook_campaign_id);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "AttachWebhook", alias = "attachWebhook")]
    pub async fn attach_webhook(
        &self,
        webhook_id: i64,
        campaign_id: i64,
        run_on: RunOn,
    ) -> Result<WebhookCampaign, Error> {
        let api = &self.inner.api;
        let body = types::EmptyBody {};
        let ids = Ids {
            campaign_id: Some(campaign_id),
            webhook_id: Some(webhook_id),
            member_id: None,
        };
        self.call("attachWebhook", ids, || {
            api.attach_webhook(campaign_id, &run_on, webhook_id, &body)
        })
        .await
        .map(WebhookCampaign::from)
    }

    /// Detaches a webhook from a campaign by the attachment's id (vendor operation
    /// **DetachWebhook**) and returns the vendor's status body.
    ///
    /// Not retried blindly: only after a 429 or a refused connection, when the server did
    /// nothing (see [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an HTTP error or a body `Status` of 400 or more; [`Error::Config`],
    /// [`Error::Transport`], [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// client.detach_webhook(27830).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DetachWebhook", alias = "detachWebhook")]
    pub async fn detach_webhook(&self, webhook_campaign_id: i64) -> Result<StatusMessage, Error> {
        let api = &self.inner.api;
        let body = types::EmptyBody {};
        let msg = self
            .call("detachWebhook", Ids::default(), || {
                api.detach_webhook(webhook_campaign_id, &body)
            })
            .await?;
        self.status_message("detachWebhook", msg)
    }

    fn status_message(
        &self,
        op_id: &'static str,
        msg: types::StatusMessage,
    ) -> Result<StatusMessage, Error> {
        let op = self.operation(op_id)?;
        check_status_message(op, msg, &self.inner.redactor).map(StatusMessage::from)
    }
}
