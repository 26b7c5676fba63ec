//! Decoding and encoding of the webhook payload.

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone};
use salesflow_webhook_types::{
    Distance, IntegrationType, MemberFlags, MemberStatus, PayloadError, RunOn, WebhookPayload,
    MAX_PAYLOAD_BYTES,
};
use serde_json::{json, Value};

const SAMPLE: &str = include_str!("fixtures/webhook_payload.json");

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: i64) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(0)
        .unwrap()
        .with_ymd_and_hms(y, mo, d, h, mi, s)
        .unwrap()
        + TimeDelta::nanoseconds(nanos)
}

#[test]
fn vendor_sample_decodes_to_the_expected_values() {
    let p = WebhookPayload::from_str(SAMPLE).unwrap();

    assert_eq!(p.integration_type, Some(IntegrationType::Webhook));
    assert_eq!(
        p.integration_run_on.as_deref(),
        Some("INTEGRATION_RUN_ON_CONNECTED")
    );
    assert_eq!(p.member_id, Some(0));
    assert_eq!(p.linked_in_member_id, Some(1_234_567_890));
    assert_eq!(p.first_name.as_deref(), Some("John"));
    assert_eq!(p.last_name.as_deref(), Some("Smith"));
    assert_eq!(
        p.occupation.as_deref(),
        Some("Founder and Chief Executive Officer at Smith & Co")
    );
    assert_eq!(p.company.as_deref(), Some("Smith & Co"));
    assert_eq!(p.location.as_deref(), Some("Miami/Fort Lauderdale Area"));
    assert_eq!(p.phone_number.as_deref(), Some("123 4567890"));
    assert_eq!(p.email.as_deref(), Some("john@example.com"));
    assert_eq!(p.address.as_deref(), Some(""));
    assert_eq!(p.birthday_year, Some(1980));
    assert_eq!(p.birthday_month, Some(12));
    assert_eq!(p.birthday_day, Some(1));

    let date_added = p.date_added.unwrap();
    assert_eq!(date_added, utc(2021, 2, 18, 15, 33, 44, 590_570_500));
    assert_eq!(date_added.offset().local_minus_utc(), 0);
    let connected_at = p.connected_at.unwrap();
    assert_eq!(connected_at, utc(2021, 2, 18, 16, 33, 44, 590_570_500));
    assert_eq!(connected_at.offset().local_minus_utc(), 0);

    assert_eq!(
        p.member_url.as_deref(),
        Some("https://linkedin.com/in/john-smith-123321")
    );
    assert_eq!(p.industry.as_deref(), Some("Banking"));
    assert_eq!(p.distance, Some(Distance::Third));
    assert_eq!(
        p.current_position.as_deref(),
        Some("Chief Executive Officer")
    );
    assert_eq!(
        p.status,
        Some(MemberStatus::from_flags(MemberFlags::CONNECTED))
    );
    assert_eq!(p.has_reply, Some(false));
    assert_eq!(p.is_muted, Some(false));
    assert_eq!(p.is_seen, Some(false));
    assert_eq!(p.connections_count, Some(100));
    assert_eq!(p.followers_count, Some(100));
    assert_eq!(p.is_sales_navigator, Some(false));

    let account = p.linked_in_account.as_ref().unwrap();
    assert_eq!(account.first_name.as_deref(), Some("Bob"));
    assert_eq!(account.last_name.as_deref(), Some("White"));
    assert_eq!(account.username.as_deref(), Some("bob@example.com"));
    assert!(account.extra.is_empty());

    let customs = [
        &p.custom1,
        &p.custom2,
        &p.custom3,
        &p.custom4,
        &p.custom5,
        &p.custom6,
        &p.custom7,
        &p.custom8,
        &p.custom9,
        &p.custom10,
    ];
    for (i, custom) in customs.iter().enumerate() {
        assert_eq!(
            custom.as_deref(),
            Some(format!("CustomValue{}", i + 1).as_str())
        );
    }
    assert_eq!(
        p.custom_fields(),
        [
            Some("CustomValue1"),
            Some("CustomValue2"),
            Some("CustomValue3"),
            Some("CustomValue4"),
            Some("CustomValue5"),
            Some("CustomValue6"),
            Some("CustomValue7"),
            Some("CustomValue8"),
            Some("CustomValue9"),
            Some("CustomValue10"),
        ]
    );

    assert_eq!(
        p.member_actions_formatted.as_deref(),
        Some(
            "<p>Connection message [2/18/2021 4:33 PM]: This is a test connection message</p>\
             \r\n\r\n<p>John Smith [2/18/2021 4:33 PM]: This is a test inbound message</p>"
        )
    );

    let campaigns = p.member_campaigns.as_ref().unwrap();
    assert_eq!(campaigns.len(), 1);
    assert_eq!(campaigns[0].campaign_name.as_deref(), Some("Test campaign"));
    assert_eq!(campaigns[0].campaign_id, None);
    assert!(campaigns[0].extra.is_empty());

    assert!(
        p.extra.is_empty(),
        "every sample field is known: {:?}",
        p.extra
    );
    assert_eq!(p.event(), Some(RunOn::MemberConnected));
}

