//! The command line: global flags and the subcommands of the tool itself (clap derive),
//! grouped by the vendor's concepts, plus the commands of the API's operations, which are
//! built from the spec ([`crate::commands`], worded by [`crate::overrides`]); [`command`] is
//! the whole of it.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{
    ArgMatches, Args, ColorChoice, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};
use salesflow::{AccountId, ApiToken, CampaignId, FlexibleDate, Operation};

use crate::commands::OperationCall;
use crate::config::parse_profile_name;
pub use crate::output::OutputFormat;
pub use crate::overrides::parse_run_on;

const MAIN_EXAMPLES: &str = "\
Examples:
  salesflow --mock campaigns list                 # try it against the built-in mock
  salesflow --mock import contacts.csv --campaign 29854
  export SALESFLOW_TOKEN=... SALESFLOW_ACCOUNT_ID=321
  salesflow campaigns stats 29854 --output json | jq .Total
  salesflow config add sales --token-stdin --account-id 321 < token.txt
  salesflow --profile sales campaigns list
  salesflow webhooks listen --port 3000

Configuration: the token, account id and base URL (one URL for both vendor hosts) come from,
in this order: the flags (--token, --account-id, --base-url), the environment variables
(SALESFLOW_TOKEN, SALESFLOW_ACCOUNT_ID, SALESFLOW_BASE_URL), then the selected profile of the
configuration file (--profile NAME or SALESFLOW_PROFILE, else its default_profile). The file
is $SALESFLOW_CONFIG, else config.toml in the platform's configuration directory (see
`salesflow config path`); `salesflow config add|list|remove` manage it. With --mock, the
default profile is not used (only one selected with --profile). The token is never printed,
not even with --verbose.

Output: a table when stdout is a terminal, JSON otherwise (override with --output). JSON is
the SDK's types with the vendor's PascalCase field names. Colour (in --verbose logs and help):
--color auto (the default: when the output is a terminal and NO_COLOR is not set), always or
never. --quiet leaves out progress, notes and summaries on stderr; errors and warnings are
still printed, and stdout is the same.";

/// The main help's closing text: [`MAIN_EXAMPLES`], then the exit codes as
/// [`EXIT_CODES_HELP`](crate::exit::EXIT_CODES_HELP) words them (the one place they are).
static MAIN_AFTER_HELP: LazyLock<String> =
    LazyLock::new(|| format!("{MAIN_EXAMPLES}\n\n{}", crate::exit::EXIT_CODES_HELP));

/// What `salesflow --version` prints after the name: the crate version and the version of
/// the vendor API it speaks, e.g. `0.1.0 (Salesflow API 1.7)`.
pub fn version_text() -> &'static str {
    static TEXT: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{} (Salesflow API {})",
            env!("CARGO_PKG_VERSION"),
            salesflow::API_VERSION
        )
    });
    TEXT.as_str()
}

