//! `cargo xtask release`: the release procedure, and the pure text rewrites it is made of
//! (versions in `Cargo.toml`, the changelog, the `RELEASES` baseline file), tested as units.
//!
//! A release is two commits: `Release X.Y.Z` (the version bump, the changelog's Unreleased
//! section moved under `## [X.Y.Z] - DATE`, the lock files), then `Record the X.Y.Z release
//! baseline` (one line in `RELEASES` naming the first commit). The baseline is the commit the
//! release was cut from, recorded in a tracked file because git tags do not always travel
//! between clones; the tag `vX.Y.Z` is still created, as a convenience. `.ci/semver-gate` runs
//! before anything is committed.
//!
//! Versions are [`semver::Version`]s (with Cargo's bump rules in [`Bump`]); `Cargo.toml` and
//! `fuzz/Cargo.lock` are edited through `toml_edit`, which keeps every other byte. Why not a
//! release tool such as cargo-release or cargo-workspaces: neither can record the release
//! commit's own hash in a second commit (they have hooks before the commit, none after), nor
//! bump the lock of `fuzz/`, a workspace of its own; the vendor API check and the semver gate
//! would be hook scripts anyway, their dry runs only print (CI runs this procedure for real, in
//! a clone), and CI would have to build and install one more tool.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use chrono::NaiveDate;
pub use semver::Version;
use toml_edit::{DocumentMut, Item, Value};

/// A `MAJOR.MINOR.PATCH` version: semver without a pre-release or build part (this project
/// does not use them).
pub fn parse_version(text: &str) -> Result<Version, String> {
    let bad = || format!("`{text}` is not a MAJOR.MINOR.PATCH version");
    let version = Version::parse(text.trim()).map_err(|_| bad())?;
    if version.pre.is_empty() && version.build.is_empty() {
        Ok(version)
    } else {
        Err(bad())
    }
}

/// Cargo's rules for the next version, which `semver` leaves to its users.
pub trait Bump {
    /// The next patch release.
    fn next_patch(&self) -> Version;
    /// The next release allowed to break (Cargo's rule: on 0.x that is the next minor).
    fn next_breaking(&self) -> Version;
    /// Whether going from `self` to `to` is a bump that may break (on 0.x: the minor grew).
    fn allows_breaking_to(&self, to: &Version) -> bool;
}

impl Bump for Version {
    fn next_patch(&self) -> Version {
        Version::new(self.major, self.minor, self.patch + 1)
    }

    fn next_breaking(&self) -> Version {
        if self.major == 0 {
            Version::new(0, self.minor + 1, 0)
        } else {
            Version::new(self.major + 1, 0, 0)
        }
    }

