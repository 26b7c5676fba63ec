//! The retry policy.

use std::time::Duration;

use salesflow_api::operations::Operation;

use crate::error::{ApiErrorKind, Error};
use crate::transport::TransportCause;

/// When and how often calls are retried.
///
/// # What is retried
///
/// Calls that do not change state (the spec says which:
/// [`Operation::changes_state`](crate::Operation::changes_state) is false; a POST that only
/// carries its input as a JSON body, such as ListContacts by public identifiers, reads and
/// changes nothing, and is retried like the other reads). A read is retried when the
/// connection could not be established, timed out, or broke while the request was sent or
/// the response read (a connection reset, a body cut short), on HTTP 429 and on HTTP 500,
/// 502, 503 and 504.
///
/// Calls that change state (`changes_state` is true: ImportMember among them, though it is a
/// GET) are retried only when the server surely did not carry them out: it refused them with
/// HTTP 429 (rate limited), or no connection could be made at all. Never after a timeout, a
/// broken connection or a 5xx: the request may have been carried out (see
/// [`Error::may_have_taken_effect`](crate::Error::may_have_taken_effect)), and repeating it
/// could import a member twice or create a second webhook.
///
/// # Sending an import again yourself
///
/// Resending an ImportMember that may have been carried out is **not** harmless: the server
/// answers a profile it already holds with a *second* member, flagged `MEMBER_DUPLICATE`, and
/// the campaign's statistics count both. Before sending it again, look the profile up:
/// ListContacts by public identifiers
/// ([`Client::list_contacts_by_public_identifiers`](crate::Client::list_contacts_by_public_identifiers))
/// with its canonical key
/// ([`canonical_profile_key`](crate::validate::canonical_profile_key)); send it again only
/// if it is not there. The import engine ([`Client::import_job`](crate::Client::import_job),
/// module [`import`](crate::import)) does exactly that for every row whose outcome is unknown,
/// and keeps a journal so that a restarted process, or another worker, does it too.
///
/// Either way, until `max_attempts` attempts were made or the next wait would end after
/// `max_elapsed` from the first attempt.
///
/// # How long it waits
///
/// Exponential backoff with "full jitter": before attempt *n + 1* it waits a random time
/// between zero and `min(max_backoff, initial_backoff * 2^(n-1))` (exactly that bound when
/// `jitter` is off). A 429 with `Retry-After` waits what the server asked; if that is longer
/// than `max_backoff` or would overrun `max_elapsed`, the client gives up at once and returns
/// the [`RateLimited`](crate::ApiErrorKind::RateLimited) error, whose `retry_after` says how
/// long to wait.
///
/// ```
/// use std::time::Duration;
/// let policy = salesflow::RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100));
/// assert_eq!(policy.max_attempts, 5);
/// assert_eq!(salesflow::RetryPolicy::none().max_attempts, 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3; 1 means no retry).
    pub max_attempts: u32,
    /// The bound of the first wait (default 200 ms).
    pub initial_backoff: Duration,
    /// The largest wait (default 5 s).
    pub max_backoff: Duration,
    /// No attempt starts later than this after the first (default 30 s).
    pub max_elapsed: Duration,
    /// Whether waits are randomised ("full jitter", default true).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    setters! {
        max_attempts: u32,
        initial_backoff: Duration,
        max_backoff: Duration,
        max_elapsed: Duration,
        jitter: bool,
    }

    /// How long to wait before the next attempt, or `None` to give up. `attempt` is the
    /// number of attempts made so far (1 after the first).
    pub(crate) fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(wait) if wait > self.max_backoff => return None,
            Some(wait) => wait,
            None => {
                let exp = 2u32.saturating_pow(attempt.saturating_sub(1));
                let bound = self
                    .initial_backoff
                    .saturating_mul(exp)
                    .min(self.max_backoff);
                if self.jitter {
                    let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
                    Duration::from_nanos(fastrand::u64(0..=nanos))
                } else {
                    bound
                }
            }
        };
        if elapsed.saturating_add(delay) > self.max_elapsed {
            return None;
        }
        Some(delay)
    }
}

/// Whether the client may retry `op` at all.
pub(crate) fn may_retry(op: Operation) -> bool {
    !op.changes_state()
}

/// Whether another attempt of `op` after `err` is both safe and worth it (see
/// [`RetryPolicy`]).
pub(crate) fn should_retry(op: Operation, err: &Error) -> bool {
    if may_retry(op) {
        return err.is_retryable();
    }
    // A call that changes state: only when the server surely did nothing.
    match err {
        Error::Transport { source, .. } => source.is_connect(),
        Error::Api(e) => e.kind == ApiErrorKind::RateLimited,
        _ => false,
    }
}

