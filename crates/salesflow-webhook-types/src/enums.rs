//! Forward-compatible enums: each keeps a value it does not know instead of failing.
//!
//! The vendor adds values over time. Every enum here has an `Unknown` variant holding the raw
//! value, which re-encodes exactly as it was received. Build values with
//! [`FromStr`]/[`From`] (or by deserializing) rather than writing `Unknown("CAMPAIGN_RUNNING")`
//! by hand: the conversions map a known value to its named variant, and two values compare
//! equal only if they are the same variant.
//!
//! The string enums are decoded from a JSON string. A JSON integer (the API never sends one
//! for these fields) is accepted rather than failing the whole response, as an `Unknown`
//! holding its decimal digits, and is re-encoded as a string.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Defines a forward-compatible enum encoded as a JSON string.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $value:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                #[doc = ""]
                #[doc = concat!("Encoded as `\"", $value, "\"`.")]
                $variant,
            )+
            /// A value this version of the crate does not know, kept as received.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            /// The value as it is encoded.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Unknown(raw) => raw,
                }
            }

            /// Whether the value is not known to this version of the crate.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                match raw {
                    $($value => Self::$variant,)+
                    _ => Self::Unknown(raw.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(raw: String) -> Self {
                match raw.as_str() {
                    $($value => Self::$variant,)+
                    _ => Self::Unknown(raw),
                }
            }
        }

        impl FromStr for $name {
            type Err = Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value: Self =
                    deserializer.deserialize_any(StringEnumVisitor::new(stringify!($name)))?;
                if value.is_unknown() {
                    crate::drift::mark();
                }
                Ok(value)
            }
        }

        /// Notes an unknown value (its code, when it has a code's shape: see [`crate::drift`]).
        impl crate::drift::Walk for $name {
            #[inline]
            fn walk(&self, at: &mut crate::drift::Cursor<'_>) {
                if let Self::Unknown(raw) = self {
                    at.unknown_code(stringify!($name), raw);
                }
            }
        }

        json_schema_for!($name, {
            "type": "string",
            "description": concat!(
                "Known values: ",
                string_enum!(@join $($value),+),
                ". Other values may appear and are valid."
            ),
            "examples": [$($value),+]
        });
    };
    (@join $first:literal $(, $rest:literal)*) => {
        concat!($first $(, ", ", $rest)*)
    };
}

/// Deserializes a string enum from a JSON string; a JSON integer (never sent by the API, but
/// accepted rather than failing) becomes an unknown value holding its decimal digits.
struct StringEnumVisitor<T> {
    name: &'static str,
    marker: std::marker::PhantomData<fn() -> T>,
}

