# Shared by scripts/firmware.sh and scripts/size.sh (sourced, not run).
# Installs what the firmware needs when it is missing, and builds/runs one firmware image.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FW_DIR="$ROOT/examples/firmware"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
QEMU_TIMEOUT="${QEMU_TIMEOUT:-120}"

fw_setup() {
  local missing=()
  for t in thumbv7m-none-eabi thumbv6m-none-eabi; do
    rustup target list --installed 2>/dev/null | grep -qx "$t" || missing+=("$t")
  done
  if ((${#missing[@]})); then
    echo "firmware: rustup target add ${missing[*]}" >&2
    rustup target add "${missing[@]}"
  fi
  local pkgs=()
  command -v qemu-system-arm >/dev/null || pkgs+=(qemu-system-arm)
  command -v arm-none-eabi-size >/dev/null || pkgs+=(binutils-arm-none-eabi)
  if ((${#pkgs[@]})); then
    echo "firmware: apt-get install ${pkgs[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${pkgs[@]}" >/dev/null
  fi
}

# fw_target MACHINE -> the Rust target of that QEMU machine
fw_target() {
  case "$1" in
    lm3s6965evb) echo thumbv7m-none-eabi ;;
    microbit) echo thumbv6m-none-eabi ;;
    *) echo "unknown machine $1" >&2; return 2 ;;
  esac
}

# fw_build MACHINE PROFILE "FEATURES" -> prints the ELF path
fw_build() {
  local machine="$1" profile="$2" features="$3" target
  target="$(fw_target "$machine")"
  # `|| return`: errexit does not reach into a command substitution, and a failed build must not
  # fall through to running the previous image.
  (cd "$FW_DIR" && APIWARD_FW_MACHINE="$machine" cargo build -j"$CARGO_BUILD_JOBS" --quiet --locked \
    --profile "$profile" --target "$target" --no-default-features --features "$features" >&2) || return
  echo "${CARGO_TARGET_DIR:-$FW_DIR/target}/$target/$profile/apiward-firmware"
}

# fw_run MACHINE ELF LOG -> QEMU's exit status (the firmware's semihosting exit code)
fw_run() {
  local machine="$1" elf="$2" log="$3" cpu
  case "$machine" in
    lm3s6965evb) cpu=cortex-m3 ;;
    microbit) cpu=cortex-m0 ;;
  esac
  timeout "$QEMU_TIMEOUT" qemu-system-arm -cpu "$cpu" -machine "$machine" -nographic \
    -semihosting-config enable=on,target=native -kernel "$elf" >"$log" 2>&1
}

# fw_section ELF NAME -> size in bytes of that section (0 if absent)
fw_section() { arm-none-eabi-size -A "$1" | awk -v s="$2" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }'; }

# fw_flash ELF -> flash bytes (.vector_table + .text + .rodata)
fw_flash() { echo $(($(fw_section "$1" .vector_table) + $(fw_section "$1" .text) + $(fw_section "$1" .rodata))); }