/// The `salesflow` command: every Salesflow API operation from the shell, and CSV bulk
/// imports.
#[derive(Debug, Parser)]
#[command(
    name = "salesflow",
    version = version_text(),
    about = "Salesflow API (LinkedIn outreach automation) from the command line",
    after_help = MAIN_AFTER_HELP.as_str(),
    propagate_version = true
)]
pub struct Cli {
    /// Flags accepted by every subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted by every subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// API token (per LinkedIn account: Settings > LinkedIn account settings > Account API
    /// token). Never printed. Whitespace around it is dropped; one that starts with `-` is
    /// given as --token=TOKEN.
    #[arg(
        long,
        env = "SALESFLOW_TOKEN",
        hide_env_values = true,
        global = true,
        value_parser = parse_token
    )]
    pub token: Option<ApiToken>,

    /// The account id the token was issued for (needed by everything but `accounts list`).
    #[arg(long, env = "SALESFLOW_ACCOUNT_ID", global = true, value_name = "ID")]
    pub account_id: Option<AccountId>,

    /// One base URL for both vendor hosts (a proxy, a local mock), e.g.
    /// http://127.0.0.1:8080/api.
    #[arg(long, env = "SALESFLOW_BASE_URL", global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Timeout of one request: seconds, or a number with `ms`, `s` or `m` (default 30s).
    #[arg(long, global = true, value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,

    /// Output format [default: table when stdout is a terminal, json otherwise].
    #[arg(long, short = 'o', global = true, value_enum)]
    pub output: Option<OutputFormat>,

    /// Print a summary of every request (operation, ids, HTTP status, duration) on stderr;
    /// -vv also the trace-level events of this tool's crates. RUST_LOG, when set, is the log
    /// filter instead (e.g. RUST_LOG=salesflow=debug). The HTTP stack's own logs (reqwest,
    /// hyper, h2, rustls...) stay off unless RUST_LOG names their crate (RUST_LOG=hyper=debug),
    /// whatever level or span filter it gives. The token never shows in any of them.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Start an in-process mock server seeded with demo data and use it (with the demo
    /// token and account unless --token/--account-id are given). Nothing leaves the
    /// machine. Demo campaign ids: 29854 (running), 29889 (paused), 29890 (no members).
    #[arg(long, global = true)]
    pub mock: bool,

    /// The profile of the configuration file to use [default: the file's default_profile].
    /// Flags and environment variables override its settings.
    #[arg(long, env = "SALESFLOW_PROFILE", global = true, value_name = "NAME", value_parser = parse_profile_name)]
    pub profile: Option<String>,

    /// Leave out progress, notes and summaries on stderr (errors and warnings are still
    /// printed; stdout is unchanged).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    /// Colour in logs and help: auto (when the output is a terminal and NO_COLOR is not
    /// set), always, never.
    #[arg(long, global = true, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Append what the API's answers held that this version does not know (new fields, new
    /// enum values; their shapes and codes, never personal values) to FILE as one line of
    /// JSON, at the end of the command; nothing is appended when nothing was seen. Runs may
    /// share the file; `cargo xtask drift FILE...` in the SDK's repository turns it into a
    /// spec edit.
    #[arg(
        long,
        env = "SALESFLOW_DRIFT_REPORT",
        global = true,
        value_name = "FILE"
    )]
    pub drift_report: Option<std::path::PathBuf>,

    /// Which of --token, --account-id and --base-url were given on the command line (not by
    /// an environment variable): `config add` saves only those.
    #[arg(skip)]
    pub on_command_line: OnCommandLine,
}

/// Which connection settings were given as flags rather than by environment variables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OnCommandLine {
    /// `--token`.
    pub token: bool,
    /// `--account-id`.
    pub account_id: bool,
    /// `--base-url`.
    pub base_url: bool,
}

impl OnCommandLine {
    fn of(matches: &ArgMatches) -> Self {
        let given = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
        OnCommandLine {
            token: given("token"),
            account_id: given("account_id"),
            base_url: given("base_url"),
        }
    }
}

/// Parses the command line `args` (the first item is the program name), with clap's own
/// messages coloured as `--color` says (read before parsing, so that usage errors follow it
/// too).
///
/// # Errors
///
/// clap's error (or `--help` / `--version`, which clap reports as errors to print).
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let mut command = command().color(color_flag(&args).unwrap_or(ColorChoice::Auto));
    let matches = command.try_get_matches_from_mut(args)?;
    let mut cli = match crate::commands::invocation(&matches) {
        Some(call) => Cli {
            global: GlobalArgs::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?,
            command: Command::Operation(call),
        },
        None => Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?,
    };
    cli.global.on_command_line = OnCommandLine::of(&matches);
    Ok(cli)
}

/// The whole command line: the derived [`Cli`] with the commands of the API's operations,
/// built from the spec ([`crate::commands::augment`]). What `--help`, the completions and the
/// man pages show.
pub fn command() -> clap::Command {
    crate::commands::augment(Cli::command())
}

/// The last `--color WHEN` / `--color=WHEN` of a command line (before `--`), if valid.
pub fn color_flag(args: &[OsString]) -> Option<ColorChoice> {
    let mut choice = None;
    let mut iter = args.iter().skip(1).map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        let value = match arg {
            Some("--") => break,
            Some("--color") => iter.next().flatten(),
            Some(a) => a.strip_prefix("--color="),
            None => None,
        };
        if let Some(v) = value.and_then(|v| <ColorChoice as ValueEnum>::from_str(v, false).ok()) {
            choice = Some(v);
        }
    }
    choice
}

/// The subcommands.
///
/// The commands of the API's operations (`campaigns list`, `contacts update`, ...) are not
/// here: they are built from the spec ([`crate::commands`]) and parse into
/// [`Command::Operation`].
#[derive(Debug, Subcommand)]
pub enum Command {
    /// An operation of the API, by its command (built from the spec).
    #[command(skip)]
    Operation(OperationCall),

