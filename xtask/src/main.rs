//! `cargo xtask`: project automation for salesflow-rs.
//!
//! `cargo xtask codegen` regenerates every checked-in artefact derived from `spec/salesflow.yaml`
//! (the progenitor client and the operation table of `crates/salesflow-api`, the per-operation
//! layer of `crates/salesflow`, and the open enums and the webhook payload's structs of
//! `crates/salesflow-webhook-types`);
//! `cargo xtask codegen --check` regenerates them in memory and fails, naming the stale file and
//! showing a short diff, when the checked-in copy differs. `spec-diff`, `release` and `msrv`
//! are described in `RELEASING.md` and the README's "Checks".
//!
//! `cargo xtask man [--out-dir DIR]` writes the man pages of the `salesflow` command
//! (`salesflow.1` and one page per subcommand) into `target/man` or DIR. It is not part of
//! the SDK.
//!
//! `cargo xtask mutants [--quick]` runs cargo-mutants over the hand-written library code and
//! checks the survivors against `.cargo/mutants-exceptions.txt` (TESTING.md).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use xtask::codegen::{self, Mode};
use xtask::release::{self, Version};
use xtask::spec_diff::{self, Impact};

const USAGE: &str = "\
usage: cargo xtask <command>

  codegen [--check] [--spec PATH] [--out-dir DIR]
                     regenerate the files derived from spec/salesflow.yaml (the client,
                     the SDK's operation layer, the open enums, the webhook payload)
    --check          do not write; exit 1 and show a diff if a checked-in file is stale
    --spec PATH      the OpenAPI document (default: spec/salesflow.yaml)
    --out-dir DIR    the workspace root to write under (default: this workspace)

  spec-diff <GIT-REF> [--spec PATH] [--released-as VERSION]
                     every change of the spec since GIT-REF, classified, with the version
                     bump each implies for salesflow-api and salesflow
    --spec PATH      compare with this file instead of the working tree's spec (the old
                     spec is always spec/salesflow.yaml at GIT-REF)
    --released-as V  GIT-REF was released as V: exit 1 if a change is breaking and the
                     workspace version is not a breaking bump from V (0.x: the minor)

  release <VERSION|patch|breaking|next> [--dry-run [--keep] [--allow-empty]] [--date YYYY-MM-DD]
                     bump the versions, date the changelog, run .ci/semver-gate, commit,
                     record the baseline in RELEASES, tag (see RELEASING.md)
    --dry-run        do all of it in a temporary clone of HEAD; this repository is untouched
    --keep           keep the dry run's clone
    --allow-empty    a dry run may release an empty Unreleased section (CI, after a release)

  msrv               the declared rust-version holds for every member and for the
                     dependencies of the shipped crates (cargo metadata)

  man [--out-dir DIR]
                     write the man pages of `salesflow` (salesflow.1 and one per subcommand;
                     read one with `man -l target/man/salesflow.1`)
    --out-dir DIR    where to write them (default: target/man in this workspace)

  mutants [--quick] [--package NAME] [-- CARGO-MUTANTS-ARGS...]
                     mutation testing of the code .cargo/mutants.toml puts in scope (installs
                     cargo-mutants if missing), one package at a time, in place; fails on a
                     survivor in the security and retry code that .cargo/mutants-exceptions.txt
                     does not list, on a stale exception, and (full run) on a crate that keeps
                     more than 5% of its mutants alive (see TESTING.md)
    --quick          only the security and retry code, with the tests that pin it (CI)
    --package NAME   only this crate's mutants
    -- ARGS          passed on to each cargo-mutants run (e.g. --iterate, --re REGEX)";

/// The spec, relative to the workspace root.
const SPEC: &str = "spec/salesflow.yaml";

