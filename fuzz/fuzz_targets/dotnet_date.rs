//! The .NET and flexible date parsers never panic, and what they parse round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesflow_webhook_types::{DotNetDate, FlexibleDate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(date) = text.parse::<DotNetDate>() {
        let again: DotNetDate = date.to_string().parse().expect("the .NET form parses");
        assert_eq!(date, again, "{text:?}");
    }
    if let Ok(date) = text.parse::<FlexibleDate>() {
        let again: FlexibleDate = date.to_string().parse().expect("the ISO form parses");
        assert_eq!(date, again, "{text:?}");
    }
});
