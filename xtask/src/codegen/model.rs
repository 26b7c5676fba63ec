//! What the generators need to know about the spec, read once: every operation with its
//! parameters (path, query and body properties, in the spec's order), its response, and the
//! Rust types progenitor chose for them.
//!
//! Everything the later stages emit comes from here, so a fact of the spec (a name, a limit, a
//! host) is read in one place. Anything this model cannot represent is an error naming the
//! operation and parameter, never a silent skip.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use openapiv3::{
    OpenAPI, Operation as SpecOperation, ParameterData, ParameterSchemaOrContent, ReferenceOr,
    Schema, SchemaKind, StatusCode, Type,
};

use super::Error;
use crate::spec::{self, SchemaRef};

pub use crate::spec::CHANGES_STATE_EXTENSION;
/// The extension marking a schema as the vendor's status body (`{"Status", "Message"}`), whose
/// `Status` of 400 or more is an error even under HTTP 200.
pub const STATUS_BODY_EXTENSION: &str = "x-salesflow-status-body";
/// The extension naming the array body property an operation's clients split into batches of
/// at most its `maxItems`.
pub const BATCH_EXTENSION: &str = "x-salesflow-batch";

/// The spec, as the generators see it.
#[derive(Debug)]
pub struct Model {
    /// `info.version`: the vendor API version the SDK targets.
    pub api_version: String,
    /// Every operation, in the spec's order.
    pub operations: Vec<Op>,
    /// Component schemas that are object types reachable from a response body (the types
    /// that keep unknown fields), sorted.
    pub response_structs: BTreeSet<String>,
    /// Component schemas that are the vendor's status body.
    pub status_bodies: BTreeSet<String>,
    /// `(derived, base)`: `derived` is `allOf: [$ref base, ...]`, so a `derived` value can be
    /// projected onto `base`.
    pub projections: Vec<(String, String)>,
    /// The names of the API key query parameters every call carries (the spec's `apiKey`
    /// security schemes `in: query`), in the spec's order: `token`, `accountId`.
    pub api_keys: Vec<String>,
    /// The response structs (those of `response_structs`) with their fields' wire names and
    /// the spec's example of each.
    pub records: Vec<Record>,
    /// The `description` of each tag, by name, in the spec's order.
    pub tags: Vec<(String, String)>,
}

/// A response struct as data: its fields and the spec's examples.
#[derive(Debug, Clone)]
pub struct Record {
    /// The component schema (and generated type) name, e.g. `Contact`.
    pub name: String,
    /// The wire name of each of its fields, in the generated struct's order.
    pub fields: Vec<String>,
    /// The spec's examples for it, merged: the examples of the schemas it is `allOf`, then
    /// its properties' own examples (or those of the schemas they refer to), then the
    /// schema's `example`, each later one winning.
    pub example: serde_json::Map<String, serde_json::Value>,
}

/// Which of the vendor's hosts serves an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// `app.salesflow.io`.
    App,
    /// `mvc.salesflow.io`.
    Mvc,
}

/// One operation.
#[derive(Debug)]
pub struct Op {
    /// `operationId`, e.g. `getContact`.
    pub id: String,
    /// The enum variant and parameter struct name, e.g. `GetContact`.
    pub pascal: String,
    /// progenitor's method name, e.g. `get_contact`.
    pub snake: String,
    /// The vendor's name (`summary`), e.g. `GetContact (by memberId)`.
    pub vendor_name: String,
    /// The description, trimmed.
    pub description: String,
    /// The first tag (the vendor concept it belongs to).
    pub tag: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template, e.g. `/members/{memberId}`.
    pub path: String,
    /// The host that serves it.
    pub host: Host,
    /// Whether `accountId` is sent besides `token`.
    pub needs_account_id: bool,
    /// Whether the call changes state.
    pub changes_state: bool,
    /// Path, query and body parameters, in that order; each group in the spec's order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Body,
    /// The success response.
    pub response: ResponseShape,
    /// The array body parameter to split into batches, with the batch size.
    pub batch: Option<(String, u64)>,
}

impl Op {
    /// The parameters that must be given (path, required query, required body properties).
    pub fn required(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.required)
    }

    /// The parameters that may be left out.
    pub fn optional(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.required)
    }
}