    fn allows_breaking_to(&self, to: &Version) -> bool {
        if self.major == 0 {
            to.major > 0 || to.minor > self.minor
        } else {
            to.major > self.major
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cargo.toml and Cargo.lock

fn parse_toml(text: &str, what: &str) -> Result<DocumentMut, String> {
    text.parse().map_err(|e| format!("{what}: {e}"))
}

/// Sets `value` to `new` if it is the string `old`, keeping the spaces and comments around it.
fn bump_value(value: Option<&mut Value>, old: &str, new: &str) -> bool {
    let Some(value) = value.filter(|v| v.as_str() == Some(old)) else {
        return false;
    };
    let decor = value.decor().clone();
    *value = Value::from(new);
    *value.decor_mut() = decor;
    true
}

/// The `[workspace.package]` version of the workspace manifest.
pub fn workspace_version(manifest: &str) -> Result<Version, String> {
    parse_version(&workspace_package(manifest, "version")?)
}

/// The string `key` of `[workspace.package]` in the workspace manifest.
pub fn workspace_package(manifest: &str, key: &str) -> Result<String, String> {
    let doc = parse_toml(manifest, "Cargo.toml")?;
    let value = doc
        .get("workspace")
        .and_then(|w| w.get("package")?.get(key)?.as_str());
    let missing = || format!("no `{key}` in `[workspace.package]` of Cargo.toml");
    value.map(str::to_owned).ok_or_else(missing)
}

/// The workspace manifest with the version set to `to` in `[workspace.package]` and in every
/// path dependency of `[workspace.dependencies]` (the workspace's own crates, whose
/// `version = ` is what their dependents are published with). Everything else is left as it
/// is, byte for byte.
pub fn bump_manifest(manifest: &str, from: &Version, to: &Version) -> Result<String, String> {
    let (old, new) = (from.to_string(), to.to_string());
    let current = workspace_package(manifest, "version")?;
    let mut doc = parse_toml(manifest, "Cargo.toml")?;
    let workspace = &mut doc["workspace"];
    let version = workspace["package"].get_mut("version");
    if !bump_value(version.and_then(Item::as_value_mut), &old, &new) {
        return Err(format!(
            "`[workspace.package]` has `version = \"{current}\"`, expected `version = \"{old}\"`"
        ));
    }
    let dependencies = workspace
        .get_mut("dependencies")
        .and_then(Item::as_table_like_mut)
        .ok_or("no `[workspace.dependencies]` in Cargo.toml")?;
    let mut bumped = 0;
    for (name, dependency) in dependencies.iter_mut() {
        let Some(dependency) = dependency.as_table_like_mut() else {
            continue;
        };
        if !dependency.contains_key("path") {
            continue;
        }
        let version = dependency.get_mut("version").and_then(Item::as_value_mut);
        if !bump_value(version, &old, &new) {
            return Err(format!(
                "the workspace dependency `{}` should name `version = \"{old}\"`",
                name.get()
            ));
        }
        bumped += 1;
    }
    if bumped == 0 {
        return Err("no path dependency in `[workspace.dependencies]` of Cargo.toml".into());
    }
    Ok(doc.to_string())
}

/// A lock file with the version of the path packages named in `crates` (entries without a
/// `source`, i.e. not from a registry) set from `from` to `to`. For `fuzz/Cargo.lock`, the
/// lock of a separate workspace whose dependencies cannot all be resolved offline; the main
/// lock is updated by `cargo update --workspace`. Returns how many entries changed.
pub fn bump_lock(
    lock: &str,
    crates: &[&str],
    from: &Version,
    to: &Version,
) -> Result<(String, usize), String> {
    let (old, new) = (from.to_string(), to.to_string());
    let mut doc = parse_toml(lock, FUZZ_LOCK)?;
    let mut changed = 0;
    let packages = doc
        .get_mut("package")
        .and_then(Item::as_array_of_tables_mut);
    for package in packages.into_iter().flat_map(|p| p.iter_mut()) {
        let name = package.get("name").and_then(Item::as_str);
        let ours =
            name.is_some_and(|name| crates.contains(&name)) && !package.contains_key("source");
        let version = package.get_mut("version").and_then(Item::as_value_mut);
        if ours && bump_value(version, &old, &new) {
            changed += 1;
        }
    }
    Ok((doc.to_string(), changed))
}

// ---------------------------------------------------------------------------------------------
// RELEASES

/// One line of `RELEASES`: a released version and the commit it was cut from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// The version released.
    pub version: Version,
    /// The full hash of the commit whose tree was released: the semver gate's baseline.
    pub commit: String,
    /// The release date, `YYYY-MM-DD`.
    pub date: String,
}

/// The releases recorded in `RELEASES`, oldest first. Lines starting with `#` and blank lines
/// are ignored; every other line is `VERSION COMMIT DATE`, in increasing version order.
pub fn parse_releases(text: &str) -> Result<Vec<Release>, String> {
    let mut releases: Vec<Release> = Vec::new();
    for (i, line) in text.lines().map(str::trim).enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |message: String| format!("RELEASES line {}: {message}", i + 1);
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [version, commit, date] = fields[..] else {
            return Err(at(format!("expected `VERSION COMMIT DATE`, got `{line}`")));
        };
        let version = parse_version(version).map_err(at)?;
        if commit.len() != 40 || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(at(format!("`{commit}` is not a full 40-digit commit hash")));
        }
        if let Some(last) = releases.last().filter(|last| version <= last.version) {
            return Err(at(format!("{version} does not follow {}", last.version)));
        }
        let (commit, date) = (commit.to_owned(), date.to_owned());
        releases.push(Release {
            version,
            commit,
            date,
        });
    }
    Ok(releases)
}

