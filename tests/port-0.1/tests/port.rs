//! The ported 0.1 program, run against the mock: it compiles against 0.2 and does what 0.1
//! did, with 0.2's observable differences (canonical URLs, Sales Navigator URLs refused).

use salesflow::Client;
use salesflow_mock::{MockServer, DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_RUNNING, DEMO_TOKEN};

#[tokio::test]
async fn the_ported_program_runs_against_the_mock() {
    let server = MockServer::start().await.unwrap();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let report = salesflow_port_0_1::run(
        &client,
        DEMO_CAMPAIGN_RUNNING,
        &[
            "https://linkedin.com/in/Ann-Port-1/",
            "https://www.linkedin.com/sales/lead/ACwAAA123,NAME_SEARCH",
        ],
    )
    .await
    .unwrap();
    assert!(report.campaigns > 0, "{report:?}");
    assert!(report.statistics_total.is_some(), "{report:?}");
    assert_eq!((report.imported, report.failed), (1, 1), "{report:?}");
    assert_eq!(report.public_identifiers, ["ann-port-1"], "{report:?}");
    assert!(report.webhooks > 0, "{report:?}");
}
