#!/usr/bin/env bash
# Runs Vigil at http://127.0.0.1:3000 on an embedded SQLite file (data/vigil.db), with demo data.
# Every VIGIL_* / DATABASE_URL setting in the README's configuration table is honoured.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$VIGIL_ROOT"
ensure_rust_tools
say "building Vigil"
cargo leptos build
say "starting Vigil on http://${VIGIL_LISTEN:-127.0.0.1:3000} (Ctrl-C stops it)"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$VIGIL_ROOT/target/site}"
exec "$VIGIL_ROOT/target/debug/vigil" --demo
