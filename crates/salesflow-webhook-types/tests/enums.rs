//! The forward-compatible enums.

use std::fmt::Debug;
use std::str::FromStr;

use salesflow_webhook_types::{AccountStatus, CampaignStatus, Distance, IntegrationType, RunOn};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// `raw` decodes to `want` and re-encodes to `raw`.
fn round_trip<T>(raw: Value, want: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let got: T = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(&got, want, "{raw}");
    assert_eq!(serde_json::to_value(&got).unwrap(), raw);
}

/// Checks a string enum's known values and one unknown value.
fn check_string_enum<T>(known: &[(&str, T)], unknown: &str, unknown_value: T)
where
    T: Serialize
        + DeserializeOwned
        + PartialEq
        + Debug
        + ToString
        + FromStr<Err = std::convert::Infallible>,
{
    for (raw, value) in known {
        round_trip(json!(raw), value);
        assert_eq!(value.to_string(), *raw);
        assert_eq!(&raw.parse::<T>().unwrap(), value);
    }
    round_trip(json!(unknown), &unknown_value);
    assert_eq!(unknown_value.to_string(), unknown);
    assert_eq!(unknown.parse::<T>().unwrap(), unknown_value);
}

#[test]
fn campaign_status() {
    check_string_enum(
        &[
            ("CAMPAIGN_RUNNING", CampaignStatus::Running),
            ("CAMPAIGN_PAUSED", CampaignStatus::Paused),
            ("CAMPAIGN_STOPPED", CampaignStatus::Stopped),
        ],
        "CAMPAIGN_ARCHIVED",
        CampaignStatus::Unknown("CAMPAIGN_ARCHIVED".to_owned()),
    );
    assert_eq!(CampaignStatus::KNOWN.len(), 3);
    assert_eq!(CampaignStatus::Paused.as_str(), "CAMPAIGN_PAUSED");
    assert!(!CampaignStatus::Running.is_unknown());
    assert!(CampaignStatus::from("campaign_running").is_unknown());
}

#[test]
fn account_status() {
    check_string_enum(
        &[
            ("ACCOUNT_ACTIVE", AccountStatus::Active),
            ("ACCOUNT_BLOCKED", AccountStatus::Blocked),
        ],
        "ACCOUNT_SUSPENDED",
        AccountStatus::Unknown("ACCOUNT_SUSPENDED".to_owned()),
    );
}

#[test]
fn integration_type() {
    check_string_enum(
        &[("INTEGRATION_TYPE_WEBHOOK", IntegrationType::Webhook)],
        "INTEGRATION_TYPE_ZAPIER",
        IntegrationType::Unknown("INTEGRATION_TYPE_ZAPIER".to_owned()),
    );
}

#[test]
fn run_on_encodings() {
    // The payload's name is documented for the connected event only.
    assert_eq!(
        RunOn::from_payload_name("INTEGRATION_RUN_ON_CONNECTED"),
        Some(RunOn::MemberConnected)
    );
    for name in [
        "INTEGRATION_RUN_ON_REPLY_DETECTED",
        "INTEGRATION_RUN_ON_ZZ_NOT_A_VALUE",
        "MEMBER_CONNECTED",
        "",
    ] {
        assert_eq!(RunOn::from_payload_name(name), None, "{name}");
    }
    assert_eq!(RunOn::ReplyDetected.payload_name(), None);
    assert_eq!(RunOn::InvitationWithdrawn.payload_name(), None);
    // Path segments tell every event apart, unknown codes included, and read back.
    let all = [
        RunOn::MemberConnected,
        RunOn::ReplyDetected,
        RunOn::InvitationWithdrawn,
        RunOn::Unknown(9999),
        RunOn::Unknown(-3),
    ];
    let segments: Vec<_> = all.iter().map(RunOn::path_segment).collect();
    assert_eq!(
        segments,
        [
            "member-connected",
            "reply-detected",
            "invitation-withdrawn",
            "run-on-9999",
            "run-on--3"
        ]
    );
    for run_on in all {
        assert_eq!(
            RunOn::from_path_segment(&run_on.path_segment()),
            Some(run_on)
        );
    }
    // A URL never changes meaning when a code becomes known: `run-on-<code>` reaches every
    // code, known or not (what a receiver attached while the code was unknown uses).
    for known in RunOn::KNOWN {
        let segment = format!("run-on-{}", known.code());
        assert_eq!(
            RunOn::from_path_segment(&segment),
            Some(*known),
            "{segment}"
        );
    }
    for bad in [
        "Reply-Detected",
        "reply",
        "run-on-x",
        "run-on-+2",
        "run-on-02",
        "run-on-",
        "",
    ] {
        assert_eq!(RunOn::from_path_segment(bad), None, "{bad}");
    }
}

#[test]
fn distance() {
    check_string_enum(
        &[
            ("DISTANCE_1", Distance::First),
            ("DISTANCE_2", Distance::Second),
            ("DISTANCE_3", Distance::Third),
            ("DISTANCE_OUT_OF_NETWORK", Distance::OutOfNetwork),
        ],
        "DISTANCE_SELF",
        Distance::Unknown("DISTANCE_SELF".to_owned()),
    );
}

#[test]
fn string_enums_keep_an_empty_string() {
    round_trip(json!(""), &CampaignStatus::Unknown(String::new()));
}

