//! Client-side checks, run before any request is sent.
//!
//! The rules come from the spec: every parameter's `minLength`, `maxLength`, `pattern`,
//! `minItems` and `maxItems` is checked by the generated code of each operation (the
//! `validate` method of each struct of [`ops`](crate::ops), which sending runs first), with
//! these functions. Lengths count Unicode scalar values (`char`s), not bytes, as the spec's
//! `maxLength` does. The spec gives ImportMember's fields the maximum lengths the reference
//! documents for UpdateContact's fields of the same names (the same contact fields end up in
//! the same record), and the custom fields, for which nothing is documented, 1023 like the
//! other free-text fields. A string parameter with a `format` is checked by the function of
//! this module named after it:
//!
//! - `format: linkedin-profile-url` (ImportMember's `linkedInUrl`):
//!   [`linkedin_profile_url`], below; it also gives the canonical URL that is sent.
//! - `format: uri` (CreateWebhook's `Url`): [`http_url`]: an absolute `http` or `https` URL
//!   with a host.
//!
//! A list split into batches (ListContacts by public identifiers) has no maximum length.
//!
//! # LinkedIn profile URLs
//!
//! [`linkedin_profile_url`] is the one place of this rule. It accepts the forms LinkedIn
//! itself produces for a member's public profile and returns **one canonical URL**,
//! `https://www.linkedin.com/in/<slug>`, which is what is sent:
//!
//! - `http://`, `https://` (any letter case) or no scheme at all (`www.linkedin.com/in/x`,
//!   `linkedin.com/in/x`, `//www.linkedin.com/in/x`);
//! - the host `linkedin.com` or any subdomain of it (`www.`, country subdomains such as
//!   `de.` or `uk.`, `m.`), any letter case;
//! - the path `/in/<slug>`, also behind `/mobile` (`/mobile/in/<slug>`, the mobile site),
//!   with or without a trailing slash; a profile's sub-pages (`/in/<slug>/details/...`,
//!   `/in/<slug>/overlay/contact-info/`) name the same profile and are accepted too;
//! - a query (`?trk=...`, `?originalSubdomain=de`) or a fragment: dropped;
//! - a percent-encoded slug (`/in/j%C3%BCrgen-m%C3%BCller`, or the same slug written with
//!   its Unicode letters): the canonical URL holds it percent-encoded (UTF-8, upper-case
//!   hex).
//!
//! The slug is lower-cased: LinkedIn public identifiers are case-insensitive, so
//! `HTTPS://WWW.LINKEDIN.COM/IN/X` and `https://www.linkedin.com/in/x` are one profile. The
//! identity of a profile, for duplicate detection and resume journals, is its canonical
//! public identifier: see [`canonical_profile_key`].
//!
//! Refused, each with its own [`ValidationReason`]: surrounding whitespace, whitespace or
//! control characters inside, a scheme other than http(s), user info (`user:pass@`), any
//! explicit port (even `:443`), a host that is not LinkedIn's (`evil-linkedin.com`,
//! `linkedin.com.evil.com`, an IP address, the short-link host `lnkd.in`), search pages
//! (`/search/...`, `/sales/search/...`), company, school and showcase pages, and every other
//! path (feed, posts, jobs, the legacy `/pub/...` profile links).
//!
//! **Sales Navigator lead URLs** (`/sales/lead/<id>,...`, `/sales/people/<id>,...`) are
//! refused ([`ValidationReason::SalesNavigatorUrl`]): they name a lead by a Sales Navigator
//! id, not by its public identifier, so such a row could be neither checked for duplicates
//! nor looked up with ListContacts-by-public-identifiers when an import dies with it in
//! flight, and the reference documents ImportMember's `linkedInUrl` as a "LinkedIn profile
//! URL". Open the lead's LinkedIn profile and use its `/in/` URL instead.

use std::fmt;

