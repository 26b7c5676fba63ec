//! What the engine does to a row before anything is sent: validation, its canonical profile,
//! and whether an earlier row of the same input holds the same profile.

use salesflow_webhook_types::CampaignId;

use super::keys::{KeyHasher, KeyMap};
use crate::ops::ImportMember;
use crate::validate::{canonical_profile_key, ValidationError, ValidationReason};

/// How a row of an import's input stands before it is sent (see [`InputRows::check`]).
// Most rows are `Ready`: boxing it would cost an allocation per row for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Checked {
    /// Valid, and the first row of its profile: to import.
    Ready {
        /// The member as it will be sent (validated: its URL in canonical form).
        member: ImportMember,
        /// Its canonical profile key.
        profile: String,
    },
    /// Refused by [`ImportMember::validate`] (or for another campaign than the job's).
    Invalid(ValidationError),
    /// The same profile as this earlier row of the input, which is the one sent.
    DuplicateOf(u64),
}

/// The rows of one input, checked one by one: each valid row's profile is remembered (a
/// 128-bit hash and the row number: about 50 bytes a profile), so that a profile on several
/// rows is sent once, from its first valid row.
///
/// The engine ([`Client::import_job`](crate::Client::import_job)) checks every row with
/// it; use it alone for a dry run.
///
/// ```
/// use salesflow::import::{Checked, InputRows};
/// use salesflow::ops::ImportMember;
/// let mut rows = InputRows::new(7.into());
/// let a = ImportMember::new(7, "https://www.linkedin.com/in/Ann-Lee/");
/// let b = ImportMember::new(7, "linkedin.com/in/ann-lee");
/// assert!(matches!(rows.check(2, &a), Checked::Ready { profile, .. } if profile == "ann-lee"));
/// assert_eq!(rows.check(3, &b), Checked::DuplicateOf(2));
/// ```
#[derive(Debug)]
pub struct InputRows {
    campaign: CampaignId,
    hasher: KeyHasher,
    seen: KeyMap<u64>,
}

impl InputRows {
    /// Checks rows for `campaign`.
    pub fn new(campaign: CampaignId) -> Self {
        InputRows::with_capacity(campaign, 0)
    }

    /// Checks rows for `campaign`, with room for `profiles` profiles (no growth, so no
    /// moment with both the old and the new table in memory, up to that many).
    pub fn with_capacity(campaign: CampaignId, profiles: usize) -> Self {
        InputRows {
            campaign,
            hasher: KeyHasher::new(),
            seen: KeyMap::with_capacity_and_hasher(profiles, Default::default()),
        }
    }

    /// How many distinct profiles were seen.
    pub fn profiles(&self) -> usize {
        self.seen.len()
    }

    /// Checks row `row` (its number in the input): invalid, a duplicate of an earlier row,
    /// or ready to import.
    pub fn check(&mut self, row: u64, member: &ImportMember) -> Checked {
        if member.campaign_id != self.campaign {
            return Checked::Invalid(ValidationError::new(
                "campaignId",
                ValidationReason::OtherCampaign {
                    expected: self.campaign,
                },
            ));
        }
        let member = match member.validate() {
            Ok(m) => m,
            Err(e) => return Checked::Invalid(e),
        };
        let Some(profile) = canonical_profile_key(&member.linked_in_url) else {
            return Checked::Invalid(ValidationError::new(
                "linkedInUrl",
                ValidationReason::NotLinkedInProfile,
            ));
        };
        match self.seen.entry(self.hasher.hash(&profile)) {
            std::collections::hash_map::Entry::Occupied(first) => {
                Checked::DuplicateOf(*first.get())
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(row);
                Checked::Ready { member, profile }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_validated_keyed_and_deduplicated() {
        let c = CampaignId::new(7);
        let mut rows = InputRows::with_capacity(c, 4);
        let m = |url: &str| ImportMember::new(c, url);
        match rows.check(10, &m(" HTTPS://WWW.linkedin.com/in/Ann/ ".trim())) {
            Checked::Ready { member, profile } => {
                assert_eq!(member.linked_in_url, "https://www.linkedin.com/in/ann");
                assert_eq!(profile, "ann");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            rows.check(11, &m("linkedin.com/in/ann")),
            Checked::DuplicateOf(10)
        );
        assert!(
            matches!(rows.check(12, &m("not a url")), Checked::Invalid(e) if e.field == "linkedInUrl")
        );
        assert!(matches!(
            rows.check(13, &m("linkedin.com/in/bob")),
            Checked::Ready { .. }
        ));
        assert_eq!(rows.profiles(), 2);
        // Another campaign's row is refused, and does not count as seen.
        let other = ImportMember::new(8, "linkedin.com/in/cid");
        match rows.check(14, &other) {
            Checked::Invalid(e) => {
                assert_eq!(e.field, "campaignId");
                assert_eq!(
                    e.to_string(),
                    "invalid `campaignId`: must be the import job's campaign, 7"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            rows.check(15, &m("linkedin.com/in/cid")),
            Checked::Ready { .. }
        ));
    }
}
