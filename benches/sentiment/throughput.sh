#!/usr/bin/env bash
# Side-by-side sentiment throughput on one core:
#   - cxm from Rust (SentimentModel::score_batch in a one-thread rayon pool),
#   - the crates.io ports vader-sentimental and vader-parity (single-threaded loops),
#   - the reference vaderSentiment 3.3.2 (polarity_scores in a Python loop),
#   - cxm from Python (cxm.sentiment on a list, RAYON_NUM_THREADS=1).
#
# Usage: bash benches/sentiment/throughput.sh SHARED_DATA_DIR [--sentences N]
#            [--repeat R] [--modes vader,cx]
#
# The corpus is the text column of the three VADER ground-truth sets in
# SHARED_DATA_DIR/sentiment (tweets, movie reviews, NYT editorials: 19,995 texts),
# repeated whole until it has at least N texts (default 100000). Each implementation
# scores it once untimed, then R times (default 5); the median is reported. Only scoring
# is timed (no file reading, no model construction). Everything runs pinned to one core
# with `taskset -c $THROUGHPUT_CPU` (default 0) when taskset exists.
#
# --modes lists the cxm modes to time (default vader,cx); a mode the current build of
# cxm does not have is reported and skipped.
#
# Needs: cargo; /tmp/vvenv with vaderSentiment 3.3.2 (created here if missing); the
# project's .venv with cxm built (`bash cxm-py/run_py_tests.sh`), else the cxm Python
# rows are skipped. Prints a markdown table and writes all results, with the versions
# measured, to benches/sentiment/throughput/last_run.json.
set -euo pipefail

usage() {
    echo "usage: bash benches/sentiment/throughput.sh SHARED_DATA_DIR" \
        "[--sentences N] [--repeat R] [--modes vader,cx]" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
data_dir=$1
shift
sentences=100000
repeat=5
modes=vader,cx
while [[ $# -gt 0 ]]; do
    case $1 in
        --sentences) sentences=${2:?--sentences needs a value}; shift 2 ;;
        --repeat) repeat=${2:?--repeat needs a value}; shift 2 ;;
        --modes) modes=${2:?--modes needs a value}; shift 2 ;;
        -h | --help) usage ;;
        *) echo "unknown argument: $1" >&2; usage ;;
    esac
done
[[ $sentences =~ ^[0-9]+$ && $repeat =~ ^[1-9][0-9]*$ ]] ||
    { echo "--sentences and --repeat take positive integers" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=$root/benches/sentiment/throughput
vvenv=/tmp/vvenv
cxm_python=$root/.venv/bin/python

# One core: pin when possible, and keep rayon (cxm from Python) to one thread.
export RAYON_NUM_THREADS=1
# numpy's OpenBLAS starts a thread pool whose idle threads spin; pinned to the same core
# they would take time from the (single-threaded) scoring being measured.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
pin=()
if command -v taskset > /dev/null; then
    pin=(taskset -c "${THROUGHPUT_CPU:-0}")
else
    echo "note: taskset not found; not pinned (rayon still uses one thread)" >&2
fi

# --- corpus -------------------------------------------------------------------------
sets=(tweets_GroundTruth.txt movieReviewSnippets_GroundTruth.txt
      nytEditorialSnippets_GroundTruth.txt)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$work/texts.txt
for set in "${sets[@]}"; do
    f=$data_dir/sentiment/$set
    [[ -f $f ]] || { echo "missing $f" >&2; exit 1; }
    # id<TAB>mean rating<TAB>text, CRLF; the last line has no newline (awk copes).
    awk '{ sub(/\r$/, "") } /\t.*\t/ { sub(/^[^\t]*\t[^\t]*\t/, ""); print }' "$f"
done > "$work/once.txt"
base=$(wc -l < "$work/once.txt")
copies=$(( base > 0 ? (sentences + base - 1) / base : 0 ))
(( copies >= 1 )) || copies=1
for (( i = 0; i < copies; i++ )); do cat "$work/once.txt"; done > "$corpus"
n=$(wc -l < "$corpus")
echo "corpus: $base ground-truth texts x $copies = $n texts" >&2

# --- Rust ---------------------------------------------------------------------------
echo "building the Rust benchmark (release, -j 1)..." >&2
cargo build --release -j 1 --quiet --manifest-path "$bench/Cargo.toml"
results=$work/results.jsonl
echo "timing the Rust implementations..." >&2
"${pin[@]}" "$bench/target/release/sentiment-throughput" "$corpus" \
    --repeat "$repeat" --modes "$modes" | tee -a "$results"

# --- Python -------------------------------------------------------------------------
if ! "$vvenv/bin/python" -c 'import vaderSentiment' 2> /dev/null; then
    echo "creating $vvenv with vaderSentiment 3.3.2..." >&2
    python3 -m venv "$vvenv"
    "$vvenv/bin/pip" install --quiet vaderSentiment==3.3.2
fi
echo "timing vaderSentiment (Python)..." >&2
"${pin[@]}" "$vvenv/bin/python" "$bench/py_bench.py" "$corpus" --impl vader_python \
    --repeat "$repeat" | tee -a "$results"

if [[ -x $cxm_python ]] && "$cxm_python" -c 'import cxm' 2> /dev/null; then
    IFS=, read -ra mode_list <<< "$modes"
    for mode in "${mode_list[@]}"; do
        echo "timing cxm (Python, mode $mode)..." >&2
        "${pin[@]}" "$cxm_python" "$bench/py_bench.py" "$corpus" --impl cxm_python \
            --mode "$mode" --repeat "$repeat" | tee -a "$results"
    done
else
    echo "skipping cxm from Python: cannot import cxm from $cxm_python;" \
        "run \`bash cxm-py/run_py_tests.sh\` first" >&2
fi

# --- versions, table, last_run.json -------------------------------------------------
lock_version() {  # version of a package in the benchmark's Cargo.lock
    awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/[^0-9.]/, ""); print }' \
        "$bench/Cargo.lock"
}
export TP_RESULTS=$results TP_OUT=$bench/last_run.json TP_TEXTS=$n TP_BASE=$base \
    TP_REPEAT=$repeat TP_PIN="${pin[*]:-none}" \
    TP_V_SENTIMENTAL=$(lock_version vader-sentimental) \
    TP_V_PARITY=$(lock_version vader-parity) \
    TP_V_CXM=$(lock_version cxm-core) \
    TP_V_GIT=$(git -C "$root" describe --always --dirty 2> /dev/null || echo unknown) \
    TP_V_VADER_PY=$("$vvenv/bin/python" -c \
        'from importlib.metadata import version; print(version("vaderSentiment"))') \
    TP_V_PYTHON=$("$vvenv/bin/python" -c 'import platform; print(platform.python_version())') \
    TP_CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2> /dev/null || true)
