//! What the generators need to know about the spec: every operation with its parameters (path,
//! query and body properties, in the spec's order), its response, and the Rust types progenitor
//! chose for them. The spec's facts come from its one model ([`crate::spec::Model`], which the
//! spec diff reads too), the Rust types from progenitor's output.
//!
//! Everything the later stages emit comes from here, so a fact of the spec (a name, a limit, a
//! host) is read in one place. Anything this model cannot represent is an error naming the
//! operation and parameter, never a silent skip.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::Value;

use super::Error;
use crate::spec::{self, Schema};

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

/// The component schema `name`.
pub fn component<'s>(spec: &'s spec::Model, name: &str) -> Result<&'s Schema, Error> {
    let schema = spec.schemas.get(name);
    schema.ok_or_else(|| Error::Spec(format!("no schema `{name}`")))
}

/// The rules of a string schema.
fn str_rules(schema: &Schema) -> StrRules {
    let length = |key| schema.bound(key).map(|n| n as usize);
    let pattern = schema.constraints.get("pattern").and_then(Value::as_str);
    StrRules {
        min_length: length("minLength"),
        max_length: length("maxLength"),
        pattern: pattern.map(str::to_owned),
        format: schema.format.clone(),
    }
}

/// The schema of a body's JSON, if it has one.
fn json_schema_of(content: &spec::Content) -> Option<&Schema> {
    content.get("application/json").and_then(Option::as_ref)
}

/// Reads the model from the spec's and progenitor's output.
pub fn read(spec: &spec::Model, generated: &Generated<'_>) -> Result<Model, Error> {
    if spec.servers.is_empty() {
        return Err(Error::Spec("no top-level `servers`".into()));
    }
    let operations = spec.operations.iter().map(|o| operation(generated, o));
    let operations = operations.collect::<Result<Vec<_>, _>>()?;
    let response_structs = response_structs(&operations, spec, generated);
    let records = response_structs
        .iter()
        .map(|name| record(spec, generated.structs[name]))
        .collect::<Result<_, _>>()?;
    let tags = spec.tags.iter();
    Ok(Model {
        api_version: spec.version.clone(),
        operations,
        response_structs,
        projections: projections(spec),
        api_keys: spec.api_keys.clone(),
        records,
        tags: tags.map(|(name, d)| (name.clone(), trimmed(d))).collect(),
    })
}

/// Reads one operation; its errors name it.
struct OpReader<'a, 'g> {
    generated: &'a Generated<'g>,
    /// `` operation `getContact` ``.
    context: String,
    /// progenitor's method for it, e.g. `get_contact`.
    method: String,
}

