//! The wire-level request model of `salesflow-api` (`salesflow_api::params`): what a server
//! receives, generated from the same model as the client.
//!
//! - One struct per operation with its path and query parameters, named on the wire, typed as
//!   strictly as the spec (an `integer` parameter is read as an integer, whatever its Rust
//!   type reads elsewhere), and the `Params` implementation naming its body type (the spec's
//!   request body schema, or `()`), the body properties the spec types as strings, and the
//!   operation.
//! - `ApiKeys`: the API key query parameters of the spec's security schemes.
//! - `Record` for every response struct: its fields' wire names and the spec's examples of
//!   them, so that a server can store any request field the resource has, and fill demo data.
//!
//! The local mock (`salesflow-mock`) receives every request through these types, so a
//! parameter or body field added to the spec reaches it with no hand edit.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{Location, Model, Op, Param, Shape};
use super::Error;

fn rust_type(p: &Param) -> Result<TokenStream, Error> {
    let text = match &p.shape {
        Shape::Str {
            newtype: Some(n), ..
        } => format!("crate::types::{n}"),
        Shape::Str { newtype: None, .. } => "::std::string::String".to_owned(),
        Shape::Value { rust_type, .. } => match rust_type.strip_prefix("types::") {
            Some(name) => format!("crate::types::{name}"),
            None => rust_type.clone(),
        },
        Shape::StrArray { .. } => {
            return Err(Error::Generate(format!(
                "parameter `{}`: arrays are supported in request bodies only",
                p.wire
            )))
        }
    };
    let ty: syn::Type = syn::parse_str(&text).map_err(|e| Error::Generate(e.to_string()))?;
    Ok(quote!(#ty))
}

/// A field of a parameters struct: a path or query parameter, read as strictly as the spec
/// types it.
fn field(p: &Param) -> Result<TokenStream, Error> {
    let (ident, wire, doc) = (format_ident!("{}", p.field), &p.wire, p.doc(""));
    let mut ty = rust_type(p)?;
    let mut serde = vec![quote!(rename = #wire)];
    if !p.required {
        ty = quote!(::std::option::Option<#ty>);
        serde.push(quote!(
            default,
            skip_serializing_if = "::std::option::Option::is_none"
        ));
    }
    if p.wire_type.as_deref() == Some("integer") {
        let with = if p.required {
            "crate::params::wire::integer"
        } else {
            "crate::params::wire::optional_integer"
        };
        serde.push(quote!(deserialize_with = #with));
    }
    Ok(quote! {
        #[doc = #doc]
        #[serde(#(#serde),*)]
        pub #ident: #ty
    })
}

/// The struct of an operation's path and query parameters.
fn params_struct(op: &Op) -> Result<TokenStream, Error> {
    let name = format_ident!("{}", op.pascal);
    let fields = op
        .params
        .iter()
        .filter(|p| p.location != Location::Body)
        .map(field)
        .collect::<Result<Vec<_>, _>>()?;
    let doc = format!(
        " The path and query parameters of **{}** (`{}`, `{} {}`), named as on the wire.",
        op.vendor_name, op.id, op.method, op.path
    );
    let body_doc = match &op.body {
        None => " It takes no body.".to_owned(),
        Some(ty) => format!(" Its JSON body is a [`{ty}`](crate::types::{ty})."),
    };
    Ok(quote! {
        #[doc = #doc]
        #[doc = ""]
        #[doc = #body_doc]
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields,)*
        }
    })
}

/// `impl Params`: the operation, its body type, and the body properties checked on arrival.
fn params_impl(op: &Op) -> TokenStream {
    let name = format_ident!("{}", op.pascal);
    let body = match &op.body {
        None => quote!(()),
        Some(ty) => {
            let ty = format_ident!("{}", ty);
            quote!(crate::types::#ty)
        }
    };
    let body_params = op.params.iter().filter(|p| p.location == Location::Body);
    let strings = body_params
        .clone()
        .filter(|p| p.wire_type.as_deref() == Some("string"))
        .map(|p| {
            let (wire, nullable) = (&p.wire, p.nullable);
            quote!((#wire, #nullable))
        });
    let items = body_params.filter_map(|p| match &p.shape {
        Shape::StrArray {
            min_items,
            max_items,
            ..
        } => {
            let wire = &p.wire;
            let opt = |v: &Option<u64>| match v {
                Some(n) => quote!(::std::option::Option::Some(#n)),
                None => quote!(::std::option::Option::None),
            };
            let (min, max) = (opt(min_items), opt(max_items));
            Some(quote!((#wire, #min, #max)))
        }
        _ => None,
    });
    let has_body = op.body.is_some();
    quote! {
        impl crate::params::Params for #name {
            const OPERATION: crate::operations::Operation = crate::operations::Operation::#name;
            type Body = #body;
            const HAS_BODY: bool = #has_body;
            const BODY_ITEMS: &'static [(&'static str, ::std::option::Option<u64>, ::std::option::Option<u64>)] = &[#(#items),*];
            const BODY_STRINGS: &'static [(&'static str, bool)] = &[#(#strings),*];
        }
    }
}

/// The tokens of `crates/salesflow-api/src/generated/params.rs`.
pub fn tokens(model: &Model) -> Result<TokenStream, Error> {
    let ops = &model.operations;
    let structs: Vec<_> = ops.iter().map(params_struct).collect::<Result<_, _>>()?;
    let impls = ops.iter().map(params_impl);

    let keys = super::idents(model.api_keys.iter().map(|k| k.to_snake_case()));
    let key_wires = &model.api_keys;
    let key_docs = key_wires
        .iter()
        .map(|k| format!(" `{k}` (query): an API key of the spec's security schemes."));

    let records = model.records.iter().map(|r| {
        let name = format_ident!("{}", r.name);
        let fields = &r.fields;
        let example = serde_json::Value::Object(r.example.clone()).to_string();
        quote! {
            impl crate::params::Record for crate::types::#name {
                const FIELDS: &'static [&'static str] = &[#(#fields),*];
                const EXAMPLE: &'static str = #example;
            }
        }
    });

    Ok(quote! {
        /// The API key query parameters every call carries (the spec's `apiKey` security
        /// schemes), as a server reads them; each is optional here, so that a server can
        /// answer a missing one itself. `Debug` shows none of their values.
        #[derive(Clone, Default, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct ApiKeys {
            #(
                #[doc = #key_docs]
                #[serde(rename = #key_wires, default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #keys: ::std::option::Option<::std::string::String>,
            )*
        }

        impl ::std::fmt::Debug for ApiKeys {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("ApiKeys")
                    #(.field(#key_wires, &self.#keys.as_ref().map(|_| "REDACTED")))*
                    .finish()
            }
        }

        #(#structs #impls)*

        #(#records)*
    })
}
