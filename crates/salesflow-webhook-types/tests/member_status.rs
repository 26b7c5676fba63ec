//! `MemberStatus`: the .NET flags enum.

use salesflow_webhook_types::{MemberFlags, MemberStatus, ParseMemberStatusError};
use serde_json::json;

fn parse(s: &str) -> MemberStatus {
    s.parse().unwrap()
}

fn decode(v: serde_json::Value) -> MemberStatus {
    serde_json::from_value(v).unwrap()
}

#[test]
fn flag_values_match_the_reference() {
    let expected = [
        (MemberFlags::PENDING, 1),
        (MemberFlags::INVITATION_SENT, 2),
        (MemberFlags::CONNECTED, 4),
        (MemberFlags::DISCONNECTED, 8),
        (MemberFlags::DELETED, 16),
        (MemberFlags::IMPORTED, 32),
        (MemberFlags::INVITATION_WITHDRAWN, 64),
        (MemberFlags::ERROR, 1024),
        (MemberFlags::DUPLICATE, 2048),
    ];
    for (flag, bits) in expected {
        assert_eq!(flag.bits(), bits);
    }
    assert_eq!(MemberFlags::NOT_SET, MemberFlags::empty());
    assert_eq!(MemberFlags::all().bits(), 127 + 1024 + 2048);
}

#[test]
fn dotnet_form() {
    let s = parse("MEMBER_PENDING, MEMBER_ERROR");
    assert_eq!(s.flags(), MemberFlags::PENDING | MemberFlags::ERROR);
    assert!(s.unknown_names().is_empty());
    assert!(s.is_error());
    assert!(!s.is_duplicate());
    assert!(s.contains(MemberFlags::PENDING));
    assert!(!s.contains(MemberFlags::PENDING | MemberFlags::CONNECTED));
}

#[test]
fn whitespace_tolerant() {
    assert_eq!(
        parse("  MEMBER_DUPLICATE ,MEMBER_IMPORTED,\tMEMBER_ERROR\n"),
        MemberStatus::from(MemberFlags::DUPLICATE | MemberFlags::IMPORTED | MemberFlags::ERROR)
    );
}

#[test]
fn single_name() {
    let s = parse("MEMBER_CONNECTED");
    assert_eq!(s, MemberStatus::from_flags(MemberFlags::CONNECTED));
    assert!(s.contains(MemberFlags::CONNECTED));
}

#[test]
fn not_set() {
    let s = parse("MEMBER_NOT_SET");
    assert!(s.flags().is_empty());
    assert!(s.unknown_names().is_empty());
    assert_eq!(s, MemberStatus::default());
    assert_eq!(s.to_string(), "MEMBER_NOT_SET");
    assert_eq!(serde_json::to_value(&s).unwrap(), json!("MEMBER_NOT_SET"));
    assert_eq!(decode(json!("MEMBER_NOT_SET")), s);
    assert_eq!(decode(json!(0)), s);
    assert_eq!(parse("0"), s);
}

#[test]
fn integer_json_and_integer_string() {
    let expected = MemberStatus::from_flags(MemberFlags::PENDING | MemberFlags::ERROR);
    assert_eq!(decode(json!(1025)), expected);
    assert_eq!(decode(json!("1025")), expected);
    assert_eq!(parse(" 1025 "), expected);
    assert_eq!(expected.to_string(), "MEMBER_PENDING, MEMBER_ERROR");
}

#[test]
fn json_string_forms() {
    assert_eq!(
        decode(json!("MEMBER_PENDING, MEMBER_ERROR")),
        parse("MEMBER_PENDING, MEMBER_ERROR")
    );
    assert_eq!(
        decode(json!("MEMBER_CONNECTED")).flags(),
        MemberFlags::CONNECTED
    );
}

#[test]
fn unknown_name_is_kept_and_reencoded() {
    let s = decode(json!("MEMBER_CONNECTED, MEMBER_SNOOZED"));
    assert_eq!(s.flags(), MemberFlags::CONNECTED);
    assert_eq!(s.unknown_names(), ["MEMBER_SNOOZED"]);
    assert_eq!(
        serde_json::to_value(&s).unwrap(),
        json!("MEMBER_CONNECTED, MEMBER_SNOOZED")
    );

    let only_unknown = parse("MEMBER_FOLLOWED_UP");
    assert!(only_unknown.flags().is_empty());
    assert_eq!(only_unknown.to_string(), "MEMBER_FOLLOWED_UP");
    assert_ne!(only_unknown, MemberStatus::default());
}

#[test]
fn unknown_names_are_sorted_and_deduplicated() {
    let s = parse("MEMBER_Z, MEMBER_PENDING, MEMBER_A, MEMBER_Z");
    assert_eq!(s.unknown_names(), ["MEMBER_A", "MEMBER_Z"]);
    assert_eq!(s.to_string(), "MEMBER_PENDING, MEMBER_A, MEMBER_Z");
    assert_eq!(s, parse("MEMBER_A, MEMBER_Z, MEMBER_PENDING"));
}