/// Why an argument was rejected before any request was sent.
///
/// Its `Display` names the field (by its name on the wire) and the rule, never the value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`{}: {reason}", .index.map(|i| format!("[{i}]")).unwrap_or_default())]
#[non_exhaustive]
pub struct ValidationError {
    /// The field, by its name on the wire (`firstName`, `Url`, `PublicIdentifiers`, ...).
    pub field: &'static str,
    /// For a list, the index of the offending element.
    pub index: Option<usize>,
    /// What is wrong.
    pub reason: ValidationReason,
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationReason {
    /// Empty or only whitespace (for a list: no element at all).
    Empty,
    /// Longer than the vendor's maximum.
    TooLong {
        /// The maximum, in characters.
        max: usize,
        /// The actual length, in characters.
        actual: usize,
    },
    /// Not an absolute `http`/`https` URL with a host (or, for a LinkedIn URL, a scheme
    /// other than http(s), or whitespace or control characters inside).
    NotHttpUrl,
    /// An `http(s)` URL on LinkedIn's host, but not a public profile page (the feed, a
    /// post, a job, a legacy `/pub/` link, `/in/` without a slug...).
    NotLinkedInProfile,
    /// Leading or trailing whitespace.
    SurroundingWhitespace,
    /// A URL whose host is not `linkedin.com` nor one of its subdomains.
    NotLinkedInHost,
    /// A URL with user info (`user:password@`).
    UserInfo,
    /// A URL with an explicit port (`:443` included).
    Port,
    /// A LinkedIn search page (`/search/...`, `/sales/search/...`).
    SearchPage,
    /// A LinkedIn company, school or showcase page.
    CompanyPage,
    /// A Sales Navigator lead URL (`/sales/lead/...`, `/sales/people/...`): refused, see the
    /// [module documentation](self#linkedin-profile-urls).
    SalesNavigatorUrl,
    /// A profile slug whose percent-encoding is broken (`%` not followed by two hex digits)
    /// or does not decode to UTF-8.
    BadPercentEncoding,
    /// Does not match the spec's `pattern`.
    Pattern {
        /// The pattern (an ECMAScript regular expression, as in the spec).
        pattern: &'static str,
    },
    /// A list with fewer elements than the spec's `minItems`.
    TooFew {
        /// The minimum.
        min: usize,
        /// The actual number.
        actual: usize,
    },
    /// A list with more elements than the spec's `maxItems`.
    TooMany {
        /// The maximum.
        max: usize,
        /// The actual number.
        actual: usize,
    },
    /// A row given to an import job (see [`Client::import_job`](crate::Client::import_job))
    /// names another campaign than the job's.
    OtherCampaign {
        /// The job's campaign.
        expected: salesflow_webhook_types::CampaignId,
    },
}

impl fmt::Display for ValidationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationReason::Empty => f.write_str("must not be empty"),
            ValidationReason::TooLong { max, actual } => {
                write!(f, "at most {max} characters allowed, got {actual}")
            }
            ValidationReason::NotHttpUrl => f.write_str("must be an absolute http(s) URL"),
            ValidationReason::NotLinkedInProfile => f.write_str(
                "must be a LinkedIn profile URL (host linkedin.com or a subdomain, path /in/<slug>)",
            ),
            ValidationReason::SurroundingWhitespace => {
                f.write_str("must not have leading or trailing whitespace")
            }
            ValidationReason::NotLinkedInHost => f.write_str(
                "must be a LinkedIn profile URL: the host is not linkedin.com nor a subdomain of it",
            ),
            ValidationReason::UserInfo => {
                f.write_str("must not hold user info (`user:password@`)")
            }
            ValidationReason::Port => f.write_str("must not name a port"),
            ValidationReason::SearchPage => {
                f.write_str("is a LinkedIn search page, not a profile (/in/<slug>)")
            }
            ValidationReason::CompanyPage => f.write_str(
                "is a LinkedIn company, school or showcase page, not a profile (/in/<slug>)",
            ),
            ValidationReason::SalesNavigatorUrl => f.write_str(
                "is a Sales Navigator lead URL, which is not accepted: use the lead's LinkedIn \
                 profile URL (/in/<slug>)",
            ),
            ValidationReason::BadPercentEncoding => {
                f.write_str("has a profile slug whose percent-encoding is broken")
            }
            ValidationReason::Pattern { pattern: r"\S" } => {
                f.write_str("must not be empty or only whitespace")
            }
            ValidationReason::Pattern { pattern } => {
                write!(f, "must match the pattern `{pattern}`")
            }
            ValidationReason::TooFew { min, actual } => {
                write!(f, "at least {min} elements needed, got {actual}")
            }
            ValidationReason::TooMany { max, actual } => {
                write!(f, "at most {max} elements allowed, got {actual}")
            }
            ValidationReason::OtherCampaign { expected } => {
                write!(f, "must be the import job's campaign, {expected}")
            }
        }
    }
}

