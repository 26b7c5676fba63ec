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

pub mod cli;
pub mod exit;
pub mod import;
pub mod listen;
pub mod output;

use std::ffi::OsString;
use std::io::IsTerminal;

use clap::{CommandFactory, Parser};
use salesflow::{AnyRequest, CallOptions, Client, Operation};
use salesflow_mock::MockServer;

use crate::cli::{
    AccountsCmd, CallArgs, CampaignsCmd, Cli, Command, ContactsCmd, GlobalArgs, MembersCmd,
    OutputFormat, WebhooksCmd,
};
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
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
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
            eprintln!("error: {e}");
            e.code
        }
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
}

impl Context {
    /// The client for the configured credentials and base URL (the mock's with `--mock`).
    ///
    /// # Errors
    ///
    /// A usage error without a token, or with a base URL the SDK rejects.
    pub fn client(&self) -> Result<Client, CliError> {
        let g = &self.global;
        let mut builder = Client::builder();
        let token = match (&g.token, &self.mock) {
            (Some(t), _) => t.clone(),
            (None, Some(_)) => salesflow_mock::DEMO_TOKEN.to_owned(),
            (None, None) => {
                return Err(CliError::usage(
                    "no API token: pass --token or set SALESFLOW_TOKEN (or try --mock)",
                ))
            }
        };
        builder = builder.token(token);
        let account = g
            .account_id
            .or(self.mock.as_ref().map(|_| salesflow_mock::DEMO_ACCOUNT_ID));
        if let Some(id) = account {
            builder = builder.account_id(id);
        }
        match (&self.mock, &g.base_url) {
            (Some(mock), _) => builder = builder.base_url(mock.base_url()),
            (None, Some(url)) => builder = builder.base_url(url.trim()),
            (None, None) => {}
        }
        if let Some(t) = g.timeout {
            builder = builder.timeout(t);
        }
        Ok(builder.build()?)
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

/// The crates whose logs stay off whatever the filter says: the HTTP stack, whose records
/// may show URLs, and so the token in a query string.
pub const SILENCED_LOG_TARGETS: [&str; 4] = ["reqwest", "hyper", "hyper_util", "h2"];

/// The log filter: `rust_log` (the `RUST_LOG` variable) when set and not empty, else one
/// chosen by the number of `-v` (none without `-v`: nothing is logged). Directives for
/// [`SILENCED_LOG_TARGETS`] are dropped and those targets turned off.
pub fn log_filter(rust_log: Option<&str>, verbose: u8) -> Option<String> {
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
        .filter(|d| {
            let target = d.split(['=', '[']).next().unwrap_or_default();
            !SILENCED_LOG_TARGETS
                .iter()
                .any(|t| target == *t || target.starts_with(&format!("{t}::")))
        })
        .map(str::to_owned)
        .collect();
    directives.extend(SILENCED_LOG_TARGETS.iter().map(|t| format!("{t}=off")));
    Some(directives.join(","))
}

fn init_tracing(verbose: u8) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let Some(filter) = log_filter(rust_log.as_deref(), verbose) else {
        return;
    };
    let filter = match tracing_subscriber::EnvFilter::try_new(&filter) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("warning: RUST_LOG is not a valid log filter ({e}): logging is off");
            return;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        // With RUST_LOG, which filters by target, show the targets.
        .with_target(rust_log.is_some_and(|s| !s.trim().is_empty()))
        .try_init();
}

/// Runs a parsed command line and returns the exit code.
///
/// # Errors
///
/// A [`CliError`] carrying the exit code, for the caller to print.
pub async fn run(cli: Cli) -> Result<i32, CliError> {
    init_tracing(cli.global.verbose);
    let output = output_format(cli.global.output);
    let mock = if cli.global.mock {
        let server = MockServer::start_with(salesflow_mock::Seed::Demo)
            .await
            .map_err(|e| CliError::api(format!("cannot start the mock server: {e}")))?;
        eprintln!(
            "note: using the in-process mock server at {} (demo data; nothing leaves this machine)",
            server.base_url()
        );
        if cli.global.base_url.is_some() {
            eprintln!("note: --mock: --base-url / SALESFLOW_BASE_URL is ignored");
        }
        Some(server)
    } else {
        None
    };
    let ctx = Context {
        global: cli.global,
        output,
        mock,
    };
    match cli.command {
        Command::Campaigns(cmd) => campaigns(&ctx, cmd).await,
        Command::Contacts(cmd) => contacts(&ctx, cmd).await,
        Command::Members(MembersCmd::Import(args)) | Command::Import(args) => {
            import::run(&ctx, &args).await
        }
        Command::Accounts(AccountsCmd::List) => {
            let accounts = ctx.client()?.list_accounts().await?;
            emit(output, &accounts, || output::accounts_table(&accounts))?;
            Ok(exit::SUCCESS)
        }
        Command::Webhooks(cmd) => webhooks(&ctx, cmd).await,
        Command::Call(args) => call(&ctx, args).await,
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "salesflow", &mut buf);
            output::write_stdout(&String::from_utf8_lossy(&buf))?;
            Ok(exit::SUCCESS)
        }
    }
}

