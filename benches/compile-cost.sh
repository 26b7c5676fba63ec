#!/usr/bin/env bash
# Compile cost for users: clean `cargo build`s (debug profile, --jobs 2) of one-call apps, each
# into its own fresh CARGO_TARGET_DIR inside a temporary directory, with the workspace's
# Cargo.lock (so all resolve the same versions):
#   sdk-app       `salesflow` (default features: rustls, whose aws-lc-rs builds C) + tokio
#   hand-app      the same call over reqwest (rustls) + serde + serde_json + tokio
#   receiver-app  a webhook receiver's decoding: `salesflow-webhook-types` alone
#   sdk-native    `salesflow` with default-features = false, features = ["native-tls"]
#   api-notls     `salesflow-api` with no TLS at all (default-features = false) + tokio
# Every app is built ROUNDS times (default 2), the apps interleaved within each round (sdk,
# hand, receiver, native, api, then again), so that a change of load hits all of them alike.
# Prints each build's wall time and CPU time (user + system of cargo and the compilers: less
# sensitive than wall time to other processes on the machine) with the load before it, then
# the ratios of the mean times, wall and CPU:
#   sdk / hand (issue #13 goal 5: no worse than 1.16), receiver / sdk (target <= 0.30), and
#   the TLS savings (issue #12 item 4): sdk-native / sdk, api-notls / sdk.
#
# Usage: benches/compile-cost.sh [--keep]    (--keep leaves the temporary directory)
#        ROUNDS=1 APPS="sdk-app hand-app" benches/compile-cost.sh   (a subset)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
keep="${1:-}"
tmp="$(mktemp -d -t salesflow-compile-cost.XXXXXX)"
if [[ "$keep" != "--keep" ]]; then
    trap 'rm -rf "$tmp"' EXIT
fi

mkdir -p "$tmp/sdk-app/src" "$tmp/hand-app/src" "$tmp/receiver-app/src" "$tmp/sdk-native/src" \
    "$tmp/api-notls/src"

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

cat >"$tmp/receiver-app/Cargo.toml" <<EOF
[package]
name = "receiver-app"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
salesflow-webhook-types = { path = "$root/crates/salesflow-webhook-types" }

[workspace]
EOF

cat >"$tmp/receiver-app/src/main.rs" <<'EOF'
use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut body = Vec::new();
    std::io::stdin().read_to_end(&mut body)?;
    let payload = salesflow_webhook_types::WebhookPayload::from_slice(&body)?;
    println!("{:?} {:?} {:?}", payload.event(), payload.member_id, payload.first_name);
    Ok(())
}
EOF

cat >"$tmp/sdk-native/Cargo.toml" <<EOF
[package]
name = "sdk-native"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
salesflow = { path = "$root/crates/salesflow", default-features = false, features = ["native-tls"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net", "time", "sync"] }

[workspace]
EOF
cp "$tmp/sdk-app/src/main.rs" "$tmp/sdk-native/src/main.rs"

cat >"$tmp/api-notls/Cargo.toml" <<EOF
[package]
name = "api-notls"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
salesflow-api = { path = "$root/crates/salesflow-api", default-features = false }
reqwest = { version = "0.13", default-features = false }
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net", "time", "sync"] }

[workspace]
EOF

cat >"$tmp/api-notls/src/main.rs" <<'EOF'
use salesflow_api::{ApiToken, Client, ClientState, Hosts};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("SALESFLOW_TOKEN")?;
    let account: i64 = std::env::var("SALESFLOW_ACCOUNT_ID")?.parse()?;
    let base = std::env::var("SALESFLOW_BASE_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:8080/api".into());
    let state = ClientState::new(ApiToken::new(token), Some(account.into()));
    let client = Client::with_hosts(&Hosts::new(base.clone(), base), reqwest::Client::new(), state);
    let contacts = client.list_contacts_by_campaign(&29854.into(), None).await?;
    for c in contacts.into_inner() {
        println!("{} {:?}", c.member_id, c.first_name);
    }
    Ok(())
}
EOF

apps="${APPS:-sdk-app hand-app receiver-app sdk-native api-notls}"
rounds="${ROUNDS:-2}"
for app in $apps; do
    cp "$root/Cargo.lock" "$tmp/$app/Cargo.lock"
    # Resolve (and download, if needed) first, outside the timed builds.
    (cd "$tmp/$app" && cargo fetch --quiet)
done

# One clean build of $1 into a fresh target directory (removed afterwards); prints the wall
# seconds, the CPU seconds (user + system, of cargo and every compiler it ran) and the number
# of rlibs built.
build() {
    local app="$1" round="$2"
    local target="$tmp/$app/target-$round"
    local times rlibs
    times=$(
        cd "$tmp/$app"
        TIMEFORMAT='%R %U %S'
        { time CARGO_TARGET_DIR="$target" cargo build --jobs 2 --quiet; } 2>&1
    )
    rlibs=$(ls "$target/debug/deps/"*.rlib | wc -l)
    rm -rf "$target"
    read -r wall user sys <<<"$(tail -n 1 <<<"$times")"
    echo "$wall $(echo "$user + $sys" | bc -l) $rlibs"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(rustc -V)"
declare -A total cpu count
for round in $(seq 1 "$rounds"); do
    for app in $apps; do
        load="$(cut -d' ' -f1-3 /proc/loadavg)"
        read -r secs cpus rlibs <<<"$(build "$app" "$round")"
        printf 'round %d  %-13s %7.1f s wall  %7.1f s CPU  %3d rlibs  (load before: %s)\n' \
            "$round" "$app" "$secs" "$cpus" "$rlibs" "$load"
        total[$app]=$(echo "${total[$app]:-0} + $secs" | bc -l)
        cpu[$app]=$(echo "${cpu[$app]:-0} + $cpus" | bc -l)
        count[$app]=$((${count[$app]:-0} + 1))
    done
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

mean() { echo "${total[$1]} / ${count[$1]}" | bc -l; }
mean_cpu() { echo "${cpu[$1]} / ${count[$1]}" | bc -l; }
ratio() {
    if [[ -n "${total[$1]:-}" && -n "${total[$2]:-}" ]]; then
        printf 'RATIO compile cost %s / %s = %.2f wall (mean %.1f s / %.1f s), %.2f CPU (mean %.1f s / %.1f s) %s\n' \
            "$1" "$2" \
            "$(echo "$(mean "$1") / $(mean "$2")" | bc -l)" "$(mean "$1")" "$(mean "$2")" \
            "$(echo "$(mean_cpu "$1") / $(mean_cpu "$2")" | bc -l)" "$(mean_cpu "$1")" "$(mean_cpu "$2")" \
            "$3"
    fi
}
ratio sdk-app hand-app "(goal: no worse than 1.16)"
ratio receiver-app sdk-app "(goal: <= 0.30)"
ratio sdk-native sdk-app "(TLS: native-tls instead of rustls)"
ratio api-notls sdk-app "(salesflow-api, no TLS)"
if [[ "$keep" == "--keep" ]]; then
    echo "kept: $tmp"
fi
