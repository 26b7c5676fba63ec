//! What the binary prints around its results: colour (`--color`, `NO_COLOR`), `--quiet`, and
//! `--version`.

mod common;

use std::process::Output;

use common::{json, salesflow, stderr, stdout, Mock};

const ESC: u8 = 0x1b;

fn has_escape(out: &Output) -> bool {
    out.stdout.contains(&ESC) || out.stderr.contains(&ESC)
}

/// `salesflow -v campaigns list` against `mock`, with `args` first and `NO_COLOR` as given.
fn verbose_list(mock: &Mock, no_color: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = mock.cli();
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let out = cmd
        .args(args)
        .args(["-v", "campaigns", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("salesflow.request"),
        "{}",
        stderr(&out)
    );
    out
}

#[test]
fn no_color_and_the_color_flag_decide_the_escape_codes() {
    let mock = Mock::start();
    // NO_COLOR: none, whatever the value (but empty, which is as unset).
    assert!(!has_escape(&verbose_list(&mock, Some("1"), &[])));
    assert!(!has_escape(&verbose_list(
        &mock,
        Some("1"),
        &["--color", "auto"]
    )));
    // Not a terminal: none by default either.
    assert!(!has_escape(&verbose_list(&mock, None, &[])));
    assert!(!has_escape(&verbose_list(&mock, Some(""), &[])));
    // --color always wins over NO_COLOR; --color never over everything.
    assert!(has_escape(&verbose_list(
        &mock,
        None,
        &["--color", "always"]
    )));
    assert!(has_escape(&verbose_list(
        &mock,
        Some("1"),
        &["--color=always"]
    )));
    assert!(!has_escape(&verbose_list(
        &mock,
        None,
        &["--color", "never"]
    )));
    // JSON on stdout never has any.
    let out = verbose_list(&mock, None, &["--color", "always"]);
    assert!(!out.stdout.contains(&ESC));

    // clap's help and usage errors follow the same rules.
    let help = |env: Option<&str>, args: &[&str]| {
        let mut cmd = salesflow();
        if let Some(v) = env {
            cmd.env("NO_COLOR", v);
        }
        cmd.args(args).output().unwrap()
    };
    assert!(has_escape(&help(None, &["--color", "always", "--help"])));
    assert!(!has_escape(&help(Some("1"), &["--help"])));
    assert!(!has_escape(&help(None, &["--color", "never", "--help"])));
    let out = help(None, &["--color", "always", "campaigns", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(has_escape(&out));
    let out = help(Some("1"), &["campaigns", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!has_escape(&out));
}

/// On a real terminal (a pseudo-terminal made by util-linux `script`), `auto` colours the
/// logs unless NO_COLOR is set: the case the old `with_ansi(stderr is a terminal)` got wrong.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_no_color_still_turns_colour_off() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let mock = Mock::start();
    let bin = assert_cmd::cargo::cargo_bin("salesflow");
    let on_terminal = |no_color: Option<&str>| {
        let command = format!(
            "'{}' -v --base-url '{}' --token '{}' --account-id 321 -o json campaigns list",
            bin.display(),
            mock.server.base_url(),
            salesflow_mock::DEMO_TOKEN
        );
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-q", "-e", "-c", &command, "/dev/null"])
            .env("SALESFLOW_CONFIG", common::no_config())
            .env_remove("NO_COLOR")
            .env_remove("RUST_LOG");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        assert!(
            stdout(&out).contains("salesflow.request"),
            "{}",
            stdout(&out)
        );
        out
    };
    assert!(has_escape(&on_terminal(None)), "auto on a terminal colours");
    assert!(
        !has_escape(&on_terminal(Some("1"))),
        "NO_COLOR=1 on a terminal"
    );
}

#[test]
fn quiet_leaves_out_progress_notes_and_summaries_but_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    common::write_profiles(&csv, "quiet", 30);
    let import = |quiet: bool| {
        let mut cmd = salesflow();
        cmd.args(["--mock", "-o", "json"]);
        if quiet {
            cmd.arg("--quiet");
        }
        cmd.args(["import", csv.to_str().unwrap(), "--campaign", "29890"])
            .output()
            .unwrap()
    };
    let loud = import(false);
    assert_eq!(loud.status.code(), Some(0), "{}", stderr(&loud));
    for line in [
        "note: using the in-process mock",
        "progress: ",
        "Import of campaign",
        "imported",
    ] {
        assert!(stderr(&loud).contains(line), "{line}: {}", stderr(&loud));
    }
    let quiet = import(true);
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert_eq!(stderr(&quiet), "", "nothing on stderr");
    // The same report on stdout.
    assert_eq!(json(&quiet)["Imported"], 30);
    assert_eq!(json(&quiet)["Rows"], json(&loud)["Rows"]);

    // Invalid rows are still reported (errors), the summary is not; the exit code says 3.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "linkedin_url\nhttps://www.linkedin.com/in/quiet-ok\nhttps://example.com/in/nope\n",
    )
    .unwrap();
    let out = salesflow()
        .args([
            "--mock",
            "-q",
            "import",
            bad.to_str().unwrap(),
            "--campaign",
            "29890",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("line 3, column 1"), "{err}");
    assert!(!err.contains("Import of campaign"), "{err}");
    assert!(!err.contains("rows are invalid"), "{err}");

    // A plain command: no note, the same stdout; an error is still printed.
    let list = |args: &[&str]| {
        salesflow()
            .args(["--mock", "-o", "json"])
            .args(args)
            .args(["campaigns", "list"])
            .output()
            .unwrap()
    };
    let (loud, quiet) = (list(&[]), list(&["-q"]));
    assert!(stderr(&loud).contains("note:"));
    assert_eq!(stderr(&quiet), "");
    // (The mock's timestamps are those of its start: compare the rest.)
    let ids = |out: &Output| {
        json(out)
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["CampaignId"].clone(), c["CampaignName"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&quiet), ids(&loud));
    let out = salesflow()
        .args(["--mock", "--quiet", "campaigns", "start", "29854"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}

#[test]
fn version_names_the_crate_and_the_vendor_api_version() {
    let expected = format!(
        "salesflow {} (Salesflow API {})\n",
        env!("CARGO_PKG_VERSION"),
        salesflow::API_VERSION
    );
    for flag in ["--version", "-V"] {
        let out = salesflow().arg(flag).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(stdout(&out), expected);
    }
}
