#!/usr/bin/env bash
# The whole exam under load, against a release build on a fresh database.
#   bench/exam.sh sqlite|postgres [candidates] [seconds] [reviewers]
#   NODES=2 bench/exam.sh postgres …   several nodes on the one database, candidates spread
# Seeds N load-test candidates and a reviewer, starts the server, and runs `exam-load`
# (bench/src/exam_load/): the sign-in phase, then N candidates each loading the exam page
# once, streaming 10 events/s and saving an answer every 10 s, with reviewers' live streams
# open. Prints its figures (JSON).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
backend="${1:-sqlite}"
candidates="${2:-5000}"
seconds="${3:-60}"
reviewers="${4:-20}"
port="${BENCH_PORT:-3901}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

. bench/database.sh
fresh_database "$backend" exam "bench/exam.sh sqlite|postgres [candidates] [seconds] [reviewers]"
trap drop_database EXIT

nodes="${NODES:-1}"
if [ "$nodes" -gt 1 ] && [ "$backend" != postgres ]; then
  echo "several nodes share PostgreSQL only" >&2
  exit 2
fi
export RUST_LOG="${RUST_LOG:-warn}"
target/release/vigil seed-load "$candidates"
servers=()
bases=()
cleanup() {
  for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; wait "$s" 2>/dev/null || true; done
  drop_database
}
trap cleanup EXIT
for n in $(seq 0 $((nodes - 1))); do
  VIGIL_LISTEN="127.0.0.1:$((port + n))" VIGIL_NODE_ID="bench-$n" target/release/vigil &
  servers+=("$!")
  bases+=("http://127.0.0.1:$((port + n))")
done
for base in "${bases[@]}"; do
  for _ in $(seq 1 100); do
    curl -fs "$base/healthz" >/dev/null && break
    sleep 0.1
  done
done

join() { local IFS=,; echo "$*"; }
echo "== exam: $candidates candidates, $reviewers reviewers, $seconds s, $backend, $nodes node(s)"
target/release/exam-load --base "$(join "${bases[@]}")" --database-url "$DATABASE_URL" \
  --candidates "$candidates" --seconds "$seconds" --reviewers "$reviewers" --server-pid "$(join "${servers[@]}")"