/// Where a parameter goes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A path segment.
    Path,
    /// A query parameter.
    Query,
    /// A property of the JSON body.
    Body,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire, e.g. `linkedInUrl`.
    pub wire: String,
    /// The Rust field name progenitor uses, e.g. `linked_in_url`.
    pub field: String,
    /// Path, query or body.
    pub location: Location,
    /// Whether it must be given.
    pub required: bool,
    /// Its description, trimmed (may be empty).
    pub description: String,
    /// Its example, if the spec gives one.
    pub example: Option<serde_json::Value>,
    /// Its value's shape.
    pub shape: Shape,
    /// Its JSON type as the spec writes it, for checks as strict as the spec (a server
    /// refusing a number where the spec says string, even if a lenient decoder reads it).
    pub wire_type: WireType,
    /// Whether the spec allows `null` for it.
    pub nullable: bool,
}

/// The JSON type of a value, as the spec's schema says it (`type`, also beside an `anyOf`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireType {
    /// `string`.
    String,
    /// `integer`.
    Integer,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `array`.
    Array,
    /// `object`.
    Object,
    /// No `type`.
    Any,
}

impl WireType {
    /// The type of a (resolved) schema.
    pub fn of(schema: &Schema) -> WireType {
        match spec::type_and_format(schema).0 {
            Some("string") => WireType::String,
            Some("integer") => WireType::Integer,
            Some("number") => WireType::Number,
            Some("boolean") => WireType::Boolean,
            Some("array") => WireType::Array,
            Some("object") => WireType::Object,
            _ => WireType::Any,
        }
    }
}

/// What kind of value a parameter holds.
#[derive(Debug, Clone)]
pub enum Shape {
    /// A string; `newtype` is the generated constrained type it must be converted to, if any.
    Str {
        /// The rules the spec sets.
        rules: StrRules,
        /// progenitor's constrained newtype (`types::ImportMemberFirstName`), if any.
        newtype: Option<String>,
    },
    /// An array of strings.
    StrArray {
        /// The rules for each item.
        item_rules: StrRules,
        /// progenitor's newtype for the items, if any.
        item_newtype: Option<String>,
        /// `minItems`.
        min_items: Option<u64>,
        /// `maxItems`.
        max_items: Option<u64>,
    },
    /// Any other value type, passed as it is (an id, a date, a flag, an event code).
    Value {
        /// The Rust type, as progenitor writes it (`::salesflow_webhook_types::CampaignId`,
        /// `bool`).
        rust_type: String,
        /// Whether progenitor takes it by reference.
        by_ref: bool,
    },
}

/// The constraints of a string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrRules {
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `format`.
    pub format: Option<String>,
}

/// The request body of an operation.
#[derive(Debug, Clone)]
pub enum Body {
    /// None.
    None,
    /// An empty JSON object, `{}` (the generated type named here).
    Empty(String),
    /// An object whose properties are parameters (the generated type named here).
    Object(String),
}

/// The success response of an operation.
#[derive(Debug, Clone)]
pub struct ResponseShape {
    /// The component schema of the body (or of its items).
    pub schema: String,
    /// Whether the body is an array of `schema`.
    pub is_array: bool,
    /// Whether `schema` is the vendor's status body.
    pub status_body: bool,
}

/// A method of the generated client: its arguments.
#[derive(Clone)]
pub struct Signature {
    /// `(name, type)` of each argument after `&self`, in order.
    pub args: Vec<(String, syn::Type)>,
}

/// What progenitor generated, as the model needs it.
pub struct Generated<'a> {
    /// Methods of `impl Client`, by name.
    pub methods: BTreeMap<String, Signature>,
    /// Structs of `mod types`, by name.
    pub structs: BTreeMap<String, &'a syn::ItemStruct>,
}

impl<'a> Generated<'a> {
    /// Reads the methods and types out of progenitor's output.
    pub fn read(file: &'a syn::File) -> Self {
        let mut methods = BTreeMap::new();
        let mut structs = BTreeMap::new();
        for item in &file.items {
            match item {
                syn::Item::Mod(m) if m.ident == "types" => {
                    for item in m.content.iter().flat_map(|(_, items)| items) {
                        if let syn::Item::Struct(s) = item {
                            structs.insert(s.ident.to_string(), s);
                        }
                    }
                }
                syn::Item::Impl(imp) if imp.trait_.is_none() => {
                    for item in &imp.items {
                        let syn::ImplItem::Fn(f) = item else { continue };
                        if f.sig.asyncness.is_none() {
                            continue;
                        }
                        let args = f
                            .sig
                            .inputs
                            .iter()
                            .filter_map(|arg| match arg {
                                syn::FnArg::Typed(t) => match &*t.pat {
                                    syn::Pat::Ident(id) => {
                                        Some((id.ident.to_string(), (*t.ty).clone()))
                                    }
                                    _ => None,
                                },
                                syn::FnArg::Receiver(_) => None,
                            })
                            .collect();
                        methods.insert(f.sig.ident.to_string(), Signature { args });
                    }
                }
                _ => {}
            }
        }
        Generated { methods, structs }
    }

