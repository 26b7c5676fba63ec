//! Drift: what the API sends that this version does not know, noticed in live traffic and
//! recorded without personal data.
//!
//! The vendor changes the API before its changelog says so. The first place a change shows is
//! a service's own traffic: a new field lands in a struct's `extra` map, a new enum value in an
//! `Unknown(..)` variant. This module notices each such thing, once per process, and keeps it
//! in a [`DriftLog`]:
//!
//! - every **unknown field** of a response or payload object: where it was (the operation or
//!   `webhook`, the JSON path such as `$[].Status`, the schema), and the JSON type of its value
//!   (`null` is a type of its own, so "seen as a string and as null" is two items);
//! - every known field whose value has an **unexpected type** (kept in `extra`, the field left
//!   `None`: see [`crate::lenient`]);
//! - every **unknown value** of an open enum (`CampaignStatus`, `RunOn`, the names of
//!   `MemberStatus`, ...) and every `IntegrationRunOn` of a webhook payload that the spec
//!   neither documents nor assumes.
//!
//! The first time an item is seen, one `tracing` warning is logged (target `salesflow::drift`);
//! [`DriftLog::report`] gives a serializable [`DriftReport`], which `cargo xtask drift` (in the
//! repository) turns into a spec edit. Payloads decoded by this crate ([`WebhookPayload`]'s
//! `Deserialize`, however it is called) are recorded in the process's log, [`DriftLog::global`];
//! the `salesflow` client records its answers there too unless given a log of its own.
//!
//! # No personal data
//!
//! A report holds shapes and codes, never the value of a field:
//! - of an unknown field or an unexpected type, only the JSON type of the value;
//! - of an unknown enum value, the value only when it has the shape of a code: for a string,
//!   capitals, digits and `_`, starting with a capital, at most 64 characters
//!   (`^[A-Z][A-Z0-9_]{0,63}$`, the shape of every code the vendor uses); for an integer,
//!   fewer than 7 digits. Anything else (a name, an e-mail address, a phone number, a URL, a
//!   message, a digits-only string) is recorded as withheld: [`DriftItem::value`] is `None`
//!   and the JSON type says what it was;
//! - a field name is kept when it looks like one (ASCII letters, digits, `_` and `-`, starting
//!   with a letter or `_`, at most 64 characters); another key is recorded as
//!   [`WITHHELD`].
//!
//! An all-capitals word such as a surname written `"DOE"` has a code's shape and would be kept
//! if the vendor sent it where an enum is expected; the rule cannot tell it from a code.
//!
//! # Cost
//!
//! Nothing is looked at in the common case. Decoding marks the thread when an `extra` map is
//! not empty or an `Unknown(..)` is produced (a branch already taken for those cases); only
//! then does the caller walk the decoded value ([`Walk`]) and consult the log, which takes a
//! read lock for an item already known and a write lock the first time.
//!
//! ```
//! use salesflow_webhook_types::drift::{DriftKind, DriftLog, JsonType};
//! use salesflow_webhook_types::WebhookPayload;
//!
//! let payload: WebhookPayload =
//!     serde_json::from_str(r#"{"FirstName": "Ann", "FollowupStep": 2}"#)?;
//! assert_eq!(payload.extra["FollowupStep"], 2);
//! let report = DriftLog::global().report();
//! let item = report.items.iter().find(|i| i.field == "FollowupStep").unwrap();
//! assert_eq!(item.source, "webhook");
//! assert_eq!(item.path, "$.FollowupStep");
//! assert_eq!(item.kind, DriftKind::UnknownField);
//! assert_eq!(item.json_type, JsonType::Integer);
//! assert_eq!(item.value, None); // a field's value is never kept
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Merging reports
//!
//! A [`DriftReport`] is serializable, and mergeable with the reports of other runs and
//! services ([`DriftReport::merge`], [`DriftReport::seen_by`]):
//!
//! ```
//! use salesflow_webhook_types::drift::DriftReport;
//!
//! let mut merged = DriftReport::default();
//! let text = r#"{"format": 1, "items": [{"source": "listCampaigns", "path": "$[].Status",
//!     "schema": "CampaignStatus", "field": "Status", "kind": "unknown_value",
//!     "json_type": "string", "value": "CAMPAIGN_ARCHIVED", "count": 3,
//!     "first_seen": "2026-12-01T10:00:00Z", "last_seen": "2026-12-02T10:00:00Z"}]}"#;
//! let one: DriftReport = serde_json::from_str(text)?;
//! merged.merge(one.clone().seen_by("billing"));
//! merged.merge(one.seen_by("reports"));
//! assert_eq!(merged.items.len(), 1);
//! assert_eq!(merged.items[0].count, 6);
//! assert_eq!(merged.items[0].seen_by, ["billing", "reports"]);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! [`WebhookPayload`]: crate::WebhookPayload

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

