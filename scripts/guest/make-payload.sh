#!/usr/bin/env bash
# Packs SCRIPT_FILE as /aie4sim/payload.sh into a small newc cpio archive, to be concatenated after
# BUILD_DIR/guest/initramfs.cpio.gz at run time:  cat initramfs.cpio.gz OUT.cpio > run.img
# The guest's /init runs it with sh and reports its exit status (docs/guest-image.md).
#
# Usage: scripts/guest/make-payload.sh OUT.cpio SCRIPT_FILE
#   OUT ending in .gz: gzip-compressed archive; otherwise uncompressed (both are accepted by the
#   kernel after the gzip main archive, which build-image.sh pads to a 4-byte multiple).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$here/../lib/common.sh"

[ $# -eq 2 ] || die "usage: $0 OUT.cpio SCRIPT_FILE"
out=$1 script=$2
[ -f "$script" ] || die "payload script '$script' not found"
for t in cpio gzip; do command -v "$t" >/dev/null || die "'$t' not found: install $t"; done
mkdir -p "$(dirname "$out")"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-payload.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root/aie4sim"
cp "$script" "$tmp/root/aie4sim/payload.sh"
chmod 755 "$tmp/root/aie4sim" "$tmp/root/aie4sim/payload.sh"
touch -h -d @0 "$tmp/root/aie4sim" "$tmp/root/aie4sim/payload.sh"
(cd "$tmp/root" && printf '%s\n' aie4sim aie4sim/payload.sh \
    | cpio --quiet -o -H newc -R 0:0 --reproducible) > "$tmp/payload.cpio" || die "cpio failed"
case $out in
    *.gz) gzip -n -9 < "$tmp/payload.cpio" > "$tmp/out" ;;
    *) mv "$tmp/payload.cpio" "$tmp/out" ;;
esac
mv "$tmp/out" "$out"
