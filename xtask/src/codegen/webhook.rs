//! The webhook side of `salesflow-webhook-types`, generated from the spec: the open enums
//! (every component schema with `x-salesflow-values`: `CampaignStatus`, `RunOn`, ...) and the
//! webhook payload (the `WebhookPayload` schema: its fields, their types and date forms, its
//! nested objects), with the payload's one-pass `Deserialize`.
//!
//! A new value of an open enum, a new event or a new payload field is a spec edit: the types,
//! their conversions, names and descriptions follow (and through them the mock's event
//! simulation and the CLI's event names, which read `RunOn::KNOWN`).
//!
//! # The spec's forms
//!
//! An open enum is `anyOf: [{enum: [...]}, {type: ...}]` with `x-salesflow-values`, a map from
//! each listed value to what the generator needs:
//! - a string enum: `variant` (the Rust name; default: the value without the schema's
//!   `x-salesflow-prefix`, in PascalCase) and `description`;
//! - `RunOn` (integer codes): `name` (required; the variant is its PascalCase), `description`,
//!   `payload-name` (the documented `IntegrationRunOn`) or `assumed-payload-name` (what the
//!   mock sends when it is undocumented), `segment` (a receiver URL's path segment; only the
//!   events of 0.1 have one, any other is `run-on-<code>` for good) and `aliases`.
//!
//! Payload field types: `string`, `integer` (`int32` is `i32`, otherwise `i64`), `number`,
//! `boolean`, `array` of any of these, an object with a `title` (its struct's name), a
//! `$ref` (or `allOf: [$ref]`) to an open enum or to a schema mapped onto a hand-written type
//! ([`super::REPLACEMENTS`]), and `string` with `format: date-time`: a
//! `DateTime<FixedOffset>` read like a `FlexibleDate` (ISO 8601, with or without an offset,
//! or the .NET form). A field not in the schema's `required` list is an `Option`.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::model::{component, trimmed};
use super::post::{decode_impls, FieldInfo};
use super::Error;
use crate::spec::{self, Schema};

/// Where the generated open enums live, relative to the workspace root.
pub const ENUMS_PATH: &str = "crates/salesflow-webhook-types/src/generated/enums.rs";
/// Where the generated payload types live, relative to the workspace root.
pub const PAYLOAD_PATH: &str = "crates/salesflow-webhook-types/src/generated/payload.rs";
/// The schema of the webhook payload.
pub const PAYLOAD_SCHEMA: &str = "WebhookPayload";
/// The extension that makes a schema an open enum, and describes its values.
const VALUES: &str = "x-salesflow-values";
/// The generator named in the headers of the files written here.
const SOURCE: &str = "xtask/src/codegen/webhook.rs";

fn err(what: impl Into<String>) -> Error {
    Error::Spec(what.into())
}

/// Whether a schema is an open enum (has `x-salesflow-values`).
pub fn is_open_enum(schema: &Schema) -> bool {
    schema.extensions.contains_key(VALUES)
}

/// A doc comment's lines, as `///` lines indented by `indent`.
fn doc_lines(text: &str, indent: &str) -> String {
    let line = |l: &str| match l.trim_end() {
        "" => format!("{indent}///\n"),
        l => format!("{indent}/// {l}\n"),
    };
    text.trim().lines().map(line).collect()
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The listed values of an open enum (its `anyOf: [{enum: [...]}, ...]`), in the spec's
/// order, as text: a string as it is, a number as written.
fn listed(name: &str, schema: &Schema) -> Result<Vec<String>, Error> {
    let listed = schema.variants.first().filter(|m| m.name.is_none());
    let values = listed
        .and_then(|m| m.enum_values.as_deref())
        .unwrap_or_default();
    if values.is_empty() {
        return Err(err(format!(
            "{name}: `{VALUES}` needs the open-enum form, `anyOf: [{{enum: [...]}}, {{type: ...}}]`"
        )));
    }
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(values.iter().map(text).collect())
}

/// The entry of `value` in `x-salesflow-values`.
fn entry<'a>(schema: &'a Schema, value: &str) -> Option<&'a Value> {
    schema.extensions.get(VALUES)?.get(value)
}

