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

cargo build --release -q -p vigil -p vigil-bench

work="$(mktemp -d)"
case "$backend" in
  sqlite) export DATABASE_URL="sqlite://$work/vigil.db?mode=rwc" ;;
  postgres)
    admin="${VIGIL_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
    db="vigil_bench_$(date +%s)"
    psql "$admin" -qc "CREATE DATABASE $db"
    export DATABASE_URL="${admin%/*}/$db"
    ;;
  *) echo "usage: bench/run.sh sqlite|postgres [candidates] [seconds]" >&2; exit 2 ;;
esac

export RUST_LOG="${RUST_LOG:-warn}"
target/release/vigil seed-load "$candidates"
VIGIL_LISTEN="127.0.0.1:$port" target/release/vigil &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
  if [ "$backend" = postgres ]; then psql "$admin" -qc "DROP DATABASE IF EXISTS $db" || true; fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

common=(--base "http://127.0.0.1:$port" --database-url "$DATABASE_URL" --candidates "$candidates" --seconds "$seconds" --server-pid "$server")
echo "== paced: $candidates candidates × 10 events/s, $backend"
target/release/loadgen "${common[@]}" --mode paced --rate 10
if [ -z "${PACED_ONLY:-}" ]; then
echo "== saturation: $candidates candidates, batches of 50 back to back, $backend"
target/release/loadgen "${common[@]}" --mode saturate --batch 50
fi
