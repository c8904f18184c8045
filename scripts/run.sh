#!/usr/bin/env bash
# Runs Vigil at http://127.0.0.1:3000 on an embedded SQLite file (data/vigil.db), with demo data.
# Every VIGIL_* / DATABASE_URL setting in the README's configuration table is honoured.
#   scripts/run.sh            a debug build with the demo organisation (trying Vigil out)
#   scripts/run.sh --release  an optimised build, no demo data (running it for real; set
#                             DATABASE_URL, VIGIL_PUBLIC_URL, VIGIL_SECURE_COOKIES as the README says)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$VIGIL_ROOT"
ensure_rust_tools
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$VIGIL_ROOT/target/site}"
if [ "${1:-}" = "--release" ]; then
  ensure_release_tools
  say "building Vigil (release: optimised server, wasm-opt on the bundle, brotli and gzip copies of the static files)"
  cargo leptos build --release --precompress --split
  build_camera_detector
  say "starting Vigil on http://${VIGIL_LISTEN:-127.0.0.1:3000} (Ctrl-C stops it)"
  exec "$VIGIL_ROOT/target/release/vigil"
fi
say "building Vigil"
cargo leptos build --split
build_camera_detector
say "starting Vigil on http://${VIGIL_LISTEN:-127.0.0.1:3000} (Ctrl-C stops it)"
exec "$VIGIL_ROOT/target/debug/vigil" --demo