    /// Whether `types::name` is a newtype around a `String` (a constrained string).
    pub fn is_string_newtype(&self, name: &str) -> bool {
        self.structs.get(name).is_some_and(|s| match &s.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                type_text(&f.unnamed[0].ty).ends_with("String")
            }
            _ => false,
        })
    }

    /// The type of field `field` of struct `types::name`.
    pub fn field_type(&self, name: &str, field: &str) -> Option<&syn::Type> {
        let s = self.structs.get(name)?;
        match &s.fields {
            syn::Fields::Named(f) => f
                .named
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| i == field))
                .map(|f| &f.ty),
            _ => None,
        }
    }
}

/// A type as compact text (`::std::option::Option<&'a str>` becomes
/// `::std::option::Option<&'a str>` without spaces).
pub fn type_text(ty: &syn::Type) -> String {
    quote::quote!(#ty).to_string().replace(' ', "")
}

/// A description without the spaces around it; none is empty.
fn trimmed(description: &Option<String>) -> String {
    description.as_deref().unwrap_or_default().trim().to_owned()
}

/// progenitor's (heck's) snake case of a name: `linkedInUrl` -> `linked_in_url`.
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// The PascalCase of a name: `getContact` -> `GetContact`.
pub fn pascal(name: &str) -> String {
    name.to_pascal_case()
}

/// A schema with its `$ref` resolved ([`spec::schema`]).
fn resolve_schema<'s>(spec: &'s OpenAPI, r: &'s impl SchemaRef) -> Result<&'s Schema, Error> {
    resolve_boxed(spec, r).map(|(s, _)| s)
}

/// A schema with its `$ref` resolved, and the component schema's name if it is a `$ref`.
fn resolve_boxed<'s>(
    spec: &'s OpenAPI,
    r: &'s impl SchemaRef,
) -> Result<(&'s Schema, Option<&'s str>), Error> {
    spec::schema(spec, r).map_err(Error::Spec)
}

fn str_rules(schema: &Schema) -> StrRules {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => StrRules {
            min_length: s.min_length,
            max_length: s.max_length,
            pattern: s.pattern.clone(),
            format: spec::format_text(&s.format),
        },
        _ => StrRules::default(),
    }
}

fn is_string(schema: &Schema) -> bool {
    matches!(schema.schema_kind, SchemaKind::Type(Type::String(_)))
}

/// The shape of a value, from the spec's schema and progenitor's Rust type for it.
fn shape_of(
    context: &str,
    schema: &Schema,
    schema_name: Option<&str>,
    rust: &syn::Type,
    generated: &Generated<'_>,
    spec: &OpenAPI,
) -> Result<Shape, Error> {
    let text = type_text(rust);
    let inner = strip_wrappers(&text);
    let by_ref = text.contains('&');
    // Inside `mod types` progenitor names its own types without the `types::` prefix.
    let qualified;
    let inner = if generated.structs.contains_key(inner) {
        qualified = format!("types::{inner}");
        qualified.as_str()
    } else {
        inner
    };
    // Component schemas that are mapped onto hand-written types are values.
    let replaced = schema_name.is_some_and(|n| super::REPLACEMENTS.iter().any(|(s, _)| *s == n));
    if !replaced && is_string(schema) {
        let newtype = inner
            .strip_prefix("types::")
            .filter(|n| generated.is_string_newtype(n))
            .map(str::to_owned);
        if newtype.is_none() && !matches!(inner, "str" | "::std::string::String") {
            return Err(Error::Spec(format!(
                "{context}: a string progenitor types as `{text}`, which the generator does not know"
            )));
        }
        return Ok(Shape::Str {
            rules: str_rules(schema),
            newtype,
        });
    }
    if let SchemaKind::Type(Type::Array(a)) = &schema.schema_kind {
        let Some(items) = &a.items else {
            return Err(Error::Spec(format!("{context}: an array without `items`")));
        };
        let (item, _) = resolve_boxed(spec, items)?;
        if !is_string(item) {
            return Err(Error::Spec(format!(
                "{context}: only arrays of strings are supported as parameters"
            )));
        }
        let item_text = inner
            .strip_prefix("::std::vec::Vec<")
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or_default();
        let item_newtype = Some(item_text.strip_prefix("types::").unwrap_or(item_text))
            .filter(|n| generated.is_string_newtype(n))
            .map(str::to_owned);
        return Ok(Shape::StrArray {
            item_rules: str_rules(item),
            item_newtype,
            min_items: a.min_items.map(|n| n as u64),
            max_items: a.max_items.map(|n| n as u64),
        });
    }
    Ok(Shape::Value {
        rust_type: inner.to_owned(),
        by_ref,
    })
}