    /// Members: bulk import (same as the top-level `import`).
    #[command(subcommand)]
    Members(MembersCmd),

    /// Import the profiles of a CSV file into a campaign (validated first, resumable).
    Import(ImportArgs),

    /// Webhooks: list, create, delete, attach to / detach from campaigns, and receive them.
    #[command(subcommand)]
    Webhooks(WebhooksCmd),

    /// Call any operation of the API by its operationId, with its parameters as
    /// NAME=VALUE (the names on the wire). Every operation is reachable this way, including
    /// those without a command of their own.
    Call(CallArgs),

    /// The configuration file's named profiles (token, account id, base URL): add, list,
    /// remove them, and show where the file is.
    #[command(subcommand)]
    Config(ConfigCmd),

    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  salesflow completions bash > ~/.local/share/bash-completion/completions/salesflow\n  salesflow completions zsh > ~/.zfunc/_salesflow\n  salesflow completions fish > ~/.config/fish/completions/salesflow.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `config ...`
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Add a profile (or replace one, with --replace). The first profile added becomes the
    /// default.
    Add(ConfigAddArgs),
    /// List the profiles: name, default, account id, base URL (never the token: `********`
    /// says there is one).
    #[command(after_help = "Examples:\n  salesflow config list\n  salesflow config list -o json")]
    List,
    /// Remove a profile.
    #[command(after_help = "Examples:\n  salesflow config remove staging")]
    Remove {
        /// The profile's name.
        name: String,
    },
    /// Print the configuration file's path ($SALESFLOW_CONFIG, else config.toml in the
    /// platform's configuration directory), whether or not it exists.
    Path,
}

/// `config add` arguments.
#[derive(Debug, Args)]
#[command(after_help = "\
The token comes from --token-stdin (one line of standard input; nothing in the shell history)
or --token; the account id and base URL from --account-id and --base-url. Only values given
on this command line are saved: SALESFLOW_TOKEN, SALESFLOW_ACCOUNT_ID and SALESFLOW_BASE_URL
are not. The file is written with mode 0600 (its directory 0700), atomically, keeping its
comments.

Examples:
  salesflow config add sales --token-stdin --account-id 321 < token.txt
  pass show salesflow/staging | salesflow config add staging --token-stdin --account-id 7 \\
      --base-url http://127.0.0.1:8080/api
  salesflow config add sales --token-stdin --account-id 321 --replace --default")]
pub struct ConfigAddArgs {
    /// The profile's name (letters, digits, `-` and `_`).
    #[arg(value_parser = parse_profile_name)]
    pub name: String,
    /// Read the token from standard input (its first line, trimmed).
    #[arg(long)]
    pub token_stdin: bool,
    /// Make it the default profile.
    #[arg(long)]
    pub default: bool,
    /// Overwrite a profile of the same name.
    #[arg(long)]
    pub replace: bool,
}

/// `members ...`
#[derive(Debug, Subcommand)]
pub enum MembersCmd {
    /// Import the profiles of a CSV file into a campaign (same as `salesflow import`).
    Import(ImportArgs),
}

/// `webhooks ...` besides the commands of the webhook operations (built from the spec).
#[derive(Debug, Subcommand)]
pub enum WebhooksCmd {
    /// Receive webhook calls: an HTTP server at POST /salesflow/SECRET that prints one line
    /// (or one JSON object) per event.
    Listen(ListenArgs),
}

/// `webhooks listen` flags.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  salesflow webhooks listen                        # random secret, prints the URL to use
  salesflow webhooks listen --port 8080 --secret \"$SECRET\" --output json
  salesflow --mock webhooks listen                 # the whole loop against the mock: creates a
                                                   # webhook, attaches it, simulates an event

Answers 204 for a payload it decoded, 400 for a malformed one, 404 for a wrong secret.
Stops with Ctrl-C (exit 0), or after --count events.")]
pub struct ListenArgs {
    /// Port to listen on (0 for any free port).
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The secret path segment (at least 16 characters of A-Z a-z 0-9 - _ . ~); default: a
    /// random one, printed with the URL.
    #[arg(long, env = "SALESFLOW_WEBHOOK_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub secret: Option<String>,
    /// Exit after this many events.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// With --mock: the demo campaign to attach the webhook to.
    #[arg(long, value_name = "ID", default_value_t = salesflow_mock::DEMO_CAMPAIGN_RUNNING.into())]
    pub mock_campaign: CampaignId,
}

