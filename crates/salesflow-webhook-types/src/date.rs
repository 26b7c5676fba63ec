//! Dates as the API writes them.
//!
//! - [`DotNetDate`]: the .NET JSON form `"/Date(1618336539820)/"` (milliseconds since the Unix
//!   epoch, UTC, optionally followed by an informational offset such as `-0500`), used by
//!   `UpdatedAt` in campaign statistics.
//! - [`FlexibleDate`]: for fields whose format the vendor never documented (`LastModifiedAt`,
//!   `AddedAt`) and for sending `UpdatedFromDate`: reads the .NET form or ISO 8601, writes
//!   RFC 3339.
//!
//! Both read both forms (one parser serves both); they differ in how they are written.
//!
//! ISO 8601 input accepted: RFC 3339 (`2021-02-18T15:33:44.5905705+00:00`, `...Z`, any
//! number of fractional digits), an offset without a colon (`+0000`), a space instead of the
//! `T`, a date and time without an offset (`2021-02-18T15:33:44.59`, taken as UTC), and a
//! date alone (`2021-02-18`, midnight UTC). Surrounding whitespace is ignored.

use std::fmt;
use std::str::FromStr;

use chrono::format::{Parsed, StrftimeItems};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, TimeDelta, TimeZone, Utc};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseDateError {
    /// The text is empty or only whitespace.
    #[error("date is empty")]
    Empty,
    /// The text starts like a .NET date (`/Date(`) but is not one.
    #[error("malformed .NET date `{input}`")]
    MalformedDotNet {
        /// The text (at most its first 64 characters).
        input: String,
    },
    /// A well-formed date that cannot be represented: milliseconds or offset out of range.
    #[error("date `{input}` is out of range")]
    OutOfRange {
        /// The text (at most its first 64 characters).
        input: String,
    },
    /// The text is neither a .NET date nor an ISO 8601 date.
    #[error("`{input}` is neither a .NET date nor an ISO 8601 date")]
    Unrecognized {
        /// The text (at most its first 64 characters).
        input: String,
    },
}

/// The first characters of `input`, for an error message.
fn excerpt(input: &str) -> String {
    input.chars().take(64).collect()
}

/// The parser shared by [`DotNetDate`] and [`FlexibleDate`]: the .NET form or ISO 8601.
fn parse_any(input: &str) -> Result<DateTime<FixedOffset>, ParseDateError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ParseDateError::Empty);
    }
    // `\/Date(...)\/` is how .NET escapes it in JSON; a JSON decoder already removed the
    // backslashes, but accept the raw form too.
    let dotnet = s
        .strip_prefix("/Date(")
        .and_then(|rest| rest.strip_suffix(")/"))
        .or_else(|| {
            s.strip_prefix("\\/Date(")
                .and_then(|rest| rest.strip_suffix(")\\/"))
        });
    if let Some(inner) = dotnet {
        return parse_dotnet_inner(inner, s);
    }
    if s.starts_with("/Date(") || s.starts_with("\\/Date(") {
        return Err(ParseDateError::MalformedDotNet { input: excerpt(s) });
    }
    parse_iso(s)
}

/// Parses what is between `/Date(` and `)/`: signed milliseconds, then an optional offset
/// `[+-]HHMM`.
fn parse_dotnet_inner(inner: &str, whole: &str) -> Result<DateTime<FixedOffset>, ParseDateError> {
    let malformed = || ParseDateError::MalformedDotNet {
        input: excerpt(whole),
    };
    let out_of_range = || ParseDateError::OutOfRange {
        input: excerpt(whole),
    };

    let sign_len = usize::from(inner.starts_with(['-', '+']));
    let digits_len = inner
        .bytes()
        .skip(sign_len)
        .take_while(u8::is_ascii_digit)
        .count();
    if digits_len == 0 {
        return Err(malformed());
    }
    // The bytes before `millis_end` are ASCII, so it is a char boundary.
    let (millis_text, offset_text) = inner
        .split_at_checked(sign_len + digits_len)
        .ok_or_else(malformed)?;
    let millis: i64 = millis_text.parse().map_err(|_| out_of_range())?;

    let offset_seconds = match offset_text.as_bytes() {
        [] => 0,
        [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(malformed());
            }
            let [h1, h2, m1, m2] = digits.map(|d| i32::from(d - b'0'));
            let (hours, minutes) = (h1 * 10 + h2, m1 * 10 + m2);
            if hours > 23 || minutes > 59 {
                return Err(malformed());
            }
            let seconds = hours * 3600 + minutes * 60;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return Err(malformed()),
    };

    let offset = FixedOffset::east_opt(offset_seconds).ok_or_else(malformed)?;
    let utc = DateTime::<Utc>::from_timestamp_millis(millis).ok_or_else(out_of_range)?;
    with_offset(utc, offset).ok_or_else(out_of_range)
}

