//! The drills' target directory (`<target>/drills`), seeded from the workspace's own.
//!
//! A drill builds a copy of the workspace in a target directory of its own (sharing this
//! workspace's would overwrite its artefacts, and the `cargo test` running the drill holds its
//! lock). Built from nothing, that directory compiles every registry dependency again: most of
//! a drill's time. Seeded with hard links to what `cargo test --workspace` has just built, the
//! dependencies are fresh there (their metadata hashes do not depend on the workspace's path,
//! and cargo records build-script paths relative to the target directory), and only the
//! copy's own crates compile. Hard links take no disk space; the directories are new ones, so
//! whatever cargo deletes or renames in the drills' tree leaves the workspace's untouched.

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
    if !to.join("deps").exists() && std::fs::create_dir_all(&to).is_ok() {
        for sub in ["deps", "build", ".fingerprint"] {
            let from = target.join("debug").join(sub);
            if from.is_dir() {
                let _ = Command::new("cp").arg("-al").arg(&from).arg(&to).status();
            }
        }
    }
    drills
}
