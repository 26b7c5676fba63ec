//! The spec as every task of the xtask reads it: `openapiv3`'s document, its `$ref`s resolved
//! in one place, and the facts of an operation that more than one task needs (its effective
//! server, parameters and security, whether it changes state). The generators
//! ([`crate::codegen`]) and the spec diff ([`crate::spec_diff`]) both read the spec through
//! here, so they cannot disagree about what it says.

use heck::ToKebabCase;
use openapiv3::{
    OpenAPI, Operation as SpecOperation, Parameter, ParameterData, PathItem, ReferenceOr,
    RequestBody, Response, Schema, SchemaKind, SecurityRequirement, Type, VariantOrUnknownOrEmpty,
};

/// The extension that overrides what an operation's method says about changing state
/// (ImportMember is a GET that creates a member: `true`; ListContacts-by-identifiers is a POST
/// that only reads: `false`).
pub const CHANGES_STATE_EXTENSION: &str = "x-salesflow-changes-state";

/// Where a component schema's `$ref` points.
pub const SCHEMAS: &str = "#/components/schemas/";

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

/// A schema written in place or a `$ref` to one: `ReferenceOr<Schema>` and the boxed form
/// `openapiv3` uses for properties and items.
pub trait SchemaRef {
    /// The `$ref`, or the schema written in place.
    fn split(&self) -> Result<&Schema, &str>;

    /// The component schema it names, for a `$ref` to one.
    fn component(&self) -> Option<&str> {
        self.split().err().and_then(|r| r.strip_prefix(SCHEMAS))
    }
}

impl<S: std::borrow::Borrow<Schema>> SchemaRef for ReferenceOr<S> {
    fn split(&self) -> Result<&Schema, &str> {
        match self {
            ReferenceOr::Item(s) => Ok(s.borrow()),
            ReferenceOr::Reference { reference } => Err(reference),
        }
    }
}

/// The component `$ref` points at, in the components of one kind (`prefix`, e.g.
/// `#/components/parameters/`), following a chain of references; with its name.
fn component<'s, T>(
    map: Option<&'s indexmap::IndexMap<String, ReferenceOr<T>>>,
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

/// A schema with its `$ref` resolved, and the name of the component schema it is (the last
/// one of a chain of references), if it was reached through one.
pub fn schema<'s>(
    spec: &'s OpenAPI,
    r: &'s impl SchemaRef,
) -> Result<(&'s Schema, Option<&'s str>), String> {
    match r.split() {
        Ok(schema) => Ok((schema, None)),
        Err(reference) => {
            let schemas = spec.components.as_ref().map(|c| &c.schemas);
            component(schemas, SCHEMAS, reference).map(|(s, name)| (s, Some(name)))
        }
    }
}

/// What a `$ref` outside `#/components/schemas/` may point at: a parameter, a request body, a
/// response.
pub trait Component: Sized {
    /// Where the components of this kind are, e.g. `#/components/parameters/`.
    const PREFIX: &'static str;
    /// The components of this kind.
    fn all(components: &openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<Self>>;
}

/// `impl Component for TYPE`: its `PREFIX`, and the field of `Components` that holds them.
macro_rules! component {
    ($($type:ident: $prefix:literal in $field:ident;)*) => {$(
        impl Component for $type {
            const PREFIX: &'static str = $prefix;
            fn all(components: &openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<Self>> {
                &components.$field
            }
        }
    )*};
}

component! {
    Parameter: "#/components/parameters/" in parameters;
    RequestBody: "#/components/requestBodies/" in request_bodies;
    Response: "#/components/responses/" in responses;
}

/// A parameter, request body or response with its `$ref` resolved.
pub fn resolve<'s, T: Component>(
    spec: &'s OpenAPI,
    r: &'s ReferenceOr<T>,
) -> Result<&'s T, String> {
    match r {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            let all = spec.components.as_ref().map(T::all);
            component(all, T::PREFIX, reference).map(|(item, _)| item)
        }
    }
}