/// `utc` seen with `offset`, if its local date and time can be represented.
fn with_offset(utc: DateTime<Utc>, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    utc.naive_utc()
        .checked_add_signed(TimeDelta::seconds(i64::from(offset.local_minus_utc())))?;
    Some(utc.with_timezone(&offset))
}

/// ISO 8601 in the forms listed in the module documentation, years 0000 to 9999 (what
/// ISO 8601 writes without an agreed expansion, and what RFC 3339 can print back).
fn parse_iso(s: &str) -> Result<DateTime<FixedOffset>, ParseDateError> {
    let dt = parse_iso_any_year(s)?;
    if (0..=9999).contains(&dt.year()) {
        Ok(dt)
    } else {
        Err(ParseDateError::Unrecognized { input: excerpt(s) })
    }
}

fn parse_iso_any_year(s: &str) -> Result<DateTime<FixedOffset>, ParseDateError> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt);
    }
    // Each with an offset (`%z`) first, then each without one (read as UTC).
    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    for offset in ["%z", ""] {
        for format in FORMATS {
            let mut parsed = Parsed::new();
            let items = StrftimeItems::new(format).chain(StrftimeItems::new(offset));
            if chrono::format::parse(&mut parsed, s, items).is_err() {
                continue;
            }
            let dt = if offset.is_empty() {
                parsed
                    .to_naive_datetime_with_offset(0)
                    .map(|naive| naive.and_utc().fixed_offset())
            } else {
                parsed.to_datetime()
            };
            if let Ok(dt) = dt {
                return Ok(dt);
            }
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(naive) = date.and_hms_opt(0, 0, 0) {
            return Ok(naive.and_utc().fixed_offset());
        }
    }
    Err(ParseDateError::Unrecognized { input: excerpt(s) })
}

/// `dt` with its offset truncated to whole minutes (neither form can write offset seconds).
fn whole_minute_offset(dt: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let seconds = dt.offset().local_minus_utc();
    if seconds % 60 == 0 {
        return dt;
    }
    match FixedOffset::east_opt(seconds - seconds % 60) {
        Some(offset) => offset.from_utc_datetime(&dt.naive_utc()),
        None => dt,
    }
}

/// `dt` truncated to whole milliseconds (towards the past) with a whole-minute offset.
fn whole_millis(dt: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let dt = whole_minute_offset(dt);
    DateTime::<Utc>::from_timestamp_millis(dt.timestamp_millis())
        .and_then(|utc| with_offset(utc, *dt.offset()))
        .unwrap_or(dt)
}

/// Writes `/Date(millis)/`, with `±HHMM` before `)/` when the offset is not zero.
fn write_dotnet(dt: &DateTime<FixedOffset>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "/Date({}", dt.timestamp_millis())?;
    let seconds = dt.offset().local_minus_utc();
    if seconds != 0 {
        let sign = if seconds < 0 { '-' } else { '+' };
        let abs = seconds.unsigned_abs();
        write!(f, "{sign}{:02}{:02}", abs / 3600, abs % 3600 / 60)?;
    }
    f.write_str(")/")
}

