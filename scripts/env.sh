# Sourced by the scripts: tool paths and the shared build cache.
export PATH="$HOME/.cargo/bin:$PATH"
# Builds go to a cache directory outside the clone (reused by later runs and fresh clones).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/puddle/target}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# wasm-bindgen-test: give DataFusion-sized tests time on a slow machine.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
