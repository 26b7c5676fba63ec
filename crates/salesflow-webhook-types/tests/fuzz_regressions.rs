//! Inputs found by `cargo fuzz` (fuzz/fuzz_targets/), kept so they stay fixed. Each file under
//! tests/fixtures/fuzz/ must decode without a panic and, when it decodes, re-encode to an
//! equal value.

use salesflow_webhook_types::WebhookPayload;

#[test]
fn every_fuzz_finding_round_trips() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        seen += 1;
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