/// Deserializes a date from a string (either form) or from an integer (milliseconds since
/// the epoch, UTC).
struct DateVisitor(&'static str);

impl de::Visitor<'_> for DateVisitor {
    type Value = DateTime<FixedOffset>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {}: \"/Date(milliseconds)/\" or an ISO 8601 date",
            self.0
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_any(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        DateTime::<Utc>::from_timestamp_millis(v)
            .map(|utc| utc.fixed_offset())
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .ok()
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .map(|utc| utc.fixed_offset())
            .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
}

/// Defines the API shared by the two date types.
macro_rules! date_type {
    ($name:ident, $normalize:path, $what:literal) => {
        impl $name {
            #[doc = concat!("A ", $what, " for this date and time.")]
            pub fn new(datetime: DateTime<FixedOffset>) -> Self {
                Self($normalize(datetime))
            }

            #[doc = concat!(
                "The ", $what, " `millis` milliseconds after the Unix epoch, in UTC; `None` if ",
                "out of range."
            )]
            pub fn from_millis(millis: i64) -> Option<Self> {
                DateTime::<Utc>::from_timestamp_millis(millis).map(Self::from)
            }

            /// Milliseconds since the Unix epoch (negative before 1970).
            pub fn timestamp_millis(&self) -> i64 {
                self.0.timestamp_millis()
            }

            /// The date and time, with its offset.
            pub fn as_datetime(&self) -> DateTime<FixedOffset> {
                self.0
            }

            /// The date and time, with its offset.
            pub fn into_inner(self) -> DateTime<FixedOffset> {
                self.0
            }

            /// The same instant in UTC.
            pub fn to_utc(&self) -> DateTime<Utc> {
                self.0.with_timezone(&Utc)
            }
        }

        /// The Unix epoch, `1970-01-01T00:00:00Z`: a placeholder for values built field by
        /// field, never a date the API sent.
        impl Default for $name {
            fn default() -> Self {
                Self(DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
            }
        }

        impl From<DateTime<FixedOffset>> for $name {
            fn from(datetime: DateTime<FixedOffset>) -> Self {
                Self::new(datetime)
            }
        }

        impl From<DateTime<Utc>> for $name {
            fn from(datetime: DateTime<Utc>) -> Self {
                Self::new(datetime.fixed_offset())
            }
        }

        impl From<$name> for DateTime<FixedOffset> {
            fn from(date: $name) -> Self {
                date.0
            }
        }

        impl From<$name> for DateTime<Utc> {
            fn from(date: $name) -> Self {
                date.to_utc()
            }
        }

        /// Reads the .NET form or ISO 8601 (see the [module documentation](self)).
        impl FromStr for $name {
            type Err = ParseDateError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_any(s).map(Self::new)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        /// Reads a string in the .NET form or ISO 8601, or an integer (milliseconds since
        /// the epoch, UTC).
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer
                    .deserialize_any(DateVisitor(stringify!($name)))
                    .map(Self::new)
            }
        }
    };
}

/// A date in the .NET JSON form, `"/Date(1618336539820)/"`.
///
/// The milliseconds are UTC; an offset suffix (`"/Date(1618336539820-0500)/"`) only says in
/// which offset the date was seen, and is kept here as the offset of the
/// [`DateTime<FixedOffset>`]. Decoding also accepts ISO 8601 (see the
/// [module documentation](self)).
///
/// The value has millisecond precision: [`new`](Self::new) truncates finer precision towards
/// the past, and an offset to whole minutes, so that what is written reads back equal.
/// Equality and ordering compare instants, not offsets (as [`DateTime`] does).
///
/// It is written (by [`Display`](fmt::Display) and [`Serialize`]) in the .NET form, with the
/// offset suffix only when the offset is not zero.
///
/// ```
/// use salesflow_webhook_types::DotNetDate;
///
/// let date: DotNetDate = "/Date(1618336539820)/".parse()?;
/// assert_eq!(date.to_utc().to_rfc3339(), "2021-04-13T17:55:39.820+00:00");
/// assert_eq!(date.to_string(), "/Date(1618336539820)/");
///
/// let local: DotNetDate = "/Date(1618336539820-0500)/".parse()?;
/// assert_eq!(local, date); // the same instant
/// assert_eq!(local.to_string(), "/Date(1618336539820-0500)/");
/// # Ok::<(), salesflow_webhook_types::ParseDateError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DotNetDate(DateTime<FixedOffset>);

date_type!(DotNetDate, whole_millis, "`DotNetDate`");

impl fmt::Display for DotNetDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_dotnet(&self.0, f)
    }
}

