//! The per-operation layer of the `salesflow` crate: for every operation of the spec, a
//! parameter struct with named fields (`salesflow::ops::ImportMember`), its `Request`
//! implementation (client-side validation from the spec's constraints and formats, the call to
//! the generated client, the status-body check, batching), a `Client` method named after the
//! operationId that returns a `Call` builder, the `Call` setters, and `AnyRequest`, the enum of
//! every operation's parameters.
//!
//! A new operation in the spec is callable through `salesflow` as soon as this is regenerated;
//! a hand-written method is only ever sugar on top.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::model::{Location, Model, Op, Param, Shape, StrRules};
use super::Error;

/// Typed ids recorded on the tracing span: `(type name suffix, field of salesflow's Ids)`.
const SPAN_IDS: &[(&str, &str)] = &[
    ("::CampaignId", "campaign_id"),
    ("::MemberId", "member_id"),
    ("::WebhookId", "webhook_id"),
    ("::WebhookCampaignId", "webhook_campaign_id"),
];

/// The string formats the SDK checks, and the function of `salesflow::validate` that does.
/// Each takes `(field, value)` and returns the value to send (possibly canonicalized). A
/// request string with another `format` is an error here, so a new format cannot slip through
/// unchecked.
pub const FORMAT_CHECKS: &[(&str, &str)] = &[
    ("linkedin-profile-url", "linkedin_profile_url"),
    ("uri", "http_url"),
];

fn value_type(rust_type: &str) -> TokenStream {
    let path = match rust_type.strip_prefix("types::") {
        Some(name) => format!("::salesflow_api::types::{name}"),
        None => rust_type.to_owned(),
    };
    path.parse().unwrap_or_else(|_| quote!(()))
}

