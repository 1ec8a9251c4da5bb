#!/usr/bin/env bash
# Builds the edge module (examples/edge-wasm, wasm32-unknown-unknown, all JWT algorithms) and runs its
# Node test, which loads the .wasm with the plain WebAssembly API and checks verdicts against the shared
# vectors. Prints the module's size (goal: at most 300 KiB before compression).
# Installs the wasm32-unknown-unknown target when missing. Exits non-zero on any build or test failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/examples/edge-wasm"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
command -v node >/dev/null || { echo "edge-wasm: node (20 or later) is required" >&2; exit 1; }

start=$SECONDS
(cd "$DIR" && cargo build -j"$CARGO_BUILD_JOBS" --quiet --locked --release --target wasm32-unknown-unknown)
wasm="${CARGO_TARGET_DIR:-$DIR/target}/wasm32-unknown-unknown/release/apiward_edge_wasm.wasm"
bytes=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "edge-wasm: built in $((SECONDS - start))s; $wasm: $bytes bytes ($((bytes / 1024)) KiB; gzip -9: $((gz / 1024)) KiB); goal <= 300 KiB"
APIWARD_WASM="$wasm" node --test "$DIR/test.mjs"