mod report;

use report::Seen;
pub use report::{
    DriftItem, DriftKind, DriftReport, JsonType, REPORT_FORMAT, WEBHOOK_SOURCE, WITHHELD,
};

/// How often and when an item was seen. `last` is in milliseconds since the epoch, so that an
/// item already known is updated under the read lock.
struct Counters {
    count: AtomicU64,
    first: DateTime<Utc>,
    last_ms: AtomicI64,
}

/// The items a process saw, each once: what [`DriftLog::report`] reports.
///
/// A service normally uses the process's log, [`DriftLog::global`] (what the `salesflow`
/// client and the payload's decoding use by default); a separate one keeps one component's
/// observations apart (a test, say).
#[derive(Default)]
pub struct DriftLog {
    seen: RwLock<HashMap<Seen, Counters>>,
}

impl fmt::Debug for DriftLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriftLog")
            .field("items", &self.len())
            .finish()
    }
}

impl DriftLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The process's log.
    pub fn global() -> Arc<DriftLog> {
        static GLOBAL: OnceLock<Arc<DriftLog>> = OnceLock::new();
        GLOBAL.get_or_init(|| Arc::new(DriftLog::new())).clone()
    }

    /// How many distinct items it holds.
    pub fn len(&self) -> usize {
        self.seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Walks `value`, decoded from an answer of `source` (an `operationId`, or
    /// [`WEBHOOK_SOURCE`]), and records what it holds that this version does not know.
    ///
    /// The `salesflow` client calls it for its answers, and the payload's decoding for
    /// payloads; call it for a value decoded some other way.
    pub fn observe<T: Walk + ?Sized>(&self, source: &str, value: &T) {
        let mut at = Cursor::new(source);
        value.walk(&mut at);
        self.record(source, at.found);
    }

    /// Records what a walk found.
    fn record(&self, source: &str, found: Vec<Found>) {
        if found.is_empty() {
            return;
        }
        // Both times to the millisecond, so that the first sight is never after the last.
        let now_ms = Utc::now().timestamp_millis();
        let now = DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
        let mut new = Vec::new();
        {
            let seen = self.seen.read().unwrap_or_else(PoisonError::into_inner);
            for f in found {
                let key = f.into_seen(source);
                match seen.get(&key) {
                    Some(c) => {
                        c.count.fetch_add(1, Ordering::Relaxed);
                        c.last_ms.fetch_max(now_ms, Ordering::Relaxed);
                    }
                    None => new.push(key),
                }
            }
        }
        if new.is_empty() {
            return;
        }
        let mut seen = self.seen.write().unwrap_or_else(PoisonError::into_inner);
        for key in new {
            if let Some(c) = seen.get(&key) {
                // Recorded by another thread in between.
                c.count.fetch_add(1, Ordering::Relaxed);
                c.last_ms.fetch_max(now_ms, Ordering::Relaxed);
                continue;
            }
            tracing::warn!(
                target: "salesflow::drift",
                source = %key.source,
                path = %key.path,
                schema = %key.schema,
                kind = key.kind.as_str(),
                json_type = key.json_type.as_str(),
                value = key.value.as_deref(),
                "the API sent something this version does not know (an item of the drift report)"
            );
            seen.insert(
                key,
                Counters {
                    count: AtomicU64::new(1),
                    first: now,
                    last_ms: AtomicI64::new(now_ms),
                },
            );
        }
    }

    /// What it holds, as a report (sorted).
    pub fn report(&self) -> DriftReport {
        let seen = self.seen.read().unwrap_or_else(PoisonError::into_inner);
        let mut report = DriftReport {
            format: REPORT_FORMAT,
            items: seen
                .iter()
                .map(|(key, c)| DriftItem {
                    source: key.source.clone(),
                    path: key.path.clone(),
                    schema: key.schema.clone(),
                    field: key.field.clone(),
                    kind: key.kind,
                    json_type: key.json_type,
                    value: key.value.clone(),
                    count: c.count.load(Ordering::Relaxed),
                    first_seen: c.first,
                    last_seen: DateTime::from_timestamp_millis(c.last_ms.load(Ordering::Relaxed))
                        .unwrap_or(c.first),
                    seen_by: Vec::new(),
                })
                .collect(),
        };
        report.sort();
        report
    }

    /// Forgets everything (the next sight of an item logs it again).
    pub fn clear(&self) {
        self.seen
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// One thing a walk found, before it is recorded.
#[derive(Debug, PartialEq)]
struct Found {
    path: String,
    schema: &'static str,
    field: String,
    kind: DriftKind,
    json_type: JsonType,
    value: Option<String>,
}

impl Found {
    fn into_seen(self, source: &str) -> Seen {
        Seen {
            source: source.to_owned(),
            path: self.path,
            schema: self.schema.to_owned(),
            field: self.field,
            kind: self.kind,
            json_type: self.json_type,
            value: self.value,
        }
    }
}

/// Where a walk is in a decoded value, and what it found so far (each thing once).
///
/// Implementations of [`Walk`] call its methods; the generated ones do, for every response
/// struct and payload object.
#[derive(Debug)]
pub struct Cursor<'a> {
    source: &'a str,
    path: String,
    found: Vec<Found>,
}

impl<'a> Cursor<'a> {
    fn new(source: &'a str) -> Self {
        Cursor {
            source,
            path: String::from("$"),
            found: Vec::new(),
        }
    }

    /// Where the walk came from (an `operationId` or [`WEBHOOK_SOURCE`]).
    pub fn source(&self) -> &str {
        self.source
    }

    /// The JSON path of the current value.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Walks the field `name` of the current object.
    #[inline]
    pub fn field<T: Walk + ?Sized>(&mut self, name: &str, value: &T) {
        let len = self.path.len();
        self.path.push('.');
        self.path.push_str(name);
        value.walk(self);
        self.path.truncate(len);
    }

    /// Walks every item of the current array.
    pub fn items<T: Walk>(&mut self, items: &[T]) {
        let len = self.path.len();
        self.path.push_str("[]");
        for item in items {
            item.walk(self);
        }
        self.path.truncate(len);
    }

    /// Notes the entries of the current object's `extra` map: a name in `known` (a field of
    /// `schema` whose value had an unexpected type) or another (an unknown field).
    pub fn extra(&mut self, schema: &'static str, known: &[&str], extra: &Map<String, Value>) {
        for (name, value) in extra {
            let kind = if known.contains(&name.as_str()) {
                DriftKind::UnexpectedType
            } else {
                DriftKind::UnknownField
            };
            let field = if is_field_name(name) {
                name.as_str()
            } else {
                WITHHELD
            };
            self.note(schema, field, true, kind, JsonType::of(value), None);
        }
    }

    /// Notes an unknown string value of the enum `schema` at the current path; `raw` is kept
    /// only if it has a code's shape ([`is_code`]).
    pub fn unknown_code(&mut self, schema: &'static str, raw: &str) {
        let value = is_code(raw).then(|| raw.to_owned());
        self.note(
            schema,
            "",
            false,
            DriftKind::UnknownValue,
            JsonType::String,
            value,
        );
    }

    /// Notes an unknown integer value of the enum `schema` at the current path; kept only if
    /// it has fewer than 7 digits ([`is_integer_code`]).
    pub fn unknown_integer(&mut self, schema: &'static str, code: i64) {
        let value = is_integer_code(code).then(|| code.to_string());
        self.note(
            schema,
            "",
            false,
            DriftKind::UnknownValue,
            JsonType::Integer,
            value,
        );
    }

    /// Notes one thing, unless already noted: at `self.path` plus `.field` when `child`.
    fn note(
        &mut self,
        schema: &'static str,
        field: &str,
        child: bool,
        kind: DriftKind,
        json_type: JsonType,
        value: Option<String>,
    ) {
        let parent = self.path.as_str();
        let same_path = |f: &Found| {
            if child {
                f.path.len() == parent.len() + 1 + field.len()
                    && f.path.starts_with(parent)
                    && f.path.ends_with(field)
                    && f.path.as_bytes()[parent.len()] == b'.'
            } else {
                f.path == parent
            }
        };
        if self.found.iter().any(|f| {
            f.kind == kind
                && f.json_type == json_type
                && f.value == value
                && f.schema == schema
                && same_path(f)
        }) {
            return;
        }
        let (path, field) = if child {
            (format!("{parent}.{field}"), field.to_owned())
        } else {
            (parent.to_owned(), last_name(parent).to_owned())
        };
        self.found.push(Found {
            path,
            schema,
            field,
            kind,
            json_type,
            value,
        });
    }
}

/// The last field name of a path (`$[].Status` -> `Status`; `$` -> `$`).
fn last_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches("[]");
    match trimmed.rfind('.') {
        Some(at) => &trimmed[at + 1..],
        None => trimmed,
    }
}

/// Whether a string enum's value is kept in a report: capitals, digits and `_`, starting with a
/// capital, at most 64 characters.
///
/// ```
/// use salesflow_webhook_types::drift::is_code;
/// assert!(is_code("CAMPAIGN_ARCHIVED"));
/// assert!(!is_code("Jane Doe"));
/// assert!(!is_code("jane@example.com"));
/// assert!(!is_code("15551234567"));
/// assert!(!is_code("https://example.com"));
/// ```
pub fn is_code(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    (1..=64).contains(&bytes.len())
        && bytes[0].is_ascii_uppercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
}

/// Whether an integer enum's value is kept in a report: fewer than 7 digits (a phone number
/// has more).
pub fn is_integer_code(code: i64) -> bool {
    code.unsigned_abs() < 1_000_000
}

/// Whether a key is kept as a field name in a report: ASCII letters, digits, `_` and `-`,
/// starting with a letter or `_`, at most 64 characters.
pub fn is_field_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=64).contains(&bytes.len())
        && (bytes[0].is_ascii_alphabetic() || bytes[0] == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
}

