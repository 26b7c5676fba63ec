//! The token never shows, whatever the command, at every verbosity (none, -v, -vv, RUST_LOG
//! with a bare level, a span filter or the HTTP stack named), on stdout, on stderr and in
//! every file the tool writes (the import's report, its failed-rows CSV in UTF-8 and in
//! UTF-16, its journal; the configuration file holds it on its `token` line only).
//!
//! A hostile server echoes the token it receives, in every form (as is, percent-encoded in
//! either case, decoded, JSON-, HTML- and Rust-escaped), cut anywhere, behind padding that
//! puts the 200-character summaries' cut across it, in every kind of error (text, HTML, JSON,
//! ProblemDetails, a `StatusMessage` under 200, an undecodable answer, a redirect loop,
//! bytes that are not HTTP, a body cut short). Tokens come by --token (with whitespace
//! around it), --token=-... (starting with `-`), SALESFLOW_TOKEN and a profile.

mod common;
#[path = "../../salesflow-token/tests/echo/mod.rs"]
mod echo;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

use common::{salesflow, stderr, stdout};
use echo::{echoes, Runs};

/// A token with every character that gets escaped somewhere.
const CANARY: &str = "c4n4ry+t0k/en=Z&q#9%x <\"y'> 0123456789";

/// What the server does, by the first segment of the path.
const MODES: [&str; 9] = [
    "text500",
    "html502",
    "json400",
    "problem400",
    "status200",
    "decode200",
    "redirect",
    "garbage",
    "cut",
];