impl ValidationError {
    pub(crate) fn new(field: &'static str, reason: ValidationReason) -> Self {
        ValidationError {
            field,
            index: None,
            reason,
        }
    }

    pub(crate) fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

/// `value` has at most `max` characters.
pub fn max_len(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    let actual = value.chars().count();
    if actual > max {
        return Err(ValidationError::new(
            field,
            ValidationReason::TooLong { max, actual },
        ));
    }
    Ok(())
}

/// `value` is not empty nor only whitespace.
pub fn non_blank(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, ValidationReason::Empty));
    }
    Ok(())
}

/// `value` is an absolute `http`/`https` URL with a host (`format: uri`); returns it as it
/// is to be sent.
pub fn http_url(field: &'static str, value: &str) -> Result<String, ValidationError> {
    parse_http_url(field, value).map(|_| value.to_owned())
}

fn parse_http_url(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim() != value {
        return Err(ValidationError::new(
            field,
            ValidationReason::SurroundingWhitespace,
        ));
    }
    match url::Url::parse(value) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(())
        }
        // An ASCII host label that starts with `xn--` but is not valid punycode
        // (`http://xn--0.a`): a host name DNS can hold and the spec's pattern admits, which the
        // URL parser refuses only because it cannot decode it to Unicode. The server decides.
        Err(url::ParseError::IdnaError) if is_http_with_ascii_host(value) => Ok(()),
        _ => Err(ValidationError::new(field, ValidationReason::NotHttpUrl)),
    }
}

