//! `salesflow config ...`: the profiles of the configuration file (path, list, add, remove).

use std::io::IsTerminal;

use salesflow::ApiToken;

use crate::cli::{ConfigAddArgs, ConfigCmd, GlobalArgs, OutputFormat};
use crate::config::{self, Config};
use crate::exit::{self, CliError};
use crate::output::{self, emit};
use crate::secrets;

/// `salesflow config ...`.
pub(crate) fn run(
    global: &GlobalArgs,
    output: OutputFormat,
    cmd: ConfigCmd,
) -> Result<i32, CliError> {
    let path = config::path()?;
    match cmd {
        ConfigCmd::Path => output::write_stdout(&format!("{}\n", path.display()))?,
        ConfigCmd::List => {
            let config = Config::load(&path)?;
            let listed = config.listing();
            emit(output, &listed, || {
                let mut t =
                    output::Table::new(&["NAME", "DEFAULT", "ACCOUNT ID", "BASE URL", "TOKEN"]);
                for p in &listed {
                    t.row(vec![
                        p.name.clone(),
                        if p.default { "*" } else { "" }.to_owned(),
                        p.account_id.map(|id| id.to_string()).unwrap_or_default(),
                        p.base_url.clone().unwrap_or_default(),
                        p.token.unwrap_or("(none)").to_owned(),
                    ]);
                }
                t
            })?;
            if listed.is_empty() {
                note!(
                    "no profiles in {} (add one with `salesflow config add NAME --token-stdin \
                     --account-id ID`)",
                    path.display()
                );
            }
        }
        ConfigCmd::Add(args) => config_add(global, &path, &args)?,
        ConfigCmd::Remove { name } => {
            let was_default = config::remove_profile(&path, &name)?;
            note!("removed profile `{name}` from {}", path.display());
            if was_default {
                note!("it was the default profile: there is none now (set one with `config add NAME --default --replace ...`, or use --profile)");
            }
        }
    }
    Ok(exit::SUCCESS)
}

fn config_add(
    global: &GlobalArgs,
    path: &std::path::Path,
    args: &ConfigAddArgs,
) -> Result<(), CliError> {
    let given = global.on_command_line;
    let token = match (
        args.token_stdin,
        given.token.then_some(global.token.as_ref()).flatten(),
    ) {
        (true, Some(_)) => {
            return Err(CliError::usage(
                "give the token with --token-stdin or --token, not both",
            ))
        }
        (true, None) => read_token_from_stdin()?,
        (false, Some(t)) => {
            note!("note: a token given as --token may stay in the shell's history; --token-stdin avoids that");
            t.clone()
        }
        (false, None) => {
            return Err(CliError::usage(
                "no token: give it with --token-stdin (read from standard input) or --token \
                 (SALESFLOW_TOKEN is not saved)",
            ))
        }
    };
    secrets::register(&token);
    if let Some(problem) = token.problem() {
        return Err(CliError::usage(problem));
    }
    let account_id = global.account_id.filter(|_| given.account_id);
    let base_url = global
        .base_url
        .as_deref()
        .filter(|_| given.base_url)
        .map(str::trim);
    let added = config::add_profile(
        path,
        &config::NewProfile {
            name: &args.name,
            token: &token,
            account_id,
            base_url,
            make_default: args.default,
            replace: args.replace,
        },
    )?;
    let (done, to) = if added.replaced {
        ("replaced", "in")
    } else {
        ("added", "to")
    };
    let account = account_id
        .map(|id| format!(" (account {id})"))
        .unwrap_or_default();
    let default = if added.is_default {
        "; it is the default profile"
    } else {
        ""
    };
    note!(
        "{done} profile `{}`{account} {to} {}{default}",
        args.name,
        path.display()
    );
    if account_id.is_none() {
        note!("note: no --account-id: every command but `accounts list` will need one (--account-id or SALESFLOW_ACCOUNT_ID)");
    }
    Ok(())
}

/// The first line of standard input, trimmed, as a token.
fn read_token_from_stdin() -> Result<ApiToken, CliError> {
    use std::io::BufRead;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        // The terminal echoes what is typed: say so, and how to avoid it.
        eprint!("token (shown as typed; pipe it in to avoid that): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::usage(format!("cannot read the token from standard input: {e}")))?;
    Ok(ApiToken::new(line.trim()))
}
