//! ListContacts by public identifiers: validation before any request, batches of 20,
//! merged results.

mod common;

use common::*;
use salesflow::{Error, ValidationReason, MAX_IDENTIFIERS_PER_REQUEST};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers each batch with one contact per identifier, in reverse order.
struct Echo;

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
        ResponseTemplate::new(200).set_body_json(contacts)
    }
}

#[tokio::test]
async fn forty_five_ids_make_three_requests_merged_in_input_order() {
    assert_eq!(MAX_IDENTIFIERS_PER_REQUEST, 20);
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(Echo).mount(&server).await;
    let ids: Vec<String> = (0..45).map(|i| format!("id-{i}")).collect();
    let contacts = client(&server)
        .contacts_by_public_identifiers(&ids)
        .await
        .unwrap();
    let got: Vec<i64> = contacts.iter().map(|c| c.member_id).collect();
    assert_eq!(got, (0..45).collect::<Vec<_>>());

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 3);
    let mut sizes = Vec::new();
    for req in &reqs {
        assert_eq!(req.method.as_str(), "POST");
        assert_eq!(req.url.path(), "/api/members/list-contacts");
        assert_eq!(query(req), expected_query(&[]));
        let body = body_json(req);
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
        sizes.push(body["PublicIdentifiers"].as_array().unwrap().len());
    }
    sizes.sort();
    assert_eq!(sizes, [5, 20, 20]);
}

#[tokio::test]
async fn empty_list_and_blank_elements_are_rejected_without_requests() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(Echo).mount(&server).await;
    let client = client(&server);

    let err = client
        .contacts_by_public_identifiers(Vec::<String>::new())
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
    let mut ids: Vec<String> = (0..30).map(|i| format!("id-{i}")).collect();
    ids[27] = "  ".into();
    let err = client
        .contacts_by_public_identifiers(&ids)
        .await
        .unwrap_err();
    match &err {
        Error::Validation(v) => assert_eq!(v.index, Some(27)),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("PublicIdentifiers"), "{err}");
    ids[27] = String::new();
    assert!(client.contacts_by_public_identifiers(&ids).await.is_err());
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn updated_from_is_sent_with_every_batch() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(Echo).mount(&server).await;
    let since = "2024-05-01T10:00:00Z"
        .parse::<salesflow::FlexibleDate>()
        .unwrap();
    let ids: Vec<String> = (0..21).map(|i| format!("id-{i}")).collect();
    client(&server)
        .contacts_by_public_identifiers_with(
            &ids,
            salesflow::ListOptions::default().updated_from(since),
        )
        .await
        .unwrap();
    for req in requests(&server).await {
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
        .contacts_by_public_identifiers(["a", "b"])
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(salesflow::ApiErrorKind::Forbidden));
}
