# apiward — the two commands that are the contract with users:
#   make demo   runs the main job (core scenes, the FastAPI and Express services, the firmware run)
#   make test   passes every test on a fresh machine (installs what it needs)
# and the working ones: make bench, make fuzz, make lint.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
EMBEDDED_TARGETS := thumbv7em-none-eabihf thumbv7m-none-eabi thumbv6m-none-eabi riscv32imc-unknown-none-elf wasm32-unknown-unknown
# Seconds each fuzz target runs inside `make test` (and in `make fuzz`).
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_SECONDS ?= 300

.PHONY: all demo test setup lint unit features cross fuzz-smoke fuzz bench vectors-check python-env python bench-python firmware edge-wasm size node-env node bench-node

all: test

demo:
	$(CARGO) run --quiet --release -p apiward --example jwt_demo
	@echo
	$(CARGO) run --quiet --release -p apiward --example limit_demo
	@echo
	$(CARGO) run --quiet --release -p apiward --example validate_demo
	@echo
	py=$$(scripts/python-env.sh) && $$py examples/fastapi_app/demo.py
	@echo
	scripts/node-env.sh && node examples/express_app/demo.mjs
	@echo
	$(MAKE) --no-print-directory firmware

test: setup lint unit features cross vectors-check python node firmware edge-wasm fuzz-smoke
	@echo "make test: all checks passed"

# Toolchain pieces a fresh machine may lack. Idempotent and quick when already present.
setup:
	rustup component add clippy rustfmt >/dev/null 2>&1 || rustup component add clippy rustfmt
	rustup target add $(EMBEDDED_TARGETS) >/dev/null 2>&1 || rustup target add $(EMBEDDED_TARGETS)

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p apiward --all-targets --features ring -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -p apiward

# Packages are tested one by one: Cargo unifies dependency features across the packages of one
# invocation, and the benches' peers enable `std` on crates the core uses without it.
unit:
	$(CARGO) test -p apiward
	$(CARGO) test -p apiward-benches
	$(CARGO) test -p apiward-hosted
	# The hosted `ring` backend must give the same verdicts on the same vectors.
	$(CARGO) test -p apiward --features ring

# Each algorithm family builds and tests alone (firmware picks only what it uses).
features:
	$(CARGO) test -p apiward --no-default-features --features hmac --lib
	$(CARGO) test -p apiward --no-default-features --features hs256 --lib
	# The firmware's JSON path (general reader only, no validation fast path) against the JSON suite,
	# the JWT vectors and the validation vectors.
	$(CARGO) test -p apiward --features compact-json --lib --test json_suite --test jwt_vectors --test jwt_rules --test validate_suite
	for f in "" ecdsa es256 es384 es512 hs256 hs384 hs512 rsa eddsa eddsa-tables pem ring "es256 ring" "hs256 compact-json"; do $(CARGO) rustc -p apiward --lib --no-default-features --features "$$f" -- -D warnings; done

# no_std, no alloc: the core cross-builds for bare-metal Cortex-M and WebAssembly.
cross:
	for t in $(EMBEDDED_TARGETS); do \
	  $(CARGO) build -p apiward --lib --target $$t; \
	  $(CARGO) build -p apiward --lib --target $$t --no-default-features --features hmac; \
	done

vectors-check:
	python3 tests/vectors/jwt/check_format.py
	node tests/vectors/json/generate.mjs --check

# The Node package: npm ci (pinned locks) + napi build in release, then node --test (vectors, interop
# with jose and jsonwebtoken, Express and Fastify on 127.0.0.1, tsc --noEmit of the typed example).
node-env:
	scripts/node-env.sh
node: node-env
	cd bindings-node && node --test __test__/
bench-node: node-env
	node --expose-gc benches/node/bench.mjs

# The Python package: built into ./.venv with maturin, then pytest (vectors, interop with PyJWT and
# joserfc, FastAPI through TestClient and a real uvicorn on 127.0.0.1) and mypy --strict.
python-env:
	scripts/python-env.sh >/dev/null

python:
	py=$$(scripts/python-env.sh) && $$py -m pytest -q -p no:cacheprovider bindings-python/tests \
	  && $$py -m mypy --strict --no-incremental examples/fastapi_app bindings-python/python/apiward

bench-python:
	py=$$(scripts/python-env.sh) && $$py benches/python/bench.py

# The core on bare metal: the shared vectors under QEMU on lm3s6965evb (Cortex-M3) and microbit
# (Cortex-M0); installs the targets, qemu-system-arm and binutils-arm-none-eabi when missing.
firmware:
	CARGO_BUILD_JOBS=2 scripts/firmware.sh

# The core as WebAssembly, loaded by Node's WebAssembly API and checked against the shared vectors.
edge-wasm:
	CARGO_BUILD_JOBS=2 scripts/edge-wasm.sh

# The footprint table of docs/FOOTPRINT.md (long: every configuration at opt-level s and z).
size:
	scripts/size.sh

fuzz-smoke:
	FUZZ_JOBS=2 scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

fuzz:
	FUZZ_JOBS=2 scripts/fuzz.sh $(FUZZ_SECONDS)

bench:
	$(CARGO) bench -p apiward-benches
