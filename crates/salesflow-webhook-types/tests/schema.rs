//! The payload's JSON Schema (feature `schemars`).
#![cfg(feature = "schemars")]

use salesflow_webhook_types::webhook_payload_schema;
use serde_json::Value;

const SAMPLE: &str = include_str!("fixtures/webhook_payload.json");

fn definition<'a>(schema: &'a Value, name: &str) -> &'a Value {
    &schema["$defs"][name]
}

#[test]
fn every_sample_field_is_a_property() {
    let schema = webhook_payload_schema();
    assert_eq!(schema["type"], "object");
    let properties = schema["properties"].as_object().unwrap();
    let sample: Value = serde_json::from_str(SAMPLE).unwrap();
    for key in sample.as_object().unwrap().keys() {
        assert!(
            properties.contains_key(key),
            "{key} missing from the schema"
        );
    }
    // The vendor's sample has every field the spec had when it was published; the spec may
    // have more since (`tests/tests/spec_consistency.rs` checks the schema against the spec).
    assert!(properties.len() >= sample.as_object().unwrap().len());
    assert!(
        schema.get("required").is_none()
            || schema["required"].as_array().is_some_and(Vec::is_empty),
        "no field is required"
    );
    assert_ne!(
        schema.get("additionalProperties"),
        Some(&Value::Bool(false)),
        "unknown properties are allowed"
    );
}

#[test]
fn open_enums_are_plain_strings_or_integers() {
    let schema = webhook_payload_schema();
    for name in [
        "IntegrationType",
        "Distance",
        "MemberStatus",
        "FlexibleDate",
    ] {
        let def = definition(&schema, name);
        assert_eq!(def["type"], "string", "{name}: {def}");
        assert!(
            def.get("enum").is_none(),
            "{name} must not be a closed enum"
        );
        assert!(def["description"].is_string(), "{name}");
    }
    // `IntegrationRunOn` is kept as sent: a plain optional string, not an enum.
    let run_on = &schema["properties"]["IntegrationRunOn"];
    assert_eq!(
        run_on["type"],
        serde_json::json!(["string", "null"]),
        "{run_on}"
    );
    assert!(run_on.get("enum").is_none() && run_on.get("$ref").is_none());
    let distance = definition(&schema, "Distance");
    assert!(distance["description"]
        .as_str()
        .unwrap()
        .contains("DISTANCE_OUT_OF_NETWORK"));
    assert!(distance["examples"]
        .as_array()
        .unwrap()
        .contains(&Value::from("DISTANCE_3")));
}

#[test]
fn schema_text_is_stable() {
    let a = serde_json::to_string_pretty(&webhook_payload_schema()).unwrap();
    let b = serde_json::to_string_pretty(&webhook_payload_schema()).unwrap();
    assert_eq!(a, b);
    assert!(a.contains("\"LinkedInMemberId\""));
    assert!(a.contains("\"MemberCampaign\""));
}

#[test]
fn descriptions_carry_no_rustdoc_links() {
    let text = webhook_payload_schema().to_string();
    assert!(!text.contains("[`"), "rustdoc link leaked into the schema");
    assert!(
        !text.contains("```"),
        "rustdoc example leaked into the schema"
    );
}

#[test]
fn dates_and_events_describe_their_wire_form() {
    // Neither is in the payload (its dates are FlexibleDate, its IntegrationRunOn the raw
    // name), but the API's requests and answers use them, so each schema stands on its own.
    let date =
        serde_json::to_value(schemars::schema_for!(salesflow_webhook_types::DotNetDate)).unwrap();
    assert_eq!(date["type"], "string", "{date}");
    assert!(
        date["description"]
            .as_str()
            .is_some_and(|d| d.contains("/Date(")),
        "{date}"
    );
    assert_eq!(
        date["examples"],
        serde_json::json!(["/Date(1618336539820)/"])
    );
    let run_on =
        serde_json::to_value(schemars::schema_for!(salesflow_webhook_types::RunOn)).unwrap();
    assert_eq!(run_on["type"], "integer", "{run_on}");
    let codes: Vec<i64> = salesflow_webhook_types::RunOn::KNOWN
        .iter()
        .map(|k| k.code())
        .collect();
    assert_eq!(run_on["examples"], serde_json::json!(codes));
}
