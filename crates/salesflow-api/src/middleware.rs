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

/// The innermost service: sends the request with `client`.
pub fn transport(client: reqwest::Client) -> HttpService {
    BoxCloneSyncService::new(tower::service_fn(move |request: HttpRequest| {
        let client = client.clone();
        async move {
            let request = reqwest::Request::try_from(request)?;
            let response = client.execute(request).await?;
            Ok(HttpResponse::from(response))
        }
    }))
}
