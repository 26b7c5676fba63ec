//! Helpers shared by the integration tests: a mock server and a reqwest client that adds the
//! demo credentials.

#![allow(dead_code)]

use salesflow_api::{ApiToken, ClientState, Hosts};
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};
use salesflow_webhook_types::AccountId;
use serde_json::Value;

pub struct Api {
    pub server: MockServer,
    pub http: reqwest::Client,
    pub token: String,
    pub account_id: AccountId,
}

/// A status and the body parsed as JSON (`Value::Null` if it is not JSON).
pub type Answer = (u16, Value);

impl Api {
    pub async fn start() -> Self {
        Self::start_with(Seed::Demo).await
    }

    pub async fn start_with(seed: Seed) -> Self {
        let server = MockServer::start_with(seed)
            .await
            .expect("mock server starts");
        Self {
            server,
            http: reqwest::Client::new(),
            token: DEMO_TOKEN.to_string(),
            account_id: DEMO_ACCOUNT_ID,
        }
    }

    /// `base_url + path + ?token=..&accountId=..&query`.
    pub fn url(&self, path: &str, query: &str) -> String {
        let mut url = format!(
            "{}{path}?token={}&accountId={}",
            self.server.base_url(),
            self.token,
            self.account_id
        );
        if !query.is_empty() {
            url.push('&');
            url.push_str(query);
        }
        url
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request is sent");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body is read");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn get(&self, path: &str, query: &str) -> Answer {
        self.send(self.http.get(self.url(path, query))).await
    }

    pub async fn post(&self, path: &str, query: &str, body: Value) -> Answer {
        self.send(self.http.post(self.url(path, query)).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str, query: &str) -> Answer {
        self.send(self.http.delete(self.url(path, query))).await
    }

    /// A control route, `root_url + path`.
    pub fn control(&self, path: &str) -> String {
        format!("{}{path}", self.server.root_url())
    }

    /// A control route called with `method` and an optional JSON body.
    pub async fn call_control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let request = self.http.request(method, self.control(path));
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        self.send(request).await
    }

    /// The generated client (`salesflow-api`) on this mock, with the current credentials.
    pub fn client(&self) -> salesflow_api::Client {
        let state = ClientState::new(ApiToken::new(self.token.clone()), Some(self.account_id));
        salesflow_api::Client::with_hosts(
            &Hosts::single(self.server.base_url()),
            self.http.clone(),
            state,
        )
    }
}
