#!/usr/bin/env bash
# An exam's report at scale: seeds one exam with 10,000 submitted attempts at 50 questions
# (`vigil seed-report`) into a fresh database, then times the report (overview, distributions,
# flags and the item analysis of every question) with `report-bench` and prints p50/p99.
#   bench/report.sh sqlite|postgres [attempts] [questions] [iterations]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
backend="${1:-sqlite}"
attempts="${2:-10000}"
questions="${3:-50}"
iterations="${4:-20}"

. bench/database.sh
fresh_database "$backend" report_bench "bench/report.sh sqlite|postgres [attempts] [questions] [iterations]"
trap drop_database EXIT

export RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
echo "== seeding $attempts attempts × $questions questions ($backend)"
start=$(date +%s)
target/release/vigil seed-report "$attempts" "$questions"
echo "{\"seeded_in_s\": $(( $(date +%s) - start ))}"
if [ "$backend" = postgres ]; then psql "$DATABASE_URL" -qc "VACUUM ANALYZE"; fi
echo "== exam report ($backend, $iterations iterations each)"
target/release/report-bench --database-url "$DATABASE_URL" --iterations "$iterations"
