//! The one place where the API token is taken out of a text: [`Redactor`].
//!
//! Every message, log field, span field, report and file the SDK and the CLI build from data
//! that may hold the token (an answer that echoes the request, a URL, an error of the HTTP
//! stack) goes through [`Redactor::redact`] (or [`redact_bytes`](Redactor::redact_bytes))
//! *before* it is cut, summed up or encoded again, so that no cut can leave part of the token
//! that redaction would have recognised whole.
//!
//! It recognises the token however a server or a log gives it back: as is; percent-encoded
//! (upper- or lower-case hex digits, a space as `+` or `%20`, once or twice); fully decoded
//! (a token holding `%41` or `+` shown as the server decoded it); JSON- or Rust-escaped
//! (`\/`, `\"`, `\uXXXX` with surrogate pairs, `\u{…}`, and `\n`, `\t` and the like, which a
//! server that echoes a token holding them into JSON unescaped turns into control characters);
//! HTML-escaped (`&amp;`, `&#43;`, `&#x2B;`…); and any mix of these. Not only the whole token:
//! any run of at least [`MIN_RUN`] consecutive bytes of one of these forms of it (a token cut
//! by whoever echoed it) is replaced too.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aho_corasick::AhoCorasick;
use percent_encoding::{percent_decode, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::Url;

use crate::ApiToken;

/// What replaces the token (or a run of it) in a text: `"[REDACTED]"`.
pub const REDACTED: &str = "[REDACTED]";

/// A run of at least this many consecutive bytes (12) of a form of the token is redacted,
/// wherever it is cut. A token (form) shorter than this is redacted only whole.
pub const MIN_RUN: usize = 12;

/// Runs are looked for in the first this many bytes of each form of the token (a longer token
/// is redacted whole, and in runs of its first 4 KiB): it bounds the size of the matcher.
const MAX_WINDOWED: usize = 4096;

/// What `application/x-www-form-urlencoded` (a query string) leaves as is: ASCII letters and
/// digits, `*-._` (a space becomes `+`).
const FORM_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// What an encoder that escapes every reserved character leaves as is (RFC 3986's unreserved
/// characters; a space becomes `%20`).
const UNRESERVED_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One way a server or a log may have escaped a text.
#[derive(Clone, Copy, Debug)]
enum Decoding {
    /// `%XX` (either case).
    Percent,
    /// `%XX`, and `+` as a space.
    Form,
    /// JSON's and Rust's backslash escapes.
    Json,
    /// HTML character references.
    Html,
}

/// The readings of a text that are searched for the token: as is, and undone by one or two
/// layers of escaping (the inner one first: a query string echoed in JSON is `[Json, Form]`).
const READINGS: &[&[Decoding]] = {
    use Decoding::*;
    &[
        &[],
        &[Percent],
        &[Form],
        &[Json],
        &[Html],
        &[Percent, Percent],
        &[Percent, Form],
        &[Json, Percent],
        &[Json, Form],
        &[Html, Percent],
        &[Html, Form],
        &[Html, Json],
        &[Json, Html],
    ]
};

/// Replaces the API token, in any of its forms and in runs of at least [`MIN_RUN`] bytes, by
/// [`REDACTED`].
///
/// Cheap to create and to clone (what it searches for is built on first use, once, and
/// shared by clones).
///
/// ```
/// use salesflow_token::redact::Redactor;
/// use salesflow_token::ApiToken;
///
/// let redactor = Redactor::new(&ApiToken::new("s3cr3t+t0ken/0123456789"));
/// // As is, percent-encoded in lower case, JSON-escaped, and cut by the server after 14 bytes.
/// let text = r#"a s3cr3t+t0ken/0123456789 b s3cr3t%2bt0ken%2f0123456789 c s3cr3t\u002Bt0ken\/0123456789 d s3cr3t+t0ken/"#;
/// assert_eq!(
///     redactor.redact(text),
///     "a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED]"
/// );
/// ```
#[derive(Clone)]
pub struct Redactor {
    inner: Arc<Inner>,
}

struct Inner {
    token: ApiToken,
    matcher: OnceLock<Option<AhoCorasick>>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor(<redacted>)")
    }
}

