#!/usr/bin/env bash
# Runs every test: unit tests, the server's integration tests on a real SQLite file (and the
# schema check against PostgreSQL when one answers), and the Playwright suite in real Chromium.
# VIGIL_TEST_DATABASE=postgres runs the integration tests on PostgreSQL instead.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$VIGIL_ROOT"
ensure_rust_tools
ensure_browser_tools

say "unit and integration tests (database: ${VIGIL_TEST_DATABASE:-sqlite})"
cargo test --workspace --exclude frontend

say "building the site for the browser tests"
cargo leptos build --split
build_camera_detector

say "browser tests in Chromium (database: ${E2E_DATABASE_URL:+postgres}${E2E_DATABASE_URL:-sqlite})"
(cd end2end && npx playwright test)
