#!/usr/bin/env bash
# A real timeline and waveform from `aie4sim run`: the trace against the trace-event format's
# rules, with every track kind a standalone run makes (no FLR happens in one; the guest test
# guest:trace covers it), loaded by Chrome DevTools' trace engine; the VCD against its header
# and values. Also: an unwritable trace file is refused with its name.
#   run-trace.sh AIE4SIM_EXE [TRACE_ENGINE_DIR]
set -euo pipefail
exe=$1
export TRACE_ENGINE_DIR=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-run-trace.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$exe" run --vfs 3 --policy spatial --gemm 128x256x96 --trace "$work/run.json" --vcd "$work/run.vcd"
"$python" "$here/check-trace.py" "$work/run.json" --require contexts columns dma cores mailbox msix \
    --devtools "$here/devtools-load.mjs"
"$python" "$here/check-vcd.py" "$work/run.vcd" --vfs 3
if "$exe" run --trace /nonexistent-dir/t.json >"$work/out" 2>&1; then
    echo "FAIL: an unwritable trace file was accepted"; exit 1
fi
grep -q "/nonexistent-dir/t.json" "$work/out" || { cat "$work/out"; echo "FAIL: the file is not named"; exit 1; }
echo "PASS: run-trace"
