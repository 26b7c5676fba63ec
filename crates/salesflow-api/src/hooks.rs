//! The hooks the generated client runs around every request (see progenitor's `ClientHooks`):
//! host routing, authentication, and the scrubbing of the token from URLs that errors and
//! responses carry.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tower::ServiceExt;

use crate::middleware::{HttpRequest, HttpResponse, RequestContext};

use crate::operations::{Host, Operation};
use crate::redact::hide_token_parameter;
use crate::state::{ClientState, Hosts};
use crate::Client;

impl Client {
    /// A client for the given hosts and credentials, over an existing `reqwest::Client`
    /// (whose timeouts, proxies and TLS settings are kept).
    pub fn with_hosts(hosts: &Hosts, client: reqwest::Client, state: ClientState) -> Self {
        let state = state.with_app_base_url(hosts.app());
        Client::new_with_client(hosts.mvc(), client, state)
    }

    /// A client that shares this one's connection pool and `mvc` base URL, with another state
    /// (other credentials, a per-call timeout). Cheap: the pool is shared, not copied.
    pub fn with_state(&self, state: ClientState) -> Self {
        Client::new_with_client(self.baseurl(), self.client().clone(), state)
    }
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let op = Operation::from_name(info.operation_id);
        let state = self.inner();
        if let Some(timeout) = state.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        if op.is_some_and(|op| op.host() == Host::App) {
            let url = request.url().as_str();
            if let Some(rest) = url.strip_prefix(self.baseurl()) {
                let rebased = format!("{}{}", state.app_base_url, rest);
                *request.url_mut() = reqwest::Url::parse(&rebased).map_err(|e| {
                    progenitor_client::Error::InvalidRequest(format!(
                        "invalid app base URL `{}`: {e}",
                        state.app_base_url
                    ))
                })?;
            }
        }
        // The OpenTelemetry URL fields of the caller's span (the `salesflow` crate's
        // `salesflow.attempt`), once the host is final. The token goes in the query, which is
        // never recorded; a base URL may still hold it in its path (a gateway routing by
        // key): the path is redacted.
        let span = tracing::Span::current();
        if !span.is_disabled() {
            span.record("url.path", state.redactor.redact(request.url().path()));
        }
        if let Some(host) = request.url().host_str() {
            span.record("server.address", host);
        }
        if let Some(port) = request.url().port_or_known_default() {
            span.record("server.port", port);
        }
        let needs_account_id = op.is_none_or(|op| op.needs_account_id());
        let mut query = request.url_mut().query_pairs_mut();
        query.append_pair("token", state.token.expose_secret());
        if let (true, Some(account_id)) = (needs_account_id, state.account_id) {
            query.append_pair("accountId", &account_id.to_string());
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        // What errors and responses show of the request: its URL, its `token` parameter
        // redacted (cheap: on every response); an error's URL is also redacted wherever the
        // token is in it (a base URL's path), when the error happens.
        let shown_url = hide_token_parameter(request.url());
        let redact = |e: reqwest::Error| match state.redactor.redact_url(&shown_url) {
            Some(url) if e.url().is_some() => e.with_url(url),
            _ => e.without_url(),
        };
        // A reqwest::Response remembers its URL (token included) and shows it in `Debug` and
        // in the errors of reading its body; progenitor hands whole responses back in some
        // errors. Rebuilding the response from its parts gives it the redacted URL instead.
        let response: HttpResponse = match (&state.service, Operation::from_name(info.operation_id))
        {
            (Some(service), Some(operation)) => {
                let mut request = HttpRequest::try_from(request).map_err(redact)?;
                let needs_account = operation.needs_account_id();
                request.extensions_mut().insert(RequestContext {
                    operation,
                    account_id: state.account_id.filter(|_| needs_account),
                });
                service.clone().oneshot(request).await.map_err(redact)?
            }
            _ => self.client().execute(request).await.map_err(redact)?.into(),
        };
        let (mut parts, body) = response.into_parts();
        parts.extensions.extend(url_extension(Some(shown_url)));
        Ok(reqwest::Response::from(HttpResponse::from_parts(
            parts, body,
        )))
    }
}

/// The extension that gives a response rebuilt from an `http::Response` its URL: `url`, or
/// (when the redacted URL is no URL) the placeholder reqwest itself uses,
/// `http://no.url.provided.local`.
fn url_extension(url: Option<reqwest::Url>) -> http::Extensions {
    use reqwest::ResponseBuilderExt as _;
    let mut builder = http::Response::builder();
    if let Some(url) = url {
        builder = builder.url(url);
    }
    builder
        .extensions_mut()
        .map(std::mem::take)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).unwrap()
    }

    #[test]
    fn a_rebuilt_response_carries_the_url_it_is_given() {
        let rebuilt = |shown| {
            let (mut parts, body) = http::Response::new(reqwest::Body::from("{}")).into_parts();
            parts.extensions.extend(url_extension(shown));
            reqwest::Response::from(HttpResponse::from_parts(parts, body))
        };
        let shown = url("http://127.0.0.1:9/api/accounts/list?token=REDACTED");
        assert_eq!(rebuilt(Some(shown.clone())).url(), &shown);
        assert_eq!(
            rebuilt(None).url().as_str(),
            "http://no.url.provided.local/"
        );
    }
}
