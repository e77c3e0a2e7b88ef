#!/usr/bin/env bash
# Checks of the command line tool that need no guest: the standalone example runs to verified
# results, a policy and a GEMM shape from the command line take effect, the JSON report is
# well formed, and bad input (configuration, options) is refused with a message that names it
# and a distinct exit status.
#   cli-checks.sh <aie4sim executable> <case>
set -uo pipefail
tool=$1
case_name=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

expect_status() { # expected-status command...
    local want=$1; shift
    "$@" >"$work/out" 2>"$work/err"
    local got=$?
    cat "$work/out" "$work/err"
    [ "$got" = "$want" ] || fail "exit status $got, expected $want: $*"
}

case $case_name in
run-default)
    expect_status 0 "$tool" run --json "$work/report.json"
    [ "$(grep -cE '^[0-9]+ +verified ' "$work/out")" = 4 ] || fail "expected 4 verified VFs"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["vfs"]==4 and all(x["verified"] for x in r["results"]) and r["peak_tops"]>14, r' \
        "$work/report.json" || fail "bad JSON report"
    ;;
run-spatial-bf16)
    expect_status 0 "$tool" run --policy spatial --vfs 3 --gemm 100x70x130:bf16
    grep -q 'spatial scheduling' "$work/out" || fail "policy not applied"
    [ "$(grep -cE '^[0-9]+ +verified +1 ' "$work/out")" = 3 ] || fail "expected 3 VFs on one column each"
    ;;
bad-config)
    echo '{"sriov":{"total_vf":4}}' >"$work/unknown.json"
    expect_status 2 "$tool" run --config "$work/unknown.json"
    grep -q 'sriov.total_vf: unknown setting' "$work/err" || fail "field not named"
    echo '{"sriov":{"total_vfs":300}}' >"$work/range.json"
    expect_status 2 "$tool" run --config "$work/range.json"
    grep -q 'sriov.total_vfs' "$work/err" || fail "field not named"
    echo '{oops' >"$work/syntax.json"
    expect_status 2 "$tool" run --config "$work/syntax.json"
    grep -q 'not valid JSON' "$work/err" || fail "syntax error not reported"
    expect_status 2 "$tool" run --config "$work/missing.json"
    grep -q 'cannot open' "$work/err" || fail "missing file not reported"
    expect_status 2 "$tool" model --config "$work/unknown.json" --socket "$work/s"
    grep -q 'sriov.total_vf' "$work/err" || fail "model: field not named"
    ;;
bad-options)
    expect_status 2 "$tool" run --gemm 3x
    grep -q -- '--gemm' "$work/err" || fail "--gemm not named"
    expect_status 2 "$tool" run --vfs 9
    grep -q -- '--vfs' "$work/err" || fail "--vfs not named"
    expect_status 2 "$tool" nonsense
    # Files for the guest are checked before anything starts.
    expect_status 2 "$tool" guest --file "$work/missing.elf" --exec true
    grep -q 'no file .*missing.elf' "$work/err" || fail "--file: a missing file not named"
    echo x >"$work/x.elf"
    expect_status 2 "$tool" guest --file "$work/x.elf:sub/x.elf" --exec true
    grep -q 'NAME must be a plain file name' "$work/err" || fail "--file: a bad NAME not refused"
    expect_status 2 "$tool" demo --via nothing
    grep -q -- '--via xrt|uapi' "$work/err" || fail "--via not named"
    ;;
*)
    fail "unknown case $case_name"
    ;;
esac
echo "PASS: $case_name"
