//! Helpers shared by the integration tests: the built binary, and a standalone mock server
//! running on a runtime of the test process.

#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;
use salesflow::Operation;
use salesflow_mock::{MockServer, DEMO_ACCOUNT_ID, DEMO_TOKEN};
use serde_json::Value;

/// The `salesflow` binary, with no SALESFLOW_* or colour variable inherited, and a
/// configuration file that does not exist (so that the developer's own profiles never
/// apply).
pub fn salesflow() -> Command {
    Command::from_std(salesflow_process())
}

/// [`salesflow`] as a `std::process::Command`: for a test that spawns the binary and reads
/// its output while it runs.
pub fn salesflow_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("salesflow"));
    for var in [
        "SALESFLOW_TOKEN",
        "SALESFLOW_ACCOUNT_ID",
        "SALESFLOW_BASE_URL",
        "SALESFLOW_PROFILE",
        "SALESFLOW_WEBHOOK_SECRET",
        "SALESFLOW_IMPORT_STOP_AFTER",
        "SALESFLOW_IMPORT_ABORT_AFTER",
        "SALESFLOW_DRIFT_REPORT",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("SALESFLOW_CONFIG", no_config());
    cmd
}

/// A configuration file path that does not exist (nothing ever writes it).
pub fn no_config() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("salesflow-cli-tests-no-config/config.toml")
}

/// A mock server on its own runtime, alive as long as this value.
pub struct Mock {
    pub server: MockServer,
    pub rt: tokio::runtime::Runtime,
}

impl Mock {
    pub fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(MockServer::start()).unwrap();
        Mock { server, rt }
    }

    /// The binary, pointed at this mock with the demo credentials, JSON output.
    pub fn cli(&self) -> Command {
        self.cli_as("json")
    }

    /// The binary, pointed at this mock with the demo credentials, with `--output format`.
    pub fn cli_as(&self, format: &str) -> Command {
        Command::from_std(self.process_as(format))
    }

    /// [`cli`](Self::cli) as a `std::process::Command`, to spawn.
    pub fn process(&self) -> std::process::Command {
        self.process_as("json")
    }

    fn process_as(&self, format: &str) -> std::process::Command {
        let mut cmd = salesflow_process();
        cmd.args([
            "--base-url",
            &self.server.base_url(),
            "--token",
            DEMO_TOKEN,
            "--account-id",
            &DEMO_ACCOUNT_ID.to_string(),
            "--output",
            format,
        ]);
        cmd
    }

    /// The `linkedInUrl` of every ImportMember request the mock answered with 200.
    pub fn imported_urls(&self) -> Vec<String> {
        self.server
            .requests()
            .into_iter()
            .filter(|r| r.operation == Some(Operation::ImportMember) && r.status == 200)
            .filter_map(|r| {
                let q = r.query?;
                url_param(&q, "linkedInUrl")
            })
            .collect()
    }
}

/// A query parameter, decoded.
pub fn url_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// Parses stdout as JSON.
pub fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes a CSV file of `n` fresh profiles (slugs `{prefix}-{i}`), header `linkedin_url,first_name`.
pub fn write_profiles(path: &Path, prefix: &str, n: usize) -> Vec<String> {
    let mut text = String::from("linkedin_url,first_name\n");
    let mut urls = Vec::new();
    for i in 0..n {
        let url = format!("https://www.linkedin.com/in/{prefix}-{i}");
        text.push_str(&format!("{url},Person{i}\n"));
        urls.push(url);
    }
    std::fs::write(path, text).unwrap();
    urls
}
