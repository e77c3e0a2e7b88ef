#!/usr/bin/env bash
# Timelines from the full system, with the real driver in the guest:
#  - `aie4sim guest --trace --vcd`: GEMMs on two VFs at once through the driver, then an FLR
#    of VF1 and its re-probe: the trace must hold every track kind (VF contexts, columns, DMA,
#    cores, mailbox messages, FLR, MSI-X), follow the trace-event format, and load in Chrome
#    DevTools' trace engine; the waveform must hold moving locks, DMA, cores and MSI-X;
#  - `aie4sim demo --trace`: the demo hands the option to its model, with the same checks
#    (the demo resets nothing, so there is no FLR track).
#   trace.sh AIE4SIM_EXE [TRACE_ENGINE_DIR]
set -euo pipefail
exe=$1
export TRACE_ENGINE_DIR=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
checks=$here/../trace
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-trace.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat "$here/guest-lib.sh" > "$work/payload.sh"
cat >> "$work/payload.sh" <<'GUEST'
aie4sim-setup-vfs 2 >/dev/null
vf1=$(vf_bdf 1)
vf2=$(vf_bdf 2)
aie4sim-accel-test $vf1 gemm 128 128 128 --seed 1 > /tmp/vf1.txt 2>&1 &
aie4sim-accel-test $vf2 gemm 128 128 128 --seed 2 > /tmp/vf2.txt 2>&1 &
wait
cat /tmp/vf1.txt /tmp/vf2.txt
grep -q ': verified;' /tmp/vf1.txt || fail "VF1's GEMM"
grep -q ': verified;' /tmp/vf2.txt || fail "VF2's GEMM"
echo $vf1 > /sys/bus/pci/drivers/amdxdna/unbind
echo 1 > $SYS/$vf1/reset
echo $vf1 > /sys/bus/pci/drivers/amdxdna/bind
echo "ok: VF1 reset and bound again"
GUEST
"$exe" guest --quiet --script "$work/payload.sh" --model-log "$work/model.log" --timeout 600 \
    --trace "$work/guest.json" --vcd "$work/guest.vcd" ||
    { echo "FAIL: the guest run failed"; tail -n 30 "$work/model.log"; exit 1; }
"$python" "$checks/check-trace.py" "$work/guest.json" \
    --require contexts columns dma cores mailbox flr msix --devtools "$checks/devtools-load.mjs"
"$python" "$checks/check-vcd.py" "$work/guest.vcd" --vfs 2

"$exe" demo --vfs 2 --gemm 128x128x128 --trace "$work/demo.json" --vcd "$work/demo.vcd" \
    > "$work/demo.out" 2>&1 || { cat "$work/demo.out"; echo "FAIL: the demo failed"; exit 1; }
grep -q "2 of 2 VFs verified" "$work/demo.out" || { cat "$work/demo.out"; echo "FAIL: demo results"; exit 1; }
"$python" "$checks/check-trace.py" "$work/demo.json" \
    --require contexts columns dma cores mailbox msix --devtools "$checks/devtools-load.mjs"
"$python" "$checks/check-vcd.py" "$work/demo.vcd" --vfs 2
echo "PASS: trace"
