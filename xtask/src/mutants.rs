//! `cargo xtask mutants [--quick]`: mutation testing with cargo-mutants, and the check of
//! its results against the exceptions file (TESTING.md).
//!
//! What is mutated, and how (timeouts, which packages' tests), is said in
//! `.cargo/mutants.toml`, which cargo-mutants reads itself (a bare `cargo mutants` too). This
//! module adds what cannot be said there: the code where no survivor is allowed
//! ([`STRICT`]), each package's tests and features ([`QUICK_TESTS`], [`FULL_TESTS`],
//! [`PACKAGE_FEATURES`]; the config file's settings apply to every package alike), the
//! survivors allowed elsewhere ([`MAX_MISSED_RATE`]) and the harmless ones ([`EXCEPTIONS`]).
//!
//! Each package is run on its own (`cargo mutants -p PACKAGE --in-place`): its mutants are
//! tested by its own tests, in the workspace's own build directory, so nothing is built
//! twice. `--in-place` mutates the working tree (cargo-mutants restores every file, also on
//! Ctrl-C); do not edit or build the workspace while it runs.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;
use std::time::Instant;

use regex::Regex;
use serde::{Deserialize, Deserializer};

/// The exceptions file, relative to the workspace root: harmless survivors, each with a
/// reason, named without line and column so that edits elsewhere in the file keep the match.
/// An exception that matches no survivor is stale and fails the check.
pub const EXCEPTIONS: &str = ".cargo/mutants-exceptions.txt";

/// The largest share of a crate's viable mutants (caught, missed or timed out) that may
/// survive in a full run.
pub const MAX_MISSED_RATE: f64 = 0.05;

/// The security and retry code, where every survivor must be killed or listed in
/// [`EXCEPTIONS`]: what `--quick` (CI) mutates. One entry per line: the source file (relative
/// to the workspace root), and the functions as cargo-mutants names them (`Type::method`,
/// `<impl Trait for Type>::method`) by prefix, or `""` for the whole file.
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

/// Files of the [`STRICT`] code that `--quick --since REV` mutates only when they changed
/// since `REV` (CI passes the previous commit): the import journal, whose mutants cost the
/// most to test (the `salesflow` crate rebuilt for each) and which changes least. A full run,
/// and `--quick` without `--since`, still mutate them, and survivors there still fail.
pub const WHEN_CHANGED: &[&str] = &[
    "crates/salesflow/src/import/file.rs",
    "crates/salesflow/src/import/keys.rs",
];

/// The tests `--quick` runs for each package: those that pin the [`STRICT`] code. A test that
/// kills a strict mutant belongs in one of them. (Each test target is built again for every
/// mutant: the fewer, the faster; the journal's are its unit tests.) The unit tests of
/// `salesflow-token` and `salesflow` pin every strict decision, so their integration tests
/// (the redactor's property test, `retries`, `redaction`: run by `cargo test` and by a full
/// run) are not rebuilt for each mutant. Measured on an idle machine, 0 missed each way:
/// `salesflow-token` 139 s against 182 s, `salesflow` 68 s against 122 s (its 34 strict
/// mutants outside the journal).
#[rustfmt::skip]
pub const QUICK_TESTS: &[(&str, &[&str])] = &[
    ("salesflow-webhook-types", &["--lib", "--test", "secret"]),
    ("salesflow-token", &["--lib"]),
    ("salesflow", &["--lib"]),
    ("salesflow-cli", &["--lib"]),
];

/// The property tests' cases per mutant (`PROPTEST_CASES`, read by proptest's default
/// configuration and by the tests that set their own count from it).
pub const PROPTEST_CASES: &str = "48";

/// Test threads per test binary for one package's run (`RUST_TEST_THREADS`), where its tests
/// mostly wait (for a `Retry-After`, a timeout, a server) rather than compute: `salesflow`'s
/// retry tests take 1.7 s with 8 threads against 3.1 s with one a core (2 cores), and every
/// mutant of a full run runs them. The others keep the default: their tests compute.
pub const TEST_THREADS: &[(&str, &str)] = &[("salesflow", "8")];

