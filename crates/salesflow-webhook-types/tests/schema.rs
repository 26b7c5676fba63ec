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
    assert_eq!(properties.len(), 41);
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
    // The event name is kept as sent: a plain (nullable) string, no closed list.
    let run_on = &schema["properties"]["IntegrationRunOn"];
    assert!(run_on.get("enum").is_none(), "{run_on}");
    assert!(
        run_on["type"] == "string"
            || run_on["type"]
                .as_array()
                .is_some_and(|t| t.contains(&Value::from("string"))),
        "{run_on}"
    );
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

/// The generated `Deserialize` (src/generated/payload_de.rs) knows every field of the structs:
/// the schema comes from the structs themselves (schemars reads their serde attributes), and
/// each of its properties, sent alone, is read as a known field rather than kept in `extra`.
/// A field added to payload.rs without `cargo xtask codegen` fails here (its key lands in
/// `extra`).
#[test]
fn every_schema_property_is_a_known_field() {
    use salesflow_webhook_types::WebhookPayload;

    let schema = webhook_payload_schema();
    let names = |def: &Value| -> Vec<String> {
        def["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    for key in names(&schema) {
        let body = serde_json::json!({ key.as_str(): null }).to_string();
        let p = WebhookPayload::from_str(&body).unwrap();
        assert!(
            p.extra.is_empty(),
            "WebhookPayload.{key} is not read: {:?}",
            p.extra
        );
    }
    for key in names(definition(&schema, "LinkedInAccount")) {
        let body = serde_json::json!({ "LinkedInAccount": { key.as_str(): null } }).to_string();
        let account = WebhookPayload::from_str(&body)
            .unwrap()
            .linked_in_account
            .unwrap();
        assert!(
            account.extra.is_empty(),
            "LinkedInAccount.{key} is not read"
        );
    }
    for key in names(definition(&schema, "MemberCampaign")) {
        let body = serde_json::json!({ "MemberCampaigns": [{ key.as_str(): null }] }).to_string();
        let campaigns = WebhookPayload::from_str(&body)
            .unwrap()
            .member_campaigns
            .unwrap();
        assert!(
            campaigns[0].extra.is_empty(),
            "MemberCampaign.{key} is not read"
        );
    }
}
