//! The pure steps of a release: versions, the manifest, RELEASES and the changelog.

use super::*;

fn v(s: &str) -> Version {
    s.parse().unwrap()
}

#[test]
fn versions_parse_print_and_order() {
    assert_eq!(v("0.12.3"), Version::new(0, 12, 3));
    assert_eq!(v("0.12.3").to_string(), "0.12.3");
    assert!(v("0.10.0") > v("0.9.9"));
    for bad in ["1.2", "1.2.3.4", "1.02.3", "v1.2.3", "1.2.x", "", "1..3"] {
        assert!(bad.parse::<Version>().is_err(), "{bad} parsed");
    }
}

#[test]
fn breaking_bumps_follow_cargo_0x_rule() {
    assert_eq!(v("0.1.0").next_breaking(), v("0.2.0"));
    assert_eq!(v("0.1.7").next_patch(), v("0.1.8"));
    assert_eq!(v("1.4.2").next_breaking(), v("2.0.0"));
    assert!(v("0.1.0").allows_breaking_to(&v("0.2.0")));
    assert!(v("0.1.0").allows_breaking_to(&v("1.0.0")));
    assert!(!v("0.1.0").allows_breaking_to(&v("0.1.1")));
    assert!(!v("0.1.0").allows_breaking_to(&v("0.1.0")));
    assert!(!v("1.0.0").allows_breaking_to(&v("1.1.0")));
    assert!(v("1.9.0").allows_breaking_to(&v("2.0.0")));
}

#[test]
fn release_targets() {
    let last = v("0.1.0");
    assert_eq!(resolve_target(Target::Patch, &last, &last), Ok(v("0.1.1")));
    assert_eq!(
        resolve_target(Target::Breaking, &last, &last),
        Ok(v("0.2.0"))
    );
    assert_eq!(resolve_target(Target::Next, &last, &last), Ok(v("0.1.1")));
    // The workspace was bumped with a breaking change: that is the next release.
    assert_eq!(
        resolve_target(Target::Next, &last, &v("0.2.0")),
        Ok(v("0.2.0"))
    );
    assert_eq!(
        resolve_target(Target::Exact(v("0.2.0")), &last, &v("0.2.0")),
        Ok(v("0.2.0"))
    );
    assert!(resolve_target(Target::Exact(v("0.1.0")), &last, &last)
        .unwrap_err()
        .contains("does not follow"));
    assert!(resolve_target(Target::Patch, &last, &v("0.2.0"))
        .unwrap_err()
        .contains("would go back"));
    assert_eq!("next".parse::<Target>(), Ok(Target::Next));
    assert_eq!("0.3.0".parse::<Target>(), Ok(Target::Exact(v("0.3.0"))));
    assert!("minor-ish".parse::<Target>().is_err());
}

const MANIFEST: &str = r#"[workspace]
resolver = "3"
members = ["crates/a", "crates/b"]

[workspace.package]
version = "0.1.0"
edition = "2021"
rust-version = "1.88"

[workspace.dependencies]
a = { path = "crates/a", version = "0.1.0" }
b = { path = "crates/b", version = "0.1.0" }

serde = { version = "1", features = ["derive"] }
other = { version = "0.1.0" }
"#;

#[test]
fn the_manifest_bump_changes_the_workspace_version_and_path_dependencies_only() {
    assert_eq!(workspace_version(MANIFEST), Ok(v("0.1.0")));
    let bumped = bump_manifest(MANIFEST, &v("0.1.0"), &v("0.2.0")).unwrap();
    assert_eq!(
        bumped,
        MANIFEST
            .replace(
                "version = \"0.1.0\"\nedition",
                "version = \"0.2.0\"\nedition"
            )
            .replace(
                "a = { path = \"crates/a\", version = \"0.1.0\" }",
                "a = { path = \"crates/a\", version = \"0.2.0\" }"
            )
            .replace(
                "b = { path = \"crates/b\", version = \"0.1.0\" }",
                "b = { path = \"crates/b\", version = \"0.2.0\" }"
            )
    );
    // A registry dependency that happens to have the same version is not touched.
    assert!(bumped.contains("other = { version = \"0.1.0\" }"));
    assert_eq!(workspace_version(&bumped), Ok(v("0.2.0")));
}

#[test]
fn the_manifest_bump_refuses_a_manifest_out_of_step() {
    let stale_dep = MANIFEST.replace(
        "b = { path = \"crates/b\", version = \"0.1.0\" }",
        "b = { path = \"crates/b\", version = \"0.0.9\" }",
    );
    assert!(bump_manifest(&stale_dep, &v("0.1.0"), &v("0.2.0"))
        .unwrap_err()
        .contains("should name"));
    assert!(bump_manifest(MANIFEST, &v("0.1.1"), &v("0.2.0"))
        .unwrap_err()
        .contains("expected `version = \"0.1.1\"`"));
    assert!(workspace_version("[package]\nversion = \"1.0.0\"\n").is_err());
}