/// The tests of a full run: every unit and integration test of the mutant's package (and
/// the examples marked `test = true`), not the doctests, which compile one by one and would
/// make each mutant several times slower.
pub const FULL_TESTS: &[&str] = &["--tests"];

/// Features turned on for one package's run (`.cargo/mutants.toml` names none: its features
/// would apply to every package, and not every package has the same dependencies).
/// Code behind a feature is compiled, so mutated, only with it, and its tests run only then.
pub const PACKAGE_FEATURES: &[(&str, &[&str])] = &[
    // src/otel.rs and tests/opentelemetry.rs; src/postgres.rs and tests/pg_journal.rs.
    ("salesflow", &["opentelemetry", "postgres"]),
    // The JSON Schema impls of the payload's types.
    ("salesflow-webhook-types", &["schemars"]),
];

/// Whether the mutant named `function` in `file` is in the [`STRICT`] code.
pub fn is_strict(file: &str, function: Option<&str>) -> bool {
    STRICT.iter().any(|(f, prefix)| {
        *f == file && (prefix.is_empty() || function.is_some_and(|name| name.starts_with(prefix)))
    })
}

/// The `--re` regular expressions (on mutant names) that select the [`STRICT`] code of
/// `package`'s files. cargo-mutants 27.1 does not apply them to "delete field" mutants, so
/// the results are filtered with [`is_strict`] too.
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

/// One mutant, as cargo-mutants describes it in `mutants.json` and `outcomes.json`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Mutant {
    /// The name with line and column: `crates/x/src/a.rs:12:5: replace f -> bool with true`.
    pub name: String,
    /// The package.
    pub package: String,
    /// The file, relative to the workspace root.
    pub file: String,
    /// The enclosing function, if any.
    #[serde(default, deserialize_with = "function_name")]
    pub function: Option<String>,
}

/// `{"function_name": NAME, ...}` or `null`.
fn function_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Function {
        function_name: String,
    }
    Ok(Option::<Function>::deserialize(d)?.map(|f| f.function_name))
}

impl Mutant {
    /// The name without the line and column: how exceptions name it.
    pub fn key(&self) -> String {
        mutant_key(&self.name)
    }

    /// Whether it is in the [`STRICT`] code.
    pub fn is_strict(&self) -> bool {
        is_strict(&self.file, self.function.as_deref())
    }
}

/// `file:LINE:COLUMN: mutation` without `:LINE:COLUMN`.
pub fn mutant_key(name: &str) -> String {
    static LINE_COLUMN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new("^([^:]*):[0-9]+:[0-9]+:").expect("a valid regex"));
    LINE_COLUMN.replace(name, "${1}:").into_owned()
}

/// What happened to a mutant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// A test failed.
    Caught,
    /// Every test passed.
    Missed,
    /// It did not compile.
    Unviable,
    /// The tests did not finish in time.
    Timeout,
}

/// The mutants of a run's `outcomes.json`, with what happened to each (the baseline left
/// out); an error if the baseline failed.
pub fn parse_outcomes(json: &str) -> Result<Vec<(Mutant, Outcome)>, String> {
    #[derive(Deserialize)]
    struct Outcomes {
        outcomes: Vec<Scenario>,
    }
    #[derive(Deserialize)]
    struct Scenario {
        scenario: Subject,
        summary: String,
    }
    #[derive(Deserialize)]
    enum Subject {
        Baseline,
        Mutant(Mutant),
    }
    let outcomes: Outcomes =
        serde_json::from_str(json).map_err(|e| format!("outcomes.json: {e}"))?;
    let mut out = Vec::new();
    for Scenario { scenario, summary } in outcomes.outcomes {
        let Subject::Mutant(mutant) = scenario else {
            match summary.as_str() {
                "Success" => continue,
                _ => return Err(format!("the unmutated baseline failed ({summary})")),
            }
        };
        let outcome = match summary.as_str() {
            "CaughtMutant" => Outcome::Caught,
            "MissedMutant" => Outcome::Missed,
            "Unviable" => Outcome::Unviable,
            "Timeout" => Outcome::Timeout,
            other => return Err(format!("outcomes.json: unexpected summary `{other}`")),
        };
        out.push((mutant, outcome));
    }
    Ok(out)
}