/// `RELEASES` with one more release at the end.
pub fn append_release(text: &str, release: &Release) -> String {
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} {} {}",
        release.version, release.commit, release.date
    );
    out
}

// ---------------------------------------------------------------------------------------------
// CHANGELOG.md

/// The line of a changelog section naming the vendor API version a release targets.
pub const VENDOR_API_PREFIX: &str = "Vendor API:";

/// The changelog with its `## [Unreleased]` section released as `version` on `date`.
///
/// The Unreleased section must list at least one change (a `- ` item) and name the vendor API
/// version (a `Vendor API:` line starting with `vendor_api`, the spec's `info.version`). The new
/// release section takes its contents; a fresh Unreleased section keeps the `Vendor API:` line
/// (the next release targets the same version until the spec says otherwise). The link
/// references at the bottom (`[Unreleased]: .../compare/vA...HEAD`) gain the new version.
pub fn release_changelog(
    changelog: &str,
    version: Version,
    date: &str,
    vendor_api: &str,
    allow_empty: bool,
) -> Result<String, String> {
    let lines: Vec<&str> = changelog.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "## [Unreleased]")
        .ok_or("CHANGELOG.md has no `## [Unreleased]` heading")?;
    let heading = format!("## [{version}]");
    if lines.iter().any(|l| l.starts_with(&heading)) {
        return Err(format!("CHANGELOG.md already has a section for {version}"));
    }
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("## ") || is_link_reference(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let body = &lines[start + 1..end];
    let vendor_line = body
        .iter()
        .find(|l| l.starts_with(VENDOR_API_PREFIX))
        .ok_or_else(|| {
            format!("the Unreleased section has no `{VENDOR_API_PREFIX}` line naming the vendor API version it targets")
        })?;
    if !mentions_version(vendor_line, vendor_api) {
        return Err(format!(
            "the Unreleased section's `{}` does not name the spec's vendor API version {vendor_api} (info.version of spec/salesflow.yaml)",
            vendor_line.trim()
        ));
    }
    let empty = !body.iter().any(|l| l.trim_start().starts_with("- "));
    if empty && !allow_empty {
        return Err("the Unreleased section lists no change: nothing to release".into());
    }

    let blank = |l: &&str| l.trim().is_empty();
    let first = body.iter().position(|l| !blank(l)).unwrap_or(0);
    let last = body.iter().rposition(|l| !blank(l)).map_or(0, |i| i + 1);
    let mut out: String = lines[..start].iter().map(|l| format!("{l}\n")).collect();
    let _ = write!(
        out,
        "## [Unreleased]\n\n{vendor_line}\n\n{heading} - {date}\n\n"
    );
    out.extend(body[first..last].iter().map(|l| format!("{l}\n")));
    if empty {
        out += "\nNo changes.\n";
    }
    out.push('\n');

    // The rest, with the link references updated.
    let mut linked = false;
    for line in &lines[end..] {
        let Some(url) = line.strip_prefix("[Unreleased]: ") else {
            let _ = writeln!(out, "{line}");
            continue;
        };
        let (base, previous) = compare_link_parts(url).ok_or_else(|| {
            format!("`[Unreleased]: {url}` is not a `.../compare/vX.Y.Z...HEAD` link")
        })?;
        let _ = writeln!(out, "[Unreleased]: {base}/compare/v{version}...HEAD");
        let _ = writeln!(out, "[{version}]: {base}/compare/{previous}...v{version}");
        linked = true;
    }
    if !linked {
        return Err("CHANGELOG.md has no `[Unreleased]: ` link reference".into());
    }
    Ok(out)
}

