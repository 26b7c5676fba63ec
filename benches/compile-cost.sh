#!/usr/bin/env bash
# Compile cost for users: a clean `cargo build` (debug profile, --jobs 2) of a one-call app
# depending on `salesflow` (by path) against the same app written over reqwest + serde +
# serde_json + tokio (reqwest with the workspace's features). Each app builds sequentially
# into its own fresh CARGO_TARGET_DIR inside a temporary directory, with the workspace's
# Cargo.lock (so both resolve the same versions). Prints both times and the ratio.
#
# Usage: benches/compile-cost.sh [--keep]    (--keep leaves the temporary directory)
# Target: salesflow app / hand app <= 1.3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
keep="${1:-}"
tmp="$(mktemp -d -t salesflow-compile-cost.XXXXXX)"
if [[ "$keep" != "--keep" ]]; then
    trap 'rm -rf "$tmp"' EXIT
fi

mkdir -p "$tmp/sdk-app/src" "$tmp/hand-app/src"

cat >"$tmp/sdk-app/Cargo.toml" <<EOF
[package]
name = "sdk-app"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
salesflow = { path = "$root/crates/salesflow" }
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net", "time", "sync"] }

[workspace]
EOF

cat >"$tmp/sdk-app/src/main.rs" <<'EOF'
#[tokio::main]
async fn main() -> Result<(), salesflow::Error> {
    let client = salesflow::Client::from_env()?;
    for c in client.list_contacts_by_campaign(29854).await? {
        println!("{} {:?}", c.member_id, c.first_name);
    }
    Ok(())
}
EOF

cat >"$tmp/hand-app/Cargo.toml" <<EOF
[package]
name = "hand-app"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net", "time", "sync"] }

[workspace]
EOF

cat >"$tmp/hand-app/src/main.rs" <<'EOF'
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct Contact {
    member_id: i64,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    added_at: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("SALESFLOW_TOKEN")?;
    let account = std::env::var("SALESFLOW_ACCOUNT_ID")?;
    let base = std::env::var("SALESFLOW_BASE_URL")
        .unwrap_or_else(|_| "https://mvc.salesflow.io/api".into());
    let contacts: Vec<Contact> = reqwest::Client::new()
        .get(format!("{base}/members/list-contacts"))
        .query(&[("campaignId", "29854"), ("token", &token), ("accountId", &account)])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    for c in contacts {
        println!("{} {:?}", c.member_id, c.first_name);
    }
    let _ = serde_json::to_string(&serde_json::json!({}))?;
    Ok(())
}
EOF

cp "$root/Cargo.lock" "$tmp/sdk-app/Cargo.lock"
cp "$root/Cargo.lock" "$tmp/hand-app/Cargo.lock"

build() {
    local app="$1"
    # Resolve (and download, if needed) first, outside the timed build.
    (cd "$tmp/$app" && cargo fetch --quiet)
    local start end
    start=$(date +%s.%N)
    (cd "$tmp/$app" && CARGO_TARGET_DIR="$tmp/$app/target" cargo build --jobs 2 --quiet)
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(rustc -V)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
sdk=$(build sdk-app)
echo "load after sdk-app: $(cut -d' ' -f1-3 /proc/loadavg)"
hand=$(build hand-app)
echo "load after hand-app: $(cut -d' ' -f1-3 /proc/loadavg)"
crates_sdk=$(ls "$tmp/sdk-app/target/debug/deps/"*.rlib | wc -l)
crates_hand=$(ls "$tmp/hand-app/target/debug/deps/"*.rlib | wc -l)
printf 'clean build, sdk-app  (salesflow):                  %6.1f s, %d rlibs\n' "$sdk" "$crates_sdk"
printf 'clean build, hand-app (reqwest+serde+serde_json+tokio): %6.1f s, %d rlibs\n' "$hand" "$crates_hand"
ratio=$(echo "$sdk / $hand" | bc -l)
verdict=$(echo "$ratio <= 1.3" | bc -l)
printf 'RATIO compile cost sdk/hand = %.2f (target <= 1.3: %s)\n' "$ratio" \
    "$([[ "$verdict" == 1 ]] && echo met || echo MISSED)"
if [[ "$keep" == "--keep" ]]; then
    echo "kept: $tmp"
fi
