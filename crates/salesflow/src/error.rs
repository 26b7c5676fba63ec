//! The one error type of the crate, and how the low-level client's errors map onto it.
//!
//! Every message this module builds from data that came over the network (a vendor
//! `Message`, a body, its summary or snippet, a JSON decoding error) goes through the one
//! [`Redactor`](salesflow_api::redact::Redactor) *before* it is cut or summed up: the API
//! token, in any form or in runs of 12 bytes of one, is replaced by `[REDACTED]`. Transport
//! errors carry the request's URL with the token redacted.

use std::fmt;
use std::time::Duration;

use salesflow_api::operations::Operation;
use salesflow_api::types;

use crate::transport::TransportCause;
use crate::validate::ValidationError;

/// At most this many characters of a body (200) are kept in [`Error::Decode`] snippets and
/// in the `message` of errors built from non-JSON bodies.
pub const SNIPPET_CHARS: usize = 200;

/// The low-level client's error type.
pub(crate) type RawError = salesflow_api::Error<types::StatusMessage>;

/// Everything that can go wrong when calling the API.
///
/// Match on the variant (and on [`ApiError::kind`] for errors the server reported) rather
/// than on messages. No variant's `Display` or `Debug` ever shows the API token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error: an HTTP status of 400 or more, or an HTTP 200
    /// whose body is a `StatusMessage` with a `Status` of 400 or more.
    #[error(transparent)]
    Api(#[from] ApiError),

    /// The server answered with a success status but a body that could not be decoded.
    #[error("{operation}: could not decode the response{}: {source} (body starts with: {snippet:?})",
        .status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Decode {
        /// The operation.
        operation: Operation,
        /// The HTTP status, when known. The low-level client does not report it for an
        /// undecodable body of a documented status (200, or a documented error status), so
        /// it is `None` then.
        status: Option<u16>,
        /// At most [`SNIPPET_CHARS`] characters of the body, token redacted.
        snippet: String,
        /// Why decoding failed (token redacted).
        #[source]
        source: DecodeError,
    },

    /// The request could not be sent or its response could not be read: connection refused,
    /// DNS failure, TLS failure, timeout, an answer that is not HTTP, a redirect loop, a proxy
    /// that refused the tunnel, a body cut short. Its `Display` names the cause ("timed out
    /// after 30 s", "connection refused", see [`TransportCause`]) and the request's URL (token
    /// redacted). See [`Error::transport_cause`], [`Error::is_timeout`].
    #[error("{operation}: transport error: {cause} ({source})")]
    Transport {
        /// The operation.
        operation: Operation,
        /// The underlying error. Its URL, if any, has the token replaced by `REDACTED`.
        #[source]
        source: reqwest::Error,
        /// Why, as read from `source`'s chain.
        cause: TransportCause,
    },

    /// An argument was rejected before any request was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// The client is not configured for this call (no token, no account id, a bad base URL,
    /// an unreadable environment variable). Raised before any request is sent.
    #[error("configuration error: {0}")]
    Config(String),

    /// The account's daily budget of this operation (see [`Pacing`](crate::Pacing)) is
    /// spent: nothing was sent.
    #[error("{operation}: the daily budget of {limit} is spent for account {}{}",
        .account_id.map(|a| a.to_string()).unwrap_or_else(|| "(none)".into()),
        .resets_at.map(|t| format!(" (it resets at {t})")).unwrap_or_default())]
    BudgetExhausted {
        /// The operation.
        operation: Operation,
        /// The account.
        account_id: Option<salesflow_webhook_types::AccountId>,
        /// The budget per UTC day.
        limit: u32,
        /// When the budget resets (the next UTC midnight).
        resets_at: Option<chrono::DateTime<chrono::Utc>>,
    },

    /// The pacing state shared by several processes (see
    /// [`PacingBackend`](crate::pacing::PacingBackend)) could not be read or updated: nothing
    /// was sent.
    #[error("{operation}: pacing: {message}")]
    Pacing {
        /// The operation.
        operation: Operation,
        /// What went wrong (the shared store's own error).
        message: String,
    },
}

