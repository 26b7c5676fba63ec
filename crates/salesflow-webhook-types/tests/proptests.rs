//! Property tests: round trips and no panics on arbitrary input.

use chrono::{DateTime, FixedOffset, Utc};
use proptest::prelude::*;
use salesflow_webhook_types::{
    DotNetDate, FlexibleDate, MemberFlags, MemberStatus, WebhookPayload,
};

const KNOWN_NAMES: [&str; 10] = [
    "MEMBER_NOT_SET",
    "MEMBER_PENDING",
    "MEMBER_INVITATION_SENT",
    "MEMBER_CONNECTED",
    "MEMBER_DISCONNECTED",
    "MEMBER_DELETED",
    "MEMBER_IMPORTED",
    "MEMBER_INVITATION_WITHDRAWN",
    "MEMBER_ERROR",
    "MEMBER_DUPLICATE",
];

/// A name token: known or not, with arbitrary characters other than commas.
fn name_token() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(&KNOWN_NAMES[..]).prop_map(str::to_owned),
        "MEMBER_[A-Z_]{1,12}",
        "[^,\\s][^,]{0,10}[^,\\s]".prop_filter("an integer is not a name", |s| !is_integer(s)),
    ]
}

/// Whether `token` would be read as an integer: an optional sign, then only digits.
fn is_integer(token: &str) -> bool {
    let digits = token.strip_prefix(['-', '+']).unwrap_or(token);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn millis_in_range() -> impl Strategy<Value = i64> {
    DateTime::<Utc>::MIN_UTC.timestamp_millis()..=DateTime::<Utc>::MAX_UTC.timestamp_millis()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn member_status_round_trips(
        bits in any::<u32>(),
        names in proptest::collection::vec(name_token(), 0..5),
    ) {
        let mut tokens = names.clone();
        tokens.push(bits.to_string());
        let parsed: MemberStatus = tokens.join(" , ").parse().unwrap();

        // Every bit of the integer is kept, plus the known names' bits.
        prop_assert!(parsed.flags().contains(MemberFlags::from_bits_retain(bits)));

        let text = parsed.to_string();
        let again: MemberStatus = text.parse().unwrap();
        prop_assert_eq!(&again, &parsed);
        prop_assert_eq!(again.to_string(), text.clone());

        let json = serde_json::to_string(&parsed).unwrap();
        let decoded: MemberStatus = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(decoded, parsed);
    }

    #[test]
    fn member_status_from_flags_round_trips(bits in any::<u32>()) {
        let status = MemberStatus::from_flags(MemberFlags::from_bits_retain(bits));
        let again: MemberStatus = status.to_string().parse().unwrap();
        prop_assert_eq!(again.flags().bits(), bits);
        prop_assert!(again.unknown_names().is_empty());
        let from_int: MemberStatus = serde_json::from_value(serde_json::json!(bits)).unwrap();
        prop_assert_eq!(from_int, status);
    }

    #[test]
    fn member_status_parse_never_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<MemberStatus>();
    }

    #[test]
    fn dotnet_date_round_trips(millis in millis_in_range(), offset_minutes in -1439i32..=1439) {
        let utc = DotNetDate::from_millis(millis).unwrap();
        prop_assert_eq!(utc.timestamp_millis(), millis);
        let text = utc.to_string();
        prop_assert_eq!(&text, &format!("/Date({millis})/"));
        prop_assert_eq!(text.parse::<DotNetDate>().unwrap(), utc);
        let json = serde_json::to_string(&utc).unwrap();
        prop_assert_eq!(serde_json::from_str::<DotNetDate>(&json).unwrap(), utc);

        // With an offset, when the local time is representable.
        let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
        if let Ok(local) = format!("/Date({millis}{})/", suffix(offset_minutes)).parse::<DotNetDate>() {
            prop_assert_eq!(local, utc);
            prop_assert_eq!(*local.as_datetime().offset(), offset);
            let back: DotNetDate = local.to_string().parse().unwrap();
            prop_assert_eq!(back, local);
            prop_assert_eq!(*back.as_datetime().offset(), offset);
        }
    }

    #[test]
    fn flexible_date_round_trips(
        millis in -62_135_510_400_000i64..=253_402_214_399_999, // 0001-01-02 to 9999-12-30
        nanos in 0u32..1_000_000,
        offset_minutes in -1439i32..=1439,
    ) {
        let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
        let utc = DateTime::<Utc>::from_timestamp_millis(millis).unwrap()
            + chrono::TimeDelta::nanoseconds(i64::from(nanos));
        let date = FlexibleDate::new(utc.with_timezone(&offset));
        let back: FlexibleDate = date.to_string().parse().unwrap();
        prop_assert_eq!(back, date);
        prop_assert_eq!(*back.as_datetime().offset(), offset);
    }

    #[test]
    fn date_parse_never_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<DotNetDate>();
        let _ = text.parse::<FlexibleDate>();
    }

    #[test]
    fn dotnet_shaped_garbage_never_panics(
        millis in "[-+]?[0-9]{0,25}",
        offset in "([-+][0-9]{0,5})?",
    ) {
        let _ = format!("/Date({millis}{offset})/").parse::<DotNetDate>();
    }

    #[test]
    fn payload_from_slice_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = WebhookPayload::from_slice(&bytes);
    }

    #[test]
    fn payload_from_json_like_text_never_panics(
        key in proptest::sample::select(&[
            "MemberId", "Status", "DateAdded", "ConnectedAt", "IntegrationRunOn", "Distance",
            "LinkedInAccount", "MemberCampaigns", "BirthdayYear", "HasReply", "Other",
        ][..]),
        value in prop_oneof![
            Just("null".to_owned()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|n| n.to_string()),
            "\\PC{0,20}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just("[]".to_owned()),
            Just("{}".to_owned()),
            Just("[{}]".to_owned()),
        ],
    ) {
        let _ = WebhookPayload::from_str(&format!("{{\"{key}\": {value}}}"));
    }
}

