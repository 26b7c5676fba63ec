//! The status of a campaign member: a .NET flags enum.
//!
//! The API writes a member's `Status` the way .NET writes a `[Flags]` enum: the names of the
//! set bits joined by `", "` (`"MEMBER_PENDING, MEMBER_ERROR"`), or `"MEMBER_NOT_SET"` when no
//! bit is set. [`MemberFlags`] holds the bits; [`MemberStatus`] adds the names this version of
//! the crate does not know, so that a value the vendor adds later neither fails decoding nor is
//! silently lost.

use std::fmt;
use std::str::FromStr;

use bitflags::bitflags;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

bitflags! {
    /// The bits of a member's status (`MEMBER_*` in the vendor's reference).
    ///
    /// No bit set is `MEMBER_NOT_SET` (= 0): use [`MemberFlags::empty()`] or
    /// [`MemberFlags::NOT_SET`] and test it with [`is_empty`](MemberFlags::is_empty), not
    /// with `contains` (every value contains the empty set).
    ///
    /// The reference says that, apart from [`ERROR`](MemberFlags::ERROR) and
    /// [`DUPLICATE`](MemberFlags::DUPLICATE), at most one bit is set at a time; this type does
    /// not enforce it. Bits without a name here are kept (see
    /// [`from_bits_retain`](MemberFlags::from_bits_retain)). The default is empty.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct MemberFlags: u32 {
        /// `MEMBER_PENDING` (1): waiting to be processed.
        const PENDING = 1;
        /// `MEMBER_INVITATION_SENT` (2): a connection request was sent.
        const INVITATION_SENT = 2;
        /// `MEMBER_CONNECTED` (4): the member accepted the connection request.
        const CONNECTED = 4;
        /// `MEMBER_DISCONNECTED` (8): the member is no longer a connection.
        const DISCONNECTED = 8;
        /// `MEMBER_DELETED` (16): the member was deleted.
        const DELETED = 16;
        /// `MEMBER_IMPORTED` (32): the member was imported.
        const IMPORTED = 32;
        /// `MEMBER_INVITATION_WITHDRAWN` (64): the connection request was withdrawn.
        const INVITATION_WITHDRAWN = 64;
        /// `MEMBER_ERROR` (1024): processing the member failed; may be set with another bit.
        const ERROR = 1024;
        /// `MEMBER_DUPLICATE` (2048): the member was already in the campaign (e.g. imported
        /// twice); may be set with another bit.
        const DUPLICATE = 2048;
    }
}

impl MemberFlags {
    /// `MEMBER_NOT_SET` (0): no bit set; the same as [`MemberFlags::empty()`].
    pub const NOT_SET: Self = Self::empty();
}

/// The .NET name written for an empty set of flags.
const NOT_SET_NAME: &str = "MEMBER_NOT_SET";

/// The known flags and their .NET names, in ascending bit order (the order of the encoding).
const KNOWN: [(MemberFlags, &str); 9] = [
    (MemberFlags::PENDING, "MEMBER_PENDING"),
    (MemberFlags::INVITATION_SENT, "MEMBER_INVITATION_SENT"),
    (MemberFlags::CONNECTED, "MEMBER_CONNECTED"),
    (MemberFlags::DISCONNECTED, "MEMBER_DISCONNECTED"),
    (MemberFlags::DELETED, "MEMBER_DELETED"),
    (MemberFlags::IMPORTED, "MEMBER_IMPORTED"),
    (
        MemberFlags::INVITATION_WITHDRAWN,
        "MEMBER_INVITATION_WITHDRAWN",
    ),
    (MemberFlags::ERROR, "MEMBER_ERROR"),
    (MemberFlags::DUPLICATE, "MEMBER_DUPLICATE"),
];

fn known_flag(name: &str) -> Option<MemberFlags> {
    KNOWN
        .iter()
        .find(|(_, known)| *known == name)
        .map(|(flag, _)| *flag)
}