impl<T> StringEnumVisitor<T> {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T: From<String> + for<'a> From<&'a str>> de::Visitor<'_> for StringEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string ({})", self.name)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        // A known value allocates nothing.
        Ok(T::from(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok(T::from(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok(T::from(v.to_string()))
    }
}

/// Defines [`RunOn`] from the spec's events (`generated/enums.rs`).
macro_rules! run_on {
    (
        $(
            $(#[$variant_meta:meta])*
            $variant:ident = $code:literal {
                name: $name:literal,
                payload_name: $payload:expr,
                assumed_payload_name: $assumed:expr,
                segment: $segment:expr,
                aliases: [$($alias:literal),*],
            }
        )+
    ) => {
        /// A webhook event: the one type for the idea, whatever encodes it.
        ///
        /// Three encodings meet it:
        /// - the integer `runOn` of AttachWebhook and of `AttachedWebhookCampaigns` ([`code`](Self::code),
        ///   `From<i64>`; what `Serialize`/`Deserialize` use, as a JSON integer; decoding also accepts
        ///   the event's name, `"MEMBER_CONNECTED"`, and the integer as a string, `"2"`);
        /// - the name the webhook payload's `IntegrationRunOn` carries
        ///   ([`payload_name`](Self::payload_name), [`from_payload_name`](Self::from_payload_name)):
        ///   the vendor documents it only for [`MemberConnected`](Self::MemberConnected)
        ///   (`INTEGRATION_RUN_ON_CONNECTED`); for the other events the names are unpublished, so a
        ///   receiver cannot tell them apart from the payload;
        /// - a path segment of the receiver's URL ([`path_segment`](Self::path_segment),
        ///   [`from_path_segment`](Self::from_path_segment)): how a receiver tells every event apart
        ///   using only what the vendor documents. Attach one webhook **per event**, each with its own
        ///   URL ending in the event's segment (`.../member-connected`, `.../reply-detected`,
        ///   `.../invitation-withdrawn`; the `salesflow` crate's `Client::attach_webhooks_per_event`
        ///   does it), and route by the segment: the `runOn` of the attachment that fired is then in the
        ///   URL the vendor calls.
        ///
        /// ```
        /// use salesflow_webhook_types::RunOn;
        /// assert_eq!(RunOn::from(2), RunOn::ReplyDetected);
        /// assert_eq!(RunOn::ReplyDetected.path_segment(), "reply-detected");
        /// assert_eq!(RunOn::from_path_segment("reply-detected"), Some(RunOn::ReplyDetected));
        /// assert_eq!(RunOn::ReplyDetected.payload_name(), None); // undocumented by the vendor
        /// assert_eq!(
        ///     RunOn::from_payload_name("INTEGRATION_RUN_ON_CONNECTED"),
        ///     Some(RunOn::MemberConnected)
        /// );
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum RunOn {
            $(
                $(#[$variant_meta])*
                $variant,
            )+
            /// An event code this version of the crate does not know, kept as received.
            Unknown(i64),
        }

        impl RunOn {
            /// Every known value, in the spec's order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            /// The integer code.
            pub const fn code(&self) -> i64 {
                match self {
                    $(Self::$variant => $code,)+
                    Self::Unknown(code) => *code,
                }
            }

            /// The event's name in the vendor's reference (`"MEMBER_CONNECTED"`), or `None`
            /// for an unknown code.
            pub const fn name(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => Some($name),)+
                    Self::Unknown(_) => None,
                }
            }

            /// The name the webhook payload's `IntegrationRunOn` carries for this event, when
            /// the vendor documents it (`INTEGRATION_RUN_ON_CONNECTED` for
            /// [`MemberConnected`](Self::MemberConnected)); `None` when it is unpublished.
            pub const fn payload_name(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => $payload,)+
                    Self::Unknown(_) => None,
                }
            }

            /// The `IntegrationRunOn` a simulation sends (the mock): the documented name, or
            /// the spec's assumption for an event whose name is unpublished. **Not** for
            /// telling events apart: see [`path_segment`](Self::path_segment).
            pub const fn assumed_payload_name(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => match $payload {
                        Some(name) => Some(name),
                        None => $assumed,
                    },)+
                    Self::Unknown(_) => None,
                }
            }

            /// Other names the spec gives the event, for people: `connected`, `reply`.
            pub const fn aliases(&self) -> &'static [&'static str] {
                match self {
                    $(Self::$variant => &[$($alias),*],)+
                    Self::Unknown(_) => &[],
                }
            }

            /// The named path segment of an event of 0.1 (`member-connected`).
            const fn named_segment(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => $segment,)+
                    Self::Unknown(_) => None,
                }
            }
        }

        impl From<i64> for RunOn {
            fn from(code: i64) -> Self {
                match code {
                    $($code => Self::$variant,)+
                    other => Self::Unknown(other),
                }
            }
        }

        json_schema_for!(RunOn, {
            "type": "integer",
            "format": "int64",
            "description": concat!(
                "A webhook event. Known codes: ",
                $(stringify!($code), " (", $name, "), ",)+
                "other codes may appear and are valid."
            ),
            "examples": [$($code),+]
        });
    };
}

include!("generated/enums.rs");