#[test]
fn vendor_sample_reencodes_with_the_same_field_names_and_values() {
    let p = WebhookPayload::from_slice(SAMPLE.as_bytes()).unwrap();
    let original: Value = serde_json::from_str(SAMPLE).unwrap();
    let mut encoded = serde_json::to_value(&p).unwrap();

    // Dates are rewritten as RFC 3339 (9 digits, `Z`): compare them as instants.
    for key in ["DateAdded", "ConnectedAt"] {
        let a = DateTime::parse_from_rfc3339(original[key].as_str().unwrap()).unwrap();
        let b = DateTime::parse_from_rfc3339(encoded[key].as_str().unwrap()).unwrap();
        assert_eq!(a, b, "{key}");
        encoded[key] = original[key].clone();
    }
    assert_eq!(encoded["DateAdded"], original["DateAdded"]);
    assert_eq!(encoded, original);
}

#[test]
fn empty_object_decodes_to_default() {
    let p = WebhookPayload::from_str("{}").unwrap();
    assert_eq!(p, WebhookPayload::default());
    assert_eq!(p.event(), None);
    assert_eq!(p.custom_fields(), [None; 10]);
    assert_eq!(serde_json::to_string(&p).unwrap(), "{}");
}

#[test]
fn nulls_everywhere_decode_to_none() {
    let original: Value = serde_json::from_str(SAMPLE).unwrap();
    let nulls: serde_json::Map<String, Value> = original
        .as_object()
        .unwrap()
        .keys()
        .map(|k| (k.clone(), Value::Null))
        .collect();
    assert_eq!(nulls.len(), 41);
    let p = WebhookPayload::from_slice(&serde_json::to_vec(&nulls).unwrap()).unwrap();
    assert_eq!(p, WebhookPayload::default());
}

#[test]
fn nested_objects_tolerate_missing_and_null_fields() {
    let p = WebhookPayload::from_str(
        r#"{"LinkedInAccount": {"FirstName": null}, "MemberCampaigns": [{}, {"CampaignName": null, "CampaignId": 7}]}"#,
    )
    .unwrap();
    let account = p.linked_in_account.unwrap();
    assert_eq!(account.first_name, None);
    assert_eq!(account.username, None);
    let campaigns = p.member_campaigns.unwrap();
    assert_eq!(campaigns[0].campaign_name, None);
    assert_eq!(campaigns[1].campaign_id, Some(7));
}

#[test]
fn unknown_fields_are_kept_and_reencoded() {
    let body = json!({
        "FirstName": "John",
        "Seniority": {"Level": 3},
        "Tags": ["a", "b"],
        "LinkedInAccount": {"Username": "bob@example.com", "AccountId": 11},
        "MemberCampaigns": [{"CampaignName": "X", "StartedAt": "2024-01-01"}]
    });
    let p = WebhookPayload::from_slice(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(p.first_name.as_deref(), Some("John"));
    assert_eq!(p.extra.len(), 2);
    assert_eq!(p.extra["Seniority"], json!({"Level": 3}));
    assert_eq!(p.extra["Tags"], json!(["a", "b"]));
    assert_eq!(
        p.linked_in_account.as_ref().unwrap().extra["AccountId"],
        json!(11)
    );
    assert_eq!(
        p.member_campaigns.as_ref().unwrap()[0].extra["StartedAt"],
        json!("2024-01-01")
    );
    assert_eq!(serde_json::to_value(&p).unwrap(), body);
}

#[test]
fn unknown_integration_run_on_is_kept_and_reencoded() {
    let body = r#"{"IntegrationRunOn":"INTEGRATION_RUN_ON_ZZ_NOT_A_VALUE","IntegrationType":"INTEGRATION_TYPE_SMS"}"#;
    let p = WebhookPayload::from_str(body).unwrap();
    assert_eq!(
        p.integration_run_on.as_deref(),
        Some("INTEGRATION_RUN_ON_ZZ_NOT_A_VALUE")
    );
    assert_eq!(
        p.integration_type,
        Some(IntegrationType::Unknown("INTEGRATION_TYPE_SMS".to_owned()))
    );
    assert_eq!(p.event(), None);
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"IntegrationType":"INTEGRATION_TYPE_SMS","IntegrationRunOn":"INTEGRATION_RUN_ON_ZZ_NOT_A_VALUE"}"#
    );
}

