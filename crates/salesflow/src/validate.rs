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
//! - **LinkedIn profile URL** ([`NewMember`](crate::NewMember)): an absolute `http` or
//!   `https` URL without surrounding whitespace, whose host is `linkedin.com` or one of its
//!   subdomains (`www.linkedin.com`, `uk.linkedin.com`, ...), and whose path is either
//!   `/in/<slug>` (a public profile; `<slug>` non-empty) or `/sales/...` (a Sales Navigator
//!   profile; something after `/sales/`).
//! - **ImportMember**'s other fields are not limited by the reference, so they are not
//!   checked.

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

/// `value` is a LinkedIn profile URL (see the [module documentation](self)).
pub fn linkedin_url(field: &'static str, value: &str) -> Result<(), ValidationError> {
    non_blank(field, value)?;
    let url = http_url(field, value)?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let host_ok = host == "linkedin.com" || host.ends_with(".linkedin.com");
    let mut segments = url.path_segments().into_iter().flatten();
    let path_ok = match (segments.next(), segments.next()) {
        (Some("in"), Some(slug)) => !slug.is_empty(),
        (Some("sales"), Some(rest)) => !rest.is_empty(),
        _ => false,
    };
    if host_ok && path_ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            ValidationReason::NotLinkedInProfile,
        ))
    }
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
    fn linkedin_urls() {
        for ok in [
            "https://linkedin.com/in/john-smith-123456",
            "https://www.linkedin.com/in/john/",
            "http://uk.linkedin.com/in/jane",
            "https://www.linkedin.com/sales/people/ACwAAA,NAME",
            "https://www.LinkedIn.com/in/x?trk=1",
        ] {
            assert_eq!(linkedin_url("linkedInUrl", ok), Ok(()), "{ok}");
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
            assert!(linkedin_url("linkedInUrl", bad).is_err(), "{bad:?}");
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
