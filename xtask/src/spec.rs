//! The spec as every task of the xtask reads it: [`Model::read`] reads `openapiv3`'s document
//! once into one resolved model, every `$ref` followed in one place: each operation with its
//! effective server, security, parameters, body and responses; each schema with its type,
//! keywords, properties, members, examples and extensions, in the spec's order. The generators
//! ([`crate::codegen`]) and the spec diff ([`crate::spec_diff`]) both take their facts from it,
//! so they cannot disagree about what the spec says.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, MediaType, OpenAPI, Parameter as SpecParameter, ParameterData,
    ParameterSchemaOrContent, PathItem, ReferenceOr, SecurityRequirement,
};
use serde_json::Value;

/// The extension that overrides what an operation's method says about changing state
/// (ImportMember is a GET that creates a member: `true`; ListContacts-by-identifiers is a POST
/// that only reads: `false`).
pub const CHANGES_STATE_EXTENSION: &str = "x-salesflow-changes-state";

/// Where a component schema's `$ref` points.
const SCHEMAS: &str = "#/components/schemas/";

/// Keywords whose larger value is the stricter one.
pub const LOWER_BOUNDS: &[&str] = &["minLength", "minItems", "minProperties", "minimum"];
/// Keywords whose smaller value is the stricter one.
pub const UPPER_BOUNDS: &[&str] = &["maxLength", "maxItems", "maxProperties", "maximum"];
/// The validation keywords read besides the bounds.
const RULES: &[&str] = &[
    "pattern",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
];

/// Reads an OpenAPI 3.0 document (YAML or JSON).
///
/// A key written twice in one mapping is refused, and a key that is not a string (an unquoted
/// `200:`) is read as the string it is written as. The document is read as JSON values first:
/// `openapiv3` reads a schema it cannot read once more as JSON, for its error message, and
/// panics when that second reading succeeds; read from JSON values both readings agree. Once
/// it reads, it is read again from the YAML values, which keep the spec's order (serde_json's
/// maps sort their keys; the generated code follows the spec's order).
pub fn parse(text: &str) -> Result<OpenAPI, String> {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| format!("not YAML (or JSON): {e}"))?;
    let yaml = string_keys(yaml);
    let not_openapi = |e: &dyn std::fmt::Display| format!("not an OpenAPI 3.0 document: {e}");
    let json: serde_json::Value =
        serde_yaml::from_value(yaml.clone()).map_err(|e| not_openapi(&e))?;
    serde_json::from_value::<OpenAPI>(json).map_err(|e| not_openapi(&e))?;
    serde_yaml::from_value(yaml).map_err(|e| not_openapi(&e))
}

/// The same YAML with every mapping key a string and tags dropped.
fn string_keys(value: serde_yaml::Value) -> serde_yaml::Value {
    use serde_yaml::Value;
    match value {
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(string_keys).collect()),
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::String(s) => s,
                        other => serde_yaml::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    (Value::String(key), string_keys(v))
                })
                .collect(),
        ),
        Value::Tagged(tagged) => string_keys(tagged.value),
        other => other,
    }
}

/// A boolean extension (`x-...: true`), if present.
pub fn flag(extensions: &IndexMap<String, Value>, name: &str) -> Option<bool> {
    extensions.get(name).and_then(Value::as_bool)
}

/// The spec, read once.
#[derive(Clone, Debug)]
pub struct Model {
    /// `info.version`: the vendor API version.
    pub version: String,
    /// The URLs of the top-level `servers`, in the spec's order.
    pub servers: Vec<String>,
    /// Every operation, in the spec's order.
    pub operations: Vec<Operation>,
    /// Every component schema, as a `$ref` to it reads it (a component that is itself a
    /// `$ref` is the schema it points at, under that schema's name), in the spec's order.
    pub schemas: IndexMap<String, Schema>,
    /// The component schemas some operation reaches (the others, such as the webhook payload,
    /// stand alone).
    pub reached: BTreeSet<String>,
    /// The names of the `apiKey` security schemes sent `in: query`, in the spec's order.
    pub api_keys: Vec<String>,
    /// Each tag's name and description, in the spec's order.
    pub tags: Vec<(String, Option<String>)>,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// `operationId`, or `METHOD path` when it has none (progenitor refuses that).
    pub id: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template, e.g. `/members/{memberId}`.
    pub path: String,
    /// The URL of the server that serves it: its own, its path's, else the spec's first
    /// (empty if there is none).
    pub server: String,
    /// Its security requirements: its own, else the spec's.
    pub security: Vec<SecurityRequirement>,
    /// Whether a call changes state: [`CHANGES_STATE_EXTENSION`], else what the method says
    /// (GET, HEAD and OPTIONS do not).
    pub changes_state: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// Its `x-` extensions.
    pub extensions: IndexMap<String, Value>,
    /// Its parameters: the path's, then its own; one of its own replaces the path's
    /// parameter of the same name and location.
    pub params: Vec<Parameter>,
    /// The request body, if it takes one.
    pub body: Option<Body>,
    /// The responses by status (`default` first, then the spec's order).
    pub responses: IndexMap<String, Content>,
}

