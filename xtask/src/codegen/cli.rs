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

use super::model::{Model, Op, Param, Shape, StrRules, WireType};
use super::Error;

/// The kind of value an argument takes, as the CLI names it (`crate::commands::ArgKind`).
fn kind(p: &Param) -> TokenStream {
    let kind = match (p.wire_type, &p.shape) {
        (_, Shape::StrArray { .. }) => "TextList",
        (WireType::Integer, _) => "Integer",
        (WireType::Number, _) => "Number",
        (WireType::Boolean, _) => "Flag",
        (WireType::String, _) => "Text",
        _ => "Json",
    };
    let kind = format_ident!("{}", kind);
    quote!(crate::commands::ArgKind::#kind)
}

fn limits(rules: &StrRules) -> Vec<String> {
    let mut out = Vec::new();
    match (rules.min_length.filter(|n| *n > 1), rules.max_length) {
        (Some(min), Some(max)) => out.push(format!("{min} to {max} characters")),
        (Some(min), None) => out.push(format!("at least {min} characters")),
        (None, Some(max)) => out.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    out
}

/// The first paragraph of a description, on one line.
fn first_paragraph(description: &str) -> String {
    let paragraph = description.split("\n\n").next().unwrap_or_default();
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The help of an argument: the spec's description, then its limits.
fn help(p: &Param) -> String {
    let mut text = first_paragraph(&p.description);
    let limits = match &p.shape {
        Shape::Str { rules, .. } => limits(rules),
        Shape::StrArray { item_rules, .. } => limits(item_rules)
            .into_iter()
            .map(|l| format!("each {l}"))
            .collect(),
        Shape::Value { .. } => Vec::new(),
    };
    if !limits.is_empty() {
        let had_stop = text.ends_with('.');
        text = text.trim_end_matches('.').to_owned();
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("({})", limits.join(", ")));
        if had_stop {
            text.push('.');
        }
    }
    text
}

fn operation(op: &Op) -> TokenStream {
    let variant = format_ident!("{}", op.pascal);
    let tag = &op.tag;
    let name = op.id.to_kebab_case();
    let first = first_paragraph(&op.description);
    // The first sentence: up to the first ". " outside parentheses.
    let mut depth = 0usize;
    let mut end = first.len();
    for (i, c) in first.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '.' if depth == 0 && first[i + 1..].starts_with(' ') => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let about = format!(
        "{} ({}).",
        first[..end].trim_end_matches('.'),
        op.vendor_name
    );
    let long_about = op
        .description
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n");
    let args: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let wire = &p.wire;
            let long = p.wire.to_kebab_case();
            let value_name = p.wire.to_shouty_snake_case();
            let help = help(p);
            let kind = kind(p);
            let required = p.required;
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
        })
        .collect();
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
pub fn tokens(model: &Model) -> Result<TokenStream, Error> {
    let ops: Vec<TokenStream> = model.operations.iter().map(operation).collect();
    let tags: Vec<&str> = model.tags.iter().map(|(n, _)| n.as_str()).collect();
    let tag_docs: Vec<&str> = model.tags.iter().map(|(_, d)| d.as_str()).collect();
    Ok(quote! {
        /// Every operation of the spec with the arguments of its command, in the spec's order.
        pub(crate) const OPERATIONS: &[crate::commands::OperationSpec] = &[#(#ops),*];

        /// The spec's tags (the vendor's concepts that group the operations) with their
        /// descriptions, in the spec's order.
        pub(crate) const TAGS: &[(&str, &str)] = &[#((#tags, #tag_docs)),*];
    })
}
