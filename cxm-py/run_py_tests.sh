#!/usr/bin/env bash
# Builds the cxm Python package into <repo>/.venv and runs its tests and examples.
#
# Needs Rust (cargo) and Python >= 3.9 with venv; fetches Python packages from PyPI.
# Works from any directory:  bash cxm-py/run_py_tests.sh [extra pytest args]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="$repo/.venv"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating $venv"
    "$python" -m venv "$venv"
fi
# shellcheck disable=SC1091
source "$venv/bin/activate"

echo "== installing build and test requirements"
python -m pip install --quiet --disable-pip-version-check --upgrade pip
python -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.9,<2" "pytest>=7" "numpy>=1.22" "pandas>=1.5" "scipy>=1.11" \
    "statsmodels>=0.13" "mypy>=1.11" "pandas-stubs"

echo "== building cxm (maturin develop --release)"
cd "$repo"
start=$(date +%s)
maturin develop --release --quiet
echo "   built in $(( $(date +%s) - start ))s"

echo "== pytest cxm-py/tests"
python -m pytest cxm-py/tests -q "$@"

echo "== Python examples"
shopt -s nullglob
for example in "$repo"/examples/python/*.py; do
    echo "-- ${example#"$repo"/}"
    python "$example" > /dev/null
done
echo "== done"
