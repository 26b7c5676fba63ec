//! `Client::attach_webhooks_per_event` (and its forms for many campaigns and for every
//! campaign) against the mock: one webhook per account and event, attached to each campaign
//! once, listed once per call, at a URL the receiver reads the account and event back from.

use salesflow::{
    AccountId, CampaignId, CampaignStatus, Client, Error, Operation, RunOn, WebhookRoute,
};
use salesflow_mock::{
    MockServer, DEMO_ACCOUNT_ID, DEMO_CAMPAIGN_EMPTY, DEMO_CAMPAIGN_PAUSED, DEMO_CAMPAIGN_RUNNING,
    DEMO_TOKEN,
};

fn demo_client(mock: &MockServer) -> Client {
    Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .build()
        .unwrap()
}

/// The operations the mock received since the last call, and forgets them.
fn operations(mock: &MockServer) -> Vec<Operation> {
    let ops = mock.requests().iter().filter_map(|r| r.operation).collect();
    mock.clear_requests();
    ops
}

fn count(ops: &[Operation], op: Operation) -> usize {
    ops.iter().filter(|o| **o == op).count()
}

#[tokio::test]
async fn webhooks_per_event_are_shared_and_attached_to_each_campaign_once() {
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let base = "https://hooks.example.com/salesflow/";
    let events = [RunOn::MemberConnected, RunOn::ReplyDetected];
    let running = CampaignId::new(29854);
    let paused = CampaignId::new(29889);

    let first = client
        .attach_webhooks_per_event(running, base, &events)
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    for (w, event) in first.iter().zip(events) {
        assert_eq!(w.event, event);
        assert_eq!(
            w.url,
            format!(
                "https://hooks.example.com/salesflow/321/{}",
                event.path_segment()
            )
        );
        assert_eq!(w.route, WebhookRoute::new(DEMO_ACCOUNT_ID, event));
        assert!(w.attached_now);
        assert_eq!(w.webhook.url.as_deref(), Some(w.url.as_str()));
        assert_eq!(
            (w.attachment.campaign_id, w.attachment.run_on),
            (running, event)
        );
    }

    // Another campaign: the same webhooks, attached to it for the same events (an
    // attachment to the other campaign, or for the other event, is not one).
    let second = client
        .attach_webhooks_per_event(paused, base, &events)
        .await
        .unwrap();
    for ((w, f), event) in second.iter().zip(&first).zip(events) {
        assert_eq!(w.webhook.webhook_id, f.webhook.webhook_id);
        assert_eq!(
            (w.attachment.campaign_id, w.attachment.run_on),
            (paused, event)
        );
        assert_ne!(
            w.attachment.webhook_campaign_id,
            f.attachment.webhook_campaign_id
        );
    }

    // Again: everything is found, nothing attached twice.
    let third = client
        .attach_webhooks_per_event(paused, base, &events)
        .await
        .unwrap();
    for (w, s) in third.iter().zip(&second) {
        assert_eq!(w.webhook.webhook_id, s.webhook.webhook_id);
        assert_eq!(w.attachment, s.attachment);
        assert!(!w.attached_now);
    }
}

#[tokio::test]
async fn many_campaigns_are_covered_with_one_listing_and_again_with_nothing_else() {
    let mock = MockServer::start().await.unwrap();
    let client = demo_client(&mock);
    let base = "https://hooks.example.com/salesflow/s3cret";
    let campaigns = [
        DEMO_CAMPAIGN_RUNNING,
        DEMO_CAMPAIGN_PAUSED,
        DEMO_CAMPAIGN_EMPTY,
        DEMO_CAMPAIGN_RUNNING, // twice: counted once
    ];
    mock.clear_requests();
    let hooks = client
        .attach_webhooks_per_event_to_campaigns(campaigns, base, RunOn::KNOWN)
        .await
        .unwrap();
    let ops = operations(&mock);
    assert_eq!(count(&ops, Operation::ListWebhooks), 1, "{ops:?}");
    assert_eq!(count(&ops, Operation::CreateWebhook), 3, "one per event");
    assert_eq!(
        count(&ops, Operation::AttachWebhook),
        9,
        "one per campaign and event"
    );
    assert_eq!(ops.len(), 13, "{ops:?}");
    // Campaign by campaign, each in the order of the events.
    let got: Vec<(CampaignId, RunOn)> = hooks
        .iter()
        .map(|h| (h.attachment.campaign_id, h.event))
        .collect();
    let expected: Vec<(CampaignId, RunOn)> = campaigns[..3]
        .iter()
        .flat_map(|c| RunOn::KNOWN.iter().map(move |e| (*c, *e)))
        .collect();
    assert_eq!(got, expected);
    assert!(hooks.iter().all(|h| h.attached_now));
    // One webhook per event, whatever the campaign; the last one returned shows all three
    // of its attachments.
    for event in RunOn::KNOWN {
        let of_event: Vec<_> = hooks.iter().filter(|h| h.event == *event).collect();
        assert!(of_event
            .iter()
            .all(|h| h.webhook.webhook_id == of_event[0].webhook.webhook_id));
        assert_eq!(of_event[2].webhook.attachments().len(), 3);
        assert_eq!(
            of_event[0].url,
            format!("{base}/{DEMO_ACCOUNT_ID}/{}", event.path_segment())
        );
    }

    // Idempotent: again, only the listing is sent, and everything is found.
    let again = client
        .attach_webhooks_per_event_to_campaigns(campaigns, base, RunOn::KNOWN)
        .await
        .unwrap();
    assert_eq!(operations(&mock), [Operation::ListWebhooks]);
    assert!(again.iter().all(|h| !h.attached_now));
    let attachments = |hs: &[salesflow::EventWebhook]| {
        hs.iter().map(|h| h.attachment.clone()).collect::<Vec<_>>()
    };
    assert_eq!(attachments(&again), attachments(&hooks));
}

