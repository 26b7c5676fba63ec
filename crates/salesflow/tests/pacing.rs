//! Client-side pacing per account: the rate (tested with tokio's paused clock on the pacer
//! itself, and with real time through the client), and the daily budget of imports, shared
//! by every clone of a client and every client of `for_account`.

mod common;

use std::time::Duration;

use common::*;
use salesflow::{AccountId, Client, Error, Pacer, Pacing};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(start_paused = true)]
async fn requests_are_spaced_per_account_with_a_burst() {
    let pacer = Pacer::new(Pacing::requests_per_second(2.0).burst(3));
    let a = Some(AccountId::new(1));
    let b = Some(AccountId::new(2));
    let start = tokio::time::Instant::now();
    let mut at = Vec::new();
    for _ in 0..6 {
        pacer.wait(a).await;
        at.push(start.elapsed());
    }
    // Three at once (the burst), then one every half second.
    let ms: Vec<u128> = at.iter().map(Duration::as_millis).collect();
    assert_eq!(ms, [0, 0, 0, 500, 1000, 1500]);
    // Another account is not held back by the first one's backlog.
    let before = start.elapsed();
    pacer.wait(b).await;
    assert_eq!(start.elapsed(), before);
}

#[tokio::test(start_paused = true)]
async fn a_rate_not_above_zero_is_no_limit() {
    for rate in [0.0, -1.0, f64::NAN] {
        let pacing = Pacing::requests_per_second(rate);
        let pacer = Pacer::new(pacing);
        assert_eq!(
            pacer.pacing().requests_per_second.map(f64::to_bits),
            Some(rate.to_bits())
        );
        let start = tokio::time::Instant::now();
        for _ in 0..5 {
            pacer.wait(None).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "rate {rate}");
    }
    let pacing = Pacing::requests_per_second(4.0).burst(2).daily_imports(9);
    assert_eq!(*Pacer::new(pacing).pacing(), pacing);
    // No limit at all, and a burst of one should a rate be set on it.
    let unlimited = Pacing::unlimited();
    assert_eq!(
        (
            unlimited.requests_per_second,
            unlimited.burst,
            unlimited.daily_imports
        ),
        (None, 1, None)
    );
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_each_get_their_own_slot() {
    let pacer = std::sync::Arc::new(Pacer::new(Pacing::requests_per_second(10.0)));
    let start = tokio::time::Instant::now();
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let pacer = pacer.clone();
            tokio::spawn(async move {
                pacer.wait(Some(AccountId::new(7))).await;
                start.elapsed()
            })
        })
        .collect();
    let mut done = Vec::new();
    for t in tasks {
        done.push(t.await.unwrap().as_millis());
    }
    done.sort_unstable();
    assert_eq!(done, [0, 100, 200, 300, 400]);
}

#[tokio::test(start_paused = true)]
async fn no_rate_no_wait() {
    let pacer = Pacer::new(Pacing::unlimited().daily_imports(3));
    let start = tokio::time::Instant::now();
    for _ in 0..100 {
        pacer.wait(None).await;
    }
    assert_eq!(start.elapsed(), Duration::ZERO);
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    server
}

fn paced(server: &MockServer, pacing: Pacing) -> Client {
    Client::builder()
        .token(TOKEN)
        .account_id(ACCOUNT)
        .base_url(format!("{}/api", server.uri()))
        .pacing(pacing)
        .build()
        .unwrap()
}

#[tokio::test]
async fn clones_share_the_rate_and_other_accounts_do_not_wait() {
    let server = server().await;
    let client = paced(&server, Pacing::requests_per_second(10.0));
    let started = std::time::Instant::now();
    let clones = [client.clone(), client.clone(), client.clone()];
    let calls = clones
        .iter()
        .flat_map(|c| [c.list_webhooks().send(), c.list_webhooks().send()]);
    for answer in futures_util::future::join_all(calls).await {
        answer.unwrap();
    }
    // Six requests of one account at 10/s: the last one leaves 0.5 s after the first.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(480), "{elapsed:?}");

    // Meanwhile another account's request does not queue behind the first account's.
    let other = client.for_account("token-2", 2);
    let backlog: Vec<_> = (0..10).map(|_| client.list_webhooks().send()).collect();
    let started = std::time::Instant::now();
    let (other_answer, _) = tokio::join!(
        async {
            let r = other.list_webhooks().await;
            (r, started.elapsed())
        },
        futures_util::future::join_all(backlog)
    );
    let (answer, waited) = other_answer;
    answer.unwrap();
    assert!(waited < Duration::from_millis(400), "{waited:?}");
}

#[tokio::test]
async fn the_daily_import_budget_stops_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"MemberId": 1, "Status": "MEMBER_IMPORTED"})),
        )
        .mount(&server)
        .await;
    let client = paced(&server, Pacing::unlimited().daily_imports(2));
    let url = "https://www.linkedin.com/in/someone";
    client.import_member(1, url).await.unwrap();
    client.clone().import_member(1, url).await.unwrap();
    let err = client.import_member(1, url).await.unwrap_err();
    match &err {
        Error::BudgetExhausted {
            limit, account_id, ..
        } => {
            assert_eq!(*limit, 2);
            assert_eq!(*account_id, Some(AccountId::new(ACCOUNT)));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("daily budget of 2"), "{err}");
    assert_eq!(requests(&server).await.len(), 2);
    // Reads are not counted (this one reaches the server, even if its answer is not a
    // list), and another account has its own budget.
    assert!(!matches!(
        client.list_webhooks().await,
        Err(Error::BudgetExhausted { .. })
    ));
    client
        .for_account("token-2", 2)
        .import_member(1, url)
        .await
        .unwrap();
    assert_eq!(requests(&server).await.len(), 4);
}
