//! `cargo xtask man` writes salesflow.1 and one page per subcommand, from the CLI's own
//! command definition (so every top-level subcommand and the exit codes are there).

use std::process::Command;

/// The top-level subcommands of `salesflow` (without clap's `help`).
const SUBCOMMANDS: [&str; 9] = [
    "campaigns",
    "contacts",
    "members",
    "import",
    "accounts",
    "webhooks",
    "call",
    "config",
    "completions",
];

#[test]
fn xtask_man_writes_a_page_per_command_with_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("man");
    // A page of a subcommand that no longer exists is removed.
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("salesflow-gone.1"), "stale").unwrap();
    std::fs::write(out_dir.join("keep.txt"), "not a page").unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["man", "--out-dir"])
        .arg(&out_dir)
        .output()
        .expect("xtask runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let main = std::fs::read_to_string(out_dir.join("salesflow.1")).expect("salesflow.1");
    assert!(main.contains(".TH salesflow 1"), "{main}");
    for sub in SUBCOMMANDS {
        assert!(
            main.contains(&format!("salesflow\\-{sub}(1)")),
            "salesflow.1 does not list `{sub}`"
        );
        let page = out_dir.join(format!("salesflow-{sub}.1"));
        assert!(page.exists(), "no page {}", page.display());
        assert!(stdout.contains(&format!("salesflow-{sub}.1")), "{stdout}");
    }
    // Second-level pages too, the operation by public identifier included.
    for page in [
        "salesflow-campaigns-list.1",
        "salesflow-contacts-get-by-identifier.1",
        "salesflow-config-add.1",
    ] {
        assert!(out_dir.join(page).exists(), "{page}");
    }
    // The exit codes, the configuration and the version.
    for needle in [
        "Exit codes:",
        "130",
        "partial failure",
        "SALESFLOW_PROFILE",
        "NO_COLOR",
        "Salesflow API",
    ] {
        assert!(main.contains(needle), "salesflow.1 lacks `{needle}`");
    }
    assert!(!out_dir.join("salesflow-gone.1").exists());
    assert!(out_dir.join("keep.txt").exists());
    // clap's `help` subcommand has no page.
    assert!(!out_dir.join("salesflow-help.1").exists());
}