/// Where a parameter goes (`path`, `query`, `header`, `cookie`), and what it says.
pub fn parameter_parts(p: &Parameter) -> (&'static str, &ParameterData) {
    match p {
        Parameter::Path { parameter_data, .. } => ("path", parameter_data),
        Parameter::Query { parameter_data, .. } => ("query", parameter_data),
        Parameter::Header { parameter_data, .. } => ("header", parameter_data),
        Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
    }
}

/// A boolean extension (`x-...: true`), if present.
pub fn flag(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    name: &str,
) -> Option<bool> {
    extensions.get(name).and_then(serde_json::Value::as_bool)
}

/// A `format` as the spec writes it (`date-time`, `int64`, `linkedin-profile-url`), if any.
pub fn format_text<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(format!("{f:?}").to_kebab_case()),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The JSON type (`type`) and `format` of a schema, as the spec writes them.
pub fn type_and_format(schema: &Schema) -> (Option<&str>, Option<String>) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(t)) => (Some("string"), format_text(&t.format)),
        SchemaKind::Type(Type::Integer(t)) => (Some("integer"), format_text(&t.format)),
        SchemaKind::Type(Type::Number(t)) => (Some("number"), format_text(&t.format)),
        SchemaKind::Type(Type::Boolean(_)) => (Some("boolean"), None),
        SchemaKind::Type(Type::Array(_)) => (Some("array"), None),
        SchemaKind::Type(Type::Object(_)) => (Some("object"), None),
        SchemaKind::Any(a) => (a.typ.as_deref(), a.format.clone()),
        _ => (None, None),
    }
}

/// One operation of the spec, where it stands.
pub struct Operation<'s> {
    /// The path template, e.g. `/members/{memberId}`.
    pub path: &'s str,
    /// `GET`, `POST`, ...
    pub method: String,
    /// Its path item (the path-level parameters and servers).
    pub item: &'s PathItem,
    /// The operation itself.
    pub op: &'s SpecOperation,
}

/// Every operation, in the spec's order.
pub fn operations(spec: &OpenAPI) -> Result<Vec<Operation<'_>>, String> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            return Err(format!("path `{path}` is a $ref"));
        };
        for (method, op) in item.iter() {
            let method = method.to_ascii_uppercase();
            out.push(Operation {
                path,
                method,
                item,
                op,
            });
        }
    }
    Ok(out)
}

impl<'s> Operation<'s> {
    /// The URL of the server that serves it: its own, its path's, else the spec's first.
    pub fn server_url(&self, spec: &'s OpenAPI) -> Option<&'s str> {
        let servers = [&self.op.servers, &self.item.servers, &spec.servers];
        let first = servers.into_iter().find_map(|s| s.first());
        first.map(|s| s.url.as_str())
    }

    /// Its security requirements: its own, else the spec's.
    pub fn security(&self, spec: &'s OpenAPI) -> &'s [SecurityRequirement] {
        let own = self.op.security.as_ref().or(spec.security.as_ref());
        own.map_or(&[], Vec::as_slice)
    }

    /// Whether a call changes state: [`CHANGES_STATE_EXTENSION`], else what the method says
    /// (GET, HEAD and OPTIONS do not).
    pub fn changes_state(&self) -> bool {
        let safe_method = matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS");
        flag(&self.op.extensions, CHANGES_STATE_EXTENSION).unwrap_or(!safe_method)
    }

    /// Its parameters, resolved: the path's, then its own; one of its own replaces the path's
    /// parameter of the same name and location.
    pub fn parameters(&self, spec: &'s OpenAPI) -> Result<Vec<&'s Parameter>, String> {
        let mut out: Vec<&Parameter> = Vec::new();
        for p in self.item.parameters.iter().chain(&self.op.parameters) {
            let p = resolve(spec, p)?;
            let key = |p: &Parameter| (parameter_parts(p).0, parameter_parts(p).1.name.clone());
            match out.iter_mut().find(|q| key(q) == key(p)) {
                Some(q) => *q = p,
                None => out.push(p),
            }
        }
        Ok(out)
    }
}
