//! The operations of the spec as a type: [`Operation`], one variant per operation, with what
//! the spec says about each (its `operationId`, method, path, host, authentication, whether it
//! changes state), and [`API_VERSION`], the vendor API version the code was generated from.
//!
//! The enum and the constant are generated from the spec (`generated/operations.rs`); the
//! types describing them and the text forms are defined here.
//!
//! ```
//! use salesflow_api::operations::{Host, Operation};
//!
//! let op = Operation::GetCampaignStatistics;
//! assert_eq!(op.id(), "getCampaignStatistics");
//! assert_eq!(op.to_string(), "getCampaignStatistics");
//! assert_eq!(op.host(), Host::App);
//! assert!(!op.changes_state());
//! assert_eq!("get_campaign_statistics".parse::<Operation>(), Ok(op));
//! assert!(Operation::ALL.contains(&op));
//! ```

use std::fmt;
use std::str::FromStr;

/// The vendor serves the API from two hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Host {
    /// `https://app.salesflow.io/api/`: GetCampaignStatistics only.
    App,
    /// `https://mvc.salesflow.io/api/`: every other operation.
    Mvc,
}

#[rustfmt::skip]
#[path = "generated/operations.rs"]
mod table;

pub use table::{Operation, API_VERSION};

/// Writes the `operationId`.
impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A name that is neither an `operationId` nor a method name of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownOperation(pub String);

impl fmt::Display for UnknownOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown operation `{}` (expected an operationId of the spec, such as `getContact`)",
            self.0
        )
    }
}

impl std::error::Error for UnknownOperation {}

/// Reads an `operationId` (`getContact`) or a method name (`get_contact`).
impl FromStr for Operation {
    type Err = UnknownOperation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operation::from_name(s).ok_or_else(|| UnknownOperation(s.to_owned()))
    }
}

/// Serializes as the `operationId`.
impl serde::Serialize for Operation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// Deserializes from an `operationId` or a method name.
impl<'de> serde::Deserialize<'de> for Operation {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Operation;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an operationId of the spec, such as \"getContact\"")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Operation, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for op in Operation::ALL {
            assert_eq!(op.id().parse::<Operation>(), Ok(*op));
            assert_eq!(op.rust_name().parse::<Operation>(), Ok(*op));
            let json = serde_json::to_string(op).unwrap();
            assert_eq!(json, format!("\"{}\"", op.id()));
            assert_eq!(serde_json::from_str::<Operation>(&json).unwrap(), *op);
        }
        assert_eq!(
            "nope".parse::<Operation>(),
            Err(UnknownOperation("nope".into()))
        );
    }
}
