#!/usr/bin/env bash
# The review queue at scale: seeds 100,000 submitted attempts with 10 million telemetry events
# (`vigil seed-review`) into a fresh database, then times the queue and the evidence page with
# `review-bench` (the functions the server functions call) and prints p50/p99 per scenario.
#   bench/review.sh sqlite|postgres [sessions] [events per session] [iterations]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
backend="${1:-sqlite}"
sessions="${2:-100000}"
events="${3:-100}"
iterations="${4:-200}"

. bench/database.sh
fresh_database "$backend" review_bench "bench/review.sh sqlite|postgres [sessions] [events per session] [iterations]"
trap drop_database EXIT

export RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
echo "== seeding $sessions attempts × $events events ($backend)"
start=$(date +%s)
target/release/vigil seed-review "$sessions" "$events"
echo "{\"seeded_in_s\": $(( $(date +%s) - start ))}"
if [ "$backend" = postgres ]; then psql "$DATABASE_URL" -qc "VACUUM ANALYZE"; fi
echo "== review queue and evidence page ($backend, $iterations iterations each)"
target/release/review-bench --database-url "$DATABASE_URL" --iterations "$iterations"
