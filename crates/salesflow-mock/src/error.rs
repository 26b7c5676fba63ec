//! The errors of the mock's own control API ([`MockState`](crate::MockState) methods and the
//! `/_mock` routes).

use std::fmt;

use salesflow_webhook_types::{CampaignId, MemberId};

/// An error of the mock's own control API: a [`MockState`](crate::MockState) method, or a
/// `/_mock` route (which answers it as `{"error": "<Display>"}` with the HTTP status of
/// [`http_status`](Self::http_status)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MockError {
    /// No member has this id.
    UnknownMember(MemberId),
    /// No campaign has this id.
    UnknownCampaign(CampaignId),
    /// A [`Fault`](crate::Fault) with `times` 0: it would never apply. Omit `times` for
    /// "always".
    FaultNeverApplies,
    /// A member patch that does not leave a valid `ContactDetails` (a known field of the
    /// wrong type, a change of `MemberId`, ...). The member is unchanged.
    InvalidPatch(String),
}

impl MockError {
    /// The HTTP status a `/_mock` route answers this error with: 404 for an unknown member
    /// or campaign, 400 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::UnknownMember(_) | Self::UnknownCampaign(_) => 404,
            Self::FaultNeverApplies | Self::InvalidPatch(_) => 400,
        }
    }
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownMember(id) => write!(f, "member {id} not found"),
            Self::UnknownCampaign(id) => write!(f, "campaign {id} not found"),
            Self::FaultNeverApplies => {
                f.write_str("`times` must be at least 1 (omit it for always)")
            }
            Self::InvalidPatch(reason) => write!(f, "invalid member patch: {reason}"),
        }
    }
}

impl std::error::Error for MockError {}