/// `Option<&'a T>` -> `T`, `&'a T` -> `T`, `::std::option::Option<T>` -> `T`.
fn strip_wrappers(text: &str) -> &str {
    let mut t = text;
    for prefix in ["Option<", "::std::option::Option<"] {
        if let Some(rest) = t.strip_prefix(prefix).and_then(|r| r.strip_suffix('>')) {
            t = rest;
        }
    }
    if let Some(rest) = t.strip_prefix("&'a") {
        t = rest;
    } else if let Some(rest) = t.strip_prefix('&') {
        t = rest;
    }
    t
}

fn host_of(url: &str) -> Result<Host, Error> {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '.', ':']).next())
        .unwrap_or_default();
    match host {
        "app" => Ok(Host::App),
        "mvc" => Ok(Host::Mvc),
        other => Err(Error::Spec(format!(
            "server `{url}` has host `{other}`; expected the `app` or `mvc` host"
        ))),
    }
}

fn json_schema_of(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<&ReferenceOr<Schema>> {
    content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
}

fn response_shape(
    spec: &OpenAPI,
    context: &str,
    op: &SpecOperation,
) -> Result<ResponseShape, Error> {
    let ok = op
        .responses
        .responses
        .get(&StatusCode::Code(200))
        .ok_or_else(|| Error::Spec(format!("{context}: no 200 response")))?;
    let ok = spec::resolve(spec, ok).map_err(Error::Spec)?;
    let schema = json_schema_of(&ok.content)
        .ok_or_else(|| Error::Spec(format!("{context}: the 200 response has no JSON body")))?;
    let (name, is_array) = match schema {
        ReferenceOr::Reference { .. } => (schema.component(), false),
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Type(Type::Array(a)) => {
                (a.items.as_ref().and_then(SchemaRef::component), true)
            }
            _ => (None, false),
        },
    };
    let name = name.ok_or_else(|| {
        Error::Spec(format!(
            "{context}: the 200 body must be a `$ref` to a component schema, or an array of one"
        ))
    })?;
    let reference = ReferenceOr::<Schema>::Reference {
        reference: format!("{}{name}", spec::SCHEMAS),
    };
    let schema = resolve_schema(spec, &reference)?;
    Ok(ResponseShape {
        schema: name.to_owned(),
        is_array,
        status_body: spec::flag(&schema.schema_data.extensions, STATUS_BODY_EXTENSION)
            .unwrap_or(false),
    })
}

fn schema_example_of_body(
    example: &Option<serde_json::Value>,
    prop: &str,
) -> Option<serde_json::Value> {
    example.as_ref()?.get(prop).cloned()
}

/// Reads the model from the spec and progenitor's output.
pub fn read(spec: &OpenAPI, generated: &Generated<'_>) -> Result<Model, Error> {
    if spec.servers.is_empty() {
        return Err(Error::Spec("no top-level `servers`".into()));
    }
    let mut operations = Vec::new();
    for o in spec::operations(spec).map_err(Error::Spec)? {
        operations.push(operation(spec, generated, &o)?);
    }
    let components = spec
        .components
        .as_ref()
        .ok_or_else(|| Error::Spec("no `components`".into()))?;
    let (status_bodies, projections) = status_bodies_and_projections(components);
    let response_structs = response_structs(&operations, components, generated);
    let mut records = Vec::new();
    for name in &response_structs {
        records.extend(record(spec, generated, name)?);
    }
    let tags = spec
        .tags
        .iter()
        .map(|t| (t.name.clone(), trimmed(&t.description)))
        .collect();
    Ok(Model {
        api_version: spec.info.version.clone(),
        operations,
        response_structs,
        status_bodies,
        projections,
        api_keys: api_keys(components),
        records,
        tags,
    })
}