/// A decoded value that can say what it holds that this version does not know: implemented by
/// the generated response and payload structs, the open enums, [`MemberStatus`], and (as
/// nothing) the scalars and value types; `Option`, `Vec` and `Box` walk what they hold.
///
/// [`MemberStatus`]: crate::MemberStatus
pub trait Walk {
    /// Notes, at `at`, what this value holds that this version does not know.
    fn walk(&self, at: &mut Cursor<'_>);

    /// Whether the value is a struct whose `extra` map is not empty (for the decoding's mark).
    #[doc(hidden)]
    fn has_extra(&self) -> bool {
        false
    }

    /// Called when the value was decoded: the webhook payload records itself here.
    #[doc(hidden)]
    fn decoded(&self) {}
}

macro_rules! walks_nothing {
    ($($t:ty),* $(,)?) => {
        $(
            impl Walk for $t {
                #[inline]
                fn walk(&self, _: &mut Cursor<'_>) {}
            }
        )*
    };
}

walks_nothing!(
    String,
    str,
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    Value,
    Map<String, Value>,
    DateTime<chrono::FixedOffset>,
    DateTime<Utc>,
    crate::AccountId,
    crate::CampaignId,
    crate::MemberId,
    crate::WebhookCampaignId,
    crate::WebhookId,
    crate::DotNetDate,
    crate::FlexibleDate,
    crate::MemberFlags,
);

impl<T: Walk> Walk for Option<T> {
    #[inline]
    fn walk(&self, at: &mut Cursor<'_>) {
        if let Some(value) = self {
            value.walk(at);
        }
    }
}

impl<T: Walk> Walk for Vec<T> {
    fn walk(&self, at: &mut Cursor<'_>) {
        at.items(self);
    }
}

impl<T: Walk + ?Sized> Walk for Box<T> {
    fn walk(&self, at: &mut Cursor<'_>) {
        (**self).walk(at);
    }
}

thread_local! {
    static PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Marks the thread: a value decoded on it holds something unknown. Called by the decoding
/// (the generated `Deserialize`, the enums'), not meant to be called by hand.
#[doc(hidden)]
#[cold]
pub fn mark() {
    PENDING.with(|p| p.set(true));
}

/// Whether a value decoded on this thread since the last call held something unknown (a
/// non-empty `extra` map, an `Unknown(..)`); resets the mark.
///
/// A client calls it right after decoding an answer, on the same thread and with no `.await`
/// in between, and walks the answer ([`DriftLog::observe`]) only when it is `true`. A mark left
/// by another decoding on the thread only costs a walk that finds nothing.
#[inline]
pub fn take_pending() -> bool {
    PENDING.with(|p| p.replace(false))
}

/// The payload's hook (its `Deserialize` calls it through [`Walk::decoded`]): records the
/// payload in the process's log when its decoding marked the thread or its `IntegrationRunOn`
/// is a name the spec neither documents nor assumes.
pub(crate) fn payload_decoded(payload: &crate::WebhookPayload) {
    let odd_run_on = payload.integration_run_on.as_deref().filter(|name| {
        !crate::RunOn::KNOWN.iter().any(|known| {
            known.payload_name() == Some(*name) || known.assumed_payload_name() == Some(*name)
        })
    });
    // Always take the mark, so that it does not outlive this payload.
    if !take_pending() && odd_run_on.is_none() || crate::strictness::is_strict() {
        return;
    }
    let mut at = Cursor::new(WEBHOOK_SOURCE);
    payload.walk(&mut at);
    if let Some(name) = odd_run_on {
        at.field("IntegrationRunOn", &RunOnName(name));
    }
    DriftLog::global().record(WEBHOOK_SOURCE, at.found);
}

/// A payload's `IntegrationRunOn` the spec does not know, as a value of `RunOn`'s names.
struct RunOnName<'a>(&'a str);

impl Walk for RunOnName<'_> {
    fn walk(&self, at: &mut Cursor<'_>) {
        at.unknown_code("RunOn", self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn walk<T: Walk>(value: &T) -> Vec<Found> {
        let mut at = Cursor::new("test");
        value.walk(&mut at);
        at.found
    }

    #[test]
    fn codes_names_and_integers_follow_the_rules() {
        assert!(is_code("A"));
        assert!(is_code("MEMBER_SNOOZED_2"));
        assert!(is_code(&"A".repeat(64)));
        assert!(!is_code(&"A".repeat(65)));
        assert!(!is_code(""));
        assert!(!is_code("_A"));
        assert!(!is_code("1A"));
        assert!(!is_code("CAMPAIGN ARCHIVED"));
        assert!(!is_code("Campaign"));
        assert!(!is_code("A-B"));
        assert!(is_field_name("DriftText"));
        assert!(is_field_name("_x-y_2"));
        assert!(is_field_name(&"a".repeat(64)));
        assert!(!is_field_name(&"a".repeat(65)));
        assert!(!is_field_name(""));
        assert!(!is_field_name("2fa"));
        assert!(!is_field_name("-x"));
        assert!(!is_field_name("jane@example.com"));
        assert!(!is_field_name("Jane Doe"));
        assert!(!is_field_name("a.b"));
        assert!(is_integer_code(999_999));
        assert!(is_integer_code(-999_999));
        assert!(!is_integer_code(1_000_000));
        assert!(!is_integer_code(-1_000_000));
        assert!(!is_integer_code(15_551_234_567));
    }

    #[test]
    fn json_types_are_told_apart() {
        let cases = [
            (json!(null), "null"),
            (json!(true), "boolean"),
            (json!(-3), "integer"),
            (json!(u64::MAX), "integer"),
            (json!(1.5), "number"),
            (json!("x"), "string"),
            (json!([1]), "array"),
            (json!({"a": 1}), "object"),
        ];
        for (value, name) in cases {
            assert_eq!(JsonType::of(&value).as_str(), name, "{value}");
            assert_eq!(
                serde_json::to_value(JsonType::of(&value)).unwrap(),
                json!(name)
            );
        }
    }

    #[test]
    fn an_extra_map_is_noted_by_name_and_type_and_never_by_value() {
        let extra = json!({
            "New": "jane@example.com",
            "Known": 5,
            "jane@example.com": "x",
            "Null": null,
        });
        let extra = extra.as_object().unwrap().clone();
        let mut at = Cursor::new("op");
        at.field("Items", &ExtraOnly(extra.clone()));
        let found = at.found;
        let text = format!("{found:?}");
        assert!(!text.contains("jane"), "{text}");
        let by_field = |f: &str| found.iter().find(|x| x.field == f).unwrap();
        assert_eq!(by_field("New").kind, DriftKind::UnknownField);
        assert_eq!(by_field("New").json_type, JsonType::String);
        assert_eq!(by_field("New").path, "$.Items.New");
        assert_eq!(by_field("Known").kind, DriftKind::UnexpectedType);
        assert_eq!(by_field("Known").json_type, JsonType::Integer);
        assert_eq!(by_field(WITHHELD).path, "$.Items.<withheld>");
        assert_eq!(by_field("Null").json_type, JsonType::Null);
        assert!(found
            .iter()
            .all(|f| f.value.is_none() && f.schema == "Thing"));
        assert_eq!(found.len(), 4);
    }

    /// A struct with only an `extra` map, whose one known field is `Known`.
    struct ExtraOnly(Map<String, Value>);

    impl Walk for ExtraOnly {
        fn walk(&self, at: &mut Cursor<'_>) {
            at.extra("Thing", &["Known"], &self.0);
        }
    }

    #[test]
    fn the_same_thing_in_every_item_is_found_once() {
        let extra = json!({"New": 1}).as_object().unwrap().clone();
        let items: Vec<ExtraOnly> = (0..50).map(|_| ExtraOnly(extra.clone())).collect();
        let found = walk(&items);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "$[].New");
        // Another type or another place is another thing.
        let items = vec![
            ExtraOnly(json!({"New": 1}).as_object().unwrap().clone()),
            ExtraOnly(json!({"New": "1"}).as_object().unwrap().clone()),
            ExtraOnly(json!({"Newer": 1}).as_object().unwrap().clone()),
        ];
        assert_eq!(walk(&items).len(), 3);
        // A path that only starts or ends like another is another.
        let mut at = Cursor::new("op");
        at.field(
            "A",
            &ExtraOnly(json!({"B": 1}).as_object().unwrap().clone()),
        );
        at.field(
            "AB",
            &ExtraOnly(json!({"B": 1}).as_object().unwrap().clone()),
        );
        at.field(
            "A",
            &ExtraOnly(json!({"XB": 1}).as_object().unwrap().clone()),
        );
        let paths: Vec<&str> = at.found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["$.A.B", "$.AB.B", "$.A.XB"]);
        // A root field whose name starts like a parent and ends like its child is another.
        let mut at = Cursor::new("op");
        ExtraOnly(json!({"ACB": 1}).as_object().unwrap().clone()).walk(&mut at);
        at.field(
            "A",
            &ExtraOnly(json!({"B": 1}).as_object().unwrap().clone()),
        );
        let paths: Vec<&str> = at.found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["$.ACB", "$.A.B"]);
    }

