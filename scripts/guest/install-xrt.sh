#!/usr/bin/env bash
# Installs AMD's user space into a guest root: the packages of BUILD_DIR/deps/xrt-2.25.closure
# (Debian's XRT 2.25 and its dependency closure, fetched by scripts/xrt/fetch-xrt.sh) unpacked
# at their normal paths, with their own loader and C library, so `xrt-smi` and programs built
# against XRT just run. ROOT must be merged-usr (/lib and /lib64 links into /usr), as Debian 13
# is. Pruned: documentation, manual pages, locales, lintian overrides, gconv modules. Writes
# /etc/os-release, which XRT's host report requires. See docs/xrt.md.
#
# Usage: scripts/guest/install-xrt.sh BUILD_DIR ROOT
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$here/../lib/common.sh"

[ $# -eq 2 ] || die "usage: $0 BUILD_DIR ROOT"
build=$(cd "$1" && pwd)
root=$2
closure=$build/deps/xrt-2.25.closure
dl=$build/deps/downloads/xrt-2.25
[ -f "$closure" ] || die "$closure is missing: run scripts/xrt/fetch-xrt.sh $build first"
{ [ -L "$root/lib" ] && [ -L "$root/lib64" ]; } || die "$root is not merged-usr (/lib and /lib64 must be links into /usr)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-xrt-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
n=0
while IFS= read -r p; do
    [ -n "$p" ] || continue
    name=${p%%=*} ver=${p#*=}
    deb=$(find "$dl" -maxdepth 1 -name "${name}_${ver//:/%3a}_*.deb" | head -n1)
    [ -n "$deb" ] || die "$name $ver is in $closure but not in $dl: run scripts/xrt/fetch-xrt.sh $build"
    dpkg-deb -x "$deb" "$stage" || die "dpkg-deb -x $deb failed"
    n=$((n + 1))
done < "$closure"

# Debian 13 packages ship their files under /usr. Anything still under /lib, /lib64, /bin or
# /sbin would replace the root's links on copy: refuse rather than break the root.
for d in lib lib64 bin sbin; do
    [ ! -e "$stage/$d" ] || die "a package of the closure ships /$d (not merged-usr): $(find "$stage/$d" | head -3 | tr '\n' ' ')"
done

rm -rf "$stage/usr/share/doc" "$stage/usr/share/man" "$stage/usr/share/locale" \
    "$stage/usr/share/lintian" "$stage/usr/share/bash-completion" "$stage/usr/share/gdb" \
    "$stage/usr/lib/x86_64-linux-gnu/gconv"
# The closure's libraries replace any older copies already in the root (for example the host's
# libraries of lspci): the same sonames, newer and backward compatible.
cp -a "$stage/." "$root/"

cat > "$root/etc/os-release" <<'OS'
PRETTY_NAME="aie4sim guest (Debian 13 XRT user space, busybox)"
NAME="aie4sim guest"
ID=aie4sim
ID_LIKE=debian
VERSION_ID="13"
VERSION_CODENAME=trixie
OS
msg "XRT: $n packages installed in the guest root ($(du -sh "$stage" | cut -f1) pruned)"
