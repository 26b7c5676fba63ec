//! `cargo xtask mutants [--quick]`: mutation testing with cargo-mutants (TESTING.md). What
//! [`CONFIG`] cannot say: the code where no survivor is allowed ([`STRICT`]), each package's
//! tests and features, the missed-rate budget elsewhere, and that every `exclude_re` entry
//! still matches a mutant. Each package runs on its own, `--in-place` (cargo-mutants restores
//! every file, also on Ctrl-C): do not edit or build the workspace while it runs.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fmt;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use regex::RegexSet;
use serde::Deserialize;

/// cargo-mutants' configuration (it reads it itself): the scope, how to test, and the harmless
/// survivors (`exclude_re`: regexes on mutant names, each after a comment giving its reason).
pub const CONFIG: &str = ".cargo/mutants.toml";

/// The largest share of a crate's viable mutants (caught, missed or timed out) that may
/// survive in a full run.
pub const MAX_MISSED_RATE: f64 = 0.05;

/// Where the runs write, relative to the workspace root: each package's cargo-mutants output
/// under `quick/` or `full/`, and [`UNEXCLUDED`].
pub const OUT_DIR: &str = "target/mutants";

/// The copy of [`CONFIG`] without `exclude_re`, relative to the workspace root: what the
/// staleness check lists with, and what TESTING.md tells to test an excluded mutant with.
pub const UNEXCLUDED: &str = "target/mutants/unexcluded.toml";

/// The security and retry code, where every survivor must be killed or excluded: what
/// `--quick` (CI) mutates. Per line: a file, and the start of its functions' names as
/// cargo-mutants writes them (`Type::method`, `<impl Trait for Type>::`), or `""` for all.
#[rustfmt::skip]
pub const STRICT: &[(&str, &str)] = &[
    // Constant-time comparison of a webhook's URL secret.
    ("crates/salesflow-webhook-types/src/secret.rs", ""),
    // The token never shows in any text, in any form: the one redactor, and the token
    // parameter of every URL an error or a response carries (a crate of their own, which
    // builds in about a second per mutant)...
    ("crates/salesflow-token/src/redact.rs", ""),
    ("crates/salesflow-token/src/lib.rs", ""),
    // ... and a body's snippet, redacted before it is cut...
    ("crates/salesflow/src/error.rs", "snippet"),
    // ... nor in the client's or the builder's Debug.
    ("crates/salesflow/src/client.rs", "<impl fmt::Debug for Client>::"),
    ("crates/salesflow/src/client.rs", "<impl fmt::Debug for ClientBuilder>::"),
    // When a call is retried, and how long it waits.
    ("crates/salesflow/src/retry.rs", ""),
    // The import's resume journal (the file journal of the SDK's import engine, and the
    // profile keys it is read by): no row sent twice, no entry lost.
    ("crates/salesflow/src/import/file.rs", ""),
    ("crates/salesflow/src/import/keys.rs", ""),
];

/// Files of the [`STRICT`] code that `--quick --since REV` mutates only if they changed since
/// `REV` (CI: the previous commit): the import journal, which costs the most per mutant (the
/// `salesflow` crate rebuilt) and changes least. Other runs mutate them.
pub const WHEN_CHANGED: &[&str] = &[
    "crates/salesflow/src/import/file.rs",
    "crates/salesflow/src/import/keys.rs",
];

/// The tests `--quick` runs for each package: those that pin the [`STRICT`] code (a test that
/// kills a strict mutant belongs in one of them). Each test target is rebuilt for every mutant:
/// unit tests alone pin the token's and `salesflow`'s strict code, so their integration tests
/// run only in `cargo test` and full runs (TESTING.md has the timings).
#[rustfmt::skip]
pub const QUICK_TESTS: &[(&str, &[&str])] = &[
    ("salesflow-webhook-types", &["--lib", "--test", "secret"]),
    ("salesflow-token", &["--lib"]),
    ("salesflow", &["--lib"]),
    ("salesflow-cli", &["--lib"]),
];

/// The property tests' cases per mutant (`PROPTEST_CASES`, read by proptest and our tests).
pub const PROPTEST_CASES: &str = "48";

