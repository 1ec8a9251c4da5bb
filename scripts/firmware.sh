#!/usr/bin/env bash
# Builds the bare-metal firmware (examples/firmware) for two QEMU machines and runs the shared vectors on
# them: every verdict must equal the vector's (the same data the host, Python and Node suites run).
#
#   scripts/firmware.sh            # lm3s6965evb (Cortex-M3) and microbit (Cortex-M0)
#   FIRMWARE_ES256=1 scripts/firmware.sh   # also an ES256-only footprint image
#
# What runs where (flash is 256 KiB and RAM 64 KiB / 16 KiB; see examples/firmware/README.md):
#   lm3s6965evb: HS256, ES256, RS256, EdDSA verification, limiter scenes, validation (W7/W9 and the
#                rest); opt-level "z" (at "s" the image is over 256 KiB)
#   microbit:    HS256, ES256, EdDSA verification, limiter scenes, validation of the W7/W9 group (the other
#                groups' schemas do not fit its 16 KiB of RAM); opt-level "z" (flash)
#   lm3s6965evb ES256 image: one accepted and one rejected ES256 token (P-256 only: `apiward/es256`)
# Installs the Rust targets, qemu-system-arm and binutils-arm-none-eabi when missing.
# Then builds the "everything" footprint image at opt-level "s" and checks it fits 128 KiB of flash.
# Exits non-zero if a build fails, a run times out or faults, any verdict differs, or that image is over.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/firmware-common.sh"

fw_setup
LOGS="$FW_DIR/target/logs"
mkdir -p "$LOGS"

images=(
  "lm3s6965evb release-z jwt-hs256,jwt-es256,jwt-rs256,jwt-eddsa,limit,validate,compact-sha2"
  "microbit release-z jwt-hs256,jwt-es256,jwt-eddsa,limit,validate,compact-sha2"
)
if [ "${FIRMWARE_ES256:-0}" = 1 ]; then
  images+=("lm3s6965evb release-z jwt-es256,footprint,compact-sha2")
fi

status=0
for image in "${images[@]}"; do
  read -r machine profile features <<<"$image"
  start=$SECONDS
  if ! elf="$(fw_build "$machine" "$profile" "$features")"; then
    echo "firmware $machine [$features]: BUILD FAILED" >&2
    status=1
    continue
  fi
  built=$((SECONDS - start))
  log="$LOGS/$machine-$profile-${features//,/+}.log"
  rc=0
  fw_run "$machine" "$elf" "$log" || rc=$?
  summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" || true)"
  echo "firmware $machine [$features] ($profile, built in ${built}s): ${summary:-no summary} (exit $rc)"
  grep -E '^(FAIL|STACK|jwt:|validate:)' "$log" | sed 's/^/  /' || true
  if [ "$rc" -ne 0 ] || [ -z "$summary" ] || grep -q '^FAIL' "$log" || ! grep -q '^PASS jwt' "$log"; then
    echo "firmware $machine [$features]: FAILED (full log: $log)" >&2
    tail -n 20 "$log" >&2
    status=1
  fi
done

# The footprint goal of docs/FOOTPRINT.md: the "everything" footprint image (all four JWT families,
# limiter, validator) at opt-level "s" with compact SHA-2 fits 128 KiB of flash. Checked here, so that
# a size regression fails the tests instead of waiting for the next `make size`.
flash_goal=$((128 * 1024))
everything="jwt-hs256,jwt-es256,jwt-rs256,jwt-eddsa,limit,validate,footprint,compact-sha2"
if (cd "$FW_DIR" && APIWARD_FW_MACHINE=sizing cargo build -j"$CARGO_BUILD_JOBS" --quiet --locked \
  --profile release --target thumbv7m-none-eabi --no-default-features --features "$everything" >&2); then
  flash="$(fw_flash "${CARGO_TARGET_DIR:-$FW_DIR/target}/thumbv7m-none-eabi/release/apiward-firmware")"
  echo "firmware footprint [everything, opt-level s, compact SHA-2]: $flash B of flash (goal: at most $flash_goal B)"
  if [ "$flash" -le 0 ]; then
    # fw_flash reads 0 for a section it cannot find: no measurement must not pass as a small image.
    echo "firmware footprint: FAILED, no flash sections measured" >&2
    status=1
  elif [ "$flash" -gt "$flash_goal" ]; then
    echo "firmware footprint: FAILED, over the 128 KiB goal (see docs/FOOTPRINT.md)" >&2
    status=1
  fi
else
  echo "firmware footprint image: BUILD FAILED" >&2
  status=1
fi
exit "$status"