/// What reading the parameters of one operation needs.
struct OpReader<'a, 'g> {
    spec: &'a OpenAPI,
    generated: &'a Generated<'g>,
    /// `` operation `getContact` ``, for errors.
    context: String,
    /// progenitor's method for it, e.g. `get_contact`.
    method: String,
    /// That method's arguments.
    signature: &'a Signature,
}

/// One operation of the model.
fn operation(
    spec: &OpenAPI,
    generated: &Generated<'_>,
    o: &spec::Operation<'_>,
) -> Result<Op, Error> {
    let op = o.op;
    let id = op
        .operation_id
        .clone()
        .ok_or_else(|| Error::Spec(format!("{} {} has no operationId", o.method, o.path)))?;
    let context = format!("operation `{id}`");
    let method = snake(&id);
    let signature = generated
        .methods
        .get(&method)
        .ok_or_else(|| Error::Generate(format!("{context}: progenitor generated no `{method}`")))?;
    let reader = OpReader {
        spec,
        generated,
        context,
        method,
        signature,
    };
    let mut params = reader.parameters(o)?;
    let body = reader.body(op, &mut params)?;
    let batch = batch_of(&reader.context, op, &params)?;
    let response = response_shape(spec, &reader.context, op)?;
    if batch.is_some() && !response.is_array {
        return Err(Error::Spec(format!(
            "{}: a batched operation must answer an array",
            reader.context
        )));
    }
    Ok(Op {
        pascal: pascal(&id),
        snake: reader.method,
        vendor_name: op.summary.clone().unwrap_or_else(|| id.clone()),
        description: trimmed(&op.description),
        tag: op.tags.first().cloned().unwrap_or_default(),
        method: o.method.clone(),
        path: o.path.to_owned(),
        host: host_of(o.server_url(spec).unwrap_or_default())?,
        needs_account_id: o
            .security(spec)
            .iter()
            .any(|requirement| requirement.contains_key("accountId")),
        changes_state: o.changes_state(),
        params,
        body,
        response,
        batch,
        id,
    })
}

impl OpReader<'_, '_> {
    /// Path parameters first, then query parameters, each in the spec's order.
    fn parameters(&self, o: &spec::Operation<'_>) -> Result<Vec<Param>, Error> {
        let spec_params = o.parameters(self.spec).map_err(Error::Spec)?;
        let mut params = Vec::new();
        for location in [Location::Path, Location::Query] {
            for p in &spec_params {
                let (here, data) = match spec::parameter_parts(p) {
                    ("path", data) => (Location::Path, data),
                    ("query", data) => (Location::Query, data),
                    _ => {
                        return Err(Error::Spec(format!(
                            "{}: only path and query parameters are supported",
                            self.context
                        )))
                    }
                };
                if here == location {
                    params.push(self.parameter(data, location)?);
                }
            }
        }
        Ok(params)
    }

    /// A path or query parameter.
    fn parameter(&self, data: &ParameterData, location: Location) -> Result<Param, Error> {
        let context = &self.context;
        let ParameterSchemaOrContent::Schema(schema_ref) = &data.format else {
            return Err(Error::Spec(format!(
                "{context}: parameter `{}` has `content`, not `schema`",
                data.name
            )));
        };
        let schema = resolve_schema(self.spec, schema_ref)?;
        let field = snake(&data.name);
        let rust = self
            .signature
            .args
            .iter()
            .find(|(n, _)| *n == field)
            .map(|(_, t)| t)
            .ok_or_else(|| {
                Error::Generate(format!(
                    "{context}: `{}` has no argument `{field}`",
                    self.method
                ))
            })?;
        let pcontext = format!("{context}, parameter `{}`", data.name);
        Ok(Param {
            wire_type: WireType::of(schema),
            nullable: schema.schema_data.nullable,
            shape: shape_of(
                &pcontext,
                schema,
                schema_ref.component(),
                rust,
                self.generated,
                self.spec,
            )?,
            wire: data.name.clone(),
            field,
            location,
            required: data.required || location == Location::Path,
            description: trimmed(&data.description),
            example: data
                .example
                .clone()
                .or_else(|| schema.schema_data.example.clone()),
        })
    }

