//! Property tests: no response decoder of the SDK panics on arbitrary bytes or on arbitrary
//! JSON, and what decodes converts to the domain types. (The shared value types' own
//! round-trip properties live in `crates/salesflow-webhook-types/tests/proptests.rs`.)

use proptest::prelude::*;
use salesflow_api::types;
use serde_json::{json, Value};

/// Decodes `bytes` as every response shape the SDK reads, converting what decodes.
fn decode_everything(bytes: &[u8]) {
    fn one<T: serde::de::DeserializeOwned, D: From<T>>(bytes: &[u8]) {
        if let Ok(value) = serde_json::from_slice::<T>(bytes) {
            let _: D = D::from(value);
        }
        if let Ok(values) = serde_json::from_slice::<Vec<T>>(bytes) {
            let _: Vec<D> = values.into_iter().map(D::from).collect();
        }
    }
    one::<types::CampaignStatistics, salesflow::CampaignStatistics>(bytes);
    one::<types::Contact, salesflow::Contact>(bytes);
    one::<types::ContactDetails, salesflow::ContactDetails>(bytes);
    one::<types::Campaign, salesflow::Campaign>(bytes);
    one::<types::Account, salesflow::Account>(bytes);
    one::<types::Webhook, salesflow::Webhook>(bytes);
    one::<types::WebhookCampaign, salesflow::WebhookCampaign>(bytes);
    one::<types::StatusMessage, salesflow::StatusMessage>(bytes);
    let _ = salesflow::WebhookPayload::from_slice(bytes);
}

/// Arbitrary JSON, biased towards the vendor's field names and value shapes so that the
/// decoders get past the first field.
fn json_value() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "MemberId",
        "CampaignId",
        "Status",
        "UpdatedAt",
        "LastModifiedAt",
        "AddedAt",
        "RunOn",
        "WebhookId",
        "AttachedWebhookCampaigns",
        "AccountId",
        "Total",
        "Elapsed",
        "Message",
        "FirstName",
        "DateAdded",
        "Distance",
        "IntegrationRunOn",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "/Date(1618336539820)/",
            "/Date(-99999999999999999)/",
            "/Date(1618336539820+0530)/",
            "2021-02-18T15:33:44.5905705+00:00",
            "MEMBER_PENDING, MEMBER_ERROR",
            "MEMBER_SOMETHING_NEW",
            "CAMPAIGN_RUNNING",
            "CAMPAIGN_ARCHIVED",
            "4096",
            "",
        ])
        .prop_map(Value::from),
        ".*".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(names.clone(), inner, 0..8).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_decoder_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&bytes);
    }

    #[test]
    fn no_decoder_panics_on_arbitrary_json(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        decode_everything(&bytes);
    }
}

#[test]
fn the_vendor_shapes_do_decode() {
    // Guards the properties above against vacuity: real bodies must take the success path.
    let contact: types::ContactDetails = serde_json::from_value(json!({
        "MemberId": 1, "Status": "MEMBER_PENDING, MEMBER_SOMETHING_NEW", "CampaignId": null
    }))
    .unwrap();
    let contact = salesflow::ContactDetails::from(contact);
    let status = contact.contact.status.expect("status kept");
    assert!(status.contains(salesflow::MemberFlags::PENDING));
    assert_eq!(status.unknown_names(), ["MEMBER_SOMETHING_NEW"]);
}
