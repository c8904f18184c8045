#!/usr/bin/env bash
# Camera proctoring in real Chromium, from a release build: how long the face detector takes
# per frame (in the page's worker, at 320 wide) and how much CPU the exam page uses with the
# camera on, beside the same page without it.
#   bench/camera.sh [seconds]            builds (release + detector), then measures
#   bench/camera.sh --no-build [seconds] measures what target/ holds
# The fake camera plays end2end/.camera-frames/one.y4m (one face, made by
# end2end/camera-frames.sh). CPU is read from /proc for every Chromium process over `seconds`
# (default 60) and printed as a share of one core, per process type and in all.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
if [ "${1:-}" = "--no-build" ]; then
  shift
else
  ensure_rust_tools
  ensure_release_tools
  ensure_browser_tools
  cargo leptos build --release --precompress --split
  build_camera_detector
fi
seconds="${1:-60}"
pkg="${LEPTOS_SITE_ROOT:-target/site}/pkg"
[ -f "$pkg/detector.wasm" ] || { echo "no detector in $pkg: run without --no-build" >&2; exit 1; }
printf 'detector.wasm: %s bytes raw, %s bytes gzip -9 (fetched only by camera-proctored exams)\n' \
  "$(stat -c %s "$pkg/detector.wasm")" "$(gzip -9c "$pkg/detector.wasm" | wc -c)"

data="$(mktemp -d)"
port="${BENCH_PORT:-3903}"
VIGIL_LISTEN="127.0.0.1:$port" VIGIL_PUBLIC_URL="http://127.0.0.1:$port" VIGIL_DATA_DIR="$data" \
  LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$root/target/site}" RUST_LOG=warn \
  target/release/vigil --demo > "$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

NODE_PATH="$root/end2end/node_modules" node bench/camera.js "http://127.0.0.1:$port" "$seconds"
