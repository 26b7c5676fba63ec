//! The `Walk` of each generated struct (`salesflow_webhook_types::drift::Walk`): what a drift
//! report reads. It walks every field (each says what it holds that this version does not know:
//! an open enum its `Unknown(..)`, a nested struct its own fields) and notes the `extra` map,
//! telling the spec's fields (a value of an unexpected type) from unknown ones.
//!
//! Nothing here runs in the common case: a caller walks a decoded value only when decoding
//! marked the thread (a non-empty `extra`, an `Unknown(..)`), and the generated `Deserialize`
//! marks it through `lenient::decoded`, which asks `has_extra` (written by `walk_impl`).

use proc_macro2::TokenStream;
use quote::quote;

/// `impl Walk for #name`: `schema` is the spec's name of the object, `fields` its fields (the
/// name in Rust, the name in JSON), `drift` the path of the `drift` module, and `decoded` the
/// body of `Walk::decoded` (the payload records itself there), if any.
pub(crate) fn walk_impl(
    name: &syn::Ident,
    schema: &str,
    fields: &[(&syn::Ident, &str)],
    drift: &TokenStream,
    decoded: Option<TokenStream>,
) -> TokenStream {
    let idents = fields.iter().map(|(ident, _)| ident);
    let wires: Vec<&str> = fields.iter().map(|(_, wire)| *wire).collect();
    let decoded = decoded.map(|body| quote!(fn decoded(&self) { #body }));
    quote! {
        impl #drift::Walk for #name {
            fn walk(&self, at: &mut #drift::Cursor<'_>) {
                #(at.field(#wires, &self.#idents);)*
                at.extra(#schema, &[#(#wires),*], &self.extra);
            }
            #[inline]
            fn has_extra(&self) -> bool {
                !self.extra.is_empty()
            }
            #decoded
        }
    }
}
