//! Client-side checks, run before any request is sent.
//!
//! The rules:
//!
//! - **UpdateContact** ([`ContactUpdate`](crate::ContactUpdate)): `firstName` and `lastName`
//!   at most 63 characters, `location` at most 127, `occupation`, `industry`, `email` and
//!   `phone` at most 1023. Lengths count Unicode scalar values (`char`s), not bytes.
//! - **CreateWebhook** ([`NewWebhook`](crate::NewWebhook)): `Name` 1 to 255 characters;
//!   `Url` 1 to 511 characters and an absolute `http` or `https` URL with a host.
//! - **Public identifiers**: a single identifier must not be empty or only whitespace; a list
//!   must not be empty and no element may be empty or only whitespace (the error names the
//!   first bad index).
//! - **ImportMember** ([`NewMember::validate`](crate::NewMember::validate)): the LinkedIn
//!   profile URL rule below, and the maximum lengths of [`MEMBER_FIELD_LIMITS`]. The
//!   reference documents these limits for UpdateContact's fields of the same names; we apply
//!   them to ImportMember too (the same contact fields end up in the same record), and give
//!   the custom fields, for which nothing is documented, 1023 like the other free-text
//!   fields.
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

/// `value` is an absolute `http`/`https` URL with a host.
pub fn http_url(field: &'static str, value: &str) -> Result<url::Url, ValidationError> {
    if value.trim() != value {
        return Err(ValidationError::new(
            field,
            ValidationReason::SurroundingWhitespace,
        ));
    }
    let url = url::Url::parse(value)
        .map_err(|_| ValidationError::new(field, ValidationReason::NotHttpUrl))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(ValidationError::new(field, ValidationReason::NotHttpUrl));
    }
    Ok(url)
}

/// `value` is a LinkedIn profile URL (see the [module documentation](self)). Kept for
/// callers that only need the yes or no; [`linkedin_profile_url`] also gives the URL to send.
pub fn linkedin_url(field: &'static str, value: &str) -> Result<(), ValidationError> {
    linkedin_profile_url(field, value).map(drop)
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

/// What every canonical profile URL starts with.
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
        match value.split_once("://") {
            // Another scheme (`ftp://`, `javascript://`).
            Some((scheme, _))
                if !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                return Err(ValidationReason::NotHttpUrl);
            }
            Some(_) => return Err(ValidationReason::NotHttpUrl),
            None => value,
        }
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

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes every byte but the unreserved ASCII characters (`A-Z a-z 0-9 - . _ ~`).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The maximum length, in characters, of one field of a member to import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldLimit {
    /// The field, by its name on the wire.
    pub field: &'static str,
    /// The most characters (Unicode scalar values) it may have.
    pub max_chars: usize,
}

/// The maximum lengths checked by [`NewMember::validate`](crate::NewMember::validate), by
/// field name on the wire. The reference documents 63 / 63 / 127 / 1023 for UpdateContact's
/// `firstName`, `lastName`, `location` and `occupation`; we apply them to the same fields
/// of ImportMember, and 1023 to each custom field (none is documented for them).
pub const MEMBER_FIELD_LIMITS: [FieldLimit; 14] = [
    FieldLimit {
        field: "firstName",
        max_chars: 63,
    },
    FieldLimit {
        field: "lastName",
        max_chars: 63,
    },
    FieldLimit {
        field: "location",
        max_chars: 127,
    },
    FieldLimit {
        field: "occupation",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom1",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom2",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom3",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom4",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom5",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom6",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom7",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom8",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom9",
        max_chars: 1023,
    },
    FieldLimit {
        field: "custom10",
        max_chars: 1023,
    },
];

/// The limit of a member field, by its name on the wire (`None` for a field without one).
pub fn member_field_limit(field: &str) -> Option<usize> {
    MEMBER_FIELD_LIMITS
        .iter()
        .find(|l| l.field == field)
        .map(|l| l.max_chars)
}

/// A list of public identifiers: non-empty, no blank element.
pub fn identifiers(field: &'static str, ids: &[String]) -> Result<(), ValidationError> {
    if ids.is_empty() {
        return Err(ValidationError::new(field, ValidationReason::Empty));
    }
    for (i, id) in ids.iter().enumerate() {
        non_blank(field, id).map_err(|e| e.at(i))?;
    }
    Ok(())
}

/// Converts an already validated value into one of the generated constrained newtypes; a
/// residual refusal becomes a [`ValidationError`] (never a panic).
pub(crate) fn into_generated<T>(
    field: &'static str,
    value: &str,
    reason: impl FnOnce() -> ValidationReason,
) -> Result<T, ValidationError>
where
    T: for<'a> TryFrom<&'a str>,
{
    T::try_from(value).map_err(|_| ValidationError::new(field, reason()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn identifier_lists() {
        assert_eq!(
            identifiers("PublicIdentifiers", &[]).unwrap_err().reason,
            ValidationReason::Empty
        );
        let err = identifiers("PublicIdentifiers", &["a".into(), " ".into()]).unwrap_err();
        assert_eq!(err.index, Some(1));
        assert_eq!(
            err.to_string(),
            "invalid `PublicIdentifiers`[1]: must not be empty"
        );
    }
}