/// A date whose format is not documented: read from the .NET form or ISO 8601, written as
/// RFC 3339.
///
/// Used for `LastModifiedAt` and `AddedAt`, and to send `UpdatedFromDate`. Decoding accepts
/// everything listed in the [module documentation](self); a date and time without an offset
/// is UTC. It is written (by [`Display`](fmt::Display) and [`Serialize`]) as RFC 3339 with
/// as many fractional digits as needed (0, 3, 6 or 9) and `Z` for UTC, e.g.
/// `2021-02-18T15:33:44.590570500Z`. Offsets are truncated to whole minutes. Equality and
/// ordering compare instants. ISO 8601 input is read for years 0000–9999; a date outside
/// them (from the .NET form, or built in code) is written in the .NET form, with millisecond
/// precision, since RFC 3339 has no room for it (two fuzz findings).
///
/// ```
/// use salesflow_webhook_types::FlexibleDate;
///
/// let iso: FlexibleDate = "2021-02-18T15:33:44.59".parse()?;
/// let dotnet: FlexibleDate = "/Date(1613662424590)/".parse()?;
/// assert_eq!(iso, dotnet);
/// assert_eq!(iso.to_string(), "2021-02-18T15:33:44.590Z");
/// # Ok::<(), salesflow_webhook_types::ParseDateError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlexibleDate(DateTime<FixedOffset>);

date_type!(FlexibleDate, whole_minute_offset, "`FlexibleDate`");

impl fmt::Display for FlexibleDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if (0..=9999).contains(&self.0.year()) {
            f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        } else {
            write_dotnet(&self.0, f)
        }
    }
}

impl From<DotNetDate> for FlexibleDate {
    fn from(date: DotNetDate) -> Self {
        Self::new(date.0)
    }
}

impl From<FlexibleDate> for DotNetDate {
    /// Truncates to whole milliseconds.
    fn from(date: FlexibleDate) -> Self {
        Self::new(date.0)
    }
}

json_schema_for!(DotNetDate, {
    "type": "string",
    "description": ".NET JSON date: \"/Date(<milliseconds since the Unix epoch, UTC>)/\", \
        optionally with an informational offset before \")/\" (\"/Date(1618336539820-0500)/\"). \
        ISO 8601 is accepted too.",
    "examples": ["/Date(1618336539820)/"]
});

json_schema_for!(FlexibleDate, {
    "type": "string",
    "description": "A date in ISO 8601 (RFC 3339, or without an offset meaning UTC, or a date alone) \
        or in the .NET form \"/Date(<milliseconds>)/\".",
    "examples": ["2021-02-18T15:33:44.5905705+00:00", "/Date(1618336539820)/"]
});

/// Serde helpers for an `Option<DateTime<FixedOffset>>` field read like a [`FlexibleDate`]
/// and written as RFC 3339.
pub(crate) mod flexible_option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<DateTime<FixedOffset>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(datetime) => serializer.serialize_some(&FlexibleDate::new(*datetime)),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        Option::<FlexibleDate>::deserialize(deserializer)
            .map(|date| date.map(FlexibleDate::into_inner))
    }

    /// [`deserialize`] as a `DeserializeSeed`: how the generated `Deserialize` of the
    /// payload (`generated/payload_de.rs`) reads a field marked
    /// `#[serde(with = "crate::date::flexible_option")]`, without writing its type.
    pub(crate) struct Seed;

    impl<'de> de::DeserializeSeed<'de> for Seed {
        type Value = Option<DateTime<FixedOffset>>;

        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserialize(deserializer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_is_truncated_to_minutes() {
        let offset = FixedOffset::east_opt(-(5 * 3600 + 30 * 60 + 15)).unwrap();
        let dt = offset.timestamp_millis_opt(0).unwrap();
        let date = DotNetDate::new(dt);
        assert_eq!(
            date.as_datetime().offset().local_minus_utc(),
            -(5 * 3600 + 30 * 60)
        );
        assert_eq!(date.to_string(), "/Date(0-0530)/");
        assert_eq!(date.to_string().parse::<DotNetDate>().unwrap(), date);
    }

    #[test]
    fn sub_millisecond_precision_is_truncated_towards_the_past() {
        let dt = DateTime::parse_from_rfc3339("1969-12-31T23:59:59.9995Z").unwrap();
        let date = DotNetDate::new(dt);
        assert_eq!(date.timestamp_millis(), -1);
        assert_eq!(date.to_string(), "/Date(-1)/");
    }

    #[test]
    fn excerpt_is_bounded() {
        assert_eq!(excerpt(&"é".repeat(100)).chars().count(), 64);
    }
}
