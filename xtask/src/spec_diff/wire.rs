//! The spec's schemas as the diff compares them, as they are on the wire: each `allOf` merged
//! into one schema, the `type` that `properties` or `items` imply written out, and what the
//! wire does not see (descriptions, examples, titles, extensions) left out.

use serde_json::Value;

use crate::spec::{Additional, Schema, LOWER_BOUNDS, UPPER_BOUNDS};

/// String keywords that make progenitor (typify) generate a validated newtype.
pub(super) const NEWTYPE_CONSTRAINTS: &[&str] = &["minLength", "maxLength", "pattern"];

/// Whether `new` is stricter than `old` as the value of the bound `key`; `None` when `key` is
/// not a bound.
pub(super) fn stricter(key: &str, old: &Value, new: &Value) -> Option<bool> {
    let (old, new) = (old.as_f64(), new.as_f64());
    if LOWER_BOUNDS.contains(&key) {
        Some(new > old)
    } else {
        UPPER_BOUNDS.contains(&key).then_some(new < old)
    }
}

impl Additional {
    pub(super) fn text(&self) -> &'static str {
        match self {
            Additional::Open => "open",
            Additional::Closed => "closed",
            Additional::Schema(_) => "schema",
        }
    }
}

/// A parameter's or a media type's schema on the wire; any value where there is none.
pub(super) fn schema(s: &Option<Schema>) -> Schema {
    merged(s.clone().unwrap_or_default())
}

/// A schema on the wire (see the module docs); its enum values sorted, as a set.
pub(super) fn merged(mut s: Schema) -> Schema {
    (s.title, s.description, s.example) = (None, None, None);
    s.extensions.clear();
    s.children_mut()
        .for_each(|c| *c = merged(std::mem::take(c)));
    if let Some(values) = &mut s.enum_values {
        values.sort_by_key(Value::to_string);
        values.dedup();
    }
    let members = std::mem::take(&mut s.all_of);
    if members.is_empty() {
        return s.implied_type();
    }
    // `allOf` is an intersection: null passes only if every member lets it through; a
    // `nullable: true` beside the `allOf` is how OpenAPI 3.0 writers mean "or null".
    let nullable = s.nullable || members.iter().all(|m| m.nullable);
    let adds_nothing = s.properties.is_empty() && s.ty.is_none() && s.items.is_none();
    // An `allOf` of one `$ref` and nothing more is that schema; else it keeps the name it was
    // reached through, if any (the merge keeps the first schema's).
    let only = match members.as_slice() {
        [only] if adds_nothing => only.name.clone(),
        _ => None,
    };
    let mut merged = members.into_iter().fold(s, merge);
    (merged.nullable, merged.name) = (nullable, only.or(merged.name));
    merged.implied_type()
}

impl Schema {
    /// The same schema with every component name removed and its properties sorted: equal
    /// shapes on the wire compare (and print) equal.
    pub(super) fn wire(&self) -> Schema {
        let mut s = self.clone();
        s.strip_names();
        s
    }

    fn strip_names(&mut self) {
        self.name = None;
        self.properties.sort_keys();
        self.children_mut().for_each(Schema::strip_names);
    }

    /// Its properties, items, `additionalProperties` schema and members.
    fn children_mut(&mut self) -> impl Iterator<Item = &mut Schema> {
        let additional = match &mut self.additional {
            Additional::Schema(a) => Some(&mut **a),
            _ => None,
        };
        let properties = self.properties.values_mut();
        let children = properties
            .chain(self.items.as_deref_mut())
            .chain(additional);
        children.chain(&mut self.variants).chain(&mut self.all_of)
    }

    /// `type: object` is implied by `properties`, `type: array` by `items`: writing it out or
    /// leaving it implicit is no change.
    fn implied_type(mut self) -> Schema {
        if self.ty.is_none() {
            if !self.properties.is_empty() || self.additional != Additional::Open {
                self.ty = Some("object".into());
            } else if self.items.is_some() {
                self.ty = Some("array".into());
            }
        }
        self
    }
}

/// Merges an `allOf` member into the schema built so far (an intersection of both).
fn merge(mut a: Schema, b: Schema) -> Schema {
    a.ty = a.ty.or(b.ty);
    a.format = a.format.or(b.format);
    a.enum_values = match (a.enum_values, b.enum_values) {
        (Some(x), Some(y)) => Some(x.into_iter().filter(|v| y.contains(v)).collect()),
        (x, y) => x.or(y),
    };
    for (key, value) in b.constraints {
        let old = a.constraints.get(key);
        if old.is_none_or(|old| stricter(key, old, &value).unwrap_or(false)) {
            a.constraints.insert(key, value);
        }
    }
    for (name, schema) in b.properties {
        let merged = match a.properties.shift_remove(&name) {
            Some(existing) => Schema {
                name: existing.name.clone().or(schema.name.clone()),
                ..merge(existing, schema)
            },
            None => schema,
        };
        a.properties.insert(name, merged);
    }
    a.required.extend(b.required);
    a.additional = match (a.additional, b.additional) {
        (Additional::Closed, _) | (_, Additional::Closed) => Additional::Closed,
        (Additional::Schema(x), Additional::Schema(y)) => {
            Additional::Schema(Box::new(merge(*x, *y)))
        }
        (Additional::Open, other) | (other, Additional::Open) => other,
    };
    a.items = match (a.items, b.items) {
        (Some(x), Some(y)) => Some(Box::new(merge(*x, *y))),
        (x, y) => x.or(y),
    };
    if a.variants.is_empty() {
        a.variants = b.variants;
    }
    a.recursive = a.recursive.or(b.recursive);
    a
}
