//! Changes to progenitor's output that progenitor has no setting for.
//!
//! Response types (the object schemas reachable from a response body) keep the fields this
//! version does not know: each gets an `extra` map, filled by a generated `Deserialize` that
//! reads keys in one pass (serde's `#[serde(flatten)]` would buffer every field into an
//! intermediate tree first, which is what made the webhook payload slow). They are also
//! `#[non_exhaustive]` (the vendor adds fields; adding one is then not a breaking change) and
//! `Default` (so code outside the crate, the mock for one, can build one field by field).
//!
//! A schema that is `allOf: [$ref Base, ...]` gets `From<Derived> for Base`, its projection.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use super::model::Model;
use super::Error;

/// The name of the field holding unknown fields.
pub const EXTRA_FIELD: &str = "extra";

/// One field of a struct, as the generated `Deserialize` needs it.
pub(crate) struct FieldInfo {
    /// The field's name in Rust.
    pub(crate) ident: syn::Ident,
    /// Its name in JSON.
    pub(crate) wire: String,
    /// Whether its type is an `Option` (a missing field or `null` is `None`).
    pub(crate) optional: bool,
    /// Whether a missing field takes its type's default (`#[serde(default)]` on the field
    /// or on the struct).
    pub(crate) default: bool,
    /// `#[serde(with = "path")]`: the value is read with `path::Seed`, a `DeserializeSeed`
    /// whose `Value` is the field's type (so the generated code never spells the type).
    pub(crate) with: Option<syn::Path>,
    /// Whether the field is an `Option` of a scalar the lenient decoder reads with one visitor
    /// (`lenient::optional()`: `String`, `i64`, `i32`, `bool`, `f64`).
    pub(crate) leaf: bool,
}

impl FieldInfo {
    /// Each field's name in Rust and in JSON, as `walk::walk_impl` takes them.
    pub(crate) fn names(fields: &[FieldInfo]) -> Vec<(&syn::Ident, &str)> {
        fields.iter().map(|f| (&f.ident, f.wire.as_str())).collect()
    }
}

/// Whether `ty` is `Option<String>`, `Option<i64>`, `Option<i32>`, `Option<bool>` or
/// `Option<f64>` (however the path is spelled).
pub(crate) fn is_optional_leaf(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident != "Option" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    let Some(syn::GenericArgument::Type(syn::Type::Path(inner))) = args.args.first() else {
        return false;
    };
    inner.path.segments.last().is_some_and(|s| {
        s.arguments.is_empty()
            && ["String", "i64", "i32", "bool", "f64"].contains(&s.ident.to_string().as_str())
    })
}

/// Whether `ty` is an `Option<...>` (`Option`, `std::option::Option`, ...).
pub(crate) fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Option" && !s.arguments.is_empty()),
        _ => false,
    }
}

/// Applies the changes to the generated file.
pub fn apply(file: &mut syn::File, model: &Model) -> Result<(), Error> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| Error::Generate("progenitor generated no `mod types`".into()))?;
    let items = &mut types.1;

    let mut impls: Vec<syn::Item> = Vec::new();
    let mut fields_of = std::collections::BTreeMap::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !model.response_structs.contains(&name) {
            continue;
        }
        let fields = response_struct(s)?;
        impls.push(
            syn::parse2(deserialize_impl(
                &s.ident,
                &fields,
                false,
                &quote!(::salesflow_webhook_types::lenient),
            ))
            .map_err(gen_err)?,
        );
        let drift = quote!(::salesflow_webhook_types::drift);
        let walk =
            super::walk::walk_impl(&s.ident, &name, &FieldInfo::names(&fields), &drift, None);
        impls.push(syn::parse2(walk).map_err(gen_err)?);
        fields_of.insert(
            name,
            fields.into_iter().map(|f| f.ident).collect::<Vec<_>>(),
        );
    }
    for (derived, base) in &model.projections {
        let (Some(derived_fields), Some(base_fields)) =
            (fields_of.get(derived), fields_of.get(base))
        else {
            continue;
        };
        for f in base_fields {
            if !derived_fields.contains(f) {
                return Err(Error::Generate(format!(
                    "`{derived}` is allOf `{base}` but lacks its field `{f}`"
                )));
            }
        }
        let derived_ident = format_ident!("{}", derived);
        let base_ident = format_ident!("{}", base);
        let extra = format_ident!("{}", EXTRA_FIELD);
        let doc = format!(
            "The fields of [`{base}`] out of a [`{derived}`] (the spec defines `{derived}` as \
             `allOf` `{base}` and more); the fields `{base}` does not have are dropped, unknown \
             fields are kept."
        );
        impls.push(
            syn::parse2(quote! {
                #[doc = #doc]
                impl ::std::convert::From<#derived_ident> for #base_ident {
                    fn from(value: #derived_ident) -> Self {
                        #base_ident { #(#base_fields: value.#base_fields,)* #extra: value.#extra }
                    }
                }
            })
            .map_err(gen_err)?,
        );
    }
    items.extend(impls);
    Ok(())
}

