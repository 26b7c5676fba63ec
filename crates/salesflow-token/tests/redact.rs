//! The redactor, property by property: whatever the token (printable ASCII, the characters
//! URLs, JSON and HTML escape, spaces), however it is echoed (as is, percent-encoded in either
//! case with `+` or `%20`, decoded, JSON-escaped, HTML-escaped, Rust-escaped) and wherever it
//! is cut, no run of 12 of its bytes, in any of these forms, is left; and text that does not
//! hold it is left as it is.

mod echo;

use echo::{echoes, leaked_run, token};
use proptest::prelude::*;
use salesflow_token::redact::{Redactor, REDACTED};
use salesflow_token::ApiToken;

/// Filler that shares no byte with a printable-ASCII token.
fn filler(n: usize) -> String {
    "·".repeat(n)
}

/// Cases per property: 200, or `PROPTEST_CASES` (mutation testing sets fewer: every mutant
/// that no test catches runs them all).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

proptest! {
    // Few shrinking steps: a failure is shown quickly (mutation testing makes many).
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 32,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_run_of_the_token_survives_in_any_echo_at_any_cut(
        token in token(),
        which in 0usize..10,
        cut in 0usize..100,
        prefix in any::<bool>(),
        before in 0usize..5,
        after in 0usize..5,
    ) {
        let api_token = ApiToken::new(token.clone());
        let token = api_token.expose_secret();
        let redactor = Redactor::new(&api_token);
        let (name, echo) = echoes(token).swap_remove(which);
        // Cut by whoever echoed it: its beginning or its end kept.
        let cut = cut.min(echo.len());
        let cut = (0..=cut).rev().find(|&c| echo.is_char_boundary(c)).unwrap_or(0);
        let kept = if prefix { &echo[..cut] } else { &echo[cut..] };
        for shown in [echo.as_str(), kept] {
            let text = format!("{}{shown}{} and again: {shown}", filler(before), filler(after));
            let redacted = redactor.redact(&text);
            prop_assert_eq!(leaked_run(token, &redacted), None, "{} form, in {:?} -> {:?}", name, text, redacted);
            let bytes = redactor.redact_bytes(text.as_bytes());
            prop_assert_eq!(String::from_utf8_lossy(&bytes).into_owned(), redacted.clone());
            prop_assert_eq!(redactor.contains_secret(&text), redacted != text);
        }
        // The whole echo is one marker, and what is around it is kept (unless the server
        // decoded the token into bytes that are not UTF-8, and shows them as U+FFFD).
        prop_assume!(!echo.contains('\u{fffd}'));
        let text = format!("<{}>{echo}<{}>", filler(before), filler(after));
        prop_assert_eq!(redactor.redact(&text), format!("<{}>{REDACTED}<{}>", filler(before), filler(after)));
    }

    #[test]
    fn text_without_the_token_is_kept(token in token(), text in "[·é a-z]{0,80}") {
        let redactor = Redactor::new(&ApiToken::new(token));
        prop_assert_eq!(redactor.redact(&text), text.clone());
        prop_assert!(!redactor.contains_secret(&text));
    }
}

#[test]
fn the_echo_checker_counts_runs_as_the_redactor_does() {
    assert_eq!(echo::MIN_RUN, salesflow_token::redact::MIN_RUN);
}

#[test]
fn a_short_token_is_redacted_whole_only() {
    let redactor = Redactor::new(&ApiToken::new("ab&c d"));
    assert_eq!(
        redactor.redact("ab&c d ab%26c+d ab&amp;c d ab&c"),
        "[REDACTED] [REDACTED] [REDACTED] ab&c"
    );
}
