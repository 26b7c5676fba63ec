//! The spec as the diff compares it: read through [`crate::spec`] like the generators read it,
//! each schema as it is on the wire (`$ref`s resolved, `allOf` merged into one schema), each
//! operation with what a client depends on.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, MediaType, OpenAPI, ParameterSchemaOrContent, ReferenceOr,
};
use serde_json::Value;

use crate::spec::{self, SchemaRef};

/// Keywords whose larger value is the stricter one.
const LOWER_BOUNDS: &[&str] = &["minLength", "minItems", "minProperties", "minimum"];
/// Keywords whose smaller value is the stricter one.
const UPPER_BOUNDS: &[&str] = &["maxLength", "maxItems", "maxProperties", "maximum"];
/// The validation keywords compared besides the bounds.
const RULES: &[&str] = &[
    "pattern",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
];
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

/// A schema with `$ref`s resolved and `allOf` merged.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Schema {
    /// The component it was reached through (`#/components/schemas/NAME`), if any.
    pub name: Option<String>,
    pub ty: Option<String>,
    pub format: Option<String>,
    pub nullable: bool,
    /// The JSON of each allowed value.
    pub enum_values: Option<BTreeSet<String>>,
    /// Validation keywords (`maxLength`, `minimum`, `pattern`, ...).
    pub constraints: BTreeMap<&'static str, Value>,
    pub properties: BTreeMap<String, Schema>,
    pub required: BTreeSet<String>,
    pub additional: Additional,
    pub items: Option<Box<Schema>>,
    /// `oneOf`/`anyOf` members.
    pub variants: Vec<Schema>,
    /// Set instead of everything else for a `$ref` met again inside its own expansion.
    pub recursive: Option<String>,
}

/// `additionalProperties`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Additional {
    /// Absent or `true`.
    #[default]
    Open,
    /// `false`.
    Closed,
    /// A schema for the values of unnamed fields.
    Schema(Box<Schema>),
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

impl Schema {
    /// The same schema with every component name removed: equal shapes on the wire compare
    /// equal.
    pub(super) fn wire(&self) -> Schema {
        let mut s = self.clone();
        s.strip_names();
        s
    }

    fn strip_names(&mut self) {
        self.name = None;
        self.properties.values_mut().for_each(Schema::strip_names);
        self.items.iter_mut().for_each(|i| i.strip_names());
        if let Additional::Schema(a) = &mut self.additional {
            a.strip_names();
        }
        self.variants.iter_mut().for_each(Schema::strip_names);
    }

