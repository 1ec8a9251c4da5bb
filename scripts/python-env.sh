#!/usr/bin/env bash
# Creates ./.venv (once), installs the pinned tools and peers, and builds + installs the `apiward`
# Python package into it (release build, via maturin). Idempotent; prints the venv's python path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
req="$root/bindings-python/requirements-dev.txt"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
stamp="$venv/.requirements.sha"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet -r "$req" >&2
  echo "$want" > "$stamp"
fi
# maturin develop installs into the active virtualenv: point it at ours explicitly.
VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
  "$venv/bin/maturin" develop --quiet --release --manifest-path "$root/bindings-python/Cargo.toml" >&2
echo "$venv/bin/python"