/// `http://` or `https://` (any case) followed by a host of letters, digits, `-` and `.`.
fn is_http_with_ascii_host(value: &str) -> bool {
    let lower = value
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower.starts_with("https://") {
        &value[8..]
    } else if lower.starts_with("http://") {
        &value[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', ':', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Checks a LinkedIn profile URL and returns its canonical form,
/// `https://www.linkedin.com/in/<slug>`: the one place of the rule described in the
/// [module documentation](self#linkedin-profile-urls).
///
/// ```
/// use salesflow::validate::linkedin_profile_url;
/// let url = linkedin_profile_url("linkedInUrl", "HTTPS://DE.LinkedIn.com/mobile/in/John-Smith/?trk=x");
/// assert_eq!(url.as_deref(), Ok("https://www.linkedin.com/in/john-smith"));
/// assert!(linkedin_profile_url("linkedInUrl", "https://www.linkedin.com/search/results/people/?keywords=x").is_err());
/// ```
///
/// # Errors
///
/// A [`ValidationError`] for `field` whose [`ValidationReason`] says what is wrong.
pub fn linkedin_profile_url(field: &'static str, value: &str) -> Result<String, ValidationError> {
    let slug = profile_slug(value).map_err(|reason| ValidationError::new(field, reason))?;
    Ok(format!("{PROFILE_URL_PREFIX}{}", percent_encode(&slug)))
}

/// The identity of a LinkedIn profile: its public identifier, percent-decoded and
/// lower-cased (`https://de.linkedin.com/in/J%C3%BCrgen/` and `linkedin.com/in/jürgen` both
/// give `jürgen`), or `None` when `url` is not accepted by [`linkedin_profile_url`]. Two
/// URLs name the same profile exactly when their keys are equal; the key is also what
/// ListContacts-by-public-identifiers takes.
///
/// ```
/// use salesflow::validate::canonical_profile_key;
/// assert_eq!(canonical_profile_key("www.linkedin.com/in/Ann-Lee/").as_deref(), Some("ann-lee"));
/// assert_eq!(canonical_profile_key("https://example.com/in/ann-lee"), None);
/// ```
pub fn canonical_profile_key(url: &str) -> Option<String> {
    profile_slug(url).ok()
}

/// What every canonical profile URL starts with: `https://www.linkedin.com/in/`.
pub const PROFILE_URL_PREFIX: &str = "https://www.linkedin.com/in/";

/// The lower-cased, percent-decoded slug of a profile URL, or why it is refused.
fn profile_slug(value: &str) -> Result<String, ValidationReason> {
    if value.trim().is_empty() {
        return Err(ValidationReason::Empty);
    }
    if value.trim() != value {
        return Err(ValidationReason::SurroundingWhitespace);
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ValidationReason::NotHttpUrl);
    }
    // The scheme, if any: `http:` or `https:` followed by `//`. A text like
    // `www.linkedin.com:8080/in/x` has no `//` after its colon: it has no scheme.
    let lower = value.to_ascii_lowercase();
    let rest = if let Some(r) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        &value[value.len() - r.len()..]
    } else if let Some(r) = value.strip_prefix("//") {
        r
    } else {
        // Another scheme (`ftp://`, `javascript://`), or a `://` anywhere else.
        if value.contains("://") {
            return Err(ValidationReason::NotHttpUrl);
        }
        value
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path_and_more) = rest.split_at(end);
    if authority.contains('@') {
        return Err(ValidationReason::UserInfo);
    }
    if authority.contains(':') {
        return Err(ValidationReason::Port);
    }
    if authority.is_empty() {
        return Err(ValidationReason::NotHttpUrl);
    }
    let url = url::Url::parse(&format!("https://{authority}{path_and_more}"))
        .map_err(|_| ValidationReason::NotHttpUrl)?;
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
        Some(_) => return Err(ValidationReason::NotLinkedInHost),
        None => return Err(ValidationReason::NotHttpUrl),
    };
    if host != "linkedin.com" && !host.ends_with(".linkedin.com") {
        return Err(ValidationReason::NotLinkedInHost);
    }
    // The path as written (the `url` crate keeps percent-encodings as they are).
    let path = url.path();
    let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
    if segments
        .peek()
        .is_some_and(|s| s.eq_ignore_ascii_case("mobile"))
    {
        segments.next();
    }
    let first = segments.next().unwrap_or_default().to_ascii_lowercase();
    let second = segments.next();
    match first.as_str() {
        "in" => {}
        "search" => return Err(ValidationReason::SearchPage),
        "company" | "school" | "showcase" => return Err(ValidationReason::CompanyPage),
        "sales" => {
            return Err(match second.map(str::to_ascii_lowercase).as_deref() {
                Some("lead" | "people") => ValidationReason::SalesNavigatorUrl,
                Some("search") => ValidationReason::SearchPage,
                Some("company") => ValidationReason::CompanyPage,
                _ => ValidationReason::NotLinkedInProfile,
            })
        }
        _ => return Err(ValidationReason::NotLinkedInProfile),
    }
    let raw_slug = second.ok_or(ValidationReason::NotLinkedInProfile)?;
    let slug = percent_decode(raw_slug).ok_or(ValidationReason::BadPercentEncoding)?;
    if slug.is_empty()
        || slug
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "/?#%".contains(c))
    {
        return Err(ValidationReason::NotLinkedInProfile);
    }
    Ok(slug.to_lowercase())
}

/// Decodes `%XX` escapes; `None` for a broken escape (`%` not followed by two hex digits,
/// which [`percent_encoding`] would keep as it is) or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let well_formed = text.split('%').skip(1).all(|after| {
        after
            .as_bytes()
            .get(..2)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