/// A survivor that is allowed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    /// The mutant's name without line and column ([`mutant_key`]).
    pub key: String,
    /// Why it may survive.
    pub reason: String,
    /// Its line in the exceptions file.
    pub line: usize,
}

/// Reads the exceptions file: `#` comments and blank lines, then for each exception a line
/// `reason: WHY` followed by the mutant's name without line and column. A mutant without a
/// reason, a reason without a mutant, a name with a line number or a mutant listed twice is
/// an error.
pub fn parse_exceptions(text: &str) -> Result<Vec<Exception>, String> {
    let mut out: Vec<Exception> = Vec::new();
    let mut reason: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(why) = line.strip_prefix("reason:") {
            if let Some((at, _)) = reason {
                return Err(format!("{EXCEPTIONS}:{at}: a reason without a mutant"));
            }
            let why = why.trim();
            if why.is_empty() {
                return Err(format!("{EXCEPTIONS}:{n}: an empty reason"));
            }
            reason = Some((n, why.to_owned()));
            continue;
        }
        let Some((_, why)) = reason.take() else {
            return Err(format!(
                "{EXCEPTIONS}:{n}: `{line}` has no `reason:` line before it"
            ));
        };
        if mutant_key(line) != line {
            return Err(format!(
                "{EXCEPTIONS}:{n}: name the mutant without its line and column: `{}`",
                mutant_key(line)
            ));
        }
        if out.iter().any(|e| e.key == line) {
            return Err(format!("{EXCEPTIONS}:{n}: `{line}` is listed twice"));
        }
        out.push(Exception {
            key: line.to_owned(),
            reason: why,
            line: n,
        });
    }
    if let Some((at, _)) = reason {
        return Err(format!("{EXCEPTIONS}:{at}: a reason without a mutant"));
    }
    Ok(out)
}

/// The figures of one package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Mutants tested.
    pub tested: usize,
    /// Caught by a test.
    pub caught: usize,
    /// Not caught (listed exceptions included).
    pub missed: usize,
    /// Did not compile.
    pub unviable: usize,
    /// Made the tests time out.
    pub timeouts: usize,
}

impl Figures {
    /// `missed` as a share of the mutants that compiled.
    pub fn missed_rate(&self) -> f64 {
        let viable = self.caught + self.missed + self.timeouts;
        self.missed as f64 / viable.max(1) as f64
    }
}

/// The verdict on a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Per package.
    pub packages: BTreeMap<String, Figures>,
    /// Survivors in the strict code that no exception lists (names with line numbers).
    pub strict_survivors: Vec<String>,
    /// Survivors elsewhere that no exception lists.
    pub other_survivors: Vec<String>,
    /// Survivors excused by an exception.
    pub excused: usize,
    /// Exceptions that match no survivor: (exception, what happened to its mutant instead).
    pub stale: Vec<(Exception, String)>,
    /// Packages over [`MAX_MISSED_RATE`] (full runs only).
    pub over_budget: Vec<String>,
}

