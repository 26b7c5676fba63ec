//! The commands of the API's operations, built from the spec.
//!
//! `generated/commands.rs` (by `cargo xtask codegen`) lists every operation with one argument
//! per parameter: its wire name, flag, value name, help (the spec's description and limits),
//! kind of value and whether it is required. This module turns that table into clap
//! commands, with the CLI's own wording from [`crate::overrides`] (the command's
//! name, positional arguments, examples, tables), and turns a parsed command back into the
//! operation's parameters by their wire names, which the SDK's
//! [`AnyRequest::from_json`] reads and checks. A parameter added to the spec is a new flag,
//! an operation a new command (`salesflow <group of its tag> <operationId in kebab case>`),
//! with no hand edit.

use std::sync::LazyLock;

use clap::{Arg, ArgAction, ArgMatches};
use salesflow::{AnyRequest, Operation};
use serde_json::{Map, Value};

use crate::exit::CliError;
use crate::output::{self, Table};
use crate::overrides::{self, Override};

#[rustfmt::skip]
#[path = "generated/commands.rs"]
mod generated;

pub(crate) use generated::{OPERATIONS, TAGS};

/// The kind of value an argument takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A string.
    Text,
    /// One or more strings.
    TextList,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A flag: given means `true`.
    Flag,
    /// Any JSON value (read as JSON when it is JSON, as a string otherwise).
    Json,
}

/// One parameter of an operation, as an argument of its command.
#[derive(Clone, Copy, Debug)]
pub struct ArgSpec {
    /// Its name on the wire (`campaignId`): the argument's id, and the parameter's name in
    /// the JSON the SDK reads.
    pub wire: &'static str,
    /// Its flag without `--`, from the wire name (`campaign-id`).
    pub long: &'static str,
    /// Its value's name in help (`CAMPAIGN_ID`).
    pub value_name: &'static str,
    /// Its help: the spec's description and limits.
    pub help: &'static str,
    /// The kind of value.
    pub kind: ArgKind,
    /// Whether the operation requires it.
    pub required: bool,
}

/// One operation of the spec, as a command.
#[derive(Clone, Copy, Debug)]
pub struct OperationSpec {
    /// The operation.
    pub operation: Operation,
    /// Its first tag (the vendor concept it belongs to).
    pub tag: &'static str,
    /// Its command's default name: the operationId in kebab case.
    pub name: &'static str,
    /// One line of help: the description's first sentence and the vendor's name.
    pub about: &'static str,
    /// The whole description.
    pub long_about: &'static str,
    /// Its parameters: path, query, then body.
    pub args: &'static [ArgSpec],
    /// The schema of its answer (or of the answer's items).
    pub response: &'static str,
    /// Whether the answer is a list.
    pub response_is_array: bool,
}

/// An operation called from the command line: the parameters given, by their wire names.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationCall {
    /// The operation.
    pub operation: Operation,
    /// The parameters given, as `AnyRequest::from_json` reads them.
    pub parameters: Map<String, Value>,
}

/// An operation's command once the overrides are applied.
struct Resolved {
    spec: &'static OperationSpec,
    over: Override,
    /// The command's path under `salesflow`.
    path: Vec<&'static str>,
}

impl Resolved {
    /// Whether its argument `wire` is positional (and at which index, from 1).
    fn position(&self, wire: &str) -> Option<usize> {
        self.over
            .positional
            .iter()
            .position(|p| *p == wire)
            .map(|i| i + 1)
    }
}

static RESOLVED: LazyLock<Vec<Resolved>> = LazyLock::new(|| {
    OPERATIONS
        .iter()
        .map(|spec| {
            let over = overrides::of(spec.operation);
            let path = match over.path {
                Some(path) => path.to_vec(),
                None => vec![overrides::group_of(spec.tag), spec.name],
            };
            Resolved { spec, over, path }
        })
        .collect()
});