/// The crates that ship (packaged; their dependencies must build on the MSRV).
const SHIPPED: &[&str] = release::SHIPPED;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(format!("no command given\n{USAGE}"));
    };
    match command.as_str() {
        "codegen" => run_codegen(rest),
        "spec-diff" => run_spec_diff(rest),
        "release" => run_release(rest),
        "msrv" => run_msrv(rest),
        "man" => man_command(rest),
        "mutants" => run_mutants(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

fn man_command(args: &[String]) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut out_dir = root.join("target/man");
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--out-dir" => out_dir = PathBuf::from(iter.next().ok_or("--out-dir needs a path")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let pages = xtask::man::generate(&cargo, &root, &out_dir).map_err(|e| e.to_string())?;
    for page in &pages {
        println!("wrote {}", page.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn run_codegen(rest: &[String]) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut spec = root.join("spec/salesflow.yaml");
    let mut out_dir = root.clone();
    let mut mode = Mode::Write;
    let mut iter = rest.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            "--spec" => spec = PathBuf::from(iter.next().ok_or("--spec needs a path")?),
            "--out-dir" => out_dir = PathBuf::from(iter.next().ok_or("--out-dir needs a path")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
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

fn workspace_root() -> PathBuf {
    // xtask/ sits directly under the workspace root.
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

fn run_spec_diff(args: &[String]) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut git_ref = None;
    let mut spec = None;
    let mut released_as: Option<Version> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--spec" => spec = Some(iter.next().ok_or("--spec needs a path")?.clone()),
            "--released-as" => {
                released_as = Some(
                    iter.next()
                        .ok_or("--released-as needs a version")?
                        .parse()?,
                )
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown argument `{other}`\n{USAGE}"))
            }
            other if git_ref.is_none() => git_ref = Some(other.to_string()),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    let git_ref = git_ref.ok_or(format!("spec-diff needs a git ref\n{USAGE}"))?;
    let old = git_show(&root, &git_ref, Path::new(SPEC))?;
    let new_path = spec.map(PathBuf::from).unwrap_or_else(|| root.join(SPEC));
    let new = std::fs::read_to_string(&new_path)
        .map_err(|e| format!("cannot read {}: {e}", new_path.display()))?;
    let changes = spec_diff::diff(&old, &new).map_err(|e| e.to_string())?;
    let current = release::workspace_version(&read_root_file(&root, "Cargo.toml")?)?;
    let major = released_as.unwrap_or(current).major;
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
    if needed == Some(Impact::Breaking) && !released.allows_breaking_to(current) {
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
    let output = Command::new("git")
        .current_dir(root)
        .args(["show", &object])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git show {object}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("{object} is not UTF-8"))
}

fn read_root_file(root: &Path, file: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))
}

fn run_release(args: &[String]) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut target = None;
    let mut options = release::Options {
        target: release::Target::Next,
        dry_run: false,
        date: None,
        keep: false,
        allow_empty: false,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--dry-run" => options.dry_run = true,
            "--keep" => options.keep = true,
            "--allow-empty" => options.allow_empty = true,
            "--date" => options.date = Some(iter.next().ok_or("--date needs YYYY-MM-DD")?.clone()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown argument `{other}`\n{USAGE}"))
            }
            other if target.is_none() => target = Some(other.parse()?),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    options.target = target.ok_or(format!(
        "release needs a version (X.Y.Z, patch, breaking or next)\n{USAGE}"
    ))?;
    let target_dir = release::default_target_dir(&root);
    release::run(&root, &target_dir, &options)?;
    Ok(ExitCode::SUCCESS)
}

fn run_msrv(args: &[String]) -> Result<ExitCode, String> {
    if let Some(arg) = args.first() {
        return Err(format!("unknown argument `{arg}`\n{USAGE}"));
    }
    let root = workspace_root();
    let msrv = xtask::msrv::workspace_msrv(&read_root_file(&root, "Cargo.toml")?)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&root)
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let report = xtask::msrv::check(&metadata, msrv, SHIPPED)?;
    for (name, declared) in &report.members_off {
        eprintln!(
            "msrv: workspace member {name} declares rust-version {}, not {msrv} (use `rust-version.workspace = true`)",
            declared.as_deref().unwrap_or("none")
        );
    }
    for (name, version, needed) in &report.too_new {
        eprintln!("msrv: {name} {version} needs Rust {needed}, newer than the MSRV {msrv}");
    }
    if !report.ok() {
        eprintln!("msrv: FAIL");
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "msrv: ok: every member declares {msrv}; {} dependencies of the shipped crates checked, none needs a newer Rust ({} declare no rust-version)",
        report.checked, report.undeclared
    );
    Ok(ExitCode::SUCCESS)
}

fn run_mutants(args: &[String]) -> Result<ExitCode, String> {
    use xtask::mutants;

    let root = workspace_root();
    let mut quick = false;
    let mut only: Option<String> = None;
    let mut extra: Vec<String> = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--package" => only = Some(iter.next().ok_or("--package needs a name")?.clone()),
            "--" => extra.extend(iter.by_ref().cloned()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let started = std::time::Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    ensure_cargo_mutants(&cargo)?;
    let exceptions = mutants::parse_exceptions(&read_root_file(&root, mutants::EXCEPTIONS)?)?;

    // Everything in scope, from cargo-mutants itself (it reads .cargo/mutants.toml).
    let output = Command::new(&cargo)
        .current_dir(&root)
        .args(["mutants", "--list", "--json"])
        .output()
        .map_err(|e| format!("cannot run cargo mutants: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo mutants --list failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let in_scope = mutants::parse_list(&String::from_utf8_lossy(&output.stdout))?;
    let files: std::collections::BTreeSet<String> =
        in_scope.iter().map(|m| m.file.clone()).collect();
    let leftovers = mutants::leftover_mutations(&root, &files);
    if !leftovers.is_empty() {
        return Err(format!(
            "a mutation is still in {} (an in-place run was killed before it could restore \
             the file): `git checkout` it first",
            leftovers.join(", ")
        ));
    }
    let listed: Vec<mutants::Mutant> = in_scope
        .iter()
        .filter(|m| !quick || m.is_strict())
        .cloned()
        .collect();
    let mut per_package: std::collections::BTreeMap<String, usize> = Default::default();
    for m in &listed {
        if only.as_ref().is_none_or(|p| *p == m.package) {
            *per_package.entry(m.package.clone()).or_default() += 1;
        }
    }
    if let Some(p) = only.as_ref().filter(|p| !per_package.contains_key(*p)) {
        return Err(format!("no mutant of a package `{p}` is in scope"));
    }
    println!(
        "mutants: cargo-mutants {}; {}",
        mutants::CARGO_MUTANTS_VERSION,
        mutants::plan_text(quick, &per_package)
    );

    let mut results = Vec::new();
    for package in per_package.keys() {
        let package_files: std::collections::BTreeSet<&str> = in_scope
            .iter()
            .filter(|m| &m.package == package)
            .map(|m| m.file.as_str())
            .collect();
        let mut patterns = Vec::new();
        let mut pass = extra.clone();
        if quick {
            patterns = mutants::strict_name_patterns(|f| package_files.contains(f));
            // Files without strict code are left out whole (cargo-mutants 27.1 does not
            // apply `--re` to "delete field" mutants).
            for file in &package_files {
                if !mutants::STRICT.iter().any(|s| s.file == *file) {
                    pass.push(format!("--exclude={file}"));
                }
            }
        }
        let out = mutants::output_dir(&root, quick, package);
        std::fs::create_dir_all(&out)
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        let args = mutants::package_args(package, quick, &patterns, &out, &pass);
        println!("\n==> cargo {}", args.join(" "));
        let t0 = std::time::Instant::now();
        let status = Command::new(&cargo)
            .current_dir(&root)
            .args(&args)
            .status()
            .map_err(|e| format!("cannot run cargo mutants: {e}"))?;
        // 0: all caught; 2: some missed; 3: some timed out. Anything else: no verdict.
        if !matches!(status.code(), Some(0 | 2 | 3)) {
            return Err(format!(
                "cargo mutants failed for {package} ({status}); see {}",
                out.join("mutants.out/log").display()
            ));
        }
        println!("({package}: {} s)", t0.elapsed().as_secs());
        let outcomes = out.join("mutants.out/outcomes.json");
        let text = std::fs::read_to_string(&outcomes)
            .map_err(|e| format!("cannot read {}: {e}", outcomes.display()))?;
        results.extend(
            mutants::parse_outcomes(&text)?
                .into_iter()
                .filter(|(m, _)| !quick || m.is_strict()),
        );
    }

    // Only a run of the whole scope can tell that an exception names a mutant that is gone:
    // not one package, not a shard, and not --quick (it runs the strict code only, so the
    // exceptions elsewhere are not among its mutants).
    let complete = extra.is_empty() && only.is_none() && !quick;
    let report = mutants::Report::new(&results, &listed, &exceptions, complete, !quick);
    println!(
        "\nmutants{}: {} s\n{report}",
        if quick { " --quick" } else { "" },
        started.elapsed().as_secs()
    );
    if report.ok() {
        println!("mutants: ok");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("mutants: FAIL");
        Ok(ExitCode::FAILURE)
    }
}

/// Installs the pinned cargo-mutants unless it is there.
fn ensure_cargo_mutants(cargo: &std::ffi::OsStr) -> Result<(), String> {
    let want = format!("cargo-mutants {}", xtask::mutants::CARGO_MUTANTS_VERSION);
    let have = Command::new(cargo)
        .args(["mutants", "--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if have.as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    println!(
        "mutants: installing {want} (found: {})",
        have.as_deref().unwrap_or("none")
    );
    let status = Command::new(cargo)
        .args([
            "install",
            "--locked",
            "cargo-mutants",
            "--version",
            xtask::mutants::CARGO_MUTANTS_VERSION,
        ])
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() {
        return Err(format!("cargo install cargo-mutants failed ({status})"));
    }
    Ok(())
}
