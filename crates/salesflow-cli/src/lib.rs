//! The `salesflow` command line tool: every operation of the Salesflow API (LinkedIn outreach
//! automation) from the shell, a resumable CSV bulk import, and a webhook receiver.
//!
//! # What it is for
//!
//! The binary `salesflow` (its `main` only calls [`main_entry`]); this library holds its
//! logic so that it can be tested: the command line ([`cli`]), output ([`output`]), exit codes
//! ([`exit`]), the CSV import with its resume journal ([`import`]) and the webhook listener
//! ([`listen`]).
//!
//! # What it is not
//!
//! Not an SDK: every API call goes through the `salesflow` crate (no HTTP request is built
//! here), and programs should use that crate rather than this one. Its Rust API is not
//! stable; the command line, its JSON output and its exit codes are.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// `eprintln!` unless `--quiet`: for progress, notes and summaries (not for errors and
/// warnings, which are always printed).
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::output::quiet() {
            eprintln!($($arg)*);
        }
    };
}

pub mod cli;
pub mod commands;
pub mod config;
pub mod csvread;
pub mod exit;
pub mod import;
pub mod listen;
pub mod output;
pub mod overrides;
pub mod secrets;

use std::ffi::{OsStr, OsString};
use std::io::IsTerminal;

use salesflow::{AnyRequest, ApiToken, CallOptions, Client, Operation};
use salesflow_mock::MockServer;

use crate::cli::{
    CallArgs, Cli, Command, ConfigAddArgs, ConfigCmd, GlobalArgs, MembersCmd, OutputFormat,
    WebhooksCmd,
};
use crate::config::Config;
use crate::exit::CliError;
use crate::output::emit;

/// Runs the command line `args` (the first item is the program name) and returns the exit
/// code. Parses the arguments, starts a tokio runtime, runs the subcommand, prints errors on
/// stderr.
pub fn main_entry_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    secrets::register_from_command_line(&args);
    let cli = match cli::parse_from(args.iter().cloned()) {
        Ok(cli) => cli,
        Err(e) => {
            print_parse_error(&e, &args);
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::API_ERROR;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", secrets::redact(&e.message));
            e.code
        }
    }
}

/// Prints clap's error for the command line `args`, never showing a token: a token that
/// starts with `-` after `--token`, which clap takes for a flag and quotes, gets a message
/// of its own; a variable that is not UTF-8 is named; anything else clap says is redacted.
fn print_parse_error(e: &clap::Error, args: &[OsString]) {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return;
    }
    let dash_token = args
        .windows(2)
        .any(|w| w[0] == "--token" && w[1].to_string_lossy().starts_with('-'));
    if dash_token {
        eprintln!(
            "error: --token needs a value; give a token that starts with `-` as --token=TOKEN \
             (or in {})",
            salesflow::ENV_TOKEN
        );
        return;
    }
    if e.kind() == ErrorKind::InvalidUtf8 {
        let variables = [
            salesflow::ENV_TOKEN,
            salesflow::ENV_ACCOUNT_ID,
            salesflow::ENV_BASE_URL,
            config::ENV_PROFILE,
        ];
        if let Some(name) = variables
            .into_iter()
            .find(|v| matches!(std::env::var(v), Err(std::env::VarError::NotUnicode(_))))
        {
            eprintln!("error: the environment variable {name} is not valid UTF-8");
            return;
        }
    }
    let text = e.render().to_string();
    let redacted = secrets::redact(&text);
    if redacted == text {
        let _ = e.print();
    } else {
        eprint!("{redacted}");
    }
}

/// [`main_entry_with`] on the process's arguments.
pub fn main_entry() -> i32 {
    main_entry_with(std::env::args_os())
}

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

/// The crates of the HTTP stack (`reqwest`, `hyper`, `hyper_util`, `hyper_rustls`, `h2`,
/// `rustls`, `tokio_rustls`, `native_tls`, `tower`, `want`), whose logs may show URLs (and so
/// the token in a query string): off unless a directive of the filter names one of them
/// (`hyper=debug`, `reqwest::connect=trace`); a bare level (`trace`) or a span filter
/// (`[salesflow.attempt]=trace`) never turns them on. Whatever they log goes through the
/// same redaction as the rest ([`secrets::RedactedStderr`]).
pub const SILENCED_LOG_TARGETS: [&str; 10] = [
    "reqwest",
    "hyper",
    "hyper_util",
    "hyper_rustls",
    "h2",
    "rustls",
    "tokio_rustls",
    "native_tls",
    "tower",
    "want",
];

