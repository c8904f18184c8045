#!/usr/bin/env bash
# Benchmarks the telemetry pipeline against a release build on a fresh database.
#   bench/run.sh sqlite|postgres [candidates] [seconds]
# Runs the paced scenario (each candidate 10 events/s) and the saturation scenario, and prints
# the load generator's figures (JSON) for each.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
backend="${1:-sqlite}"
candidates="${2:-2000}"
seconds="${3:-20}"
port="${BENCH_PORT:-3900}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

. bench/database.sh
seeded_server "$backend" bench "bench/run.sh sqlite|postgres [candidates] [seconds]" "$candidates" "$port"

common=(--base "$base" --database-url "$DATABASE_URL" --candidates "$candidates" --seconds "$seconds" --server-pid "$server")
echo "== paced: $candidates candidates × 10 events/s, $backend"
target/release/loadgen "${common[@]}" --mode paced --rate 10
if [ -z "${PACED_ONLY:-}" ]; then
echo "== saturation: $candidates candidates, batches of 50 back to back, $backend"
target/release/loadgen "${common[@]}" --mode saturate --batch 50
fi
