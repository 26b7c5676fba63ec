//! The drills' target directory (`<target>/drills`), seeded from the workspace's own.
//!
//! A drill builds a copy of the workspace in a target directory of its own (sharing this
//! workspace's would overwrite its artefacts, and the `cargo test` running the drill holds its
//! lock). Built from nothing, that directory compiles every registry dependency again: most of
//! a drill's time. Seeded with hard links to the *dependencies* `cargo test --workspace` has
//! just built (their metadata hashes do not depend on the workspace's path, and cargo records
//! build-script paths relative to the target directory), they are fresh there, and only the
//! copy's own crates compile.
//!
//! The workspace's own crates are not linked: their hashes do not depend on the workspace's
//! path either, so the copy's builds of them would have the same file names, and rustc and
//! cargo write some files in place (`.rmeta`, fingerprints): through a hard link, into this
//! workspace's build. Dependencies are never rebuilt under the same name (a fresh one is not
//! written; other features make another hash). Hard links take no disk space, and the
//! directories are new ones, so what cargo deletes or renames in the drills' tree leaves the
//! workspace's untouched.
//!
//! The drills' cargo commands select the whole workspace (`cargo test --workspace --test NAME`),
//! not one package: cargo unifies features over the packages a command selects, so
//! `-p salesflow-cli` asks for other builds of tokio, hyper, syn, reqwest, axum... (33 to 73
//! registry units for one package, by `cargo +nightly ... --unit-graph`), which the seeded
//! directory does not hold; with `--workspace` every dependency is the one `cargo test
//! --workspace` built. (Two commands of the event drill still select one package: the CLI's
//! unit test of event names, and the webhook types' tests with all their features.) Measured:
//! the three drill binaries took 334 s of CPU with `-p`, 291 s with `--workspace`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace's target directory (`CARGO_TARGET_DIR`, else `target/` under the root).
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// `<target>/drills`, seeded on first use (see the module's documentation). A failure to
/// seed (no `cp`, another file system) only makes the drill slower.
pub fn drills_target(root: &Path) -> PathBuf {
    let target = target_dir(root);
    let drills = target.join("drills");
    let to = drills.join("debug");
    if !to.join("deps").exists() {
        let _ = Command::new("bash")
            .arg(root.join(".ci/seed-target"))
            .arg(target.join("debug"))
            .arg(&to)
            .status();
    }
    drills
}
