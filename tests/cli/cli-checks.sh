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
bad-vms)
    # Refused before anything starts, within seconds: 0 guests crashed the launcher, and "-1"
    # (4294967295 to the option parser) made it build a list that never ended.
    expect_status 2 timeout 30 "$tool" vms --guests 0
    grep -q -- '--guests 0: the device has VF1..VF4' "$work/err" || fail "--guests 0 not refused"
    expect_status 2 timeout 30 "$tool" vms --guests -1
    grep -q -- '--guests 4294967295' "$work/err" || fail "--guests -1 not refused"
    expect_status 2 timeout 30 "$tool" demo --vms 5
    grep -q -- '--guests 5' "$work/err" || fail "demo --vms 5 not refused"
    expect_status 2 timeout 30 "$tool" vms --guests 2 --guest-vfs 1,x
    grep -q -- "--guest-vfs: 'x' is not a VF number" "$work/err" || fail "--guest-vfs x not named"
    expect_status 2 timeout 30 "$tool" vms --guests 2 --guest-vfs 1,5
    grep -q -- 'the device has VF1..VF4' "$work/err" || fail "--guest-vfs 5 not refused"
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
gemm-limits)
    # Dimensions near 2^32 once overflowed the builder's plan (SIGFPE): each one is refused up
    # front, and the message says which limit.
    for g in 4294967295x1x1 1x1x4294967295 65536x1x65536; do
        expect_status 2 "$tool" run --gemm "$g"
        grep -q 'above the builder.s limit of 4294967296 bytes' "$work/err" || fail "$g: limit not named"
    done
    expect_status 2 "$tool" run --gemm 1x4096x1
    grep -q 'K = 4096 is above the limit of 4095' "$work/err" || fail "K limit not named"
    expect_status 2 "$tool" run --gemm 1x1x8388608:bf16
    grep -q 'blocks of C, above the limit' "$work/err" || fail "block limit not named"
    expect_status 2 "$tool" run --gemm -1x1x1
    expect_status 2 "$tool" run --gemm 4294967296x1x1
    grep -q 'outside 1..4294967295' "$work/err" || fail "2^32 not refused by range"
    expect_status 2 "$tool" demo --gemm 4294967295x1x1
    grep -q "A (M x K) would take" "$work/err" || fail "demo: limit not named before boot"
    workload=$(dirname "$tool")/../aie_tiles/aie4sim-workload
    expect_status 1 "$workload" gemm --m 4294967295 --k 1 --n 1
    grep -q 'A (M x K) would take' "$work/err" || fail "aie4sim-workload: limit not named"
    ;;
run-any-valid-config)
    # Every configuration the validator accepts runs: a wider array (the host model takes its
    # partition from the configuration) and the most VFs a bus allows.
    echo '{"aie":{"columns":8}}' >"$work/wide.json"
    expect_status 0 "$tool" run --config "$work/wide.json"
    [ "$(grep -cE '^[0-9]+ +verified ' "$work/out")" = 4 ] || fail "8 columns: expected 4 verified VFs"
    echo '{"sriov":{"total_vfs":255}}' >"$work/many.json"
    expect_status 0 "$tool" run --config "$work/many.json" --gemm 64x64x64
    [ "$(grep -cE '^[0-9]+ +verified ' "$work/out")" = 255 ] || fail "255 VFs: expected 255 verified"
    ! grep -q 'uncaught exception' "$work/out" "$work/err" || fail "SystemC exception escaped"
    ;;
bad-paths)
    expect_status 2 "$tool" run --json "$work/no-such-folder/report.json"
    grep -q 'does not exist' "$work/err" || fail "--json into a missing folder not refused"
    [ ! -e "$work/no-such-folder" ] || fail "folder appeared"
    expect_status 2 "$tool" run --config "$work"
    grep -q 'is a folder, not a JSON file' "$work/err" || fail "a folder as --config misreported"
    ;;
