//! The member-status parser never panics, and what it parses round-trips through its .NET form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesflow_webhook_types::MemberStatus;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(status) = text.parse::<MemberStatus>() {
        let shown = status.to_string();
        let again: MemberStatus = shown.parse().expect("the .NET form parses");
        assert_eq!(status, again, "{text:?} -> {shown:?}");
    }
    // The JSON decoder (string or integer) must not panic either.
    let _ = serde_json::from_slice::<MemberStatus>(data);
});