/// Every byte but the unreserved ASCII characters (`A-Z a-z 0-9 - . _ ~`, RFC 3986).
const NOT_UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes every byte but the unreserved ASCII characters, with upper-case hex.
fn percent_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// The rules the spec sets on a string: `minLength`, `maxLength`, `pattern`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StrRules {
    /// `minLength`, in characters.
    pub min_length: Option<usize>,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<&'static str>,
}

impl StrRules {
    /// The rules.
    pub const fn new(
        min_length: Option<usize>,
        max_length: Option<usize>,
        pattern: Option<&'static str>,
    ) -> Self {
        StrRules {
            min_length,
            max_length,
            pattern,
        }
    }
}

/// `value` under `rules`, except the pattern (checked by the generated type).
fn check_lengths(
    field: &'static str,
    value: &str,
    rules: &StrRules,
) -> Result<(), ValidationError> {
    if let Some(max) = rules.max_length {
        max_len(field, value, max)?;
    }
    if let Some(min) = rules.min_length {
        if value.chars().count() < min {
            return Err(ValidationError::new(field, ValidationReason::Empty));
        }
    }
    Ok(())
}

/// Checks `value` under `rules` and returns it (for parameters sent as plain strings).
///
/// # Errors
///
/// The first rule broken.
pub fn checked(
    field: &'static str,
    value: String,
    rules: &StrRules,
) -> Result<String, ValidationError> {
    check_lengths(field, &value, rules)?;
    if let Some(pattern @ r"\S") = rules.pattern {
        // The one pattern the spec uses on a plain string: "not blank", checked without a
        // regular expression engine.
        if value.trim().is_empty() {
            return Err(ValidationError::new(
                field,
                ValidationReason::Pattern { pattern },
            ));
        }
    }
    Ok(value)
}

/// Checks `value` under `rules` and converts it into the generated constrained type `T`,
/// which checks the spec's pattern too; a refusal is a [`ValidationError`], never a panic.
pub(crate) fn to_generated<T>(
    field: &'static str,
    value: String,
    rules: &StrRules,
) -> Result<T, ValidationError>
where
    T: TryFrom<String>,
{
    let value = checked(field, value, rules)?;
    T::try_from(value).map_err(|_| {
        ValidationError::new(
            field,
            ValidationReason::Pattern {
                pattern: rules.pattern.unwrap_or(""),
            },
        )
    })
}