python3 - <<'EOF'
import json
import os
from datetime import datetime, timezone

env = os.environ
with open(env["TP_RESULTS"], encoding="utf-8") as f:
    results = [json.loads(line) for line in f if line.strip()]
versions = {
    "cxm-core": f"{env['TP_V_CXM']} (git {env['TP_V_GIT']})",
    "vader-sentimental": env["TP_V_SENTIMENTAL"],
    "vader-parity": env["TP_V_PARITY"],
    "vaderSentiment": env["TP_V_VADER_PY"],
    "python (vaderSentiment)": env["TP_V_PYTHON"],
}
with open(env["TP_OUT"], "w", encoding="utf-8") as f:
    json.dump({
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "texts": int(env["TP_TEXTS"]),
        "ground_truth_texts": int(env["TP_BASE"]),
        "repeat": int(env["TP_REPEAT"]),
        "pinned": env["TP_PIN"],
        "cpu": env["TP_CPU"],
        "versions": versions,
        "results": results,
    }, f, indent=2)
    f.write("\n")


def label(impl):
    """Human name of an implementation id."""
    fixed = {
        "vader_sentimental": f"vader-sentimental {versions['vader-sentimental']} (Rust)",
        "vader_parity": f"vader-parity {versions['vader-parity']} (Rust)",
        "vader_python": f"vaderSentiment {versions['vaderSentiment']} (Python)",
    }
    if impl in fixed:
        return fixed[impl]
    for prefix, how in (("cxm_rust_", "Rust, score_batch"),
                        ("cxm_python_", "Python, cxm.sentiment")):
        if impl.startswith(prefix):
            return f"cxm {impl[len(prefix):]} ({how})"
    return impl


rate = {r["impl"]: r["texts_per_s"] for r in results}
reference = rate.get("vader_python")
crates = [i for i in ("vader_sentimental", "vader_parity") if i in rate]
fastest = max(crates, key=rate.get) if crates else None

print(f"\n{env['TP_TEXTS']} texts ({env['TP_BASE']} ground-truth texts repeated), "
      f"median of {env['TP_REPEAT']}, one core (pinned: {env['TP_PIN']})\n")
print("| implementation | texts/s | × vaderSentiment (Python) | cxm ÷ fastest Rust crate |")
print("| --- | ---: | ---: | ---: |")
for r in results:
    impl = r["impl"]
    vs_ref = f"{r['texts_per_s'] / reference:.1f}×" if reference else "n/a"
    vs_crate = "—"
    if impl.startswith("cxm_") and fastest:
        vs_crate = f"{r['texts_per_s'] / rate[fastest]:.2f}× ({fastest.replace('_', '-')})"
    print(f"| {label(impl)} | {r['texts_per_s']:,.0f} | {vs_ref} | {vs_crate} |")
print(f"\nresults: {os.path.relpath(env['TP_OUT'])}")
EOF
