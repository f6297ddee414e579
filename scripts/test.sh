#!/usr/bin/env bash
# Sets everything up and runs every test: formatting and clippy (native and wasm32), native
# engine tests, browser tests (IndexedDB store, DataFusion in wasm, in headless Chromium), and the
# end-to-end test of the release build.
#
# One DataFusion build for wasm serves both the app and the browser tests: the worker's browser
# tests are built with --release, whose dependencies are the very artifacts `trunk build
# --release` made (same profile, same features; see ARCHITECTURE.md, Build), so a cold run
# compiles DataFusion for wasm32 once, not twice.
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

step "clippy, native (every crate and target)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "release build of the app (also the browser tests' dependencies)"
# The tests check that precompressed files are served, not the last per cent of their size:
# brotli quality 7 takes seconds where 11 (serve.sh and bench.sh) takes minutes on 2 cores.
PUDDLE_BROTLI_QUALITY="${PUDDLE_BROTLI_QUALITY:-7}" trunk build --release

step "clippy, wasm32 (the browser crates)"
cargo clippy --locked --release --target wasm32-unknown-unknown -p puddle-web -p puddle-worker -p puddle-store-idb --all-targets -- -D warnings

step "browser tests: IndexedDB object store (headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown -p puddle-store-idb

step "browser tests: the lake with DataFusion in wasm over IndexedDB (headless Chromium)"
cargo test --locked --release --target wasm32-unknown-unknown -p puddle-worker

step "end to end: the served release build driven by Playwright in headless Chromium"
node tests/e2e/run.mjs dist

step "all tests passed in $((SECONDS - t0)) s"
