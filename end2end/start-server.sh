#!/usr/bin/env bash
# Starts the built Vigil on a fresh database for the Playwright run: a new SQLite file, or the
# PostgreSQL database named by E2E_DATABASE_URL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
port="${1:-3100}"
data="$here/.e2e-data"
rm -rf "$data"
mkdir -p "$data"
export VIGIL_LISTEN="127.0.0.1:$port"
export VIGIL_DATA_DIR="$data"
export LEPTOS_SITE_ROOT="$root/target/site"
export RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
if [ -n "${E2E_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$E2E_DATABASE_URL"
else
  unset DATABASE_URL
fi
# The log is also kept in a file: invitation messages land there (no mail server here), and the
# invitation test reads its link from it as a person would from the server's log.
exec "$root/target/debug/vigil" --demo > >(tee "$data/server.log") 2>&1
