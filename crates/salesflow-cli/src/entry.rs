//! The way in: the process's arguments parsed, the runtime started, the command run and its
//! error printed (never showing a token), the exit code returned.

use std::ffi::OsString;
use std::io::IsTerminal;

use salesflow_mock::MockServer;

use crate::cli::{self, Cli, Command, MembersCmd, WebhooksCmd};
use crate::context::{output_format, select_profile, Context};
use crate::exit::{self, CliError};
use crate::logging::{init_tracing, use_color};
use crate::{call, config, config_command, import, listen, output, secrets};

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
        return config_command::run(&cli.global, output, cmd);
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
    let drift_report = cli.global.drift_report.clone();
    let ctx = Context {
        global: cli.global,
        output,
        mock,
        profile,
    };
    let result = match cli.command {
        Command::Operation(call) => call::run_operation(&ctx, call).await,
        Command::Members(MembersCmd::Import(args)) | Command::Import(args) => {
            import::run(&ctx, &args).await
        }
        Command::Webhooks(WebhooksCmd::Listen(args)) => listen::run(&ctx, &args).await,
        Command::Call(args) => call::run(&ctx, args).await,
        Command::Config(_) => unreachable!("handled above"),
        Command::Completions { shell } => completions(shell),
    };
    // Whatever the command's outcome: what was seen before a failure counts too.
    if let Some(path) = drift_report {
        crate::drift::append(&path)?;
    }
    result
}

/// `salesflow completions SHELL`: the shell's completion script on stdout.
fn completions(shell: clap_complete::Shell) -> Result<i32, CliError> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "salesflow", &mut buf);
    output::write_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(exit::SUCCESS)
}
