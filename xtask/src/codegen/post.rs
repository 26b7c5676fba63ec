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

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{serde_attrs, type_text, Model};
use super::Error;

/// The name of the field holding unknown fields.
pub const EXTRA_FIELD: &str = "extra";

/// One field of a struct, as the generated `Deserialize` needs it.
#[derive(Clone)]
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

/// The `T` of an `Option<T>` (`Option`, `std::option::Option`, ...).
fn option_arg(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last().filter(|s| s.ident == "Option")?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if p.qself.is_none() => Some(t),
        _ => None,
    }
}

/// Whether `ty` is `Option<String>`, `Option<i64>`, `Option<i32>`, `Option<bool>` or
/// `Option<f64>` (however the path is spelled).
fn is_optional_leaf(ty: &syn::Type) -> bool {
    let inner = option_arg(ty).map(type_text);
    let last = inner.as_deref().and_then(|t| t.rsplit("::").next());
    matches!(last, Some("String" | "i64" | "i32" | "bool" | "f64"))
}

/// Applies the changes to the generated file.
pub fn apply(file: &mut syn::File, model: &Model) -> Result<(), Error> {
    let (_, items) = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| Error::Generate("progenitor generated no `mod types`".into()))?;
    let mut impls = TokenStream::new();
    let mut fields_of: BTreeMap<String, Vec<syn::Ident>> = BTreeMap::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !model.response_structs.contains(&name) {
            continue;
        }
        let fields = response_struct(s)?;
        let krate = quote!(::salesflow_webhook_types);
        impls.extend(decode_impls(&s.ident, &name, &fields, krate, None));
        fields_of.insert(name, fields.into_iter().map(|f| f.ident).collect());
    }
    for (derived, base) in &model.projections {
        if let (Some(derived_fields), Some(base_fields)) =
            (fields_of.get(derived), fields_of.get(base))
        {
            impls.extend(projection(derived, derived_fields, base, base_fields)?);
        }
    }
    items.extend(syn::parse2::<syn::File>(impls).map_err(gen_err)?.items);
    Ok(())
}

/// `From<derived> for base`, where the spec defines `derived` as `allOf` `base` and more.
fn projection(
    derived: &str,
    derived_fields: &[syn::Ident],
    base: &str,
    base_fields: &[syn::Ident],
) -> Result<TokenStream, Error> {
    if let Some(f) = base_fields.iter().find(|f| !derived_fields.contains(f)) {
        return Err(Error::Generate(format!(
            "`{derived}` is allOf `{base}` but lacks its field `{f}`"
        )));
    }
    let derived_ident = format_ident!("{}", derived);
    let base_ident = format_ident!("{}", base);
    let extra = format_ident!("{}", EXTRA_FIELD);
    let doc = format!(
        "The fields of [`{base}`] out of a [`{derived}`] (the spec defines `{derived}` as \
         `allOf` `{base}` and more); the fields `{base}` does not have are dropped, unknown \
         fields are kept."
    );
    Ok(quote! {
        #[doc = #doc]
        impl ::std::convert::From<#derived_ident> for #base_ident {
            fn from(value: #derived_ident) -> Self {
                #base_ident { #(#base_fields: value.#base_fields,)* #extra: value.#extra }
            }
        }
    })
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
        let (ident, wire, default) = serde_attrs(&name, field)?;
        let ident = ident.clone();
        if ident == EXTRA_FIELD {
            return Err(Error::Generate(format!(
                "`{name}` has a property named `{EXTRA_FIELD}`, the name of the unknown-fields map"
            )));
        }
        fields.push(FieldInfo {
            wire,
            ident,
            optional: option_arg(&field.ty).is_some(),
            default,
            with: None,
            leaf: is_optional_leaf(&field.ty),
        });
    }
    named.named.push(syn::parse_quote! {
        /// Fields this version of the SDK does not know, kept as the server sent them (and
        /// written back by `Serialize`), so a field the vendor adds is readable before the
        /// SDK is regenerated.
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>
    });

    // derive: Deserialize is generated; Default is added.
    for attr in s.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        type Paths = syn::punctuated::Punctuated<syn::Path, syn::Token![,]>;
        let paths = attr
            .parse_args_with(Paths::parse_terminated)
            .map_err(gen_err)?;
        let kept = paths.into_iter().filter(|p| {
            let last = p.segments.last();
            last.is_none_or(|segment| segment.ident != "Deserialize")
        });
        *attr = syn::parse_quote!(#[derive(#(#kept,)* Default)]);
    }
    s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    Ok(fields)
}

/// The `Deserialize` ([`deserialize_impl`]) and `Walk` of struct `name`, schema `schema`:
/// `krate` is the path of `salesflow-webhook-types`, whose `lenient` and `drift` modules they
/// use, and `decoded` the body of `Walk::decoded`, if any.
pub(crate) fn decode_impls(
    name: &syn::Ident,
    schema: &str,
    fields: &[FieldInfo],
    krate: TokenStream,
    decoded: Option<TokenStream>,
) -> TokenStream {
    let deserialize = deserialize_impl(name, fields, &quote!(#krate::lenient));
    let names: Vec<_> = fields.iter().map(|f| (&f.ident, f.wire.as_str())).collect();
    let drift = quote!(#krate::drift);
    let walk = super::walk::walk_impl(name, schema, &names, &drift, decoded);
    quote!(#deserialize #walk)
}

/// A `Deserialize` that reads the known fields and keeps the others in `extra`, in one pass.
///
/// No field's type is spelled: each is inferred from the struct literal that ends the visit,
/// so a field whose type changes needs no regeneration.
fn deserialize_impl(name: &syn::Ident, fields: &[FieldInfo], support: &TokenStream) -> TokenStream {
    let variants: Vec<_> = fields
        .iter()
        .map(|f| format_ident!("F_{}", f.ident))
        .collect();
    let locals: Vec<_> = fields.iter().map(|f| &f.ident).collect();
    let wires: Vec<_> = fields.iter().map(|f| f.wire.as_str()).collect();
    let finish = finish_exprs(fields);
    let schema = name.to_string();
    // An optional field is read leniently: a value of an unexpected shape is kept raw in
    // `extra` (and logged), the rest decodes. A required one fails the whole value.
    let reads = fields.iter().map(|f| {
        let (local, wire) = (&f.ident, &f.wire);
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
    });
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
fn finish_exprs(fields: &[FieldInfo]) -> impl Iterator<Item = TokenStream> + '_ {
    fields.iter().map(|f| {
        let (local, wire) = (&f.ident, &f.wire);
        if f.optional && f.with.is_none() {
            quote!(#local.flatten())
        } else if f.default || f.optional {
            // An optional field read by a `with` seed: the seed's value is the `Option`.
            quote!(#local.unwrap_or_default())
        } else {
            quote!(#local.ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field(#wire))?)
        }
    })
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