fn gen_err(e: syn::Error) -> Error {
    Error::Generate(e.to_string())
}

/// Rewrites one response struct and returns its fields (before `extra` was added).
fn response_struct(s: &mut syn::ItemStruct) -> Result<Vec<FieldInfo>, Error> {
    let name = s.ident.to_string();
    let syn::Fields::Named(named) = &mut s.fields else {
        return Err(Error::Generate(format!(
            "response type `{name}` is not a struct with named fields"
        )));
    };
    let mut fields = Vec::new();
    for field in &named.named {
        let ident = field
            .ident
            .clone()
            .ok_or_else(|| Error::Generate(format!("`{name}` has an unnamed field")))?;
        if ident == EXTRA_FIELD {
            return Err(Error::Generate(format!(
                "`{name}` has a property named `{EXTRA_FIELD}`, the name of the unknown-fields map"
            )));
        }
        let mut wire = None;
        let mut default = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    wire = Some(lit.value());
                } else if meta.path.is_ident("default") {
                    default = true;
                    if meta.input.peek(syn::Token![=]) {
                        return Err(meta.error("`default = ...` is not supported"));
                    }
                } else if meta.path.is_ident("skip_serializing_if") {
                    let _: syn::LitStr = meta.value()?.parse()?;
                } else {
                    return Err(meta.error("serde attribute not supported by the generator"));
                }
                Ok(())
            })
            .map_err(|e| Error::Generate(format!("`{name}.{ident}`: {e}")))?;
        }
        fields.push(FieldInfo {
            wire: wire.unwrap_or_else(|| ident.to_string()),
            ident,
            optional: is_option(&field.ty),
            default,
            with: None,
            leaf: is_optional_leaf(&field.ty),
        });
    }
    let extra_field: syn::Field = syn::Field::parse_named
        .parse2(quote! {
            /// Fields this version of the SDK does not know, kept as the server sent them (and
            /// written back by `Serialize`), so a field the vendor adds is readable before the
            /// SDK is regenerated.
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>
        })
        .map_err(gen_err)?;
    named.named.push(extra_field);

    // derive: Deserialize is generated; Default is added.
    for attr in &mut s.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let paths = attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .map_err(gen_err)?;
        let mut kept: Vec<syn::Path> = paths
            .into_iter()
            .filter(|p| {
                p.segments
                    .last()
                    .is_none_or(|segment| segment.ident != "Deserialize")
            })
            .collect();
        kept.push(syn::parse_quote!(Default));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    Ok(fields)
}

use syn::parse::Parser as _;

