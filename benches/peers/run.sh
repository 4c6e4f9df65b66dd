#!/usr/bin/env bash
# Peer comparison: builds cxm (release) into the project venv, installs the peers, runs.
#   bash benches/peers/run.sh [--rows N] [--segments K] [--repeat R] [--json out.json]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q maturin numpy pandas scipy polars
VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin develop --release -q
exec .venv/bin/python benches/peers/segment_peers.py "$@"
