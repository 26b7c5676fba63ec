//! Calling an operation: its command (`salesflow campaigns stats 29854`, see
//! [`commands`](crate::commands)), or `salesflow call`: any operation by its id, parameters as
//! NAME=VALUE; `--list` lists them.

use salesflow::{AnyRequest, CallOptions, Operation};

use crate::cli::{self, CallArgs};
use crate::commands::{self, OperationCall};
use crate::context::Context;
use crate::exit::{self, CliError};
use crate::output::{self, emit};

/// `salesflow call`: any operation, parameters as NAME=VALUE.
pub(crate) async fn run(ctx: &Context, args: CallArgs) -> Result<i32, CliError> {
    let Some(op) = args.operation else {
        /// One operation in `call --list -o json`.
        #[derive(serde::Serialize)]
        struct Listed {
            operation: Operation,
            vendor_name: &'static str,
            method: &'static str,
            path: &'static str,
            command: String,
        }
        let listed: Vec<Listed> = Operation::ALL
            .iter()
            .map(|op| Listed {
                operation: *op,
                vendor_name: op.vendor_name(),
                method: op.method(),
                path: op.path(),
                command: cli::command_of(*op)
                    .map(|path| format!("salesflow {}", path.join(" ")))
                    .unwrap_or_else(|| format!("salesflow call {op}")),
            })
            .collect();
        emit(ctx.output, &listed, || {
            let mut table = output::Table::new(&["OPERATION", "VENDOR NAME", "HTTP", "COMMAND"]);
            for l in &listed {
                table.row(vec![
                    l.operation.id().to_owned(),
                    l.vendor_name.to_owned(),
                    format!("{} {}", l.method, l.path),
                    l.command.clone(),
                ]);
            }
            table
        })?;
        return Ok(exit::SUCCESS);
    };
    let parameters: serde_json::Map<String, serde_json::Value> =
        args.parameters.into_iter().collect();
    let request = AnyRequest::from_json(op, serde_json::Value::Object(parameters))
        .map_err(|e| CliError::usage(e.to_string()))?;
    let answer = request
        .send_json(&ctx.client()?, CallOptions::default())
        .await?;
    emit(ctx.output, &answer, || output::table_of_json(&answer))?;
    Ok(exit::SUCCESS)
}

/// An operation's command: calls the operation and prints its answer, JSON or a table.
///
/// # Errors
///
/// A usage error for parameters the SDK refuses (or none given where the overrides want
/// one), or the SDK's error.
pub(crate) async fn run_operation(ctx: &Context, call: OperationCall) -> Result<i32, CliError> {
    let (request, table) = commands::prepare(call)?;
    let answer = request
        .send_json(&ctx.client()?, CallOptions::default())
        .await?;
    emit(ctx.output, &answer, || table.of(&answer))?;
    Ok(exit::SUCCESS)
}