fn is_link_reference(line: &str) -> bool {
    line.starts_with('[') && line.contains("]: ")
}

/// Whether the `Vendor API:` line starts with `version` ("Vendor API: 1.7, plus the fields
/// of 1.8" targets 1.7; "1.75" is not "1.7"; a sentence's full stop may follow).
fn mentions_version(line: &str, version: &str) -> bool {
    let rest = line.trim_start_matches(VENDOR_API_PREFIX).trim_start();
    let named = rest.split(|c: char| !c.is_ascii_digit() && c != '.').next();
    named.unwrap_or_default().trim_end_matches('.') == version
}

/// `(https://github.com/o/r, v0.1.0)` from `https://github.com/o/r/compare/v0.1.0...HEAD`.
fn compare_link_parts(url: &str) -> Option<(&str, &str)> {
    let (base, tail) = url.trim().split_once("/compare/")?;
    let previous = tail.strip_suffix("...HEAD")?;
    Some((base, previous))
}

// ---------------------------------------------------------------------------------------------
// The version to release

/// What `cargo xtask release` was asked to release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// This exact version.
    Exact(Version),
    /// The next patch release after the last one.
    Patch,
    /// The next breaking release after the last one (0.x: the next minor).
    Breaking,
    /// What a release would be now: the workspace version if it was bumped since the last
    /// release (a breaking change bumps it in the same commit), else the next patch release.
    Next,
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "patch" => Ok(Target::Patch),
            "breaking" => Ok(Target::Breaking),
            "next" => Ok(Target::Next),
            other => parse_version(other).map(Target::Exact),
        }
    }
}

/// The version to release, given the last release and the workspace's current version; an
/// error for a version that would not follow both.
pub fn resolve_target(
    target: Target,
    last: &Version,
    current: &Version,
) -> Result<Version, String> {
    let version = match target {
        Target::Exact(v) => v,
        Target::Patch => last.next_patch(),
        Target::Breaking => last.next_breaking(),
        Target::Next if current > last => current.clone(),
        Target::Next => last.next_patch(),
    };
    if version <= *last {
        return Err(format!(
            "{version} does not follow the last release, {last} (RELEASES)"
        ));
    }
    if version < *current {
        return Err(format!(
            "the workspace is already at {current}; releasing {version} would go back"
        ));
    }
    Ok(version)
}

// ---------------------------------------------------------------------------------------------
// The procedure

/// Options of `cargo xtask release` (its command line).
#[derive(Clone, Debug, clap::Args)]
pub struct Options {
    /// X.Y.Z, patch, breaking or next
    #[arg(value_name = "VERSION")]
    pub target: Target,
    /// Do all of it in a temporary clone of HEAD; this repository is untouched
    #[arg(long)]
    pub dry_run: bool,
    /// Keep the dry run's clone
    #[arg(long)]
    pub keep: bool,
    /// A dry run may release an empty Unreleased section (CI, after a release)
    #[arg(long, requires = "dry_run")]
    pub allow_empty: bool,
    /// The release date [default: today, UTC]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
}

/// The file names the procedure reads and writes, relative to the workspace root.
pub const CHANGELOG: &str = "CHANGELOG.md";
/// See [`CHANGELOG`].
pub const RELEASES: &str = "RELEASES";
/// See [`CHANGELOG`]: the lock file of the fuzzing workspace (`fuzz/`, outside the main one).
pub const FUZZ_LOCK: &str = "fuzz/Cargo.lock";
/// The workspace crates other workspaces depend on by path.
pub const SHIPPED: &[&str] = &[
    "salesflow-webhook-types",
    "salesflow-token",
    "salesflow-api",
    "salesflow",
    "salesflow-mock",
    "salesflow-cli",
];

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let what = format!("git {}", args.join(" "));
    let out = crate::output(Command::new("git").current_dir(dir).args(args), &what)?;
    Ok(out.trim().to_owned())
}

