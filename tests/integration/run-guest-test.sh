#!/usr/bin/env bash
# Runs one guest integration test: NAME.guest.sh inside a guest booted against the model (its
# exit status is the verdict), then, if present, NAME.check.sh on the host with the model's log.
#
# Usage: run-guest-test.sh AIE4SIM_EXE NAME [aie4sim guest options...]
set -euo pipefail
exe=$1 name=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-test-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Helpers every guest script may use.
cat "$here/guest-lib.sh" "$here/$name.guest.sh" > "$work/payload.sh"

# The model's log levels: the test's own --log if it gives one, else this default.
log=(--log "info,sriov=debug,bridge=info")
for arg in "$@"; do [ "$arg" != --log ] || log=(); done
set +e
"$exe" guest --script "$work/payload.sh" --model-log "$work/model.log" \
    "${log[@]}" --timeout 600 "$@" 2>"$work/launcher.err"
status=$?
set -e
cat "$work/launcher.err" >&2
if [ "$status" -ne 0 ]; then
    echo "FAIL: $name: the guest part exited with status $status"
    echo "--- end of the model log:"; tail -n 30 "$work/model.log"
    exit 1
fi
# The guest's status alone would hide a model that crashed once the guest was done.
if grep -q 'note: the model .* after the guest finished' "$work/launcher.err"; then
    echo "FAIL: $name: the model ended abnormally after the guest finished"
    exit 1
fi
if [ -x "$here/$name.check.sh" ]; then
    if ! "$here/$name.check.sh" "$work/model.log"; then
        echo "FAIL: $name: the model log does not show what the guest did"
        exit 1
    fi
fi
echo "PASS: $name"
