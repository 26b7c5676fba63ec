#!/usr/bin/env bash
# The mock's throughput on ListCampaigns (issue #13 goal 3: at least 5,000 requests/s on this
# machine): builds the release `salesflow-mock`, starts it as its own process (demo seed, a free
# port), and loads it with wrk (Debian package `wrk`) for DURATION seconds with CONNECTIONS
# keep-alive connections on THREADS wrk threads, ROUNDS times. wrk and the mock share the
# machine's cores. Prints wrk's report of each round, the requests/s and the load average.
#
# Usage: benches/mock-throughput.sh
#        ROUNDS=2 DURATION=10 CONNECTIONS=16 THREADS=1 benches/mock-throughput.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${ROUNDS:-2}"
duration="${DURATION:-10}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-1}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
(cd "$root" && cargo build --quiet --release -p salesflow-mock --bin salesflow-mock)
target_dir=$(cd "$root" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

"$target_dir/release/salesflow-mock" --port "$port" --seed demo >/dev/null 2>&1 &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

# The demo world's public credentials (salesflow_mock::DEMO_TOKEN / DEMO_ACCOUNT_ID).
url="http://127.0.0.1:$port/api/campaigns/list-campaigns?token=demo-token-0123456789&accountId=321"
curl -fsS "$url" >/dev/null
echo "machine: $(nproc) cores; wrk -t$threads -c$connections -d${duration}s, ListCampaigns (demo world: 3 campaigns)"
for round in $(seq 1 "$rounds"); do
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$url")
    echo "$out"
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
    printf 'RESULT round %d: %s requests/s (target >= 5000: %s); load before %s, after %s%s\n' \
        "$round" "$rps" "$(awk -v r="$rps" 'BEGIN {print (r >= 5000) ? "met" : "MISSED"}')" \
        "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" "${errors:+; $errors}"
done