/// Test threads per test binary (`RUST_TEST_THREADS`) for a package whose tests mostly wait (a
/// `Retry-After`, a timeout): `salesflow`'s retry tests take 1.7 s with 8 threads against 3.1 s
/// with one a core (2 cores). The others keep the default: their tests compute.
pub const TEST_THREADS: &[(&str, &str)] = &[("salesflow", "8")];

/// The tests of a full run: the package's unit and integration tests (and examples marked `test
/// = true`), not its doctests, which compile one by one (each mutant several times slower).
pub const FULL_TESTS: &[&str] = &["--tests"];

/// Features of one package's run (those of [`CONFIG`] would apply to every package): code
/// behind a feature is compiled, so mutated, only with it, and its tests run only then.
pub const PACKAGE_FEATURES: &[(&str, &[&str])] = &[
    // src/otel.rs and tests/opentelemetry.rs; src/postgres.rs and tests/pg_journal.rs.
    ("salesflow", &["opentelemetry", "postgres"]),
    // The JSON Schema impls of the payload's types.
    ("salesflow-webhook-types", &["schemars"]),
];

/// Text a cargo-mutants mutation leaves in a file; found in a file in scope, it means an
/// earlier in-place run was killed before it could restore the file.
pub const MUTATION_MARK: &str = "~ changed by cargo-mutants ~";

/// The regexes on mutant names (`FILE:LINE:COLUMN: MUTATION`) of the [`STRICT`] code in the
/// files `files` admits: a quick run's `--re`, and what the verdict calls strict.
pub fn strict_name_patterns(files: impl Fn(&str) -> bool) -> Vec<String> {
    STRICT
        .iter()
        .filter(|(file, _)| files(file))
        .map(|(file, prefix)| match *prefix {
            "" => format!("^{}:", regex::escape(file)),
            prefix => format!("^{}:.*{}", regex::escape(file), regex::escape(prefix)),
        })
        .collect()
}

/// `patterns` as one set; `what` names them in the error.
pub fn regex_set<S: AsRef<str>>(patterns: &[S], what: &str) -> Result<RegexSet, String> {
    let patterns = patterns.iter().map(AsRef::as_ref);
    RegexSet::new(patterns).map_err(|e| format!("{what}: {e}"))
}

/// The `exclude_re` entries of the configuration `text` ([`CONFIG`]), and the configuration
/// without them: what cargo-mutants lists with nothing excluded. An entry without a comment
/// before it (its reason) or with a line number (`.rs:12`) is an error.
pub fn split_exclusions(text: &str) -> Result<(Vec<String>, String), String> {
    let mut config: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{CONFIG}: {e}"))?;
    let none = || toml_edit::value(toml_edit::Array::new());
    let item = config.remove("exclude_re").unwrap_or_else(none);
    let not_array = format!("{CONFIG}: exclude_re is not an array");
    let array = item.as_array().ok_or(not_array)?;
    let mut entries = Vec::new();
    for value in array {
        let not_string = || format!("{CONFIG}: exclude_re holds {value}");
        let entry = value.as_str().ok_or_else(not_string)?;
        let reason = value.decor().prefix().and_then(|p| p.as_str());
        let line = (0..10).any(|digit| entry.contains(&format!(".rs:{digit}")));
        let why = match (reason.is_some_and(|p| p.contains('#')), line) {
            (false, _) => "has no comment before it giving its reason",
            (true, true) => "names a line: leave the line and column open (`\\d+:\\d+`)",
            (true, false) => {
                entries.push(entry.to_owned());
                continue;
            }
        };
        return Err(format!("{CONFIG}: the exclude_re entry `{entry}` {why}"));
    }
    Ok((entries, config.to_string()))
}

/// The `exclude_re` entries (`excluded`) that match none of `names`, the mutants in scope with
/// nothing excluded: each names a mutant that no longer exists (or is out of scope).
pub fn stale_exclusions<'a>(excluded: &'a RegexSet, names: &[&str]) -> Vec<&'a str> {
    let matched: BTreeSet<usize> = names.iter().flat_map(|n| excluded.matches(n)).collect();
    let stale = excluded.patterns().iter().enumerate();
    let stale = stale.filter(|(i, _)| !matched.contains(i));
    stale.map(|(_, p)| p.as_str()).collect()
}

/// One mutant, as `cargo mutants --list --json` describes it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Mutant {
    /// The name with line and column: `crates/x/src/a.rs:12:5: replace f -> bool with true`.
    pub name: String,
    /// The package.
    pub package: String,
    /// The file, relative to the workspace root.
    pub file: String,
}

