#!/usr/bin/env bash
# Downloads Debian's trixie-backports Linux 7.3.4 (kernel image, modules, base files with the
# config and modules.builtin, and linux-libc-dev for the UAPI header drm/amdxdna_accel.h) through
# the private apt configuration and unpacks them (dpkg -x, never installed) into
# BUILD_DIR/deps/linux-7.3.4/. The .debs are kept in the download cache, and a cache that
# already holds all four is used without asking the registry. A no-op once done.
#
# Usage: scripts/guest/fetch-kernel.sh BUILD_DIR
# Env:   AIE4SIM_CACHE_DIR  the download cache (default: BUILD_DIR/deps/downloads); the .debs
#                           go to its linux-7.3.4/ folder. CI keeps it outside its build roots.
# Result: BUILD_DIR/deps/linux-7.3.4/usr/lib/modules/7.3.4+deb13-amd64/{vmlinuz,config,kernel/...}
#         BUILD_DIR/deps/linux-7.3.4/usr/include/drm/amdxdna_accel.h
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$here/../lib/common.sh"

[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
build=$(absolute_dir "$1")
deps=$build/deps
upstream=7.3.4
kver=$upstream+deb13-amd64
dest=$deps/linux-$upstream
stamp=$deps/linux-$upstream.stamp

check_tree() {  # check_tree ROOT: the files the rest of the project relies on
    local r=$1/usr/lib/modules/$kver
    [ -f "$r/vmlinuz" ] && [ -f "$r/kernel/drivers/accel/amdxdna/amdxdna.ko.xz" ] \
        && [ -f "$1/usr/include/drm/amdxdna_accel.h" ] && [ -f "$r/config" ] && [ -f "$r/modules.builtin" ]
}

if [ -f "$stamp" ] && check_tree "$dest"; then
    msg "Linux $kver already unpacked at $dest"
    exit 0
fi

for t in apt-get apt-cache dpkg-deb; do
    command -v "$t" >/dev/null || die "'$t' not found (needs apt and dpkg)"
done

dl=${AIE4SIM_CACHE_DIR:-$deps/downloads}/linux-$upstream
mkdir -p "$dl"
names=("linux-binary-$kver" "linux-modules-$kver" "linux-base-$kver" "linux-libc-dev")
# cached NAME [VERSION_PREFIX]: the newest cached .deb of package NAME (empty if none).
cached() {
    # shellcheck disable=SC2012 # Debian file names, no odd characters
    ls -v "$dl/${1}_${2:-}"*.deb 2>/dev/null | tail -n1 || true # none cached: empty
}
have_all=1
for name in "${names[@]}"; do
    prefix=
    [ "$name" != linux-libc-dev ] || prefix=$upstream-
    [ -n "$(cached "$name" "$prefix")" ] || have_all=0
done

if [ $have_all -eq 1 ]; then
    msg "using the cached packages in $dl (no download)"
else
    # shellcheck source-path=SCRIPTDIR source=../lib/apt-private.sh
    source "$here/../lib/apt-private.sh"
    msg "preparing the private apt configuration in $deps/apt"
    apt_private_init "$deps/apt" || die "apt update with the private configuration failed (network? see above)"
    apt_opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$APT_PRIVATE_DIR/sources"
              -o Dir::State::Lists="$APT_PRIVATE_DIR/lists" -o Dir::Cache="$APT_PRIVATE_DIR/cache")
    # linux-libc-dev has no version in its name: pick the newest 7.3.4 build the registry offers.
    libc_ver=$(apt-cache "${apt_opts[@]}" madison linux-libc-dev 2>/dev/null \
        | awk -F' *\\| *' -v v="$upstream" '!found && index($2, v "-") == 1 {print $2; found = 1}')
    [ -n "$libc_ver" ] || die "no linux-libc-dev $upstream-* in the private apt lists (trixie-backports); try: rm -rf $deps/apt/lists"
    pkgs=("linux-binary-$kver" "linux-modules-$kver" "linux-base-$kver" "linux-libc-dev=$libc_ver")
    msg "downloading ${pkgs[*]} (about 125 MB, kept in $dl)"
    # apt-get download skips files already present with the right checksum.
    (cd "$dl" && apt_private -o Dir::Cache="$APT_PRIVATE_DIR/cache" download -qq "${pkgs[@]}") \
        || die "apt-get download failed for: ${pkgs[*]}"
fi

tmp=$(mktemp -d "$deps/linux-$upstream.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
debs=()
for name in "${names[@]}"; do
    prefix=
    [ "$name" != linux-libc-dev ] || prefix=$upstream-
    deb=$(cached "$name" "$prefix")
    [ -n "$deb" ] || die "downloaded package $name not found in $dl"
    msg "unpacking $(basename "$deb")"
    dpkg-deb -x "$deb" "$tmp/root" \
        || { rm -f "$deb"; die "dpkg-deb -x $deb failed: the file is removed from the cache, run again to download it anew"; }
    debs+=("$(basename "$deb")")
done
check_tree "$tmp/root" || die "the unpacked packages lack vmlinuz, amdxdna.ko.xz, the config or amdxdna_accel.h"

rm -rf "$dest"
mv "$tmp/root" "$dest"
printf '%s\n' "${debs[@]}" > "$stamp.new"
mv "$stamp.new" "$stamp"
msg "Linux $kver unpacked at $dest"
