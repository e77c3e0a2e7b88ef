#!/usr/bin/env bash
# Generates the emulated NPU's firmware files, deterministically (same bytes on every run):
#   OUTDIR/npu.dev.sbin   131072 bytes, magic "AIE4SIM-NPU-FW"
#   OUTDIR/cert.dev.sbin    8192 bytes, magic "AIE4SIM-CERT"
# The guest image puts them at /lib/firmware/amdnpu/17f2_10/, where the amdxdna PF asks for them.
# Layout (docs/guest-image.md): bytes 0..15 magic, NUL-padded; 16..19 format version (u32 LE, 1);
# 20..23 total file size (u32 LE); 24..end pattern byte[i] = (i * 131 + 17) mod 256, i = file offset.
#
# Usage: scripts/guest/make-firmware.sh OUTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$here/../lib/common.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
command -v python3 >/dev/null || die "'python3' not found: install python3"
mkdir -p "$1"

python3 - "$1" <<'PY'
import os, struct, sys

FORMAT_VERSION = 1

def image(magic: bytes, size: int) -> bytes:
    assert len(magic) <= 16
    head = magic.ljust(16, b"\0") + struct.pack("<II", FORMAT_VERSION, size)
    body = bytes((i * 131 + 17) & 0xFF for i in range(len(head), size))
    return head + body

out = sys.argv[1]
for name, magic, size in (("npu.dev.sbin", b"AIE4SIM-NPU-FW", 128 * 1024),
                          ("cert.dev.sbin", b"AIE4SIM-CERT", 8 * 1024)):
    path = os.path.join(out, name)
    data = image(magic, size)
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                continue  # unchanged: keep the file (and its mtime)
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
PY