/// The lists cargo-mutants writes in `mutants.out`, one mutant name a line, by outcome (the
/// columns of the figures after `tested`).
pub const OUTCOMES: [&str; 4] = ["caught.txt", "missed.txt", "unviable.txt", "timeout.txt"];

/// Missed / (caught + missed + timeouts), of a package's figures.
pub fn missed_rate([_, caught, missed, _, timeouts]: [usize; 5]) -> f64 {
    missed as f64 / (caught + missed + timeouts).max(1) as f64
}

/// The verdict on a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Per package, the mutants tested, caught, missed, unviable and timed out.
    pub packages: BTreeMap<String, [usize; 5]>,
    /// Survivors in the strict code (names with line numbers).
    pub strict_survivors: Vec<String>,
    /// Survivors elsewhere.
    pub other_survivors: Vec<String>,
    /// Whether a package over [`MAX_MISSED_RATE`] fails the run (a full run).
    pub full: bool,
}

impl Report {
    /// Adds what `package`'s run tested ([`OUTCOMES`] in `mutants_out`) that `keep` admits; a
    /// survivor whose name `strict` matches ([`strict_name_patterns`]) fails the run.
    pub fn add(
        &mut self,
        package: &str,
        mutants_out: &Path,
        keep: impl Fn(&str) -> bool,
        strict: &RegexSet,
    ) -> Result<(), String> {
        let figures = self.packages.entry(package.to_owned()).or_default();
        for (i, file) in OUTCOMES.into_iter().enumerate() {
            let path = mutants_out.join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for name in text.lines().filter(|l| !l.is_empty() && keep(l)) {
                figures[0] += 1;
                figures[i + 1] += 1;
                if file != "missed.txt" {
                    continue;
                }
                if strict.is_match(name) {
                    self.strict_survivors.push(name.to_owned());
                } else {
                    self.other_survivors.push(name.to_owned());
                }
            }
        }
        Ok(())
    }

    /// The packages over the missed-rate budget, in a full run.
    pub fn over_budget(&self) -> impl Iterator<Item = &str> {
        let over = self
            .packages
            .iter()
            .filter(|(_, f)| missed_rate(**f) > MAX_MISSED_RATE);
        over.filter(|_| self.full).map(|(p, _)| p.as_str())
    }

    /// Whether the run passes.
    pub fn ok(&self) -> bool {
        self.strict_survivors.is_empty() && self.over_budget().next().is_none()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<26} {:>6} {:>6} {:>6} {:>8} {:>8} {:>11}",
            "package", "tested", "caught", "missed", "unviable", "timeouts", "missed rate"
        )?;
        let mut total = [0; 5];
        for counts in self.packages.values() {
            total.iter_mut().zip(counts).for_each(|(t, n)| *t += n);
        }
        let all = (self.packages.len() > 1).then_some(("all", &total));
        let rows = self.packages.iter().map(|(p, c)| (p.as_str(), c));
        for (name, counts) in rows.chain(all) {
            let [tested, caught, missed, unviable, timeouts] = counts;
            let rate = missed_rate(*counts) * 100.0;
            let row = format!("{tested:>6} {caught:>6} {missed:>6} {unviable:>8} {timeouts:>8}");
            writeln!(f, "{name:<26} {row} {rate:>10.1}%")?;
        }
        writeln!(
            f,
            "(missed rate: missed / (caught + missed + timeouts); what exclude_re in {CONFIG} \
             matches is not counted)"
        )?;
        let strict = format!(
            "SURVIVED in the security and retry code (kill it with a test, or, if it is truly \
             harmless, add it to exclude_re in {CONFIG} with a comment giving the reason):"
        );
        let other = "survived elsewhere (within the missed-rate budget):".to_owned();
        let lists = [
            (strict, &self.strict_survivors),
            (other, &self.other_survivors),
        ];
        for (heading, items) in lists.iter().filter(|(_, items)| !items.is_empty()) {
            writeln!(f, "\n{heading}")?;
            items.iter().try_for_each(|item| writeln!(f, "  {item}"))?;
        }
        for package in self.over_budget() {
            let max = MAX_MISSED_RATE * 100.0;
            writeln!(
                f,
                "\nOVER BUDGET: {package} keeps more than {max:.0}% of its mutants alive"
            )?;
        }
        Ok(())
    }
}

