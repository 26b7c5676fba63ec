//! A receiver notices what a payload holds that this version does not know: every unknown
//! field at every depth, unknown enum values (codes only), unknown `IntegrationRunOn` names,
//! `MemberStatus` names and bits, and fields of an unexpected type; once each, never a value.

use salesflow_webhook_types::drift::{self, DriftKind, DriftLog, DriftReport, JsonType};
use salesflow_webhook_types::{LinkedInAccount, MemberCampaign, MemberStatus, WebhookPayload};
use serde_json::json;

fn items_of(report: &DriftReport) -> Vec<(String, String, DriftKind, JsonType, Option<String>)> {
    report
        .items
        .iter()
        .filter(|i| i.source == "webhook")
        .map(|i| {
            (
                i.path.clone(),
                i.schema.clone(),
                i.kind,
                i.json_type,
                i.value.clone(),
            )
        })
        .collect()
}

fn item(
    path: &str,
    schema: &str,
    kind: DriftKind,
    json_type: JsonType,
    value: Option<&str>,
) -> (String, String, DriftKind, JsonType, Option<String>) {
    (
        path.into(),
        schema.into(),
        kind,
        json_type,
        value.map(str::to_owned),
    )
}

// One test: the process's log is shared by everything that decodes in this binary.
#[test]
fn every_unknown_thing_of_a_payload_is_recorded_once_without_values() {
    // Nothing unknown: nothing recorded.
    let known: WebhookPayload = serde_json::from_value(json!({
        "MemberId": 1, "FirstName": "Ann", "IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED",
        "IntegrationType": "INTEGRATION_TYPE_WEBHOOK", "Distance": "DISTANCE_2",
        "Status": "MEMBER_CONNECTED", "LinkedInAccount": {"FirstName": "Bob"},
        "MemberCampaigns": [{"CampaignName": "Sales", "CampaignId": 3}],
    }))
    .unwrap();
    assert!(known.extra.is_empty());
    assert!(items_of(&DriftLog::global().report()).is_empty());

    let odd = json!({
        "MemberId": 1,
        "FirstName": {"Given": "Jane Secret"},
        "IntegrationRunOn": "jane.secret@example.com",
        "IntegrationType": "INTEGRATION_TYPE_ZAPIER",
        "Distance": "Jane Secret",
        "Status": "MEMBER_CONNECTED, MEMBER_SNOOZED, 4096",
        "NewTop": "jane.secret@example.com",
        "NullTop": null,
        "LinkedInAccount": {"FirstName": "Bob", "Phone": "+1 555 0199"},
        "MemberCampaigns": [{"CampaignName": "Sales", "Step": 2}, {"Step": 3.5}],
    });
    for _ in 0..3 {
        let payload: WebhookPayload = serde_json::from_value(odd.clone()).unwrap();
        assert_eq!(payload.first_name, None);
    }
    let report = DriftLog::global().report();
    let text = serde_json::to_string(&report).unwrap();
    assert!(!text.contains("Secret") && !text.contains("secret") && !text.contains("555"));
    use DriftKind::*;
    use JsonType as J;
    let want = vec![
        item("$.Distance", "Distance", UnknownValue, J::String, None),
        item(
            "$.FirstName",
            "WebhookPayload",
            UnexpectedType,
            J::Object,
            None,
        ),
        item("$.IntegrationRunOn", "RunOn", UnknownValue, J::String, None),
        item(
            "$.IntegrationType",
            "IntegrationType",
            UnknownValue,
            J::String,
            Some("INTEGRATION_TYPE_ZAPIER"),
        ),
        item(
            "$.LinkedInAccount.Phone",
            "LinkedInAccount",
            UnknownField,
            J::String,
            None,
        ),
        item(
            "$.MemberCampaigns[].Step",
            "MemberCampaign",
            UnknownField,
            J::Integer,
            None,
        ),
        item(
            "$.MemberCampaigns[].Step",
            "MemberCampaign",
            UnknownField,
            J::Number,
            None,
        ),
        item("$.NewTop", "WebhookPayload", UnknownField, J::String, None),
        item("$.NullTop", "WebhookPayload", UnknownField, J::Null, None),
        item(
            "$.Status",
            "MemberStatus",
            UnknownValue,
            J::Integer,
            Some("4096"),
        ),
        item(
            "$.Status",
            "MemberStatus",
            UnknownValue,
            J::String,
            Some("MEMBER_SNOOZED"),
        ),
    ];
    assert_eq!(items_of(&report), want, "{report:#?}");
    assert!(report.items.iter().all(|i| i.count == 3), "{report:#?}");
    let phone = report.items.iter().find(|i| i.field == "Phone").unwrap();
    assert_eq!(phone.path, "$.LinkedInAccount.Phone");

    // Strict decoding (the mock's) records nothing.
    DriftLog::global().clear();
    let _ = salesflow_webhook_types::lenient::strict(|| {
        serde_json::from_value::<WebhookPayload>(json!({"MemberId": 1, "Other": 1}))
    });
    assert!(items_of(&DriftLog::global().report()).is_empty());

    // A payload name the spec only assumes is known; one the spec does not know is recorded
    // alone; an unknown field beside a known name is recorded too.
    let decode = |value: serde_json::Value| {
        DriftLog::global().clear();
        let _: WebhookPayload = serde_json::from_value(value).unwrap();
        items_of(&DriftLog::global().report())
    };
    let assumed = decode(json!({"IntegrationRunOn": "INTEGRATION_RUN_ON_REPLY_DETECTED"}));
    assert!(assumed.is_empty(), "{assumed:?}");
    let documented = decode(json!({"IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED"}));
    assert!(documented.is_empty(), "{documented:?}");
    assert_eq!(
        decode(json!({"IntegrationRunOn": "INTEGRATION_RUN_ON_LIKED"})),
        [item(
            "$.IntegrationRunOn",
            "RunOn",
            UnknownValue,
            J::String,
            Some("INTEGRATION_RUN_ON_LIKED")
        )]
    );
    assert_eq!(
        decode(json!({"IntegrationRunOn": "INTEGRATION_RUN_ON_CONNECTED", "Liked": true})),
        [item(
            "$.Liked",
            "WebhookPayload",
            UnknownField,
            J::Boolean,
            None
        )]
    );

    // Each unknown thing alone, at its own depth, is enough for the payload to be walked: the
    // object (or status) that holds it says so itself.
    assert_eq!(
        decode(json!({"LinkedInAccount": {"FirstName": "Bob", "Phone": "+1 555 0199"}})),
        [item(
            "$.LinkedInAccount.Phone",
            "LinkedInAccount",
            UnknownField,
            J::String,
            None
        )]
    );
    assert_eq!(
        decode(json!({"MemberCampaigns": [{"CampaignId": 3}, {"CampaignId": 4, "Step": 2}]})),
        [item(
            "$.MemberCampaigns[].Step",
            "MemberCampaign",
            UnknownField,
            J::Integer,
            None
        )]
    );
    assert_eq!(
        decode(json!({"Status": "MEMBER_CONNECTED, MEMBER_SNOOZED"})),
        [item(
            "$.Status",
            "MemberStatus",
            UnknownValue,
            J::String,
            Some("MEMBER_SNOOZED")
        )]
    );
    for bits in [json!("MEMBER_CONNECTED, 4096"), json!(4100)] {
        assert_eq!(
            decode(json!({"Status": bits})),
            [item(
                "$.Status",
                "MemberStatus",
                UnknownValue,
                J::Integer,
                Some("4096")
            )],
            "{bits}"
        );
    }
    // Known names and bits only, at every depth: nothing.
    let known = decode(json!({
        "Status": "MEMBER_CONNECTED, MEMBER_ERROR",
        "LinkedInAccount": {"FirstName": "Bob"},
        "MemberCampaigns": [{"CampaignId": 3}],
    }));
    assert!(known.is_empty(), "{known:?}");
}

