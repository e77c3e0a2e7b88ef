#!/usr/bin/env bash
# Fetches Debian's QEMU source package (bookworm: QEMU 7.2 with Debian's patches) through the
# private apt configuration and unpacks it at BUILD_DIR/deps/qemu-src. A no-op once done.
#
# Usage: scripts/qemu/fetch-source.sh BUILD_DIR
# Env:   AIE4SIM_QEMU_SRC_PKG  source package to fetch (default: qemu; e.g. qemu=1:7.2+dfsg-7+deb12u18)
#        AIE4SIM_CACHE_DIR     the download cache (default: BUILD_DIR/deps/downloads); the source
#                              package goes to its qemu-src/ folder, and a cached one is used
#                              without asking the registry.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$here/../lib/common.sh"

[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
build=$(absolute_dir "$1")
deps=$build/deps
dest=$deps/qemu-src
stamp=$deps/qemu-src.stamp
pkg=${AIE4SIM_QEMU_SRC_PKG:-qemu}

if [ -f "$stamp" ] && [ -d "$dest" ]; then
    msg "QEMU source already at $dest ($(cat "$stamp"))"
    exit 0
fi

for t in apt-get dpkg-source xz; do
    command -v "$t" >/dev/null || die "'$t' not found: run scripts/setup-host.sh (needs dpkg-dev, xz-utils)"
done

# Download into a cache folder (kept: a second unpack needs no network), unpack into a temp dir.
dl=${AIE4SIM_CACHE_DIR:-$deps/downloads}/qemu-src
mkdir -p "$dl"
# The .dsc of the wanted version: any cached one for plain "qemu", else the pinned one.
wanted_dsc() {
    local version=${pkg#qemu}
    version=${version#=}
    version=${version#*:} # file names carry no epoch
    # shellcheck disable=SC2012 # Debian file names, no odd characters
    ls -v "$dl"/qemu_"${version}"*.dsc 2>/dev/null | tail -n1 || true # none cached: empty
}
dsc=$(wanted_dsc)
if [ -n "$dsc" ]; then
    msg "using the cached source package $(basename "$dsc") (no download)"
else
    # shellcheck source-path=SCRIPTDIR source=../lib/apt-private.sh
    source "$here/../lib/apt-private.sh"
    msg "preparing the private apt configuration in $deps/apt"
    apt_private_init "$deps/apt" || die "apt update with the private configuration failed (network? see above)"
    msg "downloading the source package '$pkg' (about 24 MB)"
    (cd "$dl" && apt_private -o Dir::Cache="$APT_PRIVATE_DIR/cache" source --download-only -qq "$pkg") \
        || die "apt-get source $pkg failed (is the deb-src stanza reachable? see above)"
    dsc=$(wanted_dsc)
    [ -n "$dsc" ] || die "no qemu_*.dsc downloaded into $dl"
fi

tmp=$(mktemp -d "$deps/qemu-src.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
msg "unpacking $(basename "$dsc") (applies Debian's patches)"
dpkg-source -x "$dsc" "$tmp/src" >"$tmp/unpack.log" 2>&1 \
    || { cat "$tmp/unpack.log" >&2; rm -f "$dsc"; die "dpkg-source -x $dsc failed: its .dsc is removed from the cache, run again to download it anew"; }
if [ ! -x "$tmp/src/configure" ] || [ ! -f "$tmp/src/VERSION" ]; then
    die "unpacked tree has no configure/VERSION"
fi

version=$(sed -n 's/^Version: //p' "$dsc" | head -n1)
rm -rf "$dest"
mv "$tmp/src" "$dest"
echo "qemu $version (upstream $(cat "$dest/VERSION"))" > "$stamp.new"
mv "$stamp.new" "$stamp"
msg "QEMU source ready at $dest ($(cat "$stamp"))"
