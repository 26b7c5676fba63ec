//! `Client::attach_webhooks_per_event` against the mock: one webhook per event, attached to
//! each campaign once.

use salesflow::{CampaignId, Client, RunOn};
use salesflow_mock::{MockServer, DEMO_ACCOUNT_ID, DEMO_TOKEN};

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
                "https://hooks.example.com/salesflow/{}",
                event.path_segment()
            )
        );
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
    }
}