/// The command of each operation of the API (`["campaigns", "stats"]` for
/// `salesflow campaigns stats`): a generated one (named by the overrides, or after its tag
/// and operationId), or the hand-written command that stands for it (`import`).
pub fn command_of(op: Operation) -> Option<&'static [&'static str]> {
    RESOLVED
        .iter()
        .find(|r| r.spec.operation == op)
        .map(|r| r.path.as_slice())
}

/// The clap value parser of an argument: every value becomes JSON, as the SDK reads it.
fn value_parser(kind: ArgKind, over: Option<overrides::ValueParser>) -> clap::builder::ValueParser {
    if let Some(parse) = over {
        return clap::builder::ValueParser::new(parse);
    }
    match kind {
        ArgKind::Integer => clap::builder::ValueParser::new(|s: &str| {
            s.trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("`{s}` is not an integer"))
        }),
        ArgKind::Number => clap::builder::ValueParser::new(|s: &str| {
            s.trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| format!("`{s}` is not a number"))
        }),
        ArgKind::Json => clap::builder::ValueParser::new(|s: &str| {
            Ok::<_, String>(serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned())))
        }),
        ArgKind::Text | ArgKind::TextList | ArgKind::Flag => {
            clap::builder::ValueParser::new(|s: &str| Ok::<_, String>(Value::String(s.to_owned())))
        }
    }
}

/// The clap command of one operation; `taken` are the flags of the global options, which a
/// parameter's flag must not reuse (it gets a `param-` prefix then).
fn build(r: &Resolved, taken: &[String]) -> clap::Command {
    let name = r.path.last().copied().unwrap_or(r.spec.name);
    let mut cmd = clap::Command::new(name);
    // Like clap's derive, one line of help ends without a full stop.
    cmd = match r.over.about {
        Some(about) => cmd.about(about.trim_end_matches('.')),
        None => cmd
            .about(r.spec.about.trim_end_matches('.'))
            .long_about(r.spec.long_about),
    };
    if let Some(after) = r.over.after_help {
        cmd = cmd.after_help(after);
    }
    for (order, a) in r.spec.args.iter().enumerate() {
        let arg_over = overrides::arg(a.wire);
        // The operation's own arguments before the global options.
        let mut arg = Arg::new(a.wire)
            .help(arg_over.and_then(|o| o.help).unwrap_or(a.help))
            .display_order(order);
        if a.kind != ArgKind::Flag {
            arg = arg
                .value_name(arg_over.and_then(|o| o.value_name).unwrap_or(a.value_name))
                .value_parser(value_parser(a.kind, arg_over.and_then(|o| o.parser)));
        }
        match r.position(a.wire) {
            Some(index) => arg = arg.index(index).required(true),
            None => {
                let long = arg_over.and_then(|o| o.long).unwrap_or(a.long);
                let long = if taken.iter().any(|t| t == long) {
                    format!("param-{long}")
                } else {
                    long.to_owned()
                };
                arg = arg.long(long).required(a.required);
            }
        }
        arg = match a.kind {
            ArgKind::Flag => arg.action(ArgAction::SetTrue),
            ArgKind::TextList if r.position(a.wire).is_some() => {
                arg.num_args(1..).action(ArgAction::Append)
            }
            ArgKind::TextList => arg.action(ArgAction::Append),
            _ => arg.action(ArgAction::Set),
        };
        cmd = cmd.arg(arg);
    }
    cmd
}