impl Redactor {
    /// A redactor of `token` (an empty token: nothing is redacted).
    pub fn new(token: &ApiToken) -> Self {
        Redactor {
            inner: Arc::new(Inner {
                token: token.clone(),
                matcher: OnceLock::new(),
            }),
        }
    }

    /// `text` with every form of the token, and every run of at least [`MIN_RUN`] bytes of
    /// one, replaced by [`REDACTED`] (adjacent or overlapping ones by a single one).
    pub fn redact(&self, text: &str) -> String {
        String::from_utf8_lossy(&self.redact_bytes(text.as_bytes())).into_owned()
    }

    /// [`redact`](Self::redact) for bytes (bytes that are not UTF-8 are kept as they are).
    pub fn redact_bytes(&self, text: &[u8]) -> Vec<u8> {
        self.replace(text, REDACTED)
    }

    /// Whether `text` holds the token (or a run of it) in any form.
    pub fn contains_secret(&self, text: &str) -> bool {
        !self.spans(text.as_bytes()).is_empty()
    }

    /// `url` with the token (or a run of it) replaced by `REDACTED` wherever it is (not only
    /// in the `token` query parameter); `None` when what is left is not a URL.
    pub fn redact_url(&self, url: &Url) -> Option<Url> {
        let text = self.replace(url.as_str().as_bytes(), "REDACTED");
        Url::parse(std::str::from_utf8(&text).ok()?).ok()
    }

    fn replace(&self, text: &[u8], with: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in self.spans(text) {
            out.extend_from_slice(&text[at..start]);
            out.extend_from_slice(with.as_bytes());
            at = end;
        }
        out.extend_from_slice(&text[at..]);
        out
    }

