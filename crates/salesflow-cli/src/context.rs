//! What every command may need ([`Context`]): the global flags, the output format, the
//! profile of the configuration file in force and, with `--mock`, the in-process mock; and
//! the client built from them.

use std::io::IsTerminal;

use salesflow::{ApiToken, Client};
use salesflow_mock::MockServer;

use crate::cli::{Cli, Command, GlobalArgs, OutputFormat};
use crate::config::{self, Config};
use crate::exit::CliError;
use crate::secrets;

/// What every subcommand may need: the output format and, built on demand, the client
/// (and the in-process mock it talks to, with `--mock`).
pub struct Context {
    /// The global flags.
    pub global: GlobalArgs,
    /// The output format in force.
    pub output: OutputFormat,
    /// The in-process mock server, with `--mock`.
    pub mock: Option<MockServer>,
    /// The profile of the configuration file in force, if any.
    pub profile: Option<config::Selected>,
}

impl Context {
    /// The client for the configured credentials and base URL (the mock's with `--mock`).
    /// Each setting comes from its flag, else its environment variable, else the profile.
    ///
    /// # Errors
    ///
    /// A usage error without a token, or with a base URL the SDK rejects.
    pub fn client(&self) -> Result<Client, CliError> {
        Ok(self.client_builder()?.build()?)
    }

    /// The builder of [`client`](Self::client), for a command that adds to it (pacing).
    ///
    /// # Errors
    ///
    /// As [`client`](Self::client), but for the errors of `build`.
    pub fn client_builder(&self) -> Result<salesflow::ClientBuilder, CliError> {
        let g = &self.global;
        let profile = self.profile.as_ref().map(|s| &s.profile);
        let mut builder = Client::builder();
        let token = match (&g.token, profile.and_then(|p| p.token.as_ref()), &self.mock) {
            (Some(t), _, _) | (None, Some(t), _) => t.clone(),
            (None, None, Some(_)) => ApiToken::new(salesflow_mock::DEMO_TOKEN),
            (None, None, None) => {
                return Err(CliError::usage(match &self.profile {
                    Some(s) => format!(
                        "no API token: profile `{}` of {} has none; pass --token or set \
                         SALESFLOW_TOKEN",
                        s.name,
                        s.path.display()
                    ),
                    None => "no API token: pass --token, set SALESFLOW_TOKEN or add a profile \
                             with `salesflow config add` (or try --mock)"
                        .to_owned(),
                }))
            }
        };
        secrets::register(&token);
        builder = builder.api_token(token);
        let account = g
            .account_id
            .or(profile.and_then(|p| p.account_id))
            .or(self.mock.as_ref().map(|_| salesflow_mock::DEMO_ACCOUNT_ID));
        if let Some(id) = account {
            builder = builder.account_id(id);
        }
        let base_url = g
            .base_url
            .as_ref()
            .or(profile.and_then(|p| p.base_url.as_ref()));
        match (&self.mock, base_url) {
            (Some(mock), _) => builder = builder.base_url(mock.base_url()),
            (None, Some(url)) => builder = builder.base_url(url.trim()),
            (None, None) => {}
        }
        if let Some(t) = g.timeout {
            builder = builder.timeout(t);
        }
        Ok(builder)
    }
}

/// The output format: `--output`, else a table on a terminal and JSON otherwise.
pub fn output_format(flag: Option<OutputFormat>) -> OutputFormat {
    flag.unwrap_or_else(|| {
        if std::io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        }
    })
}

/// The profile in force for a command that talks to the API: the one named by `--profile` /
/// `SALESFLOW_PROFILE`, else the file's default (not with `--mock`, whose point is to need
/// no credentials), else none. Commands that need no client read no file.
pub(crate) fn select_profile(cli: &Cli) -> Result<Option<config::Selected>, CliError> {
    let g = &cli.global;
    let needs_client = match &cli.command {
        Command::Completions { .. } | Command::Config(_) => false,
        Command::Call(args) => args.operation.is_some(),
        _ => true,
    };
    if !needs_client || (g.mock && g.profile.is_none()) {
        return Ok(None);
    }
    let config = Config::load(&config::path()?)?;
    let Some(selected) = config.select(g.profile.as_deref())? else {
        return Ok(None);
    };
    tracing::debug!(
        profile = %selected.name,
        config = %selected.path.display(),
        "using a profile of the configuration file"
    );
    if selected.explicit {
        let p = &selected.profile;
        let overridden: Vec<&str> = [
            (g.token.is_some() && p.token.is_some(), "token"),
            (
                g.account_id.is_some() && p.account_id.is_some(),
                "account id",
            ),
            (g.base_url.is_some() && p.base_url.is_some(), "base URL"),
        ]
        .into_iter()
        .filter_map(|(overridden, what)| overridden.then_some(what))
        .collect();
        if !overridden.is_empty() {
            note!(
                "note: profile `{}`: its {} overridden by a flag or an environment variable",
                selected.name,
                match overridden.as_slice() {
                    [one] => format!("{one} is"),
                    more => format!("{} are", more.join(", ")),
                }
            );
        }
    }
    Ok(Some(selected))
}
