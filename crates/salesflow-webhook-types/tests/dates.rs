//! `DotNetDate` and `FlexibleDate`.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use salesflow_webhook_types::{DotNetDate, FlexibleDate, ParseDateError};
use serde_json::json;

const SAMPLE_MILLIS: i64 = 1_618_336_539_820;

fn sample_utc() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2021-04-13T17:55:39.820Z")
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn reference_sample() {
    let d: DotNetDate = "/Date(1618336539820)/".parse().unwrap();
    assert_eq!(d.to_utc(), sample_utc());
    assert_eq!(d.timestamp_millis(), SAMPLE_MILLIS);
    assert_eq!(d.as_datetime().offset().local_minus_utc(), 0);
    assert_eq!(d.to_string(), "/Date(1618336539820)/");
    assert_eq!(
        d.to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "2021-04-13T17:55:39.820Z"
    );
}

#[test]
fn offset_forms() {
    let zero: DotNetDate = "/Date(1618336539820+0000)/".parse().unwrap();
    assert_eq!(zero.to_utc(), sample_utc());
    assert_eq!(zero.to_string(), "/Date(1618336539820)/");

    let minus: DotNetDate = "/Date(1618336539820-0500)/".parse().unwrap();
    assert_eq!(minus.to_utc(), sample_utc(), "the millis are UTC");
    assert_eq!(minus.as_datetime().offset().local_minus_utc(), -5 * 3600);
    assert_eq!(
        minus.as_datetime().to_rfc3339(),
        "2021-04-13T12:55:39.820-05:00"
    );
    assert_eq!(minus.to_string(), "/Date(1618336539820-0500)/");

    let plus: DotNetDate = "/Date(1618336539820+0530)/".parse().unwrap();
    assert_eq!(
        plus.as_datetime().offset().local_minus_utc(),
        5 * 3600 + 1800
    );
    assert_eq!(plus.to_string(), "/Date(1618336539820+0530)/");
    assert_eq!(plus, minus, "equality compares instants");
}

#[test]
fn negative_millis() {
    let d: DotNetDate = "/Date(-1000)/".parse().unwrap();
    assert_eq!(
        d.to_utc(),
        Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap()
    );
    assert_eq!(d.timestamp_millis(), -1000);
    assert_eq!(d.to_string(), "/Date(-1000)/");
    let d: DotNetDate = "/Date(-1-0100)/".parse().unwrap();
    assert_eq!(d.timestamp_millis(), -1);
    assert_eq!(d.to_string(), "/Date(-1-0100)/");
}

