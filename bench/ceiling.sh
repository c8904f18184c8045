#!/usr/bin/env bash
# The highest paced telemetry rate held, against a release build on a fresh database.
#   bench/ceiling.sh sqlite|postgres [candidates] [seconds] [rates]
# Seeds N candidates (default 2000), signs them in once, then streams paced steps one after
# another (default 10,20,30,40,50 events/s per candidate, one batch a second each: 20,000 to
# 100,000 events/s with 2,000 candidates) for `seconds` each (default 20), stopping after the
# first step whose acknowledgement p99 exceeds 50 ms (P99_MS), or that loses or refuses an event or a
# candidate. Prints each step's figures and the highest step held (JSON). A session may send 50
# events/s sustained (the server's per-session limit), so rates above 50 are refused in part.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
backend="${1:-sqlite}"
candidates="${2:-2000}"
seconds="${3:-20}"
rates="${4:-10,20,30,40,50}"
port="${BENCH_PORT:-3903}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

. bench/database.sh
seeded_server "$backend" ceiling "bench/ceiling.sh sqlite|postgres [candidates] [seconds] [rates]" "$candidates" "$port"

echo "== paced steps: $candidates candidates × $rates events/s, $seconds s each, $backend"
target/release/loadgen --base "$base" --database-url "$DATABASE_URL" --candidates "$candidates" \
  --seconds "$seconds" --server-pid "$server" --rates "$rates" --p99-ms "${P99_MS:-50}"
