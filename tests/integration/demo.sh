#!/usr/bin/env bash
# `aie4sim demo`, the main job, end to end: through XRT by default (every VF verified, its
# simulated time and cycles read from the model's log, its wall time from the XRT program),
# with a bf16 GEMM of an odd shape on spatial slices, and through the raw UAPI (--via uapi).
#   demo.sh AIE4SIM_EXE
set -uo pipefail
exe=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-test-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: demo: $*"; exit 1; }

run_demo() { # run_demo NAME ARGS...: the demo's output in $work/NAME.txt, its status checked
    local name=$1; shift
    "$exe" demo "$@" > "$work/$name.txt" 2>&1
    local status=$?
    cat "$work/$name.txt"
    [ "$status" = 0 ] || fail "aie4sim demo $* exited with status $status"
}
# rows VIA VFS: every VF row says verified, with simulated time, cycles, TOPS and wall time > 0
rows() {
    local file=$1 vfs=$2 n
    for n in $(seq 1 "$vfs"); do
        awk -v n="$n" '$1 == n && $3 == "verified" && $4 > 0 && $5 > 0 && $6 > 0 && $7 > 0 {ok = 1}
                       END {exit !ok}' "$file" || fail "VF$n's row is not verified with figures in $file"
    done
}

run_demo xrt
grep -q '^4 of 4 VFs verified their GEMM 256x256x256 int8 through XRT' "$work/xrt.txt" || fail "XRT demo summary"
rows "$work/xrt.txt" 4

echo '{"scheduler": {"policy": "spatial"}}' > "$work/spatial.json"
run_demo spatial --config "$work/spatial.json" --vfs 3 --gemm 100x70x130 --type bf16
grep -q '^3 of 3 VFs verified their GEMM 100x70x130 bf16 through XRT' "$work/spatial.txt" || fail "spatial bf16 summary"
rows "$work/spatial.txt" 3

run_demo uapi --via uapi --vfs 2
grep -q '^2 of 2 VFs verified their GEMM 256x256x256 int8 through the raw UAPI' "$work/uapi.txt" || fail "UAPI demo summary"
rows "$work/uapi.txt" 2

echo "PASS: demo"
