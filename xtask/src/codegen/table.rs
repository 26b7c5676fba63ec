//! The operation enum of `salesflow-api`: one variant per operation of the spec, with what the
//! spec says about it (operationId, method, path, host, authentication, whether it changes
//! state), and the vendor API version.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::Model;

/// The tokens of `crates/salesflow-api/src/generated/operations.rs`.
pub fn tokens(model: &Model) -> TokenStream {
    let api_version = &model.api_version;
    let version_doc = format!(
        " The version of the vendor's API this SDK was generated from (`info.version` of \
         `spec/salesflow.yaml`): `{api_version}`. Every request carries it in the `api-version` \
         header."
    );
    let operation_enum = operation_enum(model);
    let operation_impl = operation_impl(model);
    quote! {
        use crate::operations::Host;

        #[doc = #version_doc]
        pub const API_VERSION: &str = #api_version;
        #operation_enum
        #operation_impl
    }
}

/// `enum Operation`, a variant per operation with its summary as docs.
fn operation_enum(model: &Model) -> TokenStream {
    let ops = &model.operations;
    let variants = super::idents(ops.iter().map(|o| &o.pascal));
    let docs = ops.iter().map(|o| {
        let changes = if o.changes_state {
            ", changes state"
        } else {
            ""
        };
        let first = o.first_paragraph().replace('\n', " ");
        format!("{}{changes}.\n\n{first}", o.headline())
    });
    quote! {
        /// An operation of the Salesflow API: the one name of an operation in errors, tracing
        /// spans, the mock's faults and request log. It displays and serializes as the spec's
        /// `operationId` (`getCampaignStatistics`); the `salesflow` crate's method for it is the
        /// snake case of that id (`get_campaign_statistics`).
        ///
        /// The enum is exhaustive on purpose: code that matches on it must handle an operation
        /// the vendor adds (a new variant comes with a minor version bump).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            #(#[doc = #docs] #variants,)*
        }
    }
}

/// `impl Operation`: what the spec says about each operation.
fn operation_impl(model: &Model) -> TokenStream {
    let ops = &model.operations;
    let variants = super::idents(ops.iter().map(|o| &o.pascal));
    let ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
    let snakes: Vec<&str> = ops.iter().map(|o| o.snake.as_str()).collect();
    let vendor: Vec<&str> = ops.iter().map(|o| o.vendor_name.as_str()).collect();
    let methods: Vec<&str> = ops.iter().map(|o| o.method.as_str()).collect();
    let paths: Vec<&str> = ops.iter().map(|o| o.path.as_str()).collect();
    let tags: Vec<&str> = ops.iter().map(|o| o.tag.as_str()).collect();
    // `Host` there has the variants of `Host` here.
    let hosts = super::idents(ops.iter().map(|o| format!("{:?}", o.host)));
    // The `operationId`, and the method name where it differs.
    let names = ops.iter().map(|o| {
        let (id, snake) = (&o.id, (o.snake != o.id).then_some(&o.snake).into_iter());
        quote!(#id #(| #snake)*)
    });
    let account: Vec<bool> = ops.iter().map(|o| o.needs_account_id).collect();
    let changes: Vec<bool> = ops.iter().map(|o| o.changes_state).collect();
    let count = ops.len();
    let all_doc = format!(" Every operation, in the spec's order ({count} in this version).");
    quote! {
        impl Operation {
            #[doc = #all_doc]
            pub const ALL: &'static [Operation] = &[#(Operation::#variants),*];

            /// The spec's `operationId`, e.g. `"getCampaignStatistics"`.
            pub const fn id(self) -> &'static str {
                match self { #(Operation::#variants => #ids,)* }
            }

            /// The generated method's name, e.g. `"get_campaign_statistics"` (progenitor's
            /// `OperationInfo::operation_id`, and the `salesflow` crate's method).
            pub const fn rust_name(self) -> &'static str {
                match self { #(Operation::#variants => #snakes,)* }
            }

            /// The vendor's name for it (the spec's `summary`), e.g. `"GetContact (by memberId)"`.
            pub const fn vendor_name(self) -> &'static str {
                match self { #(Operation::#variants => #vendor,)* }
            }

            /// The HTTP method, upper case.
            pub const fn method(self) -> &'static str {
                match self { #(Operation::#variants => #methods,)* }
            }

            /// The path template under the host's base URL, e.g. `"/members/{memberId}"`.
            pub const fn path(self) -> &'static str {
                match self { #(Operation::#variants => #paths,)* }
            }

            /// The vendor concept it belongs to (the spec's first tag), e.g. `"members"`.
            pub const fn tag(self) -> &'static str {
                match self { #(Operation::#variants => #tags,)* }
            }

            /// The host that serves it.
            pub const fn host(self) -> Host {
                match self { #(Operation::#variants => Host::#hosts,)* }
            }

            /// Whether `accountId` is sent besides `token` (all but ListAccounts).
            pub const fn needs_account_id(self) -> bool {
                match self { #(Operation::#variants => #account,)* }
            }

            /// Whether the call changes state (and so must not be retried blindly): the method
            /// says it, unless the spec's `x-salesflow-changes-state` overrides it.
            pub const fn changes_state(self) -> bool {
                match self { #(Operation::#variants => #changes,)* }
            }

            /// The operation with this `operationId` (`"getContact"`) or method name
            /// (`"get_contact"`).
            pub fn from_name(name: &str) -> ::std::option::Option<Operation> {
                match name {
                    #(#names => ::std::option::Option::Some(Operation::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }
        }
    }
}