/// The status of a campaign member: its [`MemberFlags`] plus the names, unknown to this
/// version of the crate, that the decoded value carried.
///
/// # Text form
///
/// [`FromStr`] and [`Deserialize`] accept:
/// - the .NET form, names joined by commas: `"MEMBER_PENDING, MEMBER_ERROR"` (any whitespace
///   around each name);
/// - a single name: `"MEMBER_CONNECTED"`;
/// - `"MEMBER_NOT_SET"` (no flag);
/// - the integer, as a string (`"1026"`) or, when deserializing, as a JSON number (`1026`).
///
/// Names are matched exactly (case-sensitively). A name that is not known is kept in
/// [`unknown_names`](Self::unknown_names) (sorted, without duplicates), never an error. A
/// token made only of digits is an integer whose bits are added; bits without a name are
/// kept in the flags.
///
/// [`Display`](fmt::Display) and [`Serialize`] write the .NET form: the known names in
/// ascending bit order, then the unknown names, then, if the flags hold bits that have no
/// name, those leftover bits as one decimal integer; `"MEMBER_NOT_SET"` when there is
/// nothing to write. For example `PENDING | 4096` plus the unknown name `MEMBER_FOLLOWUP` is
/// written `"MEMBER_PENDING, MEMBER_FOLLOWUP, 4096"`. Parsing what is displayed gives back
/// an equal value.
///
/// ```
/// use salesflow_webhook_types::{MemberFlags, MemberStatus};
///
/// let status: MemberStatus = "MEMBER_PENDING, MEMBER_ERROR".parse()?;
/// assert_eq!(status.flags(), MemberFlags::PENDING | MemberFlags::ERROR);
/// assert!(status.is_error());
/// assert_eq!(status.to_string(), "MEMBER_PENDING, MEMBER_ERROR");
///
/// let newer: MemberStatus = "MEMBER_CONNECTED, MEMBER_SNOOZED".parse()?;
/// assert_eq!(newer.unknown_names(), ["MEMBER_SNOOZED"]);
/// assert_eq!(newer.to_string(), "MEMBER_CONNECTED, MEMBER_SNOOZED");
/// # Ok::<(), salesflow_webhook_types::ParseMemberStatusError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MemberStatus {
    flags: MemberFlags,
    /// Sorted, without duplicates; each is a non-empty name without commas or surrounding
    /// whitespace that is neither known nor an integer.
    unknown: Vec<String>,
}

impl MemberStatus {
    /// A status with these flags and no unknown name.
    pub const fn from_flags(flags: MemberFlags) -> Self {
        Self {
            flags,
            unknown: Vec::new(),
        }
    }

    /// The flags, including bits that have no name in [`MemberFlags`].
    pub fn flags(&self) -> MemberFlags {
        self.flags
    }

    /// The names that were decoded but are not known to this version of the crate, sorted
    /// and without duplicates.
    pub fn unknown_names(&self) -> &[String] {
        &self.unknown
    }

    /// Whether every flag in `flags` is set (always true for an empty `flags`).
    pub fn contains(&self, flags: MemberFlags) -> bool {
        self.flags.contains(flags)
    }

    /// Whether `MEMBER_DUPLICATE` is set.
    pub fn is_duplicate(&self) -> bool {
        self.flags.contains(MemberFlags::DUPLICATE)
    }

    /// Whether `MEMBER_ERROR` is set.
    pub fn is_error(&self) -> bool {
        self.flags.contains(MemberFlags::ERROR)
    }
}

impl From<MemberFlags> for MemberStatus {
    fn from(flags: MemberFlags) -> Self {
        Self::from_flags(flags)
    }
}

impl From<MemberStatus> for MemberFlags {
    fn from(status: MemberStatus) -> Self {
        status.flags
    }
}

/// Why a text could not be read as a [`MemberStatus`].
///
/// Unknown names are not errors: only malformed text is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseMemberStatusError {
    /// The text is empty or only whitespace.
    #[error("member status is empty")]
    Empty,
    /// A name between commas is empty, as in `"MEMBER_PENDING,,MEMBER_ERROR"` or a trailing
    /// comma.
    #[error("member status has an empty name at position {position}")]
    EmptyName {
        /// The zero-based position of the empty name in the comma-separated list.
        position: usize,
    },
    /// An integer that does not fit in the 32 bits of the flags (negative or too large).
    #[error("member status value `{value}` is not a 32-bit unsigned integer")]
    OutOfRange {
        /// The integer as written.
        value: String,
    },
}