/// The owned type a parameter is stored as.
fn stored_type(p: &Param) -> TokenStream {
    let inner = match &p.shape {
        Shape::Str { .. } => quote!(::std::string::String),
        Shape::StrArray { .. } => quote!(::std::vec::Vec<::std::string::String>),
        Shape::Value { rust_type, .. } => value_type(rust_type),
    };
    if p.required {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

/// The argument type a setter or constructor takes, and how it becomes the stored value.
fn input(p: &Param) -> (TokenStream, TokenStream) {
    let f = format_ident!("{}", p.field);
    match &p.shape {
        Shape::Str { .. } => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(#f.into()),
        ),
        Shape::StrArray { .. } => (
            quote!(
                impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>
            ),
            quote!(#f.into_iter().map(::std::convert::Into::into).collect()),
        ),
        Shape::Value { rust_type, .. } if rust_type == "bool" => (quote!(bool), quote!(#f)),
        Shape::Value { rust_type, .. } => {
            let ty = value_type(rust_type);
            (quote!(impl ::std::convert::Into<#ty>), quote!(#f.into()))
        }
    }
}

/// `Some(v)` or `None`.
fn option(v: Option<impl ToTokens>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// An expression that turns the `String` `value` into what is sent (a `String`, or the
/// generated newtype), checked: the format's check first (which may canonicalize), then the
/// spec's length and pattern rules.
fn convert_str(
    context: &str,
    wire: &str,
    rules: &StrRules,
    newtype: &Option<String>,
) -> Result<TokenStream, Error> {
    let (min, max) = (option(rules.min_length), option(rules.max_length));
    let pattern = option(rules.pattern.as_ref());
    let rules_ts = quote!(&crate::validate::StrRules::new(#min, #max, #pattern));
    let value = match &rules.format {
        None => quote!(value),
        Some(format) => {
            let (_, check) = FORMAT_CHECKS
                .iter()
                .find(|(f, _)| f == format)
                .ok_or_else(|| {
                    Error::Generate(format!(
                        "{context}: no client-side check for `format: {format}`; add one to \
                         salesflow::validate and to FORMAT_CHECKS in xtask/src/codegen/sdk.rs"
                    ))
                })?;
            let check = format_ident!("{}", check);
            quote!(crate::validate::#check(#wire, &value)?)
        }
    };
    Ok(match newtype {
        Some(n) => {
            let n = format_ident!("{}", n);
            quote!(crate::validate::to_generated::<::salesflow_api::types::#n>(#wire, #value, #rules_ts)?)
        }
        None => quote!(crate::validate::checked(#wire, #value, #rules_ts)?),
    })
}

/// Statements that check parameter `p` (a local of its name) and rebind it to what is sent.
fn check_param(op: &Op, p: &Param) -> Result<TokenStream, Error> {
    let f = format_ident!("{}", p.field);
    let wire = &p.wire;
    let context = format!("operation `{}`, parameter `{}`", op.id, p.wire);
    match &p.shape {
        Shape::Value { .. } => Ok(quote!()),
        Shape::Str { rules, newtype } => {
            let convert = convert_str(&context, wire, rules, newtype)?;
            Ok(if p.required {
                quote!(let #f = { let value = #f; #convert };)
            } else {
                quote!(let #f = match #f { Some(value) => Some(#convert), None => None };)
            })
        }
        Shape::StrArray {
            item_rules,
            item_newtype,
            min_items,
            max_items,
        } => {
            if !p.required {
                return Err(Error::Generate(format!(
                    "{context}: optional arrays are not supported"
                )));
            }
            let convert = convert_str(&context, wire, item_rules, item_newtype)?;
            // A batched array is split into requests of at most `maxItems`.
            let batched = op
                .batch
                .as_ref()
                .is_some_and(|(field, _)| *field == p.field);
            let max_items = max_items.filter(|_| !batched);
            let min = option(min_items.map(|n| n as usize));
            let max = option(max_items.map(|n| n as usize));
            Ok(quote! {
                crate::validate::check_items(#wire, #f.len(), #min, #max)?;
                let #f = #f
                    .into_iter()
                    .enumerate()
                    .map(|(index, value)| {
                        (|| Ok::<_, crate::ValidationError>(#convert))().map_err(|e| e.at(index))
                    })
                    .collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?;
            })
        }
    }
}

/// The expression passed to the generated method for parameter `p`.
fn call_arg(p: &Param) -> TokenStream {
    let f = format_ident!("{}", p.field);
    match &p.shape {
        Shape::StrArray { .. } | Shape::Value { by_ref: false, .. } => quote!(#f),
        _ if p.required => quote!(&#f),
        Shape::Str { newtype: None, .. } => quote!(#f.as_deref()),
        Shape::Str { .. } | Shape::Value { .. } => quote!(#f.as_ref()),
    }
}

fn doc_lines(text: &str) -> Vec<String> {
    text.lines().map(|l| format!(" {l}")).collect()
}

/// The limits of a string, as docs say them.
fn str_limits(rules: &StrRules) -> impl Iterator<Item = String> + '_ {
    let min = rules.min_length.filter(|n| *n > 1);
    let min = min.map(|n| format!("at least {n} characters"));
    let max = rules.max_length.map(|n| format!("at most {n} characters"));
    let format = rules.format.as_ref().map(|f| format!("format `{f}`"));
    min.into_iter().chain(max).chain(format)
}

/// The docs of a parameter: where it goes, whether it is required, its limits, its description.
fn param_doc(p: &Param) -> String {
    let limits: Vec<String> = match &p.shape {
        Shape::Str { rules, .. } => str_limits(rules).collect(),
        Shape::StrArray {
            item_rules,
            max_items,
            ..
        } => {
            let per_request = max_items.map(|n| format!("at most {n} per request"));
            str_limits(item_rules).chain(per_request).collect()
        }
        Shape::Value { .. } => Vec::new(),
    };
    if limits.is_empty() {
        p.doc("")
    } else {
        p.doc(&format!("; {}", limits.join(", ")))
    }
}

/// The spec's example of a parameter as a Rust argument, for doc examples.
fn example_arg(p: &Param) -> Option<String> {
    let example = p.example.as_ref()?;
    Some(match (&p.shape, example) {
        (Shape::StrArray { .. }, serde_json::Value::Array(items)) => {
            // `["a", "b"]`, as Rust writes the list.
            let items: Vec<_> = items.iter().map(|i| i.as_str().unwrap_or("")).collect();
            format!("{items:?}")
        }
        (Shape::Str { .. }, serde_json::Value::String(s)) => format!("{s:?}"),
        (Shape::Value { .. }, serde_json::Value::Number(n)) => n.to_string(),
        (Shape::Value { .. }, serde_json::Value::Bool(b)) => b.to_string(),
        _ => return None,
    })
}

fn response_type(op: &Op) -> TokenStream {
    let ty = format_ident!("{}", op.response.schema);
    if op.response.is_array {
        quote!(::std::vec::Vec<::salesflow_api::types::#ty>)
    } else {
        quote!(::salesflow_api::types::#ty)
    }
}

/// Everything generated for one operation: what goes into `mod ops` (its parameter struct, the
/// struct's constructor, setters and `validate`, its `Request` implementation), and what goes
/// beside it (its `Client` method and its `Call` setters).
fn operation(op: &Op) -> Result<(TokenStream, TokenStream), Error> {
    let checks = op
        .params
        .iter()
        .map(|p| check_param(op, p))
        .collect::<Result<Vec<_>, _>>()?;
    let in_ops = [
        param_struct(op),
        param_impl(op, &checks),
        request_impl(op, &checks),
    ];
    let beside = [client_method(op), call_setters(op)];
    Ok((in_ops.into_iter().collect(), beside.into_iter().collect()))
}

fn field_idents<'p>(params: impl IntoIterator<Item = &'p Param>) -> Vec<proc_macro2::Ident> {
    super::idents(params.into_iter().map(|p| &p.field))
}

/// The identifiers of `params`, the argument types of their setters or constructor, and how
/// each argument becomes the stored value ([`input`]).
fn inputs<'p>(
    params: impl Iterator<Item = &'p Param>,
) -> (Vec<proc_macro2::Ident>, Vec<TokenStream>, Vec<TokenStream>) {
    let params: Vec<&Param> = params.collect();
    let (types, into) = params.iter().map(|p| input(p)).unzip();
    (field_idents(params), types, into)
}

fn setter_docs(op: &Op) -> Vec<String> {
    op.optional()
        .map(|p| format!(" Sets{}", param_doc(p)))
        .collect()
}

/// The parameter struct, `ops::Name`.
fn param_struct(op: &Op) -> TokenStream {
    let name = format_ident!("{}", op.pascal);
    let fields = field_idents(&op.params);
    let types = op.params.iter().map(stored_type);
    let field_docs = op.params.iter().map(param_doc);
    let serde_attrs = op.params.iter().map(|p| {
        let wire = &p.wire;
        let unset = quote!(, default, skip_serializing_if = "::std::option::Option::is_none");
        let unset = (!p.required).then_some(unset);
        quote!(#[serde(rename = #wire #unset)])
    });
    let summary = format!("{}.", op.headline());
    let description = doc_lines(&op.description);
    quote! {
        #[doc = #summary]
        #[doc = ""]
        #(#[doc = #description])*
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[non_exhaustive]
        pub struct #name {
            #(
                #[doc = #field_docs]
                #serde_attrs
                pub #fields: #types,
            )*
        }
    }
}

/// How each checked value goes back into the parameter struct.
fn checked_values(op: &Op) -> impl Iterator<Item = TokenStream> + '_ {
    op.params.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        match &p.shape {
            Shape::Str {
                newtype: Some(_), ..
            } if p.required => quote!(::std::string::String::from(#f)),
            Shape::Str {
                newtype: Some(_), ..
            } => quote!(#f.map(::std::string::String::from)),
            Shape::StrArray {
                item_newtype: Some(_),
                ..
            } => quote!(#f.into_iter().map(::std::string::String::from).collect()),
            _ => quote!(#f),
        }
    })
}

/// `impl Name`: `new` (the required parameters), a setter per optional one, `validate`.
fn param_impl(op: &Op, checks: &[TokenStream]) -> TokenStream {
    let name = format_ident!("{}", op.pascal);
    let fields = field_idents(&op.params);
    let (req_idents, req_inputs, req_into) = inputs(op.required());
    let (opt_idents, opt_inputs, opt_into) = inputs(op.optional());
    let opt_docs = setter_docs(op);
    let required: Vec<String> = op.required().map(|p| format!("`{}`", p.wire)).collect();
    let new_doc = if required.is_empty() {
        " The parameters, none of them set.".to_owned()
    } else {
        format!(
            " The parameters, with the required ones ({}); the optional ones are unset.",
            required.join(", ")
        )
    };
    let backs = checked_values(op);
    quote! {
        impl #name {
            #[doc = #new_doc]
            #[allow(clippy::new_without_default)]
            pub fn new(#(#req_idents: #req_inputs),*) -> Self {
                #name {
                    #(#req_idents: #req_into,)*
                    #(#opt_idents: ::std::option::Option::None,)*
                }
            }

            #(
                #[doc = #opt_docs]
                pub fn #opt_idents(mut self, #opt_idents: #opt_inputs) -> Self {
                    self.#opt_idents = ::std::option::Option::Some(#opt_into);
                    self
                }
            )*

            /// Checks the parameters against the spec's rules, as sending them does before
            /// anything goes out, and returns them as they would be sent (a `format` check may
            /// put a value in its canonical form, such as a LinkedIn profile URL).
            ///
            /// # Errors
            ///
            /// The first rule broken, naming the parameter as it is on the wire.
            pub fn validate(&self) -> ::std::result::Result<Self, crate::ValidationError> {
                #[allow(unused_variables)]
                let #name { #(#fields),* } = self.clone();
                #(#checks)*
                ::std::result::Result::Ok(#name { #(#fields: #backs),* })
            }
        }
    }
}

/// The statements that record the parameters that are typed ids on the tracing span.
fn span_ids(op: &Op) -> impl Iterator<Item = TokenStream> + '_ {
    op.params.iter().filter_map(|p| {
        let Shape::Value { rust_type, .. } = &p.shape else {
            return None;
        };
        let (_, id_field) = SPAN_IDS
            .iter()
            .find(|(suffix, _)| rust_type.ends_with(suffix))?;
        let id_field = format_ident!("{}", id_field);
        let f = format_ident!("{}", p.field);
        Some(if p.required {
            quote!(ids.#id_field = ::std::option::Option::Some(#f);)
        } else {
            quote!(ids.#id_field = #f;)
        })
    })
}

fn body_expr(op: &Op) -> Option<TokenStream> {
    let ty = format_ident!("{}", op.body.as_ref()?);
    let fields = field_idents(op.params.iter().filter(|p| p.location == Location::Body));
    Some(quote!(::salesflow_api::types::#ty { #(#fields: #fields.clone()),* }))
}

/// The arguments of the generated method, in its order: progenitor orders path parameters,
/// then query parameters by name, then the body.
fn call_args(op: &Op, has_body: bool) -> Vec<TokenStream> {
    let (path, mut query): (Vec<&Param>, Vec<&Param>) = op
        .params
        .iter()
        .filter(|p| p.location != Location::Body)
        .partition(|p| p.location == Location::Path);
    query.sort_by_key(|p| &p.wire);
    let body = has_body.then(|| quote!(&body));
    path.into_iter()
        .chain(query)
        .map(call_arg)
        .chain(body)
        .collect()
}

/// The statements that send the checked parameters: one call, or one per batch.
fn execute(op: &Op) -> TokenStream {
    let method = format_ident!("{}", op.snake);
    let body = body_expr(op);
    let ordered = call_args(op, body.is_some());
    let call = quote! {
        let api = client.api(&options);
        client
            .execute(OPERATION, ids, &options, || api.#method(#(#ordered),*))
            .await
    };
    let Some((batch_field, size)) = &op.batch else {
        let body_let = body.map(|b| quote!(let body = #b;));
        let status_check = op
            .response
            .status_body
            .then(|| quote!(.and_then(|message| client.check_status_body(OPERATION, message))));
        return quote!(#body_let #call #status_check);
    };
    let batch_ident = format_ident!("{}", batch_field);
    let size = *size as usize;
    let others = field_idents(op.params.iter().filter(|p| p.field != *batch_field));
    let body = body.unwrap_or_else(|| quote!(()));
    quote! {
        let batches: ::std::vec::Vec<::std::vec::Vec<_>> =
            #batch_ident.chunks(#size).map(<[_]>::to_vec).collect();
        crate::bulk::concat_batches(batches, |#batch_ident| {
            let client = client.clone();
            let options = options.clone();
            #(let #others = #others.clone();)*
            async move {
                let body = #body;
                #call
            }
        })
        .await
    }
}

/// `impl Sealed for Name` and `impl Request for Name`: checks, then sends.
fn request_impl(op: &Op, checks: &[TokenStream]) -> TokenStream {
    let name = format_ident!("{}", op.pascal);
    let fields = field_idents(&op.params);
    let response = response_type(op);
    let ids = span_ids(op);
    let execute = execute(op);
    quote! {
        impl crate::call::sealed::Sealed for #name {}

        impl crate::Request for #name {
            type Response = #response;
            const OPERATION: ::salesflow_api::operations::Operation =
                ::salesflow_api::operations::Operation::#name;

            fn send(
                self,
                client: crate::Client,
                options: crate::CallOptions,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<Self::Response, crate::Error>>
                   + ::std::marker::Send
                   + 'static {
                const OPERATION: ::salesflow_api::operations::Operation =
                    ::salesflow_api::operations::Operation::#name;
                async move {
                    let #name { #(#fields),* } = self;
                    #[allow(unused_mut)]
                    let mut ids = crate::client::Ids::default();
                    #(#ids)*
                    #(#checks)*
                    #execute
                }
            }
        }
    }
}

/// The docs of the `Client` method after its summary and first paragraph: what it answers,
/// the status body, retries, batches, setters.
fn method_docs(op: &Op) -> Vec<String> {
    let retry_doc = if op.changes_state {
        " It changes state, so it is retried only when the server surely did nothing (a 429, \
         or no connection at all); see [`RetryPolicy`](crate::RetryPolicy)."
    } else {
        " It changes nothing, so it is retried on transient failures under the client's \
         [`RetryPolicy`](crate::RetryPolicy)."
    };
    let batch_doc = op.batch.as_ref().map(|(field, size)| {
        let wire = op
            .params
            .iter()
            .find(|p| p.field == *field)
            .map_or("", |p| &p.wire);
        format!(
            " Any number of `{wire}` may be given: they are sent in requests of at most {size} \
             (the spec's `maxItems`), a few at a time, and the answers are concatenated in \
             order."
        )
    });
    let status_doc = op.response.status_body.then_some(
        " The answer is the vendor's status body; a `Status` of 400 or more is returned as an \
         [`Error::Api`](crate::Error::Api), even under HTTP 200.",
    );
    let setters: Vec<String> = op
        .optional()
        .map(|p| format!("[`{0}`](crate::Call::<ops::{1}>::{0})", p.field, op.pascal))
        .collect();
    let setters_doc = if setters.is_empty() {
        " The returned [`Call`](crate::Call) takes per-call options (`timeout`, `retry_policy`) \
         and is sent by `.await`."
            .to_owned()
    } else {
        format!(
            " The returned [`Call`](crate::Call) sets the optional parameters ({}) and per-call \
             options (`timeout`, `retry_policy`), and is sent by `.await`.",
            setters.join(", ")
        )
    };
    let mut docs = vec![format!(" Answers a {}.", answer(op))];
    docs.extend(status_doc.map(str::to_owned));
    docs.push(retry_doc.to_owned());
    docs.extend(batch_doc);
    docs.push(String::new());
    docs.push(setters_doc);
    docs.push(String::new());
    docs
}

/// `impl Client { pub fn name(...) -> Call<ops::Name> }`.
fn client_method(op: &Op) -> TokenStream {
    let name = format_ident!("{}", op.pascal);
    let method = format_ident!("{}", op.snake);
    let (req_idents, req_inputs, _) = inputs(op.required());
    let summary = format!("{}.", op.headline());
    let example_args: Option<Vec<String>> = op.required().map(example_arg).collect();
    let example = example_args.map(|args| {
        format!(
            "```no_run\n# async fn demo(client: salesflow::Client) -> Result<(), salesflow::Error> {{\nlet answer = client.{}({}).await?;\n# Ok(()) }}\n```",
            op.snake,
            args.join(", ")
        )
    });
    let example = example.iter().flat_map(|e| doc_lines(e));
    let aliases = [op.vendor_name.as_str(), op.id.as_str()];
    let first_paragraph = doc_lines(op.first_paragraph());
    let docs = method_docs(op);
    quote! {
        impl crate::Client {
            #[doc = #summary]
            #[doc = ""]
            #(#[doc = #first_paragraph])*
            #[doc = ""]
            #(#[doc = #docs])*
            #(#[doc = #example])*
            #(#[doc(alias = #aliases)])*
            pub fn #method(&self, #(#req_idents: #req_inputs),*) -> crate::Call<ops::#name> {
                crate::Call::new(self.clone(), ops::#name::new(#(#req_idents),*))
            }
        }
    }
}

/// `impl Call<ops::Name>`: a setter per optional parameter (none without one).
fn call_setters(op: &Op) -> TokenStream {
    if op.optional().next().is_none() {
        return quote!();
    }
    let name = format_ident!("{}", op.pascal);
    let (opt_idents, opt_inputs, _) = inputs(op.optional());
    let opt_docs = setter_docs(op);
    quote! {
        impl crate::Call<ops::#name> {
            #(
                #[doc = #opt_docs]
                pub fn #opt_idents(self, #opt_idents: #opt_inputs) -> Self {
                    self.map_request(|request| request.#opt_idents(#opt_idents))
                }
            )*
        }
    }
}

/// What an operation answers, for docs: `` [`Webhook`](crate::Webhook) `` or `` list of
/// [`Webhook`](crate::Webhook) ``.
fn answer(op: &Op) -> String {
    let schema = &op.response.schema;
    let link = format!("[`{schema}`](crate::{schema})");
    if op.response.is_array {
        format!("list of {link}")
    } else {
        link
    }
}

/// The example parameters of an operation, as the JSON its parameter struct deserializes.
fn example_json(op: &Op) -> Result<String, Error> {
    if let Some(p) = op.required().find(|p| p.example.is_none()) {
        return Err(Error::Spec(format!(
            "operation `{}`: required parameter `{}` has no `example`; add one (the \
             example-driven tests and docs need it)",
            op.id, p.wire
        )));
    }
    let examples = op
        .params
        .iter()
        .filter_map(|p| Some((p.wire.clone(), p.example.clone()?)));
    Ok(serde_json::Value::Object(examples.collect()).to_string())
}

/// The tokens of `crates/salesflow/src/generated/operations.rs`.
pub fn tokens(model: &Model) -> Result<TokenStream, Error> {
    let ops = &model.operations;
    let (structs, impls): (Vec<_>, Vec<_>) = ops.iter().map(operation).collect::<Result<_, _>>()?;
    let variants = super::idents(ops.iter().map(|o| &o.pascal));
    let examples: Vec<_> = ops.iter().map(example_json).collect::<Result<_, _>>()?;
    let response_structs = super::idents(&model.response_structs);
    let ops_mod = ops_mod(&response_structs, &structs);
    let any_request = any_request(&variants);
    let any_answer = any_answer(&variants);
    let any_request_impl = any_request_impl(&variants, &examples);
    Ok(quote! {
        #ops_mod
        #(#impls)*
        #any_request
        #any_answer
        #any_request_impl
    })
}

/// The re-export of the response types and `mod ops`, the parameter structs.
fn ops_mod(response_structs: &[proc_macro2::Ident], structs: &[TokenStream]) -> TokenStream {
    quote! {
        /// The types the API answers with, generated from the spec's schemas (see
        /// `salesflow_api::types`). They keep the fields this version does not know in
        /// `extra`, and are `#[non_exhaustive]`: build one with `Default` and set its fields.
        pub use ::salesflow_api::types::{#(#response_structs),*};

        /// The parameters of every operation, one struct each, named after the operation.
        ///
        /// Build one with `new` (the required parameters) and its setters, then send it with
        /// [`Client::send`](crate::Client::send); or start from the `Client` method of the
        /// same name in snake case, which returns a [`Call`](crate::Call) with the same
        /// setters. Each serializes with the parameters' names on the wire.
        pub mod ops {
            #(#structs)*
        }
    }
}

/// `enum AnyRequest` and its `From` impls.
fn any_request(variants: &[proc_macro2::Ident]) -> TokenStream {
    quote! {
        /// The parameters of any operation: what code that handles every operation alike (the
        /// CLI, tests driven by the spec's examples) passes around.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum AnyRequest {
            #(
                #[doc = concat!("[`ops::", stringify!(#variants), "`].")]
                #variants(ops::#variants),
            )*
        }

        #(
            impl ::std::convert::From<ops::#variants> for AnyRequest {
                fn from(request: ops::#variants) -> Self {
                    AnyRequest::#variants(request)
                }
            }
        )*
    }
}

/// `enum AnyAnswer`, its `Debug` and its methods.
fn any_answer(variants: &[proc_macro2::Ident]) -> TokenStream {
    quote! {
        /// The answer of any operation, typed ([`AnyRequest::send`]): what code that handles
        /// every operation alike receives. `Debug` shows the answer itself.
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        pub enum AnyAnswer {
            #(
                #[doc = concat!("The answer of [`ops::", stringify!(#variants), "`].")]
                #variants(<ops::#variants as crate::Request>::Response),
            )*
        }

        impl ::std::fmt::Debug for AnyAnswer {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(AnyAnswer::#variants(answer) => ::std::fmt::Debug::fmt(answer, f),)*
                }
            }
        }

        impl AnyAnswer {
            /// The operation it answers.
            pub fn operation(&self) -> ::salesflow_api::operations::Operation {
                match self {
                    #(AnyAnswer::#variants(_) => ::salesflow_api::operations::Operation::#variants,)*
                }
            }

            /// The answer as JSON (its type serialized: the vendor's field names, unknown
            /// fields included), as [`AnyRequest::send_json`] returns it.
            ///
            /// # Errors
            ///
            /// Only if the answer cannot be written as JSON.
            pub fn to_json(&self) -> ::std::result::Result<::serde_json::Value, crate::Error> {
                match self {
                    #(AnyAnswer::#variants(answer) => crate::client::to_json(
                        ::salesflow_api::operations::Operation::#variants,
                        answer,
                    ),)*
                }
            }
        }
    }
}

/// The methods of `AnyRequest`.
fn any_request_impl(variants: &[proc_macro2::Ident], examples: &[String]) -> TokenStream {
    quote! {
        impl AnyRequest {
            /// The operation.
            pub fn operation(&self) -> ::salesflow_api::operations::Operation {
                match self {
                    #(AnyRequest::#variants(_) => ::salesflow_api::operations::Operation::#variants,)*
                }
            }

            /// The parameters as JSON: an object of the parameters' names on the wire, what
            /// [`from_json`](Self::from_json) reads back.
            pub fn to_json(&self) -> ::serde_json::Value {
                let value = match self {
                    #(AnyRequest::#variants(request) => ::serde_json::to_value(request),)*
                };
                value.unwrap_or(::serde_json::Value::Null)
            }

            /// Sends it with `options` and returns the answer, typed: the same as sending the
            /// parameter struct it holds.
            pub async fn send(
                self,
                client: &crate::Client,
                options: crate::CallOptions,
            ) -> ::std::result::Result<AnyAnswer, crate::Error> {
                ::std::result::Result::Ok(match self {
                    #(AnyRequest::#variants(request) => AnyAnswer::#variants(
                        crate::Request::send(request, client.clone(), options).await?,
                    ),)*
                })
            }

            /// Sends it with `options` and returns the answer as JSON (the answer's type
            /// serialized: the vendor's field names, unknown fields included).
            pub async fn send_json(
                self,
                client: &crate::Client,
                options: crate::CallOptions,
            ) -> ::std::result::Result<::serde_json::Value, crate::Error> {
                match self {
                    #(AnyRequest::#variants(request) => {
                        let answer = crate::Request::send(request, client.clone(), options).await?;
                        crate::client::to_json(<ops::#variants as crate::Request>::OPERATION, &answer)
                    })*
                }
            }

            /// The parameters of `operation` from JSON: an object of the parameters' names
            /// on the wire (`{"campaignId": 29854}`), as each parameter struct deserializes.
            ///
            /// # Errors
            ///
            /// A [`ParametersError`](crate::ParametersError) when the JSON does not fit the
            /// operation's parameters (a missing required one, a value of the wrong type, a
            /// name the operation does not have), naming the parameter.
            pub fn from_json(
                operation: ::salesflow_api::operations::Operation,
                parameters: ::serde_json::Value,
            ) -> ::std::result::Result<AnyRequest, crate::ParametersError> {
                match operation {
                    #(::salesflow_api::operations::Operation::#variants => {
                        ::serde_path_to_error::deserialize::<_, ops::#variants>(parameters)
                            .map(AnyRequest::#variants)
                            .map_err(|e| crate::ParametersError::new(operation, e))
                    })*
                }
            }

            /// The parameters of `operation` taken from the spec's `example`s.
            ///
            /// # Errors
            ///
            /// Only if the spec's examples do not fit the parameters (the generator checks
            /// they exist; the tests check they decode).
            pub fn example(
                operation: ::salesflow_api::operations::Operation,
            ) -> ::std::result::Result<AnyRequest, ::serde_json::Error> {
                match operation {
                    #(::salesflow_api::operations::Operation::#variants => {
                        ::serde_json::from_str::<ops::#variants>(#examples).map(AnyRequest::#variants)
                    })*
                }
            }
        }
    }
}

/// The markdown table of every operation that opens the rustdoc of `salesflow::Client`.
pub fn operations_table(model: &Model) -> String {
    let mut out = String::from(
        "<!-- @generated by `cargo xtask codegen` from spec/salesflow.yaml; do not edit. -->\n\n| operation (vendor name) | method of [`Client`](crate::Client) | HTTP | answers |\n|---|---|---|---|\n",
    );
    for op in &model.operations {
        let required: Vec<&str> = op.required().map(|p| p.field.as_str()).collect();
        out.push_str(&format!(
            "| {} | [`{}({})`](crate::Client::{}) | `{} {}` | {} |\n",
            op.vendor_name,
            op.snake,
            required.join(", "),
            op.snake,
            op.method,
            op.path,
            answer(op)
        ));
    }
    out
}
