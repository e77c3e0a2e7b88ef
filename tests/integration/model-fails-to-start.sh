#!/usr/bin/env bash
# A model that cannot start ends the guest run with a message that says so, and leaves no run
# folder behind in the temporary directory (it used to leave its 8.5 MB initrd every time).
set -euo pipefail
exe=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-nostart.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
set +e
TMPDIR=$tmp "$exe" guest --model-arg=--no-such-option --exec true >"$tmp.out" 2>&1
status=$?
set -e
cat "$tmp.out"
rm -f "$tmp.out"
[ "$status" -eq 125 ] || { echo "FAIL: status $status, expected 125"; exit 1; }
left=$(find "$tmp" -mindepth 1 | head -n 5)
[ -z "$left" ] || { echo "FAIL: left behind in TMPDIR:"; echo "$left"; exit 1; }
echo "PASS: the failed start was reported and its run folder removed"