#[test]
fn string_enums_accept_an_integer_as_unknown() {
    let v: CampaignStatus = serde_json::from_value(json!(3)).unwrap();
    assert_eq!(v, CampaignStatus::Unknown("3".to_owned()));
    let v: Distance = serde_json::from_value(json!(-1)).unwrap();
    assert_eq!(v, Distance::Unknown("-1".to_owned()));
    for bad in [json!(null), json!(true), json!(1.5), json!([]), json!({})] {
        assert!(
            serde_json::from_value::<CampaignStatus>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn run_on() {
    round_trip(json!(1), &RunOn::MemberConnected);
    round_trip(json!(2), &RunOn::ReplyDetected);
    round_trip(json!(7), &RunOn::InvitationWithdrawn);
    round_trip(json!(9999), &RunOn::Unknown(9999));
    round_trip(json!(-4), &RunOn::Unknown(-4));
    round_trip(json!(i64::MAX), &RunOn::Unknown(i64::MAX));

    for (text, want) in [
        ("MEMBER_CONNECTED", RunOn::MemberConnected),
        ("REPLY_DETECTED", RunOn::ReplyDetected),
        ("INVITATION_WITHDRAWN", RunOn::InvitationWithdrawn),
        ("7", RunOn::InvitationWithdrawn),
        ("9999", RunOn::Unknown(9999)),
    ] {
        let got: RunOn = serde_json::from_value(json!(text)).unwrap();
        assert_eq!(got, want, "{text}");
        assert_eq!(text.parse::<RunOn>().unwrap(), want);
    }
    for bad in [
        json!("ZZ_NOT_A_VALUE"),
        json!(""),
        json!(u64::MAX),
        json!(1.5),
        json!(null),
    ] {
        assert!(
            serde_json::from_value::<RunOn>(bad.clone()).is_err(),
            "{bad}"
        );
    }

    assert_eq!(RunOn::MemberConnected.code(), 1);
    assert_eq!(RunOn::ReplyDetected.code(), 2);
    assert_eq!(RunOn::InvitationWithdrawn.code(), 7);
    assert_eq!(RunOn::Unknown(9999).code(), 9999);
    assert_eq!(RunOn::from(2), RunOn::ReplyDetected);
    assert_eq!(i64::from(RunOn::InvitationWithdrawn), 7);
    assert_eq!(RunOn::MemberConnected.name(), Some("MEMBER_CONNECTED"));
    assert_eq!(RunOn::ReplyDetected.name(), Some("REPLY_DETECTED"));
    assert_eq!(
        RunOn::InvitationWithdrawn.name(),
        Some("INVITATION_WITHDRAWN")
    );
    assert_eq!(RunOn::Unknown(9999).name(), None);
    assert!(RunOn::Unknown(9999).is_unknown());
    assert!(!RunOn::MemberConnected.is_unknown());
    assert_eq!(RunOn::ReplyDetected.to_string(), "REPLY_DETECTED");
    assert_eq!(RunOn::Unknown(9999).to_string(), "9999");
    let err = "ZZ_NOT_A_VALUE".parse::<RunOn>().unwrap_err();
    assert_eq!(err.input(), "ZZ_NOT_A_VALUE");
}

#[test]
fn run_on_in_an_attached_webhook_campaign() {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct WebhookCampaign {
        run_on: RunOn,
    }
    let items: Vec<WebhookCampaign> =
        serde_json::from_str(r#"[{"RunOn": 1}, {"RunOn": 2}, {"RunOn": 7}, {"RunOn": 9999}]"#)
            .unwrap();
    let got: Vec<RunOn> = items.into_iter().map(|c| c.run_on).collect();
    assert_eq!(
        got,
        [
            RunOn::MemberConnected,
            RunOn::ReplyDetected,
            RunOn::InvitationWithdrawn,
            RunOn::Unknown(9999)
        ]
    );
}

#[test]
fn run_on_from_any_name() {
    for known in RunOn::KNOWN {
        let name = known.name().unwrap();
        for text in [
            name.to_owned(),
            name.to_ascii_lowercase(),
            name.to_ascii_lowercase().replace('_', "-"),
            known.path_segment().into_owned(),
            known.code().to_string(),
            format!("run-on-{}", known.code()),
        ] {
            assert_eq!(RunOn::from_any_name(&text), Some(*known), "{text}");
        }
        for alias in known.aliases() {
            assert_eq!(RunOn::from_any_name(alias), Some(*known), "{alias}");
        }
    }
    assert_eq!(
        RunOn::from_any_name("connected"),
        Some(RunOn::MemberConnected)
    );
    assert_eq!(RunOn::from_any_name(" reply "), Some(RunOn::ReplyDetected));
    assert_eq!(RunOn::from_any_name("9999"), Some(RunOn::Unknown(9999)));
    assert_eq!(
        RunOn::from_any_name("run-on-9999"),
        Some(RunOn::Unknown(9999))
    );
    for bad in ["ZZ_NOT_A_VALUE", "", "sometimes"] {
        assert_eq!(RunOn::from_any_name(bad), None, "{bad}");
    }
}

#[test]
fn every_known_event_has_a_name_and_a_payload_name_for_the_mock() {
    for known in RunOn::KNOWN {
        assert!(known.name().is_some(), "{known:?}");
        assert!(known.assumed_payload_name().is_some(), "{known:?}");
        if let Some(documented) = known.payload_name() {
            assert_eq!(known.assumed_payload_name(), Some(documented));
            assert_eq!(RunOn::from_payload_name(documented), Some(*known));
        }
    }
    assert_eq!(RunOn::Unknown(9999).assumed_payload_name(), None);
}
