//! Helpers that hide batching: the batches of an operation the spec marks
//! `x-salesflow-batch` (ListContacts by public identifiers), and bulk ImportMember.

use std::future::Future;

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use salesflow_api::types::ContactDetails;

use crate::client::Client;
use crate::error::Error;
use crate::ops::ImportMember;

/// How many batches of a batched operation are in flight at once: 4.
pub const BATCH_CONCURRENCY: usize = 4;

/// Runs `run` on every batch, at most [`BATCH_CONCURRENCY`] at a time, and concatenates the
/// answers in the batches' order. The first batch that fails fails the whole.
pub(crate) async fn concat_batches<B, T, F, Fut>(batches: Vec<B>, run: F) -> Result<Vec<T>, Error>
where
    F: FnMut(B) -> Fut,
    Fut: Future<Output = Result<Vec<T>, Error>>,
{
    let answers: Vec<Vec<T>> = stream::iter(batches)
        .map(run)
        .buffered(BATCH_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(answers.into_iter().flatten().collect())
}

impl Client {
    /// Imports many members (vendor operation **ImportMember**, once per member; each
    /// [`ImportMember`] names its campaign), at most [`ImportOptions::concurrency`] at a time,
    /// and yields one [`ImportOutcome`] per input member, in completion order (see
    /// [`ImportOutcome::index`]). Nothing is lost: a member whose parameters fail validation,
    /// or whose request fails, yields [`ImportResult::Failed`]; the stream ends after the last
    /// member's outcome. An import is retried only when the server surely did nothing (see
    /// [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// A bare stream: no journal, duplicates within the input are all sent, and a failure
    /// that [may have taken effect](crate::Error::may_have_taken_effect) is only reported.
    /// For a service (resume after a restart, several workers, every row accounted for) use
    /// the import engine, [`Client::import_job`].
    ///
    /// The stream owns a clone of the client and the input iterator, which is read lazily.
    ///
    /// ```no_run
    /// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
    /// use futures_util::StreamExt;
    /// use salesflow::{ops::ImportMember, ImportOptions, ImportResult};
    ///
    /// let members = vec![ImportMember::new(29854, "https://www.linkedin.com/in/john-smith-123456")];
    /// let mut outcomes = client.import_members(members, ImportOptions::default());
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
        members: I,
        options: ImportOptions,
    ) -> impl Stream<Item = ImportOutcome> + Send + 'static
    where
        I: IntoIterator<Item = ImportMember>,
        I::IntoIter: Send + 'static,
    {
        let client = self.clone();
        stream::iter(members.into_iter().enumerate())
            .map(move |(index, input)| {
                let client = client.clone();
                async move {
                    let result = match client.send(input.clone()).await {
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
    /// use salesflow::{ops::ImportMember, ImportOptions};
    /// let members = ["john-smith-1", "jane-doe-2"]
    ///     .map(|slug| ImportMember::new(29854, format!("https://www.linkedin.com/in/{slug}")));
    /// let summary = client.import_members_summary(members, ImportOptions::default()).await;
    /// println!("{} imported, {} duplicates, {} failed", summary.imported, summary.duplicates, summary.failed);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ImportMember", alias = "importMember")]
    pub async fn import_members_summary<I>(
        &self,
        members: I,
        options: ImportOptions,
    ) -> ImportSummary
    where
        I: IntoIterator<Item = ImportMember>,
        I::IntoIter: Send + 'static,
    {
        let mut outcomes: Vec<ImportOutcome> =
            self.import_members(members, options).collect().await;
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
    setters! { concurrency: usize }
}

/// What happened to one member of a bulk import.
#[derive(Debug)]
#[non_exhaustive]
pub struct ImportOutcome {
    /// The member's position in the input (0-based).
    pub index: usize,
    /// The member as given.
    pub input: ImportMember,
    /// The result.
    pub result: ImportResult,
}

/// The result of importing one member.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportResult {
    /// Imported; the created member.
    Imported(ContactDetails),
    /// The server answered with a member flagged `MEMBER_DUPLICATE`: the profile was already
    /// in the campaign.
    Duplicate(ContactDetails),
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
