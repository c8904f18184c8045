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

cargo build --release -q -p vigil -p vigil-bench

work="$(mktemp -d)"
case "$backend" in
  sqlite) export DATABASE_URL="sqlite://$work/vigil.db?mode=rwc" ;;
  postgres)
    admin="${VIGIL_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
    db="vigil_review_bench_$(date +%s)"
    psql "$admin" -qc "CREATE DATABASE $db"
    export DATABASE_URL="${admin%/*}/$db"
    ;;
  *) echo "usage: bench/review.sh sqlite|postgres [sessions] [events per session] [iterations]" >&2; exit 2 ;;
esac
cleanup() {
  rm -rf "$work"
  if [ "$backend" = postgres ]; then psql "$admin" -qc "DROP DATABASE IF EXISTS $db" || true; fi
}
trap cleanup EXIT

export RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
echo "== seeding $sessions attempts × $events events ($backend)"
start=$(date +%s)
target/release/vigil seed-review "$sessions" "$events"
echo "{\"seeded_in_s\": $(( $(date +%s) - start ))}"
if [ "$backend" = postgres ]; then psql "$DATABASE_URL" -qc "VACUUM ANALYZE"; fi
echo "== review queue and evidence page ($backend, $iterations iterations each)"
target/release/review-bench --database-url "$DATABASE_URL" --iterations "$iterations"
