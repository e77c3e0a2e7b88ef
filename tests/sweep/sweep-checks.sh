#!/usr/bin/env bash
# `aie4sim sweep` on the local cores: a 50-point sweep runs to one record per point and a
# report with plots; --dry-run lists the points; --point K reruns one point and keeps the
# others; a failing point is kept with its error; bad manifests are refused naming the field.
#   sweep-checks.sh AIE4SIM_EXE EXAMPLE_MANIFEST CASE
set -uo pipefail
exe=$1 example=$2 case_name=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-sweep.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
py=/usr/bin/python3

refused() { # refused 'MANIFEST JSON' 'expected text in the error'
    printf '%s\n' "$1" > "$work/bad.json"
    "$exe" sweep "$work/bad.json" --dry-run >"$work/out" 2>&1
    local status=$?
    cat "$work/out"
    [ "$status" = 2 ] || fail "status $status for a bad manifest: $1"
    grep -qF -- "$2" "$work/out" || fail "the error does not say '$2'"
}

case $case_name in
local-50)
    "$exe" sweep "$example" --dry-run > "$work/list" || fail "dry run"
    head -n 1 "$work/list" | grep -q '^50 points' || fail "the example is not 50 points"
    "$exe" sweep "$example" --out "$work/s" -j 2 || fail "the sweep failed"
    $py - "$work/s/results.jsonl" <<'PY' || fail "bad results"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
assert len(rs) == 50 and [r["index"] for r in rs] == list(range(50))
for r in rs:
    assert r["status"] == "ok" and r["exit_code"] == 0, r
    assert r["engine"] == "local" and r["version"] and r["seed"] == 7
    assert r["wall_seconds"] > 0 and r["peak_rss_kib"] > 1024
    m = r["metrics"]
    assert m["throughput_tops"] > 0 and 0 < m["fairness_jain"] <= 1.0000001
    assert m["latency_p99_us"] >= m["latency_p50_us"] > 0
    assert len(r["results"]["results"]) == r["config"]["sriov"]["total_vfs"]
# The axes took effect: spatial slices of one column each, context switch in the config.
p = [r for r in rs if r["point"].get("column_split") == [[0, 1], [1, 1], [2, 1]]][0]
assert [v["columns"] for v in p["results"]["results"]] == [1, 1, 1]
assert p["results"]["policy"] == "spatial"
assert rs[1]["config"]["scheduler"]["context_switch_us"] == 5
print("50 records ok")
PY
    [ "$(ls "$work/s/plots"/*.png | wc -l)" -ge 8 ] || fail "too few plots"
    [ "$(grep -o '<img' "$work/s/report.html" | wc -l)" -ge 8 ] || fail "the report lacks plots"
    # --point K reruns one point; the other records stay.
    before=$(sed -n 3p "$work/s/results.jsonl" | $py -c 'import json,sys; print(json.load(sys.stdin)["wall_seconds"])')
    "$exe" sweep "$example" --out "$work/s" --point 7 --no-report > "$work/p" || fail "--point 7"
    grep -q '"index":7' "$work/p" || fail "--point 7 printed no record"
    after=$(sed -n 3p "$work/s/results.jsonl" | $py -c 'import json,sys; print(json.load(sys.stdin)["wall_seconds"])')
    [ "$before" = "$after" ] || fail "--point 7 changed point 2's record"
    [ "$(wc -l < "$work/s/results.jsonl")" = 50 ] || fail "records lost"
    ;;
failed-point)
    # A point whose run fails (a GEMM too large for the memory tile) is kept, with its error.
    cat > "$work/m.json" <<'JSON'
{"name": "f", "axes": {"gemm": ["64x64x64", "64x9000x64"]}, "run": {"vfs": 1}}
JSON
    "$exe" sweep "$work/m.json" --out "$work/f" -j 2 > "$work/out" 2>&1
    status=$?
    cat "$work/out"
    [ "$status" = 1 ] || fail "status $status with a failed point (expected 1)"
    $py - "$work/f/results.jsonl" <<'PY' || fail "the failed point's record"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["status"] for r in rs] == ["ok", "failed"], [r["status"] for r in rs]
assert rs[1]["exit_code"] != 0 and "K" in rs[1]["error"], rs[1]["error"]
print("failed point kept:", rs[1]["error"].splitlines()[0])
PY
    grep -q "class='failed'" "$work/f/report.html" || fail "the report does not show the failure"
    ;;