    /// Notes where the walk is when it reaches it.
    struct Where(std::cell::RefCell<Vec<(String, String)>>);

    impl Walk for Where {
        fn walk(&self, at: &mut Cursor<'_>) {
            self.0
                .borrow_mut()
                .push((at.source().to_owned(), at.path().to_owned()));
        }
    }

    #[test]
    fn a_cursor_says_where_it_is_and_boxes_and_options_are_walked_through() {
        let items = vec![Box::new(Some(Where(Default::default())))];
        let mut at = Cursor::new("listCampaigns");
        at.field("Items", &items);
        at.field(
            "Top",
            &Box::new(ExtraOnly(json!({"N": 1}).as_object().unwrap().clone())),
        );
        let place = items[0].as_ref().as_ref().unwrap();
        assert_eq!(
            *place.0.borrow(),
            [("listCampaigns".to_owned(), "$.Items[]".to_owned())]
        );
        assert_eq!(at.found.len(), 1);
        assert_eq!(at.found[0].path, "$.Top.N");
        // Only a struct with something in `extra` says so.
        assert!(!String::from("x").has_extra());
        assert!(!crate::CampaignStatus::from("CAMPAIGN_NEW").has_extra());
    }

    #[test]
    fn kinds_and_types_have_their_json_names() {
        assert_eq!(DriftKind::UnknownField.to_string(), "unknown_field");
        assert_eq!(DriftKind::UnexpectedType.as_str(), "unexpected_type");
        assert_eq!(DriftKind::UnknownValue.to_string(), "unknown_value");
        for kind in [
            DriftKind::UnknownField,
            DriftKind::UnexpectedType,
            DriftKind::UnknownValue,
            DriftKind::Other,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        }
        assert_eq!(JsonType::Number.to_string(), "number");
    }

