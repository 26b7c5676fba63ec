//! How a server or a log may echo a token (every form, as the redactor's tests use them),
//! and the check that no run of it is left in a text. Shared with `salesflow`'s tests (by
//! path), which echo tokens from a real HTTP server.

#![allow(dead_code)]

use std::collections::HashSet;

use proptest::prelude::*;
/// `salesflow_token::redact::MIN_RUN` (this file is shared with crates that do not depend on
/// `salesflow_token` directly; the redactor's tests check that the two agree).
pub const MIN_RUN: usize = 12;

/// The forms a server or a log may echo a token in.
pub fn echoes(token: &str) -> Vec<(&'static str, String)> {
    // `kept`: what the encoder leaves as is besides letters and digits.
    let pct = |upper: bool, space: &str, kept: &[u8]| {
        let mut out = String::new();
        for b in token.bytes() {
            if b.is_ascii_alphanumeric() || kept.contains(&b) {
                out.push(char::from(b));
            } else if b == b' ' {
                out.push_str(space);
            } else if upper {
                out.push_str(&format!("%{b:02X}"));
            } else {
                out.push_str(&format!("%{b:02x}"));
            }
        }
        out
    };
    let json: String = token
        .chars()
        .map(|c| match c {
            '/' => "\\/".to_owned(),
            '"' => "\\\"".to_owned(),
            '\\' => "\\\\".to_owned(),
            '+' | '&' | '<' | '>' | '\'' => format!("\\u{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect();
    let html: String = token
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            '+' => "&#x2B;".to_owned(),
            '=' => "&#61;".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let debug = format!("{token:?}");
    let decoded = String::from_utf8_lossy(
        &percent_encoding::percent_decode_str(&token.replace('+', " ")).collect::<Vec<u8>>(),
    )
    .into_owned();
    vec![
        ("raw", token.to_owned()),
        // A query string (application/x-www-form-urlencoded).
        ("form", pct(true, "+", b"*-._")),
        ("lower form", pct(false, "+", b"*-._")),
        // RFC 3986: every reserved character escaped.
        ("percent", pct(true, "%20", b"-._~")),
        ("lower percent", pct(false, "%20", b"-._~")),
        // Another encoder's choice, found once decoded.
        ("mixed", pct(false, "+", b"-._~!*'()")),
        ("json", json),
        ("html", html),
        ("rust", debug[1..debug.len() - 1].to_owned()),
        ("decoded", decoded),
    ]
}

/// The forms the redactor promises to find runs of, counted in bytes of the form: the token
/// as is, percent-encoded (`+` or `%20`, either case), JSON-escaped (`\/`, `\u002B`, `\"`),
/// HTML-escaped (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`).
fn promised(token: &str) -> Vec<String> {
    let mut forms: Vec<String> = echoes(token)
        .into_iter()
        .filter(|(name, _)| !matches!(*name, "html" | "decoded" | "mixed"))
        .map(|(_, f)| f)
        .collect();
    forms.push(
        token
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;"),
    );
    forms
}

/// `text` with `%XX` decoded (and `+` as a space when `form`).
fn percent_decoded(text: &str, form: bool) -> String {
    let text = if form {
        text.replace('+', " ")
    } else {
        text.to_owned()
    };
    String::from_utf8_lossy(&percent_encoding::percent_decode_str(&text).collect::<Vec<u8>>())
        .into_owned()
}

/// `text` with JSON's (and Rust's `\"`) escapes of ASCII characters decoded.
fn json_decoded(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let esc = &rest[at..];
        let hex = esc
            .get(2..6)
            .filter(|_| esc.as_bytes()[1] == b'u')
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (esc.as_bytes().get(1), hex) {
            (Some(b'u'), Some(b)) => {
                out.push(char::from(b));
                rest = &esc[6..];
            }
            (Some(c @ (b'/' | b'"' | b'\\')), _) => {
                out.push(char::from(*c));
                rest = &esc[2..];
            }
            _ => {
                out.push('\\');
                rest = &esc[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` with HTML's references to ASCII characters decoded.
fn html_decoded(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let r = &rest[at..];
        let end = r.find(';').filter(|&e| e < 8);
        let c = end.and_then(|e| match &r[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") => u8::from_str_radix(&n[2..], 16).ok().map(char::from),
            n if n.starts_with('#') => n[1..].parse::<u8>().ok().map(char::from),
            _ => None,
        });
        match (c, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &r[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &r[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A run of `MIN_RUN` bytes of `token` left in `text`: of one of the promised forms as
/// `text` shows it, or of the token itself once `text` is decoded (one layer or two).
pub fn leaked_run(token: &str, text: &str) -> Option<String> {
    Runs::of(token).leaked(text)
}

/// The runs of a token to look for (built once per token).
pub struct Runs {
    of_forms: HashSet<Vec<u8>>,
    of_token: HashSet<Vec<u8>>,
}

impl Runs {
    pub fn of(token: &str) -> Self {
        let runs = |forms: &[String]| -> HashSet<Vec<u8>> {
            forms
                .iter()
                .flat_map(|f| f.as_bytes().windows(MIN_RUN).map(<[u8]>::to_vec))
                .collect()
        };
        Runs {
            of_forms: runs(&promised(token)),
            of_token: runs(&[token.to_owned()]),
        }
    }

    /// See [`leaked_run`].
    pub fn leaked(&self, text: &str) -> Option<String> {
        find(&self.of_forms, text).or_else(|| self.leaked_characters(text))
    }

    /// [`leaked_characters`](Self::leaked_characters) in a `Debug` rendering, whose own
    /// string delimiters are not characters of the token: `Debug` writes a `"` inside a string
    /// as `\"`, so every `"` that no backslash escapes is a delimiter, and it is taken out of
    /// the search (a field `"A0a a0##aaA"` shows 11 characters of the token `A0a a0##aaA"`,
    /// not 12). An escaped one is still read as the token's `"` once decoded.
    pub fn leaked_in_debug(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut backslashes = 0;
        for c in text.chars() {
            if c == '"' && backslashes % 2 == 0 {
                out.push('\u{1}');
            } else {
                out.push(c);
            }
            backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        }
        self.leaked_characters(&out)
    }

    /// A run of `MIN_RUN` characters of the token itself in `text`, as is or decoded (one
    /// layer or two). For a text encoded again *after* redaction (a `Debug` rendering escapes
    /// `"` as `\"`, a JSON report escapes it too): the redactor saw the text before, and the
    /// re-encoding may grow a run of fewer than `MIN_RUN` bytes into `MIN_RUN` bytes of an
    /// escaped form without showing one more character of the token.
    pub fn leaked_characters(&self, text: &str) -> Option<String> {
        if let Some(run) = find(&self.of_token, text) {
            return Some(run);
        }
        let escaped = ['%', '+', '\\', '&'];
        if !text.contains(escaped) {
            return None;
        }
        let once = [
            percent_decoded(text, false),
            percent_decoded(text, true),
            json_decoded(text),
            html_decoded(text),
        ];
        let twice = once.iter().flat_map(|t| {
            [
                percent_decoded(t, false),
                percent_decoded(t, true),
                json_decoded(t),
                html_decoded(t),
            ]
        });
        let decoded: Vec<String> = once.iter().cloned().chain(twice).collect();
        decoded.iter().find_map(|d| find(&self.of_token, d))
    }
}

/// The first window of `MIN_RUN` bytes of `text` that is one of `runs`.
fn find(runs: &HashSet<Vec<u8>>, text: &str) -> Option<String> {
    text.as_bytes()
        .windows(MIN_RUN)
        .find(|w| runs.contains(*w))
        .map(|run| String::from_utf8_lossy(run).into_owned())
}

/// Tokens as a user may give them: printable ASCII, often the characters that get escaped,
/// at least `MIN_RUN` long once trimmed.
pub fn token() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![3 => "[ -~]", 2 => "[+/=%&# ]", 1 => "[<>\"'\\\\]"],
        MIN_RUN..40,
    )
    .prop_map(|chars| chars.concat())
    .prop_filter("long enough once trimmed", |t| t.trim().len() >= MIN_RUN)
}
