#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 60; TARGETs default to all of fuzz/fuzz_targets/. Each target
# starts from a scratch corpus fuzz/corpus/<target> (created; gitignored) seeded from the
# committed fuzz/seeds/<target>, so coverage found by earlier runs is kept between runs.
# Exits non-zero on the first crash, leak, timeout or OOM; the reproducer is written to
# fuzz/artifacts/<target>/ and can be replayed with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
#
# Environment: FUZZ_JOBS (cargo build jobs, default 1: the machine has 2 cores),
# FUZZ_TOOLCHAIN (default nightly), FUZZ_SANITIZER (default address; "none" runs faster; the
# core itself has no unsafe code), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail

SECONDS_PER_TARGET="${1:-60}"
shift || true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLCHAIN="${FUZZ_TOOLCHAIN:-nightly}"
JOBS="${FUZZ_JOBS:-1}"
SANITIZER="${FUZZ_SANITIZER:-address}"

case "$SECONDS_PER_TARGET" in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2 ;;
esac

if ! rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing the $TOOLCHAIN toolchain" >&2
  rustup toolchain install "$TOOLCHAIN" --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked -j "$JOBS"
fi

cd "$ROOT"
if [ "$#" -gt 0 ]; then
  TARGETS=("$@")
else
  TARGETS=()
  for f in fuzz/fuzz_targets/*.rs; do
    name="$(basename "$f" .rs)"
    [ "$name" = common ] && continue
    TARGETS+=("$name")
  done
fi

# Build first so build time and fuzzing time are reported apart (release, debug assertions and
# overflow checks on, AddressSanitizer: cargo-fuzz defaults).
echo "fuzz.sh: building ${TARGETS[*]}" >&2
start=$SECONDS
for t in "${TARGETS[@]}"; do
  CARGO_BUILD_JOBS="$JOBS" cargo "+$TOOLCHAIN" fuzz build --fuzz-dir fuzz -s "$SANITIZER" "$t"
done
echo "fuzz.sh: build took $((SECONDS - start)) s" >&2

status=0
for t in "${TARGETS[@]}"; do
  corpus="fuzz/corpus/$t"
  mkdir -p "$corpus" "fuzz/artifacts/$t"
  cp -n fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz.sh: $t for ${SECONDS_PER_TARGET}s" >&2
  # The scratch corpus is written to (first dir); the committed seeds are read only.
  # shellcheck disable=SC2086
  if ! CARGO_BUILD_JOBS="$JOBS" cargo "+$TOOLCHAIN" fuzz run --fuzz-dir fuzz -s "$SANITIZER" "$t" "$corpus" "fuzz/seeds/$t" -- \
      -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      ${FUZZ_ARGS:-}; then
    echo "fuzz.sh: $t FAILED; reproducer in fuzz/artifacts/$t/" >&2
    status=1
  fi
done
exit "$status"
