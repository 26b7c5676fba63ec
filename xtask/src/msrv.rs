//! `cargo xtask msrv`: the declared minimum supported Rust version holds as far as it can be
//! checked without that toolchain (only the current stable and a nightly can be installed
//! here).
//!
//! [`check`] reads `cargo metadata` and finds (1) a workspace member that does not declare the
//! workspace's `rust-version` (clippy's `incompatible_msrv` lint reads it per crate, so a
//! member without it goes unchecked), and (2) a package in the normal or build dependency
//! graph of the shipped crates whose own `rust-version` is newer (it would not build on the
//! MSRV). Dev-dependencies are not followed: they build only this workspace's tests. What
//! the check cannot see is listed in the README's "Checks" section.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use semver::Version;
use serde::Deserialize;
use serde_json::Value;

/// A Rust version as `rust-version` writes it (`1.88` or `1.88.0`).
pub fn rust_version(text: &str) -> Result<Version, String> {
    let text = text.trim();
    let full = match text.matches('.').count() {
        1 => format!("{text}.0"),
        _ => text.to_owned(),
    };
    Version::parse(&full).map_err(|_| format!("`{text}` is not a Rust version"))
}

/// What [`check`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Workspace members whose `rust-version` is missing or not the MSRV: `(name, declared)`.
    pub members_off: Vec<(String, Option<String>)>,
    /// Dependencies of the shipped crates that need a newer Rust:
    /// `(name, version, rust-version)`.
    pub too_new: Vec<(String, String, String)>,
    /// How many dependencies (not workspace members) were checked.
    pub checked: usize,
    /// How many of them declare no `rust-version` (they cannot be checked this way).
    pub undeclared: usize,
}

impl Report {
    /// Whether nothing contradicts the MSRV.
    pub fn ok(&self) -> bool {
        self.members_off.is_empty() && self.too_new.is_empty()
    }
}

/// The parts of `cargo metadata --format-version 1` that [`check`] reads.
#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: BTreeSet<String>,
    resolve: Option<Resolve>,
}

#[derive(Deserialize)]
struct Package {
    id: String,
    name: String,
    version: String,
    rust_version: Option<String>,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    deps: Vec<Dependency>,
}

#[derive(Deserialize)]
struct Dependency {
    pkg: String,
    dep_kinds: Vec<DependencyKind>,
}

#[derive(Deserialize)]
struct DependencyKind {
    /// `None` for a normal dependency, else `"dev"` or `"build"`.
    kind: Option<String>,
}

/// Checks `cargo metadata --format-version 1` output against `msrv`, following normal and build
/// dependencies from the workspace members named in `shipped`.
pub fn check(metadata: &Value, msrv: &Version, shipped: &[&str]) -> Result<Report, String> {
    let metadata = Metadata::deserialize(metadata).map_err(|e| format!("cargo metadata: {e}"))?;
    let by_id: BTreeMap<&str, &Package> = metadata
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let members = &metadata.workspace_members;
    let mut report = Report::default();
    for id in members {
        let package = by_id
            .get(id.as_str())
            .ok_or_else(|| format!("cargo metadata: no package {id}"))?;
        let declared = package.rust_version.as_deref();
        if declared.and_then(|d| rust_version(d).ok()).as_ref() != Some(msrv) {
            report
                .members_off
                .push((package.name.clone(), declared.map(str::to_owned)));
        }
    }
    let resolve = metadata
        .resolve
        .ok_or("cargo metadata: no `resolve` (run it without --no-deps)")?;
    // Normal and build dependencies: those a dependent of the shipped crates builds.
    let edges: BTreeMap<&str, Vec<&str>> = resolve
        .nodes
        .iter()
        .map(|n| {
            let built = n
                .deps
                .iter()
                .filter(|d| d.dep_kinds.iter().any(|k| k.kind.as_deref() != Some("dev")));
            (n.id.as_str(), built.map(|d| d.pkg.as_str()).collect())
        })
        .collect();
    let mut todo: Vec<&str> = members
        .iter()
        .map(String::as_str)
        .filter(|id| shipped.contains(&by_id[id].name.as_str()))
        .collect();
    if todo.len() != shipped.len() {
        return Err(format!(
            "cargo metadata: not every shipped crate is a workspace member ({})",
            shipped.join(", ")
        ));
    }
    let mut seen: BTreeSet<&str> = todo.iter().copied().collect();
    while let Some(id) = todo.pop() {
        for dep in edges.get(id).into_iter().flatten() {
            if seen.insert(dep) {
                todo.push(dep);
            }
        }
    }
    let dependencies = seen.into_iter().filter(|id| !members.contains(*id));
    for package in dependencies.filter_map(|id| by_id.get(id)) {
        report.checked += 1;
        let Some(declared) = package.rust_version.as_deref() else {
            report.undeclared += 1;
            continue;
        };
        if rust_version(declared)? > *msrv {
            let (name, version) = (package.name.clone(), package.version.clone());
            report.too_new.push((name, version, declared.to_owned()));
        }
    }
    Ok(report)
}

/// The `rust-version` of `[workspace.package]` in the workspace manifest.
pub fn workspace_msrv(manifest: &str) -> Result<Version, String> {
    let declared = crate::release::workspace_package(manifest, "rust-version")?;
    rust_version(&declared)
}

