//! `cargo xtask mutants [--quick]`: mutation testing with cargo-mutants, and the check of
//! its results against the exceptions file.
//!
//! What is mutated is said in one place, `.cargo/mutants.toml` (a bare `cargo mutants` reads
//! it too). This module adds what cargo-mutants cannot say there:
//!
//! - [`STRICT`]: the security and retry code (secret comparison, token redaction, retry
//!   decisions, the resume journal), where no survivor is allowed unless it is listed in the
//!   exceptions file. `--quick` mutates only this code, and runs only [`QUICK_TESTS`].
//! - The other in-scope code may keep at most [`MAX_MISSED_RATE`] of its mutants alive, per
//!   crate.
//! - [`EXCEPTIONS`]: survivors that are harmless (a `Debug` or `expecting` text, a
//!   diagnostic), each with a reason, matched by file and mutation (without the line, so that
//!   edits elsewhere in the file do not break it). An exception that matches no survivor is
//!   stale and fails the check.
//!
//! Each package is run on its own (`cargo mutants -p PACKAGE --in-place`): its mutants are
//! tested by its own tests, in the workspace's own build directory, so nothing is built
//! twice. `--in-place` mutates the working tree (cargo-mutants restores every file, also on
//! Ctrl-C); do not edit or build the workspace while it runs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// The cargo-mutants version the exceptions and figures were made with (mutant names and
/// operators change between versions). Installed with `cargo install --locked` if missing.
pub const CARGO_MUTANTS_VERSION: &str = "27.1.0";

/// The exceptions file, relative to the workspace root.
pub const EXCEPTIONS: &str = ".cargo/mutants-exceptions.txt";

/// The largest share of a crate's viable mutants (caught, missed or timed out) that may
/// survive in a full run.
pub const MAX_MISSED_RATE: f64 = 0.05;

/// Code where every survivor must be killed or listed in [`EXCEPTIONS`].
#[derive(Clone, Copy, Debug)]
pub struct Strict {
    /// The source file, relative to the workspace root.
    pub file: &'static str,
    /// The functions, as cargo-mutants names them (`Type::method`,
    /// `<impl Trait for Type>::method`), by prefix; empty: the whole file.
    pub functions: &'static [&'static str],
}

/// The security and retry code: what `--quick` (CI) mutates.
pub const STRICT: &[Strict] = &[
    // Constant-time comparison of a webhook's URL secret.
    Strict {
        file: "crates/salesflow-webhook-types/src/secret.rs",
        functions: &[],
    },
    // The token never shows in a message, a body, a snippet or a transport error.
    Strict {
        file: "crates/salesflow/src/error.rs",
        functions: &["Redactor::"],
    },
    // ... nor in the client's or the builder's Debug.
    Strict {
        file: "crates/salesflow/src/client.rs",
        functions: &[
            "<impl fmt::Debug for Client>::",
            "<impl fmt::Debug for ClientBuilder>::",
        ],
    },
    // When a call is retried, and how long it waits.
    Strict {
        file: "crates/salesflow/src/retry.rs",
        functions: &[],
    },
    // The import's resume journal (the file journal of the SDK's import engine, and the
    // profile keys it is read by): no row sent twice, no entry lost.
    Strict {
        file: "crates/salesflow/src/import/file.rs",
        functions: &[],
    },
    Strict {
        file: "crates/salesflow/src/import/keys.rs",
        functions: &[],
    },
];

/// The tests `--quick` runs for each package: those that pin the [`STRICT`] code. A test that
/// kills a strict mutant belongs in one of them. (Each test target is built again for every
/// mutant: the fewer, the faster; the journal's are its unit tests.)
pub const QUICK_TESTS: &[(&str, &[&str])] = &[
    ("salesflow-webhook-types", &["--lib", "--test", "secret"]),
    (
        "salesflow",
        &["--lib", "--test", "retries", "--test", "redaction"],
    ),
    ("salesflow-cli", &["--lib"]),
];

/// The tests of a full run: every unit and integration test of the mutant's package (and
/// the examples marked `test = true`), not the doctests, which compile one by one and would
/// make each mutant several times slower.
pub const FULL_TESTS: &[&str] = &["--tests"];

/// Whether the mutant named `function` in `file` is in the [`STRICT`] code.
pub fn is_strict(file: &str, function: Option<&str>) -> bool {
    STRICT.iter().any(|s| {
        s.file == file
            && (s.functions.is_empty()
                || function.is_some_and(|f| s.functions.iter().any(|p| f.starts_with(p))))
    })
}

