#!/usr/bin/env bash
# The QEMU device as QEMU would take it: QEMU's own scripts/checkpatch.pl (from the QEMU source
# the build unpacked) reports no error and no warning on any file of cosim/qemu/. Offline.
#   check-qemu-style.sh <source root> <checkpatch.pl>
set -euo pipefail
root=$1
checkpatch=$(readlink -f "$2")
[ -f "$checkpatch" ] || { echo "FAIL: $checkpatch is missing (the QEMU source is unpacked by the build)" >&2; exit 1; }
cd "$root/cosim/qemu"
shopt -s nullglob
files=(*.c *.h)
[ ${#files[@]} -ge 4 ] || { echo "FAIL: only ${#files[@]} sources in cosim/qemu" >&2; exit 1; }
bad=0
for f in "${files[@]}"; do
    out=$(perl "$checkpatch" --no-tree -f "$f" 2>&1 || true)
    total=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings' <<<"$out" || true)
    if [ -z "$total" ]; then
        echo "FAIL: checkpatch gave no verdict on $f:" >&2
        echo "$out" >&2
        bad=1
    elif ! grep -q '^total: 0 errors, 0 warnings' <<<"$total"; then
        grep -E '(ERROR|WARNING):' <<<"$out" || true
        echo "$f: $total"
        bad=1
    fi
done
[ $bad -eq 0 ] || { echo "FAIL: checkpatch reports problems in cosim/qemu/" >&2; exit 1; }
echo "PASS: checkpatch reports nothing on ${#files[@]} files of cosim/qemu/"
