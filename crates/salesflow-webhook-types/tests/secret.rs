//! `secret_matches`: a webhook URL's secret is accepted only when every byte is equal.

use salesflow_webhook_types::secret_matches;

const SECRET: &str = "3f9c2b7e0d1a4c58";

#[test]
fn two_differences_that_cancel_out_are_still_a_mismatch() {
    // Positions 0 and 1 swapped: both differ by the same bits ('3' ^ 'f' == 'f' ^ '3'), so
    // folding the differences with XOR instead of OR would call them equal.
    assert!(!secret_matches(SECRET, "f39c2b7e0d1a4c58"));
    assert!(!secret_matches("ab", "ba"));
    // Two distant bytes, each off by the same single bit.
    assert!(!secret_matches(SECRET, "2f9c2b7e0d1a4c59"));
}

#[test]
fn equal_secrets_match_and_any_single_difference_does_not() {
    assert!(secret_matches(SECRET, SECRET));
    let copy: String = SECRET.chars().collect();
    assert!(secret_matches(SECRET, &copy));
    for i in 0..SECRET.len() {
        let mut other = SECRET.as_bytes().to_vec();
        other[i] ^= 0x01;
        let other = String::from_utf8(other).unwrap();
        assert!(!secret_matches(SECRET, &other), "{other}");
    }
}

#[test]
fn a_prefix_or_an_extension_does_not_match() {
    assert!(!secret_matches(SECRET, &SECRET[..15]));
    assert!(!secret_matches(SECRET, &format!("{SECRET}0")));
    assert!(!secret_matches(SECRET, ""));
    assert!(!secret_matches("", SECRET));
}
