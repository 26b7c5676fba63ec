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

/// Which of the vendor's hosts serves an operation: `app.salesflow.io` or `mvc.salesflow.io`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// `app.salesflow.io`.
    App,
    /// `mvc.salesflow.io`.
    Mvc,
}

impl Host {
    /// `app` or `mvc`.
    pub fn name(self) -> &'static str {
        match self {
            Host::App => "app",
            Host::Mvc => "mvc",
        }
    }
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
    /// Whether the call changes state (`x-salesflow-changes-state`, else its method).
    pub changes_state: bool,
    /// Path, query and body parameters, in that order; each group in the spec's order.
    pub params: Vec<Param>,
    /// The generated type of the JSON body (an object whose properties are among `params`),
    /// if it takes one.
    pub body: Option<String>,
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

    /// The first paragraph of the description.
    pub fn first_paragraph(&self) -> &str {
        self.description.split("\n\n").next().unwrap_or_default()
    }

    /// How its docs open: `` **GetContact** (`getContact`): `GET /path` on the `app` host ``.
    pub fn headline(&self) -> String {
        let host = self.host.name();
        let (name, id, method, path) = (&self.vendor_name, &self.id, &self.method, &self.path);
        format!(" **{name}** (`{id}`): `{method} {path}` on the `{host}` host")
    }
}

/// Where a parameter goes on the wire: a path segment, a query parameter, a property of the
/// JSON body (the order the parameters are in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A path segment.
    Path,
    /// A query parameter.
    Query,
    /// A property of the JSON body.
    Body,
}

impl Location {
    /// `path`, `query` or `body`.
    pub fn name(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Body => "body",
        }
    }
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
    /// Its JSON `type` as the spec writes it (also beside an `anyOf`), for checks as strict as
    /// the spec (a server refusing a number where the spec says string, even if a lenient
    /// decoder reads it).
    pub wire_type: Option<String>,
    /// Whether the spec allows `null` for it.
    pub nullable: bool,
}

impl Param {
    /// Its docs: `` `wire` (query, optional{limits}). Description `` (`limits` may be empty).
    pub fn doc(&self, limits: &str) -> String {
        let (wire, location) = (&self.wire, self.location.name());
        let required = if self.required {
            "required"
        } else {
            "optional"
        };
        let description = match self.description.as_str() {
            "" => String::new(),
            text => format!(" {}", text.replace('\n', " ")),
        };
        format!(" `{wire}` ({location}, {required}{limits}).{description}")
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

/// The constraints the spec sets on a string: `minLength`, `maxLength`, `pattern`, `format`.
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

/// What progenitor generated, as the model needs it.
pub struct Generated<'a> {
    /// The async methods of `impl Client`, by name.
    pub methods: BTreeMap<String, &'a syn::Signature>,
    /// Structs of `mod types`, by name.
    pub structs: BTreeMap<String, &'a syn::ItemStruct>,
}

impl<'a> Generated<'a> {
    /// Reads the async methods and the types out of progenitor's output.
    pub fn read(file: &'a syn::File) -> Self {
        let (mut methods, mut structs) = (BTreeMap::new(), BTreeMap::new());
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
                        if let syn::ImplItem::Fn(f) = item {
                            if f.sig.asyncness.is_some() {
                                methods.insert(f.sig.ident.to_string(), &f.sig);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Generated { methods, structs }
    }

    /// The type of argument `arg` of method `method`, as progenitor declares it.
    pub fn arg_type(&self, method: &str, arg: &str) -> Option<&syn::Type> {
        let inputs = &self.methods.get(method)?.inputs;
        inputs.iter().find_map(|input| match input {
            syn::FnArg::Typed(t) => {
                matches!(&*t.pat, syn::Pat::Ident(id) if id.ident == arg).then_some(&*t.ty)
            }
            syn::FnArg::Receiver(_) => None,
        })
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
        let mut fields = self.structs.get(name)?.fields.iter();
        let field = fields.find(|f| f.ident.as_ref().is_some_and(|i| i == field))?;
        Some(&field.ty)
    }
}

/// A type as compact text (`::std::option::Option<&'a str>` without spaces).
pub fn type_text(ty: &syn::Type) -> String {
    quote::quote!(#ty).to_string().replace(' ', "")
}

/// A description without the spaces around it; none is empty.
pub fn trimmed(description: &Option<String>) -> String {
    description.as_deref().unwrap_or_default().trim().to_owned()
}

/// A named field of generated struct `name`: its name, its name on the wire (its
/// `#[serde(rename)]`, else its own) and whether it has `#[serde(default)]`. Any other `serde`
/// attribute but `skip_serializing_if` is an error: the generated `Deserialize` would ignore it.
pub fn serde_attrs<'f>(
    name: &str,
    field: &'f syn::Field,
) -> Result<(&'f syn::Ident, String, bool), Error> {
    let ident = field
        .ident
        .as_ref()
        .ok_or_else(|| Error::Generate(format!("`{name}` has an unnamed field")))?;
    let (mut wire, mut default) = (None, false);
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                wire = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("default") {
                default = true;
                if meta.input.peek(syn::Token![=]) {
                    return Err(meta.error("`default = ...` is not supported"));
                }
            } else if meta.path.is_ident("skip_serializing_if") {
                meta.value()?.parse::<syn::LitStr>()?;
            } else {
                return Err(meta.error("serde attribute not supported by the generator"));
            }
            Ok(())
        })
        .map_err(|e| Error::Generate(format!("`{name}.{ident}`: {e}")))?;
    }
    Ok((ident, wire.unwrap_or_else(|| ident.to_string()), default))
}