#[test]
fn unknown_status_and_distance_are_kept() {
    let p = WebhookPayload::from_str(
        r#"{"Status":"MEMBER_CONNECTED, MEMBER_SNOOZED","Distance":"DISTANCE_4"}"#,
    )
    .unwrap();
    let status = p.status.as_ref().unwrap();
    assert_eq!(status.flags(), MemberFlags::CONNECTED);
    assert_eq!(status.unknown_names(), ["MEMBER_SNOOZED"]);
    assert_eq!(p.distance, Some(Distance::Unknown("DISTANCE_4".to_owned())));
}

#[test]
fn dates_accept_the_dotnet_form_and_no_offset() {
    let p = WebhookPayload::from_str(
        r#"{"DateAdded":"\/Date(1613662424590)\/","ConnectedAt":"2021-02-18T16:33:44.59"}"#,
    )
    .unwrap();
    assert_eq!(
        p.date_added,
        Some(utc(2021, 2, 18, 15, 33, 44, 590_000_000))
    );
    assert_eq!(
        p.connected_at,
        Some(utc(2021, 2, 18, 16, 33, 44, 590_000_000))
    );
    let encoded = serde_json::to_value(&p).unwrap();
    assert_eq!(encoded["DateAdded"], "2021-02-18T15:33:44.590Z");
}

