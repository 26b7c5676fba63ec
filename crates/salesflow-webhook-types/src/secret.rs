//! Authenticating webhook deliveries.
//!
//! Salesflow signs nothing: anyone who knows a webhook's URL can post to it. The way to
//! authenticate deliveries is a long random secret in the URL itself (for example the last path
//! segment: `https://hooks.example.com/salesflow/3f9c…e1`), compared on every request with
//! [`secret_matches`], in constant time so that response timing does not tell an attacker how
//! much of a guess was right. Serve the receiver over HTTPS and keep the URL out of logs.

/// Whether `given` (the secret segment of a request's path) equals `expected`, compared in time
/// that depends only on the two lengths, never on where they first differ (by
/// [`subtle`]'s constant-time equality of byte slices).
///
/// ```
/// use salesflow_webhook_types::secret_matches;
/// assert!(secret_matches("3f9c2b7e0d1a4c58", "3f9c2b7e0d1a4c58"));
/// assert!(!secret_matches("3f9c2b7e0d1a4c58", "3f9c2b7e0d1a4c59"));
/// assert!(!secret_matches("3f9c2b7e0d1a4c58", "3f9c"));
/// ```
pub fn secret_matches(expected: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::secret_matches;

    #[test]
    fn compares_whole_strings() {
        assert!(secret_matches("", ""));
        assert!(secret_matches("abc", "abc"));
        assert!(!secret_matches("abc", "abd"));
        assert!(!secret_matches("abc", "ab"));
        assert!(!secret_matches("abc", "abcd"));
        assert!(!secret_matches("abc", ""));
    }
}