#[test]
fn names_are_case_sensitive() {
    let s = parse("member_pending");
    assert!(s.flags().is_empty());
    assert_eq!(s.unknown_names(), ["member_pending"]);
}

#[test]
fn unknown_bit_is_kept() {
    let s = decode(json!(4096 + 4));
    assert_eq!(s.flags().bits(), 4100);
    assert!(s.contains(MemberFlags::CONNECTED));
    assert_eq!(s.to_string(), "MEMBER_CONNECTED, 4096");
    assert_eq!(parse(&s.to_string()), s);

    let mixed = parse("MEMBER_PENDING, MEMBER_SNOOZED, 4096, 8192");
    assert_eq!(mixed.flags().bits(), 1 + 4096 + 8192);
    assert_eq!(mixed.to_string(), "MEMBER_PENDING, MEMBER_SNOOZED, 12288");
    assert_eq!(parse(&mixed.to_string()), mixed);
}

#[test]
fn encoding_order_is_ascending_bits_then_unknown_names_then_leftover_bits() {
    let s = MemberStatus::from_flags(MemberFlags::from_bits_retain(
        MemberFlags::DUPLICATE.bits()
            | MemberFlags::ERROR.bits()
            | MemberFlags::INVITATION_WITHDRAWN.bits()
            | MemberFlags::PENDING.bits()
            | (1 << 20),
    ));
    assert_eq!(
        s.to_string(),
        "MEMBER_PENDING, MEMBER_INVITATION_WITHDRAWN, MEMBER_ERROR, MEMBER_DUPLICATE, 1048576"
    );
    let all = MemberStatus::from_flags(MemberFlags::all());
    assert_eq!(
        all.to_string(),
        "MEMBER_PENDING, MEMBER_INVITATION_SENT, MEMBER_CONNECTED, MEMBER_DISCONNECTED, \
         MEMBER_DELETED, MEMBER_IMPORTED, MEMBER_INVITATION_WITHDRAWN, MEMBER_ERROR, \
         MEMBER_DUPLICATE"
    );
}

#[test]
fn round_trips() {
    for text in [
        "MEMBER_NOT_SET",
        "MEMBER_PENDING",
        "MEMBER_PENDING, MEMBER_ERROR",
        "MEMBER_CONNECTED, MEMBER_X",
        "MEMBER_X",
        "MEMBER_DELETED, 4096",
        "MEMBER_X, 4294967295",
    ] {
        let s = parse(text);
        let json = serde_json::to_string(&s).unwrap();
        let back: MemberStatus = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s, "{text}");
        assert_eq!(parse(&s.to_string()), s, "{text}");
    }
}

#[test]
fn malformed_input_is_an_error() {
    assert_eq!(
        "".parse::<MemberStatus>(),
        Err(ParseMemberStatusError::Empty)
    );
    assert_eq!(
        "  ".parse::<MemberStatus>(),
        Err(ParseMemberStatusError::Empty)
    );
    assert_eq!(
        "MEMBER_PENDING,,MEMBER_ERROR".parse::<MemberStatus>(),
        Err(ParseMemberStatusError::EmptyName { position: 1 })
    );
    assert_eq!(
        "MEMBER_PENDING, ".parse::<MemberStatus>(),
        Err(ParseMemberStatusError::EmptyName { position: 1 })
    );
    assert_eq!(
        "4294967296".parse::<MemberStatus>(),
        Err(ParseMemberStatusError::OutOfRange {
            value: "4294967296".to_owned()
        })
    );
    assert!(matches!(
        "-1".parse::<MemberStatus>(),
        Err(ParseMemberStatusError::OutOfRange { .. })
    ));
    for bad in [
        json!(-1),
        json!(4_294_967_296_u64),
        json!(1.5),
        json!(true),
        json!(null),
        json!([]),
        json!(""),
        json!(","),
    ] {
        assert!(
            serde_json::from_value::<MemberStatus>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn error_messages() {
    assert_eq!(
        ParseMemberStatusError::EmptyName { position: 2 }.to_string(),
        "member status has an empty name at position 2"
    );
}

#[test]
fn duplicate_and_error_are_read_from_their_own_flag() {
    let none = MemberStatus::from_flags(MemberFlags::empty());
    assert!(!none.is_duplicate() && !none.is_error());
    let dup = MemberStatus::from_flags(MemberFlags::DUPLICATE);
    assert!(dup.is_duplicate() && !dup.is_error());
    let err = MemberStatus::from_flags(MemberFlags::ERROR);
    assert!(err.is_error() && !err.is_duplicate());
    let both: MemberStatus = "MEMBER_DUPLICATE, MEMBER_ERROR".parse().unwrap();
    assert!(both.is_duplicate() && both.is_error());
}

#[test]
fn flags_convert_both_ways() {
    let flags = MemberFlags::PENDING | MemberFlags::ERROR;
    let status = MemberStatus::from(flags);
    assert_eq!(status.flags(), flags);
    assert_eq!(MemberFlags::from(status), flags);
    let parsed: MemberStatus = "MEMBER_CONNECTED, MEMBER_SNOOZED".parse().unwrap();
    assert_eq!(MemberFlags::from(parsed), MemberFlags::CONNECTED);
}
