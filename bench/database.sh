# Sourced by the benchmark scripts (bench/run.sh, ceiling.sh, page.sh, exam.sh, review.sh, report.sh): builds the release
# server and the benchmark programs, and points DATABASE_URL at a fresh database.
#   fresh_database sqlite|postgres <name> <usage line>
# SQLite: a file in a temporary directory. PostgreSQL: a new database `vigil_<name>_<time>` on
# the server VIGIL_BENCH_POSTGRES_URL names (default: postgres@127.0.0.1:5432).
# `drop_database` removes it again; the scripts call it on exit.

fresh_database() {
  bench_backend="$1"
  local name="$2" usage="$3"
  [ -n "${BENCH_NO_BUILD:-}" ] || cargo build --release -q -p vigil -p vigil-bench
  bench_work="$(mktemp -d)"
  case "$bench_backend" in
    sqlite) export DATABASE_URL="sqlite://$bench_work/vigil.db?mode=rwc" ;;
    postgres)
      bench_admin="${VIGIL_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
      bench_db="vigil_${name}_$(date +%s)"
      psql "$bench_admin" -qc "CREATE DATABASE $bench_db"
      export DATABASE_URL="${bench_admin%/*}/$bench_db"
      ;;
    *) echo "usage: $usage" >&2; exit 2 ;;
  esac
}

drop_database() {
  rm -rf "${bench_work:-}"
  if [ "${bench_backend:-}" = postgres ]; then
    psql "$bench_admin" -qc "DROP DATABASE IF EXISTS $bench_db" || true
  fi
}

# Starts the release server on 127.0.0.1:<port> against DATABASE_URL, stops it (and drops the
# database) on exit, and waits until it answers. Sets `server` (its pid) and `base` (its URL).
#   start_server <port>
start_server() {
  VIGIL_LISTEN="127.0.0.1:$1" target/release/vigil &
  server=$!
  base="http://127.0.0.1:$1"
  trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; drop_database' EXIT
  for _ in $(seq 1 100); do
    curl -fs "$base/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "the server did not answer at $base" >&2
  return 1
}

# A fresh database with <candidates> load-test candidates and the release server started on
# it (see start_server), for the telemetry benchmarks.
#   seeded_server sqlite|postgres <name> <usage line> <candidates> <port>
seeded_server() {
  fresh_database "$1" "$2" "$3"
  trap drop_database EXIT
  export RUST_LOG="${RUST_LOG:-warn}"
  target/release/vigil seed-load "$4"
  start_server "$5"
}
