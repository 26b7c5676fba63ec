//! The configuration file's profiles through the built binary: `config add|list|remove|path`,
//! `--profile`, the precedence of flags over environment variables over the profile, the
//! file's mode, and the token never printed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{json, salesflow, stderr, stdout, Mock};
use salesflow_mock::DEMO_ACCOUNT_ID;

const CANARY: &str = "profile-canary-tok-7f3a-PLUGH";

/// The binary with `SALESFLOW_CONFIG` at `config`.
fn with_config(config: &Path) -> assert_cmd::Command {
    let mut cmd = salesflow();
    cmd.env("SALESFLOW_CONFIG", config);
    cmd
}

fn run(config: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = with_config(config);
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    cmd.output().unwrap()
}

fn all(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

fn ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", all(out));
}

/// A mock that knows the canary token (for the demo account), and a scratch config path in
/// a directory that does not exist yet.
fn setup() -> (Mock, tempfile::TempDir, PathBuf) {
    let mock = Mock::start();
    mock.server
        .add_account(CANARY, DEMO_ACCOUNT_ID, "canary@example.com");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("salesflow/config.toml");
    (mock, dir, config)
}

fn add_canary_profile(config: &Path, mock: &Mock) -> Output {
    let base = mock.server.base_url();
    run(
        config,
        &[
            "config",
            "add",
            "x",
            "--token-stdin",
            "--account-id",
            "321",
            "--base-url",
            &base,
        ],
        Some(&format!("{CANARY}\n")),
    )
}

