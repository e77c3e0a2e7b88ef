#!/usr/bin/env bash
# The unit tests under sanitizers (docs/fuzzing.md): a build tree of its own, compiled by clang
# with AIE4SIM_SANITIZE=ON (AddressSanitizer + UndefinedBehaviorSanitizer; the first report
# fails its test), then ctest's `unit` label. The guest tests stay on the normal build.
#
# Usage: scripts/sanitize.sh [--tsan | --with-fuzzers] [BUILD_DIR] [-- CTEST_ARGS...]
#   --tsan      ThreadSanitizer instead, on the co-simulation tests (test_cosim: the bridge,
#               the link and the rings, whose threads share memory)
#   --with-fuzzers  the tree also builds the libFuzzer harnesses (AIE4SIM_FUZZ): one compile
#               serves both, and `scripts/fuzz.sh --run-only BUILD_DIR` runs them (CI does)
#   BUILD_DIR   default: build-asan (build-tsan with --tsan) beside build/
# Needs the normal build (./aie4sim build) first: the tree borrows its fetched XRT (the unit
# tests assemble control code with Debian's aiebu-asm), so it builds without a network.
# Env: AIE4SIM_BUILD_DIR (the normal build, default build/), AIE4SIM_JOBS
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$here/lib/common.sh"
root=$(cd "$here/.." && pwd)

mode=asan
fuzzers=OFF
case ${1:-} in
--tsan) mode=tsan; shift ;;
--with-fuzzers) fuzzers=ON; shift ;;
esac
build_arg=""
if [ $# -gt 0 ] && [ "$1" != -- ]; then
    build_arg=$1
    shift
fi
[ "${1:-}" = -- ] && shift
build=$(absolute_dir "${build_arg:-$root/build-$mode}")
main=${AIE4SIM_BUILD_DIR:-$root/build}
jobs=${AIE4SIM_JOBS:-$(nproc)}
command -v clang++ >/dev/null || die "clang++ is missing (scripts/setup-host.sh installs clang)"

# The normal build's XRT tree and its host wrappers (xrt/bin): scripts/xrt/fetch-xrt.sh finds
# them complete and does nothing.
[ -f "$main/deps/xrt-2.25.stamp" ] && [ -x "$main/xrt/bin/aiebu-asm" ] ||
    die "no fetched XRT in $main: run ./aie4sim build first"
mkdir -p "$build/deps"
for f in xrt-2.25 xrt-2.25.stamp xrt-2.25.closure; do
    ln -sfn "$main/deps/$f" "$build/deps/$f"
done
[ -L "$build/xrt" ] || { rm -rf "$build/xrt" && ln -s "$main/xrt" "$build/xrt"; }

if [ ! -f "$build/build.ninja" ]; then
    sanitizers=address,undefined
    [ $mode = tsan ] && sanitizers=thread
    msg "configuring the $mode build in $build"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
        -DAIE4SIM_SANITIZE=ON -DAIE4SIM_SANITIZERS=$sanitizers -DAIE4SIM_GUEST=OFF >/dev/null
fi
cmake -B "$build" -DAIE4SIM_FUZZ=$fuzzers >/dev/null
start=$(now)
if [ $mode = tsan ]; then
    cmake --build "$build" -j "$jobs" --target test_cosim
elif [ $fuzzers = ON ]; then
    cmake --build "$build" -j "$jobs" --target unit-tests fuzzers
else
    cmake --build "$build" -j "$jobs" --target unit-tests
fi
msg "$mode build took $(elapsed "$start")"

# Leaks are not checked: every test's FreshSimulation leaks its SystemC context on purpose
# (testbench/fresh_simulation.h). Everything else ASan and UBSan see fails the test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
cd "$build"
if [ $mode = tsan ]; then
    exec ctest --output-on-failure -j "$jobs" -R '^test_cosim:' "$@"
fi
# The unit label, less the lspci golden check (it runs the command-line tool, not built here).
exec ctest --output-on-failure -j "$jobs" -L unit -LE lspci "$@"
