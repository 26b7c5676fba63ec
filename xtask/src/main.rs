//! `cargo xtask`: project automation for salesflow-rs. `cargo xtask help` lists the commands
//! and `cargo xtask help COMMAND` their options; the library half (`xtask::*`) does the work,
//! a module per command. `drift` is used as the README's "When the vendor changes the API"
//! says; `spec-diff`, `release` and `msrv` are described in `RELEASING.md` and the README's
//! "Checks", `mutants` in `TESTING.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};
use xtask::cargo;
use xtask::codegen::{self, Mode};
use xtask::release::{self, Bump, Version};
use xtask::spec_diff::{self, Impact};

/// The spec, relative to the workspace root.
const SPEC: &str = "spec/salesflow.yaml";

/// Project automation for salesflow-rs.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the files derived from spec/salesflow.yaml
    ///
    /// The low-level client, the operation table and the request types of salesflow-api, the
    /// per-operation layer of salesflow, the CLI's argument table, and the open enums and the
    /// webhook payload of salesflow-webhook-types.
    Codegen {
        /// Do not write; exit 1 and show a diff if a checked-in file is stale
        #[arg(long)]
        check: bool,
        /// The OpenAPI document [default: spec/salesflow.yaml]
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// The workspace root to write under [default: this workspace]
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// Propose the spec edit that drift reports call for
    ///
    /// Reads drift reports (salesflow's Client::drift, the CLI's --drift-report FILE; a file
    /// may hold several), merges them, and writes to spec/salesflow.yaml the new optional
    /// properties (with their JSON types) and the new values of open enums, each with a
    /// description saying where and when it was seen. Conflicting or undecidable observations
    /// are listed, not guessed. Then run `cargo xtask codegen` and `cargo xtask spec-diff`.
    Drift {
        /// The drift reports (JSON)
        #[arg(value_name = "REPORT", required = true)]
        reports: Vec<PathBuf>,
        /// The OpenAPI document to edit [default: spec/salesflow.yaml]
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Only print what would be proposed
        #[arg(long)]
        dry_run: bool,
    },
    /// Every change of the spec since GIT-REF, classified
    ///
    /// With the version bump each change implies for salesflow-api and salesflow.
    SpecDiff {
        /// The commit (or tag, or branch) whose spec/salesflow.yaml is the old spec
        #[arg(value_name = "GIT-REF")]
        git_ref: String,
        /// Compare with this file instead of the working tree's spec
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// GIT-REF was released as VERSION: exit 1 if a change is breaking and the workspace
        /// version is not a breaking bump from VERSION (0.x: the minor)
        #[arg(long, value_name = "VERSION", value_parser = release::parse_version)]
        released_as: Option<Version>,
    },
    /// Release: bump, date the changelog, semver gate, commit, record in RELEASES, tag
    ///
    /// Bump the versions, date the changelog, run .ci/semver-gate, commit, record the
    /// baseline in RELEASES, tag (see RELEASING.md).
    Release(release::Options),
    /// Check the declared rust-version (MSRV) as far as cargo metadata can
    ///
    /// Every member declares it, and no dependency of the shipped crates needs a newer Rust.
    Msrv,
    /// Write the man pages of the `salesflow` command
    ///
    /// salesflow.1 and one per subcommand; read one with `man -l target/man/salesflow.1`.
    Man {
        /// Where to write them [default: target/man in this workspace]
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// Mutation testing of the code .cargo/mutants.toml puts in scope (TESTING.md)
    ///
    /// Installs cargo-mutants if missing and runs it one package at a time, in place; fails on
    /// a survivor in the security and retry code, and (full run) on a crate that keeps more
    /// than 5% of its mutants alive. Harmless survivors are excluded by the exclude_re entries
    /// of .cargo/mutants.toml; an entry that matches no mutant is an error.
    Mutants(xtask::mutants::Request),
}

fn main() -> ExitCode {
    let root = workspace_root();
    let result = match Cli::parse().command {
        Task::Codegen {
            check,
            spec,
            out_dir,
        } => run_codegen(&root, check, spec, out_dir),
        Task::Drift {
            reports,
            spec,
            dry_run,
        } => {
            let spec = spec.unwrap_or_else(|| root.join(SPEC));
            xtask::drift::run(&spec, &reports, dry_run).map(|outcome| {
                print!("{}", outcome.summary());
                if !dry_run && !outcome.proposed.is_empty() {
                    println!(
                        "wrote {}: review it, then `cargo xtask codegen` and `cargo xtask spec-diff HEAD`",
                        spec.display()
                    );
                }
                ExitCode::SUCCESS
            })
        }
        Task::SpecDiff {
            git_ref,
            spec,
            released_as,
        } => run_spec_diff(&root, &git_ref, spec, released_as),
        Task::Release(options) => {
            let target_dir = release::default_target_dir(&root);
            release::run(&root, &target_dir, &options).map(|()| ExitCode::SUCCESS)
        }
        Task::Msrv => xtask::msrv::run(&root, release::SHIPPED).map(verdict),
        Task::Man { out_dir } => {
            let out_dir = out_dir.unwrap_or_else(|| root.join("target/man"));
            xtask::man::generate(&cargo(), &root, &out_dir).map(|pages| {
                for page in &pages {
                    println!("wrote {}", page.display());
                }
                ExitCode::SUCCESS
            })
        }
        Task::Mutants(request) => xtask::mutants::run(&cargo(), &root, &request).map(verdict),
    };
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

fn verdict(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn workspace_root() -> PathBuf {
    // xtask/ sits directly under the workspace root.
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_owned()
}

fn run_codegen(
    root: &Path,
    check: bool,
    spec: Option<PathBuf>,
    out_dir: Option<PathBuf>,
) -> Result<ExitCode, String> {
    let spec = spec.unwrap_or_else(|| root.join(SPEC));
    let out_dir = out_dir.unwrap_or_else(|| root.to_owned());
    let mode = if check { Mode::Check } else { Mode::Write };
    let report = codegen::run(&spec, &out_dir, mode).map_err(|e| e.to_string())?;
    match mode {
        Mode::Write => {
            for file in &report.written {
                println!("wrote {}", file.display());
            }
            for file in &report.unchanged {
                println!("unchanged {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Mode::Check if report.stale.is_empty() => {
            println!(
                "codegen: {} generated file(s) up to date",
                report.unchanged.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Mode::Check => {
            for stale in &report.stale {
                eprintln!("stale: {}\n{}", stale.path.display(), stale.diff);
            }
            for file in &report.not_checked {
                eprintln!(
                    "not checked (derived from a stale file): {}",
                    file.display()
                );
            }
            eprintln!(
                "codegen: {} file(s) are stale; run `cargo xtask codegen` and commit the result",
                report.stale.len()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn run_spec_diff(
    root: &Path,
    git_ref: &str,
    spec: Option<PathBuf>,
    released_as: Option<Version>,
) -> Result<ExitCode, String> {
    let old = git_show(root, git_ref, Path::new(SPEC))?;
    let new_path = spec.unwrap_or_else(|| root.join(SPEC));
    let new = std::fs::read_to_string(&new_path)
        .map_err(|e| format!("cannot read {}: {e}", new_path.display()))?;
    let changes = spec_diff::diff(&old, &new).map_err(|e| e.to_string())?;
    let current = release::workspace_version(&read_root_file(root, "Cargo.toml")?)?;
    let major = released_as.as_ref().unwrap_or(&current).major;
    let rate = |impact: Impact| {
        let word = match impact {
            Impact::Breaking => "breaking",
            Impact::Additive => "additive",
        };
        format!("{word} ({})", impact.bump(major))
    };
    println!(
        "spec-diff: {SPEC} at {git_ref} -> {}: {} change(s)",
        if new_path == root.join(SPEC) {
            "working tree".to_string()
        } else {
            new_path.display().to_string()
        },
        changes.len()
    );
    if !changes.is_empty() {
        println!("{:<18} {:<18} change", "salesflow-api", "salesflow");
        for change in &changes {
            println!("{:<18} {:<18} {change}", rate(change.api), rate(change.sdk));
        }
    }
    let (api, sdk) = spec_diff::summary(&changes);
    let needed = api.max(sdk);
    match needed {
        None => println!("no change to the API contract: no bump needed"),
        Some(needed) => {
            let show = |i: Option<Impact>| i.map(|i| i.bump(major)).unwrap_or("no");
            println!(
                "salesflow-api needs a {} bump, salesflow a {} bump; salesflow re-exports salesflow-api \
                 and the crates share one version: the next release needs a {} bump",
                show(api),
                show(sdk),
                needed.bump(major)
            );
        }
    }
    let Some(released) = released_as else {
        return Ok(ExitCode::SUCCESS);
    };
    if needed == Some(Impact::Breaking) && !released.allows_breaking_to(&current) {
        eprintln!(
            "spec-diff: FAIL: a breaking change since {released} ({git_ref}) but the workspace version is {current}; \
             bump it to {} in the same change (Cargo.toml, [workspace.package] and [workspace.dependencies]) \
             and say so in CHANGELOG.md",
            released.next_breaking()
        );
        return Ok(ExitCode::FAILURE);
    }
    println!("spec-diff: ok for version {current} (released {released} at {git_ref})");
    Ok(ExitCode::SUCCESS)
}

fn git_show(root: &Path, git_ref: &str, path: &Path) -> Result<String, String> {
    let object = format!("{git_ref}:{}", path.display());
    let mut show = Command::new("git");
    show.current_dir(root).args(["show", &object]);
    xtask::output(&mut show, &format!("git show {object}"))
}

fn read_root_file(root: &Path, file: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `cargo xtask` commands of a Markdown text: in code blocks and code spans, up to the
    /// end of the span or a `#` comment, with the documents' placeholders filled in.
    fn documented_commands(text: &str) -> Vec<String> {
        let mut commands = Vec::new();
        for line in text.lines() {
            for (at, _) in line.match_indices("cargo xtask") {
                let rest = &line[at..];
                // A command ends at its closing backquote, or where the text stops being a
                // command line (a diagram's arrow).
                let end = rest
                    .find(|c: char| c == '`' || !c.is_ascii())
                    .unwrap_or(rest.len());
                let command = rest[..end]
                    .split(" #")
                    .next()
                    .unwrap_or_default()
                    .replace("<release commit>", "aa8808c")
                    .replace("<version>", "0.1.0");
                commands.push(command.trim().to_owned());
            }
        }
        commands
    }

    /// Splits a command into words; single quotes keep spaces.
    fn words(command: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, part) in command.split('\'').enumerate() {
            if i % 2 == 1 {
                out.push(part.to_owned());
            } else {
                out.extend(part.split_whitespace().map(str::to_owned));
            }
        }
        out
    }

    /// Every `cargo xtask` command that the README, TESTING.md and RELEASING.md give still parses: a
    /// command or option renamed or removed fails here. (CI runs the ones it can afford:
    /// `mutants --quick`, `release next --dry-run`, `spec-diff` in the semver gate, `codegen
    /// --check`, and every `mutants` command of TESTING.md with `--list`.)
    #[test]
    fn the_documented_commands_parse() {
        let documents = [
            ("README.md", include_str!("../../README.md")),
            ("TESTING.md", include_str!("../../TESTING.md")),
            ("RELEASING.md", include_str!("../../RELEASING.md")),
        ];
        let mut seen = 0;
        for (name, text) in documents {
            for command in documented_commands(text) {
                let argv = words(&command);
                if let Err(e) = Cli::try_parse_from(&argv[1..]) {
                    // A command named in a sentence (`cargo xtask release`) need not be whole:
                    // what it gives must still parse, up to a `--help`.
                    let named = [&argv[1..], &["--help".to_owned()]].concat();
                    let help = Cli::try_parse_from(named).map_err(|e| e.kind());
                    let missing = e.kind() == clap::error::ErrorKind::MissingRequiredArgument;
                    if !missing || help.err() != Some(clap::error::ErrorKind::DisplayHelp) {
                        panic!("{name}: `{command}` no longer parses:\n{e}");
                    }
                }
                seen += 1;
            }
        }
        assert!(seen >= 10, "only {seen} commands found");
        // And the check can fail.
        assert!(Cli::try_parse_from(words("xtask mutants --quik")).is_err());
        assert_eq!(
            documented_commands("run `cargo xtask release next --dry-run` (in CI: `cargo xtask mutants --quick  # fast`)"),
            ["cargo xtask release next --dry-run", "cargo xtask mutants --quick"]
        );
        assert_eq!(
            words("xtask mutants -- --re '^a: b$' x"),
            ["xtask", "mutants", "--", "--re", "^a: b$", "x"]
        );
    }
}