/// A `Deserialize` that reads the known fields and keeps the others in `extra`, in one pass.
///
/// No field's type is spelled: each is inferred from the struct literal that ends the visit,
/// so a field whose type changes needs no regeneration. With `rest_default`, the literal ends
/// with `..Default::default()`, so that a field added to a hand-written struct leaves it
/// compiling (and the drift check failing) until the file is regenerated.
pub(crate) fn deserialize_impl(
    name: &syn::Ident,
    fields: &[FieldInfo],
    rest_default: bool,
    support: &TokenStream,
) -> TokenStream {
    let variants: Vec<syn::Ident> = fields
        .iter()
        .map(|f| syn::Ident::new(&format!("F_{}", f.ident), Span::call_site()))
        .collect();
    let locals: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let finish = finish_exprs(fields);
    let schema = name.to_string();
    // An optional field is read leniently: a value of an unexpected shape is kept raw in
    // `extra` (and logged), the rest decodes. A required one fails the whole value.
    let reads: Vec<TokenStream> = fields
        .iter()
        .zip(&locals)
        .zip(&wires)
        .map(|((f, local), wire)| {
            let seed = match &f.with {
                None if f.leaf => quote!(#support::optional()),
                None if f.optional => quote!(#support::typed()),
                None => return quote!(#local = ::std::option::Option::Some(map.next_value()?);),
                Some(path) if f.optional => quote!(#support::Lenient(#path::Seed)),
                Some(path) => {
                    return quote!(#local = ::std::option::Option::Some(map.next_value_seed(#path::Seed)?);)
                }
            };
            quote! {
                match map.next_value_seed(#seed)? {
                    ::std::result::Result::Ok(value) => #local = ::std::option::Option::Some(value),
                    ::std::result::Result::Err(odd) => {
                        // Seen (a second one is a duplicate), and `None` in the end.
                        #local = ::std::option::Option::Some(::std::default::Default::default());
                        extra.insert(::std::string::String::from(#wire), odd.keep(#schema, #wire));
                    }
                }
            }
        })
        .collect();
    let rest = if rest_default {
        quote!(..::std::default::Default::default())
    } else {
        quote!()
    };
    let expecting = format!("a {name} object");
    let key_enum = key_enum(&variants, &wires);
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                #key_enum
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<#name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        #(let mut #locals = ::std::option::Option::None;)*
                        let mut extra = ::serde_json::Map::new();
                        while let ::std::option::Option::Some(key) = map.next_key::<Key>()? {
                            match key {
                                #(Key::#variants => {
                                    if #locals.is_some() {
                                        return ::std::result::Result::Err(
                                            <A::Error as ::serde::de::Error>::duplicate_field(#wires),
                                        );
                                    }
                                    #reads
                                })*
                                Key::Unknown(name) => {
                                    let value: ::serde_json::Value = map.next_value()?;
                                    extra.insert(name, value);
                                }
                            }
                        }
                        ::std::result::Result::Ok(#support::decoded(#name {
                            #(#locals: #finish,)*
                            extra,
                            #rest
                        }))
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

/// The value of each field at the end of the visit: `None` for an optional field not seen, an
/// error for a required one.
fn finish_exprs(fields: &[FieldInfo]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let local = &f.ident;
            let wire = &f.wire;
            if f.optional && f.with.is_none() {
                quote!(#local.flatten())
            } else if f.default || f.optional {
                // An optional field read by a `with` seed: the seed's value is the `Option`.
                quote!(#local.unwrap_or_default())
            } else {
                quote!(#local.ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field(#wire))?)
            }
        })
        .collect()
}

/// The `Key` a `Deserialize` of [`deserialize_impl`] reads field names into: a variant per
/// known field (`wires`), `Unknown` for the others.
fn key_enum(variants: &[syn::Ident], wires: &[&str]) -> TokenStream {
    quote! {
        #[allow(non_camel_case_types)]
        enum Key {
            #(#variants,)*
            Unknown(::std::string::String),
        }
        struct KeyVisitor;
        impl<'de> ::serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<Key, E> {
                ::std::result::Result::Ok(match value {
                    #(#wires => Key::#variants,)*
                    other => Key::Unknown(other.to_owned()),
                })
            }
            fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<Key, E> {
                ::std::result::Result::Ok(match value.as_str() {
                    #(#wires => Key::#variants,)*
                    _ => Key::Unknown(value),
                })
            }
        }
        impl<'de> ::serde::Deserialize<'de> for Key {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                deserializer.deserialize_identifier(KeyVisitor)
            }
        }
    }
}
