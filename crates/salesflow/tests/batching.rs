//! ListContacts by public identifiers: validation before any request, batches of at most 20
//! (the spec's `maxItems`), answers concatenated in batch order.

mod common;

use std::time::{Duration, Instant};

use common::*;
use salesflow::{ops, Error, MemberId, ValidationReason, BATCH_CONCURRENCY};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers each batch with one contact per identifier (`id-<n>` is member `n`), in reverse
/// order, after `delay`.
struct Echo {
    delay: Duration,
}

const ECHO: Echo = Echo {
    delay: Duration::ZERO,
};

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let ids = body["PublicIdentifiers"].as_array().unwrap();
        let contacts: Vec<Value> = ids
            .iter()
            .rev()
            .map(|id| {
                let n: i64 = id.as_str().unwrap()[3..].parse().unwrap();
                json!({"MemberId": n, "PublicIdentifier": id})
            })
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(contacts)
            .set_delay(self.delay)
    }
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("id-{i}")).collect()
}

/// The identifiers of each request's body.
fn batches(reqs: &[Request]) -> Vec<Vec<String>> {
    reqs.iter()
        .map(|req| {
            body_json(req)["PublicIdentifiers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn forty_five_ids_make_three_requests_concatenated_in_batch_order() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ECHO).mount(&server).await;
    let contacts = client(&server)
        .list_contacts_by_public_identifiers(ids(45))
        .await
        .unwrap();

    // Each batch's answer as the server gave it (here: reversed), the batches in order. The
    // SDK no longer reorders the answers by identifier.
    let got: Vec<i64> = contacts.iter().map(|c| c.member_id.get()).collect();
    let want: Vec<i64> = (0..20)
        .rev()
        .chain((20..40).rev())
        .chain((40..45).rev())
        .collect();
    assert_eq!(got, want);
    assert_eq!(contacts[0].public_identifier.as_deref(), Some("id-19"));

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 3);
    for req in &reqs {
        assert_eq!(req.method.as_str(), "POST");
        assert_eq!(req.url.path(), "/api/members/list-contacts");
        assert_eq!(query(req), expected_query(&[]));
        let body = body_json(req);
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    }
    // Consecutive slices of the input, whatever order they arrived in.
    let mut sent = batches(&reqs);
    sent.sort_by_key(|b| b[0][3..].parse::<usize>().unwrap());
    let all = ids(45);
    assert_eq!(
        sent,
        [all[..20].to_vec(), all[20..40].to_vec(), all[40..].to_vec()]
    );
}

#[tokio::test]
async fn the_batch_size_is_the_specs_max_items() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ECHO).mount(&server).await;
    let client = client(&server);
    client
        .list_contacts_by_public_identifiers(ids(20))
        .await
        .unwrap();
    assert_eq!(requests(&server).await.len(), 1);
    let contacts = client
        .list_contacts_by_public_identifiers(ids(21))
        .await
        .unwrap();
    assert_eq!(contacts.len(), 21);
    assert_eq!(contacts[20].member_id, MemberId::new(20));
    let reqs = requests(&server).await;
    let mut sizes: Vec<usize> = batches(&reqs[1..]).iter().map(Vec::len).collect();
    sizes.sort();
    assert_eq!(sizes, [1, 20]);
    // The parameters struct keeps every identifier: batching happens when it is sent.
    let params = ops::ListContactsByPublicIdentifiers::new(ids(45));
    assert_eq!(params.public_identifiers.len(), 45);
    assert_eq!(client.send(params).await.unwrap().len(), 45);
    assert_eq!(requests(&server).await.len(), 6);
}

#[tokio::test]
async fn batches_run_concurrently_but_at_most_batch_concurrency_at_once() {
    assert_eq!(BATCH_CONCURRENCY, 4);
    let delay = Duration::from_millis(200);
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Echo { delay })
        .mount(&server)
        .await;
    // 10 batches of 20: at 4 at a time, 3 rounds.
    let started = Instant::now();
    let contacts = client(&server)
        .list_contacts_by_public_identifiers(ids(200))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(contacts.len(), 200);
    assert_eq!(requests(&server).await.len(), 10);
    assert!(elapsed >= delay * 3, "not bounded: {elapsed:?}");
    assert!(elapsed < delay * 10, "not concurrent: {elapsed:?}");
}

#[tokio::test]
async fn empty_list_and_blank_elements_are_rejected_without_requests() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ECHO).mount(&server).await;
    let client = client(&server);

    let err = client
        .list_contacts_by_public_identifiers(Vec::<String>::new())
        .await
        .unwrap_err();
    match err {
        Error::Validation(v) => {
            assert_eq!(v.field, "PublicIdentifiers");
            assert_eq!(v.reason, ValidationReason::Empty);
            assert_eq!(v.index, None);
        }
        other => panic!("{other:?}"),
    }

    // A blank element far into the list: nothing is sent, not even the first batch.
    let mut ids = ids(30);
    for blank in ["  ", "", "\t\n"] {
        ids[27] = blank.into();
        let err = client
            .list_contacts_by_public_identifiers(&ids)
            .await
            .unwrap_err();
        match &err {
            Error::Validation(v) => {
                assert_eq!(v.field, "PublicIdentifiers");
                assert_eq!(v.index, Some(27), "{blank:?}");
            }
            other => panic!("{other:?}"),
        }
        let shown = err.to_string();
        assert!(shown.contains("`PublicIdentifiers`[27]"), "{shown}");
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_whitespace_element_breaks_the_specs_pattern() {
    let server = MockServer::start().await;
    let mut ids = ids(30);
    ids[27] = "  ".into();
    let err = client(&server)
        .list_contacts_by_public_identifiers(&ids)
        .await
        .unwrap_err();
    let Error::Validation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(v.index, Some(27));
    assert_eq!(v.reason, ValidationReason::Pattern { pattern: r"\S" });
    assert_eq!(
        err.to_string(),
        "invalid `PublicIdentifiers`[27]: must not be empty or only whitespace"
    );
}

#[tokio::test]
async fn updated_from_is_sent_with_every_batch() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ECHO).mount(&server).await;
    let since = "2024-05-01T10:00:00Z"
        .parse::<salesflow::FlexibleDate>()
        .unwrap();
    client(&server)
        .list_contacts_by_public_identifiers(ids(21))
        .updated_from_date(since)
        .await
        .unwrap();
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    for req in reqs {
        assert_eq!(body_json(&req)["UpdatedFromDate"], "2024-05-01T10:00:00Z");
    }
}

#[tokio::test]
async fn a_failing_batch_fails_the_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"Status": 403, "Message": "no"})),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .list_contacts_by_public_identifiers(["a", "b"])
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(salesflow::ApiErrorKind::Forbidden));
    assert_eq!(
        err.as_api().unwrap().operation,
        salesflow::Operation::ListContactsByPublicIdentifiers
    );

    // One bad batch among good ones fails the whole call.
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::body_string_contains("id-25"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"Status": 404, "Message": "no"})),
        )
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(ECHO).mount(&server).await;
    let err = client(&server)
        .list_contacts_by_public_identifiers(ids(45))
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(salesflow::ApiErrorKind::NotFound));
}