/// The `--re` regular expressions (on mutant names) that select the [`STRICT`] code of
/// `package`'s files. cargo-mutants 27.1 does not apply them to "delete field" mutants, so
/// the results are filtered with [`is_strict`] too.
pub fn strict_name_patterns(files: impl Fn(&str) -> bool) -> Vec<String> {
    STRICT
        .iter()
        .filter(|s| files(s.file))
        .flat_map(|s| {
            let file = format!("^{}:", regex_escape(s.file));
            if s.functions.is_empty() {
                vec![file]
            } else {
                s.functions
                    .iter()
                    .map(|f| format!("{file}.*{}", regex_escape(f)))
                    .collect()
            }
        })
        .collect()
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // Only the metacharacters: `\<` and `\>` would be word boundaries.
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One mutant, as cargo-mutants describes it in `mutants.json` and `outcomes.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mutant {
    /// The name with line and column: `crates/x/src/a.rs:12:5: replace f -> bool with true`.
    pub name: String,
    /// The package.
    pub package: String,
    /// The file, relative to the workspace root.
    pub file: String,
    /// The enclosing function, if any.
    pub function: Option<String>,
}

impl Mutant {
    fn from_json(value: &serde_json::Value) -> Result<Mutant, String> {
        let text = |key: &str| {
            value[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("a mutant without `{key}`: {value}"))
        };
        Ok(Mutant {
            name: text("name")?,
            package: text("package")?,
            file: text("file")?,
            function: value["function"]["function_name"]
                .as_str()
                .map(str::to_owned),
        })
    }

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
    let mut parts = name.splitn(4, ':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(file), Some(line), Some(column), Some(rest))
            if is_number(line) && is_number(column) =>
        {
            format!("{file}:{rest}")
        }
        _ => name.to_owned(),
    }
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The mutants of `cargo mutants --list --json`.
///
/// # Errors
///
/// When the text is not such a list.
pub fn parse_list(json: &str) -> Result<Vec<Mutant>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("cargo mutants --list --json: {e}"))?;
    value
        .as_array()
        .ok_or("cargo mutants --list --json: not a list")?
        .iter()
        .map(Mutant::from_json)
        .collect()
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
/// out).
///
/// # Errors
///
/// When the text is not such a file, or the baseline failed.
pub fn parse_outcomes(json: &str) -> Result<Vec<(Mutant, Outcome)>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("outcomes.json: {e}"))?;
    let outcomes = value["outcomes"]
        .as_array()
        .ok_or("outcomes.json: no `outcomes`")?;
    let mut out = Vec::new();
    for o in outcomes {
        let summary = o["summary"].as_str().unwrap_or_default();
        let Some(mutant) = o["scenario"].get("Mutant") else {
            if summary != "Success" {
                return Err(format!("the unmutated baseline failed ({summary})"));
            }
            continue;
        };
        let outcome = match summary {
            "CaughtMutant" => Outcome::Caught,
            "MissedMutant" => Outcome::Missed,
            "Unviable" => Outcome::Unviable,
            "Timeout" => Outcome::Timeout,
            other => return Err(format!("outcomes.json: unexpected summary `{other}`")),
        };
        out.push((Mutant::from_json(mutant)?, outcome));
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
/// `reason: WHY` followed by the mutant's name without line and column.
///
/// # Errors
///
/// A mutant without a reason, a reason without a mutant, a name with a line number, or a
/// mutant listed twice.
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
        if viable == 0 {
            0.0
        } else {
            self.missed as f64 / viable as f64
        }
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
        let mut outcome_of: BTreeMap<String, Vec<Outcome>> = BTreeMap::new();
        for (mutant, outcome) in results {
            let f = report.packages.entry(mutant.package.clone()).or_default();
            f.tested += 1;
            match outcome {
                Outcome::Caught => f.caught += 1,
                Outcome::Missed => f.missed += 1,
                Outcome::Unviable => f.unviable += 1,
                Outcome::Timeout => f.timeouts += 1,
            }
            outcome_of.entry(mutant.key()).or_default().push(*outcome);
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
        let listed_keys: BTreeSet<String> = listed.iter().map(Mutant::key).collect();
        for e in exceptions {
            match outcome_of.get(&e.key) {
                Some(outcomes) if outcomes.contains(&Outcome::Missed) => {}
                Some(outcomes) => {
                    let what = match outcomes.first() {
                        Some(Outcome::Caught) => "it is caught now",
                        Some(Outcome::Unviable) => "it does not compile now",
                        Some(Outcome::Timeout) => "it times out now",
                        _ => "it was not missed",
                    };
                    report.stale.push((e.clone(), what.to_owned()));
                }
                None if complete && !listed_keys.contains(&e.key) => {
                    report
                        .stale
                        .push((e.clone(), "no such mutant in scope".to_owned()));
                }
                None => {}
            }
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
        if !self.strict_survivors.is_empty() {
            writeln!(
                f,
                "\nSURVIVED in the security and retry code (kill it with a test, or list it in \
                 {EXCEPTIONS} with a reason if it is truly harmless):"
            )?;
            for name in &self.strict_survivors {
                writeln!(f, "  {name}")?;
            }
        }
        if !self.other_survivors.is_empty() {
            writeln!(f, "\nsurvived elsewhere (within the missed-rate budget):")?;
            for name in &self.other_survivors {
                writeln!(f, "  {name}")?;
            }
        }
        if !self.stale.is_empty() {
            writeln!(f, "\nSTALE exceptions (remove them from {EXCEPTIONS}):")?;
            for (e, what) in &self.stale {
                writeln!(f, "  line {}: {} ({what})", e.line, e.key)?;
            }
        }
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

/// Where a package's run writes `mutants.out`.
pub fn output_dir(root: &Path, quick: bool, package: &str) -> PathBuf {
    root.join("target/mutants")
        .join(if quick { "quick" } else { "full" })
        .join(package)
}

/// The arguments of `cargo mutants` for one package (after `cargo`).
pub fn package_args(
    package: &str,
    quick: bool,
    patterns: &[String],
    out: &Path,
    extra: &[String],
) -> Vec<String> {
    let mut args = vec![
        "mutants".to_owned(),
        "--package".to_owned(),
        package.to_owned(),
        "--in-place".to_owned(),
        "--no-shuffle".to_owned(),
        "--output".to_owned(),
        out.display().to_string(),
    ];
    for p in patterns {
        args.push("--re".to_owned());
        args.push(p.clone());
    }
    let tests = if quick {
        QUICK_TESTS
            .iter()
            .find(|(p, _)| *p == package)
            .map_or(FULL_TESTS, |(_, t)| *t)
    } else {
        FULL_TESTS
    };
    for t in tests {
        // To every cargo command, the build included: `--cargo-test-arg` would build every
        // test target and run only these. A value that starts with `-` needs the `=` form.
        args.push(format!("--cargo-arg={t}"));
    }
    for (_, features) in PACKAGE_FEATURES.iter().filter(|(p, _)| *p == package) {
        for f in *features {
            args.push(format!("--features={f}"));
        }
    }
    args.extend(extra.iter().cloned());
    args
}

/// Features turned on for one package's run, on top of `.cargo/mutants.toml`'s `features`
/// (which apply to every package, so they can only name features every package can see).
/// Code behind a feature is compiled, so mutated, only with it, and its tests run only then.
pub const PACKAGE_FEATURES: &[(&str, &[&str])] = &[
    // src/otel.rs and tests/opentelemetry.rs; src/postgres.rs and tests/pg_journal.rs.
    ("salesflow", &["opentelemetry", "postgres"]),
];

/// Text a cargo-mutants mutation leaves in a file; found in a file in scope, it means an
/// earlier in-place run was killed before it could restore the file.
pub const MUTATION_MARK: &str = "~ changed by cargo-mutants ~";

/// The files among `files` (relative to `root`) that hold a mutation left behind.
pub fn leftover_mutations(root: &Path, files: &BTreeSet<String>) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(root.join(f)).is_ok_and(|text| text.contains(MUTATION_MARK))
        })
        .cloned()
        .collect()
}

/// A short text listing the packages and what they run, for the log.
pub fn plan_text(quick: bool, packages: &BTreeMap<String, usize>) -> String {
    let mut out = String::new();
    for (package, n) in packages {
        let _ = write!(out, "{package}: {n} mutant(s); ");
    }
    let _ = write!(
        out,
        "{}",
        if quick {
            "quick: the security and retry code, with the tests that pin it"
        } else {
            "full: every mutant in .cargo/mutants.toml's scope, with every unit and integration test of its crate"
        }
    );
    out
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
        assert!(is_strict(
            "crates/salesflow/src/error.rs",
            Some("Redactor::scrub")
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
        assert!(quick.contains(&"--cargo-arg=--test".to_owned()));
        assert!(quick.contains(&"--cargo-arg=retries".to_owned()));
        assert!(quick.windows(2).any(|w| w == ["--re", "^x"]));
        assert!(quick.contains(&"--features=opentelemetry".to_owned()));
        let full = package_args("salesflow-cli", false, &[], out, &["--iterate".into()]);
        assert!(full.contains(&"--cargo-arg=--tests".to_owned()));
        // A feature of salesflow is not one of the CLI's: cargo would refuse the build.
        assert!(!full.iter().any(|a| a.starts_with("--features")));
        assert_eq!(full.last().map(String::as_str), Some("--iterate"));
    }
}