/// `call` arguments.
#[derive(Debug, Args)]
#[command(after_help = "\
VALUE is read as JSON when it is JSON (a number, true/false, [\"a\",\"b\"], null) and as a
string otherwise. Body properties are given the same way as query and path parameters.

Examples:
  salesflow call getCampaignStatistics campaignId=29854 isForceRequest=true
  salesflow call importMember campaignId=29854 linkedInUrl=https://www.linkedin.com/in/jane-roe
  salesflow call listContactsByPublicIdentifiers 'PublicIdentifiers=[\"john-doe-100\"]'
  salesflow call --list                       # every operation with its command")]
pub struct CallArgs {
    /// The operation: its operationId (getCampaignStatistics) or method name
    /// (get_campaign_statistics).
    #[arg(required_unless_present = "list")]
    pub operation: Option<Operation>,
    /// The parameters, NAME=VALUE.
    #[arg(value_name = "NAME=VALUE", value_parser = parse_parameter)]
    pub parameters: Vec<(String, serde_json::Value)>,
    /// List every operation of the API with its command, instead of calling one.
    #[arg(long, conflicts_with = "operation")]
    pub list: bool,
}

/// The command of each operation of the API (`["campaigns", "stats"]` for
/// `salesflow campaigns stats`): see [`crate::commands::command_of`].
pub use crate::commands::command_of;

/// `import` flags.
#[derive(Debug, Args, Clone)]
#[command(after_help = "\
CSV columns (header names are matched case-insensitively, ignoring spaces, `_` and `-`):
  linkedin_url (or `LinkedIn URL`, linkedInUrl, url, profile_url)   required
  first_name, last_name, occupation (or headline, title), location, custom1 .. custom10
  error    ignored (so that a failed-rows CSV can be fed back in)
Other columns are ignored (and kept in the failed-rows CSV).

The file: UTF-8 with or without a byte order mark, or UTF-16 with one; Latin-1 / Windows-1252
with --encoding latin1. Fields separated by commas, semicolons or tabs (detected from the
header; --delimiter to force it), quoted with \" as in RFC 4180. A file that is not readable
CSV (a quote never closed, text after a closing quote, a row with more or fewer fields than
the header, bytes that are not in the encoding) is refused, naming the line and column,
before anything is sent (exit 2).

Every row is validated first, with the SDK's rules: the LinkedIn URL (profile URLs as LinkedIn
writes them: mobile, without scheme, any case, country subdomains, query, percent-encoded;
not search, company or Sales Navigator pages) and the maximum lengths (first/last name 63,
location 127, occupation and custom1..10 1023). Invalid rows are reported with their line and
column (the header is line 1), written to the failed-rows CSV and not sent. A profile that
appears on several rows is sent once, from its first valid row; the others are reported as
duplicates of that line. The failed-rows CSV holds the original rows byte for byte, in the
file's encoding, plus an `error` column, and can be imported again as it is.

The summary accounts for every data row: imported, duplicates (the vendor answered with a
member flagged MEMBER_DUPLICATE: the profile was already there), duplicate rows, invalid,
blank (every field empty), failed, already done, unknown (sent, answer never received) and
not attempted add up to the rows of the file.

Resume: a journal (default <CSV>.salesflow-import.jsonl; with --mock a fresh file in the temp
directory, since the mock starts afresh every run) records each profile (campaign +
canonical profile, whatever its line) before it is sent and when its answer arrives. Run the
same command again after an interruption, or on an edited file, and profiles already done are
skipped. Profiles sent by a run that died before their answer, or whose answer may have taken
effect (a timeout after sending, a 5xx), are looked up (ListContacts by public identifiers)
before anything is sent: found, they count as done; not found, they are sent. So a profile is
never imported twice, and none is skipped. With --journal postgres://... several processes
share one job (each row sent by one of them), and --rate / --daily-limit pace the account
across all of them.

Testing hooks: SALESFLOW_IMPORT_STOP_AFTER=N behaves exactly like Ctrl-C after N completed
rows; SALESFLOW_IMPORT_ABORT_AFTER=N dies like a killed process once N answers are journaled
(when the next answer arrives, before journaling it).

Examples:
  salesflow --mock import crates/salesflow-cli/samples/contacts.csv --campaign 29854
  salesflow import leads.csv --campaign 29854 --concurrency 4 --failed-out retry.csv
  salesflow import export.csv --campaign 29854 --encoding latin1 --delimiter ';'
  salesflow import retry.csv --campaign 29854      # feed the failed rows back in

Exit codes: 0 all rows imported, duplicates or already done, 3 some rows invalid or failed,
1 no row could be imported because every request failed (bad token, unknown campaign...),
2 unreadable or malformed CSV, no URL column, 130 interrupted.")]
pub struct ImportArgs {
    /// The CSV file of profiles.
    pub csv: PathBuf,
    /// The campaign to import into.
    #[arg(long, value_name = "ID")]
    pub campaign: CampaignId,
    /// How many imports are in flight at once (1 to 64).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Where to write the rows that were not imported [default: CSV-STEM.failed.csv next
    /// to the CSV].
    #[arg(long, value_name = "PATH")]
    pub failed_out: Option<PathBuf>,
    /// The resume journal: a file, or a PostgreSQL URL (`postgres://user@host/db`) for a
    /// journal several processes share (each row sent by one of them) [default:
    /// CSV.salesflow-import.jsonl; with --mock a fresh file in the temp directory].
    #[arg(long = "journal", visible_alias = "state", value_name = "PATH|URL")]
    pub state: Option<PathBuf>,
    /// At most this many requests per second for the account (each attempt counts); with a
    /// PostgreSQL journal, shared by every process using that database.
    #[arg(long, value_name = "PER_SECOND", value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// At most this many imports for the account per UTC day; with a PostgreSQL journal,
    /// shared by every process using that database. Past it the import stops.
    #[arg(long, value_name = "N")]
    pub daily_limit: Option<u32>,
    /// With a PostgreSQL journal: how long this process holds its rows without renewing its
    /// lease before another process may take them over (default 60s).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub lease: Option<Duration>,
    /// Only validate the CSV; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The field delimiter: `,`, `;`, `tab` (or `\t`), `|` [default: detected from the
    /// header: the most frequent of comma, semicolon and tab].
    #[arg(long, value_parser = parse_delimiter, value_name = "CHAR")]
    pub delimiter: Option<u8>,
    /// The file's encoding [default: from its byte order mark, else UTF-8].
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<EncodingArg>,
}

/// `--encoding` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 (with or without a byte order mark).
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Latin-1, read as Windows-1252 (what Excel on Windows writes).
    #[value(name = "latin1", aliases = ["windows-1252", "cp1252", "iso-8859-1"])]
    Latin1,
    /// UTF-16, little-endian.
    #[value(name = "utf-16le", alias = "utf16le")]
    Utf16le,
    /// UTF-16, big-endian.
    #[value(name = "utf-16be", alias = "utf16be")]
    Utf16be,
}

