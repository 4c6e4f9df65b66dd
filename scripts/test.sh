#!/usr/bin/env bash
# Every test of the project: Rust (unit, integration, property, doc tests), clippy with
# -D warnings, rustfmt check, C header staleness, C11/C++17 examples (also under
# valgrind), the Rust example, and the Python package's tests in a virtualenv built with
# maturin. Needs only the Rust toolchain and Python 3; installs the rest itself.
#
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  echo
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "--- ok: $name ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "--- FAILED: $name ($((SECONDS - t0)) s)"
  fi
}

step "rustfmt" cargo fmt --all -- --check
step "clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test (unit, integration, property, doc, header staleness)" cargo test --workspace --locked
step "Rust example: analyze the bundled sample" \
  cargo run --release --locked -q -p cxm-core --example analyze -- examples/data/responses.csv
step "C11/C++17 examples (+ valgrind)" bash cxm-ffi/run_c_tests.sh
step "Python package (maturin + pytest)" bash cxm-py/run_py_tests.sh

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed step: %s\n' "${failures[@]}"
fi
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