impl Error {
    /// Whether the request timed out (the client's `timeout` or `connect_timeout`, or a
    /// per-call [`Call::timeout`](crate::Call::timeout)).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// Why the request could not be sent or its answer not read, for a transport error.
    pub fn transport_cause(&self) -> Option<TransportCause> {
        match self {
            Error::Transport { cause, .. } => Some(*cause),
            _ => None,
        }
    }

    /// Whether the connection could not be established.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_connect())
    }

    /// The server's error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The kind of the server's error, if this is one.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        self.as_api().map(|e| e.kind)
    }

    /// The HTTP status of the response, when there was one and it is known.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => *status,
            _ => None,
        }
    }

    /// How long to wait before trying again, when known: what the server asked
    /// (`Retry-After` of a 429 or 503), or for [`Error::BudgetExhausted`] the time left until
    /// the budget resets (zero once that time has passed).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::BudgetExhausted {
                resets_at: Some(at),
                ..
            } => Some(
                (*at - chrono::Utc::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO),
            ),
            _ => self.as_api().and_then(|e| e.retry_after),
        }
    }

    // `is_retryable` is defined beside the retry policy it is part of (retry.rs), so that
    // the policy depends on the error type and not the other way round.

    /// Whether the request may have been carried out by the server, so that sending it again
    /// could do it twice (an ImportMember sent again creates a second member, flagged
    /// `MEMBER_DUPLICATE`). Distinct from [`is_retryable`](Self::is_retryable), which says
    /// whether another try may succeed.
    ///
    /// Decided by the operation's [`changes_state`](crate::Operation::changes_state) flag, the
    /// answer's status and the transport phase the failure happened in:
    ///
    /// - an operation that changes nothing: never (`false`);
    /// - nothing sent: rejected before sending ([`Error::Validation`], [`Error::Config`],
    ///   [`Error::BudgetExhausted`], [`Error::Pacing`]), or no connection made (refused, DNS,
    ///   TLS handshake, connect timeout): `false`;
    /// - the server answered and refused: HTTP 4xx, including 429 (or a 4xx `Status` in an
    ///   HTTP 200 body): `false`;
    /// - the server answered with a 5xx (or a 5xx `Status` in an HTTP 200 body), or with a
    ///   success-like status the spec does not document, or with a success whose body could
    ///   not be decoded: `true`;
    /// - the request was sent, then the answer never came or broke off (a timeout after
    ///   connecting, a connection reset while the answer was read): `true`.
    ///
    /// When it is `true`, look the effect up before sending again: for ImportMember, list the
    /// profile with ListContacts by public identifiers, which is what the import engine
    /// ([`Client::import_job`](crate::Client::import_job)) does for every row of unknown
    /// outcome.
    ///
    /// ```
    /// # fn demo(err: salesflow::Error) {
    /// if err.may_have_taken_effect() {
    ///     // look it up before sending it again
    /// } else if err.is_retryable() {
    ///     // nothing happened: sending it again is safe
    /// }
    /// # }
    /// ```
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            Error::Api(e) => {
                // The status that says what happened: the HTTP one, or under a success-like
                // HTTP status the body's `Status`.
                let status = if e.status >= 400 {
                    Some(i64::from(e.status))
                } else {
                    e.body_status.map(i64::from)
                };
                e.operation.changes_state() && status.is_none_or(|s| !(400..500).contains(&s))
            }
            Error::Decode { operation, .. } => operation.changes_state(),
            Error::Transport {
                operation,
                source,
                cause,
            } => {
                let not_connected = source.is_connect()
                    || matches!(
                        cause,
                        TransportCause::ConnectionRefused
                            | TransportCause::Dns
                            | TransportCause::Tls
                    );
                operation.changes_state() && !not_connected
            }
            Error::Validation(_)
            | Error::Config(_)
            | Error::BudgetExhausted { .. }
            | Error::Pacing { .. } => false,
        }
    }

    /// The OpenTelemetry `error.type` of this error: the HTTP status for an answer
    /// (`"429"`), else a short name of the kind (`"timeout"`, `"connection_refused"`,
    /// `"dns"`, `"tls"`, `"connection_reset"`, `"invalid_status_line"`, `"invalid_header"`,
    /// `"header_too_large"`, `"too_many_redirects"`, `"proxy_refused"`, `"body_cut_short"`,
    /// `"transport"`, `"decode"`, `"validation"`, `"config"`).
    pub(crate) fn error_type(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Error::Api(e) => e.status.to_string().into(),
            Error::Transport { cause, .. } => match cause {
                TransportCause::Timeout { .. } => "timeout",
                TransportCause::ConnectionRefused => "connection_refused",
                TransportCause::Dns => "dns",
                TransportCause::Tls => "tls",
                TransportCause::ConnectionReset => "connection_reset",
                TransportCause::InvalidStatusLine => "invalid_status_line",
                TransportCause::InvalidHeader => "invalid_header",
                TransportCause::HeaderTooLarge => "header_too_large",
                TransportCause::TooManyRedirects { .. } => "too_many_redirects",
                TransportCause::ProxyRefused => "proxy_refused",
                TransportCause::BodyCutShort => "body_cut_short",
                _ => "transport",
            }
            .into(),
            Error::Decode { .. } => "decode".into(),
            Error::Validation(_) => "validation".into(),
            Error::Config(_) => "config".into(),
            Error::BudgetExhausted { .. } => "budget_exhausted".into(),
            Error::Pacing { .. } => "pacing".into(),
        }
    }
}