/// `generated/enums.rs`: one `string_enum!` per open string enum and one `run_on!`.
pub fn enums_file(spec: &spec::Model) -> Result<String, Error> {
    let mut blocks = Vec::new();
    let mut run_on = false;
    for (name, schema) in spec.defined().filter(|(_, s)| is_open_enum(s)) {
        let listed = listed(name, schema)?;
        // `x-salesflow-values` describes only values the enum lists.
        let described = schema.extensions[VALUES].as_object();
        let mut described = described.into_iter().flat_map(|map| map.keys());
        if let Some(k) = described.find(|k| !listed.contains(k)) {
            let unlisted = format!("`{VALUES}` has `{k}`, which its `enum` does not list");
            return Err(err(format!("{name}: {unlisted}")));
        }
        match schema.ty.as_deref() {
            Some("string") => blocks.push(string_enum(name, schema, &listed)),
            Some("integer") if name == "RunOn" => {
                run_on = true;
                blocks.push(run_on_macro(schema, &listed)?);
            }
            other => {
                return Err(err(format!(
                    "{name}: an open enum of type {other:?}; the generator knows strings, and \
                     integers for RunOn"
                )))
            }
        }
    }
    if !run_on {
        return Err(err("the spec has no `RunOn` with `x-salesflow-values`"));
    }
    let what = "the open enums (every schema\n// with `x-salesflow-values`), through the macros \
                of `enums.rs`";
    Ok(super::header(what, SOURCE) + &blocks.join("\n"))
}

/// The `string_enum!` of an open string enum.
fn string_enum(name: &str, schema: &Schema, listed: &[String]) -> String {
    let prefix = schema.extensions.get("x-salesflow-prefix");
    let prefix = prefix.and_then(Value::as_str).unwrap_or_default();
    let description = doc_lines(schema.description.as_deref().unwrap_or_default(), "    ");
    let mut out = format!("string_enum! {{\n{description}    pub enum {name} {{\n");
    for value in listed {
        let e = entry(schema, value);
        let variant = e
            .and_then(|e| str_of(e, "variant"))
            .map(str::to_owned)
            .unwrap_or_else(|| value.strip_prefix(prefix).unwrap_or(value).to_pascal_case());
        if let Some(d) = e.and_then(|e| str_of(e, "description")) {
            out.push_str(&doc_lines(d, "        "));
        }
        out.push_str(&format!("        {variant} = {value:?},\n"));
    }
    out + "    }\n}\n"
}