fn suffix(offset_minutes: i32) -> String {
    if offset_minutes == 0 {
        return "+0000".to_owned();
    }
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    format!("{sign}{:02}{:02}", abs / 60, abs % 60)
}

/// Serializes `value`, decodes it back, and checks both the value and the JSON survive.
fn json_round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    prop_assert_eq!(&back, value);
    prop_assert_eq!(serde_json::to_value(&back).unwrap(), json);
    Ok(())
}

/// Known values of a string enum, or any other string (an unknown value to keep).
fn enum_text(known: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(known).prop_map(str::to_owned),
        "\\PC{0,24}",
    ]
}

macro_rules! string_enum_round_trip {
    ($name:ident, $ty:ty, [$($known:literal),+ $(,)?]) => {
        proptest! {
            #[test]
            fn $name(text in enum_text(&[$($known),+])) {
                let value: $ty = serde_json::from_value(serde_json::Value::String(text.clone())).unwrap();
                prop_assert_eq!(value.as_str(), text.as_str());
                prop_assert_eq!(value.is_unknown(), ![$($known),+].contains(&text.as_str()));
                json_round_trip(&value)?;
            }
        }
    };
}

string_enum_round_trip!(
    campaign_status_round_trips,
    salesflow_webhook_types::CampaignStatus,
    ["CAMPAIGN_RUNNING", "CAMPAIGN_PAUSED", "CAMPAIGN_STOPPED"]
);
string_enum_round_trip!(
    account_status_round_trips,
    salesflow_webhook_types::AccountStatus,
    ["ACCOUNT_ACTIVE", "ACCOUNT_BLOCKED"]
);
string_enum_round_trip!(
    integration_type_round_trips,
    salesflow_webhook_types::IntegrationType,
    ["INTEGRATION_TYPE_WEBHOOK"]
);
string_enum_round_trip!(
    distance_round_trips,
    salesflow_webhook_types::Distance,
    [
        "DISTANCE_1",
        "DISTANCE_2",
        "DISTANCE_3",
        "DISTANCE_OUT_OF_NETWORK"
    ]
);

proptest! {
    #[test]
    fn run_on_round_trips_known_and_unknown_codes(
        code in prop_oneof![
            proptest::sample::select(salesflow_webhook_types::RunOn::KNOWN.iter().map(|k| k.code()).collect::<Vec<_>>()),
            any::<i64>()
        ]
    ) {
        let value = salesflow_webhook_types::RunOn::from(code);
        prop_assert_eq!(value.code(), code);
        prop_assert_eq!(value.is_unknown(), !salesflow_webhook_types::RunOn::KNOWN.iter().any(|k| k.code() == code));
        json_round_trip(&value)?;
    }
}
