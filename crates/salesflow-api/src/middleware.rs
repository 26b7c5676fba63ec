//! The HTTP layer every request goes through: a [`tower`] service from an [`HttpRequest`] to
//! an [`HttpResponse`], so that a service's own code (metrics, request ids, an auth proxy,
//! tracing) wraps every call.
//!
//! # Why tower, over `http` types
//!
//! progenitor's generated client takes a plain `reqwest::Client` and runs our `exec` hook for
//! every request; `reqwest-middleware` would need the generated code to hold its own client
//! type. The hook instead hands the request to a [`tower::Service`], the interface most of
//! the ecosystem's middleware (tower-http among it) speaks, as `http::Request` /
//! `http::Response` so that a layer can read and set headers and extensions. The request's
//! extensions carry a [`RequestContext`]: which operation and account it is for.
//!
//! # The vendor's status in the body
//!
//! The vendor sometimes answers an error with HTTP 200 and a body such as
//! `{"Status": 404, "Message": "..."}`; a layer that counts HTTP statuses would count it as a
//! success. The innermost service ([`transport`]) reads the body of every success answer
//! before handing it to the layers, and when it is a JSON object with an integer `Status`,
//! puts that status in the response's extensions as a [`BodyStatus`]. A layer reads it with
//! `response.extensions().get::<BodyStatus>()`, or [`BodyStatus::effective_status`] gives the
//! status to count (the body's when it is an error, else the HTTP one).
//!
//! The service's error type is `reqwest::Error`, what the generated client expects from its
//! transport: a layer observes, changes or delays requests and responses, and passes the inner
//! service's errors on. A layer that must refuse a request answers with an HTTP response (a
//! status of its choice) rather than an error.
//!
//! ```
//! use std::time::Instant;
//! use salesflow_api::middleware::{HttpRequest, RequestContext};
//!
//! // A layer that measures each operation's latency.
//! let layer = tower::layer::layer_fn(|inner: salesflow_api::middleware::HttpService| {
//!     tower::service_fn(move |request: HttpRequest| {
//!         let mut inner = inner.clone();
//!         async move {
//!             let operation = request.extensions().get::<RequestContext>().map(|c| c.operation);
//!             let started = Instant::now();
//!             let response = tower::ServiceExt::oneshot(&mut inner, request).await;
//!             println!("{operation:?} took {:?}", started.elapsed());
//!             response
//!         }
//!     })
//! });
//! # let _ = layer;
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use salesflow_webhook_types::AccountId;
use tower::util::BoxCloneSyncService;

use crate::operations::Operation;

/// A request as a middleware sees it.
pub type HttpRequest = http::Request<reqwest::Body>;

/// A response as a middleware sees it.
pub type HttpResponse = http::Response<reqwest::Body>;

/// The type-erased service requests go through (the HTTP client, wrapped in the layers).
pub type HttpService = BoxCloneSyncService<HttpRequest, HttpResponse, reqwest::Error>;

/// What a request is for: put in its extensions before it reaches the middleware.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestContext {
    /// The operation.
    pub operation: Operation,
    /// The account it is sent for (`None` for ListAccounts, which needs no account).
    pub account_id: Option<AccountId>,
}

/// The `Status` of a success answer's body (an HTTP 200 whose body is
/// `{"Status": 404, "Message": "..."}`), in the response's extensions: see
/// [the module's documentation](self#the-vendors-status-in-the-body).
///
/// ```
/// use salesflow_api::middleware::{BodyStatus, HttpResponse};
///
/// let mut response = HttpResponse::new(reqwest::Body::from(r#"{"Status": 404}"#));
/// response.extensions_mut().insert(BodyStatus::new(404));
/// assert!(response.extensions().get::<BodyStatus>().is_some_and(|s| s.is_error()));
/// assert_eq!(BodyStatus::effective_status(&response), 404);
/// assert_eq!(BodyStatus::effective_status(&HttpResponse::new(reqwest::Body::from("[]"))), 200);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BodyStatus(i32);

impl BodyStatus {
    /// A body status.
    pub fn new(status: i32) -> Self {
        BodyStatus(status)
    }

    /// The body's `Status`.
    pub fn get(self) -> i32 {
        self.0
    }

    /// Whether it reports an error (400 or more), whatever the HTTP status said.
    pub fn is_error(self) -> bool {
        self.0 >= 400
    }

