//! Redaction, form by form: a token with characters that need escaping is hidden however the
//! server echoes it (as is, form-encoded, percent-encoded), in messages, bodies and snippets;
//! a transport error whose URL holds the token loses the URL, and keeps it otherwise; the
//! client's and builder's `Debug` say a token is set without showing it.

use std::time::Duration;

use salesflow::{ApiErrorKind, Client, Error, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A token with a space, `+`, `/`, `&`, `=` and a non-ASCII letter.
const TOKEN: &str = "s3cr3t tok+en/é&x=1";
/// How a query string writes it (`application/x-www-form-urlencoded`).
const FORM: &str = "s3cr3t+tok%2Ben%2F%C3%A9%26x%3D1";
/// How a path writes it when every reserved byte is escaped.
const PERCENT: &str = "s3cr3t%20tok%2Ben%2F%C3%A9%26x%3D1";

fn client(base: &str, token: &str) -> Client {
    Client::builder()
        .token(token)
        .account_id(321)
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// The error ListCampaigns ends with when the server answers 200 with `body` as JSON.
async fn list_campaigns_error(body: impl Into<Vec<u8>>, token: &str) -> Error {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.into(), "application/json"))
        .mount(&server)
        .await;
    client(&server.uri(), token)
        .list_campaigns()
        .await
        .unwrap_err()
}

/// Every text of `err` (Display, Debug, sources, the API error's message and body).
fn texts(err: &Error) -> Vec<String> {
    let mut out = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        out.push(s.to_string());
        out.push(format!("{s:?}"));
        source = s.source();
    }
    if let Some(api) = err.as_api() {
        out.extend(api.message.clone());
        out.extend(
            api.body
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        );
    }
    if let Error::Decode { snippet, .. } = err {
        out.push(snippet.clone());
    }
    out
}

fn assert_hidden(err: &Error, secret_forms: &[&str]) {
    for text in texts(err) {
        for form in secret_forms {
            assert!(!text.contains(form), "`{form}` shown in: {text}");
        }
    }
}

#[tokio::test]
async fn every_form_of_the_token_is_redacted_in_an_error_body() {
    let server = MockServer::start().await;
    let echo = format!("raw {TOKEN} | query {FORM} | path {PERCENT} | end");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_raw(echo.into_bytes(), "text/plain"))
        .mount(&server)
        .await;
    let err = client(&server.uri(), TOKEN)
        .list_webhooks()
        .await
        .unwrap_err();
    assert_hidden(&err, &[TOKEN, FORM, PERCENT]);
    let api = err.as_api().unwrap();
    assert_eq!(
        api.message.as_deref(),
        Some("raw [REDACTED] | query [REDACTED] | path [REDACTED] | end")
    );
    assert_eq!(
        api.body.as_deref(),
        Some(&b"raw [REDACTED] | query [REDACTED] | path [REDACTED] | end"[..])
    );
}

#[tokio::test]
async fn the_token_is_redacted_in_a_status_message() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"Status": 401, "Message": format!("bad token {TOKEN} ({FORM})")}),
        ))
        .mount(&server)
        .await;
    let err = client(&server.uri(), TOKEN)
        .start_campaign(7)
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Forbidden));
    assert_eq!(
        err.as_api().unwrap().message.as_deref(),
        Some("bad token [REDACTED] ([REDACTED])")
    );
    assert_hidden(&err, &[TOKEN, FORM, PERCENT]);
}