/// The HTTP-stack crate (of [`SILENCED_LOG_TARGETS`]) that `target` belongs to, if any.
fn http_stack_crate(target: &str) -> Option<&'static str> {
    let krate = target.split("::").next().unwrap_or(target);
    SILENCED_LOG_TARGETS.iter().copied().find(|t| *t == krate)
}

/// The log filter: `rust_log` (the `RUST_LOG` variable) when set and not empty, else one
/// chosen by the number of `-v` (none without `-v`: nothing is logged); with each crate of
/// [`SILENCED_LOG_TARGETS`] that no directive names turned off, and the list of those that
/// a directive does name (the only ones that may log).
pub fn log_filter(rust_log: Option<&str>, verbose: u8) -> Option<(String, Vec<&'static str>)> {
    let base = match rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        Some(env) => env.to_owned(),
        None => match verbose {
            0 => return None,
            // One line per request (the SDK's debug event, inside its `salesflow.request`
            // span whose fields are the summary: operation, ids, HTTP status, attempt,
            // duration).
            1 => "salesflow=debug,salesflow_cli=debug".to_owned(),
            _ => "salesflow=trace,salesflow_cli=trace,salesflow_mock=debug".to_owned(),
        },
    };
    let mut directives: Vec<String> = base
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    let named: Vec<&'static str> = directives
        .iter()
        .filter_map(|d| http_stack_crate(d.split(['=', '[']).next().unwrap_or_default()))
        .collect();
    directives.extend(
        SILENCED_LOG_TARGETS
            .iter()
            .filter(|t| !named.contains(t))
            .map(|t| format!("{t}=off")),
    );
    Some((directives.join(","), named))
}

/// Whether to colour what goes to a stream: `--color always` / `never`, else (`auto`) when
/// the stream is a terminal and `NO_COLOR` is not set to a non-empty value
/// (<https://no-color.org>).
pub fn use_color(choice: clap::ColorChoice, no_color: Option<&OsStr>, terminal: bool) -> bool {
    match choice {
        clap::ColorChoice::Always => true,
        clap::ColorChoice::Never => false,
        clap::ColorChoice::Auto => terminal && no_color.is_none_or(OsStr::is_empty),
    }
}