async fn campaigns(ctx: &Context, cmd: CampaignsCmd) -> Result<i32, CliError> {
    let client = ctx.client()?;
    let out = ctx.output;
    match cmd {
        CampaignsCmd::List { updated_from } => {
            let mut call = client.list_campaigns();
            if let Some(d) = updated_from {
                call = call.updated_from_date(d);
            }
            let list = call.await?;
            emit(out, &list, || output::campaigns_table(&list))?;
        }
        CampaignsCmd::Stats { campaign_id, force } => {
            let mut call = client.get_campaign_statistics(campaign_id);
            if force {
                call = call.is_force_request(true);
            }
            let stats = call.await?;
            emit(out, &stats, || output::record_of(&stats))?;
        }
        CampaignsCmd::Start { campaign_id } => {
            let msg = client.start_campaign(campaign_id).await?;
            emit(out, &msg, || output::status_table(&msg))?;
        }
    }
    Ok(exit::SUCCESS)
}

async fn contacts(ctx: &Context, cmd: ContactsCmd) -> Result<i32, CliError> {
    let client = ctx.client()?;
    let out = ctx.output;
    match cmd {
        ContactsCmd::Get { member_id } => {
            let c = client.get_contact(member_id).await?;
            emit(out, &c, || output::record_of(&c))?;
        }
        ContactsCmd::GetByIdentifier { public_identifier } => {
            let c = client
                .get_contact_by_public_identifier(public_identifier)
                .await?;
            emit(out, &c, || output::record_of(&c))?;
        }
        ContactsCmd::Find {
            public_identifiers,
            updated_from,
        } => {
            let mut call = client.list_contacts_by_public_identifiers(public_identifiers);
            if let Some(d) = updated_from {
                call = call.updated_from_date(d);
            }
            let list = call.await?;
            emit(out, &list, || output::contacts_table(&list))?;
        }
        ContactsCmd::List {
            campaign,
            updated_from,
        } => {
            let mut call = client.list_contacts_by_campaign(campaign);
            if let Some(d) = updated_from {
                call = call.updated_from_date(d);
            }
            let list = call.await?;
            emit(out, &list, || output::contacts_table(&list))?;
        }
        ContactsCmd::Update {
            member_id,
            first_name,
            last_name,
            location,
            occupation,
            industry,
            email,
            phone,
        } => {
            let fields = [
                first_name, last_name, location, occupation, industry, email, phone,
            ];
            if fields.iter().all(Option::is_none) {
                return Err(CliError::usage(
                    "nothing to update: give at least one of --first-name, --last-name, \
                     --location, --occupation, --industry, --email, --phone",
                ));
            }
            let [first_name, last_name, location, occupation, industry, email, phone] = fields;
            let mut call = client.update_contact(member_id);
            if let Some(v) = first_name {
                call = call.first_name(v);
            }
            if let Some(v) = last_name {
                call = call.last_name(v);
            }
            if let Some(v) = location {
                call = call.location(v);
            }
            if let Some(v) = occupation {
                call = call.occupation(v);
            }
            if let Some(v) = industry {
                call = call.industry(v);
            }
            if let Some(v) = email {
                call = call.email(v);
            }
            if let Some(v) = phone {
                call = call.phone(v);
            }
            let c = call.await?;
            emit(out, &c, || output::record_of(&c))?;
        }
        ContactsCmd::Delete { member_id } => {
            let msg = client.delete_contact(member_id).await?;
            emit(out, &msg, || output::status_table(&msg))?;
        }
    }
    Ok(exit::SUCCESS)
}

async fn webhooks(ctx: &Context, cmd: WebhooksCmd) -> Result<i32, CliError> {
    let out = ctx.output;
    match cmd {
        WebhooksCmd::List => {
            let list = ctx.client()?.list_webhooks().await?;
            emit(out, &list, || output::webhooks_table(&list))?;
        }
        WebhooksCmd::Create {
            name,
            url,
            disable_for_muted,
        } => {
            let mut call = ctx.client()?.create_webhook(name, url);
            if disable_for_muted {
                call = call.disable_for_muted_contacts(true);
            }
            let created = call.await?;
            emit(out, &created, || {
                output::webhooks_table(std::slice::from_ref(&created))
            })?;
        }
        WebhooksCmd::Delete { webhook_id } => {
            let msg = ctx.client()?.delete_webhook(webhook_id).await?;
            emit(out, &msg, || output::status_table(&msg))?;
        }
        WebhooksCmd::Attach {
            webhook_id,
            campaign,
            run_on,
        } => {
            let a = ctx
                .client()?
                .attach_webhook(webhook_id, campaign, run_on)
                .await?;
            emit(out, &a, || output::attachment_table(&a))?;
        }
        WebhooksCmd::Detach {
            webhook_campaign_id,
        } => {
            let msg = ctx.client()?.detach_webhook(webhook_campaign_id).await?;
            emit(out, &msg, || output::status_table(&msg))?;
        }
        WebhooksCmd::Listen(args) => return listen::run(ctx, &args).await,
    }
    Ok(exit::SUCCESS)
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
        let off = "reqwest=off,hyper=off,hyper_util=off,h2=off";
        assert_eq!(
            log_filter(None, 1).unwrap(),
            format!("salesflow=debug,salesflow_cli=debug,{off}")
        );
        assert!(log_filter(None, 2).unwrap().starts_with("salesflow=trace"));
        // RUST_LOG wins over -v, and cannot turn the HTTP stack on.
        assert_eq!(
            log_filter(Some("salesflow=info,reqwest=trace,hyper::proto=debug"), 2).unwrap(),
            format!("salesflow=info,{off}")
        );
        assert_eq!(
            log_filter(Some("trace"), 0).unwrap(),
            format!("trace,{off}")
        );
        for f in [log_filter(Some("trace"), 0), log_filter(None, 2)] {
            assert!(tracing_subscriber::EnvFilter::try_new(f.unwrap()).is_ok());
        }
    }
}