/// `cargo xtask msrv`: [`check`] on the workspace at `root`, with what it found printed.
/// Returns whether the check passed.
pub fn run(root: &Path, shipped: &[&str]) -> Result<bool, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let msrv = workspace_msrv(&manifest)?;
    let what = "cargo metadata --format-version 1 --locked";
    let mut command = Command::new(crate::cargo());
    command.current_dir(root).args(what.split(' ').skip(1));
    let output = crate::output(&mut command, what)?;
    let metadata: Value =
        serde_json::from_str(&output).map_err(|e| format!("cargo metadata: {e}"))?;
    let report = check(&metadata, &msrv, shipped)?;
    for (name, declared) in &report.members_off {
        let declared = declared.as_deref().unwrap_or("none");
        eprintln!("msrv: workspace member {name} declares rust-version {declared}, not {msrv} (use `rust-version.workspace = true`)");
    }
    for (name, version, needed) in &report.too_new {
        eprintln!("msrv: {name} {version} needs Rust {needed}, newer than the MSRV {msrv}");
    }
    if !report.ok() {
        eprintln!("msrv: FAIL");
        return Ok(false);
    }
    println!(
        "msrv: ok: every member declares {msrv}; {} dependencies of the shipped crates checked, none needs a newer Rust ({} declare no rust-version)",
        report.checked, report.undeclared
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn package(name: &str, version: &str, rust_version: Option<&str>) -> Value {
        json!({
            "id": format!("{name} {version}"),
            "name": name,
            "version": version,
            "rust_version": rust_version,
        })
    }

    fn dep(name: &str, version: &str, kind: Option<&str>) -> Value {
        json!({ "pkg": format!("{name} {version}"), "dep_kinds": [{ "kind": kind, "target": null }] })
    }

    /// `lib` (shipped) -> `serde` (normal) and `cc` (build), `lib` -> `proptest` (dev);
    /// `tool` (not shipped) -> `clap`.
    fn metadata(serde_rv: &str, proptest_rv: &str, tool_rv: Option<&str>) -> Value {
        json!({
            "packages": [
                package("lib", "0.1.0", Some("1.88")),
                package("tool", "0.1.0", tool_rv),
                package("serde", "1.0.0", Some(serde_rv)),
                package("cc", "1.2.0", None),
                package("proptest", "1.0.0", Some(proptest_rv)),
                package("clap", "4.0.0", Some("1.99")),
            ],
            "workspace_members": ["lib 0.1.0", "tool 0.1.0"],
            "resolve": { "nodes": [
                { "id": "lib 0.1.0", "deps": [
                    dep("serde", "1.0.0", None),
                    dep("cc", "1.2.0", Some("build")),
                    dep("proptest", "1.0.0", Some("dev")),
                ]},
                { "id": "tool 0.1.0", "deps": [dep("clap", "4.0.0", None)] },
                { "id": "serde 1.0.0", "deps": [] },
                { "id": "cc 1.2.0", "deps": [] },
                { "id": "proptest 1.0.0", "deps": [] },
                { "id": "clap 4.0.0", "deps": [] },
            ]},
        })
    }

    const MSRV: Version = Version::new(1, 88, 0);

    #[test]
    fn a_graph_within_the_msrv_passes() {
        // proptest (dev) and clap (under a crate that is not shipped) may need more.
        let report = check(&metadata("1.61", "1.99", Some("1.88.0")), &MSRV, &["lib"]).unwrap();
        assert_eq!(report.checked, 2);
        assert_eq!(report.undeclared, 1);
        assert!(report.ok(), "{report:?}");
    }

    #[test]
    fn a_normal_dependency_needing_a_newer_rust_fails() {
        let report = check(&metadata("1.89", "1.60", Some("1.88")), &MSRV, &["lib"]).unwrap();
        assert_eq!(
            report.too_new,
            vec![("serde".into(), "1.0.0".into(), "1.89".into())]
        );
        assert!(!report.ok());
    }

    #[test]
    fn a_member_without_the_workspace_rust_version_fails() {
        let report = check(&metadata("1.60", "1.60", None), &MSRV, &["lib"]).unwrap();
        assert_eq!(report.members_off, vec![("tool".into(), None)]);
        let report = check(&metadata("1.60", "1.60", Some("1.90")), &MSRV, &["lib"]).unwrap();
        assert_eq!(
            report.members_off,
            vec![("tool".into(), Some("1.90".into()))]
        );
    }

    #[test]
    fn versions_and_the_manifest() {
        assert_eq!(rust_version("1.88"), Ok(MSRV));
        assert!(rust_version("1.88.0").unwrap() < rust_version("1.88.1").unwrap());
        assert!(rust_version("1.x").is_err());
        let manifest =
            "[workspace]\n[workspace.package]\nversion = \"0.1.0\"\nrust-version = \"1.88\"\n";
        assert_eq!(workspace_msrv(manifest), Ok(MSRV));
        assert!(workspace_msrv("[package]\nrust-version = \"1.88\"\n").is_err());
        assert_eq!(workspace_msrv(include_str!("../../Cargo.toml")), Ok(MSRV));
    }
}
