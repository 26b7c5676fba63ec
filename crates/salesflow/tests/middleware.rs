//! `ClientBuilder::layer`: a service's own tower layers around every request, through the
//! public API. A layer sees every attempt (retries happen outside it) with the operation and
//! account in the request's extensions, layers run in the order they were added, a layer can
//! change the request the server receives, and it can answer by itself.

mod common;

use std::sync::{Arc, Mutex};

use salesflow::reqwest;
use salesflow::salesflow_api::middleware::{
    observe, Attempt, HttpRequest, HttpResponse, HttpService, RequestContext,
};
use salesflow::{AccountId, Client, Operation};
use serde_json::json;
use tower::ServiceExt;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What the recording layer saw of one attempt.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    operation: Option<Operation>,
    account: Option<AccountId>,
    status: Option<u16>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A layer recording each attempt's context and the status it got back.
fn recording(log: Log) -> impl tower::Layer<HttpService, Service = HttpService> + Clone {
    tower::layer::layer_fn(move |inner: HttpService| {
        let log = log.clone();
        HttpService::new(tower::service_fn(move |request: HttpRequest| {
            let inner = inner.clone();
            let log = log.clone();
            async move {
                let context = request.extensions().get::<RequestContext>().copied();
                let response = inner.oneshot(request).await;
                log.lock().unwrap().push(Seen {
                    operation: context.map(|c| c.operation),
                    account: context.and_then(|c| c.account_id),
                    status: response.as_ref().ok().map(|r| r.status().as_u16()),
                });
                response
            }
        }))
    })
}

/// A layer that notes its name when a request passes through it.
fn naming(
    name: &'static str,
    order: Arc<Mutex<Vec<&'static str>>>,
) -> impl tower::Layer<HttpService, Service = HttpService> + Clone {
    tower::layer::layer_fn(move |inner: HttpService| {
        let order = order.clone();
        HttpService::new(tower::service_fn(move |request: HttpRequest| {
            order.lock().unwrap().push(name);
            inner.clone().oneshot(request)
        }))
    })
}

/// A layer that answers every request itself with `status` and `body`.
fn answering(
    status: u16,
    body: &'static str,
) -> impl tower::Layer<HttpService, Service = HttpService> + Clone {
    tower::layer::layer_fn(move |_inner: HttpService| {
        HttpService::new(tower::service_fn(move |_request: HttpRequest| async move {
            let response: HttpResponse = http::Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(reqwest::Body::from(body))
                .unwrap();
            Ok::<_, reqwest::Error>(response)
        }))
    })
}

fn builder(base_url: String) -> salesflow::ClientBuilder {
    Client::builder()
        .token(common::TOKEN)
        .account_id(common::ACCOUNT)
        .base_url(base_url)
        .retry_policy(common::fast_retry())
}