impl Report {
    /// Judges `results`. `complete`: the run covered all of `listed` (the mutants in scope),
    /// so an exception whose mutant is not among them names a mutant that no longer exists;
    /// `full`: the per-crate missed-rate budget applies.
    pub fn new(
        results: &[(Mutant, Outcome)],
        listed: &[Mutant],
        exceptions: &[Exception],
        complete: bool,
        full: bool,
    ) -> Report {
        let mut report = Report::default();
        for (mutant, outcome) in results {
            let f = report.packages.entry(mutant.package.clone()).or_default();
            f.tested += 1;
            match outcome {
                Outcome::Caught => f.caught += 1,
                Outcome::Missed => f.missed += 1,
                Outcome::Unviable => f.unviable += 1,
                Outcome::Timeout => f.timeouts += 1,
            }
            if *outcome != Outcome::Missed {
                continue;
            }
            if exceptions.iter().any(|e| e.key == mutant.key()) {
                report.excused += 1;
            } else if mutant.is_strict() {
                report.strict_survivors.push(mutant.name.clone());
            } else {
                report.other_survivors.push(mutant.name.clone());
            }
        }
        for e in exceptions {
            let outcomes: Vec<Outcome> = results
                .iter()
                .filter(|(m, _)| m.key() == e.key)
                .map(|(_, outcome)| *outcome)
                .collect();
            let what = match outcomes.first() {
                _ if outcomes.contains(&Outcome::Missed) => continue,
                Some(Outcome::Caught) => "it is caught now",
                Some(Outcome::Unviable) => "it does not compile now",
                Some(_) => "it times out now",
                None if complete && !listed.iter().any(|m| m.key() == e.key) => {
                    "no such mutant in scope"
                }
                None => continue,
            };
            report.stale.push((e.clone(), what.to_owned()));
        }
        if full {
            report.over_budget = report
                .packages
                .iter()
                .filter(|(_, f)| f.missed_rate() > MAX_MISSED_RATE)
                .map(|(p, _)| p.clone())
                .collect();
        }
        report
    }

    /// Whether the run passes.
    pub fn ok(&self) -> bool {
        self.strict_survivors.is_empty() && self.stale.is_empty() && self.over_budget.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<26} {:>6} {:>6} {:>6} {:>8} {:>8} {:>11}",
            "package", "tested", "caught", "missed", "unviable", "timeouts", "missed rate"
        )?;
        let mut total = Figures::default();
        for (package, p) in &self.packages {
            write_row(f, package, p)?;
            total.tested += p.tested;
            total.caught += p.caught;
            total.missed += p.missed;
            total.unviable += p.unviable;
            total.timeouts += p.timeouts;
        }
        if self.packages.len() > 1 {
            write_row(f, "all", &total)?;
        }
        writeln!(
            f,
            "(missed rate: missed / (caught + missed + timeouts); {} survivor(s) excused by {EXCEPTIONS})",
            self.excused
        )?;
        let strict = format!(
            "SURVIVED in the security and retry code (kill it with a test, or list it in \
             {EXCEPTIONS} with a reason if it is truly harmless):"
        );
        write_list(f, &strict, &self.strict_survivors)?;
        let other = "survived elsewhere (within the missed-rate budget):";
        write_list(f, other, &self.other_survivors)?;
        let stale = format!("STALE exceptions (remove them from {EXCEPTIONS}):");
        let line = |(e, what): &(Exception, String)| format!("line {}: {} ({what})", e.line, e.key);
        write_list(f, &stale, self.stale.iter().map(line))?;
        for package in &self.over_budget {
            writeln!(
                f,
                "\nOVER BUDGET: {package} keeps more than {:.0}% of its mutants alive",
                MAX_MISSED_RATE * 100.0
            )?;
        }
        Ok(())
    }
}

/// `heading` and the items, one a line, unless there is none.
fn write_list<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    heading: &str,
    items: impl IntoIterator<Item = T>,
) -> fmt::Result {
    let mut items = items.into_iter().peekable();
    if items.peek().is_some() {
        writeln!(f, "\n{heading}")?;
    }
    items.try_for_each(|item| writeln!(f, "  {item}"))
}