fn init_tracing(verbose: u8, ansi: bool) {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let rust_log = std::env::var("RUST_LOG").ok();
    let Some((filter, named)) = log_filter(rust_log.as_deref(), verbose) else {
        return;
    };
    let filter = match tracing_subscriber::EnvFilter::try_new(&filter) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("warning: RUST_LOG is not a valid log filter ({e}): logging is off");
            return;
        }
    };
    // A span filter enables every event inside the span, whatever the targets' own
    // directives say: the HTTP stack is kept off by a filter of its own.
    let http_stack = tracing_subscriber::filter::filter_fn(move |meta| {
        http_stack_crate(meta.target()).is_none_or(|c| named.contains(&c))
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(secrets::RedactedStderr)
        .with_ansi(ansi)
        // With RUST_LOG, which filters by target, show the targets.
        .with_target(rust_log.is_some_and(|s| !s.trim().is_empty()))
        .finish()
        .with(http_stack)
        .try_init();
}

/// Runs a parsed command line and returns the exit code.
///
/// # Errors
///
/// A [`CliError`] carrying the exit code, for the caller to print.
pub async fn run(cli: Cli) -> Result<i32, CliError> {
    output::set_quiet(cli.global.quiet);
    let no_color = std::env::var_os("NO_COLOR");
    init_tracing(
        cli.global.verbose,
        use_color(
            cli.global.color,
            no_color.as_deref(),
            std::io::stderr().is_terminal(),
        ),
    );
    let output = output_format(cli.global.output);
    if let Command::Config(cmd) = cli.command {
        return config_command(&cli.global, output, cmd);
    }
    let profile = select_profile(&cli)?;
    let mock = if cli.global.mock {
        let server = MockServer::start_with(salesflow_mock::Seed::Demo)
            .await
            .map_err(|e| CliError::api(format!("cannot start the mock server: {e}")))?;
        note!(
            "note: using the in-process mock server at {} (demo data; nothing leaves this machine)",
            server.base_url()
        );
        let profile_url = profile
            .as_ref()
            .is_some_and(|s| s.profile.base_url.is_some());
        if cli.global.base_url.is_some() || profile_url {
            note!("note: --mock: the base URL (--base-url, SALESFLOW_BASE_URL or the profile's) is ignored");
        }
        Some(server)
    } else {
        None
    };
    let ctx = Context {
        global: cli.global,
        output,
        mock,
        profile,
    };
    match cli.command {
        Command::Operation(call) => commands::run(&ctx, call).await,
        Command::Members(MembersCmd::Import(args)) | Command::Import(args) => {
            import::run(&ctx, &args).await
        }
        Command::Webhooks(WebhooksCmd::Listen(args)) => listen::run(&ctx, &args).await,
        Command::Call(args) => call(&ctx, args).await,
        Command::Config(_) => unreachable!("handled above"),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cli::command(), "salesflow", &mut buf);
            output::write_stdout(&String::from_utf8_lossy(&buf))?;
            Ok(exit::SUCCESS)
        }
    }
}

/// The profile in force for a command that talks to the API: the one named by `--profile` /
/// `SALESFLOW_PROFILE`, else the file's default (not with `--mock`, whose point is to need
/// no credentials), else none. Commands that need no client read no file.
fn select_profile(cli: &Cli) -> Result<Option<config::Selected>, CliError> {
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

/// `salesflow config ...`.
fn config_command(
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

/// `salesflow call`: any operation, parameters as NAME=VALUE.
async fn call(ctx: &Context, args: CallArgs) -> Result<i32, CliError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_filter_follows_rust_log_then_verbosity_and_keeps_the_http_stack_off() {
        assert_eq!(log_filter(None, 0), None);
        assert_eq!(log_filter(Some("  "), 0), None);
        let off = SILENCED_LOG_TARGETS.map(|t| format!("{t}=off")).join(",");
        assert_eq!(
            log_filter(None, 1).unwrap(),
            (format!("salesflow=debug,salesflow_cli=debug,{off}"), vec![])
        );
        assert!(log_filter(None, 2)
            .unwrap()
            .0
            .starts_with("salesflow=trace"));
        // RUST_LOG wins over -v; a crate of the HTTP stack is on only when named.
        let (filter, named) =
            log_filter(Some("salesflow=info,reqwest=trace,hyper::proto=debug"), 2).unwrap();
        assert_eq!(named, ["reqwest", "hyper"]);
        assert!(
            filter.starts_with("salesflow=info,reqwest=trace,hyper::proto=debug,"),
            "{filter}"
        );
        assert!(
            !filter.contains("reqwest=off") && !filter.contains("hyper=off"),
            "{filter}"
        );
        assert!(
            filter.contains("hyper_util=off") && filter.contains("h2=off"),
            "{filter}"
        );
        assert_eq!(
            log_filter(Some("trace"), 0).unwrap(),
            (format!("trace,{off}"), vec![])
        );
        assert_eq!(
            log_filter(Some("[salesflow.attempt]=trace"), 0).unwrap(),
            (format!("[salesflow.attempt]=trace,{off}"), vec![])
        );
        for f in [log_filter(Some("trace"), 0), log_filter(None, 2)] {
            assert!(tracing_subscriber::EnvFilter::try_new(f.unwrap().0).is_ok());
        }
        assert_eq!(
            http_stack_crate("hyper_util::client::legacy"),
            Some("hyper_util")
        );
        assert_eq!(http_stack_crate("rustls"), Some("rustls"));
        assert_eq!(http_stack_crate("hyperion"), None);
        assert_eq!(http_stack_crate("salesflow"), None);
    }
}
