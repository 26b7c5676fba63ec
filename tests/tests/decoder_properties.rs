//! Property tests: no response decoder of the SDK panics on arbitrary bytes or on arbitrary
//! JSON, and what decodes is written back by `Serialize` into JSON that decodes to an equal
//! value (unknown fields included, kept in `extra`). The SDK's answer types are the generated
//! ones (`salesflow::Contact` is `salesflow_api::types::Contact`). (The shared value types' own
//! round-trip properties live in `crates/salesflow-webhook-types/tests/proptests.rs`.)

use proptest::prelude::*;
use salesflow_api::types;
use serde_json::{json, Value};

/// Decodes `bytes` as every response shape the SDK reads; what decodes must survive a
/// round trip through `Serialize`. Returns how many shapes decoded.
fn decode_everything(bytes: &[u8]) -> Result<usize, TestCaseError> {
    fn one<T>(bytes: &[u8]) -> Result<usize, TestCaseError>
    where
        T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
    {
        let mut decoded = 0;
        if let Ok(value) = serde_json::from_slice::<T>(bytes) {
            decoded += 1;
            round_trip(&value)?;
        }
        if let Ok(values) = serde_json::from_slice::<Vec<T>>(bytes) {
            decoded += 1;
            round_trip(&values)?;
        }
        Ok(decoded)
    }
    let decoded = one::<salesflow::CampaignStatistics>(bytes)?
        + one::<salesflow::Contact>(bytes)?
        + one::<salesflow::ContactDetails>(bytes)?
        + one::<salesflow::Campaign>(bytes)?
        + one::<salesflow::Account>(bytes)?
        + one::<salesflow::Webhook>(bytes)?
        + one::<salesflow::WebhookCampaign>(bytes)?
        + one::<types::StatusMessage>(bytes)?;
    let _ = salesflow::WebhookPayload::from_slice(bytes);
    Ok(decoded)
}

/// `value` serialized then decoded again is equal to `value`.
fn round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_vec(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T = serde_json::from_slice(&json).map_err(|e| {
        TestCaseError::fail(format!(
            "{e}: {} does not decode back",
            String::from_utf8_lossy(&json)
        ))
    })?;
    prop_assert_eq!(&back, value);
    Ok(())
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
        decode_everything(&bytes)?;
    }

    #[test]
    fn no_decoder_panics_on_arbitrary_json(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        decode_everything(&bytes)?;
    }
}

#[test]
fn the_vendor_shapes_do_decode() {
    // Guards the properties above against vacuity: real bodies must take the success path.
    let body = json!({
        "MemberId": 1, "Status": "MEMBER_PENDING, MEMBER_SOMETHING_NEW", "CampaignId": null,
        "Nickname": {"Given": "J"}
    });
    let contact: salesflow::ContactDetails = serde_json::from_value(body.clone()).unwrap();
    assert!(contact.flags().contains(salesflow::MemberFlags::PENDING));
    let status = contact.status.clone().expect("status kept");
    assert_eq!(status.unknown_names(), ["MEMBER_SOMETHING_NEW"]);
    assert_eq!(contact.extra["Nickname"], json!({"Given": "J"}));
    let bytes = serde_json::to_vec(&body).unwrap();
    assert_eq!(decode_everything(&bytes).unwrap(), 2); // Contact and ContactDetails
    let list = serde_json::to_vec(&json!([{"CampaignId": 1, "RunOn": 3, "WebhookCampaignId": 2}]))
        .unwrap();
    // A list of attachments; also a list of campaigns (RunOn and WebhookCampaignId are extra).
    assert_eq!(decode_everything(&list).unwrap(), 2);
}

#[test]
fn the_round_trip_check_can_fail() {
    // Guards `round_trip` against vacuity: a type whose serialization loses data fails it.
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Lossy {
        #[serde(skip_serializing, default)]
        a: i64,
    }
    assert!(round_trip(&Lossy { a: 0 }).is_ok());
    assert!(round_trip(&Lossy { a: 1 }).is_err());
}
