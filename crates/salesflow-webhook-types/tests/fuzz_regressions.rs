//! Inputs found by `cargo fuzz` (fuzz/fuzz_targets/), kept so they stay fixed. Each file under
//! tests/fixtures/fuzz/ must decode without a panic (as a payload and as a date) and, when it
//! decodes, re-encode to an equal value.

use salesflow_webhook_types::WebhookPayload;

#[test]
fn every_fuzz_finding_round_trips() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        seen += 1;
        // Dates: whatever parses prints in a form that parses back to the same instant.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let Ok(date) = text.parse::<salesflow_webhook_types::FlexibleDate>() {
                let again: salesflow_webhook_types::FlexibleDate =
                    date.to_string().parse().unwrap();
                assert_eq!(date, again, "{}", path.display());
            }
        }
        if let Ok(payload) = WebhookPayload::from_slice(&bytes) {
            let encoded = serde_json::to_vec(&payload).unwrap();
            let again = WebhookPayload::from_slice(&encoded).unwrap();
            assert_eq!(payload, again, "{}", path.display());
        }
    }
    assert!(seen > 0, "no fuzz findings under {}", dir.display());
}

#[test]
fn a_large_float_in_an_unknown_field_is_kept_exactly() {
    // Found by the webhook_payload fuzz target: without serde_json's `float_roundtrip`, the
    // last digit of a float in `extra` changed between decode and re-encode.
    let payload = WebhookPayload::from_slice(br#"{"Score": 151019125940506810191259405}"#).unwrap();
    let encoded = serde_json::to_string(&payload).unwrap();
    let again = WebhookPayload::from_slice(encoded.as_bytes()).unwrap();
    assert_eq!(payload.extra["Score"], again.extra["Score"]);
}

#[test]
fn a_flexible_date_outside_years_0000_to_9999_reads_back() {
    use salesflow_webhook_types::FlexibleDate;
    // Found by the dotnet_date fuzz target: "-0001-08-8" parsed, but its RFC 3339 form
    // ("-0001-08-08T00:00:00Z") did not; then "-1600-08-1620:0:00.0816" lost its
    // sub-millisecond digits in the .NET form. ISO input is now read for years 0000-9999 only,
    // and a date outside them (from the .NET form) prints in the .NET form.
    for input in ["-0001-08-8", "-1600-08-1620:0:00.0816", "+10000-01-01"] {
        assert!(input.parse::<FlexibleDate>().is_err(), "{input}");
    }
    for input in [
        "/Date(-62198755200000)/",
        "/Date(253402300800000)/",
        "0000-01-01",
        "9999-12-31T23:59:59.999999999Z",
    ] {
        let date: FlexibleDate = input.parse().unwrap();
        let shown = date.to_string();
        let again: FlexibleDate = shown.parse().unwrap_or_else(|e| panic!("{shown}: {e}"));
        assert_eq!(date, again, "{input} -> {shown}");
    }
    // Ordinary years keep the ISO form.
    let date: FlexibleDate = "/Date(1618336539820)/".parse().unwrap();
    assert_eq!(date.to_string(), "2021-04-13T17:55:39.820Z");
}