    /// The byte ranges of `text` to redact, sorted, merged when they overlap or touch.
    fn spans(&self, text: &[u8]) -> Vec<(usize, usize)> {
        let Some(matcher) = self.matcher() else {
            // The matcher could not be built (it cannot for a token of a sane size): hide all.
            return vec![(0, text.len())];
        };
        let plain = Reading::of(text);
        let mut found = Vec::new();
        for decodings in READINGS {
            let reading = decodings
                .iter()
                .fold(plain.clone(), |reading, d| reading.decode(*d));
            for m in matcher.find_overlapping_iter(&reading.bytes) {
                found.push((reading.spans[m.start()].0, reading.spans[m.end() - 1].1));
            }
        }
        found.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(found.len());
        for (start, end) in found {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }

    fn matcher(&self) -> Option<&AhoCorasick> {
        self.inner
            .matcher
            .get_or_init(|| AhoCorasick::new(patterns(self.inner.token.expose_secret())).ok())
            .as_ref()
    }
}

/// What is searched for: every form of the token whole, and every run of [`MIN_RUN`] bytes
/// of its first [`MAX_WINDOWED`] bytes.
fn patterns(token: &str) -> Vec<Vec<u8>> {
    let mut patterns = Vec::new();
    for form in forms(token) {
        let head = &form[..form.len().min(MAX_WINDOWED)];
        patterns.extend(head.windows(MIN_RUN.min(head.len())).map(<[u8]>::to_vec));
        patterns.push(form);
    }
    // A form with the token's own escapes undone is shorter than the token: a run of it, once
    // escaped again by whoever shows it (`Debug`, a JSON report: `\` as `\\`, at most twice
    // its bytes), may be a run of the token itself. Its runs count from half of MIN_RUN.
    for form in decoded_forms(token) {
        if form != token.as_bytes() {
            let head = &form[..form.len().min(MAX_WINDOWED)];
            patterns.extend(
                head.windows(DECODED_RUN.min(head.len()))
                    .map(<[u8]>::to_vec),
            );
        }
    }
    patterns.sort_unstable();
    patterns.dedup();
    patterns
}

/// The shortest run of a form of the token with its own escapes undone that is redacted:
/// 6 bytes (half of [`MIN_RUN`]).
const DECODED_RUN: usize = MIN_RUN / 2;

/// The token with its own escapes undone: as a percent, a JSON or an HTML decoder reads it.
fn decoded_forms(token: &str) -> Vec<Vec<u8>> {
    let raw = token.as_bytes();
    vec![
        percent_decode(raw).collect(),
        Reading::of(raw).decode(Decoding::Json).bytes,
        Reading::of(raw).decode(Decoding::Html).bytes,
    ]
}

/// The token as a server or a log may show it, each form whole (empty forms left out).
fn forms(token: &str) -> Vec<Vec<u8>> {
    let raw = token.as_bytes();
    let form = utf8_percent_encode(token, FORM_SET)
        .to_string()
        .replace("%20", "+");
    let unreserved = utf8_percent_encode(token, UNRESERVED_SET).to_string();
    let plus_as_space: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let mut forms = vec![
        raw.to_vec(),
        percent_decode(raw).collect(),
        percent_decode(&plus_as_space).collect(),
        lower_hex(&form),
        form.into_bytes(),
        lower_hex(&unreserved),
        unreserved.into_bytes(),
        escape(token, json_escape),
        escape(token, quote_escape),
        escape(token, html_escape),
        // Put unescaped into a JSON string (or HTML) by a server, and read back by a decoder:
        // a token holding `\\` or `&amp;` shows with its escapes undone.
        Reading::of(raw).decode(Decoding::Json).bytes,
        Reading::of(raw).decode(Decoding::Html).bytes,
    ];
    forms.retain(|f| !f.is_empty());
    forms
}

/// `encoded` with the hex digits of its `%XX` escapes in lower case.
fn lower_hex(encoded: &str) -> Vec<u8> {
    // How many of the bytes to come are the hex digits of an escape.
    let mut digits = 0;
    encoded
        .bytes()
        .map(|b| {
            if digits > 0 {
                digits -= 1;
                b.to_ascii_lowercase()
            } else {
                digits = if b == b'%' { 2 } else { 0 };
                b
            }
        })
        .collect()
}

fn escape(token: &str, how: fn(char) -> Option<String>) -> Vec<u8> {
    let mut out = String::with_capacity(token.len());
    for c in token.chars() {
        match how(c) {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    out.into_bytes()
}

/// How the strictest JSON encoders (ASP.NET's) write `c`: besides `"` and `\`, `/` as `\/`
/// and the characters HTML cares about as `\uXXXX`.
fn json_escape(c: char) -> Option<String> {
    match c {
        '"' | '\\' | '/' => Some(format!("\\{c}")),
        '+' | '&' | '<' | '>' | '\'' | '\0'..='\x1f' | '\x7f' => {
            Some(format!("\\u{:04X}", u32::from(c)))
        }
        _ => None,
    }
}

/// How most JSON encoders (serde_json) and Rust's `Debug` of a string write `c`: only `"` and
/// `\` escaped.
fn quote_escape(c: char) -> Option<String> {
    matches!(c, '"' | '\\').then(|| format!("\\{c}"))
}

/// How HTML escapes `c` in text and attributes.
fn html_escape(c: char) -> Option<String> {
    ENTITIES
        .iter()
        .find(|(_, e)| *e == c)
        .map(|(name, _)| format!("&{name};"))
}

/// The named character references decoded (case-insensitively).
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
];

/// A reading of a text: its bytes once some escapes are undone, and for each byte the range
/// of the original text it comes from.
#[derive(Clone)]
struct Reading {
    bytes: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

impl Reading {
    fn of(text: &[u8]) -> Self {
        Reading {
            bytes: text.to_vec(),
            spans: (0..text.len()).map(|i| (i, i + 1)).collect(),
        }
    }

    /// This reading with the escapes of `how` undone (anything that is not a complete,
    /// valid escape kept as it is).
    fn decode(self, how: Decoding) -> Self {
        let b = &self.bytes;
        let mut out = Reading {
            bytes: Vec::with_capacity(b.len()),
            spans: Vec::with_capacity(b.len()),
        };
        let mut i = 0;
        while i < b.len() {
            let unit = match how {
                Decoding::Percent => percent_unit(b, i).map(|(byte, n)| (char::from(byte), n)),
                Decoding::Form if b[i] == b'+' => Some((' ', 1)),
                Decoding::Form => percent_unit(b, i).map(|(byte, n)| (char::from(byte), n)),
                Decoding::Json => json_unit(b, i),
                Decoding::Html => html_unit(b, i),
            };
            let mut buf = [0; 4];
            let (decoded, n): (&[u8], usize) = match (how, unit) {
                // A percent escape is one byte, whatever it is (not a Latin-1 character).
                (Decoding::Percent | Decoding::Form, Some((c, n))) => {
                    buf[0] = c as u8;
                    (&buf[..1], n)
                }
                (_, Some((c, n))) => (c.encode_utf8(&mut buf).as_bytes(), n),
                (_, None) => (&b[i..=i], 1),
            };
            let span = (self.spans[i].0, self.spans[i + n - 1].1);
            for &byte in decoded {
                out.bytes.push(byte);
                out.spans.push(span);
            }
            i += n;
        }
        out
    }
}

fn hex_digit(b: u8) -> Option<u32> {
    char::from(b).to_digit(16)
}

/// The value of the hex digits `digits` (1 to 6 of them), or `None`.
fn hex_value(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    digits
        .iter()
        .try_fold(0u32, |acc, &d| Some(acc * 16 + hex_digit(d)?))
}

/// `%XX` at `i`: the byte, and 3.
fn percent_unit(b: &[u8], i: usize) -> Option<(u8, usize)> {
    match b.get(i..i + 3)? {
        [b'%', high, low] => Some((u8::try_from(hex_value(&[*high, *low])?).ok()?, 3)),
        _ => None,
    }
}

/// A JSON (or Rust) escape at `i`: the character, and the escape's length.
fn json_unit(b: &[u8], i: usize) -> Option<(char, usize)> {
    if b[i] != b'\\' {
        return None;
    }
    match *b.get(i + 1)? {
        b'u' if b.get(i + 2) == Some(&b'{') => {
            // Rust's `\u{1F600}`.
            let close = b.get(i + 3..)?.iter().position(|&c| c == b'}')?;
            let c = char::from_u32(hex_value(&b[i + 3..i + 3 + close])?)?;
            Some((c, close + 4))
        }
        b'u' => {
            let unit = hex_value(b.get(i + 2..i + 6)?)?;
            if let Some(c) = char::from_u32(unit) {
                return Some((c, 6));
            }
            // A surrogate: a pair `\uD83D\uDE00` makes one character.
            if b.get(i + 6..i + 8)? != b"\\u" {
                return None;
            }
            let low = hex_value(b.get(i + 8..i + 12)?)?;
            let pair = [u16::try_from(unit).ok()?, u16::try_from(low).ok()?];
            let c = char::decode_utf16(pair).next()?.ok()?;
            Some((c, 12))
        }
        c @ (b'/' | b'\\' | b'"' | b'\'') => Some((char::from(c), 2)),
        // Control characters: no token that can be sent holds one, but a token may hold `\n`
        // as two characters, which a server that puts it into its JSON unescaped turns into a
        // line feed for the client's decoder (and `Debug` turns back into `\n`). The token's
        // decoded form must read it as that decoder does.
        c => {
            let control = match c {
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'0' => '\0',
                _ => return None,
            };
            Some((control, 2))
        }
    }
}

/// An HTML character reference at `i` (`&amp;`, `&#43;`, `&#x2B;`): the character, and the
/// reference's length.
fn html_unit(b: &[u8], i: usize) -> Option<(char, usize)> {
    if b[i] != b'&' {
        return None;
    }
    let len = b.get(i + 1..)?.iter().take(9).position(|&c| c == b';')?;
    let name = &b[i + 1..i + 1 + len];
    let c = match name {
        [b'#', b'x' | b'X', hex @ ..] => char::from_u32(hex_value(hex)?)?,
        [b'#', decimal @ ..] => {
            let text = std::str::from_utf8(decimal).ok()?;
            if !text.bytes().all(|d| d.is_ascii_digit()) {
                return None;
            }
            char::from_u32(text.parse().ok()?)?
        }
        _ => {
            ENTITIES
                .iter()
                .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))?
                .1
        }
    };
    Some((c, len + 2))
}

/// What replaces the `token` query parameter's value in a URL: `REDACTED` (a URL cannot hold
/// [`REDACTED`]'s brackets unescaped).
pub const URL_REDACTED: &str = "REDACTED";

/// A copy of `url` whose `token` query parameter's value is [`URL_REDACTED`]; a URL without
/// one is returned byte for byte (no re-encoding). The low-level client shows every request
/// URL this way; [`Redactor::redact_url`] also finds the token elsewhere in a URL.
///
/// ```
/// let url = url::Url::parse("http://h/api/a?campaignId=1&token=s3cr3t").unwrap();
/// assert_eq!(
///     salesflow_token::redact::hide_token_parameter(&url).as_str(),
///     "http://h/api/a?campaignId=1&token=REDACTED"
/// );
/// ```
pub fn hide_token_parameter(url: &Url) -> Url {
    if !url.query_pairs().any(|(k, _)| k == "token") {
        return url.clone();
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "token" {
                URL_REDACTED.into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut redacted = url.clone();
    redacted.query_pairs_mut().clear().extend_pairs(pairs);
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(token: &str) -> Redactor {
        Redactor::new(&ApiToken::new(token))
    }

    const TOKEN: &str = "Ab+/=%&#<>\"' z9-0123456789";

    #[test]
    fn every_form_is_redacted_whole() {
        let r = redactor(TOKEN);
        for form in forms(TOKEN) {
            let text = format!("<<{}>>", String::from_utf8_lossy(&form));
            assert_eq!(r.redact(&text), "<<[REDACTED]>>", "{text}");
        }
    }

    #[test]
    fn escapes_of_every_kind_are_read() {
        let r = redactor("a+b/c d&e\"f'g<h>i\\jk\u{e9}l\u{1f600}m");
        for text in [
            // Percent, either case, twice, `+` for a space.
            "a%2Bb%2fc%20d%26e%22f%27g%3Ch%3Ei%5Cjk%C3%A9l%F0%9F%98%80m",
            "a%252Bb%252Fc+d%2526e%2522f%2527g%253Ch%253Ei%255Cjk%25C3%25A9l%25F0%259F%2598%2580m",
            // JSON: every short escape, `\u` upper and lower case, a surrogate pair; Rust's `\u{}`.
            "a\\u002bb\\/c\\u0020d\\u0026e\\\"f\\'g\\u003Ch\\u003ei\\\\jk\\u00e9l\\uD83D\\uDE00m",
            "a+b/c d&e\\\"f\\'g<h>i\\\\jk\\u{e9}l\\u{01f600}m",
            // HTML: named (any case), decimal, hex.
            "a&#43;b&#x2F;c&#32;d&AMP;e&quot;f&apos;g&lt;h&GT;i&#92;jk&#xE9;l&#128512;m",
        ] {
            assert_eq!(r.redact(&format!("x {text} y")), "x [REDACTED] y", "{text}");
        }
        let r = redactor("tok en+0123456789");
        for text in [
            "tok\\u002Ben%2B0123456789",
            "tok&#43;en%2B0123456789",
            "tok%2Ben%252B0123456789",
            "tok%20en&#x2B;0123456789",
            "tok en\\u{2b}0123456789",
        ] {
            assert_eq!(r.redact(&format!("x {text} y")), "x [REDACTED] y", "{text}");
        }
        // A token that looks escaped is found as it is, and as a server decodes it.
        let r = redactor("id%41x+y0123456789");
        assert_eq!(
            r.redact("1 idAx y0123456789 2 idAx+y0123456789 3"),
            "1 [REDACTED] 2 [REDACTED] 3"
        );
    }

    #[test]
    fn only_the_digits_of_escapes_are_lowered() {
        assert_eq!(lower_hex("AB%2FCD%3Ae%"), b"AB%2fCD%3ae%".to_vec());
    }

    #[test]
    fn hex_escapes_have_one_to_six_digits() {
        // Seven digits, or none, are no escape (a short token is found only whole).
        let r = redactor("Abc");
        assert_eq!(r.redact("\\u{000041}bc"), "[REDACTED]");
        assert_eq!(r.redact("\\u{0000041}bc"), "\\u{0000041}bc");
        assert_eq!(r.redact("&#x0000041;bc"), "&#x0000041;bc");
        let r = redactor("x\0y");
        assert_eq!(r.redact("x\\u{}y x&#x;y"), "x\\u{}y x&#x;y");
        assert_eq!(r.redact("x\\u{0}y"), "[REDACTED]");
    }

    #[test]
    fn a_run_of_min_run_bytes_is_redacted_and_a_shorter_one_is_not() {
        let r = redactor("0123456789abcdefghij");
        assert_eq!(r.redact("x 0123456789ab"), "x [REDACTED]");
        assert_eq!(r.redact("x 0123456789a"), "x 0123456789a");
        assert_eq!(r.redact("89abcdefghij y"), "[REDACTED] y");
        assert_eq!(r.redact("9abcdefghij y"), "9abcdefghij y");
        // Inside an escaped form, counted in bytes of that form.
        assert_eq!(r.redact("x 0123456789ab%20"), "x [REDACTED]%20");
        // A token shorter than a run: only whole.
        let short = redactor("abc+d");
        assert_eq!(
            short.redact("abc+d abc abc%2Bd abc d"),
            "[REDACTED] abc [REDACTED] [REDACTED]"
        );
    }

    #[test]
    fn a_short_run_of_a_decoded_form_is_redacted_when_it_differs_from_the_token() {
        // The JSON-decoded token `0 \+#%'Q/=^x`: 6 of its bytes are redacted, 5 are not.
        let r = redactor("0 \\\\+#%'Q/=^x");
        assert_eq!(r.redact("<+#%'Q/>"), "<[REDACTED]>");
        assert_eq!(r.redact("<\\+#%'Q>"), "<[REDACTED]>");
        assert_eq!(r.redact("<+#%'Q>"), "<+#%'Q>");
        // A token without escapes: its decoded forms are itself, runs of MIN_RUN only.
        let plain = redactor("0123456789abcdefghij");
        assert_eq!(plain.redact("<012345>"), "<012345>");
    }

    #[test]
    fn a_token_read_back_by_a_json_or_html_decoder_is_redacted() {
        // A server that puts the token into its JSON (or HTML) unescaped: the client's
        // decoder undoes the token's own `\\` (or `&amp;`), and shows that.
        let r = redactor("a\\\\a#'*%#'#%\\\\");
        assert_eq!(r.redact("<a\\a#'*%#'#%\\>"), "<[REDACTED]>");
        let r = redactor("ab&amp;cd&lt;efghijkl");
        assert_eq!(r.redact("<ab&cd<efghijkl>"), "<[REDACTED]>");
        // A token holding a JSON escape of a control character (`\n` as two characters),
        // echoed into a JSON string unescaped: the client reads a line feed. Each of JSON's
        // and Rust's short escapes of one.
        for (escape, control) in [
            ("\\b", "\u{8}"),
            ("\\f", "\u{c}"),
            ("\\n", "\n"),
            ("\\r", "\r"),
            ("\\t", "\t"),
            ("\\0", "\0"),
        ] {
            let r = redactor(&format!("0AA0#00 A{escape}a"));
            let read = format!("<0AA0#00 A{control}a>");
            assert_eq!(r.redact(&read), "<[REDACTED]>", "{escape}");
        }
    }

    #[test]
    fn a_form_encoder_of_its_own_is_read_by_decoding() {
        // Space as `+`, and `/` kept (which the form set escapes) or `-` escaped (which it
        // keeps): no form the redactor builds, so only the form-decoded reading finds it.
        let r = redactor("ab/cd ef/gh/ij");
        assert_eq!(r.redact("<ab/cd+ef/gh/ij>"), "<[REDACTED]>");
        let r = redactor("ab-cd ef/gh-ij");
        assert_eq!(r.redact("<ab%2Dcd+ef/gh%2dij>"), "<[REDACTED]>");
    }

    #[test]
    fn every_run_of_an_escaped_form_is_redacted_whole() {
        // Each window of MIN_RUN bytes of the JSON-escaped (`\/`, `\"`, `\\`, `\u002B`) and
        // the quote-escaped (`\"`, `\\` only) form: fewer than MIN_RUN characters of the token,
        // so only the form itself finds them (decoding would not).
        let token = "a/b\"c\\d/e+f/g\"h\\i/j";
        let r = redactor(token);
        let json = r#"a\/b\"c\\d\/e\u002Bf\/g\"h\\i\/j"#;
        let quoted = r#"a/b\"c\\d/e+f/g\"h\\i/j"#;
        assert_eq!(escape(token, json_escape), json.as_bytes());
        assert_eq!(escape(token, quote_escape), quoted.as_bytes());
        // And the HTML-escaped form (`&lt;`, `&amp;`...), each entity several bytes long.
        let token_html = "a<b>c&d\"e'f<g>h&i";
        let html = "a&lt;b&gt;c&amp;d&quot;e&apos;f&lt;g&gt;h&amp;i";
        assert_eq!(escape(token_html, html_escape), html.as_bytes());
        let r_html = redactor(token_html);
        for (r, form) in [(&r, json), (&r, quoted), (&r_html, html)] {
            for start in 0..=form.len() - MIN_RUN {
                let run = &form[start..start + MIN_RUN];
                assert_eq!(r.redact(&format!("<{run}>")), "<[REDACTED]>", "{run}");
            }
        }
    }

    #[test]
    fn touching_and_overlapping_runs_make_one_marker() {
        let r = redactor("0123456789abcdefghij");
        assert_eq!(
            r.redact("0123456789abcdefghij0123456789abcdefghij!"),
            "[REDACTED]!"
        );
        assert_eq!(
            r.redact("0123456789abcdefghij 0123456789abcdefghij"),
            "[REDACTED] [REDACTED]"
        );
        assert_eq!(r.redact("<0123456789abc%64efghij>"), "<[REDACTED]>");
    }

    #[test]
    fn text_without_the_token_is_kept_whole() {
        let r = redactor("0123456789abcdefghij");
        for text in [
            "",
            "plain",
            "%zz %4 \\u12 \\uD83D\\u0041 \\u{} \\u{110000} &#; &#x; &bogus; &#1114112; \\q",
            "0123456789a%",
        ] {
            assert_eq!(r.redact(text), text);
            assert!(!r.contains_secret(text), "{text}");
        }
        assert!(r.contains_secret("a 0123456789ab"));
        assert_eq!(redactor("").redact("anything"), "anything");
        let bytes = b"\xff 0123456789abcdefghij \xfe";
        assert_eq!(r.redact_bytes(bytes), b"\xff [REDACTED] \xfe".to_vec());
    }

    #[test]
    fn a_long_token_is_redacted_whole_and_in_runs_of_its_head() {
        let token: String = (0..MAX_WINDOWED + 100)
            .map(|i| format!("{:x}", i % 16))
            .collect::<String>();
        let r = redactor(&token);
        assert_eq!(r.redact(&format!("<{token}>")), "<[REDACTED]>");
        // Windows of the head only.
        let head = &token[MAX_WINDOWED - MIN_RUN..MAX_WINDOWED];
        assert_eq!(r.redact(&format!("<{head}>")), "<[REDACTED]>");
    }

    #[test]
    fn urls_lose_the_token_wherever_it_is() {
        let r = redactor("0123456789abcdefghij");
        let url = Url::parse("http://h/0123456789abcdefghij/api?x=1").unwrap();
        assert_eq!(
            r.redact_url(&url).unwrap().as_str(),
            "http://h/REDACTED/api?x=1"
        );
        let url = Url::parse("http://0123456789abcdefghij/api").unwrap();
        assert_eq!(r.redact_url(&url).unwrap().as_str(), "http://redacted/api");
        let clean = Url::parse("http://h/api?token=REDACTED").unwrap();
        assert_eq!(r.redact_url(&clean), Some(clean.clone()));
        assert_eq!(format!("{r:?}"), "Redactor(<redacted>)");
    }

    #[test]
    fn the_token_parameter_is_redacted_and_nothing_else() {
        // The token alone (ListAccounts), first, last, among others; escaped characters.
        for (given, shown) in [
            (
                "http://h/api/accounts/list?token=s%2Bcr%20t",
                "http://h/api/accounts/list?token=REDACTED",
            ),
            (
                "http://h/a?token=t&accountId=3",
                "http://h/a?token=REDACTED&accountId=3",
            ),
            (
                "http://h/a?campaignId=1&token=t",
                "http://h/a?campaignId=1&token=REDACTED",
            ),
            (
                "http://h/a?tokens=t&x=token&token=u",
                "http://h/a?tokens=t&x=token&token=REDACTED",
            ),
        ] {
            assert_eq!(
                hide_token_parameter(&Url::parse(given).unwrap()).as_str(),
                shown,
                "{given}"
            );
        }
        // No token parameter: the URL as it is, byte for byte (no re-encoding).
        for given in [
            "http://h/a?x=a%2bb&y=%7E",
            "http://h/a",
            "http://h/a?tokenx=1",
        ] {
            assert_eq!(
                hide_token_parameter(&Url::parse(given).unwrap()).as_str(),
                given
            );
        }
    }
}
