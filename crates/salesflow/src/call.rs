//! One call of an operation: its parameters ([`Request`], implemented by each struct of
//! [`ops`](crate::ops)), per-call options ([`CallOptions`]), and the builder that carries both
//! until it is sent ([`Call`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use salesflow_api::operations::Operation;

use crate::{Client, Error, RetryPolicy};

pub(crate) mod sealed {
    /// Only the generated parameter structs of this crate are requests.
    pub trait Sealed {}
}

/// The parameters of one operation, ready to be sent: implemented by every struct of
/// [`ops`](crate::ops) (one per operation of the spec, generated), and by nothing else.
///
/// [`Client::send`] sends any of them; the [`Client`] method named after the operation builds
/// the same struct and wraps it in a [`Call`].
pub trait Request: sealed::Sealed + Clone + fmt::Debug + Send + 'static {
    /// What the operation answers.
    type Response: Send + 'static;

    /// The operation.
    const OPERATION: Operation;

    /// Checks the parameters (before anything is sent) and sends them with `client`.
    fn send(
        self,
        client: Client,
        options: CallOptions,
    ) -> impl Future<Output = Result<Self::Response, Error>> + Send + 'static;
}

/// Options of one call that override the client's.
///
/// ```
/// use std::time::Duration;
/// use salesflow::{CallOptions, RetryPolicy};
/// let options = CallOptions::default()
///     .timeout(Duration::from_secs(5))
///     .retry_policy(RetryPolicy::none());
/// assert_eq!(options.timeout, Some(Duration::from_secs(5)));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct CallOptions {
    /// The total timeout of each attempt (default: the client's, 30 s unless set with
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub timeout: Option<Duration>,
    /// The retry policy (default: the client's).
    pub retry: Option<RetryPolicy>,
}

impl CallOptions {
    /// Sets [`timeout`](Self::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets [`retry`](Self::retry).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

/// A call about to be made: an operation's parameters, the client, and per-call options.
/// Sent by `.await` (or [`send`](Self::send)); nothing happens before.
///
/// A `Call` is a [`Future`] (`Send`, `'static`): it can be given to `tokio::spawn` or
/// `futures::future::join_all` as it is, and its builder methods are only for before it is
/// first polled (the request is sent when it is).
///
/// ```no_run
/// # async fn demo(client: salesflow::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let stats = tokio::spawn(client.get_campaign_statistics(29854));
/// let campaigns = client.list_campaigns().await?;
/// let stats = stats.await??;
/// # Ok(()) }
/// ```
///
/// The [`Client`] method named after an operation returns one, with the required parameters
/// set; the optional ones have setters of the same name on `Call<ops::ThatOperation>`.
///
/// ```no_run
/// # async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {
/// use std::time::Duration;
/// let stats = client
///     .get_campaign_statistics(29854)
///     .is_force_request(true)           // an optional parameter
///     .timeout(Duration::from_secs(60)) // an option of this call only
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a Call does nothing until it is awaited or sent"]
pub struct Call<R: Request> {
    client: Client,
    request: R,
    options: CallOptions,
    /// The request on its way, once the call was first polled.
    sending: Option<Sending<R>>,
}

/// The future of a call being sent.
type Sending<R> = Pin<Box<dyn Future<Output = Result<<R as Request>::Response, Error>> + Send>>;

// No field is ever pinned in place: the future on its way is boxed.
impl<R: Request> Unpin for Call<R> {}

impl<R: Request> fmt::Debug for Call<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<R: Request> Call<R> {
    pub(crate) fn new(client: Client, request: R) -> Self {
        Call {
            client,
            request,
            options: CallOptions::default(),
            sending: None,
        }
    }

    pub(crate) fn map_request(mut self, f: impl FnOnce(R) -> R) -> Self {
        self.request = f(self.request);
        self
    }

    /// The total timeout of each attempt of this call, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The retry policy of this call, instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Replaces the per-call options.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// The parameters as they are now.
    pub fn request(&self) -> &R {
        &self.request
    }

    /// The parameters, without sending them.
    pub fn into_request(self) -> R {
        self.request
    }

    /// Sends the call (the same as awaiting it).
    ///
    /// # Errors
    ///
    /// See [`Error`]: a parameter the spec's rules refuse is [`Error::Validation`], before any
    /// request.
    pub async fn send(self) -> Result<R::Response, Error> {
        self.request.send(self.client, self.options).await
    }
}

impl<R: Request> Future for Call<R> {
    type Output = Result<R::Response, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let sending = this.sending.get_or_insert_with(|| {
            Box::pin(
                this.request
                    .clone()
                    .send(this.client.clone(), this.options.clone()),
            )
        });
        sending.as_mut().poll(cx)
    }
}

/// Parameters given as JSON ([`AnyRequest::from_json`](crate::AnyRequest::from_json)) that do
/// not fit an operation: a required one missing, a value of the wrong type, a name the
/// operation does not have.
///
/// ```
/// use salesflow::{AnyRequest, Operation};
/// let err = AnyRequest::from_json(Operation::GetContact, serde_json::json!({"memberId": "x"}))
///     .unwrap_err();
/// assert_eq!(err.parameter.as_deref(), Some("memberId"));
/// assert!(err.to_string().starts_with("getContact: parameter `memberId`: invalid type"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {}{message}", .parameter.as_ref().map(|p| format!("parameter `{p}`: ")).unwrap_or_default())]
#[non_exhaustive]
pub struct ParametersError {
    /// The operation.
    pub operation: Operation,
    /// The parameter at fault (its name on the wire), when one is.
    pub parameter: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ParametersError {
    pub(crate) fn new(
        operation: Operation,
        err: serde_path_to_error::Error<serde_json::Error>,
    ) -> Self {
        let path = err.path().to_string();
        ParametersError {
            operation,
            parameter: (path != ".").then_some(path),
            message: err.into_inner().to_string(),
        }
    }
}