bad-manifest)
    refused '{"axes": {"vfs": [1, 0]}}' 'axes.vfs[1]: a VF count'
    refused '{"axes": {"policy": ["fair"]}}' 'axes.policy[0]: time_sharing or spatial'
    refused '{"axes": {"gemm": ["12x3"]}}' 'axes.gemm[0]: a GEMM shape'
    refused '{"axes": {"colour": [1]}}' 'axes.colour: unknown axis'
    refused '{"axes": {"vfs": []}}' 'axes.vfs: a non-empty list'
    refused '{"axis": {}}' 'axis: unknown setting'
    refused '{"axes": {"scheduler.time_slice": [10]}}' 'scheduler.time_slice: unknown setting'
    refused '{"axes": {"time_slice": [-1]}}' 'axes.time_slice[0]: a time slice in microseconds'
    refused '{"axes": {"mix": [3]}}' 'axes.mix[0]: a workload mix'
    refused '{"axes": {"mix": [{"jobs": 1, "default": {"arrival": {"pattern": "often"}, "workloads": [{"op": "copy"}]}}]}}' 'axes.mix[0]: mix: default.arrival.pattern'
    refused '{"axes": {"mix": ["no-such-mix.json"]}}' 'mix: config: cannot open'
    refused '{"axes": {"vfs": [1, 2]}, "run": {"mix": {"jobs": 1, "vfs": {"2": {"workloads": [{"op": "copy"}]}}}}}' 'point 0 (vfs=1): mix: VF 1 has no workloads'
    refused '{"axes": {"aie.timing.shim_dma_bytes_per_cycle": [6]}}' 'aie.timing.shim_dma_bytes_per_cycle: must be a multiple of 4'
    refused '{"axes": {"vfs": [2]}, "run": {"policy": "spatial", "column_split": [[0, 1]]}}' 'scheduler.vf_columns'
    refused '{"axes": {"vfs": [1]}, "exclude": [{"gemm": "1x1x1"}]}' 'exclude[0].gemm: not an axis'
    refused '{"axes": {"vfs": [1]}, "exclude": [{"vfs": 1}]}' 'excludes every point'
    refused '{oops' 'not valid JSON'
    "$exe" sweep "$work/missing.json" --dry-run >"$work/out" 2>&1
    [ $? = 2 ] && grep -q 'cannot open' "$work/out" || fail "a missing manifest"
    "$exe" sweep "$example" --point 50 >"$work/out" 2>&1
    [ $? = 2 ] && grep -q -- '--point 50: the sweep has 50 points' "$work/out" || fail "--point out of range"
    ;;
mix-axis)
    # Workload mixes (one from a file next to the manifest, one inline) against time slices:
    # every point runs its mix, the records carry the mix's percentiles and fairness, a longer
    # slice means fewer context switches, and the report plots p99 latency and fairness
    # against both axes.
    manifest=$(dirname "$example")/sweep-mixes.json
    "$exe" sweep "$manifest" --dry-run > "$work/list" || fail "dry run"
    head -n 1 "$work/list" | grep -q '^6 points' || fail "the mix manifest is not 6 points"
    "$exe" sweep "$manifest" --out "$work/m" -j 2 || fail "the mix sweep failed"
    $py - "$work/m/results.jsonl" <<'PY' || fail "bad mix records"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
assert len(rs) == 6
for r in rs:
    assert r["status"] == "ok", r["error"]
    assert "--mix" in r["command"] and "--gemm" not in r["command"], r["command"]
    m = r["metrics"]
    assert m["latency_p99_us"] >= m["latency_p50_us"] > 0 and 0 < m["fairness_jain"] <= 1, m
    assert r["results"]["commands_failed"] == 0 and r["results"]["commands"] > 0
    assert r["config"]["scheduler"]["time_slice_us"] == r["point"]["time_slice"]
names = [r["results"]["mix"] for r in rs]
assert names == ["gemm-pair"] * 3 + ["eltwise-rate"] * 3, names
switches = [r["results"]["context_switches"] for r in rs[:3]]
assert switches[0] > switches[2], switches   # the closed loop keeps its slice with 200 us
print("mix sweep ok; context switches by slice 0/50/200:", switches)
PY
    [ -s "$work/m/plots/axis-mix.png" ] && [ -s "$work/m/plots/axis-time_slice.png" ] || fail "axis plots missing"
    grep -q 'eltwise-rate' "$work/m/report.html" || fail "the report does not name the inline mix"
    ;;
*)
    fail "unknown case $case_name"
    ;;
esac
echo "PASS: $case_name"