/// Parses a delimiter: one ASCII character (not a quote, CR or LF), or `tab`, `\t`,
/// `comma`, `semicolon`.
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
    let d = match text {
        "tab" | "\\t" | "\t" => b'\t',
        "comma" => b',',
        "semicolon" => b';',
        t if t.len() == 1 && t.is_ascii() => t.as_bytes()[0],
        _ => {
            return Err(format!(
                "`{text}` is not a delimiter: use `,`, `;`, `tab` or `|`"
            ))
        }
    };
    if matches!(d, b'"' | b'\r' | b'\n') || d.is_ascii_alphanumeric() {
        return Err(format!("`{text}` cannot be the delimiter"));
    }
    Ok(d)
}

/// Parses a rate of requests per second: a positive number.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "`{text}` is not a rate: a number of requests per second above 0"
        )),
    }
}

/// Wraps a token given as a flag or in `SALESFLOW_TOKEN` (never printed from then on),
/// without the whitespace around it. It never fails: clap would quote the value in its error
/// (a token that cannot be sent is refused when the client is built, without quoting it).
pub fn parse_token(text: &str) -> Result<ApiToken, String> {
    let token = ApiToken::new(text);
    crate::secrets::register(&token);
    Ok(token)
}

/// Parses `30`, `30s`, `500ms`, `2m`, `1.5s`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else {
        (t, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 30, 30s, 500ms, 2m)"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{text}`: the duration must be positive"));
    }
    Duration::try_from_secs_f64(value * scale).map_err(|e| format!("`{text}`: {e}"))
}