/// A list of `len` elements against the spec's `minItems` and `maxItems`.
///
/// # Errors
///
/// [`ValidationReason::Empty`] for an empty list that needs elements,
/// [`ValidationReason::TooFew`] or [`ValidationReason::TooMany`] otherwise.
pub fn check_items(
    field: &'static str,
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), ValidationError> {
    match (min, max) {
        (Some(min), _) if len == 0 && min > 0 => {
            Err(ValidationError::new(field, ValidationReason::Empty))
        }
        (Some(min), _) if len < min => Err(ValidationError::new(
            field,
            ValidationReason::TooFew { min, actual: len },
        )),
        (_, Some(max)) if len > max => Err(ValidationError::new(
            field,
            ValidationReason::TooMany { max, actual: len },
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ascii_host_the_url_parser_cannot_decode_is_still_a_url() {
        for ok in [
            "http://xN--0.A",
            "https://xn--0.example/hook?x=1",
            "HTTP://xn--0:8080",
        ] {
            assert_eq!(http_url("Url", ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "ftp://xn--0.a",
            "http://xn--0.a b",
            "http://",
            "http:/xn--0.a",
            "https://xn--0_.a",
            "xn--0.a",
        ] {
            let reason = http_url("Url", bad).err().map(|e| e.reason);
            assert_eq!(reason, Some(ValidationReason::NotHttpUrl), "{bad}");
        }
    }

    #[test]
    fn item_counts_within_their_bounds() {
        let reason = |len, min, max| check_items("ids", len, min, max).err().map(|e| e.reason);
        assert_eq!(reason(0, Some(0), Some(5)), None);
        assert_eq!(reason(0, None, Some(5)), None);
        assert_eq!(reason(0, Some(1), None), Some(ValidationReason::Empty));
        assert_eq!(
            reason(1, Some(2), None),
            Some(ValidationReason::TooFew { min: 2, actual: 1 })
        );
        assert_eq!(reason(5, Some(1), Some(5)), None);
        assert_eq!(
            reason(6, Some(1), Some(5)),
            Some(ValidationReason::TooMany { max: 5, actual: 6 })
        );
    }

    #[test]
    fn blank_means_empty_or_only_whitespace() {
        for blank in ["", " ", "\t\r\n", "\u{00A0}\u{2003}"] {
            let err = non_blank("firstName", blank).unwrap_err();
            assert_eq!(err.reason, ValidationReason::Empty, "{blank:?}");
            assert_eq!(err.field, "firstName");
        }
        for not_blank in ["a", " a ", "\u{00A0}x"] {
            assert!(non_blank("firstName", not_blank).is_ok(), "{not_blank:?}");
        }
    }

    #[test]
    fn linkedin_urls_accepted_and_canonical() {
        let canon = |slug: &str| format!("https://www.linkedin.com/in/{slug}");
        for (input, expected) in [
            (
                "https://linkedin.com/in/john-smith-123456",
                canon("john-smith-123456"),
            ),
            ("https://www.linkedin.com/in/john/", canon("john")),
            ("http://uk.linkedin.com/in/jane", canon("jane")),
            ("https://www.LinkedIn.com/in/x?trk=1", canon("x")),
            ("https://www.linkedin.com/mobile/in/x", canon("x")),
            ("https://www.linkedin.com/mobile/in/x/", canon("x")),
            ("www.linkedin.com/in/x", canon("x")),
            ("linkedin.com/in/x", canon("x")),
            ("//www.linkedin.com/in/x", canon("x")),
            ("HTTPS://WWW.LINKEDIN.COM/IN/X", canon("x")),
            (
                "https://de.linkedin.com/in/anna-schmidt?originalSubdomain=de",
                canon("anna-schmidt"),
            ),
            ("https://www.linkedin.com/in/x#experience", canon("x")),
            (
                "https://www.linkedin.com/in/x/details/experience/",
                canon("x"),
            ),
            (
                "https://www.linkedin.com/in/x/overlay/contact-info/",
                canon("x"),
            ),
            (
                "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller/",
                canon("j%C3%BCrgen-m%C3%BCller"),
            ),
            (
                "https://www.linkedin.com/in/J%c3%9cRGEN",
                canon("j%C3%BCrgen"),
            ),
            (
                "https://www.linkedin.com/in/jürgen-müller",
                canon("j%C3%BCrgen-m%C3%BCller"),
            ),
            ("https://m.linkedin.com/in/x", canon("x")),
        ] {
            assert_eq!(
                linkedin_profile_url("linkedInUrl", input),
                Ok(expected),
                "{input}"
            );
        }
        assert_eq!(
            canonical_profile_key("https://www.linkedin.com/in/J%C3%BCrgen"),
            canonical_profile_key("linkedin.com/in/jürgen/")
        );
        assert_eq!(
            canonical_profile_key("linkedin.com/in/jürgen/").as_deref(),
            Some("jürgen")
        );
    }

    #[test]
    fn linkedin_urls_refused_with_a_reason() {
        use ValidationReason::*;
        for (input, reason) in [
            ("", Empty),
            ("  ", Empty),
            (" https://linkedin.com/in/john", SurroundingWhitespace),
            ("https://linkedin.com/in/john smith", NotHttpUrl),
            ("ftp://linkedin.com/in/john", NotHttpUrl),
            ("javascript://linkedin.com/in/john", NotHttpUrl),
            ("https://evil-linkedin.com/in/john", NotLinkedInHost),
            ("https://linkedin.com.evil.com/in/john", NotLinkedInHost),
            ("https://example.com/in/john", NotLinkedInHost),
            ("https://lnkd.in/abc", NotLinkedInHost),
            ("https://127.0.0.1/in/john", NotLinkedInHost),
            ("https://user:pass@www.linkedin.com/in/john", UserInfo),
            ("https://user@www.linkedin.com/in/john", UserInfo),
            ("https://www.linkedin.com:443/in/john", Port),
            ("www.linkedin.com:8080/in/john", Port),
            (
                "https://www.linkedin.com/sales/search/people?query=x",
                SearchPage,
            ),
            (
                "https://www.linkedin.com/search/results/people/?keywords=x",
                SearchPage,
            ),
            ("https://www.linkedin.com/company/acme", CompanyPage),
            ("https://www.linkedin.com/school/mit/", CompanyPage),
            (
                "https://www.linkedin.com/sales/lead/ACwAAA123,NAME_SEARCH,abc",
                SalesNavigatorUrl,
            ),
            (
                "https://www.linkedin.com/sales/people/ACwAAA123,NAME_SEARCH,abc",
                SalesNavigatorUrl,
            ),
            ("https://linkedin.com/in/", NotLinkedInProfile),
            ("https://linkedin.com/sales/", NotLinkedInProfile),
            ("https://linkedin.com/feed/", NotLinkedInProfile),
            (
                "https://linkedin.com/pub/john-smith/1/23/456",
                NotLinkedInProfile,
            ),
            ("https://linkedin.com", NotLinkedInProfile),
            ("https://www.linkedin.com/in/%zz", BadPercentEncoding),
            ("https://www.linkedin.com/in/%FF%FE", BadPercentEncoding),
            ("https://www.linkedin.com/in/a%2Fb", NotLinkedInProfile),
            ("https://www.linkedin.com/sales/company/1035", CompanyPage),
            // Whitespace (escaped, as it must be in a URL) and control characters.
            (
                "https://www.linkedin.com/in/john%20smith",
                NotLinkedInProfile,
            ),
            (
                "https://www.linkedin.com/in/john%C2%A0smith",
                NotLinkedInProfile,
            ),
            (
                "https://www.linkedin.com/in/john%07smith",
                NotLinkedInProfile,
            ),
        ] {
            let err = linkedin_profile_url("linkedInUrl", input).unwrap_err();
            assert_eq!(err.reason, reason, "{input:?}");
            assert_eq!(err.field, "linkedInUrl");
            assert!(canonical_profile_key(input).is_none(), "{input:?}");
        }
    }

    #[test]
    fn lengths_count_chars() {
        assert!(max_len("firstName", &"é".repeat(63), 63).is_ok());
        let err = max_len("firstName", &"é".repeat(64), 63).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `firstName`: at most 63 characters allowed, got 64"
        );
    }

    #[test]
    fn item_counts() {
        assert_eq!(
            check_items("PublicIdentifiers", 0, Some(1), None)
                .unwrap_err()
                .reason,
            ValidationReason::Empty
        );
        assert_eq!(
            check_items("PublicIdentifiers", 21, Some(1), Some(20))
                .unwrap_err()
                .reason,
            ValidationReason::TooMany {
                max: 20,
                actual: 21
            }
        );
        assert!(check_items("PublicIdentifiers", 20, Some(1), Some(20)).is_ok());
        // A minimum above one (no operation has one today; a spec edit may add it): fewer
        // items than that, but not none, are too few; exactly the minimum is enough.
        assert_eq!(
            check_items("Ids", 1, Some(3), None).unwrap_err().reason,
            ValidationReason::TooFew { min: 3, actual: 1 }
        );
        assert!(check_items("Ids", 3, Some(3), None).is_ok());
        let err = checked("x", " ".into(), &StrRules::new(Some(1), None, Some(r"\S")))
            .unwrap_err()
            .at(1);
        assert_eq!(
            err.to_string(),
            "invalid `x`[1]: must not be empty or only whitespace"
        );
    }
}