/// The arguments of one package's `cargo mutants` run (after `cargo`), writing to `out`:
/// `files` holds the package's files in scope, `left_out` the strict files `--since` leaves out.
pub fn package_args(
    request: &Request,
    package: &str,
    files: &BTreeSet<&str>,
    left_out: &BTreeSet<String>,
    out: &Path,
) -> Vec<String> {
    let mut args: Vec<String> = ["mutants", "--package", package, "--in-place", "--output"]
        .map(str::to_owned)
        .into();
    args.push(out.display().to_string());
    if request.quick {
        let strict = |f: &str| STRICT.iter().any(|(s, _)| *s == f) && !left_out.contains(f);
        for p in strict_name_patterns(|f| files.contains(f) && strict(f)) {
            args.extend(["--re".to_owned(), p]);
        }
        // Files without strict code are left out whole (cargo-mutants 27.1 does not apply
        // `--re` to "delete field" mutants).
        let lax = files.iter().filter(|f| !strict(f));
        args.extend(lax.map(|f| format!("--exclude={f}")));
    }
    let mut quick_tests = QUICK_TESTS
        .iter()
        .filter(|(p, _)| request.quick && *p == package);
    // To every cargo command, the build included: `--cargo-test-arg` would build every test
    // target and run only these. A value that starts with `-` needs the `=` form.
    let tests = quick_tests.next().map_or(FULL_TESTS, |(_, t)| *t);
    args.extend(tests.iter().map(|t| format!("--cargo-arg={t}")));
    let features = PACKAGE_FEATURES.iter().filter(|(p, _)| *p == package);
    args.extend(features.flat_map(|(_, f)| f.iter().map(|f| format!("--features={f}"))));
    args.extend(request.extra.iter().cloned());
    if request.list {
        args.push("--list".to_owned());
    }
    args
}

// ---------------------------------------------------------------------------------------------
// The run

/// What `cargo xtask mutants` was asked for (its command line).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct Request {
    /// Only the security and retry code, with the tests that pin it (CI)
    #[arg(long)]
    pub quick: bool,
    /// Only this crate's mutants
    #[arg(long, value_name = "NAME")]
    pub package: Option<String>,
    /// Only list what each cargo-mutants run would test (`cargo mutants --list`), and count
    #[arg(long)]
    pub list: bool,
    /// With --quick: the import journal's files only if they changed since this git
    /// revision (CI: HEAD^)
    #[arg(long, value_name = "REV", requires = "quick")]
    pub since: Option<String>,
    /// Passed on to each cargo-mutants run (e.g. --iterate, --re REGEX)
    #[arg(last = true, value_name = "CARGO-MUTANTS-ARGS")]
    pub extra: Vec<String>,
}

/// The [`WHEN_CHANGED`] files that do not differ from `rev` (the working tree included): a
/// quick run leaves them out.
pub fn unchanged_since(root: &Path, rev: &str) -> Result<BTreeSet<String>, String> {
    let mut diff = Command::new("git");
    diff.current_dir(root)
        .args(["diff", "--name-only", rev, "--"])
        .args(WHEN_CHANGED);
    let changed = crate::output(&mut diff, &format!("git diff --name-only {rev}"))?;
    let changed: BTreeSet<&str> = changed.lines().collect();
    let unchanged = WHEN_CHANGED.iter().filter(|f| !changed.contains(*f));
    Ok(unchanged.map(|f| f.to_string()).collect())
}

