#!/usr/bin/env bash
# Installs what building and testing Vigil needs, skipping what is already there.
# Sourced by run.sh and test.sh; `scripts/setup.sh [--test]` also works on its own.
set -euo pipefail

VIGIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10" # 0.3.11 needs a newer rustc than 1.95
export PATH="$HOME/.cargo/bin:$VIGIL_ROOT/end2end/node_modules/.bin:$VIGIL_ROOT/tools/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_rust_tools() {
  # Passkeys (webauthn-rs) verify signatures with OpenSSL: its headers, found by pkg-config.
  if ! pkg-config --exists openssl 2>/dev/null; then
    say "installing OpenSSL's headers (libssl-dev) and pkg-config from Debian's packages"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q libssl-dev pkg-config
  fi
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes about 15 minutes once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  # wasm-bindgen's CLI must match the library version in Cargo.lock exactly.
  local wbg
  wbg="$(grep -A1 '^name = "wasm-bindgen"$' "$VIGIL_ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg"; then
    say "installing wasm-bindgen-cli $wbg (takes a few minutes once)"
    # Without --locked: a locked dependency of this version is no longer in the registry.
    cargo install wasm-bindgen-cli --version "$wbg"
  fi
}

CARGO_DENY_VERSION="0.20.2"
# Checks the dependency graph's licences, bans and sources (`deny.toml`); CI runs it.
ensure_cargo_deny() {
  if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
    say "installing cargo-deny $CARGO_DENY_VERSION (takes a few minutes once)"
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
  fi
}

# The release build runs wasm-opt on the WASM bundle. cargo-leptos would download it, which
# fails without github.com, and Debian's binaryen is too old for rustc 1.95's output: npm's
# binaryen (tools/package.json) works.
ensure_release_tools() {
  if ! wasm-opt --version 2>/dev/null | grep -q "version 132"; then
    say "installing wasm-opt (npm's binaryen 132) for release builds"
    (cd "$VIGIL_ROOT/tools" && npm ci --no-audit --no-fund)
  fi
}

ensure_browser_tools() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q chromium
  fi
  # The camera tests feed Chromium a fake camera from videos made with ffmpeg.
  if ! command -v ffmpeg >/dev/null; then
    say "installing Debian's ffmpeg (for the fake camera's test videos)"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q ffmpeg
  fi
  "$VIGIL_ROOT/end2end/camera-frames.sh"
  if [ ! -d "$VIGIL_ROOT/end2end/node_modules/@playwright/test" ]; then
    say "installing the end-to-end test packages"
    (cd "$VIGIL_ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

# The face detector for camera proctoring (frontend/detector): its own wasm file beside the
# bundle, which only camera-proctored exams fetch, and the worker script that runs it. Built
# after `cargo leptos build`, into the same pkg directory.
build_camera_detector() {
  local pkg="${LEPTOS_SITE_ROOT:-$VIGIL_ROOT/target/site}/pkg"
  local built="${CARGO_TARGET_DIR:-$VIGIL_ROOT/target}/wasm32-unknown-unknown/detector/detector.wasm"
  say "building the camera face detector (its own wasm file)"
  cargo build -p detector --target wasm32-unknown-unknown --profile detector
  mkdir -p "$pkg"
  cp "$built" "$pkg/detector.wasm"
  cp "$VIGIL_ROOT/frontend/detector/camera-worker.js" "$pkg/camera-worker.js"
  # Served as it is to browsers that accept gzip (the model's floats shrink little).
  gzip -9 -k -f "$pkg/detector.wasm"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_rust_tools
  if [ "${1:-}" = "--test" ]; then ensure_browser_tools; fi
fi
