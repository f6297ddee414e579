#!/usr/bin/env bash
# Sets everything up, builds the app in release mode and serves it on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
echo "[serve] building the release app (the first build compiles DataFusion for wasm: ~10 min on 2 cores)" >&2
trunk build --release
# Sends the precompressed .br/.gz copies the build wrote, as a well-configured static host does.
exec node scripts/static-server.mjs dist "${PORT:-8080}"
