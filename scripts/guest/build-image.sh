#!/usr/bin/env bash
# Builds the guest: BUILD_DIR/guest/vmlinuz (Debian's 7.3.4 kernel) and
# BUILD_DIR/guest/initramfs.cpio.gz (busybox, lspci/setpci, the amdxdna/vfio/pci-pf-stub modules,
# the emulated NPU firmware, Debian's XRT 2.25 with its own C library (merged-usr root),
# EXTRA_DIR's programs, WORKLOAD_DIR's workloads, and an /init that runs /aie4sim/payload.sh).
# Rebuilt only when an input changed. See docs/guest-image.md.
#
# Usage: scripts/guest/build-image.sh BUILD_DIR [EXTRA_DIR [WORKLOAD_DIR]]
#   EXTRA_DIR: every file in it goes to /opt/aie4sim/bin in the guest (the guest programs).
#   WORKLOAD_DIR: every file in it goes to /opt/aie4sim/workloads (ELFs and layout files).
# Env: AIE4SIM_GUEST_EXTRA_MODULES  more module names to include (with their dependencies)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$here/../lib/common.sh"

if [ $# -lt 1 ] || [ $# -gt 3 ]; then die "usage: $0 BUILD_DIR [EXTRA_DIR [WORKLOAD_DIR]]"; fi
build=$(absolute_dir "$1")
extra=
if [ $# -ge 2 ] && [ -n "$2" ]; then
    [ -d "$2" ] || die "EXTRA_DIR '$2' is not a folder"
    extra=$(cd "$2" && pwd)
fi
workloads=
if [ $# -eq 3 ] && [ -n "$3" ]; then
    [ -d "$3" ] || die "WORKLOAD_DIR '$3' is not a folder"
    workloads=$(cd "$3" && pwd)
fi
t_start=$(now)

kver=7.3.4+deb13-amd64
out=$build/guest
initrd=$out/initramfs.cpio.gz

# Modules the guest needs; their dependency closure (modinfo depends) is added automatically.
modules=(amdxdna pci-pf-stub vfio vfio-pci vfio_pci_core vfio_iommu_type1 irqbypass qemu_fw_cfg)
read -ra extra_modules <<<"${AIE4SIM_GUEST_EXTRA_MODULES:-}"
modules+=(${extra_modules[@]+"${extra_modules[@]}"})

for t in busybox cpio gzip xz modinfo depmod ldd sha256sum flock dpkg-deb strip; do
    command -v "$t" >/dev/null || die "'$t' not found: run scripts/setup-host.sh (busybox-static cpio kmod xz-utils)"
done
busybox=$(command -v busybox)
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is dynamically linked: install busybox-static"
lspci=$(command -v lspci) || die "'lspci' not found: install pciutils"
setpci=$(command -v setpci 2>/dev/null || echo /usr/bin/setpci)
[ -x "$setpci" ] || die "'setpci' not found: install pciutils"
pci_ids=/usr/share/misc/pci.ids  # optional

"$here/fetch-kernel.sh" "$build"
"$here/../xrt/fetch-xrt.sh" "$build"
kroot=$build/deps/linux-7.3.4
kmod=$kroot/usr/lib/modules/$kver

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9 || die "cannot lock $out/.lock"

# ---- shared libraries of lspci/setpci (with the dynamic loader) ---------------------------------
libs_of() {  # prints the absolute paths of the libraries a dynamic binary loads
    ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u
}
mapfile -t libs < <( { libs_of "$lspci"; libs_of "$setpci"; } | sort -u)
[ ${#libs[@]} -gt 0 ] || die "ldd found no libraries for $lspci"

# ---- did any input change? ----------------------------------------------------------------------
fingerprint() {
    sha256sum "$here/build-image.sh" "$here/make-firmware.sh" "$here/install-xrt.sh"
    cat "$build/deps/linux-7.3.4.stamp" "$build/deps/xrt-2.25.closure"
    echo "modules: ${modules[*]}"
    stat -L -c '%n %s %Y' "$busybox" "$lspci" "$setpci" "${libs[@]}"
    [ -f "$pci_ids" ] && stat -L -c '%n %s %Y' "$pci_ids"
    if [ -n "$extra" ]; then
        echo "extra: $extra"
        (cd "$extra" && find -L . -maxdepth 1 -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
    fi
    if [ -n "$workloads" ]; then
        echo "workloads: $workloads"
        (cd "$workloads" && find -L . -maxdepth 1 -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
    fi
}
inputs=$(fingerprint | sha256sum | cut -d' ' -f1)
if [ -f "$out/.inputs" ] && [ "$(cat "$out/.inputs")" = "$inputs" ] && [ -f "$initrd" ] && [ -f "$out/vmlinuz" ]; then
    msg "guest image up to date: $out/vmlinuz $initrd"
    exit 0
fi

msg "building the guest image in $out"
tmp=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,tmp,run,root,mnt,aie4sim,opt/aie4sim/bin}
# merged-usr, as Debian 13 (whose C library and XRT the guest runs) expects: /lib and /lib64 are
# links into /usr, so the ELF interpreter /lib64/ld-linux-x86-64.so.2 is the closure's.
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
chmod 1777 "$root/tmp"

# ---- busybox and its applets --------------------------------------------------------------------
cp "$busybox" "$root/bin/busybox"
while read -r applet; do
    case ${applet##*/} in lspci | setpci | busybox) continue ;; esac
    mkdir -p "$root/$(dirname "$applet")"
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done < <("$busybox" --list-full)
[ -L "$root/bin/sh" ] || die "busybox has no 'sh' applet"

# ---- lspci, setpci, their libraries, pci.ids ----------------------------------------------------
cp -L "$lspci" "$setpci" "$root/usr/bin/"
for l in "${libs[@]}"; do
    mkdir -p "$root/$(dirname "$l")"
    cp -L "$l" "$root/$l"
done
if [ -f "$pci_ids" ]; then
    mkdir -p "$root/usr/share/misc"
    cp -L "$pci_ids" "$root/usr/share/misc/pci.ids"
fi

# ---- AMD's user space: XRT 2.25 and its closure, over the libraries above (newer, same sonames) -
"$here/install-xrt.sh" "$build" "$root"

# ---- kernel modules: the closure of $modules, decompressed, with depmod's indexes --------------
declare -A modpath=()  # module name (with '_') -> path relative to $kmod
while IFS= read -r p; do
    n=${p##*/}; n=${n%.ko.xz}; n=${n%.ko}
    modpath[${n//-/_}]=$p
done < <(cd "$kmod" && find kernel -name '*.ko.xz' -o -name '*.ko')
declare -A builtin=()
while IFS= read -r p; do
    n=${p##*/}; n=${n%.ko}
    builtin[${n//-/_}]=1
done < "$kmod/modules.builtin"

declare -A chosen=()
add_module() {
    local n=${1//-/_} d deps
    [ -z "${chosen[$n]+x}" ] || return 0
    if [ -n "${builtin[$n]+x}" ]; then chosen[$n]=builtin; return 0; fi
    [ -n "${modpath[$n]+x}" ] || die "module '$1' is neither in $kmod/kernel nor built in"
    chosen[$n]=${modpath[$n]}
    deps=$(modinfo -F depends "$kmod/${modpath[$n]}")
    for d in ${deps//,/ }; do add_module "$d"; done
}
for m in "${modules[@]}"; do add_module "$m"; done

mdest=$root/lib/modules/$kver
mkdir -p "$mdest"
for n in "${!chosen[@]}"; do
    p=${chosen[$n]}
    [ "$p" != builtin ] || continue
    mkdir -p "$mdest/$(dirname "$p")"
    case $p in
        *.xz) xz -dc "$kmod/$p" > "$mdest/${p%.xz}" ;;
        *) cp "$kmod/$p" "$mdest/$p" ;;
    esac
done
cp "$kmod/modules.order" "$kmod/modules.builtin" "$kmod/modules.builtin.modinfo" "$mdest/"
depmod -b "$root" "$kver" || die "depmod -b failed"
[ -s "$mdest/modules.dep" ] || die "depmod wrote no modules.dep"
(cd "$mdest" && find kernel -name '*.ko' | LC_ALL=C sort) > "$tmp/modules.txt"
builtins=$(for n in "${!chosen[@]}"; do [ "${chosen[$n]}" != builtin ] || printf '%s ' "$n"; done)
msg "modules: $(wc -l < "$tmp/modules.txt") (.ko, decompressed), built into the kernel: ${builtins:-none}"

# ---- firmware of the emulated NPU ---------------------------------------------------------------
"$here/make-firmware.sh" "$root/lib/firmware/amdnpu/17f2_10"

# ---- the project's guest programs ---------------------------------------------------------------
if [ -n "$extra" ]; then
    n=0
    while IFS= read -r -d '' f; do
        cp -L "$extra/$f" "$root/opt/aie4sim/bin/"
        chmod a+rx "$root/opt/aie4sim/bin/${f##*/}"
        # Debug information stays in the build tree's copy (for gdb there), out of the image.
        if [ "$(head -c 4 "$root/opt/aie4sim/bin/${f##*/}" | od -An -c | tr -d ' ')" = '177ELF' ]; then
            strip --strip-debug "$root/opt/aie4sim/bin/${f##*/}" || die "strip --strip-debug $f failed"
        fi
        n=$((n + 1))
    done < <(cd "$extra" && find -L . -maxdepth 1 -type f -print0)
    msg "programs from $extra: $n file(s) in /opt/aie4sim/bin"
fi
if [ -n "$workloads" ]; then
    mkdir -p "$root/opt/aie4sim/workloads"
    find -L "$workloads" -maxdepth 1 -type f -exec cp -L {} "$root/opt/aie4sim/workloads/" \;
    chmod -R a+rX "$root/opt/aie4sim/workloads"
    msg "workloads from $workloads: $(find "$root/opt/aie4sim/workloads" -type f | wc -l) file(s) in /opt/aie4sim/workloads"
fi

# ---- /etc and /init -----------------------------------------------------------------------------
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
echo aie4sim-guest > "$root/etc/hostname"
# The kernel opens /dev/console for init before /init mounts devtmpfs; the node is only creatable
# as root (the kernel's built-in initramfs has one too, so this is a belt-and-braces extra).
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

cat > "$root/init" <<'INIT'
#!/bin/sh
# aie4sim guest init (generated by scripts/guest/build-image.sh; see docs/guest-image.md)
export PATH=/opt/aie4sim/bin:/sbin:/bin:/usr/sbin:/usr/bin HOME=/root TERM=${TERM:-vt100}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
hostname -F /etc/hostname
cd /
echo
echo "AIE4SIM-GUEST-READY"
if [ -f /aie4sim/payload.sh ]; then
    sh /aie4sim/payload.sh
    status=$?
elif grep -q 'aie4sim.payload=required' /proc/cmdline; then
    echo "aie4sim: error: no /aie4sim/payload.sh although the kernel command line requires one" \
         "(was the payload archive appended at a 4-byte boundary? see 'Initramfs unpacking' above)"
    status=127
else
    echo "aie4sim: no /aie4sim/payload.sh: interactive shell on the console (exit to power off)"
    setsid cttyhack sh
    status=$?
fi
echo
echo "AIE4SIM-EXIT-STATUS: $status"
sync
poweroff -f
# poweroff failed: leaving init panics the kernel, and panic=-1 with QEMU -no-reboot ends the run
sleep 2
exit "$status"
INIT
chmod 755 "$root/init"

# ---- archive: deterministic (sorted names, fixed times, root owner), gzip, 4-byte padded -------
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort \
    | cpio --quiet -o -H newc -R 0:0 --reproducible) > "$tmp/initramfs.cpio" \
    || die "cpio failed"
gzip -n -6 < "$tmp/initramfs.cpio" > "$tmp/initramfs.cpio.gz"
# Pad to a multiple of 4 bytes: the kernel only takes an uncompressed cpio archive appended after
# this one (the run-time payload) if it starts 4-byte aligned; it skips NUL padding between archives.
size=$(stat -c %s "$tmp/initramfs.cpio.gz")
pad=$(( (4 - size % 4) % 4 ))
[ "$pad" -eq 0 ] || head -c "$pad" /dev/zero >> "$tmp/initramfs.cpio.gz"

cp "$kmod/vmlinuz" "$tmp/vmlinuz"
mv "$tmp/vmlinuz" "$out/vmlinuz"
mv "$tmp/initramfs.cpio.gz" "$initrd"
mv "$tmp/modules.txt" "$out/modules.txt"
echo "$inputs" > "$out/.inputs"
msg "guest image ready: $out/vmlinuz $initrd ($(stat -c %s "$initrd") bytes, $(stat -c %s "$tmp/initramfs.cpio") uncompressed) in $(elapsed "$t_start")"