fn operation(generated: &Generated<'_>, o: &spec::Operation) -> Result<Op, Error> {
    let id = o.id.clone();
    let reader = OpReader {
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
    let body = reader.body(o, &mut params)?;
    let batch = reader.batch(o, &params)?;
    let response = reader.response(o)?;
    if batch.is_some() && !response.is_array {
        return Err(reader.err("a batched operation must answer an array"));
    }
    Ok(Op {
        pascal: id.to_pascal_case(),
        snake: reader.method,
        vendor_name: o.summary.clone().unwrap_or_else(|| id.clone()),
        description: trimmed(&o.description),
        tag: o.tags.first().cloned().unwrap_or_default(),
        method: o.method.clone(),
        path: o.path.clone(),
        host: host_of(&o.server)?,
        needs_account_id: o
            .security
            .iter()
            .any(|requirement| requirement.contains_key("accountId")),
        changes_state: o.changes_state,
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
    fn parameters(&self, o: &spec::Operation) -> Result<Vec<Param>, Error> {
        let mut params = Vec::new();
        for p in &o.params {
            let location = match p.location {
                "path" => Location::Path,
                "query" => Location::Query,
                _ => return Err(self.err("only path and query parameters are supported")),
            };
            params.push(self.parameter(p, location)?);
        }
        params.sort_by_key(|p| p.location);
        Ok(params)
    }

    /// A path or query parameter.
    fn parameter(&self, p: &spec::Parameter, location: Location) -> Result<Param, Error> {
        let name = &p.name;
        let Some(schema) = &p.schema else {
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
        let param = self.param(name, location, p.required, schema, rust)?;
        Ok(Param {
            description: trimmed(&p.description),
            example: p.example.clone().or(param.example),
            ..param
        })
    }

    /// The request body's type; its properties are parameters, added after `params`.
    fn body(&self, o: &spec::Operation, params: &mut Vec<Param>) -> Result<Option<String>, Error> {
        let Some(b) = &o.body else {
            return Ok(None);
        };
        let schema =
            json_schema_of(&b.content).ok_or_else(|| self.err("the request body is not JSON"))?;
        let name = schema
            .name
            .as_deref()
            .ok_or_else(|| self.err("the request body must be a `$ref` to a component schema"))?;
        if schema.ty.as_deref() != Some("object") {
            return Err(self.err("the request body must be an object"));
        }
        for (prop, property) in &schema.properties {
            let field = prop.to_snake_case();
            if params.iter().any(|p: &Param| p.field == field) {
                let clash = format!("body property `{prop}`: its name clashes with a parameter");
                return Err(Error::Spec(format!("{}, {clash}", self.context)));
            }
            let rust = self.generated.field_type(name, &field).ok_or_else(|| {
                let context = &self.context;
                Error::Generate(format!("{context}: `types::{name}` has no field `{field}`"))
            })?;
            let required = schema.required.contains(prop);
            let param = self.param(prop, Location::Body, required, property, rust)?;
            let body_example = schema.example.as_ref();
            params.push(Param {
                example: param.example.or_else(|| body_example?.get(prop).cloned()),
                ..param
            });
        }
        Ok(Some(name.to_owned()))
    }

    /// The parameter `wire`, with its schema and its type in progenitor's method or body
    /// struct; with the schema's description and example.
    fn param(
        &self,
        wire: &str,
        location: Location,
        required: bool,
        schema: &Schema,
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
            description: trimmed(&schema.description),
            example: schema.example.clone(),
            shape: self.shape(&context, schema, rust)?,
            wire_type: schema.ty.clone(),
            nullable: schema.nullable,
        })
    }

    /// The shape of a value, from the spec's schema and progenitor's Rust type for it.
    fn shape(&self, context: &str, schema: &Schema, rust: &syn::Type) -> Result<Shape, Error> {
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
        let replaced = schema.name.as_deref().and_then(super::replacement);
        if replaced.is_none() && schema.is_string() {
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
        if schema.ty.as_deref() == Some("array") {
            let item = schema
                .items
                .as_deref()
                .ok_or_else(|| err("an array without `items`"))?;
            if !item.is_string() {
                return Err(err("only arrays of strings are supported as parameters"));
            }
            let item_text = inner
                .strip_prefix("::std::vec::Vec<")
                .and_then(|t| t.strip_suffix('>'))
                .unwrap_or_default();
            return Ok(Shape::StrArray {
                item_rules: str_rules(item),
                item_newtype: string_newtype(item_text),
                min_items: schema.bound("minItems"),
                max_items: schema.bound("maxItems"),
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
    fn batch(&self, o: &spec::Operation, params: &[Param]) -> Result<Option<(String, u64)>, Error> {
        let Some(value) = o.extensions.get(BATCH_EXTENSION) else {
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

    fn response(&self, o: &spec::Operation) -> Result<ResponseShape, Error> {
        let ok = o
            .responses
            .get("200")
            .ok_or_else(|| self.err("no 200 response"))?;
        let schema =
            json_schema_of(ok).ok_or_else(|| self.err("the 200 response has no JSON body"))?;
        let (named, is_array) = match schema.items.as_deref() {
            Some(items) if schema.name.is_none() && schema.ty.as_deref() == Some("array") => {
                (items, true)
            }
            _ => (schema, false),
        };
        let name = named.name.as_deref().ok_or_else(|| {
            self.err("the 200 body must be a `$ref` to a component schema, or an array of one")
        })?;
        Ok(ResponseShape {
            schema: name.to_owned(),
            is_array,
            status_body: spec::flag(&named.extensions, STATUS_BODY_EXTENSION).unwrap_or(false),
        })
    }
}

/// The `(derived, base)` pairs of `allOf` references.
fn projections(spec: &spec::Model) -> Vec<(String, String)> {
    let mut projections = Vec::new();
    for (name, schema) in spec.defined() {
        let bases = schema.all_of.iter().filter_map(|base| base.name.clone());
        projections.extend(bases.map(|base| (name.to_owned(), base)));
    }
    projections
}

/// The object schemas reachable from a response body.
fn response_structs(
    operations: &[Op],
    spec: &spec::Model,
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
        if let Some((_, schema)) = spec.defined().find(|(n, _)| *n == name) {
            schema.refs(&mut pending);
        }
    }
    response_structs
}

fn record(spec: &spec::Model, s: &syn::ItemStruct) -> Result<Record, Error> {
    let name = s.ident.to_string();
    let fields = s.fields.iter().map(|f| Ok(serde_attrs(&name, f)?.1));
    let fields = fields.collect::<Result<_, Error>>()?;
    let mut example = serde_json::Map::new();
    example_of(component(spec, &name)?, &mut example);
    Ok(Record {
        name,
        fields,
        example,
    })
}

/// Adds the spec's examples for the object schema `schema` to `out` (see [`Record::example`]).
fn example_of(schema: &Schema, out: &mut serde_json::Map<String, Value>) {
    for part in &schema.all_of {
        example_of(part, out);
    }
    for (name, property) in &schema.properties {
        // `allOf: [$ref X]` (a nullable reference): X's example.
        let only = match property.all_of.as_slice() {
            [only] => only.example.as_ref(),
            _ => None,
        };
        if let Some(example) = property.example.as_ref().or(only).filter(|e| !e.is_null()) {
            out.insert(name.clone(), example.clone());
        }
    }
    if let Some(Value::Object(example)) = &schema.example {
        let examples = example.iter().filter(|(_, v)| !v.is_null());
        out.extend(examples.map(|(k, v)| (k.clone(), v.clone())));
    }
}
