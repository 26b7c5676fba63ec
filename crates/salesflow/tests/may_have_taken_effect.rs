//! `Error::may_have_taken_effect`: whether a failed call may have been carried out, decided
//! by the operation's changes-state flag, the status and the transport phase; distinct from
//! `is_retryable`.

mod common;

use std::time::Duration;

use salesflow::{Client, Error, Operation, Pacing, RetryPolicy};
use salesflow_mock::{Fault, FaultKind, MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

/// A client of `base` that does not retry.
fn client_of(base: &str) -> Client {
    Client::builder()
        .token(common::TOKEN)
        .account_id(common::ACCOUNT)
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

async fn import(client: &Client) -> Error {
    client
        .import_member(29854, "https://www.linkedin.com/in/effect-test")
        .await
        .unwrap_err()
}

async fn read(client: &Client) -> Error {
    client.get_contact(46875434).await.unwrap_err()
}

/// A server answering everything with `status` and `body` (after `delay`).
async fn answering(status: u16, body: serde_json::Value, delay: Duration) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_json(body)
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn answers_decide_by_their_status_for_a_call_that_changes_state() {
    for (status, body, effect) in [
        (500, json!({"Status": 500, "Message": "boom"}), true),
        (503, json!({"Status": 503, "Message": "busy"}), true),
        (400, json!({"Status": 400, "Message": "bad"}), false),
        (403, json!({"Status": 403, "Message": "no"}), false),
        (404, json!({"Status": 404, "Message": "none"}), false),
        (422, json!({"Status": 422, "Message": "cannot"}), false),
        (429, json!({"Status": 429, "Message": "slow down"}), false),
        // An error in an HTTP 200 body: its Status decides.
        (200, json!({"Status": 404, "Message": "Not found."}), false),
        (200, json!({"Status": 500, "Message": "failed"}), true),
        // A success whose body cannot be read: it was carried out.
        (200, json!({"MemberId": "not a number"}), true),
    ] {
        let server = answering(status, body.clone(), Duration::ZERO).await;
        let client = client_of(&format!("{}/api", server.uri()));
        let err = import(&client).await;
        assert_eq!(
            err.may_have_taken_effect(),
            effect,
            "{status} {body}: {err:?}"
        );
        // A read never has an effect.
        let err = read(&client).await;
        assert!(!err.may_have_taken_effect(), "{status} {body}: {err:?}");
    }
}

#[tokio::test]
async fn a_timeout_after_sending_may_have_taken_effect_and_is_also_retryable() {
    let server = answering(200, json!({}), Duration::from_secs(2)).await;
    let client = client_of(&format!("{}/api", server.uri()));
    let err = import(&client).await;
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.may_have_taken_effect());
    assert!(
        err.is_retryable(),
        "retryable says a retry may succeed, not that it is safe"
    );
    assert!(!read(&client).await.may_have_taken_effect());
}

#[tokio::test]
async fn no_connection_means_nothing_happened() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_of(&format!("http://127.0.0.1:{port}/api"));
    let err = import(&client).await;
    assert!(err.is_connect(), "{err:?}");
    assert!(!err.may_have_taken_effect());
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_connection_lost_mid_answer_may_have_taken_effect() {
    let server = MockServer::start_with(Seed::Demo).await.unwrap();
    server
        .inject(Fault::new(FaultKind::ConnectionReset).for_operation(Operation::ImportMember))
        .unwrap();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .import_member(29890, "https://www.linkedin.com/in/reset-test")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.may_have_taken_effect(), "{err:?}");
}

#[tokio::test]
async fn errors_raised_before_sending_have_no_effect() {
    // Validation.
    let client = client_of("http://127.0.0.1:9/api");
    let err = client
        .import_member(29854, "https://example.com/not-a-profile")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)));
    assert!(!err.may_have_taken_effect());
    // No account id.
    let client = Client::builder()
        .token("t")
        .base_url("http://127.0.0.1:9/api")
        .build()
        .unwrap();
    let err = import(&client).await;
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!err.may_have_taken_effect());
    // A spent budget.
    let client = Client::builder()
        .token("t")
        .account_id(1)
        .base_url("http://127.0.0.1:9/api")
        .pacing(Pacing::unlimited().daily_imports(0))
        .build()
        .unwrap();
    let err = import(&client).await;
    assert!(matches!(err, Error::BudgetExhausted { .. }), "{err:?}");
    assert!(!err.may_have_taken_effect());
}
