//! Construction: builder, environment, hosts.

mod common;

use common::*;
use salesflow::{AccountId, Client, Error};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn builder_requires_a_token_and_valid_urls() {
    assert!(matches!(Client::builder().build(), Err(Error::Config(_))));
    assert!(matches!(
        Client::builder().token("  ").build(),
        Err(Error::Config(_))
    ));
    for bad in ["not a url", "ftp://x.example/api", "/relative"] {
        let err = Client::builder()
            .token("t")
            .base_url(bad)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::Config(ref m) if m.contains("base URL")),
            "{err:?}"
        );
    }
    let err = Client::builder()
        .token("t")
        .app_base_url("nope")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    let client = Client::builder().token("t").build().unwrap();
    assert_eq!(client.account_id(), None);
    let dbg = format!("{client:?}");
    assert!(
        dbg.contains("https://mvc.salesflow.io/api")
            && dbg.contains("https://app.salesflow.io/api"),
        "{dbg}"
    );
}

#[test]
fn from_env_reads_the_three_variables() {
    let client = Client::from_env_with(env(&[
        ("SALESFLOW_TOKEN", "abc"),
        ("SALESFLOW_ACCOUNT_ID", " 321 "),
        ("SALESFLOW_BASE_URL", "http://localhost:9999/api"),
    ]))
    .unwrap();
    assert_eq!(client.account_id(), Some(AccountId::new(321)));
    assert!(format!("{client:?}").contains("http://localhost:9999/api"));

    // Account id is optional (ListAccounts only).
    let client = Client::from_env_with(env(&[("SALESFLOW_TOKEN", "abc")])).unwrap();
    assert_eq!(client.account_id(), None);

    let err = Client::from_env_with(env(&[])).unwrap_err();
    assert!(
        matches!(err, Error::Config(ref m) if m.contains("SALESFLOW_TOKEN")),
        "{err:?}"
    );
    let err = Client::from_env_with(env(&[
        ("SALESFLOW_TOKEN", "abc"),
        ("SALESFLOW_ACCOUNT_ID", "x12"),
    ]))
    .unwrap_err();
    assert!(
        matches!(err, Error::Config(ref m) if m.contains("SALESFLOW_ACCOUNT_ID") && !m.contains("x12") && !m.contains("abc")),
        "{err:?}"
    );
}

#[tokio::test]
async fn one_override_points_both_hosts_at_one_server() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = Client::from_env_with(env(&[
        ("SALESFLOW_TOKEN", TOKEN),
        ("SALESFLOW_ACCOUNT_ID", "321"),
        ("SALESFLOW_BASE_URL", &format!("{}/api/", server.uri())),
    ]))
    .unwrap();
    client.list_campaigns().await.unwrap();
    // GetCampaignStatistics (app host) reaches the same server.
    let err = client.get_campaign_statistics(1).await.unwrap_err(); // `[]` is not statistics
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/campaigns/list-campaigns",
            "/api/statistics/GetCampaignStatistics"
        ]
    );
}

#[tokio::test]
async fn user_agent_and_custom_http_client() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    client(&server).list_webhooks().await.unwrap();
    let ua = requests(&server).await[0].headers["user-agent"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(ua, format!("salesflow-rs/{}", env!("CARGO_PKG_VERSION")));

    // The re-exported reqwest: no dependency of the user's own.
    let custom = salesflow::reqwest::Client::builder()
        .user_agent("mine/1")
        .build()
        .unwrap();
    // A setting of the HTTP client given twice is refused, never silently dropped.
    for builder in [
        Client::builder().user_agent("dropped?"),
        Client::builder().connect_timeout(std::time::Duration::from_secs(1)),
    ] {
        let err = builder
            .token(TOKEN)
            .http_client(custom.clone())
            .build()
            .unwrap_err();
        assert!(matches!(err, salesflow::Error::Config(_)), "{err:?}");
    }
    let c = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(server.uri())
        .http_client(custom.clone())
        .build()
        .unwrap();
    c.list_webhooks().await.unwrap();
    assert_eq!(requests(&server).await[1].headers["user-agent"], "mine/1");
}

#[tokio::test]
async fn the_builders_timeout_applies_to_a_given_http_client() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(std::time::Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let c = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(server.uri())
        .retry_policy(salesflow::RetryPolicy::none())
        .timeout(std::time::Duration::from_millis(50))
        .http_client(salesflow::reqwest::Client::new())
        .build()
        .unwrap();
    let err = c.list_webhooks().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[test]
fn import_options_keep_their_concurrency() {
    assert_eq!(salesflow::ImportOptions::default().concurrency, 8);
    assert_eq!(
        salesflow::ImportOptions::default()
            .concurrency(3)
            .concurrency,
        3
    );
}

#[test]
fn a_calls_debug_shows_the_request_and_its_options_never_the_token() {
    let client = salesflow::Client::builder()
        .token("debug-secret-token")
        .account_id(321)
        .build()
        .unwrap();
    let call = client
        .get_contact(46875434)
        .timeout(std::time::Duration::from_secs(7));
    let text = format!("{call:?}");
    assert!(text.starts_with("Call {"), "{text}");
    assert!(text.contains("46875434"), "{text}");
    assert!(text.contains("7s"), "{text}");
    assert!(!text.contains("debug-secret-token"), "{text}");
}

#[tokio::test]
async fn a_wrapped_token_is_sent_like_a_plain_one() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = Client::builder()
        .account_id(ACCOUNT)
        .base_url(format!("{}/api", server.uri()))
        .api_token(salesflow::ApiToken::new(TOKEN))
        .build()
        .unwrap();
    client.list_webhooks().await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(query(&req), expected_query(&[]));
}

#[tokio::test]
async fn a_layer_sees_every_request_with_its_operation() {
    use salesflow_api::middleware::{HttpRequest, HttpService, RequestContext};
    use std::sync::{Arc, Mutex};

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let layer = tower::layer::layer_fn(move |inner: HttpService| {
        let record = record.clone();
        tower::service_fn(move |mut request: HttpRequest| {
            let mut inner = inner.clone();
            let record = record.clone();
            async move {
                let context = request.extensions().get::<RequestContext>().copied();
                record.lock().unwrap().push(context.map(|c| c.operation));
                request
                    .headers_mut()
                    .insert("x-layer", http::HeaderValue::from_static("seen"));
                tower::ServiceExt::oneshot(&mut inner, request).await
            }
        })
    });
    let client = Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("{}/api", server.uri()))
        .layer(layer)
        .build()
        .unwrap();
    client.list_webhooks().await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [Some(salesflow::Operation::ListWebhooks)]
    );
    let req = only_request(&server).await;
    assert_eq!(req.headers.get("x-layer").unwrap(), "seen");
}