/// Answers one request: `/{mode}/{form}/{cut}/{pad}/api/...?token=...`.
fn answer(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let token = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let parts: Vec<&str> = path.split('/').collect();
    let number = |i: usize| {
        parts
            .get(i)
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(0)
    };
    let (mode, form, cut, pad) = (
        parts.get(1).copied().unwrap_or(""),
        number(2),
        number(3),
        number(4),
    );
    let forms = echoes(&token);
    let echo = &forms[form % forms.len()].1;
    let cut = (0..=cut.min(echo.len()))
        .rev()
        .find(|&c| echo.is_char_boundary(c))
        .unwrap_or(0);
    let echo = format!("{}{}", "·".repeat(pad), &echo[..cut]);
    let http = |status: &str, kind: &str, body: String| {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let bytes = match mode {
        "text500" => http("500 Internal Server Error", "text/plain", format!("{echo} end")),
        "html502" => http(
            "502 Bad Gateway",
            "text/html",
            format!("<html><head><title>{echo}</title></head><body>{echo}</body></html>"),
        ),
        "json400" => http("400 Bad Request", "application/json", format!(r#"{{"Status":400,"Message":"{echo}"}}"#)),
        "problem400" => http(
            "400 Bad Request",
            "application/problem+json",
            format!(r#"{{"title":"One or more validation errors occurred.","status":400,"errors":{{"token":["The value '{echo}' is not valid."]}}}}"#),
        ),
        "status200" => http("200 OK", "application/json", format!(r#"{{"Status":401,"Message":"Invalid token '{echo}'"}}"#)),
        "decode200" => http("200 OK", "application/json", format!(r#"{{"MemberId":"{echo}","Status":"{echo}"}}"#)),
        "redirect" => format!(
            "HTTP/1.1 302 Found\r\nLocation: {target}&echo={}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            echo.replace(['\r', '\n', ' '], "_")
        )
        .into_bytes(),
        "garbage" => format!("HTTP/1.1 2x0 {echo}\r\n\r\n").into_bytes(),
        _ => format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[\"{echo}").into_bytes(),
    };
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}

/// The hostile server's address (`http://127.0.0.1:PORT`).
fn server() -> String {
    static ADDRESS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ADDRESS
        .get_or_init(|| {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let address = format!("http://{}", listener.local_addr().unwrap());
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    std::thread::spawn(move || {
                        let mut stream = stream;
                        answer(&mut stream);
                    });
                }
            });
            address
        })
        .clone()
}

/// The verbosities: flags, and RUST_LOG.
const VERBOSITIES: [(&[&str], Option<&str>); 6] = [
    (&[], None),
    (&["-v"], None),
    (&["-vv"], None),
    (&[], Some("trace")),
    (
        &[],
        Some("[salesflow.attempt]=trace,[salesflow.request]=trace"),
    ),
    (
        &["-vv"],
        Some("trace,hyper=trace,reqwest=trace,hyper_util=trace"),
    ),
];

/// Every text the run left: stdout, stderr, and each file of `dir` (UTF-16 ones decoded)
/// but the configuration file.
fn outputs(out: &std::process::Output, dir: &Path) -> Vec<(String, String)> {
    let mut texts = vec![
        ("stdout".to_owned(), stdout(out)),
        ("stderr".to_owned(), stderr(out)),
    ];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let text = if bytes.starts_with(&[0xff, 0xfe]) {
            let units: Vec<u16> = bytes[2..]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        texts.push((path.display().to_string(), text));
    }
    texts
}

fn assert_no_leak(what: &str, out: &std::process::Output, dir: &Path, runs: &Runs) {
    for (name, text) in outputs(out, dir) {
        assert_eq!(
            runs.leaked(&text),
            None,
            "{what}: {name} leaks the token:\n{text}"
        );
    }
}

/// A CSV of three profiles, in UTF-8 or UTF-16LE with a BOM.
fn write_csv(path: &Path, utf16: bool) {
    let text = "linkedin_url,first_name\n\
                https://www.linkedin.com/in/canary-a,A\n\
                https://www.linkedin.com/in/canary-b,B\n\
                https://www.linkedin.com/in/canary-c,C\n";
    if utf16 {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(path, bytes).unwrap();
    } else {
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn no_error_of_a_hostile_server_shows_the_token_at_any_verbosity() {
    let runs = Runs::of(CANARY);
    let base = server();
    for (i, mode) in MODES.iter().enumerate() {
        for (v, (flags, rust_log)) in VERBOSITIES.iter().enumerate() {
            // A form and a cut per run; the padding puts the summary's cut inside the token.
            let form = i + v;
            let pad = 180 + (i * 7 + v * 3) % 30;
            let cut = if v % 2 == 0 { 1000 } else { 14 + i };
            let url = format!("{base}/{mode}/{form}/{cut}/{pad}/api");
            let dir = tempfile::tempdir().unwrap();
            let given = [
                vec!["--token".to_owned(), format!("\n {CANARY}\t")],
                vec![format!("--token={CANARY}")],
                vec![],
            ][v % 3]
                .clone();
            let run = |args: &[&str]| {
                let mut cmd = salesflow();
                cmd.current_dir(dir.path()).env_remove("RUST_LOG");
                if let Some(filter) = rust_log {
                    cmd.env("RUST_LOG", filter);
                }
                if given.is_empty() {
                    cmd.env("SALESFLOW_TOKEN", format!("{CANARY}\n"));
                }
                cmd.args(*flags)
                    .args(&given)
                    .args(["--base-url", &url, "--account-id", "321", "--timeout", "5s"])
                    .args(args)
                    .output()
                    .unwrap()
            };
            let out = run(&["-o", "json", "accounts", "list"]);
            assert_ne!(out.status.code(), Some(0), "{mode}: {}", stderr(&out));
            assert!(stderr(&out).contains("error: "), "{mode}: {}", stderr(&out));
            assert_no_leak(
                &format!("{mode} -v{v} accounts list"),
                &out,
                dir.path(),
                &runs,
            );
            // An import: report on stdout, failed rows (UTF-16 for a UTF-16 file), journal.
            let utf16 = (i + v) % 2 == 1;
            let csv = dir.path().join("people.csv");
            write_csv(&csv, utf16);
            let out = run(&[
                "-o",
                "json",
                "import",
                csv.to_str().unwrap(),
                "--campaign",
                "7",
                "--failed-out",
                dir.path().join("failed.csv").to_str().unwrap(),
                "--state",
                dir.path().join("journal.jsonl").to_str().unwrap(),
            ]);
            assert_ne!(out.status.code(), Some(0), "{mode}: {}", stderr(&out));
            assert_no_leak(&format!("{mode} -v{v} import"), &out, dir.path(), &runs);
        }
    }
}

#[test]
fn usage_and_configuration_errors_never_show_the_token() {
    let runs = Runs::of(CANARY);
    let dash = format!("-{CANARY}");
    let dash_runs = Runs::of(&dash);
    for (flags, rust_log) in VERBOSITIES {
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str], config: Option<&Path>| {
            let mut cmd = salesflow();
            cmd.current_dir(dir.path()).env_remove("RUST_LOG");
            if let Some(filter) = rust_log {
                cmd.env("RUST_LOG", filter);
            }
            if let Some(config) = config {
                cmd.env("SALESFLOW_CONFIG", config);
            }
            cmd.args(flags).args(args).output().unwrap()
        };
        // A token that starts with `-`: --token VALUE is an error that does not quote it,
        // --token=VALUE works.
        let out = run(&["--token", &dash, "accounts", "list"], None);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("give a token that starts with `-` as --token=TOKEN"),
            "{}",
            stderr(&out)
        );
        assert_no_leak("--token -...", &out, dir.path(), &dash_runs);
        let out = run(
            &[
                &format!("--token={dash}"),
                "--base-url",
                &format!("{}/json400/0/1000/0/api", server()),
                "accounts",
                "list",
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("HTTP 400"), "{}", stderr(&out));
        assert_no_leak("--token=-...", &out, dir.path(), &dash_runs);
        // clap quoting a bad value next to the token.
        let out = run(
            &["--output", CANARY, "--token", CANARY, "accounts", "list"],
            None,
        );
        assert_eq!(out.status.code(), Some(2));
        assert_no_leak("--output TOKEN", &out, dir.path(), &runs);
        // A base URL with a query (holding the token) or a fragment.
        for url in [
            format!("http://127.0.0.1:1/api?key={CANARY}"),
            "http://127.0.0.1:1/api#x".to_owned(),
        ] {
            let out = run(
                &["--token", CANARY, "--base-url", &url, "accounts", "list"],
                None,
            );
            assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
            assert!(
                stderr(&out).contains("a base URL cannot have a"),
                "{}",
                stderr(&out)
            );
            assert_no_leak("base URL", &out, dir.path(), &runs);
        }
        // Configuration files with the token where it does not belong.
        let quoted = CANARY.replace('\\', "\\\\").replace('"', "\\\"");
        for text in [
            format!("[profiles.a]\naccount_id = \"{quoted}\" # the token\n"),
            format!("default_profile = \"a\"\n[profiles.a]\ntokne = \"{quoted}\"\n"),
            format!("profiles = {{ a = {{ token = \"{quoted}\", account_id = \"{quoted}\" }} }}\n"),
            format!("[profiles.a]\ntoken = {CANARY}\n"),
            format!("[profiles.a]\ntoken = \"{quoted}\" # ok\naccount_id = true # {quoted}\n"),
        ] {
            let config = dir.path().join("config.toml");
            std::fs::write(&config, &text).unwrap();
            let out = run(&["--profile", "a", "accounts", "list"], Some(&config));
            assert_eq!(out.status.code(), Some(2), "{text}: {}", stderr(&out));
            assert!(
                stderr(&out).contains("invalid configuration file"),
                "{}",
                stderr(&out)
            );
            assert_no_leak(&format!("config {text}"), &out, dir.path(), &runs);
        }
        // A profile's token, with whitespace around it, echoed by the server.
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "").unwrap();
        let mut add = salesflow();
        add.env("SALESFLOW_CONFIG", &config)
            .args(["config", "add", "a", "--token-stdin", "--account-id", "321"])
            .args([
                "--base-url",
                &format!("{}/text500/0/1000/190/api", server()),
            ]);
        let out = add.write_stdin(format!("  {CANARY} \n")).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_no_leak("config add", &out, dir.path(), &runs);
        let saved = std::fs::read_to_string(&config).unwrap();
        let lines: Vec<&str> = saved.lines().filter(|l| runs.leaked(l).is_some()).collect();
        assert_eq!(lines.len(), 1, "{saved}");
        assert!(lines[0].starts_with("token = "), "{saved}");
        let out = run(&["--profile", "a", "accounts", "list"], Some(&config));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_no_leak("profile", &out, dir.path(), &runs);
    }
}

#[test]
fn tokens_are_trimmed_on_every_way_in_and_a_variable_that_is_not_utf8_is_named() {
    // The mock answers only the exact token: each way in must send it trimmed.
    const TOKEN: &str = "trimmed-t0ken-0123456789";
    let mock = common::Mock::start();
    mock.server
        .add_account(TOKEN, salesflow_mock::DEMO_ACCOUNT_ID, "trim@example.com");
    let base = mock.server.base_url();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[profiles.a]\ntoken = \"  {TOKEN}\\n\" # pasted with spaces\naccount_id = 321\n"),
    )
    .unwrap();
    let ways: [(&[String], Option<&str>, Option<&Path>); 4] = [
        (&["--token".into(), format!(" {TOKEN}\n")], None, None),
        (&[format!("--token=\t{TOKEN} ")], None, None),
        (&[], Some("SALESFLOW_TOKEN"), None),
        (&["--profile".into(), "a".into()], None, Some(&config)),
    ];
    for (args, env, profile) in ways {
        let mut cmd = salesflow();
        if env.is_some() {
            cmd.env("SALESFLOW_TOKEN", format!("{TOKEN}\r\n"));
        }
        if let Some(config) = profile {
            cmd.env("SALESFLOW_CONFIG", config);
        }
        let out = cmd
            .args(args)
            .args(["--base-url", &base, "-o", "json", "accounts", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    // A line break inside the token: refused, not quoted.
    let out = salesflow()
        .args([
            "--token",
            "trimmed-t0ken\n-0123456789",
            "--base-url",
            &base,
            "accounts",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("control character"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("0123456789"), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bad = std::ffi::OsStr::from_bytes(b"tok-\xff\xfe-0123456789");
        for name in [
            "SALESFLOW_TOKEN",
            "SALESFLOW_BASE_URL",
            "SALESFLOW_ACCOUNT_ID",
        ] {
            let out = salesflow()
                .env(name, bad)
                .args(["--token", TOKEN, "accounts", "list"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2));
            assert_eq!(
                stderr(&out).trim(),
                format!("error: the environment variable {name} is not valid UTF-8")
            );
        }
    }
}
