//! A short message about an [`Error`] that is fit to show to a service's own callers:
//! [`Error::public_message`].

use std::fmt;

use crate::error::{ApiErrorKind, Error};
use crate::transport::TransportCause;

impl Error {
    /// A short message for a service's own callers (an HTTP answer, a UI), with no URL, host,
    /// operation, id, vendor message or token: "Salesflow did not answer in time", "not found
    /// in Salesflow". For a [`Validation`](Error::Validation) error it is the error itself
    /// (the field and the rule, never the value), which the caller can act on.
    ///
    /// The error's `Display` stays the detailed message, for logs.
    ///
    /// ```
    /// use salesflow::{Error, Operation};
    /// let err = Error::Config("invalid mvc base URL `http//internal.example:8080`".into());
    /// assert_eq!(err.public_message().to_string(), "the Salesflow client is misconfigured");
    /// assert!(err.to_string().contains("internal.example")); // the detailed one, for logs
    /// ```
    pub fn public_message(&self) -> PublicMessage<'_> {
        PublicMessage { error: self }
    }
}

/// What [`Error::public_message`] returns: `Display` writes the short message.
#[derive(Clone, Copy, Debug)]
pub struct PublicMessage<'a> {
    error: &'a Error,
}

impl fmt::Display for PublicMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self.error {
            Error::Api(e) => match e.kind {
                ApiErrorKind::Forbidden => "Salesflow refused the credentials of the account",
                ApiErrorKind::NotFound => "not found in Salesflow",
                ApiErrorKind::Conflict => "Salesflow reported a conflict with the current state",
                ApiErrorKind::Unprocessable => "Salesflow cannot carry out this request",
                ApiErrorKind::RateLimited => {
                    f.write_str("too many requests to Salesflow")?;
                    return match e.retry_after {
                        Some(wait) => write!(f, "; try again in {} s", wait.as_secs().max(1)),
                        None => f.write_str("; try again later"),
                    };
                }
                ApiErrorKind::Server => "Salesflow failed (a server error); try again later",
                _ => "Salesflow answered with an error",
            },
            Error::Decode { .. } => "Salesflow gave an answer that could not be read",
            Error::Transport { cause, .. } => match cause {
                TransportCause::Timeout { .. } => "Salesflow did not answer in time",
                TransportCause::ConnectionReset => {
                    "the connection to Salesflow broke before the answer was complete"
                }
                _ => "Salesflow could not be reached",
            },
            Error::Validation(e) => return write!(f, "{e}"),
            Error::Config(_) => "the Salesflow client is misconfigured",
            Error::Pacing { .. } => {
                "the request pacing shared with other processes is unavailable; try again later"
            }
            Error::BudgetExhausted { resets_at, .. } => {
                f.write_str("the account's daily budget of this operation is spent")?;
                return match resets_at {
                    Some(at) => write!(f, "; it resets at {}", at.format("%Y-%m-%d %H:%M UTC")),
                    None => Ok(()),
                };
            }
        };
        f.write_str(text)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use salesflow_api::operations::Operation;

    use crate::error::{ApiError, ApiErrorKind, Error};

    fn api(kind: ApiErrorKind, retry_after: Option<Duration>) -> String {
        let error = Error::Api(ApiError {
            operation: Operation::ListCampaigns,
            status: 418,
            body_status: None,
            message: Some("campaign 29854 of account 321".into()),
            body: None,
            kind,
            retry_after,
        });
        error.public_message().to_string()
    }

    #[test]
    fn a_pacing_store_failure_says_neither_the_store_nor_its_error() {
        let error = Error::Pacing {
            operation: Operation::ImportMember,
            message: "db error: connection to 10.0.0.7:5432 refused".into(),
        };
        let shown = error.public_message().to_string();
        assert_eq!(
            shown,
            "the request pacing shared with other processes is unavailable; try again later"
        );
    }

    #[test]
    fn what_the_mock_cannot_answer_has_a_message_too() {
        assert_eq!(
            api(ApiErrorKind::RateLimited, None),
            "too many requests to Salesflow; try again later"
        );
        // A wait under a second is not "0 s".
        assert_eq!(
            api(ApiErrorKind::RateLimited, Some(Duration::from_millis(300))),
            "too many requests to Salesflow; try again in 1 s"
        );
        assert_eq!(
            api(ApiErrorKind::Other, None),
            "Salesflow answered with an error"
        );
        let unknown_reset = Error::BudgetExhausted {
            operation: Operation::ImportMember,
            account_id: Some(321.into()),
            limit: 5,
            resets_at: None,
        };
        assert_eq!(
            unknown_reset.public_message().to_string(),
            "the account's daily budget of this operation is spent"
        );
    }
}