fn write_row(f: &mut fmt::Formatter<'_>, name: &str, p: &Figures) -> fmt::Result {
    writeln!(
        f,
        "{:<26} {:>6} {:>6} {:>6} {:>8} {:>8} {:>10.1}%",
        name,
        p.tested,
        p.caught,
        p.missed,
        p.unviable,
        p.timeouts,
        p.missed_rate() * 100.0
    )
}

/// The arguments of `cargo mutants` for one package (after `cargo`), writing to `out`.
pub fn package_args(
    package: &str,
    quick: bool,
    patterns: &[String],
    out: &Path,
    extra: &[String],
) -> Vec<String> {
    let mut args: Vec<String> = ["mutants", "--package", package, "--in-place", "--output"]
        .map(str::to_owned)
        .into();
    args.push(out.display().to_string());
    for p in patterns {
        args.extend(["--re".to_owned(), p.clone()]);
    }
    let quick_tests = QUICK_TESTS.iter().find(|(p, _)| quick && *p == package);
    // To every cargo command, the build included: `--cargo-test-arg` would build every test
    // target and run only these. A value that starts with `-` needs the `=` form.
    let tests = quick_tests.map_or(FULL_TESTS, |(_, t)| *t);
    args.extend(tests.iter().map(|t| format!("--cargo-arg={t}")));
    let features = PACKAGE_FEATURES.iter().filter(|(p, _)| *p == package);
    args.extend(features.flat_map(|(_, f)| f.iter().map(|f| format!("--features={f}"))));
    args.extend(extra.iter().cloned());
    args
}

/// Text a cargo-mutants mutation leaves in a file; found in a file in scope, it means an
/// earlier in-place run was killed before it could restore the file.
pub const MUTATION_MARK: &str = "~ changed by cargo-mutants ~";

/// A short text listing the packages and what they run, for the log.
pub fn plan_text(quick: bool, packages: &BTreeMap<String, usize>) -> String {
    let mut out = String::new();
    for (package, n) in packages {
        let _ = write!(out, "{package}: {n} mutant(s); ");
    }
    out.push_str(if quick {
        "quick: the security and retry code, with the tests that pin it"
    } else {
        "full: every mutant in .cargo/mutants.toml's scope, with every unit and integration test of its crate"
    });
    out
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
    let unchanged = WHEN_CHANGED
        .iter()
        .filter(|f| !changed.lines().any(|l| l == **f));
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
    let exceptions = std::fs::read_to_string(root.join(EXCEPTIONS))
        .map_err(|e| format!("cannot read {EXCEPTIONS}: {e}"))?;
    let exceptions = parse_exceptions(&exceptions)?;
    let in_scope = list_in_scope(cargo, root)?;
    // Only with `--quick`, which `--since` requires.
    let left_out = match &request.since {
        Some(rev) => unchanged_since(root, rev)?,
        None => BTreeSet::new(),
    };
    let wanted = |m: &Mutant| !quick || (m.is_strict() && !left_out.contains(&m.file));
    let listed: Vec<Mutant> = in_scope.iter().filter(|m| wanted(m)).cloned().collect();
    let mut per_package: BTreeMap<String, usize> = BTreeMap::new();
    for m in &listed {
        if request.package.as_ref().is_none_or(|p| *p == m.package) {
            *per_package.entry(m.package.clone()).or_default() += 1;
        }
    }
    if let Some(p) = request.package.as_ref() {
        if !per_package.contains_key(p) {
            return Err(format!("no mutant of a package `{p}` is in scope"));
        }
    }
    println!("mutants: {}", plan_text(quick, &per_package));
    if let (Some(rev), false) = (&request.since, left_out.is_empty()) {
        let files: Vec<&str> = left_out.iter().map(String::as_str).collect();
        println!(
            "mutants: left out, unchanged since {rev}: {} (`--quick` without `--since` mutates them)",
            files.join(", ")
        );
    }
    let mut results = Vec::new();
    for package in per_package.keys() {
        let (args, out) = package_command(root, request, package, &in_scope, &left_out)?;
        if request.list {
            let what = format!("cargo {}", args.join(" "));
            let listed = crate::output(Command::new(cargo).current_dir(root).args(&args), &what)?;
            println!(
                "{package}: {} mutant(s) with `{what}`",
                listed.lines().count()
            );
        } else {
            let outcomes = run_package(cargo, root, package, &args, &out)?;
            results.extend(outcomes.into_iter().filter(|(m, _)| wanted(m)));
        }
    }
    if request.list {
        return Ok(true);
    }
    // Only a run of the whole scope can tell that an exception names a mutant that is gone:
    // not one package, not a shard, and not --quick (it runs the strict code only, so the
    // exceptions elsewhere are not among its mutants).
    let complete = request.extra.is_empty() && request.package.is_none() && !quick;
    let report = Report::new(&results, &listed, &exceptions, complete, !quick);
    let run = if quick { " --quick" } else { "" };
    let seconds = started.elapsed().as_secs();
    println!("\nmutants{run}: {seconds} s\n{report}");
    if report.ok() {
        println!("mutants: ok");
    } else {
        eprintln!("mutants: FAIL");
    }
    Ok(report.ok())
}

