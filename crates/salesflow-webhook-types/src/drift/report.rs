//! The drift report's JSON form: [`DriftReport`] and its [`DriftItem`]s, and how reports of
//! several runs and services merge.
//!
//! One definition for the SDK, which writes reports, and `cargo xtask drift`, which reads
//! them: the xtask compiles this file as a module of its own (it must build while the rest of
//! this crate does not). So it uses only std, serde, serde_json and chrono, no `crate::` path,
//! no feature, and links no item outside itself.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The [`DriftItem::source`] of what a webhook payload carried: `"webhook"`.
pub const WEBHOOK_SOURCE: &str = "webhook";

/// What a report holds in place of a field name or path segment that does not look like one:
/// `"<withheld>"`.
pub const WITHHELD: &str = "<withheld>";

/// The version of the report's JSON form ([`DriftReport::format`]): 1.
pub const REPORT_FORMAT: u32 = 1;

/// What kind of thing this version did not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriftKind {
    /// A field the spec does not list (kept in the struct's `extra` map).
    UnknownField,
    /// A field the spec lists, whose value has another JSON type than the spec's (kept in
    /// `extra`, the field left `None`).
    UnexpectedType,
    /// A value of an open enum the spec does not list (kept in `Unknown(..)`), or a webhook
    /// payload's `IntegrationRunOn` the spec neither documents nor assumes.
    UnknownValue,
    /// A kind this version does not know, read from the report of a later one (never
    /// recorded by this version; written back as `other`, its own name is not kept).
    #[serde(other)]
    Other,
}

impl DriftKind {
    /// The name used in JSON: `unknown_field`, `unexpected_type`, `unknown_value`, `other`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UnknownField => "unknown_field",
            Self::UnexpectedType => "unexpected_type",
            Self::UnknownValue => "unknown_value",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON type of a value (an integer is a number without a fraction or an exponent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number without a fraction or an exponent that fits 64 bits.
    Integer,
    /// Any other number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The type of `value`.
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Self::Integer,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }

    /// The name used in JSON and in the spec's `type` (`string`, `integer`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::String => "string",
            Self::Array => "array",
            Self::Object => "object",
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing seen that this version does not know, with when and how often.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftItem {
    /// Where it came from: the `operationId` of the answer (`listCampaigns`), or
    /// [`WEBHOOK_SOURCE`] for a webhook payload.
    pub source: String,
    /// The JSON path from the root of the answer or payload: `$` the root, `.Name` a field,
    /// `[]` every item of an array (`$[].AttachedWebhookCampaigns[].RunOn`).
    pub path: String,
    /// The schema it belongs to: the object's (`Campaign`; an object inside the payload by its
    /// title, `LinkedInAccount`) for a field, the enum's (`CampaignStatus`, `RunOn`,
    /// `MemberStatus`) for a value.
    pub schema: String,
    /// The field: the unknown one, or the one holding the value (the last name of `path`).
    pub field: String,
    /// What was not known.
    pub kind: DriftKind,
    /// The JSON type of the value seen.
    pub json_type: JsonType,
    /// For [`DriftKind::UnknownValue`], the value when it has the shape of a code (a string of
    /// capitals, digits and `_` starting with a capital, at most 64 characters; an integer of
    /// fewer than 7 digits); never set for a field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// In how many answers or payloads it was seen.
    pub count: u64,
    /// When it was first seen.
    pub first_seen: DateTime<Utc>,
    /// When it was last seen.
    pub last_seen: DateTime<Utc>,
    /// The services that saw it, when their reports were labelled
    /// ([`DriftReport::seen_by`]); sorted, without duplicates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<String>,
}

impl DriftItem {
    /// What identifies the item: everything but the counts, the times and who saw it.
    fn key(&self) -> Seen {
        Seen {
            source: self.source.clone(),
            path: self.path.clone(),
            schema: self.schema.clone(),
            field: self.field.clone(),
            kind: self.kind,
            json_type: self.json_type,
            value: self.value.clone(),
        }
    }
}

/// What a process (or a `DriftLog`) saw that its version does not know: serializable, and
/// mergeable with the reports of other runs and services (an example: the `drift` module's
/// "Merging reports").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// The version of this JSON form: [`REPORT_FORMAT`].
    pub format: u32,
    /// The items, sorted by source, path, kind, JSON type and value.
    pub items: Vec<DriftItem>,
}

impl Default for DriftReport {
    fn default() -> Self {
        Self {
            format: REPORT_FORMAT,
            items: Vec::new(),
        }
    }
}

impl DriftReport {
    /// Whether nothing unknown was seen.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Labels every item with the service that saw it (added to [`DriftItem::seen_by`]).
    pub fn seen_by(mut self, service: &str) -> Self {
        for item in &mut self.items {
            if let Err(at) = item.seen_by.binary_search_by(|s| s.as_str().cmp(service)) {
                item.seen_by.insert(at, service.to_owned());
            }
        }
        self
    }

    /// Adds `other`'s items: an item both have is counted once, with both counts added, the
    /// earlier first sight, the later last sight and both lists of services.
    pub fn merge(&mut self, other: DriftReport) {
        let mut by_key: HashMap<Seen, usize> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.key(), i))
            .collect();
        for item in other.items {
            match by_key.get(&item.key()) {
                Some(&i) => {
                    let mine = &mut self.items[i];
                    mine.count = mine.count.saturating_add(item.count);
                    mine.first_seen = mine.first_seen.min(item.first_seen);
                    mine.last_seen = mine.last_seen.max(item.last_seen);
                    for service in item.seen_by {
                        if let Err(at) = mine.seen_by.binary_search(&service) {
                            mine.seen_by.insert(at, service);
                        }
                    }
                }
                None => {
                    by_key.insert(item.key(), self.items.len());
                    self.items.push(item);
                }
            }
        }
        self.sort();
    }

    /// Sorts the items by source, path, kind, JSON type and value.
    pub(crate) fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.source, &a.path, a.kind, a.json_type, &a.value).cmp(&(
                &b.source,
                &b.path,
                b.kind,
                b.json_type,
                &b.value,
            ))
        });
    }
}

/// What identifies an item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Seen {
    pub(crate) source: String,
    pub(crate) path: String,
    pub(crate) schema: String,
    pub(crate) field: String,
    pub(crate) kind: DriftKind,
    pub(crate) json_type: JsonType,
    pub(crate) value: Option<String>,
}
