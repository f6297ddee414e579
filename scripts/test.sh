#!/usr/bin/env bash
# Sets everything up and runs every test: native engine tests, browser tests (IndexedDB store,
# DataFusion in wasm, in headless Chromium), and the end-to-end test of the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
t0=$SECONDS
step() { printf '\n\033[1;34m[test]\033[0m %s (at %ds)\n' "$*" $((SECONDS - t0)); }

step "formatting"
cargo fmt --all -- --check

step "native tests (engine crates + whole-lake integration tests)"
cargo test --locked
cargo test --locked -p puddle-web  # the console's plain-Rust helpers (SQL highlighting, statement under the cursor)

step "browser tests: IndexedDB object store (wasm-pack, headless Chromium)"
wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" crates/store-idb

step "browser tests: the lake with DataFusion in wasm over IndexedDB (headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown -p puddle-worker

step "release build of the app"
trunk build --release

step "end to end: the served release build driven by Playwright in headless Chromium"
node tests/e2e/run.mjs dist

step "all tests passed in $((SECONDS - t0)) s"