#[tokio::test]
async fn the_token_is_redacted_in_a_decode_error_and_its_snippet() {
    // A string where the campaign id (a number) is expected: serde's message quotes it.
    let body = format!(r#"[{{"CampaignId": "{PERCENT}", "CampaignName": "{TOKEN}"}}]"#);
    let err = list_campaigns_error(body, TOKEN).await;
    let Error::Decode {
        snippet, source, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(
        snippet.contains(r#""CampaignId": "[REDACTED]""#),
        "{snippet}"
    );
    assert!(
        snippet.contains(r#""CampaignName": "[REDACTED]""#),
        "{snippet}"
    );
    assert!(source.to_string().contains("[REDACTED]"), "{source}");
    assert_hidden(&err, &[TOKEN, FORM, PERCENT]);
}

#[tokio::test]
async fn a_snippet_never_shows_part_of_a_token_cut_at_its_end() {
    // The token straddles the snippet's 200th character.
    let body = format!("{}{TOKEN}{}", "x".repeat(195), "y".repeat(400));
    let err = list_campaigns_error(body, TOKEN).await;
    let Error::Decode { snippet, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(!snippet.contains("s3cr"), "{snippet}");
    assert!(snippet.ends_with('…'), "{snippet}");
    assert_eq!(snippet.chars().count(), salesflow::SNIPPET_CHARS + 1);
}

/// A port nobody listens on.
fn refused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn a_transport_error_whose_url_holds_the_token_shows_it_redacted() {
    // The token in the base URL's path (a gateway that routes by key): the query's token is
    // redacted by its name, this one wherever it is.
    let token = "plain0secret0token";
    let port = refused_port();
    let base = format!("http://127.0.0.1:{port}/{token}/api");
    let err = client(&base, token).list_webhooks().await.unwrap_err();
    let Error::Transport { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        source.url().map(|u| u.as_str()),
        Some(
            format!(
                "http://127.0.0.1:{port}/REDACTED/api/webhooks/list?token=REDACTED&accountId=321"
            )
            .as_str()
        ),
        "{err:?}"
    );
    assert_hidden(&err, &[token]);
}

#[tokio::test]
async fn a_transport_error_keeps_its_url_when_it_holds_no_token() {
    let port = refused_port();
    let err = client(&format!("http://127.0.0.1:{port}/api"), TOKEN)
        .list_webhooks()
        .await
        .unwrap_err();
    let Error::Transport { source, .. } = &err else {
        panic!("{err:?}")
    };
    let url = source.url().expect("the URL is kept");
    assert_eq!(url.port(), Some(port));
    assert!(url.path().ends_with("/webhooks/list"), "{url}");
    assert!(
        url.query().is_some_and(|q| q.contains("token=REDACTED")),
        "{url}"
    );
    assert_hidden(&err, &[TOKEN, FORM, PERCENT]);
}

#[test]
fn debug_says_a_token_is_set_without_showing_it() {
    let builder = Client::builder().token(TOKEN).account_id(321);
    let text = format!("{builder:?}");
    assert!(text.contains(r#"token: Some("<redacted>")"#), "{text}");
    assert!(text.contains("account_id: Some(AccountId(321))"), "{text}");
    let unset = format!("{:?}", Client::builder());
    assert!(unset.contains("token: None"), "{unset}");
    let client = builder.build().unwrap();
    let text = format!("{client:?}");
    assert!(text.starts_with("Client {"), "{text}");
    assert!(text.contains(r#"token: "<redacted>""#), "{text}");
    assert!(text.contains("account_id: Some(AccountId(321))"), "{text}");
    for form in [TOKEN, FORM, PERCENT] {
        assert!(!text.contains(form));
        assert!(!format!("{client:#?}").contains(form));
    }
}

#[tokio::test]
async fn a_long_token_echoed_many_times_is_never_partly_shown() {
    // A 300-byte token, ten times: redacted, it is 100 characters; the snippet must not
    // end with the beginning of an eleventh one cut short.
    let token = format!("long{}", "0123456789abcdef".repeat(19));
    let body = format!("[{}", format!("{token},").repeat(30));
    let err = list_campaigns_error(body, &token).await;
    let Error::Decode { snippet, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(!snippet.contains("long0123"), "{snippet}");
    assert_eq!(snippet.matches("[REDACTED]").count(), 18, "{snippet}");
    assert!(snippet.ends_with('…'), "{snippet}");
}

#[tokio::test]
async fn a_short_body_is_shown_whole_and_a_long_one_is_marked_cut() {
    for (len, cut) in [(199, false), (200, false), (201, true)] {
        let body = format!("<{}", "z".repeat(len - 1));
        let err = list_campaigns_error(body.clone(), TOKEN).await;
        let Error::Decode { snippet, .. } = &err else {
            panic!("{err:?}")
        };
        if cut {
            assert_eq!(snippet.chars().count(), salesflow::SNIPPET_CHARS + 1);
            assert!(snippet.ends_with('…'));
        } else {
            assert_eq!(snippet, &body);
        }
    }
}

#[tokio::test]
async fn control_characters_in_a_snippet_become_spaces() {
    let err = list_campaigns_error(&b"<\n\tno\r\x07json"[..], TOKEN).await;
    let Error::Decode { snippet, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(snippet, "<  no  json");
}