impl Error {
    /// Whether trying the same call again may succeed: a rate limit (429), a server error
    /// (500, 502, 503, 504), a timeout or a connection that could not be made or broke. It
    /// says nothing about whether retrying is *safe*: a call that changes state may have
    /// been carried out before the connection broke (the client's own retries take that into
    /// account, see [`RetryPolicy`]).
    pub fn is_retryable(&self) -> bool {
        match self {
            // A reset connection surfaces as a request or body error, or, when the body broke
            // off while it was decoded, as a decode error caused by one (its cause says reset,
            // or body cut short): harmless to repeat for a read (`should_retry` keeps writes
            // out). A connection that could not be made is a request error: reqwest wraps
            // every error of its connection pool as one (`is_connect` implies `is_request`).
            Error::Transport { source, cause, .. } => {
                matches!(
                    cause,
                    TransportCause::ConnectionReset | TransportCause::BodyCutShort
                ) || source.is_timeout()
                    || source.is_request()
                    || source.is_body()
            }
            // AWS's standard retry mode counts 500 with 502-504 as transient; a read is safe
            // to repeat.
            Error::Api(e) => {
                e.kind == ApiErrorKind::RateLimited || matches!(e.status, 500 | 502..=504)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A transport error of `cause` whose source is a decode error: not a connection, a
    /// timeout, a request or a body error (what a body broken off while it was decoded
    /// looks like).
    fn decode_failure(cause: TransportCause) -> Error {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let response = reqwest::Response::from(http::Response::new("not json"));
        let source = rt
            .block_on(response.json::<serde_json::Value>())
            .expect_err("not JSON");
        assert!(source.is_decode(), "{source:?}");
        Error::Transport {
            operation: Operation::ListWebhooks,
            source,
            cause,
        }
    }

    /// A connection that could not be made (nothing listens on the port): a request error
    /// that is neither a timeout nor a body error.
    fn connect_failure() -> Error {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("http://{}/", closed.local_addr().expect("its address"));
        drop(closed);
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("a client");
        let source = rt
            .block_on(http.get(url).send())
            .expect_err("nothing listens");
        assert!(source.is_connect() && source.is_request(), "{source:?}");
        assert!(!source.is_timeout() && !source.is_body(), "{source:?}");
        Error::Transport {
            operation: Operation::ListWebhooks,
            cause: TransportCause::of(&source, None),
            source,
        }
    }

    /// The server's answer `status`, of the kind that status has.
    fn api_error(status: u16) -> Error {
        Error::Api(crate::error::api_error(
            Operation::ListWebhooks,
            status,
            None,
            None,
            None,
        ))
    }

    #[test]
    fn a_connection_that_could_not_be_made_is_retried_even_for_a_write() {
        let err = connect_failure();
        assert!(err.is_retryable(), "{err:?}");
        assert!(should_retry(Operation::ListWebhooks, &err), "{err:?}");
        // The server surely did nothing: a write is retried too.
        assert!(should_retry(Operation::ImportMember, &err), "{err:?}");
    }

    #[test]
    fn a_rate_limit_and_server_errors_are_retryable_and_only_a_rate_limit_for_a_write() {
        let limited = api_error(429);
        assert!(limited.is_retryable());
        assert!(should_retry(Operation::ImportMember, &limited));
        for status in [500, 502, 503, 504] {
            let err = api_error(status);
            assert!(err.is_retryable(), "{status}");
            assert!(should_retry(Operation::ListWebhooks, &err), "{status}");
            // A write may have been carried out.
            assert!(!should_retry(Operation::ImportMember, &err), "{status}");
        }
        for status in [400, 401, 404, 409, 422, 501] {
            assert!(!api_error(status).is_retryable(), "{status}");
            assert!(
                !should_retry(Operation::ListWebhooks, &api_error(status)),
                "{status}"
            );
        }
    }

    #[test]
    fn a_reset_or_a_body_cut_short_is_retryable_whatever_reqwest_calls_its_error() {
        for cause in [
            TransportCause::ConnectionReset,
            TransportCause::BodyCutShort,
        ] {
            let err = decode_failure(cause);
            assert!(err.is_retryable(), "{err:?}");
            assert!(should_retry(Operation::ListWebhooks, &err), "{err:?}");
            // A write may have been carried out: not retried.
            assert!(!should_retry(Operation::ImportMember, &err), "{err:?}");
        }
        for cause in [TransportCause::Other, TransportCause::Dns] {
            assert!(!decode_failure(cause).is_retryable());
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default()
            .jitter(false)
            .max_attempts(10)
            .max_backoff(Duration::from_millis(500));
        let d: Vec<_> = (1..6)
            .map(|a| p.next_delay(a, Duration::ZERO, None).unwrap().as_millis())
            .collect();
        assert_eq!(d, [200, 400, 500, 500, 500]);
        assert_eq!(p.next_delay(10, Duration::ZERO, None), None);
        assert_eq!(p.next_delay(1, Duration::from_secs(30), None), None);
    }

    #[test]
    fn jitter_stays_below_bound() {
        let p = RetryPolicy::default();
        for _ in 0..100 {
            assert!(p.next_delay(2, Duration::ZERO, None).unwrap() <= Duration::from_millis(400));
        }
    }

    #[test]
    fn retry_after_is_honoured_or_gives_up() {
        let p = RetryPolicy::default();
        let one = Some(Duration::from_secs(1));
        assert_eq!(
            p.next_delay(1, Duration::ZERO, one),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            p.next_delay(1, Duration::ZERO, Some(Duration::from_secs(60))),
            None
        );
        assert_eq!(
            p.next_delay(1, Duration::from_secs(29), one).map(|_| ()),
            Some(())
        );
        assert_eq!(p.next_delay(1, Duration::from_millis(29_500), one), None);
        assert_eq!(
            RetryPolicy::none().next_delay(1, Duration::ZERO, None),
            None
        );
    }

    #[test]
    fn retry_after_above_max_backoff_gives_up_even_with_time_to_spare() {
        let p = RetryPolicy::default()
            .max_backoff(Duration::from_secs(5))
            .max_elapsed(Duration::from_secs(3600));
        let secs = |s: u64| Some(Duration::from_secs(s));
        let just_above = Some(Duration::from_secs(5) + Duration::from_millis(1));
        assert_eq!(p.next_delay(1, Duration::ZERO, just_above), None);
        assert_eq!(p.next_delay(1, Duration::ZERO, secs(5)), secs(5));
        assert_eq!(p.next_delay(1, Duration::ZERO, secs(4)), secs(4));
        assert_eq!(p.next_delay(1, Duration::ZERO, secs(0)), secs(0));
    }

    #[test]
    fn the_last_wait_may_end_exactly_at_max_elapsed() {
        let p = RetryPolicy::default()
            .jitter(false)
            .max_elapsed(Duration::from_secs(10));
        let one = Some(Duration::from_secs(1));
        assert_eq!(p.next_delay(1, Duration::from_secs(9), one), one);
        assert_eq!(p.next_delay(1, Duration::from_millis(9_001), one), None);
        // Without Retry-After: the backoff (200 ms) counts the same way.
        assert_eq!(
            p.next_delay(1, Duration::from_millis(9_800), None),
            Some(Duration::from_millis(200))
        );
        assert_eq!(p.next_delay(1, Duration::from_millis(9_801), None), None);
    }

    #[test]
    fn attempts_are_counted_up_to_max_attempts() {
        let p = RetryPolicy::default().jitter(false).max_attempts(3);
        assert!(p.next_delay(1, Duration::ZERO, None).is_some());
        assert!(p.next_delay(2, Duration::ZERO, None).is_some());
        assert_eq!(p.next_delay(3, Duration::ZERO, None), None);
        assert_eq!(p.next_delay(4, Duration::ZERO, None), None);
        // The first wait is initial_backoff, the second twice it.
        assert_eq!(
            p.next_delay(1, Duration::ZERO, None),
            Some(Duration::from_millis(200))
        );
        assert_eq!(
            p.next_delay(2, Duration::ZERO, None),
            Some(Duration::from_millis(400))
        );
    }

    #[test]
    fn jittered_waits_vary_within_the_bound() {
        let p = RetryPolicy::default().max_attempts(10);
        let waits: std::collections::BTreeSet<_> = (0..50)
            .filter_map(|_| p.next_delay(3, Duration::ZERO, None))
            .collect();
        assert!(waits.len() > 1, "{waits:?}");
        assert!(waits.iter().all(|w| *w <= Duration::from_millis(800)));
    }

    #[test]
    fn each_setter_sets_its_field_and_keeps_the_others() {
        let ms = Duration::from_millis;
        let p = RetryPolicy::none()
            .initial_backoff(ms(7))
            .max_backoff(ms(70))
            .max_elapsed(ms(700))
            .jitter(false)
            .max_attempts(4);
        assert_eq!(
            p,
            RetryPolicy {
                max_attempts: 4,
                initial_backoff: ms(7),
                max_backoff: ms(70),
                max_elapsed: ms(700),
                jitter: false,
            }
        );
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::none(), RetryPolicy::default().max_attempts(1));
    }

    #[test]
    fn only_reads_are_retried() {
        // What the spec says of each operation (`changes_state`: its method, or the spec's
        // `x-salesflow-changes-state`), not a list kept here.
        for op in Operation::ALL {
            assert_eq!(may_retry(*op), !op.changes_state(), "{op}");
        }
        // The spec has both kinds, so the check above tells them apart.
        assert!(Operation::ALL.iter().any(|op| may_retry(*op)));
        assert!(Operation::ALL.iter().any(|op| !may_retry(*op)));
    }
}
