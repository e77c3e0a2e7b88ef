#!/usr/bin/env bash
# Installs the Debian 12 packages aie4sim needs. Idempotent and quiet when all are present.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config git
    libsystemc-dev catch2 libboost1.81-all-dev libboost-json1.81-dev
    clang-format clang-tidy
    # the sanitizer and fuzzing builds (scripts/sanitize.sh, scripts/fuzz.sh): clang, libFuzzer
    clang libclang-rt-14-dev
    # test scripts read the JSON reports; sweep reports are drawn with matplotlib
    python3 python3-matplotlib
    # the Slurm engine of `aie4sim sweep`, tested against a private single-node cluster
    slurm-wlm munge
    # QEMU from Debian's source package, with our device built in
    dpkg-dev libglib2.0-dev libpixman-1-dev libfdt-dev libslirp-dev meson flex bison
    # QEMU's scripts/checkpatch.pl on the device (test style:checkpatch; dpkg-dev pulls it in too)
    perl
    # stock QEMU: the baselines of the bridge benchmark
    qemu-system-x86
    # the guest image and the lspci golden checks
    busybox-static cpio kmod pciutils xz-utils zstd
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "aie4sim: installing Debian packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "aie4sim: need root or sudo to install packages" >&2; exit 1; }
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