    #[test]
    fn a_later_versions_kind_is_read_as_other() {
        let text = r#"{"format": 1, "items": [{"source": "webhook", "path": "$.A",
            "schema": "WebhookPayload", "field": "A", "kind": "renamed_field",
            "json_type": "string", "count": 1, "first_seen": "2026-12-01T10:00:00Z",
            "last_seen": "2026-12-01T10:00:00Z"}]}"#;
        let report: DriftReport = serde_json::from_str(text).unwrap();
        assert_eq!(report.items[0].kind, DriftKind::Other);
        assert_eq!(DriftKind::Other.to_string(), "other");
        let unknown_type = text.replace(r#""json_type": "string""#, r#""json_type": "decimal""#);
        assert!(serde_json::from_str::<DriftReport>(&unknown_type).is_err());
    }

    #[test]
    fn unknown_values_keep_codes_only() {
        let mut at = Cursor::new("op");
        at.field("Status", &crate::CampaignStatus::from("ZZ_NOT_A_VALUE"));
        at.field("Other", &crate::CampaignStatus::from("Jane Doe"));
        at.field("Known", &crate::CampaignStatus::Running);
        at.field("RunOn", &crate::RunOn::from(9999));
        at.field("Phone", &crate::RunOn::from(15_551_234_567));
        at.field("Known2", &crate::RunOn::MemberConnected);
        let found = at.found;
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(found[0].value.as_deref(), Some("ZZ_NOT_A_VALUE"));
        assert_eq!(found[0].schema, "CampaignStatus");
        assert_eq!(found[0].field, "Status");
        assert_eq!(found[0].path, "$.Status");
        assert_eq!(found[1].value, None);
        assert_eq!(found[1].json_type, JsonType::String);
        assert_eq!(found[2].value.as_deref(), Some("9999"));
        assert_eq!(found[2].json_type, JsonType::Integer);
        assert_eq!(found[2].schema, "RunOn");
        assert_eq!(found[3].value, None);
        // The same value at the same path, in every item: once; at another path: again.
        let mut at = Cursor::new("op");
        let archived = crate::CampaignStatus::from("ZZ_NOT_A_VALUE");
        at.field(
            "Items",
            &vec![archived.clone(), archived.clone(), archived.clone()],
        );
        at.field("Other", &archived);
        let paths: Vec<&str> = at.found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["$.Items[]", "$.Other"]);
    }

    #[test]
    fn a_log_counts_each_thing_once_and_reports_it_sorted() {
        let log = DriftLog::new();
        assert!(log.is_empty());
        let extra = json!({"B": 1, "A": "x"}).as_object().unwrap().clone();
        log.observe("op", &ExtraOnly(extra.clone()));
        log.observe("op", &vec![ExtraOnly(extra.clone()), ExtraOnly(extra)]);
        let report = log.report();
        assert_eq!(report.items.len(), 4, "{report:?}");
        let paths: Vec<&str> = report.items.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["$.A", "$.B", "$[].A", "$[].B"]);
        assert!(report.items.iter().all(|i| i.count == 1));
        log.observe(
            "op",
            &ExtraOnly(json!({"A": 2}).as_object().unwrap().clone()),
        );
        log.observe(
            "op",
            &ExtraOnly(json!({"A": 3}).as_object().unwrap().clone()),
        );
        let report = log.report();
        let a: Vec<(&str, u64)> = report
            .items
            .iter()
            .filter(|i| i.path == "$.A")
            .map(|i| (i.json_type.as_str(), i.count))
            .collect();
        assert_eq!(a, [("integer", 2), ("string", 1)]);
        assert!(report.items.iter().all(|i| i.first_seen <= i.last_seen));
        assert_eq!(log.len(), 5);
        assert!(!log.is_empty());
        assert!(!log.report().is_empty());
        assert_eq!(format!("{log:?}"), "DriftLog { items: 5 }");
        log.clear();
        assert!(log.report().is_empty());
        // Nothing found: nothing recorded.
        log.observe("op", &ExtraOnly(Map::new()));
        assert!(log.is_empty());
    }

    #[test]
    fn a_report_round_trips_and_merges() {
        let log = DriftLog::new();
        log.observe(
            "op",
            &ExtraOnly(json!({"A": 1}).as_object().unwrap().clone()),
        );
        log.observe(
            "op",
            &ExtraOnly(json!({"A": 1}).as_object().unwrap().clone()),
        );
        let report = log.report();
        let text = serde_json::to_string(&report).unwrap();
        let back: DriftReport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
        assert_eq!(back.format, REPORT_FORMAT);

        let mut later = report.clone();
        later.items[0].first_seen = report.items[0].first_seen + chrono::Duration::days(1);
        later.items[0].last_seen = report.items[0].last_seen + chrono::Duration::days(2);
        let mut merged = report.clone().seen_by("b");
        merged.merge(later.clone().seen_by("a").seen_by("b"));
        assert_eq!(merged.items.len(), 1);
        let item = &merged.items[0];
        assert_eq!(item.count, 4);
        assert_eq!(item.first_seen, report.items[0].first_seen);
        assert_eq!(item.last_seen, later.items[0].last_seen);
        assert_eq!(item.seen_by, ["a", "b"]);
        // Different things stay apart, sorted.
        let other = DriftLog::new();
        other.observe(
            "another",
            &ExtraOnly(json!({"A": 1}).as_object().unwrap().clone()),
        );
        merged.merge(other.report());
        let sources: Vec<&str> = merged.items.iter().map(|i| i.source.as_str()).collect();
        assert_eq!(sources, ["another", "op"]);
    }

    #[test]
    fn the_mark_is_taken_once() {
        assert!(!take_pending() || !take_pending());
        mark();
        assert!(take_pending());
        assert!(!take_pending());
    }

    #[test]
    fn last_names_of_paths() {
        assert_eq!(last_name("$[].Status"), "Status");
        assert_eq!(last_name("$.A.B[]"), "B");
        assert_eq!(last_name("$"), "$");
    }
}