#[tokio::test]
async fn a_reconcile_covers_a_campaign_created_later_and_the_delivery_names_its_account() {
    let mock = MockServer::start().await.unwrap();
    let client = demo_client(&mock);
    let base = "http://127.0.0.1:9/salesflow/s3cret";
    let events = [RunOn::MemberConnected, RunOn::ReplyDetected];
    let first = client
        .reconcile_webhooks_per_event(base, &events)
        .await
        .unwrap();
    // The demo account has three campaigns.
    assert_eq!(first.len(), 6);

    // A campaign appears (made in the Salesflow app): the next run attaches it only.
    let created = mock.add_campaign(DEMO_ACCOUNT_ID, "Made later", CampaignStatus::Running);
    mock.clear_requests();
    let second = client
        .reconcile_webhooks_per_event(base, &events)
        .await
        .unwrap();
    let ops = operations(&mock);
    assert_eq!(
        ops,
        [
            Operation::ListCampaigns,
            Operation::ListWebhooks,
            Operation::AttachWebhook,
            Operation::AttachWebhook
        ]
    );
    let new: Vec<_> = second.iter().filter(|h| h.attached_now).collect();
    assert_eq!(new.len(), 2);
    assert!(new.iter().all(|h| h.attachment.campaign_id == created));

    // A member of the new campaign connects: the vendor calls the URL, whose path tells the
    // receiver the account and the event.
    let member = mock
        .add_member(created, "new-member-1", serde_json::Map::new())
        .unwrap();
    mock.simulate_event(member, RunOn::MemberConnected)
        .await
        .unwrap();
    let deliveries = mock.deliveries();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let path = url::Url::parse(&deliveries[0].url)
        .unwrap()
        .path()
        .to_owned();
    assert_eq!(path, "/salesflow/s3cret/321/member-connected");
    assert_eq!(
        WebhookRoute::from_path(&path),
        Some(WebhookRoute::new(DEMO_ACCOUNT_ID, RunOn::MemberConnected))
    );
}

#[tokio::test]
async fn each_account_gets_its_own_urls_and_no_account_is_an_error_before_sending() {
    let mock = MockServer::start().await.unwrap();
    let other = demo_client(&mock).for_account(
        salesflow_mock::DEMO_OTHER_TOKEN,
        salesflow_mock::DEMO_OTHER_ACCOUNT_ID,
    );
    let campaign = mock.add_campaign(
        salesflow_mock::DEMO_OTHER_ACCOUNT_ID,
        "Other's",
        CampaignStatus::Running,
    );
    let hooks = other
        .attach_webhooks_per_event(campaign, "https://h.example/x/", &[RunOn::ReplyDetected])
        .await
        .unwrap();
    assert_eq!(hooks[0].url, "https://h.example/x/400/reply-detected");
    assert_eq!(hooks[0].route.account_id, AccountId::new(400));

    mock.clear_requests();
    let no_account = Client::builder()
        .token(DEMO_TOKEN)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    for result in [
        no_account
            .attach_webhooks_per_event(campaign, "https://h.example/x", RunOn::KNOWN)
            .await,
        no_account
            .reconcile_webhooks_per_event("https://h.example/x", RunOn::KNOWN)
            .await,
    ] {
        let err = result.unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("account id")),
            "{err}"
        );
    }
    assert!(mock.requests().is_empty());
}
