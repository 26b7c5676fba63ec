//! Which account and which event a webhook delivery is for, read from the URL the vendor
//! called: [`WebhookRoute`].
//!
//! The vendor's payload names neither the Salesflow account nor (except for a member who
//! connected) the event, so the SDK gives each account's webhook for each event its own URL,
//! `{base}/{account_id}/{event}` (`salesflow::Client::attach_webhooks_per_event` does it), and
//! the receiver reads both back from the path.

use std::fmt;

use crate::{AccountId, RunOn};

/// The account and the event of a webhook URL: its last two path segments,
/// `{account_id}/{event}` (`321/member-connected`), after a receiver's base URL (which holds
/// the secret segment, see [`secret_matches`](crate::secret_matches)).
///
/// ```
/// use salesflow_webhook_types::{AccountId, RunOn, WebhookRoute};
///
/// let route = WebhookRoute::new(AccountId::new(321), RunOn::ReplyDetected);
/// let url = route.url("https://hooks.example.com/salesflow/3f9c0d5e8a1b4c2d/");
/// assert_eq!(url, "https://hooks.example.com/salesflow/3f9c0d5e8a1b4c2d/321/reply-detected");
///
/// // In the receiver: the path it was called on (or the two segments its router captured).
/// let path = "/salesflow/3f9c0d5e8a1b4c2d/321/reply-detected";
/// assert_eq!(WebhookRoute::from_path(path), Some(route));
/// assert_eq!(WebhookRoute::from_segments("321", "reply-detected"), Some(route));
/// assert_eq!(WebhookRoute::from_segments("0321", "reply-detected"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct WebhookRoute {
    /// The Salesflow account whose webhook was called.
    pub account_id: AccountId,
    /// The event the webhook was attached for.
    pub event: RunOn,
}

impl WebhookRoute {
    /// The route of `account_id`'s webhook for `event`.
    pub fn new(account_id: AccountId, event: RunOn) -> Self {
        WebhookRoute { account_id, event }
    }

    /// The two path segments, `{account_id}/{event}` (`321/member-connected`; the event as
    /// [`RunOn::path_segment`] writes it).
    pub fn path(&self) -> String {
        self.to_string()
    }

    /// The URL of this route under `base_url` (a trailing `/` of it is ignored):
    /// `{base_url}/{account_id}/{event}`.
    pub fn url(&self, base_url: &str) -> String {
        format!("{}/{self}", base_url.trim_end_matches('/'))
    }

    /// The route of two path segments: the account id (decimal digits without sign or
    /// leading zero, as [`AccountId`]'s `Display` writes it, so that one route has one
    /// spelling) and the
    /// event ([`RunOn::from_path_segment`]). `None` for anything else.
    pub fn from_segments(account_id: &str, event: &str) -> Option<Self> {
        if !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id: AccountId = account_id.parse().ok()?;
        if id.to_string() != account_id {
            return None;
        }
        Some(WebhookRoute::new(id, RunOn::from_path_segment(event)?))
    }

    /// The route of a delivery to `{base}/{secret}/{account_id}/{event}`, the three segments
    /// as a receiver's router captured them, when `secret` is `expected_secret`: the secret
    /// is compared first, in constant time ([`secret_matches`](crate::secret_matches)), and
    /// the other two are read only then ([`from_segments`](Self::from_segments)). `None` when
    /// the secret is wrong or the segments are no route: answer both the same way (404, as
    /// for any unknown path), so that a caller without the secret learns nothing.
    ///
    /// ```
    /// use salesflow_webhook_types::{AccountId, RunOn, WebhookRoute};
    ///
    /// let expected = "3f9c0d5e8a1b4c2d";
    /// let route = WebhookRoute::verify(expected, "3f9c0d5e8a1b4c2d", "321", "reply-detected");
    /// assert_eq!(route, Some(WebhookRoute::new(AccountId::new(321), RunOn::ReplyDetected)));
    /// assert_eq!(WebhookRoute::verify(expected, "3f9c", "321", "reply-detected"), None);
    /// assert_eq!(WebhookRoute::verify(expected, expected, "321", "no-such-event"), None);
    /// ```
    pub fn verify(
        expected_secret: &str,
        secret: &str,
        account_id: &str,
        event: &str,
    ) -> Option<Self> {
        if !crate::secret_matches(expected_secret, secret) {
            return None;
        }
        WebhookRoute::from_segments(account_id, event)
    }

    /// The route of a URL path: its last two segments (a query or fragment is ignored, a
    /// trailing `/` is not allowed). `None` when they are no route.
    pub fn from_path(path: &str) -> Option<Self> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let mut segments = path.rsplit('/');
        let event = segments.next()?;
        let account_id = segments.next()?;
        WebhookRoute::from_segments(account_id, event)
    }
}

/// `{account_id}/{event}`, as in the URL.
impl fmt::Display for WebhookRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.account_id, self.event.path_segment())
    }
}