    /// The status to count for `response`: its [`BodyStatus`] when that is an error status
    /// (and a valid HTTP status code), else the HTTP status.
    pub fn effective_status(response: &HttpResponse) -> u16 {
        response
            .extensions()
            .get::<BodyStatus>()
            .filter(|s| s.is_error())
            .and_then(|s| u16::try_from(s.0).ok())
            .filter(|s| http::StatusCode::from_u16(*s).is_ok())
            .unwrap_or_else(|| response.status().as_u16())
    }

    /// The integer `Status` of a JSON object body, if it has one.
    fn of_body(body: &[u8]) -> Option<BodyStatus> {
        #[derive(serde::Deserialize)]
        struct Probe {
            #[serde(rename = "Status", default)]
            status: Option<serde_json::Value>,
        }
        // Only an object can be a StatusMessage: a list (most answers) is skipped at once.
        if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return None;
        }
        let probe: Probe = serde_json::from_slice(body).ok()?;
        let status = probe.status?.as_i64()?;
        i32::try_from(status).ok().map(BodyStatus)
    }
}

/// One attempt as [`observe`] reports it, once it is answered or has failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// What the request was for; `None` for a request sent without a [`RequestContext`].
    pub context: Option<RequestContext>,
    /// From the request reaching the layer to its answer (or error) coming back through it.
    pub elapsed: Duration,
    /// Whether it failed: not answered at all, or answered with an error status, in the HTTP
    /// status or in the body ([`BodyStatus::effective_status`] 400 or more).
    pub failed: bool,
}

/// A layer that times every attempt and hands `observer` an [`Attempt`] for each (every
/// retry counts), leaving the request and its answer as they are: the place to feed a
/// metrics system (a histogram of `elapsed`, a counter of failures, by operation). Give it to
/// the client builder's `layer`. `observer` runs on the task that awaits the answer: keep it
/// short (a counter, a lock held briefly).
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
/// use salesflow_api::middleware::{observe, Attempt};
///
/// let failures = Arc::new(AtomicU64::new(0));
/// let counted = failures.clone();
/// let layer = observe(move |attempt: Attempt| {
///     let operation = attempt.context.map_or("unknown", |c| c.operation.id());
///     if attempt.failed {
///         counted.fetch_add(1, Ordering::Relaxed);
///     }
///     println!("{operation}: {:?}", attempt.elapsed);
/// });
/// # let _ = layer;
/// ```
pub fn observe<F>(observer: F) -> impl tower::Layer<HttpService, Service = HttpService> + Clone
where
    F: Fn(Attempt) + Clone + Send + Sync + 'static,
{
    tower::layer::layer_fn(move |inner: HttpService| {
        HttpService::new(Observed {
            inner,
            observer: observer.clone(),
        })
    })
}

/// The service of [`observe`]: `inner`, timed.
#[derive(Clone)]
struct Observed<F> {
    inner: HttpService,
    observer: F,
}

impl<F> tower::Service<HttpRequest> for Observed<F>
where
    F: Fn(Attempt) + Clone + Send + Sync + 'static,
{
    type Response = HttpResponse;
    type Error = reqwest::Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, reqwest::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), reqwest::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let context = request.extensions().get::<RequestContext>().copied();
        let observer = self.observer.clone();
        let started = Instant::now();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await;
            let failed = match &response {
                Ok(r) => BodyStatus::effective_status(r) >= 400,
                Err(_) => true,
            };
            let elapsed = started.elapsed();
            observer(Attempt {
                context,
                elapsed,
                failed,
            });
            response
        })
    }
}

/// The innermost service: sends the request with `client`. The body of a success answer
/// is read before the answer is handed back, and its `Status`, if any, put in the
/// response's extensions ([`BodyStatus`]).
pub fn transport(client: reqwest::Client) -> HttpService {
    BoxCloneSyncService::new(tower::service_fn(move |request: HttpRequest| {
        let client = client.clone();
        async move {
            let request = reqwest::Request::try_from(request)?;
            // An error while reading the body names the request's URL, as one from
            // `reqwest::Response::bytes` does (the client's hooks redact it).
            let url = request.url().clone();
            let response = HttpResponse::from(client.execute(request).await?);
            if !response.status().is_success() {
                return Ok(response);
            }
            let (parts, body) = response.into_parts();
            let body = http_body_util::BodyExt::collect(body)
                .await
                .map_err(|e| e.with_url(url))?
                .to_bytes();
            let status = BodyStatus::of_body(&body);
            let mut response = HttpResponse::from_parts(parts, reqwest::Body::from(body));
            if let Some(status) = status {
                response.extensions_mut().insert(status);
            }
            Ok(response)
        }
    }))
}
