#!/usr/bin/env bash
# Deterministic mode: two runs of the same guest script give the same model-side event order
# and the same simulated times (the model's logs, stamped with SystemC time, are identical).
set -euo pipefail
exe=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-determinism.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat "$here/guest-lib.sh" > "$work/payload.sh"
cat >> "$work/payload.sh" <<'GUEST'
modprobe pci-pf-stub
bind_driver $PF pci-pf-stub
echo 2 > $SYS/$PF/sriov_numvfs
vf=$(vf_bdf 1)
aie4sim-mmio $SYS/$vf/resource0 0xF004 0x1234
aie4sim-mmio $SYS/$vf/resource0 0xF004
echo 0 > $SYS/$PF/sriov_numvfs
GUEST
for run in 1 2; do
    "$exe" guest --time deterministic --quiet --script "$work/payload.sh" --run-dir "$work/run" \
        --log "info,sriov=debug,bridge=trace" --model-log "$work/model$run.log" ||
        { echo "FAIL: deterministic run $run failed"; exit 1; }
done
lines=$(wc -l < "$work/model1.log")
[ "$lines" -gt 200 ] || { echo "FAIL: only $lines log lines: nothing to compare"; exit 1; }
grep -q 'VF1 BAR0 +0xf004 write' "$work/model1.log" || { echo "FAIL: the guest's access is not in the log"; exit 1; }
if ! diff -u "$work/model1.log" "$work/model2.log" > "$work/diff"; then
    head -n 40 "$work/diff"
    echo "FAIL: the two deterministic runs differ"
    exit 1
fi
echo "PASS: deterministic ($lines identical log lines, last at $(tail -n 1 "$work/model1.log" | cut -d']' -f1 | tr -d '['))"