/// A parameter of an operation.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// `path`, `query`, `header` or `cookie`.
    pub location: &'static str,
    /// Its name on the wire.
    pub name: String,
    /// Whether callers must send it (a path parameter always).
    pub required: bool,
    /// The parameter's own `description`.
    pub description: Option<String>,
    /// The parameter's own `example`.
    pub example: Option<Value>,
    /// Its `schema`; `None` when it is described by `content` instead.
    pub schema: Option<Schema>,
}

/// A request body.
#[derive(Clone, Debug)]
pub struct Body {
    /// Whether callers must send it.
    pub required: bool,
    /// Its schema by media type.
    pub content: Content,
}

/// A body's schema by media type, in the spec's order (`None` for a media type without one).
pub type Content = IndexMap<String, Option<Schema>>;

/// A schema with its `$ref`s resolved, as the spec writes it: an `allOf` keeps its members.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// The component it was reached through (the last of a chain of `$ref`s), if any.
    pub name: Option<String>,
    /// `type`, as written.
    pub ty: Option<String>,
    /// `format` (`date-time`, `int64`, `linkedin-profile-url`).
    pub format: Option<String>,
    /// `nullable`, or `null` among the `enum` values.
    pub nullable: bool,
    /// The `enum` values but `null`, in the spec's order (a whole `number` as an integer).
    pub enum_values: Option<Vec<Value>>,
    /// Validation keywords ([`LOWER_BOUNDS`], [`UPPER_BOUNDS`], `pattern`, `multipleOf`,
    /// ...; `false` is the absence of a flag).
    pub constraints: BTreeMap<&'static str, Value>,
    /// `properties`, in the spec's order.
    pub properties: IndexMap<String, Schema>,
    /// `required`.
    pub required: BTreeSet<String>,
    /// `additionalProperties`.
    pub additional: Additional,
    /// `items`.
    pub items: Option<Box<Schema>>,
    /// The `oneOf` then the `anyOf` members.
    pub variants: Vec<Schema>,
    /// The `allOf` members.
    pub all_of: Vec<Schema>,
    /// Set instead of everything else for a `$ref` met again inside its own expansion.
    pub recursive: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `example`.
    pub example: Option<Value>,
    /// Its `x-` extensions.
    pub extensions: IndexMap<String, Value>,
}

/// `additionalProperties`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Additional {
    /// Absent or `true`.
    #[default]
    Open,
    /// `false`.
    Closed,
    /// A schema for the values of unnamed fields.
    Schema(Box<Schema>),
}

impl Schema {
    /// A `string` (not an open enum's `anyOf`, nor an `allOf`).
    pub fn is_string(&self) -> bool {
        self.ty.as_deref() == Some("string") && self.variants.is_empty() && self.all_of.is_empty()
    }

    /// The value of the numeric keyword `key` (`maxLength`, `minItems`...), if set.
    pub fn bound(&self, key: &str) -> Option<u64> {
        self.constraints.get(key).and_then(Value::as_u64)
    }

    /// The component schemas it refers to (through its properties, items and members, down
    /// to the first named one of each branch).
    pub fn refs(&self, out: &mut Vec<String>) {
        let properties = self.properties.values();
        let children = properties.chain(self.items.as_deref());
        for child in children.chain(&self.variants).chain(&self.all_of) {
            match &child.name {
                Some(name) => out.push(name.clone()),
                None => child.refs(out),
            }
        }
    }