    /// The request body; its properties are parameters, added after `params`.
    fn body(&self, op: &SpecOperation, params: &mut Vec<Param>) -> Result<Body, Error> {
        let context = &self.context;
        let Some(b) = &op.request_body else {
            return Ok(Body::None);
        };
        let b = spec::resolve(self.spec, b).map_err(Error::Spec)?;
        let schema_ref = json_schema_of(&b.content)
            .ok_or_else(|| Error::Spec(format!("{context}: the request body is not JSON")))?;
        let name = schema_ref.component().ok_or_else(|| {
            Error::Spec(format!(
                "{context}: the request body must be a `$ref` to a component schema"
            ))
        })?;
        let schema = resolve_schema(self.spec, schema_ref)?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Err(Error::Spec(format!(
                "{context}: the request body must be an object"
            )));
        };
        if object.properties.is_empty() {
            return Ok(Body::Empty(name.to_owned()));
        }
        for (prop, schema_ref) in &object.properties {
            let field = snake(prop);
            if params.iter().any(|p: &Param| p.field == field) {
                return Err(Error::Spec(format!(
                    "{context}, body property `{prop}`: its name clashes with a parameter"
                )));
            }
            let required = object.required.contains(prop);
            let example = &schema.schema_data.example;
            params.push(self.body_param(name, prop, schema_ref, required, example)?);
        }
        Ok(Body::Object(name.to_owned()))
    }

    /// A property of the request body `body` (whose example is `body_example`).
    fn body_param(
        &self,
        body: &str,
        prop: &str,
        schema_ref: &ReferenceOr<Box<Schema>>,
        required: bool,
        body_example: &Option<serde_json::Value>,
    ) -> Result<Param, Error> {
        let context = &self.context;
        let (schema, ref_name) = resolve_boxed(self.spec, schema_ref)?;
        let field = snake(prop);
        let rust = self.generated.field_type(body, &field).ok_or_else(|| {
            Error::Generate(format!("{context}: `types::{body}` has no field `{field}`"))
        })?;
        let pcontext = format!("{context}, body property `{prop}`");
        let (generated, spec) = (self.generated, self.spec);
        Ok(Param {
            wire_type: WireType::of(schema),
            nullable: schema.schema_data.nullable,
            shape: shape_of(&pcontext, schema, ref_name, rust, generated, spec)?,
            wire: prop.to_owned(),
            field,
            location: Location::Body,
            required,
            description: trimmed(&schema.schema_data.description),
            example: schema
                .schema_data
                .example
                .clone()
                .or_else(|| schema_example_of_body(body_example, prop)),
        })
    }
}

/// The array body parameter [`BATCH_EXTENSION`] names, with its `maxItems`.
fn batch_of(
    context: &str,
    op: &SpecOperation,
    params: &[Param],
) -> Result<Option<(String, u64)>, Error> {
    let Some(value) = op.extensions.get(BATCH_EXTENSION) else {
        return Ok(None);
    };
    let prop = value.as_str().ok_or_else(|| {
        Error::Spec(format!(
            "{context}: `{BATCH_EXTENSION}` must name a property"
        ))
    })?;
    let param = params
        .iter()
        .find(|p| p.wire == prop && p.location == Location::Body)
        .ok_or_else(|| {
            Error::Spec(format!(
                "{context}: `{BATCH_EXTENSION}` names `{prop}`, not a body property"
            ))
        })?;
    let Shape::StrArray {
        max_items: Some(max),
        ..
    } = param.shape
    else {
        return Err(Error::Spec(format!(
            "{context}: `{BATCH_EXTENSION}` needs an array with `maxItems`"
        )));
    };
    Ok(Some((param.field.clone(), max)))
}

/// The component schemas that are the vendor's status body, and the `(derived, base)` pairs
/// of `allOf` references.
fn status_bodies_and_projections(
    components: &openapiv3::Components,
) -> (BTreeSet<String>, Vec<(String, String)>) {
    let mut status_bodies = BTreeSet::new();
    let mut projections = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        if spec::flag(&schema.schema_data.extensions, STATUS_BODY_EXTENSION).unwrap_or(false) {
            status_bodies.insert(name.clone());
        }
        if let SchemaKind::AllOf { all_of } = &schema.schema_kind {
            for part in all_of {
                if let Some(base) = part.component() {
                    projections.push((name.clone(), base.to_owned()));
                }
            }
        }
    }
    (status_bodies, projections)
}

