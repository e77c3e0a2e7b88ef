#!/usr/bin/env bash
# Killing one side mid-run makes the other and the launcher exit with a clear message that
# names the side that died first, not hang.
#   model-killed.sh EXE [model|qemu]   (default: model)
set -euo pipefail
exe=$1
victim=${2:-model}
run=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-killed.XXXXXX")
trap 'rm -rf "$run"' EXIT

"$exe" guest --run-dir "$run/run" --exec 'echo guest-is-up; sleep 120' > "$run/out" 2>&1 &
launcher=$!
for _ in $(seq 600); do
    grep -q guest-is-up "$run/out" && break
    sleep 0.1
done
grep -q guest-is-up "$run/out" || { echo "FAIL: the guest did not come up"; cat "$run/out"; exit 1; }
if [ "$victim" = model ]; then
    pid=$(pgrep -f "model --socket unix:$run/run/model.sock")
else
    pid=$(pgrep -f "qemu-system-x86_64 .*socket=unix:$run/run/model.sock")
fi
kill -9 "$pid"
started=$(date +%s)
while kill -0 "$launcher" 2>/dev/null; do
    if [ $(( $(date +%s) - started )) -gt 30 ]; then
        echo "FAIL: the launcher still runs 30 s after the model was killed"
        kill -9 "$launcher"; exit 1
    fi
    sleep 0.1
done
set +e; wait "$launcher"; status=$?; set -e
grep -v "^\s*\[" "$run/out" | tail -n 8
[ "$status" -eq 125 ] || { echo "FAIL: launcher status $status, expected 125"; exit 1; }
if [ "$victim" = model ]; then
    grep -q "the model process was killed by signal 9" "$run/out" ||
        { echo "FAIL: the launcher did not say the model was killed"; exit 1; }
    grep -q "aie4sim: lost the model at .*: the model closed the connection" "$run/out" ||
        { echo "FAIL: QEMU did not say it lost the model"; exit 1; }
else
    grep -q "QEMU was killed by signal 9.* while the guest was running" "$run/out" ||
        { echo "FAIL: the launcher did not say QEMU was killed"; exit 1; }
    ! grep -q "the model process" "$run/out" ||
        { echo "FAIL: the launcher blamed the model for QEMU's death"; exit 1; }
fi
if pgrep -f "$run/run/model.sock" >/dev/null; then echo "FAIL: a process was left behind"; exit 1; fi
echo "PASS: $victim killed (launcher exited in $(( $(date +%s) - started )) s)"

