#!/usr/bin/env bash
# Peak memory (RSS) of `salesflow import` on a large CSV, against a standalone mock process.
#
#   benches/import-memory.sh [ROWS] [CONCURRENCY]      # defaults: 1000000 64
#
# Builds the release binaries, writes a CSV of ROWS fresh profiles (4 columns, about 100
# bytes a row) in a temporary directory, starts `salesflow-mock` (demo seed) on a free port,
# and runs the import into the demo's empty campaign 29890 under `/usr/bin/time -v`, which
# reports the peak RSS of the CLI process alone (the mock is another process). Then it runs
# the same command again: every row is already done (journal of 2 x ROWS lines), which
# measures the resume path's memory. Prints both figures and the wall times.
set -euo pipefail

ROWS="${1:-1000000}"
CONCURRENCY="${2:-64}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

cargo build --release -p salesflow-cli -p salesflow-mock --manifest-path "$ROOT/Cargo.toml"

WORK="$(mktemp -d)"
MOCK_PID=""
cleanup() {
    if [ -n "$MOCK_PID" ]; then kill "$MOCK_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

awk -v n="$ROWS" 'BEGIN {
    print "first_name,last_name,linkedin_url,occupation";
    for (i = 0; i < n; i++)
        printf "First%d,Last%d,https://www.linkedin.com/in/memory-bench-%d,Engineer at Example Corp\n", i, i, i;
}' > "$WORK/big.csv"
echo "CSV: $ROWS rows, $(du -h "$WORK/big.csv" | cut -f1)"

"$TARGET/release/salesflow-mock" --port 0 > "$WORK/mock.out" 2>&1 &
MOCK_PID=$!
for _ in $(seq 100); do
    grep -q "listening on" "$WORK/mock.out" 2>/dev/null && break
    sleep 0.1
done
BASE="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/mock.out")"
echo "mock: $BASE (pid $MOCK_PID)"

run() {
    /usr/bin/time -v "$TARGET/release/salesflow" \
        --base-url "$BASE" --token demo-token-0123456789 --account-id 321 --output json \
        import "$WORK/big.csv" --campaign 29890 --concurrency "$CONCURRENCY" \
        --state "$WORK/journal.jsonl" \
        > "$WORK/$1.json" 2> "$WORK/$1.err" || true
    echo "== $1: exit $(grep -o '"Interrupted": [a-z]*' "$WORK/$1.json" || true)"
    grep -E '"(Rows|Imported|Duplicates|AlreadyDone|Failed|Invalid)"' "$WORK/$1.json" | tr -d ' \n'
    echo
    grep -E "Maximum resident set size|Elapsed \(wall clock\)|Exit status" "$WORK/$1.err"
}
run first
run resume
echo "journal: $(wc -l < "$WORK/journal.jsonl") lines"
