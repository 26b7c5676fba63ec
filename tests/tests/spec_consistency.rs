//! The spec and the hand-written types agree.
//!
//! - The spec says exactly what the decoders accept: every string a schema's `pattern` admits
//!   decodes with the Rust type that schema maps to (strings generated from the patterns read
//!   from `spec/salesflow.yaml`). Prism's dynamic mode (`.ci/prism-check`) checks the same
//!   thing end to end, through the SDK.
//! - The schemas mapped onto hand-written types (`REPLACEMENTS` in `xtask/src/codegen.rs`)
//!   cannot drift from them: the forward-compatible enums know exactly the spec's values, and
//!   the webhook payload has exactly the spec's properties.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::string::string_regex;
use salesflow::{AccountStatus, CampaignStatus, DotNetDate, FlexibleDate, MemberStatus, RunOn};

fn spec() -> serde_yaml::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/salesflow.yaml");
    let text = std::fs::read_to_string(path).expect("the spec is readable");
    serde_yaml::from_str(&text).expect("the spec is YAML")
}

/// The `pattern` of component schema `name`, without its anchors (the generator matches the
/// whole string).
fn pattern(name: &str) -> String {
    unanchored(&spec()["components"]["schemas"][name]["pattern"], name)
}

/// The `pattern` of property `property` of component schema `name`, without its anchors.
fn property_pattern(name: &str, property: &str) -> String {
    unanchored(
        &spec()["components"]["schemas"][name]["properties"][property]["pattern"],
        &format!("{name}.{property}"),
    )
}

fn unanchored(pattern: &serde_yaml::Value, what: &str) -> String {
    let pattern = pattern
        .as_str()
        .unwrap_or_else(|| panic!("{what} has a pattern"));
    pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .unwrap_or(pattern)
        .to_owned()
}

fn strategy(name: &str) -> impl Strategy<Value = String> {
    string_regex(&pattern(name)).expect("the spec's pattern is a regular expression")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_dotnet_date_the_spec_admits_decodes(text in strategy("DotNetDate")) {
        let json = serde_json::Value::String(text.clone());
        prop_assert!(serde_json::from_value::<DotNetDate>(json).is_ok(), "{text}");
    }

    #[test]
    fn every_flexible_date_the_spec_admits_decodes(text in strategy("FlexibleDate")) {
        let json = serde_json::Value::String(text.clone());
        prop_assert!(serde_json::from_value::<FlexibleDate>(json).is_ok(), "{text}");
    }

    #[test]
    fn every_member_status_the_spec_admits_decodes(text in strategy("MemberStatus")) {
        let json = serde_json::Value::String(text.clone());
        prop_assert!(serde_json::from_value::<MemberStatus>(json).is_ok(), "{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The mock refuses what the spec's pattern refuses (its generated request type checks
    /// it), so the pattern must only admit URLs the SDK accepts and sends.
    #[test]
    fn every_webhook_url_the_spec_admits_is_one_the_sdk_sends(
        url in string_regex(&property_pattern("CreateWebhookRequest", "Url")).expect("a regex")
    ) {
        prop_assume!(url.chars().count() <= 511);
        let checked = salesflow::ops::CreateWebhook::new("hook", url.clone()).validate();
        prop_assert!(checked.is_ok(), "{url}: {checked:?}");
    }
}

/// The patterns are not vacuous: they refuse what the decoders refuse.
#[test]
fn the_patterns_refuse_what_the_decoders_refuse() {
    let matches = |name: &str, text: &str| {
        regex::Regex::new(&format!("^(?:{})$", pattern(name)))
            .expect("the spec's pattern is a regular expression")
            .is_match(text)
    };
    assert!(matches("DotNetDate", "/Date(1618336539820)/"));
    assert!(matches("DotNetDate", "/Date(1618336539820-0500)/"));
    assert!(!matches("DotNetDate", "/Date(1618336539820+2400)/"));
    assert!(!matches("DotNetDate", "/Date(1618336539820+0060)/"));
    assert!(serde_json::from_str::<DotNetDate>("\"/Date(1618336539820+2400)/\"").is_err());
    assert!(matches("FlexibleDate", "2021-02-18T15:33:44.5905705+00:00"));
    assert!(matches("FlexibleDate", "2021-02-18"));
    assert!(matches("FlexibleDate", "/Date(1618336539820)/"));
    assert!(!matches("FlexibleDate", "2021-02-31"));
    assert!(!matches("FlexibleDate", "yesterday"));
    assert!(matches("MemberStatus", "MEMBER_PENDING, MEMBER_ERROR"));
    assert!(!matches("MemberStatus", ""));
    assert!(!matches("MemberStatus", "MEMBER_PENDING,,MEMBER_ERROR"));
    assert!(serde_json::from_str::<MemberStatus>("\"MEMBER_PENDING,,MEMBER_ERROR\"").is_err());
    let url = |text: &str| {
        regex::Regex::new(&format!(
            "^(?:{})$",
            property_pattern("CreateWebhookRequest", "Url")
        ))
        .expect("the spec's pattern is a regular expression")
        .is_match(text)
    };
    assert!(url("https://crm.example.com/hooks/salesflow?x=1"));
    assert!(url(
        "http://127.0.0.1:8080/salesflow/s3cret/member-connected"
    ));
    for refused in [
        "0",
        "ftp://example.com/",
        "http://999",
        "http://1.2.3.400",
        "http://a b",
        "https://159.134.252.255:65530#>07",
        "http://a/%zz",
    ] {
        assert!(!url(refused), "{refused}");
        assert!(
            salesflow::ops::CreateWebhook::new("hook", refused)
                .validate()
                .is_err(),
            "{refused}"
        );
    }
}

/// The `enum` values of the first `anyOf` branch of schema `name` (how the spec writes an
/// open enum: the known values, or any other value).
fn known_values(name: &str) -> Vec<String> {
    let spec = spec();
    spec["components"]["schemas"][name]["anyOf"][0]["enum"]
        .as_sequence()
        .unwrap_or_else(|| panic!("schema {name} lists its known values"))
        .iter()
        .map(|v| match v {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap().trim().to_owned(),
        })
        .collect()
}

#[test]
fn the_open_enums_know_exactly_the_spec_values() {
    let names = |values: &[&str]| values.iter().map(|v| v.to_string()).collect::<Vec<_>>();
    assert_eq!(
        known_values("CampaignStatus"),
        names(
            &CampaignStatus::KNOWN
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        known_values("AccountStatus"),
        names(
            &AccountStatus::KNOWN
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        known_values("RunOn"),
        RunOn::KNOWN
            .iter()
            .map(|r| r.code().to_string())
            .collect::<Vec<_>>()
    );
}

fn keys(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn yaml_keys(value: &serde_yaml::Value) -> BTreeSet<String> {
    value
        .as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_webhook_payload_has_exactly_the_spec_properties() {
    let spec = spec();
    let in_spec = &spec["components"]["schemas"]["WebhookPayload"]["properties"];
    let schema = salesflow_webhook_types::webhook_payload_schema();
    assert_eq!(keys(&schema["properties"]), yaml_keys(in_spec));
    // Nested objects too.
    let defs = &schema["$defs"];
    assert_eq!(
        keys(&defs["LinkedInAccount"]["properties"]),
        yaml_keys(&in_spec["LinkedInAccount"]["properties"])
    );
    assert_eq!(
        keys(&defs["MemberCampaign"]["properties"]),
        yaml_keys(&in_spec["MemberCampaigns"]["items"]["properties"])
    );
}