/// Runs cargo-mutants (`cargo` is the cargo to run it with) over the workspace at `root`, one
/// package at a time, prints the figures and the verdict, and returns whether the run passed.
pub fn run(cargo: &OsStr, root: &Path, request: &Request) -> Result<bool, String> {
    let started = Instant::now();
    let quick = request.quick;
    // Installs the pinned cargo-mutants (`.ci/tools`) unless it is there.
    let install = ".ci/install-tool cargo-mutants";
    let mut bash = Command::new("bash");
    crate::status(bash.current_dir(root).args(install.split(' ')), install)?;
    let (in_scope, excluded) = list_in_scope(cargo, root)?;
    // Only with `--quick`, which `--since` requires.
    let left_out = match &request.since {
        Some(rev) => unchanged_since(root, rev)?,
        None => BTreeSet::new(),
    };
    let strict = strict_name_patterns(|f| !left_out.contains(f));
    let strict = regex_set(&strict, "STRICT")?;
    // cargo-mutants 27.1 tests "delete field" mutants whatever `--re` and `exclude_re` say.
    let wanted = |name: &str| !excluded.is_match(name) && (!quick || strict.is_match(name));
    let mut per_package: BTreeMap<&str, usize> = BTreeMap::new();
    for m in in_scope.iter().filter(|m| wanted(&m.name)) {
        if request.package.as_ref().is_none_or(|p| *p == m.package) {
            *per_package.entry(&m.package).or_default() += 1;
        }
    }
    if let Some(p) = request
        .package
        .as_ref()
        .filter(|p| !per_package.contains_key(p.as_str()))
    {
        return Err(format!("no mutant of a package `{p}` is in scope"));
    }
    let plan: String = per_package
        .iter()
        .map(|(p, n)| format!("{p}: {n} mutant(s); "))
        .collect();
    let what = if quick {
        "quick: the security and retry code, with the tests that pin it"
    } else {
        "full: every mutant in .cargo/mutants.toml's scope, with every unit and integration test of its crate"
    };
    println!("mutants: {plan}{what}");
    if let (Some(rev), false) = (&request.since, left_out.is_empty()) {
        let files: Vec<&str> = left_out.iter().map(String::as_str).collect();
        println!(
            "mutants: left out, unchanged since {rev}: {} (`--quick` without `--since` mutates them)",
            files.join(", ")
        );
    }
    let mut report = Report {
        full: !quick,
        ..Report::default()
    };
    let run = if quick { "quick" } else { "full" };
    for package in per_package.keys() {
        let files = in_scope.iter().filter(|m| m.package == *package);
        let files: BTreeSet<&str> = files.map(|m| m.file.as_str()).collect();
        let out = root.join(OUT_DIR).join(run).join(package);
        std::fs::create_dir_all(&out)
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        let args = package_args(request, package, &files, &left_out, &out);
        if request.list {
            let what = format!("cargo {}", args.join(" "));
            let listed = crate::output(Command::new(cargo).current_dir(root).args(&args), &what)?;
            println!(
                "{package}: {} mutant(s) with `{what}`",
                listed.lines().count()
            );
        } else {
            run_package(cargo, root, package, &args, &out)?;
            report.add(package, &out.join("mutants.out"), wanted, &strict)?;
        }
    }
    if request.list {
        return Ok(true);
    }
    let seconds = started.elapsed().as_secs();
    let run = if quick { " --quick" } else { "" };
    println!("\nmutants{run}: {seconds} s\n{report}");
    if report.ok() {
        println!("mutants: ok");
    } else {
        eprintln!("mutants: FAIL");
    }
    Ok(report.ok())
}

/// The mutants in scope, from cargo-mutants itself (it reads [`CONFIG`] without `exclude_re`,
/// written to [`UNEXCLUDED`]), less those `exclude_re` (returned) matches.
/// An error if an `exclude_re` entry matches none of them ([`stale_exclusions`]), or if an
/// earlier in-place run left a mutation behind (a file in scope with [`MUTATION_MARK`]).
fn list_in_scope(cargo: &OsStr, root: &Path) -> Result<(Vec<Mutant>, RegexSet), String> {
    let config = std::fs::read_to_string(root.join(CONFIG))
        .map_err(|e| format!("cannot read {CONFIG}: {e}"))?;
    let (exclude_re, unexcluded) = split_exclusions(&config)?;
    let excluded = regex_set(&exclude_re, &format!("{CONFIG}: exclude_re"))?;
    let path = root.join(UNEXCLUDED);
    std::fs::create_dir_all(root.join(OUT_DIR))
        .and_then(|()| std::fs::write(&path, unexcluded))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let what = format!("cargo mutants --list --json --config {}", path.display());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["mutants", "--list", "--json", "--config"]);
    command.arg(&path);
    let listed: Vec<Mutant> = serde_json::from_str(&crate::output(&mut command, &what)?)
        .map_err(|e| format!("{what}: {e}"))?;
    let names: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
    let stale = stale_exclusions(&excluded, &names);
    if !stale.is_empty() {
        return Err(format!(
            "STALE exclude_re entries in {CONFIG}, matching no mutant in scope (remove them, or \
             fix them to the mutant's new name):\n  {}",
            stale.join("\n  ")
        ));
    }
    let files: BTreeSet<&str> = listed.iter().map(|m| m.file.as_str()).collect();
    let marked = |f: &&str| {
        std::fs::read_to_string(root.join(f)).is_ok_and(|text| text.contains(MUTATION_MARK))
    };
    let leftovers: Vec<&str> = files.into_iter().filter(marked).collect();
    if !leftovers.is_empty() {
        return Err(format!(
            "a mutation is still in {} (an in-place run was killed before it could restore \
             the file): `git checkout` it first",
            leftovers.join(", ")
        ));
    }
    let in_scope = listed.into_iter().filter(|m| !excluded.is_match(&m.name));
    Ok((in_scope.collect(), excluded))
}

