#!/usr/bin/env bash
# Decodes the model's configuration spaces with Debian's real lspci and compares the result
# with golden files reviewed by hand. AIE4SIM_UPDATE_GOLDEN=1 rewrites the golden files (then
# review the diff before committing it).
set -euo pipefail
tool=$1
golden_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v lspci >/dev/null || { echo "lspci not found (Debian package pciutils)"; exit 1; }
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$tool" "$work"
: > "$work/empty.ids" # no device names: the decoding under test is the capabilities'
status=0
for dump in "$work"/*.dump; do
    name=$(basename "$dump" .dump)
    # lspci's stderr (e.g. libkmod notes) depends on the host, not on the dump: keep it apart.
    if ! lspci -A dump -F "$dump" -i "$work/empty.ids" -vvv > "$work/$name.txt" 2> "$work/$name.err"; then
        echo "FAIL: lspci could not decode $name:"; cat "$work/$name.err"; status=1; continue
    fi
    if [ "${AIE4SIM_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$work/$name.txt" "$golden_dir/$name.txt"
        echo "updated $golden_dir/$name.txt"
    elif ! diff -u "$golden_dir/$name.txt" "$work/$name.txt"; then
        echo "FAIL: lspci's decoding of $name differs from $golden_dir/$name.txt"
        status=1
    else
        echo "ok: $name"
    fi
done
exit $status
