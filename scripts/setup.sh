#!/usr/bin/env bash
# Installs every tool Puddle needs, pinned, and skips what is already there.
# Safe to run repeatedly: a machine that has everything finishes in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate in Cargo.lock
TRUNK_VERSION=0.21.14          # 0.22 needs rustc >= 1.96.1

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

need_apt=()
command -v clang >/dev/null || need_apt+=(clang)            # zstd-sys (parquet) compiles C for wasm32
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

has_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -qF "$2"; }
# The tools build faster without their fat LTO and single codegen unit (minutes on 2 cores);
# they only post-process the app, so their own speed hardly matters.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile pins a webpki-roots the registry here does not serve.
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! has_version trunk "$TRUNK_VERSION"; then
  log "cargo install trunk $TRUNK_VERSION"
  cargo install -q trunk --version "$TRUNK_VERSION" --locked --force
fi
# wasm-pack is not needed: the browser tests run through `cargo test --target wasm32-unknown-unknown`
# with wasm-bindgen-cli's test runner (.cargo/config.toml). `wasm-pack test --headless --chrome`
# still works for anyone who has it.

# npm packages (playwright-core, duckdb-wasm for the bench), re-installed when the lockfile changes.
if ! cmp -s tests/e2e/package-lock.json tests/e2e/node_modules/.puddle-lock-stamp 2>/dev/null; then
  log "npm ci (tests/e2e)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.puddle-lock-stamp)
fi
log "toolchain ready"