/// Everything in scope, from cargo-mutants itself (it reads `.cargo/mutants.toml`); an error
/// if an earlier in-place run left a mutation behind (a file in scope with [`MUTATION_MARK`]).
fn list_in_scope(cargo: &OsStr, root: &Path) -> Result<Vec<Mutant>, String> {
    let what = "cargo mutants --list --json";
    let mut command = Command::new(cargo);
    command.current_dir(root).args(what.split(' ').skip(1));
    let in_scope: Vec<Mutant> = serde_json::from_str(&crate::output(&mut command, what)?)
        .map_err(|e| format!("{what}: {e}"))?;
    let files: BTreeSet<&str> = in_scope.iter().map(|m| m.file.as_str()).collect();
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
    Ok(in_scope)
}

/// The arguments of one package's `cargo mutants` run (after `cargo`; `--list` added for a
/// listing), and its output directory (made): `target/mutants/{quick,full}/PACKAGE`.
fn package_command(
    root: &Path,
    request: &Request,
    package: &str,
    in_scope: &[Mutant],
    left_out: &BTreeSet<String>,
) -> Result<(Vec<String>, PathBuf), String> {
    let in_package = in_scope.iter().filter(|m| m.package == package);
    let files: BTreeSet<&str> = in_package.map(|m| m.file.as_str()).collect();
    let strict = |f: &str| STRICT.iter().any(|(s, _)| *s == f) && !left_out.contains(f);
    let mut patterns = Vec::new();
    let mut pass = request.extra.clone();
    if request.quick {
        patterns = strict_name_patterns(|f| files.contains(f) && strict(f));
        // Files without strict code are left out whole (cargo-mutants 27.1 does not apply
        // `--re` to "delete field" mutants).
        let lax = files.iter().filter(|f| !strict(f));
        pass.extend(lax.map(|f| format!("--exclude={f}")));
    }
    if request.list {
        pass.push("--list".to_owned());
    }
    let run = if request.quick { "quick" } else { "full" };
    let out = root.join("target/mutants").join(run).join(package);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let args = package_args(package, request.quick, &patterns, &out, &pass);
    Ok((args, out))
}