/// One package's cargo-mutants run, writing to `out`.
fn run_package(
    cargo: &OsStr,
    root: &Path,
    package: &str,
    args: &[String],
    out: &Path,
) -> Result<(), String> {
    println!("\n==> cargo {}", args.join(" "));
    let t0 = Instant::now();
    let threads = TEST_THREADS.iter().filter(|(p, _)| *p == package);
    // Each mutant changes one function of a crate built just before: incremental rebuilds
    // (the dev profile's default, which CI turns off for its other, from-scratch builds).
    let status = Command::new(cargo)
        .current_dir(root)
        .args(args)
        .env("CARGO_INCREMENTAL", "1")
        // Each mutant runs every property test to its end unless one fails: fewer random
        // cases than a plain `cargo test` (deterministic tests pin what must be caught).
        .env("PROPTEST_CASES", PROPTEST_CASES)
        .envs(threads.map(|(_, n)| ("RUST_TEST_THREADS", *n)))
        .status()
        .map_err(|e| format!("cannot run cargo mutants: {e}"))?;
    // 0: all caught; 2: some missed; 3: some timed out. Anything else (4: the unmutated
    // baseline failed) gives no verdict.
    if !matches!(status.code(), Some(0 | 2 | 3)) {
        let log = out.join("mutants.out/log");
        let log = log.display();
        return Err(format!(
            "cargo mutants failed for {package} ({status}); see {log}"
        ));
    }
    println!("({package}: {} s)", t0.elapsed().as_secs());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> RegexSet {
        regex_set(&strict_name_patterns(|_| true), "STRICT").unwrap()
    }

    #[test]
    fn strict_code_is_matched_by_file_and_function_prefix() {
        let strict = strict();
        let is_strict = |name: &str| strict.is_match(name);
        assert!(is_strict(
            "crates/salesflow/src/retry.rs:3:1: delete field x from struct Y expression"
        ));
        assert!(is_strict(
            "crates/salesflow/src/error.rs:9:5: replace snippet -> String with String::new()"
        ));
        assert!(is_strict(
            "crates/salesflow-token/src/redact.rs:1:1: replace == with != in Redactor::redact"
        ));
        assert!(is_strict(
            "crates/salesflow-token/src/lib.rs:2:2: replace <impl fmt::Debug for ApiToken>::fmt \
             -> fmt::Result with Ok(Default::default())"
        ));
        assert!(!is_strict(
            "crates/salesflow-api/src/hooks.rs:1:1: replace <impl ClientHooks<ClientState> for \
             Client>::exec -> Result<(), Error> with Ok(())"
        ));
        assert!(!is_strict(
            "crates/salesflow/src/error.rs:5:5: replace map_raw_error -> Error with Default::default()"
        ));
        assert!(!is_strict(
            "crates/salesflow/src/error.rs:5:5: delete field kind from struct ApiError expression in map_raw_error"
        ));
        assert!(is_strict(
            "crates/salesflow/src/client.rs:7:9: replace <impl fmt::Debug for ClientBuilder>::fmt \
             -> fmt::Result with Ok(Default::default())"
        ));
        assert!(!is_strict(
            "crates/salesflow/src/client.rs:7:9: replace Client::send -> Call with Default::default()"
        ));
        // Another file whose name starts like a strict one's.
        assert!(!is_strict(
            "crates/salesflow/src/retry.rs.bak:1:1: replace f -> bool with true"
        ));
    }

    #[test]
    fn name_patterns_escape_the_text() {
        let p = strict_name_patterns(|f| f.ends_with("client.rs"));
        assert_eq!(
            p,
            [
                r"^crates/salesflow/src/client\.rs:.*<impl fmt::Debug for Client>::",
                r"^crates/salesflow/src/client\.rs:.*<impl fmt::Debug for ClientBuilder>::",
            ]
        );
    }

    #[test]
    fn exclusions_need_a_reason_and_no_line_number() {
        let config = "examine_globs = [\"a/**\"]\n\
                      exclude_re = [\n    # a Debug text\n    '^a\\.rs:\\d+:\\d+: replace f$',\n\
                      \x20   # equivalent\n    'b\\.rs:\\d+:\\d+: replace g$',\n]\n";
        let (entries, rest) = split_exclusions(config).unwrap();
        assert_eq!(
            entries,
            [r"^a\.rs:\d+:\d+: replace f$", r"b\.rs:\d+:\d+: replace g$"]
        );
        assert_eq!(rest, "examine_globs = [\"a/**\"]\n");
        let (entries, _) = split_exclusions("examine_globs = []\n").unwrap();
        assert!(entries.is_empty());
        for bad in [
            "exclude_re = ['^a\\.rs:\\d+:\\d+: replace f$']",
            "exclude_re = [\n  # why\n  '^a\\.rs:12:5: replace f$']",
            "exclude_re = '^a'",
            "exclude_re = [\n  # why\n  1]",
            "exclude_re = [",
        ] {
            assert!(split_exclusions(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_workspace_exclusions_parse_with_their_reasons() {
        let config = include_str!("../../.cargo/mutants.toml");
        let (entries, rest) = split_exclusions(config).unwrap();
        assert!(!entries.is_empty());
        regex_set(&entries, "exclude_re").unwrap();
        assert!(rest.contains("examine_globs") && !rest.contains("exclude_re ="));
    }

    #[test]
    fn an_exclusion_matching_no_mutant_is_stale() {
        let excluded = regex_set(
            &[
                r"^a\.rs:\d+:\d+: replace h$",
                r"^a\.rs:\d+:\d+: replace gone$",
                r"replace k$",
            ],
            "exclude_re",
        )
        .unwrap();
        let listed = [
            "a.rs:9:1: replace h",
            "b.rs:3:3: replace k",
            "a.rs:1:1: replace g",
        ];
        assert_eq!(
            stale_exclusions(&excluded, &listed),
            [r"^a\.rs:\d+:\d+: replace gone$"]
        );
        assert!(stale_exclusions(&excluded, &listed[..1]).len() == 2);
    }

    /// A `mutants.out` with `lists`: the names of each of [`OUTCOMES`], in order.
    fn mutants_out(lists: [&[&str]; 4]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (file, names) in OUTCOMES.into_iter().zip(lists) {
            let text: String = names.iter().map(|n| format!("{n}\n")).collect();
            std::fs::write(dir.path().join(file), text).unwrap();
        }
        dir
    }

    #[test]
    fn verdict() {
        let strict_name = "crates/salesflow/src/retry.rs:10:5: replace > with >= in f";
        let other = "crates/salesflow/src/pacing.rs:3:1: replace g";
        let caught = "crates/salesflow/src/pacing.rs:12:1: replace k";
        let unviable = "crates/salesflow/src/pacing.rs:13:1: replace u";
        let out = mutants_out([&[caught], &[strict_name, other], &[unviable], &[]]);
        let mut full = Report {
            full: true,
            ..Report::default()
        };
        full.add("p", out.path(), |_| true, &strict()).unwrap();
        assert_eq!(full.packages["p"], [4, 1, 2, 1, 0]);
        assert_eq!(full.strict_survivors, [strict_name]);
        assert_eq!(full.other_survivors, [other]);
        assert_eq!(full.over_budget().collect::<Vec<_>>(), ["p"]);
        assert!(!full.ok());
        let text = full.to_string();
        assert!(
            text.contains("SURVIVED in the security and retry code"),
            "{text}"
        );
        assert!(
            text.contains("\n  crates/salesflow/src/retry.rs:10:5:"),
            "{text}"
        );
        assert!(text.contains("OVER BUDGET: p"), "{text}");
        assert!(text.contains("66.7%") && !text.contains("\nall "), "{text}");
        // A quick run: no budget, but the strict survivor still fails it.
        let mut quick = Report::default();
        quick.add("p", out.path(), |_| true, &strict()).unwrap();
        assert!(quick.over_budget().next().is_none());
        assert!(!quick.ok());
        // What `keep` leaves out is not counted: only the allowed survivor, within the budget
        // (1 of 21 viable mutants): ok; a second package makes a row for all.
        let caught: Vec<String> = (0..20).map(|i| format!("q.rs:{i}:1: replace f")).collect();
        let caught: Vec<&str> = caught.iter().map(String::as_str).collect();
        let out = mutants_out([&caught, &[strict_name, other], &[], &[]]);
        full = Report {
            full: true,
            ..Report::default()
        };
        full.add("p", out.path(), |name| name != strict_name, &strict())
            .unwrap();
        full.add(
            "q",
            mutants_out([&[], &[], &[], &[]]).path(),
            |_| true,
            &strict(),
        )
        .unwrap();
        assert_eq!(full.packages["p"], [21, 20, 1, 0, 0]);
        assert!(missed_rate(full.packages["p"]) <= MAX_MISSED_RATE);
        assert_eq!(missed_rate(full.packages["q"]), 0.0);
        assert!(full.ok(), "{full}");
        assert!(full.to_string().contains("\nall "), "{full}");
        // No list: no verdict.
        let empty = tempfile::tempdir().unwrap();
        assert!(Report::default()
            .add("p", empty.path(), |_| true, &strict())
            .is_err());
    }

    #[test]
    fn package_args_pick_the_tests() {
        let out = Path::new("/o");
        let quick = Request {
            quick: true,
            ..Request::default()
        };
        let files = BTreeSet::from([
            "crates/salesflow/src/retry.rs",
            "crates/salesflow/src/bulk.rs",
        ]);
        let (none, nothing_left_out) = (BTreeSet::new(), BTreeSet::new());
        let args = package_args(&quick, "salesflow", &files, &nothing_left_out, out);
        assert!(args.contains(&"--cargo-arg=--lib".to_owned()));
        assert!(!args.contains(&"--cargo-arg=--test".to_owned()));
        assert!(args
            .windows(2)
            .any(|w| w == ["--re", r"^crates/salesflow/src/retry\.rs:"]));
        assert!(args.contains(&"--exclude=crates/salesflow/src/bulk.rs".to_owned()));
        assert!(args.contains(&"--features=opentelemetry".to_owned()));
        // `--since` left the strict file out: excluded, not selected.
        let left_out = BTreeSet::from(["crates/salesflow/src/retry.rs".to_owned()]);
        let args = package_args(&quick, "salesflow", &files, &left_out, out);
        assert!(!args.contains(&"--re".to_owned()));
        assert!(args.contains(&"--exclude=crates/salesflow/src/retry.rs".to_owned()));
        let secret = package_args(
            &quick,
            "salesflow-webhook-types",
            &none,
            &nothing_left_out,
            out,
        );
        assert!(secret
            .windows(2)
            .any(|w| w == ["--cargo-arg=--test", "--cargo-arg=secret"]));
        let full = Request {
            extra: vec!["--iterate".into()],
            ..Request::default()
        };
        let cli = package_args(&full, "salesflow-cli", &files, &nothing_left_out, out);
        assert!(cli.contains(&"--cargo-arg=--tests".to_owned()));
        assert!(!cli
            .iter()
            .any(|a| a == "--re" || a.starts_with("--exclude")));
        // A feature of salesflow is not one of the CLI's: cargo would refuse the build.
        assert!(!cli.iter().any(|a| a.starts_with("--features")));
        assert_eq!(cli.last().map(String::as_str), Some("--iterate"));
        // Nor a feature of the webhook types one of the token's (it does not depend on them).
        let token = package_args(&quick, "salesflow-token", &none, &nothing_left_out, out);
        assert!(!token.iter().any(|a| a.starts_with("--features")));
        let types = package_args(
            &full,
            "salesflow-webhook-types",
            &none,
            &nothing_left_out,
            out,
        );
        assert!(types.contains(&"--features=schemars".to_owned()));
        let list = Request {
            list: true,
            ..quick
        };
        let listed = package_args(&list, "salesflow", &files, &nothing_left_out, out);
        assert_eq!(listed.last().map(String::as_str), Some("--list"));
    }
}