    /// The allowed values (`enum`; a `null` among them makes the schema nullable) and the
    /// validation keywords of a schema's JSON, as `openapiv3` writes it.
    fn keywords(&mut self, json: &Value) {
        if let Some(Value::Array(values)) = json.get("enum") {
            self.nullable |= values.iter().any(Value::is_null);
            let listed = values.iter().filter(|v| !v.is_null());
            self.enum_values = Some(listed.map(number).collect());
        }
        for key in LOWER_BOUNDS.iter().chain(UPPER_BOUNDS).chain(RULES) {
            match json.get(*key) {
                None | Some(Value::Null | Value::Bool(false)) => {}
                Some(value) => drop(self.constraints.insert(key, number(value))),
            }
        }
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

/// The component `$ref` points at, in the components of one kind (`prefix`, e.g.
/// `#/components/parameters/`), following a chain of references; with its name.
fn component<'s, T>(
    map: Option<&'s IndexMap<String, ReferenceOr<T>>>,
    prefix: &str,
    mut reference: &'s str,
) -> Result<(&'s T, &'s str), String> {
    for _ in 0..64 {
        if !reference.starts_with('#') {
            return Err(format!(
                "`$ref: {reference}`: only references within the document are supported"
            ));
        }
        let name = reference.strip_prefix(prefix);
        match name.and_then(|n| map?.get(n)) {
            Some(ReferenceOr::Item(item)) => return Ok((item, name.unwrap_or_default())),
            Some(ReferenceOr::Reference { reference: next }) => reference = next,
            None => return Err(format!("`$ref: {reference}` points at nothing")),
        }
    }
    Err(format!("`$ref` loop through `{reference}`"))
}

/// A parameter, request body or response with its `$ref` resolved: a `$ref` to one of the
/// components `all` picks, under `prefix` (e.g. `#/components/parameters/`).
fn resolve<'s, T>(
    spec: &'s OpenAPI,
    r: &'s ReferenceOr<T>,
    prefix: &str,
    all: fn(&openapiv3::Components) -> &IndexMap<String, ReferenceOr<T>>,
) -> Result<&'s T, String> {
    match r {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            let all = spec.components.as_ref().map(all);
            component(all, prefix, reference).map(|(item, _)| item)
        }
    }
}

/// Where a parameter goes (`path`, `query`, `header`, `cookie`), and what it says.
fn parameter_parts(p: &SpecParameter) -> (&'static str, &ParameterData) {
    match p {
        SpecParameter::Path { parameter_data, .. } => ("path", parameter_data),
        SpecParameter::Query { parameter_data, .. } => ("query", parameter_data),
        SpecParameter::Header { parameter_data, .. } => ("header", parameter_data),
        SpecParameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
    }
}

impl Model {
    /// Reads the whole spec.
    pub fn read(spec: &OpenAPI) -> Result<Model, String> {
        let mut reader = Reader {
            spec,
            stack: Vec::new(),
            reached: BTreeSet::new(),
        };
        let mut operations = Vec::new();
        for (path, item) in spec.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                return Err(format!("path `{path}` is a $ref"));
            };
            for (method, op) in item.iter() {
                let method = method.to_ascii_uppercase();
                operations.push(reader.operation(path, method, item, op)?);
            }
        }
        // What the operations reach; every component schema is read after them.
        let reached = std::mem::take(&mut reader.reached);
        let components = spec.components.as_ref();
        let mut schemas = IndexMap::new();
        for name in components.iter().flat_map(|c| c.schemas.keys()) {
            let reference = format!("{SCHEMAS}{name}");
            let schema = ReferenceOr::<openapiv3::Schema>::Reference { reference };
            schemas.insert(name.clone(), reader.schema(&schema)?);
        }
        let schemes = components.iter().flat_map(|c| c.security_schemes.values());
        let api_keys = schemes.filter_map(|scheme| match scheme {
            ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Query,
                name,
                ..
            }) => Some(name.clone()),
            _ => None,
        });
        let tags = spec.tags.iter();
        Ok(Model {
            version: spec.info.version.clone(),
            servers: spec.servers.iter().map(|s| s.url.clone()).collect(),
            operations,
            schemas,
            reached,
            api_keys: api_keys.collect(),
            tags: tags
                .map(|t| (t.name.clone(), t.description.clone()))
                .collect(),
        })
    }

    /// The component schemas written in place (not a `$ref` to another), in the spec's order.
    pub fn defined(&self) -> impl Iterator<Item = (&str, &Schema)> {
        let defined = self.schemas.iter();
        defined.filter_map(|(name, s)| (s.name.as_ref() == Some(name)).then_some((&**name, s)))
    }
}

/// Reads operations and schemas, noting every component schema it reaches.
struct Reader<'s> {
    spec: &'s OpenAPI,
    /// The `$ref`s being expanded.
    stack: Vec<String>,
    reached: BTreeSet<String>,
}

