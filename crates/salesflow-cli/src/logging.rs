//! Logging: the filter from `RUST_LOG` or `-v` with the HTTP stack kept off, colour, and the
//! subscriber writing through the token's redaction.

use std::ffi::OsStr;

use crate::secrets;

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

/// Installs the subscriber for `-v` / `RUST_LOG` (nothing without either), writing
/// through [`secrets::RedactedStderr`].
pub(crate) fn init_tracing(verbose: u8, ansi: bool) {
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