#[test]
fn a_bad_date_is_kept_raw_not_a_panic() {
    let p = WebhookPayload::from_str(r#"{"DateAdded":"yesterday","FirstName":"Ann"}"#).unwrap();
    assert_eq!(p.date_added, None);
    assert_eq!(p.extra["DateAdded"], "yesterday");
    assert_eq!(p.first_name.as_deref(), Some("Ann"));
}

/// One odd value fails only itself: a field whose value has an unexpected shape is `None`,
/// its raw value is in `extra` under its own name, and everything else decodes.
#[test]
fn a_value_of_an_unexpected_shape_fails_only_itself() {
    for (field, odd) in [
        ("MemberId", json!("abc")),
        ("MemberId", json!(1.5)),
        ("MemberId", json!({"Id": 7})),
        ("BirthdayYear", json!(99_999_999_999_i64)),
        ("HasReply", json!("yes")),
        ("FirstName", json!({"Given": "Ann"})),
        ("FirstName", json!(["Ann"])),
        ("FirstName", json!(12)),
        ("Status", json!("MEMBER_PENDING,,MEMBER_ERROR")),
        ("Status", json!(true)),
        ("Distance", json!(true)),
        ("ConnectedAt", json!(true)),
        ("LinkedInAccount", json!("bob")),
        ("LinkedInAccount", json!(5)),
        ("MemberCampaigns", json!("none")),
        ("MemberCampaigns", json!({"CampaignName": "X"})),
    ] {
        let mut body: Value = serde_json::from_str(SAMPLE).unwrap();
        body[field] = odd.clone();
        let bytes = serde_json::to_vec(&body).unwrap();
        let p =
            WebhookPayload::from_slice(&bytes).unwrap_or_else(|e| panic!("{field} = {odd}: {e}"));
        assert_eq!(p.extra.len(), 1, "{field} = {odd}: {:?}", p.extra);
        assert_eq!(p.extra[field], odd, "{field}");
        // The rest is the sample's.
        let sample = WebhookPayload::from_str(SAMPLE).unwrap();
        let mut without = serde_json::to_value(&p).unwrap();
        let mut expected = serde_json::to_value(&sample).unwrap();
        without.as_object_mut().unwrap().remove(field);
        expected.as_object_mut().unwrap().remove(field);
        assert_eq!(without, expected, "{field} = {odd}");
        // Written back as received, and read again the same way.
        let again = WebhookPayload::from_slice(&serde_json::to_vec(&p).unwrap()).unwrap();
        assert_eq!(again, p, "{field} = {odd}");
    }
    // Nested objects too: the odd field of the second campaign only.
    let p = WebhookPayload::from_str(
        r#"{"MemberCampaigns": [{"CampaignName": "A", "CampaignId": 1}, {"CampaignName": {"x": 1}, "CampaignId": 2}]}"#,
    )
    .unwrap();
    let campaigns = p.member_campaigns.unwrap();
    assert_eq!(campaigns[0].campaign_name.as_deref(), Some("A"));
    assert_eq!(campaigns[1].campaign_name, None);
    assert_eq!(campaigns[1].campaign_id, Some(2));
    assert_eq!(campaigns[1].extra["CampaignName"], json!({"x": 1}));
}

#[test]
fn a_field_twice_is_an_error_even_when_one_is_odd() {
    for body in [
        r#"{"FirstName": "A", "FirstName": "B"}"#,
        r#"{"FirstName": 1, "FirstName": "B"}"#,
        r#"{"FirstName": "A", "FirstName": 1}"#,
    ] {
        let err = WebhookPayload::from_str(body).unwrap_err();
        assert!(
            err.to_string().contains("invalid webhook payload"),
            "{body}: {err}"
        );
    }
}

#[test]
fn malformed_json_is_an_error_with_a_position() {
    for (body, line, column) in [
        ("{\"FirstName\": \"John\",\n \"LastName\": }", 2, 14),
        ("{\"FirstName\": \"John\"", 1, 20),
        ("", 1, 0),
    ] {
        match WebhookPayload::from_str(body) {
            Err(PayloadError::Json {
                line: l, column: c, ..
            }) => assert_eq!((l, c), (line, column), "{body:?}"),
            other => panic!("{body:?}: {other:?}"),
        }
    }
    for body in [
        &b"[]"[..],
        b"null",
        b"42",
        b"\"text\"",
        b"\xff\xfe",
        br#"{"MemberId": }"#,
        br#"{"MemberCampaigns": [5]}"#,
    ] {
        let err = WebhookPayload::from_slice(body).unwrap_err();
        assert!(
            matches!(err, PayloadError::Json { .. }),
            "{body:?}: {err:?}"
        );
        assert!(!err.to_string().is_empty());
        assert!(std::error::Error::source(&err).is_some());
    }
}

#[test]
fn oversize_body_is_rejected_before_parsing() {
    let mut body = vec![b' '; MAX_PAYLOAD_BYTES - 2];
    body.splice(0..0, *b"{}");
    assert_eq!(body.len(), MAX_PAYLOAD_BYTES);
    assert!(WebhookPayload::from_slice(&body).is_ok());

    body.push(b' ');
    let err = WebhookPayload::from_slice(&body).unwrap_err();
    assert!(
        matches!(err, PayloadError::TooLarge { len, limit } if len == MAX_PAYLOAD_BYTES + 1 && limit == MAX_PAYLOAD_BYTES),
        "{err:?}"
    );

    let err = WebhookPayload::from_slice_with_limit(SAMPLE.as_bytes(), 100).unwrap_err();
    assert!(matches!(err, PayloadError::TooLarge { limit: 100, .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "webhook payload of {} bytes exceeds the limit of 100 bytes",
            SAMPLE.len()
        )
    );
}

#[test]
fn from_str_trait_and_inherent_agree() {
    let a: WebhookPayload = SAMPLE.parse().unwrap();
    let b = WebhookPayload::from_str(SAMPLE).unwrap();
    assert_eq!(a, b);
}

#[test]
fn payload_built_by_mutation_round_trips() {
    let mut p = WebhookPayload::default();
    p.member_id = Some(46_875_434);
    p.status = Some(MemberStatus::from_flags(
        MemberFlags::PENDING | MemberFlags::ERROR,
    ));
    p.extra.insert("New".to_owned(), json!(1));
    let text = serde_json::to_string(&p).unwrap();
    assert_eq!(
        text,
        r#"{"MemberId":46875434,"Status":"MEMBER_PENDING, MEMBER_ERROR","New":1}"#
    );
    assert_eq!(WebhookPayload::from_str(&text).unwrap(), p);
}

#[test]
fn the_default_limit_is_one_mebibyte_exactly() {
    assert_eq!(MAX_PAYLOAD_BYTES, 1_048_576);
    let mut body = vec![b' '; 1_048_576];
    body[0] = b'{';
    body[1_048_575] = b'}';
    assert!(WebhookPayload::from_slice(&body).is_ok());
    body.insert(1, b' ');
    let err = WebhookPayload::from_slice(&body).unwrap_err();
    assert!(
        matches!(
            err,
            PayloadError::TooLarge {
                len: 1_048_577,
                limit: 1_048_576
            }
        ),
        "{err:?}"
    );
}

#[test]
fn decoding_from_a_value_gives_the_same_payload_as_from_text() {
    // A receiver may hold the body as a `serde_json::Value` already (a web framework's JSON
    // extractor). serde then hands over each field name as an owned string, a path of the
    // decoder that text never takes. The sample sets every documented field, nested ones too.
    let from_text: WebhookPayload = serde_json::from_str(SAMPLE).unwrap();
    let value: Value = serde_json::from_str(SAMPLE).unwrap();
    let from_value: WebhookPayload = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(from_value, from_text);
    assert!(from_value.extra.is_empty(), "{:?}", from_value.extra);
    let account = from_value.linked_in_account.as_ref().unwrap();
    assert!(account.extra.is_empty(), "{:?}", account.extra);
    let campaign = &from_value.member_campaigns.as_ref().unwrap()[0];
    assert!(campaign.extra.is_empty(), "{:?}", campaign.extra);

    // Unknown fields take the same path: kept, at every level.
    let mut with_unknown = value;
    with_unknown["Seniority"] = json!(3);
    with_unknown["LinkedInAccount"]["AccountId"] = json!(11);
    with_unknown["MemberCampaigns"][0]["StartedAt"] = json!("2024-01-01");
    // Not in the sample, documented as read when sent.
    with_unknown["MemberCampaigns"][0]["CampaignId"] = json!(5);
    let p: WebhookPayload = serde_json::from_value(with_unknown.clone()).unwrap();
    assert_eq!(p.extra["Seniority"], json!(3));
    let account = p.linked_in_account.as_ref().unwrap();
    assert_eq!(account.extra["AccountId"], json!(11));
    assert_eq!(account.username.as_deref(), Some("bob@example.com"));
    let campaign = &p.member_campaigns.as_ref().unwrap()[0];
    assert_eq!(campaign.extra["StartedAt"], json!("2024-01-01"));
    assert_eq!(campaign.campaign_name.as_deref(), Some("Test campaign"));
    assert_eq!(campaign.campaign_id, Some(5));
    assert!(!campaign.extra.contains_key("CampaignId"));
}

#[test]
fn a_value_of_the_wrong_type_says_what_was_expected() {
    // What a receiver logs when a sender posts something else: each object names itself.
    let expect = |body: &str, expected: &str| {
        let message = serde_json::from_str::<WebhookPayload>(body)
            .unwrap_err()
            .to_string();
        assert!(message.contains(expected), "{body}: {message}");
    };
    expect("[]", "expected a WebhookPayload object");
    // An item of an array that is not of the item's kind cannot be kept: the array was
    // half read.
    expect(
        r#"{"MemberCampaigns": [5]}"#,
        "expected a MemberCampaign object",
    );
    // A nested object alone, or read strictly (as the mock reads), names itself too.
    let account = serde_json::from_value::<salesflow_webhook_types::LinkedInAccount>(json!(5))
        .unwrap_err()
        .to_string();
    assert!(
        account.contains("expected a LinkedInAccount object"),
        "{account}"
    );
    let strict = salesflow_webhook_types::lenient::strict(|| {
        serde_json::from_str::<WebhookPayload>(r#"{"LinkedInAccount": "Bob"}"#)
    })
    .unwrap_err()
    .to_string();
    assert!(
        strict.contains("expected a LinkedInAccount object"),
        "{strict}"
    );
    // Optional fields keep the value raw; the type's own decoder still says what it wants.
    let distance = serde_json::from_value::<salesflow_webhook_types::Distance>(json!(true))
        .unwrap_err()
        .to_string();
    assert!(
        distance.contains("expected a string (Distance)"),
        "{distance}"
    );
    let status = serde_json::from_value::<MemberStatus>(json!(true))
        .unwrap_err()
        .to_string();
    assert!(
        status.contains("expected a member status: names such as"),
        "{status}"
    );
    let run_on = serde_json::from_str::<RunOn>("true")
        .unwrap_err()
        .to_string();
    assert!(
        run_on.contains("expected a webhook event: an integer code or a name"),
        "{run_on}"
    );
}
