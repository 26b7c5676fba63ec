//! The hand-written side of the per-call benchmark (`benches/per_call.rs`).

use salesflow_webhook_types::{AccountId, CampaignId, FlexibleDate, MemberId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A ListContacts item as a user would decode it by hand with `serde`: the baseline the
/// per-call benchmark compares the SDK with.
///
/// Why it exists beside the generated `salesflow::Contact`: the benchmark measures what the
/// SDK's layers cost (its `Call`, validation, retries, tracing span, error mapping, and a
/// `Contact` that also keeps the fields it does not know in `extra`) over the least a user
/// could write for the same request. That least is a plain struct with the same fields, the
/// same types (`MemberId`, `FlexibleDate`) and nothing else; using the generated type on both
/// sides would hide the cost of the generated type itself.
///
/// It is written by hand on purpose, so it could drift from the spec: the test
/// `hand_contact_has_the_properties_of_the_spec_contact` (in this crate) fails if it
/// (de)serializes a property the spec's `Contact` schema does not have (a field the vendor
/// removed or renamed: remove it here), so that the baseline never decodes more than the SDK.
/// A property the spec adds later is decoded by the SDK only until someone adds it here: the
/// comparison is then, if anything, unfavourable to the SDK, and a spec edit stays the only
/// edit a new field needs.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandContact {
    /// `MemberId`.
    pub member_id: MemberId,
    /// `PublicIdentifier` (absent from ListContacts by campaignId).
    #[serde(default)]
    pub public_identifier: Option<String>,
    /// `FirstName`.
    #[serde(default)]
    pub first_name: Option<String>,
    /// `LastName`.
    #[serde(default)]
    pub last_name: Option<String>,
    /// `Location`.
    #[serde(default)]
    pub location: Option<String>,
    /// `Occupation`.
    #[serde(default)]
    pub occupation: Option<String>,
    /// `Industry`.
    #[serde(default)]
    pub industry: Option<String>,
    /// `Email`.
    #[serde(default)]
    pub email: Option<String>,
    /// `Phone`.
    #[serde(default)]
    pub phone: Option<String>,
    /// `Company`.
    #[serde(default)]
    pub company: Option<String>,
    /// `MemberUrl`.
    #[serde(default)]
    pub member_url: Option<String>,
    /// `LastModifiedAt`.
    #[serde(default)]
    pub last_modified_at: Option<FlexibleDate>,
    /// `AddedAt`.
    #[serde(default)]
    pub added_at: Option<FlexibleDate>,
}

/// ListContacts by campaignId as a user would write it with reqwest and `serde`, from `url`
/// (the operation's URL): the baseline side of the per-call benchmarks.
///
/// # Panics
///
/// When the call fails: a benchmark has no other way to say so.
pub async fn list_contacts(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    account: AccountId,
    campaign: CampaignId,
) -> Vec<HandContact> {
    send_json(for_campaign(http.get(url), token, account, campaign)).await
}

/// `request` with what a hand-written call of an operation on `campaign` sends: JSON
/// accepted, the API version, and the campaign id, the token and the account id in the query.
pub fn for_campaign(
    request: reqwest::RequestBuilder,
    token: &str,
    account: AccountId,
    campaign: CampaignId,
) -> reqwest::RequestBuilder {
    let account = account.to_string();
    let campaign = campaign.to_string();
    request
        .header(reqwest::header::ACCEPT, "application/json")
        .header("api-version", salesflow::API_VERSION)
        .query(&[
            ("campaignId", campaign.as_str()),
            ("token", token),
            ("accountId", account.as_str()),
        ])
}

/// Sends `request` and decodes its success answer as `T`, as a user would with reqwest and
/// `serde`: the hand-written side of the benchmarks that compare a call with the SDK's.
///
/// # Panics
///
/// When the request is not answered, the answer is an HTTP error, or its body is not a `T`:
/// a benchmark has no other way to say so.
pub async fn send_json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    request
        .send()
        .await
        .expect("send")
        .error_for_status()
        .expect("status")
        .json::<T>()
        .await
        .expect("decode")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use salesflow_webhook_types::field_names;

    use super::HandContact;

    /// The property names of `schema` in `spec/salesflow.yaml`, and its example.
    fn spec_schema(schema: &str) -> (BTreeSet<String>, serde_json::Value) {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/salesflow.yaml");
        let text = std::fs::read_to_string(path).expect("spec/salesflow.yaml");
        let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("the spec is YAML");
        let schema = &spec["components"]["schemas"][schema];
        let properties = schema["properties"]
            .as_mapping()
            .expect("the schema has properties")
            .keys()
            .map(|k| k.as_str().expect("a property name").to_owned())
            .collect();
        let example = serde_json::to_value(&schema["example"]).expect("the example as JSON");
        (properties, example)
    }

    fn deserialized_fields<T: for<'de> serde::Deserialize<'de>>() -> BTreeSet<String> {
        field_names::<T>()
            .expect("a struct")
            .iter()
            .map(|f| (*f).to_owned())
            .collect()
    }

    #[test]
    fn hand_contact_has_the_properties_of_the_spec_contact() {
        let (properties, example) = spec_schema("Contact");
        assert!(properties.contains("MemberId"), "{properties:?}");

        let read = deserialized_fields::<HandContact>();
        let unknown: Vec<_> = read.difference(&properties).collect();
        assert!(
            unknown.is_empty(),
            "HandContact reads fields the spec's Contact does not have: {unknown:?}"
        );
        assert!(read.contains("MemberId"), "{read:?}");

        let written: BTreeSet<String> = serde_json::to_value(HandContact::default())
            .expect("serializes")
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            written, read,
            "HandContact writes other fields than it reads"
        );

        // And it decodes the spec's example, every field of which it knows.
        let contact: HandContact = serde_json::from_value(example.clone()).expect("decodes");
        assert_eq!(Some(contact.member_id.get()), example["MemberId"].as_i64());
        assert_eq!(
            contact.public_identifier.as_deref(),
            example["PublicIdentifier"].as_str()
        );
    }
}
