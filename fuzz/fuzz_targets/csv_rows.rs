//! The CLI's CSV reading: arbitrary bytes as a CSV file, its header mapped to columns and
//! every row turned into a member or a reason. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesflow_cli::import::{map_columns, member_from_row, parse_csv};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = parse_csv(data) else {
        return;
    };
    let Ok(columns) = map_columns(&file.headers) else {
        return;
    };
    for row in &file.rows {
        if let Ok(member) = member_from_row(&columns, row) {
            assert!(!member.linkedin_url.is_empty());
        }
    }
});