/// A server giving the `first` answers in turn, one each, then `[]` to everything.
async fn answering_in_turn(first: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    for answer in first {
        Mock::given(any())
            .respond_with(answer)
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_layer_sees_every_attempt_with_its_operation_and_account() {
    let server = answering_in_turn(vec![ResponseTemplate::new(503); 2]).await;
    let log = Log::default();
    let client = builder(format!("{}/api", server.uri()))
        .layer(recording(log.clone()))
        .build()
        .unwrap();

    let campaigns = client.list_campaigns().await.unwrap();
    assert!(campaigns.is_empty());

    let seen = |status| Seen {
        operation: Some(Operation::ListCampaigns),
        account: Some(AccountId::new(common::ACCOUNT)),
        status: Some(status),
    };
    assert_eq!(*log.lock().unwrap(), vec![seen(503), seen(503), seen(200)]);
}

#[tokio::test]
async fn a_client_for_another_account_keeps_the_layers_and_names_its_account() {
    let (server, _) = common::serve(200, json!([])).await;
    let log = Log::default();
    let client = builder(format!("{}/api", server.uri()))
        .layer(recording(log.clone()))
        .build()
        .unwrap();

    client
        .for_account("other-token", 7)
        .list_webhooks()
        .await
        .unwrap();
    client.list_accounts().await.unwrap();

    let seen = log.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![
            Seen {
                operation: Some(Operation::ListWebhooks),
                account: Some(AccountId::new(7)),
                status: Some(200),
            },
            // ListAccounts needs no account.
            Seen {
                operation: Some(Operation::ListAccounts),
                account: None,
                status: Some(200),
            },
        ]
    );
}

#[tokio::test]
async fn layers_added_first_see_the_request_first() {
    let (server, _) = common::serve(200, json!([])).await;
    let order = Arc::new(Mutex::new(Vec::new()));
    let client = builder(format!("{}/api", server.uri()))
        .layer(naming("first", order.clone()))
        .layer(naming("second", order.clone()))
        .build()
        .unwrap();

    client.list_webhooks().await.unwrap();

    assert_eq!(*order.lock().unwrap(), vec!["first", "second"]);
}

#[tokio::test]
async fn a_header_set_by_a_layer_reaches_the_server() {
    let (server, _) = common::serve(200, json!([])).await;
    let with_request_id = tower::layer::layer_fn(|inner: HttpService| {
        HttpService::new(tower::service_fn(move |mut request: HttpRequest| {
            request
                .headers_mut()
                .insert("x-request-id", http::HeaderValue::from_static("req-42"));
            inner.clone().oneshot(request)
        }))
    });
    let client = builder(format!("{}/api", server.uri()))
        .layer(with_request_id)
        .build()
        .unwrap();

    client.list_webhooks().await.unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0]
            .headers
            .get("x-request-id")
            .map(|v| v.to_str().unwrap()),
        Some("req-42")
    );
}

#[tokio::test]
async fn a_layer_can_answer_without_the_network() {
    // Nothing listens on this address: only the layer's answer can succeed.
    let client = builder("http://127.0.0.1:9/api".into())
        .layer(answering(
            200,
            r#"[{"CampaignId": 5, "CampaignName": "From the layer"}]"#,
        ))
        .build()
        .unwrap();

    let campaigns = client.list_campaigns().await.unwrap();

    assert_eq!(campaigns.len(), 1);
    assert_eq!(campaigns[0].campaign_id, salesflow::CampaignId::new(5));
    assert_eq!(
        campaigns[0].campaign_name.as_deref(),
        Some("From the layer")
    );
}

#[tokio::test]
async fn a_layer_refusing_a_request_is_a_typed_api_error() {
    let client = builder("http://127.0.0.1:9/api".into())
        .layer(answering(
            403,
            r#"{"Status": 403, "Message": "refused by policy"}"#,
        ))
        .build()
        .unwrap();

    let error = client.list_webhooks().await.unwrap_err();

    assert_eq!(error.http_status(), Some(403));
    let api = error.as_api().expect("an API error");
    assert_eq!(api.operation, Operation::ListWebhooks);
    assert_eq!(api.message.as_deref(), Some("refused by policy"));
}

#[tokio::test]
async fn observe_reports_every_attempt_and_counts_a_status_in_the_body_as_a_failure() {
    let server = answering_in_turn(vec![
        ResponseTemplate::new(503),
        // HTTP 200 with the vendor's error status in the body.
        ResponseTemplate::new(200).set_body_json(json!({"Status": 404, "Message": "gone"})),
    ])
    .await;
    let attempts: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let seen = attempts.clone();
    let client = builder(format!("{}/api", server.uri()))
        .layer(observe(move |attempt| seen.lock().unwrap().push(attempt)))
        .build()
        .unwrap();

    let _ = client.list_campaigns().await;
    client.list_campaigns().await.unwrap();

    let attempts = attempts.lock().unwrap();
    let failed: Vec<bool> = attempts.iter().map(|a| a.failed).collect();
    assert_eq!(failed, [true, true, false], "{attempts:?}");
    for attempt in attempts.iter() {
        let context = attempt.context.expect("a context");
        assert_eq!(context.operation, Operation::ListCampaigns);
        assert_eq!(context.account_id, Some(AccountId::new(common::ACCOUNT)));
    }
}