/// The object schemas reachable from a response body.
fn response_structs(
    operations: &[Op],
    components: &openapiv3::Components,
    generated: &Generated<'_>,
) -> BTreeSet<String> {
    let mut response_structs = BTreeSet::new();
    let mut pending: Vec<String> = operations
        .iter()
        .map(|o| o.response.schema.clone())
        .collect();
    while let Some(name) = pending.pop() {
        if !generated.structs.contains_key(&name) || !response_structs.insert(name.clone()) {
            continue;
        }
        let Some(ReferenceOr::Item(schema)) = components.schemas.get(&name) else {
            continue;
        };
        collect_refs(schema, &mut pending);
    }
    response_structs
}

/// The names of the spec's `apiKey` security schemes `in: query`.
fn api_keys(components: &openapiv3::Components) -> Vec<String> {
    components
        .security_schemes
        .values()
        .filter_map(|scheme| match scheme {
            ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Query,
                name,
                ..
            }) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// The response struct `name` as data, if progenitor generated it with named fields.
fn record(spec: &OpenAPI, generated: &Generated<'_>, name: &str) -> Result<Option<Record>, Error> {
    let Some(s) = generated.structs.get(name) else {
        return Ok(None);
    };
    let syn::Fields::Named(named) = &s.fields else {
        return Ok(None);
    };
    let fields = named.named.iter().filter_map(wire_name).collect();
    let reference = ReferenceOr::Reference {
        reference: format!("{}{name}", spec::SCHEMAS),
    };
    let mut example = serde_json::Map::new();
    example_of(spec, &reference, &mut example, 0)?;
    Ok(Some(Record {
        name: name.to_owned(),
        fields,
        example,
    }))
}

/// The name on the wire of a field of a generated struct: its `#[serde(rename)]`, else its
/// own.
fn wire_name(f: &syn::Field) -> Option<String> {
    let ident = f.ident.as_ref()?.to_string();
    let mut wire = None;
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                wire = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    Some(wire.unwrap_or(ident))
}
/// Adds the spec's examples for the object schema `r` to `out` (see [`Record::example`]).
fn example_of(
    spec: &OpenAPI,
    r: &ReferenceOr<Schema>,
    out: &mut serde_json::Map<String, serde_json::Value>,
    depth: usize,
) -> Result<(), Error> {
    if depth > 8 {
        return Err(Error::Spec("schemas nest `allOf` too deeply".into()));
    }
    let schema = resolve_schema(spec, r)?;
    let properties = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => {
            for part in all_of {
                example_of(spec, part, out, depth + 1)?;
            }
            None
        }
        SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
        SchemaKind::Any(a) => Some(&a.properties),
        _ => None,
    };
    for (name, property) in properties.into_iter().flatten() {
        let (resolved, _) = resolve_boxed(spec, property)?;
        let example = resolved.schema_data.example.clone().or_else(|| {
            // `allOf: [$ref X]` (a nullable reference): X's example.
            match &resolved.schema_kind {
                SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                    resolve_schema(spec, &all_of[0])
                        .ok()
                        .and_then(|s| s.schema_data.example.clone())
                }
                _ => None,
            }
        });
        if let Some(example) = example.filter(|e| !e.is_null()) {
            out.insert(name.clone(), example);
        }
    }
    if let Some(serde_json::Value::Object(example)) = &schema.schema_data.example {
        for (k, v) in example {
            if !v.is_null() {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(())
}

/// The component schemas a schema refers to (properties, items, allOf parts).
fn collect_refs(schema: &Schema, out: &mut Vec<String>) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            for p in o.properties.values() {
                match p {
                    ReferenceOr::Reference { .. } => {
                        out.extend(p.component().map(str::to_owned));
                    }
                    ReferenceOr::Item(s) => collect_refs(s, out),
                }
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(items) = &a.items {
                match items {
                    ReferenceOr::Reference { .. } => {
                        out.extend(items.component().map(str::to_owned));
                    }
                    ReferenceOr::Item(s) => collect_refs(s, out),
                }
            }
        }
        SchemaKind::AllOf { all_of }
        | SchemaKind::AnyOf { any_of: all_of }
        | SchemaKind::OneOf { one_of: all_of } => {
            for part in all_of {
                match part {
                    ReferenceOr::Reference { .. } => {
                        out.extend(part.component().map(str::to_owned));
                    }
                    ReferenceOr::Item(s) => collect_refs(s, out),
                }
            }
        }
        _ => {}
    }
}