impl Reader<'_> {
    fn operation(
        &mut self,
        path: &str,
        method: String,
        item: &PathItem,
        op: &openapiv3::Operation,
    ) -> Result<Operation, String> {
        let spec = self.spec;
        let mut resolved: Vec<&SpecParameter> = Vec::new();
        for p in item.parameters.iter().chain(&op.parameters) {
            let p = resolve(spec, p, "#/components/parameters/", |c| &c.parameters)?;
            let key = |p: &SpecParameter| (parameter_parts(p).0, parameter_parts(p).1.name.clone());
            match resolved.iter_mut().find(|q| key(q) == key(p)) {
                Some(q) => *q = p,
                None => resolved.push(p),
            }
        }
        let params = resolved.into_iter().map(|p| self.parameter(p));
        let params = params.collect::<Result<_, _>>()?;
        let mut body = None;
        if let Some(b) = &op.request_body {
            let b = resolve(spec, b, "#/components/requestBodies/", |c| {
                &c.request_bodies
            })?;
            let (required, content) = (b.required, self.content(&b.content)?);
            body = Some(Body { required, content });
        }
        let listed = &op.responses;
        let default = listed.default.iter().map(|r| ("default".to_owned(), r));
        let statuses = listed.responses.iter().map(|(s, r)| (s.to_string(), r));
        let mut responses = IndexMap::new();
        for (status, r) in default.chain(statuses) {
            let r = resolve(spec, r, "#/components/responses/", |c| &c.responses)?;
            responses.insert(status, self.content(&r.content)?);
        }
        let servers = [&op.servers, &item.servers, &spec.servers];
        let server = servers.into_iter().find_map(|s| s.first());
        let security = op.security.as_ref().or(spec.security.as_ref());
        let safe_method = matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS");
        Ok(Operation {
            id: (op.operation_id.clone()).unwrap_or_else(|| format!("{method} {path}")),
            path: path.to_owned(),
            server: server.map(|s| s.url.clone()).unwrap_or_default(),
            security: security.cloned().unwrap_or_default(),
            changes_state: flag(&op.extensions, CHANGES_STATE_EXTENSION).unwrap_or(!safe_method),
            method,
            deprecated: op.deprecated,
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            extensions: op.extensions.clone(),
            params,
            body,
            responses,
        })
    }

    fn parameter(&mut self, p: &SpecParameter) -> Result<Parameter, String> {
        let (location, data) = parameter_parts(p);
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => Some(self.schema(s)?),
            ParameterSchemaOrContent::Content(_) => None,
        };
        Ok(Parameter {
            location,
            name: data.name.clone(),
            required: location == "path" || data.required,
            description: data.description.clone(),
            example: data.example.clone(),
            schema,
        })
    }

    fn content(&mut self, content: &IndexMap<String, MediaType>) -> Result<Content, String> {
        let mut out = Content::new();
        for (media, entry) in content {
            let schema = entry.schema.as_ref().map(|s| self.schema(s)).transpose()?;
            out.insert(media.clone(), schema);
        }
        Ok(out)
    }

    /// A schema written in place, or a `$ref` to one (`S`: boxed or not).
    fn schema<S: Borrow<openapiv3::Schema>>(
        &mut self,
        r: &ReferenceOr<S>,
    ) -> Result<Schema, String> {
        let reference = match r {
            ReferenceOr::Item(own) => return self.own(own.borrow()),
            ReferenceOr::Reference { reference } => reference,
        };
        let schemas = self.spec.components.as_ref().map(|c| &c.schemas);
        let (target, name) = component(schemas, SCHEMAS, reference)?;
        let name = Some(name.to_owned());
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
        Ok(Schema { name, ..schema? })
    }

    fn own(&mut self, schema: &openapiv3::Schema) -> Result<Schema, String> {
        let data = &schema.schema_data;
        let mut s = Schema {
            nullable: data.nullable,
            title: data.title.clone(),
            description: data.description.clone(),
            example: data.example.clone(),
            extensions: data.extensions.clone(),
            ..Schema::default()
        };
        let json = serde_json::to_value(&schema.schema_kind).map_err(|e| e.to_string())?;
        s.keywords(&json);
        // Every kind of schema seen one way: read again as `openapiv3`'s catch-all kind, which
        // has every keyword (`type`, `format`, `properties`, `items`, `oneOf`...) of every kind,
        // each as the spec writes it; from YAML values, which keep the spec's order.
        let yaml = serde_yaml::to_value(&schema.schema_kind).map_err(|e| e.to_string())?;
        let any: AnySchema = serde_yaml::from_value(yaml).map_err(|e| e.to_string())?;
        (s.ty, s.format) = (any.typ, any.format);
        // Read in the order of their names (of two errors, the first so found is reported),
        // kept in the spec's order.
        let mut properties: Vec<_> = any.properties.iter().collect();
        properties.sort_by_key(|(name, _)| *name);
        for (name, property) in properties {
            s.properties.insert(name.clone(), self.schema(property)?);
        }
        s.properties
            .sort_by_cached_key(|name, _| any.properties.get_index_of(name));
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
        s.all_of = self.each(&any.all_of)?;
        Ok(s)
    }

    fn each(&mut self, members: &[ReferenceOr<openapiv3::Schema>]) -> Result<Vec<Schema>, String> {
        members.iter().map(|m| self.schema(m)).collect()
    }
}