/// The `run_on!` of `RunOn`: a variant per event code.
fn run_on_macro(schema: &Schema, listed: &[String]) -> Result<String, Error> {
    let mut out = String::from("run_on! {\n");
    for value in listed {
        let code: i64 = value
            .parse()
            .map_err(|_| err(format!("RunOn: `{value}` is not an integer code")))?;
        let e = entry(schema, value).ok_or_else(|| {
            err(format!(
                "RunOn: code {code} has no entry in `x-salesflow-values` (at least its `name`)"
            ))
        })?;
        let event = str_of(e, "name").ok_or_else(|| {
            err(format!(
                "RunOn: code {code} has no `name` in `x-salesflow-values`"
            ))
        })?;
        // The macro takes Rust values: `Some("x")`, `None` and `["x"]` are their Debug forms.
        let aliases: Vec<&str> = e
            .get("aliases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let what = str_of(e, "description").unwrap_or("An event.");
        out.push_str(&doc_lines(&format!("{code}, `{event}`: {what}"), "    "));
        out.push_str(&format!(
            "    {} = {code} {{\n        name: {event:?},\n        payload_name: {:?},\n        assumed_payload_name: {:?},\n        segment: {:?},\n        aliases: {aliases:?},\n    }}\n",
            event.to_pascal_case(),
            str_of(e, "payload-name"),
            str_of(e, "assumed-payload-name"),
            str_of(e, "segment"),
        ));
    }
    Ok(out + "}\n")
}

/// A struct to generate: its name, description and fields.
struct Struct {
    name: String,
    description: String,
    fields: Vec<Field>,
}

/// A field: what its `Deserialize` needs (a date is read `with` the `FlexibleDate` forms),
/// its docs and its type (inside the `Option`, for a field that is not required).
struct Field {
    info: FieldInfo,
    description: Option<String>,
    ty: TokenStream,
}

/// The component schema a payload property refers to: its `$ref`, or `allOf: [$ref]`.
fn reference_of(prop: &Schema) -> Option<&str> {
    prop.name
        .as_deref()
        .or_else(|| prop.all_of.first()?.name.as_deref())
}

/// The Rust type of a payload property that refers to a component schema: an open enum or a
/// hand-written type.
fn referred_type(spec: &spec::Model, context: &str, name: &str) -> Result<TokenStream, Error> {
    let open_enum = super::open_enums(spec).iter().any(|n| n == name);
    let rust = if open_enum {
        name
    } else {
        super::replacement(name).ok_or_else(|| {
            err(format!(
                "{context}: `$ref` to `{name}`, neither an open enum nor a schema mapped onto a \
                 hand-written type"
            ))
        })?
    };
    let ident = format_ident!("{}", rust);
    Ok(quote!(crate::#ident))
}

/// The Rust type of a payload property, and whether it is a date; nested structs go into
/// `structs`.
fn field_type(
    spec: &spec::Model,
    context: &str,
    schema: &Schema,
    structs: &mut Vec<Struct>,
) -> Result<(TokenStream, bool), Error> {
    if let Some(name) = reference_of(schema) {
        return Ok((referred_type(spec, context, name)?, false));
    }
    let ty = schema.ty.as_deref();
    let ty = ty.ok_or_else(|| err(format!("{context}: no `type`")))?;
    Ok(match (ty, schema.format.as_deref()) {
        ("string", Some("date-time")) => (quote!(::chrono::DateTime<::chrono::FixedOffset>), true),
        ("string", _) => (quote!(::std::string::String), false),
        ("integer", Some("int32")) => (quote!(i32), false),
        ("integer", _) => (quote!(i64), false),
        ("number", _) => (quote!(f64), false),
        ("boolean", _) => (quote!(bool), false),
        ("array", _) => {
            let items = schema.items.as_deref();
            let items = items.ok_or_else(|| err(format!("{context}[]: no `type`")))?;
            let (item, date) = field_type(spec, &format!("{context}[]"), items, structs)?;
            if date {
                return Err(err(format!("{context}: an array of dates")));
            }
            (quote!(::std::vec::Vec<#item>), false)
        }
        ("object", _) => {
            let title = schema.title.as_deref().ok_or_else(|| {
                err(format!(
                    "{context}: an inline object needs a `title`, its struct's name"
                ))
            })?;
            read_struct(spec, title, schema, structs)?;
            let ident = format_ident!("{}", title);
            (quote!(#ident), false)
        }
        (other, _) => return Err(err(format!("{context}: type `{other}`"))),
    })
}

fn read_struct(
    spec: &spec::Model,
    name: &str,
    schema: &Schema,
    structs: &mut Vec<Struct>,
) -> Result<(), Error> {
    if schema.ty.as_deref() != Some("object") && schema.properties.is_empty() {
        return Err(err(format!("{name}: no properties")));
    }
    // The struct comes before those of its fields.
    let index = structs.len();
    let mut fields = Vec::new();
    for (wire, prop) in &schema.properties {
        let snake = wire.to_snake_case();
        if snake == super::post::EXTRA_FIELD {
            return Err(err(format!(
                "{name}.{wire}: the name of the unknown-fields map"
            )));
        }
        let (ty, date) = field_type(spec, &format!("{name}.{wire}"), prop, structs)?;
        // Written in place, not a `$ref`.
        let own = prop.name.is_none().then_some(prop);
        let scalar = own.is_some_and(|s| {
            matches!(
                s.ty.as_deref(),
                Some("string" | "integer" | "number" | "boolean")
            )
        });
        let optional = !schema.required.contains(wire);
        let info = FieldInfo {
            ident: format_ident!("{}", snake),
            wire: wire.clone(),
            optional,
            default: false,
            with: date.then(|| syn::parse_quote!(crate::date::flexible_option)),
            leaf: optional && !date && reference_of(prop).is_none() && scalar,
        };
        let description = own.and_then(|s| s.description.as_deref());
        fields.push(Field {
            info,
            description: description.map(|d| d.trim().to_owned()),
            ty,
        });
    }
    let description = trimmed(&schema.description);
    let name = name.to_owned();
    structs.insert(
        index,
        Struct {
            name,
            description,
            fields,
        },
    );
    Ok(())
}

/// A struct of the payload, with its docs and serde attributes.
fn payload_struct(s: &Struct, ident: &syn::Ident) -> TokenStream {
    let doc = format!(
        "{1}\n\nOutside this crate, build one from [`{0}::default()`] and set the public fields \
         (the struct is `#[non_exhaustive]`). Fields this version does not know, and known \
         fields whose value has an unexpected shape, are kept in [`extra`]({0}::extra).",
        s.name, s.description
    );
    let schema_description = super::one_line(&s.description);
    let title = &s.name;
    let fields = s.fields.iter().map(|f| {
        let FieldInfo { ident, wire, .. } = &f.info;
        let ty = &f.ty;
        let ty = if f.info.optional {
            quote!(::std::option::Option<#ty>)
        } else {
            quote!(#ty)
        };
        let doc = match &f.description {
            Some(d) => format!("`{wire}`: {d}"),
            None => format!("`{wire}`."),
        };
        let skip = f.info.optional.then(|| quote!(skip_serializing_if = "Option::is_none",));
        let date = f.info.with.is_some();
        let with = date.then(|| quote!(with = "crate::date::flexible_option",));
        let schemars_with = date.then(|| {
            quote!(#[cfg_attr(feature = "schemars", schemars(with = "Option<crate::FlexibleDate>"))])
        });
        quote! {
            #[doc = #doc]
            #[serde(rename = #wire, #skip #with)]
            #schemars_with
            pub #ident: #ty,
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "schemars", schemars(title = #title, description = #schema_description))]
        #[non_exhaustive]
        pub struct #ident {
            #(#fields)*
            /// Fields this version of the crate does not know, and known fields whose value
            /// had an unexpected shape (the field is then `None`), by name, as received.
            /// Serializing writes them back after the known fields.
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
    }
}

/// `generated/payload.rs`: the payload's structs and their `Deserialize`.
pub fn payload_file(spec: &spec::Model) -> Result<String, Error> {
    let mut structs = Vec::new();
    let schema = component(spec, PAYLOAD_SCHEMA)?;
    read_struct(spec, PAYLOAD_SCHEMA, schema, &mut structs)?;
    let mut items = TokenStream::new();
    let mut names = BTreeSet::new();
    for s in &structs {
        if !names.insert(&s.name) {
            return Err(err(format!("two objects titled `{}`", s.name)));
        }
        let ident = format_ident!("{}", s.name);
        let fields: Vec<FieldInfo> = s.fields.iter().map(|f| f.info.clone()).collect();
        let root = (s.name == PAYLOAD_SCHEMA).then(|| quote!(crate::drift::payload_decoded(self);));
        items.extend(payload_struct(s, &ident));
        items.extend(decode_impls(&ident, &s.name, &fields, quote!(crate), root));
    }
    let file: syn::File = syn::parse2(items).map_err(|e| Error::Generate(e.to_string()))?;
    let what = format!(
        "the webhook payload's\n// types (schema `{PAYLOAD_SCHEMA}`) and their one-pass `Deserialize`"
    );
    Ok(super::header(&what, SOURCE) + &prettyplease::unparse(&file))
}
