//! Bulk import: one outcome per input, duplicates and failures told apart, bounded
//! concurrency.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use futures_util::StreamExt;
use salesflow::ops::ImportMember;
use salesflow::{CampaignId, ImportOptions, ImportResult, MemberId};
use serde_json::json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Member `i`: duplicate when i % 5 == 1, server error when i % 7 == 3, imported otherwise.
/// Tracks the number of requests in flight.
struct Server {
    in_flight: Arc<AtomicUsize>,
    max_seen: Arc<AtomicUsize>,
}

impl Respond for Server {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_seen.fetch_max(now, Ordering::SeqCst);
        // Handlers run synchronously: hold the "slot" briefly to observe overlap.
        std::thread::sleep(Duration::from_millis(20));
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let url = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "linkedInUrl")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        let i: i64 = url.rsplit('-').next().unwrap().parse().unwrap();
        if i % 7 == 3 {
            return ResponseTemplate::new(500)
                .set_body_json(json!({"Status": 500, "Message": "boom"}));
        }
        let status = if i % 5 == 1 {
            "MEMBER_DUPLICATE"
        } else {
            "MEMBER_IMPORTED"
        };
        ResponseTemplate::new(200).set_body_json(json!({"MemberId": 1000 + i, "Status": status}))
    }
}

fn members() -> Vec<ImportMember> {
    (0..25)
        .map(|i| {
            if i == 24 {
                ImportMember::new(777, "https://example.com/not-linkedin-24")
            } else {
                ImportMember::new(777, format!("https://www.linkedin.com/in/person-{i}"))
            }
        })
        .collect()
}

#[tokio::test]
async fn twenty_five_members_give_twenty_five_outcomes() {
    let server = MockServer::start().await;
    let max_seen = Arc::new(AtomicUsize::new(0));
    Mock::given(wiremock::matchers::any())
        .respond_with(Server {
            in_flight: Arc::new(AtomicUsize::new(0)),
            max_seen: max_seen.clone(),
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let outcomes: Vec<_> = client
        .import_members(members(), ImportOptions::default().concurrency(3))
        .collect()
        .await;
    assert_eq!(outcomes.len(), 25);
    let mut seen: Vec<usize> = outcomes.iter().map(|o| o.index).collect();
    seen.sort();
    assert_eq!(seen, (0..25).collect::<Vec<_>>());
    for o in &outcomes {
        let i = o.index as i64;
        assert!(o.input.linked_in_url.ends_with(&format!("-{i}")));
        assert_eq!(o.input.campaign_id, CampaignId::new(777));
        match &o.result {
            ImportResult::Failed(salesflow::Error::Validation(v)) => {
                assert_eq!(i, 24);
                assert_eq!(v.field, "linkedInUrl");
                assert_eq!(v.reason, salesflow::ValidationReason::NotLinkedInHost);
            }
            ImportResult::Failed(e) => {
                assert_eq!(i % 7, 3, "{e}");
                assert_eq!(e.api_kind(), Some(salesflow::ApiErrorKind::Server));
            }
            ImportResult::Duplicate(c) => {
                assert_eq!(i % 5, 1);
                assert_eq!(c.member_id, MemberId::new(1000 + i));
                assert!(c.is_duplicate());
            }
            ImportResult::Imported(c) => {
                assert!(i % 5 != 1 && i % 7 != 3 && i != 24, "{i}");
                assert_eq!(c.member_id, MemberId::new(1000 + i));
                assert!(!c.is_duplicate());
            }
            other => panic!("{other:?}"),
        }
    }
    // 24 requests (the invalid URL sent none), at most 3 at a time, each to its campaign.
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 24);
    for req in &reqs {
        assert_eq!(req.url.path(), "/api/members/Import");
        assert_eq!(query(req)["campaignId"], "777");
    }
    assert!(max_seen.load(Ordering::SeqCst) <= 3, "{max_seen:?}");
}

#[tokio::test]
async fn summary_counts_and_orders() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Server {
            in_flight: Arc::new(AtomicUsize::new(0)),
            max_seen: Arc::new(AtomicUsize::new(0)),
        })
        .mount(&server)
        .await;
    let summary = client(&server)
        .import_members_summary(members(), ImportOptions::default())
        .await;
    // Duplicates: 1, 6, 11, 16, 21. Server errors: 3, 10, 17 (24 is invalid).
    assert_eq!(summary.duplicates, 5);
    assert_eq!(summary.failed, 4);
    assert_eq!(summary.imported, 16);
    let order: Vec<usize> = summary.outcomes.iter().map(|o| o.index).collect();
    assert_eq!(order, (0..25).collect::<Vec<_>>());
}

#[tokio::test]
async fn each_member_names_its_campaign() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Server {
            in_flight: Arc::new(AtomicUsize::new(0)),
            max_seen: Arc::new(AtomicUsize::new(0)),
        })
        .mount(&server)
        .await;
    let members = [
        ImportMember::new(10, "https://www.linkedin.com/in/a-0").first_name("A"),
        ImportMember::new(20, "https://www.linkedin.com/in/b-2").custom3("vip"),
        ImportMember::new(10, "https://www.linkedin.com/in/c-4").first_name("x".repeat(64)),
    ];
    let summary = client(&server)
        .import_members_summary(members, ImportOptions::default().concurrency(0))
        .await;
    assert_eq!(
        (summary.imported, summary.duplicates, summary.failed),
        (2, 0, 1)
    );
    match &summary.outcomes[2].result {
        ImportResult::Failed(salesflow::Error::Validation(v)) => {
            assert_eq!(v.field, "firstName");
            assert_eq!(
                v.reason,
                salesflow::ValidationReason::TooLong {
                    max: 63,
                    actual: 64
                }
            );
        }
        other => panic!("{other:?}"),
    }
    let mut sent: Vec<(String, String, Option<String>, Option<String>)> = requests(&server)
        .await
        .iter()
        .map(|r| {
            let q = query(r);
            (
                q["campaignId"].clone(),
                q["linkedInUrl"].clone(),
                q.get("firstName").cloned(),
                q.get("custom3").cloned(),
            )
        })
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            (
                "10".into(),
                "https://www.linkedin.com/in/a-0".into(),
                Some("A".into()),
                None
            ),
            (
                "20".into(),
                "https://www.linkedin.com/in/b-2".into(),
                None,
                Some("vip".into())
            ),
        ]
    );
}
