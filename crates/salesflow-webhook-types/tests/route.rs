//! `WebhookRoute`: the account and event of a webhook URL, written and read back, and every
//! other path refused.

use salesflow_webhook_types::{AccountId, RunOn, WebhookRoute};

#[test]
fn every_route_reads_back_from_its_url() {
    for account in [1, 321, 400, i64::MAX] {
        for event in RunOn::KNOWN.iter().copied().chain([RunOn::Unknown(9999)]) {
            let route = WebhookRoute::new(AccountId::new(account), event);
            for base in ["https://h.example/salesflow/s3cret", "https://h.example/s/"] {
                let url = route.url(base);
                assert_eq!(url.matches("//").count(), 1, "{url}");
                let path = url.trim_start_matches("https://h.example");
                assert_eq!(WebhookRoute::from_path(path), Some(route), "{url}");
            }
            assert_eq!(route.path(), format!("{account}/{}", event.path_segment()));
            let path = route.path();
            let (a, e) = path.split_once('/').unwrap();
            assert_eq!(WebhookRoute::from_segments(a, e), Some(route));
        }
    }
}

#[test]
fn a_query_or_fragment_is_ignored() {
    let route = Some(WebhookRoute::new(AccountId::new(7), RunOn::ReplyDetected));
    assert_eq!(WebhookRoute::from_path("/h/s/7/reply-detected?x=1"), route);
    assert_eq!(WebhookRoute::from_path("/h/s/7/reply-detected#top"), route);
    assert_eq!(WebhookRoute::from_path("7/reply-detected"), route);
}

#[test]
fn a_code_segment_reaches_a_known_event_too() {
    // `run-on-<code>` answers for every code, so a URL attached while an event was unknown
    // keeps its meaning once the spec names it.
    for event in RunOn::KNOWN.iter().copied().chain([RunOn::Unknown(9999)]) {
        let path = format!("/h/s/7/run-on-{}", event.code());
        assert_eq!(
            WebhookRoute::from_path(&path),
            Some(WebhookRoute::new(AccountId::new(7), event)),
            "{path}"
        );
    }
}

#[test]
fn anything_else_is_no_route() {
    for path in [
        "",
        "/",
        "reply-detected",
        "/h/s/7/reply-detected/",
        "/h/s/7/no-such-event",
        "/h/s/07/reply-detected",
        "/h/s/+7/reply-detected",
        "/h/s/-7/reply-detected",
        "/h/s/ 7/reply-detected",
        "/h/s/seven/reply-detected",
        "/h/s//reply-detected",
        "/h/s/99999999999999999999/reply-detected",
    ] {
        assert_eq!(WebhookRoute::from_path(path), None, "{path:?}");
    }
    assert_eq!(WebhookRoute::from_segments("7", "Reply-Detected"), None);
}

#[test]
fn verify_reads_the_route_only_behind_the_right_secret() {
    const SECRET: &str = "3f9c0d5e8a1b4c2d";
    for (account, event) in [
        ("321", "reply-detected"),
        ("0321", "reply-detected"),
        ("7", "x"),
    ] {
        assert_eq!(
            WebhookRoute::verify(SECRET, SECRET, account, event),
            WebhookRoute::from_segments(account, event),
            "{account}/{event}"
        );
        for wrong in ["", "3f9c", "3f9c0d5e8a1b4c2e", "3f9c0d5e8a1b4c2dx"] {
            assert_eq!(WebhookRoute::verify(SECRET, wrong, account, event), None);
        }
    }
}
