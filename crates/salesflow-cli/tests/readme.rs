//! The README's commands are the ones that work.
//!
//! Every `cargo ...` command of the workspace's `README.md` (in its `sh` blocks, and in
//! backquotes in the text) names what exists: its package (`-p`, or `--workspace` for a
//! command that builds), test target (`--test`), example (`--example`) and `cargo xtask`
//! subcommand. The `salesflow` commands of its `sh`
//! blocks (`cargo run -p salesflow-cli -- ARGS`) are run with the built binary, in a scratch
//! directory holding the files they name, and must end with the exit code their comment says
//! (`# ... exit 3`), else 0.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::salesflow;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root")
}

/// One command of the README: its words (after leading `VAR=value` settings), and the exit
/// code its comment names.
#[derive(Debug)]
struct ReadmeCommand {
    line: String,
    words: Vec<String>,
    exit: i32,
    /// From an `sh` block (run where it can be), not from the text.
    in_block: bool,
}

fn readme_commands() -> Vec<ReadmeCommand> {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = !in_sh && trimmed == "```sh";
            continue;
        }
        if in_sh {
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                out.push(parse(trimmed, true));
            }
            continue;
        }
        // `cargo ...` in backquotes in the text.
        for (i, span) in line.split('`').enumerate() {
            let span = span.trim();
            let is_code = i % 2 == 1;
            let words: Vec<&str> = span
                .split_whitespace()
                .skip_while(|w| w.contains('=') && !w.starts_with('-'))
                .collect();
            if is_code && words.first() == Some(&"cargo") && words.len() > 1 {
                out.push(parse(span, false));
            }
        }
    }
    out
}

fn parse(line: &str, in_block: bool) -> ReadmeCommand {
    let (command, comment) = match line.split_once(" #") {
        Some((c, comment)) => (c.trim(), comment),
        None => (line, ""),
    };
    let exit = comment
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .find(|w| w[0] == "exit")
        .and_then(|w| {
            w[1].trim_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()
        })
        .unwrap_or(0);
    let words = command
        .split_whitespace()
        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
        .map(str::to_owned)
        .collect();
    ReadmeCommand {
        line: line.to_owned(),
        words,
        exit,
        in_block,
    }
}

/// The workspace's packages with their targets (`kind:name`), from `cargo metadata`.
fn packages() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut packages = BTreeMap::new();
    for p in meta["packages"].as_array().expect("packages") {
        let mut targets = BTreeSet::new();
        for t in p["targets"].as_array().expect("targets") {
            for kind in t["kind"].as_array().expect("kinds") {
                targets.insert(format!(
                    "{}:{}",
                    kind.as_str().unwrap_or_default(),
                    t["name"].as_str().unwrap_or_default()
                ));
            }
        }
        packages.insert(p["name"].as_str().expect("a name").to_owned(), targets);
    }
    packages
}

/// The value after `flag` (`-p x`, `--package x`, `--test=x`).
fn value_of<'a>(words: &'a [String], flags: &[&str]) -> Option<&'a str> {
    for (i, w) in words.iter().enumerate() {
        for flag in flags {
            if w == flag {
                return words.get(i + 1).map(String::as_str);
            }
            if let Some(v) = w.strip_prefix(&format!("{flag}=")) {
                return Some(v);
            }
        }
    }
    None
}

#[test]
fn every_readme_command_names_what_exists() {
    let commands = readme_commands();
    assert!(
        commands.iter().any(|c| c.in_block) && commands.iter().any(|c| !c.in_block),
        "{commands:#?}"
    );
    let packages = packages();
    for c in &commands {
        let words = &c.words;
        assert_eq!(words[0], "cargo", "{}", c.line);
        // Only cargo's own options before `--`.
        let end = words.iter().position(|w| w == "--").unwrap_or(words.len());
        let cargo_words = &words[..end];
        if cargo_words[1] == "xtask" {
            // xtask's own test (`the_documented_commands_parse`) parses these with its clap
            // definition; here only that one is named.
            assert!(cargo_words.get(2).is_some(), "{}", c.line);
            continue;
        }
        let package = value_of(cargo_words, &["-p", "--package"]);
        if let Some(package) = package {
            let targets = packages
                .get(package)
                .unwrap_or_else(|| panic!("no package `{package}`: {}", c.line));
            if let Some(test) = value_of(cargo_words, &["--test"]) {
                assert!(
                    targets.contains(&format!("test:{test}")),
                    "`{package}` has no test `{test}`: {}",
                    c.line
                );
            }
            if let Some(example) = value_of(cargo_words, &["--example"]) {
                assert!(
                    targets.contains(&format!("example:{example}")),
                    "`{package}` has no example `{example}`: {}",
                    c.line
                );
            }
            if cargo_words[1] == "run" && !cargo_words.iter().any(|w| w == "--example") {
                assert!(
                    targets.iter().any(|t| t.starts_with("bin:")),
                    "`{package}` has no binary: {}",
                    c.line
                );
            }
        } else if ["run", "test", "build", "bench"].contains(&cargo_words[1].as_str()) {
            assert!(
                cargo_words.iter().any(|w| w == "--workspace"),
                "neither a package nor --workspace: {}",
                c.line
            );
        }
    }
}

/// Copies the workspace files that `args` name into `dir`, at the same relative paths.
fn stage_files(args: &[String], dir: &Path) {
    for arg in args {
        let source = root().join(arg);
        if source.is_file() {
            let to = dir.join(arg);
            std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
            std::fs::copy(&source, &to).expect("copy");
        }
    }
}

#[test]
fn the_readme_salesflow_commands_run() {
    let mut ran = 0;
    for c in readme_commands().iter().filter(|c| c.in_block) {
        let words = &c.words;
        let is_cli = value_of(words, &["-p", "--package"]) == Some("salesflow-cli")
            && words.get(1).map(String::as_str) == Some("run");
        if !is_cli {
            continue;
        }
        let args: Vec<String> = words
            .iter()
            .skip_while(|w| *w != "--")
            .skip(1)
            .cloned()
            .collect();
        let dir = tempfile::tempdir().expect("a scratch directory");
        stage_files(&args, dir.path());
        let out = salesflow()
            .args(&args)
            .current_dir(dir.path())
            .timeout(Duration::from_secs(120))
            .output()
            .expect("the binary runs");
        assert_eq!(
            out.status.code(),
            Some(c.exit),
            "{}\nstdout: {}\nstderr: {}",
            c.line,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{}: nothing on stdout", c.line);
        ran += 1;
    }
    assert!(ran >= 3, "only {ran} salesflow commands in the README");
}