run-mix)
    # A workload mix: every VF under its own arrival pattern, every kind of workload (the
    # transformer block, an element-wise chain, softmax, GEMMs of two types), each command
    # checked against the CPU references; the table and the JSON report carry the statistics.
    example=$(dirname "$0")/../../docs/examples/mix-inference.json
    expect_status 0 "$tool" run --mix "$example" --json "$work/mix.json"
    [ "$(grep -cE '^[1-4] +(closed|[0-9.]+/ms|[0-9]+ every)' "$work/out")" = 4 ] || fail "expected 4 VF rows"
    grep -q 'fairness (Jain' "$work/out" || fail "no fairness line"
    python3 - "$work/mix.json" <<'PY' || fail "bad mix report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["mix"] == "inference" and r["vfs"] == 4 and r["commands_failed"] == 0, r
assert 0 < r["fairness_jain"] <= 1 and r["latency_p99_us"] >= r["latency_p50_us"] > 0
for v in r["results"]:
    assert v["verified"] and v["commands"] > 0 and v["jobs"] > 0, v
    assert v["latency_p99_us"] >= v["latency_p50_us"] >= v["queueing_p50_us"] >= 0, v
    assert 0 < v["column_utilisation"] <= 1 and v["ops_per_s"] > 0 and v["commands_per_s"] > 0, v
vf = {v["vf"]: v for v in r["results"]}
assert vf[1]["commands"] == 6 * vf[1]["jobs"], vf[1]      # the transformer block: six steps
assert vf[2]["jobs"] == 40, vf[2]                          # 20 per ms for 2 ms
assert vf[3]["jobs"] == 16, vf[3]                          # 4 every 500 us for 2 ms
assert r["window_us"] >= 2000
print("mix report ok:", {k: r[k] for k in ("commands", "latency_p99_us", "fairness_jain")})
PY
    # The same seed gives the same run; another seed another choice of jobs.
    expect_status 0 "$tool" run --mix "$example" --json "$work/again.json"
    python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); [x.pop("wall_seconds") for x in (a,b)]; assert a==b' \
        "$work/mix.json" "$work/again.json" || fail "the same seed gave another run"
    ;;
bad-mix)
    expect_status 2 "$tool" run --mix '{"default": {"workloads": [{"op": "copy"}]}}'
    grep -q 'mix: duration_us: a mix needs a bound' "$work/err" || fail "no bound: not named"
    echo '{"jobs": 2, "vfs": {"2": {"arrival": {"pattern": "fixed_rate", "per_ms": 0}, "workloads": [{"op": "copy"}]}}}' >"$work/rate.json"
    expect_status 2 "$tool" run --mix "$work/rate.json"
    grep -q 'vfs.2.arrival.per_ms: must be between' "$work/err" || fail "per_ms: not named"
    expect_status 2 "$tool" run --mix '{"jobs": 1, "default": {"workloads": [{"op": "gemm", "shape": "64x9000x64"}]}}'
    grep -q 'workload "gemm 64x9000x64 int8"' "$work/err" || fail "builder limit: workload not named"
    expect_status 2 "$tool" run --mix '{"jobs": 1, "vfs": {"9": {"workloads": [{"op": "copy"}]}}}'
    grep -q 'VF 1 has no workloads' "$work/err" || fail "a VF without workloads not refused"
    expect_status 2 "$tool" run --mix "$work/missing.json"
    grep -q 'cannot open' "$work/err" || fail "missing mix file not reported"
    expect_status 2 "$tool" run --mix '{"jobs": 1,'
    grep -q 'not valid JSON' "$work/err" || fail "inline syntax error not reported"
    expect_status 2 "$tool" run --mix "$work/rate.json" --gemm 64x64x64
    grep -q -- '--gemm and --mix exclude each other' "$work/err" || fail "--gemm with --mix"
    ;;
*)
    fail "unknown case $case_name"
    ;;
esac
echo "PASS: $case_name"
