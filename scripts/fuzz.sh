#!/usr/bin/env bash
# Fuzzes the model's input readers with libFuzzer (docs/fuzzing.md): configures a build tree of
# its own with clang and AIE4SIM_FUZZ=ON, builds the harnesses of tests/fuzz, and runs each in
# turn from its checked-in seed corpus for a bounded time or number of inputs. New inputs go to
# BUILD/fuzz-corpus/NAME (the source tree is never written); a crashing input goes to
# BUILD/fuzz-artifacts/NAME/ and fails the run. Prints the inputs each harness ran and, last,
# one JSON line with the same counts.
#
# Usage: scripts/fuzz.sh [--seconds N | --runs N] [--only NAME[,NAME...]] [--run-only] [BUILD_DIR]
#   --seconds N   time per harness (default 30)
#   --runs N      inputs per harness instead of a time (libFuzzer's -runs)
#   --only LIST   just these harnesses (fuzz_mailbox,...)
#   --run-only    the tree is built already (the `fuzz` target of that tree)
#   BUILD_DIR     default: build-fuzz beside build/ (AIE4SIM_FUZZ_BUILD_DIR)
# Env: AIE4SIM_JOBS (build jobs), AIE4SIM_FUZZ_ARGS (more libFuzzer options)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$here/lib/common.sh"
root=$(cd "$here/.." && pwd)

seconds=30
runs=""
only=""
build_it=1
while [ $# -gt 0 ]; do
    case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --run-only) build_it=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
    esac
done
build=$(absolute_dir "${1:-${AIE4SIM_FUZZ_BUILD_DIR:-$root/build-fuzz}}")
jobs=${AIE4SIM_JOBS:-$(nproc)}

if [ $build_it -eq 1 ]; then
    command -v clang++ >/dev/null || die "clang++ is missing (scripts/setup-host.sh installs clang)"
    if [ ! -f "$build/build.ninja" ]; then
        msg "configuring the fuzzing build in $build"
        # No guest, no XRT: the harnesses need neither, and the tree builds offline.
        cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
            -DAIE4SIM_FUZZ=ON -DAIE4SIM_GUEST=OFF -DAIE4SIM_XRT=OFF >/dev/null
    fi
    start=$(now)
    cmake --build "$build" -j "$jobs" --target fuzzers
    msg "harnesses built in $(elapsed "$start")"
fi

harnesses=()
for corpus in "$root"/tests/fuzz/corpus/*/; do
    name=$(basename "$corpus")
    if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then
        continue
    fi
    [ -x "$build/tests/fuzz/$name" ] || die "no harness $build/tests/fuzz/$name (build the fuzzers target)"
    harnesses+=("$name")
done
[ ${#harnesses[@]} -gt 0 ] || die "no harness selected"

limit=(-max_total_time="$seconds")
[ -n "$runs" ] && limit=(-runs="$runs")
# LeakSanitizer stays on (but see below): an input that leaks is a finding. Reports end the run (the harnesses
# are built without sanitizer recovery).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
json=""
total=0
for name in "${harnesses[@]}"; do
    work=$build/fuzz-corpus/$name
    artifacts=$build/fuzz-artifacts/$name
    mkdir -p "$work" "$artifacts"
    log=$build/fuzz-logs/$name.log
    mkdir -p "$(dirname "$log")"
    start=$(now)
    status=0
    # LeakSanitizer cannot see pointers that live only on SystemC's coroutine stacks: for the
    # harnesses that run a simulation it would report objects still in use.
    leaks=()
    asan=$ASAN_OPTIONS
    case $name in fuzz_mailbox | fuzz_cert_run) leaks=(-detect_leaks=0) asan=$asan:detect_leaks=0 ;; esac
    # -timeout: an input that runs this long is a hang; -rss_limit_mb: one that takes this much
    # memory is a finding too (a size read from the input, say).
    # shellcheck disable=SC2086
    ASAN_OPTIONS=$asan "$build/tests/fuzz/$name" "${limit[@]}" "${leaks[@]}" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" ${AIE4SIM_FUZZ_ARGS:-} \
        "$work" "$root/tests/fuzz/corpus/$name" >"$log" 2>&1 || status=$?
    count=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    count=${count:-0}
    total=$((total + count))
    if [ $status -ne 0 ]; then
        failed+=("$name")
        msg "$name: FAILED after $count inputs ($(elapsed "$start")); its report:"
        grep -E '^(==|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 20 >&2 || true
        echo "  (whole log: $log; the input: $artifacts/)" >&2
    else
        msg "$name: $count inputs, no finding ($(elapsed "$start"), corpus $(find "$work" -type f | wc -l) new + $(find "$root/tests/fuzz/corpus/$name" -type f | wc -l) seeds)"
    fi
    json+="${json:+,}\"$name\":{\"inputs\":$count,\"passed\":$([ $status -eq 0 ] && echo true || echo false)}"
done
echo "{\"fuzz\":{${json}},\"total_inputs\":$total}"
if [ ${#failed[@]} -gt 0 ]; then
    die "findings in: ${failed[*]}"
fi
msg "fuzzing: ${#harnesses[@]} harnesses, $total inputs, no finding"
