#!/usr/bin/env bash
# Builds libcxm, compiles every C and C++ example against include/cxm.h with
# -Wall -Wextra -Werror -pedantic, runs each, then runs each under valgrind (no leaks, no
# memory errors). Works from any directory. Ends with "C examples: N passed, M failed".
# Every examples/c/*.c and examples/cpp/*.cpp is picked up; each example checks its own
# results and exits non-zero on any unexpected one (a run passes on exit status 0; the
# last lines of its output are shown).
#
#   cxm-ffi/run_c_tests.sh [responses.csv]
#
# The CSV defaults to examples/data/responses.csv (a small synthetic one of the same shape
# is generated when that file is absent). Respects CARGO_TARGET_DIR, CC and CXX.
set -euo pipefail

start_dir=$(pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

if [[ -n "${CARGO_TARGET_DIR:-}" ]]; then
    case "$CARGO_TARGET_DIR" in
        /*) target_dir=$CARGO_TARGET_DIR ;;
        *) target_dir="$start_dir/$CARGO_TARGET_DIR" ;;
    esac
    export CARGO_TARGET_DIR=$target_dir
else
    target_dir="$repo/target"
fi
lib_dir="$target_dir/release"
cc=${CC:-gcc}
cxx=${CXX:-g++}
warn=(-Wall -Wextra -Werror -pedantic)

work=$(mktemp -d "${TMPDIR:-/tmp}/cxm-c-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- tools -------------------------------------------------------------------------------
if ! command -v valgrind >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing valgrind (apt-get)"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
    else
        echo "error: valgrind is not installed and cannot be installed here (needs root and" >&2
        echo "       apt-get). Install it (e.g. 'sudo apt-get install valgrind') and rerun." >&2
        exit 1
    fi
fi
for tool in "$cc" "$cxx" cargo; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool not found" >&2; exit 1; }
done

# --- library -----------------------------------------------------------------------------
echo "== cargo build -p cxm-ffi --release"
cargo build -p cxm-ffi --release --quiet
for f in libcxm.a libcxm.so; do
    [[ -f "$lib_dir/$f" ]] || { echo "error: $lib_dir/$f was not built" >&2; exit 1; }
done

# --- data --------------------------------------------------------------------------------
csv=${1:-$repo/examples/data/responses.csv}
if [[ ! -f "$csv" ]]; then
    echo "== $csv is absent: generating a synthetic one of the same shape"
    csv="$work/responses.csv"
    awk 'BEGIN {
        srand(7)
        print "response_id,timestamp,store,region,channel,touchpoint,nps,csat,ces,weight,staff,waiting_time,price,cleanliness,app,comment"
        split("Leeds Central,York Minster,Bristol Cabot,Cardiff Queen Street", store, ",")
        split("North,North,South,Wales", region, ",")
        split("in-store,web,app,phone", channel, ",")
        split("purchase,support,returns,delivery", tp, ",")
        for (i = 1; i <= 2000; i++) {
            s = 1 + int(rand() * 4); c = 1 + int(rand() * 4); t = 1 + int(rand() * 4)
            day = 1 + int(i / 100); hour = int(rand() * 24)
            bad = (s == 1 && hour >= 17 && hour <= 21)
            nps = bad ? int(rand() * 7) : int(rand() * 11)
            ces = rand() < 0.2 ? "" : 1 + int(rand() * 7)
            printf "R%06d,2025-01-%02dT%02d:%02d:00+01:00,%s,%s,%s,%s,%d,%d,%s,%.3f,3,3,3,3,,\"ok, thanks\"\n",
                i, (day % 28) + 1, hour, int(rand() * 60), store[s], region[s], channel[c], tp[t],
                nps, 1 + int(rand() * 5), ces, 0.5 + rand()
        }
    }' > "$csv"
fi

# --- examples ----------------------------------------------------------------------------
passed=0
failed=0
failures=()
pass() { passed=$((passed + 1)); echo "PASS  $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL  $1"; }

binaries=()
shopt -s nullglob
for src in "$repo"/examples/c/*.c; do
    name=c-$(basename "$src" .c)
    # C: linked statically against libcxm.a.
    if "$cc" -std=c11 "${warn[@]}" -I"$repo/include" "$src" "$lib_dir/libcxm.a" \
        -lpthread -ldl -lm -o "$work/$name" 2>"$work/$name.build.log"; then
        pass "build $name (gcc -std=c11, static)"
        binaries+=("$name")
    else
        cat "$work/$name.build.log"
        fail "build $name"
    fi
done
for src in "$repo"/examples/cpp/*.cpp; do
    name=cpp-$(basename "$src" .cpp)
    # C++: linked against libcxm.so, found through an rpath.
    if "$cxx" -std=c++17 "${warn[@]}" -I"$repo/include" "$src" -L"$lib_dir" -lcxm \
        -Wl,-rpath,"$lib_dir" -o "$work/$name" 2>"$work/$name.build.log"; then
        pass "build $name (g++ -std=c++17, shared)"
        binaries+=("$name")
    else
        cat "$work/$name.build.log"
        fail "build $name"
    fi
done
shopt -u nullglob

# The header on its own, in both languages.
printf '#include "cxm.h"\nint main(void) { return cxm_version() == 0; }\n' >"$work/header.c"
cp "$work/header.c" "$work/header.cpp"
if "$cc" -std=c11 "${warn[@]}" -I"$repo/include" -c "$work/header.c" -o "$work/h1.o" &&
    "$cxx" -std=c++17 "${warn[@]}" -I"$repo/include" -c "$work/header.cpp" -o "$work/h2.o"; then
    pass "include/cxm.h alone as C11 and C++17"
else
    fail "include/cxm.h alone as C11 and C++17"
fi

for name in "${binaries[@]}"; do
    if (cd "$work" && "./$name" "$csv") >"$work/$name.out" 2>&1; then
        pass "run $name"
        sed 's/^/      /' "$work/$name.out" | tail -n 4
    else
        sed 's/^/      /' "$work/$name.out" | tail -n 40
        fail "run $name"
    fi
done

for name in "${binaries[@]}"; do
    if (cd "$work" && valgrind --quiet --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
        "./$name" "$csv") >"$work/$name.vg" 2>&1; then
        pass "valgrind $name"
    else
        sed 's/^/      /' "$work/$name.vg" | tail -n 60
        fail "valgrind $name"
    fi
done

if ((failed > 0)); then
    printf 'failed: %s\n' "${failures[@]}"
fi
echo "C examples: $passed passed, $failed failed"
((failed == 0))