/// An error the server reported.
///
/// ```
/// # fn handle(err: salesflow::Error) {
/// use salesflow::{ApiErrorKind, Error};
/// match err {
///     Error::Api(e) if e.kind == ApiErrorKind::Conflict => println!("already running"),
///     Error::Api(e) if e.kind == ApiErrorKind::NotFound => println!("no such campaign"),
///     other => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation, e.g. [`Operation::StartCampaign`] (displayed as `startCampaign`).
    pub operation: Operation,
    /// The HTTP status (200 when the error was only in the body's `Status`).
    pub status: u16,
    /// The `Status` of the body, when the body was a `StatusMessage`.
    pub body_status: Option<i32>,
    /// The body's `Message`, or for a body that is not a `StatusMessage` a short summary of
    /// it: an HTML error page's `<title>` (or its first text), the first
    /// [`SNIPPET_CHARS`] characters of plain text. Token redacted.
    pub message: Option<String>,
    /// The body as received (at most 64 KiB), token redacted; `None` when it was a
    /// `StatusMessage` (then [`body_status`](Self::body_status) and
    /// [`message`](Self::message) are all of it) or empty.
    pub body: Option<Vec<u8>>,
    /// What kind of error this is, from the HTTP status (or from the body's `Status` under
    /// HTTP 200).
    pub kind: ApiErrorKind,
    /// How long the server asked to wait (`Retry-After`, in seconds or as an HTTP date).
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with HTTP {}", self.operation, self.status)?;
        if let Some(s) = self.body_status {
            write!(f, " (Status {s})")?;
        }
        write!(f, ", {:?}", self.kind)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(r) = self.retry_after {
            write!(f, " (retry after {} s)", r.as_secs())?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The kind of an [`ApiError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 401 or 403: invalid token or account.
    Forbidden,
    /// 404: no such campaign, member or webhook.
    NotFound,
    /// 409: a conflict (StartCampaign: the campaign is already running).
    Conflict,
    /// 422: the request cannot be carried out (StartCampaign: the `message` may say why).
    Unprocessable,
    /// 429: too many requests; see [`ApiError::retry_after`].
    RateLimited,
    /// 5xx: a server error.
    Server,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind for an HTTP status (or a body `Status`).
    pub fn from_status(status: i64) -> Self {
        match status {
            401 | 403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            409 => ApiErrorKind::Conflict,
            422 => ApiErrorKind::Unprocessable,
            429 => ApiErrorKind::RateLimited,
            500..=599 => ApiErrorKind::Server,
            _ => ApiErrorKind::Other,
        }
    }
}

/// Why a response body could not be decoded: the JSON error's message (token redacted) and
/// position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
    line: usize,
    column: usize,
}

impl DecodeError {
    pub(crate) fn new(err: &serde_json::Error, redactor: &Redactor) -> Self {
        DecodeError {
            message: redactor.redact(&err.to_string()),
            line: err.line(),
            column: err.column(),
        }
    }

    /// The line (1-based) at which decoding failed.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (1-based) at which decoding failed.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

pub(crate) use salesflow_api::redact::Redactor;

/// The first [`SNIPPET_CHARS`] characters of `body`, token redacted, control characters
/// replaced by spaces, and `…` if there is more.
pub(crate) fn snippet(redactor: &Redactor, body: &[u8]) -> String {
    // The whole body is redacted before it is cut, so that no token is ever half shown,
    // however many come before it (a body is cut only here, on the error path).
    let text = redactor.redact(&String::from_utf8_lossy(body));
    let mut chars = text.chars();
    let mut out: String = chars
        .by_ref()
        .take(SNIPPET_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// A transport error whose URL, if it still holds the token (in a base URL's path; the
/// `token` parameter is redacted already), has it redacted, or is dropped when what is left
/// is no URL. Errors of reading a body carry the response's URL, which only had its `token`
/// parameter redacted (on every response, so cheaply).
pub(crate) fn scrub(redactor: &Redactor, err: reqwest::Error) -> reqwest::Error {
    match err.url().filter(|u| redactor.contains_secret(u.as_str())) {
        None => err,
        Some(url) => match redactor.redact_url(url) {
            Some(redacted) => err.with_url(redacted),
            None => err.without_url(),
        },
    }
}

/// Error bodies are read up to this many bytes (the rest is dropped).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Reads at most [`MAX_ERROR_BODY`] bytes of a body; a read error ends the body.
async fn read_limited(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < MAX_ERROR_BODY {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_ERROR_BODY - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    body
}

/// `Retry-After` as a duration: whole seconds or an HTTP date.
pub(crate) fn parse_retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = date.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// The error of an answer with `status` (and the body's `Status`, when the body was a
/// `StatusMessage`): its kind from the status, or from the body's under HTTP 200.
pub(crate) fn api_error(
    op: Operation,
    status: u16,
    body_status: Option<i32>,
    message: Option<String>,
    retry_after: Option<Duration>,
) -> ApiError {
    let kind_status = if status >= 400 {
        i64::from(status)
    } else {
        body_status.map_or(i64::from(status), i64::from)
    };
    ApiError {
        operation: op,
        status,
        body_status,
        message,
        body: None,
        kind: ApiErrorKind::from_status(kind_status),
        retry_after,
    }
}

/// An HTTP-200 `StatusMessage` body: an error when its `Status` is 400 or more.
pub(crate) fn check_status_message(
    op: Operation,
    msg: types::StatusMessage,
    redactor: &Redactor,
) -> Result<types::StatusMessage, Error> {
    if msg.status >= 400 {
        Err(Error::Api(api_error(
            op,
            200,
            Some(msg.status),
            msg.message.map(|m| redactor.redact(&m)),
            None,
        )))
    } else {
        Ok(msg)
    }
}

/// Maps an error of the low-level client onto [`Error`].
pub(crate) async fn map_raw_error(
    op: Operation,
    err: RawError,
    redactor: &Redactor,
    timeout: Option<Duration>,
    redirect_limit: Option<usize>,
) -> Error {
    match err {
        RawError::InvalidRequest(s) | RawError::Custom(s) => {
            Error::Config(format!("{op}: {}", redactor.redact(&s)))
        }
        RawError::CommunicationError(e)
        | RawError::ResponseBodyError(e)
        | RawError::InvalidUpgrade(e) => Error::Transport {
            operation: op,
            cause: match TransportCause::of(&e, timeout) {
                TransportCause::TooManyRedirects { .. } => TransportCause::TooManyRedirects {
                    limit: redirect_limit,
                },
                cause => cause,
            },
            source: scrub(redactor, e),
        },
        RawError::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            let retry_after = parse_retry_after(rv.headers());
            let msg = rv.into_inner();
            Error::Api(api_error(
                op,
                status,
                Some(msg.status),
                msg.message.map(|m| redactor.redact(&m)),
                retry_after,
            ))
        }
        RawError::InvalidResponsePayload(bytes, e) => {
            // A documented error status whose body is a StatusMessage decodes as
            // `ErrorResponse`; so a StatusMessage here came with HTTP 200.
            match serde_json::from_slice::<types::StatusMessage>(&bytes) {
                Ok(msg) if msg.status >= 400 => Error::Api(api_error(
                    op,
                    200,
                    Some(msg.status),
                    msg.message.map(|m| redactor.redact(&m)),
                    None,
                )),
                _ => Error::Decode {
                    operation: op,
                    status: None,
                    snippet: snippet(redactor, &bytes),
                    source: DecodeError::new(&e, redactor),
                },
            }
        }
        RawError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let retry_after = parse_retry_after(response.headers());
            let body = read_limited(response).await;
            let parsed = serde_json::from_slice::<types::StatusMessage>(&body).ok();
            let mut raw_body = None;
            let (body_status, message) = match parsed {
                Some(msg) => (Some(msg.status), msg.message.map(|m| redactor.redact(&m))),
                None if body.iter().all(u8::is_ascii_whitespace) => (None, None),
                None => {
                    // Redacted before it is summed up (cut, its tags and spaces dropped).
                    let redacted = redactor.redact_bytes(&body);
                    let message = summary(&redacted);
                    raw_body = Some(redacted);
                    (None, Some(message))
                }
            };
            if status < 400 && body_status.is_none_or(|s| s < 400) {
                // A success-like status the spec does not document (e.g. 204): report it
                // as an API error of kind Other rather than guess at its meaning.
                let message = message.or_else(|| Some("undocumented response status".into()));
                return Error::Api(ApiError {
                    kind: ApiErrorKind::Other,
                    body: raw_body,
                    ..api_error(op, status, body_status, message, retry_after)
                });
            }
            Error::Api(ApiError {
                body: raw_body,
                ..api_error(op, status, body_status, message, retry_after)
            })
        }
    }
}

/// A short summary of a body that is not JSON: an HTML page's `<title>`, else its first
/// text; plain text's beginning. At most [`SNIPPET_CHARS`] characters, whitespace collapsed.
fn summary(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let lower = text.to_ascii_lowercase();
    let html = lower.contains("<html") || lower.contains("<!doctype") || lower.contains("<title");
    let chosen: String = if !html {
        text.into_owned()
    } else if let Some(title) = lower
        .find("<title")
        .and_then(|start| Some((start, lower[start..].find('>')? + start + 1)))
        .and_then(|(_, open)| Some((open, lower[open..].find("</title")? + open)))
        .map(|(open, close)| text[open..close].to_owned())
        .filter(|t| !t.trim().is_empty())
    {
        title
    } else {
        // The text between tags, without scripts and styles.
        let mut out = String::new();
        let mut rest: &str = &text;
        let mut rest_lower: &str = &lower;
        while let Some(open) = rest_lower.find('<') {
            out.push_str(&rest[..open]);
            out.push(' ');
            let skip_to = ["<script", "<style"]
                .iter()
                .find(|tag| rest_lower[open..].starts_with(**tag))
                .and_then(|tag| {
                    let closing = format!("</{}", &tag[1..]);
                    rest_lower[open..].find(&closing).map(|c| open + c)
                })
                .unwrap_or(open);
            match rest_lower[skip_to..].find('>') {
                Some(close) => {
                    rest = &rest[skip_to + close + 1..];
                    rest_lower = &rest_lower[skip_to + close + 1..];
                }
                None => {
                    rest = "";
                    rest_lower = "";
                }
            }
        }
        out.push_str(rest);
        out
    };
    let collapsed = chosen.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = collapsed.chars().take(SNIPPET_CHARS).collect();
    if collapsed.chars().count() > SNIPPET_CHARS {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_are_summed_up_by_their_title_or_first_text() {
        let page =
            b"<!DOCTYPE html><html><head><title>\n  Server Error in '/' Application.\n</title>\
            <style>body{color:red}</style></head><body><h1>Runtime Error</h1></body></html>";
        assert_eq!(summary(page), "Server Error in '/' Application.");
        let untitled =
            b"<html><head><script>var x = '<b>';</script></head><body><h1>502 Bad Gateway</h1>\
            <hr><center>nginx</center></body></html>";
        assert_eq!(summary(untitled), "502 Bad Gateway nginx");
        // Any one of the three marks makes a page HTML.
        let doctype_only = b"<!DOCTYPE html><body><h1>Gateway Timeout</h1></body>";
        assert_eq!(summary(doctype_only), "Gateway Timeout");
        assert_eq!(
            summary(b"<title>Forbidden</title><h1>403</h1>"),
            "Forbidden"
        );
        assert_eq!(summary(b"plain   text\nerror"), "plain text error");
        let long = "x".repeat(500);
        assert_eq!(summary(long.as_bytes()).chars().count(), SNIPPET_CHARS + 1);
        // The title of a page whose head is long (scripts, styles) is still found.
        let long_head = format!(
            "<html><head><script>{}</script><title>Service Unavailable</title></head></html>",
            "x".repeat(32 * 1024)
        );
        assert_eq!(summary(long_head.as_bytes()), "Service Unavailable");
        // Cut (and marked with `…`) only when something is left out.
        let exact = "é".repeat(SNIPPET_CHARS);
        assert_eq!(summary(exact.as_bytes()), exact);
        let one_more = "é".repeat(SNIPPET_CHARS + 1);
        assert_eq!(summary(one_more.as_bytes()), exact + "…");
    }

    #[test]
    fn a_snippet_is_redacted_before_it_is_cut() {
        let token = "tok-0123456789abcdefghij";
        let redactor = Redactor::new(&salesflow_api::ApiToken::new(token));
        assert_eq!(
            snippet(&redactor, format!("bad token\t{token}\n").as_bytes()),
            "bad token [REDACTED] "
        );
        // The token across the cut: redacted whole first, so not one of its characters shows.
        let head = "x".repeat(SNIPPET_CHARS - 3);
        let long = format!("{head}{token}");
        assert_eq!(snippet(&redactor, long.as_bytes()), format!("{head}[RE…"));
    }

    #[test]
    fn http_status_is_known_for_answers_only() {
        let redactor = Redactor::new(&salesflow_api::ApiToken::new("t"));
        let json_err = serde_json::from_str::<u8>("x").unwrap_err();
        let decode = |status| Error::Decode {
            operation: Operation::ListWebhooks,
            status,
            snippet: String::new(),
            source: DecodeError::new(&json_err, &redactor),
        };
        assert_eq!(decode(Some(203)).http_status(), Some(203));
        assert_eq!(decode(None).http_status(), None);
        assert_eq!(Error::Config("c".into()).http_status(), None);
        assert!(!decode(Some(200)).is_retryable());
    }

    #[test]
    fn decode_errors_keep_the_position_of_the_json_error() {
        let json_err = serde_json::from_str::<serde_json::Value>("{\n  \"a\": 1,\n  \"b\": tru }")
            .unwrap_err();
        let e = DecodeError::new(
            &json_err,
            &Redactor::new(&salesflow_api::ApiToken::new("t")),
        );
        assert_eq!((e.line(), e.column()), (3, 11));
    }

    #[tokio::test]
    async fn a_status_message_answered_with_200_is_an_api_error_only_for_an_error_status() {
        let redactor = Redactor::new(&salesflow_api::ApiToken::new("t"));
        let map = |body: &'static str| {
            let e = serde_json::from_str::<Vec<u8>>(body).unwrap_err();
            let raw = RawError::InvalidResponsePayload(body.as_bytes().to_vec().into(), e);
            map_raw_error(Operation::ListWebhooks, raw, &redactor, None, None)
        };
        let err = map(r#"{"Status":404,"Message":"no such webhook"}"#).await;
        let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!((api.status, api.body_status), (200, Some(404)));
        // A StatusMessage that is not an error where something else was expected: the
        // answer cannot be decoded.
        let err = map(r#"{"Status":200,"Message":"OK"}"#).await;
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
}