/// The thread's mark ([`drift::take_pending`]) is what a client looks at before walking what it
/// decoded: set by an object with an unknown field or a status with an unknown name or bit,
/// and by nothing else. (Thread-local: this test does not touch the process's log.)
#[test]
fn only_something_unknown_marks_the_thread() {
    fn marks<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> bool {
        drift::take_pending();
        let _: T = serde_json::from_value(value.clone()).unwrap();
        let marked = drift::take_pending();
        // Taken: it does not outlive the next look.
        assert!(!drift::take_pending(), "{value}");
        marked
    }
    assert!(!marks::<LinkedInAccount>(json!({"FirstName": "Bob"})));
    assert!(marks::<LinkedInAccount>(
        json!({"FirstName": "Bob", "Phone": "x"})
    ));
    // A known field of an unexpected type is kept in `extra` too.
    assert!(marks::<LinkedInAccount>(json!({"FirstName": 5})));
    assert!(!marks::<MemberCampaign>(json!({"CampaignId": 3})));
    assert!(marks::<MemberCampaign>(json!({"CampaignId": 3, "Step": 2})));
    assert!(!marks::<MemberStatus>(json!(
        "MEMBER_CONNECTED, MEMBER_ERROR"
    )));
    assert!(!marks::<MemberStatus>(json!(1028)));
    assert!(!marks::<MemberStatus>(json!("MEMBER_NOT_SET")));
    assert!(marks::<MemberStatus>(json!(
        "MEMBER_CONNECTED, MEMBER_SNOOZED"
    )));
    assert!(marks::<MemberStatus>(json!("MEMBER_SNOOZED")));
    assert!(marks::<MemberStatus>(json!("4096")));
    assert!(marks::<MemberStatus>(json!(4100)));
    assert!(marks::<Vec<MemberCampaign>>(json!([
        {"CampaignId": 3},
        {"CampaignId": 4, "Step": 2}
    ])));
}
