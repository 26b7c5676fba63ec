//! A client without a default account: `ClientBuilder::build_pool` and the clients it makes
//! per account, against the mock. Also the `Client` built without an account id, whose calls
//! that need one fail before anything is sent.

use std::collections::BTreeMap;
use std::time::Duration;

use salesflow::{AccountId, Client, ClientPool, Error, Operation, Pacing, RetryPolicy};
use salesflow_mock::{MockServer, Seed};

/// A service's own account configuration, as it would read it from a file.
#[derive(serde::Deserialize)]
struct AccountConfig {
    account_id: i64,
    token: String,
    name: String,
}

const CONFIG: &str = r#"[
    {"account_id": 2001, "token": "token-of-2001", "name": "Sales EU"},
    {"account_id": 2002, "token": "token-of-2002", "name": "Sales US"},
    {"account_id": 2003, "token": "token-of-2003", "name": "Recruiting"}
]"#;

async fn mock_of(config: &[AccountConfig]) -> MockServer {
    let mock = MockServer::start_with(Seed::Empty).await.unwrap();
    for a in config {
        let id = AccountId::new(a.account_id);
        mock.add_account(&a.token, id, &format!("{}@example.com", a.account_id));
        mock.add_campaign(id, &a.name, salesflow::CampaignStatus::Running);
    }
    mock
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

#[tokio::test]
async fn a_pool_serves_each_configured_account_with_its_own_credentials() {
    let config: Vec<AccountConfig> = serde_json::from_str(CONFIG).unwrap();
    let mock = mock_of(&config).await;
    let pool: ClientPool = Client::builder()
        .base_url(mock.base_url())
        .pacing(Pacing::requests_per_second(100.0).burst(10))
        .build_pool()
        .unwrap();
    let clients: BTreeMap<AccountId, Client> = pool
        .for_accounts(config.iter().map(|a| (a.account_id, a.token.as_str())))
        .unwrap();
    assert_eq!(clients.len(), 3);

    for a in &config {
        let client = &clients[&AccountId::new(a.account_id)];
        assert_eq!(client.account_id(), Some(AccountId::new(a.account_id)));
        let campaigns = client.list_campaigns().await.unwrap();
        let names: Vec<_> = campaigns
            .iter()
            .filter_map(|c| c.campaign_name.as_deref())
            .collect();
        assert_eq!(names, [a.name.as_str()], "account {}", a.account_id);
    }

    // Each request carried its own account and no other token: the mock answered 200 to
    // each, and its log names the account.
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    let accounts: Vec<&str> = requests
        .iter()
        .filter_map(|r| query_param(r.query.as_deref()?, "accountId"))
        .collect();
    assert_eq!(accounts, ["2001", "2002", "2003"]);
    assert!(requests.iter().all(|r| r.status == 200));
    // One connection pool: every request came over the same connection.
    let peers: std::collections::BTreeSet<_> = requests.iter().map(|r| r.peer).collect();
    assert_eq!(peers.len(), 1, "{peers:?}");
}

#[tokio::test]
async fn the_pool_shares_its_settings_and_keeps_pacing_per_account() {
    let config: Vec<AccountConfig> = serde_json::from_str(CONFIG).unwrap();
    let mock = mock_of(&config).await;
    let pool = Client::builder()
        .base_url(mock.base_url())
        .timeout(Duration::from_secs(7))
        .retry_policy(RetryPolicy::none().max_elapsed(Duration::from_secs(3)))
        .pacing(Pacing::unlimited().daily_imports(1))
        .build_pool()
        .unwrap();
    let a = pool.for_account("token-of-2001", 2001);
    let b = pool.for_account("token-of-2002", 2002);
    let campaign_a = a.list_campaigns().await.unwrap()[0].campaign_id;
    let campaign_b = b.list_campaigns().await.unwrap()[0].campaign_id;

    a.import_member(campaign_a, "https://www.linkedin.com/in/first-one")
        .await
        .unwrap();
    // The budget of 2001 is spent; 2002 has its own.
    let spent = a
        .import_member(campaign_a, "https://www.linkedin.com/in/second-one")
        .await
        .unwrap_err();
    assert!(
        matches!(spent, Error::BudgetExhausted { account_id: Some(id), .. } if id == AccountId::new(2001)),
        "{spent:?}"
    );
    b.import_member(campaign_b, "https://www.linkedin.com/in/first-one")
        .await
        .unwrap();
    // Another client of the same account, made later, shares the spent budget.
    let a_again = pool.for_account("token-of-2001", 2001);
    assert!(matches!(
        a_again
            .import_member(campaign_a, "https://www.linkedin.com/in/third-one")
            .await,
        Err(Error::BudgetExhausted { .. })
    ));
    // The pool's settings are every account's.
    assert_eq!(pool.retry_policy(), a.retry_policy());
    assert_eq!(pool.retry_policy().max_elapsed, Duration::from_secs(3));
    assert_eq!(pool.retry_policy().max_attempts, 1);
}

#[test]
fn a_pool_takes_no_credentials_and_a_configuration_mistake_is_an_error() {
    let with_token = Client::builder().token("t").build_pool().unwrap_err();
    assert!(
        matches!(&with_token, Error::Config(m) if m.contains("for_account")),
        "{with_token}"
    );
    let with_account = Client::builder().account_id(1).build_pool().unwrap_err();
    assert!(matches!(with_account, Error::Config(_)));
    let bad_url = Client::builder().base_url("nope").build_pool().unwrap_err();
    assert!(matches!(&bad_url, Error::Config(m) if m.contains("base URL")));

    let pool = Client::builder().build_pool().unwrap();
    let twice = pool
        .for_accounts([(1, "secret-a"), (2, "secret-b"), (1, "secret-c")])
        .unwrap_err();
    assert_eq!(
        twice.to_string(),
        "configuration error: account 1 is given twice"
    );
    let empty = pool.for_accounts([(1, "secret-a"), (2, " ")]).unwrap_err();
    assert_eq!(
        empty.to_string(),
        "configuration error: account 2 has an empty token"
    );
    // Neither the pool's Debug nor the clients' shows a token.
    let clients = pool.for_accounts([(5, "secret-five")]).unwrap();
    let shown = format!("{pool:?} {clients:?}");
    assert!(!shown.contains("secret-five"), "{shown}");
    assert!(shown.contains("ClientPool"));
}

#[tokio::test]
async fn a_client_without_an_account_fails_before_sending() {
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder()
        .token(salesflow_mock::DEMO_TOKEN)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let err = client.list_campaigns().await.unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("listCampaigns needs an account id")),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
    // ListAccounts needs none.
    assert!(!client.list_accounts().await.unwrap().is_empty());
    assert_eq!(
        mock.requests()
            .iter()
            .map(|r| r.operation)
            .collect::<Vec<_>>(),
        [Some(Operation::ListAccounts)]
    );
}