impl RunOn {
    /// Whether the code is not known to this version of the crate.
    pub const fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }

    /// The known event with this name (`"MEMBER_CONNECTED"`), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::KNOWN
            .iter()
            .copied()
            .find(|known| known.name() == Some(name))
    }

    /// The event whose documented payload name is `name`; `None` for any other name (the
    /// names of the other events are unpublished: see the [type's documentation](Self)).
    pub fn from_payload_name(name: &str) -> Option<Self> {
        Self::KNOWN
            .iter()
            .copied()
            .find(|known| known.payload_name() == Some(name))
    }

    /// The path segment that names this event in a receiver's URL: `member-connected`,
    /// `reply-detected`, `invitation-withdrawn` for the events of 0.1, `run-on-<code>` for any
    /// other, known or not. An event's segment never changes when this crate learns it: a URL
    /// attached while the code was unknown keeps its meaning.
    pub fn path_segment(&self) -> std::borrow::Cow<'static, str> {
        match self.named_segment() {
            Some(segment) => segment.into(),
            None => format!("run-on-{}", self.code()).into(),
        }
    }

    /// The event a path segment names (the inverse of [`path_segment`](Self::path_segment)).
    /// `run-on-<code>` is read for every code, known or not, so a receiver answers the URLs
    /// attached by any version.
    pub fn from_path_segment(segment: &str) -> Option<Self> {
        if let Some(known) = Self::KNOWN
            .iter()
            .copied()
            .find(|known| known.named_segment() == Some(segment))
        {
            return Some(known);
        }
        let code = segment.strip_prefix("run-on-")?;
        // The form `path_segment` writes only: no sign, no leading zero, no spaces.
        let canonical = code.parse::<i64>().ok().filter(|c| c.to_string() == code)?;
        Some(Self::from(canonical))
    }

    /// The event a person or a config names, leniently: its name in any case, with `-` or `_`
    /// (`member-connected`, `MEMBER_CONNECTED`), a short alias from the spec (`connected`,
    /// `reply`, `withdrawn`), a path segment (`run-on-8`), or an integer code (`7`, any code).
    /// What the CLI and the mock accept.
    pub fn from_any_name(text: &str) -> Option<Self> {
        let text = text.trim();
        let folded = text.to_ascii_uppercase().replace('-', "_");
        Self::KNOWN
            .iter()
            .copied()
            .find(|known| {
                known.name() == Some(folded.as_str())
                    || known.aliases().iter().any(|a| a.eq_ignore_ascii_case(text))
            })
            .or_else(|| Self::from_path_segment(text))
            .or_else(|| text.parse::<i64>().ok().map(Self::from))
    }
}

/// `Unknown(0)`: code 0 is no event. A placeholder for values built field by field, never
/// what the API sends.
impl Default for RunOn {
    fn default() -> Self {
        Self::Unknown(0)
    }
}

impl From<RunOn> for i64 {
    fn from(run_on: RunOn) -> Self {
        run_on.code()
    }
}

/// Displays the name for a known event (`MEMBER_CONNECTED`) and the code for an unknown one
/// (`12`); both parse back with [`FromStr`].
impl fmt::Display for RunOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{}", self.code()),
        }
    }
}

/// Why a text is not a [`RunOn`]: it is neither a known event name nor an integer.
///
/// Unlike the string enums, [`RunOn`] can only keep an unknown *code*, so an unknown name
/// cannot be kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is neither a known webhook event name nor an integer code")]
pub struct ParseRunOnError {
    input: String,
}

impl ParseRunOnError {
    /// The text that could not be read.
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// Reads a known name (`"MEMBER_CONNECTED"`) or an integer (`"7"`, any code).
impl FromStr for RunOn {
    type Err = ParseRunOnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(known) = Self::from_name(s) {
            return Ok(known);
        }
        s.parse::<i64>()
            .map(Self::from)
            .map_err(|_| ParseRunOnError {
                input: s.chars().take(64).collect(),
            })
    }
}

impl Serialize for RunOn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for RunOn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl de::Visitor<'_> for Visitor {
            type Value = RunOn;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a webhook event: an integer code or a name such as \"MEMBER_CONNECTED\"",
                )
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RunOn, E> {
                Ok(RunOn::from(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RunOn, E> {
                i64::try_from(v)
                    .map(RunOn::from)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RunOn, E> {
                v.parse().map_err(E::custom)
            }
        }

        let value = deserializer.deserialize_any(Visitor)?;
        if value.is_unknown() {
            crate::drift::mark();
        }
        Ok(value)
    }
}

/// Notes an unknown code (when it has a code's shape: see [`crate::drift`]).
impl crate::drift::Walk for RunOn {
    #[inline]
    fn walk(&self, at: &mut crate::drift::Cursor<'_>) {
        if let Self::Unknown(code) = self {
            at.unknown_integer("RunOn", *code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_lists_match_conversions() {
        for value in CampaignStatus::KNOWN {
            assert_eq!(&CampaignStatus::from(value.as_str()), value);
            assert!(!value.is_unknown());
        }
        for value in RunOn::KNOWN {
            assert_eq!(&RunOn::from(value.code()), value);
            assert_eq!(
                RunOn::from_name(value.name().unwrap_or_default()),
                Some(*value)
            );
        }
        assert!(!Distance::KNOWN.is_empty());
    }

    #[test]
    fn run_on_display_parses_back() {
        for value in [
            RunOn::MemberConnected,
            RunOn::Unknown(-3),
            RunOn::Unknown(9999),
        ] {
            assert_eq!(value.to_string().parse::<RunOn>(), Ok(value));
        }
        assert!("ZZ_NOT_A_VALUE".parse::<RunOn>().is_err());
    }
}
