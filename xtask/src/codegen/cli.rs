//! The command-line arguments of every operation, for the `salesflow` CLI
//! (`crates/salesflow-cli/src/generated/commands.rs`): per operation, its command's default
//! name and group (from the operationId and the first tag), its help (the spec's summary and
//! description), and one argument per parameter with its wire name, flag, value name, help
//! (the parameter's description and limits), kind of value and whether it is required.
//!
//! The CLI builds its operation commands from this table, with its hand-written wording (a
//! friendlier command name, positional arguments, examples) in one overrides table
//! (`crates/salesflow-cli/src/overrides.rs`). A parameter added to the spec is a new flag, an
//! operation a new command, with no hand edit.

use heck::{ToKebabCase, ToShoutySnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{Model, Op, Param, Shape, StrRules};
use super::one_line;

/// The kind of value an argument takes, as the CLI names it (`crate::commands::ArgKind`).
fn kind(p: &Param) -> TokenStream {
    let kind = match (p.wire_type.as_deref(), &p.shape) {
        (_, Shape::StrArray { .. }) => "TextList",
        (Some("integer"), _) => "Integer",
        (Some("number"), _) => "Number",
        (Some("boolean"), _) => "Flag",
        (Some("string"), _) => "Text",
        _ => "Json",
    };
    let kind = format_ident!("{}", kind);
    quote!(crate::commands::ArgKind::#kind)
}

/// The length limits of a string, as a help says them.
fn limits(rules: &StrRules) -> Option<String> {
    match (rules.min_length.filter(|n| *n > 1), rules.max_length) {
        (Some(min), Some(max)) => Some(format!("{min} to {max} characters")),
        (Some(min), None) => Some(format!("at least {min} characters")),
        (None, Some(max)) => Some(format!("at most {max} characters")),
        (None, None) => None,
    }
}

/// The help of an argument: the first paragraph of the spec's description, then its limits.
fn help(p: &Param) -> String {
    let text = one_line(p.description.split("\n\n").next().unwrap_or_default());
    let limits = match &p.shape {
        Shape::Str { rules, .. } => limits(rules),
        Shape::StrArray { item_rules, .. } => limits(item_rules).map(|l| format!("each {l}")),
        Shape::Value { .. } => None,
    };
    let Some(limits) = limits else { return text };
    let stop = if text.ends_with('.') { "." } else { "" };
    let text = text.trim_end_matches('.');
    let space = if text.is_empty() { "" } else { " " };
    format!("{text}{space}({limits}){stop}")
}

/// The first sentence of `text`: up to the first ". " outside parentheses.
fn first_sentence(text: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '.' if depth == 0 && text[i + 1..].starts_with(' ') => return &text[..i],
            _ => {}
        }
    }
    text
}

fn operation(op: &Op) -> TokenStream {
    let variant = format_ident!("{}", op.pascal);
    let tag = &op.tag;
    let name = op.id.to_kebab_case();
    let first = one_line(op.first_paragraph());
    let about = format!(
        "{} ({}).",
        first_sentence(&first).trim_end_matches('.'),
        op.vendor_name
    );
    let paragraphs = op.description.split("\n\n").map(one_line);
    let long_about = paragraphs.collect::<Vec<_>>().join("\n\n");
    let args = op.params.iter().map(|p| {
        let (wire, required, help, kind) = (&p.wire, p.required, help(p), kind(p));
        let (long, value_name) = (wire.to_kebab_case(), wire.to_shouty_snake_case());
        quote! {
            crate::commands::ArgSpec {
                wire: #wire,
                long: #long,
                value_name: #value_name,
                help: #help,
                kind: #kind,
                required: #required,
            }
        }
    });
    let response = &op.response.schema;
    let is_array = op.response.is_array;
    quote! {
        crate::commands::OperationSpec {
            operation: ::salesflow::Operation::#variant,
            tag: #tag,
            name: #name,
            about: #about,
            long_about: #long_about,
            args: &[#(#args),*],
            response: #response,
            response_is_array: #is_array,
        }
    }
}

/// The tokens of `crates/salesflow-cli/src/generated/commands.rs`.
pub fn tokens(model: &Model) -> TokenStream {
    let ops = model.operations.iter().map(operation);
    let (tags, tag_docs): (Vec<_>, Vec<_>) = model.tags.iter().cloned().unzip();
    quote! {
        /// Every operation of the spec with the arguments of its command, in the spec's order.
        pub(crate) const OPERATIONS: &[crate::commands::OperationSpec] = &[#(#ops),*];

        /// The spec's tags (the vendor's concepts that group the operations) with their
        /// descriptions, in the spec's order.
        pub(crate) const TAGS: &[(&str, &str)] = &[#((#tags, #tag_docs)),*];
    }
}
