//! Every response body the SDK decodes: the generated types (with the shared types inside
//! them) and their conversion to the `salesflow` domain types. Arbitrary bytes must give a
//! value or an error, never a panic. A list of contacts that decodes (odd values of optional
//! fields kept raw in `extra`) re-encodes and decodes to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesflow_api::types;

fn decode<T, D>(data: &[u8])
where
    T: serde::de::DeserializeOwned,
    D: From<T>,
{
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        let _domain: D = D::from(value);
    }
}

fn decode_list<T, D>(data: &[u8])
where
    T: serde::de::DeserializeOwned,
    D: From<T>,
{
    if let Ok(values) = serde_json::from_slice::<Vec<T>>(data) {
        let _domain: Vec<D> = values.into_iter().map(D::from).collect();
    }
}

fuzz_target!(|data: &[u8]| {
    decode::<types::CampaignStatistics, salesflow::CampaignStatistics>(data);
    decode::<types::Contact, salesflow::Contact>(data);
    decode::<types::ContactDetails, salesflow::ContactDetails>(data);
    decode::<types::Webhook, salesflow::Webhook>(data);
    decode::<types::WebhookCampaign, salesflow::WebhookCampaign>(data);
    decode::<types::StatusMessage, salesflow::StatusMessage>(data);
    decode_list::<types::Contact, salesflow::Contact>(data);
    if let Ok(contacts) = serde_json::from_slice::<Vec<types::Contact>>(data) {
        let encoded = serde_json::to_vec(&contacts).expect("decoded contacts encode");
        let again: Vec<types::Contact> =
            serde_json::from_slice(&encoded).expect("encoded contacts decode");
        assert_eq!(contacts, again);
    }
    decode_list::<types::Campaign, salesflow::Campaign>(data);
    decode_list::<types::Account, salesflow::Account>(data);
    decode_list::<types::Webhook, salesflow::Webhook>(data);
});