/// A schema with its `$ref` resolved, and the component schema's name if it is a `$ref`.
fn resolve<'s>(
    spec: &'s OpenAPI,
    r: &'s impl SchemaRef,
) -> Result<(&'s Schema, Option<&'s str>), Error> {
    spec::schema(spec, r).map_err(Error::Spec)
}

/// The component schema `name`, resolved.
pub fn component<'s>(spec: &'s OpenAPI, name: &str) -> Result<&'s Schema, Error> {
    let schema = spec.components.as_ref().and_then(|c| c.schemas.get(name));
    let schema = schema.ok_or_else(|| Error::Spec(format!("no schema `{name}`")))?;
    Ok(resolve(spec, schema)?.0)
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

/// `Option<&'a T>` -> `T`, `&'a T` -> `T`, `::std::option::Option<T>` -> `T`.
fn strip_wrappers(text: &str) -> &str {
    let mut t = text;
    for prefix in ["Option<", "::std::option::Option<"] {
        if let Some(rest) = t.strip_prefix(prefix).and_then(|r| r.strip_suffix('>')) {
            t = rest;
        }
    }
    let unref = t.strip_prefix("&'a").or_else(|| t.strip_prefix('&'));
    unref.unwrap_or(t)
}

fn host_of(url: &str) -> Result<Host, Error> {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '.', ':']).next())
        .unwrap_or_default();
    let known = [Host::App, Host::Mvc]
        .into_iter()
        .find(|h| h.name() == host);
    known.ok_or_else(|| {
        Error::Spec(format!(
            "server `{url}` has host `{host}`; expected the `app` or `mvc` host"
        ))
    })
}

