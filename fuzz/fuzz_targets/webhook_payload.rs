//! `WebhookPayload` decoding never panics, and whatever decodes re-encodes and decodes to the
//! same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesflow_webhook_types::WebhookPayload;

fuzz_target!(|data: &[u8]| {
    if let Ok(payload) = WebhookPayload::from_slice(data) {
        let encoded = serde_json::to_vec(&payload).expect("a decoded payload encodes");
        let again = WebhookPayload::from_slice(&encoded).expect("an encoded payload decodes");
        assert_eq!(payload, again);
    }
});
