#!/usr/bin/env bash
# Builds the release app and prints its figures measured in headless Chromium (not a test).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
trunk build --release
node tests/e2e/bench.mjs dist
