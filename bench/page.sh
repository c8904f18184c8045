#!/usr/bin/env bash
# The candidate's exam page under a standard HTTP load tool (wrk), against a release build.
#   bench/page.sh sqlite|postgres [connections] [seconds]
# Signs one load-test candidate in, starts their attempt, and has wrk request the exam page
# (`/sessions/<id>`, server-rendered for that signed-in candidate) over `connections`
# connections for `seconds`; then `/healthz` the same way, for the server's floor. wrk prints
# requests/s and the latency distribution (p50, p75, p90, p99). wrk runs on the same machine
# and takes its share of the cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
backend="${1:-sqlite}"
connections="${2:-64}"
seconds="${3:-20}"
port="${BENCH_PORT:-3902}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian's package)" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get install -y -q wrk >/dev/null 2>&1 || { $sudo apt-get update -q && $sudo apt-get install -y -q wrk; }
fi

. bench/database.sh
fresh_database "$backend" page "bench/page.sh sqlite|postgres [connections] [seconds]"
trap drop_database EXIT

export RUST_LOG="${RUST_LOG:-warn}"
target/release/vigil seed-load 1
start_server "$port"

case "$backend" in
  sqlite) query() { sqlite3 "${DATABASE_URL#sqlite://}" "$1"; } ;;
  postgres) query() { psql "$DATABASE_URL" -Atc "$1"; } ;;
esac
# The URL's `?mode=rwc` is not part of the file name.
DATABASE_URL="${DATABASE_URL%%\?*}"
exam="$(query "SELECT e.id FROM exams e JOIN organizations o ON o.id = e.org_id WHERE o.slug = 'load' LIMIT 1")"
cookie="$(curl -fsS -D - -o /dev/null -d 'email=load-0@load.vigil.test&password=vigil-demo-password' "$base/api/sign_in" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)"
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
session="$(curl -fsS -H "cookie: $cookie" -d "exam_id=$exam&consent=true" "$base/api/start_exam" | tr -d '"')"
page="$base/sessions/$session"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "cookie: $cookie" "$page")"
[ "$status" = 200 ] || { echo "the exam page answered $status" >&2; exit 1; }

echo "== exam page, signed in, $connections connections, $seconds s, $backend"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "cookie: $cookie" "$page"
echo "== /healthz, $connections connections, $seconds s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "$base/healthz"
echo "server resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/$server/status")"