#[test]
fn escaped_and_padded_forms() {
    let d: DotNetDate = " \\/Date(1618336539820)\\/ ".parse().unwrap();
    assert_eq!(d.to_utc(), sample_utc());
    let d: DotNetDate = serde_json::from_str(r#""\/Date(1618336539820)\/""#).unwrap();
    assert_eq!(d.to_utc(), sample_utc());
}

#[test]
fn garbage_is_an_error() {
    let malformed = [
        "/Date()/",
        "/Date(abc)/",
        "/Date(12",
        "/Date(12)",
        "/Date(-)/",
        "/Date(12+5)/",
        "/Date(12+05000)/",
        "/Date(12*0500)/",
        "/Date(12+2400)/",
        "/Date(12+0060)/",
        "/Date(12+05:00)/",
        "/Date(1 2)/",
    ];
    for text in malformed {
        assert!(
            matches!(
                text.parse::<DotNetDate>(),
                Err(ParseDateError::MalformedDotNet { .. })
            ),
            "{text}: {:?}",
            text.parse::<DotNetDate>()
        );
    }
    for text in [
        "yesterday",
        "2021-13-01",
        "2021-02-30",
        "1618336539820",
        "Date(1)",
        "T",
    ] {
        assert!(
            matches!(
                text.parse::<DotNetDate>(),
                Err(ParseDateError::Unrecognized { .. })
            ),
            "{text}"
        );
        assert!(text.parse::<FlexibleDate>().is_err(), "{text}");
    }
    assert_eq!("".parse::<DotNetDate>(), Err(ParseDateError::Empty));
    assert_eq!(" \t".parse::<FlexibleDate>(), Err(ParseDateError::Empty));
}

#[test]
fn huge_values_are_errors_not_panics() {
    for text in [
        "/Date(9223372036854775807)/",
        "/Date(-9223372036854775808)/",
        "/Date(99999999999999999999999)/",
    ] {
        assert!(
            matches!(
                text.parse::<DotNetDate>(),
                Err(ParseDateError::OutOfRange { .. })
            ),
            "{text}"
        );
    }
    let last = DateTime::<Utc>::MAX_UTC.timestamp_millis();
    assert!(DotNetDate::from_millis(last).is_some());
    assert!(DotNetDate::from_millis(last + 1).is_none());
    assert!(matches!(
        format!("/Date({})/", last + 1).parse::<DotNetDate>(),
        Err(ParseDateError::OutOfRange { .. })
    ));
    // Representable in UTC, but not with a positive offset on top.
    assert!(format!("/Date({last}+2300)/")
        .parse::<DotNetDate>()
        .is_err());
    assert!(format!("/Date({last}-2300)/").parse::<DotNetDate>().is_ok());
    assert!(DotNetDate::from_millis(i64::MAX).is_none());
    assert!(DotNetDate::from_millis(i64::MIN).is_none());
    assert!(serde_json::from_value::<DotNetDate>(json!(i64::MAX)).is_err());
    assert!(serde_json::from_value::<DotNetDate>(json!(u64::MAX)).is_err());
    let long = "9".repeat(10_000);
    assert!(format!("/Date({long})/").parse::<DotNetDate>().is_err());
    let err = long.parse::<FlexibleDate>().unwrap_err();
    assert!(err.to_string().len() < 200, "error messages are bounded");
}

#[test]
fn iso_is_accepted_by_dotnet_date() {
    let d: DotNetDate = "2021-04-13T17:55:39.820Z".parse().unwrap();
    assert_eq!(d.to_utc(), sample_utc());
    let d: DotNetDate = "2021-04-13T12:55:39.8201234-05:00".parse().unwrap();
    assert_eq!(d.timestamp_millis(), SAMPLE_MILLIS, "truncated to millis");
    assert_eq!(d.to_string(), "/Date(1618336539820-0500)/");
}

#[test]
fn flexible_date_accepts_both_forms() {
    let expected = DateTime::parse_from_rfc3339("2021-02-18T15:33:44.5905705+00:00").unwrap();
    let cases = [
        ("2021-02-18T15:33:44.5905705+00:00", expected),
        ("2021-02-18T15:33:44.5905705Z", expected),
        ("2021-02-18T15:33:44.5905705+0000", expected),
        ("2021-02-18 15:33:44.5905705+00:00", expected),
        ("2021-02-18T15:33:44.5905705", expected),
        (
            "2021-02-18T15:33:44.59",
            Utc.with_ymd_and_hms(2021, 2, 18, 15, 33, 44)
                .unwrap()
                .fixed_offset()
                + chrono::TimeDelta::milliseconds(590),
        ),
        (
            "2021-02-18T15:33:44",
            Utc.with_ymd_and_hms(2021, 2, 18, 15, 33, 44)
                .unwrap()
                .fixed_offset(),
        ),
        (
            "2021-02-18T15:33",
            Utc.with_ymd_and_hms(2021, 2, 18, 15, 33, 0)
                .unwrap()
                .fixed_offset(),
        ),
        (
            "2021-02-18",
            Utc.with_ymd_and_hms(2021, 2, 18, 0, 0, 0)
                .unwrap()
                .fixed_offset(),
        ),
        (
            "/Date(1613662424590)/",
            Utc.timestamp_millis_opt(1_613_662_424_590)
                .unwrap()
                .fixed_offset(),
        ),
    ];
    for (text, want) in cases {
        let got: FlexibleDate = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(got.as_datetime(), want, "{text}");
    }

    let with_offset: FlexibleDate = "2021-02-18T10:33:44-05:00".parse().unwrap();
    assert_eq!(
        with_offset.as_datetime().offset().local_minus_utc(),
        -5 * 3600
    );
    assert_eq!(with_offset.to_string(), "2021-02-18T10:33:44-05:00");
    let from_dotnet: FlexibleDate = "/Date(1613662424000-0500)/".parse().unwrap();
    assert_eq!(from_dotnet.to_string(), "2021-02-18T10:33:44-05:00");
}

#[test]
fn serialization_forms() {
    let d = DotNetDate::from_millis(SAMPLE_MILLIS).unwrap();
    assert_eq!(
        serde_json::to_value(d).unwrap(),
        json!("/Date(1618336539820)/")
    );
    let offset = FixedOffset::west_opt(5 * 3600).unwrap();
    let local = DotNetDate::new(d.as_datetime().with_timezone(&offset));
    assert_eq!(
        serde_json::to_value(local).unwrap(),
        json!("/Date(1618336539820-0500)/")
    );

    let f = FlexibleDate::from_millis(SAMPLE_MILLIS).unwrap();
    assert_eq!(
        serde_json::to_value(f).unwrap(),
        json!("2021-04-13T17:55:39.820Z")
    );
    assert_eq!(f.to_string(), "2021-04-13T17:55:39.820Z");
    let whole = FlexibleDate::from(Utc.with_ymd_and_hms(2021, 2, 18, 0, 0, 0).unwrap());
    assert_eq!(whole.to_string(), "2021-02-18T00:00:00Z");
    let nanos: FlexibleDate = "2021-02-18T15:33:44.5905705+00:00".parse().unwrap();
    assert_eq!(nanos.to_string(), "2021-02-18T15:33:44.590570500Z");

    for value in [
        json!("/Date(1618336539820)/"),
        json!("2021-04-13T17:55:39.82Z"),
        json!(SAMPLE_MILLIS),
    ] {
        let a: DotNetDate = serde_json::from_value(value.clone()).unwrap();
        let b: FlexibleDate = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(a.to_utc(), sample_utc(), "{value}");
        assert_eq!(b.to_utc(), sample_utc(), "{value}");
    }
    for bad in [json!(null), json!(true), json!(1.5), json!("x"), json!({})] {
        assert!(
            serde_json::from_value::<DotNetDate>(bad.clone()).is_err(),
            "{bad}"
        );
        assert!(
            serde_json::from_value::<FlexibleDate>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn conversions() {
    let d = DotNetDate::from_millis(SAMPLE_MILLIS).unwrap();
    let f = FlexibleDate::from(d);
    assert_eq!(f.timestamp_millis(), SAMPLE_MILLIS);
    assert_eq!(DotNetDate::from(f), d);
    assert_eq!(DateTime::<Utc>::from(d), sample_utc());
    assert_eq!(DateTime::<FixedOffset>::from(d), d.into_inner());
    assert_eq!(DotNetDate::from(sample_utc()), d);
    assert!(DotNetDate::from_millis(SAMPLE_MILLIS + 1).unwrap() > d);
}

#[test]
fn offsets_go_up_to_23_59_hours_and_no_further() {
    for (text, seconds) in [
        ("/Date(0+2359)/", 23 * 3600 + 59 * 60),
        ("/Date(0-2359)/", -(23 * 3600 + 59 * 60)),
        ("/Date(0+2300)/", 23 * 3600),
        ("/Date(0+0059)/", 59 * 60),
    ] {
        let d: DotNetDate = text.parse().unwrap();
        assert_eq!(
            d.as_datetime().offset().local_minus_utc(),
            seconds,
            "{text}"
        );
        assert_eq!(d.timestamp_millis(), 0);
    }
    for text in [
        "/Date(0+2400)/",
        "/Date(0+2360)/",
        "/Date(0-2400)/",
        "/Date(0+9900)/",
    ] {
        assert!(
            matches!(
                text.parse::<DotNetDate>(),
                Err(ParseDateError::MalformedDotNet { .. })
            ),
            "{text}"
        );
    }
}

#[test]
fn a_negative_integer_date_is_before_1970_not_the_epoch() {
    // JSON integers below zero reach the decoder by another path than those above it.
    let d: DotNetDate = serde_json::from_str("-1000").unwrap();
    assert_eq!(d.timestamp_millis(), -1000);
    assert_eq!(d.to_utc().to_rfc3339(), "1969-12-31T23:59:59+00:00");
    let f: FlexibleDate = serde_json::from_str("-86400000").unwrap();
    assert_eq!(f.to_string(), "1969-12-31T00:00:00Z");
    let p: FlexibleDate = serde_json::from_str("86400000").unwrap();
    assert_eq!(p.to_string(), "1970-01-02T00:00:00Z");
    // Out of range either way: a typed error naming the value, not a default date.
    for text in [
        "-9223372036854775808",
        "9223372036854775807",
        "18446744073709551615",
    ] {
        let err = serde_json::from_str::<DotNetDate>(text).unwrap_err();
        assert!(err.to_string().contains("DotNetDate"), "{text}: {err}");
    }
}

#[test]
fn an_offset_with_seconds_is_cut_to_whole_minutes() {
    // Neither wire form can carry offset seconds: they are dropped, the instant is kept.
    let instant = Utc.with_ymd_and_hms(2021, 4, 13, 17, 55, 39).unwrap();
    for (offset_seconds, suffix) in [(30, ""), (-30, ""), (3630, "+0100"), (-3630, "-0100")] {
        let offset = FixedOffset::east_opt(offset_seconds).unwrap();
        let date = DotNetDate::new(instant.with_timezone(&offset));
        assert_eq!(
            date.to_string(),
            format!("/Date(1618336539000{suffix})/"),
            "{offset_seconds}"
        );
        assert_eq!(date.to_utc(), instant);
        assert_eq!(
            date.as_datetime().offset().local_minus_utc() % 60,
            0,
            "{offset_seconds}"
        );
    }
}