/// `cli` with a command for every operation the spec has (except those a hand-written command
/// stands for), each in the group of its tag (a group the derive defines, such as `webhooks`,
/// is added to; another is created), and the top-level commands in the overrides' order.
pub fn augment(mut cli: clap::Command) -> clap::Command {
    let taken: Vec<String> = cli
        .get_arguments()
        .filter_map(|a| a.get_long().map(str::to_owned))
        .collect();
    // The global options after each command's own arguments in `--help`.
    let globals: Vec<clap::Id> = cli.get_arguments().map(|a| a.get_id().clone()).collect();
    for (i, id) in globals.iter().enumerate() {
        cli = cli.mut_arg(id, |a| a.display_order(1000 + i));
    }
    for r in RESOLVED.iter().filter(|r| !r.over.hand_written) {
        let (group, leaf) = match r.path.as_slice() {
            [group, _leaf] => (*group, build(r, &taken)),
            _ => continue, // overrides::tests: a generated command is `group name`
        };
        if cli.find_subcommand(group).is_none() {
            let about = overrides::group_about(group)
                .or_else(|| {
                    TAGS.iter()
                        .find(|(tag, _)| overrides::group_of(tag) == group)
                        .map(|(_, about)| *about)
                })
                .unwrap_or_default();
            cli = cli.subcommand(
                clap::Command::new(group)
                    .about(about.trim_end_matches('.'))
                    .subcommand_required(true)
                    .arg_required_else_help(true),
            );
        }
        cli = cli.mut_subcommand(group, |g| g.subcommand(leaf));
    }
    for (i, name) in overrides::TOP_LEVEL_ORDER.iter().enumerate() {
        if cli.find_subcommand(name).is_some() {
            cli = cli.mut_subcommand(name, |c| c.display_order(i));
        }
    }
    cli
}

/// The operation a parsed command line calls, if its subcommand is an operation's command,
/// with the parameters given.
pub fn invocation(matches: &ArgMatches) -> Option<OperationCall> {
    let mut path = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        path.push(name);
        m = sub;
    }
    let r = RESOLVED
        .iter()
        .find(|r| !r.over.hand_written && r.path == path)?;
    let mut parameters = Map::new();
    for a in r.spec.args {
        let value = match a.kind {
            ArgKind::Flag => m.get_flag(a.wire).then_some(Value::Bool(true)),
            ArgKind::TextList => m
                .get_many::<Value>(a.wire)
                .map(|values| Value::Array(values.cloned().collect())),
            _ => m.get_one::<Value>(a.wire).cloned(),
        };
        if let Some(value) = value {
            parameters.insert(a.wire.to_owned(), value);
        }
    }
    Some(OperationCall {
        operation: r.spec.operation,
        parameters,
    })
}

/// How an operation's answer is shown as a table.
#[derive(Clone, Copy, Debug)]
pub struct AnswerTable {
    spec: &'static OperationSpec,
}

impl AnswerTable {
    /// The table of an answer: the overrides' table for the answer's type, else one built
    /// from its JSON.
    pub fn of(&self, answer: &Value) -> Table {
        overrides::table(self.spec.response, self.spec.response_is_array)
            .and_then(|table| table(answer))
            .unwrap_or_else(|| output::table_of_json(answer))
    }
}

