//! Helpers of the drills that copy the workspace to a temporary directory and run cargo there
//! (with the drills' target directory, `<target>/drills`, seeded with the workspace's
//! dependencies: `scratch/mod.rs`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives under the workspace root")
        .to_path_buf()
}

/// The workspace's files: tracked, or untracked and not ignored.
pub fn workspace_files() -> Vec<String> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root())
        .output()
        .expect("git runs");
    assert!(listed.status.success(), "git ls-files failed");
    listed
        .stdout
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8(n.to_vec()).expect("UTF-8 file names"))
        .filter(|n| root().join(n).is_file())
        .collect()
}

/// A copy of `files` in a new temporary directory whose name starts with `prefix`.
pub fn copy_of_the_workspace(prefix: &str, files: &[String]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("a temporary directory");
    for name in files {
        let to = dir.path().join(name);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(root().join(name), &to).expect("copy");
    }
    dir
}

/// Replaces `anchor` (which must occur once) by `with` in the copy's file `path`.
pub fn replace_once(copy: &Path, path: &str, anchor: &str, with: &str) {
    let file = copy.join(path);
    let text = std::fs::read_to_string(&file).expect("readable");
    assert_eq!(text.matches(anchor).count(), 1, "{path}: `{anchor}`");
    std::fs::write(&file, text.replacen(anchor, with, 1)).expect("writable");
}

#[path = "../scratch/mod.rs"]
mod scratch;

/// The drills' target directory: `<target>/drills` (a copy sharing this workspace's would
/// overwrite its artefacts), seeded with the workspace's dependencies (`scratch/mod.rs`).
pub fn drills_target() -> PathBuf {
    scratch::drills_target(&root())
}

/// cargo in the copy, offline, with the drills' target directory.
pub fn cargo(copy: &Path, args: &[&str]) -> Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .arg("--offline")
        .args(args)
        .env("CARGO_TARGET_DIR", drills_target())
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .current_dir(copy)
        .output()
        .expect("cargo runs")
}

pub fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn run_ok(copy: &Path, what: &str, args: &[&str]) -> String {
    let out = cargo(copy, args);
    assert!(out.status.success(), "{what}:\n{}", text(&out));
    text(&out)
}
