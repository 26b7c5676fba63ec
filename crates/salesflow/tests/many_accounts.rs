//! Many accounts over one connection pool: `Client::for_account` for 50 accounts of the mock,
//! each call authenticated as its own account, and the mock's request log showing that the
//! connections were reused across accounts.

use std::collections::BTreeSet;

use salesflow::{AccountId, CampaignStatus, Client, Operation};
use salesflow_mock::{MockServer, Seed};

const ACCOUNTS: i64 = 50;

fn token(i: i64) -> String {
    format!("token-of-account-{i:02}")
}

#[tokio::test]
async fn fifty_accounts_share_one_pool() {
    let mock = MockServer::start_with(Seed::Empty).await.unwrap();
    for i in 1..=ACCOUNTS {
        let account = AccountId::new(1000 + i);
        mock.add_account(&token(i), account, &format!("account{i}@example.com"));
        mock.add_campaign(
            account,
            &format!("Campaign of account {i}"),
            CampaignStatus::Running,
        );
    }
    let base = Client::builder()
        .token(token(1))
        .account_id(1001)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let clients: Vec<Client> = (1..=ACCOUNTS)
        .map(|i| base.for_account(token(i), 1000 + i))
        .collect();

    // One after the other: each account sees its own campaign only.
    for (i, client) in (1..=ACCOUNTS).zip(&clients) {
        let campaigns = client.list_campaigns().await.unwrap();
        assert_eq!(campaigns.len(), 1);
        assert_eq!(
            campaigns[0].campaign_name.as_deref(),
            Some(format!("Campaign of account {i}").as_str())
        );
    }
    let requests = mock.requests();
    assert_eq!(requests.len(), ACCOUNTS as usize);
    // Every request carried its own account...
    let accounts: BTreeSet<String> = requests
        .iter()
        .filter_map(|r| r.query.as_deref())
        .filter_map(|q| q.split('&').find_map(|kv| kv.strip_prefix("accountId=")))
        .map(str::to_owned)
        .collect();
    assert_eq!(accounts.len(), ACCOUNTS as usize);
    assert!(requests
        .iter()
        .all(|r| r.operation == Some(Operation::ListCampaigns)));
    // ...over one connection: the client's address and port are the same throughout.
    let peers: BTreeSet<_> = requests.iter().map(|r| r.peer).collect();
    assert_eq!(peers.len(), 1, "{peers:?}");
    assert!(peers.iter().all(Option::is_some));

    // Five at a time: at most five connections (plus the one already open) serve the fifty
    // accounts, never one per account.
    mock.clear_requests();
    use futures_util::StreamExt;
    let answers: Vec<_> = futures_util::stream::iter(&clients)
        .map(|c| c.list_campaigns().send())
        .buffer_unordered(5)
        .collect()
        .await;
    assert!(answers.iter().all(Result::is_ok));
    let peers: BTreeSet<_> = mock.requests().iter().map(|r| r.peer).collect();
    assert!(peers.len() <= 6, "{} connections", peers.len());
}