#[test]
fn a_profile_is_added_listed_and_used_and_its_token_is_never_printed() {
    let (mock, _dir, config) = setup();
    let mut shown = String::new();

    let out = add_canary_profile(&config, &mock);
    ok(&out);
    shown.push_str(&all(&out));
    assert!(
        stderr(&out).contains("added profile `x`"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("default profile"), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&config), 0o600, "the file's mode");
        assert_eq!(
            mode(config.parent().unwrap()),
            0o700,
            "the directory's mode"
        );
    }
    // The file holds the token (that is its point), and nothing else does.
    assert!(std::fs::read_to_string(&config).unwrap().contains(CANARY));

    let out = run(&config, &["config", "list", "--output", "table"], None);
    ok(&out);
    shown.push_str(&all(&out));
    let table = stdout(&out);
    let row = table.lines().find(|l| l.starts_with("x ")).expect(&table);
    for cell in ["*", "321", &mock.server.base_url(), "********"] {
        assert!(row.contains(cell), "{cell}: {table}");
    }
    let out = run(&config, &["config", "list", "--output", "json"], None);
    ok(&out);
    shown.push_str(&all(&out));
    let listed = json(&out);
    assert_eq!(listed[0]["name"], "x");
    assert_eq!(listed[0]["default"], true);
    assert_eq!(listed[0]["account_id"], 321);
    assert_eq!(listed[0]["token"], "********");

    // Used by name, with everything the SDK logs at -v and -vv.
    for verbose in ["--verbose", "-vv"] {
        let out = run(
            &config,
            &[verbose, "campaigns", "list", "--profile", "x"],
            None,
        );
        ok(&out);
        shown.push_str(&all(&out));
        assert_eq!(json(&out).as_array().unwrap().len(), 3);
        assert!(
            stderr(&out).contains("salesflow.request"),
            "{}",
            stderr(&out)
        );
    }
    // Used as the default profile, and named by SALESFLOW_PROFILE.
    let out = run(&config, &["-v", "campaigns", "list"], None);
    ok(&out);
    shown.push_str(&all(&out));
    let out = with_config(&config)
        .env("SALESFLOW_PROFILE", "x")
        .args(["-v", "accounts", "list"])
        .output()
        .unwrap();
    ok(&out);
    shown.push_str(&all(&out));
    assert_eq!(mock.server.requests().len(), 4);

    // The profile's token against a server that rejects it: the error does not show it.
    let out = run(
        &config,
        &["-v", "--mock", "--profile", "x", "campaigns", "list"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(stderr(&out).contains("Forbidden"), "{}", stderr(&out));
    shown.push_str(&all(&out));

    let out = run(&config, &["config", "path"], None);
    ok(&out);
    assert_eq!(stdout(&out).trim_end(), config.display().to_string());

    assert!(!shown.contains(CANARY), "the token was printed:\n{shown}");
}

#[test]
fn flags_then_environment_variables_then_the_profile() {
    let (mock, _dir, config) = setup();
    ok(&add_canary_profile(&config, &mock));
    let account_sent = |out: &Output| {
        let requests = mock.server.requests();
        let last = requests.last().expect("a request was sent");
        let query = last.query.clone().unwrap_or_default();
        common::url_param(&query, "accountId").unwrap_or_else(|| panic!("{}", all(out)))
    };

    // The profile alone.
    let out = run(&config, &["campaigns", "list"], None);
    ok(&out);
    assert_eq!(account_sent(&out), "321");
    // An environment variable beats the profile...
    let out = with_config(&config)
        .env("SALESFLOW_ACCOUNT_ID", "555")
        .args(["campaigns", "list"])
        .output()
        .unwrap();
    assert_eq!(account_sent(&out), "555");
    // ...and a flag beats both.
    let out = with_config(&config)
        .env("SALESFLOW_ACCOUNT_ID", "555")
        .args(["--account-id", "999", "campaigns", "list"])
        .output()
        .unwrap();
    assert_eq!(account_sent(&out), "999");
    // The same for the token: another one from the environment is sent (and refused).
    let before = mock.server.requests().len();
    let out = with_config(&config)
        .env("SALESFLOW_TOKEN", "some-other-token-00000")
        .args(["campaigns", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(stderr(&out).contains("Forbidden"), "{}", stderr(&out));
    assert_eq!(mock.server.requests().len(), before + 1);
    // Named explicitly, the profile says what was overridden (but never the token).
    let out = with_config(&config)
        .env("SALESFLOW_TOKEN", "some-other-token-00000")
        .args(["--profile", "x", "accounts", "list"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("profile `x`: its token is overridden"),
        "{}",
        stderr(&out)
    );
    // And the base URL: the environment's, where nothing listens, wins over the profile's.
    let out = with_config(&config)
        .env("SALESFLOW_BASE_URL", "http://127.0.0.1:9/api")
        .args(["--timeout", "2s", "campaigns", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        stderr(&out).contains("connection refused"),
        "{}",
        stderr(&out)
    );

    // --mock leaves the default profile out: the demo token and account work.
    let out = run(&config, &["--mock", "campaigns", "list"], None);
    ok(&out);
    assert!(!all(&out).contains(CANARY));
}

#[test]
fn config_add_saves_only_what_the_command_line_says() {
    let (mock, _dir, config) = setup();
    // SALESFLOW_TOKEN is not saved: a token must be given.
    let out = with_config(&config)
        .env("SALESFLOW_TOKEN", CANARY)
        .args(["config", "add", "y", "--account-id", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(stderr(&out).contains("--token-stdin"), "{}", stderr(&out));
    assert!(!config.exists());
    // Nor SALESFLOW_ACCOUNT_ID.
    let out = with_config(&config)
        .env("SALESFLOW_ACCOUNT_ID", "9")
        .args(["config", "add", "y", "--token-stdin"])
        .write_stdin("tok-y\n")
        .output()
        .unwrap();
    ok(&out);
    assert!(stderr(&out).contains("no --account-id"), "{}", stderr(&out));
    let listed = json(&run(&config, &["config", "list", "-o", "json"], None));
    assert_eq!(listed[0]["name"], "y");
    assert!(listed[0].get("account_id").is_none(), "{listed}");
    // Both token sources at once, an empty token, an existing name, a bad name: usage errors.
    for (args, stdin, needle) in [
        (
            &["config", "add", "z", "--token-stdin", "--token", "t"][..],
            Some("t\n"),
            "not both",
        ),
        (
            &["config", "add", "z", "--token-stdin"],
            Some("\n"),
            "empty",
        ),
        (&["config", "add", "y", "--token", "t"], None, "--replace"),
        (
            &["config", "add", "a b", "--token", "t"],
            None,
            "profile name",
        ),
        (&["config", "remove", "nope"], None, "no profile `nope`"),
    ] {
        let out = run(&config, args, stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", all(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    // A second profile is not the default unless asked; --replace --default makes it so.
    ok(&add_canary_profile(&config, &mock));
    let listed = json(&run(&config, &["config", "list", "-o", "json"], None));
    assert_eq!(listed[0]["name"], "x");
    assert_eq!(listed[0]["default"], false);
    assert_eq!(listed[1]["default"], true);
    let out = run(
        &config,
        &[
            "config",
            "add",
            "x",
            "--token-stdin",
            "--account-id",
            "321",
            "--base-url",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let base = mock.server.base_url();
    let out = run(
        &config,
        &[
            "config",
            "add",
            "x",
            "--token-stdin",
            "--account-id",
            "321",
            "--base-url",
            &base,
            "--replace",
            "--default",
        ],
        Some(CANARY),
    );
    ok(&out);
    assert!(
        stderr(&out).contains("replaced profile `x`"),
        "{}",
        stderr(&out)
    );
    ok(&run(&config, &["campaigns", "list"], None));
    // Removing the default profile leaves none: commands then need credentials again.
    ok(&run(&config, &["config", "remove", "x"], None));
    let out = run(&config, &["campaigns", "list"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no API token"), "{}", stderr(&out));
    // An unknown profile names the file and the profiles there are.
    let out = run(&config, &["--profile", "nope", "campaigns", "list"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no profile `nope`"), "{err}");
    assert!(err.contains(&config.display().to_string()), "{err}");
    assert!(err.contains("profiles: y"), "{err}");
}

#[test]
fn a_malformed_file_is_a_usage_error_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"a\"\n[profiles.a]\ntoken = \"{CANARY}\"\naccount_id = \"abc\"\n"
        ),
    )
    .unwrap();
    for args in [&["campaigns", "list"][..], &["config", "list"]] {
        let out = run(&config, args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", all(&out));
        let err = stderr(&out);
        assert!(err.contains(&config.display().to_string()), "{err}");
        assert!(err.contains("line 4"), "{err}");
        assert!(!all(&out).contains(CANARY), "{err}");
    }
    // A token that is not a string is not quoted either.
    std::fs::write(&config, "[profiles.a]\ntoken = 31415926535897\n").unwrap();
    let out = run(&config, &["config", "list"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(!all(&out).contains("31415926535897"), "{}", all(&out));
    // Commands that need no credentials do not read it.
    ok(&run(&config, &["--mock", "campaigns", "list"], None));
    ok(&run(&config, &["completions", "bash"], None));
}

#[cfg(unix)]
#[test]
fn a_file_others_can_read_is_warned_about_even_when_quiet() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[profiles.a]\ntoken = \"t\"\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&config, &["--quiet", "config", "list"], None);
    ok(&out);
    let err = stderr(&out);
    assert!(
        err.contains("warning:") && err.contains("chmod 600"),
        "{err}"
    );
    // Rewriting it (add, remove) makes it private again.
    ok(&run(&config, &["config", "remove", "a"], None));
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[cfg(target_os = "linux")]
#[test]
fn the_default_path_is_in_the_platform_config_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = salesflow()
        .env_remove("SALESFLOW_CONFIG")
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["config", "path"])
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(
        PathBuf::from(stdout(&out).trim_end()),
        dir.path().join("salesflow/config.toml")
    );
}