/// Parses a date as ISO 8601 (a date alone is midnight UTC) or the .NET form.
pub fn parse_date(text: &str) -> Result<FlexibleDate, String> {
    text.parse::<FlexibleDate>().map_err(|e| e.to_string())
}

/// Parses `NAME=VALUE`: the value as JSON when it is JSON, else as a string.
pub fn parse_parameter(text: &str) -> Result<(String, serde_json::Value), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))?;
    if name.is_empty() {
        return Err(format!("`{text}` has no parameter name"));
    }
    let value =
        serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
    Ok((name.to_owned(), value))
}

/// Checks a webhook secret: at least 16 URL-path-safe characters.
pub fn parse_secret(text: &str) -> Result<String, String> {
    if text.len() < 16 {
        return Err("the secret must have at least 16 characters".into());
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
    {
        return Err("the secret may only hold A-Z a-z 0-9 - _ . ~".into());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::EXIT_CODES_HELP;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("0").is_err());
    }

    #[test]
    fn parameters() {
        assert_eq!(
            parse_parameter("campaignId=29854"),
            Ok(("campaignId".into(), serde_json::json!(29854)))
        );
        assert_eq!(
            parse_parameter("linkedInUrl=https://x.example/in/a=b"),
            Ok((
                "linkedInUrl".into(),
                serde_json::json!("https://x.example/in/a=b")
            ))
        );
        assert_eq!(
            parse_parameter("PublicIdentifiers=[\"a\"]"),
            Ok(("PublicIdentifiers".into(), serde_json::json!(["a"])))
        );
        assert!(parse_parameter("nothing").is_err());
        assert!(parse_parameter("=1").is_err());
    }

    #[test]
    fn every_operation_has_a_command_that_exists() {
        let cli = command();
        for op in Operation::ALL {
            let Some(path) = command_of(*op) else {
                continue;
            };
            let mut cmd = &cli;
            for name in path {
                cmd = cmd
                    .find_subcommand(name)
                    .unwrap_or_else(|| panic!("{op}: no command `{}`", path.join(" ")));
            }
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert_eq!(parse_delimiter("|"), Ok(b'|'));
        assert!(parse_delimiter("\"").is_err());
        assert!(parse_delimiter("ab").is_err());
        assert!(parse_delimiter("a").is_err());
    }

    #[test]
    fn secrets() {
        assert!(parse_secret("short").is_err());
        assert!(parse_secret("0123456789abcdef/x").is_err());
        assert!(parse_secret("0123456789abcdef").is_ok());
    }

    #[test]
    fn the_color_flag_is_read_before_parsing() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(color_flag(&args(&["salesflow", "accounts", "list"])), None);
        assert_eq!(
            color_flag(&args(&["salesflow", "--color", "never", "x"])),
            Some(ColorChoice::Never)
        );
        assert_eq!(
            color_flag(&args(&["salesflow", "x", "--color=always"])),
            Some(ColorChoice::Always)
        );
        assert_eq!(color_flag(&args(&["salesflow", "--color=pink"])), None);
        assert_eq!(
            color_flag(&args(&["salesflow", "--", "--color=always"])),
            None
        );
    }

    #[test]
    fn config_add_knows_which_settings_were_flags() {
        let cli = parse_from([
            "salesflow",
            "config",
            "add",
            "x",
            "--token",
            "t",
            "--account-id",
            "5",
        ])
        .unwrap();
        assert_eq!(
            cli.global.on_command_line,
            OnCommandLine {
                token: true,
                account_id: true,
                base_url: false
            }
        );
        assert!(matches!(cli.command, Command::Config(ConfigCmd::Add(_))));
        // The token is wrapped as soon as it is parsed.
        assert!(!format!("{cli:?}").contains("\"t\""));
    }

    #[test]
    fn the_version_names_the_vendor_api_version() {
        assert_eq!(
            version_text(),
            format!(
                "{} (Salesflow API {})",
                env!("CARGO_PKG_VERSION"),
                salesflow::API_VERSION
            )
        );
        assert_eq!(Cli::command().get_version(), Some(version_text()));
    }

    #[test]
    fn exit_codes_are_documented_in_help() {
        assert!(MAIN_AFTER_HELP.ends_with(EXIT_CODES_HELP));
    }
}
