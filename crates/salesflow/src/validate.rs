//! Client-side checks, run before any request is sent.
//!
//! The rules come from the spec: every parameter's `minLength`, `maxLength`, `pattern`,
//! `minItems` and `maxItems` is checked by the generated code of each operation (see
//! [`ops`](crate::ops)), with these functions, before anything is sent. Lengths count Unicode
//! scalar values (`char`s), not bytes, as the spec's `maxLength` does. A string parameter
//! with a `format` is checked by the function of this module named after it:
//!
//! - `format: linkedin-profile-url` (ImportMember's `linkedInUrl`):
//!   [`linkedin_profile_url`]: an absolute `http` or `https` URL without surrounding
//!   whitespace, whose host is `linkedin.com` or one of its subdomains (`www.linkedin.com`,
//!   `uk.linkedin.com`, ...), and whose path is either `/in/<slug>` (a public profile;
//!   `<slug>` non-empty) or `/sales/...` (a Sales Navigator profile; something after
//!   `/sales/`).
//! - `format: uri` (CreateWebhook's `Url`): [`http_url`]: an absolute `http` or `https` URL
//!   with a host.
//!
//! A list split into batches (ListContacts by public identifiers) has no maximum length.

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
    /// Not an absolute `http`/`https` URL with a host.
    NotHttpUrl,
    /// An `http(s)` URL, but not a LinkedIn profile (see the [module documentation](self)).
    NotLinkedInProfile,
    /// Leading or trailing whitespace.
    SurroundingWhitespace,
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
                "must be a LinkedIn profile URL (host linkedin.com or a subdomain, path /in/<slug> or /sales/...)",
            ),
            ValidationReason::SurroundingWhitespace => {
                f.write_str("must not have leading or trailing whitespace")
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

fn parse_http_url(field: &'static str, value: &str) -> Result<url::Url, ValidationError> {
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

/// `value` is a LinkedIn profile URL (see the [module documentation](self),
/// `format: linkedin-profile-url`); returns the URL to send.
pub fn linkedin_profile_url(field: &'static str, value: &str) -> Result<String, ValidationError> {
    non_blank(field, value)?;
    let url = parse_http_url(field, value)?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let host_ok = host == "linkedin.com" || host.ends_with(".linkedin.com");
    let mut segments = url.path_segments().into_iter().flatten();
    let path_ok = match (segments.next(), segments.next()) {
        (Some("in"), Some(slug)) => !slug.is_empty(),
        (Some("sales"), Some(rest)) => !rest.is_empty(),
        _ => false,
    };
    if host_ok && path_ok {
        Ok(value.to_owned())
    } else {
        Err(ValidationError::new(
            field,
            ValidationReason::NotLinkedInProfile,
        ))
    }
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
    fn linkedin_urls() {
        for ok in [
            "https://linkedin.com/in/john-smith-123456",
            "https://www.linkedin.com/in/john/",
            "http://uk.linkedin.com/in/jane",
            "https://www.linkedin.com/sales/people/ACwAAA,NAME",
            "https://www.LinkedIn.com/in/x?trk=1",
        ] {
            assert_eq!(
                linkedin_profile_url("linkedInUrl", ok).as_deref(),
                Ok(ok),
                "{ok}"
            );
        }
        for bad in [
            "",
            "  ",
            "linkedin.com/in/john",
            "ftp://linkedin.com/in/john",
            "https://evil-linkedin.com/in/john",
            "https://linkedin.com.evil.com/in/john",
            "https://linkedin.com/company/acme",
            "https://linkedin.com/in/",
            "https://linkedin.com/sales/",
            " https://linkedin.com/in/john",
        ] {
            assert!(linkedin_profile_url("linkedInUrl", bad).is_err(), "{bad:?}");
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
        let err = checked("x", " ".into(), &StrRules::new(Some(1), None, Some(r"\S")))
            .unwrap_err()
            .at(1);
        assert_eq!(
            err.to_string(),
            "invalid `x`[1]: must not be empty or only whitespace"
        );
    }
}