fn json_schema_of(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<&ReferenceOr<Schema>> {
    content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
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
    let response_structs = response_structs(&operations, components, generated);
    let records = response_structs
        .iter()
        .map(|name| record(spec, generated.structs[name]))
        .collect::<Result<_, _>>()?;
    let tags = spec
        .tags
        .iter()
        .map(|t| (t.name.clone(), trimmed(&t.description)))
        .collect();
    Ok(Model {
        api_version: spec.info.version.clone(),
        operations,
        response_structs,
        projections: projections(components),
        api_keys: api_keys(components),
        records,
        tags,
    })
}

/// Reads one operation; its errors name it.
struct OpReader<'a, 'g> {
    spec: &'a OpenAPI,
    generated: &'a Generated<'g>,
    /// `` operation `getContact` ``.
    context: String,
    /// progenitor's method for it, e.g. `get_contact`.
    method: String,
}

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
    let reader = OpReader {
        spec,
        generated,
        context: format!("operation `{id}`"),
        method: id.to_snake_case(),
    };
    if !generated.methods.contains_key(&reader.method) {
        let (context, method) = (&reader.context, &reader.method);
        let message = format!("{context}: progenitor generated no `{method}`");
        return Err(Error::Generate(message));
    }
    let mut params = reader.parameters(o)?;
    let body = reader.body(op, &mut params)?;
    let batch = reader.batch(op, &params)?;
    let response = reader.response(op)?;
    if batch.is_some() && !response.is_array {
        return Err(reader.err("a batched operation must answer an array"));
    }
    Ok(Op {
        pascal: id.to_pascal_case(),
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
    fn err(&self, what: impl std::fmt::Display) -> Error {
        Error::Spec(format!("{}: {what}", self.context))
    }

    /// Path parameters first, then query parameters, each in the spec's order.
    fn parameters(&self, o: &spec::Operation<'_>) -> Result<Vec<Param>, Error> {
        let mut params = Vec::new();
        for p in o.parameters(self.spec).map_err(Error::Spec)? {
            let (location, data) = spec::parameter_parts(p);
            let location = match location {
                "path" => Location::Path,
                "query" => Location::Query,
                _ => return Err(self.err("only path and query parameters are supported")),
            };
            params.push(self.parameter(data, location)?);
        }
        params.sort_by_key(|p| p.location);
        Ok(params)
    }

    /// A path or query parameter.
    fn parameter(&self, data: &ParameterData, location: Location) -> Result<Param, Error> {
        let name = &data.name;
        let ParameterSchemaOrContent::Schema(schema_ref) = &data.format else {
            return Err(self.err(format!("parameter `{name}` has `content`, not `schema`")));
        };
        let field = name.to_snake_case();
        let rust = self
            .generated
            .arg_type(&self.method, &field)
            .ok_or_else(|| {
                let (context, method) = (&self.context, &self.method);
                Error::Generate(format!("{context}: `{method}` has no argument `{field}`"))
            })?;
        let required = data.required || location == Location::Path;
        let schema = resolve(self.spec, schema_ref)?;
        let param = self.param(name, location, required, schema, rust)?;
        Ok(Param {
            description: trimmed(&data.description),
            example: data.example.clone().or(param.example),
            ..param
        })
    }

    /// The request body's type; its properties are parameters, added after `params`.
    fn body(&self, op: &SpecOperation, params: &mut Vec<Param>) -> Result<Option<String>, Error> {
        let Some(b) = &op.request_body else {
            return Ok(None);
        };
        let b = spec::resolve(self.spec, b).map_err(Error::Spec)?;
        let schema_ref =
            json_schema_of(&b.content).ok_or_else(|| self.err("the request body is not JSON"))?;
        let name = schema_ref
            .component()
            .ok_or_else(|| self.err("the request body must be a `$ref` to a component schema"))?;
        let (schema, _) = resolve(self.spec, schema_ref)?;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Err(self.err("the request body must be an object"));
        };
        for (prop, schema_ref) in &object.properties {
            let field = prop.to_snake_case();
            if params.iter().any(|p: &Param| p.field == field) {
                let clash = format!("body property `{prop}`: its name clashes with a parameter");
                return Err(Error::Spec(format!("{}, {clash}", self.context)));
            }
            let rust = self.generated.field_type(name, &field).ok_or_else(|| {
                let context = &self.context;
                Error::Generate(format!("{context}: `types::{name}` has no field `{field}`"))
            })?;
            let required = object.required.contains(prop);
            let property = resolve(self.spec, schema_ref)?;
            let param = self.param(prop, Location::Body, required, property, rust)?;
            let body_example = schema.schema_data.example.as_ref();
            params.push(Param {
                example: param.example.or_else(|| body_example?.get(prop).cloned()),
                ..param
            });
        }
        Ok(Some(name.to_owned()))
    }

    /// The parameter `wire`, with its schema (and the component schema's name, if it is a
    /// `$ref`) and its type in progenitor's method or body struct; with the schema's
    /// description and example.
    fn param(
        &self,
        wire: &str,
        location: Location,
        required: bool,
        (schema, component): (&Schema, Option<&str>),
        rust: &syn::Type,
    ) -> Result<Param, Error> {
        let kind = match location {
            Location::Body => "body property",
            _ => "parameter",
        };
        let context = format!("{}, {kind} `{wire}`", self.context);
        Ok(Param {
            wire: wire.to_owned(),
            field: wire.to_snake_case(),
            location,
            required,
            description: trimmed(&schema.schema_data.description),
            example: schema.schema_data.example.clone(),
            shape: self.shape(&context, schema, component, rust)?,
            wire_type: spec::type_and_format(schema).0.map(str::to_owned),
            nullable: schema.schema_data.nullable,
        })
    }

    /// The shape of a value, from the spec's schema (which is the component schema
    /// `component`) and progenitor's Rust type for it.
    fn shape(
        &self,
        context: &str,
        schema: &Schema,
        component: Option<&str>,
        rust: &syn::Type,
    ) -> Result<Shape, Error> {
        let err = |what: &str| Error::Spec(format!("{context}: {what}"));
        let text = type_text(rust);
        let inner = strip_wrappers(&text);
        // Inside `mod types` progenitor names its own types without the `types::` prefix.
        let string_newtype = |ty: &str| {
            let name = ty.strip_prefix("types::").unwrap_or(ty);
            self.generated
                .is_string_newtype(name)
                .then(|| name.to_owned())
        };
        // Component schemas that are mapped onto hand-written types are values.
        if component.and_then(super::replacement).is_none() && is_string(schema) {
            let newtype = string_newtype(inner);
            if newtype.is_none() && !matches!(inner, "str" | "::std::string::String") {
                let unknown = format!(
                    "a string progenitor types as `{text}`, which the generator does not know"
                );
                return Err(err(&unknown));
            }
            let rules = str_rules(schema);
            return Ok(Shape::Str { rules, newtype });
        }
        if let SchemaKind::Type(Type::Array(a)) = &schema.schema_kind {
            let items = a
                .items
                .as_ref()
                .ok_or_else(|| err("an array without `items`"))?;
            let (item, _) = resolve(self.spec, items)?;
            if !is_string(item) {
                return Err(err("only arrays of strings are supported as parameters"));
            }
            let item_text = inner
                .strip_prefix("::std::vec::Vec<")
                .and_then(|t| t.strip_suffix('>'))
                .unwrap_or_default();
            return Ok(Shape::StrArray {
                item_rules: str_rules(item),
                item_newtype: string_newtype(item_text),
                min_items: a.min_items.map(|n| n as u64),
                max_items: a.max_items.map(|n| n as u64),
            });
        }
        let rust_type = if self.generated.structs.contains_key(inner) {
            format!("types::{inner}")
        } else {
            inner.to_owned()
        };
        let by_ref = text.contains('&');
        Ok(Shape::Value { rust_type, by_ref })
    }

    /// The array body parameter [`BATCH_EXTENSION`] names, with its `maxItems`.
    fn batch(&self, op: &SpecOperation, params: &[Param]) -> Result<Option<(String, u64)>, Error> {
        let Some(value) = op.extensions.get(BATCH_EXTENSION) else {
            return Ok(None);
        };
        let err = |what: String| self.err(format!("`{BATCH_EXTENSION}` {what}"));
        let prop = value
            .as_str()
            .ok_or_else(|| err("must name a property".into()))?;
        let param = params
            .iter()
            .find(|p| p.wire == prop && p.location == Location::Body)
            .ok_or_else(|| err(format!("names `{prop}`, not a body property")))?;
        match param.shape {
            Shape::StrArray {
                max_items: Some(max),
                ..
            } => Ok(Some((param.field.clone(), max))),
            _ => Err(err("needs an array with `maxItems`".into())),
        }
    }

    fn response(&self, op: &SpecOperation) -> Result<ResponseShape, Error> {
        let ok = op
            .responses
            .responses
            .get(&StatusCode::Code(200))
            .ok_or_else(|| self.err("no 200 response"))?;
        let ok = spec::resolve(self.spec, ok).map_err(Error::Spec)?;
        let schema = json_schema_of(&ok.content)
            .ok_or_else(|| self.err("the 200 response has no JSON body"))?;
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
            self.err("the 200 body must be a `$ref` to a component schema, or an array of one")
        })?;
        let extensions = &component(self.spec, name)?.schema_data.extensions;
        Ok(ResponseShape {
            schema: name.to_owned(),
            is_array,
            status_body: spec::flag(extensions, STATUS_BODY_EXTENSION).unwrap_or(false),
        })
    }
}