#[test]
fn the_real_manifest_can_be_bumped() {
    let manifest = include_str!("../../../Cargo.toml");
    let current = workspace_version(manifest).unwrap();
    let bumped = bump_manifest(manifest, &current, &current.next_breaking()).unwrap();
    let changed = manifest
        .lines()
        .zip(bumped.lines())
        .filter(|(a, b)| a != b)
        .count();
    // [workspace.package], and each shipped crate that [workspace.dependencies] names.
    let depended_on = SHIPPED
        .iter()
        .filter(|c| manifest.contains(&format!("\n{c} = {{ path = ")))
        .count();
    assert!(depended_on >= 4, "{manifest}");
    assert_eq!(changed, 1 + depended_on, "{bumped}");
}

const LOCK: &str = "version = 4

[[package]]
name = \"salesflow\"
version = \"0.1.0\"
dependencies = [
 \"salesflow-api\",
]

[[package]]
name = \"salesflow-api\"
version = \"0.1.0\"

[[package]]
name = \"salesflow\"
version = \"0.1.0\"
source = \"registry+https://github.com/rust-lang/crates.io-index\"

[[package]]
name = \"serde\"
version = \"0.1.0\"
source = \"registry+https://github.com/rust-lang/crates.io-index\"
";

#[test]
fn the_fuzz_lock_bump_touches_the_path_packages_only() {
    let (bumped, changed) = bump_lock(LOCK, SHIPPED, &v("0.1.0"), &v("0.2.0")).unwrap();
    assert_eq!(changed, 2);
    assert_eq!(
        bumped,
        LOCK.replacen(
            "name = \"salesflow\"\nversion = \"0.1.0\"\ndependencies",
            "name = \"salesflow\"\nversion = \"0.2.0\"\ndependencies",
            1
        )
        .replacen(
            "name = \"salesflow-api\"\nversion = \"0.1.0\"",
            "name = \"salesflow-api\"\nversion = \"0.2.0\"",
            1
        )
    );
    // The real fuzz lock names every shipped crate (at whatever version it was last written).
    let fuzz_lock = include_str!("../../../fuzz/Cargo.lock");
    let at = fuzz_lock
        .split("name = \"salesflow-api\"\nversion = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let (_, changed) = bump_lock(fuzz_lock, SHIPPED, &v(at), &v(at).next_breaking()).unwrap();
    assert_eq!(changed, SHIPPED.len());
}

const SHA_A: &str = "aa8808c0000000000000000000000000000000aa";
const SHA_B: &str = "bb00000000000000000000000000000000000bbb";

#[test]
fn releases_parse_and_append() {
    let text = format!("# comment\n\n0.1.0 {SHA_A} 2026-11-27\n");
    let releases = parse_releases(&text).unwrap();
    assert_eq!(
        releases,
        vec![Release {
            version: v("0.1.0"),
            commit: SHA_A.into(),
            date: "2026-11-27".into()
        }]
    );
    let more = append_release(
        &text,
        &Release {
            version: v("0.2.0"),
            commit: SHA_B.into(),
            date: "2026-12-01".into(),
        },
    );
    assert_eq!(more, format!("{text}0.2.0 {SHA_B} 2026-12-01\n"));
    assert_eq!(parse_releases(&more).unwrap().len(), 2);
}

#[test]
fn releases_refuse_short_hashes_and_disorder() {
    assert!(parse_releases("0.1.0 aa8808c 2026-11-27\n")
        .unwrap_err()
        .contains("40-digit"));
    let disorder = format!("0.2.0 {SHA_B} 2026-12-01\n0.1.0 {SHA_A} 2026-11-27\n");
    assert!(parse_releases(&disorder)
        .unwrap_err()
        .contains("does not follow"));
    assert!(parse_releases("0.1.0\n")
        .unwrap_err()
        .contains("VERSION COMMIT DATE"));
}

/// The real files parse: RELEASES names 0.1.0's baseline and the changelog can be released.
#[test]
fn the_real_releases_and_changelog_are_well_formed() {
    let releases = parse_releases(include_str!("../../../RELEASES")).unwrap();
    assert_eq!(releases[0].version, v("0.1.0"));
    assert!(releases[0].commit.starts_with("aa8808c"));
    let changelog = include_str!("../../../CHANGELOG.md");
    let vendor = spec_vendor_version(include_str!("../../../spec/salesflow.yaml")).unwrap();
    assert!(changelog.contains("## [0.1.0] - "));
    let last = releases.last().unwrap().version.clone();
    let current = workspace_version(include_str!("../../../Cargo.toml")).unwrap();
    // Either Unreleased lists something (and can be released) or it is empty (and cannot).
    match release_changelog(
        changelog,
        resolve_target(Target::Next, &last, &current).unwrap(),
        "2099-01-01",
        &vendor,
        false,
    ) {
        Ok(text) => assert!(text.contains("## [Unreleased]")),
        Err(e) => assert!(e.contains("nothing to release"), "{e}"),
    }
}

const CHANGELOG_TEXT: &str = "# Changelog

Intro.

## [Unreleased]

Vendor API: 1.7, plus the optional fields of 1.8 to 1.11.

### Added

- `cargo xtask spec-diff`.

### Fixed

- A bug.

## [0.1.0] - 2026-11-27

Vendor API: 1.7, plus the optional fields of 1.8 to 1.11.

### Added

- Everything.

[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD
[0.1.0]: https://github.com/o/r/releases/tag/v0.1.0
";

#[test]
fn the_changelog_moves_unreleased_into_a_dated_section() {
    let released =
        release_changelog(CHANGELOG_TEXT, v("0.2.0"), "2026-12-01", "1.7", false).unwrap();
    assert_eq!(
        released,
        "# Changelog

Intro.

## [Unreleased]

Vendor API: 1.7, plus the optional fields of 1.8 to 1.11.

## [0.2.0] - 2026-12-01

Vendor API: 1.7, plus the optional fields of 1.8 to 1.11.

### Added

- `cargo xtask spec-diff`.

### Fixed

- A bug.

## [0.1.0] - 2026-11-27

Vendor API: 1.7, plus the optional fields of 1.8 to 1.11.

### Added

- Everything.

[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD
[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0
[0.1.0]: https://github.com/o/r/releases/tag/v0.1.0
"
    );
    // Released again right away: nothing is left to release, unless a dry run allows it.
    let again = release_changelog(&released, v("0.2.1"), "2026-12-02", "1.7", false).unwrap_err();
    assert!(again.contains("nothing to release"), "{again}");
    let empty = release_changelog(&released, v("0.2.1"), "2026-12-02", "1.7", true).unwrap();
    assert!(
        empty.contains("## [0.2.1] - 2026-12-02\n\nVendor API: 1.7, plus the optional fields of 1.8 to 1.11.\n\nNo changes.\n\n## [0.2.0]"),
        "{empty}"
    );
}

#[test]
fn the_changelog_refuses_a_stale_vendor_version_or_a_duplicate_release() {
    let stale =
        release_changelog(CHANGELOG_TEXT, v("0.2.0"), "2026-12-01", "1.8", false).unwrap_err();
    assert!(
        stale.contains("does not name the spec's vendor API version 1.8"),
        "{stale}"
    );
    // "1.7" is not "1.75".
    let near = CHANGELOG_TEXT.replacen("Vendor API: 1.7, plus", "Vendor API: 1.75, plus", 1);
    assert!(release_changelog(&near, v("0.2.0"), "2026-12-01", "1.7", false).is_err());
    let sentence = CHANGELOG_TEXT.replacen(
        "Vendor API: 1.7, plus the optional fields of 1.8 to 1.11.",
        "Vendor API: 1.7.",
        1,
    );
    assert!(release_changelog(&sentence, v("0.2.0"), "2026-12-01", "1.7", false).is_ok());
    let no_line = CHANGELOG_TEXT.replacen(
        "Vendor API: 1.7, plus the optional fields of 1.8 to 1.11.\n\n### Added",
        "### Added",
        1,
    );
    assert!(
        release_changelog(&no_line, v("0.2.0"), "2026-12-01", "1.7", false)
            .unwrap_err()
            .contains("no `Vendor API:` line")
    );
    assert!(
        release_changelog(CHANGELOG_TEXT, v("0.1.0"), "2026-12-01", "1.7", false)
            .unwrap_err()
            .contains("already has a section")
    );
    let no_link = CHANGELOG_TEXT.replace(
        "[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n",
        "",
    );
    assert!(
        release_changelog(&no_link, v("0.2.0"), "2026-12-01", "1.7", false)
            .unwrap_err()
            .contains("no `[Unreleased]: ` link")
    );
}

#[test]
fn the_vendor_version_comes_from_the_spec() {
    assert_eq!(
        spec_vendor_version("info:\n  version: \"1.7\"\n"),
        Ok("1.7".into())
    );
    assert_eq!(
        spec_vendor_version("info:\n  version: 1.8\n"),
        Ok("1.8".into())
    );
    assert!(spec_vendor_version("info: {}\n").is_err());
}
