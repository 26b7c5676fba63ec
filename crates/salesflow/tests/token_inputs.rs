//! The token as given: whitespace around it dropped on every way in (builder, environment,
//! `for_account`), a line break inside it refused before anything is sent; base URLs with a
//! query or a fragment refused; a variable that is not UTF-8 named. No message shows the
//! token.

use salesflow::{Client, Error, RetryPolicy};
use wiremock::matchers::{any, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-0123456789-abc";

fn config_message(err: Error) -> String {
    let Error::Config(message) = err else {
        panic!("not a configuration error: {err:?}")
    };
    assert!(!message.contains(TOKEN), "{message}");
    message
}

/// A server that answers ListAccounts only when the token is exactly [`TOKEN`].
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(query_param("token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn whitespace_around_the_token_is_dropped_on_every_way_in() {
    let server = server().await;
    for given in [
        format!("{TOKEN}\n"),
        format!("  {TOKEN} "),
        format!("\t{TOKEN}\r\n"),
    ] {
        let client = Client::builder()
            .token(given.clone())
            .base_url(server.uri())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        client.list_accounts().await.unwrap();
        let client = Client::from_env_with(|name| match name {
            "SALESFLOW_TOKEN" => Some(given.clone()),
            "SALESFLOW_BASE_URL" => Some(server.uri()),
            _ => None,
        })
        .unwrap();
        client.list_accounts().await.unwrap();
        let other = client.for_account(given.clone(), 7);
        other.list_accounts().await.unwrap();
    }
}

#[tokio::test]
async fn a_control_character_inside_the_token_is_refused_before_sending() {
    let server = server().await;
    for given in [
        "tok-0123\n456789-abc",
        "tok-0123\t456789-abc",
        "tok\r0123456789-abc",
    ] {
        let err = Client::builder()
            .token(given)
            .base_url(server.uri())
            .build()
            .unwrap_err();
        let message = config_message(err);
        assert!(message.contains("control character"), "{message}");
        assert!(!message.contains("0123"), "{message}");
        // `for_account` cannot fail: each call does, before anything is sent.
        let base = Client::builder()
            .token(TOKEN)
            .base_url(server.uri())
            .build()
            .unwrap();
        let err = base
            .for_account(given, 7)
            .list_accounts()
            .await
            .unwrap_err();
        let message = config_message(err);
        assert!(
            message.starts_with("listAccounts: the API token holds a control"),
            "{message}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    // Spaces only: no token.
    let err = Client::builder().token(" \n").build().unwrap_err();
    assert_eq!(config_message(err), "no API token given");
}

#[test]
fn a_base_url_with_a_query_or_a_fragment_is_refused() {
    for (url, says) in [
        ("http://127.0.0.1:8080/api?x=1", "cannot have a query"),
        ("http://127.0.0.1:8080/api?", "cannot have a query"),
        ("http://127.0.0.1:8080/api#frag", "cannot have a fragment"),
        ("http://127.0.0.1:8080/api/#", "cannot have a fragment"),
    ] {
        let builders = [
            Client::builder().token(TOKEN).base_url(url),
            Client::builder().token(TOKEN).mvc_base_url(url),
            Client::builder().token(TOKEN).app_base_url(url),
        ];
        for builder in builders {
            let message = config_message(builder.build().unwrap_err());
            assert!(message.contains(says), "{url}: {message}");
            assert!(message.contains(url), "{url}: {message}");
        }
    }
    // The token in the URL is not shown.
    let message = config_message(
        Client::builder()
            .token(TOKEN)
            .base_url(format!("http://127.0.0.1:8080/api?token={TOKEN}"))
            .build()
            .unwrap_err(),
    );
    assert!(message.contains("?token=[REDACTED]`"), "{message}");
    Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:8080/api/")
        .build()
        .unwrap();
}

#[cfg(unix)]
#[test]
fn a_variable_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    // The only test of this binary that changes the environment.
    let bad = std::ffi::OsStr::from_bytes(b"tok-\xff\xfe-0123456789");
    for name in [
        "SALESFLOW_TOKEN",
        "SALESFLOW_ACCOUNT_ID",
        "SALESFLOW_BASE_URL",
    ] {
        std::env::set_var("SALESFLOW_TOKEN", TOKEN);
        std::env::set_var(name, bad);
        let message = config_message(Client::from_env().unwrap_err());
        assert_eq!(message, format!("{name} is not valid UTF-8"));
        std::env::remove_var(name);
    }
    std::env::remove_var("SALESFLOW_TOKEN");
}