/// Whether `token` is an integer: an optional sign followed by at least one ASCII digit and
/// nothing else.
fn is_integer(token: &str) -> bool {
    let digits = token
        .strip_prefix('-')
        .or_else(|| token.strip_prefix('+'))
        .unwrap_or(token);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn parse_bits(token: &str) -> Result<MemberFlags, ParseMemberStatusError> {
    token
        .parse::<u32>()
        .map(MemberFlags::from_bits_retain)
        .map_err(|_| ParseMemberStatusError::OutOfRange {
            value: token.to_owned(),
        })
}

impl FromStr for MemberStatus {
    type Err = ParseMemberStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(ParseMemberStatusError::Empty);
        }
        let mut flags = MemberFlags::empty();
        let mut unknown = Vec::new();
        for (position, raw) in trimmed.split(',').enumerate() {
            let token = raw.trim();
            if token.is_empty() {
                return Err(ParseMemberStatusError::EmptyName { position });
            }
            if let Some(flag) = known_flag(token) {
                flags |= flag;
            } else if token == NOT_SET_NAME {
                // Adds no bit.
            } else if is_integer(token) {
                flags |= parse_bits(token)?;
            } else {
                unknown.push(token.to_owned());
            }
        }
        unknown.sort_unstable();
        unknown.dedup();
        Ok(Self { flags, unknown })
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut written = false;
        let mut write_item = |f: &mut fmt::Formatter<'_>, item: &dyn fmt::Display| {
            if written {
                f.write_str(", ")?;
            }
            written = true;
            write!(f, "{item}")
        };
        for (flag, name) in KNOWN {
            if self.flags.contains(flag) {
                write_item(f, &name)?;
            }
        }
        for name in &self.unknown {
            write_item(f, name)?;
        }
        let leftover = self.flags.bits() & !MemberFlags::all().bits();
        if leftover != 0 {
            write_item(f, &leftover)?;
        }
        if !written {
            f.write_str(NOT_SET_NAME)?;
        }
        Ok(())
    }
}

impl Serialize for MemberStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MemberStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl de::Visitor<'_> for Visitor {
            type Value = MemberStatus;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a member status: names such as \"MEMBER_PENDING, MEMBER_ERROR\" or an integer",
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<MemberStatus, E> {
                v.parse().map_err(E::custom)
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MemberStatus, E> {
                u32::try_from(v)
                    .map(|bits| MemberStatus::from_flags(MemberFlags::from_bits_retain(bits)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MemberStatus, E> {
                u32::try_from(v)
                    .map(|bits| MemberStatus::from_flags(MemberFlags::from_bits_retain(bits)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }

        let value = deserializer.deserialize_any(Visitor)?;
        if !value.unknown.is_empty() || value.unnamed_bits() != 0 {
            crate::drift::mark();
        }
        Ok(value)
    }
}

impl MemberStatus {
    /// The bits of the flags that have no name in [`MemberFlags`].
    fn unnamed_bits(&self) -> u32 {
        self.flags.bits() & !MemberFlags::all().bits()
    }
}

/// Notes each unknown name, and the bits that have no name as one integer (when they have a
/// code's shape: see [`crate::drift`]).
impl crate::drift::Walk for MemberStatus {
    fn walk(&self, at: &mut crate::drift::Cursor<'_>) {
        for name in &self.unknown {
            at.unknown_code("MemberStatus", name);
        }
        let bits = self.unnamed_bits();
        if bits != 0 {
            at.unknown_integer("MemberStatus", i64::from(bits));
        }
    }
}

json_schema_for!(MemberStatus, {
    "type": "string",
    "description": "A member's status, a .NET flags enum: names joined by \", \". \
        Known names: MEMBER_NOT_SET (0), MEMBER_PENDING (1), MEMBER_INVITATION_SENT (2), \
        MEMBER_CONNECTED (4), MEMBER_DISCONNECTED (8), MEMBER_DELETED (16), \
        MEMBER_IMPORTED (32), MEMBER_INVITATION_WITHDRAWN (64), MEMBER_ERROR (1024), \
        MEMBER_DUPLICATE (2048). Other names may appear and are kept.",
    "examples": ["MEMBER_CONNECTED", "MEMBER_PENDING, MEMBER_ERROR", "MEMBER_NOT_SET"]
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_table_is_in_ascending_bit_order_and_complete() {
        let mut previous = 0;
        let mut all = MemberFlags::empty();
        for (flag, _) in KNOWN {
            assert!(flag.bits() > previous);
            previous = flag.bits();
            all |= flag;
        }
        assert_eq!(all, MemberFlags::all());
    }

    #[test]
    fn integer_tokens() {
        assert!(is_integer("12"));
        assert!(is_integer("-1"));
        assert!(is_integer("+7"));
        assert!(!is_integer("-"));
        assert!(!is_integer(""));
        assert!(!is_integer("2FA"));
    }

    #[test]
    fn not_set_is_empty() {
        assert!(MemberFlags::NOT_SET.is_empty());
        assert_eq!(MemberStatus::default().to_string(), "MEMBER_NOT_SET");
    }
}