    /// The allowed values (`enum`; a `null` among them makes the schema nullable) and the
    /// validation keywords (the bounds and [`RULES`]; `false` is the absence of a flag) of a schema's
    /// JSON, as `openapiv3` writes it.
    fn keywords(&mut self, json: &Value) {
        if let Some(Value::Array(values)) = json.get("enum") {
            self.nullable |= values.iter().any(Value::is_null);
            let listed = values.iter().filter(|v| !v.is_null());
            self.enum_values = Some(listed.map(|v| number(v).to_string()).collect());
        }
        for key in LOWER_BOUNDS.iter().chain(UPPER_BOUNDS).chain(RULES) {
            match json.get(*key) {
                None | Some(Value::Null | Value::Bool(false)) => {}
                Some(value) => drop(self.constraints.insert(key, number(value))),
            }
        }
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

/// A value as the spec wrote it: `openapiv3` reads a `number`'s bounds and values as floats,
/// so a whole one is shown as an integer again.
fn number(value: &Value) -> Value {
    match value.as_f64() {
        Some(n) if value.is_f64() && n.fract() == 0.0 && n.abs() < 1e15 => Value::from(n as i64),
        _ => value.clone(),
    }
}

/// Merges an `allOf` member into the schema built so far (an intersection of both).
fn merge(mut a: Schema, b: Schema) -> Schema {
    a.ty = a.ty.or(b.ty);
    a.format = a.format.or(b.format);
    a.enum_values = match (a.enum_values, b.enum_values) {
        (Some(x), Some(y)) => Some(x.intersection(&y).cloned().collect()),
        (x, y) => x.or(y),
    };
    for (key, value) in b.constraints {
        let old = a.constraints.get(key);
        if old.is_none_or(|old| stricter(key, old, &value).unwrap_or(false)) {
            a.constraints.insert(key, value);
        }
    }
    for (name, schema) in b.properties {
        let merged = match a.properties.remove(&name) {
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
        (Additional::Schema(x), Additional::Open) | (Additional::Open, Additional::Schema(x)) => {
            Additional::Schema(x)
        }
        (Additional::Open, Additional::Open) => Additional::Open,
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

/// A parameter (`Sent<Schema>`) or a request body (`Sent<Content>`): what the client sends,
/// and whether it must.
pub(super) struct Sent<T> {
    pub required: bool,
    pub value: T,
}

/// A body's schema by media type.
pub(super) type Content = BTreeMap<String, Schema>;

pub(super) struct Operation {
    /// `operationId`, or `METHOD path` when it has none.
    pub id: String,
    pub method: String,
    pub path: String,
    /// The first effective server: the host the generated operation table routes it to.
    pub host: String,
    pub security: String,
    /// `x-salesflow-changes-state`, or what the method implies (GET, HEAD, OPTIONS: no).
    pub changes_state: bool,
    pub deprecated: bool,
    /// Keyed by (location, name), as OpenAPI identifies parameters.
    pub params: BTreeMap<(String, String), Sent<Schema>>,
    pub body: Option<Sent<Content>>,
    /// Keyed by status code (or `default`).
    pub responses: BTreeMap<String, Content>,
}

pub(super) struct Model {
    pub version: String,
    pub servers: Vec<String>,
    /// In the spec's order.
    pub operations: Vec<Operation>,
    /// Component schemas reachable from no operation (such as the webhook payload).
    pub standalone: BTreeMap<String, Schema>,
}

impl Model {
    pub(super) fn read(text: &str) -> Result<Model, String> {
        let spec = spec::parse(text)?;
        let mut reader = Reader {
            spec: &spec,
            stack: Vec::new(),
            reached: BTreeSet::new(),
        };
        let operations = spec::operations(&spec)?
            .iter()
            .map(|o| reader.operation(o))
            .collect::<Result<_, _>>()?;
        // Component schemas no operation reaches (e.g. the webhook payload) are compared on
        // their own, as something clients receive.
        let reached = std::mem::take(&mut reader.reached);
        let mut standalone = BTreeMap::new();
        for name in spec.components.iter().flat_map(|c| c.schemas.keys()) {
            if !reached.contains(name) {
                let reference = format!("{}{name}", spec::SCHEMAS);
                let schema =
                    reader.schema(&ReferenceOr::<openapiv3::Schema>::Reference { reference })?;
                standalone.insert(name.clone(), schema);
            }
        }
        Ok(Model {
            version: spec.info.version.clone(),
            servers: spec.servers.iter().map(|s| url(&s.url)).collect(),
            operations,
            standalone,
        })
    }
}

/// A server's URL as compared: without a trailing `/`.
fn url(url: &str) -> String {
    url.trim_end_matches('/').to_owned()
}

/// Reads schemas, noting every component schema it reaches.
struct Reader<'s> {
    spec: &'s OpenAPI,
    /// The `$ref`s being expanded.
    stack: Vec<String>,
    reached: BTreeSet<String>,
}

impl Reader<'_> {
    fn operation(&mut self, o: &spec::Operation<'_>) -> Result<Operation, String> {
        let spec = self.spec;
        let mut params = BTreeMap::new();
        for p in o.parameters(spec)? {
            let (location, data) = spec::parameter_parts(p);
            let value = match &data.format {
                ParameterSchemaOrContent::Schema(s) => self.schema(s)?,
                ParameterSchemaOrContent::Content(_) => Schema::default(),
            };
            let required = location == "path" || data.required;
            let key = (location.to_owned(), data.name.clone());
            params.insert(key, Sent { required, value });
        }
        let mut body = None;
        if let Some(b) = &o.op.request_body {
            let b = spec::resolve(spec, b)?;
            let (required, value) = (b.required, self.content(&b.content)?);
            body = Some(Sent { required, value });
        }
        let responses = &o.op.responses;
        let default = responses.default.iter().map(|r| ("default".to_owned(), r));
        let statuses = responses.responses.iter().map(|(s, r)| (s.to_string(), r));
        let mut responses = BTreeMap::new();
        for (status, r) in default.chain(statuses) {
            responses.insert(status, self.content(&spec::resolve(spec, r)?.content)?);
        }
        let id = o.op.operation_id.clone();
        // serde_json's maps sort their keys: equal requirements print equally.
        let security = serde_json::to_value(o.security(spec)).map_err(|e| e.to_string())?;
        Ok(Operation {
            id: id.unwrap_or_else(|| format!("{} {}", o.method, o.path)),
            method: o.method.clone(),
            path: o.path.to_owned(),
            host: url(o.server_url(spec).unwrap_or_default()),
            security: security.to_string(),
            changes_state: o.changes_state(),
            deprecated: o.op.deprecated,
            params,
            body,
            responses,
        })
    }

    fn content(&mut self, content: &IndexMap<String, MediaType>) -> Result<Content, String> {
        let mut out = Content::new();
        for (media, entry) in content {
            let schema = match &entry.schema {
                Some(s) => self.schema(s)?,
                None => Schema::default(),
            };
            out.insert(media.clone(), schema);
        }
        Ok(out)
    }

    fn schema(&mut self, r: &impl SchemaRef) -> Result<Schema, String> {
        let reference = match r.split() {
            Ok(own) => return self.own(own),
            Err(reference) => reference,
        };
        let (target, name) = spec::schema(self.spec, r)?;
        let name = name.map(str::to_owned);
        self.reached.extend(name.clone());
        if self.stack.iter().any(|r| r == reference) {
            let recursive = name.clone();
            return Ok(Schema {
                name,
                recursive,
                ..Schema::default()
            });
        }
        self.stack.push(reference.to_owned());
        let schema = self.own(target);
        self.stack.pop();
        let mut schema = schema?;
        // In a chain of references the innermost name is the schema's own.
        schema.name = schema.name.or(name);
        Ok(schema)
    }

    fn own(&mut self, schema: &openapiv3::Schema) -> Result<Schema, String> {
        let (ty, format) = spec::type_and_format(schema);
        let mut s = Schema {
            nullable: schema.schema_data.nullable,
            ty: ty.map(str::to_owned),
            format,
            ..Schema::default()
        };
        let json = serde_json::to_value(&schema.schema_kind).map_err(|e| e.to_string())?;
        s.keywords(&json);
        // Every kind of schema seen one way: its JSON read again as `openapiv3`'s catch-all
        // kind, which has every keyword (`properties`, `items`, `oneOf`...) of every kind.
        let any: AnySchema = serde_json::from_value(json).map_err(|e| e.to_string())?;
        for (name, property) in &any.properties {
            s.properties.insert(name.clone(), self.schema(property)?);
        }
        s.required = any.required.into_iter().collect();
        s.additional = match &any.additional_properties {
            None | Some(AdditionalProperties::Any(true)) => Additional::Open,
            Some(AdditionalProperties::Any(false)) => Additional::Closed,
            Some(AdditionalProperties::Schema(r)) => {
                Additional::Schema(Box::new(self.schema(r.as_ref())?))
            }
        };
        if let Some(items) = &any.items {
            s.items = Some(Box::new(self.schema(items)?));
        }
        s.variants = self.each(&any.one_of)?;
        s.variants.extend(self.each(&any.any_of)?);
        if any.all_of.is_empty() {
            return Ok(s.implied_type());
        }
        let members = self.each(&any.all_of)?;
        // `allOf` is an intersection: null passes only if every member lets it through; a
        // `nullable: true` beside the `allOf` is how OpenAPI 3.0 writers mean "or null".
        let nullable = s.nullable || members.iter().all(|m| m.nullable);
        let adds_nothing = s.properties.is_empty() && s.ty.is_none() && s.items.is_none();
        let name = match members.as_slice() {
            [only] if adds_nothing => only.name.clone(),
            _ => None,
        };
        s.nullable = false;
        let mut merged = members.into_iter().fold(s, merge);
        (merged.nullable, merged.name) = (nullable, name);
        Ok(merged.implied_type())
    }

    fn each(&mut self, members: &[ReferenceOr<openapiv3::Schema>]) -> Result<Vec<Schema>, String> {
        members.iter().map(|m| self.schema(m)).collect()
    }
}
