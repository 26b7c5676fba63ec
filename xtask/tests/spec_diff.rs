//! `cargo xtask spec-diff` end to end: the spec at a git ref against a file, and the version
//! check that `.ci/semver-gate` relies on.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn head_spec() -> String {
    let output = Command::new("git")
        .current_dir(root())
        .args(["show", "HEAD:spec/salesflow.yaml"])
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

fn workspace_version() -> String {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    xtask::release::workspace_version(&manifest)
        .unwrap()
        .to_string()
}

fn spec_diff(spec: &Path, released_as: &str) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec-diff", "HEAD", "--spec"])
        .arg(spec)
        .args(["--released-as", released_as])
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_unchanged_spec_passes() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("salesflow.yaml");
    std::fs::write(&spec, head_spec()).unwrap();
    let (ok, stdout, stderr) = spec_diff(&spec, &workspace_version());
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains(": 0 change(s)"), "{stdout}");
    assert!(stdout.contains("no change to the API contract"), "{stdout}");
}

#[test]
fn a_breaking_change_without_the_bump_fails() {
    let spec_text = head_spec();
    let anchor = "      required: [Name, Url]\n";
    assert!(
        spec_text.contains(anchor),
        "CreateWebhookRequest changed; update this test"
    );
    let broken = spec_text.replacen(
        anchor,
        "      required: [Name, Url, DisableForMutedContacts]\n",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("salesflow.yaml");
    std::fs::write(&spec, broken).unwrap();
    let version = workspace_version();
    let (ok, stdout, stderr) = spec_diff(&spec, &version);
    assert!(!ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("request field optionality changed: CreateWebhookRequest.DisableForMutedContacts (optional, nullable -> required, nullable)"),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!("FAIL: a breaking change since {version}")),
        "{stderr}"
    );
}
