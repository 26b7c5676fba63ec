//! Helpers that hide batching: ListContacts by many identifiers, and bulk ImportMember.

use std::collections::HashMap;

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use salesflow_api::types;

use crate::client::{Client, Ids};
use crate::error::Error;
use crate::model::{Contact, ListOptions, NewMember};
use crate::validate::{self, ValidationReason};

/// ListContacts (by public identifiers) takes at most this many identifiers per request;
/// [`Client::contacts_by_public_identifiers`] splits longer lists.
pub const MAX_IDENTIFIERS_PER_REQUEST: usize = 20;

/// How many ListContacts batches are in flight at once.
pub const IDENTIFIER_BATCH_CONCURRENCY: usize = 4;

impl Client {
    /// The contacts with the given LinkedIn public identifiers (vendor operation
    /// **ListContacts (by public identifiers)**, a POST to `members/list-contacts`), for
    /// any number of identifiers.
    ///
    /// All identifiers are checked first: the list must not be empty and no element may be
    /// empty or only whitespace. Then they are sent in batches of at most
    /// [`MAX_IDENTIFIERS_PER_REQUEST`], at most [`IDENTIFIER_BATCH_CONCURRENCY`] batches at
    /// a time, and the results are merged in input order: contacts are ordered by the
    /// position of their `PublicIdentifier` in the input (compared case-insensitively);
    /// contacts the server returns with an identifier that is not in the input come after
    /// those of their batch. Identifiers are sent as given (duplicates are not removed).
    /// Retried like a read (see [`RetryPolicy`](crate::RetryPolicy)); the first batch that
    /// fails fails the call.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] (field `PublicIdentifiers`, with the index of the first bad
    /// element) before any request; [`Error::Config`], [`Error::Api`], [`Error::Transport`],
    /// [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let contacts = client
    ///     .contacts_by_public_identifiers(["identity1", "identity2", "identity3"])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ListContacts", alias = "listContactsByPublicIdentifiers")]
    pub async fn contacts_by_public_identifiers(
        &self,
        ids: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Result<Vec<Contact>, Error> {
        self.contacts_by_public_identifiers_with(ids, ListOptions::default())
            .await
    }

    /// [`contacts_by_public_identifiers`](Self::contacts_by_public_identifiers) with options:
    /// `updated_from` sends `UpdatedFromDate` (ISO 8601) with every batch.
    ///
    /// # Errors
    ///
    /// As [`contacts_by_public_identifiers`](Self::contacts_by_public_identifiers).
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// let since = chrono::Utc::now() - chrono::Duration::days(1);
    /// let changed = client
    ///     .contacts_by_public_identifiers_with(["identity1"], salesflow::ListOptions::default().updated_from(since))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ListContacts", alias = "listContactsByPublicIdentifiers")]
    pub async fn contacts_by_public_identifiers_with(
        &self,
        ids: impl IntoIterator<Item = impl AsRef<str>>,
        options: ListOptions,
    ) -> Result<Vec<Contact>, Error> {
        const FIELD: &str = "PublicIdentifiers";
        let ids: Vec<String> = ids.into_iter().map(|s| s.as_ref().to_owned()).collect();
        validate::identifiers(FIELD, &ids)?;
        let mut batches = Vec::new();
        for (b, chunk) in ids.chunks(MAX_IDENTIFIERS_PER_REQUEST).enumerate() {
            let items = chunk
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    validate::into_generated::<types::ListContactsRequestPublicIdentifiersItem>(
                        FIELD,
                        id,
                        || ValidationReason::Empty,
                    )
                    .map_err(|e| e.at(b * MAX_IDENTIFIERS_PER_REQUEST + i))
                })
                .collect::<Result<Vec<_>, _>>()?;
            batches.push(types::ListContactsRequest {
                public_identifiers: items,
                updated_from_date: options.updated_from,
            });
        }
        let api = &self.inner.api;
        let results: Vec<Vec<types::Contact>> = stream::iter(batches)
            .map(|body| async move {
                self.call("listContactsByPublicIdentifiers", Ids::default(), || {
                    api.list_contacts_by_public_identifiers(&body)
                })
                .await
            })
            .buffered(IDENTIFIER_BATCH_CONCURRENCY)
            .try_collect()
            .await?;