fn read(dir: &Path, file: &str) -> Result<String, String> {
    std::fs::read_to_string(dir.join(file)).map_err(|e| format!("cannot read {file}: {e}"))
}

fn write(dir: &Path, file: &str, text: &str) -> Result<(), String> {
    std::fs::write(dir.join(file), text).map_err(|e| format!("cannot write {file}: {e}"))
}

/// The spec's `info.version`: the vendor API version the SDK targets.
pub fn spec_vendor_version(spec: &str) -> Result<String, String> {
    let value: serde_yaml::Value =
        serde_yaml::from_str(spec).map_err(|e| format!("spec/salesflow.yaml: {e}"))?;
    match &value["info"]["version"] {
        serde_yaml::Value::String(s) => Ok(s.clone()),
        serde_yaml::Value::Number(n) => Ok(n.to_string()),
        _ => Err("spec/salesflow.yaml has no `info.version`".into()),
    }
}

/// Runs the release procedure in `root` (or, for a dry run, in a temporary clone of it).
pub fn run(root: &Path, target_dir: &Path, options: &Options) -> Result<(), String> {
    let today = || chrono::Utc::now().date_naive();
    let date = options.date.unwrap_or_else(today).to_string();
    if !options.dry_run {
        return release_in(root, target_dir, options, &date);
    }
    if !git(root, &["status", "--porcelain"])?.is_empty() {
        println!("release: note: the dry run releases the committed HEAD; uncommitted changes are not in it");
    }
    let tmp = tempfile::Builder::new()
        .prefix("salesflow-release-dry-run-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let clone = tmp.path().join("repo");
    let clone_str = clone.to_string_lossy().to_string();
    git(
        root,
        &["clone", "--quiet", "--no-hardlinks", ".", &clone_str],
    )?;
    println!("release: dry run in a clone of HEAD at {clone_str}");
    // The clone may have no committer identity configured (a CI machine): give it one.
    if git(&clone, &["config", "user.email"]).is_err() {
        git(&clone, &["config", "user.email", "release-dry-run@invalid"])?;
        git(&clone, &["config", "user.name", "release dry run"])?;
    }
    let result = release_in(&clone, target_dir, options, &date);
    if options.keep {
        let kept = tmp.keep();
        println!("release: the clone is kept at {}", kept.display());
    }
    result
}

/// What a release writes: the version, and the files as they are before it.
struct Plan {
    version: Version,
    current: Version,
    date: String,
}

fn release_in(dir: &Path, target_dir: &Path, options: &Options, date: &str) -> Result<(), String> {
    let plan = prepare(dir, options.target.clone(), date, options.allow_empty)?;
    if let Err(e) = update_and_check(dir, target_dir, &plan) {
        if !options.dry_run {
            // Leave the repository as it was.
            let _ = git(
                dir,
                &["checkout", "--", "Cargo.toml", "Cargo.lock", CHANGELOG],
            );
        }
        return Err(format!("{e}; nothing was committed"));
    }
    commit_and_record(dir, &plan)?;
    println!("{}", git(dir, &["log", "--stat", "--format=%h %s", "-2"])?);
    let version = &plan.version;
    if options.dry_run {
        println!("release: dry run of {version} succeeded; this repository is unchanged");
    } else {
        println!(
            "release: {version} committed; push the branch (and the tag v{version}), then publish in dependency order: salesflow-webhook-types, salesflow-token, salesflow-api, salesflow-mock, salesflow"
        );
    }
    Ok(())
}

/// Checks that a release can be made and rewrites `Cargo.toml` and the changelog.
fn prepare(dir: &Path, target: Target, date: &str, allow_empty: bool) -> Result<Plan, String> {
    if !git(dir, &["status", "--porcelain"])?.is_empty() {
        return Err("the working tree has uncommitted changes: commit or stash them first".into());
    }
    let releases = parse_releases(&read(dir, RELEASES)?)?;
    let last = releases
        .last()
        .ok_or("RELEASES records no release: there is no baseline")?;
    let manifest = read(dir, "Cargo.toml")?;
    let current = workspace_version(&manifest)?;
    let version = resolve_target(target, &last.version, &current)?;
    let vendor = spec_vendor_version(&read(dir, "spec/salesflow.yaml")?)?;
    println!(
        "release: {version} (last release {}, workspace at {current}, vendor API {vendor})",
        last.version
    );
    let changelog = read(dir, CHANGELOG)?;
    let changelog = release_changelog(&changelog, version.clone(), date, &vendor, allow_empty)?;
    if version != current {
        let manifest = bump_manifest(&manifest, &current, &version)?;
        write(dir, "Cargo.toml", &manifest)?;
    }
    write(dir, CHANGELOG, &changelog)?;
    let date = date.to_owned();
    Ok(Plan {
        version,
        current,
        date,
    })
}

/// The lock files follow the manifest; then the semver gate.
fn update_and_check(dir: &Path, target_dir: &Path, plan: &Plan) -> Result<(), String> {
    // The lock file records the workspace crates' versions.
    let update = "cargo update --workspace --offline --quiet";
    println!("release: $ {update}");
    let mut cargo = Command::new("cargo");
    cargo.current_dir(dir).args(update.split(' ').skip(1));
    crate::status(cargo.env("CARGO_TARGET_DIR", target_dir), update)?;
    if dir.join(FUZZ_LOCK).exists() {
        let lock = read(dir, FUZZ_LOCK)?;
        let (lock, changed) = bump_lock(&lock, SHIPPED, &plan.current, &plan.version)?;
        let version = &plan.version;
        println!("release: {FUZZ_LOCK}: {changed} workspace crate(s) at {version}");
        write(dir, FUZZ_LOCK, &lock)?;
    }
    // The gate's spec-diff is this xtask: a dry run's clone need not build it again.
    let xtask = std::env::current_exe().map_err(|e| format!("no xtask executable: {e}"))?;
    println!("release: $ XTASK={} bash .ci/semver-gate", xtask.display());
    let mut gate = Command::new("bash");
    gate.current_dir(dir).arg(".ci/semver-gate");
    gate.env("CARGO_TARGET_DIR", target_dir).env("XTASK", xtask);
    crate::status(&mut gate, ".ci/semver-gate")
}

/// `Release X.Y.Z`, then `RELEASES` naming that commit, then the tag.
fn commit_and_record(dir: &Path, plan: &Plan) -> Result<(), String> {
    let version = &plan.version;
    git(dir, &["add", "Cargo.toml", "Cargo.lock", CHANGELOG])?;
    if dir.join(FUZZ_LOCK).exists() {
        git(dir, &["add", FUZZ_LOCK])?;
    }
    git(
        dir,
        &["commit", "--quiet", "-m", &format!("Release {version}")],
    )?;
    let commit = git(dir, &["rev-parse", "HEAD"])?;
    let record = Release {
        version: version.clone(),
        commit: commit.clone(),
        date: plan.date.clone(),
    };
    write(
        dir,
        RELEASES,
        &append_release(&read(dir, RELEASES)?, &record),
    )?;
    git(dir, &["add", RELEASES])?;
    let message = format!("Record the {version} release baseline ({})", &commit[..7]);
    git(dir, &["commit", "--quiet", "-m", &message])?;
    // Tags are a convenience (RELEASES is the record): a failure is only reported.
    let tag = format!("v{version}");
    let tag_message = format!("salesflow-rs {version}");
    match git(dir, &["tag", "-a", &tag, &commit, "-m", &tag_message]) {
        Ok(_) => println!("release: tagged {tag} at {}", &commit[..7]),
        Err(e) => println!("release: warning: no tag: {e}"),
    }
    Ok(())
}

/// Where cargo builds: `CARGO_TARGET_DIR`, else `target/` under the workspace root. The dry
/// run's clone builds there too, so that it reuses what is already compiled.
pub fn default_target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

#[cfg(test)]
mod tests;
