//! The requests of the spec as a server receives them: for every operation, a struct of its
//! path and query parameters named as on the wire, and the type of its JSON body; the API key
//! query parameters; and, for every response type, its fields' wire names and the spec's
//! examples of them.
//!
//! The structs are generated from the spec (`generated/params.rs`, by `cargo xtask codegen`)
//! from the same model as the client's methods, so they cannot disagree with what the client
//! sends. A server (the local mock, `salesflow-mock`, is one) reads a request with them:
//! the path parameters and the query string into the operation's struct (a form-urlencoded
//! deserializer reads both), the body into [`Params::Body`], and the keys into [`ApiKeys`].
//! A parameter or body field added to the spec is then received with no hand-written code.
//!
//! ```
//! use salesflow_api::params::{self, Params};
//! use salesflow_api::Operation;
//!
//! let query: params::GetCampaignStatistics =
//!     serde_json::from_value(serde_json::json!({"campaignId": 29854})).unwrap();
//! assert_eq!(query.campaign_id.get(), 29854);
//! assert_eq!(params::GetCampaignStatistics::OPERATION, Operation::GetCampaignStatistics);
//! ```
//!
//! Parameters the spec types as integers are read as integers only, even where their Rust
//! type reads more elsewhere (`RunOn` also reads a name such as `"MEMBER_CONNECTED"`): a
//! server built on these types is as strict as the spec.

use serde::de::DeserializeOwned;
use serde::Serialize;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs)]
#[path = "generated/params.rs"]
mod generated;

pub use generated::*;

use crate::operations::Operation;

/// The path and query parameters of one operation, as on the wire.
pub trait Params: DeserializeOwned + Serialize {
    /// The operation.
    const OPERATION: Operation;
    /// The type of its JSON body: the spec's request body schema, or `()` without a body.
    type Body: DeserializeOwned + Serialize;
    /// Whether it takes a body (a JSON object; `{}` for the spec's empty body).
    const HAS_BODY: bool;
    /// The array body properties with the spec's `minItems` and `maxItems`, which the body's
    /// type does not check.
    const BODY_ITEMS: &'static [(&'static str, Option<u64>, Option<u64>)];
    /// The body properties the spec types as strings, each with whether `null` is allowed:
    /// what a strict server refuses in another JSON type, even if the Rust type would read it
    /// (a date also reads a number of milliseconds).
    const BODY_STRINGS: &'static [(&'static str, bool)];
}

/// A response type of the spec as data.
pub trait Record {
    /// The wire name of each of its fields (not the unknown ones of `extra`).
    const FIELDS: &'static [&'static str];
    /// The spec's examples for its fields, as a JSON object: those of the schemas it is
    /// `allOf`, of its properties (or of the schemas they refer to), and its own `example`.
    const EXAMPLE: &'static str;

    /// [`EXAMPLE`](Self::EXAMPLE) as a JSON object (empty if the spec gives none).
    fn example() -> serde_json::Map<String, serde_json::Value> {
        match serde_json::from_str(Self::EXAMPLE) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        }
    }

    /// The field of this type named `name` ignoring ASCII case (the vendor's server matches
    /// names case-insensitively): `"notes"` finds `"Notes"`.
    fn field(name: &str) -> Option<&'static str> {
        Self::FIELDS
            .iter()
            .copied()
            .find(|f| f.eq_ignore_ascii_case(name))
    }
}

/// Deserializers as strict as the spec, used by the generated structs.
pub mod wire {
    use serde::{Deserialize, Deserializer};

    /// A value the spec types as an integer: read as an `i64` only, then converted.
    pub fn integer<'de, D: Deserializer<'de>, T: From<i64>>(d: D) -> Result<T, D::Error> {
        i64::deserialize(d).map(T::from)
    }

    /// An optional [`integer`].
    pub fn optional_integer<'de, D: Deserializer<'de>, T: From<i64>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        Option::<i64>::deserialize(d).map(|v| v.map(T::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types;

    #[test]
    fn integers_are_read_as_integers_only() {
        let ok: AttachWebhook = serde_json::from_value(
            serde_json::json!({"webhookId": 1, "campaignId": 2, "runOn": 7}),
        )
        .unwrap();
        assert_eq!(ok.run_on.code(), 7);
        let name =
            serde_json::json!({"webhookId": 1, "campaignId": 2, "runOn": "MEMBER_CONNECTED"});
        assert!(serde_json::from_value::<AttachWebhook>(name).is_err());
    }

    #[test]
    fn api_keys_never_show_in_debug() {
        let keys: ApiKeys =
            serde_json::from_value(serde_json::json!({"token": "secret-1234", "accountId": "5"}))
                .unwrap();
        assert_eq!(keys.token.as_deref(), Some("secret-1234"));
        assert!(!format!("{keys:?}").contains("secret-1234"));
    }

    #[test]
    fn records_know_their_fields_and_examples() {
        assert!(types::Contact::FIELDS.contains(&"MemberId"));
        assert_eq!(types::Contact::field("firstname"), Some("FirstName"));
        assert_eq!(types::Contact::field("nope"), None);
        assert_eq!(types::Contact::example()["FirstName"], "John");
        // ContactDetails is allOf Contact: it has Contact's fields and examples too.
        assert!(types::ContactDetails::FIELDS.contains(&"Status"));
        assert_eq!(types::ContactDetails::example()["MemberId"], 46875434);
    }
}