/// The `(derived, base)` pairs of `allOf` references.
fn projections(components: &openapiv3::Components) -> Vec<(String, String)> {
    let mut projections = Vec::new();
    for (name, schema) in &components.schemas {
        if let ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::AllOf { all_of },
            ..
        }) = schema
        {
            let bases = all_of.iter().filter_map(SchemaRef::component);
            projections.extend(bases.map(|base| (name.clone(), base.to_owned())));
        }
    }
    projections
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

fn record(spec: &OpenAPI, s: &syn::ItemStruct) -> Result<Record, Error> {
    let name = s.ident.to_string();
    let fields = s.fields.iter().map(|f| Ok(serde_attrs(&name, f)?.1));
    let fields = fields.collect::<Result<_, Error>>()?;
    let mut example = serde_json::Map::new();
    example_of(spec, component(spec, &name)?, &mut example, 0)?;
    Ok(Record {
        name,
        fields,
        example,
    })
}

/// Adds the spec's examples for the object schema `schema` to `out` (see [`Record::example`]).
fn example_of(
    spec: &OpenAPI,
    schema: &Schema,
    out: &mut serde_json::Map<String, serde_json::Value>,
    depth: usize,
) -> Result<(), Error> {
    if depth > 8 {
        return Err(Error::Spec("schemas nest `allOf` too deeply".into()));
    }
    let properties = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => {
            for part in all_of {
                example_of(spec, resolve(spec, part)?.0, out, depth + 1)?;
            }
            None
        }
        SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
        SchemaKind::Any(a) => Some(&a.properties),
        _ => None,
    };
    for (name, property) in properties.into_iter().flatten() {
        let (resolved, _) = resolve(spec, property)?;
        let example = resolved.schema_data.example.clone().or_else(|| {
            // `allOf: [$ref X]` (a nullable reference): X's example.
            match &resolved.schema_kind {
                SchemaKind::AllOf { all_of } if all_of.len() == 1 => resolve(spec, &all_of[0])
                    .ok()
                    .and_then(|(s, _)| s.schema_data.example.clone()),
                _ => None,
            }
        });
        if let Some(example) = example.filter(|e| !e.is_null()) {
            out.insert(name.clone(), example);
        }
    }
    if let Some(serde_json::Value::Object(example)) = &schema.schema_data.example {
        let examples = example.iter().filter(|(_, v)| !v.is_null());
        out.extend(examples.map(|(k, v)| (k.clone(), v.clone())));
    }
    Ok(())
}

/// The component schemas a schema refers to (properties, items, allOf parts).
fn collect_refs(schema: &Schema, out: &mut Vec<String>) {
    let children: Vec<&dyn SchemaRef> = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.values().map(|p| p as _).collect(),
        SchemaKind::Type(Type::Array(a)) => a.items.iter().map(|i| i as _).collect(),
        SchemaKind::AllOf { all_of: parts }
        | SchemaKind::AnyOf { any_of: parts }
        | SchemaKind::OneOf { one_of: parts } => parts.iter().map(|p| p as _).collect(),
        _ => Vec::new(),
    };
    for child in children {
        match child.split() {
            Ok(schema) => collect_refs(schema, out),
            Err(_) => out.extend(child.component().map(str::to_owned)),
        }
    }
}