/// The request of a parsed operation command (its parameters checked by the SDK), and how
/// its answer is shown as a table.
///
/// # Errors
///
/// A usage error for parameters the SDK refuses (or none given where the overrides want
/// one).
pub fn prepare(call: OperationCall) -> Result<(AnyRequest, AnswerTable), CliError> {
    let r = RESOLVED
        .iter()
        .find(|r| r.spec.operation == call.operation)
        .ok_or_else(|| CliError::usage(format!("no command for {}", call.operation)))?;
    if let Some(what) = r.over.needs_one_optional {
        let optional: Vec<&ArgSpec> = r.spec.args.iter().filter(|a| !a.required).collect();
        if !optional
            .iter()
            .any(|a| call.parameters.contains_key(a.wire))
        {
            let flags: Vec<String> = optional
                .iter()
                .map(|a| {
                    let long = overrides::arg(a.wire)
                        .and_then(|o| o.long)
                        .unwrap_or(a.long);
                    format!("--{long}")
                })
                .collect();
            return Err(CliError::usage(format!(
                "{what}: give at least one of {}",
                flags.join(", ")
            )));
        }
    }
    let request = AnyRequest::from_json(call.operation, Value::Object(call.parameters))
        .map_err(|e| CliError::usage(e.to_string()))?;
    Ok((request, AnswerTable { spec: r.spec }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_command_path() {
        for op in Operation::ALL {
            let path = command_of(*op).unwrap_or_else(|| panic!("{op}: no command"));
            assert!(!path.is_empty(), "{op}");
        }
        assert_eq!(OPERATIONS.len(), Operation::ALL.len());
    }

    /// The command line of `r` that gives the parameters `example` (by wire name).
    fn command_line(r: &Resolved, example: &Map<String, Value>) -> Vec<String> {
        let mut line: Vec<String> = vec!["salesflow".into()];
        line.extend(r.path.iter().map(|s| (*s).to_owned()));
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for wire in r.over.positional {
            match &example[*wire] {
                Value::Array(items) => line.extend(items.iter().map(text)),
                value => line.push(text(value)),
            }
        }
        for a in r.spec.args.iter().filter(|a| r.position(a.wire).is_none()) {
            let Some(value) = example.get(a.wire) else {
                continue;
            };
            let long = overrides::arg(a.wire)
                .and_then(|o| o.long)
                .unwrap_or(a.long);
            match (a.kind, value) {
                (ArgKind::Flag, Value::Bool(true)) => line.push(format!("--{long}")),
                (ArgKind::Flag, _) => {}
                (_, Value::Array(items)) => {
                    for item in items {
                        line.push(format!("--{long}"));
                        line.push(text(item));
                    }
                }
                (_, value) => {
                    line.push(format!("--{long}"));
                    line.push(text(value));
                }
            }
        }
        line
    }

    /// Every generated command, given the spec's example parameters of its operation, parses
    /// into exactly that request: each parameter has its argument, of the right kind.
    #[test]
    fn every_command_reads_its_operations_example() {
        let cli = crate::cli::command();
        for r in RESOLVED.iter().filter(|r| !r.over.hand_written) {
            let op = r.spec.operation;
            let expected = AnyRequest::example(op).unwrap();
            let Value::Object(example) = expected.to_json() else {
                panic!("{op}: the example is no object");
            };
            let line = command_line(r, &example);
            let m = cli
                .clone()
                .try_get_matches_from(&line)
                .unwrap_or_else(|e| panic!("{op}: {line:?}: {e}"));
            let call = invocation(&m).unwrap_or_else(|| panic!("{op}: {line:?}"));
            assert_eq!(call.operation, op, "{line:?}");
            let request = AnyRequest::from_json(op, Value::Object(call.parameters)).unwrap();
            assert_eq!(request, expected, "{line:?}");
        }
    }

    #[test]
    fn flags_give_true_and_their_absence_nothing() {
        let cli = crate::cli::command();
        let m = cli
            .clone()
            .try_get_matches_from(["salesflow", "campaigns", "stats", "7", "--force"])
            .unwrap();
        let call = invocation(&m).unwrap();
        assert_eq!(call.parameters["isForceRequest"], Value::Bool(true));
        let m = cli
            .try_get_matches_from(["salesflow", "campaigns", "stats", "7"])
            .unwrap();
        assert!(!invocation(&m)
            .unwrap()
            .parameters
            .contains_key("isForceRequest"));
    }

    #[test]
    fn a_parsed_command_gives_the_parameters_by_their_wire_names() {
        let cli = crate::cli::command();
        let m = cli
            .try_get_matches_from([
                "salesflow",
                "contacts",
                "update",
                "46875434",
                "--first-name",
                "Jo",
            ])
            .unwrap();
        let call = invocation(&m).unwrap();
        assert_eq!(call.operation, Operation::UpdateContact);
        assert_eq!(
            Value::Object(call.parameters),
            serde_json::json!({"memberId": 46875434, "firstName": "Jo"})
        );
    }
}
