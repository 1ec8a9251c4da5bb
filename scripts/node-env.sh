#!/usr/bin/env bash
# Installs the Node package's pinned dependencies (npm ci, from package-lock.json) in bindings-node,
# benches/node and examples/express_app, and builds the native module in release mode with the
# project-local @napi-rs/cli (no global tools beyond node, npm and cargo). Idempotent: each npm ci
# runs only when its lock file changed; cargo rebuilds only what changed. Prints nothing on success.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
run() { "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }; }
install() {
  local dir="$1" stamp="$1/node_modules/.apiward-lock.sha" want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$dir" && run npm ci --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
}
install "$root/bindings-node"
(cd "$root/bindings-node" && CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" \
  run npx --no-install napi build --platform --release --js binding.js --dts binding.d.ts)
for dir in "$root/benches/node" "$root/examples/express_app"; do
  [ -f "$dir/package-lock.json" ] && install "$dir"
done
exit 0