/// One package's cargo-mutants run, and its outcomes.
fn run_package(
    cargo: &OsStr,
    root: &Path,
    package: &str,
    args: &[String],
    out: &Path,
) -> Result<Vec<(Mutant, Outcome)>, String> {
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
    let mutants_out = out.join("mutants.out");
    // 0: all caught; 2: some missed; 3: some timed out. Anything else: no verdict.
    if !matches!(status.code(), Some(0 | 2 | 3)) {
        let log = mutants_out.join("log");
        let log = log.display();
        return Err(format!(
            "cargo mutants failed for {package} ({status}); see {log}"
        ));
    }
    println!("({package}: {} s)", t0.elapsed().as_secs());
    let outcomes = mutants_out.join("outcomes.json");
    let text = std::fs::read_to_string(&outcomes)
        .map_err(|e| format!("cannot read {}: {e}", outcomes.display()))?;
    parse_outcomes(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutant(name: &str, function: Option<&str>) -> Mutant {
        let file = name.split(':').next().unwrap_or_default().to_owned();
        Mutant {
            name: name.to_owned(),
            package: "p".to_owned(),
            file,
            function: function.map(str::to_owned),
        }
    }

    #[test]
    fn keys_drop_the_line_and_column_only() {
        assert_eq!(
            mutant_key("crates/a/src/b.rs:23:49: replace | with ^ in f"),
            "crates/a/src/b.rs: replace | with ^ in f"
        );
        assert_eq!(
            mutant_key("crates/a/src/b.rs: replace | with ^ in f"),
            "crates/a/src/b.rs: replace | with ^ in f"
        );
        assert_eq!(
            mutant_key("a.rs:1:2: replace <impl X for Y>::f -> T with Default::default()"),
            "a.rs: replace <impl X for Y>::f -> T with Default::default()"
        );
    }

    #[test]
    fn strict_code_is_matched_by_file_and_function_prefix() {
        assert!(is_strict("crates/salesflow/src/retry.rs", None));
        assert!(is_strict("crates/salesflow/src/error.rs", Some("snippet")));
        assert!(is_strict("crates/salesflow-token/src/redact.rs", None));
        assert!(is_strict(
            "crates/salesflow-token/src/lib.rs",
            Some("<impl fmt::Debug for ApiToken>::fmt")
        ));
        assert!(!is_strict(
            "crates/salesflow-api/src/hooks.rs",
            Some("<impl ClientHooks<ClientState> for Client>::exec")
        ));
        assert!(!is_strict(
            "crates/salesflow/src/error.rs",
            Some("map_raw_error")
        ));
        assert!(!is_strict("crates/salesflow/src/error.rs", None));
        assert!(is_strict(
            "crates/salesflow/src/client.rs",
            Some("<impl fmt::Debug for ClientBuilder>::fmt")
        ));
        assert!(!is_strict(
            "crates/salesflow/src/client.rs",
            Some("Client::send")
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
    fn exceptions_need_a_reason_and_no_line_number() {
        let ok = parse_exceptions(
            "# c\n\nreason: a Debug text\na.rs: replace f -> T with Default::default()\n",
        )
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].reason, "a Debug text");
        assert_eq!(ok[0].line, 4);
        assert!(parse_exceptions("a.rs: replace f\n").is_err());
        assert!(parse_exceptions("reason: x\n").is_err());
        assert!(parse_exceptions("reason: x\nreason: y\na.rs: f\n").is_err());
        assert!(parse_exceptions("reason:\na.rs: f\n").is_err());
        assert!(parse_exceptions("reason: x\na.rs:3:4: f\n").is_err());
        assert!(parse_exceptions("reason: x\na.rs: f\nreason: y\na.rs: f\n").is_err());
    }

    #[test]
    fn verdict() {
        let strict = mutant(
            "crates/salesflow/src/retry.rs:10:5: replace > with >= in f",
            Some("f"),
        );
        let other = mutant("crates/salesflow/src/pacing.rs:3:1: replace g", Some("g"));
        let excused = mutant("crates/salesflow/src/pacing.rs:9:1: replace h", Some("h"));
        let caught = mutant("crates/salesflow/src/pacing.rs:12:1: replace k", Some("k"));
        let exceptions = parse_exceptions(
            "reason: r\ncrates/salesflow/src/pacing.rs: replace h\n\
             reason: r\ncrates/salesflow/src/pacing.rs: replace k\n\
             reason: r\ncrates/salesflow/src/pacing.rs: replace gone\n",
        )
        .unwrap();
        let results = vec![
            (strict.clone(), Outcome::Missed),
            (other.clone(), Outcome::Missed),
            (excused.clone(), Outcome::Missed),
            (caught.clone(), Outcome::Caught),
        ];
        let listed: Vec<Mutant> = results.iter().map(|(m, _)| m.clone()).collect();
        let r = Report::new(&results, &listed, &exceptions, true, true);
        assert_eq!(r.strict_survivors, [strict.name.as_str()]);
        assert_eq!(r.other_survivors, [other.name.as_str()]);
        assert_eq!(r.excused, 1);
        let stale: Vec<_> = r.stale.iter().map(|(e, _)| e.line).collect();
        assert_eq!(stale, [4, 6]);
        assert_eq!(r.packages["p"].missed, 3);
        assert_eq!(r.over_budget, ["p"]);
        assert!(!r.ok());
        // A narrowed run does not judge exceptions it did not test.
        let r = Report::new(&results[3..], &listed[3..], &exceptions, false, false);
        assert_eq!(r.stale.len(), 1);
        assert!(r.over_budget.is_empty());
        let text = r.to_string();
        assert!(text.contains("STALE"), "{text}");
        // All caught: ok.
        let r = Report::new(&results[3..], &listed[3..], &[], true, true);
        assert!(r.ok(), "{r}");
        assert_eq!(r.packages["p"].missed_rate(), 0.0);
    }

    #[test]
    fn outcomes_are_read_from_cargo_mutants_json() {
        let json = r#"{"outcomes":[
            {"scenario":"Baseline","summary":"Success"},
            {"scenario":{"Mutant":{"name":"a.rs:1:1: replace f -> bool with true","package":"p",
              "file":"a.rs","function":{"function_name":"f"}}},"summary":"MissedMutant"},
            {"scenario":{"Mutant":{"name":"a.rs:2:1: delete field x","package":"p",
              "file":"a.rs","function":null}},"summary":"Unviable"}
        ]}"#;
        let out = parse_outcomes(json).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].1, Outcome::Missed);
        assert_eq!(out[0].0.function.as_deref(), Some("f"));
        assert_eq!(out[1].1, Outcome::Unviable);
        assert!(
            parse_outcomes(r#"{"outcomes":[{"scenario":"Baseline","summary":"Failure"}]}"#)
                .is_err()
        );
    }

    #[test]
    fn package_args_pick_the_tests() {
        let out = Path::new("/o");
        let quick = package_args("salesflow", true, &["^x".into()], out, &[]);
        assert!(quick.contains(&"--cargo-arg=--lib".to_owned()));
        assert!(!quick.contains(&"--cargo-arg=--test".to_owned()));
        let secret = package_args("salesflow-webhook-types", true, &[], out, &[]);
        assert!(secret
            .windows(2)
            .any(|w| w == ["--cargo-arg=--test", "--cargo-arg=secret"]));
        assert!(quick.windows(2).any(|w| w == ["--re", "^x"]));
        assert!(quick.contains(&"--features=opentelemetry".to_owned()));
        let full = package_args("salesflow-cli", false, &[], out, &["--iterate".into()]);
        assert!(full.contains(&"--cargo-arg=--tests".to_owned()));
        // A feature of salesflow is not one of the CLI's: cargo would refuse the build.
        assert!(!full.iter().any(|a| a.starts_with("--features")));
        // Nor a feature of the webhook types one of the token's (it does not depend on them).
        let token = package_args("salesflow-token", true, &[], out, &[]);
        assert!(!token.iter().any(|a| a.starts_with("--features")));
        let types = package_args("salesflow-webhook-types", false, &[], out, &[]);
        assert!(types.contains(&"--features=schemars".to_owned()));
        assert_eq!(full.last().map(String::as_str), Some("--iterate"));
    }
}