        let mut position: HashMap<String, usize> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            position.entry(id.trim().to_lowercase()).or_insert(i);
        }
        let mut merged = Vec::with_capacity(ids.len());
        for batch in results {
            let mut batch: Vec<Contact> = batch.into_iter().map(Contact::from).collect();
            batch.sort_by_key(|c| {
                c.public_identifier
                    .as_deref()
                    .and_then(|p| position.get(&p.trim().to_lowercase()).copied())
                    .unwrap_or(usize::MAX)
            });
            merged.extend(batch);
        }
        Ok(merged)
    }

    /// Imports many members into a campaign (vendor operation **ImportMember**, once per
    /// member), at most [`ImportOptions::concurrency`] at a time, and yields one
    /// [`ImportOutcome`] per input member, in completion order (see
    /// [`ImportOutcome::index`]). Nothing is lost: a member whose URL fails validation, or
    /// whose request fails, yields [`ImportResult::Failed`]; the stream ends after the last
    /// member's outcome. An import is retried only when the server surely did nothing (see
    /// [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// The stream owns a clone of the client and the input iterator, which is read lazily.
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use futures_util::StreamExt;
    /// use salesflow::{ImportOptions, ImportResult, NewMember};
    ///
    /// let members = vec![NewMember::new("https://www.linkedin.com/in/john-smith-123456")];
    /// let mut outcomes = client.import_members(12345, members, ImportOptions::default());
    /// while let Some(outcome) = outcomes.next().await {
    ///     match outcome.result {
    ///         ImportResult::Imported(c) => println!("#{} imported as {}", outcome.index, c.member_id),
    ///         ImportResult::Duplicate(c) => println!("#{} already there ({})", outcome.index, c.member_id),
    ///         ImportResult::Failed(e) => eprintln!("#{} failed: {e}", outcome.index),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ImportMember", alias = "importMember")]
    pub fn import_members<I>(
        &self,
        campaign_id: i64,
        members: I,
        options: ImportOptions,
    ) -> impl Stream<Item = ImportOutcome> + Send + 'static
    where
        I: IntoIterator<Item = NewMember>,
        I::IntoIter: Send + 'static,
    {
        let client = self.clone();
        stream::iter(members.into_iter().enumerate())
            .map(move |(index, input)| {
                let client = client.clone();
                async move {
                    let result = match client.import_member(campaign_id, &input).await {
                        Ok(contact) if contact.is_duplicate() => ImportResult::Duplicate(contact),
                        Ok(contact) => ImportResult::Imported(contact),
                        Err(err) => ImportResult::Failed(err),
                    };
                    ImportOutcome {
                        index,
                        input,
                        result,
                    }
                }
            })
            .buffer_unordered(options.concurrency.max(1))
    }

    /// [`import_members`](Self::import_members), collected into an [`ImportSummary`] whose
    /// outcomes are in input order.
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use salesflow::{ImportOptions, NewMember};
    /// let members = ["john-smith-1", "jane-doe-2"]
    ///     .map(|slug| NewMember::new(format!("https://www.linkedin.com/in/{slug}")));
    /// let summary = client.import_members_summary(12345, members, ImportOptions::default()).await;
    /// println!("{} imported, {} duplicates, {} failed", summary.imported, summary.duplicates, summary.failed);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ImportMember", alias = "importMember")]
    pub async fn import_members_summary<I>(
        &self,
        campaign_id: i64,
        members: I,
        options: ImportOptions,
    ) -> ImportSummary
    where
        I: IntoIterator<Item = NewMember>,
        I::IntoIter: Send + 'static,
    {
        let mut outcomes: Vec<ImportOutcome> = self
            .import_members(campaign_id, members, options)
            .collect()
            .await;
        outcomes.sort_by_key(|o| o.index);
        let count = |f: fn(&ImportResult) -> bool| outcomes.iter().filter(|o| f(&o.result)).count();
        ImportSummary {
            imported: count(|r| matches!(r, ImportResult::Imported(_))),
            duplicates: count(|r| matches!(r, ImportResult::Duplicate(_))),
            failed: count(|r| matches!(r, ImportResult::Failed(_))),
            outcomes,
        }
    }
}

/// Options of [`Client::import_members`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportOptions {
    /// How many imports are in flight at once (default 8; 0 counts as 1).
    pub concurrency: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { concurrency: 8 }
    }
}

impl ImportOptions {
    /// Sets [`concurrency`](Self::concurrency).
    pub fn concurrency(mut self, value: usize) -> Self {
        self.concurrency = value;
        self
    }
}

/// What happened to one member of a bulk import.
#[derive(Debug)]
#[non_exhaustive]
pub struct ImportOutcome {
    /// The member's position in the input (0-based).
    pub index: usize,
    /// The member as given.
    pub input: NewMember,
    /// The result.
    pub result: ImportResult,
}

/// The result of importing one member.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportResult {
    /// Imported; the created member.
    Imported(Contact),
    /// The server answered with a member flagged `MEMBER_DUPLICATE`: the profile was already
    /// in the campaign.
    Duplicate(Contact),
    /// Not imported: validation, API or transport error.
    Failed(Error),
}

/// The outcomes of a bulk import, counted.
#[derive(Debug)]
#[non_exhaustive]
pub struct ImportSummary {
    /// Members imported.
    pub imported: usize,
    /// Members that were duplicates.
    pub duplicates: usize,
    /// Members that failed.
    pub failed: usize,
    /// Every outcome, in input order.
    pub outcomes: Vec<ImportOutcome>,
}
